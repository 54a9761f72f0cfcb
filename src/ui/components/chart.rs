//! A small line chart with axes and units, drawn as SVG from at most the last 120 minutes.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ChartProps {
    pub title: AttrValue,
    /// Unit shown on the axis, e.g. "req/min".
    pub unit: AttrValue,
    pub values: Vec<f64>,
    /// Multiply values by this for display (100 for percentages).
    #[prop_or(1.0)]
    pub scale: f64,
    /// A threshold line (in the same scale as the values), e.g. an alert rule.
    #[prop_or_default]
    pub threshold: Option<f64>,
    /// What the last minute is called: "now", or "then" while looking back (the chart shows
    /// the looked-back minute, and "now" there read as the present).
    #[prop_or_else(|| AttrValue::from("now"))]
    pub end: AttrValue,
}

const W: f64 = 320.0;
const H: f64 = 130.0;
const LEFT: f64 = 46.0;
const BOTTOM: f64 = 22.0;
const TOP: f64 = 8.0;

fn nice_max(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|m| *m >= v)
        .unwrap_or(10.0 * mag)
}

fn fmt(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.1}k", v / 1000.0)
    } else if v >= 10.0 || v == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

#[component]
pub fn Chart(props: &ChartProps) -> Html {
    let values: Vec<f64> = props.values.iter().map(|v| v * props.scale).collect();
    let peak = values
        .iter()
        .copied()
        .fold(props.threshold.map_or(0.0, |t| t * props.scale), f64::max);
    let max = nice_max(peak);
    let n = values.len().max(2);
    let plot_w = W - LEFT - 6.0;
    let plot_h = H - TOP - BOTTOM;
    let px = |k: usize| LEFT + plot_w * k as f64 / (n - 1) as f64;
    let py = |v: f64| TOP + plot_h * (1.0 - (v / max).clamp(0.0, 1.0));
    let points: String = values
        .iter()
        .enumerate()
        .map(|(k, v)| format!("{:.1},{:.1} ", px(k), py(*v)))
        .collect();
    let last = values.last().copied();
    let label = format!(
        "{}: {} {} {}, axis 0 to {} {} over the last {} minutes",
        props.title,
        props.end,
        last.map_or("—".into(), fmt),
        props.unit,
        fmt(max),
        props.unit,
        values.len()
    );
    let baseline = TOP + plot_h;
    html! {
        <figure class="chart">
            <figcaption>{ format!("{} — {} {} {}", props.title, props.end, last.map_or("—".into(), fmt), props.unit) }</figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} role="img" aria-label={label}>
                <line class="axis" x1={LEFT.to_string()} y1={TOP.to_string()} x2={LEFT.to_string()} y2={baseline.to_string()} />
                <line class="axis" x1={LEFT.to_string()} y1={baseline.to_string()} x2={(W - 6.0).to_string()} y2={baseline.to_string()} />
                <text class="tick" x={(LEFT - 4.0).to_string()} y={(TOP + 10.0).to_string()} text-anchor="end">{ fmt(max) }</text>
                <text class="tick" x={(LEFT - 4.0).to_string()} y={baseline.to_string()} text-anchor="end">{ "0" }</text>
                <text class="tick unit" x="4" y={(TOP + plot_h / 2.0 + 4.0).to_string()}>{ props.unit.clone() }</text>
                <text class="tick" x={LEFT.to_string()} y={(H - 4.0).to_string()}>{ format!("−{} min", values.len()) }</text>
                <text class="tick" x={(W - 6.0).to_string()} y={(H - 4.0).to_string()} text-anchor="end">{ props.end.clone() }</text>
                if let Some(t) = props.threshold {
                    <line class="threshold" x1={LEFT.to_string()} x2={(W - 6.0).to_string()} y1={py(t * props.scale).to_string()} y2={py(t * props.scale).to_string()} />
                }
                <polyline class="series" points={points} />
            </svg>
        </figure>
    }
}
