//! SQL: names (plain and quoted) are code, single-quoted literals are
//! strings, `--` and `/* */` are comments.
//!
//! tree-sitter-sequel does not parse everything real schemas hold (RLS
//! policies, some plpgsql, ClickHouse `{p:Type}` parameters, `SETTINGS`).
//! Where a file (or a SQL string) has an ERROR node, a small lexer tells
//! the same classes apart over all of it: where tree-sitter puts an error's
//! bounds depends on the lengths of the names around it, so a reading of
//! the tree could change once a name is renamed, and a second run would
//! rename more; the lexer reads the same classes whatever the lengths.

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::Node;

use super::{Shape, Unit};
use crate::model::Class;

/// Lexed ERROR regions of one file, keyed by their range (an ERROR node
/// may start where the one around it does), so each region is lexed once
/// however many hits it holds.
#[derive(Default)]
pub struct Fallback {
    regions: HashMap<(usize, usize), Vec<Token>>,
}

impl Fallback {
    /// The unit around `at` in `text`, whose tree is `tree`: read from the
    /// tree where it has no error, by the lexer over the whole text where
    /// it has one.
    pub fn unit(&mut self, tree: &tree_sitter::Tree, text: &str, at: usize) -> Option<Unit> {
        if tree.root_node().has_error() {
            let tokens = self
                .regions
                .entry((0, text.len()))
                .or_insert_with(|| lex(text, 0..text.len()));
            let i = tokens.partition_point(|t| t.range.end <= at);
            let t = tokens.get(i).filter(|t| t.range.start <= at)?;
            return Some(Unit::with(t.range.clone(), t.class?, Shape::Text));
        }
        let node = tree.root_node().descendant_for_byte_range(at, at + 1)?;
        self.classify(node, text, at)
    }

    fn classify(&mut self, node: Node, text: &str, at: usize) -> Option<Unit> {
        match node.kind() {
            "identifier" => Some(Unit::new(node, Class::Code)),
            "comment" | "marginalia" => Some(Unit::new(node, Class::Comment)),
            "literal" => literal_class(&text[node.byte_range()])
                .map(|c| Unit::with(node.byte_range(), c, Shape::Text)),
            "ERROR" => {
                let range = node.byte_range();
                let tokens = self
                    .regions
                    .entry((range.start, range.end))
                    .or_insert_with(|| lex(text, range));
                let i = tokens.partition_point(|t| t.range.end <= at);
                let t = tokens.get(i).filter(|t| t.range.start <= at)?;
                // A token may run over nodes the tree did parse in the
                // region (an unterminated quote does): they are units of
                // their own, so this one keeps to the stretch between them.
                let gap = gap_at(node, at)?;
                let unit = t.range.start.max(gap.start)..t.range.end.min(gap.end);
                Some(Unit::with(unit, t.class?, Shape::Text))
            }
            _ => None,
        }
    }
}

/// The stretch of `node` around `at` that none of its children covers;
/// None where one does.
fn gap_at(node: Node, at: usize) -> Option<Range<usize>> {
    let mut gap = node.byte_range();
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        let r = child.byte_range();
        if r.end <= at {
            gap.start = gap.start.max(r.end);
        } else if r.start > at {
            gap.end = gap.end.min(r.start);
        } else {
            return None;
        }
    }
    Some(gap)
}

/// Literals hold both quoted identifiers (`"Session Name"`) and strings.
fn literal_class(literal: &str) -> Option<Class> {
    let bytes = literal.as_bytes();
    match bytes.first()? {
        b'"' | b'`' => Some(Class::Code),
        b'\'' | b'$' => Some(Class::String),
        // E'…' and N'…' strings.
        b'E' | b'e' | b'N' | b'n' if bytes.get(1) == Some(&b'\'') => Some(Class::String),
        _ => None,
    }
}

#[derive(Debug, Clone)]
struct Token {
    range: Range<usize>,
    /// None for keywords and punctuation that are never renamed.
    class: Option<Class>,
}

/// The names in SQL `text` (bare or quoted, keywords aside), outside its
/// strings and comments; a dollar-quoted body is read as code (plpgsql).
pub fn code_names(text: &str) -> Vec<Range<usize>> {
    lex(text, 0..text.len())
        .into_iter()
        .filter(|t| t.class == Some(Class::Code))
        .map(|t| t.range)
        .collect()
}

