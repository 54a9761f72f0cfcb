//! The decisive events of a run: what a room should see to retell it, not every minute of
//! every rollout.

use crate::sim::change::Defect;
use crate::sim::event::{Event, EventKind, Explanation};
use crate::sim::ids::BackupId;
use crate::sim::rollout::Purpose;
use crate::sim::time::SimTime;
use crate::sim::world::World;

/// The most happenings kept. Approvals, gate failures, analysis verdicts and rollbacks are
/// kept even beyond it: a debrief without them cannot explain the run.
pub const MAX_HAPPENINGS: usize = 20;

/// One decisive event, in plain words, with the automated decision's reasons if it was one.
#[derive(Clone, Debug, PartialEq)]
pub struct Happening {
    pub at: SimTime,
    pub text: String,
    pub evidence: Option<Explanation>,
}

/// How decisive an event is: 0 is never dropped; higher tiers are dropped first.
fn tier(e: &Event, restored: &[BackupId]) -> Option<u8> {
    use EventKind as K;
    Some(match &e.kind {
        K::Approved { .. }
        | K::GateFailed { .. }
        | K::CanaryAnalysisFailed { .. }
        | K::RolloutAborted { .. }
        | K::RolledBack { .. }
        | K::GatesOverridden { .. } => 0,
        K::MigrationApplied { destructive, .. } => {
            if !destructive {
                return None;
            }
            1
        }
        K::DatabaseLost { .. }
        | K::DataCorrupted { .. }
        | K::Restored { .. }
        | K::IncidentOpened { .. }
        | K::ErrorBudgetExhausted { .. }
        | K::AccessDenied { .. }
        | K::DeployStalled { .. }
        | K::Deployed { .. }
        | K::TrafficSwitched { .. }
        | K::FailureInjected { .. }
        | K::BuildFailed { .. } => 1,
        K::DefectDiscovered { defect, .. } if *defect != Defect::None => 1,
        K::AlertFired { .. } | K::IncidentMitigated { .. } | K::Scaled { .. } => 2,
        // A backup matters to the story only if it was brought back.
        K::BackupTaken { backup, .. } if restored.contains(backup) => 2,
        K::ReleaseBuilt { .. } | K::ApprovalRequested { .. } | K::CanaryStepStarted { .. } => 3,
        _ => return None,
    })
}

fn evidence(e: &Event) -> Option<Explanation> {
    use EventKind as K;
    match &e.kind {
        K::GateFailed { explanation, .. }
        | K::DeployStalled { explanation, .. }
        | K::CanaryAnalysisFailed { explanation, .. }
        | K::AlertFired { explanation, .. }
        | K::ErrorBudgetExhausted { explanation, .. } => Some((**explanation).clone()),
        K::RolloutAborted { explanation, .. } | K::RolledBack { explanation, .. } => {
            explanation.as_deref().cloned()
        }
        _ => None,
    }
}

/// The decisive events of `world.recent` up to minute `until`, oldest first, and how many
/// were left out. Over [`MAX_HAPPENINGS`], the latest event of the least decisive tier goes
/// first: the first build, alert or canary step starts the story, repeats add little.
pub fn select(world: &World, until: SimTime) -> (Vec<Happening>, usize) {
    let events: Vec<&Event> = world.recent.iter().filter(|e| e.at <= until).collect();
    let restored: Vec<BackupId> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::RestoreStarted { backup, .. } | EventKind::Restored { backup, .. } => {
                Some(*backup)
            }
            _ => None,
        })
        .collect();
    let mut kept: Vec<(u8, &Event, Option<Explanation>)> = events
        .iter()
        .filter_map(|&e| match rollback_start(world, e) {
            Some(why) => Some((0, e, why)),
            None => tier(e, &restored).map(|t| (t, e, evidence(e))),
        })
        .collect();
    let mut left_out = 0;
    while kept.len() > MAX_HAPPENINGS {
        let worst = kept.iter().map(|(t, ..)| *t).max().unwrap_or(0);
        if worst == 0 {
            break;
        }
        if let Some(i) = kept.iter().rposition(|(t, ..)| *t == worst) {
            kept.remove(i);
            left_out += 1;
        }
    }
    let happened = kept
        .into_iter()
        .map(|(_, e, evidence)| {
            let mut text = world.describe(e);
            if matches!(e.kind, EventKind::DeployStarted { .. }) {
                text = format!("Rollback started: {}", lower_first(&text));
            }
            Happening {
                at: e.at,
                text,
                evidence,
            }
        })
        .collect();
    (happened, left_out)
}

/// Whether `e` starts a rollback, and its reasons if automatic. A rollback deploys the
/// old release minute by minute and may win the lesson before it completes (errors fall as
/// soon as old instances serve), so its start is what the story needs; it is known by the
/// `RolledBack` that ends it, or by the rollout still running.
fn rollback_start(world: &World, e: &Event) -> Option<Option<Explanation>> {
    let EventKind::DeployStarted { release, stage, .. } = &e.kind else {
        return None;
    };
    // The first end of a deployment in that stage after this start is this one's end.
    let ended = world
        .recent
        .iter()
        .skip_while(|x| !std::ptr::eq(*x, e))
        .skip(1)
        .filter(|x| x.stage() == Some(stage))
        .find_map(|x| match &x.kind {
            EventKind::RolledBack {
                to, explanation, ..
            } => Some((to == release).then(|| explanation.as_deref().cloned())),
            EventKind::Deployed { .. }
            | EventKind::DeployStarted { .. }
            | EventKind::RolloutAborted { .. } => Some(None),
            _ => None,
        })
        .flatten();
    let running = world
        .stage(stage)?
        .rollout
        .as_ref()
        .and_then(|r| match &r.purpose {
            Purpose::Rollback { explanation, .. }
                if r.release == *release && r.started_at == e.at =>
            {
                Some(explanation.clone())
            }
            _ => None,
        });
    ended.or(running)
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_lowercase().chain(c).collect())
}
