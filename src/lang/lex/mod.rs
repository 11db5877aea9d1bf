//! A lexical pass that places most hits without parsing the file.
//!
//! Parsing is most of retrace's time, and on a migrated tree the hits that
//! are left sit mostly in comments, plain strings and names kept by name,
//! none of which needs a syntax tree. This scanner finds comments and
//! strings as the grammars do, and judges each string by the rules of
//! `python::string_use` and `js::string_use`, but conservatively: whenever
//! the answer could depend on syntax it does not see (an annotation other
//! than a whole one in a `def`, a key type, a TypeScript template outside a
//! call's arguments, a special call, SQL, an interpolation, an escape), the
//! hit goes to the tree, as does a SQL word spelled like one of the
//! grammar's keywords. Only strings that hold a hit are judged at all.
//! Python import statements' module paths are read as the tree's dotted
//! names when they are plain, and a TypeScript/JavaScript import or export
//! source is a module path. Files it cannot follow (TSX and JSX, an
//! unterminated string or regex) are parsed as before. It also tells when
//! a reported Python name cannot be third-party, so its ownership needs no
//! tree; and `scope::lexical` reads Python scopes from the code between
//! its comments and strings. `tests/lexer.rs` holds it to the tree's
//! answers on every golden case, on tricky snippets and on the corpus.

mod imports;
mod js;
mod python;
mod sql;

use std::cell::OnceCell;
use std::ops::Range;
use std::sync::LazyLock;

use super::{Lang, Shape, Unit};
use crate::model::Class;

/// Where a hit is, as far as the scanner can tell.
#[derive(Debug, PartialEq, Eq)]
pub enum Place {
    /// The unit the tree would give.
    Unit(Unit),
    /// Only the tree can tell.
    Tree,
}

/// A file's comments and strings, and the stretches of code only the tree
/// can judge (Python import statements), in source order.
pub struct Lexed {
    regions: Vec<Region>,
    /// Python module paths in import statements: only the tree can judge.
    imports: Vec<Range<usize>>,
    /// Python import statements, whole.
    import_statements: Vec<Range<usize>>,
    /// Those of them that may import third-party names (`unowned`).
    third_party_imports: OnceCell<Vec<Range<usize>>>,
    /// TypeScript/JavaScript `import`/`export … from` statements, up to the
    /// end of their source string, and the module path in it.
    modules: Vec<(Range<usize>, Range<usize>)>,
    lang: Lang,
    /// A bracket closed with none open, or the wrong one, or left open:
    /// the file has syntax errors.
    unbalanced: bool,
}

#[derive(Debug)]
struct Region {
    range: Range<usize>,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    /// A comment, docstring or plain string: the text whose words are
    /// decided together (inside the quotes), and its class.
    Words(Class, Range<usize>),
    /// A string, template or regex only the tree can judge.
    Tree,
    /// The source of a TypeScript/JavaScript `import` or `export`
    /// statement: the module path inside the quotes.
    Module(Range<usize>),
}

/// Scan `text`, whose hits are `hits` (in order), or None where this
/// scanner does not follow the language or the file.
pub fn lex(lang: Lang, text: &str, hits: &[Range<usize>]) -> Option<Lexed> {
    // Tree-sitter's lexers end a token at a NUL byte, comments and strings
    // too (`-- a<NUL>b` is a comment and an error): such files are the
    // tree's.
    if memchr::memchr(0, text.as_bytes()).is_some() {
        return None;
    }
    let mut scanner = Scanner {
        lang,
        text,
        bytes: text.as_bytes(),
        hits,
        regions: Vec::new(),
        imports: Vec::new(),
        import_statements: Vec::new(),
        modules: Vec::new(),
        templates: 0,
        unbalanced: false,
        splatted: OnceCell::new(),
        defs: Vec::new(),
    };
    match lang {
        Lang::Python => scanner.python()?,
        // JSX text is code to a scanner: leave files that may hold it.
        Lang::JavaScript if text.contains("</") || text.contains("/>") => return None,
        Lang::TypeScript | Lang::JavaScript => {
            scanner.js(0, false)?;
        }
        Lang::Sql => scanner.sql()?,
        Lang::Tsx => return None,
    }
    Some(Lexed {
        regions: scanner.regions,
        imports: scanner.imports,
        import_statements: scanner.import_statements,
        third_party_imports: OnceCell::new(),
        modules: scanner.modules,
        lang,
        unbalanced: scanner.unbalanced,
    })
}

