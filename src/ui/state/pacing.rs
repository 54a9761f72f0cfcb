//! Pacing for a room: the clock stops itself at the moments worth talking about (an
//! approval waits, a gate fails, an alert fires, a canary is pulled back, an objective is
//! met or broken, nothing moves any more) and shows a [`Moment`] card: what happened, why
//! (the engine's explanation), and what the room could do next. Continue resumes.
//! "Show me" (a lesson's reference solution, step by step) uses the same cards.

use super::AppState;
use crate::lessons::{ObjectiveStatus, Status};
use crate::sim::replay::LoggedCommand;
use crate::sim::{ActorId, Command, Detection, Event, EventKind, Explanation, SimTime, StageId, World, USERS_REPORT_AFTER};

/// Minutes without a command, with nothing in motion, before a lesson says it is waiting.
pub const IDLE_MINUTES: u64 = 10;

#[derive(Clone, Debug, PartialEq)]
pub enum MomentKind {
    /// Something happened in the world (the card names the event).
    Event,
    /// An objective was met or failed.
    Objective,
    /// Nothing is moving and nobody has acted: the lesson waits for the room.
    Idle,
    /// "Show me": step `step` (0-based) of the reference solution, about to be applied.
    Demo { step: usize, of: usize },
}

/// One card. `resume`: Continue restarts the clock (it was running when the moment came).
#[derive(Clone, Debug, PartialEq)]
pub struct Moment {
    pub id: u64,
    pub kind: MomentKind,
    pub at: SimTime,
    pub title: String,
    pub what: String,
    pub why: Option<Explanation>,
    pub next: String,
    pub stage: Option<StageId>,
    pub resume: bool,
}

