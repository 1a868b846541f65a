//! Record versions of everything stored. See `codec` for how a version is added.

use super::codec::{CodecError, Record};
use super::legacy;
use crate::model::{ContactFields, ContactId, ContactList, Group, Timestamp, UserRef};
use serde::{Deserialize, Serialize};

/// 2: `sort` (the list's default name order) added; version 1 lists sort by full name.
impl Record for ContactList {
    const VERSION: u8 = 2;
    fn upgrade(version: u8, bytes: &[u8]) -> Result<Self, CodecError> {
        match version {
            1 => Ok(postcard::from_bytes::<legacy::ContactListV1>(bytes)?.into()),
            v => Err(CodecError::UnknownVersion(v)),
        }
    }
}

impl Record for Group {
    const VERSION: u8 = 1;
}

impl Record for crate::profiles::Profile {
    const VERSION: u8 = 1;
}

/// A contact as stored: the API's `Contact` flattens its fields into the JSON object, which a
/// non-self-describing format cannot read back, so the stored shape nests them.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredContact {
    pub id: ContactId,
    pub fields: ContactFields,
    pub created_at: Timestamp,
    pub created_by: UserRef,
    pub updated_at: Timestamp,
    pub updated_by: UserRef,
    pub version: u64,
}

/// 2: `given_name` and `family_name` added to the fields; version 1 contacts have neither
/// stored (empty: derived from the full name where needed, see `model::name_parts`).
impl Record for StoredContact {
    const VERSION: u8 = 2;
    fn upgrade(version: u8, bytes: &[u8]) -> Result<Self, CodecError> {
        match version {
            1 => Ok(postcard::from_bytes::<legacy::StoredContactV1>(bytes)?.into()),
            v => Err(CodecError::UnknownVersion(v)),
        }
    }
}

impl From<StoredContact> for crate::model::Contact {
    fn from(s: StoredContact) -> Self {
        Self {
            id: s.id,
            fields: s.fields,
            created_at: s.created_at,
            created_by: s.created_by,
            updated_at: s.updated_at,
            updated_by: s.updated_by,
            version: s.version,
        }
    }
}

impl From<&crate::model::Contact> for StoredContact {
    fn from(c: &crate::model::Contact) -> Self {
        Self {
            id: c.id,
            fields: c.fields.clone(),
            created_at: c.created_at,
            created_by: c.created_by.clone(),
            updated_at: c.updated_at,
            updated_by: c.updated_by.clone(),
            version: c.version,
        }
    }
}
