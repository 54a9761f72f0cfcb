//! A team's practices, as data: how production is deployed, which gates run, which alerts
//! page, whether the platform rolls back by itself, how changes are batched and when the
//! team works. A policy becomes scenario overrides (what the platform does) plus the
//! scripted team's habits (what the people do), so a run can be replayed from a share link.

use crate::sim::change::{GateKind, MigrationPractice};
use crate::sim::command::{
    Amount, BaselineComparison, CanaryAnalysis, CanaryPlan, RollingPlan, Strategy,
};
use crate::sim::config::AlertRule;
use serde::{Deserialize, Serialize};

/// How the team deploys to production (earlier stages always take a rolling update, one
/// instance at a time, as the benchmark's busy team does).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum StrategyChoice {
    AllAtOnce,
    /// Kubernetes' rolling update, limits in percent of the desired instances.
    Rolling {
        max_surge_percent: u8,
        max_unavailable_percent: u8,
    },
    /// Green starts beside blue; the team switches traffic as soon as green is ready.
    BlueGreen,
    /// Traffic steps in percent, each held `pause_minutes`. With `analysis`, the canary's
    /// errors and latency are judged every minute (thresholds and a comparison with stable,
    /// the simulator's defaults); without it the steps only wait.
    Canary {
        steps: Vec<u8>,
        pause_minutes: u32,
        analysis: bool,
    },
}

impl StrategyChoice {
    /// The simulator's default canary: 10 → 25 → 50 %, 10 minutes each, with analysis.
    pub fn canary() -> Self {
        let plan = CanaryPlan::default();
        StrategyChoice::Canary {
            steps: plan.steps,
            pause_minutes: plan.pause_minutes,
            analysis: true,
        }
    }

    /// The engine's strategy for this choice.
    pub fn to_strategy(&self) -> Strategy {
        match self {
            StrategyChoice::AllAtOnce => Strategy::AllAtOnce,
            StrategyChoice::Rolling {
                max_surge_percent,
                max_unavailable_percent,
            } => Strategy::Rolling(RollingPlan::Limits {
                max_surge: Amount::Percent(*max_surge_percent),
                max_unavailable: Amount::Percent(*max_unavailable_percent),
            }),
            StrategyChoice::BlueGreen => Strategy::BlueGreen,
            StrategyChoice::Canary {
                steps,
                pause_minutes,
                analysis,
            } => {
                let analysis = if *analysis {
                    CanaryPlan::default().analysis
                } else {
                    // Thresholds nothing can cross: the canary only waits out its steps.
                    CanaryAnalysis {
                        max_error_rate: 1.0,
                        max_p95_ms: f64::MAX,
                        failure_limit: u32::MAX,
                        baseline: None::<BaselineComparison>,
                    }
                };
                Strategy::Canary(Box::new(CanaryPlan {
                    steps: steps.clone(),
                    pause_minutes: *pause_minutes,
                    analysis,
                }))
            }
        }
    }

    pub fn label(&self) -> String {
        match self {
            StrategyChoice::Canary {
                analysis: false, ..
            } => format!("{} without analysis", self.to_strategy().label()),
            _ => self.to_strategy().label(),
        }
    }
}

/// The checks a policy may leave out: every gate but the build, which cannot be skipped
/// (a release is what the build made).
pub const SKIPPABLE_GATES: [GateKind; 6] = [
    GateKind::UnitTests,
    GateKind::IntegrationTests,
    GateKind::AcceptanceTests,
    GateKind::LoadTest,
    GateKind::SecurityScan,
    GateKind::ManualApproval,
];

/// Which alert rules watch production.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertChoice {
    /// Whatever the scenario configures.
    Scenario,
    /// The simulator's standard set: symptoms (error rate, p95, memory) and the SRE
    /// Workbook's multiwindow burn-rate alerts.
    Standard,
    /// Only the multiwindow, multi-burn-rate alerts on the error and latency budgets.
    BurnRate,
    /// Only the symptom rules (error rate, p95, memory), no budgets.
    Symptoms,
    /// Nothing pages: an incident opens only when users report it, after
    /// `sim::reports::USERS_REPORT_AFTER` of harm without a break, and nothing rolls back
    /// by itself.
    None,
}

