//! Rule files: TOML in, validated `Rules` out.
//!
//! Raw serde structs mirror the file format (unknown keys are errors); they
//! are turned into `Rules`, where every rename is known to be well formed and
//! free of conflicts and chains. Every error names `FILE:LINE:COL`.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use anyhow::{anyhow, Context, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::case;
use crate::decide::Index;
/// Where the lexers and classifiers still look for it.
pub use crate::model::Class;

/// The bundled default rules, compiled into the binary.
pub const BUNDLED: &str = include_str!("../rules/session-to-trace.toml");
pub const BUNDLED_NAME: &str = "rules/session-to-trace.toml (built-in)";
/// Platform names that are never a project's, loaded under every rule set.
pub const PLATFORM: &str = include_str!("../rules/platform.toml");
pub const PLATFORM_NAME: &str = "rules/platform.toml (built-in)";

/// What a policy does with an occurrence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    // Ordered from strictest to loosest: combining two policies takes the min.
    Keep,
    Report,
    Rename,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Keep => "keep",
            Action::Report => "report",
            Action::Rename => "rename",
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    pub code: Action,
    pub comments: Action,
    pub strings: Action,
    pub compounds: Action,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            code: Action::Rename,
            comments: Action::Rename,
            strings: Action::Report,
            compounds: Action::Report,
        }
    }
}

impl Policy {
    pub fn for_class(&self, class: Class) -> Action {
        match class {
            Class::Code => self.code,
            Class::Comment => self.comments,
            Class::String => self.strings,
        }
    }

    fn overlay(mut self, raw: &RawPolicy) -> Policy {
        self.code = raw.code.unwrap_or(self.code);
        self.comments = raw.comments.unwrap_or(self.comments);
        self.strings = raw.strings.unwrap_or(self.strings);
        self.compounds = raw.compounds.unwrap_or(self.compounds);
        self
    }
}

/// Where a rule was written, for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: usize,
    pub col: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// How a rule matches names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Form {
    /// A word, matched as a whole segment (or its plural) in any case style.
    Word {
        from_plural: String,
        to_plural: String,
    },
    /// One name, matched whole and case-sensitively.
    Exact,
}

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
    fn new(
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

    /// What makes two lists of globs the same scope: they match the same paths.
    pub(crate) fn scope(&self) -> Scope<'_> {
        (&self.base, &self.patterns)
    }
}

/// The scope of a `PathGlobs`: its base and its patterns.
type Scope<'g> = (&'g Path, &'g [String]);

/// The rules' `paths` compiled so far, by base and patterns. Rules often
/// share one list (a rule file generated from a schema): it is compiled
/// once, and not once per rule.
#[derive(Default)]
struct Compiled(HashMap<(PathBuf, Vec<String>), PathGlobs>);

