//! One measure's distributions, A against B, as a histogram on a shared axis: bars of the
//! share of runs per bucket (A solid, B hatched, each lettered in the legend, so colour is
//! never the only cue), and under it each arm's 5th percentile, median and 95th percentile
//! as a strip. The same figures are written as text (the caption) and as a table whose rows
//! open a bucket's run; the drawing itself is hidden from screen readers.
//!
//! The page stays responsive while the results appear: [`Charts`] draws the charts a few
//! per task (each task stays well under the 50 ms of a long task, with a frame between),
//! and a chart's table is built only once it is opened.

use std::rc::Rc;

use gloo::timers::callback::Timeout;
use yew::prelude::*;

use super::state::{LabAction, Worst};
use super::{arm_key, ARMS};
use crate::lab::stats::{Measure, MeasureComparison, Summary};
use crate::lab::{Arm, Comparison};

/// Charts drawn per task (one chart is about 10 ms of wasm and DOM on this 2-core machine
/// while both cores run workers), and the pause between two tasks (long enough for a frame).
const CHARTS_PER_TASK: usize = 1;
const PAUSE_MS: u32 = 20;

#[derive(Properties, PartialEq)]
pub struct ChartsProps {
    pub comparison: Rc<Comparison>,
    /// Each measure's worst run per arm, in the comparison's order.
    pub worst: Rc<Vec<Worst>>,
    pub names: [AttrValue; 2],
    pub on_lab: Callback<LabAction>,
}

/// Every measure's chart, drawn [`CHARTS_PER_TASK`] at a time. Keyed by the run, so a new
/// comparison starts again from the first.
#[component]
pub fn Charts(props: &ChartsProps) -> Html {
    let shown = use_state(|| CHARTS_PER_TASK);
    let total = props.comparison.measures.len();
    {
        let setter = shown.setter();
        use_effect_with(*shown, move |&n| {
            // Dropping the timeout (the lab closed, or a new comparison) cancels it.
            let more = (n < total).then(|| Timeout::new(PAUSE_MS, move || setter.set(n + CHARTS_PER_TASK)));
            move || drop(more)
        });
    }
    html! {
        <div class="lab-charts" data-drawn={(*shown >= total).to_string()}>
            { for props.comparison.measures.iter().take(*shown).enumerate().map(|(i, m)| html! {
                <Histogram comparison={m.clone()} worst={props.worst.get(i).copied().unwrap_or_default()} names={props.names.clone()} on_lab={props.on_lab.clone()} />
            }) }
        </div>
    }
}

const W: f64 = 640.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const PLOT_H: f64 = 150.0;
/// Where the axis labels and the two percentile strips sit under the plot.
const AXIS_Y: f64 = TOP + PLOT_H + 22.0;
const STRIP_Y: [f64; 2] = [AXIS_Y + 24.0, AXIS_Y + 50.0];
const H: f64 = AXIS_Y + 66.0;

/// A value of `measure` as people read it.
pub fn format_value(measure: Measure, v: f64) -> String {
    match measure {
        Measure::ChangeFailureRate => format!("{:.0} %", v * 100.0),
        Measure::DeploysPerDay => format!("{v:.1}"),
        Measure::TimeToRestore | Measure::LeadTime => {
            if v >= 120.0 {
                format!("{:.1} h", v / 60.0)
            } else {
                format!("{v:.0} min")
            }
        }
        Measure::FailedRequests | Measure::UserMinutesAffected => {
            if v >= 10_000.0 {
                format!("{:.0}k", v / 1000.0)
            } else {
                format!("{v:.0}")
            }
        }
    }
}

/// "median 12 min (5th percentile 3 min, 95th 40 min)", or why there is none.
pub fn summary_text(measure: Measure, s: &Summary) -> String {
    let without = if s.without_value > 0 {
        format!("; {} run(s) without a value ({})", s.without_value, no_value_reason(measure))
    } else {
        String::new()
    };
    match &s.spread {
        Some(x) => format!(
            "median {} (5th percentile {}, 95th {}){without}",
            format_value(measure, x.median),
            format_value(measure, x.p5),
            format_value(measure, x.p95)
        ),
        None => format!("no run has a value ({})", no_value_reason(measure)),
    }
}

fn no_value_reason(measure: Measure) -> &'static str {
    match measure {
        Measure::ChangeFailureRate | Measure::LeadTime => "nothing reached production",
        // Time to restore counts incidents a production change caused, once mitigated.
        Measure::TimeToRestore => "no failed change hurt users, or none was mitigated before the run ended",
        _ => "no value",
    }
}

