//! Which way a run went, judged from its log against the lesson's reference solution and
//! classic mistake, with one sentence that says only what the log and progress show.

use super::{clock, Path};
use crate::lessons::progress::Outcome;
use crate::lessons::{Lesson, Objective, Progress, Status, Verdict};
use crate::sim::command::{Command, GateMode, Strategy};
use crate::sim::ids::StageId;
use crate::sim::replay::LoggedCommand;
use crate::sim::world::World;

/// A command as a kind of step: its variant and the fields that change what it means
/// (where, which strategy, gates kept or skipped, which backup), in plain words. Not when,
/// not who, not version numbers: those follow from how many commits came before, so a run
/// with one extra commit still takes the same steps.
fn step(world: &World, c: &Command) -> String {
    let n = |s: &StageId| world.stage(s).map_or(s.as_str(), |x| x.name()).to_string();
    use Command as C;
    match c {
        C::Commit { .. } => "commit a change".into(),
        C::Hotfix { .. } => "build a hotfix through the expedited path".into(),
        C::Promote {
            to,
            strategy,
            gates,
            ..
        } => {
            let how = match strategy {
                Strategy::AllAtOnce => "all at once",
                Strategy::Rolling { .. } => "rolling",
                Strategy::BlueGreen => "blue-green",
                Strategy::Canary(_) => "canary",
                Strategy::DarkLaunch { .. } => "dark launch",
            };
            let skip = match gates {
                GateMode::Enforce => "",
                GateMode::Override { .. } => ", skipping the gates",
            };
            format!("promote to {} ({how}{skip})", n(to))
        }
        C::Approve { stage, .. } => format!("approve the release for {}", n(stage)),
        C::PauseRollout { stage } => format!("pause the rollout in {}", n(stage)),
        C::ResumeRollout { stage } => format!("resume the rollout in {}", n(stage)),
        C::AdvanceRollout { stage } => format!("advance the rollout in {}", n(stage)),
        C::AbortRollout { stage } => format!("abort the rollout in {}", n(stage)),
        C::SwitchTraffic { stage } => format!("switch blue-green traffic in {}", n(stage)),
        C::Rollback { stage, .. } => format!("roll {} back", n(stage)),
        C::SetFlag { stage, flag, .. } => format!("set flag {flag} in {}", n(stage)),
        C::SetConfig {
            stage,
            key,
            value: Some(_),
        } => format!("set {key} in {}", n(stage)),
        C::SetConfig { stage, key, .. } => format!("remove {key} from {}", n(stage)),
        C::SetSecret { stage, name, .. } => format!("set secret {name} in {}", n(stage)),
        C::TakeBackup { stage } => format!("take a backup of {}", n(stage)),
        C::RestoreBackup { stage, backup } => format!("restore {} from {backup}", n(stage)),
        C::Failover { stage } => format!("fail {} over to the standby region", n(stage)),
        C::RenewCertificate { stage } => format!("renew the certificate of {}", n(stage)),
        C::Scale { stage, .. } => format!("scale {}", n(stage)),
        C::Inject { failure } | C::Schedule { failure, .. } => {
            format!("inject a failure ({})", failure.describe())
        }
    }
}

