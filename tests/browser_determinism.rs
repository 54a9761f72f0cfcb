//! The determinism contract in wasm32, inside headless Chromium: the reference run must
//! produce exactly the hash the native test checks.
#![cfg(target_arch = "wasm32")]

use stagecraft::sim::driver::reference_hash;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const EXPECTED: &str = include_str!("expected_hash.txt");

#[wasm_bindgen_test]
fn the_reference_run_matches_the_native_hash() {
    let (hash, _) = reference_hash(42, 3);
    assert_eq!(format!("{hash:016x}"), EXPECTED.trim());
}
