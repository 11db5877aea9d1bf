//! Scopes and bindings from tokens: logical lines, indentation blocks,
//! brackets, as `Scopes::build` records them from the tree.

use std::ops::Range;

use super::{is_keyword, Imports, Kind, Token, TOP};
use crate::analyze::scope::{Binding, Scope, Scopes};

/// Words that open a compound statement other than `def` and `class`.
const HEADERS: [&str; 9] = [
    "if", "elif", "else", "while", "for", "try", "except", "finally", "with",
];

/// Reads a file's scopes from its tokens into `s`.
pub(super) struct Builder<'s, 'a> {
    pub(super) s: &'s mut Scopes<'a>,
    pub(super) text: &'a str,
    pub(super) tokens: &'s [Token],
    /// Open `def` and `class` bodies: their header's indentation, and scope.
    blocks: Vec<(usize, usize)>,
    pub(super) imports: Imports,
}

impl<'s, 'a> Builder<'s, 'a> {
    /// Record the scopes and bindings of `text`, read from `tokens`, in
    /// `scopes`; None where the reading is unsure.
    pub(super) fn run(
        scopes: &'s mut Scopes<'a>,
        text: &'a str,
        tokens: &'s [Token],
    ) -> Option<Imports> {
        let mut builder = Builder {
            s: scopes,
            text,
            tokens,
            blocks: Vec::new(),
            imports: Imports::default(),
        };
        builder.file()?;
        Some(builder.imports)
    }
}

