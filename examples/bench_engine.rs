//! Engine throughput: simulates one year of a busy pipeline (3 environments, 20 commits a
//! day, per-minute metrics) and prints events/s, the time taken and the world's size.
//! Run with `cargo run --profile bench-native --example bench_engine` (or `./x bench`).
//!
//! Two teams drive the year. `sim::driver::BusyTeam` is the reference the figures have used
//! since the start (and the determinism hash uses), but it rolls production back whenever an
//! incident is unmitigated: after a destructive migration no rollback can help, and on seed 1
//! it rolls back and forth every few minutes from day 14 on, with production down. The lab's
//! `ScriptedTeam` answers an incident at most three times (a rollback, then a hotfix), so its
//! year is a team shipping: the same engine under a realistic load.
//!
//! It also prints a hash of each seed's saved world after the year (outside the timing):
//! the saved world holds both random streams, the metrics, the recent events and the audit
//! log, so a speed-up that changed any result changes the hash.

use stagecraft::lab::team::ScriptedTeam;
use stagecraft::lab::{Hours, Policy};
use stagecraft::sim::config::WorldConfig;
use stagecraft::sim::driver::BusyTeam;
use stagecraft::sim::replay::Fnv;
use stagecraft::sim::time::MINUTES_PER_DAY;
use stagecraft::sim::World;
use std::time::Instant;

const MINUTES: u64 = 365 * MINUTES_PER_DAY;

#[derive(Clone, Copy)]
enum Team {
    Busy,
    Scripted,
}

/// The lab's team working around the clock, 20 commits a day, with the practices the
/// simulator teaches (canary with analysis, every gate, automatic rollback).
fn busy_policy() -> Policy {
    Policy {
        name: "Busy: 20 commits a day around the clock, cautious".into(),
        commits_per_day: 20,
        hours: Hours::AroundTheClock,
        ..Policy::cautious()
    }
}

fn main() {
    year(Team::Busy, "the reference busy team (sim::driver::BusyTeam)");
    year(Team::Scripted, "the lab's scripted team, 20 commits a day around the clock");
}

fn year(which: Team, label: &str) {
    let mut runs = Vec::new();
    let mut sizes = Vec::new();
    let mut events = 0;
    let mut hashes = Vec::new();
    let policy = busy_policy();
    for seed in 1..=5u64 {
        let mut w = World::new(WorldConfig::standard(), seed);
        let mut busy = BusyTeam::new(20);
        let mut scripted = ScriptedTeam::new(&policy);
        let start = Instant::now();
        events = 0;
        for _ in 0..MINUTES {
            events += match which {
                Team::Busy => busy.step(&mut w),
                Team::Scripted => {
                    let mut n = 0;
                    scripted.step(&mut w, &mut None, &mut |_, _| n += 1);
                    n
                }
            };
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
                "{label}\n  seed 1: {} commits, {} production deploys, change failure rate {:.0} %, {} events",
                w.commits_made,
                report.production_deploys,
                report.change_failure_rate.unwrap_or(0.0) * 100.0,
                w.event_count
            );
        }
    }
    runs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let median = runs[runs.len() / 2];
    println!("  engine: one simulated year ({MINUTES} ticks, 3 stages, 20 commits/day)");
    println!(
        "  median {:.1} ms over {} seeds (min {:.1} ms, max {:.1} ms)",
        median * 1e3,
        runs.len(),
        runs[0] * 1e3,
        runs[runs.len() - 1] * 1e3
    );
    println!(
        "  {:.0} ticks/s, {:.0} events/s (last run: {events} events)",
        MINUTES as f64 / median,
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
