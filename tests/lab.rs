//! The strategy lab: determinism, the real-world shapes its runs must show, the DORA rule,
//! the statistics, "open this run" sessions, and the command line end to end.
#![cfg(not(target_arch = "wasm32"))]

use stagecraft::lab::stats::{percentile, Measure};
use stagecraft::lab::{
    compare, AlertChoice, Arm, DoraCluster, Experiment, LabError, Policy, Prepared,
    RunOutcome, ScenarioChoice, StrategyChoice, SKIPPABLE_GATES,
};
use stagecraft::lessons::{self, share};
use stagecraft::sim::{Detection, USERS_REPORT_AFTER};
use std::process::Command;

const DAY: u32 = 24 * 60;

fn experiment(scenario: ScenarioChoice, a: Policy, b: Policy, period: u32) -> Experiment {
    let mut e = Experiment::new(scenario, a, b);
    e.period_minutes = period;
    e
}

fn runs(p: &Prepared, arm: Arm, seeds: std::ops::RangeInclusive<u64>) -> Vec<RunOutcome> {
    seeds.map(|s| p.run_one(arm, s)).collect()
}

fn median(measure: Measure, runs: &[RunOutcome]) -> f64 {
    let mut v: Vec<(f64, u64)> = runs
        .iter()
        .filter_map(|r| measure.value(r).map(|x| (x, r.seed)))
        .collect();
    v.sort_by(|x, y| x.0.total_cmp(&y.0));
    percentile(&v, 50)
}

/// The median of `measure` for each arm over `seeds`.
fn medians(e: &Experiment, measure: Measure, seeds: std::ops::RangeInclusive<u64>) -> (f64, f64) {
    let p = e.prepare().unwrap();
    let (a, b) = (runs(&p, Arm::A, seeds.clone()), runs(&p, Arm::B, seeds));
    (median(measure, &a), median(measure, &b))
}

/// The cautious preset with only what `change` alters, so a comparison isolates one practice.
fn cautious_but(change: impl FnOnce(&mut Policy)) -> Policy {
    let mut p = Policy::cautious();
    change(&mut p);
    p
}

#[test]
fn the_same_seed_gives_the_same_outcome_every_time_and_in_any_preparation() {
    let e = experiment(
        ScenarioChoice::FreePlay,
        Policy::cautious(),
        Policy::fast_and_loose(),
        2 * DAY,
    );
    let (p1, p2) = (e.prepare().unwrap(), e.prepare().unwrap());
    for seed in [1, 7, 42] {
        for arm in [Arm::A, Arm::B] {
            let first = p1.run_one(arm, seed);
            assert_eq!(first, p1.run_one(arm, seed));
            assert_eq!(first, p2.run_one(arm, seed));
            assert_eq!(first, e.run_one(arm, seed).unwrap());
            assert_eq!(first, stagecraft::lab::run_one(&e, arm, seed).unwrap());
        }
    }
    assert_ne!(
        p1.run_one(Arm::A, 1),
        p1.run_one(Arm::A, 2),
        "seeds must matter"
    );
}

#[test]
fn a_canary_with_analysis_and_automatic_rollback_hurts_fewer_users_than_all_at_once_on_the_same_defect(
) {
    // The lesson's first change carries an error-rate defect no gate catches. The canary
    // shows it to 10 % of users and its analysis pulls it back; all at once gives it to
    // everyone (and drops every request while the instances restart) until on-call acts.
    let all_at_once = cautious_but(|p| {
        p.strategy = StrategyChoice::AllAtOnce;
        p.automatic_rollback = false;
    });
    let e = experiment(
        ScenarioChoice::Lesson("canary-catches-regression".into()),
        Policy::cautious(),
        all_at_once,
        DAY,
    );
    let (ma, mb) = medians(&e, Measure::UserMinutesAffected, 1..=9);
    assert!(
        ma * 5.0 < mb,
        "canary median user-minutes {ma} should be far below all at once's {mb}"
    );
}

