//! The Yew app: the whole engine made visible and touchable.
//!
//! One root reducer ([`state::AppState`]) holds the world and the UI state; components get
//! plain props and one stable `Callback<Action>`; timers, shortcuts and stored preferences
//! live in hooks ([`hooks`]).

pub mod components;
pub mod console;
pub(crate) mod fetch;
pub mod hooks;
pub mod lab;
pub mod labels;
pub mod markdown;
mod panic;
pub mod persist;
pub mod state;
pub mod view;

pub use panic::{install_panic_hook, report_panic, PANIC_PANEL_ID};
pub use state::{Action, AppState, Speed, Theme};

use yew::prelude::*;

use components::chaos::Chaos;
use components::clock::Clock;
use components::commit_form::CommitForm;
use components::config_matrix::ConfigMatrix;
use components::debrief::Debrief;
use components::deferred::Deferred;
use components::delivery::Delivery;
use components::details::Details;
use components::guide::Guide;
use components::help::Help;
use components::lesson_panel::LessonPanel;
use components::moment::MomentCard;
use components::monitoring::Monitoring;
use components::notice::Notice;
use components::picker::Picker;
use components::pipeline::{self, Pipeline};
use components::session_bar::SessionBar;
use components::stage_controls::StageControls;
use components::stage_ops::StageOps;
use components::timeline::Timeline;
use components::toast::Toast;
use components::Snapshot;

