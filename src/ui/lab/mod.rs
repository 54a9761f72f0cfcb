//! The strategy lab in the browser ("What are the odds?"): one scenario, two policies, many
//! seeds, and the spread of what happened, side by side. The runs themselves are the
//! lab's pure core (`crate::lab`); here they execute in web workers (`worker.rs`, spawned
//! and fed by the hook in `pool.rs`), the lab view has its own reducer (`state.rs`), and
//! the results are drawn as histograms on shared axes (`chart.rs`), each bucket one click
//! from that exact run in the simulator.
//!
//! None of this runs on the app's first screen: the panel is mounted only when the lab
//! opens, and the runs' engine work lives in the worker's own wasm (`dist/lab/`), fetched
//! when the lab opens (`pool.rs` starts the next run's workers then). Closed, the lab's
//! state waits in `kept.rs` for it to open again.

pub mod chart;
pub mod form;
pub mod kept;
pub mod lesson_view;
pub mod panel;
pub mod policy_file;
pub mod policy_view;
pub mod pool;
pub mod state;
pub mod worker;

pub use kept::KeptLab;
pub use panel::LabPanel;

use crate::lab::Arm;

/// Both arms, A first.
pub const ARMS: [Arm; 2] = [Arm::A, Arm::B];

pub fn arm_index(arm: Arm) -> usize {
    match arm {
        Arm::A => 0,
        Arm::B => 1,
    }
}

/// For ids and class names.
pub fn arm_key(arm: Arm) -> &'static str {
    match arm {
        Arm::A => "a",
        Arm::B => "b",
    }
}
