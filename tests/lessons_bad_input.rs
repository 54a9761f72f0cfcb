//! Bad scenario files, session files and share links: each is refused with every problem
//! located, nothing half-loads, and nothing panics. The corpus lives in tests/corpus/.
#![cfg(not(target_arch = "wasm32"))]

mod support;
use proptest::prelude::*;
use stagecraft::lessons::share::{self, LinkError};
use stagecraft::lessons::{self, Problem};
use stagecraft::sim::time::SimTime;
use support::{sample_session, test_file};

fn corpus(name: &str) -> String {
    test_file("corpus", name)
}

fn problems(name: &str) -> Vec<Problem> {
    match lessons::load_str(name, &corpus(name)) {
        Ok(_) => panic!("{name} should be refused"),
        Err(p) => {
            assert!(!p.is_empty());
            for x in &p {
                assert_eq!(x.location.file, name, "every problem names its file");
            }
            p
        }
    }
}

fn text(p: &[Problem]) -> String {
    p.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn an_empty_file_is_refused() {
    let p = problems("empty.json");
    assert!(text(&p).contains("empty"), "{}", text(&p));
}

#[test]
fn text_that_is_not_json_gets_a_line_and_column() {
    let p = problems("not-json.txt");
    assert_eq!(
        (p[0].location.line, p[0].location.column),
        (Some(1), Some(1)),
        "{}",
        text(&p)
    );
    assert!(text(&p).contains("expected a value"), "{}", text(&p));
    let p = problems("missing-comma.json");
    assert_eq!(
        (p[0].location.line, p[0].location.column),
        (Some(3), Some(3)),
        "{}",
        text(&p)
    );
    assert!(
        p[0].message
            .contains("not valid JSON: expected , or } (is a comma missing?)"),
        "{}",
        text(&p)
    );
}

#[test]
fn an_unknown_format_version_is_named() {
    let p = problems("unknown-version.json");
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].location.path.as_deref(), Some("format"));
    assert!(
        p[0].message.contains("unknown format version 2"),
        "{}",
        text(&p)
    );
    assert_eq!(p[0].expected.as_deref(), Some("1"));
}

#[test]
fn unknown_and_duplicate_fields_are_refused_with_their_place() {
    let p = problems("unknown-field.json");
    assert!(
        text(&p).contains("unknown field \"colour\" (expected one of: format, id,"),
        "{}",
        text(&p)
    );
    assert!(p[0].location.line.is_some());
    let p = problems("duplicate-field.json");
    assert!(text(&p).contains("\"id\" appears twice"), "{}", text(&p));
    assert_eq!(p[0].location.line, Some(1));
    // Fields the engine's own types would silently ignore (inside commands) are caught too.
    let p = problems("unknown-command-field.json");
    assert!(
        text(&p).contains("solution[0].command.take_backup.extra"),
        "{}",
        text(&p)
    );
}

#[test]
fn wrong_types_and_impossible_numbers_are_refused() {
    let p = problems("wrong-type.json");
    assert!(
        text(&p).contains("expected a whole number, 0 or more, found the text \"one\""),
        "{}",
        text(&p)
    );
    assert_eq!(p[0].location.path.as_deref(), Some("seed"));
    for name in ["infinite-number.json", "nan.json"] {
        let p = problems(name);
        assert!(p[0].location.line.is_some(), "{name}: {}", text(&p));
    }
    let p = problems("negative-minute.json");
    assert!(text(&p).contains("-5"), "{}", text(&p));
    let p = problems("probability-over-one.json");
    let t = text(&p);
    assert!(
        t.contains("setup.flaky_test_rate: 1.5 is not a probability"),
        "{t}"
    );
    assert!(
        t.contains("setup.scripted_commits[0].detection.unit_tests: 2 is not a probability"),
        "{t}"
    );
}

#[test]
fn references_to_things_that_do_not_exist_are_all_reported() {
    let p = problems("bad-references.json");
    let t = text(&p);
    assert!(
        t.contains(
            "objectives[0].stage: there is no stage \"qa\" (expected one of: dev, staging, prod)"
        ),
        "{t}"
    );
    assert!(
        t.contains("objectives[0].release: v9.0.0 can never exist"),
        "{t}"
    );
    assert!(
        t.contains("solution[0].actor: there is no actor \"bob\""),
        "{t}"
    );
}

#[test]
fn several_semantic_problems_are_reported_together() {
    let p = problems("semantic-many.json");
    let t = text(&p);
    assert!(t.contains("quiz[0].choices: has 1 choices"), "{t}");
    assert!(t.contains("quiz[0].answer"), "{t}");
    assert!(t.contains("setup.freezes[0].until"), "{t}");
}

