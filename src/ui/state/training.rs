//! Lessons and the training session, as the root reducer sees them: starting a lesson,
//! following its objectives minute by minute, hints and quiz, undo and reset (replaying the
//! log), share links, session and scenario files, and what storage gave back. Every bad
//! input becomes a [`Notice`] and leaves the current session exactly as it was.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::lab_lesson::{lab_of, LabAnswer};
use super::{Action, AppState, Speed, TRAINER};
use crate::lab::LabLesson;
use crate::lessons::share::{self, ScenarioRef, SharedSession};
use crate::lessons::{self, report, Lesson, Problem, Progress, Session, Verdict};
use crate::sim::replay::{self, LoggedCommand};
use crate::sim::{ActorId, SimTime};

/// The id under which free play is shared: the sandbox lesson is the standard pipeline.
pub const FREE_PLAY: &str = lessons::FREE_PLAY_ID;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialog {
    Picker,
    Debrief,
    Guide,
    Welcome,
    Lab,
}

/// The lesson the welcome starts.
pub const FIRST_LESSON: &str = "first-promotion";

#[derive(Clone, Debug, Default, PartialEq)]
pub struct QuizAnswer {
    pub chosen: Option<usize>,
    pub checked: bool,
}

/// The lesson being played. `lesson: None` is the free play the app opens with.
#[derive(Clone, Debug)]
pub struct Training {
    pub lesson: Option<Rc<Lesson>>,
    /// What links and files name: a built-in lesson id, or a custom scenario's text.
    pub scenario: Rc<ScenarioRef>,
    pub progress: Progress,
    pub hints_shown: usize,
    pub quiz: Vec<QuizAnswer>,
    /// "Show me" is playing the reference solution (the attempt waits aside).
    pub demo: Option<super::Demo>,
    /// A lab lesson's question (answered in the strategy lab, not in this world).
    pub lab: Option<Rc<LabLesson>>,
    pub lab_answer: Option<LabAnswer>,
    /// The lab's run this session is, opened from the lab's results: the lesson panel says
    /// so, and points at its longest production incident (it opens as the run ended).
    pub from_lab: Option<super::LabOrigin>,
}

impl Default for Training {
    fn default() -> Self {
        Training {
            lesson: None,
            scenario: Rc::new(ScenarioRef::Lesson(FREE_PLAY.into())),
            progress: Progress::default(),
            hints_shown: 0,
            quiz: Vec::new(),
            demo: None,
            lab: None,
            lab_answer: None,
            from_lab: None,
        }
    }
}

/// Lessons and scenarios are compared by pointer (they never change once loaded), so
/// components re-render on progress, hints and quiz, never after a deep comparison.
impl PartialEq for Training {
    fn eq(&self, o: &Self) -> bool {
        let same_lesson = match (&self.lesson, &o.lesson) {
            (Some(a), Some(b)) => Rc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        same_lesson
            && Rc::ptr_eq(&self.scenario, &o.scenario)
            && self.progress == o.progress
            && self.hints_shown == o.hints_shown
            && self.quiz == o.quiz
            && self.demo == o.demo
            && match (&self.lab, &o.lab) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
            && self.lab_answer == o.lab_answer
            && self.from_lab == o.from_lab
    }
}

impl Training {
    /// Who the chaos menu acts as: the scenario's instructor.
    pub fn instructor(&self) -> ActorId {
        self.lesson
            .as_ref()
            .and_then(|l| l.instructor.clone())
            .unwrap_or_else(|| ActorId::new(TRAINER))
    }

    pub fn verdict(&self) -> Verdict {
        self.progress.verdict()
    }

