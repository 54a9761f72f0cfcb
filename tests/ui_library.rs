//! The built-in lessons arrive after the first screen (the web app fetches them): the root
//! reducer asks for them, holds a link or file that needs them, and opens it when they come.
//! These tests play the hook's part by dispatching `LessonsArrived` themselves.

use std::rc::Rc;

use stagecraft::lessons::share::{ScenarioRef, SharedSession};
use stagecraft::lessons::{self, share};
use stagecraft::sim::SimTime;
use stagecraft::ui::state::{Action, AppState, Dialog, LibraryState};
use yew::Reducible;

fn files() -> Vec<(String, String)> {
    lessons::bundled_files()
        .into_iter()
        .map(|(id, text)| (id.to_string(), text.to_string()))
        .collect()
}

/// The id of the lesson being played (`None`: free play).
fn playing(s: &AppState) -> Option<&str> {
    s.training.lesson.as_ref().map(|l| l.id())
}

fn link_to(lesson: &str) -> String {
    share::encode(&SharedSession {
        scenario: ScenarioRef::Lesson(lesson.into()),
        seed: 7,
        log: Vec::new(),
        now: SimTime::ZERO,
    })
    .unwrap()
}

#[test]
fn the_app_starts_without_the_lessons_and_the_picker_asks_for_them_once() {
    let s = Rc::new(AppState::default());
    assert_eq!(s.library, LibraryState::NotLoaded);
    let s = s.reduce(Action::OpenedLessonPicker);
    assert_eq!(s.dialog, Some(Dialog::Picker));
    assert_eq!(s.library, LibraryState::Loading);
    let s = s.reduce(Action::LessonsArrived(Ok(files())));
    let library = s.library.library().expect("ready");
    assert_eq!(library.len(), lessons::ids().len());
    // Catalogue order comes from each file's `order`, not from file names.
    let orders: Vec<u32> = library.summaries().iter().map(|l| l.order).collect();
    assert!(orders.windows(2).all(|w| w[0] <= w[1]), "{orders:?}");
    // Opening it again neither reloads nor forgets them.
    let s = s
        .reduce(Action::ClosedDialog)
        .reduce(Action::OpenedLessonPicker);
    assert!(matches!(s.library, LibraryState::Ready(_)));
    let s = s.reduce(Action::PickedLesson("first-promotion".into()));
    assert_eq!(playing(&s), Some("first-promotion"));
}

#[test]
fn a_link_to_a_lesson_waits_for_the_lessons_then_opens() {
    let s = Rc::new(AppState::default()).reduce(Action::OpenedLink { link: link_to("backup-restore"), saved: None });
    assert_eq!(s.library, LibraryState::Loading);
    assert!(s.pending.is_some());
    assert!(
        s.training.lesson.is_none(),
        "free play stays until the lesson is here"
    );
    assert!(s.notice.is_none());
    let s = s.reduce(Action::LessonsArrived(Ok(files())));
    assert!(s.pending.is_none());
    assert_eq!(s.seed, 7);
    assert_eq!(playing(&s), Some("backup-restore"));
}

#[test]
fn a_free_play_link_opens_at_once_without_the_lessons() {
    let s = Rc::new(AppState::default()).reduce(Action::OpenedLink { link: link_to("sandbox"), saved: None });
    assert_eq!(s.library, LibraryState::NotLoaded);
    assert!(s.pending.is_none());
    assert_eq!(s.seed, 7);
}

#[test]
fn when_the_lessons_cannot_be_fetched_the_waiting_link_says_why_and_a_retry_asks_again() {
    let s = Rc::new(AppState::default()).reduce(Action::OpenedLink { link: link_to("backup-restore"), saved: None });
    let s = s.reduce(Action::LessonsArrived(Err(
        "the server answered 404 for lessons/backup-restore.json.".into(),
    )));
    assert!(matches!(s.library, LibraryState::Failed(_)));
    assert!(s.pending.is_none());
    let notice = s.notice.as_ref().expect("a notice");
    assert_eq!(notice.title, "This session link could not be opened.");
    assert!(notice.problems[0].contains("404"), "{:?}", notice.problems);
    assert!(
        s.training.lesson.is_none(),
        "the current session is unchanged"
    );
    let s = s.reduce(Action::RetriedLessons);
    assert_eq!(s.library, LibraryState::Loading);
}

