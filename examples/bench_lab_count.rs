//! A short, fixed lab workload for instruction counting (`valgrind --tool=callgrind`), which
//! is repeatable on a busy machine where wall-clock timings are not: ten one-week runs of free
//! play under each of the lab's two default policies (cautious, fast and loose), as the
//! lab's workers run them. Prints a checksum of the outcomes, so a change meant only to be
//! faster can show it changed nothing (`tests/lab.rs` checks the outcomes themselves).
use stagecraft::lab::{Arm, Experiment, Policy, ScenarioChoice};

fn main() {
    let a = Policy::preset("cautious").expect("a preset");
    let b = Policy::preset("fast").expect("a preset");
    let experiment = Experiment::new(ScenarioChoice::FreePlay, a, b);
    let prepared = experiment.prepare().expect("free play prepares");
    let mut failed = 0;
    for seed in 1..=10 {
        failed += prepared.run_one(Arm::A, seed).failed_requests;
        failed += prepared.run_one(Arm::B, seed).failed_requests;
    }
    println!("20 one-week runs: {failed} failed requests in all");
}
