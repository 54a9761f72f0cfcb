//! The run's debrief (`lessons::debrief`), checked on every built-in lesson: the reference
//! solution reads as the intended path, the classic mistake as the key mistake, the failed
//! requests split truthfully, and a report exported mid-lesson gives no verdict.
#![cfg(not(target_arch = "wasm32"))]

use stagecraft::lessons::debrief::{run_debrief, FailedRequests, Par, Path, RunDebrief};
use stagecraft::lessons::progress::Outcome;
use stagecraft::lessons::{self, Lesson, Session, Verdict};
use stagecraft::sim::command::{Command, Strategy};
use stagecraft::sim::event::EventKind;
use stagecraft::sim::replay::LoggedCommand;
use stagecraft::sim::time::SimTime;

/// Every built-in lesson with objectives, a solution and a mistake (free play has none).
fn lessons_with_a_solution_and_a_mistake() -> Vec<Lesson> {
    let all: Vec<Lesson> = lessons::catalog()
        .iter()
        .map(|s| lessons::load(&s.id).unwrap())
        .filter(|l| {
            !l.file.objectives.is_empty() && !l.file.solution.is_empty() && l.file.mistake.is_some()
        })
        .collect();
    assert!(all.len() >= 12, "only {} lessons to check", all.len());
    all
}

fn debrief_of(session: &Session) -> RunDebrief {
    run_debrief(
        &session.lesson,
        session.world.seed,
        &session.world,
        &session.log,
        session.progress(),
    )
}

fn has_event(s: &Session, until: SimTime, pick: fn(&EventKind) -> bool) -> bool {
    s.world
        .recent
        .iter()
        .any(|e| e.at <= until && pick(&e.kind))
}

#[test]
fn the_reference_solution_reads_as_the_intended_path_with_its_decisive_events() {
    for lesson in lessons_with_a_solution_and_a_mistake() {
        let id = lesson.id().to_string();
        let f = &lesson.file;
        let session = lesson.play(&f.solution, lesson.check_at());
        let d = debrief_of(&session);
        assert_eq!(d.path, Path::Intended, "{id}: {:?}", d.teaches);
        assert_eq!(
            d.teaches.first(),
            Some(&f.debrief),
            "{id}: starts with the debrief"
        );
        if !f.debrief_won.is_empty() {
            assert!(d.teaches.contains(&f.debrief_won), "{id}: {:?}", d.teaches);
        }
        if !f.debrief_lost.is_empty() {
            assert!(
                !d.teaches.contains(&f.debrief_lost),
                "{id}: {:?}",
                d.teaches
            );
        }
        assert!(!d.happened.is_empty(), "{id}: nothing happened");
        let texts: Vec<&str> = d.happened.iter().map(|h| h.text.as_str()).collect();
        let until = d.outcome.unwrap().at;
        let cmd = |pick: fn(&Command) -> bool| f.solution.iter().any(|c| pick(&c.command));
        let shown = |pick: fn(&EventKind) -> bool| {
            let want: Vec<String> = session
                .world
                .recent
                .iter()
                .filter(|e| e.at <= until && pick(&e.kind))
                .map(|e| session.world.describe(e))
                .collect();
            !want.is_empty() && want.iter().all(|w| texts.contains(&w.as_str()))
        };
        if cmd(|c| matches!(c, Command::Approve { .. })) {
            assert!(
                shown(|k| matches!(k, EventKind::Approved { .. })),
                "{id}: {texts:#?}"
            );
        }
        if cmd(|c| matches!(c, Command::Rollback { .. })) {
            // A rollback may win before it completes: its start counts.
            let rollback = texts
                .iter()
                .any(|t| t.contains("rolled back") || t.starts_with("Rollback started"));
            assert!(rollback, "{id}: {texts:#?}");
        }
        let gate_failed = |k: &EventKind| matches!(k, EventKind::GateFailed { .. });
        if has_event(&session, until, gate_failed) {
            assert!(shown(gate_failed), "{id}: {texts:#?}");
            let evidence = d.happened.iter().any(|h| h.evidence.is_some());
            assert!(evidence, "{id}: a gate failure carries its explanation");
        }
        assert!(
            d.happened.windows(2).all(|w| w[0].at <= w[1].at),
            "{id}: oldest first"
        );
        assert!(
            d.happened.iter().all(|h| h.at <= until),
            "{id}: nothing after the win"
        );
    }
}

#[test]
fn the_classic_mistake_reads_as_the_key_mistake_and_names_it() {
    for lesson in lessons_with_a_solution_and_a_mistake() {
        let mistake = lesson.file.mistake.clone().unwrap();
        let session = lesson.play(&mistake.commands, lesson.check_at());
        let d = debrief_of(&session);
        let id = lesson.id();
        assert_eq!(d.path, Path::LostByKeyMistake, "{id}: {:?}", d.teaches);
        let said = d.teaches.last().unwrap();
        let description = mistake.description.trim_end_matches('.');
        assert!(said.contains(description), "{id}: {said}");
        if !lesson.file.debrief_won.is_empty() {
            assert!(!d.teaches.contains(&lesson.file.debrief_won), "{id}");
        }
    }
}

