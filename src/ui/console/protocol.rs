//! What the room window and the trainer's console say to each other over their
//! `BroadcastChannel`, as JSON text. The room is the only source of truth: it sends its
//! session (scenario, seed, command log) and what its screen shows (clock, moment card,
//! who acts); consoles send requests, which the room turns into its own actions. A console
//! rebuilds the world by deterministic replay, so no world ever crosses the channel.
//!
//! Messages come from any page of the same origin, so they are untrusted: [`decode`]
//! checks size, syntax, version and shape, and says why it refused; it never panics.

use std::rc::Rc;

use crate::lessons::json;
use serde::{Deserialize, Serialize};
use crate::lessons::share::SharedSession;
use crate::sim::{ActorId, Explanation, Failure, SimTime, StageId, Version};
use crate::ui::state::{Action, Moment, MomentKind, Speed, Theme};

/// Bumped when the messages change shape: a console and a room of different builds ignore
/// each other and say so, rather than misreading.
pub const PROTOCOL: u32 = 1;
/// Longest message read: a custom scenario (at most 1 MB) plus its log.
pub const MAX_MESSAGE_BYTES: usize = 2 * 1024 * 1024;

/// One message on the channel: who sent it (each side listens to the other kind only, so
/// a room never answers a room and nothing echoes) and what it says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    pub v: u32,
    pub from: Peer,
    pub body: Body,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Peer {
    /// A room window, by a random id chosen when it opened the channel.
    Room(String),
    /// A console window, by a random id chosen when it started.
    Console(String),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Body {
    /// Room → consoles: the whole session, after a command (or when a console asked).
    State { session: SharedSession, ui: RoomUi },
    /// Room → consoles: only the clock or the screen changed; `log_len` lets a console
    /// notice it missed a command and ask again.
    Clock { log_len: u64, now: SimTime, ui: RoomUi },
    /// Console → room: "send me the whole session" (a console starting, or out of step).
    Hello,
    /// Console → room: something the trainer did.
    Request(Request),
    /// Either way, every few seconds: "still here".
    Ping,
    /// Either way: this window is closing or reloading.
    Bye,
}

/// What the room's screen shows beyond the world itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoomUi {
    pub playing: bool,
    /// 1, 4, 16 or 64.
    pub speed: u32,
    pub auto_pause: bool,
    pub actor: ActorId,
    /// Free play without a lesson (the standard pipeline), rather than a lesson.
    pub free_play: bool,
    pub hints_shown: u64,
    /// "Show me" is playing the reference solution.
    pub demo: bool,
    pub moment: Option<MomentNote>,
    /// The room is looking back at this minute (read-only view).
    pub look_back: Option<SimTime>,
    pub presenter: bool,
    pub light: bool,
}

/// The moment card the room's clock stopped for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MomentNote {
    pub id: u64,
    /// "event", "objective", "idle" or "demo".
    pub kind: String,
    pub at: SimTime,
    pub title: String,
    pub what: String,
    pub why: Option<Explanation>,
    pub next: String,
}

/// What a console may ask the room to do: the trainer's side of the room's actions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Request {
    TogglePlay,
    Step,
    Speed { factor: u32 },
    Continue,
    ToggleAutoPause,
    ActAs { actor: ActorId },
    Chaos { failure: Failure, at: Option<SimTime> },
    Hint,
    ShowMe,
    BackToAttempt,
    ShowEvent { stage: Option<StageId>, release: Option<Version>, at: SimTime },
    BackToNow,
    TogglePresenter,
    ToggleTheme,
}

impl Request {
    /// The request a console sends for one of the room's actions; `None` for what stays in
    /// the console (its timeline filter, its help).
    pub fn from_action(action: &Action) -> Option<Request> {
        Some(match action {
            Action::TogglePlay => Request::TogglePlay,
            Action::PressedStep => Request::Step,
            Action::ChoseSpeed(s) => Request::Speed { factor: s.factor() },
            Action::DismissedMoment => Request::Continue,
            Action::ToggledAutoPause => Request::ToggleAutoPause,
            Action::ChoseActor(actor) => Request::ActAs { actor: actor.clone() },
            Action::ChoseChaos { failure, at } => Request::Chaos { failure: failure.clone(), at: *at },
            Action::ClickedHint => Request::Hint,
            Action::ClickedShowMe => Request::ShowMe,
            Action::ClickedBackToAttempt => Request::BackToAttempt,
            Action::ClickedEvent { stage, release, at } => Request::ShowEvent { stage: stage.clone(), release: *release, at: *at },
            Action::ReturnedToNow => Request::BackToNow,
            Action::TogglePresenter => Request::TogglePresenter,
            Action::ToggleTheme => Request::ToggleTheme,
            _ => return None,
        })
    }

