//! Engine throughput in wasm32 inside headless Chromium: one simulated year of the busy team
//! and of the lab's scripted team (see `examples/bench_engine.rs` for why both), built like
//! the shipped app (`--release`, size-optimised). Not part of `./x test`; run by
//! `./x bench` with `--nocapture` so the figures are printed.
#![cfg(target_arch = "wasm32")]

use stagecraft::lab::team::ScriptedTeam;
use stagecraft::lab::{Hours, Policy};
use stagecraft::sim::config::WorldConfig;
use stagecraft::sim::driver::BusyTeam;
use stagecraft::sim::time::MINUTES_PER_DAY;
use stagecraft::sim::World;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn one_simulated_year_in_wasm() {
    year(false, "the reference busy team (sim::driver::BusyTeam)");
    year(true, "the lab's scripted team, 20 commits a day around the clock");
}

fn year(scripted: bool, label: &str) {
    let minutes = 365 * MINUTES_PER_DAY;
    let policy = Policy {
        name: "Busy".into(),
        commits_per_day: 20,
        hours: Hours::AroundTheClock,
        ..Policy::cautious()
    };
    let mut runs = Vec::new();
    let mut events = 0;
    for seed in 1..=3u64 {
        let mut w = World::new(WorldConfig::standard(), seed);
        let mut busy = BusyTeam::new(20);
        let mut team = ScriptedTeam::new(&policy);
        let start = js_sys::Date::now();
        events = 0;
        for _ in 0..minutes {
            events += if scripted {
                let mut n = 0;
                team.step(&mut w, &mut None, &mut |_, _| n += 1);
                n
            } else {
                busy.step(&mut w)
            };
        }
        runs.push(js_sys::Date::now() - start);
    }
    runs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let median = runs[runs.len() / 2];
    console_log!(
        "engine (wasm32, Chromium), {label}: one simulated year ({minutes} ticks, 3 stages, 20 commits/day)"
    );
    console_log!(
        "  median {median:.0} ms over {} seeds (min {:.0} ms, max {:.0} ms)",
        runs.len(),
        runs[0],
        runs[runs.len() - 1]
    );
    console_log!(
        "  {:.0} events/s (last run: {events} events); budget: ≤ 250 ms in wasm",
        events as f64 / (median / 1000.0)
    );
}
