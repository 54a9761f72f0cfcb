//! JSON values and their text: a strict RFC 8259 parser with line and column in its
//! errors, and a compact and a pretty printer.
//!
//! Why our own and not serde_json's: serde_json's default float parser can read a
//! 17-digit number one unit in the last place off, so a session saved or shared as JSON
//! could replay differently (`tests/engine_properties.rs` found one). Its exact mode costs
//! as much as this whole module with Rust's own exact `str::parse::<f64>`, and this way
//! serde is gone from the bundle and syntax errors are in plain words. The output is byte
//! for byte what serde_json printed (sorted keys, its escapes, its float layout), so
//! links, files and the determinism hash did not change.

use crate::sorted::SortedMap;
use std::fmt::{self, Write};

/// An object: keys in sorted order, which keeps printed output deterministic.
pub type Map = SortedMap<String, Value>;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Value>),
    Object(Map),
}

/// A JSON number as read or written: whole numbers stay exact.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    Unsigned(u64),
    /// Always negative: non-negative whole numbers are `Unsigned`.
    Negative(i64),
    /// Always finite.
    Float(f64),
}

impl Number {
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Unsigned(n) => n as f64,
            Number::Negative(n) => n as f64,
            Number::Float(f) => f,
        }
    }
}

impl Value {
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_object_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(Number::Unsigned(n)) => Some(*n),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(n.as_f64()),
            _ => None,
        }
    }

    /// The value at `key`, if this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?.get(key)
    }

    /// A float as JSON can hold it: not finite becomes null, as serde_json wrote it.
    pub fn float(f: f64) -> Value {
        if f.is_finite() {
            Value::Number(Number::Float(f))
        } else {
            Value::Null
        }
    }

    pub fn unsigned(n: u64) -> Value {
        Value::Number(Number::Unsigned(n))
    }

    pub fn signed(n: i64) -> Value {
        match u64::try_from(n) {
            Ok(u) => Value::Number(Number::Unsigned(u)),
            Err(_) => Value::Number(Number::Negative(n)),
        }
    }

    /// Pretty text: two spaces per level, one entry per line.
    pub fn to_pretty(&self) -> String {
        let mut out = String::new();
        write_value(&mut out, self, Some(0));
        out
    }
}

/// Compact text, no spaces.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        write_value(&mut out, self, None);
        f.write_str(&out)
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Number::Unsigned(n) => write!(f, "{n}"),
            Number::Negative(n) => write!(f, "{n}"),
            Number::Float(x) => f.write_str(&float_text(x)),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Printing.

fn write_value(out: &mut String, v: &Value, indent: Option<usize>) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            write_seq(out, '[', ']', items.iter(), indent, |out, x, inner| {
                write_value(out, x, inner)
            });
        }
        Value::Object(map) => {
            write_seq(out, '{', '}', map.iter(), indent, |out, (k, x), inner| {
                write_string(out, k);
                out.push_str(if inner.is_some() { ": " } else { ":" });
                write_value(out, x, inner);
            });
        }
    }
}

/// Brackets around the items, separated by commas; pretty when `indent` is given.
fn write_seq<T>(
    out: &mut String,
    open: char,
    close: char,
    items: impl ExactSizeIterator<Item = T>,
    indent: Option<usize>,
    mut item: impl FnMut(&mut String, T, Option<usize>),
) {
    out.push(open);
    if items.len() == 0 {
        out.push(close);
        return;
    }
    let inner = indent.map(|n| n + 1);
    for (i, x) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if let Some(n) = inner {
            out.push('\n');
            out.push_str(&"  ".repeat(n));
        }
        item(out, x, inner);
    }
    if let Some(n) = indent {
        out.push('\n');
        out.push_str(&"  ".repeat(n));
    }
    out.push(close);
}

