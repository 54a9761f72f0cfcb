//! Lab lessons: a lesson whose question is answered in the strategy lab, from the spread
//! of many runs rather than from one. The lesson file is an ordinary scenario file with a
//! `lab` block (`lessons::format::ScenarioFile::lab`); the lessons layer carries the block
//! and this module gives it its meaning, since only the lab knows policies and measures.
//!
//! The learner first runs one week of each policy (`first_look_seed`), where one run can
//! flatter either side, then `runs` weeks of each, and answers a multiple-choice question.
//! Each choice states what must hold in the results (`holds_when`: conditions such as "B's
//! median user-minutes affected is lower than A's"), so the verdict is read from the runs
//! the learner saw, never from a label: the debrief cannot claim what did not happen.
//! A well-made lab lesson has exactly one choice that holds over all the runs (`answer`),
//! and a `mistake`, the answer the first week suggests, that holds on that week alone
//! (`tests/lab.rs` checks both for every built-in lab lesson).

use super::stats::{Comparison, Measure, Spread};
use super::{Arm, Experiment, Policy, ScenarioChoice, DEFAULT_PERIOD_MINUTES, MAX_PERIOD_MINUTES, MAX_RUNS};
use crate::lessons::format::ScenarioFile;
use crate::lessons::objective::Verdict;
use serde::{Deserialize, Serialize};

/// The `lab` block of a lesson file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabLesson {
    /// Policy presets by name (`stagecraft-lab --list` names them).
    pub a: String,
    pub b: String,
    #[serde(default = "default_scenario")]
    pub scenario: ScenarioChoice,
    pub runs: u32,
    #[serde(default = "default_first_seed")]
    pub first_seed: u64,
    #[serde(default = "default_period")]
    pub period_minutes: u32,
    /// The one week shown first.
    pub first_look_seed: u64,
    pub question: String,
    pub choices: Vec<Choice>,
    /// The choice that holds over all the runs.
    pub answer: usize,
    /// The choice the first week alone suggests.
    pub mistake: usize,
    /// Said after the answer, right or wrong.
    pub explanation: String,
}

fn default_scenario() -> ScenarioChoice {
    ScenarioChoice::FreePlay
}
fn default_first_seed() -> u64 {
    1
}
fn default_period() -> u32 {
    DEFAULT_PERIOD_MINUTES
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub text: String,
    /// Every condition must hold for the choice to be right.
    pub holds_when: Vec<Condition>,
}

