//! Conversions between Stagecraft's types and JSON values: scenario files, session links
//! and files, saved progress.
//!
//! `text.rs` parses and prints the text (with line and column in syntax errors); the
//! conversions to and from its `Value` are derived by `stagecraft-json-derive`, one plain
//! function per type. serde's derives were generic over the deserializer and cost about a
//! quarter of the wasm bundle; see that crate's notes. Each error carries
//! the path where it happened (`objectives[2].stage`), which serde could not give. Messages
//! are written for the trainers who write scenario files, not for Rust programmers:
//! `expected a whole number from 0 to 255, found the text "one"`.

use crate::sorted::{SortedMap, SortedSet};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;
use std::rc::Rc;

mod float;
mod text;

pub use stagecraft_json_derive::{FromJson, ToJson};
pub use text::{parse, Map, Number, SyntaxError, Value};

/// A value that can be written as JSON.
pub trait ToJson {
    fn to_json(&self) -> Value;
}

/// A value that can be read from JSON.
pub trait FromJson: Sized {
    fn from_json(v: &Value) -> Result<Self, Error>;
}

/// Why a JSON value is not the expected type, and where in the document.
///
/// Boxed, so that every `Result` the derived code passes around stays small: the failure
/// path is rare, and large results cost code size at every call.
#[derive(Clone, Debug, PartialEq)]
pub struct Error(Box<Inner>);

#[derive(Clone, Debug, PartialEq)]
struct Inner {
    message: String,
    /// Innermost segment first: errors gain their path on the way out.
    path: Vec<Segment>,
}

#[derive(Clone, Debug, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
}

impl Error {
    pub fn custom(message: impl fmt::Display) -> Self {
        Error(Box::new(Inner {
            message: message.to_string(),
            path: Vec::new(),
        }))
    }

    pub fn missing_field(name: &str) -> Self {
        Error::custom(format_args!("missing field \"{name}\""))
    }

    pub fn unknown_field(name: &str, expected: &[&str]) -> Self {
        Error::custom(format_args!(
            "unknown field \"{name}\" ({})",
            one_of(expected, "this object has no fields")
        ))
    }

    pub fn unknown_variant(name: &str, expected: &[&str]) -> Self {
        Error::custom(format_args!(
            "unknown kind \"{name}\" ({})",
            one_of(expected, "nothing is accepted here")
        ))
    }

    pub fn invalid_type(v: &Value, expected: &str) -> Self {
        Error::custom(format_args!("expected {expected}, found {}", found(v)))
    }

    /// The same error, one object key further out.
    pub fn inside(mut self, key: &str) -> Self {
        self.0.path.push(Segment::Key(key.to_string()));
        self
    }

    /// The same error, one array item further out.
    pub fn at(mut self, index: usize) -> Self {
        self.0.path.push(Segment::Index(index));
        self
    }

    /// What is wrong, without where.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// Where, as `setup.stages[0].name`; `None` for the document itself.
    pub fn path(&self) -> Option<String> {
        let mut out = String::new();
        for seg in self.0.path.iter().rev() {
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
            Some(p) => write!(f, "{p}: {}", self.0.message),
            None => f.write_str(&self.0.message),
        }
    }
}

fn one_of(expected: &[&str], none: &str) -> String {
    match expected {
        [] => none.to_string(),
        [one] => format!("expected: {one}"),
        many => format!("expected one of: {}", many.join(", ")),
    }
}

/// What was found instead, in plain words; long text is cut short.
fn found(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.chars().count() > 40 => {
            let head: String = s.chars().take(40).collect();
            format!("the text {head:?}…")
        }
        Value::String(s) => format!("the text {s:?}"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

// ---------------------------------------------------------------------------------------
// Helpers called by the derived code.

pub fn object<'a>(v: &'a Value, what: &str) -> Result<&'a Map, Error> {
    v.as_object().ok_or_else(|| Error::invalid_type(v, what))
}

pub fn array<'a>(v: &'a Value, len: usize, what: &str) -> Result<&'a [Value], Error> {
    match v {
        Value::Array(items) if items.len() == len => Ok(items),
        Value::Array(items) => Err(Error::custom(format_args!(
            "expected {what}, found a list of {}",
            items.len()
        ))),
        _ => Err(Error::invalid_type(v, what)),
    }
}

pub fn field<T: FromJson>(v: &Value, key: &str) -> Result<T, Error> {
    T::from_json(v).map_err(|e| e.inside(key))
}

/// Reads one field into its slot.
pub fn set<T: FromJson>(slot: &mut Option<T>, v: &Value, key: &str) -> Result<(), Error> {
    *slot = Some(field(v, key)?);
    Ok(())
}

pub fn item<T: FromJson>(v: &Value, index: usize) -> Result<T, Error> {
    T::from_json(v).map_err(|e| e.at(index))
}

