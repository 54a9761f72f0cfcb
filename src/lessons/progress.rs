//! Progress through a lesson over time. [`super::Lesson::check`] judges one moment from the
//! world as it is; a [`Progress`] also remembers what happened on the way:
//!
//! - once an objective has failed it stays failed, even if the state later looks fine
//!   (records restored from a backup were still corrupted once; a time limit that passed
//!   stays passed);
//! - an objective that asks whether something happened (an alert fired, an attempt was
//!   blocked, an approval was given) stays met once met, even after the event has scrolled
//!   out of the world's recent events;
//! - so once lost, a lesson stays lost (the other objectives keep updating, so the room can
//!   see what it would still take); once won, it is over: the verdict and the objectives stand
//!   as they were at that minute.
//!
//! A [`super::Session`] owns one and updates it after every minute and every command. A UI
//! that drives a `World` itself can hold one too and call [`Progress::observe`] the same way.

use super::objective::{self, ObjectiveStatus, Status, Verdict};
use super::Lesson;
use serde::{Deserialize, Serialize};
use crate::sim::replay::LoggedCommand;
use crate::sim::time::SimTime;
use crate::sim::world::World;

/// When a lesson was decided, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub verdict: Verdict,
    pub at: SimTime,
}

/// What one objective has done so far.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Memory {
    /// The first failure: when, and why.
    failed: Option<(SimTime, String)>,
    /// When a "did it happen" objective was first met.
    met_at: Option<SimTime>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    memory: Vec<Memory>,
    statuses: Vec<ObjectiveStatus>,
    outcome: Option<Outcome>,
}

impl Progress {
    /// A lesson not yet looked at: every objective "not met yet" (its text comes with the
    /// first [`Progress::observe`]).
    pub fn new(lesson: &Lesson) -> Progress {
        Progress {
            memory: vec![Memory::default(); lesson.file.objectives.len()],
            statuses: Vec::new(),
            outcome: None,
        }
    }

    /// Looks at the world now (after a minute or a command) and returns where each objective
    /// stands, with failures latched. Once the lesson is won this changes nothing.
    pub fn observe(
        &mut self,
        lesson: &Lesson,
        world: &World,
        log: &[LoggedCommand],
    ) -> &[ObjectiveStatus] {
        if self.verdict() == Verdict::Won {
            return &self.statuses;
        }
        let objectives = &lesson.file.objectives;
        self.memory.resize(objectives.len(), Memory::default());
        let raw: Vec<ObjectiveStatus> = objectives
            .iter()
            .zip(&self.memory)
            .map(|(o, m)| {
                let status = match (&m.failed, m.met_at) {
                    (Some((_, reason)), _) => Status::Failed {
                        reason: reason.clone(),
                    },
                    (None, Some(_)) => Status::Met,
                    (None, None) => o.status(world, log),
                };
                ObjectiveStatus {
                    text: o.text(world),
                    status,
                }
            })
            .collect();
        let statuses = objective::apply_time_limit(objectives, world.now, raw);
        for ((o, m), s) in objectives.iter().zip(self.memory.iter_mut()).zip(&statuses) {
            match &s.status {
                Status::Failed { reason } if m.failed.is_none() => {
                    m.failed = Some((world.now, reason.clone()))
                }
                Status::Met if o.stays_met() && m.met_at.is_none() => m.met_at = Some(world.now),
                _ => {}
            }
        }
        let verdict = objective::verdict(&statuses);
        if verdict != Verdict::InProgress && self.outcome.is_none() {
            self.outcome = Some(Outcome {
                verdict,
                at: world.now,
            });
        }
        self.statuses = statuses;
        &self.statuses
    }

    /// Decides a lesson judged outside any world (a lab lesson's answer, read from many
    /// runs): `status` becomes its one objective. As with a world's verdict, the first
    /// decision stands.
    pub fn decide(&mut self, status: ObjectiveStatus, at: SimTime) {
        if self.outcome.is_some() {
            return;
        }
        let verdict = objective::verdict(std::slice::from_ref(&status));
        self.statuses = vec![status];
        if verdict != Verdict::InProgress {
            self.outcome = Some(Outcome { verdict, at });
        }
    }

    /// Where each objective stood at the last [`Progress::observe`].
    pub fn statuses(&self) -> &[ObjectiveStatus] {
        &self.statuses
    }

    pub fn verdict(&self) -> Verdict {
        self.outcome.map_or(Verdict::InProgress, |o| o.verdict)
    }

    /// When and how the lesson was decided, if it has been.
    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome
    }

    /// When objective `index` first failed, if it has.
    pub fn failed_at(&self, index: usize) -> Option<SimTime> {
        self.memory
            .get(index)
            .and_then(|m| m.failed.as_ref().map(|(at, _)| *at))
    }
}
