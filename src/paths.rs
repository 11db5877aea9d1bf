//! Paths as retrace handles them: made absolute and normalized without
//! touching the file system (no symlink is resolved, so globs see the
//! path the user gave), and compared as such.

use std::path::{Component, Path, PathBuf};

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

/// `abs` as seen from the directory `from` (both absolute and normalized):
/// `a/b` below it, `../x/a` beside it.
pub fn relative(abs: &Path, from: &Path) -> PathBuf {
    let (a, f): (Vec<Component>, Vec<Component>) =
        (abs.components().collect(), from.components().collect());
    let common = a.iter().zip(&f).take_while(|(x, y)| x == y).count();
    let mut out: PathBuf = f[common..].iter().map(|_| Component::ParentDir).collect();
    out.extend(&a[common..]);
    out
}

/// `path` below `prefix`, compared as bytes: as `Path::strip_prefix`
/// for the normalized paths the walk makes, at a fraction of its cost
/// (it runs for every file walked).
pub fn below<'p>(path: &'p Path, prefix: &Path) -> Option<&'p Path> {
    let (bytes, own) = (
        path.as_os_str().as_encoded_bytes(),
        prefix.as_os_str().as_encoded_bytes(),
    );
    let rest = bytes.strip_prefix(own)?;
    let rest = match rest.first() {
        None => rest,
        Some(b'/') => &rest[1..],
        Some(_) if own.ends_with(b"/") => rest,
        Some(_) => return None,
    };
    // SAFETY: `rest` is split from a valid `OsStr` right after an ASCII
    // `/` (or at its start or end), where encoded bytes may be split.
    Some(Path::new(unsafe {
        std::ffi::OsStr::from_encoded_bytes_unchecked(rest)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_is_strip_prefix_for_normalized_paths() {
        for (path, prefix) in [
            ("/r/a/b.py", "/r"),
            ("/r/a/b.py", "/r/a/b.py"),
            ("/r/ab/c", "/r/a"),
            ("/r", "/"),
            ("a/b", "a"),
            ("/x", "/r"),
        ] {
            let (path, prefix) = (Path::new(path), Path::new(prefix));
            assert_eq!(
                below(path, prefix),
                path.strip_prefix(prefix).ok(),
                "{path:?} {prefix:?}"
            );
        }
    }

    #[test]
    fn relative_paths_climb_where_needed() {
        let rel = |a: &str, f: &str| relative(Path::new(a), Path::new(f));
        assert_eq!(rel("/r/a/b.py", "/r"), Path::new("a/b.py"));
        assert_eq!(rel("/r/lib/x.py", "/r/app"), Path::new("../lib/x.py"));
        assert_eq!(rel("/r", "/r"), Path::new(""));
    }
}
