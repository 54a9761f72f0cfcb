//! Native tests of the app: the first screen rendered with Yew's SSR, the root reducer
//! (actions in, engine commands and UI state out), and the view data the diagram draws.
#![cfg(not(target_arch = "wasm32"))]

use stagecraft::sim::rollout::Phase;
use stagecraft::sim::{
    ActorId, Command, CommitTraits, ConfigKey, Defect, Failure, GateKind, StageId, Strategy,
    TraitsChoice, Version,
};
use stagecraft::ui::state::{Action, AppState, Selection, Speed};
use stagecraft::ui::{view, App};
use std::rc::Rc;
use yew::Reducible;

fn st(s: &str) -> StageId {
    StageId::new(s)
}

fn apply(state: Rc<AppState>, actions: impl IntoIterator<Item = Action>) -> Rc<AppState> {
    actions.into_iter().fold(state, |s, a| s.reduce(a))
}

/// Steps the clock until `done` holds (at most `max` minutes).
fn step_until(mut s: Rc<AppState>, max: u32, done: impl Fn(&AppState) -> bool) -> Rc<AppState> {
    for _ in 0..max {
        if done(&s) {
            return s;
        }
        s = s.reduce(Action::PressedStep);
    }
    assert!(done(&s), "not reached within {max} minutes");
    s
}

fn committed(traits: CommitTraits) -> Rc<AppState> {
    let s = Rc::new(AppState::default()).reduce(Action::SubmittedCommit {
        summary: "Add gift cards".into(),
        traits: TraitsChoice::Exactly(traits),
    });
    step_until(s, 60, |s| {
        s.promotion_candidate(&st("staging")) == Some(Version::new(1, 1, 0))
    })
}

