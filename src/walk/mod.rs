//! The files to visit: ripgrep's walker (.gitignore, hidden files), on
//! every thread, then `[files] exclude` and the language filter. Source
//! files are read and prefiltered as they are found (`read::see`). Paths
//! come back sorted so that output is in path order whatever the thread
//! count.
//!
//! The walk covers the whole project (`project_root`) whatever PATHs are
//! given: which modules are first-party, what moves and what other files
//! still spell depends on all of it. Files under the PATHs are the named
//! ones, which are reported and changed; the rest is only read.

mod gitignore;
pub mod read;

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use crate::paths::below;
pub use crate::paths::{absolute, relative};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use gitignore::GitIgnore;

use crate::config::Rules;
use crate::model::Lang;
use read::Seen;

/// A file to process, with its absolute normalized path for glob matching.
#[derive(Debug, Clone)]
pub struct Entry {
    /// As shown: below the PATH it was named by, as that PATH was given;
    /// relative to the current directory for the rest of the project.
    pub path: PathBuf,
    pub abs: PathBuf,
    /// None for files of other languages: never read, but they move with
    /// their directory.
    pub lang: Option<Lang>,
    /// How many leading components of `path` are the project's root or
    /// above it: those never move.
    pub root_parts: usize,
    /// For a file under one of the PATHs: how many leading components of
    /// `path` that PATH is (a directory given does not move itself). None
    /// for the rest of the project, which is read but never changed.
    pub named: Option<usize>,
    /// What the walk saw reading it (source files); None if it could not.
    pub seen: Option<Seen>,
}

/// What the walk found: files to process and paths it could not read.
#[derive(Debug, Default)]
pub struct Walked {
    pub files: Vec<Entry>,
    /// Paths skipped, by why: `excluded` (source files `[files] exclude`
    /// names), `gitignored` (an ignored directory counts once), `symlink`
    /// (never followed), `not a regular file` (FIFOs, sockets).
    pub skipped: BTreeMap<&'static str, usize>,
    pub errors: Vec<String>,
}

/// The project the PATHs (absolute) belong to: the git work tree holding
/// the first one, else the directory of the `retrace.toml` in use, else
/// the PATHs' common directory.
pub fn project_root(paths: &[PathBuf], rules_dir: Option<&Path>) -> PathBuf {
    let dir = |p: &Path| match p.is_dir() {
        true => p.to_path_buf(),
        false => p
            .parent()
            .map_or_else(|| p.to_path_buf(), Path::to_path_buf),
    };
    let first = paths.first().map(|p| dir(p)).unwrap_or_default();
    // `.git` is a directory in a work tree, a file in a linked one.
    let git = first.ancestors().find(|d| d.join(".git").exists());
    if let Some(top) = git.or(rules_dir) {
        return top.to_path_buf();
    }
    paths.iter().skip(1).fold(first, |common, p| {
        let p = dir(p);
        common
            .ancestors()
            .find(|c| p.starts_with(c))
            .map_or(common.clone(), Path::to_path_buf)
    })
}

/// How a path is shown: as given, without a leading `./`.
fn display_path(path: &Path) -> PathBuf {
    path.strip_prefix(".").unwrap_or(path).to_path_buf()
}

/// A PATH argument: as given, made absolute, and whether it is a file.
struct Named {
    /// As given, without a leading `./`.
    given: PathBuf,
    abs: PathBuf,
    file: bool,
    /// Leading components of the paths shown below it that it is.
    fixed: usize,
}

impl Named {
    /// The file at `abs` below this PATH (empty: the PATH itself), if this
    /// PATH names it.
    fn below<'a>(&self, abs: &'a Path) -> Option<&'a Path> {
        match self.file {
            true => (abs.as_os_str() == self.abs.as_os_str()).then(|| Path::new("")),
            false => below(abs, &self.abs),
        }
    }
}

