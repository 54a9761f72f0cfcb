//! The one root reducer: the engine's [`World`] plus the UI's own state. Actions are named
//! for what the user (or the clock) did; `reduce` turns them into engine commands.
//! No timers, storage or DOM here: those live in hooks (`hooks.rs`, `persist.rs`); files to
//! download and links to copy are left here as data for a hook to act on.
//! Lessons, share links, undo and files: `state/training.rs`.

pub mod console;
mod demo;
pub mod lab_lesson;
pub mod library;
mod log;
mod lab_run;
mod look_back;
pub mod pacing;
pub mod training;
mod types;

use std::rc::Rc;

use yew::prelude::*;

pub use console::{ConsoleLink, LinkStatus, TrainerNote};
pub use demo::Demo;
pub use lab_lesson::LabAnswer;
pub use library::{LibraryState, Pending};
pub use log::CommandLog;
pub use lab_run::{LabOrigin, WorstIncident};
pub use look_back::LookBack;
pub use pacing::{Moment, MomentKind};
pub use training::{Dialog, Download, Notice, QuizAnswer, Records, Share, Training};
pub use types::*;

use crate::sim::replay::LoggedCommand;
use crate::sim::{ActorId, BackupId, Command, ConfigKey, Event, EventKind};
use crate::sim::{
    Failure, FlagName, GateMode, SecretValue, SimTime, StageId, Strategy, TraitsChoice, Version,
};
use crate::sim::{World, WorldConfig};

/// The seed of a fresh sandbox (share links will carry their own).
pub const DEFAULT_SEED: u64 = 2026;
/// Who the chaos menu acts as.
pub const TRAINER: &str = "trainer";

