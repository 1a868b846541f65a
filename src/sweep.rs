//! The sweep: purges trash older than `retention.trash_days` and compacts change logs older
//! than `retention.changes_days`, in every organization, at start and every
//! `retention.sweep_minutes`. One organization at a time, through the registry like any caller
//! (operator access), so it never holds more than one database slot.

use crate::AppState;
use crate::auth::OrgAccess;
use crate::store::StoreError;
use std::time::Duration;

/// Sweep every organization once; returns how many were swept.
pub async fn sweep_all(state: &AppState) -> usize {
    let orgs = match crate::backup::org_files(&state.config.storage.data_dir) {
        Ok(o) => o,
        Err(e) => {
            tracing::warn!(error = %e, "sweep: cannot list organizations");
            return 0;
        }
    };
    let (trash_ms, changes_ms) = (state.config.retention.trash_ms(), state.config.retention.changes_ms());
    let mut swept = 0;
    for (org, _) in orgs {
        let store = match state.registry.acquire(&OrgAccess::operator(org.clone())).await {
            Ok(s) => s,
            Err(StoreError::NoOrganization) => continue,
            Err(e) => {
                tracing::warn!(org = org.as_str(), error = %e, "sweep: cannot open organization");
                continue;
            }
        };
        let now = state.clock.now();
        match tokio::task::spawn_blocking(move || store.sweep(now, trash_ms, changes_ms)).await {
            Ok(Ok(r)) => {
                swept += 1;
                if r != Default::default() {
                    tracing::info!(org = org.as_str(), ?r, "sweep");
                }
            }
            Ok(Err(e)) => tracing::warn!(org = org.as_str(), error = %e, "sweep failed"),
            Err(e) => tracing::warn!(org = org.as_str(), error = %e, "sweep task failed"),
        }
    }
    swept
}

/// Run the sweep now and then every `retention.sweep_minutes`, until aborted.
pub fn start(state: AppState) -> tokio::task::JoinHandle<()> {
    let every = Duration::from_secs(u64::from(state.config.retention.sweep_minutes.max(1)) * 60);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            sweep_all(&state).await;
        }
    })
}
