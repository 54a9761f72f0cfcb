//! The engine against the real systems it follows, each rule in a test's name and checked
//! over several seeds: Argo Rollouts' canary steps, a dark launch behind a flag, and the
//! recovery point of disaster-recovery planning (that one is in `engine_recovery.rs`).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use stagecraft::sim::command::CanaryPlan;
use stagecraft::sim::{Amount, RollingPlan};
use stagecraft::sim::*;
use support::*;

const SEEDS: std::ops::RangeInclusive<u64> = 1..=6;

fn world_with(seed: u64) -> World {
    World::new(quiet_config(), seed)
}

/// Production's error rate every minute from now until the rollout there ends, and the
/// canary analysis failures on the way.
fn watch_prod_rollout(w: &mut World, max: u64) -> (Vec<f64>, usize) {
    let mut rates = Vec::new();
    let mut failed = 0;
    for _ in 0..max {
        let events = w.tick();
        failed += events.iter().filter(|e| matches!(e.kind, EventKind::CanaryAnalysisFailed { .. })).count();
        rates.push(prod(w).last.error_rate());
        if prod(w).rollout.is_none() {
            break;
        }
    }
    (rates, failed)
}

/// The same minutes with nothing deployed to production: the baseline's own noise.
fn baseline(seed: u64, from: u64, minutes: usize) -> f64 {
    let mut w = world_with(seed);
    w.run_until(SimTime(from));
    (0..minutes).map(|_| { w.tick(); prod(&w).last.error_rate() }).fold(0.0, f64::max)
}

fn highest(rates: &[f64]) -> f64 {
    rates.iter().copied().fold(0.0, f64::max)
}

/// Argo Rollouts keeps the previous weight until the new canary pods are available, so a
/// healthy canary never overloads its instances: production stays within the baseline's
/// noise at every step, and analysis records no failed measurement.
#[test]
fn argo_rollouts_a_healthy_canary_moves_weight_only_to_ready_pods_and_stays_at_baseline() {
    for seed in SEEDS {
        let mut w = world_with(seed);
        let v = commit(&mut w, CommitTraits::default());
        ship(&mut w, v, Strategy::Canary(Box::default()));
        let from = w.now.0;
        let (rates, failed) = watch_prod_rollout(&mut w, 240);
        assert!(prod(&w).runs(v) && prod(&w).serving() == vec![(v, 100)], "seed {seed}: the canary completed");
        assert_eq!(failed, 0, "seed {seed}: a healthy release has no failed measurement");
        let base = baseline(seed, from, rates.len());
        assert!(highest(&rates) <= base + 0.01, "seed {seed}: canary {:.3} vs baseline {:.3}", highest(&rates), base);
    }
}

/// A dark launch ships the new code with the flag off: nobody notices. The new instances
/// start beside the old ones (surge), so capacity never drops.
#[test]
fn a_dark_launch_surges_behind_an_off_flag_so_errors_stay_at_baseline() {
    for seed in SEEDS {
        let mut w = world_with(seed);
        let v = commit(&mut w, CommitTraits::default());
        ship(&mut w, v, Strategy::DarkLaunch { flag: FlagName::new("new-checkout") });
        let from = w.now.0;
        let mut fewest_healthy = usize::MAX;
        let mut rates = Vec::new();
        for _ in 0..120 {
            w.tick();
            let serving: usize = prod(&w).pools.iter().filter(|p| p.weight > 0).map(|p| p.healthy()).sum();
            fewest_healthy = fewest_healthy.min(serving);
            rates.push(prod(&w).last.error_rate());
            if prod(&w).rollout.is_none() {
                break;
            }
        }
        assert!(prod(&w).runs(v), "seed {seed}: the dark launch completed");
        let desired = usize::from(prod(&w).config.instances);
        assert!(fewest_healthy >= desired, "seed {seed}: {fewest_healthy} healthy serving instances, {desired} desired");
        let base = baseline(seed, from, rates.len());
        assert!(highest(&rates) <= base + 0.01, "seed {seed}: dark launch {:.3} vs baseline {:.3}", highest(&rates), base);
    }
}

/// Watches production through a rolling update: the fewest ready instances among those
/// that serve, the most instances running at once, and the error rates on the way.
fn watch_rolling(w: &mut World) -> (usize, usize, Vec<f64>) {
    let (mut fewest_ready, mut most_running, mut rates) = (usize::MAX, 0, Vec::new());
    for _ in 0..240 {
        w.tick();
        let p = prod(w);
        let ready: usize = p.pools.iter().filter(|p| !p.idle).map(|p| p.healthy()).sum();
        let running: usize = p.pools.iter().filter(|p| !p.idle).map(|p| p.instances.len()).sum();
        fewest_ready = fewest_ready.min(ready);
        most_running = most_running.max(running);
        rates.push(p.last.error_rate());
        if p.rollout.is_none() {
            break;
        }
    }
    (fewest_ready, most_running, rates)
}

