//! Sessions as links and files.
//!
//! A share link carries `{scenario, seed, log, now}` as compact JSON, base64url-encoded
//! (RFC 4648 §5, no padding), behind a version tag and followed by a checksum:
//! `1.<payload>.<8 hex digits: FNV-1a 32 of the payload text>`. Anything truncated or
//! tampered with fails the checksum; an unknown version is named as such. Links longer than
//! [`MAX_LINK_CHARS`] are refused by [`encode`]; the UI then offers a session file instead.

use super::format::limits;
use super::parse::{self, Problem};
use super::json;
use serde::{Deserialize, Serialize};
use crate::sim::replay::LoggedCommand;
use crate::sim::time::SimTime;
use std::fmt;

pub use super::session_text::SessionText;

/// The link format version written by this build.
pub const LINK_VERSION: u32 = 1;
/// Longest link payload we produce: comfortably under what browsers and chat tools keep.
pub const MAX_LINK_CHARS: usize = 6000;

/// Which scenario a session plays.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ScenarioRef {
    /// A built-in lesson, by id.
    Lesson(String),
    /// A custom scenario, carried whole (its JSON text).
    Custom(String),
}

/// Everything needed to rebuild a session exactly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedSession {
    pub scenario: ScenarioRef,
    pub seed: u64,
    pub log: Vec<LoggedCommand>,
    pub now: SimTime,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    Empty,
    /// The link is longer than we ever produce (or the session too big for a link).
    TooLong {
        chars: usize,
        limit: usize,
    },
    /// Not in the `version.payload.checksum` shape.
    Malformed(String),
    UnknownVersion(String),
    /// The checksum does not match: the link was cut short or altered.
    Checksum,
    /// The payload decoded but is not a valid session.
    Invalid(String),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::Empty => f.write_str("The link carries no session."),
            LinkError::TooLong { chars, limit } => write!(f, "The session is too long for a link ({chars} characters; at most {limit}). Save it as a file instead."),
            LinkError::Malformed(why) => write!(f, "This is not a Stagecraft session link: {why}."),
            LinkError::UnknownVersion(v) => write!(f, "This link was made by a different version of Stagecraft (link format {v}; this one reads {LINK_VERSION})."),
            LinkError::Checksum => f.write_str("The link is incomplete or was changed (its checksum does not match). Copy the whole link again."),
            LinkError::Invalid(why) => write!(f, "The link's session is not valid: {why}."),
        }
    }
}

/// Encodes a session as the part of a URL after `#s=`.
pub fn encode(session: &SharedSession) -> Result<String, LinkError> {
    let json = json::to_string(session);
    let payload = base64url_encode(json.as_bytes());
    let link = format!("{LINK_VERSION}.{payload}.{:08x}", fnv32(payload.as_bytes()));
    if link.len() > MAX_LINK_CHARS {
        return Err(LinkError::TooLong {
            chars: link.len(),
            limit: MAX_LINK_CHARS,
        });
    }
    Ok(link)
}

