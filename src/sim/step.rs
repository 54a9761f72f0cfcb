//! One minute of simulated time: scheduled failures, expiring faults, CI builds, rollouts,
//! instance health, traffic and monitoring, in that order.

use super::change::{Defect, GateKind};
use super::event::{Event, EventKind};
use super::ids::ActorId;
use super::monitor::Detection;
use super::rollout::START_MINUTES;
use super::stage::{CrashReason, Health};
use super::time::{Minutes, SimTime};
use super::traffic::{self, Census};
use super::world::World;

/// Chance per minute that an attacker finds and uses a security hole serving all traffic.
const EXPLOIT_CHANCE: f64 = 0.004;

impl World {
    pub(crate) fn step(&mut self) -> Vec<Event> {
        self.now = SimTime(self.now.0 + 1);
        // The buffer the last minute's events left (empty), if any: no allocation then.
        let mut events = std::mem::take(&mut self.spare_events);
        debug_assert!(events.is_empty());
        self.run_schedule(&mut events);
        self.expire_faults(&mut events);
        self.progress_builds(&mut events);
        // The same for every stage: worked out once a minute.
        let (_, minute_of_day) = self.now.clock(self.config.start_minute_of_day);
        for i in 0..self.stages.len() {
            // Most stage-minutes have no restore and no rollout: checked here, so the minute
            // does not enter the (out-of-line) functions that would find nothing to do.
            if self.stages[i].faults.restoring.is_some() {
                self.progress_restore(i, &mut events);
            }
            if self.stages[i].rollout.is_some() {
                self.progress_rollout(i, &mut events);
            }
            // Whether the rollout holds the pools' weights (else the router sets them).
            let fixed = self.stages[i]
                .rollout
                .as_ref()
                .is_some_and(|r| r.fixed_weights());
            let census = self.update_instances(i, !fixed, &mut events);
            self.measure(i, minute_of_day, fixed, census, &mut events);
            self.automatic_backup(i, &mut events);
            // Only an idle colour is ever scaled down: the census saw whether there is one.
            if census.idle {
                self.scale_down_idle(i, &mut events);
            }
        }
        self.evaluate_alerts(&mut events);
        self.take_users_reports(&mut events);
        events
    }

    pub(crate) fn emit(&self, events: &mut Vec<Event>, kind: EventKind) {
        events.push(Event { at: self.now, kind });
    }

    fn run_schedule(&mut self, events: &mut Vec<Event>) {
        if self.scheduled.iter().all(|(at, _)| *at > self.now) {
            return;
        }
        let now = self.now;
        let (due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.scheduled)
            .into_iter()
            .partition(|(at, _)| *at <= now);
        self.scheduled = later;
        for (_, failure) in due {
            // A scheduled failure that no longer applies (say, the stage lost its database
            // already) simply does nothing; it was audited when it was scheduled.
            if let Ok(mut more) = self.inject(&ActorId::new("scheduler"), failure, self.now) {
                events.append(&mut more);
            }
        }
    }

    fn expire_faults(&mut self, events: &mut Vec<Event>) {
        let now = self.now;
        for i in 0..self.stages.len() {
            let f = &mut self.stages[i].faults;
            if f.dependency_until.is_none() && f.database_until.is_none() && f.spike.is_none() {
                continue;
            }
            let mut cleared = Vec::new();
            if f.dependency_until.is_some_and(|u| u <= now) {
                f.dependency_until = None;
                cleared.push("the payment dependency is back");
            }
            if f.database_until.is_some_and(|u| u <= now) {
                f.database_until = None;
                cleared.push("the database is reachable again");
            }
            if f.spike.is_some_and(|(_, u)| u <= now) {
                f.spike = None;
                cleared.push("traffic is back to normal");
            }
            let stage = self.stages[i].config.id.clone();
            for description in cleared {
                self.emit(
                    events,
                    EventKind::FaultCleared {
                        stage: stage.clone(),
                        description: description.into(),
                    },
                );
            }
        }
    }

