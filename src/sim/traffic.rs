//! Traffic and metrics: one statistical draw per stage per minute (not per request), from
//! the load, the releases running, instance health, configuration and injected faults.

use super::change::Defect;
pub use super::load::expected_requests;
use super::load::{rate, slow_share};
use super::numeric::f64_to_u64;
use super::rng::Pcg32;
use super::stage::{Sample, Stage};
use super::time::SimTime;

/// Errors a healthy service still returns (well inside a 99.9 % objective). The lessons'
/// debrief quotes it to explain the failed requests nobody caused.
pub const BASE_ERROR_RATE: f64 = 0.0003;
const BASE_P95_MS: f64 = 120.0;
/// p95 when a request waits for a backend that never answers.
const TIMEOUT_MS: f64 = 3000.0;
/// Share of requests that write a record.
const WRITE_SHARE: f64 = 0.02;

/// What one minute of traffic did to the stage's data.
pub struct DataEffects {
    pub writes: u64,
    pub corrupted: u64,
}

/// What the minute's pass over a stage's instances found, once their health was updated
/// (`World::update_instances` counts as it updates, so the instances are walked once): the
/// highest memory share, and over the serving (non-idle) pools, which routing divides by,
/// their healthy instances, all their instances and how many pools there are. Each pool's
/// own healthy count is in its `healthy_now`. Also whether any pool is an idle colour
/// (only those are ever scaled down).
#[derive(Clone, Copy, Debug, Default)]
pub struct Census {
    pub memory: f64,
    pub healthy: usize,
    pub instances: usize,
    pub serving: usize,
    pub idle: bool,
}

