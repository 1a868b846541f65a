//! Contacts: reads through the list's search index, writes in one transaction each, the index
//! updated before the call returns.

use super::log::{ChangeKind, HistoryAction, LogWriter};
use super::records::StoredContact;
use super::{Actor, CONTACTS, GROUPS, OrgStore, StoreError, StoreResult, decode, encode};
use super::{Need, Rights};
use crate::model::{Contact, ContactFields, ContactId, FieldErrors, Group, GroupId, ListId, Present, Timestamp};
use crate::search::{ListIndex, Query};
use parking_lot::RwLock;
use redb::{ReadableDatabase, ReadableTable};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

pub struct ContactPage {
    pub items: Vec<Contact>,
    pub total: usize,
    pub letters: BTreeMap<char, usize>,
    /// The search matched nothing as typed; these are the typo-tolerant results.
    pub fuzzy: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DuplicatePolicy {
    #[default]
    Skip,
    Update,
    Create,
}

/// One validated row of an import, with its group names (created when unknown).
pub struct ImportRow {
    pub row: usize,
    pub fields: ContactFields,
    /// The fields the file sets (a column present and a non-empty cell): an update import
    /// changes only these on the matched contact, so an empty or missing cell never clears one.
    pub present: Present,
    pub group_names: Vec<String>,
}

#[derive(Debug, Default, Clone)]
pub struct ImportOutcome {
    pub imported: usize,
    pub updated: usize,
    pub skipped: usize,
    /// Rows refused while writing: (row, field, reason).
    pub errors: Vec<(usize, String, String)>,
    /// Rows refused by the batch (row number, reason), e.g. a new group over the list's limit.
    pub refused: Vec<(usize, String)>,
    /// Rows skipped as duplicates (row number, why), so the report can say which.
    pub skipped_rows: Vec<(usize, &'static str)>,
}

pub(crate) fn contact_key(list: ListId, id: ContactId) -> (u128, u128) {
    (list.as_u128(), id.as_u128())
}

fn validation(field: &str, msg: impl Into<String>) -> StoreError {
    let mut e = FieldErrors::new();
    e.insert(field.to_owned(), msg.into());
    StoreError::Validation(e)
}

impl OrgStore {
    /// The list's search index, built from the store on first use. Each list has its own cell:
    /// building one list's index (seconds for a large list) holds only that list's callers.
    pub fn index(&self, list: ListId) -> StoreResult<Arc<RwLock<ListIndex>>> {
        let cell = self.indexes.lock().entry(list).or_default().clone();
        let mut slot = cell.lock();
        if let Some(i) = &*slot {
            return Ok(i.clone());
        }
        let built = self.build_index(list);
        match built {
            Ok(idx) => {
                *slot = Some(idx.clone());
                Ok(idx)
            }
            Err(e) => {
                drop(slot);
                // An unknown list leaves no empty cell behind.
                let mut map = self.indexes.lock();
                if map.get(&list).is_some_and(|c| c.lock().is_none()) {
                    map.remove(&list);
                }
                Err(e)
            }
        }
    }

    fn build_index(&self, list: ListId) -> StoreResult<Arc<RwLock<ListIndex>>> {
        let txn = self.db.begin_read()?;
        self.read_list(&txn, list)?;
        let l = list.as_u128();
        let groups = txn.open_table(GROUPS)?;
        let mut names = Vec::new();
        for row in groups.range((l, 0)..=(l, u128::MAX))? {
            let g: Group = decode(row?.1.value())?;
            names.push((g.id, g.name));
        }
        let contacts = txn.open_table(CONTACTS)?;
        let mut all = Vec::new();
        for row in contacts.range((l, 0)..=(l, u128::MAX))? {
            let s: StoredContact = decode(row?.1.value())?;
            all.push(Contact::from(s));
        }
        Ok(Arc::new(RwLock::new(ListIndex::build_in(crate::search::phone::region_for(self.org.as_str()), all, names))))
    }

    /// Calls `f` with every contact of a list, in id order, from one read transaction
    /// (for whole-list passes such as duplicate detection; nothing is kept).
    pub fn scan_contacts(&self, list: ListId, mut f: impl FnMut(Contact)) -> StoreResult<()> {
        let txn = self.db.begin_read()?;
        self.read_list(&txn, list)?;
        let l = list.as_u128();
        for row in txn.open_table(CONTACTS)?.range((l, 0)..=(l, u128::MAX))? {
            f(Contact::from(decode::<StoredContact>(row?.1.value())?));
        }
        Ok(())
    }

