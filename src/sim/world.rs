//! The world: all simulation state, the command entry point and the clock.

use super::access::{Actor, Permission, Role};
use super::audit::{Action, AuditLog, Outcome};
use super::change::{Commit, CommitTraits, Defect, GateKind, Migration, Release};
use super::command::{Command, Failure, GateMode};
use super::config::{StageConfig, TrafficSource, WorldConfig};
use super::delivery::Delivery;
use super::event::{Event, EventKind, Explanation};
use super::ids::{ActorId, StageId, Version};
use super::monitor::{AlertState, AlertStatus, Incident, SloState, StageMonitor};
use super::rng::Pcg32;
use super::stage::{Database, Faults, Health, Instance, Pool, Sample, Stage};
use super::history::History;
use super::releases::Releases;
use super::time::SimTime;
use super::traffic;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::collections::VecDeque;

/// Events kept for the timeline (older ones are dropped; the audit log is separate).
pub const RECENT_CAP: usize = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectionKind {
    Unauthorized,
    NotFound,
    InvalidState,
    InvalidArgument,
    ChangeFreeze,
    ErrorBudgetFreeze,
}

/// Why a command was refused. The world is unchanged apart from the audit log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rejection {
    pub kind: RejectionKind,
    pub message: String,
    /// Boxed so that `Result<_, Rejection>` stays small on the common, successful path.
    pub explanation: Option<Box<Explanation>>,
}

