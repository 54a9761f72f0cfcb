//! The lab's scripted team: `sim::driver::BusyTeam` made configurable by a [`Policy`]. Each
//! minute, before the clock moves, it commits on its cadence, approves after its review
//! time, switches a ready blue-green deployment, promotes what is ready (production only
//! once a batch has gathered), and has on-call roll production back when an incident is
//! left open. It only issues ordinary commands, and writes each one (applied or refused)
//! to a log, so `sim::replay::replay` rebuilds the run exactly.
//!
//! `BusyTeam` itself stays as it is: the determinism hash is computed with it.

use super::policy::{Hours, Policy};
use crate::sim::access::Role;
use crate::sim::command::{Command, GateMode, RollingPlan, Strategy, TraitsChoice};
use crate::sim::event::Event;
use crate::sim::ids::ActorId;
use crate::sim::replay::LoggedCommand;
use crate::sim::rollout::{DeployProgress, Phase};
use crate::sim::time::{SimTime, MINUTES_PER_DAY};
use crate::sim::world::World;

/// Office hours: 09:00 to 17:00.
const OFFICE: (u64, u64) = (9 * 60, 17 * 60);
/// After a refused promotion (a freeze, say) the team waits an hour before asking again.
const RETRY_MINUTES: u64 = 60;

/// The jobs the team does, each done by whoever in the cast may (looked up once).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Job {
    Commit,
    Promote(usize),
    Approve(usize),
    Switch(usize),
    Rollback,
}

pub struct ScriptedTeam {
    strategy: Strategy,
    hours: Hours,
    /// Minutes between commits within the working window.
    every: u64,
    commits_per_release: u64,
    review_minutes: u64,
    response_minutes: u64,
    commits: u64,
    retry_at: Vec<u64>,
    /// When each stage's current approval request was first seen.
    approval_seen: Vec<Option<u64>>,
    who: Vec<(Job, Option<ActorId>)>,
}

impl ScriptedTeam {
    pub fn new(policy: &Policy) -> ScriptedTeam {
        let window = match policy.hours {
            Hours::Office => OFFICE.1 - OFFICE.0,
            Hours::AroundTheClock => MINUTES_PER_DAY,
        };
        ScriptedTeam {
            strategy: policy.strategy.to_strategy(),
            hours: policy.hours,
            every: (window / u64::from(policy.commits_per_day.max(1))).max(1),
            commits_per_release: u64::from(policy.commits_per_release.max(1)),
            review_minutes: u64::from(policy.review_minutes),
            response_minutes: u64::from(policy.on_call_response_minutes),
            commits: 0,
            retry_at: Vec::new(),
            approval_seen: Vec::new(),
            who: Vec::new(),
        }
    }

    /// Minutes since the working window opened today, or `None` outside it.
    fn working(&self, w: &World) -> Option<u64> {
        match self.hours {
            Hours::AroundTheClock => Some(w.now.0),
            Hours::Office => {
                let minute = (u64::from(w.config.start_minute_of_day) + w.now.0) % MINUTES_PER_DAY;
                (OFFICE.0..OFFICE.1)
                    .contains(&minute)
                    .then(|| minute - OFFICE.0)
            }
        }
    }

    /// Acts, then advances the world one minute. Every event of the minute goes to `seen`
    /// (the outcome reads them); every command goes to `log` when one is kept.
    pub fn step(
        &mut self,
        w: &mut World,
        log: &mut Option<&mut Vec<LoggedCommand>>,
        seen: &mut dyn FnMut(&World, &Event),
    ) {
        let stages = w.stages.len();
        self.retry_at.resize(stages, 0);
        self.approval_seen.resize(stages, None);
        let now = w.now.0;
        let working = self.working(w);
        if working.is_some_and(|t| t % self.every == 0) {
            self.commits += 1;
            let summary = format!("change {}", self.commits);
            self.act(w, Job::Commit, log, seen, |_| Command::Commit {
                summary,
                traits: TraitsChoice::Surprise,
            });
        }
        let last = stages - 1;
        for i in 1..=last {
            if let Some(r) = &w.stages[i].rollout {
                let release = r.release;
                let ready_green = matches!(
                    r.phase,
                    Phase::Deploying(DeployProgress::BlueGreen { ready: true, .. })
                );
                if r.awaiting_approval() {
                    let seen_at = *self.approval_seen[i].get_or_insert(now);
                    if working.is_some() && now >= seen_at + self.review_minutes {
                        let stage = w.stages[i].config.id.clone();
                        self.act(w, Job::Approve(i), log, seen, |_| Command::Approve {
                            release,
                            stage,
                        });
                    }
                } else if ready_green {
                    let stage = w.stages[i].config.id.clone();
                    self.act(w, Job::Switch(i), log, seen, |_| Command::SwitchTraffic {
                        stage,
                    });
                }
                continue;
            }
            self.approval_seen[i] = None;
            if working.is_none() || now < self.retry_at[i] {
                continue;
            }
            let Some(release) = w.promotable(i) else {
                continue;
            };
            let ready = w.stages[i - 1].rollout.is_none() && w.stages[i - 1].runs_healthy(release);
            if !ready
                || (i == last
                    && (w.open_incidents().next().is_some()
                        || self.pending_commits(w, i, release) < self.commits_per_release))
            {
                continue;
            }
            let to = w.stages[i].config.id.clone();
            let strategy = if i == last {
                self.strategy.clone()
            } else {
                Strategy::Rolling(RollingPlan::batch(1))
            };
            let applied = self.act(w, Job::Promote(i), log, seen, |_| Command::Promote {
                release,
                to,
                strategy,
                gates: GateMode::Enforce,
            });
            if !applied {
                self.retry_at[i] = now + RETRY_MINUTES;
            }
        }
        self.on_call(w, log, seen);
        for e in w.tick() {
            seen(w, &e);
        }
    }

