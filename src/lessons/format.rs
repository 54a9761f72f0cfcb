//! The scenario file format (JSON), as plain types deriving serde's `Serialize` and
//! `Deserialize`. Every struct refuses unknown fields; commands and other engine types that
//! do not are checked separately (see `parse::unknown_keys`). README.md, "Writing a scenario", is the field
//! reference.

use serde::{Deserialize, Serialize};
use crate::sim::access::{Policy, Role};
use crate::sim::change::{CommitTraits, GateKind};
use crate::sim::command::Failure;
use crate::sim::config::{
    AlertRule, AutoRollback, FreezeWindow, LatencySlo, Slo, StageConfig, TrafficProfile,
};
use crate::sim::ids::{ActorId, ConfigKey, StageId, Version};
use crate::sim::replay::LoggedCommand;
use crate::sim::time::Minutes;
use std::collections::BTreeMap;

/// The only format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// What a lesson teaches: one entry per item of the curriculum (CURRICULUM.md, sections 1–5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Concept {
    // 1. The path of a change
    PathOfAChange,
    // 2. Why it matters
    UserExperience,
    Reliability,
    Security,
    ContinuousMonitoring,
    StreamlinedDeployment,
    // 3. Best practices
    SeparationOfEnvironments,
    ConfigurationFromEnvironment,
    LeastPrivilege,
    ReleasePipeline,
    DeploymentStrategies,
    MonitoringAndAlerting,
    Rollback,
    BackupsAndRecovery,
    // 4. Settings from real life
    Ecommerce,
    Banking,
    Healthcare,
    // 5. Measures
    DeliveryMeasures,
    UserImpact,
}

impl Concept {
    pub const ALL: [Concept; 19] = [
        Concept::PathOfAChange,
        Concept::UserExperience,
        Concept::Reliability,
        Concept::Security,
        Concept::ContinuousMonitoring,
        Concept::StreamlinedDeployment,
        Concept::SeparationOfEnvironments,
        Concept::ConfigurationFromEnvironment,
        Concept::LeastPrivilege,
        Concept::ReleasePipeline,
        Concept::DeploymentStrategies,
        Concept::MonitoringAndAlerting,
        Concept::Rollback,
        Concept::BackupsAndRecovery,
        Concept::Ecommerce,
        Concept::Banking,
        Concept::Healthcare,
        Concept::DeliveryMeasures,
        Concept::UserImpact,
    ];

    /// The curriculum section (1–5) this concept belongs to.
    pub fn section(self) -> u8 {
        use Concept as C;
        match self {
            C::PathOfAChange => 1,
            C::UserExperience
            | C::Reliability
            | C::Security
            | C::ContinuousMonitoring
            | C::StreamlinedDeployment => 2,
            C::Ecommerce | C::Banking | C::Healthcare => 4,
            C::DeliveryMeasures | C::UserImpact => 5,
            _ => 3,
        }
    }

    pub fn label(self) -> &'static str {
        use Concept as C;
        match self {
            C::PathOfAChange => "The path of a change",
            C::UserExperience => "User experience",
            C::Reliability => "Reliability",
            C::Security => "Security",
            C::ContinuousMonitoring => "Continuous monitoring",
            C::StreamlinedDeployment => "Streamlined deployment",
            C::SeparationOfEnvironments => "Separation of environments",
            C::ConfigurationFromEnvironment => "Configuration from the environment",
            C::LeastPrivilege => "Least privilege",
            C::ReleasePipeline => "Release pipeline with version control",
            C::DeploymentStrategies => "Deployment strategies",
            C::MonitoringAndAlerting => "Monitoring and alerting",
            C::Rollback => "Rollback",
            C::BackupsAndRecovery => "Backups and disaster recovery",
            C::Ecommerce => "E-commerce at scale",
            C::Banking => "Online banking",
            C::Healthcare => "Healthcare records",
            C::DeliveryMeasures => "The four delivery measures",
            C::UserImpact => "User impact",
        }
    }
}

/// A whole scenario file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Format version; must be 1.
    pub format: u32,
    /// Lower-case letters, digits and '-', at most 40 characters.
    pub id: String,
    pub title: String,
    pub summary: String,
    pub concepts: Vec<Concept>,
    /// Seed for every random draw (traffic noise, which checks catch what).
    pub seed: u64,
    /// Where this lesson sits in the catalogue (lower first).
    #[serde(default)]
    pub order: u32,
    #[serde(default)]
    pub setup: Setup,
    /// Failures that happen by themselves at a given minute. They become the engine's
    /// `WorldConfig::timeline`: the world fires them on time, and they are not in the audit
    /// log (nobody issued them).
    #[serde(default)]
    pub timeline: Vec<TimelineEntry>,
    #[serde(default)]
    pub objectives: Vec<crate::lessons::objective::Objective>,
    /// Hints, from gentle to explicit; the UI reveals them one at a time.
    #[serde(default)]
    pub hints: Vec<String>,
    /// What to take away; shown when the lesson is won or lost, so it must hold for any
    /// run (the concept, not an account of what happened).
    #[serde(default)]
    pub debrief: String,
    /// Added to the debrief when the lesson was won (say, what the winning path protected).
    #[serde(default)]
    pub debrief_won: String,
    /// Added to the debrief when the lesson was lost (what the mistake cost, in general).
    #[serde(default)]
    pub debrief_lost: String,
    /// The clock speed the lesson starts at (1, 4, 16 or 64 simulated minutes per real
    /// second); 1 when left out, so a room can talk while it runs.
    #[serde(default)]
    pub speed: Option<u32>,
    #[serde(default)]
    pub quiz: Vec<QuizQuestion>,
    /// A command script that wins the lesson (replayed by the test suite).
    #[serde(default)]
    pub solution: Vec<LoggedCommand>,
    /// The classic way to get it wrong, proven by the test suite to lose the lesson.
    #[serde(default)]
    pub mistake: Option<Mistake>,
    /// Minute at which the tests stop replaying the solution and mistake (defaults to the
    /// time limit, or the last command plus 120 minutes).
    #[serde(default)]
    pub check_at: Option<u64>,
    /// A lab lesson: its question is answered in the strategy lab from many runs, not by
    /// objectives in one world. The lab layer gives the block its meaning
    /// (`crate::lab::lesson::LabLesson`; this layer cannot know policies), so here it is
    /// carried as JSON; the lab reads and checks it when the lesson starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lab: Option<serde_json::Value>,
}

