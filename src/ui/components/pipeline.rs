//! The teaching diagram: every environment a station, left to right, with the gates between
//! them and the newest release as a token above the furthest stage it has reached.

use yew::prelude::*;

use super::station::{GateColumn, Station};
use super::{activate, Snapshot};
use crate::ui::state::{Action, Highlight, Selection};
use crate::ui::view;

pub const VIEW_W: f64 = 1000.0;
pub const PAD: f64 = 10.0;
pub const STATION_W: f64 = 230.0;
pub const STATION_H: f64 = 240.0;
pub const TOP: f64 = 44.0;
pub const HEIGHT: f64 = TOP + STATION_H + 70.0;

pub fn station_x(i: usize, n: usize) -> f64 {
    if n <= 1 {
        return (VIEW_W - STATION_W) / 2.0;
    }
    let gap = (VIEW_W - 2.0 * PAD - n as f64 * STATION_W) / (n as f64 - 1.0);
    PAD + i as f64 * (STATION_W + gap)
}

#[derive(Properties, PartialEq)]
pub struct PipelineProps {
    pub snapshot: Snapshot,
    pub highlight: Highlight,
    pub on_action: Callback<Action>,
}

#[component]
pub fn Pipeline(props: &PipelineProps) -> Html {
    let world = &props.snapshot.world;
    let n = world.stages.len();
    let latest = world.latest_release().map(|r| r.version);
    // The newest release sits over the furthest stage that runs it or is deploying it.
    let reached = latest.and_then(|v| {
        world.stages.iter().rposition(|s| {
            s.pools.iter().any(|p| p.release == v && !p.idle)
                || s.rollout.as_ref().is_some_and(|r| r.release == v)
        })
    });
    let title = match (latest, reached) {
        (Some(v), Some(i)) => format!(
            "Release pipeline: newest release {v} has reached {}",
            world.stages[i].name()
        ),
        _ => "Release pipeline".to_string(),
    };
    let stations = world.stages.iter().enumerate().map(|(i, stage)| {
        let highlighted = props.highlight.stage.as_ref() == Some(&stage.config.id);
        html! {
            <Station key={stage.config.id.as_str().to_string()} snapshot={props.snapshot.clone()} index={i}
                x={station_x(i, n)} {highlighted} highlight_release={props.highlight.release}
                on_action={props.on_action.clone()} />
        }
    });
    let gates = (1..n).map(|i| {
        let left = station_x(i - 1, n) + STATION_W;
        let right = station_x(i, n);
        html! {
            <GateColumn key={format!("gates-{i}")} gates={view::gates(world, i)} stage={world.stages[i].config.id.clone()}
                stage_name={world.stages[i].name().to_string()} x={left} width={right - left} on_action={props.on_action.clone()} />
        }
    });
    let token = match (latest, reached) {
        (Some(v), Some(i)) => {
            let x = station_x(i, n) + STATION_W / 2.0 - 50.0;
            let label = format!("Newest release {v}, in {}", world.stages[i].name());
            let (click, key) = {
                let on = props.on_action.clone();
                activate(Callback::from(move |_| {
                    on.emit(Action::Selected(Selection::Release(v)))
                }))
            };
            html! {
                <g class="token" data-testid="release-token" style={format!("transform: translate({x}px, 6px)")}
                   role="button" tabindex="0" aria-label={label} onclick={click} onkeydown={key}>
                    <rect width="100" height="30" rx="15" />
                    <text x="50" y="21" text-anchor="middle">{ v.to_string() }</text>
                </g>
            }
        }
        _ => html! {},
    };
    html! {
        <svg class="pipeline" data-testid="pipeline" viewBox={format!("0 0 {VIEW_W} {HEIGHT}")}
             role="group" aria-labelledby="pipeline-title">
            <title id="pipeline-title">{ title }</title>
            { for gates }
            { for stations }
            { token }
        </svg>
    }
}