impl AlertChoice {
    /// The rules for a production stage, from the standard set; `None` keeps the scenario's.
    pub fn rules(self, standard: Vec<AlertRule>) -> Option<Vec<AlertRule>> {
        let keep = |rules: Vec<AlertRule>, burn: bool| {
            rules
                .into_iter()
                .filter(|r| r.metric.is_burn_rate() == burn)
                .collect()
        };
        match self {
            AlertChoice::Scenario => None,
            AlertChoice::Standard => Some(standard),
            AlertChoice::BurnRate => Some(keep(standard, true)),
            AlertChoice::Symptoms => Some(keep(standard, false)),
            AlertChoice::None => Some(Vec::new()),
        }
    }
}

/// When the team commits, promotes and reviews. On-call answers pages around the clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hours {
    /// 09:00 to 17:00 every simulated day (the engine has no weekends).
    Office,
    AroundTheClock,
}

/// A team's practices. Every field is checked by [`Policy::check`] before a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Shown beside the results ("Cautious", "My team", ...).
    pub name: String,
    pub strategy: StrategyChoice,
    /// Checks removed from every stage that has them (the others still run); any of
    /// [`SKIPPABLE_GATES`], never the build.
    #[serde(default)]
    pub skip_gates: Vec<GateKind>,
    pub alerts: AlertChoice,
    /// The platform rolls production back by itself on a critical alert.
    pub automatic_rollback: bool,
    /// Batch size: production is promoted only once the candidate carries this many
    /// commits that production does not run yet.
    pub commits_per_release: u32,
    pub commits_per_day: u32,
    pub hours: Hours,
    /// How long a reviewer takes to approve a release waiting for manual approval.
    pub review_minutes: u32,
    /// How long on-call takes, after an incident opens, to roll production back by hand.
    pub on_call_response_minutes: u32,
    /// How the team writes schema changes. Teams that run old and new code side by side
    /// (canary, rolling, blue-green) write them expand/contract, or the old release breaks
    /// the moment the new one migrates the database; policy files without the field get
    /// expand/contract.
    #[serde(default)]
    pub migrations: MigrationPractice,
    /// The SRE Workbook's error-budget policy: ordinary promotions to production stop
    /// while its error budget is spent (hotfixes still go). A team with no gates has no
    /// such policy either. Policy files without the field keep the freeze.
    #[serde(default = "keeps_freeze")]
    pub error_budget_freeze: bool,
}

/// Policy files (and the web lab's forms) without the field keep the freeze.
pub(crate) fn keeps_freeze() -> bool {
    true
}

/// Limits a policy must stay within (the engine's own limits, or what a week can hold).
pub mod limits {
    pub const MAX_COMMITS_PER_DAY: u32 = 288;
    pub const MAX_COMMITS_PER_RELEASE: u32 = 100;
    pub const MAX_WAIT_MINUTES: u32 = 24 * 60;
    pub const MAX_CANARY_STEPS: usize = 10;
    pub const MAX_NAME: usize = 60;
}

impl Policy {
    /// The practices the simulator teaches: a canary with analysis, every gate, the
    /// standard alerts and automatic rollback, one commit per release.
    pub fn cautious() -> Policy {
        Policy {
            name: "Cautious: canary + analysis + auto rollback".into(),
            strategy: StrategyChoice::canary(),
            skip_gates: Vec::new(),
            alerts: AlertChoice::Standard,
            automatic_rollback: true,
            commits_per_release: 1,
            commits_per_day: 12,
            hours: Hours::Office,
            review_minutes: 15,
            on_call_response_minutes: 15,
            migrations: MigrationPractice::ExpandContract,
            error_budget_freeze: true,
        }
    }

    /// Everything at once, no checks but the build; alerts still page a human.
    pub fn fast_and_loose() -> Policy {
        Policy {
            name: "Fast and loose: all at once, no gates".into(),
            strategy: StrategyChoice::AllAtOnce,
            skip_gates: SKIPPABLE_GATES.to_vec(),
            automatic_rollback: false,
            // Every instance restarts on the new release at once, so no old code reads the
            // new schema while it deploys; the cost shows only when a rollback is needed.
            migrations: MigrationPractice::InPlace,
            // No gate of any kind, so no error-budget policy either: a spent budget does
            // not stop its deploys (with it, a week of all-at-once deploys stopped after
            // the first day's boot outages, and the team looked safe for deploying less).
            error_budget_freeze: false,
            ..Policy::cautious()
        }
    }

