//! The first visit's first screen: what Stagecraft is in two sentences, and three ways in —
//! the first lesson (one click), free play, or the trainer's guide. Returning visitors never
//! see it: they resume where they were.

use yew::prelude::*;

use super::dialog::Dialog;
use crate::ui::state::Action;

#[derive(Properties, PartialEq)]
pub struct WelcomeProps {
    pub on_action: Callback<Action>,
}

#[component]
pub fn Welcome(props: &WelcomeProps) -> Html {
    let on = &props.on_action;
    let emit = |a: Action| on.reform(move |_: MouseEvent| a.clone());
    html! {
        <Dialog id="welcome" title="Welcome to Stagecraft" close_label="Close" on_close={on.reform(|_| Action::ClosedDialog)}>
            <p>{ "Watch a code change travel from development to staging to production, with the checks, approvals, failures and rollbacks real teams live with. Every lesson gives you a goal, hints, and a debrief." }</p>
            <div class="welcome-choices">
                <button type="button" class="primary big" onclick={emit(Action::ChoseFirstLesson)}>
                    { "Start the first lesson: Your first trip to production" }
                </button>
                <button type="button" onclick={emit(Action::ClosedDialog)}>{ "Free play: explore on my own" }</button>
                <button type="button" onclick={emit(Action::OpenedGuide)}>{ "I'm a trainer: read the trainer's guide" }</button>
                // The strategy lab was found only by its tooltip, in the Session panel.
                <button type="button" onclick={emit(Action::OpenedLab)}>{ "What are the odds? Two ways of shipping, a thousand simulated weeks each" }</button>
            </div>
            <p class="hint">{ "Lessons are also under “Choose a lesson”, and the lab under “What are the odds?”, at any time. Your progress stays in this browser." }</p>
        </Dialog>
    }
}
