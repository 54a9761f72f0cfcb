//! Stagecraft: a deterministic release-pipeline simulator (`sim`), the lessons that
//! drive it (`lessons`), the strategy lab that runs them by the thousand (`lab`), and the
//! Yew app that makes it visible (`ui`).
//! Imports point one way only: `ui` → `lab` → `lessons` → `sim`.

pub mod lab;
pub mod lessons;
pub mod sim;
pub mod ui;
