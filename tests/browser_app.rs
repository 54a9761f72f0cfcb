//! In-browser tests (headless Chromium via chromedriver): `./x test` runs every
//! `tests/browser_*.rs` with `cargo test --target wasm32-unknown-unknown`.
#![cfg(target_arch = "wasm32")]

use stagecraft::ui::{report_panic, App, PANIC_PANEL_ID};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh, attached container for one test.
fn mount_point() -> Element {
    let div = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&div).unwrap();
    div
}

fn text_of(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
        .text_content()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn promote_moves_the_release_forward() {
    let root = mount_point();
    let handle = yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;

    assert!(root
        .query_selector("svg[data-testid=pipeline]")
        .unwrap()
        .is_some());
    let dev = r#"g[role=group][aria-label="Development environment"]"#;
    let staging = r#"g[role=group][aria-label="Staging environment"]"#;
    let prod = r#"g[role=group][aria-label="Production environment"]"#;
    assert!(text_of(&root, dev).contains("v1.0.0"));
    assert!(text_of(&root, staging).contains("not deployed"));
    assert!(text_of(&root, "[data-testid=release-token]").contains("v1.0.0"));

    let button: HtmlElement = root
        .query_selector("button[data-testid=promote]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(button.text_content().unwrap().trim(), "Promote to Staging");

    button.click();
    yew::scheduler::flush().await;
    assert!(text_of(&root, staging).contains("v1.0.0"));
    assert!(text_of(&root, prod).contains("not deployed"));
    assert_eq!(
        text_of(&root, "[data-testid=status]"),
        "v1.0.0 is running in Staging."
    );
    assert_eq!(
        button.text_content().unwrap().trim(),
        "Promote to Production"
    );

    button.click();
    yew::scheduler::flush().await;
    assert!(text_of(&root, prod).contains("v1.0.0"));
    assert_eq!(
        button.text_content().unwrap().trim(),
        "Released to Production"
    );
    assert!(button.has_attribute("disabled"));

    handle.destroy();
}

#[wasm_bindgen_test]
fn panic_report_shows_an_alert_with_the_message_as_text() {
    let message = "boom <img src=x onerror=alert(1)> & more";
    report_panic(message);

    let panel = document()
        .get_element_by_id(PANIC_PANEL_ID)
        .expect("panel created");
    assert_eq!(panel.get_attribute("role").as_deref(), Some("alert"));
    assert!(!panel.has_attribute("hidden"));
    assert_eq!(panel.text_content().unwrap(), message);
    assert!(
        panel.query_selector("img").unwrap().is_none(),
        "message must not be parsed as HTML"
    );
    panel.remove();
}

#[wasm_bindgen_test]
fn panic_report_fills_the_static_panel_from_index_html() {
    let panel = document().create_element("div").unwrap();
    panel.set_id(PANIC_PANEL_ID);
    panel.set_attribute("role", "alert").unwrap();
    panel.set_attribute("hidden", "").unwrap();
    panel.set_inner_html("<h2>Stagecraft stopped working</h2><pre data-panic-message></pre>");
    document().body().unwrap().append_child(&panel).unwrap();

    report_panic("panicked at src/sim/mod.rs:1:1:\nexample");

    assert!(!panel.has_attribute("hidden"));
    assert_eq!(text_of(&panel, "h2"), "Stagecraft stopped working");
    assert_eq!(
        text_of(&panel, "[data-panic-message]"),
        "panicked at src/sim/mod.rs:1:1:\nexample"
    );
    panel.remove();
}
