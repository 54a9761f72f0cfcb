//! The effects of the trainer's console: the `BroadcastChannel` both windows share, the
//! popup window, the heartbeat and the goodbye. The room's hook answers a console's
//! "hello" with the whole session and sends each change after it; the console's hook hands
//! every message to its reducer as an action. Nothing here opens at the app's start: the
//! room's channel exists only once "Open trainer console" was pressed.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo::events::EventListener;
use gloo::timers::callback::Interval;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

use super::protocol::{self, Body, ChannelId, Envelope, Peer, Request, RoomUi};
use super::state::ConsoleAction;
use crate::lessons::share::{ScenarioRef, SharedSession};
use crate::ui::state::CommandLog;
use crate::sim::SimTime;
use crate::ui::state::{Action, LinkStatus};

/// Milliseconds between "still here" pings, and of silence before the other side is
/// reported gone (a closed window whose goodbye was lost, a hung tab).
const PING_MS: u32 = 2000;
const SILENT_MS: f64 = 7000.0;
/// The console's window name: opening it again reuses the same window.
const WINDOW_NAME: &str = "stagecraft-console";

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// A random id of 12 letters and digits (not a secret: it only keeps rooms apart).
fn random_id() -> String {
    (0..12)
        .map(|_| {
            let n = (js_sys::Math::random() * 36.0) as u32;
            char::from_digit(n.min(35), 36).unwrap_or('0')
        })
        .collect()
}

/// One end of the channel: who we are, and the channel to post on.
struct End {
    channel: web_sys::BroadcastChannel,
    me: Peer,
}

impl End {
    fn open(id: &ChannelId, me: Peer) -> Option<End> {
        let channel = web_sys::BroadcastChannel::new(&id.channel_name()).ok()?;
        Some(End { channel, me })
    }

    fn send(&self, body: Body) {
        let message = Envelope { v: protocol::PROTOCOL, from: self.me.clone(), body };
        let _ = self.channel.post_message(&JsValue::from_str(&protocol::encode(&message)));
    }

    /// Every message, read (or refused with a reason) before anyone acts on it.
    fn listen(&self, on: impl Fn(Result<Envelope, String>) + 'static) -> EventListener {
        EventListener::new(&self.channel, "message", move |e| {
            let text = e
                .dyn_ref::<web_sys::MessageEvent>()
                .and_then(|m| m.data().as_string());
            on(text.ok_or_else(|| "a message that is not text".to_string()).and_then(|t| protocol::decode(&t)));
        })
    }
}

impl Drop for End {
    fn drop(&mut self) {
        self.send(Body::Bye);
        self.channel.close();
    }
}

/// Says goodbye when the page goes away (closed, reloaded, navigated): unmounting never
/// happens then.
fn on_pagehide(end: Rc<End>) -> Option<EventListener> {
    let window = web_sys::window()?;
    Some(EventListener::new(&window, "pagehide", move |_| end.send(Body::Bye)))
}

/// What the room shows, as the console needs it. Compared by pointer for the session, so
/// building it on every render costs nothing; sent only when it changed.
#[derive(Clone, Debug)]
pub struct RoomView {
    pub scenario: Rc<ScenarioRef>,
    pub seed: u64,
    pub log: CommandLog,
    pub now: SimTime,
    pub ui: RoomUi,
}

impl PartialEq for RoomView {
    fn eq(&self, o: &Self) -> bool {
        self.same_session(o) && self.now == o.now && self.ui == o.ui
    }
}

impl RoomView {
    fn same_session(&self, o: &RoomView) -> bool {
        Rc::ptr_eq(&self.scenario, &o.scenario) && self.seed == o.seed && self.log.same(&o.log)
    }

    fn state(&self) -> Body {
        Body::State {
            session: SharedSession {
                scenario: (*self.scenario).clone(),
                seed: self.seed,
                log: self.log.to_vec(),
                now: self.now,
            },
            ui: self.ui.clone(),
        }
    }

    fn clock(&self) -> Body {
        Body::Clock { log_len: self.log.len() as u64, now: self.now, ui: self.ui.clone() }
    }
}

/// The room's end, shared with its listener and heartbeat.
struct Room {
    end: Rc<End>,
    id: ChannelId,
    latest: RefCell<Option<RoomView>>,
    /// The session last sent whole: after it, a change of clock alone is a `Clock`.
    sent: RefCell<Option<RoomView>>,
    status: Cell<LinkStatus>,
    heard: Cell<f64>,
}

impl Room {
    fn publish(&self, force: bool) {
        let Some(view) = self.latest.borrow().clone() else { return };
        let whole = force || !self.sent.borrow().as_ref().is_some_and(|s| s.same_session(&view));
        self.end.send(if whole { view.state() } else { view.clock() });
        if whole {
            *self.sent.borrow_mut() = Some(view);
        }
    }

    fn set_status(&self, status: LinkStatus, dispatch: &Callback<Action>) {
        if self.status.replace(status) != status {
            dispatch.emit(Action::ConsoleStatus(status));
        }
    }

    fn heard_from_console(&self, message: Result<Envelope, String>, dispatch: &Callback<Action>) {
        let message = match message {
            Ok(m) => m,
            Err(why) => return warn(&format!("Stagecraft: ignored a console message: {why}")),
        };
        // Rooms listen to consoles only: another room on the channel is never answered.
        if !matches!(message.from, Peer::Console(_)) {
            return;
        }
        self.heard.set(now_ms());
        match message.body {
            Body::Bye => return self.set_status(LinkStatus::Closed, dispatch),
            Body::Hello => self.publish(true),
            Body::Request(r) => match r.into_action() {
                Ok(action) => dispatch.emit(action),
                Err(why) => warn(&format!("Stagecraft: ignored a console request: {why}")),
            },
            Body::Ping | Body::State { .. } | Body::Clock { .. } => {}
        }
        self.set_status(LinkStatus::Connected, dispatch);
    }
}

