//! Objectives: conditions on the engine's state (and the command log) checked every tick.
//! Each is met, not met yet, or failed (can no longer be met in this run).

use serde::{Deserialize, Serialize};
use crate::sim::access::Role;
use crate::sim::audit::Outcome;
use crate::sim::change::Defect;
use crate::sim::command::{Command, GateMode, Strategy};
use crate::sim::event::EventKind;
use crate::sim::ids::{AlertName, StageId, Version};
use crate::sim::replay::LoggedCommand;
use crate::sim::stage::CrashReason;
use crate::sim::time::SimTime;
use crate::sim::world::World;
use std::fmt;

/// Which release an objective means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ReleaseRef {
    /// The release running when the scenario starts.
    Initial,
    /// Any hotfix release.
    Hotfix,
    /// Any release built during the session (not the initial one).
    AnyNew,
    Exactly(Version),
}

impl TryFrom<String> for ReleaseRef {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        match s.as_str() {
            "initial" => Ok(ReleaseRef::Initial),
            "hotfix" => Ok(ReleaseRef::Hotfix),
            "any_new" => Ok(ReleaseRef::AnyNew),
            v => v
                .parse()
                .map(ReleaseRef::Exactly)
                .map_err(|e| format!("{e}, or one of initial, hotfix, any_new")),
        }
    }
}

impl From<ReleaseRef> for String {
    fn from(r: ReleaseRef) -> String {
        match r {
            ReleaseRef::Initial => "initial".into(),
            ReleaseRef::Hotfix => "hotfix".into(),
            ReleaseRef::AnyNew => "any_new".into(),
            ReleaseRef::Exactly(v) => v.to_string(),
        }
    }
}

impl ReleaseRef {
    fn matches(self, world: &World, v: Version) -> bool {
        match self {
            ReleaseRef::Initial => v == world.config.initial_version,
            ReleaseRef::Hotfix => world.releases.get(&v).is_some_and(|r| r.hotfix),
            ReleaseRef::AnyNew => v != world.config.initial_version,
            ReleaseRef::Exactly(x) => v == x,
        }
    }
}

impl fmt::Display for ReleaseRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReleaseRef::Initial => f.write_str("the starting release"),
            ReleaseRef::Hotfix => f.write_str("a hotfix"),
            ReleaseRef::AnyNew => f.write_str("a new release"),
            ReleaseRef::Exactly(v) => write!(f, "{v}"),
        }
    }
}

/// Deployment strategies by name, for `deployed_via`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StrategyKind {
    AllAtOnce,
    Rolling,
    BlueGreen,
    Canary,
    DarkLaunch,
}

impl StrategyKind {
    pub fn of(s: &Strategy) -> StrategyKind {
        match s {
            Strategy::AllAtOnce => StrategyKind::AllAtOnce,
            Strategy::Rolling { .. } => StrategyKind::Rolling,
            Strategy::BlueGreen => StrategyKind::BlueGreen,
            Strategy::Canary(_) => StrategyKind::Canary,
            Strategy::DarkLaunch { .. } => StrategyKind::DarkLaunch,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            StrategyKind::AllAtOnce => "all at once",
            StrategyKind::Rolling => "rolling",
            StrategyKind::BlueGreen => "blue-green",
            StrategyKind::Canary => "canary",
            StrategyKind::DarkLaunch => "dark launch",
        }
    }
}

fn default_percent() -> u8 {
    100
}

