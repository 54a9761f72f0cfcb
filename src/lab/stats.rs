//! Distributions, not averages: per arm and measure the median, 5th and 95th percentiles,
//! extremes, and a histogram whose bucket edges A and B share, so both draw on one axis.
//! Every bucket names a representative seed, so a bar opens "that exact run".
//!
//! Percentiles are nearest-rank: the p-th percentile of n sorted values is the value at
//! rank ⌈p·n/100⌉ (1-based), so every figure is a value some run really had; the median
//! is the 50th (the lower middle value when n is even). Results do not depend on the order
//! of the runs given: values are sorted by (value, seed).

use super::outcome::{DoraCluster, RunOutcome};
use serde::{Deserialize, Serialize};

/// Buckets per histogram.
pub const BUCKETS: usize = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    DeploysPerDay,
    ChangeFailureRate,
    TimeToRestore,
    LeadTime,
    FailedRequests,
    UserMinutesAffected,
}

impl Measure {
    pub const ALL: [Measure; 6] = [
        Measure::DeploysPerDay,
        Measure::LeadTime,
        Measure::ChangeFailureRate,
        Measure::TimeToRestore,
        Measure::FailedRequests,
        Measure::UserMinutesAffected,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Measure::DeploysPerDay => "Deploys per day",
            Measure::ChangeFailureRate => "Change failure rate",
            Measure::TimeToRestore => "Median time to restore (min)",
            Measure::LeadTime => "Median lead time (min)",
            Measure::FailedRequests => "Failed requests",
            Measure::UserMinutesAffected => "User-minutes affected",
        }
    }

    /// The run's value, if it has one (no deploy: no failure rate; no incident: no restore).
    pub fn value(self, run: &RunOutcome) -> Option<f64> {
        match self {
            Measure::DeploysPerDay => Some(run.deploys_per_day),
            Measure::ChangeFailureRate => run.change_failure_rate,
            Measure::TimeToRestore => run.median_time_to_restore_minutes.map(f64::from),
            Measure::LeadTime => run.median_lead_time_minutes.map(f64::from),
            Measure::FailedRequests => Some(run.failed_requests as f64),
            Measure::UserMinutesAffected => Some(run.user_minutes_affected),
        }
    }
}

/// Where one arm's values of one measure lie.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    pub min: f64,
    pub p5: f64,
    pub median: f64,
    pub p95: f64,
    pub max: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Runs that have a value for this measure.
    pub runs: u32,
    /// Runs that have none (no deploy, no incident).
    pub without_value: u32,
    /// `None` when no run has a value.
    pub spread: Option<Spread>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    pub count: u32,
    /// The bucket's middle run (by value, then seed): the one to open for a closer look.
    pub seed: Option<u64>,
}

/// `edges` has one more entry than each arm's buckets; bucket `i` holds values from
/// `edges[i]` up to `edges[i + 1]` (the last one includes its upper edge).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    pub edges: Vec<f64>,
    pub a: Vec<Bucket>,
    pub b: Vec<Bucket>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeasureComparison {
    pub measure: Measure,
    pub a: Summary,
    pub b: Summary,
    pub histogram: Histogram,
}

/// How many runs fell into each DORA cluster.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClusterCounts {
    pub elite: u32,
    pub high: u32,
    pub medium: u32,
    pub low: u32,
}

impl ClusterCounts {
    pub fn of(runs: &[RunOutcome]) -> ClusterCounts {
        let mut c = ClusterCounts::default();
        for r in runs {
            *c.get_mut(r.cluster) += 1;
        }
        c
    }

    fn get_mut(&mut self, cluster: DoraCluster) -> &mut u32 {
        match cluster {
            DoraCluster::Elite => &mut self.elite,
            DoraCluster::High => &mut self.high,
            DoraCluster::Medium => &mut self.medium,
            DoraCluster::Low => &mut self.low,
        }
    }

    pub fn count(&self, cluster: DoraCluster) -> u32 {
        match cluster {
            DoraCluster::Elite => self.elite,
            DoraCluster::High => self.high,
            DoraCluster::Medium => self.medium,
            DoraCluster::Low => self.low,
        }
    }

