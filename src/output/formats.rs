//! Output formats for `check` and `diff`: one list of records per file,
//! rendered as human lines, JSON Lines, GitHub workflow commands or SARIF.

use std::path::Path;
use std::sync::Arc;

use serde_json::{json, Value};

use crate::model::{Movement, Occurrence, Scanned};

/// The JSON Lines format's version: bumped on any incompatible change.
pub const JSON_VERSION: u32 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A rename made (apply) or pending (diff, check).
    Change,
    /// Reported and left alone: fails `check`.
    Finding,
    /// Kept on purpose (third-party, keep lists, history): explained, never a finding.
    Kept,
    /// A file move made or pending.
    Move,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Change => "change",
            Kind::Finding => "finding",
            Kind::Kept => "kept",
            Kind::Move => "move",
        }
    }
}

/// One line of output about one place in one file.
#[derive(Clone, Debug)]
pub struct Record {
    pub kind: Kind,
    pub line: usize,
    pub column: usize,
    /// code, comment, string, collision, move or dropped.
    pub class: &'static str,
    pub old: Arc<str>,
    pub new: Arc<str>,
    pub rule: Arc<str>,
    pub reason: Option<String>,
}

/// A place a link's report names as one of its other ends.
pub struct End {
    pub path: String,
    pub line: usize,
    pub column: Option<usize>,
}

impl Record {
    /// The other ends a `linked` report names (`templates/index.html:1`,
    /// `lib/api.ts:6:17`), in order.
    pub fn ends(&self) -> Vec<End> {
        static END: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(r"([\w@\[\]().\-/]*\w\.\w+):(\d+)(?::(\d+))?")
                .expect("a valid pattern")
        });
        let Some(reason) = self.reason.as_deref().filter(|r| r.starts_with("linked:")) else {
            return Vec::new();
        };
        END.captures_iter(reason)
            .filter_map(|c| {
                Some(End {
                    path: c[1].trim_start_matches('(').to_string(),
                    line: c[2].parse().ok()?,
                    column: c.get(3).and_then(|m| m.as_str().parse().ok()),
                })
            })
            .collect()
    }

    fn occurrence(kind: Kind, o: &Occurrence) -> Record {
        Record {
            kind,
            line: o.line,
            column: o.column,
            class: o.kind(),
            old: o.old.clone(),
            new: o.new.clone(),
            rule: o.rule.clone(),
            reason: o.reason.as_ref().map(ToString::to_string),
        }
    }

    fn file(
        kind: Kind,
        class: &'static str,
        path: &Path,
        new: &Path,
        reason: Option<String>,
    ) -> Record {
        Record {
            kind,
            line: 1,
            column: 1,
            class,
            old: Arc::from(path.display().to_string()),
            new: Arc::from(new.display().to_string()),
            rule: Arc::from(""),
            reason,
        }
    }

    /// The SARIF rule (and GitHub title) this record falls under.
    pub fn rule_id(&self) -> &'static str {
        match (self.kind, self.class) {
            (Kind::Change, _) => "rename",
            (Kind::Move, _) => "move",
            (_, "collision") => "collision",
            (_, "linked") => "linked",
            (_, "text") => "text",
            (_, "dropped") => "dropped",
            _ if self.reason.as_deref() == Some("compound") => "compound",
            _ => "reported",
        }
    }

    /// Warnings for what a person should look at; errors for what is left
    /// to do or cannot be done.
    fn level(&self) -> &'static str {
        match self.rule_id() {
            "reported" | "compound" => "warning",
            _ => "error",
        }
    }

    /// `code session_id → trace_id (session→trace) reported: …`, written
    /// where it goes (it is most of a check's output).
    pub fn message(&self) -> Message<'_> {
        Message(self)
    }
}

/// A record's message, as `Record::message` shows it.
pub struct Message<'r>(&'r Record);

impl std::fmt::Display for Message<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let r = self.0;
        let dropped = r.class == "dropped";
        match dropped {
            true => f.write_str("dropped")?,
            false => write!(f, "{} {} → {}", r.class, r.old, r.new)?,
        }
        if !r.rule.is_empty() {
            write!(f, " ({})", r.rule)?;
        }
        match (&r.reason, r.kind) {
            (Some(why), Kind::Kept) => write!(f, " kept: {why}"),
            (Some(why), _) if dropped => write!(f, ": {why}"),
            (Some(why), _) => write!(f, " reported: {why}"),
            (None, _) => Ok(()),
        }
    }
}