    fn progress_builds(&mut self, events: &mut Vec<Event>) {
        let mut i = 0;
        while i < self.builds.len() {
            if self.builds[i].step_ends_at > self.now {
                i += 1;
                continue;
            }
            let build = &self.builds[i];
            let gate = build.gates[build.current];
            let caught = self
                .draws
                .chance(build.commit.traits.detection_chance(gate));
            let flaky = gate != GateKind::Build && self.draws.chance(self.flaky_chance());
            if caught || flaky {
                let build = self.builds.remove(i);
                if caught {
                    self.defect_found(build.commit.traits.defect);
                }
                let reason = if caught {
                    format!(
                        "{} caught a defect: {}",
                        gate.label(),
                        build.commit.traits.defect.label()
                    )
                } else {
                    format!(
                        "a flaky test in {} failed; committing again may pass",
                        gate.label()
                    )
                };
                self.emit(
                    events,
                    EventKind::BuildFailed {
                        commit: build.commit.id,
                        gate,
                        reason,
                    },
                );
                continue;
            }
            let build = &mut self.builds[i];
            build.current += 1;
            if build.current < build.gates.len() {
                let next = build.gates[build.current];
                build.step_ends_at = self
                    .now
                    .plus(Minutes(gate_minutes(next, build.hotfix_of.is_some())));
                i += 1;
            } else {
                let build = self.builds.remove(i);
                self.release_build(build, events);
            }
        }
    }

    pub(crate) fn flaky_chance(&self) -> f64 {
        if self.now < self.flaky_until {
            0.35
        } else {
            self.config.flaky_test_rate
        }
    }

    /// Advances each instance's health (starts finishing, crash loops, memory leaks) and
    /// counts the result for the traffic model in the same pass, so the minute walks the
    /// instances once. With `route` (the rollout does not fix the weights), each pool also
    /// gets the weight the router gives when at most one pool serves (see
    /// `traffic::simulate_minute`, which reroutes when more do).
    fn update_instances(&mut self, i: usize, route: bool, events: &mut Vec<Event>) -> Census {
        let now = self.now;
        let stage = &mut self.stages[i];
        let mut census = Census::default();
        let mut crashed = Vec::new();
        let mut recovered = 0;
        for pool in stage.pools.iter_mut() {
            let t = &pool.traits;
            // Whether a start fails, and why. Most minutes no instance starts, so the
            // settings are looked up only when one does (the reason, which may hold the
            // missing setting's name, is built only then too).
            let (settings, secrets) = (&stage.settings, &stage.secrets);
            let missing = || {
                t.requires_config
                    .as_ref()
                    .filter(|k| !settings.contains_key(*k) && !secrets.contains(*k))
            };
            let crash_on_start = t.defect == Defect::CrashOnStart;
            let start_fails = || crash_on_start || missing().is_some();
            let start_failure = || match missing() {
                Some(k) if !crash_on_start => CrashReason::MissingConfig(k.clone()),
                _ => CrashReason::Defect,
            };
            let leak = if t.defect == Defect::MemoryLeak {
                0.004
                    * stage.dark.get(&pool.release).map_or(1.0, |f| {
                        f64::from(*stage.flags.get(f).unwrap_or(&0)) / 100.0
                    })
            } else {
                0.0
            };
            let mut healthy = 0;
            // Most minutes nothing changes (see `steady_census`): the update then walks none.
            let steady = steady_census(&pool.instances, leak, census.memory);
            if let Some((count, memory)) = steady {
                (healthy, census.memory) = (count, memory);
            }
            let to_update = if steady.is_some() { 0 } else { pool.instances.len() };
            for inst in pool.instances[..to_update].iter_mut() {
                // Whether the instance is healthy once updated, from the one match (most
                // are healthy and stay so: that arm comes first).
                let healthy_now = match &inst.health {
                    Health::Healthy => {
                        if leak > 0.0 {
                            inst.memory += leak;
                        }
                        if leak > 0.0 && inst.memory >= 1.0 {
                            inst.memory = 0.3;
                            inst.health = Health::Restarting {
                                ready_at: now.plus(Minutes(START_MINUTES)),
                                reason: CrashReason::OutOfMemory,
                            };
                            crashed.push((pool.release, CrashReason::OutOfMemory));
                            false
                        } else {
                            true
                        }
                    }
                    Health::Starting { ready_at } | Health::Restarting { ready_at, .. }
                        if *ready_at <= now =>
                    {
                        let was_restart = matches!(inst.health, Health::Restarting { .. });
                        inst.memory = 0.3;
                        if start_fails() {
                            let reason = start_failure();
                            crashed.push((pool.release, reason.clone()));
                            inst.health = Health::CrashLooping { reason };
                            false
                        } else {
                            inst.health = Health::Healthy;
                            if was_restart {
                                recovered += 1;
                            }
                            true
                        }
                    }
                    Health::CrashLooping {
                        reason: CrashReason::MissingConfig(_),
                    } if !start_fails() => {
                        // The missing setting was added: the next restart succeeds.
                        inst.health = Health::Starting {
                            ready_at: now.plus(Minutes(START_MINUTES)),
                        };
                        false
                    }
                    _ => false,
                };
                // A comparison, not `f64::max` (whose NaN handling costs more instructions a
                // minute per instance): the same result, as memory is never NaN (it starts at
                // 0.3 and only grows by a finite leak; JSON cannot hold a NaN).
                if inst.memory > census.memory {
                    census.memory = inst.memory;
                }
                healthy += usize::from(healthy_now);
            }
            pool.healthy_now = healthy;
            if route {
                // All traffic to the serving pool, none if it has no instance at all.
                pool.weight = if !pool.idle && !pool.instances.is_empty() {
                    100
                } else {
                    0
                };
            }
            census.idle |= pool.idle;
            if !pool.idle {
                census.healthy += healthy;
                census.instances += pool.instances.len();
                census.serving += 1;
            }
        }
        if crashed.is_empty() && recovered == 0 {
            return census;
        }
        let id = stage.config.id.clone();
        crashed.dedup();
        for (release, cause) in crashed {
            self.emit(
                events,
                EventKind::InstanceCrashed {
                    stage: id.clone(),
                    release,
                    reason: cause.describe(),
                    cause,
                },
            );
        }
        if recovered > 0 {
            self.emit(events, EventKind::InstanceRecovered { stage: id });
        }
        census
    }

