//! The instructor's chaos menu: inject a failure now, or schedule it at a simulated time.
//! Always acts as the trainer.

use yew::prelude::*;

use super::{form_field, ActionButton, Snapshot};
use crate::sim::{ActorId, Failure, SimTime, StageId, World};
use crate::ui::state::Action;

#[derive(Properties, PartialEq)]
pub struct ChaosProps {
    pub snapshot: Snapshot,
    /// Who injects (the scenario's instructor): the forecast plays it as them.
    pub instructor: ActorId,
    /// Inside a lesson the forecast also says whether the lesson could still be won.
    pub in_lesson: bool,
    pub on_action: Callback<Action>,
}

/// How far ahead the forecast looks: the failure's own duration and half an hour after it.
fn horizon(failure: &Failure) -> u32 {
    match failure {
        Failure::DependencyOutage { minutes, .. }
        | Failure::DatabaseOutage { minutes, .. }
        | Failure::TrafficSpike { minutes, .. }
        | Failure::FlakyTests { minutes } => minutes + 30,
        _ => 60,
    }
}

/// The forecast in words: what the failure would likely cost, and whether it would freeze
/// promotions (the error-budget policy), which can make a lesson impossible to win.
fn forecast_text(world: &World, by: &ActorId, failure: &Failure, in_lesson: bool) -> String {
    let minutes = horizon(failure);
    let Some(f) = world.forecast(by, failure, minutes) else {
        return "This failure cannot be injected here (the engine would refuse it).".into();
    };
    let extra = f.failed_with.saturating_sub(f.failed_without);
    let mut text = format!(
        "Likely cost over the next {minutes} min: about {extra} more failed requests in {}",
        world.production().name()
    );
    if f.budget_spent >= 0.005 {
        text.push_str(&format!(", {:.0} % of its error budget", f.budget_spent * 100.0));
    }
    text.push('.');
    if f.freezes_promotions {
        text.push_str(" ⚠ It would spend the whole error budget: ordinary promotions are then refused until it recovers");
        text.push_str(if in_lesson { ", so this lesson may no longer be winnable." } else { "." });
    }
    text
}

pub const FAILURES: [(&str, &str); 9] = [
    ("crash", "Instance crash"),
    ("dependency", "Dependency outage (30 min)"),
    ("database", "Database outage (20 min)"),
    ("spike", "Traffic spike ×3 (30 min)"),
    ("data_loss", "Data loss (disk lost)"),
    ("region", "Region outage"),
    ("certificate", "Certificate expiry"),
    ("flaky", "Flaky tests (60 min)"),
    ("unauthorized", "Unauthorized deploy attempt"),
];

pub fn failure(kind: &str, stage: StageId) -> Failure {
    match kind {
        "dependency" => Failure::DependencyOutage { stage, minutes: 30 },
        "database" => Failure::DatabaseOutage { stage, minutes: 20 },
        "spike" => Failure::TrafficSpike {
            stage,
            factor: 3.0,
            minutes: 30,
        },
        "data_loss" => Failure::DataLoss { stage },
        "region" => Failure::RegionOutage { stage },
        "certificate" => Failure::CertificateExpiry { stage },
        "flaky" => Failure::FlakyTests { minutes: 60 },
        "unauthorized" => Failure::UnauthorizedDeploy { stage },
        _ => Failure::InstanceCrash { stage },
    }
}

#[derive(Clone, PartialEq)]
struct Form {
    kind: String,
    stage: String,
    delay: String,
}

#[component]
pub fn Chaos(props: &ChaosProps) -> Html {
    let world = &props.snapshot.world;
    let prod = world.production().config.id.as_str().to_string();
    let form = use_state(|| Form {
        kind: "crash".into(),
        stage: prod,
        delay: "30".into(),
    });
    let field = |f: fn(&mut Form, String)| form_field(&form, f);
    let fire = |scheduled: bool| {
        let form = form.clone();
        let on = props.on_action.clone();
        let now = world.now;
        Callback::from(move |_| {
            let f = failure(&form.kind, StageId::new(form.stage.clone()));
            let at =
                scheduled.then(|| SimTime(now.0 + form.delay.trim().parse::<u64>().unwrap_or(30)));
            on.emit(Action::ChoseChaos { failure: f, at });
        })
    };
    // The forecast plays the engine forward, which the first screen never needs: it starts
    // once the trainer points at or focuses the menu (so the first download stays small,
    // see ARCHITECTURE.md, "How the app reaches the browser").
    let engaged = use_state_eq(|| false);
    let engage = {
        let engaged = engaged.clone();
        Callback::from(move |_: ()| engaged.set(true))
    };
    let forecast = if *engaged {
        let chosen = failure(&form.kind, StageId::new(form.stage.clone()));
        forecast_text(world, &props.instructor, &chosen, props.in_lesson)
    } else {
        "Point at or tab into this menu to see what the chosen failure would likely cost.".to_string()
    };
    let scheduled = world.scheduled.iter().map(|(at, f)| {
        html! {
            <li>{ format!("{}: {}", at.label(world.config.start_minute_of_day), f.describe()) }</li>
        }
    });
    html! {
        <section class="card chaos" aria-labelledby="chaos-heading"
            onpointerenter={engage.reform(|_: PointerEvent| ())} onfocusin={engage.reform(|_: FocusEvent| ())}
            onchange={engage.reform(|_: Event| ())}>
            <h2 id="chaos-heading">{ "Instructor: chaos" }</h2>
            <p class="hint">{ "Acts as the trainer. Break something, then let the class recover." }</p>
            <label>{ "Failure" }
                <select aria-label="Failure" id="chaos-failure" onchange={field(|f, v| f.kind = v)}>
                    { for FAILURES.iter().map(|(k, l)| html! { <option value={*k} selected={form.kind == *k}>{ *l }</option> }) }
                </select>
            </label>
            <label>{ "Where" }
                <select aria-label="Where" id="chaos-stage" onchange={field(|f, v| f.stage = v)}>
                    { for world.stages.iter().map(|s| html! {
                        <option value={s.config.id.as_str().to_string()} selected={form.stage == s.config.id.as_str()}>{ s.name().to_string() }</option>
                    }) }
                </select>
            </label>
            <p class="forecast" id="chaos-forecast" data-testid="chaos-forecast">{ forecast }</p>
            <ActionButton id="inject" class={classes!("danger")} label="Inject failure now" onclick={fire(false)} />
            <label>{ "In (sim minutes)" }<input aria-label="In (sim minutes)" type="number" min="1" value={form.delay.clone()} onchange={field(|f, v| f.delay = v)} /></label>
            <ActionButton id="schedule" label="Schedule failure" onclick={fire(true)} />
            if !world.scheduled.is_empty() { <ul class="scheduled" aria-label="Scheduled failures">{ for scheduled }</ul> }
        </section>
    }
}