#[test]
fn a_broken_lesson_file_is_reported_and_the_others_stay_available() {
    let mut files = files();
    let broken = files.iter_mut().find(|(id, _)| id == "sale-day").unwrap();
    broken.1 = "{ \"format_version\": 1,".into();
    let s = Rc::new(AppState::default())
        .reduce(Action::OpenedLessonPicker)
        .reduce(Action::LessonsArrived(Ok(files)));
    let library = s.library.library().expect("ready");
    assert!(library.get("sale-day").is_none());
    assert_eq!(library.len(), lessons::ids().len() - 1);
    let notice = s.notice.as_ref().expect("a notice");
    assert!(
        notice.title.contains("could not be read"),
        "{}",
        notice.title
    );
    assert!(
        notice.problems.iter().any(|p| p.contains("sale-day")),
        "{:?}",
        notice.problems
    );
}

/// A lab lesson opens the lab with the clock stopped; its answer (the verdict the lab read
/// from its runs) decides it once, as its one objective, and is remembered; Try again
/// forgets it and opens the lab again. A lesson file whose lab block is wrong never starts.
#[test]
fn a_lab_lesson_opens_the_lab_and_its_answer_decides_it_once() {
    use stagecraft::lessons::{Status, Verdict};
    let s = Rc::new(AppState::default())
        .reduce(Action::OpenedLessonPicker)
        .reduce(Action::LessonsArrived(Ok(files())))
        .reduce(Action::PickedLesson("is-a-canary-worth-it".into()));
    assert_eq!(playing(&s), Some("is-a-canary-worth-it"));
    assert_eq!(s.dialog, Some(Dialog::Lab));
    assert!(!s.playing);
    assert!(s.training.lab.is_some());
    assert_eq!(s.training.verdict(), Verdict::InProgress);
    // Its world's minutes decide nothing.
    let s = s.reduce(Action::PressedStep);
    assert_eq!(s.training.verdict(), Verdict::InProgress);
    let s = s.reduce(Action::AnsweredLabQuestion { choice: 0, verdict: Verdict::Lost });
    assert_eq!(s.training.verdict(), Verdict::Lost);
    let statuses = s.training.progress.statuses();
    assert_eq!(statuses.len(), 1);
    assert!(matches!(&statuses[0].status, Status::Failed { reason } if reason.contains("does not hold over the 1,000 runs")), "{statuses:?}");
    assert_eq!(s.records.get("is-a-canary-worth-it"), Some(&Verdict::Lost));
    let same = s.clone().reduce(Action::AnsweredLabQuestion { choice: 1, verdict: Verdict::Won });
    assert_eq!(same.training.verdict(), Verdict::Lost, "the first answer stands");
    let s = s.reduce(Action::ClickedReset);
    assert_eq!(s.training.verdict(), Verdict::InProgress);
    assert!(s.training.lab_answer.is_none());
    assert_eq!(s.dialog, Some(Dialog::Lab));
    let s = s.reduce(Action::AnsweredLabQuestion { choice: 1, verdict: Verdict::Won });
    assert_eq!(s.records.get("is-a-canary-worth-it"), Some(&Verdict::Won));

    let mut text: serde_json::Value = serde_json::from_str(lessons::bundled_files().into_iter().find(|(id, _)| *id == "is-a-canary-worth-it").unwrap().1).unwrap();
    text["lab"]["b"] = "careful".into();
    let before = s.training.lesson.clone();
    let s = s.reduce(Action::ChoseScenarioFile { name: "mine.json".into(), text: text.to_string() });
    assert!(Rc::ptr_eq(before.as_ref().unwrap(), s.training.lesson.as_ref().unwrap()), "the session is unchanged");
    let notice = s.notice.as_ref().expect("said");
    assert!(notice.problems.iter().any(|p| p.contains("no policy preset “careful”")), "{notice:?}");
}
