//! The schema as PostgreSQL's catalog holds it: every object `migrate` may
//! rename, in the project's own schemas (not the system's, not those a
//! platform such as Supabase manages, not an extension's objects).

use anyhow::{Context, Result};

/// Schemas that are not the project's: the system's, and those Supabase
/// creates and manages (its `auth.sessions` is the login session, never
/// the product's).
pub const MANAGED_SCHEMAS: [&str; 18] = [
    "pg_catalog",
    "information_schema",
    "pg_toast",
    "auth",
    "storage",
    "realtime",
    "_realtime",
    "extensions",
    "graphql",
    "graphql_public",
    "vault",
    "pgsodium",
    "pgsodium_masks",
    "supabase_functions",
    "supabase_migrations",
    "net",
    "cron",
    "pgbouncer",
];

/// A relation's kind, as `ALTER <kind>` spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Table,
    View,
    MaterializedView,
    Sequence,
    Index,
}

impl Kind {
    pub fn sql(self) -> &'static str {
        match self {
            Kind::Table => "TABLE",
            Kind::View => "VIEW",
            Kind::MaterializedView => "MATERIALIZED VIEW",
            Kind::Sequence => "SEQUENCE",
            Kind::Index => "INDEX",
        }
    }

    fn from_relkind(relkind: i8) -> Option<Kind> {
        match relkind as u8 {
            b'r' | b'p' => Some(Kind::Table),
            b'v' => Some(Kind::View),
            b'm' => Some(Kind::MaterializedView),
            b'S' => Some(Kind::Sequence),
            b'i' | b'I' => Some(Kind::Index),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Relation {
    pub schema: String,
    pub name: String,
    pub kind: Kind,
    /// Columns in order (tables, views, materialized views).
    pub columns: Vec<String>,
    /// An index that a constraint owns: renaming the constraint renames it.
    pub constraint_index: bool,
    /// `retrace: compat` in its comment: a view `migrate` made for old clients.
    pub compat: bool,
    /// (grantee, privilege) pairs; PUBLIC is "public".
    pub grants: Vec<(String, String)>,
}

/// An object named within a table: a constraint, a policy or a trigger.
#[derive(Clone, Debug)]
pub struct Member {
    pub schema: String,
    pub table: String,
    pub name: String,
}

#[derive(Clone, Debug)]
pub struct Function {
    pub schema: String,
    pub name: String,
    /// `pg_get_function_identity_arguments`: what `ALTER FUNCTION` needs.
    pub arguments: String,
    /// `pg_get_functiondef`: the whole `CREATE OR REPLACE` statement.
    pub definition: String,
    /// Argument names, which its body may spell like renamed columns.
    pub parameters: Vec<String>,
    pub procedure: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Catalog {
    pub relations: Vec<Relation>,
    pub constraints: Vec<Member>,
    pub policies: Vec<Member>,
    pub triggers: Vec<Member>,
    pub functions: Vec<Function>,
    /// The server's major version: compat views need `security_invoker` (15).
    pub version: u32,
}

impl Catalog {
    pub fn read(client: &mut postgres::Client) -> Result<Catalog> {
        let version: String = client
            .query_one("SHOW server_version_num", &[])
            .context("cannot read the server's version")?
            .get(0);
        Ok(Catalog {
            relations: relations(client)?,
            constraints: members(client, CONSTRAINTS)?,
            policies: members(client, POLICIES)?,
            triggers: members(client, TRIGGERS)?,
            functions: functions(client)?,
            version: version.parse::<u32>().unwrap_or(0) / 10000,
        })
    }

    pub fn relation(&self, schema: &str, name: &str) -> Option<&Relation> {
        self.relations
            .iter()
            .find(|r| r.schema == schema && r.name == name)
    }
}

/// `$1`: the managed schemas. Objects that belong to an extension are not
/// the project's either.
const OURS: &str = "n.nspname <> ALL($1) AND n.nspname NOT LIKE 'pg_%'";

fn relations(client: &mut postgres::Client) -> Result<Vec<Relation>> {
    let query = format!(
        "SELECT n.nspname, c.relname, c.relkind,
                ARRAY(SELECT a.attname::text FROM pg_attribute a
                      WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                        AND c.relkind IN ('r','p','v','m')
                      ORDER BY a.attnum),
                EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid AND k.contype IN ('p','u','x')),
                coalesce(obj_description(c.oid, 'pg_class'), '') LIKE '%retrace: compat%',
                ARRAY(SELECT DISTINCT (CASE WHEN g.grantee = 0 THEN 'public' ELSE g.grantee::regrole::text END)
                             || ' ' || g.privilege_type
                      FROM aclexplode(c.relacl) g WHERE g.grantee <> c.relowner ORDER BY 1)
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE {OURS} AND c.relkind IN ('r','p','v','m','S','i','I')
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                           AND d.objid = c.oid AND d.deptype = 'e')
         ORDER BY 1, 2"
    );
    let rows = client
        .query(&query, &[&MANAGED_SCHEMAS.as_slice()])
        .context("cannot read the relations from the catalog")?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let grants: Vec<String> = row.get(6);
            Some(Relation {
                schema: row.get(0),
                name: row.get(1),
                kind: Kind::from_relkind(row.get(2))?,
                columns: row.get(3),
                constraint_index: row.get(4),
                compat: row.get(5),
                grants: grants
                    .iter()
                    .filter_map(|g| g.split_once(' '))
                    .map(|(who, what)| (who.to_string(), what.to_string()))
                    .collect(),
            })
        })
        .collect())
}

const CONSTRAINTS: &str = "SELECT n.nspname, c.relname, k.conname FROM pg_constraint k
     JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE {OURS} ORDER BY 1, 2, 3";
const POLICIES: &str = "SELECT n.nspname, c.relname, p.polname FROM pg_policy p
     JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE {OURS} ORDER BY 1, 2, 3";
const TRIGGERS: &str = "SELECT n.nspname, c.relname, t.tgname FROM pg_trigger t
     JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE {OURS} AND NOT t.tgisinternal ORDER BY 1, 2, 3";

fn members(client: &mut postgres::Client, query: &str) -> Result<Vec<Member>> {
    let query = query.replace("{OURS}", OURS);
    let rows = client
        .query(&query, &[&MANAGED_SCHEMAS.as_slice()])
        .context("cannot read constraints, policies or triggers from the catalog")?;
    Ok(rows
        .iter()
        .map(|row| Member {
            schema: row.get(0),
            table: row.get(1),
            name: row.get(2),
        })
        .collect())
}

fn functions(client: &mut postgres::Client) -> Result<Vec<Function>> {
    let query = format!(
        "SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid),
                pg_get_functiondef(p.oid), coalesce(p.proargnames::text[], '{{}}'),
                p.prokind = 'p'
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE {OURS} AND p.prokind IN ('f','p')
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                           AND d.objid = p.oid AND d.deptype = 'e')
         ORDER BY 1, 2, 3"
    );
    let rows = client
        .query(&query, &[&MANAGED_SCHEMAS.as_slice()])
        .context("cannot read the functions from the catalog")?;
    Ok(rows
        .iter()
        .map(|row| Function {
            schema: row.get(0),
            name: row.get(1),
            arguments: row.get(2),
            definition: row.get(3),
            parameters: row.get(4),
            procedure: row.get(5),
        })
        .collect())
}
