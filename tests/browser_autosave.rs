//! The autosave in the browser: its text is put together in JavaScript from finished pieces
//! (`SessionText::take_finished`) and the piece being written, so a session longer than one
//! piece must still be saved whole and read back. `./x test` runs it with the other
//! `tests/browser_*.rs`.
#![cfg(target_arch = "wasm32")]

use stagecraft::lessons::share;
use stagecraft::ui::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

async fn click(root: &web_sys::Element, selector: &str) {
    let b: HtmlElement = root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no {selector}")).dyn_into().unwrap();
    b.click();
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn a_session_longer_than_one_piece_of_text_is_saved_whole_and_reads_back() {
    storage().clear().unwrap();
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let handle = yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;

    // About 190 bytes a command: 60 commands fill two 4 KB pieces and start a third.
    let saved = || storage().get_item("stagecraft.session").unwrap().unwrap_or_default();
    let mut commands = 0;
    for _ in 0..600 {
        if commands >= 60 {
            break;
        }
        click(&root, "#commit").await;
        click(&root, r#"button[title^="Step one simulated minute"]"#).await;
        let text = saved();
        if !text.is_empty() {
            let session = share::session_from_str("autosave", &text).unwrap_or_else(|p| panic!("{p:?}\n{text}"));
            commands = session.log.len();
        }
    }
    assert!(commands >= 60, "only {commands} commands saved");
    let text = saved();
    assert!(text.len() > 2 * 4096, "{} bytes", text.len());
    assert_eq!(text.matches("\"now\":").count(), 1, "the end of the text is written once");
    handle.destroy();
}
