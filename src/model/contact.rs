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
    /// Given (first) name, when a source gave it (vCard N, Outlook "First Name", the dialog).
    /// Empty means "not given": sorting by family name then derives it from `full_name`
    /// (the rule of `model::name_parts`).
    pub given_name: String,
    /// Family (last) name, when a source gave it; empty = derived from `full_name` where needed.
    pub family_name: String,
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

/// A contact as a client sends it (POST / PUT / PATCH). Unknown fields are refused so that a
/// typo does not silently drop data. In a PATCH, `null` or `""` clears a field and a key that is
/// not sent leaves it as it was.
// In Rust terms: `None` is absent (a key not sent, a column not in an imported file) and
// `Some("")` is empty; a present JSON `null` reads as `Some("")`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ContactInput {
    #[serde(deserialize_with = "null_is_empty")]
    pub full_name: Option<String>,
    #[serde(deserialize_with = "null_is_empty")]
    pub given_name: Option<String>,
    #[serde(deserialize_with = "null_is_empty")]
    pub family_name: Option<String>,
    #[serde(deserialize_with = "null_is_empty")]
    pub job_title: Option<String>,
    #[serde(deserialize_with = "null_is_empty")]
    pub email: Option<String>,
    #[serde(deserialize_with = "null_is_empty")]
    pub mobile: Option<String>,
    #[serde(deserialize_with = "null_is_empty")]
    pub phone: Option<String>,
    #[serde(deserialize_with = "null_is_empty")]
    pub website: Option<String>,
    #[serde(deserialize_with = "null_is_empty")]
    pub linkedin: Option<String>,
    #[serde(deserialize_with = "null_is_empty")]
    pub facebook: Option<String>,
    #[serde(deserialize_with = "null_is_empty")]
    pub x: Option<String>,
    #[serde(deserialize_with = "null_is_empty")]
    pub company: Option<String>,
    #[serde(deserialize_with = "null_is_empty")]
    pub department: Option<String>,
    #[serde(deserialize_with = "null_address_is_empty")]
    pub address: Option<AddressInput>,
    #[serde(deserialize_with = "null_is_empty")]
    pub notes: Option<String>,
    #[serde(deserialize_with = "null_groups_is_empty")]
    pub groups: Option<Vec<GroupId>>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AddressInput {
    #[serde(deserialize_with = "null_is_empty")]
    pub street: Option<String>,
    #[serde(deserialize_with = "null_is_empty")]
    pub city: Option<String>,
    #[serde(deserialize_with = "null_is_empty")]
    pub postal_code: Option<String>,
    #[serde(deserialize_with = "null_is_empty")]
    pub state: Option<String>,
    #[serde(deserialize_with = "null_is_empty")]
    pub country: Option<String>,
}

/// Called only for keys that are present: a present `null` is an empty value, not an absent one.
fn null_is_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Some(Option::<String>::deserialize(d)?.unwrap_or_default()))
}

fn null_address_is_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<AddressInput>, D::Error> {
    let empty = || AddressInput {
        street: Some(String::new()),
        city: Some(String::new()),
        postal_code: Some(String::new()),
        state: Some(String::new()),
        country: Some(String::new()),
    };
    Ok(Some(Option::<AddressInput>::deserialize(d)?.unwrap_or_else(empty)))
}

fn null_groups_is_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<GroupId>>, D::Error> {
    Ok(Some(Option::<Vec<GroupId>>::deserialize(d)?.unwrap_or_default()))
}

/// A partial update (PATCH): only the fields present change; `""` or `null` clears a field.
pub type ContactPatch = ContactInput;

/// The fields an import row sets: a column present in the file with a non-empty cell. An update
/// import overlays only these on the matched contact ([`ContactFields::overlay`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Present(u32);

impl Present {
    pub const ALL: Present = Present(u32::MAX);
    const FULL_NAME: u32 = 1;
    const JOB_TITLE: u32 = 1 << 1;
    const EMAIL: u32 = 1 << 2;
    const MOBILE: u32 = 1 << 3;
    const PHONE: u32 = 1 << 4;
    const WEBSITE: u32 = 1 << 5;
    const LINKEDIN: u32 = 1 << 6;
    const FACEBOOK: u32 = 1 << 7;
    const X: u32 = 1 << 8;
    const COMPANY: u32 = 1 << 9;
    const DEPARTMENT: u32 = 1 << 10;
    const STREET: u32 = 1 << 11;
    const CITY: u32 = 1 << 12;
    const POSTAL_CODE: u32 = 1 << 13;
    const STATE: u32 = 1 << 14;
    const COUNTRY: u32 = 1 << 15;
    const NOTES: u32 = 1 << 16;
    const GIVEN_NAME: u32 = 1 << 17;
    const FAMILY_NAME: u32 = 1 << 18;

