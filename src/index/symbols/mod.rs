//! What the project's Python code defines, by name, across its files: the
//! keyword parameters each callable takes, the names it defines (classes,
//! functions, methods, attributes), and the attributes of classes whose
//! instances are serialized by introspection (wire keys), and what types
//! functions and fixtures give (`senses`). Links need these to tell whose
//! a keyword or a string is: `f(session_id=…)` is the project's name only
//! when a function `f` of the project takes `session_id`.
//!
//! Names, not bindings: a call's callee is rarely known more exactly than
//! by its name (`self.client.start(…)`), so every definition of that name
//! counts. The files read are those with rule words and those that
//! serialize or model values (a class that makes another serialized may
//! spell no rule word: `Project` picks them from the walk), but only names
//! with a rule word are kept: no other is asked about, and a file that
//! spells no rule word is read for its classes and what it serializes
//! only (which is most of the files read, and half the bytes, on a tree
//! already migrated). Files are read by their statements and indentation,
//! not parsed: every one would need a tree otherwise.

mod classes;
mod senses;
mod statements;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use classes::Class;
pub use senses::{callee, dotted_names, made, Held};
use senses::{returned, Body, Imports, Senses};
use statements::{
    annotated, bases, capitalized_names, from_import, keyword, keywords, leading_name,
    serialized_names, split_header, statements,
};

/// The project's Python definitions, by name.
#[derive(Debug, Default)]
pub struct Symbols {
    callables: HashMap<String, Vec<Callable>>,
    defined: HashSet<String>,
    /// Each attribute of a serialized class, with every such class
    /// (`class X (file:line)`).
    wire: HashMap<String, String>,
    /// Names bound by importing them from an absolute module (`from
    /// requests import Session as OriginalSession`), with every such module.
    imported: HashMap<String, Vec<String>>,
    /// What functions and fixtures give.
    senses: Senses,
}

#[derive(Debug, Default)]
struct Callable {
    /// Parameters that a keyword may name (no `*args`, `**kwargs`, `self`).
    keywords: Vec<String>,
    /// A class without its own `__init__` or fields: its bases decide.
    bases: Vec<String>,
    /// The keywords are the fields of a serialized class: wire keys.
    wire: Option<String>,
}

/// Whose a keyword argument is, by its callee.
#[derive(Debug, PartialEq, Eq)]
pub enum Accepts {
    /// A project function takes a parameter of that name: the keyword is
    /// the parameter's name.
    Parameter,
    /// A serialized class of the project takes it as a field.
    Wire(String),
    /// No project callable of that name takes it by name.
    No,
}

impl Symbols {
    /// Read the Python files `files` (absolute path, path as shown) on
    /// `threads` threads, keeping the names that `worded` says hold a rule
    /// word: the only ones asked about (a keyword, a string, an attribute
    /// with a hit).
    pub fn new(
        files: &[(PathBuf, String)],
        worded: &(dyn Fn(&str) -> bool + Sync),
        threads: usize,
    ) -> Symbols {
        // One part a file, each read by the next free thread and joined
        // in file order as it comes: the same index whatever the thread
        // count (a file's part adds to the earlier ones as its own
        // statements add to each other), no thread left alone with a run
        // of big files, and the joining done while files are still read
        // (joined at the end, the index of a 32-fold corpus took 40% longer,
        // and a third more memory).
        let mut symbols = Symbols::default();
        let (mut classes, mut serialized) = (Vec::new(), HashSet::new());
        let read = |file: &(PathBuf, String)| Part::read(file, worded);
        let joined = crate::parallel::ordered(
            files,
            threads.max(1),
            |_| 1,
            read,
            |_, part| {
                symbols.join(part.symbols);
                classes.extend(part.classes);
                serialized.extend(part.serialized);
                Ok(())
            },
        );
        // Only a worker that panicked (a bug, reported by the panic) fails
        // here: the files it did not read are left out of the index.
        let _ = joined;
        symbols.add_classes(classes, &serialized);
        symbols
    }

    /// Add another run's definitions after these.
    fn join(&mut self, other: Symbols) {
        for (name, callables) in other.callables {
            self.callables.entry(name).or_default().extend(callables);
        }
        self.defined.extend(other.defined);
        self.senses.join(other.senses);
        for (name, modules) in other.imported {
            let known = self.imported.entry(name).or_default();
            for module in modules {
                if !known.contains(&module) {
                    known.push(module);
                }
            }
        }
    }

