//! Python: identifiers are code; comments and docstrings are comments;
//! other string text is string, except forward-reference annotations
//! (`-> "Session"`), which are code.

use tree_sitter::Node;

use super::{child_at, in_query_chain, Env, StringUse};
use crate::lang::calls::{special_call, PYTHON_CALLS as SPECIAL_CALLS, QUERY_METHODS};
use crate::lang::{Shape, Unit};
use crate::model::Class;

pub fn classify(node: Node, at: usize) -> Option<Unit> {
    let mut n = node;
    if n.kind() == "string" {
        n = child_at(n, at)?;
    }
    if n.kind() == "escape_sequence" {
        n = n.parent()?;
    }
    match n.kind() {
        "identifier" if is_module_path(n) => {
            Some(Unit::with(n.byte_range(), Class::Code, Shape::ModulePath))
        }
        "identifier" => Some(Unit::new(n, Class::Code)),
        "comment" => Some(Unit::new(n, Class::Comment)),
        "string_content" => Some(Unit::with(
            n.byte_range(),
            string_class(n.parent()?),
            Shape::Text,
        )),
        _ => None,
    }
}

fn string_class(string: Node) -> Class {
    let Some(parent) = string.parent() else {
        return Class::String;
    };
    match parent.kind() {
        // A string standing alone as a statement is a docstring (or a comment in disguise).
        "expression_statement" if parent.named_child_count() == 1 => Class::Comment,
        "type" => Class::Code,
        _ => Class::String,
    }
}

/// An identifier that names a module in an import statement, as opposed to
/// a name imported from it.
fn is_module_path(ident: Node) -> bool {
    let Some(dotted) = ident.parent().filter(|p| p.kind() == "dotted_name") else {
        return false;
    };
    let Some(parent) = dotted.parent() else {
        return false;
    };
    match parent.kind() {
        "import_statement" | "relative_import" => true,
        "aliased_import" => parent
            .parent()
            .is_some_and(|g| g.kind() == "import_statement"),
        "import_from_statement" => parent
            .child_by_field_name("module_name")
            .is_some_and(|m| m.id() == dotted.id()),
        _ => false,
    }
}

/// What a Python string literal is: `__all__` entries, `getattr`-style
/// attribute names, `mock.patch` targets, `import_module` paths and
/// Supabase table/column arguments are code; anything else may be SQL.
pub fn string_use(string: Node, env: &Env) -> StringUse {
    let text = env.text;
    let Some(parent) = string.parent() else {
        return StringUse::Plain;
    };
    // The prefix (`r`, `b`, `f`) is before the first quote: trimming letters
    // at the end too would eat a target's last name (`"stripe.x.create"`).
    let content = text[string.byte_range()]
        .trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .trim_matches(|c: char| c == '"' || c == '\'');
    match parent.kind() {
        "list" | "tuple" => {
            let assigned_all = parent
                .parent()
                .filter(|a| matches!(a.kind(), "assignment" | "augmented_assignment"))
                .and_then(|a| a.child_by_field_name("left"))
                .is_some_and(|l| &text[l.byte_range()] == "__all__");
            if assigned_all {
                return StringUse::Code(Shape::Text);
            }
        }
        "argument_list" => {
            let Some(function) = parent
                .parent()
                .and_then(|c| c.child_by_field_name("function"))
            else {
                return StringUse::Sql;
            };
            let name = &text[function.byte_range()];
            let last = name.rsplit('.').next().unwrap_or(name);
            if !special_call(&SPECIAL_CALLS, last) {
                return StringUse::Sql;
            }
            let index = argument_index(parent, string);
            match (last, index) {
                // Whose target it is, the module path's verdict decides.
                ("patch", 0) if is_dotted_path(content) => {
                    return StringUse::Code(Shape::DottedTarget)
                }
                ("import_module", 0) if is_dotted_path(content) => {
                    return StringUse::Code(Shape::ModulePath)
                }
                ("object", 1) if name.ends_with("patch.object") => {
                    return StringUse::Code(Shape::Text)
                }
                ("getattr" | "hasattr" | "setattr" | "delattr", 1) => {
                    return StringUse::Code(Shape::Text)
                }
                ("table" | "from_", 0) => return StringUse::Code(Shape::Text),
                (q, 0)
                    if QUERY_METHODS.contains(&q)
                        && in_query_chain(function, text, &[".table", ".from_"]) =>
                {
                    return StringUse::Code(Shape::Text)
                }
                _ => {}
            }
        }
        _ => {}
    }
    StringUse::Sql
}

/// `a.b.C`, a relative `.b`: what `mock.patch` and `import_module` take,
/// as opposed to a URL (`client.patch("/sessions/1")`).
fn is_dotted_path(s: &str) -> bool {
    let name = |n: &str| {
        n.chars().next().is_some_and(|c| !c.is_ascii_digit())
            && n.chars().all(|c| c.is_alphanumeric() || c == '_')
    };
    let absolute = s.trim_start_matches('.');
    !absolute.is_empty() && absolute.split('.').all(name)
}

/// The position of `arg` among the positional arguments.
fn argument_index(arguments: Node, arg: Node) -> usize {
    let mut cursor = arguments.walk();
    let index = arguments
        .named_children(&mut cursor)
        .filter(|c| !matches!(c.kind(), "keyword_argument" | "comment"))
        .position(|c| c.id() == arg.id());
    index.unwrap_or(usize::MAX)
}
