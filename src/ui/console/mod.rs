//! The trainer's console: a second window, on the trainer's laptop, driven by the room's
//! session over a `BroadcastChannel`, so the projector shows the room's view and the
//! laptop the trainer's tools (chaos, clock, lesson controls, timeline and audit log).
//!
//! - `protocol.rs`: the messages, their JSON, and how requests map to the room's actions;
//! - `channel.rs`: the effects (the channel, the popup, heartbeat and goodbye), in hooks;
//! - `state.rs`: the console's root reducer (it follows the room by replay);
//! - `room.rs`: what the room shows of it (the button, the link's status, the trainer's note).
//!
//! A console is the same app opened at `?console=<channel id>`; the normal app only reads
//! the address to tell, and opens no channel until the trainer asks for a console.

pub mod channel;
pub mod protocol;
pub mod room;
pub mod state;

use yew::prelude::*;

use crate::lessons::{Status, Verdict};
use crate::sim::{ActorId, World};
use crate::ui::components::chaos::Chaos;
use crate::ui::components::clock::Clock;
use crate::ui::components::help::Help;
use crate::ui::components::lesson_panel::objective_item;
use crate::ui::components::moment::MomentCard;
use crate::ui::components::timeline::Timeline;
use crate::ui::components::Snapshot;
use crate::ui::state::{Action, TRAINER};
use protocol::{ChannelId, Request, RoomUi};
use state::{ConsoleAction, ConsoleState, RoomStatus};

/// The channel named in the address (`?console=<id>`), if this window is a console.
pub fn channel_in_address() -> Option<ChannelId> {
    let search = web_sys::window()?.location().search().ok()?;
    if !search.contains("console=") {
        return None;
    }
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    ChannelId::parse(&params.get("console")?)
}

/// Mounts the console instead of the app.
pub fn start(root: Option<web_sys::Element>, channel: ChannelId) {
    let props = ConsoleAppProps { channel };
    match root {
        Some(root) => yew::Renderer::<ConsoleApp>::with_root_and_props(root, props).render(),
        None => yew::Renderer::<ConsoleApp>::with_props(props).render(),
    };
}

#[derive(Properties, PartialEq)]
pub struct ConsoleAppProps {
    pub channel: ChannelId,
}

/// The console window's root component.
#[component]
pub fn ConsoleApp(props: &ConsoleAppProps) -> Html {
    let state = use_reducer(ConsoleState::default);
    let dispatcher = state.dispatcher();
    let dispatch: Callback<ConsoleAction> = (*use_memo((), move |_| dispatcher.to_callback())).clone();
    let send = channel::use_console_channel(props.channel.clone(), state.resync, dispatch.clone());
    // The room's actions go to the room; the console's own (filter, help) stay here.
    let on_action: Callback<Action> = {
        let dispatch = dispatch.clone();
        (*use_memo((), move |_| {
            Callback::from(move |a: Action| match Request::from_action(&a) {
                Some(r) => send.emit(r),
                None => dispatch.emit(ConsoleAction::Ui(a)),
            })
        }))
        .clone()
    };
    crate::ui::hooks::use_shortcuts(on_action.clone());
    crate::ui::hooks::use_focus(state.focus.clone());
    crate::ui::fetch::use_lesson_library(&state.library, dispatch.reform(ConsoleAction::Ui));
    use_effect_with((), |_| gloo::utils::document().set_title("Stagecraft — trainer console"));

    let theme = state.ui.as_ref().map_or("dark", |u| u.theme().name());
    let clock = state.ui.as_ref().map(|ui| clock(&state, ui, &on_action));
    let body = match &state.ui {
        Some(ui) => connected(&state, ui, &on_action),
        None => html! {
            <main class="console-main">
                <section class="card">
                    <h2>{ "Waiting for the room" }</h2>
                    <p>{ "Keep the room's window open. If it was reloaded, press “Open trainer console” there again." }</p>
                </section>
            </main>
        },
    };
    html! {
        <div class="app console" data-theme={theme} data-testid="console"
            data-replays={state.replays.to_string()} data-advances={state.advances.to_string()}>
            <header class="app-header">
                <h1>{ "Trainer console" }</h1>
                <p class={classes!("link-status", status_class(state.status))} role="status" data-testid="console-status">{ status_text(state.status) }</p>
                if let Some(p) = &state.problem {
                    <p class="hint" data-testid="console-problem">{ p.clone() }</p>
                }
                { clock.unwrap_or_default() }
            </header>
            { body }
            if state.help_open { <Help on_action={on_action.clone()} /> }
        </div>
    }
}

