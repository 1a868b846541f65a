//! A consistent copy of one organization's database file.
//!
//! redb has no online-backup API, so the copy is the file itself, taken while no write transaction
//! can run: under the organization's `write_lock` (every writer holds it around `begin_write` ..
//! `commit`) in the server, or under redb's own exclusive file lock when no server has it open.
//! Between transactions the file is what a crash at that instant would leave: every commit with
//! the default `Durability::Immediate` has written its pages and its header slot and fsynced
//! before `commit()` returns, and redb writes nothing outside a write transaction. The copy
//! carries the "recovery required" flag of a live writer, so the verification below opens it
//! once (redb repairs the allocator state from the last commit and clears the flag): a restored
//! file then opens at once. ARCHITECTURE.md says why this and not a logical copy.

use super::{META, OrgStore, SCHEMA_VERSION, StoreError, StoreResult};
use redb::ReadableDatabase;
use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// What a copy holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CopiedDb {
    pub bytes: u64,
    pub schema_version: u32,
}

/// Why an organization's file could not be copied or checked.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    /// Another process (a running server) holds the database open.
    #[error("{0} is open in another process")]
    InUse(PathBuf),
    #[error("{path}: {why}")]
    Io { path: PathBuf, why: String },
    #[error("{path} is not a usable contactpro database: {why}")]
    Invalid { path: PathBuf, why: String },
    #[error("{path} has schema version {found}, newer than this contactpro supports ({SCHEMA_VERSION})")]
    TooNew { path: PathBuf, found: u32 },
}

impl From<CopyError> for StoreError {
    fn from(e: CopyError) -> Self {
        match e {
            CopyError::TooNew { found, .. } => StoreError::TooNew(found),
            other => StoreError::Db(other.to_string()),
        }
    }
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> CopyError + '_ {
    move |e| CopyError::Io { path: path.to_owned(), why: e.to_string() }
}

impl OrgStore {
    /// Copy this organization's database to `dest` (a new file, mode 0600): consistent as of the
    /// last commit before the copy started. Writers of this organization wait while the file is
    /// copied (readers do not); the copy is fsynced, opened once to check it, then renamed into
    /// place, so `dest` is either absent or a whole, checked database.
    pub fn backup_to(&self, dest: &Path) -> StoreResult<CopiedDb> {
        let tmp = temp_path(dest);
        let copied = {
            // Only the copy itself needs the writers held; the fsync of the copy comes after.
            let _w = self.write_lock.lock();
            copy_file(&self.path, &tmp)
        };
        Ok(finish(copied.and_then(|f| sync(f, &tmp)), &tmp, dest)?)
    }
}

/// The same copy of a database no process has open (a stopped server): opening it takes redb's
/// exclusive lock (after repairing it if the server was killed), which keeps any server out
/// while the file is copied. [`CopyError::InUse`] when a server has it open.
pub fn backup_closed(src: &Path, dest: &Path) -> Result<CopiedDb, CopyError> {
    let db = open_exclusive(src)?;
    let tmp = temp_path(dest);
    let copied = copy_file(src, &tmp);
    drop(db);
    let copied = copied.and_then(|f| sync(f, &tmp));
    finish(copied, &tmp, dest)
}

/// Refuse when another process has the database at `path` open (a missing file is not in use).
pub fn ensure_not_open(path: &Path) -> Result<(), CopyError> {
    if !path.exists() {
        return Ok(());
    }
    drop(open_exclusive(path)?);
    Ok(())
}

/// Open a copied or restored file once: redb checks its header and commit slot and repairs the
/// allocator state; then its schema version must be one this build can open.
pub fn verify_copy(path: &Path) -> Result<u32, CopyError> {
    let invalid = |why: String| CopyError::Invalid { path: path.to_owned(), why };
    let db = open_exclusive(path)?;
    let txn = db.begin_read().map_err(|e| invalid(e.to_string()))?;
    let meta = txn.open_table(META).map_err(|e| invalid(e.to_string()))?;
    let version = meta
        .get("schema_version")
        .map_err(|e| invalid(e.to_string()))?
        .and_then(|v| <[u8; 4]>::try_from(v.value()).ok())
        .map(u32::from_le_bytes)
        .ok_or_else(|| invalid("no schema version".into()))?;
    if version > SCHEMA_VERSION {
        return Err(CopyError::TooNew { path: path.to_owned(), found: version });
    }
    Ok(version)
}