#[test]
fn timeline_failures_must_name_real_stages_and_fit_their_ranges() {
    let p = problems("bad-timeline.json");
    let t = text(&p);
    for needle in [
        "timeline[0].at: minute 0 is out of range (expected 1 to 43200)",
        "timeline[0].failure.stage: there is no stage \"qa\" (expected one of: dev, staging, prod)",
        "timeline[0].failure.minutes: 2000 min is out of range (expected 1 to 1440)",
        "timeline[0].failure.factor: ×0.5 is out of range",
        "timeline[1].at: minute 50000 is out of range",
        "timeline[1].failure.stage: dev has no database",
        "timeline[2].failure.minutes: 0 min is out of range",
    ] {
        assert!(t.contains(needle), "missing {needle:?} in:\n{t}");
    }
}

#[test]
fn scale_commands_must_stay_within_the_engine_bounds() {
    let p = problems("bad-scale.json");
    let t = text(&p);
    assert!(
        t.contains(
            "solution[0].command.scale.instances: 0 instances is out of range (expected 1 to 24)"
        ),
        "{t}"
    );
    assert!(
        t.contains("solution[1].command.scale.instances: 30 instances is out of range"),
        "{t}"
    );
    assert!(
        t.contains("solution[2].command: there is no stage \"qa\""),
        "{t}"
    );
    assert!(
        t.contains("mistake.commands[0].command.scale.instances: 25 instances"),
        "{t}"
    );
}

#[test]
fn the_starting_release_traits_are_checked_like_any_commit() {
    let p = problems("bad-initial-traits.json");
    let t = text(&p);
    assert!(
        t.contains("setup.initial_traits.detection.security_scan: 1.5 is not a probability"),
        "{t}"
    );
    assert!(
        t.contains("setup.initial_traits.requires_config: is not a valid setting name"),
        "{t}"
    );
    assert!(t.contains("setup.initial_traits.migration: the starting release's migrations ran before the scenario began (expected none)"), "{t}");
}

#[test]
fn an_error_rate_window_must_be_a_real_window() {
    let p = problems("bad-objective-window.json");
    let t = text(&p);
    assert!(
        t.contains("objectives[0].stage: there is no stage \"qa\""),
        "{t}"
    );
    assert!(
        t.contains("objectives[0].max_error_rate: 1.5 is not a probability"),
        "{t}"
    );
    assert!(
        t.contains(
            "objectives[0].until: the window ends (minute 100) before it starts (minute 300)"
        ),
        "{t}"
    );
    assert!(
        t.contains("objectives[1].from: minute 99999999 is out of range"),
        "{t}"
    );
}

#[test]
fn markup_and_script_links_are_refused_anywhere() {
    let p = problems("markup.json");
    let t = text(&p);
    assert!(t.contains("at title: text may not contain < or >"), "{t}");
    assert!(
        t.contains("at summary: text may not contain javascript:"),
        "{t}"
    );
}

#[test]
fn nesting_too_deep_is_refused_before_parsing() {
    let p = problems("too-deep.json");
    assert_eq!(p.len(), 1);
    assert!(
        p[0].message.contains("nested more than 32 deep"),
        "{}",
        text(&p)
    );
    assert_eq!(p[0].location.column, Some(33));
}

#[test]
fn files_over_one_megabyte_are_refused_before_parsing() {
    let big = format!("{{\"debrief\": \"{}\"}}", "a".repeat(1024 * 1024));
    let p = lessons::load_str("big.json", &big).unwrap_err();
    assert_eq!(p.len(), 1);
    assert!(
        p[0].message.contains("limit is 1048576 bytes"),
        "{}",
        text(&p)
    );
}

#[test]
fn a_built_in_lesson_round_trips_through_export_and_import() {
    let lesson = lessons::load("sale-day").unwrap();
    let text = share::scenario_to_string(&lesson.file);
    let again = share::scenario_from_str("exported.json", &text).unwrap();
    assert_eq!(again, lesson);
}

#[test]
fn share_links_round_trip_and_rebuild_the_same_world() {
    let s = sample_session();
    let link = share::encode(&s).unwrap();
    assert!(link.starts_with("1."));
    assert!(
        link.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)),
        "URL-safe: {link}"
    );
    let back = share::decode(&link).unwrap();
    assert_eq!(back, s);
    let lesson = lessons::load("first-promotion").unwrap();
    assert_eq!(
        lesson.replay(&back.log, back.now),
        lesson.replay(&s.log, s.now)
    );
}

#[test]
fn truncated_tampered_and_foreign_links_get_clear_errors() {
    let link = share::encode(&sample_session()).unwrap();
    assert_eq!(
        share::decode(&link[..link.len() - 3]),
        Err(LinkError::Checksum)
    );
    let cut = link.rfind('.').unwrap();
    let truncated = format!("{}.{}", &link[..cut - 10], &link[cut + 1..]);
    assert_eq!(share::decode(&truncated), Err(LinkError::Checksum));
    let mut tampered: Vec<char> = link.chars().collect();
    tampered[10] = if tampered[10] == 'A' { 'B' } else { 'A' };
    assert_eq!(
        share::decode(&tampered.into_iter().collect::<String>()),
        Err(LinkError::Checksum)
    );
    assert!(
        matches!(share::decode(&format!("9{}", &link[1..])), Err(LinkError::UnknownVersion(v)) if v == "9")
    );
    assert_eq!(share::decode(""), Err(LinkError::Empty));
    assert!(matches!(
        share::decode("hello"),
        Err(LinkError::Malformed(_))
    ));
    assert!(share::decode("1.!!!!.00000000").is_err());
    // A well-formed link with a hostile payload is still validated.
    let payload = share::base64url_encode(
        br#"{"scenario":{"lesson":"x"},"seed":1,"log":[],"now":0,"extra":1}"#,
    );
    let forged = format!("1.{payload}.{:08x}", share::fnv32(payload.as_bytes()));
    assert!(matches!(share::decode(&forged), Err(LinkError::Invalid(_))));
}