fn steps(world: &World, log: &[LoggedCommand]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in log.iter().map(|e| step(world, &e.command)) {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// The objectives that failed at the outcome minute: the ones that decided a loss.
fn deciding_failures(progress: &Progress, outcome: Outcome) -> Vec<usize> {
    (0..progress.statuses().len())
        .filter(|&i| progress.failed_at(i) == Some(outcome.at))
        .collect()
}

/// Whether the lesson was decided by its time limit running out (the limit fails every
/// goal not met yet, the minute after it).
fn timed_out(lesson: &Lesson, outcome: Outcome) -> bool {
    lesson.file.objectives.iter().any(|o| match o {
        Objective::TimeLimit { minutes } => outcome.at.0 > *minutes,
        _ => false,
    })
}

pub fn judge(
    lesson: &Lesson,
    world: &World,
    log: &[LoggedCommand],
    progress: &Progress,
    outcome: Option<Outcome>,
) -> (Path, String) {
    let Some(outcome) = outcome else {
        return (Path::Running, String::new());
    };
    let yours = steps(world, log);
    let solution = steps(world, &lesson.file.solution);
    if outcome.verdict == Verdict::Won {
        if solution.is_empty() {
            // Nothing to compare with (a trainer's scenario without a solution).
            return (
                Path::WonAnotherWay,
                "You won; this scenario has no reference solution to compare with.".into(),
            );
        }
        let missing: Vec<&str> = solution
            .iter()
            .filter(|s| !yours.contains(s))
            .map(String::as_str)
            .collect();
        if missing.is_empty() {
            return (
                Path::Intended,
                "You won the intended way: this run took every kind of step the reference solution takes.".into(),
            );
        }
        return (
            Path::WonAnotherWay,
            format!(
                "You won another way than the reference solution, which also takes these steps this run did not: {}.",
                missing.join("; ")
            ),
        );
    }
    let failed = deciding_failures(progress, outcome);
    let first = failed.first().and_then(|&i| {
        let s = progress.statuses().get(i)?;
        let Status::Failed { reason } = &s.status else {
            return None;
        };
        Some(format!(
            "“{}” failed at {}: {reason}",
            s.text,
            clock(world, outcome.at)
        ))
    });
    if let Some(mistake) = &lesson.file.mistake {
        // A step of the mistake that the solution never takes, and this run took.
        let made = steps(world, &mistake.commands)
            .into_iter()
            .find(|s| !solution.contains(s) && yours.contains(s));
        if let Some(made) = made {
            return (
                Path::LostByKeyMistake,
                format!(
                    "This run made the lesson's key mistake: {} This run did: {made}.",
                    sentence(&mistake.description)
                ),
            );
        }
        // A mistake of omission leaves no step of its own: compare where the two runs failed.
        let theirs = lesson.play(&mistake.commands, lesson.check_at());
        // Running out of time fails every goal not met yet, so it only matches a mistake
        // that also ran out of time (doing nothing is not the mistake of doing it wrong).
        let same = theirs
            .progress()
            .outcome()
            .filter(|o| o.verdict == Verdict::Lost)
            .is_some_and(|o| {
                timed_out(lesson, o) == timed_out(lesson, outcome)
                    && deciding_failures(theirs.progress(), o)
                        .iter()
                        .any(|i| failed.contains(i))
            });
        if same {
            let what = first.unwrap_or_else(|| "an objective failed".into());
            return (
                Path::LostByKeyMistake,
                format!(
                    "This run failed where the lesson's key mistake fails ({what}). The key mistake: {}",
                    sentence(&mistake.description)
                ),
            );
        }
    }
    let sentence = match first {
        Some(what) => format!("This run was lost when {what}."),
        None => format!("This run was lost at {}.", clock(world, outcome.at)),
    };
    (Path::LostOtherwise, sentence)
}

/// Text from a scenario file as a sentence: it ends with a full stop if it had none.
fn sentence(text: &str) -> String {
    let t = text.trim_end();
    if t.ends_with(['.', '!', '?']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

/// The reference solution's next step for a run so far: its steps are matched in order
/// against the run's *applied* commands (a refused attempt does not count, unless the
/// solution itself is refused there, as when least privilege is shown by a refusal), by the
/// kind of step and where (not how: another strategy still counts). `None` once every step is matched.
pub fn next_step<'a>(lesson: &'a Lesson, world: &World, log: &[LoggedCommand]) -> Option<&'a LoggedCommand> {
    let solution = &lesson.file.solution;
    let mut next = 0;
    // The audit log numbers every command in order, so entry `seq` is `log[seq]` as long
    // as the whole session is the log (always, in a lesson: chaos is logged too).
    let refused: Vec<bool> = if world.audit.total == log.len() as u64 {
        let mut r = vec![false; log.len()];
        for e in world.audit.entries() {
            if let Some(slot) = r.get_mut(e.seq as usize) {
                *slot = matches!(e.outcome, crate::sim::audit::Outcome::Rejected { .. });
            }
        }
        r
    } else {
        vec![false; log.len()]
    };
    for (entry, refused) in log.iter().zip(refused) {
        let Some(want) = solution.get(next) else { break };
        // Coarser than the debrief's comparison: a promotion with another strategy still
        // moved the release on, so the guidance moves on with it.
        let coarse = |c: &Command| {
            let s = step(world, c);
            s.split(" (").next().unwrap_or_default().to_string()
        };
        let same = coarse(&entry.command) == coarse(&want.command);
        let solution_refused = world.permits(&want.actor, &want.command).is_err();
        if same && (!refused || (entry.actor == want.actor && solution_refused)) {
            next += 1;
        }
    }
    solution.get(next)
}
