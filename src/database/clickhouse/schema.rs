//! A ClickHouse history read statement by statement: the tables, views and
//! materialized views it leaves, with their columns, their key columns
//! (which ClickHouse refuses to rename) and the statement that made each.
//! No ClickHouse server is at hand where retrace runs, so the DDL is read
//! here; a statement it does not follow is reported, as the replay does.

use std::collections::BTreeSet;

use crate::database::replay::Statement;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Table,
    View,
    /// `TO target`: its rows live in the target table, so it can be
    /// re-created without losing any.
    MaterializedTo(String),
    /// An inner engine: its rows live in it, and dropping it drops them.
    MaterializedInner,
    /// Loaded from its source: re-created without losing anything.
    Dictionary,
    /// A SQL user-defined function (a lambda).
    Function,
}

impl Kind {
    /// What `DROP … IF EXISTS` calls it.
    pub fn drop_word(&self) -> &'static str {
        match self {
            Kind::Table => "TABLE",
            Kind::Dictionary => "DICTIONARY",
            Kind::Function => "FUNCTION",
            _ => "VIEW",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Object {
    /// `db.name` as written (or `name`).
    pub name: String,
    pub kind: Kind,
    pub columns: Vec<String>,
    /// Columns in ORDER BY, PARTITION BY, PRIMARY KEY or SAMPLE BY.
    pub keys: BTreeSet<String>,
    /// The CREATE statement; None once an ALTER changed the object (its
    /// text no longer says what it is).
    pub ddl: Option<String>,
}

/// What the history leaves, and the statements it did not follow.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    pub objects: Vec<Object>,
    pub unread: Vec<String>,
}

impl Schema {
    pub fn apply(&mut self, statement: &Statement, file: &str) {
        let tokens = tokens(statement.text);
        let words: Vec<String> = tokens.iter().map(|t| t.to_ascii_uppercase()).collect();
        let w = |i: usize| words.get(i).map_or("", String::as_str);
        match (w(0), w(1)) {
            ("CREATE", "DATABASE") => {}
            ("CREATE", _) => match create(statement.text, &tokens, &words) {
                Some(object) => {
                    self.objects.retain(|o| o.name != object.name);
                    self.objects.push(object);
                }
                None => self.unread(statement, file),
            },
            ("DROP", "TABLE" | "VIEW" | "DICTIONARY" | "FUNCTION") => {
                let name = name_after(&tokens, &words, 2);
                self.objects.retain(|o| Some(&o.name) != name.as_ref());
            }
            ("RENAME", "TABLE") => self.rename(&tokens),
            ("ALTER", "TABLE") => self.alter(statement, file, &tokens, &words),
            ("INSERT" | "SELECT" | "SET" | "USE" | "OPTIMIZE" | "SYSTEM" | "GRANT", _) => {}
            _ => self.unread(statement, file),
        }
    }

    /// RENAME TABLE a TO b[, c TO d]
    fn rename(&mut self, tokens: &[String]) {
        let mut i = 2;
        while let Some(from) = dotted(tokens, i) {
            i += dotted_len(tokens, i) + 1; // … TO
            let Some(to) = dotted(tokens, i) else {
                return;
            };
            i += dotted_len(tokens, i);
            if let Some(o) = self.objects.iter_mut().find(|o| o.name == from) {
                o.name = to;
                o.ddl = None;
            }
            if tokens.get(i).map(String::as_str) != Some(",") {
                return;
            }
            i += 1;
        }
    }

    fn alter(&mut self, statement: &Statement, file: &str, tokens: &[String], words: &[String]) {
        let Some(name) = name_after(tokens, words, 2) else {
            return self.unread(statement, file);
        };
        let Some(object) = self.objects.iter_mut().find(|o| o.name == name) else {
            return;
        };
        object.ddl = None;
        let at = 2 + dotted_len(tokens, 2);
        let w = |i: usize| words.get(i).map_or("", String::as_str);
        match (w(at), w(at + 1)) {
            ("RENAME", "COLUMN") => {
                let from = tokens.get(at + 2 + if_exists(words, at + 2));
                let to = from.and_then(|_| {
                    tokens
                        .iter()
                        .skip(at + 2)
                        .skip_while(|t| !t.eq_ignore_ascii_case("TO"))
                        .nth(1)
                });
                if let (Some(from), Some(to)) = (from, to) {
                    for c in object.columns.iter_mut().filter(|c| *c == from) {
                        *c = to.clone();
                    }
                }
            }
            ("ADD", "COLUMN") => {
                let skip = if_exists(words, at + 2);
                if let Some(c) = tokens.get(at + 2 + skip) {
                    object.columns.push(c.clone());
                }
            }
            ("DROP", "COLUMN") => {
                let skip = if_exists(words, at + 2);
                if let Some(c) = tokens.get(at + 2 + skip) {
                    object.columns.retain(|x| x != c);
                }
            }
            _ => {}
        }
    }

