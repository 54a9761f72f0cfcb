//! Property tests over random command sequences: the engine never panics and its
//! invariants hold whatever a class of learners clicks. The invariants themselves are in
//! `support/invariants.rs`; `./x soak` checks them on 100,000 longer sequences.
#![cfg(not(target_arch = "wasm32"))]

mod support;
// The invariants, shared with the soak (examples/soak.rs, `./x soak`).
#[path = "support/invariants.rs"]
mod invariants;
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
        (0..5u8, 0..5u8, any::<bool>()).prop_map(|(s, u, pct)| {
            use stagecraft::sim::Amount::{Count, Percent};
            let a = |n: u8| if pct { Percent(n * 25) } else { Count(n) };
            stagecraft::sim::Strategy::Rolling(stagecraft::sim::RollingPlan::Limits { max_surge: a(s), max_unavailable: a(u) })
        }),
        Just(stagecraft::sim::Strategy::BlueGreen),
        Just(stagecraft::sim::Strategy::Canary(Box::default())),
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

fn fail(v: invariants::Violation) -> TestCaseError {
    TestCaseError::fail(v.to_string())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn random_sessions_keep_every_invariant(steps in steps(), seed in 0..1000u64) {
        let mut w = World::new(quiet_config(), seed);
        let mut watch = invariants::Watch::new();
        for step in steps {
            let events = match step {
                Step::Wait(n) => w.run_until(SimTime(w.now.0 + u64::from(n))),
                Step::Act(a, command) => {
                    let before = invariants::Before::take(&mut w);
                    let actor = id(ACTORS[a]);
                    let result = w.apply(&actor, command);
                    watch.command(before, &mut w, &actor, &result).map_err(fail)?;
                    result.unwrap_or_default()
                }
            };
            watch.events(&w, &events).map_err(fail)?;
            invariants::check_world(&w).map_err(fail)?;
        }
        watch.finish(&w, Some(&stagecraft::lessons::json::to_string(&w))).map_err(fail)?;
    }
}

proptest! {
    /// Every command a learner can issue survives a share link or a session file: written as
    /// JSON text and read back, it is the same command.
    #[test]
    fn every_command_round_trips_through_json_text(command in command()) {
        let text = stagecraft::lessons::json::to_string(&command);
        let value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(stagecraft::lessons::json::from_value::<Command>(&value).unwrap(), command);
    }
}
