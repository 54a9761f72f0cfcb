//! Failures and recovery: migrations, hotfixes, backups, failover, freezes, chaos, secrets.
#![cfg(not(target_arch = "wasm32"))]

mod support;
use stagecraft::sim::config::{self, FreezeWindow};
use stagecraft::sim::*;
use support::*;

fn override_to(release: Version, to: &str) -> Command {
    Command::Promote {
        release,
        to: st(to),
        strategy: Strategy::AllAtOnce,
        gates: GateMode::Override {
            reason: "test".into(),
        },
    }
}

#[test]
fn rolling_back_code_after_a_destructive_migration_does_not_fix_the_data_but_a_hotfix_does() {
    let mut w = world();
    let good = prod(&w).current().unwrap();
    let mut traits = sneaky(Defect::ErrorRate);
    traits.migration = Migration::Destructive;
    let bad = commit(&mut w, traits);
    let mut events = ship(&mut w, bad, Strategy::Rolling(stagecraft::sim::RollingPlan::batch(2)));
    events.extend(wait_prod_idle(&mut w, 60));
    assert!(has(&events, |k| matches!(
        k,
        EventKind::MigrationApplied {
            destructive: true,
            ..
        }
    )));
    assert_eq!(prod(&w).database.as_ref().unwrap().schema, 2);
    roll_back_prod(&mut w, good);
    w.run_until(SimTime(w.now.0 + 3));
    assert_eq!(prod(&w).current(), Some(good));
    assert!(
        prod(&w).last.error_rate() > 0.5,
        "the old code cannot read the new schema: {}",
        prod(&w).last.error_rate()
    );
    // Roll forward: a hotfix built on the new schema, fast-tracked through the gates.
    let fix = hotfix(&mut w, bad, "fix error path");
    assert_eq!(fix, Version::new(1, 1, 1));
    ship(&mut w, fix, Strategy::Rolling(stagecraft::sim::RollingPlan::batch(2)));
    wait_prod_idle(&mut w, 60);
    w.run_until(SimTime(w.now.0 + 3));
    assert_eq!(prod(&w).current(), Some(fix));
    assert!(prod(&w).last.error_rate() < 0.01);
}

#[test]
fn additive_migrations_keep_rollback_safe() {
    let mut w = world();
    let good = prod(&w).current().unwrap();
    let mut traits = sneaky(Defect::ErrorRate);
    traits.migration = Migration::Additive;
    let bad = commit(&mut w, traits);
    ship(&mut w, bad, Strategy::AllAtOnce);
    wait_prod_idle(&mut w, 60);
    roll_back_prod(&mut w, good);
    w.run_until(SimTime(w.now.0 + 3));
    assert!(prod(&w).last.error_rate() < 0.01);
}

#[test]
fn a_setting_missing_in_production_breaks_only_production_until_it_is_added() {
    let mut w = world();
    ok(
        &mut w,
        "dana",
        Command::SetConfig {
            stage: st("staging"),
            key: ConfigKey::new("CACHE_URL"),
            value: Some("redis://cache".into()),
        },
    );
    ok(
        &mut w,
        "dana",
        Command::SetConfig {
            stage: st("dev"),
            key: ConfigKey::new("CACHE_URL"),
            value: Some("redis://localhost".into()),
        },
    );
    let traits = CommitTraits {
        requires_config: Some(ConfigKey::new("CACHE_URL")),
        ..CommitTraits::default()
    };
    let v = commit(&mut w, traits);
    ship(&mut w, v, Strategy::Rolling(stagecraft::sim::RollingPlan::batch(1)));
    let events = wait_prod_idle(&mut w, 60);
    assert!(has(
        &events,
        |k| matches!(k, EventKind::InstanceCrashed { reason, .. } if reason.contains("CACHE_URL"))
    ));
    assert!(
        has(&events, |k| matches!(k, EventKind::DeployStalled { .. })),
        "the rolling deploy stopped at the first batch"
    );
    assert!(
        prod(&w).last.error_rate() < 0.05,
        "the old instances keep serving"
    );
    ok(
        &mut w,
        "sam",
        Command::SetConfig {
            stage: st("prod"),
            key: ConfigKey::new("CACHE_URL"),
            value: Some("redis://cache.prod".into()),
        },
    );
    w.run_until(SimTime(w.now.0 + 4));
    let pool = prod(&w).pools.iter().find(|p| p.release == v).unwrap();
    assert_eq!(
        pool.healthy(),
        pool.instances.len(),
        "the crash-looping instance started once the setting existed"
    );
}