    /// The number of contacts of a list, from the stored count (never builds the index).
    pub fn contact_count(&self, list: ListId) -> StoreResult<usize> {
        let txn = self.db.begin_read()?;
        let t = txn.open_table(super::COUNTS)?;
        Ok(t.get(list.as_u128())?.map_or(0, |v| usize::try_from(v.value()).unwrap_or(usize::MAX)))
    }

    pub fn query_contacts(&self, list: ListId, q: &Query) -> StoreResult<ContactPage> {
        let idx = self.index(list)?;
        let r = idx.read().query(q);
        let txn = self.db.begin_read()?;
        let t = txn.open_table(CONTACTS)?;
        let mut items = Vec::with_capacity(r.ids.len());
        for id in r.ids {
            if let Some(v) = t.get(contact_key(list, id))? {
                items.push(Contact::from(decode::<StoredContact>(v.value())?));
            }
        }
        Ok(ContactPage { items, total: r.total, letters: r.letters, fuzzy: r.fuzzy })
    }

    /// Every contact of the list matching `q` (no paging), for exports and group deletion.
    pub fn all_matching(&self, list: ListId, q: &Query) -> StoreResult<Vec<ContactId>> {
        let idx = self.index(list)?;
        let mut q = q.clone();
        q.offset = 0;
        q.limit = usize::MAX;
        Ok(idx.read().query(&q).ids)
    }

    pub fn read_contacts(&self, list: ListId, ids: &[ContactId]) -> StoreResult<Vec<Contact>> {
        let txn = self.db.begin_read()?;
        let t = txn.open_table(CONTACTS)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(v) = t.get(contact_key(list, *id))? {
                out.push(Contact::from(decode::<StoredContact>(v.value())?));
            }
        }
        Ok(out)
    }

    pub fn get_contact(&self, list: ListId, id: ContactId) -> StoreResult<Contact> {
        let txn = self.db.begin_read()?;
        self.read_list(&txn, list)?;
        let t = txn.open_table(CONTACTS)?;
        let v = t.get(contact_key(list, id))?.ok_or(StoreError::NotFound("contact"))?;
        Ok(Contact::from(decode::<StoredContact>(v.value())?))
    }

    fn check_groups_exist(txn: &redb::WriteTransaction, list: ListId, groups: &[GroupId]) -> StoreResult<()> {
        let t = txn.open_table(GROUPS)?;
        for g in groups {
            if t.get((list.as_u128(), g.as_u128()))?.is_none() {
                return Err(validation("groups", format!("unknown group {g}")));
            }
        }
        Ok(())
    }

    pub fn create_contact(
        &self,
        actor: &Actor,
        list: ListId,
        fields: ContactFields,
        max_contacts: usize,
        now: Timestamp,
    ) -> StoreResult<Contact> {
        let idx = self.index(list)?;
        let _w = self.write_lock.lock();
        if idx.read().len() >= max_contacts {
            return Err(StoreError::LimitReached(format!("a list holds at most {max_contacts} contacts")));
        }
        let (txn, _) = self.begin_list_write(actor, list, Need::Add)?;
        Self::check_groups_exist(&txn, list, &fields.groups)?;
        let c = Contact {
            id: ContactId::new_time_ordered(),
            fields,
            created_at: now,
            created_by: actor.display.clone(),
            updated_at: now,
            updated_by: actor.display.clone(),
            version: 1,
        };
        let stored = StoredContact::from(&c);
        txn.open_table(CONTACTS)?.insert(contact_key(list, c.id), encode(&stored).as_slice())?;
        Self::add_to_count(&txn, list, 1)?;
        let mut log = LogWriter::open(&txn, now, &actor.display)?;
        log.contact(list, ChangeKind::ContactCreated, HistoryAction::Created, &stored, None)?;
        let appended = log.finish()?;
        self.commit(txn, appended)?;
        idx.write().upsert(&c);
        Ok(c)
    }

