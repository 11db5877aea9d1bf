//! The prefilter: one case-insensitive pass over a file's bytes for every
//! word the rules match. Most files have no hit and need nothing more.

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use anyhow::{Context, Result};

use super::Rename;

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
    pub(super) fn new(renames: &[Rename]) -> Result<Prefilter> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{load, load_str, Source};
    use std::path::PathBuf;

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
        #![proptest_config(crate::config::tests::seeded())]
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
}
