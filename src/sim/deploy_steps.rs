//! Advancing a deployment each minute, and ending it: completed, stalled or aborted.

use super::command::{Side, Strategy, Worse, Z_99};
use super::deploy::{canary_size, main_pool, pool_of};
use super::event::{Event, EventKind, Explanation};
use super::rollout::{DeployProgress, Phase, Purpose, Rollout};
use super::stage::Health;
use super::step::within_deadline;
use super::world::World;

impl World {
    /// Returns false once the rollout is over.
    pub(crate) fn progress_deploy(
        &mut self,
        i: usize,
        rollout: &mut Rollout,
        events: &mut Vec<Event>,
    ) -> bool {
        let release = rollout.release;
        let now = self.now;
        let n = self.stages[i].config.instances.max(1);
        let Phase::Deploying(progress) = &mut rollout.phase else {
            return true;
        };
        let Some(p) = pool_of(&self.stages[i], release) else {
            return false; // The new pool vanished (for instance, the stage was restored); nothing to finish.
        };
        let pool = &self.stages[i].pools[p];
        let all_healthy = !pool.instances.is_empty() && pool.healthy() == pool.instances.len();
        let looping = pool
            .instances
            .iter()
            .any(|x| matches!(x.health, Health::CrashLooping { .. }));
        match progress {
            DeployProgress::AllAtOnce { since } | DeployProgress::Surge { since } => {
                if all_healthy {
                    self.complete(i, rollout, events);
                    return false;
                }
                if !within_deadline(now, *since) {
                    self.stall(i, rollout, events);
                    return false;
                }
                true
            }
            DeployProgress::Rolling {
                moved,
                progressed_at,
            } => {
                if rollout.paused {
                    return true;
                }
                let plan = match &rollout.strategy {
                    Some(Strategy::Rolling(plan)) => plan.clone(),
                    _ => super::command::RollingPlan::batch(1),
                };
                let ready = self.roll(i, release, &plan);
                let c = super::deploy::RollingCount::of(&self.stages[i], release);
                if c.old == 0 && c.new_ready >= c.desired {
                    self.complete(i, rollout, events);
                    return false;
                }
                if ready > *moved {
                    *moved = ready;
                    *progressed_at = now;
                    let stage = self.stages[i].config.id.clone();
                    let percent = (u32::from(ready) * 100 / u32::from(n)).min(100) as u8;
                    self.emit(
                        events,
                        EventKind::DeployProgressed {
                            release,
                            stage,
                            percent,
                        },
                    );
                    return true;
                }
                if !within_deadline(now, *progressed_at) {
                    self.stall(i, rollout, events);
                    return false;
                }
                true
            }
            DeployProgress::BlueGreen { since, ready } => {
                if !*ready && all_healthy {
                    *ready = true;
                    let stage = self.stages[i].config.id.clone();
                    self.emit(events, EventKind::GreenReady { release, stage });
                } else if !*ready && !within_deadline(now, *since) {
                    self.stall(i, rollout, events);
                    return false;
                }
                true
            }
            DeployProgress::Canary { .. } => {
                self.progress_canary(i, rollout, all_healthy, looping, events)
            }
        }
    }

    fn progress_canary(
        &mut self,
        i: usize,
        rollout: &mut Rollout,
        all_healthy: bool,
        looping: bool,
        events: &mut Vec<Event>,
    ) -> bool {
        // The plan is lent out of the rollout for the minute and put back, rather than
        // cloned (its steps are a `Vec`: a clone allocated every minute of a canary). Nothing
        // the minute calls reads the rollout's strategy.
        let Some(Strategy::Canary(plan)) = rollout.strategy.take() else {
            return false;
        };
        let keep = self.canary_minute(i, rollout, &plan, all_healthy, looping, events);
        rollout.strategy = Some(Strategy::Canary(plan));
        keep
    }

