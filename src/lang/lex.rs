//! A lexical pass that places most hits without parsing the file.
//!
//! Parsing is most of retrace's time, and on a migrated tree the hits that
//! are left sit mostly in comments, plain strings and names kept by name,
//! none of which needs a syntax tree. This scanner finds comments and
//! strings as the grammars do, and judges each string by the rules of
//! `python::string_use` and `js::string_use`, but conservatively: whenever
//! the answer could depend on syntax it does not see (an annotation, a key
//! type, an import, a special call, SQL, an interpolation, an escape), the
//! hit goes to the tree. Files it cannot follow (TSX and JSX, SQL, whose
//! grammar decides what is a keyword, an unterminated string or regex) are
//! parsed as before. It also tells when a reported Python name cannot be
//! third-party, so its ownership needs no tree. `tests/lexer.rs` holds it
//! to the tree's answers on every golden case, on tricky snippets and on
//! the corpus.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

use super::python::QUERY_METHODS;
use super::{looks_like_sql, Lang, Shape, Unit};
use crate::project::Project;
use crate::rules::Class;

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
    lang: Lang,
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
}

/// Scan `text`, or None where this scanner does not follow the language or
/// the file.
pub fn lex(lang: Lang, text: &str) -> Option<Lexed> {
    let mut scanner = Scanner {
        lang,
        text,
        bytes: text.as_bytes(),
        regions: Vec::new(),
        imports: Vec::new(),
        import_statements: Vec::new(),
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
        lang,
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
                    _ => Place::Tree,
                };
            }
        }
        if self.imports.iter().any(|r| r.contains(&at)) {
            return Place::Tree;
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
        // A number, or a name spelled with an escape: the tree knows.
        if bytes[start].is_ascii_digit() || start > 0 && bytes[start - 1] == b'\\' {
            return Place::Tree;
        }
        Place::Unit(Unit::with(start..end, Class::Code, Shape::Identifier))
    }

    /// Is `at` inside the text of a comment or string? A rule replaces
    /// letters with letters (a word rule) or a name with a name, so an
    /// edit there cannot move a token's boundary: the file parses as it
    /// did, and needs no re-parse to show it.
    pub fn in_text(&self, at: usize) -> bool {
        let i = self.regions.partition_point(|r| r.range.start <= at);
        i.checked_sub(1).is_some_and(|i| {
            matches!(&self.regions[i].kind, Kind::Words(Class::Comment | Class::String, words) if words.contains(&at))
        })
    }

    /// Python: can the name at `at` not be third-party, whatever the tree
    /// would say? `Scopes::owner` finds a third-party owner only through a
    /// third-party import: of the name itself, or of the first name of the
    /// chain it is reached through (`root.a.name`, `root` bound by such an
    /// import or assigned a value made by one), or of the function it is a
    /// keyword argument of. So: true when the file imports nothing
    /// third-party, or when no such import mentions the name or its root,
    /// a root is never assigned, and it is no keyword argument.
    pub fn unowned(&self, text: &str, at: usize, word: &str, project: &Project) -> bool {
        if self.lang != Lang::Python {
            return false;
        }
        let theirs: Vec<&str> = self
            .import_statements
            .iter()
            .map(|r| &text[r.clone()])
            .filter(|s| {
                imported_modules(s).is_none_or(|m| m.iter().any(|m| project.python_third_party(m)))
            })
            .collect();
        if theirs.is_empty() {
            return true;
        }
        let mentioned = |name: &str| theirs.iter().any(|s| s.contains(name));
        let bytes = text.as_bytes();
        let before = |at: usize| bytes[..at].iter().rposition(|b| !is_blank(*b));
        let mut after = bytes[at + word.len()..].iter().filter(|b| !is_blank(**b));
        let keyword = after.next() == Some(&b'=') && after.next() != Some(&b'=');
        let mut root = word;
        let mut start = at;
        while let Some(dot) = before(start).filter(|&p| bytes[p] == b'.') {
            let end = before(dot).map_or(0, |p| p + 1);
            start = bytes[..end]
                .iter()
                .rposition(|&b| !is_word(Lang::Python, b))
                .map_or(0, |p| p + 1);
            // `f().name`, `x[0].name`, `"…".name`: not a plain chain.
            if start == end || bytes[start].is_ascii_digit() {
                return false;
            }
            root = &text[start..end];
        }
        if mentioned(word) || mentioned(root) {
            return false;
        }
        if start == at {
            let argument = before(at).is_some_and(|p| matches!(bytes[p], b'(' | b','));
            return !(keyword && argument);
        }
        !assigned(text, root)
    }
}

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\\')
}