/// Everything to say about one file, in position order.
pub fn records(path: &Path, movement: Movement, s: &Scanned) -> Vec<Record> {
    let mut out = Vec::new();
    match movement {
        Movement::Stays => {}
        Movement::To(new) => out.push(Record::file(Kind::Move, "move", path, new, None)),
        Movement::Blocked(new, why) => out.push(Record::file(
            Kind::Finding,
            "collision",
            path,
            new,
            Some(format!("collision: {why}")),
        )),
        Movement::Linked(new, why) => out.push(Record::file(
            Kind::Finding,
            "linked",
            path,
            new,
            Some(why.to_string()),
        )),
    }
    let mut occurrences: Vec<Record> = s
        .changes
        .iter()
        .map(|o| Record::occurrence(Kind::Change, o))
        .chain(
            s.findings
                .iter()
                .map(|o| Record::occurrence(Kind::Finding, o)),
        )
        .chain(s.kept.iter().map(|o| Record::occurrence(Kind::Kept, o)))
        .collect();
    occurrences.sort_by_key(|r| (r.line, r.column));
    out.extend(occurrences);
    if let Some(d) = s.dropped {
        let why = d.to_string();
        out.push(Record::file(
            Kind::Finding,
            "dropped",
            path,
            path,
            Some(why),
        ));
    }
    out
}

pub fn json_line(path: &str, r: &Record) -> Value {
    let mut record = json!({
        "version": JSON_VERSION,
        "type": r.kind.name(),
        "path": path,
        "line": r.line,
        "column": r.column,
        "class": r.class,
        "old": &*r.old,
        "new": &*r.new,
        "rule": &*r.rule,
        "reason": r.reason,
    });
    let ends = r.ends();
    if !ends.is_empty() {
        record["ends"] = ends
            .iter()
            .map(|e| json!({"path": e.path, "line": e.line, "column": e.column}))
            .collect();
    }
    record
}

/// A GitHub Actions workflow command that annotates the line:
/// `::error file=…,line=…,col=…,title=…::message`.
pub fn github_line(path: &str, r: &Record) -> String {
    format!(
        "::{} file={},line={},col={},title={}::{}",
        r.level(),
        escape_property(path),
        r.line,
        r.column,
        escape_property(&format!("retrace {}", r.rule_id())),
        escape_data(&r.message().to_string())
    )
}

// Workflow command escaping, as the GitHub Actions toolkit does it.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One SARIF result; renames carry a fix with their replacement.
pub fn sarif_result(path: &str, r: &Record) -> Value {
    let uri = path.replace('\\', "/");
    let region = json!({
        "startLine": r.line,
        "startColumn": r.column,
        "endLine": r.line,
        "endColumn": r.column + r.old.chars().count(),
    });
    let mut result = json!({
        "ruleId": r.rule_id(),
        "level": r.level(),
        "message": { "text": r.message().to_string() },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri },
                "region": if r.kind == Kind::Move { json!({"startLine": 1}) } else { region.clone() },
            }
        }],
    });
    let ends = r.ends();
    if !ends.is_empty() {
        result["relatedLocations"] = ends
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let mut region = json!({ "startLine": e.line });
                if let Some(column) = e.column {
                    region["startColumn"] = json!(column);
                }
                json!({
                    "id": i,
                    "message": { "text": "the link's other end" },
                    "physicalLocation": {
                        "artifactLocation": { "uri": e.path.replace('\\', "/") },
                        "region": region,
                    }
                })
            })
            .collect();
    }
    if r.kind == Kind::Change {
        result["fixes"] = json!([{
            "description": { "text": format!("rename {} to {}", r.old, r.new) },
            "artifactChanges": [{
                "artifactLocation": { "uri": uri },
                "replacements": [{
                    "deletedRegion": region,
                    "insertedContent": { "text": &*r.new },
                }],
            }],
        }]);
    }
    result
}

/// The whole SARIF 2.1.0 log for a run's results.
pub fn sarif_log(results: Vec<Value>) -> Value {
    let rule = |id: &str, text: &str| json!({"id": id, "shortDescription": {"text": text}});
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "retrace",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": [
                        rule("rename", "Old terminology the rules rename"),
                        rule("move", "A file whose name the rules rename"),
                        rule("collision", "A rename that would collide with an existing name or path"),
                        rule("reported", "Old terminology the policy reports instead of renaming"),
                        rule("compound", "The word inside a longer name"),
                        rule("linked", "A move whose other end cannot follow it"),
                        rule("text", "A file retrace does not edit that names a moved path"),
                        rule("dropped", "A rewrite that would not parse, or would not be stable"),
                    ],
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}
