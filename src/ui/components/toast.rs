//! A refused command, in words: the engine's message and, when it gave one, the rule,
//! threshold and evidence behind it.

use yew::prelude::*;

use crate::ui::state::{Action, Toast as ToastData};

#[derive(Properties, PartialEq)]
pub struct ToastProps {
    pub toast: ToastData,
    pub on_action: Callback<Action>,
}

#[component]
pub fn Toast(props: &ToastProps) -> Html {
    let t = &props.toast;
    let dismiss = props
        .on_action
        .reform(|_: MouseEvent| Action::DismissedToast);
    html! {
        <div class="toast" role="alert" data-testid="rejection">
            <p><strong>{ "Refused: " }</strong>{ t.message.clone() }</p>
            if let Some(x) = &t.explanation {
                <dl class="explanation">
                    <dt>{ "Rule" }</dt><dd>{ x.rule.clone() }</dd>
                    <dt>{ "Threshold" }</dt><dd>{ x.threshold.clone() }</dd>
                    <dt>{ "Evidence" }</dt><dd>{ x.samples.join("; ") }</dd>
                    <dt>{ "Verdict" }</dt><dd>{ x.verdict.clone() }</dd>
                </dl>
            }
            <button type="button" onclick={dismiss}>{ "Dismiss" }</button>
        </div>
    }
}
