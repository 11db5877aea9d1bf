//! TypeScript, TSX and JavaScript: every kind of identifier is code; JSX
//! text, string and template text are strings; import specifiers are module
//! paths.

use tree_sitter::Node;

use super::{child_at, Shape, Unit};
use crate::rules::Class;

pub fn classify(node: Node, text: &str, at: usize) -> Option<Unit> {
    let mut n = node;
    if matches!(n.kind(), "string" | "template_string") {
        n = child_at(n, at)?;
    }
    match n.kind() {
        "identifier"
        | "property_identifier"
        | "shorthand_property_identifier"
        | "shorthand_property_identifier_pattern"
        | "private_property_identifier"
        | "type_identifier"
        | "statement_identifier" => Some(Unit::new(n, Class::Code)),
        "comment" | "hash_bang_line" => Some(Unit::new(n, Class::Comment)),
        "jsx_text" | "regex_pattern" => Some(Unit::new(n, Class::String)),
        "string_fragment" => {
            if n.parent().is_some_and(|s| is_module_specifier(s, text)) {
                return Some(Unit::with(n.byte_range(), Class::Code, Shape::ModulePath));
            }
            Some(Unit::new(n, Class::String))
        }
        _ => None,
    }
}

/// `import … from 'x'`, `export … from 'x'`, `import('x')`, `require('x')`.
fn is_module_specifier(string: Node, text: &str) -> bool {
    let Some(parent) = string.parent() else {
        return false;
    };
    match parent.kind() {
        "import_statement" | "export_statement" => true,
        "arguments" => parent
            .parent()
            .and_then(|call| call.child_by_field_name("function"))
            .is_some_and(|f| f.kind() == "import" || &text[f.byte_range()] == "require"),
        _ => false,
    }
}
