//! The instructor's chaos menu: failures injected now or at a chosen time.

use super::access::Role;
use super::command::{Command, Failure, GateMode, Strategy};
use super::commands::reject;
use super::event::{Event, EventKind};
use super::ids::{ActorId, StageId};
use super::stage::{CrashReason, Health};
use super::time::{Minutes, SimTime, MINUTES_PER_DAY};
use super::world::{Rejection, RejectionKind as K, World};

/// The furthest ahead a failure can be scheduled.
const SCHEDULE_HORIZON: u64 = 30 * MINUTES_PER_DAY;

impl World {
    fn check_failure(&self, failure: &Failure) -> Result<usize, Rejection> {
        let stage_of = |s: &StageId| {
            self.stage_index(s)
                .ok_or_else(|| Rejection::new(K::NotFound, format!("there is no stage called {s}")))
        };
        let minutes_ok = |m: u32| {
            if (1..=1440).contains(&m) {
                Ok(())
            } else {
                reject(
                    K::InvalidArgument,
                    "A failure lasts between 1 and 1440 minutes.",
                )
            }
        };
        match failure {
            Failure::FlakyTests { minutes } => minutes_ok(*minutes).map(|_| 0),
            Failure::DependencyOutage { stage, minutes } => {
                minutes_ok(*minutes).and_then(|_| stage_of(stage))
            }
            Failure::DatabaseOutage { stage, minutes } => {
                minutes_ok(*minutes)?;
                let i = stage_of(stage)?;
                self.needs_database(i).map(|_| i)
            }
            Failure::TrafficSpike {
                stage,
                factor,
                minutes,
            } => {
                minutes_ok(*minutes)?;
                if !factor.is_finite() || *factor <= 1.0 || *factor > 50.0 {
                    return reject(
                        K::InvalidArgument,
                        "A traffic spike multiplies traffic by more than 1 and at most 50.",
                    );
                }
                stage_of(stage)
            }
            Failure::DataLoss { stage } => {
                let i = stage_of(stage)?;
                self.needs_database(i).map(|_| i)
            }
            Failure::InstanceCrash { stage }
            | Failure::RegionOutage { stage }
            | Failure::CertificateExpiry { stage }
            | Failure::UnauthorizedDeploy { stage } => stage_of(stage),
        }
    }

    fn needs_database(&self, i: usize) -> Result<(), Rejection> {
        if self.stages[i].database.is_none() {
            return reject(
                K::InvalidState,
                format!("{} has no database.", self.stages[i].name()),
            );
        }
        Ok(())
    }

    /// Starts `failure` in the first minute not yet simulated: the current one for the
    /// scenario's timeline (it fires as a minute begins), the next one for a command (issued
    /// between minutes), so "for 1 minute" always hurts for exactly one minute.
    pub(crate) fn inject(
        &mut self,
        _by: &ActorId,
        failure: Failure,
        starts: SimTime,
    ) -> Result<Vec<Event>, Rejection> {
        let i = self.check_failure(&failure)?;
        let mut events = Vec::new();
        let description = failure.describe();
        let until = |m: u32| starts.plus(Minutes(m));
        match failure {
            Failure::InstanceCrash { .. } => {
                let stage = &mut self.stages[i];
                let target = stage
                    .pools
                    .iter_mut()
                    .filter(|p| p.weight > 0 || stage.rollout.is_none())
                    .flat_map(|p| {
                        let release = p.release;
                        p.instances.iter_mut().map(move |x| (release, x))
                    })
                    .find(|(_, x)| x.is_healthy());
                let Some((release, inst)) = target else {
                    return reject(
                        K::InvalidState,
                        format!("{} has no healthy instance to crash.", stage.config.name),
                    );
                };
                inst.health = Health::Restarting {
                    ready_at: until(3),
                    reason: CrashReason::Injected,
                };
                let id = stage.config.id.clone();
                self.emit(&mut events, EventKind::FailureInjected { description });
                self.emit(
                    &mut events,
                    EventKind::InstanceCrashed {
                        stage: id,
                        release,
                        reason: CrashReason::Injected.describe(),
                        cause: CrashReason::Injected,
                    },
                );
                return Ok(events);
            }
            Failure::DependencyOutage { minutes, .. } => {
                self.stages[i].faults.dependency_until = Some(until(minutes))
            }
            Failure::DatabaseOutage { minutes, .. } => {
                self.stages[i].faults.database_until = Some(until(minutes))
            }
            Failure::TrafficSpike {
                factor, minutes, ..
            } => self.stages[i].faults.spike = Some((factor, until(minutes))),
            Failure::FlakyTests { minutes } => self.flaky_until = until(minutes),
            Failure::RegionOutage { .. } => {
                if self.stages[i].faults.failed_over {
                    return reject(
                        K::InvalidState,
                        "This stage already runs in its standby region.",
                    );
                }
                self.stages[i].faults.region_down = true;
            }
            Failure::CertificateExpiry { .. } => self.stages[i].faults.certificate_expired = true,
            Failure::DataLoss { .. } => {
                let stage = &mut self.stages[i];
                let db = stage.database.as_mut().expect("checked");
                if db.lost {
                    return reject(K::InvalidState, "That database is already lost.");
                }
                db.lost = true;
                db.lost_at = Some(self.now);
                let records = db.records;
                let id = stage.config.id.clone();
                self.emit(&mut events, EventKind::FailureInjected { description });
                self.emit(&mut events, EventKind::DatabaseLost { stage: id, records });
                return Ok(events);
            }
            Failure::UnauthorizedDeploy { stage } => {
                self.emit(&mut events, EventKind::FailureInjected { description });
                let intruder = self
                    .config
                    .actors
                    .iter()
                    .find(|a| a.role == Role::Outsider)
                    .map_or(ActorId::new("intruder"), |a| a.id.clone());
                let release = self
                    .latest_release()
                    .map(|r| r.version)
                    .unwrap_or(self.config.initial_version);
                let attempt = Command::Promote {
                    release,
                    to: stage,
                    strategy: Strategy::AllAtOnce,
                    gates: GateMode::Override {
                        reason: "just shipping it".into(),
                    },
                };
                // The attempt goes through the same front door as everyone else's commands,
                // so the policy decides and the audit log records it.
                if let Ok(mut more) = self.apply(&intruder, attempt) {
                    events.append(&mut more);
                }
                return Ok(events);
            }
        }
        self.emit(&mut events, EventKind::FailureInjected { description });
        Ok(events)
    }

