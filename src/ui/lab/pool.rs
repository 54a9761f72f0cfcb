//! The lab's workers, owned by a hook: while the lab's state asks for a run, one web worker
//! per core (`navigator.hardwareConcurrency`, at most [`MAX_WORKERS`]) runs it, a batch of
//! seeds at a time. When the request goes away (the run finished, was cancelled, or the lab
//! closed), the hook drops the workers' bridges: each worker finishes the batch in hand, its
//! answer is ignored, and it closes itself (gloo's `Destroy`).
//!
//! While the lab is open and no run is going, the next run's workers wait, started: fetching
//! and compiling their wasm took about 0.45 s of every run (a 10-seed run took 0.7 s), and a
//! person reading the form gives them that time. They are given no work until a run starts,
//! and close with the lab.
//!
//! The page takes the workers' answers in as they come but tells the lab's reducer at most
//! every [`REPORT_EVERY_MS`] (and when the last answer is in): each report re-renders the
//! lab, and nobody reads a progress bar faster than that.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use gloo_worker::{Spawnable, WorkerBridge};
use yew::prelude::*;

use super::form::{LabSpec, LessonTexts};
use super::worker::{Answer, Job, LabWorker, BATCH, LAST_BATCH};
use super::ARMS;
use crate::lab::RunOutcome;

/// Where trunk puts the worker's JS (index.html: `data-target-path="lab"`); gloo loads
/// `lab_worker_bg.wasm` beside it.
pub const WORKER_PATH: &str = "lab/lab_worker.js";
/// More workers than this would only share the same cores.
pub const MAX_WORKERS: usize = 8;
/// The shortest time between two reports to the reducer, in milliseconds.
pub const REPORT_EVERY_MS: f64 = 250.0;

/// A run the lab's state asks for; a new `seq` is a new run.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRequest {
    pub seq: u64,
    /// What the workers build the experiment from.
    pub spec: Rc<LabSpec>,
    /// The built-in lesson it runs, as `(id, text)` (the web app fetches lessons rather than
    /// carrying them; the worker has none of its own).
    pub builtin: Rc<LessonTexts>,
    /// Seeds `first..first + runs` of each arm.
    pub first: u64,
    pub runs: u64,
}

/// What the workers report, for the lab's reducer.
#[derive(Clone, Debug, PartialEq)]
pub enum PoolEvent {
    /// The outcomes that came in since the last report (one batch or several, in the
    /// order they arrived): `workers` were running, `elapsed_ms` after the run started.
    Outcomes { seq: u64, outcomes: Rc<Vec<RunOutcome>>, workers: usize, elapsed_ms: f64 },
    Refused { seq: u64, why: String },
}

/// Runs `request` in web workers while it is `Some`; reports through `on_event`. Between
/// runs (and before the first), the next run's workers wait, started ([`Idle`]).
#[hook]
pub fn use_lab_workers(request: Option<RunRequest>, on_event: Callback<PoolEvent>) {
    // Dropped with the lab (the hook's state goes when the panel unmounts): so are they.
    let idle = use_mut_ref(|| None::<Idle>);
    use_effect_with(request, move |request| {
        let pool = match request {
            Some(r) => Some(Pool::start(r, idle.borrow_mut().take(), on_event)),
            None => {
                // The last run's workers closed when its pool was dropped (before this
                // effect): the next run's start now.
                idle.borrow_mut().get_or_insert_with(Idle::spawn);
                None
            }
        };
        move || drop(pool)
    });
}

/// Where a worker's answers go: the run it is working for, once one starts.
type Route = Rc<RefCell<Option<(Weak<RefCell<Inner>>, Callback<PoolEvent>)>>>;

/// Workers started and waiting for a run (none, by default).
#[derive(Default)]
struct Idle {
    bridges: Vec<WorkerBridge<LabWorker>>,
    route: Route,
}

impl Idle {
    fn spawn() -> Idle {
        let route: Route = Rc::new(RefCell::new(None));
        let bridges = (0..worker_count()).map(|i| spawn_worker(i, &route)).collect();
        Idle { bridges, route }
    }
}

/// A worker whose answers go where `route` says (nowhere until a run sets it).
fn spawn_worker(i: usize, route: &Route) -> WorkerBridge<LabWorker> {
    let route = route.clone();
    LabWorker::spawner()
        .callback(move |answer| {
            // Cloned out first: the answer may re-render the lab and replace the route.
            let to = route.borrow().clone();
            if let Some((pool, on_event)) = to {
                answered(&pool, i, answer, &on_event);
            }
        })
        .spawn(WORKER_PATH)
}

