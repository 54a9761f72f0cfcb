//! A short, fixed workload for instruction counting (`valgrind --tool=callgrind`), which is
//! repeatable on a busy machine where wall-clock timings are not: 60 days of the busy team.
use stagecraft::sim::config::WorldConfig;
use stagecraft::sim::driver::BusyTeam;
use stagecraft::sim::World;

fn main() {
    let mut w = World::new(WorldConfig::standard(), 1);
    let mut team = BusyTeam::new(20);
    let mut events = 0;
    for _ in 0..60 * 1440 {
        events += team.step(&mut w);
    }
    println!("{events} events");
}
