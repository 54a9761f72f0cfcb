#![cfg(target_arch = "wasm32")]
//! The strategy lab's runs in Chromium give, seed for seed, what the command line gave: each
//! line of `tests/fixtures/lab_*.jsonl` (written by `stagecraft-lab --format jsonl`, the
//! command in each fixture's name list below) is run again here with `Prepared::run_one`,
//! the same call the lab's web workers make, and compared whole. Floats included: the
//! engine's arithmetic is identical on both targets, and serde_json's `float_roundtrip`
//! reads back the exact double the CLI wrote.
//!
//! Also: what a worker sends back reads back equal through gloo-worker's codec (bincode).

use gloo_worker::{Bincode, Codec};
use stagecraft::lab::{Experiment, Policy, RunOutcome, ScenarioChoice};
use stagecraft::ui::lab::form::{LabSpec, PolicyForm};
use stagecraft::ui::lab::worker::{Answer, Job};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// `(fixture, scenario, period in minutes)`; both use `--policy-a cautious --policy-b fast`
/// and seeds from 1.
const FIXTURES: [(&str, &str, u32); 2] = [
    (include_str!("fixtures/lab_free_play.jsonl"), "free-play", 7 * 24 * 60),
    (include_str!("fixtures/lab_canary-catches-regression.jsonl"), "canary-catches-regression", 24 * 60),
];

fn experiment(scenario: &str, period_minutes: u32) -> Experiment {
    let scenario = match scenario {
        "free-play" => ScenarioChoice::FreePlay,
        id => ScenarioChoice::Lesson(id.to_string()),
    };
    let mut e = Experiment::new(scenario, Policy::cautious(), Policy::fast_and_loose());
    e.period_minutes = period_minutes;
    e
}

#[wasm_bindgen_test]
fn browser_runs_equal_the_command_lines() {
    for (text, scenario, period) in FIXTURES {
        let prepared = experiment(scenario, period).prepare().expect("the experiment prepares");
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        assert!(lines.len() >= 4, "{scenario}: the fixture has runs of both arms");
        for line in lines {
            let cli: RunOutcome = serde_json::from_str(line).expect("a fixture line is a RunOutcome");
            let here = prepared.run_one(cli.arm, cli.seed);
            assert_eq!(here, cli, "{scenario}, arm {}, seed {}", cli.arm, cli.seed);
        }
    }
}

#[wasm_bindgen_test]
fn an_outcome_crosses_from_a_worker_unchanged() {
    let prepared = experiment("free-play", 24 * 60).prepare().expect("the experiment prepares");
    let outcome = prepared.run_one(stagecraft::lab::Arm::B, 3);
    // The worker's answer, through the codec gloo-worker puts on the wire.
    let answer = Answer::Outcomes(vec![outcome.clone()]);
    let back: Answer = Bincode::decode(Bincode::encode(answer));
    match back {
        Answer::Outcomes(runs) => assert_eq!(runs, vec![outcome]),
        other => panic!("expected outcomes, got {other:?}"),
    }
}

#[wasm_bindgen_test]
fn a_worker_builds_the_pages_experiment() {
    // What the page sends (the forms as typed), through the codec, builds the same
    // experiment on the other side.
    let spec = LabSpec {
        scenario: ScenarioChoice::FreePlay,
        forms: [PolicyForm::preset("rolling"), PolicyForm::preset("cautious")],
        runs: 300,
        period_minutes: 24 * 60,
    };
    let job: Job = Bincode::decode(Bincode::encode(Job::Prepare { spec: Box::new(spec.clone()), builtin: Vec::new() }));
    let Job::Prepare { spec: there, .. } = job else { panic!("expected Prepare") };
    let mut expected = Experiment::new(ScenarioChoice::FreePlay, Policy::rolling(), Policy::cautious());
    expected.runs = 300;
    expected.period_minutes = 24 * 60;
    assert_eq!(there.experiment(), Ok(expected.clone()));
    assert_eq!(spec.experiment(), Ok(expected));
}
