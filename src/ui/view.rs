//! Plain data derived from the engine's public state for the components to draw: what a
//! gate shows, how far a rollout has got, where configuration drifts. Pure functions of a
//! [`World`], tested natively.

use crate::sim::change::GateKind;
use crate::sim::rollout::{DeployProgress, GateStatus, Phase, Purpose};
use crate::sim::stage::Stage;
use crate::sim::{ConfigKey, Strategy, World};

#[derive(Clone, Debug, PartialEq)]
pub struct GateView {
    pub kind: GateKind,
    /// "pending", "running", "passed", "failed", "awaiting approval", "idle".
    pub status: &'static str,
    pub glyph: &'static str,
    pub percent: u8,
    /// Why it is in this state, for hover and focus.
    pub reason: String,
}

/// The gates in front of stage `i`, with their state in the current promotion, or the failure
/// of the last one if it stopped there.
pub fn gates(world: &World, i: usize) -> Vec<GateView> {
    let stage = &world.stages[i];
    let running = stage
        .rollout
        .as_ref()
        .filter(|r| matches!(r.phase, Phase::Gates(_)));
    let failed = last_gate_failure(world, i);
    stage
        .config
        .gates
        .iter()
        .map(|&kind| {
            let run = running.and_then(|r| r.gates().iter().find(|g| g.kind == kind));
            match run {
                Some(g) => {
                    let percent = g.percent(world.now);
                    let (status, glyph, reason) = match &g.status {
                        GateStatus::Pending => (
                            "pending",
                            "○",
                            format!(
                                "Waiting for earlier checks of {}.",
                                running.map(|r| r.release.to_string()).unwrap_or_default()
                            ),
                        ),
                        GateStatus::Running { ends_at, .. } => (
                            "running",
                            "▶",
                            format!(
                                "Running: {percent} % done, finishes in {} min.",
                                ends_at.0.saturating_sub(world.now.0)
                            ),
                        ),
                        GateStatus::Passed => ("passed", "✓", "Passed for this release.".into()),
                        GateStatus::Failed { reason } => ("failed", "✕", reason.clone()),
                        GateStatus::AwaitingApproval => (
                            "awaiting approval",
                            "?",
                            "Waiting for someone allowed to approve (not the author).".into(),
                        ),
                        GateStatus::Approved { by } => {
                            ("passed", "✓", format!("Approved by {by}."))
                        }
                    };
                    GateView {
                        kind,
                        status,
                        glyph,
                        percent,
                        reason,
                    }
                }
                None => match &failed {
                    Some((k, reason)) if *k == kind => GateView {
                        kind,
                        status: "failed",
                        glyph: "✕",
                        percent: 0,
                        reason: reason.clone(),
                    },
                    _ => GateView {
                        kind,
                        status: "idle",
                        glyph: "·",
                        percent: 0,
                        reason: "No promotion is running through this gate.".into(),
                    },
                },
            }
        })
        .collect()
}

/// The last gate failure for stage `i` (kept by the engine), unless a release has been
/// deployed there since.
fn last_gate_failure(world: &World, i: usize) -> Option<(GateKind, String)> {
    let stage = &world.stages[i];
    let f = stage.last_gate_failure.as_ref()?;
    if stage.history.last().is_some_and(|d| d.at > f.at) {
        return None;
    }
    let tag = if f.flaky {
        " (flaky test: try again)"
    } else {
        ""
    };
    Some((
        f.gate,
        format!(
            "Failed{tag}: {} {}",
            f.explanation.samples.join("; "),
            f.explanation.verdict
        ),
    ))
}

/// A running deploy, rollback or restore: what it is and how far it has got.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    pub label: String,
    pub percent: u8,
    pub rollback: bool,
}

