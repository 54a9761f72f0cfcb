//! A portable PCG32 (XSH-RR 64/32) generator. We implement it ourselves so that the exact
//! bit stream is part of our code: the same seed gives the same numbers on x86_64 and wasm32,
//! and the state serialises as two plain integers.

use crate::json::{FromJson, ToJson};

const MULTIPLIER: u64 = 6_364_136_223_846_793_005;

#[derive(Clone, Debug, PartialEq, Eq, ToJson, FromJson)]
pub struct Pcg32 {
    state: u64,
    inc: u64,
}

impl Pcg32 {
    /// Seeds a generator the way the reference `pcg32_srandom_r` does.
    pub fn new(seed: u64, stream: u64) -> Self {
        let mut rng = Pcg32 {
            state: 0,
            inc: (stream << 1) | 1,
        };
        rng.next_u32();
        rng.state = rng.state.wrapping_add(seed);
        rng.next_u32();
        rng
    }

    pub fn next_u32(&mut self) -> u32 {
        let old = self.state;
        self.state = old.wrapping_mul(MULTIPLIER).wrapping_add(self.inc);
        let xorshifted = (((old >> 18) ^ old) >> 27) as u32;
        let rot = (old >> 59) as u32;
        xorshifted.rotate_right(rot)
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
    fn below_stays_in_range_and_unit_is_half_open() {
        let mut rng = Pcg32::new(7, 1);
        for _ in 0..10_000 {
            assert!(rng.below(6) < 6);
            let u = rng.unit();
            assert!((0.0..1.0).contains(&u));
        }
    }
}
