//! Scopes and bindings of one file, for ownership and collisions.
//!
//! One preorder walk of the tree records every scope (Python: module,
//! function, lambda, class; TypeScript/JavaScript: module, function, block)
//! and the names bound in it: imports (with their module and whether it is
//! third-party), definitions, parameters and assignment targets. Queries
//! then answer "is this identifier theirs?" and "is this name visible here?"
//! For Python, `lexical` reads the same scopes from the lexer's tokens
//! wherever it is sure, and no tree is needed.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::Path;

use tree_sitter::{Node, Tree};

use crate::index::project::Project;
use crate::lang::named_children;
use crate::model::Lang;

mod lexical;
mod tree;

pub use lexical::KeyShape;

/// Where a name is bound, and whose it is.
#[derive(Clone, Debug)]
pub struct Binding {
    pub at: usize,
    /// The name itself is theirs: bound by an import of this module.
    pub third_party: Option<String>,
    /// The name is ours but its value is theirs (`s = requests.Session()`):
    /// members reached through it belong to this module.
    pub holds: Option<String>,
}

#[derive(Debug)]
struct Scope {
    range: Range<usize>,
    parent: Option<usize>,
    names: HashMap<String, Binding>,
    /// Stretches of `range` evaluated in the parent scope, where the
    /// function or class is defined: parameters' annotations and defaults,
    /// a return annotation, a class's bases (`def f(orm: orm.Session)`:
    /// that `orm` is the module, not the parameter).
    outside: Vec<Range<usize>>,
}

/// How an identifier relates to scopes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A name that scopes bind and resolve.
    Name,
    /// An attribute, property or keyword: reached through something else.
    Member,
}

pub struct Scopes<'a> {
    lang: Lang,
    text: &'a str,
    project: &'a Project,
    file: &'a Path,
    scopes: Vec<Scope>,
    /// Object-pattern keys destructured from a third-party value, by start
    /// byte: the shape of their data, not names the project chose.
    third_party_keys: HashMap<usize, String>,
    /// Set when the scopes were read from tokens (`Scopes::lexical`).
    tokens: Option<lexical::Tokens>,
}

impl<'a> Scopes<'a> {
    /// Every name bound by a third-party import, with its module, and how
    /// many identifiers in the file resolve to it. For checks on real code.
    pub fn third_party_uses(&self, tree: &Tree) -> BTreeMap<(String, String), usize> {
        let mut out = BTreeMap::new();
        for scope in &self.scopes {
            for (name, b) in &scope.names {
                if let Some(module) = &b.third_party {
                    out.insert((name.clone(), module.clone()), 0);
                }
            }
        }
        let mut cursor = tree.walk();
        loop {
            let node = cursor.node();
            if node.child_count() == 0 && node.kind().ends_with("identifier") {
                let name = self.text_of(node);
                if let (Role::Name, Some(module)) = self.owner(node) {
                    if let Some(n) = out.get_mut(&(name.to_string(), module)) {
                        *n += 1;
                    }
                }
            }
            if cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    return out;
                }
            }
        }
    }

    /// The innermost scope around byte `at`.
    pub fn innermost(&self, at: usize) -> usize {
        // Scopes are in preorder: the last one that contains `at` is the deepest.
        let deepest = self
            .scopes
            .iter()
            .rposition(|s| s.range.start <= at && at < s.range.end)
            .unwrap_or(0);
        self.evaluated_in(deepest, at)
    }

    /// The scope whose names byte `at` inside `scope` sees: the parent's
    /// where `at` is in an annotation, a default or a base, which are
    /// evaluated where the function or class is defined.
    fn evaluated_in(&self, mut scope: usize, at: usize) -> usize {
        while let Some(parent) = self.scopes[scope]
            .parent
            .filter(|_| self.scopes[scope].outside.iter().any(|r| r.contains(&at)))
        {
            scope = parent;
        }
        scope
    }

    /// Scopes from `scope` out to the module.
    pub fn chain(&self, scope: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(scope), |&s| self.scopes[s].parent)
    }

    /// Where scope `scope` starts (a function's or class's statement).
    pub fn start_of(&self, scope: usize) -> usize {
        self.scopes[scope].range.start
    }

    pub fn bound_in(&self, scope: usize, name: &str) -> Option<&Binding> {
        self.scopes[scope].names.get(name)
    }

    /// The scope that binds `name` as seen from byte `at` (the module scope
    /// when nothing does), with its binding.
    pub fn resolve(&self, name: &str, at: usize) -> (usize, Option<&Binding>) {
        let inner = self.innermost(at);
        self.chain(inner)
            .find_map(|s| self.bound_in(s, name).map(|b| (s, Some(b))))
            .unwrap_or((0, None))
    }

    /// The role of an identifier, and the third-party module it belongs to
    /// (bound by its import, reached through such a name, or named in such
    /// an import statement), if any.
    pub fn owner(&self, node: Node) -> (Role, Option<String>) {
        if let Some(module) = self.import_statement_module(node) {
            return (Role::Name, module);
        }
        if let Some(module) = self.third_party_keys.get(&node.start_byte()) {
            return (Role::Member, Some(module.clone()));
        }
        let (role, root) = match self.lang {
            Lang::Python => python_root(node),
            _ => js_root(node),
        };
        let third = root.and_then(|r| {
            let (_, binding) = self.resolve(self.text_of(r), r.start_byte());
            match role {
                Role::Name => binding.and_then(|b| b.third_party.clone()),
                Role::Member => binding.and_then(|b| b.holds.clone()),
            }
        });
        (role, third)
    }

    /// For an identifier inside an import statement: Some(third-party module
    /// or None when first-party). None when not in an import.
    fn import_statement_module(&self, node: Node) -> Option<Option<String>> {
        let statement = ancestors(node).take(4).find(|a| {
            matches!(a.kind(), "import_statement" | "import_from_statement")
                || a.kind() == "export_statement" && a.child_by_field_name("source").is_some()
        })?;
        let third = match self.lang {
            Lang::Python if statement.kind() == "import_from_statement" => {
                let module = self.text_of(statement.child_by_field_name("module_name")?);
                self.project
                    .python_third_party(module)
                    .then(|| module.to_string())
            }
            Lang::Python => {
                let module = ancestors(node).find(|a| a.kind() == "dotted_name")?;
                let module = self.text_of(module);
                self.project
                    .python_third_party(module)
                    .then(|| module.to_string())
            }
            _ => {
                let spec = unquote(self.text_of(statement.child_by_field_name("source")?));
                self.project
                    .js_third_party(spec, self.file)
                    .then(|| spec.to_string())
            }
        };
        Some(third)
    }
}