/// Computes one minute of metrics for a stage, from the census of its instances, updating
/// each pool's routing weight when several serve (unless the rollout fixes them; with one,
/// the census pass has set it already) and its own error rate and latency.
pub fn simulate_minute(
    stage: &mut Stage,
    now: SimTime,
    minute_of_day: u32,
    fixed_weights: bool,
    census: Census,
    rng: &mut Pcg32,
) -> (Sample, DataEffects) {
    let spike = match stage.faults.spike {
        Some((factor, until)) if now < until => factor,
        _ => 1.0,
    };
    let requests_total =
        rate(&stage.config.traffic, minute_of_day) * spike * rng.between(0.95, 1.05);
    let error_noise = rng.between(0.85, 1.15);
    let latency_noise = rng.between(0.95, 1.05);
    let Census {
        memory,
        healthy: healthy_total,
        instances: count_total,
        serving,
        ..
    } = census;
    if !fixed_weights && serving > 1 {
        route_by_health(stage, healthy_total, count_total);
    }

    let faults = &stage.faults;
    let unreachable = (faults.region_down && !faults.failed_over) || faults.certificate_expired;
    let db_down = faults.database_until.is_some_and(|u| now < u)
        || faults.restoring.is_some()
        || stage.database.as_ref().is_some_and(|d| d.lost);
    let dependency_down = faults.dependency_until.is_some_and(|u| now < u);
    let extra_latency = if faults.failed_over { 40.0 } else { 0.0 };
    let noise = (error_noise, latency_noise);
    // The usual minute: one pool serves, all is well. Its own path does the loop's float
    // operations in the same order, without the loop's per-pool checks and lookups.
    if !unreachable && !db_down && !dependency_down && !faults.failed_over {
        if let Some(minute) = plain_minute(stage, requests_total, now, memory, noise) {
            return minute;
        }
    }

    let mut requests = 0.0;
    let mut errors = 0.0;
    let mut p95: f64 = 0.0;
    let mut saturation: f64 = 0.0;
    let mut corrupted = 0.0;
    let mut slow = 0.0;
    let latency_threshold = stage.config.latency_slo.as_ref().map(|l| l.threshold_ms);
    let mut weighted_latency = 0.0;
    let capacity = stage.config.capacity_rpm.max(1.0);
    // Whether any serving pool has a healthy instance (no write lands otherwise).
    let mut any_healthy = false;
    for pool in stage.pools.iter_mut() {
        if pool.weight == 0 {
            pool.error_rate = 0.0;
            pool.p95_ms = 0.0;
            continue;
        }
        let req = requests_total * f64::from(pool.weight) * 0.01;
        let healthy = pool.healthy_now;
        any_healthy |= healthy > 0;
        let (err, latency) = if healthy == 0 {
            (1.0, TIMEOUT_MS)
        } else {
            let sat = req / (healthy as f64 * capacity);
            saturation = saturation.max(sat);
            let scale = stage.dark.get(&pool.release).map_or(1.0, |flag| {
                f64::from(*stage.flags.get(flag).unwrap_or(&0)) / 100.0
            });
            let mut err = BASE_ERROR_RATE;
            let mut latency =
                BASE_P95_MS * (1.0 + 0.6 * sat.min(1.5) * sat.min(1.5)) + extra_latency;
            match pool.traits.defect {
                Defect::ErrorRate => err += 0.08 * scale,
                Defect::LatencyRegression => latency += pool.traits.added_latency_ms * scale,
                Defect::DataCorruption => corrupted += (req * WRITE_SHARE * 0.1 * scale).ceil(),
                _ => {}
            }
            if stage
                .database
                .as_ref()
                .is_some_and(|d| !d.lost && !d.compatible_with(pool.traits.schema))
            {
                err += 0.9;
            }
            let survive = |e: f64| 1.0 - e.min(1.0);
            let mut ok = survive(err);
            if dependency_down {
                ok *= survive(0.35);
            }
            if db_down {
                ok *= survive(0.95);
            }
            if sat > 1.0 {
                // Requests beyond capacity are shed.
                ok /= sat;
                latency *= 1.0 + (sat - 1.0);
            }
            (1.0 - ok, latency)
        };
        let err = if unreachable { 1.0 } else { err };
        pool.error_rate = err;
        pool.p95_ms = latency;
        requests += req;
        errors += req * err;
        if let Some(t) = latency_threshold {
            // Requests that fail are counted as errors, not also as slow.
            slow += req * (1.0 - err) * slow_share(latency, t);
        }
        weighted_latency += latency * req;
        if pool.weight >= 5 {
            p95 = p95.max(latency);
        }
    }
    let writes_allowed = any_healthy && !db_down && !unreachable;
    let totals = Totals {
        requests,
        errors,
        slow,
        p95,
        weighted_latency,
        saturation,
        corrupted,
        writes_allowed,
    };
    finish(totals, now, memory, noise)
}

/// Sums over the serving pools, from which the minute's sample is drawn.
struct Totals {
    requests: f64,
    errors: f64,
    slow: f64,
    p95: f64,
    weighted_latency: f64,
    saturation: f64,
    corrupted: f64,
    writes_allowed: bool,
}

/// `simulate_minute`'s pool loop for the usual minute: no fault on the stage (checked by the
/// caller), one pool, serving, with a healthy instance, no defect that changes its traffic
/// and a schema it can read. `None` otherwise. Every float operation is the loop's, in the
/// same order, with the values the loop would have (sums start at 0, no added latency, the
/// base error rate), so the sample is bit-identical.
#[inline]
fn plain_minute(
    stage: &mut Stage,
    requests_total: f64,
    now: SimTime,
    memory: f64,
    noise: (f64, f64),
) -> Option<(Sample, DataEffects)> {
    let [pool] = stage.pools.as_mut_slice() else {
        return None;
    };
    let healthy = pool.healthy_now;
    let schema = pool.traits.schema;
    if pool.weight == 0
        || healthy == 0
        || matches!(
            pool.traits.defect,
            Defect::ErrorRate | Defect::LatencyRegression | Defect::DataCorruption
        )
        || stage.database.as_ref().is_some_and(|d| !d.lost && !d.compatible_with(schema))
    {
        return None;
    }
    let capacity = stage.config.capacity_rpm.max(1.0);
    let req = requests_total * f64::from(pool.weight) * 0.01;
    let sat = req / (healthy as f64 * capacity);
    let saturation = 0.0f64.max(sat);
    let mut latency = BASE_P95_MS * (1.0 + 0.6 * sat.min(1.5) * sat.min(1.5)) + 0.0;
    let mut ok = 1.0 - BASE_ERROR_RATE.min(1.0);
    if sat > 1.0 {
        ok /= sat;
        latency *= 1.0 + (sat - 1.0);
    }
    let err = 1.0 - ok;
    pool.error_rate = err;
    pool.p95_ms = latency;
    let slow = match stage.config.latency_slo.as_ref() {
        Some(l) => 0.0 + req * (1.0 - err) * slow_share(latency, l.threshold_ms),
        None => 0.0,
    };
    let totals = Totals {
        requests: 0.0 + req,
        errors: 0.0 + req * err,
        slow,
        p95: if pool.weight >= 5 { 0.0f64.max(latency) } else { 0.0 },
        weighted_latency: 0.0 + latency * req,
        saturation,
        corrupted: 0.0,
        writes_allowed: true,
    };
    Some(finish(totals, now, memory, noise))
}

