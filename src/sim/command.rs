//! Commands: what someone asks the world to do. Imperative names; each is checked against
//! the state and the access policy, then applied (producing events) or rejected with a reason.

use std::rc::Rc;
use super::change::{CommitTraits, MigrationPractice};
use super::ids::{BackupId, ConfigKey, FlagName, StageId, Version};
use super::time::SimTime;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    /// Push a change; CI builds it, runs unit tests and deploys the release to the first stage.
    Commit {
        /// Shared (`Rc<str>`): the log's command, the `Committed` event and the release
        /// built from it hold the same text, one allocation between them.
        summary: Rc<str>,
        traits: TraitsChoice,
    },
    /// Move a release into `to`: run that stage's gates, then deploy with `strategy`.
    Promote {
        release: Version,
        to: StageId,
        strategy: Strategy,
        gates: GateMode,
    },
    /// Sign off a release waiting for manual approval into `stage`.
    Approve {
        release: Version,
        stage: StageId,
    },
    /// Hold a canary or rolling deploy where it is.
    PauseRollout {
        stage: StageId,
    },
    ResumeRollout {
        stage: StageId,
    },
    /// Skip the rest of the canary steps (or the blue-green wait) and go to 100 %.
    AdvanceRollout {
        stage: StageId,
    },
    /// Stop a rollout and send all traffic back to the stable release.
    AbortRollout {
        stage: StageId,
    },
    /// Blue-green: send all traffic to the other colour (the switch, or the switch back).
    SwitchTraffic {
        stage: StageId,
    },
    /// Redeploy an earlier release from the stage's history.
    Rollback {
        stage: StageId,
        to: Version,
    },
    /// Build a fix of `base` (its defect removed) through the expedited path.
    Hotfix {
        base: Version,
        summary: Rc<str>,
    },
    SetFlag {
        stage: StageId,
        flag: FlagName,
        percent: u8,
    },
    /// Set (Some) or remove (None) a configuration value.
    SetConfig {
        stage: StageId,
        key: ConfigKey,
        value: Option<String>,
    },
    /// Set a secret; only its name is kept.
    SetSecret {
        stage: StageId,
        name: ConfigKey,
        value: SecretValue,
    },
    TakeBackup {
        stage: StageId,
    },
    RestoreBackup {
        stage: StageId,
        backup: BackupId,
    },
    /// Move a stage's traffic to its standby region.
    Failover {
        stage: StageId,
    },
    RenewCertificate {
        stage: StageId,
    },
    /// Run this many instances per release in the stage (capacity for a traffic peak).
    Scale {
        stage: StageId,
        instances: u8,
    },
    /// The instructor's chaos menu: a failure now...
    Inject {
        failure: Failure,
    },
    /// ...or at a chosen time.
    Schedule {
        at: SimTime,
        failure: Failure,
    },
}

impl Command {
    /// The stage a command acts on, for the access check and for highlighting.
    pub fn stage(&self) -> Option<&StageId> {
        use Command as C;
        match self {
            C::Commit { .. } | C::Hotfix { .. } => None,
            C::Promote { to, .. } => Some(to),
            C::Approve { stage, .. }
            | C::PauseRollout { stage }
            | C::ResumeRollout { stage }
            | C::AdvanceRollout { stage }
            | C::AbortRollout { stage }
            | C::SwitchTraffic { stage }
            | C::Rollback { stage, .. }
            | C::SetFlag { stage, .. }
            | C::SetConfig { stage, .. }
            | C::SetSecret { stage, .. }
            | C::TakeBackup { stage }
            | C::RestoreBackup { stage, .. }
            | C::Failover { stage }
            | C::RenewCertificate { stage }
            | C::Scale { stage, .. } => Some(stage),
            C::Inject { failure } | C::Schedule { failure, .. } => failure.stage(),
        }
    }

