//! The details panel: what the selected thing is, in plain language, and its live facts.

use yew::prelude::*;

use super::Snapshot;
use crate::sim::monitor::AlertStatus;
use crate::sim::Detection;
use crate::ui::labels;
use crate::ui::state::{Action, Selection};
use crate::ui::view;

#[derive(Properties, PartialEq)]
pub struct DetailsProps {
    pub snapshot: Snapshot,
    pub selection: Option<Selection>,
    pub on_action: Callback<Action>,
}

#[component]
pub fn Details(props: &DetailsProps) -> Html {
    let world = &props.snapshot.world;
    let start = world.config.start_minute_of_day;
    let (title, concept, facts): (String, &str, Vec<String>) = match &props.selection {
        None => (
            "Details".into(),
            "Select an environment, a gate, a release, an alert or an event to see what it is and why it matters.",
            vec![],
        ),
        Some(Selection::Stage(id)) => match world.stage(id) {
            Some(s) => {
                let mut facts = vec![
                    format!("Running: {}", s.serving().iter().map(|(v, w)| format!("{v} ({w} %)")).collect::<Vec<_>>().join(", ")),
                    format!("Instances: {} healthy ({} desired; a surge or a canary runs beside them)", s.pools.iter().filter(|p| !p.idle).map(|p| p.healthy()).sum::<usize>(), s.config.instances),
                    format!("History: {}", s.history.iter().map(|d| d.release.to_string()).collect::<Vec<_>>().join(" → ")),
                ];
                facts.extend(canary_facts(s));
                if let Some(db) = &s.database {
                    facts.push(format!("Database: schema {}, {} records{}", db.schema, db.records, if db.lost { " (LOST)" } else { "" }));
                    facts.push(format!("Backups: {}", s.backups.len()));
                }
                (format!("{} environment", s.name()), labels::stage_concept(s.config.kind), facts)
            }
            None => ("Unknown stage".into(), "", vec![]),
        },
        Some(Selection::Gate(stage, kind)) => {
            let facts = world
                .stage_index(stage)
                .and_then(|i| view::gates(world, i).into_iter().find(|g| g.kind == *kind))
                .map(|g| vec![format!("Status: {}", g.status), g.reason])
                .unwrap_or_default();
            (format!("{} gate", kind.label()), labels::gate_concept(*kind), facts)
        }
        Some(Selection::Release(v)) => {
            let facts = match world.releases.get(v) {
                Some(r) => {
                    let mut f = vec![
                        format!("Summary: {}", r.summary),
                        format!("Built: {}{}", r.built_at.label(start), if r.hotfix { " (hotfix)" } else { "" }),
                        format!("Schema: {}", r.schema),
                    ];
                    let runs: Vec<&str> = world.stages.iter().filter(|s| s.runs(*v)).map(|s| s.name()).collect();
                    f.push(format!("Serving in: {}", if runs.is_empty() { "nowhere".into() } else { runs.join(", ") }));
                    f
                }
                None => vec!["This release has been forgotten (too old).".into()],
            };
            (format!("Release {v}"), labels::RELEASE_CONCEPT, facts)
        }
        Some(Selection::Alert(name)) => {
            let facts = world
                .alerts
                .iter()
                .find(|a| &a.rule.name == name)
                .map(|a| {
                    let status = match a.status {
                        AlertStatus::Ok => "ok".to_string(),
                        AlertStatus::Pending { since } => format!("pending since {}", since.label(start)),
                        AlertStatus::Firing { since } => format!("FIRING since {}", since.label(start)),
                    };
                    vec![
                        match a.rule.windows {
                            Some(w) if a.rule.metric.is_burn_rate() => format!("Rule: {} above {} over the last {} and the last {} (both)", a.rule.metric.label(), a.rule.metric.format(a.rule.threshold), w.long, w.short),
                            _ => format!("Rule: {} above {} for {} min", a.rule.metric.label(), a.rule.metric.format(a.rule.threshold), a.rule.for_minutes),
                        },
                        format!("Severity: {:?}", a.rule.severity),
                        format!("Status: {status}"),
                    ]
                })
                .unwrap_or_default();
            (format!("Alert “{name}”"), labels::ALERT_CONCEPT, facts)
        }
        Some(Selection::Incident(id)) => {
            let facts = world
                .incidents
                .iter()
                .find(|i| &i.id == id)
                .map(|i| {
                    // What it was blamed on and how it was found: a newcomer looking at an
                    // incident from the lab could see when, not why.
                    let detected_by = match i.detected_by {
                        Detection::Alert => "a critical alert paged the team",
                        Detection::Users => "users' reports (no alert paged)",
                        Detection::Breach => "the breach itself",
                    };
                    let mut facts = vec![
                        i.title.clone(),
                        format!("Users hurt from {}", i.impact_started_at.label(start)),
                        format!("Detected after {}: {detected_by}", i.time_to_detect()),
                    ];
                    facts.extend(i.release.map(|v| format!("Running when it opened: {v}")));
                    facts.push(match i.failed_change {
                        Some(v) => format!("Blamed on the production change to {v} (a failed change)"),
                        None => "Blamed on no change (a failure from outside, or the boot of a deploy)".to_string(),
                    });
                    facts.push(match i.mitigated_at {
                        Some(m) => format!("Restored after {} (at {})", i.time_to_restore().unwrap_or_default(), m.label(start)),
                        None => "Restored after — (still open)".to_string(),
                    });
                    facts
                })
                .unwrap_or_default();
            (format!("Incident {id}"), labels::INCIDENT_CONCEPT, facts)
        }
    };
    let close = props
        .on_action
        .reform(|_: MouseEvent| Action::ClosedDetails);
    html! {
        <section class="card details" aria-labelledby="details-heading" data-testid="details">
            <h2 id="details-heading">{ title }</h2>
            <p class="concept">{ concept }</p>
            if !facts.is_empty() { <ul>{ for facts.into_iter().map(|f| html! { <li>{ f }</li> }) }</ul> }
            if props.selection.is_some() { <button type="button" onclick={close}>{ "Close details" }</button> }
        </section>
    }
}

