//! Rollouts: running a stage's gates, then deploying with a strategy, step by step, until
//! the release serves all traffic, stalls, or is aborted.

use super::change::GateKind;
use super::command::Strategy;
use super::event::{Event, EventKind, Explanation};
use super::ids::Version;
use super::rollout::{DeployProgress, GateStatus, Phase, Rollout};
use super::stage::{Pool, PoolTraits, Stage};
use super::step::gate_minutes;
use super::time::Minutes;
use super::world::World;

/// Index of the (non-idle) pool running `release`, if any.
pub(crate) fn pool_of(stage: &Stage, release: Version) -> Option<usize> {
    stage
        .pools
        .iter()
        .rposition(|p| p.release == release && !p.idle)
}

/// Instances a canary needs to carry `weight` percent of a stage of `instances`, with no
/// more load on each than the stable instances carry (they keep their full number, as in
/// Argo Rollouts without dynamic stable scaling). A canary pod busier than stable's would
/// be judged for the load, not for the release.
pub(crate) fn canary_size(instances: u8, weight: u8) -> usize {
    let (n, w) = (usize::from(instances), usize::from(weight.min(99)));
    (n * w).div_ceil(100 - w).clamp(1, n.max(1))
}

/// The biggest active (non-idle) pool other than `except`: the one that takes back traffic.
pub(crate) fn main_pool(stage: &Stage, except: Option<usize>) -> Option<usize> {
    (0..stage.pools.len())
        .filter(|&j| Some(j) != except && !stage.pools[j].idle)
        .max_by_key(|&j| stage.pools[j].instances.len())
}

impl World {
    pub(crate) fn progress_rollout(&mut self, i: usize, events: &mut Vec<Event>) {
        let Some(mut rollout) = self.stages[i].rollout.take() else {
            return;
        };
        let keep = match rollout.phase {
            Phase::Gates(_) => self.progress_gates(i, &mut rollout, events),
            Phase::Deploying(_) => self.progress_deploy(i, &mut rollout, events),
        };
        if keep {
            self.stages[i].rollout = Some(rollout);
        }
    }

    /// Runs the gates one after another. Returns false once the rollout is over.
    fn progress_gates(&mut self, i: usize, rollout: &mut Rollout, events: &mut Vec<Event>) -> bool {
        // Most minutes a gate is still running or waiting for approval: the stage's id is
        // cloned, and the release looked up, only when something happens.
        let release = rollout.release;
        loop {
            let Phase::Gates(gates) = &mut rollout.phase else {
                return true;
            };
            let Some(gate) = gates
                .iter_mut()
                .find(|g| !matches!(g.status, GateStatus::Passed | GateStatus::Approved { .. }))
            else {
                self.count_production_deploy(i, release);
                let progress = self.begin_deployment(
                    i,
                    release,
                    rollout.strategy.clone(),
                    rollout.from,
                    events,
                );
                rollout.phase = Phase::Deploying(progress);
                return true;
            };
            match gate.status.clone() {
                GateStatus::Pending if gate.kind == GateKind::ManualApproval => {
                    gate.status = GateStatus::AwaitingApproval;
                    self.emit(
                        events,
                        EventKind::ApprovalRequested {
                            release,
                            stage: self.stages[i].config.id.clone(),
                        },
                    );
                    return true;
                }
                GateStatus::Pending => {
                    let expedited = self.releases.get(&release).is_some_and(|r| r.hotfix);
                    let ends_at = self.now.plus(Minutes(gate_minutes(gate.kind, expedited)));
                    gate.status = GateStatus::Running {
                        started_at: self.now,
                        ends_at,
                    };
                    let kind = gate.kind;
                    self.emit(
                        events,
                        EventKind::GateStarted {
                            release,
                            stage: self.stages[i].config.id.clone(),
                            gate: kind,
                        },
                    );
                    if ends_at > self.now {
                        return true;
                    }
                }
                GateStatus::Running { ends_at, .. } if ends_at <= self.now => {
                    let kind = gate.kind;
                    match self.evaluate_gate(i, release, kind, events) {
                        None => {
                            if let Phase::Gates(gates) = &mut rollout.phase {
                                if let Some(g) = gates.iter_mut().find(|g| g.kind == kind) {
                                    g.status = GateStatus::Passed;
                                }
                            }
                            self.emit(
                                events,
                                EventKind::GatePassed {
                                    release,
                                    stage: self.stages[i].config.id.clone(),
                                    gate: kind,
                                },
                            );
                        }
                        Some((flaky, explanation)) => {
                            if !flaky {
                                if let Some(d) = self.releases.get(&release).map(|r| r.traits.defect) {
                                    self.defect_found(d);
                                }
                            }
                            self.stages[i].last_gate_failure = Some(super::stage::GateFailure {
                                release,
                                gate: kind,
                                at: self.now,
                                flaky,
                                explanation: explanation.clone(),
                            });
                            self.emit(
                                events,
                                EventKind::GateFailed {
                                    release,
                                    stage: self.stages[i].config.id.clone(),
                                    gate: kind,
                                    flaky,
                                    explanation: Box::new(explanation),
                                },
                            );
                            return false;
                        }
                    }
                }
                _ => return true,
            }
        }
    }

