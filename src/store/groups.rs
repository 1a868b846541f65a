//! Groups: names unique per list (case-insensitively); membership lives on the contacts, so
//! renaming touches one record and deleting a group rewrites its members in the same transaction.

use super::contacts::contact_key;
use super::log::{ChangeKind, HistoryAction, LogWriter};
use super::records::StoredContact;
use super::{Actor, CONTACTS, GROUPS, Need, OrgStore, StoreError, StoreResult, decode, encode};
use crate::model::{Contact, ContactId, FieldErrors, Group, GroupId, ListId, Timestamp};
use crate::search::{GroupFilter, Order, Query, SortKey};
use redb::{ReadableDatabase, ReadableTable};

/// A group with its number of contacts.
pub struct GroupWithCount {
    pub group: Group,
    pub member_count: usize,
}

/// The model's one group-name rule, as a store error.
fn validate_group_name(name: &str) -> StoreResult<String> {
    crate::model::validate_group_name(name).map_err(StoreError::Validation)
}

fn members_query(g: GroupId) -> Query {
    Query {
        q: String::new(),
        letter: None,
        group: Some(GroupFilter::Group(g)),
        sort: SortKey::FullName,
        order: Order::Asc,
        offset: 0,
        limit: usize::MAX,
    }
}

impl OrgStore {
    pub fn groups(&self, list: ListId) -> StoreResult<Vec<GroupWithCount>> {
        let idx = self.index(list)?;
        let txn = self.db.begin_read()?;
        self.read_list(&txn, list)?;
        let t = txn.open_table(GROUPS)?;
        let l = list.as_u128();
        let mut out = Vec::new();
        let idx = idx.read();
        for row in t.range((l, 0)..=(l, u128::MAX))? {
            let g: Group = decode(row?.1.value())?;
            let mut q = members_query(g.id);
            q.limit = 0;
            let member_count = idx.query(&q).total;
            out.push(GroupWithCount { group: g, member_count });
        }
        out.sort_by_key(|a| a.group.name.to_lowercase());
        Ok(out)
    }

    pub fn get_group(&self, list: ListId, id: GroupId) -> StoreResult<GroupWithCount> {
        let idx = self.index(list)?;
        let txn = self.db.begin_read()?;
        let t = txn.open_table(GROUPS)?;
        let v = t.get((list.as_u128(), id.as_u128()))?.ok_or(StoreError::NotFound("group"))?;
        let group: Group = decode(v.value())?;
        let mut q = members_query(id);
        q.limit = 0;
        let member_count = idx.read().query(&q).total;
        Ok(GroupWithCount { group, member_count })
    }

    pub(crate) fn name_taken(
        txn: &redb::WriteTransaction,
        list: ListId,
        name: &str,
        except: Option<GroupId>,
    ) -> StoreResult<bool> {
        let t = txn.open_table(GROUPS)?;
        let l = list.as_u128();
        let lower = name.to_lowercase();
        for row in t.range((l, 0)..=(l, u128::MAX))? {
            let g: Group = decode(row?.1.value())?;
            if Some(g.id) != except && g.name.to_lowercase() == lower {
                return Ok(true);
            }
        }
        Ok(false)
    }

    pub fn create_group(
        &self,
        actor: &Actor,
        list: ListId,
        name: &str,
        max_groups: usize,
        now: Timestamp,
    ) -> StoreResult<Group> {
        let name = validate_group_name(name)?;
        let idx = self.index(list)?;
        let _w = self.write_lock.lock();
        let (txn, _) = self.begin_list_write(actor, list, Need::Add)?;
        if Self::name_taken(&txn, list, &name, None)? {
            return Err(StoreError::Conflict {
                code: "duplicate_name",
                message: format!("a group named \"{name}\" already exists"),
            });
        }
        {
            let t = txn.open_table(GROUPS)?;
            let lk = list.as_u128();
            if t.range((lk, 0)..=(lk, u128::MAX))?.count() >= max_groups {
                return Err(StoreError::LimitReached(format!("a list holds at most {max_groups} groups")));
            }
        }
        let g = Group { id: GroupId::new_random(), name, created_at: now, created_by: actor.display.clone() };
        txn.open_table(GROUPS)?.insert((list.as_u128(), g.id.as_u128()), encode(&g).as_slice())?;
        let mut log = LogWriter::open(&txn, now, &actor.display)?;
        log.change(list, ChangeKind::GroupCreated, g.id.as_u128(), &g.name)?;
        let appended = log.finish()?;
        self.commit(txn, appended)?;
        idx.write().set_group_name(g.id, &g.name);
        Ok(g)
    }

