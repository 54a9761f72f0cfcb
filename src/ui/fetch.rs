//! Fetching the built-in lessons (`dist/lessons/<id>.json`, copied there by trunk) when
//! the reducer asks for them. Builds with the `bundled-lessons` feature (the in-browser
//! tests) answer from the compiled-in texts instead, through the same action.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use super::state::{Action, LibraryState};
use crate::lessons;

/// Fetches the lessons whenever the library turns `Loading`.
#[hook]
pub fn use_lesson_library(library: &LibraryState, dispatch: Callback<Action>) {
    let loading = matches!(library, LibraryState::Loading);
    use_effect_with(loading, move |&loading| {
        if loading {
            load_lessons(dispatch);
        }
    });
}

/// Fetches the lessons (or takes the compiled-in texts) and answers with `LessonsArrived`.
pub(crate) fn load_lessons(dispatch: Callback<Action>) {
    let bundled = lessons::bundled_files();
    if bundled.is_empty() {
        wasm_bindgen_futures::spawn_local(async move {
            dispatch.emit(Action::LessonsArrived(fetch_all().await));
        });
    } else {
        let files = bundled
            .into_iter()
            .map(|(id, text)| (id.to_string(), text.to_string()))
            .collect();
        dispatch.emit(Action::LessonsArrived(Ok(files)));
    }
}

/// Every built-in lesson, requested at once, read in order.
async fn fetch_all() -> Result<Vec<(String, String)>, String> {
    let window = web_sys::window().ok_or("there is no browser window")?;
    let wanted = lessons::ids();
    let requests: Vec<_> = wanted
        .iter()
        .map(|id| window.fetch_with_str(&format!("lessons/{id}.json")))
        .collect();
    // Every request is awaited even after one fails: a promise left alone would reject
    // unhandled, an error in the console for nothing.
    let mut files = Vec::with_capacity(wanted.len());
    let mut first_error = None;
    for (id, request) in wanted.iter().zip(requests) {
        match fetch_text(id, request).await {
            Ok(text) => files.push((id.to_string(), text)),
            Err(e) => first_error = first_error.or(Some(e)),
        }
    }
    first_error.map_or(Ok(files), Err)
}

async fn fetch_text(id: &str, request: js_sys::Promise) -> Result<String, String> {
    let offline = |_| {
        format!("lessons/{id}.json could not be fetched. Check the connection to the server, then try again.")
    };
    let response: web_sys::Response = JsFuture::from(request)
        .await
        .map_err(offline)?
        .unchecked_into();
    if !response.ok() {
        return Err(format!(
            "the server answered {} for lessons/{id}.json.",
            response.status()
        ));
    }
    let text = JsFuture::from(response.text().map_err(offline)?)
        .await
        .map_err(offline)?;
    text.as_string()
        .ok_or_else(|| format!("lessons/{id}.json is not text."))
}

/// The trainer's guide (`dist/docs/TRAINERS-GUIDE.md`, copied there by trunk), fetched when it is
/// first opened so its text is not part of the first download. Builds with the
/// `bundled-lessons` feature (tests) carry it compiled in.
pub async fn guide_text() -> Result<String, String> {
    #[cfg(feature = "bundled-lessons")]
    return Ok(include_str!("../../docs/TRAINERS-GUIDE.md").to_string());
    #[cfg(not(feature = "bundled-lessons"))]
    {
        let window = web_sys::window().ok_or("there is no browser window")?;
        let offline = |_| "docs/TRAINERS-GUIDE.md could not be fetched. Check the connection to the server, then open the guide again.".to_string();
        let response: web_sys::Response = JsFuture::from(window.fetch_with_str(GUIDE_FILE))
            .await
            .map_err(offline)?
            .unchecked_into();
        if !response.ok() {
            return Err(format!("the server answered {} for {GUIDE_FILE}.", response.status()));
        }
        let text = JsFuture::from(response.text().map_err(offline)?).await.map_err(offline)?;
        text.as_string().ok_or_else(|| format!("{GUIDE_FILE} is not text."))
    }
}

#[cfg(not(feature = "bundled-lessons"))]
const GUIDE_FILE: &str = "docs/TRAINERS-GUIDE.md";
