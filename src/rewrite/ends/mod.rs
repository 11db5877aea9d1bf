//! The other ends of a move: files retrace does not parse as code that
//! name a moved path. Manifests (`package.json`, `pyproject.toml`,
//! `setup.cfg`, `tsconfig.json`) are edited where a known key names it,
//! byte for byte in place (`manifest`); other text files (Markdown, YAML,
//! Dockerfiles, templates …) that name it are reported as `text`
//! findings, never edited (`text`). Next.js routes, whose moves change a
//! URL, are in `index::routes`.
//!
//! Nothing here runs unless some move is made: a run without moves never
//! reads a file of another language.

pub mod json;
mod manifest;

mod text;

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;

use crate::index::moves::Moves;
use crate::lang::lines::Lines;
use crate::model::{Class, Edit, Mode, Occurrence, Outcome, Reason, Rewrite, Scanned};
use crate::rewrite::patch;
use crate::walk::read;
use crate::walk::Entry;

/// The rule label of a change or finding that a move makes.
const MOVE_RULE: &str = "move";

/// Where the moves of a run take each moved path and each directory
/// they rename: `session/` → `trace/` and `session/a.js` → `trace/a.js`.
#[derive(Debug, Default)]
pub struct Renamed {
    /// Old path → new path, for every moved file and every leading part
    /// of it that the move renames.
    prefixes: HashMap<PathBuf, PathBuf>,
    /// Old path → the moved file whose move makes it (to tie edits to).
    by: HashMap<PathBuf, PathBuf>,
}

impl Renamed {
    pub fn new(moves: &Moves) -> Renamed {
        let mut renamed = Renamed::default();
        for (old, new) in &moves.to {
            let (mut a, mut b) = (PathBuf::new(), PathBuf::new());
            for (x, y) in old.components().zip(new.components()) {
                a.push(x);
                b.push(y);
                if a != b && !renamed.prefixes.contains_key(&a) {
                    renamed.prefixes.insert(a.clone(), b.clone());
                    renamed.by.insert(a.clone(), old.clone());
                }
            }
        }
        renamed
    }

    pub fn is_empty(&self) -> bool {
        self.prefixes.is_empty()
    }

    /// Where `path` goes: its longest renamed leading part replaced, with
    /// the moved file that takes it there.
    fn lookup(&self, path: &Path) -> Option<(PathBuf, &Path)> {
        let parts: Vec<Component> = path.components().collect();
        (1..=parts.len()).rev().find_map(|k| {
            let head: PathBuf = parts[..k].iter().collect();
            let new = self.prefixes.get(&head)?;
            let rest: PathBuf = parts[k..].iter().collect();
            Some((new.join(rest), self.by[&head].as_path()))
        })
    }

    /// A path written in a file of the directory `base`, relative to it
    /// (`./lib/session.js`, `session/`, `src/session/**/*.ts`), as it is to
    /// be written after the moves, when they change it; `./`, a trailing
    /// `/` and a glob tail are kept.
    pub fn path_in(&self, base: &Path, written: &str) -> Option<(String, &Path)> {
        let (head, core, tail) = split_path(written)?;
        // `../` climbs are kept as written: the rest is relative to the
        // directory they reach.
        let mut ups = 0;
        let mut rest = core;
        while let Some(r) = rest.strip_prefix("../") {
            ups += 1;
            rest = r;
        }
        let from = normalize(&base.join("../".repeat(ups)))?;
        let old = normalize(&from.join(rest))?;
        let (new, by) = self.lookup(&old)?;
        let new_from = self.lookup(&from).map_or(from, |(b, _)| b);
        let rel = new.strip_prefix(&new_from).ok()?;
        let rel = rel.to_str()?;
        let out = format!("{head}{}{rel}{tail}", "../".repeat(ups));
        (out != written && !rel.is_empty()).then_some((out, by))
    }