/// One goal or constraint of a lesson.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Objective {
    /// `release` serves at least `percent` % of `stage`, every instance healthy, with an
    /// error rate in the last minute of at most `max_error_rate`.
    ReleaseServes {
        stage: StageId,
        release: ReleaseRef,
        #[serde(default = "default_percent")]
        percent: u8,
        #[serde(default)]
        max_error_rate: Option<f64>,
    },
    /// `release` never finished deploying to `stage` (fails the moment it does).
    NeverFullyServed { stage: StageId, release: ReleaseRef },
    /// Every incident in `stage` was mitigated within `minutes` of users first being hurt.
    RestoredWithin { stage: StageId, minutes: u32 },
    /// At least one incident happened in `stage` and all are mitigated.
    IncidentMitigated { stage: StageId },
    /// No record of `stage`'s database is ever lost.
    NoRecordsLost { stage: StageId },
    /// At most `records` records of `stage`'s database are lost (a recovery point objective).
    RecordsLostAtMost { stage: StageId, records: u64 },
    /// No record of `stage`'s database is corrupted.
    NoCorruptedRecords { stage: StageId },
    /// `stage`'s database was restored from a backup and is readable.
    BackupRestored { stage: StageId },
    /// Every applied promotion into `stage` used this strategy (and there was at least one).
    DeployedVia {
        stage: StageId,
        strategy: StrategyKind,
    },
    /// No one skipped the gates.
    GatesNotOverridden,
    /// No deployment into `stage` stalled (instances that never became healthy).
    NoStalledDeploys { stage: StageId },
    /// At most `minutes` minutes in which over 5 % of real users' requests failed.
    DowntimeAtMost { minutes: u64 },
    /// The alert called `alert` fired at least once.
    AlertFired { alert: AlertName },
    /// No instance of `stage` ran out of memory.
    NoOutOfMemory { stage: StageId },
    /// An attempt outside the access policy was blocked (and so written to the audit log).
    UnauthorizedAttemptBlocked,
    /// Some promotion into `stage` was approved by someone with `role`.
    ApprovedBy { stage: StageId, role: Role },
    /// At least `remaining` (0..=1) of `stage`'s error budget is left.
    ErrorBudgetAtLeast { stage: StageId, remaining: f64 },
    /// Every minute from `from` to `until` (inclusive; no `until`: for the rest of the run),
    /// `stage`'s error rate is at most `max_error_rate`. With an `until`, it is met only once
    /// that minute has passed: a peak is survived when it is over.
    ErrorRateAtMost {
        stage: StageId,
        max_error_rate: f64,
        #[serde(default)]
        from: u64,
        #[serde(default)]
        until: Option<u64>,
    },
    /// No attacker exploits a security hole in a release serving real users.
    NoSecurityBreach,
    /// Everything else must be met by minute `minutes`.
    TimeLimit { minutes: u64 },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum Status {
    Met,
    /// A rule to keep (no records lost, no gate skipped, finish in time) that has not been
    /// broken so far. It is not "met" yet: it can still fail until the lesson is decided.
    Holding,
    NotYet,
    Failed {
        reason: String,
    },
}

/// An objective's text and where it stands now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObjectiveStatus {
    pub text: String,
    pub status: Status,
}

/// Whether the session is won, lost or still running.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    InProgress,
    Won,
    Lost,
}

/// Lost as soon as anything failed; won when every goal is met and every rule still holds
/// (a lesson of rules alone is never won by doing nothing).
pub fn verdict(statuses: &[ObjectiveStatus]) -> Verdict {
    if statuses
        .iter()
        .any(|s| matches!(s.status, Status::Failed { .. }))
    {
        Verdict::Lost
    } else if statuses.iter().any(|s| s.status == Status::Met)
        && statuses.iter().all(|s| s.status.is_ok())
    {
        Verdict::Won
    } else {
        Verdict::InProgress
    }
}

impl Status {
    /// Met, or a rule still holding: nothing left to do for this objective right now.
    pub fn is_ok(&self) -> bool {
        matches!(self, Status::Met | Status::Holding)
    }
}

fn failed(reason: impl Into<String>) -> Status {
    Status::Failed {
        reason: reason.into(),
    }
}

fn met_if(cond: bool) -> Status {
    if cond {
        Status::Met
    } else {
        Status::NotYet
    }
}

/// Whether a logged command was applied (not refused), judged from the audit log.
pub fn was_applied(world: &World, entry: &LoggedCommand) -> bool {
    let action = entry.command.describe();
    world.audit.entries().any(|a| {
        a.at == entry.at
            && a.actor == entry.actor
            && a.action.text() == action
            && a.outcome == Outcome::Applied
    })
}

