//! The words the diagram shows while something moves: a stage that serves traffic never
//! reads "not serving", and a percentage is never glued to the word before it.
#![cfg(not(target_arch = "wasm32"))]

use stagecraft::lessons;
use stagecraft::sim::{Command, SimTime};
use stagecraft::ui::components::station::{Station, StationProps};
use stagecraft::ui::components::Snapshot;
use stagecraft::ui::view;
use std::rc::Rc;

/// bad-deploy-rollback with its rollback moved `shift` minutes, every minute until the end.
fn minutes(shift: i64) -> Vec<stagecraft::sim::World> {
    let lesson = lessons::load("bad-deploy-rollback").unwrap();
    let mut log = lesson.file.solution.clone();
    let k = log.iter().position(|c| matches!(c.command, Command::Rollback { .. })).expect("the lesson rolls back");
    log[k].at = SimTime((log[k].at.0 as i64 + shift).max(0) as u64);
    log.sort_by_key(|c| c.at.0);
    let last = log.last().unwrap().at.0;
    (last.saturating_sub(30)..=lesson.check_at().0).map(|m| lesson.replay(&log, SimTime(m))).collect()
}

#[test]
fn production_never_reads_not_serving_while_requests_arrive_even_mid_rollback() {
    // Rolled back 9 minutes early, the surge replaces Production's pools while the users'
    // traffic still comes in (issue 12: "not serving" at 4,953 req/min).
    let mut seen_rollback = false;
    for shift in [-11, -9, -5, 0] {
        for world in minutes(shift) {
            for (i, stage) in world.stages.iter().enumerate() {
                seen_rollback |= view::progress(&world, i).iter().any(|p| p.rollback);
                if stage.last.requests > 0 {
                    assert_ne!(view::serving_text(stage), "not serving", "{} at minute {} (shift {shift}) serves {} req/min", stage.name(), world.now.0, stage.last.requests);
                }
            }
        }
    }
    assert!(seen_rollback, "a rollback was seen running");
}

/// The text of a station's progress bars as a screen reader or a copy reads it: the label
/// and the percentage are two text elements on one line, joined as they are.
async fn progress_text(world: &stagecraft::sim::World, index: usize) -> String {
    let props = StationProps {
        snapshot: Snapshot { world: Rc::new(world.clone()), rev: 0 },
        index,
        place: stagecraft::ui::components::pipeline::Place { x: 0.0, y: 0.0, width: 230.0 },
        highlighted: false,
        highlight_release: None,
        on_action: Default::default(),
    };
    let html = yew::LocalServerRenderer::<Station>::with_props(props).render().await;
    let mut text = String::new();
    let mut tag = false;
    let bars = html.split(r#"class="progress"#).skip(1).map(|b| b.split("</g>").next().unwrap_or_default());
    for c in bars.flat_map(|b| b.chars().chain(std::iter::once('\n'))) {
        match c {
            '<' => tag = true,
            '>' => tag = false,
            c if !tag => text.push(c),
            _ => {}
        }
    }
    text
}

#[tokio::test]
async fn a_percentage_never_follows_a_word_without_a_space() {
    let glued = |s: &str| {
        s.split('%').any(|before| {
            let t = before.trim_end();
            let num = t.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
            num.len() < t.len() && num.ends_with(|c: char| c.is_alphabetic())
        })
    };
    let mut checked = 0;
    for shift in [-9, 0] {
        for world in minutes(shift) {
            for i in 0..world.stages.len() {
                if view::progress(&world, i).is_empty() {
                    continue;
                }
                let text = progress_text(&world, i).await;
                assert!(!glued(&text), "minute {}: {text}", world.now.0);
                checked += 1;
            }
        }
    }
    assert!(checked > 10, "progress was drawn ({checked} stations checked)");
    assert!(glued("starting100 %") && !glued("v1.0.0 starting 100 %"), "the check itself");
}

/// Two releases serving side by side ran past the station's box ("v1.20.0 50% · v1.19.0
/// 50%" at 16 px is 240 units in a 230-unit box): long text is squeezed to fit, short text
/// is left alone, and the phone's boxes name the releases without their weights.
#[test]
fn a_stations_release_text_fits_its_box() {
    assert_eq!(view::fit_length("v1.20.0 50% · v1.19.0 50%", 9.6, 218.0), Some("218".into()));
    assert_eq!(view::fit_length("v1.20.0", 9.6, 218.0), None);
    assert_eq!(view::fit_length("v1.20.0 + v1.19.0", 6.6, 104.0), Some("104".into()));
}
