//! The world's releases by version, shared between clones of the world.
//!
//! Why: the app keeps its previous state alive while the reducer builds the next, so every
//! clock tick clones the whole `World` (8 times a second at 64×). A `BTreeMap<Version,
//! Release>` was copied in full each time: up to 64 releases, each with its commits,
//! authors and summary (about 24 KB at the cap), two or three copies alive at once. Here a
//! clone copies one pointer; changing the map (a build adds a release, pruning drops old
//! ones) copies only the map's nodes, and changing one release copies only that release.
//!
//! It reads, compares and serialises as the map it replaces, so saved worlds are unchanged.

use super::change::Release;
use super::ids::Version;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::ops::RangeBounds;
use std::rc::Rc;

#[derive(Clone, Default)]
pub struct Releases(Rc<BTreeMap<Version, Rc<Release>>>);

fn pair<'a>((v, r): (&'a Version, &'a Rc<Release>)) -> (&'a Version, &'a Release) {
    (v, r)
}

impl Releases {
    pub fn get(&self, v: &Version) -> Option<&Release> {
        self.0.get(v).map(|r| &**r)
    }

    /// The release to change in place: copied first only if another clone of the world
    /// still holds it (and the map's nodes, if another clone holds them).
    pub fn get_mut(&mut self, v: &Version) -> Option<&mut Release> {
        if !self.0.contains_key(v) {
            return None;
        }
        Rc::make_mut(&mut self.0).get_mut(v).map(Rc::make_mut)
    }

    pub fn insert(&mut self, v: Version, release: Release) {
        Rc::make_mut(&mut self.0).insert(v, Rc::new(release));
    }

    pub fn contains_key(&self, v: &Version) -> bool {
        self.0.contains_key(v)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// By version, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Version, &Release)> {
        self.0.iter().map(pair)
    }

    pub fn range<R: RangeBounds<Version>>(&self, r: R) -> impl DoubleEndedIterator<Item = (&Version, &Release)> {
        self.0.range(r).map(pair)
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Version> {
        self.0.keys()
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Release> {
        self.0.values().map(|r| &**r)
    }

    /// Keeps the releases `keep` says yes to, visited by version, oldest first. The map is
    /// copied (its nodes, not the releases) only when one actually goes.
    pub fn retain(&mut self, mut keep: impl FnMut(&Version, &Release) -> bool) {
        let verdicts: Vec<bool> = self.0.iter().map(|(v, r)| keep(v, r)).collect();
        if verdicts.iter().all(|k| *k) {
            return;
        }
        let mut verdict = verdicts.into_iter();
        Rc::make_mut(&mut self.0).retain(|_, _| verdict.next().unwrap_or(true));
    }
}

impl<const N: usize> From<[(Version, Release); N]> for Releases {
    fn from(items: [(Version, Release); N]) -> Self {
        items.into_iter().collect()
    }
}

impl FromIterator<(Version, Release)> for Releases {
    fn from_iter<I: IntoIterator<Item = (Version, Release)>>(items: I) -> Self {
        Releases(Rc::new(items.into_iter().map(|(v, r)| (v, Rc::new(r))).collect()))
    }
}

impl PartialEq for Releases {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

impl std::fmt::Debug for Releases {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Releases {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Releases {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(BTreeMap::<Version, Release>::deserialize(d)?.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::change::CommitTraits;
    use crate::sim::time::SimTime;

    fn release(minor: u16) -> Release {
        Release {
            version: Version::new(1, minor, 0),
            commits: Vec::new(),
            authors: Vec::new(),
            summary: format!("release {minor}").into(),
            first_commit_at: SimTime::ZERO,
            built_at: SimTime(u64::from(minor)),
            traits: CommitTraits::default(),
            schema: 1,
            hotfix: false,
            detected: BTreeMap::new(),
            exploited: false,
        }
    }

    #[test]
    fn a_clone_shares_until_changed_and_saves_as_a_map() {
        let mut a: Releases = (0..10).map(|m| (Version::new(1, m, 0), release(m))).collect();
        let b = a.clone();
        assert!(Rc::ptr_eq(&a.0, &b.0));
        a.get_mut(&Version::new(1, 3, 0)).unwrap().exploited = true;
        assert!(!b.get(&Version::new(1, 3, 0)).unwrap().exploited);
        // The releases nobody changed are still shared.
        assert!(Rc::ptr_eq(&a.0[&Version::new(1, 4, 0)], &b.0[&Version::new(1, 4, 0)]));
        a.retain(|v, _| v.minor % 2 == 0);
        assert_eq!(a.keys().map(|v| v.minor).collect::<Vec<_>>(), [0, 2, 4, 6, 8]);
        assert_eq!(b.len(), 10);
        let map: BTreeMap<Version, Release> = b.iter().map(|(v, r)| (*v, r.clone())).collect();
        let json = serde_json::to_string(&b).unwrap();
        assert_eq!(json, serde_json::to_string(&map).unwrap());
        assert_eq!(serde_json::from_str::<Releases>(&json).unwrap(), b);
    }
}