/// "13:05" on the first day, "day 2 13:05" after.
fn clock(world: &World, t: SimTime) -> String {
    let (day, minute) = t.clock(world.config.start_minute_of_day);
    let hm = format!("{:02}:{:02}", minute / 60, minute % 60);
    if day == 1 {
        hm
    } else {
        format!("day {day} {hm}")
    }
}

fn stage_name(world: &World, s: &StageId) -> String {
    world
        .stage(s)
        .map_or(s.to_string(), |st| st.name().to_string())
}

impl Objective {
    /// A sentence for the objectives panel.
    pub fn text(&self, world: &World) -> String {
        use Objective as O;
        let n = |s: &StageId| stage_name(world, s);
        match self {
            O::ReleaseServes {
                stage,
                release,
                percent,
                max_error_rate,
            } => {
                let share = if *percent >= 100 {
                    "all of".to_string()
                } else {
                    format!("at least {percent} % of")
                };
                let errs = max_error_rate
                    .map(|e| format!(", with an error rate under {:.1} %", e * 100.0))
                    .unwrap_or_default();
                format!("{release} serves {share} {}{errs}", n(stage))
            }
            O::NeverFullyServed { stage, release } => {
                format!("{release} never takes over {}", n(stage))
            }
            O::RestoredWithin { stage, minutes } => format!(
                "Service in {} restored within {minutes} min of any incident",
                n(stage)
            ),
            O::IncidentMitigated { stage } => format!("The incident in {} is mitigated", n(stage)),
            O::NoRecordsLost { stage } => format!("No record of {}'s database is lost", n(stage)),
            O::RecordsLostAtMost { stage, records } => {
                format!("At most {records} records of {} are lost", n(stage))
            }
            O::NoCorruptedRecords { stage } => format!("No record of {} is corrupted", n(stage)),
            O::BackupRestored { stage } => {
                format!("{}'s database is restored from a backup", n(stage))
            }
            O::DeployedVia { stage, strategy } => format!(
                "Deploy to {} with the {} strategy",
                n(stage),
                strategy.label()
            ),
            O::GatesNotOverridden => "No gate is skipped".into(),
            O::NoStalledDeploys { stage } => format!("No deployment to {} gets stuck", n(stage)),
            O::DowntimeAtMost { minutes: 0 } => {
                "Users see no downtime (no minute with over 5 % errors)".into()
            }
            O::DowntimeAtMost { minutes } => format!("At most {minutes} min of downtime for users"),
            O::AlertFired { alert } => format!("The “{alert}” alert catches the problem"),
            O::NoOutOfMemory { stage } => format!("No instance in {} runs out of memory", n(stage)),
            O::UnauthorizedAttemptBlocked => {
                "An attempt outside the access policy is blocked and recorded".into()
            }
            O::ApprovedBy { stage, role } => format!(
                "The change to {} is approved by a {}",
                n(stage),
                role.label()
            ),
            O::ErrorBudgetAtLeast { stage, remaining } => format!(
                "At least {:.0} % of {}'s error budget is left",
                remaining * 100.0,
                n(stage)
            ),
            O::ErrorRateAtMost {
                stage,
                max_error_rate,
                from,
                until,
            } => {
                let at = |m: u64| clock(world, SimTime(m));
                let window = match (from, until) {
                    (0, None) => String::new(),
                    (f, None) => format!(" from {}", at(*f)),
                    (f, Some(u)) => format!(" from {} to {}", at(*f), at(*u)),
                };
                format!(
                    "{}'s error rate stays under {:.1} %{window}",
                    n(stage),
                    max_error_rate * 100.0
                )
            }
            O::NoSecurityBreach => "No attacker gets in through a security hole".into(),
            O::TimeLimit { minutes } => format!("Finish within {minutes} min"),
        }
    }

    /// Where this objective stands, ignoring any time limit. A rule that is not broken is
    /// [`Status::Holding`], not met: it can still break.
    pub fn status(&self, world: &World, log: &[LoggedCommand]) -> Status {
        match self.raw_status(world, log) {
            Status::Met if self.is_rule() => Status::Holding,
            s => s,
        }
    }

