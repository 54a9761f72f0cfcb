//! The engine's invariants over any command sequence, shared by the property tests
//! (`tests/engine_properties.rs`, included with `#[path]`) and the soak
//! (`examples/soak.rs`, the same way). Each check returns the broken invariant's name and
//! what was seen, so the property tests can fail with it and the soak can shrink on it.
#![allow(dead_code)]

use stagecraft::sim::*;

/// A broken invariant: its short name (stable, the soak shrinks on it) and what was seen.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    pub invariant: &'static str,
    pub detail: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.invariant, self.detail)
    }
}

pub type Check = Result<(), Violation>;

fn ensure(ok: bool, invariant: &'static str, detail: impl FnOnce() -> String) -> Check {
    if ok {
        Ok(())
    } else {
        Err(Violation {
            invariant,
            detail: detail(),
        })
    }
}

/// The world just before a command, to compare after it: everything but its audit log and
/// recent events (set aside while cloning: they are most of the copy, and a command adds to
/// them whether applied or refused), with their counts.
pub struct Before {
    rest: World,
    audit_total: u64,
    audit_rejected: u64,
    event_count: u64,
}

impl Before {
    pub fn take(w: &mut World) -> Before {
        let audit = std::mem::take(&mut w.audit);
        let recent = std::mem::take(&mut w.recent);
        let rest = w.clone();
        let before = Before {
            rest,
            audit_total: audit.total,
            audit_rejected: audit.rejected,
            event_count: w.event_count,
        };
        w.audit = audit;
        w.recent = recent;
        before
    }
}

/// Follows one run from its first minute: what cleared production's gates, and how many
/// commands were issued (the learners' plus the intruders chaos sends).
#[derive(Clone, Debug, Default)]
pub struct Watch {
    /// Releases that were approved or had their gates overridden in production.
    cleared: Vec<Version>,
    /// Gates passed in production, by release.
    passed: Vec<(Version, GateKind)>,
    /// Commands issued so far, applied or refused.
    pub commands: u64,
}

/// How many intruders' attempts these events report: each is a command of its own,
/// audited like any other.
pub fn intruder_attempts(events: &[Event]) -> u64 {
    events
        .iter()
        .filter(|e| {
            matches!(&e.kind, EventKind::FailureInjected { description } if description.contains("without rights"))
        })
        .count() as u64
}

impl Watch {
    pub fn new() -> Watch {
        Watch::default()
    }

    /// One command just went through `World::apply`: `before` was taken just before it,
    /// `after` is the world now (borrowed mutably only to set its audit log and recent events
    /// aside for the comparison; they are put back), `result` what `apply` returned. Checks
    /// that it was audited, and that a refusal changed nothing but the audit log (and, when the
    /// actor had no right, the one `AccessDenied` event).
    pub fn command(
        &mut self,
        before: Before,
        after: &mut World,
        actor: &ActorId,
        result: &Result<Vec<Event>, Rejection>,
    ) -> Check {
        self.commands += 1;
        let intruders = match result {
            Ok(events) => intruder_attempts(events),
            Err(_) => 0,
        };
        ensure(
            after.audit.total == before.audit_total + 1 + intruders,
            "every command is audited",
            || {
                format!(
                    "audit total went from {} to {} for one command (+{intruders} intruders)",
                    before.audit_total, after.audit.total
                )
            },
        )?;
        let last = after.audit.last();
        ensure(
            last.is_some_and(|e| &e.actor == actor && e.at == after.now),
            "every command is audited",
            || format!("the last audit entry is not this command's: {last:?}"),
        )?;
        let Err(rejection) = result else {
            return ensure(
                matches!(last.map(|e| &e.outcome), Some(audit::Outcome::Applied)),
                "every command is audited",
                || format!("an applied command is audited as {last:?}"),
            );
        };
        ensure(
            matches!(last.map(|e| &e.outcome), Some(audit::Outcome::Rejected { reason }) if *reason == rejection.message),
            "every command is audited",
            || format!("a refusal ({}) is audited as {last:?}", rejection.message),
        )?;
        ensure(
            after.audit.rejected == before.audit_rejected + 1,
            "every command is audited",
            || "a refusal is not counted as rejected".into(),
        )?;
        let denied = rejection.kind == RejectionKind::Unauthorized;
        let added = after.event_count - before.event_count;
        ensure(
            added == u64::from(denied)
                && (!denied
                    || matches!(
                        after.recent.back().map(|e| &e.kind),
                        Some(EventKind::AccessDenied { .. })
                    )),
            "a refusal changes nothing but the audit log",
            || {
                format!(
                    "a {:?} refusal ({}) added {added} events",
                    rejection.kind, rejection.message
                )
            },
        )?;
        // Compare everything else: the audit log, recent events and their count set aside.
        let audit = std::mem::take(&mut after.audit);
        let recent = std::mem::take(&mut after.recent);
        let count = std::mem::replace(&mut after.event_count, before.event_count);
        let same = before.rest == *after;
        let detail = if same {
            String::new()
        } else {
            first_difference(&before.rest, after)
        };
        after.audit = audit;
        after.recent = recent;
        after.event_count = count;
        ensure(same, "a refusal changes nothing but the audit log", || {
            format!(
                "the refusal \"{}\" changed the world{detail}",
                rejection.message
            )
        })
    }