#[test]
fn failed_requests_split_into_the_background_and_what_the_run_caused() {
    for lesson in lessons_with_a_solution_and_a_mistake() {
        let id = lesson.id();
        let mistake = lesson.file.mistake.clone().unwrap().commands;
        for log in [lesson.file.solution.clone(), mistake] {
            let session = lesson.play(&log, lesson.check_at());
            let r = debrief_of(&session).requests;
            let idle = lesson.replay(&[], session.world.now);
            assert_eq!(r.total, session.world.delivery.failed_requests, "{id}");
            assert_eq!(r.background, idle.delivery.failed_requests, "{id}");
            assert_eq!(r.caused_by_actions(), r.total as i64 - r.background as i64);
        }
        let nobody = lesson.play(&[], lesson.check_at());
        let r = debrief_of(&nobody).requests;
        assert_eq!(r.caused_by_actions(), 0, "{id}: nobody acted");
        if r.total > 0 {
            assert!(
                r.sentence().contains("what was done added none"),
                "{id}: {}",
                r.sentence()
            );
        }
    }
}

#[test]
fn the_request_sentence_says_what_acting_caused_or_saved() {
    let r = |total, background| FailedRequests {
        total,
        background,
        scripted: false,
    };
    let caused = r(605, 409).sentence();
    assert!(caused.contains("Of 605 failed requests, about 409 would have failed anyway"));
    assert!(
        caused.contains("196 followed from what was done"),
        "{caused}"
    );
    assert!(
        caused.contains("0.03 %"),
        "the model's base error rate: {caused}"
    );
    let saved = r(100, 350).sentence();
    assert!(saved.contains("acting saved about 250 requests"), "{saved}");
    assert_eq!(r(0, 0).sentence(), "No request failed.");
    let scripted = FailedRequests {
        scripted: true,
        ..r(5, 5)
    };
    assert!(scripted
        .sentence()
        .contains("anything this scenario sets off by itself"));
}

#[test]
fn par_is_the_reference_solution_and_the_moment_it_wins() {
    for lesson in lessons_with_a_solution_and_a_mistake() {
        let session = lesson.play(&lesson.file.solution, lesson.check_at());
        let d = debrief_of(&session);
        let par = d.par.unwrap();
        assert_eq!(par.commands, lesson.file.solution.len(), "{}", lesson.id());
        assert_eq!(par.decided_at, d.outcome.map(|o| o.at), "{}", lesson.id());
        assert!(par.decided_at.is_some(), "{}", lesson.id());
        assert_eq!(d.yours, par, "the solution is exactly par");
        let start = session.world.config.start_minute_of_day;
        let said = d.par_sentence(start).unwrap();
        assert!(said.contains("par on commands, par on time"), "{said}");
    }
}

#[test]
fn the_par_sentence_says_better_than_par_only_when_it_was() {
    let lesson = lessons::load("first-promotion").unwrap();
    let session = lesson.play(&lesson.file.solution, lesson.check_at());
    let mut d = debrief_of(&session);
    let par = d.par.unwrap();
    let at = par.decided_at.unwrap();
    d.yours = Par {
        commands: par.commands - 1,
        decided_at: Some(SimTime(at.0 - 5)),
    };
    let said = d.par_sentence(0).unwrap();
    assert!(
        said.contains("better than par on commands, better than par on time"),
        "{said}"
    );
    d.yours = Par {
        commands: par.commands + 2,
        decided_at: Some(SimTime(at.0 + 20)),
    };
    let said = d.par_sentence(0).unwrap();
    assert!(
        said.contains("2 over par on commands, 20 min over par on time"),
        "{said}"
    );
    assert!(!said.contains("better"), "{said}");
    d.outcome = Some(Outcome {
        verdict: Verdict::Lost,
        at: SimTime(at.0 + 20),
    });
    let said = d.par_sentence(0).unwrap();
    assert!(
        said.contains("lost at") && !said.contains("over par"),
        "{said}"
    );
}

#[test]
fn a_win_without_a_step_of_the_solution_names_the_step_it_skipped() {
    // First promotion, with a canary into production instead of the rolling deploy.
    let lesson = lessons::load("first-promotion").unwrap();
    let mut log: Vec<LoggedCommand> = lesson.file.solution.clone();
    if let Command::Promote { strategy, .. } = &mut log[2].command {
        *strategy = Strategy::Canary(Box::default());
    }
    let session = lesson.play(&log, lesson.check_at());
    assert_eq!(session.verdict(), Verdict::Won, "the canary wins it too");
    let d = debrief_of(&session);
    assert_eq!(d.path, Path::WonAnotherWay);
    let said = d.teaches.last().unwrap();
    assert!(said.contains("promote to Production (rolling)"), "{said}");
    assert!(
        !said.contains("canary"),
        "it names only what this run did not do: {said}"
    );
}