/// During a canary: the canary's own figures beside stable's, and what analysis checks.
fn canary_facts(s: &crate::sim::stage::Stage) -> Vec<String> {
    use crate::sim::rollout::{DeployProgress, Phase};
    use crate::sim::Strategy;
    let Some(r) = &s.rollout else { return vec![] };
    let (Phase::Deploying(DeployProgress::Canary { failures, .. }), Some(Strategy::Canary(plan))) = (&r.phase, &r.strategy) else {
        return vec![];
    };
    let Some(canary) = s.pools.iter().find(|p| p.release == r.release && !p.idle) else { return vec![] };
    let stable = s.pools.iter().filter(|p| p.release != r.release && !p.idle).max_by_key(|p| p.instances.len());
    let a = &plan.analysis;
    let mut facts = vec![format!(
        "Canary {}: {} % of traffic · error rate {:.2} % · p95 {:.0} ms · {failures} failed measurement(s) of at most {}",
        canary.release, canary.weight, canary.error_rate * 100.0, canary.p95_ms, a.failure_limit
    )];
    if let Some(st) = stable {
        facts.push(format!("Stable {}: error rate {:.2} % · p95 {:.0} ms", st.release, st.error_rate * 100.0, st.p95_ms));
    }
    facts.push(format!("Analysis: error rate ≤ {:.1} %, p95 ≤ {:.0} ms", a.max_error_rate * 100.0, a.max_p95_ms));
    if let Some(b) = &a.baseline {
        facts.push(format!(
            "Against stable: errors at most {:.1} points higher (z-test, 99 %), p95 at most {:.1}× stable's, judged with at least {} requests each",
            b.max_error_increase * 100.0, b.max_latency_ratio, b.min_requests
        ));
    }
    facts
}
