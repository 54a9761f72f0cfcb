//! Alert rules, incidents and the automatic rollback they can trigger.

use super::config::{AlertRule, AutoRollback, Metric, Severity};
use super::event::{Event, EventKind, Explanation};
use super::ids::{ActorId, IncidentId, StageId};
use super::monitor::{AlertState, AlertStatus, Detection, Incident, INCIDENT_CAP};
use super::stage::Stage;
use super::world::World;

/// Minutes an incident must stay quiet after mitigation before it is resolved.
const QUIET_BEFORE_RESOLVED: u32 = 15;

impl World {
    pub(crate) fn evaluate_alerts(&mut self, events: &mut Vec<Event>) {
        let now = self.now;
        // Steady states cost nothing; only transitions build messages. The search resumes
        // after each transition is handled, as handling one can change what the next rules
        // see (an automatic rollback, say).
        let mut from = 0;
        while let Some((a, i, breach)) = self.next_alert_transition(from) {
            from = a + 1;
            let stage = &self.stages[i];
            let status = self.alerts[a].status.clone();
            let rule = self.alerts[a].rule.clone();
            let next = match (breach, status) {
                (true, AlertStatus::Ok) if rule.for_minutes > 1 => {
                    AlertStatus::Pending { since: now }
                }
                (true, AlertStatus::Ok | AlertStatus::Pending { .. }) => {
                    let value = measured(stage, &rule);
                    let samples = match rule.windows {
                        Some(w) if rule.metric.is_burn_rate() => [w.long, w.short]
                            .iter()
                            .map(|m| {
                                let burn = stage.monitor.burn(rule.metric, m.0);
                                format!("over the last {}: {}", m, rule.metric.format(burn))
                            })
                            .collect(),
                        _ => stage
                            .monitor
                            .recent(rule.metric, rule.for_minutes.clamp(1, 8) as usize)
                            .into_iter()
                            .map(|v| rule.metric.format(v))
                            .collect(),
                    };
                    let condition = match rule.windows {
                        Some(w) if rule.metric.is_burn_rate() => format!(
                            "over the last {} and the last {}",
                            w.long,
                            w.short
                        ),
                        _ => format!("for {} min", rule.for_minutes),
                    };
                    let explanation = Explanation {
                        rule: format!(
                            "{}: {} above {} {condition}",
                            rule.name,
                            rule.metric.label(),
                            rule.metric.format(rule.threshold),
                        ),
                        threshold: rule.metric.format(rule.threshold),
                        samples,
                        verdict: format!(
                            "{} is {} in {}.",
                            rule.metric.label(),
                            rule.metric.format(value),
                            stage.name()
                        ),
                    };
                    self.emit(
                        events,
                        EventKind::AlertFired {
                            alert: rule.name.clone(),
                            stage: rule.stage.clone(),
                            severity: rule.severity,
                            explanation: Box::new(explanation.clone()),
                        },
                    );
                    if rule.severity == Severity::Critical {
                        self.open_incident(
                            i,
                            format!("{} in {}", rule.name, self.stages[i].name()),
                            Detection::Alert,
                            events,
                        );
                        self.maybe_auto_rollback(i, explanation, events);
                    }
                    AlertStatus::Firing { since: now }
                }
                (true, s) => s,
                (false, AlertStatus::Firing { .. }) => {
                    self.emit(
                        events,
                        EventKind::AlertResolved {
                            alert: rule.name.clone(),
                            stage: rule.stage.clone(),
                        },
                    );
                    AlertStatus::Ok
                }
                (false, _) => AlertStatus::Ok,
            };
            self.alerts[a].status = next;
        }
        self.update_incidents(events);
    }

    /// The first alert from index `from` on that changes state this minute: its index, its
    /// stage and whether its rule is breached. One walk over the rules (no index to check
    /// per rule), as most minutes none changes.
    fn next_alert_transition(&self, from: usize) -> Option<(usize, usize, bool)> {
        let rest = self.alerts.get(from..)?;
        rest.iter().enumerate().find_map(|(k, alert)| {
            self.alert_transition(alert)
                .map(|(i, breach)| (from + k, i, breach))
        })
    }

    /// Whether `alert` changes state this minute, and if so its stage and whether the rule
    /// is breached. Most minutes nothing changes (no breach while Ok, a breach while
    /// Firing or still Pending), and the answer is `None` without building anything.
    fn alert_transition(&self, alert: &AlertState) -> Option<(usize, bool)> {
        let i = alert.stage_index?;
        let stage = &self.stages[i];
        let rule = &alert.rule;
        let (metric, threshold) = (rule.metric, rule.threshold);
        let has_traffic = stage.last.requests > 0 || metric == Metric::Memory;
        // A burn-rate alert's short window usually settles it before the long one is read.
        // One match, with the long window read inline: `measured` here as well costs a second
        // match per rule and minute (7.5 M instructions over the 60-day bench).
        let breach = has_traffic
            && match rule.windows.filter(|_| metric.is_burn_rate()) {
                Some(w) => {
                    stage.monitor.burn(metric, w.short.0) > threshold
                        && stage.monitor.burn(metric, w.long.0) > threshold
                }
                None => stage.monitor.value(metric, &stage.last) > threshold,
            };
        match (breach, &alert.status) {
            (false, AlertStatus::Ok) | (true, AlertStatus::Firing { .. }) => None,
            (true, AlertStatus::Pending { since })
                if self.now.since(*since).0 + 1 < rule.for_minutes =>
            {
                None
            }
            _ => Some((i, breach)),
        }
    }