    /// A rule to keep for the whole run, rather than a goal to reach: it starts out holding
    /// and can only break.
    pub fn is_rule(&self) -> bool {
        use Objective as O;
        match self {
            O::ErrorRateAtMost { until, .. } => until.is_none(),
            O::NeverFullyServed { .. }
            | O::RestoredWithin { .. }
            | O::NoRecordsLost { .. }
            | O::RecordsLostAtMost { .. }
            | O::NoCorruptedRecords { .. }
            | O::GatesNotOverridden
            | O::NoStalledDeploys { .. }
            | O::DowntimeAtMost { .. }
            | O::NoOutOfMemory { .. }
            | O::ErrorBudgetAtLeast { .. }
            | O::NoSecurityBreach
            | O::TimeLimit { .. } => true,
            _ => false,
        }
    }

    fn raw_status(&self, world: &World, log: &[LoggedCommand]) -> Status {
        use Objective as O;
        let Some(stage) = self
            .stage()
            .and_then(|s| world.stage(s))
            .or(if self.stage().is_none() {
                Some(world.production())
            } else {
                None
            })
        else {
            return failed("that stage does not exist");
        };
        let recent = || {
            world
                .recent
                .iter()
                .filter(move |e| e.stage() == Some(&stage.config.id))
        };
        match self {
            O::ReleaseServes {
                release,
                percent,
                max_error_rate,
                ..
            } => {
                let ok = stage.pools.iter().any(|p| {
                    release.matches(world, p.release)
                        && p.weight >= (*percent).min(100)
                        && p.healthy() == p.instances.len()
                        && !p.instances.is_empty()
                }) && stage
                    .rollout
                    .as_ref()
                    .is_none_or(|r| !release.matches(world, r.release) || *percent < 100);
                let errors_ok = max_error_rate.is_none_or(|m| stage.last.error_rate() <= m);
                met_if(ok && errors_ok)
            }
            O::NeverFullyServed { release, .. } => match stage
                .history
                .iter()
                .find(|d| release.matches(world, d.release))
            {
                Some(d) if !matches!(release, ReleaseRef::Initial) => failed(format!(
                    "{} took over {} at minute {}",
                    d.release,
                    stage.name(),
                    d.at.0
                )),
                _ => Status::Met,
            },
            O::RestoredWithin { minutes, .. } => {
                for inc in world
                    .incidents
                    .iter()
                    .filter(|i| i.stage == stage.config.id)
                {
                    let took = inc
                        .mitigated_at
                        .unwrap_or(world.now)
                        .since(inc.impact_started_at);
                    if took.0 > *minutes {
                        return failed(format!(
                            "{} took {} to restore (limit {minutes} min)",
                            inc.id, took
                        ));
                    }
                }
                Status::Met
            }
            O::IncidentMitigated { .. } => {
                let mut incidents = world
                    .incidents
                    .iter()
                    .filter(|i| i.stage == stage.config.id)
                    .peekable();
                met_if(incidents.peek().is_some() && incidents.all(|i| i.mitigated_at.is_some()))
            }
            O::NoRecordsLost { .. } => match &stage.database {
                Some(db) if db.records_lost > 0 => {
                    failed(format!("{} records are gone for good", db.records_lost))
                }
                Some(db) if db.lost => Status::NotYet,
                _ => Status::Met,
            },
            O::RecordsLostAtMost { records, .. } => match &stage.database {
                Some(db) if db.records_lost > *records => failed(format!(
                    "{} records were lost (at most {records} allowed)",
                    db.records_lost
                )),
                Some(db) if db.lost => Status::NotYet,
                _ => Status::Met,
            },
            O::NoCorruptedRecords { .. } => match &stage.database {
                Some(db) if db.corrupted > 0 => {
                    failed(format!("{} records are corrupted", db.corrupted))
                }
                _ => Status::Met,
            },
            O::BackupRestored { .. } => {
                let readable = stage
                    .database
                    .as_ref()
                    .is_some_and(|d| d.restores > 0 && !d.lost)
                    && stage.faults.restoring.is_none();
                met_if(readable)
            }
            O::DeployedVia { strategy, .. } => {
                let mut any = false;
                for entry in log {
                    if let Command::Promote {
                        to, strategy: used, ..
                    } = &entry.command
                    {
                        if to == &stage.config.id && was_applied(world, entry) {
                            if StrategyKind::of(used) != *strategy {
                                return failed(format!(
                                    "a promotion at minute {} used {}",
                                    entry.at.0,
                                    used.label()
                                ));
                            }
                            any = true;
                        }
                    }
                }
                met_if(any)
            }
            O::GatesNotOverridden => {
                let overrides = world.delivery.gate_overrides;
                if overrides == 0 {
                    return Status::Met;
                }
                // The counter says that it happened; the log (when there is one) says who.
                let logged = log.iter().find(|e| {
                    matches!(
                        &e.command,
                        Command::Promote {
                            gates: GateMode::Override { .. },
                            ..
                        }
                    ) && was_applied(world, e)
                });
                match logged {
                    Some(e) => failed(format!(
                        "{} skipped the gates at minute {}",
                        e.actor, e.at.0
                    )),
                    None if overrides == 1 => failed("the gates were skipped once"),
                    None => failed(format!("the gates were skipped {overrides} times")),
                }
            }
            O::NoStalledDeploys { .. } => {
                match recent().find(|e| matches!(e.kind, EventKind::DeployStalled { .. })) {
                    Some(e) => failed(format!("a deployment stalled at minute {}", e.at.0)),
                    None => Status::Met,
                }
            }
            O::DowntimeAtMost { minutes } => {
                let bad = world.delivery.bad_minutes;
                if bad > *minutes {
                    failed(format!("users saw {bad} min of downtime"))
                } else {
                    Status::Met
                }
            }
            O::AlertFired { alert } => {
                met_if(world.recent.iter().any(
                    |e| matches!(&e.kind, EventKind::AlertFired { alert: a, .. } if a == alert),
                ))
            }
            O::NoOutOfMemory { .. } => {
                match recent().find(|e| {
                    matches!(
                        &e.kind,
                        EventKind::InstanceCrashed {
                            cause: CrashReason::OutOfMemory,
                            ..
                        }
                    )
                }) {
                    Some(e) => failed(format!(
                        "an instance ran out of memory at minute {}",
                        e.at.0
                    )),
                    None => Status::Met,
                }
            }
            O::UnauthorizedAttemptBlocked => met_if(
                world
                    .recent
                    .iter()
                    .any(|e| matches!(e.kind, EventKind::AccessDenied { .. })),
            ),
            O::ApprovedBy { role, .. } => met_if(world.recent.iter().any(|e| match &e.kind {
                EventKind::Approved { stage: s, by, .. } => {
                    s == &stage.config.id && world.actor(by).is_some_and(|a| a.role == *role)
                }
                _ => false,
            })),
            O::ErrorBudgetAtLeast { remaining, .. } => match &stage.monitor.slo {
                Some(slo) if slo.remaining() < *remaining => failed(format!(
                    "only {:.0} % of the error budget is left",
                    slo.remaining().max(0.0) * 100.0
                )),
                _ => Status::Met,
            },
            O::ErrorRateAtMost {
                max_error_rate,
                from,
                until,
                ..
            } => {
                let window = |t: SimTime| t.0 >= *from && until.is_none_or(|u| t.0 <= u);
                let first_bad =
                    stage.monitor.series.iter().find(|s| {
                        window(s.at) && s.requests > 0 && s.error_rate() > *max_error_rate
                    });
                match first_bad {
                    Some(s) => failed(format!(
                        "{:.1} % of requests failed at {}",
                        s.error_rate() * 100.0,
                        clock(world, s.at)
                    )),
                    None if until.is_some_and(|u| world.now.0 <= u) => Status::NotYet,
                    None => Status::Met,
                }
            }
            O::NoSecurityBreach => match world.releases.values().find(|r| r.exploited) {
                Some(r) => {
                    let when = world.recent.iter().find(|e| matches!(&e.kind, EventKind::DefectDiscovered { release, defect: Defect::SecurityHole, .. } if *release == r.version));
                    match when {
                        Some(e) => failed(format!(
                            "attackers got in through {} at {}",
                            r.version,
                            clock(world, e.at)
                        )),
                        None => failed(format!("attackers got in through {}", r.version)),
                    }
                }
                None => Status::Met,
            },
            O::TimeLimit { minutes } => {
                if world.now.0 > *minutes {
                    failed(format!("time is up (minute {minutes})"))
                } else {
                    Status::Met
                }
            }
        }
    }

