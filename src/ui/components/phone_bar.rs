//! On a phone the page is long, so the clock and the step at hand ride along in a bar at the
//! bottom of the screen (CSS shows it up to 600 px wide, where the top bar's clock buttons
//! step aside): the time, Play/Pause and Step, the card the clock stopped for (with its
//! Continue), and the lesson's next step with a button that takes you to its control.

use yew::prelude::*;

use crate::ui::state::Action;

#[derive(Properties, PartialEq)]
pub struct PhoneBarProps {
    pub time_label: AttrValue,
    pub playing: bool,
    /// The moment card's title, while the clock waits on one.
    #[prop_or_default]
    pub moment: Option<AttrValue>,
    /// The lesson's next step, in a few words.
    #[prop_or_default]
    pub next_step: Option<AttrValue>,
    pub on_action: Callback<Action>,
}

#[component]
pub fn PhoneBar(props: &PhoneBarProps) -> Html {
    let emit = |a: Action| props.on_action.reform(move |_: MouseEvent| a.clone());
    html! {
        <section class="phone-bar" aria-label="Clock and next step">
            if let Some(title) = &props.moment {
                <p class="phone-moment"><strong>{ "Paused: " }</strong>{ title.clone() }</p>
            } else if let Some(next) = &props.next_step {
                <p class="phone-next"><strong>{ "Next: " }</strong>{ next.clone() }</p>
            }
            <div class="phone-row">
                <span class="time" aria-hidden="true">{ props.time_label.clone() }</span>
                if props.moment.is_some() {
                    <button type="button" class="primary" onclick={emit(Action::DismissedMoment)}>{ "Continue" }</button>
                } else {
                    <button type="button" class="primary play" onclick={emit(Action::TogglePlay)}
                        aria-label={if props.playing { "Pause the simulation" } else { "Play the simulation" }}>
                        { if props.playing { "❚❚ Pause" } else { "▶ Play" } }
                    </button>
                }
                <button type="button" onclick={emit(Action::PressedStep)}>{ "Step +1 min" }</button>
                if props.next_step.is_some() {
                    <button type="button" onclick={emit(Action::PressedNextStepKey)}>{ "Take me there" }</button>
                }
            </div>
        </section>
    }
}
