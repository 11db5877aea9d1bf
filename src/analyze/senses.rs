//! Whose session a name is. A name whose value is known to be a
//! third-party object of a type spelled with a rule word names that
//! type's sense, not the project's, and keeps its name (`kept: holds
//! sqlalchemy.orm.Session`): annotated with it (`s: orm.Session`, the
//! annotation read where the function is defined), made by its
//! constructor or a call chain rooted at it (`checkout_session =
//! stripe.checkout.Session.create(…)`, `with requests.Session() as
//! session`), given by a function annotated to return it (in any file,
//! and the function's own name too), returned by such a function
//! (`checkout_session = event.data.object … return checkout_session` in a
//! `def f() -> stripe.checkout.Session`), or a pytest fixture that gives
//! one (the fixture, and every test parameter of its name).
//!
//! Every use of a name must get one answer. A function's, a module's or a
//! class's name is reached by name from other files and as a member
//! (`db.SessionLocal`), so it gets the project index's answer, by name
//! (Python; such TypeScript names are left to the rules); a function's
//! local gets its binding's, worked out where it is bound, from the text
//! there, once per binding.

use anyhow::Result;

use super::decide::Verdict;
use crate::analyze::scope::{Role, Scopes};
use crate::analyze::{Analyzer, Syntax};
use crate::index::symbols::{callee, dotted_names, made};
use crate::lang::Unit;
use crate::lang::{last_name, Lang};
use crate::model::Reason;
use crate::walk::Entry;

/// How far a value is followed from name to name (`a = b`, `b = c()`).
const MAX_DEPTH: usize = 4;

/// How far back from a name its binding statement's head is read.
const MAX_HEAD: usize = 512;

