//! The console window's one root reducer. It owns no session of its own: it follows the
//! room it first heard from, rebuilding the room's world from the room's scenario, seed
//! and command log by replay (the engine is deterministic), and only moving the clock on
//! when that is all that changed. What the trainer does is sent to the room (see
//! `Request::from_action`); only the console's own view (timeline filter, help) stays here.

use std::rc::Rc;

use yew::prelude::*;

use super::protocol::{Body, RoomUi};
use crate::lessons::share::{ScenarioRef, SharedSession};
use crate::lessons::{self, Lesson, Library, Progress};
use crate::sim::replay::{self, LoggedCommand};
use crate::sim::{SimTime, World, WorldConfig};
use crate::ui::state::training::FREE_PLAY;
use crate::ui::state::{Action, FocusRequest, LibraryState, TimelineFilter};

pub enum ConsoleAction {
    /// A message from a room window (the hook has read it and checked who sent it).
    Heard { room: String, body: Box<Body> },
    /// A message that could not be read, and why.
    Garbled(String),
    /// No word from the room for a while.
    RoomSilent,
    /// Something in the console's own view (the room's actions are sent, not reduced here).
    Ui(Action),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoomStatus {
    Waiting,
    Connected,
    /// The room said goodbye: closed or reloaded.
    Closed,
    /// The room stopped answering.
    Silent,
}

#[derive(Clone)]
pub struct ConsoleState {
    /// The room this console follows: the first one that answered.
    pub room: Option<String>,
    pub status: RoomStatus,
    /// What the room's screen shows; `None` until it first answered.
    pub ui: Option<RoomUi>,
    pub scenario: Option<Rc<ScenarioRef>>,
    pub seed: u64,
    /// `None` in free play without a lesson.
    pub lesson: Option<Rc<Lesson>>,
    pub world: Rc<World>,
    pub log: Rc<Vec<LoggedCommand>>,
    pub progress: Progress,
    pub rev: u64,
    pub library: LibraryState,
    /// A session that names a built-in lesson, waiting for the library.
    pub waiting: Option<Rc<(SharedSession, RoomUi)>>,
    pub filter: TimelineFilter,
    pub help_open: bool,
    pub focus: Option<FocusRequest>,
    /// Bumped when the console fell out of step: the hook asks the room for everything.
    pub resync: u64,
    /// The last message that was not understood, or another room ignored.
    pub problem: Option<String>,
    /// How often the world was replayed from the start, and moved on instead (the tests
    /// read both: moving the clock must not replay).
    pub replays: u64,
    pub advances: u64,
}

impl Default for ConsoleState {
    fn default() -> Self {
        ConsoleState {
            room: None,
            status: RoomStatus::Waiting,
            ui: None,
            scenario: None,
            seed: 0,
            lesson: None,
            world: Rc::new(World::new(WorldConfig::standard(), 0)),
            log: Rc::default(),
            progress: Progress::default(),
            rev: 0,
            library: LibraryState::NotLoaded,
            waiting: None,
            filter: TimelineFilter::default(),
            help_open: false,
            focus: None,
            resync: 0,
            problem: None,
            replays: 0,
            advances: 0,
        }
    }
}

impl Reducible for ConsoleState {
    type Action = ConsoleAction;

    fn reduce(self: Rc<Self>, action: ConsoleAction) -> Rc<Self> {
        let mut s = (*self).clone();
        let changed = match action {
            ConsoleAction::Heard { room, body } => s.heard(room, *body),
            ConsoleAction::Garbled(why) => {
                s.problem = Some(format!("A message on the channel was ignored: {why}."));
                true
            }
            ConsoleAction::RoomSilent => {
                let silent = s.status == RoomStatus::Connected;
                if silent {
                    s.status = RoomStatus::Silent;
                }
                silent
            }
            ConsoleAction::Ui(action) => s.local(action),
        };
        if changed {
            Rc::new(s)
        } else {
            self
        }
    }
}

impl ConsoleState {
    fn heard(&mut self, room: String, body: Body) -> bool {
        match &self.room {
            Some(r) if *r != room && self.status == RoomStatus::Connected => {
                self.problem = Some("Another room window is talking on this channel; this console follows the first one.".into());
                return true;
            }
            Some(r) if *r == room => {}
            _ => self.room = Some(room),
        }
        let was = self.status;
        self.status = RoomStatus::Connected;
        match body {
            Body::State { session, ui } => self.follow(session, ui),
            Body::Clock { log_len, now, ui } => {
                let in_step = self.scenario.is_some() && log_len == self.log.len() as u64 && now >= self.world.now;
                if in_step {
                    self.advance_to(now);
                    self.advances += 1;
                } else {
                    self.resync += 1;
                }
                self.ui = Some(ui);
            }
            Body::Bye => self.status = RoomStatus::Closed,
            // A ping only matters when the room had gone quiet.
            Body::Ping | Body::Hello | Body::Request(_) => return was != RoomStatus::Connected,
        }
        true
    }

