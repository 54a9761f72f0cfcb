//! Every built-in lesson, replayed headlessly: it loads, its reference solution wins it, and
//! its classic mistake loses it (learnGitBranching's levels.spec, for Stagecraft).
#![cfg(not(target_arch = "wasm32"))]

use stagecraft::lessons::objective::Objective;
use stagecraft::lessons::{self, Concept, Lesson, Session, Status, Verdict};
use stagecraft::sim::command::Command;
use stagecraft::sim::ids::{ActorId, StageId, Version};
use stagecraft::sim::replay::{self, LoggedCommand};
use stagecraft::sim::time::SimTime;
use std::collections::BTreeSet;

fn story(session: &Session) -> String {
    let world = &session.world;
    let mut s: Vec<String> = session
        .check()
        .iter()
        .map(|o| format!("  [{:?}] {}", o.status, o.text))
        .collect();
    s.push(format!("  outcome: {:?}", session.progress().outcome()));
    s.push("  events:".into());
    s.extend(
        world
            .recent
            .iter()
            .filter(|e| e.is_important())
            .map(|e| format!("    {:>4} {}", e.at.0, world.describe(e))),
    );
    s.join("\n")
}

#[test]
fn every_lesson_loads_and_its_solution_wins_it() {
    let mut failures = Vec::new();
    for id in lessons::ids() {
        let lesson = lessons::load(id).unwrap_or_else(|p| {
            panic!(
                "{id} does not load:\n{}",
                p.iter()
                    .map(|x| x.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        });
        if lesson.file.objectives.is_empty() {
            // Free play has nothing to win; a lab lesson is won in the lab (tests/lab_lessons.rs).
            continue;
        }
        let until = lesson.check_at();
        // Judged minute by minute: a solution may not fail anything on the way.
        let session = lesson.play(&lesson.file.solution, until);
        let verdict = session.verdict();
        if verdict != Verdict::Won {
            failures.push(format!(
                "{id}: solution gives {verdict:?} at minute {}\n{}",
                until.0,
                story(&session)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_lesson_with_objectives_is_lost_by_its_classic_mistake() {
    let mut failures = Vec::new();
    for id in lessons::ids() {
        let lesson = lessons::load(id).unwrap();
        if lesson.file.objectives.is_empty() {
            assert!(
                lesson.file.mistake.is_none(),
                "{id}: a mistake without objectives proves nothing"
            );
            continue;
        }
        let mistake = lesson
            .file
            .mistake
            .clone()
            .unwrap_or_else(|| panic!("{id} has objectives but no mistake"));
        // A mistake may not pass through a win either: a won lesson is over.
        let session = lesson.play(&mistake.commands, lesson.check_at());
        let verdict = session.verdict();
        if verdict != Verdict::Lost {
            failures.push(format!(
                "{id}: mistake \"{}\" gives {verdict:?}\n{}",
                mistake.description,
                story(&session)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_live_session_and_the_replay_agree() {
    for id in [
        "backup-restore",
        "least-privilege",
        "first-promotion",
        "sale-day",
    ] {
        let lesson = lessons::load(id).unwrap();
        let until = lesson.check_at();
        let replayed = lesson.replay(&lesson.file.solution, until);
        let mut live = lessons::Session::new(lesson.clone());
        for c in &lesson.file.solution {
            live.run_until(c.at);
            let _ = live.apply(&c.actor, c.command.clone());
        }
        live.run_until(until);
        assert_eq!(
            live.world, replayed,
            "{id}: live session and replay diverged"
        );
        assert_eq!(live.verdict(), Verdict::Won);
        let again =
            lessons::Session::replay(lesson.clone(), lesson.seed(), live.log.clone(), until);
        assert_eq!(again.world, replayed);
    }
}

#[test]
fn the_lessons_cover_every_section_and_item_of_the_curriculum() {
    let covered: BTreeSet<Concept> = lessons::catalog()
        .iter()
        .flat_map(|l| l.concepts.clone())
        .collect();
    let missing: Vec<&str> = Concept::ALL
        .iter()
        .filter(|c| !covered.contains(c))
        .map(|c| c.label())
        .collect();
    assert!(missing.is_empty(), "no lesson teaches: {missing:?}");
    let sections: BTreeSet<u8> = covered.iter().map(|c| c.section()).collect();
    assert_eq!(sections, BTreeSet::from([1, 2, 3, 4, 5]));
    assert!(
        lessons::catalog().len() >= 13,
        "at least 12 lessons and a sandbox"
    );
}

#[test]
fn the_catalogue_is_ordered_and_ids_match_files() {
    let cat = lessons::catalog();
    assert_eq!(cat.len(), lessons::ids().len(), "every built-in file loads");
    assert!(
        cat.windows(2).all(|w| w[0].order < w[1].order),
        "distinct, increasing order"
    );
    assert!(lessons::load("no-such-lesson").is_err());
}

#[test]
fn objectives_read_as_sentences_and_start_not_met() {
    let lesson = lessons::load("first-promotion").unwrap();
    let world = lesson.world();
    let statuses = lesson.check(&world, &[]);
    assert_eq!(
        statuses[0].text,
        "v1.1.0 serves all of Production, with an error rate under 1.0 %"
    );
    assert_eq!(statuses[0].status, Status::NotYet);
    assert_eq!(lesson.verdict(&world, &[]), Verdict::InProgress);
    // A lesson is judged with its own seed; at minute 0 the time limit has not passed.
    assert_eq!(world.now, SimTime::ZERO);
}

#[test]
fn rules_hold_rather_than_count_as_met_before_anything_happens() {
    // "Restored within 30 min" and "finish within N min" are rules: before any incident
    // they are not broken, but nothing has been achieved either.
    let lesson = lessons::load("bad-deploy-rollback").unwrap();
    let world = lesson.world();
    let statuses = lesson.check(&world, &[]);
    let by_text = |needle: &str| {
        statuses
            .iter()
            .find(|s| s.text.contains(needle))
            .unwrap_or_else(|| panic!("no objective about {needle}"))
    };
    assert_eq!(by_text("restored within").status, Status::Holding);
    assert_eq!(by_text("Finish within").status, Status::Holding);
    assert!(
        statuses.iter().all(|s| s.status != Status::Met),
        "{statuses:?}"
    );
    assert_eq!(lesson.verdict(&world, &[]), Verdict::InProgress);
    // Played to the end by its reference solution, the lesson is won with the rules kept.
    let session = lesson.play(&lesson.file.solution, lesson.check_at());
    assert_eq!(session.verdict(), Verdict::Won, "{}", story(&session));
    // The rule was kept (it could have broken to the end); the time limit counts as met
    // once the goals are.
    let end = session.progress().statuses();
    let status = |needle: &str| &end.iter().find(|s| s.text.contains(needle)).unwrap().status;
    assert_eq!(status("restored within"), &Status::Holding, "{end:?}");
    assert_eq!(status("Finish within"), &Status::Met, "{end:?}");
}

#[test]
fn the_post_incident_report_tells_the_story_blamelessly() {
    let lesson = lessons::load("destructive-migration").unwrap();
    let world = lesson.replay(&lesson.file.solution, lesson.check_at());
    let md = lessons::report::post_incident(&world, Some(&lesson));
    for needle in [
        "# Post-incident review: What rollback cannot undo",
        "Blameless format",
        "### INC-1",
        "time to detect",
        "time to restore",
        "| Change failure rate | 50 % |",
        "A destructive database migration ran in Production",
        "## Timeline",
        "Hotfix v1.1.1 built",
        "## Debrief",
    ] {
        assert!(md.contains(needle), "missing {needle:?} in:\n{md}");
    }
    assert!(!md.contains('<'), "no markup");
    // An aborted canary counts as a failed change too: cheaper, not invisible.
    let canary = lessons::load("canary-catches-regression").unwrap();
    let world = canary.replay(&canary.file.solution, canary.check_at());
    assert_eq!(
        world.delivery.report(world.now).change_failure_rate,
        Some(0.5)
    );
    let free = lessons::report::post_incident(&lessons::load("sandbox").unwrap().world(), None);
    assert!(free.contains("No incident was opened."));
    assert!(md.contains("by a critical alert (time to detect"), "{md}");
}

/// Users name what they meet: a latency regression fails no request, so they report slow
/// responses, and the card and the report name latency among the alerts that would have paged.
#[test]
fn users_report_slow_responses_when_only_latency_hurts_them() {
    let text = r#"{"format": 1, "id": "nothing-pages-slow", "title": "Nothing pages", "seed": 7,
        "summary": "A slow release and no alert rule.", "concepts": ["continuous_monitoring"],
        "setup": {"alert_rules": [], "initial_traits": {"defect": "latency_regression"}, "flaky_test_rate": 0}}"#;
    let lesson = lessons::load_str("nothing-pages-slow.json", text).unwrap_or_else(|p| panic!("{p:?}"));
    let world = lesson.replay(&[], SimTime(45));
    let md = lessons::report::post_incident(&world, Some(&lesson));
    for needle in [
        "Users report slow responses in Production (support escalated)",
        "requests slower than the latency objective",
    ] {
        assert!(md.contains(needle), "missing {needle:?} in:\n{md}");
    }
    assert!(!md.contains("Users report failures"), "{md}");
}

#[test]
fn the_report_says_when_users_not_an_alert_found_the_problem() {
    let text = r#"{"format": 1, "id": "nothing-pages", "title": "Nothing pages", "seed": 7,
        "summary": "A failing release and no alert rule.", "concepts": ["continuous_monitoring"],
        "setup": {"alert_rules": [], "initial_traits": {"defect": "error_rate"}, "flaky_test_rate": 0}}"#;
    let lesson = lessons::load_str("nothing-pages.json", text).unwrap_or_else(|p| panic!("{p:?}"));
    let world = lesson.replay(&[], SimTime(45));
    let md = lessons::report::post_incident(&world, Some(&lesson));
    for needle in [
        "Users report failures in Production (support escalated)",
        "by users' reports, escalated by support (time to detect: 30 min)",
        "No alert paged for 1 incident(s): users reported each one through support after 30 min of harm.",
    ] {
        assert!(md.contains(needle), "missing {needle:?} in:\n{md}");
    }
    assert!(!md.contains("before an alert opened an incident"), "{md}");
}

#[test]
fn user_text_in_reports_is_escaped() {
    assert_eq!(
        lessons::report::escape("<b>*hi*</b>"),
        "&lt;b&gt;\\*hi\\*&lt;/b&gt;"
    );
}

#[test]
fn the_readme_example_scenario_is_valid() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = &readme[readme
        .find("## Writing a scenario")
        .expect("the README documents the format")..];
    let start = section.find("```json\n").unwrap() + 8;
    let end = start + section[start..].find("```").unwrap();
    let lesson =
        lessons::load_str("README.md", &section[start..end]).unwrap_or_else(|p| panic!("{p:?}"));
    let world = lesson.replay(&lesson.file.solution, SimTime(170)); // before the spike
    let statuses = lesson.check(&world, &lesson.file.solution);
    assert_eq!(
        lesson.verdict(&world, &lesson.file.solution),
        Verdict::Won,
        "{statuses:?}"
    );
}

#[test]
fn the_engine_replays_a_lesson_by_itself_and_audits_only_what_people_did() {
    for id in lessons::ids() {
        let lesson = lessons::load(id).unwrap();
        assert_eq!(
            lesson.config.timeline.len(),
            lesson.file.timeline.len(),
            "{id}: the timeline is in the engine config"
        );
        let until = lesson.check_at();
        let session = lesson.play(&lesson.file.solution, until);
        let engine = replay::replay(
            lesson.config.clone(),
            lesson.seed(),
            &lesson.file.solution,
            until,
        );
        assert_eq!(
            session.world, engine,
            "{id}: the session and a bare engine replay diverged"
        );
        let injected = engine
            .audit
            .entries()
            .filter(|a| a.action.text().starts_with("inject"))
            .count();
        let by_people = lesson
            .file
            .solution
            .iter()
            .filter(|c| matches!(c.command, Command::Inject { .. }))
            .count();
        assert_eq!(
            injected, by_people,
            "{id}: timeline failures are not in the audit log"
        );
    }
}

fn objective_index(lesson: &Lesson, pick: impl Fn(&Objective) -> bool) -> usize {
    lesson
        .file
        .objectives
        .iter()
        .position(pick)
        .expect("the lesson has that objective")
}

fn at(minute: u64, actor: &str, command: Command) -> LoggedCommand {
    LoggedCommand {
        at: SimTime(minute),
        actor: ActorId::new(actor),
        command,
    }
}

#[test]
fn a_failed_objective_stays_failed_when_the_world_later_looks_fine() {
    // Ship the corrupting release, then roll back and restore a clean backup: the records
    // look fine again, but they were corrupted, and the lesson remembers.
    let lesson = lessons::load("ehr-migration").unwrap();
    let prod = StageId::new("prod");
    let mut session = Session::new(lesson.clone());
    let mistake = lesson.file.mistake.clone().unwrap().commands;
    for c in &mistake {
        session.run_until(c.at);
        if c.at.0 == 35 {
            session
                .apply(
                    &ActorId::new("sam"),
                    Command::TakeBackup {
                        stage: prod.clone(),
                    },
                )
                .unwrap();
        }
        let _ = session.apply(&c.actor, c.command.clone());
    }
    let backup = session
        .world
        .stage(&prod)
        .unwrap()
        .backups
        .last()
        .unwrap()
        .id;
    session.run_until(SimTime(120));
    let corrupted = objective_index(&lesson, |o| {
        matches!(o, Objective::NoCorruptedRecords { .. })
    });
    assert!(
        matches!(session.check()[corrupted].status, Status::Failed { .. }),
        "{}",
        story(&session)
    );
    session
        .apply(
            &ActorId::new("sam"),
            Command::Rollback {
                stage: prod.clone(),
                to: Version::new(1, 0, 0),
            },
        )
        .unwrap();
    session.run_until(SimTime(140));
    session
        .apply(
            &ActorId::new("sam"),
            Command::RestoreBackup {
                stage: prod.clone(),
                backup,
            },
        )
        .unwrap();
    session.run_until(SimTime(170));
    assert_eq!(
        session
            .world
            .stage(&prod)
            .unwrap()
            .database
            .as_ref()
            .unwrap()
            .corrupted,
        0,
        "the restore brought clean records back"
    );
    let now = lesson.check(&session.world, &session.log);
    assert_eq!(
        now[corrupted].status,
        Status::Holding,
        "judged from this moment alone, nothing shows: the rule looks unbroken"
    );
    assert!(
        matches!(&session.check()[corrupted].status, Status::Failed { reason } if reason.contains("corrupted")),
        "{}",
        story(&session)
    );
    assert!(session
        .progress()
        .failed_at(corrupted)
        .is_some_and(|t| t < SimTime(120)));
    assert_eq!(session.verdict(), Verdict::Lost);
    assert!(
        lessons::report::session_report(&session).contains("missed: "),
        "the report keeps the failure too"
    );
}

#[test]
fn the_vulnerable_bank_release_is_breached_if_left_serving_and_the_breach_stays_on_record() {
    let lesson = lessons::load("bank-security-patch").unwrap();
    assert_eq!(
        lesson.config.initial_traits.defect,
        stagecraft::sim::change::Defect::SecurityHole
    );
    let breach = objective_index(&lesson, |o| matches!(o, Objective::NoSecurityBreach));
    let mistake = lesson.file.mistake.clone().unwrap().commands;
    let lost = lesson.play(&mistake, lesson.check_at());
    assert!(
        matches!(&lost.check()[breach].status, Status::Failed { reason } if reason.contains("v1.0.0")),
        "{}",
        story(&lost)
    );
    assert!(lost
        .world
        .incidents
        .iter()
        .any(|i| i.title.contains("Security breach")));
    // Patching after the breach is still right, but it does not undo it.
    let when = lost.progress().failed_at(breach).unwrap();
    let late: Vec<LoggedCommand> = lesson
        .file
        .solution
        .iter()
        .map(|c| LoggedCommand {
            at: SimTime(c.at.0 + when.0 + 1),
            ..c.clone()
        })
        .collect();
    let mut log = mistake.clone();
    log.extend(late);
    let patched_late = lesson.play(&log, SimTime(when.0 + 100));
    assert_eq!(
        patched_late.verdict(),
        Verdict::Lost,
        "{}",
        story(&patched_late)
    );
    // The reference solution patches in time.
    let won = lesson.play(&lesson.file.solution, lesson.check_at());
    assert!(won.world.releases.values().all(|r| !r.exploited));
    let md = lessons::report::post_incident(&lost.world, Some(&lesson));
    assert!(md.contains("had a known security hole"), "{md}");
}

#[test]
fn on_sale_day_scaling_once_the_rush_has_started_is_too_late() {
    let lesson = lessons::load("sale-day").unwrap();
    let peak = objective_index(&lesson, |o| matches!(o, Objective::ErrorRateAtMost { .. }));
    let scale = |minute: u64| {
        let mut log: Vec<LoggedCommand> = lesson
            .file
            .solution
            .iter()
            .filter(|c| !matches!(c.command, Command::Scale { .. }))
            .cloned()
            .collect();
        log.push(at(
            minute,
            "sam",
            Command::Scale {
                stage: StageId::new("prod"),
                instances: 12,
            },
        ));
        lesson.play(&log, lesson.check_at())
    };
    let late = scale(245);
    assert!(
        matches!(&late.check()[peak].status, Status::Failed { reason } if reason.contains("13:00")),
        "{}",
        story(&late)
    );
    assert_eq!(late.verdict(), Verdict::Lost);
    let early = scale(200);
    assert_eq!(
        early.verdict(),
        Verdict::Won,
        "scaling is allowed in the freeze: {}",
        story(&early)
    );
    assert_eq!(
        early.progress().outcome().unwrap().at,
        SimTime(421),
        "won once the peak is over, not before"
    );
    assert!(early
        .world
        .stage(&StageId::new("prod"))
        .unwrap()
        .pools
        .iter()
        .any(|p| p.instances.len() == 12));
    // A developer may not resize production.
    let mut s = Session::new(lesson.clone());
    assert!(s
        .apply(
            &ActorId::new("dana"),
            Command::Scale {
                stage: StageId::new("prod"),
                instances: 12
            }
        )
        .is_err());
}

#[test]
fn free_play_is_shared_as_the_sandbox_lesson_whose_pipeline_is_the_standard_one() {
    // The app opens in free play on the standard pipeline and shares it as "sandbox".
    let sandbox = stagecraft::lessons::load("sandbox").unwrap();
    assert_eq!(
        sandbox.config,
        stagecraft::sim::config::WorldConfig::standard()
    );
}

/// A newcomer promotes with the form as it opens: the rolling strategy at Kubernetes'
/// default limits. Every solution that rolls must still win that way, so the hints can say
/// "rolling" without a number to type.
#[test]
fn every_solution_wins_with_the_rolling_forms_default_limits() {
    use stagecraft::sim::{RollingPlan, Strategy};
    let (mut failures, mut checked) = (Vec::new(), 0);
    for id in lessons::ids() {
        let lesson = lessons::load(id).unwrap();
        let mut rolled = false;
        let solution: Vec<LoggedCommand> = lesson
            .file
            .solution
            .iter()
            .cloned()
            .map(|mut c| {
                if let Command::Promote { strategy: s @ Strategy::Rolling(_), .. } = &mut c.command {
                    *s = Strategy::Rolling(RollingPlan::default());
                    rolled = true;
                }
                c
            })
            .collect();
        if !rolled {
            continue;
        }
        checked += 1;
        let session = lesson.play(&solution, lesson.check_at());
        if session.verdict() != Verdict::Won {
            failures.push(format!("{id}:\n{}", story(&session)));
        }
    }
    assert!(checked >= 8, "only {checked} solutions roll");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