/// Is `name` ever the target of `name = …` or `name: … = …` in `text`
/// (comments and strings included, which only errs towards yes)?
fn assigned(text: &str, name: &str) -> bool {
    let bytes = text.as_bytes();
    text.match_indices(name).any(|(i, _)| {
        let end = i + name.len();
        let whole = (i == 0 || !is_word(Lang::Python, bytes[i - 1]))
            && bytes.get(end).is_none_or(|&b| !is_word(Lang::Python, b));
        let mut next = bytes[end..].iter().filter(|b| !is_blank(**b));
        whole
            && match next.next() {
                Some(b'=') => next.next() != Some(&b'='),
                Some(b':') => true,
                _ => false,
            }
    })
}

/// The modules a Python import statement names, as the tree's
/// `dotted_name` or `relative_import` text would show them; None where
/// this reading is unsure.
fn imported_modules(statement: &str) -> Option<Vec<&str>> {
    let plain = |m: &str| {
        !m.is_empty()
            && m.bytes()
                .all(|b| is_word(Lang::Python, b) || matches!(b, b'.' | b' ' | b'\t'))
    };
    if let Some(rest) = statement.strip_prefix("from") {
        // The `import` keyword, not a module named `importlib`.
        let word = |b: Option<&u8>| b.is_some_and(|&b| is_word(Lang::Python, b));
        let (at, _) = rest.match_indices("import").find(|&(i, _)| {
            !word(rest.as_bytes().get(i.wrapping_sub(1))) && !word(rest.as_bytes().get(i + 6))
        })?;
        let module = rest[..at].trim();
        return plain(module).then(|| vec![module]);
    }
    let names = statement.strip_prefix("import")?;
    let names = names.split_once('#').map_or(names, |(code, _)| code);
    names
        .split(',')
        .map(|item| {
            let item = item.trim();
            let module = item.split_once(" as ").map_or(item, |(m, _)| m.trim_end());
            plain(module).then_some(module)
        })
        .collect()
}

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

fn is_word(lang: Lang, b: u8) -> bool {
    let dollar = matches!(lang, Lang::TypeScript | Lang::Tsx | Lang::JavaScript);
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80 || b == b'$' && dollar
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

/// An open bracket.
struct Opener {
    byte: u8,
    /// The name called, for `(` right after a name.
    callee: Option<Range<usize>>,
    /// `(` after something that is neither a name nor a closed expression
    /// (`f<T>(`, `f?.(`): a call the scanner cannot name.
    odd_call: bool,
    /// In a statement that starts with `__all__` (`__all__: T = (…)`).
    all: bool,
    /// Python: opened inside an annotation (`Optional[…]`), whose strings
    /// are code.
    annotation: bool,
    /// Python: what is going on inside this bracket.
    level: Level,
    /// `if (`, `while (`, `for (`, `with (`: a regex may follow the `)`.
    control: bool,
    /// Unclosed `<` inside this bracket (TypeScript type arguments).
    angles: u32,
}

/// Python calls whose string arguments may name code (`python::string_use`).
const PY_SPECIAL: [&str; 9] = [
    "patch",
    "import_module",
    "object",
    "getattr",
    "hasattr",
    "setattr",
    "delattr",
    "table",
    "from_",
];

/// JavaScript calls whose first argument may name code (`js::string_use`,
/// `js::classify`).
const JS_SPECIAL: [&str; 5] = ["mock", "from", "table", "import", "require"];

/// Words after which `/` starts a regex rather than a division.
const REGEX_AFTER: [&str; 14] = [
    "return",
    "typeof",
    "case",
    "do",
    "else",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "instanceof",
    "yield",
    "await",
];

struct Scanner<'t> {
    lang: Lang,
    text: &'t str,
    bytes: &'t [u8],
    regions: Vec<Region>,
    imports: Vec<Range<usize>>,
    import_statements: Vec<Range<usize>>,
}

