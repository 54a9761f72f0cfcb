//! Architecture rules, checked on the source text.
//!
//! `src/sim` is the engine, `src/lessons` the data layer above it and `src/lab` the strategy
//! lab above that: all pure. None may import the browser or UI crates (yew, web-sys, gloo,
//! wasm-bindgen, js-sys) nor read the wall clock. Imports point
//! `ui` → `lab` → `lessons` → `sim` only.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::{Path, PathBuf};

/// Crates the engine may not name, and prefixes of their sibling crates (`gloo_timers`, ...).
const FORBIDDEN_CRATES: &[&str] = &["yew", "web_sys", "gloo", "wasm_bindgen", "js_sys"];

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Punct(char),
}

/// Split Rust source into identifiers and punctuation, dropping comments, string and char
/// literals (so prose like "knows nothing of yew" is not a violation, but `use yew::...` is).
fn tokens(src: &str) -> Vec<(usize, Tok)> {
    let b: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0usize, 1usize);
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if b[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if c == 'r'
            && (next == Some('"') || (next == Some('#') && raw_string_ahead(&b, i + 1)))
        {
            // Raw string r"..." / r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            j += 1; // opening quote
            loop {
                match b.get(j) {
                    None => break,
                    Some('"') if (1..=hashes).all(|k| b.get(j + k) == Some(&'#')) => {
                        j += 1 + hashes;
                        break;
                    }
                    Some(ch) => {
                        if *ch == '\n' {
                            line += 1;
                        }
                        j += 1;
                    }
                }
            }
            i = j;
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                if i < b.len() && b[i] == '\n' {
                    line += 1;
                }
                i += 1;
            }
            i += 1;
        } else if c == '\'' {
            // A char literal ('a', '\n', '\u{1F600}') or a lifetime ('a).
            if next == Some('\\') {
                i += 2;
                while i < b.len() && b[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if b.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1; // lifetime: the name follows as an identifier
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_') {
                i += 1;
            }
            let word: String = b[start..i].iter().collect();
            let word = word.strip_prefix("r#").map(str::to_owned).unwrap_or(word);
            out.push((line, Tok::Ident(word)));
        } else if c.is_ascii_digit() {
            while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_' || b[i] == '.') {
                i += 1;
            }
        } else {
            if !c.is_whitespace() {
                out.push((line, Tok::Punct(c)));
            }
            i += 1;
        }
    }
    out
}

fn raw_string_ahead(b: &[char], mut j: usize) -> bool {
    while b.get(j) == Some(&'#') {
        j += 1;
    }
    b.get(j) == Some(&'"')
}

fn is_forbidden_crate(name: &str) -> bool {
    FORBIDDEN_CRATES.iter().any(|c| {
        name == *c
            || name
                .strip_prefix(c)
                .is_some_and(|rest| rest.starts_with('_'))
    })
}

