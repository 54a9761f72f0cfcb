//! The lab's view: the scenario, the two policies side by side, the run with its progress
//! and Cancel, and the results as distributions. It owns the lab's reducer and the workers'
//! hook, so nothing of the lab exists until it opens, and closing it stops the workers.

use std::rc::Rc;

use yew::prelude::*;

use super::chart::Charts;
use super::policy_view::PolicyView;
use super::pool::use_lab_workers;
use super::state::{LabAction, LabContext, LabState, Phase, ScenarioPick, PERIODS};
use super::{arm_key, ARMS};
use super::lesson_view;
use crate::lab::{Comparison, DoraCluster, LabLesson};
use crate::sim::USERS_REPORT_AFTER;
use crate::lessons::share::ScenarioRef;
use crate::lessons::FREE_PLAY_ID;
use crate::ui::components::dialog::Dialog;
use crate::ui::components::value_of;
use crate::ui::state::{Action, LabAnswer, LibraryState};

#[derive(Properties, PartialEq)]
pub struct LabPanelProps {
    pub library: LibraryState,
    /// The scenario of the session open in the simulator.
    pub current: Rc<ScenarioRef>,
    pub on_action: Callback<Action>,
    /// A lab lesson being played: the lab opens set up for it.
    #[prop_or_default]
    pub lesson: Option<Rc<LabLesson>>,
    /// Its answer, if the session has one already.
    #[prop_or_default]
    pub answered: Option<LabAnswer>,
    /// Where the lab's state waits while it is closed (it opens again as it was left).
    #[prop_or_default]
    pub kept: super::KeptLab,
}

/// "1,000"
pub fn thousands(n: u32) -> String {
    crate::lab::lesson::grouped(n)
}

fn period_label(days: u32) -> String {
    match days {
        1 => "One day".into(),
        7 => "One week".into(),
        14 => "Two weeks".into(),
        d => format!("{d} days"),
    }
}

#[component]
pub fn LabPanel(props: &LabPanelProps) -> Html {
    let current = props.current.clone();
    let (lesson, answered) = (props.lesson.clone(), props.answered.map(|a| (a.choice, a.verdict)));
    let kept = props.kept.clone();
    let state = use_reducer(move || match lesson {
        Some(lab) => LabState::for_lesson(&current, lab, answered),
        None => kept.reopen().unwrap_or_else(|| LabState::new(&current)),
    });
    {
        // The state as the lab closes goes to the holder (the latest render's, read then).
        let latest = use_mut_ref(|| state.clone());
        *latest.borrow_mut() = state.clone();
        let kept = props.kept.clone();
        use_effect_with((), move |_| move || kept.keep((**latest.borrow()).clone()));
    }
    let dispatcher = state.dispatcher();
    let on_lab: Callback<LabAction> = (*use_memo((), move |_| dispatcher.to_callback())).clone();
    let on_event = {
        let on_lab = on_lab.clone();
        (*use_memo((), move |_| on_lab.reform(LabAction::Workers))).clone()
    };
    use_lab_workers(state.request(), on_event);
    crate::ui::persist::use_download(state.download.clone());
    {
        // A chosen run goes to the app once per request; the app closes the lab.
        let on_action = props.on_action.clone();
        let open = state.open.clone();
        use_effect_with(state.open.as_ref().map(|o| o.seq), move |_| {
            if let Some(o) = open {
                on_action.emit(Action::OpenedLabRun(o.session));
            }
        });
    }
    {
        // A checked answer goes to the app once, which records the lesson's verdict.
        let on_action = props.on_action.clone();
        let out = state.answer_out;
        use_effect_with(out.map(|o| o.0), move |_| {
            if let Some((_, choice, verdict)) = out {
                on_action.emit(Action::AnsweredLabQuestion { choice, verdict });
            }
        });
    }
    let context = Rc::new(LabContext { library: props.library.clone(), current: props.current.clone() });
    let running = state.running();
    let close = props.on_action.reform(|_| Action::ClosedDialog);
    let names: [AttrValue; 2] = state.result_names().map(AttrValue::from);
    html! {
        <Dialog id="lab" title="What are the odds? The strategy lab" close_label="Close the lab" on_close={close} class="lab-dialog">
            if let Some(l) = &state.lesson {
                { lesson_view::steps(&state, l) }
                { run_bar(&state, &on_lab, context) }
                { lesson_view::answer_area(&state, l, &names, &on_lab, &props.on_action) }
                if let (Some(c), true) = (&state.comparison, l.full) {
                    { results(c, &state, names.clone(), &on_lab) }
                }
                <details class="lab-lesson-settings">
                    <summary>{ "The lesson's settings: scenario, runs and the two policies (fixed by the lesson)" }</summary>
                    { setup(&state, props, &on_lab, true) }
                    <div class="lab-policies">
                        { for ARMS.into_iter().map(|arm| html! {
                            <PolicyView {arm} form={state.forms[super::arm_index(arm)].clone()} note={state.file_notes[super::arm_index(arm)].clone()} locked={true} on_lab={on_lab.clone()} />
                        }) }
                    </div>
                </details>
            } else {
            <p class="hint">{ "One run is one roll of the dice: a canary can look pointless on a lucky seed. Here the same scenario runs many times under two policies, each seed with its own dice, and the results show the spread: medians, 5th and 95th percentiles, and the worst runs, each one click away in the simulator." }</p>
            { setup(&state, props, &on_lab, running) }
            <div class="lab-policies">
                { for ARMS.into_iter().map(|arm| html! {
                    <PolicyView {arm} form={state.forms[super::arm_index(arm)].clone()} note={state.file_notes[super::arm_index(arm)].clone()} locked={running} on_lab={on_lab.clone()} />
                }) }
            </div>
            if !state.problems.is_empty() {
                <div class="lab-problems" role="alert" data-testid="lab-problems">
                    <p><strong>{ "The lab did not run:" }</strong></p>
                    <ul>{ for state.problems.iter().map(|p| html! { <li>{ p.clone() }</li> }) }</ul>
                </div>
            }
            { run_bar(&state, &on_lab, context) }
            if let Some(c) = &state.comparison {
                { results(c, &state, names, &on_lab) }
            }
            }
        </Dialog>
    }
}

