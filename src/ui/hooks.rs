//! Effects that live outside the reducer: the clock's timer, keyboard shortcuts, and the
//! stored display preferences. Each owns its handle, so unmounting cancels it.

use gloo::events::{EventListener, EventListenerOptions};
use gloo::storage::Storage;
use gloo::timers::callback::Interval;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::state::{Action, Speed, Theme};

/// While `playing`, dispatch [`Action::ClockTicked`] at the speed's interval. Dropping the
/// `Interval` (on pause, speed change or unmount) cancels it.
#[hook]
pub fn use_clock(playing: bool, speed: Speed, dispatch: Callback<Action>) {
    use_effect_with((playing, speed), move |&(playing, speed)| {
        let timer = playing.then(|| {
            let (ms, _) = speed.interval();
            let bench = bench_performance();
            Interval::new(ms, move || {
                if let Some(p) = &bench {
                    let _ = p.mark(TICK_MARK);
                }
                dispatch.emit(Action::ClockTicked)
            })
        });
        move || drop(timer)
    });
}

const TICK_MARK: &str = "stagecraft-tick";

/// `performance`, only when the frame-cost benchmark (`bench/frames.mjs`) asked for
/// measurements by defining `window.__stagecraftBench` before the app loaded.
fn bench_performance() -> Option<web_sys::Performance> {
    let window = web_sys::window()?;
    js_sys::Reflect::has(&window, &"__stagecraftBench".into())
        .ok()?
        .then_some(())?;
    window.performance()
}

/// After each render of a new world revision, measures "stagecraft-tick": from the clock's
/// timer firing to the rendered DOM (reduce + render + effects), for the benchmark only.
#[hook]
pub fn use_tick_measure(rev: u64) {
    // Looked up once, inside the effect: effects never run in server-side rendering.
    let perf = use_mut_ref(|| None::<Option<web_sys::Performance>>);
    use_effect_with(rev, move |_| {
        if let Some(p) = perf
            .borrow_mut()
            .get_or_insert_with(bench_performance)
            .as_ref()
        {
            if p.get_entries_by_name(TICK_MARK).length() > 0 {
                let _ = p.measure_with_start_mark("stagecraft-tick-cost", TICK_MARK);
                p.clear_marks_with_mark_name(TICK_MARK);
            }
        }
    });
}

/// Whether a key press belongs to the focused control: typing in a text field, choosing in
/// a list, ticking a box or a radio. One rule for Space: it plays and pauses the clock
/// everywhere else, and never presses the focused button (after clicking Commit, Space
/// used to commit again); Enter presses buttons.
fn typing_in(target: Option<web_sys::EventTarget>, key: &str) -> bool {
    let Some(el) = target.and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
        return false;
    };
    let tag = el.tag_name().to_ascii_lowercase();
    if tag == "textarea" || tag == "select" || el.has_attribute("contenteditable") {
        return true;
    }
    if tag == "input" {
        // Space ticks a checkbox or picks a radio; every other key of a box or a radio
        // (digits, p, ?) is still a shortcut.
        let kind = el.get_attribute("type").unwrap_or_default().to_ascii_lowercase();
        return !matches!(kind.as_str(), "checkbox" | "radio") || key == " ";
    }
    false
}

/// The shortcut for a key, if any.
pub fn shortcut(key: &str) -> Option<Action> {
    Some(match key {
        " " => Action::TogglePlay,
        "." => Action::PressedStep,
        "1" => Action::ChoseSpeed(Speed::X1),
        "2" => Action::ChoseSpeed(Speed::X4),
        "3" => Action::ChoseSpeed(Speed::X16),
        "4" => Action::ChoseSpeed(Speed::X64),
        "p" | "P" => Action::TogglePresenter,
        "n" | "N" => Action::PressedNextStepKey,
        "a" | "A" => Action::PressedActorKey,
        "?" => Action::ToggleHelp,
        "Escape" => Action::ClosedHelp,
        _ => return None,
    })
}

