//! JSON through serde and serde_json, with errors in plain words for the trainers who write
//! scenario files rather than for Rust programmers: serde's `invalid type: string "one",
//! expected u64` becomes `expected a whole number, 0 or more, found the text "one"`, and
//! `serde_path_to_error` gives where (`objectives[2].stage`).
//!
//! Text is always parsed into a `Value` first and types are read from that value: one
//! deserializer means one copy of every type's `Deserialize` code in the wasm bundle, and
//! `parse::guard` has already refused duplicate keys and deep nesting in the text (a
//! `Value` keeps only the last of two equal keys). Written text goes through a `Value` too,
//! whose objects are sorted by key: links, files and the determinism hash stay byte for
//! byte what they were.

use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt;

pub use serde_json::{Map, Value};

/// Compact text, keys sorted.
pub fn to_string<T: Serialize + ?Sized>(t: &T) -> String {
    crate::sim::replay::canonical_json(t)
}

/// Pretty text (two spaces per level), keys sorted.
pub fn to_string_pretty<T: Serialize + ?Sized>(t: &T) -> String {
    let value = serde_json::to_value(t).expect("our types always serialise");
    serde_json::to_string_pretty(&value).expect("a value always prints")
}

/// The value of `t`, as it would be written.
pub fn to_value<T: Serialize + ?Sized>(t: &T) -> Value {
    serde_json::to_value(t).expect("our types always serialise")
}

/// Why a JSON value is not the expected type, and where in the document.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    message: String,
    /// Outermost segment first.
    path: Vec<Segment>,
}

#[derive(Clone, Debug, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// Reads `v` as `T`, with a plain-worded error at its path.
pub fn from_value<T: DeserializeOwned>(v: &Value) -> Result<T, Error> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let mut path: Vec<Segment> = e
            .path()
            .iter()
            .filter_map(|s| match s {
                serde_path_to_error::Segment::Seq { index } => Some(Segment::Index(*index)),
                serde_path_to_error::Segment::Map { key } => Some(Segment::Key(key.clone())),
                serde_path_to_error::Segment::Enum { variant } => {
                    Some(Segment::Key(variant.clone()))
                }
                serde_path_to_error::Segment::Unknown => None,
            })
            .collect();
        let raw = e.into_inner().to_string();
        // A kind that needs content, given as its name alone: the name is the last segment.
        if raw.starts_with("invalid type: unit variant, expected ") {
            if let Some(Segment::Key(name)) = path.last().cloned() {
                path.pop();
                return Error {
                    message: format!("\"{name}\" needs more, written as {{\"{name}\": …}}"),
                    path,
                };
            }
        }
        // serde_path_to_error puts an unknown key at the end of the path; the key is in the
        // message already, and the problem belongs to the object that has it.
        if let (Some(rest), Some(Segment::Key(last))) =
            (raw.strip_prefix("unknown field `"), path.last())
        {
            if rest.starts_with(&format!("{last}`")) {
                path.pop();
            }
        }
        Error {
            message: plain(&raw),
            path,
        }
    })
}

impl Error {
    /// The same error, one object key further out.
    pub fn inside(mut self, key: &str) -> Self {
        self.path.insert(0, Segment::Key(key.to_string()));
        self
    }

    /// The same error, one list item further out.
    pub fn at(mut self, index: usize) -> Self {
        self.path.insert(0, Segment::Index(index));
        self
    }