fn setup(state: &LabState, props: &LabPanelProps, on_lab: &Callback<LabAction>, running: bool) -> Html {
    let current = match &*props.current {
        ScenarioRef::Lesson(id) if id == FREE_PLAY_ID => None,
        ScenarioRef::Lesson(id) => Some(format!(
            "This session's lesson: {}",
            props.library.library().and_then(|l| l.get(id)).map_or(id.clone(), |l| l.file.title.clone())
        )),
        ScenarioRef::Custom(_) => Some("This session's imported scenario".to_string()),
    };
    let picked = state.scenario.key();
    let option = |pick: ScenarioPick, label: String| {
        let key = pick.key();
        html! { <option value={key.clone()} selected={key == picked}>{ label }</option> }
    };
    let lessons = match &props.library {
        LibraryState::Ready(l) => html! {
            { for l.summaries().into_iter().filter(|s| s.id != FREE_PLAY_ID).map(|s| option(ScenarioPick::Lesson(s.id.clone()), format!("Lesson: {}", s.title))) }
        },
        LibraryState::Failed(_) => html! { <option disabled=true>{ "The lessons could not be loaded" }</option> },
        _ => html! { <option disabled=true>{ "Loading the lessons…" }</option> },
    };
    html! {
        <div class="lab-setup">
            <div class="lab-field">
                <label for="lab-scenario">{ "Scenario" }</label>
                <select id="lab-scenario" disabled={running} onchange={on_lab.reform(|e: Event| LabAction::ChoseScenario(value_of(&e)))}>
                    if let Some(label) = current { { option(ScenarioPick::Current, label) } }
                    { option(ScenarioPick::FreePlay, "Free play (the standard pipeline)".into()) }
                    { lessons }
                </select>
            </div>
            <div class="lab-field">
                <label for="lab-runs">{ "Runs per policy" }</label>
                <input id="lab-runs" type="text" inputmode="numeric" value={state.runs.clone()} disabled={running}
                    oninput={on_lab.reform(|e: InputEvent| LabAction::EditedRuns(value_of(&e)))} />
            </div>
            <div class="lab-field">
                <label for="lab-period">{ "Each run lasts" }</label>
                <select id="lab-period" disabled={running} onchange={on_lab.reform(|e: Event| LabAction::ChosePeriod(value_of(&e)))}>
                    { for PERIODS.iter().map(|d| html! { <option value={d.to_string()} selected={*d == state.period_days}>{ period_label(*d) }</option> }) }
                </select>
            </div>
        </div>
    }
}

