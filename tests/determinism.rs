//! The determinism contract, natively. `tests/browser_determinism.rs` checks the same hash
//! in wasm32 inside Chromium; both read the expected value from `tests/expected_hash.txt`.
#![cfg(not(target_arch = "wasm32"))]

mod support;
use stagecraft::sim::driver::reference_hash;
use stagecraft::sim::replay::{replay, LoggedCommand};
use stagecraft::sim::*;
use support::*;

const EXPECTED: &str = include_str!("expected_hash.txt");

#[test]
fn the_reference_run_matches_the_checked_in_hash() {
    let (hash, events) = reference_hash(42, 3);
    assert!(events > 100, "a busy run: {events} events");
    assert_eq!(
        format!("{hash:016x}"),
        EXPECTED.trim(),
        "engine output changed; if intended, update tests/expected_hash.txt"
    );
}

#[test]
fn same_seed_same_world_and_different_seed_different_world() {
    assert_eq!(reference_hash(7, 1), reference_hash(7, 1));
    assert_ne!(reference_hash(7, 1).0, reference_hash(8, 1).0);
}

#[test]
fn replaying_a_command_log_rebuilds_the_identical_world() {
    let mut w = world();
    let mut log = Vec::new();
    let mut run = |w: &mut World, actor: &str, command: Command| {
        log.push(LoggedCommand {
            at: w.now,
            actor: id(actor),
            command: command.clone(),
        });
        let _ = w.apply(&id(actor), command);
    };
    run(
        &mut w,
        "dana",
        Command::Commit {
            summary: "a".into(),
            traits: TraitsChoice::Surprise,
        },
    );
    w.run_until(SimTime(20));
    let v = w.stage(&st("dev")).unwrap().current().unwrap();
    run(
        &mut w,
        "dana",
        promote_cmd(v, "staging", Strategy::Canary(Box::default())),
    );
    w.run_until(SimTime(45));
    run(
        &mut w,
        "trainer",
        Command::Inject {
            failure: Failure::TrafficSpike {
                stage: st("prod"),
                factor: 3.0,
                minutes: 20,
            },
        },
    );
    run(
        &mut w,
        "eve",
        Command::Rollback {
            stage: st("prod"),
            to: Version::new(1, 0, 0),
        },
    );
    w.run_until(SimTime(90));
    let again = replay(quiet_config(), 7, &log, SimTime(90));
    assert_eq!(
        stagecraft::lessons::json::to_string(&again),
        stagecraft::lessons::json::to_string(&w)
    );
}
