//! The lesson being played: its briefing, the objective checklist as its progress has it
//! (met, not yet, failed with the reason), hints one at a time, and the way to the debrief
//! and to other lessons.

use yew::prelude::*;

use super::ActionButton;
use crate::lessons::{ObjectiveStatus, Status, Verdict};
use crate::ui::state::{Action, LabOrigin, Training};

#[derive(Properties, PartialEq)]
pub struct LessonPanelProps {
    pub training: Training,
    /// When the lesson was decided, as a clock label.
    pub decided_at: Option<AttrValue>,
    /// The reference solution's next step for this run: who does what, and where on screen.
    #[prop_or_default]
    pub next_step: Option<(AttrValue, AttrValue)>,
    /// The scenario's clock start, for the times a run from the lab names.
    #[prop_or_default]
    pub start_minute_of_day: u32,
    /// The page shows a looked-back minute.
    #[prop_or_default]
    pub looking_back: bool,
    pub on_action: Callback<Action>,
}

/// What a run opened from the lab is, where its longest production incident is, and how
/// to look around it (`looking_back`: the page shows a past minute, not the run's end).
fn lab_origin_note(o: &LabOrigin, start: u32, looking_back: bool, on_action: &Callback<Action>) -> Html {
    let opened = format!("This is the lab's run with seed {}, opened as it ended and paused.", o.seed);
    let undo = "Undo steps back through the team's commands.";
    let Some(w) = &o.worst else {
        return html! {
            <p class="hint lab-origin" data-testid="lab-origin">
                { format!("{opened} It had no incident in production. Click an event in the timeline to see the pipeline as it was then. {undo}") }
            </p>
        };
    };
    let incident = format!("Its longest production incident, {} “{}”,", w.id, w.title);
    let (from, shown) = (w.hurt_from.label(start), w.shown.label(start));
    let text = match (w.mitigated, looking_back) {
        (true, true) => format!(
            "{incident} hurt users from {from} for {}. It is selected, and the page shows {shown}, the last minute before it was mitigated: the timeline lists what led there, and each of its events opens its own minute. Back to now shows how the run ended. {undo}",
            w.hurt_for
        ),
        (true, false) => format!(
            "{incident} hurt users from {from} for {}. Show {} again looks back to {shown}, the last minute before it was mitigated, where the timeline lists what led there. {undo}",
            w.hurt_for, w.id
        ),
        (false, _) => format!(
            "{incident} has hurt users since {from} ({}) and was still open when the run ended. It is selected. Click an event in the timeline to see its minute. {undo}",
            w.hurt_for
        ),
    };
    html! {
        <div class="lab-origin" data-testid="lab-origin">
            <p class="hint">{ format!("{opened} {text}") }</p>
            <button type="button" onclick={on_action.reform(|_: MouseEvent| Action::ClickedShowLabIncident)}>
                { format!("Show {} again", w.id) }
            </button>
        </div>
    }
}

/// One objective. A rule that holds reads "holding so far" while the lesson runs (it can
/// still break) and "kept" once the lesson is decided.
pub fn objective_item(s: &ObjectiveStatus, decided: bool) -> Html {
    let (class, mark, state) = match &s.status {
        Status::Met => ("met", "✓", "met".to_string()),
        Status::Holding if decided => ("met", "✓", "kept".to_string()),
        Status::Holding => ("holding", "◇", "holding so far".to_string()),
        Status::NotYet => ("not-yet", "○", "not yet".to_string()),
        Status::Failed { reason } => ("failed", "✕", format!("failed: {reason}")),
    };
    html! {
        <li class={classes!("objective", class)}>
            <span class="mark" aria-hidden="true">{ mark }</span>
            <span>{ s.text.clone() }<span class="state">{ format!(" — {state}") }</span></span>
        </li>
    }
}

