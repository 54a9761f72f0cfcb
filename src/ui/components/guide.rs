//! The trainer's guide (docs/TRAINERS-GUIDE.md, fetched when first opened: see
//! `ui::fetch::guide_text`) as plain text: headings, paragraphs, lists and tables from a
//! line-based reader, never HTML.

use yew::prelude::*;

use super::dialog::Dialog;
use crate::ui::markdown::{blocks, inline, Block, Inline};
use crate::ui::state::Action;


fn runs(text: &str) -> Html {
    html! {
        { for inline(text).into_iter().map(|r| match r {
            Inline::Text(t) => html! { { t } },
            Inline::Strong(t) => html! { <strong>{ t }</strong> },
            Inline::Emphasis(t) => html! { <em>{ t }</em> },
            Inline::Code(t) => html! { <code>{ t }</code> },
        }) }
    }
}

/// One block; `section` is the heading it sits under, which names its tables.
fn block(b: &Block, section: &str) -> Html {
    match b {
        // The dialog's own title stands for the document's first heading.
        Block::Heading { level: 1, .. } => html! {},
        Block::Heading { level: 2, text } => html! { <h3>{ runs(text) }</h3> },
        Block::Heading { text, .. } => html! { <h4>{ runs(text) }</h4> },
        Block::Paragraph(p) => html! { <p>{ runs(p) }</p> },
        Block::Bullets(items) => {
            html! { <ul>{ for items.iter().map(|i| html! { <li>{ runs(i) }</li> }) }</ul> }
        }
        Block::Numbered(items) => {
            html! { <ol>{ for items.iter().map(|i| html! { <li>{ runs(i) }</li> }) }</ol> }
        }
        Block::Table(rows) => {
            let (head, body) = rows
                .split_first()
                .map_or((&[][..], &[][..]), |(h, b)| (&h[..], b));
            // Wide tables scroll on phones: focusable, and named by their section and columns
            // (a region's name must be unique on the page).
            let label =
                format!("Table in “{section}”: {}", head.join(", ")).replace(['*', '`'], "");
            html! {
                <div class="table-wrap guide-table" tabindex="0" role="region" aria-label={label}><table>
                    <thead><tr>{ for head.iter().map(|c| html! { <th scope="col">{ runs(c) }</th> }) }</tr></thead>
                    <tbody>{ for body.iter().map(|r| html! { <tr>{ for r.iter().map(|c| html! { <td>{ runs(c) }</td> }) }</tr> }) }</tbody>
                </table></div>
            }
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct GuideProps {
    pub on_action: Callback<Action>,
}

#[component]
pub fn Guide(props: &GuideProps) -> Html {
    // None while it loads; then the parsed guide, or why it could not be loaded.
    let loaded = use_state(|| None::<Result<std::rc::Rc<Vec<Block>>, String>>);
    {
        let loaded = loaded.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let text = crate::ui::fetch::guide_text().await;
                loaded.set(Some(text.map(|t| std::rc::Rc::new(blocks(&t)))));
            });
        });
    }
    let body = match &*loaded {
        None => html! { <p class="hint" role="status">{ "Loading the guide…" }</p> },
        Some(Err(why)) => html! { <p role="alert">{ format!("The guide could not be loaded: {why}") }</p> },
        Some(Ok(parsed)) => {
            let mut section = String::new();
            let rendered = parsed.iter().map(|b| {
                if let Block::Heading { text, .. } = b {
                    section = text.clone();
                }
                block(b, &section)
            });
            html! { <div class="guide">{ for rendered }</div> }
        }
    };
    html! {
        <Dialog id="guide" title="Trainer's guide" close_label="Close the guide" on_close={props.on_action.reform(|_| Action::ClosedDialog)}>
            { body }
        </Dialog>
    }
}