/// "`arm`'s `statistic` of `measure` is `is` than the other arm's."
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub arm: Arm,
    pub measure: Measure,
    pub statistic: Statistic,
    pub is: Compared,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Statistic {
    Median,
    P5,
    P95,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Compared {
    Lower,
    Higher,
}

impl Statistic {
    fn of(self, s: &Spread) -> f64 {
        match self {
            Statistic::Median => s.median,
            Statistic::P5 => s.p5,
            Statistic::P95 => s.p95,
        }
    }
}

impl Condition {
    /// Whether it holds in `c`; a measure without values on either side (no incident at
    /// all, say) holds nothing.
    pub fn holds(&self, c: &Comparison) -> bool {
        let Some(m) = c.measures.iter().find(|m| m.measure == self.measure) else {
            return false;
        };
        let (mine, other) = match self.arm {
            Arm::A => (&m.a, &m.b),
            Arm::B => (&m.b, &m.a),
        };
        let (Some(mine), Some(other)) = (&mine.spread, &other.spread) else {
            return false;
        };
        let (x, y) = (self.statistic.of(mine), self.statistic.of(other));
        match self.is {
            Compared::Lower => x < y,
            Compared::Higher => x > y,
        }
    }
}

impl Choice {
    pub fn holds(&self, c: &Comparison) -> bool {
        !self.holds_when.is_empty() && self.holds_when.iter().all(|x| x.holds(c))
    }
}

impl LabLesson {
    /// The lesson's lab block, if it has one, read and checked; every problem in words.
    pub fn read(file: &ScenarioFile) -> Result<Option<LabLesson>, Vec<String>> {
        let Some(value) = &file.lab else { return Ok(None) };
        let lab: LabLesson = crate::lessons::json::from_value(value)
            .map_err(|e| vec![format!("lab: {e}")])?;
        let problems = lab.check();
        if problems.is_empty() {
            Ok(Some(lab))
        } else {
            Err(problems)
        }
    }

    fn check(&self) -> Vec<String> {
        let mut p = Vec::new();
        for (side, name) in [("a", &self.a), ("b", &self.b)] {
            if Policy::preset(name).is_none() {
                let known: Vec<_> = Policy::presets().into_iter().map(|(k, _)| k).collect();
                p.push(format!("lab.{side}: there is no policy preset “{name}” (known: {})", known.join(", ")));
            }
        }
        if self.runs < 2 || self.runs > MAX_RUNS {
            p.push(format!("lab.runs: expected 2 to {MAX_RUNS} runs, found {}", self.runs));
        }
        if self.period_minutes < 60 || self.period_minutes > MAX_PERIOD_MINUTES {
            p.push(format!("lab.period_minutes: expected 60 minutes to 30 days, found {}", self.period_minutes));
        }
        if self.question.trim().is_empty() {
            p.push("lab.question: the question is empty".into());
        }
        if self.choices.len() < 2 || self.choices.len() > 6 {
            p.push(format!("lab.choices: expected 2 to 6 choices, found {}", self.choices.len()));
        }
        for (i, c) in self.choices.iter().enumerate() {
            if c.text.trim().is_empty() {
                p.push(format!("lab.choices[{i}].text: the choice has no text"));
            }
            if c.holds_when.is_empty() {
                p.push(format!("lab.choices[{i}].holds_when: a choice needs at least one condition"));
            }
        }
        for (field, i) in [("answer", self.answer), ("mistake", self.mistake)] {
            if i >= self.choices.len() {
                p.push(format!("lab.{field}: there is no choice {i} (choices count from 0)"));
            }
        }
        if self.answer == self.mistake {
            p.push("lab.mistake: the mistake must be another choice than the answer".into());
        }
        p
    }

    pub fn policy(&self, arm: Arm) -> Policy {
        let name = match arm {
            Arm::A => &self.a,
            Arm::B => &self.b,
        };
        Policy::preset(name).unwrap_or_else(Policy::cautious)
    }

    /// The preset's name as the lab's form knows it.
    pub fn preset_key(&self, arm: Arm) -> Option<&'static str> {
        let name = match arm {
            Arm::A => &self.a,
            Arm::B => &self.b,
        };
        Policy::presets().into_iter().map(|(k, _)| k).find(|k| k == name)
    }

    /// Every run of the lesson.
    pub fn experiment(&self) -> Experiment {
        let mut e = Experiment::new(self.scenario.clone(), self.policy(Arm::A), self.policy(Arm::B));
        e.runs = self.runs;
        e.first_seed = self.first_seed;
        e.period_minutes = self.period_minutes;
        e
    }

    /// The one week shown first.
    pub fn first_look(&self) -> Experiment {
        let mut e = self.experiment();
        e.runs = 1;
        e.first_seed = self.first_look_seed;
        e
    }

    /// The verdict of answering `choice` on these results.
    pub fn verdict(&self, choice: usize, c: &Comparison) -> Verdict {
        match self.choices.get(choice) {
            Some(x) if x.holds(c) => Verdict::Won,
            _ => Verdict::Lost,
        }
    }

    /// The objective as the lesson panel lists it.
    pub fn objective(&self) -> String {
        format!(
            "Run one week of each policy, then {} weeks of each, and answer the question from the spread",
            grouped(self.runs)
        )
    }
}

/// "1,000": runs as a room reads them.
pub fn grouped(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
