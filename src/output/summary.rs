//! The closing summary: what a run counted, and how it reads.

use std::collections::BTreeMap;

use crate::model::{Dropped, Mode, Scanned};

/// Counts for the closing summary.
#[derive(Debug, Default)]
pub struct Summary {
    pub scanned: usize,
    pub changed: usize,
    pub renames: BTreeMap<&'static str, usize>,
    pub findings: BTreeMap<&'static str, usize>,
    pub reasons: BTreeMap<&'static str, usize>,
    pub kept: BTreeMap<&'static str, usize>,
    pub skipped: BTreeMap<&'static str, usize>,
    pub dropped: usize,
    /// Files with renames that had syntax errors before.
    pub syntax_errors: usize,
    pub moves: usize,
    pub errors: usize,
    /// With a baseline: findings it does not hold.
    pub new_findings: usize,
    /// How often each name was reported, for the "most reported" line.
    pub reported_names: std::collections::HashMap<String, usize>,
    /// Names two first-party modules define, renamed by the rules in
    /// both, which the rules have not said which one they mean.
    pub ambiguous: Vec<super::survey::Ambiguous>,
}

impl Summary {
    pub fn finding_count(&self) -> usize {
        self.findings.values().sum::<usize>() + self.dropped
    }

    pub fn rename_count(&self) -> usize {
        self.renames.values().sum()
    }

    pub(super) fn add(&mut self, s: &Scanned) {
        self.scanned += 1;
        if !s.changes.is_empty() {
            self.changed += 1;
        }
        for c in &s.changes {
            *self.renames.entry(c.kind()).or_default() += 1;
        }
        for k in &s.kept {
            if let Some(r) = &k.reason {
                *self.kept.entry(r.key()).or_default() += 1;
            }
        }
        for f in &s.findings {
            *self.reported_names.entry(f.old.to_string()).or_default() += 1;
            *self.findings.entry(f.kind()).or_default() += 1;
            if let Some(r) = &f.reason {
                *self.reasons.entry(r.key()).or_default() += 1;
            }
        }
        if s.dropped.is_some() {
            self.dropped += 1;
        }
        if s.syntax_errors {
            self.syntax_errors += 1;
        }
    }
}

/// How many names with several first-party definitions the summary names.
const AMBIGUOUS_SHOWN: usize = 3;

pub(super) fn dropped_text(d: Dropped) -> String {
    format!("changes dropped: {d}")
}

pub(super) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `a 2, b 1`
fn breakdown_list<K: std::fmt::Display>(map: impl Iterator<Item = (K, usize)>) -> String {
    let parts: Vec<String> = map.map(|(k, n)| format!("{k} {n}")).collect();
    parts.join(", ")
}

/// ` (a 2, b 1)`, or nothing when empty.
fn breakdown<K: std::fmt::Display>(map: impl Iterator<Item = (K, usize)>) -> String {
    match breakdown_list(map) {
        list if list.is_empty() => list,
        list => format!(" ({list})"),
    }
}

pub fn summary_text(s: &Summary, mode: Mode) -> String {
    let verb = match mode {
        Mode::Apply => "changed",
        Mode::Diff | Mode::Check => "to change",
    };
    let skipped: usize = s.skipped.values().sum();
    let mut out = format!(
        "files: {} scanned, {} {verb}, {} skipped{}\n",
        s.scanned,
        s.changed,
        skipped,
        breakdown(s.skipped.iter().map(|(k, n)| (k, *n)))
    );
    out += &format!(
        "renames: {}{}\n",
        s.rename_count(),
        breakdown(s.renames.iter().map(|(c, n)| (c, *n)))
    );
    out += &format!(
        "findings: {}{}\n",
        s.findings.values().sum::<usize>(),
        breakdown(s.findings.iter().map(|(c, n)| (c, *n)))
    );
    if !s.reasons.is_empty() {
        out += &format!(
            "findings by reason: {}\n",
            breakdown_list(s.reasons.iter().map(|(k, n)| (k, *n)))
        );
    }
    let mut top: Vec<(&String, &usize)> = s.reported_names.iter().collect();
    top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    if !top.is_empty() {
        let top = top.into_iter().take(10).map(|(name, n)| (name, *n));
        out += &format!("most reported: {}\n", breakdown_list(top));
    }
    let kept: usize = s.kept.values().sum();
    if kept > 0 {
        out += &format!(
            "kept: {kept}{}\n",
            breakdown(s.kept.iter().map(|(k, n)| (k, *n)))
        );
    }
    if s.moves > 0 {
        let verb = if mode == Mode::Apply {
            "moved"
        } else {
            "to move"
        };
        out += &format!("moves: {} {verb}\n", plural(s.moves, "file"));
    }
    if s.dropped > 0 {
        out += &format!(
            "dropped: {} (the rewrite would not parse, or not be stable)\n",
            plural(s.dropped, "file")
        );
    }
    if s.syntax_errors > 0 {
        let had = match s.syntax_errors {
            1 => "1 file had".to_string(),
            n => format!("{n} files had"),
        };
        out += &format!(
            "syntax errors: {had} syntax errors before; renamed where the tree is sound\n"
        );
    }
    // A few names, said once each; survey lists them all.
    for a in s.ambiguous.iter().take(AMBIGUOUS_SHOWN) {
        out += &a.summary_line();
        out.push('\n');
    }
    if let Some(more) = s
        .ambiguous
        .len()
        .checked_sub(AMBIGUOUS_SHOWN)
        .filter(|&n| n > 0)
    {
        let names = if more == 1 { "name" } else { "names" };
        out += &format!(
            "senses: {more} more {names} with several first-party definitions each; `retrace survey` lists them\n"
        );
    }
    if s.errors > 0 {
        out += &format!("errors: {}\n", plural(s.errors, "path"));
    }
    out
}
