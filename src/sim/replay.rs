//! Sessions as data: a scenario's configuration, a seed and a log of timed commands. Replaying
//! the log rebuilds the exact same world, which is what share links, undo and the lesson
//! solutions rely on.

use super::command::Command;
use super::config::WorldConfig;
use super::event::Event;
use super::ids::ActorId;
use super::time::SimTime;
use super::world::{Rejection, World};
use crate::json::{FromJson, ToJson};

#[derive(Clone, Debug, PartialEq, ToJson, FromJson)]
pub struct LoggedCommand {
    pub at: SimTime,
    pub actor: ActorId,
    pub command: Command,
}

/// Replays `log` on a fresh world and then runs the clock to `until`.
/// Commands that were rejected the first time are rejected again, identically.
pub fn replay(config: WorldConfig, seed: u64, log: &[LoggedCommand], until: SimTime) -> World {
    let mut world = World::new(config, seed);
    for entry in log {
        world.run_until(entry.at);
        let _: Result<Vec<Event>, Rejection> = world.apply(&entry.actor, entry.command.clone());
    }
    world.run_until(until);
    world
}

/// A 64-bit FNV-1a hash, used to compare event logs across platforms.
#[derive(Clone, Copy, Debug)]
pub struct Fnv(pub u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    pub fn event(&mut self, event: &Event) {
        let json = crate::json::to_string(event);
        self.write(json.as_bytes());
    }
}