#[test]
fn a_loss_unlike_the_mistake_says_which_objective_failed_and_when() {
    // Doing nothing in the first lesson runs out of time; the mistake skips the gates.
    let lesson = lessons::load("first-promotion").unwrap();
    let session = lesson.play(&[], lesson.check_at());
    let d = debrief_of(&session);
    assert_eq!(d.path, Path::LostOtherwise, "{:?}", d.teaches);
    let said = d.teaches.last().unwrap();
    assert!(said.contains("failed at Day "), "{said}");
    assert!(!said.contains("key mistake"), "{said}");
}

#[test]
fn running_out_of_time_with_nobody_acting_is_not_the_key_mistake() {
    // Every goal fails when time runs out, the mistake's included; that alone is not the
    // mistake (it may be, like sale-day's rush, when the mistake fails the same rule).
    for lesson in lessons_with_a_solution_and_a_mistake() {
        let session = lesson.play(&[], lesson.check_at());
        let d = debrief_of(&session);
        let said = d.teaches.last().unwrap();
        assert_eq!(
            d.outcome.map(|o| o.verdict),
            Some(Verdict::Lost),
            "{}",
            lesson.id()
        );
        if said.contains("not done before the time limit") {
            assert_eq!(d.path, Path::LostOtherwise, "{}: {said}", lesson.id());
        }
        assert!(
            !said.contains("made the lesson's key mistake"),
            "{}: {said}",
            lesson.id()
        );
    }
}

#[test]
fn a_report_exported_mid_lesson_says_so_and_gives_no_verdict() {
    for lesson in lessons_with_a_solution_and_a_mistake() {
        let id = lesson.id();
        let early: Vec<LoggedCommand> = lesson
            .file
            .solution
            .iter()
            .filter(|c| c.at.0 <= 10)
            .cloned()
            .collect();
        let session = lesson.play(&early, SimTime(10));
        assert_eq!(
            session.progress().outcome(),
            None,
            "{id}: decided by minute 10"
        );
        let d = debrief_of(&session);
        assert_eq!(d.path, Path::Running);
        let md = lessons::report::session_report(&session);
        assert!(md.contains("_Exported mid-lesson at Day "), "{id}:\n{md}");
        assert!(md.contains("nothing here is a verdict"), "{id}");
        assert!(
            !md.contains("## Debrief"),
            "{id}: no closing debrief:\n{md}"
        );
        for verdict in ["You won", "was won", "was lost", "key mistake", "par on"] {
            assert!(!md.contains(verdict), "{id}: says {verdict:?}:\n{md}");
        }
        // "won"/"lost" as words only where the lesson's own text or a count says them.
        let ours = |l: &&str| !l.contains("lost for good") && !l.starts_with("- Objective");
        for line in md.lines().filter(ours) {
            let words: Vec<&str> = line.split(|c: char| !c.is_alphanumeric()).collect();
            assert!(
                !words.contains(&"won") && !words.contains(&"lost"),
                "{id}: {line}"
            );
        }
    }
}

#[test]
fn a_decided_report_tells_what_happened_with_the_evidence_and_the_debrief() {
    let lesson = lessons::load("canary-catches-regression").unwrap();
    let session = lesson.play(&lesson.file.solution, lesson.check_at());
    let md = lessons::report::session_report(&session);
    for needle in [
        "## What happened",
        "  - Rule: ",
        "  - Verdict: ",
        "would have failed anyway with nobody acting",
        "- The lesson was won at Day ",
        "## Debrief",
        "You won the intended way",
        "Par: ",
    ] {
        assert!(md.contains(needle), "missing {needle:?} in:\n{md}");
    }
    assert!(!md.contains("mid-lesson"), "{md}");
    assert!(!md.contains('<'), "no markup");
}

/// Free play has no objectives: a report exported from it is never "mid-lesson" (it used to
/// say "the lesson is still running" about a session that has no lesson to finish).
#[test]
fn a_free_play_report_does_not_say_a_lesson_is_still_running() {
    let lesson = lessons::load(lessons::FREE_PLAY_ID).unwrap();
    assert!(lesson.file.objectives.is_empty());
    let session = lesson.play(&[], SimTime(30));
    let md = lessons::report::session_report(&session);
    assert!(md.starts_with("# Post-incident review: "), "{md}");
    assert!(!md.contains("mid-lesson") && !md.contains("still running"), "{md}");
}
