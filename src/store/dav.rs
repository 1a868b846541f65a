//! CardDAV's own records: the name a client chose for a card (`{name}.vcf`) and the card's
//! properties contactpro does not model (BDAY, extra numbers, PHOTO, X-...), kept so that they
//! survive a round trip. Both are written in the same transaction as the contact.
//!
//! A card record outlives its contact's deletion (a sync-collection reports the deletion under the
//! name the client knows; a restore from the trash brings the properties back).

use super::contacts::contact_key;
use super::log::{self, ChangeKind, ChangesError, HistoryAction, LogWriter};
use super::records::StoredContact;
use super::{Actor, CONTACTS, Need, OrgStore, Rights, StoreError, StoreResult, decode, encode};
use crate::model::{Contact, ContactFields, ContactId, ListId, Timestamp};
use redb::{ReadableDatabase, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Key: (list id, contact id) -> [`DavCard`].
pub(crate) const DAV_CARDS: TableDefinition<(u128, u128), &[u8]> = TableDefinition::new("dav_cards");
/// Key: (list id, name a client chose) -> contact id.
pub(crate) const DAV_NAMES: TableDefinition<(u128, &str), u128> = TableDefinition::new("dav_names");

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DavCard {
    /// The resource name a client chose on PUT (without `.vcf`); None: the contact id.
    pub name: Option<String>,
    /// Unfolded content lines of properties contactpro does not model, in the card's order.
    pub extra: Vec<String>,
}

impl super::Record for DavCard {
    const VERSION: u8 = 1;
}

/// A conditional request's `If-Match` / `If-None-Match`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    Any,
    /// Contact versions (the ETag is `"<version>"`); a tag that is not one never matches.
    Versions(Vec<u64>),
}

impl Condition {
    fn matches(&self, version: Option<u64>) -> bool {
        match (self, version) {
            (_, None) => false,
            (Self::Any, Some(_)) => true,
            (Self::Versions(v), Some(x)) => v.contains(&x),
        }
    }
}

/// The preconditions of a PUT or DELETE.
#[derive(Clone, Debug, Default)]
pub struct Preconditions {
    pub if_match: Option<Condition>,
    pub if_none_match: Option<Condition>,
}

impl Preconditions {
    /// Whether the request may go on, given the current version (None: no such card).
    pub fn pass(&self, current: Option<u64>) -> bool {
        self.if_match.as_ref().is_none_or(|c| c.matches(current))
            && self.if_none_match.as_ref().is_none_or(|c| !c.matches(current))
    }
}

pub const PRECONDITION_FAILED: &str = "precondition_failed";

fn precondition_failed() -> StoreError {
    StoreError::Conflict {
        code: PRECONDITION_FAILED,
        message: "the card's ETag does not match the request's If-Match / If-None-Match".into(),
    }
}

/// What a PUT did.
pub struct Put {
    pub contact: Contact,
    pub created: bool,
}

/// Where a sync-collection's changes ended: the seq its new token carries, and whether the
/// client's limit cut the answer short (more changes follow that seq).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyncEnd {
    pub seq: u64,
    pub truncated: bool,
}

/// Why a sync-collection's changes cannot be answered.
pub enum SyncError {
    /// The token's seq is ahead of the list's log or older than what is kept.
    InvalidToken,
    Store(StoreError),
}

impl From<StoreError> for SyncError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

macro_rules! se {
    ($e:expr) => {
        $e.map_err(StoreError::from)?
    };
}

/// Remove a contact's DAV record and its client name (the contact was purged from the trash).
pub(crate) fn forget_contact(txn: &redb::WriteTransaction, list: ListId, id: ContactId) -> StoreResult<()> {
    let card: Option<DavCard> =
        txn.open_table(DAV_CARDS)?.remove(contact_key(list, id))?.map(|v| decode(v.value())).transpose()?;
    if let Some(name) = card.and_then(|c| c.name) {
        let mut names = txn.open_table(DAV_NAMES)?;
        if names.get((list.as_u128(), name.as_str()))?.is_some_and(|v| v.value() == id.as_u128()) {
            names.remove((list.as_u128(), name.as_str()))?;
        }
    }
    Ok(())
}

