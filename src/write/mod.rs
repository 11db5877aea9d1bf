//! Atomic writes: a temporary file in the same directory, then a rename, so
//! a file is always either wholly old or wholly new.
//!
//! `apply` writes in two steps: every new content is first staged beside
//! its file (the step that fails on a full disk or an unwritable
//! directory), and only when all are staged are they put in place, each by
//! one rename. So a failed write leaves every file as it was, never half
//! of a rename.

pub mod guard;
pub mod lock;
pub mod moves;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Temporary files are named with this prefix and six random characters;
/// a run that was killed may leave some behind (`remove_stale`).
pub const TEMP_PREFIX: &str = ".retrace-";

/// New content written beside its file, not yet in its place.
#[derive(Debug)]
pub struct Staged {
    temp: tempfile::TempPath,
    path: PathBuf,
}

/// Write `bytes` beside `path` with its permissions, synced to disk.
pub fn stage(path: &Path, bytes: &[u8]) -> Result<Staged> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let permissions = std::fs::metadata(path)
        .context("cannot stat")?
        .permissions();
    let tmp = temporary(dir, bytes)?;
    std::fs::set_permissions(tmp.path(), permissions).context("cannot set permissions")?;
    Ok(Staged {
        // Closed now: thousands of staged files must not hold a descriptor each.
        temp: tmp.into_temp_path(),
        path: path.to_path_buf(),
    })
}

impl Staged {
    /// Put the new content in place by one rename.
    pub fn commit(self) -> Result<()> {
        self.temp.persist(&self.path).context("cannot replace")?;
        Ok(())
    }
}

/// Replace `path`'s content atomically.
pub fn atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    stage(path, bytes)?.commit()
}

/// Write the file `path`, which may not exist yet, atomically.
pub fn atomic_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    temporary(dir, bytes)
        .and_then(|tmp| Ok(tmp.persist(path)?))
        .with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(())
}

/// A temporary file of ours in `dir` holding `bytes`, synced to disk.
fn temporary(dir: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile> {
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .context("cannot write")?;
    Ok(tmp)
}

/// Temporary files of ours that a killed run left in `dir`: removed, and
/// their names returned. Only called with the lock held, so no other run
/// is writing them.
pub fn remove_stale(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(TEMP_PREFIX)) else {
            continue;
        };
        let ours = rest.len() == 6 && rest.bytes().all(|b| b.is_ascii_alphanumeric());
        let file = entry.file_type().is_ok_and(|t| t.is_file());
        if ours && file && std::fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    removed.sort();
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn replaces_content_and_keeps_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.py");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o751)).unwrap();
        atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o751);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }

    #[test]
    fn staged_content_is_beside_the_file_until_committed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        std::fs::write(&path, "old").unwrap();
        let staged = stage(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
        staged.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        // Dropped without a commit, a staged file leaves nothing behind.
        drop(stage(&path, b"newer").unwrap());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn only_our_stale_temporary_files_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            ".retrace-a1B2c3",
            ".retrace-toolong7",
            ".retrace.lock",
            "keep.py",
        ] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        let removed = remove_stale(dir.path());
        assert_eq!(removed, [dir.path().join(".retrace-a1B2c3")]);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
    }
}