/// Seeds in the next batch when `left` seeds of each arm are still to be asked for: full
/// batches, then smaller ones towards the end, so that no worker is left alone with a full
/// batch while the others are done.
pub fn batch_size(left: u64) -> u64 {
    (left / 4).clamp(LAST_BATCH, BATCH).min(left)
}

/// How many workers: one per core the browser reports, at least one.
pub fn worker_count() -> usize {
    let cores = web_sys::window().map_or(1.0, |w| w.navigator().hardware_concurrency());
    // `as` saturates: a missing or odd figure becomes 0, hence the `max`.
    (cores as usize).clamp(1, MAX_WORKERS)
}

struct Inner {
    seq: u64,
    /// `performance.now()` when the run started: the lab says how long it took.
    started: f64,
    queue: VecDeque<Job>,
    bridges: Vec<WorkerBridge<LabWorker>>,
    /// Runs asked for, and runs answered so far.
    total: u64,
    answered: u64,
    /// Outcomes not reported yet, and when the last report went out.
    pending: Vec<RunOutcome>,
    reported_at: f64,
}

/// Held only to be dropped: dropping it drops the bridges, which closes the workers.
struct Pool {
    _workers: Rc<RefCell<Inner>>,
}

impl Pool {
    /// Starts the run on `idle`'s workers if there are some, else on new ones.
    fn start(request: &RunRequest, idle: Option<Idle>, on_event: Callback<PoolEvent>) -> Pool {
        let end = request.first + request.runs;
        // Both arms, batch by batch: partial results (and a cancelled run) stay balanced.
        let mut queue = VecDeque::new();
        let mut from = request.first;
        while from < end {
            let to = from + batch_size(end - from);
            for arm in ARMS {
                queue.push_back(Job::Run { arm, from, to });
            }
            from = to;
        }
        let workers = worker_count().min(queue.len()).max(1);
        let started = now_ms();
        let inner = Rc::new(RefCell::new(Inner {
            seq: request.seq,
            started,
            queue,
            bridges: Vec::with_capacity(workers),
            total: 2 * request.runs,
            answered: 0,
            pending: Vec::new(),
            reported_at: started,
        }));
        let Idle { mut bridges, route } = idle.unwrap_or_default();
        // A small run needs fewer workers than are waiting: the others close now.
        bridges.truncate(workers);
        while bridges.len() < workers {
            bridges.push(spawn_worker(bridges.len(), &route));
        }
        *route.borrow_mut() = Some((Rc::downgrade(&inner), on_event));
        for bridge in bridges {
            bridge.send(Job::Prepare { spec: Box::new((*request.spec).clone()), builtin: (*request.builtin).clone() });
            let mut inner = inner.borrow_mut();
            if let Some(job) = inner.queue.pop_front() {
                bridge.send(job);
            }
            inner.bridges.push(bridge);
        }
        Pool { _workers: inner }
    }
}

/// A worker answered: give it the next batch, then report if it is time to. The borrow
/// ends before the report, because reporting may re-render the lab and drop this very pool.
fn answered(pool: &Weak<RefCell<Inner>>, worker: usize, answer: Answer, on_event: &Callback<PoolEvent>) {
    let Some(pool) = pool.upgrade() else { return };
    let event = {
        let mut inner = pool.borrow_mut();
        let seq = inner.seq;
        match answer {
            Answer::Ready => None,
            Answer::Refused(why) => {
                inner.queue.clear();
                Some(PoolEvent::Refused { seq, why })
            }
            Answer::Outcomes(mut outcomes) => {
                if let Some(job) = inner.queue.pop_front() {
                    inner.bridges[worker].send(job);
                }
                inner.answered += outcomes.len() as u64;
                inner.pending.append(&mut outcomes);
                let now = now_ms();
                let last = inner.answered >= inner.total;
                (last || now - inner.reported_at >= REPORT_EVERY_MS).then(|| {
                    inner.reported_at = now;
                    let outcomes = Rc::new(std::mem::take(&mut inner.pending));
                    PoolEvent::Outcomes { seq, outcomes, workers: inner.bridges.len(), elapsed_ms: now - inner.started }
                })
            }
        }
    };
    if let Some(event) = event {
        on_event.emit(event);
    }
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}