/// Walk the project at `root` (absolute) on `threads` threads, marking
/// the files under `paths`; a PATH outside `root` is walked as well.
pub fn walk(root: &Path, paths: &[PathBuf], rules: &Rules, cwd: &Path, threads: usize) -> Walked {
    let mut walked = Walked::default();
    let mut named = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Ok(meta) => {
                let given = display_path(p);
                // Below a directory every component may move; a file may
                // move only by its own name.
                let parts = given.components().count();
                let fixed = match meta.is_file() {
                    true => parts.saturating_sub(1),
                    false => parts,
                };
                named.push(Named {
                    given,
                    abs: absolute(cwd, p),
                    file: meta.is_file(),
                    fixed,
                })
            }
            Err(e) => walked.errors.push(format!("{}: {e}", p.display())),
        }
    }
    // The most specific PATH names a file: longest first.
    named.sort_by_key(|n| std::cmp::Reverse(n.abs.as_os_str().len()));
    let mut roots = vec![root.to_path_buf()];
    roots.extend(
        named
            .iter()
            .filter(|n| !n.abs.starts_with(root))
            .map(|n| n.abs.clone()),
    );
    if named.is_empty() {
        roots.clear();
    }
    // Each file with its sort key, made by the thread that found it.
    let mut found: Vec<(Vec<u8>, Entry)> = Vec::new();
    for walk_root in &roots {
        let root_parts = named
            .iter()
            .map(|n| {
                let given = n.given.components().count();
                match n.abs.strip_prefix(walk_root) {
                    Ok(below) => given.saturating_sub(below.components().count()),
                    Err(_) => given,
                }
            })
            .collect();
        let scope = Scope {
            root: walk_root,
            named: &named,
            root_parts,
            cwd,
        };
        let mut builder = ignore::WalkBuilder::new(walk_root);
        // .gitignore files are read here (`GitIgnore`), to count what they skip.
        let gitignore = Arc::new(GitIgnore::new(walk_root));
        let filter = Arc::clone(&gitignore);
        builder
            .git_ignore(false)
            .git_exclude(false)
            .git_global(false)
            .follow_links(false)
            .threads(threads)
            .filter_entry(move |dent| {
                let dir = dent.file_type().is_some_and(|t| t.is_dir());
                !filter.ignored(dent.path(), dir)
            });
        // Walked (and read) on every thread; sorted below.
        let shared = std::sync::Mutex::new((&mut walked, &mut found));
        builder.build_parallel().run(|| {
            Box::new(|result| {
                let visit = match visit(result, rules, &scope) {
                    Visit::File(entry) => Ok((path_key(&entry.path), entry)),
                    other => Err(other),
                };
                let mut shared = shared
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let (walked, found) = &mut *shared;
                match visit {
                    Ok(file) => found.push(file),
                    Err(Visit::Excluded(true)) => walked.skip("excluded", 1),
                    Err(Visit::Special(kind)) => walked.skip(kind, 1),
                    Err(Visit::Error(e)) => walked.errors.push(e),
                    Err(Visit::File(_) | Visit::Excluded(false) | Visit::Other) => {}
                }
                ignore::WalkState::Continue
            })
        });
        walked.skip("gitignored", gitignore.count.load(Ordering::Relaxed));
    }
    // In `Path` order (by components): the keys compare as paths do. Stable:
    // of a file found under two PATH arguments, the first one's entry stays.
    found.sort_by(|a, b| a.0.cmp(&b.0));
    walked.files = found.into_iter().map(|(_, entry)| entry).collect();
    // A file under two PATH arguments is one file (paths are normalized).
    walked
        .files
        .dedup_by(|a, b| a.abs.as_os_str() == b.abs.as_os_str());
    walked.errors.sort();
    walked
}

impl Walked {
    fn skip(&mut self, why: &'static str, n: usize) {
        if n > 0 {
            *self.skipped.entry(why).or_default() += n;
        }
    }
}

/// A key whose bytes sort as `Path::cmp` sorts paths: component by
/// component, each kind (root, `.`, `..`, name) before the next as in
/// `Component`, each component's bytes ended by a 0, which no path holds
/// (so a name sorts before the longer names it starts).
fn path_key(path: &Path) -> Vec<u8> {
    let mut key = Vec::with_capacity(path.as_os_str().len() + 16);
    for c in path.components() {
        key.push(match c {
            Component::Prefix(_) => 1,
            Component::RootDir => 2,
            Component::CurDir => 3,
            Component::ParentDir => 4,
            Component::Normal(_) => 5,
        });
        key.extend_from_slice(c.as_os_str().as_encoded_bytes());
        key.push(0);
    }
    key
}