    /// A one-line description for the audit log. Secret values never appear.
    pub fn describe(&self) -> String {
        use Command as C;
        match self {
            C::Commit { summary, .. } => format!("commit \"{summary}\""),
            C::Promote {
                release,
                to,
                strategy,
                gates,
            } => {
                let over = match gates {
                    GateMode::Enforce => String::new(),
                    GateMode::Override { reason } => format!(", overriding gates (\"{reason}\")"),
                };
                format!("promote {release} to {to} ({}){over}", strategy.label())
            }
            C::Approve { release, stage } => format!("approve {release} for {stage}"),
            C::PauseRollout { stage } => format!("pause rollout in {stage}"),
            C::ResumeRollout { stage } => format!("resume rollout in {stage}"),
            C::AdvanceRollout { stage } => format!("advance rollout in {stage} to 100 %"),
            C::AbortRollout { stage } => format!("abort rollout in {stage}"),
            C::SwitchTraffic { stage } => format!("switch blue/green traffic in {stage}"),
            C::Rollback { stage, to } => format!("roll back {stage} to {to}"),
            C::Hotfix { base, summary } => format!("hotfix {base}: \"{summary}\""),
            C::SetFlag {
                stage,
                flag,
                percent,
            } => format!("set flag {flag} to {percent} % in {stage}"),
            C::SetConfig {
                stage,
                key,
                value: Some(v),
            } => format!("set {key}={v} in {stage}"),
            C::SetConfig {
                stage,
                key,
                value: None,
            } => format!("remove {key} from {stage}"),
            C::SetSecret { stage, name, .. } => {
                format!("set secret {name} in {stage} (value hidden)")
            }
            C::TakeBackup { stage } => format!("take a backup of {stage}"),
            C::RestoreBackup { stage, backup } => format!("restore {stage} from {backup}"),
            C::Failover { stage } => format!("fail {stage} over to the standby region"),
            C::RenewCertificate { stage } => format!("renew the TLS certificate of {stage}"),
            C::Scale { stage, instances } => format!("scale {stage} to {instances} instances"),
            C::Inject { failure } => format!("inject: {}", failure.describe()),
            C::Schedule { at, failure } => {
                format!("schedule at minute {}: {}", at.0, failure.describe())
            }
        }
    }
}

/// A secret's value. It can be given to the engine but is never printed, serialised into
/// events, or stored: the engine keeps only the fact that the secret is set.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretValue(pub String);

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretValue(***)")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TraitsChoice {
    /// Let the seed decide (or the scenario's script, if it has a next commit ready).
    Surprise,
    Exactly(CommitTraits),
    /// As `Surprise` (the same draw from the seed, or the script's next commit), written
    /// the way the team writes migrations: with expand/contract a destructive schema change
    /// ships as a backward-compatible expand step. The strategy lab's scripted team commits
    /// this way, so both policies of an experiment draw the same changes.
    Practised { migrations: MigrationPractice },
}

/// Whether a promotion respects its gates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateMode {
    Enforce,
    /// Skip the gates; needs the override permission and is written to the audit log.
    Override {
        reason: String,
    },
}

/// Canary analysis thresholds, checked every minute against the canary's own metrics.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CanaryAnalysis {
    pub max_error_rate: f64,
    pub max_p95_ms: f64,
    /// Abort once more than this many measurements have failed.
    pub failure_limit: u32,
    /// Also compare the canary with the stable release serving beside it (Kayenta, Argo
    /// Rollouts' comparison analysis): what the release itself changes, not what the load
    /// or an outage does to both.
    #[serde(default)]
    pub baseline: Option<BaselineComparison>,
}

/// Canary against stable, measured each minute on the same traffic.
///
/// - Errors: the canary fails a measurement when its error rate is more than
///   `max_error_increase` above the stable's *and* the difference is significant: a
///   one-sided two-proportion z-test at 99 % (z > 2.33), so a handful of unlucky requests
///   on a small canary never counts.
/// - Latency: the canary fails when its p95 is more than `max_latency_ratio` times the
///   stable's.
/// - Either side with fewer than `min_requests` requests that minute: no verdict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineComparison {
    pub max_error_increase: f64,
    pub max_latency_ratio: f64,
    pub min_requests: u32,
}

