//! Commit a change: a summary and its hidden traits (defect, configuration it needs,
//! migration), or "Surprise me" to let the seed decide.

use yew::prelude::*;

use super::{form_field, ActionButton};
use crate::sim::{CommitTraits, ConfigKey, Defect, Migration, TraitsChoice};
use crate::ui::state::Action;

#[derive(Properties, PartialEq)]
pub struct CommitFormProps {
    pub on_action: Callback<Action>,
}

#[derive(Clone, PartialEq)]
struct Form {
    summary: String,
    surprise: bool,
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
    let form = use_state(|| Form {
        summary: "Add gift cards".into(),
        surprise: false,
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
            let traits = if f.surprise {
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
    let off = form.surprise;
    html! {
        <section class="card commit" aria-labelledby="commit-heading">
            <h2 id="commit-heading">{ "Commit a change" }</h2>
            <label>{ "Summary" }<input aria-label="Summary" type="text" value={form.summary.clone()} onchange={field(|f, v| f.summary = v)} /></label>
            <label class="check"><input type="checkbox" checked={form.surprise} onchange={toggle(|f| f.surprise = !f.surprise)} />{ "Surprise me (hidden traits)" }</label>
            <label>{ "Defect" }
                <select aria-label="Defect" id="commit-defect" disabled={off} onchange={field(|f, v| f.defect = v.parse().unwrap_or(0))}>
                    { for Defect::ALL.iter().enumerate().map(|(k, d)| html! { <option value={k.to_string()} selected={form.defect == k}>{ d.label() }</option> }) }
                </select>
            </label>
            <label class="check"><input type="checkbox" disabled={off} checked={form.sneaky} onchange={toggle(|f| f.sneaky = !f.sneaky)} />{ "Tests miss the defect" }</label>
            <label>{ "Needs setting" }<input aria-label="Needs setting" type="text" disabled={off} placeholder="e.g. PAYMENT_API_KEY" value={form.requires.clone()} onchange={field(|f, v| f.requires = v)} /></label>
            <label>{ "Migration" }
                <select aria-label="Migration" id="commit-migration" disabled={off} onchange={field(|f, v| f.migration = v)}>
                    { for [("none", "none"), ("additive", "additive (safe)"), ("destructive", "destructive")].iter().map(|(k, l)| html! {
                        <option value={*k} selected={form.migration == *k}>{ *l }</option>
                    }) }
                </select>
            </label>
            <ActionButton id="commit" class={classes!("primary")} label="Commit change" onclick={submit} />
        </section>
    }
}
