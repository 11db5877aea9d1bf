//! One `apply` at a time per project, and what a killed one leaves behind.
//!
//! Two runs rewriting and moving the same files would each find the other's
//! half-done work. `apply` takes an exclusive lock on a file in the
//! repository's `.git/` directory (or, outside git, in the project root)
//! for the whole run; a second one fails at once and says so. The lock is
//! the operating system's (`flock`), so a killed run never leaves a stale
//! one. Beside it, a journal lists the directories a run's moves may
//! empty: written before the moves, removed after them, so the run after a
//! kill removes the empty directories the killed one left.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};

pub struct Lock {
    path: PathBuf,
    _file: File,
    /// Outside git the lock file sits in the project: removed at the end.
    remove: bool,
}

impl Lock {
    /// Take the project's lock, or fail saying another run holds it.
    pub fn acquire(root: &Path) -> Result<Lock> {
        let git = root.join(".git");
        let (dir, remove) = match git.is_dir() {
            true => (git, false),
            false => (root.to_path_buf(), true),
        };
        let path = dir.join(match remove {
            true => ".retrace.lock",
            false => "retrace.lock",
        });
        loop {
            let file = File::options()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .with_context(|| format!("{}: cannot create the lock file", path.display()))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => bail!(
                    "another `retrace apply` is running in {} (it holds {}); wait for it to finish",
                    root.display(),
                    path.display()
                ),
                Err(TryLockError::Error(e)) => {
                    return Err(e).with_context(|| format!("{}: cannot lock", path.display()))
                }
            }
            // A run that just finished may have removed the file we
            // opened: the lock is only ours if the path still leads to it.
            if same_file(&file, &path) {
                return Ok(Lock {
                    path,
                    _file: file,
                    remove,
                });
            }
        }
    }

    /// Where the journal of an unfinished run's moves is kept.
    pub fn journal(&self) -> PathBuf {
        self.path.with_file_name(match self.remove {
            true => ".retrace-moves",
            false => "retrace-moves",
        })
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        if self.remove {
            // Removed while still held, so no other run can lock it first.
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_fails_until_the_first_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let first = Lock::acquire(dir.path()).unwrap();
        let second = Lock::acquire(dir.path()).err().unwrap().to_string();
        assert!(
            second.contains("another `retrace apply` is running"),
            "{second}"
        );
        drop(first);
        assert!(!dir.path().join(".retrace.lock").exists());
        let again = Lock::acquire(dir.path()).unwrap();
        assert_eq!(again.journal(), dir.path().join(".retrace-moves"));
    }

    #[test]
    fn in_a_git_work_tree_the_lock_lives_in_dot_git() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        let lock = Lock::acquire(dir.path()).unwrap();
        assert!(dir.path().join(".git/retrace.lock").exists());
        assert_eq!(lock.journal(), dir.path().join(".git/retrace-moves"));
    }
}
