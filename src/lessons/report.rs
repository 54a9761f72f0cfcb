//! A blameless post-incident report in Markdown, written from the world's own records:
//! the timeline of events, incident timings, user impact and delivery measures, and the
//! contributing factors the events point to. It describes what the system allowed, not who
//! is to blame.

use super::debrief::{run_debrief, RunDebrief};
use super::{Lesson, ObjectiveStatus, Session, Verdict};
use crate::sim::change::Defect;
use crate::sim::event::EventKind;
use crate::sim::stage::CrashReason;
use crate::sim::world::World;
use crate::sim::{Detection, USERS_REPORT_AFTER};
use std::collections::BTreeSet;
use std::fmt::Write;

/// Markdown text. Text that came from users (commit summaries, reasons) is escaped so it
/// cannot become markup when the report is rendered. The objectives are judged from the
/// world as it is now; [`session_report`] uses the session's remembered progress instead.
pub fn post_incident(world: &World, lesson: Option<&Lesson>) -> String {
    let statuses = lesson.map(|l| l.check(world, &[]));
    write_report(world, lesson, statuses.as_deref(), None)
}

/// The report for a played session: objectives as its [`super::Progress`] has them (a
/// failure stays a failure even if the world later looks fine).
///
/// It also tells what decided the run and splits the failed requests (see
/// [`super::debrief`]). Exported before the lesson is decided, it says so at the top and
/// leaves out the closing debrief: nothing in it is a verdict yet.
pub fn session_report(session: &Session) -> String {
    let debrief = run_debrief(
        &session.lesson,
        session.world.seed,
        &session.world,
        &session.log,
        session.progress(),
    );
    write_report(
        &session.world,
        Some(&session.lesson),
        Some(session.progress().statuses()),
        Some(&debrief),
    )
}

