//! Every token of every unit through the rules: first each token gets a
//! plan (what the rules make of it, and its verdict: kept, scoped, tied to
//! a move); then collisions are decided per binding, so all occurrences of
//! a name in a scope stay together; then edits and occurrences are made.

use std::collections::hash_map;
use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

use anyhow::Result;

use super::collisions::Unsound;
use super::links::{Key, Member};
use super::markers::{compat_lines, kept_lines};
use super::verdict::names_other_file;
use super::{Analyzer, Syntax};
use crate::analyze::scope::Scopes;
use crate::config::matcher::{self, Matcher};
use crate::config::Rules;
use crate::lang::lines::Lines;
use crate::lang::{Lang, Shape, Unit};
use crate::model::{Class, Defined, Edit, Occurrence, Reason, Scanned};
use crate::walk::Entry;

impl Analyzer<'_> {
    /// Run every token of every unit through the rules. First every token
    /// gets a plan; then collisions are decided per binding (so all
    /// occurrences of a name in a scope stay together); then edits and
    /// occurrences are emitted.
    pub(super) fn decide<'s, 'u>(
        &self,
        entry: &Entry,
        syntax: &'s Syntax<'s>,
        units: impl Iterator<Item = &'u Unit>,
        hits: &[Range<usize>],
    ) -> Result<(Vec<Edit>, Scanned)> {
        let (lang, text) = (syntax.lang, syntax.text);
        let matcher = Matcher::for_file(self.rules, &entry.abs);
        let lines = Lines::new(text);
        let kept_lines = kept_lines(text);
        let compat_lines = compat_lines(text);
        let mut scopes: Option<Scopes> = None;
        let mut plans = Vec::new();
        let mut mapped: HashMap<(&str, Class), Rc<Mapped>> = HashMap::new();
        let mut defines = Vec::new();
        // Units and their tokens come in order: so do the hits.
        let mut next_hit = 0;
        for unit in units {
            let unit_text = &text[unit.range.clone()];
            for token in crate::config::case::tokens(unit_text) {
                // A token no hit overlaps holds no rule word: a word with
                // one either starts a hit, or a hit before covers its start.
                let start = unit.range.start + token.start;
                while hits.get(next_hit).is_some_and(|h| h.end <= start) {
                    next_hit += 1;
                }
                let end = unit.range.start + token.end;
                if hits.get(next_hit).is_none_or(|h| h.start >= end) {
                    continue;
                }
                let word = &unit_text[token.clone()];
                if !self.rules.prefilter().is_match(word.as_bytes()) {
                    continue;
                }
                let mut map = |class: Class| match mapped.entry((word, class)) {
                    hash_map::Entry::Occupied(e) => Rc::clone(e.get()),
                    hash_map::Entry::Vacant(e) => {
                        let outcome = matcher.map(word, class);
                        Rc::clone(e.insert(Rc::new(Mapped::new(self.rules, word, outcome))))
                    }
                };
                let mapped = map(unit.class);
                // A platform name the project binds itself (its own
                // `useSession` hook) is the project's: mapped as if unkept.
                let mapped = match mapped.outcome.kept.is_some()
                    && unit.shape == Shape::Identifier
                    && self.platform_name_is_ours(entry, syntax, &mut scopes, start, word)?
                {
                    true => {
                        let outcome = matcher.map_unkept(word, unit.class);
                        Rc::new(Mapped::new(self.rules, word, outcome))
                    }
                    false => mapped,
                };
                let outcome = &mapped.outcome;
                if outcome.rules.is_empty() {
                    continue;
                }
                // `'./session.css'`: files of other languages do not move by
                // name, so the file name in such a specifier stays.
                if unit.shape == Shape::ModulePath
                    && names_other_file(entry, unit_text)
                    && unit_text[token.start..].rfind('/').is_none()
                {
                    continue;
                }
                let at = unit.range.start + token.start;
                let (line, column) = lines.position(at);
                if unit.shape == Shape::Identifier && unit.class == Class::Code {
                    let kind = crate::lang::heads::defined_at(lang, text, at);
                    defines.extend(kind.map(|kind| Defined {
                        name: Arc::from(word),
                        kind,
                        line,
                    }));
                }
                let verdict = if compat_lines.contains(&line) {
                    Verdict::Kept(Reason::Compat)
                } else if kept_lines.contains(&line) {
                    Verdict::Kept(Reason::KeepComment)
                } else if let Some(pattern) = &outcome.kept {
                    Verdict::Kept(Reason::KeepName(pattern.clone()))
                } else {
                    match unit.shape {
                        Shape::ModulePath | Shape::DottedTarget => {
                            self.module_verdict(entry, syntax, &mut scopes, unit, at)?
                        }
                        _ if lang == Lang::Sql => match unit.class {
                            Class::Code => Verdict::Scoped { scope: 0, inner: 0 },
                            _ => Verdict::Plain,
                        },
                        // Reported, not renamed, and surely not third-party:
                        // neither its scope nor its owner matters.
                        Shape::Identifier
                            if !outcome.changed()
                                && syntax.lexed.as_ref().is_some_and(|l| {
                                    l.unowned(text, at, word, |m| {
                                        self.project.python_third_party(m)
                                    })
                                }) =>
                        {
                            Verdict::Plain
                        }
                        Shape::Identifier => {
                            // Only a name the rules rename can be someone
                            // else's member (and needs that index).
                            let member = match outcome.changed() {
                                true => self.augmented(entry, syntax, at, word)?,
                                false => None,
                            };
                            match member {
                                Some(member) => member_verdict(member),
                                None => {
                                    let new = &outcome.new;
                                    self.name_verdict(entry, syntax, &mut scopes, at, word, new)?
                                }
                            }
                        }
                        // `__all__ = ["OriginalSession"]` names what the
                        // module imported from a third party; `-> "orm.Session"`
                        // is theirs where its root is.
                        Shape::Text if lang == Lang::Python && unit.class == Class::Code => {
                            let whole = unit_text == word && outcome.changed();
                            match whole.then(|| self.reexported(word)).flatten() {
                                Some(module) => {
                                    Verdict::Kept(Reason::ThirdParty(module.to_string()))
                                }
                                None => {
                                    self.annotation_verdict(entry, syntax, &mut scopes, unit, at)?
                                }
                            }
                        }
                        _ => Verdict::Plain,
                    }
                };
                // A keyword, object key or serialized attribute that
                // something else reads by name: a key, which the strings
                // policy decides (the variable of a shorthand stays code).
                // (A keyword of a third-party call is theirs to read, and
                // reported as such: a key.)
                let key = match (&verdict, unit.shape) {
                    (Verdict::Kept(r), _) if !matches!(r, Reason::ThirdParty(_)) => None,
                    (_, Shape::Identifier) if outcome.changed() => {
                        let theirs = matches!(verdict, Verdict::Kept(_));
                        self.key(entry, syntax, &mut scopes, (at, word), theirs)?
                    }
                    _ => None,
                };
                let key = key.filter(|k| !(k.shorthand && matches!(verdict, Verdict::Kept(_))));
                // A keyword of a parameter kept for its sense keeps with it.
                let (key, mut verdict) = match key.map(|k| (k.held.clone(), k)) {
                    Some((Some(held), _)) => (None, Verdict::Kept(Reason::Holds(held))),
                    other => (other.map(|(_, k)| k), verdict),
                };
                let (class, mapped, key) = match key {
                    Some(key) if key.shorthand => {
                        (unit.class, mapped, Some((key, map(Class::String))))
                    }
                    Some(key) => {
                        verdict = Verdict::Plain;
                        (Class::String, map(Class::String), Some((key, mapped)))
                    }
                    None => (unit.class, mapped, None),
                };
                let outcome = &mapped.outcome;
                // A name that stands for one of the project's modules
                // follows that module's move.
                let tie = match (&verdict, unit.shape, lang) {
                    (Verdict::Kept(_), ..) => Tie::None,
                    (_, Shape::Identifier, Lang::Python) if outcome.changed() => {
                        match self.module_reference(entry, syntax, &mut scopes, at, word)? {
                            Some(form) => self.tie(&form),
                            None => Tie::None,
                        }
                    }
                    // A URL of a route that moves follows the route.
                    (_, Shape::Text, _) if unit.class == Class::String && outcome.changed() => {
                        self.url_tie(lang, text, at)
                    }
                    _ => Tie::None,
                };
                plans.push(Plan {
                    unit: unit.clone(),
                    class,
                    key,
                    in_sql_string: unit.shape == Shape::SqlInString,
                    at,
                    word,
                    line,
                    column,
                    mapped,
                    verdict,
                    tie,
                });
            }
        }
        let collisions = self.collisions(entry, syntax, &plans, scopes.as_ref(), &lines)?;
        let mut scanned = Scanned {
            defines,
            ..Scanned::default()
        };
        // Why each plan is not renamed as its policies say, if it is not.
        let mut blocked: Vec<Option<Reason>> = plans
            .iter()
            .map(|plan| match (&plan.verdict, &plan.tie) {
                (Verdict::Kept(reason), _) => Some(reason.clone()),
                _ if plan.class != Class::Comment && self.held(plan.word).is_some() => {
                    self.held(plan.word).map(|h| Reason::Needs(h.needs()))
                }
                (_, Tie::Blocked(reason)) | (Verdict::Blocked(reason), _) => Some(reason.clone()),
                (Verdict::Scoped { scope, .. }, _) => collisions.get(&(*scope, plan.word)).cloned(),
                (Verdict::Plain | Verdict::Follows(_), _) => None,
            })
            .collect();
        self.code_in_comments(
            entry,
            syntax,
            &mut scopes,
            &matcher,
            &mut plans,
            &mut blocked,
        )?;
        let renames = plans
            .iter()
            .zip(&blocked)
            .any(|(p, b)| b.is_none() && p.mapped.outcome.changed());
        let unsound = match renames.then(|| syntax.tree_for_soundness()).transpose()? {
            // SQL's ERROR regions are read by its fallback lexer (`Unsound`).
            Some(Some(tree)) => {
                scanned.syntax_errors = lang != Lang::Sql && tree.root_node().has_error();
                Unsound::find(lang, tree, &plans)
            }
            _ => Unsound::default(),
        };
        let mut edits = Vec::new();
        for (plan, blocked) in plans.into_iter().zip(blocked) {
            let m = &plan.mapped;
            let o = &m.outcome;
            let occurrence = |new: &Arc<str>, rule: &Arc<str>, reason: Option<Reason>| Occurrence {
                line: plan.line,
                column: plan.column,
                class: plan.class,
                old: Arc::clone(&m.old),
                new: Arc::clone(new),
                rule: Arc::clone(rule),
                reason,
                in_sql_string: plan.in_sql_string,
                follows: None,
            };
            if let Verdict::Kept(_) = plan.verdict {
                scanned
                    .kept
                    .push(occurrence(&m.would_be, &m.all_rules, blocked));
                continue;
            }
            let blocked = match unsound.holds(&plan) {
                true => Some(Reason::SyntaxError),
                false => blocked,
            };
            if let (Some(reason), true) = (&blocked, o.changed()) {
                scanned
                    .findings
                    .push(occurrence(&m.would_be, &m.renamed, Some(reason.clone())));
            } else if o.changed() {
                // A shorthand key stays when the strings policy keeps
                // keys: `{ sessionId }` → `{ sessionId: traceId }`.
                let split = plan
                    .key
                    .as_ref()
                    .filter(|(key, key_mapped)| key.shorthand && !key_mapped.outcome.changed());
                let replacement = match split {
                    Some(_) => Arc::from(format!("{}: {}", plan.word, m.new)),
                    None => Arc::clone(&m.new),
                };
                edits.push(Edit {
                    range: plan.at..plan.at + plan.word.len(),
                    replacement,
                });
                if let Some((key, key_mapped)) = split {
                    for (label, _) in &key_mapped.reports {
                        let reason = Some(Reason::Linked(key.note.clone()));
                        scanned
                            .findings
                            .push(occurrence(&key_mapped.would_be, label, reason));
                    }
                }
                let follows = match (&plan.verdict, &plan.tie) {
                    (Verdict::Follows(old), _) | (_, Tie::Follows(old)) => Some(old.clone()),
                    _ => None,
                };
                scanned.changes.push(Occurrence {
                    follows,
                    ..occurrence(&m.new, &m.renamed, None)
                });
            }
            for (label, reason) in &m.reports {
                let reason = match (&plan.key, reason) {
                    (Some((key, _)), Reason::Policy(Class::String)) => {
                        Reason::Linked(key.note.clone())
                    }
                    _ => reason.clone(),
                };
                let reason = Some(reason);
                scanned
                    .findings
                    .push(occurrence(&m.would_be, label, reason));
            }
        }
        Ok((edits, scanned))
    }
}

