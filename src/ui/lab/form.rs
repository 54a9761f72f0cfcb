//! One policy as the lab's form holds it: numbers as the text typed (so a value out of range
//! is kept, shown and refused in words rather than silently clamped by the input), the rest
//! as the policy's own choices. [`PolicyForm::policy`] reads it back and checks it with the
//! core's own rules (`Policy::check`).

use serde::{Deserialize, Serialize};

use super::{arm_index, ARMS};
use crate::lab::{AlertChoice, Experiment, Hours, Policy, ScenarioChoice, StrategyChoice};
use crate::sim::change::GateKind;
use crate::sim::MigrationPractice;

/// Which strategy the form shows settings for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StrategyKind {
    AllAtOnce,
    Rolling,
    BlueGreen,
    Canary,
}

impl StrategyKind {
    pub const ALL: [StrategyKind; 4] = [StrategyKind::AllAtOnce, StrategyKind::Rolling, StrategyKind::BlueGreen, StrategyKind::Canary];

    pub fn label(self) -> &'static str {
        match self {
            StrategyKind::AllAtOnce => "All at once",
            StrategyKind::Rolling => "Rolling update",
            StrategyKind::BlueGreen => "Blue-green",
            StrategyKind::Canary => "Canary",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            StrategyKind::AllAtOnce => "all_at_once",
            StrategyKind::Rolling => "rolling",
            StrategyKind::BlueGreen => "blue_green",
            StrategyKind::Canary => "canary",
        }
    }

    pub fn from_key(key: &str) -> Option<StrategyKind> {
        StrategyKind::ALL.into_iter().find(|k| k.key() == key)
    }
}

pub const ALERTS: [(AlertChoice, &str, &str); 5] = [
    (AlertChoice::Standard, "standard", "Standard: symptoms and burn rate"),
    (AlertChoice::BurnRate, "burn_rate", "Burn-rate alerts only"),
    (AlertChoice::Symptoms, "symptoms", "Symptom alerts only"),
    (AlertChoice::Scenario, "scenario", "As the scenario sets them"),
    (AlertChoice::None, "none", "None: users report it after 30 min"),
];

/// A number field of the form: which one, for the one edit action that changes them all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberField {
    MaxSurge,
    MaxUnavailable,
    CanarySteps,
    PauseMinutes,
    CommitsPerRelease,
    CommitsPerDay,
    ReviewMinutes,
    ResponseMinutes,
}

impl NumberField {
    pub fn label(self) -> &'static str {
        match self {
            NumberField::MaxSurge => "Max surge (%)",
            NumberField::MaxUnavailable => "Max unavailable (%)",
            NumberField::CanarySteps => "Canary steps (% of traffic, rising)",
            NumberField::PauseMinutes => "Minutes per canary step",
            NumberField::CommitsPerRelease => "Commits per release",
            NumberField::CommitsPerDay => "Commits per day",
            NumberField::ReviewMinutes => "Minutes to approve",
            NumberField::ResponseMinutes => "On-call minutes to roll back",
        }
    }
}

/// One side of the comparison, as edited.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicyForm {
    /// The preset it started from (`None` once edited).
    #[serde(skip)]
    pub preset: Option<&'static str>,
    pub name: String,
    pub strategy: StrategyKind,
    pub max_surge: String,
    pub max_unavailable: String,
    pub canary_steps: String,
    pub pause_minutes: String,
    pub analysis: bool,
    pub skip_gates: Vec<GateKind>,
    pub alerts: AlertChoice,
    pub automatic_rollback: bool,
    pub commits_per_release: String,
    pub commits_per_day: String,
    pub hours: Hours,
    pub review_minutes: String,
    pub response_minutes: String,
    /// Forms saved before these two had controls lack them: the defaults a policy file gets.
    #[serde(default)]
    pub migrations: MigrationPractice,
    #[serde(default = "crate::lab::policy::keeps_freeze")]
    pub error_budget_freeze: bool,
}

impl PolicyForm {
    pub fn preset(key: &'static str) -> PolicyForm {
        let mut form = PolicyForm::from_policy(&Policy::preset(key).unwrap_or_else(Policy::cautious));
        form.preset = Some(key);
        form
    }

