//! A modal dialog: labelled by its heading, focus on its close button when it opens,
//! closed by that button or Esc (the shortcut hook). Tab and Shift+Tab stay inside it
//! (`aria-modal` promises that), and focus goes back where it was when it closes.

use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What Tab can reach inside a dialog.
const FOCUSABLE: &str = "button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex=\"-1\"])";

#[derive(Properties, PartialEq)]
pub struct DialogProps {
    pub id: AttrValue,
    pub title: AttrValue,
    pub close_label: AttrValue,
    pub on_close: Callback<()>,
    #[prop_or_default]
    pub class: Classes,
    pub children: Html,
}

#[component]
pub fn Dialog(props: &DialogProps) -> Html {
    let button = use_node_ref();
    let dialog = use_node_ref();
    {
        let button = button.clone();
        use_effect_with(props.id.clone(), move |_| {
            let before = gloo::utils::document()
                .active_element()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(b) = button.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
            // Back to what had the focus, if it is still on the page.
            move || {
                if let Some(e) = before.filter(|e| e.is_connected()) {
                    let _ = e.focus();
                }
            }
        });
    }
    let trap = {
        let dialog = dialog.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() != "Tab" {
                return;
            }
            let Some(root) = dialog.cast::<web_sys::Element>() else { return };
            let Ok(list) = root.query_selector_all(FOCUSABLE) else { return };
            let items: Vec<web_sys::HtmlElement> = (0..list.length())
                .filter_map(|i| list.item(i))
                .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
                .collect();
            let (Some(first), Some(last)) = (items.first(), items.last()) else { return };
            let active = gloo::utils::document().active_element();
            let at = |x: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a == x.unchecked_ref::<web_sys::Element>());
            if e.shift_key() && at(first) {
                e.prevent_default();
                let _ = last.focus();
            } else if !e.shift_key() && at(last) {
                e.prevent_default();
                let _ = first.focus();
            }
        })
    };
    let heading = format!("{}-heading", props.id);
    let close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <div class="overlay">
            <div class={classes!("dialog", "wide", props.class.clone())} role="dialog" aria-modal="true" aria-labelledby={heading.clone()} id={props.id.clone()}
                ref={dialog} onkeydown={trap}>
                <div class="dialog-head">
                    <h2 id={heading}>{ props.title.clone() }</h2>
                    <button type="button" ref={button} onclick={close}>{ props.close_label.clone() }</button>
                </div>
                { props.children.clone() }
            </div>
        </div>
    }
}
