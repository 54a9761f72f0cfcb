//! The web worker side of the strategy lab. The page sends the experiment once
//! ([`Job::Prepare`]), then one batch of seeds at a time ([`Job::Run`]); the worker answers
//! each batch with its outcomes. Batches are small (see [`BATCH`]) so the page asks for the
//! next one only when the last came back: a cancelled run stops after the batch in hand,
//! and a worker that happens to be faster simply takes more batches.

use gloo_worker::{HandlerId, Registrable, Worker, WorkerScope};
use serde::{Deserialize, Serialize};

use super::form::{LabSpec, LessonTexts};
use super::state::prepare;
use crate::lab::{Arm, Prepared, RunOutcome};

/// Runs per message: each answer costs the page a few microseconds to take in, and 25 runs
/// of a simulated week keep a worker busy for a fraction of a second.
pub const BATCH: u64 = 25;
/// The smallest batch, for the last seeds (see `pool::batch_size`).
pub const LAST_BATCH: u64 = 5;

/// What the page asks a worker to do.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Job {
    /// What decides the experiment (see `LabSpec`), and the built-in lesson it names, if any.
    Prepare { spec: Box<LabSpec>, builtin: LessonTexts },
    /// Run seeds `from..to` of one arm.
    Run { arm: Arm, from: u64, to: u64 },
}

/// What a worker answers.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Answer {
    /// The experiment was read and prepared: batches may come.
    Ready,
    /// The experiment was refused, in plain words.
    Refused(String),
    /// The outcomes of one batch, in seed order (each names its arm and seed).
    Outcomes(Vec<RunOutcome>),
}

pub struct LabWorker {
    prepared: Option<Prepared>,
}

impl Worker for LabWorker {
    type Message = ();
    type Input = Job;
    type Output = Answer;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        LabWorker { prepared: None }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, job: Job, id: HandlerId) {
        let answer = match job {
            Job::Prepare { spec, builtin } => match prepare(&spec, &builtin) {
                Ok(p) => {
                    self.prepared = Some(p);
                    Answer::Ready
                }
                Err(why) => Answer::Refused(why),
            },
            Job::Run { arm, from, to } => match &self.prepared {
                Some(p) => Answer::Outcomes((from..to).map(|seed| p.run_one(arm, seed)).collect()),
                None => Answer::Refused("The lab's worker was asked to run before it had an experiment.".into()),
            },
        };
        scope.respond(id, answer);
    }
}


/// The worker's entry point (`src/bin/lab_worker.rs`).
pub fn register() {
    LabWorker::registrar().register();
}
