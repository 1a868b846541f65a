//! Storage: one redb database per organization, behind a bounded registry.
//!
//! Only this module touches redb. Every write is one transaction; the list's search index is
//! updated by the same call, after the commit and before it returns, under the organization's
//! write lock, so the index applies commits in commit order and a read after a write never misses it.

pub mod apppass;
pub mod backup;
mod codec;
mod contacts;
pub mod dav;
mod groups;
mod jobs;
mod keys;
mod legacy;
mod lists;
pub mod log;
mod merge;
mod records;
mod registry;
mod rights;
mod trash;
mod users;

pub use codec::{CodecError, Record, decode, encode};
pub use contacts::{ContactPage, DuplicatePolicy, ImportOutcome, ImportRow};
pub use groups::GroupWithCount;
pub use jobs::{JobRecord, put_job_in};
pub use keys::{ApiKeyRecord, NewApiKey};
pub use merge::MERGE_FIELDS;
pub use registry::{OrgGuard, Registry};
pub use rights::{Need, Rights};

use crate::model::{ContactList, FieldErrors, KeyId, ListId, OrgId, UserId, UserRef};
use crate::search::ListIndex;
use parking_lot::{Mutex, RwLock};
use redb::{ReadableDatabase, ReadableTable, TableDefinition};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The schema version this code writes. Bump it and add a step to `migrate` when tables change.
pub const SCHEMA_VERSION: u32 = 2;

