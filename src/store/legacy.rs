//! The shapes of records as older versions wrote them, read only to upgrade them (see `codec`).
//! postcard is not self-describing, so each old layout stays here, field for field, for as long
//! as databases written by it may exist. Never change a struct in this file.

use super::log::{HistoryAction, HistoryRecord};
use super::records::StoredContact;
use super::trash::{TrashedContact, TrashedList};
use crate::model::{
    Address, Channel, ContactFields, ContactId, ContactList, DisplayMode, GroupId, ListId, Permissions, Timestamp,
    UserId, UserRef,
};
use serde::Deserialize;

/// Contact fields before given and family names (records of version 1).
#[derive(Deserialize)]
pub(super) struct ContactFieldsV1 {
    full_name: String,
    job_title: String,
    email: String,
    mobile: String,
    phone: String,
    website: String,
    linkedin: String,
    facebook: String,
    x: String,
    company: String,
    department: String,
    address: Address,
    notes: String,
    groups: Vec<GroupId>,
}

impl From<ContactFieldsV1> for ContactFields {
    /// The names were never given: empty, derived from the full name where needed.
    fn from(o: ContactFieldsV1) -> Self {
        Self {
            full_name: o.full_name,
            given_name: String::new(),
            family_name: String::new(),
            job_title: o.job_title,
            email: o.email,
            mobile: o.mobile,
            phone: o.phone,
            website: o.website,
            linkedin: o.linkedin,
            facebook: o.facebook,
            x: o.x,
            company: o.company,
            department: o.department,
            address: o.address,
            notes: o.notes,
            groups: o.groups,
        }
    }
}

#[derive(Deserialize)]
pub(super) struct StoredContactV1 {
    id: ContactId,
    fields: ContactFieldsV1,
    created_at: Timestamp,
    created_by: UserRef,
    updated_at: Timestamp,
    updated_by: UserRef,
    version: u64,
}

impl From<StoredContactV1> for StoredContact {
    fn from(o: StoredContactV1) -> Self {
        Self {
            id: o.id,
            fields: o.fields.into(),
            created_at: o.created_at,
            created_by: o.created_by,
            updated_at: o.updated_at,
            updated_by: o.updated_by,
            version: o.version,
        }
    }
}

#[derive(Deserialize)]
pub(super) struct TrashedContactV1 {
    contact: StoredContactV1,
    deleted_at: Timestamp,
    deleted_by: UserRef,
}

impl From<TrashedContactV1> for TrashedContact {
    fn from(o: TrashedContactV1) -> Self {
        Self { contact: o.contact.into(), deleted_at: o.deleted_at, deleted_by: o.deleted_by }
    }
}

#[derive(Deserialize)]
pub(super) struct HistoryRecordV1 {
    at: Timestamp,
    by: UserRef,
    action: HistoryAction,
    before: Option<ContactFieldsV1>,
}

impl From<HistoryRecordV1> for HistoryRecord {
    fn from(o: HistoryRecordV1) -> Self {
        Self { at: o.at, by: o.by, action: o.action, before: o.before.map(Into::into) }
    }
}

/// A list before its default name order (records of version 1).
#[derive(Deserialize)]
pub(super) struct ContactListV1 {
    id: ListId,
    name: String,
    channel: Option<Channel>,
    team: Option<Channel>,
    created_by: UserRef,
    created_at: Timestamp,
    owners: Vec<UserId>,
    display_mode: DisplayMode,
    visible_fields: Vec<String>,
    permissions: Permissions,
}

impl From<ContactListV1> for ContactList {
    fn from(o: ContactListV1) -> Self {
        Self {
            id: o.id,
            name: o.name,
            channel: o.channel,
            team: o.team,
            created_by: o.created_by,
            created_at: o.created_at,
            owners: o.owners,
            display_mode: o.display_mode,
            visible_fields: o.visible_fields,
            permissions: o.permissions,
            sort: Default::default(),
        }
    }
}

#[derive(Deserialize)]
pub(super) struct TrashedListV1 {
    list: ContactListV1,
    deleted_at: Timestamp,
    deleted_by: UserRef,
}

impl From<TrashedListV1> for TrashedList {
    fn from(o: TrashedListV1) -> Self {
        Self { list: o.list.into(), deleted_at: o.deleted_at, deleted_by: o.deleted_by }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{decode, encode};
    use serde::Serialize;

    /// Version 1 bytes, as the old code wrote them: the same field order, serialised.
    #[derive(Serialize)]
    struct FieldsV1Out<'a> {
        full_name: &'a str,
        rest: [&'a str; 10],
        address: Address,
        notes: &'a str,
        groups: Vec<GroupId>,
    }

    #[derive(Serialize)]
    struct StoredV1Out<'a> {
        id: ContactId,
        fields: FieldsV1Out<'a>,
        created_at: Timestamp,
        created_by: UserRef,
        updated_at: Timestamp,
        updated_by: UserRef,
        version: u64,
    }

    #[test]
    fn version_1_contacts_and_history_read_with_empty_name_parts() {
        let fields = || FieldsV1Out {
            full_name: "Chloé Costa",
            rest: ["Buyer", "c@x.example", "", "", "", "", "", "", "Acme", ""],
            address: Address { city: "Lyon".into(), ..Default::default() },
            notes: "n",
            groups: vec![],
        };
        let old = StoredV1Out {
            id: ContactId::new_random(),
            fields: fields(),
            created_at: Timestamp(1),
            created_by: UserRef::default(),
            updated_at: Timestamp(2),
            updated_by: UserRef::default(),
            version: 3,
        };
        let mut bytes = vec![1u8];
        bytes.extend(postcard::to_stdvec(&old).unwrap());
        let c: StoredContact = decode(&bytes).unwrap();
        assert_eq!(c.fields.full_name, "Chloé Costa");
        assert_eq!((c.fields.given_name.as_str(), c.fields.family_name.as_str()), ("", ""));
        assert_eq!((c.fields.job_title.as_str(), c.fields.company.as_str()), ("Buyer", "Acme"));
        assert_eq!((c.fields.address.city.as_str(), c.fields.notes.as_str(), c.version), ("Lyon", "n", 3));
        assert_eq!(c.fields.family_sort_key(), "Costa");
        // Written again, it is version 2 and reads back the same.
        let again: StoredContact = decode(&encode(&c)).unwrap();
        assert_eq!(again.fields, c.fields);

        #[derive(Serialize)]
        struct HistV1Out<'a> {
            at: Timestamp,
            by: UserRef,
            action: HistoryAction,
            before: Option<FieldsV1Out<'a>>,
        }
        let h = HistV1Out {
            at: Timestamp(5),
            by: UserRef::default(),
            action: HistoryAction::Updated,
            before: Some(fields()),
        };
        let mut bytes = vec![1u8];
        bytes.extend(postcard::to_stdvec(&h).unwrap());
        let h: HistoryRecord = decode(&bytes).unwrap();
        assert_eq!(h.before.unwrap().company, "Acme");
    }
}
