//! Turning a parsed scenario into an engine configuration, checking everything the types
//! cannot: ranges, references between parts of the file, and the text rules.

use super::format::{limits, ScenarioFile, Setup, FORMAT_VERSION};
use super::objective::{Objective, ReleaseRef};
use super::parse::{self, check_as, check_items, FieldCheck, Problem};
use crate::sim::access::{Actor, Permission, Policy, StageScope};
use crate::sim::change::CommitTraits;
use crate::sim::change::Migration;
use crate::sim::command::{Command, Failure, Strategy};
use crate::sim::config::{standard_alerts, StageConfig, TimedFailure, TrafficProfile, WorldConfig};
use crate::sim::ids::{ActorId, StageId};
use crate::sim::replay::LoggedCommand;
use crate::sim::time::SimTime;

const FIELDS: &[(&str, FieldCheck)] = &[
    ("format", check_as::<u32>),
    ("id", check_as::<String>),
    ("title", check_as::<String>),
    ("summary", check_as::<String>),
    ("concepts", check_items::<super::format::Concept>),
    ("seed", check_as::<u64>),
    ("order", check_as::<u32>),
    ("setup", check_as::<Setup>),
    ("timeline", check_items::<super::format::TimelineEntry>),
    ("objectives", check_items::<Objective>),
    ("hints", check_items::<String>),
    ("debrief", check_as::<String>),
    ("debrief_won", check_as::<String>),
    ("debrief_lost", check_as::<String>),
    ("speed", check_as::<Option<u32>>),
    ("quiz", check_items::<super::format::QuizQuestion>),
    ("solution", check_items::<LoggedCommand>),
    ("mistake", check_as::<Option<super::format::Mistake>>),
    ("check_at", check_as::<Option<u64>>),
    ("lab", check_as::<Option<serde_json::Value>>),
];

/// Reads and validates a scenario file. Either everything is right, or every problem found
/// is returned and nothing is loaded.
pub fn read(file: &str, text: &str) -> Result<(ScenarioFile, WorldConfig), Vec<Problem>> {
    let mut problems = parse::guard(file, text)?;
    let value = parse::syntax(file, text).map_err(|p| vec![p])?;
    // The format version decides how to read the rest, so it is checked first.
    if let Some(f) = value.get("format") {
        if f.as_u64() != Some(u64::from(FORMAT_VERSION)) {
            return Err(vec![Problem::at_path(
                file,
                "format",
                format!("unknown format version {f}"),
            )
            .expecting(format!("{FORMAT_VERSION}"))]);
        }
    }
    parse::check_text(file, "", &value, &mut problems);
    let scenario: ScenarioFile = match parse::typed(file, text, &value, FIELDS) {
        Ok(s) => s,
        Err(mut more) => {
            problems.append(&mut more);
            // The rest is still checked, so one import reports every problem it can.
            problems.extend(super::repair::check_the_rest(file, &value, FIELDS));
            return Err(problems);
        }
    };
    parse::unknown_keys(file, "", &value, &scenario, &mut problems);
    let config = build_config(file, &scenario, &mut problems);
    check_scenario(file, &scenario, &config, &mut problems);
    if problems.is_empty() {
        Ok((scenario, config))
    } else {
        Err(problems)
    }
}