impl Lexed {
    /// The unit around the hit starting at `at`.
    pub fn place(&self, text: &str, at: usize) -> Place {
        let i = self.regions.partition_point(|r| r.range.start <= at);
        if let Some(region) = i.checked_sub(1).map(|i| &self.regions[i]) {
            if region.range.contains(&at) {
                return match &region.kind {
                    Kind::Words(class, words) if words.contains(&at) => {
                        Place::Unit(Unit::with(words.clone(), *class, Shape::Text))
                    }
                    Kind::Module(path) if path.contains(&at) => {
                        Place::Unit(Unit::with(path.clone(), Class::Code, Shape::ModulePath))
                    }
                    _ => Place::Tree,
                };
            }
        }
        let bytes = text.as_bytes();
        let word = |b: u8| is_word(self.lang, b);
        let start = bytes[..at]
            .iter()
            .rposition(|&b| !word(b))
            .map_or(0, |p| p + 1);
        let end = bytes[at..]
            .iter()
            .position(|&b| !word(b))
            .map_or(bytes.len(), |p| at + p);
        if self.imports.iter().any(|r| r.contains(&at)) {
            return match self.import_module(text, at) {
                Some(_) => Place::Unit(Unit::with(start..end, Class::Code, Shape::ModulePath)),
                None => Place::Tree,
            };
        }
        // A number, or a name spelled with an escape: the tree knows.
        if bytes[start].is_ascii_digit() || start > 0 && bytes[start - 1] == b'\\' {
            return Place::Tree;
        }
        if self.lang == Lang::Sql && sql::needs_tree(text, start..end) {
            return Place::Tree;
        }
        Place::Unit(Unit::with(start..end, Class::Code, Shape::Identifier))
    }

    /// The comments and strings in order: each one's range, whether it is
    /// a comment (not a docstring), and whether only the tree can judge it
    /// (an interpolation, or a string the scanner is unsure of).
    pub fn regions(&self) -> impl Iterator<Item = (Range<usize>, bool, bool)> + '_ {
        self.regions.iter().map(|r| {
            let comment =
                matches!(r.kind, Kind::Words(Class::Comment, ref w) if w.start == r.range.start);
            (r.range.clone(), comment, matches!(r.kind, Kind::Tree))
        })
    }

    /// TypeScript/JavaScript: the module path of the `import` or `export …
    /// from` statement around `at`, if `at` is in one, up to its source.
    pub fn module_of(&self, at: usize) -> Option<Range<usize>> {
        let i = self.modules.partition_point(|(s, _)| s.start <= at);
        let (statement, path) = self.modules.get(i.checked_sub(1)?)?;
        statement.contains(&at).then(|| path.clone())
    }

    /// TypeScript/JavaScript: the module paths of the file's `import` and
    /// `export … from` statements.
    /// Did every bracket close, and with its own kind? Where one did not,
    /// the file has syntax errors (others may be invisible here).
    pub fn balanced(&self) -> bool {
        !self.unbalanced
    }

    pub fn module_paths(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.modules.iter().map(|(_, path)| path.clone())
    }

    /// Is `at` inside the text of a comment or string? A rule replaces
    /// letters with letters (a word rule) or a name with a name, so an
    /// edit there cannot move a token's boundary: a file without syntax
    /// errors parses as it did (see `rewrite::verify`).
    pub fn in_text(&self, at: usize) -> bool {
        let i = self.regions.partition_point(|r| r.range.start <= at);
        i.checked_sub(1).is_some_and(|i| {
            matches!(&self.regions[i].kind, Kind::Words(Class::Comment | Class::String, words) if words.contains(&at))
        })
    }
}