/// What the user (or the clock) did.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    TogglePlay,
    PressedStep,
    /// Continue on a moment card (for a "Show me" step: play that step, then go on).
    DismissedMoment,
    ToggledAutoPause,
    /// The `n` key: the keyboard focus goes to the control of the lesson's next step.
    PressedNextStepKey,
    /// The `a` key: the keyboard focus goes to "Acting as".
    PressedActorKey,
    /// Show the diagram as it was right after minute `at` (read-only), or now again.
    LookedBack(SimTime),
    ReturnedToNow,
    ClickedShowMe,
    ClickedBackToAttempt,
    ChoseSpeed(Speed),
    ClockTicked,
    ChoseActor(ActorId),
    SubmittedCommit {
        summary: String,
        traits: TraitsChoice,
    },
    /// `override_reason`: skip the gates (needs the override permission; audited).
    ClickedPromote {
        to: StageId,
        strategy: Strategy,
        override_reason: Option<String>,
    },
    SubmittedScale {
        stage: StageId,
        instances: u8,
    },
    ClickedApprove {
        stage: StageId,
    },
    ClickedPause {
        stage: StageId,
    },
    ClickedResume {
        stage: StageId,
    },
    ClickedAdvance {
        stage: StageId,
    },
    ClickedAbort {
        stage: StageId,
    },
    ClickedSwitchTraffic {
        stage: StageId,
    },
    ChoseRollback {
        stage: StageId,
        to: Version,
    },
    SubmittedHotfix {
        base: Version,
        summary: String,
    },
    SetFlag {
        stage: StageId,
        flag: FlagName,
        percent: u8,
    },
    SubmittedSetting {
        stage: StageId,
        key: ConfigKey,
        value: Option<String>,
    },
    SubmittedSecret {
        stage: StageId,
        name: ConfigKey,
        value: String,
    },
    ClickedBackup {
        stage: StageId,
    },
    ChoseRestore {
        stage: StageId,
        backup: BackupId,
    },
    ClickedFailover {
        stage: StageId,
    },
    ClickedRenewCertificate {
        stage: StageId,
    },
    /// The instructor's chaos menu: now (`at: None`) or at a simulated time.
    ChoseChaos {
        failure: Failure,
        at: Option<SimTime>,
    },
    Selected(Selection),
    ClosedDetails,
    DismissedToast,
    /// An event in the timeline: highlights its stage and release, and shows the diagram
    /// as it was right after the event's minute.
    ClickedEvent {
        stage: Option<StageId>,
        release: Option<Version>,
        at: SimTime,
    },
    ChangedFilter(TimelineFilter),
    TogglePresenter,
    ToggleTheme,
    ToggleHelp,
    ClosedHelp,
    // Lessons and the training session (handled in `state/training.rs`).
    /// The welcome's one-click way into lesson 1 (waits for the lesson files if needed).
    ChoseFirstLesson,
    OpenedLessonPicker,
    PickedLesson(String),
    ClickedHint,
    ChoseQuizAnswer {
        question: usize,
        choice: usize,
    },
    CheckedQuizAnswer {
        question: usize,
    },
    OpenedDebrief,
    OpenedGuide,
    /// "What are the odds?": the strategy lab opens (and asks for the built-in lessons, which
    /// it offers as scenarios).
    OpenedLab,
    /// One run the lab chose (an arm and a seed, as a session: the scenario with that
    /// policy, the seed, the scripted team's commands), opened in the simulator where the run
    /// ended, with the clock paused, its longest production incident selected and looked
    /// back to.
    OpenedLabRun(crate::lessons::share::SharedSession),
    /// The opened lab run's note: its longest production incident again (after "Back to
    /// now" or other clicks).
    ClickedShowLabIncident,
    /// A lab lesson's question answered in the lab, with the verdict read from the runs
    /// the lab showed (`crate::lab::LabLesson::verdict`).
    AnsweredLabQuestion {
        choice: usize,
        verdict: crate::lessons::Verdict,
    },
    ClosedDialog,
    ClickedUndo,
    ClickedReset,
    ClickedCopyLink,
    ClickedDownloadSession,
    ClickedExportReport,
    /// A file the user chose, read as text (the hook refuses files over 1 MB first).
    ChoseSessionFile {
        name: String,
        text: String,
    },
    ChoseScenarioFile {
        name: String,
        text: String,
    },
    RefusedFile {
        name: String,
        reason: String,
    },
    DismissedNotice,
    /// The page was opened with `#s=<link>` (or one was pasted into this tab): `saved` is the
    /// session that was here (the autosave), kept aside and offered back, or resumed at
    /// once if the link is bad.
    OpenedLink {
        link: String,
        saved: Option<String>,
    },
    /// The last session, from localStorage.
    ResumedSavedSession(String),
    RestoredRecords(String),
    StorageFailed(String),
    /// The built-in lesson files `(id, text)`, or why they could not be fetched.
    LessonsArrived(Result<Vec<(String, String)>, String>),
    RetriedLessons,
    // The trainer's console (a second window; handled in `state/console.rs`).
    /// "Open trainer console": the hook opens the console window and its channel.
    OpenedConsole,
    /// The channel hook saw the console connect, close or fall silent.
    ConsoleStatus(LinkStatus),
    /// Chaos sent from the console: applied like the chaos menu, shown to the room as a note.
    ConsoleChaos {
        failure: Failure,
        at: Option<SimTime>,
    },
    DismissedTrainerNote,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    pub world: Rc<World>,
    /// Bumped on every change to the world: cheap prop comparison for components.
    pub rev: u64,
    pub seed: u64,
    /// Every command the session issued, applied or refused, with the time it was issued.
    pub log: CommandLog,
    pub actor: ActorId,
    pub playing: bool,
    pub speed: Speed,
    /// Stop the clock at key moments and show a card (on by default; a toggle turns it off).
    pub auto_pause: bool,
    /// The card the clock stopped for, until Continue.
    pub moment: Option<Moment>,
    /// The lesson already said it is waiting, and nobody has acted since.
    pub idle_noted: bool,
    /// The diagram shown at an earlier minute, read-only.
    pub look_back: Option<LookBack>,
    /// An element the focus hook should move the keyboard focus to, once per `seq`.
    pub focus: Option<FocusRequest>,
    pub selection: Option<Selection>,
    pub toast: Option<Toast>,
    pub announcement: Announcement,
    pub highlight: Highlight,
    pub filter: TimelineFilter,
    pub presenter: bool,
    pub theme: Theme,
    pub help_open: bool,
    /// The lesson being played (if any), its progress, hints and quiz.
    pub training: Training,
    /// Won / lost per lesson id, as stored in localStorage.
    pub records: Records,
    pub dialog: Option<Dialog>,
    /// Bad input (a link, a file, a saved session) or a storage problem, with every problem.
    pub notice: Option<Notice>,
    /// The last "Copy link": the link, or why a file is needed instead.
    pub share: Option<Share>,
    /// A file for the download hook to save.
    pub download: Option<Download>,
    /// Bumped by every action that asks a hook to do something once (copy, download).
    pub effect_seq: u64,
    /// The built-in lessons: fetched when first needed (see `state/library.rs`).
    pub library: LibraryState,
    /// A link, file or saved session waiting for the library.
    pub pending: Option<Pending>,
    /// A built-in lesson to start (with its own seed) once the library arrives.
    pub pick_after_load: Option<String>,
    /// The trainer's console window, if one was opened from this room.
    pub console: ConsoleLink,
}

