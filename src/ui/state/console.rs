//! The room's side of the trainer's console: whether a console window is open and
//! listening, and the note the room sees when the trainer breaks something from it. The
//! channel itself (opening the window, messages, heartbeat) is a hook's job
//! (`ui::console::channel`); here it only becomes state.

use super::{Action, AppState};
use crate::sim::{Command, Failure, SimTime};

/// Where the room stands with its console window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LinkStatus {
    /// No console was opened from this room.
    #[default]
    None,
    /// The window was asked for; no console has answered yet.
    Opening,
    Connected,
    /// The console said goodbye (closed or reloaded).
    Closed,
    /// The console stopped answering (its window was closed without a word, or it hangs).
    Silent,
}

/// "The trainer injected …": how chaos from the console reaches the room, as an event.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainerNote {
    pub id: u64,
    pub text: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConsoleLink {
    /// Bumped by each "Open trainer console": the hook opens (or brings back) the window.
    pub open_seq: u64,
    pub status: LinkStatus,
    pub note: Option<TrainerNote>,
}

impl AppState {
    /// Handles the console's actions; `false` when nothing changed.
    pub(super) fn reduce_console(&mut self, action: Action) -> bool {
        match action {
            Action::OpenedConsole => {
                self.effect_seq += 1;
                self.console.open_seq = self.effect_seq;
                if self.console.status != LinkStatus::Connected {
                    self.console.status = LinkStatus::Opening;
                }
            }
            Action::ConsoleStatus(status) => {
                if self.console.status == status {
                    return false;
                }
                self.console.status = status;
            }
            Action::ConsoleChaos { failure, at } => self.chaos_from_console(failure, at),
            Action::DismissedTrainerNote => self.console.note = None,
            _ => return false,
        }
        true
    }

    /// Injects or schedules as the instructor, like the chaos menu, and tells the room in a
    /// note (the timeline has the event too). A refusal shows as usual, with no note.
    fn chaos_from_console(&mut self, failure: Failure, at: Option<SimTime>) {
        let what = failure.describe();
        let start = self.world.config.start_minute_of_day;
        let text = match at {
            Some(at) => format!("The trainer scheduled a failure for {}: {what}.", at.label(start)),
            None => format!("The trainer injected a failure: {what}."),
        };
        let command = match at {
            Some(at) => Command::Schedule { at, failure },
            None => Command::Inject { failure },
        };
        let before = self.toast.as_ref().map(|t| t.id);
        let trainer = self.training.instructor();
        self.issue(trainer, command);
        if self.toast.as_ref().is_some_and(|t| Some(t.id) != before) {
            return;
        }
        let id = self.console.note.as_ref().map_or(1, |n| n.id + 1);
        self.announcement.seq += 1;
        self.announcement.polite = text.clone();
        self.console.note = Some(TrainerNote { id, text });
    }
}