/// Every word of `text` (runs of letters, digits and `_` that start with
/// no digit), each with where it first is.
pub fn words(text: &str) -> std::collections::HashMap<String, usize> {
    let bytes = text.as_bytes();
    let mut out = std::collections::HashMap::new();
    let mut i = 0;
    while i < bytes.len() {
        if !is_word(Lang::Sql, bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_word(Lang::Sql, bytes[i]) {
            i += 1;
        }
        if !bytes[start].is_ascii_digit()
            && text.is_char_boundary(start)
            && text.is_char_boundary(i)
        {
            out.entry(text[start..i].to_string()).or_insert(start);
        }
    }
    out
}

pub(crate) fn is_word(lang: Lang, b: u8) -> bool {
    // A table: the scanners ask this of nearly every byte of code.
    const fn table(dollar: bool) -> [bool; 256] {
        let mut t = [false; 256];
        let mut b = 0;
        while b < 256 {
            let c = b as u8;
            t[b] = c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 || c == b'$' && dollar;
            b += 1;
        }
        t
    }
    const JS: [bool; 256] = table(true);
    const OTHER: [bool; 256] = table(false);
    match lang {
        Lang::TypeScript | Lang::Tsx | Lang::JavaScript => JS[usize::from(b)],
        Lang::Python | Lang::Sql => OTHER[usize::from(b)],
    }
}

/// A control character where code goes on: no grammar has a token for
/// it, and after the error it makes, the tree may not lex what follows as
/// the scanner does (`\x03//x` is no comment to tree-sitter-javascript).
/// The scanners leave such files to the tree.
fn is_stray(b: u8) -> bool {
    b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c) || b == 0x7f
}

/// The token before the one being scanned, as far as the rules need it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    /// Start of the file or of a logical line (Python), or after `;`.
    Start,
    Word(Range<usize>),
    /// A number, string, regex or `x++`: something division may follow.
    Value,
    Open,
    Close(u8),
    Colon,
    Arrow,
    Comma,
    Eq,
    Op(u8),
}

/// A Python function whose body may still be going on.
struct Def<'t> {
    /// The indentation of its `def` line: a logical line indented no
    /// deeper ends it.
    indent: usize,
    /// The names in its parameter list (with, harmlessly, those in its
    /// annotations and defaults): what a string may read from `**kwargs`.
    params: Vec<&'t str>,
}

/// An open bracket.
struct Opener {
    byte: u8,
    /// The name called, for `(` right after a name.
    callee: Option<Range<usize>>,
    /// The name subscripted, for `[` right after a name.
    subscripted: Option<Range<usize>>,
    /// `(` after something that is neither a name nor a closed expression
    /// (`f<T>(`, `f?.(`): a call the scanner cannot name.
    odd_call: bool,
    /// In a statement that starts with `__all__` (`__all__: T = (…)`).
    all: bool,
    /// Python: opened inside an annotation (`Optional[…]`), whose strings
    /// are code.
    annotation: bool,
    /// Python: `def name(`, where `x: "T"` is a parameter's annotation.
    params: bool,
    /// Python: the list `__all__ = [` assigns. Its strings are code, so
    /// they are placed as code (these regions) unless something follows
    /// the `]` and makes the list part of a larger expression.
    all_list: Option<Vec<usize>>,
    /// Python: what is going on inside this bracket.
    level: Level,
    /// `if (`, `while (`, `for (`, `with (`: a regex may follow the `)`.
    control: bool,
    /// Unclosed `<` inside this bracket (TypeScript type arguments).
    angles: u32,
}

struct Scanner<'t> {
    lang: Lang,
    text: &'t str,
    bytes: &'t [u8],
    /// The file's hits: strings without one need no judging.
    hits: &'t [Range<usize>],
    regions: Vec<Region>,
    imports: Vec<Range<usize>>,
    import_statements: Vec<Range<usize>>,
    modules: Vec<(Range<usize>, Range<usize>)>,
    /// TypeScript/JavaScript: templates open around the code being
    /// scanned, each a level of recursion.
    templates: usize,
    /// See `Lexed::unbalanced`.
    unbalanced: bool,
    /// Python: the names the file splats as keywords (`**kwargs`), found
    /// when first asked.
    splatted: OnceCell<std::collections::HashSet<&'t str>>,
    /// Python: the functions around the code being scanned, innermost
    /// last.
    defs: Vec<Def<'t>>,
}

