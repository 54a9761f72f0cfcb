//! Applying commands that change releases and rollouts.

use std::rc::Rc;
use super::change::{CommitTraits, GateKind};
use super::command::{Command, GateMode, Strategy, TraitsChoice};
use super::event::{Event, EventKind, Explanation};
use super::ids::{ActorId, StageId, Version};
use super::rollout::{DeployProgress, GateRun, GateStatus, Phase, Purpose, Rollout};
use super::world::{Rejection, RejectionKind as K, World};

pub(crate) fn reject<T>(kind: K, message: impl Into<String>) -> Result<T, Rejection> {
    Err(Rejection::new(kind, message))
}

impl World {
    pub(crate) fn execute(
        &mut self,
        actor: &ActorId,
        command: Command,
    ) -> Result<Vec<Event>, Rejection> {
        use Command as C;
        if self.stages.is_empty() {
            return reject(
                K::InvalidState,
                "This world has no stages, so nothing can be built or deployed.",
            );
        }
        let stage_index = |w: &World, s: &StageId| {
            w.stage_index(s)
                .ok_or_else(|| Rejection::new(K::NotFound, format!("there is no stage called {s}")))
        };
        match command {
            C::Commit { summary, traits } => self.commit(actor, summary, traits),
            C::Hotfix { base, summary } => self.hotfix(actor, base, summary),
            C::Promote {
                release,
                to,
                strategy,
                gates,
            } => {
                let i = stage_index(self, &to)?;
                self.promote(actor, i, release, strategy, gates)
            }
            C::Approve { release, stage } => {
                let i = stage_index(self, &stage)?;
                self.approve(actor, i, release)
            }
            C::PauseRollout { stage } => self.pause(stage_index(self, &stage)?, true),
            C::ResumeRollout { stage } => self.pause(stage_index(self, &stage)?, false),
            C::AdvanceRollout { stage } => self.advance(stage_index(self, &stage)?),
            C::AbortRollout { stage } => self.abort(actor, stage_index(self, &stage)?),
            C::SwitchTraffic { stage } => self.switch(stage_index(self, &stage)?),
            C::Rollback { stage, to } => {
                let i = stage_index(self, &stage)?;
                self.rollback(actor, i, to)
            }
            C::SetFlag {
                stage,
                flag,
                percent,
            } => self.set_flag(stage_index(self, &stage)?, flag, percent),
            C::SetConfig { stage, key, value } => {
                self.set_config(stage_index(self, &stage)?, key, value)
            }
            C::SetSecret { stage, name, value } => {
                self.set_secret(stage_index(self, &stage)?, name, value)
            }
            C::TakeBackup { stage } => self.backup_now(stage_index(self, &stage)?),
            C::RestoreBackup { stage, backup } => self.restore(stage_index(self, &stage)?, backup),
            C::Failover { stage } => self.failover(stage_index(self, &stage)?),
            C::RenewCertificate { stage } => self.renew_certificate(stage_index(self, &stage)?),
            C::Scale { stage, instances } => self.scale(stage_index(self, &stage)?, instances),
            C::Inject { failure } => self.inject(actor, failure, self.now.plus(super::time::Minutes(1))),
            C::Schedule { at, failure } => self.schedule(at, failure),
        }
    }

