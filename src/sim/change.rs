//! Changes: commits with hidden traits, and the releases built from them.

use std::rc::Rc;
use super::ids::{ActorId, CommitId, ConfigKey, Version};
use super::rng::Pcg32;
use super::time::SimTime;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What is wrong with a change, if anything. Hidden from the learner until it shows itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Defect {
    None,
    /// The process exits during start-up, so instances never become healthy.
    CrashOnStart,
    /// A share of requests fail.
    ErrorRate,
    /// Requests get slower (p95 latency rises).
    LatencyRegression,
    /// Memory grows a little every minute until instances run out and restart.
    MemoryLeak,
    /// Writes damage records in the database.
    DataCorruption,
    /// An exploitable vulnerability; invisible in metrics, found by a security scan.
    SecurityHole,
}

impl Defect {
    pub const ALL: [Defect; 7] = [
        Defect::None,
        Defect::CrashOnStart,
        Defect::ErrorRate,
        Defect::LatencyRegression,
        Defect::MemoryLeak,
        Defect::DataCorruption,
        Defect::SecurityHole,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Defect::None => "no defect",
            Defect::CrashOnStart => "crash on start",
            Defect::ErrorRate => "extra error rate",
            Defect::LatencyRegression => "latency regression",
            Defect::MemoryLeak => "slow memory leak",
            Defect::DataCorruption => "data corruption",
            Defect::SecurityHole => "security hole",
        }
    }
}

/// A database schema change carried by a commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Migration {
    None,
    /// Adds columns or tables; older code keeps working against the new schema.
    Additive,
    /// Drops or rewrites data; older code breaks against the new schema and it cannot be undone.
    Destructive,
}

/// How a team writes the schema changes its commits need.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MigrationPractice {
    /// As the change needs it: a column dropped or rewritten in the same release that stops
    /// reading it, so the release before it cannot read the new schema.
    InPlace,
    /// Expand/contract (parallel change): the release adds the new shape beside the old and
    /// keeps both working; removing the old shape is a later, separate change, made once no
    /// running release reads it. So every migration a release brings is backward compatible
    /// (`Migration::Additive`), and the release before it keeps working during a canary,
    /// a rolling update or after a rollback. The contract step itself is not modelled: by
    /// then no release that needs the old shape runs anywhere.
    #[default]
    ExpandContract,
}

impl MigrationPractice {
    /// The migration a commit carries once written this way.
    pub fn written(self, drawn: Migration) -> Migration {
        match (self, drawn) {
            (MigrationPractice::ExpandContract, Migration::Destructive) => Migration::Additive,
            (_, m) => m,
        }
    }
}

/// The kinds of checks a release passes through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateKind {
    Build,
    UnitTests,
    IntegrationTests,
    AcceptanceTests,
    LoadTest,
    SecurityScan,
    ManualApproval,
}

impl GateKind {
    pub fn label(self) -> &'static str {
        match self {
            GateKind::Build => "Build",
            GateKind::UnitTests => "Unit tests",
            GateKind::IntegrationTests => "Integration tests",
            GateKind::AcceptanceTests => "Acceptance tests",
            GateKind::LoadTest => "Load test",
            GateKind::SecurityScan => "Security scan",
            GateKind::ManualApproval => "Manual approval",
        }
    }

    /// How long the check takes, in simulated minutes.
    pub fn duration(self) -> u32 {
        match self {
            GateKind::Build => 3,
            GateKind::UnitTests => 4,
            GateKind::IntegrationTests => 8,
            GateKind::AcceptanceTests => 10,
            GateKind::LoadTest => 15,
            GateKind::SecurityScan => 6,
            GateKind::ManualApproval => 0,
        }
    }

    /// The chance that this check catches `defect`. Tuned so each defect has a natural
    /// "home" check, and so that some slip through, as in real pipelines.
    pub fn default_detection(self, defect: Defect) -> f64 {
        use Defect as D;
        use GateKind as G;
        match (self, defect) {
            (_, D::None) | (G::Build, _) | (G::ManualApproval, _) => 0.0,
            (G::UnitTests, D::CrashOnStart) => 0.5,
            (G::UnitTests, D::ErrorRate) => 0.3,
            (G::UnitTests, D::DataCorruption) => 0.2,
            (G::IntegrationTests, D::CrashOnStart) => 0.95,
            (G::IntegrationTests, D::ErrorRate) => 0.6,
            (G::IntegrationTests, D::DataCorruption) => 0.4,
            (G::AcceptanceTests, D::CrashOnStart) => 0.95,
            (G::AcceptanceTests, D::ErrorRate) => 0.7,
            (G::AcceptanceTests, D::DataCorruption) => 0.5,
            (G::AcceptanceTests, D::LatencyRegression) => 0.2,
            (G::LoadTest, D::LatencyRegression) => 0.9,
            (G::LoadTest, D::MemoryLeak) => 0.35,
            (G::LoadTest, D::CrashOnStart) => 0.9,
            (G::SecurityScan, D::SecurityHole) => 0.85,
            _ => 0.0,
        }
    }
}