fn status_text(status: RoomStatus) -> &'static str {
    match status {
        RoomStatus::Waiting => "Connecting to the room…",
        RoomStatus::Connected => "Connected to the room: what you do here happens there.",
        RoomStatus::Closed => "The room window closed or reloaded: press “Open trainer console” there to reconnect.",
        RoomStatus::Silent => "The room is not answering: this view is as it last was.",
    }
}

fn status_class(status: RoomStatus) -> &'static str {
    match status {
        RoomStatus::Connected => "ok",
        RoomStatus::Waiting => "waiting",
        RoomStatus::Closed | RoomStatus::Silent => "lost",
    }
}

/// The room's clock and who the trainer acts as, in the console's header.
fn clock(state: &ConsoleState, ui: &RoomUi, on_action: &Callback<Action>) -> Html {
    let world = &state.world;
    let time_label = AttrValue::from(world.now.label(world.config.start_minute_of_day));
    html! {
        <div class="console-clock">
            <Clock time_label={time_label} minute={world.now.0} playing={ui.playing} speed={ui.speed()} auto_pause={ui.auto_pause}
                actors={world.config.actors.clone()} actor={ui.actor.clone()} theme={ui.theme()} presenter={ui.presenter} on_action={on_action.clone()} />
        </div>
    }
}

/// The console once the room has answered: the room at a glance (its card, each stage in
/// a line), the lesson, chaos, and the timeline and audit log.
fn connected(state: &ConsoleState, ui: &RoomUi, on_action: &Callback<Action>) -> Html {
    let world = &state.world;
    let start = world.config.start_minute_of_day;
    let snapshot = Snapshot { world: world.clone(), rev: state.rev };
    let time_label = AttrValue::from(world.now.label(start));
    let instructor = state
        .lesson
        .as_ref()
        .and_then(|l| l.instructor.clone())
        .unwrap_or_else(|| ActorId::new(TRAINER));
    let looking_back = ui.look_back.map(|at| {
        html! {
            <p class="look-back" role="status">
                { format!("The room is looking back at {}.", at.label(start)) }
                <button type="button" onclick={on_action.reform(|_| Action::ReturnedToNow)}>{ "Back to now (in the room)" }</button>
            </p>
        }
    });
    html! {
            <main class="console-main">
                <section class="card console-room" aria-labelledby="room-heading">
                    <h2 id="room-heading">{ "The room" }</h2>
                    if let Some(m) = &ui.moment {
                        <MomentCard moment={m.moment()} time_label={time_label.clone()} on_action={on_action.clone()} />
                    } else {
                        <p class="hint">{ if ui.playing { format!("The clock runs at {}.", ui.speed().label()) } else { "The clock is paused.".to_string() } }</p>
                    }
                    { looking_back.unwrap_or_default() }
                    <ul class="stage-summary" aria-label="Stages" data-testid="stage-summary">
                        { for (0..world.stages.len()).map(|i| stage_line(world, i)) }
                    </ul>
                </section>
                { lesson(state, ui, on_action) }
                <Chaos snapshot={snapshot.clone()} {instructor} in_lesson={state.lesson.is_some()} on_action={on_action.clone()} />
                <Timeline snapshot={snapshot} filter={state.filter.clone()} on_action={on_action.clone()} />
            </main>
    }
}