    /// On call: once an incident has been open `response_minutes` without being
    /// mitigated, roll production back to the release before the current one.
    fn on_call(
        &mut self,
        w: &mut World,
        log: &mut Option<&mut Vec<LoggedCommand>>,
        seen: &mut dyn FnMut(&World, &Event),
    ) {
        let now = w.now;
        let prod = w.production();
        let paged = w.open_incidents().any(|inc| {
            inc.mitigated_at.is_none() && now.0 >= inc.detected_at.0 + self.response_minutes
        });
        if prod.rollout.is_some() || !paged {
            return;
        }
        let current = prod.current();
        let Some(to) = prod
            .history
            .iter()
            .rev()
            .map(|d| d.release)
            .find(|v| Some(*v) != current)
        else {
            return;
        };
        let stage = prod.config.id.clone();
        self.act(w, Job::Rollback, log, seen, |_| Command::Rollback { stage, to });
    }

    /// Commits in `release` that stage `i` does not run yet (the batch it would carry).
    fn pending_commits(&self, w: &World, i: usize, release: crate::sim::ids::Version) -> u64 {
        let newest = |v| {
            w.releases
                .get(&v)
                .and_then(|r| r.commits.iter().map(|c| u64::from(c.0)).max())
                .unwrap_or(0)
        };
        let running = w.stages[i].current().map_or(0, newest);
        newest(release).saturating_sub(running)
    }

    /// Issues one command as whoever may do `job`; `true` if it was applied.
    fn act(
        &mut self,
        w: &mut World,
        job: Job,
        log: &mut Option<&mut Vec<LoggedCommand>>,
        seen: &mut dyn FnMut(&World, &Event),
        command: impl FnOnce(&World) -> Command,
    ) -> bool {
        let command = command(w);
        let Some(actor) = self.actor(w, job, &command) else {
            return false;
        };
        if let Some(log) = log.as_deref_mut() {
            log.push(LoggedCommand {
                at: SimTime(w.now.0),
                actor: actor.clone(),
                command: command.clone(),
            });
        }
        match w.apply(&actor, command) {
            Ok(events) => {
                for e in &events {
                    seen(w, e);
                }
                true
            }
            Err(_) => false,
        }
    }

    /// The first member of the cast, by the roles that usually do `job`, whom the access
    /// policy allows to; the approver is never the committer (four eyes).
    fn actor(&mut self, w: &World, job: Job, command: &Command) -> Option<ActorId> {
        if let Some((_, who)) = self.who.iter().find(|(j, _)| *j == job) {
            return who.clone();
        }
        use Role as R;
        let roles: &[Role] = match job {
            Job::Commit => &[R::Developer, R::ReleaseManager, R::Sre, R::Instructor],
            Job::Approve(_) => &[R::Reviewer, R::ReleaseManager, R::Sre, R::Instructor],
            Job::Rollback => &[R::Sre, R::ReleaseManager, R::Developer, R::Instructor],
            Job::Promote(_) | Job::Switch(_) => {
                &[R::Developer, R::ReleaseManager, R::Sre, R::Instructor]
            }
        };
        let committer = match job {
            Job::Approve(_) => self
                .who
                .iter()
                .find(|(j, _)| *j == Job::Commit)
                .and_then(|(_, a)| a.clone()),
            _ => None,
        };
        let who = roles
            .iter()
            .flat_map(|role| w.config.actors.iter().filter(move |a| a.role == *role))
            .map(|a| a.id.clone())
            .find(|id| Some(id) != committer.as_ref() && w.permits(id, command).is_ok());
        self.who.push((job, who.clone()));
        who
    }
}
