//! Monitoring: per-minute time series, service level objectives with an error budget,
//! alert rules that must hold for a duration, and incidents with their timings.

use super::config::{AlertRule, Metric, Slo};
use super::ids::{IncidentId, StageId, Version};
use super::stage::Sample;
use super::time::{Minutes, SimTime};
use crate::json::{FromJson, ToJson};
use std::collections::VecDeque;

/// Minutes of per-minute metrics kept per stage (12 hours): enough for every chart, bounded.
pub const SERIES_CAP: usize = 720;
/// The window for the burn rate, in minutes.
pub const BURN_WINDOW: usize = 60;
/// Incidents kept in memory.
pub const INCIDENT_CAP: usize = 50;

#[derive(Clone, Debug, Default, PartialEq, ToJson, FromJson)]
pub struct StageMonitor {
    pub series: VecDeque<Sample>,
    window_requests: u64,
    window_errors: u64,
    pub slo: Option<SloState>,
    /// First minute of the current run of bad minutes (error rate over 5 %), if in one.
    pub bad_since: Option<SimTime>,
}

#[derive(Clone, Debug, PartialEq, ToJson, FromJson)]
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
    pub fn new(slo: Option<SloState>) -> Self {
        StageMonitor {
            slo,
            ..StageMonitor::default()
        }
    }

    /// Records one minute. Running sums keep the burn window O(1) per tick.
    pub fn push(&mut self, sample: Sample) {
        self.window_requests += u64::from(sample.requests);
        self.window_errors += u64::from(sample.errors);
        if self.series.len() >= BURN_WINDOW {
            let old = self.series[self.series.len() - BURN_WINDOW];
            self.window_requests -= u64::from(old.requests);
            self.window_errors -= u64::from(old.errors);
        }
        self.series.push_back(sample);
        if self.series.len() > SERIES_CAP {
            self.series.pop_front();
        }
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
        let bad = sample.is_bad();
        self.bad_since = match (bad, self.bad_since) {
            (true, None) => Some(sample.at),
            (true, since) => since,
            (false, _) => None,
        };
    }

    /// Error-budget burn rate over the last hour: 1.0 spends the budget exactly over the period.
    pub fn burn_rate(&self) -> f64 {
        match &self.slo {
            Some(slo) if self.window_requests > 0 => {
                (self.window_errors as f64 / self.window_requests as f64)
                    / (1.0 - slo.slo.target).max(1e-6)
            }
            _ => 0.0,
        }
    }

    pub fn value(&self, metric: Metric, sample: &Sample) -> f64 {
        match metric {
            Metric::ErrorRate => sample.error_rate(),
            Metric::P95Latency => sample.p95_ms,
            Metric::Memory => sample.memory,
            Metric::Saturation => sample.saturation,
            Metric::BurnRate => self.burn_rate(),
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

#[derive(Clone, Debug, PartialEq, ToJson, FromJson)]
#[json(rename_all = "snake_case")]
pub enum AlertStatus {
    Ok,
    Pending { since: SimTime },
    Firing { since: SimTime },
}

#[derive(Clone, Debug, PartialEq, ToJson, FromJson)]
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

#[derive(Clone, Debug, PartialEq, ToJson, FromJson)]
pub struct Incident {
    pub id: IncidentId,
    pub stage: StageId,
    pub title: String,
    /// When users started to be hurt (first bad minute), if known.
    pub impact_started_at: SimTime,
    pub detected_at: SimTime,
    pub mitigated_at: Option<SimTime>,
    pub resolved_at: Option<SimTime>,
    /// The release running when it was opened.
    pub release: Option<Version>,
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
        let mut m = StageMonitor::new(Some(slo));
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
