//! The append-only audit log: every command, who issued it, when, and what came of it.

use super::access::Role;
use super::command::Command;
use super::ids::ActorId;
use super::history::History;
use super::time::SimTime;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// Entries kept in memory. Older ones are dropped from the front (counted in `dropped`), so a
/// year-long run stays bounded while every entry ever written keeps its sequence number.
pub const AUDIT_CAP: usize = 2000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Applied,
    Rejected { reason: String },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: u64,
    pub at: SimTime,
    pub actor: ActorId,
    pub role: Option<Role>,
    pub action: Action,
    pub outcome: Outcome,
}

/// What a logged command asked for, in words. A busy run logs thousands of commands a day
/// and keeps the last `AUDIT_CAP`, most never read: a command made only of ids, versions and
/// plans (a rollback, a promotion) is kept as it is and described when read or saved.
/// Commands with free text or a secret are described at once, so the log holds no secret.
/// Either way it reads, saves and compares as the same words.
#[derive(Clone, Debug)]
pub enum Action {
    Described(String),
    /// Boxed: a `Command` inline made every entry (held 2000 at most) as large as the
    /// largest command, 200 bytes an entry natively; most entries are `Described`.
    Pending(Box<Command>),
}

impl Action {
    pub fn of(command: &Command) -> Action {
        use Command as C;
        match command {
            C::Promote { .. }
            | C::Approve { .. }
            | C::PauseRollout { .. }
            | C::ResumeRollout { .. }
            | C::AdvanceRollout { .. }
            | C::AbortRollout { .. }
            | C::SwitchTraffic { .. }
            | C::Rollback { .. } => Action::Pending(Box::new(command.clone())),
            _ => Action::Described(command.describe()),
        }
    }

    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Action::Described(s) => Cow::Borrowed(s),
            Action::Pending(c) => Cow::Owned(c.describe()),
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl PartialEq for Action {
    fn eq(&self, other: &Action) -> bool {
        match (self, other) {
            // The same command reads the same: no need to describe it twice (the audit
            // table compares its newest rows on every tick).
            (Action::Pending(a), Action::Pending(b)) if a == b => true,
            (Action::Described(a), Action::Described(b)) => a == b,
            _ => self.text() == other.text(),
        }
    }
}

impl Serialize for Action {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Action, D::Error> {
        String::deserialize(d).map(Action::Described)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditLog {
    entries: History<AuditEntry>,
    pub total: u64,
    pub rejected: u64,
}

impl AuditLog {
    pub fn record(
        &mut self,
        at: SimTime,
        actor: ActorId,
        role: Option<Role>,
        action: Action,
        outcome: Outcome,
    ) {
        if matches!(outcome, Outcome::Rejected { .. }) {
            self.rejected += 1;
        }
        // Room first, so the log never holds more than its cap.
        if self.entries.len() >= AUDIT_CAP {
            self.entries.pop_front();
        }
        self.entries.push_back(AuditEntry {
            seq: self.total,
            at,
            actor,
            role,
            action,
            outcome,
        });
        self.total += 1;
    }

    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &AuditEntry> {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn last(&self) -> Option<&AuditEntry> {
        self.entries.back()
    }
}
