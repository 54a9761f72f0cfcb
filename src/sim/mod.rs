//! The simulation engine. Pure and deterministic: it imports nothing from yew, web-sys,
//! gloo, wasm-bindgen or js-sys, and never reads a clock.