pub(super) fn build_config(file: &str, s: &ScenarioFile, out: &mut Vec<Problem>) -> WorldConfig {
    let mut c = WorldConfig::standard();
    let setup = &s.setup;
    if let Some(stages) = &setup.stages {
        c.stages = stages.clone();
        let ids: Vec<StageId> = stages.iter().map(|x| x.id.clone()).collect();
        if setup.policy.is_none() {
            c.policy = Policy::standard(&ids);
        }
        if setup.alert_rules.is_none() {
            c.alert_rules = ids.last().map(standard_alerts).unwrap_or_default();
        }
    }
    for (id, o) in &setup.stage_overrides {
        let Some(st) = c.stages.iter_mut().find(|x| &x.id == id) else {
            out.push(
                Problem::at_path(
                    file,
                    format!("setup.stage_overrides.{id}"),
                    format!("there is no stage \"{id}\""),
                )
                .expecting(stage_list(&c.stages)),
            );
            continue;
        };
        if let Some(v) = &o.name {
            st.name = v.clone();
        }
        if let Some(v) = o.instances {
            st.instances = v;
        }
        if let Some(v) = o.capacity_rpm {
            st.capacity_rpm = v;
        }
        for (k, v) in &o.config {
            st.config.insert(k.clone(), v.clone());
        }
        for k in &o.remove_config {
            if st.config.remove(k).is_none() {
                out.push(Problem::at_path(
                    file,
                    format!("setup.stage_overrides.{id}.remove_config"),
                    format!("{k} is not set in {id}, so it cannot be removed"),
                ));
            }
        }
        if let Some(v) = &o.secrets {
            st.secrets = v.clone();
        }
        if let Some(v) = &o.gates {
            st.gates = v.clone();
        }
        if let Some(v) = &o.traffic {
            st.traffic = v.clone();
        }
        if let Some(v) = o.database {
            st.database = v;
        }
        if let Some(v) = o.backup_every {
            st.backup_every = Some(v);
        }
        if let Some(v) = o.standby_region {
            st.standby_region = v;
        }
        if let Some(v) = o.auto_rollback {
            st.auto_rollback = v;
        }
        if let Some(v) = &o.slo {
            st.slo = Some(v.clone());
        }
        if let Some(v) = &o.latency_slo {
            st.latency_slo = Some(v.clone());
        }
        if let Some(v) = o.scale_down_delay {
            st.scale_down_delay = v;
        }
    }
    if let Some(actors) = &setup.actors {
        c.actors = actors
            .iter()
            .map(|a| Actor {
                id: a.id.clone(),
                name: a.name.clone(),
                role: a.role,
            })
            .collect();
    }
    if let Some(p) = &setup.policy {
        c.policy = p.clone();
    }
    if let Some(r) = &setup.alert_rules {
        c.alert_rules = r.clone();
    }
    c.freezes = setup.freezes.clone();
    if let Some(v) = setup.start_minute_of_day {
        c.start_minute_of_day = v;
    }
    if let Some(v) = setup.initial_version {
        c.initial_version = v;
    }
    c.scripted_commits = setup.scripted_commits.clone();
    if let Some(v) = setup.error_budget_freeze {
        c.error_budget_freeze = v;
    }
    if let Some(v) = setup.flaky_test_rate {
        c.flaky_test_rate = v;
    }
    if let Some(t) = &setup.initial_traits {
        c.initial_traits = t.clone();
    }
    // The scenario's timeline is the engine's: the world fires it on time, unaudited.
    c.timeline = s
        .timeline
        .iter()
        .map(|e| TimedFailure {
            at: SimTime(e.at),
            failure: e.failure.clone(),
        })
        .collect();
    c
}

fn stage_list(stages: &[StageConfig]) -> String {
    let ids: Vec<&str> = stages.iter().map(|s| s.id.as_str()).collect();
    format!("one of: {}", ids.join(", "))
}

struct Checker<'a> {
    file: &'a str,
    out: &'a mut Vec<Problem>,
}

impl Checker<'_> {
    fn say(&mut self, path: impl Into<String>, msg: impl Into<String>) -> &mut Problem {
        self.out.push(Problem::at_path(self.file, path, msg));
        self.out.last_mut().expect("just pushed")
    }
    fn len(&mut self, path: &str, s: &str, min: usize, max: usize) {
        let n = s.chars().count();
        if n < min || n > max {
            let what = if min > 0 {
                format!("between {min} and {max} characters")
            } else {
                format!("at most {max} characters")
            };
            self.say(path, format!("has {n} characters")).expected = Some(what);
        }
    }
    fn prob(&mut self, path: &str, p: f64) {
        if !p.is_finite() || !(0.0..=1.0).contains(&p) {
            self.say(path, format!("{p} is not a probability")).expected =
                Some("a number from 0 to 1".into());
        }
    }
    fn positive(&mut self, path: &str, v: f64, max: f64) {
        if !v.is_finite() || v <= 0.0 || v > max {
            self.say(path, format!("{v} is out of range")).expected =
                Some(format!("a number above 0 and at most {max}"));
        }
    }
    fn stage(&mut self, path: &str, id: &StageId, config: &WorldConfig) {
        if config.stage_index(id).is_none() {
            self.say(path, format!("there is no stage \"{id}\""))
                .expected = Some(stage_list(&config.stages));
        }
    }
    fn count(&mut self, path: &str, n: usize, max: usize) {
        if n > max {
            self.say(path, format!("has {n} entries")).expected = Some(format!("at most {max}"));
        }
    }
}

