//! Continuous integration: a commit is built and unit-tested, becomes a numbered release,
//! and is deployed to the first stage.

use std::rc::Rc;
use super::change::{Commit, CommitTraits, GateKind, Migration, Release};
use super::event::{Event, EventKind};
use super::ids::{ActorId, CommitId, Version};
use super::rollout::{Phase, Purpose, Rollout};
use super::step::gate_minutes;
use super::world::{Build, World};
use std::collections::{BTreeMap, BTreeSet};

/// Releases kept in memory; older ones no stage can roll back to are forgotten.
const RELEASE_CAP: usize = 48;

impl World {
    /// The scenario's next scripted commit, or a seeded "surprise me" draw.
    pub(crate) fn next_traits(&mut self) -> CommitTraits {
        let used = self.scripted_used as usize;
        if let Some(t) = self.config.scripted_commits.get(used) {
            self.scripted_used += 1;
            return t.clone();
        }
        CommitTraits::surprise(&mut self.draws)
    }

    pub(crate) fn start_build(
        &mut self,
        actor: &ActorId,
        summary: Rc<str>,
        traits: CommitTraits,
        hotfix_of: Option<Version>,
    ) -> Vec<Event> {
        self.commits_made += 1;
        let commit = Commit {
            id: CommitId(self.commits_made),
            author: actor.clone(),
            summary: summary.clone(),
            at: self.now,
            traits,
        };
        let gates: Vec<GateKind> = self.stages[0].config.gates.clone();
        let mut events = Vec::new();
        self.emit(
            &mut events,
            EventKind::Committed {
                commit: commit.id,
                author: actor.clone(),
                summary,
            },
        );
        self.emit(
            &mut events,
            EventKind::BuildStarted {
                commit: commit.id,
                hotfix: hotfix_of.is_some(),
            },
        );
        let first = gates
            .first()
            .map_or(0, |g| gate_minutes(*g, hotfix_of.is_some()));
        let build = Build {
            commit,
            hotfix_of,
            gates,
            current: 0,
            step_ends_at: self.now.plus(super::time::Minutes(first)),
        };
        if build.gates.is_empty() {
            self.release_build(build, &mut events);
        } else {
            self.builds.push(build);
        }
        events
    }

    pub(crate) fn release_build(&mut self, build: Build, events: &mut Vec<Event>) {
        let traits = build.commit.traits.clone();
        let (version, schema) = match build.hotfix_of {
            Some(base) => {
                let patch = self
                    .releases
                    .keys()
                    .filter(|v| v.major == base.major && v.minor == base.minor)
                    .map(|v| v.patch)
                    .max()
                    .unwrap_or(0)
                    + 1;
                let schema = self.releases.get(&base).map_or(1, |r| r.schema);
                (Version::new(base.major, base.minor, patch), schema)
            }
            None => {
                let v = Version::new(self.config.initial_version.major, self.next_minor, 0);
                self.next_minor += 1;
                let mut schema = 1 + self.schema_chain.len() as u32;
                if traits.migration != Migration::None {
                    self.schema_chain.push(traits.migration);
                    schema += 1;
                }
                (v, schema)
            }
        };
        let hotfix = build.hotfix_of.is_some();
        let release = Release {
            version,
            commits: vec![build.commit.id],
            authors: vec![build.commit.author.clone()],
            summary: build.commit.summary.clone(),
            first_commit_at: build.commit.at,
            built_at: self.now,
            detected: {
                // Inserting, not `collect()`: collecting sorts first, and each sorted
                // type adds its own sort routine to the wasm build.
                let mut detected = BTreeMap::new();
                detected.extend(build.gates.iter().map(|g| (*g, false)));
                detected
            },
            traits,
            schema,
            hotfix,
            exploited: false,
        };
        self.releases.insert(version, release);
        self.emit(
            events,
            EventKind::ReleaseBuilt {
                release: version,
                commits: vec![build.commit.id],
                hotfix,
            },
        );
        // The first stage always runs the newest build; a deploy still going there is replaced.
        if let Some(old) = self.stages[0].rollout.take() {
            let stage = self.stages[0].config.id.clone();
            self.emit(
                events,
                EventKind::RolloutAborted {
                    release: old.release,
                    stage,
                    automatic: true,
                    explanation: None,
                },
            );
            self.remove_pool(0, old.release);
        }
        let from = self.stages[0].current();
        let progress = self.begin_deployment(0, version, None, from, events);
        self.stages[0].rollout = Some(Box::new(Rollout {
            release: version,
            from,
            strategy: None,
            purpose: Purpose::Build,
            requested_by: build.commit.author,
            started_at: self.now,
            phase: Phase::Deploying(progress),
            paused: false,
        }));
        self.prune_releases();
    }

    /// Forgets old releases nothing refers to, so memory stays bounded on long runs.
    fn prune_releases(&mut self) {
        // Prune in batches: collecting what is still referenced is the costly part, so it
        // runs once every 16 builds rather than after each one.
        if self.releases.len() <= RELEASE_CAP + 16 {
            return;
        }
        let mut keep: BTreeSet<Version> = BTreeSet::new();
        for s in &self.stages {
            keep.extend(s.pools.iter().map(|p| p.release));
            keep.extend(s.history.iter().map(|d| d.release));
            keep.extend(
                s.rollout
                    .iter()
                    .flat_map(|r| [Some(r.release), r.from])
                    .flatten(),
            );
        }
        keep.extend(self.builds.iter().filter_map(|b| b.hotfix_of));
        // `releases` is visited by version, oldest first: the oldest unreferenced go, in
        // one pass (removing them one by one moved the rest of the map each time).
        let mut excess = self.releases.len() - RELEASE_CAP;
        self.releases.retain(|v, _| {
            let drop = excess > 0 && !keep.contains(v);
            excess -= usize::from(drop);
            !drop
        });
    }
}
