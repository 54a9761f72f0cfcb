//! Property tests over random command sequences: the engine never panics and its
//! invariants hold whatever a class of learners clicks.
#![cfg(not(target_arch = "wasm32"))]

mod support;
use proptest::prelude::*;
use proptest::strategy::Strategy;
use stagecraft::sim::*;
use support::*;

const ACTORS: [&str; 6] = ["dana", "rui", "mia", "sam", "trainer", "eve"];
const STAGES: [&str; 3] = ["dev", "staging", "prod"];

#[derive(Clone, Debug)]
enum Step {
    Wait(u8),
    Act(usize, Command),
}

fn stage() -> impl Strategy<Value = StageId> {
    (0..3usize).prop_map(|i| st(STAGES[i]))
}

fn version() -> impl Strategy<Value = Version> {
    (0..6u16, 0..2u16).prop_map(|(minor, patch)| Version::new(1, minor, patch))
}

fn strategy() -> impl Strategy<Value = stagecraft::sim::Strategy> {
    prop_oneof![
        Just(stagecraft::sim::Strategy::AllAtOnce),
        (0..5u8).prop_map(|batch| stagecraft::sim::Strategy::Rolling { batch }),
        Just(stagecraft::sim::Strategy::BlueGreen),
        Just(stagecraft::sim::Strategy::Canary(CanaryPlan::default())),
        Just(stagecraft::sim::Strategy::DarkLaunch {
            flag: FlagName::new("dark")
        }),
    ]
}

fn failure() -> impl Strategy<Value = Failure> {
    prop_oneof![
        stage().prop_map(|stage| Failure::InstanceCrash { stage }),
        (stage(), 0..90u32)
            .prop_map(|(stage, minutes)| Failure::DependencyOutage { stage, minutes }),
        (stage(), 0..90u32).prop_map(|(stage, minutes)| Failure::DatabaseOutage { stage, minutes }),
        (stage(), -2.0..20.0f64, 1..60u32).prop_map(|(stage, factor, minutes)| {
            Failure::TrafficSpike {
                stage,
                factor,
                minutes,
            }
        }),
        stage().prop_map(|stage| Failure::DataLoss { stage }),
        stage().prop_map(|stage| Failure::RegionOutage { stage }),
        stage().prop_map(|stage| Failure::CertificateExpiry { stage }),
        (0..60u32).prop_map(|minutes| Failure::FlakyTests { minutes }),
        stage().prop_map(|stage| Failure::UnauthorizedDeploy { stage }),
    ]
}

fn command() -> impl Strategy<Value = Command> {
    let defect = (0..7usize).prop_map(|i| Defect::ALL[i]);
    let migration = prop_oneof![
        Just(Migration::None),
        Just(Migration::Additive),
        Just(Migration::Destructive)
    ];
    prop_oneof![
        3 => (defect, migration, any::<bool>()).prop_map(|(defect, migration, needs)| Command::Commit {
            summary: "change".into(),
            traits: TraitsChoice::Exactly(CommitTraits {
                defect,
                migration,
                requires_config: needs.then(|| ConfigKey::new("CACHE_URL")),
                ..CommitTraits::default()
            }),
        }),
        1 => Just(Command::Commit { summary: "surprise".into(), traits: TraitsChoice::Surprise }),
        4 => (version(), stage(), strategy(), any::<bool>()).prop_map(|(release, to, strategy, over)| Command::Promote {
            release,
            to,
            strategy,
            gates: if over { GateMode::Override { reason: "prop".into() } } else { GateMode::Enforce },
        }),
        3 => (version(), stage()).prop_map(|(release, stage)| Command::Approve { release, stage }),
        1 => stage().prop_map(|stage| Command::PauseRollout { stage }),
        1 => stage().prop_map(|stage| Command::ResumeRollout { stage }),
        1 => stage().prop_map(|stage| Command::AdvanceRollout { stage }),
        1 => stage().prop_map(|stage| Command::AbortRollout { stage }),
        1 => stage().prop_map(|stage| Command::SwitchTraffic { stage }),
        2 => (stage(), version()).prop_map(|(stage, to)| Command::Rollback { stage, to }),
        1 => version().prop_map(|base| Command::Hotfix { base, summary: "fix".into() }),
        1 => (stage(), 0..120u8).prop_map(|(stage, percent)| Command::SetFlag { stage, flag: FlagName::new("dark"), percent }),
        1 => (stage(), any::<bool>()).prop_map(|(stage, set)| Command::SetConfig {
            stage,
            key: ConfigKey::new("CACHE_URL"),
            value: set.then(|| "redis://x".to_string()),
        }),
        1 => (stage(), 0..1000u32).prop_map(|(stage, n)| Command::SetSecret {
            stage,
            name: ConfigKey::new("TOKEN"),
            value: SecretValue(format!("SECRET-{n}")),
        }),
        1 => stage().prop_map(|stage| Command::TakeBackup { stage }),
        1 => (stage(), 0..4u32).prop_map(|(stage, b)| Command::RestoreBackup { stage, backup: BackupId(b) }),
        1 => stage().prop_map(|stage| Command::Failover { stage }),
        1 => stage().prop_map(|stage| Command::RenewCertificate { stage }),
        2 => failure().prop_map(|failure| Command::Inject { failure }),
        1 => (0..400u64, failure()).prop_map(|(at, failure)| Command::Schedule { at: SimTime(at), failure }),
    ]
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(
        prop_oneof![
            2 => (1..40u8).prop_map(Step::Wait),
            3 => (0..ACTORS.len(), command()).prop_map(|(a, c)| Step::Act(a, c)),
        ],
        1..60,
    )
}