/// The starting world: the standard pipeline (or an explicit list of stages) with overrides.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setup {
    /// Replace the standard three stages entirely (ids, gates, traffic, everything).
    #[serde(default)]
    pub stages: Option<Vec<StageConfig>>,
    /// Change some fields of some stages, by stage id.
    #[serde(default)]
    pub stage_overrides: BTreeMap<StageId, StageOverride>,
    /// Replace the default cast (dana, rui, mia, sam, trainer, eve).
    #[serde(default)]
    pub actors: Option<Vec<ActorSpec>>,
    /// Replace the standard least-privilege policy.
    #[serde(default)]
    pub policy: Option<Policy>,
    /// Replace the standard production alert rules.
    #[serde(default)]
    pub alert_rules: Option<Vec<AlertRule>>,
    #[serde(default)]
    pub freezes: Vec<FreezeWindow>,
    #[serde(default)]
    pub start_minute_of_day: Option<u32>,
    #[serde(default)]
    pub initial_version: Option<Version>,
    /// Hidden traits of the release running at the start (say, a known security hole that
    /// attackers may find while it serves users). Its migration must be `none`.
    #[serde(default)]
    pub initial_traits: Option<CommitTraits>,
    /// Hidden traits of the next commits, in order (what "surprise me" will give).
    #[serde(default)]
    pub scripted_commits: Vec<CommitTraits>,
    #[serde(default)]
    pub error_budget_freeze: Option<bool>,
    #[serde(default)]
    pub flaky_test_rate: Option<f64>,
}

/// Fields of one stage to change; anything left out keeps its value.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageOverride {
    pub name: Option<String>,
    pub instances: Option<u8>,
    pub capacity_rpm: Option<f64>,
    /// Settings added or changed (merged into the stage's configuration).
    #[serde(default)]
    pub config: BTreeMap<ConfigKey, String>,
    /// Settings removed from the stage's configuration.
    #[serde(default)]
    pub remove_config: Vec<ConfigKey>,
    pub secrets: Option<Vec<ConfigKey>>,
    pub gates: Option<Vec<GateKind>>,
    pub traffic: Option<TrafficProfile>,
    pub database: Option<bool>,
    pub backup_every: Option<Minutes>,
    pub standby_region: Option<bool>,
    pub auto_rollback: Option<AutoRollback>,
    pub slo: Option<Slo>,
    pub latency_slo: Option<LatencySlo>,
    pub scale_down_delay: Option<Minutes>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorSpec {
    pub id: ActorId,
    pub name: String,
    pub role: Role,
}

/// A failure that happens at `at` (minutes since the start), scripted by the scenario: the
/// engine fires it on time, before anyone's commands of that minute.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimelineEntry {
    pub at: u64,
    pub failure: Failure,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuizQuestion {
    pub question: String,
    pub choices: Vec<String>,
    /// Index into `choices` (0-based).
    pub answer: usize,
    pub explanation: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mistake {
    pub description: String,
    pub commands: Vec<LoggedCommand>,
}

/// Validation limits, also documented in README.md.
pub mod limits {
    /// Files over this size are refused before parsing.
    pub const MAX_BYTES: usize = 1024 * 1024;
    /// Arrays and objects nested deeper than this are refused before parsing.
    pub const MAX_DEPTH: usize = 32;
    pub const MAX_ID: usize = 40;
    pub const MAX_TITLE: usize = 80;
    pub const MAX_SUMMARY: usize = 400;
    pub const MAX_TEXT: usize = 4000;
    pub const MAX_STAGES: usize = 6;
    pub const MAX_INSTANCES: u8 = 20;
    /// The most instances a `scale` command may ask for (the engine's own limit).
    pub const MAX_SCALE: u8 = 24;
    pub const MAX_LIST: usize = 200;
    pub const MAX_SCRIPT: usize = 2000;
    /// Thirty days, in minutes: the engine's scheduling horizon.
    pub const MAX_MINUTE: u64 = 30 * 24 * 60;
}
