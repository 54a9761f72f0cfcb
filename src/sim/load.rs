//! The load a stage is asked to carry: requests per minute over the day, what a period is
//! expected to carry, and the share of requests slower than a latency objective. Pure
//! functions of configuration, apart from the traffic model (`traffic.rs`) that uses them.

use super::config::{TrafficProfile, TrafficSource};
use super::time::Minutes;

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

#[cfg(test)]
mod tests {
    use super::*;

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