/// Decodes what [`encode`] produced, checking shape, version, checksum and content.
pub fn decode(link: &str) -> Result<SharedSession, LinkError> {
    let link = link.trim();
    if link.is_empty() {
        return Err(LinkError::Empty);
    }
    if link.len() > MAX_LINK_CHARS {
        return Err(LinkError::TooLong {
            chars: link.len(),
            limit: MAX_LINK_CHARS,
        });
    }
    let mut parts = link.split('.');
    let (Some(version), Some(payload), Some(sum), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(LinkError::Malformed(
            "expected three parts separated by dots".into(),
        ));
    };
    if version != LINK_VERSION.to_string() {
        return Err(LinkError::UnknownVersion(
            version.chars().take(12).collect(),
        ));
    }
    if sum.len() != 8 || u32::from_str_radix(sum, 16).ok() != Some(fnv32(payload.as_bytes())) {
        return Err(LinkError::Checksum);
    }
    let bytes = base64url_decode(payload)
        .ok_or_else(|| LinkError::Malformed("the payload is not base64url".into()))?;
    let text = String::from_utf8(bytes).map_err(|_| LinkError::Invalid("not UTF-8 text".into()))?;
    let session = read_session("link", &text).map_err(|p| {
        LinkError::Invalid(
            p.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    Ok(session)
}

pub(super) const SESSION_KIND: &str = "stagecraft-session";

/// A session file: the same content as a link, as readable JSON, with a kind tag and the
/// format version beside the session's own fields.
pub fn session_to_string(session: &SharedSession) -> String {
    let mut value = json::to_value(session);
    if let Some(map) = value.as_object_mut() {
        map.insert("kind".into(), SESSION_KIND.into());
        map.insert("format".into(), LINK_VERSION.into());
    }
    json::to_string_pretty(&value)
}

/// Reads a session file, with the same limits and reports as scenario files.
pub fn session_from_str(file: &str, text: &str) -> Result<SharedSession, Vec<Problem>> {
    let mut problems = parse::guard(file, text)?;
    let value = parse::syntax(file, text).map_err(|p| vec![p])?;
    if value.get("kind").and_then(|k| k.as_str()) != Some(SESSION_KIND) {
        problems.push(
            Problem::at_path(file, "kind", "this is not a Stagecraft session file")
                .expecting(format!("\"kind\": \"{SESSION_KIND}\"")),
        );
        return Err(problems);
    }
    if value.get("format").and_then(|k| k.as_u64()) != Some(u64::from(LINK_VERSION)) {
        problems.push(
            Problem::at_path(file, "format", "unknown session format version")
                .expecting(LINK_VERSION.to_string()),
        );
        return Err(problems);
    }
    let mut stripped = value.clone();
    if let Some(map) = stripped.as_object_mut() {
        map.remove("kind");
        map.remove("format");
    }
    match read_session_value(file, &stripped) {
        Ok(s) if problems.is_empty() => Ok(s),
        Ok(_) => Err(problems),
        Err(mut more) => {
            problems.append(&mut more);
            Err(problems)
        }
    }
}

fn read_session(file: &str, text: &str) -> Result<SharedSession, Vec<Problem>> {
    let problems = parse::guard(file, text)?;
    if !problems.is_empty() {
        return Err(problems);
    }
    let value = parse::syntax(file, text).map_err(|p| vec![p])?;
    read_session_value(file, &value)
}

fn read_session_value(file: &str, value: &json::Value) -> Result<SharedSession, Vec<Problem>> {
    let mut problems = Vec::new();
    let session = json::from_value::<SharedSession>(value).map_err(|e| vec![parse::problem_of(file, &e)])?;
    parse::unknown_keys(file, "", value, &session, &mut problems);
    let mut last = 0;
    for (i, e) in session.log.iter().enumerate() {
        if e.at.0 < last || e.at > session.now {
            problems.push(Problem::at_path(
                file,
                format!("log[{i}].at"),
                "commands must be in time order and not after the session's current minute",
            ));
        }
        last = e.at.0;
    }
    if session.log.len() > limits::MAX_SCRIPT * 10 {
        problems.push(Problem::at_path(file, "log", "the log is too long"));
    }
    if session.now.0 > limits::MAX_MINUTE * 12 {
        problems.push(Problem::at_path(
            file,
            "now",
            "the session runs longer than a year of simulated time",
        ));
    }
    if let ScenarioRef::Custom(text) = &session.scenario {
        if let Err(mut more) = super::load_str("custom scenario", text) {
            problems.append(&mut more);
        }
    }
    parse::check_text(file, "", value, &mut problems);
    if problems.is_empty() {
        Ok(session)
    } else {
        Err(problems)
    }
}

/// Writes a scenario as a pretty JSON file (for "export this custom scenario").
pub fn scenario_to_string(scenario: &super::ScenarioFile) -> String {
    json::to_string_pretty(scenario)
}

/// Reads a custom scenario file; the same as [`super::load_str`].
pub fn scenario_from_str(file: &str, text: &str) -> Result<super::Lesson, Vec<Problem>> {
    super::load_str(file, text)
}

/// FNV-1a, 32 bits: a cheap checksum against truncation and typos (not against forgery).
pub fn fnv32(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Base64url without padding (RFC 4648 §5).
pub fn base64url_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64url without padding; `None` for any other character, padding, an
/// impossible length or stray bits after the last byte (a non-canonical encoding).
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_rfc4648_vectors_without_padding() {
        for (plain, enc) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url_encode(plain.as_bytes()), enc);
            assert_eq!(base64url_decode(enc).unwrap(), plain.as_bytes());
        }
        assert_eq!(base64url_encode(&[0xfb, 0xff]), "-_8");
        assert!(base64url_decode("Zg=").is_none());
        assert!(base64url_decode("Z").is_none());
        assert!(
            base64url_decode("Zh").is_none(),
            "stray bits are not canonical"
        );
    }
}