#[tokio::test]
async fn first_screen_shows_three_stations_their_versions_and_the_controls() {
    let html = yew::LocalServerRenderer::<App>::new().render().await;
    for stage in ["Development", "Staging", "Production"] {
        assert!(
            html.contains(&format!(r#"aria-label="{stage} environment""#)),
            "{stage} missing"
        );
    }
    assert!(html.contains(r#"data-testid="pipeline""#));
    assert!(html.contains("v1.0.0"));
    for name in [
        "Promote to Staging",
        "Promote to Production",
        "Commit change",
        "Inject failure now",
        "Roll back Production",
        "Play the simulation",
    ] {
        assert!(html.contains(name), "no control named {name}");
    }
    assert!(html.contains("Day 1 09:00"));
    assert!(html.contains(r#"aria-live="polite""#) && html.contains(r#"aria-live="assertive""#));
    assert!(
        html.contains("••••"),
        "secrets are masked in the configuration matrix"
    );
    assert!(!html.contains("Html::from_html_unchecked"));
}

#[test]
fn a_commit_becomes_a_release_in_development_and_is_logged_with_its_time() {
    let s = committed(CommitTraits::default());
    assert_eq!(
        s.world.stage(&st("dev")).unwrap().current(),
        Some(Version::new(1, 1, 0))
    );
    assert_eq!(s.log.len(), 1);
    assert_eq!(s.log.as_slice()[0].at.0, 0);
    assert_eq!(s.log.as_slice()[0].actor, ActorId::new("mia"));
    assert!(matches!(s.log.as_slice()[0].command, Command::Commit { .. }));
    assert!(s.toast.is_none());
}

#[test]
fn promote_sends_the_release_running_in_the_previous_stage() {
    let s = committed(CommitTraits::default()).reduce(Action::ClickedPromote {
        to: st("staging"),
        strategy: Strategy::AllAtOnce,
        override_reason: None,
    });
    let ro = s
        .world
        .stage(&st("staging"))
        .unwrap()
        .rollout
        .as_ref()
        .expect("a rollout started");
    assert_eq!(ro.release, Version::new(1, 1, 0));
    assert!(matches!(ro.phase, Phase::Gates(_)));
    assert_eq!(view::gates(&s.world, 1)[0].status, "running");
    assert!(s.announcement.polite.is_empty() || s.announcement.seq > 0);
}

#[test]
fn a_refused_command_becomes_a_toast_and_is_still_logged() {
    let s = apply(
        committed(CommitTraits::default()),
        [
            Action::ChoseActor(ActorId::new("dana")),
            Action::ClickedPromote {
                to: st("prod"),
                strategy: Strategy::AllAtOnce,
                override_reason: None,
            },
        ],
    );
    let toast = s.toast.as_ref().expect("refusal shown");
    assert!(
        toast.message.contains("may not deploy"),
        "{}",
        toast.message
    );
    assert_eq!(
        s.log.len(),
        2,
        "refused commands are logged too (replay refuses them again)"
    );
    assert!(s.world.audit.rejected >= 1);
    let s = s.reduce(Action::DismissedToast);
    assert!(s.toast.is_none());
}

#[test]
fn chaos_acts_as_the_trainer_now_or_scheduled() {
    let s = apply(
        Rc::new(AppState::default()),
        [
            Action::ChoseChaos {
                failure: Failure::InstanceCrash { stage: st("prod") },
                at: None,
            },
            Action::ChoseChaos {
                failure: Failure::RegionOutage { stage: st("prod") },
                at: Some(stagecraft::sim::SimTime(30)),
            },
        ],
    );
    assert!(s.log.as_slice().iter().all(|c| c.actor == ActorId::new("trainer")));
    assert!(matches!(s.log.as_slice()[1].command, Command::Schedule { .. }));
    assert_eq!(s.world.scheduled.len(), 1);
    assert!(
        s.announcement.polite.contains("Chaos"),
        "{}",
        s.announcement.polite
    );
}

#[test]
fn the_clock_only_ticks_while_playing_and_batches_minutes_at_high_speed() {
    let s = Rc::new(AppState::default());
    let same = s.clone().reduce(Action::ClockTicked);
    assert!(
        Rc::ptr_eq(&s, &same),
        "a tick while paused changes nothing and skips the render"
    );
    let s = apply(
        s,
        [
            Action::ChoseSpeed(Speed::X64),
            Action::TogglePlay,
            Action::ClockTicked,
        ],
    );
    assert_eq!(s.world.now.0, u64::from(Speed::X64.interval().1));
    let (ms, per) = Speed::X64.interval();
    assert_eq!(
        f64::from(per) * 1000.0 / f64::from(ms),
        64.0,
        "64× is 64 simulated minutes per second"
    );
    assert_eq!(Speed::X1.interval(), (1000, 1));
}

#[test]
fn clicking_an_event_highlights_its_stage_and_release() {
    let s = committed(CommitTraits::default()).reduce(Action::ClickedEvent {
        stage: Some(st("dev")),
        release: Some(Version::new(1, 1, 0)),
        at: stagecraft::sim::SimTime(1),
    });
    assert_eq!(s.highlight.stage, Some(st("dev")));
    assert_eq!(s.selection, Some(Selection::Release(Version::new(1, 1, 0))));
}

#[test]
fn configuration_drift_is_measured_against_the_previous_stage() {
    let s = Rc::new(AppState::default());
    let d = view::drift(&s.world, 1).unwrap();
    assert_eq!(d.extra, vec![ConfigKey::new("PAYMENT_API_KEY")]);
    assert!(view::drift(&s.world, 0).is_none());
    let s = apply(
        s,
        [
            Action::ChoseActor(ActorId::new("sam")),
            Action::SubmittedSetting {
                stage: st("prod"),
                key: ConfigKey::new("PORT"),
                value: None,
            },
        ],
    );
    let d = view::drift(&s.world, 2).unwrap();
    assert_eq!(d.missing, vec![ConfigKey::new("PORT")]);
    assert!(d.summary("Staging").contains("missing PORT"));
}

#[test]
fn a_sneaky_defect_reaches_staging_and_a_rollback_puts_the_old_release_back() {
    let mut traits = CommitTraits {
        defect: Defect::ErrorRate,
        ..CommitTraits::default()
    };
    for g in [GateKind::UnitTests, GateKind::IntegrationTests] {
        traits.detection.insert(g, 0.0);
    }
    let s = committed(traits).reduce(Action::ClickedPromote {
        to: st("staging"),
        strategy: Strategy::AllAtOnce,
        override_reason: None,
    });
    let s = step_until(s, 90, |s| {
        s.world.stage(&st("staging")).unwrap().serving() == vec![(Version::new(1, 1, 0), 100)]
    });
    let s = s.reduce(Action::ChoseRollback {
        stage: st("staging"),
        to: Version::new(1, 0, 0),
    });
    assert!(
        view::progress(&s.world, 1).iter().any(|p| p.rollback),
        "the rollback shows as progress"
    );
    let s = step_until(s, 60, |s| {
        s.world.stage(&st("staging")).unwrap().rollout.is_none()
    });
    assert_eq!(
        s.world.stage(&st("staging")).unwrap().serving(),
        vec![(Version::new(1, 0, 0), 100)]
    );
}

#[test]
fn gates_can_be_skipped_with_a_reason_and_stages_scaled() {
    let s = apply(
        committed(CommitTraits::default()),
        [
            Action::ClickedPromote {
                to: st("staging"),
                strategy: Strategy::AllAtOnce,
                override_reason: Some("demo".into()),
            },
            Action::ChoseActor(ActorId::new("sam")),
            Action::SubmittedScale {
                stage: st("prod"),
                instances: 6,
            },
        ],
    );
    assert!(
        matches!(&s.log.as_slice()[1].command, Command::Promote { gates: stagecraft::sim::GateMode::Override { reason }, .. } if reason == "demo")
    );
    assert!(s
        .log
        .as_slice()
        .iter()
        .any(|c| matches!(c.command, Command::Scale { instances: 6, .. })));
}
