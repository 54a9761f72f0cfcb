//! Bad input (a link, a file, a saved session) or a storage warning, with every problem and
//! its place in a readable list.

use yew::prelude::*;

use crate::ui::state::{Action, Notice as NoticeData};

#[derive(Properties, PartialEq)]
pub struct NoticeProps {
    pub notice: NoticeData,
    pub on_action: Callback<Action>,
}

#[component]
pub fn Notice(props: &NoticeProps) -> Html {
    let n = &props.notice;
    let dismiss = props
        .on_action
        .reform(|_: MouseEvent| Action::DismissedNotice);
    html! {
        <div class="toast notice" role="alert" data-testid="notice">
            <p><strong>{ n.title.clone() }</strong></p>
            <ul class="problems" aria-label="Problems found">
                { for n.problems.iter().map(|p| html! { <li>{ p.clone() }</li> }) }
            </ul>
            if let Some(text) = &n.restore {
                <button type="button" class="primary" onclick={{
                    let text = text.to_string();
                    props.on_action.reform(move |_: MouseEvent| Action::ResumedSavedSession(text.clone()))
                }}>{ "Bring back my previous session" }</button>
            }
            <button type="button" onclick={dismiss}>{ "Dismiss" }</button>
        </div>
    }
}
