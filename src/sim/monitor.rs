//! Monitoring: per-minute time series, service level objectives with an error budget,
//! alert rules that must hold for a duration, and incidents with their timings.

use super::config::{AlertRule, LatencySlo, Metric, Slo};
use super::ids::{IncidentId, StageId, Version};
use super::history::History;
use super::stage::Sample;
use super::time::{Minutes, SimTime};
use serde::{Deserialize, Serialize};

/// Minutes of per-minute metrics kept per stage (12 hours): enough for every chart, bounded.
pub const SERIES_CAP: usize = 720;
/// The window for the burn rate the dashboards show, in minutes.
pub const BURN_WINDOW: u32 = 60;
/// Incidents kept in memory.
pub const INCIDENT_CAP: usize = 50;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StageMonitor {
    pub series: History<Sample>,
    /// Running sums over each window the dashboards and alert rules look at, shortest
    /// first: O(windows) per minute, however long the windows.
    windows: Vec<WindowSum>,
    pub slo: Option<SloState>,
    pub latency_slo: Option<LatencySlo>,
    /// Requests a minute the stage served before the scenario began. The service was running
    /// before the lesson started: windows reaching back past minute 0 count that healthy
    /// past, so an early blip is not measured against a handful of minutes.
    prehistory_rpm: u64,
    /// First minute of the current run of minutes that hurt users (over 5 % of requests
    /// failed or were slower than the latency objective), if in one.
    pub bad_since: Option<SimTime>,
}

/// Requests, errors and slow requests over the last `minutes` minutes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
struct WindowSum {
    minutes: u32,
    requests: u64,
    errors: u64,
    slow: u64,
    /// Minutes of the healthy past before minute 0 still inside the window.
    pre: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SloState {
    pub slo: Slo,
    pub period_start: SimTime,
    /// Requests expected over the whole period, from the traffic profile.
    pub expected_requests: f64,
    pub requests: u64,
    pub errors: u64,
    pub exhausted: bool,
}

impl SloState {
    /// Failed requests the period allows.
    pub fn budget(&self) -> f64 {
        ((1.0 - self.slo.target) * self.expected_requests).max(1.0)
    }

    /// Share of the budget left (negative once overspent).
    pub fn remaining(&self) -> f64 {
        1.0 - self.errors as f64 / self.budget()
    }
}

impl StageMonitor {
    pub fn new(slo: Option<SloState>, latency_slo: Option<LatencySlo>, prehistory_rpm: u64) -> Self {
        let mut m = StageMonitor {
            slo,
            latency_slo,
            prehistory_rpm,
            ..StageMonitor::default()
        };
        m.watch(BURN_WINDOW);
        m
    }

    /// Keeps a running sum over the last `minutes` (at most the series' length), from now on.
    pub fn watch(&mut self, minutes: u32) {
        let minutes = minutes.clamp(1, SERIES_CAP as u32);
        if let Err(at) = self.windows.binary_search_by_key(&minutes, |w| w.minutes) {
            let mut w = WindowSum {
                minutes,
                ..WindowSum::default()
            };
            for s in self.series.iter().rev().take(minutes as usize) {
                w.requests += u64::from(s.requests);
                w.errors += u64::from(s.errors);
                w.slow += u64::from(s.slow);
            }
            w.pre = minutes.saturating_sub(self.series.len() as u32);
            let (requests, errors) = prehistory_minute(self.prehistory_rpm);
            w.requests += requests * u64::from(w.pre);
            w.errors += errors * u64::from(w.pre);
            self.windows.insert(at, w);
        }
    }

    /// Records one minute. Running sums keep every window O(1) per tick.
    pub fn push(&mut self, sample: Sample) {
        let len = self.series.len();
        let rpm = self.prehistory_rpm;
        for w in self.windows.iter_mut() {
            w.requests += u64::from(sample.requests);
            w.errors += u64::from(sample.errors);
            w.slow += u64::from(sample.slow);
            if w.pre > 0 {
                // The healthy past leaves the windows only in a run's first hours: its
                // minute is worked out then, not every minute.
                let (pre_requests, pre_errors) = prehistory_minute(rpm);
                w.pre -= 1;
                w.requests -= pre_requests;
                w.errors -= pre_errors;
            } else if let Some(old) = len
                .checked_sub(w.minutes as usize)
                .and_then(|k| self.series.get(k))
            {
                w.requests -= u64::from(old.requests);
                w.errors -= u64::from(old.errors);
                w.slow -= u64::from(old.slow);
            }
        }
        // Room first, so the series never holds more than its cap.
        if self.series.len() >= SERIES_CAP {
            self.series.pop_front();
        }
        self.series.push_back(sample);
        if let Some(slo) = &mut self.slo {
            if sample.at.0 >= slo.period_start.0 + u64::from(slo.slo.period.0) {
                slo.period_start = sample.at;
                slo.requests = 0;
                slo.errors = 0;
                slo.exhausted = false;
            }
            slo.requests += u64::from(sample.requests);
            slo.errors += u64::from(sample.errors);
        }
        let bad = sample.is_bad() || sample.is_slow();
        self.bad_since = match (bad, self.bad_since) {
            (true, None) => Some(sample.at),
            (true, since) => since,
            (false, _) => None,
        };
    }

    /// Error-budget burn rate over the last hour: 1.0 spends the budget exactly over the period.
    pub fn burn_rate(&self) -> f64 {
        self.burn(Metric::BurnRate, BURN_WINDOW)
    }

