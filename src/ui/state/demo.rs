//! "Show me": the lesson's reference solution played from the start, one card per step
//! (who acts, what they do, where that is on screen), at the lesson's own pace. The
//! learner's attempt is kept aside and comes back with "Back to my attempt"; a
//! demonstration is never recorded as a win and never autosaved.

use std::rc::Rc;

use super::pacing::{demo_caption, Moment, MomentKind};
use super::AppState;
use crate::lessons::share::SharedSession;

/// A demonstration in progress: the next step of the solution to play, and the attempt to
/// return to.
#[derive(Clone, Debug)]
pub struct Demo {
    pub next: usize,
    pub attempt: Rc<SharedSession>,
}

/// The attempt never changes once set aside: compared by pointer, never deeply.
impl PartialEq for Demo {
    fn eq(&self, o: &Self) -> bool {
        self.next == o.next && Rc::ptr_eq(&self.attempt, &o.attempt)
    }
}

impl AppState {
    /// Starts the lesson again from minute 0 and plays its solution, step by step.
    pub(super) fn start_demo(&mut self) -> bool {
        let Some(lesson) = self.training.lesson.clone() else { return false };
        if lesson.file.solution.is_empty() {
            return false;
        }
        // A demonstration of a demonstration keeps the learner's own attempt.
        let attempt = match &self.training.demo {
            Some(d) => d.attempt.clone(),
            None => Rc::new(self.shared()),
        };
        let fresh = SharedSession {
            scenario: (*self.training.scenario).clone(),
            seed: lesson.seed(),
            log: Vec::new(),
            now: crate::sim::SimTime::ZERO,
        };
        if self.open_shared(fresh).is_err() {
            return false;
        }
        self.training.demo = Some(Demo { next: 0, attempt });
        self.auto_pause = true;
        if let Some(step) = self.due_demo_step() {
            self.show_demo_step(step, true);
        } else {
            self.playing = true;
        }
        true
    }

    /// Leaves the demonstration and brings the learner's attempt back exactly as it was.
    pub(super) fn back_to_attempt(&mut self) -> bool {
        let Some(demo) = self.training.demo.take() else { return false };
        let attempt = (*demo.attempt).clone();
        if let Err(p) = self.open_shared(attempt) {
            self.problems("Your attempt could not be brought back.", &p);
        }
        true
    }

    /// The solution step due now, if a demonstration is running and its minute has come.
    pub(super) fn due_demo_step(&self) -> Option<usize> {
        let demo = self.training.demo.as_ref()?;
        let lesson = self.training.lesson.as_ref()?;
        let step = lesson.file.solution.get(demo.next)?;
        (step.at <= self.world.now && self.moment.is_none()).then_some(demo.next)
    }

    pub(super) fn show_demo_step(&mut self, step: usize, resume: bool) {
        let Some(lesson) = self.training.lesson.clone() else { return };
        let Some(entry) = lesson.file.solution.get(step) else { return };
        let (what, how) = demo_caption(&self.world, entry);
        self.actor = entry.actor.clone();
        self.open_moment(Moment {
            id: 0,
            kind: MomentKind::Demo { step, of: lesson.file.solution.len() },
            at: self.world.now,
            title: format!("Show me: step {} of {}", step + 1, lesson.file.solution.len()),
            what,
            why: None,
            next: how,
            stage: None,
            resume,
        });
    }

    /// Applies solution step `step` as its actor (Continue on its card).
    pub(super) fn apply_demo_step(&mut self, step: usize) {
        let Some(lesson) = self.training.lesson.clone() else { return };
        let Some(entry) = lesson.file.solution.get(step).cloned() else { return };
        if let Some(d) = self.training.demo.as_mut() {
            d.next = step + 1;
        }
        self.actor = entry.actor.clone();
        self.issue(entry.actor, entry.command);
    }
}