/// The hidden traits of a commit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CommitTraits {
    pub defect: Defect,
    /// The code reads this configuration key at start-up and crashes without it.
    pub requires_config: Option<ConfigKey>,
    pub migration: Migration,
    /// Overrides of the chance that a check catches the defect (0..=1).
    pub detection: BTreeMap<GateKind, f64>,
    /// How much a latency regression adds to each request's time (default 450 ms, about
    /// four times a normal p95; 150 ms makes it about twice as slow).
    pub added_latency_ms: Option<f64>,
}

/// What a latency regression adds when the traits do not say.
pub const DEFAULT_ADDED_LATENCY_MS: f64 = 450.0;

impl Default for CommitTraits {
    fn default() -> Self {
        CommitTraits {
            defect: Defect::None,
            requires_config: None,
            migration: Migration::None,
            detection: BTreeMap::new(),
            added_latency_ms: None,
        }
    }
}

impl CommitTraits {
    /// "Surprise me": most changes are fine, some carry a defect, a few a migration.
    pub fn surprise(rng: &mut Pcg32) -> Self {
        let defect = match rng.below(100) {
            0..=59 => Defect::None,
            60..=67 => Defect::ErrorRate,
            68..=74 => Defect::LatencyRegression,
            75..=80 => Defect::CrashOnStart,
            81..=86 => Defect::MemoryLeak,
            87..=91 => Defect::SecurityHole,
            _ => Defect::DataCorruption,
        };
        let migration = match rng.below(100) {
            0..=84 => Migration::None,
            85..=96 => Migration::Additive,
            _ => Migration::Destructive,
        };
        CommitTraits {
            defect,
            migration,
            ..CommitTraits::default()
        }
    }

    pub fn detection_chance(&self, gate: GateKind) -> f64 {
        self.detection
            .get(&gate)
            .copied()
            .unwrap_or_else(|| gate.default_detection(self.defect))
            .clamp(0.0, 1.0)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Commit {
    pub id: CommitId,
    pub author: ActorId,
    pub summary: Rc<str>,
    pub at: SimTime,
    pub traits: CommitTraits,
}

/// A numbered, immutable build of one or more commits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Release {
    pub version: Version,
    pub commits: Vec<CommitId>,
    pub authors: Vec<ActorId>,
    pub summary: Rc<str>,
    /// When the oldest commit in it was made (for lead time).
    pub first_commit_at: SimTime,
    pub built_at: SimTime,
    pub traits: CommitTraits,
    /// The database schema version this release expects.
    pub schema: u32,
    /// Built through the expedited hotfix path.
    pub hotfix: bool,
    /// Outcome of each check, drawn once: a real defect is caught (or missed) consistently
    /// when a check is re-run; only flaky failures vary between runs.
    pub detected: BTreeMap<GateKind, bool>,
    /// Its security hole has been found and used by an attacker.
    #[serde(default)]
    pub exploited: bool,
}