impl Analyzer<'_> {
    /// The third-party type the value of the name `word` at `at` is, where
    /// that type is spelled with a rule word.
    pub(super) fn holds_sense(
        &self,
        entry: &Entry,
        syntax: &Syntax,
        scopes: &Scopes,
        (word, at): (&str, usize),
        role: Role,
    ) -> Option<String> {
        let python = syntax.lang == Lang::Python;
        let (scope, binding) = scopes.resolve(word, at);
        let class = syntax.text[scopes.start_of(scope)..].starts_with("class");
        if role == Role::Member || scope == 0 || binding.is_none() || class {
            return python.then(|| self.held_name(word)).flatten();
        }
        let bound = binding?.at;
        if let Some(known) = syntax.held.borrow().get(&bound) {
            return known.clone();
        }
        let held = self.held_at(entry, syntax, scopes, word, bound, 0);
        syntax.held.borrow_mut().insert(bound, held.clone());
        held
    }

    /// Python: a name in a string annotation (`-> "Session"`, `orm:
    /// "orm.Session"`) is theirs where the dotted name's root is bound by a
    /// third-party import or holds such a value, resolved where the
    /// annotation is (for a parameter, outside its function).
    pub(super) fn annotation_verdict<'t>(
        &'t self,
        entry: &'t Entry,
        syntax: &'t Syntax<'t>,
        scopes: &mut Option<Scopes<'t>>,
        unit: &Unit,
        at: usize,
    ) -> Result<Verdict> {
        let text = syntax.text;
        let before = text[..unit.range.start].trim_end_matches(['"', '\'']);
        let before = before.trim_end();
        if !(before.ends_with(':') || before.ends_with("->")) {
            return Ok(Verdict::Plain);
        }
        let part = |c: char| c.is_alphanumeric() || c == '_';
        let inside = &text[unit.range.start..at];
        let start = inside
            .rfind(|c: char| !(part(c) || c == '.'))
            .map_or(unit.range.start, |p| unit.range.start + p + 1);
        let root = &text[start..];
        let root = &root[..root.find(|c: char| !part(c)).unwrap_or(root.len())];
        let scopes = self.scopes_in(entry, syntax, scopes)?;
        let binding = scopes.resolve(root, unit.range.start).1;
        Ok(
            match binding.and_then(|b| b.third_party.clone().or_else(|| b.holds.clone())) {
                Some(module) => Verdict::Kept(Reason::ThirdParty(module)),
                None => Verdict::Plain,
            },
        )
    }

    /// What the project index says the function, variable or attribute
    /// `name` gives, where the type's module is third-party.
    fn held_name(&self, name: &str) -> Option<String> {
        let theirs = |module: &str| self.project.python_third_party(module);
        let held = self.project.symbols().held(name, &theirs)?;
        Some(held.path.clone())
    }

    /// As `holds_sense`, for the local name `word` bound at `bound`, read
    /// from the statement that binds it.
    fn held_at(
        &self,
        entry: &Entry,
        syntax: &Syntax,
        scopes: &Scopes,
        word: &str,
        bound: usize,
        depth: usize,
    ) -> Option<String> {
        let text = syntax.text;
        let python = syntax.lang == Lang::Python;
        // The statement's head, as far as the keywords that bind a name
        // reach back (a long line's bindings must not each scan it).
        let window = bound.saturating_sub(MAX_HEAD);
        let line = match memchr::memrchr(b'\n', &text.as_bytes()[window..bound]) {
            Some(i) => window + i + 1,
            None => window,
        };
        let line = (line..bound).find(|&i| text.is_char_boundary(i))?;
        let before = text[line..bound].trim_end();
        let statement = before.trim_start();
        let after = text[bound + word.len()..].trim_start_matches([' ', '\t']);
        // Where a part of the text is: what it names is resolved there (an
        // annotation where the function is defined).
        let offset = |part: &str| part.as_ptr() as usize - text.as_ptr() as usize;
        let imported = statement.starts_with("from ") || statement.starts_with("import ");
        if python && (ends_with_word(before, "def") || imported) {
            return self.held_name(word);
        }
        if python && is_test_file(entry) && is_parameter(statement) && !after.starts_with(':') {
            let theirs = |module: &str| self.project.python_third_party(module);
            let held = self.project.symbols().fixture(word, &theirs)?;
            return Some(held.path.clone());
        }
        if let Some(head) = before
            .strip_suffix("as")
            .filter(|_| ends_with_word(before, "as"))
        {
            // `with requests.Session() as s`, `except SessionError as e`.
            let from = ["with ", "except ", ", "]
                .iter()
                .filter_map(|k| head.rfind(k).map(|p| p + k.len()))
                .max()?;
            let value = head[from..].trim().trim_start_matches('(');
            return match statement.starts_with("except") {
                true => self.type_held(syntax, scopes, value, offset(value)),
                false => self.value_held(entry, syntax, scopes, value, offset(value), depth),
            };
        }
        let (annotation, value) = annotation_and_value(after, python);
        let held = annotation
            .and_then(|a| self.type_held(syntax, scopes, a, offset(a)))
            .or_else(|| {
                let v = value?;
                self.value_held(entry, syntax, scopes, v, offset(v), depth)
            });
        if held.is_some() || !python || value.is_none() {
            return held;
        }
        self.returned_by_function(syntax, scopes, word, bound)
    }

    /// Python: the type the function around `bound` is annotated to
    /// return, where it returns the name `word` (`return checkout_session`).
    fn returned_by_function(
        &self,
        syntax: &Syntax,
        scopes: &Scopes,
        word: &str,
        bound: usize,
    ) -> Option<String> {
        let text = syntax.text;
        let start = scopes.start_of(scopes.innermost(bound));
        let header = &text[start..];
        let header = header.strip_prefix("async").map_or(header, str::trim_start);
        let name = header.strip_prefix("def ")?.trim_start();
        let name = &name[..name.find(|c: char| !(c.is_alphanumeric() || c == '_'))?];
        let held = self.held_name(name)?;
        let returned = format!("return {word}");
        let body = &text[bound..];
        let returns = body.match_indices(&returned).any(|(i, _)| {
            !body[i + returned.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
        });
        returns.then_some(held)
    }

    /// The third-party type an annotation names, where it is spelled with
    /// a rule word (`Optional[orm.Session]`, `Stripe.Checkout.Session`).
    fn type_held(
        &self,
        syntax: &Syntax,
        scopes: &Scopes,
        annotation: &str,
        at: usize,
    ) -> Option<String> {
        dotted_names(annotation)
            .into_iter()
            .find_map(|name| self.their_type(syntax, scopes, name, at))
    }

    /// The third-party type a value is: made by a constructor or call
    /// chain rooted at a third-party name, given by a project function
    /// (the index's answer), or held by another local name.
    fn value_held(
        &self,
        entry: &Entry,
        syntax: &Syntax,
        scopes: &Scopes,
        value: &str,
        at: usize,
        depth: usize,
    ) -> Option<String> {
        let python = syntax.lang == Lang::Python;
        let value = value.trim().trim_end_matches(';').trim_end();
        // `event.data.object as Stripe.Checkout.Session`.
        if let Some((_, asserted)) = value.rsplit_once(" as ").filter(|_| !python) {
            return self.type_held(syntax, scopes, asserted, at);
        }
        let value = value.strip_prefix("new ").unwrap_or(value).trim_start();
        if let Some(callee) = callee(value) {
            return self
                .their_type(syntax, scopes, callee, at)
                .or_else(|| python.then(|| self.held_name(last_name(callee))).flatten());
        }
        let plain = !value.is_empty() && value.chars().all(|c| c.is_alphanumeric() || c == '_');
        if !plain || depth >= MAX_DEPTH {
            return None;
        }
        let (scope, binding) = scopes.resolve(value, at);
        let bound = binding?.at;
        match scope == 0 {
            true => python.then(|| self.held_name(value)).flatten(),
            false => (bound != at)
                .then(|| self.held_at(entry, syntax, scopes, value, bound, depth + 1))
                .flatten(),
        }
    }

    /// The dotted name `name` as a third-party type or factory, where its
    /// root is bound by a third-party import (or holds such a value) and
    /// one of its parts spells a rule word.
    fn their_type(
        &self,
        syntax: &Syntax,
        scopes: &Scopes,
        name: &str,
        at: usize,
    ) -> Option<String> {
        let prefilter = self.rules.prefilter();
        if !name
            .split('.')
            .any(|part| prefilter.is_match(part.as_bytes()))
        {
            return None;
        }
        let name = made(name);
        let (root, rest) = name.split_once('.').unwrap_or((name, ""));
        let binding = scopes.resolve(root, at).1?;
        let Some(module) = &binding.third_party else {
            // A value of theirs (`engine = import_module(…)`): named as reached.
            return binding.holds.as_ref().map(|m| format!("{name} from {m}"));
        };
        Some(match syntax.lang {
            Lang::Python if module == root || module.ends_with(&format!(".{root}")) => match rest {
                "" => module.clone(),
                rest => format!("{module}.{rest}"),
            },
            Lang::Python => format!("{module}.{name}"),
            _ => format!("{name} from {module}"),
        })
    }
}