    /// A short name for files: the lesson id, or "free-play".
    pub fn slug(&self) -> String {
        self.lesson
            .as_ref()
            .map_or_else(|| "free-play".to_string(), |l| l.id().to_string())
    }
}

/// Won / lost per built-in lesson id.
pub type Records = Rc<BTreeMap<String, Verdict>>;

/// `id=won` lines, as stored.
pub fn records_to_string(records: &BTreeMap<String, Verdict>) -> String {
    records
        .iter()
        .map(|(id, v)| format!("{id}={}\n", if *v == Verdict::Won { "won" } else { "lost" }))
        .collect()
}

/// Reads what [`records_to_string`] wrote; anything else is skipped.
pub fn records_from_str(text: &str) -> BTreeMap<String, Verdict> {
    // Extending, not collecting: a collected map sorts first and adds a sort routine to the build.
    let mut records = BTreeMap::new();
    records.extend(text.lines().filter_map(|l| {
        let (id, v) = l.split_once('=')?;
        let v = match v {
            "won" => Verdict::Won,
            "lost" => Verdict::Lost,
            _ => return None,
        };
        lessons::ids().contains(&id).then(|| (id.to_string(), v))
    }));
    records
}

/// Something the user should read: bad input (every problem, with its place) or a warning.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub id: u64,
    pub title: String,
    pub problems: Vec<String>,
    /// A session that was set aside (a link opened over it), to bring back with one click.
    pub restore: Option<Rc<str>>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Share {
    Link { seq: u64, link: String },
    TooLong { message: String },
}

/// A file for the download hook to save once (`seq` changes for every request).
#[derive(Clone, Debug, PartialEq)]
pub struct Download {
    pub seq: u64,
    pub file_name: String,
    pub mime: &'static str,
    pub text: Rc<str>,
}

impl AppState {
    /// Handles the lesson and session actions; `false` when nothing changed.
    pub(super) fn reduce_training(&mut self, action: Action) -> bool {
        match action {
            Action::ChoseFirstLesson => {
                self.dialog = None;
                if self.library.library().is_some() {
                    return self.reduce_training(Action::PickedLesson(FIRST_LESSON.into()));
                }
                self.pick_after_load = Some(FIRST_LESSON.into());
                self.want_library();
            }
            Action::OpenedLessonPicker => {
                self.dialog = Some(Dialog::Picker);
                self.want_library();
            }
            Action::PickedLesson(id) => match self.builtin(&id).and_then(|l| lab_of(&l).map(|_| l)) {
                Ok(l) => {
                    let seed = l.seed();
                    self.start(Rc::new(l), ScenarioRef::Lesson(id), seed, Vec::new(), SimTime::ZERO);
                }
                Err(p) => self.problems("This lesson could not be loaded.", &p),
            },
            Action::ClickedHint => {
                let total = self.training.lesson.as_ref().map_or(0, |l| l.file.hints.len());
                if self.training.hints_shown >= total {
                    return false;
                }
                self.training.hints_shown += 1;
            }
            Action::ChoseQuizAnswer { question, choice } => match self.training.quiz.get_mut(question) {
                Some(q) => *q = QuizAnswer { chosen: Some(choice), checked: false },
                None => return false,
            },
            Action::CheckedQuizAnswer { question } => match self.training.quiz.get_mut(question) {
                Some(q) if q.chosen.is_some() => q.checked = true,
                _ => return false,
            },
            Action::OpenedDebrief => self.dialog = Some(Dialog::Debrief),
            Action::AnsweredLabQuestion { choice, verdict } => return self.answered_lab(choice, verdict),
            Action::OpenedGuide => self.dialog = Some(Dialog::Guide),
            Action::OpenedLab => {
                self.dialog = Some(Dialog::Lab);
                self.want_library();
            }
            Action::OpenedLabRun(session) => self.opened_lab_run(session),
            // A demonstration has no undo of its own: both start it again from minute 0.
            Action::ClickedUndo | Action::ClickedReset if self.training.demo.is_some() => {
                return self.start_demo();
            }
            Action::ClickedUndo => {
                let mut log = self.log.to_vec();
                let Some(last) = log.pop() else { return false };
                self.rebuild(log, last.at);
                self.say(format!("Undone: the last command. Back to {}.", self.time_label()));
            }
            Action::ClickedReset => {
                // A lab lesson's answer goes too: its run starts again from the question.
                self.training.lab_answer = None;
                // The lab's team and its commands are gone: this is no longer the lab's run.
                self.training.from_lab = None;
                self.rebuild(Vec::new(), SimTime::ZERO);
                if self.training.lab.is_some() {
                    self.dialog = Some(Dialog::Lab);
                }
                self.say("Reset: the same start, the same seed.".into());
            }
            Action::ClickedCopyLink => {
                self.effect_seq += 1;
                self.share = Some(match share::encode(&self.shared()) {
                    Ok(link) => Share::Link { seq: self.effect_seq, link },
                    Err(e) => Share::TooLong { message: e.to_string() },
                });
            }
            Action::ClickedDownloadSession => {
                let text = share::session_to_string(&self.shared());
                self.offer(format!("stagecraft-{}-session.json", self.training.slug()), "application/json", text);
            }
            Action::ClickedExportReport => {
                let text = self.report();
                self.offer(format!("stagecraft-{}-post-incident.md", self.training.slug()), "text/markdown", text);
            }
            Action::ChoseSessionFile { name, text } => match share::session_from_str(&name, &text) {
                Ok(s) => self.open_or_wait(s, format!("{name} could not be opened. Your current session is unchanged.")),
                Err(p) => self.problems(&format!("{name} is not a valid session file. Your current session is unchanged."), &p),
            },
            Action::ChoseScenarioFile { name, text } => match lessons::load_str(&name, &text).and_then(|l| lab_of(&l).map(|_| l)) {
                Ok(l) => {
                    let seed = l.seed();
                    self.start(Rc::new(l), ScenarioRef::Custom(text), seed, Vec::new(), SimTime::ZERO);
                }
                Err(p) => self.problems(&format!("{name} has {} problem(s). Nothing was loaded; your current session is unchanged.", p.len()), &p),
            },
            Action::RefusedFile { name, reason } => self.notify(format!("{name} was not opened."), vec![reason]),
            Action::DismissedNotice => self.notice = None,
            Action::OpenedLink { link, saved } => match share::decode(&link) {
                Ok(s) => {
                    self.open_or_wait(s, "This session link could not be opened.".into());
                    if let Some(text) = saved.filter(|_| self.notice.is_none()) {
                        self.notify("A shared session is open. Your own session was kept aside.".into(), vec![
                            "Bring it back at any time with the button below (this shared one stays available through its link).".into(),
                        ]);
                        if let Some(n) = self.notice.as_mut() {
                            n.restore = Some(text.into());
                        }
                    }
                }
                Err(e) => {
                    let kept = saved.is_some();
                    if let Some(text) = saved {
                        self.reduce_training(Action::ResumedSavedSession(text));
                    }
                    let what = if kept {
                        "Your saved session is unchanged and open again; nothing was lost."
                    } else {
                        "Nothing was changed."
                    };
                    self.notify("This session link could not be opened.".into(), vec![e.to_string(), what.into()]);
                }
            },
            Action::ResumedSavedSession(text) => {
                let title = "Your saved session could not be resumed, so a fresh one started.";
                match share::session_from_str("saved session", &text) {
                    Ok(s) => {
                        // Brought back from a notice that offered it: that notice is done.
                        if self.notice.as_ref().is_some_and(|n| n.restore.is_some()) {
                            self.notice = None;
                        }
                        self.open_or_wait(s, title.into())
                    }
                    Err(p) => self.problems(title, &p),
                }
            }
            Action::RestoredRecords(text) => self.records = Rc::new(records_from_str(&text)),
            Action::StorageFailed(why) => self.notify(
                "This browser is not saving your session.".into(),
                vec![format!("{why} Everything still works; use “Copy link” or “Download session file” to keep your work.")],
            ),
            _ => return false,
        }
        true
    }

