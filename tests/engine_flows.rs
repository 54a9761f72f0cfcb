//! Engine behaviour, one test per command and failure path. Native only.
#![cfg(not(target_arch = "wasm32"))]

mod support;
use stagecraft::sim::*;
use support::*;

#[test]
fn a_commit_is_built_tested_numbered_and_deployed_to_development() {
    let mut w = world();
    let v = commit(&mut w, CommitTraits::default());
    assert_eq!(v, Version::new(1, 1, 0));
    assert_eq!(w.stage(&st("dev")).unwrap().current(), Some(v));
    assert_eq!(
        w.stage(&st("staging")).unwrap().current(),
        Some(Version::new(1, 0, 0))
    );
    assert!(
        w.now.0 >= 7,
        "build (3 min) and unit tests (4 min) take simulated time"
    );
}

#[test]
fn unit_tests_can_stop_a_defective_commit_before_it_becomes_a_release() {
    let mut w = world();
    let mut traits = CommitTraits {
        defect: Defect::CrashOnStart,
        ..CommitTraits::default()
    };
    traits.detection.insert(GateKind::UnitTests, 1.0);
    ok(
        &mut w,
        "dana",
        Command::Commit {
            summary: "risky".into(),
            traits: TraitsChoice::Exactly(traits),
        },
    );
    let events = run_until(&mut w, 30, |w| w.builds.is_empty());
    assert!(has(&events, |k| matches!(
        k,
        EventKind::BuildFailed {
            gate: GateKind::UnitTests,
            ..
        }
    )));
    assert_eq!(w.releases.len(), 1, "no release was built");
}

#[test]
fn a_release_reaches_production_through_gates_and_a_four_eyes_approval() {
    let mut w = world();
    let v = commit(&mut w, CommitTraits::default());
    let events = ship(&mut w, v, Strategy::Rolling(stagecraft::sim::RollingPlan::batch(1)));
    for gate in [
        GateKind::IntegrationTests,
        GateKind::AcceptanceTests,
        GateKind::SecurityScan,
    ] {
        assert!(
            has(
                &events,
                |k| matches!(k, EventKind::GatePassed { gate: g, .. } if *g == gate)
            ),
            "{gate:?} ran"
        );
    }
    assert!(has(&events, |k| matches!(k, EventKind::Approved { .. })));
    let events = wait_prod_idle(&mut w, 60);
    assert!(has(&events, |k| matches!(k, EventKind::Deployed { .. })));
    assert_eq!(prod(&w).serving(), vec![(v, 100)]);
    assert_eq!(w.delivery.production_deploys, 1);
}

#[test]
fn the_author_cannot_approve_their_own_release() {
    let mut w = world();
    // Mia (release manager) writes the change, so she cannot approve it.
    ok(
        &mut w,
        "mia",
        Command::Commit {
            summary: "mine".into(),
            traits: TraitsChoice::Exactly(CommitTraits::default()),
        },
    );
    run_until(&mut w, 30, |w| {
        w.stage(&st("dev")).unwrap().rollout.is_none() && w.builds.is_empty()
    });
    let v = w.stage(&st("dev")).unwrap().current().unwrap();
    to_staging(&mut w, v, 60);
    ok(&mut w, "sam", promote_cmd(v, "prod", Strategy::AllAtOnce));
    run_until(&mut w, 60, |w| {
        prod(w)
            .rollout
            .as_ref()
            .is_some_and(|r| r.awaiting_approval())
    });
    let r = refused(
        &mut w,
        "mia",
        Command::Approve {
            release: v,
            stage: st("prod"),
        },
    );
    assert!(r.message.contains("Four-eyes"), "{}", r.message);
    ok(
        &mut w,
        "rui",
        Command::Approve {
            release: v,
            stage: st("prod"),
        },
    );
}

#[test]
fn developers_may_not_deploy_to_production_and_the_refusal_is_audited() {
    let mut w = world();
    let v = commit(&mut w, CommitTraits::default());
    to_staging(&mut w, v, 60);
    let r = refused(&mut w, "dana", promote_cmd(v, "prod", Strategy::AllAtOnce));
    assert_eq!(r.kind, RejectionKind::Unauthorized);
    assert!(
        r.message.contains("Developer may not deploy in Production"),
        "{}",
        r.message
    );
    let last = w.audit.last().unwrap();
    assert_eq!(last.actor, id("dana"));
    assert!(matches!(
        last.outcome,
        stagecraft::sim::audit::Outcome::Rejected { .. }
    ));
    assert!(w
        .recent
        .iter()
        .any(|e| matches!(e.kind, EventKind::AccessDenied { .. })));
}

