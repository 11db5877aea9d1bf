//! Compatibility code for TypeScript and JavaScript: while a package's
//! users move to the new names, each renamed export stays reachable under
//! its old name, marked `@deprecated` so that editors and `tsc`'s
//! language service point at every use, and a moved module leaves a stub
//! at its old path. All of it carries the `retrace: compat` marker that
//! `check` skips and `apply --drop-compat` removes.
//!
//! Pure: text in, text out. Exports are found on the syntax tree of the
//! original text, at the offsets of the renames, so a name counts only
//! where it is the exported name itself (not a use, a member or a string).

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::{Node, Tree};

use crate::lang::{self, Lang};

/// One rename edit made in the file: `old` at byte `at` of the original
/// text becomes `new`.
pub struct Renamed<'a> {
    pub at: usize,
    pub old: &'a str,
    pub new: &'a str,
}

const BEGIN: &str = "// retrace: compat (begin): old names kept for the transition; \
                     `retrace apply --drop-compat` removes this block";
const END: &str = "// retrace: compat (end)";

/// The compat block to append to the file's new text: one alias for each
/// exported name the renames change, in order of appearance; None when
/// they change none. `text` is the original text; `lang_is_js` for
/// JavaScript, which has no type aliases and may export through CommonJS.
pub fn aliases(lang_is_js: bool, text: &str, renamed: &[Renamed]) -> Option<String> {
    let tree = parse(lang_is_js, text)?;
    let root = tree.root_node();
    let mut order: Vec<&Renamed> = renamed.iter().collect();
    order.sort_by_key(|r| r.at);
    // The spaces (value, type) each old name already has an alias in: a
    // class merged with an interface, or overloads, make one alias each.
    let mut taken: HashMap<&str, u8> = HashMap::new();
    let mut lines = Vec::new();
    for r in order {
        let Some(export) = exported(lang_is_js, text, root, r) else {
            continue;
        };
        for (space, line) in export.lines(lang_is_js, text, renamed, r, r.new) {
            let had = taken.entry(r.old).or_default();
            if *had & space == 0 {
                *had |= space;
                lines.push(line);
            }
        }
    }
    (!lines.is_empty()).then(|| block(text, &lines))
}

/// The text of a stub left at a moved module's old path: it re-exports
/// the module from `new_specifier` (relative to the stub, like `./trace`).
/// `lang_is_js` asks for CommonJS; an ES module in JavaScript takes the
/// TypeScript form, which is JavaScript too. The old specifier is not
/// needed: the stub sits at the old path.
pub fn stub(new_specifier: &str, lang_is_js: bool) -> String {
    let export = match lang_is_js {
        true => format!("module.exports = require('{new_specifier}');"),
        false => format!("export * from '{new_specifier}';"),
    };
    format!(
        "// retrace: compat: this module moved to {new_specifier}; \
         `retrace apply --drop-compat` removes this file\n\
         /** @deprecated Import from '{new_specifier}' */\n{export}\n"
    )
}

fn parse(lang_is_js: bool, text: &str) -> Option<Tree> {
    if lang_is_js {
        return lang::parse(Lang::JavaScript, text).ok();
    }
    // The caller says TypeScript or not: a `.tsx` file fails the
    // TypeScript grammar at its JSX, so the grammar that errs less wins.
    let ts = lang::parse(Lang::TypeScript, text).ok()?;
    if !ts.root_node().has_error() {
        return Some(ts);
    }
    let tsx = lang::parse(Lang::Tsx, text).ok()?;
    Some(match lang::error_count(&tsx) < lang::error_count(&ts) {
        true => tsx,
        false => ts,
    })
}

fn block(text: &str, lines: &[String]) -> String {
    // Renames change words only: the new text ends as the original does.
    let newline = if text.ends_with('\n') { "" } else { "\n" };
    format!("{newline}\n{BEGIN}\n{}\n{END}\n", lines.join("\n"))
}

/// Where an alias goes: bits, so that one line may fill both.
const VALUE: u8 = 1;
const TYPE: u8 = 2;

