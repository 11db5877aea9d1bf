//! The shapes of code a link is read from: a call chain's root, a route
//! parameter, a schema's member, a class calling itself.

use tree_sitter::Node;

use super::Key;
use crate::lang::{is_field, last_name};

/// The name a call chain starts from: `a` in `a.b.c(…)` or `a().b`.
pub(super) fn leftmost_name(node: Node) -> Node {
    let mut n = node;
    loop {
        let next = match n.kind() {
            "attribute" | "member_expression" => n.child_by_field_name("object"),
            "call" | "call_expression" => n.child_by_field_name("function"),
            "await_expression" | "non_null_expression" | "parenthesized_expression" => {
                n.named_child(0)
            }
            _ => None,
        };
        match next {
            Some(next) => n = next,
            None => return n,
        }
    }
}

/// How far a destructuring pattern's `}` is looked for.
const MAX_PATTERN: usize = 4096;

/// The request objects of Express, Koa and their kin.
const ROUTE_PARAMS: [&str; 3] = ["req.params", "request.params", "ctx.params"];

/// `req.params.sessionId`, or `sessionId` in `const { sessionId } =
/// req.params`: an Express or Koa route parameter, whose other end is the
/// route's path (`'/sessions/:sessionId'`), a string. Both follow the
/// strings policy; destructured, the variable may still be renamed.
pub(super) fn route_parameter(before: &str, after: &str) -> Option<Key> {
    let note = "a route parameter, which the route's path spells (`:name`): it follows that string";
    let key = |shorthand| {
        Some(Key {
            note: note.to_string(),
            held: None,
            shorthand,
        })
    };
    let read = ROUTE_PARAMS
        .iter()
        .any(|p| before.ends_with(&format!("{p}.")) || before.ends_with(&format!("{p}?.")));
    if read {
        return key(false);
    }
    // `{ a, sessionId } = req.params` (or `{ sessionId: id }`, as a first
    // run leaves it): the pattern closes, then the source.
    let shorthand = after.starts_with([',', '}']);
    let renamed = after.starts_with(':');
    if !before.ends_with(['{', ',']) || !(shorthand || renamed) {
        return None;
    }
    // A pattern closes within a few names: a long array of names (`[a,
    // b, …]`) must not be searched to its end from each of them.
    let window = &after.as_bytes()[..after.len().min(MAX_PATTERN)];
    let close = memchr::memchr(b'}', window)?;
    let source = after[close + 1..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let flat = !after[..close].contains('{');
    match flat && ROUTE_PARAMS.iter().any(|p| source.starts_with(p)) {
        true => key(shorthand),
        false => None,
    }
}

/// A member of an interface that extends another type (`interface DB
/// extends DBSchema { sessions: … }`): the type it extends.
pub(super) fn schema_key(node: Node) -> Option<Node> {
    let signature = node
        .parent()
        .filter(|p| p.kind() == "property_signature")
        .filter(|p| is_field(*p, "name", node))?;
    // Out through the member types (`value: { sessionId: string }` is
    // stored data too) to the interface.
    let interface = std::iter::successors(signature.parent(), |n| n.parent())
        .find(|n| {
            !matches!(
                n.kind(),
                "interface_body" | "object_type" | "property_signature" | "type_annotation"
            )
        })
        .filter(|i| i.kind() == "interface_declaration")?;
    let extends = crate::lang::named_children(interface)
        .into_iter()
        .find(|c| c.kind() == "extends_type_clause")?;
    let base = extends.named_child(0)?;
    Some(match base.kind() {
        "generic_type" => base.named_child(0)?,
        _ => base,
    })
}

/// Does a call to `callee` hand its keywords to templates as variables?
pub(super) fn hands_to_templates(callee: &str) -> bool {
    let last = last_name(callee);
    matches!(
        last,
        "render_template"
            | "render_template_string"
            | "render"
            | "render_to_string"
            | "TemplateResponse"
            | "stream_template"
    ) || last == "update" && callee.contains("globals")
}

/// A class calling itself (`cls(…)`, `self.__class__(…)`, `type(self)(…)`):
/// the name of the class around the call.
pub(super) fn own_class<'t>(function: Node, text: &'t str) -> Option<&'t str> {
    let callee = &text[function.byte_range()];
    if !matches!(callee, "cls" | "self.__class__" | "type(self)") {
        return None;
    }
    let class = std::iter::successors(function.parent(), |n| n.parent())
        .find(|n| n.kind() == "class_definition")?;
    Some(&text[class.child_by_field_name("name")?.byte_range()])
}

/// `a` in `a.b.c`.
pub(super) fn root_name(callee: &str) -> &str {
    callee.split(['.', '(', '?']).next().unwrap_or(callee)
}

/// A callee as a report shows it: one line, not too long.
pub(super) fn short(callee: &str) -> String {
    let one_line: String = callee.split_whitespace().collect();
    match one_line.char_indices().nth(60) {
        Some((i, _)) => format!("{}…()", &one_line[..i]),
        None => format!("{one_line}()"),
    }
}

/// Is this statement directly in a class's body?
pub(super) fn ancestor_is_class_body(assignment: Node) -> bool {
    assignment
        .parent()
        .filter(|s| s.kind() == "expression_statement")
        .and_then(|s| s.parent())
        .filter(|b| b.kind() == "block")
        .and_then(|b| b.parent())
        .is_some_and(|c| c.kind() == "class_definition")
}