fn rolling(surge: Amount, unavailable: Amount) -> Strategy {
    Strategy::Rolling(RollingPlan::Limits { max_surge: surge, max_unavailable: unavailable })
}

/// Kubernetes' safe setting, `maxUnavailable: 0`: new pods start beside the old ones (up to
/// `maxSurge` extra) and an old pod stops only once a new one is ready, so capacity never
/// drops and users see only the baseline's errors.
#[test]
fn kubernetes_rolling_update_with_max_unavailable_0_keeps_every_desired_instance_ready() {
    for seed in SEEDS {
        let mut w = world_with(seed);
        let v = commit(&mut w, CommitTraits::default());
        ship(&mut w, v, rolling(Amount::Count(1), Amount::Count(0)));
        let from = w.now.0;
        let (fewest_ready, most_running, rates) = watch_rolling(&mut w);
        assert!(prod(&w).serving() == vec![(v, 100)], "seed {seed}: the update completed");
        let desired = usize::from(prod(&w).config.instances);
        assert_eq!(fewest_ready, desired, "seed {seed}: never fewer ready than desired");
        assert_eq!(most_running, desired + 1, "seed {seed}: one surge instance at a time");
        let base = baseline(seed, from, rates.len());
        assert!(highest(&rates) <= base + 0.01, "seed {seed}: rolling {:.3} vs baseline {:.3}", highest(&rates), base);
    }
}

/// Kubernetes' defaults are `maxSurge: 25%` (rounded up) and `maxUnavailable: 25%` (rounded
/// down): on 4 instances at most 5 run and at least 3 stay ready; both limits hold at
/// every minute of the update.
#[test]
fn kubernetes_default_rolling_limits_round_surge_up_and_unavailable_down_and_hold_throughout() {
    let d = RollingPlan::default();
    assert_eq!(d.limits(), (Amount::Percent(25), Amount::Percent(25)));
    assert_eq!(d.resolve(4), (1, 1));
    assert_eq!(d.resolve(2), (1, 0), "25 % of 2: surge rounds up to 1, unavailable down to 0");
    assert_eq!(d.resolve(10), (3, 2));
    let stuck = RollingPlan::Limits { max_surge: Amount::Percent(10), max_unavailable: Amount::Percent(10) };
    assert_eq!(stuck.resolve(4), (1, 0));
    let zero = RollingPlan::Limits { max_surge: Amount::Count(0), max_unavailable: Amount::Count(0) };
    assert_eq!(zero.resolve(4), (0, 1), "both zero: one may be unavailable, or nothing could move");
    for seed in SEEDS {
        let mut w = world_with(seed);
        let v = commit(&mut w, CommitTraits::default());
        ship(&mut w, v, Strategy::Rolling(RollingPlan::default()));
        let (fewest_ready, most_running, _) = watch_rolling(&mut w);
        assert!(prod(&w).serving() == vec![(v, 100)], "seed {seed}: the update completed");
        assert!(fewest_ready >= 3, "seed {seed}: {fewest_ready} ready (at least 4 - 1)");
        assert!(most_running <= 5, "seed {seed}: {most_running} running (at most 4 + 1)");
    }
}