    /// Whether an incident is open on `stage`. Open incidents are the newest: the walk
    /// goes from the back and ends once every open one has been seen.
    pub(crate) fn incident_open_on(&self, stage: &StageId) -> bool {
        let open = self.incidents.iter().rev().filter(|x| x.is_open());
        open.take(self.open_count as usize).any(|x| x.stage == *stage)
    }

    pub(crate) fn open_incident(
        &mut self,
        i: usize,
        title: String,
        detected_by: Detection,
        events: &mut Vec<Event>,
    ) {
        if self.incident_open_on(&self.stages[i].config.id) {
            return;
        }
        let stage = self.stages[i].config.id.clone();
        let id = IncidentId(self.next_incident);
        self.next_incident += 1;
        let release = self.stages[i].current();
        let impact_started_at = self.stages[i].monitor.bad_since.unwrap_or(self.now);
        // Room first: a cloned world's incidents are exactly full, and pushing first would
        // reallocate them at twice the size.
        if self.incidents.len() >= INCIDENT_CAP
            && self.incidents.pop_front().is_some_and(|old| old.is_open())
        {
            self.open_count -= 1;
        }
        self.incidents.push_back(Incident {
            id,
            stage: stage.clone(),
            title: title.clone(),
            detected_by,
            impact_started_at,
            detected_at: self.now,
            mitigated_at: None,
            resolved_at: None,
            release,
            failed_change: None,
        });
        self.open_count += 1;
        if i + 1 == self.stages.len() {
            let faulty: Vec<_> = self.stages[i]
                .serving()
                .into_iter()
                .map(|(v, _)| v)
                .filter(|v| self.release_is_faulty(i, *v))
                .collect();
            // A release that breaks others (a destructive migration under the old code)
            // is the change that failed, even while the old code is what errs.
            let deploying = self.stages[i]
                .rollout
                .as_ref()
                .filter(|r| r.is_deploying() && r.purpose == super::rollout::Purpose::Promotion)
                .map(|r| r.release);
            if !faulty.is_empty() {
                if let Some(v) = deploying {
                    self.change_failed(v);
                }
            }
            let shows: Vec<_> = faulty
                .iter()
                .copied()
                .filter(|v| self.fault_shows(i, *v))
                .collect();
            let blamed = deploying
                .filter(|_| !shows.is_empty())
                .or(shows.first().copied());
            for v in faulty {
                self.change_failed(v);
            }
            if let Some(inc) = self.incidents.back_mut().filter(|x| x.id == id) {
                inc.failed_change = blamed;
            }
        }
        self.emit(
            events,
            EventKind::IncidentOpened {
                incident: id,
                stage,
                title,
                detected_by,
            },
        );
    }

    fn update_incidents(&mut self, events: &mut Vec<Event>) {
        if self.open_count == 0 {
            return;
        }
        let now = self.now;
        // Open incidents are usually the newest: walk back from the end and stop once every
        // open one has been seen.
        let mut left = self.open_count;
        for k in (0..self.incidents.len()).rev() {
            if left == 0 {
                break;
            }
            let inc = &self.incidents[k];
            if !inc.is_open() {
                continue;
            }
            left -= 1;
            let stage = &inc.stage;
            // Burn rates look back over a window, so they stay high after users stop being
            // hurt; mitigation is about users, so it is judged on the fast signals only. An
            // alert's stage is matched by the index resolved when the world was built (the
            // first stage with its id, as `stage_index` finds), not by comparing names.
            let healthy_now = self.stage_index(stage).is_some_and(|i| {
                let firing = self.alerts.iter().any(|a| {
                    a.stage_index == Some(i) && a.is_firing() && !a.rule.metric.is_burn_rate()
                });
                let last = &self.stages[i].last;
                !firing && !last.is_bad() && !last.is_slow()
            });
            // Most minutes of an open incident change nothing: its stage is cloned for an
            // event only.
            if !healthy_now {
                continue;
            }
            let stage = stage.clone();
            let inc = &mut self.incidents[k];
            match inc.mitigated_at {
                None => {
                    inc.mitigated_at = Some(now);
                    let ttr = now.since(inc.impact_started_at);
                    let id = inc.id;
                    self.delivery.restored(ttr);
                    self.emit(
                        events,
                        EventKind::IncidentMitigated {
                            incident: id,
                            stage,
                            time_to_restore: ttr,
                        },
                    );
                }
                Some(m) if now.since(m).0 >= QUIET_BEFORE_RESOLVED => {
                    inc.resolved_at = Some(now);
                    let id = inc.id;
                    self.open_count -= 1;
                    self.emit(
                        events,
                        EventKind::IncidentResolved {
                            incident: id,
                            stage,
                        },
                    );
                }
                _ => {}
            }
        }
    }

