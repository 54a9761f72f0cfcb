//! Every built-in lesson, replayed headlessly: it loads, its reference solution wins it, and
//! its classic mistake loses it (learnGitBranching's levels.spec, for Stagecraft).
#![cfg(not(target_arch = "wasm32"))]

use stagecraft::lessons::{self, Concept, Lesson, Status, Verdict};
use stagecraft::sim::time::SimTime;
use stagecraft::sim::world::World;
use std::collections::BTreeSet;

fn story(lesson: &Lesson, world: &World) -> String {
    let statuses = lesson.check(world, &[]);
    let mut s: Vec<String> = statuses.iter().map(|o| format!("  [{:?}] {}", o.status, o.text)).collect();
    s.push("  events:".into());
    s.extend(world.recent.iter().filter(|e| e.is_important()).map(|e| format!("    {:>4} {}", e.at.0, world.describe(e))));
    s.join("\n")
}

#[test]
fn every_lesson_loads_and_its_solution_wins_it() {
    let mut failures = Vec::new();
    for id in lessons::ids() {
        let lesson = lessons::load(id).unwrap_or_else(|p| panic!("{id} does not load:\n{}", p.iter().map(|x| x.to_string()).collect::<Vec<_>>().join("\n")));
        if lesson.file.objectives.is_empty() {
            continue; // free play has nothing to win
        }
        let until = lesson.check_at();
        let world = lesson.replay(&lesson.file.solution, until);
        let verdict = lesson.verdict(&world, &lesson.file.solution);
        if verdict != Verdict::Won {
            failures.push(format!("{id}: solution gives {verdict:?} at minute {}\n{}", until.0, story(&lesson, &world)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_lesson_with_objectives_is_lost_by_its_classic_mistake() {
    let mut failures = Vec::new();
    for id in lessons::ids() {
        let lesson = lessons::load(id).unwrap();
        if lesson.file.objectives.is_empty() {
            assert!(lesson.file.mistake.is_none(), "{id}: a mistake without objectives proves nothing");
            continue;
        }
        let mistake = lesson.file.mistake.clone().unwrap_or_else(|| panic!("{id} has objectives but no mistake"));
        let world = lesson.replay(&mistake.commands, lesson.check_at());
        let verdict = lesson.verdict(&world, &mistake.commands);
        if verdict != Verdict::Lost {
            failures.push(format!("{id}: mistake \"{}\" gives {verdict:?}\n{}", mistake.description, story(&lesson, &world)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_live_session_and_the_replay_agree() {
    for id in ["backup-restore", "least-privilege", "first-promotion"] {
        let lesson = lessons::load(id).unwrap();
        let until = lesson.check_at();
        let replayed = lesson.replay(&lesson.file.solution, until);
        let mut live = lessons::Session::new(lesson.clone());
        for c in &lesson.file.solution {
            live.run_until(c.at);
            let _ = live.apply(&c.actor, c.command.clone());
        }
        live.run_until(until);
        assert_eq!(live.world, replayed, "{id}: live session and replay diverged");
        assert_eq!(live.verdict(), Verdict::Won);
        let again = lessons::Session::replay(lesson.clone(), lesson.seed(), live.log.clone(), until);
        assert_eq!(again.world, replayed);
    }
}

#[test]
fn the_lessons_cover_every_section_and_item_of_the_curriculum() {
    let covered: BTreeSet<Concept> = lessons::catalog().iter().flat_map(|l| l.concepts.clone()).collect();
    let missing: Vec<&str> = Concept::ALL.iter().filter(|c| !covered.contains(c)).map(|c| c.label()).collect();
    assert!(missing.is_empty(), "no lesson teaches: {missing:?}");
    let sections: BTreeSet<u8> = covered.iter().map(|c| c.section()).collect();
    assert_eq!(sections, BTreeSet::from([1, 2, 3, 4, 5]));
    assert!(lessons::catalog().len() >= 13, "at least 12 lessons and a sandbox");
}

#[test]
fn the_catalogue_is_ordered_and_ids_match_files() {
    let cat = lessons::catalog();
    assert_eq!(cat.len(), lessons::ids().len(), "every built-in file loads");
    assert!(cat.windows(2).all(|w| w[0].order < w[1].order), "distinct, increasing order");
    assert!(lessons::load("no-such-lesson").is_err());
}

#[test]
fn objectives_read_as_sentences_and_start_not_met() {
    let lesson = lessons::load("first-promotion").unwrap();
    let world = lesson.world();
    let statuses = lesson.check(&world, &[]);
    assert_eq!(statuses[0].text, "v1.1.0 serves all of Production, with an error rate under 1.0 %");
    assert_eq!(statuses[0].status, Status::NotYet);
    assert_eq!(lesson.verdict(&world, &[]), Verdict::InProgress);
    // A lesson is judged with its own seed; at minute 0 the time limit has not passed.
    assert_eq!(world.now, SimTime::ZERO);
}

#[test]
fn the_post_incident_report_tells_the_story_blamelessly() {
    let lesson = lessons::load("destructive-migration").unwrap();
    let world = lesson.replay(&lesson.file.solution, lesson.check_at());
    let md = lessons::report::post_incident(&world, Some(&lesson));
    for needle in [
        "# Post-incident review: What rollback cannot undo",
        "Blameless format",
        "### INC-1",
        "time to detect",
        "time to restore",
        "| Change failure rate |",
        "A destructive database migration ran in Production",
        "## Timeline",
        "Hotfix v1.1.1 built",
        "## Debrief",
    ] {
        assert!(md.contains(needle), "missing {needle:?} in:\n{md}");
    }
    assert!(!md.contains('<'), "no markup");
    let free = lessons::report::post_incident(&lessons::load("sandbox").unwrap().world(), None);
    assert!(free.contains("No incident was opened."));
}

#[test]
fn user_text_in_reports_is_escaped() {
    assert_eq!(lessons::report::escape("<b>*hi*</b>"), "&lt;b&gt;\\*hi\\*&lt;/b&gt;");
}

#[test]
fn the_readme_example_scenario_is_valid() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = &readme[readme.find("## Writing a scenario").expect("the README documents the format")..];
    let start = section.find("```json\n").unwrap() + 8;
    let end = start + section[start..].find("```").unwrap();
    let lesson = lessons::load_str("README.md", &section[start..end]).unwrap_or_else(|p| panic!("{p:?}"));
    let world = lesson.replay(&lesson.file.solution, SimTime(170)); // before the spike
    let statuses = lesson.check(&world, &lesson.file.solution);
    assert_eq!(lesson.verdict(&world, &lesson.file.solution), Verdict::Won, "{statuses:?}");
}
