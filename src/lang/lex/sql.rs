//! The SQL scanner: comments and plain names and strings; whatever the
//! grammar decides differently by context goes to the tree.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

use super::{is_stray, is_word, Kind, Scanner};
use crate::model::Class;
use crate::model::Lang;

/// The SQL grammar's keywords (`keyword_session` → `session`): a word
/// spelled like one may be either a keyword or a name.
fn sql_keywords() -> &'static HashSet<String> {
    static KEYWORDS: OnceLock<HashSet<String>> = OnceLock::new();
    KEYWORDS.get_or_init(|| {
        let grammar = Lang::Sql.grammar();
        (0..grammar.node_kind_count())
            .filter_map(|id| grammar.node_kind_for_id(id as u16))
            .filter_map(|kind| kind.trim_start_matches('_').strip_prefix("keyword_"))
            .map(str::to_string)
            .collect()
    })
}

/// Must the tree judge the SQL word at `word` in `text`? A word spelled
/// like a keyword may be either; `E'…'`, `U&'…'` are prefixed strings;
/// `a$b` is not one name to the grammar; numbers and non-ASCII words are
/// left to it too.
pub(super) fn needs_tree(text: &str, word: Range<usize>) -> bool {
    let bytes = text.as_bytes();
    let prefixed = matches!(bytes.get(word.end), Some(b'\'' | b'&' | b'$'));
    let dollar = word.start > 0 && bytes[word.start - 1] == b'$';
    let word = &text[word];
    let digit = word.as_bytes().first().is_none_or(u8::is_ascii_digit);
    let odd = !word.is_ascii() || digit || prefixed || dollar;
    odd || sql_keywords().contains(word.to_ascii_lowercase().as_str())
}

impl Scanner<'_> {
    // ---- SQL ----

    /// SQL: comments, names and strings are placed; quoted names,
    /// dollar-quoted bodies, strings right after a word and keyword-like
    /// words go to the tree, whose grammar decides (a `$$` body may be
    /// parsed or not; `session` may be a keyword or a name).
    pub(super) fn sql(&mut self) -> Option<()> {
        let n = self.bytes.len();
        let mut i = 0;
        let mut after_word = false;
        while i < n {
            let c = self.bytes[i];
            let next = self.at(i + 1);
            let start = i;
            let comment = c == b'-' && next == b'-' || c == b'/' && next == b'*';
            let word_before = after_word;
            if !comment && !c.is_ascii_whitespace() {
                after_word = is_word(Lang::Sql, c);
            }
            match c {
                // `?-`, `#-` and `|` are operators to the grammar, which
                // then reads the next `-` as a minus, not a comment.
                b'-' if next == b'-'
                    && i > 0
                    && matches!(self.bytes[i - 1], b'?' | b'#' | b'|') =>
                {
                    return None
                }
                b'-' if next == b'-' => {
                    i = self.line_end(i);
                    self.push(start..i, Kind::Words(Class::Comment, start..i));
                }
                b'/' if next == b'*' => {
                    i = self.block_comment_end(i)?;
                    self.push(start..i, Kind::Words(Class::Comment, start..i));
                }
                // A string after a word may be part of a cast (`date '…'`)
                // or a file name (`COPY t FROM '…'`), which are not strings
                // to the tree.
                b'\'' if !word_before => {
                    i = self.sql_quoted(i, c)?;
                    self.push(start..i, Kind::Words(Class::String, start..i));
                }
                b'\'' | b'"' | b'`' => {
                    i = self.sql_quoted(i, c)?;
                    self.push(start..i, Kind::Tree);
                }
                b'$' if next == b'$' || next.is_ascii_alphabetic() || next == b'_' => {
                    let tag_end = self.word_end(Lang::Sql, i + 1);
                    if self.at(tag_end) != b'$' {
                        // `a$b`, `$name`: not one name to the grammar.
                        i = tag_end;
                        self.push(start..i, Kind::Tree);
                        continue;
                    }
                    let tag = &self.text[i..=tag_end];
                    i = self.text[tag_end + 1..].find(tag)? + tag_end + 1 + tag.len();
                    self.push(start..i, Kind::Tree);
                }
                // Words are judged where a hit is (`needs_tree`).
                _ if is_word(Lang::Sql, c) => i = self.word_end(Lang::Sql, i),
                _ if is_stray(c) => return None,
                _ => i += 1,
            }
        }
        Some(())
    }

    /// The end of a SQL quoted token; a doubled quote escapes.
    fn sql_quoted(&self, start: usize, quote: u8) -> Option<usize> {
        let mut j = start + 1;
        loop {
            if *self.bytes.get(j)? == quote {
                if self.at(j + 1) != quote {
                    return Some(j + 1);
                }
                j += 1;
            }
            j += 1;
        }
    }
}