/// What an exported name is, as far as its alias needs to know.
enum Export<'t> {
    /// A type alias or an interface, with its type parameters.
    Type(Option<Node<'t>>),
    /// A class: a value and a type, with its type parameters.
    Class(Option<Node<'t>>),
    /// An enum; a `const enum` has no value at run time.
    Enum { is_const: bool },
    /// A function, a variable.
    Value,
    /// `export { local as Old }`, maybe `from` a module.
    List(Node<'t>),
    /// `module.exports.Old = …`, `exports.Old = …`, `module.exports = { Old }`.
    CommonJs,
}

impl Export<'_> {
    /// The alias lines that keep `r.old` as `target` (`r.new`, or the
    /// local name a list exports as `r.new`), each with the spaces it fills.
    fn lines(
        &self,
        js: bool,
        text: &str,
        renamed: &[Renamed],
        r: &Renamed,
        target: &str,
    ) -> Vec<(u8, String)> {
        let (old, new) = (r.old, r.new);
        let doc = format!("/** @deprecated Use {new} */ ");
        let value = (VALUE, format!("{doc}export const {old} = {target};"));
        let ty = |params: Option<Node>| {
            let (list, args) = params.map_or_else(Default::default, |p| generics(text, renamed, p));
            (
                TYPE,
                format!("{doc}export type {old}{list} = {target}{args};"),
            )
        };
        let mut lines = match *self {
            Export::Type(params) => vec![ty(params)],
            Export::Class(params) => vec![value, ty(params)],
            Export::Enum { is_const: false } => vec![value, ty(None)],
            Export::Enum { is_const: true } => vec![ty(None)],
            Export::Value => vec![value],
            Export::List(spec) => list(js, text, renamed, r, spec),
            Export::CommonJs => vec![(
                VALUE,
                format!("module.exports.{old} = module.exports.{new}; // deprecated: use {new}"),
            )],
        };
        // JavaScript has no types to alias.
        lines.retain(|(space, _)| !js || *space != TYPE);
        lines
    }
}

/// `export { A as Old }`: an alias of `A`'s kind when this file declares
/// it; else the old name in the list again, which works for types and
/// values alike. From a module that renamed the same name, the old name
/// is re-exported from it, so its own alias's deprecation carries over.
fn list(js: bool, text: &str, renamed: &[Renamed], r: &Renamed, spec: Node) -> Vec<(u8, String)> {
    let statement = spec
        .parent()
        .and_then(|c| c.parent())
        .expect("a list is in a statement");
    let local = spec.child_by_field_name("name").expect("a specifier names");
    let target = new_text(text, renamed, local.byte_range());
    let source = statement.child_by_field_name("source");
    let type_only = has_token(statement, "type") || has_token(spec, "type");
    if source.is_none() && !type_only {
        let root = statement.parent().expect("a statement is in the program");
        if let Some(kind) = declared(text, root, &text[local.byte_range()]) {
            return kind.lines(js, text, renamed, r, &target);
        }
    }
    let same_name = text[local.byte_range()] == *r.old && target == r.new;
    let names = match (source, same_name) {
        (Some(_), true) => r.old.to_string(),
        _ => format!("{target} as {}", r.old),
    };
    let from = source.map_or(String::new(), |s| {
        format!(" from {}", new_text(text, renamed, s.byte_range()))
    });
    let keyword = if type_only { "export type" } else { "export" };
    let doc = format!("/** @deprecated Use {} */ ", r.new);
    vec![(VALUE | TYPE, format!("{doc}{keyword} {{ {names} }}{from};"))]
}

/// The export whose exported name is the word `r` renames, if any.
fn exported<'t>(js: bool, text: &str, root: Node<'t>, r: &Renamed) -> Option<Export<'t>> {
    let node = root.descendant_for_byte_range(r.at, r.at + r.old.len())?;
    let whole = node.start_byte() == r.at && text[node.byte_range()] == *r.old;
    // A split shorthand key (`{ Session: Trace }`) keeps the old name.
    if !whole || !is_identifier(r.new) {
        return None;
    }
    let parent = node.parent()?;
    if lang::is_field(parent, "name", node) {
        if let Some(kind) = declaration(parent) {
            return top_export(parent).then_some(kind);
        }
    }
    match parent.kind() {
        "variable_declarator" if lang::is_field(parent, "name", node) => {
            top_export(parent.parent()?).then_some(Export::Value)
        }
        "export_specifier" => {
            let exported = parent.child_by_field_name("alias");
            let is_exported = exported.map_or(lang::is_field(parent, "name", node), |a| a == node);
            let statement = parent.parent()?.parent()?;
            (is_exported && is_top(statement)).then_some(Export::List(parent))
        }
        _ if js => commonjs(text, node, parent).then_some(Export::CommonJs),
        _ => None,
    }
}

/// What a declaration node declares, by its kind.
fn declaration(decl: Node) -> Option<Export> {
    let params = decl.child_by_field_name("type_parameters");
    Some(match decl.kind() {
        "type_alias_declaration" | "interface_declaration" => Export::Type(params),
        "class_declaration" | "abstract_class_declaration" => Export::Class(params),
        "enum_declaration" => Export::Enum {
            is_const: has_token(decl, "const"),
        },
        "function_declaration" | "generator_function_declaration" | "function_signature" => {
            Export::Value
        }
        _ => return None,
    })
}

