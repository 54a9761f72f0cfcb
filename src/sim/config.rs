//! The engine's starting configuration: the pipeline, its people and policy, traffic,
//! objectives and alert rules. A lesson file is parsed into this (plus teaching material).

use super::access::{default_actors, Actor, Policy};
use super::change::{CommitTraits, GateKind};
use super::command::Failure;
use super::ids::{AlertName, ConfigKey, StageId, Version};
use super::time::{Minutes, SimTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    Development,
    Testing,
    Staging,
    Production,
}

/// Where a stage's requests come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrafficSource {
    /// Developers poking at it.
    Light,
    /// Synthetic load from load-test tools, flat through the day.
    LoadTest,
    /// Real users, following the daily curve.
    RealUsers,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrafficProfile {
    pub source: TrafficSource,
    /// Requests per minute at the busiest hour of the day.
    pub peak_rpm: f64,
    /// 24 multipliers (one per hour, 0..=1) used for real users; linearly interpolated.
    pub daily_curve: Vec<f64>,
    /// How many requests one active user makes per minute (to turn requests into users).
    pub requests_per_user: f64,
}

impl Default for TrafficProfile {
    fn default() -> Self {
        TrafficProfile {
            source: TrafficSource::RealUsers,
            peak_rpm: 6000.0,
            daily_curve: vec![
                0.25, 0.2, 0.15, 0.12, 0.12, 0.15, 0.25, 0.45, 0.65, 0.8, 0.85, 0.9, //
                1.0, 0.95, 0.85, 0.8, 0.8, 0.85, 0.9, 1.0, 0.95, 0.75, 0.5, 0.35,
            ],
            requests_per_user: 4.0,
        }
    }
}

impl TrafficProfile {
    pub fn light() -> Self {
        TrafficProfile {
            source: TrafficSource::Light,
            peak_rpm: 30.0,
            ..TrafficProfile::default()
        }
    }
    pub fn load_test() -> Self {
        TrafficProfile {
            source: TrafficSource::LoadTest,
            peak_rpm: 600.0,
            ..TrafficProfile::default()
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slo {
    /// Share of requests that must succeed, e.g. 0.999.
    pub target: f64,
    /// Length of the error-budget period in minutes (the budget resets at each period start).
    pub period: Minutes,
}

/// A latency objective: the share of requests that must be faster than `threshold_ms`
/// (the SRE Workbook's request-based latency SLI, e.g. 99.9 % under 400 ms).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatencySlo {
    pub threshold_ms: f64,
    pub target: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    ErrorRate,
    P95Latency,
    Memory,
    Saturation,
    /// How fast failed requests spend the error budget (1× spends it exactly over the period).
    BurnRate,
    /// How fast slow requests spend the latency objective's budget.
    LatencyBurnRate,
}

/// The two windows of a multiwindow burn-rate alert (Google SRE Workbook, ch. 5): it fires
/// only when the burn rate is over the threshold across the long window (enough budget
/// spent to matter) *and* the short one (it is still happening), so it neither pages
/// long after a problem has ended nor misses a sustained one.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BurnWindows {
    pub long: Minutes,
    pub short: Minutes,
}

/// The longest window an alert may look back: the metrics series keeps 12 hours.
pub const MAX_WINDOW: Minutes = Minutes(720);

impl Metric {
    /// Burn rates are measured over windows of past minutes, not the current one.
    pub fn is_burn_rate(self) -> bool {
        matches!(self, Metric::BurnRate | Metric::LatencyBurnRate)
    }

