//! The session's command log as the app holds it (`CommandLog`): every state Yew keeps
//! alive shares one buffer, so a command appends in place instead of copying the log, and
//! undo never lets an old state see commands that came after it.
#![cfg(not(target_arch = "wasm32"))]

use stagecraft::sim::TraitsChoice;
use stagecraft::ui::state::{Action, AppState};
use std::rc::Rc;
use yew::Reducible;

fn commit(s: &Rc<AppState>, n: usize) -> Rc<AppState> {
    s.clone().reduce(Action::SubmittedCommit { summary: format!("change {n}"), traits: TraitsChoice::Surprise })
}

#[test]
fn a_command_appends_to_the_shared_log_without_copying_it_while_old_states_stay_alive() {
    let mut states = vec![Rc::new(AppState::default())];
    for n in 1..=200 {
        let next = commit(states.last().unwrap(), n);
        states.push(next);
    }
    let last = states.last().unwrap();
    assert_eq!(last.log.len(), 200);
    // One buffer for all 201 states: no state's append copied the commands before it.
    assert_eq!(last.log.buffer_len(), 200);
    for (n, s) in states.iter().enumerate() {
        assert_eq!(s.log.len(), n, "each state keeps its own length");
        assert_eq!(s.log.buffer_len(), 200, "state {n} shares the one buffer");
        assert_eq!(*s.log.as_slice(), last.log.as_slice()[..n], "and sees exactly its own commands");
    }
}

#[test]
fn after_undo_a_new_command_starts_its_own_log_and_the_old_states_keep_theirs() {
    let s0 = Rc::new(AppState::default());
    let s1 = commit(&s0, 1);
    let s2 = commit(&s1, 2);
    let undone = s2.clone().reduce(Action::ClickedUndo);
    assert_eq!(undone.log.len(), 1);
    let other = commit(&undone, 3);
    assert_eq!(other.log.len(), 2);
    // The branch after undo does not see "change 2", and the state before undo still does.
    let summary = |s: &AppState, i: usize| match &s.log.as_slice()[i].command {
        stagecraft::sim::Command::Commit { summary, .. } => summary.to_string(),
        c => panic!("not a commit: {c:?}"),
    };
    assert_eq!(summary(&other, 1), "change 3");
    assert_eq!(summary(&s2, 1), "change 2");
    assert_eq!(s2.log.len(), 2);
    assert_ne!(other.log, s2.log);
    // Appending to a state whose log another state already extended branches off too.
    let sibling = commit(&s1, 4);
    assert_eq!(summary(&sibling, 1), "change 4");
    assert_eq!(summary(&s2, 1), "change 2");
}
