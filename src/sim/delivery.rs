//! Delivery metrics (the four DORA measures) and user impact, kept as running totals so
//! they cost nothing per tick and stay bounded however long a run lasts.

use super::ids::Version;
use super::time::{Minutes, SimTime, MINUTES_PER_DAY};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub production_deploys: u64,
    pub failed_deploys: u64,
    lead_time_total: u64,
    pub restores: u64,
    restore_total: u64,
    /// The release currently in production and whether it has been counted as failed.
    current: Option<(Version, bool)>,
    pub failed_requests: u64,
    /// Sum over minutes of users who saw an error that minute.
    pub user_minutes_affected: f64,
    pub bad_minutes: u64,
    /// Promotions that skipped their gates (each also in the audit log).
    #[serde(default)]
    pub gate_overrides: u64,
}

/// A summary the UI and debrief show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeliveryReport {
    pub deploys_per_day: f64,
    pub production_deploys: u64,
    pub lead_time: Option<Minutes>,
    pub change_failure_rate: Option<f64>,
    pub time_to_restore: Option<Minutes>,
    pub failed_requests: u64,
    pub user_minutes_affected: f64,
}

impl Delivery {
    pub fn deployed_to_production(&mut self, release: Version, lead_time: Minutes) {
        self.production_deploys += 1;
        self.lead_time_total += u64::from(lead_time.0);
        self.current = Some((release, false));
    }

    /// Marks the production release as a failed change (an incident or rollback followed it).
    /// Each deployment counts at most once.
    pub fn change_failed(&mut self, release: Version) {
        if let Some((current, counted)) = &mut self.current {
            if *current == release && !*counted {
                *counted = true;
                self.failed_deploys += 1;
            }
        }
    }

    /// The sum of every production deploy's lead time, in minutes (the strategy lab reads
    /// how it grows to find each deploy's own lead time).
    pub fn lead_time_total(&self) -> u64 {
        self.lead_time_total
    }

    pub fn restored(&mut self, duration: Minutes) {
        self.restores += 1;
        self.restore_total += u64::from(duration.0);
    }

    pub fn report(&self, now: SimTime) -> DeliveryReport {
        let days = (now.0.max(1) as f64) / MINUTES_PER_DAY as f64;
        let avg = |total: u64, n: u64| (n > 0).then(|| Minutes((total / n) as u32));
        DeliveryReport {
            deploys_per_day: self.production_deploys as f64 / days.max(1.0 / 24.0),
            production_deploys: self.production_deploys,
            lead_time: avg(self.lead_time_total, self.production_deploys),
            change_failure_rate: (self.production_deploys > 0)
                .then(|| self.failed_deploys as f64 / self.production_deploys as f64),
            time_to_restore: avg(self.restore_total, self.restores),
            failed_requests: self.failed_requests,
            user_minutes_affected: self.user_minutes_affected,
        }
    }
}