/// The older "batch" form means what it always did: no surge, `batch` taken out at a time.
/// Files and links written with it still open, and the new limits read and write as
/// Kubernetes spells them (a count, or a percentage in quotes).
#[test]
fn rolling_limits_read_kubernetes_int_or_percent_and_the_older_batch_form() {
    let read = |text: &str| stagecraft::lessons::json::from_value::<Strategy>(&serde_json::from_str(text).unwrap());
    assert_eq!(read(r#"{"rolling":{"batch":2}}"#).unwrap(), Strategy::Rolling(RollingPlan::batch(2)));
    assert_eq!(RollingPlan::batch(2).resolve(4), (0, 2), "batch: no surge, that many out at a time");
    assert_eq!(stagecraft::lessons::json::to_string(&Strategy::Rolling(RollingPlan::batch(2))), r#"{"rolling":{"batch":2}}"#, "written back as it was");
    assert_eq!(
        read(r#"{"rolling":{"max_surge":"25%","max_unavailable":0}}"#).unwrap(),
        rolling(Amount::Percent(25), Amount::Count(0))
    );
    assert_eq!(read(r#"{"rolling":{}}"#).unwrap(), Strategy::Rolling(RollingPlan::default()));
    let both = read(r#"{"rolling":{"batch":1,"max_surge":1}}"#).unwrap_err().to_string();
    assert!(both.contains("not both"), "{both}");
    let bad = read(r#"{"rolling":{"max_surge":"lots"}}"#).unwrap_err().to_string();
    assert!(bad.contains("rolling.max_surge") && bad.contains("percentage"), "{bad}");
    let written = stagecraft::lessons::json::to_string(&rolling(Amount::Percent(25), Amount::Count(0)));
    assert_eq!(written, r#"{"rolling":{"max_surge":"25%","max_unavailable":0}}"#);
    let mut w = world();
    let v = commit(&mut w, CommitTraits::default());
    let r = refused(&mut w, "dana", promote_cmd(v, "staging", rolling(Amount::Percent(150), Amount::Count(0))));
    assert!(r.to_string().contains("at most"), "{r}");
}

/// Ships a release twice as slow as stable (p95 ≈ 150 → 300 ms) behind a canary and
/// returns whether it ended up serving everyone, and the failed measurements on the way.
fn canary_of_a_2x_slower_release(seed: u64, analysis: CanaryAnalysis) -> (bool, usize) {
    let mut w = world_with(seed);
    let mut traits = sneaky(Defect::LatencyRegression);
    traits.added_latency_ms = Some(150.0);
    let v = commit(&mut w, traits);
    ship(&mut w, v, Strategy::Canary(Box::new(CanaryPlan { analysis, ..CanaryPlan::default() })));
    let (_, failed) = watch_prod_rollout(&mut w, 240);
    (prod(&w).serving() == vec![(v, 100)], failed)
}

/// Kayenta and Argo Rollouts' comparison analysis judge the canary against the stable
/// release on the same traffic. Twice as slow stays under the absolute 600 ms threshold,
/// so thresholds alone let it through; the comparison (p95 at most 1.5× stable's) aborts it
/// after failure-limit + 1 measurements.
#[test]
fn kayenta_comparison_aborts_a_canary_twice_as_slow_as_stable_that_thresholds_pass() {
    for seed in SEEDS {
        let absolute_only = CanaryAnalysis { baseline: None, ..CanaryPlan::default().analysis };
        let (shipped, failed) = canary_of_a_2x_slower_release(seed, absolute_only);
        assert!(shipped && failed == 0, "seed {seed}: thresholds alone pass it ({failed} failed)");
        let compared = CanaryPlan::default().analysis;
        assert!(compared.baseline.is_some());
        let limit = compared.failure_limit as usize;
        let (shipped, failed) = canary_of_a_2x_slower_release(seed, compared);
        assert!(!shipped, "seed {seed}: the comparison stops it");
        assert_eq!(failed, limit + 1, "seed {seed}: aborted after failure limit + 1 measurements");
    }
}

/// When the whole stage is overloaded (a traffic spike), the comparison finds nothing
/// against a healthy release: its instances carry no more load each than stable's (the
/// canary is sized for it), so what stable suffers, the canary suffers no worse.
#[test]
fn kayenta_comparison_does_not_blame_a_healthy_canary_for_an_overload_stable_shares() {
    use stagecraft::sim::BaselineComparison;
    let loose = CanaryAnalysis { max_error_rate: 1.0, max_p95_ms: 60_000.0, failure_limit: 0, baseline: Some(BaselineComparison::default()) };
    for seed in SEEDS {
        let outcome = |analysis: CanaryAnalysis| {
            let mut w = world_with(seed);
            let v = commit(&mut w, CommitTraits::default());
            to_staging(&mut w, v, 120);
            ok(&mut w, "trainer", Command::Inject { failure: Failure::TrafficSpike { stage: st("prod"), factor: 2.5, minutes: 240 } });
            ok(&mut w, "mia", promote_cmd(v, "prod", Strategy::Canary(Box::new(CanaryPlan { analysis, ..CanaryPlan::default() }))));
            run_until(&mut w, 120, |w| prod(w).rollout.as_ref().is_none_or(|r| r.awaiting_approval()));
            ok(&mut w, "rui", Command::Approve { release: v, stage: st("prod") });
            let (_, failed) = watch_prod_rollout(&mut w, 240);
            (prod(&w).serving() == vec![(v, 100)], failed, prod(&w).monitor.series.iter().rev().take(30).map(|s| s.error_rate()).fold(0.0, f64::max))
        };
        let (shipped, failed, errors) = outcome(loose.clone());
        assert!(errors > 0.02, "seed {seed}: the stage is overloaded ({errors:.3})");
        assert!(shipped && failed == 0, "seed {seed}: the comparison finds nothing against it ({failed} failed)");
    }
}

/// Deploys a release blue-green to production and switches traffic to it; returns the
/// previous release.
fn blue_green_switched(seed: u64) -> (World, Version) {
    let mut w = world_with(seed);
    let old = prod(&w).current().unwrap();
    let v = commit(&mut w, CommitTraits::default());
    ship(&mut w, v, Strategy::BlueGreen);
    run_until(&mut w, 60, |w| matches!(&prod(w).rollout, Some(r) if matches!(r.phase, stagecraft::sim::rollout::Phase::Deploying(stagecraft::sim::rollout::DeployProgress::BlueGreen { ready: true, .. }))));
    ok(&mut w, "mia", Command::SwitchTraffic { stage: st("prod") });
    (w, old)
}

/// Argo Rollouts' blue-green keeps the previous colour for `scaleDownDelaySeconds` after
/// the switch: within that window a switch back is instant; after it, the colour is gone
/// and going back means a rollback that starts new instances. Requests in flight at the
/// switch finish on the old colour (it drains first), so the switch fails none.
#[test]
fn argo_rollouts_blue_green_keeps_the_old_colour_for_the_scale_down_delay_then_removes_it() {
    for seed in SEEDS {
        let (mut w, old) = blue_green_switched(seed);
        let switched_at = w.now.0;
        let delay = u64::from(prod(&w).config.scale_down_delay.0);
        assert_eq!(delay, 60, "an hour's rollback window by default");
        let idle = |w: &World| prod(w).pools.iter().find(|p| p.idle).map(|p| (p.release, p.draining(w.now)));
        assert_eq!(idle(&w), Some((old, true)), "seed {seed}: the old colour drains first");
        let events = w.tick();
        assert!(prod(&w).last.error_rate() < 0.01, "seed {seed}: the switch dropped requests");
        assert!(!has(&events, |k| matches!(k, EventKind::IdleColourScaledDown { .. })));
        assert_eq!(idle(&w), Some((old, false)), "seed {seed}: drained, kept warm");
        let events = run_until(&mut w, 120, |w| w.now.0 >= switched_at + delay);
        assert!(has(&events, |k| matches!(k, EventKind::IdleColourScaledDown { release, .. } if *release == old)), "seed {seed}");
        assert_eq!(idle(&w), None, "seed {seed}: scaled down after {delay} min");
        let r = refused(&mut w, "mia", Command::SwitchTraffic { stage: st("prod") });
        assert!(r.to_string().contains("Roll back instead"), "{r}");
        // Within the window, going back is one instant switch.
        let (mut w, old) = blue_green_switched(seed);
        w.run_until(SimTime(w.now.0 + 30));
        ok(&mut w, "sam", Command::SwitchTraffic { stage: st("prod") });
        assert_eq!(prod(&w).serving(), vec![(old, 100)], "seed {seed}: switched back at once");
    }
}

/// A world whose platform rolls production back on a critical alert, with a symptom rule
/// that pages when more than 1 % of production's requests fail for a minute (so a canary's
/// share of a bad release's errors pages while analysis is kept out of it).
fn world_with_auto_rollback(seed: u64) -> World {
    use stagecraft::sim::config::{AlertRule, AutoRollback, Metric, Severity};
    let mut c = quiet_config();
    let last = c.stages.len() - 1;
    c.stages[last].auto_rollback = AutoRollback::OnCriticalAlert;
    let stage = c.stages[last].id.clone();
    c.alert_rules.push(AlertRule {
        name: stagecraft::sim::ids::AlertName::new("Errors over 1 %"),
        stage,
        metric: Metric::ErrorRate,
        threshold: 0.01,
        for_minutes: 1,
        severity: Severity::Critical,
        windows: None,
    });
    World::new(c, seed)
}

/// A canary whose analysis never fails: only alerts and the platform can stop it.
fn canary_without_analysis() -> Strategy {
    Strategy::Canary(Box::new(CanaryPlan {
        analysis: CanaryAnalysis {
            max_error_rate: 1.0,
            max_p95_ms: f64::MAX,
            failure_limit: u32::MAX,
            baseline: None,
        },
        ..CanaryPlan::default()
    }))
}

/// Argo Rollouts: aborting a canary scales it down and sends 100 % of the traffic back to
/// the stable ReplicaSet, which kept its full size throughout; stable itself is not rolled
/// back. So the platform's abort on a critical alert leaves the stable release serving
/// everything within a minute, at the baseline's error rate.
#[test]
fn argo_rollouts_abort_returns_all_traffic_to_stable_within_a_minute() {
    for seed in SEEDS {
        let mut w = world_with_auto_rollback(seed);
        let stable = commit(&mut w, CommitTraits::default());
        // Beside the old instances, so no minute of downtime pages first.
        ship(&mut w, stable, rolling(Amount::Count(1), Amount::Count(0)));
        wait_prod_idle(&mut w, 60);
        w.run_until(SimTime(w.now.0 + 30));
        assert_eq!(prod(&w).serving(), vec![(stable, 100)], "seed {seed}: stable shipped");
        let bad = commit(&mut w, sneaky(Defect::ErrorRate));
        let mut events = ship(&mut w, bad, canary_without_analysis());
        events.extend(run_until(&mut w, 120, |w| prod(w).rollout.is_none()));
        let aborted = events
            .iter()
            .find(|e| matches!(&e.kind, EventKind::RolloutAborted { release, automatic: true, .. } if *release == bad))
            .unwrap_or_else(|| panic!("seed {seed}: the platform aborted the canary"));
        let paged = events
            .iter()
            .find(|e| matches!(&e.kind, EventKind::AlertFired { .. }))
            .expect("an alert paged");
        assert_eq!(aborted.at, paged.at, "seed {seed}: aborted in the minute of the page");
        assert_eq!(prod(&w).serving(), vec![(stable, 100)], "seed {seed}: all traffic on stable");
        assert_eq!(prod(&w).current(), Some(stable), "seed {seed}: stable was not rolled back");
        assert!(
            !has(&events, |k| matches!(k, EventKind::RolledBack { .. })),
            "seed {seed}: no rollback of the stable release"
        );
        w.tick();
        assert!(
            prod(&w).last.error_rate() < 0.005,
            "seed {seed}: the minute after the abort, errors {:.3}",
            prod(&w).last.error_rate()
        );
    }
}

/// A scripted world whose first commit drops a column (a destructive migration), written
/// the way `practice` says, shipped with a canary after a clean release; returns the
/// stable release's highest error rate while the canary ran.
fn stable_errors_during_a_schema_canary(seed: u64, practice: MigrationPractice) -> f64 {
    let mut c = quiet_config();
    c.scripted_commits = vec![
        CommitTraits::default(),
        CommitTraits { migration: Migration::Destructive, ..CommitTraits::default() },
    ];
    let mut w = World::new(c, seed);
    let next = |w: &mut World| {
        let before = w.releases.len();
        ok(w, "dana", Command::Commit {
            summary: "change".into(),
            traits: TraitsChoice::Practised { migrations: practice },
        });
        run_until(w, 60, |w| {
            w.releases.len() > before && w.stage(&st("dev")).unwrap().rollout.is_none()
        });
        *w.releases.keys().last().unwrap()
    };
    let stable = next(&mut w);
    ship(&mut w, stable, rolling(Amount::Count(1), Amount::Count(0)));
    wait_prod_idle(&mut w, 60);
    let migrating = next(&mut w);
    ship(&mut w, migrating, canary_without_analysis());
    let mut worst: f64 = 0.0;
    for _ in 0..60 {
        w.tick();
        if let Some(p) = prod(&w).pools.iter().find(|p| p.release == stable && p.weight > 0) {
            worst = worst.max(p.error_rate);
        }
        if prod(&w).rollout.is_none() {
            break;
        }
    }
    worst
}

/// Expand/contract (parallel change): a column is dropped only in a later release, once no
/// running code reads it, so the stable release keeps working while a canary migrates the
/// database. Written in place, the same change breaks the stable release at once: the
/// reason teams that canary write their migrations expand/contract.
#[test]
fn expand_contract_migrations_keep_the_stable_release_working_during_a_canary() {
    for seed in SEEDS {
        let expand = stable_errors_during_a_schema_canary(seed, MigrationPractice::ExpandContract);
        let in_place = stable_errors_during_a_schema_canary(seed, MigrationPractice::InPlace);
        assert!(expand < 0.01, "seed {seed}: stable's errors with expand/contract {expand:.3}");
        assert!(in_place > 0.5, "seed {seed}: stable's errors with an in-place drop {in_place:.3}");
    }
}