#[test]
fn canary_analysis_pulls_a_bad_release_back_sooner_than_alerts_and_automatic_rollback_alone() {
    // Both canaries roll back automatically on a critical alert; only one judges the
    // canary's own metrics every minute, which catches the defect at 10 % of the traffic.
    let blind = cautious_but(|p| {
        p.strategy = StrategyChoice::Canary {
            steps: vec![10, 25, 50],
            pause_minutes: 10,
            analysis: false,
        };
    });
    let e = experiment(
        ScenarioChoice::Lesson("canary-catches-regression".into()),
        Policy::cautious(),
        blind,
        DAY,
    );
    let (ma, mb) = medians(&e, Measure::UserMinutesAffected, 1..=9);
    assert!(
        ma * 2.0 < mb,
        "with analysis {ma} user-minutes, without {mb}"
    );
}

#[test]
fn bigger_batches_mean_fewer_production_deploys() {
    let e = experiment(
        ScenarioChoice::FreePlay,
        Policy::cautious(),
        Policy::release_train(),
        3 * DAY,
    );
    let (ma, mb) = medians(&e, Measure::DeploysPerDay, 1..=6);
    assert!(mb < ma, "ten commits per release: {mb}/day, one: {ma}/day");
}

/// Each measure's (median, p95) over `runs`, nearest rank.
fn spread(measure: Measure, runs: &[RunOutcome]) -> (f64, f64) {
    let mut v: Vec<(f64, u64)> = runs
        .iter()
        .filter_map(|r| measure.value(r).map(|x| (x, r.seed)))
        .collect();
    v.sort_by(|x, y| x.0.total_cmp(&y.0));
    (percentile(&v, 50), percentile(&v, 95))
}

/// A free-play week per seed, seeds 1 to 200, for both presets.
fn free_play_weeks(a: Policy, b: Policy) -> (Vec<RunOutcome>, Vec<RunOutcome>) {
    let e = experiment(ScenarioChoice::FreePlay, a, b, 7 * DAY);
    let p = e.prepare().unwrap();
    (runs(&p, Arm::A, 1..=200), runs(&p, Arm::B, 1..=200))
}

/// Argo Rollouts' canary shows a bad release to its traffic share only, and an abort sends
/// every request back to stable; all at once (Kubernetes `Recreate`) drops every request
/// while instances boot and gives a bad release to everyone. Over 200 free-play weeks the
/// canary team (expand/contract migrations, analysis, automatic abort) hurts fewer users in
/// the typical week (median) and in the bad ones (p95), and restores service within
/// minutes (DORA's failed deployment recovery time).
#[test]
fn canary_limits_blast_radius_to_its_traffic_share_over_200_free_play_weeks() {
    let (fast, cautious) = free_play_weeks(Policy::fast_and_loose(), Policy::cautious());
    for measure in [Measure::FailedRequests, Measure::UserMinutesAffected] {
        let (fast_median, fast_p95) = spread(measure, &fast);
        let (canary_median, canary_p95) = spread(measure, &cautious);
        assert!(
            canary_median < fast_median && canary_p95 < fast_p95,
            "{measure:?}: canary {canary_median} (p95 {canary_p95}), all at once {fast_median} (p95 {fast_p95})"
        );
    }
    let (restore, _) = spread(Measure::TimeToRestore, &cautious);
    assert!(restore < 30.0, "the canary team's median time to restore is {restore} min");
}

/// DORA (Accelerate, ch. 2) and the 2023 report: bigger batches fail more often. A release
/// train ships ten commits at once, and every defect nobody has found yet among them ships
/// with it, so its change failure rate is higher than deploying each commit, and its lead
/// time counts the batch's wait from the oldest commit.
#[test]
fn bigger_batches_raise_change_failure_rate() {
    let (per_commit, train) = free_play_weeks(Policy::cautious(), Policy::release_train());
    let (cfr_commit, _) = spread(Measure::ChangeFailureRate, &per_commit);
    let (cfr_train, _) = spread(Measure::ChangeFailureRate, &train);
    assert!(
        cfr_train > cfr_commit * 1.5,
        "change failure rate: ten commits per release {cfr_train}, one {cfr_commit}"
    );
    let (lead_commit, _) = spread(Measure::LeadTime, &per_commit);
    let (lead_train, _) = spread(Measure::LeadTime, &train);
    assert!(
        lead_train > lead_commit * 4.0,
        "lead time: ten commits per release {lead_train} min, one {lead_commit} min"
    );
}

