//! Which values the project's functions give, by name: a function whose
//! return annotation names an imported type spelled with a rule word
//! (`def get_orm_session() -> Generator[Session, None, None]` with `from
//! sqlalchemy.orm import Session`), and a pytest fixture whose value is
//! one (annotated, made by such a call, or by another function that
//! gives one). A name that receives such a value names that type's sense,
//! not the project's; whether the type's module is third-party is asked
//! when the name is decided (`Held::module`), since only the project knows.

use std::collections::HashMap;

use super::statements::{keyword, leading_module, leading_name, parts};

/// An imported type, as the module that binds it and its dotted path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    /// `sqlalchemy.orm.Session`.
    pub path: String,
    /// `sqlalchemy.orm`: the module of the import that binds its root.
    pub module: String,
}

/// What a fixture gives: what its annotation or the call it gives the
/// value of names (a type if its module is third-party), and the
/// function it calls (whatever that function gives otherwise).
#[derive(Debug)]
struct Gives {
    held: Option<Held>,
    call: Option<String>,
}

/// The senses the project's functions and fixtures give, by name.
#[derive(Debug, Default)]
pub(super) struct Senses {
    returns: HashMap<String, Held>,
    fixtures: HashMap<String, Gives>,
}

/// A file's imports: each bound name, with its module and dotted path.
#[derive(Default)]
pub(super) struct Imports(HashMap<String, (String, String)>);

impl Imports {
    /// Record `code` if it is an import statement (`from M import a as b`,
    /// `import a.b as c`, `import a.b`).
    pub(super) fn add(&mut self, code: &str) {
        if let Some(rest) = keyword(code, "from") {
            let module = leading_module(rest);
            let Some(names) = keyword(rest[module.len()..].trim_start(), "import") else {
                return;
            };
            let names = names.trim_start_matches('(').trim_end_matches(')');
            for part in parts(names) {
                let (name, bound) = match part.split_once(" as ") {
                    Some((name, alias)) => (name.trim(), alias.trim()),
                    None => (part, part),
                };
                let path = format!("{module}.{}", leading_name(name));
                self.0
                    .insert(leading_name(bound).to_string(), (module.to_string(), path));
            }
        } else if let Some(rest) = keyword(code, "import") {
            for part in parts(rest) {
                let (module, bound) = match part.split_once(" as ") {
                    Some((module, alias)) => (leading_module(module.trim()), alias.trim()),
                    None => {
                        let module = leading_module(part);
                        (module, module.split('.').next().unwrap_or(module))
                    }
                };
                let path = match bound == module || module.ends_with(&format!(".{bound}")) {
                    true => module.to_string(),
                    false => module.split('.').next().unwrap_or(module).to_string(),
                };
                self.0
                    .insert(leading_name(bound).to_string(), (module.to_string(), path));
            }
        }
    }

    /// The first dotted name in `text` that is rooted at an import and
    /// spells a rule word, as a type (`Generator[Session, None, None]` →
    /// `sqlalchemy.orm.Session`).
    pub(super) fn held(&self, text: &str, worded: &dyn Fn(&str) -> bool) -> Option<Held> {
        dotted_names(text).into_iter().find_map(|name| {
            let (root, rest) = name.split_once('.').unwrap_or((name, ""));
            let (module, path) = self.0.get(root)?;
            name.split('.').any(worded).then(|| Held {
                path: match rest {
                    "" => path.clone(),
                    rest => format!("{path}.{rest}"),
                },
                module: module.clone(),
            })
        })
    }
}

/// The dotted names in `text`, in order (`a.b[c.D]` → `a.b`, `c.D`).
pub fn dotted_names(text: &str) -> Vec<&str> {
    let is_part = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    text.split(|c: char| !is_part(c))
        .map(|n| n.trim_matches('.'))
        .filter(|n| {
            n.chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
        })
        .collect()
}

/// The return annotation of a `def` header (after `def`), given its
/// parameter list (a slice of it): `f(a) -> T:` → `T`.
pub(super) fn returned<'h>(header: &'h str, parameters: &str) -> Option<&'h str> {
    // (A header without a parameter list gives a `parameters` from
    // elsewhere: no annotation then.)
    let start = (parameters.as_ptr() as usize).checked_sub(header.as_ptr() as usize)?;
    let end = start + parameters.len();
    let after = header.get(end..)?.trim_start().strip_prefix(')')?;
    let annotation = after.trim_start().strip_prefix("->")?;
    Some(annotation.trim().trim_end_matches(':').trim_end())
}

