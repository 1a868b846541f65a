//! The change log and contact history: the one record of what changed in a list.
//!
//! Decisions (issue 13):
//! - Every write to a list appends to that list's log **in the write's own transaction**, through a
//!   [`LogWriter`] opened on that transaction: a crash keeps both or neither. The log is what the
//!   web app's live updates, `GET .../changes` pollers (Power Automate triggers) and CardDAV's
//!   sync-collection read; nothing else records changes.
//! - `seq` is per list and only grows. The head and the oldest kept seq live in [`LOG_HEADS`];
//!   the sweep compacts entries older than the retention, and a reader asking for a seq that was
//!   compacted away is told so (410 with the oldest seq) instead of silently missing changes.
//! - History is per contact version: each entry keeps who, when, what kind of write, and the
//!   fields **before** the write when it changed them (`None` when it did not: create, delete,
//!   restore). The current fields live in the contact (or its trash entry), so a version's fields
//!   are rebuilt by walking back from the newest. Creating a contact writes no history entry at
//!   all (version 1 is shown from the contact's `created_at` / `created_by`, as "created" even for
//!   an import), which keeps imports cheap; at most [`MAX_HISTORY`] versions are kept per contact.

use super::records::StoredContact;
use super::{StoreResult, decode, encode};
use crate::model::{ContactFields, ContactId, ListId, Timestamp, UserRef};
use redb::{ReadableDatabase, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Key: (list id, seq).
pub(crate) const CHANGES: TableDefinition<(u128, u64), &[u8]> = TableDefinition::new("changes");
/// Key: list id -> (head when last compacted, oldest seq still kept). Written only by compaction:
/// a list's head is the last key of [`CHANGES`] (compaction always keeps the newest entry), so a
/// write touches one table more than before the log, not two.
pub(crate) const LOG_HEADS: TableDefinition<u128, (u64, u64)> = TableDefinition::new("log_heads");
/// Key: (list id, contact id, version).
pub(crate) const HISTORY: TableDefinition<(u128, u128, u64), &[u8]> = TableDefinition::new("history");

/// Versions of history kept per contact; older ones are dropped as new ones are written.
pub const MAX_HISTORY: u64 = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeKind {
    ContactCreated,
    ContactUpdated,
    ContactDeleted,
    ContactRestored,
    GroupCreated,
    GroupUpdated,
    GroupDeleted,
    ListUpdated,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ContactCreated => "contact.created",
            Self::ContactUpdated => "contact.updated",
            Self::ContactDeleted => "contact.deleted",
            Self::ContactRestored => "contact.restored",
            Self::GroupCreated => "group.created",
            Self::GroupUpdated => "group.updated",
            Self::GroupDeleted => "group.deleted",
            Self::ListUpdated => "list.updated",
        }
    }
}

/// One entry of a list's change log.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Change {
    pub seq: u64,
    pub kind: ChangeKind,
    /// The contact, group or list changed.
    pub id: u128,
    /// Its display name at that moment (the web app says "Adèle edited Clément Laurent").
    pub name: String,
    pub at: Timestamp,
    pub by: UserRef,
}

impl super::Record for Change {
    const VERSION: u8 = 1;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HistoryAction {
    Created,
    Updated,
    Deleted,
    Restored,
    Imported,
    Merged,
}

impl HistoryAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Deleted => "deleted",
            Self::Restored => "restored",
            Self::Imported => "imported",
            Self::Merged => "merged",
        }
    }
}

/// One version of a contact: the write that made it, and the fields before it when it changed them.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HistoryRecord {
    pub at: Timestamp,
    pub by: UserRef,
    pub action: HistoryAction,
    pub before: Option<ContactFields>,
}

/// 2: the fields gained given and family names (see `StoredContact`).
impl super::Record for HistoryRecord {
    const VERSION: u8 = 2;
    fn upgrade(version: u8, bytes: &[u8]) -> Result<Self, super::codec::CodecError> {
        match version {
            1 => Ok(postcard::from_bytes::<super::legacy::HistoryRecordV1>(bytes)?.into()),
            v => Err(super::codec::CodecError::UnknownVersion(v)),
        }
    }
}

/// What a committed transaction appended, per list in seq order, for the live-update hub.
pub type Appended = Vec<(ListId, Vec<Change>)>;

/// The last seq of a list in `changes` (0 when it has none).
fn last_seq(changes: &impl ReadableTable<(u128, u64), &'static [u8]>, l: u128) -> StoreResult<u64> {
    Ok(changes.range((l, 0)..=(l, u64::MAX))?.next_back().transpose()?.map_or(0, |(k, _)| k.value().1))
}

/// The oldest seq a list still keeps (1 until its log is first compacted).
fn oldest_seq(heads: &impl ReadableTable<u128, (u64, u64)>, l: u128) -> StoreResult<u64> {
    Ok(heads.get(l)?.map_or(1, |v| v.value().1))
}