#[test]
fn restoring_a_backup_measures_rpo_and_rto_and_loses_the_writes_since() {
    let mut w = world();
    ok(&mut w, "sam", Command::TakeBackup { stage: st("prod") });
    let backup = prod(&w).backups.last().unwrap().id;
    w.run_until(SimTime(w.now.0 + 30));
    ok(
        &mut w,
        "trainer",
        Command::Inject {
            failure: Failure::DataLoss { stage: st("prod") },
        },
    );
    w.run_until(SimTime(w.now.0 + 5));
    assert!(
        prod(&w).last.error_rate() > 0.9,
        "nothing works without the database"
    );
    let events = ok(
        &mut w,
        "sam",
        Command::RestoreBackup {
            stage: st("prod"),
            backup,
        },
    );
    let minutes = events
        .iter()
        .find_map(|e| match e.kind {
            EventKind::RestoreStarted { minutes, .. } => Some(minutes),
            _ => None,
        })
        .unwrap();
    let events = run_until(&mut w, 60, |w| prod(w).faults.restoring.is_none());
    let (rpo, rto, lost) = events
        .iter()
        .find_map(|e| match e.kind {
            EventKind::Restored {
                rpo,
                rto,
                records_lost,
                ..
            } => Some((rpo, rto, records_lost)),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        rpo,
        Minutes(30),
        "the recovery point is the loss minus the backup: 30 minutes of writes, not 35"
    );
    assert_eq!(
        rto,
        Minutes(5 + minutes),
        "users waited from the loss until the restore finished"
    );
    assert!(lost > 0);
    assert_eq!(prod(&w).database.as_ref().unwrap().records_lost, lost);
    w.tick();
    assert!(prod(&w).last.error_rate() < 0.01);
}

#[test]
fn failing_over_to_the_standby_region_restores_service_after_a_region_outage() {
    let mut w = world();
    w.run_until(SimTime(10));
    ok(
        &mut w,
        "trainer",
        Command::Inject {
            failure: Failure::RegionOutage { stage: st("prod") },
        },
    );
    w.tick();
    assert_eq!(prod(&w).last.error_rate(), 1.0);
    let r = refused(&mut w, "dana", Command::Failover { stage: st("prod") });
    assert_eq!(r.kind, RejectionKind::Unauthorized);
    ok(&mut w, "sam", Command::Failover { stage: st("prod") });
    w.tick();
    assert!(prod(&w).last.error_rate() < 0.01);
    assert!(refused(
        &mut w,
        "sam",
        Command::Failover {
            stage: st("staging")
        }
    )
    .message
    .contains("no standby"));
}

#[test]
fn an_exhausted_error_budget_freezes_promotions_but_lets_hotfixes_through() {
    let mut w = world();
    let v = commit(&mut w, CommitTraits::default());
    to_staging(&mut w, v, 60);
    ok(
        &mut w,
        "trainer",
        Command::Inject {
            failure: Failure::DatabaseOutage {
                stage: st("prod"),
                minutes: 600,
            },
        },
    );
    let events = run_until(&mut w, 600, |w| {
        prod(w).monitor.slo.as_ref().unwrap().exhausted
    });
    assert!(has(&events, |k| matches!(
        k,
        EventKind::ErrorBudgetExhausted { .. }
    )));
    let r = refused(&mut w, "mia", promote_cmd(v, "prod", Strategy::AllAtOnce));
    assert_eq!(r.kind, RejectionKind::ErrorBudgetFreeze);
    assert!(r.explanation.as_ref().unwrap().samples[0].contains("failed so far"));
    let fix = hotfix(&mut w, v, "urgent");
    to_staging(&mut w, fix, 60);
    ok(&mut w, "mia", promote_cmd(fix, "prod", Strategy::AllAtOnce));
}

#[test]
fn a_change_freeze_blocks_normal_releases_and_emergency_changes_need_a_release_manager() {
    let mut config = quiet_config();
    config.freezes.push(FreezeWindow {
        stage: st("prod"),
        from: SimTime(0),
        until: SimTime(10_000),
        reason: "year-end close".into(),
    });
    let mut w = World::new(config, 5);
    let v = commit(&mut w, CommitTraits::default());
    to_staging(&mut w, v, 60);
    let r = refused(&mut w, "mia", promote_cmd(v, "prod", Strategy::AllAtOnce));
    assert_eq!(r.kind, RejectionKind::ChangeFreeze);
    let fix = hotfix(&mut w, v, "patch CVE");
    to_staging(&mut w, fix, 60);
    ok(&mut w, "sam", promote_cmd(fix, "prod", Strategy::AllAtOnce));
    run_until(&mut w, 60, |w| {
        prod(w)
            .rollout
            .as_ref()
            .is_some_and(|r| r.awaiting_approval())
    });
    assert!(refused(
        &mut w,
        "rui",
        Command::Approve {
            release: fix,
            stage: st("prod")
        }
    )
    .message
    .contains("release manager"));
    ok(
        &mut w,
        "mia",
        Command::Approve {
            release: fix,
            stage: st("prod"),
        },
    );
    wait_prod_idle(&mut w, 30);
    assert_eq!(prod(&w).current(), Some(fix));
}

#[test]
fn a_slow_memory_leak_is_caught_by_the_memory_alert_before_instances_run_out() {
    let mut w = world();
    let v = commit(&mut w, sneaky(Defect::MemoryLeak));
    ok(&mut w, "mia", override_to(v, "prod"));
    let events = run_until(&mut w, 400, |w| {
        w.recent.iter().any(|e| matches!(&e.kind, EventKind::AlertFired { alert, .. } if alert.as_str() == "Memory running out"))
    });
    let alert_at = w.now;
    assert!(
        !has(
            &events,
            |k| matches!(k, EventKind::InstanceCrashed { reason, .. } if reason.contains("memory"))
        ),
        "alert came first"
    );
    let crashes = run_until(&mut w, 400, |w| {
        w.recent.iter().any(|e| matches!(&e.kind, EventKind::InstanceCrashed { reason, .. } if reason.contains("memory")))
    });
    let _ = crashes;
    assert!(w.now > alert_at);
}

#[test]
fn flaky_tests_fail_gates_and_rerunning_can_pass() {
    let mut w = world();
    let v = commit(&mut w, CommitTraits::default());
    ok(
        &mut w,
        "trainer",
        Command::Inject {
            failure: Failure::FlakyTests { minutes: 600 },
        },
    );
    let mut flaky_failures = 0;
    let mut passed = false;
    for _ in 0..20 {
        let events = to_staging(&mut w, v, 60);
        flaky_failures += events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::GateFailed { flaky: true, .. }))
            .count();
        if w.stage(&st("staging")).unwrap().current() == Some(v) {
            passed = true;
            break;
        }
    }
    assert!(flaky_failures > 0 || passed);
    assert!(passed, "a re-run eventually passed");
}