/// A Python import statement being scanned.
struct Import {
    start: usize,
    /// `from … import …`, whose module path ends at `import`.
    from: bool,
    /// The module path has not ended yet.
    path_open: bool,
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

    fn line_end(&self, i: usize) -> usize {
        self.bytes[i..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.bytes.len(), |p| i + p)
    }

    fn push(&mut self, range: Range<usize>, kind: Kind) {
        self.regions.push(Region { range, kind });
    }

    fn opener(&self, byte: u8, prev: &Tok) -> Opener {
        let callee = match prev {
            Tok::Word(r) if byte == b'(' => Some(r.clone()),
            _ => None,
        };
        let control = callee
            .as_ref()
            .is_some_and(|r| matches!(&self.text[r.clone()], "if" | "while" | "for" | "with"));
        Opener {
            byte,
            callee,
            odd_call: byte == b'(' && matches!(prev, Tok::Op(b'>' | b'.')),
            all: false,
            annotation: false,
            level: Level::default(),
            control,
            angles: 0,
        }
    }

    fn special(&self, opener: &Opener, names: &[&str]) -> bool {
        opener.odd_call
            || opener.all
            || opener.callee.as_ref().is_some_and(|r| {
                let name = &self.text[r.clone()];
                names.contains(&name) || QUERY_METHODS.contains(&name)
            })
    }

    // ---- Python ----

    fn python(&mut self) -> Option<()> {
        let mut stack: Vec<Opener> = Vec::new();
        let mut prev = Tok::Start;
        // The statement being scanned: where it started if it is an import
        // (a `from` import's module path ends at `import`); whether it is a
        // `type` alias (whose strings are annotations) or assigns `__all__`;
        // whether an annotation (after `:` or `->`) may be going on at the
        // outermost level.
        let mut import: Option<Import> = None;
        let mut alias = false;
        let mut all = false;
        let mut outermost = Level::default();
        let n = self.bytes.len();
        let mut i = 0;
        while i < n {
            let c = self.bytes[i];
            let statement_start = stack.is_empty() && matches!(prev, Tok::Start | Tok::Colon);
            let level = stack.last().map_or(outermost, |t| t.level);
            match c {
                b'\n' | b';' if stack.is_empty() => {
                    if let Some(import) = import.take() {
                        self.end_import(import, i);
                    }
                    (alias, all, outermost) = (false, false, Level::default());
                    prev = Tok::Start;
                    i += 1;
                }
                b' ' | b'\t' | b'\r' | b'\n' | 0x0c => i += 1,
                b'\\' => {
                    // A line continuation: the logical line goes on.
                    i += 1;
                    if self.at(i) == b'\r' {
                        i += 1;
                    }
                    if self.at(i) == b'\n' {
                        i += 1;
                    }
                }
                b'#' => {
                    let end = self.line_end(i);
                    self.push(i..end, Kind::Words(Class::Comment, i..end));
                    i = end;
                }
                b'"' | b'\'' => {
                    let guarded = alias || level.annotating;
                    i = self.python_string(i, i, &prev, stack.last(), guarded)?;
                    prev = Tok::Value;
                }
                _ if is_word(Lang::Python, c) && !c.is_ascii_digit() => {
                    let end = self.word_end(Lang::Python, i);
                    let word = &self.text[i..end];
                    if is_string_prefix(word) && matches!(self.at(end), b'"' | b'\'') {
                        let guarded = alias || level.annotating;
                        i = self.python_string(i, end, &prev, stack.last(), guarded)?;
                        prev = Tok::Value;
                        continue;
                    }
                    match (word, &mut import) {
                        ("import" | "from", None) if statement_start => {
                            import = Some(Import {
                                start: i,
                                from: word == "from",
                                path_open: true,
                            });
                        }
                        ("import", Some(im)) if im.from && im.path_open => {
                            self.imports.push(im.start..i);
                            im.path_open = false;
                        }
                        ("type", _) if statement_start => alias = true,
                        ("__all__", _) if statement_start => all = true,
                        ("lambda", _) => level_mut(&mut stack, &mut outermost).lambda = true,
                        _ => {}
                    }
                    prev = Tok::Word(i..end);
                    i = end;
                }
                b'0'..=b'9' => {
                    i = self.word_end(Lang::Python, i);
                    prev = Tok::Value;
                }
                b'(' | b'[' | b'{' => {
                    let annotation = level.annotating || stack.last().is_some_and(|t| t.annotation);
                    stack.push(Opener {
                        all,
                        annotation,
                        ..self.opener(c, &prev)
                    });
                    prev = Tok::Open;
                    i += 1;
                }
                b')' | b']' | b'}' => {
                    stack.pop();
                    prev = Tok::Close(c);
                    i += 1;
                }
                b':' if self.at(i + 1) != b'=' => {
                    // In a dict a `:` separates a key from its value, after
                    // `lambda` its parameters from its body; anywhere else
                    // an annotation may follow.
                    let dict = stack.last().is_some_and(|t| t.byte == b'{');
                    let level = level_mut(&mut stack, &mut outermost);
                    if level.lambda {
                        level.lambda = false;
                    } else {
                        level.annotating |= !dict;
                    }
                    prev = Tok::Colon;
                    i += 1;
                }
                b'-' if self.at(i + 1) == b'>' => {
                    level_mut(&mut stack, &mut outermost).annotating = true;
                    prev = Tok::Arrow;
                    i += 2;
                }
                b',' | b'=' => {
                    level_mut(&mut stack, &mut outermost).annotating = false;
                    prev = if c == b',' { Tok::Comma } else { Tok::Eq };
                    i += 1;
                }
                _ => {
                    prev = Tok::Op(c);
                    i += 1;
                }
            }
        }
        if let Some(import) = import {
            self.end_import(import, n);
        }
        Some(())
    }