/// Remove every DAV record of a list (the list was purged).
pub(crate) fn forget_list(txn: &redb::WriteTransaction, list: ListId) -> StoreResult<()> {
    let l = list.as_u128();
    txn.open_table(DAV_CARDS)?.retain_in((l, 0)..=(l, u128::MAX), |_, _| false)?;
    let mut names = txn.open_table(DAV_NAMES)?;
    let keys: Vec<String> = names
        .range((l, "")..)?
        .map_while(|r| r.ok())
        .take_while(|(k, _)| k.value().0 == l)
        .map(|(k, _)| k.value().1.to_owned())
        .collect();
    for k in keys {
        names.remove((l, k.as_str()))?;
    }
    Ok(())
}

fn read_card(t: &impl ReadableTable<(u128, u128), &'static [u8]>, list: ListId, id: ContactId) -> StoreResult<DavCard> {
    Ok(t.get(contact_key(list, id))?.map(|v| decode(v.value())).transpose()?.unwrap_or_default())
}

impl OrgStore {
    /// The contact a card name refers to: a name a client chose, else a contact id.
    pub fn dav_resolve(&self, list: ListId, name: &str) -> StoreResult<Option<ContactId>> {
        let txn = self.db.begin_read()?;
        self.read_list(&txn, list)?;
        Self::resolve_in(&txn.open_table(DAV_NAMES)?, &txn.open_table(CONTACTS)?, list, name)
    }

