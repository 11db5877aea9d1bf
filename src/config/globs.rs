//! Globs of a rule file (`paths`, `[files] exclude` and `history`),
//! relative to the directory they were written for.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{anyhow, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use super::load::Place;

/// Globs relative to a base directory (the directory of the rule file, or
/// the current directory).
#[derive(Clone, Debug)]
pub struct PathGlobs {
    base: PathBuf,
    patterns: Vec<String>,
    /// Shared by every rule with the same `paths` (see `Compiled`).
    set: Arc<GlobSet>,
}

impl PathGlobs {
    /// The globs of one list (`what`, for messages) of a rule file; an
    /// invalid glob is a rule error at that glob.
    pub(super) fn new(
        base: &Path,
        patterns: &[Spanned<String>],
        place: &Place,
        what: &str,
    ) -> Result<PathGlobs> {
        let mut builder = GlobSetBuilder::new();
        for spanned in patterns {
            let p = spanned.get_ref();
            let invalid = |e: globset::Error| {
                place.error(spanned, format!("{what}: invalid glob `{p}`: {e}"))
            };
            // A pattern without a slash matches at any depth, as in .gitignore.
            let full = if p.contains('/') {
                p.trim_start_matches('/').to_string()
            } else {
                format!("**/{p}")
            };
            let glob = globset::GlobBuilder::new(&full)
                .literal_separator(true)
                .build()
                .map_err(invalid)?;
            builder.add(glob);
            // `dir/**` should also match `dir` itself, so excluded directories are pruned.
            if let Some(dir) = full.strip_suffix("/**") {
                builder.add(Glob::new(dir).map_err(invalid)?);
            }
        }
        let set = builder.build().map_err(|e| match patterns.first() {
            Some(first) => place.error(first, format!("{what}: cannot compile the globs: {e}")),
            None => anyhow!("{what}: cannot compile the globs: {e}"),
        })?;
        Ok(PathGlobs {
            base: base.to_path_buf(),
            patterns: patterns.iter().map(|p| p.get_ref().clone()).collect(),
            set: Arc::new(set),
        })
    }

    /// Does the absolute, normalized `path` match?
    pub fn matches(&self, path: &Path) -> bool {
        path.strip_prefix(&self.base)
            .is_ok_and(|rel| self.set.is_match(rel))
    }

    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// The directory the patterns are relative to.
    pub fn base(&self) -> &Path {
        &self.base
    }

    /// What makes two lists of globs the same scope: they match the same paths.
    pub(crate) fn scope(&self) -> Scope<'_> {
        (&self.base, &self.patterns)
    }
}

/// The scope of a `PathGlobs`: its base and its patterns.
pub(crate) type Scope<'g> = (&'g Path, &'g [String]);

/// The rules' `paths` compiled so far, by base and patterns. Rules often
/// share one list (a rule file generated from a schema): it is compiled
/// once, and not once per rule.
#[derive(Default)]
pub(super) struct Compiled(HashMap<(PathBuf, Vec<String>), PathGlobs>);

impl Compiled {
    pub(super) fn paths(
        &mut self,
        base: &Path,
        patterns: &[Spanned<String>],
        place: &Place,
    ) -> Result<PathGlobs> {
        let names = patterns.iter().map(|p| p.get_ref().clone()).collect();
        let key = (base.to_path_buf(), names);
        if let Some(globs) = self.0.get(&key) {
            return Ok(globs.clone());
        }
        let globs = PathGlobs::new(base, patterns, place, "`paths`")?;
        self.0.insert(key, globs.clone());
        Ok(globs)
    }
}

/// A rule file's `[files]` table.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFiles {
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    history: Vec<Spanned<String>>,
    history_default: Option<bool>,
}

/// The `[files]` tables of every rule file, merged: lists appended, and
/// `history_default` from the last file that sets it.
#[derive(Default)]
pub(super) struct FileGlobs {
    pub(super) exclude: Vec<PathGlobs>,
    pub(super) history: Vec<PathGlobs>,
    pub(super) history_default: Option<bool>,
}

impl FileGlobs {
    /// Add one rule file's `[files]`, its globs relative to `base`.
    pub(super) fn add(&mut self, raw: RawFiles, base: &Path, place: &Place) -> Result<()> {
        if !raw.exclude.is_empty() {
            let exclude = PathGlobs::new(base, &raw.exclude, place, "[files] exclude")?;
            self.exclude.push(exclude);
        }
        if !raw.history.is_empty() {
            let history = PathGlobs::new(base, &raw.history, place, "[files] history")?;
            self.history.push(history);
        }
        self.history_default = raw.history_default.or(self.history_default);
        Ok(())
    }
}
