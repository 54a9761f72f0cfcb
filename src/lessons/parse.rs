//! Reading untrusted text: size and nesting limits before parsing, duplicate keys, JSON
//! syntax and type errors with line and column, unknown fields, and markup in text.
//! Every problem is collected with its location, so a file can be fixed in one pass.

use super::format::limits;
use super::json::{self, Value};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a problem is: the file, a line and column in it (syntax and type errors), and the
/// path of the field (semantic errors), such as `objectives[2].stage`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub path: Option<String>,
}

/// One thing wrong with a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub location: Location,
    pub message: String,
    /// What would have been accepted, when that is short to say.
    pub expected: Option<String>,
}

impl Problem {
    pub fn at_path(file: &str, path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            location: Location {
                file: file.into(),
                path: Some(path.into()),
                ..Location::default()
            },
            message: message.into(),
            expected: None,
        }
    }
    pub fn in_file(file: &str, message: impl Into<String>) -> Problem {
        Problem {
            location: Location {
                file: file.into(),
                ..Location::default()
            },
            message: message.into(),
            expected: None,
        }
    }
    pub fn expecting(mut self, expected: impl Into<String>) -> Problem {
        self.expected = Some(expected.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, ":{l}:{c}")?;
        }
        if let Some(p) = &self.path {
            write!(f, " at {p}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)?;
        if let Some(e) = &self.expected {
            write!(f, " (expected {e})")?;
        }
        Ok(())
    }
}

