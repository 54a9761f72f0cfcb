//! In-browser tests (headless Chromium via chromedriver): `./x test` runs every
//! `tests/browser_*.rs` with `cargo test --target wasm32-unknown-unknown`.
#![cfg(target_arch = "wasm32")]

use stagecraft::ui::{report_panic, App, PANIC_PANEL_ID};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh, attached container for one test.
fn mount_point() -> Element {
    // Each test starts fresh: no autosaved session from an earlier test.
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
    let div = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&div).unwrap();
    div
}

fn text_of(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
        .text_content()
        .unwrap_or_default()
}

fn button(root: &Element, selector: &str) -> HtmlElement {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no button matches {selector}"))
        .dyn_into()
        .unwrap()
}

async fn click(root: &Element, selector: &str) {
    button(root, selector).click();
    yew::scheduler::flush().await;
}

/// Presses "Step +1 min" until `done` holds (at most `max` times).
async fn step_until(root: &Element, max: u32, done: impl Fn(&Element) -> bool) {
    for _ in 0..max {
        if done(root) {
            return;
        }
        click(root, r#"button[title^="Step one simulated minute"]"#).await;
    }
    assert!(done(root), "not reached after {max} steps");
}

/// `new <ctor>(kind, { key, bubbles: true })` dispatched on `target` (through js-sys, so it
/// works for SVG elements too).
fn fire(target: &web_sys::EventTarget, ctor: &str, kind: &str, key: Option<&str>) {
    let ctor: js_sys::Function = js_sys::Reflect::get(&web_sys::window().unwrap(), &ctor.into())
        .unwrap()
        .dyn_into()
        .unwrap();
    let init = js_sys::Object::new();
    if let Some(key) = key {
        js_sys::Reflect::set(&init, &"key".into(), &key.into()).unwrap();
    }
    js_sys::Reflect::set(&init, &"bubbles".into(), &true.into()).unwrap();
    let args = js_sys::Array::of2(&kind.into(), &init);
    let e: web_sys::Event = js_sys::Reflect::construct(&ctor, &args)
        .unwrap()
        .dyn_into()
        .unwrap();
    target.dispatch_event(&e).unwrap();
}

const DEV: &str = r#"g[role=group][aria-label="Development environment"]"#;
const STAGING: &str = r#"g[role=group][aria-label="Staging environment"]"#;

#[wasm_bindgen_test]
async fn diagram_shows_every_station_with_its_version_health_and_gates() {
    let root = mount_point();
    let handle = yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;

    assert!(root
        .query_selector("svg[data-testid=pipeline]")
        .unwrap()
        .is_some());
    for station in [
        DEV,
        STAGING,
        r#"g[role=group][aria-label="Production environment"]"#,
    ] {
        assert!(text_of(&root, station).contains("v1.0.0"), "{station}");
    }
    // Health is a glyph as well as a colour.
    assert_eq!(root.query_selector_all(".instance.ok").unwrap().length(), 7);
    assert!(text_of(&root, ".instance.ok").contains('✓'));
    // Gates are focusable, named, and explain themselves on hover (<title>).
    let gate = root
        .query_selector(r#".gate[role=button][tabindex="0"]"#)
        .unwrap()
        .unwrap();
    assert!(gate
        .get_attribute("aria-label")
        .unwrap()
        .contains("Integration tests gate into Staging"));
    assert!(gate.query_selector("title").unwrap().is_some());
    assert!(text_of(&root, "[data-testid=release-token]").contains("v1.0.0"));
    // Selecting a station explains the concept.
    let head = root
        .query_selector(r#".station-head[aria-label="Explain Production"]"#)
        .unwrap()
        .unwrap();
    fire(&head.into(), "MouseEvent", "click", None);
    yew::scheduler::flush().await;
    assert!(text_of(&root, "[data-testid=details]").contains("live system real users depend on"));
    handle.destroy();
}

#[wasm_bindgen_test]
async fn commit_then_promote_runs_the_staging_gates() {
    let root = mount_point();
    let handle = yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;

    let promote = "#promote-staging";
    assert!(button(&root, promote).has_attribute("disabled"));
    assert!(text_of(&root, "#promote-staging-why").contains("Commit a change first"));
    click(&root, "#commit").await;
    step_until(&root, 40, |r| !button(r, promote).has_attribute("disabled")).await;
    assert!(text_of(&root, DEV).contains("v1.1.0"));
    assert_eq!(
        button(&root, promote).text_content().unwrap(),
        "Promote to Staging"
    );

    click(&root, promote).await;
    let gate = root
        .query_selector(".gate.running")
        .unwrap()
        .expect("the integration tests run");
    assert!(gate
        .get_attribute("aria-label")
        .unwrap()
        .contains("running"));
    assert!(!text_of(&root, "[data-testid=announce-polite]").is_empty());
    assert!(text_of(&root, ".timeline").contains("Integration tests started for v1.1.0"));
    handle.destroy();
}

#[wasm_bindgen_test]
async fn a_refused_command_is_shown_with_its_reason() {
    let root = mount_point();
    let handle = yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;

    // The Operate panel builds its forms when first unfolded (their code is late).
    let ops = root
        .query_selector("[aria-label='Production controls'] details.ops")
        .unwrap()
        .expect("Production's Operate panel");
    ops.set_attribute("open", "").unwrap();
    ops.dispatch_event(&web_sys::Event::new("toggle").unwrap()).unwrap();
    yew::scheduler::flush().await;

    // The release manager may not take backups: the control says so in advance, and the
    // click is still sent so that the engine refuses it and the audit log records it.
    let warning = text_of(&root, "#backup-prod-why");
    assert!(
        warning.contains("may not take or restore backups"),
        "{warning}"
    );
    assert!(root
        .query_selector("#backup-prod-why.not-allowed")
        .unwrap()
        .is_some());
    // Flags are hers to toggle: no warning there.
    assert!(root.query_selector("#flag-prod-why").unwrap().is_none());
    // The panel says it once, visibly, above the controls.
    let summary = text_of(
        &root,
        "[aria-label='What your role may not do in Production']",
    );
    assert!(
        summary.contains("may not take or restore backups in Production"),
        "{summary}"
    );
    assert!(!summary.contains("toggle feature flags"), "{summary}");
    click(&root, "#backup-prod").await;
    let toast = text_of(&root, "[data-testid=rejection]");
    assert!(toast.contains("may not take or restore backups"), "{toast}");
    click(&root, "[data-testid=rejection] button").await;
    assert!(root
        .query_selector("[data-testid=rejection]")
        .unwrap()
        .is_none());
    handle.destroy();
}

#[wasm_bindgen_test]
async fn keyboard_shortcuts_step_the_clock_but_not_while_typing() {
    let root = mount_point();
    let handle = yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    let press = |target: &web_sys::EventTarget, key: &str| {
        fire(target, "KeyboardEvent", "keydown", Some(key))
    };
    assert_eq!(text_of(&root, "[data-testid=sim-time]"), "Day 1 09:00");
    press(&document().into(), ".");
    yew::scheduler::flush().await;
    assert_eq!(text_of(&root, "[data-testid=sim-time]"), "Day 1 09:01");

    let input = root
        .query_selector(".commit input[type=text]")
        .unwrap()
        .unwrap();
    press(&input.into(), ".");
    yew::scheduler::flush().await;
    assert_eq!(
        text_of(&root, "[data-testid=sim-time]"),
        "Day 1 09:01",
        "typing a dot is not a shortcut"
    );

    press(&document().into(), "?");
    yew::scheduler::flush().await;
    assert!(text_of(&root, "[role=dialog]").contains("Keyboard shortcuts"));
    press(&document().into(), "Escape");
    yew::scheduler::flush().await;
    assert!(root.query_selector("[role=dialog]").unwrap().is_none());
    handle.destroy();
}

#[wasm_bindgen_test]
async fn chart_draws_axes_units_and_the_series() {
    use stagecraft::ui::components::chart::{Chart, ChartProps};
    let root = mount_point();
    let props = ChartProps {
        title: "Error rate".into(),
        unit: "%".into(),
        values: vec![0.0, 0.01, 0.2],
        scale: 100.0,
        threshold: Some(0.05),
        end: "now".into(),
    };
    let handle = yew::Renderer::<Chart>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    assert_eq!(root.query_selector_all(".axis").unwrap().length(), 2);
    assert!(text_of(&root, "figcaption").contains("now 20 %"));
    let label = root
        .query_selector("svg")
        .unwrap()
        .unwrap()
        .get_attribute("aria-label")
        .unwrap();
    assert!(label.contains("axis 0 to 20 %"), "{label}");
    assert_eq!(
        root.query_selector("polyline")
            .unwrap()
            .unwrap()
            .get_attribute("points")
            .unwrap()
            .split_whitespace()
            .count(),
        3
    );
    assert!(root.query_selector(".threshold").unwrap().is_some());
    handle.destroy();
}

#[wasm_bindgen_test]
async fn config_matrix_masks_secrets_and_names_drift_in_words() {
    use stagecraft::ui::components::config_matrix::{ConfigMatrix, ConfigMatrixProps};
    use stagecraft::ui::components::Snapshot;
    let root = mount_point();
    let world = std::rc::Rc::new(stagecraft::sim::World::new(
        stagecraft::sim::WorldConfig::standard(),
        1,
    ));
    let props = ConfigMatrixProps {
        snapshot: Snapshot { world, rev: 0 },
    };
    let handle = yew::Renderer::<ConfigMatrix>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    let table = text_of(&root, "table");
    assert!(table.contains("••••"));
    assert!(!table.contains("hunter2"));
    // PAYMENT_API_KEY is a secret in Staging and Production but missing in Development.
    let row = root
        .query_selector("tr.drift")
        .unwrap()
        .expect("a drifting key");
    assert!(row.text_content().unwrap().contains("PAYMENT_API_KEY"));
    assert!(row.text_content().unwrap().contains("⚠ missing"));
    handle.destroy();
}

#[wasm_bindgen_test]
async fn toast_shows_the_rule_threshold_evidence_and_verdict() {
    use stagecraft::sim::Explanation;
    use stagecraft::ui::components::toast::{Toast, ToastProps};
    use stagecraft::ui::state::Toast as ToastData;
    let root = mount_point();
    let explanation = Explanation {
        rule: "Change freeze".into(),
        threshold: "until 17:00".into(),
        samples: vec!["now: 15:00".into()],
        verdict: "Blocked".into(),
    };
    let props = ToastProps {
        toast: ToastData {
            id: 1,
            message: "Production is frozen".into(),
            explanation: Some(explanation),
        },
        on_action: yew::Callback::noop(),
    };
    let handle = yew::Renderer::<Toast>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    let text = text_of(&root, "[role=alert]");
    for part in [
        "Production is frozen",
        "Change freeze",
        "until 17:00",
        "now: 15:00",
        "Blocked",
    ] {
        assert!(text.contains(part), "{part} missing in {text}");
    }
    handle.destroy();
}

#[wasm_bindgen_test]
async fn timeline_filters_by_text_and_highlights_what_an_event_concerns() {
    let root = mount_point();
    let handle = yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    click(&root, "#commit").await;
    step_until(&root, 40, |r| {
        !button(r, "#promote-staging").has_attribute("disabled")
    })
    .await;
    let search: web_sys::HtmlInputElement = root
        .query_selector(".timeline input[type=search]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    search.set_value("release v1.1.0 built");
    fire(&search.clone().into(), "InputEvent", "input", None);
    yew::scheduler::flush().await;
    let rows = root.query_selector_all(".events li").unwrap();
    assert_eq!(rows.length(), 1, "{}", text_of(&root, ".events"));
    click(&root, ".events li button").await;
    assert!(root
        .query_selector(r#".pool.highlight[data-release="v1.1.0"]"#)
        .unwrap()
        .is_some());
    assert!(text_of(&root, "[data-testid=details]").contains("Release v1.1.0"));
    handle.destroy();
}

#[wasm_bindgen_test]
fn panic_report_shows_an_alert_with_the_message_as_text() {
    let message = "boom <img src=x onerror=alert(1)> & more";
    report_panic(message);

    let panel = document()
        .get_element_by_id(PANIC_PANEL_ID)
        .expect("panel created");
    assert_eq!(panel.get_attribute("role").as_deref(), Some("alert"));
    assert!(!panel.has_attribute("hidden"));
    assert_eq!(panel.text_content().unwrap(), message);
    assert!(
        panel.query_selector("img").unwrap().is_none(),
        "message must not be parsed as HTML"
    );
    panel.remove();
}

#[wasm_bindgen_test]
fn panic_report_fills_the_static_panel_from_index_html() {
    let panel = document().create_element("div").unwrap();
    panel.set_id(PANIC_PANEL_ID);
    panel.set_attribute("role", "alert").unwrap();
    panel.set_attribute("hidden", "").unwrap();
    panel.set_inner_html("<h2>Stagecraft stopped working</h2><pre data-panic-message></pre>");
    document().body().unwrap().append_child(&panel).unwrap();

    report_panic("panicked at src/sim/mod.rs:1:1:\nexample");

    assert!(!panel.has_attribute("hidden"));
    assert_eq!(text_of(&panel, "h2"), "Stagecraft stopped working");
    assert_eq!(
        text_of(&panel, "[data-panic-message]"),
        "panicked at src/sim/mod.rs:1:1:\nexample"
    );
    panel.remove();
}
