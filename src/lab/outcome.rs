//! What one run produced: the four DORA measures, user impact, and the DORA cluster the run
//! falls into. The totals come from the engine's `sim::delivery`; the medians from the
//! values behind them, collected as the run goes (the engine keeps only running totals).

use super::Arm;
use crate::sim::event::{Event, EventKind};
use crate::sim::monitor::Incident;
use crate::sim::time::{Minutes, MINUTES_PER_DAY};
use crate::sim::world::World;
use serde::{Deserialize, Serialize};

/// The 2023 Accelerate State of DevOps report's clusters of software delivery performance.
///
/// The report describes each cluster by its typical values (p. 13):
///
/// | cluster | deployment frequency | lead time | change failure rate | failed deployment recovery |
/// |---|---|---|---|---|
/// | elite | on demand (several a day) | < 1 day | 5 % | < 1 hour |
/// | high | daily to weekly | 1 day to 1 week | 10 % | < 1 day |
/// | medium | weekly to monthly | 1 week to 1 month | 15 % | 1 day to 1 week |
/// | low | weekly to monthly | 1 week to 1 month | 64 % | 1 to 6 months |
///
/// The report clusters teams; it gives no rule for one team. Ours, per run: each measure
/// gets the best cluster whose bound it meets, and the run gets the *worst* of those (a
/// team is as good as its weakest key). The bounds:
/// - deploys per day: ≥ 1 elite, ≥ 1/7 high, > 0 medium, none low;
/// - median lead time: < 1 day elite, < 1 week high, < 30 days medium, else low;
/// - change failure rate (the report gives one typical value per cluster, not a range, so
///   the bounds lie halfway between them): ≤ 7.5 % elite, ≤ 12.5 % high, ≤ 39.5 % medium,
///   else low;
/// - median time to restore: < 1 hour elite, < 1 day high, < 1 week medium, else low.
///
/// A measure with no value (no deploy, no incident) does not lower the cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DoraCluster {
    Elite,
    High,
    Medium,
    Low,
}

impl DoraCluster {
    pub const ALL: [DoraCluster; 4] = [
        DoraCluster::Elite,
        DoraCluster::High,
        DoraCluster::Medium,
        DoraCluster::Low,
    ];

    pub fn label(self) -> &'static str {
        match self {
            DoraCluster::Elite => "Elite",
            DoraCluster::High => "High",
            DoraCluster::Medium => "Medium",
            DoraCluster::Low => "Low",
        }
    }

    /// The rule in the type's documentation.
    pub fn classify(
        deploys_per_day: f64,
        lead_time_minutes: Option<u32>,
        change_failure_rate: Option<f64>,
        time_to_restore_minutes: Option<u32>,
    ) -> DoraCluster {
        use DoraCluster as C;
        let day = MINUTES_PER_DAY as u32;
        // The first three clusters, best first, with the bound each must stay within.
        let tier = |within: [bool; 3]| match within.iter().position(|w| *w) {
            Some(0) => C::Elite,
            Some(1) => C::High,
            Some(_) => C::Medium,
            None => C::Low,
        };
        let minutes =
            |m: Option<u32>, bounds: [u32; 3]| m.map_or(C::Elite, |m| tier(bounds.map(|b| m < b)));
        let frequency = tier([
            deploys_per_day >= 1.0,
            deploys_per_day * 7.0 >= 1.0,
            deploys_per_day > 0.0,
        ]);
        let lead = minutes(lead_time_minutes, [day, 7 * day, 30 * day]);
        let failures =
            change_failure_rate.map_or(C::Elite, |r| tier([0.075, 0.125, 0.395].map(|b| r <= b)));
        let restore = minutes(time_to_restore_minutes, [60, day, 7 * day]);
        frequency.max(lead).max(failures).max(restore)
    }
}

/// One run's results. Serialised as one JSON line by the command line and the workers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunOutcome {
    pub arm: Arm,
    pub seed: u64,
    pub production_deploys: u64,
    pub deploys_per_day: f64,
    /// Failed changes over production deploys; `None` when nothing was deployed.
    pub change_failure_rate: Option<f64>,
    /// Median over incidents a production change caused (DORA's failed deployment recovery
    /// time) of impact start → mitigation; `None` with no such incident mitigated.
    pub median_time_to_restore_minutes: Option<u32>,
    /// Median over production deploys of first commit → deploy start.
    pub median_lead_time_minutes: Option<u32>,
    pub failed_requests: u64,
    pub user_minutes_affected: f64,
    /// Incidents opened during the run.
    pub incidents: u32,
    pub cluster: DoraCluster,
}