    fn unread(&mut self, statement: &Statement, file: &str) {
        let first = code(statement.text).lines().next().unwrap_or("");
        self.unread.push(format!(
            "{file}:{}: not followed: {}",
            statement.line,
            first.trim()
        ));
    }
}

/// A statement from its first line that is not a `--` comment.
fn code(text: &str) -> &str {
    let mut rest = text.trim_start();
    while rest.starts_with("--") {
        rest = rest.find('\n').map_or("", |n| rest[n + 1..].trim_start());
    }
    rest
}

/// `IF EXISTS` / `IF NOT EXISTS` at `i`: how many words it takes.
fn if_exists(words: &[String], i: usize) -> usize {
    match (
        words.get(i).map(String::as_str),
        words.get(i + 1).map(String::as_str),
    ) {
        (Some("IF"), Some("NOT")) => 3,
        (Some("IF"), Some("EXISTS")) => 2,
        _ => 0,
    }
}

/// The (possibly dotted) name after `IF [NOT] EXISTS` at `i`.
fn name_after(tokens: &[String], words: &[String], i: usize) -> Option<String> {
    dotted(tokens, i + if_exists(words, i))
}

/// `a` or `a.b` starting at token `i`.
fn dotted(tokens: &[String], i: usize) -> Option<String> {
    let first = tokens.get(i)?;
    match (tokens.get(i + 1).map(String::as_str), tokens.get(i + 2)) {
        (Some("."), Some(second)) => Some(format!("{first}.{second}")),
        _ => Some(first.clone()),
    }
}

fn dotted_len(tokens: &[String], i: usize) -> usize {
    match tokens.get(i + 1).map(String::as_str) {
        Some(".") => 3,
        _ => 1,
    }
}

/// A CREATE TABLE, VIEW or MATERIALIZED VIEW; None for anything else.
fn create(text: &str, tokens: &[String], words: &[String]) -> Option<Object> {
    let mut i = 1;
    if words.get(i).map(String::as_str) == Some("OR") {
        i += 2; // OR REPLACE
    }
    let materialized = words.get(i).map(String::as_str) == Some("MATERIALIZED");
    i += usize::from(materialized);
    let other = match words.get(i).map(String::as_str) {
        Some("TABLE" | "VIEW") => None,
        Some("DICTIONARY") => Some(Kind::Dictionary),
        Some("FUNCTION") => Some(Kind::Function),
        _ => return None,
    };
    let table = words.get(i).map(String::as_str) == Some("TABLE");
    i += 1;
    i += if_exists(words, i);
    let name = dotted(tokens, i)?;
    i += dotted_len(tokens, i);
    if words.get(i).map(String::as_str) == Some("ON") {
        i += 3; // ON CLUSTER name
    }
    let mut to = None;
    if words.get(i).map(String::as_str) == Some("TO") {
        to = dotted(tokens, i + 1);
        i += 1 + dotted_len(tokens, i + 1);
    }
    let columns = match tokens.get(i).map(String::as_str) {
        Some("(") => column_list(tokens, i),
        _ => Vec::new(),
    };
    let kind = match (other, table, materialized, to) {
        (Some(kind), ..) => kind,
        (None, true, _, _) => Kind::Table,
        (None, false, false, _) => Kind::View,
        (None, false, true, Some(target)) => Kind::MaterializedTo(target),
        (None, false, true, None) => Kind::MaterializedInner,
    };
    let keys = key_columns(words, tokens, &columns);
    Some(Object {
        name,
        kind,
        columns,
        keys,
        ddl: Some(code(text).trim().trim_end_matches(';').to_string()),
    })
}

/// The column names of the parenthesized list opening at `open`: the first
/// token of each top-level element, indexes, projections and constraints aside.
fn column_list(tokens: &[String], open: usize) -> Vec<String> {
    let mut columns = Vec::new();
    let mut depth = 0;
    let mut element_start = true;
    for t in &tokens[open..] {
        match t.as_str() {
            "(" => {
                depth += 1;
                if depth == 1 {
                    element_start = true;
                }
                continue;
            }
            ")" => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
                continue;
            }
            "," if depth == 1 => {
                element_start = true;
                continue;
            }
            _ => {}
        }
        if depth == 1 && element_start {
            let upper = t.to_ascii_uppercase();
            if !matches!(upper.as_str(), "INDEX" | "PROJECTION" | "CONSTRAINT") {
                columns.push(t.clone());
            }
        }
        element_start = false;
    }
    columns
}

