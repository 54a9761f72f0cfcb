//! The card the clock stopped for: what happened, why (the engine's own explanation: rule,
//! threshold, samples, verdict), and what the room could do next. It sits at the top of the
//! diagram and stays until Continue, so a moment that lasted one simulated minute can be
//! talked about for as long as the room needs. Continue takes the keyboard focus when the
//! card opens, so Enter (or Space) goes on.

use yew::prelude::*;

use crate::ui::state::{Action, Moment, MomentKind};

#[derive(Properties, PartialEq)]
pub struct MomentCardProps {
    pub moment: Moment,
    pub time_label: AttrValue,
    pub on_action: Callback<Action>,
}

#[component]
pub fn MomentCard(props: &MomentCardProps) -> Html {
    let m = &props.moment;
    let button = use_node_ref();
    {
        let button = button.clone();
        use_effect_with(m.id, move |_| {
            if let Some(b) = button.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        });
    }
    let (class, continue_label) = match &m.kind {
        MomentKind::Demo { .. } => ("demo", "Do this step"),
        MomentKind::Idle => ("idle", "Continue (let time pass)"),
        MomentKind::Objective => ("objective", "Continue"),
        MomentKind::Event => ("event", "Continue"),
    };
    let why = m.why.as_ref().map(|x| {
        html! {
            <dl class="explanation">
                <dt>{ "Rule" }</dt><dd>{ x.rule.clone() }</dd>
                <dt>{ "Threshold" }</dt><dd>{ x.threshold.clone() }</dd>
                if !x.samples.is_empty() {
                    <dt>{ "Evidence" }</dt><dd>{ x.samples.join("; ") }</dd>
                }
                <dt>{ "Verdict" }</dt><dd>{ x.verdict.clone() }</dd>
            </dl>
        }
    });
    let next_label = if matches!(m.kind, MomentKind::Demo { .. }) { "Where: " } else { "Next: " };
    html! {
        <section class={classes!("moment", class)} aria-labelledby="moment-title" data-testid="moment">
            <p class="moment-when">{ format!("Clock paused at {}", props.time_label) }</p>
            <h3 id="moment-title">{ m.title.clone() }</h3>
            <p class="moment-what">{ m.what.clone() }</p>
            { why.unwrap_or_default() }
            <p class="moment-next"><strong>{ next_label }</strong>{ m.next.clone() }</p>
            <div class="button-row">
                <button type="button" class="primary" ref={button} onclick={props.on_action.reform(|_| Action::DismissedMoment)}>{ continue_label }</button>
                if matches!(m.kind, MomentKind::Event | MomentKind::Objective | MomentKind::Idle) {
                    <button type="button" onclick={props.on_action.reform(|_| Action::ToggledAutoPause)}>{ "Stop pausing at moments" }</button>
                }
            </div>
        </section>
    }
}
