//! Classifying a hit on the syntax tree: the unit around it (one
//! identifier, comment or stretch of string) and its class (code, comment
//! or string), where the lexers cannot tell. Strings that name code follow
//! the code (`string_use`), and SQL inside strings is parsed as SQL.
//!
//! Classification starts from the hit's byte range, not from a walk of the
//! whole tree: `descendant_for_byte_range` finds the smallest node around
//! the hit and each language walks up a few parents to learn its class.

mod js;
mod python;
pub mod sql;

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use tree_sitter::{Node, Tree};

use crate::index::project::Project;
use crate::lang::{looks_like_sql, mask, parse, Lang, Shape, Unit};
use crate::model::Class;

/// What a string literal is, which decides how its words are treated.
pub enum StringUse {
    /// A reference to code (`__all__` entries, `getattr` names, mock
    /// targets, Supabase table and column names, TS key types).
    Code(Shape),
    /// A SQL statement, parsed with the SQL grammar.
    Sql,
    /// Text.
    Plain,
}

/// Context a language needs to tell code references from text.
pub struct Env<'t> {
    pub text: &'t str,
    pub project: &'t Project,
    pub file: &'t Path,
}

/// A SQL statement inside a host-language string: its text (with the
/// interpolations masked, so offsets match the file), tree and fallback.
struct SqlRegion {
    offset: usize,
    text: String,
    tree: Tree,
    fallback: sql::Fallback,
}

/// Classifies hits in one parsed file.
pub struct Classifier<'t> {
    lang: Lang,
    tree: &'t Tree,
    env: Env<'t>,
    sql: sql::Fallback,
    /// SQL strings by their start byte; None for strings that are not SQL.
    sql_strings: HashMap<usize, Option<SqlRegion>>,
}

impl<'t> Classifier<'t> {
    pub fn new(
        lang: Lang,
        tree: &'t Tree,
        text: &'t str,
        project: &'t Project,
        file: &'t Path,
    ) -> Self {
        Classifier {
            lang,
            tree,
            env: Env {
                text,
                project,
                file,
            },
            sql: sql::Fallback::default(),
            sql_strings: HashMap::new(),
        }
    }

    /// The unit around a hit, or None where the hit is not a name, comment
    /// or string (a keyword, say).
    pub fn unit(&mut self, hit: Range<usize>) -> Option<Unit> {
        let text = self.env.text;
        if self.lang == Lang::Sql {
            return self.sql.unit(self.tree, text, hit.start);
        }
        let node = self
            .tree
            .root_node()
            .descendant_for_byte_range(hit.start, hit.end)?;
        let unit = match self.lang {
            Lang::Python => python::classify(node, hit.start)?,
            _ => js::classify(node, text, hit.start)?,
        };
        if unit.shape != Shape::Text || unit.class != Class::String {
            return Some(unit);
        }
        let string = std::iter::successors(Some(node), |n| n.parent())
            .find(|n| matches!(n.kind(), "string" | "template_string"))?;
        if self.lang == Lang::Python {
            if let Some(unit) = python::route_segment(string, text, hit.start) {
                return Some(unit);
            }
        }
        let used = match self.lang {
            Lang::Python => python::string_use(string, &self.env),
            _ => js::string_use(string, &self.env),
        };
        match used {
            StringUse::Code(shape) => Some(Unit::with(unit.range, Class::Code, shape)),
            StringUse::Plain => Some(unit),
            StringUse::Sql => self.sql_unit(string, hit.start).or(Some(unit)),
        }
    }

    /// The SQL unit at `at` inside a SQL string.
    fn sql_unit(&mut self, string: Node, at: usize) -> Option<Unit> {
        let text = self.env.text;
        let region = self
            .sql_strings
            .entry(string.start_byte())
            .or_insert_with(|| SqlRegion::new(string, text))
            .as_mut()?;
        let local = at.checked_sub(region.offset)?;
        let unit = region.fallback.unit(&region.tree, &region.text, local)?;
        let range = unit.range.start + region.offset..unit.range.end + region.offset;
        Some(Unit::with(range, unit.class, Shape::SqlInString))
    }
}

impl SqlRegion {
    /// The string's content, interpolations masked (`mask`); None if it is
    /// not SQL.
    fn new(string: Node, text: &str) -> Option<SqlRegion> {
        let (content, masks) = string_content(string)?;
        let masked = mask(text, &content, &masks)?;
        if !looks_like_sql(&masked) && !is_tagged_sql(string, text) {
            return None;
        }
        let tree = parse(Lang::Sql, &masked).ok()?;
        Some(SqlRegion {
            offset: content.start,
            text: masked.into_owned(),
            tree,
            fallback: sql::Fallback::default(),
        })
    }
}

/// A string's content range (inside the quotes) and its interpolations,
/// all inside the string node, even when the string is unterminated.
fn string_content(string: Node) -> Option<(Range<usize>, Vec<Range<usize>>)> {
    let mut cursor = string.walk();
    let children: Vec<Node> = string.children(&mut cursor).collect();
    let whole = string.byte_range();
    let start = match children.first() {
        Some(c) if c.kind() == "string_start" => c.end_byte(),
        _ => whole.start + 1,
    };
    let end = match children.last() {
        Some(c) if c.kind() == "string_end" => c.start_byte(),
        // An unterminated string (a template cut off after `${b}`) has a
        // MISSING closing quote, or none: its content runs to its end.
        Some(c) if c.is_missing() || c.is_named() => whole.end,
        _ => whole.end.checked_sub(1)?,
    };
    let content = start..end;
    let masks = children
        .iter()
        .filter(|c| matches!(c.kind(), "interpolation" | "template_substitution"))
        .map(|c| c.byte_range())
        .filter(|r| r.len() >= 2 && content.start <= r.start && r.end <= content.end)
        .collect();
    (whole.start < start && start <= end && end <= whole.end).then_some((content, masks))
}

/// A template tagged `sql` (`sql`…``, `Prisma.sql`…``).
fn is_tagged_sql(string: Node, text: &str) -> bool {
    string
        .parent()
        .filter(|p| p.kind() == "call_expression")
        .and_then(|p| p.child_by_field_name("function"))
        .is_some_and(|f| text[f.byte_range()].rsplit('.').next() == Some("sql"))
}

/// Is this call part of a query started by one of `starters` (`.from`,
/// `.table`), following the method chain down through its receivers?
/// Works on both grammars' node kinds.
fn in_query_chain(function: Node, text: &str, starters: &[&str]) -> bool {
    let mut n = function;
    loop {
        let next = match n.kind() {
            "member_expression" | "attribute" => n.child_by_field_name("object"),
            "call_expression" | "call" => {
                let f = n.child_by_field_name("function");
                let called = f.map(|f| &text[f.byte_range()]);
                if called.is_some_and(|c| starters.iter().any(|s| c.ends_with(s))) {
                    return true;
                }
                f
            }
            "await_expression" | "non_null_expression" => n.named_child(0),
            _ => None,
        };
        match next {
            Some(next) => n = next,
            None => return false,
        }
    }
}

/// The child of `node` that contains byte `at`, if any.
fn child_at(node: Node, at: usize) -> Option<Node> {
    let mut cursor = node.walk();
    let found = node
        .children(&mut cursor)
        .find(|c| c.start_byte() <= at && at < c.end_byte());
    found
}