impl Default for BaselineComparison {
    fn default() -> Self {
        BaselineComparison {
            max_error_increase: 0.01,
            max_latency_ratio: 1.5,
            min_requests: 100,
        }
    }
}

/// z for a one-sided test at 99 %.
pub const Z_99: f64 = 2.33;

/// One side of a comparison: requests, failed share, p95.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Side {
    pub requests: f64,
    pub error_rate: f64,
    pub p95_ms: f64,
}

/// Why the canary is worse than the stable release this minute, if it is.
#[derive(Clone, Debug, PartialEq)]
pub enum Worse {
    Errors { z: f64 },
    Latency { ratio: f64 },
}

impl BaselineComparison {
    /// `None`: too few requests to judge. `Some(vec![])`: as good as stable.
    pub fn judge(&self, canary: Side, stable: Side) -> Option<Vec<Worse>> {
        let min = f64::from(self.min_requests);
        if canary.requests < min || stable.requests < min {
            return None;
        }
        let mut worse = Vec::new();
        let diff = canary.error_rate - stable.error_rate;
        if diff > self.max_error_increase {
            // Pooled two-proportion z-test (sqrt is correctly rounded: same bits everywhere).
            let pooled = (canary.error_rate * canary.requests + stable.error_rate * stable.requests)
                / (canary.requests + stable.requests);
            let se = (pooled * (1.0 - pooled) * (1.0 / canary.requests + 1.0 / stable.requests)).sqrt();
            let z = if se > 0.0 { diff / se } else { f64::INFINITY };
            if z > Z_99 {
                worse.push(Worse::Errors { z });
            }
        }
        if stable.p95_ms > 0.0 && canary.p95_ms > self.max_latency_ratio * stable.p95_ms {
            worse.push(Worse::Latency {
                ratio: canary.p95_ms / stable.p95_ms,
            });
        }
        Some(worse)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CanaryPlan {
    /// Traffic weights in percent, e.g. [10, 25, 50].
    pub steps: Vec<u8>,
    /// Minutes to hold each step while analysis runs.
    pub pause_minutes: u32,
    pub analysis: CanaryAnalysis,
}

impl Default for CanaryPlan {
    fn default() -> Self {
        CanaryPlan {
            steps: vec![10, 25, 50],
            pause_minutes: 10,
            analysis: CanaryAnalysis {
                max_error_rate: 0.02,
                max_p95_ms: 600.0,
                failure_limit: 2,
                baseline: Some(BaselineComparison::default()),
            },
        }
    }
}

/// A number of instances as Kubernetes writes it: a count, or a share of the desired number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Amount {
    Count(u8),
    Percent(u8),
}

impl Amount {
    /// The count for `desired` instances. Kubernetes rounds a percentage up for `maxSurge`
    /// and down for `maxUnavailable`, so that both default to at least the safe side.
    pub fn resolve(self, desired: u8, round: Rounding) -> u8 {
        match self {
            Amount::Count(n) => n,
            Amount::Percent(p) => {
                let scaled = u32::from(desired) * u32::from(p);
                let n = match round {
                    Rounding::Up => scaled.div_ceil(100),
                    Rounding::Down => scaled / 100,
                };
                n.min(u32::from(u8::MAX)) as u8
            }
        }
    }
}

/// Which way a percentage of instances rounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    Up,
    Down,
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Amount::Count(n) => write!(f, "{n}"),
            Amount::Percent(p) => write!(f, "{p}%"),
        }
    }
}

/// A count as a number, a percentage as text (`"25%"`), like Kubernetes' IntOrString.
impl Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Amount::Count(n) => s.serialize_u8(*n),
            Amount::Percent(_) => s.collect_str(self),
        }
    }
}

impl<'de> Deserialize<'de> for Amount {
    /// A whole number (`1`) or a percentage in text (`"25%"`), like Kubernetes' IntOrString.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AmountVisitor)
    }
}

struct AmountVisitor;