    /// Kubernetes' default rolling update with every gate; on-call rolls back by hand.
    pub fn rolling() -> Policy {
        Policy {
            name: "Rolling update, gates, manual rollback".into(),
            strategy: StrategyChoice::Rolling {
                max_surge_percent: 25,
                max_unavailable_percent: 25,
            },
            automatic_rollback: false,
            ..Policy::cautious()
        }
    }

    pub fn blue_green() -> Policy {
        Policy {
            name: "Blue-green + auto rollback".into(),
            strategy: StrategyChoice::BlueGreen,
            ..Policy::cautious()
        }
    }

    /// A release train: ten commits per release, otherwise cautious.
    pub fn release_train() -> Policy {
        Policy {
            name: "Release train: 10 commits per release".into(),
            commits_per_release: 10,
            ..Policy::cautious()
        }
    }

    /// All at once with gates, but no alert rules: users find problems, half an hour late.
    pub fn unmonitored() -> Policy {
        Policy {
            name: "All at once, gates, no alerts".into(),
            strategy: StrategyChoice::AllAtOnce,
            alerts: AlertChoice::None,
            automatic_rollback: false,
            ..Policy::cautious()
        }
    }

    /// The named presets, as `(name for the command line, policy)`.
    pub fn presets() -> Vec<(&'static str, Policy)> {
        vec![
            ("cautious", Policy::cautious()),
            ("fast", Policy::fast_and_loose()),
            ("rolling", Policy::rolling()),
            ("blue-green", Policy::blue_green()),
            ("release-train", Policy::release_train()),
            ("unmonitored", Policy::unmonitored()),
        ]
    }

    pub fn preset(name: &str) -> Option<Policy> {
        Policy::presets()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, p)| p)
    }

    /// Every value out of range, in plain words (empty when the policy can run).
    pub fn check(&self) -> Vec<String> {
        use limits::*;
        let mut bad = Vec::new();
        let mut range = |field: &str, v: u32, lo: u32, hi: u32| {
            if v < lo || v > hi {
                bad.push(format!("{field} must be between {lo} and {hi} (it is {v})"));
            }
        };
        range(
            "commits_per_day",
            self.commits_per_day,
            1,
            MAX_COMMITS_PER_DAY,
        );
        range(
            "commits_per_release",
            self.commits_per_release,
            1,
            MAX_COMMITS_PER_RELEASE,
        );
        range("review_minutes", self.review_minutes, 0, MAX_WAIT_MINUTES);
        range(
            "on_call_response_minutes",
            self.on_call_response_minutes,
            0,
            MAX_WAIT_MINUTES,
        );
        match &self.strategy {
            StrategyChoice::Rolling {
                max_surge_percent: s,
                max_unavailable_percent: u,
            } => {
                range("strategy.max_surge_percent", u32::from(*s), 0, 100);
                range("strategy.max_unavailable_percent", u32::from(*u), 0, 100);
            }
            StrategyChoice::Canary {
                steps,
                pause_minutes,
                ..
            } => {
                range(
                    "strategy.pause_minutes",
                    *pause_minutes,
                    1,
                    MAX_WAIT_MINUTES,
                );
                if steps.is_empty() || steps.len() > MAX_CANARY_STEPS {
                    bad.push(format!(
                        "strategy.steps must list 1 to {MAX_CANARY_STEPS} traffic weights (it lists {})",
                        steps.len()
                    ));
                }
                let rising = steps.windows(2).all(|w| w[0] < w[1]);
                if !rising || steps.iter().any(|s| *s == 0 || *s >= 100) {
                    bad.push(format!(
                        "strategy.steps must rise, each between 1 and 99 % (they are {steps:?})"
                    ));
                }
            }
            StrategyChoice::AllAtOnce | StrategyChoice::BlueGreen => {}
        }
        if self.skip_gates.contains(&GateKind::Build) {
            bad.push(
                "skip_gates cannot name build: the build cannot be skipped (a release is what it made)"
                    .to_string(),
            );
        }
        if self.name.chars().count() > MAX_NAME {
            bad.push(format!("name must be at most {MAX_NAME} characters"));
        }
        bad
    }

    /// Reads a policy from JSON, with serde's line and column on errors, then checks it.
    pub fn from_json(text: &str) -> Result<Policy, String> {
        let policy: Policy = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let bad = policy.check();
        if bad.is_empty() {
            Ok(policy)
        } else {
            Err(bad.join("; "))
        }
    }
}
