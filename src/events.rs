//! Live updates: who is waiting for a list's next change, and how many streams are open.
//!
//! The change log in the store is the source; this hub only says "list L of org O has a new head
//! seq". A stream wakes on that, reads the log from its last seq, and sends what it finds, so a
//! missed wake-up costs nothing and a slow client never holds changes in memory here. The hub
//! lives beside the registry (not in an organization's open database) so that open streams do
//! not pin databases: a stream opens its organization only while it reads.

use crate::model::{ListId, OrgId};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::watch;

#[derive(Default)]
pub struct Hub {
    lists: Mutex<HashMap<(OrgId, ListId), watch::Sender<u64>>>,
    streams: Mutex<Streams>,
}

#[derive(Default)]
struct Streams {
    total: usize,
    per_user: HashMap<String, usize>,
}

/// An open stream's place in the limits; freed when dropped.
pub struct StreamSlot {
    hub: Arc<Hub>,
    user: String,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut s = self.hub.streams.lock();
        s.total = s.total.saturating_sub(1);
        if let Some(n) = s.per_user.get_mut(&self.user) {
            *n -= 1;
            if *n == 0 {
                s.per_user.remove(&self.user);
            }
        }
    }
}

impl Hub {
    /// Wake the streams of each list that a committed transaction appended to.
    pub fn notify(&self, org: &OrgId, appended: &[(ListId, u64)]) {
        if appended.is_empty() {
            return;
        }
        let mut lists = self.lists.lock();
        for (list, seq) in appended {
            let key = (org.clone(), *list);
            if let Some(tx) = lists.get(&key) {
                if tx.receiver_count() == 0 {
                    lists.remove(&key);
                } else {
                    tx.send_replace(*seq);
                }
            }
        }
    }

    /// A receiver that changes whenever the list's head moves.
    pub fn subscribe(&self, org: &OrgId, list: ListId) -> watch::Receiver<u64> {
        let mut lists = self.lists.lock();
        lists.retain(|_, tx| tx.receiver_count() > 0);
        lists.entry((org.clone(), list)).or_insert_with(|| watch::channel(0).0).subscribe()
    }

    /// Take a stream slot for `user` (an organization-qualified id), or None over a limit.
    pub fn open_stream(self: &Arc<Self>, user: String, per_user: usize, total: usize) -> Option<StreamSlot> {
        let mut s = self.streams.lock();
        let mine = s.per_user.get(&user).copied().unwrap_or(0);
        if s.total >= total || mine >= per_user {
            return None;
        }
        s.total += 1;
        s.per_user.insert(user.clone(), mine + 1);
        Some(StreamSlot { hub: self.clone(), user })
    }

    pub fn open_streams(&self) -> usize {
        self.streams.lock().total
    }
}