/// One stage in a line: what it serves, its instances, its errors, its faults.
fn stage_line(world: &World, i: usize) -> Html {
    let s = &world.stages[i];
    let serving = s
        .serving()
        .iter()
        .map(|(v, w)| if *w < 100 { format!("{v} ({w} %)") } else { v.to_string() })
        .collect::<Vec<_>>()
        .join(" + ");
    let (healthy, total) = s.pools.iter().fold((0, 0), |(h, t), p| (h + p.healthy(), t + p.instances.len()));
    let errors = s.error_rate() * 100.0;
    let faults = crate::ui::view::faults(world, i);
    let bad = errors >= crate::ui::view::BAD_ERROR_RATE * 100.0 || !faults.is_empty() || healthy < total;
    html! {
        <li class={classes!("stage-line", bad.then_some("bad"))}>
            <strong>{ s.name().to_string() }</strong>
            <span>{ if serving.is_empty() { "serves nothing".to_string() } else { format!("serves {serving}") } }</span>
            <span>{ format!("{healthy}/{total} healthy") }</span>
            <span>{ format!("{errors:.1} % errors") }</span>
            if !faults.is_empty() { <span class="faults">{ format!("⚠ {}", faults.join(", ")) }</span> }
        </li>
    }
}

/// The lesson's controls, compact: objectives, the next step, hints, Show me.
fn lesson(state: &ConsoleState, ui: &RoomUi, on_action: &Callback<Action>) -> Html {
    let Some(lesson) = &state.lesson else {
        return html! {
            <section class="card lesson" aria-labelledby="lesson-heading">
                <h2 id="lesson-heading" tabindex="-1">{ "Free play" }</h2>
                <p class="hint">{ "No lesson: the room explores the standard pipeline. Start a lesson in the room to follow it here." }</p>
            </section>
        };
    };
    let f = &lesson.file;
    let verdict = state.progress.verdict();
    let decided = verdict != Verdict::InProgress;
    let next = crate::lessons::debrief::next_step(lesson, &state.world, &state.log)
        .map(|step| crate::ui::state::pacing::demo_caption(&state.world, step));
    let shown = (ui.hints_shown as usize).min(f.hints.len());
    let met = state.progress.statuses().iter().filter(|s| matches!(s.status, Status::Met)).count();
    html! {
        <section class="card lesson" aria-labelledby="lesson-heading">
            <h2 id="lesson-heading" tabindex="-1">{ f.title.clone() }</h2>
            <p class="hint">{ match verdict {
                Verdict::Won => "Won.".to_string(),
                Verdict::Lost => "Lost: an objective failed.".to_string(),
                Verdict::InProgress => format!("{met} of {} objectives met.", state.progress.statuses().len()),
            } }</p>
            <ul class="objectives" aria-label="Objectives" data-testid="console-objectives">
                { for state.progress.statuses().iter().map(|s| objective_item(s, decided)) }
            </ul>
            if let (Some((what, how)), false, false) = (next, decided, ui.demo) {
                <p class="next-step"><strong>{ "Next step: " }</strong>{ what }<span class="how">{ format!(" {how}") }</span></p>
            }
            if shown > 0 {
                <ol class="hints" aria-label="Hints shown in the room">{ for f.hints.iter().take(shown).map(|h| html! { <li>{ h.clone() }</li> }) }</ol>
            }
            <div class="button-row">
                if shown < f.hints.len() {
                    <button type="button" onclick={on_action.reform(|_| Action::ClickedHint)}>{ format!("Show the room a hint ({} of {})", shown + 1, f.hints.len()) }</button>
                }
                if ui.demo {
                    <button type="button" class="primary" onclick={on_action.reform(|_| Action::ClickedBackToAttempt)}>{ "Back to the room's attempt" }</button>
                } else if !f.solution.is_empty() && !decided {
                    <button type="button" onclick={on_action.reform(|_| Action::ClickedShowMe)}>{ "Show me the solution (in the room)" }</button>
                }
            </div>
        </section>
    }
}
