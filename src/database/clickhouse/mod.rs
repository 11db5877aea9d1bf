//! The ClickHouse migration: `RENAME TABLE` and `ALTER TABLE … RENAME
//! COLUMN` where ClickHouse allows them; a table whose renamed column is in
//! its key (which ClickHouse refuses to rename) is rebuilt under the new
//! names with `INSERT … SELECT`, the old table kept until `--contract`;
//! views, materialized views writing `TO` a table, dictionaries and SQL
//! functions are dropped and re-created with renamed text; a materialized view that stores its own
//! rows is reported, never dropped. ClickHouse has no transactions: the
//! statements run in order, and `--down` is computed the same way from the
//! schema the migration leaves.

pub mod schema;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use schema::{Kind, Object, Schema};

/// The marker of objects only the transition needs, which `--contract`
/// drops: `-- retrace: compat view app.sessions`.
const MARKER: &str = "-- retrace: compat";

/// A migration, and what it could not do (said in it and on stderr).
pub struct Migration {
    pub sql: String,
    pub notes: Vec<String>,
    /// Statements that changed names: none means nothing to migrate.
    pub changes: usize,
}

/// The expand step for `schema`.
pub fn up(schema: &Schema, rename: &dyn Fn(&str) -> Option<String>) -> Migration {
    let names = names(schema, rename);
    migration(schema, &names, true)
}

/// The reverse of `up`: the schema `up` leaves, renamed back.
pub fn down(schema: &Schema, rename: &dyn Fn(&str) -> Option<String>) -> Migration {
    let forward = names(schema, rename);
    let up = migration(schema, &forward, true);
    let mut after = schema.clone();
    for statement in crate::database::replay::statements(&up.sql) {
        after.apply(&statement, "up");
    }
    let compat = compat_objects(&up.sql);
    after
        .objects
        .retain(|o| !compat.iter().any(|(_, name)| *name == o.name));
    let backward: BTreeMap<String, String> = forward.into_iter().map(|(o, n)| (n, o)).collect();
    let mut down = migration(&after, &backward, false);
    let drops: String = compat
        .iter()
        .filter(|(kind, _)| kind == "view")
        .map(|(_, name)| format!("DROP VIEW IF EXISTS {name};\n"))
        .collect();
    down.sql = down.sql.replacen("\n\n", &format!("\n\n{drops}"), 1);
    down
}

/// Drop what `MARKER` marks in the history's text: compat views, and
/// tables kept from a rebuild.
pub fn contract(history_text: &str) -> Migration {
    let mut sql =
        String::from("-- retrace migrate (contract): drops what only the transition needed.\n\n");
    let objects = compat_objects(history_text);
    for (kind, name) in &objects {
        let what = if kind == "view" { "VIEW" } else { "TABLE" };
        let _ = writeln!(sql, "DROP {what} IF EXISTS {name};");
    }
    Migration {
        sql,
        notes: Vec::new(),
        changes: objects.len(),
    }
}

