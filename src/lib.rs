//! Stagecraft: a deterministic release-pipeline simulator (`sim`), the lessons that
//! drive it (`lessons`), and the Yew app that makes it visible (`ui`).
//! Imports point one way only: `ui` → `lessons` → `sim`.

pub mod lessons;
pub mod sim;
pub mod ui;