#[test]
fn skipping_the_gates_shortens_lead_time() {
    let no_gates = cautious_but(|p| p.skip_gates = SKIPPABLE_GATES.to_vec());
    let e = experiment(ScenarioChoice::FreePlay, Policy::cautious(), no_gates, DAY);
    let (ma, mb) = medians(&e, Measure::LeadTime, 1..=5);
    assert!(mb < ma, "without gates {mb} min, with them {ma} min");
    // The gates are really gone from the configuration the run used.
    let p = e.prepare().unwrap();
    let prod = p.lesson(Arm::B).config.stages.last().unwrap();
    assert!(prod.gates.is_empty(), "{:?}", prod.gates);
}

#[test]
fn without_alert_rules_users_report_the_failure_after_half_an_hour_not_never() {
    // The SRE book's case for monitoring: it should find a problem before users do. Without
    // an alert that pages, users still find it, later, through support; the incident's time
    // to restore counts from the first bad minute, so the late detection shows in it.
    let silent = cautious_but(|p| {
        p.alerts = AlertChoice::None;
        p.strategy = StrategyChoice::AllAtOnce;
    });
    let e = experiment(
        ScenarioChoice::Lesson("canary-catches-regression".into()),
        Policy::cautious(),
        silent,
        DAY,
    );
    let p = e.prepare().unwrap();
    let mut reported = 0;
    for seed in 1..=3 {
        let (world, r) = p.run(Arm::B, seed, None);
        for i in world.incidents.iter().filter(|i| i.detected_by != Detection::Breach) {
            assert_eq!(i.detected_by, Detection::Users, "nothing else can page: {i:?}");
            assert_eq!(i.time_to_detect(), USERS_REPORT_AFTER, "{i:?}");
            assert!(i.title.starts_with("Users report ") && i.title.contains(" in Production"), "{i:?}");
            reported += 1;
        }
        if let Some(restore) = r.median_time_to_restore_minutes {
            assert!(restore >= USERS_REPORT_AFTER.0, "restored before anyone knew: {r:?}");
        }
        assert!(r.failed_requests > 0, "the defect hurts users: {r:?}");
        // The same seed with alerts: each incident an alert opened was known within minutes.
        let (alerted, _) = p.run(Arm::A, seed, None);
        for i in alerted.incidents.iter().filter(|i| i.detected_by == Detection::Alert) {
            assert!(i.time_to_detect() < USERS_REPORT_AFTER, "{i:?}");
        }
    }
    assert!(reported > 0, "the regression the lesson ships is reported by users in some seed");
}

#[test]
fn dora_clusters_follow_the_2023_report_worst_key_decides() {
    use DoraCluster as C;
    let elite = |f, l, c, r| C::classify(f, l, c, r);
    assert_eq!(elite(3.0, Some(120), Some(0.05), Some(30)), C::Elite);
    assert_eq!(elite(3.0, Some(120), Some(0.075), Some(59)), C::Elite);
    assert_eq!(
        elite(3.0, Some(120), Some(0.05), Some(60)),
        C::High,
        "an hour to restore is not elite"
    );
    assert_eq!(
        elite(0.5, Some(120), Some(0.05), Some(30)),
        C::High,
        "deploys every other day"
    );
    assert_eq!(
        elite(3.0, Some(DAY), Some(0.05), Some(30)),
        C::High,
        "a day of lead time"
    );
    assert_eq!(elite(3.0, Some(120), Some(0.10), None), C::High);
    assert_eq!(elite(3.0, Some(120), Some(0.15), None), C::Medium);
    assert_eq!(
        elite(0.1, Some(120), None, None),
        C::Medium,
        "less than weekly"
    );
    assert_eq!(elite(3.0, Some(7 * DAY), None, None), C::Medium);
    assert_eq!(elite(3.0, Some(120), Some(0.40), None), C::Low);
    assert_eq!(elite(3.0, Some(30 * DAY), None, None), C::Low);
    assert_eq!(elite(3.0, None, None, Some(7 * DAY)), C::Low);
    assert_eq!(elite(0.0, None, None, None), C::Low, "nothing deployed");
}

