//! The strategy lab: many seeded runs of one scenario under two policies, so a room sees
//! the spread of outcomes and not one lucky run.
//!
//! A layer between `lessons` and `ui` (`ui → lab → lessons → sim`): pure and deterministic,
//! no threads, no clock, no browser (`tests/architecture.rs` checks this). The unit of work
//! is one seed: [`Experiment::prepare`] resolves the scenario and both policies once, then
//! [`Prepared::run_one`] runs one seed of one arm. Callers parallelise (rayon on the
//! command line, web workers in the browser) and then [`compare`] the two arms.
//!
//! - [`policy`]: [`Policy`] (a team's practices) and its presets.
//! - [`team`]: the scripted team that plays a policy.
//! - [`outcome`]: [`RunOutcome`] and the [`DoraCluster`] rule.
//! - [`stats`]: distributions and shared-axis histograms ([`compare`]).

pub mod lesson;
pub mod outcome;
pub mod policy;
pub mod stats;
pub mod team;

pub use lesson::LabLesson;
pub use outcome::{DoraCluster, RunOutcome};
pub use policy::{AlertChoice, Hours, Policy, StrategyChoice, SKIPPABLE_GATES};
pub use stats::{compare, Comparison};

use crate::lessons::format::StageOverride;
use crate::lessons::share::{ScenarioRef, SharedSession};
use crate::lessons::{self, Lesson, ScenarioFile};
use crate::sim::config::{standard_alerts, AutoRollback};
use crate::sim::ids::StageId;
use crate::sim::replay::LoggedCommand;
use crate::sim::time::{SimTime, MINUTES_PER_DAY};
use crate::sim::world::World;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which scenario the lab runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScenarioChoice {
    /// A built-in lesson, by id (its text must be bundled or given to [`Experiment::prepare_with`]).
    Lesson(String),
    /// Free play: the standard pipeline, nothing scripted.
    FreePlay,
    /// An imported scenario file, whole.
    Imported(String),
}

/// One side of the comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arm {
    A,
    B,
}

impl Arm {
    pub const ALL: [Arm; 2] = [Arm::A, Arm::B];
}

impl fmt::Display for Arm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Arm::A => "A",
            Arm::B => "B",
        })
    }
}

/// Runs of at most this many simulated days (the engine schedules within 30 days).
pub const MAX_PERIOD_MINUTES: u32 = 30 * MINUTES_PER_DAY as u32;
pub const MAX_RUNS: u32 = 1_000_000;
pub const DEFAULT_RUNS: u32 = 1_000;
pub const DEFAULT_PERIOD_MINUTES: u32 = 7 * MINUTES_PER_DAY as u32;

/// What to run: a scenario, two policies, how many seeds (`first_seed`, `first_seed + 1`,
/// ...) and for how long.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Experiment {
    pub scenario: ScenarioChoice,
    pub a: Policy,
    pub b: Policy,
    #[serde(default = "default_runs")]
    pub runs: u32,
    #[serde(default = "default_first_seed")]
    pub first_seed: u64,
    #[serde(default = "default_period")]
    pub period_minutes: u32,
}

fn default_runs() -> u32 {
    DEFAULT_RUNS
}
fn default_first_seed() -> u64 {
    1
}
fn default_period() -> u32 {
    DEFAULT_PERIOD_MINUTES
}

/// Why an experiment cannot run, in plain words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabError {
    /// The scenario could not be loaded (each problem, with its place).
    Scenario(Vec<String>),
    /// A policy has values out of range, or conflicts with the scenario.
    Policy { arm: Arm, problems: Vec<String> },
    /// The experiment's own numbers are out of range.
    Experiment(String),
}

impl fmt::Display for LabError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LabError::Scenario(p) => write!(f, "The scenario cannot be loaded: {}", p.join("; ")),
            LabError::Policy { arm, problems } => {
                write!(f, "Policy {arm} cannot run: {}", problems.join("; "))
            }
            LabError::Experiment(why) => write!(f, "The experiment cannot run: {why}"),
        }
    }
}

impl std::error::Error for LabError {}