    fn promote(
        &mut self,
        actor: &ActorId,
        i: usize,
        release: Version,
        strategy: Strategy,
        gates: GateMode,
    ) -> Result<Vec<Event>, Rejection> {
        let stage = &self.stages[i];
        if i == 0 {
            return reject(
                K::InvalidArgument,
                format!(
                    "New releases enter {} by committing; promote to a later stage.",
                    stage.name()
                ),
            );
        }
        let Some(r) = self.releases.get(&release) else {
            return reject(K::NotFound, format!("There is no release {release}."));
        };
        let hotfix = r.hotfix;
        if let Some(ro) = &stage.rollout {
            return reject(
                K::InvalidState,
                format!(
                    "{} already has a rollout of {} in progress; let it finish or abort it first.",
                    stage.name(),
                    ro.release
                ),
            );
        }
        if stage.serves_only(release) {
            return reject(
                K::InvalidState,
                format!("{release} already serves all of {}.", stage.name()),
            );
        }
        validate_strategy(&strategy, stage.config.instances)?;
        let prev = &self.stages[i - 1];
        if gates == GateMode::Enforce && !prev.runs(release) {
            let there = prev.current().map_or("nothing".into(), |v| v.to_string());
            return reject(
                K::InvalidState,
                format!(
                    "{release} must run in {} before it can enter {} ({} runs {there}).",
                    prev.name(),
                    stage.name(),
                    prev.name()
                ),
            );
        }
        if let Some(w) = self.active_freeze(i) {
            if !hotfix {
                return Err(Rejection {
                    kind: K::ChangeFreeze,
                    message: format!("{} is in a change freeze: {}. Only hotfixes may go in.", stage.name(), w.reason),
                    explanation: Some(Box::new(Explanation {
                        rule: format!("Change freeze on {}", stage.name()),
                        threshold: format!(
                            "from {} until {}",
                            w.from.label(self.config.start_minute_of_day),
                            w.until.label(self.config.start_minute_of_day)
                        ),
                        samples: vec![format!("now: {}", self.now.label(self.config.start_minute_of_day))],
                        verdict: "Promotion blocked. An urgent fix can go through the hotfix path with a release manager's approval.".into(),
                    })),
                });
            }
        }
        if let Some(slo) = stage
            .monitor
            .slo
            .as_ref()
            .filter(|s| self.config.error_budget_freeze && s.remaining() <= 0.0)
        {
            if !hotfix {
                return Err(Rejection {
                    kind: K::ErrorBudgetFreeze,
                    message: format!("{}'s error budget is spent; only hotfixes may be promoted until it recovers.", stage.name()),
                    explanation: Some(Box::new(Explanation {
                        rule: format!("Error-budget policy for a {:.2} % objective", slo.slo.target * 100.0),
                        threshold: format!("at most {:.0} failed requests this period", slo.budget()),
                        samples: vec![format!("{} failed so far ({:.0} % of the budget)", slo.errors, (1.0 - slo.remaining()) * 100.0)],
                        verdict: "Promotion blocked: reliability work comes first while the budget is spent.".into(),
                    })),
                });
            }
        }
        let mut events = Vec::new();
        let from = stage.current();
        let id = stage.config.id.clone();
        let phase = match gates {
            GateMode::Override { reason } => {
                if reason.trim().is_empty() {
                    return reject(
                        K::InvalidArgument,
                        "Overriding gates needs a written reason for the audit log.",
                    );
                }
                self.delivery.gate_overrides += 1;
                self.count_production_deploy(i, release);
                self.emit(
                    &mut events,
                    EventKind::GatesOverridden {
                        release,
                        stage: id,
                        by: actor.clone(),
                        reason,
                    },
                );
                Phase::Deploying(self.begin_deployment(
                    i,
                    release,
                    Some(strategy.clone()),
                    from,
                    &mut events,
                ))
            }
            GateMode::Enforce => Phase::Gates(
                self.stages[i]
                    .config
                    .gates
                    .iter()
                    .filter(|g| !(hotfix && **g == GateKind::LoadTest))
                    .map(|&kind| GateRun {
                        kind,
                        status: GateStatus::Pending,
                    })
                    .collect(),
            ),
        };
        let started_at = self.now;
        self.stages[i].rollout = Some(Box::new(Rollout {
            release,
            from,
            strategy: Some(strategy),
            purpose: Purpose::Promotion,
            requested_by: actor.clone(),
            started_at,
            phase,
            paused: false,
        }));
        self.progress_rollout(i, &mut events);
        Ok(events)
    }

    pub(crate) fn active_freeze(&self, i: usize) -> Option<&super::config::FreezeWindow> {
        let id = &self.stages[i].config.id;
        self.config
            .freezes
            .iter()
            .find(|w| &w.stage == id && w.from <= self.now && self.now < w.until)
    }

    fn approve(
        &mut self,
        actor: &ActorId,
        i: usize,
        release: Version,
    ) -> Result<Vec<Event>, Rejection> {
        let stage = &self.stages[i];
        let waiting = stage
            .rollout
            .as_ref()
            .is_some_and(|r| r.release == release && r.awaiting_approval());
        if !waiting {
            return reject(
                K::InvalidState,
                format!(
                    "{release} is not waiting for approval into {}.",
                    stage.name()
                ),
            );
        }
        if self
            .releases
            .get(&release)
            .is_some_and(|r| r.authors.contains(actor))
        {
            return reject(K::Unauthorized, format!("Four-eyes rule: {actor} wrote part of {release}, so someone else must approve it."));
        }
        if let Some(w) = self.active_freeze(i) {
            if self.actor(actor).map(|a| a.role) != Some(super::access::Role::ReleaseManager) {
                return reject(K::Unauthorized, format!("During the change freeze ({}) only a release manager may approve an emergency change.", w.reason));
            }
        }
        let mut events = Vec::new();
        if let Some(Phase::Gates(gates)) = self.stages[i].rollout.as_mut().map(|r| &mut r.phase) {
            for g in gates
                .iter_mut()
                .filter(|g| g.status == GateStatus::AwaitingApproval)
            {
                g.status = GateStatus::Approved { by: actor.clone() };
            }
        }
        let stage = self.stages[i].config.id.clone();
        self.emit(
            &mut events,
            EventKind::Approved {
                release,
                stage,
                by: actor.clone(),
            },
        );
        self.progress_rollout(i, &mut events);
        Ok(events)
    }

