//! Renames that would break what they touch: a new name already visible
//! where the old one is bound or used (collisions), and renames inside a
//! part of the file that does not parse (`Unsound`).

use std::collections::{HashMap, HashSet};

use anyhow::Result;
use std::ops::Range;

use tree_sitter::{Node, Tree};

use super::decide::{Plan, Tie, Verdict};
use super::{Analyzer, Syntax};
use crate::analyze::scope::{self, Scopes};
use crate::lang::lines::Lines;
use crate::model::Lang;
use crate::model::{Class, Reason};
use crate::walk::Entry;

impl Analyzer<'_> {
    /// Bindings whose rename would collide: (scope, old name) → why. The
    /// new name must not be visible from any scope where the old one is
    /// used (SQL: must not be a table or column the file defines).
    pub(super) fn collisions<'t>(
        &self,
        entry: &Entry,
        syntax: &Syntax,
        plans: &[Plan<'t>],
        scopes: Option<&Scopes>,
        lines: &Lines,
    ) -> Result<HashMap<(usize, &'t str), Reason>> {
        let (lang, text) = (syntax.lang, syntax.text);
        let mut out = HashMap::new();
        // A binding whose module cannot move stays, with all its uses.
        for plan in plans {
            if let (Verdict::Scoped { scope, .. }, Tie::Blocked(reason)) =
                (&plan.verdict, &plan.tie)
            {
                out.entry((*scope, plan.word))
                    .or_insert_with(|| reason.clone());
            }
        }
        let mut sql_names = None;
        for plan in plans.iter().filter(|p| p.mapped.outcome.changed()) {
            let Verdict::Scoped { scope, inner } = plan.verdict else {
                continue;
            };
            if out.contains_key(&(scope, plan.word)) {
                continue;
            }
            let new = plan.mapped.outcome.new.as_str();
            let found = match (lang, scopes) {
                (Lang::Sql, _) => {
                    if sql_names.is_none() {
                        sql_names = Some(sql_names_of(syntax.tree()?, text));
                    }
                    let names = sql_names.as_ref().expect("just made");
                    names.get(&new.to_ascii_lowercase()).copied()
                }
                (_, Some(scopes)) => scopes
                    .chain(inner)
                    .find_map(|s| scopes.bound_in(s, new))
                    .map(|b| b.at),
                _ => None,
            };
            if let Some(at) = found {
                let (line, column) = lines.position(at);
                let at = format!("{}:{line}:{column}", entry.path.display());
                out.insert(
                    (scope, plan.word),
                    Reason::Collision {
                        with: new.to_string(),
                        at,
                    },
                );
            }
        }
        Ok(out)
    }
}

/// Renames a syntax error holds. Tree-sitter's reading of a statement
/// with an error in it is a guess all along it (in
/// `.from("session"session_id)` the string reads as text and the name as
/// code; once the name is renamed, the other way round), so nothing in
/// such a statement is renamed, and a name renamed as code elsewhere in
/// the file stays too, as collisions keep a name's occurrences together.
/// SQL is exempt: its ERROR regions (policies, plpgsql) are read by its
/// own fallback lexer.
#[derive(Default)]
pub(super) struct Unsound<'t> {
    at: HashSet<usize>,
    words: HashSet<&'t str>,
}

impl<'t> Unsound<'t> {
    pub(super) fn find(lang: Lang, tree: &Tree, plans: &[Plan<'t>]) -> Unsound<'t> {
        let mut out = Unsound::default();
        if lang == Lang::Sql || !tree.root_node().has_error() {
            return out;
        }
        let broken = broken_statements(tree);
        for plan in plans.iter().filter(|p| p.mapped.outcome.changed()) {
            let i = broken.partition_point(|r| r.start <= plan.at);
            let inside = i
                .checked_sub(1)
                .is_some_and(|i| broken[i].contains(&plan.at));
            if inside {
                out.at.insert(plan.at);
                if plan.class == Class::Code {
                    out.words.insert(plan.word);
                }
            }
        }
        out
    }

    pub(super) fn holds(&self, plan: &Plan) -> bool {
        self.at.contains(&plan.at) || plan.class == Class::Code && self.words.contains(plan.word)
    }
}

/// The byte ranges of the statements that hold an ERROR or MISSING node,
/// sorted and merged.
fn broken_statements(tree: &Tree) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let mut todo = vec![tree.root_node()];
    while let Some(node) = todo.pop() {
        if node.is_error() || node.is_missing() {
            ranges.push(statement(node).byte_range());
            continue;
        }
        let mut cursor = node.walk();
        todo.extend(node.children(&mut cursor).filter(|c| c.has_error()));
    }
    ranges.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// The statement around `node`: its ancestor that sits directly in the
/// file or in a block, class or function body.
fn statement(node: Node) -> Node {
    let mut n = node;
    while let Some(parent) = n.parent() {
        let block = matches!(
            parent.kind(),
            "module" | "program" | "block" | "statement_block" | "class_body" | "switch_body"
        );
        if block {
            return n;
        }
        n = parent;
    }
    n
}

/// The names a SQL file may collide with, lowercase (SQL names ignore
/// case), each where it is first: the tables and columns it defines, read
/// from its tree; in a file with a syntax error, every name its words
/// spell, since the definitions the tree shows there move with the lengths
/// of the names around the error (and a second run would see others).
fn sql_names_of(tree: &Tree, text: &str) -> HashMap<String, usize> {
    let defined = match tree.root_node().has_error() {
        false => scope::sql_definitions(tree, text),
        true => crate::lang::lex::words(text),
    };
    let mut out: HashMap<String, usize> = HashMap::new();
    for (name, at) in defined {
        let first = out.entry(name.to_ascii_lowercase()).or_insert(at);
        *first = (*first).min(at);
    }
    out
}
