//! The data every stage may use: what an occurrence is, why it was not
//! renamed, what came of a file. Defined here, below every stage, so that
//! the engine never imports printing and printing never imports the engine.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The baseline file `check` records findings in, and reads with
/// `[check] baseline = true`, beside the rules.
pub const BASELINE_FILE: &str = ".retrace-baseline.json";

/// The syntactic class of an occurrence, which picks its policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    Code,
    Comment,
    String,
}

impl Class {
    pub fn name(self) -> &'static str {
        match self {
            Class::Code => "code",
            Class::Comment => "comment",
            Class::String => "string",
        }
    }
}

/// The comments that frame compatibility code retrace writes (old names
/// kept for a transition), which `check` does not report and `apply
/// --drop-compat` removes; a stub file left at a moved module's old path
/// starts with `COMPAT_STUB`.
pub const COMPAT_BEGIN: &str = "retrace: compat (begin)";
pub const COMPAT_END: &str = "retrace: compat (end)";
pub const COMPAT_STUB: &str = "retrace: compat: this module moved";

/// A file's text (or its first lines) is a compat stub: `COMPAT_STUB` on
/// its first line.
pub fn is_compat_stub(text: &str) -> bool {
    text.lines().next().is_some_and(|l| l.contains(COMPAT_STUB))
}

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
    /// Kept: the name holds a third-party value of a type named with the
    /// word (`sqlalchemy.orm.Session`): it names that sense, not the
    /// project's.
    Holds(String),
    /// Kept: matches this `[keep] names` pattern.
    KeepName(String),
    /// Kept: a `retrace: keep` comment.
    KeepComment,
    /// Kept: compatibility code retrace wrote for the transition (old
    /// names on purpose), between `COMPAT_BEGIN` and `COMPAT_END` or in a
    /// stub left at a moved module's old path.
    Compat,
    /// Kept: in migration history (an applied migration), which is never
    /// rewritten: changing it changes no deployed database.
    History,
    /// Kept: code written in a comment (`db.session.get(…)`, a key in
    /// `["…"]`, a name in backticks) follows what the code does with that
    /// name, which is not renamed, for this reason.
    CodeInComment(String),
    /// In or named with a part of the file that does not parse: not
    /// renamed, since the tree cannot say what it is there.
    SyntaxError,
    /// A file this run does not change needs the name as it is: it renames
    /// it too (one outside the PATHs given, or read-only), or imports it
    /// (migration history): `app/x.py, which is …, renames it too`.
    Needs(String),
    /// A key: its other end reads it by this name, and stays (`keyword of
    /// dict(), …`, `wire: an attribute of class X, serialized`).
    Linked(String),
    /// A text file retrace does not edit names a moved path (or a
    /// manifest cannot be read): the message says which.
    Text(String),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Policy(c) => write!(f, "{} policy: report", c.name()),
            Reason::Compound => f.write_str("compound"),
            Reason::MoveBlocked(why) => write!(f, "collision: its module cannot move ({why})"),
            Reason::Collision { with, at } => write!(f, "collision with {with} at {at}"),
            Reason::ThirdParty(module) => write!(f, "third-party: {module}"),
            Reason::Holds(held) => write!(f, "holds {held}"),
            Reason::KeepName(pattern) => write!(f, "keep: names ({pattern})"),
            Reason::KeepComment => f.write_str("keep: comment"),
            Reason::History => f.write_str("history"),
            Reason::Compat => f.write_str("compat: old names kept for the transition"),
            Reason::CodeInComment(why) => write!(f, "{why} (code in a comment)"),
            Reason::SyntaxError => f.write_str("syntax error: the file does not parse here"),
            Reason::Needs(held) => write!(f, "linked: {held}"),
            Reason::Linked(note) => write!(f, "linked: {note}"),
            Reason::Text(why) => f.write_str(why),
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
            Reason::ThirdParty(_) | Reason::Holds(_) => "third-party",
            Reason::KeepName(_) => "keep-names",
            Reason::KeepComment => "keep-comment",
            Reason::History => "history",
            Reason::Compat => "compat",
            Reason::CodeInComment(_) => "code-in-comment",
            Reason::SyntaxError => "syntax-error",
            Reason::Needs(_) | Reason::Linked(_) => "linked",
            Reason::Text(_) => "text",
        }
    }

    /// Kept occurrences are never findings: they are explained, not reported.
    pub fn is_kept(&self) -> bool {
        matches!(
            self,
            Reason::ThirdParty(_)
                | Reason::Holds(_)
                | Reason::KeepName(_)
                | Reason::KeepComment
                | Reason::History
                | Reason::Compat
                | Reason::CodeInComment(_)
        )
    }
}

/// Why a file was not processed. Not an error: counted in the summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skip {
    Binary,
    InvalidUtf8,
    TooLarge,
    KeepFile,
}

impl Skip {
    pub fn name(self) -> &'static str {
        match self {
            Skip::Binary => "binary",
            Skip::InvalidUtf8 => "invalid UTF-8",
            Skip::TooLarge => "over 10 MiB",
            Skip::KeepFile => "retrace: keep-file",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Diff,
    Apply,
    Check,
}

/// One renamed or reported token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub line: usize,
    pub column: usize,
    pub class: Class,
    pub old: Arc<str>,
    pub new: Arc<str>,
    pub rule: Arc<str>,
    /// None for a rename; why it was not renamed otherwise.
    pub reason: Option<Reason>,
    /// Inside a SQL statement in a host-language string.
    pub in_sql_string: bool,
    /// A rename that follows a file's move (an import of the moved
    /// module): the old path of that file. Both happen or neither.
    pub follows: Option<PathBuf>,
}

