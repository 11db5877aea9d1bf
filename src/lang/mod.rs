//! Languages: their grammars and parsers, the lexers that read a file
//! without a tree, and what a language is (its keywords, the calls whose
//! strings may name code, what a SQL statement looks like). What the
//! project owns is decided later (`analyze`).

pub mod calls;
pub mod heads;
pub mod lex;
pub mod lines;
pub mod spans;

use std::borrow::Cow;
use std::cell::RefCell;
use std::ops::Range;

use anyhow::{anyhow, Result};
use tree_sitter::{Node, ParseOptions, ParseState, Parser, Tree};

use crate::model::Class;
pub use crate::model::Lang;

impl Lang {
    pub(crate) fn grammar(self) -> tree_sitter::Language {
        match self {
            Lang::Python => tree_sitter_python::LANGUAGE.into(),
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Lang::Sql => tree_sitter_sequel::LANGUAGE.into(),
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

thread_local! {
    // One parser per thread per language, created on first use and reused.
    static PARSERS: RefCell<[Option<Parser>; 5]> = const { RefCell::new([None, None, None, None, None]) };
}

pub fn parse(lang: Lang, text: &str) -> Result<Tree> {
    reparse(lang, text, None)
}

/// Parse `text`, reusing `old` (already `edit`ed to match it) where the
/// text did not change: incremental, so verifying a rewrite costs little.
pub fn reparse(lang: Lang, text: &str, old: Option<&Tree>) -> Result<Tree> {
    PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        let slot = &mut parsers[lang.index()];
        if slot.is_none() {
            let mut p = Parser::new();
            p.set_language(&lang.grammar())
                .map_err(|e| anyhow!("cannot load the {lang:?} grammar: {e}"))?;
            *slot = Some(p);
        }
        let parser = slot.as_mut().expect("parser was just created");
        let budget = parse_budget(text.len());
        let mut checks = 0;
        let mut progress = |_: &ParseState| {
            checks += 1;
            checks > budget
        };
        let options = ParseOptions::new().progress_callback(&mut progress);
        let bytes = text.as_bytes();
        let mut input = |i: usize, _| bytes.get(i..).unwrap_or_default();
        match parser.parse_with_options(&mut input, old, Some(options)) {
            Some(tree) => Ok(tree),
            None => {
                // A cancelled parse would resume on the next call.
                parser.reset();
                Err(anyhow!(
                    "the {lang:?} parser gave up: its error recovery went past its budget"
                ))
            }
        }
    })
}

/// How often tree-sitter may report progress (about every hundred parser
/// operations) while parsing `len` bytes. Real code takes under 0.02
/// reports a byte (5,000 at most on a corpus of 3,000 files), but some
/// broken text sends error recovery into exponential time and memory (a
/// 250-byte TSX file took minutes and gigabytes): past this budget the
/// parse is abandoned, and the file reported as one that failed.
fn parse_budget(len: usize) -> usize {
    2_000 + len / 4
}

/// A node's named children, in order.
pub fn named_children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}

/// Is `node` the child `field` of `parent` (`name` of a keyword argument,
/// `attribute` of an attribute)?
pub fn is_field(parent: Node, field: &str, node: Node) -> bool {
    parent
        .child_by_field_name(field)
        .is_some_and(|c| c.id() == node.id())
}

/// `b` in `a.b`; the name itself without a dot.
pub fn last_name(dotted: &str) -> &str {
    dotted.rsplit('.').next().unwrap_or(dotted)
}

/// ERROR and MISSING nodes in a tree: a rewrite may not add any.
pub fn error_count(tree: &Tree) -> usize {
    if !tree.root_node().has_error() {
        return 0;
    }
    let mut count = 0;
    let mut cursor = tree.walk();
    'walk: loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            count += 1;
        }
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                continue 'walk;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    count
}

/// A stretch of source whose words are decided together: one identifier,
/// one comment, or one run of string text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    pub range: Range<usize>,
    pub class: Class,
    pub shape: Shape,
}