    pub(crate) fn schedule(
        &mut self,
        at: SimTime,
        failure: Failure,
    ) -> Result<Vec<Event>, Rejection> {
        self.check_failure(&failure)?;
        if at <= self.now || at.0 > self.now.0 + SCHEDULE_HORIZON {
            return reject(
                K::InvalidArgument,
                "Schedule a failure for a later time, at most 30 days ahead.",
            );
        }
        let description = failure.describe();
        self.scheduled.push((at, failure));
        Ok(vec![
            self.event(EventKind::FailureScheduled { description, at })
        ])
    }
}

/// What a failure would likely cost if injected now: the engine plays it forward on a copy of
/// the world, so the trainer sees the price before the room pays it.
#[derive(Clone, Debug, PartialEq)]
pub struct Forecast {
    /// Minutes played forward.
    pub minutes: u32,
    /// Failed requests in production over those minutes, with and without the failure.
    pub failed_with: u64,
    pub failed_without: u64,
    /// Share of production's error budget the failure would spend (0.25 = a quarter).
    pub budget_spent: f64,
    /// Whether production's error budget would be spent, which freezes ordinary promotions
    /// (only when the scenario's error-budget freeze is on).
    pub freezes_promotions: bool,
}

impl World {
    /// Plays `failure` forward from now on a copy of this world, next to a copy without it.
    /// Nothing here changes `self`. `None` when the failure would be refused.
    pub fn forecast(&self, by: &ActorId, failure: &Failure, minutes: u32) -> Option<Forecast> {
        let prod = self.stages.len().checked_sub(1)?;
        let mut with = self.clone();
        with.apply(
            by,
            Command::Inject {
                failure: failure.clone(),
            },
        )
        .ok()?;
        let mut without = self.clone();
        let until = SimTime(self.now.0 + u64::from(minutes));
        with.run_until(until);
        without.run_until(until);
        let budget = |w: &World| {
            w.stages[prod]
                .monitor
                .slo
                .as_ref()
                .map_or((0.0, 1.0), |s| (s.errors as f64 / s.budget(), s.remaining()))
        };
        let (spent_with, remaining_with) = budget(&with);
        let (spent_without, _) = budget(&without);
        Some(Forecast {
            minutes,
            failed_with: with.delivery.failed_requests - self.delivery.failed_requests,
            failed_without: without.delivery.failed_requests - self.delivery.failed_requests,
            budget_spent: (spent_with - spent_without).max(0.0),
            freezes_promotions: self.config.error_budget_freeze
                && remaining_with <= 0.0
                && budget(self).1 > 0.0,
        })
    }
}
