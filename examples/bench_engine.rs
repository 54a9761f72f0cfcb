//! Engine throughput: simulates one year of a busy pipeline (3 environments, 20 commits a
//! day, per-minute metrics) and prints events/s, the time taken and the world's size.
//! Run with `cargo run --profile bench-native --example bench_engine` (or `./x bench`).
//! It also prints a hash of each seed's saved world after the year (outside the timing):
//! the saved world holds both random streams, the metrics, the recent events and the audit
//! log, so a speed-up that changed any result changes the hash.

use stagecraft::sim::config::WorldConfig;
use stagecraft::sim::driver::BusyTeam;
use stagecraft::sim::replay::Fnv;
use stagecraft::sim::time::MINUTES_PER_DAY;
use stagecraft::sim::World;
use std::time::Instant;

fn main() {
    let minutes = 365 * MINUTES_PER_DAY;
    let mut runs = Vec::new();
    let mut sizes = Vec::new();
    let mut events = 0;
    let mut hashes = Vec::new();
    for seed in 1..=5u64 {
        let mut w = World::new(WorldConfig::standard(), seed);
        let mut team = BusyTeam::new(20);
        let start = Instant::now();
        events = 0;
        for _ in 0..minutes {
            events += team.step(&mut w);
            if w.now.0 == 30 * MINUTES_PER_DAY {
                sizes.push(stagecraft::lessons::json::to_string(&w).len());
            }
        }
        runs.push(start.elapsed().as_secs_f64());
        let saved = stagecraft::lessons::json::to_string(&w);
        sizes.push(saved.len());
        let mut hash = Fnv::default();
        hash.write(saved.as_bytes());
        hashes.push(format!("{:016x}", hash.0));
        if seed == 1 {
            let report = w.delivery.report(w.now);
            println!(
                "seed 1: {} commits, {} production deploys, change failure rate {:.0} %, {} events",
                w.commits_made,
                report.production_deploys,
                report.change_failure_rate.unwrap_or(0.0) * 100.0,
                w.event_count
            );
        }
    }
    runs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let median = runs[runs.len() / 2];
    println!("engine: one simulated year ({minutes} ticks, 3 stages, 20 commits/day)");
    println!(
        "  median {:.1} ms over {} seeds (min {:.1} ms, max {:.1} ms)",
        median * 1e3,
        runs.len(),
        runs[0] * 1e3,
        runs[runs.len() - 1] * 1e3
    );
    println!(
        "  {:.0} ticks/s, {:.0} events/s (last run: {events} events)",
        minutes as f64 / median,
        events as f64 / median
    );
    println!(
        "  serialised world after 30 days / after 365 days: {} / {} bytes (bounded state)",
        sizes[0], sizes[1]
    );
    println!(
        "  saved world after the year, seeds 1-5: {}",
        hashes.join(" ")
    );
    println!("  budget: ≤ 60 ms natively");
}
