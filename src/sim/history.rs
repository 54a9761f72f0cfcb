//! A bounded history (a queue that grows at the back and is trimmed at the front) that
//! clones cheaply: the items live in shared chunks of [`CHUNK`], so a clone copies only the
//! chunk pointers, and a push copies at most the one chunk it writes into.
//!
//! Why: the app keeps its previous state alive while it builds the next one (Yew holds it,
//! and so do the components' props), so every clock tick clones the whole `World`. With
//! `VecDeque`s the timeline (500 events), the audit log (2000 entries) and each stage's
//! 12 hours of metrics were copied in full 8 times a second at 64×, and two copies of each
//! were alive at once: as they filled, wasm memory (a high-water mark) grew with twice
//! their size. Shared chunks hold them once, whichever states are alive.
//!
//! It reads, compares and serialises as the `VecDeque` it replaces (a plain sequence), so
//! saved worlds read back unchanged.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::rc::Rc;

/// Items per chunk: a push on a freshly cloned history copies up to this many; a trimmed
/// front keeps up to this many - 1 dead items alive until their chunk is dropped.
pub const CHUNK: usize = 64;

/// Every chunk is full except the last; the first starts at `front` (items before it were
/// trimmed, and are dropped with their chunk).
///
/// The chunk list is a `Vec`, not a `VecDeque`: the engine reads an item by index for each
/// metrics window every minute, and a `Vec` index has no wrap-around to work out. Dropping
/// the first chunk shifts the few chunk pointers left, once per `CHUNK` items trimmed.
pub struct History<T> {
    chunks: Vec<Rc<Vec<T>>>,
    front: usize,
    len: usize,
}

impl<T> Default for History<T> {
    fn default() -> Self {
        History { chunks: Vec::new(), front: 0, len: 0 }
    }
}

impl<T> Clone for History<T> {
    fn clone(&self) -> Self {
        History { chunks: self.chunks.clone(), front: self.front, len: self.len }
    }
}

impl<T: Clone> History<T> {
    pub fn push_back(&mut self, item: T) {
        match self.chunks.last_mut() {
            Some(last) if last.len() < CHUNK => match Rc::get_mut(last) {
                // Sharing is checked once (a check then `make_mut` checked twice a push).
                Some(own) => own.push(item),
                None => {
                    // A chunk a clone shares is copied at its full size (`make_mut` would
                    // copy it at its length, and the push would then reallocate it at
                    // twice that).
                    let mut own = Vec::with_capacity(CHUNK);
                    own.extend(last.iter().cloned());
                    own.push(item);
                    *last = Rc::new(own);
                }
            },
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(item);
                self.chunks.push(Rc::new(chunk));
            }
        }
        self.len += 1;
    }
}

impl<T> History<T> {
    /// Forgets the oldest item (it is dropped once no clone holds its chunk).
    pub fn pop_front(&mut self) {
        if self.len == 0 {
            return;
        }
        self.len -= 1;
        self.front += 1;
        let first = self.chunks.first().map_or(0, |c| c.len());
        if self.front == first || self.len == 0 {
            if !self.chunks.is_empty() {
                self.chunks.remove(0);
            }
            self.front = 0;
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, i: usize) -> Option<&T> {
        if i >= self.len {
            return None;
        }
        let at = self.front + i;
        self.chunks.get(at / CHUNK).and_then(|c| c.get(at % CHUNK))
    }

    pub fn back(&self) -> Option<&T> {
        self.chunks.last().and_then(|c| c.last())
    }

    /// Oldest first.
    pub fn iter(&self) -> Iter<'_, T> {
        let first = self.chunks.first().map_or(&[][..], |c| &c[self.front..]);
        let rest = self.chunks.iter().skip(1).map(chunk_slice as fn(&Rc<Vec<T>>) -> &[T]);
        Iter { items: Some(first).into_iter().chain(rest).flatten(), left: self.len }
    }
}

fn chunk_slice<T>(c: &Rc<Vec<T>>) -> &[T] {
    c
}

type Slices<'a, T> = std::iter::Chain<
    std::option::IntoIter<&'a [T]>,
    std::iter::Map<
        std::iter::Skip<std::slice::Iter<'a, Rc<Vec<T>>>>,
        fn(&Rc<Vec<T>>) -> &[T],
    >,
>;

/// The items of a [`History`], oldest first: a walk over its chunks' slices, from both ends
/// and with an exact length, as a `VecDeque`'s (the timeline enumerates and reverses it).
pub struct Iter<'a, T> {
    items: std::iter::Flatten<Slices<'a, T>>,
    left: usize,
}

impl<T> Clone for Iter<'_, T> {
    fn clone(&self) -> Self {
        Iter { items: self.items.clone(), left: self.left }
    }
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        let item = self.items.next()?;
        self.left -= 1;
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<T> DoubleEndedIterator for Iter<'_, T> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let item = self.items.next_back()?;
        self.left -= 1;
        Some(item)
    }
}

impl<T> ExactSizeIterator for Iter<'_, T> {}

impl<T> std::ops::Index<usize> for History<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        self.get(i).expect("history index out of range")
    }
}

impl<'a, T> IntoIterator for &'a History<T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: Clone> Extend<T> for History<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for item in items {
            self.push_back(item);
        }
    }
}

impl<T: Clone> FromIterator<T> for History<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut h = History::default();
        h.extend(items);
        h
    }
}

impl<T: PartialEq> PartialEq for History<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for History<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Serialize> Serialize for History<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de, T: Deserialize<'de> + Clone> Deserialize<'de> for History<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Vec::<T>::deserialize(d)?.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    #[test]
    fn behaves_as_a_bounded_deque_across_chunks_and_clones() {
        let mut h = History::default();
        let mut d = VecDeque::new();
        let mut clones = Vec::new();
        for i in 0..1000u32 {
            h.push_back(i);
            d.push_back(i);
            if h.len() > 150 {
                h.pop_front();
                d.pop_front();
            }
            if i % 37 == 0 {
                clones.push((h.clone(), d.clone()));
            }
            assert_eq!(h.len(), d.len());
            assert!(h.iter().eq(d.iter()));
            assert!(h.iter().rev().eq(d.iter().rev()));
            assert_eq!(h.back(), d.back());
            assert_eq!(h[h.len() / 2], d[d.len() / 2]);
        }
        // A clone never sees what was pushed after it.
        for (h, d) in clones {
            assert!(h.iter().eq(d.iter()));
        }
        while !h.is_empty() {
            h.pop_front();
            d.pop_front();
            assert!(h.iter().eq(d.iter()));
        }
        assert_eq!(h.back(), None);
    }

    #[test]
    fn a_clone_shares_its_chunks() {
        let h: History<u32> = (0..1000).collect();
        let c = h.clone();
        assert!(Rc::ptr_eq(&h.chunks[3], &c.chunks[3]));
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(json, serde_json::to_string(&(0..1000).collect::<Vec<u32>>()).unwrap());
        assert_eq!(serde_json::from_str::<History<u32>>(&json).unwrap(), h);
    }
}