/// One token's decision before collisions are known.
pub(super) struct Plan<'t> {
    /// The identifier, comment or stretch of string it is a word of.
    pub(super) unit: Unit,
    pub(super) class: Class,
    /// A key (see `links`), with what the rules make of it as a string.
    pub(super) key: Option<(Key, Rc<Mapped>)>,
    pub(super) in_sql_string: bool,
    pub(super) at: usize,
    pub(super) word: &'t str,
    pub(super) line: usize,
    pub(super) column: usize,
    pub(super) mapped: Rc<Mapped>,
    pub(super) verdict: Verdict,
    pub(super) tie: Tie,
}

/// What the rules make of one token of one class, worked out once per
/// file and shared by all its occurrences (a file may spell one name
/// thousands of times), with the strings its occurrences show.
pub(super) struct Mapped {
    pub(super) outcome: matcher::Outcome,
    pub(super) old: Arc<str>,
    pub(super) new: Arc<str>,
    pub(super) would_be: Arc<str>,
    /// The labels of the rules that matched, and of those that renamed.
    pub(super) all_rules: Arc<str>,
    pub(super) renamed: Arc<str>,
    /// Each report's rule label and reason.
    pub(super) reports: Vec<(Arc<str>, Reason)>,
}

impl Mapped {
    fn new(rules: &Rules, word: &str, outcome: matcher::Outcome) -> Mapped {
        let label = |indices: &[usize]| Arc::from(rules.label(indices.iter().copied()));
        Mapped {
            old: Arc::from(word),
            new: Arc::from(outcome.new.as_str()),
            would_be: Arc::from(outcome.would_be.as_str()),
            all_rules: label(&outcome.rules),
            renamed: label(&outcome.renamed),
            reports: outcome
                .reports
                .iter()
                .map(|r| (label(&[r.rule]), r.reason.clone()))
                .collect(),
            outcome,
        }
    }
}

pub(super) enum Verdict {
    /// Renamed or reported as its policies say.
    Plain,
    /// A name bound in `scope`, used from `inner`: subject to collisions.
    Scoped {
        scope: usize,
        inner: usize,
    },
    /// Not applied, and reported for this reason.
    Blocked(Reason),
    Kept(Reason),
    /// Renamed only together with the move of this file.
    Follows(PathBuf),
}

/// How a rename depends on a file's move.
pub(super) enum Tie {
    None,
    /// Made only together with the move of this file.
    Follows(PathBuf),
    /// Not made: the move it needs is not made. For a name bound in a
    /// scope, every occurrence of it there stays too.
    Blocked(Reason),
}

/// The verdict on a member whose name the project does not decide alone.
fn member_verdict(member: Member) -> Verdict {
    match member {
        Member::Theirs(how) => Verdict::Kept(Reason::ThirdParty(how.to_string())),
        Member::Dynamic(string) => Verdict::Blocked(Reason::Linked(format!(
            "the string at {string} names this member, which the project declares nowhere: a name given at run time"
        ))),
    }
}
