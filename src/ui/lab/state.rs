//! The lab's own root reducer ([`LabState`], one per open lab): the scenario, both policies
//! as edited, the run's progress and its results. It never touches a worker or a timer:
//! it asks for a run by holding a [`RunRequest`], which the pool hook (`pool.rs`) carries
//! out, and it asks the app to open a run by holding an [`OpenRun`], which the panel's
//! effect passes on as `Action::OpenedLabRun`.

use std::rc::Rc;

use yew::prelude::*;

use super::form::{LabSpec, LessonTexts, NumberField, PolicyForm, StrategyKind, ALERTS};
use super::pool::{PoolEvent, RunRequest};
use super::arm_index;
use crate::lab::{compare, Arm, Comparison, Hours, LabLesson, Prepared, RunOutcome, ScenarioChoice};
use crate::lessons::Verdict;
use crate::lab::stats::Measure;
use crate::lab::{DEFAULT_RUNS, MAX_RUNS};
use crate::lessons::share::{ScenarioRef, SharedSession};
use crate::lessons::FREE_PLAY_ID;
use crate::sim::change::{GateKind, MigrationPractice};
use crate::sim::time::MINUTES_PER_DAY;
use crate::ui::state::LibraryState;

/// The periods offered, in simulated days (the engine schedules within 30 days).
pub const PERIODS: [u32; 4] = [1, 7, 14, 30];

/// Which scenario the lab runs, as chosen in its form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioPick {
    /// The scenario of the session open in the simulator (a lesson or an imported file).
    Current,
    FreePlay,
    Lesson(String),
}

impl ScenarioPick {
    pub fn key(&self) -> String {
        match self {
            ScenarioPick::Current => "current".into(),
            ScenarioPick::FreePlay => "free-play".into(),
            ScenarioPick::Lesson(id) => format!("lesson:{id}"),
        }
    }

    pub fn from_key(key: &str) -> ScenarioPick {
        match key {
            "current" => ScenarioPick::Current,
            _ => match key.strip_prefix("lesson:") {
                Some(id) => ScenarioPick::Lesson(id.to_string()),
                None => ScenarioPick::FreePlay,
            },
        }
    }
}

/// What the run needs from the app: the built-in lessons and the session's scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct LabContext {
    pub library: LibraryState,
    pub current: Rc<ScenarioRef>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    Idle,
    Running { request: RunRequest, done: u32, total: u32, workers: usize, elapsed_ms: f64 },
    Finished { total: u32, workers: usize, elapsed_ms: f64 },
    Cancelled { done: u32, total: u32 },
}

/// One measure's worst run for A and for B: `(seed, value)`.
pub type Worst = [Option<(u64, f64)>; 2];

/// A prepared experiment, compared by pointer (it never changes once prepared).
#[derive(Clone, Debug)]
pub struct SharedPrepared(pub Rc<Prepared>);

impl PartialEq for SharedPrepared {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.0, &o.0)
    }
}

/// A run for the app to open (`seq` changes for every request).
#[derive(Clone, Debug, PartialEq)]
pub struct OpenRun {
    pub seq: u64,
    pub session: SharedSession,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LabAction {
    ChoseScenario(String),
    EditedRuns(String),
    ChosePeriod(String),
    ChosePreset { arm: Arm, key: String },
    Renamed { arm: Arm, name: String },
    ChoseStrategy { arm: Arm, key: String },
    EditedNumber { arm: Arm, field: NumberField, text: String },
    ToggledAnalysis { arm: Arm },
    ToggledGate { arm: Arm, gate: GateKind },
    ChoseAlerts { arm: Arm, key: String },
    ToggledRollback { arm: Arm },
    ToggledFreeze { arm: Arm },
    /// A policy file's name and text, for `arm`.
    LoadedPolicyFile { arm: Arm, name: String, text: String },
    /// A file the picker did not read: its name and why.
    RefusedPolicyFile { arm: Arm, name: String, reason: String },
    ClickedSavePolicy { arm: Arm },
    ChoseMigrations { arm: Arm, expand_contract: bool },
    ChoseHours { arm: Arm, around_the_clock: bool },
    ClickedRun(Rc<LabContext>),
    ClickedCancel,
    /// What the workers reported (through the pool hook).
    Workers(PoolEvent),
    ClickedOpenRun { arm: Arm, seed: u64 },
    /// A lab lesson's question: a choice picked, then checked.
    ChoseAnswer(usize),
    CheckedAnswer,
}

/// A lab lesson played in the lab: first one week of each policy, then all the runs, then
/// the question.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonRun {
    pub lab: Rc<LabLesson>,
    /// The run going now (or last) is all the runs, not the first week.
    pub full: bool,
    /// The first week's two runs, A then B, once run.
    pub looked: Option<Rc<[RunOutcome; 2]>>,
    /// All the runs are in (the question can be answered).
    pub all_done: bool,
    pub chosen: Option<usize>,
    /// The checked answer, from this lab or from earlier in the session.
    pub answered: Option<(usize, Verdict)>,
}

