//! Prints one lab run's events, minute by minute, with production's traffic each minute an
//! event happens: `cargo run --release --example lab_trace -- fast|@policy.json 7 [free-play|LESSON] [filter]`.
//! For looking into a surprising run the lab found (the command line names the seeds).

use stagecraft::lab::team::ScriptedTeam;
use stagecraft::lab::{Arm, Experiment, Policy, ScenarioChoice};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let policy = args.first().map_or("cautious", String::as_str);
    let seed: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1);
    let scenario = match args.get(2).map(String::as_str) {
        None | Some("free-play") => ScenarioChoice::FreePlay,
        Some(id) => ScenarioChoice::Lesson(id.to_string()),
    };
    let filter = args.get(3).cloned().unwrap_or_default();
    let policy = match policy.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path).map_err(|e| e.to_string()).and_then(|t| Policy::from_json(&t)),
        None => Policy::preset(policy).ok_or_else(|| format!("no preset {policy}")),
    };
    let policy = policy.unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2);
    });
    let experiment = Experiment::new(scenario, policy.clone(), policy.clone());
    let prepared = experiment.prepare().expect("prepares");
    let mut world = prepared.lesson(Arm::A).world_with_seed(seed);
    let mut team = ScriptedTeam::new(&policy);
    let mut lines = Vec::new();
    let mut hidden_before = None;
    while world.now < prepared.until() {
        team.step(&mut world, &mut None, &mut |w, e| {
            let mut text = w.describe(e);
            if let stagecraft::sim::event::EventKind::Committed { .. } = &e.kind {
                let hidden = w.hidden_in_trunk.as_ref().map(|h| h.defect.label());
                text.push_str(&format!(" [hidden in trunk: {hidden:?}]"));
            }
            if let stagecraft::sim::event::EventKind::ReleaseBuilt { release, .. } = &e.kind {
                let defect = w.releases.get(release).map(|r| r.traits.defect.label());
                let hidden = w.hidden_in_trunk.as_ref().map(|h| h.defect.label());
                text.push_str(&format!(" [defect: {defect:?}; hidden in trunk: {hidden:?}]"));
            }
            if text.contains(&filter) {
                lines.push(format!("{:>5} {text}", e.at.0));
            }
        });
        let hidden_now = world.hidden_in_trunk.as_ref().map(|h| h.defect.label());
        if hidden_now != hidden_before {
            lines.push(format!("{:>5}   hidden in trunk now {hidden_now:?}", world.now.0 - 1));
            hidden_before = hidden_now;
        }
        // Production's minutes with more than 1 % of requests failing.
        let last = &world.production().last;
        if u64::from(last.errors) * 100 > u64::from(last.requests) {
            lines.push(format!(
                "{:>5}   production: {} of {} requests failed, serving {:?}",
                world.now.0 - 1,
                last.errors,
                last.requests,
                world.production().serving()
            ));
        }
    }
    for l in &lines {
        println!("{l}");
    }
    let d = &world.delivery;
    println!(
        "deploys {} failed {} restores {} failed requests {} user-minutes {:.0}",
        d.production_deploys, d.failed_deploys, d.restores, d.failed_requests, d.user_minutes_affected
    );
}
