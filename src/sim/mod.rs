//! The simulation engine. Pure and deterministic: it imports nothing from yew, web-sys,
//! gloo, wasm-bindgen or js-sys, never reads a clock, and draws randomness only from its own
//! seeded generators. Commands go in through [`World::apply`]; events come out.

pub mod access;
mod alerts;
pub mod audit;
mod build;
pub mod change;
mod chaos;
pub mod command;
mod commands;
pub mod config;
pub mod delivery;
mod deploy;
mod deploy_steps;
pub mod describe;
pub mod driver;
pub mod event;
pub mod history;
pub mod ids;
mod load;
pub mod monitor;
mod numeric;
mod ops;
pub mod releases;
pub mod replay;
pub mod rng;
mod reports;
pub mod rollout;
mod settings;
pub mod stage;
mod step;
pub mod time;
mod traffic;
pub mod world;

pub use access::{Actor, Permission, Policy, Role};
pub use change::{CommitTraits, Defect, GateKind, Migration, MigrationPractice, Release};
pub use command::{
    Amount, BaselineComparison, CanaryAnalysis, CanaryPlan, Command, Failure, GateMode, RollingPlan, SecretValue, Strategy,
    TraitsChoice,
};
pub use config::{StageConfig, WorldConfig};
pub use monitor::Detection;
pub use reports::USERS_REPORT_AFTER;
pub use event::{Event, EventKind, Explanation};
pub use ids::{ActorId, BackupId, ConfigKey, FlagName, StageId, Version};
pub use time::{Minutes, SimTime};
/// The share of requests a healthy service still fails (the debrief explains the background with it).
pub use traffic::BASE_ERROR_RATE;
pub use world::{Rejection, RejectionKind, World};