    /// The room's action for a console's request. Chaos becomes its own action, so the room
    /// shows it as an event ("The trainer injected …") rather than as menus opening.
    pub fn into_action(self) -> Result<Action, String> {
        Ok(match self {
            Request::TogglePlay => Action::TogglePlay,
            Request::Step => Action::PressedStep,
            Request::Speed { factor } => Action::ChoseSpeed(
                Speed::ALL
                    .into_iter()
                    .find(|s| s.factor() == factor)
                    .ok_or_else(|| format!("there is no speed {factor}×"))?,
            ),
            Request::Continue => Action::DismissedMoment,
            Request::ToggleAutoPause => Action::ToggledAutoPause,
            Request::ActAs { actor } => Action::ChoseActor(actor),
            Request::Chaos { failure, at } => Action::ConsoleChaos { failure, at },
            Request::Hint => Action::ClickedHint,
            Request::ShowMe => Action::ClickedShowMe,
            Request::BackToAttempt => Action::ClickedBackToAttempt,
            Request::ShowEvent { stage, release, at } => Action::ClickedEvent { stage, release, at },
            Request::BackToNow => Action::ReturnedToNow,
            Request::TogglePresenter => Action::TogglePresenter,
            Request::ToggleTheme => Action::ToggleTheme,
        })
    }
}

impl MomentNote {
    pub fn of(m: &Moment) -> MomentNote {
        let kind = match m.kind {
            MomentKind::Event => "event",
            MomentKind::Objective => "objective",
            MomentKind::Idle => "idle",
            MomentKind::Demo { .. } => "demo",
        };
        MomentNote {
            id: m.id,
            kind: kind.into(),
            at: m.at,
            title: m.title.clone(),
            what: m.what.clone(),
            why: m.why.clone(),
            next: m.next.clone(),
        }
    }

    /// The card again, for the console's copy of it (Continue is sent to the room).
    pub fn moment(&self) -> Moment {
        let kind = match self.kind.as_str() {
            "objective" => MomentKind::Objective,
            "idle" => MomentKind::Idle,
            "demo" => MomentKind::Demo { step: 0, of: 0 },
            _ => MomentKind::Event,
        };
        Moment {
            id: self.id,
            kind,
            at: self.at,
            title: self.title.clone(),
            what: self.what.clone(),
            why: self.why.clone(),
            next: self.next.clone(),
            stage: None,
            resume: false,
        }
    }
}

impl RoomUi {
    pub fn speed(&self) -> Speed {
        Speed::ALL.into_iter().find(|s| s.factor() == self.speed).unwrap_or(Speed::X1)
    }

    pub fn theme(&self) -> Theme {
        if self.light {
            Theme::Light
        } else {
            Theme::Dark
        }
    }
}

/// A channel's name: `stagecraft-console-` and the id the room chose (letters and digits).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelId(Rc<str>);

impl ChannelId {
    /// Reads an id from an address (`#console=<id>`): 6 to 40 letters or digits.
    pub fn parse(text: &str) -> Option<ChannelId> {
        let ok = (6..=40).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric());
        ok.then(|| ChannelId(text.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn channel_name(&self) -> String {
        format!("stagecraft-console-{}", self.0)
    }
}

pub fn encode(message: &Envelope) -> String {
    json::to_string(message)
}

/// Reads a message from the channel, or says in plain words why it cannot.
pub fn decode(text: &str) -> Result<Envelope, String> {
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(format!("a message of {} bytes is more than this app ever sends", text.len()));
    }
    let value: json::Value = serde_json::from_str(text)
        .map_err(|e| {
            let why = json::syntax_message(&e, text);
            format!("not JSON: {why} at line {} column {}", e.line(), e.column())
        })?;
    let version = value.get("v").and_then(|v| json::from_value::<u32>(v).ok());
    if version != Some(PROTOCOL) {
        return Err(match version {
            Some(v) => format!("a message from another version of Stagecraft (protocol {v}; this one speaks {PROTOCOL}); reload both windows"),
            None => "not a Stagecraft console message".into(),
        });
    }
    json::from_value::<Envelope>(&value).map_err(|e| e.to_string())
}
