//! Import jobs, stored in the organization's database so that they outlive the process.
//!
//! A job's record (status and counts) is written in the same transaction as each import batch
//! (see `import_batch`'s `after` hook), so after a kill -9 the stored counts are exactly what is
//! committed. Row errors live in their own table, one entry per error and at most
//! [`MAX_KEPT_ERRORS`] per job, so a batch writes only its new errors and never rewrites the
//! ones before. Finished jobs are removed once they are older than the retention, when the
//! organization starts its next import.

use super::{OrgStore, StoreResult, decode, encode};
use crate::io::MAX_KEPT_ERRORS;
use crate::jobs::{JobStatus, RowErrorView};
use crate::model::Timestamp;
use redb::{ReadableDatabase, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};

/// Key: job id.
pub(crate) const JOBS: TableDefinition<u128, &[u8]> = TableDefinition::new("jobs");
/// Key: (job id, index of the error in the job, from 0).
pub(crate) const JOB_ERRORS: TableDefinition<(u128, u32), &[u8]> = TableDefinition::new("job_errors");

/// A job as stored. `errors_kept` says how many entries of [`JOB_ERRORS`] it has.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct JobRecord {
    pub id: u128,
    pub kind: String,
    pub status: JobStatus,
    pub total: usize,
    pub processed: usize,
    pub imported: usize,
    pub updated: usize,
    pub skipped: usize,
    pub error_count: usize,
    pub errors_kept: usize,
    pub warnings: Vec<String>,
    pub message: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub started_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
}

impl super::Record for JobRecord {
    const VERSION: u8 = 1;
}

impl super::Record for RowErrorView {
    const VERSION: u8 = 1;
}

impl JobRecord {
    /// Whether the job is over: finished, or (`live` false) left unfinished by an earlier process.
    pub fn settled(&self, live: bool) -> bool {
        self.finished_at.is_some() || !live
    }

    /// When a settled job expires: `retention` after it finished (or last moved).
    pub fn expires_at(&self, retention_ms: i64) -> Timestamp {
        Timestamp(self.finished_at.unwrap_or(self.updated_at).0.saturating_add(retention_ms))
    }
}

/// Write `job` and append `new_errors` after its `errors_kept` stored ones (up to
/// [`MAX_KEPT_ERRORS`]; `job.errors_kept` is updated), inside `txn`.
pub fn put_job_in(txn: &redb::WriteTransaction, job: &mut JobRecord, new_errors: &[RowErrorView]) -> StoreResult<()> {
    let room = MAX_KEPT_ERRORS.saturating_sub(job.errors_kept);
    if room > 0 && !new_errors.is_empty() {
        let mut t = txn.open_table(JOB_ERRORS)?;
        for e in new_errors.iter().take(room) {
            let index = u32::try_from(job.errors_kept).unwrap_or(u32::MAX);
            t.insert((job.id, index), encode(e).as_slice())?;
            job.errors_kept += 1;
        }
    }
    txn.open_table(JOBS)?.insert(job.id, encode(job).as_slice())?;
    Ok(())
}

/// When and how to expire settled jobs: now, the retention in ms, and which jobs are alive.
pub type Expiry<'a> = (Timestamp, i64, &'a dyn Fn(u128) -> bool);

impl OrgStore {
    /// Write a job (and new errors) in a transaction of its own. With `expire`, first remove the
    /// settled jobs that have expired by then (`is_live` tells the jobs still in memory).
    pub fn put_job(
        &self,
        job: &mut JobRecord,
        new_errors: &[RowErrorView],
        expire: Option<Expiry<'_>>,
    ) -> StoreResult<()> {
        let _w = self.write_lock.lock();
        let txn = self.db.begin_write()?;
        if let Some((now, retention_ms, is_live)) = expire {
            let expired: Vec<(u128, usize)> = {
                let t = txn.open_table(JOBS)?;
                let mut out = Vec::new();
                for row in t.iter()? {
                    let j: JobRecord = decode(row?.1.value())?;
                    if j.settled(is_live(j.id)) && j.expires_at(retention_ms) <= now {
                        out.push((j.id, j.errors_kept));
                    }
                }
                out
            };
            let mut t = txn.open_table(JOBS)?;
            let mut e = txn.open_table(JOB_ERRORS)?;
            for (id, kept) in expired {
                t.remove(id)?;
                for i in 0..u32::try_from(kept).unwrap_or(u32::MAX) {
                    e.remove((id, i))?;
                }
            }
        }
        put_job_in(&txn, job, new_errors)?;
        txn.commit()?;
        Ok(())
    }

    /// A job of this organization with its stored errors, or None.
    pub fn job(&self, id: u128) -> StoreResult<Option<(JobRecord, Vec<RowErrorView>)>> {
        let txn = self.db.begin_read()?;
        let Some(job) = txn.open_table(JOBS)?.get(id)?.map(|v| decode::<JobRecord>(v.value())).transpose()? else {
            return Ok(None);
        };
        let t = txn.open_table(JOB_ERRORS)?;
        let mut errors = Vec::with_capacity(job.errors_kept);
        for row in t.range((id, 0)..=(id, u32::MAX))? {
            errors.push(decode(row?.1.value())?);
        }
        Ok(Some((job, errors)))
    }
}
