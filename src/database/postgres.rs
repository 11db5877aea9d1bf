//! A plan as a PostgreSQL migration: the expand step (renames, functions
//! re-created, compat views for old clients), its reverse (`--down`), and
//! the contract step that drops the compat views.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::catalog::Catalog;
use super::names::{qualified, quote};
use super::plan::{Compat, FunctionChange, Object, Plan, Rename};

/// The marker of generated compatibility objects, which `--contract` and
/// `check` recognize.
pub const COMPAT_MARKER: &str = "retrace: compat";

/// A rename takes an ACCESS EXCLUSIVE lock for an instant, but waiting for
/// it behind a long query would stall every query queued after it: give up
/// instead, and run the migration again.
const TIMEOUTS: &str = "SET LOCAL lock_timeout = '5s';\nSET LOCAL statement_timeout = '60s';\n\n";

/// What the migration's header and its end say.
pub struct Header<'a> {
    /// `session -> trace`, from the rules.
    pub title: &'a str,
    /// PostgREST caches the schema: a Supabase project's must reload it.
    pub supabase: bool,
    pub compat: bool,
}

pub fn up(plan: &Plan, catalog: &Catalog, header: &Header) -> String {
    let mut out = intro(header.title, "rename", &plan.collisions);
    let compat = header.compat && catalog.version >= 15;
    if header.compat && !compat {
        out.push_str(
            "-- No compat views: PostgreSQL before 15 has no security_invoker, and a view\n\
             -- without it would bypass the tables' row-level security.\n",
        );
    }
    out.push_str("BEGIN;\n");
    out.push_str(TIMEOUTS);
    for rename in &plan.renames {
        out.push_str(&statement(rename, false));
    }
    for function in &plan.functions {
        out.push_str(&function_statements(function, false));
    }
    if compat {
        for view in &plan.compat {
            out.push_str(&compat_view(view));
        }
    }
    end(out, header.supabase)
}

pub fn down(plan: &Plan, header: &Header) -> String {
    let mut out = intro(header.title, "reverse", &[]);
    out.push_str("BEGIN;\n");
    out.push_str(TIMEOUTS);
    if header.compat {
        for view in &plan.compat {
            let _ = writeln!(
                out,
                "DROP VIEW IF EXISTS {};",
                qualified(&view.schema, &view.old)
            );
        }
    }
    // Old bodies name old objects: they are restored once those are back
    // (a SQL function's body is checked when it is created).
    out.push('\n');
    for rename in plan.renames.iter().rev() {
        out.push_str(&statement(rename, true));
    }
    for function in plan.functions.iter().rev() {
        out.push_str(&function_statements(function, true));
    }
    end(out, header.supabase)
}

/// Drop the compat views an earlier `migrate` made (found by their marker).
pub fn contract(catalog: &Catalog, header: &Header) -> String {
    let mut out = intro(header.title, "contract", &[]);
    out.push_str("BEGIN;\n\n");
    for view in catalog.relations.iter().filter(|r| r.compat) {
        let _ = writeln!(out, "DROP VIEW {};", qualified(&view.schema, &view.name));
    }
    end(out, header.supabase)
}

fn intro(title: &str, step: &str, collisions: &[String]) -> String {
    let mut out = format!("-- retrace migrate: {title} ({step}).\n");
    out.push_str(match step {
        "rename" => {
            "-- Renames in place (metadata only; foreign keys, policies' expressions and\n\
                     -- views follow by themselves), re-creates the functions whose bodies name\n\
                     -- renamed objects, and keeps each renamed table's old name as a view for\n\
                     -- old clients. Drop those later with `retrace migrate --contract`.\n"
        }
        "reverse" => "-- Undoes the rename migration: old names back, compat views dropped.\n",
        _ => "-- Drops the compat views, now that every client uses the new names.\n",
    });
    for collision in collisions {
        let _ = writeln!(out, "-- kept: {collision}");
    }
    out.push('\n');
    out
}

fn end(mut out: String, supabase: bool) -> String {
    if supabase {
        out.push_str("\n-- PostgREST caches the schema.\nNOTIFY pgrst, 'reload schema';\n");
    }
    out.push_str("\nCOMMIT;\n");
    out
}

/// A function's rename and its re-creation with a renamed body, or
/// (`back`) the reverse: the old name and the old body.
fn function_statements(function: &FunctionChange, back: bool) -> String {
    let (current, target, definition) = match back {
        false => (
            &function.old,
            &function.new,
            function.new_definition.as_ref(),
        ),
        true => {
            let old = function
                .new_definition
                .as_ref()
                .map(|_| &function.old_definition);
            (&function.new, &function.old, old)
        }
    };
    let mut out = String::from("\n");
    if current != target {
        let _ = writeln!(
            out,
            "ALTER FUNCTION {}.{}({}) RENAME TO {};",
            quote(&function.schema),
            quote(current),
            function.arguments,
            quote(target)
        );
    }
    if let Some(definition) = definition {
        let _ = writeln!(out, "{};", definition.trim_end());
    }
    out
}

/// One rename, or (`back`) its reverse.
fn statement(rename: &Rename, back: bool) -> String {
    let (from, to) = match back {
        false => (&rename.old, &rename.new),
        true => (&rename.new, &rename.old),
    };
    let (from, to) = (quote(from), quote(to));
    let table = qualified(&rename.schema, &rename.table);
    match &rename.object {
        Object::Relation(kind) => format!(
            "ALTER {} {} RENAME TO {to};\n",
            kind.sql(),
            qualified(
                &rename.schema,
                match back {
                    false => &rename.old,
                    true => &rename.new,
                }
            )
        ),
        Object::Column(kind) => {
            format!(
                "ALTER {} {table} RENAME COLUMN {from} TO {to};\n",
                kind.sql()
            )
        }
        Object::Constraint => format!("ALTER TABLE {table} RENAME CONSTRAINT {from} TO {to};\n"),
        Object::Policy => format!("ALTER POLICY {from} ON {table} RENAME TO {to};\n"),
        Object::Trigger => format!("ALTER TRIGGER {from} ON {table} RENAME TO {to};\n"),
    }
}

/// A view under the table's old name and old column names: one table,
/// plain columns, so PostgreSQL keeps it updatable; `security_invoker` so
/// the table's row-level security applies to whoever queries it; the
/// table's grants.
fn compat_view(view: &Compat) -> String {
    let columns: Vec<String> = view
        .columns
        .iter()
        .map(|(new, old)| match new == old {
            true => quote(new),
            false => format!("{} AS {}", quote(new), quote(old)),
        })
        .collect();
    let name = qualified(&view.schema, &view.old);
    let mut out = format!(
        "\n-- {COMPAT_MARKER}: old clients still use {name}.\n\
         CREATE VIEW {name} WITH (security_invoker = true) AS\n  SELECT {}\n  FROM {};\n",
        columns.join(", "),
        qualified(&view.schema, &view.new)
    );
    let _ = writeln!(
        out,
        "COMMENT ON VIEW {name} IS '{COMPAT_MARKER}: {} under its old name; drop with retrace migrate --contract';",
        qualified(&view.schema, &view.new).replace('\'', "''")
    );
    let mut by_grantee: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (grantee, privilege) in &view.grants {
        by_grantee.entry(grantee).or_default().push(privilege);
    }
    for (grantee, privileges) in by_grantee {
        let grantee = match grantee {
            "public" => "PUBLIC".to_string(),
            g => quote(g),
        };
        let _ = writeln!(
            out,
            "GRANT {} ON {name} TO {grantee};",
            privileges.join(", ")
        );
    }
    out
}
