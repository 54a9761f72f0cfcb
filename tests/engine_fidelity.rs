//! The engine against the real systems it follows, each rule in a test's name and checked
//! over several seeds: Argo Rollouts' canary steps, a dark launch behind a flag, and the
//! recovery point of disaster-recovery planning (that one is in `engine_recovery.rs`).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use stagecraft::sim::command::CanaryPlan;
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
        ship(&mut w, v, Strategy::Canary(CanaryPlan::default()));
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
