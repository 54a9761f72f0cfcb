//! The lesson picker: every built-in lesson with its summary, the curriculum concepts it
//! teaches and the learner's result so far; free play; a custom scenario file. The
//! lessons arrive with the picker's first opening (see `state/library.rs`): until then it
//! says they are loading, and if they cannot be fetched it says why and offers to retry.

use std::collections::BTreeMap;

use yew::prelude::*;

use super::dialog::Dialog;
use super::file_picker::FilePicker;
use crate::lessons::{Concept, LessonSummary, Verdict};
use crate::ui::state::{Action, LibraryState};

#[derive(Properties, PartialEq)]
pub struct PickerProps {
    pub library: LibraryState,
    pub records: std::rc::Rc<BTreeMap<String, Verdict>>,
    pub on_action: Callback<Action>,
}

pub fn section_name(section: u8) -> &'static str {
    match section {
        1 => "The path of a change",
        2 => "Why it matters",
        3 => "Best practices",
        4 => "Settings from real life",
        _ => "Measures",
    }
}

fn concept_chip(c: &Concept) -> Html {
    let s = c.section();
    // The section is written out: a bare "§2" meant nothing to a newcomer.
    html! { <li class="chip" title={format!("Curriculum section {s}: {}", section_name(s))}>{ if c.label() == section_name(s) { c.label().to_string() } else { format!("{} · {}", c.label(), section_name(s)) } }</li> }
}

fn item(l: &LessonSummary, result: Option<Verdict>, on: &Callback<Action>) -> Html {
    let (class, status) = match result {
        Some(Verdict::Won) => ("won", "✓ Won"),
        Some(Verdict::Lost) => ("lost", "✕ Lost (try again)"),
        _ => ("new", "Not started"),
    };
    let status = if l.id == crate::lessons::FREE_PLAY_ID {
        "Sandbox"
    } else {
        status
    };
    let id = l.id.clone();
    let start = on.reform(move |_: MouseEvent| Action::PickedLesson(id.clone()));
    let heading = format!("lesson-{}", l.id);
    html! {
        <li class={classes!("lesson-item", class)}>
            <div class="lesson-item-head">
                <h3 id={heading}>{ l.title.clone() }</h3>
                <span class="badge">{ status }</span>
            </div>
            <p>{ l.summary.clone() }</p>
            <ul class="chips" aria-label="Concepts">{ for l.concepts.iter().map(concept_chip) }</ul>
            <button type="button" class="primary" onclick={start} aria-label={format!("Start: {}", l.title)}>{ "Start" }</button>
        </li>
    }
}

#[component]
pub fn Picker(props: &PickerProps) -> Html {
    let catalog = use_memo(props.library.clone(), |l| {
        l.library().map(|l| l.summaries()).unwrap_or_default()
    });
    let close = props.on_action.reform(|_| Action::ClosedDialog);
    html! {
        <Dialog id="picker" title="Choose a lesson" close_label="Close lessons" on_close={close}>
            <p class="hint">{ "Each lesson sets up the pipeline, gives you goals, and ends with a debrief and a short quiz. Your results are remembered in this browser. The tags under each lesson name the concepts it teaches and the part of the course they belong to (the path of a change, why it matters, best practices, settings from real life, measures)." }</p>
            { lesson_list(&props.library, &catalog, props) }
            <FilePicker id="picker-scenario" label="Or load a custom scenario file (JSON)" on_refused={props.on_action.reform(super::file_picker::refused)}
                on_text={props.on_action.reform(|(name, text)| Action::ChoseScenarioFile { name, text })} />
        </Dialog>
    }
}

fn lesson_list(library: &LibraryState, catalog: &[LessonSummary], props: &PickerProps) -> Html {
    match library {
        LibraryState::Ready(_) => html! {
            <ul class="lesson-list">
                { for catalog.iter().map(|l| item(l, props.records.get(&l.id).copied(), &props.on_action)) }
            </ul>
        },
        LibraryState::Failed(why) => {
            let retry = props
                .on_action
                .reform(|_: MouseEvent| Action::RetriedLessons);
            html! {
                <div class="load-failed" role="alert">
                    <p>{ format!("The lessons could not be loaded: {why}") }</p>
                    <button type="button" class="primary" onclick={retry}>{ "Try again" }</button>
                </div>
            }
        }
        LibraryState::NotLoaded | LibraryState::Loading => html! {
            <p class="hint loading-lessons" role="status">{ "Loading lessons…" }</p>
        },
    }
}
