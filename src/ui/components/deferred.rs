//! A part of the first screen that the wasm takes over in a task of its own.
//!
//! Hydrating the whole painted screen in one go was one long main-thread task (about
//! 110 ms on a fast machine, 4 × that on a slow phone, much of it V8 compiling each wasm
//! function on its first call): nothing could answer a tap until it ended. Wrapped as
//! `<Suspense><Deferred>…</Deferred></Suspense>`, a region waits during hydration: Yew keeps
//! its painted elements on screen, hydrates a copy of them once the region's turn comes
//! and then puts the copy in their place, identical, so nothing moves. Turns are timer
//! tasks, one region each, in document order, each set once the one before has been
//! handed to Yew's scheduler (which runs everything ready in one go, so regions resumed
//! together would hydrate in one task again). Until then the painted elements are `inert`
//! ([`mark_waiting`]), so no tap lands on something not yet wired up.
//!
//! Regions do not nest: [`mark_waiting`] does not look inside a region, so one inside
//! another would be live before its turn.
//!
//! Only while the app hydrates: a region rendered later (or by server-side rendering, or in
//! a debug build that renders rather than hydrates) shows its children at once.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

use gloo::timers::callback::Timeout;
use yew::prelude::*;
use yew::suspense::{Suspension, SuspensionHandle, SuspensionResult};

thread_local! {
    /// Set by `ui::start` while the first screen's hydration is being set up.
    static HYDRATING: Cell<bool> = const { Cell::new(false) };
    /// The regions waiting for their turn, in document order (the order Yew renders them).
    static WAITING: RefCell<VecDeque<SuspensionHandle>> = const { RefCell::new(VecDeque::new()) };
}

/// From now until the next task, regions that appear wait for a turn of their own.
pub(crate) fn defer_during_hydration() {
    HYDRATING.with(|h| h.set(true));
    Timeout::new(0, || HYDRATING.with(|h| h.set(false))).forget();
}

/// Gives the next waiting region its turn, in a task of its own, and then the one after
/// it: each timer is set once Yew's scheduler has returned (a future queued now runs after
/// the one that hydrates the region just resumed), so it fires after the scheduler's run and
/// any continuation it set for itself, rather than joining them. A region gone before its
/// turn (the layout changed) costs an empty task and does not stop the others.
fn next_turn_later() {
    wasm_bindgen_futures::spawn_local(async {
        Timeout::new(0, || {
            if let Some(handle) = WAITING.with(|w| w.borrow_mut().pop_front()) {
                handle.resume();
                next_turn_later();
            }
        })
        .forget();
    });
}

#[derive(Properties, PartialEq)]
pub struct DeferredProps {
    pub children: Html,
}

/// Its children, after a turn of their own while the app hydrates (see the module).
#[component]
pub fn Deferred(props: &DeferredProps) -> HtmlResult {
    use_turn()?;
    Ok(props.children.clone())
}

/// Suspends the first render during hydration until the region's turn.
#[hook]
fn use_turn() -> SuspensionResult<()> {
    let waiting = use_state(|| {
        HYDRATING.with(Cell::get).then(|| {
            let (suspension, handle) = Suspension::new();
            WAITING.with(|w| w.borrow_mut().push_back(handle));
            suspension
        })
    });
    match &*waiting {
        Some(s) if !s.resumed() => Err(s.clone()),
        _ => Ok(()),
    }
}

/// What Yew's server-side rendering writes before a region's elements (and `</[` after).
const MARKER: &str = "<[stagecraft::ui::components::deferred::Deferred]>";
const END_MARKER: &str = "</[stagecraft::ui::components::deferred::Deferred]>";

/// Makes `inert` the painted elements of the regions still waiting for their turn: those
/// between a region's markers, which stay in the page (Yew hydrates a copy) until the turn
/// comes. Call once the hydration's first pass has run, so the copies stay as painted;
/// then the first region's turn comes.
pub(crate) fn mark_waiting(root: &web_sys::Element) {
    mark(root);
    next_turn_later();
}

fn mark(root: &web_sys::Element) {
    use wasm_bindgen::JsCast;
    // The regions sit a few levels down (the layout, the columns, a monitor's charts).
    fn walk(parent: &web_sys::Node, depth: u32) {
        let mut inside = false;
        let mut node = parent.first_child();
        while let Some(n) = node {
            if n.node_type() == web_sys::Node::COMMENT_NODE {
                let data = n.node_value().unwrap_or_default();
                if data == MARKER {
                    inside = true;
                } else if data == END_MARKER {
                    inside = false;
                }
            } else if let Some(e) = n.dyn_ref::<web_sys::Element>() {
                if inside {
                    let _ = e.set_attribute("inert", "");
                } else if depth < 6 {
                    walk(&n, depth + 1);
                }
            }
            node = n.next_sibling();
        }
    }
    walk(root, 0);
}