#[component]
pub fn LessonPanel(props: &LessonPanelProps) -> Html {
    let t = &props.training;
    // A lesson that starts (from the picker, the welcome, Show me) takes the keyboard focus
    // to its heading, so the next Tab is in the lesson rather than back at the page's top.
    let heading = use_node_ref();
    {
        let heading = heading.clone();
        let first = use_mut_ref(|| true);
        let id = t.lesson.as_ref().map(|l| l.id().to_string());
        use_effect_with(id, move |id| {
            if !std::mem::replace(&mut *first.borrow_mut(), false) && id.is_some() {
                if let Some(h) = heading.cast::<web_sys::HtmlElement>() {
                    let _ = h.focus();
                }
            }
        });
    }
    let emit = |a: Action| props.on_action.reform(move |_: MouseEvent| a.clone());
    let pick = props
        .on_action
        .reform(|_: MouseEvent| Action::OpenedLessonPicker);
    let Some(lesson) = &t.lesson else {
        return html! {
            <section class="card lesson" aria-labelledby="lesson-heading">
                <h2 id="lesson-heading" tabindex="-1">{ "Free play" }</h2>
                <p class="hint">{ "The standard pipeline, nothing scripted. Or follow a lesson with goals, hints and a debrief." }</p>
                <button type="button" class="primary" onclick={pick}>{ "Choose a lesson" }</button>
            </section>
        };
    };
    let f = &lesson.file;
    let verdict = t.verdict();
    let at = props.decided_at.clone().unwrap_or_default();
    let banner = match verdict {
        Verdict::Won => Some(("won", format!("Lesson won at {at}."))),
        Verdict::Lost => Some((
            "lost",
            format!("Lesson lost at {at}: an objective failed, and it stays failed."),
        )),
        Verdict::InProgress => None,
    };
    let total = f.hints.len();
    let hint_why = (t.hints_shown >= total).then(|| {
        AttrValue::from(if total == 0 {
            "This lesson has no hints."
        } else {
            "That was the last hint."
        })
    });
    let demo = t.demo.is_some();
    html! {
        <section class="card lesson" aria-labelledby="lesson-heading">
            <h2 id="lesson-heading" tabindex="-1" ref={heading}>{ f.title.clone() }</h2>
            if demo {
                <p class="demo-banner" role="status">
                    { "Show me: the reference solution plays step by step, one card per step. Your own attempt is kept aside." }
                    <button type="button" class="primary" onclick={emit(Action::ClickedBackToAttempt)}>{ "Back to my attempt" }</button>
                </p>
            }
            <p>{ f.summary.clone() }</p>
            if let Some(origin) = &t.from_lab {
                { lab_origin_note(origin, props.start_minute_of_day, props.looking_back, &props.on_action) }
            }
            if let (Some(lab), true) = (&t.lab, t.progress.statuses().is_empty()) {
                // A lab lesson's one objective, until its answer decides it.
                <h3 id="objectives-heading">{ "Objectives" }</h3>
                <ul class="objectives" aria-labelledby="objectives-heading" data-testid="objectives">
                    { objective_item(&ObjectiveStatus { text: lab.objective(), status: Status::NotYet }, false) }
                </ul>
            }
            if !t.progress.statuses().is_empty() {
                <h3 id="objectives-heading">{ "Objectives" }</h3>
                <ul class="objectives" aria-labelledby="objectives-heading" data-testid="objectives">
                    { for t.progress.statuses().iter().map(|s| objective_item(s, verdict != Verdict::InProgress)) }
                </ul>
            }
            if let (Some(_), Verdict::InProgress) = (&t.lab, verdict) {
                <p class="next-step" data-testid="next-step"><strong>{ "Next step: " }</strong>{ "open the strategy lab: it is set up for this lesson and says what to do." }
                    <button type="button" class="primary" onclick={emit(Action::OpenedLab)}>{ "Open the lab" }</button>
                </p>
            }
            if let (Some((what, how)), Verdict::InProgress, false) = (&props.next_step, verdict, demo) {
                <p class="next-step" data-testid="next-step"><strong>{ "Next step: " }</strong>{ what.clone() }<span class="how">{ format!(" {how}") }</span></p>
            }
            <p class={classes!("verdict", banner.as_ref().map(|b| b.0))} role="status" data-testid="verdict">
                { banner.as_ref().map(|b| b.1.clone()).unwrap_or_default() }
            </p>
            if t.hints_shown > 0 {
                <ol class="hints" aria-label="Hints">{ for f.hints.iter().take(t.hints_shown).map(|h| html! { <li>{ h.clone() }</li> }) }</ol>
            }
            <div class="button-row">
                if total > 0 {
                    <ActionButton id="show-hint" label={format!("Show a hint ({} of {total})", (t.hints_shown + 1).min(total))} why_not={hint_why} onclick={props.on_action.reform(|_| Action::ClickedHint)} />
                }
                if verdict != Verdict::InProgress {
                    <button type="button" class="primary" onclick={emit(Action::OpenedDebrief)}>{ "Show the debrief" }</button>
                }
                if !f.solution.is_empty() && !demo {
                    <button type="button" onclick={emit(Action::ClickedShowMe)} title="Plays the lesson's reference solution from the start, one step at a time; your attempt is kept">{ "Show me the solution" }</button>
                }
                <button type="button" onclick={pick}>{ "Choose a lesson" }</button>
            </div>
        </section>
    }
}