    /// A promotion into the last stage counts as a production deployment from the moment it
    /// starts replacing instances: from then on users can be hurt by it.
    pub(crate) fn count_production_deploy(&mut self, i: usize, release: Version) {
        if i + 1 == self.stages.len() {
            // DORA's lead time for changes runs from commit to production, so a deploy that
            // carries a batch (releases production skipped, a release train) counts from the
            // oldest commit production does not run yet. A hotfix counts from its own commit.
            let running = self.stages[i].current();
            let hotfix = self.releases.get(&release).is_some_and(|r| r.hotfix);
            let oldest = self
                .releases
                .range(..=release)
                .rev()
                .take_while(|(v, _)| running.is_none_or(|r| **v > r))
                .filter(|(v, r)| **v == release || (!hotfix && !r.hotfix))
                .map(|(_, r)| r.first_commit_at)
                .min();
            let lead = oldest.map_or(super::time::Minutes(0), |at| self.now.since(at));
            self.delivery.deployed_to_production(release, lead);
        }
    }

    /// Decides a finished check. `None` means it passed.
    fn evaluate_gate(
        &mut self,
        i: usize,
        release: Version,
        gate: GateKind,
        events: &mut Vec<Event>,
    ) -> Option<(bool, Explanation)> {
        let stage_name = self.stages[i].name().to_string();
        let rule = format!("{} must pass before {stage_name}", gate.label());
        let exercises_running_code = matches!(
            gate,
            GateKind::IntegrationTests | GateKind::AcceptanceTests | GateKind::LoadTest
        );
        if exercises_running_code && i > 0 {
            let source = &self.stages[i - 1];
            let failing = match pool_of(source, release) {
                None => Some(format!(
                    "{release} is no longer running in {}",
                    source.name()
                )),
                Some(p) if source.pools[p].healthy() == 0 => Some(format!(
                    "{release} has no healthy instance in {}",
                    source.name()
                )),
                Some(p) if source.pools[p].error_rate > 0.2 => Some(format!(
                    "{release} fails {:.0} % of requests in {}",
                    source.pools[p].error_rate * 100.0,
                    source.name()
                )),
                _ => None,
            };
            if let Some(sample) = failing {
                let explanation = Explanation {
                    rule,
                    threshold: "the release must run healthily in the previous stage".into(),
                    samples: vec![sample.clone()],
                    verdict: format!(
                        "{} could not run against a working {release}.",
                        gate.label()
                    ),
                };
                return Some((false, explanation));
            }
        }
        let r = self.releases.get(&release)?;
        let chance = r.traits.detection_chance(gate);
        let defect = r.traits.defect;
        let known = r.detected.get(&gate).copied();
        let caught = match known {
            Some(c) => c,
            None => {
                let c = self.draws.chance(chance);
                if let Some(r) = self.releases.get_mut(&release) {
                    r.detected.insert(gate, c);
                }
                c
            }
        };
        if caught {
            let stage = self.stages[i].config.id.clone();
            self.emit(
                events,
                EventKind::DefectDiscovered {
                    release,
                    stage,
                    defect,
                },
            );
            let sample = format!("{} found a {}", gate.label(), defect.label());
            let explanation = Explanation {
                rule,
                threshold: "every check green".into(),
                samples: vec![
                    sample.clone(),
                    format!(
                        "this kind of check catches a {} {:.0} % of the time",
                        defect.label(),
                        chance * 100.0
                    ),
                ],
                verdict: format!("{release} stops here: fix it and build a new release."),
            };
            return Some((false, explanation));
        }
        if self.draws.chance(self.flaky_chance()) {
            let sample = format!("a flaky test in {} failed", gate.label());
            let explanation = Explanation {
                rule,
                threshold: "every check green".into(),
                samples: vec![
                    sample.clone(),
                    format!(
                        "flaky failure rate now {:.0} %",
                        self.flaky_chance() * 100.0
                    ),
                ],
                verdict:
                    "The failure is not about this release; promoting again re-runs the check."
                        .into(),
            };
            return Some((true, explanation));
        }
        None
    }

