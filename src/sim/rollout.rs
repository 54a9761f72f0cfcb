//! A promotion in progress: first the target stage's gates, then the deployment itself,
//! step by step according to the strategy.

use super::change::GateKind;
use super::command::Strategy;
use super::event::Explanation;
use super::ids::{ActorId, Version};
use super::time::SimTime;
use serde::{Deserialize, Serialize};

/// Minutes a deployment step may take to become healthy before it is declared stalled
/// (Kubernetes calls this the progress deadline).
pub const PROGRESS_DEADLINE: u32 = 10;
/// Minutes an instance takes to start.
pub const START_MINUTES: u32 = 2;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateStatus {
    Pending,
    Running {
        started_at: SimTime,
        ends_at: SimTime,
    },
    Passed,
    Failed {
        reason: String,
    },
    AwaitingApproval,
    Approved {
        by: ActorId,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GateRun {
    pub kind: GateKind,
    pub status: GateStatus,
}

impl GateRun {
    /// Progress of a running check, 0..=100.
    pub fn percent(&self, now: SimTime) -> u8 {
        match &self.status {
            GateStatus::Running {
                started_at,
                ends_at,
            } => {
                let total = ends_at.0.saturating_sub(started_at.0).max(1);
                ((now.0.saturating_sub(started_at.0) * 100) / total).min(100) as u8
            }
            GateStatus::Passed | GateStatus::Approved { .. } => 100,
            _ => 0,
        }
    }
}

/// Why a rollout exists.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    Promotion,
    /// The first-stage deployment of a freshly built release.
    Build,
    Rollback {
        automatic: bool,
        explanation: Option<Explanation>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeployProgress {
    /// Every instance replaced together; the old ones are gone, so users wait.
    AllAtOnce {
        since: SimTime,
    },
    /// New instances started beside the old ones; traffic moves when they are healthy.
    Surge {
        since: SimTime,
    },
    /// A Kubernetes rolling update: new instances start within the surge allowance, old
    /// ones stop only while enough instances stay available.
    Rolling {
        /// New instances so far (starting or ready).
        moved: u8,
        /// The last minute the update made progress (the progress deadline counts from it).
        progressed_at: SimTime,
    },
    BlueGreen {
        since: SimTime,
        ready: bool,
    },
    Canary {
        step: usize,
        step_since: SimTime,
        failures: u32,
        failed_samples: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Gates(Vec<GateRun>),
    Deploying(DeployProgress),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rollout {
    pub release: Version,
    pub from: Option<Version>,
    /// None for the platform's own replacements (first-stage deploys, rollbacks), which
    /// start the new instances beside the old ones.
    pub strategy: Option<Strategy>,
    pub purpose: Purpose,
    pub requested_by: ActorId,
    pub started_at: SimTime,
    pub phase: Phase,
    pub paused: bool,
}

impl Rollout {
    pub fn gates(&self) -> &[GateRun] {
        match &self.phase {
            Phase::Gates(g) => g,
            Phase::Deploying(_) => &[],
        }
    }

    pub fn is_deploying(&self) -> bool {
        matches!(self.phase, Phase::Deploying(_))
    }

    pub fn awaiting_approval(&self) -> bool {
        self.gates()
            .iter()
            .any(|g| g.status == GateStatus::AwaitingApproval)
    }

    /// Uses fixed router weights (canary, blue-green) rather than spreading by healthy instances.
    pub fn fixed_weights(&self) -> bool {
        matches!(
            self.phase,
            Phase::Deploying(DeployProgress::Canary { .. } | DeployProgress::BlueGreen { .. })
        )
    }
}