impl Default for AppState {
    fn default() -> Self {
        AppState::new(WorldConfig::standard(), DEFAULT_SEED)
    }
}

impl AppState {
    /// The state the app opens with: free play, on the welcome for a first visit.
    pub fn opening(first_visit: bool) -> Self {
        let mut s = AppState::default();
        if first_visit {
            s.dialog = Some(Dialog::Welcome);
        }
        s
    }

    pub fn new(config: WorldConfig, seed: u64) -> Self {
        let world = World::new(config, seed);
        let actor = world
            .config
            .actors
            .iter()
            .find(|a| a.role == crate::sim::Role::ReleaseManager)
            .or(world.config.actors.first())
            .map_or_else(|| ActorId::new("mia"), |a| a.id.clone());
        AppState {
            world: Rc::new(world),
            rev: 0,
            seed,
            log: CommandLog::default(),
            actor,
            playing: false,
            speed: Speed::X4,
            auto_pause: true,
            moment: None,
            idle_noted: false,
            look_back: None,
            focus: None,
            selection: None,
            toast: None,
            announcement: Announcement::default(),
            highlight: Highlight::default(),
            filter: TimelineFilter::default(),
            presenter: false,
            theme: Theme::Dark,
            help_open: false,
            training: Training::default(),
            records: Records::default(),
            dialog: None,
            notice: None,
            share: None,
            download: None,
            effect_seq: 0,
            library: LibraryState::NotLoaded,
            pending: None,
            pick_after_load: None,
            console: ConsoleLink::default(),
        }
    }

    /// Applies `command` as `actor`, logs it, and reports events or the refusal.
    fn issue(&mut self, actor: ActorId, command: Command) {
        let world = Rc::make_mut(&mut self.world);
        self.log.push(LoggedCommand {
            at: world.now,
            actor: actor.clone(),
            command: command.clone(),
        });
        self.idle_noted = false;
        self.look_back = None;
        match world.apply(&actor, command) {
            Ok(events) => {
                self.toast = None;
                self.announce(&events);
                // Doing what a card was about closes it (a "Show me" card waits for Continue).
                if self.moment.as_ref().is_some_and(|m| !matches!(m.kind, MomentKind::Demo { .. })) {
                    self.continue_after_moment();
                }
            }
            Err(rejection) => {
                let id = self.toast.as_ref().map_or(1, |t| t.id + 1);
                self.toast = Some(Toast {
                    id,
                    message: rejection.message,
                    explanation: rejection.explanation.map(|x| *x),
                });
            }
        }
        self.rev += 1;
        self.observe_lesson();
    }

    /// `resume`: the clock was running, so Continue on a card that stops it runs it again.
    fn tick(&mut self, minutes: u32, resume: bool) {
        self.look_back = None;
        let events = self.run_minutes(minutes, resume);
        self.rev += 1;
        self.announce(&events);
    }