/// What the program's top level declares as `name`, exported or not.
fn declared<'t>(text: &str, root: Node<'t>, name: &str) -> Option<Export<'t>> {
    let named = |n: Node| {
        n.child_by_field_name("name")
            .is_some_and(|n| text[n.byte_range()] == *name)
    };
    let mut cursor = root.walk();
    let statements: Vec<Node<'t>> = root.named_children(&mut cursor).collect();
    statements
        .into_iter()
        .filter_map(unwrap_declaration)
        .find_map(|decl| {
            if let Some(kind) = declaration(decl) {
                return named(decl).then_some(kind);
            }
            let mut cursor = decl.walk();
            let mut declarators = decl.named_children(&mut cursor);
            let any = declarators.any(|d| d.kind() == "variable_declarator" && named(d));
            any.then_some(Export::Value)
        })
}

/// The declaration a top-level statement makes, through `export` and
/// `declare`.
fn unwrap_declaration(statement: Node) -> Option<Node> {
    let mut node = statement;
    if node.kind() == "export_statement" {
        node = node.child_by_field_name("declaration")?;
    }
    if node.kind() == "ambient_declaration" {
        node = node.named_child(0)?;
    }
    Some(node)
}

/// Is `decl` exported by name (not `export default`) at the top level,
/// maybe through `declare`?
fn top_export(decl: Node) -> bool {
    let mut up = decl.parent();
    if up.is_some_and(|p| p.kind() == "ambient_declaration") {
        up = up.and_then(|p| p.parent());
    }
    up.is_some_and(|s| s.kind() == "export_statement" && !has_token(s, "default") && is_top(s))
}

fn is_top(statement: Node) -> bool {
    statement.parent().is_some_and(|p| p.kind() == "program")
}

/// Is `node` (in `parent`) the name CommonJS exports at the top level:
/// `module.exports.X = …`, `exports.X = …`, `module.exports = { X, X: … }`?
fn commonjs(text: &str, node: Node, parent: Node) -> bool {
    let is = |n: Option<Node>, s: &str| n.is_some_and(|n| &text[n.byte_range()] == s);
    // `target` is the `side` of a top-level assignment.
    let assigned = |target: Node, side: &str| {
        target.parent().is_some_and(|a| {
            a.kind() == "assignment_expression"
                && lang::is_field(a, side, target)
                && a.parent()
                    .is_some_and(|s| s.kind() == "expression_statement" && is_top(s))
        })
    };
    let object = match parent.kind() {
        "member_expression" if lang::is_field(parent, "property", node) => {
            let object = parent.child_by_field_name("object");
            return (is(object, "module.exports") || is(object, "exports"))
                && assigned(parent, "left");
        }
        "object" => parent,
        "pair" if lang::is_field(parent, "key", node) => match parent.parent() {
            Some(object) => object,
            None => return false,
        },
        _ => return false,
    };
    let left = object.parent().and_then(|a| a.child_by_field_name("left"));
    assigned(object, "right") && is(left, "module.exports")
}

fn has_token(node: Node, token: &str) -> bool {
    let mut cursor = node.walk();
    let found = node
        .children(&mut cursor)
        .any(|c| !c.is_named() && c.kind() == token);
    found
}

fn is_identifier(word: &str) -> bool {
    let mut chars = word.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// A type parameter list as the new text spells it (`<T extends Trace =
/// Trace>`), and the arguments that pass it on (`<T>`).
fn generics(text: &str, renamed: &[Renamed], params: Node) -> (String, String) {
    let mut cursor = params.walk();
    let names: Vec<&str> = params
        .named_children(&mut cursor)
        .filter_map(|p| p.child_by_field_name("name"))
        .map(|n| &text[n.byte_range()])
        .collect();
    let list = new_text(text, renamed, params.byte_range());
    (list, format!("<{}>", names.join(", ")))
}

/// `text[range]` with the renames inside it made.
fn new_text(text: &str, renamed: &[Renamed], range: Range<usize>) -> String {
    let mut inside: Vec<&Renamed> = renamed
        .iter()
        .filter(|r| range.start <= r.at && r.at + r.old.len() <= range.end)
        .collect();
    inside.sort_by_key(|r| r.at);
    let mut out = String::new();
    let mut from = range.start;
    for r in inside {
        out.push_str(&text[from..r.at]);
        out.push_str(r.new);
        from = r.at + r.old.len();
    }
    out.push_str(&text[from..range.end]);
    out
}

// Beside, not inside: a file of `src/` stays under 500 lines.
#[cfg(test)]
#[path = "typescript/tests.rs"]
mod tests;
