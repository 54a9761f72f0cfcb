//! Lessons and scenarios: data files that set up the engine, say what to achieve, and
//! teach. This layer uses `crate::sim` (and serde) only; it knows nothing of the UI
//! or the browser. `tests/architecture.rs` checks that.
//!
//! - [`catalog`] lists the built-in lessons; [`load`] reads one; [`load_str`] reads a custom
//!   scenario file, reporting every problem with its place ([`Problem`]).
//! - A [`Lesson`] builds its [`World`] (the file's timeline and starting release are part of
//!   the engine config, so `sim::replay::replay(lesson.config, seed, log, until)` reproduces
//!   a run by itself) and checks its objectives at one moment ([`Lesson::check`]).
//! - A [`Session`] drives a lesson live, tick by tick, with a [`Progress`] that remembers:
//!   failed objectives stay failed.
//! - [`share`] encodes sessions for links and files; [`report`] writes a post-incident report.

mod builtin;
pub mod debrief;
pub mod format;
pub mod json;
mod library;
pub mod objective;
pub mod parse;
pub mod progress;
mod repair;
pub mod report;
mod session_text;
pub mod share;
pub mod validate;

pub use format::{Concept, QuizQuestion, ScenarioFile, FORMAT_VERSION};
pub use library::Library;
pub use objective::{Objective, ObjectiveStatus, Status, Verdict};
pub use parse::{Location, Problem};
pub use progress::{Outcome, Progress};

use serde::{Deserialize, Serialize};
use crate::sim::command::{Command, Failure};
use crate::sim::config::WorldConfig;
use crate::sim::event::Event;
use crate::sim::ids::ActorId;
use crate::sim::replay::{self, LoggedCommand};
use crate::sim::time::SimTime;
use crate::sim::world::{Rejection, World};

/// A line in the lesson picker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LessonSummary {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub concepts: Vec<Concept>,
    pub order: u32,
}

/// A validated scenario, ready to run. Its `config` is everything the engine needs: the
/// stages, the cast, and the scripted timeline and starting release from the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    pub file: ScenarioFile,
    pub config: WorldConfig,
    /// Who may use the chaos menu: the first actor allowed to inject failures, if any.
    pub instructor: Option<ActorId>,
}

/// The built-in lesson that is free play: the standard pipeline, nothing scripted. It is
/// always compiled in, because the app opens with it.
pub const FREE_PLAY_ID: &str = builtin::SANDBOX_ID;

/// The ids of the built-in lessons (file names), sorted; [`catalog`] and [`Library`] give
/// the catalogue order.
pub fn ids() -> &'static [&'static str] {
    builtin::IDS
}

/// The built-in lesson files compiled into this build: all of them with the
/// `bundled-lessons` feature, none without it (the web app fetches them into a [`Library`]).
pub fn bundled_files() -> Vec<(&'static str, &'static str)> {
    #[cfg(feature = "bundled-lessons")]
    return builtin::FILES.to_vec();
    #[cfg(not(feature = "bundled-lessons"))]
    Vec::new()
}

/// The bundled built-in lessons, in catalogue order. A file that fails to load is left out
/// (the test suite makes sure none does).
pub fn catalog() -> Vec<LessonSummary> {
    Library::read(bundled_files()).0.summaries()
}

/// Loads a built-in lesson by id: free play always; the others when bundled (see
/// [`bundled_files`]), else from a [`Library`].
pub fn load(id: &str) -> Result<Lesson, Vec<Problem>> {
    if id == builtin::SANDBOX_ID {
        return load_builtin(id, builtin::SANDBOX);
    }
    match bundled_files().into_iter().find(|(x, _)| *x == id) {
        Some((_, text)) => load_builtin(id, text),
        None if ids().contains(&id) => Err(vec![Problem::in_file(
            id,
            format!("the lesson \"{id}\" has not been loaded yet"),
        )]),
        None => Err(vec![Problem::in_file(
            id,
            format!("there is no built-in lesson \"{id}\""),
        )
        .expecting(format!("one of: {}", ids().join(", ")))]),
    }
}

/// Reads the text of built-in lesson `id` (bundled or fetched): a scenario whose id must be `id`.
pub fn load_builtin(id: &str, text: &str) -> Result<Lesson, Vec<Problem>> {
    let lesson = load_str(&format!("static/lessons/{id}.json"), text)?;
    if lesson.file.id != id {
        return Err(vec![Problem::at_path(
            id,
            "id",
            format!("the file says its id is \"{}\"", lesson.file.id),
        )
        .expecting(id.to_string())]);
    }
    Ok(lesson)
}

/// Reads a scenario file (built in, or a trainer's own). `file` names it in problem reports.
pub fn load_str(file: &str, text: &str) -> Result<Lesson, Vec<Problem>> {
    let (scenario, config) = validate::read(file, text)?;
    let instructor = validate::instructor(&config);
    Ok(Lesson {
        file: scenario,
        config,
        instructor,
    })
}

impl Lesson {
    pub fn id(&self) -> &str {
        &self.file.id
    }

    pub fn seed(&self) -> u64 {
        self.file.seed
    }

    /// A fresh world at minute 0.
    pub fn world(&self) -> World {
        World::new(self.config.clone(), self.file.seed)
    }

