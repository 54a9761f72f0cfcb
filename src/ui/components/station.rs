//! One environment in the diagram (pools of instances with health glyphs, running versions,
//! progress, faults, configuration drift, live traffic) and the gates in front of it.

use yew::prelude::*;

use super::pipeline::{Place, STATION_H, STATION_W, TOP};
use super::{activate, Snapshot};
use crate::sim::config::TrafficSource;
use crate::sim::{StageId, Strategy, Version};
use crate::ui::labels;
use crate::ui::state::{Action, Selection};
use crate::ui::view::{self, GateView, BAD_ERROR_RATE};

#[derive(Properties, PartialEq)]
pub struct StationProps {
    pub snapshot: Snapshot,
    pub index: usize,
    pub place: Place,
    pub highlighted: bool,
    pub highlight_release: Option<Version>,
    pub on_action: Callback<Action>,
}

#[component]
pub fn Station(props: &StationProps) -> Html {
    let world = &props.snapshot.world;
    let i = props.index;
    let stage = &world.stages[i];
    let x = props.place.x;
    let cx = x + STATION_W / 2.0;
    let id = stage.config.id.clone();
    let (click, key) = {
        let on = props.on_action.clone();
        let id = id.clone();
        activate(Callback::from(move |_| {
            on.emit(Action::Selected(Selection::Stage(id.clone())))
        }))
    };
    let blue_green = stage.pools.iter().any(|p| p.idle)
        || stage
            .rollout
            .as_ref()
            .is_some_and(|r| matches!(r.strategy, Some(Strategy::BlueGreen)));
    let pools = stage.pools.iter().enumerate().map(|(k, pool)| {
        let y = TOP + 64.0 + k as f64 * 40.0;
        let colour = if blue_green { if k == 0 { "blue " } else { "green " } } else { "" };
        let now = world.now;
        let state = if pool.draining(now) {
            "draining".to_string()
        } else if let Some(at) = stage.scale_down_at(pool) {
            let left = at.0.saturating_sub(now.0);
            // Kept warm for an instant switch back; it is scaled down when this reaches 0.
            format!("warm {left} min")
        } else if pool.idle {
            "idle".to_string()
        } else {
            format!("{} %", pool.weight)
        };
        let label = format!("{colour}{} · {state}", pool.release);
        let hl = props.highlight_release == Some(pool.release);
        let instances = pool.instances.iter().enumerate().map(|(j, inst)| {
            let (word, glyph, class) = labels::health(&inst.health);
            let ix = x + 18.0 + j as f64 * 28.0;
            html! {
                <g class={classes!("instance", class)}>
                    <title>{ format!("Instance {} of {}: {word}", j + 1, pool.release) }</title>
                    <circle cx={ix.to_string()} cy={(y + 26.0).to_string()} r="11" />
                    <text x={ix.to_string()} y={(y + 31.0).to_string()} text-anchor="middle" aria-hidden="true">{ glyph }</text>
                </g>
            }
        });
        html! {
            <g class={classes!("pool", pool.idle.then_some("idle"), hl.then_some("highlight"), (!colour.is_empty()).then(|| colour.trim().to_string()))}
               data-release={pool.release.to_string()}>
                <text class="pool-label" x={(x + 10.0).to_string()} y={(y + 8.0).to_string()}>{ label }</text>
                { for instances }
            </g>
        }
    });
    let progress = view::progress(world, i).into_iter().chain(if i == 0 {
        view::builds(world)
    } else {
        vec![]
    });
    let bars = progress.take(2).enumerate().map(|(k, p)| {
        let y = TOP + 148.0 + k as f64 * 28.0;
        let w = (STATION_W - 20.0) * f64::from(p.percent) / 100.0;
        html! {
            <g class={classes!("progress", p.rollback.then_some("rollback"))}>
                <text x={(x + 10.0).to_string()} y={(y + 10.0).to_string()}>{ format!("{}{}", if p.rollback { "⟲ " } else { "" }, p.label) }</text>
                <text class="pct" x={(x + STATION_W - 10.0).to_string()} y={(y + 10.0).to_string()} text-anchor="end">{ format!(" {} %", p.percent) }</text>
                <rect class="track" x={(x + 10.0).to_string()} y={(y + 14.0).to_string()} width={(STATION_W - 20.0).to_string()} height="6" rx="3" />
                <rect class="fill" x={(x + 10.0).to_string()} y={(y + 14.0).to_string()} width={w.to_string()} height="6" rx="3" />
            </g>
        }
    });
    let faults = view::faults(world, i);
    let drift = view::drift(world, i);
    let drift_text = drift.as_ref().map_or_else(
        || "Config: first stage (baseline)".to_string(),
        |d| d.summary(world.stages[i - 1].name()),
    );
    let drifting = drift.as_ref().is_some_and(|d| !d.missing.is_empty());
    let last = stage.last;
    let err = last.error_rate();
    let bad = err > BAD_ERROR_RATE;
    let flow_y = TOP + STATION_H + 22.0;
    let flow_class = classes!(
        "flow",
        bad.then_some("bad"),
        (last.requests == 0).then_some("idle")
    );
    let flow_text = format!(
        "{}{} req/min · p95 {:.0} ms",
        if bad { "⚠ " } else { "" },
        last.requests,
        last.p95_ms
    );
    // Only production has users; in earlier stages the same errors hurt the team, not customers.
    let who = match stage.config.traffic.source {
        TrafficSource::RealUsers => " — users are hurt",
        TrafficSource::LoadTest => " — load tests fail",
        TrafficSource::Light => " — devs see errors",
    };
    let error_text = format!("{:.1} % errors{}", err * 100.0, if bad { who } else { "" });
    // 16 px monospace: about 9.6 units a character.
    let serving = view::serving_text(stage);
    html! {
        <g role="group" aria-label={format!("{} environment", stage.name())}
           class={classes!("station", props.highlighted.then_some("highlight"))}
           transform={format!("translate(0 {})", props.place.y)}
           data-testid={format!("station-{}", id.as_str())}>
            <rect class="station-box" x={x.to_string()} y={TOP.to_string()} width={STATION_W.to_string()} height={STATION_H.to_string()} rx="12" />
            <g class="station-head" role="button" tabindex="0" aria-label={format!("Explain {}", stage.name())} onclick={click} onkeydown={key}>
                <rect class="hit" x={x.to_string()} y={TOP.to_string()} width={STATION_W.to_string()} height="60" rx="12" />
                <text class="station-name" x={cx.to_string()} y={(TOP + 26.0).to_string()} text-anchor="middle">{ stage.name().to_string() }</text>
            </g>
            <text class="station-version" x={cx.to_string()} y={(TOP + 52.0).to_string()} text-anchor="middle"
                textLength={view::fit_length(&serving, 9.6, STATION_W - 12.0)} lengthAdjust="spacingAndGlyphs">
                { serving }
            </text>
            { for pools }
            { for bars }
            if !faults.is_empty() {
                <text class="fault" x={(x + 10.0).to_string()} y={(TOP + 208.0).to_string()}>{ format!("⚠ {}", faults.join(", ")) }</text>
            }
            <text class={classes!("drift", drifting.then_some("bad"))} x={(x + 10.0).to_string()} y={(TOP + 228.0).to_string()}>
                { if drifting { format!("⚠ {drift_text}") } else { drift_text } }
            </text>
            <line class={flow_class} x1={x.to_string()} y1={flow_y.to_string()} x2={(x + STATION_W).to_string()} y2={flow_y.to_string()} />
            <text class={classes!("flow-label", bad.then_some("bad"))} x={cx.to_string()} y={(flow_y + 22.0).to_string()} text-anchor="middle">{ flow_text }</text>
            <text class={classes!("flow-label", bad.then_some("bad"))} x={cx.to_string()} y={(flow_y + 40.0).to_string()} text-anchor="middle">{ error_text }</text>
        </g>
    }
}

