//! Words the UI uses: health glyphs, event groups for the timeline filter, and the short
//! plain-language explanations the details panel shows (tied to the curriculum).

use crate::sim::change::GateKind;
use crate::sim::config::StageKind;
use crate::sim::stage::Health;
use crate::sim::{Event, EventKind};

/// Health as text and a glyph, so it is never told by colour alone.
pub fn health(h: &Health) -> (&'static str, &'static str, &'static str) {
    match h {
        Health::Healthy => ("healthy", "✓", "ok"),
        Health::Starting { .. } => ("starting", "…", "starting"),
        Health::Restarting { .. } => ("restarting", "!", "warn"),
        Health::CrashLooping { .. } => ("crash-looping", "✕", "bad"),
    }
}

/// Groups of events for the timeline's "kind" filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventGroup {
    Build,
    Gates,
    Deploys,
    Alerts,
    Config,
    Operations,
    Access,
}

impl EventGroup {
    pub const ALL: [EventGroup; 7] = [
        EventGroup::Build,
        EventGroup::Gates,
        EventGroup::Deploys,
        EventGroup::Alerts,
        EventGroup::Config,
        EventGroup::Operations,
        EventGroup::Access,
    ];

    pub fn label(self) -> &'static str {
        match self {
            EventGroup::Build => "Commits and builds",
            EventGroup::Gates => "Gates and approvals",
            EventGroup::Deploys => "Deploys and rollbacks",
            EventGroup::Alerts => "Alerts and incidents",
            EventGroup::Config => "Configuration and flags",
            EventGroup::Operations => "Failures, backups, recovery",
            EventGroup::Access => "Access",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            EventGroup::Build => "build",
            EventGroup::Gates => "gates",
            EventGroup::Deploys => "deploys",
            EventGroup::Alerts => "alerts",
            EventGroup::Config => "config",
            EventGroup::Operations => "ops",
            EventGroup::Access => "access",
        }
    }

    pub fn from_key(key: &str) -> Option<EventGroup> {
        EventGroup::ALL.into_iter().find(|g| g.key() == key)
    }

    pub fn of(event: &Event) -> EventGroup {
        use EventKind as K;
        match &event.kind {
            K::Committed { .. }
            | K::BuildStarted { .. }
            | K::BuildFailed { .. }
            | K::ReleaseBuilt { .. } => EventGroup::Build,
            K::GateStarted { .. }
            | K::GatePassed { .. }
            | K::GateFailed { .. }
            | K::ApprovalRequested { .. }
            | K::Approved { .. }
            | K::GatesOverridden { .. } => EventGroup::Gates,
            K::AlertFired { .. }
            | K::AlertResolved { .. }
            | K::IncidentOpened { .. }
            | K::IncidentMitigated { .. }
            | K::IncidentResolved { .. }
            | K::ErrorBudgetExhausted { .. } => EventGroup::Alerts,
            K::FlagChanged { .. } | K::ConfigChanged { .. } | K::SecretSet { .. } => {
                EventGroup::Config
            }
            K::AccessDenied { .. } => EventGroup::Access,
            K::DeployStarted { .. }
            | K::DeployProgressed { .. }
            | K::DeployStalled { .. }
            | K::Deployed { .. }
            | K::MigrationApplied { .. }
            | K::CanaryStepStarted { .. }
            | K::CanaryAnalysisFailed { .. }
            | K::RolloutPaused { .. }
            | K::RolloutResumed { .. }
            | K::RolloutAborted { .. }
            | K::GreenReady { .. }
            | K::TrafficSwitched { .. }
            | K::IdleColourScaledDown { .. }
            | K::RolledBack { .. } => EventGroup::Deploys,
            _ => EventGroup::Operations,
        }
    }
}

/// A timeline row's actor chip and the text beside it. The chip shows who acted at a
/// glance; when the text begins with that name ("dana committed …") the name moves into the
/// chip instead of being read twice, and when the text names the person elsewhere ("Blocked:
/// dana tried …") there is no chip.
pub fn actor_and_text(who: Option<String>, text: &str) -> (Option<String>, &str) {
    match who {
        Some(w) if text.starts_with(w.as_str()) => {
            let rest = text[w.len()..].trim_start();
            (Some(w), rest)
        }
        Some(w) if !text.contains(w.as_str()) => (Some(w), text),
        _ => (None, text),
    }
}