/// The card an event deserves, if any, most decisive first. Routine events (a gate
/// passing, a deploy step) never stop the clock.
fn event_moment(world: &World, events: &[Event]) -> Option<(String, Event, Option<Explanation>, String)> {
    use EventKind as K;
    let name = |s: &StageId| world.stage(s).map_or_else(|| s.to_string(), |x| x.name().to_string());
    let rank = |e: &Event| -> Option<u8> {
        Some(match &e.kind {
            K::RolloutAborted { .. } => 0,
            K::CanaryAnalysisFailed { .. } | K::DatabaseLost { .. } | K::IncidentOpened { .. } => 1,
            K::GateFailed { .. } | K::DeployStalled { .. } | K::BuildFailed { .. } => 2,
            K::AlertFired { .. } | K::ErrorBudgetExhausted { .. } => 3,
            K::ApprovalRequested { .. } => 4,
            K::RolledBack { .. } | K::Restored { .. } | K::IncidentMitigated { .. } => 5,
            K::GreenReady { .. } | K::DataCorrupted { .. } | K::FailureInjected { .. } => 6,
            _ => return None,
        })
    };
    let e = events.iter().filter_map(|e| rank(e).map(|r| (r, e))).min_by_key(|(r, _)| *r)?.1;
    let (title, why, next) = match &e.kind {
        K::CanaryAnalysisFailed { stage, explanation, .. } => (
            format!("Canary analysis failed in {}", name(stage)),
            Some((**explanation).clone()),
            "Watch what happens next: when the analysis keeps failing, the rollout is pulled back and the old release serves everyone again.".to_string(),
        ),
        K::RolloutAborted { stage, release, automatic, explanation } => (
            format!("{release} pulled back from {}", name(stage)),
            explanation.as_deref().cloned(),
            if *automatic {
                format!("Only the users routed to the canary saw {release}. Find the cause, commit a fix, and send the new release through the same canary.")
            } else {
                "The previous release serves everyone again. Next: fix the cause and ship a new release.".to_string()
            },
        ),
        K::DatabaseLost { stage, .. } => (
            format!("{}'s database is gone", name(stage)),
            None,
            format!("Open \"Operate {}\" and look at the backups: which one loses the fewest records? Restoring takes the on-call SRE.", name(stage)),
        ),
        K::IncidentOpened { stage, detected_by: Detection::Users, .. } => (
            format!("Users reported a failure in {}", name(stage)),
            None,
            format!("No alert paged: the team heard of it from users, after {USERS_REPORT_AFTER} of requests failing or too slow, and the time to restore counts from the first bad minute. Restore service first (roll back, or ship a hotfix), then ask which alert would have paged within minutes: on errors, on latency, or on the error budget's burn rate."),
        ),
        K::IncidentOpened { stage, title, .. } => (
            format!("Incident opened in {}", name(stage)),
            None,
            format!("\"{title}\": the time to restore is running. Roll back to the last good release, roll forward with a hotfix, or restore — first restore service, then investigate."),
        ),
        K::GateFailed { stage, explanation, .. } => (
            format!("A check failed before {}", name(stage)),
            Some((**explanation).clone()),
            "The release stops here and goes no further. Read why, then commit a fix: it becomes a new release that takes the same path.".to_string(),
        ),
        K::DeployStalled { stage, explanation, .. } => (
            format!("The deploy to {} is stuck", name(stage)),
            Some((**explanation).clone()),
            "New instances cannot start. Compare this environment with the one before it (configuration, secrets), fix the difference, or roll back.".to_string(),
        ),
        K::BuildFailed { reason, .. } => (
            "The build failed".to_string(),
            None,
            format!("{reason} Nothing was released; commit a fix."),
        ),
        K::AlertFired { stage, explanation, .. } => (
            format!("Alert in {}", name(stage)),
            Some((**explanation).clone()),
            format!("Look at {}'s monitoring. If a recent deploy caused it, rolling back to the release that worked restores service fastest.", name(stage)),
        ),
        K::ErrorBudgetExhausted { stage, explanation } => (
            format!("{}'s error budget is spent", name(stage)),
            Some((**explanation).clone()),
            "Ordinary promotions are frozen until the budget recovers; only hotfixes may go through.".to_string(),
        ),
        K::ApprovalRequested { stage, release } => (
            format!("{release} waits for an approval into {}", name(stage)),
            None,
            approvers(world, stage, *release),
        ),
        K::RolledBack { stage, to, .. } => (
            format!("{} rolled back to {to}", name(stage)),
            None,
            "Service is back on the release that worked. Watch the error rate settle, then find the cause calmly.".to_string(),
        ),
        K::Restored { stage, .. } => (
            format!("{}'s database is restored", name(stage)),
            None,
            "The recovery point is the age of the backup; the recovery time is how long users waited.".to_string(),
        ),
        K::IncidentMitigated { stage, .. } => (
            format!("Incident mitigated in {}", name(stage)),
            None,
            "Users are served again. The delivery measures now count this time to restore.".to_string(),
        ),
        K::GreenReady { stage, .. } => (
            format!("The new colour is ready in {}", name(stage)),
            None,
            format!("It runs beside the old one but serves nobody yet. Switch the traffic under {} when you are ready; switching back is as quick.", name(stage)),
        ),
        K::DataCorrupted { stage, .. } => (
            format!("Damaged records in {}", name(stage)),
            None,
            "Every check may have passed, but the data says otherwise: this release must not go further.".to_string(),
        ),
        K::FailureInjected { .. } => (
            "Something broke".to_string(),
            None,
            "Watch the diagram and the monitoring: what do users see, and who should act?".to_string(),
        ),
        _ => return None,
    };
    Some((title, e.clone(), why, next))
}