#[derive(Properties, PartialEq)]
pub struct GateColumnProps {
    pub gates: Vec<GateView>,
    pub stage: StageId,
    pub stage_name: String,
    pub place: Place,
    /// An arrow across the gap from the previous station (only when that gap is here).
    pub arrow: bool,
    pub on_action: Callback<Action>,
}

/// The checks a release passes to enter a stage, stacked in the gap before it.
#[component]
pub fn GateColumn(props: &GateColumnProps) -> Html {
    let Place {
        x: left,
        y: top,
        width,
    } = props.place;
    let w = width - 16.0;
    let x = left + 8.0;
    let arrow_y = TOP + STATION_H / 2.0;
    let items = props.gates.iter().enumerate().map(|(k, g)| {
        let y = TOP + 70.0 + k as f64 * 40.0;
        let (click, key) = {
            let on = props.on_action.clone();
            let sel = Selection::Gate(props.stage.clone(), g.kind);
            activate(Callback::from(move |_| on.emit(Action::Selected(sel.clone()))))
        };
        let name = format!("{} gate into {}: {}{}. {}", g.kind.label(), props.stage_name, g.status,
            if g.status == "running" { format!(", {} %", g.percent) } else { String::new() }, g.reason);
        let status_class = g.status.replace(' ', "-");
        html! {
            <g class={classes!("gate", status_class)} role="button" tabindex="0" aria-label={name.clone()} onclick={click} onkeydown={key}>
                <title>{ name }</title>
                <rect x={x.to_string()} y={y.to_string()} width={w.to_string()} height="32" rx="8" />
                if g.status == "running" {
                    <rect class="gate-fill" x={x.to_string()} y={(y + 28.0).to_string()} width={(w * f64::from(g.percent) / 100.0).to_string()} height="4" />
                }
                <text x={(x + 8.0).to_string()} y={(y + 21.0).to_string()} aria-hidden="true">{ format!("{} {}", g.glyph, g.kind.label()) }</text>
            </g>
        }
    });
    html! {
        <g class="gates" transform={format!("translate(0 {top})")}>
            if props.arrow {
                <line class="arrow" x1={left.to_string()} y1={arrow_y.to_string()} x2={(left + width).to_string()} y2={arrow_y.to_string()} />
            }
            <text class="gates-title" x={(left + width / 2.0).to_string()} y={(TOP + 60.0).to_string()} text-anchor="middle">
                { format!("Gates → {}", props.stage_name) }
            </text>
            { for items }
        </g>
    }
}