impl serde::de::Visitor<'_> for AmountVisitor {
    type Value = Amount;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number of instances or a percentage such as \"25%\"")
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Amount, E> {
        u8::try_from(n).map(Amount::Count).map_err(|_| {
            E::invalid_value(serde::de::Unexpected::Unsigned(n), &"a whole number from 0 to 255")
        })
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Amount, E> {
        text.trim()
            .strip_suffix('%')
            .and_then(|n| n.trim().parse::<u8>().ok())
            // Over 100 % reads back as written; the engine refuses it with its reason.
            .map(Amount::Percent)
            .ok_or_else(|| E::invalid_value(serde::de::Unexpected::Str(text), &self))
    }
}

/// A rolling update's limits, as in a Kubernetes Deployment: at most `max_surge` instances
/// above the desired number, and at most `max_unavailable` below it, at any time.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(try_from = "RollingFields")]
pub enum RollingPlan {
    Limits {
        max_surge: Amount,
        max_unavailable: Amount,
    },
    /// The older spelling, "replace `batch` at a time": no surge, `batch` unavailable. Kept
    /// as written, so files and links that use it read and write back byte for byte.
    Batch(u8),
}

impl Default for RollingPlan {
    /// Kubernetes' defaults.
    fn default() -> Self {
        RollingPlan::Limits {
            max_surge: Amount::Percent(25),
            max_unavailable: Amount::Percent(25),
        }
    }
}

impl RollingPlan {
    pub fn batch(batch: u8) -> Self {
        RollingPlan::Batch(batch)
    }

    /// (max surge, max unavailable) whichever way the plan was written.
    pub fn limits(&self) -> (Amount, Amount) {
        match self {
            RollingPlan::Limits {
                max_surge,
                max_unavailable,
            } => (*max_surge, *max_unavailable),
            RollingPlan::Batch(b) => (Amount::Count(0), Amount::Count(*b)),
        }
    }

    /// Whether a limit asks for more than a stage of `instances` has (or more than 100 %).
    pub fn out_of_range(&self, instances: u8) -> bool {
        let too_many = |a: Amount| match a {
            Amount::Count(n) => n > instances.max(1),
            Amount::Percent(p) => p > 100,
        };
        let (surge, unavailable) = self.limits();
        too_many(surge) || too_many(unavailable) || *self == RollingPlan::Batch(0)
    }

    /// (surge, unavailable) for `desired` instances. As in Kubernetes, if both come to zero,
    /// one instance may be unavailable, or the update could never start.
    pub fn resolve(&self, desired: u8) -> (u8, u8) {
        let (surge, unavailable) = self.limits();
        let surge = surge.resolve(desired, Rounding::Up);
        let unavailable = unavailable.resolve(desired, Rounding::Down).min(desired);
        if surge == 0 && unavailable == 0 {
            (0, 1)
        } else {
            (surge, unavailable)
        }
    }
}

/// What files and links may say: the limits, or (written before they existed) `batch`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RollingFields {
    #[serde(default)]
    batch: Option<u8>,
    #[serde(default)]
    max_surge: Option<Amount>,
    #[serde(default)]
    max_unavailable: Option<Amount>,
}

impl TryFrom<RollingFields> for RollingPlan {
    type Error = &'static str;

    fn try_from(f: RollingFields) -> Result<Self, Self::Error> {
        match (f.batch, f.max_surge, f.max_unavailable) {
            (Some(b), None, None) => Ok(RollingPlan::Batch(b)),
            (Some(_), _, _) => {
                Err("give either \"batch\" or \"max_surge\"/\"max_unavailable\", not both")
            }
            (None, surge, unavailable) => {
                let (s, u) = RollingPlan::default().limits();
                Ok(RollingPlan::Limits {
                    max_surge: surge.unwrap_or(s),
                    max_unavailable: unavailable.unwrap_or(u),
                })
            }
        }
    }
}

