//! Code written inside prose: the spans of a comment or docstring that
//! look like code (`` `session_id` ``, `db.session.get(…)`,
//! `["SESSION_COOKIE_NAME"]`, a doctest line, a JSDoc `{@link X}`). A
//! word there names what the code names, so `analyze` decides it as the
//! code is decided rather than as prose. This is a cheap scan of the
//! comment's text, made only for comments that hold a rule's word.

use std::ops::Range;

/// What a word of a comment is, where it is part of code written there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Span {
    /// A name on its own: in backticks, on a doctest line, in a JSDoc
    /// link, or called (`end_session()`).
    Name,
    /// The first name of a dotted chain (`db` in `db.session.get(…)`).
    Root,
    /// A later name of a dotted chain, whose first name is at `root`.
    Member { root: Range<usize> },
    /// Inside a subscript key (`app.config["SESSION_COOKIE_NAME"]`): the
    /// key's text, without its quotes.
    Key(Range<usize>),
}

/// The stretches of one comment's text that are code as a whole, found
/// once per comment: backtick spans, doctest lines, JSDoc links, and the
/// text of subscript keys.
#[derive(Debug, Default)]
pub struct CodeIn {
    /// Backticks, doctest lines and links, in order.
    code: Vec<Range<usize>>,
    /// Keys' texts, in order.
    keys: Vec<Range<usize>>,
}