    /// Replace or patch a contact: `change` computes the new fields from the current ones.
    /// With `if_match`, a contact whose version differs is not touched (412 with the current one).
    pub fn update_contact(
        &self,
        actor: &Actor,
        list: ListId,
        id: ContactId,
        if_match: Option<u64>,
        now: Timestamp,
        change: impl FnOnce(&ContactFields) -> Result<ContactFields, FieldErrors>,
    ) -> StoreResult<Contact> {
        self.update_contact_as(actor, list, id, if_match, now, HistoryAction::Updated, change)
    }

    /// [`Self::update_contact`], recording `action` in the history (a revert is an update, a merge is "merged").
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn update_contact_as(
        &self,
        actor: &Actor,
        list: ListId,
        id: ContactId,
        if_match: Option<u64>,
        now: Timestamp,
        action: HistoryAction,
        change: impl FnOnce(&ContactFields) -> Result<ContactFields, FieldErrors>,
    ) -> StoreResult<Contact> {
        let idx = self.index(list)?;
        let _w = self.write_lock.lock();
        let (txn, _) = self.begin_list_write(actor, list, Need::Modify)?;
        let c = {
            let mut t = txn.open_table(CONTACTS)?;
            let old: Contact = {
                let v = t.get(contact_key(list, id))?.ok_or(StoreError::NotFound("contact"))?;
                decode::<StoredContact>(v.value())?.into()
            };
            if if_match.is_some_and(|v| v != old.version) {
                return Err(StoreError::VersionMismatch(Box::new(old)));
            }
            let fields = change(&old.fields).map_err(StoreError::Validation)?;
            Self::check_groups_exist(&txn, list, &fields.groups)?;
            let before = old.fields.clone();
            let c =
                Contact { fields, updated_at: now, updated_by: actor.display.clone(), version: old.version + 1, ..old };
            let stored = StoredContact::from(&c);
            t.insert(contact_key(list, id), encode(&stored).as_slice())?;
            let mut log = LogWriter::open(&txn, now, &actor.display)?;
            log.contact(list, ChangeKind::ContactUpdated, action, &stored, Some(&before))?;
            (c, log.finish()?)
        };
        self.commit(txn, c.1)?;
        idx.write().upsert(&c.0);
        Ok(c.0)
    }

    /// Delete a contact: it moves to the list's trash (restorable until the sweep purges it).
    pub fn delete_contact(
        &self,
        actor: &Actor,
        list: ListId,
        id: ContactId,
        if_match: Option<u64>,
        now: Timestamp,
    ) -> StoreResult<()> {
        let idx = self.index(list)?;
        let _w = self.write_lock.lock();
        let (txn, _) = self.begin_list_write(actor, list, Need::Delete)?;
        let appended = {
            let mut t = txn.open_table(CONTACTS)?;
            let old: StoredContact = {
                let v = t.get(contact_key(list, id))?.ok_or(StoreError::NotFound("contact"))?;
                decode(v.value())?
            };
            if if_match.is_some_and(|v| v != old.version) {
                return Err(StoreError::VersionMismatch(Box::new(old.into())));
            }
            t.remove(contact_key(list, id))?;
            let mut log = LogWriter::open(&txn, now, &actor.display)?;
            super::trash::trash_contact(&txn, &mut log, list, old, now, &actor.display)?;
            log.finish()?
        };
        Self::add_to_count(&txn, list, -1)?;
        self.commit(txn, appended)?;
        idx.write().remove(id);
        Ok(())
    }