    /// The stage an objective names, if any.
    pub fn stage(&self) -> Option<&StageId> {
        use Objective as O;
        match self {
            O::ReleaseServes { stage, .. }
            | O::NeverFullyServed { stage, .. }
            | O::RestoredWithin { stage, .. }
            | O::IncidentMitigated { stage }
            | O::NoRecordsLost { stage }
            | O::RecordsLostAtMost { stage, .. }
            | O::NoCorruptedRecords { stage }
            | O::BackupRestored { stage }
            | O::DeployedVia { stage, .. }
            | O::NoStalledDeploys { stage }
            | O::NoOutOfMemory { stage }
            | O::ApprovedBy { stage, .. }
            | O::ErrorBudgetAtLeast { stage, .. }
            | O::ErrorRateAtMost { stage, .. } => Some(stage),
            O::GatesNotOverridden
            | O::DowntimeAtMost { .. }
            | O::AlertFired { .. }
            | O::UnauthorizedAttemptBlocked
            | O::NoSecurityBreach
            | O::TimeLimit { .. } => None,
        }
    }

    /// Whether, once met, this objective stays met: it asks whether something happened
    /// (an alert fired, an attempt was blocked), not how things stand now.
    pub fn stays_met(&self) -> bool {
        matches!(
            self,
            Objective::AlertFired { .. }
                | Objective::UnauthorizedAttemptBlocked
                | Objective::ApprovedBy { .. }
        )
    }