    pub(crate) fn announce(&mut self, events: &[Event]) {
        let important: Vec<&Event> = events.iter().filter(|e| e.is_important()).collect();
        if important.is_empty() {
            return;
        }
        let urgent = |e: &&Event| {
            matches!(
                e.kind,
                EventKind::AlertFired { .. } | EventKind::IncidentOpened { .. }
            )
        };
        let (alerts, rest): (Vec<&Event>, Vec<&Event>) = important.into_iter().partition(urgent);
        let say = |list: &[&Event]| {
            list.iter()
                .rev()
                .take(3)
                .rev()
                .map(|e| self.world.describe(e))
                .collect::<Vec<_>>()
                .join(". ")
        };
        let polite = say(&rest);
        let assertive = say(&alerts);
        self.announcement.seq += 1;
        if !polite.is_empty() {
            self.announcement.polite = polite;
        }
        if !assertive.is_empty() {
            self.announcement.assertive = assertive;
        }
    }

    fn stage_release(&self, stage: &StageId) -> Option<Version> {
        self.world
            .stage(stage)
            .and_then(|s| s.rollout.as_ref())
            .map(|r| r.release)
    }

    /// Asks the focus hook to move the keyboard focus to the element with this id.
    fn request_focus(&mut self, id: String) {
        self.effect_seq += 1;
        self.focus = Some(FocusRequest { seq: self.effect_seq, id });
    }

    /// The id of the control for the lesson's next step (the commit button, a promote or
    /// approve button…); the stage's controls when the step lives in a closed panel, and the
    /// lesson itself when there is no next step.
    fn next_step_control(&self) -> String {
        let step = self
            .training
            .lesson
            .as_ref()
            .and_then(|l| crate::lessons::debrief::next_step(l, &self.world, &self.log.as_slice()));
        let Some(step) = step else { return "lesson-heading".into() };
        match &step.command {
            Command::Commit { .. } => "commit".into(),
            Command::Promote { to, .. } => format!("promote-{to}"),
            Command::Approve { stage, .. } => format!("approve-{stage}"),
            Command::Rollback { stage, .. } => format!("rollback-target-{stage}"),
            Command::SwitchTraffic { stage } => format!("switch-{stage}"),
            Command::AdvanceRollout { stage } => format!("advance-{stage}"),
            Command::AbortRollout { stage } => format!("abort-{stage}"),
            _ => "stage-columns".into(),
        }
    }