#[test]
fn summaries_use_nearest_rank_percentiles_and_histograms_share_edges() {
    let run = |arm, seed: u64, x: f64| RunOutcome {
        arm,
        seed,
        production_deploys: 1,
        deploys_per_day: x,
        change_failure_rate: None,
        median_time_to_restore_minutes: None,
        median_lead_time_minutes: Some(seed as u32),
        failed_requests: seed,
        user_minutes_affected: x,
        incidents: 0,
        cluster: if seed % 2 == 0 {
            DoraCluster::Elite
        } else {
            DoraCluster::Low
        },
    };
    // A: 1..=20, B: 11..=30 (given in reverse: order must not matter).
    let a: Vec<_> = (1..=20).map(|s| run(Arm::A, s, s as f64)).collect();
    let b: Vec<_> = (11..=30).rev().map(|s| run(Arm::B, s, s as f64)).collect();
    let c = compare(&a, &b);
    let m = c
        .measures
        .iter()
        .find(|m| m.measure == Measure::DeploysPerDay)
        .unwrap();
    let sa = m.a.spread.as_ref().unwrap();
    // Nearest rank over 20 values: p5 is rank 1, the median rank 10, p95 rank 19.
    assert_eq!(
        (sa.min, sa.p5, sa.median, sa.p95, sa.max),
        (1.0, 1.0, 10.0, 19.0, 20.0)
    );
    let sb = m.b.spread.as_ref().unwrap();
    assert_eq!((sb.p5, sb.median, sb.p95), (11.0, 20.0, 29.0));
    let h = &m.histogram;
    assert_eq!(h.edges.len(), h.a.len() + 1);
    assert_eq!(h.a.len(), h.b.len());
    assert_eq!((h.edges[0], *h.edges.last().unwrap()), (1.0, 30.0));
    assert_eq!(h.a.iter().map(|b| b.count).sum::<u32>(), 20);
    assert_eq!(h.b.iter().map(|b| b.count).sum::<u32>(), 20);
    // Every bucket's seed is one of its own runs, and its middle one.
    for (i, bucket) in h.a.iter().enumerate() {
        if let Some(seed) = bucket.seed {
            let x = seed as f64;
            assert!(
                x >= h.edges[i] && x <= h.edges[i + 1],
                "seed {seed} outside bucket {i}"
            );
        } else {
            assert_eq!(bucket.count, 0);
        }
    }
    // No run has a change failure rate: no spread, every run counted as without a value.
    let cfr = c
        .measures
        .iter()
        .find(|m| m.measure == Measure::ChangeFailureRate)
        .unwrap();
    assert_eq!((cfr.a.spread.clone(), cfr.a.without_value), (None, 20));
    assert_eq!((c.clusters_a.elite, c.clusters_a.low), (10, 10));
    assert_eq!(c.clusters_a.share(DoraCluster::Elite), 0.5);
    // Seven values: the ranks are ⌈0.35⌉ = 1, ⌈3.5⌉ = 4 and ⌈6.65⌉ = 7.
    let seven: Vec<(f64, u64)> = (1..=7).map(|s| (s as f64, s)).collect();
    assert_eq!(
        (
            percentile(&seven, 5),
            percentile(&seven, 50),
            percentile(&seven, 95)
        ),
        (1.0, 4.0, 7.0)
    );
    let mut reversed = a.clone();
    reversed.reverse();
    assert_eq!(
        compare(&reversed, &b),
        c,
        "the order of the runs must not matter"
    );
}

/// Rebuilds the world a session describes, as the simulator does when it opens one.
fn replay(session: &share::SharedSession) -> stagecraft::sim::world::World {
    let lesson = match &session.scenario {
        share::ScenarioRef::Lesson(id) => lessons::load(id).unwrap(),
        share::ScenarioRef::Custom(text) => lessons::load_str("session", text).unwrap(),
    };
    lesson.replay_with_seed(session.seed, &session.log, session.now)
}

