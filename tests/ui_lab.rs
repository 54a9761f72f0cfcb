#![cfg(not(target_arch = "wasm32"))]
//! The strategy lab's own reducer (`ui::lab::state`), natively: a refused run says why and
//! asks for no worker; a run asks for one and takes its answers in any order; Cancel keeps
//! what arrived; a chosen run becomes the session of that exact seed. The workers are
//! stood in for by `Prepared::run_one`, which is what they call.

use std::rc::Rc;

use stagecraft::lab::Arm;
use stagecraft::lessons::share::ScenarioRef;
use stagecraft::lessons::FREE_PLAY_ID;
use stagecraft::ui::lab::form::NumberField;
use stagecraft::ui::lab::pool::PoolEvent;
use stagecraft::ui::lab::state::{prepare, LabAction, LabContext, LabState, Phase};
use stagecraft::ui::state::LibraryState;
use yew::Reducible;

fn free_play() -> ScenarioRef {
    ScenarioRef::Lesson(FREE_PLAY_ID.into())
}

/// The app as it opens: free play, the built-in lessons not fetched yet.
fn context() -> Rc<LabContext> {
    Rc::new(LabContext { library: LibraryState::NotLoaded, current: Rc::new(free_play()) })
}

fn lab() -> Rc<LabState> {
    let s = Rc::new(LabState::new(&free_play()));
    let s = s.reduce(LabAction::EditedRuns("6".into()));
    s.reduce(LabAction::ChosePeriod("1".into()))
}

/// What the workers would answer for `arm`, seeds `from..to`.
fn batch(s: &LabState, arm: Arm, from: u64, to: u64) -> LabAction {
    let request = s.request().expect("a running lab asks for workers");
    // What each worker does with the request.
    let prepared = prepare(&request.spec, &request.builtin).expect("the experiment prepares");
    LabAction::Workers(PoolEvent::Outcomes {
        seq: s.seq,
        outcomes: Rc::new((from..to).map(|seed| prepared.run_one(arm, seed)).collect()),
        workers: 2,
        elapsed_ms: 10.0,
    })
}

#[test]
fn a_value_out_of_range_is_refused_in_words_and_no_run_is_asked_for() {
    let s = lab().reduce(LabAction::EditedNumber { arm: Arm::A, field: NumberField::CommitsPerRelease, text: "500".into() });
    let s = s.reduce(LabAction::EditedNumber { arm: Arm::B, field: NumberField::CommitsPerDay, text: "lots".into() });
    let s = s.reduce(LabAction::ClickedRun(context()));
    assert_eq!(s.phase, Phase::Idle);
    assert!(s.request().is_none());
    assert_eq!(
        s.problems,
        vec![
            "Policy A: commits_per_release must be between 1 and 100 (it is 500)".to_string(),
            "Policy B: Commits per day: expected a whole number, 0 or more, found “lots”".to_string(),
        ]
    );
}

#[test]
fn a_run_asks_for_workers_takes_batches_in_any_order_then_compares() {
    let s = lab().reduce(LabAction::ClickedRun(context()));
    let request = s.request().expect("a run asks for workers");
    assert_eq!((request.first, request.runs), (1, 6));
    // Settings are locked while it runs.
    let same = s.clone().reduce(LabAction::EditedRuns("9".into()));
    assert!(Rc::ptr_eq(&s, &same));
    let s = s.clone().reduce(batch(&s, Arm::B, 4, 7));
    let s = s.clone().reduce(batch(&s, Arm::A, 1, 7));
    assert!(matches!(s.phase, Phase::Running { done: 9, total: 12, .. }));
    assert!(s.comparison.is_none());
    let s = s.clone().reduce(batch(&s, Arm::B, 1, 4));
    assert!(matches!(s.phase, Phase::Finished { total: 12, workers: 2, .. }));
    assert!(s.request().is_none(), "a finished run lets its workers go");
    let c = s.comparison.as_ref().expect("compared");
    assert_eq!(c.clusters_a.total(), 6);
    assert_eq!(c.clusters_b.total(), 6);
    assert_eq!(s.worst.len(), c.measures.len());
}