    /// Rename and change members in one transaction.
    #[allow(clippy::too_many_arguments)]
    pub fn patch_group(
        &self,
        actor: &Actor,
        list: ListId,
        id: GroupId,
        name: Option<&str>,
        add: &[ContactId],
        remove: &[ContactId],
        now: Timestamp,
    ) -> StoreResult<Group> {
        let name = name.map(validate_group_name).transpose()?;
        let idx = self.index(list)?;
        let _w = self.write_lock.lock();
        let (txn, _) = self.begin_list_write(actor, list, Need::Modify)?;
        let mut changed = Vec::new();
        let mut renamed = false;
        let group = {
            let mut gt = txn.open_table(GROUPS)?;
            let mut g: Group = {
                let v = gt.get((list.as_u128(), id.as_u128()))?.ok_or(StoreError::NotFound("group"))?;
                decode(v.value())?
            };
            if let Some(n) = name
                && n != g.name
            {
                drop(gt);
                if Self::name_taken(&txn, list, &n, Some(id))? {
                    return Err(StoreError::Conflict {
                        code: "duplicate_name",
                        message: format!("a group named \"{n}\" already exists"),
                    });
                }
                gt = txn.open_table(GROUPS)?;
                g.name = n;
                gt.insert((list.as_u128(), id.as_u128()), encode(&g).as_slice())?;
                renamed = true;
            }
            g
        };
        let appended = {
            let mut log = LogWriter::open(&txn, now, &actor.display)?;
            if renamed {
                log.change(list, ChangeKind::GroupUpdated, id.as_u128(), &group.name)?;
            }
            let mut t = txn.open_table(CONTACTS)?;
            for (cid, adding) in add.iter().map(|c| (c, true)).chain(remove.iter().map(|c| (c, false))) {
                let mut c: Contact = {
                    let Some(v) = t.get(contact_key(list, *cid))? else {
                        let field = if adding { "add_members" } else { "remove_members" };
                        let mut e = FieldErrors::new();
                        e.insert(field.into(), format!("unknown contact {cid}"));
                        return Err(StoreError::Validation(e));
                    };
                    decode::<StoredContact>(v.value())?.into()
                };
                let had = c.fields.groups.contains(&id);
                if adding == had {
                    continue;
                }
                let before = c.fields.clone();
                if adding {
                    c.fields.groups.push(id);
                    c.fields.groups.sort();
                } else {
                    c.fields.groups.retain(|g| *g != id);
                }
                c.updated_at = now;
                c.updated_by = actor.display.clone();
                c.version += 1;
                let stored = StoredContact::from(&c);
                t.insert(contact_key(list, *cid), encode(&stored).as_slice())?;
                log.contact(list, ChangeKind::ContactUpdated, HistoryAction::Updated, &stored, Some(&before))?;
                changed.retain(|x: &Contact| x.id != c.id);
                changed.push(c);
            }
            drop(t);
            log.finish()?
        };
        self.commit(txn, appended)?;
        let mut w = idx.write();
        w.set_group_name(id, &group.name);
        for c in &changed {
            w.upsert(c);
        }
        Ok(group)
    }

    /// Delete a group: it is removed from its contacts, which stay. The group and its members are
    /// kept in the group trash so that the deletion can be undone ([`Self::restore_group`]).
    pub fn delete_group(&self, actor: &Actor, list: ListId, id: GroupId, now: Timestamp) -> StoreResult<()> {
        let idx = self.index(list)?;
        let _w = self.write_lock.lock();
        let members = idx.read().query(&members_query(id)).ids;
        let (txn, _) = self.begin_list_write(actor, list, Need::Delete)?;
        let mut changed = Vec::new();
        let appended = {
            let mut gt = txn.open_table(GROUPS)?;
            let group: Group = match gt.remove((list.as_u128(), id.as_u128()))? {
                Some(v) => decode(v.value())?,
                None => return Err(StoreError::NotFound("group")),
            };
            let mut log = LogWriter::open(&txn, now, &actor.display)?;
            log.change(list, ChangeKind::GroupDeleted, id.as_u128(), &group.name)?;
            let mut t = txn.open_table(CONTACTS)?;
            let mut kept = Vec::with_capacity(members.len());
            for cid in members {
                let Some(mut c) =
                    t.get(contact_key(list, cid))?.map(|v| decode::<StoredContact>(v.value())).transpose()?
                else {
                    continue;
                };
                let before = c.fields.clone();
                c.fields.groups.retain(|g| *g != id);
                c.updated_at = now;
                c.updated_by = actor.display.clone();
                c.version += 1;
                t.insert(contact_key(list, cid), encode(&c).as_slice())?;
                log.contact(list, ChangeKind::ContactUpdated, HistoryAction::Updated, &c, Some(&before))?;
                kept.push(cid);
                changed.push(Contact::from(c));
            }
            drop(t);
            super::trash::trash_group(&txn, list, group, kept, now, &actor.display)?;
            log.finish()?
        };
        self.commit(txn, appended)?;
        let mut w = idx.write();
        for c in &changed {
            w.upsert(c);
        }
        w.remove_group(id);
        Ok(())
    }
}