    /// A fresh world with another seed (the "try again with different luck" button).
    pub fn world_with_seed(&self, seed: u64) -> World {
        World::new(self.config.clone(), seed)
    }

    /// The log to replay for a learner's log. The timeline is part of the configuration
    /// now (the world fires it), so this is the log itself; kept for callers of the old API.
    pub fn full_log(&self, log: &[LoggedCommand]) -> Vec<LoggedCommand> {
        log.to_vec()
    }

    /// Replays a learner's log with this lesson's seed, up to `until`. The same as
    /// `sim::replay::replay(lesson.config, seed, log, until)`: the timeline is in the config.
    pub fn replay(&self, log: &[LoggedCommand], until: SimTime) -> World {
        self.replay_with_seed(self.file.seed, log, until)
    }

    pub fn replay_with_seed(&self, seed: u64, log: &[LoggedCommand], until: SimTime) -> World {
        replay::replay(self.config.clone(), seed, log, until)
    }

    /// Replays a learner's log minute by minute into a [`Session`], so its [`Progress`]
    /// remembers failures on the way (a plain [`Lesson::replay`] only sees the end).
    pub fn play(&self, log: &[LoggedCommand], until: SimTime) -> Session {
        Session::replay(self.clone(), self.file.seed, log.to_vec(), until)
    }

    /// A fresh tracker for this lesson's objectives.
    pub fn progress(&self) -> Progress {
        Progress::new(self)
    }

    /// Where each objective stands at this moment, from the world alone. It does not
    /// remember: a failure the world no longer shows is not reported. Use [`Progress`] (or a
    /// [`Session`]) to follow a lesson over time.
    pub fn check(&self, world: &World, log: &[LoggedCommand]) -> Vec<ObjectiveStatus> {
        objective::evaluate(&self.file.objectives, world, log)
    }

    pub fn verdict(&self, world: &World, log: &[LoggedCommand]) -> Verdict {
        objective::verdict(&self.check(world, log))
    }

    /// The minute at which the tests judge the solution and the mistake.
    pub fn check_at(&self) -> SimTime {
        if let Some(at) = self.file.check_at {
            return SimTime(at);
        }
        let limit = self.file.objectives.iter().find_map(|o| match o {
            Objective::TimeLimit { minutes } => Some(*minutes),
            _ => None,
        });
        let last = self.file.solution.iter().map(|c| c.at.0).max().unwrap_or(0);
        SimTime(limit.map_or(last + 120, |l| l + 1))
    }

    /// Failures waiting on the timeline, for the instructor panel.
    pub fn upcoming(&self, now: SimTime) -> Vec<(SimTime, &Failure)> {
        self.config
            .timeline
            .iter()
            .filter(|t| t.at > now)
            .map(|t| (t.at, &t.failure))
            .collect()
    }
}

/// A lesson being played: the world, the learner's log, and its progress.
#[derive(Clone, Debug)]
pub struct Session {
    pub lesson: Lesson,
    pub world: World,
    /// What the learner did. The timeline is not in it: the world's config carries it.
    pub log: Vec<LoggedCommand>,
    progress: Progress,
}

impl Session {
    pub fn new(lesson: Lesson) -> Session {
        Session::with_seed(lesson.clone(), lesson.file.seed)
    }

    pub fn with_seed(lesson: Lesson, seed: u64) -> Session {
        let world = lesson.world_with_seed(seed);
        let progress = lesson.progress();
        let mut s = Session {
            lesson,
            world,
            log: Vec::new(),
            progress,
        };
        s.observe();
        s
    }

    /// Rebuilds a session from a log, exactly as it was at minute `until` (its progress
    /// included: it is replayed minute by minute).
    pub fn replay(lesson: Lesson, seed: u64, log: Vec<LoggedCommand>, until: SimTime) -> Session {
        let mut s = Session::with_seed(lesson, seed);
        for entry in log {
            s.run_until(entry.at);
            let _ = s.apply(&entry.actor, entry.command);
        }
        s.run_until(until);
        s
    }

    /// Applies a learner's command now; it is logged whether or not it is refused, so a
    /// replay reproduces the refusal (and its audit entry) too.
    pub fn apply(&mut self, actor: &ActorId, command: Command) -> Result<Vec<Event>, Rejection> {
        self.log.push(LoggedCommand {
            at: self.world.now,
            actor: actor.clone(),
            command: command.clone(),
        });
        let result = self.world.apply(actor, command);
        self.observe();
        result
    }

    /// One minute (the world fires any timeline failures due in it).
    pub fn tick(&mut self) -> Vec<Event> {
        let events = self.world.tick();
        self.observe();
        events
    }

    pub fn run_until(&mut self, until: SimTime) -> Vec<Event> {
        let mut all = Vec::new();
        while self.world.now < until {
            all.extend(self.tick());
        }
        all
    }

    fn observe(&mut self) {
        self.progress.observe(&self.lesson, &self.world, &self.log);
    }

    /// Where each objective stands, failures latched (see [`Progress`]).
    pub fn check(&self) -> Vec<ObjectiveStatus> {
        self.progress.statuses().to_vec()
    }

    pub fn verdict(&self) -> Verdict {
        self.progress.verdict()
    }

    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Failures still waiting on the timeline, for the instructor panel.
    pub fn upcoming(&self) -> Vec<(SimTime, &Failure)> {
        self.lesson.upcoming(self.world.now)
    }
}
