//! What the rules rename in a catalog: each object whose name they change,
//! unless the new name is taken where it lands (a collision: the object
//! keeps its name, and the migration says why).

use std::collections::{BTreeMap, BTreeSet};

use super::catalog::{Catalog, Function, Kind, Member, MANAGED_SCHEMAS};
use super::names::quote;
use crate::analyze::classify::sql::code_names;

/// What is renamed, in the SQL that names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Object {
    Relation(Kind),
    /// A column of a relation of this kind.
    Column(Kind),
    Constraint,
    Policy,
    Trigger,
}

#[derive(Clone, Debug)]
pub struct Rename {
    pub object: Object,
    pub schema: String,
    /// The relation a column or member belongs to, by its new name (the
    /// relation is renamed first going up, last going down).
    pub table: String,
    pub old: String,
    pub new: String,
}

/// A function renamed, or re-created because its body names renamed
/// objects (PostgreSQL stores a body as text: it does not follow).
#[derive(Clone, Debug)]
pub struct FunctionChange {
    pub schema: String,
    pub old: String,
    pub new: String,
    pub arguments: String,
    pub old_definition: String,
    /// The definition with its name and body renamed; None when only the
    /// name changes.
    pub new_definition: Option<String>,
}

/// A view under a renamed table's (or view's) old name, with its old
/// column names.
#[derive(Clone, Debug)]
pub struct Compat {
    pub schema: String,
    pub old: String,
    pub new: String,
    /// (new column, old column), in the table's order.
    pub columns: Vec<(String, String)>,
    pub grants: Vec<(String, String)>,
    /// The relation's kind: a table's view must stay updatable.
    pub kind: Kind,
}

#[derive(Debug, Default)]
pub struct Plan {
    pub renames: Vec<Rename>,
    pub functions: Vec<FunctionChange>,
    pub compat: Vec<Compat>,
    /// Objects kept because their new name is taken, and function bodies
    /// left as they are because a name they spell is both renamed and
    /// kept: said in the migration and on stderr.
    pub collisions: Vec<String>,
    /// Column names kept by a collision, with the relations that keep them.
    kept_columns: BTreeMap<String, BTreeSet<String>>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.renames.is_empty() && self.functions.is_empty()
    }
}