fn run_bar(state: &LabState, on_lab: &Callback<LabAction>, context: Rc<LabContext>) -> Html {
    let progress = match &state.phase {
        Phase::Running { done, total, workers, .. } if *workers > 0 => format!(
            "Running: {} of {} runs done, on {workers} worker(s).",
            thousands(*done),
            thousands(*total)
        ),
        Phase::Running { total, .. } => format!("Starting the workers for {} runs…", thousands(*total)),
        _ => String::new(),
    };
    // Said once per change of phase: the progress itself would be read out batch by batch.
    let status = match &state.phase {
        Phase::Idle => String::new(),
        Phase::Running { total, .. } => format!("The lab is running {} runs.", thousands(*total)),
        Phase::Finished { total, workers, elapsed_ms } => format!(
            "Done: {} runs in {:.1} s on {} worker(s). The results are below.",
            thousands(*total),
            elapsed_ms / 1000.0,
            workers
        ),
        Phase::Cancelled { done, total } => format!(
            "Cancelled after {} of {} runs; the results below are of those runs only.",
            thousands(*done),
            thousands(*total)
        ),
    };
    let (done, total) = match &state.phase {
        Phase::Running { done, total, .. } => (*done, *total),
        _ => (0, 0),
    };
    html! {
        <div class="lab-run" data-testid="lab-run" data-phase={match state.phase { Phase::Idle => "idle", Phase::Running { .. } => "running", Phase::Finished { .. } => "finished", Phase::Cancelled { .. } => "cancelled" }}>
            if let Phase::Running { .. } = state.phase {
                <progress id="lab-progress" max={total.to_string()} value={done.to_string()} aria-label="Runs done" />
                <button type="button" class="danger" onclick={on_lab.reform(|_| LabAction::ClickedCancel)}>{ "Cancel" }</button>
                <p class="lab-progress-text" data-testid="lab-progress">{ progress }</p>
            } else {
                <button type="button" class={classes!(state.lesson.as_ref().is_none_or(|l| l.step() != super::state::LessonStep::Question && l.step() != super::state::LessonStep::Answered).then_some("primary"))} id="lab-start" onclick={on_lab.reform(move |_| LabAction::ClickedRun(context.clone()))}>{ state.lesson.as_ref().map_or_else(|| "Run both policies".to_string(), lesson_view::run_label) }</button>
            }
            <p class={classes!("lab-status", state.running().then_some("live"))} role="status" data-testid="lab-status">{ status }</p>
        </div>
    }
}

fn results(comparison: &Rc<Comparison>, state: &LabState, names: [AttrValue; 2], on_lab: &Callback<LabAction>) -> Html {
    let unmonitored = state.result_unmonitored();
    let c = &**comparison;
    let clusters = [&c.clusters_a, &c.clusters_b];
    let row = |cluster: DoraCluster| {
        html! {
            <tr>
                <th scope="row">{ cluster.label() }</th>
                { for ARMS.into_iter().enumerate().map(|(a, arm)| {
                    let share = clusters[a].share(cluster);
                    html! {
                        <td class={format!("lab-{}", arm_key(arm))}>
                            <span class="lab-share-bar" style={format!("width: {:.1}%", share * 100.0)}></span>
                            { format!("{:.0} % ({} runs)", share * 100.0, clusters[a].count(cluster)) }
                        </td>
                    }
                }) }
            </tr>
        }
    };
    html! {
        <section class="lab-results" aria-labelledby="lab-results-heading" data-testid="lab-results">
            <h3 id="lab-results-heading">{ "Results: the spread, not the average" }</h3>
            <ul class="lab-legend" aria-label="Legend">
                { for ARMS.into_iter().enumerate().map(|(a, arm)| html! {
                    <li class={format!("lab-{}", arm_key(arm))}>
                        <span class={classes!("lab-swatch", format!("swatch-{}", arm_key(arm)))} aria-hidden="true"></span>
                        { format!("{arm}: {} ({})", names[a], if a == 0 { "solid bars, solid lines" } else { "hatched bars, dashed lines" }) }
                    </li>
                }) }
            </ul>
            <table class="lab-clusters">
                <caption>{ "DORA cluster of each run (the 2023 State of DevOps report's four keys; a run is as good as its weakest key)" }</caption>
                <thead><tr><th scope="col">{ "Cluster" }</th><th scope="col">{ format!("A: {}", names[0]) }</th><th scope="col">{ format!("B: {}", names[1]) }</th></tr></thead>
                <tbody>{ for DoraCluster::ALL.into_iter().map(row) }</tbody>
            </table>
            { for ARMS.into_iter().enumerate().filter(|(a, _)| unmonitored[*a]).map(|(a, arm)| html! {
                <p class="lab-note" data-testid="lab-unmonitored">
                    { format!("{arm} ({}) has no alert rule: a bad change becomes an incident, and counts as a failed change, only once users report it after {USERS_REPORT_AFTER} of harm; one that hurts them for less is never counted. Its cluster can look better than its users' week was: read its failed requests and time to restore too.", names[a]) }
                </p>
            }) }
            <p class="hint">{ "Each chart: the share of runs per bucket, both policies on the same axis. Under it, each policy's 5th to 95th percentile as a line with its median as a tick (the median also runs up through the bars). Click a bar, or open a row of its table, to see that exact run in the simulator." }</p>
            <Charts key={state.seq} comparison={comparison.clone()} worst={state.worst.clone()} {names} on_lab={on_lab.clone()} />
        </section>
    }
}