    /// A dotted Python module (`pkg.session`, `pkg.session*`) written in a
    /// file of the directory `base`, whose packages live in `root` below
    /// it, as it is to be written after the moves, when they change it.
    pub fn module_in(&self, base: &Path, root: &str, dotted: &str) -> Option<(String, &Path)> {
        let core = dotted.trim_end_matches(['*', '.']);
        let tail = &dotted[core.len()..];
        if core.is_empty() || !core.split('.').all(is_identifier) {
            return None;
        }
        let dir = normalize(&base.join(root))?;
        let old = dir.join(core.replace('.', "/"));
        // A package is a directory; a module may be a file.
        let (new, by) = self.lookup(&old).or_else(|| {
            ["py", "pyi"].iter().find_map(|ext| {
                let (new, by) = self.lookup(&old.with_extension(ext))?;
                Some((new.with_extension(""), by))
            })
        })?;
        let new_dir = self.lookup(&dir).map_or(dir, |(d, _)| d);
        let rel = new.strip_prefix(&new_dir).ok()?.to_str()?;
        let out = format!("{}{tail}", rel.replace('/', "."));
        (out != dotted && rel.split('/').all(is_identifier)).then_some((out, by))
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// `./src/session/**/*.ts` → (`./`, `src/session`, `/**/*.ts`): the
/// leading `./`, the plain path, and what follows it (a glob, a `/`).
fn split_path(written: &str) -> Option<(&str, &str, &str)> {
    let mut start = 0;
    while written[start..].starts_with("./") {
        start += 2;
    }
    let rest = &written[start..];
    let glob = rest.find(['*', '?', '{']).unwrap_or(rest.len());
    // The plain part ends at the last `/` before a glob.
    let end = match glob < rest.len() {
        true => rest[..glob].rfind('/').unwrap_or(0),
        false => rest.trim_end_matches('/').len(),
    };
    let core = &rest[..end];
    let plain = !core.is_empty()
        && !core.starts_with('/')
        && !core.contains("://")
        && !core.contains(char::is_whitespace);
    plain.then(|| (&written[..start], core, &rest[end..]))
}

/// `a/./b/../c` → `a/c`, lexically; None when it climbs above its start.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            other => out.push(other),
        }
    }
    Some(out)
}

/// The directory a file's relative paths start from (`` for the root).
fn dir_of(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new(""))
}

/// A file of another language, in a run that moves files: the edits its
/// manifest keys need and the places it names a moved path, or `Other`
/// when it is no text file or names none. In a rule file in use
/// (`rule_file`), comments are retrace's, not the project's text (a
/// `survey --write` starter names the files of each sense in them).
pub fn process(entry: &Entry, renamed: &Renamed, mode: Mode, rule_file: bool) -> Result<Outcome> {
    if renamed.is_empty() || !text::is_text(&entry.path) {
        return Ok(Outcome::Other);
    }
    read::with_text(&entry.path, read::Until::End, |text| match text {
        // Binary, invalid UTF-8 or too large: no text to name a path.
        Err(_) => Outcome::Other,
        Ok(full) => scan(entry, renamed, mode, full, rule_file),
    })
}

