//! The Yew app. For now a single screen: the release pipeline with one promote button.
//! It will be rebuilt on top of the engine in `crate::sim`; keep it thin.

mod panic;
mod pipeline;

pub use panic::{install_panic_hook, report_panic, PANIC_PANEL_ID};
pub use pipeline::{Pipeline, PipelineAction, PipelineState, Stage};

use yew::prelude::*;

/// The root component.
#[component]
pub fn App() -> Html {
    let state = use_reducer(PipelineState::default);
    let on_promote = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(PipelineAction::Promote))
    };

    let (label, disabled) = match state.token.next() {
        Some(next) => (format!("Promote to {}", next.name()), false),
        None => ("Released to Production".to_string(), true),
    };

    html! {
        <main class="app">
            <header class="app-header">
                <h1>{ "Stagecraft" }</h1>
                <p class="tagline">{ "Follow a release from development to staging to production." }</p>
            </header>
            <section class="pipeline-card" aria-labelledby="pipeline-heading">
                <h2 id="pipeline-heading">{ "Release pipeline" }</h2>
                <Pipeline state={(*state).clone()} />
                <div class="controls">
                    <button type="button" class="promote" data-testid="promote"
                        onclick={on_promote} {disabled}>
                        { label }
                    </button>
                    <p class="status" role="status" aria-live="polite" data-testid="status">
                        { format!("{} is running in {}.", state.version, state.token.name()) }
                    </p>
                </div>
            </section>
        </main>
    }
}

/// Id of the element the app mounts into (Yew clears it first, so the panic panel lives
/// outside it).
pub const ROOT_ID: &str = "app";

/// Entry point used by `src/main.rs`: installs the panic hook, then mounts [`App`] on
/// `#app` (or `<body>` if the page has no such element).
pub fn start() {
    install_panic_hook();
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(ROOT_ID));
    match root {
        Some(root) => yew::Renderer::<App>::with_root(root).render(),
        None => yew::Renderer::<App>::new().render(),
    };
}
