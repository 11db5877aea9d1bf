//! `survey`: every occurrence of each rule's word, grouped by sense (the
//! definition it resolves to), shown for people or as one JSON document,
//! and written as a starter rule file (`starter`). The senses are found
//! in `phases`; this prints what they hold.

pub mod starter;

use std::fmt::Write as _;

use serde_json::{json, Value};

use super::formats::JSON_VERSION;
use super::summary::plural;

/// What a survey found, rule by rule.
#[derive(Debug, Default)]
pub struct Survey {
    pub rules: Vec<RuleSurvey>,
    /// Files read, files with an occurrence of a rule's word, files
    /// skipped (binary, invalid UTF-8, too large, keep-file) and files
    /// that failed.
    pub scanned: usize,
    pub with_occurrences: usize,
    pub skipped: usize,
    pub errors: usize,
    /// Where files with occurrences move (as shown): a rule limited to
    /// such a file must name both paths, so that it holds after `apply`.
    pub moves: std::collections::BTreeMap<String, String>,
}

/// The senses of one rule's word (rules with one label share them).
#[derive(Debug, Default)]
pub struct RuleSurvey {
    /// `session→trace`.
    pub label: String,
    pub senses: Vec<Sense>,
    /// Names several first-party modules define, all renamed by the rules:
    /// which one they mean is for the user to say.
    pub ambiguous: Vec<Ambiguous>,
}

impl RuleSurvey {
    pub fn count(&self) -> usize {
        self.senses.iter().map(|s| s.count).sum()
    }
}

/// What a word names in some occurrences.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SenseKind {
    /// A first-party class, function or type, in its module.
    Definition,
    /// A name several first-party modules define, used where it cannot
    /// be told which (the file neither defines nor imports it).
    Unresolved,
    /// Other first-party names: locals, attributes, parameters, SQL names.
    #[default]
    Names,
    /// Module paths in imports that follow their module's move: the
    /// file's name decides, not the sense of a name.
    Module,
    /// A third party's name or type (imported, reached through an import,
    /// or held: the value of a name is one of its objects).
    ThirdParty,
    /// A platform global the bundled list keeps (`sessionStorage`).
    Platform,
    /// Kept by a `[keep] names` pattern of the rules.
    KeepNames,
    /// Kept by `retrace: keep` comments.
    KeepComment,
    /// In migration history, never rewritten.
    History,
    Strings,
    Comments,
}

impl SenseKind {
    pub fn key(self) -> &'static str {
        match self {
            SenseKind::Definition => "definition",
            SenseKind::Unresolved => "unresolved",
            SenseKind::Names => "names",
            SenseKind::Module => "module",
            SenseKind::ThirdParty => "third-party",
            SenseKind::Platform => "platform",
            SenseKind::KeepNames => "keep-names",
            SenseKind::KeepComment => "keep-comment",
            SenseKind::History => "history",
            SenseKind::Strings => "strings",
            SenseKind::Comments => "comments",
        }
    }

    /// The project's own code: what the rules may mean or not.
    pub fn first_party(self) -> bool {
        matches!(
            self,
            SenseKind::Definition | SenseKind::Unresolved | SenseKind::Names
        )
    }

    /// Kept whatever the starter says: someone else's, or kept already.
    pub fn kept_already(self) -> bool {
        matches!(
            self,
            SenseKind::ThirdParty
                | SenseKind::Platform
                | SenseKind::KeepComment
                | SenseKind::History
        )
    }
}

/// One sense of a word, with its occurrences counted.
#[derive(Debug, Default, Clone)]
pub struct Sense {
    pub kind: SenseKind,
    /// `app.session.Session`, `sqlalchemy.orm.Session`, `sessionStorage`,
    /// `first-party names`, `[keep] names "orm_*"`, `strings`.
    pub label: String,
    /// A definition's name, kind (`class`) and place (`app/session.py:3`).
    pub definition: Option<(String, &'static str, String)>,
    /// Another first-party module defines the same name: names alone
    /// cannot tell the two apart.
    pub shared_name: bool,
    pub count: usize,
    pub renamed: usize,
    pub reported: usize,
    pub kept: usize,
    /// Every file, with its count: most first, then by path.
    pub files: Vec<(String, usize)>,
    /// Every name (token): most first, then by name.
    pub names: Vec<Name>,
    /// One occurrence: `path`, line, the line's text.
    pub example: Option<(String, usize, String)>,
}

/// A name (token) of a sense.
#[derive(Debug, Default, Clone)]
pub struct Name {
    pub name: String,
    pub count: usize,
    /// What the rules make of it, or would.
    pub new: String,
    /// The files it occurs in with this sense, in path order.
    pub files: Vec<String>,
}

impl Sense {
    pub fn kind(&self) -> SenseKind {
        self.kind
    }

