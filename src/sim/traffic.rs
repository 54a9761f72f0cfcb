//! Traffic and metrics: one statistical draw per stage per minute (not per request), from
//! the load, the releases running, instance health, configuration and injected faults.

use super::change::Defect;
use super::config::{TrafficProfile, TrafficSource};
use super::rng::Pcg32;
use super::stage::{Sample, Stage};
use super::time::{Minutes, SimTime};

/// Errors a healthy service still returns (well inside a 99.9 % objective). The lessons'
/// debrief quotes it to explain the failed requests nobody caused.
pub const BASE_ERROR_RATE: f64 = 0.0003;
const BASE_P95_MS: f64 = 120.0;
/// p95 when a request waits for a backend that never answers.
const TIMEOUT_MS: f64 = 3000.0;
/// Share of requests that write a record.
const WRITE_SHARE: f64 = 0.02;

/// Requests per minute the profile asks for at `minute_of_day` (before spikes and noise).
pub fn rate(profile: &TrafficProfile, minute_of_day: u32) -> f64 {
    match profile.source {
        TrafficSource::Light | TrafficSource::LoadTest => profile.peak_rpm,
        TrafficSource::RealUsers => {
            profile.peak_rpm * curve_at(&profile.daily_curve, minute_of_day)
        }
    }
}

/// The daily curve, linearly interpolated between hourly points (no trigonometry, so the
/// result is bit-identical on every target).
fn curve_at(curve: &[f64], minute_of_day: u32) -> f64 {
    if curve.len() != 24 {
        return 1.0;
    }
    let hour = (minute_of_day / 60) as usize % 24;
    let frac = f64::from(minute_of_day % 60) / 60.0;
    curve[hour] + (curve[(hour + 1) % 24] - curve[hour]) * frac
}

/// Requests a period is expected to carry; the error budget is a share of this.
pub fn expected_requests(profile: &TrafficProfile, period: Minutes) -> f64 {
    let mean = match profile.source {
        TrafficSource::RealUsers if profile.daily_curve.len() == 24 => {
            profile.daily_curve.iter().sum::<f64>() / 24.0
        }
        _ => 1.0,
    };
    profile.peak_rpm * mean * f64::from(period.0)
}

/// The share of requests slower than `threshold_ms` when the 95th percentile is `p95_ms`.
///
/// Response times are modelled with an exponential tail, as queueing delay is: then
/// P(latency > T) = 20^(-T / p95), which is exactly 5 % at T = p95. The power is read from a
/// table at quarter steps and interpolated linearly (no `powf`, whose last bit differs
/// between targets), and is zero beyond T = 3 × p95 (under 0.013 %).
pub fn slow_share(p95_ms: f64, threshold_ms: f64) -> f64 {
    const TAIL: [f64; 13] = [
        1.0, 0.472871, 0.223607, 0.105737, 0.05, 0.0236435, 0.0111803, 0.00528686, 0.0025,
        0.00118218, 0.000559017, 0.000264343, 0.000125,
    ];
    if p95_ms <= 0.0 {
        return 0.0;
    }
    let x = threshold_ms / p95_ms * 4.0;
    if x >= 12.0 {
        return 0.0;
    }
    let k = x as usize; // x ≥ 0: truncation is floor
    let frac = x - k as f64;
    TAIL[k] + (TAIL[k + 1] - TAIL[k]) * frac
}

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
    let writes = if any_healthy && !db_down && !unreachable {
        (requests * WRITE_SHARE) as u64
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
            corrupted: corrupted as u64,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::config::TrafficProfile;

    #[test]
    fn daily_curve_interpolates_between_hours() {
        let mut curve = vec![0.0; 24];
        curve[10] = 1.0;
        assert_eq!(curve_at(&curve, 10 * 60), 1.0);
        assert_eq!(curve_at(&curve, 10 * 60 + 30), 0.5);
        assert_eq!(curve_at(&curve, 9 * 60 + 30), 0.5);
        let profile = TrafficProfile {
            peak_rpm: 100.0,
            daily_curve: vec![0.5; 24],
            ..TrafficProfile::default()
        };
        assert_eq!(expected_requests(&profile, Minutes(10)), 500.0);
    }
}