/// One text file's other ends, its whole text (BOM included) at hand.
fn scan(entry: &Entry, renamed: &Renamed, mode: Mode, full: &str, rule_file: bool) -> Outcome {
    let (bom, text) = read::split_bom(full);
    let lines = Lines::new(text);
    let mut scanned = Scanned::default();
    let mut edits: Vec<manifest::PathEdit> = Vec::new();
    if let Some(kind) = manifest::Kind::of(&entry.path) {
        match manifest::edits(kind, text, dir_of(&entry.path), renamed) {
            Ok(found) => edits = found,
            Err(bad) => {
                let (line, column) = lines.position(bad.at.min(text.len()));
                // Reported where it breaks, and not edited: the paths it
                // names are found as text below.
                let why = format!("text: {}, so it is not edited", bad.message);
                let name = entry.path.display().to_string();
                let reason = Some(Reason::Text(why));
                let found = occurrence((line, column), &name, &name, reason);
                scanned.findings.push(found);
            }
        }
    }
    for e in &edits {
        let mut change = occurrence(
            lines.position(e.range.start),
            &text[e.range.clone()],
            &e.new,
            None,
        );
        change.follows = Some(e.by.clone());
        scanned.changes.push(change);
    }
    let mut edited: Vec<std::ops::Range<usize>> = edits.iter().map(|e| e.range.clone()).collect();
    if rule_file {
        edited.extend(text::toml_comments(text));
    }
    for found in text::named_paths(&entry.path, text, renamed, &edited) {
        let why = "text: names a moved path where retrace does not edit it".to_string();
        scanned.findings.push(occurrence(
            lines.position(found.at),
            &found.old,
            &found.new,
            Some(Reason::Text(why)),
        ));
    }
    if scanned.changes.is_empty() && scanned.findings.is_empty() {
        return Outcome::Other;
    }
    let edits: Vec<Edit> = edits
        .into_iter()
        .map(|e| Edit {
            range: e.range.start + bom.len()..e.range.end + bom.len(),
            replacement: Arc::from(e.new),
        })
        .collect();
    if !edits.is_empty() {
        match mode {
            Mode::Diff => scanned.diff = Some(patch::unified(full, &edits)),
            Mode::Apply => {
                let text = full.to_string();
                scanned.rewrite = Some(Rewrite { text, edits });
            }
            Mode::Check => {}
        }
    }
    Outcome::Scanned(scanned)
}

fn occurrence(at: (usize, usize), old: &str, new: &str, reason: Option<Reason>) -> Occurrence {
    Occurrence {
        line: at.0,
        column: at.1,
        class: Class::String,
        old: Arc::from(old),
        new: Arc::from(new),
        rule: Arc::from(MOVE_RULE),
        reason,
        in_sql_string: false,
        follows: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn renamed(pairs: &[(&str, &str)]) -> Renamed {
        let mut moves = Moves::default();
        for (a, b) in pairs {
            moves.to.insert(PathBuf::from(a), PathBuf::from(b));
        }
        Renamed::new(&moves)
    }

    #[test]
    fn paths_under_a_move_follow_it_keeping_their_form() {
        let r = renamed(&[
            ("web/lib/session/index.js", "web/lib/trace/index.js"),
            ("web/bin/session.js", "web/bin/trace.js"),
        ]);
        let path = |w: &str| r.path_in(Path::new("web"), w).map(|(p, _)| p);
        assert_eq!(
            path("./lib/session/index.js").as_deref(),
            Some("./lib/trace/index.js")
        );
        assert_eq!(path("lib/session/").as_deref(), Some("lib/trace/"));
        assert_eq!(
            path("lib/session/**/*.js").as_deref(),
            Some("lib/trace/**/*.js")
        );
        assert_eq!(path("./bin/session.js").as_deref(), Some("./bin/trace.js"));
        assert_eq!(path("lib/sessions"), None);
        assert_eq!(path("lib/**/*.js"), None);
        assert_eq!(path("/lib/session"), None);
        assert_eq!(
            path("../web/lib/session").as_deref(),
            Some("../web/lib/trace")
        );
    }

    #[test]
    fn modules_under_a_move_follow_it() {
        let r = renamed(&[
            ("src/pkg/session/__init__.py", "src/pkg/trace/__init__.py"),
            ("src/pkg/session_cli.py", "src/pkg/trace_cli.py"),
        ]);
        let module = |root: &str, d: &str| r.module_in(Path::new(""), root, d).map(|(m, _)| m);
        assert_eq!(module("src", "pkg.session").as_deref(), Some("pkg.trace"));
        assert_eq!(
            module("src", "pkg.session.api").as_deref(),
            Some("pkg.trace.api")
        );
        assert_eq!(
            module("src", "pkg.session_cli").as_deref(),
            Some("pkg.trace_cli")
        );
        assert_eq!(module("src", "pkg.session*").as_deref(), Some("pkg.trace*"));
        assert_eq!(module("", "pkg.session"), None);
        assert_eq!(module("src", "pkg"), None);
    }
}
