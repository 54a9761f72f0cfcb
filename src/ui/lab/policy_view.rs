//! One policy's column in the lab: a preset to start from, then every setting (strategy and
//! its settings, gates, alerts, automatic rollback, the error-budget freeze, how schema
//! changes are written, batch size and the team's cadence).
//! Numbers are typed as text and checked when the run starts, so a value out of range is
//! refused in words next to the form rather than clamped without a word.

use yew::prelude::*;

use super::form::{NumberField, PolicyForm, StrategyKind, ALERTS};
use super::policy_file::FileNote;
use crate::ui::components::file_picker::FilePicker;
use super::state::LabAction;
use crate::lab::{Arm, Hours, Policy, SKIPPABLE_GATES};
use crate::sim::change::{GateKind, MigrationPractice};
use crate::ui::components::value_of;

#[derive(Properties, PartialEq)]
pub struct PolicyViewProps {
    pub arm: Arm,
    pub form: PolicyForm,
    /// While a run goes on the settings are read-only (the run uses what was there).
    pub locked: bool,
    pub on_lab: Callback<LabAction>,
    /// What became of the last policy file this side loaded or saved.
    #[prop_or_default]
    pub note: Option<FileNote>,
}

#[component]
pub fn PolicyView(props: &PolicyViewProps) -> Html {
    let arm = props.arm;
    let f = &props.form;
    let id = |what: &str| format!("lab-{}-{what}", super::arm_key(arm));
    let on = &props.on_lab;
    let number = |field: NumberField, what: &str, hint: &str| {
        let input_id = id(what);
        let hint_id = format!("{input_id}-hint");
        // Every keystroke reaches the state (`input`, not `change`, which waits for the field to
        // lose focus): a redraw before then would put the old value back in the field.
        let change = on.reform(move |e: InputEvent| LabAction::EditedNumber { arm, field, text: value_of(&e) });
        html! {
            <div class="lab-field">
                <label for={input_id.clone()}>{ field.label() }</label>
                <input id={input_id} type="text" inputmode="numeric" value={f.number(field).to_string()} disabled={props.locked} oninput={change} aria-describedby={hint_id.clone()} />
                <span class="hint" id={hint_id}>{ hint.to_string() }</span>
            </div>
        }
    };
    let presets = Policy::presets();
    let preset = f.preset.unwrap_or("");
    let choose_preset = on.reform(move |e: Event| LabAction::ChosePreset { arm, key: value_of(&e) });
    let choose_strategy = on.reform(move |e: Event| LabAction::ChoseStrategy { arm, key: value_of(&e) });
    let choose_alerts = on.reform(move |e: Event| LabAction::ChoseAlerts { arm, key: value_of(&e) });
    let choose_hours = on.reform(move |e: Event| LabAction::ChoseHours { arm, around_the_clock: value_of(&e) == "around" });
    let choose_migrations = on.reform(move |e: Event| LabAction::ChoseMigrations { arm, expand_contract: value_of(&e) == "expand" });
    let rename = on.reform(move |e: InputEvent| LabAction::Renamed { arm, name: value_of(&e) });
    let gate = |g: GateKind| {
        let gid = id(&format!("gate-{g:?}").to_lowercase());
        let runs = !f.skip_gates.contains(&g);
        html! {
            <label class="check" for={gid.clone()}>
                <input id={gid} type="checkbox" checked={runs} disabled={props.locked} onchange={on.reform(move |_| LabAction::ToggledGate { arm, gate: g })} />
                { g.label() }
            </label>
        }
    };
    html! {
        <fieldset class={classes!("lab-policy", format!("arm-{}", super::arm_key(arm)))} aria-labelledby={id("legend")}>
            <legend id={id("legend")}><span class="arm-badge" aria-hidden="true">{ arm.to_string() }</span>{ format!("Policy {arm}") }</legend>
            <div class="lab-field">
                <label for={id("preset")}>{ "Start from" }</label>
                <select id={id("preset")} onchange={choose_preset} disabled={props.locked}>
                    <option value="" selected={preset.is_empty()} disabled=true>{ "Your own settings" }</option>
                    { for presets.iter().map(|(key, p)| html! { <option value={*key} selected={*key == preset}>{ p.name.clone() }</option> }) }
                </select>
            </div>
            <div class="lab-file">
                <FilePicker id={id("load")} label="Load a policy file (JSON)" disabled={props.locked}
                    on_text={on.reform(move |(name, text)| LabAction::LoadedPolicyFile { arm, name, text })}
                    on_refused={on.reform(move |(name, reason)| LabAction::RefusedPolicyFile { arm, name, reason })} />
                <button type="button" id={id("save")} onclick={on.reform(move |_| LabAction::ClickedSavePolicy { arm })}>{ "Save as a file" }</button>
            </div>
            if let Some(n) = &props.note {
                <p class={classes!("lab-file-note", (!n.ok).then_some("bad"))} role={if n.ok { "status" } else { "alert" }}>{ n.text.clone() }</p>
            }
            <div class="lab-field">
                <label for={id("name")}>{ "Name" }</label>
                <input id={id("name")} type="text" value={f.name.clone()} disabled={props.locked} oninput={rename} />
            </div>
            <div class="lab-field">
                <label for={id("strategy")}>{ "Deployment to production" }</label>
                <select id={id("strategy")} onchange={choose_strategy} disabled={props.locked}>
                    { for StrategyKind::ALL.iter().map(|k| html! { <option value={k.key()} selected={*k == f.strategy}>{ k.label() }</option> }) }
                </select>
            </div>
            if f.strategy == StrategyKind::Rolling {
                { number(NumberField::MaxSurge, "surge", "0–100") }
                { number(NumberField::MaxUnavailable, "unavailable", "0–100") }
            }
            if f.strategy == StrategyKind::Canary {
                { number(NumberField::CanarySteps, "steps", "e.g. 10, 25, 50") }
                { number(NumberField::PauseMinutes, "pause", "1–1440") }
                <label class="check" for={id("analysis")}>
                    <input id={id("analysis")} type="checkbox" checked={f.analysis} disabled={props.locked} onchange={on.reform(move |_| LabAction::ToggledAnalysis { arm })} />
                    { "Canary analysis (errors and latency against stable)" }
                </label>
            }
            <fieldset class="lab-gates">
                <legend>{ "Checks that run" }</legend>
                { for SKIPPABLE_GATES.into_iter().map(gate) }
            </fieldset>
            <div class="lab-field">
                <label for={id("alerts")}>{ "Alert rules" }</label>
                <select id={id("alerts")} onchange={choose_alerts} disabled={props.locked}>
                    { for ALERTS.iter().map(|(a, key, label)| html! { <option value={*key} selected={*a == f.alerts}>{ *label }</option> }) }
                </select>
            </div>
            <label class="check" for={id("rollback")}>
                <input id={id("rollback")} type="checkbox" checked={f.automatic_rollback} disabled={props.locked} onchange={on.reform(move |_| LabAction::ToggledRollback { arm })} />
                { "Automatic rollback on a critical alert" }
            </label>
            <label class="check" for={id("freeze")}>
                <input id={id("freeze")} type="checkbox" checked={f.error_budget_freeze} disabled={props.locked} onchange={on.reform(move |_| LabAction::ToggledFreeze { arm })} />
                { "Freeze deploys while the error budget is spent" }
            </label>
            <div class="lab-field">
                <label for={id("migrations")}>{ "Schema changes" }</label>
                <select id={id("migrations")} onchange={choose_migrations} disabled={props.locked} aria-describedby={id("migrations-hint")}>
                    <option value="expand" selected={f.migrations == MigrationPractice::ExpandContract}>{ "Expand/contract" }</option>
                    <option value="in-place" selected={f.migrations == MigrationPractice::InPlace}>{ "In place" }</option>
                </select>
                <span class="hint" id={id("migrations-hint")}>{ "Expand/contract keeps the old release working; in place may break it" }</span>
            </div>
            { number(NumberField::CommitsPerRelease, "batch", "1–100") }
            { number(NumberField::CommitsPerDay, "per-day", "1–288") }
            <div class="lab-field">
                <label for={id("hours")}>{ "Team hours" }</label>
                <select id={id("hours")} onchange={choose_hours} disabled={props.locked}>
                    <option value="office" selected={f.hours == Hours::Office}>{ "Office hours (09:00–17:00)" }</option>
                    <option value="around" selected={f.hours == Hours::AroundTheClock}>{ "Around the clock" }</option>
                </select>
            </div>
            { number(NumberField::ReviewMinutes, "review", "0–1440") }
            { number(NumberField::ResponseMinutes, "response", "0–1440") }
        </fieldset>
    }
}
