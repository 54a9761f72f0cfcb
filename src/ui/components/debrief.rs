//! The end of a lesson: what happened in this run (its decisive events, with the evidence of
//! every automated decision), the objectives, delivery measures and user impact (failed
//! requests split into background and caused), what the lesson teaches with sentences
//! chosen by the path this run took, par, the quiz, and the post-incident report. Built
//! from [`crate::lessons::debrief`], computed once per world revision.

use yew::prelude::*;

use super::dialog::Dialog;
use super::lesson_panel::objective_item;
use super::picker::section_name;
use super::Snapshot;
use crate::lessons::debrief::{run_debrief, RunDebrief};
use crate::lab::LabLesson;
use crate::lessons::{QuizQuestion, ScenarioFile, Verdict};
use crate::ui::state::{Action, CommandLog, QuizAnswer, Training};

#[derive(Properties, PartialEq)]
pub struct DebriefProps {
    pub snapshot: Snapshot,
    pub training: Training,
    /// The session's seed and log: the debrief replays them (nobody acting, the solution).
    pub seed: u64,
    pub log: CommandLog,
    pub on_action: Callback<Action>,
}

fn happened(d: &RunDebrief, start: u32) -> Html {
    html! {
        <>
            <ol class="debrief-timeline">
                { for d.happened.iter().map(|h| html! {
                    <li>
                        <time>{ h.at.label(start) }</time>{ " " }{ h.text.clone() }
                        if let Some(x) = &h.evidence {
                            <span class="evidence">{ format!(" — {}; threshold {}; {}", x.rule, x.threshold, x.verdict) }</span>
                        }
                    </li>
                }) }
            </ol>
            if d.left_out > 0 {
                <p class="hint">{ format!("{} routine events left out; the timeline has them all.", d.left_out) }</p>
            }
        </>
    }
}

fn measures(snapshot: &Snapshot) -> Html {
    let w = &snapshot.world;
    let r = w.delivery.report(w.now);
    let dash = || "—".to_string();
    let rows = [
        ("Deploys to production", r.production_deploys.to_string()),
        (
            "Lead time for changes",
            r.lead_time.map_or_else(dash, |m| m.to_string()),
        ),
        (
            "Change failure rate",
            r.change_failure_rate
                .map_or_else(dash, |x| format!("{:.0} %", x * 100.0)),
        ),
        (
            "Time to restore service",
            r.time_to_restore.map_or_else(dash, |m| m.to_string()),
        ),
        (
            "Failed requests (users hurt)",
            r.failed_requests.to_string(),
        ),
        (
            "User-minutes affected",
            format!("{:.0}", r.user_minutes_affected),
        ),
    ];
    html! {
        <dl class="explanation measures">
            { for rows.into_iter().map(|(k, v)| html! { <><dt>{ k }</dt><dd>{ v }</dd></> }) }
        </dl>
    }
}

fn question(i: usize, q: &QuizQuestion, a: &QuizAnswer, on: &Callback<Action>) -> Html {
    let name = format!("quiz-{i}");
    let choices = q.choices.iter().enumerate().map(|(c, text)| {
        let pick = on.reform(move |_: Event| Action::ChoseQuizAnswer { question: i, choice: c });
        html! {
            <label class="check"><input type="radio" name={name.clone()} checked={a.chosen == Some(c)} onchange={pick} />{ text.clone() }</label>
        }
    });
    let check = on.reform(move |_: MouseEvent| Action::CheckedQuizAnswer { question: i });
    let result = a.checked.then(|| {
        let right = a.chosen == Some(q.answer);
        let verdict = if right { "Correct." } else { "Not quite." };
        let answer = q.choices.get(q.answer).cloned().unwrap_or_default();
        html! {
            <p class={classes!("quiz-result", if right { "won" } else { "lost" })} role="status">
                <strong>{ verdict }</strong>{ format!(" The answer: {answer}. {}", q.explanation) }
            </p>
        }
    });
    html! {
        <fieldset class="quiz-question">
            <legend>{ format!("{}. {}", i + 1, q.question) }</legend>
            { for choices }
            <button type="button" onclick={check} disabled={a.chosen.is_none()}>{ "Check answer" }</button>
            { result.unwrap_or_default() }
        </fieldset>
    }
}

/// The curriculum items the lesson teaches, with their sections.
fn concept_list(f: &ScenarioFile) -> Html {
    html! {
        <ul class="concepts">
            { for f.concepts.iter().map(|c| html! { <li>{ format!("{} (section {}: {})", c.label(), c.section(), section_name(c.section())) }</li> }) }
        </ul>
    }
}

fn quiz(f: &ScenarioFile, t: &Training, on: &Callback<Action>) -> Html {
    if f.quiz.is_empty() {
        return html! {};
    }
    html! {
        <section aria-labelledby="debrief-quiz">
            <h3 id="debrief-quiz">{ "Quiz" }</h3>
            { for f.quiz.iter().zip(&t.quiz).enumerate().map(|(i, (q, a))| question(i, q, a, on)) }
        </section>
    }
}