/// `(kind, name)` of every marked object.
fn compat_objects(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix(MARKER))
        .filter_map(|rest| {
            let mut words = rest.split_whitespace();
            Some((words.next()?.to_string(), words.next()?.to_string()))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Old name → new name of every table, view and column the rules rename,
/// by the last segment of dotted names. A column is not renamed in any
/// object when its new name is a column of an object that has it.
fn names(schema: &Schema, rename: &dyn Fn(&str) -> Option<String>) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for object in &schema.objects {
        if let Some(new) = rename(last(&object.name)) {
            names.insert(last(&object.name).to_string(), new);
        }
        for column in &object.columns {
            if let Some(new) = rename(column) {
                names.insert(column.clone(), new);
            }
        }
    }
    for object in &schema.objects {
        for column in &object.columns {
            if names
                .get(column)
                .is_some_and(|new| object.columns.contains(new))
            {
                names.remove(column);
            }
        }
    }
    names
}

fn last(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// `db.old` renamed by `names`: `db.new`.
fn renamed(name: &str, names: &BTreeMap<String, String>) -> String {
    let (prefix, base) = match name.rsplit_once('.') {
        Some((db, base)) => (format!("{db}."), base),
        None => (String::new(), name),
    };
    format!("{prefix}{}", names.get(base).map_or(base, String::as_str))
}

fn migration(schema: &Schema, names: &BTreeMap<String, String>, compat: bool) -> Migration {
    let mut m = Migration {
        sql: String::new(),
        notes: Vec::new(),
        changes: 0,
    };
    let mut before = String::new();
    let mut body = String::new();
    let mut after = String::new();
    for object in &schema.objects {
        // A dictionary names its source table in a string.
        let strings = object.kind == Kind::Dictionary;
        let new_text = object.ddl.as_deref().map(|d| rewrite(d, names, strings));
        let mentions = new_text.as_deref() != object.ddl.as_deref();
        match &object.kind {
            Kind::Table => table(object, names, compat, &mut body, &mut m),
            Kind::View | Kind::MaterializedTo(_) | Kind::Dictionary | Kind::Function if mentions => {
                let _ = writeln!(before, "DROP {} IF EXISTS {};", object.kind.drop_word(), object.name);
                let _ = writeln!(after, "{};", new_text.unwrap_or_default());
                m.changes += 1;
            }
            Kind::View | Kind::MaterializedTo(_) | Kind::MaterializedInner | Kind::Dictionary | Kind::Function
                if object.ddl.is_none() && mentions_renamed(object, names) =>
            {
                m.notes.push(format!("{} was altered after it was made: re-create it by hand", object.name));
            }
            Kind::MaterializedInner if mentions => m.notes.push(format!(
                "materialized view {} stores its own rows and names renamed objects: re-create it by hand (dropping it would drop its rows)",
                object.name
            )),
            _ => {}
        }
    }
    m.sql = String::from(
        "-- retrace migrate (ClickHouse): views that name renamed objects are dropped\n\
         -- first and re-created last (rows inserted in between do not reach a\n\
         -- materialized view's table); ClickHouse has no transactions.\n",
    );
    for note in &m.notes {
        let _ = writeln!(m.sql, "-- kept: {note}");
    }
    m.sql.push('\n');
    m.sql.push_str(&before);
    m.sql.push_str(&body);
    m.sql.push_str(&after);
    m
}

fn mentions_renamed(object: &Object, names: &BTreeMap<String, String>) -> bool {
    names.contains_key(last(&object.name)) || object.columns.iter().any(|c| names.contains_key(c))
}

/// One table's renames: in place where ClickHouse allows it, rebuilt where
/// a key column is renamed; a view under the old name for old readers.
fn table(
    object: &Object,
    names: &BTreeMap<String, String>,
    compat: bool,
    out: &mut String,
    m: &mut Migration,
) {
    let new_name = renamed(&object.name, names);
    let columns: Vec<(&String, String)> = object
        .columns
        .iter()
        .map(|c| (c, names.get(c).cloned().unwrap_or_else(|| c.clone())))
        .collect();
    let renamed_columns: Vec<&(&String, String)> =
        columns.iter().filter(|(o, n)| *o != n).collect();
    if new_name == object.name && renamed_columns.is_empty() {
        return;
    }
    let in_key = renamed_columns
        .iter()
        .any(|(o, _)| object.keys.contains(*o));
    if in_key {
        let Some(ddl) = &object.ddl else {
            m.notes.push(format!(
                "{}: a key column is renamed and the table was altered after it was made: rebuild it by hand",
                object.name
            ));
            return;
        };
        let target = match new_name == object.name {
            true => format!("{}_retrace_new", object.name),
            false => new_name.clone(),
        };
        let mut create = rewrite(ddl, names, false);
        if target != new_name {
            create = create.replacen(&new_name, &target, 1);
        }
        let old_list: Vec<&str> = columns.iter().map(|(o, _)| o.as_str()).collect();
        let backup = format!("{}_retrace_old", object.name);
        let _ = writeln!(
            out,
            "-- {}: a renamed column is in its key, which ClickHouse cannot rename: rebuilt.",
            object.name
        );
        let _ = writeln!(out, "{create};");
        let _ = writeln!(
            out,
            "INSERT INTO {target} SELECT {} FROM {};",
            old_list.join(", "),
            object.name
        );
        let _ = writeln!(out, "{MARKER} table {backup}");
        let _ = writeln!(out, "RENAME TABLE {} TO {backup};", object.name);
        if target != new_name {
            let _ = writeln!(out, "RENAME TABLE {target} TO {new_name};");
        }
    } else {
        if new_name != object.name {
            let _ = writeln!(out, "RENAME TABLE {} TO {new_name};", object.name);
        }
        for (old, new) in &renamed_columns {
            let _ = writeln!(out, "ALTER TABLE {new_name} RENAME COLUMN {old} TO {new};");
        }
    }
    m.changes += 1;
    if compat && new_name != object.name {
        let select: Vec<String> = columns
            .iter()
            .map(|(o, n)| {
                if *o == n {
                    n.clone()
                } else {
                    format!("{n} AS {o}")
                }
            })
            .collect();
        let _ = writeln!(out, "{MARKER} view {}", object.name);
        let _ = writeln!(
            out,
            "CREATE VIEW {} AS SELECT {} FROM {new_name};",
            object.name,
            select.join(", ")
        );
    }
    out.push('\n');
}

/// `text` with every name in `names` (bare or quoted, as a whole token;
/// outside comments, and outside strings unless `strings`, where a string
/// that is exactly a name is one) spelled anew.
fn rewrite(text: &str, names: &BTreeMap<String, String>, strings: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'-' && bytes.get(i + 1) == Some(&b'-') {
            i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
        } else if b == b'\'' && !strings {
            i = schema::quoted_end(bytes, i);
        } else if b == b'`' || b == b'"' || b == b'\'' {
            let end = schema::quoted_end(bytes, i);
            if let Some(new) = names.get(&text[i + 1..end.saturating_sub(1).max(i + 1)]) {
                out.push_str(&text[copied..i + 1]);
                out.push_str(new);
                copied = end - 1;
            }
            i = end;
        } else if b.is_ascii_alphabetic() || b == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            if let Some(new) = names.get(&text[start..i]) {
                out.push_str(&text[copied..start]);
                out.push_str(new);
                copied = i;
            }
        } else {
            i += 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}