fn check_metrics(w: &World) {
    for s in &w.stages {
        let m = s.last;
        assert!(m.errors <= m.requests, "errors within requests");
        assert!(m.p95_ms.is_finite() && m.p95_ms >= 0.0);
        assert!(m.saturation.is_finite() && m.saturation >= 0.0);
        assert!(
            (0.0..=1.01).contains(&m.memory),
            "memory share {}",
            m.memory
        );
        let total: u32 = s.pools.iter().map(|p| u32::from(p.weight)).sum();
        assert!(
            total == 100 || total == 0 || s.pools.is_empty(),
            "weights sum to 100, got {total}: {:?}",
            s.pools
        );
        if s.rollout.is_none() {
            let active: Vec<_> = s
                .pools
                .iter()
                .filter(|p| !p.idle)
                .map(|p| p.release)
                .collect();
            let mut unique = active.clone();
            unique.dedup();
            assert_eq!(
                active.len(),
                unique.len(),
                "no two active pools run the same release once settled: {:?}",
                s.pools
            );
        }
        let running: usize = s.pools.iter().map(|p| p.instances.len()).sum();
        assert!(
            running <= 3 * usize::from(s.config.instances.max(1)),
            "instances stay bounded: {running}"
        );
        if let Some(slo) = &s.monitor.slo {
            assert!(slo.remaining().is_finite());
        }
        if let Some(db) = &s.database {
            assert!(db.corrupted <= db.records);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn random_sessions_keep_every_invariant(steps in steps(), seed in 0..1000u64) {
        let mut w = World::new(quiet_config(), seed);
        let mut cleared: Vec<Version> = Vec::new();
        let mut commands = 0u64;
        for step in steps {
            let events = match step {
                Step::Wait(n) => w.run_until(SimTime(w.now.0 + u64::from(n))),
                Step::Act(a, command) => {
                    commands += 1;
                    w.apply(&id(ACTORS[a]), command).unwrap_or_default()
                }
            };
            // An injected intruder's attempt is a command of its own, audited like any other.
            commands += events.iter().filter(|e| matches!(&e.kind, EventKind::FailureInjected { description } if description.contains("without rights"))).count() as u64;
            let text = stagecraft::json::to_string(&events);
            prop_assert!(!text.contains("SECRET-"), "a secret value leaked into events");
            for e in &events {
                match &e.kind {
                    EventKind::GatesOverridden { release, stage, .. } if stage.as_str() == "prod" => cleared.push(*release),
                    EventKind::Approved { release, stage, .. } if stage.as_str() == "prod" => cleared.push(*release),
                    EventKind::Deployed { release, stage } if stage.as_str() == "prod" => {
                        prop_assert!(cleared.contains(release), "{release} reached production without its gates or a logged override");
                    }
                    _ => {}
                }
            }
            // A rollback that is the last word on its stage leaves the chosen release serving.
            for (k, e) in events.iter().enumerate() {
                if let EventKind::RolledBack { stage, to, .. } = &e.kind {
                    let later = events[k + 1..].iter().any(|x| x.stage() == Some(stage) && matches!(x.kind,
                        EventKind::Deployed { .. } | EventKind::RolledBack { .. } | EventKind::TrafficSwitched { .. } | EventKind::DeployStarted { .. }));
                    if !later {
                        prop_assert_eq!(w.stage(stage).unwrap().current(), Some(*to));
                    }
                }
            }
            check_metrics(&w);
        }
        prop_assert_eq!(w.audit.total, commands, "every command, applied or refused, is audited");
        let saved = stagecraft::json::to_string(&w);
        prop_assert!(!saved.contains("SECRET-"));
    }
}

proptest! {
    /// Every command a learner can issue survives a share link or a session file: written as
    /// JSON text and read back, it is the same command.
    #[test]
    fn every_command_round_trips_through_json_text(command in command()) {
        use stagecraft::json::FromJson;
        let text = stagecraft::json::to_string(&command);
        let value = stagecraft::json::parse(&text).unwrap();
        prop_assert_eq!(Command::from_json(&value).unwrap(), command);
    }
}
