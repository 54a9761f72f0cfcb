//! Events: what happened, in the past tense. The UI's timeline, announcements and
//! highlighting, and the delivery metrics, are all derived from these.

use std::rc::Rc;
use super::change::{Defect, GateKind};
use super::config::Severity;
use super::ids::{
    ActorId, AlertName, BackupId, CommitId, ConfigKey, FlagName, IncidentId, StageId, Version,
};
use super::monitor::Detection;
use super::stage::CrashReason;
use super::time::{Minutes, SimTime};
use serde::{Deserialize, Serialize};

/// Why an automated decision was taken: the rule, its threshold and the samples that tripped it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub rule: String,
    pub threshold: String,
    pub samples: Vec<String>,
    pub verdict: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub at: SimTime,
    pub kind: EventKind,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Committed {
        commit: CommitId,
        author: ActorId,
        summary: Rc<str>,
    },
    BuildStarted {
        commit: CommitId,
        hotfix: bool,
    },
    BuildFailed {
        commit: CommitId,
        gate: GateKind,
        reason: String,
    },
    ReleaseBuilt {
        release: Version,
        commits: Vec<CommitId>,
        hotfix: bool,
    },
    GateStarted {
        release: Version,
        stage: StageId,
        gate: GateKind,
    },
    GatePassed {
        release: Version,
        stage: StageId,
        gate: GateKind,
    },
    GateFailed {
        release: Version,
        stage: StageId,
        gate: GateKind,
        flaky: bool,
        explanation: Box<Explanation>,
    },
    ApprovalRequested {
        release: Version,
        stage: StageId,
    },
    Approved {
        release: Version,
        stage: StageId,
        by: ActorId,
    },
    GatesOverridden {
        release: Version,
        stage: StageId,
        by: ActorId,
        reason: String,
    },
    DeployStarted {
        release: Version,
        stage: StageId,
        strategy: String,
        from: Option<Version>,
    },
    DeployProgressed {
        release: Version,
        stage: StageId,
        percent: u8,
    },
    DeployStalled {
        release: Version,
        stage: StageId,
        explanation: Box<Explanation>,
    },
    Deployed {
        release: Version,
        stage: StageId,
    },
    MigrationApplied {
        stage: StageId,
        schema: u32,
        destructive: bool,
    },
    CanaryStepStarted {
        release: Version,
        stage: StageId,
        weight: u8,
    },
    CanaryAnalysisFailed {
        release: Version,
        stage: StageId,
        explanation: Box<Explanation>,
    },
    RolloutPaused {
        stage: StageId,
    },
    RolloutResumed {
        stage: StageId,
    },
    RolloutAborted {
        release: Version,
        stage: StageId,
        automatic: bool,
        explanation: Option<Box<Explanation>>,
    },
    GreenReady {
        release: Version,
        stage: StageId,
    },
    TrafficSwitched {
        stage: StageId,
        to: Version,
    },
    /// The idle blue-green colour was removed once its rollback window had passed.
    IdleColourScaledDown {
        stage: StageId,
        release: Version,
    },
    RolledBack {
        stage: StageId,
        from: Option<Version>,
        to: Version,
        automatic: bool,
        explanation: Option<Box<Explanation>>,
    },
    FlagChanged {
        stage: StageId,
        flag: FlagName,
        percent: u8,
    },
    ConfigChanged {
        stage: StageId,
        key: ConfigKey,
        present: bool,
    },
    SecretSet {
        stage: StageId,
        name: ConfigKey,
    },
    InstanceCrashed {
        stage: StageId,
        release: Version,
        reason: String,
        cause: CrashReason,
    },
    InstanceRecovered {
        stage: StageId,
    },
    FailureInjected {
        description: String,
    },
    FailureScheduled {
        description: String,
        at: SimTime,
    },
    FaultCleared {
        stage: StageId,
        description: String,
    },
    DataCorrupted {
        stage: StageId,
        records: u64,
    },
    DatabaseLost {
        stage: StageId,
        records: u64,
    },
    BackupTaken {
        stage: StageId,
        backup: BackupId,
        records: u64,
    },
    RestoreStarted {
        stage: StageId,
        backup: BackupId,
        minutes: u32,
    },
    Restored {
        stage: StageId,
        backup: BackupId,
        rpo: Minutes,
        rto: Minutes,
        records_lost: u64,
    },
    FailedOver {
        stage: StageId,
        records_lost: u64,
    },
    CertificateRenewed {
        stage: StageId,
    },
    Scaled {
        stage: StageId,
        from: u8,
        to: u8,
    },
    AlertFired {
        alert: AlertName,
        stage: StageId,
        severity: Severity,
        explanation: Box<Explanation>,
    },
    AlertResolved {
        alert: AlertName,
        stage: StageId,
    },
    IncidentOpened {
        incident: IncidentId,
        stage: StageId,
        title: String,
        #[serde(default, skip_serializing_if = "Detection::is_alert")]
        detected_by: Detection,
    },
    IncidentMitigated {
        incident: IncidentId,
        stage: StageId,
        time_to_restore: Minutes,
    },
    IncidentResolved {
        incident: IncidentId,
        stage: StageId,
    },
    ErrorBudgetExhausted {
        stage: StageId,
        explanation: Box<Explanation>,
    },
    AccessDenied {
        actor: ActorId,
        action: String,
        reason: String,
    },
    DefectDiscovered {
        release: Version,
        stage: StageId,
        defect: Defect,
    },
}

