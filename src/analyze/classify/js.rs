//! TypeScript, TSX and JavaScript: every kind of identifier is code; JSX
//! text, string and template text are strings; import specifiers are module
//! paths.

use tree_sitter::Node;

use super::{child_at, in_query_chain, Env, StringUse};
use crate::lang::calls::{special_call, JS_CALLS as SPECIAL_CALLS, QUERY_METHODS};
use crate::lang::{last_name, Shape, Unit};
use crate::model::Class;

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

/// What a TypeScript/JavaScript string literal is: key types
/// (`Trace['traceId']`, `Pick<Trace, 'traceId'>`), `jest.mock` paths and
/// Supabase table/column arguments are code; anything else may be SQL.
pub fn string_use(string: Node, env: &Env) -> StringUse {
    let text = env.text;
    let Some(parent) = string.parent() else {
        return StringUse::Plain;
    };
    match parent.kind() {
        "literal_type" => {
            let mut outer = parent.parent();
            while let Some(o) = outer.filter(|o| o.kind() == "union_type") {
                outer = o.parent();
            }
            let key_type = outer.is_some_and(|o| {
                o.kind() == "lookup_type"
                    || o.kind() == "type_arguments"
                        && o.parent()
                            .filter(|g| g.kind() == "generic_type")
                            .and_then(|g| g.named_child(0))
                            .is_some_and(|name| takes_keys(&text[name.byte_range()]))
            });
            if key_type {
                StringUse::Code(Shape::Text)
            } else {
                StringUse::Plain
            }
        }
        "arguments" => {
            let call = parent.parent();
            let Some(function) = call.and_then(|c| c.child_by_field_name("function")) else {
                return StringUse::Sql;
            };
            let first = parent.named_child(0).is_some_and(|a| a.id() == string.id());
            if function.kind() != "member_expression" || !first {
                return StringUse::Sql;
            }
            let object = function.child_by_field_name("object");
            let method = function
                .child_by_field_name("property")
                .map_or("", |p| &text[p.byte_range()]);
            if !special_call(&SPECIAL_CALLS, method) {
                return StringUse::Sql;
            }
            let object_text = object.map_or("", |o| &text[o.byte_range()]);
            let spec =
                text[string.byte_range()].trim_matches(|c| c == '\'' || c == '"' || c == '`');
            match method {
                "mock"
                    if matches!(object_text, "jest" | "vi")
                        && !env.project.js_third_party(spec, env.file) =>
                {
                    StringUse::Code(Shape::ModulePath)
                }
                // `Array.from('…')`, `Buffer.from('…')`: a class, not a query.
                "from" | "table" | "rpc"
                    if !object_text.starts_with(|c: char| c.is_uppercase()) =>
                {
                    StringUse::Code(Shape::Text)
                }
                m if QUERY_METHODS.contains(&m)
                    && in_query_chain(function, text, &[".from", ".table"]) =>
                {
                    StringUse::Code(Shape::Text)
                }
                _ => StringUse::Sql,
            }
        }
        _ => StringUse::Sql,
    }
}

/// Does the generic type `name` take keys as its string arguments? The
/// key utilities do, and so do the project's own generics over a schema
/// (`Tables<'sessions'>` of generated Supabase types); the standard
/// library's containers and wrappers take values.
fn takes_keys(name: &str) -> bool {
    const VALUES: [&str; 14] = [
        "Promise",
        "Array",
        "ReadonlyArray",
        "Set",
        "Map",
        "Partial",
        "Required",
        "Readonly",
        "ReturnType",
        "Parameters",
        "Awaited",
        "NonNullable",
        "Exclude",
        "Extract",
    ];
    let last = last_name(name);
    matches!(last, "Pick" | "Omit" | "Record")
        || last.starts_with(|c: char| c.is_ascii_uppercase()) && !VALUES.contains(&last)
}
