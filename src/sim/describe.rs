//! Plain-language sentences for events, used by the timeline, the announcements and the
//! post-incident report. They name stages by their display names.

use super::event::{Event, EventKind};
use super::ids::StageId;
use super::world::World;

impl World {
    fn stage_name<'a>(&'a self, id: &'a StageId) -> &'a str {
        self.stage(id).map_or(id.as_str(), |s| s.name())
    }

    /// One sentence saying what happened.
    pub fn describe(&self, event: &Event) -> String {
        use EventKind as K;
        let n = |s: &StageId| self.stage_name(s).to_string();
        match &event.kind {
            K::Committed {
                commit,
                author,
                summary,
            } => format!("{author} committed {commit}: “{summary}”"),
            K::BuildStarted {
                commit,
                hotfix: true,
            } => format!("CI started an expedited hotfix build of {commit}"),
            K::BuildStarted { commit, .. } => format!("CI started building {commit}"),
            K::BuildFailed { commit, reason, .. } => format!("Build of {commit} failed: {reason}"),
            K::ReleaseBuilt {
                release,
                hotfix: true,
                ..
            } => format!("Hotfix {release} built"),
            K::ReleaseBuilt { release, .. } => format!("Release {release} built"),
            K::GateStarted {
                release,
                stage,
                gate,
            } => format!("{} started for {release} → {}", gate.label(), n(stage)),
            K::GatePassed {
                release,
                stage,
                gate,
            } => format!("{} passed for {release} → {}", gate.label(), n(stage)),
            K::GateFailed {
                release,
                stage,
                gate,
                flaky,
                explanation,
            } => {
                let why = explanation.samples.first().cloned().unwrap_or_default();
                let tag = if *flaky { " (flaky)" } else { "" };
                format!(
                    "{} failed{tag} for {release} → {}: {why}",
                    gate.label(),
                    n(stage)
                )
            }
            K::ApprovalRequested { release, stage } => {
                format!("{release} waits for approval to enter {}", n(stage))
            }
            K::Approved { release, stage, by } => {
                format!("{by} approved {release} for {}", n(stage))
            }
            K::GatesOverridden {
                release,
                stage,
                by,
                reason,
            } => format!(
                "{by} overrode the gates for {release} → {}: “{reason}”",
                n(stage)
            ),
            K::DeployStarted {
                release,
                stage,
                strategy,
                ..
            } => format!("Deploying {release} to {} ({strategy})", n(stage)),
            K::DeployProgressed {
                release,
                stage,
                percent,
            } => format!("{release} now on {percent} % of {} instances", n(stage)),
            K::DeployStalled {
                release,
                stage,
                explanation,
            } => format!(
                "Deploy of {release} to {} stalled: {}",
                n(stage),
                explanation.verdict
            ),
            K::Deployed { release, stage } => format!("{release} now serves all of {}", n(stage)),
            K::MigrationApplied {
                stage,
                schema,
                destructive,
            } => {
                let kind = if *destructive {
                    "destructive"
                } else {
                    "backwards-compatible"
                };
                format!("{} database migrated to schema {schema} ({kind})", n(stage))
            }
            K::CanaryStepStarted {
                release,
                stage,
                weight,
            } => format!(
                "Canary {release} now gets {weight} % of {} traffic",
                n(stage)
            ),
            K::CanaryAnalysisFailed {
                release,
                stage,
                explanation,
            } => {
                format!(
                    "Canary analysis failed for {release} in {}: {}",
                    n(stage),
                    explanation.samples.last().cloned().unwrap_or_default()
                )
            }
            K::RolloutPaused { stage } => format!("Rollout in {} paused", n(stage)),
            K::RolloutResumed { stage } => format!("Rollout in {} resumed", n(stage)),
            K::RolloutAborted {
                release,
                stage,
                automatic,
                ..
            } => {
                format!(
                    "{} rollout of {release} to {}",
                    if *automatic {
                        "Automatically aborted"
                    } else {
                        "Aborted"
                    },
                    n(stage)
                )
            }
            K::GreenReady { release, stage } => format!(
                "Green side ({release}) is ready in {}; switch traffic when you are",
                n(stage)
            ),
            K::TrafficSwitched { stage, to } => format!(
                "{} traffic switched to {to}; requests already in flight finish on the other colour",
                n(stage)
            ),
            K::IdleColourScaledDown { stage, release } => format!(
                "{}: idle colour {release} scaled down (its rollback window is over)",
                n(stage)
            ),
            K::RolledBack {
                stage,
                from,
                to,
                automatic,
                ..
            } => {
                let from = from.map(|f| format!(" from {f}")).unwrap_or_default();
                format!(
                    "{} rolled back{from} to {to}{}",
                    n(stage),
                    if *automatic { " automatically" } else { "" }
                )
            }
            K::FlagChanged {
                stage,
                flag,
                percent,
            } => format!("Flag {flag} set to {percent} % in {}", n(stage)),
            K::ConfigChanged {
                stage,
                key,
                present: true,
            } => format!("{key} set in {}", n(stage)),
            K::ConfigChanged {
                stage,
                key,
                present: false,
            } => format!("{key} removed from {}", n(stage)),
            K::SecretSet { stage, name } => {
                format!("Secret {name} set in {} (value hidden)", n(stage))
            }
            K::InstanceCrashed {
                stage,
                release,
                reason,
                ..
            } => format!("An instance of {release} in {} crashed: {reason}", n(stage)),
            K::InstanceRecovered { stage } => format!("Instances in {} recovered", n(stage)),
            K::FailureInjected { description } => format!("Chaos: {description}"),
            K::FailureScheduled { description, at } => {
                format!(
                    "Chaos scheduled for {}: {description}",
                    at.label(self.config.start_minute_of_day)
                )
            }
            K::FaultCleared { stage, description } => format!("{}: {description}", n(stage)),
            K::DataCorrupted { stage, records } => format!(
                "Records are being corrupted in {} ({records} so far)",
                n(stage)
            ),
            K::DatabaseLost { stage, records } => format!(
                "{} lost its database ({records} records unreadable)",
                n(stage)
            ),
            K::BackupTaken {
                stage,
                backup,
                records,
            } => format!("{backup} of {} taken ({records} records)", n(stage)),
            K::RestoreStarted {
                stage,
                backup,
                minutes,
            } => format!("Restoring {} from {backup} (about {minutes} min)", n(stage)),
            K::Restored {
                stage,
                rpo,
                rto,
                records_lost,
                ..
            } => {
                format!("{} restored: {records_lost} records lost (RPO {rpo}), service back after {rto} (RTO)", n(stage))
            }
            K::FailedOver {
                stage,
                records_lost,
            } => format!(
                "{} failed over to its standby region ({records_lost} records lost in replication)",
                n(stage)
            ),
            K::CertificateRenewed { stage } => format!("{} certificate renewed", n(stage)),
            K::Scaled { stage, from, to } => {
                format!("{} scaled from {from} to {to} instances", n(stage))
            }
            K::AlertFired {
                alert,
                stage,
                severity,
                ..
            } => format!("{severity:?} alert “{alert}” fired in {}", n(stage)),
            K::AlertResolved { alert, stage } => {
                format!("Alert “{alert}” resolved in {}", n(stage))
            }
            K::IncidentOpened {
                incident, title, ..
            } => format!("{incident} opened: {title}"),
            K::IncidentMitigated {
                incident,
                time_to_restore,
                ..
            } => format!("{incident} mitigated; service restored after {time_to_restore}"),
            K::IncidentResolved { incident, .. } => format!("{incident} resolved"),
            K::ErrorBudgetExhausted { stage, .. } => {
                format!("{}'s error budget is spent", n(stage))
            }
            K::AccessDenied {
                actor,
                action,
                reason,
            } => format!("Blocked: {actor} tried to {action}. {reason}"),
            K::DefectDiscovered {
                release,
                stage,
                defect,
            } => format!("A {} was found in {release} ({})", defect.label(), n(stage)),
        }
    }
}
