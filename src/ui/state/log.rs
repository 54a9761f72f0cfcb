//! The session's timed command log, as the app holds it.
//!
//! Every state the reducer hands to Yew keeps its own view of the log (the previous state
//! stays alive while the next is built, and hooks keep theirs as dependencies), so an
//! `Rc<Vec<_>>` with `make_mut` copied the whole log on every command: a long class day
//! grew wasm memory with each one. Here every view shares one append-only buffer and
//! remembers its own length. Appending to the newest view pushes in place; only a view that
//! was cut short (undo, then a new command) copies its prefix into a buffer of its own, so
//! no view ever sees entries that were not in it when it was made.

use std::cell::{Ref, RefCell};
use std::rc::Rc;

use crate::sim::replay::LoggedCommand;
use crate::sim::SimTime;

#[derive(Clone, Default)]
pub struct CommandLog {
    buffer: Rc<RefCell<Vec<LoggedCommand>>>,
    len: usize,
}

impl CommandLog {
    pub fn new(log: Vec<LoggedCommand>) -> Self {
        let len = log.len();
        CommandLog { buffer: Rc::new(RefCell::new(log)), len }
    }

    /// Appends `command`. Earlier commands are copied only if another view already appended
    /// past this one's end (this view was cut short and is now growing a different branch).
    pub fn push(&mut self, command: LoggedCommand) {
        if self.buffer.borrow().len() != self.len {
            let prefix = self.buffer.borrow()[..self.len].to_vec();
            self.buffer = Rc::new(RefCell::new(prefix));
        }
        self.buffer.borrow_mut().push(command);
        self.len += 1;
    }

    /// The commands of this view. Hold the borrow only while reading: a `push` on another
    /// view of the same buffer while it is held would panic.
    pub fn as_slice(&self) -> Ref<'_, [LoggedCommand]> {
        Ref::map(self.buffer.borrow(), |b| &b[..self.len])
    }

    pub fn to_vec(&self) -> Vec<LoggedCommand> {
        self.as_slice().to_vec()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// When the last command was given.
    pub fn last_at(&self) -> Option<SimTime> {
        self.as_slice().last().map(|c| c.at)
    }

    /// The same commands, cheaply: both views share a buffer and have the same length. Views
    /// that share a buffer agree on every entry below their lengths.
    pub fn same(&self, other: &CommandLog) -> bool {
        Rc::ptr_eq(&self.buffer, &other.buffer) && self.len == other.len
    }

    /// Whether this view holds every command of `earlier` and maybe more after them (it
    /// shares `earlier`'s buffer and is at least as long), so what was done with `earlier`'s
    /// commands (the autosave's text of them) still holds.
    pub fn extends(&self, earlier: &CommandLog) -> bool {
        Rc::ptr_eq(&self.buffer, &earlier.buffer) && self.len >= earlier.len
    }

    /// A cheap key for memoising on the log (buffer address, length).
    pub fn key(&self) -> (usize, usize) {
        (Rc::as_ptr(&self.buffer) as *const () as usize, self.len)
    }

    /// How many commands the shared buffer holds in all (for tests: no copy was made).
    #[doc(hidden)]
    pub fn buffer_len(&self) -> usize {
        self.buffer.borrow().len()
    }
}

impl PartialEq for CommandLog {
    fn eq(&self, other: &Self) -> bool {
        self.same(other) || *self.as_slice() == *other.as_slice()
    }
}

impl std::fmt::Debug for CommandLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.as_slice().iter()).finish()
    }
}