impl LessonRun {
    pub fn step(&self) -> LessonStep {
        match (&self.looked, self.all_done, self.answered) {
            (_, _, Some(_)) => LessonStep::Answered,
            (None, _, None) => LessonStep::FirstLook,
            (Some(_), false, None) => LessonStep::AllRuns,
            (Some(_), true, None) => LessonStep::Question,
        }
    }
}

/// In the order a learner meets them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LessonStep {
    FirstLook,
    AllRuns,
    Question,
    Answered,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LabState {
    pub scenario: ScenarioPick,
    pub forms: [PolicyForm; 2],
    pub runs: String,
    pub period_days: u32,
    /// Why the last Run was refused, every problem in words.
    pub problems: Vec<String>,
    pub phase: Phase,
    pub seq: u64,
    /// What the running or last run was asked for: a chosen run is opened from it.
    pub ran: Option<(Rc<LabSpec>, Rc<LessonTexts>)>,
    /// That experiment prepared on the page, once a run is opened from its results (the
    /// workers prepare their own; the page does not while they run).
    pub prepared: Option<SharedPrepared>,
    /// The outcomes as the workers reported them, report by report (both arms mixed): a
    /// report adds a pointer, so taking one in never copies the runs before it.
    pub outcomes: Vec<Rc<Vec<RunOutcome>>>,
    pub comparison: Option<Rc<Comparison>>,
    /// Each measure's worst run per arm, in the comparison's order.
    pub worst: Rc<Vec<Worst>>,
    pub open: Option<OpenRun>,
    /// A lab lesson being played here, if any: the settings are the lesson's.
    pub lesson: Option<LessonRun>,
    /// An answer for the app to record (`seq`, choice, verdict), once per check.
    pub answer_out: Option<(u64, usize, Verdict)>,
    /// What became of each side's last policy file (loaded or saved).
    pub file_notes: [Option<super::policy_file::FileNote>; 2],
    /// A policy file for the download hook to save.
    pub download: Option<crate::ui::state::Download>,
}

impl LabState {
    /// The lab opens on the question it was made for: all at once against a canary.
    pub fn new(current: &ScenarioRef) -> LabState {
        let scenario = match current {
            ScenarioRef::Lesson(id) if id == FREE_PLAY_ID => ScenarioPick::FreePlay,
            _ => ScenarioPick::Current,
        };
        LabState {
            scenario,
            forms: [PolicyForm::preset("fast"), PolicyForm::preset("cautious")],
            runs: DEFAULT_RUNS.to_string(),
            period_days: 7,
            problems: Vec::new(),
            phase: Phase::Idle,
            seq: 0,
            ran: None,
            prepared: None,
            outcomes: Vec::new(),
            comparison: None,
            worst: Rc::default(),
            open: None,
            lesson: None,
            answer_out: None,
            file_notes: [None, None],
            download: None,
        }
    }

    /// The lab set up for a lab lesson: its policies, runs and period, locked.
    pub fn for_lesson(current: &ScenarioRef, lab: Rc<LabLesson>, answered: Option<(usize, Verdict)>) -> LabState {
        let mut s = LabState::new(current);
        s.scenario = match &lab.scenario {
            ScenarioChoice::Lesson(id) => ScenarioPick::Lesson(id.clone()),
            _ => ScenarioPick::FreePlay,
        };
        for arm in [Arm::A, Arm::B] {
            if let Some(key) = lab.preset_key(arm) {
                s.forms[arm_index(arm)] = PolicyForm::preset(key);
            }
        }
        s.runs = lab.runs.to_string();
        s.period_days = lab.period_minutes / MINUTES_PER_DAY as u32;
        s.lesson = Some(LessonRun { lab, full: false, looked: None, all_done: false, chosen: answered.map(|a| a.0), answered });
        s
    }