impl<'a> Builder<'_, 'a> {
    pub(super) fn text(&self, k: usize) -> &'a str {
        self.tokens
            .get(k)
            .map_or("", |t| &self.text[t.range.clone()])
    }

    pub(super) fn kind(&self, k: usize) -> Option<Kind> {
        self.tokens.get(k).map(|t| t.kind)
    }

    pub(super) fn op(&self, k: usize, s: &str) -> bool {
        self.kind(k) == Some(Kind::Op) && self.text(k) == s
    }

    pub(super) fn word(&self, k: usize, s: &str) -> bool {
        self.kind(k) == Some(Kind::Name) && self.text(k) == s
    }

    pub(super) fn open(&self, k: usize) -> u32 {
        self.tokens[k].open
    }

    /// The indices in `range` at the level of bracket `open`.
    pub(super) fn level(
        &self,
        range: Range<usize>,
        open: u32,
    ) -> impl Iterator<Item = usize> + use<'_> {
        let tokens = self.tokens;
        range.filter(move |&k| tokens[k].open == open)
    }

    pub(super) fn file(&mut self) -> Option<()> {
        let mut start = 0;
        let mut last_end = 0;
        while start < self.tokens.len() {
            let end = (start..self.tokens.len()).find(|&k| self.tokens[k].kind == Kind::End)?;
            let indent = self.indentation(start)?;
            while let Some(&(header, scope)) = self.blocks.last() {
                if header < indent {
                    break;
                }
                self.s.scopes[scope].range.end = last_end;
                self.blocks.pop();
            }
            let scope = self.blocks.last().map_or(0, |b| b.1);
            self.line(start..end, indent, scope)?;
            last_end = self.tokens[end - 1].range.end;
            start = end + 1;
        }
        while let Some((_, scope)) = self.blocks.pop() {
            self.s.scopes[scope].range.end = last_end;
        }
        Some(())
    }

    /// The column of the token that starts a logical line.
    pub(super) fn indentation(&self, k: usize) -> Option<usize> {
        let at = self.tokens[k].range.start;
        let bytes = self.text.as_bytes();
        let line = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |p| p + 1);
        bytes[line..at]
            .iter()
            .all(|&b| b == b' ')
            .then_some(at - line)
    }

    /// One logical line, in `scope`.
    pub(super) fn line(&mut self, line: Range<usize>, indent: usize, scope: usize) -> Option<()> {
        let start = line.start;
        if self.op(start, "@") {
            return self.expressions(start + 1..line.end, scope);
        }
        let mut k = start;
        if self.word(k, "async") && ["def", "for", "with"].iter().any(|w| self.word(k + 1, w)) {
            k += 1;
        }
        let header = self.op(line.end - 1, ":");
        match self.text(k) {
            _ if self.kind(k) != Some(Kind::Name) => self.simple_statements(k..line.end, scope),
            "def" | "class" => self.definition(start, k, line.end, indent, scope),
            // Statements this reading does not know: `match`, Python 2's
            // `print x`, `type X = …`.
            "match" | "case" if header && !self.op(k + 1, "=") => None,
            "print" | "exec" | "type"
                if matches!(self.kind(k + 1), Some(Kind::Name | Kind::Value)) =>
            {
                None
            }
            word if HEADERS.contains(&word) => {
                let colon = self.colon(k..line.end, TOP)?;
                if word == "for" {
                    let r#in = self
                        .level(k + 1..colon, TOP)
                        .find(|&j| self.word(j, "in"))?;
                    self.pattern(k + 1..r#in, TOP, scope)?;
                    self.expressions(r#in + 1..colon, scope)?;
                } else if matches!(word, "with" | "except") {
                    self.as_targets(k + 1..colon, scope)?;
                } else {
                    self.expressions(k + 1..colon, scope)?;
                }
                self.simple_statements(colon + 1..line.end, scope)
            }
            _ => self.simple_statements(k..line.end, scope),
        }
    }

    /// The first `:` in `range` at the level of bracket `open` that belongs
    /// to no lambda in it: what ends a compound statement's header (at the
    /// outermost level) or a lambda's parameters.
    pub(super) fn colon(&self, range: Range<usize>, open: u32) -> Option<usize> {
        let mut lambdas = 0;
        for k in self.level(range, open) {
            if self.word(k, "lambda") {
                lambdas += 1;
            } else if self.op(k, ":") {
                if lambdas == 0 {
                    return Some(k);
                }
                lambdas -= 1;
            }
        }
        None
    }

    /// `def name(…) -> T: …` or `class Name(…): …`, the keyword at `k` and
    /// the statement at `start` (`async` included, as the tree's node).
    pub(super) fn definition(
        &mut self,
        start: usize,
        k: usize,
        end: usize,
        indent: usize,
        scope: usize,
    ) -> Option<()> {
        let name = k + 1;
        if self.kind(name) != Some(Kind::Name) || self.op(name + 1, "[") {
            return None;
        }
        self.bind(scope, name, None, None);
        let inner = self.push(self.tokens[start].range.start, scope);
        let colon = self.colon(name + 1..end, TOP)?;
        // Parameters' annotations and defaults, the return annotation and
        // a class's bases are evaluated in `scope`, where the definition is.
        if self.op(name + 1, "(") {
            let close = self.tokens[name + 1].pair as usize;
            if self.word(k, "def") {
                self.parameters(name + 2..close, (name + 1) as u32, inner, scope)?;
            } else {
                self.outside(inner, name + 1..close + 1);
                self.expressions(name + 2..close, scope)?;
            }
            if self.op(close + 1, "->") {
                self.outside(inner, close + 2..colon);
            }
            self.expressions(close + 1..colon, scope)?;
        } else if colon != name + 1 || self.word(k, "def") {
            return None;
        }
        if colon + 1 < end {
            // `def f(): return x`: the body is the rest of the line.
            self.simple_statements(colon + 1..end, inner)?;
            self.s.scopes[inner].range.end = self.tokens[end - 1].range.end;
        } else {
            self.blocks.push((indent, inner));
        }
        Some(())
    }

    /// Parameters (`a`, `b=1`, `*c: T`, `**d`, `/`, `*`) in `range` at the
    /// level of bracket `open`, bound in `scope`; their defaults and
    /// annotations are read in `outer`, where the function is defined.
    pub(super) fn parameters(
        &mut self,
        range: Range<usize>,
        open: u32,
        scope: usize,
        outer: usize,
    ) -> Option<()> {
        for item in self.items(range, open) {
            let mut k = item.start;
            while k < item.end && (self.op(k, "*") || self.op(k, "**")) {
                k += 1;
            }
            if k == item.end || self.op(k, "/") {
                continue;
            }
            if self.kind(k) != Some(Kind::Name) {
                return None;
            }
            self.bind(scope, k, None, None);
            let rest = k + 1..item.end;
            let equals = self.level(rest.clone(), open).find(|&j| self.op(j, "="));
            if self.op(k + 1, ":") {
                let annotation = k + 2..equals.unwrap_or(item.end);
                // `a: lambda b=1: b`: which `=` is the default's is unsure.
                if annotation.clone().any(|j| self.word(j, "lambda")) {
                    return None;
                }
                self.outside(scope, annotation);
            }
            if let Some(equals) = equals {
                self.outside(scope, equals + 1..item.end);
            }
            self.expressions(rest, outer)?;
        }
        Some(())
    }

    /// Record the tokens in `range` as evaluated outside `scope`.
    pub(super) fn outside(&mut self, scope: usize, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        let bytes = self.tokens[range.start].range.start..self.tokens[range.end - 1].range.end;
        self.s.scopes[scope].outside.push(bytes);
    }

    /// The comma-separated items of `range` at the level of bracket `open`.
    /// A lambda's parameters run to its colon: their commas separate no
    /// items (`f=lambda r, b: r` is one).
    pub(super) fn items(&self, range: Range<usize>, open: u32) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut from = range.start;
        let mut lambdas = 0usize;
        for k in self.level(range.clone(), open) {
            if self.word(k, "lambda") {
                lambdas += 1;
            } else if self.op(k, ":") {
                lambdas = lambdas.saturating_sub(1);
            } else if self.op(k, ",") && lambdas == 0 {
                out.push(from..k);
                from = k + 1;
            }
        }
        if from < range.end {
            out.push(from..range.end);
        }
        out
    }

    /// Simple statements separated by `;`.
    pub(super) fn simple_statements(&mut self, range: Range<usize>, scope: usize) -> Option<()> {
        let mut from = range.start;
        for k in self.level(range.clone(), TOP).collect::<Vec<_>>() {
            if self.op(k, ";") {
                self.simple(from..k, scope)?;
                from = k + 1;
            }
        }
        self.simple(from..range.end, scope)
    }

    pub(super) fn simple(&mut self, range: Range<usize>, scope: usize) -> Option<()> {
        let k = range.start;
        match self.text(k) {
            _ if range.is_empty() => Some(()),
            "import" => self.import(range, scope),
            // No binding: the tree calls it a `future_import_statement`.
            "from" if self.word(k + 1, "__future__") => Some(()),
            "from" => self.import_from(range, scope),
            "global" | "nonlocal" => Some(()),
            _ => self.assignment(range, scope),
        }
    }

    /// An assignment's targets (before each `=`, one `:` annotation or an
    /// augmented operator, outside brackets and lambdas), then whatever the
    /// statement's expressions bind.
    pub(super) fn assignment(&mut self, range: Range<usize>, scope: usize) -> Option<()> {
        let mut lambdas = 0;
        let mut cuts = Vec::new();
        let mut annotation = None;
        let mut augmented = None;
        for j in self.level(range.clone(), TOP) {
            match (self.kind(j), self.text(j)) {
                (Some(Kind::Name), "lambda") => lambdas += 1,
                (Some(Kind::Op), ":") if lambdas > 0 => lambdas -= 1,
                (Some(Kind::Op), ":") if cuts.is_empty() && annotation.is_none() => {
                    annotation = Some(j)
                }
                (Some(Kind::Op), "=") if lambdas == 0 => cuts.push(j),
                (Some(Kind::Op), t)
                    if t.len() >= 2
                        && t.ends_with('=')
                        && !matches!(t, "==" | "!=" | "<=" | ">=" | ":=") =>
                {
                    augmented.get_or_insert(j);
                }
                _ => {}
            }
        }
        let k = range.start;
        match (augmented, annotation, cuts.last()) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => return None,
            (Some(op), None, None) => self.pattern(k..op, TOP, scope)?,
            (None, Some(colon), _) => {
                // `x: T` or `x: T = v`.
                let made_by = cuts
                    .first()
                    .and_then(|&c| self.factory(c + 1..range.end, scope));
                self.target(k..colon, made_by, scope)?;
            }
            (None, None, Some(&last)) => {
                // `a = b = v`: the tree nests them, so only the last target
                // is assigned `v` itself.
                let made_by = self.factory(last + 1..range.end, scope);
                let mut from = k;
                for &cut in &cuts {
                    let holds = if cut == last { made_by.clone() } else { None };
                    self.target(from..cut, holds, scope)?;
                    from = cut + 1;
                }
            }
            (None, None, None) => {}
        }
        self.expressions(range, scope)
    }

    /// An assignment target: a name holding `made_by`'s value, or a pattern.
    pub(super) fn target(
        &mut self,
        range: Range<usize>,
        made_by: Option<String>,
        scope: usize,
    ) -> Option<()> {
        match made_by {
            Some(module) if range.len() == 1 && self.kind(range.start) == Some(Kind::Name) => {
                self.bind(scope, range.start, None, Some(module));
                Some(())
            }
            _ => self.pattern(range, TOP, scope),
        }
    }

    /// Bind the names a target pattern binds (`a`, `a, b`, `(a, *b)`,
    /// `[a]`) at the level of bracket `open`; attributes and subscripts
    /// bind none. Unsure of any other shape.
    pub(super) fn pattern(&mut self, range: Range<usize>, open: u32, scope: usize) -> Option<()> {
        let mut names = Vec::new();
        self.pattern_names(range, open, &mut names)?;
        // The tree's `pattern_names` takes them last first, which decides
        // where a name bound twice (`_, x, _ = t`) is bound.
        for k in names.into_iter().rev() {
            self.bind(scope, k, None, None);
        }
        Some(())
    }

    pub(super) fn pattern_names(
        &self,
        range: Range<usize>,
        open: u32,
        names: &mut Vec<usize>,
    ) -> Option<()> {
        for item in self.items(range, open) {
            let k = item.start + usize::from(self.op(item.start, "*"));
            let last = item.end.checked_sub(1).filter(|&l| l >= k)?;
            let closes = |s: &str| self.op(last, s) && self.tokens[k].pair as usize == last;
            if self.op(k, "(") && closes(")") || self.op(k, "[") && closes("]") {
                self.pattern_names(k + 1..last, k as u32, names)?;
            } else if self.kind(k) != Some(Kind::Name) || is_keyword(self.text(k)) {
                return None;
            } else if k == last {
                names.push(k);
            } else if !(self.op(k + 1, ".") || self.op(k + 1, "[") || self.op(k + 1, "(")) {
                return None;
            }
        }
        Some(())
    }

    /// Is token `k` inside bracket `open`, at any depth? (Everything is
    /// inside `TOP`.)
    pub(super) fn inside(&self, k: usize, open: u32) -> bool {
        let mut o = self.open(k);
        loop {
            if o == open {
                return true;
            }
            if o == TOP {
                return false;
            }
            o = self.open(o as usize);
        }
    }

    pub(super) fn push(&mut self, start: usize, parent: usize) -> usize {
        self.s.scopes.push(Scope {
            range: start..self.text.len(),
            parent: Some(parent),
            names: Default::default(),
            outside: Vec::new(),
        });
        self.s.scopes.len() - 1
    }

    pub(super) fn bind(
        &mut self,
        scope: usize,
        k: usize,
        third_party: Option<String>,
        holds: Option<String>,
    ) {
        let at = self.tokens[k].range.start;
        let name = self.text(k).to_string();
        self.s.scopes[scope].names.entry(name).or_insert(Binding {
            at,
            holds: holds.or_else(|| third_party.clone()),
            third_party,
        });
    }
}
