//! One file through the pipeline: read → prefilter → parse → classify →
//! decide → edit → verify, and in `apply` mode, write.
//!
//! Files are independent, so this runs on many threads at once; nothing
//! here prints. The caller sorts and reports.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use anyhow::{Context as _, Result};

use crate::decide::{Matcher, Reason};
use crate::edit::{self, Edit};
use crate::lang::{self, Classifier, Lang, Unit};
use crate::rules::{Class, Rules};
use crate::walk::Entry;
use crate::write;

/// Files larger than this are skipped, not read.
pub const MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;
const BOM: &str = "\u{feff}";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Diff,
    Apply,
    Check,
}

/// Why a file was not processed. Not an error: counted in the summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skip {
    Binary,
    InvalidUtf8,
    TooLarge,
    KeepFile,
}

impl Skip {
    pub fn name(self) -> &'static str {
        match self {
            Skip::Binary => "binary",
            Skip::InvalidUtf8 => "invalid UTF-8",
            Skip::TooLarge => "over 10 MiB",
            Skip::KeepFile => "retrace: keep-file",
        }
    }
}

/// One renamed or reported token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub line: usize,
    pub column: usize,
    pub class: Class,
    pub old: String,
    pub new: String,
    pub rule: String,
    /// None for a rename; why it was not renamed otherwise.
    pub reason: Option<Reason>,
}

/// A rewrite thrown away because it would have added syntax errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dropped {
    pub errors_before: usize,
    pub errors_after: usize,
}

#[derive(Debug, Default)]
pub struct Scanned {
    /// Renames made (or, in diff and check, pending).
    pub changes: Vec<Occurrence>,
    /// Occurrences reported and left alone.
    pub findings: Vec<Occurrence>,
    pub dropped: Option<Dropped>,
    /// The unified diff, in diff mode, when something changed.
    pub diff: Option<String>,
}

#[derive(Debug)]
pub enum Outcome {
    Scanned(Scanned),
    Skipped(Skip),
    Failed(String),
}

/// What every file's run shares: the rules, the prefilter and the mode.
pub struct Context<'r> {
    pub rules: &'r Rules,
    pub mode: Mode,
    searcher: AhoCorasick,
}

impl<'r> Context<'r> {
    pub fn new(rules: &'r Rules, mode: Mode) -> Result<Self> {
        let searcher = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build(rules.needles())
            .context("cannot build the prefilter")?;
        Ok(Context {
            rules,
            mode,
            searcher,
        })
    }

    pub fn process(&self, entry: &Entry) -> Outcome {
        match self.try_process(entry) {
            Ok(o) => o,
            Err(e) => Outcome::Failed(format!("{}: {e:#}", entry.path.display())),
        }
    }

    fn try_process(&self, entry: &Entry) -> Result<Outcome> {
        let meta = std::fs::metadata(&entry.path).context("cannot read")?;
        if meta.len() > MAX_FILE_SIZE {
            return Ok(Outcome::Skipped(Skip::TooLarge));
        }
        let bytes = std::fs::read(&entry.path).context("cannot read")?;
        if bytes.contains(&0) {
            return Ok(Outcome::Skipped(Skip::Binary));
        }
        let Ok(full) = String::from_utf8(bytes) else {
            return Ok(Outcome::Skipped(Skip::InvalidUtf8));
        };
        let (bom, text) = match full.strip_prefix(BOM) {
            Some(rest) => (BOM, rest),
            None => ("", full.as_str()),
        };
        // The prefilter: most files have no hit and are never parsed.
        let hits: Vec<Range<usize>> = self.searcher.find_iter(text).map(|m| m.range()).collect();
        if hits.is_empty() {
            return Ok(Outcome::Scanned(Scanned::default()));
        }
        if keeps_file(text) {
            return Ok(Outcome::Skipped(Skip::KeepFile));
        }
        let tree = lang::parse(entry.lang, text)?;
        let mut classifier = Classifier::new(entry.lang, &tree, text);
        let mut units: BTreeMap<usize, Unit> = BTreeMap::new();
        for hit in hits {
            if units
                .range(..=hit.start)
                .next_back()
                .is_some_and(|(_, u)| u.range.contains(&hit.start))
            {
                continue;
            }
            if let Some(unit) = classifier.unit(hit) {
                units.insert(unit.range.start, unit);
            }
        }
        let (edits, mut scanned) = self.decide(entry, text, units.values());
        if edits.is_empty() {
            return Ok(Outcome::Scanned(scanned));
        }
        let new_text = edit::apply(text, &edits)?;
        let errors_after = lang::error_count(&lang::parse(entry.lang, &new_text)?);
        if errors_after > 0 {
            let errors_before = lang::error_count(&tree);
            if errors_after > errors_before {
                scanned.dropped = Some(Dropped {
                    errors_before,
                    errors_after,
                });
                scanned.changes.clear();
                return Ok(Outcome::Scanned(scanned));
            }
        }
        let path = entry.path.display().to_string();
        // Diffs and writes see the whole file, BOM included.
        let new_full = format!("{bom}{new_text}");
        match self.mode {
            Mode::Diff => scanned.diff = Some(unified_diff(&path, &full, &new_full)),
            Mode::Apply => write::atomic(&entry.path, new_full.as_bytes())?,
            Mode::Check => {}
        }
        Ok(Outcome::Scanned(scanned))
    }