    fn resolve_in(
        names: &impl ReadableTable<(u128, &'static str), u128>,
        contacts: &impl ReadableTable<(u128, u128), &'static [u8]>,
        list: ListId,
        name: &str,
    ) -> StoreResult<Option<ContactId>> {
        if let Some(v) = names.get((list.as_u128(), name))? {
            let id = ContactId::from_u128(v.value());
            return Ok(contacts.get(contact_key(list, id))?.is_some().then_some(id));
        }
        let Ok(id) = name.parse::<ContactId>() else { return Ok(None) };
        Ok(contacts.get(contact_key(list, id))?.is_some().then_some(id))
    }

    /// A card by name: the contact and its DAV record.
    pub fn dav_get(&self, list: ListId, name: &str) -> StoreResult<Option<(Contact, DavCard)>> {
        let txn = self.db.begin_read()?;
        self.read_list(&txn, list)?;
        let contacts = txn.open_table(CONTACTS)?;
        let Some(id) = Self::resolve_in(&txn.open_table(DAV_NAMES)?, &contacts, list, name)? else { return Ok(None) };
        let Some(v) = contacts.get(contact_key(list, id))? else { return Ok(None) };
        let c = Contact::from(decode::<StoredContact>(v.value())?);
        Ok(Some((c, read_card(&txn.open_table(DAV_CARDS)?, list, id)?)))
    }

    /// Every card of a list, in id order, from one read transaction; `f` returns false to stop.
    /// Returns the list's head seq as of that transaction.
    pub fn dav_scan(&self, list: ListId, f: impl FnMut(Contact, DavCard) -> bool) -> StoreResult<u64> {
        self.dav_scan_after(list, None, f)
    }

    /// [`Self::dav_scan`] from the card after `after` (a listing cut short by a client's limit).
    pub fn dav_scan_after(
        &self,
        list: ListId,
        after: Option<ContactId>,
        mut f: impl FnMut(Contact, DavCard) -> bool,
    ) -> StoreResult<u64> {
        let txn = self.db.begin_read()?;
        self.read_list(&txn, list)?;
        let head = log::head(&txn, list)?;
        let cards = txn.open_table(DAV_CARDS)?;
        let l = list.as_u128();
        let Some(from) = after.map_or(Some(0), |a| a.as_u128().checked_add(1)) else { return Ok(head) };
        for row in txn.open_table(CONTACTS)?.range((l, from)..=(l, u128::MAX))? {
            let c = Contact::from(decode::<StoredContact>(row?.1.value())?);
            let card = read_card(&cards, list, c.id)?;
            if !f(c, card) {
                break;
            }
        }
        Ok(head)
    }

    /// Whether a sync token's seq can still be answered: not ahead of the log, not compacted away.
    pub fn dav_token_valid(&self, list: ListId, since: u64) -> StoreResult<bool> {
        let txn = self.db.begin_read()?;
        self.read_list(&txn, list)?;
        if since > log::head(&txn, list)? {
            return Ok(false);
        }
        match log::read_changes(&txn, list, since, 0) {
            Ok(_) => Ok(true),
            Err(ChangesError::Compacted { .. }) => Ok(false),
            Err(ChangesError::Store(e)) => Err(e),
        }
    }

    /// The cards changed after `since` (RFC 6578), from one read transaction: `f` gets each
    /// changed contact once, with None when it no longer exists. With a `limit`, at most that many
    /// contacts: the answer then stops before the log entry that would name one more, and the
    /// seq returned is the last entry covered (not the head), so a sync from it goes on from there.
    pub fn dav_changes(
        &self,
        list: ListId,
        since: u64,
        limit: Option<usize>,
        mut f: impl FnMut(ContactId, Option<Contact>, DavCard),
    ) -> Result<SyncEnd, SyncError> {
        let txn = se!(self.db.begin_read());
        self.read_list(&txn, list)?;
        let head = log::head(&txn, list)?;
        if since > head {
            return Err(SyncError::InvalidToken);
        }
        let mut seen = HashSet::new();
        let mut order = Vec::new();
        let mut at = since;
        let mut end = SyncEnd { seq: head, truncated: false };
        'pages: while at < head {
            let page = match log::read_changes(&txn, list, at, 10_000) {
                Ok(p) => p,
                Err(ChangesError::Compacted { .. }) => return Err(SyncError::InvalidToken),
                Err(ChangesError::Store(e)) => return Err(e.into()),
            };
            if page.items.is_empty() {
                break;
            }
            at = page.next;
            for c in page.items {
                let contact = matches!(
                    c.kind,
                    ChangeKind::ContactCreated
                        | ChangeKind::ContactUpdated
                        | ChangeKind::ContactDeleted
                        | ChangeKind::ContactRestored
                );
                if contact && !seen.contains(&c.id) {
                    if limit.is_some_and(|l| order.len() >= l) {
                        end = SyncEnd { seq: c.seq - 1, truncated: true };
                        break 'pages;
                    }
                    seen.insert(c.id);
                    order.push(ContactId::from_u128(c.id));
                }
            }
        }
        let contacts = se!(txn.open_table(CONTACTS));
        let cards = se!(txn.open_table(DAV_CARDS));
        for id in order {
            let c = se!(contacts.get(contact_key(list, id)))
                .map(|v| decode::<StoredContact>(v.value()).map(Contact::from))
                .transpose()
                .map_err(StoreError::from)?;
            f(id, c, read_card(&cards, list, id)?);
        }
        Ok(end)
    }

