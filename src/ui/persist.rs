//! Effects of the training session: resume from a link (`#s=…`) or from localStorage,
//! autosave, lesson records, share links to the clipboard, file downloads. Storage that is
//! missing or full is reported once and never stops the app.

use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

use super::state::training::{records_to_string, Records};
use super::state::{Action, Download, Share};
use crate::lessons::share::{self, ScenarioRef};
use super::state::CommandLog;
use crate::sim::SimTime;

const SESSION_KEY: &str = "stagecraft.session";
const RECORDS_KEY: &str = "stagecraft.records";
/// Files larger than this are refused before they are read.
pub const MAX_FILE_BYTES: f64 = 1_048_576.0;

fn storage() -> Result<web_sys::Storage, String> {
    match web_sys::window().map(|w| w.local_storage()) {
        Some(Ok(Some(s))) => Ok(s),
        _ => Err("Storage is turned off or unavailable.".into()),
    }
}

const REFUSED: &str = "Storage is full or refused to save.";

fn save(key: &str, value: &str) -> Result<(), String> {
    storage()?.set_item(key, value).map_err(|_| REFUSED.to_string())
}

/// `Storage.setItem` with a JavaScript string: the autosave's text is put together in
/// JavaScript, outside wasm memory (web-sys's `set_item` takes a `&str` from wasm).
fn save_js(key: &str, value: &js_sys::JsString) -> Result<(), String> {
    let storage = storage()?;
    let refused = |_| REFUSED.to_string();
    let set: js_sys::Function = js_sys::Reflect::get(&storage, &"setItem".into())
        .and_then(|f| f.dyn_into())
        .map_err(refused)?;
    set.call2(&storage, &key.into(), value).map(drop).map_err(refused)
}

const PREVIOUS_KEY: &str = "stagecraft.previous";

/// Opens a `#s=` link from the address (at start, or pasted into this tab later). The
/// session that was here (the autosave) is never lost: it is copied to a "previous session"
/// slot first and offered back, or resumed at once when the link is bad. The link is then
/// taken out of the address so a reload resumes the autosave.
fn open_link(link: &str, dispatch: &Callback<Action>) {
    let saved = storage()
        .ok()
        .and_then(|s| s.get_item(SESSION_KEY).ok().flatten());
    if let Some(text) = &saved {
        let _ = save(PREVIOUS_KEY, text);
    }
    dispatch.emit(Action::OpenedLink {
        link: link.to_string(),
        saved,
    });
    let window = web_sys::window();
    if let (Some(l), Some(h)) = (
        window.as_ref().map(|w| w.location()),
        window.as_ref().and_then(|w| w.history().ok()),
    ) {
        let plain = format!(
            "{}{}",
            l.pathname().unwrap_or_default(),
            l.search().unwrap_or_default()
        );
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&plain));
    }
}

/// A first visit: no link in the address and nothing stored (index.html's script reads
/// the same keys to choose the first screen it paints). Read before the first render, so
/// the welcome is in the first screen, as in the painted HTML the app hydrates. Never in
/// server-side rendering (a `hooks::ServerView` says there).
pub fn is_first_visit() -> bool {
    if !cfg!(target_arch = "wasm32") || link_in_address().is_some() {
        return false;
    }
    storage().is_ok_and(|s| {
        [SESSION_KEY, RECORDS_KEY, "stagecraft.display"]
            .iter()
            .all(|k| s.get_item(k).ok().flatten().is_none())
    })
}

fn link_in_address() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    hash.strip_prefix("#s=").map(str::to_string)
}

/// Once, on mount: a session link in the address wins over the saved session; then the
/// lesson records. Afterwards, a link pasted into this tab (`hashchange`) opens the same way.
#[hook]
pub fn use_resume(dispatch: Callback<Action>) {
    use_effect_with((), move |_| {
        let stored = storage();
        if let Some(link) = link_in_address() {
            open_link(&link, &dispatch);
        } else if let Some(text) = stored
            .as_ref()
            .ok()
            .and_then(|s| s.get_item(SESSION_KEY).ok().flatten())
        {
            dispatch.emit(Action::ResumedSavedSession(text));
        }
        if let Some(text) = stored
            .as_ref()
            .ok()
            .and_then(|s| s.get_item(RECORDS_KEY).ok().flatten())
        {
            dispatch.emit(Action::RestoredRecords(text));
        }
        let listener = web_sys::window().map(|w| {
            gloo::events::EventListener::new(&w, "hashchange", move |_| {
                if let Some(link) = link_in_address() {
                    open_link(&link, &dispatch);
                }
            })
        });
        move || drop(listener)
    });
}

/// What the autosave depends on: the session (by pointer) and the clock in 10-minute steps.
#[derive(Clone)]
pub struct SaveKey {
    pub scenario: Rc<ScenarioRef>,
    pub seed: u64,
    pub log: CommandLog,
    pub now: SimTime,
    /// A saved session or link is waiting for the built-in lessons: saving now would
    /// overwrite it with the free play on screen. Not compared: the end of the wait alone
    /// (a failed fetch) is no reason to save.
    pub waiting: bool,
}