    /// Does a callable named `callee` (the last name of the call's
    /// function) take `keyword` by name?
    pub fn accepts(&self, callee: &str, keyword: &str) -> Accepts {
        self.accepts_within(callee, keyword, 0)
    }

    fn accepts_within(&self, callee: &str, keyword: &str, depth: usize) -> Accepts {
        let Some(callables) = self.callables.get(callee) else {
            return Accepts::No;
        };
        for c in callables {
            if c.keywords.iter().any(|k| k == keyword) {
                return match &c.wire {
                    Some(class) => Accepts::Wire(class.clone()),
                    None => Accepts::Parameter,
                };
            }
            // Bases chain a few levels at most: a cycle must end.
            if depth < 8 {
                for base in &c.bases {
                    match self.accepts_within(base, keyword, depth + 1) {
                        Accepts::No => {}
                        found => return found,
                    }
                }
            }
        }
        Accepts::No
    }

    /// Does the project define `name` (a class, function, method,
    /// attribute or class field)?
    pub fn defines(&self, name: &str) -> bool {
        self.defined.contains(name)
    }

    /// The module a name is imported from where the project binds it by
    /// an absolute import and defines no such name itself: another module
    /// that imports it from the project (`from .session import
    /// OriginalSession`) imports that module's name.
    pub fn imported_from(&self, name: &str) -> &[String] {
        match self.defined.contains(name) {
            true => &[],
            false => self.imported.get(name).map_or(&[], Vec::as_slice),
        }
    }

    /// The serialized classes whose attribute `name` is, if any.
    pub fn wire(&self, name: &str) -> Option<&str> {
        self.wire.get(name).map(String::as_str)
    }

    /// One file's definitions, statement by statement: its classes are
    /// added to `classes`, the classes its functions serialize to
    /// `serialized`.
    fn read(
        &mut self,
        path: &str,
        text: &str,
        worded: &dyn Fn(&str) -> bool,
        (classes, serialized): (&mut Vec<Class>, &mut HashSet<String>),
    ) {
        let shared_path: Arc<str> = Arc::from(path);
        // A file that spells no rule word names nothing asked about: what
        // it adds is its classes (a base or an annotation may make a class
        // of another file serialized) and what its functions serialize.
        let worded_file = worded(text);
        // Dataclasses are serialized where the file calls `asdict`.
        let asdict = text.contains("asdict(") || text.contains("astuple(");
        // Where the file serializes, found once: a statement is asked
        // which values it serializes only where one of these is.
        let mut serializing: Vec<usize> = SERIALIZERS
            .iter()
            .flat_map(|m| memchr::memmem::find_iter(text.as_bytes(), m.as_bytes()))
            .collect();
        serializing.sort_unstable();
        let mut blocks: Vec<Block> = Vec::new();
        let mut decorators = String::new();
        let mut imports = Imports::default();
        let mut bodies: Vec<Body> = Vec::new();
        // Lines counted as the statements go by, for the classes' lines.
        let (mut line, mut counted) = (1, 0);
        for (start, statement) in statements(text) {
            let code = statement.trim_start();
            let indent = statement.len() - code.len();
            while blocks.last().is_some_and(|b| b.indent >= indent) {
                blocks.pop();
            }
            let in_class = blocks.last().and_then(|b| b.class);
            let around = blocks.iter().rev().find_map(|b| b.class);
            if worded_file {
                let top = (indent, code, blocks.is_empty() || in_class.is_some());
                self.senses.statement(&mut bodies, top, &imports, worded);
                if let Some(class) = around {
                    classes[class].attributes_of(code, worded);
                }
            }
            let from = start + indent;
            let next = serializing.partition_point(|&at| at < from);
            let names = match serializing.get(next) {
                Some(&at) if at < from + code.len() => serialized_names(code),
                _ => Vec::new(),
            };
            for name in names {
                match (name, around) {
                    ("self", Some(class)) => classes[class].serializes = true,
                    _ => {
                        // The classes a parameter's annotation names.
                        let annotation = blocks.iter().rev().find_map(|b| {
                            let params = annotated(b.parameters);
                            params.into_iter().find(|(p, _)| p == name).map(|(_, a)| a)
                        });
                        if let Some(annotation) = annotation {
                            let named = capitalized_names(&annotation).into_iter();
                            serialized.extend(named.map(str::to_string));
                        }
                    }
                }
            }
            if code.starts_with('@') {
                decorators.push_str(code);
                continue;
            }
            let decorated = std::mem::take(&mut decorators);
            if worded_file {
                imports.add(code);
            }
            if let Some(rest) = keyword(code, "from") {
                if worded_file {
                    self.imports(rest, worded);
                }
                continue;
            }
            if let Some(header) = keyword(code, "class") {
                line += bytecount::count(&text.as_bytes()[counted..start], b'\n');
                counted = start;
                let (name, arguments) = split_header(header);
                if worded(name) {
                    self.defined.insert(name.to_string());
                }
                classes.push(Class {
                    name: name.to_string(),
                    path: Arc::clone(&shared_path),
                    line,
                    bases: bases(arguments),
                    dataclass: decorated.contains("dataclass") && asdict,
                    ..Class::default()
                });
                blocks.push(Block {
                    indent,
                    class: Some(classes.len() - 1),
                    parameters: "",
                });
            } else if let Some(header) = keyword(code, "def")
                .or_else(|| keyword(code, "async").and_then(|r| keyword(r, "def")))
            {
                let (name, parameters) = split_header(header);
                if worded_file {
                    let held = returned(header, parameters).and_then(|r| imports.held(r, worded));
                    bodies.push(Body::new(name, indent, held, decorated.contains("fixture")));
                    self.senses
                        .parameters(name, annotated(parameters), &imports, worded);
                }
                let mut keywords = match worded_file {
                    true => keywords(parameters),
                    false => Vec::new(),
                };
                keywords.retain(|k| worded(k));
                if let (Some(class), "__init__") = (in_class, name) {
                    classes[class].init = Some(keywords.clone());
                }
                if worded(name) {
                    self.defined.insert(name.to_string());
                }
                if !keywords.is_empty() {
                    let callable = Callable {
                        keywords,
                        ..Callable::default()
                    };
                    self.callables
                        .entry(name.to_string())
                        .or_default()
                        .push(callable);
                }
                blocks.push(Block {
                    indent,
                    class: None,
                    parameters,
                });
            } else if let (Some(class), true) = (in_class, worded_file) {
                let name = leading_name(code);
                let after = code[name.len()..].trim_start();
                let assigns =
                    after.starts_with(':') || after.starts_with('=') && !after.starts_with("==");
                if !name.is_empty() && assigns && worded(name) {
                    classes[class].fields.push(name.to_string());
                }
            }
        }
        self.senses.finish(bodies, &imports, worded);
    }