    /// The positions of `rows` that match no contact of the list (by the import's duplicate rule):
    /// an update import would create these.
    pub fn rows_matching_nothing(
        &self,
        list: ListId,
        rows: Vec<crate::model::ContactInput>,
    ) -> StoreResult<Vec<usize>> {
        let keys = self.duplicate_keys(list)?;
        let trimmed = |v: &Option<String>| v.as_deref().unwrap_or_default().trim().to_owned();
        Ok(rows
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                let f = ContactFields {
                    full_name: trimmed(&r.full_name),
                    email: trimmed(&r.email),
                    company: trimmed(&r.company),
                    ..ContactFields::default()
                };
                !keys.contains_key(&lookup_key(&f))
            })
            .map(|(i, _)| i)
            .collect())
    }

    /// Keys that identify duplicates for imports: e-mail (folded), and folded full name + company.
    pub fn duplicate_keys(&self, list: ListId) -> StoreResult<HashMap<String, ContactId>> {
        let txn = self.db.begin_read()?;
        let t = txn.open_table(CONTACTS)?;
        let l = list.as_u128();
        let mut keys = HashMap::new();
        for row in t.range((l, 0)..=(l, u128::MAX))? {
            let s: StoredContact = decode(row?.1.value())?;
            for k in dup_keys(&s.fields) {
                keys.entry(k).or_insert(s.id);
            }
        }
        Ok(keys)
    }

    /// Write one batch of validated import rows in one transaction: unknown groups are created
    /// (as `POST /groups` would: same name rule, at most `max_groups` per list, else the row is
    /// refused), duplicates follow `policy`. `keys` (from [`Self::duplicate_keys`]) is updated as
    /// rows land. `after` writes in the same transaction, just before the commit (the job's
    /// counts, so that they are exactly what is committed).
    #[allow(clippy::too_many_arguments)]
    pub fn import_batch(
        &self,
        actor: &Actor,
        list: ListId,
        rows: Vec<ImportRow>,
        policy: DuplicatePolicy,
        keys: &mut HashMap<String, ContactId>,
        max_contacts: usize,
        max_groups: usize,
        now: Timestamp,
        job: Option<u128>,
        after: &mut dyn FnMut(&redb::WriteTransaction, &ImportOutcome) -> StoreResult<()>,
    ) -> StoreResult<ImportOutcome> {
        let idx = self.index(list)?;
        let _w = self.write_lock.lock();
        let mut out = ImportOutcome::default();
        let mut changed = Vec::new();
        let mut new_groups = Vec::new();
        let mut new_keys = Vec::new();
        // Rights are checked per row kind inside this transaction: an update needs Modify, a new
        // contact needs Add (a refusal aborts the batch before anything is committed), a new
        // group needs Add (the row is refused).
        let (txn, l) = self.begin_list_write(actor, list, Need::Read)?;
        let rights = Rights::of(&l, actor)?;
        let appended = {
            let mut log = LogWriter::open(&txn, now, &actor.display)?;
            let mut job_writes = match job {
                Some(j) => Some((j, txn.open_table(super::trash::JOB_WRITES)?)),
                None => None,
            };
            let mut groups = txn.open_table(GROUPS)?;
            let mut by_name: HashMap<String, GroupId> = HashMap::new();
            let lk = list.as_u128();
            for row in groups.range((lk, 0)..=(lk, u128::MAX))? {
                let g: Group = decode(row?.1.value())?;
                by_name.insert(g.name.to_lowercase(), g.id);
            }
            let mut t = txn.open_table(CONTACTS)?;
            let mut count = idx.read().len();
            let mut added = 0i64;
            let mut group_count = by_name.len();
            'rows: for row in rows {
                let mut fields = row.fields;
                // Resolve first, create after: a refused row creates no group.
                let mut new_names: Vec<&str> = Vec::new();
                for name in &row.group_names {
                    let Ok(name) = crate::model::group_name(name) else { continue };
                    match by_name.get(&name.to_lowercase()) {
                        Some(g) => {
                            if !fields.groups.contains(g) {
                                fields.groups.push(*g);
                            }
                        }
                        None if !rights.add => {
                            out.refused.push((
                                row.row,
                                format!("the group \"{name}\" does not exist and you are not allowed to add groups"),
                            ));
                            continue 'rows;
                        }
                        None if group_count + new_names.len() >= max_groups => {
                            out.refused.push((
                                row.row,
                                format!(
                                    "the group \"{name}\" cannot be created: a list holds at most {max_groups} groups"
                                ),
                            ));
                            continue 'rows;
                        }
                        None => new_names.push(name),
                    }
                }
                for name in new_names {
                    let g = Group {
                        id: GroupId::new_random(),
                        name: name.to_owned(),
                        created_at: now,
                        created_by: actor.display.clone(),
                    };
                    groups.insert((lk, g.id.as_u128()), encode(&g).as_slice())?;
                    log.change(list, ChangeKind::GroupCreated, g.id.as_u128(), &g.name)?;
                    by_name.insert(name.to_lowercase(), g.id);
                    new_groups.push((g.id, g.name));
                    group_count += 1;
                    fields.groups.push(g.id);
                }
                fields.groups.sort();
                let dup =
                    if policy == DuplicatePolicy::Create { None } else { keys.get(&lookup_key(&fields)).copied() };
                match (dup, policy) {
                    (Some(_), DuplicatePolicy::Skip) => {
                        out.skipped += 1;
                        let why = if fields.email.is_empty() {
                            "the same name and company as an existing contact"
                        } else {
                            "the same e-mail as an existing contact"
                        };
                        out.skipped_rows.push((row.row, why));
                    }
                    (Some(id), _) => {
                        rights.require(Need::Modify)?;
                        let Some(old) =
                            t.get(contact_key(list, id))?.map(|v| decode::<StoredContact>(v.value())).transpose()?
                        else {
                            out.skipped += 1;
                            continue;
                        };
                        let before = old.fields.clone();
                        let mut c: Contact = old.into();
                        let mut g = c.fields.groups.clone();
                        g.extend(fields.groups.iter().copied());
                        g.sort();
                        g.dedup();
                        c.fields.overlay(&fields, row.present);
                        c.fields.groups = g;
                        c.updated_at = now;
                        c.updated_by = actor.display.clone();
                        c.version += 1;
                        let stored = StoredContact::from(&c);
                        t.insert(contact_key(list, id), encode(&stored).as_slice())?;
                        log.contact(list, ChangeKind::ContactUpdated, HistoryAction::Imported, &stored, Some(&before))?;
                        if let Some((j, w)) = &mut job_writes {
                            super::trash::note_job_write(w, *j, list, &stored, false)?;
                        }
                        changed.push(c);
                        out.updated += 1;
                    }
                    (None, _) => {
                        rights.require(Need::Add)?;
                        if fields.full_name.is_empty() {
                            // Rows of an update import may leave the name out to match by e-mail;
                            // a row that matches nothing becomes a contact and needs one.
                            out.errors.push((row.row, "full_name".into(), "is required".into()));
                            continue;
                        }
                        if count >= max_contacts {
                            return Err(StoreError::LimitReached(format!(
                                "a list holds at most {max_contacts} contacts"
                            )));
                        }
                        let c = Contact {
                            id: ContactId::new_time_ordered(),
                            fields,
                            created_at: now,
                            created_by: actor.display.clone(),
                            updated_at: now,
                            updated_by: actor.display.clone(),
                            version: 1,
                        };
                        let stored = StoredContact::from(&c);
                        t.insert(contact_key(list, c.id), encode(&stored).as_slice())?;
                        log.contact(list, ChangeKind::ContactCreated, HistoryAction::Imported, &stored, None)?;
                        if let Some((j, w)) = &mut job_writes {
                            super::trash::note_job_write(w, *j, list, &stored, true)?;
                        }
                        added += 1;
                        for k in dup_keys(&c.fields) {
                            new_keys.push((k, c.id));
                        }
                        count += 1;
                        changed.push(c);
                        out.imported += 1;
                    }
                }
                // Later rows of the same batch see the keys of earlier ones.
                for (k, id) in new_keys.drain(..) {
                    keys.entry(k).or_insert(id);
                }
            }
            Self::add_to_count(&txn, list, added)?;
            log.finish()?
        };
        after(&txn, &out)?;
        self.commit(txn, appended)?;
        let mut w = idx.write();
        for (g, name) in &new_groups {
            w.set_group_name(*g, name);
        }
        for c in &changed {
            w.upsert(c);
        }
        Ok(out)
    }
}

fn email_key(f: &ContactFields) -> String {
    format!("e:{}", f.email.to_lowercase())
}

fn name_key(f: &ContactFields) -> String {
    format!("n:{}\u{1}{}", crate::search::fold(&f.full_name), crate::search::fold(&f.company))
}

/// Every key an existing contact can be found by.
fn dup_keys(f: &ContactFields) -> Vec<String> {
    let mut k = vec![name_key(f)];
    if !f.email.is_empty() {
        k.push(email_key(f));
    }
    k
}

/// The key a new row is compared by: the same e-mail, else the same full name and company.
fn lookup_key(f: &ContactFields) -> String {
    if f.email.is_empty() { name_key(f) } else { email_key(f) }
}
