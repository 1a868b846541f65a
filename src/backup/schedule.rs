//! Scheduled backups (`[backup] dir, interval, keep`): the server backs itself up into
//! `dir/contactpro-<UTC time>/` every `interval` and keeps the newest `keep` folders.
//!
//! The next backup is due `interval` after the newest one in `dir` (by its manifest), so a restart
//! neither skips nor repeats one; with none there, the first is taken at start. Only complete
//! folders (renamed into place after their manifest) count and are pruned; hidden `.partial`
//! folders left by an interrupted backup are removed.

use super::{MANIFEST, Manifest, backup_running};
use crate::AppState;
use crate::model::Timestamp;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

const PREFIX: &str = "contactpro-";
/// After a failed backup, try again after this long (or the interval, if shorter).
const RETRY: Duration = Duration::from_secs(600);

pub struct Scheduler {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Scheduler {
    /// Start the schedule when `backup.dir` is set.
    pub fn start(state: AppState, backups: Arc<tokio::sync::Mutex<()>>) -> Option<Self> {
        if state.config.backup.dir.as_os_str().is_empty() {
            return None;
        }
        let (stop, rx) = watch::channel(false);
        let task = tokio::spawn(run(state, backups, rx));
        Some(Self { stop, task })
    }

    /// Let a backup in progress finish (up to `grace`), then stop.
    pub async fn stop(self, grace: Duration) {
        let _ = self.stop.send(true);
        let mut task = self.task;
        if tokio::time::timeout(grace, &mut task).await.is_err() {
            task.abort();
        }
    }
}

async fn run(state: AppState, backups: Arc<tokio::sync::Mutex<()>>, mut stop: watch::Receiver<bool>) {
    let cfg = state.config.backup.clone();
    let mut wait = due_in(&cfg.dir, cfg.interval.0, state.clock.now());
    loop {
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = stop.changed() => return,
        }
        let _one = backups.lock().await;
        let now = state.clock.now();
        let out = cfg.dir.join(folder_name(now));
        let started = std::time::Instant::now();
        match backup_running(&state, out.clone()).await {
            Ok(m) => {
                tracing::info!(folder = %out.display(), orgs = m.orgs.len(), bytes = m.total_bytes(), ms = started.elapsed().as_millis() as u64, "scheduled backup done");
                let (dir, keep) = (cfg.dir.clone(), cfg.keep);
                if let Ok(Err(e)) = tokio::task::spawn_blocking(move || prune(&dir, keep)).await {
                    tracing::warn!(dir = %cfg.dir.display(), error = %e, "could not remove old backups");
                }
                wait = cfg.interval.0;
            }
            Err(e) => {
                tracing::error!(folder = %out.display(), error = %e, "scheduled backup failed");
                wait = cfg.interval.0.min(RETRY);
            }
        }
    }
}

/// `contactpro-2026-11-29T18-00-00.123Z`: fixed width, so names sort by time.
pub fn folder_name(t: Timestamp) -> String {
    let dt = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(t.0) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{PREFIX}{:04}-{:02}-{:02}T{:02}-{:02}-{:02}.{:03}Z",
        dt.year(),
        u8::from(dt.month()),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        dt.millisecond()
    )
}

/// Complete scheduled backups in `dir`, oldest first.
pub fn complete_backups(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut v: Vec<PathBuf> = rd
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_str().is_some_and(|n| n.starts_with(PREFIX)))
        .map(|e| e.path())
        .filter(|p| p.join(MANIFEST).is_file())
        .collect();
    v.sort();
    v
}

fn due_in(dir: &Path, interval: Duration, now: Timestamp) -> Duration {
    let newest = complete_backups(dir).pop().and_then(|p| std::fs::read(p.join(MANIFEST)).ok());
    let Some(m) = newest.and_then(|b| serde_json::from_slice::<Manifest>(&b).ok()) else {
        return Duration::ZERO;
    };
    let due = m.created_at.0.saturating_add(i64::try_from(interval.as_millis()).unwrap_or(i64::MAX));
    Duration::from_millis(u64::try_from(due.saturating_sub(now.0)).unwrap_or(0))
}

/// Remove the oldest complete backups beyond `keep`, and folders of interrupted backups.
fn prune(dir: &Path, keep: usize) -> std::io::Result<()> {
    let all = complete_backups(dir);
    for old in &all[..all.len().saturating_sub(keep)] {
        std::fs::remove_dir_all(old)?;
    }
    for e in std::fs::read_dir(dir)?.filter_map(Result::ok) {
        let name = e.file_name();
        let Some(n) = name.to_str() else { continue };
        if n.starts_with(&format!(".{PREFIX}")) && n.ends_with(".partial") {
            std::fs::remove_dir_all(e.path())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_sort_by_time() {
        let a = folder_name(Timestamp(1_700_000_000_000));
        let b = folder_name(Timestamp(1_700_000_000_123));
        let c = folder_name(Timestamp(1_700_000_060_000));
        assert_eq!(a, "contactpro-2023-11-14T22-13-20.000Z");
        assert!(a < b && b < c);
    }
}