pub(super) fn check_scenario(file: &str, s: &ScenarioFile, c: &WorldConfig, out: &mut Vec<Problem>) {
    let mut k = Checker { file, out };
    if s.format != FORMAT_VERSION {
        k.say("format", format!("unknown format version {}", s.format))
            .expected = Some(FORMAT_VERSION.to_string());
    }
    k.len("id", &s.id, 1, limits::MAX_ID);
    if !s
        .id
        .chars()
        .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
    {
        k.say(
            "id",
            format!("\"{}\" has characters other than a-z, 0-9 and -", s.id),
        )
        .expected = Some("an id like sale-day".into());
    }
    k.len("title", &s.title, 1, limits::MAX_TITLE);
    k.len("summary", &s.summary, 1, limits::MAX_SUMMARY);
    k.len("debrief", &s.debrief, 0, limits::MAX_TEXT);
    k.len("debrief_won", &s.debrief_won, 0, limits::MAX_TEXT);
    k.len("debrief_lost", &s.debrief_lost, 0, limits::MAX_TEXT);
    if let Some(speed) = s.speed.filter(|x| ![1, 4, 16, 64].contains(x)) {
        k.say("speed", format!("{speed} is not a clock speed")).expected =
            Some("1, 4, 16 or 64 (simulated minutes per real second)".into());
    }
    if s.concepts.is_empty() {
        k.say("concepts", "lists no concept").expected =
            Some("at least one concept from the curriculum".into());
    }
    k.count("hints", s.hints.len(), 10);
    for (i, h) in s.hints.iter().enumerate() {
        k.len(&format!("hints[{i}]"), h, 1, limits::MAX_SUMMARY);
    }
    k.count("quiz", s.quiz.len(), 10);
    for (i, q) in s.quiz.iter().enumerate() {
        let p = format!("quiz[{i}]");
        k.len(
            &format!("{p}.question"),
            &q.question,
            1,
            limits::MAX_SUMMARY,
        );
        k.len(
            &format!("{p}.explanation"),
            &q.explanation,
            1,
            limits::MAX_TEXT,
        );
        if q.choices.len() < 2 || q.choices.len() > 6 {
            k.say(
                format!("{p}.choices"),
                format!("has {} choices", q.choices.len()),
            )
            .expected = Some("2 to 6 choices".into());
        }
        for (j, ch) in q.choices.iter().enumerate() {
            k.len(&format!("{p}.choices[{j}]"), ch, 1, limits::MAX_TITLE * 2);
        }
        if q.answer >= q.choices.len() {
            k.say(
                format!("{p}.answer"),
                format!("answer {} does not point at a choice", q.answer),
            )
            .expected = Some(format!("0 to {}", q.choices.len().saturating_sub(1)));
        }
    }
    check_world(&mut k, c);
    for (i, t) in s.setup.scripted_commits.iter().enumerate() {
        check_traits(&mut k, &format!("setup.scripted_commits[{i}]"), t);
    }
    if let Some(t) = &s.setup.initial_traits {
        check_traits(&mut k, "setup.initial_traits", t);
        if t.migration != Migration::None {
            k.say(
                "setup.initial_traits.migration",
                "the starting release's migrations ran before the scenario began",
            )
            .expected = Some("none".into());
        }
    }
    k.count("timeline", s.timeline.len(), limits::MAX_LIST);
    for (i, t) in s.timeline.iter().enumerate() {
        let p = format!("timeline[{i}]");
        if t.at == 0 || t.at > limits::MAX_MINUTE {
            k.say(
                format!("{p}.at"),
                format!("minute {} is out of range", t.at),
            )
            .expected = Some(format!("1 to {}", limits::MAX_MINUTE));
        }
        check_failure(&mut k, &format!("{p}.failure"), &t.failure, c);
    }
    k.count("objectives", s.objectives.len(), 20);
    let limits_count = s
        .objectives
        .iter()
        .filter(|o| matches!(o, Objective::TimeLimit { .. }))
        .count();
    if limits_count > 1 {
        k.say("objectives", "has more than one time_limit");
    }
    for (i, o) in s.objectives.iter().enumerate() {
        let p = format!("objectives[{i}]");
        if let Some(st) = o.stage() {
            k.stage(&format!("{p}.stage"), st, c);
        }
        if let Some(ReleaseRef::Exactly(v)) = o.release() {
            let init = c.initial_version;
            if v.major != init.major || v < init {
                k.say(
                    format!("{p}.release"),
                    format!("{v} can never exist in this scenario"),
                )
                .expected = Some(format!("{init} or a later v{}.x.y release", init.major));
            }
        }
        match o {
            Objective::ReleaseServes {
                percent,
                max_error_rate,
                ..
            } => {
                if *percent == 0 || *percent > 100 {
                    k.say(
                        format!("{p}.percent"),
                        format!("{percent} % is out of range"),
                    )
                    .expected = Some("1 to 100".into());
                }
                if let Some(e) = max_error_rate {
                    k.prob(&format!("{p}.max_error_rate"), *e);
                }
            }
            Objective::ErrorBudgetAtLeast { remaining, .. } => {
                k.prob(&format!("{p}.remaining"), *remaining)
            }
            Objective::ErrorRateAtMost {
                max_error_rate,
                from,
                until,
                ..
            } => {
                k.prob(&format!("{p}.max_error_rate"), *max_error_rate);
                if *from > limits::MAX_MINUTE {
                    k.say(
                        format!("{p}.from"),
                        format!("minute {from} is out of range"),
                    )
                    .expected = Some(format!("0 to {}", limits::MAX_MINUTE));
                }
                match until {
                    Some(u) if *u > limits::MAX_MINUTE => {
                        k.say(format!("{p}.until"), format!("minute {u} is out of range"))
                            .expected = Some(format!("{from} to {}", limits::MAX_MINUTE));
                    }
                    Some(u) if u < from => {
                        k.say(
                            format!("{p}.until"),
                            format!(
                                "the window ends (minute {u}) before it starts (minute {from})"
                            ),
                        );
                    }
                    _ => {}
                }
            }
            Objective::TimeLimit { minutes } if *minutes == 0 || *minutes > limits::MAX_MINUTE => {
                k.say(
                    format!("{p}.minutes"),
                    "a time limit must be positive and at most 30 days",
                );
            }
            Objective::RestoredWithin { minutes: 0, .. } => {
                k.say(format!("{p}.minutes"), "must be positive");
            }
            Objective::AlertFired { alert } if !c.alert_rules.iter().any(|r| &r.name == alert) => {
                let names: Vec<&str> = c.alert_rules.iter().map(|r| r.name.as_str()).collect();
                k.say(
                    format!("{p}.alert"),
                    format!("there is no alert rule \"{alert}\""),
                )
                .expected = Some(format!("one of: {}", names.join(", ")));
            }
            _ => {}
        }
    }
    check_script(&mut k, "solution", &s.solution, c);
    if let Some(m) = &s.mistake {
        k.len(
            "mistake.description",
            &m.description,
            1,
            limits::MAX_SUMMARY,
        );
        check_script(&mut k, "mistake.commands", &m.commands, c);
    }
    if let Some(at) = s.check_at {
        if at == 0 || at > limits::MAX_MINUTE {
            k.say("check_at", format!("minute {at} is out of range"))
                .expected = Some(format!("1 to {}", limits::MAX_MINUTE));
        }
    }
}

