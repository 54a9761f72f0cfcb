//! Native smoke test of the first screen, rendered to a string with Yew's SSR.
#![cfg(not(target_arch = "wasm32"))]

use stagecraft::ui::{App, PipelineAction, PipelineState, Stage};
use std::rc::Rc;
use yew::Reducible;

#[tokio::test]
async fn first_screen_shows_three_environments_and_the_release_in_development() {
    let html = yew::LocalServerRenderer::<App>::new().render().await;
    for stage in ["Development", "Staging", "Production"] {
        assert!(
            html.contains(&format!(r#"aria-label="{stage} environment""#)),
            "{stage} missing in {html}"
        );
    }
    assert!(html.contains(r#"data-testid="pipeline""#));
    assert!(html.contains("Promote to Staging"));
    assert!(html.contains("v1.0.0 is running in Development."));
}

#[test]
fn promote_walks_the_pipeline_and_stops_at_production() {
    let mut state = Rc::new(PipelineState::default());
    assert_eq!(state.token, Stage::Development);
    assert_eq!(state.running_in(Stage::Staging), None);

    state = state.reduce(PipelineAction::Promote);
    assert_eq!(state.token, Stage::Staging);
    assert_eq!(state.running_in(Stage::Development), Some("v1.0.0"));
    assert_eq!(state.running_in(Stage::Staging), Some("v1.0.0"));
    assert_eq!(state.running_in(Stage::Production), None);

    state = state.reduce(PipelineAction::Promote);
    state = state.reduce(PipelineAction::Promote);
    assert_eq!(state.token, Stage::Production);
    assert_eq!(state.running_in(Stage::Production), Some("v1.0.0"));
}