    /// `from MODULE import a, b as c` (after `from`): the names it binds,
    /// where MODULE is absolute.
    fn imports(&mut self, rest: &str, worded: &dyn Fn(&str) -> bool) {
        let Some((module, names)) = from_import(rest) else {
            return;
        };
        for (_, bound) in names {
            if bound.is_empty() || !worded(bound) {
                continue;
            }
            let modules = self.imported.entry(bound.to_string()).or_default();
            if !modules.iter().any(|m| m == module) {
                modules.push(module.to_string());
            }
        }
    }
}

/// One run of files read: their definitions, classes, and the classes
/// their functions serialize (`def record(self, event: Event)` …
/// `event.__dict__`), by name.
#[derive(Default)]
struct Part {
    symbols: Symbols,
    classes: Vec<Class>,
    serialized: HashSet<String>,
}

impl Part {
    /// One file's definitions (`abs`, shown as `shown`).
    fn read((abs, shown): &(PathBuf, String), worded: &dyn Fn(&str) -> bool) -> Part {
        let mut part = Part::default();
        // A file that cannot be read now was reported by the walk, or will
        // be when it is processed. Read into this thread's buffer, as the
        // walk reads: no fresh memory for each file.
        let read = |text: Result<&str, _>| {
            if let Ok(text) = text {
                let found = (&mut part.classes, &mut part.serialized);
                part.symbols.read(shown, text, worded, found);
            }
        };
        let _ = crate::walk::read::with_text(abs, crate::walk::read::Until::End, read);
        part
    }
}

/// What serializes a value by introspection (`serialized_names` reads
/// which value).
const SERIALIZERS: &[&str] = crate::walk::read::SERIALIZES.split_at(5).0;

/// An open block: a class or a function, with the function's parameter
/// list (read only where a serializer names a parameter).
struct Block<'t> {
    indent: usize,
    class: Option<usize>,
    parameters: &'t str,
}

#[cfg(test)]
mod tests;
