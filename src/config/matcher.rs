//! The rule engine: what the rules active in a file do to one token of one
//! class. A token is an identifier, or a word of prose in a comment or
//! string. Exact rules see the whole token; word rules see its segments.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use aho_corasick::AhoCorasick;
use anyhow::{Context, Result};

use crate::config::case::{self, Style};
use crate::config::{Action, Form, PathGlobs, Rename, Rules};
use crate::model::{Class, Reason};

/// One reported occurrence inside a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reported {
    pub rule: usize,
    pub reason: Reason,
}

/// What the rules do to one token.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The token with every rename its policies allow.
    pub new: String,
    /// The token as it would be if reported occurrences were renamed too.
    pub would_be: String,
    /// Rules that renamed part of the token, in order, without repeats.
    pub renamed: Vec<usize>,
    /// Every rule that matched part of the token (renamed, reported or kept).
    pub rules: Vec<usize>,
    pub reports: Vec<Reported>,
    /// The `[keep] names` pattern that protects the token.
    pub kept: Option<String>,
}

impl Outcome {
    pub fn changed(&self) -> bool {
        !self.renamed.is_empty()
    }
}

/// What some rules match, each key mapped to the rule that decides it.
/// Rules are added in rule order, so the last one added wins.
#[derive(Clone, Debug, Default)]
struct Table {
    /// Exact rules: name → rule.
    exact: HashMap<String, usize>,
    /// Word rules: each word form (`session`, `sessions`) → (rule, is plural).
    words: HashMap<String, (usize, bool)>,
    /// Word rules: word → the rule that finds it inside longer segments.
    compounds: HashMap<String, usize>,
}

impl Table {
    /// The table of these rules (indices into `renames`, in order).
    fn of(renames: &[Rename], rules: impl IntoIterator<Item = usize>) -> Table {
        let mut table = Table::default();
        for i in rules {
            let Some(rule) = renames.get(i) else { continue };
            match &rule.form {
                Form::Exact => {
                    table.exact.insert(rule.from.clone(), i);
                }
                Form::Word { from_plural, .. } => {
                    table.words.insert(rule.from.clone(), (i, false));
                    table.words.insert(from_plural.clone(), (i, true));
                    table.compounds.insert(rule.from.clone(), i);
                }
            }
        }
        table
    }
}

/// Rules with the same `paths` (base and patterns): in a given file they
/// all apply or none does.
#[derive(Debug)]
struct Scope {
    globs: PathGlobs,
    /// The rules, in order.
    rules: Vec<usize>,
    table: Table,
}

/// The rules indexed by what they match, built once per rule set: all that
/// a file's matcher needs and that does not depend on the file.
#[derive(Debug)]
pub struct Index {
    /// Rules without `paths`, which apply everywhere.
    everywhere: Table,
    /// Rules with `paths`, by scope, in the order each scope first appears.
    scopes: Vec<Scope>,
    /// Finds each word of a word rule (lowercase, singular) inside a
    /// lowercase segment, overlaps included: compounds without a scan of
    /// every rule. None without word rules.
    within: Option<AhoCorasick>,
}

impl Index {
    pub fn new(renames: &[Rename]) -> Result<Index> {
        let mut everywhere = Vec::new();
        let mut scopes: Vec<Scope> = Vec::new();
        let mut scope_of: HashMap<(&Path, &[String]), usize> = HashMap::new();
        for (i, rule) in renames.iter().enumerate() {
            let Some(globs) = &rule.paths else {
                everywhere.push(i);
                continue;
            };
            let next = scopes.len();
            let at = *scope_of.entry(globs.scope()).or_insert(next);
            match scopes.get_mut(at) {
                Some(scope) => scope.rules.push(i),
                None => scopes.push(Scope {
                    globs: globs.clone(),
                    rules: vec![i],
                    table: Table::default(),
                }),
            }
        }
        for scope in &mut scopes {
            scope.table = Table::of(renames, scope.rules.iter().copied());
        }
        let mut words: Vec<&str> = renames
            .iter()
            .filter(|r| !r.is_exact())
            .map(|r| r.from.as_str())
            .collect();
        words.sort_unstable();
        words.dedup();
        let within = match words.is_empty() {
            true => None,
            false => Some(AhoCorasick::new(&words).context("cannot index the rule words")?),
        };
        Ok(Index {
            everywhere: Table::of(renames, everywhere),
            scopes,
            within,
        })
    }
}

/// The rules that apply in one file, indexed by what they match.
///
/// A rule with `paths` wins over one without; of two with `paths`, the
/// later wins. Each scope's table already holds its own later rule, so the
/// winner among scopes is the one with the highest rule index.
pub struct Matcher<'r> {
    rules: &'r Rules,
    /// The tables of the rules with `paths` that apply here: whole scopes,
    /// indexed once, or (for `new`) the part of a scope that `active` picked.
    scoped: Vec<Cow<'r, Table>>,
}

