//! Deploy controls for one stage: approve, pause / resume / advance / abort the running
//! rollout, switch blue-green traffic, promote with a strategy, roll back. The control a
//! step needs comes first (the rollout's, then Promote right under its strategy), so it
//! sits next to the diagram on a laptop screen; the optional fields follow it.

use yew::prelude::*;

use super::{refusal, value_of, ActionButton, Snapshot};
use crate::sim::command::CanaryPlan;
use crate::sim::rollout::{DeployProgress, Phase};
use crate::sim::{ActorId, Amount, Command, FlagName, GateMode, RollingPlan, Strategy, Version};
use crate::ui::labels::strategy_hint;
use crate::ui::state::Action;

#[derive(Properties, PartialEq)]
pub struct StageControlsProps {
    pub snapshot: Snapshot,
    pub index: usize,
    /// Who the learner acts as: controls say in advance when that role may not do this.
    pub actor: ActorId,
    pub on_action: Callback<Action>,
}

/// The strategy form's fields, turned into a [`Strategy`] on submit.
#[derive(Clone, PartialEq)]
struct StrategyForm {
    kind: String,
    /// Kubernetes' limits as typed: a count ("1") or a percentage ("25%").
    max_surge: String,
    max_unavailable: String,
    steps: String,
    flag: String,
    /// Non-empty: skip the gates, with this reason in the audit log.
    skip_reason: String,
}

impl StrategyForm {
    fn strategy(&self) -> Strategy {
        match self.kind.as_str() {
            "rolling" => Strategy::Rolling(RollingPlan::Limits {
                max_surge: amount(&self.max_surge),
                max_unavailable: amount(&self.max_unavailable),
            }),
            "blue_green" => Strategy::BlueGreen,
            "canary" => {
                // Unparsable steps are sent as given (empty), so the engine explains the rule.
                let steps = self
                    .steps
                    .split([',', ' '])
                    .filter(|s| !s.is_empty())
                    .map(|s| s.trim_end_matches('%').parse().unwrap_or(0))
                    .collect();
                Strategy::Canary(Box::new(CanaryPlan {
                    steps,
                    ..CanaryPlan::default()
                }))
            }
            "dark" => Strategy::DarkLaunch {
                flag: FlagName::new(self.flag.trim()),
            },
            _ => Strategy::AllAtOnce,
        }
    }
}

/// "25%" or "25 %" is a percentage, anything else a count; what does not parse is sent as
/// 101 %, so the engine's refusal explains the rule rather than the form guessing.
fn amount(text: &str) -> Amount {
    let t = text.trim();
    match t.strip_suffix('%') {
        Some(p) => Amount::Percent(p.trim().parse().unwrap_or(101)),
        None => t.parse().map_or(Amount::Percent(101), Amount::Count),
    }
}

