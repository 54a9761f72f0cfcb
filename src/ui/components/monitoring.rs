//! Monitoring: per-environment charts (requests, error rate, p95), the production error
//! budget, open alerts and incidents.

use yew::prelude::*;

use super::chart::Chart;
use super::deferred::Deferred;
use super::Snapshot;
use crate::sim::config::Metric;
use crate::sim::monitor::{AlertStatus, BURN_WINDOW};
use crate::ui::labels;
use crate::ui::state::{Action, Selection};

/// Minutes of history the charts show.
pub const CHART_POINTS: usize = 120;

#[derive(Properties, PartialEq)]
pub struct MonitoringProps {
    pub snapshot: Snapshot,
    /// The snapshot is a looked-back minute, not the present.
    #[prop_or_default]
    pub looking_back: bool,
    pub on_action: Callback<Action>,
}

#[component]
pub fn Monitoring(props: &MonitoringProps) -> Html {
    let world = &props.snapshot.world;
    let end = AttrValue::from(if props.looking_back { "then" } else { "now" });
    let stages = world.stages.iter().map(|s| {
        let m = &s.monitor;
        let requests: Vec<f64> = m.series.iter().rev().take(CHART_POINTS).rev().map(|x| f64::from(x.requests)).collect();
        let errors = m.recent(Metric::ErrorRate, CHART_POINTS);
        let p95 = m.recent(Metric::P95Latency, CHART_POINTS);
        let budget = m.slo.as_ref().map(|slo| {
            let left = slo.remaining();
            let pct = (left * 100.0).clamp(0.0, 100.0);
            let burn = m.burn_rate();
            html! {
                <div class={classes!("budget", (left <= 0.0).then_some("bad"))}>
                    <p>{ format!("SLO {:.1} % of requests succeed · error budget {:.0} % left{} · burn rate {:.1}×", slo.slo.target * 100.0, left * 100.0, if left <= 0.0 { " (spent)" } else { "" }, burn) }</p>
                    <meter min="0" max="100" low="25" high="60" optimum="100" value={pct.to_string()} aria-label={format!("Error budget left in {}", s.name())}>{ format!("{pct:.0} %") }</meter>
                </div>
            }
        });
        // The latency objective counts slow requests against a budget of their own.
        let latency = m.latency_slo.as_ref().map(|l| {
            let burn = m.burn(Metric::LatencyBurnRate, BURN_WINDOW);
            html! {
                <div class={classes!("budget", (burn > 1.0).then_some("warn"))}>
                    <p>{ format!("Latency SLO {:.1} % of requests under {:.0} ms · burn rate {burn:.1}× over the last hour", l.target * 100.0, l.threshold_ms) }</p>
                </div>
            }
        });
        html! {
            <section class="env-monitor" key={s.config.id.as_str().to_string()} aria-label={format!("{} metrics", s.name())}>
                <h3>{ s.name().to_string() }</h3>
                { budget.unwrap_or_default() }
                { latency.unwrap_or_default() }
                // A region the first screen's hydration leaves for a task of its own.
                <Suspense><Deferred>
                    <div class="charts">
                        <Chart title="Requests" unit="req/min" values={requests} end={end.clone()} />
                        <Chart title="Error rate" unit="%" values={errors} scale={100.0} threshold={Some(0.05)} end={end.clone()} />
                        <Chart title="p95 latency" unit="ms" values={p95} threshold={Some(800.0)} end={end.clone()} />
                    </div>
                </Deferred></Suspense>
            </section>
        }
    });
    let alerts = world.alerts.iter().filter(|a| a.status != AlertStatus::Ok).map(|a| {
        let (word, class) = match a.status {
            AlertStatus::Firing { .. } => ("FIRING", "bad"),
            _ => ("pending", "warn"),
        };
        let click = {
            let on = props.on_action.clone();
            let name = a.rule.name.clone();
            Callback::from(move |_: MouseEvent| on.emit(Action::Selected(Selection::Alert(name.clone()))))
        };
        html! {
            <li class={class} key={a.rule.name.as_str().to_string()}>
                <button type="button" class="link" onclick={click}>
                    { format!("{} {word}: {} ({:?}, {})", if class == "bad" { "✕" } else { "!" }, a.rule.name, a.rule.severity, a.rule.metric.label()) }
                </button>
            </li>
        }
    });
    let incidents = world.incidents.iter().rev().take(5).map(|inc| {
        let state = if inc.resolved_at.is_some() { "resolved" } else if inc.mitigated_at.is_some() { "mitigated" } else { "OPEN" };
        let on = props.on_action.clone();
        let id = inc.id;
        let click = Callback::from(move |_: MouseEvent| on.emit(Action::Selected(Selection::Incident(id))));
        html! {
            <li key={inc.id.to_string()} class={(state == "OPEN").then_some("bad")}>
                <button type="button" class="link" onclick={click}>
                    { format!("{} {state}: {} · detected after {}{}", inc.id, inc.title, inc.time_to_detect(), inc.time_to_restore().map(|t| format!(" · restored after {t}")).unwrap_or_default()) }
                </button>
            </li>
        }
    });
    let any_alert = world.alerts.iter().any(|a| a.status != AlertStatus::Ok);
    html! {
        <section class="card monitoring" aria-labelledby="monitoring-heading">
            <h2 id="monitoring-heading">{ "Monitoring" }</h2>
            <div class="alerts-incidents">
                <div>
                    <h3>{ "Alerts" }</h3>
                    if any_alert { <ul class="alerts">{ for alerts }</ul> } else { <p class="ok">{ "✓ No alerts firing" }</p> }
                </div>
                <div>
                    <h3>{ "Incidents" }</h3>
                    if world.incidents.is_empty() { <p class="ok">{ "✓ No incidents" }</p> } else { <ul class="incidents">{ for incidents }</ul> }
                </div>
            </div>
            { for stages }
            <p class="hint">{ labels::ALERT_CONCEPT }</p>
        </section>
    }
}