/// The root component.
#[component]
pub fn App() -> Html {
    // Read once, for the reducer's first state; in server-side rendering the build says.
    #[cfg(not(target_arch = "wasm32"))]
    let first_visit = {
        let view = use_context::<hooks::ServerView>();
        move || view.is_some_and(|v| v.first_visit)
    };
    #[cfg(target_arch = "wasm32")]
    let first_visit = persist::is_first_visit;
    let state = use_reducer(move || AppState::opening(first_visit()));
    // The lab's state while it is closed (see `lab::kept`): the same holder every render.
    let kept_lab = (*use_memo((), |_| lab::KeptLab::default())).clone();
    let dispatcher = state.dispatcher();
    let on_action: Callback<Action> = (*use_memo((), move |_| dispatcher.to_callback())).clone();
    hooks::use_clock(state.playing, state.speed, on_action.clone());
    hooks::use_shortcuts(on_action.clone());
    hooks::use_focus(state.focus.clone());
    hooks::use_display_prefs(state.theme, state.presenter, on_action.clone());
    hooks::use_tick_measure(state.rev);
    // Phones get the strip diagram pinned at the top and a bottom sheet for the step at hand.
    let phone = hooks::use_media(components::strip::PHONE_QUERY);
    let layout = if hooks::use_media(pipeline::NARROW_QUERY) {
        pipeline::Layout::Stacked
    } else {
        pipeline::Layout::Wide
    };
    persist::use_resume(on_action.clone());
    fetch::use_lesson_library(&state.library, on_action.clone());
    let save_key = persist::SaveKey {
        scenario: state.training.scenario.clone(),
        seed: state.seed,
        log: state.log.clone(),
        now: state.world.now,
        waiting: state.pending.is_some() || state.training.demo.is_some(),
    };
    persist::use_autosave(save_key, on_action.clone());
    persist::use_records_store(state.records.clone());
    persist::use_copy_link(state.share.clone());
    persist::use_download(state.download.clone());

    let world = &state.world;
    let snapshot = Snapshot {
        world: state.world.clone(),
        rev: state.rev,
    };
    let time_label = AttrValue::from(world.now.label(world.config.start_minute_of_day));
    let presenter = state.presenter;
    let start = world.config.start_minute_of_day;
    let decided_at = state
        .training
        .progress
        .outcome()
        .map(|o| AttrValue::from(o.at.label(start)));
    let undo_to = state.log.last_at().map(|at| AttrValue::from(at.label(start)));
    let actor = state.actor.clone();
    let lesson_change = lesson_change(&state);
    let commit_key = format!("{}-{}", state.training.slug(), lesson_change.as_deref().unwrap_or(""));
    // Matched against the log once per render; the lesson panel and the phone bar share it.
    let next = next_step(&state);
    // The stage whose controls the step at hand needs: on a phone they ride in the sheet.
    let step_stage = if phone { next.as_ref().and_then(|n| n.stage) } else { None };
    let column = |i: usize| {
        let s = &world.stages[i];
        let name = s.name().to_string();
        // Each column is a region the first screen's hydration leaves for a task of its own.
        html! { <Suspense key={s.config.id.as_str().to_string()}><Deferred>
            <section class="stage-column" aria-label={format!("{name} controls")}>
                <h3>{ name.clone() }</h3>
                // Commits arrive in the first stage: its column is where the change is made.
                if i == 0 {
                    <CommitForm key={commit_key.clone()} lesson_change={lesson_change.clone()} on_action={on_action.clone()} />
                }
                <StageControls snapshot={snapshot.clone()} index={i} actor={actor.clone()} on_action={on_action.clone()} />
                if !presenter {
                    <StageOps snapshot={snapshot.clone()} index={i} actor={actor.clone()} on_action={on_action.clone()} />
                }
            </section>
        </Deferred></Suspense> }
    };
    let columns = (0..world.stages.len()).filter(|&i| Some(i) != step_stage).map(column);
    let moment = state.moment.as_ref().map(|m| html! {
        <MomentCard moment={m.clone()} time_label={time_label.clone()} on_action={on_action.clone()} />
    });
    let a = &state.announcement;
    // Looking back shows the diagram and the monitoring as they were; the controls act on
    // now, so they step aside until "Back to now".
    let shown = match &state.look_back {
        Some(lb) => Snapshot { world: lb.world.clone(), rev: state.rev },
        None => snapshot.clone(),
    };
    let looking_back = state.look_back.as_ref().map(|lb| {
        html! {
            <div class="look-back" role="status" data-testid="look-back">
                <span>{ format!("Looking back at {} — the diagram, monitoring, measures and timeline as they were then (read-only).", lb.at.label(start)) }</span>
                <button type="button" class="primary" onclick={on_action.reform(|_| Action::ReturnedToNow)}>{ "Back to now" }</button>
            </div>
        }
    });
    // The diagram is the first region the hydration leaves for a task of its own.
    let pipeline_view = if phone {
        html! { <Suspense><Deferred><components::strip::Strip snapshot={shown.clone()} on_action={on_action.clone()} /></Deferred></Suspense> }
    } else {
        html! { <Suspense><Deferred><Pipeline snapshot={shown.clone()} {layout} highlight={state.highlight.clone()} on_action={on_action.clone()} /></Deferred></Suspense> }
    };
    html! {
        <div class={classes!("app", presenter.then_some("presenter"))} data-theme={state.theme.name()}>
            <nav class="skip-links" aria-label="Skip links">
                { for [("pipeline-heading", "Skip to the diagram"), ("lesson-heading", "Skip to the lesson"), ("stage-columns", "Skip to the controls")].into_iter().map(|(id, label)| html! {
                    <a href={format!("#{id}")} onclick={Callback::from(move |e: MouseEvent| { e.prevent_default(); focus_by_id(id); })}>{ label }</a>
                }) }
            </nav>
            <header class="app-header">
                <h1>{ "Stagecraft" }</h1>
                // A region the first screen's hydration leaves for a task of its own.
                <Suspense><Deferred>
                    <Clock time_label={time_label.clone()} minute={world.now.0} playing={state.playing} speed={state.speed} auto_pause={state.auto_pause} actors={world.config.actors.clone()}
                        actor={state.actor.clone()} theme={state.theme} presenter={presenter} acting={!phone} on_action={on_action.clone()} />
                </Deferred></Suspense>
                // The console is a trainer's tool for the projector: offered in presenter mode
                // (or while one is open), so learners' top bar stays short.
                if presenter || state.console.open_seq > 0 {
                    { console::room::console_button(state.console.status, &on_action) }
                }
            </header>
            // Nothing is built, opened or run for the console until the trainer asks for one.
            if state.console.open_seq > 0 {
                { console::room::room_link(&state, &on_action) }
            }
            <div class="live" aria-live="polite" role="status" data-testid="announce-polite">{ format!("{}", a.polite) }</div>
            <div class="live" aria-live="assertive" data-testid="announce-assertive">{ a.assertive.clone() }</div>
            if let Some(t) = &state.toast {
                <Toast toast={t.clone()} on_action={on_action.clone()} />
            }
            if let Some(note) = &state.console.note {
                { console::room::trainer_note(note, &on_action) }
            }
            if let Some(n) = &state.notice {
                <Notice notice={n.clone()} on_action={on_action.clone()} />
            }
            if phone {
                // Pinned at the top of the screen while the page and the sheet below move.
                <div class="strip-wrap">{ looking_back.clone().unwrap_or_default() }{ pipeline_view.clone() }</div>
            }
            <main class="layout">
                <section class="card diagram" aria-labelledby="pipeline-heading">
                    <h2 id="pipeline-heading" tabindex="-1">{ "Release pipeline" }</h2>
                    if !phone {
                        { moment.clone().unwrap_or_default() }
                        { looking_back.unwrap_or_default() }
                        <div class="diagram-scroll">{ pipeline_view }</div>
                    }
                    <div class="stage-columns" id="stage-columns" tabindex="-1">
                        if state.look_back.is_none() {
                            { for columns }
                        } else {
                            <p class="hint">{ "The controls act on the present: they come back with “Back to now”." }</p>
                        }
                    </div>
                </section>
                // What the first screen's hydration leaves for later tasks, a region each
                // (components/deferred.rs), after the clock, the diagram and the stage
                // columns; the header, the dialog and the panels' frames are taken over first.
                <aside class="side">
                    <Suspense><Deferred>
                        <LessonPanel training={state.training.clone()} decided_at={decided_at} next_step={next.as_ref().map(|n| (n.what.clone(), n.how.clone()))} start_minute_of_day={world.config.start_minute_of_day} looking_back={state.look_back.is_some()} on_action={on_action.clone()} />
                    </Deferred></Suspense>
                    <Suspense><Deferred>
                        <Details snapshot={snapshot.clone()} selection={state.selection.clone()} on_action={on_action.clone()} />
                    </Deferred></Suspense>
                    // The trainer's chaos menu stays in presenter mode: breaking something in
                    // front of the room must not mean leaving presenter mode first.
                    <Suspense><Deferred>
                        <Chaos snapshot={snapshot.clone()} instructor={state.training.instructor()} in_lesson={state.training.lesson.is_some()} on_action={on_action.clone()} />
                    </Deferred></Suspense>
                    <Suspense><Deferred>
                        <SessionBar undo_to={undo_to} share={state.share.clone()} on_action={on_action.clone()} />
                    </Deferred></Suspense>
                </aside>
                // Its charts are regions of their own (inside the component).
                <Monitoring snapshot={shown.clone()} looking_back={state.look_back.is_some()} on_action={on_action.clone()} />
                <Suspense><Deferred>
                    <Delivery snapshot={shown.clone()} />
                </Deferred></Suspense>
                <Suspense><Deferred>
                    <Timeline snapshot={shown.clone()} filter={state.filter.clone()} on_action={on_action.clone()} />
                </Deferred></Suspense>
                if !presenter {
                    <Suspense><Deferred>
                        <ConfigMatrix snapshot={snapshot.clone()} />
                    </Deferred></Suspense>
                }
            </main>
            if phone {
                <components::phone_bar::PhoneBar time_label={time_label.clone()} playing={state.playing}
                    moment={moment} next_step={next.as_ref().map(|n| n.what.clone())}
                    objectives={phone_objectives(&state)} controls_here={step_stage.is_some() && state.look_back.is_none()} on_action={on_action.clone()}>
                    <components::clock::ActingAs actors={world.config.actors.clone()} actor={state.actor.clone()} on_action={on_action.clone()} />
                    if let (Some(i), None) = (step_stage, &state.look_back) {
                        <div class="stage-columns sheet-controls">{ column(i) }</div>
                    }
                </components::phone_bar::PhoneBar>
            }
            if state.help_open { <Help on_action={on_action.clone()} /> }
            { dialog(&state, &snapshot, &kept_lab, &on_action) }
        </div>
    }
}

