//! Configuration, secrets and feature flags per stage.

use super::command::SecretValue;
use super::commands::reject;
use super::event::{Event, EventKind};
use super::ids::{ConfigKey, FlagName};
use super::world::{Rejection, RejectionKind as K, World};

/// Configuration keys look like environment variables: `DATABASE_URL`.
pub(crate) fn check_key(key: &str) -> Result<(), Rejection> {
    let ok = !key.is_empty()
        && key.len() <= 64
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        reject(
            K::InvalidArgument,
            format!("'{key}' is not a valid setting name: use letters, digits and _ (at most 64)."),
        )
    }
}

pub(crate) fn check_flag(flag: &str) -> Result<(), Rejection> {
    let ok = !flag.is_empty()
        && flag.len() <= 40
        && flag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        reject(
            K::InvalidArgument,
            format!(
                "'{flag}' is not a valid flag name: use letters, digits, - and _ (at most 40)."
            ),
        )
    }
}

impl World {
    pub(crate) fn set_flag(
        &mut self,
        i: usize,
        flag: FlagName,
        percent: u8,
    ) -> Result<Vec<Event>, Rejection> {
        check_flag(flag.as_str())?;
        if percent > 100 {
            return reject(
                K::InvalidArgument,
                "A flag's rollout percentage must be between 0 and 100.",
            );
        }
        self.stages[i].flags.insert(flag.clone(), percent);
        let stage = self.stages[i].config.id.clone();
        Ok(vec![self.event(EventKind::FlagChanged {
            stage,
            flag,
            percent,
        })])
    }

    pub(crate) fn set_config(
        &mut self,
        i: usize,
        key: ConfigKey,
        value: Option<String>,
    ) -> Result<Vec<Event>, Rejection> {
        check_key(key.as_str())?;
        let stage = &mut self.stages[i];
        if stage.secrets.contains(&key) {
            return reject(
                K::InvalidArgument,
                format!("{key} is a secret here; set it as a secret."),
            );
        }
        match &value {
            Some(v) if v.chars().count() > 300 => {
                return reject(
                    K::InvalidArgument,
                    "Keep configuration values under 300 characters.",
                )
            }
            Some(v) => {
                stage.settings.insert(key.clone(), v.clone());
            }
            None => {
                if stage.settings.remove(&key).is_none() {
                    return reject(
                        K::NotFound,
                        format!("{key} is not set in {}.", stage.name()),
                    );
                }
            }
        }
        let id = stage.config.id.clone();
        Ok(vec![self.event(EventKind::ConfigChanged {
            stage: id,
            key,
            present: value.is_some(),
        })])
    }

    /// Only the secret's name is kept: its value is dropped here, so it cannot leak.
    pub(crate) fn set_secret(
        &mut self,
        i: usize,
        name: ConfigKey,
        value: SecretValue,
    ) -> Result<Vec<Event>, Rejection> {
        check_key(name.as_str())?;
        if value.0.is_empty() {
            return reject(K::InvalidArgument, "A secret needs a value.");
        }
        drop(value);
        let stage = &mut self.stages[i];
        stage.settings.remove(&name);
        stage.secrets.insert(name.clone());
        let id = stage.config.id.clone();
        Ok(vec![self.event(EventKind::SecretSet { stage: id, name })])
    }
}