#[test]
fn cancel_keeps_what_arrived_and_a_late_answer_is_ignored() {
    let s = lab().reduce(LabAction::ClickedRun(context()));
    let late = batch(&s, Arm::B, 1, 4);
    let s = s.clone().reduce(batch(&s, Arm::A, 1, 4));
    let s = s.reduce(LabAction::ClickedCancel);
    assert_eq!(s.phase, Phase::Cancelled { done: 3, total: 12 });
    assert!(s.request().is_none(), "Cancel lets the workers go");
    assert_eq!(s.comparison.as_ref().map(|c| c.clusters_a.total()), Some(3));
    let after = s.clone().reduce(late);
    assert_eq!(after.phase, Phase::Cancelled { done: 3, total: 12 });
}

/// The lab opens again as it was left (a trainer goes from the charts to a run and back):
/// its setup and results stay; a run it had going is cancelled, keeping what came in (its
/// workers closed with the lab); what it asked of the app once (a run to open) is not asked
/// again, or reopening would close it at once.
#[test]
fn the_lab_opens_again_as_it_was_left() {
    use stagecraft::ui::lab::KeptLab;
    let kept = KeptLab::default();
    assert!(kept.reopen().is_none(), "nothing kept: the lab starts afresh");
    let s = lab().reduce(LabAction::ClickedRun(context()));
    let s = s.clone().reduce(batch(&s, Arm::A, 1, 7));
    let s = s.clone().reduce(batch(&s, Arm::B, 1, 7));
    let s = s.reduce(LabAction::ClickedOpenRun { arm: Arm::A, seed: 2 });
    assert!(s.open.is_some());
    kept.keep((*s).clone());
    let again = kept.reopen().expect("kept");
    assert_eq!(again.open, None, "the run was opened once");
    assert_eq!((again.runs.as_str(), again.period_days), ("6", 1));
    assert_eq!(again.comparison, s.comparison);
    assert!(matches!(again.phase, Phase::Finished { total: 12, .. }));
    // Closed mid-run: cancelled, with what arrived.
    let s = lab().reduce(LabAction::ClickedRun(context()));
    let s = s.clone().reduce(batch(&s, Arm::A, 1, 4));
    kept.keep((*s).clone());
    let again = kept.reopen().expect("kept");
    assert_eq!(again.phase, Phase::Cancelled { done: 3, total: 12 });
    assert!(again.request().is_none(), "no run restarts on its own");
}

#[test]
fn a_chosen_run_is_that_seeds_session() {
    let s = lab().reduce(LabAction::ClickedRun(context()));
    let s = s.clone().reduce(batch(&s, Arm::A, 1, 7));
    let s = s.clone().reduce(batch(&s, Arm::B, 1, 7));
    let s = s.reduce(LabAction::ClickedOpenRun { arm: Arm::B, seed: 5 });
    let open = s.open.as_ref().expect("a run to open");
    let expected = s.prepared.as_ref().unwrap().0.session_for(Arm::B, 5);
    assert_eq!(open.session, expected);
    assert_eq!(open.session.seed, 5);
    assert_eq!(open.session.now.0, 24 * 60, "the session ends where the run ended");
}

/// The run opens in the simulator with a visible word about what it is: the lesson panel
/// reads `from_lab` (it was said to screen readers only, and sighted newcomers were lost).
#[test]
fn an_opened_run_says_on_screen_that_it_comes_from_the_lab() {
    use stagecraft::ui::state::{Action, AppState};
    let s = lab().reduce(LabAction::ClickedRun(context()));
    let s = s.clone().reduce(batch(&s, Arm::A, 1, 7));
    let s = s.clone().reduce(batch(&s, Arm::B, 1, 7));
    let s = s.reduce(LabAction::ClickedOpenRun { arm: Arm::B, seed: 5 });
    let session = s.open.as_ref().expect("a run to open").session.clone();
    let app = Rc::new(AppState::default());
    assert_eq!(app.training.from_lab, None);
    let app = app.reduce(Action::OpenedLabRun(session));
    assert_eq!(app.training.from_lab.as_ref().map(|o| o.seed), Some(5));
    assert_eq!(app.world.seed, 5);
    // Any other session is not the lab's run.
    let app = app.reduce(Action::PickedLesson("first-promotion".into()));
    assert_eq!(app.training.from_lab, None);
}

