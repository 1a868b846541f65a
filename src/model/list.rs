//! Contact lists (one per Teams tab) and their permissions.

use super::validate::FieldErrors;
use super::{ListId, Timestamp, UserId, UserRef};
use serde::{Deserialize, Serialize};

/// The fields a card or a list column may show, in their display order.
pub const DEFAULT_VISIBLE_FIELDS: &[&str] = &["job_title", "company", "department", "mobile", "email"];

const KNOWN_FIELDS: &[&str] = &[
    "job_title",
    "email",
    "mobile",
    "phone",
    "website",
    "linkedin",
    "facebook",
    "x",
    "company",
    "department",
    "address",
    "notes",
    "groups",
];

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DisplayMode {
    #[default]
    Card,
    List,
    Group,
}

/// The order a list's contacts are shown in by default (Display settings, for everybody): by
/// full name as written, or by family name ("sort by last name": the A-Z rail then follows the
/// family name). The values are those of the contacts' `sort` parameter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListSort {
    #[default]
    FullName,
    FamilyName,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PermissionMode {
    /// Every member of the organization may add, modify and delete.
    #[default]
    Everybody,
    /// Only the list's owners may.
    Owners,
    /// Owners, plus the members listed with their own flags.
    Custom,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MemberPermission {
    pub oid: UserId,
    #[serde(default)]
    pub add: bool,
    #[serde(default)]
    pub modify: bool,
    #[serde(default)]
    pub delete: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Permissions {
    pub mode: PermissionMode,
    #[serde(default)]
    pub members: Vec<MemberPermission>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Channel {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ContactList {
    pub id: ListId,
    pub name: String,
    pub channel: Option<Channel>,
    pub team: Option<Channel>,
    pub created_by: UserRef,
    pub created_at: Timestamp,
    pub owners: Vec<UserId>,
    pub display_mode: DisplayMode,
    pub visible_fields: Vec<String>,
    pub permissions: Permissions,
    /// The default order of names (`full_name` or `family_name`).
    #[serde(default)]
    pub sort: ListSort,
}

/// What may be done to contacts and groups of a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Add,
    Modify,
    Delete,
}

impl ContactList {
    pub fn is_owner(&self, user: &UserId) -> bool {
        self.owners.contains(user)
    }

    /// Whether `user` may perform `action` on contacts and groups. Owners always may.
    pub fn allows(&self, user: &UserId, action: Action) -> bool {
        if self.is_owner(user) {
            return true;
        }
        match self.permissions.mode {
            PermissionMode::Everybody => true,
            PermissionMode::Owners => false,
            PermissionMode::Custom => self.permissions.members.iter().any(|m| {
                &m.oid == user
                    && match action {
                        Action::Add => m.add,
                        Action::Modify => m.modify,
                        Action::Delete => m.delete,
                    }
            }),
        }
    }
}

/// `POST /api/v1/lists`
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewList {
    pub name: String,
    #[serde(default)]
    pub channel: Option<Channel>,
    #[serde(default)]
    pub team: Option<Channel>,
    #[serde(default)]
    pub display_mode: Option<DisplayMode>,
    #[serde(default)]
    pub visible_fields: Option<Vec<String>>,
    #[serde(default)]
    pub permissions: Option<Permissions>,
    #[serde(default)]
    pub sort: Option<ListSort>,
}

/// `PATCH /api/v1/lists/{list}`: only the fields present change.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListPatch {
    pub name: Option<String>,
    pub channel: Option<Channel>,
    pub team: Option<Channel>,
    pub display_mode: Option<DisplayMode>,
    pub visible_fields: Option<Vec<String>>,
    pub owners: Option<Vec<UserId>>,
    pub permissions: Option<Permissions>,
    pub sort: Option<ListSort>,
}

pub fn validate_visible_fields(v: &[String], errs: &mut FieldErrors) {
    if v.len() > KNOWN_FIELDS.len() {
        errs.insert("visible_fields".into(), format!("has more than {} fields", KNOWN_FIELDS.len()));
    } else if let Some(bad) = v.iter().find(|f| !KNOWN_FIELDS.contains(&f.as_str())) {
        errs.insert("visible_fields".into(), format!("unknown field `{}`", bad.chars().take(40).collect::<String>()));
    } else if (1..v.len()).any(|i| v[..i].contains(&v[i])) {
        errs.insert("visible_fields".into(), "lists a field twice".into());
    }
}

/// A person named before they ever signed in: `upn:` + their sign-in name (e-mail form), in place
/// of an object id in `owners` and `permissions.members`. At their first sign-in it becomes their
/// object id (`OrgStore::resolve_pending`).
pub const PENDING_PREFIX: &str = "upn:";

/// The pending id for a sign-in name, lowercased, or None when it is not an e-mail-like name.
pub fn pending_id(upn: &str) -> Option<UserId> {
    let u = upn.trim().to_lowercase();
    (super::validate::is_email(&u) && u.len() <= 120).then(|| UserId(format!("{PENDING_PREFIX}{u}")))
}

/// A user id as owners and members take it: an object id, or `upn:name@domain` (normalised).
pub fn normalize_member_id(id: &mut UserId) -> bool {
    if id.0.is_empty() || id.0.len() > 128 {
        return false;
    }
    match id.0.strip_prefix(PENDING_PREFIX) {
        None => true,
        Some(upn) => match pending_id(upn) {
            Some(p) => {
                *id = p;
                true
            }
            None => false,
        },
    }
}

pub fn validate_permissions(p: &mut Permissions, errs: &mut FieldErrors) {
    if p.members.len() > 10_000 {
        errs.insert("permissions.members".into(), "has more than 10000 entries".into());
    }
    if !p.members.iter_mut().all(|m| normalize_member_id(&mut m.oid)) {
        errs.insert(
            "permissions.members".into(),
            "every member needs an oid of 1 to 128 characters, or upn:name@domain for someone who has not signed in yet"
                .into(),
        );
    }
}
