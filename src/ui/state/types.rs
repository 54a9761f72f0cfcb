//! The UI's own small types: clock speed, theme, what is selected or highlighted, the
//! refusal toast, screen-reader announcements, the timeline filter.

use crate::sim::change::GateKind;
use crate::sim::ids::{AlertName, IncidentId};
use crate::sim::{Explanation, StageId, Version};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Speed {
    X1,
    X4,
    X16,
    X64,
}

impl Speed {
    pub const ALL: [Speed; 4] = [Speed::X1, Speed::X4, Speed::X16, Speed::X64];

    pub fn factor(self) -> u32 {
        match self {
            Speed::X1 => 1,
            Speed::X4 => 4,
            Speed::X16 => 16,
            Speed::X64 => 64,
        }
    }

    /// Real milliseconds between clock ticks, and simulated minutes per tick: 1× is one
    /// minute per second; faster speeds batch minutes so the page renders at most 8 times a second.
    pub fn interval(self) -> (u32, u32) {
        match self {
            Speed::X1 => (1000, 1),
            Speed::X4 => (250, 1),
            Speed::X16 => (125, 2),
            Speed::X64 => (125, 8),
        }
    }

    pub fn label(self) -> String {
        format!("{}×", self.factor())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Dark,
    Light,
}

impl Theme {
    pub fn name(self) -> &'static str {
        match self {
            Theme::Dark => "dark",
            Theme::Light => "light",
        }
    }
}

/// What the details panel explains.
#[derive(Clone, Debug, PartialEq)]
pub enum Selection {
    Stage(StageId),
    Gate(StageId, GateKind),
    Release(Version),
    Alert(AlertName),
    Incident(IncidentId),
}

/// A refused command, shown until dismissed.
#[derive(Clone, Debug, PartialEq)]
pub struct Toast {
    pub id: u64,
    pub message: String,
    pub explanation: Option<Explanation>,
}

/// Screen-reader announcements; `seq` changes so repeated texts are read again.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Announcement {
    pub seq: u64,
    pub polite: String,
    pub assertive: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct TimelineFilter {
    pub stage: Option<StageId>,
    pub kind: Option<crate::ui::labels::EventGroup>,
    pub text: String,
}

/// What the learner highlighted by clicking an event in the timeline.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Highlight {
    pub stage: Option<StageId>,
    pub release: Option<Version>,
}

/// A request to move the keyboard focus (a shortcut that jumps to a control); `seq` makes
/// each request count once.
#[derive(Clone, Debug, PartialEq)]
pub struct FocusRequest {
    pub seq: u64,
    pub id: String,
}