/// Every place the source names a forbidden crate or reads the wall clock, as
/// `(line, what)`.
fn violations(src: &str) -> Vec<(usize, String)> {
    let toks = tokens(src);
    let ident = |k: usize| match toks.get(k) {
        Some((_, Tok::Ident(s))) => Some(s.as_str()),
        _ => None,
    };
    let punct = |k: usize, c: char| matches!(toks.get(k), Some((_, Tok::Punct(p))) if *p == c);
    let mut found = Vec::new();
    for (k, (line, tok)) in toks.iter().enumerate() {
        let Tok::Ident(name) = tok else { continue };
        if FORBIDDEN_CRATES.contains(&name.as_str()) {
            // The bare crate names have no business in the engine at all: `use yew::..`,
            // `yew::html!`, `#[wasm_bindgen]`, `extern crate gloo`, ...
            found.push((*line, format!("names `{name}`")));
        } else if is_forbidden_crate(name) && punct(k + 1, ':') && punct(k + 2, ':') {
            found.push((*line, format!("uses path `{name}::`")));
        } else if is_forbidden_crate(name)
            && matches!(ident(k.wrapping_sub(1)), Some("use" | "crate"))
        {
            found.push((*line, format!("imports `{name}`")));
        } else if (name == "Instant" || name == "SystemTime")
            && ((punct(k + 1, ':') && punct(k + 2, ':') && ident(k + 3) == Some("now"))
                || (k >= 3 && ident(k - 3) == Some("time") && punct(k - 1, ':')))
        {
            found.push((*line, format!("reads the wall clock via `{name}`")));
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn sim_is_pure_no_ui_or_browser_crates_and_no_wall_clock() {
    // Below the engine there is only the JSON layer: it may not name lessons or ui.
    let report = layer_report("sim", &["lab", "lessons", "ui"]);
    assert!(
        report.is_empty(),
        "src/sim must stay pure (no yew/web_sys/gloo/wasm_bindgen/js_sys, no wall clock, no lessons or ui):\n{}",
        report.join("\n")
    );
}

#[test]
fn checker_flags_imports_of_ui_and_browser_crates() {
    for bad in [
        "use yew::prelude::*;",
        "use web_sys::Document;",
        "use gloo::timers::callback::Timeout;",
        "use gloo_timers::callback::Timeout;",
        "use wasm_bindgen::prelude::*;",
        "use wasm_bindgen_futures::spawn_local;",
        "fn f() -> js_sys::Date { todo!() }",
        "#[wasm_bindgen]\npub fn f() {}",
        "extern crate yew;",
        "use std::{fmt, r#yew::Html};",
        "use {serde::Serialize, yew};",
        "fn f() { let t = std::time::Instant::now(); }",
        "use std::time::SystemTime;",
        "fn f() { SystemTime::now(); }",
    ] {
        assert!(!violations(bad).is_empty(), "should be flagged: {bad}");
    }
}

#[test]
fn checker_ignores_prose_strings_and_lookalikes() {
    for ok in [
        "//! Knows nothing of yew, web-sys, gloo, wasm-bindgen or js-sys.",
        "/* use yew::prelude::*; /* nested */ still a comment */ fn f() {}",
        "const S: &str = \"use yew::prelude::*;\";",
        "const S: &str = r#\"use web_sys::Document; \"quoted\" \"#;",
        "fn f<'a>(x: &'a str) -> char { let _ = x; 'y' }",
        "pub struct SimTime(pub u64); fn now() -> SimTime { SimTime(0) }",
        "let gloomy = 1; let yewtree = 2; let my_web_sys_count = 3;",
        "use std::time::Duration;",
    ] {
        assert_eq!(violations(ok), vec![], "should not be flagged: {ok}");
    }
}

#[test]
fn reports_the_line_of_the_violation() {
    let src = "//! engine\n\nuse serde::Serialize;\nuse yew::Html;\n";
    assert_eq!(violations(src), vec![(4, "names `yew`".to_string())]);
}

/// Violations in every file under `src/<dir>` (or in that one file): browser crates, the clock, and naming any
/// of the crate's `modules` (as `crate::x`, `stagecraft::x` or `super::x`).
fn layer_report(dir: &str, modules: &[&str]) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
    let mut files = Vec::new();
    if dir.is_file() {
        files.push(dir.clone());
    } else {
        rust_files(&dir, &mut files);
    }
    assert!(!files.is_empty(), "no .rs files under {}", dir.display());
    let mut report = Vec::new();
    for file in &files {
        let src = fs::read_to_string(file).unwrap();
        for (line, what) in violations(&src) {
            report.push(format!("{}:{line}: {what}", file.display()));
        }
        let toks = tokens(&src);
        for w in toks.windows(4) {
            if let [(line, Tok::Ident(a)), (_, Tok::Punct(':')), (_, Tok::Punct(':')), (_, Tok::Ident(b))] =
                w
            {
                if ["crate", "stagecraft", "super"].contains(&a.as_str())
                    && modules.contains(&b.as_str())
                {
                    report.push(format!("{}:{line}: names {a}::{b}", file.display()));
                }
            }
        }
    }
    report
}

#[test]
fn lessons_use_only_the_engine_no_ui_or_browser_crates_and_no_wall_clock() {
    // Imports point ui -> lessons -> sim: nothing here may name the ui module.
    let report = layer_report("lessons", &["lab", "ui"]);
    assert!(
        report.is_empty(),
        "src/lessons may use only crate::sim:\n{}",
        report.join("\n")
    );
}

#[test]
fn the_lab_uses_lessons_and_the_engine_no_ui_browser_crates_or_wall_clock() {
    // Between lessons and the UI: the UI (and its web workers) call the lab, never the
    // other way; the command line's threads and timing live in src/bin, not here.
    let report = layer_report("lab", &["ui"]);
    assert!(
        report.is_empty(),
        "src/lab may use crate::lessons and crate::sim only:\n{}",
        report.join("\n")
    );
}
