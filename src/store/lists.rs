//! Contact lists: create, read, change settings, delete (with everything in them).

use super::log::{ChangeKind, LogWriter};
use super::{
    API_KEYS, Actor, CONTACTS, COUNTS, GROUPS, LISTS, Need, OrgStore, StoreError, StoreResult, decode, encode,
};
use crate::model::{
    ContactList, DEFAULT_VISIBLE_FIELDS, FieldErrors, ListId, ListPatch, NewList, Timestamp, validate_channel,
    validate_list_name, validate_permissions, validate_visible_fields,
};
use redb::{ReadableDatabase, ReadableTable, ReadableTableMetadata};

impl OrgStore {
    /// `max_lists` is `limits.max_lists_per_org`, counted inside the write transaction.
    pub fn create_list(
        &self,
        actor: &Actor,
        mut new: NewList,
        max_lists: usize,
        now: Timestamp,
    ) -> StoreResult<ContactList> {
        let mut errs = FieldErrors::new();
        let name = validate_list_name(&new.name, &mut errs);
        if let Some(c) = &mut new.channel {
            validate_channel("channel", c, &mut errs);
        }
        if let Some(c) = &mut new.team {
            validate_channel("team", c, &mut errs);
        }
        if let Some(v) = &new.visible_fields {
            validate_visible_fields(v, &mut errs);
        }
        if let Some(p) = &mut new.permissions {
            validate_permissions(p, &mut errs);
        }
        if !errs.is_empty() {
            return Err(StoreError::Validation(errs));
        }
        let list = ContactList {
            id: ListId::new_random(),
            name,
            channel: new.channel,
            team: new.team,
            created_by: actor.display.clone(),
            created_at: now,
            owners: vec![
                actor.user_id().cloned().ok_or_else(|| StoreError::Forbidden("API keys cannot create lists".into()))?,
            ],
            display_mode: new.display_mode.unwrap_or_default(),
            visible_fields: new
                .visible_fields
                .unwrap_or_else(|| DEFAULT_VISIBLE_FIELDS.iter().map(|s| (*s).to_owned()).collect()),
            permissions: new.permissions.unwrap_or_default(),
            sort: new.sort.unwrap_or_default(),
        };
        let _w = self.write_lock.lock();
        let txn = self.db.begin_write()?;
        {
            let mut t = txn.open_table(LISTS)?;
            if t.len()? >= max_lists as u64 {
                return Err(StoreError::LimitReached(format!("an organization holds at most {max_lists} lists")));
            }
            t.insert(list.id.as_u128(), encode(&list).as_slice())?;
        }
        txn.commit()?;
        Ok(list)
    }

