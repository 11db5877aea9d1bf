//! Where rules come from: `--rules` files, else the nearest `retrace.toml`
//! upward, else the bundled rules; and a file that says `extends =
//! "bundled"` is read after the bundled rules, so that a file of `[keep]`
//! names adds to them instead of replacing them.

use std::path::{Path, PathBuf};

use super::{BUNDLED_NAME, PLATFORM_NAME};

/// Where one rule file comes from.
#[derive(Clone, Debug)]
pub enum Source {
    File { path: PathBuf, base: PathBuf },
    Bundled { base: PathBuf },
    Platform,
}

impl Source {
    pub(super) fn name(&self) -> String {
        match self {
            Source::File { path, .. } => path.display().to_string(),
            Source::Bundled { .. } => BUNDLED_NAME.to_string(),
            Source::Platform => PLATFORM_NAME.to_string(),
        }
    }
}

/// `--rules` files if given, else the nearest `retrace.toml` upward from
/// `start`, else the bundled rules.
pub fn discover(explicit: &[PathBuf], start: &Path, cwd: &Path) -> Vec<Source> {
    if !explicit.is_empty() {
        return explicit
            .iter()
            .map(|p| Source::File {
                path: p.clone(),
                base: cwd.to_path_buf(),
            })
            .collect();
    }
    let start = crate::paths::absolute(cwd, start);
    let mut dir = if start.is_file() {
        start.parent().map(Path::to_path_buf)
    } else {
        Some(start)
    };
    while let Some(d) = dir {
        let candidate = d.join("retrace.toml");
        if candidate.is_file() {
            // Shown relative to the current directory when it is below it.
            let path = candidate
                .strip_prefix(cwd)
                .map_or(candidate.clone(), Path::to_path_buf);
            return vec![Source::File { path, base: d }];
        }
        dir = d.parent().map(Path::to_path_buf);
    }
    vec![Source::Bundled {
        base: cwd.to_path_buf(),
    }]
}

/// `sources`, each file that extends the bundled rules after them (read
/// once, before the first such file). A file that cannot be read or parsed
/// here is left to `load`, which says why.
pub(super) fn extended(sources: &[Source]) -> Vec<Source> {
    let mut out = Vec::new();
    let cwd = std::env::current_dir().unwrap_or_default();
    for source in sources {
        let bundled_already = out.iter().any(|s| matches!(s, Source::Bundled { .. }));
        if let Source::File { path, .. } = source {
            if extends_bundled(path) && !bundled_already {
                out.push(Source::Bundled { base: cwd.clone() });
            }
        }
        out.push(source.clone());
    }
    out
}

fn extends_bundled(path: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    let Ok(table) = text.parse::<toml::Table>() else {
        return false;
    };
    table.get("extends").and_then(|e| e.as_str()) == Some("bundled")
}