impl Compiled {
    fn paths(
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

/// One validated rename rule.
#[derive(Clone, Debug)]
pub struct Rename {
    /// A lowercase word (`Form::Word`) or an exact name.
    pub from: String,
    pub to: String,
    pub form: Form,
    pub paths: Option<PathGlobs>,
    pub policy: Policy,
    pub origin: Origin,
    overrides: RawPolicy,
}

impl Rename {
    /// `session→trace`, as rules are named in output.
    pub fn label(&self) -> String {
        format!("{}→{}", self.from, self.to)
    }

    pub fn is_exact(&self) -> bool {
        self.form == Form::Exact
    }

    /// The word forms this rule matches, with what each becomes.
    pub fn forms(&self) -> Vec<(&str, &str)> {
        match &self.form {
            Form::Word {
                from_plural,
                to_plural,
            } => vec![(&self.from, &self.to), (from_plural, to_plural)],
            Form::Exact => vec![(&self.from, &self.to)],
        }
    }

    pub fn applies_to(&self, abs_path: &Path) -> bool {
        self.paths.as_ref().is_none_or(|p| p.matches(abs_path))
    }
}

/// All active rules, merged from every rule file.
#[derive(Debug)]
pub struct Rules {
    pub renames: Vec<Rename>,
    pub policy: Policy,
    pub exclude: Vec<PathGlobs>,
    pub keep_names: Vec<String>,
    keep_set: GlobSet,
    pub keep_modules: Vec<String>,
    pub first_party: Vec<String>,
    pub sources: Vec<String>,
    /// `[check] baseline = true`: the baseline file `check` uses by default.
    pub baseline: Option<PathBuf>,
    /// Finds every needle, ignoring ASCII case, in one pass; built once.
    prefilter: Prefilter,
    /// The rules indexed by what they match; built once.
    index: Index,
}

impl Rules {
    /// The `[keep] names` pattern that `name` matches, if any.
    pub fn kept(&self, name: &str) -> Option<&str> {
        self.keep_set
            .matches(name)
            .first()
            .map(|&i| self.keep_names[i].as_str())
    }

    pub fn excluded(&self, abs_path: &Path) -> bool {
        self.exclude.iter().any(|g| g.matches(abs_path))
    }

    /// The rules at these indices, named as in output (`session→trace`).
    pub fn label(&self, indices: impl IntoIterator<Item = usize>) -> String {
        let names: Vec<String> = indices
            .into_iter()
            .map(|i| self.renames[i].label())
            .collect();
        names.join(", ")
    }

    /// The prefilter: finds every needle, ignoring ASCII case, in one pass.
    pub fn prefilter(&self) -> &Prefilter {
        &self.prefilter
    }

    /// The rules indexed by what they match, for `decide::Matcher`.
    pub fn index(&self) -> &Index {
        &self.index
    }
}

/// Finds every literal that can start an occurrence, ignoring ASCII case,
/// leftmost first (of needles starting at one place, the first listed).
/// Every file the walk finds goes through it.
#[derive(Debug)]
pub enum Prefilter {
    /// No needles (a rule file with no `[[rename]]`): matches nothing. An
    /// empty alternation would match the empty string at every offset.
    Nothing,
    /// A few short needles: the regex crate's SIMD literal search is 3 to 20
    /// times faster over source code than an automaton, which stops at
    /// every `s` to look for `session`.
    Regex(regex::bytes::Regex),
    /// Many needles: as fast as the regex (which then runs an automaton
    /// itself), quicker to build, and without a size limit.
    Automaton(AhoCorasick),
}

/// Up to this many needles the regex is used. Measured over 11 MB of
/// Python (the standard library), both searches built as here, best of 9:
/// with 1 to 8 needles the regex takes 1 to 6 ms and the automaton 7 to 21
/// (the same with common words, up to 6 needles); with 10 or 12 rare
/// needles the regex takes 33 to 80 ms and the automaton 17 to 23; from 16
/// needles to 500 they are within noise of each other.
const REGEX_MAX_NEEDLES: usize = 8;
/// ... and only while their bytes are this few, so that the regex stays far
/// below the regex crate's size limit however long an exact name is.
const REGEX_MAX_BYTES: usize = 1024;
/// Up to this many needles the automaton is a DFA: faster, but its memory
/// grows with every needle (about 1.7 MB for 1,000, 68 MB for 50,000). The
/// regex crate draws the same line for its own automaton.
const DFA_MAX_NEEDLES: usize = 500;

impl Prefilter {
    fn new(renames: &[Rename]) -> Result<Prefilter> {
        let needles = needles(renames);
        let bytes: usize = needles.iter().map(String::len).sum();
        if needles.is_empty() {
            Ok(Prefilter::Nothing)
        } else if needles.len() <= REGEX_MAX_NEEDLES && bytes <= REGEX_MAX_BYTES {
            Prefilter::regex(&needles)
        } else {
            Prefilter::automaton(&needles)
        }
    }

    fn regex(needles: &[String]) -> Result<Prefilter> {
        // Raw bytes outside ASCII: with Unicode off they match themselves.
        let escape = |needle: &str| -> String {
            needle
                .bytes()
                .map(|b| match b {
                    b if b.is_ascii() => regex::escape(&char::from(b).to_string()),
                    b => format!("\\x{b:02x}"),
                })
                .collect()
        };
        let alternatives: Vec<String> = needles.iter().map(|n| escape(n)).collect();
        let pattern = format!("(?i-u:{})", alternatives.join("|"));
        let regex = regex::bytes::RegexBuilder::new(&pattern)
            .unicode(false)
            .build()
            .context("cannot build the prefilter")?;
        Ok(Prefilter::Regex(regex))
    }

    fn automaton(needles: &[String]) -> Result<Prefilter> {
        let kind = if needles.len() <= DFA_MAX_NEEDLES {
            AhoCorasickKind::DFA
        } else {
            AhoCorasickKind::ContiguousNFA
        };
        let automaton = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            // The regex's semantics: leftmost, then the first listed.
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .kind(Some(kind))
            // Its own skip-ahead search was measured slower over source code.
            .prefilter(false)
            .build(needles)
            .context("cannot build the prefilter")?;
        Ok(Prefilter::Automaton(automaton))
    }

    pub fn is_match(&self, text: &[u8]) -> bool {
        match self {
            Prefilter::Nothing => false,
            Prefilter::Regex(r) => r.is_match(text),
            Prefilter::Automaton(a) => a.is_match(text),
        }
    }

    /// Where each needle is found, without overlaps.
    pub fn find_iter<'t>(&'t self, text: &'t [u8]) -> Box<dyn Iterator<Item = Range<usize>> + 't> {
        match self {
            Prefilter::Nothing => Box::new(std::iter::empty()),
            Prefilter::Regex(r) => Box::new(r.find_iter(text).map(|m| m.range())),
            Prefilter::Automaton(a) => Box::new(a.find_iter(text).map(|m| m.range())),
        }
    }
}

/// Every literal that can start an occurrence, in order: the prefilter's
/// needles, lowercase (ASCII), sorted, without extensions (see below).
fn needles(renames: &[Rename]) -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    for r in renames {
        for (from, _) in r.forms() {
            // Validation leaves no empty word; an empty needle would match everywhere.
            if !from.is_empty() {
                all.push(from.to_ascii_lowercase());
            }
        }
    }
    all.sort();
    all.dedup();
    without_extensions(all)
}

/// `sorted` without the needles that start with another needle
/// (`sessions`, after `session`): where such a needle matches, the shorter
/// one matches at the same place and is listed first, so leftmost-first
/// never picks the longer one, and the matches are the same without it.
/// This halves the needles of word rules.
fn without_extensions(sorted: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(sorted.len());
    for needle in sorted {
        // Sorted, a needle's prefixes that are needles come before it, and so
        // does everything between them: if one was kept, it is the last kept.
        if out
            .last()
            .is_none_or(|kept| !needle.starts_with(kept.as_str()))
        {
            out.push(needle);
        }
    }
    out
}

/// Where one rule file comes from.
#[derive(Clone, Debug)]
pub enum Source {
    File { path: PathBuf, base: PathBuf },
    Bundled { base: PathBuf },
    Platform,
}

impl Source {
    fn name(&self) -> String {
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
    let start = crate::walk::absolute(cwd, start);
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

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFile {
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
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    #[serde(default)]
    baseline: bool,
}

#[derive(Deserialize, Default, Clone, Debug)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    code: Option<Action>,
    comments: Option<Action>,
    strings: Option<Action>,
    compounds: Option<Action>,
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
struct RawFiles {
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawKeep {
    #[serde(default)]
    names: Vec<Spanned<String>>,
    #[serde(default)]
    modules: Vec<String>,
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
struct Place<'t> {
    file: &'t str,
    text: &'t str,
    line_starts: Vec<usize>,
}

impl<'t> Place<'t> {
    fn new(file: &'t str, text: &'t str) -> Place<'t> {
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
    fn error<T>(&self, value: &Spanned<T>, message: impl Into<String>) -> anyhow::Error {
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
        .chain(sources.iter().cloned())
        .collect();
    let sources = sources.as_slice();
    let mut renames = Vec::new();
    let mut policy = RawPolicy::default();
    let mut exclude = Vec::new();
    let mut keep_names = Vec::new();
    let mut keep_modules = Vec::new();
    let mut first_party = Vec::new();
    let mut baseline = None;
    let mut keep = GlobSetBuilder::new();
    let mut compiled = Compiled::default();
    for source in sources {
        let name = source.name();
        let (text, base) = match source {
            Source::File { path, base } => {
                let bytes = std::fs::read(path)
                    .with_context(|| format!("{}: cannot read rule file", path.display()))?;
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
        if !raw.files.exclude.is_empty() {
            exclude.push(PathGlobs::new(
                base,
                &raw.files.exclude,
                &place,
                "[files] exclude",
            )?);
        }
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
        keep_modules.extend(raw.keep.modules);
        first_party.extend(raw.project.first_party);
        if raw.check.baseline {
            baseline = Some(base.join(crate::baseline::DEFAULT_FILE));
        }
    }
    let policy = Policy::default().overlay(&policy);
    for r in &mut renames {
        r.policy = policy.overlay(&r.overrides);
    }
    check_conflicts(&renames)?;
    check_chains(&renames)?;
    let prefilter = Prefilter::new(&renames)?;
    let index = Index::new(&renames)?;
    Ok(Rules {
        renames,
        policy,
        exclude,
        keep_set: keep.build().context("cannot compile the [keep] names")?,
        keep_names,
        keep_modules,
        first_party,
        sources: sources.iter().map(Source::name).collect(),
        baseline,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> String {
        let e = load_str(text).unwrap_err();
        let rule = e.downcast_ref::<RuleError>().expect("a rule error");
        format!("{}:{}: {}", rule.origin.line, rule.origin.col, rule.message)
    }

    #[test]
    fn bundled_rules_load() {
        let rules = load(&[Source::Bundled {
            base: PathBuf::from("/"),
        }])
        .unwrap();
        assert!(rules.renames.iter().any(|r| r.from == "session"));
    }

    #[test]
    fn the_prefilter_finds_every_needle_in_any_ascii_case() {
        let toml = "[[rename]]\nfrom = \"session\"\nto = \"trace\"\n\n\
                    [[rename]]\nfrom = \"sesión\"\nto = \"traza\"\n\n\
                    [[rename]]\nfrom = \"user_id\"\nto = \"owner\"\nmatch = \"exact\"\n";
        let rules = load_str(toml).unwrap();
        let text = "SESSIONS sesión SESIÓN user-id User_Id sessio";
        let found: Vec<&str> = rules
            .prefilter()
            .find_iter(text.as_bytes())
            .map(|r| &text[r])
            .collect();
        // `sessions` is found as `session`, the needle listed first; case
        // is ignored in ASCII only.
        assert_eq!(found, ["SESSION", "sesión", "User_Id"]);
        assert!(!rules.prefilter().is_match(b"obsessio"));
    }

    /// What a prefilter finds in `text`: `is_match`, and every match.
    fn found(prefilter: &Prefilter, text: &str) -> (bool, Vec<Range<usize>>) {
        let text = text.as_bytes();
        (
            prefilter.is_match(text),
            prefilter.find_iter(text).collect(),
        )
    }

    /// The regex and the automaton over `needles` (lowercase, sorted), each
    /// with and without the needles that extend another: all four must
    /// find the same in `text`.
    fn assert_searches_agree(needles: &[String], text: &str) {
        let short = without_extensions(needles.to_vec());
        let want = found(&Prefilter::regex(needles).unwrap(), text);
        for (what, prefilter) in [
            ("regex, short", Prefilter::regex(&short)),
            ("automaton", Prefilter::automaton(needles)),
            ("automaton, short", Prefilter::automaton(&short)),
        ] {
            let got = found(&prefilter.unwrap(), text);
            assert_eq!(got, want, "{what}: needles {needles:?}, text {text:?}");
        }
    }

    fn sorted(needles: impl IntoIterator<Item = String>) -> Vec<String> {
        let mut out: Vec<String> = needles
            .into_iter()
            .map(|n| n.to_ascii_lowercase())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    #[test]
    fn the_regex_and_the_automaton_find_the_same_needles() {
        let needles = sorted(
            [
                "session", "sessions", "sess", "ion", "sesión", "user_id", "id", "s",
            ]
            .map(String::from),
        );
        for text in [
            "",
            "SESSIONS sesión SESIÓN user-id User_Id obsessio sessionion",
            "ſession ＳＥＳＳＩＯＮ séssion sessi\u{f3}n Sesión",
            "sssssession_idid",
        ] {
            assert_searches_agree(&needles, text);
        }
        // Past the DFA's limit, the automaton is an NFA: still the same.
        let many = sorted((0..DFA_MAX_NEEDLES + 100).map(|i| format!("w{i}x")));
        assert_searches_agree(&many, "W1X w10x W499X_w599x w600x ww1xx");
    }

    proptest::proptest! {
        #[test]
        fn the_regex_and_the_automaton_agree_on_any_text(
            needles in proptest::collection::vec("[abAB\u{e9}]{1,4}", 1..12),
            text in "[abAB\u{e9}\u{c9} ]{0,40}",
        ) {
            assert_searches_agree(&sorted(needles), &text);
        }
    }

    #[test]
    fn few_needles_take_the_regex_and_many_the_automaton() {
        let rules = load(&[Source::Bundled {
            base: PathBuf::from("/"),
        }])
        .unwrap();
        assert!(matches!(rules.prefilter(), Prefilter::Regex(_)));
        // `session` and `sessions` are one needle.
        assert_eq!(needles(&rules.renames), ["session"]);
        let mut text = String::new();
        let rule = |w: &str| format!("[[rename]]\nfrom = \"{w}\"\nto = \"x{w}\"\n");
        for w in [
            "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta",
        ] {
            text.push_str(&rule(w));
        }
        assert_eq!(REGEX_MAX_NEEDLES, 8);
        let rules = load_str(&text).unwrap();
        assert!(matches!(rules.prefilter(), Prefilter::Regex(_)));
        text.push_str(&rule("iota"));
        let rules = load_str(&text).unwrap();
        assert!(matches!(rules.prefilter(), Prefilter::Automaton(_)));
    }

    #[test]
    fn plurals_are_derived_or_overridden() {
        let rules =
            load_str("[[rename]]\nfrom = \"person\"\nto = \"user\"\nfrom_plural = \"people\"\n")
                .unwrap();
        assert_eq!(
            rules.renames[0].form,
            Form::Word {
                from_plural: "people".into(),
                to_plural: "users".into()
            }
        );
    }

    #[test]
    fn errors_point_at_the_offending_value() {
        assert_eq!(
            error_of("[[rename]]\nfrom = \"\"\nto = \"x\"\n"),
            "2:8: empty word"
        );
        assert!(
            error_of("[[rename]]\nfrom = \"a\"\nto = \"b\"\nmatch = \"word\"\nfoo = 1\n")
                .starts_with("5:1: unknown field `foo`")
        );
        assert!(error_of(
            "[[rename]]\nfrom = \"a\"\nto = \"b\"\n[[rename]]\nfrom = \"b\"\nto = \"c\"\n"
        )
        .contains("rules chain"));
    }

    #[test]
    fn a_prefilter_without_needles_matches_nothing() {
        for text in [
            "",
            "[policy]\ncode = \"keep\"\n",
            "[keep]\nnames = [\"x\"]\n",
        ] {
            let rules = load_str(text).unwrap();
            assert!(rules.renames.is_empty());
            for haystack in ["", "x = 1\n", "session"] {
                let prefilter = rules.prefilter();
                assert!(!prefilter.is_match(haystack.as_bytes()), "{text:?}");
                assert_eq!(prefilter.find_iter(haystack.as_bytes()).count(), 0);
            }
        }
    }

    /// The error of a rule file given as bytes, as `LINE:COL: message`.
    fn error_of_bytes(bytes: &[u8]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("retrace.toml");
        std::fs::write(&path, bytes).unwrap();
        let e = load(&[Source::File {
            path,
            base: dir.path().to_path_buf(),
        }])
        .unwrap_err();
        let rule = e.downcast_ref::<RuleError>().expect("a rule error");
        format!("{}:{}: {}", rule.origin.line, rule.origin.col, rule.message)
    }

    #[test]
    fn invalid_utf8_is_placed_at_its_first_invalid_byte() {
        let got = error_of_bytes(b"[[rename]]\nfrom = \"s\xc3\xa9ss\xffion\"\nto = \"trace\"\n");
        // `from = "s\u{e9}ss` is 12 characters: the bad byte is the 13th.
        assert!(got.starts_with("2:13: "), "{got}");
        assert!(error_of_bytes(b"\xfe").starts_with("1:1: "));
    }

    #[test]
    fn bad_globs_point_at_the_glob() {
        let got = error_of("[keep]\nnames = [\"ok\", \"a[b\"]\n");
        assert!(
            got.starts_with("2:16: [keep] names: invalid glob `a[b`"),
            "{got}"
        );
        let got = error_of("[files]\nexclude = [\n  \"ok/**\",\n  \"{x\",\n]\n");
        assert!(
            got.starts_with("4:3: [files] exclude: invalid glob `{x`"),
            "{got}"
        );
        let got = error_of(
            "[[rename]]\nfrom = \"session\"\nto = \"trace\"\npaths = [\"a/**\", \"b[\"]\n",
        );
        assert!(got.starts_with("4:18: `paths`: invalid glob `b[`"), "{got}");
        let got = error_of("[[rename]]\nfrom = \"session\"\nto = \"trace\"\npaths = []\n");
        assert_eq!(got, "4:9: `paths` is empty");
    }

    #[test]
    fn a_word_rule_that_changes_only_case_is_an_error() {
        let got = error_of("[[rename]]\nfrom = \"session\"\nto = \"Session\"\n");
        assert!(
            got.starts_with("3:6: `session` and `Session` differ only in case"),
            "{got}"
        );
        assert!(got.contains("keeps each name's case style"), "{got}");
        assert!(got.contains("would change nothing"), "{got}");
        // An exact rule may change the case of one name.
        load_str("[[rename]]\nfrom = \"session\"\nto = \"Session\"\nmatch = \"exact\"\n").unwrap();
    }

    /// `n` as four lowercase letters: a word rule takes letters only.
    fn letters(mut n: usize) -> String {
        let mut out = [b'a'; 4];
        for b in out.iter_mut().rev() {
            *b = b'a' + (n % 26) as u8;
            n /= 26;
        }
        String::from_utf8(out.to_vec()).unwrap()
    }

    #[test]
    fn fifty_thousand_rules_load() {
        let mut text = String::new();
        for i in 0..50_000 {
            let w = letters(i);
            text.push_str(&format!(
                "[[rename]]\nfrom = \"word{w}\"\nto = \"term{w}\"\n"
            ));
        }
        let rules = load_str(&text).unwrap();
        assert_eq!(rules.renames.len(), 50_000);
        let hay = format!("x = WORD{}_id", letters(40_000));
        let found: Vec<(usize, usize)> = rules
            .prefilter()
            .find_iter(hay.as_bytes())
            .map(|r| (r.start, r.end))
            .collect();
        assert_eq!(found, [(4, 12)]);
        let matcher = crate::decide::Matcher::new(&rules, |_| false);
        let w = letters(40_000);
        let out = matcher.map(&format!("WORD{}S_id", w.to_uppercase()), Class::Code);
        assert_eq!(out.new, format!("TERM{}S_id", w.to_uppercase()));
        let compound = matcher.map(&format!("myword{w}"), Class::Code);
        assert_eq!(compound.would_be, format!("myterm{w}"));
        // The last rule's origin is counted from the start of the file.
        assert_eq!(rules.renames[49_999].origin.line, 49_999 * 3 + 2);
    }
}
