//! Reading rule files: where they are found, their TOML, and the checks
//! that make `Rules` valid (every error at `FILE:LINE:COL`).

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use globset::{Glob, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use super::globs::{Compiled, FileGlobs, RawFiles, Scope};
use super::matcher::Index;
use super::prefilter::Prefilter;
use super::sources::Source;
use super::{case, Action, Form, Origin, PathGlobs, Policy, Rename, Rules, BUNDLED, PLATFORM};

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFile {
    /// `extends = "bundled"`: read after the bundled rules (`sources`).
    extends: Option<Spanned<String>>,
    #[serde(default)]
    rename: Vec<RawRename>,
    policy: Option<RawPolicy>,
    #[serde(default)]
    files: RawFiles,
    #[serde(default)]
    keep: RawKeep,
    #[serde(default)]
    project: RawProject,
    #[serde(default)]
    check: RawCheck,
    #[serde(default)]
    compat: RawCompat,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCompat {
    aliases: Option<super::Aliases>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    #[serde(default)]
    baseline: bool,
}

#[derive(Deserialize, Default, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPolicy {
    pub(super) code: Option<Action>,
    pub(super) comments: Option<Action>,
    pub(super) strings: Option<Action>,
    pub(super) compounds: Option<Action>,
}

#[derive(Deserialize, Clone, Copy, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum MatchKind {
    #[default]
    Word,
    Exact,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRename {
    from: Spanned<String>,
    to: Spanned<String>,
    #[serde(rename = "match", default)]
    kind: MatchKind,
    from_plural: Option<Spanned<String>>,
    to_plural: Option<Spanned<String>>,
    paths: Option<Spanned<Vec<Spanned<String>>>>,
    code: Option<Action>,
    comments: Option<Action>,
    strings: Option<Action>,
    compounds: Option<Action>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawKeep {
    #[serde(default)]
    names: Vec<Spanned<String>>,
    #[serde(default)]
    modules: Vec<String>,
    /// English words that hold a rule's word by chance (`obsession`).
    #[serde(default)]
    words: Vec<String>,
    /// Whether the built-in English words count (the last file that says).
    words_default: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawProject {
    #[serde(default)]
    first_party: Vec<String>,
}

/// A rule error: `FILE:LINE:COL: message`.
#[derive(Debug)]
pub struct RuleError {
    pub origin: Origin,
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

impl std::error::Error for RuleError {}

/// Positions in one rule file. Line starts are found once, so that placing
/// each of many thousands of rules does not rescan the file from its start.
pub(super) struct Place<'t> {
    file: &'t str,
    text: &'t str,
    line_starts: Vec<usize>,
}

impl<'t> Place<'t> {
    pub(super) fn new(file: &'t str, text: &'t str) -> Place<'t> {
        let after_newlines = memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1);
        Place {
            file,
            text,
            line_starts: std::iter::once(0).chain(after_newlines).collect(),
        }
    }

    /// The line and column (in characters, from 1) of byte `offset`.
    fn at(&self, offset: usize) -> Origin {
        let offset = offset.min(self.text.len());
        // At least 1: the first line starts at 0.
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self
            .line_starts
            .get(line.saturating_sub(1))
            .map_or(0, |&s| s);
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |before| before.chars().count());
        Origin {
            file: self.file.to_string(),
            line,
            col: col + 1,
        }
    }

    /// A rule error at the start of `value`.
    pub(super) fn error<T>(&self, value: &Spanned<T>, message: impl Into<String>) -> anyhow::Error {
        rule_error(self.at(value.span().start), message)
    }
}

/// A rule file's text; invalid UTF-8 is a rule error at the first invalid byte.
fn utf8(bytes: Vec<u8>, file: &str) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let before = String::from_utf8_lossy(e.as_bytes().get(..valid).unwrap_or_default());
        rule_error(
            Place::new(file, &before).at(valid),
            "invalid UTF-8: a rule file must be UTF-8 text",
        )
    })
}

fn rule_error(origin: Origin, message: impl Into<String>) -> anyhow::Error {
    anyhow!(RuleError {
        origin,
        message: message.into()
    })
}