#[test]
fn the_session_for_a_run_replays_that_exact_run() {
    // A: the scenario as it is (standard alerts only, no automatic rollback, all gates).
    let plain = cautious_but(|p| {
        p.alerts = AlertChoice::Scenario;
        p.automatic_rollback = false;
    });
    let e = experiment(
        ScenarioChoice::Lesson("canary-catches-regression".into()),
        plain,
        Policy::fast_and_loose(),
        DAY,
    );
    let p = e.prepare().unwrap();
    for (arm, seed) in [(Arm::A, 3), (Arm::B, 5)] {
        let session = p.session_for(arm, seed);
        let (world, outcome) = p.run(arm, seed, None);
        assert!(!session.log.is_empty());
        let replayed = replay(&session);
        assert_eq!(
            stagecraft::lessons::json::to_string(&replayed),
            stagecraft::lessons::json::to_string(&world),
            "arm {arm}, seed {seed}: the replayed world differs"
        );
        assert_eq!(replayed.delivery.failed_requests, outcome.failed_requests);
        // As a session file (a week's log is too long for a link), it reads back whole.
        let file = share::session_to_string(&session);
        assert_eq!(share::session_from_str("run.json", &file).unwrap(), session);
    }
    // A policy that changes nothing in the configuration names the lesson itself; one
    // that does carries the scenario with its overrides.
    assert_eq!(
        p.session_for(Arm::A, 1).scenario,
        share::ScenarioRef::Lesson("canary-catches-regression".into())
    );
    assert!(matches!(
        p.session_for(Arm::B, 1).scenario,
        share::ScenarioRef::Custom(_)
    ));
}

#[test]
fn a_policy_with_a_bad_value_is_refused_with_a_clear_message() {
    let bad = cautious_but(|p| {
        p.strategy = StrategyChoice::Canary {
            steps: vec![50, 10],
            pause_minutes: 10,
            analysis: true,
        };
        p.commits_per_day = 0;
    });
    let e = experiment(ScenarioChoice::FreePlay, Policy::cautious(), bad, DAY);
    let err = e.prepare().unwrap_err();
    let LabError::Policy { arm, problems } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(*arm, Arm::B);
    assert_eq!(problems.len(), 2, "{problems:?}");
    let text = err.to_string();
    assert!(text.starts_with("Policy B cannot run"), "{text}");
    assert!(
        text.contains("commits_per_day must be between 1 and 288 (it is 0)"),
        "{text}"
    );
    assert!(text.contains("strategy.steps must rise"), "{text}");
    // From JSON: unknown fields are refused with their place.
    let json = r#"{"name": "x", "strategy": {"kind": "all_at_once"}, "alerts": "standard",
        "automatic_rollback": true, "commits_per_release": 1, "commits_per_day": 5,
        "hours": "office", "review_minutes": 0, "on_call_response_minutes": 5, "colour": 1}"#;
    let err = Policy::from_json(json).unwrap_err();
    assert!(
        err.contains("unknown field `colour`") && err.contains("line 3"),
        "{err}"
    );
    let e = experiment(
        ScenarioChoice::Lesson("no-such-lesson".into()),
        Policy::cautious(),
        Policy::cautious(),
        DAY,
    );
    assert!(matches!(e.prepare(), Err(LabError::Scenario(_))));
}

#[test]
fn a_policy_cannot_skip_the_build_and_its_gates_read_as_the_engines() {
    // The policy names the engine's gates, with the engine's names in JSON.
    let json = serde_json::to_value(cautious_but(|p| p.skip_gates = SKIPPABLE_GATES.to_vec())).unwrap();
    assert_eq!(
        json["skip_gates"],
        serde_json::json!([
            "unit_tests",
            "integration_tests",
            "acceptance_tests",
            "load_test",
            "security_scan",
            "manual_approval"
        ])
    );
    let mut text = json.clone();
    text["skip_gates"] = serde_json::json!(["build", "load_test"]);
    let err = Policy::from_json(&text.to_string()).unwrap_err();
    assert_eq!(
        err,
        "skip_gates cannot name build: the build cannot be skipped (a release is what it made)"
    );
    let no_build = cautious_but(|p| p.skip_gates = vec![stagecraft::sim::change::GateKind::Build]);
    let e = experiment(ScenarioChoice::FreePlay, no_build, Policy::cautious(), DAY);
    assert!(
        matches!(e.prepare(), Err(LabError::Policy { arm: Arm::A, .. })),
        "{:?}",
        e.prepare().err()
    );
}