/// The columns named in the key clauses.
fn key_columns(words: &[String], tokens: &[String], columns: &[String]) -> BTreeSet<String> {
    const CLAUSES: [&str; 9] = [
        "ENGINE",
        "ORDER",
        "PARTITION",
        "PRIMARY",
        "SAMPLE",
        "TTL",
        "SETTINGS",
        "AS",
        "COMMENT",
    ];
    let mut keys = BTreeSet::new();
    let mut in_key = false;
    for (i, word) in words.iter().enumerate() {
        let next = words.get(i + 1).map_or("", String::as_str);
        if matches!(
            (word.as_str(), next),
            ("ORDER" | "PARTITION" | "SAMPLE", "BY") | ("PRIMARY", "KEY")
        ) {
            in_key = true;
        } else if CLAUSES.contains(&word.as_str()) {
            in_key = false;
        } else if in_key && columns.contains(&tokens[i]) {
            keys.insert(tokens[i].clone());
        }
    }
    keys
}

/// A statement's tokens: names (backticks and double quotes removed),
/// numbers, and punctuation one character each; strings and comments are
/// dropped.
pub fn tokens(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
        } else if b == b'-' && bytes.get(i + 1) == Some(&b'-') {
            i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
        } else if b == b'\'' {
            i = quoted_end(bytes, i);
        } else if b == b'`' || b == b'"' {
            let end = quoted_end(bytes, i);
            out.push(text[i + 1..end.saturating_sub(1).max(i + 1)].to_string());
            i = end;
        } else if b.is_ascii_alphanumeric() || b == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            out.push(text[start..i].to_string());
        } else {
            let len = text[i..].chars().next().map_or(1, char::len_utf8);
            out.push(text[i..i + len].to_string());
            i += len;
        }
    }
    out
}

/// After the quoted name or string opening at `start` (backslash escapes).
pub(super) fn quoted_end(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::replay::statements;

    fn schema(script: &str) -> Schema {
        let mut schema = Schema::default();
        for s in statements(script) {
            schema.apply(&s, "m.sql");
        }
        schema
    }

    #[test]
    fn tables_views_and_their_keys_are_read() {
        let s = schema(
            "CREATE TABLE IF NOT EXISTS app.sessions (`session_id` String, project_id String, n UInt32,
               INDEX idx session_id TYPE bloom_filter GRANULARITY 1)
             ENGINE = MergeTree PARTITION BY toDate(ts) ORDER BY (project_id, session_id) SETTINGS index_granularity = 8192;
             CREATE MATERIALIZED VIEW app.mv TO app.counts AS SELECT project_id, count() AS n FROM app.sessions GROUP BY project_id;
             CREATE MATERIALIZED VIEW app.inner ENGINE = MergeTree ORDER BY x AS SELECT 1 AS x;
             ALTER TABLE app.sessions ADD COLUMN extra String;",
        );
        let t = &s.objects[0];
        assert_eq!(t.name, "app.sessions");
        assert_eq!(t.columns, vec!["session_id", "project_id", "n", "extra"]);
        assert_eq!(
            t.keys.iter().collect::<Vec<_>>(),
            vec!["project_id", "session_id"]
        );
        assert!(t.ddl.is_none(), "altered after it was made");
        assert_eq!(
            s.objects[1].kind,
            Kind::MaterializedTo("app.counts".to_string())
        );
        assert_eq!(s.objects[2].kind, Kind::MaterializedInner);
        assert!(s.unread.is_empty(), "{:?}", s.unread);
    }

    #[test]
    fn renames_and_drops_are_followed_and_the_rest_reported() {
        let s = schema(
            "CREATE TABLE a (x String) ENGINE = Log; CREATE TABLE b (y String) ENGINE = Log;
             RENAME TABLE a TO c; DROP TABLE IF EXISTS b; ALTER TABLE c RENAME COLUMN x TO z;
             CREATE USER reader;",
        );
        let names: Vec<(&str, &Vec<String>)> = s
            .objects
            .iter()
            .map(|o| (o.name.as_str(), &o.columns))
            .collect();
        assert_eq!(names, vec![("c", &vec!["z".to_string()])]);
        assert_eq!(s.unread, vec!["m.sql:3: not followed: CREATE USER reader;"]);
    }
}
