//! Which values the project's functions give, by name: a function whose
//! return annotation names an imported type spelled with a rule word
//! (`def get_orm_session() -> Generator[Session, None, None]` with `from
//! sqlalchemy.orm import Session`), and a pytest fixture whose value is
//! one (annotated, made by such a call, or by another function that
//! gives one). A name that receives such a value names that type's sense,
//! not the project's; whether the type's module is third-party is asked
//! when the name is decided (`Held::module`), since only the project knows.

use std::collections::HashMap;

use super::statements::{from_import, keyword, leading_module, leading_name, parts};

/// An imported type, as the module that binds it and its dotted path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    /// `sqlalchemy.orm.Session`.
    pub path: String,
    /// `sqlalchemy.orm`: the module of the import that binds its root.
    pub module: String,
}

/// What a name gives: the type its annotation or the call that makes its
/// value names (a type only where its module is third-party, which the
/// project decides when asked), and the function that call calls
/// (whatever that function gives otherwise).
#[derive(Clone, Debug, Default)]
struct Gives {
    held: Option<Held>,
    call: Option<String>,
}

/// Names of functions, fixtures, and module- or class-level variables,
/// with what each gives. Names, not bindings: the rest of the project
/// reaches these by name (`from app.db import SessionLocal`, `db.
/// get_orm_session()`, a test parameter), so every use of a name must get
/// one answer.
#[derive(Debug, Default)]
pub(super) struct Senses {
    names: HashMap<String, Gives>,
    fixtures: HashMap<String, Gives>,
    /// Parameters annotated with such a type, by callable and name: a
    /// keyword that names one keeps its name with it.
    parameters: HashMap<(String, String), Held>,
}

impl super::Symbols {
    /// The imported type spelled with a rule word that the function,
    /// module- or class-level variable `name` gives (`theirs`: is a module
    /// third-party?), by annotation or by the call that makes its value.
    pub fn held(&self, name: &str, theirs: &dyn Fn(&str) -> bool) -> Option<&Held> {
        self.senses.held_name(name, theirs)
    }

    /// As `held`, for the parameter `param` of a callable `callee`.
    pub fn held_parameter(
        &self,
        callee: &str,
        param: &str,
        theirs: &dyn Fn(&str) -> bool,
    ) -> Option<&Held> {
        self.senses.held_parameter(callee, param, theirs)
    }

    /// As `held`, for a pytest fixture: each test parameter of its name
    /// receives it.
    pub fn fixture(&self, name: &str, theirs: &dyn Fn(&str) -> bool) -> Option<&Held> {
        self.senses.fixture_gives(name, theirs)
    }
}

/// A file's imports: each bound name, with its module and dotted path.
#[derive(Default)]
pub(super) struct Imports(HashMap<String, (String, String)>);

