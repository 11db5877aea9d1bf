//! Renames that would break what they touch: a new name already visible
//! where the old one is bound or used (collisions), and renames inside a
//! part of the file that does not parse (`Unsound`).

use std::collections::{HashMap, HashSet};

use anyhow::Result;
use tree_sitter::Tree;

use super::decide::{Plan, Tie, Verdict};
use super::{Analyzer, Syntax};
use crate::lang::lines::Lines;
use crate::lang::Lang;
use crate::model::{Class, Reason};
use crate::scope::{self, Scopes};
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
                        sql_names = Some(scope::sql_definitions(syntax.tree()?, text));
                    }
                    sql_names.as_ref().and_then(|names| names.get(new)).copied()
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

/// Renames a syntax error holds: tree-sitter's classes inside an ERROR
/// node are guesses (a broken string reads as code), so nothing there is
/// renamed, and a name renamed as code elsewhere in the file stays too,
/// as collisions keep a name's occurrences together. SQL is exempt: its
/// ERROR regions (policies, plpgsql) are read by its own fallback lexer.
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
        for plan in plans.iter().filter(|p| p.mapped.outcome.changed()) {
            let node = tree
                .root_node()
                .descendant_for_byte_range(plan.at, plan.at + plan.word.len());
            let broken =
                std::iter::successors(node, |n| n.parent()).any(|n| n.is_error() || n.is_missing());
            if broken {
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