/// A run opened from the lab points at its longest production incident (in a week-long run
/// it is often older than the events the timeline keeps, and a newcomer could reach it only
/// by undoing the team's commands one by one): the incident is selected and the diagram
/// looks back to the last minute before it was mitigated, where it is still open; "Show
/// INC-n again" brings that back after "Back to now". A run with none looks nowhere.
#[test]
fn an_opened_run_points_at_its_longest_production_incident() {
    use stagecraft::lab::outcome::harm_minutes;
    use stagecraft::ui::state::{Action, AppState, Selection};
    let s = lab().reduce(LabAction::ClickedRun(context()));
    let request = s.request().expect("a running lab asks for workers");
    let prepared = prepare(&request.spec, &request.builtin).expect("the experiment prepares");
    let (mut mitigated, mut without) = (0, 0);
    for arm in [Arm::A, Arm::B] {
        for seed in 1..=6 {
            let app = Rc::new(AppState::default()).reduce(Action::OpenedLabRun(prepared.session_for(arm, seed)));
            let origin = app.training.from_lab.clone().expect("the session says it is the lab's run");
            let production = &app.world.stages.last().expect("stages").config.id;
            let longest = app
                .world
                .incidents
                .iter()
                .filter(|i| &i.stage == production)
                .map(|i| harm_minutes(i, &app.world))
                .max();
            let Some(worst) = origin.worst else {
                assert_eq!(longest, None, "seed {seed}: a production incident was missed");
                assert!(app.look_back.is_none() && app.selection.is_none());
                without += 1;
                continue;
            };
            assert_eq!(Some(worst.hurt_for), longest, "seed {seed}: not the longest");
            assert_eq!(app.selection, Some(Selection::Incident(worst.id)));
            if !worst.mitigated {
                assert!(app.look_back.is_none(), "an incident still open at the end is shown at the end");
                continue;
            }
            mitigated += 1;
            let then = app.look_back.clone().expect("the diagram looks back to the incident");
            let there = then.world.incidents.iter().find(|i| i.id == worst.id).expect("the incident is open then");
            assert!(there.mitigated_at.is_none(), "seed {seed}: looked back to after the mitigation");
            let after = stagecraft::sim::SimTime(then.at.0 + 1);
            let app = app.reduce(Action::LookedBack(after));
            let later = app.look_back.as_ref().expect("a minute later is still the past");
            let mitigated_then = later.world.incidents.iter().find(|i| i.id == worst.id).and_then(|i| i.mitigated_at);
            assert!(mitigated_then.is_some(), "seed {seed}: the minute after, it is mitigated (so the one shown is the last before)");
            let app = app.reduce(Action::ReturnedToNow);
            assert!(app.look_back.is_none());
            let app = app.reduce(Action::ClickedShowLabIncident);
            assert_eq!(app.look_back.as_ref().map(|l| l.at), Some(then.at), "Show again looks back to the same minute");
            // Reset starts the scenario again without the lab's team: no longer the lab's run.
            let app = app.reduce(Action::ClickedReset);
            assert_eq!(app.training.from_lab, None);
            assert_eq!(app.clone().reduce(Action::ClickedShowLabIncident).look_back, None);
        }
    }
    assert!(mitigated > 0, "no run among these seeds had a mitigated production incident: choose others");
    let _ = without;
}

/// A policy with no alert rule is flagged beside its results: its change failure rate counts
/// only what users reported, so its DORA cluster can flatter it (a newcomer read "49 % elite"
/// as the best policy). The flag follows the policies that ran, not later edits.
#[test]
fn results_flag_a_policy_that_ran_without_alerts() {
    let s = lab().reduce(LabAction::ChosePreset { arm: Arm::A, key: "unmonitored".into() });
    assert_eq!(s.result_unmonitored(), [true, false]);
    let s = s.reduce(LabAction::ClickedRun(context()));
    let s = s.clone().reduce(batch(&s, Arm::A, 1, 7));
    let s = s.clone().reduce(batch(&s, Arm::B, 1, 7));
    assert!(!s.running(), "the run is over: {:?}", s.phase);
    let s = s.reduce(LabAction::ChosePreset { arm: Arm::A, key: "cautious".into() });
    assert!(s.forms[0].alerts != stagecraft::lab::AlertChoice::None, "the form changed");
    assert_eq!(s.result_unmonitored(), [true, false], "the run's policies, not the form's");
}

#[test]
fn a_lesson_waits_for_the_library() {
    let s = lab().reduce(LabAction::ChoseScenario("lesson:canary-catches-regression".into()));
    let s = s.reduce(LabAction::ClickedRun(context()));
    assert_eq!(s.problems, vec!["Scenario: the built-in lessons are still loading; try again in a moment.".to_string()]);
    assert!(s.request().is_none());
}

