//! Python: identifiers are code; comments and docstrings are comments;
//! other string text is string, except forward-reference annotations
//! (`-> "Session"`), which are code.

use tree_sitter::Node;

use super::{child_at, in_query_chain, Env, StringUse};
use crate::lang::calls::{special_call, PYTHON_CALLS as SPECIAL_CALLS, QUERY_METHODS};
use crate::lang::{last_name, Shape, Unit};
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
        _ if is_name(quoted(&text[string.byte_range()]))
            && names_code(string, parent, quoted(&text[string.byte_range()]), env) =>
        {
            return StringUse::Code(Shape::Text)
        }
        "argument_list" => {
            let Some(function) = parent
                .parent()
                .and_then(|c| c.child_by_field_name("function"))
            else {
                return StringUse::Sql;
            };
            let name = &text[function.byte_range()];
            let last = last_name(name);
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
                ("table" | "from_" | "rpc", 0) => return StringUse::Code(Shape::Text),
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

/// A name in a string that code reads a member or parameter by (a link's
/// other end, renamed with the code): the project's attribute, method,
/// class or function named to `LocalProxy`, `attrgetter`, `methodcaller`
/// or SQLAlchemy's `relationship`/`backref`; or a parameter of the
/// enclosing function read from its
/// `**kwargs` by name (`kwargs["session"]`, `kwargs.get("session")`,
/// `"session" in kwargs`).
fn names_code(string: Node, parent: Node, name: &str, env: &Env) -> bool {
    let text = env.text;
    match parent.kind() {
        "argument_list" => {
            let Some(function) = parent
                .parent()
                .and_then(|c| c.child_by_field_name("function"))
            else {
                return false;
            };
            let callee = &text[function.byte_range()];
            let last = last_name(callee);
            if matches!(last, "get" | "pop" | "setdefault")
                && reads_kwargs(function.child_by_field_name("object"), string, name, text)
            {
                return true;
            }
            let index = argument_index(parent, string);
            let member = matches!(
                (last, index),
                ("LocalProxy", 1)
                    | (
                        "attrgetter" | "methodcaller" | "relationship" | "backref",
                        0
                    )
            );
            member && env.project.symbols().defines(name)
        }
        "keyword_argument" => {
            let keyword = parent
                .child_by_field_name("name")
                .map(|n| &text[n.byte_range()]);
            let call = parent.parent().and_then(|a| a.parent());
            let callee = call
                .and_then(|c| c.child_by_field_name("function"))
                .map_or("", |f| &text[f.byte_range()]);
            let last = last_name(callee);
            matches!(keyword, Some("back_populates" | "backref"))
                && matches!(last, "relationship" | "backref")
                && env.project.symbols().defines(name)
        }
        "subscript" => reads_kwargs(parent.child_by_field_name("value"), string, name, text),
        "comparison_operator" => {
            let mut cursor = parent.walk();
            let operands: Vec<Node> = parent.named_children(&mut cursor).collect();
            let is_in = text[parent.byte_range()].contains(" in ");
            is_in
                && operands.first().is_some_and(|o| o.id() == string.id())
                && reads_kwargs(operands.get(1).copied(), string, name, text)
        }
        _ => false,
    }
}

/// Is `mapping` the `**` parameter of the function around `string`, and
/// does that function also take a parameter `name`?
fn reads_kwargs(mapping: Option<Node>, string: Node, name: &str, text: &str) -> bool {
    // `kwargs.keys()` is read as `kwargs`.
    let keys = mapping
        .filter(|m| m.kind() == "call")
        .and_then(|c| c.child_by_field_name("function"))
        .filter(|f| {
            f.kind() == "attribute"
                && f.child_by_field_name("attribute")
                    .is_some_and(|a| &text[a.byte_range()] == "keys")
        })
        .and_then(|f| f.child_by_field_name("object"));
    let Some(mapping) = keys.or(mapping).filter(|m| m.kind() == "identifier") else {
        return false;
    };
    let mapping = &text[mapping.byte_range()];
    let function = std::iter::successors(string.parent(), |n| n.parent())
        .find(|n| n.kind() == "function_definition");
    let Some(parameters) = function.and_then(|f| f.child_by_field_name("parameters")) else {
        return false;
    };
    let mut cursor = parameters.walk();
    let (mut splat, mut named) = (false, false);
    for p in parameters.named_children(&mut cursor) {
        let p = match p.kind() {
            "typed_parameter" | "default_parameter" | "typed_default_parameter" => {
                p.named_child(0).unwrap_or(p)
            }
            _ => p,
        };
        let p_text = &text[p.byte_range()];
        match p.kind() {
            "dictionary_splat_pattern" => splat |= p_text.trim_start_matches('*') == mapping,
            "identifier" => named |= p_text == name,
            _ => {}
        }
    }
    splat && named
}

/// A plain string literal's text inside its quotes (`r"x"` → `x`).
fn quoted(literal: &str) -> &str {
    literal
        .trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .trim_matches(|c| c == '"' || c == '\'')
}

/// Is `text` one name (letters, digits and `_`, not starting with a digit)?
fn is_name(text: &str) -> bool {
    text.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && text.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// A route's path in a decorator (`@app.get("/sessions/{session_id}")`,
/// Flask's `"/sessions/<int:session_id>"`): the segment around `at`. A
/// parameter the decorated function takes is bound by name, so it is
/// code, renamed with the function's parameter (the URL does not change);
/// the other segments are the URL, text.
pub fn route_segment(string: Node, text: &str, at: usize) -> Option<Unit> {
    let arguments = string.parent().filter(|p| p.kind() == "argument_list")?;
    let decorated = arguments
        .parent()
        .filter(|c| c.kind() == "call")?
        .parent()
        .filter(|d| d.kind() == "decorator")?
        .parent()
        .filter(|d| d.kind() == "decorated_definition")?
        .child_by_field_name("definition")
        .filter(|f| f.kind() == "function_definition")?;
    let literal = &text[string.byte_range()];
    let open = literal.find(['"', '\''])?;
    if !literal[open + 1..].starts_with('/') {
        return None;
    }
    let start = text[..at]
        .rfind(['/', '{', '<'])
        .filter(|&i| i >= string.start_byte())?
        + 1;
    let end = at + text[at..].find(['/', '}', '>', '"', '\'', ':'])?;
    // `<int:session_id>`: the name follows the converter.
    let opened = text.as_bytes()[start - 1];
    let start = match opened {
        b'<' => text[start..end].rfind(':').map_or(start, |c| start + c + 1),
        _ => start,
    };
    let closes = text[end..].starts_with(['}', '>', ':']);
    let name = &text[start..end];
    let params = decorated.child_by_field_name("parameters")?;
    let mut cursor = params.walk();
    let bound = matches!(opened, b'{' | b'<')
        && closes
        && params.named_children(&mut cursor).any(|p| {
            let p = match p.kind() {
                "identifier" => Some(p),
                _ => p.child_by_field_name("name").or_else(|| p.named_child(0)),
            };
            p.is_some_and(|p| &text[p.byte_range()] == name)
        });
    let class = match bound {
        true => Class::Code,
        false => Class::String,
    };
    Some(Unit::with(start..end, class, Shape::Text))
}
