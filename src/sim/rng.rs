//! The engine's seeded generator: `rand_pcg`'s PCG32 (XSH-RR 64/32), with the sampling the
//! engine needs built on its 32-bit output only, so the same seed gives the same numbers on
//! x86_64 and wasm32.
//!
//! A saved world holds the generator as `{"inc": …, "state": …}`, the two integers of the
//! reference implementation, as it did when the generator was our own: sessions saved then
//! still read, and the determinism hash (which covers the saved world) did not change.

use rand_core::Rng;
use serde::{Deserialize, Serialize};

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "Saved", from = "Saved")]
pub struct Pcg32(rand_pcg::Pcg32);

/// The generator as saved: the LCG's state and its increment (always odd: the stream
/// shifted left, plus one).
#[derive(Clone, Copy, Serialize, Deserialize)]
struct Saved {
    state: u64,
    inc: u64,
}

impl From<Pcg32> for Saved {
    fn from(rng: Pcg32) -> Saved {
        Saved {
            state: rng.0.state(),
            inc: (rng.0.stream() << 1) | 1,
        }
    }
}

impl From<Saved> for Pcg32 {
    fn from(s: Saved) -> Pcg32 {
        // `from_state` keeps the state as it is (no seeding step); an even `inc` cannot come
        // from `new`, and loses its low bit here as the reference's `(stream << 1) | 1` would.
        Pcg32(rand_pcg::Pcg32::from_state(s.state, s.inc >> 1))
    }
}

/// The state, as saved, so a failing assertion shows where two generators differ.
impl std::fmt::Debug for Pcg32 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = Saved::from(self.clone());
        write!(f, "Pcg32 {{ state: {}, inc: {} }}", s.state, s.inc)
    }
}

impl Pcg32 {
    /// Seeds a generator the way the reference `pcg32_srandom_r` does.
    pub fn new(seed: u64, stream: u64) -> Self {
        Pcg32(rand_pcg::Pcg32::new(seed, stream))
    }

    pub fn next_u32(&mut self) -> u32 {
        self.0.next_u32()
    }

    /// A uniform number in [0, 1) built from 32 bits; exact on every target because it is
    /// one integer-to-float conversion and one division by a power of two.
    pub fn unit(&mut self) -> f64 {
        // Multiplying by 2^-32 is exact, so this equals dividing by 2^32, without a division.
        f64::from(self.next_u32()) * (1.0 / 4_294_967_296.0)
    }

    /// True with probability `p` (clamped to [0, 1]).
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p.clamp(0.0, 1.0)
    }

    /// A uniform integer in [0, n); n must be at least 1. Uses the multiply-shift method,
    /// so it never samples a platform-sized integer.
    pub fn below(&mut self, n: u32) -> u32 {
        ((u64::from(self.next_u32()) * u64::from(n.max(1))) >> 32) as u32
    }

    /// A uniform number in [lo, hi).
    pub fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_reference_pcg32_demo_output() {
        // Values printed by pcg32-demo from the PCG reference implementation (seed 42, stream 54).
        let mut rng = Pcg32::new(42, 54);
        let got: Vec<u32> = (0..6).map(|_| rng.next_u32()).collect();
        assert_eq!(
            got,
            vec![0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e]
        );
    }

    #[test]
    fn saves_as_state_and_increment_and_reads_back_mid_stream() {
        let mut rng = Pcg32::new(42, 54);
        rng.next_u32();
        // The reference's state after seeding and one draw; the increment is 54 * 2 + 1.
        let text = serde_json::to_string(&rng).unwrap();
        assert_eq!(text, r#"{"state":3118741472915405573,"inc":109}"#);
        let mut back: Pcg32 = serde_json::from_str(&text).unwrap();
        assert_eq!(back, rng);
        assert_eq!(back.next_u32(), 0x7b47f409);
    }

    #[test]
    fn below_stays_in_range_and_unit_is_half_open() {
        let mut rng = Pcg32::new(7, 1);
        for _ in 0..10_000 {
            assert!(rng.below(6) < 6);
            let u = rng.unit();
            assert!((0.0..1.0).contains(&u));
        }
    }
}
