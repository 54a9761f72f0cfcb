//! Native tests of lessons as a room plays them, through the app's root reducer: the
//! lesson's change as the default commit, the clock at teaching speed stopping at key
//! moments, an idle room that never loses, "Show me", looking back, and the chaos forecast.
#![cfg(not(target_arch = "wasm32"))]

use stagecraft::lessons::{self, Verdict};
use stagecraft::sim::replay::LoggedCommand;
use stagecraft::sim::{ActorId, Command, Failure, GateMode, Minutes, SimTime, StageId, TraitsChoice};
use stagecraft::ui::state::{Action, AppState, MomentKind, Speed};
use std::rc::Rc;
use yew::Reducible;

fn lesson_ids() -> Vec<String> {
    lessons::catalog()
        .into_iter()
        .map(|l| l.id)
        .filter(|id| id != lessons::FREE_PLAY_ID)
        // A lab lesson has no world to pace: tests/ui_library.rs and tests/lab_lessons.rs.
        .filter(|id| lessons::load(id).is_ok_and(|l| l.file.lab.is_none()))
        .collect()
}

fn start(id: &str) -> Rc<AppState> {
    let s = Rc::new(AppState::default()).reduce(Action::PickedLesson(id.into()));
    assert_eq!(s.training.lesson.as_ref().map(|l| l.id().to_string()).as_deref(), Some(id));
    s
}

/// The action a learner's click makes for a command, with the forms as they open: a
/// commit keeps "the lesson's change" (sent as surprise, which takes the scripted traits).
fn action_for(s: &AppState, command: &Command) -> Action {
    match command.clone() {
        Command::Commit { summary, .. } => Action::SubmittedCommit { summary: summary.to_string(), traits: TraitsChoice::Surprise },
        Command::Promote { to, strategy, gates, release } => {
            assert_eq!(s.promotion_candidate(&to), Some(release), "the UI promotes what the stage before runs");
            let override_reason = match gates {
                GateMode::Enforce => None,
                GateMode::Override { reason } => Some(reason),
            };
            Action::ClickedPromote { to, strategy, override_reason }
        }
        Command::Approve { stage, .. } => Action::ClickedApprove { stage },
        Command::Rollback { stage, to } => Action::ChoseRollback { stage, to },
        Command::Hotfix { base, summary } => Action::SubmittedHotfix { base, summary: summary.to_string() },
        Command::SetConfig { stage, key, value } => Action::SubmittedSetting { stage, key, value },
        Command::TakeBackup { stage } => Action::ClickedBackup { stage },
        Command::RestoreBackup { stage, backup } => Action::ChoseRestore { stage, backup },
        Command::Scale { stage, instances } => Action::SubmittedScale { stage, instances },
        Command::SwitchTraffic { stage } => Action::ClickedSwitchTraffic { stage },
        Command::AbortRollout { stage } => Action::ClickedAbort { stage },
        Command::AdvanceRollout { stage } => Action::ClickedAdvance { stage },
        Command::PauseRollout { stage } => Action::ClickedPause { stage },
        Command::ResumeRollout { stage } => Action::ClickedResume { stage },
        Command::SetFlag { stage, flag, percent } => Action::SetFlag { stage, flag, percent },
        Command::Failover { stage } => Action::ClickedFailover { stage },
        Command::RenewCertificate { stage } => Action::ClickedRenewCertificate { stage },
        other => panic!("no UI action for {other:?} in this test"),
    }
}

/// Runs the clock (pressing Continue on every card) until `until`, or the lesson is decided.
/// Returns the kinds of moment the clock stopped for.
fn play_until(mut s: Rc<AppState>, until: SimTime, moments: &mut Vec<String>) -> Rc<AppState> {
    let mut guard = 0;
    while s.world.now < until && s.training.verdict() == Verdict::InProgress {
        guard += 1;
        assert!(guard < 20_000, "stuck at {:?}", s.world.now);
        if let Some(m) = &s.moment {
            moments.push(m.title.clone());
            s = s.reduce(Action::DismissedMoment);
            continue;
        }
        if !s.playing {
            s = s.reduce(Action::TogglePlay);
        }
        s = s.reduce(Action::ClockTicked);
    }
    if s.playing {
        s = s.reduce(Action::TogglePlay);
    }
    s
}

/// Plays each step at its minute as its actor (Continue on every card on the way).
fn play_steps(mut s: Rc<AppState>, steps: &[LoggedCommand]) -> Rc<AppState> {
    for step in steps {
        s = play_until(s, step.at, &mut Vec::new());
        s = s.reduce(Action::ChoseActor(step.actor.clone()));
        let action = action_for(&s, &step.command);
        s = s.reduce(action);
    }
    s
}