    /// Releases an objective names explicitly.
    pub fn release(&self) -> Option<ReleaseRef> {
        match self {
            Objective::ReleaseServes { release, .. }
            | Objective::NeverFullyServed { release, .. } => Some(*release),
            _ => None,
        }
    }
}

/// Evaluates every objective at this moment. Once a time limit has passed, anything not met
/// has failed; and while everything else is met, the time limit itself counts as met.
/// [`super::Progress`] adds memory: failures that stay failed.
pub fn evaluate(
    objectives: &[Objective],
    world: &World,
    log: &[LoggedCommand],
) -> Vec<ObjectiveStatus> {
    let raw = objectives
        .iter()
        .map(|o| ObjectiveStatus {
            text: o.text(world),
            status: o.status(world, log),
        })
        .collect();
    apply_time_limit(objectives, world.now, raw)
}

/// The time limit's part of [`evaluate`], on statuses already worked out.
pub(crate) fn apply_time_limit(
    objectives: &[Objective],
    now: SimTime,
    mut out: Vec<ObjectiveStatus>,
) -> Vec<ObjectiveStatus> {
    let limit = objectives.iter().find_map(|o| match o {
        Objective::TimeLimit { minutes } => Some(*minutes),
        _ => None,
    });
    let others_met = objectives
        .iter()
        .zip(&out)
        .all(|(o, s)| matches!(o, Objective::TimeLimit { .. }) || s.status.is_ok());
    // With goals, the limit is met once they are; with rules alone ("keep the site up
    // until the sale ends"), once the time is up and they held.
    let reached = objectives
        .iter()
        .zip(&out)
        .any(|(o, s)| !matches!(o, Objective::TimeLimit { .. }) && s.status == Status::Met)
        || limit.is_some_and(|l| now.0 > l);
    for (o, s) in objectives.iter().zip(out.iter_mut()) {
        match o {
            Objective::TimeLimit { .. } if others_met && reached => s.status = Status::Met,
            Objective::TimeLimit { .. } => {}
            _ if limit.is_some_and(|l| now.0 > l) && s.status == Status::NotYet => {
                s.status = failed("not done before the time limit");
            }
            _ => {}
        }
    }
    out
}
