//! Background jobs (imports): who may run now, who waits, and what a job looks like to a client.
//!
//! Jobs themselves are stored in their organization's database (`store/jobs.rs`); this module
//! only knows which of them are alive in this process. A stored job that is `queued` or
//! `running` but not alive here was left by an earlier process: it answers `interrupted`.
//!
//! At most one import runs per organization and `limits.max_parallel_imports` on the server;
//! the others wait in a queue, first come first served (skipping organizations that already run
//! one). Uploads are parsed before their 202 under a semaphore of the same size, so the memory
//! of imports is bounded by that number, not by the number of clients.

use crate::model::{OrgId, Timestamp};
use crate::store::JobRecord;
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    /// The server stopped (or was killed) before the job finished; the counts are what was
    /// committed.
    Interrupted,
}

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RowErrorView {
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// A job as the API shows it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Job {
    pub id: Uuid,
    pub kind: String,
    pub status: JobStatus,
    pub total: usize,
    pub processed: usize,
    pub imported: usize,
    pub updated: usize,
    pub skipped: usize,
    /// The first 1,000 row errors.
    pub errors: Vec<RowErrorView>,
    /// How many row errors there were in all.
    pub error_count: usize,
    /// Whether `errors` holds fewer than `error_count`.
    pub errors_truncated: bool,
    pub warnings: Vec<String>,
    pub message: Option<String>,
    pub created_at: Timestamp,
    pub started_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
}

impl Job {
    /// The view of a stored job; `live` says whether this process still runs or queues it.
    pub fn view(r: JobRecord, errors: Vec<RowErrorView>, live: bool) -> Self {
        let status = match r.status {
            JobStatus::Queued | JobStatus::Running if !live => JobStatus::Interrupted,
            s => s,
        };
        Self {
            id: Uuid::from_u128(r.id),
            kind: r.kind,
            status,
            total: r.total,
            processed: r.processed,
            imported: r.imported,
            updated: r.updated,
            skipped: r.skipped,
            errors_truncated: errors.len() < r.error_count,
            errors,
            error_count: r.error_count,
            warnings: r.warnings,
            message: r.message,
            created_at: r.created_at,
            started_at: r.started_at,
            finished_at: r.finished_at,
        }
    }
}

/// A new job's record.
pub fn new_record(kind: &str, now: Timestamp) -> JobRecord {
    JobRecord {
        id: Uuid::new_v4().as_u128(),
        kind: kind.to_owned(),
        status: JobStatus::Queued,
        total: 0,
        processed: 0,
        imported: 0,
        updated: 0,
        skipped: 0,
        error_count: 0,
        errors_kept: 0,
        warnings: Vec::new(),
        message: None,
        created_at: now,
        updated_at: now,
        started_at: None,
        finished_at: None,
    }
}

/// A queued job: started with its slot when its turn comes.
type Start = Box<dyn FnOnce(Slot) + Send>;

struct Pending {
    org: OrgId,
    id: Uuid,
    start: Start,
}

#[derive(Default)]
struct Sched {
    running: HashSet<OrgId>,
    queue: VecDeque<Pending>,
    /// Jobs queued or running in this process.
    live: HashSet<Uuid>,
    closing: bool,
}

#[derive(Clone)]
pub struct Jobs {
    sched: Arc<Mutex<Sched>>,
    max_running: usize,
    retention: Duration,
    /// Held by running jobs so shutdown can wait for them.
    running: Arc<Semaphore>,
    parsing: Arc<Semaphore>,
}

/// The right to run one import of `org`. Dropping it (the job finished, failed or panicked)
/// frees the organization and starts the next queued job.
pub struct Slot {
    jobs: Jobs,
    org: OrgId,
    pub id: Uuid,
    _permit: Option<OwnedSemaphorePermit>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.jobs.release(&self.org, self.id);
    }
}

const MAX_PARALLEL: u32 = 1 << 16;

impl Jobs {
    pub fn new(max_running: usize, retention: Duration) -> Self {
        let max_running = max_running.max(1);
        Self {
            sched: Arc::new(Mutex::new(Sched::default())),
            max_running,
            retention,
            running: Arc::new(Semaphore::new(MAX_PARALLEL as usize)),
            parsing: Arc::new(Semaphore::new(max_running)),
        }
    }

    /// How long a finished job stays visible.
    pub fn retention_ms(&self) -> i64 {
        i64::try_from(self.retention.as_millis()).unwrap_or(i64::MAX)
    }

