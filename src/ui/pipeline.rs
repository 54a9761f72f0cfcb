//! The pipeline diagram: three environments as an SVG, and the release token that moves
//! through them.

use std::rc::Rc;

use yew::prelude::*;

/// One environment of the pipeline, in promotion order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Development,
    Staging,
    Production,
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::Development, Stage::Staging, Stage::Production];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Development => "Development",
            Stage::Staging => "Staging",
            Stage::Production => "Production",
        }
    }

    /// The stage a release is promoted to from here, if any.
    pub fn next(self) -> Option<Stage> {
        match self {
            Stage::Development => Some(Stage::Staging),
            Stage::Staging => Some(Stage::Production),
            Stage::Production => None,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Where the release token is. Every stage up to and including the token's runs its version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PipelineState {
    pub version: AttrValue,
    pub token: Stage,
}

impl Default for PipelineState {
    fn default() -> Self {
        Self {
            version: AttrValue::Static("v1.0.0"),
            token: Stage::Development,
        }
    }
}

impl PipelineState {
    /// The version running in `stage`, if it has been deployed there.
    pub fn running_in(&self, stage: Stage) -> Option<&str> {
        (stage <= self.token).then_some(self.version.as_str())
    }
}

pub enum PipelineAction {
    /// Move the release token one stage forward; a no-op once it is in production.
    Promote,
}

impl Reducible for PipelineState {
    type Action = PipelineAction;

    fn reduce(self: Rc<Self>, action: PipelineAction) -> Rc<Self> {
        match action {
            PipelineAction::Promote => match self.token.next() {
                Some(next) => Rc::new(Self {
                    token: next,
                    ..(*self).clone()
                }),
                None => self,
            },
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct PipelineProps {
    pub state: PipelineState,
}

const STATION_W: i32 = 200;
const STATION_H: i32 = 120;
const GAP: i32 = 70;
const PAD: i32 = 20;

fn station_x(stage: Stage) -> i32 {
    PAD + stage.index() as i32 * (STATION_W + GAP)
}

/// The SVG diagram. `data-testid="pipeline"` is what tests and the benchmark wait for.
#[component]
pub fn Pipeline(props: &PipelineProps) -> Html {
    let state = &props.state;
    let width = 2 * PAD + 3 * STATION_W + 2 * GAP;
    let height = 2 * PAD + STATION_H + 50;
    let view_box = format!("0 0 {width} {height}");

    let stations = Stage::ALL.iter().map(|&stage| {
        let x = station_x(stage);
        let running = state.running_in(stage);
        let class = classes!("station", running.is_some().then_some("live"));
        let label = format!("{} environment", stage.name());
        html! {
            <g role="group" aria-label={label} class={class}
               data-testid={format!("station-{}", stage.name().to_lowercase())}>
                <rect x={x.to_string()} y={PAD.to_string()} width={STATION_W.to_string()}
                      height={STATION_H.to_string()} rx="12" />
                <text class="station-name" x={(x + STATION_W / 2).to_string()}
                      y={(PAD + 38).to_string()} text-anchor="middle">{ stage.name() }</text>
                <text class="station-version" x={(x + STATION_W / 2).to_string()}
                      y={(PAD + 80).to_string()} text-anchor="middle">
                    { running.unwrap_or("not deployed") }
                </text>
            </g>
        }
    });

    let arrows = [Stage::Development, Stage::Staging]
        .into_iter()
        .map(|from| {
            let x1 = station_x(from) + STATION_W + 8;
            let x2 = x1 + GAP - 16;
            let y = PAD + STATION_H / 2;
            html! {
                <line class="arrow" x1={x1.to_string()} y1={y.to_string()} x2={x2.to_string()}
                      y2={y.to_string()} marker-end="url(#arrowhead)" />
            }
        });

    let token_cx = station_x(state.token) + STATION_W / 2;
    let token_y = PAD + STATION_H + 14;

    html! {
        <svg class="pipeline" data-testid="pipeline" viewBox={view_box} role="img"
             aria-labelledby="pipeline-title">
            <title id="pipeline-title">
                { format!("Release pipeline: {} is in {}", state.version, state.token.name()) }
            </title>
            <defs>
                <marker id="arrowhead" viewBox="0 0 10 10" refX="8" refY="5"
                        markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" />
                </marker>
            </defs>
            { for arrows }
            { for stations }
            <g class="token" data-testid="release-token"
               transform={format!("translate({} {})", token_cx - 45, token_y)}>
                <rect width="90" height="30" rx="15" />
                <text x="45" y="20" text-anchor="middle">{ state.version.clone() }</text>
            </g>
        </svg>
    }
}
