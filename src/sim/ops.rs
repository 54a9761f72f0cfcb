//! Operations: backups and restores (with measured RPO and RTO), failover to a standby
//! region, and certificate renewal.

use super::commands::reject;
use super::event::{Event, EventKind};
use super::ids::BackupId;
use super::stage::{Backup, Restore, BACKUP_CAP};
use super::time::Minutes;
use super::world::{Rejection, RejectionKind as K, World};

impl World {
    pub(crate) fn backup_now(&mut self, i: usize) -> Result<Vec<Event>, Rejection> {
        let stage = &self.stages[i];
        match &stage.database {
            None => reject(
                K::InvalidState,
                format!("{} has no database to back up.", stage.name()),
            ),
            Some(db) if db.lost => reject(
                K::InvalidState,
                format!(
                    "{}'s database is lost; there is nothing to back up.",
                    stage.name()
                ),
            ),
            Some(_) if stage.faults.restoring.is_some() => {
                reject(K::InvalidState, "A restore is in progress.")
            }
            Some(_) => Ok(vec![self.take_backup(i)]),
        }
    }

    pub(crate) fn take_backup(&mut self, i: usize) -> Event {
        let id = BackupId(self.next_backup);
        self.next_backup += 1;
        let now = self.now;
        let stage = &mut self.stages[i];
        let db = stage
            .database
            .as_ref()
            .expect("callers check for a database");
        let backup = Backup {
            id,
            taken_at: now,
            schema: db.schema,
            migrations: db.migrations.clone(),
            records: db.records,
            corrupted: db.corrupted,
        };
        let records = backup.records;
        stage.backups.push(backup);
        if stage.backups.len() > BACKUP_CAP {
            stage.backups.remove(0);
        }
        stage.last_backup_at = now;
        let sid = stage.config.id.clone();
        self.event(EventKind::BackupTaken {
            stage: sid,
            backup: id,
            records,
        })
    }

    pub(crate) fn restore(&mut self, i: usize, backup: BackupId) -> Result<Vec<Event>, Rejection> {
        let stage = &self.stages[i];
        let Some(b) = stage.backups.iter().find(|b| b.id == backup) else {
            return reject(K::NotFound, format!("{} has no {backup}.", stage.name()));
        };
        if stage.faults.restoring.is_some() {
            return reject(K::InvalidState, "A restore is already in progress.");
        }
        // Restoring takes longer for bigger databases: 5 minutes plus 1 per 100,000 records.
        let minutes = 5 + (b.records / 100_000) as u32;
        let restore = Restore {
            backup,
            started_at: self.now,
            done_at: self.now.plus(Minutes(minutes)),
        };
        let stage = &mut self.stages[i];
        stage.faults.restoring = Some(restore);
        let id = stage.config.id.clone();
        Ok(vec![self.event(EventKind::RestoreStarted {
            stage: id,
            backup,
            minutes,
        })])
    }

    pub(crate) fn progress_restore(&mut self, i: usize, events: &mut Vec<Event>) {
        let now = self.now;
        let stage = &mut self.stages[i];
        let Some(restore) = stage.faults.restoring.clone().filter(|r| r.done_at <= now) else {
            return;
        };
        stage.faults.restoring = None;
        let Some(backup) = stage
            .backups
            .iter()
            .find(|b| b.id == restore.backup)
            .cloned()
        else {
            return;
        };
        let Some(db) = stage.database.as_mut() else {
            return;
        };
        let lost = db.records.saturating_sub(backup.records);
        let outage_began = db.lost_at.unwrap_or(restore.started_at);
        db.records_lost += lost;
        db.records = backup.records;
        db.corrupted = backup.corrupted;
        db.schema = backup.schema;
        db.migrations = backup.migrations.clone();
        db.lost = false;
        db.lost_at = None;
        db.restores += 1;
        db.last_restore_at = Some(now);
        // The recovery point is the data that could not be saved: from the backup to the loss
        // (a lost disk takes no writes after it), or to the restore when nothing was lost.
        let rpo = outage_began.since(backup.taken_at);
        let rto = now.since(outage_began);
        let id = stage.config.id.clone();
        self.emit(
            events,
            EventKind::Restored {
                stage: id,
                backup: backup.id,
                rpo,
                rto,
                records_lost: lost,
            },
        );
        // Like most frameworks, the running release re-applies its migrations on start-up.
        if let Some(current) = self.stages[i].current() {
            self.migrate(i, current, events);
        }
    }

    pub(crate) fn failover(&mut self, i: usize) -> Result<Vec<Event>, Rejection> {
        let stage = &self.stages[i];
        if !stage.config.standby_region {
            return reject(
                K::InvalidState,
                format!("{} has no standby region to fail over to.", stage.name()),
            );
        }
        if stage.faults.failed_over {
            return reject(
                K::InvalidState,
                format!("{} already runs in its standby region.", stage.name()),
            );
        }
        // Replication to the standby is asynchronous: the last minute of writes never arrives.
        let lag = (f64::from(stage.last.requests) * 0.02).floor() as u64;
        let stage = &mut self.stages[i];
        stage.faults.failed_over = true;
        let mut records_lost = 0;
        if let Some(db) = stage.database.as_mut() {
            records_lost = lag.min(db.records);
            db.records -= records_lost;
            db.records_lost += records_lost;
            db.lost = false;
            db.lost_at = None;
        }
        let id = stage.config.id.clone();
        Ok(vec![self.event(EventKind::FailedOver {
            stage: id,
            records_lost,
        })])
    }

    /// Changes how many instances serve the stage. New ones start like any other (2 minutes);
    /// removed ones go at once. Not during a rollout, whose steps are sized already.
    pub(crate) fn scale(&mut self, i: usize, instances: u8) -> Result<Vec<Event>, Rejection> {
        const MAX_INSTANCES: u8 = 24;
        let stage = &self.stages[i];
        if instances == 0 || instances > MAX_INSTANCES {
            return reject(
                K::InvalidArgument,
                format!("A stage runs between 1 and {MAX_INSTANCES} instances."),
            );
        }
        if stage.rollout.is_some() {
            return reject(
                K::InvalidState,
                format!(
                    "{} has a rollout in progress; scale it when the rollout is over.",
                    stage.name()
                ),
            );
        }
        let from = stage.config.instances;
        if from == instances {
            return reject(
                K::InvalidState,
                format!("{} already runs {instances} instances.", stage.name()),
            );
        }
        let extra = self.starting_instances(usize::from(instances.saturating_sub(from)));
        let stage = &mut self.stages[i];
        stage.config.instances = instances;
        for pool in stage.pools.iter_mut() {
            if usize::from(instances) < pool.instances.len() {
                pool.instances.truncate(usize::from(instances));
            } else if !pool.idle {
                pool.instances.extend(extra.iter().cloned());
            }
        }
        let id = stage.config.id.clone();
        Ok(vec![self.event(EventKind::Scaled {
            stage: id,
            from,
            to: instances,
        })])
    }

    pub(crate) fn renew_certificate(&mut self, i: usize) -> Result<Vec<Event>, Rejection> {
        let stage = &mut self.stages[i];
        if !stage.faults.certificate_expired {
            return reject(
                K::InvalidState,
                format!("{}'s certificate is still valid.", stage.config.name),
            );
        }
        stage.faults.certificate_expired = false;
        let id = stage.config.id.clone();
        Ok(vec![self.event(EventKind::CertificateRenewed { stage: id })])
    }
}
