//! A lab lesson inside the lab: its three steps with the one to do now marked, the first
//! week's two runs side by side, the question once every run is in, and the answer's
//! verdict and explanation. The run button itself stays in the run bar (`panel.rs`),
//! labelled for the step.

use yew::prelude::*;

use super::state::{LabAction, LabState, LessonRun, LessonStep};
use crate::lab::stats::Measure;
use crate::lab::RunOutcome;
use crate::lessons::Verdict;
use crate::ui::state::Action;

/// What the run button says in a lesson, by step.
pub fn run_label(l: &LessonRun) -> String {
    match l.step() {
        LessonStep::FirstLook => "Run one week of each".into(),
        _ => format!("Run {} weeks of each", super::panel::thousands(l.lab.runs)),
    }
}

fn value(measure: Measure, run: &RunOutcome) -> String {
    match (measure, measure.value(run)) {
        (_, None) => "none".into(),
        (Measure::ChangeFailureRate, Some(v)) => format!("{:.0} %", v * 100.0),
        (Measure::DeploysPerDay, Some(v)) => format!("{v:.2}"),
        (_, Some(v)) => format!("{v:.0}"),
    }
}

fn first_week(runs: &[RunOutcome; 2], names: &[AttrValue; 2]) -> Html {
    html! {
        <table class="lab-first-week" data-testid="lab-first-week">
            <caption>{ format!("The first week (seed {}): one run of each policy", runs[0].seed) }</caption>
            <thead><tr><th scope="col">{ "Measure" }</th><th scope="col">{ format!("A: {}", names[0]) }</th><th scope="col">{ format!("B: {}", names[1]) }</th></tr></thead>
            <tbody>
                { for Measure::ALL.into_iter().map(|m| html! {
                    <tr><th scope="row">{ m.label() }</th><td class="lab-a">{ value(m, &runs[0]) }</td><td class="lab-b">{ value(m, &runs[1]) }</td></tr>
                }) }
            </tbody>
        </table>
    }
}

fn step_item(n: usize, text: String, at: LessonStep, now: LessonStep) -> Html {
    let (class, state) = match at.cmp(&now) {
        std::cmp::Ordering::Less => ("done", "done"),
        std::cmp::Ordering::Equal => ("current", "now"),
        std::cmp::Ordering::Greater => ("later", "later"),
    };
    html! {
        <li class={classes!("lab-lesson-step", class)} aria-current={(class == "current").then_some("step")}>
            { format!("{n}. {text}") }<span class="state">{ format!(" ({state})") }</span>
        </li>
    }
}

/// The lesson box, shown above the run bar.
pub fn steps(state: &LabState, l: &LessonRun) -> Html {
    let now = l.step();
    let runs = super::panel::thousands(l.lab.runs);
    html! {
        <section class="lab-lesson" aria-labelledby="lab-lesson-heading" data-testid="lab-lesson">
            <h3 id="lab-lesson-heading">{ "This lesson, in the lab" }</h3>
            <p class="hint">{ "The lesson has set up both policies. Three steps:" }</p>
            <ol class="lab-lesson-steps">
                { step_item(1, format!("Run one week of each policy (seed {}) and compare the two weeks.", l.lab.first_look_seed), LessonStep::FirstLook, now) }
                { step_item(2, format!("Run {runs} weeks of each and look at the spread in the charts."), LessonStep::AllRuns, now) }
                { step_item(3, "Answer the question from the spread.".into(), LessonStep::Question, now) }
            </ol>
            if state.running() {
                <p class="next-step"><strong>{ "Now: " }</strong>{ "the runs are going; the progress is below." }</p>
            } else {
                <p class="next-step" data-testid="lab-next-step"><strong>{ "Next step: " }</strong>{ match now {
                    LessonStep::FirstLook => "press “Run one week of each” below.".to_string(),
                    LessonStep::AllRuns => format!("one week is one roll of the dice. Press “Run {runs} weeks of each” below."),
                    LessonStep::Question => "look at the charts under the question, then choose an answer and press “Check my answer”.".to_string(),
                    LessonStep::Answered => "read the explanation, then open the debrief.".to_string(),
                } }</p>
            }
        </section>
    }
}

/// The first week, the question and the verdict: shown under the run bar.
pub fn answer_area(state: &LabState, l: &LessonRun, names: &[AttrValue; 2], on_lab: &Callback<LabAction>, on_action: &Callback<Action>) -> Html {
    let question = l.all_done || l.answered.is_some();
    html! {
        <>
            if let Some(runs) = &l.looked {
                { first_week(runs, names) }
            }
            if question {
                { question_form(state, l, on_lab, on_action) }
            }
        </>
    }
}

fn question_form(state: &LabState, l: &LessonRun, on_lab: &Callback<LabAction>, on_action: &Callback<Action>) -> Html {
    let answered = l.answered;
    // Checking reads the runs on screen; after a re-run that is still going, wait for it.
    let can_check = l.chosen.is_some() && answered.is_none() && l.all_done && state.comparison.is_some() && !state.running();
    html! {
        <form class="lab-question" data-testid="lab-question" onsubmit={on_lab.reform(|e: SubmitEvent| { e.prevent_default(); LabAction::CheckedAnswer })}>
            <fieldset disabled={answered.is_some()}>
                <legend>{ l.lab.question.clone() }</legend>
                { for l.lab.choices.iter().enumerate().map(|(i, c)| {
                    let id = format!("lab-answer-{i}");
                    html! {
                        <div class="lab-choice">
                            <input type="radio" name="lab-answer" id={id.clone()} checked={l.chosen == Some(i)}
                                onchange={on_lab.reform(move |_| LabAction::ChoseAnswer(i))} />
                            <label for={id}>{ c.text.clone() }</label>
                        </div>
                    }
                }) }
            </fieldset>
            if answered.is_none() {
                <button type="submit" class="primary" disabled={!can_check}>{ "Check my answer" }</button>
            }
            if let Some((choice, verdict)) = answered {
                <div class={classes!("lab-verdict", if verdict == Verdict::Won { "won" } else { "lost" })} role="status" data-testid="lab-verdict">
                    <p><strong>{ if verdict == Verdict::Won { "Right: lesson won." } else { "Not so: lesson lost." } }</strong>{ " " }{
                        if verdict == Verdict::Won {
                            "That is what the runs show.".to_string()
                        } else {
                            format!("“{}” does not hold over the {} runs of each policy.", l.lab.choices.get(choice).map_or("", |c| c.text.as_str()), super::panel::thousands(l.lab.runs))
                        }
                    }</p>
                    <p>{ l.lab.explanation.clone() }</p>
                    <button type="button" class="primary" onclick={on_action.reform(|_| Action::OpenedDebrief)}>{ "Show the debrief" }</button>
                </div>
            }
        </form>
    }
}
