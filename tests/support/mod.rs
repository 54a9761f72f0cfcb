//! Helpers shared by the native tests: the engine's, and the lessons' and JSON's.
#![allow(dead_code)]

use stagecraft::sim::config::WorldConfig;
use stagecraft::sim::*;

pub fn quiet_config() -> WorldConfig {
    let mut c = WorldConfig::standard();
    c.flaky_test_rate = 0.0;
    c
}

pub fn world() -> World {
    World::new(quiet_config(), 7)
}

pub fn id(s: &str) -> ActorId {
    ActorId::new(s)
}

pub fn st(s: &str) -> StageId {
    StageId::new(s)
}

pub fn ok(w: &mut World, actor: &str, command: Command) -> Vec<Event> {
    let shown = format!("{command:?}");
    w.apply(&id(actor), command)
        .unwrap_or_else(|r| panic!("{shown} was rejected: {r}"))
}

pub fn refused(w: &mut World, actor: &str, command: Command) -> Rejection {
    match w.apply(&id(actor), command) {
        Ok(events) => panic!("expected a rejection, got {events:?}"),
        Err(r) => r,
    }
}

/// Traits that no check will catch (so the defect reaches the next stage).
pub fn sneaky(defect: Defect) -> CommitTraits {
    let mut t = CommitTraits {
        defect,
        ..CommitTraits::default()
    };
    for g in [
        GateKind::UnitTests,
        GateKind::IntegrationTests,
        GateKind::AcceptanceTests,
        GateKind::LoadTest,
        GateKind::SecurityScan,
    ] {
        t.detection.insert(g, 0.0);
    }
    t
}

/// Ticks until `done` holds, at most `max` minutes; returns every event.
pub fn run_until(w: &mut World, max: u64, mut done: impl FnMut(&World) -> bool) -> Vec<Event> {
    let mut all = Vec::new();
    for _ in 0..max {
        if done(w) {
            return all;
        }
        all.extend(w.tick());
    }
    assert!(done(w), "condition not reached within {max} minutes");
    all
}

/// Commits a change as Dana and waits until its release serves Development.
pub fn commit(w: &mut World, traits: CommitTraits) -> Version {
    ok(
        w,
        "dana",
        Command::Commit {
            summary: "change".into(),
            traits: TraitsChoice::Exactly(traits),
        },
    );
    let events = run_until(w, 60, |w| {
        w.stage(&st("dev")).unwrap().rollout.is_none() && w.builds.is_empty()
    });
    events
        .iter()
        .find_map(|e| match e.kind {
            EventKind::ReleaseBuilt { release, .. } => Some(release),
            _ => None,
        })
        .expect("the build produced a release")
}

/// Builds a hotfix on `base` as Dana and waits until it serves Development; returns the
/// hotfix release.
pub fn hotfix(w: &mut World, base: Version, summary: &str) -> Version {
    ok(
        w,
        "dana",
        Command::Hotfix {
            base,
            summary: summary.into(),
        },
    );
    let events = run_until(w, 30, |w| {
        w.builds.is_empty() && w.stage(&st("dev")).unwrap().rollout.is_none()
    });
    events
        .iter()
        .find_map(|e| match e.kind {
            EventKind::ReleaseBuilt {
                release,
                hotfix: true,
                ..
            } => Some(release),
            _ => None,
        })
        .expect("the hotfix build produced a release")
}

pub fn promote_cmd(release: Version, to: &str, strategy: Strategy) -> Command {
    Command::Promote {
        release,
        to: st(to),
        strategy,
        gates: GateMode::Enforce,
    }
}

/// Promotes `release` to staging as Dana (all at once) and waits up to `max` minutes for
/// the rollout to finish; returns every event on the way.
pub fn to_staging(w: &mut World, release: Version, max: u64) -> Vec<Event> {
    let mut all = ok(
        w,
        "dana",
        promote_cmd(release, "staging", Strategy::AllAtOnce),
    );
    all.extend(run_until(w, max, |w| {
        w.stage(&st("staging")).unwrap().rollout.is_none()
    }));
    all
}

/// Promotes through staging and production (with approval), waiting for each to finish.
pub fn ship(w: &mut World, release: Version, strategy: Strategy) -> Vec<Event> {
    let mut all = to_staging(w, release, 120);
    all.extend(ok(w, "mia", promote_cmd(release, "prod", strategy)));
    all.extend(run_until(w, 120, |w| {
        w.stage(&st("prod"))
            .unwrap()
            .rollout
            .as_ref()
            .is_none_or(|r| r.awaiting_approval())
    }));
    if w.stage(&st("prod")).unwrap().rollout.is_some() {
        all.extend(ok(
            w,
            "rui",
            Command::Approve {
                release,
                stage: st("prod"),
            },
        ));
    }
    all
}

/// Rolls production back to `to` as Sam (on-call SRE) and waits up to 30 minutes for it
/// to finish; returns every event on the way.
pub fn roll_back_prod(w: &mut World, to: Version) -> Vec<Event> {
    let mut all = ok(
        w,
        "sam",
        Command::Rollback {
            stage: st("prod"),
            to,
        },
    );
    all.extend(wait_prod_idle(w, 30));
    all
}

pub fn wait_prod_idle(w: &mut World, max: u64) -> Vec<Event> {
    run_until(w, max, |w| w.stage(&st("prod")).unwrap().rollout.is_none())
}

pub fn has(events: &[Event], pred: impl Fn(&EventKind) -> bool) -> bool {
    events.iter().any(|e| pred(&e.kind))
}

pub fn prod(w: &World) -> &stagecraft::sim::stage::Stage {
    w.stage(&st("prod")).unwrap()
}

/// A text file of the test suite: `tests/<dir>/<name>`.
pub fn test_file(dir: &str, name: &str) -> String {
    let path = format!("{}/tests/{dir}/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The session the link and session-file tests share: first-promotion's solution,
/// played to minute 150.
pub fn sample_session() -> stagecraft::lessons::share::SharedSession {
    let lesson = stagecraft::lessons::load("first-promotion").unwrap();
    stagecraft::lessons::share::SharedSession {
        scenario: stagecraft::lessons::share::ScenarioRef::Lesson("first-promotion".into()),
        seed: 11,
        log: lesson.file.solution.clone(),
        now: SimTime(150),
    }
}
