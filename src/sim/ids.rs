//! Identifiers. Each is a newtype so a stage can never be passed where an actor is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::rc::Rc;

macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        // A shared string: names are cloned into every event and audit entry, and a
        // reference-counted clone costs no allocation.
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Rc<str>);

        impl $name {
            pub fn new(s: impl AsRef<str>) -> Self {
                $name(Rc::from(s.as_ref()))
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

name_type!(
    /// A pipeline stage such as `production`.
    StageId
);
name_type!(
    /// A person (or bot) acting in the simulation.
    ActorId
);
name_type!(
    /// A configuration key such as `DATABASE_URL`.
    ConfigKey
);
name_type!(
    /// A feature flag such as `new-checkout`.
    FlagName
);
name_type!(
    /// An alert rule's name.
    AlertName
);

/// A commit, numbered in order; shown as a short hex hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CommitId(pub u32);

impl fmt::Display for CommitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A stable, hash-looking label so commits read like the real thing.
        let mixed = self.0.wrapping_mul(2_654_435_761) ^ 0x5bd1_e995;
        write!(f, "{:07x}", mixed & 0x0fff_ffff)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BackupId(pub u32);

impl fmt::Display for BackupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "backup-{}", self.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IncidentId(pub u32);

impl fmt::Display for IncidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "INC-{}", self.0)
    }
}

/// A release version, `v<major>.<minor>.<patch>`. Normal releases bump the minor number;
/// hotfixes bump the patch number of the release they fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Version {
    pub major: u16,
    pub minor: u16,
    pub patch: u16,
}

impl Version {
    pub const fn new(major: u16, minor: u16, patch: u16) -> Self {
        Version {
            major,
            minor,
            patch,
        }
    }
}

impl fmt::Display for Version {
    /// Writes "v1.2.3" in one piece: versions are formatted into most events and audit
    /// entries, and `write!` with three numbers cost several times as much. Like `write!`,
    /// it ignores width and fill.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; 18]; // "v65535.65535.65535"
        buf[0] = b'v';
        let mut len = 1;
        for (k, part) in [self.major, self.minor, self.patch].into_iter().enumerate() {
            if k > 0 {
                buf[len] = b'.';
                len += 1;
            }
            let mut digits = 1;
            while digits < 5 && part >= 10u16.pow(digits as u32) {
                digits += 1;
            }
            let mut rest = part;
            for d in (0..digits).rev() {
                buf[len + d] = b'0' + (rest % 10) as u8;
                rest /= 10;
            }
            len += digits;
        }
        // Only ASCII digits, dots and 'v' were written.
        f.write_str(std::str::from_utf8(&buf[..len]).map_err(|_| fmt::Error)?)
    }
}

impl From<Version> for String {
    fn from(v: Version) -> String {
        v.to_string()
    }
}

impl TryFrom<String> for Version {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl std::str::FromStr for Version {
    type Err = String;
    /// Accepts `v1.4.0`, `1.4.0` and `v1.4` (patch 0).
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("'{s}' is not a version like v1.4.0");
        let body = s.trim().strip_prefix('v').unwrap_or(s.trim());
        let parts: Vec<&str> = body.split('.').collect();
        if parts.len() < 2 || parts.len() > 3 {
            return Err(bad());
        }
        let num = |p: &str| p.parse::<u16>().map_err(|_| bad());
        let patch = if parts.len() == 3 { num(parts[2])? } else { 0 };
        Ok(Version::new(num(parts[0])?, num(parts[1])?, patch))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_print_and_order() {
        let v: Version = "v1.4".parse().unwrap();
        assert_eq!(v, Version::new(1, 4, 0));
        assert_eq!(v.to_string(), "v1.4.0");
        assert!(Version::new(1, 4, 1) > v);
        assert!("1.x".parse::<Version>().is_err());
        assert!("".parse::<Version>().is_err());
        assert_eq!(crate::sim::replay::canonical_json(&v), "\"v1.4.0\"");
        for (major, minor, patch) in [
            (0, 9, 10),
            (99, 100, 999),
            (1000, 9999, 10_000),
            (65_535, 0, 65_535),
        ] {
            assert_eq!(
                Version::new(major, minor, patch).to_string(),
                format!("v{major}.{minor}.{patch}")
            );
        }
    }

    #[test]
    fn commit_ids_look_like_short_hashes() {
        assert_eq!(CommitId(1).to_string().len(), 7);
        assert_ne!(CommitId(1).to_string(), CommitId(2).to_string());
    }
}
