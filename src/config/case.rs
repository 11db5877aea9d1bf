//! Names as segments, and words mapped with their case style kept.
//!
//! A name is split at `_`, `-`, `.`, digits, lower→upper (`sessionId` →
//! session|Id) and acronym boundaries (`HTTPSession` → HTTP|Session). Every
//! segment then has exactly one of three styles (lower, UPPER, Title), which
//! is why a mapped word can always be written back in the style it replaced.

use std::ops::Range;

/// The case style of one segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Lower,
    Upper,
    Title,
}

impl Style {
    pub fn of(segment: &str) -> Style {
        let mut chars = segment.chars();
        let first_upper = chars.next().is_some_and(char::is_uppercase);
        let rest_upper = segment.chars().skip(1).all(|c| !c.is_lowercase());
        match (first_upper, rest_upper && segment.chars().count() > 1) {
            (true, true) => Style::Upper,
            (true, false) => Style::Title,
            (false, _) => Style::Lower,
        }
    }

    /// `word` (as written in a rule) in this style.
    pub fn apply(self, word: &str) -> String {
        match self {
            Style::Lower => word.to_lowercase(),
            Style::Upper => word.to_uppercase(),
            Style::Title => {
                let lower = word.to_lowercase();
                let mut chars = lower.chars();
                match chars.next() {
                    Some(c) => c.to_uppercase().chain(chars).collect(),
                    None => String::new(),
                }
            }
        }
    }
}

/// The byte ranges of the letter segments of `name`. Digits and separators
/// are boundaries and belong to no segment.
pub fn segments(name: &str) -> Vec<Range<usize>> {
    let chars: Vec<(usize, char)> = name.char_indices().collect();
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, &(at, c)) in chars.iter().enumerate() {
        if !c.is_alphabetic() {
            if let Some(s) = start.take() {
                out.push(s..at);
            }
            continue;
        }
        if let Some(s) = start {
            let prev = chars[i - 1].1;
            let next = chars.get(i + 1).map(|&(_, n)| n);
            let lower_to_upper = !prev.is_uppercase() && c.is_uppercase();
            let acronym_end =
                prev.is_uppercase() && c.is_uppercase() && next.is_some_and(char::is_lowercase);
            if lower_to_upper || acronym_end {
                out.push(s..at);
                start = Some(at);
            }
        } else {
            start = Some(at);
        }
    }
    if let Some(s) = start {
        out.push(s..name.len());
    }
    out
}

/// English plural of a lowercase word: `-s`, `-es`, `-ies`.
pub fn plural(word: &str) -> String {
    let ends = |s: &str| word.ends_with(s);
    if ends("s") || ends("x") || ends("z") || ends("ch") || ends("sh") {
        format!("{word}es")
    } else if ends("y") && !word[..word.len() - 1].ends_with(['a', 'e', 'i', 'o', 'u']) {
        format!("{}ies", &word[..word.len() - 1])
    } else {
        format!("{word}s")
    }
}

/// Replace every case-insensitive occurrence of `word` inside `segment`,
/// each written in the style of the text it replaces (`Obsession` →
/// `Obtrace`). Used only for compounds, and only when their policy says so.
pub fn replace_within(segment: &str, word: &str, to: &str) -> String {
    let lower = segment.to_ascii_lowercase();
    let mut out = String::with_capacity(segment.len());
    let mut last = 0;
    for (at, _) in lower.match_indices(word) {
        if at < last {
            continue;
        }
        out.push_str(&segment[last..at]);
        let found = &segment[at..at + word.len()];
        out.push_str(&Style::of(found).apply(to));
        last = at + word.len();
    }
    out.push_str(&segment[last..]);
    out
}

/// Tokens of a text where words are runs of letters, digits and `_`, and a
/// backslash escape (`\n`) is a separator. Identifiers are one token; in
/// prose (comments, strings, quoted SQL names) spaces and punctuation split.
pub fn tokens(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut iter = text.char_indices().peekable();
    while let Some((at, c)) = iter.next() {
        let is_word = c.is_alphanumeric() || c == '_';
        if is_word {
            start.get_or_insert(at);
            continue;
        }
        if let Some(s) = start.take() {
            out.push(s..at);
        }
        if c == '\\' && at + 1 < bytes.len() {
            iter.next();
        }
    }
    if let Some(s) = start {
        out.push(s..text.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(name: &str) -> Vec<&str> {
        segments(name).into_iter().map(|r| &name[r]).collect()
    }

    #[test]
    fn splits_at_every_boundary_kind() {
        assert_eq!(segs("session_id"), ["session", "id"]);
        assert_eq!(segs("sessionId"), ["session", "Id"]);
        assert_eq!(segs("SessionID"), ["Session", "ID"]);
        assert_eq!(segs("SESSION_ID"), ["SESSION", "ID"]);
        assert_eq!(segs("session-id"), ["session", "id"]);
        assert_eq!(segs("HTTPSession"), ["HTTP", "Session"]);
        assert_eq!(segs("ISessionAndStats"), ["I", "Session", "And", "Stats"]);
        assert_eq!(segs("oauth2session"), ["oauth", "session"]);
        assert_eq!(segs("a.session"), ["a", "session"]);
        assert_eq!(segs("$session"), ["session"]);
    }

    #[test]
    fn styles_round_trip() {
        assert_eq!(Style::of("session"), Style::Lower);
        assert_eq!(Style::of("SESSION"), Style::Upper);
        assert_eq!(Style::of("Session"), Style::Title);
        assert_eq!(Style::Upper.apply("trace"), "TRACE");
        assert_eq!(Style::Title.apply("trace"), "Trace");
    }

    #[test]
    fn plurals_follow_english_rules() {
        assert_eq!(plural("session"), "sessions");
        assert_eq!(plural("box"), "boxes");
        assert_eq!(plural("match"), "matches");
        assert_eq!(plural("policy"), "policies");
        assert_eq!(plural("key"), "keys");
    }

    #[test]
    fn compounds_keep_the_case_of_each_occurrence() {
        assert_eq!(replace_within("obsession", "session", "trace"), "obtrace");
        assert_eq!(
            replace_within("Sessionmaker", "session", "trace"),
            "Tracemaker"
        );
        assert_eq!(replace_within("OBSESSION", "session", "trace"), "OBTRACE");
    }

    #[test]
    fn prose_tokens_split_on_punctuation_and_escapes() {
        let text = "a session's id\\nsession-id";
        let got: Vec<&str> = tokens(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(got, ["a", "session", "s", "id", "session", "id"]);
    }
}