/// Plays `script` as a room would: the clock runs at the lesson's speed, stops at moments,
/// someone presses Continue; at each step's minute the right person acts.
fn play(id: &str, script: &[LoggedCommand]) -> (Rc<AppState>, Vec<String>) {
    let mut s = start(id);
    let mut moments = Vec::new();
    for step in script {
        s = play_until(s, step.at, &mut moments);
        if s.training.verdict() != Verdict::InProgress {
            break;
        }
        assert_eq!(s.world.now, step.at, "{id}: the clock stops exactly at each step's minute");
        s = s.reduce(Action::ChoseActor(step.actor.clone()));
        let action = action_for(&s, &step.command);
        s = s.reduce(action);
    }
    let check_at = s.training.lesson.as_ref().unwrap().check_at();
    let s = play_until(s, check_at, &mut moments);
    (s, moments)
}

#[test]
fn a_lesson_starts_at_its_teaching_speed_with_auto_pause_on_and_proposes_its_change() {
    for id in lesson_ids() {
        let s = start(&id);
        let lesson = s.training.lesson.clone().unwrap();
        let want = lesson.file.speed.unwrap_or(1);
        assert_eq!(s.speed.factor(), want, "{id}");
        assert!(s.speed.factor() <= 4, "{id}: a lesson never starts faster than 4×");
        assert!(s.auto_pause, "{id}");
        assert_eq!(s.world.scripted_commits_left(), lesson.config.scripted_commits.len(), "{id}");
    }
}

#[test]
fn every_lesson_played_through_the_app_with_the_forms_untouched_is_won() {
    for id in lesson_ids() {
        let lesson = lessons::load(&id).unwrap();
        let (s, moments) = play(&id, &lesson.file.solution);
        assert_eq!(s.training.verdict(), Verdict::Won, "{id}: moments {moments:?}, objectives {:?}", s.training.progress.statuses());
        assert_eq!(s.records.get(&id), Some(&Verdict::Won), "{id}");
    }
}

#[test]
fn every_lesson_played_with_its_key_mistake_is_lost() {
    for id in lesson_ids() {
        let lesson = lessons::load(&id).unwrap();
        let Some(mistake) = &lesson.file.mistake else { continue };
        let (s, _) = play(&id, &mistake.commands);
        assert_eq!(s.training.verdict(), Verdict::Lost, "{id}");
    }
}

#[test]
fn the_clock_stops_for_an_approval_and_an_alert_and_acting_closes_the_card() {
    let lesson = lessons::load("bad-deploy-rollback").unwrap();
    let (_, moments) = play("bad-deploy-rollback", &lesson.file.solution);
    assert!(moments.iter().any(|m| m.contains("waits for an approval into Production")), "{moments:?}");
    assert!(moments.iter().any(|m| m.starts_with("Alert in Production") || m.starts_with("Incident opened")), "{moments:?}");
    assert!(!moments.iter().any(|m| m.contains("waiting")), "never 'waiting' while users are hurt: {moments:?}");

    // At the approval card, approving as Rui closes it and the clock runs on.
    let mut s = start("bad-deploy-rollback");
    s = play_steps(s, &lesson.file.solution[..3]);
    s = s.reduce(Action::TogglePlay);
    while s.moment.is_none() {
        s = s.reduce(Action::ClockTicked);
    }
    let card = s.moment.clone().unwrap();
    assert!(card.title.contains("approval"), "{card:?}");
    assert!(card.next.contains("Rui (reviewer)") && !card.next.contains("Dana"), "{}", card.next);
    assert!(!s.playing, "the clock stopped");
    let s = s.reduce(Action::ChoseActor(ActorId::new("rui"))).reduce(Action::ClickedApprove { stage: StageId::new("prod") });
    assert!(s.moment.is_none() && s.playing, "approving closed the card and the clock runs on");
}

#[test]
fn a_canary_abort_stays_on_screen_until_continue() {
    let lesson = lessons::load("canary-catches-regression").unwrap();
    let mut s = start("canary-catches-regression");
    s = play_steps(s, &lesson.file.solution[..4]);
    s = s.reduce(Action::TogglePlay);
    let mut guard = 0;
    while !s.moment.as_ref().is_some_and(|m| m.title.contains("pulled back")) {
        guard += 1;
        assert!(guard < 500);
        s = if s.moment.is_some() { s.reduce(Action::DismissedMoment) } else { s.reduce(Action::ClockTicked) };
    }
    let at = s.world.now;
    for _ in 0..50 {
        s = s.reduce(Action::ClockTicked);
    }
    assert_eq!(s.world.now, at, "no time passes while the card is up");
    assert!(s.moment.as_ref().unwrap().why.is_some(), "the card carries the analysis' evidence");
}