impl Occurrence {
    /// The class shown in output: collisions are their own class.
    pub fn kind(&self) -> &'static str {
        match self.reason {
            Some(Reason::Collision { .. } | Reason::MoveBlocked(_)) => "collision",
            Some(Reason::Linked(_)) => "linked",
            Some(Reason::Text(_)) => "text",
            _ if self.in_sql_string && self.class == Class::Code => "sql-in-string",
            _ => self.class.name(),
        }
    }
}

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Dropped::WouldNotParse {
                errors_before,
                errors_after,
            } => write!(
                f,
                "the rewrite would not parse ({errors_before} syntax errors before, {errors_after} after)"
            ),
            Dropped::Unstable => f.write_str(
                "the file has syntax errors, and its renames would change how they parse: a second run would rename more",
            ),
        }
    }
}

/// Why a file's rewrite was thrown away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dropped {
    /// It would have added syntax errors.
    WouldNotParse {
        errors_before: usize,
        errors_after: usize,
    },
    /// The file has syntax errors, and where tree-sitter recovers from them
    /// depends on the lengths of the names around them: the rewritten file
    /// reads otherwise, and a second run would rename more. A rename that
    /// is not stable is not made.
    Unstable,
}

#[derive(Debug, Default)]
pub struct Scanned {
    /// Renames made (or, in diff and check, pending).
    pub changes: Vec<Occurrence>,
    /// Occurrences reported and left alone.
    pub findings: Vec<Occurrence>,
    /// Occurrences kept on purpose (third-party, keep lists, history): explained,
    /// never findings.
    pub kept: Vec<Occurrence>,
    pub dropped: Option<Dropped>,
    /// The unified diff's hunks, in diff mode, when something changed.
    pub diff: Option<String>,
    /// In apply and review modes: the whole file and its edits (offsets
    /// past the BOM).
    pub rewrite: Option<Rewrite>,
    /// The file had syntax errors before any rename (renames are made
    /// only where its tree is sound).
    pub syntax_errors: bool,
    /// Its top-level definitions of names with a rule word.
    pub defines: Vec<Defined>,
}

/// A top-level definition of a name with a rule word (a Python `class` or
/// `def`; a TypeScript/JavaScript `class`, `function`, `interface`, `type`
/// or `enum`): one sense of the word, which `survey` tells apart from the
/// others, and the closing summary when two modules define one name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Defined {
    pub name: Arc<str>,
    /// `class`, `function`, `interface`, `type` or `enum`.
    pub kind: &'static str,
    pub line: usize,
}

/// A file's text and the edits that rewrite it.
#[derive(Debug)]
pub struct Rewrite {
    pub text: String,
    pub edits: Vec<Edit>,
}

impl Scanned {
    /// Nothing to show or write: no change, finding, kept name, dropped
    /// rewrite or diff.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
            && self.findings.is_empty()
            && self.kept.is_empty()
            && self.dropped.is_none()
            && self.diff.is_none()
            && self.rewrite.is_none()
    }

    /// Keep every occurrence, for `reason` alone (it overrides any other):
    /// no change, no finding, no diff, no rewrite.
    pub fn keep_all(&mut self, reason: &Reason) {
        let all = [&mut self.changes, &mut self.findings, &mut self.kept];
        let mut kept: Vec<Occurrence> = all.into_iter().flat_map(|v| v.drain(..)).collect();
        for o in &mut kept {
            o.reason = Some(reason.clone());
        }
        self.kept = kept;
        self.dropped = None;
        self.diff = None;
        self.rewrite = None;
    }
}

#[derive(Debug)]
pub enum Outcome {
    Scanned(Scanned),
    Skipped(Skip),
    Failed(String),
    /// Not a file of the five languages: never read, it can only move.
    Other,
}

/// What happens to a file's path.
#[derive(Clone, Copy, Debug)]
pub enum Movement<'a> {
    Stays,
    To(&'a Path),
    /// The move collided: not done, for this reason.
    Blocked(&'a Path, &'a str),
    /// Not done, as a link's other end cannot follow it (a URL that
    /// names a route): reported as `linked`, for this reason.
    Linked(&'a Path, &'a str),
}

/// One replacement: a byte range of a file and what replaces it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    /// Shared: one file may make the same replacement many times.
    pub replacement: Arc<str>,
}

/// The five languages, known by their files' extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    Python,
    TypeScript,
    Tsx,
    JavaScript,
    Sql,
}

impl Lang {
    pub const ALL: [Lang; 5] = [
        Lang::Python,
        Lang::TypeScript,
        Lang::Tsx,
        Lang::JavaScript,
        Lang::Sql,
    ];

    pub fn from_path(path: &Path) -> Option<Lang> {
        let ext = path.extension()?.to_str()?;
        Some(match ext {
            "py" | "pyi" => Lang::Python,
            "ts" | "mts" | "cts" => Lang::TypeScript,
            "tsx" => Lang::Tsx,
            "js" | "mjs" | "cjs" | "jsx" => Lang::JavaScript,
            "sql" => Lang::Sql,
            _ => return None,
        })
    }
}