pub fn progress(world: &World, i: usize) -> Vec<Progress> {
    let stage = &world.stages[i];
    let mut out = Vec::new();
    if let Some(r) = &stage.rollout {
        let rollback = matches!(r.purpose, Purpose::Rollback { .. });
        let verb = if rollback { "Back to" } else { "" };
        let paused = if r.paused { " (paused)" } else { "" };
        match &r.phase {
            Phase::Gates(g) => {
                let done = g
                    .iter()
                    .filter(|g| {
                        matches!(g.status, GateStatus::Passed | GateStatus::Approved { .. })
                    })
                    .count();
                let pct = if g.is_empty() {
                    0
                } else {
                    (done * 100 / g.len()) as u8
                };
                out.push(Progress {
                    label: format!("Gates for {}: {done}/{}", r.release, g.len()),
                    percent: pct,
                    rollback,
                });
            }
            Phase::Deploying(p) => {
                let n = u32::from(stage.config.instances.max(1));
                let (what, pct) = match p {
                    DeployProgress::AllAtOnce { .. } => (
                        "all at once".to_string(),
                        healthy_share(stage, r.release, n),
                    ),
                    DeployProgress::Surge { .. } => {
                        ("starting".to_string(), healthy_share(stage, r.release, n))
                    }
                    DeployProgress::Rolling { moved, .. } => (
                        rolling_label(stage, *moved, n),
                        (u32::from(*moved) * 100 / n).min(100) as u8,
                    ),
                    DeployProgress::BlueGreen { ready, .. } => {
                        let text = if *ready {
                            "green ready: switch"
                        } else {
                            "starting green"
                        };
                        (
                            text.to_string(),
                            if *ready {
                                100
                            } else {
                                healthy_share(stage, r.release, n)
                            },
                        )
                    }
                    DeployProgress::Canary { step, .. } => {
                        let steps = match &r.strategy {
                            Some(Strategy::Canary(plan)) => plan.steps.clone(),
                            _ => vec![],
                        };
                        let weight = steps.get(*step).copied().unwrap_or(100);
                        (
                            format!("canary {}/{}", step + 1, steps.len().max(1)),
                            weight,
                        )
                    }
                };
                let verb = if verb.is_empty() {
                    String::new()
                } else {
                    format!("{verb} ")
                };
                out.push(Progress {
                    label: format!("{verb}{} {what}{paused}", r.release),
                    percent: pct,
                    rollback,
                });
            }
        }
    }
    if let Some(restore) = &stage.faults.restoring {
        let total = restore
            .done_at
            .0
            .saturating_sub(restore.started_at.0)
            .max(1);
        let pct = (world.now.0.saturating_sub(restore.started_at.0) * 100 / total).min(100) as u8;
        out.push(Progress {
            label: format!("Restoring from {}", restore.backup),
            percent: pct,
            rollback: false,
        });
    }
    out
}

fn healthy_share(stage: &Stage, release: crate::sim::Version, n: u32) -> u8 {
    let healthy: usize = stage
        .pools
        .iter()
        .filter(|p| p.release == release)
        .map(|p| p.healthy())
        .sum();
    ((healthy as u32 * 100) / n).min(100) as u8
}

/// Build progress of CI (the commits on their way to the first stage).
pub fn builds(world: &World) -> Vec<Progress> {
    world
        .builds
        .iter()
        .map(|b| {
            let n = b.gates.len().max(1);
            let gate = b.gates.get(b.current).map_or("done", |g| g.label());
            Progress {
                label: format!("CI {}: {gate}", b.commit.id),
                percent: ((b.current * 100) / n) as u8,
                rollback: false,
            }
        })
        .collect()
}

/// How a stage's configuration keys differ from the previous stage's.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Drift {
    /// Keys the previous stage has and this one lacks.
    pub missing: Vec<ConfigKey>,
    /// Keys this stage has and the previous one lacks.
    pub extra: Vec<ConfigKey>,
}

impl Drift {
    pub fn summary(&self, previous: &str) -> String {
        match (self.missing.is_empty(), self.extra.is_empty()) {
            (true, true) => format!("Config: same keys as {previous}"),
            (false, _) => format!("Config drift: missing {}", join(&self.missing)),
            (true, false) => format!("Config: extra {}", join(&self.extra)),
        }
    }
}

