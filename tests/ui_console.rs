//! Native tests of the trainer's console: the channel's messages (read strictly, refused in
//! plain words, never a panic), the room's side (chaos from the console is applied as the
//! instructor and shown as a note), and the console's reducer, which follows the room by
//! replay and only moves the clock on when that is all that changed.
#![cfg(not(target_arch = "wasm32"))]

use std::rc::Rc;

use stagecraft::lessons;
use stagecraft::sim::{ActorId, Command, Failure, SimTime, StageId};
use stagecraft::ui::console::protocol::{self, Body, ChannelId, Envelope, Peer, Request};
use stagecraft::ui::console::room::room_view;
use stagecraft::ui::console::state::{ConsoleAction, ConsoleState, RoomStatus};
use stagecraft::ui::state::{Action, AppState, Speed};
use yew::Reducible;

fn lesson1() -> Rc<AppState> {
    Rc::new(AppState::default()).reduce(Action::PickedLesson("first-promotion".into()))
}

fn state_of(s: &AppState) -> Body {
    Body::State { session: s.shared(), ui: room_view(s).ui }
}

fn clock_of(s: &AppState) -> Body {
    Body::Clock { log_len: s.log.len() as u64, now: s.world.now, ui: room_view(s).ui }
}

fn heard(c: Rc<ConsoleState>, room: &str, body: Body) -> Rc<ConsoleState> {
    c.reduce(ConsoleAction::Heard { room: room.into(), body: Box::new(body) })
}

/// A console that has the built-in lessons (the web app fetches them).
fn console() -> Rc<ConsoleState> {
    let files = lessons::bundled_files().into_iter().map(|(id, t)| (id.to_string(), t.to_string())).collect();
    Rc::new(ConsoleState::default()).reduce(ConsoleAction::Ui(Action::LessonsArrived(Ok(files))))
}

fn crash_prod() -> Failure {
    Failure::InstanceCrash { stage: StageId::new("prod") }
}

#[test]
fn messages_read_back_as_written() {
    let s = lesson1().reduce(Action::SubmittedCommit { summary: "x".into(), traits: stagecraft::sim::TraitsChoice::Surprise });
    for body in [
        state_of(&s),
        clock_of(&s),
        Body::Hello,
        Body::Ping,
        Body::Bye,
        Body::Request(Request::Chaos { failure: crash_prod(), at: Some(SimTime(30)) }),
    ] {
        let m = Envelope { v: protocol::PROTOCOL, from: Peer::Room("r1".into()), body };
        assert_eq!(protocol::decode(&protocol::encode(&m)), Ok(m));
    }
}