impl Experiment {
    /// A week of `runs` seeds from seed 1.
    pub fn new(scenario: ScenarioChoice, a: Policy, b: Policy) -> Experiment {
        Experiment {
            scenario,
            a,
            b,
            runs: DEFAULT_RUNS,
            first_seed: 1,
            period_minutes: DEFAULT_PERIOD_MINUTES,
        }
    }

    /// The seeds this experiment runs, in order.
    pub fn seeds(&self) -> impl Iterator<Item = u64> {
        let first = self.first_seed;
        (0..u64::from(self.runs)).map(move |i| first.wrapping_add(i))
    }

    /// Resolves the scenario (built-in lessons from this build's bundle) and both policies.
    pub fn prepare(&self) -> Result<Prepared, LabError> {
        self.prepare_with(&lessons::bundled_files())
    }

    /// As [`Experiment::prepare`], with the built-in lesson texts given (the web app
    /// fetches them instead of bundling them).
    pub fn prepare_with(&self, builtin: &[(&str, &str)]) -> Result<Prepared, LabError> {
        if self.runs == 0 || self.runs > MAX_RUNS {
            return Err(LabError::Experiment(format!(
                "runs must be between 1 and {MAX_RUNS} (it is {})",
                self.runs
            )));
        }
        if self.period_minutes < 60 || self.period_minutes > MAX_PERIOD_MINUTES {
            return Err(LabError::Experiment(format!(
                "the period must be between 60 minutes and 30 days (it is {} minutes)",
                self.period_minutes
            )));
        }
        let messages = |p: Vec<lessons::Problem>| p.iter().map(|x| x.to_string()).collect();
        let (base, builtin_id) = match &self.scenario {
            ScenarioChoice::FreePlay => (
                lessons::load(lessons::FREE_PLAY_ID)
                    .map_err(|p| LabError::Scenario(messages(p)))?,
                Some(lessons::FREE_PLAY_ID.to_string()),
            ),
            ScenarioChoice::Lesson(id) => {
                let lesson = match builtin.iter().find(|(x, _)| x == id) {
                    Some((_, text)) => lessons::load_builtin(id, text),
                    None => lessons::load(id),
                };
                (
                    lesson.map_err(|p| LabError::Scenario(messages(p)))?,
                    Some(id.clone()),
                )
            }
            ScenarioChoice::Imported(text) => (
                lessons::load_str("imported scenario", text)
                    .map_err(|p| LabError::Scenario(messages(p)))?,
                None,
            ),
        };
        let arm =
            |arm: Arm, policy: &Policy| PreparedArm::new(&base, builtin_id.as_deref(), arm, policy);
        Ok(Prepared {
            a: arm(Arm::A, &self.a)?,
            b: arm(Arm::B, &self.b)?,
            until: SimTime(u64::from(self.period_minutes)),
        })
    }

    /// One run, preparing the scenario first. For many runs, prepare once and call
    /// [`Prepared::run_one`].
    pub fn run_one(&self, arm: Arm, seed: u64) -> Result<RunOutcome, LabError> {
        Ok(self.prepare()?.run_one(arm, seed))
    }
}

/// An experiment ready to run: each arm's scenario (the policy's overrides applied) resolved.
#[derive(Clone, Debug)]
pub struct Prepared {
    a: PreparedArm,
    b: PreparedArm,
    until: SimTime,
}

#[derive(Clone, Debug)]
struct PreparedArm {
    policy: Policy,
    lesson: Lesson,
    /// What a share link names: the built-in lesson when the policy changed nothing in
    /// its configuration, else the scenario with the policy's overrides, as text.
    scenario: ScenarioRef,
}

impl PreparedArm {
    fn new(
        base: &Lesson,
        builtin_id: Option<&str>,
        arm: Arm,
        policy: &Policy,
    ) -> Result<PreparedArm, LabError> {
        let refused = |problems: Vec<String>| LabError::Policy { arm, problems };
        let bad = policy.check();
        if !bad.is_empty() {
            return Err(refused(bad));
        }
        let file = with_policy(base, policy);
        let text = crate::lessons::json::to_string(&file);
        let lesson = lessons::load_str("scenario with the policy applied", &text)
            .map_err(|p| refused(p.iter().map(|x| x.to_string()).collect()))?;
        let scenario = match builtin_id {
            Some(id) if lesson.config == base.config => ScenarioRef::Lesson(id.to_string()),
            _ => ScenarioRef::Custom(text),
        };
        Ok(PreparedArm {
            policy: policy.clone(),
            lesson,
            scenario,
        })
    }
}