/// Space, `.`, 1–4, p, ? and Escape on the document, except while typing.
#[hook]
pub fn use_shortcuts(dispatch: Callback<Action>) {
    use_effect_with((), move |_| {
        let listener = gloo::utils::document_element().owner_document().map(|doc| {
            EventListener::new_with_options(
                &doc,
                "keydown",
                EventListenerOptions::enable_prevent_default(),
                move |e| {
                    let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                        return;
                    };
                    if e.ctrl_key()
                        || e.meta_key()
                        || e.alt_key()
                        || typing_in(e.target(), &e.key())
                    {
                        return;
                    }
                    if let Some(action) = shortcut(&e.key()) {
                        e.prevent_default();
                        dispatch.emit(action);
                    }
                },
            )
        });
        move || drop(listener)
    });
}

const PREFS_KEY: &str = "stagecraft.display";

/// Restores theme and presenter mode once, then stores them whenever they change.
#[hook]
pub fn use_display_prefs(theme: Theme, presenter: bool, dispatch: Callback<Action>) {
    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let stored: Option<String> = gloo::storage::LocalStorage::raw()
                .get_item(PREFS_KEY)
                .ok()
                .flatten();
            if let Some(s) = stored {
                if s.contains("light") {
                    dispatch.emit(Action::ToggleTheme);
                }
                if s.contains("presenter") {
                    dispatch.emit(Action::TogglePresenter);
                }
            }
        });
    }
    let first = use_mut_ref(|| true);
    use_effect_with((theme, presenter), move |&(theme, presenter)| {
        // The first run is the default state: do not overwrite what was stored.
        if std::mem::replace(&mut *first.borrow_mut(), false) {
            return;
        }
        let value = format!(
            "{}{}",
            theme.name(),
            if presenter { " presenter" } else { "" }
        );
        let _ = gloo::storage::LocalStorage::raw().set_item(PREFS_KEY, &value);
    });
}

/// Whether the viewport matches the CSS media `query`, kept up to date as the window is
/// resized or a phone turns. Read once before the first render in the browser, so a phone
/// never draws the wide layout first. In server-side rendering, true for the queries the
/// [`ServerView`] names (none without one).
#[hook]
pub fn use_media(query: &'static str) -> bool {
    #[cfg(not(target_arch = "wasm32"))]
    let assumed = use_context::<ServerView>().is_some_and(|v| v.media.contains(&query));
    #[cfg(target_arch = "wasm32")]
    let assumed = false;
    let matches = use_state_eq(|| assumed || media_list(query).is_some_and(|l| l.matches()));
    {
        let matches = matches.clone();
        use_effect_with(query, move |&query| {
            let listener = media_list(query).map(|list| {
                matches.set(list.matches());
                let target = list.clone();
                EventListener::new(&target, "change", move |_| matches.set(list.matches()))
            });
            move || drop(listener)
        });
    }
    *matches
}

/// What server-side rendering cannot ask a browser: which media queries match and whether
/// this is a first visit. The release build renders the first screen once per layout with
/// it (`examples/first_screen.rs`), so each HTML variant is what the app itself draws at
/// that size. Never provided in the browser.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ServerView {
    /// The media queries that match, e.g. [`crate::ui::components::strip::PHONE_QUERY`].
    pub media: Vec<&'static str>,
    /// Render the first visit's screen (the welcome dialog).
    pub first_visit: bool,
}

fn media_list(query: &str) -> Option<web_sys::MediaQueryList> {
    if !cfg!(target_arch = "wasm32") {
        return None;
    }
    web_sys::window()?.match_media(query).ok().flatten()
}

/// Moves the keyboard focus where the state asks (once per request), scrolling it into view.
#[hook]
pub fn use_focus(request: Option<super::state::FocusRequest>) {
    let seq = request.as_ref().map_or(0, |r| r.seq);
    use_effect_with(seq, move |_| {
        if let Some(r) = request {
            if let Some(e) = gloo::utils::document()
                .get_element_by_id(&r.id)
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = e.focus();
            }
        }
    });
}
