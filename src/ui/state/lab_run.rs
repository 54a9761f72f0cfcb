//! A run opened from the lab's results. It opens as the lab's run ended (so its totals are
//! the lab's), and points at its longest production incident: the incident is selected and
//! the diagram looks back to the minute before users were served correctly again. In a
//! week-long run that incident is often older than the newest events the timeline keeps,
//! and a newcomer could reach it only by undoing the team's commands one at a time.

use super::{AppState, Selection};
use crate::lab::outcome::{harm_minutes, longest_production_incident};
use crate::lessons::share::SharedSession;
use crate::sim::ids::IncidentId;
use crate::sim::{Minutes, SimTime};

/// Where the session came from, for the lesson panel's note.
#[derive(Clone, Debug, PartialEq)]
pub struct LabOrigin {
    pub seed: u64,
    pub worst: Option<WorstIncident>,
}

/// The run's longest production incident, as the note names it.
#[derive(Clone, Debug, PartialEq)]
pub struct WorstIncident {
    pub id: IncidentId,
    pub title: String,
    pub hurt_from: SimTime,
    pub hurt_for: Minutes,
    /// Whether it was mitigated before the run ended (if not, "now" shows it at its worst).
    pub mitigated: bool,
    /// The minute the diagram shows: the last one before mitigation (the world as it was
    /// when the clock read it; the mitigation is recorded as the clock reaches its minute).
    pub shown: SimTime,
}

impl AppState {
    pub(super) fn opened_lab_run(&mut self, session: SharedSession) {
        self.dialog = None;
        let seed = session.seed;
        let before = self.rev;
        self.open_or_wait(session, "This run from the lab could not be opened. Your current session is unchanged.".into());
        // Opened now (not refused, not waiting for the lessons to arrive): say so on screen.
        if self.rev == before || self.pending.is_some() {
            return;
        }
        let worst = longest_production_incident(&self.world).map(|i| {
            let end = i.mitigated_at.or(i.resolved_at);
            WorstIncident {
                id: i.id,
                title: i.title.clone(),
                hurt_from: i.impact_started_at,
                hurt_for: harm_minutes(i, &self.world),
                mitigated: end.is_some(),
                shown: end.map_or(self.world.now, |m| SimTime(m.0.saturating_sub(1).max(i.impact_started_at.0))),
            }
        });
        let said = match &worst {
            Some(w) => format!(
                "The lab's run with seed {seed} is open as it ended, paused. Its longest production incident, {}, is selected{}.",
                w.id,
                if w.mitigated { ", and the diagram shows the minute before it was mitigated" } else { "" }
            ),
            None => format!("The lab's run with seed {seed} is open as it ended, paused. It had no incident in production. Click an event in the timeline to see the pipeline as it was then."),
        };
        self.training.from_lab = Some(LabOrigin { seed, worst });
        self.show_lab_incident();
        self.say(said);
    }

    /// Selects the opened run's longest production incident and looks back to it (the
    /// note's button does it again after "Back to now").
    pub(super) fn show_lab_incident(&mut self) -> bool {
        let Some(w) = self.training.from_lab.as_ref().and_then(|o| o.worst.clone()) else {
            return false;
        };
        // After Undo the incident may not have happened yet: nothing to show.
        if !self.world.incidents.iter().any(|i| i.id == w.id) {
            return false;
        }
        self.look_back(w.shown);
        self.selection = Some(Selection::Incident(w.id));
        true
    }
}