#[test]
fn a_release_must_pass_through_the_previous_stage_unless_gates_are_overridden() {
    let mut w = world();
    let v = commit(&mut w, CommitTraits::default());
    let r = refused(&mut w, "mia", promote_cmd(v, "prod", Strategy::AllAtOnce));
    assert_eq!(r.kind, RejectionKind::InvalidState);
    let over = Command::Promote {
        release: v,
        to: st("prod"),
        strategy: Strategy::AllAtOnce,
        gates: GateMode::Override {
            reason: "demo".into(),
        },
    };
    let r = refused(&mut w, "sam", over.clone());
    assert!(
        r.message.contains("override gates"),
        "SREs may deploy but not override: {}",
        r.message
    );
    let events = ok(&mut w, "mia", over);
    assert!(has(&events, |k| matches!(
        k,
        EventKind::GatesOverridden { .. }
    )));
    assert!(w.audit.last().unwrap().action.text().contains("overriding gates"));
}

#[test]
fn all_at_once_causes_downtime_while_instances_start() {
    let mut w = world();
    let v = commit(&mut w, CommitTraits::default());
    ship(&mut w, v, Strategy::AllAtOnce);
    w.tick();
    assert!(
        prod(&w).last.error_rate() > 0.9,
        "no instance is up yet: {}",
        prod(&w).last.error_rate()
    );
    wait_prod_idle(&mut w, 30);
    w.tick();
    assert!(prod(&w).last.error_rate() < 0.01);
}

#[test]
fn rolling_deploys_move_batch_by_batch_without_downtime() {
    let mut w = world();
    let v = commit(&mut w, CommitTraits::default());
    ship(&mut w, v, Strategy::Rolling(stagecraft::sim::RollingPlan::batch(1)));
    let mut worst: f64 = 0.0;
    let mut saw_mixed = false;
    let events = run_until(&mut w, 60, |w| {
        saw_mixed |= prod(w).serving().len() == 2;
        worst = worst.max(prod(w).last.error_rate());
        prod(w).rollout.is_none()
    });
    assert!(saw_mixed, "old and new served side by side");
    assert!(worst < 0.05, "no downtime: worst error rate {worst}");
    let steps = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::DeployProgressed { .. }))
        .count();
    assert_eq!(
        steps, 3,
        "4 instances, 1 at a time: 3 progress steps after the first batch"
    );
}

#[test]
fn blue_green_switches_at_once_and_switches_back_instantly() {
    let mut w = world();
    let old = prod(&w).current().unwrap();
    let v = commit(&mut w, CommitTraits::default());
    ship(&mut w, v, Strategy::BlueGreen);
    let events = run_until(&mut w, 60, |w| {
        matches!(
            w.recent.back().map(|e| &e.kind),
            Some(EventKind::GreenReady { .. })
        )
    });
    let _ = events;
    assert_eq!(
        prod(&w).serving(),
        vec![(old, 100)],
        "green gets no traffic before the switch"
    );
    ok(&mut w, "mia", Command::SwitchTraffic { stage: st("prod") });
    assert_eq!(prod(&w).serving(), vec![(v, 100)]);
    assert!(
        prod(&w).pools.iter().any(|p| p.idle && p.release == old),
        "blue kept warm"
    );
    let events = ok(
        &mut w,
        "sam",
        Command::Rollback {
            stage: st("prod"),
            to: old,
        },
    );
    assert!(
        has(&events, |k| matches!(k, EventKind::RolledBack { .. })),
        "instant: no waiting for instances"
    );
    assert_eq!(prod(&w).serving(), vec![(old, 100)]);
}

#[test]
fn a_canary_with_a_regression_is_aborted_by_analysis_with_the_samples_that_tripped_it() {
    let mut w = world();
    let old = prod(&w).current().unwrap();
    let v = commit(&mut w, sneaky(Defect::ErrorRate));
    ship(&mut w, v, Strategy::Canary(Box::default()));
    let events = wait_prod_idle(&mut w, 120);
    let aborted = events.iter().find_map(|e| match &e.kind {
        EventKind::RolloutAborted {
            automatic: true,
            explanation: Some(x),
            ..
        } => Some(x.clone()),
        _ => None,
    });
    let x = aborted.expect("analysis aborted the canary");
    assert!(x.threshold.contains("2.0 %"), "{x:?}");
    assert_eq!(
        x.samples.len(),
        3,
        "failure limit 2: aborted on the third failed measurement"
    );
    assert_eq!(prod(&w).serving(), vec![(old, 100)]);
    assert_ne!(prod(&w).current(), Some(v));
}