    pub fn request(&self) -> Option<RunRequest> {
        match &self.phase {
            Phase::Running { request, .. } => Some(request.clone()),
            _ => None,
        }
    }

    /// The policies' names as the shown results were run: renaming or loading a policy after
    /// a run must not relabel results it did not produce.
    pub fn result_names(&self) -> [String; 2] {
        let forms = self.ran.as_ref().map_or(&self.forms, |(spec, _)| &spec.forms);
        [forms[0].name.clone(), forms[1].name.clone()]
    }

    /// Which of the results' policies ran with no alert rule (their change failure rate and
    /// DORA cluster count only what users reported: the results say so).
    pub fn result_unmonitored(&self) -> [bool; 2] {
        let forms = self.ran.as_ref().map_or(&self.forms, |(spec, _)| &spec.forms);
        [0, 1].map(|a| forms[a].alerts == crate::lab::AlertChoice::None)
    }

    pub fn running(&self) -> bool {
        matches!(self.phase, Phase::Running { .. })
    }

    fn form(&mut self, arm: Arm) -> &mut PolicyForm {
        let form = &mut self.forms[arm_index(arm)];
        // Any edit makes it the user's own policy.
        form.preset = None;
        form
    }

    /// What the form describes, with the built-in lesson text it needs, or every problem
    /// in words.
    fn spec(&self, context: &LabContext) -> Result<(LabSpec, LessonTexts), Vec<String>> {
        let mut problems = Vec::new();
        let runs = match self.runs.trim().replace([',', ' ', '_'], "").parse::<u32>() {
            Ok(n) if (1..=MAX_RUNS).contains(&n) => n,
            _ => {
                problems.push(format!("Runs: expected a whole number from 1 to {MAX_RUNS}, found “{}”", self.runs.trim()));
                0
            }
        };
        let (scenario, builtin) = match self.scenario_choice(context) {
            Ok(s) => s,
            Err(why) => {
                problems.push(why);
                (ScenarioChoice::FreePlay, Vec::new())
            }
        };
        let spec = LabSpec {
            scenario,
            forms: self.forms.clone(),
            runs,
            period_minutes: self.period_days * MINUTES_PER_DAY as u32,
        };
        if let Err(bad) = spec.experiment() {
            problems.extend(bad);
        }
        if problems.is_empty() {
            Ok((spec, builtin))
        } else {
            Err(problems)
        }
    }

    fn scenario_choice(&self, context: &LabContext) -> Result<(ScenarioChoice, LessonTexts), String> {
        let lesson = |id: &str| -> Result<(ScenarioChoice, LessonTexts), String> {
            if id == FREE_PLAY_ID {
                return Ok((ScenarioChoice::FreePlay, Vec::new()));
            }
            let Some(library) = context.library.library() else {
                return Err("Scenario: the built-in lessons are still loading; try again in a moment.".into());
            };
            let Some(l) = library.get(id) else {
                return Err(format!("Scenario: there is no built-in lesson “{id}”."));
            };
            // The web app fetched the lesson and keeps it read; the workers get it as text.
            Ok((ScenarioChoice::Lesson(id.to_string()), vec![(id.to_string(), crate::lessons::json::to_string(&l.file))]))
        };
        match &self.scenario {
            ScenarioPick::FreePlay => Ok((ScenarioChoice::FreePlay, Vec::new())),
            ScenarioPick::Lesson(id) => lesson(id),
            ScenarioPick::Current => match &*context.current {
                ScenarioRef::Lesson(id) => lesson(id),
                ScenarioRef::Custom(text) => Ok((ScenarioChoice::Imported(text.clone()), Vec::new())),
            },
        }
    }

    fn start(&mut self, context: &LabContext) {
        if let Some(l) = &mut self.lesson {
            // The first week, then every run; after that the button runs them all again.
            l.full = l.looked.is_some();
        }
        let (spec, builtin) = match self.spec(context) {
            Ok(x) => x,
            Err(problems) => {
                self.problems = problems;
                return;
            }
        };
        // Each policy's values were checked (`spec`), so a value out of range is refused
        // before any worker starts. Applying the policies to the scenario is the workers'
        // work (each refuses, in words, what cannot run); the page's click stays short.
        let Ok(mut experiment) = spec.experiment() else { return };
        if let Some(l) = &self.lesson {
            let e = if l.full { l.lab.experiment() } else { l.lab.first_look() };
            experiment.runs = e.runs;
            experiment.first_seed = e.first_seed;
            experiment.period_minutes = e.period_minutes;
        }
        let spec = LabSpec { runs: experiment.runs, ..spec };
        self.problems.clear();
        self.seq += 1;
        let (spec, builtin) = (Rc::new(spec), Rc::new(builtin));
        self.ran = Some((spec.clone(), builtin.clone()));
        self.prepared = None;
        self.outcomes.clear();
        self.comparison = None;
        let total = experiment.runs * 2;
        let request = RunRequest {
            seq: self.seq,
            spec,
            builtin,
            first: experiment.first_seed,
            runs: u64::from(experiment.runs),
        };
        self.phase = Phase::Running { request, done: 0, total, workers: 0, elapsed_ms: 0.0 };
    }

