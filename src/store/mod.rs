//! Storage: one redb database per organization, behind a bounded registry.
//!
//! Only this module touches redb. Every write is one transaction; the list's search index is
//! updated by the same call, after the commit and before it returns, under the organization's
//! write lock, so the index applies commits in commit order and a read after a write never misses it.

pub mod backup;
mod codec;
mod contacts;
mod groups;
mod keys;
mod lists;
mod records;
mod registry;
mod users;

pub use codec::{CodecError, Record, decode, encode};
pub use contacts::{ContactPage, DuplicatePolicy, ImportOutcome, ImportRow};
pub use groups::GroupWithCount;
pub use keys::{ApiKeyRecord, NewApiKey};
pub use registry::{OrgGuard, Registry};

use crate::model::{ContactList, FieldErrors, ListId, OrgId, UserId, UserRef};
use crate::search::ListIndex;
use parking_lot::{Mutex, RwLock};
use redb::{ReadableDatabase, ReadableTable, TableDefinition};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The schema version this code writes. Bump it and add a step to `migrate` when tables change.
pub const SCHEMA_VERSION: u32 = 1;

pub(crate) const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
pub(crate) const USERS: TableDefinition<&str, &[u8]> = TableDefinition::new("users");
pub(crate) const LISTS: TableDefinition<u128, &[u8]> = TableDefinition::new("lists");
/// Key: (list id, contact id).
pub(crate) const CONTACTS: TableDefinition<(u128, u128), &[u8]> = TableDefinition::new("contacts");
/// Key: (list id, group id).
pub(crate) const GROUPS: TableDefinition<(u128, u128), &[u8]> = TableDefinition::new("groups");
/// Key: api key id.
pub(crate) const API_KEYS: TableDefinition<u128, &[u8]> = TableDefinition::new("api_keys");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(String),
    #[error(transparent)]
    Codec(#[from] CodecError),
    #[error("database is busy")]
    Busy,
    #[error("database schema version {0} is newer than this server supports")]
    TooNew(u32),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("the contact was changed by someone else")]
    VersionMismatch(Box<crate::model::Contact>),
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    LimitReached(String),
}

macro_rules! db_err {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Db(e.to_string())
            }
        }
    )*};
}
db_err!(
    redb::Error,
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

pub type StoreResult<T> = Result<T, StoreError>;

/// Who is acting: a signed-in user or an API key. Writes record `display` as created/updated by.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user: UserId,
    pub display: UserRef,
    /// Set for API keys: the one list the key may touch, with contact rights on it.
    pub key_list: Option<ListId>,
}

/// One organization's open database and the search indexes of its lists.
pub struct OrgStore {
    org: OrgId,
    db: redb::Database,
    /// The database file (backups copy it).
    path: PathBuf,
    /// Serialises writers with index updates (redb already allows one writer; this also covers
    /// the index update that follows the commit). Every `begin_write` .. `commit` holds it, so
    /// a backup holding it copies the file between transactions (see `backup.rs`).
    write_lock: Mutex<()>,
    indexes: Mutex<HashMap<ListId, Arc<RwLock<ListIndex>>>>,
}

impl OrgStore {
    pub fn open(org: OrgId, path: &Path, cache_bytes: usize) -> StoreResult<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Db(format!("{}: {e}", dir.display())))?;
        }
        let db = redb::Builder::new().set_cache_size(cache_bytes).create(path)?;
        let store =
            Self { org, db, path: path.to_owned(), write_lock: Mutex::new(()), indexes: Mutex::new(HashMap::new()) };
        store.migrate()?;
        Ok(store)
    }

    pub fn org(&self) -> &OrgId {
        &self.org
    }

    /// Create the tables of a new database, or bring an older one up to [`SCHEMA_VERSION`].
    fn migrate(&self) -> StoreResult<()> {
        let txn = self.db.begin_write()?;
        {
            let mut meta = txn.open_table(META)?;
            let found =
                meta.get("schema_version")?.and_then(|v| <[u8; 4]>::try_from(v.value()).ok()).map(u32::from_le_bytes);
            match found {
                Some(v) if v > SCHEMA_VERSION => return Err(StoreError::TooNew(v)),
                Some(v) if v == SCHEMA_VERSION => {}
                // Version 1 is the first schema: nothing to migrate from yet. Later versions add
                // their steps here, each in this same transaction.
                _ => {
                    meta.insert("schema_version", SCHEMA_VERSION.to_le_bytes().as_slice())?;
                }
            }
            txn.open_table(USERS)?;
            txn.open_table(LISTS)?;
            txn.open_table(CONTACTS)?;
            txn.open_table(GROUPS)?;
            txn.open_table(API_KEYS)?;
        }
        txn.commit()?;
        Ok(())
    }

    pub fn schema_version(&self) -> StoreResult<u32> {
        let txn = self.db.begin_read()?;
        let meta = txn.open_table(META)?;
        Ok(meta
            .get("schema_version")?
            .and_then(|v| <[u8; 4]>::try_from(v.value()).ok())
            .map(u32::from_le_bytes)
            .unwrap_or(0))
    }

    pub(crate) fn read_list(&self, txn: &redb::ReadTransaction, id: ListId) -> StoreResult<ContactList> {
        let t = txn.open_table(LISTS)?;
        let v = t.get(id.as_u128())?.ok_or(StoreError::NotFound("list"))?;
        Ok(decode(v.value())?)
    }
}
