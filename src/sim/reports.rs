//! Users as the monitor of last resort. Without an alert that pages, nobody on the team
//! learns that production is hurting users until users tell them: they retry, give up and
//! write to support, and support escalates. The SRE book's point about monitoring is that
//! it should find a problem before users do; when it does not, users still do, only later.
//! Modelling that keeps a team with no alerts from looking perfect: its failed changes
//! still become incidents (so they count in the change failure rate), and its time to
//! restore starts when users were first hurt, so the late detection shows in it.

use super::event::Event;
use super::monitor::Detection;
use super::time::Minutes;
use super::world::World;

/// How long production must hurt users without a break (over 5 % of requests failed or
/// slower than the latency objective, each minute) before support escalates their reports.
/// Half an hour: long enough that a paging alert (minutes) always comes first, short enough
/// that a team without one still hears of an outage the same day.
pub const USERS_REPORT_AFTER: Minutes = Minutes(30);

impl World {
    /// Opens an incident on production from users' reports once it has hurt users for
    /// [`USERS_REPORT_AFTER`] and no incident is open there yet. Only production has users.
    pub(crate) fn take_users_reports(&mut self, events: &mut Vec<Event>) {
        let Some(i) = self.stages.len().checked_sub(1) else {
            return;
        };
        let stage = &self.stages[i];
        let Some(since) = stage.monitor.bad_since else {
            return;
        };
        // The incident's time to detect is then exactly `USERS_REPORT_AFTER`.
        if self.now.since(since) < USERS_REPORT_AFTER {
            return;
        }
        // `open_incident` checks this too, but only after the title is written: most minutes
        // of harm already have an incident open.
        if self.incident_open_on(&stage.config.id) {
            return;
        }
        // Users describe what they meet: errors, or pages that never finish loading. Which
        // one this minute shows decides the words (a latency regression fails no request).
        let felt = if stage.last.is_bad() { "failures" } else { "slow responses" };
        let title = format!("Users report {felt} in {} (support escalated)", stage.name());
        self.open_incident(i, title, Detection::Users, events);
    }
}
