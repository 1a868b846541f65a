//! Contacts and groups.

use super::validate::{FieldErrors, Limits, validate_fields};
use super::{ContactId, GroupId, Timestamp};
use serde::{Deserialize, Serialize};

/// Who made a change: a user (oid and display name) or an API key (`key:<id>` and its name).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserRef {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Address {
    pub street: String,
    pub city: String,
    pub postal_code: String,
    pub state: String,
    pub country: String,
}

impl Address {
    pub fn is_empty(&self) -> bool {
        self.street.is_empty()
            && self.city.is_empty()
            && self.postal_code.is_empty()
            && self.state.is_empty()
            && self.country.is_empty()
    }
}

/// The editable part of a contact, already validated and normalised (trimmed).
/// Absent optional fields are empty strings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ContactFields {
    pub full_name: String,
    pub job_title: String,
    pub email: String,
    pub mobile: String,
    pub phone: String,
    pub website: String,
    pub linkedin: String,
    pub facebook: String,
    pub x: String,
    pub company: String,
    pub department: String,
    pub address: Address,
    pub notes: String,
    pub groups: Vec<GroupId>,
}

/// A stored contact, as the API returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Contact {
    pub id: ContactId,
    #[serde(flatten)]
    pub fields: ContactFields,
    pub created_at: Timestamp,
    pub created_by: UserRef,
    pub updated_at: Timestamp,
    pub updated_by: UserRef,
    /// Incremented by every change; the ETag is `"<version>"`.
    pub version: u64,
}

/// A contact as a client sends it on create or replace (POST / PUT).
/// Unknown fields are refused so that a typo does not silently drop data.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ContactInput {
    pub full_name: Option<String>,
    pub job_title: Option<String>,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub linkedin: Option<String>,
    pub facebook: Option<String>,
    pub x: Option<String>,
    pub company: Option<String>,
    pub department: Option<String>,
    pub address: Option<AddressInput>,
    pub notes: Option<String>,
    pub groups: Option<Vec<GroupId>>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AddressInput {
    pub street: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub state: Option<String>,
    pub country: Option<String>,
}

/// A partial update (PATCH): only the fields present change; `""` or `null` clears a field.
pub type ContactPatch = ContactInput;

fn s(v: &Option<String>) -> String {
    v.as_deref().map(str::trim).unwrap_or_default().to_owned()
}

fn pick(v: &Option<String>, old: &str) -> String {
    match v {
        Some(v) => v.trim().to_owned(),
        None => old.to_owned(),
    }
}

impl ContactInput {
    /// Validate a full contact (create or replace).
    pub fn into_fields(self, limits: &Limits) -> Result<ContactFields, FieldErrors> {
        let a = self.address.unwrap_or_default();
        let f = ContactFields {
            full_name: s(&self.full_name),
            job_title: s(&self.job_title),
            email: s(&self.email),
            mobile: s(&self.mobile),
            phone: s(&self.phone),
            website: s(&self.website),
            linkedin: s(&self.linkedin),
            facebook: s(&self.facebook),
            x: s(&self.x),
            company: s(&self.company),
            department: s(&self.department),
            address: Address {
                street: s(&a.street),
                city: s(&a.city),
                postal_code: s(&a.postal_code),
                state: s(&a.state),
                country: s(&a.country),
            },
            notes: s(&self.notes),
            groups: self.groups.unwrap_or_default(),
        };
        validate_fields(f, limits)
    }

    /// Apply a partial update on top of `old` and validate the result.
    pub fn apply_to(self, old: &ContactFields, limits: &Limits) -> Result<ContactFields, FieldErrors> {
        let oa = &old.address;
        let a = self.address.unwrap_or_default();
        let f = ContactFields {
            full_name: pick(&self.full_name, &old.full_name),
            job_title: pick(&self.job_title, &old.job_title),
            email: pick(&self.email, &old.email),
            mobile: pick(&self.mobile, &old.mobile),
            phone: pick(&self.phone, &old.phone),
            website: pick(&self.website, &old.website),
            linkedin: pick(&self.linkedin, &old.linkedin),
            facebook: pick(&self.facebook, &old.facebook),
            x: pick(&self.x, &old.x),
            company: pick(&self.company, &old.company),
            department: pick(&self.department, &old.department),
            address: Address {
                street: pick(&a.street, &oa.street),
                city: pick(&a.city, &oa.city),
                postal_code: pick(&a.postal_code, &oa.postal_code),
                state: pick(&a.state, &oa.state),
                country: pick(&a.country, &oa.country),
            },
            notes: pick(&self.notes, &old.notes),
            groups: self.groups.unwrap_or_else(|| old.groups.clone()),
        };
        validate_fields(f, limits)
    }
}

/// A group of contacts in a list. Membership lives on the contacts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Group {
    pub id: GroupId,
    pub name: String,
    pub created_at: Timestamp,
    pub created_by: UserRef,
}