type HistoryTable<'t> = redb::Table<'t, (u128, u128, u64), &'static [u8]>;

/// Appends to the log and history inside one write transaction. Call [`LogWriter::finish`]
/// before committing: it hands back what was written, for the live-update hub. The history
/// table is opened only when a write needs it.
pub(crate) struct LogWriter<'t> {
    txn: &'t redb::WriteTransaction,
    changes: redb::Table<'t, (u128, u64), &'static [u8]>,
    history: Option<HistoryTable<'t>>,
    /// The head seq of each list written in this transaction.
    dirty: HashMap<u128, u64>,
    /// The changes written, per list, handed to the hub after the commit.
    written: HashMap<u128, Vec<Change>>,
    at: Timestamp,
    by: UserRef,
}

impl<'t> LogWriter<'t> {
    pub fn open(txn: &'t redb::WriteTransaction, at: Timestamp, by: &UserRef) -> StoreResult<Self> {
        Ok(Self {
            txn,
            changes: txn.open_table(CHANGES)?,
            history: None,
            dirty: HashMap::new(),
            written: HashMap::new(),
            at,
            by: by.clone(),
        })
    }

    /// Append one change; returns its seq.
    pub fn change(&mut self, list: ListId, kind: ChangeKind, id: u128, name: &str) -> StoreResult<u64> {
        let l = list.as_u128();
        let head = match self.dirty.get(&l) {
            Some(h) => *h,
            None => last_seq(&self.changes, l)?,
        };
        let seq = head + 1;
        let c = Change { seq, kind, id, name: name.to_owned(), at: self.at, by: self.by.clone() };
        self.changes.insert((l, seq), encode(&c).as_slice())?;
        self.dirty.insert(l, seq);
        self.written.entry(l).or_default().push(c);
        Ok(seq)
    }

    /// Record a contact's new version: its change and its history entry (`before`: the fields
    /// before this write when it changed them).
    pub fn contact(
        &mut self,
        list: ListId,
        kind: ChangeKind,
        action: HistoryAction,
        c: &StoredContact,
        before: Option<&ContactFields>,
    ) -> StoreResult<()> {
        self.change(list, kind, c.id.as_u128(), &c.fields.full_name)?;
        // Version 1 (the creation) is the contact's own created_at / created_by: not written.
        if c.version == 1 {
            return Ok(());
        }
        let rec = HistoryRecord { at: self.at, by: self.by.clone(), action, before: before.cloned() };
        let (l, id) = (list.as_u128(), c.id.as_u128());
        let history = match &mut self.history {
            Some(h) => h,
            None => self.history.insert(self.txn.open_table(HISTORY)?),
        };
        history.insert((l, id, c.version), encode(&rec).as_slice())?;
        if c.version > MAX_HISTORY {
            history.remove((l, id, c.version - MAX_HISTORY))?;
        }
        Ok(())
    }

    /// What was appended, for [`crate::events::Hub::notify`] after the commit.
    pub fn finish(mut self) -> StoreResult<Appended> {
        Ok(self.written.drain().map(|(l, c)| (ListId::from_u128(l), c)).collect())
    }
}

/// Remove everything the log and history hold for one contact (a purge from the trash).
pub(crate) fn forget_contact(txn: &redb::WriteTransaction, list: ListId, id: ContactId) -> StoreResult<()> {
    let (l, c) = (list.as_u128(), id.as_u128());
    txn.open_table(HISTORY)?.retain_in((l, c, 0)..=(l, c, u64::MAX), |_, _| false)?;
    super::dav::forget_contact(txn, list, id)?;
    Ok(())
}

/// Remove a whole list's log and history (a purged list).
pub(crate) fn forget_list(txn: &redb::WriteTransaction, list: ListId) -> StoreResult<()> {
    let l = list.as_u128();
    txn.open_table(CHANGES)?.retain_in((l, 0)..=(l, u64::MAX), |_, _| false)?;
    txn.open_table(HISTORY)?.retain_in((l, 0, 0)..=(l, u128::MAX, u64::MAX), |_, _| false)?;
    txn.open_table(LOG_HEADS)?.remove(l)?;
    super::dav::forget_list(txn, list)?;
    Ok(())
}

/// The lists that have a change log (for the sweep), by jumping from one list's keys to the next.
pub(crate) fn lists_with_changes(txn: &redb::WriteTransaction) -> StoreResult<Vec<ListId>> {
    let changes = txn.open_table(CHANGES)?;
    let mut out = Vec::new();
    let mut from = Some(0u128);
    while let Some(l) = from.take() {
        let Some(row) = changes.range((l, 0)..)?.next() else { break };
        let list = row?.0.value().0;
        out.push(ListId::from_u128(list));
        from = list.checked_add(1);
    }
    Ok(out)
}

