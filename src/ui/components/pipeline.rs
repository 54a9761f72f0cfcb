//! The teaching diagram: every environment a station, with the gates in front of it and the
//! newest release as a token above the furthest stage it has reached. Left to right on wide
//! screens; top to bottom on phones, so a learner sees every stage without sideways
//! scrolling.

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
/// Width of the gates beside each station in the stacked layout.
pub const SIDE_GATES_W: f64 = 140.0;
/// The stacked layout is chosen where the wide one would not fit: it needs 760 px
/// (`min-width` in style.css) inside the page's and the card's padding.
pub const NARROW_QUERY: &str = "(max-width: 830px)";

pub fn station_x(i: usize, n: usize) -> f64 {
    if n <= 1 {
        return (VIEW_W - STATION_W) / 2.0;
    }
    let gap = (VIEW_W - 2.0 * PAD - n as f64 * STATION_W) / (n as f64 - 1.0);
    PAD + i as f64 * (STATION_W + gap)
}

/// Where the parts of the diagram go for `n` stages.
#[derive(Clone, Copy, PartialEq)]
pub enum Layout {
    /// Stations left to right, the gates into each in the gap before it.
    Wide,
    /// Stations top to bottom, the gates into each beside it on the right.
    Stacked,
}

/// A place in the diagram: where to draw a part, and how wide it may be.
#[derive(Clone, Copy, PartialEq)]
pub struct Place {
    pub x: f64,
    pub y: f64,
    pub width: f64,
}

impl Layout {
    pub fn size(self, n: usize) -> (f64, f64) {
        match self {
            Layout::Wide => (VIEW_W, HEIGHT),
            Layout::Stacked => (
                2.0 * PAD + STATION_W + SIDE_GATES_W,
                n.max(1) as f64 * HEIGHT,
            ),
        }
    }

    pub fn station(self, i: usize, n: usize) -> Place {
        match self {
            Layout::Wide => Place {
                x: station_x(i, n),
                y: 0.0,
                width: STATION_W,
            },
            Layout::Stacked => Place {
                x: PAD,
                y: i as f64 * HEIGHT,
                width: STATION_W,
            },
        }
    }

    /// The gates into stage `i` (never the first).
    pub fn gates(self, i: usize, n: usize) -> Place {
        match self {
            Layout::Wide => {
                let left = station_x(i - 1, n) + STATION_W;
                Place {
                    x: left,
                    y: 0.0,
                    width: station_x(i, n) - left,
                }
            }
            Layout::Stacked => Place {
                x: PAD + STATION_W,
                y: i as f64 * HEIGHT,
                width: SIDE_GATES_W,
            },
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct PipelineProps {
    pub snapshot: Snapshot,
    pub layout: Layout,
    pub highlight: Highlight,
    pub on_action: Callback<Action>,
}

#[component]
pub fn Pipeline(props: &PipelineProps) -> Html {
    let world = &props.snapshot.world;
    let n = world.stages.len();
    let latest = world.latest_release().map(|r| r.version);
    // The newest release sits over the furthest stage where it serves traffic: a promotion
    // that is still running its gates, or a green side nobody is routed to yet, has not
    // brought it there.
    let reached = latest.and_then(|v| world.stages.iter().rposition(|s| s.runs(v)));
    let title = match (latest, reached) {
        (Some(v), Some(i)) => format!(
            "Release pipeline: newest release {v} has reached {}",
            world.stages[i].name()
        ),
        _ => "Release pipeline".to_string(),
    };
    let layout = props.layout;
    let stations = world.stages.iter().enumerate().map(|(i, stage)| {
        let highlighted = props.highlight.stage.as_ref() == Some(&stage.config.id);
        html! {
            <Station key={stage.config.id.as_str().to_string()} snapshot={props.snapshot.clone()} index={i}
                place={layout.station(i, n)} {highlighted} highlight_release={props.highlight.release}
                on_action={props.on_action.clone()} />
        }
    });
    let gates = (1..n).map(|i| {
        html! {
            <GateColumn key={format!("gates-{i}")} gates={view::gates(world, i)} stage={world.stages[i].config.id.clone()}
                stage_name={world.stages[i].name().to_string()} place={layout.gates(i, n)}
                arrow={layout == Layout::Wide} on_action={props.on_action.clone()} />
        }
    });
    // Stacked, the flow runs down: an arrow from each station's traffic to the next.
    let downs = (1..n).filter(|_| layout == Layout::Stacked).map(|i| {
        let x = PAD + STATION_W / 2.0;
        let top = (i - 1) as f64 * HEIGHT + HEIGHT - 2.0;
        html! {
            <line key={format!("down-{i}")} class="arrow" x1={x.to_string()} y1={top.to_string()}
                  x2={x.to_string()} y2={(top + TOP + 2.0).to_string()} />
        }
    });
    let token = match (latest, reached) {
        (Some(v), Some(i)) => {
            let place = layout.station(i, n);
            let x = place.x + STATION_W / 2.0 - 50.0;
            let y = place.y + 6.0;
            let label = format!("Newest release {v}, in {}", world.stages[i].name());
            let (click, key) = {
                let on = props.on_action.clone();
                activate(Callback::from(move |_| {
                    on.emit(Action::Selected(Selection::Release(v)))
                }))
            };
            html! {
                <g class="token" data-testid="release-token" style={format!("transform: translate({x}px, {y}px)")}
                   role="button" tabindex="0" aria-label={label} onclick={click} onkeydown={key}>
                    <rect width="100" height="30" rx="15" />
                    <text x="50" y="21" text-anchor="middle">{ v.to_string() }</text>
                </g>
            }
        }
        _ => html! {},
    };
    let (w, h) = layout.size(n);
    html! {
        <svg class={classes!("pipeline", (layout == Layout::Stacked).then_some("stacked"))} data-testid="pipeline"
             viewBox={format!("0 0 {w} {h}")} role="group" aria-labelledby="pipeline-title">
            <title id="pipeline-title">{ title }</title>
            { for downs }
            { for gates }
            { for stations }
            { token }
        </svg>
    }
}
