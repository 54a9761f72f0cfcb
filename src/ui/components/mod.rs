//! One component per file. Panels receive a [`Snapshot`] of the world (compared by
//! revision, never deeply) and the one stable `Callback<Action>`.

pub mod chaos;
pub mod chart;
pub mod clock;
pub mod commit_form;
pub mod config_matrix;
pub mod debrief;
pub mod deferred;
pub mod delivery;
pub mod details;
pub mod dialog;
pub mod file_picker;
pub mod guide;
pub mod help;
pub mod lesson_panel;
pub mod moment;
pub mod monitoring;
pub mod notice;
pub mod phone_bar;
pub mod picker;
pub mod pipeline;
pub mod session_bar;
pub mod stage_controls;
pub mod stage_ops;
pub mod station;
pub mod strip;
pub mod timeline;
pub mod toast;
pub mod welcome;

use std::rc::Rc;

use yew::prelude::*;

use crate::sim::World;

/// The world as of one revision. Equality is the revision and the pointer, so comparing
/// props costs nothing however big the world grows.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub world: Rc<World>,
    pub rev: u64,
}

impl PartialEq for Snapshot {
    fn eq(&self, other: &Self) -> bool {
        self.rev == other.rev && Rc::ptr_eq(&self.world, &other.world)
    }
}

/// Click and Enter handlers for an SVG element acting as a button (Space is the clock's,
/// everywhere: see `hooks::typing_in`).
pub fn activate(cb: Callback<()>) -> (Callback<MouseEvent>, Callback<KeyboardEvent>) {
    let click = cb.reform(|_: MouseEvent| ());
    let key = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" {
            e.prevent_default();
            cb.emit(());
        }
    });
    (click, key)
}

/// A change handler that edits one field of a form kept in `use_state`: the form's fields
/// are plain values, and each input says which one it edits.
pub fn form_field<F: Clone + 'static>(
    form: &UseStateHandle<F>,
    edit: fn(&mut F, String),
) -> Callback<Event> {
    let form = form.clone();
    Callback::from(move |e: Event| {
        let mut next = (*form).clone();
        edit(&mut next, value_of(&e));
        form.set(next);
    })
}

/// The value of the input or select an event came from.
pub fn value_of(e: &Event) -> String {
    use wasm_bindgen::JsCast;
    let target = e.target();
    if let Some(i) = target
        .as_ref()
        .and_then(|t| t.dyn_ref::<web_sys::HtmlInputElement>())
    {
        return i.value();
    }
    if let Some(s) = target
        .as_ref()
        .and_then(|t| t.dyn_ref::<web_sys::HtmlSelectElement>())
    {
        return s.value();
    }
    target
        .as_ref()
        .and_then(|t| t.dyn_ref::<web_sys::HtmlTextAreaElement>())
        .map(|t| t.value())
        .unwrap_or_default()
}

/// The policy's refusal for `command`, if the actor may not issue it (`World::permits`):
/// controls say it in advance, next to the button.
pub fn refusal(
    world: &crate::sim::World,
    actor: &crate::sim::ActorId,
    command: crate::sim::Command,
) -> Option<AttrValue> {
    world
        .permits(actor, &command)
        .err()
        .map(|r| AttrValue::from(r.message))
}

/// A button that can be disabled with a visible reason linked by `aria-describedby`.
#[derive(Properties, PartialEq)]
pub struct ActionButtonProps {
    pub id: AttrValue,
    pub label: AttrValue,
    #[prop_or_default]
    pub why_not: Option<AttrValue>,
    /// The acting role may not do this (from `World::permits`): said in advance, but the
    /// button stays usable so the refusal is tried and audited.
    #[prop_or_default]
    pub not_allowed: Option<AttrValue>,
    #[prop_or_default]
    pub class: Classes,
    pub onclick: Callback<()>,
}

#[component]
pub fn ActionButton(props: &ActionButtonProps) -> Html {
    let disabled = props.why_not.is_some();
    let why_id = format!("{}-why", props.id);
    let onclick = props.onclick.reform(|_: MouseEvent| ());
    // A state reason (disabled) comes first; a permission warning only when it is clickable.
    let warning = props.not_allowed.as_ref().filter(|_| !disabled);
    let said = props.why_not.as_ref().or(warning);
    html! {
        <span class="action">
            <button type="button" id={props.id.clone()} class={props.class.clone()} {disabled} {onclick}
                title={said.cloned()}
                aria-describedby={said.map(|_| why_id.clone())}>
                { props.label.clone() }
            </button>
            if let Some(why) = &props.why_not {
                <span class="why" id={why_id}>{ why.clone() }</span>
            } else if let Some(w) = warning {
                <span class="why not-allowed" id={why_id}>{ format!("⚠ {w}") }</span>
            }
        </span>
    }
}