    pub fn total(&self) -> u32 {
        self.elite + self.high + self.medium + self.low
    }

    /// The share of runs in `cluster`, 0..=1 (0 with no runs).
    pub fn share(&self, cluster: DoraCluster) -> f64 {
        let total = self.total();
        if total == 0 {
            0.0
        } else {
            f64::from(self.count(cluster)) / f64::from(total)
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub measures: Vec<MeasureComparison>,
    pub clusters_a: ClusterCounts,
    pub clusters_b: ClusterCounts,
}

/// Compares two arms' runs, measure by measure, on shared axes.
pub fn compare(a: &[RunOutcome], b: &[RunOutcome]) -> Comparison {
    Comparison {
        measures: Measure::ALL
            .iter()
            .map(|m| compare_measure(*m, a, b))
            .collect(),
        clusters_a: ClusterCounts::of(a),
        clusters_b: ClusterCounts::of(b),
    }
}

/// (value, seed) of every run with a value, sorted.
fn sorted_values(measure: Measure, runs: &[RunOutcome]) -> Vec<(f64, u64)> {
    let mut v: Vec<(f64, u64)> = runs
        .iter()
        .filter_map(|r| measure.value(r).map(|x| (x, r.seed)))
        .collect();
    v.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    v
}

/// The nearest-rank `p`-th percentile of sorted values (not empty).
pub fn percentile(sorted: &[(f64, u64)], p: u32) -> f64 {
    let n = sorted.len();
    let rank = (p as usize * n).div_ceil(100).max(1);
    sorted[rank.min(n) - 1].0
}

fn summarise(sorted: &[(f64, u64)], total: usize) -> Summary {
    Summary {
        runs: sorted.len() as u32,
        without_value: (total - sorted.len()) as u32,
        spread: (!sorted.is_empty()).then(|| Spread {
            min: sorted[0].0,
            p5: percentile(sorted, 5),
            median: percentile(sorted, 50),
            p95: percentile(sorted, 95),
            max: sorted[sorted.len() - 1].0,
        }),
    }
}

fn compare_measure(measure: Measure, a: &[RunOutcome], b: &[RunOutcome]) -> MeasureComparison {
    let (va, vb) = (sorted_values(measure, a), sorted_values(measure, b));
    let lo = [va.first(), vb.first()]
        .into_iter()
        .flatten()
        .map(|x| x.0)
        .fold(f64::INFINITY, f64::min);
    let hi = [va.last(), vb.last()]
        .into_iter()
        .flatten()
        .map(|x| x.0)
        .fold(f64::NEG_INFINITY, f64::max);
    let histogram = if lo > hi {
        Histogram {
            edges: Vec::new(),
            a: Vec::new(),
            b: Vec::new(),
        }
    } else {
        // All values equal: one bucket, so nothing is spread over buckets it is not in.
        let k = if hi > lo { BUCKETS } else { 1 };
        let width = (hi - lo) / k as f64;
        let mut edges: Vec<f64> = (0..k).map(|i| lo + width * i as f64).collect();
        edges.push(hi);
        Histogram {
            a: buckets(&va, lo, width, k),
            b: buckets(&vb, lo, width, k),
            edges,
        }
    };
    MeasureComparison {
        measure,
        a: summarise(&va, a.len()),
        b: summarise(&vb, b.len()),
        histogram,
    }
}

fn buckets(sorted: &[(f64, u64)], lo: f64, width: f64, k: usize) -> Vec<Bucket> {
    let index = |x: f64| {
        if width > 0.0 {
            (((x - lo) / width) as usize).min(k - 1)
        } else {
            0
        }
    };
    let mut members: Vec<Vec<u64>> = vec![Vec::new(); k];
    for (x, seed) in sorted {
        members[index(*x)].push(*seed);
    }
    members
        .into_iter()
        .map(|seeds| Bucket {
            count: seeds.len() as u32,
            seed: seeds.get(seeds.len().saturating_sub(1) / 2).copied(),
        })
        .collect()
}
