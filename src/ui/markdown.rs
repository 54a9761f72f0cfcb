//! Markdown (the trainer's guide, docs/TRAINERS-GUIDE.md) to Yew nodes, read by
//! `pulldown-cmark` (CommonMark with tables). Its events become elements and text nodes,
//! never an HTML string: raw HTML in the source is shown as text, and a link keeps its
//! target only when it is a web page, a mail address or a place in the page.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use yew::prelude::*;

/// An element being built: its tag, its children, and its plain text (tables are named by
/// their section's heading and their column titles).
struct Frame<'a> {
    tag: Option<Tag<'a>>,
    children: Vec<Html>,
    text: String,
}

impl Frame<'_> {
    fn new(tag: Option<Tag<'_>>) -> Frame<'_> {
        Frame { tag, children: Vec::new(), text: String::new() }
    }
}

/// Whether a link target is safe to follow: http(s), mailto, or relative (no scheme).
pub fn safe_href(href: &str) -> bool {
    let h = href.trim().to_ascii_lowercase();
    match h.split_once(':') {
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => {
            matches!(scheme, "http" | "https" | "mailto")
        }
        _ => !h.starts_with("//"),
    }
}

/// The document as Yew nodes. Its first-level heading is left out (the dialog's title
/// stands for it); second-level headings become `h3`, deeper ones `h4`.
pub fn render(markdown: &str) -> Html {
    let mut stack = vec![Frame::new(None)];
    let mut section = String::new();
    let mut head_cells: Vec<String> = Vec::new();
    let push = |stack: &mut Vec<Frame>, node: Html, text: &str| {
        if let Some(top) = stack.last_mut() {
            top.children.push(node);
            top.text.push_str(text);
        }
    };
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(tag) => stack.push(Frame::new(Some(tag))),
            Event::End(end) => {
                if stack.len() < 2 {
                    continue;
                }
                let Some(frame) = stack.pop() else { continue };
                let text = frame.text.clone();
                if matches!(end, TagEnd::Heading(_)) {
                    section = text.clone();
                }
                if matches!(end, TagEnd::TableCell)
                    && matches!(stack.last().and_then(|f| f.tag.as_ref()), Some(Tag::TableHead))
                {
                    head_cells.push(text.clone());
                }
                let in_head = matches!(stack.last().and_then(|f| f.tag.as_ref()), Some(Tag::TableHead));
                let node = element(frame, &section, &mut head_cells, in_head);
                push(&mut stack, node, &text);
            }
            Event::Text(t) => push(&mut stack, html! { { t.to_string() } }, &t),
            Event::Code(t) => push(&mut stack, html! { <code>{ t.to_string() }</code> }, &t),
            // Raw HTML is not trusted: it is shown as the text it is.
            Event::Html(t) | Event::InlineHtml(t) => push(&mut stack, html! { { t.to_string() } }, &t),
            Event::SoftBreak => push(&mut stack, html! { { " " } }, " "),
            Event::HardBreak => push(&mut stack, html! { <br /> }, " "),
            Event::Rule => push(&mut stack, html! { <hr /> }, ""),
            _ => {}
        }
    }
    let root = stack.into_iter().next().map(|f| f.children).unwrap_or_default();
    html! { <>{ for root }</> }
}

/// The element for a finished frame.
fn element(frame: Frame, section: &str, head_cells: &mut Vec<String>, in_head: bool) -> Html {
    if let Some(Tag::Table(_)) = frame.tag {
        // Wide tables scroll on phones: focusable, and named by their section and columns
        // (a region's name must be unique on the page).
        let label = format!("Table in “{section}”: {}", std::mem::take(head_cells).join(", "));
        let mut rows = frame.children.into_iter();
        let head = rows.next().unwrap_or_default();
        return html! {
            <div class="table-wrap guide-table" tabindex="0" role="region" aria-label={label}>
                <table>{ head }<tbody>{ for rows }</tbody></table>
            </div>
        };
    }
    let inner = html! { <>{ for frame.children }</> };
    match frame.tag {
        Some(Tag::Heading { level: HeadingLevel::H1, .. }) => html! {},
        Some(Tag::Heading { level: HeadingLevel::H2, .. }) => html! { <h3>{ inner }</h3> },
        Some(Tag::Heading { .. }) => html! { <h4>{ inner }</h4> },
        Some(Tag::Paragraph) => html! { <p>{ inner }</p> },
        Some(Tag::Emphasis) => html! { <em>{ inner }</em> },
        Some(Tag::Strong) => html! { <strong>{ inner }</strong> },
        Some(Tag::Strikethrough) => html! { <s>{ inner }</s> },
        Some(Tag::BlockQuote(_)) => html! { <blockquote>{ inner }</blockquote> },
        Some(Tag::CodeBlock(CodeBlockKind::Fenced(_) | CodeBlockKind::Indented)) => html! { <pre><code>{ inner }</code></pre> },
        Some(Tag::List(Some(start))) => html! { <ol start={start.to_string()}>{ inner }</ol> },
        Some(Tag::List(None)) => html! { <ul>{ inner }</ul> },
        Some(Tag::Item) => html! { <li>{ inner }</li> },
        Some(Tag::Link { dest_url, title, .. }) if safe_href(&dest_url) => {
            let title = (!title.is_empty()).then(|| title.to_string());
            html! { <a href={dest_url.to_string()} {title} target="_blank" rel="noopener noreferrer">{ inner }</a> }
        }
        Some(Tag::TableHead) => html! { <thead><tr>{ inner }</tr></thead> },
        Some(Tag::TableRow) => html! { <tr>{ inner }</tr> },
        Some(Tag::TableCell) if in_head => html! { <th scope="col">{ inner }</th> },
        Some(Tag::TableCell) => html! { <td>{ inner }</td> },
        // An unsafe link keeps its words; anything else keeps its content.
        _ => inner,
    }
}