#[test]
fn a_room_that_leaves_the_clock_running_and_does_nothing_loses_no_lesson_in_ten_minutes() {
    for id in lesson_ids() {
        let mut s = start(&id).reduce(Action::TogglePlay);
        let (ms, _) = s.speed.interval();
        let ticks = 10 * 60 * 1000 / ms;
        for _ in 0..ticks {
            s = s.reduce(Action::ClockTicked);
        }
        assert_ne!(s.training.verdict(), Verdict::Lost, "{id} at {:?}", s.world.now);
        assert!(s.moment.is_some(), "{id}: the clock stopped to say the lesson waits");
    }
}

#[test]
fn show_me_plays_the_solution_to_a_win_without_recording_it_and_the_attempt_comes_back() {
    let mut s = start("first-promotion").reduce(Action::SubmittedCommit { summary: "Mine".into(), traits: TraitsChoice::Surprise });
    for _ in 0..7 {
        s = s.reduce(Action::PressedStep);
    }
    let (attempt_log, attempt_now) = (s.log.clone(), s.world.now);
    s = s.reduce(Action::ClickedShowMe);
    assert!(s.training.demo.is_some());
    assert_eq!(s.world.now, SimTime::ZERO);
    let card = s.moment.clone().expect("the first step waits on a card");
    assert!(matches!(card.kind, MomentKind::Demo { step: 0, .. }));
    assert!(card.what.starts_with("Dana (developer) commits"), "{}", card.what);
    let mut guard = 0;
    while s.training.verdict() == Verdict::InProgress {
        guard += 1;
        assert!(guard < 5_000);
        s = match &s.moment {
            Some(_) => s.reduce(Action::DismissedMoment),
            None if s.playing => s.reduce(Action::ClockTicked),
            None => s.reduce(Action::TogglePlay),
        };
    }
    assert_eq!(s.training.verdict(), Verdict::Won);
    assert_eq!(s.log.len(), lessons::load("first-promotion").unwrap().file.solution.len());
    assert_eq!(s.records.get("first-promotion"), None, "a demonstration is not the learner's win");
    let s = s.reduce(Action::ClickedBackToAttempt);
    assert!(s.training.demo.is_none());
    assert_eq!(s.log, attempt_log);
    assert_eq!(s.world.now, attempt_now);
}

#[test]
fn looking_back_shows_the_world_at_that_minute_and_leaves_now_alone() {
    let lesson = lessons::load("first-promotion").unwrap();
    let (s, _) = play("first-promotion", &lesson.file.solution[..2]);
    let now = s.world.now;
    let s = s.reduce(Action::LookedBack(SimTime(16)));
    let lb = s.look_back.clone().expect("looking back");
    assert_eq!(lb.world.now, SimTime(16), "the minute the event is stamped with, as it left it");
    let again = lesson.replay(&s.log.as_slice().iter().filter(|c| c.at.0 <= 16).cloned().collect::<Vec<_>>(), SimTime(16));
    assert_eq!(*lb.world, again, "the view is the replayed world at that minute");
    assert_eq!(s.world.now, now, "the live world is untouched");
    let s = s.reduce(Action::PressedStep);
    assert!(s.look_back.is_none(), "the clock brings the view back to now");
    let s = s.reduce(Action::LookedBack(SimTime(16))).reduce(Action::ReturnedToNow);
    assert!(s.look_back.is_none());
}

#[test]
fn the_chaos_forecast_warns_when_a_failure_would_freeze_promotions_and_changes_nothing() {
    let s = start("first-promotion");
    let world = (*s.world).clone();
    let trainer = s.training.instructor();
    let prod = StageId::new("prod");
    let outage = world.forecast(&trainer, &Failure::DatabaseOutage { stage: prod.clone(), minutes: 20 }, 50).unwrap();
    assert!(outage.failed_with > outage.failed_without + 1000, "{outage:?}");
    assert!(outage.budget_spent > 1.0 && outage.freezes_promotions, "{outage:?}");
    let crash = world.forecast(&trainer, &Failure::InstanceCrash { stage: prod }, 60).unwrap();
    assert!(!crash.freezes_promotions, "{crash:?}");
    assert_eq!(*s.world, world, "forecasting plays on copies");
    let _ = Speed::X1;
}