/// What a unit's text is, which decides how its words are treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// One identifier node: scopes, ownership and collisions apply.
    Identifier,
    /// Words: comments, strings, quoted SQL names, code-reference strings.
    Text,
    /// Words of a SQL statement inside a host-language string.
    SqlInString,
    /// A module path in an import (`agentops.session`, `'./sessions'`):
    /// it can only change together with a file move.
    ModulePath,
    /// A dotted target (`"agentops.session.Session"`): the module path,
    /// then one name.
    DottedTarget,
}

impl Unit {
    pub(crate) fn new(node: Node, class: Class) -> Unit {
        let shape = match class {
            Class::Code => Shape::Identifier,
            _ => Shape::Text,
        };
        Unit::with(node.byte_range(), class, shape)
    }

    pub(crate) fn with(range: Range<usize>, class: Class, shape: Shape) -> Unit {
        Unit {
            range,
            class,
            shape,
        }
    }
}

/// `text[content]` with each interpolation (`holes`, at least two bytes,
/// inside `content`) replaced by spaces and a `0`: a value, so the SQL
/// around it still parses. The lexer asks `looks_like_sql` of the same.
pub(crate) fn mask<'t>(
    text: &'t str,
    content: &Range<usize>,
    holes: &[Range<usize>],
) -> Option<Cow<'t, str>> {
    if holes.is_empty() {
        return text.get(content.clone()).map(Cow::Borrowed);
    }
    let mut masked = text.get(content.clone())?.as_bytes().to_vec();
    for hole in holes {
        // A hole outside the content (a malformed string's) masks nothing
        // rather than reach past it.
        let start = hole.start.checked_sub(content.start);
        let end = hole.end.checked_sub(content.start);
        let Some(masked_hole) = start.zip(end).and_then(|(s, e)| masked.get_mut(s..e)) else {
            continue;
        };
        masked_hole.fill(b' ');
        if let Some(value) = masked_hole.get_mut(1) {
            *value = b'0';
        }
    }
    // Masking replaced whole UTF-8 sequences with ASCII, so this holds.
    String::from_utf8(masked).ok().map(Cow::Owned)
}

/// Does this text start like a SQL statement? The first keyword must be
/// followed by what makes it SQL (`SELECT … FROM`, `DELETE FROM`,
/// `UPDATE x SET`, `CREATE TABLE` …), so prose such as "Delete the
/// session?" is not taken for SQL.
pub fn looks_like_sql(text: &str) -> bool {
    let mut rest = text.trim_start();
    loop {
        if let Some(r) = rest.strip_prefix("--") {
            rest = r.split_once('\n').map_or("", |(_, r)| r).trim_start();
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.split_once("*/").map_or("", |(_, r)| r).trim_start();
        } else {
            break;
        }
    }
    // Words are compared in place, ignoring case: most strings are not
    // SQL, and their first word already says so.
    let words = rest
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .take(64);
    let nth = |i: usize| words.clone().nth(i);
    let is = |word: Option<&str>, k: &str| word.is_some_and(|w| w.eq_ignore_ascii_case(k));
    let has = |k: &str| words.clone().any(|w| w.eq_ignore_ascii_case(k));
    let first = nth(0);
    if is(first, "select") {
        has("from")
    } else if is(first, "with") {
        has("as") && has("select")
    } else if is(first, "insert") {
        is(nth(1), "into")
    } else if is(first, "delete") {
        is(nth(1), "from")
    } else if is(first, "update") {
        is(nth(2), "set") || is(nth(3), "set")
    } else if ["create", "alter", "drop"].iter().any(|k| is(first, k)) {
        let object = nth(1);
        [
            "table",
            "index",
            "view",
            "function",
            "policy",
            "schema",
            "type",
            "materialized",
            "or",
            "unique",
            "trigger",
            "sequence",
            "extension",
            "database",
        ]
        .iter()
        .any(|k| is(object, k))
    } else {
        false
    }
}

