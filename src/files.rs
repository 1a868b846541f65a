//! File modes of the data directory: folders 0700 and files 0600 whatever the process umask.
//!
//! Modes are set explicitly when something is created (a umask can only remove bits, so creating with
//! 0600 is enough for files; folders are chmod-ed after creation so a strict umask cannot leave them
//! unusable), and a data directory left with wider modes (an older version, a copy, `cp -r`) is fixed at
//! start with a warning. Every file the server or the CLI creates in the data directory goes through here.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

pub const DIR_MODE: u32 = 0o700;
pub const FILE_MODE: u32 = 0o600;

/// Create `dir` (and missing parents) and make it 0700.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(DIR_MODE);
    }
    b.create(dir)?;
    set_mode(dir, DIR_MODE)
}

/// Options that create a file readable and writable by its owner only.
pub fn private_file_options() -> OpenOptions {
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(FILE_MODE);
    }
    o
}

/// Create `path` empty with mode 0600 if it does not exist (libraries such as redb then open it
/// without choosing a mode themselves); an existing file keeps its content. The mode is set again
/// after creation because a umask such as 0277 would otherwise leave the file unwritable.
pub fn touch_private(path: &Path) -> io::Result<File> {
    let f = private_file_options().write(true).create(true).truncate(false).open(path)?;
    set_mode(path, FILE_MODE)?;
    Ok(f)
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) -> io::Result<()> {
    Ok(())
}

/// Make every folder under `root` (itself included) 0700 and every file 0600. Returns the paths that
/// had wider modes. Symbolic links are neither followed nor changed.
#[cfg(unix)]
pub fn fix_modes(root: &Path) -> io::Result<Vec<PathBuf>> {
    use std::os::unix::fs::PermissionsExt;
    let mut fixed = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(p) = stack.pop() {
        let md = std::fs::symlink_metadata(&p)?;
        let mode = md.permissions().mode() & 0o7777;
        let want = if md.is_dir() {
            DIR_MODE
        } else if md.is_file() {
            FILE_MODE
        } else {
            continue;
        };
        if mode != want {
            set_mode(&p, want)?;
            fixed.push(p.clone());
        }
        if md.is_dir() {
            for e in std::fs::read_dir(&p)? {
                stack.push(e?.path());
            }
        }
    }
    Ok(fixed)
}

#[cfg(not(unix))]
pub fn fix_modes(_: &Path) -> io::Result<Vec<PathBuf>> {
    Ok(Vec::new())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn creates_private_and_fixes_wide_modes() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("data/orgs");
        private_dir(&d).unwrap();
        assert_eq!(mode(&d), 0o700);
        let f = d.join("x.redb");
        touch_private(&f).unwrap();
        assert_eq!(mode(&f), 0o600);
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(t.path().join("data"), std::fs::Permissions::from_mode(0o750)).unwrap();
        let fixed = fix_modes(&t.path().join("data")).unwrap();
        assert_eq!(fixed.len(), 3, "{fixed:?}");
        assert_eq!((mode(&d), mode(&f)), (0o700, 0o600));
        assert!(fix_modes(&t.path().join("data")).unwrap().is_empty());
    }
}