/// The debrief of a lab lesson: the answer given, what the runs showed, what it teaches.
fn lab_debrief(t: &Training, f: &ScenarioFile, lab: &LabLesson, on: &Callback<Action>) -> Html {
    let emit = |a: Action| on.reform(move |_: MouseEvent| a.clone());
    let verdict = t.verdict();
    let headline = match verdict {
        Verdict::Won => "You won this lesson: your answer is what the spread of both policies' runs shows (their medians and percentiles, not one lucky week).",
        Verdict::Lost => "This lesson was lost: the answer chosen is not what the spread of the runs shows. Try again (reset) and answer from the medians and percentiles.",
        Verdict::InProgress => "The question is not answered yet: the lab has it, after the runs.",
    };
    let chosen = t.lab_answer.and_then(|a| lab.choices.get(a.choice));
    html! {
        <Dialog id="debrief" title={format!("Debrief: {}", f.title)} close_label="Close debrief" on_close={on.reform(|_| Action::ClosedDialog)}>
            <p class={classes!("verdict", match verdict { Verdict::Won => "won", Verdict::Lost => "lost", Verdict::InProgress => "" })}>{ headline }</p>
            <section aria-labelledby="debrief-objectives">
                <h3 id="debrief-objectives">{ "Objectives" }</h3>
                <ul class="objectives">{ for t.progress.statuses().iter().map(|s| objective_item(s, verdict != Verdict::InProgress)) }</ul>
                if let Some(c) = chosen {
                    <p data-testid="lab-debrief-answer"><strong>{ "Your answer: " }</strong>{ c.text.clone() }</p>
                }
                <p><strong>{ "What the runs showed: " }</strong>{ lab.explanation.clone() }</p>
            </section>
            <section aria-labelledby="debrief-teaches">
                <h3 id="debrief-teaches">{ "What this teaches" }</h3>
                <p>{ f.debrief.clone() }</p>
                <p>{ match verdict { Verdict::Won => f.debrief_won.clone(), Verdict::Lost => f.debrief_lost.clone(), Verdict::InProgress => String::new() } }</p>
                { concept_list(f) }
            </section>
            { quiz(f, t, on) }
            <div class="button-row">
                <button type="button" class="primary" onclick={emit(Action::OpenedLab)}>{ "Open the lab again" }</button>
                <button type="button" onclick={emit(Action::ClickedReset)}>{ "Try again (reset)" }</button>
                <button type="button" onclick={emit(Action::OpenedLessonPicker)}>{ "Choose another lesson" }</button>
            </div>
        </Dialog>
    }
}

#[component]
pub fn Debrief(props: &DebriefProps) -> Html {
    let t = &props.training;
    // Hooks first, unconditionally; the replays run once per world revision.
    let run = {
        let (lesson, seed, world, log, progress) = (t.lesson.clone(), props.seed, props.snapshot.world.clone(), props.log.clone(), t.progress.clone());
        let lab = t.lab.is_some();
        use_memo((props.snapshot.rev, props.seed, props.log.key()), move |_| {
            // A lab lesson happened in the lab, not in this world: nothing to replay.
            lesson.filter(|_| !lab).map(|l| run_debrief(&l, seed, &world, &log.as_slice(), &progress))
        })
    };
    if let (Some(lesson), Some(lab)) = (&t.lesson, &t.lab) {
        return lab_debrief(t, &lesson.file, lab, &props.on_action);
    }
    let Some(lesson) = &t.lesson else {
        return html! {};
    };
    let f = &lesson.file;
    let on = &props.on_action;
    let Some(run) = run.as_ref() else {
        return html! {};
    };
    let start = props.snapshot.world.config.start_minute_of_day;
    let emit = |a: Action| on.reform(move |_: MouseEvent| a.clone());
    let demo = t.demo.is_some();
    let headline = match t.verdict() {
        Verdict::Won if demo => "The reference solution won this lesson (Show me). Now try it yourself: Back to my attempt, or Try again.",
        Verdict::Won => "You won this lesson: every objective was met.",
        Verdict::Lost => "This lesson was lost: an objective failed. Losing once is how it is learned; reset and try again.",
        Verdict::InProgress => "The lesson is still running.",
    };
    html! {
        <Dialog id="debrief" title={format!("Debrief: {}", f.title)} close_label="Close debrief" on_close={on.reform(|_| Action::ClosedDialog)}>
            <p class={classes!("verdict", if t.verdict() == Verdict::Won { "won" } else { "lost" })}>{ headline }</p>
            <div class="debrief-grid">
                <section aria-labelledby="debrief-happened"><h3 id="debrief-happened">{ "What happened" }</h3>{ happened(run, start) }</section>
                <section aria-labelledby="debrief-objectives">
                    <h3 id="debrief-objectives">{ "Objectives" }</h3>
                    <ul class="objectives">{ for t.progress.statuses().iter().map(|s| objective_item(s, t.verdict() != Verdict::InProgress)) }</ul>
                    <h3 id="debrief-measures">{ "Delivery and user impact" }</h3>
                    { measures(&props.snapshot) }
                    <p class="requests" data-testid="failed-requests">{ run.requests.sentence() }</p>
                    if let Some(par) = run.par_sentence(start) {
                        <p class="par" data-testid="par">{ par }</p>
                    }
                </section>
            </div>
            <section aria-labelledby="debrief-teaches">
                <h3 id="debrief-teaches">{ "What this teaches" }</h3>
                { for run.teaches.iter().map(|p| html! { <p>{ p.clone() }</p> }) }
                { concept_list(f) }
            </section>
            { quiz(f, t, on) }
            <div class="button-row">
                if demo {
                    <button type="button" class="primary" onclick={emit(Action::ClickedBackToAttempt)}>{ "Back to my attempt" }</button>
                }
                <button type="button" class="primary" onclick={emit(Action::ClickedExportReport)}>{ "Export post-incident report (Markdown)" }</button>
                <button type="button" onclick={emit(Action::ClickedReset)}>{ "Try again (reset)" }</button>
                <button type="button" onclick={emit(Action::OpenedLessonPicker)}>{ "Choose another lesson" }</button>
            </div>
        </Dialog>
    }
}
