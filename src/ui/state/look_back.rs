//! Looking back: the diagram and the monitoring shown as they were at an earlier minute,
//! rebuilt by replaying the session's log up to it (a lesson's timeline is in the world's
//! configuration, so the replay is exact). Read-only: the live world goes on untouched, and
//! any command or the clock brings the view back to now.

use std::rc::Rc;

use super::AppState;
use crate::sim::replay;
use crate::sim::{SimTime, World};

#[derive(Clone, Debug)]
pub struct LookBack {
    pub at: SimTime,
    pub world: Rc<World>,
}

impl PartialEq for LookBack {
    fn eq(&self, o: &Self) -> bool {
        self.at == o.at && Rc::ptr_eq(&self.world, &o.world)
    }
}

impl AppState {
    /// Shows the world as minute `at` left it: what happened in that minute (its events,
    /// and the commands given in it) included, as the timeline stamps them (the clock moves
    /// to a minute, then simulates it). Looking at the present, or the future, is just "now".
    pub(super) fn look_back(&mut self, at: SimTime) {
        if at >= self.world.now {
            self.look_back = None;
            return;
        }
        let log: Vec<_> = self.log.iter_with(|commands| commands.filter(|c| c.at <= at).cloned().collect());
        let world = replay::replay(self.world.config.clone(), self.seed, &log, at);
        self.playing = false;
        self.look_back = Some(LookBack { at, world: Rc::new(world) });
    }
}
