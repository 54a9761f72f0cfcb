//! A float-to-unsigned conversion that gives exactly what `as` gives, in fewer instructions
//! on baseline x86-64 (the native build's target), which has no unsigned conversion: there
//! `f64 as u64` compiles to about sixteen instructions, the signed one to a few. Every value
//! the engine converts fits a signed integer, so the unsigned fallback (kept, so the result
//! is the same for any input) is not taken. (The same trick for `u64 as f64` does not pay:
//! the optimiser folds it back into the unsigned conversion.)

/// `x as u64`: truncation towards zero, saturating, NaN to 0. Below 2^63 the signed
/// conversion truncates the same way (a negative value then clamps to 0, as `as u64` does);
/// NaN and larger values fail the comparison and take the unsigned conversion.
#[inline]
pub fn f64_to_u64(x: f64) -> u64 {
    if x < 9_223_372_036_854_775_808.0 {
        (x as i64).max(0) as u64
    } else {
        x as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_match_as_casts() {
        let floats = [
            0.0, -0.0, 0.4, 0.99, 1.0, 1.5, -0.5, -1.0, -1e300, 123456.789, 4294967295.7,
            9_007_199_254_740_993.0, 9.2e18, 9_223_372_036_854_775_807.0,
            9_223_372_036_854_775_808.0, 1.8e19, 1.8446744073709552e19, 1e300, f64::MAX,
            f64::INFINITY, f64::NEG_INFINITY, f64::NAN, f64::MIN_POSITIVE,
        ];
        for x in floats {
            assert_eq!(f64_to_u64(x), x as u64, "{x}");
        }
    }
}
