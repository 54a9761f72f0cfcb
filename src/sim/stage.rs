//! The live state of one environment: instance pools, configuration, database, backups,
//! injected faults, metrics and the rollout in progress.

use super::change::{Defect, Migration, Release};
use super::config::StageConfig;
use super::ids::{BackupId, ConfigKey, FlagName, Version};
use super::monitor::StageMonitor;
use super::rollout::Rollout;
use super::time::SimTime;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// How many past deployments a stage remembers for rollback.
pub const HISTORY_CAP: usize = 12;
/// How many backups are kept (oldest dropped first).
pub const BACKUP_CAP: usize = 8;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrashReason {
    Defect,
    MissingConfig(ConfigKey),
    SchemaMismatch { expects: u32, found: u32 },
    OutOfMemory,
    Injected,
}

impl CrashReason {
    pub fn describe(&self) -> String {
        match self {
            CrashReason::Defect => {
                "the process exits during start-up (a bug in the release)".into()
            }
            CrashReason::MissingConfig(k) => {
                format!("configuration {k} is missing, so start-up fails")
            }
            CrashReason::SchemaMismatch { expects, found } => {
                format!("the code expects database schema {expects} but finds {found}, which it cannot read")
            }
            CrashReason::OutOfMemory => "it ran out of memory and was killed".into(),
            CrashReason::Injected => "the instructor crashed it".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    Starting {
        ready_at: SimTime,
    },
    Healthy,
    /// Crashed once; the orchestrator restarts it.
    Restarting {
        ready_at: SimTime,
        reason: CrashReason,
    },
    /// Fails every start: it will not become healthy without a change.
    CrashLooping {
        reason: CrashReason,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    pub health: Health,
    /// Share of the memory limit in use, 0..=1.
    pub memory: f64,
}

impl Instance {
    pub fn is_healthy(&self) -> bool {
        matches!(self.health, Health::Healthy)
    }
}

/// A set of instances running one release, with the share of traffic the router sends it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pool {
    pub release: Version,
    pub instances: Vec<Instance>,
    /// Percent of the stage's requests routed here (0 for an idle blue-green colour).
    pub weight: u8,
    /// A blue-green colour kept warm but serving nothing, ready for an instant switch back.
    pub idle: bool,
    /// When this colour stopped taking new requests (a blue-green switch): it drains the
    /// requests in flight, then waits out the scale-down delay.
    #[serde(default)]
    pub idle_since: Option<SimTime>,
    /// This pool's own error rate and p95 latency in the last minute (for canary analysis).
    pub error_rate: f64,
    pub p95_ms: f64,
    /// The release's traits the per-minute simulation needs, copied once (releases never
    /// change) so the hot path does not look the release up every minute.
    #[serde(default)]
    pub traits: PoolTraits,
    /// Healthy instances, counted once a minute as their health is updated, for the traffic
    /// model (scratch, not state).
    #[serde(skip)]
    pub(crate) healthy_now: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PoolTraits {
    pub defect: Defect,
    pub requires_config: Option<ConfigKey>,
    pub schema: u32,
    /// What a latency regression adds to each request, in ms.
    #[serde(default)]
    pub added_latency_ms: f64,
}

impl PoolTraits {
    /// What the per-minute simulation needs of `release`.
    pub fn of(release: &Release) -> PoolTraits {
        PoolTraits {
            defect: release.traits.defect,
            requires_config: release.traits.requires_config.clone(),
            schema: release.schema,
            added_latency_ms: release
                .traits
                .added_latency_ms
                .unwrap_or(super::change::DEFAULT_ADDED_LATENCY_MS),
        }
    }
}

impl Default for PoolTraits {
    fn default() -> Self {
        PoolTraits {
            defect: Defect::None,
            requires_config: None,
            schema: 1,
            added_latency_ms: super::change::DEFAULT_ADDED_LATENCY_MS,
        }
    }
}

/// Minutes a colour that stopped taking new requests keeps serving those in flight.
pub const DRAIN_MINUTES: u64 = 1;

impl Pool {
    /// Still finishing requests that were in flight when traffic switched away from it.
    pub fn draining(&self, now: SimTime) -> bool {
        self.idle_since.is_some_and(|s| now.0 < s.0 + DRAIN_MINUTES)
    }

    pub fn new(release: &Release, instances: Vec<Instance>, weight: u8) -> Pool {
        Pool::with_traits(release.version, PoolTraits::of(release), instances, weight)
    }

    /// A pool of `release`, whose traits were read from it already.
    pub fn with_traits(
        release: Version,
        traits: PoolTraits,
        instances: Vec<Instance>,
        weight: u8,
    ) -> Pool {
        Pool {
            release,
            instances,
            weight,
            idle: false,
            idle_since: None,
            error_rate: 0.0,
            p95_ms: 0.0,
            traits,
            healthy_now: 0,
        }
    }

    pub fn healthy(&self) -> usize {
        self.instances.iter().filter(|i| i.is_healthy()).count()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Database {
    pub schema: u32,
    /// `migrations[i]` took the schema from version i+1 to i+2.
    pub migrations: Vec<Migration>,
    pub records: u64,
    pub corrupted: u64,
    /// The disk was lost; nothing can be read until a restore or failover.
    pub lost: bool,
    /// Records that existed and are gone for good (lost disks, restores).
    pub records_lost: u64,
    /// When the disk was lost (for the recovery time).
    pub lost_at: Option<SimTime>,
    /// Restores from backup completed, and when the last one finished.
    #[serde(default)]
    pub restores: u32,
    #[serde(default)]
    pub last_restore_at: Option<SimTime>,
}

impl Database {
    /// A healthy database at schema 1 holding `records` records.
    pub fn new(records: u64) -> Database {
        Database {
            schema: 1,
            migrations: Vec::new(),
            records,
            corrupted: 0,
            lost: false,
            records_lost: 0,
            lost_at: None,
            restores: 0,
            last_restore_at: None,
        }
    }

    /// Whether code built for `schema` can run against this database. Newer schemas are fine
    /// only if every migration since was additive: a destructive one broke older code for good.
    pub fn compatible_with(&self, schema: u32) -> bool {
        if schema >= self.schema {
            return true;
        }
        let from = schema as usize; // migration index that moved schema -> schema + 1
        self.migrations
            .iter()
            .skip(from.saturating_sub(1))
            .take((self.schema - schema) as usize)
            .all(|m| *m == Migration::Additive)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Backup {
    pub id: BackupId,
    pub taken_at: SimTime,
    pub schema: u32,
    pub migrations: Vec<Migration>,
    pub records: u64,
    pub corrupted: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Restore {
    pub backup: BackupId,
    pub started_at: SimTime,
    pub done_at: SimTime,
}

/// Failures currently affecting the stage.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Faults {
    pub dependency_until: Option<SimTime>,
    pub database_until: Option<SimTime>,
    pub spike: Option<(f64, SimTime)>,
    pub region_down: bool,
    pub certificate_expired: bool,
    pub restoring: Option<Restore>,
    pub failed_over: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Deployment {
    pub release: Version,
    pub at: SimTime,
}

/// One minute of a stage's metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub at: SimTime,
    pub requests: u32,
    pub errors: u32,
    /// Requests slower than the stage's latency objective (0 without one).
    #[serde(default)]
    pub slow: u32,
    pub p95_ms: f64,
    pub memory: f64,
    pub saturation: f64,
}

impl Sample {
    pub fn error_rate(&self) -> f64 {
        if self.requests == 0 {
            0.0
        } else {
            f64::from(self.errors) / f64::from(self.requests)
        }
    }
    /// Whether more than 5 % of requests failed: the line the dashboards call "users hurt".
    /// Integer arithmetic, so it is exact and needs no division.
    pub fn is_bad(&self) -> bool {
        u64::from(self.errors) * 20 > u64::from(self.requests)
    }

    /// Whether more than 5 % of requests were slower than the latency objective: users are
    /// hurt by waiting, as they are by errors.
    pub fn is_slow(&self) -> bool {
        u64::from(self.slow) * 20 > u64::from(self.requests)
    }

    pub fn availability(&self) -> f64 {
        1.0 - self.error_rate()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    pub config: StageConfig,
    pub pools: Vec<Pool>,
    pub history: Vec<Deployment>,
    pub settings: BTreeMap<ConfigKey, String>,
    pub secrets: BTreeSet<ConfigKey>,
    pub flags: BTreeMap<FlagName, u8>,
    /// Releases whose new code path is behind a flag here (dark launches).
    pub dark: BTreeMap<Version, FlagName>,
    pub database: Option<Database>,
    pub backups: Vec<Backup>,
    pub last_backup_at: SimTime,
    pub faults: Faults,
    /// Boxed: the rollout is taken out and put back every minute, and moving a pointer is
    /// cheaper than moving the whole struct.
    pub rollout: Option<Box<Rollout>>,
    pub monitor: StageMonitor,
    /// The latest minute of metrics.
    pub last: Sample,
    /// The most recent failed check into this stage, kept after the rollout ends so the
    /// diagram can still show which gate failed and why.
    #[serde(default)]
    pub last_gate_failure: Option<GateFailure>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GateFailure {
    pub release: Version,
    pub gate: super::change::GateKind,
    pub at: SimTime,
    pub flaky: bool,
    pub explanation: super::event::Explanation,
}

impl Stage {
    /// When an idle blue-green colour is removed: once it has drained and the stage's
    /// scale-down delay (its rollback window) has passed. `None` for a serving pool.
    pub fn scale_down_at(&self, pool: &Pool) -> Option<SimTime> {
        let delay = u64::from(self.config.scale_down_delay.0).max(DRAIN_MINUTES);
        pool.idle_since
            .filter(|_| pool.idle)
            .map(|since| SimTime(since.0 + delay))
    }

    pub fn name(&self) -> &str {
        &self.config.name
    }

    /// The release serving most of the traffic (the "stable" one), if any.
    pub fn current(&self) -> Option<Version> {
        // One pass (the busy team and the lab ask every minute); on a tie the last pool
        // wins, as `max_by_key` picks.
        let mut best: Option<&Pool> = None;
        for p in &self.pools {
            if p.weight > 0 && best.is_none_or(|b| p.weight >= b.weight) {
                best = Some(p);
            }
        }
        best.or(self.pools.first()).map(|p| p.release)
    }

    /// Every release that serves traffic here, with its weight.
    pub fn serving(&self) -> Vec<(Version, u8)> {
        self.pools
            .iter()
            .filter(|p| p.weight > 0)
            .map(|p| (p.release, p.weight))
            .collect()
    }

    pub fn runs(&self, release: Version) -> bool {
        self.pools
            .iter()
            .any(|p| p.release == release && p.weight > 0)
    }

    /// Whether `release` is running here with every instance healthy.
    /// Whether `release` alone serves here, with all traffic: `serving()` is exactly
    /// `[(release, 100)]`, found without building the list (the busy team asks every few
    /// minutes).
    pub fn serves_only(&self, release: Version) -> bool {
        let mut serving = self.pools.iter().filter(|p| p.weight > 0);
        matches!(
            (serving.next(), serving.next()),
            (Some(p), None) if p.release == release && p.weight == 100
        )
    }

    pub fn runs_healthy(&self, release: Version) -> bool {
        self.pools
            .iter()
            .any(|p| p.release == release && p.weight > 0 && p.healthy() == p.instances.len())
    }

    pub fn has_config(&self, key: &ConfigKey) -> bool {
        self.settings.contains_key(key) || self.secrets.contains(key)
    }

    pub fn record_deployment(&mut self, release: Version, at: SimTime) {
        if self.history.last().map(|d| d.release) != Some(release) {
            self.history.push(Deployment { release, at });
            if self.history.len() > HISTORY_CAP {
                self.history.remove(0);
            }
        }
    }

    /// Error rate in the last minute, as the dashboards show it.
    pub fn error_rate(&self) -> f64 {
        self.last.error_rate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destructive_migrations_break_older_code_but_additive_ones_do_not() {
        let db = Database {
            schema: 3,
            migrations: vec![Migration::Additive, Migration::Destructive],
            ..Database::new(10)
        };
        assert!(db.compatible_with(3));
        assert!(db.compatible_with(4));
        assert!(!db.compatible_with(2), "schema 2 -> 3 was destructive");
        assert!(!db.compatible_with(1));
        let additive = Database {
            migrations: vec![Migration::Additive, Migration::Additive],
            ..db
        };
        assert!(additive.compatible_with(1));
    }
}