    /// The release a promotion into `to` would move: what runs in the stage before it.
    pub fn promotion_candidate(&self, to: &StageId) -> Option<Version> {
        let i = self.world.stage_index(to)?;
        self.world.stages.get(i.checked_sub(1)?)?.current()
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        let me = s.actor.clone();
        match action {
            Action::TogglePlay => {
                s.look_back = None;
                if s.moment.is_some() {
                    s.continue_after_moment();
                    s.playing = true;
                } else {
                    s.playing = !s.playing;
                }
            }
            Action::PressedStep => {
                if s.moment.is_some() {
                    s.continue_after_moment();
                }
                s.playing = false;
                if s.moment.is_none() {
                    s.tick(1, false);
                }
            }
            Action::DismissedMoment => {
                if s.moment.is_none() {
                    return self;
                }
                s.continue_after_moment();
                s.rev += 1;
            }
            Action::ToggledAutoPause => s.auto_pause = !s.auto_pause,
            Action::PressedNextStepKey => {
                let target = s.next_step_control();
                s.request_focus(target);
            }
            Action::PressedActorKey => s.request_focus("acting-as".into()),
            Action::LookedBack(at) => s.look_back(at),
            Action::ReturnedToNow => s.look_back = None,
            Action::ClickedShowMe => {
                if !s.start_demo() {
                    return self;
                }
            }
            Action::ClickedShowLabIncident => {
                if !s.show_lab_incident() {
                    return self;
                }
            }
            Action::ClickedBackToAttempt => {
                if !s.back_to_attempt() {
                    return self;
                }
            }
            Action::ChoseSpeed(speed) => s.speed = speed,
            Action::ClockTicked => {
                if !s.playing {
                    return self;
                }
                s.tick(s.speed.interval().1, true);
            }
            Action::ChoseActor(actor) => s.actor = actor,
            Action::SubmittedCommit { summary, traits } => {
                s.issue(me, Command::Commit { summary: summary.into(), traits })
            }
            Action::ClickedPromote {
                to,
                strategy,
                override_reason,
            } => match s.promotion_candidate(&to) {
                Some(release) => {
                    let gates = override_reason
                        .map_or(GateMode::Enforce, |reason| GateMode::Override { reason });
                    s.issue(
                        me,
                        Command::Promote {
                            release,
                            to,
                            strategy,
                            gates,
                        },
                    )
                }
                None => return self,
            },
            Action::ClickedApprove { stage } => match s.stage_release(&stage) {
                Some(release) => s.issue(me, Command::Approve { release, stage }),
                None => return self,
            },
            Action::ClickedPause { stage } => s.issue(me, Command::PauseRollout { stage }),
            Action::ClickedResume { stage } => s.issue(me, Command::ResumeRollout { stage }),
            Action::ClickedAdvance { stage } => s.issue(me, Command::AdvanceRollout { stage }),
            Action::ClickedAbort { stage } => s.issue(me, Command::AbortRollout { stage }),
            Action::ClickedSwitchTraffic { stage } => s.issue(me, Command::SwitchTraffic { stage }),
            Action::ChoseRollback { stage, to } => s.issue(me, Command::Rollback { stage, to }),
            Action::SubmittedHotfix { base, summary } => {
                s.issue(me, Command::Hotfix { base, summary: summary.into() })
            }
            Action::SetFlag {
                stage,
                flag,
                percent,
            } => s.issue(
                me,
                Command::SetFlag {
                    stage,
                    flag,
                    percent,
                },
            ),
            Action::SubmittedSetting { stage, key, value } => {
                s.issue(me, Command::SetConfig { stage, key, value })
            }
            Action::SubmittedSecret { stage, name, value } => s.issue(
                me,
                Command::SetSecret {
                    stage,
                    name,
                    value: SecretValue(value),
                },
            ),
            Action::SubmittedScale { stage, instances } => {
                s.issue(me, Command::Scale { stage, instances })
            }
            Action::ClickedBackup { stage } => s.issue(me, Command::TakeBackup { stage }),
            Action::ChoseRestore { stage, backup } => {
                s.issue(me, Command::RestoreBackup { stage, backup })
            }
            Action::ClickedFailover { stage } => s.issue(me, Command::Failover { stage }),
            Action::ClickedRenewCertificate { stage } => {
                s.issue(me, Command::RenewCertificate { stage })
            }
            Action::ChoseChaos { failure, at } => {
                let command = match at {
                    Some(at) => Command::Schedule { at, failure },
                    None => Command::Inject { failure },
                };
                let trainer = s.training.instructor();
                s.issue(trainer, command);
            }
            Action::Selected(selection) => s.selection = Some(selection),
            Action::ClosedDetails => s.selection = None,
            Action::DismissedToast => s.toast = None,
            Action::ClickedEvent { stage, release, at } => {
                s.look_back(at);
                s.selection = match (&stage, release) {
                    (_, Some(v)) => Some(Selection::Release(v)),
                    (Some(st), None) => Some(Selection::Stage(st.clone())),
                    _ => s.selection,
                };
                s.highlight = Highlight { stage, release };
            }
            Action::ChangedFilter(filter) => s.filter = filter,
            Action::TogglePresenter => s.presenter = !s.presenter,
            Action::ToggleTheme => {
                s.theme = match s.theme {
                    Theme::Dark => Theme::Light,
                    Theme::Light => Theme::Dark,
                }
            }
            Action::ToggleHelp => s.help_open = !s.help_open,
            Action::ClosedHelp => {
                s.help_open = false;
                s.dialog = None;
            }
            Action::ClosedDialog => s.dialog = None,
            library @ (Action::LessonsArrived(_) | Action::RetriedLessons) => {
                s.reduce_library(library);
            }
            console @ (Action::OpenedConsole
            | Action::ConsoleStatus(_)
            | Action::ConsoleChaos { .. }
            | Action::DismissedTrainerNote) => {
                if !s.reduce_console(console) {
                    return self;
                }
            }
            other => {
                if !s.reduce_training(other) {
                    return self;
                }
            }
        }
        Rc::new(s)
    }
}