    /// What happens to it: `renamed`, `kept`, or a breakdown.
    pub fn outcome(&self) -> String {
        let parts: Vec<String> = [
            (self.renamed, "renamed"),
            (self.reported, "reported"),
            (self.kept, "kept"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| match *n == self.count {
            true => what.to_string(),
            false => format!("{what} {n}"),
        })
        .collect();
        parts.join(", ")
    }

    /// The sense as people read it: `first-party class app.session.Session
    /// (app/session.py:3)`, `third-party sqlalchemy.orm.Session`.
    pub fn title(&self) -> String {
        match (self.kind(), &self.definition) {
            // A module's definition by its dotted name; a file's by its
            // name, the file being in its place.
            (SenseKind::Definition, Some((name, kind, at))) => match self.label.contains(' ') {
                true => format!("first-party {kind} {name} ({at})"),
                false => format!("first-party {kind} {} ({at})", self.label),
            },
            (SenseKind::Unresolved, _) => format!("first-party {}", self.label),
            (SenseKind::ThirdParty, _) => format!("third-party {}", self.label),
            (SenseKind::Platform, _) => format!("platform {}", self.label),
            (SenseKind::Module, _) => format!("imports of {}, which moves", self.label),
            (SenseKind::Strings | SenseKind::Comments, _) => format!("text in {}", self.label),
            _ => self.label.clone(),
        }
    }
}

/// A name several first-party modules define, which the rules rename.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ambiguous {
    pub name: String,
    /// Each definition: `app.session.Session (app/session.py:3)`,
    /// `web/lib/session.ts:3`.
    pub definitions: Vec<String>,
}

impl Ambiguous {
    /// `Session has 2 first-party definitions, a (…) and b (…)`.
    fn defined(&self) -> String {
        let (last, others) = self.definitions.split_last().unwrap_or((&self.name, &[]));
        format!(
            "{} has {} first-party definitions, {} and {last}",
            self.name,
            self.definitions.len(),
            others.join(", ")
        )
    }

    /// The closing summary's line for `check` and `diff`.
    pub fn summary_line(&self) -> String {
        format!(
            "senses: {}, renamed alike: say which one the rules mean ([keep] names, or a rule with paths); `retrace survey` shows the uses of each",
            self.defined()
        )
    }
}

/// How many files each sense shows in human output.
const TOP_FILES: usize = 3;

/// The survey for people: per rule, each sense with its count, what
/// happens to it, its main files and one example line.
pub fn human(survey: &Survey) -> String {
    let mut out = String::new();
    for rule in &survey.rules {
        let senses = plural(rule.senses.len(), "sense");
        let total = plural(rule.count(), "occurrence");
        let label = rule.label.replace('→', " → ");
        let _ = writeln!(out, "{label}: {total}, {senses}");
        let width = rule.senses.iter().map(|s| s.count.to_string().len()).max();
        let width = width.unwrap_or(1);
        for sense in &rule.senses {
            let pad = " ".repeat(width + 4);
            let _ = writeln!(
                out,
                "  {:>width$}  {}: {}",
                sense.count,
                sense.title(),
                sense.outcome()
            );
            let top: Vec<String> = sense
                .files
                .iter()
                .take(TOP_FILES)
                .map(|(f, n)| format!("{f} {n}"))
                .collect();
            let more = sense.files.len().saturating_sub(TOP_FILES);
            let more = match more {
                0 => String::new(),
                n => format!(" (+{})", plural(n, "file")),
            };
            let _ = writeln!(out, "{pad}{}{more}", top.join(", "));
            if let Some((path, line, text)) = &sense.example {
                let _ = writeln!(out, "{pad}{path}:{line}: {}", text.trim());
            }
        }
        for a in &rule.ambiguous {
            let _ = writeln!(
                out,
                "  note: {}, renamed alike: which one the rule means is yours to say (`--write FILE` writes a rule that keeps one)",
                a.defined()
            );
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "files: {} scanned, {} with occurrences, {} skipped",
        survey.scanned, survey.with_occurrences, survey.skipped
    );
    if survey.errors > 0 {
        let _ = writeln!(out, "errors: {}", plural(survey.errors, "path"));
    }
    out
}

/// The survey as one JSON document.
pub fn json(survey: &Survey) -> Value {
    let rules: Vec<Value> = survey.rules.iter().map(rule_json).collect();
    json!({
        "version": JSON_VERSION,
        "type": "survey",
        "rules": rules,
        "files_scanned": survey.scanned,
        "files_with_occurrences": survey.with_occurrences,
        "skipped": survey.skipped,
        "errors": survey.errors,
    })
}

fn rule_json(rule: &RuleSurvey) -> Value {
    let senses: Vec<Value> = rule.senses.iter().map(sense_json).collect();
    let ambiguous: Vec<Value> = rule
        .ambiguous
        .iter()
        .map(|a| json!({"name": a.name, "definitions": a.definitions}))
        .collect();
    json!({
        "rule": rule.label,
        "occurrences": rule.count(),
        "senses": senses,
        "ambiguous": ambiguous,
    })
}

fn sense_json(s: &Sense) -> Value {
    let files: Vec<Value> = s
        .files
        .iter()
        .map(|(path, count)| json!({"path": path, "count": count}))
        .collect();
    let names: Vec<Value> = s
        .names
        .iter()
        .map(|n| json!({"name": n.name, "count": n.count, "new": n.new}))
        .collect();
    let definition = s.definition.as_ref().map(|(name, kind, at)| {
        json!({"name": name, "kind": kind, "at": at, "shared_name": s.shared_name})
    });
    let example = s
        .example
        .as_ref()
        .map(|(path, line, text)| json!({"path": path, "line": line, "text": text}));
    json!({
        "kind": s.kind().key(),
        "label": s.label,
        "definition": definition,
        "count": s.count,
        "renamed": s.renamed,
        "reported": s.reported,
        "kept": s.kept,
        "files": files,
        "names": names,
        "example": example,
    })
}