/// An externally tagged enum value: `"name"` or `{"name": content}`.
pub fn variant<'a>(v: &'a Value, what: &str) -> Result<(&'a str, Option<&'a Value>), Error> {
    match v {
        Value::String(s) => Ok((s, None)),
        Value::Object(m) if m.len() == 1 => {
            let (k, x) = m.iter().next().expect("one entry");
            Ok((k, Some(x)))
        }
        _ => Err(Error::invalid_type(v, what)),
    }
}

/// The content of a variant that needs one, given as `"name"` alone. `shape` shows how
/// to write it, such as `{"rolling": { … }}`.
pub fn content<'a>(x: Option<&'a Value>, key: &str, shape: &str) -> Result<&'a Value, Error> {
    x.ok_or_else(|| Error::custom(format_args!("\"{key}\" needs more, written as {shape}")))
}

/// The tag of an internally tagged enum value.
pub fn tag<'a>(o: &'a Map, key: &str) -> Result<&'a str, Error> {
    match o.get(key) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(Error::invalid_type(other, "text in quotes").inside(key)),
        None => Err(Error::missing_field(key)),
    }
}

/// `{"name": content}`.
pub fn tagged(name: &str, content: Value) -> Value {
    let mut m = Map::new();
    m.insert(name.to_string(), content);
    Value::Object(m)
}

// ---------------------------------------------------------------------------------------
// Text.

pub fn to_string<T: ToJson + ?Sized>(t: &T) -> String {
    t.to_json().to_string()
}

pub fn to_string_pretty<T: ToJson + ?Sized>(t: &T) -> String {
    t.to_json().to_pretty()
}

// ---------------------------------------------------------------------------------------
// Standard types.

impl ToJson for Value {
    fn to_json(&self) -> Value {
        self.clone()
    }
}

impl FromJson for Value {
    fn from_json(v: &Value) -> Result<Self, Error> {
        Ok(v.clone())
    }
}

impl ToJson for bool {
    fn to_json(&self) -> Value {
        Value::Bool(*self)
    }
}

impl FromJson for bool {
    fn from_json(v: &Value) -> Result<Self, Error> {
        v.as_bool()
            .ok_or_else(|| Error::invalid_type(v, "true or false"))
    }
}

impl ToJson for String {
    fn to_json(&self) -> Value {
        Value::String(self.clone())
    }
}

impl ToJson for str {
    fn to_json(&self) -> Value {
        Value::String(self.to_string())
    }
}

impl FromJson for String {
    fn from_json(v: &Value) -> Result<Self, Error> {
        v.as_str()
            .map(str::to_string)
            .ok_or_else(|| Error::invalid_type(v, "text in quotes"))
    }
}

impl ToJson for f64 {
    fn to_json(&self) -> Value {
        Value::float(*self)
    }
}

impl FromJson for f64 {
    fn from_json(v: &Value) -> Result<Self, Error> {
        v.as_f64().ok_or_else(|| Error::invalid_type(v, "a number"))
    }
}

/// One non-generic reader for every integer type, so each adds only a range.
fn integer(v: &Value, min: i64, max: u64) -> Result<i128, Error> {
    let n = match v {
        Value::Number(Number::Unsigned(n)) => Some(i128::from(*n)),
        Value::Number(Number::Negative(n)) => Some(i128::from(*n)),
        _ => None,
    };
    let in_range = n.is_some_and(|n| n >= i128::from(min) && n <= i128::from(max));
    match n {
        Some(n) if in_range => Ok(n),
        _ => {
            let what = match (min, max) {
                (0, m) if m > u64::from(u32::MAX) => "a whole number, 0 or more".to_string(),
                (0, m) => format!("a whole number from 0 to {m}"),
                _ => "a whole number".to_string(),
            };
            Err(Error::invalid_type(v, &what))
        }
    }
}

macro_rules! integers {
    ($make:ident as $wide:ty: $($t:ty),*) => {$(
        impl ToJson for $t {
            fn to_json(&self) -> Value {
                Value::$make(*self as $wide)
            }
        }
        impl FromJson for $t {
            fn from_json(v: &Value) -> Result<Self, Error> {
                integer(v, <$t>::MIN as i64, <$t>::MAX as u64).map(|n| n as $t)
            }
        }
    )*};
}

integers!(unsigned as u64: u8, u16, u32, u64, usize);
integers!(signed as i64: i32, i64);

impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self) -> Value {
        match self {
            Some(t) => t.to_json(),
            None => Value::Null,
        }
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(v: &Value) -> Result<Self, Error> {
        match v {
            Value::Null => Ok(None),
            _ => T::from_json(v).map(Some),
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(ToJson::to_json).collect())
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> Value {
        self.as_slice().to_json()
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(v: &Value) -> Result<Self, Error> {
        let items = v
            .as_array()
            .ok_or_else(|| Error::invalid_type(v, "a list [ … ]"))?;
        items.iter().enumerate().map(|(i, x)| item(x, i)).collect()
    }
}

impl<T: ToJson> ToJson for VecDeque<T> {
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(ToJson::to_json).collect())
    }
}

impl<T: FromJson> FromJson for VecDeque<T> {
    fn from_json(v: &Value) -> Result<Self, Error> {
        Vec::<T>::from_json(v).map(VecDeque::from)
    }
}

impl<T: ToJson> ToJson for BTreeSet<T> {
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(ToJson::to_json).collect())
    }
}

impl<T: FromJson + Ord> FromJson for BTreeSet<T> {
    fn from_json(v: &Value) -> Result<Self, Error> {
        set_from_json(v)
    }
}

/// A list read into any set.
fn set_from_json<T: FromJson, S: Default + Extend<T>>(v: &Value) -> Result<S, Error> {
    let mut out = S::default();
    out.extend(Vec::<T>::from_json(v)?);
    Ok(out)
}

/// A map key as JSON writes it: keys are strings, whatever the key type prints as.
fn key_text(v: Value) -> String {
    match v {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// Any map as JSON: an object keyed by each key's text.
fn map_to_json<'a, K: ToJson + 'a, V: ToJson + 'a>(
    entries: impl Iterator<Item = (&'a K, &'a V)>,
) -> Value {
    let mut m = Map::new();
    for (k, v) in entries {
        m.insert(key_text(k.to_json()), v.to_json());
    }
    Value::Object(m)
}

/// An object read into any map, each key read as the key type.
fn map_from_json<K: FromJson, V: FromJson, M: Default + Extend<(K, V)>>(
    v: &Value,
) -> Result<M, Error> {
    let mut out = M::default();
    for (k, x) in object(v, "an object { … }")? {
        let key = K::from_json(&Value::String(k.clone())).map_err(|e| e.inside(k))?;
        out.extend(Some((key, field(x, k)?)));
    }
    Ok(out)
}

impl<K: ToJson, V: ToJson> ToJson for BTreeMap<K, V> {
    fn to_json(&self) -> Value {
        map_to_json(self.iter())
    }
}

impl<K: FromJson + Ord, V: FromJson> FromJson for BTreeMap<K, V> {
    fn from_json(v: &Value) -> Result<Self, Error> {
        map_from_json(v)
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn to_json(&self) -> Value {
        (**self).to_json()
    }
}

impl<T: ToJson + ?Sized> ToJson for Rc<T> {
    fn to_json(&self) -> Value {
        (**self).to_json()
    }
}

impl FromJson for Rc<str> {
    fn from_json(v: &Value) -> Result<Self, Error> {
        v.as_str()
            .map(Rc::from)
            .ok_or_else(|| Error::invalid_type(v, "text in quotes"))
    }
}

impl<T: FromJson> FromJson for Rc<T> {
    fn from_json(v: &Value) -> Result<Self, Error> {
        T::from_json(v).map(Rc::new)
    }
}

impl<T: ToJson + ?Sized> ToJson for Box<T> {
    fn to_json(&self) -> Value {
        (**self).to_json()
    }
}

impl<T: FromJson> FromJson for Box<T> {
    fn from_json(v: &Value) -> Result<Self, Error> {
        T::from_json(v).map(Box::new)
    }
}

impl<A: ToJson, B: ToJson> ToJson for (A, B) {
    fn to_json(&self) -> Value {
        Value::Array(vec![self.0.to_json(), self.1.to_json()])
    }
}

impl<A: FromJson, B: FromJson> FromJson for (A, B) {
    fn from_json(v: &Value) -> Result<Self, Error> {
        let a = array(v, 2, "a list of 2 values")?;
        Ok((item(&a[0], 0)?, item(&a[1], 1)?))
    }
}

// JSON: the same text as the `BTreeMap`/`BTreeSet` they replace (an object keyed by the
// key's text; a list), so saved state and files read and print unchanged.

impl<K: ToJson, V: ToJson> ToJson for SortedMap<K, V> {
    fn to_json(&self) -> Value {
        map_to_json(self.iter())
    }
}

impl<K: FromJson + Ord, V: FromJson> FromJson for SortedMap<K, V> {
    fn from_json(v: &Value) -> Result<Self, Error> {
        map_from_json(v)
    }
}

impl<K: ToJson> ToJson for SortedSet<K> {
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(ToJson::to_json).collect())
    }
}

impl<K: FromJson + Ord> FromJson for SortedSet<K> {
    fn from_json(v: &Value) -> Result<Self, Error> {
        set_from_json(v)
    }
}