/// The actor who runs the timeline: the first one allowed to inject failures.
pub fn instructor(c: &WorldConfig) -> Option<ActorId> {
    c.actors
        .iter()
        .find(|a| c.policy.allows(a.role, Permission::InjectFailures, None))
        .map(|a| a.id.clone())
}

fn check_world(k: &mut Checker, c: &WorldConfig) {
    if c.stages.is_empty() || c.stages.len() > limits::MAX_STAGES {
        k.say("setup.stages", format!("has {} stages", c.stages.len()))
            .expected = Some(format!("1 to {} stages", limits::MAX_STAGES));
    }
    for (i, st) in c.stages.iter().enumerate() {
        let p = format!("stages[{i}] ({})", st.id);
        if !valid_id(st.id.as_str()) {
            k.say(
                format!("{p}.id"),
                format!("\"{}\" is not a valid stage id", st.id),
            )
            .expected = Some("letters, digits, - and _ (at most 40)".into());
        }
        if c.stages.iter().filter(|x| x.id == st.id).count() > 1 {
            k.say(
                format!("{p}.id"),
                format!("stage id \"{}\" is used twice", st.id),
            );
        }
        k.len(&format!("{p}.name"), &st.name, 1, limits::MAX_TITLE);
        if st.instances == 0 || st.instances > limits::MAX_INSTANCES {
            k.say(
                format!("{p}.instances"),
                format!("{} instances is out of range", st.instances),
            )
            .expected = Some(format!("1 to {}", limits::MAX_INSTANCES));
        }
        k.positive(&format!("{p}.capacity_rpm"), st.capacity_rpm, 1e7);
        for (key, v) in &st.config {
            if !valid_key(key.as_str()) {
                k.say(format!("{p}.config.{key}"), "is not a valid setting name")
                    .expected = Some("letters, digits and _ (at most 64)".into());
            }
            k.len(&format!("{p}.config.{key}"), v, 0, 300);
        }
        for key in &st.secrets {
            if !valid_key(key.as_str()) {
                k.say(
                    format!("{p}.secrets"),
                    format!("\"{key}\" is not a valid secret name"),
                )
                .expected = Some("letters, digits and _ (at most 64)".into());
            }
        }
        check_traffic(k, &format!("{p}.traffic"), &st.traffic);
        if st.backup_every.is_some_and(|m| m.0 == 0) {
            k.say(
                format!("{p}.backup_every"),
                "a backup interval must be positive",
            );
        }
        if st.backup_every.is_some() && !st.database {
            k.say(
                format!("{p}.backup_every"),
                "this stage has no database to back up",
            );
        }
        if let Some(slo) = &st.slo {
            if !slo.target.is_finite() || slo.target <= 0.0 || slo.target >= 1.0 {
                k.say(
                    format!("{p}.slo.target"),
                    format!("{} is not a share of requests", slo.target),
                )
                .expected = Some("a number between 0 and 1, such as 0.999".into());
            }
            if slo.period.0 == 0 {
                k.say(format!("{p}.slo.period"), "must be positive");
            }
        }
        if st.scale_down_delay.0 > 1440 {
            k.say(
                format!("{p}.scale_down_delay"),
                format!("{} minutes is more than a day", st.scale_down_delay.0),
            )
            .expected = Some("0 to 1440 minutes".into());
        }
        if let Some(l) = &st.latency_slo {
            if !l.target.is_finite() || l.target <= 0.0 || l.target >= 1.0 {
                k.say(
                    format!("{p}.latency_slo.target"),
                    format!("{} is not a share of requests", l.target),
                )
                .expected = Some("a number between 0 and 1, such as 0.999".into());
            }
            k.positive(&format!("{p}.latency_slo.threshold_ms"), l.threshold_ms, 60_000.0);
        }
    }
    for (i, a) in c.actors.iter().enumerate() {
        let p = format!("setup.actors[{i}]");
        if !valid_id(a.id.as_str()) {
            k.say(
                format!("{p}.id"),
                format!("\"{}\" is not a valid actor id", a.id),
            )
            .expected = Some("letters, digits, - and _ (at most 40)".into());
        }
        if c.actors.iter().filter(|x| x.id == a.id).count() > 1 {
            k.say(
                format!("{p}.id"),
                format!("actor id \"{}\" is used twice", a.id),
            );
        }
        k.len(&format!("{p}.name"), &a.name, 1, limits::MAX_TITLE);
    }
    if c.actors.is_empty() {
        k.say("setup.actors", "there is nobody to act").expected =
            Some("at least one actor".into());
    }
    for (i, g) in c.policy.grants.iter().enumerate() {
        if let StageScope::Only(list) = &g.stages {
            for (j, s) in list.iter().enumerate() {
                k.stage(&format!("setup.policy.grants[{i}].stages.only[{j}]"), s, c);
            }
        }
    }
    for (i, r) in c.alert_rules.iter().enumerate() {
        let p = format!("setup.alert_rules[{i}]");
        k.stage(&format!("{p}.stage"), &r.stage, c);
        k.len(&format!("{p}.name"), r.name.as_str(), 1, limits::MAX_TITLE);
        if !r.threshold.is_finite() || r.threshold < 0.0 {
            k.say(
                format!("{p}.threshold"),
                format!("{} is not a usable threshold", r.threshold),
            )
            .expected = Some("a finite number of at least 0".into());
        }
        if r.for_minutes == 0 || r.for_minutes > 1440 {
            k.say(
                format!("{p}.for_minutes"),
                format!("{} is out of range", r.for_minutes),
            )
            .expected = Some("1 to 1440".into());
        }
        if let Some(w) = r.windows {
            let max = crate::sim::config::MAX_WINDOW.0;
            if !r.metric.is_burn_rate() {
                k.say(format!("{p}.windows"), "only burn-rate rules look back over windows");
            } else if w.short.0 == 0 || w.short.0 >= w.long.0 || w.long.0 > max {
                k.say(
                    format!("{p}.windows"),
                    format!("a {} window confirmed by a {} one cannot be measured", w.long, w.short),
                )
                .expected = Some(format!("a short window of at least 1 minute, shorter than the long one, which is at most {max} minutes"));
            }
        }
        let objective = c.stages.iter().find(|s| s.id == r.stage).map(|s| match r.metric {
            crate::sim::config::Metric::BurnRate => s.slo.is_some(),
            crate::sim::config::Metric::LatencyBurnRate => s.latency_slo.is_some(),
            _ => true,
        });
        if objective == Some(false) {
            k.say(
                format!("{p}.metric"),
                format!("stage \"{}\" has no objective for a {} to measure", r.stage, r.metric.label()),
            )
            .expected = Some("an slo (error rate) or latency_slo on that stage".into());
        }
    }
    for (i, f) in c.freezes.iter().enumerate() {
        let p = format!("setup.freezes[{i}]");
        k.stage(&format!("{p}.stage"), &f.stage, c);
        if f.until <= f.from {
            k.say(
                format!("{p}.until"),
                format!(
                    "the freeze ends (minute {}) before it starts (minute {})",
                    f.until.0, f.from.0
                ),
            );
        }
        k.len(&format!("{p}.reason"), &f.reason, 1, limits::MAX_SUMMARY);
    }
    if c.start_minute_of_day >= 24 * 60 {
        k.say(
            "setup.start_minute_of_day",
            format!("{} is not a minute of the day", c.start_minute_of_day),
        )
        .expected = Some("0 to 1439".into());
    }
    k.prob("setup.flaky_test_rate", c.flaky_test_rate);
}

