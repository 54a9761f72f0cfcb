//! On a phone (up to 600 px) the step at hand rides in a bottom sheet, under the thumb,
//! while the strip diagram stays pinned at the top: the card the clock stopped for (with
//! its Continue) or the lesson's next step, the objectives in one line each, the time with
//! Play/Pause and Step, who acts, and the controls of the stage the step needs (the parent
//! passes them as children; the page keeps the other stages). The sheet folds down to its
//! first lines to read the page behind it.

use yew::prelude::*;

use crate::ui::state::Action;

#[derive(Properties, PartialEq)]
pub struct PhoneBarProps {
    pub time_label: AttrValue,
    pub playing: bool,
    /// The moment card the clock waits on.
    #[prop_or_default]
    pub moment: Option<Html>,
    /// The lesson's next step, in a few words.
    #[prop_or_default]
    pub next_step: Option<AttrValue>,
    /// The step's controls are in the sheet already: no "Take me there".
    #[prop_or_default]
    pub controls_here: bool,
    /// The lesson's objectives, compact.
    #[prop_or_default]
    pub objectives: Html,
    /// Who acts, and the controls for the step at hand.
    #[prop_or_default]
    pub children: Html,
    pub on_action: Callback<Action>,
}

#[component]
pub fn PhoneBar(props: &PhoneBarProps) -> Html {
    let folded = use_state(|| false);
    let emit = |a: Action| props.on_action.reform(move |_: MouseEvent| a.clone());
    let fold = {
        let folded = folded.clone();
        Callback::from(move |_: MouseEvent| folded.set(!*folded))
    };
    html! {
        <section class={classes!("phone-bar", folded.then_some("folded"))} aria-label="Clock and next step">
            if let Some(card) = &props.moment {
                { card.clone() }
            } else if let Some(next) = &props.next_step {
                <p class="phone-next" data-testid="sheet-next"><strong>{ "Next: " }</strong>{ next.clone() }</p>
            }
            if !*folded {
                { props.objectives.clone() }
            }
            <div class="phone-row">
                <span class="time" aria-hidden="true">{ props.time_label.clone() }</span>
                if props.moment.is_none() {
                    <button type="button" class="primary play" onclick={emit(Action::TogglePlay)}
                        aria-label={if props.playing { "Pause the simulation" } else { "Play the simulation" }}>
                        { if props.playing { "❚❚ Pause" } else { "▶ Play" } }
                    </button>
                }
                <button type="button" onclick={emit(Action::PressedStep)}>{ "Step +1 min" }</button>
                if props.next_step.is_some() && props.moment.is_none() && !props.controls_here {
                    <button type="button" onclick={emit(Action::PressedNextStepKey)}>{ "Take me there" }</button>
                }
                <button type="button" class="fold" aria-expanded={(!*folded).to_string()} onclick={fold}
                    aria-label="Whole sheet" title={if *folded { "Unfold the sheet" } else { "Fold the sheet to read the page" }}>
                    { if *folded { "▴" } else { "▾" } }
                </button>
            </div>
            if !*folded && props.moment.is_none() {
                <div class="sheet-body">{ props.children.clone() }</div>
            }
        </section>
    }
}
