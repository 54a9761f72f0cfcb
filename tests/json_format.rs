//! JSON through serde and serde_json (`src/lessons/json.rs`): what is written is byte for
//! byte what earlier builds wrote, what is read gets located, plain-worded errors, and
//! every float reads back bit for bit.
//!
//! `tests/fixtures/` holds a share link, a session file and an exported lesson written by
//! an earlier serde-based build (commit bf5b42a), so links and files that learners already
//! have keep working.
#![cfg(not(target_arch = "wasm32"))]

mod support;
use serde::de::DeserializeOwned;
use stagecraft::lessons::json::{self, Value};
use stagecraft::lessons::objective::{Objective, ReleaseRef, Status};
use stagecraft::lessons::share;
use stagecraft::lessons::{self, ScenarioFile};
use stagecraft::sim::{Command, Strategy};
use support::{sample_session, test_file};

fn fixture(name: &str) -> String {
    test_file("fixtures", name)
}

#[test]
fn links_and_files_are_written_exactly_as_before() {
    let s = sample_session();
    assert_eq!(
        share::encode(&s).unwrap(),
        fixture("first-promotion.link").trim()
    );
    assert_eq!(
        share::session_to_string(&s).trim(),
        fixture("first-promotion.session.json").trim()
    );
    let lesson = lessons::load("sale-day").unwrap();
    assert_eq!(
        share::scenario_to_string(&lesson.file).trim(),
        fixture("sale-day.export.json").trim()
    );
}

#[test]
fn links_and_files_from_the_serde_build_read_back() {
    let s = sample_session();
    assert_eq!(share::decode(&fixture("first-promotion.link")).unwrap(), s);
    assert_eq!(
        share::session_from_str("s.json", &fixture("first-promotion.session.json")).unwrap(),
        s
    );
    let again = share::scenario_from_str("e.json", &fixture("sale-day.export.json")).unwrap();
    assert_eq!(again, lessons::load("sale-day").unwrap());
    // Written before lessons had `speed`, `debrief_won` and `debrief_lost` (and with older
    // texts): it still opens, with the same engine setup.
    let older = share::scenario_from_str("v1.json", &fixture("sale-day.export.v1.json")).unwrap();
    assert_eq!(older.config, lessons::load("sale-day").unwrap().config);
    assert_eq!(older.file.speed, None);
}

fn read<T: DeserializeOwned>(text: &str) -> Result<T, json::Error> {
    json::from_value::<T>(&serde_json::from_str(text).unwrap())
}