/// The scenario file with the policy's platform settings as overrides: production's alert
/// rules and automatic rollback, the error-budget freeze, and the skipped gates removed
/// from every stage.
fn with_policy(base: &Lesson, policy: &Policy) -> ScenarioFile {
    let mut file = base.file.clone();
    let stages = &base.config.stages;
    let Some(prod) = stages.last() else {
        return file;
    };
    if let Some(rules) = policy.alerts.rules(standard_alerts(&prod.id)) {
        file.setup.alert_rules = Some(rules);
    }
    let rollback = if policy.automatic_rollback {
        AutoRollback::OnCriticalAlert
    } else {
        AutoRollback::Off
    };
    if prod.auto_rollback != rollback {
        override_of(&mut file, &prod.id).auto_rollback = Some(rollback);
    }
    if base.config.error_budget_freeze != policy.error_budget_freeze {
        file.setup.error_budget_freeze = Some(policy.error_budget_freeze);
    }
    let skipped = &policy.skip_gates;
    for stage in stages {
        if stage.gates.iter().any(|g| skipped.contains(g)) {
            let kept = stage.gates.iter().filter(|g| !skipped.contains(g)).copied();
            override_of(&mut file, &stage.id).gates = Some(kept.collect());
        }
    }
    file
}

/// The file's overrides for one stage, created empty if it has none (its other fields
/// keep their values).
fn override_of<'a>(file: &'a mut ScenarioFile, stage: &StageId) -> &'a mut StageOverride {
    let overrides = &mut file.setup.stage_overrides;
    if !overrides.contains_key(stage) {
        overrides.insert(stage.clone(), StageOverride::default());
    }
    overrides.get_mut(stage).expect("inserted above")
}

impl Prepared {
    fn arm(&self, arm: Arm) -> &PreparedArm {
        match arm {
            Arm::A => &self.a,
            Arm::B => &self.b,
        }
    }

    pub fn policy(&self, arm: Arm) -> &Policy {
        &self.arm(arm).policy
    }

    /// The scenario as each arm runs it (the policy's overrides applied).
    pub fn lesson(&self, arm: Arm) -> &Lesson {
        &self.arm(arm).lesson
    }

    pub fn until(&self) -> SimTime {
        self.until
    }

    /// One seed of one arm: the same numbers on every machine, thread and order.
    pub fn run_one(&self, arm: Arm, seed: u64) -> RunOutcome {
        self.run(arm, seed, None).1
    }

    /// The run's final world and outcome, with the team's commands written to `log`.
    pub fn run(
        &self,
        arm: Arm,
        seed: u64,
        mut log: Option<&mut Vec<LoggedCommand>>,
    ) -> (World, RunOutcome) {
        let side = self.arm(arm);
        let mut world = side.lesson.world_with_seed(seed);
        let mut team = team::ScriptedTeam::new(&side.policy);
        let mut observer = outcome::Observer::default();
        while world.now < self.until {
            team.step(&mut world, &mut log, &mut |w, e| observer.event(w, e));
            observer.after_minute(&world);
        }
        let outcome = observer.outcome(&world, arm, seed);
        (world, outcome)
    }

    /// That exact run as a session: `share::encode(&prepared.session_for(arm, seed))`
    /// opens it in the simulator (or, when the log is too long for a link,
    /// `share::session_to_string` as a file).
    pub fn session_for(&self, arm: Arm, seed: u64) -> SharedSession {
        let mut log = Vec::new();
        self.run(arm, seed, Some(&mut log));
        SharedSession {
            scenario: self.arm(arm).scenario.clone(),
            seed,
            log,
            now: self.until,
        }
    }
}

/// One run of `experiment`, preparing it first (see [`Experiment::run_one`]).
pub fn run_one(experiment: &Experiment, arm: Arm, seed: u64) -> Result<RunOutcome, LabError> {
    experiment.run_one(arm, seed)
}

/// See [`Prepared::session_for`].
pub fn session_for(prepared: &Prepared, arm: Arm, seed: u64) -> SharedSession {
    prepared.session_for(arm, seed)
}