/// Python: the identifier whose binding decides ownership, and the role.
/// `a.b.session` → `a` (member); `f(session_id=…)` → `f`'s root (member).
fn python_root(node: Node) -> (Role, Option<Node>) {
    let Some(parent) = node.parent() else {
        return (Role::Name, Some(node));
    };
    let is_field = |field: &str| crate::lang::is_field(parent, field, node);
    match parent.kind() {
        "attribute" if is_field("attribute") => (
            Role::Member,
            parent
                .child_by_field_name("object")
                .and_then(python_chain_root),
        ),
        "keyword_argument" if is_field("name") => {
            let call = parent.parent().and_then(|args| args.parent());
            (
                Role::Member,
                call.and_then(|c| c.child_by_field_name("function"))
                    .and_then(python_chain_root),
            )
        }
        _ => (Role::Name, Some(node)),
    }
}

fn python_chain_root(mut n: Node) -> Option<Node> {
    loop {
        n = match n.kind() {
            "identifier" => return Some(n),
            "attribute" => n.child_by_field_name("object")?,
            "call" => n.child_by_field_name("function")?,
            "subscript" => n.child_by_field_name("value")?,
            "parenthesized_expression" => n.named_child(0)?,
            _ => return None,
        }
    }
}

/// TypeScript/JavaScript: as `python_root`.
fn js_root(node: Node) -> (Role, Option<Node>) {
    match node.kind() {
        "property_identifier" | "private_property_identifier" => {
            let parent = node.parent();
            let object = parent
                .filter(|p| p.kind() == "member_expression")
                .and_then(|p| p.child_by_field_name("object"));
            (Role::Member, object.and_then(js_chain_root))
        }
        "type_identifier"
            if node
                .parent()
                .is_some_and(|p| p.kind() == "nested_type_identifier") =>
        {
            let module = node.parent().and_then(|p| p.child_by_field_name("module"));
            (Role::Member, module.and_then(js_chain_root))
        }
        "identifier"
            if node
                .parent()
                .is_some_and(|p| p.kind() == "nested_identifier") =>
        {
            (Role::Member, node.parent().and_then(js_chain_root))
        }
        _ => (Role::Name, Some(node)),
    }
}

fn js_chain_root(mut n: Node) -> Option<Node> {
    loop {
        n = match n.kind() {
            "identifier" | "type_identifier" => return Some(n),
            // `e as Stripe.Checkout.Session` parses as `(e as Stripe.Checkout)
            // .Session`: the member is the type's.
            "as_expression" | "satisfies_expression" => n.named_child(1)?,
            "member_expression" | "subscript_expression" => n.child_by_field_name("object")?,
            "call_expression" => n.child_by_field_name("function")?,
            "nested_identifier"
            | "nested_type_identifier"
            | "non_null_expression"
            | "parenthesized_expression" => n.named_child(0)?,
            _ => return None,
        }
    }
}

/// Ancestors of `node`, nearest first.
pub(super) fn ancestors(node: Node) -> impl Iterator<Item = Node> {
    std::iter::successors(node.parent(), |n| n.parent())
}

pub(super) fn unquote(s: &str) -> &str {
    s.trim_matches(|c| c == '\'' || c == '"' || c == '`')
}
/// Names a SQL file defines (tables, columns) → where, for collisions.
pub fn sql_definitions(tree: &Tree, text: &str) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        let defined = match node.kind() {
            "create_table" => named_children(node)
                .into_iter()
                .find(|c| c.kind() == "object_reference")
                .and_then(|r| r.named_child(r.named_child_count().saturating_sub(1))),
            "column_definition" => node.named_child(0).filter(|c| c.kind() == "identifier"),
            _ => None,
        };
        if let Some(name) = defined {
            out.entry(text[name.byte_range()].to_string())
                .or_insert(name.start_byte());
        }
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}
