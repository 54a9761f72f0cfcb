//! Decimal text to the nearest `f64`, exactly (ties to even), without Rust's own parser.
//!
//! Why: `str::parse::<f64>` is exact too, but it links a 12 KB table of powers of five
//! into the wasm bundle (about 9 KB gzip). Here short numbers, which is nearly all of
//! them, take the exact fast path (Clinger: at most 2^53 with at most 22 powers of ten,
//! one rounding); longer ones start from an estimate and step to the right neighbour by
//! comparing the decimal with midpoints between doubles in exact big-integer arithmetic.
//! `tests/json_format.rs` checks it against `str::parse` on random inputs.

use std::cmp::Ordering;

/// `digits` (ASCII, may be empty or have leading zeros) × 10^`exp10`, as the nearest
/// double; `None` when it is too large for one.
pub fn decimal_to_f64(negative: bool, digits: &[u8], exp10: i64) -> Option<f64> {
    let digits = trim_zeros(digits);
    let sign = if negative { -1.0 } else { 1.0 };
    if digits.is_empty() {
        return Some(sign * 0.0);
    }
    // Quick bounds: 10^(n+e-1) <= value < 10^(n+e).
    let magnitude = digits.len() as i64 + exp10;
    if magnitude > 310 {
        return None;
    }
    if magnitude < -330 {
        return Some(sign * 0.0);
    }
    if digits.len() <= 15 && exp10.abs() <= 22 {
        let m = digits
            .iter()
            .fold(0u64, |a, d| a * 10 + u64::from(d - b'0'));
        let p = pow10(exp10.unsigned_abs() as u32);
        let x = if exp10 >= 0 {
            m as f64 * p
        } else {
            m as f64 / p
        };
        return Some(sign * x);
    }
    // No double needs more than 767 significant digits to be told from its neighbours'
    // midpoints, so beyond 800 a last digit 1 stands for "a little more" (or nothing, if
    // the rest is zeros). This keeps a hostile file's million-digit number fast.
    if digits.len() > MAX_DIGITS {
        let (head, rest) = digits.split_at(MAX_DIGITS);
        let mut kept = head.to_vec();
        let mut exp10 = exp10 + rest.len() as i64;
        if rest.iter().any(|d| *d != b'0') {
            kept.push(b'1');
            exp10 -= 1;
        }
        return nearest(&kept, exp10).map(|x| sign * x);
    }
    nearest(digits, exp10).map(|x| sign * x)
}

const MAX_DIGITS: usize = 800;

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let start = digits
        .iter()
        .position(|d| *d != b'0')
        .unwrap_or(digits.len());
    &digits[start..]
}

/// 10^k exactly for k <= 22; an estimate above.
fn pow10(k: u32) -> f64 {
    let mut p = 1.0;
    for _ in 0..k {
        p *= 10.0;
    }
    p
}

/// The slow path: an estimate, then exact comparisons with the midpoints around it.
fn nearest(digits: &[u8], exp10: i64) -> Option<f64> {
    // Estimate from the first 17 digits, within a few units in the last place.
    let head = &digits[..digits.len().min(17)];
    let m = head.iter().fold(0u64, |a, d| a * 10 + u64::from(d - b'0'));
    let e = exp10 + (digits.len() - head.len()) as i64;
    let mut x = m as f64;
    let (mut k, up) = (e.unsigned_abs(), e >= 0);
    while k > 0 {
        let step = k.min(22);
        let p = pow10(step as u32);
        x = if up { x * p } else { x / p };
        k -= step;
    }
    // An estimate past the largest double starts from it; the steps decide the rest.
    if x.is_infinite() {
        x = f64::MAX;
    }
    let input = Decimal::new(digits, exp10);
    for _ in 0..64 {
        // Above the midpoint to the next double: go up (past the largest: too large).
        match input.cmp_midpoint_above(x) {
            Ordering::Greater => {
                if x == f64::MAX {
                    return None;
                }
                x = f64::from_bits(x.to_bits() + 1);
                continue;
            }
            Ordering::Equal => {
                if x == f64::MAX {
                    return None;
                }
                return Some(even(x, f64::from_bits(x.to_bits() + 1)));
            }
            Ordering::Less => {}
        }
        if x == 0.0 {
            return Some(x);
        }
        let below = f64::from_bits(x.to_bits() - 1);
        match input.cmp_midpoint_above(below) {
            Ordering::Less => x = below,
            Ordering::Equal => return Some(even(below, x)),
            Ordering::Greater => return Some(x),
        }
    }
    Some(x)
}