    fn measure(
        &mut self,
        i: usize,
        minute_of_day: u32,
        fixed: bool,
        census: Census,
        events: &mut Vec<Event>,
    ) {
        let (sample, data) = traffic::simulate_minute(
            &mut self.stages[i],
            self.now,
            minute_of_day,
            fixed,
            census,
            &mut self.noise,
        );
        let user_facing = self.is_user_facing(i);
        let stage = &mut self.stages[i];
        stage.last = sample;
        stage.monitor.push(sample);
        let mut newly_corrupted = None;
        if let Some(db) = &mut stage.database {
            db.records += data.writes;
            if data.corrupted > 0 {
                if db.corrupted == 0 {
                    newly_corrupted = Some(data.corrupted);
                }
                db.corrupted = (db.corrupted + data.corrupted).min(db.records);
            }
        }
        let exhausted = match &mut stage.monitor.slo {
            Some(slo) if !slo.exhausted && slo.errors as f64 >= slo.budget() => {
                slo.exhausted = true;
                Some((slo.slo.target, slo.budget(), slo.errors))
            }
            _ => None,
        };
        let id = || self.stages[i].config.id.clone();
        if let Some(records) = newly_corrupted {
            self.emit(
                events,
                EventKind::DataCorrupted {
                    stage: id(),
                    records,
                },
            );
        }
        if let Some((target, budget, errors)) = exhausted {
            let explanation = super::event::Explanation {
                rule: format!(
                    "Error budget for a {:.2} % availability objective",
                    target * 100.0
                ),
                threshold: format!("{budget:.0} failed requests this period"),
                samples: vec![format!("{errors} failed requests so far")],
                verdict: if self.config.error_budget_freeze {
                    "The budget is spent: promotions to this stage are frozen until the period resets (hotfixes excepted).".into()
                } else {
                    "The budget is spent: the team should put reliability work first.".into()
                },
            };
            self.emit(
                events,
                EventKind::ErrorBudgetExhausted {
                    stage: id(),
                    explanation: Box::new(explanation),
                },
            );
        }
        if user_facing {
            let per_user = self.stages[i].config.traffic.requests_per_user.max(0.1);
            self.delivery.failed_requests += u64::from(sample.errors);
            self.delivery.user_minutes_affected += f64::from(sample.errors) / per_user;
            if sample.is_bad() {
                self.delivery.bad_minutes += 1;
            }
            self.maybe_exploit(i, events);
        }
    }

    fn maybe_exploit(&mut self, i: usize, events: &mut Vec<Event>) {
        // Only a serving pool with a security hole draws a chance: most minutes none does.
        let exposed =
            |p: &super::stage::Pool| p.weight > 0 && p.traits.defect == Defect::SecurityHole;
        if !self.stages[i].pools.iter().any(exposed) {
            return;
        }
        for p in 0..self.stages[i].pools.len() {
            let (version, weight) = (
                self.stages[i].pools[p].release,
                self.stages[i].pools[p].weight,
            );
            if weight == 0 {
                continue;
            }
            let vulnerable = self.stages[i].pools[p].traits.defect == Defect::SecurityHole
                && self.releases.get(&version).is_some_and(|r| !r.exploited);
            if vulnerable
                && self
                    .draws
                    .chance(EXPLOIT_CHANCE * f64::from(weight) / 100.0)
            {
                if let Some(r) = self.releases.get_mut(&version) {
                    r.exploited = true;
                }
                let stage = self.stages[i].config.id.clone();
                self.emit(
                    events,
                    EventKind::DefectDiscovered {
                        release: version,
                        stage: stage.clone(),
                        defect: Defect::SecurityHole,
                    },
                );
                self.open_incident(
                    i,
                    format!("Security breach through {version}"),
                    Detection::Breach,
                    events,
                );
            }
        }
    }