/// Does `text` end with the keyword `word` (not a longer name)?
fn ends_with_word(text: &str, word: &str) -> bool {
    text.strip_suffix(word)
        .is_some_and(|r| !r.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '.'))
}

/// Is `before` (a line up to a name) the start of a `def` header's
/// parameter list, so that the name is a parameter?
fn is_parameter(before: &str) -> bool {
    let def = before.strip_prefix("async ").unwrap_or(before);
    def.starts_with("def ") && def.contains('(')
}

/// Is the file one pytest collects fixtures' users from?
fn is_test_file(entry: &Entry) -> bool {
    let name = entry
        .path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("");
    name.starts_with("test_") || name.ends_with("_test.py") || name == "conftest.py"
}

/// After a bound name: its annotation (`: T`) and the value assigned
/// (`= v`), each up to where the statement or the item ends.
fn annotation_and_value(after: &str, python: bool) -> (Option<&str>, Option<&str>) {
    let annotated = after.starts_with(':') && !after.starts_with(":=");
    let rest = if annotated { &after[1..] } else { after };
    let annotation_end = item_end(rest, python, true);
    let annotation = annotated.then(|| &rest[..annotation_end]);
    let rest = if annotated {
        &rest[annotation_end..]
    } else {
        rest
    };
    let rest = rest.trim_start_matches([' ', '\t']);
    let assigned = rest.starts_with('=') && !rest.starts_with("==") && !rest.starts_with("=>");
    let value = assigned.then(|| {
        let value = &rest[1..];
        &value[..item_end(value, python, false)]
    });
    (annotation, value)
}

/// Where an annotation (`stop_at_equals`) or a value that starts `text`
/// ends: at a `,`, `)`, `;`, line end or (for an annotation) `=`, outside
/// brackets.
fn item_end(text: &str, python: bool, stop_at_equals: bool) -> usize {
    let mut depth = 0usize;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b'<' if !python && stop_at_equals => depth += 1,
            b'>' if !python && stop_at_equals && depth > 0 => depth -= 1,
            b')' | b']' | b'}' if depth > 0 => depth -= 1,
            b')' | b']' | b'}' | b',' | b';' | b'\n' if depth == 0 => return i,
            b'=' if depth == 0 && stop_at_equals && bytes.get(i + 1) != Some(&b'=') => return i,
            _ => {}
        }
    }
    bytes.len()
}