    /// After every minute and command: updates the lesson's progress, and when it is decided
    /// pauses the clock, opens the debrief and records the result.
    pub(super) fn observe_lesson(&mut self) {
        let Some(lesson) = self.training.lesson.clone() else {
            return;
        };
        if self.training.lab.is_some() {
            return; // decided by its answer in the lab (`answered_lab`), not by this world
        }
        let before = self.training.progress.verdict();
        if before == Verdict::Won {
            return;
        }
        self.training
            .progress
            .observe(&lesson, &self.world, &self.log.as_slice());
        let after = self.training.progress.verdict();
        if before != Verdict::InProgress || after == Verdict::InProgress {
            return;
        }
        self.playing = false;
        self.moment = None;
        self.dialog = Some(Dialog::Debrief);
        self.record();
        let word = if after == Verdict::Won { "won" } else { "lost" };
        let by = if self.training.demo.is_some() { " by the reference solution" } else { "" };
        self.say(format!(
            "Lesson {word}{by}: {}. The debrief is open.",
            lesson.file.title
        ));
    }

    /// A fresh session of `lesson` rebuilt from `log` up to `now`; display choices are kept.
    fn start(
        &mut self,
        lesson: Rc<Lesson>,
        scenario: ScenarioRef,
        seed: u64,
        log: Vec<LoggedCommand>,
        now: SimTime,
    ) {
        let fresh = AppState::new(lesson.config.clone(), seed);
        let kept = std::mem::replace(self, fresh);
        self.rev = kept.rev + 1;
        // A lesson starts at its teaching speed; a resumed or shared one keeps the room's.
        self.speed = match lesson.file.speed {
            _ if !log.is_empty() => kept.speed,
            Some(f) => Speed::ALL.into_iter().find(|s| s.factor() == f).unwrap_or(Speed::X1),
            None => Speed::X1,
        };
        self.auto_pause = kept.auto_pause;
        // A notice outlives the session it made way for: a bad link's explanation, or the
        // offer to bring back a session set aside, is read after the new one opens.
        self.notice = kept.notice;
        self.theme = kept.theme;
        self.presenter = kept.presenter;
        self.records = kept.records;
        self.effect_seq = kept.effect_seq;
        self.library = kept.library;
        // The console window stays connected across lessons, links and Show me.
        self.console = kept.console;
        let quiz = vec![QuizAnswer::default(); lesson.file.quiz.len()];
        // Checked by every caller before it starts the lesson (`lab_of`).
        let lab = lab_of(&lesson).ok().flatten();
        self.training = Training {
            progress: lesson.progress(),
            lesson: Some(lesson),
            scenario: Rc::new(scenario),
            hints_shown: 0,
            quiz,
            demo: None,
            lab,
            lab_answer: None,
            from_lab: None,
        };
        self.rebuild(log, now);
        // A lab lesson happens in the lab: it opens on the lesson's first step.
        if self.training.lab.is_some() {
            self.playing = false;
            self.dialog = Some(Dialog::Lab);
        }
        // A session that was already decided (a link, a file) opens on its debrief.
        if self.training.verdict() != Verdict::InProgress {
            self.dialog = Some(Dialog::Debrief);
            self.record();
        }
    }

