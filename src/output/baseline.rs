//! The baseline ratchet: `check --write-baseline` records today's findings;
//! `check --baseline` then fails only on findings that are not in it, and
//! reports entries that no longer occur so the file can shrink.
//!
//! An entry is found again by its fingerprint: a hash of the path, class,
//! old and new names, rule and reason, not the line, so edits elsewhere in
//! the file do not break it. Entries are a multiset: three reported
//! `session` strings in a file are three entries, and a fourth is new.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::output::formats::Record;

const VERSION: u32 = 1;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub class: String,
    pub old: String,
    pub new: String,
    pub rule: String,
    pub fingerprint: String,
    /// Why this finding may stay; written by people, kept on rewrites.
    #[serde(default)]
    pub reason: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

impl Entry {
    pub fn of(path: &str, r: &Record) -> Entry {
        let reason = r.reason.as_deref().unwrap_or("");
        let key = [path, r.class, &r.old, &r.new, &r.rule, reason].join("\0");
        Entry {
            path: path.to_string(),
            class: r.class.to_string(),
            old: r.old.to_string(),
            new: r.new.to_string(),
            rule: r.rule.to_string(),
            fingerprint: format!("{:016x}", fnv1a(key.as_bytes())),
            reason: String::new(),
        }
    }
}

/// FNV-1a, 64 bits: stable across versions and platforms, unlike std's hasher.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A baseline being matched against a run.
#[derive(Debug, Default)]
pub struct Baseline {
    /// Entries not matched yet, by fingerprint.
    remaining: HashMap<String, Vec<Entry>>,
    pub matched: usize,
}

impl Baseline {
    pub fn read(path: &Path) -> Result<Baseline> {
        let entries = read_entries(path)?;
        let mut remaining: HashMap<String, Vec<Entry>> = HashMap::new();
        for e in entries {
            remaining.entry(e.fingerprint.clone()).or_default().push(e);
        }
        Ok(Baseline {
            remaining,
            matched: 0,
        })
    }

    /// Is this finding in the baseline? Each entry matches once.
    pub fn consume(&mut self, entry: &Entry) -> bool {
        let found = self
            .remaining
            .get_mut(&entry.fingerprint)
            .and_then(Vec::pop)
            .is_some();
        self.matched += usize::from(found);
        found
    }

    /// Entries that matched nothing: fixed findings, sorted.
    pub fn stale(&self) -> Vec<&Entry> {
        let mut out: Vec<&Entry> = self.remaining.values().flatten().collect();
        out.sort_by(|a, b| (&a.path, &a.fingerprint).cmp(&(&b.path, &b.fingerprint)));
        out
    }
}

fn read_entries(path: &Path) -> Result<Vec<Entry>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read the baseline", path.display()))?;
    let file: File = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a retrace baseline", path.display()))?;
    anyhow::ensure!(
        file.version == VERSION,
        "{}: baseline version {} is not {VERSION}",
        path.display(),
        file.version
    );
    Ok(file.findings)
}

/// Write `entries` as a baseline: sorted, one entry per line, keeping the
/// reasons people wrote in the file this one replaces.
pub fn write(path: &Path, mut entries: Vec<Entry>) -> Result<()> {
    let mut reasons: HashMap<String, Vec<String>> = HashMap::new();
    if path.exists() {
        for e in read_entries(path)? {
            if !e.reason.is_empty() {
                reasons.entry(e.fingerprint).or_default().push(e.reason);
            }
        }
    }
    for e in &mut entries {
        if let Some(r) = reasons.get_mut(&e.fingerprint).and_then(Vec::pop) {
            e.reason = r;
        }
    }
    entries
        .sort_by(|a, b| (&a.path, &a.fingerprint, &a.old).cmp(&(&b.path, &b.fingerprint, &b.old)));
    let mut text = format!("{{\n  \"version\": {VERSION},\n  \"findings\": [\n");
    for (i, e) in entries.iter().enumerate() {
        let comma = if i + 1 < entries.len() { "," } else { "" };
        text += &format!("    {}{comma}\n", serde_json::to_string(e)?);
    }
    text += "  ]\n}\n";
    std::fs::write(path, text)
        .with_context(|| format!("{}: cannot write the baseline", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable() {
        // Pinned: a change here would invalidate every baseline in the wild.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
