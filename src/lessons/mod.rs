//! Lessons and scenarios: data files that set up the engine, say what to achieve, and
//! teach. This layer uses `crate::sim` (and serde) only; it knows nothing of the UI or the
//! browser. `tests/architecture.rs` checks that.
//!
//! - [`catalog`] lists the built-in lessons; [`load`] reads one; [`load_str`] reads a custom
//!   scenario file, reporting every problem with its place ([`Problem`]).
//! - A [`Lesson`] builds its [`World`], merges its timeline into a command log, and checks
//!   its objectives ([`Lesson::check`]). A [`Session`] drives a lesson live, tick by tick.
//! - [`share`] encodes sessions for links and files; [`report`] writes a post-incident report.

mod builtin;
pub mod format;
pub mod objective;
pub mod parse;
pub mod report;
pub mod share;
pub mod validate;

pub use format::{Concept, QuizQuestion, ScenarioFile, FORMAT_VERSION};
pub use objective::{Objective, ObjectiveStatus, Status, Verdict};
pub use parse::{Location, Problem};

use crate::sim::command::{Command, Failure};
use crate::sim::config::WorldConfig;
use crate::sim::event::Event;
use crate::sim::ids::ActorId;
use crate::sim::replay::{self, LoggedCommand};
use crate::sim::time::SimTime;
use crate::sim::world::{Rejection, World};
use serde::{Deserialize, Serialize};

/// A line in the lesson picker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LessonSummary {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub concepts: Vec<Concept>,
    pub order: u32,
}

/// A validated scenario, ready to run.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    pub file: ScenarioFile,
    pub config: WorldConfig,
    /// The actor who runs the timeline's failures.
    pub instructor: Option<ActorId>,
}

/// The ids of the built-in lessons, in catalogue order.
pub fn ids() -> Vec<&'static str> {
    builtin::FILES.iter().map(|(id, _)| *id).collect()
}

/// The built-in lessons, in catalogue order. A file that fails to load is left out (the test
/// suite makes sure none does).
pub fn catalog() -> Vec<LessonSummary> {
    let mut list: Vec<LessonSummary> = builtin::FILES
        .iter()
        .filter_map(|(id, _)| load(id).ok())
        .map(|l| LessonSummary {
            id: l.file.id.clone(),
            title: l.file.title.clone(),
            summary: l.file.summary.clone(),
            concepts: l.file.concepts.clone(),
            order: l.file.order,
        })
        .collect();
    list.sort_by_key(|l| l.order);
    list
}

/// Loads a built-in lesson by id.
pub fn load(id: &str) -> Result<Lesson, Vec<Problem>> {
    let Some((_, text)) = builtin::FILES.iter().find(|(x, _)| *x == id) else {
        return Err(vec![Problem::in_file(id, format!("there is no built-in lesson \"{id}\"")).expecting(format!("one of: {}", ids().join(", ")))]);
    };
    let lesson = load_str(&format!("static/lessons/{id}.json"), text)?;
    if lesson.file.id != id {
        return Err(vec![Problem::at_path(id, "id", format!("the file says its id is \"{}\"", lesson.file.id)).expecting(id.to_string())]);
    }
    Ok(lesson)
}

/// Reads a scenario file (built in, or a trainer's own). `file` names it in problem reports.
pub fn load_str(file: &str, text: &str) -> Result<Lesson, Vec<Problem>> {
    let (scenario, config) = validate::read(file, text)?;
    let instructor = validate::instructor(&config);
    Ok(Lesson { file: scenario, config, instructor })
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

    /// The timeline's failures as commands by the instructor, at their minutes.
    pub fn timeline_commands(&self) -> Vec<LoggedCommand> {
        let Some(actor) = &self.instructor else { return Vec::new() };
        let mut t: Vec<LoggedCommand> = self
            .file
            .timeline
            .iter()
            .map(|e| LoggedCommand { at: SimTime(e.at), actor: actor.clone(), command: Command::Inject { failure: e.failure.clone() } })
            .collect();
        t.sort_by_key(|c| c.at);
        t
    }

    /// The learner's log with the timeline merged in. At the same minute the timeline goes
    /// first, which is what [`Session`] does live.
    pub fn full_log(&self, log: &[LoggedCommand]) -> Vec<LoggedCommand> {
        let mut all = self.timeline_commands();
        all.extend(log.iter().cloned());
        all.sort_by_key(|c| c.at); // stable: timeline entries stay ahead at equal minutes
        all
    }

    /// Replays a learner's log (timeline included) with this lesson's seed, up to `until`.
    pub fn replay(&self, log: &[LoggedCommand], until: SimTime) -> World {
        self.replay_with_seed(self.file.seed, log, until)
    }

    pub fn replay_with_seed(&self, seed: u64, log: &[LoggedCommand], until: SimTime) -> World {
        replay::replay(self.config.clone(), seed, &self.full_log(log), until)
    }

    /// Where each objective stands.
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
        self.file.timeline.iter().filter(|e| e.at > now.0).map(|e| (SimTime(e.at), &e.failure)).collect()
    }
}

/// A lesson being played: the world, the learner's log, and the timeline cursor.
#[derive(Clone, Debug)]
pub struct Session {
    pub lesson: Lesson,
    pub world: World,
    /// What the learner did (the timeline is not in it: it comes from the lesson).
    pub log: Vec<LoggedCommand>,
    timeline: Vec<LoggedCommand>,
    next: usize,
}

impl Session {
    pub fn new(lesson: Lesson) -> Session {
        Session::with_seed(lesson.clone(), lesson.file.seed)
    }

    pub fn with_seed(lesson: Lesson, seed: u64) -> Session {
        let timeline = lesson.timeline_commands();
        let world = lesson.world_with_seed(seed);
        let mut s = Session { lesson, world, log: Vec::new(), timeline, next: 0 };
        s.run_due(&mut Vec::new());
        s
    }

    /// Rebuilds a session from a log, exactly as it was at minute `until`.
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
        self.log.push(LoggedCommand { at: self.world.now, actor: actor.clone(), command: command.clone() });
        self.world.apply(actor, command)
    }

    fn run_due(&mut self, events: &mut Vec<Event>) {
        while let Some(entry) = self.timeline.get(self.next).filter(|e| e.at <= self.world.now) {
            let entry = entry.clone();
            self.next += 1;
            if let Ok(mut more) = self.world.apply(&entry.actor, entry.command) {
                events.append(&mut more);
            }
        }
    }

    /// One minute, then any timeline failures due at the new minute.
    pub fn tick(&mut self) -> Vec<Event> {
        let mut events = self.world.tick();
        self.run_due(&mut events);
        events
    }

    pub fn run_until(&mut self, until: SimTime) -> Vec<Event> {
        let mut all = Vec::new();
        while self.world.now < until {
            all.extend(self.tick());
        }
        all
    }

    pub fn check(&self) -> Vec<ObjectiveStatus> {
        self.lesson.check(&self.world, &self.log)
    }

    pub fn verdict(&self) -> Verdict {
        self.lesson.verdict(&self.world, &self.log)
    }
}