    /// Starts replacing instances according to the strategy (None: the platform's default of
    /// starting the new instances beside the old ones, used for builds and rollbacks).
    pub(crate) fn begin_deployment(
        &mut self,
        i: usize,
        release: Version,
        strategy: Option<Strategy>,
        from: Option<Version>,
        events: &mut Vec<Event>,
    ) -> DeployProgress {
        let now = self.now;
        let id = self.stages[i].config.id.clone();
        let n = self.stages[i].config.instances.max(1);
        let label = strategy
            .as_ref()
            .map_or("replace beside the old instances".to_string(), |s| {
                s.label()
            });
        self.emit(
            events,
            EventKind::DeployStarted {
                release,
                stage: id.clone(),
                strategy: label,
                from,
            },
        );
        self.migrate(i, release, events);
        // Only the traits a pool carries: cloning the whole release (its commits, authors
        // and summary) for every deploy and rollback was a measurable share of a busy year.
        let Some(traits) = self.releases.get(&release).map(PoolTraits::of) else {
            return DeployProgress::Surge { since: now };
        };
        let stage = &mut self.stages[i];
        // A rolling deploy carries on with what an earlier, stalled attempt of the same
        // release left (its instances are still there); every other strategy starts a full
        // set of its own, so such leftovers (serving nobody) go, instead of piling up beside it.
        let rolling = matches!(strategy, Some(Strategy::Rolling(_)));
        stage.pools.retain(|p| {
            !p.idle && !p.instances.is_empty() && (rolling || p.release != release || p.weight > 0)
        });
        match strategy {
            None => {
                let pool =
                    Pool::with_traits(release, traits, self.starting_instances(usize::from(n)), 0);
                self.stages[i].pools.push(pool);
                DeployProgress::Surge { since: now }
            }
            Some(Strategy::AllAtOnce) => {
                let pool = Pool::with_traits(
                    release,
                    traits,
                    self.starting_instances(usize::from(n)),
                    100,
                );
                self.stages[i].pools = vec![pool];
                DeployProgress::AllAtOnce { since: now }
            }
            Some(Strategy::Rolling(plan)) => self.begin_rolling(i, release, traits, &plan),
            Some(Strategy::DarkLaunch { flag }) => {
                let stage = &mut self.stages[i];
                stage.dark.insert(release, flag.clone());
                stage.flags.insert(flag.clone(), 0);
                self.emit(
                    events,
                    EventKind::FlagChanged {
                        stage: id,
                        flag,
                        percent: 0,
                    },
                );
                // The new code arrives beside the old (surge), behind a flag that is off: no
                // instance is taken out, so nobody notices, which is the point of a dark launch.
                let pool =
                    Pool::with_traits(release, traits, self.starting_instances(usize::from(n)), 0);
                self.stages[i].pools.push(pool);
                DeployProgress::Surge { since: now }
            }
            Some(Strategy::BlueGreen) => {
                let pool =
                    Pool::with_traits(release, traits, self.starting_instances(usize::from(n)), 0);
                self.stages[i].pools.push(pool);
                DeployProgress::BlueGreen {
                    since: now,
                    ready: false,
                }
            }
            Some(Strategy::Canary(plan)) => {
                let first = plan.steps.first().copied().unwrap_or(10);
                let pool = Pool::with_traits(
                    release,
                    traits,
                    self.starting_instances(canary_size(n, first)),
                    0,
                );
                self.stages[i].pools.push(pool);
                DeployProgress::Canary {
                    step: 0,
                    step_since: now,
                    failures: 0,
                    failed_samples: Vec::new(),
                }
            }
        }
    }