impl CodeIn {
    /// Scan a comment's (or docstring's) text.
    pub fn scan(text: &str) -> CodeIn {
        let bytes = text.as_bytes();
        let mut out = CodeIn::default();
        let mut i = 0;
        let mut line_start = true;
        // The backtick run that closes the span being read: keys inside a
        // span (`` `app.config["KEY"]` ``) are keys too.
        let mut closing: Option<usize> = None;
        while i < bytes.len() {
            if line_start {
                line_start = false;
                if let Some(end) = doctest_line(bytes, i) {
                    out.code.push(i..end);
                    i = end;
                    continue;
                }
            }
            // Prose is skipped to the next byte that may start code.
            let Some(next) = memchr::memchr3(b'`', b'[', b'\n', &bytes[i..]) else {
                break;
            };
            i += next;
            match bytes[i] {
                b'\n' => line_start = true,
                b'`' => {
                    // A run of backticks opens a span that the same run
                    // closes (Markdown, reST's ``literal``), on its line.
                    let run = bytes[i..].iter().take_while(|&&c| c == b'`').count();
                    let body = i + run;
                    match closing {
                        Some(close) if close == i => closing = None,
                        // Backticks of another length inside the span.
                        Some(_) => {}
                        None => {
                            closing = closing_run(bytes, body, run);
                            if let Some(close) = closing {
                                out.code.push(body..close);
                            }
                        }
                    }
                    i = body;
                    continue;
                }
                _ if i > 0 && subscripted(bytes[i - 1]) => {
                    if let Some(key) = key_at(bytes, i + 1) {
                        i = key.end + 2;
                        out.keys.push(key);
                        continue;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        // JSDoc links, found by their marker (rare, so apart).
        let links = memchr::memmem::find_iter(bytes, b"{@link")
            .filter_map(|at| line_find(bytes, at, b'}').map(|close| at + 1..close));
        let before = out.code.len();
        out.code.extend(links);
        if out.code.len() > before {
            out.code.sort_by_key(|r| r.start);
        }
        out
    }

    /// What the word at `word` (a run of letters, digits and `_` of the
    /// scanned text) is, if it is part of code.
    pub fn span(&self, text: &str, word: Range<usize>) -> Option<Span> {
        if let Some(key) = within(&self.keys, &word) {
            return Some(Span::Key(key));
        }
        let bytes = text.as_bytes();
        let chain = chain_around(bytes, word.clone());
        if chain.start < word.start {
            let root_end = chain.start + bytes[chain.start..].iter().position(|&b| b == b'.')?;
            return Some(Span::Member {
                root: chain.start..root_end,
            });
        }
        if chain.end > word.end {
            return Some(Span::Root);
        }
        let called = bytes.get(word.end) == Some(&b'(');
        let in_code = within(&self.code, &word).is_some();
        (called || in_code).then_some(Span::Name)
    }
}

/// The range of `ranges` (sorted, apart) around `word`.
fn within(ranges: &[Range<usize>], word: &Range<usize>) -> Option<Range<usize>> {
    let i = ranges.partition_point(|r| r.start <= word.start);
    let r = &ranges[i.checked_sub(1)?];
    (word.end <= r.end).then(|| r.clone())
}

fn is_name(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// The dotted chain of names around `word` (`a.b.c`), or `word` alone.
/// A chain starts with no digit and touches no `/` (a path or URL such as
/// `api/session.py` is prose).
fn chain_around(bytes: &[u8], word: Range<usize>) -> Range<usize> {
    let (mut start, mut end) = (word.start, word.end);
    while start >= 2 && bytes[start - 1] == b'.' && is_name(bytes[start - 2]) {
        start -= 1;
        while start > 0 && is_name(bytes[start - 1]) {
            start -= 1;
        }
    }
    while bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(|&b| is_name(b)) {
        end += 1;
        while bytes.get(end).is_some_and(|&b| is_name(b)) {
            end += 1;
        }
    }
    let pathlike = |b: Option<&u8>| matches!(b, Some(b'/' | b'\\'));
    let before = start.checked_sub(1).map(|i| &bytes[i]);
    if bytes[start].is_ascii_digit() || pathlike(before) || pathlike(bytes.get(end)) {
        return word;
    }
    start..end
}

/// A doctest line (`>>> db.session.get(User, 1)`) starting at `i`, after
/// indentation and a comment's markers: the index of its end.
fn doctest_line(bytes: &[u8], i: usize) -> Option<usize> {
    let rest = &bytes[i..];
    let lead = rest
        .iter()
        .take_while(|&&b| matches!(b, b' ' | b'\t' | b'#' | b'*' | b'/'))
        .count();
    if !rest[lead..].starts_with(b">>> ") {
        return None;
    }
    Some(line_end(bytes, i))
}

fn line_end(bytes: &[u8], i: usize) -> usize {
    memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |p| i + p)
}

/// How far a span's closing backticks or brace are looked for: spans are
/// short, and a line of unclosed ones (minified code) stays linear.
const REACH: usize = 400;

/// The end of the stretch after `from` where a span's close may be: its
/// line, within `REACH`.
fn reach(bytes: &[u8], from: usize) -> usize {
    let end = bytes.len().min(from + REACH);
    memchr::memchr(b'\n', &bytes[from..end]).map_or(end, |p| from + p)
}

/// `byte` after `from`, on the same line.
fn line_find(bytes: &[u8], from: usize, byte: u8) -> Option<usize> {
    let end = reach(bytes, from);
    memchr::memchr(byte, &bytes[from..end]).map(|p| from + p)
}

/// The start of a run of exactly `run` backticks after `from`, on the
/// same line (within `REACH`).
fn closing_run(bytes: &[u8], from: usize, run: usize) -> Option<usize> {
    let end = reach(bytes, from);
    let mut i = from;
    while i < end {
        if bytes[i] != b'`' {
            i += 1;
            continue;
        }
        let here = bytes[i..end].iter().take_while(|&&c| c == b'`').count();
        if here == run && i > from {
            return Some(i);
        }
        i += here;
    }
    None
}

/// What a subscript's `[` follows: a name, a call or another subscript.
fn subscripted(b: u8) -> bool {
    is_name(b) || b == b')' || b == b']'
}

/// A quoted key right after a `[` (`"KEY"]`, `'key']`), at `i`: its text.
fn key_at(bytes: &[u8], i: usize) -> Option<Range<usize>> {
    let quote = *bytes.get(i).filter(|&&q| q == b'"' || q == b'\'')?;
    let body = i + 1;
    let len = bytes[body..]
        .iter()
        .take(200)
        .position(|&b| b == quote || b == b'\n')?;
    let close = body + len;
    (bytes[close] == quote && bytes.get(close + 1) == Some(&b']') && len > 0).then_some(body..close)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span_of(text: &str, word: &str) -> Option<Span> {
        let at = text.find(word).expect("the word is in the text");
        CodeIn::scan(text).span(text, at..at + word.len())
    }

    #[test]
    fn chains_name_their_root() {
        let text = "    >>> db.session.get(User, 1)";
        let root = text.find("db").unwrap();
        assert_eq!(
            span_of(text, "session"),
            Some(Span::Member {
                root: root..root + 2
            })
        );
        assert_eq!(span_of("see session.query()", "session"), Some(Span::Root));
        assert_eq!(span_of("the `self.session_id`", "self"), Some(Span::Root));
    }

    #[test]
    fn names_in_code_and_keys() {
        assert_eq!(
            span_of("see `end_session`.", "end_session"),
            Some(Span::Name)
        );
        assert_eq!(span_of("see ``Session``", "Session"), Some(Span::Name));
        assert_eq!(
            span_of("call get_session() first", "get_session"),
            Some(Span::Name)
        );
        assert_eq!(
            span_of("in a {@link SessionCard}", "SessionCard"),
            Some(Span::Name)
        );
        let text = "see `cfg['session']` and `session`";
        let key = text.find("session").unwrap();
        assert_eq!(span_of(text, "session"), Some(Span::Key(key..key + 7)));
        assert_eq!(
            CodeIn::scan(text).span(text, text.len() - 8..text.len() - 1),
            Some(Span::Name)
        );
        let text = "set app.config[\"SESSION_COOKIE_NAME\"] first";
        let key = text.find("SESSION").unwrap();
        assert_eq!(
            span_of(text, "SESSION_COOKIE_NAME"),
            Some(Span::Key(key..key + 19))
        );
    }

    #[test]
    fn prose_is_not_code() {
        for (text, word) in [
            ("the session ends.", "session"),
            ("the session. Then", "session"),
            ("see api/session.py", "session"),
            ("a `session", "session"),
            ("a list [\"session\"]", "session"),
            ("the session (if any)", "session"),
        ] {
            assert_eq!(span_of(text, word), None, "{text}");
        }
    }
}
