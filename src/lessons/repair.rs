//! When a scenario file has type errors, the checks of meaning (stages that exist, actors,
//! minutes in order, the solution's commands) still run on everything else, so one import
//! reports every problem it can find instead of a first round of types and a second of
//! meaning.
//!
//! The file is repaired for the purpose: a list item with a type error is left out (and the
//! items after it keep their own numbers in the problems reported), an optional field with
//! one is left out, a required one gets a neutral stand-in. Problems about what was left out
//! or stood in are not reported: that part is already reported as a type error.

use super::format::ScenarioFile;
use super::parse::{type_errors, FieldCheck, Problem};
use super::json::{self, Value};

/// Fields the format requires, with the stand-in used while their own value is wrong.
const REQUIRED: &[&str] = &["format", "id", "title", "summary", "concepts", "seed"];

/// Lists whose items are checked one by one.
const LISTS: &[&str] = &["concepts", "timeline", "objectives", "hints", "quiz", "solution"];

/// The problems of meaning in the parts of `value` that have the right types.
pub fn check_the_rest(file: &str, value: &Value, fields: &[(&str, FieldCheck)]) -> Vec<Problem> {
    let Value::Object(map) = value else {
        return Vec::new();
    };
    let mut map = map.clone();
    let mut stood_in: Vec<String> = Vec::new();
    // For each list with items left out: the original number of each remaining item.
    let mut kept: Vec<(String, Vec<usize>)> = Vec::new();
    let mut dropped: Vec<(String, usize)> = Vec::new();
    for e in type_errors(value, fields) {
        let Some(path) = e.path() else { continue };
        let (field, index) = split(&path);
        match index {
            Some(i) if LISTS.contains(&field) => dropped.push((field.to_string(), i)),
            _ => stood_in.push(field.to_string()),
        }
    }
    if stood_in.iter().any(|f| f == "setup") {
        // The setup decides which stages and actors exist: checking against a stand-in
        // would report problems that are not there.
        return vec![wait(file, "setup")];
    }
    for f in &stood_in {
        if REQUIRED.contains(&f.as_str()) {
            map.insert(f.clone(), stand_in(f));
        } else {
            map.remove(f);
        }
    }
    for field in LISTS {
        let gone: Vec<usize> = dropped.iter().filter(|(f, _)| f == field).map(|(_, i)| *i).collect();
        if gone.is_empty() {
            continue;
        }
        if let Some(Value::Array(items)) = map.get(*field) {
            let (items, original): (Vec<Value>, Vec<usize>) = items
                .iter()
                .cloned()
                .enumerate()
                .filter(|(i, _)| !gone.contains(i))
                .map(|(i, v)| (v, i))
                .unzip();
            map.insert(field.to_string(), Value::Array(items));
            kept.push((field.to_string(), original));
        }
    }
    let Ok(scenario) = json::from_value::<ScenarioFile>(&Value::Object(map)) else {
        return vec![wait(file, "the fields above")];
    };
    let mut found = Vec::new();
    let config = super::validate::build_config(file, &scenario, &mut found);
    super::validate::check_scenario(file, &scenario, &config, &mut found);
    found
        .into_iter()
        .filter_map(|mut p| {
            let Some(path) = p.location.path.clone() else {
                return Some(p);
            };
            let (field, index) = split(&path);
            if stood_in.iter().any(|f| f == field) {
                return None;
            }
            if let (Some(j), Some((_, original))) = (index, kept.iter().find(|(f, _)| f == field)) {
                let i = *original.get(j)?;
                let rest = &path[path.find(']').map_or(path.len(), |k| k + 1)..];
                p.location.path = Some(format!("{field}[{i}]{rest}"));
            }
            Some(p)
        })
        .collect()
}

/// `objectives[2].stage` → ("objectives", Some(2)); `seed` → ("seed", None).
fn split(path: &str) -> (&str, Option<usize>) {
    let end = path.find(['.', '[']).unwrap_or(path.len());
    let field = &path[..end];
    let index = path[end..]
        .strip_prefix('[')
        .and_then(|r| r.split(']').next())
        .and_then(|n| n.parse().ok());
    (field, index)
}

fn stand_in(field: &str) -> Value {
    match field {
        "format" => Value::from(super::format::FORMAT_VERSION),
        "seed" => Value::from(0u64),
        "concepts" => Value::Array(Vec::new()),
        _ => Value::String("stand-in".into()),
    }
}

fn wait(file: &str, what: &str) -> Problem {
    Problem::in_file(
        file,
        format!("More checks (stages, actors, minutes, the solution's commands) run once {what} can be read: fix the problems above first."),
    )
}