impl Imports {
    /// Record `code` if it is an import statement (`from M import a as b`,
    /// `import a.b as c`, `import a.b`).
    pub(super) fn add(&mut self, code: &str) {
        if let Some(rest) = keyword(code, "from") {
            let Some((module, names)) = from_import(rest) else {
                return;
            };
            for (name, bound) in names {
                let path = format!("{module}.{name}");
                self.0.insert(bound.to_string(), (module.to_string(), path));
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
        dotted_names(text).into_iter().map(made).find_map(|name| {
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

/// What a dotted type or factory makes: `stripe.checkout.Session.create`
/// (a method of a class) makes a `stripe.checkout.Session`.
pub fn made(name: &str) -> &str {
    name.rfind(char::is_uppercase).map_or(name, |i| {
        name[i..].find('.').map_or(name, |dot| &name[..i + dot])
    })
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

/// A function being read: its name and indentation, what it is
/// annotated to give, whether it is a pytest fixture, and the statements
/// of its body read so far.
pub(super) struct Body<'t> {
    name: &'t str,
    indent: usize,
    held: Option<Held>,
    fixture: bool,
    /// `name = value` and `with value as name` in its body: slices of the
    /// file, since every function's statements are kept until it ends.
    bound: Vec<(&'t str, &'t str)>,
    given: Vec<&'t str>,
}

impl<'t> Body<'t> {
    pub(super) fn new(name: &'t str, indent: usize, held: Option<Held>, fixture: bool) -> Body<'t> {
        Body {
            name,
            indent,
            held,
            fixture,
            bound: Vec::new(),
            given: Vec::new(),
        }
    }

    /// A statement of its body.
    fn statement(&mut self, code: &'t str) {
        if let Some(value) = given(code) {
            self.given.push(value.trim());
        } else if let Some(items) = keyword(code, "with") {
            let items = items.trim_end_matches(':');
            for item in parts(items) {
                if let Some((value, name)) = item.rsplit_once(" as ") {
                    self.bound.push((name.trim(), value.trim()));
                }
            }
        } else if let Some((name, value)) = assignment(code) {
            self.bound.push((name, value));
        }
    }

    /// The call whose value it gives, if one (`return x` after `x = f(…)`).
    fn called(&self) -> Option<&str> {
        self.given.iter().find_map(|value| {
            let value = self
                .bound
                .iter()
                .rev()
                .find(|(n, _)| n == value)
                .map_or(*value, |(_, v)| *v);
            callee(value)
        })
    }
}

/// `name = value` or `name: T = value`: the name and the value.
fn assignment(code: &str) -> Option<(&str, &str)> {
    let (target, value) = code.split_once('=')?;
    let name = target.split(':').next().unwrap_or(target).trim();
    let plain = !value.starts_with('=') && !name.is_empty() && leading_name(name) == name;
    plain.then(|| (name, value.trim()))
}

/// The most names a question follows (`a` gives what `b()` gives …).
const MAX_CALLS: usize = 4;

impl Senses {
    /// A statement at `indent`: in the bodies of the functions open, or
    /// after some ended; `top` when it is at module or class level, where
    /// what it assigns is reached by name.
    pub(super) fn statement<'t>(
        &mut self,
        bodies: &mut Vec<Body<'t>>,
        (indent, code, top): (usize, &'t str, bool),
        imports: &Imports,
        worded: &dyn Fn(&str) -> bool,
    ) {
        while bodies.last().is_some_and(|b| b.indent >= indent) {
            if let Some(body) = bodies.pop() {
                self.ended(body, imports, worded);
            }
        }
        if let Some(body) = bodies.last_mut() {
            body.statement(code);
        }
        if let Some((name, value)) = top
            .then(|| assignment(code))
            .flatten()
            .filter(|(n, _)| worded(n))
        {
            let gives = gives(None, callee(value), imports, worded);
            self.names.entry(name.to_string()).or_insert(gives);
        }
    }

    /// The file ended: so did every function still open.
    pub(super) fn finish(
        &mut self,
        bodies: Vec<Body>,
        imports: &Imports,
        worded: &dyn Fn(&str) -> bool,
    ) {
        for body in bodies.into_iter().rev() {
            self.ended(body, imports, worded);
        }
    }

    fn ended(&mut self, body: Body, imports: &Imports, worded: &dyn Fn(&str) -> bool) {
        let gives = gives(body.held.clone(), body.called(), imports, worded);
        // The first definition of a name stays (`or_insert`), looked up
        // before its key is made: most functions are defined once.
        if body.fixture && !self.fixtures.contains_key(body.name) {
            self.fixtures.insert(body.name.to_string(), gives.clone());
        }
        if !self.names.contains_key(body.name) {
            self.names.insert(body.name.to_string(), gives);
        }
    }

    /// The parameters (`annotated`) of the callable `name`.
    pub(super) fn parameters(
        &mut self,
        name: &str,
        annotated: Vec<(String, String)>,
        imports: &Imports,
        worded: &dyn Fn(&str) -> bool,
    ) {
        for (param, annotation) in annotated.into_iter().filter(|(p, _)| worded(p)) {
            if let Some(held) = imports.held(&annotation, worded) {
                self.parameters
                    .entry((name.to_string(), param))
                    .or_insert(held);
            }
        }
    }

    /// Add a later file's senses: the first file's stays, as within one.
    pub(super) fn join(&mut self, other: Senses) {
        for (key, held) in other.parameters {
            self.parameters.entry(key).or_insert(held);
        }
        for (name, gives) in other.names {
            self.names.entry(name).or_insert(gives);
        }
        for (name, gives) in other.fixtures {
            self.fixtures.entry(name).or_insert(gives);
        }
    }

    /// What the function, variable or class attribute `name` gives, where
    /// `theirs` says the type's module is third-party.
    pub(super) fn held_name(&self, name: &str, theirs: &dyn Fn(&str) -> bool) -> Option<&Held> {
        self.resolve(self.names.get(name)?, theirs, 0)
    }

    /// The type the parameter `param` of the callable `callee` is
    /// annotated with, where its module is third-party.
    pub(super) fn held_parameter(
        &self,
        callee: &str,
        param: &str,
        theirs: &dyn Fn(&str) -> bool,
    ) -> Option<&Held> {
        let held = self
            .parameters
            .get(&(callee.to_string(), param.to_string()))?;
        theirs(&held.module).then_some(held)
    }

    /// As `held_name`, for the pytest fixture `name`.
    pub(super) fn fixture_gives(&self, name: &str, theirs: &dyn Fn(&str) -> bool) -> Option<&Held> {
        self.resolve(self.fixtures.get(name)?, theirs, 0)
    }

    fn resolve<'s>(
        &'s self,
        gives: &'s Gives,
        theirs: &dyn Fn(&str) -> bool,
        depth: usize,
    ) -> Option<&'s Held> {
        let held = gives.held.as_ref().filter(|h| theirs(&h.module));
        held.or_else(|| {
            let next = self.names.get(gives.call.as_ref()?)?;
            (depth < MAX_CALLS)
                .then(|| self.resolve(next, theirs, depth + 1))
                .flatten()
        })
    }
}

/// What a name annotated `held` whose value `called` makes gives.
fn gives(
    held: Option<Held>,
    called: Option<&str>,
    imports: &Imports,
    worded: &dyn Fn(&str) -> bool,
) -> Gives {
    Gives {
        held: held.or_else(|| called.and_then(|c| imports.held(c, worded))),
        call: called.map(|c| crate::lang::last_name(c).to_string()),
    }
}
