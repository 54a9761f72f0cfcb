//! The lab's scripted team: `sim::driver::BusyTeam` made configurable by a [`Policy`]. Each
//! minute, before the clock moves, it commits on its cadence, approves after its review
//! time, switches a ready blue-green deployment, promotes what is ready (production only
//! once a batch has gathered, and not while an incident waits for on-call), and has
//! on-call answer an incident left open: first a rollback to the previous release; if that
//! does not help (a destructive migration breaks the old release too, say), a hotfix of the
//! newest release, which the pipeline carries forward (hotfixes pass an error-budget freeze
//! and do not wait for a batch). One answer of each kind per incident, so the team never
//! rolls back and forth. It only issues ordinary commands, and writes each one (applied or refused)
//! to a log, so `sim::replay::replay` rebuilds the run exactly.
//!
//! `BusyTeam` itself stays as it is: the determinism hash is computed with it.

use super::policy::{Hours, Policy};
use crate::sim::access::Role;
use crate::sim::change::MigrationPractice;
use crate::sim::command::{Command, GateMode, RollingPlan, Strategy, TraitsChoice};
use crate::sim::config::Severity;
use crate::sim::event::Event;
use crate::sim::ids::{ActorId, IncidentId, StageId, Version};
use crate::sim::replay::LoggedCommand;
use crate::sim::rollout::{DeployProgress, Phase};
use crate::sim::time::{SimTime, MINUTES_PER_DAY};
use crate::sim::world::World;

/// Office hours: 09:00 to 17:00.
const OFFICE: (u64, u64) = (9 * 60, 17 * 60);
/// After a refused promotion (a freeze, say) the team waits an hour before asking again
/// for the same release; a newer one (a hotfix) is tried at once.
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
    migrations: MigrationPractice,
    /// Per stage: the release last refused there, and when to try it again.
    refused: Vec<Option<(Version, u64)>>,
    /// When each stage's current approval request was first seen.
    approval_seen: Vec<Option<u64>>,
    who: Vec<(Job, Option<ActorId>)>,
    /// How on-call has answered each recent incident, and when.
    answers: Vec<Answered>,
    /// Since when a hotfix is on its way to production: the team stops the line (no new
    /// commits, only hotfixes promoted) so newer releases cannot overtake it.
    hotfix_since: Option<u64>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    RolledBack,
    HotFixed,
}

/// What on-call did about an incident, for which production release, and when.
struct Answered {
    incident: IncidentId,
    release: Option<Version>,
    answer: Answer,
    at: u64,
}