/// Of two neighbouring doubles, the one with an even mantissa.
fn even(a: f64, b: f64) -> f64 {
    if a.to_bits() % 2 == 0 {
        a
    } else {
        b
    }
}

/// The exact decimal being read: digits × 10^exp10.
struct Decimal {
    digits: Big,
    exp10: i64,
}

impl Decimal {
    fn new(digits: &[u8], exp10: i64) -> Decimal {
        let mut big = Big(vec![]);
        for d in digits {
            big.mul_add(10, u32::from(d - b'0'));
        }
        Decimal { digits: big, exp10 }
    }

    /// How this decimal compares with the point halfway between `x` (finite, >= 0) and the
    /// next double up.
    fn cmp_midpoint_above(&self, x: f64) -> Ordering {
        let bits = x.to_bits();
        let exp_bits = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1 << 52) - 1);
        let (mantissa, exp2) = if exp_bits == 0 {
            (frac, -1074)
        } else {
            (frac | (1 << 52), exp_bits - 1075)
        };
        // Midpoint = (2m + 1) × 2^(e - 1). Input = d × 5^k × 2^k with k = exp10.
        let mut left = self.digits.clone();
        let mut right = Big(vec![]);
        right.add_u64(2 * mantissa + 1);
        if self.exp10 >= 0 {
            left.mul_pow5(self.exp10 as u32);
        } else {
            right.mul_pow5((-self.exp10) as u32);
        }
        // Both sides are now integers times a power of two: line the powers up.
        let (left_twos, right_twos) = (self.exp10, exp2 - 1);
        if left_twos > right_twos {
            left.shl((left_twos - right_twos) as u32);
        } else {
            right.shl((right_twos - left_twos) as u32);
        }
        left.cmp(&right)
    }
}

/// A non-negative big integer, 32-bit limbs, least significant first, no leading zeros.
#[derive(Clone)]
struct Big(Vec<u32>);

impl Big {
    fn mul_add(&mut self, m: u32, add: u32) {
        let mut carry = u64::from(add);
        for limb in &mut self.0 {
            let v = u64::from(*limb) * u64::from(m) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn add_u64(&mut self, n: u64) {
        let mut carry = n;
        let mut i = 0;
        while carry > 0 {
            if i == self.0.len() {
                self.0.push(0);
            }
            let v = u64::from(self.0[i]) + (carry & 0xffff_ffff);
            self.0[i] = v as u32;
            carry = (carry >> 32) + (v >> 32);
            i += 1;
        }
    }

    fn mul_pow5(&mut self, mut k: u32) {
        // 5^13 is the largest power of five below 2^32.
        while k >= 13 {
            self.mul_add(1_220_703_125, 0);
            k -= 13;
        }
        if k > 0 {
            self.mul_add(5u32.pow(k), 0);
        }
    }

    fn shl(&mut self, bits: u32) {
        let (words, bits) = ((bits / 32) as usize, bits % 32);
        if bits > 0 {
            let mut carry = 0u32;
            for limb in &mut self.0 {
                let v = (*limb << bits) | carry;
                carry = *limb >> (32 - bits);
                *limb = v;
            }
            if carry > 0 {
                self.0.push(carry);
            }
        }
        if !self.0.is_empty() {
            self.0.splice(0..0, std::iter::repeat_n(0, words));
        }
    }

    fn cmp(&self, other: &Big) -> Ordering {
        let (a, b) = (self.trimmed(), other.trimmed());
        a.len()
            .cmp(&b.len())
            .then_with(|| a.iter().rev().cmp(b.iter().rev()))
    }

    fn trimmed(&self) -> &[u32] {
        let end = self.0.iter().rposition(|l| *l != 0).map_or(0, |i| i + 1);
        &self.0[..end]
    }
}