/// Plan the renames of `catalog` that `rename` (a name's new spelling, or
/// None) implies.
pub fn plan(catalog: &Catalog, rename: &dyn Fn(&str) -> Option<String>) -> Plan {
    let mut plan = Plan::default();
    let mut relation_names: BTreeSet<(String, String)> = catalog
        .relations
        .iter()
        .map(|r| (r.schema.clone(), r.name.clone()))
        .collect();
    // Tables, views and sequences first, then the indexes no constraint owns.
    let mut new_table: BTreeMap<(String, String), String> = BTreeMap::new();
    let ordered = catalog
        .relations
        .iter()
        .filter(|r| !r.compat && !r.constraint_index)
        .filter(|r| r.kind != Kind::Index)
        .chain(
            catalog
                .relations
                .iter()
                .filter(|r| r.kind == Kind::Index && !r.constraint_index),
        );
    for relation in ordered {
        let key = (relation.schema.clone(), relation.name.clone());
        let Some(new) = rename(&relation.name) else {
            continue;
        };
        let target = (relation.schema.clone(), new.clone());
        if relation_names.contains(&target) {
            plan.collisions.push(format!(
                "{} {}.{} keeps its name: {}.{new} exists",
                relation.kind.sql().to_lowercase(),
                relation.schema,
                relation.name,
                relation.schema
            ));
            continue;
        }
        relation_names.remove(&key);
        relation_names.insert(target);
        new_table.insert(key, new.clone());
        plan.renames.push(Rename {
            object: Object::Relation(relation.kind),
            schema: relation.schema.clone(),
            table: new.clone(),
            old: relation.name.clone(),
            new,
        });
    }
    let table_now = |schema: &str, table: &str| {
        new_table
            .get(&(schema.to_string(), table.to_string()))
            .cloned()
            .unwrap_or_else(|| table.to_string())
    };
    for relation in catalog.relations.iter().filter(|r| !r.compat) {
        let table = table_now(&relation.schema, &relation.name);
        for column in &relation.columns {
            let Some(new) = rename(column) else {
                continue;
            };
            if relation.columns.contains(&new) {
                plan.collisions.push(format!(
                    "column {}.{}.{column} keeps its name: the {} has a column {new}",
                    relation.schema,
                    relation.name,
                    relation.kind.sql().to_lowercase()
                ));
                let kept_in = plan.kept_columns.entry(column.clone()).or_default();
                kept_in.insert(relation.name.clone());
                continue;
            }
            plan.renames.push(Rename {
                object: Object::Column(relation.kind),
                schema: relation.schema.clone(),
                table: table.clone(),
                old: column.clone(),
                new,
            });
        }
        let readable = matches!(
            relation.kind,
            Kind::Table | Kind::View | Kind::MaterializedView
        );
        if readable && table != relation.name {
            plan.compat.push(compat(relation, &table, rename));
        }
    }
    let members = [
        (Object::Constraint, &catalog.constraints),
        (Object::Policy, &catalog.policies),
        (Object::Trigger, &catalog.triggers),
    ];
    for (object, list) in members {
        for member in list.iter() {
            if let Some(r) = member_rename(
                &object,
                member,
                list,
                &relation_names,
                rename,
                &mut plan.collisions,
            ) {
                let table = table_now(&member.schema, &member.table);
                plan.renames.push(Rename { table, ..r });
            }
        }
    }
    let names = renamed_names(&plan);
    for function in &catalog.functions {
        // A kept column is a question only where the body also names a
        // relation that keeps it.
        let ambiguous: Vec<&String> = plan
            .kept_columns
            .iter()
            .filter(|(c, kept_in)| {
                let spelled = |n: &String| spells(&function.definition, n);
                names.contains_key(*c) && spelled(c) && kept_in.iter().any(spelled)
            })
            .map(|(c, _)| c)
            .collect();
        if !ambiguous.is_empty() {
            let list: Vec<&str> = ambiguous.iter().map(|s| s.as_str()).collect();
            plan.collisions.push(format!(
                "function {}.{}({}) is left as it is: its body names {}, renamed in one table and kept in another; edit it by hand",
                function.schema, function.name, function.arguments, list.join(", ")
            ));
            continue;
        }
        if let Some(change) =
            function_change(function, catalog, &names, rename, &mut plan.collisions)
        {
            plan.functions.push(change);
        }
    }
    plan
}

fn compat(
    relation: &super::catalog::Relation,
    table: &str,
    rename: &dyn Fn(&str) -> Option<String>,
) -> Compat {
    let columns = relation
        .columns
        .iter()
        .map(|c| {
            let new = rename(c).filter(|n| !relation.columns.contains(n));
            (new.unwrap_or_else(|| c.clone()), c.clone())
        })
        .collect();
    Compat {
        schema: relation.schema.clone(),
        old: relation.name.clone(),
        new: table.to_string(),
        columns,
        grants: relation.grants.clone(),
        kind: relation.kind,
    }
}

fn member_rename(
    object: &Object,
    member: &Member,
    siblings: &[Member],
    relations: &BTreeSet<(String, String)>,
    rename: &dyn Fn(&str) -> Option<String>,
    collisions: &mut Vec<String>,
) -> Option<Rename> {
    let new = rename(&member.name)?;
    let taken_here = siblings
        .iter()
        .any(|s| s.schema == member.schema && s.table == member.table && s.name == new);
    // A constraint's index takes its name in the schema's relations.
    let taken_index =
        *object == Object::Constraint && relations.contains(&(member.schema.clone(), new.clone()));
    if taken_here || taken_index {
        collisions.push(format!(
            "{} {} on {}.{} keeps its name: {new} exists",
            object_word(object),
            member.name,
            member.schema,
            member.table
        ));
        return None;
    }
    Some(Rename {
        object: object.clone(),
        schema: member.schema.clone(),
        table: member.table.clone(),
        old: member.name.clone(),
        new,
    })
}