    /// With automatic rollback on, a critical alert undoes the newest change to the stage,
    /// and the explanation says which alert did it. A deployment still in progress is that
    /// change: it is aborted as Argo Rollouts aborts a rollout (the new release's pods go and
    /// all traffic returns to the stable release at once, when stable still runs at full
    /// size beside it, as during a canary, a surge or before a blue-green switch), or, once
    /// stable's instances are gone (all at once, a rolling update), by rolling back to the
    /// release the deployment replaced, as `kubectl rollout undo` does. Stable itself is
    /// never rolled back for a change that has not finished. With no deployment in progress
    /// the stage goes back to the newest earlier release in its history.
    fn maybe_auto_rollback(&mut self, i: usize, alert: Explanation, events: &mut Vec<Event>) {
        if self.stages[i].config.auto_rollback != AutoRollback::OnCriticalAlert {
            return;
        }
        if self.auto_abort_deployment(i, &alert, events) {
            return;
        }
        let stage = &self.stages[i];
        let Some(current) = stage.current() else {
            return;
        };
        if stage
            .rollout
            .as_ref()
            .is_some_and(|r| matches!(r.purpose, super::rollout::Purpose::Rollback { .. }))
        {
            return;
        }
        // The newest release older than the current one, as `kubectl rollout undo` would
        // pick after a forward deploy: never a newer release production was just rolled back
        // from (that would flip between two releases, each rolled back in turn).
        let Some(target) = stage
            .history
            .iter()
            .rev()
            .map(|d| d.release)
            .find(|v| *v < current)
        else {
            return;
        };
        let explanation = Explanation {
            verdict: format!("Automatic rollback from {current} to {target}."),
            ..alert
        };
        if let Some(ro) = self.stages[i].rollout.take() {
            let id = self.stages[i].config.id.clone();
            self.emit(
                events,
                EventKind::RolloutAborted {
                    release: ro.release,
                    stage: id,
                    automatic: true,
                    explanation: None,
                },
            );
            if ro.release != target {
                self.remove_pool(i, ro.release);
            }
        }
        self.start_rollback(
            i,
            target,
            &ActorId::new("autopilot"),
            Some(explanation),
            events,
        );
    }

    /// The first half of [`World::maybe_auto_rollback`]: aborts a promotion still deploying,
    /// if there is one (`true` then).
    fn auto_abort_deployment(
        &mut self,
        i: usize,
        alert: &Explanation,
        events: &mut Vec<Event>,
    ) -> bool {
        use super::rollout::{DeployProgress, Phase, Purpose};
        let Some(ro) = self.stages[i].rollout.as_ref() else {
            return false;
        };
        if ro.purpose != Purpose::Promotion {
            return false;
        }
        let stable_serves = match &ro.phase {
            Phase::Gates(_) => return false,
            Phase::Deploying(
                DeployProgress::Surge { .. }
                | DeployProgress::BlueGreen { .. }
                | DeployProgress::Canary { .. },
            ) => true,
            Phase::Deploying(_) => false,
        };
        let (release, from) = (ro.release, ro.from.filter(|f| *f != ro.release));
        if !stable_serves && from.is_none() {
            // Nothing ran there before: nothing to go back to.
            return false;
        }
        self.stages[i].rollout = None;
        let back_on = from.map_or("the stable release".into(), |v| v.to_string());
        let explanation = Explanation {
            verdict: if stable_serves {
                format!("Automatic abort of {release}: all traffic is back on {back_on}.")
            } else {
                format!("Automatic abort of {release}: rolling back to {back_on}.")
            },
            ..alert.clone()
        };
        if i + 1 == self.stages.len() {
            self.change_failed(release);
        }
        let id = self.stages[i].config.id.clone();
        self.emit(
            events,
            EventKind::RolloutAborted {
                release,
                stage: id,
                automatic: true,
                explanation: Some(Box::new(explanation.clone())),
            },
        );
        if stable_serves {
            self.remove_pool(i, release);
        } else if let Some(to) = from {
            self.start_rollback(
                i,
                to,
                &ActorId::new("autopilot"),
                Some(explanation),
                events,
            );
        }
        true
    }
}

/// What `rule` compares with its threshold: a multiwindow burn-rate rule's long window, or
/// the metric's value in the last minute.
fn measured(stage: &Stage, rule: &AlertRule) -> f64 {
    match rule.windows.filter(|_| rule.metric.is_burn_rate()) {
        Some(w) => stage.monitor.burn(rule.metric, w.long.0),
        None => stage.monitor.value(rule.metric, &stage.last),
    }
}
