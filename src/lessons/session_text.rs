//! The autosave's text of a session file, built a command at a time.
//!
//! The scenario, the seed and every command already written are kept as text, so saving
//! after one more command (or a few more minutes) serialises only what is new. The text is
//! the compact form of what [`super::share::session_to_string`] writes (keys sorted, as
//! everywhere), and reads back with [`super::share::session_from_str`].
//!
//! Why in pieces: wasm memory is a high-water mark that never shrinks. One buffer holding
//! the whole text doubled as it grew (a 26 KB text after 130 commands sat in a 32 KB
//! block, and while it moved both the 16 KB and the 32 KB blocks were alive), and it stayed
//! in wasm memory for good. Here the commands go into fixed-size pieces; a full piece is
//! finished and never changes again, so the autosave hands it to JavaScript once
//! ([`SessionText::take_finished`]) and wasm keeps only the piece being written.

use super::json;
use super::share::{ScenarioRef, LINK_VERSION, SESSION_KIND};
use crate::sim::replay::LoggedCommand;
use crate::sim::time::SimTime;

/// Bytes of commands per piece (a command is about 200 bytes of text).
const PIECE: usize = 4096;
/// Room for `],"now":<minute>,` after the commands.
const END: usize = 32;

#[derive(Clone, Debug, Default)]
pub struct SessionText {
    /// Finished pieces not handed over yet, in order.
    finished: Vec<String>,
    /// The piece being written: `{"format":…,"kind":…,"log":[` in the first one, then the
    /// commands written so far, comma-separated; after `log_end`, the end of the text as
    /// last written (the minute, the scenario and the seed).
    open: String,
    log_end: usize,
    /// `"scenario":…,"seed":…}` (after `now` in key order).
    tail: String,
    written: usize,
}

impl SessionText {
    pub fn new(scenario: &ScenarioRef, seed: u64) -> SessionText {
        let tail = format!(
            "\"scenario\":{},\"seed\":{}}}",
            json::to_string(scenario),
            json::to_string(&seed)
        );
        let mut open = String::with_capacity(PIECE + END + tail.len());
        open.push_str(&format!("{{\"format\":{LINK_VERSION},\"kind\":\"{SESSION_KIND}\",\"log\":["));
        SessionText { finished: Vec::new(), log_end: open.len(), open, tail, written: 0 }
    }

    /// How many commands are written.
    pub fn written(&self) -> usize {
        self.written
    }

    /// Writes the commands after those already written (`log` starts with them).
    pub fn extend<'a>(&mut self, log: impl IntoIterator<Item = &'a LoggedCommand>) {
        let mut new = log.into_iter().skip(self.written).peekable();
        if new.peek().is_none() {
            return;
        }
        self.open.truncate(self.log_end);
        for command in new {
            let comma = if self.written > 0 { "," } else { "" };
            let text = json::to_string(command);
            // A command that would not fit starts a new piece: the open one is never
            // reallocated (the room after the commands is kept for the end of the text).
            if self.open.len() + comma.len() + text.len() > PIECE {
                let room = PIECE.max(comma.len() + text.len()) + END + self.tail.len();
                let done = std::mem::replace(&mut self.open, String::with_capacity(room));
                self.finished.push(done);
            }
            self.open.push_str(comma);
            self.open.push_str(&text);
            self.written += 1;
        }
        self.log_end = self.open.len();
    }

    /// Hands over the pieces finished since the last call, in order: they never change
    /// again, and the caller keeps them (the autosave, as JavaScript strings). [`Self::rest`]
    /// is what follows them.
    pub fn take_finished(&mut self) -> Vec<String> {
        std::mem::take(&mut self.finished)
    }

    /// The text after every finished piece (handed over or not), at minute `now`.
    pub fn rest(&mut self, now: SimTime) -> &str {
        self.open.truncate(self.log_end);
        self.open.push_str("],\"now\":");
        self.open.push_str(&json::to_string(&now));
        self.open.push(',');
        self.open.push_str(&self.tail);
        &self.open
    }

    /// The whole file's text at minute `now`, for a caller that never takes the finished
    /// pieces (those taken are not in it).
    pub fn text(&mut self, now: SimTime) -> String {
        let mut whole = self.finished.concat();
        whole.push_str(self.rest(now));
        whole
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{ActorId, Command, TraitsChoice};

    fn command(i: u64) -> LoggedCommand {
        LoggedCommand {
            at: SimTime(i * 7),
            actor: ActorId::new("dev"),
            command: Command::Commit { summary: format!("change {i} {}", "x".repeat((i % 300) as usize)).into(), traits: TraitsChoice::Surprise },
        }
    }

    /// Taken pieces and the rest are, in order, the whole text; no piece is reallocated
    /// past its size, and what is taken is never written again.
    #[test]
    fn the_pieces_handed_over_and_the_rest_are_the_whole_text() {
        let scenario = ScenarioRef::Lesson("first-deploy".into());
        let log: Vec<LoggedCommand> = (0..400).map(command).collect();
        let mut whole = SessionText::new(&scenario, 7);
        let mut pieces = SessionText::new(&scenario, 7);
        let mut taken = String::new();
        for n in [0, 1, 2, 50, 51, 200, 400] {
            whole.extend(&log[..n]);
            pieces.extend(&log[..n]);
            for p in pieces.take_finished() {
                assert!(p.len() <= PIECE, "a piece of {} bytes", p.len());
                taken.push_str(&p);
            }
            let now = SimTime(n as u64 * 7);
            assert_eq!(format!("{taken}{}", pieces.rest(now)), whole.text(now));
        }
        assert!(taken.len() > 10 * PIECE / 2, "pieces were finished and handed over");
        assert!(pieces.open.capacity() <= PIECE + END + pieces.tail.len());
    }
}