// The command line, end to end.

fn lab(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_stagecraft-lab"))
        .args(args)
        .output()
        .expect("the stagecraft-lab binary runs")
}

/// Fixtures shared with the browser's test (tests/browser_lab.rs on the lab UI's branch):
/// the same runs computed in Chromium must equal these lines. `(file, scenario, period)`;
/// both are cautious against fast, 8 seeds from 1.
const FIXTURES: &[(&str, &str, &str)] = &[
    (
        "tests/fixtures/lab_canary-catches-regression.jsonl",
        "canary-catches-regression",
        "1d",
    ),
    ("tests/fixtures/lab_free_play.jsonl", "free-play", "7d"),
];

fn fixture_args<'a>(scenario: &'a str, period: &'a str) -> Vec<&'a str> {
    vec![
        "--scenario",
        scenario,
        "--policy-a",
        "cautious",
        "--policy-b",
        "fast",
        "--runs",
        "8",
        "--period",
        period,
        "--format",
        "jsonl",
    ]
}

#[test]
fn the_command_lines_json_lines_equal_the_library_and_the_shared_fixtures() {
    let dir = std::env::temp_dir().join(format!("stagecraft-lab-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (fixture, scenario, period) in FIXTURES {
        let out = |threads: &str| {
            let path = dir.join(format!("{scenario}-{threads}.jsonl"));
            let path = path.to_str().unwrap();
            let mut args = fixture_args(scenario, period);
            args.extend(["--threads", threads, "--out", path]);
            let o = lab(&args);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            let summary = String::from_utf8(o.stdout).unwrap();
            assert!(summary.contains("DORA cluster"), "{summary}");
            std::fs::read_to_string(path).unwrap()
        };
        let one = out("1");
        assert_eq!(one, out("2"), "results must not depend on the thread count");
        let expected = std::fs::read_to_string(fixture).unwrap();
        assert_eq!(
            one,
            expected,
            "the runs changed; if on purpose, regenerate with `cargo run --release --bin stagecraft-lab -- {} --out {fixture}`",
            fixture_args(scenario, period).join(" ")
        );
    }
    // The command line writes what the library computes, sorted by arm, then seed.
    let e = experiment(
        ScenarioChoice::Lesson("canary-catches-regression".into()),
        Policy::cautious(),
        Policy::fast_and_loose(),
        DAY,
    );
    let p = e.prepare().unwrap();
    let direct: Vec<RunOutcome> = Arm::ALL
        .into_iter()
        .flat_map(|arm| (1..=8).map(move |s| (arm, s)))
        .map(|(arm, s)| p.run_one(arm, s))
        .collect();
    let text = std::fs::read_to_string(FIXTURES[0].0).unwrap();
    let read: Vec<RunOutcome> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(read, direct);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_command_line_refuses_bad_input_with_a_message_and_status_2() {
    for (args, says) in [
        (vec!["--period", "soon"], "--period takes a duration"),
        (
            vec!["--policy-a", "reckless"],
            "there is no policy preset \"reckless\"",
        ),
        (
            vec!["--scenario", "nowhere"],
            "there is no scenario \"nowhere\"",
        ),
        (vec!["--format", "xml"], "--format must be csv or jsonl"),
        (vec!["--runs", "0"], "runs must be between 1"),
        (vec!["--period", "31d"], "the period must be between"),
        (vec!["--colour"], "unknown option \"--colour\""),
        (vec!["--runs"], "--runs needs a value"),
    ] {
        let o = lab(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let help = lab(&["--help"]);
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--policy-a NAME|@FILE"));
}