    fn begin_rolling(
        &mut self,
        i: usize,
        release: Version,
        traits: PoolTraits,
        plan: &super::command::RollingPlan,
    ) -> DeployProgress {
        if pool_of(&self.stages[i], release).is_none() {
            self.stages[i]
                .pools
                .push(Pool::with_traits(release, traits, Vec::new(), 0));
        }
        let moved = self.roll(i, release, plan);
        DeployProgress::Rolling {
            moved,
            progressed_at: self.now,
        }
    }

    /// One pass of the Deployment controller: scale the new release up as far as the surge
    /// allows, and stop old instances as far as availability allows (Kubernetes'
    /// `maxSurge` and `maxUnavailable`). Returns how many new instances are ready.
    pub(crate) fn roll(&mut self, i: usize, release: Version, plan: &super::command::RollingPlan) -> u8 {
        let (surge, unavailable) = plan.resolve(self.stages[i].config.instances.max(1));
        self.scale_up(i, release, surge);
        // Old instances go, unready ones first, while desired - unavailable stay ready.
        let c = RollingCount::of(&self.stages[i], release);
        let min_available = c.desired.saturating_sub(usize::from(unavailable));
        let spare = (c.old_ready + c.new_ready).saturating_sub(min_available);
        let mut down = (c.old - c.old_ready) + spare.min(c.old_ready);
        let stage = &mut self.stages[i];
        while down > 0 {
            let Some(p) = stage
                .pools
                .iter_mut()
                .find(|p| p.release != release && !p.idle && !p.instances.is_empty())
            else {
                break;
            };
            match p.instances.iter().position(|x| !x.is_healthy()) {
                Some(k) => {
                    p.instances.remove(k);
                }
                None => {
                    p.instances.pop();
                }
            }
            down -= 1;
        }
        stage
            .pools
            .retain(|p| p.release == release || p.idle || !p.instances.is_empty());
        // Stopping old instances made room within the surge.
        self.scale_up(i, release, surge);
        RollingCount::of(&self.stages[i], release).new_ready as u8
    }

    /// Starts new instances up to the desired number, never exceeding desired + surge in all.
    fn scale_up(&mut self, i: usize, release: Version, surge: u8) {
        let c = RollingCount::of(&self.stages[i], release);
        let room = (c.desired + usize::from(surge)).saturating_sub(c.old + c.new);
        let up = c.desired.saturating_sub(c.new).min(room);
        if up > 0 {
            let fresh = self.starting_instances(up);
            let stage = &mut self.stages[i];
            if let Some(p) = pool_of(stage, release) {
                stage.pools[p].instances.extend(fresh);
            }
        }
    }

    pub(crate) fn migrate(&mut self, i: usize, release: Version, events: &mut Vec<Event>) {
        let Some(schema) = self.releases.get(&release).map(|r| r.schema) else {
            return;
        };
        let chain = &self.schema_chain;
        let Some(db) = self.stages[i].database.as_mut() else {
            return;
        };
        if db.lost || db.schema >= schema {
            return;
        }
        let newly = chain
            .iter()
            .skip(db.schema as usize - 1)
            .take((schema - db.schema) as usize);
        let destructive = newly
            .clone()
            .any(|m| *m == super::change::Migration::Destructive);
        db.migrations = chain.iter().take(schema as usize - 1).copied().collect();
        db.schema = schema;
        let stage = self.stages[i].config.id.clone();
        self.emit(
            events,
            EventKind::MigrationApplied {
                stage,
                schema,
                destructive,
            },
        );
    }
}

/// A stage's instances during a rolling update: the new release's and everyone else's.
pub(crate) struct RollingCount {
    pub desired: usize,
    pub old: usize,
    pub old_ready: usize,
    pub new: usize,
    pub new_ready: usize,
}

impl RollingCount {
    pub fn of(stage: &Stage, release: Version) -> Self {
        let mut c = RollingCount {
            desired: usize::from(stage.config.instances.max(1)),
            old: 0,
            old_ready: 0,
            new: 0,
            new_ready: 0,
        };
        for p in stage.pools.iter().filter(|p| !p.idle) {
            let ready = p.instances.iter().filter(|x| x.is_healthy()).count();
            if p.release == release {
                c.new += p.instances.len();
                c.new_ready += ready;
            } else {
                c.old += p.instances.len();
                c.old_ready += ready;
            }
        }
        c
    }
}