#[test]
fn a_healthy_canary_steps_through_its_weights_and_is_promoted() {
    let mut w = world();
    let v = commit(&mut w, CommitTraits::default());
    ship(&mut w, v, Strategy::Canary(Box::default()));
    let events = wait_prod_idle(&mut w, 120);
    let weights: Vec<u8> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::CanaryStepStarted { weight, .. } => Some(weight),
            _ => None,
        })
        .collect();
    assert_eq!(weights, vec![10, 25, 50]);
    assert_eq!(prod(&w).serving(), vec![(v, 100)]);
    assert_eq!(prod(&w).pools[0].instances.len(), 4);
}

#[test]
fn a_dark_launch_limits_a_defect_to_the_flag_percentage_and_the_kill_switch_ends_it() {
    let mut w = world();
    let v = commit(&mut w, sneaky(Defect::ErrorRate));
    ship(
        &mut w,
        v,
        Strategy::DarkLaunch {
            flag: FlagName::new("new-checkout"),
        },
    );
    wait_prod_idle(&mut w, 60);
    w.run_until(SimTime(w.now.0 + 3));
    assert!(
        prod(&w).last.error_rate() < 0.01,
        "dark: nobody sees the new code"
    );
    ok(
        &mut w,
        "mia",
        Command::SetFlag {
            stage: st("prod"),
            flag: FlagName::new("new-checkout"),
            percent: 50,
        },
    );
    w.run_until(SimTime(w.now.0 + 3));
    let half = prod(&w).last.error_rate();
    assert!(
        (0.02..0.07).contains(&half),
        "half the users see 8 % errors: {half}"
    );
    ok(
        &mut w,
        "sam",
        Command::SetFlag {
            stage: st("prod"),
            flag: FlagName::new("new-checkout"),
            percent: 0,
        },
    );
    w.tick();
    assert!(prod(&w).last.error_rate() < 0.01);
}

#[test]
fn a_bad_release_is_caught_by_an_alert_and_rolled_back_to_the_last_good_one() {
    let mut w = world();
    let good = prod(&w).current().unwrap();
    let bad = commit(&mut w, sneaky(Defect::ErrorRate));
    ship(&mut w, bad, Strategy::Rolling(stagecraft::sim::RollingPlan::batch(2)));
    wait_prod_idle(&mut w, 60);
    let events = run_until(&mut w, 30, |w| w.open_incidents().count() > 0);
    assert!(has(
        &w.recent.iter().cloned().collect::<Vec<_>>(),
        |k| matches!(k, EventKind::AlertFired { .. })
    ));
    let _ = events;
    let events = roll_back_prod(&mut w, good);
    assert!(has(
        &events,
        |k| matches!(k, EventKind::RolledBack { to, .. } if *to == good)
    ));
    let events = run_until(&mut w, 30, |w| {
        w.incidents.iter().all(|i| i.mitigated_at.is_some())
    });
    let _ = events;
    let report = w.delivery.report(w.now);
    assert_eq!(report.change_failure_rate, Some(1.0));
    assert!(report.time_to_restore.is_some());
    assert!(report.failed_requests > 0);
}

#[test]
fn automatic_rollback_fires_on_a_critical_alert_and_says_why() {
    let mut config = quiet_config();
    config.stages[2].auto_rollback = config::AutoRollback::OnCriticalAlert;
    let mut w = World::new(config, 3);
    let good = prod(&w).current().unwrap();
    let bad = commit(&mut w, sneaky(Defect::ErrorRate));
    let mut events = ship(&mut w, bad, Strategy::AllAtOnce);
    events.extend(wait_prod_idle(&mut w, 60));
    events.extend(run_until(&mut w, 30, |w| {
        prod(w).current() == Some(good) && prod(w).rollout.is_none()
    }));
    let why = events.iter().find_map(|e| match &e.kind {
        EventKind::RolledBack {
            automatic: true,
            explanation: Some(x),
            ..
        } => Some(x.clone()),
        _ => None,
    });
    let why = why.expect("an automatic rollback with an explanation");
    // The all-at-once restart fails every request for a minute: the fast burn pages first.
    assert!(why.rule.contains("Fast error-budget burn") || why.rule.contains("High error rate"), "{why:?}");
    assert!(!why.samples.is_empty());
}