pub(crate) const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
pub(crate) const USERS: TableDefinition<&str, &[u8]> = TableDefinition::new("users");
pub(crate) const LISTS: TableDefinition<u128, &[u8]> = TableDefinition::new("lists");
/// Key: (list id, contact id).
pub(crate) const CONTACTS: TableDefinition<(u128, u128), &[u8]> = TableDefinition::new("contacts");
/// Key: (list id, group id).
pub(crate) const GROUPS: TableDefinition<(u128, u128), &[u8]> = TableDefinition::new("groups");
/// Key: api key id.
pub(crate) const API_KEYS: TableDefinition<u128, &[u8]> = TableDefinition::new("api_keys");
/// Key: list id -> number of contacts (schema 2), kept by every write so that showing the lists
/// never builds their search indexes.
pub(crate) const COUNTS: TableDefinition<u128, u64> = TableDefinition::new("contact_counts");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(String),
    #[error(transparent)]
    Codec(#[from] CodecError),
    /// Every open database was in use for longer than the registry's wait bound.
    #[error("the server is busy")]
    Busy,
    /// A verified caller's organization has no database yet (only `POST /login` creates one).
    #[error("this organization has no data yet")]
    NoOrganization,
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

/// Who is acting, as the auth extractors verified it. What they may do on a list is computed in
/// one place, [`Rights::of`], inside the transaction that acts.
#[derive(Clone, Debug)]
pub enum Who {
    User(UserId),
    /// An API key reaches one list's contacts; every other list does not exist for it.
    Key {
        id: KeyId,
        list: ListId,
    },
}

/// A caller as the store sees it. Writes record `display` as created/updated by.
#[derive(Clone, Debug)]
pub struct Actor {
    pub who: Who,
    pub display: UserRef,
}

impl Actor {
    pub fn user(id: UserId, display: UserRef) -> Self {
        Self { who: Who::User(id), display }
    }

    pub fn key(id: KeyId, list: ListId, display: UserRef) -> Self {
        Self { who: Who::Key { id, list }, display }
    }

    /// The person acting, or None for an API key.
    pub fn user_id(&self) -> Option<&UserId> {
        match &self.who {
            Who::User(u) => Some(u),
            Who::Key { .. } => None,
        }
    }
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
    /// One cell per list, so building one list's index does not block the organization's others.
    indexes: Mutex<HashMap<ListId, IndexCell>>,
    /// Told after each commit which lists' change logs moved (live updates).
    hub: Arc<crate::events::Hub>,
}

type IndexCell = Arc<Mutex<Option<Arc<RwLock<ListIndex>>>>>;

impl OrgStore {
    /// Open an organization's database; with `create`, make it when it does not exist (only the
    /// registry's `open_or_create`, reached from `POST /login`, passes true).
    pub fn open(org: OrgId, path: &Path, cache_bytes: usize, create: bool) -> StoreResult<Self> {
        let mut builder = redb::Builder::new();
        builder.set_cache_size(cache_bytes);
        let db = if create {
            if let Some(dir) = path.parent() {
                crate::files::private_dir(dir).map_err(|e| StoreError::Db(format!("{}: {e}", dir.display())))?;
            }
            // redb creates files with the umask's mode; an empty 0600 file made first keeps its mode.
            crate::files::touch_private(path).map_err(|e| StoreError::Db(format!("{}: {e}", path.display())))?;
            builder.create(path)?
        } else {
            // `Builder::open` never creates the file; checking first gives the clear error.
            if !path.is_file() {
                return Err(StoreError::NoOrganization);
            }
            builder.open(path)?
        };
        let store = Self {
            org,
            db,
            path: path.to_owned(),
            write_lock: Mutex::new(()),
            indexes: Mutex::new(HashMap::new()),
            hub: Arc::default(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// Share the registry's live-update hub (a store opened alone has its own, unheard).
    pub fn with_hub(mut self, hub: Arc<crate::events::Hub>) -> Self {
        self.hub = hub;
        self
    }

    pub fn org(&self) -> &OrgId {
        &self.org
    }

    /// Commit a write and tell the live streams what its log writer appended. Every write that
    /// changes a list ends here, after [`log::LogWriter::finish`].
    pub(crate) fn commit(&self, txn: redb::WriteTransaction, appended: log::Appended) -> StoreResult<()> {
        txn.commit()?;
        self.hub.notify(&self.org, appended);
        Ok(())
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
                // Each step runs in this same transaction: a crash leaves the old version whole.
                found => {
                    if found.is_some_and(|v| v < 2) {
                        Self::count_contacts(&txn)?;
                    }
                    meta.insert("schema_version", SCHEMA_VERSION.to_le_bytes().as_slice())?;
                }
            }
            txn.open_table(USERS)?;
            txn.open_table(LISTS)?;
            txn.open_table(CONTACTS)?;
            txn.open_table(GROUPS)?;
            txn.open_table(API_KEYS)?;
            txn.open_table(COUNTS)?;
            // Added after schema 1 without a version bump: a missing table is simply created.
            txn.open_table(jobs::JOBS)?;
            txn.open_table(jobs::JOB_ERRORS)?;
            // Issue 13: the change log, history and trash (new tables, created when missing).
            txn.open_table(log::CHANGES)?;
            txn.open_table(log::LOG_HEADS)?;
            txn.open_table(log::HISTORY)?;
            txn.open_table(trash::TRASH)?;
            txn.open_table(trash::LIST_TRASH)?;
            txn.open_table(trash::GROUP_TRASH)?;
            txn.open_table(trash::JOB_WRITES)?;
            txn.open_table(trash::JOB_UNDONE)?;
            // Issue 17: CardDAV app passwords and cards (new tables, created when missing).
            txn.open_table(apppass::APP_PASSWORDS)?;
            txn.open_table(dav::DAV_CARDS)?;
            txn.open_table(dav::DAV_NAMES)?;
        }
        txn.commit()?;
        Ok(())
    }

    /// Schema 1 -> 2: count every list's contacts into `COUNTS`.
    fn count_contacts(txn: &redb::WriteTransaction) -> StoreResult<()> {
        let mut counts: HashMap<u128, u64> = HashMap::new();
        for row in txn.open_table(CONTACTS)?.iter()? {
            *counts.entry(row?.0.value().0).or_default() += 1;
        }
        let mut t = txn.open_table(COUNTS)?;
        for (list, n) in counts {
            t.insert(list, n)?;
        }
        Ok(())
    }

    /// Add `delta` to a list's stored contact count, in the caller's transaction.
    pub(crate) fn add_to_count(txn: &redb::WriteTransaction, list: ListId, delta: i64) -> StoreResult<()> {
        let mut t = txn.open_table(COUNTS)?;
        let n = t.get(list.as_u128())?.map_or(0, |v| v.value());
        t.insert(list.as_u128(), n.saturating_add_signed(delta))?;
        Ok(())
    }

    /// Begin the write transaction of an action on `list`: the list is read inside it and what
    /// `actor` may do is checked against it there, so a permission change cannot race the write.
    /// Every write to a list's contacts, groups, settings or keys starts here.
    pub(crate) fn begin_list_write(
        &self,
        actor: &Actor,
        list: ListId,
        need: Need,
    ) -> StoreResult<(redb::WriteTransaction, ContactList)> {
        let txn = self.db.begin_write()?;
        let l: ContactList = {
            let t = txn.open_table(LISTS)?;
            let v = t.get(list.as_u128())?.ok_or(StoreError::NotFound("list"))?;
            decode(v.value())?
        };
        Rights::of(&l, actor)?.require(need)?;
        Ok((txn, l))
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
