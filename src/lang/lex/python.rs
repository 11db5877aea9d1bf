//! The Python scanner: comments, strings (docstrings, f-strings,
//! annotations) and import statements.

use std::ops::Range;

use super::{is_stray, is_word, Def, Kind, Level, Opener, Scanner, Tok};
use crate::lang::calls::PYTHON_CALLS as SPECIAL_CALLS;
use crate::model::Class;
use crate::model::Lang;

/// A Python import statement being scanned.
struct Import {
    start: usize,
    /// `from … import …`, whose module path ends at `import`.
    from: bool,
    /// The module path has not ended yet.
    path_open: bool,
}

impl<'t> Scanner<'t> {
    // ---- Python ----

    pub(super) fn python(&mut self) -> Option<()> {
        let mut stack: Vec<Opener> = Vec::new();
        let mut prev = Tok::Start;
        // The statement being scanned: where it started if it is an import
        // (a `from` import's module path ends at `import`); whether it is a
        // `type` alias (whose strings are annotations) or assigns `__all__`;
        // whether an annotation (after `:` or `->`) may be going on at the
        // outermost level.
        let mut import: Option<Import> = None;
        let mut alias = false;
        let mut all: Option<usize> = None;
        let mut outermost = Level::default();
        let n = self.bytes.len();
        let mut i = 0;
        // Where the logical line being scanned started, until its first
        // token (whose column is its indentation) is seen.
        // (A BOM is three bytes before the first line's indentation.)
        let mut line = Some(3 * usize::from(self.text.starts_with('\u{feff}')));
        // The indentation of the logical line being scanned.
        let mut indent = 0;
        while i < n {
            let c = self.bytes[i];
            // Blanks (mostly indentation) go by before any state is looked at.
            if matches!(c, b' ' | b'\t' | b'\r' | 0x0c) || c == b'\n' && !stack.is_empty() {
                i += 1;
                continue;
            }
            if let Some(start) = line.filter(|_| !matches!(c, b'\n' | b'#')) {
                indent = i - start;
                // Tabs count as one byte, which can only keep a function
                // open longer than Python does: more strings go to the tree.
                while self.defs.last().is_some_and(|d| d.indent >= indent) {
                    self.defs.pop();
                }
                line = None;
            }
            let statement_start = stack.is_empty() && matches!(prev, Tok::Start | Tok::Colon);
            let level = stack.last().map_or(outermost, |t| t.level);
            match c {
                b'\n' | b';' if stack.is_empty() => {
                    if let Some(import) = import.take() {
                        self.end_import(import, i);
                    }
                    (alias, all, outermost) = (false, None, Level::default());
                    prev = Tok::Start;
                    i += 1;
                    if c == b'\n' {
                        line = Some(i);
                    }
                }
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
                    i = self.python_string(i, i, &prev, &mut stack, guarded)?;
                    prev = Tok::Value;
                }
                _ if is_word(Lang::Python, c) && !c.is_ascii_digit() => {
                    let end = self.word_end(Lang::Python, i);
                    let word = &self.bytes[i..end];
                    if matches!(self.at(end), b'"' | b'\'') && is_string_prefix(word) {
                        let guarded = alias || level.annotating;
                        i = self.python_string(i, end, &prev, &mut stack, guarded)?;
                        prev = Tok::Value;
                        continue;
                    }
                    // Only these words change the state (most words start
                    // with another letter, and go by with one comparison).
                    let keyword = matches!(c, b'i' | b'f' | b't' | b'_' | b'l');
                    match (word, &mut import) {
                        _ if !keyword => {}
                        (b"import" | b"from", None) if statement_start => {
                            import = Some(Import {
                                start: i,
                                from: word == b"from",
                                path_open: true,
                            });
                        }
                        (b"import", Some(im)) if im.from && im.path_open => {
                            self.imports.push(im.start..i);
                            im.path_open = false;
                        }
                        (b"type", _) if statement_start => alias = true,
                        (b"__all__", _) if statement_start => all = Some(i),
                        (b"lambda", _) => level_mut(&mut stack, &mut outermost).lambda = true,
                        _ => {}
                    }
                    if stack.last().is_some_and(|t| t.params) {
                        if let Some(def) = self.defs.last_mut() {
                            def.params.push(&self.text[i..end]);
                        }
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
                    let all_list = (c == b'[' && stack.is_empty())
                        .then(|| all.filter(|&at| self.assigns_all(at, i)))
                        .flatten()
                        .map(|_| Vec::new());
                    let params = c == b'(' && self.names_def(&prev);
                    if params {
                        let params = Vec::new();
                        self.defs.push(Def { indent, params });
                    }
                    stack.push(Opener {
                        all: all.is_some(),
                        annotation,
                        params,
                        all_list,
                        ..self.opener(c, &prev)
                    });
                    prev = Tok::Open;
                    i += 1;
                }
                b')' | b']' | b'}' => {
                    let closed = stack.pop();
                    self.close(closed.as_ref(), c);
                    let codes = closed.and_then(|t| t.all_list);
                    if let Some(codes) = codes.filter(|_| !self.statement_ends(i + 1)) {
                        // `__all__ = [...] + other`: the tree must judge.
                        for k in codes {
                            self.regions[k].kind = Kind::Tree;
                        }
                    }
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
                // A backtick opens a (Python 2) string to the grammar's
                // scanner: the tree decides where it ends.
                b'`' => return None,
                _ if is_stray(c) => return None,
                _ => {
                    prev = Tok::Op(c);
                    i += 1;
                }
            }
        }
        if let Some(import) = import {
            self.end_import(import, n);
        }
        self.unbalanced |= !stack.is_empty();
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
        stack: &mut [Opener],
        guarded: bool,
    ) -> Option<usize> {
        let top = stack.last();
        let prefix = &self.bytes[start..quote];
        let formatted = prefix.iter().any(|b| matches!(b | 0x20, b'f' | b't'));
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
                // A docstring's lines: on to the next quote, escape or hole.
                _ if triple => j = self.next_of(j + 1, q, b'\\', if formatted { b'{' } else { q }),
                // A plain string: on to its quote, an escape or a line end.
                _ if !formatted => j = self.next_of(j + 1, q, b'\\', b'\n'),
                _ => j += 1,
            }
        };
        let end = content_end + open;
        let content = content_start..content_end;
        if !self.has_hit(start..end) {
            // Its class matters only where a hit is: none to judge.
            self.push_string(start..end, content, &holes, Some(Class::String));
            return Some(end);
        }
        let alone = self.statement_ends(end);
        let code = holes.is_empty() && self.is_code(end, prev, top);
        let class = if *prev == Tok::Start && top.is_none() && alone {
            // A string standing alone as a statement: a docstring.
            holes.is_empty().then_some(Class::Comment)
        } else if code {
            Some(Class::Code)
        } else if guarded
            || top.is_some_and(|t| t.annotation || t.all || self.special(t, &SPECIAL_CALLS))
            || holes.is_empty() && self.may_name_code(&content, end, prev, top)
            || self.looks_like_sql(&content, &holes)
        {
            None
        } else {
            Some(Class::String)
        };
        self.push_string(start..end, content, &holes, class);
        if let Some(codes) = stack.last_mut().and_then(|t| t.all_list.as_mut()) {
            if code {
                codes.push(self.regions.len() - 1);
            }
        }
        Some(end)
    }

    /// Is the plain string ending at `end` what the tree calls code: a
    /// whole annotation (`def f(x: "T", …)`, `-> "T":`) or an entry of
    /// `__all__ = [...]`? Only when what follows closes it, so that it is
    /// not part of a larger expression (`"T" | None`, `"a" "b"`).
    fn is_code(&self, end: usize, prev: &Tok, top: Option<&Opener>) -> bool {
        // The next token's first two bytes.
        let next = || {
            let i = self.next_token(end);
            (self.at(i), self.at(i + 1))
        };
        match (prev, top) {
            (Tok::Colon, Some(t)) if t.params && t.level.annotating => {
                let (byte, after) = next();
                matches!(byte, b',' | b')') || byte == b'=' && after != b'='
            }
            (Tok::Arrow, None) => {
                let (byte, after) = next();
                byte == b':' && after != b'='
            }
            (Tok::Open | Tok::Comma, Some(t)) if t.all_list.is_some() => {
                matches!(next().0, b',' | b']')
            }
            _ => false,
        }
    }

    /// Is the string `content`, ending at `end`, one name that the tree
    /// may find code reads a member or parameter by (`python::string_use`):
    /// passed to `LocalProxy`, `attrgetter`, `methodcaller`, `relationship`
    /// or `backref`, or as `back_populates=`;
    /// read from a mapping the file splats as `**name` (`kwargs["x"]`,
    /// `kwargs.get("x")`, `"x" in kwargs`)? Or a route in a call, whose
    /// parameters may be code?
    fn may_name_code(
        &self,
        content: &Range<usize>,
        end: usize,
        prev: &Tok,
        top: Option<&Opener>,
    ) -> bool {
        let name = &self.bytes[content.clone()];
        let is_name = name.first().is_some_and(|b| !b.is_ascii_digit())
            && name.iter().all(|&b| is_word(Lang::Python, b));
        let callee = top.and_then(|t| t.callee.clone());
        let called = callee.as_ref().map_or("", |c| &self.text[c.clone()]);
        if !is_name {
            // A route (`"/sessions/{session_id}"`): its parameters may be code.
            let route =
                name.first() == Some(&b'/') && name.iter().any(|b| matches!(b, b'{' | b'<'));
            return route && top.is_some_and(|t| t.callee.is_some() || t.odd_call);
        }
        let next = self.next_token(end);
        let before_in = self.bytes[next..].starts_with(b"in")
            && !self
                .bytes
                .get(next + 2)
                .is_some_and(|&b| is_word(Lang::Python, b));
        let mapping = match (before_in, top) {
            (true, _) => Some(self.word_at(self.next_token(next + 2))),
            (false, Some(t)) if t.byte == b'[' => t.subscripted.clone().map(|r| &self.text[r]),
            (false, Some(_)) if matches!(called, "get" | "pop" | "setdefault") => {
                callee.map(|c| self.word_before_dot(c.start))
            }
            _ => None,
        };
        // Read from `**mapping` by the name of a parameter of a function
        // around the string (the tree asks the innermost one). `**mapping`
        // must be a parameter too: a local dict is no `**kwargs`.
        let declares = |name: &str| self.defs.iter().any(|d| d.params.contains(&name));
        let declared = declares(&self.text[content.clone()]);
        let kwargs = mapping.is_some_and(|m| declares(m) && self.splats(m));
        if declared && kwargs {
            return true;
        }
        let keyword = *prev == Tok::Eq && {
            let before = self.text[..content.start.saturating_sub(1)].trim_end();
            let before = before.strip_suffix('=').unwrap_or(before).trim_end();
            before.ends_with("back_populates") || before.ends_with("backref")
        };
        let call = top.is_some_and(|t| t.callee.is_some() || t.odd_call);
        call && (matches!(
            called,
            "LocalProxy" | "attrgetter" | "methodcaller" | "relationship" | "backref"
        ) || keyword)
    }

    /// The name at byte `i`.
    fn word_at(&self, i: usize) -> &'t str {
        let text = self.text;
        let end = i + self.bytes[i..]
            .iter()
            .take_while(|&&b| is_word(Lang::Python, b))
            .count();
        &text[i..end]
    }

    /// The name before the `.` that ends just before byte `i` (`kwargs` in
    /// `kwargs.get`), or "".
    fn word_before_dot(&self, i: usize) -> &str {
        let Some(before) = self.text[..i].strip_suffix('.') else {
            return "";
        };
        let start = before.len()
            - before
                .bytes()
                .rev()
                .take_while(|&b| is_word(Lang::Python, b))
                .count();
        &before[start..]
    }

    /// Does the file splat `name` as keywords somewhere (`**name`)?
    fn splats(&self, name: &str) -> bool {
        let splatted = self.splatted.get_or_init(|| {
            memchr::memmem::find_iter(self.bytes, b"**")
                .map(|at| self.word_at(at + 2))
                .filter(|w| !w.is_empty())
                .collect()
        });
        splatted.contains(name)
    }

    /// The first byte at or after `i` that is not blank, a line
    /// continuation or a comment.
    fn next_token(&self, mut i: usize) -> usize {
        loop {
            match self.at(i) {
                b' ' | b'\t' | b'\r' | b'\n' | 0x0c | b'\\' => i += 1,
                b'#' => i = self.line_end(i),
                _ => return i,
            }
        }
    }

    /// Does the statement end at `i` (blanks aside)?
    fn statement_ends(&self, i: usize) -> bool {
        let rest = &self.bytes[i..];
        let k = rest.iter().position(|&b| b != b' ' && b != b'\t');
        k.is_none_or(|k| matches!(rest[k], b'\n' | b'\r' | b'#' | b';'))
    }

    /// `[` at `open` right after `__all__ =` or `__all__ +=`, the name at
    /// `name`.
    fn assigns_all(&self, name: usize, open: usize) -> bool {
        let head = self.text[name..open].trim_end();
        let head = head.strip_suffix('=').map(str::trim_end);
        let head = head.map(|h| h.strip_suffix('+').unwrap_or(h).trim_end());
        head == Some("__all__")
    }

    /// Is `prev`, before a `(`, the name in `def name(`?
    fn names_def(&self, prev: &Tok) -> bool {
        let Tok::Word(name) = prev else {
            return false;
        };
        let before = self.text[..name.start].trim_end_matches([' ', '\t']);
        before
            .strip_suffix("def")
            .is_some_and(|b| b.bytes().last().is_none_or(|c| !is_word(Lang::Python, c)))
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
}

/// The innermost level: the top bracket's, or the statement's.
fn level_mut<'a>(stack: &'a mut [Opener], outermost: &'a mut Level) -> &'a mut Level {
    match stack.last_mut() {
        Some(t) => &mut t.level,
        None => outermost,
    }
}

/// `r`, `b`, `f`, `u`, `t` and their pairs (`rb`, `Rf`, …).
fn is_string_prefix(word: &[u8]) -> bool {
    word.len() <= 2
        && word
            .iter()
            .all(|b| matches!(b.to_ascii_lowercase(), b'r' | b'b' | b'f' | b'u' | b't'))
}
