//! The run's figures next to two references: the same lesson with nobody acting (how many
//! requests would have failed anyway) and the reference solution (par).

use super::Lesson;
use crate::lessons::Verdict;
use crate::sim::change::Defect;
use crate::sim::time::{Minutes, SimTime};
use crate::sim::world::World;
use crate::sim::BASE_ERROR_RATE;

/// Failed requests, split into the background and what followed from the run's commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FailedRequests {
    /// Every request that failed for users so far (`world.delivery.failed_requests`).
    pub total: u64,
    /// What failed in the same lesson, same seed, same minutes, with nobody acting.
    pub background: u64,
    /// Whether the scenario itself sets something off by then (a timeline failure, or a
    /// starting release with a defect), which the background then includes.
    pub scripted: bool,
}

impl FailedRequests {
    /// Replays the lesson with an empty log to `world.now`. Traffic noise comes from its
    /// own seeded stream, one draw per stage per minute whatever anyone does, so the two
    /// runs differ only by what the commands changed.
    pub fn measure(lesson: &Lesson, seed: u64, world: &World) -> FailedRequests {
        let idle = lesson.replay_with_seed(seed, &[], world.now);
        let config = &lesson.config;
        FailedRequests {
            total: world.delivery.failed_requests,
            background: idle.delivery.failed_requests,
            scripted: config.timeline.iter().any(|t| t.at <= world.now)
                || config.initial_traits.defect != Defect::None,
        }
    }

    /// Failed requests beyond the background; negative when acting saved requests.
    pub fn caused_by_actions(&self) -> i64 {
        self.total as i64 - self.background as i64
    }

    /// Where the background comes from, in plain words.
    pub fn background_reason(&self) -> String {
        let mut s = format!(
            "every real service fails a small share of requests even when healthy: {:.2} % here",
            BASE_ERROR_RATE * 100.0
        );
        if self.scripted {
            s.push_str(", plus anything this scenario sets off by itself");
        }
        s
    }

    /// One sentence splitting the failed requests into the background and the run's part.
    pub fn sentence(&self) -> String {
        let (total, background, why) = (self.total, self.background, self.background_reason());
        match self.caused_by_actions() {
            _ if total == 0 && background == 0 => "No request failed.".to_string(),
            0 => format!(
                "All {total} failed requests would have failed anyway with nobody acting \
                 (the background: {why}); what was done added none."
            ),
            c if c > 0 => format!(
                "Of {total} failed requests, about {background} would have failed anyway with \
                 nobody acting (the background: {why}); {c} followed from what was done."
            ),
            c => format!(
                "{total} requests failed; with nobody acting, about {background} would have \
                 (the background: {why}), so acting saved about {} requests.",
                -c
            ),
        }
    }
}

/// Commands and the minute: the reference solution's, or this run's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Par {
    pub commands: usize,
    /// The reference: the minute it won. This run: the outcome minute, or now if running.
    pub decided_at: Option<SimTime>,
}

/// "Par: 4 commands, won at Day 1 10:00. You: 5 commands, won at Day 1 10:20 — …". Only a
/// won run is compared with par: a loss or a running lesson is not "over par".
pub fn par_sentence(par: &Par, yours: &Par, verdict: Option<Verdict>, start: u32) -> String {
    let label = |t: SimTime| t.label(start);
    let plural = |n: usize| if n == 1 { "command" } else { "commands" };
    let mut s = format!("Par: {} {}", par.commands, plural(par.commands));
    if let Some(at) = par.decided_at {
        s.push_str(&format!(", won at {}", label(at)));
    }
    let n = yours.commands;
    let at = yours.decided_at.map_or_else(String::new, label);
    match verdict {
        Some(Verdict::Won) => {
            s.push_str(&format!(". You: {n} {}, won at {at}", plural(n)));
            let on_commands = match n.cmp(&par.commands) {
                std::cmp::Ordering::Less => "better than par on commands".to_string(),
                std::cmp::Ordering::Equal => "par on commands".to_string(),
                std::cmp::Ordering::Greater => format!("{} over par on commands", n - par.commands),
            };
            let on_time = match (par.decided_at, yours.decided_at) {
                (Some(p), Some(y)) if y < p => "better than par on time".to_string(),
                (Some(p), Some(y)) if y == p => "par on time".to_string(),
                (Some(p), Some(y)) => format!("{} over par on time", Minutes((y.0 - p.0) as u32)),
                _ => String::new(),
            };
            s.push_str(" — ");
            s.push_str(&on_commands);
            if !on_time.is_empty() {
                s.push_str(", ");
                s.push_str(&on_time);
            }
        }
        Some(Verdict::Lost) => s.push_str(&format!(". You: {n} {}, lost at {at}", plural(n))),
        _ => s.push_str(&format!(". You so far: {n} {} by {at}", plural(n))),
    }
    s.push('.');
    s
}