    /// What is wrong, without where.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where, as `setup.stages[0].name`; `None` for the document itself.
    pub fn path(&self) -> Option<String> {
        let mut out = String::new();
        for seg in &self.path {
            match seg {
                Segment::Key(k) if out.is_empty() => out.push_str(k),
                Segment::Key(k) => {
                    out.push('.');
                    out.push_str(k);
                }
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        (!out.is_empty()).then_some(out)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.path() {
            Some(p) => write!(f, "{p}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// serde's message for a value of the wrong type or shape, in the words of the format
/// reference. Messages it does not know (our own, from `try_from` and custom readers) are
/// already plain and pass through.
fn plain(message: &str) -> String {
    let invalid = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "));
    if let Some((found, expected)) = invalid.and_then(|m| m.split_once(", expected ")) {
        return format!(
            "expected {}, found {}",
            expected_words(expected),
            found_words(found)
        );
    }
    if let Some((n, expected)) = message
        .strip_prefix("invalid length ")
        .and_then(|m| m.split_once(", expected "))
    {
        return format!("expected {}, found a list of {n}", expected_words(expected));
    }
    if let Some(name) = message.strip_prefix("missing field ") {
        return format!("missing field {}", quoted(name));
    }
    if let Some(rest) = message.strip_prefix("duplicate field ") {
        return format!("the key {} appears twice in the same object", quoted(rest));
    }
    for (prefix, word, none) in [
        ("unknown field ", "field", "this object has no fields"),
        ("unknown variant ", "kind", "nothing is accepted here"),
    ] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let (name, choices) = rest.split_once(", ").unwrap_or((rest, ""));
            let choices = if let Some(list) = choices.strip_prefix("expected one of ") {
                format!("expected one of: {}", unquote_list(list))
            } else if let Some(one) = choices.strip_prefix("expected ") {
                format!("expected: {}", unquote_list(one))
            } else {
                none.to_string()
            };
            return format!("unknown {word} {} ({choices})", quoted(name));
        }
    }
    message.to_string()
}

/// `` `name` `` as `"name"`.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.trim_matches('`'))
}

/// `` `a`, `b` `` as `a, b`.
fn unquote_list(list: &str) -> String {
    list.replace('`', "")
}

/// What serde's visitors say they expected, as the format reference says it.
fn expected_words(expected: &str) -> String {
    let whole = |max: u64| format!("a whole number from 0 to {max}");
    match expected {
        "u8" => whole(u8::MAX.into()),
        "u16" => whole(u16::MAX.into()),
        "u32" => whole(u32::MAX.into()),
        "u64" | "usize" => "a whole number, 0 or more".into(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".into(),
        "f32" | "f64" => "a number".into(),
        "a string" | "a borrowed string" | "a character" => "text in quotes".into(),
        "a boolean" => "true or false".into(),
        "a sequence" => "a list [ … ]".into(),
        "a map" => "an object { … }".into(),
        // An externally tagged enum: `"name"` or `{"name": …}`.
        "string or map" => "a kind: \"name\" or {\"name\": …}".into(),
        e if e.starts_with("struct ") || e.starts_with("struct variant ") => {
            "an object { … }".into()
        }
        e if e.starts_with("a tuple of size ") || e.starts_with("tuple of size ") => {
            let n = e.rsplit(' ').next().unwrap_or("2");
            format!("a list of {n} values")
        }
        e if e.starts_with("internally tagged enum ") || e.starts_with("enum ") => "a kind".into(),
        other => other.to_string(),
    }
}

/// serde's `Unexpected` in plain words; long text is cut short.
fn found_words(found: &str) -> String {
    if let Some(text) = found.strip_prefix("string ") {
        // `{:?}` of the text: cut inside the quotes.
        let inner = text.trim_start_matches('"').trim_end_matches('"');
        return if inner.chars().count() > 40 {
            let head: String = inner.chars().take(40).collect();
            format!("the text \"{head}\"…")
        } else {
            format!("the text {text}")
        };
    }
    let ticked = |prefix: &str| {
        found
            .strip_prefix(prefix)
            .map(|n| n.trim_matches('`').to_string())
    };
    if let Some(n) = ticked("integer ").or_else(|| ticked("floating point ")) {
        return format!("the number {n}");
    }
    if let Some(b) = ticked("boolean ") {
        return b;
    }
    match found {
        "unit value" | "Option value" => "null".into(),
        "sequence" => "a list".into(),
        "map" => "an object".into(),
        other => other.to_string(),
    }
}

/// A syntax error from serde_json in plain words, at its line and column. `text` is what
/// was read, to tell a comma before `]` from one before `}`.
pub fn syntax_message(e: &serde_json::Error, text: &str) -> String {
    let full = e.to_string();
    let message = match full.rfind(" at line ") {
        Some(i) => &full[..i],
        None => &full,
    };
    match message {
        "EOF while parsing a list" => "the text ends inside a list".into(),
        "EOF while parsing an object" => "the text ends inside an object".into(),
        "EOF while parsing a string" => "the text ends inside a string (a \" is missing)".into(),
        "EOF while parsing a value" => "the text ends where a value was expected".into(),
        "expected `:`" => "expected : after the key".into(),
        "expected `,` or `]`" => "expected , or ] (is a comma missing?)".into(),
        "expected `,` or `}`" => "expected , or } (is a comma missing?)".into(),
        "expected value" | "expected ident" => {
            "expected a value: an object, a list, text in quotes, a number, true, false or null"
                .into()
        }
        "key must be a string" => "expected a key in quotes".into(),
        "invalid escape" => {
            "an unknown escape (use \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)".into()
        }
        "invalid number" => "an invalid number".into(),
        "number out of range" => "a number too large for JSON".into(),
        "invalid unicode code point" => "an invalid \\u escape".into(),
        "lone leading surrogate in hex escape" => {
            "a \\u escape is the first half of a pair without its second".into()
        }
        "unexpected end of hex escape" => {
            "an incomplete \\u escape (4 hex digits; a surrogate pair needs both halves)".into()
        }
        "trailing characters" => "unexpected text after the end of the JSON value".into(),
        "recursion limit exceeded" => "nested too deeply".into(),
        "trailing comma" => match char_at(text, e.line(), e.column()) {
            Some('}') => "a comma before } (remove the last comma)".into(),
            _ => "a comma before ] (remove the last comma)".into(),
        },
        m if m.starts_with("control character") => {
            "a control character inside text (write a line break as \\n)".into()
        }
        other => other.to_string(),
    }
}

/// Where a syntax error is, as (line, column), 1-based. serde_json points at the character
/// where it gave up; for a misspelt `true`, `false` or `null` (`tru`, `hello`) that is
/// inside the word, and the word's first letter is where the reader should look.
pub fn syntax_position(e: &serde_json::Error, text: &str) -> (usize, usize) {
    let (line, column) = (e.line(), e.column());
    if !e.to_string().starts_with("expected ident") {
        return (line, column);
    }
    let Some(row) = text.lines().nth(line.saturating_sub(1)) else {
        return (line, column);
    };
    let before: Vec<char> = row.chars().take(column.saturating_sub(1)).collect();
    let letters = before
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    (line, column.saturating_sub(letters + 1) + 1)
}

/// The character at a 1-based line and column.
fn char_at(text: &str, line: usize, column: usize) -> Option<char> {
    text.lines()
        .nth(line.checked_sub(1)?)?
        .chars()
        .nth(column.checked_sub(1)?)
}