#[test]
fn untrusted_messages_are_refused_with_a_reason() {
    let cases = [
        ("{not json", "not JSON"),
        (r#"{"v":2,"from":{"room":"x"},"body":"ping"}"#, "another version"),
        (r#"{"from":{"room":"x"},"body":"ping"}"#, "not a Stagecraft console message"),
        (r#"{"v":1,"from":{"room":"x"},"body":"dance"}"#, "dance"),
        (r#"{"v":1,"from":{"room":"x"},"body":{"request":{"speed":{"factor":"fast"}}}}"#, "factor"),
        (r#"{"v":1,"from":{"stranger":"x"},"body":"ping"}"#, "stranger"),
    ];
    for (text, says) in cases {
        let why = protocol::decode(text).expect_err(text);
        assert!(why.contains(says), "{text}: {why}");
    }
    let huge = format!(r#"{{"v":1,"pad":"{}"}}"#, "x".repeat(protocol::MAX_MESSAGE_BYTES));
    assert!(protocol::decode(&huge).unwrap_err().contains("more than this app ever sends"));
    assert!(Request::Speed { factor: 3 }.into_action().unwrap_err().contains("no speed 3"));
    assert_eq!(ChannelId::parse("abc"), None);
    assert_eq!(ChannelId::parse("abc123xyz/.."), None);
    assert_eq!(ChannelId::parse("abc123xyz").map(|c| c.channel_name()), Some("stagecraft-console-abc123xyz".into()));
}

#[test]
fn the_trainers_actions_cross_the_channel_and_the_consoles_own_do_not() {
    let remote = [
        Action::TogglePlay,
        Action::PressedStep,
        Action::ChoseSpeed(Speed::X16),
        Action::DismissedMoment,
        Action::ChoseActor(ActorId::new("rui")),
        Action::ClickedHint,
        Action::ClickedShowMe,
        Action::TogglePresenter,
    ];
    for a in remote {
        let r = Request::from_action(&a).unwrap_or_else(|| panic!("{a:?} is sent to the room"));
        assert_eq!(r.into_action(), Ok(a));
    }
    let chaos = Action::ChoseChaos { failure: crash_prod(), at: None };
    assert_eq!(Request::from_action(&chaos).unwrap().into_action(), Ok(Action::ConsoleChaos { failure: crash_prod(), at: None }));
    assert_eq!(Request::from_action(&Action::ToggleHelp), None);
    assert_eq!(Request::from_action(&Action::ChangedFilter(Default::default())), None);
}

#[test]
fn chaos_from_the_console_is_applied_as_the_instructor_and_shown_to_the_room() {
    let s = lesson1().reduce(Action::ConsoleChaos { failure: crash_prod(), at: None });
    let last = s.log.as_slice().last().cloned().expect("logged");
    assert_eq!(last.command, Command::Inject { failure: crash_prod() });
    assert_eq!(last.actor, s.training.instructor());
    let note = s.console.note.as_ref().expect("the room sees a note");
    assert_eq!(note.text, "The trainer injected a failure: an instance crashes in prod.");
    assert_eq!(s.announcement.polite, note.text);
    // A refusal (no such stage) is the usual refusal, and no note claims it happened.
    let bad = lesson1().reduce(Action::ConsoleChaos { failure: Failure::InstanceCrash { stage: StageId::new("moon") }, at: None });
    assert!(bad.toast.is_some());
    assert_eq!(bad.console.note, None);
    // The console link survives starting another lesson.
    let opened = lesson1().reduce(Action::OpenedConsole);
    let next = opened.clone().reduce(Action::PickedLesson("blue-green-switch".into()));
    assert_eq!(next.training.lesson.as_ref().map(|l| l.id()), Some("blue-green-switch"));
    assert_eq!(next.console.open_seq, opened.console.open_seq);
    assert!(next.console.open_seq > 0);
}

#[test]
fn the_console_follows_the_room_by_replay_and_moves_the_clock_on_without_replaying() {
    let mut room = lesson1();
    let c = heard(console(), "r1", state_of(&room));
    assert_eq!((c.status, c.replays), (RoomStatus::Connected, 1));
    assert_eq!(c.world.now, room.world.now);

    room = room.reduce(Action::SubmittedCommit { summary: "x".into(), traits: stagecraft::sim::TraitsChoice::Surprise });
    let c = heard(c, "r1", state_of(&room));
    for _ in 0..20 {
        room = room.reduce(Action::PressedStep);
    }
    let c = heard(c, "r1", clock_of(&room));
    assert_eq!(c.replays, 1, "a command and the clock moved the console on, no replay");
    assert_eq!(c.world.now, room.world.now);
    assert_eq!(stagecraft::lessons::json::to_string(&*c.world), stagecraft::lessons::json::to_string(&*room.world), "the same world");
    assert_eq!(c.progress, room.training.progress);

    // Undo: the room's log got shorter, so the console replays.
    room = room.reduce(Action::ClickedUndo);
    let c = heard(c, "r1", state_of(&room));
    assert_eq!(c.replays, 2);
    assert_eq!(stagecraft::lessons::json::to_string(&*c.world), stagecraft::lessons::json::to_string(&*room.world));

    // Out of step (a message was missed): it asks for everything again.
    let room2 = room.clone().reduce(Action::SubmittedCommit { summary: "y".into(), traits: stagecraft::sim::TraitsChoice::Surprise });
    let before = c.resync;
    let c = heard(c, "r1", clock_of(&room2));
    assert_eq!(c.resync, before + 1);

    // A second room on the channel is ignored and said so; the first room's goodbye is heard.
    let c = heard(c, "r2", state_of(&lesson1()));
    assert!(c.problem.as_deref().unwrap_or_default().contains("Another room"));
    assert_eq!(c.replays, 2);
    let c = heard(c, "r1", Body::Bye);
    assert_eq!(c.status, RoomStatus::Closed);
}