    /// Events just returned by `apply`, `tick` or `run_until`.
    pub fn events(&mut self, w: &World, events: &[Event]) -> Check {
        // An injected intruder's attempt is a command of its own, audited like any other.
        self.commands += intruder_attempts(events);
        let text = stagecraft::lessons::json::to_string(&events);
        ensure(
            !text.contains("SECRET-"),
            "no secret value in events",
            || "a secret value leaked into events".into(),
        )?;
        let prod = w.production();
        let prod_id = &prod.config.id;
        for e in events {
            match &e.kind {
                EventKind::GatesOverridden { release, stage, .. }
                | EventKind::Approved { release, stage, .. }
                    if stage == prod_id =>
                {
                    self.cleared.push(*release)
                }
                EventKind::GatePassed {
                    release,
                    stage,
                    gate,
                } if stage == prod_id => self.passed.push((*release, *gate)),
                EventKind::Deployed { release, stage } if stage == prod_id => {
                    let gates_passed = prod
                        .config
                        .gates
                        .iter()
                        .all(|g| self.passed.contains(&(*release, *g)));
                    ensure(
                        self.cleared.contains(release) || gates_passed,
                        "production only through its gates or a logged override",
                        || {
                            format!("{release} reached production without its gates or a logged override")
                        },
                    )?;
                }
                _ => {}
            }
        }
        // A rollback that is the last word on its stage leaves the chosen release serving.
        for (k, e) in events.iter().enumerate() {
            if let EventKind::RolledBack { stage, to, .. } = &e.kind {
                let later = events[k + 1..].iter().any(|x| {
                    x.stage() == Some(stage)
                        && matches!(
                            x.kind,
                            EventKind::Deployed { .. }
                                | EventKind::RolledBack { .. }
                                | EventKind::TrafficSwitched { .. }
                                | EventKind::DeployStarted { .. }
                        )
                });
                if !later {
                    let serving = w.stage(stage).and_then(|s| s.current());
                    ensure(
                        serving == Some(*to),
                        "a rollback leaves its release serving",
                        || format!("rolled {stage} back to {to}, but {serving:?} serves"),
                    )?;
                }
            }
        }
        Ok(())
    }

    /// At the end of a run: every command was audited, and the saved world (`saved`, the
    /// world's JSON text, when given) keeps no secret.
    pub fn finish(&self, w: &World, saved: Option<&str>) -> Check {
        ensure(
            w.audit.total == self.commands,
            "every command is audited",
            || {
                format!(
                    "{} commands issued, {} audited",
                    self.commands, w.audit.total
                )
            },
        )?;
        ensure(
            !saved.is_some_and(|s| s.contains("SECRET-")),
            "no secret value in a saved world",
            || "a secret value is in the saved world".into(),
        )
    }
}

