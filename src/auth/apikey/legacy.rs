//! Keys made before the self-describing format: the list of their keyed hashes, so that they are
//! verified in memory, before any storage access, like new keys.
//!
//! No server creates such keys any more, so the list can only shrink. It is written once, at the
//! first start after the upgrade, from every organization's key table (`data/legacy-api-keys`,
//! mode 0600: one `hash org key-id` line per key; the hashes are HMACs under the server key, useless
//! without it). A revoked legacy key stays in the list but its record is gone, so it is refused.

use crate::model::{KeyId, OrgId};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

pub const FILE: &str = "legacy-api-keys";

#[derive(Default)]
pub struct LegacyKeys {
    by_hash: HashMap<[u8; 32], (OrgId, KeyId)>,
}

impl LegacyKeys {
    pub fn empty() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    pub fn find(&self, hash: &[u8; 32]) -> Option<(OrgId, KeyId)> {
        self.by_hash.get(hash).cloned()
    }

    /// Read the list, or build it with `scan` (every legacy key of every organization) and write
    /// it when this data directory has none yet.
    pub fn load_or_build(
        data_dir: &Path,
        scan: impl FnOnce() -> std::io::Result<Vec<([u8; 32], OrgId, KeyId)>>,
    ) -> std::io::Result<Self> {
        let path = data_dir.join(FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Self::parse(&text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let found = scan()?;
                let mut text = String::new();
                for (h, org, id) in &found {
                    text.push_str(&format!("{} {} {}\n", hex::encode(h), org.as_str(), id.0.simple()));
                }
                write_private(&path, text.as_bytes())?;
                if !found.is_empty() {
                    tracing::info!(
                        keys = found.len(),
                        "API keys made before the self-describing format keep working; owners are asked to rotate them"
                    );
                }
                Ok(Self { by_hash: found.into_iter().map(|(h, o, k)| (h, (o, k))).collect() })
            }
            Err(e) => Err(e),
        }
    }

    fn parse(text: &str) -> Self {
        let mut by_hash = HashMap::new();
        for line in text.lines() {
            let mut parts = line.split(' ');
            let (Some(h), Some(org), Some(id)) = (parts.next(), parts.next(), parts.next()) else { continue };
            let mut hash = [0u8; 32];
            if hex::decode_to_slice(h, &mut hash).is_err() {
                continue;
            }
            if let (Some(org), Ok(id)) = (OrgId::parse(org), uuid::Uuid::try_parse(id)) {
                by_hash.insert(hash, (org, KeyId(id)));
            }
        }
        Self { by_hash }
    }
}

/// Write a file only its owner can read, atomically (temporary file, fsync, rename).
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_built_once_then_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let org = OrgId::parse("11111111-2222-3333-4444-555555555555").unwrap();
        let id = KeyId::new_random();
        let built = LegacyKeys::load_or_build(dir.path(), || Ok(vec![([3; 32], org.clone(), id)])).unwrap();
        assert_eq!(built.find(&[3; 32]), Some((org.clone(), id)));
        let again = LegacyKeys::load_or_build(dir.path(), || panic!("scanned twice")).unwrap();
        assert_eq!(again.find(&[3; 32]), Some((org, id)));
        assert_eq!(again.find(&[4; 32]), None);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
