//! The TypeScript and JavaScript scanner: comments, strings, templates
//! and regexes, with the context `js::string_use` judges strings by.

use std::ops::Range;

use super::{is_stray, is_word, Kind, Opener, Scanner, Tok};
use crate::lang::calls::JS_CALLS as SPECIAL_CALLS;
use crate::model::Class;
use crate::model::Lang;

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

/// Templates nested in each other's substitutions deeper than this are
/// left to the tree: real code nests two or three.
const MAX_TEMPLATES: usize = 64;

/// Words that may come before `(` in a TypeScript type or a statement.
const TYPE_WORDS: [&str; 16] = [
    "keyof",
    "infer",
    "readonly",
    "unique",
    "asserts",
    "is",
    "extends",
    "as",
    "satisfies",
    "function",
    "if",
    "while",
    "for",
    "with",
    "switch",
    "catch",
];

impl Scanner<'_> {
    // ---- TypeScript and JavaScript ----

    /// Scan code from `i`; inside a template substitution (`nested`), stop
    /// after its closing `}` and return the index after it.
    pub(super) fn js(&mut self, mut i: usize, nested: bool) -> Option<usize> {
        let lang = Lang::JavaScript;
        let mut stack: Vec<Opener> = Vec::new();
        let mut top_angles = 0u32;
        let mut prev = Tok::Start;
        // Where an `import` or `export` statement started, at the outermost
        // level, until its source string or a `;`.
        let mut module: Option<usize> = None;
        let n = self.bytes.len();
        if !nested && self.text.starts_with("#!") {
            i = self.line_end(0);
            self.push(0..i, Kind::Words(Class::Comment, 0..i));
        }
        while i < n {
            let c = self.bytes[i];
            if matches!(c, b' ' | b'\t' | b'\r' | b'\n' | 0x0c) {
                i += 1;
                continue;
            }
            let next = self.at(i + 1);
            match c {
                b'/' if next == b'/' => {
                    let end = self.line_end(i);
                    self.push(i..end, Kind::Words(Class::Comment, i..end));
                    i = end;
                }
                b'/' if next == b'*' => {
                    let end = self.block_comment_end(i)?;
                    self.push(i..end, Kind::Words(Class::Comment, i..end));
                    i = end;
                }
                b'/' if self.regex_may_start(&prev) => {
                    i = self.regex(i)?;
                    prev = Tok::Value;
                }
                b'\'' | b'"' => {
                    let source = match &prev {
                        Tok::Word(r) if stack.is_empty() && !nested => {
                            matches!(&self.text[r.clone()], "from" | "import")
                        }
                        _ => false,
                    };
                    i = match module.take().filter(|_| source) {
                        Some(statement) => self.module_source(statement, i)?,
                        None => {
                            let angles = stack.last().map_or(top_angles, |t| t.angles);
                            self.js_string(i, &prev, stack.last(), angles)?
                        }
                    };
                    prev = Tok::Value;
                }
                b'`' => {
                    let angles = stack.last().map_or(top_angles, |t| t.angles);
                    i = self.template(i, &prev, stack.last(), angles)?;
                    prev = Tok::Value;
                }
                _ if is_word(lang, c) && !c.is_ascii_digit() => {
                    let end = self.word_end(lang, i);
                    if stack.is_empty()
                        && !nested
                        && matches!(&self.text[i..end], "import" | "export")
                    {
                        module = Some(i);
                    }
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
                    self.close(closed.as_ref(), c);
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
                        None => {
                            top_angles = 0;
                            module = None;
                        }
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
                // `#` starts a private name, or nothing the tree can lex.
                b'#' if !is_word(lang, next) => return None,
                _ if is_stray(c) => return None,
                _ => {
                    prev = Tok::Op(c);
                    i += 1;
                }
            }
        }
        if nested {
            return None;
        }
        self.unbalanced |= !stack.is_empty();
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

    /// The source of an `import`/`export` statement started at
    /// `statement`, a string at `start`: its text is a module path, and
    /// the statement's names are that module's. With an escape it is left
    /// to the tree. Returns the index after it.
    fn module_source(&mut self, statement: usize, start: usize) -> Option<usize> {
        let (close, escaped) = self.quoted_end(start)?;
        let (content, end) = (start + 1..close, close + 1);
        if escaped {
            self.push(start..end, Kind::Tree);
        } else {
            self.push(start..end, Kind::Module(content.clone()));
            self.modules.push((statement..end, content));
        }
        Some(end)
    }

    /// The closing quote of the string at `start`, and whether it holds an
    /// escape; None if the line ends first.
    fn quoted_end(&self, start: usize) -> Option<(usize, bool)> {
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
        Some((j, escaped))
    }

    fn js_string(
        &mut self,
        start: usize,
        prev: &Tok,
        top: Option<&Opener>,
        angles: u32,
    ) -> Option<usize> {
        let (j, escaped) = self.quoted_end(start)?;
        let content = start + 1..j;
        let class = match self.has_hit(start..j + 1) {
            true => self.js_class(&content, &[], prev, top, angles, escaped),
            // Its class matters only where a hit is: none to judge.
            false => Some(Class::String),
        };
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
                    let end = self.substitution(j + 2)?;
                    holes.push(j..end);
                    j = end;
                }
                _ => j = self.next_of(j + 1, b'`', b'\\', b'$'),
            }
        }
        // Comments and strings inside substitutions are covered by their
        // substitution's region, which sends every hit in it to the tree.
        self.regions.truncate(regions);
        // A tagged template (`sql`…``) may be SQL whatever it says. In
        // TypeScript a template may be a type (`type A = `a${string}``),
        // which the tree tells apart, unless it is a call's argument.
        let tagged = matches!(prev, Tok::Word(_) | Tok::Close(_) | Tok::Op(b'>' | b'.'));
        let typed = self.lang == Lang::TypeScript && !self.is_argument(prev, top);
        let odd = escaped || tagged || typed;
        let content = start + 1..j;
        let class = match self.has_hit(start..j + 1) {
            true => self.js_class(&content, &holes, prev, top, angles, odd),
            false => Some(Class::String),
        };
        self.push_string(start..j + 1, content, &holes, class);
        Some(j + 1)
    }

    /// The code of a template substitution from after its `${`, as `js`
    /// scans it; None inside more than `MAX_TEMPLATES` templates, whose
    /// recursion would overflow the stack on a crafted file (the tree
    /// keeps its stack on the heap, so it reads those).
    fn substitution(&mut self, i: usize) -> Option<usize> {
        if self.templates >= MAX_TEMPLATES {
            return None;
        }
        self.templates += 1;
        let end = self.js(i, true);
        self.templates -= 1;
        end
    }

    /// Is what follows `prev` an argument of a call by name (`f(a, `…`)`),
    /// where no type can be? Not after a word TypeScript puts before a
    /// parenthesized type (`keyof (…)`). (Type arguments, `f(new M<A,
    /// `…`>())`, are left to the tree by `js_class`.)
    fn is_argument(&self, prev: &Tok, top: Option<&Opener>) -> bool {
        let Some(callee) = top
            .filter(|t| t.byte == b'(')
            .and_then(|t| t.callee.clone())
        else {
            return false;
        };
        let name = &self.text[callee];
        matches!(prev, Tok::Open | Tok::Comma)
            && !REGEX_AFTER.contains(&name)
            && !TYPE_WORDS.contains(&name)
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
            || first_argument && top.is_some_and(|t| self.special(t, &SPECIAL_CALLS))
            || self.looks_like_sql(content, holes);
        (!unsure).then_some(Class::String)
    }
}
