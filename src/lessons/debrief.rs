//! A debrief made from the run itself, not from fixed lesson text: what decided it, which
//! way it went (the reference path, another way, the lesson's key mistake, something else),
//! how many failed requests the run caused beyond the background, and how it compares with
//! the reference solution. Pure: the UI's debrief and the post-incident report both read it.
//!
//! Everything said here must be true of this run: a sentence names what the log or the
//! world shows, never what a learner "probably" did.

mod figures;
mod happened;
mod path;

pub use figures::{FailedRequests, Par};
pub use happened::Happening;
pub use path::next_step;

use super::progress::Outcome;
use super::{Lesson, Progress, Verdict};
use crate::sim::replay::LoggedCommand;
use crate::sim::time::SimTime;
use crate::sim::world::World;

/// Which way a run went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Path {
    /// Not decided yet (mid-lesson, or a lesson with no objectives).
    Running,
    /// Won, and the log holds every kind of step the reference solution takes.
    Intended,
    /// Won without some step the reference solution takes.
    WonAnotherWay,
    /// Lost with a step of the lesson's classic mistake, or on the objective it fails.
    LostByKeyMistake,
    LostOtherwise,
}

/// The debrief of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct RunDebrief {
    /// `None`: the lesson is still running.
    pub outcome: Option<Outcome>,
    pub path: Path,
    /// The decisive events of this run, oldest first, up to the outcome minute if decided.
    pub happened: Vec<Happening>,
    /// Decisive events left out to keep the list short (never approvals, gate failures,
    /// analysis verdicts or rollbacks).
    pub left_out: usize,
    /// The lesson's `debrief`, then `debrief_won` or `debrief_lost`, then one sentence on
    /// the path this run took. Plain text: escape it before putting it in markup.
    pub teaches: Vec<String>,
    pub requests: FailedRequests,
    /// The reference solution's figures; `None` when the lesson has no solution that wins.
    pub par: Option<Par>,
    /// This run's figures: its commands, and the outcome minute (or now, if running).
    pub yours: Par,
}

/// Builds the debrief of a run: `lesson` played with `seed` (the world's seed) to
/// `world.now`, with the learner's `log` and the session's `progress`. It replays the
/// lesson up to three times (nobody acting, the solution, the mistake if lost), each from
/// minute 0, so call it once when the debrief opens, not every frame.
pub fn run_debrief(
    lesson: &Lesson,
    seed: u64,
    world: &World,
    log: &[LoggedCommand],
    progress: &Progress,
) -> RunDebrief {
    let outcome = progress.outcome();
    let until = outcome.map_or(world.now, |o| o.at);
    let (happened, left_out) = happened::select(world, until);
    let par = reference_par(lesson);
    let (path, sentence) = path::judge(lesson, world, log, progress, outcome);
    let f = &lesson.file;
    let extra = match outcome.map(|o| o.verdict) {
        Some(Verdict::Won) => f.debrief_won.as_str(),
        Some(Verdict::Lost) => f.debrief_lost.as_str(),
        _ => "",
    };
    let teaches = [f.debrief.as_str(), extra, sentence.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    RunDebrief {
        outcome,
        path,
        happened,
        left_out,
        teaches,
        requests: FailedRequests::measure(lesson, seed, world),
        par,
        yours: Par {
            commands: log.len(),
            decided_at: Some(until),
        },
    }
}

impl RunDebrief {
    /// "Par: 4 commands, won at Day 1 10:00. You: …", or `None` without a reference.
    pub fn par_sentence(&self, start_minute_of_day: u32) -> Option<String> {
        let par = self.par.as_ref()?;
        Some(figures::par_sentence(
            par,
            &self.yours,
            self.outcome.map(|o| o.verdict),
            start_minute_of_day,
        ))
    }
}

/// The reference solution replayed with the lesson's own seed: its length, and the minute
/// it won (`None` if it does not win, which the test suite forbids for built-in lessons).
fn reference_par(lesson: &Lesson) -> Option<Par> {
    let solution = &lesson.file.solution;
    if solution.is_empty() || lesson.file.objectives.is_empty() {
        return None;
    }
    let session = lesson.play(solution, lesson.check_at());
    let won = session
        .progress()
        .outcome()
        .filter(|o| o.verdict == Verdict::Won);
    Some(Par {
        commands: solution.len(),
        decided_at: won.map(|o| o.at),
    })
}

/// A clock label for sentences.
fn clock(world: &World, at: SimTime) -> String {
    at.label(world.config.start_minute_of_day)
}