/// Who may approve `release` into `stage`: everyone the policy allows, but not its authors.
fn approvers(world: &World, stage: &StageId, release: crate::sim::Version) -> String {
    let authors = world.releases.get(&release).map(|r| r.authors.clone()).unwrap_or_default();
    let command = Command::Approve { release, stage: stage.clone() };
    let who: Vec<String> = world
        .config
        .actors
        .iter()
        .filter(|a| !authors.contains(&a.id) && world.permits(&a.id, &command).is_ok())
        .filter(|a| a.role != crate::sim::Role::Instructor)
        .map(|a| actor_label(world, &a.id))
        .collect();
    let name = world.stage(stage).map_or("", |s| s.name());
    if who.is_empty() {
        return format!("Nobody in this cast may approve it. Press Approve under {name} to see why.");
    }
    format!("Someone who did not write the change approves: switch \"Acting as\" to {}, then press Approve under {name}.", who.join(" or "))
}

/// "Mia (release manager)".
pub fn actor_label(world: &World, id: &ActorId) -> String {
    match world.actor(id) {
        Some(a) if a.name.contains('(') => a.name.clone(),
        Some(a) => format!("{} ({})", a.name, a.role.label()),
        None => id.to_string(),
    }
}

/// The card for an objective that was just met or broken, comparing before and after.
fn objective_moment(before: &[ObjectiveStatus], after: &[ObjectiveStatus]) -> Option<(String, String, String)> {
    after.iter().enumerate().find_map(|(i, s)| {
        let was = before.get(i).map(|b| &b.status);
        match (&s.status, was) {
            (Status::Met, Some(Status::Met)) | (Status::Failed { .. }, Some(Status::Failed { .. })) => None,
            (Status::Met, _) => Some((
                "Objective met".to_string(),
                s.text.clone(),
                "Keep going: the lesson is won when every objective is met.".to_string(),
            )),
            (Status::Failed { reason }, _) => Some((
                "Objective failed".to_string(),
                format!("{} — {reason}", s.text),
                "A failed objective stays failed. Talk about what led here; then reset and try again.".to_string(),
            )),
            _ => None,
        }
    })
}

/// The strategy as a step names it. Rolling says only "rolling": every lesson's solution also
/// wins with the limits the form proposes (tests/lessons.rs), so a newcomer need not type any.
fn strategy_caption(strategy: &crate::sim::Strategy) -> String {
    match strategy {
        crate::sim::Strategy::Rolling(_) => "rolling".into(),
        other => other.label(),
    }
}

/// How a solution step reads on its card, and where to find it on screen.
pub fn demo_caption(world: &World, step: &LoggedCommand) -> (String, String) {
    let who = actor_label(world, &step.actor);
    let stage_name = |s: &StageId| world.stage(s).map_or_else(|| s.to_string(), |x| x.name().to_string());
    let (what, how) = match &step.command {
        Command::Commit { summary, .. } => (
            format!("{who} commits \"{summary}\"."),
            "In \"Commit a change\", keep \"The lesson's change\" and press Commit change.".to_string(),
        ),
        Command::Promote { release, to, strategy, .. } => (
            format!("{who} promotes {release} to {} ({}).", stage_name(to), strategy_caption(strategy)),
            format!("Under {}: choose the strategy, then press Promote to {}.", stage_name(to), stage_name(to)),
        ),
        Command::Approve { release, stage } => (
            format!("{who} approves {release} for {}.", stage_name(stage)),
            format!("Under {}: press Approve for {}.", stage_name(stage), stage_name(stage)),
        ),
        Command::Rollback { stage, to } => (
            format!("{who} rolls {} back to {to}.", stage_name(stage)),
            format!("Under {}: choose {to} in \"Roll back to\" and press Roll back.", stage_name(stage)),
        ),
        other => (
            format!("{who}: {}.", other.describe()),
            "The control is under the stage it concerns (\"Operate …\" for flags, settings, backups and scaling).".to_string(),
        ),
    };
    (what, format!("{how} Acting as: {who}."))
}

impl AppState {
    /// The minutes a clock tick asks for, one at a time, stopping at the first moment.
    pub(super) fn run_minutes(&mut self, minutes: u32, resume: bool) -> Vec<Event> {
        let mut all = Vec::new();
        for _ in 0..minutes {
            let before = self.training.progress.statuses().to_vec();
            let events = std::rc::Rc::make_mut(&mut self.world).tick();
            self.observe_lesson();
            let stop = self.moment_after(&events, &before, resume);
            all.extend(events);
            if stop {
                break;
            }
        }
        all
    }