/// A lab lesson in the lab: its settings are locked; the first run is the first week, the
/// next one every run; the answer's verdict is read from the comparison on screen and
/// handed to the app once.
#[test]
fn a_lab_lesson_walks_one_week_then_every_run_then_the_question() {
    use stagecraft::lab::LabLesson;
    use stagecraft::ui::lab::state::LessonStep;
    let lesson = stagecraft::lessons::load("is-a-canary-worth-it").unwrap();
    let mut lab = LabLesson::read(&lesson.file).unwrap().expect("a lab lesson");
    // Six one-day runs stand in for a thousand weeks.
    (lab.runs, lab.period_minutes) = (6, 24 * 60);
    let lab = Rc::new(lab);
    let s = Rc::new(LabState::for_lesson(&free_play(), lab.clone(), None));
    assert_eq!((s.forms[0].preset, s.forms[1].preset), (Some("fast"), Some("cautious")));
    let same = s.clone().reduce(LabAction::ChosePreset { arm: Arm::A, key: "cautious".into() });
    assert!(Rc::ptr_eq(&s, &same), "the lesson's policies are locked");
    let same = s.clone().reduce(LabAction::EditedRuns("9".into()));
    assert!(Rc::ptr_eq(&s, &same), "so are its runs");
    assert_eq!(s.lesson.as_ref().unwrap().step(), LessonStep::FirstLook);

    let s = s.reduce(LabAction::ClickedRun(context()));
    let request = s.request().expect("the first week runs in the workers too");
    assert_eq!((request.first, request.runs), (lab.first_look_seed, 1));
    let seed = lab.first_look_seed;
    let s = s.clone().reduce(batch(&s, Arm::A, seed, seed + 1));
    let s = s.clone().reduce(batch(&s, Arm::B, seed, seed + 1));
    let l = s.lesson.as_ref().unwrap();
    assert_eq!(l.step(), LessonStep::AllRuns);
    assert_eq!(l.looked.as_ref().unwrap()[0].seed, seed);
    let too_early = s.clone().reduce(LabAction::ChoseAnswer(lab.answer)).reduce(LabAction::CheckedAnswer);
    assert!(too_early.answer_out.is_none(), "no answer from one week");

    let s = s.reduce(LabAction::ClickedRun(context()));
    let request = s.request().unwrap();
    assert_eq!((request.first, request.runs), (1, 6));
    let s = s.clone().reduce(batch(&s, Arm::A, 1, 7));
    let s = s.clone().reduce(batch(&s, Arm::B, 1, 7));
    assert_eq!(s.lesson.as_ref().unwrap().step(), LessonStep::Question);
    let expected = lab.verdict(lab.mistake, s.comparison.as_ref().unwrap());
    let s = s.reduce(LabAction::ChoseAnswer(lab.mistake)).reduce(LabAction::CheckedAnswer);
    assert_eq!(s.answer_out, Some((1, lab.mistake, expected)));
    assert_eq!(s.lesson.as_ref().unwrap().step(), LessonStep::Answered);
    let same = s.clone().reduce(LabAction::ChoseAnswer(lab.answer)).reduce(LabAction::CheckedAnswer);
    assert_eq!(same.answer_out, s.answer_out, "the first answer stands");
}

#[test]
fn the_freeze_and_the_way_schema_changes_are_written_are_the_users_to_set() {
    use stagecraft::sim::change::MigrationPractice;
    let s = lab().reduce(LabAction::ChosePreset { arm: Arm::A, key: "cautious".into() });
    let before = s.forms[0].policy().expect("a preset is a valid policy");
    assert!(before.error_budget_freeze);
    assert_eq!(before.migrations, MigrationPractice::ExpandContract);
    let s = s.reduce(LabAction::ToggledFreeze { arm: Arm::A });
    let s = s.reduce(LabAction::ChoseMigrations { arm: Arm::A, expand_contract: false });
    let after = s.forms[0].policy().expect("still valid");
    assert!(!after.error_budget_freeze);
    assert_eq!(after.migrations, MigrationPractice::InPlace);
    assert_eq!(s.forms[0].preset, None, "an edited preset is the user's own policy");
    assert_eq!(s.forms[1].policy().unwrap().migrations, LabState::new(&free_play()).forms[1].policy().unwrap().migrations, "policy B is untouched");
}

