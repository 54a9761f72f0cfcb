//! The first screen as HTML, rendered by the app itself through Yew's server-side
//! rendering, so the release build's `index.html` paints it before the wasm arrives
//! (`tools/first-screen.mjs` runs this and puts the HTML in the page).
//!
//!   cargo run --example first_screen -- OUT_DIR
//!
//! writes one file per layout the app chooses by media query (`phone.html`,
//! `narrow.html`, `wide.html`), each a first visit's screen: the app with its welcome, and
//! `layouts.json`: each layout's name and the media query that picks it, most specific
//! first.
//! A returning visitor's screen is the same without the welcome (its overlay and the
//! markers of its components: checked here), so the page's script removes it instead of
//! the page carrying three more variants.

// Native only: server-side rendering needs yew's `ssr` feature, a native dev-dependency.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main();
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use stagecraft::ui::components::{pipeline::NARROW_QUERY, strip::PHONE_QUERY};
    use stagecraft::ui::hooks::ServerView;
    use stagecraft::ui::App;
    use yew::prelude::*;

    #[derive(Properties, PartialEq)]
    struct Props {
        view: ServerView,
    }

    #[component]
    fn FirstScreen(props: &Props) -> Html {
        html! {
            <ContextProvider<ServerView> context={props.view.clone()}>
                <App />
            </ContextProvider<ServerView>>
        }
    }

    /// The app's HTML as a browser with these media and visit would first draw it, with the
    /// markers Yew's hydration finds components by (the wasm hydrates this HTML).
    async fn render(media: &[&'static str], first_visit: bool) -> String {
        let view = ServerView {
            media: media.to_vec(),
            first_visit,
        };
        let html = yew::LocalServerRenderer::<FirstScreen>::with_props(Props { view })
            .render()
            .await;
        // The browser hydrates App itself: drop the markers of the two components around it.
        let mut html = html.as_str();
        for name in [
            std::any::type_name::<FirstScreen>(),
            std::any::type_name::<ContextProvider<ServerView>>(),
        ] {
            html = html
                .strip_prefix(&format!("<!--<[{name}]>-->"))
                .and_then(|h| h.strip_suffix(&format!("<!--</[{name}]>-->")))
                .unwrap_or_else(|| panic!("{name} does not wrap the app"));
        }
        html.to_string()
    }

    /// What the page's script does for a returning visitor: removes the last overlay (the
    /// welcome), the component markers that open right before it and those that close right
    /// after it.
    fn without_welcome(html: &str) -> String {
        let at = html
            .rfind(r#"<div class="overlay">"#)
            .expect("the first visit's screen has an overlay");
        assert!(
            html[at..].contains(r#"id="welcome""#),
            "the last overlay is the welcome"
        );
        let mut start = at;
        while html[..start].ends_with("]>-->") {
            let open = html[..start].rfind("<!--").expect("a marker");
            if !html[open..].starts_with("<!--<[") {
                break;
            }
            start = open;
        }
        // The overlay's own end: count its divs.
        let mut depth = 0;
        let mut end = at;
        loop {
            let next_open = html[end..].find("<div").map(|i| i + end);
            let next_close = html[end..]
                .find("</div>")
                .map(|i| i + end)
                .expect("the overlay closes");
            match next_open {
                Some(o) if o < next_close => {
                    depth += 1;
                    end = o + 4;
                }
                _ => {
                    depth -= 1;
                    end = next_close + 6;
                    if depth == 0 {
                        break;
                    }
                }
            }
        }
        while html[end..].starts_with("<!--</[") {
            end += html[end..].find("-->").expect("a marker ends") + 3;
        }
        format!("{}{}", &html[..start], &html[end..])
    }

    #[tokio::main(flavor = "current_thread")]
    pub async fn main() {
        let out = std::env::args()
            .nth(1)
            .expect("usage: first_screen OUT_DIR");
        std::fs::create_dir_all(&out).expect("cannot create the output directory");
        // Most specific first: the page takes the first whose media match.
        let layouts: [(&str, &[&'static str]); 3] = [
            ("phone", &[NARROW_QUERY, PHONE_QUERY]),
            ("narrow", &[NARROW_QUERY]),
            ("wide", &[]),
        ];
        let mut list = Vec::new();
        for (name, media) in layouts {
            let first = render(media, true).await;
            let returning = render(media, false).await;
            // The page's script turns the first into the second by removing the overlay.
            // The page's script turns the first into the second (index.html).
            assert!(
                without_welcome(&first) == returning,
                "{name}: a returning visitor's screen must be the first visit's without the welcome"
            );
            std::fs::write(format!("{out}/{name}.html"), &first).expect("cannot write the HTML");
            list.push(format!(
                r#"{{"name":"{name}","media":"{}"}}"#,
                media.join(" and ")
            ));
        }
        let json = format!("[{}]\n", list.join(","));
        std::fs::write(format!("{out}/layouts.json"), json).expect("cannot write layouts.json");
    }
}
