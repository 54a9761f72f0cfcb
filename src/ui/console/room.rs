//! What the room shows of its console: the button that opens it, how the link stands, and
//! the note the room sees when the trainer breaks something from the laptop.

use yew::prelude::*;

use super::channel::RoomView;
use super::protocol::{MomentNote, RoomUi};
use crate::ui::state::{Action, AppState, LinkStatus, Theme, TrainerNote};

/// "Open trainer console", and the link's state beside it once one was opened. A plain
/// function, not a component: it is on the first screen, where each component type costs
/// its own copy of Yew's lifecycle code in the first download.
pub fn console_button(status: LinkStatus, on_action: &Callback<Action>) -> Html {
    let said = match status {
        LinkStatus::None => None,
        LinkStatus::Opening => Some("Opening the console…"),
        LinkStatus::Connected => Some("Console connected"),
        LinkStatus::Closed => Some("The trainer console was closed"),
        LinkStatus::Silent => Some("The trainer console is not answering"),
    };
    html! {
        <div class="console-open">
            <button type="button" onclick={on_action.reform(|_| Action::OpenedConsole)}
                title="A second window with the chaos menu, clock, lesson controls, timeline and audit log, for the trainer's laptop">
                { "Open trainer console" }
            </button>
            if let Some(s) = said {
                <span class="link-status" role="status" data-testid="console-link">{ s }</span>
            }
        </div>
    }
}

/// "The trainer injected …" over the diagram: chaos from the console is an event the room
/// sees, not menus opening on the projector.
#[inline(never)]
pub fn trainer_note(note: &TrainerNote, on_action: &Callback<Action>) -> Html {
    html! {
        <div class="trainer-note" role="status" data-testid="trainer-note">
            <span>{ note.text.clone() }</span>
            <button type="button" onclick={on_action.reform(|_| Action::DismissedTrainerNote)}>{ "Dismiss" }</button>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct RoomLinkProps {
    pub open_seq: u64,
    pub view: RoomView,
    pub on_action: Callback<Action>,
}

/// The room's end of the channel, mounted once a console was asked for: a component that
/// draws nothing, so that its hook (and all of the channel's code) never runs, nor ships in
/// the first download, for a room without a console.
#[component]
pub fn RoomLink(props: &RoomLinkProps) -> Html {
    super::channel::use_room_channel(props.open_seq, props.view.clone(), props.on_action.clone());
    html! {}
}

/// The room's link component, with what the consoles are sent.
#[inline(never)]
pub fn room_link(state: &AppState, on_action: &Callback<Action>) -> Html {
    html! { <RoomLink open_seq={state.console.open_seq} view={room_view(state)} on_action={on_action.clone()} /> }
}

/// What the consoles are sent; built only once a console was opened.
pub fn room_view(state: &AppState) -> RoomView {
    RoomView {
        scenario: state.training.scenario.clone(),
        seed: state.seed,
        log: state.log.clone(),
        now: state.world.now,
        ui: RoomUi {
            playing: state.playing,
            speed: state.speed.factor(),
            auto_pause: state.auto_pause,
            actor: state.actor.clone(),
            free_play: state.training.lesson.is_none(),
            hints_shown: state.training.hints_shown as u64,
            demo: state.training.demo.is_some(),
            moment: state.moment.as_ref().map(MomentNote::of),
            look_back: state.look_back.as_ref().map(|l| l.at),
            presenter: state.presenter,
            light: state.theme == Theme::Light,
        },
    }
}
