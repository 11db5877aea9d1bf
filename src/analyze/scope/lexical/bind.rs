//! Bindings from tokens: import statements, values made by third-party
//! calls, and the names that expressions bind (lambdas, comprehensions,
//! walrus), as `Scopes::build` records them from the tree.

use std::ops::Range;

use super::build::Builder;
use super::{is_keyword, Kind, TOP};

impl<'a> Builder<'_, 'a> {
    /// `import a.b, c as d`: `a` and `d` are bound.
    pub(super) fn import(&mut self, range: Range<usize>, scope: usize) -> Option<()> {
        let statement = self.tokens[range.start].range.start..self.tokens[range.end - 1].range.end;
        self.imports.plain.push(statement);
        for item in self.items(range.start + 1..range.end, TOP) {
            let alias = item.clone().find(|&j| self.word(j, "as"));
            let path = item.start..alias.unwrap_or(item.end);
            let bound = match alias {
                Some(a) if a + 2 == item.end => a + 1,
                Some(_) => return None,
                None => item.start,
            };
            if path.is_empty() || self.kind(bound) != Some(Kind::Name) {
                return None;
            }
            let third = self.third_party(path);
            self.bind(scope, bound, third, None);
        }
        Some(())
    }

    /// A `with` or `except` header's items (`A() as a, B() as (b, c)`,
    /// `E as e`): what `as` binds (a name made by a third-party call holds
    /// its value), and what the values bind.
    pub(super) fn as_targets(&mut self, range: Range<usize>, scope: usize) -> Option<()> {
        if range.is_empty() {
            return Some(());
        }
        let whole =
            self.op(range.start, "(") && self.tokens[range.start].pair as usize == range.end - 1;
        let (inside, open) = match whole {
            true => (range.start + 1..range.end - 1, range.start as u32),
            false => (range.clone(), TOP),
        };
        for item in self.items(inside, open) {
            let alias = self.level(item.clone(), open).find(|&j| self.word(j, "as"));
            match alias {
                // `with (A() as a):` is left to the tree.
                Some(_) if open != TOP => return None,
                Some(alias) => {
                    self.expressions(item.start..alias, scope)?;
                    let made_by = self.factory(item.start..alias, scope);
                    self.target(alias + 1..item.end, made_by, scope)?;
                }
                None => self.expressions(item, scope)?,
            }
        }
        Some(())
    }

    /// The module named by the tokens in `path`, if it is third-party.
    pub(super) fn third_party(&self, path: Range<usize>) -> Option<String> {
        let bytes = self.tokens[path.start].range.start..self.tokens[path.end - 1].range.end;
        let module = &self.text[bytes];
        self.s
            .project
            .python_third_party(module)
            .then(|| module.to_string())
    }

    /// `from m import a, b as c`, `from m import (a, b)`, `from m import *`.
    pub(super) fn import_from(&mut self, range: Range<usize>, scope: usize) -> Option<()> {
        let import = self
            .level(range.start + 1..range.end, TOP)
            .find(|&j| self.word(j, "import"))?;
        if import == range.start + 1 {
            return None;
        }
        let third = self.third_party(range.start + 1..import);
        let statement = self.tokens[range.start].range.start..self.tokens[range.end - 1].range.end;
        self.imports.from.push((statement, third.clone()));
        let (names, open) = match self.op(import + 1, "(") {
            true if self.tokens[import + 1].pair as usize == range.end - 1 => {
                (import + 2..range.end - 1, (import + 1) as u32)
            }
            true => return None,
            false => (import + 1..range.end, TOP),
        };
        if self.op(names.start, "*") {
            return Some(());
        }
        for item in self.items(names, open) {
            let bound = match item.len() {
                1 => item.start,
                3 if self.word(item.start + 1, "as") => item.start + 2,
                _ => return None,
            };
            if self.kind(bound) != Some(Kind::Name) {
                return None;
            }
            self.bind(scope, bound, third.clone(), None);
        }
        Some(())
    }

    /// The third-party module whose constructor or factory makes the value
    /// in `range` (`requests.Session()`, `await connect()`), as
    /// `Scopes::factory_module` reads it: a call of a dotted name.
    pub(super) fn factory(&self, range: Range<usize>, scope: usize) -> Option<String> {
        let mut k = range.start;
        while self.word(k, "await") {
            k += 1;
        }
        let last = range.end.checked_sub(1)?;
        if !self.op(last, ")") || self.open(last) != TOP {
            return None;
        }
        let open = self.tokens[last].pair as usize;
        let mut j = k;
        while j + 1 != open {
            if self.kind(j) != Some(Kind::Name) || is_keyword(self.text(j)) || !self.op(j + 1, ".")
            {
                return None;
            }
            j += 2;
        }
        if self.kind(j) != Some(Kind::Name) || is_keyword(self.text(j)) {
            return None;
        }
        let root = self.text(k);
        self.s
            .chain(scope)
            .find_map(|s| self.s.bound_in(s, root))
            .and_then(|b| b.holds.clone())
    }

    /// What an expression binds: walrus targets, comprehension targets,
    /// and lambdas with their parameters.
    pub(super) fn expressions(&mut self, range: Range<usize>, scope: usize) -> Option<()> {
        let mut k = range.start;
        while k < range.end {
            if self.word(k, "lambda") {
                k = self.lambda(k, range.end, scope)?;
                continue;
            }
            if self.op(k, ":=") {
                if k == range.start || self.kind(k - 1) != Some(Kind::Name) {
                    return None;
                }
                self.bind(scope, k - 1, None, None);
            }
            let open = self.open(k);
            if self.word(k, "for") && open != TOP {
                let r#in =
                    (k + 1..range.end).find(|&j| self.open(j) == open && self.word(j, "in"))?;
                self.pattern(k + 1..r#in, open, scope)?;
                k = r#in;
            }
            k += 1;
        }
        Some(())
    }

    /// The lambda at `k`: its scope, parameters and body, which ends before
    /// `end` at the latest. Returns the index after its body.
    pub(super) fn lambda(&mut self, k: usize, end: usize, scope: usize) -> Option<usize> {
        let open = self.open(k);
        let inner = self.push(self.tokens[k].range.start, scope);
        // The tree's `lambda` keyword is a node of kind "lambda" too, and
        // `Scopes::build` opens an empty scope for it: so does this.
        let keyword = self.push(self.tokens[k].range.start, inner);
        self.s.scopes[keyword].range.end = self.tokens[k].range.end;
        let colon = self.colon(k + 1..end, open)?;
        self.parameters(k + 1..colon, open, inner, scope)?;
        // The body: up to what ends an expression at this level.
        let mut lambdas = 0;
        let body = colon + 1;
        let mut j = body;
        while j < end {
            if self.open(j) != open {
                // Deeper brackets are the body's; the bracket's end ends it.
                if !self.inside(j, open) {
                    break;
                }
            } else {
                match (self.kind(j), self.text(j)) {
                    (Some(Kind::Name), "lambda") => lambdas += 1,
                    (Some(Kind::Op), ":") if lambdas > 0 => lambdas -= 1,
                    (Some(Kind::Op), "," | ":" | ";" | "=") => break,
                    (Some(Kind::Name), "for" | "async" | "as") => break,
                    _ => {}
                }
            }
            j += 1;
        }
        if j == body {
            return None;
        }
        self.s.scopes[inner].range.end = self.tokens[j - 1].range.end;
        self.expressions(body..j, inner)?;
        Some(j)
    }
}
