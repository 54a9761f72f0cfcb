//! The end of a lesson: what happened (a timeline), the objectives, delivery measures and
//! user impact, what the lesson teaches, the quiz, and the post-incident report.

use yew::prelude::*;

use super::dialog::Dialog;
use super::lesson_panel::objective_item;
use super::picker::section_name;
use super::Snapshot;
use crate::lessons::{QuizQuestion, Verdict};
use crate::ui::state::{Action, QuizAnswer, Training};

#[derive(Properties, PartialEq)]
pub struct DebriefProps {
    pub snapshot: Snapshot,
    pub training: Training,
    pub on_action: Callback<Action>,
}

fn timeline(snapshot: &Snapshot) -> Html {
    let w = &snapshot.world;
    let important: Vec<_> = w.recent.iter().filter(|e| e.is_important()).collect();
    let shown = &important[important.len().saturating_sub(14)..];
    html! {
        <ol class="debrief-timeline">
            { for shown.iter().map(|e| html! {
                <li><time>{ e.at.label(w.config.start_minute_of_day) }</time>{ " " }{ w.describe(e) }</li>
            }) }
        </ol>
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

#[component]
pub fn Debrief(props: &DebriefProps) -> Html {
    let t = &props.training;
    let Some(lesson) = &t.lesson else {
        return html! {};
    };
    let f = &lesson.file;
    let on = &props.on_action;
    let emit = |a: Action| on.reform(move |_: MouseEvent| a.clone());
    let headline = match t.verdict() {
        Verdict::Won => "You won this lesson: every objective was met.",
        Verdict::Lost => "This lesson was lost: an objective failed. Losing once is how it is learned; reset and try again.",
        Verdict::InProgress => "The lesson is still running.",
    };
    let concepts = f.concepts.iter().map(|c| html! { <li>{ format!("{} (section {}: {})", c.label(), c.section(), section_name(c.section())) }</li> });
    html! {
        <Dialog id="debrief" title={format!("Debrief: {}", f.title)} close_label="Close debrief" on_close={on.reform(|_| Action::ClosedDialog)}>
            <p class={classes!("verdict", if t.verdict() == Verdict::Won { "won" } else { "lost" })}>{ headline }</p>
            <div class="debrief-grid">
                <section aria-labelledby="debrief-happened"><h3 id="debrief-happened">{ "What happened" }</h3>{ timeline(&props.snapshot) }</section>
                <section aria-labelledby="debrief-objectives">
                    <h3 id="debrief-objectives">{ "Objectives" }</h3>
                    <ul class="objectives">{ for t.progress.statuses().iter().map(|s| objective_item(s, t.verdict() != Verdict::InProgress)) }</ul>
                    <h3 id="debrief-measures">{ "Delivery and user impact" }</h3>
                    { measures(&props.snapshot) }
                </section>
            </div>
            <section aria-labelledby="debrief-teaches">
                <h3 id="debrief-teaches">{ "What this teaches" }</h3>
                <p>{ f.debrief.clone() }</p>
                <ul class="concepts">{ for concepts }</ul>
            </section>
            if !f.quiz.is_empty() {
                <section aria-labelledby="debrief-quiz">
                    <h3 id="debrief-quiz">{ "Quiz" }</h3>
                    { for f.quiz.iter().zip(&t.quiz).enumerate().map(|(i, (q, a))| question(i, q, a, on)) }
                </section>
            }
            <div class="button-row">
                <button type="button" class="primary" onclick={emit(Action::ClickedExportReport)}>{ "Export post-incident report (Markdown)" }</button>
                <button type="button" onclick={emit(Action::ClickedReset)}>{ "Try again (reset)" }</button>
                <button type="button" onclick={emit(Action::OpenedLessonPicker)}>{ "Choose another lesson" }</button>
            </div>
        </Dialog>
    }
}