    fn has(self, bit: u32) -> bool {
        self.0 & bit != 0
    }
}

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
            given_name: s(&self.given_name),
            family_name: s(&self.family_name),
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

    /// Which fields this row sets (present and not blank).
    pub fn present(&self) -> Present {
        let set =
            |v: &Option<String>, bit: u32| if v.as_deref().is_some_and(|v| !v.trim().is_empty()) { bit } else { 0 };
        let a = self.address.clone().unwrap_or_default();
        Present(
            set(&self.full_name, Present::FULL_NAME)
                | set(&self.given_name, Present::GIVEN_NAME)
                | set(&self.family_name, Present::FAMILY_NAME)
                | set(&self.job_title, Present::JOB_TITLE)
                | set(&self.email, Present::EMAIL)
                | set(&self.mobile, Present::MOBILE)
                | set(&self.phone, Present::PHONE)
                | set(&self.website, Present::WEBSITE)
                | set(&self.linkedin, Present::LINKEDIN)
                | set(&self.facebook, Present::FACEBOOK)
                | set(&self.x, Present::X)
                | set(&self.company, Present::COMPANY)
                | set(&self.department, Present::DEPARTMENT)
                | set(&a.street, Present::STREET)
                | set(&a.city, Present::CITY)
                | set(&a.postal_code, Present::POSTAL_CODE)
                | set(&a.state, Present::STATE)
                | set(&a.country, Present::COUNTRY)
                | set(&self.notes, Present::NOTES),
        )
    }

    /// Validate the fields a row of an update import sets, without requiring a full name (the
    /// row may match an existing contact by e-mail). The store asks for the name when the row
    /// matches nothing and becomes a new contact.
    pub fn into_partial_fields(self, limits: &Limits) -> Result<(ContactFields, Present), FieldErrors> {
        let present = self.present();
        let nameless = !present.has(Present::FULL_NAME);
        let mut input = self;
        if nameless {
            input.full_name = Some("-".into());
        }
        let mut f = input.into_fields(limits)?;
        if nameless {
            f.full_name.clear();
        }
        Ok((f, present))
    }

    /// Apply a partial update on top of `old` and validate the result.
    pub fn apply_to(self, old: &ContactFields, limits: &Limits) -> Result<ContactFields, FieldErrors> {
        let oa = &old.address;
        let a = self.address.unwrap_or_default();
        let f = ContactFields {
            full_name: pick(&self.full_name, &old.full_name),
            given_name: pick(&self.given_name, &old.given_name),
            family_name: pick(&self.family_name, &old.family_name),
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

impl ContactFields {
    /// Set the fields `present` names from `new`, keeping every other field (groups excluded:
    /// the importer unions them).
    pub fn overlay(&mut self, new: &ContactFields, present: Present) {
        let put = |bit: u32, to: &mut String, from: &str| {
            if present.has(bit) {
                from.clone_into(to);
            }
        };
        put(Present::FULL_NAME, &mut self.full_name, &new.full_name);
        put(Present::GIVEN_NAME, &mut self.given_name, &new.given_name);
        put(Present::FAMILY_NAME, &mut self.family_name, &new.family_name);
        put(Present::JOB_TITLE, &mut self.job_title, &new.job_title);
        put(Present::EMAIL, &mut self.email, &new.email);
        put(Present::MOBILE, &mut self.mobile, &new.mobile);
        put(Present::PHONE, &mut self.phone, &new.phone);
        put(Present::WEBSITE, &mut self.website, &new.website);
        put(Present::LINKEDIN, &mut self.linkedin, &new.linkedin);
        put(Present::FACEBOOK, &mut self.facebook, &new.facebook);
        put(Present::X, &mut self.x, &new.x);
        put(Present::COMPANY, &mut self.company, &new.company);
        put(Present::DEPARTMENT, &mut self.department, &new.department);
        put(Present::STREET, &mut self.address.street, &new.address.street);
        put(Present::CITY, &mut self.address.city, &new.address.city);
        put(Present::POSTAL_CODE, &mut self.address.postal_code, &new.address.postal_code);
        put(Present::STATE, &mut self.address.state, &new.address.state);
        put(Present::COUNTRY, &mut self.address.country, &new.address.country);
        put(Present::NOTES, &mut self.notes, &new.notes);
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
