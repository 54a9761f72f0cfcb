//! Sessions as data: a scenario's configuration, a seed and a log of timed commands. Replaying
//! the log rebuilds the exact same world, which is what share links, undo and the lesson
//! solutions rely on.

use super::command::Command;
use super::config::WorldConfig;
use super::event::Event;
use super::ids::ActorId;
use super::time::SimTime;
use super::world::{Rejection, World};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
        let json = canonical_json(event);
        self.write(json.as_bytes());
    }
}

/// Compact JSON with every object's keys sorted, the form links, saved state and the
/// determinism hash use. Going through `serde_json::Value` (whose objects are sorted maps)
/// rather than printing fields in declaration order keeps that text, and so the hash,
/// exactly as it was written before serde's derives came back.
pub fn canonical_json<T: Serialize + ?Sized>(t: &T) -> String {
    serde_json::to_value(t)
        .expect("the engine's types always serialise")
        .to_string()
}