/// The minute's sample and data effects from the sums over its pools.
#[inline(always)]
fn finish(t: Totals, now: SimTime, memory: f64, noise: (f64, f64)) -> (Sample, DataEffects) {
    let (error_noise, latency_noise) = noise;
    let Totals {
        requests,
        errors,
        slow,
        mut p95,
        weighted_latency,
        saturation,
        corrupted,
        writes_allowed,
    } = t;
    if p95 == 0.0 && requests > 0.0 {
        p95 = weighted_latency / requests;
    }
    // Casts truncate, which for these non-negative values is floor (and cheaper than the
    // libm call `floor` compiles to on baseline x86-64); results are identical everywhere.
    let requests_whole = requests as u32;
    // Noise makes partial failures look organic; a total outage stays total.
    let error_share = if requests > 0.0 {
        errors / requests
    } else {
        0.0
    };
    let noisy = if error_share >= 0.95 {
        errors
    } else {
        errors * error_noise
    };
    let errors_whole = ((noisy + 0.5) as u32).min(requests_whole);
    let writes = if writes_allowed {
        f64_to_u64(requests * WRITE_SHARE)
    } else {
        0
    };
    let sample = Sample {
        at: now,
        requests: requests_whole,
        errors: errors_whole,
        slow: ((slow * latency_noise + 0.5) as u32).min(requests_whole - errors_whole),
        p95_ms: f64::from((p95 * latency_noise + 0.5) as u32),
        memory,
        saturation,
    };
    (
        sample,
        DataEffects {
            writes,
            corrupted: f64_to_u64(corrupted),
        },
    )
}

/// Spreads traffic over the pools in proportion to their healthy instances, as a load
/// balancer with health checks does, when several pools serve. Idle blue-green colours get
/// nothing. The counts are over the non-idle pools: their healthy instances, all their
/// instances. (Most minutes one pool serves: it gets everything, nothing if it has no
/// instance at all, which is what the shares below work out; `World::update_instances` sets
/// that as it counts, without the divisions or a second walk over the pools.)
fn route_by_health(stage: &mut Stage, healthy_total: usize, count_total: usize) {
    let mut assigned = 0u32;
    let mut largest = None;
    for (i, pool) in stage.pools.iter_mut().enumerate() {
        // By healthy instances; with none healthy anywhere, by instance count.
        let share = if pool.idle {
            0
        } else if let Some(share) = (pool.healthy_now * 100).checked_div(healthy_total) {
            share as u32
        } else if let Some(share) = (pool.instances.len() * 100).checked_div(count_total) {
            share as u32
        } else {
            0
        };
        pool.weight = share as u8;
        assigned += share;
        if share > 0 && largest.is_none_or(|(_, w)| share > w) {
            largest = Some((i, share));
        }
    }
    if let Some((i, _)) = largest {
        stage.pools[i].weight += (100 - assigned.min(100)) as u8;
    }
}