    /// Run every token of every unit through the rules.
    fn decide<'u>(
        &self,
        entry: &Entry,
        text: &str,
        units: impl Iterator<Item = &'u Unit>,
    ) -> (Vec<Edit>, Scanned) {
        let matcher = Matcher::for_file(self.rules, &entry.abs);
        let lines = Lines::new(text);
        let kept_lines = kept_lines(text);
        let mut edits = Vec::new();
        let mut scanned = Scanned::default();
        for unit in units {
            let unit_text = &text[unit.range.clone()];
            for token in crate::case::tokens(unit_text) {
                let word = &unit_text[token.clone()];
                if !self.searcher.is_match(word) {
                    continue;
                }
                let at = unit.range.start + token.start;
                let (line, column) = lines.position(text, at);
                if kept_lines.contains(&line) {
                    continue;
                }
                let outcome = matcher.map(word, unit.class);
                let occurrence = |new: &str, rule: String, reason: Option<Reason>| Occurrence {
                    line,
                    column,
                    class: unit.class,
                    old: word.to_string(),
                    new: new.to_string(),
                    rule,
                    reason,
                };
                if unit.module_path && (outcome.changed() || !outcome.reports.is_empty()) {
                    let rules = outcome.renamed.iter().copied();
                    let rule = self
                        .rules
                        .label(rules.chain(outcome.reports.iter().map(|r| r.rule)));
                    let reason = Some(Reason::ModulePath);
                    scanned
                        .findings
                        .push(occurrence(&outcome.would_be, rule, reason));
                    continue;
                }
                if outcome.changed() {
                    edits.push(Edit {
                        range: at..at + word.len(),
                        replacement: outcome.new.clone(),
                    });
                    let rule = self.rules.label(outcome.renamed.iter().copied());
                    scanned.changes.push(occurrence(&outcome.new, rule, None));
                }
                for r in &outcome.reports {
                    let rule = self.rules.label([r.rule]);
                    let reason = Some(r.reason.clone());
                    scanned
                        .findings
                        .push(occurrence(&outcome.would_be, rule, reason));
                }
            }
        }
        (edits, scanned)
    }
}

/// Line starts, for turning byte offsets into 1-based line and column
/// (columns count characters, as editors do).
struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    fn position(&self, text: &str, at: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= at);
        let start = self.starts[line - 1];
        (line, text[start..at].chars().count() + 1)
    }
}

const COMMENT_MARKERS: [&str; 4] = ["#", "//", "--", "/*"];

/// The text after a comment marker on this line, if any.
fn comment_text(line: &str) -> Option<&str> {
    COMMENT_MARKERS
        .iter()
        .filter_map(|m| line.find(m).map(|i| &line[i + m.len()..]))
        .next()
}

/// `retrace: keep-file` in a comment within the first 5 lines.
fn keeps_file(text: &str) -> bool {
    text.lines()
        .take(5)
        .any(|l| comment_text(l).is_some_and(|c| c.contains("retrace: keep-file")))
}

/// Lines (1-based) that a `retrace: keep` comment protects: its own line,
/// and the next one when the comment stands alone on its line.
fn kept_lines(text: &str) -> HashSet<usize> {
    let mut out = HashSet::new();
    if !text.contains("retrace: keep") {
        return out;
    }
    for (i, line) in text.lines().enumerate() {
        let Some(comment) = comment_text(line) else {
            continue;
        };
        let Some(at) = comment.find("retrace: keep") else {
            continue;
        };
        if comment[at..].starts_with("retrace: keep-file") {
            continue;
        }
        out.insert(i + 1);
        let alone = comment
            .trim()
            .trim_end_matches("*/")
            .trim()
            .eq("retrace: keep");
        let only_comment = COMMENT_MARKERS
            .iter()
            .any(|m| line.trim_start().starts_with(m));
        if alone && only_comment {
            out.insert(i + 2);
        }
    }
    out
}

/// A unified diff with `a/` and `b/` prefixes, as `git apply` reads it.
fn unified_diff(path: &str, old: &str, new: &str) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let body = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string();
    format!("diff --git a/{path} b/{path}\n{body}")
}

/// Is this language's file parseable into a tree with this many errors?
/// Exposed for tests that check outputs parse no worse than inputs.
pub fn syntax_errors(lang: Lang, text: &str) -> Result<usize> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    Ok(lang::error_count(&lang::parse(lang, text)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_comments_protect_their_line_and_the_next() {
        let text = "a = 1  # retrace: keep\n# retrace: keep\nb = 2\nc = 3\n";
        let kept = kept_lines(text);
        assert!(kept.contains(&1) && kept.contains(&2) && kept.contains(&3));
        assert!(!kept.contains(&4));
    }

    #[test]
    fn keep_file_only_near_the_top() {
        assert!(keeps_file("# header\n// retrace: keep-file\n"));
        assert!(!keeps_file("\n\n\n\n\n# retrace: keep-file\n"));
    }

    #[test]
    fn positions_count_characters() {
        let text = "é session\nx";
        let lines = Lines::new(text);
        assert_eq!(lines.position(text, 3), (1, 3));
        assert_eq!(lines.position(text, 11), (2, 1));
    }
}