fn check_traffic(k: &mut Checker, p: &str, t: &TrafficProfile) {
    k.positive(&format!("{p}.peak_rpm"), t.peak_rpm, 1e7);
    k.positive(&format!("{p}.requests_per_user"), t.requests_per_user, 1e4);
    if t.daily_curve.len() != 24 {
        k.say(
            format!("{p}.daily_curve"),
            format!("has {} values", t.daily_curve.len()),
        )
        .expected = Some("24 values, one per hour".into());
    }
    for (i, v) in t.daily_curve.iter().enumerate() {
        k.prob(&format!("{p}.daily_curve[{i}]"), *v);
    }
}

fn check_traits(k: &mut Checker, p: &str, t: &CommitTraits) {
    for (g, v) in &t.detection {
        k.prob(
            &format!("{p}.detection.{}", super::json::to_value(g).as_str().unwrap_or_default()),
            *v,
        );
    }
    if let Some(key) = &t.requires_config {
        if !valid_key(key.as_str()) {
            k.say(
                format!("{p}.requires_config"),
                "is not a valid setting name",
            )
            .expected = Some("letters, digits and _ (at most 64)".into());
        }
    }
}

fn check_failure(k: &mut Checker, p: &str, f: &Failure, c: &WorldConfig) {
    if let Some(s) = f.stage() {
        k.stage(&format!("{p}.stage"), s, c);
    }
    match f {
        Failure::DependencyOutage { minutes, .. }
        | Failure::DatabaseOutage { minutes, .. }
        | Failure::FlakyTests { minutes }
        | Failure::TrafficSpike { minutes, .. }
            if *minutes == 0 || *minutes > 1440 =>
        {
            k.say(
                format!("{p}.minutes"),
                format!("{minutes} min is out of range"),
            )
            .expected = Some("1 to 1440".into());
        }
        _ => {}
    }
    if let Failure::TrafficSpike { factor, .. } = f {
        if !factor.is_finite() || *factor <= 1.0 || *factor > 50.0 {
            k.say(format!("{p}.factor"), format!("×{factor} is out of range"))
                .expected = Some("more than 1 and at most 50".into());
        }
    }
    if let Failure::DatabaseOutage { stage, .. } | Failure::DataLoss { stage } = f {
        if c.stages.iter().any(|s| &s.id == stage && !s.database) {
            k.say(format!("{p}.stage"), format!("{stage} has no database"));
        }
    }
}