#[component]
pub fn StageControls(props: &StageControlsProps) -> Html {
    let form = use_state(|| StrategyForm {
        kind: "rolling".into(),
        // Kubernetes' defaults.
        max_surge: "25%".into(),
        max_unavailable: "25%".into(),
        steps: "10, 25, 50".into(),
        flag: "new-checkout".into(),
        skip_reason: String::new(),
    });
    let world = &props.snapshot.world;
    let i = props.index;
    let stage = &world.stages[i];
    let id = stage.config.id.clone();
    let name = stage.name().to_string();
    let sid = id.as_str().to_string();
    let rollout = stage.rollout.as_ref();
    let on = props.on_action.clone();
    let emit = |action: Action| {
        let on = on.clone();
        Callback::from(move |_| on.emit(action.clone()))
    };

    let promote = (i > 0).then(|| {
        let prev = &world.stages[i - 1];
        let candidate = prev.current();
        let why = match (candidate, rollout) {
            (_, Some(r)) => Some(format!("{name} is busy with {}; wait, or abort it.", r.release)),
            (Some(v), None) if stage.serving() == vec![(v, 100)] => {
                Some(format!("{name} already runs {v}, like {}. Commit a change first.", prev.name()))
            }
            (None, None) => Some(format!("Nothing runs in {}.", prev.name())),
            _ => None,
        };
        let strategy = form.strategy();
        let limits_text = rolling_limits(&strategy, stage.config.instances);
        let override_reason = Some(form.skip_reason.trim().to_string()).filter(|r| !r.is_empty());
        let field = |f: fn(&mut StrategyForm, String)| {
            let form = form.clone();
            Callback::from(move |e: Event| {
                let mut next = (*form).clone();
                f(&mut next, value_of(&e));
                form.set(next);
            })
        };
        let kind = form.kind.clone();
        let gates = override_reason.clone().map_or(GateMode::Enforce, |reason| GateMode::Override { reason });
        let not_allowed = candidate.and_then(|release| refusal(world, &props.actor, Command::Promote { release, to: id.clone(), strategy: strategy.clone(), gates }));
        html! {
            <fieldset class="promote">
                <legend>{ format!("Promote {} → {name}", candidate.map_or("—".into(), |v| v.to_string())) }</legend>
                <label>{ "Strategy" }
                    <select aria-label="Strategy" id={format!("strategy-{sid}")} onchange={field(|f, v| f.kind = v)}>
                        { for [("all", "All at once"), ("rolling", "Rolling"), ("blue_green", "Blue-green"), ("canary", "Canary"), ("dark", "Dark launch")].iter().map(|(k, l)| html! {
                            <option value={*k} selected={kind == *k}>{ *l }</option>
                        }) }
                    </select>
                </label>
                if kind == "rolling" {
                    // One line until opened, so Promote stays in view: Kubernetes' defaults
                    // suit every lesson, and the line says what they are.
                    <details class="limits">
                        <summary>{ format!("Limits: surge {}, unavailable {}", form.max_surge.trim(), form.max_unavailable.trim()) }</summary>
                        <label>{ "Max surge" }<input aria-label="Max surge" type="text" inputmode="numeric" value={form.max_surge.clone()} onchange={field(|f, v| f.max_surge = v)} /></label>
                        <label>{ "Max unavailable" }<input aria-label="Max unavailable" type="text" inputmode="numeric" value={form.max_unavailable.clone()} onchange={field(|f, v| f.max_unavailable = v)} /></label>
                    </details>
                }
                if kind == "canary" {
                    <label>{ "Traffic steps (%)" }<input aria-label="Traffic steps (%)" type="text" value={form.steps.clone()} onchange={field(|f, v| f.steps = v)} /></label>
                }
                if kind == "dark" {
                    <label>{ "Flag name" }<input aria-label="Flag name" type="text" value={form.flag.clone()} onchange={field(|f, v| f.flag = v)} /></label>
                }
                <ActionButton id={format!("promote-{sid}")} class={classes!("primary")} label={format!("Promote to {name}")}
                    why_not={why.map(AttrValue::from)} {not_allowed} onclick={emit(Action::ClickedPromote { to: id.clone(), strategy, override_reason })} />
                if kind == "rolling" {
                    <p class="hint" data-testid={format!("rolling-limits-{sid}")}>{ limits_text }</p>
                }
                <label>{ "Skip gates because (optional)" }<input aria-label="Skip gates because (optional)" type="text" value={form.skip_reason.clone()} onchange={field(|f, v| f.skip_reason = v)} /></label>
                <p class="hint">{ strategy_hint(&kind) }</p>
            </fieldset>
        }
    });

    let deploying = rollout.and_then(|r| match &r.phase {
        Phase::Deploying(p) => Some(p),
        Phase::Gates(_) => None,
    });
    let pausable = matches!(
        deploying,
        Some(DeployProgress::Rolling { .. } | DeployProgress::Canary { .. })
    );
    let paused = rollout.is_some_and(|r| r.paused);
    let pause_why: Option<&str> = if !pausable {
        Some("Only rolling and canary deploys pause.")
    } else if paused {
        Some("Already paused.")
    } else {
        None
    };
    let resume_why = if !paused {
        Some(AttrValue::from("Nothing is paused."))
    } else {
        None
    };
    let ready_green = matches!(
        deploying,
        Some(DeployProgress::BlueGreen { ready: true, .. })
    );
    let advance_why = match deploying {
        Some(DeployProgress::Canary { .. }) => None,
        _ if ready_green => None,
        _ => Some(AttrValue::from(
            "Only a canary or a ready blue-green deploy can advance.",
        )),
    };
    let approve_why = match rollout {
        Some(r) if r.awaiting_approval() => None,
        _ => Some(AttrValue::from("Nothing waits for approval here.")),
    };
    let switch_why = if ready_green || (rollout.is_none() && stage.pools.iter().any(|p| p.idle)) {
        None
    } else {
        Some(AttrValue::from(
            "Needs a blue-green deploy (a ready green side or an idle colour).",
        ))
    };
    let current = stage.current();
    let targets: Vec<Version> = {
        let mut seen = Vec::new();
        for d in stage.history.iter().rev() {
            if (Some(d.release) != current || rollout.is_some()) && !seen.contains(&d.release) {
                seen.push(d.release);
            }
        }
        seen
    };
    let target = use_state(|| None::<Version>);
    let chosen = target
        .filter(|v| targets.contains(v))
        .or(targets.first().copied());
    let rollback_why = if chosen.is_none() {
        Some(AttrValue::from(format!(
            "{name} has no earlier release to go back to."
        )))
    } else {
        None
    };
    let rollback_click = {
        let on = props.on_action.clone();
        let id = id.clone();
        Callback::from(move |_| {
            if let Some(to) = chosen {
                on.emit(Action::ChoseRollback {
                    stage: id.clone(),
                    to,
                });
            }
        })
    };
    let choose_target = {
        let target = target.clone();
        Callback::from(move |e: Event| target.set(value_of(&e).parse().ok()))
    };

    let may = |command: Command| refusal(world, &props.actor, command);
    let approve_not = rollout.and_then(|r| {
        may(Command::Approve {
            release: r.release,
            stage: id.clone(),
        })
    });
    let pause_not = may(Command::PauseRollout { stage: id.clone() });
    let resume_not = may(Command::ResumeRollout { stage: id.clone() });
    let advance_not = may(Command::AdvanceRollout { stage: id.clone() });
    let abort_not = may(Command::AbortRollout { stage: id.clone() });
    let rollback_not = chosen.and_then(|to| {
        may(Command::Rollback {
            stage: id.clone(),
            to,
        })
    });
    html! {
        <div class="stage-controls">
            if rollout.is_some() {
                <div class="button-row" role="group" aria-label={format!("Rollout in {name}")}>
                    <ActionButton id={format!("approve-{sid}")} class={classes!((approve_why.is_none()).then_some("primary"))} label={format!("Approve for {name}")} why_not={approve_why} not_allowed={approve_not} onclick={emit(Action::ClickedApprove { stage: id.clone() })} />
                    <ActionButton id={format!("pause-{sid}")} label={format!("Pause rollout in {name}")} why_not={pause_why.map(AttrValue::from)} not_allowed={pause_not} onclick={emit(Action::ClickedPause { stage: id.clone() })} />
                    <ActionButton id={format!("resume-{sid}")} label={format!("Resume rollout in {name}")} why_not={resume_why} not_allowed={resume_not} onclick={emit(Action::ClickedResume { stage: id.clone() })} />
                    <ActionButton id={format!("advance-{sid}")} label={format!("Advance rollout in {name}")} why_not={advance_why} not_allowed={advance_not} onclick={emit(Action::ClickedAdvance { stage: id.clone() })} />
                    <ActionButton id={format!("abort-{sid}")} class={classes!("danger")} label={format!("Abort rollout in {name}")} not_allowed={abort_not} onclick={emit(Action::ClickedAbort { stage: id.clone() })} />
                    <ActionButton id={format!("switch-{sid}")} label={format!("Switch traffic in {name}")} why_not={switch_why} onclick={emit(Action::ClickedSwitchTraffic { stage: id.clone() })} />
                </div>
            } else {
                if switch_why.is_none() {
                    <div class="button-row">
                        <ActionButton id={format!("switch-{sid}")} label={format!("Switch traffic in {name}")} onclick={emit(Action::ClickedSwitchTraffic { stage: id.clone() })} />
                    </div>
                }
            }
            // The rollout's buttons (Approve…) come before the next promotion's form: while a
            // rollout runs, they are the step at hand, next to the diagram.
            { promote.unwrap_or_else(|| html! { <p class="hint">{ format!("New releases arrive in {name} by committing a change (above).") }</p> }) }
            if rollout.is_none() {
                <p class="hint">{ format!("No rollout in progress in {name}.") }</p>
            }
            <div class="inline-form">
                <label>{ format!("Roll {name} back to") }
                    <select aria-label={format!("Roll {name} back to")} id={format!("rollback-target-{sid}")} onchange={choose_target} disabled={targets.is_empty()}>
                        { for targets.iter().map(|v| html! { <option value={v.to_string()} selected={Some(*v) == chosen}>{ v.to_string() }</option> }) }
                    </select>
                </label>
                <ActionButton id={format!("rollback-{sid}")} class={classes!("danger")} label={format!("Roll back {name}")} why_not={rollback_why} not_allowed={rollback_not} onclick={rollback_click} />
            </div>
        </div>
    }
}

/// What the limits mean for this stage, in instances, as Kubernetes rounds them.
fn rolling_limits(strategy: &Strategy, instances: u8) -> String {
    let Strategy::Rolling(plan) = strategy else {
        return String::new();
    };
    if plan.out_of_range(instances) {
        return format!("Each limit is a number of instances (up to {instances}) or a percentage such as 25%.");
    }
    let (surge, unavailable) = plan.resolve(instances);
    let ready = instances.saturating_sub(unavailable);
    format!(
        "With {instances} instances: up to {} running at once, never fewer than {ready} ready.",
        instances + surge
    )
}