    /// Wait for the right to parse an upload (as many at once as imports may run).
    pub async fn parse_permit(&self) -> Option<OwnedSemaphorePermit> {
        self.parsing.clone().acquire_owned().await.ok()
    }

    /// Whether an import of `org` runs or waits in this process (an organization being moved to
    /// another node waits for it).
    pub fn busy(&self, org: &OrgId) -> bool {
        let s = self.sched.lock();
        s.running.contains(org) || s.queue.iter().any(|p| p.org == *org)
    }

    /// Whether this process still queues or runs job `id`.
    pub fn is_live(&self, id: Uuid) -> bool {
        self.sched.lock().live.contains(&id)
    }

    fn slot(&self, org: OrgId, id: Uuid) -> Slot {
        Slot { jobs: self.clone(), org, id, _permit: self.running.clone().try_acquire_owned().ok() }
    }

    fn can_run(&self, s: &Sched, org: &OrgId) -> bool {
        !s.closing && s.running.len() < self.max_running && !s.running.contains(org)
    }

    /// Run job `id` of `org` now (its slot is returned) or queue it: then `later()` is called,
    /// under the same lock, to build what starts it when its turn comes.
    pub fn submit(&self, org: &OrgId, id: Uuid, later: impl FnOnce() -> Start) -> Option<Slot> {
        let mut s = self.sched.lock();
        s.live.insert(id);
        if self.can_run(&s, org) {
            s.running.insert(org.clone());
            drop(s);
            return Some(self.slot(org.clone(), id));
        }
        s.queue.push_back(Pending { org: org.clone(), id, start: later() });
        None
    }

    fn release(&self, org: &OrgId, id: Uuid) {
        let next = {
            let mut s = self.sched.lock();
            s.live.remove(&id);
            s.running.remove(org);
            let pos = s.queue.iter().position(|p| self.can_run(&s, &p.org));
            let next = pos.and_then(|i| s.queue.remove(i));
            if let Some(p) = &next {
                s.running.insert(p.org.clone());
            }
            next
        };
        if let Some(p) = next {
            let slot = self.slot(p.org, p.id);
            (p.start)(slot);
        }
    }

    /// Start no queued job any more and wait (bounded) until none runs. Queued jobs stay
    /// stored as `queued` and answer `interrupted` after the restart.
    pub async fn wait_idle(&self, max: Duration) {
        self.sched.lock().closing = true;
        let _ = tokio::time::timeout(max, self.running.acquire_many(MAX_PARALLEL)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    fn org(n: u8) -> OrgId {
        OrgId::parse(&format!("00000000-0000-4000-8000-0000000000{n:02x}")).unwrap()
    }

    #[test]
    fn one_per_org_and_a_few_in_all_the_rest_queued_in_order() {
        let jobs = Jobs::new(2, Duration::from_secs(60));
        let (tx, rx) = mpsc::channel::<(Uuid, Slot)>();
        let later = |tx: mpsc::Sender<(Uuid, Slot)>| -> Box<dyn FnOnce() -> Start> {
            Box::new(move || Box::new(move |slot: Slot| tx.send((slot.id, slot)).unwrap()))
        };
        let ids: Vec<Uuid> = (0..4).map(|_| Uuid::new_v4()).collect();
        let a1 = jobs.submit(&org(1), ids[0], later(tx.clone())).expect("runs");
        assert!(jobs.submit(&org(1), ids[1], later(tx.clone())).is_none(), "same org waits");
        let b = jobs.submit(&org(2), ids[2], later(tx.clone())).expect("another org runs");
        assert!(jobs.submit(&org(3), ids[3], later(tx.clone())).is_none(), "server-wide limit");
        assert!(ids.iter().all(|id| jobs.is_live(*id)));
        // org 1 finishes: its second job is first in the queue and org 1 is free again.
        drop(a1);
        let (id, a2) = rx.try_recv().unwrap();
        assert_eq!(id, ids[1]);
        assert!(!jobs.is_live(ids[0]));
        assert!(rx.try_recv().is_err(), "still two running");
        drop(b);
        let (id, c) = rx.try_recv().unwrap();
        assert_eq!(id, ids[3]);
        drop(a2);
        drop(c);
        assert!(ids.iter().all(|id| !jobs.is_live(*id)));
    }
}