    fn end_import(&mut self, import: Import, end: usize) {
        if import.path_open {
            self.imports.push(import.start..end);
        }
        self.import_statements.push(import.start..end);
    }

    /// A Python string starting at `start` (its prefix) with its quote at
    /// `quote`: pushed as regions; returns the index after it. `guarded`:
    /// it may be an annotation.
    fn python_string(
        &mut self,
        start: usize,
        quote: usize,
        prev: &Tok,
        top: Option<&Opener>,
        guarded: bool,
    ) -> Option<usize> {
        let prefix = self.text[start..quote].to_ascii_lowercase();
        let formatted = prefix.contains('f') || prefix.contains('t');
        let q = self.bytes[quote];
        let triple = self.at(quote + 1) == q && self.at(quote + 2) == q;
        let open = if triple { 3 } else { 1 };
        let content_start = quote + open;
        let mut holes = Vec::new();
        let mut j = content_start;
        let content_end = loop {
            match *self.bytes.get(j)? {
                b'\\' => j += if self.at(j + 1) == b'\r' { 3 } else { 2 },
                b'\n' if !triple => return None,
                b'{' if formatted && self.at(j + 1) == b'{' => j += 2,
                b'{' if formatted => {
                    let end = self.interpolation(j + 1, q, triple)?;
                    holes.push(j..end);
                    j = end;
                }
                b if b == q && (!triple || self.at(j + 1) == q && self.at(j + 2) == q) => break j,
                _ => j += 1,
            }
        };
        let end = content_end + open;
        let content = content_start..content_end;
        let alone = {
            let rest = &self.bytes[end..];
            let k = rest.iter().position(|&b| b != b' ' && b != b'\t');
            k.is_none_or(|k| matches!(rest[k], b'\n' | b'\r' | b'#' | b';'))
        };
        let class = if *prev == Tok::Start && top.is_none() && alone {
            // A string standing alone as a statement: a docstring.
            holes.is_empty().then_some(Class::Comment)
        } else if guarded
            || top.is_some_and(|t| t.annotation || t.all || self.special(t, &PY_SPECIAL))
            || looks_like_sql(&self.masked(&content, &holes))
        {
            None
        } else {
            Some(Class::String)
        };
        self.push_string(start..end, content, &holes, class);
        Some(end)
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

    /// The string's content with each interpolation masked as the tree's
    /// `SqlRegion` masks it, to ask `looks_like_sql` the same question.
    fn masked(&self, content: &Range<usize>, holes: &[Range<usize>]) -> String {
        let mut bytes = self.bytes[content.clone()].to_vec();
        for hole in holes {
            let (start, end) = (hole.start - content.start, hole.end - content.start);
            bytes[start..end].fill(b' ');
            bytes[start + 1] = b'0';
        }
        // Whole interpolations, ASCII-delimited, became ASCII: still UTF-8.
        String::from_utf8(bytes).unwrap_or_default()
    }

    /// Skip an f-string interpolation starting after its `{`; returns the
    /// index after its `}`. Nested strings reusing the outer quote are
    /// left to the tree (their meaning changed in Python 3.12).
    fn interpolation(&self, mut j: usize, q: u8, triple: bool) -> Option<usize> {
        let mut depth = 1;
        loop {
            match *self.bytes.get(j)? {
                b if b == q && (!triple || self.at(j + 1) == q && self.at(j + 2) == q) => {
                    return None
                }
                b @ (b'"' | b'\'') => {
                    j += 1;
                    while *self.bytes.get(j)? != b {
                        if self.bytes[j] == b'\n' {
                            return None;
                        }
                        j += if self.bytes[j] == b'\\' { 2 } else { 1 };
                    }
                    j += 1;
                }
                b'\n' if !triple => return None,
                b'{' | b'[' | b'(' => {
                    depth += 1;
                    j += 1;
                }
                b'}' | b']' | b')' => {
                    depth -= 1;
                    j += 1;
                    if depth == 0 {
                        return Some(j);
                    }
                }
                _ => j += 1,
            }
        }
    }

    // ---- SQL ----

    /// SQL: comments, names and strings are placed; quoted names,
    /// dollar-quoted bodies, strings right after a word and keyword-like
    /// words go to the tree, whose grammar decides (a `$$` body may be
    /// parsed or not; `session` may be a keyword or a name).
    fn sql(&mut self) -> Option<()> {
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
                b'-' if next == b'-' => {
                    i = self.line_end(i);
                    self.push(start..i, Kind::Words(Class::Comment, start..i));
                }
                b'/' if next == b'*' => {
                    i = self.text[i + 2..].find("*/")? + i + 4;
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
                _ if is_word(Lang::Sql, c) => {
                    i = self.word_end(Lang::Sql, i);
                    let word = &self.text[start..i];
                    // `E'…'`, `U&'…'`: a prefixed string; `a$b`: not one
                    // name to the grammar. Both left to the tree.
                    let prefixed = matches!(self.at(i), b'\'' | b'&' | b'$');
                    let dollar = start > 0 && self.bytes[start - 1] == b'$';
                    let odd = !word.is_ascii() || c.is_ascii_digit() || prefixed || dollar;
                    if odd || sql_keywords().contains(word.to_ascii_lowercase().as_str()) {
                        self.push(start..i, Kind::Tree);
                    }
                }
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

    // ---- TypeScript and JavaScript ----

    /// Scan code from `i`; inside a template substitution (`nested`), stop
    /// after its closing `}` and return the index after it.
    fn js(&mut self, mut i: usize, nested: bool) -> Option<usize> {
        let lang = Lang::JavaScript;
        let mut stack: Vec<Opener> = Vec::new();
        let mut top_angles = 0u32;
        let mut prev = Tok::Start;
        let n = self.bytes.len();
        if !nested && self.text.starts_with("#!") {
            i = self.line_end(0);
            self.push(0..i, Kind::Words(Class::Comment, 0..i));
        }
        while i < n {
            let c = self.bytes[i];
            let next = self.at(i + 1);
            match c {
                b' ' | b'\t' | b'\r' | b'\n' | 0x0c => i += 1,
                b'/' if next == b'/' => {
                    let end = self.line_end(i);
                    self.push(i..end, Kind::Words(Class::Comment, i..end));
                    i = end;
                }
                b'/' if next == b'*' => {
                    let end = self.text[i + 2..].find("*/")? + i + 4;
                    self.push(i..end, Kind::Words(Class::Comment, i..end));
                    i = end;
                }
                b'/' if self.regex_may_start(&prev) => {
                    i = self.regex(i)?;
                    prev = Tok::Value;
                }
                b'\'' | b'"' => {
                    let angles = stack.last().map_or(top_angles, |t| t.angles);
                    i = self.js_string(i, &prev, stack.last(), angles)?;
                    prev = Tok::Value;
                }
                b'`' => {
                    let angles = stack.last().map_or(top_angles, |t| t.angles);
                    i = self.template(i, &prev, stack.last(), angles)?;
                    prev = Tok::Value;
                }
                _ if is_word(lang, c) && !c.is_ascii_digit() => {
                    let end = self.word_end(lang, i);
                    prev = Tok::Word(i..end);
                    i = end;
                }
                b'0'..=b'9' => {
                    i = self.word_end(lang, i);
                    prev = Tok::Value;
                }
                b'(' | b'[' | b'{' => {
                    stack.push(self.opener(c, &prev));
                    prev = Tok::Open;
                    i += 1;
                }
                b'}' if nested && stack.is_empty() => return Some(i + 1),
                b')' | b']' | b'}' => {
                    let closed = stack.pop();
                    prev = match closed {
                        Some(o) if o.control => Tok::Op(b'('),
                        _ => Tok::Close(c),
                    };
                    i += 1;
                }
                b'=' if next == b'>' => {
                    prev = Tok::Arrow;
                    i += 2;
                }
                b'+' | b'-' if next == c => {
                    // `x++ / 2` divides; `++x` cannot be followed by a regex.
                    prev = Tok::Value;
                    i += 2;
                }
                b'<' | b'>' => {
                    let angles = match stack.last_mut() {
                        Some(t) => &mut t.angles,
                        None => &mut top_angles,
                    };
                    *angles = if c == b'<' {
                        *angles + 1
                    } else {
                        angles.saturating_sub(1)
                    };
                    prev = Tok::Op(c);
                    i += 1;
                }
                b'?' if next == b'.' && !self.at(i + 2).is_ascii_digit() => {
                    prev = Tok::Op(b'.');
                    i += 2;
                }
                b',' => {
                    prev = Tok::Comma;
                    i += 1;
                }
                b';' => {
                    // Type arguments never hold a `;`: the `<` were comparisons.
                    match stack.last_mut() {
                        Some(t) => t.angles = 0,
                        None => top_angles = 0,
                    }
                    prev = Tok::Start;
                    i += 1;
                }
                b':' => {
                    prev = Tok::Colon;
                    i += 1;
                }
                b'=' => {
                    prev = Tok::Eq;
                    i += 1;
                }
                b'\\' => return None,
                _ => {
                    prev = Tok::Op(c);
                    i += 1;
                }
            }
        }
        if nested {
            return None;
        }
        Some(n)
    }

    fn regex_may_start(&self, prev: &Tok) -> bool {
        match prev {
            Tok::Value | Tok::Close(b')' | b']') => false,
            Tok::Word(r) => REGEX_AFTER.contains(&&self.text[r.clone()]),
            _ => true,
        }
    }

    /// A regex literal from its opening `/`: left to the tree (regex text
    /// is never a unit). Returns the index after its flags.
    fn regex(&mut self, start: usize) -> Option<usize> {
        let mut j = start + 1;
        let mut class = false;
        loop {
            match *self.bytes.get(j)? {
                b'\n' => return None,
                b'\\' => j += 1,
                b'[' => class = true,
                b']' => class = false,
                b'/' if !class => break,
                _ => {}
            }
            j += 1;
        }
        let end = self.word_end(Lang::JavaScript, j + 1);
        self.push(start..end, Kind::Tree);
        Some(end)
    }

    fn js_string(
        &mut self,
        start: usize,
        prev: &Tok,
        top: Option<&Opener>,
        angles: u32,
    ) -> Option<usize> {
        let q = self.bytes[start];
        let mut escaped = false;
        let mut j = start + 1;
        while *self.bytes.get(j)? != q {
            match self.bytes[j] {
                b'\n' => return None,
                b'\\' => {
                    escaped = true;
                    j += 2;
                }
                _ => j += 1,
            }
        }
        let content = start + 1..j;
        let class = self.js_class(&content, &[], prev, top, angles, escaped);
        self.push_string(start..j + 1, content, &[], class);
        Some(j + 1)
    }

    fn template(
        &mut self,
        start: usize,
        prev: &Tok,
        top: Option<&Opener>,
        angles: u32,
    ) -> Option<usize> {
        let regions = self.regions.len();
        let mut holes = Vec::new();
        let mut escaped = false;
        let mut j = start + 1;
        while *self.bytes.get(j)? != b'`' {
            match self.bytes[j] {
                b'\\' => {
                    escaped = true;
                    j += 2;
                }
                b'$' if self.at(j + 1) == b'{' => {
                    let end = self.js(j + 2, true)?;
                    holes.push(j..end);
                    j = end;
                }
                _ => j += 1,
            }
        }
        // Comments and strings inside substitutions are covered by their
        // substitution's region, which sends every hit in it to the tree.
        self.regions.truncate(regions);
        // A tagged template (`sql`…``) may be SQL whatever it says. In
        // TypeScript a template may be a type (`type A = `a${string}``),
        // which the tree tells apart.
        let tagged = matches!(prev, Tok::Word(_) | Tok::Close(_) | Tok::Op(b'>' | b'.'));
        let odd = escaped || tagged || self.lang == Lang::TypeScript;
        let content = start + 1..j;
        let class = self.js_class(&content, &holes, prev, top, angles, odd);
        self.push_string(start..j + 1, content, &holes, class);
        Some(j + 1)
    }

    /// How `js::string_use` would see a string: plain (`String`), or None
    /// where it may be a module path, a key type, a code reference or SQL.
    fn js_class(
        &self,
        content: &Range<usize>,
        holes: &[Range<usize>],
        prev: &Tok,
        top: Option<&Opener>,
        angles: u32,
        odd: bool,
    ) -> Option<Class> {
        let module_word = match prev {
            Tok::Word(r) => matches!(&self.text[r.clone()], "from" | "import" | "require"),
            _ => false,
        };
        let first_argument = *prev == Tok::Open && top.is_some_and(|t| t.byte == b'(');
        let unsure = odd
            || module_word
            || angles > 0
            || top.is_some_and(|t| t.byte == b'[')
            || first_argument && top.is_some_and(|t| self.special(t, &JS_SPECIAL))
            || looks_like_sql(&self.masked(content, holes));
        (!unsure).then_some(Class::String)
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

/// The innermost level: the top bracket's, or the statement's.
fn level_mut<'a>(stack: &'a mut [Opener], outermost: &'a mut Level) -> &'a mut Level {
    match stack.last_mut() {
        Some(t) => &mut t.level,
        None => outermost,
    }
}

/// `r`, `b`, `f`, `u`, `t` and their pairs (`rb`, `Rf`, …).
fn is_string_prefix(word: &str) -> bool {
    word.len() <= 2
        && word
            .bytes()
            .all(|b| matches!(b.to_ascii_lowercase(), b'r' | b'b' | b'f' | b'u' | b't'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(lang: Lang, text: &str, needle: &str) -> Place {
        let at = text.find(needle).unwrap();
        lex(lang, text).unwrap().place(text, at)
    }

    fn unit(range: Range<usize>, class: Class, shape: Shape) -> Place {
        Place::Unit(Unit::with(range, class, shape))
    }

    #[test]
    fn comments_docstrings_strings_and_names_are_placed() {
        let (py, ts, js) = (Lang::Python, Lang::TypeScript, Lang::JavaScript);
        let doc = "\"\"\"session doc\"\"\"\nx = 'a session' # session\nsession_id = 1\n";
        for (lang, text, needle, range, class, shape) in [
            (py, doc, "session doc", 3..14, Class::Comment, Shape::Text),
            (py, doc, "session'", 23..32, Class::String, Shape::Text),
            (py, doc, "session\n", 34..43, Class::Comment, Shape::Text),
            (
                py,
                doc,
                "session_id",
                44..54,
                Class::Code,
                Shape::Identifier,
            ),
            (
                py,
                "q = f'{x} session'\n",
                "session",
                9..17,
                Class::String,
                Shape::Text,
            ),
            (
                py,
                "y = d['session']\n",
                "session",
                7..14,
                Class::String,
                Shape::Text,
            ),
            (
                ts,
                "const a = b / c; // session\n",
                "session",
                17..27,
                Class::Comment,
                Shape::Text,
            ),
            (
                ts,
                "type E = \"session\" | \"s\";\n",
                "session",
                10..17,
                Class::String,
                Shape::Text,
            ),
            (
                js,
                "const q = `a ${b} session`;\n",
                "session",
                17..25,
                Class::String,
                Shape::Text,
            ),
            (
                ts,
                "f(x, 'session');\n",
                "session",
                6..13,
                Class::String,
                Shape::Text,
            ),
            (
                Lang::Sql,
                "x = 'session' -- c\n",
                "session'",
                4..13,
                Class::String,
                Shape::Text,
            ),
        ] {
            assert_eq!(
                place(lang, text, needle),
                unit(range, class, shape),
                "{text}"
            );
        }
        let text = "g = lambda x, y: 'session'\n";
        let lambda_body = place(py, text, "session");
        assert_eq!(lambda_body, unit(18..25, Class::String, Shape::Text));
        // TypeScript templates may be types: the tree tells.
        assert_eq!(
            place(ts, "const q = `a ${b} session`;\n", "session"),
            Place::Tree
        );
    }

    #[test]
    fn python_strings_the_tree_must_judge() {
        let py = Lang::Python;
        for text in [
            "def f(x: 'session'): pass\n",
            "def f() -> 'session': pass\n",
            "x: 'session' = 1\n",
            "x: Optional['session']\n",
            "__all__ = ('session',)\n",
            "__all__: Tuple[str, ...] = (\n    'session',\n)\n",
            "getattr(x, 'session')\n",
            "mock.patch('app.session.x')\n",
            "q = f'{session} x'\n",
            "d[f(x)]: 'session'\n",
            "q = 'SELECT session_id FROM sessions'\n",
            "type T = 'session'\n",
            "from app.session import x\n",
            "import app.session\n",
        ] {
            assert_eq!(place(py, text, "session"), Place::Tree, "{text}");
        }
    }

    #[test]
    fn js_strings_the_tree_must_judge() {
        let ts = Lang::TypeScript;
        for text in [
            "import x from './session';\n",
            "const a = require('./session');\n",
            "type K = Trace['session'];\n",
            "type P = Pick<Trace, 'session'>;\n",
            "type P = Pick<Trace, 'a' | 'session'>;\n",
            "db.from('sessions').select('session_id');\n",
            "jest.mock('./session');\n",
            "const q = sql`select session`;\n",
            "const q = `a ${session} b`;\n",
            "const q = 'a\\nsession';\n",
            "const r = /session/;\n",
        ] {
            assert_eq!(place(ts, text, "session"), Place::Tree, "{text}");
        }
    }

    #[test]
    fn import_statements_name_their_modules() {
        assert_eq!(
            imported_modules("from .trace import x"),
            Some(vec![".trace"])
        );
        assert_eq!(imported_modules("from . import (a, b)"), Some(vec!["."]));
        assert_eq!(
            imported_modules("from importlib import x"),
            Some(vec!["importlib"])
        );
        assert_eq!(
            imported_modules("import a.b as c, d  # why"),
            Some(vec!["a.b", "d"])
        );
        assert_eq!(imported_modules("import a.b as c, (d)"), None);
    }

    #[test]
    fn files_the_scanner_cannot_follow() {
        assert!(lex(Lang::Tsx, "x").is_none());
        assert!(lex(Lang::JavaScript, "const a = <b>session</b>;").is_none());
        assert!(lex(Lang::Python, "x = 'session\n").is_none());
        assert!(lex(Lang::TypeScript, "const x = 'session\n").is_none());
    }
}