#[derive(Properties, PartialEq)]
pub struct HistogramProps {
    pub comparison: MeasureComparison,
    /// Each arm's worst run of this measure: seed and value.
    pub worst: [Option<(u64, f64)>; 2],
    /// Each arm's policy name, for the legend and the text.
    pub names: [AttrValue; 2],
    pub on_lab: Callback<LabAction>,
}

#[component]
pub fn Histogram(props: &HistogramProps) -> Html {
    // The table's rows exist only once it is opened: most people never open it.
    let table_open = use_state(|| false);
    let c = &props.comparison;
    let m = c.measure;
    let h = &c.histogram;
    let slug = format!("{m:?}").to_lowercase();
    let slug = slug.as_str();
    let heading = format!("lab-chart-{slug}");
    let summaries = [&c.a, &c.b];
    let total = |s: &Summary| f64::from((s.runs + s.without_value).max(1));
    let buckets = [&h.a, &h.b];
    let k = h.a.len().max(1);
    let plot_w = W - LEFT - RIGHT;
    let bw = plot_w / k as f64;
    // Shares of each arm's runs, so arms with different numbers of values compare.
    let share = |arm: usize, i: usize| f64::from(buckets[arm].get(i).map_or(0, |b| b.count)) / total(summaries[arm]);
    let top = (0..k).flat_map(|i| [share(0, i), share(1, i)]).fold(0.0, f64::max).max(0.01);
    let (lo, hi) = (h.edges.first().copied().unwrap_or(0.0), h.edges.last().copied().unwrap_or(1.0));
    let x_of = |v: f64| if hi > lo { LEFT + plot_w * (v - lo) / (hi - lo) } else { LEFT + plot_w / 2.0 };
    let open = |arm: Arm, seed: u64| props.on_lab.reform(move |_: MouseEvent| LabAction::ClickedOpenRun { arm, seed });
    let bars = (0..h.a.len()).flat_map(|i| {
        ARMS.into_iter().enumerate().filter_map(move |(a, arm)| {
            let b = buckets[a].get(i)?;
            let seed = b.seed?;
            let height = PLOT_H * share(a, i) / top;
            let x = LEFT + bw * i as f64 + 1.0 + (bw - 2.0) / 2.0 * a as f64;
            let range = bucket_range(m, &h.edges, i);
            Some(html! {
                <rect class={classes!("lab-bar", format!("lab-{}", arm_key(arm)))} x={x.to_string()} y={(TOP + PLOT_H - height).to_string()}
                    width={((bw - 2.0) / 2.0).max(1.0).to_string()} height={height.max(1.0).to_string()}
                    fill={if a == 1 { format!("url(#hatch-{slug})") } else { "currentColor".to_string() }}
                    onclick={open(arm, seed)}>
                    <title>{ format!("{arm}: {} run(s) in {range}. Click to open seed {seed}.", b.count) }</title>
                </rect>
            })
        })
    });
    let strips = ARMS.into_iter().enumerate().filter_map(|(a, arm)| {
        let s = summaries[a].spread.as_ref()?;
        let y = STRIP_Y[a];
        let class = classes!("lab-strip", format!("lab-{}", arm_key(arm)));
        Some(html! {
            <g class={class}>
                <text x="8" y={(y + 6.0).to_string()} class="lab-strip-label">{ arm.to_string() }</text>
                <line x1={x_of(s.p5).to_string()} x2={x_of(s.p95).to_string()} y1={y.to_string()} y2={y.to_string()} stroke-width="6" stroke-dasharray={if a == 1 { "10 4" } else { "none" }} />
                <line x1={x_of(s.median).to_string()} x2={x_of(s.median).to_string()} y1={(y - 10.0).to_string()} y2={(y + 10.0).to_string()} stroke-width="4" class="lab-median" />
                <line x1={x_of(s.median).to_string()} x2={x_of(s.median).to_string()} y1={TOP.to_string()} y2={(TOP + PLOT_H).to_string()} stroke-width="2" stroke-dasharray={if a == 1 { "6 4" } else { "none" }} />
            </g>
        })
    });
    let ticks = if h.edges.is_empty() { Vec::new() } else { vec![lo, (lo + hi) / 2.0, hi] };
    let worst = ARMS.into_iter().enumerate().filter_map(|(a, arm)| {
        let (seed, value) = props.worst[a]?;
        Some(html! {
            <button type="button" class={classes!("lab-open", format!("lab-{}", arm_key(arm)))} onclick={open(arm, seed)} data-value={value.to_string()}>
                { format!("Open {arm}'s worst run (seed {seed}: {})", format_value(m, value)) }
            </button>
        })
    });
    html! {
        <figure class="lab-chart" aria-labelledby={heading.clone()}>
            <h4 id={heading}>{ m.label() }</h4>
            <svg viewBox={format!("0 0 {W} {H}")} class="lab-svg" aria-hidden="true" focusable="false">
                <defs>
                    <pattern id={format!("hatch-{slug}")} class="lab-b" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)">
                        <rect width="8" height="8" fill="currentColor" opacity="0.35" />
                        <line x1="0" y1="0" x2="0" y2="8" stroke="currentColor" stroke-width="5" />
                    </pattern>
                </defs>
                <line class="lab-axis" x1={LEFT.to_string()} x2={(W - RIGHT).to_string()} y1={(TOP + PLOT_H).to_string()} y2={(TOP + PLOT_H).to_string()} />
                <text class="lab-tick" x={(LEFT - 6.0).to_string()} y={(TOP + 10.0).to_string()} text-anchor="end">{ format!("{:.0}%", top * 100.0) }</text>
                <text class="lab-tick" x={(LEFT - 6.0).to_string()} y={(TOP + PLOT_H).to_string()} text-anchor="end">{ "0%" }</text>
                { for bars }
                { for ticks.iter().enumerate().map(|(i, v)| html! {
                    <text class="lab-tick" x={x_of(*v).to_string()} y={AXIS_Y.to_string()} text-anchor={["start", "middle", "end"][i]}>{ format_value(m, *v) }</text>
                }) }
                { for strips }
            </svg>
            <figcaption>
                { for ARMS.into_iter().enumerate().map(|(a, arm)| html! {
                    <p class={classes!("lab-caption", format!("lab-{}", arm_key(arm)))}>
                        <span class="arm-badge" aria-hidden="true">{ arm.to_string() }</span>
                        <strong>{ format!("{arm} ({}): ", props.names[a]) }</strong>{ summary_text(m, summaries[a]) }
                    </p>
                }) }
            </figcaption>
            <div class="button-row">{ for worst }</div>
            { table(props, &heading_text(m), &table_open) }
        </figure>
    }
}

