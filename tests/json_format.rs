//! The JSON layer (`src/json.rs` and its derives): what it writes is byte for byte what
//! the serde-based build wrote, what it reads gets located, plain-worded errors, and the
//! attributes keep serde's meaning.
//!
//! `tests/fixtures/` holds a share link, a session file and an exported lesson written by
//! the last serde-based build (commit bf5b42a), so links and files that learners already
//! have keep working.
#![cfg(not(target_arch = "wasm32"))]

mod support;
use stagecraft::json::{self, FromJson, ToJson, Value};
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
}

fn read<T: FromJson>(text: &str) -> Result<T, json::Error> {
    T::from_json(&serde_json::from_str::<Value>(text).unwrap())
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
        "\"rolling\" needs more, written as {\"rolling\": { … }}"
    );
    let e = read::<Command>("[1]").unwrap_err();
    assert!(
        e.message()
            .starts_with("expected a kind, one of: commit, promote"),
        "{e}"
    );
    let e = read::<bool>(&format!("\"{}\"", "y".repeat(100))).unwrap_err();
    assert!(e.message().ends_with("\"…"), "long text is cut short: {e}");
}

#[test]
fn attributes_keep_their_serde_meaning() {
    // rename_all = "snake_case" and external tags.
    let c: Command = read(r#"{"pause_rollout": {"stage": "prod"}}"#).unwrap();
    assert_eq!(
        c.to_json().to_string(),
        r#"{"pause_rollout":{"stage":"prod"}}"#
    );
    // try_from/into String.
    let r: ReleaseRef = read(r#""any_new""#).unwrap();
    assert_eq!(r, ReleaseRef::AnyNew);
    assert_eq!(r.to_json(), Value::String("any_new".into()));
    assert!(read::<ReleaseRef>(r#""newest""#).is_err());
    // An internal tag beside the fields.
    let held = Status::Holding;
    assert_eq!(held.to_json().to_string(), r#"{"state":"holding"}"#);
    assert_eq!(Status::from_json(&held.to_json()).unwrap(), held);
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