#[test]
fn every_chaos_failure_has_a_visible_effect_and_clears() {
    let mut w = world();
    w.run_until(SimTime(5));
    let base = prod(&w).last.requests;
    ok(
        &mut w,
        "trainer",
        Command::Inject {
            failure: Failure::TrafficSpike {
                stage: st("prod"),
                factor: 5.0,
                minutes: 10,
            },
        },
    );
    w.tick();
    assert!(prod(&w).last.requests > base * 4);
    assert!(
        prod(&w).last.error_rate() > 0.05,
        "4 instances cannot serve 5× traffic"
    );
    ok(
        &mut w,
        "trainer",
        Command::Inject {
            failure: Failure::DependencyOutage {
                stage: st("staging"),
                minutes: 5,
            },
        },
    );
    w.tick();
    assert!(w.stage(&st("staging")).unwrap().last.error_rate() > 0.2);
    let events = w.run_until(SimTime(w.now.0 + 12));
    assert!(has(&events, |k| matches!(
        k,
        EventKind::FaultCleared { .. }
    )));
    assert!(w.stage(&st("staging")).unwrap().last.error_rate() < 0.05);
    ok(
        &mut w,
        "trainer",
        Command::Inject {
            failure: Failure::CertificateExpiry { stage: st("prod") },
        },
    );
    w.tick();
    assert_eq!(prod(&w).last.error_rate(), 1.0);
    ok(
        &mut w,
        "sam",
        Command::RenewCertificate { stage: st("prod") },
    );
    w.tick();
    assert!(prod(&w).last.error_rate() < 0.05);
    let events = ok(
        &mut w,
        "trainer",
        Command::Inject {
            failure: Failure::InstanceCrash { stage: st("prod") },
        },
    );
    assert!(has(&events, |k| matches!(
        k,
        EventKind::InstanceCrashed { .. }
    )));
    let events = w.run_until(SimTime(w.now.0 + 4));
    assert!(has(&events, |k| matches!(
        k,
        EventKind::InstanceRecovered { .. }
    )));
    let before = w.audit.total;
    ok(
        &mut w,
        "trainer",
        Command::Inject {
            failure: Failure::UnauthorizedDeploy { stage: st("prod") },
        },
    );
    assert_eq!(
        w.audit.total,
        before + 2,
        "the intruder's attempt and the injection are both audited"
    );
    assert!(w.audit.entries().any(|e| e.actor.as_str() == "eve"
        && matches!(e.outcome, stagecraft::sim::audit::Outcome::Rejected { .. })));
    assert!(refused(
        &mut w,
        "dana",
        Command::Inject {
            failure: Failure::FlakyTests { minutes: 5 }
        }
    )
    .message
    .contains("inject"));
}

