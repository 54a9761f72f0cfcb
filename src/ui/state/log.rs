//! The session's timed command log, as the app holds it.
//!
//! Every state the reducer hands to Yew keeps its own view of the log (the previous state
//! stays alive while the next is built, and hooks keep theirs as dependencies), so an
//! `Rc<Vec<_>>` with `make_mut` copied the whole log on every command: a long class day
//! grew wasm memory with each one. Here every view shares one append-only buffer and
//! remembers its own length. Appending to the newest view pushes in place; only a view that
//! was cut short (undo, then a new command) copies its prefix into a buffer of its own, so
//! no view ever sees entries that were not in it when it was made.
//!
//! The buffer is a list of fixed-size chunks, not one `Vec`: wasm memory is a high-water
//! mark that never shrinks, and a `Vec` doubling as the log grew held twice its commands'
//! room (and, while it moved, the old block too) after a long class day.

use std::cell::{Ref, RefCell};
use std::ops::Deref;
use std::rc::Rc;

use crate::sim::replay::LoggedCommand;
use crate::sim::SimTime;

/// Commands per chunk; each chunk is allocated once at this size.
const CHUNK: usize = 32;

#[derive(Clone, Default)]
pub struct CommandLog {
    buffer: Rc<RefCell<Vec<Vec<LoggedCommand>>>>,
    len: usize,
}

/// The commands of a view, oldest first, as one slice: borrowed from the shared buffer when
/// they lie in its first chunk (a lesson's log, always), copied otherwise.
pub enum Commands<'a> {
    Borrowed(Ref<'a, [LoggedCommand]>),
    Copied(Vec<LoggedCommand>),
}

impl Deref for Commands<'_> {
    type Target = [LoggedCommand];
    fn deref(&self) -> &[LoggedCommand] {
        match self {
            Commands::Borrowed(r) => r,
            Commands::Copied(v) => v,
        }
    }
}

impl CommandLog {
    pub fn new(log: Vec<LoggedCommand>) -> Self {
        let mut view = CommandLog::default();
        for command in log {
            view.push(command);
        }
        view
    }

    /// Appends `command`. Earlier commands are copied only if another view already appended
    /// past this one's end (this view was cut short and is now growing a different branch).
    pub fn push(&mut self, command: LoggedCommand) {
        if self.buffer_len() != self.len {
            let prefix = self.iter_with(|commands| commands.cloned().collect::<Vec<_>>());
            *self = CommandLog::new(prefix);
        }
        let mut chunks = self.buffer.borrow_mut();
        match chunks.last_mut() {
            Some(last) if last.len() < CHUNK => last.push(command),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(command);
                chunks.push(chunk);
            }
        }
        drop(chunks);
        self.len += 1;
    }

    /// Runs `f` on this view's commands, oldest first, without copying them. Hold nothing
    /// from them past `f`: a `push` on another view of the same buffer would then panic.
    pub fn iter_with<R>(&self, f: impl FnOnce(&mut dyn Iterator<Item = &LoggedCommand>) -> R) -> R {
        let chunks = self.buffer.borrow();
        f(&mut chunks.iter().flatten().take(self.len))
    }

    /// The commands of this view as one slice (see [`Commands`]). Hold it only while
    /// reading, as with [`Self::iter_with`].
    pub fn as_slice(&self) -> Commands<'_> {
        if self.len <= CHUNK {
            let len = self.len;
            Commands::Borrowed(Ref::map(self.buffer.borrow(), |c| c.first().map_or(&[][..], |c| &c[..len])))
        } else {
            Commands::Copied(self.to_vec())
        }
    }

    pub fn to_vec(&self) -> Vec<LoggedCommand> {
        self.iter_with(|commands| commands.cloned().collect())
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// When the last command was given.
    pub fn last_at(&self) -> Option<SimTime> {
        let i = self.len.checked_sub(1)?;
        self.buffer.borrow().get(i / CHUNK).and_then(|c| c.get(i % CHUNK)).map(|c| c.at)
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
        self.buffer.borrow().iter().map(Vec::len).sum()
    }
}

impl PartialEq for CommandLog {
    fn eq(&self, other: &Self) -> bool {
        self.same(other) || (self.len == other.len && self.iter_with(|a| other.iter_with(|b| a.eq(b))))
    }
}

impl std::fmt::Debug for CommandLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.iter_with(|commands| f.debug_list().entries(commands).finish())
    }
}
