//! `.gitignore`, read by retrace rather than by the walker, so that what it
//! skips can be counted.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use ignore::gitignore::Gitignore;
use ignore::Match;

/// `.gitignore` matching, done here rather than by the walker so that what
/// it skips is counted: nested `.gitignore` files (the deepest one that
/// matches decides), then the repository's `.git/info/exclude` and git's
/// global excludes file, as git reads them; outside a repository too, as
/// users expect. An ignored directory is skipped whole and counted once.
pub(super) struct GitIgnore {
    /// Per directory: the `.gitignore` files that apply to its entries,
    /// deepest first.
    chains: Mutex<HashMap<PathBuf, Chain>>,
    /// Consulted after them: `.git/info/exclude`, the global excludes.
    last: Vec<Gitignore>,
    pub(super) count: AtomicUsize,
}

type Chain = Arc<Vec<Arc<Gitignore>>>;

impl GitIgnore {
    pub(super) fn new(root: &Path) -> GitIgnore {
        let mut last = Vec::new();
        let top = root.ancestors().find(|d| d.join(".git").is_dir());
        if let Some(exclude) = top.map(|t| t.join(".git/info/exclude")) {
            if exclude.is_file() {
                last.push(Gitignore::new(exclude).0);
            }
        }
        last.push(Gitignore::global().0);
        GitIgnore {
            chains: Mutex::new(HashMap::new()),
            last,
            count: AtomicUsize::new(0),
        }
    }

    /// Is the entry at `path` ignored? Counted when it is.
    pub(super) fn ignored(&self, path: &Path, is_dir: bool) -> bool {
        thread_local! {
            /// The last directory this thread asked about, with its chain:
            /// the walker hands a directory's entries to one thread in a
            /// row, and a hash of the whole path for each would cost more
            /// than all the matching.
            static LAST: std::cell::RefCell<Option<(usize, PathBuf, Chain)>> =
                const { std::cell::RefCell::new(None) };
        }
        let Some(dir) = path.parent() else {
            return false;
        };
        let me = self as *const GitIgnore as usize;
        let chain = LAST.with_borrow_mut(|last| match last {
            Some((owner, d, chain)) if *owner == me && d.as_os_str() == dir.as_os_str() => {
                Arc::clone(chain)
            }
            _ => {
                let chain = self.chain(dir);
                *last = Some((me, dir.to_path_buf(), Arc::clone(&chain)));
                chain
            }
        });
        let decided = chain
            .iter()
            .map(AsRef::as_ref)
            .chain(&self.last)
            .map(|g| g.matched(path, is_dir))
            .find(|m| !m.is_none());
        let ignored = matches!(decided, Some(Match::Ignore(_)));
        if ignored {
            self.count.fetch_add(1, Ordering::Relaxed);
        }
        ignored
    }

    /// The `.gitignore` files that apply in `dir`: its own, then those of
    /// its parents up to the repository's top (or the file system's root).
    fn chain(&self, dir: &Path) -> Chain {
        let lock = || self.chains.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(chain) = lock().get(dir) {
            return Arc::clone(chain);
        }
        let mut chain: Vec<Arc<Gitignore>> = Vec::new();
        let own = dir.join(".gitignore");
        if own.is_file() {
            chain.push(Arc::new(Gitignore::new(own).0));
        }
        // A repository's top inherits nothing; asked only when there is
        // something to inherit (outside a repository, mostly not).
        if let Some(parent) = dir.parent() {
            let above = self.chain(parent);
            if !above.is_empty() && !dir.join(".git").exists() {
                chain.extend(above.iter().cloned());
            }
        }
        let chain = Arc::new(chain);
        lock().insert(dir.to_path_buf(), Arc::clone(&chain));
        chain
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repository_inside_another_directory_inherits_none_of_its_ignores() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for d in ["other", "inner/.git", "inner/deep"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        std::fs::write(root.join(".gitignore"), "*.py\n").unwrap();
        std::fs::write(root.join("inner/deep/.gitignore"), "*.ts\n").unwrap();
        let ignores = GitIgnore::new(root);
        let ignored = |p: &str| ignores.ignored(&root.join(p), false);
        assert!(ignored("other/a.py"));
        assert!(!ignored("inner/a.py"));
        assert!(!ignored("inner/deep/a.py"));
        assert!(ignored("inner/deep/a.ts"));
        assert!(!ignored("other/a.ts"));
    }
}