    fn take(&mut self, event: PoolEvent) {
        let Phase::Running { request, done, total, workers, elapsed_ms } = &mut self.phase else { return };
        match event {
            PoolEvent::Outcomes { seq, outcomes, workers: w, elapsed_ms: ms } if seq == request.seq => {
                *done += outcomes.len() as u32;
                *workers = w;
                *elapsed_ms = ms;
                self.outcomes.push(outcomes);
                if *done >= *total {
                    self.phase = Phase::Finished { total: *total, workers: w, elapsed_ms: ms };
                    self.finished_lesson_run();
                    self.compare();
                }
            }
            PoolEvent::Refused { seq, why } if seq == request.seq => {
                self.problems = vec![why];
                self.phase = Phase::Idle;
            }
            _ => {}
        }
    }

    /// A lab lesson's first week is kept aside (it is shown as two runs, not as charts);
    /// all the runs open the question.
    fn finished_lesson_run(&mut self) {
        let Some(l) = &mut self.lesson else { return };
        if l.full {
            l.all_done = true;
        } else {
            let first = |arm: Arm| self.outcomes.iter().flat_map(|report| report.iter()).find(|o| o.arm == arm).cloned();
            if let (Some(a), Some(b)) = (first(Arm::A), first(Arm::B)) {
                l.looked = Some(Rc::new([a, b]));
            }
        }
    }

    fn compare(&mut self) {
        let mut arms: [Vec<RunOutcome>; 2] = Default::default();
        for o in self.outcomes.iter().flat_map(|report| report.iter()) {
            arms[arm_index(o.arm)].push(o.clone());
        }
        let comparison = compare(&arms[0], &arms[1]);
        self.worst = Rc::new(comparison.measures.iter().map(|m| [worst(m.measure, &arms[0]), worst(m.measure, &arms[1])]).collect());
        self.comparison = Some(Rc::new(comparison));
    }
}

/// The experiment `spec` describes, prepared as the workers prepare it.
pub fn prepare(spec: &LabSpec, builtin: &[(String, String)]) -> Result<Prepared, String> {
    let experiment = spec.experiment().map_err(|bad| bad.join("; "))?;
    let texts: Vec<(&str, &str)> = builtin.iter().map(|(i, t)| (i.as_str(), t.as_str())).collect();
    experiment.prepare_with(&texts).map_err(|e| e.to_string())
}

/// The run with the worst value of `measure` (fewest deploys; most of the rest), the
/// lowest seed among equals, as `(seed, value)`.
fn worst(measure: Measure, runs: &[RunOutcome]) -> Option<(u64, f64)> {
    let worse_is_lower = measure == Measure::DeploysPerDay;
    let badness = |v: f64| if worse_is_lower { -v } else { v };
    runs.iter()
        .filter_map(|r| measure.value(r).map(|v| (r.seed, v)))
        .max_by(|x, y| badness(x.1).total_cmp(&badness(y.1)).then(y.0.cmp(&x.0)))
}

impl Reducible for LabState {
    type Action = LabAction;

