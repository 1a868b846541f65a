//! Backups of a data directory: every organization's database and the key files, with a manifest.
//!
//! A backup is a folder (0700, files 0600):
//!
//! ```text
//! BACKUP_DIR/manifest.json        format, contactpro version, time, each file with size and sha256
//! BACKUP_DIR/orgs/<tenant>.redb   one consistent copy per organization (store::backup)
//! BACKUP_DIR/server-key           the key API keys are verified with
//! BACKUP_DIR/demo-secret          the demo token key (when the directory has one)
//! ```
//!
//! It is built in a hidden `.NAME.partial` sibling and renamed into place once the manifest is
//! written, so a folder named like a backup is always a whole one. Three producers share
//! [`BackupWriter`]: the `contactpro backup` CLI on a stopped server ([`backup_closed_dir`]), a
//! running server asked over its admin socket ([`socket`]), and the server's own schedule
//! ([`schedule`]). [`restore`] puts a backup back with the server stopped.

pub mod restore;
pub mod schedule;
pub mod socket;

use crate::AppState;
use crate::model::{OrgId, Timestamp};
use crate::store::backup::{CopiedDb, CopyError, create_private, sync_parent};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// The files besides the databases that a data directory needs (see `auth::demo::secret_file`).
pub const KEY_FILES: &[&str] = &["server-key", "demo-secret"];
pub const MANIFEST: &str = "manifest.json";
pub const FORMAT: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Copy(#[from] CopyError),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    /// A request that cannot be carried out as asked; the message says why and what to do.
    #[error("{0}")]
    Refused(String),
    #[error("the running server could not make the backup: {0}")]
    Server(String),
}

pub(crate) fn io_at(path: &Path) -> impl FnOnce(io::Error) -> BackupError + '_ {
    move |source| BackupError::Io { path: path.to_owned(), source }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub contactpro_version: String,
    pub created_at: Timestamp,
    pub orgs: Vec<OrgEntry>,
    pub keys: Vec<FileEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgEntry {
    pub id: String,
    pub file: String,
    pub bytes: u64,
    pub sha256: String,
    pub schema_version: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub file: String,
    pub bytes: u64,
    pub sha256: String,
}

impl Manifest {
    pub fn total_bytes(&self) -> u64 {
        self.orgs.iter().map(|o| o.bytes).chain(self.keys.iter().map(|k| k.bytes)).sum()
    }
}

/// The organizations of a data directory: files `orgs/<tenant id>.redb`, sorted.
pub fn org_files(data_dir: &Path) -> Result<Vec<(OrgId, PathBuf)>, BackupError> {
    let dir = data_dir.join("orgs");
    let rd = match std::fs::read_dir(&dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_at(&dir)(e)),
    };
    let mut out = Vec::new();
    for entry in rd {
        let entry = entry.map_err(io_at(&dir))?;
        let name = entry.file_name();
        let Some(org) = name.to_str().and_then(|n| n.strip_suffix(".redb")).and_then(OrgId::parse) else {
            continue;
        };
        out.push((org, entry.path()));
    }
    out.sort();
    Ok(out)
}

/// A new directory readable by its owner only, whatever the umask.
pub(crate) fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(path)
}

pub(crate) fn sha256_file(path: &Path) -> Result<(u64, String), BackupError> {
    let mut f = std::fs::File::open(path).map_err(io_at(path))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf).map_err(io_at(path))?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
    Ok((n, hex::encode(h.finalize())))
}

/// Copy a small file to a new private file and fsync it.
pub(crate) fn copy_private(src: &Path, dest: &Path) -> Result<(), BackupError> {
    let mut from = std::fs::File::open(src).map_err(io_at(src))?;
    let mut to = create_private(dest).map_err(io_at(dest))?;
    io::copy(&mut from, &mut to).map_err(io_at(dest))?;
    to.sync_all().map_err(io_at(dest))
}

/// Builds one backup folder; dropped before [`BackupWriter::finish`], it removes what it wrote.
pub struct BackupWriter {
    out: PathBuf,
    partial: PathBuf,
    orgs: Vec<OrgEntry>,
    keys: Vec<FileEntry>,
    finished: bool,
}