    /// Opens the card this minute deserves, if any; true when the clock should stop.
    fn moment_after(&mut self, events: &[Event], before: &[ObjectiveStatus], resume: bool) -> bool {
        if self.dialog.is_some() && self.training.verdict() != crate::lessons::Verdict::InProgress {
            self.moment = None;
            return true;
        }
        if let Some(step) = self.due_demo_step() {
            self.show_demo_step(step, resume);
            return true;
        }
        if !self.auto_pause {
            return false;
        }
        let now = self.world.now;
        let card = |s: &mut AppState, kind, title, what, why, next, stage| {
            s.open_moment(Moment { id: 0, kind, at: now, title, what, why, next, stage, resume });
        };
        if let Some((title, event, why, next)) = event_moment(&self.world, events) {
            let what = self.world.describe(&event);
            card(self, MomentKind::Event, title, what, why, next, event.stage().cloned());
            return true;
        }
        if self.training.lesson.is_some() {
            if let Some((title, what, next)) = objective_moment(before, self.training.progress.statuses()) {
                card(self, MomentKind::Objective, title, what, None, next, None);
                return true;
            }
            if self.is_idle() {
                self.idle_noted = true;
                let step = self.training.lesson.as_ref().and_then(|l| crate::lessons::debrief::next_step(l, &self.world, &self.log.as_slice()));
                let next = match step {
                    Some(step) => {
                        let (what, how) = demo_caption(&self.world, step);
                        format!("{what} {how} (Or press Continue to let time pass.)")
                    }
                    None => "Nothing needs anyone right now. Decide the next step together, or press Continue to let time pass.".to_string(),
                };
                // Free play (no objectives) has no lesson to wait: the card says only that
                // nothing moves (a newcomer read "the lesson" in a run opened from the lab).
                let title = if self.training.progress.statuses().is_empty() { "The pipeline is idle" } else { "The lesson is waiting for you" };
                card(self, MomentKind::Idle, title.into(), "Nothing is moving: no build, deploy or restore is running, and nobody has acted for a while.".into(), None, next, None);
                return true;
            }
        }
        false
    }

    /// Nothing in motion, nothing scheduled soon, nobody hurt, and no command for a while:
    /// say so once (until the next command), so an idle room never loses a lesson to the
    /// clock. While users see errors or an incident is open, the room is not "waiting".
    fn is_idle(&self) -> bool {
        let w = &self.world;
        let last = self.log.last_at().unwrap_or(SimTime::ZERO);
        let soon = w.scheduled.iter().any(|(at, _)| at.0 <= w.now.0 + IDLE_MINUTES);
        let trouble = w.open_incidents().next().is_some()
            || w.alerts.iter().any(|a| a.is_firing())
            || w.stages.iter().any(|s| s.last.is_bad());
        !self.idle_noted
            && !soon
            && !trouble
            && w.now.0 >= last.0 + IDLE_MINUTES
            && !w.in_motion()
    }

    pub(super) fn open_moment(&mut self, mut m: Moment) {
        m.id = self.moment.as_ref().map_or(1, |x| x.id + 1).max(self.rev);
        self.playing = false;
        self.moment = Some(m);
    }

    /// Continue: closes the card; a "Show me" step is applied first, and the clock runs
    /// again if it was running when the moment came.
    pub(super) fn continue_after_moment(&mut self) {
        let Some(m) = self.moment.take() else { return };
        if let MomentKind::Demo { step, .. } = m.kind {
            self.apply_demo_step(step);
            if let Some(next) = self.due_demo_step() {
                self.show_demo_step(next, true);
                return;
            }
        }
        self.playing = m.resume || matches!(m.kind, MomentKind::Demo { .. });
    }
}