/// Does replacing `text[range]` with `new` keep the file's tokens, so that
/// only the spelling of one name changes? Both must be whole words
/// (letters, digits and `_`, no digit first), neither a keyword of the
/// grammar (ignoring case), with no quote right after (a word before a
/// quote may be a string prefix: `r"…"`, `E'…'`). The parser then meets
/// the same tokens in the same places, and the file parses exactly as
/// before: no re-parse is needed to show it.
pub fn keeps_tokens(lang: Lang, text: &str, range: Range<usize>, new: &str) -> bool {
    let bytes = text.as_bytes();
    let word = |s: &str| {
        s.chars().all(|c| c.is_alphanumeric() || c == '_')
            && s.chars().next().is_some_and(|c| !c.is_numeric())
    };
    let joins = |at: Option<&u8>| at.is_some_and(|&b| lex::is_word(lang, b) || b == b'$');
    let before = range.start.checked_sub(1).and_then(|i| bytes.get(i));
    let after = bytes.get(range.end);
    let old = &text[range];
    word(old)
        && word(new)
        && !joins(before)
        && !joins(after)
        && !matches!(after, Some(b'\'' | b'"' | b'`'))
        && !is_keyword(lang, old)
        && !is_keyword(lang, new)
}

/// Is `word` (in any case) one of the grammar's keywords: a word the
/// grammar spells out (`def`, `match`, `type`), or SQL's `keyword_*`?
fn is_keyword(lang: Lang, word: &str) -> bool {
    static KEYWORDS: [std::sync::OnceLock<std::collections::HashSet<String>>; 5] =
        [const { std::sync::OnceLock::new() }; 5];
    let keywords = KEYWORDS[lang.index()].get_or_init(|| {
        let grammar = lang.grammar();
        (0..grammar.node_kind_count() as u16)
            .filter_map(|id| {
                let kind = grammar.node_kind_for_id(id)?;
                let word = match kind.strip_prefix("keyword_") {
                    Some(sql) => sql,
                    None if !grammar.node_kind_is_named(id) => kind,
                    None => return None,
                };
                let is_word =
                    !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                is_word.then(|| word.to_ascii_lowercase())
            })
            .collect()
    });
    keywords.contains(&word.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grammar_loads_and_parses() {
        for lang in Lang::ALL {
            let tree = parse(lang, "x").unwrap();
            assert_eq!(tree.root_node().start_byte(), 0, "{lang:?}");
        }
    }

    #[test]
    fn sql_is_told_from_prose() {
        assert!(looks_like_sql("SELECT session_id FROM sessions"));
        assert!(looks_like_sql(
            "\n  -- count\n  select count() from otel.traces"
        ));
        assert!(looks_like_sql("UPDATE sessions SET ended = now()"));
        assert!(looks_like_sql("delete from sessions where id = $1"));
        assert!(looks_like_sql(
            "CREATE TABLE IF NOT EXISTS sessions (id int)"
        ));
        assert!(!looks_like_sql("Delete the session?"));
        assert!(!looks_like_sql("Update session settings"));
        assert!(!looks_like_sql("select a session"));
    }

    #[test]
    fn a_name_for_a_name_keeps_the_tokens() {
        let keeps = |lang, text: &str, word: &str, new: &str| {
            let at = text.find(word).unwrap();
            keeps_tokens(lang, text, at..at + word.len(), new)
        };
        assert!(keeps(
            Lang::Python,
            "session_id = 1\n",
            "session_id",
            "trace_id"
        ));
        assert!(keeps(
            Lang::Sql,
            "select s from sessions;",
            "sessions",
            "traces"
        ));
        // Keywords (in any case), digits first, parts of words, prefixes.
        assert!(!keeps(Lang::Python, "session = 1\n", "session", "match"));
        assert!(!keeps(
            Lang::TypeScript,
            "let session = 1;",
            "session",
            "Type"
        ));
        assert!(!keeps(
            Lang::Sql,
            "select session from t;",
            "session",
            "FROM"
        ));
        assert!(!keeps(Lang::Python, "session = 1\n", "session", "1st"));
        assert!(!keeps(
            Lang::TypeScript,
            "let $session = 1;",
            "session",
            "trace"
        ));
        assert!(!keeps(Lang::Python, "x = session'a'\n", "session", "trace"));
        assert!(!keeps(
            Lang::Python,
            "x = a.session\n",
            "a.session",
            "trace"
        ));
    }

    #[test]
    fn error_count_sees_errors() {
        assert_eq!(error_count(&parse(Lang::Python, "x = 1\n").unwrap()), 0);
        assert!(error_count(&parse(Lang::Python, "x = = 1\n").unwrap()) > 0);
    }
}
