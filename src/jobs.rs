//! Background jobs (imports): progress kept in memory for polling, finished jobs kept for a while.

use parking_lot::Mutex;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RowErrorView {
    pub row: usize,
    pub column: String,
    pub message: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Job {
    pub id: Uuid,
    pub kind: &'static str,
    pub status: JobStatus,
    pub total: usize,
    pub processed: usize,
    pub imported: usize,
    pub updated: usize,
    pub skipped: usize,
    pub errors: Vec<RowErrorView>,
    pub warnings: Vec<String>,
    pub message: Option<String>,
    #[serde(skip)]
    pub org: String,
    #[serde(skip)]
    finished: Option<Instant>,
}

impl Job {
    pub fn new(kind: &'static str, org: String) -> Self {
        Self {
            id: Uuid::new_v4(),
            kind,
            status: JobStatus::Queued,
            total: 0,
            processed: 0,
            imported: 0,
            updated: 0,
            skipped: 0,
            errors: Vec::new(),
            warnings: Vec::new(),
            message: None,
            org,
            finished: None,
        }
    }
}

#[derive(Clone)]
pub struct Jobs {
    inner: Arc<Mutex<HashMap<Uuid, Job>>>,
    retention: Duration,
    running: Arc<tokio::sync::Semaphore>,
}

/// A running job's handle: updates go through it.
pub struct JobHandle {
    jobs: Jobs,
    pub id: Uuid,
}

const MAX_PARALLEL: u32 = 1 << 16;

impl Jobs {
    pub fn new(retention: Duration) -> Self {
        Self {
            inner: Arc::new(Mutex::new(HashMap::new())),
            retention,
            running: Arc::new(tokio::sync::Semaphore::new(MAX_PARALLEL as usize)),
        }
    }

    pub fn start(&self, job: Job) -> JobHandle {
        let id = job.id;
        let mut m = self.inner.lock();
        let now = Instant::now();
        m.retain(|_, j| j.finished.is_none_or(|f| now.duration_since(f) < self.retention));
        m.insert(id, job);
        JobHandle { jobs: self.clone(), id }
    }

    /// A job of `org`, or None (another organization's job does not exist for the caller).
    pub fn get(&self, id: Uuid, org: &str) -> Option<Job> {
        self.inner.lock().get(&id).filter(|j| j.org == org).cloned()
    }

    /// Held by running jobs so shutdown can wait for them.
    pub fn permit(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        self.running.clone().try_acquire_owned().ok()
    }

    /// Wait (bounded) until no job runs.
    pub async fn wait_idle(&self, max: Duration) {
        let _ = tokio::time::timeout(max, self.running.acquire_many(MAX_PARALLEL)).await;
    }
}

impl JobHandle {
    pub fn update(&self, f: impl FnOnce(&mut Job)) {
        if let Some(j) = self.jobs.inner.lock().get_mut(&self.id) {
            f(j);
            if matches!(j.status, JobStatus::Succeeded | JobStatus::Failed) && j.finished.is_none() {
                j.finished = Some(Instant::now());
            }
        }
    }
}
