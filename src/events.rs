//! Live updates: who is waiting for a list's next change, the list's latest changes, and how many
//! streams are open.
//!
//! The change log in the store is the source. After each commit the store hands the hub what it
//! appended; for a list somebody follows, the hub keeps the latest [`RECENT`] changes and wakes
//! the streams. A woken stream takes what follows its last seq from that memory when it covers the
//! gap (the usual case: one read of the log feeds every stream), and otherwise reads the log
//! itself, so a missed wake-up or a slow client loses nothing. Only lists with an open stream have
//! an entry. The hub lives beside the registry (not in an organization's open database) so open
//! streams never pin databases.

use crate::model::{ListId, OrgId};
use crate::store::log::Change;
use parking_lot::Mutex;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use tokio::sync::watch;

/// Changes kept in memory per followed list (about 150 bytes each).
pub const RECENT: usize = 128;

#[derive(Default)]
pub struct Hub {
    lists: Mutex<HashMap<(OrgId, ListId), Feed>>,
    streams: Mutex<Streams>,
}

struct Feed {
    wake: watch::Sender<u64>,
    recent: VecDeque<Arc<Change>>,
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
    /// After a commit: remember the changes of followed lists and wake their streams. Commits of
    /// one organization arrive in seq order (the store calls this under its write lock).
    pub fn notify(&self, org: &OrgId, appended: Vec<(ListId, Vec<Change>)>) {
        if appended.is_empty() {
            return;
        }
        let mut lists = self.lists.lock();
        for (list, changes) in appended {
            let key = (org.clone(), list);
            let Some(feed) = lists.get_mut(&key) else { continue };
            if feed.wake.receiver_count() == 0 {
                lists.remove(&key);
                continue;
            }
            let Some(head) = changes.last().map(|c| c.seq) else { continue };
            // A gap (changes the hub never saw, or more than it keeps) makes the memory before it useless.
            if changes.len() >= RECENT || feed.recent.back().is_some_and(|b| b.seq + 1 != changes[0].seq) {
                feed.recent.clear();
            }
            for c in changes.into_iter().rev().take(RECENT).rev() {
                feed.recent.push_back(Arc::new(c));
            }
            while feed.recent.len() > RECENT {
                feed.recent.pop_front();
            }
            feed.wake.send_replace(head);
        }
    }

    /// A receiver that changes whenever the list's head moves.
    pub fn subscribe(&self, org: &OrgId, list: ListId) -> watch::Receiver<u64> {
        let mut lists = self.lists.lock();
        lists.retain(|_, f| f.wake.receiver_count() > 0);
        lists
            .entry((org.clone(), list))
            .or_insert_with(|| Feed { wake: watch::channel(0).0, recent: VecDeque::new() })
            .wake
            .subscribe()
    }

    /// The changes after `since` from memory, when memory covers them all (None: read the log).
    pub fn recent_after(&self, org: &OrgId, list: ListId, since: u64) -> Option<Vec<Arc<Change>>> {
        let lists = self.lists.lock();
        let feed = lists.get(&(org.clone(), list))?;
        let first = feed.recent.front()?.seq;
        if since + 1 < first {
            return None;
        }
        Some(feed.recent.iter().filter(|c| c.seq > since).cloned().collect())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Timestamp, UserRef};
    use crate::store::log::ChangeKind;

    fn change(seq: u64) -> Change {
        Change {
            seq,
            kind: ChangeKind::ContactUpdated,
            id: 1,
            name: String::new(),
            at: Timestamp(0),
            by: UserRef::default(),
        }
    }

    #[test]
    fn memory_serves_only_what_it_covers_without_gaps() {
        let hub = Hub::default();
        let org = OrgId::parse("6e5a1c1e-4b1d-4c1f-9a55-0c0a7e1d2b01").unwrap();
        let list = ListId::new_random();
        hub.notify(&org, vec![(list, vec![change(1)])]);
        assert!(hub.recent_after(&org, list, 0).is_none(), "nobody follows: nothing kept");
        let mut rx = hub.subscribe(&org, list);
        hub.notify(&org, vec![(list, vec![change(2), change(3)])]);
        assert!(rx.has_changed().unwrap());
        assert_eq!(*rx.borrow_and_update(), 3);
        let seqs = |v: Option<Vec<Arc<Change>>>| v.map(|v| v.iter().map(|c| c.seq).collect::<Vec<_>>());
        assert_eq!(seqs(hub.recent_after(&org, list, 1)), Some(vec![2, 3]));
        assert_eq!(seqs(hub.recent_after(&org, list, 3)), Some(vec![]));
        assert_eq!(seqs(hub.recent_after(&org, list, 0)), None, "seq 1 was never seen");
        // A gap empties the memory; a burst keeps only the latest RECENT.
        hub.notify(&org, vec![(list, vec![change(5)])]);
        assert_eq!(seqs(hub.recent_after(&org, list, 3)), None);
        hub.notify(&org, vec![(list, (6..6 + RECENT as u64 + 10).map(change).collect())]);
        assert_eq!(seqs(hub.recent_after(&org, list, 5)), None);
        let last = 5 + RECENT as u64 + 10;
        assert_eq!(seqs(hub.recent_after(&org, list, last - 2)), Some(vec![last - 1, last]));
        drop(rx);
    }
}
