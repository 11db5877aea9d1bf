//! Code written in comments follows the code. A word of a comment or
//! docstring that is part of a code-looking span (`lang::spans`:
//! `db.session.get(…)`, `` `end_session` ``, `["SESSION_COOKIE_NAME"]`)
//! names what the code names, so it is decided as the code decided that
//! name: a member reached through a third-party root is theirs, a name
//! follows the verdict its code occurrences got, a key follows the same
//! string in code (the strings policy where the code has none). Renamed,
//! it stays a comment's rename; otherwise it is kept, never reported (the
//! comment is not where the name lives).

use std::collections::HashMap;

use anyhow::Result;

use super::decide::{Plan, Verdict};
use super::links::Key;
use super::{Analyzer, Syntax};
use crate::analyze::scope::Scopes;
use crate::config::matcher::Matcher;
use crate::lang::spans::{CodeIn, Span};
use crate::lang::Lang;
use crate::model::{Class, Reason};
use crate::walk::Entry;

/// What the code did with a name (or a string did with a word): all its
/// occurrences renamed, or all left for a reason (kept or reported).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Decision {
    Renamed,
    Left(String),
    /// Some renamed, some not: the comment cannot say which it means.
    Mixed,
}

/// The decisions of a file's code, by word and by whether the word was a
/// member (`x.word`); of its strings, by the string's text and word.
#[derive(Default)]
struct Decisions<'t> {
    names: HashMap<(&'t str, bool), Decision>,
    strings: HashMap<(&'t str, &'t str), Decision>,
}

impl<'t> Decisions<'t> {
    fn of(text: &'t str, plans: &[Plan<'t>], blocked: &[Option<Reason>]) -> Decisions<'t> {
        let mut out = Decisions::default();
        for (plan, blocked) in plans.iter().zip(blocked) {
            let Some(decision) = decision(plan, blocked.as_ref()) else {
                continue;
            };
            let map = match plan.unit.class {
                // A keyword or object key is the callee's key, not a name
                // that a comment's code could mean (`query_cls(session=…)`
                // says nothing about `session.get(…)` in an example).
                Class::Code if plan.key.as_ref().is_some_and(|(k, _)| !is_attribute(k)) => continue,
                Class::Code => {
                    let member = text[..plan.at].trim_end().ends_with('.');
                    merge(out.names.entry((plan.word, member)), decision);
                    continue;
                }
                Class::String => &mut out.strings,
                Class::Comment => continue,
            };
            let string = text[plan.unit.range.clone()].trim_matches(['"', '\'', '`']);
            merge(map.entry((string, plan.word)), decision);
        }
        out
    }

    /// A name's decision, as `member` or else as the other role.
    fn name(&self, word: &'t str, member: bool) -> Option<&Decision> {
        let get = |member: bool| self.names.get(&(word, member));
        get(member).or_else(|| get(!member))
    }
}

/// Is the key an attribute or field that code reads by its name (a
/// serialized attribute, a schema's key), rather than a keyword or an
/// object key that only the callee reads?
fn is_attribute(key: &Key) -> bool {
    key.note.starts_with("wire:") || key.note.starts_with("a key of ")
}

fn merge<K>(entry: std::collections::hash_map::Entry<K, Decision>, decision: Decision) {
    entry
        .and_modify(|d| match (&*d, &decision) {
            (Decision::Left(_), Decision::Left(_)) => {}
            (a, b) if a == b => {}
            _ => *d = Decision::Mixed,
        })
        .or_insert(decision);
}

/// What became of one occurrence: None where nothing did (a policy that
/// keeps silently).
fn decision(plan: &Plan, blocked: Option<&Reason>) -> Option<Decision> {
    let outcome = &plan.mapped.outcome;
    let reason = match blocked {
        Some(reason) if outcome.changed() || matches!(plan.verdict, Verdict::Kept(_)) => {
            reason.clone()
        }
        None if outcome.changed() => return Some(Decision::Renamed),
        _ => plan.mapped.reports.first()?.1.clone(),
    };
    // A key is reported as the link it is, not by the strings policy.
    let reason = match (&plan.key, reason) {
        (Some((key, _)), Reason::Policy(Class::String)) => Reason::Linked(key.note.clone()),
        (_, reason) => reason,
    };
    Some(Decision::Left(reason.to_string()))
}