impl PartialEq for SaveKey {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.scenario, &o.scenario)
            && self.seed == o.seed
            && self.log.same(&o.log)
            && self.now.0 / 10 == o.now.0 / 10
    }
}

/// Saves the session after every command and every ten simulated minutes. A failure is
/// reported once. Not on mount (the fresh free play is not worth a save, and the saved
/// session is still being resumed), and not while a session waits for the lessons: until
/// the learner's own first change, the stored session stays what it was, so a resume that
/// failed (offline) works after a reload.
///
/// Only what is new is serialised: the scenario, the seed and the commands already saved
/// are kept as text (`share::SessionText`) while the log grows; an undo, a reset or another
/// session starts the text again. The text's finished pieces are moved into one JavaScript
/// string as they fill, so wasm memory holds only the piece being written (wasm memory
/// never shrinks: the whole text in it grew the page's memory with every command).
#[hook]
pub fn use_autosave(key: SaveKey, dispatch: Callback<Action>) {
    let reported = use_mut_ref(|| false);
    let mounted = use_mut_ref(|| false);
    let written = use_mut_ref(|| None::<Written>);
    use_effect_with(key, move |k| {
        if !std::mem::replace(&mut *mounted.borrow_mut(), true) || k.waiting {
            return;
        }
        let mut written = written.borrow_mut();
        let text = match &mut *written {
            Some(w) if Rc::ptr_eq(&w.scenario, &k.scenario) && w.seed == k.seed && k.log.extends(&w.log) => w,
            _ => written.insert(Written {
                scenario: k.scenario.clone(),
                seed: k.seed,
                log: CommandLog::default(),
                text: share::SessionText::new(&k.scenario, k.seed),
                head: js_sys::JsString::from(""),
            }),
        };
        k.log.iter_with(|commands| text.text.extend(commands));
        text.log = k.log.clone();
        for piece in text.text.take_finished() {
            text.head = text.head.concat(&JsValue::from_str(&piece));
        }
        let whole = text.head.concat(&JsValue::from_str(text.text.rest(k.now)));
        if let Err(why) = save_js(SESSION_KEY, &whole) {
            if !std::mem::replace(&mut *reported.borrow_mut(), true) {
                dispatch.emit(Action::StorageFailed(why));
            }
        }
    });
}

/// The autosave's text so far, and which session and commands it holds.
struct Written {
    scenario: Rc<ScenarioRef>,
    seed: u64,
    log: CommandLog,
    text: share::SessionText,
    /// The text's finished pieces, in order, as one JavaScript string.
    head: js_sys::JsString,
}

/// Stores won / lost per lesson whenever it changes (not the first, empty, value).
#[hook]
pub fn use_records_store(records: Records) {
    let first = use_mut_ref(|| true);
    use_effect_with(records, move |r| {
        if !std::mem::replace(&mut *first.borrow_mut(), false) {
            let _ = save(RECORDS_KEY, &records_to_string(r));
        }
    });
}

/// The address that opens `link`: this page with `#s=<link>`.
pub fn share_url(link: &str) -> String {
    let base = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map(|h| h.split('#').next().unwrap_or_default().to_string())
        .unwrap_or_default();
    format!("{base}#s={link}")
}

/// Copies each new share link to the clipboard (when the browser allows it; the link is
/// also shown in a field to copy by hand).
#[hook]
pub fn use_copy_link(share: Option<Share>) {
    let seq = match &share {
        Some(Share::Link { seq, .. }) => *seq,
        _ => 0,
    };
    use_effect_with(seq, move |_| {
        if let Some(Share::Link { link, .. }) = share {
            let _ = write_clipboard(&share_url(&link));
        }
    });
}

fn write_clipboard(text: &str) -> Option<()> {
    let window: JsValue = web_sys::window()?.into();
    let navigator = js_sys::Reflect::get(&window, &"navigator".into()).ok()?;
    let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into()).ok()?;
    let write: js_sys::Function = js_sys::Reflect::get(&clipboard, &"writeText".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let promise: js_sys::Promise = write
        .call1(&clipboard, &text.into())
        .ok()?
        .dyn_into()
        .ok()?;
    // A refusal (no permission, page not focused) is fine: the link is on screen too.
    let ignore = wasm_bindgen::closure::Closure::<dyn FnMut(JsValue)>::new(|_: JsValue| {});
    let _ = promise.catch(&ignore);
    ignore.forget();
    Some(())
}

/// Saves each requested file: a Blob, an object URL, a click on an `<a download>`.
#[hook]
pub fn use_download(download: Option<Download>) {
    let seq = download.as_ref().map_or(0, |d| d.seq);
    use_effect_with(seq, move |_| {
        if let Some(d) = download {
            let _ = save_file(&d);
        }
    });
}

fn save_file(d: &Download) -> Option<()> {
    let parts = js_sys::Array::of1(&JsValue::from_str(&d.text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(d.mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let document = web_sys::window()?.document()?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    a.set_href(&url);
    a.set_download(&d.file_name);
    a.set_hidden(true);
    document.body()?.append_child(&a).ok()?;
    a.click();
    a.remove();
    let _ = web_sys::Url::revoke_object_url(&url);
    Some(())
}
