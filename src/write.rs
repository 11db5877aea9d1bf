//! Atomic writes: a temporary file in the same directory, then a rename, so
//! a file is always either wholly old or wholly new.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

pub fn atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let permissions = std::fs::metadata(path)
        .with_context(|| format!("{}: cannot stat", path.display()))?
        .permissions();
    let mut tmp = tempfile::Builder::new()
        .prefix(".retrace-")
        .tempfile_in(dir)
        .with_context(|| format!("{}: cannot create a temporary file", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("{}: cannot write", path.display()))?;
    std::fs::set_permissions(tmp.path(), permissions)
        .with_context(|| format!("{}: cannot set permissions", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("{}: cannot replace", path.display()))?;
    Ok(())
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
}