    fn canary_minute(
        &mut self,
        i: usize,
        rollout: &mut Rollout,
        plan: &super::command::CanaryPlan,
        all_healthy: bool,
        looping: bool,
        events: &mut Vec<Event>,
    ) -> bool {
        let release = rollout.release;
        let now = self.now;
        let n = self.stages[i].config.instances.max(1);
        let Phase::Deploying(DeployProgress::Canary {
            step,
            step_since,
            failures,
            failed_samples,
        }) = &mut rollout.phase
        else {
            return false;
        };
        let p = pool_of(&self.stages[i], release).expect("checked by the caller");
        let weight = self.stages[i].pools[p].weight;
        let target = plan.steps[*step];
        if weight != target {
            // Warming up, or growing for the next step: as in Argo Rollouts, the weight moves
            // only once the canary instances for it are available, so a healthy canary never
            // takes more than its share of the load (and analysis waits for the new weight).
            if all_healthy {
                self.set_canary_weight(i, p, target);
                *step_since = now;
                self.emit(
                    events,
                    EventKind::CanaryStepStarted {
                        release,
                        stage: self.stages[i].config.id.clone(),
                        weight: plan.steps[*step],
                    },
                );
                return true;
            }
            if looping || !within_deadline(now, *step_since) {
                self.stall(i, rollout, events);
                return false;
            }
            return true;
        }
        if rollout.paused {
            return true;
        }
        // Analysis: one measurement a minute of the canary's own metrics, and (when the plan
        // asks) of the canary against the stable release on the same minute's traffic.
        let stage = &self.stages[i];
        let pool = &stage.pools[p];
        let a = &plan.analysis;
        let bad_errors = pool.error_rate > a.max_error_rate;
        let bad_latency = pool.p95_ms > a.max_p95_ms;
        let side = |k: usize| Side {
            requests: f64::from(stage.last.requests) * f64::from(stage.pools[k].weight) / 100.0,
            error_rate: stage.pools[k].error_rate,
            p95_ms: stage.pools[k].p95_ms,
        };
        let worse = a
            .baseline
            .as_ref()
            .zip(main_pool(stage, Some(p)))
            .and_then(|(b, s)| b.judge(side(p), side(s)))
            .unwrap_or_default();
        if bad_errors || bad_latency || !worse.is_empty() {
            *failures += 1;
            let mut sample = format!(
                "{}: error rate {:.1} %{} · p95 {:.0} ms{}",
                now.label(self.config.start_minute_of_day),
                pool.error_rate * 100.0,
                if bad_errors {
                    format!(" > {:.1} %", a.max_error_rate * 100.0)
                } else {
                    String::new()
                },
                pool.p95_ms,
                if bad_latency {
                    format!(" > {:.0} ms", a.max_p95_ms)
                } else {
                    String::new()
                },
            );
            for w in &worse {
                sample.push_str(&match w {
                    Worse::Errors { z } => format!(" · errors above stable's (z = {z:.1} > {Z_99})"),
                    Worse::Latency { ratio } => format!(" · p95 {ratio:.1}× stable's"),
                });
            }
            failed_samples.push(sample);
            let explanation = self.canary_explanation(plan, failed_samples, *failures);
            self.emit(
                events,
                EventKind::CanaryAnalysisFailed {
                    release,
                    stage: self.stages[i].config.id.clone(),
                    explanation: Box::new(explanation.clone()),
                },
            );
            if *failures > a.failure_limit {
                let from = rollout.from;
                if i + 1 == self.stages.len() {
                    self.change_failed(release);
                }
                self.remove_pool(i, release);
                let verdict_target = from.map_or("the stable release".into(), |v| v.to_string());
                let explanation = Explanation {
                    verdict: format!("Canary aborted: all traffic is back on {verdict_target}."),
                    ..explanation
                };
                self.emit(
                    events,
                    EventKind::RolloutAborted {
                        release,
                        stage: self.stages[i].config.id.clone(),
                        automatic: true,
                        explanation: Some(Box::new(explanation)),
                    },
                );
                return false;
            }
        }
        if now.since(*step_since).0 >= plan.pause_minutes {
            *step += 1;
            if *step >= plan.steps.len() {
                let template = self.stages[i].pools[p]
                    .instances
                    .first()
                    .cloned()
                    .expect("a canary has instances");
                self.promote_canary(i, p, template, rollout, events);
                return false;
            }
            let w = plan.steps[*step];
            *step_since = now;
            let want = canary_size(n, w);
            let have = self.stages[i].pools[p].instances.len();
            if want > have {
                // Start the instances this step needs; the weight follows when they are ready.
                let extra = self.starting_instances(want - have);
                self.stages[i].pools[p].instances.extend(extra);
                return true;
            }
            self.set_canary_weight(i, p, w);
            self.emit(
                events,
                EventKind::CanaryStepStarted {
                    release,
                    stage: self.stages[i].config.id.clone(),
                    weight: w,
                },
            );
        }
        true
    }

    fn canary_explanation(
        &self,
        plan: &super::command::CanaryPlan,
        samples: &[String],
        failures: u32,
    ) -> Explanation {
        let a = &plan.analysis;
        let (rule, against) = match &a.baseline {
            Some(b) => (
                "Canary analysis: the canary's own error rate and p95 latency, and both against the stable release, measured every minute",
                format!(
                    "; against stable: errors at most {:.1} points higher (z-test, 99 %), p95 at most {:.1}×, with at least {} requests each",
                    b.max_error_increase * 100.0,
                    b.max_latency_ratio,
                    b.min_requests
                ),
            ),
            None => (
                "Canary analysis: the canary's own error rate and p95 latency, measured every minute",
                String::new(),
            ),
        };
        Explanation {
            rule: rule.into(),
            threshold: format!(
                "error rate ≤ {:.1} %, p95 ≤ {:.0} ms{against}; abort after more than {} failed measurements",
                a.max_error_rate * 100.0,
                a.max_p95_ms,
                a.failure_limit
            ),
            samples: samples.iter().rev().take(6).rev().cloned().collect(),
            verdict: format!("{failures} of at most {} failed measurements so far.", a.failure_limit),
        }
    }

