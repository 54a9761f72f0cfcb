//! Lab lessons in the root reducer: a lesson whose question is answered in the strategy
//! lab ([`LabLesson`]). Starting one opens the lab (`training.rs`, `start`); the lab's own
//! reducer runs the seeds and reads the verdict from them, and the app only records it
//! here, as the lesson's one objective, the way a world's verdict is recorded.

use std::rc::Rc;

use super::AppState;
use crate::lab::LabLesson;
use crate::lessons::{Lesson, ObjectiveStatus, Problem, Status, Verdict};

/// The choice a learner checked in the lab, and what it was worth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LabAnswer {
    pub choice: usize,
    pub verdict: Verdict,
}

/// The lesson's lab block, read and checked: a lesson whose block is wrong does not start
/// (every problem is said, and the current session stays as it is).
pub fn lab_of(lesson: &Lesson) -> Result<Option<Rc<LabLesson>>, Vec<Problem>> {
    LabLesson::read(&lesson.file)
        .map(|lab| lab.map(Rc::new))
        .map_err(|problems| problems.into_iter().map(|p| Problem::in_file(lesson.id(), p)).collect())
}

impl AppState {
    /// Records a lab lesson's answer; the first answer stands, like a world's verdict.
    pub(super) fn answered_lab(&mut self, choice: usize, verdict: Verdict) -> bool {
        let (Some(lesson), Some(lab)) = (self.training.lesson.clone(), self.training.lab.clone()) else {
            return false;
        };
        if self.training.lab_answer.is_some() || choice >= lab.choices.len() || verdict == Verdict::InProgress {
            return false;
        }
        let status = match verdict {
            Verdict::Won => Status::Met,
            _ => Status::Failed { reason: format!("the answer chosen does not hold over the {} runs of each policy", crate::lab::lesson::grouped(lab.runs)) },
        };
        self.training.progress.decide(ObjectiveStatus { text: lab.objective(), status }, self.world.now);
        self.training.lab_answer = Some(LabAnswer { choice, verdict });
        self.record();
        let word = if verdict == Verdict::Won { "won" } else { "lost" };
        self.say(format!("Lesson {word}: {}. The explanation is in the lab; the debrief is one click away.", lesson.file.title));
        true
    }
}
