//! A real panic in the browser: the hook must log it and show the alert panel.
//!
//! Its own test binary (so its own page): it replaces the panic hook for the whole binary,
//! and the wasm instance has trapped (panic = abort) by the end of the test.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Reflect};
use stagecraft::ui::{install_panic_hook, PANIC_PANEL_ID};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn a_real_panic_is_logged_and_shown_in_the_alert_panel() {
    let window = web_sys::window().unwrap();
    let document = window.document().unwrap();

    // Record console.error calls while the panic happens.
    let logged = Rc::new(RefCell::new(Vec::<String>::new()));
    let console = Reflect::get(&window, &"console".into()).unwrap();
    let original_error = Reflect::get(&console, &"error".into()).unwrap();
    let recorder = {
        let logged = logged.clone();
        Closure::wrap(Box::new(move |value: JsValue| {
            logged
                .borrow_mut()
                .push(value.as_string().unwrap_or_default());
        }) as Box<dyn FnMut(JsValue)>)
    };
    Reflect::set(&console, &"error".into(), recorder.as_ref()).unwrap();

    install_panic_hook();
    let boom = Closure::wrap(Box::new(|| panic!("simulated <b>failure</b>")) as Box<dyn FnMut()>);
    let call = boom
        .as_ref()
        .unchecked_ref::<Function>()
        .call0(&JsValue::NULL);

    Reflect::set(&console, &"error".into(), &original_error).unwrap();
    assert!(call.is_err(), "a panic aborts: the call must throw");

    let panel = document
        .get_element_by_id(PANIC_PANEL_ID)
        .expect("the hook creates the panel when the page has none");
    assert_eq!(panel.get_attribute("role").as_deref(), Some("alert"));
    assert!(!panel.has_attribute("hidden"));
    let text = panel.text_content().unwrap();
    assert!(
        text.contains("simulated <b>failure</b>"),
        "panel text: {text}"
    );
    assert!(
        text.contains("browser_panic.rs"),
        "panel text names the location: {text}"
    );
    assert!(
        panel.query_selector("b").unwrap().is_none(),
        "the message is text, not markup"
    );

    let logged = logged.borrow();
    assert!(
        logged
            .iter()
            .any(|m| m.contains("Stagecraft crashed") && m.contains("simulated <b>failure</b>")),
        "console.error calls: {logged:?}"
    );

    // The trapped closure must not be dropped through the (now unreliable) instance.
    boom.forget();
    recorder.forget();
}
