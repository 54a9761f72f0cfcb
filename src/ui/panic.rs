//! A panic must never leave a silently dead page: log it, and show it in an alert panel.

use wasm_bindgen::JsValue;

/// Id of the panel. `index.html` ships it hidden; [`report_panic`] creates it if missing.
pub const PANIC_PANEL_ID: &str = "panic-panel";

/// Route every panic to [`report_panic`]. Works with `panic = "abort"`: the hook runs first.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| report_panic(&info.to_string())));
}

/// Log `message` to the console and show it in the `role="alert"` panel.
///
/// The message goes in as text (`textContent`), never as markup.
pub fn report_panic(message: &str) {
    web_sys::console::error_1(&JsValue::from_str(&format!(
        "Stagecraft crashed: {message}"
    )));

    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let panel = match document.get_element_by_id(PANIC_PANEL_ID) {
        Some(panel) => panel,
        None => {
            let Ok(panel) = document.create_element("div") else {
                return;
            };
            panel.set_id(PANIC_PANEL_ID);
            let _ = panel.set_attribute("class", "panic-panel");
            let _ = panel.set_attribute("role", "alert");
            if let Some(body) = document.body() {
                let _ = body.append_child(&panel);
            }
            panel
        }
    };
    let target = panel
        .query_selector("[data-panic-message]")
        .ok()
        .flatten()
        .unwrap_or_else(|| panel.clone());
    target.set_text_content(Some(message));
    let _ = panel.remove_attribute("hidden");
}