#[test]
fn sessions_too_big_for_a_link_are_refused_so_the_ui_offers_a_file() {
    let mut s = sample_session();
    let one = s.log[0].clone();
    s.log = (0..400)
        .map(|i| stagecraft::sim::replay::LoggedCommand {
            at: SimTime(i),
            ..one.clone()
        })
        .collect();
    s.now = SimTime(400);
    assert!(matches!(share::encode(&s), Err(LinkError::TooLong { .. })));
    let file = share::session_to_string(&s);
    assert_eq!(share::session_from_str("session.json", &file).unwrap(), s);
}

#[test]
fn session_files_are_validated() {
    let good = share::session_to_string(&sample_session());
    let p = share::session_from_str(
        "s.json",
        &good.replace("stagecraft-session", "something-else"),
    )
    .unwrap_err();
    assert_eq!(p[0].location.path.as_deref(), Some("kind"));
    let p =
        share::session_from_str("s.json", &good.replacen("\"seed\"", "\"sneed\"", 1)).unwrap_err();
    assert!(!p.is_empty());
    let p = share::session_from_str("s.json", &good.replacen("\"now\": 150", "\"now\": 5", 1))
        .unwrap_err();
    assert!(text(&p).contains("time order"), "{}", text(&p));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_scenario_parser_never_panics_on_arbitrary_text(s in "\\PC{0,400}") {
        let _ = lessons::load_str("fuzz.json", &s);
    }

    #[test]
    fn the_scenario_parser_never_panics_on_mutated_lessons(pos in 0usize..6000, cut in 0usize..40, insert in "[\\[\\]{}\",:0-9a-z<>-]{0,6}") {
        let original = lessons::load("caught-in-staging").map(|l| share::scenario_to_string(&l.file)).unwrap();
        let pos = pos.min(original.len());
        let mut s: String = original.chars().take(pos).collect();
        s.push_str(&insert);
        s.extend(original.chars().skip(pos + cut));
        match lessons::load_str("mutant.json", &s) {
            Ok(l) => prop_assert!(!l.file.id.is_empty()),
            Err(p) => prop_assert!(!p.is_empty()),
        }
    }

    #[test]
    fn share_links_never_panic_and_only_decode_what_was_encoded(s in "[A-Za-z0-9._-]{0,200}") {
        let _ = share::decode(&s);
    }

    #[test]
    fn base64url_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let enc = share::base64url_encode(&bytes);
        prop_assert_eq!(share::base64url_decode(&enc), Some(bytes));
    }

    #[test]
    fn any_session_round_trips_through_a_link(seed in any::<u64>(), now in 0u64..100_000) {
        let mut s = sample_session();
        s.seed = seed;
        s.now = SimTime(now.max(70));
        let link = share::encode(&s).unwrap();
        prop_assert_eq!(share::decode(&link).unwrap(), s);
    }
}

/// One import reports every problem it can find: type errors in every item of a list (not
/// only the first), and the checks of meaning on everything that has the right type, with
/// each item under its own number in the file.
#[test]
fn one_import_reports_type_errors_and_meaning_problems_together() {
    let p = problems("mixed-problems.json");
    let t = text(&p);
    for needle in [
        "seed: expected a whole number",
        "objectives[1].release_serves.percent",
        "objectives[3]",
        "solution[1].at",
        // Checks of meaning, on the items that read, under their own numbers.
        "objectives[0].stage: there is no stage \"qa\"",
        "objectives[4].stage: there is no stage \"nowhere\"",
        "solution[0].actor: there is no actor \"bob\"",
        "solution[2].command: there is no stage \"qa\"",
        "quiz[0].choices",
    ] {
        assert!(t.contains(needle), "missing {needle:?} in:\n{t}");
    }
    assert!(!t.contains("stand-in"), "nothing about the stand-ins:\n{t}");
    assert!(!t.contains("More checks"), "nothing waits for a second round here:\n{t}");
}

/// A wrong setup decides which stages and actors exist, so the checks that depend on it
/// wait, and the problem list says so instead of guessing.
#[test]
fn a_setup_that_cannot_be_read_says_more_checks_follow() {
    let p = problems("mixed-setup.json");
    let t = text(&p);
    assert!(t.contains("setup.stages"), "{t}");
    assert!(t.contains("More checks"), "{t}");
    assert!(!t.contains("qa"), "no guess about stages: {t}");
}
