//! The diagram for phones (up to 600 px): the stations side by side in one short strip,
//! so it fits a 375 px screen without sideways scrolling and stays in view (pinned at the
//! top) while the bottom sheet acts. Each station keeps what a learner needs at a glance:
//! its name, what it serves, one dot per instance, the running deploy, its gates and its
//! traffic. The full diagram's details stay one tap away (a station explains itself).

use yew::prelude::*;

use super::{activate, Snapshot};
use crate::ui::labels;
use crate::ui::state::{Action, Selection};
use crate::ui::view::{self, BAD_ERROR_RATE};

/// Where the phone layout (this strip and the bottom sheet) takes over; style.css agrees.
pub const PHONE_QUERY: &str = "(max-width: 600px)";

const W: f64 = 360.0;
const GAP: f64 = 12.0;
const BOX_TOP: f64 = 26.0;
const BOX_H: f64 = 134.0;
const H: f64 = BOX_TOP + BOX_H + 2.0;

#[derive(Properties, PartialEq)]
pub struct StripProps {
    pub snapshot: Snapshot,
    pub on_action: Callback<Action>,
}

#[component]
pub fn Strip(props: &StripProps) -> Html {
    let world = &props.snapshot.world;
    let n = world.stages.len().max(1);
    let bw = (W - GAP * (n as f64 - 1.0)) / n as f64;
    let latest = world.latest_release().map(|r| r.version);
    let reached = latest.and_then(|v| world.stages.iter().rposition(|s| s.runs(v)));
    let stations = world.stages.iter().enumerate().map(|(i, stage)| {
        let x = i as f64 * (bw + GAP);
        let cx = x + bw / 2.0;
        let name = stage.name().to_string();
        let (click, key) = {
            let on = props.on_action.clone();
            let id = stage.config.id.clone();
            activate(Callback::from(move |_| on.emit(Action::Selected(Selection::Stage(id.clone())))))
        };
        let dots = stage.pools.iter().flat_map(|p| p.instances.iter().map(move |inst| (p, inst))).take(12).enumerate().map(|(j, (pool, inst))| {
            let (word, glyph, class) = labels::health(&inst.health);
            let (row, col) = (j / 6, j % 6);
            let ix = x + 10.0 + col as f64 * 15.5;
            let iy = BOX_TOP + 47.0 + row as f64 * 14.0;
            html! {
                <g class={classes!("instance", class)}>
                    <title>{ format!("Instance of {}: {word}", pool.release) }</title>
                    <circle cx={ix.to_string()} cy={iy.to_string()} r="6" />
                    <text x={ix.to_string()} y={(iy + 3.5).to_string()} text-anchor="middle" aria-hidden="true">{ glyph }</text>
                </g>
            }
        });
        let progress = view::progress(world, i).into_iter().chain(if i == 0 { view::builds(world) } else { vec![] }).next();
        let bar = progress.map(|p| {
            let y = BOX_TOP + 78.0;
            html! {
                <g class={classes!("progress", p.rollback.then_some("rollback"))}>
                    <title>{ format!("{} {} %", p.label, p.percent) }</title>
                    <text x={(x + 6.0).to_string()} y={y.to_string()}>{ format!("{}{} %", if p.rollback { "⟲ " } else { "" }, p.percent) }</text>
                    <rect class="track" x={(x + 6.0).to_string()} y={(y + 4.0).to_string()} width={(bw - 12.0).to_string()} height="5" rx="2" />
                    <rect class="fill" x={(x + 6.0).to_string()} y={(y + 4.0).to_string()} width={((bw - 12.0) * f64::from(p.percent) / 100.0).to_string()} height="5" rx="2" />
                </g>
            }
        });
        let gates = (i > 0).then(|| {
            let g = view::gates(world, i);
            let glyphs: String = g.iter().map(|g| g.glyph).collect::<Vec<_>>().join("");
            let said = g.iter().map(|g| format!("{} {}", g.kind.label(), g.status)).collect::<Vec<_>>().join(", ");
            let class = if g.iter().any(|g| g.status == "failed") { "failed" } else if g.iter().any(|g| g.status == "awaiting approval") { "awaiting-approval" } else { "" };
            html! {
                <text class={classes!("strip-gates", class)} x={(x + 6.0).to_string()} y={(BOX_TOP + 98.0).to_string()}>
                    <title>{ format!("Gates into {name}: {said}") }</title>
                    { format!("Gates {glyphs}") }
                </text>
            }
        });
        let last = stage.last;
        let bad = last.error_rate() > BAD_ERROR_RATE;
        let faults = view::faults(world, i);
        // 11 px monospace: about 6.6 units a character.
        let serving = view::serving_text_short(stage);
        html! {
            <g role="group" aria-label={format!("{name} environment")} class="station" data-testid={format!("station-{}", stage.config.id.as_str())}>
                <rect class="station-box" x={x.to_string()} y={BOX_TOP.to_string()} width={bw.to_string()} height={BOX_H.to_string()} rx="10" />
                <g class="station-head" role="button" tabindex="0" aria-label={format!("Explain {name}")} onclick={click} onkeydown={key}>
                    <rect class="hit" x={x.to_string()} y={BOX_TOP.to_string()} width={bw.to_string()} height="40" rx="10" />
                    <text class="strip-name" x={cx.to_string()} y={(BOX_TOP + 17.0).to_string()} text-anchor="middle">{ name.clone() }</text>
                </g>
                <text class="station-version strip-version" x={cx.to_string()} y={(BOX_TOP + 34.0).to_string()} text-anchor="middle"
                    textLength={view::fit_length(&serving, 6.6, bw - 8.0)} lengthAdjust="spacingAndGlyphs">{ serving }</text>
                { for dots }
                { bar.unwrap_or_default() }
                { gates.unwrap_or_default() }
                <text class={classes!("strip-flow", bad.then_some("bad"))} x={(x + 6.0).to_string()} y={(BOX_TOP + 114.0).to_string()}>
                    { format!("{}{} rpm", if bad { "⚠ " } else { "" }, last.requests) }
                </text>
                <text class={classes!("strip-flow", bad.then_some("bad"))} x={(x + 6.0).to_string()} y={(BOX_TOP + 128.0).to_string()}>
                    { if faults.is_empty() { format!("{:.1} % errors", last.error_rate() * 100.0) } else { format!("⚠ {}", faults[0]) } }
                </text>
            </g>
        }
    });
    let arrows = (1..n).map(|i| {
        let x = i as f64 * (bw + GAP) - GAP;
        html! { <line class="arrow" x1={x.to_string()} y1={(BOX_TOP + 47.0).to_string()} x2={(x + GAP).to_string()} y2={(BOX_TOP + 47.0).to_string()} /> }
    });
    let token = match (latest, reached) {
        (Some(v), Some(i)) => {
            let x = i as f64 * (bw + GAP) + bw / 2.0 - 36.0;
            let (click, key) = {
                let on = props.on_action.clone();
                activate(Callback::from(move |_| on.emit(Action::Selected(Selection::Release(v)))))
            };
            html! {
                <g class="token" data-testid="release-token" style={format!("transform: translate({x}px, 2px)")}
                   role="button" tabindex="0" aria-label={format!("Newest release {v}, in {}", world.stages[i].name())} onclick={click} onkeydown={key}>
                    <rect width="72" height="22" rx="11" />
                    <text class="strip-token" x="36" y="16" text-anchor="middle">{ v.to_string() }</text>
                </g>
            }
        }
        _ => html! {},
    };
    html! {
        <svg class="pipeline strip" data-testid="pipeline" viewBox={format!("0 0 {W} {H}")} role="group" aria-labelledby="strip-title">
            <title id="strip-title">{ "Release pipeline" }</title>
            { for arrows }
            { for stations }
            { token }
        </svg>
    }
}