fn check_script(k: &mut Checker, p: &str, script: &[LoggedCommand], c: &WorldConfig) {
    k.count(p, script.len(), limits::MAX_SCRIPT);
    let mut last = 0;
    for (i, e) in script.iter().enumerate() {
        let q = format!("{p}[{i}]");
        if e.at.0 < last {
            k.say(
                format!("{q}.at"),
                format!(
                    "minute {} comes before the previous command's minute {last}",
                    e.at.0
                ),
            )
            .expected = Some("commands in time order".into());
        }
        if e.at.0 > limits::MAX_MINUTE {
            k.say(format!("{q}.at"), format!("minute {} is too late", e.at.0))
                .expected = Some(format!("at most {}", limits::MAX_MINUTE));
        }
        last = e.at.0;
        if !c.actors.iter().any(|a| a.id == e.actor) {
            let ids: Vec<&str> = c.actors.iter().map(|a| a.id.as_str()).collect();
            k.say(
                format!("{q}.actor"),
                format!("there is no actor \"{}\"", e.actor),
            )
            .expected = Some(format!("one of: {}", ids.join(", ")));
        }
        if let Some(s) = e.command.stage() {
            k.stage(&format!("{q}.command"), s, c);
        }
        match &e.command {
            Command::Commit { summary, .. } | Command::Hotfix { summary, .. }
                if summary.trim().is_empty() || summary.chars().count() > 120 =>
            {
                k.say(
                    format!("{q}.command.summary"),
                    "a commit summary must have 1 to 120 characters",
                );
            }
            Command::Promote {
                strategy: Strategy::Rolling(plan),
                to,
                ..
            } => {
                let n = c
                    .stages
                    .iter()
                    .find(|s| &s.id == to)
                    .map_or(1, |s| s.instances);
                if plan.out_of_range(n) {
                    k.say(
                        format!("{q}.command"),
                        format!("max surge and max unavailable must each be at most {n} instances (or 100 %)"),
                    );
                }
            }
            Command::Schedule { failure, .. } | Command::Inject { failure } => {
                check_failure(k, &format!("{q}.command"), failure, c)
            }
            Command::Scale { instances, .. }
                if *instances == 0 || *instances > limits::MAX_SCALE =>
            {
                k.say(
                    format!("{q}.command.scale.instances"),
                    format!("{instances} instances is out of range"),
                )
                .expected = Some(format!("1 to {}", limits::MAX_SCALE));
            }
            _ => {}
        }
        if let Some(t) = traits_of(&e.command) {
            check_traits(k, &format!("{q}.command.traits"), t);
        }
    }
}

fn traits_of(c: &Command) -> Option<&CommitTraits> {
    match c {
        Command::Commit {
            traits: crate::sim::command::TraitsChoice::Exactly(t),
            ..
        } => Some(t),
        _ => None,
    }
}

fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn valid_key(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}