/// The summary of the lesson's next scripted change, while it has one left: the commit
/// form proposes it. Scripted changes are taken in order by "surprise me" commits, and the
/// lesson's solution names them in the same order.
fn lesson_change(state: &AppState) -> Option<AttrValue> {
    let lesson = state.training.lesson.as_ref()?;
    let left = state.world.scripted_commits_left();
    if left == 0 {
        return None;
    }
    let used = state.world.config.scripted_commits.len() - left;
    let summary = lesson
        .file
        .solution
        .iter()
        .filter_map(|c| match &c.command {
            crate::sim::Command::Commit { summary, .. } => Some(summary.to_string()),
            _ => None,
        })
        .nth(used)
        .unwrap_or_else(|| "The lesson's change".to_string());
    Some(summary.into())
}

/// Moves the keyboard focus to an element (a skip link's target), scrolling it into view.
fn focus_by_id(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(e) = gloo::utils::document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = e.focus();
    }
}

/// The reference solution's next step for the run so far: as the lesson panel says it, and
/// the stage whose controls perform it.
struct NextStep {
    what: AttrValue,
    how: AttrValue,
    stage: Option<usize>,
}

fn next_step(state: &AppState) -> Option<NextStep> {
    use crate::sim::Command;
    let lesson = state.training.lesson.as_ref()?;
    let step = crate::lessons::debrief::next_step(lesson, &state.world, &state.log.as_slice())?;
    let (what, how) = state::pacing::demo_caption(&state.world, step);
    let stage = match &step.command {
        Command::Commit { .. } => Some(0),
        Command::Promote { to: s, .. }
        | Command::Approve { stage: s, .. }
        | Command::Rollback { stage: s, .. }
        | Command::SwitchTraffic { stage: s }
        | Command::AdvanceRollout { stage: s }
        | Command::AbortRollout { stage: s }
        | Command::PauseRollout { stage: s }
        | Command::ResumeRollout { stage: s } => state.world.stage_index(s),
        _ => None,
    };
    Some(NextStep { what: what.into(), how: how.into(), stage })
}

