//! What the project's Python code defines, by name, across its files: the
//! keyword parameters each callable takes, the names it defines (classes,
//! functions, methods, attributes), and the attributes of classes whose
//! instances are serialized by introspection (wire keys). Links need these
//! to tell whose a keyword or a string is: `f(session_id=…)` is the
//! project's name only when a function `f` of the project takes
//! `session_id`; `LocalProxy(ctx, "session")` names code only when the
//! project defines `session`.
//!
//! Names, not bindings: a call's callee is rarely known more exactly than
//! by its name (`self.client.start(…)`), so every definition of that name
//! counts. Only files with rule words are read: a definition of a name
//! that holds no rule word cannot matter.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use crate::lang::{self, named_children, Lang};

/// The project's Python definitions, by name.
#[derive(Debug, Default)]
pub struct Symbols {
    callables: HashMap<String, Vec<Callable>>,
    defined: HashSet<String>,
    /// Attributes of serialized classes: name → `class X (file:line)`, and
    /// any others that have it.
    wire: HashMap<String, String>,
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
    /// Read the Python files `files` (path as shown, text).
    pub fn read(files: impl Iterator<Item = (String, String)>) -> Symbols {
        let mut symbols = Symbols::default();
        for (path, text) in files {
            let text = text.as_str();
            let Ok(tree) = lang::parse(Lang::Python, text) else {
                continue;
            };
            let mut reader = Reader {
                text,
                path: &path,
                serializes: ["asdict(", "astuple(", "model_dump", "__dict__", "vars("]
                    .iter()
                    .any(|s| text.contains(s)),
                out: &mut symbols,
            };
            reader.walk(tree.root_node());
        }
        symbols
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

    /// Does the project define `name` (a class, function, method or
    /// attribute)?
    pub fn defines(&self, name: &str) -> bool {
        self.defined.contains(name)
    }

    /// The serialized class whose attribute `name` is, if one is.
    pub fn wire(&self, name: &str) -> Option<&str> {
        self.wire.get(name).map(String::as_str)
    }
}

struct Reader<'a> {
    text: &'a str,
    path: &'a str,
    /// The file serializes some object by introspection.
    serializes: bool,
    out: &'a mut Symbols,
}