    /// The burn rate of `metric`'s objective over the last `minutes` (a watched window):
    /// the share of bad requests divided by the share the objective allows.
    pub fn burn(&self, metric: Metric, minutes: u32) -> f64 {
        // Without the metric's objective there is nothing to burn: settled before the
        // window is looked up.
        let (latency, target) = match (metric, &self.slo, &self.latency_slo) {
            (Metric::BurnRate, Some(slo), _) => (false, slo.slo.target),
            (Metric::LatencyBurnRate, _, Some(l)) => (true, l.target),
            _ => return 0.0,
        };
        let Some(w) = self
            .windows
            .iter()
            .find(|w| w.minutes == minutes.clamp(1, SERIES_CAP as u32))
        else {
            return 0.0;
        };
        let bad = if latency { w.slow } else { w.errors };
        // With no bad request the rate is exactly +0 (zero over two positive numbers): most
        // minutes for the latency objective, which then skips the conversions and divisions.
        if w.requests == 0 || bad == 0 {
            return 0.0;
        }
        (bad as f64 / w.requests as f64) / (1.0 - target).max(1e-6)
    }

    pub fn value(&self, metric: Metric, sample: &Sample) -> f64 {
        match metric {
            Metric::ErrorRate => sample.error_rate(),
            Metric::P95Latency => sample.p95_ms,
            Metric::Memory => sample.memory,
            Metric::Saturation => sample.saturation,
            Metric::BurnRate | Metric::LatencyBurnRate => self.burn(metric, BURN_WINDOW),
        }
    }

    /// The last `n` values of a metric, oldest first (burn rate uses the error rate history).
    pub fn recent(&self, metric: Metric, n: usize) -> Vec<f64> {
        let skip = self.series.len().saturating_sub(n);
        self.series
            .iter()
            .skip(skip)
            .map(|s| self.value(metric, s))
            .collect()
    }
}

/// One minute of the healthy past: its requests and the errors every service returns.
///
/// Out of line and cold: inlined, the optimiser hoisted its float work out of `push`'s
/// window loop, so every minute paid for it although windows reach into the past only in a
/// run's first hours.
#[cold]
#[inline(never)]
fn prehistory_minute(rpm: u64) -> (u64, u64) {
    let errors = (rpm as f64 * super::traffic::BASE_ERROR_RATE + 0.5) as u64;
    (rpm, errors)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertStatus {
    Ok,
    Pending { since: SimTime },
    Firing { since: SimTime },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertState {
    pub rule: AlertRule,
    pub status: AlertStatus,
    /// Index of the rule's stage, resolved once when the world is built.
    pub stage_index: Option<usize>,
}

impl AlertState {
    pub fn is_firing(&self) -> bool {
        matches!(self.status, AlertStatus::Firing { .. })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: IncidentId,
    pub stage: StageId,
    pub title: String,
    /// How the team learnt of it; an alert unless written otherwise (older saves).
    #[serde(default, skip_serializing_if = "Detection::is_alert")]
    pub detected_by: Detection,
    /// When users started to be hurt (first bad minute), if known.
    pub impact_started_at: SimTime,
    pub detected_at: SimTime,
    pub mitigated_at: Option<SimTime>,
    pub resolved_at: Option<SimTime>,
    /// The release running when it was opened.
    pub release: Option<Version>,
    /// The production change it was blamed on when it opened (a release with a fault, or
    /// the deployment in progress that broke others), if any: DORA's change failure rate
    /// and failed-deployment recovery time count these incidents only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_change: Option<Version>,
}

/// How the team learnt of an incident.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Detection {
    /// A critical alert paged.
    #[default]
    Alert,
    /// An attacker used a security hole: a breach announces itself.
    Breach,
    /// Nothing paged; users' complaints reached the team through support
    /// ([`super::USERS_REPORT_AFTER`]).
    Users,
}

impl Detection {
    pub fn is_alert(&self) -> bool {
        *self == Detection::Alert
    }
}

impl Incident {
    pub fn is_open(&self) -> bool {
        self.resolved_at.is_none()
    }
    pub fn time_to_detect(&self) -> Minutes {
        self.detected_at.since(self.impact_started_at)
    }
    pub fn time_to_restore(&self) -> Option<Minutes> {
        self.mitigated_at.map(|m| m.since(self.impact_started_at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(at: u64, requests: u32, errors: u32) -> Sample {
        Sample {
            at: SimTime(at),
            requests,
            errors,
            ..Sample::default()
        }
    }

    #[test]
    fn burn_rate_covers_only_the_last_hour_and_series_is_capped() {
        let slo = SloState {
            slo: Slo {
                target: 0.99,
                period: Minutes(10_000),
            },
            period_start: SimTime(0),
            expected_requests: 1_000_000.0,
            requests: 0,
            errors: 0,
            exhausted: false,
        };
        let mut m = StageMonitor::new(Some(slo), None, 0);
        for t in 0..60 {
            m.push(sample(t, 100, 10)); // 10 % errors: burn rate 10
        }
        assert!((m.burn_rate() - 10.0).abs() < 1e-9);
        for t in 60..120 {
            m.push(sample(t, 100, 0));
        }
        assert_eq!(m.burn_rate(), 0.0, "the bad hour has left the window");
        for t in 120..2000 {
            m.push(sample(t, 100, 0));
        }
        assert_eq!(m.series.len(), SERIES_CAP);
        assert_eq!(m.slo.as_ref().unwrap().errors, 600);
    }
}