/// Who did it, when the event names a person.
pub fn event_actor(event: &Event) -> Option<String> {
    use EventKind as K;
    match &event.kind {
        K::Committed { author, .. } => Some(author.to_string()),
        K::Approved { by, .. } | K::GatesOverridden { by, .. } => Some(by.to_string()),
        K::AccessDenied { actor, .. } => Some(actor.to_string()),
        K::FailureInjected { .. } | K::FailureScheduled { .. } => Some("trainer".into()),
        _ => None,
    }
}

pub fn stage_concept(kind: StageKind) -> &'static str {
    match kind {
        StageKind::Development => "Development is where a change is written and first tested. Breaking it hurts nobody but the team, so every commit lands here first.",
        StageKind::Testing => "A testing environment runs automated checks on a build before anyone relies on it.",
        StageKind::Staging => "Staging is a close copy of production: same configuration shape, same data shape, realistic load. A change is validated here before real users ever see it. Drift between staging and production is the classic “worked on staging, broke in production”.",
        StageKind::Production => "Production is the live system real users depend on. Only tested, stable code belongs here; every error here is a failed request for a real person. Access is limited, deploys need approval, and monitoring watches it all the time.",
    }
}

pub fn gate_concept(kind: GateKind) -> &'static str {
    match kind {
        GateKind::Build => "The build compiles the code into a numbered release. It always runs first.",
        GateKind::UnitTests => "Unit tests check small pieces of code quickly. They catch some defects early and cheaply.",
        GateKind::IntegrationTests => "Integration tests run the release against its real neighbours (database, other services) and catch most start-up crashes.",
        GateKind::AcceptanceTests => "Acceptance tests walk through what users do, end to end, before the release may reach production.",
        GateKind::LoadTest => "A load test sends production-like traffic to find slow responses and memory leaks before users do.",
        GateKind::SecurityScan => "A security scan looks for known vulnerabilities; production gets the strictest protection.",
        GateKind::ManualApproval => "A person with the right role signs off. The author may not approve their own change (four eyes), and every approval is in the audit log.",
    }
}

pub const RELEASE_CONCEPT: &str = "A release is a numbered, immutable build of known commits. The same release moves through every stage by the same automated steps, so what reached production can be traced and repeated — and rolled back to.";
pub const ALERT_CONCEPT: &str = "An alert fires when a metric stays past its threshold for a while. Alerts let a team see trouble before users report it; a critical one opens an incident, whose time to restore is one of the four delivery measures.";
pub const INCIDENT_CONCEPT: &str = "An incident is a period when users are hurt. Its detection time shows how good monitoring is; its time to restore shows how quickly the team recovered (roll back, hotfix, restore or fail over).";

/// The strategy explanations shown next to the promote form.
pub fn strategy_hint(key: &str) -> &'static str {
    match key {
        "all" => "All at once: every instance is replaced together; users see errors while the new ones start.",
        "rolling" => "Rolling (as Kubernetes does it): new instances start beside the old, up to the max surge; old ones stop only while no more than max unavailable are missing. Max unavailable 0 never lowers capacity.",
        "blue_green" => "Blue-green: a full second set starts beside the live one; traffic switches in one step, and back just as fast.",
        "canary" => "Canary: a small share of traffic goes to the new release while automated analysis checks its errors and latency, on their own and against the stable release serving beside it.",
        _ => "Dark launch: the new code ships switched off behind a feature flag; turn it on gradually, or off instantly (kill switch).",
    }
}

#[cfg(test)]
mod tests {
    use super::actor_and_text;

    #[test]
    fn a_name_is_shown_once_in_a_timeline_row() {
        let dana = || Some("dana".to_string());
        assert_eq!(actor_and_text(dana(), "dana committed c3: “Fix”"), (dana(), "committed c3: “Fix”"));
        assert_eq!(actor_and_text(dana(), "Blocked: dana tried to promote."), (None, "Blocked: dana tried to promote."));
        let trainer = Some("trainer".to_string());
        assert_eq!(actor_and_text(trainer.clone(), "Chaos: the database fails"), (trainer, "Chaos: the database fails"));
        assert_eq!(actor_and_text(None, "Build started"), (None, "Build started"));
    }
}
