//! The rule engine: what the rules active in a file do to one token of one
//! class. A token is an identifier, or a word of prose in a comment or
//! string. Exact rules see the whole token; word rules see its segments.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use crate::case::{self, Style};
use crate::rules::{Action, Class, Form, Rename, Rules};

/// Why an occurrence was reported instead of renamed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reason {
    /// The policy of its class (or of the rule) says `report`.
    Policy(Class),
    /// The word sits inside a longer segment (`sessionmaker`).
    Compound,
    /// An import whose target's move collided.
    MoveBlocked(String),
    /// The new name is already bound where this one is (`with` at `at`).
    Collision { with: String, at: String },
    /// Kept: bound by, or reached through, an import of this module.
    ThirdParty(String),
    /// Kept: matches this `[keep] names` pattern.
    KeepName(String),
    /// Kept: a `retrace: keep` comment.
    KeepComment,
    /// In or named with a part of the file that does not parse: not
    /// renamed, since the tree cannot say what it is there.
    SyntaxError,
    /// The same name is renamed in a file this run does not change (one
    /// outside the PATHs given, or read-only): `app/x.py, which is …`.
    Needs(String),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Policy(c) => write!(f, "{} policy: report", c.name()),
            Reason::Compound => f.write_str("compound"),
            Reason::MoveBlocked(why) => write!(f, "collision: its module cannot move ({why})"),
            Reason::Collision { with, at } => write!(f, "collision with {with} at {at}"),
            Reason::ThirdParty(module) => write!(f, "third-party: {module}"),
            Reason::KeepName(pattern) => write!(f, "keep: names ({pattern})"),
            Reason::KeepComment => f.write_str("keep: comment"),
            Reason::SyntaxError => f.write_str("syntax error: the file does not parse here"),
            Reason::Needs(held) => write!(f, "linked: {held}, renames it too"),
        }
    }
}

impl Reason {
    /// A short stable key for summaries and JSON.
    pub fn key(&self) -> &'static str {
        match self {
            Reason::Policy(_) => "policy",
            Reason::Compound => "compound",
            Reason::MoveBlocked(_) => "collision",
            Reason::Collision { .. } => "collision",
            Reason::ThirdParty(_) => "third-party",
            Reason::KeepName(_) => "keep-names",
            Reason::KeepComment => "keep-comment",
            Reason::SyntaxError => "syntax-error",
            Reason::Needs(_) => "linked",
        }
    }

    /// Kept occurrences are never findings: they are explained, not reported.
    pub fn is_kept(&self) -> bool {
        matches!(
            self,
            Reason::ThirdParty(_) | Reason::KeepName(_) | Reason::KeepComment
        )
    }
}

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

/// The rules that apply in one file, indexed by what they match.
pub struct Matcher<'r> {
    rules: &'r Rules,
    exact: HashMap<&'r str, usize>,
    /// Every word form (`session`, `sessions`) → (rule, is plural).
    words: HashMap<&'r str, (usize, bool)>,
    /// Word rules in priority order, for finding compounds.
    word_rules: Vec<usize>,
}