impl Reader<'_> {
    fn text(&self, node: Node) -> &str {
        &self.text[node.byte_range()]
    }

    fn walk(&mut self, node: Node) {
        match node.kind() {
            "function_definition" => self.function(node),
            "class_definition" => self.class(node),
            _ => {}
        }
        for child in named_children(node) {
            self.walk(child);
        }
    }

    fn function(&mut self, node: Node) {
        let Some(name) = node.child_by_field_name("name") else {
            return;
        };
        let name = self.text(name).to_string();
        let keywords = node
            .child_by_field_name("parameters")
            .map(|p| self.keywords(p))
            .unwrap_or_default();
        self.out.defined.insert(name.clone());
        let callable = Callable {
            keywords,
            ..Callable::default()
        };
        self.out.callables.entry(name).or_default().push(callable);
    }

    /// The names a keyword argument may give: plain, defaulted and typed
    /// parameters, keyword-only ones included; not `self` or `cls`.
    fn keywords(&self, parameters: Node) -> Vec<String> {
        named_children(parameters)
            .into_iter()
            .filter_map(|p| match p.kind() {
                "identifier" => Some(p),
                "default_parameter" | "typed_default_parameter" => p.child_by_field_name("name"),
                "typed_parameter" => p.named_child(0).filter(|n| n.kind() == "identifier"),
                _ => None,
            })
            .map(|n| self.text(n).to_string())
            .filter(|n| n != "self" && n != "cls")
            .collect()
    }

    /// A class: its name, its fields and attributes, and what calling it
    /// takes (its `__init__`'s parameters, else its fields, else its
    /// bases').
    fn class(&mut self, node: Node) {
        let (Some(name), Some(body)) = (
            node.child_by_field_name("name"),
            node.child_by_field_name("body"),
        ) else {
            return;
        };
        let name = self.text(name).to_string();
        let bases: Vec<String> = node
            .child_by_field_name("superclasses")
            .map(named_children)
            .unwrap_or_default()
            .into_iter()
            .filter(|b| matches!(b.kind(), "identifier" | "attribute"))
            .map(|b| last_name(self.text(b)).to_string())
            .collect();
        let decorators = node
            .parent()
            .filter(|p| p.kind() == "decorated_definition")
            .map_or("", |p| &self.text[p.start_byte()..node.start_byte()]);
        let mut fields = Vec::new();
        let mut init = None;
        for statement in named_children(body) {
            let statement = match statement.kind() {
                "decorated_definition" => statement.child_by_field_name("definition"),
                _ => Some(statement),
            };
            let Some(statement) = statement else { continue };
            match statement.kind() {
                "expression_statement" => fields.extend(self.field(statement)),
                "function_definition" => {
                    let method = statement.child_by_field_name("name").map(|n| self.text(n));
                    if method == Some("__init__") {
                        init = statement.child_by_field_name("parameters");
                    }
                }
                _ => {}
            }
        }
        let mut attributes = fields.clone();
        self.self_attributes(body, &mut attributes);
        // Instances go out by introspection: pydantic models always, other
        // classes where they serialize themselves, dataclasses where the
        // file calls `asdict`.
        let class_text = self.text(body);
        let wire = bases.iter().any(|b| b == "BaseModel")
            || ["self.__dict__", "vars(self)", "asdict(self)"]
                .iter()
                .any(|s| class_text.contains(s))
            || decorators.contains("dataclass") && self.serializes;
        let line = node.start_position().row + 1;
        let wire = wire.then(|| format!("class {name} ({}:{line})", self.path));
        if let Some(class) = &wire {
            for attribute in &attributes {
                // Every serialized class with the attribute, in order.
                let classes = self.out.wire.entry(attribute.clone()).or_default();
                if !classes.is_empty() {
                    classes.push_str(", ");
                }
                classes.push_str(class);
            }
        }
        self.out.defined.extend(attributes);
        self.out.defined.insert(name.clone());
        let callable = match init {
            Some(params) => Callable {
                keywords: self.keywords(params),
                ..Callable::default()
            },
            None if !fields.is_empty() => Callable {
                keywords: fields,
                wire,
                ..Callable::default()
            },
            None => Callable {
                bases,
                ..Callable::default()
            },
        };
        self.out.callables.entry(name).or_default().push(callable);
    }

    /// A class-level field: `name: T`, `name: T = v`, `name = v`.
    fn field(&self, statement: Node) -> Option<String> {
        let assignment = statement
            .named_child(0)
            .filter(|a| a.kind() == "assignment")?;
        let left = assignment
            .child_by_field_name("left")
            .filter(|l| l.kind() == "identifier")?;
        Some(self.text(left).to_string())
    }

    /// `self.x = …` anywhere in a class's methods (not in nested classes).
    fn self_attributes(&self, node: Node, out: &mut Vec<String>) {
        for child in named_children(node) {
            if child.kind() == "class_definition" {
                continue;
            }
            if child.kind() == "assignment" {
                let left = child.child_by_field_name("left");
                let attribute = left.filter(|l| l.kind() == "attribute").filter(|l| {
                    l.child_by_field_name("object")
                        .is_some_and(|o| self.text(o) == "self")
                });
                if let Some(name) = attribute.and_then(|a| a.child_by_field_name("attribute")) {
                    out.push(self.text(name).to_string());
                }
            }
            self.self_attributes(child, out);
        }
    }
}

/// `b` in `a.b`; the name itself without a dot.
pub fn last_name(dotted: &str) -> &str {
    dotted.rsplit('.').next().unwrap_or(dotted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Symbols {
        Symbols::read(std::iter::once(("m.py".to_string(), text.to_string())))
    }

    #[test]
    fn keywords_belong_to_the_callables_that_take_them() {
        let s = read(
            "def start(session_id, *args, tags=None, **kwargs): pass\n\
             class Client:\n    def __init__(self, session=None):\n        self.session = session\n\
             class Sub(Client):\n    pass\n",
        );
        assert_eq!(s.accepts("start", "session_id"), Accepts::Parameter);
        assert_eq!(s.accepts("start", "kwargs"), Accepts::No);
        assert_eq!(s.accepts("start", "other"), Accepts::No);
        assert_eq!(s.accepts("Client", "session"), Accepts::Parameter);
        assert_eq!(s.accepts("Sub", "session"), Accepts::Parameter);
        assert_eq!(s.accepts("dict", "session"), Accepts::No);
        assert!(s.defines("session") && s.defines("Client") && s.defines("start"));
        assert!(s.wire("session").is_none());
    }

    #[test]
    fn serialized_classes_have_wire_attributes() {
        let s = read(
            "class Event(BaseModel):\n    session_id: str\n\
             class Session:\n    def __init__(self, session_id):\n        self.session_id = session_id\n    def payload(self):\n        return {\"session\": self.__dict__}\n\
             class Plain:\n    def __init__(self):\n        self.trace_id = 1\n",
        );
        assert_eq!(
            s.accepts("Event", "session_id"),
            Accepts::Wire("class Event (m.py:1)".to_string())
        );
        assert_eq!(
            s.wire("session_id"),
            Some("class Event (m.py:1), class Session (m.py:3)")
        );
        assert!(s.wire("trace_id").is_none());
    }
}
