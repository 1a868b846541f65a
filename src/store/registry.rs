//! The bounded set of open organization databases.
//!
//! Each organization's database is opened on first use and kept open while it is used. At most
//! `max_open` are open at once (opening ones included): when the set is full, the least recently
//! used idle database is closed to make room, and when every open database is in use the caller
//! waits until one is released. A database is therefore never closed under a request, and the
//! number of open files stays bounded whatever the number of organizations on disk.
//!
//! Databases are handed out only for an [`OrgAccess`] (a verified credential), and only databases
//! that exist are opened: a file is created by [`Registry::open_or_create`] alone, which takes the
//! [`SignIn`] of `POST /login`. A request whose credential fails verification never gets here, and
//! a verified one for an organization without data checks for the file before taking a slot, so
//! it evicts nothing. Waiting for a slot is bounded: past `max_wait` the caller gets `Busy` (503).

use super::{OrgStore, StoreError};
use crate::auth::{OrgAccess, SignIn};
use crate::model::OrgId;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::Notify;

enum Slot {
    Opening,
    /// Evicted; its file is being closed. Counted, so the bound holds, and waited on, so the same
    /// organization is not reopened before the old handle is gone.
    Closing,
    Ready {
        store: Arc<OrgStore>,
        users: usize,
        last_used: u64,
    },
}

enum Attempt {
    Got(OrgGuard),
    Open,
    Evicted(OrgId, Arc<OrgStore>),
    Wait,
}

pub struct Registry {
    dir: PathBuf,
    max_open: usize,
    cache_bytes: usize,
    max_wait: std::time::Duration,
    slots: Mutex<HashMap<OrgId, Slot>>,
    changed: Notify,
    tick: AtomicU64,
    /// The most databases ever open at once (for tests and metrics).
    peak: std::sync::atomic::AtomicUsize,
    /// Live-update wake-ups; every store this registry opens notifies it after its commits.
    hub: Arc<crate::events::Hub>,
}

/// A database in use. While any guard for an organization exists, its database stays open.
pub struct OrgGuard {
    /// Always Some until drop, which releases it before marking the database idle, so that an
    /// idle database is held by the registry alone and eviction really closes it.
    store: Option<Arc<OrgStore>>,
    registry: Arc<Registry>,
}

impl OrgGuard {
    fn new(store: Arc<OrgStore>, registry: Arc<Registry>) -> Self {
        Self { store: Some(store), registry }
    }
}

impl Deref for OrgGuard {
    type Target = OrgStore;
    fn deref(&self) -> &OrgStore {
        self.store.as_deref().unwrap_or_else(|| unreachable_released())
    }
}

#[allow(clippy::panic)]
fn unreachable_released() -> &'static OrgStore {
    panic!("OrgGuard used after release")
}

impl Drop for OrgGuard {
    fn drop(&mut self) {
        let Some(store) = self.store.take() else { return };
        let org = store.org().clone();
        drop(store);
        let mut slots = self.registry.slots.lock();
        if let Some(Slot::Ready { users, .. }) = slots.get_mut(&org) {
            *users = users.saturating_sub(1);
        }
        drop(slots);
        self.registry.changed.notify_waiters();
    }
}

impl Registry {
    pub fn new(data_dir: &Path, max_open: usize, cache_bytes: usize, max_wait: std::time::Duration) -> Self {
        Self {
            dir: data_dir.join("orgs"),
            max_open: max_open.max(1),
            cache_bytes,
            max_wait,
            slots: Mutex::new(HashMap::new()),
            changed: Notify::new(),
            tick: AtomicU64::new(0),
            peak: std::sync::atomic::AtomicUsize::new(0),
            hub: Arc::default(),
        }
    }

    pub fn hub(&self) -> &Arc<crate::events::Hub> {
        &self.hub
    }

    pub fn orgs_dir(&self) -> &Path {
        &self.dir
    }

    pub fn path_of(&self, org: &OrgId) -> PathBuf {
        // OrgId is a canonical GUID by construction: safe as a file name.
        self.dir.join(format!("{}.redb", org.as_str()))
    }

    /// How many databases are open (or being opened) now.
    pub fn open_count(&self) -> usize {
        self.slots.lock().len()
    }

    /// The most databases that were ever open at once.
    pub fn peak_open(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }

    /// An existing organization's database (`NoOrganization` when it has none yet).
    pub async fn acquire(self: &Arc<Self>, access: &OrgAccess) -> Result<OrgGuard, StoreError> {
        self.get(access.org(), false).await
    }

    /// The signed-in user's organization database, created on their organization's first sign-in.
    /// Only `POST /login` holds a [`SignIn`].
    pub async fn open_or_create(self: &Arc<Self>, sign_in: &SignIn) -> Result<OrgGuard, StoreError> {
        self.get(sign_in.0.org(), true).await
    }