    pub fn from_policy(p: &Policy) -> PolicyForm {
        // Unused settings keep the simulator's defaults, ready if the strategy changes.
        let (mut surge, mut unavailable) = ("25".to_string(), "25".to_string());
        let (mut steps, mut pause, mut analysis) = ("10, 25, 50".to_string(), "10".to_string(), true);
        let strategy = match &p.strategy {
            StrategyChoice::AllAtOnce => StrategyKind::AllAtOnce,
            StrategyChoice::BlueGreen => StrategyKind::BlueGreen,
            StrategyChoice::Rolling { max_surge_percent, max_unavailable_percent } => {
                surge = max_surge_percent.to_string();
                unavailable = max_unavailable_percent.to_string();
                StrategyKind::Rolling
            }
            StrategyChoice::Canary { steps: s, pause_minutes, analysis: a } => {
                steps = s.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", ");
                pause = pause_minutes.to_string();
                analysis = *a;
                StrategyKind::Canary
            }
        };
        PolicyForm {
            preset: None,
            name: p.name.clone(),
            strategy,
            max_surge: surge,
            max_unavailable: unavailable,
            canary_steps: steps,
            pause_minutes: pause,
            analysis,
            skip_gates: p.skip_gates.clone(),
            alerts: p.alerts,
            automatic_rollback: p.automatic_rollback,
            commits_per_release: p.commits_per_release.to_string(),
            commits_per_day: p.commits_per_day.to_string(),
            hours: p.hours,
            review_minutes: p.review_minutes.to_string(),
            response_minutes: p.on_call_response_minutes.to_string(),
            migrations: p.migrations,
            error_budget_freeze: p.error_budget_freeze,
        }
    }

    pub fn number(&self, field: NumberField) -> &str {
        match field {
            NumberField::MaxSurge => &self.max_surge,
            NumberField::MaxUnavailable => &self.max_unavailable,
            NumberField::CanarySteps => &self.canary_steps,
            NumberField::PauseMinutes => &self.pause_minutes,
            NumberField::CommitsPerRelease => &self.commits_per_release,
            NumberField::CommitsPerDay => &self.commits_per_day,
            NumberField::ReviewMinutes => &self.review_minutes,
            NumberField::ResponseMinutes => &self.response_minutes,
        }
    }

    pub fn set_number(&mut self, field: NumberField, text: String) {
        let slot = match field {
            NumberField::MaxSurge => &mut self.max_surge,
            NumberField::MaxUnavailable => &mut self.max_unavailable,
            NumberField::CanarySteps => &mut self.canary_steps,
            NumberField::PauseMinutes => &mut self.pause_minutes,
            NumberField::CommitsPerRelease => &mut self.commits_per_release,
            NumberField::CommitsPerDay => &mut self.commits_per_day,
            NumberField::ReviewMinutes => &mut self.review_minutes,
            NumberField::ResponseMinutes => &mut self.response_minutes,
        };
        *slot = text;
    }

    /// The policy, or every problem in words (a field that is not a number, then the core's
    /// range checks).
    pub fn policy(&self) -> Result<Policy, Vec<String>> {
        let mut bad = Vec::new();
        let mut whole = |field: NumberField, text: &str| -> u32 {
            match text.trim().parse::<u32>() {
                Ok(v) => v,
                Err(_) => {
                    bad.push(format!("{}: expected a whole number, 0 or more, found “{}”", field.label(), text.trim()));
                    0
                }
            }
        };
        let percent = |v: u32| u8::try_from(v).unwrap_or(u8::MAX);
        let strategy = match self.strategy {
            StrategyKind::AllAtOnce => StrategyChoice::AllAtOnce,
            StrategyKind::BlueGreen => StrategyChoice::BlueGreen,
            StrategyKind::Rolling => StrategyChoice::Rolling {
                max_surge_percent: percent(whole(NumberField::MaxSurge, &self.max_surge)),
                max_unavailable_percent: percent(whole(NumberField::MaxUnavailable, &self.max_unavailable)),
            },
            StrategyKind::Canary => {
                let steps = self
                    .canary_steps
                    .split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| percent(whole(NumberField::CanarySteps, s)))
                    .collect();
                StrategyChoice::Canary {
                    steps,
                    pause_minutes: whole(NumberField::PauseMinutes, &self.pause_minutes),
                    analysis: self.analysis,
                }
            }
        };
        let policy = Policy {
            name: self.name.trim().to_string(),
            strategy,
            skip_gates: self.skip_gates.clone(),
            alerts: self.alerts,
            automatic_rollback: self.automatic_rollback,
            commits_per_release: whole(NumberField::CommitsPerRelease, &self.commits_per_release),
            commits_per_day: whole(NumberField::CommitsPerDay, &self.commits_per_day),
            hours: self.hours,
            review_minutes: whole(NumberField::ReviewMinutes, &self.review_minutes),
            on_call_response_minutes: whole(NumberField::ResponseMinutes, &self.response_minutes),
            migrations: self.migrations,
            error_budget_freeze: self.error_budget_freeze,
        };
        if !bad.is_empty() {
            return Err(bad);
        }
        let checked = policy.check();
        if checked.is_empty() {
            Ok(policy)
        } else {
            Err(checked)
        }
    }
}

/// Built-in lessons as `(id, text)`: the web app fetches them, so it hands the workers
/// the one a run needs.
pub type LessonTexts = Vec<(String, String)>;

/// Everything that decides a run, as the page read it: the scenario, both forms and the
/// numbers. The page and each worker build the experiment from it with the same code
/// ([`LabSpec::experiment`]). It crosses to the workers with gloo-worker's codec
/// (bincode); the core's `Experiment` cannot (its strategies are an internally tagged
/// enum, which bincode cannot read back), and sending it as JSON would put serde_json in
/// the page's first download.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabSpec {
    pub scenario: ScenarioChoice,
    pub forms: [PolicyForm; 2],
    pub runs: u32,
    pub period_minutes: u32,
}

impl LabSpec {
    /// The experiment, or every problem with the policies in words.
    pub fn experiment(&self) -> Result<Experiment, Vec<String>> {
        let mut problems = Vec::new();
        let mut policies = Vec::new();
        for arm in ARMS {
            match self.forms[arm_index(arm)].policy() {
                Ok(p) => policies.push(p),
                Err(bad) => problems.extend(bad.into_iter().map(|b| format!("Policy {arm}: {b}"))),
            }
        }
        let (Some(b), Some(a), true) = (policies.pop(), policies.pop(), problems.is_empty()) else {
            return Err(problems);
        };
        let mut e = Experiment::new(self.scenario.clone(), a, b);
        e.runs = self.runs;
        e.period_minutes = self.period_minutes;
        Ok(e)
    }
}