/// The lesson's objectives, one short line each, for the phone's sheet (the lesson panel
/// further down has them in full).
fn phone_objectives(state: &AppState) -> Html {
    let statuses = state.training.progress.statuses();
    if statuses.is_empty() {
        return html! {};
    }
    let decided = state.training.verdict() != crate::lessons::Verdict::InProgress;
    html! {
        <ul class="objectives sheet-objectives" aria-label="Objectives" data-testid="sheet-objectives">
            { for statuses.iter().map(|s| components::lesson_panel::objective_item(s, decided)) }
        </ul>
    }
}

/// The open dialog, if any: the lesson picker, the debrief, the trainer's guide or the lab.
fn dialog(state: &AppState, snapshot: &Snapshot, kept_lab: &lab::KeptLab, on_action: &Callback<Action>) -> Html {
    match state.dialog {
        Some(state::Dialog::Picker) => {
            html! { <Picker library={state.library.clone()} records={state.records.clone()} on_action={on_action.clone()} /> }
        }
        Some(state::Dialog::Debrief) => {
            html! { <Debrief snapshot={snapshot.clone()} training={state.training.clone()} seed={state.seed} log={state.log.clone()} on_action={on_action.clone()} /> }
        }
        Some(state::Dialog::Guide) => html! { <Guide on_action={on_action.clone()} /> },
        Some(state::Dialog::Welcome) => html! { <components::welcome::Welcome on_action={on_action.clone()} /> },
        Some(state::Dialog::Lab) => html! {
            <lab::LabPanel library={state.library.clone()} current={state.training.scenario.clone()} on_action={on_action.clone()}
                lesson={state.training.lab.clone()} answered={state.training.lab_answer} kept={kept_lab.clone()} />
        },
        None => html! {},
    }
}

/// Id of the element the app mounts into (Yew clears it first, so the panic panel lives
/// outside it).
pub const ROOT_ID: &str = "app";

/// Entry point used by `src/main.rs`: installs the panic hook, then mounts [`App`] on
/// `#app` (or `<body>` if the page has no such element), hydrating the first screen the
/// page painted from its HTML if there is one.
pub fn start() {
    install_panic_hook();
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(ROOT_ID));
    // A window opened as the trainer's console (`?console=<channel>`) shows the console.
    if let Some(channel) = console::channel_in_address() {
        return console::start(root, channel);
    }
    match root {
        Some(root) => match painted_first_screen(&root) {
            // The page shows the first screen from its HTML (index.html's script): take it
            // over in place, so nothing moves, then let it be used. In a task of its own, not
            // the one that compiled and instantiated the wasm; the regions of
            // `components::deferred` then follow, a task each.
            Some(screen) => {
                gloo::timers::callback::Timeout::new(0, move || hydrate(root, screen)).forget();
            }
            None => {
                yew::Renderer::<App>::with_root(root).render();
            }
        },
        None => {
            yew::Renderer::<App>::new().render();
        }
    }
}

/// Hydrates the painted first screen: the app's first pass takes over the header, the
/// diagram and the dialog at once and sets the other regions aside for tasks of their own
/// (`components::deferred`); once that pass has run (still in this task, so no input comes
/// between), the app is usable, and the regions still waiting stay `inert` until their turn.
fn hydrate(root: web_sys::Element, screen: web_sys::Element) {
    components::deferred::defer_during_hydration();
    yew::Renderer::<App>::with_root(root).hydrate();
    // Before Yew's first pass (a microtask queued by `hydrate`), so the dialog's focus lands.
    let _ = screen.remove_attribute("inert");
    // Queued after that pass: the painted elements it copied for later are now set aside.
    wasm_bindgen_futures::spawn_local(async move { components::deferred::mark_waiting(&screen) });
}

/// The first screen that the release build's page painted from its HTML before the wasm
/// ran (`tools/first-screen.mjs`): inert until the app hydrates it.
fn painted_first_screen(root: &web_sys::Element) -> Option<web_sys::Element> {
    root.first_element_child()
        .filter(|e| e.has_attribute("inert") && e.get_attribute("class").is_some_and(|c| c.split_whitespace().any(|c| c == "app")))
}