/// What one walked path is.
enum Visit {
    File(Entry),
    /// Excluded by `[files] exclude`; true for a source file (counted).
    Excluded(bool),
    /// Not a regular file nor a directory: a symbolic link, a FIFO …
    Special(&'static str),
    Error(String),
    /// A directory.
    Other,
}

/// Where the walk of one root is, and the PATHs that name files in it.
struct Scope<'r> {
    /// The walk's root, absolute.
    root: &'r Path,
    named: &'r [Named],
    /// For each PATH, how many leading components of the paths shown
    /// below it are the root or above it (the same for all of them).
    root_parts: Vec<usize>,
    cwd: &'r Path,
}

impl Scope<'_> {
    /// How a file at `abs` is shown, how many leading components of that
    /// are the root or above, and how many are the PATH naming it.
    fn place(&self, abs: &Path) -> (PathBuf, usize, Option<usize>) {
        let mut by = self.named.iter().enumerate();
        let Some((i, rest)) = by.find_map(|(i, n)| Some((i, n.below(abs)?))) else {
            let path = relative(abs, self.cwd);
            let below_root = below(abs, self.root).map_or(0, |r| r.components().count());
            let root_parts = path.components().count().saturating_sub(below_root);
            return (path, root_parts, None);
        };
        let n = &self.named[i];
        let path = match rest.as_os_str().is_empty() {
            true => n.given.clone(),
            false => n.given.join(rest),
        };
        (path, self.root_parts[i], Some(n.fixed))
    }
}

fn visit(result: Result<ignore::DirEntry, ignore::Error>, rules: &Rules, scope: &Scope) -> Visit {
    let dent = match result {
        Ok(d) => d,
        Err(e) => return Visit::Error(e.to_string()),
    };
    match dent.file_type() {
        Some(t) if t.is_file() => {}
        Some(t) if t.is_dir() => return Visit::Other,
        Some(t) if t.is_symlink() => return Visit::Special("symlink"),
        _ => return Visit::Special("not a regular file"),
    }
    let lang = Lang::from_path(dent.path());
    // Below the root (absolute and normalized), the walk joins plain
    // names: its paths are absolute and normalized already.
    let abs = match below(dent.path(), scope.root) {
        Some(_) => dent.path().to_path_buf(),
        None => absolute(scope.cwd, dent.path()),
    };
    if rules.excluded(&abs) {
        return Visit::Excluded(lang.is_some());
    }
    let (path, root_parts, named) = scope.place(&abs);
    Visit::File(Entry {
        path,
        abs,
        lang,
        root_parts,
        named,
        seen: lang.and_then(|l| read::see(dent.path(), rules.prefilter(), l == Lang::Python)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_project_is_the_git_work_tree_else_the_rules_else_the_paths() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("repo/.git")).unwrap();
        std::fs::create_dir_all(root.join("repo/app/sub")).unwrap();
        std::fs::create_dir_all(root.join("plain/a")).unwrap();
        std::fs::write(root.join("repo/app/main.py"), "").unwrap();
        let sub = root.join("repo/app/sub");
        assert_eq!(
            project_root(&[root.join("repo/app/main.py")], None),
            root.join("repo")
        );
        assert_eq!(
            project_root(&[sub], Some(&root.join("plain"))),
            root.join("repo")
        );
        let a = root.join("plain/a");
        assert_eq!(
            project_root(std::slice::from_ref(&a), Some(&root.join("plain"))),
            root.join("plain")
        );
        assert_eq!(project_root(std::slice::from_ref(&a), None), a);
        assert_eq!(
            project_root(&[a, root.join("plain")], None),
            root.join("plain")
        );
    }

    #[test]
    fn paths_sort_as_path_orders_them() {
        let paths = [
            "a/b", "a.b", "a-b", "a/b/c", "a", "/x", "/", "../y", "!z", "-", "b/../a", "a b/c",
            "a/bc", "ab", "a/b c", "./a", "a/./b",
        ];
        let mut by_path: Vec<&Path> = paths.iter().map(Path::new).collect();
        let mut by_key = by_path.clone();
        by_path.sort();
        by_key.sort_by_cached_key(|p| path_key(p));
        assert_eq!(by_key, by_path);
    }
}