    pub(crate) fn starting_instances(&self, count: usize) -> Vec<super::stage::Instance> {
        let ready_at = self
            .now
            .plus(super::time::Minutes(super::rollout::START_MINUTES));
        (0..count)
            .map(|_| super::stage::Instance {
                health: Health::Starting { ready_at },
                memory: 0.3,
            })
            .collect()
    }

    /// Scales the canary pool `p` to the stage's full size (copies of its warmed-up
    /// `template` instance) and makes it the only serving release.
    pub(crate) fn promote_canary(
        &mut self,
        i: usize,
        p: usize,
        template: super::stage::Instance,
        rollout: &Rollout,
        events: &mut Vec<Event>,
    ) {
        let n = usize::from(self.stages[i].config.instances.max(1));
        self.stages[i].pools[p].instances = vec![template; n];
        self.complete(i, rollout, events);
    }

    /// Sets the canary's share and gives the rest to the largest other serving pool.
    pub(crate) fn set_canary_weight(&mut self, i: usize, canary: usize, weight: u8) {
        let stage = &mut self.stages[i];
        let stable = main_pool(stage, Some(canary));
        for (j, pool) in stage.pools.iter_mut().enumerate() {
            pool.weight = if j == canary {
                weight
            } else if Some(j) == stable {
                100 - weight
            } else {
                0
            };
        }
        if stable.is_none() {
            stage.pools[canary].weight = 100;
        }
    }

    /// Removes the new release's pool and gives its traffic back to what remains.
    pub(crate) fn remove_pool(&mut self, i: usize, release: super::ids::Version) {
        let stage = &mut self.stages[i];
        if let Some(p) = pool_of(stage, release) {
            stage.pools.remove(p);
        }
        if let Some(best) = main_pool(stage, None) {
            for (j, pool) in stage.pools.iter_mut().enumerate() {
                pool.weight = if j == best { 100 } else { 0 };
            }
        }
    }

    /// The release now serves all traffic here.
    pub(crate) fn complete(&mut self, i: usize, rollout: &Rollout, events: &mut Vec<Event>) {
        let release = rollout.release;
        let now = self.now;
        let stage = &mut self.stages[i];
        // Keep the new pool and any idle blue-green colour; older pools of the same release
        // (left over when a rollout is undone) are replaced by the fresh one.
        let keep = pool_of(stage, release);
        let mut j = 0;
        stage.pools.retain(|p| {
            let kept = Some(j) == keep || p.idle;
            j += 1;
            kept
        });
        for pool in stage.pools.iter_mut() {
            pool.weight = if pool.release == release && !pool.idle {
                100
            } else {
                0
            };
        }
        stage.record_deployment(release, now);
        let id = stage.config.id.clone();
        let production = i + 1 == self.stages.len();
        match &rollout.purpose {
            Purpose::Rollback {
                automatic,
                explanation,
            } => {
                if production {
                    if let Some(from) = rollout.from {
                        self.change_failed(from);
                    }
                }
                let kind = EventKind::RolledBack {
                    stage: id,
                    from: rollout.from,
                    to: release,
                    automatic: *automatic,
                    explanation: explanation.clone().map(Box::new),
                };
                self.emit(events, kind);
            }
            Purpose::Promotion | Purpose::Build => {
                self.emit(events, EventKind::Deployed { release, stage: id });
            }
        }
    }

    /// The deployment did not become healthy in time. Strategies that kept the old release
    /// serving drop the new instances; all-at-once and rolling leave things where they are.
    fn stall(&mut self, i: usize, rollout: &Rollout, events: &mut Vec<Event>) {
        let release = rollout.release;
        let stage = &self.stages[i];
        let reasons: Vec<String> = pool_of(stage, release)
            .map(|p| {
                let mut r: Vec<String> = stage.pools[p]
                    .instances
                    .iter()
                    .filter_map(|x| match &x.health {
                        Health::CrashLooping { reason } | Health::Restarting { reason, .. } => {
                            Some(reason.describe())
                        }
                        Health::Starting { .. } => Some("still starting".into()),
                        Health::Healthy => None,
                    })
                    .collect();
                r.dedup();
                r
            })
            .unwrap_or_default();
        let keeps_old = matches!(
            rollout.phase,
            Phase::Deploying(
                DeployProgress::Surge { .. }
                    | DeployProgress::BlueGreen { .. }
                    | DeployProgress::Canary { .. }
            )
        );
        let verdict = if keeps_old {
            format!("{release} was not given any traffic; the previous release keeps serving.")
        } else {
            format!(
                "{release} is stuck part-way; users are affected until you roll back or fix it."
            )
        };
        let explanation = Explanation {
            rule: "Progress deadline: new instances must become healthy".into(),
            threshold: format!("within {} minutes", super::rollout::PROGRESS_DEADLINE),
            samples: reasons,
            verdict,
        };
        let id = stage.config.id.clone();
        if keeps_old {
            self.remove_pool(i, release);
        }
        if i + 1 == self.stages.len() && matches!(rollout.purpose, Purpose::Promotion) {
            self.change_failed(release);
        }
        self.emit(
            events,
            EventKind::DeployStalled {
                release,
                stage: id,
                explanation: Box::new(explanation),
            },
        );
    }
}
