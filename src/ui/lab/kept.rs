//! The lab as it was left: closing the lab (to look at a run it opened, or by mistake) and
//! opening it again brings back its setup and its results. A trainer goes from the charts to
//! the worst run and back to open the next one; the lab used to start afresh each time, and
//! its scenario then became the opened run's (a custom scenario with the first policy's
//! settings baked in), so the same policies gave quietly different results.
//!
//! Held by the app (`KeptLab`, shared, not part of any state: nothing renders from it) and
//! written by the lab's panel as it closes; a lab lesson sets itself up from the lesson
//! instead.

use std::cell::RefCell;
use std::rc::Rc;

use yew::Reducible;

use super::state::{LabAction, LabState, Phase};

/// Where the lab's state waits while the lab is closed.
#[derive(Clone, Default)]
pub struct KeptLab(Rc<RefCell<Option<LabState>>>);

/// The same holder, whatever it holds (nothing is rendered from it).
impl PartialEq for KeptLab {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.0, &o.0)
    }
}

impl KeptLab {
    /// Keeps `state` for the next time the lab opens, unless it was a lab lesson's (which
    /// sets itself up from the lesson): the free lab's last state then stays.
    pub fn keep(&self, state: LabState) {
        if state.lesson.is_none() {
            *self.0.borrow_mut() = Some(state);
        }
    }

    /// The kept state as the lab opens again, if there is one: see [`reopened`].
    pub fn reopen(&self) -> Option<LabState> {
        self.0.borrow().clone().map(reopened)
    }
}

/// `s` as a lab that opens again: a run that was going when the lab closed stopped with it
/// (its workers closed), so it is cancelled, keeping what came in; what the lab had asked of
/// the app (a run to open, an answer, a file to save) was done once and is not asked again.
fn reopened(s: LabState) -> LabState {
    let s = match s.phase {
        Phase::Running { .. } => (*Rc::new(s).reduce(LabAction::ClickedCancel)).clone(),
        _ => s,
    };
    LabState { open: None, answer_out: None, download: None, ..s }
}
