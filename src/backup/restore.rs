//! `contactpro restore`: put a backup back into a data directory, with the server stopped.
//!
//! Everything is checked before anything is written: no server answers on the admin socket,
//! the manifest is one this build reads, every selected file has the size and sha256 the
//! manifest gives, and no process holds a database that would be replaced. Each file is then
//! copied next to its target, fsynced, opened once (databases) and renamed over it, so every
//! organization is either the old one or the restored one, never half of each.

use super::{BackupError, KEY_FILES, MANIFEST, Manifest, copy_private, create_private_dir, io_at, sha256_file};
use crate::model::OrgId;
use crate::store::backup::{CopyError, ensure_not_open, sync_parent, temp_path, verify_copy};
use std::path::{Path, PathBuf};

#[derive(Debug, Default)]
pub struct RestoreReport {
    pub orgs: Vec<OrgId>,
    pub keys: Vec<String>,
    /// Organizations in the data directory that the backup does not have (left as they are).
    pub untouched: Vec<OrgId>,
    pub warnings: Vec<String>,
}

/// Read and check a backup's manifest.
pub fn read_manifest(from: &Path) -> Result<Manifest, BackupError> {
    let path = from.join(MANIFEST);
    let bytes = std::fs::read(&path).map_err(|e| {
        BackupError::Refused(format!("{}: {e}: not a contactpro backup folder (or an incomplete one)", path.display()))
    })?;
    let m: Manifest = serde_json::from_slice(&bytes)
        .map_err(|e| BackupError::Refused(format!("{} is not a backup manifest: {e}", path.display())))?;
    if m.format != super::FORMAT {
        return Err(BackupError::Refused(format!(
            "{} has format {}; this contactpro reads format {}",
            path.display(),
            m.format,
            super::FORMAT
        )));
    }
    Ok(m)
}

fn check_file(path: &Path, bytes: u64, sha256: &str) -> Result<(), BackupError> {
    let (n, sum) = sha256_file(path)?;
    if n != bytes || sum != sha256 {
        return Err(BackupError::Refused(format!(
            "{} does not match the manifest ({n} bytes, sha256 {sum}; expected {bytes} bytes, sha256 {sha256}): \
             the backup is damaged or was changed; nothing was restored",
            path.display()
        )));
    }
    Ok(())
}

/// Restore every organization of the backup and its key files, or only `only`.
pub fn restore(data_dir: &Path, from: &Path, only: Option<&OrgId>) -> Result<RestoreReport, BackupError> {
    if super::socket::server_answers(data_dir)? {
        return Err(BackupError::Refused(format!(
            "a contactpro server is running on {} (it answers on {}): stop it first, then restore",
            data_dir.display(),
            super::socket::socket_path(data_dir).display()
        )));
    }
    let manifest = read_manifest(from)?;
    let mut selected = Vec::new();
    for e in &manifest.orgs {
        let org = OrgId::parse(&e.id)
            .ok_or_else(|| BackupError::Refused(format!("the manifest names {:?}, not an organization id", e.id)))?;
        if only.is_none_or(|o| *o == org) {
            selected.push((org, e));
        }
    }
    if let Some(o) = only
        && selected.is_empty()
    {
        let have: Vec<&str> = manifest.orgs.iter().map(|e| e.id.as_str()).collect();
        return Err(BackupError::Refused(format!(
            "the backup has no organization {o}; it has: {}",
            if have.is_empty() { "none".to_owned() } else { have.join(", ") }
        )));
    }
    // One organization: only key files the data directory lacks (a fresh directory), so the
    // restored API keys verify; the keys other organizations depend on stay.
    let keys: Vec<_> = manifest
        .keys
        .iter()
        .filter(|k| KEY_FILES.contains(&k.file.as_str()))
        .filter(|k| only.is_none() || !data_dir.join(&k.file).exists())
        .collect();

    // Check everything first.
    for (org, e) in &selected {
        check_file(&from.join("orgs").join(format!("{org}.redb")), e.bytes, &e.sha256)?;
    }
    for k in &keys {
        check_file(&from.join(&k.file), k.bytes, &k.sha256)?;
    }
    let orgs_dir = data_dir.join("orgs");
    for (org, _) in &selected {
        ensure_not_open(&orgs_dir.join(format!("{org}.redb"))).map_err(|e| match e {
            CopyError::InUse(p) => BackupError::Refused(format!(
                "{} is open in another process: stop the server first; nothing was restored",
                p.display()
            )),
            other => other.into(),
        })?;
    }

    let mut report = RestoreReport::default();
    for dir in [data_dir, orgs_dir.as_path()] {
        if !dir.exists() {
            create_private_dir(dir).map_err(io_at(dir))?;
        }
    }
    for (org, _) in &selected {
        let target = orgs_dir.join(format!("{org}.redb"));
        put_back(&from.join("orgs").join(format!("{org}.redb")), &target, true)?;
        report.orgs.push(org.clone());
    }
    for k in &keys {
        put_back(&from.join(&k.file), &data_dir.join(&k.file), false)?;
        report.keys.push(k.file.clone());
    }

    if only.is_some() {
        let ours = sha256_file(&data_dir.join("server-key")).ok().map(|(_, s)| s);
        let theirs = manifest.keys.iter().find(|k| k.file == "server-key").map(|k| k.sha256.clone());
        if let (Some(a), Some(b)) = (ours, theirs)
            && a != b
        {
            report.warnings.push(format!(
                "the backup's server-key differs from {}: API keys of the restored organization will not \
                 verify; restore the whole backup, or have list owners make new API keys",
                data_dir.join("server-key").display()
            ));
        }
    } else {
        let restored: Vec<&OrgId> = selected.iter().map(|(o, _)| o).collect();
        report.untouched =
            super::org_files(data_dir)?.into_iter().map(|(o, _)| o).filter(|o| !restored.contains(&o)).collect();
    }
    Ok(report)
}

/// Copy `src` next to `target`, fsync, check (databases), rename over `target`, fsync the folder.
fn put_back(src: &Path, target: &Path, database: bool) -> Result<(), BackupError> {
    let tmp: PathBuf = temp_path(target);
    let _ = std::fs::remove_file(&tmp);
    let done = copy_private(src, &tmp).and_then(|()| {
        if database {
            verify_copy(&tmp)?;
            std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(io_at(&tmp))?;
        }
        std::fs::rename(&tmp, target).map_err(io_at(target))?;
        sync_parent(target).map_err(io_at(target))
    });
    if done.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    done
}