/// Written as it was read: `{"batch": n}` or both limits.
impl Serialize for RollingPlan {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        match self {
            RollingPlan::Batch(b) => {
                let mut m = s.serialize_struct("RollingPlan", 1)?;
                m.serialize_field("batch", b)?;
                m.end()
            }
            RollingPlan::Limits {
                max_surge,
                max_unavailable,
            } => {
                let mut m = s.serialize_struct("RollingPlan", 2)?;
                m.serialize_field("max_surge", max_surge)?;
                m.serialize_field("max_unavailable", max_unavailable)?;
                m.end()
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Replace every instance at once; users see downtime while they start.
    AllAtOnce,
    /// Replace instances a few at a time, as a Kubernetes Deployment's rolling update does.
    Rolling(RollingPlan),
    /// Start a full second set (green) beside the running one (blue), then switch.
    BlueGreen,
    /// Boxed: the plan inline (steps, pause, analysis thresholds) made a `Strategy` 72 bytes
    /// in wasm and so every `Command` 104, and the session's log keeps one command per
    /// thing the team did; canaries are one strategy of five.
    Canary(Box<CanaryPlan>),
    /// Deploy with the new code behind a feature flag that starts off.
    DarkLaunch {
        flag: FlagName,
    },
}

impl Strategy {
    pub fn label(&self) -> String {
        match self {
            Strategy::AllAtOnce => "all at once".into(),
            Strategy::Rolling(plan) => {
                let (surge, unavailable) = plan.limits();
                format!("rolling, max surge {surge}, max unavailable {unavailable}")
            }
            Strategy::BlueGreen => "blue-green".into(),
            Strategy::Canary(plan) => {
                // "canary 10% → 50%", written into one string.
                use std::fmt::Write as _;
                let mut label = String::from("canary ");
                for (k, s) in plan.steps.iter().enumerate() {
                    if k > 0 {
                        label.push_str(" → ");
                    }
                    let _ = write!(label, "{s}%"); // writing to a String cannot fail
                }
                label
            }
            Strategy::DarkLaunch { flag } => format!("dark launch behind {flag}"),
        }
    }
}

/// Failures the instructor can inject.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Failure {
    InstanceCrash {
        stage: StageId,
    },
    DependencyOutage {
        stage: StageId,
        minutes: u32,
    },
    DatabaseOutage {
        stage: StageId,
        minutes: u32,
    },
    TrafficSpike {
        stage: StageId,
        factor: f64,
        minutes: u32,
    },
    DataLoss {
        stage: StageId,
    },
    RegionOutage {
        stage: StageId,
    },
    CertificateExpiry {
        stage: StageId,
    },
    FlakyTests {
        minutes: u32,
    },
    /// Someone without the rights tries to deploy to `stage`.
    UnauthorizedDeploy {
        stage: StageId,
    },
}

impl Failure {
    pub fn stage(&self) -> Option<&StageId> {
        use Failure as F;
        match self {
            F::FlakyTests { .. } => None,
            F::InstanceCrash { stage }
            | F::DependencyOutage { stage, .. }
            | F::DatabaseOutage { stage, .. }
            | F::TrafficSpike { stage, .. }
            | F::DataLoss { stage }
            | F::RegionOutage { stage }
            | F::CertificateExpiry { stage }
            | F::UnauthorizedDeploy { stage } => Some(stage),
        }
    }

    pub fn describe(&self) -> String {
        use Failure as F;
        match self {
            F::InstanceCrash { stage } => format!("an instance crashes in {stage}"),
            F::DependencyOutage { stage, minutes } => {
                format!("the payment dependency of {stage} is down for {minutes} min")
            }
            F::DatabaseOutage { stage, minutes } => {
                format!("the database of {stage} is down for {minutes} min")
            }
            F::TrafficSpike {
                stage,
                factor,
                minutes,
            } => format!("traffic ×{factor} in {stage} for {minutes} min"),
            F::DataLoss { stage } => format!("the database disk of {stage} is lost"),
            F::RegionOutage { stage } => format!("the primary region of {stage} goes dark"),
            F::CertificateExpiry { stage } => format!("the TLS certificate of {stage} expires"),
            F::FlakyTests { minutes } => format!("tests turn flaky for {minutes} min"),
            F::UnauthorizedDeploy { stage } => {
                format!("someone without rights tries to deploy to {stage}")
            }
        }
    }
}