    pub fn lists(&self) -> StoreResult<Vec<ContactList>> {
        let txn = self.db.begin_read()?;
        let t = txn.open_table(LISTS)?;
        let mut out = Vec::new();
        for row in t.iter()? {
            out.push(decode::<ContactList>(row?.1.value())?);
        }
        out.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    pub fn get_list(&self, id: ListId) -> StoreResult<ContactList> {
        let txn = self.db.begin_read()?;
        self.read_list(&txn, id)
    }

    /// Only owners change settings; the check and the write are one transaction.
    pub fn patch_list(&self, actor: &Actor, id: ListId, patch: ListPatch, now: Timestamp) -> StoreResult<ContactList> {
        let _w = self.write_lock.lock();
        let (txn, mut list) = self.begin_list_write(actor, id, Need::Owner)?;
        let list = {
            let mut t = txn.open_table(LISTS)?;
            let mut errs = FieldErrors::new();
            if let Some(n) = &patch.name {
                list.name = validate_list_name(n, &mut errs);
            }
            if let Some(v) = patch.visible_fields {
                validate_visible_fields(&v, &mut errs);
                list.visible_fields = v;
            }
            if let Some(mut p) = patch.permissions {
                validate_permissions(&mut p, &mut errs);
                list.permissions = p;
            }
            if let Some(mut owners) = patch.owners {
                let ids_ok = owners.iter_mut().all(crate::model::normalize_member_id);
                owners.sort();
                owners.dedup();
                if owners.is_empty() || owners.iter().all(|o| o.0.starts_with(crate::model::PENDING_PREFIX)) {
                    errs.insert("owners".into(), "a list needs at least one owner who has signed in".into());
                } else if owners.len() > 1000 || !ids_ok {
                    errs.insert(
                        "owners".into(),
                        "owners must be 1 to 1000 user ids (or upn:name@domain for someone who has not signed in yet)"
                            .into(),
                    );
                }
                list.owners = owners;
            }
            if let Some(m) = patch.display_mode {
                list.display_mode = m;
            }
            if let Some(s) = patch.sort {
                list.sort = s;
            }
            if let Some(mut c) = patch.channel {
                validate_channel("channel", &mut c, &mut errs);
                list.channel = Some(c);
            }
            if let Some(mut c) = patch.team {
                validate_channel("team", &mut c, &mut errs);
                list.team = Some(c);
            }
            if !errs.is_empty() {
                return Err(StoreError::Validation(errs));
            }
            t.insert(id.as_u128(), encode(&list).as_slice())?;
            list
        };
        let mut log = LogWriter::open(&txn, now, &actor.display)?;
        log.change(id, ChangeKind::ListUpdated, id.as_u128(), &list.name)?;
        let appended = log.finish()?;
        self.commit(txn, appended)?;
        Ok(list)
    }

    /// Delete a list: it moves to the organization's list trash with everything in it (its
    /// contacts, groups, log and API keys stay where they are, unreachable while the list is not
    /// in `LISTS`), restorable by its owners until the sweep purges it.
    pub fn delete_list(&self, actor: &Actor, id: ListId, now: Timestamp) -> StoreResult<()> {
        let _w = self.write_lock.lock();
        let (txn, list) = self.begin_list_write(actor, id, Need::Owner)?;
        txn.open_table(LISTS)?.remove(id.as_u128())?;
        super::trash::trash_list(&txn, list, now, &actor.display)?;
        txn.commit()?;
        self.indexes.lock().remove(&id);
        Ok(())
    }

    /// Remove a list and everything in it for good (a purge from the list trash), in one transaction.
    pub(crate) fn erase_list(txn: &redb::WriteTransaction, id: ListId) -> StoreResult<()> {
        let l = id.as_u128();
        txn.open_table(LISTS)?.remove(l)?;
        txn.open_table(COUNTS)?.remove(l)?;
        txn.open_table(CONTACTS)?.retain_in((l, 0)..=(l, u128::MAX), |_, _| false)?;
        txn.open_table(GROUPS)?.retain_in((l, 0)..=(l, u128::MAX), |_, _| false)?;
        let mut keys = txn.open_table(API_KEYS)?;
        keys.retain(|_, v| decode::<super::ApiKeyRecord>(v).map(|k| k.list != id).unwrap_or(true))?;
        drop(keys);
        super::log::forget_list(txn, id)?;
        super::trash::forget_list(txn, id)?;
        Ok(())
    }
}

impl OrgStore {
    /// At a sign-in: the lists that named this person by sign-in name before they ever signed in
    /// (`upn:...` in owners or members) now name them by their object id. Rights given to both
    /// are combined. Returns how many lists changed (most sign-ins change none and write nothing).
    pub fn resolve_pending(
        &self,
        upn: &str,
        oid: &crate::model::UserId,
        by: &crate::model::UserRef,
        now: Timestamp,
    ) -> StoreResult<usize> {
        let Some(pending) = crate::model::pending_id(upn) else { return Ok(0) };
        let names =
            |l: &ContactList| l.owners.contains(&pending) || l.permissions.members.iter().any(|m| m.oid == pending);
        if !self.lists()?.iter().any(names) {
            return Ok(0);
        }
        let _w = self.write_lock.lock();
        let txn = self.db.begin_write()?;
        let mut changed = Vec::new();
        {
            let mut t = txn.open_table(LISTS)?;
            let mut all = Vec::new();
            for row in t.iter()? {
                all.push(decode::<ContactList>(row?.1.value())?);
            }
            for mut l in all.into_iter().filter(|l| names(l)) {
                if l.owners.contains(&pending) {
                    l.owners.retain(|o| *o != pending);
                    if !l.owners.contains(oid) {
                        l.owners.push(oid.clone());
                        l.owners.sort();
                    }
                }
                let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut l.permissions.members)
                    .into_iter()
                    .partition(|m| m.oid == pending || m.oid == *oid);
                l.permissions.members = rest;
                if !mine.is_empty() {
                    l.permissions.members.push(crate::model::MemberPermission {
                        oid: oid.clone(),
                        add: mine.iter().any(|m| m.add),
                        modify: mine.iter().any(|m| m.modify),
                        delete: mine.iter().any(|m| m.delete),
                    });
                }
                t.insert(l.id.as_u128(), encode(&l).as_slice())?;
                changed.push((l.id, l.name.clone()));
            }
        }
        let mut log = LogWriter::open(&txn, now, by)?;
        for (id, name) in &changed {
            log.change(*id, ChangeKind::ListUpdated, id.as_u128(), name)?;
        }
        let appended = log.finish()?;
        self.commit(txn, appended)?;
        Ok(changed.len())
    }
}
