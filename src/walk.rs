//! The files to visit: ripgrep's walker (.gitignore, hidden files), on
//! every thread, then `[files] exclude` and the language filter. Source
//! files are read and prefiltered as they are found (`read::see`). Paths
//! come back sorted so that output is in path order whatever the thread
//! count.

use std::path::{Component, Path, PathBuf};

use crate::lang::Lang;
use crate::read::{self, Seen};
use crate::rules::Rules;

/// A file to process, with its absolute normalized path for glob matching.
#[derive(Debug, Clone)]
pub struct Entry {
    pub path: PathBuf,
    pub abs: PathBuf,
    /// None for files of other languages: never read, but they move with
    /// their directory.
    pub lang: Option<Lang>,
    /// How many leading components of `path` belong to the PATH argument
    /// it was found under: those never move.
    pub fixed: usize,
    /// What the walk saw reading it (source files); None if it could not.
    pub seen: Option<Seen>,
}

/// What the walk found: files to process and paths it could not read.
#[derive(Debug, Default)]
pub struct Walked {
    pub files: Vec<Entry>,
    pub excluded: usize,
    pub errors: Vec<String>,
}

/// `path` made absolute against `cwd` (absolute and normalized, as
/// `current_dir` gives it) and normalized without touching the file system
/// (no symlink resolution), so globs see the path the user gave.
pub fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    // Room for all of it at once: pushing each component would grow it.
    let room = cwd.as_os_str().len() + path.as_os_str().len() + 1;
    let mut out = PathBuf::with_capacity(room);
    if path.is_relative() {
        out.push(cwd);
    }
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// How a path is shown: as given, without a leading `./`.
fn display_path(path: &Path) -> PathBuf {
    path.strip_prefix(".").unwrap_or(path).to_path_buf()
}

/// Walk `roots` on `threads` threads.
pub fn walk(roots: &[PathBuf], rules: &Rules, cwd: &Path, threads: usize) -> Walked {
    let mut walked = Walked::default();
    // Each file with its sort key, made by the thread that found it.
    let mut found: Vec<(Vec<u8>, Entry)> = Vec::new();
    for root in roots {
        if let Err(e) = std::fs::metadata(root) {
            walked.errors.push(format!("{}: {e}", root.display()));
            continue;
        }
        // Below a directory argument every component may move; a file
        // argument may move only by its own name.
        let root_parts = display_path(root).components().count();
        let fixed = if root.is_file() {
            root_parts.saturating_sub(1)
        } else {
            root_parts
        };
        let root = Root {
            path: root,
            abs: absolute(cwd, root),
            fixed,
        };
        let mut builder = ignore::WalkBuilder::new(root.path);
        // .gitignore applies even outside a git repository, as users expect.
        builder
            .require_git(false)
            .follow_links(false)
            .threads(threads);
        // Walked (and read) on every thread; sorted below.
        let shared = std::sync::Mutex::new((&mut walked, &mut found));
        builder.build_parallel().run(|| {
            Box::new(|result| {
                let visit = match visit(result, rules, cwd, &root) {
                    Visit::File(entry) => Ok((path_key(&entry.path), entry)),
                    other => Err(other),
                };
                let mut shared = shared
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let (walked, found) = &mut *shared;
                match visit {
                    Ok(file) => found.push(file),
                    Err(Visit::Excluded(source)) => walked.excluded += usize::from(source),
                    Err(Visit::Error(e)) => walked.errors.push(e),
                    Err(Visit::File(_) | Visit::Other) => {}
                }
                ignore::WalkState::Continue
            })
        });
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
    Error(String),
    /// A directory, or not a regular file.
    Other,
}

/// Where the walk of one PATH argument is.
struct Root<'r> {
    path: &'r Path,
    /// `path` made absolute.
    abs: PathBuf,
    /// Leading components of found paths that never move.
    fixed: usize,
}

fn visit(
    result: Result<ignore::DirEntry, ignore::Error>,
    rules: &Rules,
    cwd: &Path,
    root: &Root,
) -> Visit {
    let dent = match result {
        Ok(d) => d,
        Err(e) => return Visit::Error(e.to_string()),
    };
    if !dent.file_type().is_some_and(|t| t.is_file()) {
        return Visit::Other;
    }
    let lang = Lang::from_path(dent.path());
    // Below the root, the walk joins plain names: made absolute by joining
    // them to the root's absolute path, not by normalizing every path.
    let abs = match dent.path().strip_prefix(root.path) {
        Ok(below) if below.as_os_str().is_empty() => root.abs.clone(),
        Ok(below) => {
            let mut abs =
                PathBuf::with_capacity(root.abs.as_os_str().len() + below.as_os_str().len() + 1);
            abs.push(&root.abs);
            abs.push(below);
            abs
        }
        Err(_) => absolute(cwd, dent.path()),
    };
    if rules.excluded(&abs) {
        return Visit::Excluded(lang.is_some());
    }
    Visit::File(Entry {
        path: display_path(dent.path()),
        abs,
        lang,
        fixed: root.fixed,
        seen: lang.and_then(|_| read::see(dent.path(), rules.prefilter())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