fn warn(text: &str) {
    web_sys::console::warn_1(&JsValue::from_str(text));
}

/// The room's channel and the things that keep it alive; dropped with the App.
struct RoomLink {
    room: Rc<Room>,
    _listener: EventListener,
    _heartbeat: Interval,
    _pagehide: Option<EventListener>,
}

impl RoomLink {
    fn open(dispatch: Callback<Action>) -> Option<RoomLink> {
        let id = ChannelId::parse(&random_id())?;
        let end = Rc::new(End::open(&id, Peer::Room(random_id()))?);
        let room = Rc::new(Room {
            end: end.clone(),
            id,
            latest: RefCell::new(None),
            sent: RefCell::new(None),
            status: Cell::new(LinkStatus::Opening),
            heard: Cell::new(now_ms()),
        });
        let listener = {
            let (room, dispatch) = (room.clone(), dispatch.clone());
            end.listen(move |m| room.heard_from_console(m, &dispatch))
        };
        let heartbeat = {
            let room = room.clone();
            Interval::new(PING_MS, move || {
                room.end.send(Body::Ping);
                if room.status.get() == LinkStatus::Connected && now_ms() - room.heard.get() > SILENT_MS {
                    room.set_status(LinkStatus::Silent, &dispatch);
                }
            })
        };
        Some(RoomLink { room, _listener: listener, _heartbeat: heartbeat, _pagehide: on_pagehide(end) })
    }
}

/// This page's address with `?console=<id>`: a new query (not a new hash) so that a
/// console window opened before is loaded afresh on the new channel.
fn console_url(id: &ChannelId) -> Option<String> {
    let location = web_sys::window()?.location();
    Some(format!("{}{}?console={}", location.origin().ok()?, location.pathname().ok()?, id.as_str()))
}

fn open_window(id: &ChannelId) {
    if let (Some(window), Some(url)) = (web_sys::window(), console_url(id)) {
        let _ = window.open_with_url_and_target_and_features(&url, WINDOW_NAME, "popup,width=1366,height=768");
    }
}

/// The room's side. `open_seq` changes with each "Open trainer console", which opens the
/// channel (once) and the window; `view` is sent to the consoles whenever it changes.
#[hook]
pub fn use_room_channel(open_seq: u64, view: RoomView, dispatch: Callback<Action>) {
    let link = use_mut_ref(|| None::<RoomLink>);
    {
        let link = link.clone();
        use_effect_with(open_seq, move |_| {
            let mut link = link.borrow_mut();
            if link.is_none() {
                *link = RoomLink::open(dispatch);
            }
            if let Some(l) = link.as_ref() {
                open_window(&l.room.id);
            }
        });
    }
    use_effect_with(view, move |view| {
        if let Some(l) = link.borrow().as_ref() {
            *l.room.latest.borrow_mut() = Some(view.clone());
            l.room.publish(false);
        }
    });
}

/// The console's channel and its heartbeat.
struct ConsoleLink {
    end: Rc<End>,
    _listener: EventListener,
    _heartbeat: Interval,
    _pagehide: Option<EventListener>,
}

impl ConsoleLink {
    fn open(id: &ChannelId, dispatch: Callback<ConsoleAction>) -> Option<ConsoleLink> {
        let end = Rc::new(End::open(id, Peer::Console(random_id()))?);
        let heard = Rc::new(Cell::new(now_ms()));
        let listener = {
            let (heard, dispatch) = (heard.clone(), dispatch.clone());
            end.listen(move |m| match m {
                Err(why) => dispatch.emit(ConsoleAction::Garbled(why)),
                // Consoles listen to rooms only: a second console is never answered.
                Ok(Envelope { from: Peer::Room(room), body, .. }) => {
                    heard.set(now_ms());
                    dispatch.emit(ConsoleAction::Heard { room, body: Box::new(body) });
                }
                Ok(_) => {}
            })
        };
        let heartbeat = {
            let end = end.clone();
            Interval::new(PING_MS, move || {
                end.send(Body::Ping);
                if now_ms() - heard.get() > SILENT_MS {
                    dispatch.emit(ConsoleAction::RoomSilent);
                }
            })
        };
        end.send(Body::Hello);
        Some(ConsoleLink { end: end.clone(), _listener: listener, _heartbeat: heartbeat, _pagehide: on_pagehide(end) })
    }
}

/// The console's side: joins channel `id`, says hello (again whenever `resync` changes:
/// the console fell out of step), and returns the way to send the room a request.
#[hook]
pub fn use_console_channel(id: ChannelId, resync: u64, dispatch: Callback<ConsoleAction>) -> Callback<Request> {
    let link = use_mut_ref(|| None::<ConsoleLink>);
    {
        let link = link.clone();
        use_effect_with(id, move |id| {
            *link.borrow_mut() = ConsoleLink::open(id, dispatch);
        });
    }
    {
        let link = link.clone();
        use_effect_with(resync, move |&resync| {
            if let (true, Some(l)) = (resync > 0, link.borrow().as_ref()) {
                l.end.send(Body::Hello);
            }
        });
    }
    (*use_memo((), move |_| {
        Callback::from(move |r: Request| {
            if let Some(l) = link.borrow().as_ref() {
                l.end.send(Body::Request(r));
            }
        })
    }))
    .clone()
}