/// Checks run on the raw text before any parsing: not empty, not too big, not nested too
/// deep, no duplicate keys in an object. Returns `Err` when parsing must not even start.
pub fn guard(file: &str, text: &str) -> Result<Vec<Problem>, Vec<Problem>> {
    if text.len() > limits::MAX_BYTES {
        return Err(vec![Problem::in_file(
            file,
            format!(
                "the file is {} bytes; the limit is {} bytes (1 MB)",
                text.len(),
                limits::MAX_BYTES
            ),
        )]);
    }
    if text.trim().is_empty() {
        return Err(vec![
            Problem::in_file(file, "the file is empty").expecting("a JSON object")
        ]);
    }
    let mut problems = Vec::new();
    // A small scanner: tracks strings, nesting, and the keys of each open object.
    let (mut line, mut col) = (1usize, 0usize);
    let mut stack: Vec<Option<Vec<String>>> = Vec::new(); // Some(keys) for objects, None for arrays
    let mut chars = text.chars().peekable();
    let mut expect_key = false;
    while let Some(c) = chars.next() {
        col += 1;
        match c {
            '\n' => {
                line += 1;
                col = 0;
            }
            '{' | '[' => {
                stack.push(if c == '{' { Some(Vec::new()) } else { None });
                expect_key = c == '{';
                if stack.len() > limits::MAX_DEPTH {
                    return Err(vec![Problem {
                        location: Location {
                            file: file.into(),
                            line: Some(line),
                            column: Some(col),
                            path: None,
                        },
                        message: format!(
                            "objects and arrays are nested more than {} deep",
                            limits::MAX_DEPTH
                        ),
                        expected: Some(format!("at most {} levels", limits::MAX_DEPTH)),
                    }]);
                }
            }
            '}' | ']' => {
                stack.pop();
                expect_key = false;
            }
            ',' => expect_key = matches!(stack.last(), Some(Some(_))),
            ':' => expect_key = false,
            '"' => {
                let (start_line, start_col) = (line, col);
                let mut s = String::new();
                while let Some(d) = chars.next() {
                    col += 1;
                    match d {
                        '\\' => {
                            if let Some(e) = chars.next() {
                                col += 1;
                                s.push('\\');
                                s.push(e);
                            }
                        }
                        '"' => break,
                        '\n' => {
                            line += 1;
                            col = 0;
                            s.push(d);
                        }
                        _ => s.push(d),
                    }
                }
                if expect_key {
                    if let Some(Some(keys)) = stack.last_mut() {
                        if keys.contains(&s) {
                            problems.push(Problem {
                                location: Location {
                                    file: file.into(),
                                    line: Some(start_line),
                                    column: Some(start_col),
                                    path: None,
                                },
                                message: format!(
                                    "the key \"{s}\" appears twice in the same object"
                                ),
                                expected: Some("each key once".into()),
                            });
                        } else {
                            keys.push(s);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(problems)
}

/// Parses `text` as JSON, reporting a syntax error with its line and column.
// A `Problem` is large, but there is at most one per file read: boxing it buys nothing.
#[allow(clippy::result_large_err)]
pub fn syntax(file: &str, text: &str) -> Result<Value, Problem> {
    serde_json::from_str::<Value>(text).map_err(|e| {
        let (line, column) = json::syntax_position(&e, text);
        Problem {
            location: Location {
                file: file.into(),
                line: Some(line),
                column: Some(column),
                path: None,
            },
            message: format!("this is not valid JSON: {}", json::syntax_message(&e, text)),
            expected: None,
        }
    })
}

/// Reads `value` (parsed from `text`) as `T`. On failure, reports the error at its field
/// path (an unknown field also at its line and column in `text`), and tries each top-level
/// field on its own so that problems in other fields are reported too.
pub fn typed<T: DeserializeOwned>(
    file: &str,
    text: &str,
    value: &Value,
    fields: &[(&str, FieldCheck)],
) -> Result<T, Vec<Problem>> {
    match json::from_value::<T>(value) {
        Ok(t) => Ok(t),
        Err(e) => {
            let first = e.message().to_string();
            // An unknown field is named in the message: point at where that key is written.
            let (line, column, path) = match unknown_field_name(&first) {
                Some(name) => {
                    let (l, c) = key_position(text, name).unzip();
                    (l, c, key_path(value, name, ""))
                }
                None => (None, None, e.path()),
            };
            let mut problems = vec![Problem {
                location: Location {
                    file: file.into(),
                    line,
                    column,
                    path,
                },
                message: first.clone(),
                expected: None,
            }];
            if let Value::Object(_) = value {
                for other in type_errors(value, fields) {
                    if other != e {
                        problems.push(problem_of(file, &other));
                    }
                }
            } else {
                problems[0].expected = Some("a JSON object { ... }".into());
            }
            Err(problems)
        }
    }
}

fn unknown_field_name(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field \"")?;
    rest.split('"').next()
}

/// Line and column (1-based) of the first `"name":` in the text.
fn key_position(text: &str, name: &str) -> Option<(usize, usize)> {
    let quoted = format!("\"{name}\"");
    let mut from = 0;
    while let Some(i) = text[from..].find(&quoted).map(|i| i + from) {
        let after = text[i + quoted.len()..].trim_start();
        if after.starts_with(':') {
            let before = &text[..i];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |n| n + 1) + 1;
            return Some((line, column));
        }
        from = i + quoted.len();
    }
    None
}

/// The path (`setup.stages[0].colour`) of the first object key called `name`.
fn key_path(v: &Value, name: &str, path: &str) -> Option<String> {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    match v {
        Value::Object(map) => map.iter().find_map(|(k, x)| {
            if k == name {
                Some(join(k))
            } else {
                key_path(x, name, &join(k))
            }
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, x)| key_path(x, name, &format!("{path}[{i}]"))),
        _ => None,
    }
}

/// Checks one top-level field on its own (for reporting several type errors at once).
pub type FieldCheck = fn(&Value) -> Vec<json::Error>;

pub fn check_as<T: DeserializeOwned>(v: &Value) -> Vec<json::Error> {
    json::from_value::<T>(v).err().into_iter().collect()
}

/// Checks a list item by item, so every wrong item is reported, not only the first.
pub fn check_items<T: DeserializeOwned>(v: &Value) -> Vec<json::Error> {
    match v {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, x)| json::from_value::<T>(x).err().map(|e| e.at(i)))
            .collect(),
        _ => check_as::<Vec<T>>(v),
    }
}

/// Every type error of the document's known top-level fields, each at its path.
pub fn type_errors(value: &Value, fields: &[(&str, FieldCheck)]) -> Vec<json::Error> {
    let Value::Object(map) = value else {
        return Vec::new();
    };
    fields
        .iter()
        .filter_map(|(name, check)| map.get(*name).map(|v| (name, check(v))))
        .flat_map(|(name, errors)| errors.into_iter().map(move |e| e.inside(name)))
        .collect()
}

/// A type error as a problem at its path in the file.
pub fn problem_of(file: &str, e: &json::Error) -> Problem {
    match e.path() {
        Some(path) => Problem::at_path(file, path, e.message()),
        None => Problem::in_file(file, e.message()),
    }
}

/// Keys present in `original` but dropped when the parsed value is written back: fields the
/// types do not know (the engine's types that do not refuse unknown fields, such as commands).
pub fn unknown_keys<T: Serialize>(
    file: &str,
    path: &str,
    original: &Value,
    parsed: &T,
    out: &mut Vec<Problem>,
) {
    diff_keys(file, path, original, &json::to_value(parsed), out);
}

fn diff_keys(file: &str, path: &str, a: &Value, b: &Value, out: &mut Vec<Problem>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match y.get(k) {
                    Some(w) => diff_keys(file, &p, v, w, out),
                    None => out.push(
                        Problem::at_path(file, p, format!("unknown field \"{k}\""))
                            .expecting("only the fields listed in the format reference"),
                    ),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                diff_keys(file, &format!("{path}[{i}]"), v, w, out);
            }
        }
        _ => {}
    }
}

/// Text that could be taken for markup or a script link is refused everywhere in a file,
/// so no UI can be tricked into rendering it.
pub fn check_text(file: &str, path: &str, v: &Value, out: &mut Vec<Problem>) {
    match v {
        Value::String(s) => {
            if let Some(why) = unsafe_text(s) {
                out.push(
                    Problem::at_path(file, path, why)
                        .expecting("plain text without <, > or javascript:"),
                );
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                check_text(file, &format!("{path}[{i}]"), x, out);
            }
        }
        Value::Object(map) => {
            for (k, x) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                if let Some(why) = unsafe_text(k) {
                    out.push(Problem::at_path(file, &p, format!("key: {why}")));
                }
                check_text(file, &p, x, out);
            }
        }
        _ => {}
    }
}

pub fn unsafe_text(s: &str) -> Option<String> {
    if s.contains('<') || s.contains('>') {
        return Some("text may not contain < or > (markup is not allowed)".into());
    }
    let squashed: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    if squashed.contains("javascript:") {
        return Some("text may not contain javascript: links".into());
    }
    None
}