    /// Removes an idle blue-green colour once it has drained and its rollback window
    /// (the stage's scale-down delay) has passed.
    fn scale_down_idle(&mut self, i: usize, events: &mut Vec<Event>) {
        let stage = &self.stages[i];
        if !stage.pools.iter().any(|p| p.idle) {
            return;
        }
        let now = self.now;
        let due = |p: &super::stage::Pool| stage.scale_down_at(p).is_some_and(|at| now >= at);
        let Some(k) = stage.pools.iter().position(due) else {
            return;
        };
        let release = self.stages[i].pools.remove(k).release;
        let stage = self.stages[i].config.id.clone();
        self.emit(events, EventKind::IdleColourScaledDown { stage, release });
    }

    fn automatic_backup(&mut self, i: usize, events: &mut Vec<Event>) {
        let stage = &self.stages[i];
        let due = match (stage.config.backup_every, &stage.database) {
            (Some(every), Some(db)) => !db.lost && self.now.since(stage.last_backup_at) >= every,
            _ => false,
        };
        if due {
            let event = self.take_backup(i);
            events.push(event);
        }
    }

    /// Whether a release is at fault in a stage (ground truth the simulator knows): a defect,
    /// a missing setting or a schema it cannot read.
    pub(crate) fn release_is_faulty(&self, i: usize, release: super::ids::Version) -> bool {
        let stage = &self.stages[i];
        self.releases
            .get(&release)
            .is_some_and(|r| r.traits.defect != Defect::None || cannot_start_here(stage, r))
    }
}

/// With no leak and every instance healthy, a minute changes no instance: their count and
/// the highest memory share (compared from `memory` in the full update's order), in a walk
/// about half as long per instance as the update's match and leak checks. `None` otherwise.
fn steady_census(instances: &[super::stage::Instance], leak: f64, memory: f64) -> Option<(usize, f64)> {
    if leak > 0.0 {
        return None;
    }
    let (mut all_healthy, mut highest) = (true, memory);
    for inst in instances {
        all_healthy &= matches!(inst.health, Health::Healthy);
        if inst.memory > highest {
            highest = inst.memory;
        }
    }
    all_healthy.then_some((instances.len(), highest))
}

/// A release misses a setting the stage lacks, or cannot read the stage's database schema.
fn cannot_start_here(stage: &super::stage::Stage, r: &super::change::Release) -> bool {
    r.traits
        .requires_config
        .as_ref()
        .is_some_and(|k| !stage.has_config(k))
        || stage
            .database
            .as_ref()
            .is_some_and(|d| !d.compatible_with(r.schema))
}

impl World {
    /// Whether a faulty release's fault is what users feel now: errors or slowness from its
    /// defect, a missing setting or an unreadable schema, or a memory leak once an instance
    /// of it ran out of memory. A security hole or corrupted records page no error alert,
    /// and a leak in fresh instances hurts nobody yet, so an incident that opens meanwhile
    /// (the minute of downtime while all-at-once instances boot, say) is not theirs.
    pub(crate) fn fault_shows(&self, i: usize, release: super::ids::Version) -> bool {
        use super::stage::{CrashReason, Health};
        let stage = &self.stages[i];
        let Some(r) = self.releases.get(&release) else {
            return false;
        };
        let setting_or_schema = cannot_start_here(stage, r);
        let oom = || {
            stage.pools.iter().filter(|p| p.release == release).any(|p| {
                p.instances.iter().any(|x| {
                    matches!(
                        x.health,
                        Health::Restarting {
                            reason: CrashReason::OutOfMemory,
                            ..
                        }
                    )
                })
            })
        };
        setting_or_schema
            || match r.traits.defect {
                Defect::ErrorRate | Defect::LatencyRegression | Defect::CrashOnStart => true,
                Defect::MemoryLeak => oom(),
                Defect::None | Defect::DataCorruption | Defect::SecurityHole => false,
            }
    }
}

/// Check duration; the expedited hotfix path runs each check in half the time.
pub(crate) fn gate_minutes(gate: GateKind, expedited: bool) -> u32 {
    let d = gate.duration();
    if expedited {
        d.div_ceil(2)
    } else {
        d
    }
}

/// Whether a deploy step is still within its progress deadline.
pub(crate) fn within_deadline(now: SimTime, since: SimTime) -> bool {
    now.since(since).0 < super::rollout::PROGRESS_DEADLINE
}
