//! Trash, restore, purge, revert and undo: every destructive write has a way back for the
//! retention period.
//!
//! Decisions (issue 13):
//! - A deleted contact moves from `CONTACTS` to [`TRASH`] whole (same id, version + 1), so a
//!   restore gives it back exactly, minus groups deleted since. A deleted list moves from `LISTS`
//!   to [`LIST_TRASH`]; its contacts, groups, log and API keys stay in place, unreachable because
//!   every access reads the list first. A deleted group keeps its record and member ids in
//!   [`GROUP_TRASH`].
//! - Imports note what each job wrote in [`JOB_WRITES`] (in the batch's transaction), so an
//!   undo knows which contacts it created and which version each update replaced; a contact
//!   changed since the import is reported, never overwritten.
//! - The sweep (at start and hourly) purges what is older than `retention.trash_days` and
//!   compacts the change logs; purging a contact forgets its history too.

use super::log::{self, ChangeKind, HistoryAction, HistoryRecord, LogWriter};
use super::records::StoredContact;
use super::{
    Actor, CONTACTS, GROUPS, LISTS, Need, OrgStore, Rights, StoreError, StoreResult, contacts::contact_key, decode,
    encode,
};
use crate::model::{Contact, ContactFields, ContactId, ContactList, Group, GroupId, ListId, Timestamp, UserRef};
use redb::{ReadableDatabase, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Key: (list id, contact id).
pub(crate) const TRASH: TableDefinition<(u128, u128), &[u8]> = TableDefinition::new("trash");
/// Key: list id.
pub(crate) const LIST_TRASH: TableDefinition<u128, &[u8]> = TableDefinition::new("list_trash");
/// Key: (list id, group id).
pub(crate) const GROUP_TRASH: TableDefinition<(u128, u128), &[u8]> = TableDefinition::new("group_trash");
/// Key: (job id, contact id).
pub(crate) const JOB_WRITES: TableDefinition<(u128, u128), &[u8]> = TableDefinition::new("job_writes");
/// Key: job id -> when it was undone (ms).
pub(crate) const JOB_UNDONE: TableDefinition<u128, i64> = TableDefinition::new("job_undone");

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TrashedContact {
    pub contact: StoredContact,
    pub deleted_at: Timestamp,
    pub deleted_by: UserRef,
}

/// 2: the contact's fields gained given and family names (see `StoredContact`).
impl super::Record for TrashedContact {
    const VERSION: u8 = 2;
    fn upgrade(version: u8, bytes: &[u8]) -> Result<Self, super::codec::CodecError> {
        match version {
            1 => Ok(postcard::from_bytes::<super::legacy::TrashedContactV1>(bytes)?.into()),
            v => Err(super::codec::CodecError::UnknownVersion(v)),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TrashedList {
    pub list: ContactList,
    pub deleted_at: Timestamp,
    pub deleted_by: UserRef,
}

/// 2: the list gained `sort` (see `ContactList`).
impl super::Record for TrashedList {
    const VERSION: u8 = 2;
    fn upgrade(version: u8, bytes: &[u8]) -> Result<Self, super::codec::CodecError> {
        match version {
            1 => Ok(postcard::from_bytes::<super::legacy::TrashedListV1>(bytes)?.into()),
            v => Err(super::codec::CodecError::UnknownVersion(v)),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TrashedGroup {
    pub group: Group,
    pub members: Vec<ContactId>,
    pub deleted_at: Timestamp,
    pub deleted_by: UserRef,
}

impl super::Record for TrashedGroup {
    const VERSION: u8 = 1;
}

/// What one import job did to one contact: its version before the job (0 when the job created
/// it) and after the job's last write to it.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct JobWrite {
    pub list: u128,
    pub before: u64,
    pub after: u64,
}

impl super::Record for JobWrite {
    const VERSION: u8 = 1;
}

/// A trashed contact as listed.
pub struct TrashItem {
    pub id: ContactId,
    pub full_name: String,
    pub deleted_at: Timestamp,
    pub deleted_by: UserRef,
}

pub struct TrashedListItem {
    pub list: ContactList,
    pub deleted_at: Timestamp,
    pub deleted_by: UserRef,
    pub contact_count: u64,
}

#[derive(Debug, Default)]
pub struct UndoReport {
    pub trashed: usize,
    pub reverted: usize,
    /// (contact id, name, why it was left alone).
    pub skipped: Vec<(ContactId, String, String)>,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub contacts_purged: usize,
    pub lists_purged: usize,
    pub groups_purged: usize,
    pub changes_compacted: usize,
}

/// One kept version of a contact, for the history view.
pub struct VersionView {
    pub version: u64,
    pub at: Timestamp,
    pub by: UserRef,
    pub action: HistoryAction,
    pub before: ContactFields,
    pub after: ContactFields,
}

/// Move a contact (already removed from `CONTACTS`) to the trash, recording the deletion.
pub(crate) fn trash_contact(
    txn: &redb::WriteTransaction,
    log: &mut LogWriter<'_>,
    list: ListId,
    mut c: StoredContact,
    now: Timestamp,
    by: &UserRef,
) -> StoreResult<()> {
    c.version += 1;
    log.contact(list, ChangeKind::ContactDeleted, HistoryAction::Deleted, &c, None)?;
    let t = TrashedContact { contact: c, deleted_at: now, deleted_by: by.clone() };
    txn.open_table(TRASH)?.insert(contact_key(list, t.contact.id), encode(&t).as_slice())?;
    Ok(())
}

pub(crate) fn trash_group(
    txn: &redb::WriteTransaction,
    list: ListId,
    group: Group,
    members: Vec<ContactId>,
    now: Timestamp,
    by: &UserRef,
) -> StoreResult<()> {
    let key = (list.as_u128(), group.id.as_u128());
    let t = TrashedGroup { group, members, deleted_at: now, deleted_by: by.clone() };
    txn.open_table(GROUP_TRASH)?.insert(key, encode(&t).as_slice())?;
    Ok(())
}

pub(crate) fn trash_list(
    txn: &redb::WriteTransaction,
    list: ContactList,
    now: Timestamp,
    by: &UserRef,
) -> StoreResult<()> {
    let id = list.id.as_u128();
    let t = TrashedList { list, deleted_at: now, deleted_by: by.clone() };
    txn.open_table(LIST_TRASH)?.insert(id, encode(&t).as_slice())?;
    Ok(())
}

/// Forget a list's trashed contacts and groups (the list is being purged).
pub(crate) fn forget_list(txn: &redb::WriteTransaction, list: ListId) -> StoreResult<()> {
    let l = list.as_u128();
    txn.open_table(TRASH)?.retain_in((l, 0)..=(l, u128::MAX), |_, _| false)?;
    txn.open_table(GROUP_TRASH)?.retain_in((l, 0)..=(l, u128::MAX), |_, _| false)?;
    txn.open_table(LIST_TRASH)?.remove(l)?;
    Ok(())
}

/// Note a job's write to a contact (in the batch's transaction).
pub(crate) fn note_job_write(
    t: &mut redb::Table<'_, (u128, u128), &'static [u8]>,
    job: u128,
    list: ListId,
    c: &StoredContact,
    created: bool,
) -> StoreResult<()> {
    let key = (job, c.id.as_u128());
    // A contact the job created has a new id: nothing to read.
    let before = if created {
        0
    } else {
        match t.get(key)? {
            Some(v) => decode::<JobWrite>(v.value())?.before,
            None => c.version - 1,
        }
    };
    t.insert(key, encode(&JobWrite { list: list.as_u128(), before, after: c.version }).as_slice())?;
    Ok(())
}

fn read_trashed(txn: &redb::WriteTransaction, list: ListId, id: ContactId) -> StoreResult<TrashedContact> {
    let t = txn.open_table(TRASH)?;
    let v = t.get(contact_key(list, id))?.ok_or(StoreError::NotFound("contact"))?;
    Ok(decode(v.value())?)
}

fn existing_groups(txn: &redb::WriteTransaction, list: ListId) -> StoreResult<HashSet<GroupId>> {
    let l = list.as_u128();
    let t = txn.open_table(GROUPS)?;
    let mut out = HashSet::new();
    for row in t.range((l, 0)..=(l, u128::MAX))? {
        out.insert(GroupId::from_u128(row?.0.value().1));
    }
    Ok(out)
}

impl OrgStore {
    /// The list's trash, newest first (those who may delete, and owners, see it).
    pub fn trash(
        &self,
        actor: &Actor,
        list: ListId,
        offset: usize,
        limit: usize,
    ) -> StoreResult<(Vec<TrashItem>, usize)> {
        let txn = self.db.begin_read()?;
        let l = self.read_list(&txn, list)?;
        let r = Rights::of(&l, actor)?;
        if !(r.delete || r.owner) {
            r.require(Need::Delete)?;
        }
        let lk = list.as_u128();
        let mut items = Vec::new();
        for row in txn.open_table(TRASH)?.range((lk, 0)..=(lk, u128::MAX))? {
            let t: TrashedContact = decode(row?.1.value())?;
            items.push(TrashItem {
                id: t.contact.id,
                full_name: t.contact.fields.full_name,
                deleted_at: t.deleted_at,
                deleted_by: t.deleted_by,
            });
        }
        items.sort_by(|a, b| b.deleted_at.cmp(&a.deleted_at).then(b.id.cmp(&a.id)));
        let total = items.len();
        Ok((items.into_iter().skip(offset).take(limit).collect(), total))
    }

    /// Give a trashed contact back: same id, next version, only the groups that still exist.
    pub fn restore_contact(
        &self,
        actor: &Actor,
        list: ListId,
        id: ContactId,
        max_contacts: usize,
        now: Timestamp,
    ) -> StoreResult<Contact> {
        let idx = self.index(list)?;
        let _w = self.write_lock.lock();
        let (txn, _) = self.begin_list_write(actor, list, Need::Delete)?;
        if idx.read().len() >= max_contacts {
            return Err(StoreError::LimitReached(format!("a list holds at most {max_contacts} contacts")));
        }
        let t = read_trashed(&txn, list, id)?;
        let (c, before) = self.restore_in(&txn, list, t, actor, now)?;
        let mut log = LogWriter::open(&txn, now, &actor.display)?;
        let changed = (before != c.fields).then_some(&before);
        log.contact(list, ChangeKind::ContactRestored, HistoryAction::Restored, &c, changed)?;
        let appended = log.finish()?;
        Self::add_to_count(&txn, list, 1)?;
        self.commit(txn, appended)?;
        let contact = Contact::from(c);
        idx.write().upsert(&contact);
        Ok(contact)
    }

    /// Move a trashed contact back into `CONTACTS`; returns it and its fields before (groups).
    fn restore_in(
        &self,
        txn: &redb::WriteTransaction,
        list: ListId,
        t: TrashedContact,
        actor: &Actor,
        now: Timestamp,
    ) -> StoreResult<(StoredContact, ContactFields)> {
        let groups = existing_groups(txn, list)?;
        let mut c = t.contact;
        let before = c.fields.clone();
        c.fields.groups.retain(|g| groups.contains(g));
        c.version += 1;
        c.updated_at = now;
        c.updated_by = actor.display.clone();
        txn.open_table(TRASH)?.remove(contact_key(list, c.id))?;
        txn.open_table(CONTACTS)?.insert(contact_key(list, c.id), encode(&c).as_slice())?;
        Ok((c, before))
    }

    /// Purge a trashed contact now (owners).
    pub fn purge_contact(&self, actor: &Actor, list: ListId, id: ContactId) -> StoreResult<()> {
        let _w = self.write_lock.lock();
        let (txn, _) = self.begin_list_write(actor, list, Need::Owner)?;
        if txn.open_table(TRASH)?.remove(contact_key(list, id))?.is_none() {
            return Err(StoreError::NotFound("contact"));
        }
        log::forget_contact(&txn, list, id)?;
        txn.commit()?;
        Ok(())
    }

    /// Lists in the trash that `actor` owned.
    pub fn deleted_lists(&self, actor: &Actor) -> StoreResult<Vec<TrashedListItem>> {
        let txn = self.db.begin_read()?;
        let counts = txn.open_table(super::COUNTS)?;
        let mut out = Vec::new();
        for row in txn.open_table(LIST_TRASH)?.iter()? {
            let t: TrashedList = decode(row?.1.value())?;
            if !Rights::of(&t.list, actor).is_ok_and(|r| r.owner) {
                continue;
            }
            let contact_count = counts.get(t.list.id.as_u128())?.map_or(0, |v| v.value());
            out.push(TrashedListItem {
                list: t.list,
                deleted_at: t.deleted_at,
                deleted_by: t.deleted_by,
                contact_count,
            });
        }
        out.sort_by_key(|t| std::cmp::Reverse(t.deleted_at));
        Ok(out)
    }

    /// Restore a deleted list (its owners).
    pub fn restore_list(&self, actor: &Actor, id: ListId, max_lists: usize) -> StoreResult<ContactList> {
        let _w = self.write_lock.lock();
        let txn = self.db.begin_write()?;
        let found = txn.open_table(LIST_TRASH)?.get(id.as_u128())?.map(|v| decode::<TrashedList>(v.value()));
        let Some(t) = found.transpose()? else {
            // A live list: owners are told it is not deleted, everyone else that they may not.
            let l = txn.open_table(LISTS)?.get(id.as_u128())?.map(|v| decode::<ContactList>(v.value()));
            let l = l.transpose()?.ok_or(StoreError::NotFound("list"))?;
            Rights::of(&l, actor)?.require(Need::Owner)?;
            return Err(StoreError::Conflict { code: "not_deleted", message: "this list is not deleted".into() });
        };
        Rights::of(&t.list, actor)?.require(Need::Owner)?;
        {
            let mut lists = txn.open_table(LISTS)?;
            if redb::ReadableTableMetadata::len(&lists)? >= max_lists as u64 {
                return Err(StoreError::LimitReached(format!("an organization holds at most {max_lists} lists")));
            }
            lists.insert(id.as_u128(), encode(&t.list).as_slice())?;
        }
        txn.open_table(LIST_TRASH)?.remove(id.as_u128())?;
        txn.commit()?;
        Ok(t.list)
    }

    /// Undo a group deletion: the group comes back with its id and name, and its members that
    /// still exist get it back.
    pub fn restore_group(&self, actor: &Actor, list: ListId, id: GroupId, now: Timestamp) -> StoreResult<Group> {
        let idx = self.index(list)?;
        let _w = self.write_lock.lock();
        let (txn, _) = self.begin_list_write(actor, list, Need::Delete)?;
        let t: TrashedGroup = {
            let gt = txn.open_table(GROUP_TRASH)?;
            let v = gt.get((list.as_u128(), id.as_u128()))?.ok_or(StoreError::NotFound("group"))?;
            decode(v.value())?
        };
        if Self::name_taken(&txn, list, &t.group.name, None)? {
            return Err(StoreError::Conflict {
                code: "duplicate_name",
                message: format!("a group named \"{}\" exists again; rename it first", t.group.name),
            });
        }
        txn.open_table(GROUPS)?.insert((list.as_u128(), id.as_u128()), encode(&t.group).as_slice())?;
        txn.open_table(GROUP_TRASH)?.remove((list.as_u128(), id.as_u128()))?;
        let mut changed = Vec::new();
        let appended = {
            let mut log = LogWriter::open(&txn, now, &actor.display)?;
            log.change(list, ChangeKind::GroupCreated, id.as_u128(), &t.group.name)?;
            let mut ct = txn.open_table(CONTACTS)?;
            for cid in &t.members {
                let Some(mut c) =
                    ct.get(contact_key(list, *cid))?.map(|v| decode::<StoredContact>(v.value())).transpose()?
                else {
                    continue;
                };
                if c.fields.groups.contains(&id) {
                    continue;
                }
                let before = c.fields.clone();
                c.fields.groups.push(id);
                c.fields.groups.sort();
                c.version += 1;
                c.updated_at = now;
                c.updated_by = actor.display.clone();
                ct.insert(contact_key(list, *cid), encode(&c).as_slice())?;
                log.contact(list, ChangeKind::ContactUpdated, HistoryAction::Updated, &c, Some(&before))?;
                changed.push(Contact::from(c));
            }
            drop(ct);
            log.finish()?
        };
        self.commit(txn, appended)?;
        let mut w = idx.write();
        w.set_group_name(id, &t.group.name);
        for c in &changed {
            w.upsert(c);
        }
        Ok(t.group)
    }

    /// The kept versions of a contact (live or in the trash), newest first.
    pub fn history(&self, list: ListId, id: ContactId) -> StoreResult<Vec<VersionView>> {
        let txn = self.db.begin_read()?;
        self.read_list(&txn, list)?;
        let current: StoredContact = match txn.open_table(CONTACTS)?.get(contact_key(list, id))? {
            Some(v) => decode(v.value())?,
            None => {
                let t = txn.open_table(TRASH)?;
                let v = t.get(contact_key(list, id))?.ok_or(StoreError::NotFound("contact"))?;
                decode::<TrashedContact>(v.value())?.contact
            }
        };
        let mut hist = log::read_history(&txn, list, id)?;
        // Contacts written before the log existed have no entry for their current version.
        if hist.first().is_none_or(|(v, _)| *v < current.version) {
            hist.insert(
                0,
                (
                    current.version,
                    HistoryRecord {
                        at: current.updated_at,
                        by: current.updated_by.clone(),
                        action: if current.version == 1 { HistoryAction::Created } else { HistoryAction::Updated },
                        before: None,
                    },
                ),
            );
        }
        // A creation is not written to the history (imports stay cheap): version 1 is the contact's
        // creation, shown from its created_at / created_by.
        if hist.last().is_some_and(|(v, _)| *v == 2) {
            let rec = HistoryRecord {
                at: current.created_at,
                by: current.created_by.clone(),
                action: HistoryAction::Created,
                before: None,
            };
            hist.push((1, rec));
        }
        let fields = log::versions(&current.fields, &hist);
        let oldest = hist.last().map(|(v, _)| *v);
        let mut out = Vec::with_capacity(hist.len());
        for (i, ((version, rec), (_, after))) in hist.into_iter().zip(fields.iter()).enumerate() {
            let before = match (&rec.before, fields.get(i + 1)) {
                (Some(b), _) => b.clone(),
                (None, Some((_, prev))) => prev.clone(),
                // The oldest kept version: a creation started from nothing; otherwise what came
                // before was not kept.
                (None, None) if version == 1 || Some(version) != oldest => ContactFields::default(),
                (None, None) => after.clone(),
            };
            out.push(VersionView { version, at: rec.at, by: rec.by, action: rec.action, before, after: after.clone() });
        }
        Ok(out)
    }

    /// Write the fields a contact had at `version` as its new version (groups deleted since are left out).
    pub fn revert_contact(
        &self,
        actor: &Actor,
        list: ListId,
        id: ContactId,
        version: u64,
        if_match: Option<u64>,
        now: Timestamp,
    ) -> StoreResult<Contact> {
        let versions = self.history(list, id)?;
        let current = versions.first().map(|v| v.version);
        let target = versions.into_iter().find(|v| v.version == version).ok_or(StoreError::NotFound("version"))?.after;
        let if_match = if_match.or(current);
        let groups: HashSet<GroupId> = self.groups(list)?.into_iter().map(|g| g.group.id).collect();
        self.update_contact_as(actor, list, id, if_match, now, HistoryAction::Updated, move |_| {
            let mut f = target;
            f.groups.retain(|g| groups.contains(g));
            Ok(f)
        })
    }

    /// Whether `actor` may undo the job: Delete and Modify on every list it wrote to.
    pub fn check_undo(&self, actor: &Actor, job: u128) -> StoreResult<()> {
        let txn = self.db.begin_read()?;
        let t = txn.open_table(JOB_WRITES)?;
        let mut lists = HashSet::new();
        for row in t.range((job, 0)..=(job, u128::MAX))? {
            lists.insert(decode::<JobWrite>(row?.1.value())?.list);
        }
        for l in lists {
            let list = self.read_list(&txn, ListId::from_u128(l))?;
            let r = Rights::of(&list, actor)?;
            r.require(Need::Delete)?;
            r.require(Need::Modify)?;
        }
        Ok(())
    }

    /// Undo an import job: trash what it created, give what it updated its previous version
    /// back, leave alone (and report) what was changed since. Refused when already undone.
    pub fn undo_job(&self, actor: &Actor, job: u128, now: Timestamp) -> StoreResult<UndoReport> {
        let writes: Vec<(ContactId, JobWrite)> = {
            let txn = self.db.begin_read()?;
            if txn.open_table(JOB_UNDONE)?.get(job)?.is_some() {
                return Err(StoreError::Conflict {
                    code: "already_undone",
                    message: "this import was already undone".into(),
                });
            }
            let t = txn.open_table(JOB_WRITES)?;
            let mut out = Vec::new();
            for row in t.range((job, 0)..=(job, u128::MAX))? {
                let (k, v) = row?;
                out.push((ContactId::from_u128(k.value().1), decode::<JobWrite>(v.value())?));
            }
            out
        };
        // The fields each updated contact had before the job, from its history (read outside the write).
        let mut previous = std::collections::HashMap::new();
        for (id, w) in &writes {
            if w.before > 0 {
                let list = ListId::from_u128(w.list);
                if let Ok(vs) = self.history(list, *id)
                    && let Some(v) = vs.iter().find(|v| v.version == w.before)
                {
                    previous.insert(*id, v.after.clone());
                }
            }
        }
        let lists: HashSet<u128> = writes.iter().map(|(_, w)| w.list).collect();
        let idxs = lists
            .iter()
            .map(|l| Ok((*l, self.index(ListId::from_u128(*l))?)))
            .collect::<StoreResult<std::collections::HashMap<_, _>>>()?;
        let _w = self.write_lock.lock();
        let txn = self.db.begin_write()?;
        if txn.open_table(JOB_UNDONE)?.get(job)?.is_some() {
            return Err(StoreError::Conflict {
                code: "already_undone",
                message: "this import was already undone".into(),
            });
        }
        for l in &lists {
            let list: ContactList = {
                let t = txn.open_table(LISTS)?;
                let v = t.get(*l)?.ok_or(StoreError::NotFound("list"))?;
                decode(v.value())?
            };
            let r = Rights::of(&list, actor)?;
            r.require(Need::Delete)?;
            r.require(Need::Modify)?;
        }
        let mut report = UndoReport::default();
        let mut upserts = Vec::new();
        let mut removed = Vec::new();
        let appended = {
            let mut log = LogWriter::open(&txn, now, &actor.display)?;
            let mut ct = txn.open_table(CONTACTS)?;
            let mut counts: std::collections::HashMap<u128, i64> = std::collections::HashMap::new();
            for (id, w) in &writes {
                let list = ListId::from_u128(w.list);
                let Some(cur) =
                    ct.get(contact_key(list, *id))?.map(|v| decode::<StoredContact>(v.value())).transpose()?
                else {
                    report.skipped.push((*id, String::new(), "deleted since the import".into()));
                    continue;
                };
                if cur.version != w.after {
                    report.skipped.push((*id, cur.fields.full_name.clone(), "changed since the import".into()));
                    continue;
                }
                if w.before == 0 {
                    ct.remove(contact_key(list, *id))?;
                    drop(ct);
                    trash_contact(&txn, &mut log, list, cur, now, &actor.display)?;
                    ct = txn.open_table(CONTACTS)?;
                    *counts.entry(w.list).or_default() -= 1;
                    removed.push((w.list, *id));
                    report.trashed += 1;
                } else if let Some(prev) = previous.get(id) {
                    let groups = existing_groups(&txn, list)?;
                    let before = cur.fields.clone();
                    let mut c = cur;
                    c.fields = prev.clone();
                    c.fields.groups.retain(|g| groups.contains(g));
                    c.version += 1;
                    c.updated_at = now;
                    c.updated_by = actor.display.clone();
                    ct.insert(contact_key(list, *id), encode(&c).as_slice())?;
                    log.contact(list, ChangeKind::ContactUpdated, HistoryAction::Updated, &c, Some(&before))?;
                    upserts.push((w.list, Contact::from(c)));
                    report.reverted += 1;
                } else {
                    report.skipped.push((
                        *id,
                        cur.fields.full_name.clone(),
                        "its earlier version is no longer kept".into(),
                    ));
                }
            }
            drop(ct);
            for (l, d) in counts {
                Self::add_to_count(&txn, ListId::from_u128(l), d)?;
            }
            log.finish()?
        };
        txn.open_table(JOB_UNDONE)?.insert(job, now.0)?;
        self.commit(txn, appended)?;
        for (l, c) in &upserts {
            if let Some(i) = idxs.get(l) {
                i.write().upsert(c);
            }
        }
        for (l, id) in &removed {
            if let Some(i) = idxs.get(l) {
                i.write().remove(*id);
            }
        }
        Ok(report)
    }

    /// Purge what is older than the trash retention and compact change logs older than
    /// `changes_keep_ms`. `trash_keep_ms` 0 purges every trashed item.
    pub fn sweep(&self, now: Timestamp, trash_keep_ms: i64, changes_keep_ms: i64) -> StoreResult<SweepReport> {
        let trash_cutoff = Timestamp(now.0.saturating_sub(trash_keep_ms));
        let changes_cutoff = Timestamp(now.0.saturating_sub(changes_keep_ms));
        let mut report = SweepReport::default();
        let _w = self.write_lock.lock();
        let txn = self.db.begin_write()?;
        // Lists first: a purged list takes its trashed contacts with it.
        let old_lists: Vec<ListId> = {
            let t = txn.open_table(LIST_TRASH)?;
            let mut v = Vec::new();
            for row in t.iter()? {
                let (k, val) = row?;
                if decode::<TrashedList>(val.value())?.deleted_at <= trash_cutoff {
                    v.push(ListId::from_u128(k.value()));
                }
            }
            v
        };
        for l in &old_lists {
            Self::erase_list(&txn, *l)?;
            report.lists_purged += 1;
        }
        let old_contacts: Vec<(ListId, ContactId)> = {
            let t = txn.open_table(TRASH)?;
            let mut v = Vec::new();
            for row in t.iter()? {
                let (k, val) = row?;
                if decode::<TrashedContact>(val.value())?.deleted_at <= trash_cutoff {
                    let (l, c) = k.value();
                    v.push((ListId::from_u128(l), ContactId::from_u128(c)));
                }
            }
            v
        };
        for (l, c) in &old_contacts {
            txn.open_table(TRASH)?.remove(contact_key(*l, *c))?;
            log::forget_contact(&txn, *l, *c)?;
            report.contacts_purged += 1;
        }
        {
            let mut t = txn.open_table(GROUP_TRASH)?;
            let before = redb::ReadableTableMetadata::len(&t)?;
            t.retain(|_, v| decode::<TrashedGroup>(v).map(|g| g.deleted_at > trash_cutoff).unwrap_or(false))?;
            report.groups_purged = usize::try_from(before - redb::ReadableTableMetadata::len(&t)?).unwrap_or(0);
        }
        let lists = log::lists_with_changes(&txn)?;
        for l in lists {
            report.changes_compacted += log::compact(&txn, l, changes_cutoff)?;
        }
        // What an undo needs is kept as long as its job's record (jobs expire after their retention).
        {
            let jobs = txn.open_table(super::jobs::JOBS)?;
            let mut writes = txn.open_table(JOB_WRITES)?;
            let mut gone = Vec::new();
            let mut next = Some((0u128, 0u128));
            while let Some(from) = next.take() {
                let Some(row) = writes.range(from..)?.next() else { break };
                let job = row?.0.value().0;
                if jobs.get(job)?.is_none() {
                    gone.push(job);
                }
                next = job.checked_add(1).map(|j| (j, 0));
            }
            for j in &gone {
                writes.retain_in((*j, 0)..=(*j, u128::MAX), |_, _| false)?;
            }
            let mut undone = txn.open_table(JOB_UNDONE)?;
            undone.retain(|j, _| jobs.get(j).is_ok_and(|r| r.is_some()))?;
        }
        txn.commit()?;
        Ok(report)
    }
}