#[test]
fn a_link_over_a_session_keeps_it_aside_and_a_bad_link_resumes_it() {
    use stagecraft::lessons::share;
    let mine = start("first-promotion").reduce(Action::SubmittedCommit { summary: "Mine".into(), traits: TraitsChoice::Surprise });
    let saved = share::session_to_string(&mine.shared());
    let other = share::encode(&start("sale-day").shared()).unwrap();

    let s = mine.clone().reduce(Action::OpenedLink { link: other, saved: Some(saved.clone()) });
    // The link names a built-in lesson: it waits for the lesson files, as in the browser.
    let files = lessons::bundled_files().into_iter().map(|(id, text)| (id.to_string(), text.to_string())).collect();
    let s = s.reduce(Action::LessonsArrived(Ok(files)));
    assert_eq!(s.training.lesson.as_ref().unwrap().id(), "sale-day");
    let notice = s.notice.clone().expect("the kept session is offered back");
    assert_eq!(notice.restore.as_deref(), Some(saved.as_str()));
    let back = s.reduce(Action::ResumedSavedSession(saved.clone()));
    assert_eq!(back.training.lesson.as_ref().unwrap().id(), "first-promotion");
    assert_eq!(back.log, mine.log);
    assert!(back.notice.is_none());

    let bad = Rc::new(AppState::default()).reduce(Action::OpenedLink { link: "1.garbage".into(), saved: Some(saved) });
    let files = lessons::bundled_files().into_iter().map(|(id, text)| (id.to_string(), text.to_string())).collect();
    let bad = bad.reduce(Action::LessonsArrived(Ok(files)));
    assert_eq!(bad.training.lesson.as_ref().unwrap().id(), "first-promotion", "the saved session is open again");
    assert_eq!(bad.log, mine.log);
    let notice = bad.notice.clone().unwrap();
    assert!(notice.problems.iter().any(|p| p.contains("nothing was lost")), "{notice:?}");
}

#[test]
fn the_next_step_follows_the_solution_and_a_refused_attempt_does_not_count() {
    for id in lesson_ids() {
        let lesson = lessons::load(&id).unwrap();
        let mut s = start(&id);
        let mut seen = Vec::new();
        for (k, step) in lesson.file.solution.iter().enumerate() {
            let next = lessons::debrief::next_step(&lesson, &s.world, &s.log.as_slice());
            assert_eq!(next, Some(step), "{id}: before step {k}");
            s = play_until(s, step.at, &mut seen);
            s = s.reduce(Action::ChoseActor(step.actor.clone()));
            let action = action_for(&s, &step.command);
            s = s.reduce(action);
        }
        assert_eq!(lessons::debrief::next_step(&lesson, &s.world, &s.log.as_slice()), None, "{id}");
    }
    // Lesson 1: Dana trying Production is refused, so Mia's promotion is still next.
    let lesson = lessons::load("first-promotion").unwrap();
    let s = play_steps(start("first-promotion"), &lesson.file.solution[..2]);
    let s = s.reduce(Action::ChoseActor(ActorId::new("dana")));
    let s = play_until(s, SimTime(35), &mut Vec::new());
    let s = s.reduce(Action::ClickedPromote { to: StageId::new("prod"), strategy: stagecraft::sim::Strategy::Rolling(stagecraft::sim::RollingPlan::batch(1)), override_reason: None });
    assert!(s.toast.is_some(), "refused");
    assert_eq!(s.training.verdict(), Verdict::InProgress);
    assert_eq!(lessons::debrief::next_step(&lesson, &s.world, &s.log.as_slice()), Some(&lesson.file.solution[2]));
}

#[test]
fn with_no_alert_rule_users_report_an_outage_after_half_an_hour_and_the_card_says_nothing_paged() {
    // Free play with its alert rules taken away, then the payment dependency down for 90 minutes.
    let mut s = Rc::new(AppState::default());
    Rc::make_mut(&mut Rc::make_mut(&mut s).world).alerts.clear();
    let failure = Failure::DependencyOutage { stage: StageId::new("prod"), minutes: 90 };
    let s = s.reduce(Action::ChoseChaos { failure, at: None });
    let injected_at = s.world.now;
    let mut moments = Vec::new();
    let mut s = s;
    while s.world.now.since(injected_at) < Minutes(60) {
        if let Some(m) = &s.moment {
            moments.push((s.world.now.since(injected_at), m.title.clone(), m.next.clone()));
            s = s.reduce(Action::DismissedMoment);
            continue;
        }
        if !s.playing {
            s = s.reduce(Action::TogglePlay);
        }
        s = s.reduce(Action::ClockTicked);
    }
    let (after, title, next) = moments
        .iter()
        .find(|(_, t, _)| t.starts_with("Users reported a failure in Production"))
        .unwrap_or_else(|| panic!("users reported it: {moments:?}"));
    assert!(*after >= Minutes(30) && *after <= Minutes(32), "half an hour in: {after:?}");
    assert!(next.starts_with("No alert paged") && next.contains("after 30 min of requests failing or too slow"), "{title}: {next}");
    assert!(!moments.iter().any(|(_, t, _)| t.starts_with("Alert in")), "nothing paged: {moments:?}");
}