fn heading_text(m: Measure) -> String {
    m.label().to_string()
}

/// "12 min to 18 min" for bucket `i`.
fn bucket_range(m: Measure, edges: &[f64], i: usize) -> String {
    match (edges.get(i), edges.get(i + 1)) {
        (Some(a), Some(b)) => format!("{} to {}", format_value(m, *a), format_value(m, *b)),
        _ => String::new(),
    }
}

/// The histogram as a table: a row per bucket with runs, for screen readers and keyboards
/// (each row opens its runs). Its rows are built when the table is first opened.
fn table(props: &HistogramProps, title: &str, open: &UseStateHandle<bool>) -> Html {
    let toggled = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            if let Some(details) = e.target_dyn_into::<web_sys::Element>() {
                open.set(details.has_attribute("open"));
            }
        })
    };
    if !**open {
        return html! {
            <details class="lab-table" ontoggle={toggled}>
                <summary>{ format!("{title}: the runs as a table") }</summary>
            </details>
        };
    }
    let c = &props.comparison;
    let h = &c.histogram;
    let m = c.measure;
    let rows = (0..h.a.len()).filter(|&i| h.a[i].count + h.b.get(i).map_or(0, |b| b.count) > 0).map(|i| {
        let cell = |arm: Arm| {
            let b = if arm == Arm::A { h.a.get(i) } else { h.b.get(i) };
            match b.and_then(|b| b.seed.map(|s| (b.count, s))) {
                Some((count, seed)) => html! {
                    <td>{ format!("{count} ") }
                        <button type="button" class="link" onclick={props.on_lab.reform(move |_: MouseEvent| LabAction::ClickedOpenRun { arm, seed })}>{ format!("open run seed {seed}") }</button>
                    </td>
                },
                None => html! { <td>{ "0" }</td> },
            }
        };
        html! {
            <tr><th scope="row">{ bucket_range(m, &h.edges, i) }</th>{ cell(Arm::A) }{ cell(Arm::B) }</tr>
        }
    });
    html! {
        <details class="lab-table" open=true ontoggle={toggled}>
            <summary>{ format!("{title}: the runs as a table") }</summary>
            <table>
                <thead><tr><th scope="col">{ "Bucket" }</th><th scope="col">{ format!("A: {}", props.names[0]) }</th><th scope="col">{ format!("B: {}", props.names[1]) }</th></tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </details>
    }
}