    pub(super) fn record(&mut self) {
        if self.training.demo.is_some() {
            return;
        }
        let (Some(lesson), ScenarioRef::Lesson(_)) =
            (&self.training.lesson, &*self.training.scenario)
        else {
            return;
        };
        let records = Rc::make_mut(&mut self.records);
        if records.get(lesson.id()) != Some(&Verdict::Won) {
            records.insert(lesson.id().to_string(), self.training.verdict());
        }
    }

    pub(super) fn open_shared(&mut self, s: SharedSession) -> Result<(), Vec<Problem>> {
        let lesson = match &s.scenario {
            ScenarioRef::Lesson(id) => self.builtin(id)?,
            ScenarioRef::Custom(text) => lessons::load_str("custom scenario", text)?,
        };
        lab_of(&lesson)?;
        self.start(Rc::new(lesson), s.scenario, s.seed, s.log, s.now);
        Ok(())
    }

    /// Replays `log` from the start up to `until` (undo, reset, links, files): the world and
    /// the lesson's progress come out exactly as they were.
    fn rebuild(&mut self, log: Vec<LoggedCommand>, until: SimTime) {
        let (world, progress) = match &self.training.lesson {
            Some(l) => {
                let session = Session::replay((**l).clone(), self.seed, log.clone(), until);
                let progress = session.progress().clone();
                (session.world, progress)
            }
            None => (
                replay::replay(self.world.config.clone(), self.seed, &log, until),
                Progress::default(),
            ),
        };
        self.world = Rc::new(world);
        self.log = super::CommandLog::new(log);
        self.training.progress = progress;
        self.rev += 1;
        self.playing = false;
        self.toast = None;
        self.selection = None;
        self.share = None;
        self.moment = None;
        self.look_back = None;
        self.idle_noted = false;
        self.highlight = Default::default();
        if self.training.verdict() == Verdict::InProgress && self.dialog == Some(Dialog::Debrief) {
            self.dialog = None;
        }
    }

    /// Everything a link or a session file needs to rebuild this session.
    pub fn shared(&self) -> SharedSession {
        SharedSession {
            scenario: (*self.training.scenario).clone(),
            seed: self.seed,
            log: self.log.to_vec(),
            now: self.world.now,
        }
    }

    /// The blameless post-incident report; for a lesson, with its remembered objectives.
    fn report(&self) -> String {
        match &self.training.lesson {
            Some(l) => report::session_report(&Session::replay(
                (**l).clone(),
                self.seed,
                self.log.to_vec(),
                self.world.now,
            )),
            None => report::post_incident(&self.world, None),
        }
    }

    fn offer(&mut self, file_name: String, mime: &'static str, text: String) {
        self.effect_seq += 1;
        self.download = Some(Download {
            seq: self.effect_seq,
            file_name,
            mime,
            text: text.into(),
        });
    }

    pub(super) fn problems(&mut self, title: &str, problems: &[Problem]) {
        self.notify(
            title.to_string(),
            problems.iter().map(|p| p.to_string()).collect(),
        );
    }

    pub(super) fn notify(&mut self, title: String, problems: Vec<String>) {
        let id = self.notice.as_ref().map_or(1, |n| n.id + 1);
        self.notice = Some(Notice {
            id,
            title,
            problems,
            restore: None,
        });
    }

    pub(super) fn say(&mut self, text: String) {
        self.announcement.seq += 1;
        self.announcement.polite = text;
    }

    fn time_label(&self) -> String {
        self.world.now.label(self.world.config.start_minute_of_day)
    }
}
