//! The append-only audit log: every command, who issued it, when, and what came of it.

use super::access::Role;
use super::ids::ActorId;
use super::history::History;
use super::time::SimTime;
use serde::{Deserialize, Serialize};

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
    pub action: String,
    pub outcome: Outcome,
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
        action: String,
        outcome: Outcome,
    ) {
        if matches!(outcome, Outcome::Rejected { .. }) {
            self.rejected += 1;
        }
        // Room first: a cloned log is exactly full, and pushing first would reallocate it
        // at twice the size (the app clones the world on every clock tick).
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