fn join(keys: &[ConfigKey]) -> String {
    keys.iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn drift(world: &World, i: usize) -> Option<Drift> {
    let prev = world.stages.get(i.checked_sub(1)?)?;
    let stage = &world.stages[i];
    let keys = |s: &Stage| {
        let mut set = std::collections::BTreeSet::new();
        set.extend(s.settings.keys().chain(s.secrets.iter()).cloned());
        set
    };
    let (a, b) = (keys(prev), keys(stage));
    // In key order, as the sets are sorted.
    Some(Drift {
        missing: a.iter().filter(|k| !b.contains(k)).cloned().collect(),
        extra: b.iter().filter(|k| !a.contains(k)).cloned().collect(),
    })
}

/// Faults affecting a stage, as short labels.
pub fn faults(world: &World, i: usize) -> Vec<String> {
    let s = &world.stages[i];
    let f = &s.faults;
    let mut out = Vec::new();
    if f.dependency_until.is_some_and(|t| t > world.now) {
        out.push("payment dependency down".into());
    }
    if f.database_until.is_some_and(|t| t > world.now) {
        out.push("database down".into());
    }
    if s.database.as_ref().is_some_and(|d| d.lost) {
        out.push("database lost".into());
    }
    if let Some((factor, until)) = f.spike {
        if until > world.now {
            out.push(format!("traffic ×{factor}"));
        }
    }
    if f.region_down && !f.failed_over {
        out.push("region down".into());
    }
    if f.failed_over {
        out.push("on standby region".into());
    }
    if f.certificate_expired {
        out.push("certificate expired".into());
    }
    out
}

/// What a stage serves, for its headline: one release, or each with its weight. A rollback
/// started early (its surge replaces the pools while the new instances start) leaves no
/// pool with weight for some minutes while the users' traffic still arrives: the stage says
/// what it is starting, never "not serving" while requests come in.
pub fn serving_text(stage: &Stage) -> String {
    match stage.serving().as_slice() {
        [] => {
            let mut starting: Vec<String> = Vec::new();
            for p in &stage.pools {
                let v = p.release.to_string();
                if !starting.contains(&v) {
                    starting.push(v);
                }
            }
            if starting.is_empty() {
                "not serving".into()
            } else {
                format!("{} starting", starting.join(" · "))
            }
        }
        [(v, _)] => v.to_string(),
        many => many
            .iter()
            .map(|(v, w)| format!("{v} {w}%"))
            .collect::<Vec<_>>()
            .join(" · "),
    }
}

/// The stage's releases in few characters, for the phone's narrow boxes: several serving
/// releases without their weights ("v1.20.0 + v1.19.0"; the stage's details give them).
pub fn serving_text_short(stage: &Stage) -> String {
    match stage.serving().as_slice() {
        many @ [_, _, ..] => many.iter().map(|(v, _)| v.to_string()).collect::<Vec<_>>().join(" + "),
        _ => serving_text(stage),
    }
}

/// An SVG `textLength` that squeezes `text` into `max` units when, at `char_w` units per
/// character (a monospace font), it would run past its box: two releases serving side by
/// side overflowed the station ("v1.20.0 50% · v1.19.0 50%").
pub fn fit_length(text: &str, char_w: f64, max: f64) -> Option<String> {
    (text.chars().count() as f64 * char_w > max).then(|| format!("{max:.0}"))
}

/// Error rate above which the flow is drawn broken (matches the engine's "bad minute").
pub const BAD_ERROR_RATE: f64 = 0.05;

/// "rolling 2/4 ready", plus the instances running above the desired number (the surge)
/// or missing below it, so the diagram says what the limits are doing.
fn rolling_label(stage: &crate::sim::stage::Stage, ready: u8, desired: u32) -> String {
    let running: usize = stage.pools.iter().filter(|p| !p.idle).map(|p| p.instances.len()).sum();
    let running = running as u32;
    match running.cmp(&desired) {
        std::cmp::Ordering::Greater => format!("rolling {ready}/{desired} · +{} surge", running - desired),
        std::cmp::Ordering::Less => format!("rolling {ready}/{desired} · {} down", desired - running),
        std::cmp::Ordering::Equal => format!("rolling {ready}/{desired}"),
    }
}
