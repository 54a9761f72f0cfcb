//! The built-in lessons: ids always, texts only with the `bundled-lessons` feature (see
//! `build.rs`). The web app fetches them instead, into a [`super::Library`].

include!(concat!(env!("OUT_DIR"), "/builtin_lessons.rs"));
