//! The trainer's guide's Markdown, read by pulldown-cmark into Yew nodes: emphasis, strong,
//! code, lists, tables, headings and safe links come out as elements; raw HTML and unsafe
//! links never become markup.
#![cfg(not(target_arch = "wasm32"))]

use stagecraft::ui::markdown::{render, safe_href};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
struct Props {
    text: AttrValue,
}

#[component]
fn Doc(props: &Props) -> Html {
    render(&props.text)
}

async fn html_of(text: &str) -> String {
    yew::LocalServerRenderer::<Doc>::with_props(Props { text: text.to_string().into() }).render().await
}

#[tokio::test]
async fn the_guide_markdown_becomes_elements_never_raw_asterisks() {
    let md = "# Title\n\n## Before the session\n\nAn *emphasis*, a **strong** word and `code`.\n\n- one *item*\n- two\n\n1. first\n2. second\n\n| Key | What |\n|---|---|\n| `Space` | **plays** |\n\n### Deeper\n\nSee [the docs](https://example.org/x) or [here](#top).\n";
    let html = html_of(md).await;
    for want in ["<em>emphasis</em>", "<strong>strong</strong>", "<code>code</code>", "<li>one <em>item</em></li>", "<ol", "<li>first</li>",
        "<h3>Before the session</h3>", "<h4>Deeper</h4>", r#"<th scope="col">Key</th>"#, "<td><code>Space</code></td>", "<td><strong>plays</strong></td>",
        r#"aria-label="Table in “Before the session”: Key, What""#, r#"href="https://example.org/x""#, r##"href="#top""##] {
        assert!(html.contains(want), "missing {want} in\n{html}");
    }
    assert!(!html.contains("Title"), "the first heading is the dialog's title");
    assert!(!html.contains('*'), "no raw asterisks: {html}");
}

#[tokio::test]
async fn raw_html_and_unsafe_links_stay_text() {
    let html = html_of("Hi <script>alert(1)</script> <b>x</b>\n\n[click](javascript:alert(1)) [data](data:text/html,x) [mail](mailto:a@b.c)\n\n<div onclick=\"x\">block</div>\n").await;
    assert!(!html.contains("<script>") && !html.contains("<b>") && !html.contains("<div onclick"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "shown as text: {html}");
    assert!(!html.contains("javascript:") || !html.contains("href=\"javascript"), "{html}");
    assert!(!html.contains("href=\"data:"), "{html}");
    assert!(html.contains("click") && html.contains(r#"href="mailto:a@b.c""#), "{html}");
    for bad in ["javascript:alert(1)", "JavaScript:x", " data:text/html,x", "vbscript:x", "//evil.example"] {
        assert!(!safe_href(bad), "{bad}");
    }
    for good in ["https://a.b", "http://a.b", "mailto:x@y.z", "#section", "docs/ARCHITECTURE.md", "../README.md?x=a:b"] {
        assert!(safe_href(good), "{good}");
    }
}

#[test]
fn the_real_guide_reads_without_raw_markup() {
    let guide = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/TRAINERS-GUIDE.md")).unwrap();
    let html = tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(html_of(&guide));
    assert!(html.contains("<strong>") && html.contains("<table>") && html.contains("<code>"), "the guide uses them");
    let text: String = html.split('<').map(|s| s.split_once('>').map_or(s, |(_, t)| t)).collect();
    assert!(!text.contains("**") && !text.contains(" *") && !text.contains("`"), "raw Markdown left in the text");
}
