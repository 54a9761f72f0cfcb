//! The top bar: simulated time, play / pause / step, speed, who you are acting as, theme,
//! presenter mode and help.

use yew::prelude::*;

use super::value_of;
use crate::sim::access::Actor;
use crate::sim::ActorId;
use crate::ui::state::{Action, Speed, Theme};

#[derive(Properties, PartialEq)]
pub struct ClockProps {
    pub time_label: AttrValue,
    /// Simulated minutes since the start (for tests and tools reading the page).
    pub minute: u64,
    pub playing: bool,
    pub speed: Speed,
    pub auto_pause: bool,
    pub actors: Vec<Actor>,
    pub actor: ActorId,
    pub theme: Theme,
    pub presenter: bool,
    /// "Acting as" sits here, unless a phone's bottom sheet carries it (beside the step).
    #[prop_or(true)]
    pub acting: bool,
    pub on_action: Callback<Action>,
}

#[derive(Properties, PartialEq)]
pub struct ActingAsProps {
    pub actors: Vec<Actor>,
    pub actor: ActorId,
    pub on_action: Callback<Action>,
}

/// Who the learner acts as (the `a` key focuses it).
#[component]
pub fn ActingAs(props: &ActingAsProps) -> Html {
    let choose = props
        .on_action
        .reform(|e: Event| Action::ChoseActor(ActorId::new(value_of(&e))));
    // Once someone has picked an option, browsers ignore later changes to `selected`
    // attributes, so the select follows the state through its `value` (Show me changes who
    // acts by itself).
    let acting = use_node_ref();
    {
        let acting = acting.clone();
        use_effect_with(props.actor.clone(), move |actor| {
            if let Some(select) = acting.cast::<web_sys::HtmlSelectElement>() {
                select.set_value(actor.as_str());
            }
        });
    }
    html! {
        <label class="acting">{ "Acting as" }
            <select aria-label="Acting as" id="acting-as" ref={acting} onchange={choose}>
                { for props.actors.iter().map(|a| html! {
                    <option value={a.id.as_str().to_string()} selected={a.id == props.actor}>{ if a.name.contains('(') { a.name.clone() } else { format!("{} ({})", a.name, a.role.label()) } }</option>
                }) }
            </select>
        </label>
    }
}

#[component]
pub fn Clock(props: &ClockProps) -> Html {
    let emit = |a: Action| props.on_action.reform(move |_: MouseEvent| a.clone());
    let speeds = Speed::ALL.iter().map(|&s| {
        let pressed = s == props.speed;
        html! {
            <button type="button" class={classes!("speed", pressed.then_some("on"))} aria-pressed={pressed.to_string()}
                aria-label={format!("Speed {}", s.label())} onclick={emit(Action::ChoseSpeed(s))}>{ s.label() }</button>
        }
    });
    html! {
        <div class="clock" role="toolbar" aria-label="Simulation clock and display">
            <span class="time" data-testid="sim-time" data-minute={props.minute.to_string()} aria-label={format!("Simulated time {}", props.time_label)}>{ props.time_label.clone() }</span>
            <button type="button" class="primary play" onclick={emit(Action::TogglePlay)}
                aria-label={if props.playing { "Pause the simulation" } else { "Play the simulation" }}>
                { if props.playing { "❚❚ Pause" } else { "▶ Play" } }
            </button>
            <button type="button" class="step" onclick={emit(Action::PressedStep)} title="Step one simulated minute (.)">{ "Step +1 min" }</button>
            <span class="speeds" role="group" aria-label="Speed">{ for speeds }</span>
            <button type="button" class="auto-pause" onclick={emit(Action::ToggledAutoPause)} aria-pressed={props.auto_pause.to_string()}
                title="Stop the clock at key moments (an approval waits, a check fails, an alert fires…) and explain them">{ "Pause at key moments" }</button>
            if props.acting {
                <ActingAs actors={props.actors.clone()} actor={props.actor.clone()} on_action={props.on_action.clone()} />
            }
            <button type="button" onclick={emit(Action::ToggleTheme)} aria-pressed={(props.theme == Theme::Light).to_string()}>
                { if props.theme == Theme::Light { "Dark theme" } else { "Light theme" } }
            </button>
            <button type="button" onclick={emit(Action::TogglePresenter)} aria-pressed={props.presenter.to_string()}>{ "Presenter mode" }</button>
            <button type="button" onclick={emit(Action::ToggleHelp)} aria-label="Keyboard shortcuts">{ "?" }</button>
        </div>
    }
}