impl Scanner<'_> {
    fn at(&self, i: usize) -> u8 {
        self.bytes.get(i).copied().unwrap_or(0)
    }

    fn word_end(&self, lang: Lang, i: usize) -> usize {
        self.bytes[i..]
            .iter()
            .position(|&b| !is_word(lang, b))
            .map_or(self.bytes.len(), |p| i + p)
    }

    /// Does a hit start inside `range`?
    fn has_hit(&self, range: Range<usize>) -> bool {
        let i = self.hits.partition_point(|h| h.start < range.start);
        self.hits.get(i).is_some_and(|h| h.start < range.end)
    }

    fn line_end(&self, i: usize) -> usize {
        memchr::memchr(b'\n', &self.bytes[i..]).map_or(self.bytes.len(), |p| i + p)
    }

    /// The index after the `*/` that closes a block comment opened at `i`.
    fn block_comment_end(&self, i: usize) -> Option<usize> {
        // One searcher for every file: building one costs more than most
        // comments take to scan.
        static END: LazyLock<memchr::memmem::Finder<'static>> =
            LazyLock::new(|| memchr::memmem::Finder::new(b"*/"));
        let body = i + 2;
        END.find(self.bytes.get(body..)?).map(|p| body + p + 2)
    }

    /// The first of `a`, `b` or `c` from `i` on (the end if none): long
    /// strings and templates are skipped to where something may happen.
    fn next_of(&self, i: usize, a: u8, b: u8, c: u8) -> usize {
        let rest = self.bytes.get(i..).unwrap_or_default();
        memchr::memchr3(a, b, c, rest).map_or(self.bytes.len(), |p| i + p)
    }

    /// A closing bracket, `close`, after `opener` (None: none is open).
    fn close(&mut self, opener: Option<&Opener>, close: u8) {
        let pair = match opener.map(|o| o.byte) {
            Some(b'(') => b')',
            Some(b'[') => b']',
            Some(_) => b'}',
            None => 0,
        };
        self.unbalanced |= pair != close;
    }

    fn push(&mut self, range: Range<usize>, kind: Kind) {
        self.regions.push(Region { range, kind });
    }

    fn opener(&self, byte: u8, prev: &Tok) -> Opener {
        let callee = match prev {
            Tok::Word(r) if byte == b'(' => Some(r.clone()),
            _ => None,
        };
        let subscripted = match prev {
            Tok::Word(r) if byte == b'[' => Some(r.clone()),
            _ => None,
        };
        let control = callee
            .as_ref()
            .is_some_and(|r| matches!(&self.text[r.clone()], "if" | "while" | "for" | "with"));
        Opener {
            byte,
            callee,
            subscripted,
            odd_call: byte == b'(' && matches!(prev, Tok::Op(b'>' | b'.')),
            all: false,
            annotation: false,
            params: false,
            all_list: None,
            level: Level::default(),
            control,
            angles: 0,
        }
    }

    fn special(&self, opener: &Opener, names: &[&str]) -> bool {
        opener.odd_call
            || opener.all
            || opener
                .callee
                .as_ref()
                .is_some_and(|r| super::calls::special_call(names, &self.text[r.clone()]))
    }

    /// A string's regions: with a class, its text between interpolations
    /// (`holes`) is decided as words and each interpolation by the tree;
    /// without, all of it goes to the tree.
    fn push_string(
        &mut self,
        whole: Range<usize>,
        content: Range<usize>,
        holes: &[Range<usize>],
        class: Option<Class>,
    ) {
        let Some(class) = class else {
            self.push(whole, Kind::Tree);
            return;
        };
        let (mut from, mut words) = (whole.start, content.start);
        for hole in holes {
            self.push(from..hole.start, Kind::Words(class, words..hole.start));
            self.push(hole.clone(), Kind::Tree);
            (from, words) = (hole.end, hole.end);
        }
        self.push(from..whole.end, Kind::Words(class, words..content.end));
    }

    /// Does the string look like SQL, asked as `SqlRegion` asks it?
    fn looks_like_sql(&self, content: &Range<usize>, holes: &[Range<usize>]) -> bool {
        super::mask(self.text, content, holes).is_some_and(|m| super::looks_like_sql(&m))
    }
}

/// Python: what is going on at one bracket level.
#[derive(Clone, Copy, Default)]
struct Level {
    /// An annotation may be: after `:` or `->`, until `,` or `=`.
    annotating: bool,
    /// A `lambda` whose `:` has not come yet.
    lambda: bool,
}

#[cfg(test)]
mod tests;
