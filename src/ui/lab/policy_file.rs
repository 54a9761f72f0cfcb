//! A policy as a file: the same JSON the command-line lab reads (`--policy-a @FILE`) and
//! prints (`--print-policy`), so a trainer can shape a policy in the room and run it over
//! 10,000 seeds at home, or prepare one with the CLI and load it in the browser.
//!
//! A file that does not read as a policy leaves the form as it was and says why, with
//! serde's line and column or the checks' own words.

use std::rc::Rc;

use super::form::PolicyForm;
use super::state::LabState;
use super::arm_index;
use crate::lab::{Arm, Policy};
use crate::ui::state::Download;

/// What became of the last policy file one side loaded or saved, shown under its form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileNote {
    /// False when nothing changed because the file or the form was not usable.
    pub ok: bool,
    pub text: String,
}

impl FileNote {
    fn ok(text: String) -> Option<FileNote> {
        Some(FileNote { ok: true, text })
    }
    fn refused(text: String) -> Option<FileNote> {
        Some(FileNote { ok: false, text })
    }
}

/// Loads `text` (the file `name`) into `arm`'s form, or says why not and changes nothing.
pub fn load(s: &mut LabState, arm: Arm, name: &str, text: &str) {
    let i = arm_index(arm);
    s.file_notes[i] = match Policy::from_json(text) {
        Ok(policy) => {
            s.forms[i] = PolicyForm::from_policy(&policy);
            FileNote::ok(format!("Loaded “{}” from {name}.", policy.name))
        }
        Err(why) => FileNote::refused(format!("{name} was not loaded, policy {arm} is unchanged: {why}")),
    };
}

/// A file the picker did not read (too big, unreadable).
pub fn refused(s: &mut LabState, arm: Arm, name: &str, reason: &str) {
    s.file_notes[arm_index(arm)] = FileNote::refused(format!("{name} was not loaded, policy {arm} is unchanged: {reason}"));
}

/// Asks the download hook to save `arm`'s policy, or says what stops it.
pub fn save(s: &mut LabState, arm: Arm) {
    let i = arm_index(arm);
    match s.forms[i].policy() {
        Ok(policy) => {
            let file_name = file_name(&policy.name, arm);
            let text = serde_json::to_string_pretty(&policy).expect("a policy serialises");
            s.file_notes[i] = FileNote::ok(format!("Saved as {file_name}. The command-line lab reads it with --policy-{} @{file_name}.", super::arm_key(arm)));
            let seq = s.download.as_ref().map_or(1, |d| d.seq + 1);
            s.download = Some(Download { seq, file_name, mime: "application/json", text: Rc::from(text) });
        }
        Err(problems) => {
            s.file_notes[i] = FileNote::refused(format!("Policy {arm} was not saved: {}", problems.join("; ")));
        }
    }
}

/// "Fast and loose: all at once" → "fast-and-loose-all-at-once.json".
pub fn file_name(policy_name: &str, arm: Arm) -> String {
    let mut slug = String::new();
    for c in policy_name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.chars().take(60).collect();
    match slug.trim_end_matches('-') {
        "" => format!("policy-{}.json", super::arm_key(arm)),
        slug => format!("{slug}.json"),
    }
}