/// What the world's state must always satisfy: metrics in range, pool weights summing to
/// 100, one active pool per release once settled, instances bounded, finite SLO budgets,
/// corrupted records within the records.
/// A rolling update stays within desired + max surge instances (Kubernetes' rule), and an
/// idle blue-green colour is gone once its scale-down delay has passed.
fn check_rolling_and_idle(w: &World, s: &stagecraft::sim::stage::Stage) -> Check {
    use stagecraft::sim::rollout::{DeployProgress, Phase};
    const ROLLING: &str = "rolling updates stay within their surge; idle colours go on time";
    let id = &s.config.id;
    if let Some(r) = &s.rollout {
        if let (Phase::Deploying(DeployProgress::Rolling { .. }), Some(Strategy::Rolling(plan))) = (&r.phase, &r.strategy) {
            let desired = s.config.instances.max(1);
            let (surge, _) = plan.resolve(desired);
            let running: usize = s.pools.iter().filter(|p| !p.idle).map(|p| p.instances.len()).sum();
            // The limit binds what the update *starts*: instances left by a stalled earlier
            // attempt of the same release (crash-looping, say) may already exceed a smaller
            // new surge, as leftover pods do in Kubernetes. Nothing may be starting then.
            let starting = s
                .pools
                .iter()
                .filter(|p| p.release == r.release && !p.idle)
                .flat_map(|p| &p.instances)
                .any(|x| matches!(x.health, stagecraft::sim::stage::Health::Starting { .. }));
            ensure(
                running <= usize::from(desired) + usize::from(surge) || !starting,
                ROLLING,
                || format!("{id}: {running} running, desired {desired} + surge {surge}: {:?}", s.pools),
            )?;
        }
    }
    let delay = u64::from(s.config.scale_down_delay.0).max(1);
    for p in s.pools.iter().filter(|p| p.idle) {
        ensure(p.idle_since.is_none_or(|at| w.now.0 < at.0 + delay), ROLLING, || {
            format!("{id}: {} idle since {:?}, delay {delay} min, now {}", p.release, p.idle_since, w.now.0)
        })?;
    }
    Ok(())
}

pub fn check_world(w: &World) -> Check {
    const METRICS: &str = "metrics and pools stay consistent";
    for s in &w.stages {
        let m = s.last;
        let id = &s.config.id;
        ensure(m.errors <= m.requests, METRICS, || {
            format!("{id}: {} errors of {} requests", m.errors, m.requests)
        })?;
        ensure(m.p95_ms.is_finite() && m.p95_ms >= 0.0, METRICS, || {
            format!("{id}: p95 {}", m.p95_ms)
        })?;
        ensure(
            m.saturation.is_finite() && m.saturation >= 0.0,
            METRICS,
            || format!("{id}: saturation {}", m.saturation),
        )?;
        ensure((0.0..=1.01).contains(&m.memory), METRICS, || {
            format!("{id}: memory share {}", m.memory)
        })?;
        let total: u32 = s.pools.iter().map(|p| u32::from(p.weight)).sum();
        ensure(
            total == 100 || total == 0 || s.pools.is_empty(),
            METRICS,
            || format!("{id}: weights sum to 100, got {total}: {:?}", s.pools),
        )?;
        if s.rollout.is_none() {
            let active: Vec<_> = s
                .pools
                .iter()
                .filter(|p| !p.idle)
                .map(|p| p.release)
                .collect();
            let mut unique = active.clone();
            unique.dedup();
            ensure(active.len() == unique.len(), METRICS, || {
                format!(
                    "{id}: two active pools run the same release once settled: {:?}",
                    s.pools
                )
            })?;
        }
        ensure(m.slow <= m.requests - m.errors, METRICS, || {
            format!("{id}: {} slow and {} failed of {} requests", m.slow, m.errors, m.requests)
        })?;
        check_rolling_and_idle(w, s)?;
        let running: usize = s.pools.iter().map(|p| p.instances.len()).sum();
        ensure(
            running <= 3 * usize::from(s.config.instances.max(1)),
            METRICS,
            || format!("{id}: {running} instances running"),
        )?;
        if let Some(slo) = &s.monitor.slo {
            ensure(slo.remaining().is_finite(), METRICS, || {
                format!("{id}: error budget {}", slo.remaining())
            })?;
        }
        if let Some(db) = &s.database {
            ensure(db.corrupted <= db.records, METRICS, || {
                format!("{id}: {} corrupted of {} records", db.corrupted, db.records)
            })?;
        }
    }
    Ok(())
}

/// Names the first top-level part of the world that differs (for a readable report).
pub fn first_difference(a: &World, b: &World) -> String {
    let parts: [(&str, bool); 12] = [
        ("config", a.config == b.config),
        ("now", a.now == b.now),
        ("stages", a.stages == b.stages),
        ("releases", a.releases == b.releases),
        ("builds", a.builds == b.builds),
        ("commits_made", a.commits_made == b.commits_made),
        ("schema_chain", a.schema_chain == b.schema_chain),
        ("alerts", a.alerts == b.alerts),
        ("incidents", a.incidents == b.incidents),
        ("scheduled", a.scheduled == b.scheduled),
        ("flaky_until", a.flaky_until == b.flaky_until),
        ("delivery", a.delivery == b.delivery),
    ];
    let differ: Vec<&str> = parts
        .iter()
        .filter(|(_, same)| !same)
        .map(|(name, _)| *name)
        .collect();
    if differ.is_empty() {
        " (in its internal counters or generators)".into()
    } else {
        format!(" (in: {})", differ.join(", "))
    }
}
