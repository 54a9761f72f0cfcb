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
//! A returning visitor's screen is the same without the welcome's overlay, which is the
//! last element of the app (checked here), so the page's script can remove it instead
//! of carrying three more variants.
#![cfg(not(target_arch = "wasm32"))]

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

/// The app's HTML as a browser with these media and visit would first draw it.
async fn render(media: &[&'static str], first_visit: bool) -> String {
    let view = ServerView { media: media.to_vec(), first_visit };
    // No hydration markers: the wasm replaces this HTML with its own identical render.
    yew::LocalServerRenderer::<FirstScreen>::with_props(Props { view })
        .hydratable(false)
        .render()
        .await
}

/// Where the welcome's overlay starts: the last overlay of the app, holding `#welcome`.
fn welcome_at(html: &str) -> usize {
    let at = html.rfind(r#"<div class="overlay">"#).expect("the first visit's screen has an overlay");
    assert!(html[at..].contains(r#"id="welcome""#), "the last overlay is the welcome");
    at
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let out = std::env::args().nth(1).expect("usage: first_screen OUT_DIR");
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
        let at = welcome_at(&first);
        assert!(
            first[..at].to_string() + "</div>" == returning,
            "{name}: a returning visitor's screen must be the first visit's without the welcome's overlay"
        );
        std::fs::write(format!("{out}/{name}.html"), &first).expect("cannot write the HTML");
        list.push(format!(r#"{{"name":"{name}","media":"{}"}}"#, media.join(" and ")));
    }
    let json = format!("[{}]\n", list.join(","));
    std::fs::write(format!("{out}/layouts.json"), json).expect("cannot write layouts.json");
}