fn open_exclusive(path: &Path) -> Result<redb::Database, CopyError> {
    match redb::Database::open(path) {
        Ok(db) => Ok(db),
        Err(redb::DatabaseError::DatabaseAlreadyOpen) => Err(CopyError::InUse(path.to_owned())),
        Err(redb::DatabaseError::Storage(redb::StorageError::Io(e))) if e.kind() != io::ErrorKind::InvalidData => {
            Err(io_err(path)(e))
        }
        Err(e) => Err(CopyError::Invalid { path: path.to_owned(), why: e.to_string() }),
    }
}

/// `dest` with a `.partial` suffix, in the same directory (so the final rename is atomic).
pub fn temp_path(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
    name.push(".partial");
    dest.with_file_name(name)
}

/// A new file readable by its owner only, whatever the umask.
pub fn create_private(path: &Path) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

/// Copy `src` to the new file `tmp`. On Linux `io::copy` between files is a `copy_file_range`:
/// the kernel copies, no user-space buffer.
fn copy_file(src: &Path, tmp: &Path) -> Result<File, CopyError> {
    let _ = std::fs::remove_file(tmp); // left by an interrupted earlier attempt
    let mut from = File::open(src).map_err(io_err(src))?;
    let mut to = create_private(tmp).map_err(io_err(tmp))?;
    io::copy(&mut from, &mut to).map_err(io_err(tmp))?;
    Ok(to)
}

fn sync(f: File, path: &Path) -> Result<(), CopyError> {
    f.sync_all().map_err(io_err(path))
}

/// Check the temporary copy, fsync what the check repaired, rename it into place, fsync the
/// directory. Whatever fails, the temporary file is removed.
fn finish(copied: Result<(), CopyError>, tmp: &Path, dest: &Path) -> Result<CopiedDb, CopyError> {
    let done = copied.and_then(|()| {
        let schema_version = verify_copy(tmp)?;
        let f = File::open(tmp).map_err(io_err(tmp))?;
        f.sync_all().map_err(io_err(tmp))?;
        let bytes = f.metadata().map_err(io_err(tmp))?.len();
        std::fs::rename(tmp, dest).map_err(io_err(dest))?;
        sync_parent(dest).map_err(io_err(dest))?;
        Ok(CopiedDb { bytes, schema_version })
    });
    if done.is_err() {
        let _ = std::fs::remove_file(tmp);
    }
    done
}

/// fsync the directory holding `path`, so a rename into it survives a crash.
pub fn sync_parent(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => File::open(dir)?.sync_all(),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::OrgId;

    fn org() -> OrgId {
        OrgId::parse("6e5a1c1e-4b1d-4c1f-9a55-0c0a7e1d2b01").unwrap()
    }

    #[test]
    fn a_copy_is_checked_private_and_replaces_nothing_on_failure() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("org.redb");
        let store = OrgStore::open(org(), &src, 1 << 20, true).unwrap();
        let dest = dir.path().join("copy.redb");
        let c = store.backup_to(&dest).unwrap();
        assert_eq!(c, CopiedDb { bytes: std::fs::metadata(&dest).unwrap().len(), schema_version: SCHEMA_VERSION });
        assert_eq!(std::fs::metadata(&dest).unwrap().permissions().mode() & 0o777, 0o600);
        assert!(!temp_path(&dest).exists());
        // The server holds the source: another open of it is "in use", the copy is not.
        assert!(matches!(ensure_not_open(&src), Err(CopyError::InUse(_))));
        ensure_not_open(&dest).unwrap();
        assert!(matches!(backup_closed(&src, &dir.path().join("x.redb")), Err(CopyError::InUse(_))));
        drop(store);
        let again = dir.path().join("closed.redb");
        assert_eq!(backup_closed(&src, &again).unwrap().schema_version, SCHEMA_VERSION);
    }

    #[test]
    fn a_file_that_is_not_a_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("junk.redb");
        std::fs::write(&junk, b"not a database at all").unwrap();
        let dest = dir.path().join("copy.redb");
        let r = backup_closed(&junk, &dest);
        assert!(matches!(r, Err(CopyError::Invalid { .. })), "{r:?}");
        assert!(!dest.exists() && !temp_path(&dest).exists(), "nothing left behind");
    }
}