/// Drop a list's changes written before `cutoff`, always keeping the newest one (so the head
/// stays readable). Returns how many were removed.
pub(crate) fn compact(txn: &redb::WriteTransaction, list: ListId, cutoff: Timestamp) -> StoreResult<usize> {
    let l = list.as_u128();
    let mut changes = txn.open_table(CHANGES)?;
    let head = last_seq(&changes, l)?;
    let oldest = oldest_seq(&txn.open_table(LOG_HEADS)?, l)?;
    if head == 0 {
        return Ok(0);
    }
    let mut new_oldest = oldest;
    let mut removed = 0;
    // Entries are in seq order and `at` only grows with seq (one writer at a time per database).
    for row in changes.range((l, oldest)..(l, head))? {
        let (k, v) = row?;
        let c: Change = decode(v.value())?;
        if c.at >= cutoff {
            break;
        }
        new_oldest = k.value().1 + 1;
    }
    if new_oldest > oldest {
        changes.retain_in((l, oldest)..(l, new_oldest), |_, _| false)?;
        removed = usize::try_from(new_oldest - oldest).unwrap_or(usize::MAX);
        txn.open_table(LOG_HEADS)?.insert(l, (head, new_oldest))?;
    }
    Ok(removed)
}

/// A page of a list's log after `since`.
pub struct ChangePage {
    pub items: Vec<Change>,
    /// What to pass as `since` next time.
    pub next: u64,
}

#[derive(Debug)]
pub enum ChangesError {
    /// `since` is older than what is kept: the reader must start over from `oldest`.
    Compacted {
        oldest: u64,
    },
    Store(super::StoreError),
}

impl From<super::StoreError> for ChangesError {
    fn from(e: super::StoreError) -> Self {
        Self::Store(e)
    }
}

/// Read up to `limit` changes after `since`.
pub(crate) fn read_changes(
    txn: &redb::ReadTransaction,
    list: ListId,
    since: u64,
    limit: usize,
) -> Result<ChangePage, ChangesError> {
    let l = list.as_u128();
    let oldest = oldest_seq(&txn.open_table(LOG_HEADS).map_err(super::StoreError::from)?, l)?;
    if since + 1 < oldest {
        return Err(ChangesError::Compacted { oldest });
    }
    let changes = txn.open_table(CHANGES).map_err(super::StoreError::from)?;
    let head = last_seq(&changes, l)?;
    let mut items = Vec::new();
    if since < head {
        for row in changes.range((l, since + 1)..=(l, head)).map_err(super::StoreError::from)?.take(limit) {
            let (_, v) = row.map_err(super::StoreError::from)?;
            items.push(decode::<Change>(v.value()).map_err(super::StoreError::from)?);
        }
    }
    let next = items.last().map_or(since.min(head), |c| c.seq);
    Ok(ChangePage { items, next })
}

/// A list's head seq (0 when nothing was ever written).
pub(crate) fn head(txn: &redb::ReadTransaction, list: ListId) -> StoreResult<u64> {
    last_seq(&txn.open_table(CHANGES)?, list.as_u128())
}

/// Every kept history entry of a contact, newest first: (version, record).
pub(crate) fn read_history(
    txn: &redb::ReadTransaction,
    list: ListId,
    id: ContactId,
) -> StoreResult<Vec<(u64, HistoryRecord)>> {
    let (l, c) = (list.as_u128(), id.as_u128());
    let t = txn.open_table(HISTORY)?;
    let mut out = Vec::new();
    for row in t.range((l, c, 0)..=(l, c, u64::MAX))?.rev() {
        let (k, v) = row?;
        out.push((k.value().2, decode::<HistoryRecord>(v.value())?));
    }
    Ok(out)
}

/// The fields of every kept version, newest first, rebuilt from the current fields.
pub fn versions(current: &ContactFields, history: &[(u64, HistoryRecord)]) -> Vec<(u64, ContactFields)> {
    let mut out = Vec::with_capacity(history.len());
    let mut fields = current.clone();
    for (v, rec) in history {
        out.push((*v, fields.clone()));
        if let Some(b) = &rec.before {
            fields = b.clone();
        }
    }
    out
}

impl super::OrgStore {
    /// Up to `limit` changes of a list after `since` (the list must exist).
    pub fn changes(&self, list: ListId, since: u64, limit: usize) -> Result<ChangePage, ChangesError> {
        let txn = self.db.begin_read().map_err(super::StoreError::from)?;
        self.read_list(&txn, list)?;
        read_changes(&txn, list, since, limit)
    }

    /// The list's newest seq (0 before its first change).
    pub fn log_head(&self, list: ListId) -> StoreResult<u64> {
        let txn = self.db.begin_read()?;
        self.read_list(&txn, list)?;
        head(&txn, list)
    }
}