fn write_report(
    world: &World,
    lesson: Option<&Lesson>,
    statuses: Option<&[ObjectiveStatus]>,
    debrief: Option<&RunDebrief>,
) -> String {
    let start = world.config.start_minute_of_day;
    let at = |t: crate::sim::time::SimTime| t.label(start);
    let mut md = String::new();
    let title = lesson.map_or("Free play".to_string(), |l| escape(&l.file.title));
    let _ = writeln!(md, "# Post-incident review: {title}\n");
    let _ = writeln!(
        md,
        "_Blameless format: this report describes what happened and what the system made easy or hard. \
         People acted on what they knew at the time._\n"
    );
    // Free play (and a lab run opened from the lab) has no objectives, hence no verdict to
    // wait for: only a lesson with objectives is "still running".
    let has_goals = lesson.is_some_and(|l| !l.file.objectives.is_empty());
    let mid_lesson = has_goals && debrief.is_some_and(|d| d.outcome.is_none());
    if mid_lesson {
        let _ = writeln!(
            md,
            "_Exported mid-lesson at {}: the lesson is still running; nothing here is a verdict._\n",
            at(world.now)
        );
    }
    let _ = writeln!(
        md,
        "Simulated time covered: {} to {} (seed {}).\n",
        at(crate::sim::time::SimTime::ZERO),
        at(world.now),
        world.seed
    );

    let _ = writeln!(md, "## Summary\n");
    let prod = world.production();
    let serving: Vec<String> = prod
        .serving()
        .iter()
        .map(|(v, w)| format!("{v} ({w} %)"))
        .collect();
    let _ = writeln!(
        md,
        "- {} now serves: {}.",
        escape(prod.name()),
        if serving.is_empty() {
            "nothing".into()
        } else {
            serving.join(", ")
        }
    );
    let _ = writeln!(
        md,
        "- Incidents: {} ({} still open).",
        world.incidents.len(),
        world.open_incidents().count()
    );
    if let Some(db) = &prod.database {
        let _ = writeln!(
            md,
            "- {} database: {} records, {} lost for good, {} corrupted.",
            escape(prod.name()),
            db.records,
            db.records_lost,
            db.corrupted
        );
    }
    if let Some(o) = debrief.and_then(|d| d.outcome) {
        let how = if o.verdict == Verdict::Won {
            "won"
        } else {
            "lost"
        };
        let _ = writeln!(md, "- The lesson was {how} at {}.", at(o.at));
    }
    if let Some(statuses) = statuses {
        for s in statuses {
            let mark = match &s.status {
                super::Status::Met => "met".to_string(),
                super::Status::Holding => "kept".to_string(),
                super::Status::NotYet => "not met yet".to_string(),
                super::Status::Failed { reason } => format!("missed: {}", escape(reason)),
            };
            let _ = writeln!(md, "- Objective “{}”: {mark}.", escape(&s.text));
        }
    }

    let _ = writeln!(md, "\n## Incidents\n");
    if world.incidents.is_empty() {
        let _ = writeln!(md, "No incident was opened.");
    }
    for inc in &world.incidents {
        let _ = writeln!(md, "### {} — {}\n", inc.id, escape(&inc.title));
        let _ = writeln!(
            md,
            "- Release running: {}",
            inc.release.map_or("unknown".into(), |v| v.to_string())
        );
        let _ = writeln!(md, "- Users first affected: {}", at(inc.impact_started_at));
        let by = match inc.detected_by {
            Detection::Alert => "a critical alert",
            Detection::Breach => "the breach itself",
            Detection::Users => "users' reports, escalated by support",
        };
        let _ = writeln!(
            md,
            "- Detected: {} by {by} (time to detect: {})",
            at(inc.detected_at),
            inc.time_to_detect()
        );
        match (inc.mitigated_at, inc.time_to_restore()) {
            (Some(m), Some(ttr)) => {
                let _ = writeln!(md, "- Mitigated: {} (time to restore: {ttr})", at(m));
            }
            _ => {
                let _ = writeln!(md, "- Mitigated: not yet");
            }
        }
        let _ = writeln!(
            md,
            "- Resolved: {}\n",
            inc.resolved_at.map_or("not yet".into(), at)
        );
    }

    let r = world.delivery.report(world.now);
    let _ = writeln!(md, "## Impact and delivery measures\n");
    let _ = writeln!(md, "| Measure | Value |\n|---|---|");
    let _ = writeln!(md, "| Failed requests | {} |", r.failed_requests);
    let _ = writeln!(
        md,
        "| User-minutes affected | {:.0} |",
        r.user_minutes_affected
    );
    let _ = writeln!(
        md,
        "| Minutes with over 5 % errors | {} |",
        world.delivery.bad_minutes
    );
    let _ = writeln!(
        md,
        "| Deploys to production | {} ({:.1} per day) |",
        r.production_deploys, r.deploys_per_day
    );
    let _ = writeln!(
        md,
        "| Lead time for changes | {} |",
        r.lead_time.map_or("–".into(), |m| m.to_string())
    );
    let _ = writeln!(
        md,
        "| Change failure rate | {} |",
        r.change_failure_rate
            .map_or("–".into(), |x| format!("{:.0} %", x * 100.0))
    );
    let _ = writeln!(
        md,
        "| Time to restore service | {} |",
        r.time_to_restore.map_or("–".into(), |m| m.to_string())
    );
    if let Some(slo) = &prod.monitor.slo {
        let _ = writeln!(
            md,
            "| Error budget left | {:.0} % |",
            slo.remaining().max(0.0) * 100.0
        );
    }

    if let Some(d) = debrief {
        let _ = writeln!(md, "\n{}", escape(&d.requests.sentence()));
        write_happened(&mut md, world, d);
    }

    let _ = writeln!(md, "\n## Contributing factors\n");
    let factors = contributing_factors(world);
    if factors.is_empty() {
        let _ = writeln!(md, "Nothing in the record points to a contributing factor.");
    }
    for f in factors {
        let _ = writeln!(md, "- {f}");
    }

    let _ = writeln!(md, "\n## Timeline\n");
    let important: Vec<_> = world.recent.iter().filter(|e| e.is_important()).collect();
    let shown = important.len().min(80);
    if important.len() > shown {
        let _ = writeln!(
            md,
            "_Showing the last {shown} of {} notable events._\n",
            important.len()
        );
    }
    for e in &important[important.len() - shown..] {
        let _ = writeln!(md, "- **{}** {}", at(e.at), escape(&world.describe(e)));
    }

    let _ = writeln!(md, "\n## Questions for the review\n");
    let _ = writeln!(
        md,
        "- What did the people involved know at each step, and what would have told them sooner?"
    );
    let _ = writeln!(
        md,
        "- Which safeguard (a gate, a strategy, an alert, a backup) would have made this smaller?"
    );
    let _ = writeln!(
        md,
        "- What one change to the pipeline or the runbook do we make first?"
    );
    match (lesson, debrief) {
        // Mid-lesson: no closing debrief, as if it had ended.
        (_, Some(d)) if d.outcome.is_none() => {}
        (_, Some(d)) => {
            let _ = writeln!(md, "\n## Debrief\n");
            for line in &d.teaches {
                let _ = writeln!(md, "{}\n", escape(line));
            }
            if let Some(par) = d.par_sentence(start) {
                let _ = writeln!(md, "{}", escape(&par));
            }
        }
        (Some(l), None) if !l.file.debrief.is_empty() => {
            let _ = writeln!(md, "\n## Debrief\n\n{}", escape(&l.file.debrief));
        }
        _ => {}
    }
    md
}