/// The value a `return`/`yield` statement gives, if `code` is one.
pub(super) fn given(code: &str) -> Option<&str> {
    let value = keyword(code, "return").or_else(|| keyword(code, "yield"))?;
    Some(keyword(value, "from").unwrap_or(value))
}

/// The callee of a call that is the whole of `value` (`a.b.C(…)`,
/// `await f(…)`, `next(f(…))` → `f`).
pub fn callee(value: &str) -> Option<&str> {
    let value = value.trim();
    let value = keyword(value, "await").unwrap_or(value);
    let name = value.split('(').next()?.trim_end();
    let args = value[name.len()..].trim_start().strip_prefix('(')?;
    if name.is_empty() || !value.ends_with(')') || name.contains(|c: char| c.is_whitespace()) {
        return None;
    }
    match name {
        "next" | "iter" | "anext" | "aiter" => callee(args.strip_suffix(')')?),
        _ => Some(name),
    }
}

/// A fixture being read: its name and indentation, what it is annotated
/// to give, and the statements of its body read so far.
pub(super) struct Fixture {
    pub(super) name: String,
    pub(super) indent: usize,
    pub(super) held: Option<Held>,
    /// `name = value` and `with value as name` in its body.
    bound: Vec<(String, String)>,
    given: Vec<String>,
}

impl Fixture {
    pub(super) fn new(name: &str, indent: usize, held: Option<Held>) -> Fixture {
        Fixture {
            name: name.to_string(),
            indent,
            held,
            bound: Vec::new(),
            given: Vec::new(),
        }
    }

    /// A statement of its body.
    pub(super) fn statement(&mut self, code: &str) {
        if let Some(value) = given(code) {
            self.given.push(value.trim().to_string());
        } else if let Some(items) = keyword(code, "with") {
            let items = items.trim_end_matches(':');
            for item in parts(items) {
                if let Some((value, name)) = item.rsplit_once(" as ") {
                    self.bound
                        .push((name.trim().to_string(), value.trim().to_string()));
                }
            }
        } else if let Some((name, value)) = code.split_once('=') {
            let name = name.trim();
            if !value.starts_with('=') && leading_name(name) == name && !name.is_empty() {
                self.bound
                    .push((name.to_string(), value.trim().to_string()));
            }
        }
    }
}

impl Senses {
    /// A function named `name` returns `held`.
    pub(super) fn returns(&mut self, name: &str, held: Held) {
        self.returns.entry(name.to_string()).or_insert(held);
    }

    /// A statement at `indent` after a fixture's header: in its body, or
    /// after it ended.
    pub(super) fn statement(
        &mut self,
        fixture: &mut Option<Fixture>,
        (indent, code): (usize, &str),
        imports: &Imports,
        worded: &dyn Fn(&str) -> bool,
    ) {
        match fixture.take() {
            Some(f) if f.indent >= indent => self.fixture(f, imports, worded),
            Some(mut f) => {
                f.statement(code);
                *fixture = Some(f);
            }
            None => {}
        }
    }

    /// The fixture ended: what it gives, if known.
    pub(super) fn fixture(&mut self, f: Fixture, imports: &Imports, worded: &dyn Fn(&str) -> bool) {
        let called = f.given.iter().find_map(|value| {
            let value = f
                .bound
                .iter()
                .rev()
                .find(|(n, _)| n == value)
                .map_or(value.as_str(), |(_, v)| v.as_str());
            callee(value)
        });
        let gives = Gives {
            held: f
                .held
                .or_else(|| called.and_then(|c| imports.held(c, worded))),
            call: called.map(|c| crate::lang::last_name(c).to_string()),
        };
        if gives.held.is_some() || gives.call.is_some() {
            self.fixtures.entry(f.name).or_insert(gives);
        }
    }

    pub(super) fn join(&mut self, other: Senses) {
        for (name, held) in other.returns {
            self.returns.entry(name).or_insert(held);
        }
        for (name, gives) in other.fixtures {
            self.fixtures.entry(name).or_insert(gives);
        }
    }

    pub(super) fn returned(&self, function: &str) -> Option<&Held> {
        self.returns.get(function)
    }

    /// What the fixture `name` gives: the type its annotation or call
    /// names where `theirs` says that type's module is third-party, else
    /// what the function it calls returns.
    pub(super) fn fixture_gives(&self, name: &str, theirs: &dyn Fn(&str) -> bool) -> Option<&Held> {
        let gives = self.fixtures.get(name)?;
        let held = gives.held.as_ref().filter(|h| theirs(&h.module));
        held.or_else(|| self.returns.get(gives.call.as_ref()?))
    }
}