impl<'r> Matcher<'r> {
    /// The matcher for the file at `abs_path`: the same as `new` with
    /// `applies_to`, but its cost is one glob match per scope.
    pub fn for_file(rules: &'r Rules, abs_path: &Path) -> Matcher<'r> {
        let scopes = rules.index().scopes.iter();
        let scoped = scopes
            .filter(|scope| scope.globs.matches(abs_path))
            .map(|scope| Cow::Borrowed(&scope.table))
            .collect();
        Matcher { rules, scoped }
    }

    /// The matcher where rules without `paths` apply, and of the rules with
    /// `paths`, those for which `active` says yes.
    pub fn new(rules: &'r Rules, active: impl Fn(&Rename) -> bool) -> Matcher<'r> {
        let mut scoped = Vec::new();
        for scope in &rules.index().scopes {
            let picked = |&&i: &&usize| rules.renames.get(i).is_some_and(&active);
            let picked: Vec<usize> = scope.rules.iter().filter(picked).copied().collect();
            if picked.len() == scope.rules.len() {
                scoped.push(Cow::Borrowed(&scope.table));
            } else if !picked.is_empty() {
                scoped.push(Cow::Owned(Table::of(&rules.renames, picked)));
            }
        }
        Matcher { rules, scoped }
    }

    /// The exact rule for `token`, if any.
    fn exact(&self, token: &str) -> Option<usize> {
        let scoped = self.scoped.iter().filter_map(|t| t.exact.get(token)).max();
        let everywhere = &self.rules.index().everywhere;
        scoped.or_else(|| everywhere.exact.get(token)).copied()
    }

    /// The word rule that `lower` (a lowercase segment) is a form of, and
    /// whether it is the plural.
    fn word(&self, lower: &str) -> Option<(usize, bool)> {
        let scoped = self.scoped.iter().filter_map(|t| t.words.get(lower));
        let everywhere = &self.rules.index().everywhere;
        let scoped = scoped.max_by_key(|(i, _)| *i);
        scoped.or_else(|| everywhere.words.get(lower)).copied()
    }

    /// The word rule whose word `lower` (a lowercase segment that is no
    /// rule's word form) contains. Of several, as for whole words: a rule
    /// with `paths` wins over one without, then the later one.
    fn compound(&self, lower: &str) -> Option<usize> {
        let everywhere = &self.rules.index().everywhere;
        let within = self.rules.index().within.as_ref()?;
        let rule_of = |word: &str| {
            let scoped = self
                .scoped
                .iter()
                .filter_map(|t| t.compounds.get(word))
                .max();
            match scoped {
                Some(&i) => Some((true, i)),
                None => everywhere.compounds.get(word).map(|&i| (false, i)),
            }
        };
        within
            .find_overlapping_iter(lower)
            .filter_map(|m| lower.get(m.range()))
            .filter_map(rule_of)
            .max()
            .map(|(_, i)| i)
    }

    /// What the rules do to `token`, an occurrence of class `class`.
    pub fn map(&self, token: &str, class: Class) -> Outcome {
        let mut out = self.map_unkept(token, class);
        if let Some(pattern) = self.rules.kept(token) {
            // Kept names keep the rules that matched, to explain themselves.
            out.kept = Some(pattern.to_string());
            out.new = token.to_string();
            out.renamed.clear();
            out.reports.clear();
        }
        out
    }

    /// `map`, the `[keep] names` aside: for a platform name the project
    /// defines itself.
    pub fn map_unkept(&self, token: &str, class: Class) -> Outcome {
        let mut out = Outcome {
            new: token.to_string(),
            would_be: token.to_string(),
            ..Outcome::default()
        };
        self.map_parts(token, class, &mut out);
        out
    }

    fn map_parts(&self, token: &str, class: Class, out: &mut Outcome) {
        if let Some(i) = self.exact(token) {
            let rule = &self.rules.renames[i];
            out.would_be = rule.to.clone();
            if out.note(i, rule.policy.for_class(class), Reason::Policy(class)) {
                out.new = rule.to.clone();
            }
            return;
        }
        let mut new = String::with_capacity(token.len());
        let mut would_be = String::with_capacity(token.len());
        let mut last = 0;
        for seg in case::segments(token) {
            let text = &token[seg.clone()];
            let Some((change, replacement)) = self.map_segment(text, class) else {
                continue;
            };
            new.push_str(&token[last..seg.start]);
            would_be.push_str(&token[last..seg.start]);
            would_be.push_str(&replacement);
            let renamed = out.note(change.rule, change.action, change.reason);
            new.push_str(if renamed { &replacement } else { text });
            last = seg.end;
        }
        new.push_str(&token[last..]);
        would_be.push_str(&token[last..]);
        out.new = new;
        out.would_be = would_be;
    }

    /// A segment that a word rule matches, whole or as a compound.
    fn map_segment(&self, segment: &str, class: Class) -> Option<(Change, String)> {
        let lower = segment.to_lowercase();
        if let Some((i, plural)) = self.word(&lower) {
            let rule = &self.rules.renames[i];
            let to = match (&rule.form, plural) {
                (Form::Word { to_plural, .. }, true) => to_plural,
                _ => &rule.to,
            };
            let change = Change {
                rule: i,
                action: rule.policy.for_class(class),
                reason: Reason::Policy(class),
            };
            return Some((change, Style::of(segment).apply(to)));
        }
        // An English word that holds the word by chance is no compound.
        if self.rules.english.contains(&lower) {
            return None;
        }
        let i = self.compound(&lower)?;
        let rule = &self.rules.renames[i];
        let change = Change {
            rule: i,
            // The stricter of the class policy and the compound policy.
            action: rule.policy.for_class(class).min(rule.policy.compounds),
            reason: Reason::Compound,
        };
        Some((change, case::replace_within(segment, &rule.from, &rule.to)))
    }
}

struct Change {
    rule: usize,
    action: Action,
    reason: Reason,
}

impl Outcome {
    /// Record one matched piece under its policy; true if it is renamed.
    fn note(&mut self, rule: usize, action: Action, reason: Reason) -> bool {
        if !self.rules.contains(&rule) {
            self.rules.push(rule);
        }
        match action {
            Action::Rename => {
                if !self.renamed.contains(&rule) {
                    self.renamed.push(rule);
                }
                true
            }
            Action::Report => {
                let reported = Reported { rule, reason };
                if !self.reports.contains(&reported) {
                    self.reports.push(reported);
                }
                false
            }
            Action::Keep => false,
        }
    }
}

#[cfg(test)]
mod tests;