    /// The refusal for pausing, resuming, advancing or aborting where nothing rolls out.
    fn no_rollout<T>(&self, i: usize) -> Result<T, Rejection> {
        reject(
            K::InvalidState,
            format!("No rollout is in progress in {}.", self.stages[i].name()),
        )
    }

    fn pause(&mut self, i: usize, paused: bool) -> Result<Vec<Event>, Rejection> {
        let name = self.stages[i].name().to_string();
        let id = self.stages[i].config.id.clone();
        let Some(ro) = self.stages[i].rollout.as_mut() else {
            return self.no_rollout(i);
        };
        let pausable = matches!(
            ro.phase,
            Phase::Deploying(DeployProgress::Rolling { .. } | DeployProgress::Canary { .. })
        );
        if !pausable {
            return reject(
                K::InvalidState,
                "Only rolling and canary deployments can be paused.",
            );
        }
        if ro.paused == paused {
            return reject(
                K::InvalidState,
                format!(
                    "The rollout in {name} is already {}.",
                    if paused { "paused" } else { "running" }
                ),
            );
        }
        ro.paused = paused;
        let kind = if paused {
            EventKind::RolloutPaused { stage: id }
        } else {
            EventKind::RolloutResumed { stage: id }
        };
        Ok(vec![self.event(kind)])
    }

    fn advance(&mut self, i: usize) -> Result<Vec<Event>, Rejection> {
        let Some(ro) = self.stages[i].rollout.take() else {
            return self.no_rollout(i);
        };
        let mut events = Vec::new();
        match &ro.phase {
            Phase::Deploying(DeployProgress::Canary { .. }) => {
                if let Some(p) = super::deploy::pool_of(&self.stages[i], ro.release) {
                    let template = self.stages[i].pools[p].instances.first().cloned();
                    if let Some(t) = template.filter(|t| t.is_healthy()) {
                        self.promote_canary(i, p, t, &ro, &mut events);
                        return Ok(events);
                    }
                }
                self.stages[i].rollout = Some(ro);
                reject(
                    K::InvalidState,
                    "The canary is not healthy yet; it cannot take all the traffic.",
                )
            }
            Phase::Deploying(DeployProgress::BlueGreen { ready: true, .. }) => {
                self.stages[i].rollout = Some(ro);
                self.switch(i)
            }
            _ => {
                self.stages[i].rollout = Some(ro);
                reject(K::InvalidState, "Only a canary, or a blue-green deployment whose green side is ready, can be advanced.")
            }
        }
    }

    fn abort(&mut self, actor: &ActorId, i: usize) -> Result<Vec<Event>, Rejection> {
        let Some(ro) = self.stages[i].rollout.take() else {
            return self.no_rollout(i);
        };
        let mut events = Vec::new();
        let stage = self.stages[i].config.id.clone();
        self.emit(
            &mut events,
            EventKind::RolloutAborted {
                release: ro.release,
                stage,
                automatic: false,
                explanation: None,
            },
        );
        match &ro.phase {
            Phase::Gates(_) => {}
            Phase::Deploying(
                DeployProgress::Surge { .. }
                | DeployProgress::BlueGreen { .. }
                | DeployProgress::Canary { .. },
            ) => {
                self.remove_pool(i, ro.release);
            }
            Phase::Deploying(_) => {
                // Old instances are already gone or going: aborting means putting the old release back.
                if let Some(from) = ro.from.filter(|f| *f != ro.release) {
                    self.start_rollback(i, from, actor, None, &mut events);
                }
            }
        }
        Ok(events)
    }

