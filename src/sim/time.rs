//! Simulated time. The engine counts whole minutes from the start of a scenario and never
//! looks at a wall clock, so a run can be replayed at any speed with the same result.

use serde::{Deserialize, Serialize};
use std::fmt;

pub const MINUTES_PER_HOUR: u64 = 60;
pub const MINUTES_PER_DAY: u64 = 24 * 60;

/// A point in simulated time: minutes since the scenario started (day 1, 00:00 plus the
/// scenario's start offset, see [`SimTime::clock`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SimTime(pub u64);

/// A span of simulated time in minutes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Minutes(pub u32);

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);

    pub fn plus(self, span: Minutes) -> SimTime {
        SimTime(self.0 + u64::from(span.0))
    }

    /// Minutes from `earlier` to `self`, zero if `earlier` is later.
    pub fn since(self, earlier: SimTime) -> Minutes {
        Minutes(self.0.saturating_sub(earlier.0).min(u64::from(u32::MAX)) as u32)
    }

    /// Day number (from 1) and minute of the day, given the minute of day the scenario starts at.
    pub fn clock(self, start_minute_of_day: u32) -> (u64, u32) {
        let absolute = self.0 + u64::from(start_minute_of_day);
        (
            absolute / MINUTES_PER_DAY + 1,
            (absolute % MINUTES_PER_DAY) as u32,
        )
    }

    /// "Day 2 14:05".
    pub fn label(self, start_minute_of_day: u32) -> String {
        let (day, minute) = self.clock(start_minute_of_day);
        format!("Day {day} {:02}:{:02}", minute / 60, minute % 60)
    }
}

impl fmt::Display for Minutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.0;
        if m >= 60 {
            write!(f, "{}h {:02}m", m / 60, m % 60)
        } else {
            write!(f, "{m} min")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_wraps_days_and_applies_the_start_offset() {
        assert_eq!(SimTime(0).label(9 * 60), "Day 1 09:00");
        assert_eq!(SimTime(15 * 60 + 5).label(9 * 60), "Day 2 00:05");
        assert_eq!(SimTime(30).since(SimTime(10)), Minutes(20));
        assert_eq!(SimTime(10).since(SimTime(30)), Minutes(0));
        assert_eq!(Minutes(75).to_string(), "1h 15m");
    }
}
