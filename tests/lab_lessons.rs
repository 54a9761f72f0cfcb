//! Lab lessons (a question answered in the strategy lab from many runs): every built-in
//! one is well made, the way `tests/lessons.rs` proves the others. Its reference answer
//! holds over its runs and no other choice does; its classic mistake is an answer its
//! first week suggests: it holds on that one week and not over the runs.
#![cfg(not(target_arch = "wasm32"))]

use rayon::prelude::*;
use stagecraft::lab::lesson::Choice;
use stagecraft::lab::{compare, Arm, Comparison, Experiment, LabLesson, RunOutcome};
use stagecraft::lessons::{self, Verdict};

fn lab_lessons() -> Vec<(String, LabLesson)> {
    lessons::ids()
        .iter()
        .filter_map(|id| {
            let lesson = lessons::load(id).unwrap_or_else(|p| panic!("{id} does not load: {p:?}"));
            LabLesson::read(&lesson.file)
                .unwrap_or_else(|p| panic!("{id}: its lab block is refused: {p:?}"))
                .map(|lab| (id.to_string(), lab))
        })
        .collect()
}

/// Each thread prepares its own copy (a prepared experiment shares `Rc`s inside).
fn runs(e: &Experiment, arm: Arm, seeds: &[u64]) -> Vec<RunOutcome> {
    seeds.par_iter().map_init(|| e.prepare().unwrap(), |p, s| p.run_one(arm, *s)).collect()
}

fn holding(lab: &LabLesson, c: &Comparison) -> Vec<usize> {
    lab.choices.iter().enumerate().filter(|(_, x): &(usize, &Choice)| x.holds(c)).map(|(i, _)| i).collect()
}

#[test]
fn there_is_a_lab_lesson_and_it_compares_all_at_once_with_a_canary() {
    let all = lab_lessons();
    let (_, canary) = all
        .iter()
        .find(|(id, _)| id == "is-a-canary-worth-it")
        .expect("the lesson issue 15 asks for");
    assert_eq!((canary.a.as_str(), canary.b.as_str()), ("fast", "cautious"));
    assert_eq!(canary.runs, 1000);
    assert_eq!(canary.period_minutes, 7 * 24 * 60);
}

#[test]
fn one_week_suggests_the_classic_mistake() {
    for (id, lab) in lab_lessons() {
        let e = lab.first_look();
        let seed = [lab.first_look_seed];
        let one = compare(&runs(&e, Arm::A, &seed), &runs(&e, Arm::B, &seed));
        assert!(lab.choices[lab.mistake].holds(&one), "{id}: the mistake must hold on the first week (seed {})", lab.first_look_seed);
        assert_eq!(lab.verdict(lab.mistake, &one), Verdict::Won);
    }
}

/// The reference answer, replayed: over the lesson's runs exactly the answer holds.
/// `cargo test` builds without optimisation, where 2,000 simulated weeks take minutes, so
/// there the first 60 seeds of each policy stand in for them; an optimised build
/// (`cargo test --release`) checks every run, and the end-to-end test
/// (`tests/e2e/lab-lesson.test.mjs`) answers from all of them in the browser.
#[test]
fn over_the_runs_only_the_reference_answer_holds_and_the_mistake_loses() {
    for (id, lab) in lab_lessons() {
        let mut e = lab.experiment();
        if cfg!(debug_assertions) {
            e.runs = e.runs.min(60);
        }
        let seeds: Vec<u64> = e.seeds().collect();
        let c = compare(&runs(&e, Arm::A, &seeds), &runs(&e, Arm::B, &seeds));
        assert_eq!(holding(&lab, &c), vec![lab.answer], "{id}: over {} runs each, exactly the answer must hold", e.runs);
        assert_eq!(lab.verdict(lab.answer, &c), Verdict::Won);
        assert_eq!(lab.verdict(lab.mistake, &c), Verdict::Lost);
    }
}

#[test]
fn a_bad_lab_block_is_refused_with_every_problem_in_words() {
    let mut lesson = lessons::load("is-a-canary-worth-it").unwrap();
    let lab = lesson.file.lab.as_mut().unwrap();
    lab["a"] = "reckless".into();
    lab["runs"] = 0.into();
    lab["mistake"] = lab["answer"].clone();
    let problems = LabLesson::read(&lesson.file).unwrap_err();
    let text = problems.join("\n");
    assert!(text.contains("lab.a: there is no policy preset “reckless”"), "{text}");
    assert!(text.contains("lab.runs: expected 2 to"), "{text}");
    assert!(text.contains("lab.mistake: the mistake must be another choice"), "{text}");
    // A typo in a condition is said with its place.
    let mut lesson = lessons::load("is-a-canary-worth-it").unwrap();
    lesson.file.lab.as_mut().unwrap()["choices"][1]["holds_when"][0]["measure"] = "happiness".into();
    let problems = LabLesson::read(&lesson.file).unwrap_err();
    assert!(problems[0].starts_with("lab: choices[1].holds_when[0].measure"), "{problems:?}");
}