    /// Blue-green: move all traffic to the other colour, during a deployment or afterwards.
    fn switch(&mut self, i: usize) -> Result<Vec<Event>, Rejection> {
        let mut events = Vec::new();
        let id = self.stages[i].config.id.clone();
        if let Some(ro) = self.stages[i].rollout.take() {
            if let Phase::Deploying(DeployProgress::BlueGreen { ready: true, .. }) = ro.phase {
                let now = self.now;
                for pool in self.stages[i].pools.iter_mut() {
                    pool.idle = pool.release != ro.release;
                    pool.idle_since = pool.idle.then_some(now);
                }
                self.emit(
                    &mut events,
                    EventKind::TrafficSwitched {
                        stage: id,
                        to: ro.release,
                    },
                );
                self.complete(i, &ro, &mut events);
                return Ok(events);
            }
            let msg = format!(
                "{} has a rollout in progress that is not a ready blue-green switch.",
                self.stages[i].name()
            );
            self.stages[i].rollout = Some(ro);
            return reject(K::InvalidState, msg);
        }
        let Some(idle) = self.stages[i].pools.iter().position(|p| p.idle) else {
            return reject(
                K::InvalidState,
                format!(
                    "There is no idle colour to switch back to: none was deployed blue-green, or it was scaled down {} after the switch. Roll back instead (it starts new instances).",
                    self.stages[i].config.scale_down_delay
                ),
            );
        };
        let from = self.stages[i].current();
        let to = self.stages[i].pools[idle].release;
        let now = self.now;
        for (j, pool) in self.stages[i].pools.iter_mut().enumerate() {
            pool.idle = j != idle;
            pool.idle_since = pool.idle.then_some(now);
            pool.weight = if j == idle { 100 } else { 0 };
        }
        self.stages[i].record_deployment(to, self.now);
        if i + 1 == self.stages.len() {
            if let Some(f) = from {
                self.change_failed(f);
            }
        }
        self.emit(
            &mut events,
            EventKind::TrafficSwitched {
                stage: id.clone(),
                to,
            },
        );
        self.emit(
            &mut events,
            EventKind::RolledBack {
                stage: id,
                from,
                to,
                automatic: false,
                explanation: None,
            },
        );
        Ok(events)
    }

    fn rollback(
        &mut self,
        actor: &ActorId,
        i: usize,
        to: Version,
    ) -> Result<Vec<Event>, Rejection> {
        let stage = &self.stages[i];
        if stage.serves_only(to) && stage.rollout.is_none() {
            return reject(
                K::InvalidState,
                format!("{to} already serves all of {}.", stage.name()),
            );
        }
        if !stage.history.iter().any(|d| d.release == to) {
            let known: Vec<String> = stage
                .history
                .iter()
                .map(|d| d.release.to_string())
                .collect();
            return reject(
                K::NotFound,
                format!(
                    "{to} has not run in {}; you can roll back to: {}.",
                    stage.name(),
                    known.join(", ")
                ),
            );
        }
        if let Some(ro) = &stage.rollout {
            if ro.release == to && matches!(ro.purpose, Purpose::Rollback { .. }) {
                return reject(
                    K::InvalidState,
                    format!("{} is already rolling back to {to}; wait for it to finish.", stage.name()),
                );
            }
        }
        let mut events = Vec::new();
        if let Some(ro) = self.stages[i].rollout.take() {
            let stage = self.stages[i].config.id.clone();
            self.emit(
                &mut events,
                EventKind::RolloutAborted {
                    release: ro.release,
                    stage,
                    automatic: false,
                    explanation: None,
                },
            );
            if ro.release != to {
                self.remove_pool(i, ro.release);
            }
        }
        self.start_rollback(i, to, actor, None, &mut events);
        Ok(events)
    }

    /// Puts `to` back: instantly if it is the idle blue-green colour, otherwise by starting it
    /// beside what runs now.
    pub(crate) fn start_rollback(
        &mut self,
        i: usize,
        to: Version,
        actor: &ActorId,
        automatic: Option<Explanation>,
        events: &mut Vec<Event>,
    ) {
        if self.stages[i]
            .pools
            .iter()
            .any(|p| p.idle && p.release == to)
        {
            if let Ok(mut more) = self.switch(i) {
                events.append(&mut more);
            }
            return;
        }
        let from = self.stages[i].current();
        let progress = self.begin_deployment(i, to, None, from, events);
        self.stages[i].rollout = Some(Box::new(Rollout {
            release: to,
            from,
            strategy: None,
            purpose: Purpose::Rollback {
                automatic: automatic.is_some(),
                explanation: automatic,
            },
            requested_by: actor.clone(),
            started_at: self.now,
            phase: Phase::Deploying(progress),
            paused: false,
        }));
    }

