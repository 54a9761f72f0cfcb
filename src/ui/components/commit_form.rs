//! Commit a change: a summary and its hidden traits (defect, configuration it needs,
//! migration), or "Surprise me" to let the seed decide. Inside a lesson the form proposes
//! the lesson's own next change (the traits its scenario scripts), so following the
//! briefing with the form untouched plays the situation the lesson teaches; choosing the
//! traits yourself is a deliberate, labelled choice.

use yew::prelude::*;

use super::{form_field, ActionButton};
use crate::sim::{CommitTraits, ConfigKey, Defect, Migration, TraitsChoice};
use crate::ui::state::Action;

#[derive(Properties, PartialEq)]
pub struct CommitFormProps {
    /// The summary of the lesson's next scripted change, while the lesson has one left.
    /// The parent keys the form on it, so a new lesson or the next change starts afresh.
    #[prop_or_default]
    pub lesson_change: Option<AttrValue>,
    pub on_action: Callback<Action>,
}

/// Where the commit's hidden traits come from.
#[derive(Clone, Copy, PartialEq)]
enum Source {
    /// The lesson's scripted change (sent as "surprise me", which takes it).
    Lesson,
    /// A seeded random draw.
    Surprise,
    /// The fields below.
    Own,
}

#[derive(Clone, PartialEq)]
struct Form {
    summary: String,
    source: Source,
    defect: usize,
    requires: String,
    migration: String,
    /// The defect slips past every check (so it shows in a later stage).
    sneaky: bool,
}

fn migration(key: &str) -> Migration {
    match key {
        "additive" => Migration::Additive,
        "destructive" => Migration::Destructive,
        _ => Migration::None,
    }
}

#[component]
pub fn CommitForm(props: &CommitFormProps) -> Html {
    let lesson_change = props.lesson_change.clone();
    let form = use_state(|| Form {
        summary: lesson_change.as_deref().unwrap_or("Add gift cards").to_string(),
        source: if lesson_change.is_some() { Source::Lesson } else { Source::Own },
        defect: 0,
        requires: String::new(),
        migration: "none".into(),
        sneaky: false,
    });
    let field = |f: fn(&mut Form, String)| form_field(&form, f);
    let toggle = |f: fn(&mut Form)| {
        let form = form.clone();
        Callback::from(move |_: Event| {
            let mut next = (*form).clone();
            f(&mut next);
            form.set(next);
        })
    };
    let submit = {
        let form = form.clone();
        let on = props.on_action.clone();
        Callback::from(move |_| {
            let f = &*form;
            let traits = if f.source != Source::Own {
                TraitsChoice::Surprise
            } else {
                let mut t = CommitTraits {
                    defect: Defect::ALL.get(f.defect).copied().unwrap_or(Defect::None),
                    requires_config: Some(f.requires.trim())
                        .filter(|k| !k.is_empty())
                        .map(ConfigKey::new),
                    migration: migration(&f.migration),
                    ..CommitTraits::default()
                };
                if f.sneaky {
                    for g in crate::sim::config::WorldConfig::standard()
                        .stages
                        .iter()
                        .flat_map(|s| s.gates.clone())
                    {
                        t.detection.insert(g, 0.0);
                    }
                }
                TraitsChoice::Exactly(t)
            };
            on.emit(Action::SubmittedCommit {
                summary: f.summary.clone(),
                traits,
            });
        })
    };
    let off = form.source != Source::Own;
    let choose = |source: Source| {
        let form = form.clone();
        Callback::from(move |_: Event| {
            let mut next = (*form).clone();
            next.source = source;
            form.set(next);
        })
    };
    let radio = |source: Source, label: String, note: &'static str| {
        html! {
            <label class="check source">
                <input type="radio" name="commit-source" checked={form.source == source} onchange={choose(source)} />
                <span>{ label }<span class="note">{ note }</span></span>
            </label>
        }
    };
    html! {
        <section class="commit" aria-labelledby="commit-heading">
            <h4 id="commit-heading">{ "Commit a change" }</h4>
            <label>{ "Summary" }<input aria-label="Summary" type="text" value={form.summary.clone()} onchange={field(|f, v| f.summary = v)} /></label>
            // The button comes before the choice of traits: the lesson's change is chosen
            // already, and the step's button then sits beside the diagram on a laptop.
            <ActionButton id="commit" class={classes!("primary")} label="Commit change" onclick={submit} />
            <fieldset class="commit-source">
                <legend>{ "What is in this change" }</legend>
                if let Some(change) = &props.lesson_change {
                    { radio(Source::Lesson, format!("The lesson's change: “{change}”"), " — its hidden traits are what the lesson is about") }
                } else {
                    { radio(Source::Surprise, "Surprise me".into(), " — the seed decides the hidden traits") }
                }
                { radio(Source::Own, "Choose the traits myself".into(), " — defect, setting, migration below") }
            </fieldset>
            if !off {
            <label>{ "Defect" }
                <select aria-label="Defect" id="commit-defect" onchange={field(|f, v| f.defect = v.parse().unwrap_or(0))}>
                    { for Defect::ALL.iter().enumerate().map(|(k, d)| html! { <option value={k.to_string()} selected={form.defect == k}>{ d.label() }</option> }) }
                </select>
            </label>
            <label class="check"><input type="checkbox" checked={form.sneaky} onchange={toggle(|f| f.sneaky = !f.sneaky)} />{ "Tests miss the defect" }</label>
            <label>{ "Needs setting" }<input aria-label="Needs setting" type="text" placeholder="e.g. PAYMENT_API_KEY" value={form.requires.clone()} onchange={field(|f, v| f.requires = v)} /></label>
            <label>{ "Migration" }
                <select aria-label="Migration" id="commit-migration" onchange={field(|f, v| f.migration = v)}>
                    { for [("none", "none"), ("additive", "additive (safe)"), ("destructive", "destructive")].iter().map(|(k, l)| html! {
                        <option value={*k} selected={form.migration == *k}>{ *l }</option>
                    }) }
                </select>
            </label>
            }
        </section>
    }
}