#[test]
fn a_scheduled_failure_happens_at_its_time() {
    let mut w = world();
    ok(
        &mut w,
        "trainer",
        Command::Schedule {
            at: SimTime(30),
            failure: Failure::CertificateExpiry { stage: st("prod") },
        },
    );
    w.run_until(SimTime(29));
    assert!(!prod(&w).faults.certificate_expired);
    w.run_until(SimTime(30));
    assert!(prod(&w).faults.certificate_expired);
    assert!(
        refused(
            &mut w,
            "trainer",
            Command::Schedule {
                at: SimTime(10),
                failure: Failure::FlakyTests { minutes: 5 }
            }
        )
        .kind
            == RejectionKind::InvalidArgument
    );
}

#[test]
fn secret_values_never_reach_events_the_audit_log_or_the_saved_world() {
    let mut w = world();
    let events = ok(
        &mut w,
        "sam",
        Command::SetSecret {
            stage: st("prod"),
            name: ConfigKey::new("API_TOKEN"),
            value: SecretValue("hunter2-SUPER-secret".into()),
        },
    );
    let everything = format!(
        "{events:?} {} {:?}",
        stagecraft::lessons::json::to_string(&w),
        w.audit.entries().collect::<Vec<_>>()
    );
    assert!(!everything.contains("hunter2"));
    assert!(prod(&w).secrets.contains(&ConfigKey::new("API_TOKEN")));
}

#[test]
fn invalid_commands_are_rejected_with_reasons_and_change_nothing_but_the_audit_log() {
    let mut w = world();
    w.run_until(SimTime(3));
    let snapshot = stagecraft::lessons::json::to_value(&w);
    let bad = vec![
        (
            "mia",
            Command::Promote {
                release: Version::new(9, 9, 9),
                to: st("prod"),
                strategy: Strategy::AllAtOnce,
                gates: GateMode::Enforce,
            },
        ),
        (
            "mia",
            Command::Promote {
                release: Version::new(1, 0, 0),
                to: st("nowhere"),
                strategy: Strategy::AllAtOnce,
                gates: GateMode::Enforce,
            },
        ),
        (
            "mia",
            Command::Promote {
                release: Version::new(1, 0, 0),
                to: st("dev"),
                strategy: Strategy::AllAtOnce,
                gates: GateMode::Enforce,
            },
        ),
        (
            "sam",
            Command::Rollback {
                stage: st("prod"),
                to: Version::new(1, 0, 0),
            },
        ),
        ("sam", Command::AbortRollout { stage: st("prod") }),
        ("sam", Command::SwitchTraffic { stage: st("prod") }),
        (
            "sam",
            Command::SetConfig {
                stage: st("prod"),
                key: ConfigKey::new("bad key!"),
                value: Some("x".into()),
            },
        ),
        (
            "sam",
            Command::SetFlag {
                stage: st("prod"),
                flag: FlagName::new("f"),
                percent: 101,
            },
        ),
        (
            "dana",
            Command::Commit {
                summary: "   ".into(),
                traits: TraitsChoice::Surprise,
            },
        ),
        (
            "nobody",
            Command::Commit {
                summary: "hi".into(),
                traits: TraitsChoice::Surprise,
            },
        ),
        (
            "trainer",
            Command::Inject {
                failure: Failure::TrafficSpike {
                    stage: st("prod"),
                    factor: f64::NAN,
                    minutes: 5,
                },
            },
        ),
        (
            "trainer",
            Command::Inject {
                failure: Failure::DatabaseOutage {
                    stage: st("prod"),
                    minutes: 0,
                },
            },
        ),
    ];
    let n = bad.len() as u64;
    for (actor, command) in bad {
        let r = refused(&mut w, actor, command);
        assert!(!r.message.is_empty());
    }
    let mut after = stagecraft::lessons::json::to_value(&w);
    let mut before = snapshot;
    for v in [&mut before, &mut after] {
        v.as_object_mut().unwrap().remove("audit");
        v.as_object_mut().unwrap().remove("recent");
        v.as_object_mut().unwrap().remove("event_count");
    }
    assert_eq!(before, after);
    assert_eq!(w.audit.total, n);
    assert_eq!(w.audit.rejected, n);
}