/// Answers remembered; older incidents are long resolved (the engine keeps 50).
const ANSWERS_CAP: usize = 64;
/// After three answers the incident is left to the pipeline (a scripted outage that no
/// release fixes would otherwise be answered all week).
const MAX_ANSWERS: usize = 3;

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
            migrations: policy.migrations,
            refused: Vec::new(),
            approval_seen: Vec::new(),
            who: Vec::new(),
            answers: Vec::new(),
            hotfix_since: None,
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
        self.refused.resize(stages, None);
        self.approval_seen.resize(stages, None);
        let now = w.now.0;
        let working = self.working(w);
        self.follow_hotfix(w, log, seen);
        // An incident's hotfix is reviewed and promoted at any hour, as on-call would.
        let on_duty = working.is_some() || self.hotfix_since.is_some();
        if self.hotfix_since.is_none() && working.is_some_and(|t| t % self.every == 0) {
            self.commits += 1;
            let summary = format!("change {}", self.commits);
            let migrations = self.migrations;
            self.act(w, Job::Commit, log, seen, |_| Command::Commit {
                summary: summary.into(),
                traits: TraitsChoice::Practised { migrations },
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
                    if on_duty && now >= seen_at + self.review_minutes {
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
            if !on_duty {
                continue;
            }
            let Some(release) = w.promotable(i) else {
                continue;
            };
            if self.refused[i].is_some_and(|(v, until)| v == release && now < until) {
                continue;
            }
            // A check that found a real defect finds it again: that release goes no further.
            // A flaky failure is simply run again.
            let caught = w.stages[i]
                .last_gate_failure
                .as_ref()
                .is_some_and(|f| f.release == release && !f.flaky);
            let hotfix = w.releases.get(&release).is_some_and(|r| r.hotfix);
            if caught || (self.hotfix_since.is_some() && !hotfix) {
                continue;
            }
            let ready = w.stages[i - 1].rollout.is_none() && w.stages[i - 1].runs_healthy(release);
            if !ready
                || (i == last
                    && (self.incident_waiting(w)
                        || (self.pending_commits(w, i, release) < self.commits_per_release
                            && !hotfix)))
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
                self.refused[i] = Some((release, now + RETRY_MINUTES));
            }
        }
        self.on_call(w, log, seen);
        w.tick_seen(seen);
    }

    /// On-call's answers to one incident so far.
    fn answers_to(&self, incident: IncidentId) -> impl Iterator<Item = &Answered> {
        self.answers.iter().filter(move |a| a.incident == incident)
    }

    /// An open incident that on-call has not answered yet: production waits for them.
    fn incident_waiting(&self, w: &World) -> bool {
        // Most minutes have no open incident: the count says so without a walk.
        w.open_count > 0
            && w.open_incidents()
            .any(|inc| self.answers_to(inc.id).next().is_none())
    }

    /// On call. An incident needs an answer while users are hurt: not yet mitigated, or
    /// a critical alert firing again on its stage (the engine folds a new breakage into
    /// an incident that is mitigated but not yet resolved), or while the change it was
    /// blamed on still serves production (restarts mitigated it, the fault stays), or
    /// while the fault recurs (a second incident blamed on a change within a day). `response_minutes` after the
    /// page, on-call rolls production back to the newest earlier release it ran; if
    /// production has changed since the page (the platform rolled back by itself) or the
    /// rollback did not help, the answer is a hotfix of the newest release. Each answer
    /// is for the release then in production, at most [`MAX_ANSWERS`] per incident.
    fn on_call(
        &mut self,
        w: &mut World,
        log: &mut Option<&mut Vec<LoggedCommand>>,
        seen: &mut dyn FnMut(&World, &Event),
    ) {
        let now = w.now.0;
        let prod = w.production();
        // With no open incident there is nothing to answer (and no list of what production
        // serves to build, which most minutes would otherwise do for nothing).
        if prod.rollout.is_some() || self.hotfix_since.is_some() || w.open_count == 0 {
            return;
        }
        let current = prod.current();
        let last_change = prod.history.last().map(|d| d.at);
        let alarming = |stage: &StageId| {
            w.alerts.iter().any(|a| {
                a.is_firing() && a.rule.severity == Severity::Critical && a.rule.stage == *stage
            })
        };
        // A change the incident was blamed on that still serves production is still a fault
        // there, even when restarts mitigated the incident (a memory leak crashes again).
        let serving = prod.serving();
        let still_serves =
            |v: Option<Version>| v.is_some_and(|v| serving.iter().any(|(s, _)| *s == v));
        // A second incident blamed on a change within a day says the rollbacks did not
        // remove the fault (earlier releases carry it too): on-call fixes forward.
        let recurring = |inc: &crate::sim::monitor::Incident| {
            inc.failed_change.is_some()
                && w.incidents.iter().any(|o| {
                    o.stage == inc.stage
                        && o.failed_change.is_some()
                        && o.detected_at < inc.detected_at
                        && inc.detected_at.0 - o.detected_at.0 <= MINUTES_PER_DAY
                })
        };
        let due = w.open_incidents().find_map(|inc| {
            let hurting = inc.mitigated_at.is_none()
                || alarming(&inc.stage)
                || still_serves(inc.failed_change)
                || recurring(inc);
            let count = self.answers_to(inc.id).count();
            let latest = self.answers_to(inc.id).last();
            let waited = now >= latest.map_or(inc.detected_at.0, |a| a.at) + self.response_minutes;
            let answered_now = latest.is_some_and(|a| a.release == current);
            let hotfixed_now = answered_now && latest.is_some_and(|a| a.answer == Answer::HotFixed);
            if !hurting || !waited || count >= MAX_ANSWERS || hotfixed_now {
                return None;
            }
            let changed = last_change.is_some_and(|at| at >= inc.detected_at);
            let step = if changed || answered_now {
                Answer::HotFixed
            } else {
                Answer::RolledBack
            };
            Some((inc.id, step))
        });
        let Some((incident, mut step)) = due else {
            return;
        };
        if step == Answer::RolledBack {
            let target = prod
                .history
                .iter()
                .rev()
                .map(|d| d.release)
                .find(|v| current.is_some_and(|c| *v < c));
            match target {
                Some(to) => {
                    let stage = prod.config.id.clone();
                    self.act(w, Job::Rollback, log, seen, |_| Command::Rollback {
                        stage,
                        to,
                    });
                }
                None => step = Answer::HotFixed,
            }
        }
        if step == Answer::HotFixed && self.hotfix(w, log, seen) {
            self.hotfix_since = Some(now);
        }
        if self.answers.len() == ANSWERS_CAP {
            self.answers.remove(0);
        }
        self.answers.push(Answered {
            incident,
            release: current,
            answer: step,
            at: now,
        });
    }

    /// Builds a fix of the newest release (its defects removed, its schema kept).
    fn hotfix(
        &mut self,
        w: &mut World,
        log: &mut Option<&mut Vec<LoggedCommand>>,
        seen: &mut dyn FnMut(&World, &Event),
    ) -> bool {
        let newest = w.releases.iter().rev().find(|(_, r)| !r.hotfix);
        let Some(base) = newest.map(|(v, _)| *v) else {
            return false;
        };
        self.act(w, Job::Commit, log, seen, |_| Command::Hotfix {
            base,
            summary: format!("fix {base}").into(),
        })
    }

    /// Ends the stop-the-line once the hotfix serves production (or no incident waits for
    /// it any more); builds it again if a build that was already running displaced it from
    /// the first stage before it moved on.
    fn follow_hotfix(
        &mut self,
        w: &mut World,
        log: &mut Option<&mut Vec<LoggedCommand>>,
        seen: &mut dyn FnMut(&World, &Event),
    ) {
        let Some(since) = self.hotfix_since else {
            return;
        };
        let fresh = |v: Option<Version>| {
            v.and_then(|v| w.releases.get(&v))
                .is_some_and(|r| r.hotfix && r.built_at.0 >= since)
        };
        let last = w.stages.len() - 1;
        let waiting = w.open_incidents().any(|inc| {
            self.answers_to(inc.id)
                .any(|a| a.answer == Answer::HotFixed)
        });
        if fresh(w.stages[last].current()) || !waiting {
            self.hotfix_since = None;
            return;
        }
        let in_flight = w.builds.iter().any(|b| b.hotfix_of.is_some())
            || w.stages
                .iter()
                .any(|s| fresh(s.current()) || fresh(s.rollout.as_ref().map(|r| r.release)));
        if !in_flight {
            self.hotfix(w, log, seen);
        }
    }

    /// Commits in `release` that stage `i` does not run yet (the batch it would carry).
    fn pending_commits(&self, w: &World, i: usize, release: Version) -> u64 {
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