#[test]
fn a_policy_file_loads_into_one_side_and_a_bad_one_changes_nothing_and_says_why() {
    use stagecraft::lab::Policy;
    let s = lab();
    let rolling = serde_json::to_string_pretty(&Policy::preset("rolling").unwrap()).unwrap();
    let s = s.reduce(LabAction::LoadedPolicyFile { arm: Arm::B, name: "rolling.json".into(), text: rolling });
    assert_eq!(s.forms[1].policy().unwrap(), Policy::preset("rolling").unwrap(), "the file's policy, setting for setting");
    let note = s.file_notes[1].clone().expect("a note under policy B");
    assert!(note.ok && note.text.contains("rolling.json"), "{note:?}");
    assert_eq!(s.file_notes[0], None);

    let before = s.forms[0].clone();
    let s = s.reduce(LabAction::LoadedPolicyFile { arm: Arm::A, name: "mine.json".into(), text: r#"{"name": "x", "strategy": {"kind": "sideways"}}"#.into() });
    assert_eq!(s.forms[0], before, "a bad file leaves the form as it was");
    let note = s.file_notes[0].clone().unwrap();
    assert!(!note.ok, "{note:?}");
    assert!(note.text.starts_with("mine.json was not loaded, policy A is unchanged: ") && note.text.contains("sideways"), "{}", note.text);

    let s = s.reduce(LabAction::EditedNumber { arm: Arm::A, field: NumberField::CommitsPerRelease, text: "500".into() });
    let s = s.reduce(LabAction::ClickedSavePolicy { arm: Arm::A });
    assert_eq!(s.download, None, "an invalid form is not saved");
    assert!(s.file_notes[0].as_ref().is_some_and(|n| !n.ok && n.text.contains("commits_per_release")));
}

#[test]
fn a_saved_policy_is_the_file_the_command_line_reads_back() {
    use stagecraft::lab::Policy;
    let s = lab().reduce(LabAction::ClickedSavePolicy { arm: Arm::B });
    let d = s.download.clone().expect("a file to save");
    assert_eq!(d.file_name, "cautious-canary-analysis-auto-rollback.json");
    assert_eq!(d.mime, "application/json");
    assert_eq!(Policy::from_json(&d.text).unwrap(), s.forms[1].policy().unwrap());
    let again = s.reduce(LabAction::ClickedSavePolicy { arm: Arm::B });
    assert_eq!(again.download.as_ref().map(|d| d.seq), Some(d.seq + 1), "each click saves once more");
}

#[test]
fn results_keep_the_names_they_were_run_under_when_a_policy_is_renamed_after() {
    let s = lab().reduce(LabAction::ClickedRun(context()));
    let s = s.clone().reduce(batch(&s, Arm::A, 1, 7));
    let s = s.clone().reduce(batch(&s, Arm::B, 1, 7));
    let before = s.result_names();
    let s = s.reduce(LabAction::Renamed { arm: Arm::A, name: "Renamed later".into() });
    assert_eq!(s.forms[0].name, "Renamed later", "the form takes the new name");
    assert_eq!(s.result_names(), before, "the results keep the name they ran under");
    assert_ne!(before[0], "Renamed later");
    // Before any run, the results' names are the forms' (nothing to keep).
    let fresh = lab().reduce(LabAction::Renamed { arm: Arm::B, name: "Mine".into() });
    assert_eq!(fresh.result_names()[1], "Mine");
}

/// The incident a run from the lab opens on says why, not only when: how it was found, what
/// was running, and what it was blamed on (a newcomer could read its times and nothing else).
#[tokio::test]
async fn an_incident_says_how_it_was_found_and_what_it_was_blamed_on() {
    use stagecraft::ui::components::details::{Details, DetailsProps};
    use stagecraft::ui::components::Snapshot;
    use stagecraft::ui::state::{Action, AppState};
    let s = lab().reduce(LabAction::ClickedRun(context()));
    let request = s.request().expect("a running lab asks for workers");
    let prepared = prepare(&request.spec, &request.builtin).expect("the experiment prepares");
    let opened = (1..=6)
        .map(|seed| Rc::new(AppState::default()).reduce(Action::OpenedLabRun(prepared.session_for(Arm::A, seed))))
        .find(|app| app.training.from_lab.as_ref().is_some_and(|o| o.worst.is_some()))
        .expect("a run with a production incident among these seeds");
    let props = DetailsProps {
        snapshot: Snapshot { world: opened.world.clone(), rev: opened.rev },
        selection: opened.selection.clone(),
        on_action: yew::Callback::noop(),
    };
    let html = yew::LocalServerRenderer::<Details>::with_props(props).render().await;
    assert!(html.contains("Incident INC-"), "{html}");
    assert!(html.contains("Detected after"), "{html}");
    assert!(html.contains("Running when it opened: v"), "{html}");
    assert!(html.contains("Blamed on"), "{html}");
}