impl<'r> Matcher<'r> {
    /// The matcher for the file at `abs_path`.
    pub fn for_file(rules: &'r Rules, abs_path: &Path) -> Matcher<'r> {
        Matcher::new(rules, |r| r.applies_to(abs_path))
    }

    /// The matcher where rules without `paths` apply, and of the rules with
    /// `paths`, those for which `active` says yes.
    pub fn new(rules: &'r Rules, active: impl Fn(&Rename) -> bool) -> Matcher<'r> {
        let mut m = Matcher {
            rules,
            exact: HashMap::new(),
            words: HashMap::new(),
            word_rules: Vec::new(),
        };
        let active =
            |with_paths: bool| {
                let active = &active;
                rules.renames.iter().enumerate().filter(move |(_, r)| {
                    r.paths.is_some() == with_paths && (!with_paths || active(r))
                })
            };
        // Rules without paths first, so a rule with paths overrides them.
        for with_paths in [false, true] {
            for (i, r) in active(with_paths) {
                match &r.form {
                    Form::Exact => {
                        m.exact.insert(&r.from, i);
                    }
                    Form::Word { from_plural, .. } => {
                        m.words.insert(&r.from, (i, false));
                        m.words.insert(from_plural, (i, true));
                        m.word_rules.insert(0, i);
                    }
                }
            }
        }
        m
    }

    /// What the rules do to `token`, an occurrence of class `class`.
    pub fn map(&self, token: &str, class: Class) -> Outcome {
        let mut out = Outcome {
            new: token.to_string(),
            would_be: token.to_string(),
            ..Outcome::default()
        };
        self.map_parts(token, class, &mut out);
        if let Some(pattern) = self.rules.kept(token) {
            // Kept names keep the rules that matched, to explain themselves.
            out.kept = Some(pattern.to_string());
            out.new = token.to_string();
            out.renamed.clear();
            out.reports.clear();
        }
        out
    }

    fn map_parts(&self, token: &str, class: Class, out: &mut Outcome) {
        if let Some(&i) = self.exact.get(token) {
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
        if let Some(&(i, plural)) = self.words.get(lower.as_str()) {
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
        let &i = self
            .word_rules
            .iter()
            .find(|&&i| lower.contains(&self.rules.renames[i].from))?;
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
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rules(text: &str) -> Rules {
        crate::rules::load_str(text).unwrap()
    }

    fn session_rules() -> Rules {
        rules("[[rename]]\nfrom = \"session\"\nto = \"trace\"\n")
    }

    #[test]
    fn every_row_of_the_word_table() {
        let r = session_rules();
        let m = Matcher::new(&r, |_| false);
        for (before, after) in [
            ("session", "trace"),
            ("Session", "Trace"),
            ("SESSION", "TRACE"),
            ("sessions", "traces"),
            ("Sessions", "Traces"),
            ("SESSIONS", "TRACES"),
            ("session_id", "trace_id"),
            ("sessionId", "traceId"),
            ("SessionID", "TraceID"),
            ("SESSION_ID", "TRACE_ID"),
            ("ISessionAndStats", "ITraceAndStats"),
            ("IExtendedSession", "IExtendedTrace"),
            ("get_sessions_by_user", "get_traces_by_user"),
            ("obsession", "obsession"),
            ("sessionmaker", "sessionmaker"),
        ] {
            assert_eq!(m.map(before, Class::Code).new, after, "{before}");
        }
        let compound = m.map("sessionmaker", Class::Code);
        assert_eq!(compound.reports[0].reason, Reason::Compound);
        assert_eq!(compound.would_be, "tracemaker");
    }

    #[test]
    fn exact_wins_over_word() {
        let r = rules(
            "[[rename]]\nfrom = \"session\"\nto = \"trace\"\n\
             [[rename]]\nfrom = \"ISessionAndStats\"\nto = \"ITraceWithStats\"\nmatch = \"exact\"\n",
        );
        let m = Matcher::new(&r, |_| false);
        assert_eq!(
            m.map("ISessionAndStats", Class::Code).new,
            "ITraceWithStats"
        );
        assert_eq!(
            m.map("ISessionAndStatsList", Class::Code).new,
            "ITraceAndStatsList"
        );
    }

    #[test]
    fn strings_are_reported_by_default() {
        let r = session_rules();
        let out = Matcher::new(&r, |_| false).map("session", Class::String);
        assert_eq!(out.new, "session");
        assert_eq!(out.reports[0].reason, Reason::Policy(Class::String));
    }

    fn style_name(words: &[String], style: usize) -> String {
        let title = |w: &String| Style::Title.apply(w);
        match style {
            0 => words.join("_"),
            1 => words
                .iter()
                .map(|w| w.to_uppercase())
                .collect::<Vec<_>>()
                .join("_"),
            2 => words.join("-"),
            3 => words.iter().map(title).collect(),
            _ => {
                let mut s = words[0].clone();
                s.extend(words[1..].iter().map(title));
                s
            }
        }
    }

    proptest! {
        // Names built from words in snake, SCREAMING, kebab, Pascal and camel case:
        // replacing `session` by `trace` gives the same style, and mapping back
        // (trace → session) restores the name.
        #[test]
        fn mapping_keeps_case_style(
            words in proptest::collection::vec(
                prop_oneof![Just("session".to_string()), Just("sessions".to_string()), "[a-z]{2,6}"],
                1..5),
            style in 0usize..5,
        ) {
            let words: Vec<String> = words
                .into_iter()
                .filter(|w| !w.contains("session") || w == "session" || w == "sessions")
                .filter(|w| !w.contains("trace"))
                .collect();
            prop_assume!(!words.is_empty());
            let expected: Vec<String> = words
                .iter()
                .map(|w| match w.as_str() { "session" => "trace".into(), "sessions" => "traces".into(), _ => w.clone() })
                .collect();
            let forward = session_rules();
            let back = rules("[[rename]]\nfrom = \"trace\"\nto = \"session\"\n");
            let name = style_name(&words, style);
            let renamed = Matcher::new(&forward, |_| false).map(&name, Class::Code).new;
            prop_assert_eq!(&renamed, &style_name(&expected, style));
            prop_assert_eq!(Matcher::new(&back, |_| false).map(&renamed, Class::Code).new, name);
        }

        // A word rule never renames inside a compound, whatever the case.
        #[test]
        fn compounds_are_never_renamed(prefix in "[a-z]{1,4}", suffix in "[a-z]{0,4}", upper in any::<bool>()) {
            let name = format!("{prefix}session{suffix}");
            let name = if upper { name.to_uppercase() } else { name };
            let r = session_rules();
            let out = Matcher::new(&r, |_| false).map(&name, Class::Code);
            prop_assert_eq!(&out.new, &name);
            prop_assert_eq!(&out.reports[0].reason, &Reason::Compound);
        }
    }
}