impl BackupWriter {
    /// Start a backup that will be `out` (which must not exist, or be an empty directory).
    pub fn begin(out: &Path) -> Result<Self, BackupError> {
        let name = out
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| BackupError::Refused(format!("{} is not a usable folder name", out.display())))?;
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        match std::fs::read_dir(out).map(|mut rd| rd.next().is_none()) {
            Ok(true) => {}
            Ok(false) => {
                return Err(BackupError::Refused(format!(
                    "{} already exists and is not empty: give a new folder for the backup",
                    out.display()
                )));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_at(out)(e)),
        }
        if !parent.exists() {
            std::fs::create_dir_all(&parent).map_err(io_at(&parent))?;
        }
        let partial = parent.join(format!(".{name}.partial"));
        if partial.exists() {
            // Left by an interrupted backup of the same name: never a complete one.
            std::fs::remove_dir_all(&partial).map_err(io_at(&partial))?;
        }
        create_private_dir(&partial).map_err(io_at(&partial))?;
        let w = Self { out: out.to_owned(), partial, orgs: Vec::new(), keys: Vec::new(), finished: false };
        create_private_dir(&w.partial.join("orgs")).map_err(io_at(&w.partial))?;
        Ok(w)
    }

    /// Where the copy of `org` must be written.
    pub fn org_path(&self, org: &OrgId) -> PathBuf {
        self.partial.join("orgs").join(format!("{org}.redb"))
    }

    /// Record the copy written at [`Self::org_path`].
    pub fn add_org(&mut self, org: &OrgId, copied: CopiedDb) -> Result<(), BackupError> {
        let (bytes, sha256) = sha256_file(&self.org_path(org))?;
        self.orgs.push(OrgEntry {
            id: org.to_string(),
            file: format!("orgs/{org}.redb"),
            bytes,
            sha256,
            schema_version: copied.schema_version,
        });
        Ok(())
    }

    /// Copy the key files that exist in `data_dir`. They are written once, when the data
    /// directory is first used, so a plain copy is consistent.
    pub fn copy_keys(&mut self, data_dir: &Path) -> Result<(), BackupError> {
        for name in KEY_FILES {
            let src = data_dir.join(name);
            if !src.exists() {
                continue;
            }
            let dest = self.partial.join(name);
            copy_private(&src, &dest)?;
            let (bytes, sha256) = sha256_file(&dest)?;
            self.keys.push(FileEntry { file: (*name).to_owned(), bytes, sha256 });
        }
        Ok(())
    }

    /// Write the manifest and move the folder into place.
    pub fn finish(mut self, now: Timestamp) -> Result<Manifest, BackupError> {
        let manifest = Manifest {
            format: FORMAT,
            contactpro_version: crate::VERSION.to_owned(),
            created_at: now,
            orgs: std::mem::take(&mut self.orgs),
            keys: std::mem::take(&mut self.keys),
        };
        let path = self.partial.join(MANIFEST);
        let mut f = create_private(&path).map_err(io_at(&path))?;
        let json = serde_json::to_vec_pretty(&manifest).map_err(|e| BackupError::Refused(e.to_string()))?;
        f.write_all(&json).map_err(io_at(&path))?;
        f.sync_all().map_err(io_at(&path))?;
        for dir in [self.partial.join("orgs"), self.partial.clone()] {
            std::fs::File::open(&dir).and_then(|d| d.sync_all()).map_err(io_at(&dir))?;
        }
        std::fs::rename(&self.partial, &self.out).map_err(io_at(&self.out))?;
        sync_parent(&self.out).map_err(io_at(&self.out))?;
        self.finished = true;
        Ok(manifest)
    }
}

impl Drop for BackupWriter {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.partial);
        }
    }
}

/// Back up a data directory no server is using (`contactpro backup` when nobody answers on the
/// admin socket). A database a process still holds open is refused with the reason.
pub fn backup_closed_dir(data_dir: &Path, out: &Path, now: Timestamp) -> Result<Manifest, BackupError> {
    let mut w = BackupWriter::begin(out)?;
    for (org, path) in org_files(data_dir)? {
        let copied = crate::store::backup::backup_closed(&path, &w.org_path(&org)).map_err(|e| match e {
            CopyError::InUse(p) => BackupError::Refused(format!(
                "{} is open in another process, but no server answers on {}: stop the process that holds it \
                 (an older contactpro without the admin socket?) and run the backup again",
                p.display(),
                socket::socket_path(data_dir).display()
            )),
            other => other.into(),
        })?;
        w.add_org(&org, copied)?;
    }
    w.copy_keys(data_dir)?;
    w.finish(now)
}

/// Run blocking file work off the async workers.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, BackupError> + Send + 'static,
) -> Result<T, BackupError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| BackupError::Server(format!("backup task failed: {e}")))?
}

/// An organization's open database, if its file still exists (it may have been deleted since the
/// directory was listed; acquiring it would create an empty one).
pub(crate) async fn acquire_existing(
    state: &AppState,
    org: &OrgId,
    path: &Path,
) -> Result<Option<crate::store::OrgGuard>, BackupError> {
    if !path.exists() {
        return Ok(None);
    }
    let guard = state
        .registry
        .acquire(&crate::auth::OrgAccess::operator(org.clone()))
        .await
        .map_err(|e| BackupError::Server(format!("{org}: {e}")))?;
    Ok(Some(guard))
}

/// The running server backs up every organization into `out` (scheduled backups): each database
/// is copied under its write lock, one organization at a time.
pub async fn backup_running(state: &AppState, out: PathBuf) -> Result<Manifest, BackupError> {
    let data_dir = state.config.storage.data_dir.clone();
    let dd = data_dir.clone();
    let (mut w, orgs) = blocking(move || Ok((BackupWriter::begin(&out)?, org_files(&dd)?))).await?;
    for (org, path) in orgs {
        let Some(store) = acquire_existing(state, &org, &path).await? else { continue };
        w = blocking(move || {
            let copied = store.backup_to(&w.org_path(&org)).map_err(|e| BackupError::Server(format!("{org}: {e}")))?;
            drop(store);
            w.add_org(&org, copied)?;
            Ok(w)
        })
        .await?;
    }
    let now = state.clock.now();
    blocking(move || {
        w.copy_keys(&data_dir)?;
        w.finish(now)
    })
    .await
}