/// serde_json's escapes: quote, backslash, the short forms, other control characters as
/// `\u00xx`; everything else as it is.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A finite float in the layout serde_json (ryu) used: the shortest digits that read back
/// as the same number, `1.0` for whole numbers, an exponent only when very large or small.
fn float_text(x: f64) -> String {
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    // Rust's `{:e}` gives the same shortest digits: `-1.2345e-7`.
    let sci = format!("{x:e}");
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` always has an exponent");
    let exp: isize = exp.parse().expect("an integer exponent");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let len = digits.len() as isize;
    // The value is digits × 10^k, and 10^(kk-1) <= |x| < 10^kk.
    let kk = exp + 1;
    let k = kk - len;
    let body = if 0 <= k && kk <= 16 {
        format!("{digits}{}.0", "0".repeat(k as usize))
    } else if 0 < kk && kk <= 16 {
        let (a, b) = digits.split_at(kk as usize);
        format!("{a}.{b}")
    } else if -5 < kk && kk <= 0 {
        format!("0.{}{digits}", "0".repeat((-kk) as usize))
    } else if len == 1 {
        format!("{digits}e{}", kk - 1)
    } else {
        format!("{}.{}e{}", &digits[..1], &digits[1..], kk - 1)
    };
    format!("{sign}{body}")
}

// ---------------------------------------------------------------------------------------
// Parsing.

/// Why a text is not JSON, and where (1-based line and column, in characters).
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.message, self.line, self.column
        )
    }
}

/// Deeper nesting than this is refused rather than risk the stack.
const MAX_DEPTH: usize = 128;

/// Parses a whole text as one JSON value.
pub fn parse(text: &str) -> Result<Value, SyntaxError> {
    let mut p = Parser { text, pos: 0 };
    let v = p.value(0)?;
    p.skip_space();
    if p.pos < text.len() {
        return Err(p.error("unexpected text after the end of the JSON value"));
    }
    Ok(v)
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, message: &str) -> SyntaxError {
        let before = &self.text[..self.pos];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        SyntaxError {
            message: message.to_string(),
            line,
            column,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Consumes `c` after optional space, or fails with `message`.
    fn expect(&mut self, c: u8, message: &str) -> Result<(), SyntaxError> {
        self.skip_space();
        match self.peek() {
            Some(x) if x == c => {
                self.pos += 1;
                Ok(())
            }
            None => Err(self.error("the text ends too early")),
            Some(_) => Err(self.error(message)),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.skip_space();
        match self.peek() {
            None => Err(self.error("the text ends where a value was expected")),
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => {
                for (word, v) in [
                    ("null", Value::Null),
                    ("true", Value::Bool(true)),
                    ("false", Value::Bool(false)),
                ] {
                    if self.text[self.pos..].starts_with(word) {
                        self.pos += word.len();
                        return Ok(v);
                    }
                }
                Err(self.error(
                    "expected a value: an object, a list, text in quotes, a number, true, false or null",
                ))
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        self.pos += 1;
        let mut map = Map::new();
        self.skip_space();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(map));
        }
        loop {
            self.skip_space();
            match self.peek() {
                Some(b'"') => {}
                Some(b'}') if !map.is_empty() => {
                    return Err(self.error("a comma before } (remove the last comma)"))
                }
                None => return Err(self.error("the text ends inside an object")),
                Some(_) => return Err(self.error("expected a key in quotes")),
            }
            let key = self.string()?;
            self.expect(b':', "expected : after the key")?;
            let v = self.value(depth + 1)?;
            map.insert(key, v);
            self.skip_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(map));
                }
                None => return Err(self.error("the text ends inside an object")),
                Some(_) => return Err(self.error("expected , or } (is a comma missing?)")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_space();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_space();
            if self.peek() == Some(b']') {
                return Err(self.error("a comma before ] (remove the last comma)"));
            }
            items.push(self.value(depth + 1)?);
            self.skip_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                None => return Err(self.error("the text ends inside a list")),
                Some(_) => return Err(self.error("expected , or ] (is a comma missing?)")),
            }
        }
    }

    /// A string starting at the opening quote.
    fn string(&mut self) -> Result<String, SyntaxError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = &self.text[self.pos..];
            let Some(c) = rest.chars().next() else {
                return Err(self.error("the text ends inside a string (a \" is missing)"));
            };
            match c {
                '"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                '\\' => {
                    self.pos += 1;
                    out.push(self.escape()?);
                }
                c if (c as u32) < 0x20 => return Err(self.error(
                    "a control character (such as a line break) inside a string: write it as \\n",
                )),
                c => {
                    out.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
    }

    /// The character an escape stands for; `pos` is just after the backslash.
    fn escape(&mut self) -> Result<char, SyntaxError> {
        let Some(c) = self.peek() else {
            return Err(self.error("the text ends inside a string"));
        };
        self.pos += 1;
        Ok(match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{08}',
            b'f' => '\u{0c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = self.hex4()?;
                if (0xDC00..0xE000).contains(&high) {
                    return Err(self.error("a \\u escape starts with a second half of a pair"));
                }
                if !(0xD800..0xDC00).contains(&high) {
                    return char::from_u32(high).ok_or_else(|| self.error("an invalid \\u escape"));
                }
                // A pair of UTF-16 halves: the second must follow at once.
                if !self.text[self.pos..].starts_with("\\u") {
                    return Err(
                        self.error("a \\u escape is the first half of a pair without its second")
                    );
                }
                self.pos += 2;
                let low = self.hex4()?;
                if !(0xDC00..0xE000).contains(&low) {
                    return Err(self.error("a \\u escape pair has an invalid second half"));
                }
                let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                char::from_u32(code).ok_or_else(|| self.error("an invalid \\u escape"))?
            }
            _ => {
                self.pos -= 1;
                return Err(self.error(
                    "an unknown escape: after \\ only \" \\ / b f n r t or u and 4 hex digits",
                ));
            }
        })
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let digits = self.text.get(self.pos..self.pos + 4).unwrap_or("");
        if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.error("\\u must be followed by 4 hex digits"));
        }
        self.pos += 4;
        Ok(u32::from_str_radix(digits, 16).expect("checked hex digits"))
    }

    fn number(&mut self) -> Result<Value, SyntaxError> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let digits = |p: &mut usize| {
            let from = *p;
            while bytes.get(*p).is_some_and(u8::is_ascii_digit) {
                *p += 1;
            }
            from..*p
        };
        let mut p = self.pos;
        let negative = bytes.get(p) == Some(&b'-');
        if negative {
            p += 1;
        }
        let int = digits(&mut p);
        let bad = |s: &mut Self, at: usize| {
            s.pos = at;
            Err(s.error("an invalid number"))
        };
        if int.is_empty() || (int.len() > 1 && bytes[int.start] == b'0') {
            return bad(self, int.start);
        }
        let mut frac = p..p;
        if bytes.get(p) == Some(&b'.') {
            p += 1;
            frac = digits(&mut p);
            if frac.is_empty() {
                return bad(self, p);
            }
        }
        let mut exp10: i64 = 0;
        let mut float = !frac.is_empty();
        if matches!(bytes.get(p), Some(b'e' | b'E')) {
            p += 1;
            float = true;
            let minus = bytes.get(p) == Some(&b'-');
            if matches!(bytes.get(p), Some(b'+' | b'-')) {
                p += 1;
            }
            let e = digits(&mut p);
            if e.is_empty() {
                return bad(self, p);
            }
            // Saturate: anything this far out is zero or too large anyway.
            let magnitude = bytes[e]
                .iter()
                .fold(0i64, |a, d| (a * 10 + i64::from(d - b'0')).min(1_000_000));
            exp10 = if minus { -magnitude } else { magnitude };
        }
        self.pos = p;
        let text = &self.text[start..p];
        if !float {
            // `-0` stays a float, -0.0, as in serde_json.
            if negative {
                if let Ok(n) = text.parse::<i64>() {
                    if n != 0 {
                        return Ok(Value::signed(n));
                    }
                }
            } else if let Ok(n) = text.parse::<u64>() {
                return Ok(Value::unsigned(n));
            }
        }
        let mut all = bytes[int].to_vec();
        all.extend_from_slice(&bytes[frac.clone()]);
        let exp10 = exp10 - frac.len() as i64;
        // Exact: the nearest double, so every printed float reads back as itself.
        match super::float::decimal_to_f64(negative, &all, exp10) {
            Some(f) => Ok(Value::Number(Number::Float(f))),
            None => {
                self.pos = start;
                Err(self.error("a number too large to represent"))
            }
        }
    }
}
