//! The built-in lessons as the root reducer sees them. The web app does not carry their
//! texts in its first download: opening the picker, or a link or file that names a built-in
//! lesson, asks for them (`LibraryState::Loading`); the `use_lesson_library` hook fetches them
//! and reports back with `Action::LessonsArrived`. A session that needed them waits in
//! `pending` meanwhile and opens once they are here.

use std::rc::Rc;

use super::training::FREE_PLAY;
use super::{Action, AppState};
use crate::lessons::share::{ScenarioRef, SharedSession};
use crate::lessons::{Lesson, Library, Problem};

#[derive(Clone, Debug, Default)]
pub enum LibraryState {
    /// Nothing asked for them yet.
    #[default]
    NotLoaded,
    /// The hook is fetching them.
    Loading,
    Ready(Rc<Library>),
    /// The fetch failed (offline, a host without the files); "Try again" asks again.
    Failed(String),
}

/// The library is compared by pointer (it never changes once read), so the picker's props
/// compare in constant time on every render, not lesson by lesson.
impl PartialEq for LibraryState {
    fn eq(&self, o: &Self) -> bool {
        match (self, o) {
            (LibraryState::NotLoaded, LibraryState::NotLoaded)
            | (LibraryState::Loading, LibraryState::Loading) => true,
            (LibraryState::Ready(a), LibraryState::Ready(b)) => Rc::ptr_eq(a, b),
            (LibraryState::Failed(a), LibraryState::Failed(b)) => a == b,
            _ => false,
        }
    }
}

impl LibraryState {
    pub fn library(&self) -> Option<&Library> {
        match self {
            LibraryState::Ready(l) => Some(l),
            _ => None,
        }
    }
}

/// A session that names a built-in lesson, waiting for the library. `title` says what
/// failed if it cannot open.
#[derive(Clone, Debug, PartialEq)]
pub struct Pending {
    pub session: SharedSession,
    pub title: String,
}

impl AppState {
    /// Handles `LessonsArrived` and `RetriedLessons`.
    pub(super) fn reduce_library(&mut self, action: Action) {
        match action {
            Action::RetriedLessons => self.want_library(),
            Action::LessonsArrived(Ok(files)) => {
                let (library, problems) = Library::read(files);
                if !problems.is_empty() {
                    let title = format!(
                        "{} built-in lesson file(s) could not be read; the others are available.",
                        problems.len()
                    );
                    self.problems(&title, &problems);
                }
                self.library = LibraryState::Ready(Rc::new(library));
                if let Some(p) = self.pending.take() {
                    self.open_or_wait(p.session, p.title);
                }
                if let Some(id) = self.pick_after_load.take() {
                    self.reduce_training(Action::PickedLesson(id));
                }
            }
            Action::LessonsArrived(Err(why)) => {
                self.library = LibraryState::Failed(why.clone());
                if self.pick_after_load.take().is_some() {
                    self.notify(
                        "The first lesson could not be started.".into(),
                        vec![format!("The built-in lessons could not be loaded: {why}"), "Try “Choose a lesson” again in a moment.".into()],
                    );
                }
                if let Some(p) = self.pending.take() {
                    self.notify(
                        p.title,
                        vec![format!("The built-in lessons could not be loaded: {why}")],
                    );
                }
            }
            _ => {}
        }
    }

    /// Asks the hook for the built-in lessons unless they are here or on their way.
    pub(super) fn want_library(&mut self) {
        if matches!(
            self.library,
            LibraryState::NotLoaded | LibraryState::Failed(_)
        ) {
            self.library = LibraryState::Loading;
        }
    }

    /// A built-in lesson, from the library (free play is always compiled in).
    pub(super) fn builtin(&self, id: &str) -> Result<Lesson, Vec<Problem>> {
        if id == FREE_PLAY {
            return crate::lessons::load(id);
        }
        match self.library.library().and_then(|l| l.get(id)) {
            Some(lesson) => Ok(lesson.clone()),
            None => crate::lessons::load(id),
        }
    }

    /// Opens `session` now, or once the library arrives if it names a built-in lesson that
    /// is not here yet. Problems are reported under `title`; the current session stays.
    pub(super) fn open_or_wait(&mut self, session: SharedSession, title: String) {
        if let ScenarioRef::Lesson(id) = &session.scenario {
            if id != FREE_PLAY && self.library.library().is_none() {
                self.want_library();
                self.pending = Some(Pending { session, title });
                return;
            }
        }
        if let Err(p) = self.open_shared(session) {
            self.problems(&title, &p);
        }
    }
}