#[test]
fn scaling_out_absorbs_a_traffic_peak_that_would_overload_production() {
    let mut w = world();
    w.run_until(SimTime(5));
    ok(
        &mut w,
        "trainer",
        Command::Inject {
            failure: Failure::TrafficSpike {
                stage: st("prod"),
                factor: 2.5,
                minutes: 60,
            },
        },
    );
    w.tick();
    assert!(
        prod(&w).last.error_rate() > 0.05,
        "4 instances are overloaded: {}",
        prod(&w).last.error_rate()
    );
    assert!(
        refused(
            &mut w,
            "dana",
            Command::Scale {
                stage: st("prod"),
                instances: 10
            }
        )
        .kind
            == RejectionKind::Unauthorized
    );
    let events = ok(
        &mut w,
        "sam",
        Command::Scale {
            stage: st("prod"),
            instances: 10,
        },
    );
    assert!(has(&events, |k| matches!(
        k,
        EventKind::Scaled {
            from: 4,
            to: 10,
            ..
        }
    )));
    w.run_until(SimTime(w.now.0 + 3));
    assert_eq!(prod(&w).pools[0].healthy(), 10);
    assert!(prod(&w).last.error_rate() < 0.01);
    assert!(
        refused(
            &mut w,
            "sam",
            Command::Scale {
                stage: st("prod"),
                instances: 0
            }
        )
        .kind
            == RejectionKind::InvalidArgument
    );
}

#[test]
fn a_scenario_timeline_fires_on_time_without_an_audit_entry() {
    let mut config = quiet_config();
    config.timeline.push(config::TimedFailure {
        at: SimTime(12),
        failure: Failure::CertificateExpiry { stage: st("prod") },
    });
    let mut w = World::new(config, 1);
    w.run_until(SimTime(11));
    assert!(!prod(&w).faults.certificate_expired);
    w.run_until(SimTime(12));
    assert!(prod(&w).faults.certificate_expired);
    assert_eq!(w.audit.total, 0);
}

#[test]
fn the_starting_release_can_carry_a_known_security_hole_that_gets_exploited() {
    let mut config = quiet_config();
    config.initial_traits = CommitTraits {
        defect: Defect::SecurityHole,
        ..CommitTraits::default()
    };
    let mut w = World::new(config, 1);
    let events = run_until(&mut w, 5000, |w| w.open_incidents().count() > 0);
    assert!(has(&events, |k| matches!(
        k,
        EventKind::DefectDiscovered {
            defect: Defect::SecurityHole,
            ..
        }
    )));
    assert!(w.incidents[0].title.contains("Security breach"));
}

#[test]
fn a_bad_rolling_deploy_counts_as_a_failed_change_even_before_it_finishes() {
    let mut w = world();
    let bad = commit(&mut w, sneaky(Defect::ErrorRate));
    ship(&mut w, bad, Strategy::Rolling(stagecraft::sim::RollingPlan::batch(1)));
    assert_eq!(
        w.delivery.production_deploys, 1,
        "counted when instances start being replaced"
    );
    run_until(&mut w, 60, |w| w.open_incidents().count() > 0);
    assert_eq!(w.delivery.report(w.now).change_failure_rate, Some(1.0));
}