    /// Create or replace the card `name` in one transaction: the contact (with its change-log
    /// entry and history) and its DAV record. Needs Add for a new card, Modify for an existing one.
    #[allow(clippy::too_many_arguments)]
    pub fn dav_put(
        &self,
        actor: &Actor,
        list: ListId,
        name: &str,
        pre: &Preconditions,
        fields: ContactFields,
        extra: Vec<String>,
        max_contacts: usize,
        now: Timestamp,
    ) -> StoreResult<Put> {
        let idx = self.index(list)?;
        let _w = self.write_lock.lock();
        let (txn, l) = self.begin_list_write(actor, list, Need::Read)?;
        let rights = Rights::of(&l, actor)?;
        let (put, appended) = {
            let mut contacts = txn.open_table(CONTACTS)?;
            let mut names = txn.open_table(DAV_NAMES)?;
            let existing = Self::resolve_in(&names, &contacts, list, name)?;
            let old: Option<Contact> = match existing {
                Some(id) => contacts
                    .get(contact_key(list, id))?
                    .map(|v| decode::<StoredContact>(v.value()))
                    .transpose()?
                    .map(Contact::from),
                None => None,
            };
            if !pre.pass(old.as_ref().map(|c| c.version)) {
                return Err(precondition_failed());
            }
            rights.require(if old.is_some() { Need::Modify } else { Need::Add })?;
            Self::check_groups_exist_in(&txn, list, &fields.groups)?;
            let mut log = LogWriter::open(&txn, now, &actor.display)?;
            let (c, created) = match old {
                Some(old) => {
                    let before = old.fields.clone();
                    let c = Contact {
                        fields,
                        updated_at: now,
                        updated_by: actor.display.clone(),
                        version: old.version + 1,
                        ..old
                    };
                    let stored = StoredContact::from(&c);
                    contacts.insert(contact_key(list, c.id), encode(&stored).as_slice())?;
                    log.contact(list, ChangeKind::ContactUpdated, HistoryAction::Updated, &stored, Some(&before))?;
                    (c, false)
                }
                None => {
                    if idx.read().len() >= max_contacts {
                        return Err(StoreError::LimitReached(format!("a list holds at most {max_contacts} contacts")));
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
                    contacts.insert(contact_key(list, c.id), encode(&stored).as_slice())?;
                    log.contact(list, ChangeKind::ContactCreated, HistoryAction::Created, &stored, None)?;
                    (c, true)
                }
            };
            let mut cards = txn.open_table(DAV_CARDS)?;
            let mut card = read_card(&cards, list, c.id)?;
            if created && name != c.id.to_string() {
                names.insert((list.as_u128(), name), c.id.as_u128())?;
                card.name = Some(name.to_owned());
            }
            card.extra = extra;
            if card == DavCard::default() {
                cards.remove(contact_key(list, c.id))?;
            } else {
                cards.insert(contact_key(list, c.id), encode(&card).as_slice())?;
            }
            (Put { contact: c, created }, log.finish()?)
        };
        if put.created {
            Self::add_to_count(&txn, list, 1)?;
        }
        self.commit(txn, appended)?;
        idx.write().upsert(&put.contact);
        Ok(put)
    }

    /// Delete the card `name` (to the trash) when `pre` holds.
    pub fn dav_delete(
        &self,
        actor: &Actor,
        list: ListId,
        name: &str,
        pre: &Preconditions,
        now: Timestamp,
    ) -> StoreResult<()> {
        let Some((c, _)) = self.dav_get(list, name)? else { return Err(StoreError::NotFound("card")) };
        if !pre.pass(Some(c.version)) {
            return Err(precondition_failed());
        }
        // The version is checked again inside the delete's own transaction.
        match self.delete_contact(actor, list, c.id, Some(c.version), now) {
            Err(StoreError::VersionMismatch(_)) => Err(precondition_failed()),
            r => r,
        }
    }

    fn check_groups_exist_in(
        txn: &redb::WriteTransaction,
        list: ListId,
        groups: &[crate::model::GroupId],
    ) -> StoreResult<()> {
        let t = txn.open_table(super::GROUPS)?;
        for g in groups {
            if t.get((list.as_u128(), g.as_u128()))?.is_none() {
                let mut e = crate::model::FieldErrors::new();
                e.insert("groups".into(), format!("unknown group {g}"));
                return Err(StoreError::Validation(e));
            }
        }
        Ok(())
    }
}