    fn commit(
        &mut self,
        actor: &ActorId,
        summary: Rc<str>,
        traits: TraitsChoice,
    ) -> Result<Vec<Event>, Rejection> {
        let summary = checked_summary(summary)?;
        let traits = match traits {
            TraitsChoice::Exactly(t) => {
                validate_traits(&t)?;
                t
            }
            TraitsChoice::Surprise => self.next_traits(),
            TraitsChoice::Practised { migrations } => {
                let mut t = self.next_traits();
                t.migration = migrations.written(t.migration);
                // Built from trunk, the release also holds every earlier commit: a defect
                // nobody has found yet is in it too (one defect shows per release: a commit
                // with its own keeps that one, and the hidden one waits for the next).
                match (&self.hidden_in_trunk, t.defect) {
                    (Some(hidden), super::change::Defect::None) => {
                        t.defect = hidden.defect;
                        t.added_latency_ms = hidden.added_latency_ms;
                        t.detection = hidden.detection.clone();
                    }
                    (None, d) if d != super::change::Defect::None => {
                        self.hidden_in_trunk = Some(CommitTraits {
                            defect: d,
                            added_latency_ms: t.added_latency_ms,
                            detection: t.detection.clone(),
                            ..CommitTraits::default()
                        });
                    }
                    _ => {}
                }
                t
            }
        };
        Ok(self.start_build(actor, summary, traits, None))
    }

    fn hotfix(
        &mut self,
        actor: &ActorId,
        base: Version,
        summary: Rc<str>,
    ) -> Result<Vec<Event>, Rejection> {
        let summary = checked_summary(summary)?;
        if !self.releases.contains_key(&base) {
            return reject(K::NotFound, format!("There is no release {base} to fix."));
        }
        Ok(self.start_build(actor, summary, CommitTraits::default(), Some(base)))
    }
}

/// The summary as the engine keeps it: the command's own text when it needs no trimming (the
/// usual case), so the log, the event and the release share one allocation.
fn checked_summary(summary: Rc<str>) -> Result<Rc<str>, Rejection> {
    let s = summary.trim();
    if s.is_empty() {
        return reject(K::InvalidArgument, "A commit needs a summary.");
    }
    if s.chars().count() > 120 {
        return reject(
            K::InvalidArgument,
            "Keep the commit summary under 120 characters.",
        );
    }
    Ok(if s.len() == summary.len() { summary } else { Rc::from(s) })
}

pub(crate) fn validate_traits(t: &CommitTraits) -> Result<(), Rejection> {
    for (gate, p) in &t.detection {
        if !p.is_finite() || !(0.0..=1.0).contains(p) {
            return reject(
                K::InvalidArgument,
                format!(
                    "The chance that {} catches the defect must be between 0 and 1, not {p}.",
                    gate.label()
                ),
            );
        }
    }
    if let Some(k) = &t.requires_config {
        super::settings::check_key(k.as_str())?;
    }
    Ok(())
}

pub(crate) fn validate_strategy(strategy: &Strategy, instances: u8) -> Result<(), Rejection> {
    match strategy {
        Strategy::Rolling(plan) if plan.out_of_range(instances) => reject(
            K::InvalidArgument,
            format!("Max surge and max unavailable must each be at most {instances} instances (or 100 %)."),
        ),
        Strategy::Canary(plan) => {
            if plan.steps.is_empty() || plan.steps.len() > 10 {
                return reject(K::InvalidArgument, "A canary needs between 1 and 10 steps.");
            }
            if plan.steps.iter().any(|s| *s == 0 || *s >= 100)
                || plan.steps.windows(2).any(|w| w[0] >= w[1])
            {
                return reject(
                    K::InvalidArgument,
                    "Canary weights must rise step by step, each between 1 and 99 %.",
                );
            }
            if plan.pause_minutes == 0 || plan.pause_minutes > 240 {
                return reject(
                    K::InvalidArgument,
                    "Each canary step must last between 1 and 240 minutes.",
                );
            }
            let a = &plan.analysis;
            let rate_ok = a.max_error_rate.is_finite() && (0.0..=1.0).contains(&a.max_error_rate);
            let p95_ok = a.max_p95_ms.is_finite() && a.max_p95_ms > 0.0;
            if !(rate_ok && p95_ok) {
                return reject(K::InvalidArgument, "Canary thresholds must be an error rate between 0 and 1 and a positive latency.");
            }
            if let Some(b) = &a.baseline {
                let increase_ok = b.max_error_increase.is_finite() && (0.0..=1.0).contains(&b.max_error_increase);
                let ratio_ok = b.max_latency_ratio.is_finite() && b.max_latency_ratio >= 1.0;
                if !(increase_ok && ratio_ok && b.min_requests > 0) {
                    return reject(K::InvalidArgument, "A comparison with stable needs an error increase between 0 and 1, a latency ratio of at least 1 and at least 1 request.");
                }
            }
            Ok(())
        }
        Strategy::DarkLaunch { flag } => super::settings::check_flag(flag.as_str()),
        _ => Ok(()),
    }
}