    /// Open or create a database for the operator (demo seeding, command-line tools): never with
    /// an organization that came from a request.
    pub async fn open_or_create_as_operator(self: &Arc<Self>, org: &OrgId) -> Result<OrgGuard, StoreError> {
        self.get(org, true).await
    }

    async fn get(self: &Arc<Self>, org: &OrgId, create: bool) -> Result<OrgGuard, StoreError> {
        match tokio::time::timeout(self.max_wait, self.get_unbounded(org, create)).await {
            Ok(r) => r,
            Err(_) => Err(StoreError::Busy),
        }
    }

    async fn get_unbounded(self: &Arc<Self>, org: &OrgId, create: bool) -> Result<OrgGuard, StoreError> {
        let mut checked = create;
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if !checked && !self.slots.lock().contains_key(org) {
                // Before taking a slot (and maybe evicting another organization for it).
                let path = self.path_of(org);
                if !tokio::task::spawn_blocking(move || path.is_file()).await.unwrap_or(false) {
                    return Err(StoreError::NoOrganization);
                }
                checked = true;
                continue;
            }
            match self.try_acquire(org) {
                Attempt::Got(g) => return Ok(g),
                Attempt::Open => return self.open(org, create).await,
                Attempt::Evicted(old, store) => {
                    // Close the evicted file outside the lock, then free its slot and try again.
                    drop(store);
                    self.slots.lock().remove(&old);
                    self.changed.notify_waiters();
                }
                Attempt::Wait => notified.await,
            }
        }
    }

    fn try_acquire(self: &Arc<Self>, org: &OrgId) -> Attempt {
        let mut slots = self.slots.lock();
        let room = slots.len() < self.max_open;
        match slots.get_mut(org) {
            Some(Slot::Ready { store, users, last_used }) => {
                *users += 1;
                *last_used = self.tick.fetch_add(1, Ordering::Relaxed);
                Attempt::Got(OrgGuard::new(store.clone(), self.clone()))
            }
            Some(Slot::Opening | Slot::Closing) => Attempt::Wait,
            None if room => {
                slots.insert(org.clone(), Slot::Opening);
                self.peak.fetch_max(slots.len(), Ordering::Relaxed);
                Attempt::Open
            }
            None => {
                let idle = slots
                    .iter()
                    .filter_map(|(k, s)| match s {
                        Slot::Ready { users: 0, last_used, .. } => Some((*last_used, k.clone())),
                        _ => None,
                    })
                    .min();
                match idle {
                    Some((_, k)) => match slots.insert(k.clone(), Slot::Closing) {
                        Some(Slot::Ready { store, .. }) => Attempt::Evicted(k, store),
                        _ => Attempt::Wait,
                    },
                    None => Attempt::Wait,
                }
            }
        }
    }

    async fn open(self: &Arc<Self>, org: &OrgId, create: bool) -> Result<OrgGuard, StoreError> {
        let path = self.path_of(org);
        let cache = self.cache_bytes;
        let org2 = org.clone();
        let hub = self.hub.clone();
        let opened =
            tokio::task::spawn_blocking(move || OrgStore::open(org2, &path, cache, create).map(|s| s.with_hub(hub)))
                .await
                .map_err(|e| StoreError::Db(e.to_string()))
                .and_then(|r| r);
        let result = self.finish_open(org, opened);
        self.changed.notify_waiters();
        result
    }

    fn finish_open(
        self: &Arc<Self>,
        org: &OrgId,
        opened: Result<OrgStore, StoreError>,
    ) -> Result<OrgGuard, StoreError> {
        let mut slots = self.slots.lock();
        match opened {
            Ok(store) => {
                let store = Arc::new(store);
                let last_used = self.tick.fetch_add(1, Ordering::Relaxed);
                slots.insert(org.clone(), Slot::Ready { store: store.clone(), users: 1, last_used });
                Ok(OrgGuard::new(store, self.clone()))
            }
            Err(e) => {
                slots.remove(org);
                Err(e)
            }
        }
    }

    /// Close every idle database (at shutdown, after in-flight requests have finished).
    pub fn close_idle(&self) -> usize {
        let mut slots = self.slots.lock();
        let idle: Vec<OrgId> =
            slots.iter().filter(|(_, s)| matches!(s, Slot::Ready { users: 0, .. })).map(|(k, _)| k.clone()).collect();
        let closed: Vec<Slot> = idle.iter().filter_map(|k| slots.remove(k)).collect();
        drop(slots);
        let n = closed.len();
        drop(closed);
        n
    }
}