impl Rejection {
    pub fn new(kind: RejectionKind, message: impl Into<String>) -> Self {
        Rejection {
            kind,
            message: message.into(),
            explanation: None,
        }
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// A CI build of one commit, before it becomes a release.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Build {
    pub commit: Commit,
    pub hotfix_of: Option<Version>,
    pub gates: Vec<GateKind>,
    pub current: usize,
    pub step_ends_at: SimTime,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct World {
    pub config: WorldConfig,
    pub seed: u64,
    pub now: SimTime,
    pub(crate) noise: Pcg32,
    pub(crate) draws: Pcg32,
    pub stages: Vec<Stage>,
    pub releases: Releases,
    pub builds: Vec<Build>,
    pub commits_made: u32,
    pub(crate) scripted_used: u32,
    pub(crate) next_minor: u16,
    /// The codebase's migration chain: `schema_chain[i]` moves schema i+1 to i+2.
    pub schema_chain: Vec<Migration>,
    /// A defect committed and not found yet. Trunk still holds it, so every later build
    /// from trunk carries it until a check catches it or production blames it (then the
    /// team reverts it). Only commits written `TraitsChoice::Practised` (the strategy lab's
    /// team) take it; elsewhere a release holds its own commit's traits only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden_in_trunk: Option<CommitTraits>,
    pub alerts: Vec<AlertState>,
    pub incidents: VecDeque<Incident>,
    /// How many incidents are open, so quiet minutes skip the incident scan.
    pub(crate) open_count: u32,
    pub(crate) next_incident: u32,
    pub(crate) next_backup: u32,
    pub scheduled: Vec<(SimTime, Failure)>,
    pub flaky_until: SimTime,
    pub audit: AuditLog,
    pub recent: History<Event>,
    pub event_count: u64,
    pub delivery: Delivery,
    /// An empty buffer, kept for the next minute's events (scratch, not state: never
    /// saved, and empty between calls). A minute with events used to allocate its list and
    /// free it again once the events moved into the timeline; the busy year has tens of
    /// thousands of such minutes.
    #[serde(skip)]
    pub(crate) spare_events: Vec<Event>,
}

impl World {
    pub fn new(config: WorldConfig, seed: u64) -> World {
        let v = config.initial_version;
        let initial = Release {
            version: v,
            commits: Vec::new(),
            authors: Vec::new(),
            summary: "The release running when the scenario starts".into(),
            first_commit_at: SimTime::ZERO,
            built_at: SimTime::ZERO,
            traits: config.initial_traits.clone(),
            schema: 1,
            hotfix: false,
            detected: BTreeMap::new(),
            exploited: false,
        };
        let mut stages: Vec<Stage> = config
            .stages
            .iter()
            .map(|c| new_stage(c, &initial))
            .collect();
        // Each burn-rate rule's windows get a running sum in its stage's monitor.
        for rule in &config.alert_rules {
            if let (Some(i), Some(w)) = (config.stage_index(&rule.stage), rule.windows) {
                stages[i].monitor.watch(w.long.0);
                stages[i].monitor.watch(w.short.0);
            }
        }
        let alerts = config
            .alert_rules
            .iter()
            .map(|rule| AlertState {
                rule: rule.clone(),
                status: AlertStatus::Ok,
                stage_index: config.stage_index(&rule.stage),
            })
            .collect();
        World {
            seed,
            now: SimTime::ZERO,
            noise: Pcg32::new(seed, 1),
            draws: Pcg32::new(seed, 2),
            stages,
            releases: Releases::from([(v, initial)]),
            builds: Vec::new(),
            commits_made: 0,
            scripted_used: 0,
            next_minor: v.minor + 1,
            schema_chain: Vec::new(),
            hidden_in_trunk: None,
            alerts,
            incidents: VecDeque::new(),
            open_count: 0,
            next_incident: 1,
            next_backup: 1,
            scheduled: config
                .timeline
                .iter()
                .map(|t| (t.at, t.failure.clone()))
                .collect(),
            flaky_until: SimTime::ZERO,
            audit: AuditLog::default(),
            recent: History::default(),
            event_count: 0,
            delivery: Delivery::default(),
            spare_events: Vec::new(),
            config,
        }
    }

    pub fn stage(&self, id: &StageId) -> Option<&Stage> {
        self.stages.iter().find(|s| &s.config.id == id)
    }

    pub fn stage_index(&self, id: &StageId) -> Option<usize> {
        self.stages.iter().position(|s| &s.config.id == id)
    }

    pub fn actor(&self, id: &ActorId) -> Option<&Actor> {
        self.config.actors.iter().find(|a| &a.id == id)
    }

    /// The last stage: the one real users depend on.
    /// A production change failed (an incident blamed it, it was rolled back or aborted):
    /// counted for DORA, and its defect is found, so trunk no longer hides it.
    pub(crate) fn change_failed(&mut self, release: Version) {
        self.delivery.change_failed(release);
        if let Some(d) = self.releases.get(&release).map(|r| r.traits.defect) {
            self.defect_found(d);
        }
    }

    /// Someone now knows about `defect` (a check caught it, production blamed it): the team
    /// reverts the commit, so later builds no longer carry it.
    pub(crate) fn defect_found(&mut self, defect: Defect) {
        if defect != Defect::None && self.hidden_in_trunk.as_ref().is_some_and(|h| h.defect == defect) {
            self.hidden_in_trunk = None;
        }
    }

    pub fn production(&self) -> &Stage {
        self.stages
            .last()
            .expect("a world always has at least one stage")
    }

    pub fn latest_release(&self) -> Option<&Release> {
        self.releases
            .values()
            .max_by_key(|r| (r.built_at, r.version))
    }

    pub fn open_incidents(&self) -> impl Iterator<Item = &Incident> {
        self.incidents.iter().filter(|i| i.is_open())
    }

    /// Applies one command on behalf of `actor`. Every command, applied or refused, is written
    /// to the audit log; a refusal leaves everything else as it was.
    pub fn apply(&mut self, actor: &ActorId, command: Command) -> Result<Vec<Event>, Rejection> {
        let events = self.apply_unremembered(actor, command)?;
        Ok(self.remember(events))
    }

    /// Applies a command like `apply`, for a caller that only counts what happened (the
    /// scripted team): the events move into the timeline instead of being copied there.
    /// Returns how many there were.
    pub fn apply_counted(&mut self, actor: &ActorId, command: Command) -> Result<usize, Rejection> {
        let events = self.apply_unremembered(actor, command)?;
        Ok(self.remember_moved(events))
    }

    /// `apply` up to the timeline: authorises, executes and audits the command (a refusal
    /// for want of permission is remembered here), and returns the events for the caller to
    /// remember.
    fn apply_unremembered(
        &mut self,
        actor: &ActorId,
        command: Command,
    ) -> Result<Vec<Event>, Rejection> {
        let role = self.actor(actor).map(|a| a.role);
        let action = Action::of(&command);
        let result = self
            .authorize(actor, role, &command)
            .and_then(|()| self.execute(actor, command));
        match result {
            Ok(events) => {
                self.audit
                    .record(self.now, actor.clone(), role, action, Outcome::Applied);
                Ok(events)
            }
            Err(rejection) => {
                let outcome = Outcome::Rejected {
                    reason: rejection.message.clone(),
                };
                let text = (rejection.kind == RejectionKind::Unauthorized)
                    .then(|| action.text().into_owned());
                self.audit
                    .record(self.now, actor.clone(), role, action, outcome);
                if let Some(action) = text {
                    let denied = EventKind::AccessDenied {
                        actor: actor.clone(),
                        action,
                        reason: rejection.message.clone(),
                    };
                    self.remember(vec![self.event(denied)]);
                }
                Err(rejection)
            }
        }
    }

    /// Whether `actor` may issue `command` under the access policy (not whether it would
    /// succeed in the current state). Lets a UI say in advance that a role may not do this.
    pub fn permits(&self, actor: &ActorId, command: &Command) -> Result<(), Rejection> {
        self.authorize(actor, self.actor(actor).map(|a| a.role), command)
    }

    fn authorize(
        &self,
        actor: &ActorId,
        role: Option<Role>,
        command: &Command,
    ) -> Result<(), Rejection> {
        let Some(role) = role else {
            return Err(Rejection::new(
                RejectionKind::Unauthorized,
                format!("{actor} is not a known user"),
            ));
        };
        let stage = command.stage();
        if let Some(s) = stage {
            if self.stage(s).is_none() {
                return Err(Rejection::new(
                    RejectionKind::NotFound,
                    format!("there is no stage called {s}"),
                ));
            }
        }
        let overriding = matches!(
            command,
            Command::Promote {
                gates: GateMode::Override { .. },
                ..
            }
        );
        let needed = [
            Some(permission_for(command)),
            overriding.then_some(Permission::OverrideGates),
        ];
        for permission in needed.into_iter().flatten() {
            if !self.config.policy.allows(role, permission, stage) {
                let place = stage
                    .map(|s| format!(" in {}", self.stage(s).map_or(s.as_str(), |st| st.name())))
                    .unwrap_or_default();
                let allowed: Vec<&str> = self
                    .config
                    .policy
                    .roles_for(permission, stage)
                    .iter()
                    .map(|r| r.label())
                    .collect();
                let who = if allowed.is_empty() {
                    "nobody".to_string()
                } else {
                    allowed.join(", ")
                };
                return Err(Rejection::new(
                    RejectionKind::Unauthorized,
                    format!(
                        "A {} may not {}{place}; allowed: {who}.",
                        role.label(),
                        permission.label()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Advances the clock by one minute and returns what happened in it.
    pub fn tick(&mut self) -> Vec<Event> {
        let events = self.step();
        self.remember(events)
    }

    /// Advances the clock by one minute, like `tick`, for a caller that reads what happened
    /// from `recent` or only counts it (the scripted team): the events move into the
    /// timeline instead of being copied there. Returns how many there were.
    pub fn tick_counted(&mut self) -> usize {
        let events = self.step();
        self.remember_moved(events)
    }

    /// Advances the clock by one minute, like `tick`, and hands each of its events to `seen`
    /// with the world as the minute left it, read from the timeline rather than from a copy
    /// (the lab's observer reads every event of a thousand runs). Returns how many there were.
    pub fn tick_seen(&mut self, seen: &mut dyn FnMut(&World, &Event)) -> usize {
        let events = self.step();
        if events.len() > RECENT_CAP {
            // More than the timeline keeps: hand over the list itself.
            let events = self.remember(events);
            events.iter().for_each(|e| seen(self, e));
            return events.len();
        }
        let n = self.remember_moved(events);
        for k in self.recent.len() - n..self.recent.len() {
            if let Some(e) = self.recent.get(k) {
                seen(self, e);
            }
        }
        n
    }

    /// Ticks until `until` (inclusive of the last minute), returning every event.
    pub fn run_until(&mut self, until: SimTime) -> Vec<Event> {
        let mut all = Vec::new();
        while self.now < until {
            all.extend(self.tick());
        }
        all
    }

    pub(crate) fn event(&self, kind: EventKind) -> Event {
        Event { at: self.now, kind }
    }

    fn remember(&mut self, events: Vec<Event>) -> Vec<Event> {
        self.event_count += events.len() as u64;
        self.recent.extend(events.iter().cloned());
        self.trim_recent();
        events
    }

    /// `remember` for a caller that only counts: the events move into the timeline.
    /// The emptied list is kept as the next minute's buffer (`spare_events`).
    fn remember_moved(&mut self, mut events: Vec<Event>) -> usize {
        let n = events.len();
        if n > 0 {
            self.event_count += n as u64;
            self.recent.extend(events.drain(..));
            self.trim_recent();
        }
        if self.spare_events.capacity() == 0 {
            self.spare_events = events;
        }
        n
    }

    fn trim_recent(&mut self) {
        while self.recent.len() > RECENT_CAP {
            self.recent.pop_front();
        }
    }

    /// How many of the scenario's scripted commits are still to come. While one is, a
    /// "surprise me" commit gets the lesson's next change (see `World::next_traits`).
    pub fn scripted_commits_left(&self) -> usize {
        self.config
            .scripted_commits
            .len()
            .saturating_sub(self.scripted_used as usize)
    }

    /// Whether anything is moving by itself: a build, a rollout that is not waiting for a
    /// person, or a restore. When nothing is, the world waits for someone to act.
    pub fn in_motion(&self) -> bool {
        !self.builds.is_empty()
            || self.stages.iter().any(|s| {
                s.rollout
                    .as_ref()
                    .is_some_and(|r| !r.paused && !r.awaiting_approval())
                    || s.faults.restoring.is_some()
            })
    }

    /// The release that a stage's gates would test, if it is running in the previous stage.
    pub fn promotable(&self, stage_index: usize) -> Option<Version> {
        let prev = self.stages.get(stage_index.checked_sub(1)?)?;
        let current = self.stages[stage_index].current();
        prev.current().filter(|v| Some(*v) != current)
    }

    pub(crate) fn is_user_facing(&self, stage_index: usize) -> bool {
        self.stages[stage_index].config.traffic.source == TrafficSource::RealUsers
    }
}

fn permission_for(command: &Command) -> Permission {
    use Command as C;
    match command {
        C::Commit { .. } | C::Hotfix { .. } => Permission::Commit,
        C::Promote { .. }
        | C::PauseRollout { .. }
        | C::ResumeRollout { .. }
        | C::AdvanceRollout { .. }
        | C::AbortRollout { .. }
        | C::SwitchTraffic { .. } => Permission::Deploy,
        C::Approve { .. } => Permission::Approve,
        C::Rollback { .. } => Permission::Rollback,
        C::SetFlag { .. } => Permission::ToggleFlags,
        C::SetConfig { .. }
        | C::SetSecret { .. }
        | C::RenewCertificate { .. }
        | C::Scale { .. } => Permission::Configure,
        C::TakeBackup { .. } | C::RestoreBackup { .. } => Permission::ManageBackups,
        C::Failover { .. } => Permission::Failover,
        C::Inject { .. } | C::Schedule { .. } => Permission::InjectFailures,
    }
}

fn new_stage(config: &StageConfig, release: &Release) -> Stage {
    let instances = (0..config.instances.max(1))
        .map(|i| Instance {
            health: Health::Healthy,
            memory: 0.3 + 0.05 * f64::from(i % 4),
        })
        .collect();
    let database = config.database.then(|| {
        Database::new(match config.traffic.source {
            TrafficSource::RealUsers => 1_200_000,
            TrafficSource::LoadTest => 50_000,
            TrafficSource::Light => 2_000,
        })
    });
    let slo = config.slo.clone().map(|slo| SloState {
        expected_requests: traffic::expected_requests(&config.traffic, slo.period),
        slo,
        period_start: SimTime::ZERO,
        requests: 0,
        errors: 0,
        exhausted: false,
    });
    Stage {
        pools: vec![Pool::new(release, instances, 100)],
        history: vec![super::stage::Deployment {
            release: release.version,
            at: SimTime::ZERO,
        }],
        settings: config.config.clone(),
        secrets: {
            // Inserting, not `collect()`, which sorts first (see `release_build`).
            let mut secrets = BTreeSet::new();
            secrets.extend(config.secrets.iter().cloned());
            secrets
        },
        flags: BTreeMap::new(),
        dark: BTreeMap::new(),
        database,
        backups: Vec::new(),
        last_backup_at: SimTime::ZERO,
        faults: Faults::default(),
        rollout: None,
        monitor: StageMonitor::new(
            slo,
            config.latency_slo.clone(),
            traffic::expected_requests(&config.traffic, super::time::Minutes(1)) as u64,
        ),
        last: Sample::default(),
        last_gate_failure: None,
        config: config.clone(),
    }
}