/// The run's decisive events, each automated decision with its rule, threshold, samples
/// and verdict, so a reader can check why it went that way.
fn write_happened(md: &mut String, world: &World, d: &RunDebrief) {
    let at = |t: crate::sim::time::SimTime| t.label(world.config.start_minute_of_day);
    let _ = writeln!(md, "\n## What happened\n");
    if d.happened.is_empty() {
        let _ = writeln!(md, "Nothing decisive has happened yet.");
    }
    for h in &d.happened {
        let _ = writeln!(md, "- **{}** {}", at(h.at), escape(&h.text));
        if let Some(e) = &h.evidence {
            let _ = writeln!(md, "  - Rule: {}", escape(&e.rule));
            let _ = writeln!(md, "  - Threshold: {}", escape(&e.threshold));
            if !e.samples.is_empty() {
                let _ = writeln!(md, "  - Measured: {}", escape(&e.samples.join("; ")));
            }
            let _ = writeln!(md, "  - Verdict: {}", escape(&e.verdict));
        }
    }
    if d.left_out > 0 {
        let _ = writeln!(md, "\n_{} less decisive events left out._", d.left_out);
    }
}

/// Factors the events point to, each said once, in a blameless voice.
pub fn contributing_factors(world: &World) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = BTreeSet::new();
    let n = |s: &crate::sim::ids::StageId| escape(world.stage(s).map_or(s.as_str(), |x| x.name()));
    let mut add = |key: &str, text: String| {
        if seen.insert(key.to_string()) {
            out.push(text);
        }
    };
    for e in &world.recent {
        match &e.kind {
            EventKind::GatesOverridden { release, reason, .. } => {
                add("override", format!("The gates were skipped for {release} (reason given: “{}”); nothing then checked it before users did.", escape(reason)))
            }
            EventKind::DeployStalled { release, explanation, .. } => add(
                "stall",
                format!("{release} did not start in time: {}. A difference between environments is the usual cause.", escape(&explanation.samples.join("; "))),
            ),
            EventKind::MigrationApplied { destructive: true, stage, .. } => add(
                &format!("migration-{stage}"),
                format!("A destructive database migration ran in {}; older releases cannot read the new schema, so rolling back could not undo it.", n(stage)),
            ),
            EventKind::DataCorrupted { stage, .. } => add(&format!("corruption-{stage}"), format!("A release wrote damaged records in {}; tests did not exercise that path.", n(stage))),
            EventKind::DatabaseLost { stage, .. } => add("dbloss", format!("{} lost its database; how much data came back depended on how recent the last backup was.", n(stage))),
            EventKind::CanaryAnalysisFailed { .. } => add("canary", "Canary analysis limited the bad release to a small share of users.".into()),
            EventKind::AccessDenied { actor, .. } => add("denied", format!("An action by {actor} fell outside the access policy; it was blocked and written to the audit log.")),
            EventKind::ErrorBudgetExhausted { stage, .. } => add("budget", format!("{}'s error budget ran out, which by policy freezes further promotions.", n(stage))),
            EventKind::DefectDiscovered { defect: Defect::SecurityHole, release, stage } if *release == world.config.initial_version => add(
                "defect-SecurityHole",
                format!("{release}, already running in {} when the story began, had a known security hole; attackers found it before a patch replaced it.", n(stage)),
            ),
            EventKind::DefectDiscovered { defect, stage, .. } if *defect != Defect::None => {
                add(&format!("defect-{defect:?}"), format!("A {} reached {}; earlier checks had a chance to catch it and did not.", defect.label(), n(stage)))
            }
            EventKind::InstanceCrashed { cause: CrashReason::OutOfMemory, stage, .. } => {
                add("oom", format!("Instances in {} ran out of memory; a slow leak takes hours to show, so it needs an alert on memory, not on errors.", n(stage)))
            }
            EventKind::FailureInjected { description } => add(&format!("chaos-{description}"), format!("An outside event: {}.", escape(description))),
            _ => {}
        }
    }
    let by_users = world.incidents.iter().filter(|i| i.detected_by == Detection::Users).count();
    if by_users > 0 {
        add("users-detect", format!("No alert paged for {by_users} incident(s): users reported each one through support after {USERS_REPORT_AFTER} of harm. An alert on what users felt (the error rate, requests slower than the latency objective, or the error budget's burn rate) would have paged within minutes."));
    }
    if world.incidents.iter().any(|i| i.detected_by == Detection::Alert && i.time_to_detect().0 > 10) {
        add("slow-detect", "Some problems were felt by users for over 10 minutes before an alert opened an incident.".into());
    }
    out
}

/// Escapes characters that Markdown renderers may turn into HTML or formatting.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '*' | '_' | '`' | '[' | ']' | '|' | '#' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}