#[test]
fn errors_say_what_and_where_in_plain_words() {
    let e = read::<Vec<Command>>(
        r#"[{"commit": {"summary": "x", "traits": "surprise"}}, {"promote": {"to": "prod"}}]"#,
    )
    .unwrap_err();
    assert_eq!(e.message(), "missing field \"release\"");
    assert_eq!(e.path().as_deref(), Some("[1].promote"));

    let e =
        read::<Objective>(r#"{"no_records_lost": {"stage": "prod", "colour": 1}}"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        "no_records_lost: unknown field \"colour\" (expected: stage)"
    );

    let e = read::<Command>(r#""launch""#).unwrap_err();
    assert!(
        e.message()
            .starts_with("unknown kind \"launch\" (expected one of: commit, promote, approve,"),
        "{e}"
    );

    let e = read::<Vec<u32>>("[1, -2]").unwrap_err();
    assert_eq!(
        e.to_string(),
        "[1]: expected a whole number from 0 to 4294967295, found the number -2"
    );
    let e = read::<u8>("\"one\"").unwrap_err();
    assert_eq!(
        e.message(),
        "expected a whole number from 0 to 255, found the text \"one\""
    );
    let e = read::<Strategy>("\"rolling\"").unwrap_err();
    assert_eq!(
        e.message(),
        "\"rolling\" needs more, written as {\"rolling\": …}"
    );
    let e = read::<Command>("[1]").unwrap_err();
    assert_eq!(
        e.message(),
        "expected a kind: \"name\" or {\"name\": …}, found a list"
    );
    let e = read::<ScenarioFile>(r#"{"format": 1, "seed": 1.5}"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        "seed: expected a whole number, 0 or more, found the number 1.5"
    );
    let e = read::<bool>(&format!("\"{}\"", "y".repeat(100))).unwrap_err();
    assert!(e.message().ends_with("\"…"), "long text is cut short: {e}");
}

#[test]
fn attributes_keep_their_serde_meaning() {
    // rename_all = "snake_case" and external tags.
    let c: Command = read(r#"{"pause_rollout": {"stage": "prod"}}"#).unwrap();
    assert_eq!(json::to_string(&c), r#"{"pause_rollout":{"stage":"prod"}}"#);
    // try_from/into String.
    let r: ReleaseRef = read(r#""any_new""#).unwrap();
    assert_eq!(r, ReleaseRef::AnyNew);
    assert_eq!(json::to_value(&r), Value::String("any_new".into()));
    assert!(read::<ReleaseRef>(r#""newest""#).is_err());
    // An internal tag beside the fields.
    let held = Status::Holding;
    assert_eq!(json::to_string(&held), r#"{"state":"holding"}"#);
    assert_eq!(
        json::from_value::<Status>(&json::to_value(&held)).unwrap(),
        held
    );
    // deny_unknown_fields on a struct variant's enum.
    assert!(read::<Objective>(r#"{"no_records_lost": {"stage": "prod", "bogus": 1}}"#).is_err());
}

#[test]
fn a_missing_optional_field_is_none_and_defaults_fill_the_rest() {
    // A whole lesson with every optional section left out.
    let text = r#"{"format": 1, "id": "tiny", "title": "Tiny", "summary": "s",
        "concepts": ["path_of_a_change"], "seed": 1, "setup": {},
        "objectives": [{"no_records_lost": {"stage": "prod"}}], "debrief": "d",
        "solution": []}"#;
    let file: ScenarioFile = read(text).unwrap();
    assert_eq!(file.mistake, None);
    assert!(file.hints.is_empty() && file.timeline.is_empty());
}

#[test]
fn floats_print_in_serde_json_layout() {
    for (x, text) in [
        (1.0, "1.0"),
        (0.1, "0.1"),
        (-2.5, "-2.5"),
        (0.999, "0.999"),
        (1e15, "1000000000000000.0"),
        // serde_json (since 1.0.14x) writes a positive exponent with its sign; earlier
        // builds wrote `1e16`. Both read back as the same number.
        (1e16, "1e+16"),
        (1.5e300, "1.5e+300"),
        (123456789012345680000.0, "1.2345678901234568e+20"),
        (0.0001, "0.0001"),
        (0.00001, "0.00001"),
        (0.000001, "1e-6"),
        (1.5e-7, "1.5e-7"),
        (-0.0, "-0.0"),
        (0.0, "0.0"),
    ] {
        assert_eq!(json::to_string(&x), text, "{x:e}");
    }
    assert_eq!(json::to_value(&f64::NAN), Value::Null);
    assert_eq!(json::to_string(&-3i64), "-3");
    assert_eq!(json::to_string(&u64::MAX), "18446744073709551615");
}

/// What serde_json says of `text`, in our words, and where.
fn syntax_error(text: &str) -> (String, usize, usize) {
    let e = serde_json::from_str::<Value>(text).unwrap_err();
    (json::syntax_message(&e, text), e.line(), e.column())
}

#[test]
fn the_parser_is_strict_and_says_where() {
    for (text, words, line, column) in [
        ("[1, 2,]", "a comma before ]", 1, 7),
        ("{\"a\": 1,}", "a comma before }", 1, 9),
        ("{\n  \"a\": 1\n  \"b\": 2}", "expected , or }", 3, 3),
        ("[01]", "an invalid number", 1, 3),
        ("[1.]", "an invalid number", 1, 4),
        ("1e999", "too large", 1, 5),
        ("\"a\tb\"", "control character", 1, 3),
        ("\"\\x\"", "unknown escape", 1, 3),
        ("\"\\ud800\"", "both halves", 1, 8),
        ("{a: 1}", "expected a key in quotes", 1, 2),
        ("[1] 2", "after the end", 1, 5),
        ("[", "ends", 1, 1),
        ("nul", "ends where a value was expected", 1, 3),
        ("hello", "expected a value", 1, 1),
    ] {
        let (message, l, c) = syntax_error(text);
        assert!(message.contains(words), "{text:?}: {message}");
        assert_eq!((l, c), (line, column), "{text:?}: {message}");
    }
    assert_eq!(
        serde_json::from_str::<Value>("\"\\ud83d\\ude00 \\u00e9\"").unwrap(),
        Value::String("😀 é".into())
    );
    assert_eq!(syntax_error(&"[".repeat(200)).0, "nested too deeply");
    // Whole numbers stay exact; beyond 64 bits they become floats.
    let parse = |text: &str| serde_json::from_str::<Value>(text).unwrap();
    assert_eq!(parse("18446744073709551615").as_u64(), Some(u64::MAX));
    assert_eq!(parse("-9223372036854775808").as_i64(), Some(i64::MIN));
    assert_eq!(
        parse("18446744073709551616").as_f64().map(f64::to_bits),
        Some(1.8446744073709552e19f64.to_bits())
    );
    assert!(parse("18446744073709551616").as_u64().is_none());
}

/// serde_json keeps the last of two equal keys in a `Value`, so duplicates are refused in
/// the text before parsing, inside maps too (here the map of settings), with their line.
#[test]
fn duplicate_keys_are_refused_inside_maps_too() {
    let lesson = share::scenario_to_string(&lessons::load("missing-setting").unwrap().file);
    let key = lesson
        .find("\"config\": {\n")
        .expect("a lesson with settings");
    let twice = format!(
        "{}\"config\": {{\n\"A\": \"1\",\n\"A\": \"2\",\n{}",
        &lesson[..key],
        &lesson[key + "\"config\": {\n".len()..]
    );
    let p = lessons::load_str("twice.json", &twice).unwrap_err();
    assert!(
        p.iter().any(|p| p.message.contains("the key \"A\" appears twice")
            && p.location.line.is_some()),
        "{p:?}"
    );
}

proptest::proptest! {
    /// Why serde_json has `float_roundtrip`: its default parser read some 17-digit floats
    /// one unit in the last place off (tests/engine_properties.proptest-regressions).
    #[test]
    fn any_float_reads_back_bit_for_bit(bits in proptest::prelude::any::<u64>()) {
        let x = f64::from_bits(bits);
        proptest::prop_assume!(x.is_finite());
        let back: f64 = serde_json::from_str(&json::to_string(&x)).unwrap();
        proptest::prop_assert_eq!(back.to_bits(), x.to_bits());
    }

    #[test]
    fn any_text_reads_back(s in "\\PC*|[\\x00-\\x1f\"\\\\]*") {
        let v = Value::String(s);
        let parse = |t: &str| serde_json::from_str::<Value>(t).unwrap();
        proptest::prop_assert_eq!(parse(&json::to_string(&v)), v.clone());
        proptest::prop_assert_eq!(parse(&json::to_string_pretty(&v)), v);
    }
}

/// What Rust's exact parser says, as JSON would hold it (too large: an error).
fn rust_reads(text: &str) -> Option<f64> {
    let x: f64 = text.parse().unwrap();
    x.is_finite().then_some(x)
}

fn json_reads(text: &str) -> Option<f64> {
    serde_json::from_str::<Value>(text)
        .ok()
        .map(|v| v.as_f64().unwrap())
}

#[test]
fn hard_floats_read_exactly() {
    for text in [
        "0.1",
        "9007199254740993",
        "9007199254740993.0",
        "2.2250738585072011e-308",
        "2.2250738585072014e-308",
        "4.9e-324",
        "2.4703282292062327e-324",
        "2.4703282292062328e-324",
        "1e-400",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1.7976931348623159e308",
        "14.571538256584759",
        "0.30000000000000004",
        "123456789012345678901234567890e-20",
        "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124",
        "1.00000000000000011102230246251565404236316680908203126",
        "-0.0",
        "0e500",
    ] {
        let got = json_reads(text).map(f64::to_bits);
        assert_eq!(got, rust_reads(text).map(f64::to_bits), "{text}");
    }
}

#[test]
fn very_long_numbers_read_exactly_and_fast() {
    // Halfway between 1 and the next double, then 300,000 more digits: a zero rounds to
    // even (1.0), anything more rounds up.
    let half = "1.00000000000000011102230246251565404236316680908203125";
    for tail in ["0", "1"] {
        let text = format!("{half}{}{tail}", "0".repeat(300_000));
        let started = std::time::Instant::now();
        assert_eq!(
            json_reads(&text).map(f64::to_bits),
            rust_reads(&text).map(f64::to_bits)
        );
        assert!(started.elapsed().as_secs() < 2, "{:?}", started.elapsed());
    }
}

proptest::proptest! {
    #[test]
    fn decimal_text_reads_as_rusts_exact_parser(
        int in "0|[1-9][0-9]{0,25}",
        frac in proptest::option::of("[0-9]{1,25}"),
        exp in proptest::option::of(-360i32..360),
        negative in proptest::prelude::any::<bool>(),
    ) {
        let mut text = format!("{}{int}", if negative { "-" } else { "" });
        if let Some(f) = &frac {
            text.push('.');
            text.push_str(f);
        }
        if let Some(e) = exp {
            text.push_str(&format!("e{e}"));
        }
        let want = rust_reads(&text).map(f64::to_bits);
        proptest::prop_assert_eq!(json_reads(&text).map(f64::to_bits), want, "{}", text);
    }
}

/// The autosave writes only what is new (`SessionText`): its text is, byte for byte, the
/// compact form of the session file, built whole or a command at a time, and reads back.
#[test]
fn the_autosave_text_built_a_command_at_a_time_is_the_session_file_in_compact_form() {
    let s = sample_session();
    assert!(s.log.len() >= 2, "the sample has commands to add one by one");
    let whole: Value = serde_json::from_str(&share::session_to_string(&s)).unwrap();
    let mut text = share::SessionText::new(&s.scenario, s.seed);
    for n in 0..=s.log.len() {
        text.extend(&s.log[..n]);
        assert_eq!(text.written(), n);
    }
    assert_eq!(text.text(s.now), whole.to_string());
    assert_eq!(share::session_from_str("autosave", &text.text(s.now)).unwrap(), s);
    // Extending again with the same commands writes nothing twice.
    text.extend(&s.log);
    assert_eq!(text.text(s.now), whole.to_string());
}
