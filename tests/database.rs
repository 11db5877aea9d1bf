//! `retrace migrate` against a real PostgreSQL server: the fixture's
//! Supabase-style history is applied, rows are inserted, the generated
//! migration runs, and the data, foreign keys, policies, functions,
//! triggers and the old names (through compat views, under row-level
//! security) are checked; then `--down` brings the old schema back with the
//! data. PostgreSQL and squawk are installed by `scripts/database.sh` when
//! missing; each server is a throwaway cluster (`database::server`).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use postgres::Client;
use retrace::database::replay;
use retrace::database::server::Server;

const ORG_A: &str = "00000000-0000-0000-0000-00000000000a";
const ORG_B: &str = "00000000-0000-0000-0000-00000000000b";
const USER_A: &str = "00000000-0000-0000-0000-0000000000a1";
const USER_B: &str = "00000000-0000-0000-0000-0000000000b1";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn history() -> PathBuf {
    repo().join("testdata/database/supabase/migrations")
}

/// What `scripts/database.sh` installed.
struct Tools {
    squawk: PathBuf,
    /// For PYTHONPATH.
    chdb: PathBuf,
}

/// Install what is missing, once per test binary.
fn tools() -> &'static Tools {
    static TOOLS: OnceLock<Tools> = OnceLock::new();
    TOOLS.get_or_init(|| {
        let mut paths = common::install("database.sh", &["squawk", "chdb"]).into_iter();
        let mut next = || paths.next().unwrap();
        Tools {
            squawk: next(),
            chdb: next(),
        }
    })
}

/// `retrace migrate ARGS --schema <fixture> -o -`: the migration's text.
fn migrate(args: &[&str]) -> String {
    tools();
    let schema = history();
    let mut all = vec!["migrate", "--schema", schema.to_str().unwrap(), "-o", "-"];
    all.extend(args);
    let out = common::retrace(repo(), &all);
    assert!(
        out.status.success(),
        "migrate failed: {}",
        common::stderr(&out)
    );
    common::stdout(&out)
}

/// A server with the fixture's history applied and rows in its tables.
fn seeded() -> (Server, Client) {
    tools();
    let server = Server::start().unwrap();
    let mut db = server.connect().unwrap();
    db.batch_execute(replay::SUPABASE_PRELUDE).unwrap();
    for file in replay::history_files(&history()).unwrap() {
        db.batch_execute(&std::fs::read_to_string(file).unwrap())
            .unwrap();
    }
    db.batch_execute(&format!(
        "INSERT INTO auth.users VALUES ('{USER_A}', 'a@example.com'), ('{USER_B}', 'b@example.com');
         INSERT INTO public.orgs VALUES ('{ORG_A}', 'A'), ('{ORG_B}', 'B');
         INSERT INTO public.user_orgs VALUES ('{USER_A}', '{ORG_A}'), ('{USER_B}', '{ORG_B}');
         INSERT INTO public.sessions (org_id, session_name) VALUES
           ('{ORG_A}', 'a1'), ('{ORG_A}', 'a2'), ('{ORG_B}', 'b1');
         INSERT INTO public.spans SELECT 'span-' || session_name, 'otel-trace', id FROM public.sessions;
         REFRESH MATERIALIZED VIEW public.daily_sessions;"
    ))
    .unwrap();
    (server, db)
}

fn count(db: &mut Client, query: &str) -> i64 {
    db.query_one(query, &[]).unwrap().get(0)
}

fn counts(db: &mut Client, tables: &[&str]) -> Vec<i64> {
    tables
        .iter()
        .map(|t| count(db, &format!("SELECT count(*) FROM public.{t}")))
        .collect()
}

/// As Supabase runs a logged-in user's query: role `authenticated`, with
/// the JWT's claims in `request.jwt.claims`.
fn as_user(db: &mut Client, user: &str) {
    db.batch_execute(&format!(
        "SET ROLE authenticated; SELECT set_config('request.jwt.claims', '{{\"sub\": \"{user}\"}}', false);"
    ))
    .unwrap();
}

