//! The trainer's guide (docs/TRAINERS-GUIDE.md, fetched when first opened: see
//! `ui::fetch::guide_text`), read as Markdown by `ui::markdown` into elements and text
//! nodes, never an HTML string.

use yew::prelude::*;

use super::dialog::Dialog;
use crate::ui::state::Action;

#[derive(Properties, PartialEq)]
pub struct GuideProps {
    pub on_action: Callback<Action>,
}

#[component]
pub fn Guide(props: &GuideProps) -> Html {
    // None while it loads; then the parsed guide, or why it could not be loaded.
    let loaded = use_state(|| None::<Result<Html, String>>);
    {
        let loaded = loaded.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let text = crate::ui::fetch::guide_text().await;
                loaded.set(Some(text.map(|t| crate::ui::markdown::render(&t))));
            });
        });
    }
    let body = match &*loaded {
        None => html! { <p class="hint" role="status">{ "Loading the guide…" }</p> },
        Some(Err(why)) => html! { <p role="alert">{ format!("The guide could not be loaded: {why}") }</p> },
        Some(Ok(guide)) => html! { <div class="guide">{ guide.clone() }</div> },
    };
    html! {
        <Dialog id="guide" title="Trainer's guide" close_label="Close the guide" on_close={props.on_action.reform(|_| Action::ClosedDialog)}>
            { body }
        </Dialog>
    }
}