/// Lex `text[range]` into names, quoted names, strings and comments.
fn lex(text: &str, range: Range<usize>) -> Vec<Token> {
    // Only the region's bytes: a token that looks past its end (`/*` at the
    // end, `-` then the next node's `-`) must not read the next node's.
    let end = range.end.min(text.len());
    let bytes = &text.as_bytes()[..end];
    let mut out: Vec<Token> = Vec::new();
    let mut i = range.start;
    let push = |out: &mut Vec<Token>, r: Range<usize>, class: Option<Class>| {
        out.push(Token { range: r, class })
    };
    while i < end {
        let b = bytes[i];
        let start = i;
        if b == b'-' && bytes.get(i + 1) == Some(&b'-') {
            i = find_from(bytes, i, end, b"\n").unwrap_or(end);
            push(&mut out, start..i, Some(Class::Comment));
        } else if b == b'/' && bytes.get(i + 1) == Some(&b'*') {
            i = find_from(bytes, i + 2, end, b"*/").map_or(end, |e| e + 2);
            push(&mut out, start..i, Some(Class::Comment));
        } else if b == b'\'' || b == b'"' || b == b'`' {
            i = quoted_end(bytes, i, end, b);
            let class = if b == b'\'' {
                Class::String
            } else {
                Class::Code
            };
            push(&mut out, start..i, Some(class));
        } else if b == b'$' {
            // `$$` or `$tag$` opens or closes a dollar-quoted body: the body
            // is lexed as code (plpgsql), so only the delimiter is skipped.
            i += 1;
            while i < end && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            if i < end && bytes[i] == b'$' {
                i += 1;
            }
            push(&mut out, start..i, None);
        } else if b.is_ascii_alphabetic() || b == b'_' || b >= 0x80 {
            while i < end
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] >= 0x80)
            {
                i += 1;
            }
            let class = (!is_keyword(&text[start..i], &out, text)).then_some(Class::Code);
            push(&mut out, start..i, class);
        } else {
            i += 1;
            while i < end && !text.is_char_boundary(i) {
                i += 1;
            }
        }
    }
    out
}

fn find_from(bytes: &[u8], from: usize, end: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..end)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The end of a quoted token starting at `start`; a doubled quote escapes.
pub fn quoted_end(bytes: &[u8], start: usize, end: usize, quote: u8) -> usize {
    let mut i = start + 1;
    while i < end {
        if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) && i + 1 < end {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    end
}

/// SQL's own `SESSION` keyword (`SET SESSION …`, `SESSION AUTHORIZATION`)
/// is the database's, not the project's.
fn is_keyword(word: &str, before: &[Token], text: &str) -> bool {
    if !word.eq_ignore_ascii_case("session") {
        return false;
    }
    let prev = before
        .iter()
        .rev()
        .find(|t| t.class != Some(Class::Comment))
        .map(|t| &text[t.range.clone()]);
    prev.is_some_and(|p| p.eq_ignore_ascii_case("set") || p.eq_ignore_ascii_case("reset"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexed(text: &str) -> Vec<(&str, Option<Class>)> {
        lex(text, 0..text.len())
            .into_iter()
            .map(|t| (&text[t.range], t.class))
            .collect()
    }

    #[test]
    fn lexer_tells_names_strings_and_comments_apart() {
        let got =
            lexed("create policy \"own sessions\" on s -- note\nusing ('x''y' = $$ a $$) /* c */");
        assert!(got.contains(&("\"own sessions\"", Some(Class::Code))));
        assert!(got.contains(&("-- note", Some(Class::Comment))));
        assert!(got.contains(&("'x''y'", Some(Class::String))));
        assert!(got.contains(&("a", Some(Class::Code))));
        assert!(got.contains(&("/* c */", Some(Class::Comment))));
    }

    #[test]
    fn set_session_is_a_keyword() {
        let got = lexed("SET SESSION AUTHORIZATION x; select session from t");
        assert_eq!(got[1], ("SESSION", None));
        assert!(got.contains(&("session", Some(Class::Code))));
    }
}