    fn reduce(self: Rc<Self>, action: LabAction) -> Rc<Self> {
        // Settings stay as they are while a run goes (the run uses what was there).
        let editing = !matches!(
            action,
            LabAction::ClickedCancel | LabAction::Workers(_) | LabAction::ClickedOpenRun { .. }
        );
        let answering = matches!(action, LabAction::ChoseAnswer(_) | LabAction::CheckedAnswer);
        if editing && self.running() {
            return self;
        }
        // A lesson's settings are the lesson's: only running, cancelling, opening a run and
        // answering do anything.
        if self.lesson.is_some() && editing && !answering && !matches!(action, LabAction::ClickedRun(_)) {
            return self;
        }
        let mut s = (*self).clone();
        match action {
            LabAction::ChoseScenario(key) => s.scenario = ScenarioPick::from_key(&key),
            LabAction::EditedRuns(text) => s.runs = text,
            LabAction::ChosePeriod(days) => match days.parse::<u32>() {
                Ok(d) if PERIODS.contains(&d) => s.period_days = d,
                _ => return self,
            },
            LabAction::ChosePreset { arm, key } => match crate::lab::Policy::presets().into_iter().find(|(k, _)| *k == key) {
                Some((k, _)) => s.forms[arm_index(arm)] = PolicyForm::preset(k),
                None => return self,
            },
            LabAction::Renamed { arm, name } => s.form(arm).name = name,
            LabAction::ChoseStrategy { arm, key } => match StrategyKind::from_key(&key) {
                Some(k) => s.form(arm).strategy = k,
                None => return self,
            },
            LabAction::EditedNumber { arm, field, text } => s.form(arm).set_number(field, text),
            LabAction::ToggledAnalysis { arm } => {
                let f = s.form(arm);
                f.analysis = !f.analysis;
            }
            LabAction::ToggledGate { arm, gate } => {
                let f = s.form(arm);
                match f.skip_gates.iter().position(|g| *g == gate) {
                    Some(i) => {
                        f.skip_gates.remove(i);
                    }
                    None => {
                        f.skip_gates.push(gate);
                        f.skip_gates.sort();
                    }
                }
            }
            LabAction::ChoseAlerts { arm, key } => match ALERTS.iter().find(|(_, k, _)| *k == key) {
                Some((a, _, _)) => s.form(arm).alerts = *a,
                None => return self,
            },
            LabAction::ToggledRollback { arm } => {
                let f = s.form(arm);
                f.automatic_rollback = !f.automatic_rollback;
            }
            LabAction::LoadedPolicyFile { arm, name, text } => {
                if s.running() {
                    return self;
                }
                super::policy_file::load(&mut s, arm, &name, &text);
            }
            LabAction::RefusedPolicyFile { arm, name, reason } => super::policy_file::refused(&mut s, arm, &name, &reason),
            LabAction::ClickedSavePolicy { arm } => super::policy_file::save(&mut s, arm),
            LabAction::ToggledFreeze { arm } => {
                let f = s.form(arm);
                f.error_budget_freeze = !f.error_budget_freeze;
            }
            LabAction::ChoseMigrations { arm, expand_contract } => {
                s.form(arm).migrations = if expand_contract { MigrationPractice::ExpandContract } else { MigrationPractice::InPlace };
            }
            LabAction::ChoseHours { arm, around_the_clock } => {
                s.form(arm).hours = if around_the_clock { Hours::AroundTheClock } else { Hours::Office };
            }
            LabAction::ClickedRun(context) => s.start(&context),
            LabAction::ClickedCancel => match s.phase {
                Phase::Running { done, total, .. } => {
                    s.phase = Phase::Cancelled { done, total };
                    // What finished is still worth a look: the results say how many runs.
                    if done > 0 {
                        s.compare();
                    }
                }
                _ => return self,
            },
            LabAction::Workers(event) => s.take(event),
            LabAction::ChoseAnswer(choice) => match &mut s.lesson {
                Some(l) if l.answered.is_none() && choice < l.lab.choices.len() => l.chosen = Some(choice),
                _ => return self,
            },
            LabAction::CheckedAnswer => {
                let (Some(l), Some(c)) = (&mut s.lesson, &s.comparison) else { return self };
                let (Some(choice), None, true) = (l.chosen, l.answered, l.all_done) else { return self };
                let verdict = l.lab.verdict(choice, c);
                l.answered = Some((choice, verdict));
                let seq = s.answer_out.map_or(1, |a| a.0 + 1);
                s.answer_out = Some((seq, choice, verdict));
            }
            LabAction::ClickedOpenRun { arm, seed } => {
                if s.prepared.is_none() {
                    let Some((spec, builtin)) = &s.ran else { return self };
                    match prepare(spec, builtin) {
                        Ok(p) => s.prepared = Some(SharedPrepared(Rc::new(p))),
                        Err(why) => {
                            s.problems = vec![why];
                            return Rc::new(s);
                        }
                    }
                }
                let Some(p) = &s.prepared else { return self };
                let session = p.0.session_for(arm, seed);
                let seq = s.open.as_ref().map_or(1, |o| o.seq + 1);
                s.open = Some(OpenRun { seq, session });
            }
        }
        Rc::new(s)
    }
}