fn object_word(object: &Object) -> &'static str {
    match object {
        Object::Constraint => "constraint",
        Object::Policy => "policy",
        Object::Trigger => "trigger",
        Object::Relation(_) | Object::Column(_) => "relation",
    }
}

/// Whether a function's definition spells `name` as a name.
fn spells(definition: &str, name: &str) -> bool {
    code_names(definition)
        .into_iter()
        .any(|r| definition[r].trim_matches('"').eq_ignore_ascii_case(name))
}

/// Every old name of a relation or column the plan renames, with its new
/// name: what a function body may spell.
fn renamed_names(plan: &Plan) -> BTreeMap<String, String> {
    plan.renames
        .iter()
        .filter(|r| matches!(r.object, Object::Relation(_) | Object::Column(_)))
        .map(|r| (r.old.clone(), r.new.clone()))
        .collect()
}

fn function_change(
    function: &Function,
    catalog: &Catalog,
    names: &BTreeMap<String, String>,
    rename: &dyn Fn(&str) -> Option<String>,
    collisions: &mut Vec<String>,
) -> Option<FunctionChange> {
    let mut new = rename(&function.name).unwrap_or_else(|| function.name.clone());
    let taken = catalog
        .functions
        .iter()
        .any(|f| f.schema == function.schema && f.name == new && f.arguments == function.arguments);
    if new != function.name && taken {
        collisions.push(format!(
            "function {}.{}({}) keeps its name: {new} exists",
            function.schema, function.name, function.arguments
        ));
        new = function.name.clone();
    }
    let body = renamed_body(function, names);
    if new == function.name && body.is_none() {
        return None;
    }
    let new_definition = body.map(|b| {
        let head = format!(
            "FUNCTION {}.{}(",
            quote(&function.schema),
            quote(&function.name)
        );
        let keyword = if function.procedure {
            "PROCEDURE"
        } else {
            "FUNCTION"
        };
        let head = head.replacen("FUNCTION", keyword, 1);
        let new_head = format!("{keyword} {}.{}(", quote(&function.schema), quote(&new));
        b.replacen(&head, &new_head, 1)
    });
    Some(FunctionChange {
        schema: function.schema.clone(),
        old: function.name.clone(),
        new,
        arguments: function.arguments.clone(),
        old_definition: function.definition.clone(),
        new_definition,
    })
}

/// The definition with the renamed names in its body, or None if its body
/// names none of them. Its parameters and the managed schemas' objects
/// (`auth.sessions`) are not the renamed ones, whatever they are called.
fn renamed_body(function: &Function, names: &BTreeMap<String, String>) -> Option<String> {
    let text = &function.definition;
    let body_start = text.find("\nAS ").or_else(|| text.find("\nBEGIN ATOMIC"))?;
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for range in code_names(&text[body_start..]) {
        let range = range.start + body_start..range.end + body_start;
        let word = &text[range.clone()];
        let (bare, quoted) = match word.strip_prefix('"').and_then(|w| w.strip_suffix('"')) {
            Some(inner) => (inner.to_string(), true),
            None => (word.to_ascii_lowercase(), false),
        };
        if function.parameters.contains(&bare) || qualified_by_managed(&text[..range.start]) {
            continue;
        }
        let Some(new) = names.get(&bare) else {
            continue;
        };
        out.push_str(&text[last..range.start]);
        out.push_str(&if quoted {
            format!("\"{new}\"")
        } else {
            quote(new)
        });
        last = range.end;
    }
    (last > 0).then(|| out + &text[last..])
}

/// Whether the text before a name ends with `auth.` (a managed schema).
fn qualified_by_managed(before: &str) -> bool {
    let Some(before) = before.strip_suffix('.') else {
        return false;
    };
    let start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    MANAGED_SCHEMAS.contains(&before[start..].to_ascii_lowercase().as_str())
}