    /// Takes the room's whole session: moves on from what is here when the room only added
    /// commands at or after this world's minute, and replays from the start otherwise
    /// (another lesson, undo, reset, Show me).
    fn follow(&mut self, session: SharedSession, ui: RoomUi) {
        let same = self.scenario.as_deref() == Some(&session.scenario)
            && self.seed == session.seed
            && self.lesson.is_none() == ui.free_play;
        let added = session.log.get(..self.log.len()) == Some(&self.log[..])
            && session.log[self.log.len()..].iter().all(|c| c.at >= self.world.now);
        if same && added && session.now >= self.world.now {
            for c in &session.log[self.log.len()..] {
                self.advance_to(c.at);
                Rc::make_mut(&mut self.log).push(c.clone());
                let _ = Rc::make_mut(&mut self.world).apply(&c.actor, c.command.clone());
                self.observe();
            }
            self.advance_to(session.now);
            self.advances += 1;
            self.ui = Some(ui);
            return;
        }
        self.replay(session, ui);
    }

    fn replay(&mut self, session: SharedSession, ui: RoomUi) {
        let lesson = if ui.free_play {
            None
        } else {
            match self.lesson_for(&session.scenario) {
                Ok(Some(l)) => Some(l),
                Ok(None) => {
                    self.waiting = Some(Rc::new((session, ui)));
                    return;
                }
                Err(why) => {
                    self.problem = Some(why);
                    return;
                }
            }
        };
        let (world, progress) = match &lesson {
            Some(l) => {
                let s = lessons::Session::replay((**l).clone(), session.seed, session.log.clone(), session.now);
                let progress = s.progress().clone();
                (s.world, progress)
            }
            None => (replay::replay(WorldConfig::standard(), session.seed, &session.log, session.now), Progress::default()),
        };
        self.world = Rc::new(world);
        self.progress = progress;
        self.lesson = lesson;
        self.scenario = Some(Rc::new(session.scenario));
        self.seed = session.seed;
        self.log = Rc::new(session.log);
        self.ui = Some(ui);
        self.rev += 1;
        self.replays += 1;
    }

    /// The scenario's lesson: the one here if it is the same, a built-in one from the
    /// library (`None` while it is fetched), or a custom scenario read from its text.
    fn lesson_for(&mut self, scenario: &ScenarioRef) -> Result<Option<Rc<Lesson>>, String> {
        if self.scenario.as_deref() == Some(scenario) {
            if let Some(l) = &self.lesson {
                return Ok(Some(l.clone()));
            }
        }
        let problems = |p: Vec<lessons::Problem>| p.iter().map(|x| x.to_string()).collect::<Vec<_>>().join("; ");
        let lesson = match scenario {
            ScenarioRef::Lesson(id) if id == FREE_PLAY => lessons::load(id).map_err(problems)?,
            ScenarioRef::Lesson(id) => match &self.library {
                LibraryState::Ready(library) => library
                    .get(id)
                    .cloned()
                    .ok_or_else(|| format!("The room plays a lesson this console does not know ({id}); reload both windows."))?,
                LibraryState::Failed(why) => return Err(format!("The room's lesson could not be loaded here: {why}")),
                LibraryState::NotLoaded | LibraryState::Loading => {
                    self.library = LibraryState::Loading;
                    return Ok(None);
                }
            },
            ScenarioRef::Custom(text) => lessons::load_str("custom scenario", text).map_err(problems)?,
        };
        Ok(Some(Rc::new(lesson)))
    }

    fn advance_to(&mut self, until: SimTime) {
        if self.world.now >= until {
            return;
        }
        while self.world.now < until {
            Rc::make_mut(&mut self.world).tick();
            self.observe();
        }
        self.rev += 1;
    }

    fn observe(&mut self) {
        if let Some(l) = &self.lesson {
            self.progress.observe(l, &self.world, &self.log);
        }
    }

    fn local(&mut self, action: Action) -> bool {
        match action {
            Action::ChangedFilter(f) => self.filter = f,
            Action::ToggleHelp => self.help_open = !self.help_open,
            Action::ClosedHelp => self.help_open = false,
            Action::PressedActorKey => self.focus("acting-as"),
            Action::PressedNextStepKey => self.focus("lesson-heading"),
            Action::LessonsArrived(files) => {
                self.library = match files {
                    Ok(files) => LibraryState::Ready(Rc::new(Library::read(files).0)),
                    Err(why) => LibraryState::Failed(why),
                };
                if let Some(w) = self.waiting.take() {
                    let (session, ui) = (*w).clone();
                    self.replay(session, ui);
                }
            }
            _ => return false,
        }
        true
    }

    fn focus(&mut self, id: &str) {
        let seq = self.focus.as_ref().map_or(1, |f| f.seq + 1);
        self.focus = Some(FocusRequest { seq, id: id.into() });
    }
}
