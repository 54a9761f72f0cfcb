//! A modal dialog: labelled by its heading, focus on its close button when it opens,
//! closed by that button or Esc (the shortcut hook).

use yew::prelude::*;

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
    {
        let button = button.clone();
        use_effect_with(props.id.clone(), move |_| {
            if let Some(b) = button.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        });
    }
    let heading = format!("{}-heading", props.id);
    let close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <div class="overlay">
            <div class={classes!("dialog", "wide", props.class.clone())} role="dialog" aria-modal="true" aria-labelledby={heading.clone()} id={props.id.clone()}>
                <div class="dialog-head">
                    <h2 id={heading}>{ props.title.clone() }</h2>
                    <button type="button" ref={button} onclick={close}>{ props.close_label.clone() }</button>
                </div>
                { props.children.clone() }
            </div>
        </div>
    }
}