/// Load, merge and validate rule files, on top of the platform keep list.
pub fn load(sources: &[Source]) -> Result<Rules> {
    let sources: Vec<Source> = std::iter::once(Source::Platform)
        .chain(super::sources::extended(sources))
        .collect();
    let sources = sources.as_slice();
    let mut renames = Vec::new();
    let mut policy = RawPolicy::default();
    let mut file_globs = FileGlobs::default();
    let mut keep_names = Vec::new();
    let mut keep_modules = Vec::new();
    let (mut english, mut platform_english) = (HashSet::new(), HashSet::new());
    let mut words_default = true;
    let mut first_party = Vec::new();
    let mut baseline = None;
    let mut aliases = None;
    let mut keep = GlobSetBuilder::new();
    let mut platform_names = 0;
    let mut compiled = Compiled::default();
    let mut files = Vec::new();
    for source in sources {
        let name = source.name();
        let (text, base) = match source {
            Source::File { path, base } => {
                let bytes = std::fs::read(path)
                    .with_context(|| format!("{}: cannot read rule file", path.display()))?;
                let cwd = std::env::current_dir().unwrap_or_default();
                files.push(crate::paths::absolute(&cwd, path));
                (utf8(bytes, &name)?, base)
            }
            Source::Bundled { base } => (BUNDLED.to_string(), base),
            Source::Platform => (PLATFORM.to_string(), &PathBuf::new()),
        };
        let place = Place::new(&name, &text);
        let raw: RawFile = toml::from_str(&text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            rule_error(place.at(at), e.message().trim().to_string())
        })?;
        if let Some(extends) = raw.extends.filter(|e| e.get_ref() != "bundled") {
            let message = format!(
                "extends: `{}` is not known; the one value is \"bundled\"",
                extends.get_ref()
            );
            return Err(place.error(&extends, message));
        }
        for r in raw.rename {
            renames.push(validate_rename(r, &place, base, &mut compiled)?);
        }
        if let Some(p) = raw.policy {
            // Single values: the later file wins, key by key.
            policy = RawPolicy {
                code: p.code.or(policy.code),
                comments: p.comments.or(policy.comments),
                strings: p.strings.or(policy.strings),
                compounds: p.compounds.or(policy.compounds),
            };
        }
        file_globs.add(raw.files, base, &place)?;
        for n in raw.keep.names {
            let glob = Glob::new(n.get_ref()).map_err(|e| {
                place.error(
                    &n,
                    format!("[keep] names: invalid glob `{}`: {e}", n.get_ref()),
                )
            })?;
            keep.add(glob);
            keep_names.push(n.into_inner());
        }
        if let Source::Platform = source {
            platform_names = keep_names.len();
        }
        keep_modules.extend(raw.keep.modules);
        let words = raw.keep.words.iter().map(|w| w.to_lowercase());
        match source {
            Source::Platform => platform_english.extend(words),
            _ => english.extend(words),
        }
        words_default = raw.keep.words_default.unwrap_or(words_default);
        first_party.extend(raw.project.first_party);
        if raw.check.baseline {
            baseline = Some(base.join(crate::model::BASELINE_FILE));
        }
        aliases = raw.compat.aliases.or(aliases);
    }
    let mut own_words: Vec<String> = english.iter().cloned().collect();
    own_words.sort();
    if words_default {
        english.extend(platform_english);
    }
    let policy = Policy::default().overlay(&policy);
    for r in &mut renames {
        r.policy = policy.overlay(&r.overrides);
    }
    check_conflicts(&renames)?;
    check_chains(&renames)?;
    let prefilter = std::sync::Arc::new(Prefilter::new(&renames)?);
    let index = Index::new(&renames)?;
    Ok(Rules {
        renames,
        policy,
        exclude: file_globs.exclude,
        history: file_globs.history,
        // Detected history counts unless a rule file says otherwise.
        history_default: file_globs.history_default.unwrap_or(true),
        keep_set: keep.build().context("cannot compile the [keep] names")?,
        keep_names,
        platform_names,
        keep_modules,
        english,
        own_words,
        words_default,
        first_party,
        sources: sources.iter().map(Source::name).collect(),
        files,
        baseline,
        aliases: aliases.unwrap_or_default(),
        prefilter,
        index,
    })
}

