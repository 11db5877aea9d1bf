//! Python: identifiers are code; comments and docstrings are comments;
//! other string text is string, except forward-reference annotations
//! (`-> "Session"`), which are code.

use tree_sitter::Node;

use super::{child_at, Shape, Unit};
use crate::rules::Class;

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