    pub fn label(self) -> &'static str {
        match self {
            Metric::ErrorRate => "error rate",
            Metric::P95Latency => "p95 latency",
            Metric::Memory => "memory use",
            Metric::Saturation => "saturation",
            Metric::BurnRate => "error-budget burn rate",
            Metric::LatencyBurnRate => "latency-budget burn rate",
        }
    }
    /// Formats a value of this metric with its unit.
    pub fn format(self, v: f64) -> String {
        match self {
            Metric::ErrorRate | Metric::Memory | Metric::Saturation => {
                format!("{:.1} %", v * 100.0)
            }
            Metric::P95Latency => format!("{v:.0} ms"),
            Metric::BurnRate | Metric::LatencyBurnRate => format!("{v:.1}×"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Warning,
    Critical,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertRule {
    pub name: AlertName,
    pub stage: StageId,
    pub metric: Metric,
    /// Fires when the metric is above this value...
    pub threshold: f64,
    /// ...for this many consecutive minutes.
    pub for_minutes: u32,
    pub severity: Severity,
    /// For burn rates: the long and short windows that must both be over the threshold.
    /// Without them, the burn rate over the last hour alone (an older, noisier rule).
    #[serde(default)]
    pub windows: Option<BurnWindows>,
}

/// What the platform does by itself when a critical alert fires after a deploy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AutoRollback {
    Off,
    OnCriticalAlert,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageConfig {
    pub id: StageId,
    pub name: String,
    pub kind: StageKind,
    pub instances: u8,
    /// Requests per minute one healthy instance can serve before it saturates.
    pub capacity_rpm: f64,
    pub config: BTreeMap<ConfigKey, String>,
    /// Names of secrets that are set (values are never part of the model's output).
    #[serde(default)]
    pub secrets: Vec<ConfigKey>,
    /// Checks a release must pass before it may enter this stage.
    #[serde(default)]
    pub gates: Vec<GateKind>,
    pub traffic: TrafficProfile,
    /// Whether this stage has a database (with records, a schema and backups).
    #[serde(default)]
    pub database: bool,
    /// Take a backup automatically every this many minutes.
    #[serde(default)]
    pub backup_every: Option<Minutes>,
    /// A warm standby in a second region that traffic can fail over to.
    #[serde(default)]
    pub standby_region: bool,
    #[serde(default = "auto_rollback_off")]
    pub auto_rollback: AutoRollback,
    pub slo: Option<Slo>,
    #[serde(default)]
    pub latency_slo: Option<LatencySlo>,
    /// How long the previous blue-green colour stays warm after a switch, for an instant
    /// switch back (Argo Rollouts' `scaleDownDelaySeconds`); then it is removed.
    #[serde(default = "default_scale_down_delay")]
    pub scale_down_delay: Minutes,
}

/// A team's rollback window: an hour of watching the new colour before the old one goes.
pub fn default_scale_down_delay() -> Minutes {
    Minutes(60)
}

fn auto_rollback_off() -> AutoRollback {
    AutoRollback::Off
}

/// A window in which promotions to the given stages are frozen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FreezeWindow {
    pub stage: StageId,
    pub from: SimTime,
    pub until: SimTime,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldConfig {
    pub stages: Vec<StageConfig>,
    pub actors: Vec<Actor>,
    pub policy: Policy,
    pub alert_rules: Vec<AlertRule>,
    #[serde(default)]
    pub freezes: Vec<FreezeWindow>,
    /// Minute of the day at which the simulation starts (540 = 09:00).
    pub start_minute_of_day: u32,
    /// The release already running everywhere when the scenario starts.
    pub initial_version: Version,
    /// Traits for the next commits, in order, before "surprise me" draws take over.
    #[serde(default)]
    pub scripted_commits: Vec<CommitTraits>,
    /// Freeze promotions to production while its error budget is spent.
    pub error_budget_freeze: bool,
    /// Chance that any test run fails for no reason (flaky tests), 0..=1.
    #[serde(default = "default_flaky_rate")]
    pub flaky_test_rate: f64,
    /// Failures the scenario itself scripts (a sale-day spike at noon, say). They happen on
    /// time without anyone issuing a command, so they are not in the audit log.
    #[serde(default)]
    pub timeline: Vec<TimedFailure>,
    /// Hidden traits of the release running at the start (e.g. a known security hole).
    #[serde(default)]
    pub initial_traits: CommitTraits,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimedFailure {
    pub at: SimTime,
    pub failure: Failure,
}

fn default_flaky_rate() -> f64 {
    0.02
}

impl WorldConfig {
    /// The classic three-stage pipeline used by the sandbox and most lessons.
    pub fn standard() -> WorldConfig {
        let cfg = |pairs: &[(&str, &str)]| -> BTreeMap<ConfigKey, String> {
            // Extending, not collecting: a collected map sorts first, which adds a sort
            // routine per type to the wasm build.
            let mut map = BTreeMap::new();
            map.extend(
                pairs
                    .iter()
                    .map(|(k, v)| (ConfigKey::new(*k), v.to_string())),
            );
            map
        };
        let dev = StageConfig {
            id: StageId::new("dev"),
            name: "Development".into(),
            kind: StageKind::Development,
            instances: 1,
            capacity_rpm: 400.0,
            config: cfg(&[
                ("PORT", "8080"),
                ("DATABASE_URL", "postgres://localhost/shop_dev"),
                ("LOG_LEVEL", "debug"),
            ]),
            secrets: vec![ConfigKey::new("DB_PASSWORD")],
            gates: vec![GateKind::Build, GateKind::UnitTests],
            traffic: TrafficProfile::light(),
            database: true,
            backup_every: None,
            standby_region: false,
            auto_rollback: AutoRollback::Off,
            slo: None,
            latency_slo: None,
            scale_down_delay: default_scale_down_delay(),
        };
        let staging = StageConfig {
            id: StageId::new("staging"),
            name: "Staging".into(),
            kind: StageKind::Staging,
            instances: 2,
            capacity_rpm: 600.0,
            config: cfg(&[
                ("PORT", "8080"),
                ("DATABASE_URL", "postgres://db.staging/shop"),
                ("LOG_LEVEL", "info"),
            ]),
            secrets: vec![
                ConfigKey::new("DB_PASSWORD"),
                ConfigKey::new("PAYMENT_API_KEY"),
            ],
            gates: vec![GateKind::IntegrationTests],
            traffic: TrafficProfile::load_test(),
            database: true,
            backup_every: None,
            standby_region: false,
            auto_rollback: AutoRollback::Off,
            slo: None,
            latency_slo: None,
            scale_down_delay: default_scale_down_delay(),
        };
        let prod = StageConfig {
            id: StageId::new("prod"),
            name: "Production".into(),
            kind: StageKind::Production,
            instances: 4,
            capacity_rpm: 2000.0,
            config: cfg(&[
                ("PORT", "8080"),
                ("DATABASE_URL", "postgres://db.prod/shop"),
                ("LOG_LEVEL", "warn"),
            ]),
            secrets: vec![
                ConfigKey::new("DB_PASSWORD"),
                ConfigKey::new("PAYMENT_API_KEY"),
            ],
            gates: vec![
                GateKind::AcceptanceTests,
                GateKind::SecurityScan,
                GateKind::ManualApproval,
            ],
            traffic: TrafficProfile::default(),
            database: true,
            backup_every: Some(Minutes(360)),
            standby_region: true,
            auto_rollback: AutoRollback::Off,
            slo: Some(Slo {
                target: 0.999,
                period: Minutes(7 * 24 * 60),
            }),
            // p95 is about 150 ms on a normal day, so 1 request in 1,000 over 400 ms leaves
            // room for busy hours and none for a release that makes everything slower.
            latency_slo: Some(LatencySlo {
                threshold_ms: 400.0,
                target: 0.999,
            }),
            scale_down_delay: default_scale_down_delay(),
        };
        let stage_ids = vec![dev.id.clone(), staging.id.clone(), prod.id.clone()];
        WorldConfig {
            alert_rules: standard_alerts(&prod.id),
            stages: vec![dev, staging, prod],
            actors: default_actors(),
            policy: Policy::standard(&stage_ids),
            freezes: Vec::new(),
            start_minute_of_day: 9 * 60,
            initial_version: Version::new(1, 0, 0),
            scripted_commits: Vec::new(),
            error_budget_freeze: true,
            flaky_test_rate: default_flaky_rate(),
            timeline: Vec::new(),
            initial_traits: CommitTraits::default(),
        }
    }

    pub fn stage_index(&self, id: &StageId) -> Option<usize> {
        self.stages.iter().position(|s| &s.id == id)
    }
}

/// The alert rules an on-call team would start with for a production stage: symptoms
/// that hurt users now, and the SRE Workbook's multiwindow, multi-burn-rate alerts on both
/// objectives (page at 14.4× over 1 h confirmed by 5 min, which spends 2 % of a 30-day
/// budget; ticket at 6× over 6 h confirmed by 30 min).
pub fn standard_alerts(stage: &StageId) -> Vec<AlertRule> {
    let rule = |name: &str, metric, threshold, for_minutes, severity, windows| AlertRule {
        name: AlertName::new(name),
        stage: stage.clone(),
        metric,
        threshold,
        for_minutes,
        severity,
        windows,
    };
    let page = Some(BurnWindows {
        long: Minutes(60),
        short: Minutes(5),
    });
    let ticket = Some(BurnWindows {
        long: Minutes(360),
        short: Minutes(30),
    });
    vec![
        rule("High error rate", Metric::ErrorRate, 0.05, 3, Severity::Critical, None),
        rule("Slow responses", Metric::P95Latency, 800.0, 5, Severity::Critical, None),
        rule("Memory running out", Metric::Memory, 0.85, 10, Severity::Warning, None),
        rule("Fast error-budget burn", Metric::BurnRate, 14.4, 1, Severity::Critical, page),
        rule("Slow error-budget burn", Metric::BurnRate, 6.0, 1, Severity::Warning, ticket),
        rule("Fast latency-budget burn", Metric::LatencyBurnRate, 14.4, 1, Severity::Critical, page),
    ]
}
