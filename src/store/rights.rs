//! What a caller may do on a list: computed in one place, from the list as read inside the
//! transaction that acts.

use super::{Actor, StoreError, StoreResult, Who};
use crate::model::{Action, ContactList};
use serde::Serialize;

/// The caller's rights on one list (also shown to the web app with the list).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Rights {
    pub owner: bool,
    pub add: bool,
    pub modify: bool,
    pub delete: bool,
}

/// What an action needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Reading: every member of the organization may read every list.
    Read,
    Add,
    Modify,
    Delete,
    /// Settings, permissions, owners, API keys, deleting the list.
    Owner,
}

impl Rights {
    /// The rights of `actor` on `list`. An API key on any list but its own gets NotFound: for
    /// the key, that list does not exist.
    pub fn of(list: &ContactList, actor: &Actor) -> StoreResult<Self> {
        match &actor.who {
            Who::Key { list: own, .. } if *own != list.id => Err(StoreError::NotFound("list")),
            // A key reaches its list's contacts (get, create, update, delete) and nothing else.
            Who::Key { .. } => Ok(Self { owner: false, add: true, modify: true, delete: true }),
            Who::User(u) => Ok(Self {
                owner: list.is_owner(u),
                add: list.allows(u, Action::Add),
                modify: list.allows(u, Action::Modify),
                delete: list.allows(u, Action::Delete),
            }),
        }
    }

    pub fn allows(&self, need: Need) -> bool {
        match need {
            Need::Read => true,
            Need::Add => self.add,
            Need::Modify => self.modify,
            Need::Delete => self.delete,
            Need::Owner => self.owner,
        }
    }

    pub fn require(&self, need: Need) -> StoreResult<()> {
        if self.allows(need) {
            return Ok(());
        }
        let why = match need {
            Need::Read => "read this list",
            Need::Add => "add contacts or groups to this list",
            Need::Modify => "modify contacts or groups in this list",
            Need::Delete => "delete contacts or groups in this list",
            Need::Owner => "do this: only the list's owners can",
        };
        Err(StoreError::Forbidden(format!("you are not allowed to {why}")))
    }
}