impl Analyzer<'_> {
    /// Keep the words of comments that are code the code does not rename
    /// (see the module's comment), in `plans` and in why they are not
    /// renamed (`blocked`).
    pub(super) fn code_in_comments<'t>(
        &'t self,
        entry: &'t Entry,
        syntax: &'t Syntax<'t>,
        scopes: &mut Option<Scopes<'t>>,
        matcher: &Matcher,
        plans: &mut [Plan<'t>],
        blocked: &mut [Option<Reason>],
    ) -> Result<()> {
        let text = syntax.text;
        let mut decisions: Option<Decisions> = None;
        // Whether the code spells each chain's first name, by name.
        let mut spelled: HashMap<&str, bool> = HashMap::new();
        // The code in the comment being read, by its start.
        let mut code_in: Option<(usize, CodeIn)> = None;
        for i in 0..plans.len() {
            let plan = &plans[i];
            let acts = plan.mapped.outcome.changed() || !plan.mapped.reports.is_empty();
            if plan.unit.class != Class::Comment || blocked[i].is_some() || !acts {
                continue;
            }
            let unit = plan.unit.range.clone();
            let comment = &text[unit.clone()];
            let spans = match &code_in {
                Some((start, spans)) if *start == unit.start => spans,
                _ => &code_in.insert((unit.start, CodeIn::scan(comment))).1,
            };
            let word = plan.at - unit.start..plan.at - unit.start + plan.word.len();
            let Some(span) = spans.span(comment, word) else {
                continue;
            };
            let decisions = decisions.get_or_insert_with(|| Decisions::of(text, plans, blocked));
            let decided = match span {
                Span::Key(key) => {
                    let key = &comment[key];
                    match decisions.strings.get(&(key, plan.word)) {
                        Some(decision) => Some(decision.clone()),
                        None => Some(string_policy(matcher, plan.word)),
                    }
                }
                Span::Member { root } => {
                    let root = &comment[root];
                    let spelled = *spelled
                        .entry(root)
                        .or_insert_with(|| spelled_in_code(syntax, root));
                    match self.chain_owner(entry, syntax, scopes, plan.at, root, spelled)? {
                        Some(module) => {
                            Some(Decision::Left(Reason::ThirdParty(module).to_string()))
                        }
                        None => decisions.name(plan.word, true).cloned(),
                    }
                }
                Span::Root | Span::Name => decisions.name(plan.word, false).cloned(),
            };
            if let Some(Decision::Left(why)) = decided {
                plans[i].verdict = Verdict::Kept(Reason::CodeInComment(why.clone()));
                blocked[i] = Some(Reason::CodeInComment(why));
            }
        }
        Ok(())
    }

    /// The third-party module whose value the first name of a chain in a
    /// comment at `at` holds (bound by its import, or made by it), so that
    /// the chain's members are theirs. Scopes are asked only where the
    /// file's code spells the name (`spelled`; and, in TypeScript read by the lexer,
    /// imports something third-party): a name it does not spell is bound
    /// by nothing, and is theirs only through `[keep] modules`.
    fn chain_owner<'t>(
        &'t self,
        entry: &'t Entry,
        syntax: &'t Syntax<'t>,
        scopes: &mut Option<Scopes<'t>>,
        at: usize,
        root: &str,
        spelled: bool,
    ) -> Result<Option<String>> {
        if syntax.lang == Lang::Sql {
            return Ok(None);
        }
        if !spelled {
            let kept = self.rules.keep_modules.iter().find(|m| *m == root);
            return Ok(kept.cloned());
        }
        let ours = match syntax.lexed.as_ref() {
            Some(lexed) if syntax.lang != Lang::Python => {
                self.imports_only_ours(entry, syntax, lexed)
            }
            _ => false,
        };
        if ours {
            return Ok(None);
        }
        let scopes = self.scopes_in(entry, syntax, scopes)?;
        Ok(scopes.resolve(root, at).1.and_then(|b| b.holds.clone()))
    }
}

/// Does the file's code (not a comment or string the lexer read) spell
/// `root` as a whole name?
fn spelled_in_code(syntax: &Syntax, root: &str) -> bool {
    let lexed = syntax.lexed.as_ref();
    let name = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
    let bytes = syntax.text.as_bytes();
    memchr::memmem::find_iter(bytes, root.as_bytes()).any(|p| {
        let after = bytes.get(p + root.len()).is_some_and(|&b| name(b));
        let before = p > 0 && name(bytes[p - 1]);
        !after && !before && !lexed.is_some_and(|l| l.in_text(p))
    })
}

/// A key in a comment that no string of the code spells: the strings
/// policy decides it, as it would the key where it lives.
fn string_policy(matcher: &Matcher, word: &str) -> Decision {
    let outcome = matcher.map(word, Class::String);
    if outcome.changed() {
        return Decision::Renamed;
    }
    match outcome.reports.first() {
        Some(report) => Decision::Left(report.reason.to_string()),
        None => Decision::Left("string policy: keep".to_string()),
    }
}