#[test]
fn a_world_without_stages_refuses_commands_instead_of_panicking() {
    let mut config = quiet_config();
    config.stages.clear();
    config.alert_rules.clear();
    let mut w = World::new(config, 1);
    w.run_until(SimTime(5));
    let r = refused(
        &mut w,
        "dana",
        Command::Commit {
            summary: "x".into(),
            traits: TraitsChoice::Surprise,
        },
    );
    assert_eq!(r.kind, RejectionKind::InvalidState);
}

/// Recovery point objective, as disaster-recovery planning defines it: the data that could
/// not be saved is what was written between the last good backup and the moment of loss.
/// Waiting longer to restore lengthens the recovery time, never the recovery point.
#[test]
fn rpo_after_a_disk_loss_is_the_loss_minus_the_last_backup_and_matches_the_records_lost() {
    for seed in 1..=6u64 {
        let mut w = World::new(WorldConfig::standard(), seed);
        w.run_until(SimTime(10));
        ok(&mut w, "sam", Command::TakeBackup { stage: st("prod") });
        let backup = prod(&w).backups.last().unwrap().clone();
        w.run_until(SimTime(40));
        let before_loss = prod(&w).database.as_ref().unwrap().records;
        ok(&mut w, "trainer", Command::Inject { failure: Failure::DataLoss { stage: st("prod") } });
        w.run_until(SimTime(60));
        ok(&mut w, "sam", Command::RestoreBackup { stage: st("prod"), backup: backup.id });
        let events = run_until(&mut w, 90, |w| prod(w).faults.restoring.is_none());
        let (rpo, records_lost) = events
            .iter()
            .find_map(|e| match e.kind {
                EventKind::Restored { rpo, records_lost, .. } => Some((rpo, records_lost)),
                _ => None,
            })
            .unwrap();
        assert_eq!(rpo, Minutes(30), "seed {seed}: loss at 40 minus backup at 10");
        assert_eq!(records_lost, before_loss - backup.records, "seed {seed}: the writes between backup and loss");
    }
}

/// Found by `./x soak`: the same rollback issued again while it runs (three people pressing
/// the button in one minute) is refused, and the stage never runs more instances than it has.
#[test]
fn a_second_rollback_to_the_same_release_while_one_runs_is_refused_and_stacks_nothing() {
    let mut w = world();
    let v = commit(&mut w, CommitTraits::default());
    assert!(w.stage(&st("dev")).unwrap().runs(v));
    ok(&mut w, "sam", Command::Rollback { stage: st("dev"), to: Version::new(1, 0, 0) });
    let again = refused(&mut w, "mia", Command::Rollback { stage: st("dev"), to: Version::new(1, 0, 0) });
    assert!(again.message.contains("already rolling back"), "{}", again.message);
    let dev = w.stage(&st("dev")).unwrap();
    let instances: usize = dev.pools.iter().map(|p| p.instances.len()).sum();
    assert!(instances <= 2 * usize::from(dev.config.instances), "{instances} instances");
    assert_eq!(dev.pools.iter().filter(|p| p.release == Version::new(1, 0, 0)).count(), 1);
}

/// Found by `./x soak`: promoting a release again after its rolling deploy stalled carries
/// on with the instances the first attempt left, instead of a second pool of the same release.
#[test]
fn promoting_a_release_again_after_a_stalled_rollout_keeps_one_pool_of_it() {
    let mut w = world();
    ok(&mut w, "dana", Command::Commit {
        summary: "crashes on start".into(),
        traits: TraitsChoice::Exactly(sneaky(Defect::CrashOnStart)),
    });
    run_until(&mut w, 30, |w| w.releases.contains_key(&Version::new(1, 1, 0)));
    let promote = |batch| Command::Promote {
        release: Version::new(1, 1, 0),
        to: st("staging"),
        strategy: Strategy::Rolling(stagecraft::sim::RollingPlan::batch(batch)),
        gates: GateMode::Override { reason: "soak".into() },
    };
    ok(&mut w, "mia", promote(1));
    run_until(&mut w, 60, |w| w.stage(&st("staging")).unwrap().rollout.is_none());
    ok(&mut w, "mia", promote(1));
    run_until(&mut w, 60, |w| w.stage(&st("staging")).unwrap().rollout.is_none());
    let staging = w.stage(&st("staging")).unwrap();
    assert_eq!(staging.pools.iter().filter(|p| p.release == Version::new(1, 1, 0) && !p.idle).count(), 1, "{:?}", staging.pools.iter().map(|p| (p.release, p.weight, p.instances.len())).collect::<Vec<_>>());
}