/// Collects, as a run goes, the values the engine keeps only as totals.
#[derive(Default)]
pub(crate) struct Observer {
    lead_times: Vec<u32>,
    restores: Vec<u32>,
    incidents: u32,
    deploys_seen: u64,
    lead_total_seen: u64,
}

impl Observer {
    /// Counts incidents, and the restore time of those a production change caused: the
    /// DORA report's failed deployment recovery time (2023; "time to restore service"
    /// before), from the first minute users were hurt to the first minute they were served
    /// correctly again. An incident no change caused (the minute of downtime every
    /// all-at-once deploy costs while instances boot, a scripted outage) is user harm,
    /// counted in failed requests, but no failed deployment to recover from.
    pub(crate) fn event(&mut self, w: &World, e: &Event) {
        match &e.kind {
            EventKind::IncidentOpened { .. } => self.incidents += 1,
            EventKind::IncidentMitigated {
                incident,
                time_to_restore,
                ..
            } => {
                let from_a_change = w
                    .incidents
                    .iter()
                    .any(|x| x.id == *incident && x.failed_change.is_some());
                if from_a_change {
                    self.restores.push(time_to_restore.0);
                }
            }
            _ => {}
        }
    }

    /// Reads the lead time of any production deploy counted since the last call.
    pub(crate) fn after_minute(&mut self, w: &World) {
        let deploys = w.delivery.production_deploys;
        if deploys > self.deploys_seen {
            let total = w.delivery.lead_time_total();
            let n = deploys - self.deploys_seen;
            // One deploy a minute at most in practice; if ever more, they share the sum.
            let each = (total - self.lead_total_seen) / n;
            for _ in 0..n {
                self.lead_times.push(each as u32);
            }
            self.deploys_seen = deploys;
            self.lead_total_seen = total;
        }
    }

    pub(crate) fn outcome(mut self, w: &World, arm: Arm, seed: u64) -> RunOutcome {
        let d = &w.delivery;
        let days = w.now.0.max(1) as f64 / MINUTES_PER_DAY as f64;
        let deploys_per_day = d.production_deploys as f64 / days;
        let change_failure_rate = (d.production_deploys > 0)
            .then(|| d.failed_deploys as f64 / d.production_deploys as f64);
        let lead = lower_median(&mut self.lead_times);
        let restore = lower_median(&mut self.restores);
        RunOutcome {
            arm,
            seed,
            production_deploys: d.production_deploys,
            deploys_per_day,
            change_failure_rate,
            median_time_to_restore_minutes: restore,
            median_lead_time_minutes: lead,
            failed_requests: d.failed_requests,
            user_minutes_affected: d.user_minutes_affected,
            incidents: self.incidents,
            cluster: DoraCluster::classify(deploys_per_day, lead, change_failure_rate, restore),
        }
    }
}

/// The production incident that hurt users longest in `w` (first bad minute to mitigation,
/// or to now while it is not mitigated), the earliest of equals; `None` with none in
/// production. A run opened from the lab's results points at it: "why was this run so bad?"
/// starts where it was worst, which in a week-long run is often older than the timeline's
/// newest events.
pub fn longest_production_incident(w: &World) -> Option<&Incident> {
    let production = &w.stages.last()?.config.id;
    w.incidents
        .iter()
        .filter(|i| &i.stage == production)
        .max_by_key(|i| (harm_minutes(i, w), std::cmp::Reverse(i.impact_started_at)))
}

/// How long `i` hurt users: to its mitigation, else to its resolution, else to now.
pub fn harm_minutes(i: &Incident, w: &World) -> Minutes {
    i.mitigated_at.or(i.resolved_at).unwrap_or(w.now).since(i.impact_started_at)
}

/// The lower median (the middle value, or the lower of the two middle ones), so minutes
/// stay whole minutes.
fn lower_median(values: &mut [u32]) -> Option<u32> {
    values.sort_unstable();
    values.get(values.len().saturating_sub(1) / 2).copied()
}