impl Event {
    /// The stage this event concerns, if any (for highlighting).
    pub fn stage(&self) -> Option<&StageId> {
        use EventKind as K;
        match &self.kind {
            K::GateStarted { stage, .. }
            | K::GatePassed { stage, .. }
            | K::GateFailed { stage, .. }
            | K::ApprovalRequested { stage, .. }
            | K::Approved { stage, .. }
            | K::GatesOverridden { stage, .. }
            | K::DeployStarted { stage, .. }
            | K::DeployProgressed { stage, .. }
            | K::DeployStalled { stage, .. }
            | K::Deployed { stage, .. }
            | K::MigrationApplied { stage, .. }
            | K::CanaryStepStarted { stage, .. }
            | K::CanaryAnalysisFailed { stage, .. }
            | K::RolloutPaused { stage }
            | K::RolloutResumed { stage }
            | K::RolloutAborted { stage, .. }
            | K::GreenReady { stage, .. }
            | K::TrafficSwitched { stage, .. }
            | K::IdleColourScaledDown { stage, .. }
            | K::RolledBack { stage, .. }
            | K::FlagChanged { stage, .. }
            | K::ConfigChanged { stage, .. }
            | K::SecretSet { stage, .. }
            | K::InstanceCrashed { stage, .. }
            | K::InstanceRecovered { stage }
            | K::FaultCleared { stage, .. }
            | K::DataCorrupted { stage, .. }
            | K::DatabaseLost { stage, .. }
            | K::BackupTaken { stage, .. }
            | K::RestoreStarted { stage, .. }
            | K::Restored { stage, .. }
            | K::FailedOver { stage, .. }
            | K::CertificateRenewed { stage }
            | K::Scaled { stage, .. }
            | K::AlertFired { stage, .. }
            | K::AlertResolved { stage, .. }
            | K::IncidentOpened { stage, .. }
            | K::IncidentMitigated { stage, .. }
            | K::IncidentResolved { stage, .. }
            | K::ErrorBudgetExhausted { stage, .. }
            | K::DefectDiscovered { stage, .. } => Some(stage),
            _ => None,
        }
    }

    /// The release this event concerns, if any.
    pub fn release(&self) -> Option<Version> {
        use EventKind as K;
        match &self.kind {
            K::ReleaseBuilt { release, .. }
            | K::GateStarted { release, .. }
            | K::GatePassed { release, .. }
            | K::GateFailed { release, .. }
            | K::ApprovalRequested { release, .. }
            | K::Approved { release, .. }
            | K::GatesOverridden { release, .. }
            | K::DeployStarted { release, .. }
            | K::DeployProgressed { release, .. }
            | K::DeployStalled { release, .. }
            | K::Deployed { release, .. }
            | K::CanaryStepStarted { release, .. }
            | K::CanaryAnalysisFailed { release, .. }
            | K::RolloutAborted { release, .. }
            | K::GreenReady { release, .. }
            | K::DefectDiscovered { release, .. } => Some(*release),
            K::TrafficSwitched { to, .. } | K::RolledBack { to, .. } => Some(*to),
            _ => None,
        }
    }

    /// Whether this event is worth announcing to a screen reader and highlighting.
    pub fn is_important(&self) -> bool {
        use EventKind as K;
        matches!(
            self.kind,
            K::BuildFailed { .. }
                | K::ReleaseBuilt { .. }
                | K::GateFailed { .. }
                | K::ApprovalRequested { .. }
                | K::DeployStarted { .. }
                | K::DeployStalled { .. }
                | K::Deployed { .. }
                | K::RolloutAborted { .. }
                | K::TrafficSwitched { .. }
                | K::RolledBack { .. }
                | K::AlertFired { .. }
                | K::IncidentOpened { .. }
                | K::IncidentMitigated { .. }
                | K::Restored { .. }
                | K::FailedOver { .. }
                | K::DatabaseLost { .. }
                | K::ErrorBudgetExhausted { .. }
                | K::AccessDenied { .. }
                | K::FailureInjected { .. }
        )
    }
}
