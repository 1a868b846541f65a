//! The domain model: ids, contacts, groups, lists and their validation.
//!
//! This module depends only on serde, uuid and time so that the store, the API,
//! the search index and the import/export codecs can all share it.

mod contact;
mod ids;
mod list;
pub mod name_parts;
mod names;
mod time;
mod validate;

pub use contact::{Address, AddressInput, Contact, ContactFields, ContactInput, ContactPatch, Group, Present, UserRef};
pub use ids::{ContactId, GroupId, KeyId, ListId, OrgId, UserId};
pub use list::{
    Action, Channel, ContactList, DEFAULT_VISIBLE_FIELDS, DisplayMode, ListPatch, ListSort, MemberPermission, NewList,
    PENDING_PREFIX, PermissionMode, Permissions, normalize_member_id, pending_id, validate_permissions,
    validate_visible_fields,
};
pub use names::{
    HIDDEN_CHARS_MESSAGE, MAX_NAME_LEN, MAX_TEAMS_ID_LEN, check_name, is_hidden_or_bidi, name_problem,
    validate_channel, validate_group_name, validate_list_name,
};
pub use time::Timestamp;
pub use validate::{FieldErrors, Limits, MAX_GROUP_NAME_CHARS, group_name, is_email, is_http_url};