#[test]
fn the_rename_migration_keeps_data_links_and_old_clients_working() {
    let up = migrate(&[]);
    let down = migrate(&["--down"]);
    let (_server, mut db) = seeded();
    let before = counts(
        &mut db,
        &["orgs", "sessions", "stats", "spans", "user_orgs"],
    );
    assert_eq!(before, vec![2, 3, 3, 3, 2]);

    db.batch_execute(&up).unwrap();
    let after = counts(&mut db, &["orgs", "traces", "stats", "spans", "user_orgs"]);
    assert_eq!(after, before, "rows under the new names");

    // Foreign keys follow: stats.trace_id references traces, and a stats row
    // for no trace is refused.
    let fk: String = db
        .query_one(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'stats_trace_id_fkey'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        fk,
        "FOREIGN KEY (trace_id) REFERENCES traces(id) ON DELETE CASCADE"
    );
    let orphan = db.execute(
        "INSERT INTO public.stats (trace_id) VALUES ('00000000-0000-0000-0000-000000000999')",
        &[],
    );
    assert!(orphan.is_err(), "the foreign key still holds");

    // The spans' own trace_id was there: their session_id is kept.
    assert!(up.contains("-- kept: column public.spans.session_id keeps its name"));
    assert_eq!(
        count(&mut db, "SELECT count(session_id) FROM public.spans"),
        3
    );

    // The policy under its new name, its expression on the renamed objects.
    let policy: String = db
        .query_one(
            "SELECT qual FROM pg_policies WHERE tablename = 'traces' AND policyname = 'traces of the user''s orgs'",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(policy.contains("user_orgs"), "{policy}");

    // The trigger and its function work under their new names: a new trace
    // gets its stats row.
    db.batch_execute(&format!(
        "INSERT INTO public.traces (org_id, trace_name) VALUES ('{ORG_A}', 'a3')"
    ))
    .unwrap();
    assert_eq!(count(&mut db, "SELECT count(*) FROM public.stats"), 4);
    let trigger: String = db
        .query_one(
            "SELECT tgfoid::regproc::text FROM pg_trigger WHERE tgname = 'on_trace_created'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(trigger, "create_trace_stats");
    assert_eq!(
        count(&mut db, &format!("SELECT public.count_traces('{ORG_A}')")),
        3
    );
    assert_eq!(
        count(
            &mut db,
            "SELECT count(trace_id) FROM public.trace_summaries"
        ),
        4
    );

    // Old clients: the old names answer SELECT, INSERT and UPDATE.
    assert_eq!(count(&mut db, "SELECT count(*) FROM public.sessions"), 4);
    db.batch_execute(&format!(
        "INSERT INTO public.sessions (org_id, session_name) VALUES ('{ORG_B}', 'b2');
         UPDATE public.sessions SET session_name = 'renamed' WHERE session_name = 'a1';"
    ))
    .unwrap();
    assert_eq!(
        count(
            &mut db,
            "SELECT count(*) FROM public.traces WHERE trace_name IN ('b2', 'renamed')"
        ),
        2
    );
    assert_eq!(
        count(
            &mut db,
            "SELECT count(session_id) FROM public.session_summaries"
        ),
        5
    );

    // Row-level security through the compat view: a member of org A sees
    // through `sessions` exactly what `traces` shows, none of org B's.
    as_user(&mut db, USER_A);
    let through_view = count(&mut db, "SELECT count(*) FROM public.sessions");
    let through_table = count(&mut db, "SELECT count(*) FROM public.traces");
    let foreign = count(
        &mut db,
        &format!("SELECT count(*) FROM public.sessions WHERE org_id = '{ORG_B}'"),
    );
    assert_eq!((through_view, through_table, foreign), (3, 3, 0));
    let sneaky = db.batch_execute(&format!(
        "INSERT INTO public.sessions (org_id, session_name) VALUES ('{ORG_B}', 'sneaky')"
    ));
    assert!(
        sneaky.is_err(),
        "the policy's WITH CHECK holds through the view"
    );
    db.batch_execute("RESET ROLE").unwrap();

    // Down: the old schema, with the data.
    db.batch_execute(&down).unwrap();
    let back = counts(
        &mut db,
        &["orgs", "sessions", "stats", "spans", "user_orgs"],
    );
    assert_eq!(back, vec![2, 5, 5, 3, 2]);
    let traces = count(
        &mut db,
        "SELECT count(*) FROM pg_class WHERE relname LIKE '%trace%'",
    );
    assert_eq!(traces, 0, "no new name is left after --down");
    db.batch_execute(&format!(
        "INSERT INTO public.sessions (org_id, session_name) VALUES ('{ORG_A}', 'after-down')"
    ))
    .unwrap();
    assert_eq!(
        count(&mut db, "SELECT count(*) FROM public.stats"),
        6,
        "the old trigger works"
    );
}

#[test]
fn the_contract_migration_drops_exactly_the_compat_views() {
    let up = migrate(&[]);
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("supabase/migrations");
    std::fs::create_dir_all(&copy).unwrap();
    for file in replay::history_files(&history()).unwrap() {
        std::fs::copy(&file, copy.join(file.file_name().unwrap())).unwrap();
    }
    std::fs::write(copy.join("20990101000000_rename_session_to_trace.sql"), &up).unwrap();
    // Nothing is left to rename once the history holds the migration.
    let again = common::retrace(dir.path(), &["migrate", "-o", "-"]);
    assert!(again.status.success(), "{}", common::stderr(&again));
    assert_eq!(common::stdout(&again), "");
    assert!(common::stderr(&again).contains("rename nothing"));

    let contract = common::retrace(dir.path(), &["migrate", "--contract", "-o", "-"]);
    let contract = common::stdout(&contract);
    let drops: Vec<&str> = contract.lines().filter(|l| l.starts_with("DROP")).collect();
    assert_eq!(
        drops,
        vec![
            "DROP VIEW public.daily_sessions;",
            "DROP VIEW public.session_summaries;",
            "DROP VIEW public.sessions;",
        ]
    );
    let (_server, mut db) = seeded();
    db.batch_execute(&up).unwrap();
    db.batch_execute(&contract).unwrap();
    assert_eq!(
        count(
            &mut db,
            "SELECT count(*) FROM pg_views WHERE viewname = 'sessions'"
        ),
        0
    );
    assert_eq!(count(&mut db, "SELECT count(*) FROM public.traces"), 3);
}

#[test]
fn the_migration_is_named_in_the_history_convention_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("supabase/migrations");
    std::fs::create_dir_all(&copy).unwrap();
    for file in replay::history_files(&history()).unwrap() {
        std::fs::copy(&file, copy.join(file.file_name().unwrap())).unwrap();
    }
    tools();
    let out = common::retrace(dir.path(), &["migrate"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let written: Vec<String> = replay::history_files(&copy)
        .unwrap()
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(written.len(), 3);
    let name = &written[2];
    assert!(name.ends_with("_rename_session_to_trace.sql"), "{name}");
    assert!(name[..14].chars().all(|c| c.is_ascii_digit()), "{name}");
    assert!(
        name.as_str() > written[1].as_str(),
        "sorts after the history"
    );
}

#[test]
fn squawk_finds_nothing_but_the_renames_themselves() {
    // The renames are the point, and the compat views are what keeps old
    // clients working through them (README, "Database").
    let up = migrate(&[]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("up.sql");
    std::fs::write(&file, up).unwrap();
    let out = Command::new(&tools().squawk)
        .arg("--exclude=renaming-table,renaming-column,renaming-object")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "squawk: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A real project's history (opt-in: `RETRACE_REAL_HISTORY=DIR cargo test
/// --release --test database -- --ignored`): replayed, then the generated
/// migration, its reverse and the migration again all run without error.
#[test]
#[ignore]
fn a_real_history_takes_the_migration_and_its_reverse() {
    let dir = PathBuf::from(std::env::var("RETRACE_REAL_HISTORY").expect("RETRACE_REAL_HISTORY"));
    tools();
    let run = |args: &[&str]| {
        let mut all = vec!["migrate", "--schema", dir.to_str().unwrap(), "-o", "-"];
        all.extend(args);
        let out = common::retrace(repo(), &all);
        assert!(out.status.success(), "{}", common::stderr(&out));
        eprint!("{}", common::stderr(&out));
        common::stdout(&out)
    };
    let (up, down) = (run(&[]), run(&["--down"]));
    let server = Server::start().unwrap();
    let mut db = server.connect().unwrap();
    db.batch_execute(replay::SUPABASE_PRELUDE).unwrap();
    let refused = replay::replay(&mut db, &replay::history_files(&dir).unwrap()).unwrap();
    eprintln!("{} statements refused by the replay", refused.len());
    let tables = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'";
    let before = count(&mut db, tables);
    db.batch_execute(&up).expect("the migration runs");
    db.batch_execute(&down).expect("its reverse runs");
    assert_eq!(count(&mut db, tables), before);
    db.batch_execute(&up).expect("the migration runs again");
    eprintln!(
        "{before} tables; up {} lines, down {} lines",
        up.lines().count(),
        down.lines().count()
    );
}

/// Runs statement lists on chDB (ClickHouse's engine, embedded in Python):
/// `steps` is a JSON list of `[name, [statements], [queries]]`; prints a
/// JSON object of each step's query results (CSV text) or error.
const CHDB_RUNNER: &str = r#"
import json, sys
from chdb import session
steps = json.load(open(sys.argv[1]))
s = session.Session(sys.argv[2])
out = {}
for name, statements, queries in steps:
    try:
        for statement in statements:
            s.query(statement)
        out[name] = [str(s.query(q, "CSV")).strip() for q in queries]
    except Exception as e:
        out[name] = "error: " + str(e)[:300]
print(json.dumps(out))
"#;

fn statements(sql: &str) -> Vec<String> {
    replay::statements(sql)
        .into_iter()
        .map(|s| s.text.trim_end_matches(';').to_string())
        .collect()
}

#[test]
fn the_clickhouse_migration_runs_on_chdb_and_keeps_old_readers() {
    let schema = repo().join("testdata/database/clickhouse/migrations");
    let migrate = |args: &[&str]| {
        let mut all = vec!["migrate", "--schema", schema.to_str().unwrap(), "-o", "-"];
        all.extend(args);
        let out = common::retrace(repo(), &all);
        assert!(out.status.success(), "{}", common::stderr(&out));
        (common::stdout(&out), common::stderr(&out))
    };
    let ((up, said), (down, _)) = (migrate(&[]), migrate(&["--down"]));
    assert!(
        said.contains("materialized view app.daily_sessions stores its own rows"),
        "{said}"
    );
    let history: Vec<String> = replay::history_files(&schema)
        .unwrap()
        .iter()
        .flat_map(|f| statements(&std::fs::read_to_string(f).unwrap()))
        .collect();
    let rows = "INSERT INTO app.sessions VALUES ('s1', 'p1', now(), 'one'), ('s2', 'p1', now(), 'two'), ('s3', 'p2', now(), 'three');
                INSERT INTO app.session_events VALUES ('s1', now(), 'start'), ('s2', now(), 'start')";
    let steps = serde_json::json!([
        ["history", history, []],
        [
            "rows",
            statements(rows),
            ["SELECT count() FROM app.sessions"]
        ],
        [
            "up",
            statements(&up),
            [
                "SELECT count() FROM app.traces",
                "SELECT trace_id, trace_name FROM app.traces ORDER BY trace_id LIMIT 1",
                "SELECT count() FROM app.trace_events WHERE trace_id = 's1'",
                "SELECT session_id, session_name FROM app.sessions ORDER BY session_id LIMIT 1",
                "SELECT count() FROM app.session_events",
                "SELECT count() FROM app.recent_traces",
                "SELECT dictGet('app.trace_names', 'trace_name', tuple('s2'))",
                "SELECT trace_label('x')",
            ]
        ],
        [
            "new rows",
            statements("INSERT INTO app.traces VALUES ('t4', 'p1', now(), 'four')"),
            [
                "SELECT traces FROM app.trace_counts FINAL WHERE project_id = 'p1'",
                "SELECT count() FROM app.sessions",
            ]
        ],
        [
            "down",
            statements(&down),
            [
                "SELECT count() FROM app.sessions",
                "SELECT session_id FROM app.sessions ORDER BY session_id LIMIT 1",
                "SELECT count() FROM app.session_events",
                "EXISTS TABLE app.traces",
                "SELECT dictGet('app.session_names', 'session_name', tuple('s3'))",
            ]
        ],
    ]);
    let dir = tempfile::tempdir().unwrap();
    let (steps_file, script) = (dir.path().join("steps.json"), dir.path().join("run.py"));
    std::fs::write(&steps_file, steps.to_string()).unwrap();
    std::fs::write(&script, CHDB_RUNNER).unwrap();
    let out = Command::new("python3")
        .arg(&script)
        .arg(&steps_file)
        .arg(dir.path().join("db"))
        .env("PYTHONPATH", &tools().chdb)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let expected = serde_json::json!({
        "history": [],
        "rows": ["3"],
        "up": ["3", "\"s1\",\"one\"", "1", "\"s1\",\"one\"", "2", "3", "\"two\"", "\"session: x\""],
        // p1's two rows counted before, and the new one by the re-created
        // materialized view.
        "new rows": ["3", "4"],
        "down": ["4", "\"s1\"", "2", "0", "\"three\""],
    });
    assert_eq!(results, expected);
}

/// `ALTER … RENAME [COLUMN|CONSTRAINT] old TO new` and `ALTER FUNCTION …
/// RENAME TO new` of a migration: (old, new) pairs.
fn migrated_names(sql: &str) -> std::collections::BTreeSet<(String, String)> {
    let mut out = std::collections::BTreeSet::new();
    const KINDS: [&str; 7] = [
        "TABLE",
        "VIEW",
        "MATERIALIZED",
        "INDEX",
        "SEQUENCE",
        "FUNCTION",
        "TRIGGER",
    ];
    // Policy names are phrases no code spells.
    let alters = sql
        .lines()
        .filter(|l| l.starts_with("ALTER ") && !l.starts_with("ALTER POLICY"));
    for line in alters {
        let words: Vec<&str> = line.trim_end_matches(';').split_whitespace().collect();
        let Some(to) = words.iter().rposition(|w| *w == "TO") else {
            continue;
        };
        let new = words[to + 1].to_string();
        let old = match words[to - 1] {
            "RENAME" => {
                let named = words[1..].iter().find(|w| !KINDS.contains(w)).unwrap();
                let name = named.rsplit('.').next().unwrap();
                name.split('(').next().unwrap().to_string()
            }
            old => old.to_string(),
        };
        out.insert((old, new));
    }
    out
}

#[test]
fn code_and_schema_agree_on_every_database_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("supabase")).unwrap();
    common::copy_tree(
        &repo().join("testdata/database/supabase"),
        &dir.path().join("supabase"),
    );
    common::copy_tree(&repo().join("testdata/database/code"), dir.path());
    tools();
    let migration = common::retrace(dir.path(), &["migrate", "-o", "-"]);
    assert!(migration.status.success(), "{}", common::stderr(&migration));
    let schema = migrated_names(&common::stdout(&migration));
    let check = common::retrace(dir.path(), &["check", "-v", "--format", "json", "."]);
    let history: String = replay::history_files(&dir.path().join("supabase/migrations"))
        .unwrap()
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    // The code's renames of names the history spells: database names.
    let code: std::collections::BTreeSet<(String, String)> = common::stdout(&check)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["type"] == "change")
        .map(|v| {
            (
                v["old"].as_str().unwrap().to_string(),
                v["new"].as_str().unwrap().to_string(),
            )
        })
        .filter(|(old, _)| history.contains(old.as_str()))
        .collect();
    assert!(code.len() >= 5, "{code:?}");
    for pair in &code {
        assert!(
            schema.contains(pair),
            "code renames {pair:?}, the migration does not: {schema:?}"
        );
    }
    // No occurrence of a renamed database name is left in the code,
    // reported or kept.
    let renamed_in_schema: Vec<&String> = schema.iter().map(|(old, _)| old).collect();
    for line in common::stdout(&check).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let in_code = v["path"]
            .as_str()
            .is_some_and(|p| !p.starts_with("supabase/"));
        let old = v["old"].as_str().unwrap_or("").to_string();
        assert!(
            !(in_code && v["type"] != "change" && renamed_in_schema.contains(&&old)),
            "left in the code while the migration renames it: {line}"
        );
    }
    let code_text: String = ["src/db.ts", "src/report.py", "types/supabase.ts"]
        .iter()
        .map(|f| std::fs::read_to_string(dir.path().join(f)).unwrap())
        .collect();
    for (old, new) in schema
        .iter()
        .filter(|(old, _)| code_text.contains(old.as_str()))
    {
        let pair = (old.clone(), new.clone());
        assert!(
            code.contains(&pair),
            "the migration renames {pair:?}, the code does not: {code:?}"
        );
    }
}

#[test]
fn the_readme_shows_the_fixtures_migration_as_it_is_written() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let section = &readme[readme.find("## Database").unwrap()..];
    let start = section.find("```sql\n").unwrap() + "```sql\n".len();
    let shown = &section[start..start + section[start..].find("```").unwrap()];
    assert_eq!(shown, migrate(&[]));
}

#[test]
fn a_live_database_gives_the_same_migration_as_its_history() {
    let from_history = migrate(&[]);
    let (server, _db) = seeded();
    let url = server.url();
    let out = common::retrace(repo(), &["migrate", "--database-url", &url, "-o", "-"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    // The live database has no Supabase directory beside it: the same
    // migration but for PostgREST's reload.
    let expected = from_history.replace(
        "\n-- PostgREST caches the schema.\nNOTIFY pgrst, 'reload schema';\n",
        "",
    );
    assert_eq!(common::stdout(&out), expected);
}
