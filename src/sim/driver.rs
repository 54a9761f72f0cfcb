//! A scripted busy team, used by the benchmark and the determinism test: it commits about
//! `commits_per_day` changes a day, promotes what passes, approves, and rolls back production
//! when an incident opens. It only issues ordinary commands through `World::apply`.

use super::command::{Command, GateMode, RollingPlan, Strategy, TraitsChoice};
use super::ids::ActorId;
use super::time::MINUTES_PER_DAY;
use super::world::World;

pub struct BusyTeam {
    every: u64,
    commits: u64,
    /// After a refused promotion (a freeze, say) the team waits an hour before asking again.
    retry_at: Vec<u64>,
    /// Who issues each command, made once: an id per command would allocate every minute.
    dana: ActorId,
    rui: ActorId,
    mia: ActorId,
    sam: ActorId,
}

impl BusyTeam {
    pub fn new(commits_per_day: u32) -> Self {
        BusyTeam {
            every: (MINUTES_PER_DAY / u64::from(commits_per_day.max(1))).max(1),
            commits: 0,
            retry_at: Vec::new(),
            dana: ActorId::new("dana"),
            rui: ActorId::new("rui"),
            mia: ActorId::new("mia"),
            sam: ActorId::new("sam"),
        }
    }

    /// Advances the world one minute, acting first. Returns how many events happened.
    pub fn step(&mut self, w: &mut World) -> usize {
        let mut n = 0;
        let mut act = |w: &mut World, who: &ActorId, c: Command| match w.apply_counted(who, c) {
            Ok(count) => {
                n += count;
                true
            }
            Err(_) => false,
        };
        self.retry_at.resize(w.stages.len(), 0);
        if w.now.0 % self.every == 0 {
            self.commits += 1;
            act(
                w,
                &self.dana,
                Command::Commit {
                    summary: format!("change {}", self.commits).into(),
                    traits: TraitsChoice::Surprise,
                },
            );
        }
        let last = w.stages.len() - 1;
        for i in 1..=last {
            let stage = &w.stages[i];
            if let Some(r) = &stage.rollout {
                if r.awaiting_approval() {
                    let (release, id) = (r.release, stage.config.id.clone());
                    act(w, &self.rui, Command::Approve { release, stage: id });
                }
                continue;
            }
            let Some(release) = w.promotable(i) else {
                continue;
            };
            let ready = w.stages[i - 1].rollout.is_none() && w.stages[i - 1].runs_healthy(release);
            if !ready || w.now.0 < self.retry_at[i] || (i == last && w.open_count > 0) {
                continue;
            }
            let id = w.stages[i].config.id.clone();
            let strategy = if i == last {
                Strategy::Canary(Box::default())
            } else {
                Strategy::Rolling(RollingPlan::batch(1))
            };
            let who = if i == last { &self.mia } else { &self.dana };
            if !act(
                w,
                who,
                Command::Promote {
                    release,
                    to: id,
                    strategy,
                    gates: GateMode::Enforce,
                },
            ) {
                self.retry_at[i] = w.now.0 + 60;
            }
        }
        // On call: roll production back to its previous release when an incident is open.
        let prod = &w.stages[last];
        if prod.rollout.is_none()
            && w.open_count > 0
            // Open incidents are the newest: looking from the back finds one sooner.
            && w.incidents.iter().rev().any(|inc| inc.is_open() && inc.mitigated_at.is_none())
        {
            let current = prod.current();
            if let Some(target) = prod
                .history
                .iter()
                .rev()
                .map(|d| d.release)
                .find(|v| Some(*v) != current)
            {
                let id = prod.config.id.clone();
                act(
                    w,
                    &self.sam,
                    Command::Rollback {
                        stage: id,
                        to: target,
                    },
                );
            }
        }
        n + w.tick_counted()
    }
}

/// The reference run behind the determinism contract: three days of a busy team with a few
/// injected failures, hashed event by event. Native and wasm32 must print the same number.
pub fn reference_hash(seed: u64, days: u64) -> (u64, u64) {
    use super::command::Failure;
    use super::config::WorldConfig;
    use super::ids::StageId;
    use super::replay::Fnv;
    let mut w = World::new(WorldConfig::standard(), seed);
    let mut team = BusyTeam::new(20);
    let mut hash = Fnv::default();
    let mut count = 0u64;
    let chaos = [
        (
            300,
            Failure::TrafficSpike {
                stage: StageId::new("prod"),
                factor: 4.0,
                minutes: 45,
            },
        ),
        (
            900,
            Failure::InstanceCrash {
                stage: StageId::new("prod"),
            },
        ),
        (
            1500,
            Failure::DependencyOutage {
                stage: StageId::new("staging"),
                minutes: 30,
            },
        ),
        (
            2500,
            Failure::DataLoss {
                stage: StageId::new("prod"),
            },
        ),
    ];
    for _ in 0..days * MINUTES_PER_DAY {
        if let Some((_, f)) = chaos.iter().find(|(at, _)| *at == w.now.0) {
            let _ = w.apply(
                &ActorId::new("trainer"),
                Command::Inject { failure: f.clone() },
            );
        }
        if w.now.0 == 2520 {
            if let Some(b) = w.stages[2].backups.last().map(|b| b.id) {
                let _ = w.apply(
                    &ActorId::new("sam"),
                    Command::RestoreBackup {
                        stage: StageId::new("prod"),
                        backup: b,
                    },
                );
            }
        }
        let before = w.event_count;
        team.step(&mut w);
        let new = (w.event_count - before) as usize;
        for e in w.recent.iter().skip(w.recent.len().saturating_sub(new)) {
            hash.event(e);
        }
        count += new as u64;
    }
    let state = super::replay::canonical_json(&w);
    hash.write(state.as_bytes());
    (hash.0, count)
}