#[test]
fn a_paused_canary_holds_its_weight_and_advancing_promotes_it_at_once() {
    let mut w = world();
    let v = commit(&mut w, CommitTraits::default());
    ship(&mut w, v, Strategy::Canary(Box::default()));
    run_until(&mut w, 30, |w| {
        prod(w).serving().iter().any(|(r, wt)| *r == v && *wt == 10)
    });
    ok(&mut w, "mia", Command::PauseRollout { stage: st("prod") });
    w.run_until(SimTime(w.now.0 + 30));
    assert!(
        prod(&w).serving().contains(&(v, 10)),
        "paused: still at 10 %"
    );
    assert_eq!(
        refused(&mut w, "mia", Command::PauseRollout { stage: st("prod") }).kind,
        RejectionKind::InvalidState
    );
    ok(&mut w, "mia", Command::ResumeRollout { stage: st("prod") });
    let events = ok(&mut w, "mia", Command::AdvanceRollout { stage: st("prod") });
    assert!(has(&events, |k| matches!(k, EventKind::Deployed { .. })));
    assert_eq!(prod(&w).serving(), vec![(v, 100)]);
}

#[test]
fn aborting_a_rolling_deploy_puts_the_previous_release_back() {
    let mut w = world();
    let old = prod(&w).current().unwrap();
    let v = commit(&mut w, CommitTraits::default());
    ship(&mut w, v, Strategy::Rolling(stagecraft::sim::RollingPlan::batch(1)));
    run_until(&mut w, 30, |w| prod(w).serving().len() == 2);
    let events = ok(&mut w, "sam", Command::AbortRollout { stage: st("prod") });
    assert!(has(&events, |k| matches!(
        k,
        EventKind::RolloutAborted {
            automatic: false,
            ..
        }
    )));
    let events = wait_prod_idle(&mut w, 30);
    assert!(has(
        &events,
        |k| matches!(k, EventKind::RolledBack { to, .. } if *to == old)
    ));
    assert_eq!(prod(&w).serving(), vec![(old, 100)]);
}

#[test]
fn a_green_side_that_never_starts_is_dropped_without_hurting_users() {
    let mut w = world();
    let old = prod(&w).current().unwrap();
    let v = commit(&mut w, sneaky(Defect::CrashOnStart));
    let over = Command::Promote {
        release: v,
        to: st("prod"),
        strategy: Strategy::BlueGreen,
        gates: GateMode::Override {
            reason: "demo".into(),
        },
    };
    ok(&mut w, "mia", over);
    let mut worst: f64 = 0.0;
    let events = run_until(&mut w, 30, |w| {
        worst = worst.max(prod(w).last.error_rate());
        prod(w).rollout.is_none()
    });
    assert!(has(&events, |k| matches!(
        k,
        EventKind::DeployStalled { .. }
    )));
    assert!(worst < 0.02, "blue kept serving: worst {worst}");
    assert_eq!(prod(&w).serving(), vec![(old, 100)]);
}

#[test]
fn surprise_commits_follow_the_scenario_script_first() {
    let mut config = support::quiet_config();
    config.scripted_commits.push(CommitTraits {
        migration: Migration::Destructive,
        ..CommitTraits::default()
    });
    let mut w = World::new(config, 9);
    ok(
        &mut w,
        "dana",
        Command::Commit {
            summary: "drop column".into(),
            traits: TraitsChoice::Surprise,
        },
    );
    run_until(&mut w, 30, |w| w.builds.is_empty());
    let r = w.latest_release().unwrap();
    assert_eq!(r.traits.migration, Migration::Destructive);
    assert_eq!(r.schema, 2);
}

#[test]
fn every_event_reads_as_a_sentence() {
    let mut w = world();
    let v = commit(&mut w, sneaky(Defect::ErrorRate));
    let events = ship(&mut w, v, Strategy::Canary(Box::default()));
    let more = wait_prod_idle(&mut w, 120);
    for e in events.iter().chain(more.iter()) {
        let s = w.describe(e);
        assert!(
            s.len() > 8 && !s.contains("{") && !s.contains("Some("),
            "{s}"
        );
    }
}
