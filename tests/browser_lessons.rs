//! In-browser tests of lessons and the training session: the picker, the objective
//! checklist, hints, the debrief and quiz, share links, undo, bad links.
#![cfg(target_arch = "wasm32")]

use stagecraft::lessons::{self, share};
use stagecraft::ui::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh container, with no saved session and `hash` in the address (empty for none).
fn mount_point(hash: &str) -> Element {
    let window = web_sys::window().unwrap();
    window.local_storage().unwrap().unwrap().clear().unwrap();
    window.location().set_hash(hash).unwrap();
    let div = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&div).unwrap();
    div
}

async fn mount(hash: &str) -> (Element, yew::AppHandle<App>) {
    let root = mount_point(hash);
    let handle = yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    yew::scheduler::flush().await;
    (root, handle)
}

fn el(root: &Element, selector: &str) -> HtmlElement {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
        .dyn_into()
        .unwrap()
}

fn text(root: &Element, selector: &str) -> String {
    el(root, selector).text_content().unwrap_or_default()
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

async fn click(root: &Element, selector: &str) {
    el(root, selector).click();
    yew::scheduler::flush().await;
}

const START_FIRST: &str = r#"button[aria-label="Start: Your first trip to production"]"#;

#[wasm_bindgen_test]
async fn the_picker_lists_every_lesson_with_concepts_and_progress_then_starts_one() {
    let (root, handle) = mount("").await;
    assert_eq!(text(&root, "#lesson-heading"), "Free play");
    click(&root, ".lesson button.primary").await;
    assert_eq!(
        count(&root, ".lesson-list > li"),
        lessons::ids().len() as u32
    );
    let first = text(&root, ".lesson-list > li:first-child");
    assert!(first.contains("Your first trip to production"), "{first}");
    assert!(first.contains("Not started"));
    assert!(first.contains("The path of a change") && !first.contains('§'), "{first}");
    assert!(text(&root, ".lesson-list").contains("Rollback · Best practices"), "sections are named");
    assert!(text(&root, ".lesson-list").contains("Free play"));

    click(&root, START_FIRST).await;
    assert_eq!(count(&root, "#picker"), 0, "the picker closes");
    assert_eq!(
        text(&root, "#lesson-heading"),
        "Your first trip to production"
    );
    // The checklist: the goal is not met yet; "gates not overridden" holds until it fails.
    assert_eq!(count(&root, "[data-testid=objectives] li"), 3);
    assert!(count(&root, ".objective.not-yet") >= 1);
    assert!(text(&root, "[data-testid=objectives]").contains("not yet"));
    handle.destroy();
}

#[wasm_bindgen_test]
async fn hints_come_one_at_a_time_until_the_last() {
    let (root, handle) = mount("").await;
    click(&root, ".lesson button.primary").await;
    click(&root, START_FIRST).await;
    assert_eq!(count(&root, ".hints li"), 0);
    click(&root, "#show-hint").await;
    assert_eq!(count(&root, ".hints li"), 1);
    assert!(text(&root, ".hints").contains("Acting as Dana (developer), commit the lesson's change"));
    for _ in 0..4 {
        click(&root, "#show-hint").await;
    }
    assert_eq!(count(&root, ".hints li"), 5);
    assert!(el(&root, "#show-hint").has_attribute("disabled"));
    assert_eq!(text(&root, "#show-hint-why"), "That was the last hint.");
    handle.destroy();
}

/// A link that plays the first lesson's reference solution to its end.
fn solved_link() -> String {
    let lesson = lessons::load("first-promotion").unwrap();
    let session = share::SharedSession {
        scenario: share::ScenarioRef::Lesson("first-promotion".into()),
        seed: lesson.seed(),
        log: lesson.file.solution.clone(),
        now: lesson.check_at(),
    };
    share::encode(&session).unwrap()
}

#[wasm_bindgen_test]
async fn a_share_link_reproduces_a_won_lesson_with_its_debrief_and_quiz() {
    let (root, handle) = mount(&format!("s={}", solved_link())).await;
    assert_eq!(
        text(&root, "#lesson-heading"),
        "Your first trip to production"
    );
    assert_eq!(
        count(&root, "[data-testid=objectives] .objective.met"),
        3,
        "{}",
        text(&root, "[data-testid=objectives]")
    );
    assert!(text(&root, "[data-testid=verdict]").starts_with("Lesson won at"));
    // The link leaves the address so a reload resumes the autosave instead.
    assert_eq!(web_sys::window().unwrap().location().hash().unwrap(), "");

    // The debrief opened by itself: timeline, objectives, measures, the lesson's text, the quiz.
    let debrief = text(&root, "#debrief");
    assert!(debrief.contains("You won this lesson"));
    assert!(debrief.contains("What happened") && debrief.contains("v1.1.0"));
    assert!(debrief.contains("Deploys to production"));
    assert!(debrief.contains("A release pipeline builds a change once"));
    assert!(debrief.contains("v1.1.0 reached users only after passing every gate"), "the text for a won run");
    assert!(debrief.contains("Par: 4 commands"), "{debrief}");
    let q1 = "#debrief fieldset.quiz-question:first-of-type";
    assert!(
        el(&root, &format!("{q1} button")).has_attribute("disabled"),
        "nothing chosen yet"
    );
    click(&root, &format!("{q1} label:nth-of-type(1) input")).await;
    click(&root, &format!("{q1} button")).await;
    assert!(text(&root, q1).contains("Not quite."));
    click(&root, &format!("{q1} label:nth-of-type(2) input")).await;
    click(&root, &format!("{q1} button")).await;
    assert!(text(&root, q1).contains("Correct."));
    assert!(text(&root, q1).contains("four-eyes rule"));

    // The result is remembered in the picker.
    click(&root, "#debrief button.primary + button + button").await;
    assert!(text(&root, ".lesson-list > li:first-child .badge").contains("Won"));
    handle.destroy();
}

#[wasm_bindgen_test]
async fn copy_link_gives_a_link_that_opens_the_same_state() {
    let (root, handle) = mount("").await;
    click(&root, "#commit").await;
    for _ in 0..5 {
        click(&root, r#"button[title^="Step one simulated minute"]"#).await;
    }
    let time = text(&root, "[data-testid=sim-time]");
    click(&root, "#copy-link").await;
    let url: web_sys::HtmlInputElement = el(&root, "[data-testid=share-link]").dyn_into().unwrap();
    let url = url.value();
    let link = url.split_once("#s=").expect("a #s= link").1.to_string();
    handle.destroy();

    let (root, handle) = mount(&format!("s={link}")).await;
    assert_eq!(text(&root, "[data-testid=sim-time]"), time);
    assert!(
        text(&root, ".timeline").contains("Commit"),
        "the commit was replayed"
    );
    assert_eq!(count(&root, "[data-testid=notice]"), 0);
    handle.destroy();
}

#[wasm_bindgen_test]
async fn undo_replays_the_log_without_the_last_command() {
    let (root, handle) = mount("").await;
    assert!(el(&root, "#undo").has_attribute("disabled"));
    click(&root, r#"button[title^="Step one simulated minute"]"#).await;
    click(&root, "#commit").await;
    assert!(!el(&root, "#undo").has_attribute("disabled"));
    assert!(text(&root, "#undo").contains("back to Day 1 09:01"));
    click(&root, r#"button[title^="Step one simulated minute"]"#).await;
    click(&root, "#undo").await;
    assert_eq!(text(&root, "[data-testid=sim-time]"), "Day 1 09:01");
    assert!(
        el(&root, "#undo").has_attribute("disabled"),
        "the log is empty again"
    );
    handle.destroy();
}

/// Chooses `value` in the select matching `selector`, with the bubbling `change` a person's
/// choice sends.
fn choose(root: &Element, selector: &str, value: &str) {
    let select: web_sys::HtmlSelectElement = el(root, selector).dyn_into().unwrap();
    select.set_value(value);
    changed(&select);
}

/// Sends the bubbling `change` a person's edit sends (Yew listens at the root):
/// `new Event("change", {bubbles: true})`.
fn changed(target: &web_sys::EventTarget) {
    let ctor: js_sys::Function = js_sys::Reflect::get(&web_sys::window().unwrap(), &"Event".into())
        .unwrap()
        .dyn_into()
        .unwrap();
    let init = js_sys::Object::new();
    js_sys::Reflect::set(&init, &"bubbles".into(), &true.into()).unwrap();
    let change: web_sys::Event = js_sys::Reflect::construct(&ctor, &js_sys::Array::of2(&"change".into(), &init))
        .unwrap()
        .dyn_into()
        .unwrap();
    target.dispatch_event(&change).unwrap();
}

/// Filters that match nothing say so and how far back the timeline reaches, instead of an
/// empty list that reads as "nothing happened".
#[wasm_bindgen_test]
async fn a_timeline_filter_that_matches_nothing_says_so() {
    let (root, handle) = mount("").await;
    click(&root, "#commit").await;
    click(&root, r#"button[title^="Step one simulated minute"]"#).await;
    let everything = count(&root, "ol.events li");
    choose(&root, r#"select[aria-label="Kind"]"#, "alerts");
    yew::scheduler::flush().await;
    let hint = text(&root, ".timeline .hint");
    let shown = count(&root, "ol.events li");
    handle.destroy();

    assert!(everything > 0, "the commit is in the timeline");
    assert_eq!(shown, 0, "no alert yet");
    assert!(hint.starts_with("No event matches these filters. The timeline keeps the newest 500 events, back to Day 1 09:0"), "{hint}");
}

/// Types `value` into the commit form's summary, as a person would (its `change` event).
fn set_summary(root: &Element, value: &str) {
    let input: web_sys::HtmlInputElement = el(root, r#"input[aria-label="Summary"]"#).dyn_into().unwrap();
    input.set_value(value);
    changed(&input);
}

/// The timeline and the audit table redraw only when what they show changes (compared row by
/// row: `timeline.rs`'s unit tests cover two worlds with equal counts and different rows);
/// after an undo and a different command in the same minute, the rows are the new command's.
#[wasm_bindgen_test]
async fn after_undo_a_different_command_replaces_the_old_one_in_the_timeline_and_audit_log() {
    let (root, handle) = mount("").await;
    click(&root, r#"button[title^="Step one simulated minute"]"#).await;
    set_summary(&root, "first idea");
    yew::scheduler::flush().await;
    click(&root, "#commit").await;
    let before = (text(&root, "ol.events"), text(&root, "table.audit tbody"));
    click(&root, "#undo").await;
    set_summary(&root, "second idea");
    yew::scheduler::flush().await;
    click(&root, "#commit").await;
    let after = (text(&root, "ol.events"), text(&root, "table.audit tbody"));
    let header = text(&root, ".timeline h3");
    handle.destroy();

    assert!(before.0.contains("first idea") && before.1.contains("first idea"), "{before:?}");
    assert!(after.0.contains("second idea") && !after.0.contains("first idea"), "{}", after.0);
    assert!(after.1.contains("second idea") && !after.1.contains("first idea"), "{}", after.1);
    assert_eq!(header, "Audit log (1 commands, 0 refused)");
}

#[wasm_bindgen_test]
async fn a_broken_link_is_explained_and_free_play_stays() {
    let (root, handle) = mount("s=1.eyJzY2VuYXJpbyI6.00000000").await;
    assert!(text(&root, "[data-testid=notice]").contains("checksum"));
    assert_eq!(text(&root, "#lesson-heading"), "Free play");
    click(&root, "[data-testid=notice] button").await;
    assert_eq!(count(&root, "[data-testid=notice]"), 0);
    handle.destroy();
}

#[wasm_bindgen_test]
async fn the_trainers_guide_renders_as_text() {
    let (root, handle) = mount("").await;
    click(&root, "#open-guide").await;
    let guide = text(&root, "#guide");
    assert!(guide.contains("60-minute plan"));
    assert!(count(&root, "#guide table") >= 2);
    assert!(!guide.contains("**"), "markers become <strong>, not text");
    handle.destroy();
}

#[wasm_bindgen_test]
async fn when_storage_is_full_the_app_says_so_once_and_keeps_working() {
    // Every write to localStorage fails, as when the quota is used up. What the page shows
    // is read first and judged after writes work again: a failed assertion aborts the test
    // (wasm), and the other tests in this page must still be able to save.
    js_sys::eval(
        "window.__realSetItem = Storage.prototype.setItem; \
         Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };",
    )
    .unwrap();
    let (root, handle) = mount("").await;
    click(&root, "#commit").await;
    yew::scheduler::flush().await;
    let notice = text(&root, "[data-testid=notice]");
    click(&root, "[data-testid=notice] button").await;
    // The session goes on, and the failure is not reported again on the next save.
    click(&root, r#"button[title^="Step one simulated minute"]"#).await;
    click(&root, "#commit").await;
    yew::scheduler::flush().await;
    let notices_after = count(&root, "[data-testid=notice]");
    let timeline = text(&root, ".timeline");
    handle.destroy();
    js_sys::eval("Storage.prototype.setItem = window.__realSetItem;").unwrap();

    assert!(
        notice.contains("This browser is not saving your session."),
        "{notice}"
    );
    assert!(
        notice.contains("Copy link"),
        "it says how to keep the work: {notice}"
    );
    assert_eq!(notices_after, 0);
    assert!(
        timeline.contains("Audit log (2 commands, 0 refused)"),
        "{timeline}"
    );
}