fn validate_rename(
    r: RawRename,
    place: &Place,
    base: &Path,
    compiled: &mut Compiled,
) -> Result<Rename> {
    for s in [&r.from, &r.to] {
        if s.get_ref().trim().is_empty() {
            return Err(place.error(s, "empty word"));
        }
    }
    if r.from.get_ref() == r.to.get_ref() {
        return Err(place.error(&r.to, "`from` and `to` are the same"));
    }
    let form = match r.kind {
        MatchKind::Word => {
            for s in [&r.from, &r.to]
                .into_iter()
                .chain(r.from_plural.as_ref())
                .chain(r.to_plural.as_ref())
            {
                let w = s.get_ref();
                if !covers_whole(&case::segments(w), w) {
                    return Err(place.error(
                        s,
                        format!("`{w}` is not one word; a word rule takes letters only (use match = \"exact\" for a whole name)"),
                    ));
                }
            }
            let (from, to) = (r.from.get_ref(), r.to.get_ref());
            if from.to_lowercase() == to.to_lowercase() {
                return Err(place.error(
                    &r.to,
                    format!("`{from}` and `{to}` differ only in case: a word rule keeps each name's case style, so this rule would change nothing (match = \"exact\" renames one name as written)"),
                ));
            }
            let lower = |s: &Spanned<String>| s.get_ref().to_lowercase();
            Form::Word {
                from_plural: r
                    .from_plural
                    .as_ref()
                    .map_or_else(|| case::plural(&lower(&r.from)), lower),
                to_plural: r
                    .to_plural
                    .as_ref()
                    .map_or_else(|| case::plural(&lower(&r.to)), lower),
            }
        }
        MatchKind::Exact => {
            if let Some(p) = r.from_plural.as_ref().or(r.to_plural.as_ref()) {
                return Err(place.error(p, "plurals apply to word rules only"));
            }
            for s in [&r.from, &r.to] {
                let w = s.get_ref();
                if !covers_whole(&case::tokens(w), w) {
                    return Err(place.error(
                        s,
                        format!("`{w}` is not a name (letters, digits and `_` only)"),
                    ));
                }
            }
            Form::Exact
        }
    };
    let (from, to) = match form {
        Form::Word { .. } => (
            r.from.get_ref().to_lowercase(),
            r.to.get_ref().to_lowercase(),
        ),
        Form::Exact => (r.from.get_ref().clone(), r.to.get_ref().clone()),
    };
    let paths = match &r.paths {
        Some(p) if p.get_ref().is_empty() => return Err(place.error(p, "`paths` is empty")),
        Some(p) => Some(compiled.paths(base, p.get_ref(), place)?),
        None => None,
    };
    Ok(Rename {
        from,
        to,
        form,
        paths,
        policy: Policy::default(),
        origin: place.at(r.from.span().start),
        overrides: RawPolicy {
            code: r.code,
            comments: r.comments,
            strings: r.strings,
            compounds: r.compounds,
        },
    })
}

/// Is `ranges` exactly one range spanning all of `text`?
fn covers_whole(ranges: &[std::ops::Range<usize>], text: &str) -> bool {
    matches!(ranges, [r] if *r == (0..text.len()))
}

/// Two rules of the same scope (same `paths`, same kind) that map one form
/// to two results.
fn check_conflicts(renames: &[Rename]) -> Result<()> {
    // Each (kind, form, scope) → the first rule that renames it, and to what.
    let mut first: HashMap<(bool, &str, Option<Scope>), (usize, &str)> = HashMap::new();
    for (i, r) in renames.iter().enumerate() {
        let scope = r.paths.as_ref().map(PathGlobs::scope);
        for (from, to) in r.forms() {
            let &mut (j, other_to) = first.entry((r.is_exact(), from, scope)).or_insert((i, to));
            if other_to != to {
                return Err(rule_error(
                    r.origin.clone(),
                    format!(
                        "`{from}` is renamed to `{to}` here and to `{other_to}` by the rule at {}",
                        renames[j].origin
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// A rule whose result another rule would rename again (`a→b`, `b→c`):
/// applying twice would not be a no-op. Whatever their `paths`: a file may
/// be in the scope of both.
fn check_chains(renames: &[Rename]) -> Result<()> {
    // What each kind of rule matches → the first rule that matches it.
    let mut exact: HashMap<&str, usize> = HashMap::new();
    let mut words: HashMap<&str, usize> = HashMap::new();
    for (i, r) in renames.iter().enumerate() {
        let map = if r.is_exact() { &mut exact } else { &mut words };
        for (from, _) in r.forms() {
            map.entry(from).or_insert(i);
        }
    }
    for r in renames {
        for (_, to) in r.forms() {
            // An exact rule matches the whole result; a word rule, a segment of it.
            let by_exact = exact.get(to).copied();
            let by_word = case::segments(to)
                .into_iter()
                .filter_map(|s| to.get(s))
                .filter_map(|segment| words.get(segment.to_lowercase().as_str()).copied())
                .min();
            // The first rule in file order, as named before this was indexed.
            if let Some(j) = by_exact.into_iter().chain(by_word).min() {
                return Err(rule_error(
                    r.origin.clone(),
                    format!(
                        "rules chain: `{}` becomes `{to}`, which the rule at {} renames again",
                        r.from, renames[j].origin
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Rules from TOML text, as a `retrace.toml` in a temporary directory.
#[cfg(test)]
pub(crate) fn load_str(text: &str) -> Result<Rules> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("retrace.toml");
    std::fs::write(&path, text)?;
    load(&[Source::File {
        path,
        base: dir.path().to_path_buf(),
    }])
}
