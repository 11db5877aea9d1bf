//! `retrace survey` end to end, on a small project where the word has
//! every kind of sense: two first-party `Session` classes (the product's
//! and an auth one), SQLAlchemy's `Session`, the browser's
//! `sessionStorage`, first-party locals, comments and a string. And the
//! closing summary of `check` and `diff`, which names a renamed name that
//! two modules define until the rules decide which one they mean.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{project, retrace, stderr, stdout};
use serde_json::Value;

const FILES: [(&str, &str); 9] = [
    ("app/__init__.py", ""),
    ("app/auth/__init__.py", ""),
    (
        "app/session.py",
        "\"\"\"The product's session: one run of an agent.\"\"\"\n\n\nclass Session:\n    def __init__(self, session_id: str):\n        self.session_id = session_id\n\n    def end(self) -> None:\n        print(\"session ended\")\n",
    ),
    (
        "app/api.py",
        "from app.session import Session\n\n\ndef start(run: str) -> Session:\n    return Session(run)\n\n\ndef end(current: Session) -> None:\n    # End the session.\n    current.end()\n",
    ),
    (
        "app/worker.py",
        "from app.session import Session\n\n\ndef resume(current: Session) -> Session:\n    return Session(current.session_id)\n",
    ),
    (
        "app/auth/models.py",
        "class Session:\n    def __init__(self, user: str):\n        self.user = user\n",
    ),
    (
        "app/auth/views.py",
        "from .models import Session\n\n\ndef login(user: str) -> Session:\n    return Session(user)\n",
    ),
    (
        "app/db.py",
        "from sqlalchemy.orm import Session\n\n\ndef rows(db: Session) -> list:\n    return db.query(\"x\")\n",
    ),
    (
        "web/store.ts",
        "export function remember(key: string, value: string): void {\n  sessionStorage.setItem(key, value);\n}\n",
    ),
];

const HUMAN: &str = "\
session → trace: 25 occurrences, 8 senses
  9  first-party class app.session.Session (app/session.py:4): renamed
     app/api.py 4, app/worker.py 4, app/session.py 1
     app/api.py:1: from app.session import Session
  4  first-party class app.auth.models.Session (app/auth/models.py:1): renamed
     app/auth/views.py 3, app/auth/models.py 1
     app/auth/models.py:1: class Session:
  4  first-party names: renamed
     app/session.py 3, app/worker.py 1
     app/session.py:5: def __init__(self, session_id: str):
  2  imports of app/session.py, which moves: renamed
     app/api.py 1, app/worker.py 1
     app/api.py:1: from app.session import Session
  2  text in comments: renamed
     app/api.py 1, app/session.py 1
     app/api.py:9: # End the session.
  2  third-party sqlalchemy.orm.Session: kept
     app/db.py 2
     app/db.py:1: from sqlalchemy.orm import Session
  1  platform sessionStorage: kept
     web/store.ts 1
     web/store.ts:2: sessionStorage.setItem(key, value);
  1  text in strings: reported
     app/session.py 1
     app/session.py:9: print(\"session ended\")
  note: Session has 2 first-party definitions, app.auth.models.Session (app/auth/models.py:1) and app.session.Session (app/session.py:4), renamed alike: which one the rule means is yours to say (`--write FILE` writes a rule that keeps one)

files: 9 scanned, 7 with occurrences, 0 skipped
";

/// The line `check` and `diff` close with while the rules rename both.
const AMBIGUOUS: &str = "senses: Session has 2 first-party definitions, app.auth.models.Session (app/auth/models.py:1) and app.session.Session (app/session.py:4), renamed alike: say which one the rules mean ([keep] names, or a rule with paths); `retrace survey` shows the uses of each\n";

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

/// Each sense of the first rule: (kind, label, count).
fn senses(survey: &Value) -> Vec<(String, String, u64)> {
    let senses = survey["rules"][0]["senses"].as_array().unwrap();
    senses
        .iter()
        .map(|s| {
            let kind = s["kind"].as_str().unwrap().to_string();
            (
                kind,
                s["label"].as_str().unwrap().to_string(),
                s["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// `check --format json -v` with the rules in `rules`: the code names it
/// renames, as (path, old), and those it keeps, as (path, old, reason).
type Renamed = BTreeSet<(String, String)>;
type Kept = BTreeSet<(String, String, String)>;
fn check(dir: &Path, rules: &str) -> (Renamed, Kept, Value) {
    let out = retrace(dir, &["check", "-v", "--format", "json", "--rules", rules]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let (mut renamed, mut kept, mut summary) = (BTreeSet::new(), BTreeSet::new(), Value::Null);
    for line in stdout(&out).lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let field = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        match (field("type").as_str(), field("class").as_str()) {
            ("change", "code") => {
                renamed.insert((field("path"), field("old")));
            }
            ("kept", _) => {
                kept.insert((field("path"), field("old"), field("reason")));
            }
            ("summary", _) => summary = v,
            _ => {}
        }
    }
    (renamed, kept, summary)
}

fn set<T: Ord + Clone>(items: &[T]) -> BTreeSet<T> {
    items.iter().cloned().collect()
}

#[test]
fn survey_counts_every_sense_and_its_starter_keeps_exactly_the_senses_it_lists() {
    let dir = project(&FILES);
    let root = dir.path();

    let out = retrace(root, &["survey"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), HUMAN);

    let out = retrace(root, &["survey", "--format", "json", "-j", "1"]);
    let survey = json(&out);
    let want: Vec<(&str, &str, u64)> = vec![
        ("definition", "app.session.Session", 9),
        ("definition", "app.auth.models.Session", 4),
        ("names", "first-party names", 4),
        ("module", "app/session.py", 2),
        ("comments", "comments", 2),
        ("third-party", "sqlalchemy.orm.Session", 2),
        ("platform", "sessionStorage", 1),
        ("strings", "strings", 1),
    ];
    let want: Vec<(String, String, u64)> = want
        .into_iter()
        .map(|(k, l, n)| (k.to_string(), l.to_string(), n))
        .collect();
    assert_eq!(senses(&survey), want);
    let rule = &survey["rules"][0];
    assert_eq!(rule["rule"], "session→trace");
    assert_eq!(rule["ambiguous"][0]["name"], "Session");
    let auth = &rule["senses"][1];
    assert_eq!(auth["definition"]["at"], "app/auth/models.py:1");
    assert_eq!(auth["definition"]["shared_name"], true);
    assert_eq!(auth["files"][0]["path"], "app/auth/views.py");
    assert_eq!(auth["files"][0]["count"], 3);
    assert_eq!(rule["senses"][2]["names"][0]["name"], "session_id");
    assert_eq!(rule["senses"][2]["names"][0]["new"], "trace_id");
    // The same document at any thread count.
    let again = retrace(root, &["survey", "--format", "json", "-j", "4"]);
    assert_eq!(stdout(&again), stdout(&out));

    let out = retrace(root, &["survey", "--write", "starter.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("wrote starter.toml"),
        "{}",
        stderr(&out)
    );
    let starter = std::fs::read_to_string(root.join("starter.toml")).unwrap();
    for said in [
        "# renamed: first-party class app.session.Session (app/session.py:4): 9 (renamed)",
        "# keep: first-party class app.auth.models.Session (app/auth/models.py:1): 4 (renamed)",
        "# kept already: third-party sqlalchemy.orm.Session: 2 (kept), in app/db.py 2",
        "# kept already: platform sessionStorage: 1 (kept), in web/store.ts 1",
        "# policy: text in comments: 2 (renamed)",
        "# note: Session has 2 first-party definitions",
        "paths = [\"app/auth/models.py\", \"app/auth/views.py\"]\ncode = \"keep\"\n",
        "    # renamed: first-party names: 4 (renamed), in app/session.py 3, app/worker.py 1; uncomment to keep\n    # \"session_id\",\n",
    ] {
        assert!(starter.contains(said), "{said}\nnot in:\n{starter}");
    }
    // Never over an existing file.
    let out = retrace(root, &["survey", "--write", "starter.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("starter.toml: the file exists"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(root.join("starter.toml")).unwrap(),
        starter
    );

    // Used as is: the product's Session (and the imports of its moving
    // module) and the locals renamed, the auth Session kept, nothing else.
    let product: Vec<(String, String)> = [
        ("app/session.py", "Session"),
        ("app/session.py", "session_id"),
        ("app/api.py", "Session"),
        ("app/api.py", "session"),
        ("app/worker.py", "Session"),
        ("app/worker.py", "session"),
        ("app/worker.py", "session_id"),
    ]
    .iter()
    .map(|(p, n)| (p.to_string(), n.to_string()))
    .collect();
    let (renamed, kept, summary) = check(root, "starter.toml");
    assert_eq!(renamed, set(&product));
    assert!(!kept.iter().any(|k| k.1 == "session_id"), "{kept:?}");
    assert!(
        summary.get("ambiguous").is_none(),
        "the rules decided it: {summary}"
    );
    // Its comments name app/session.py, which moves: they are retrace's,
    // not the project's text.
    assert!(summary["findings"].get("text").is_none(), "{summary}");
    let out = retrace(root, &["survey", "--rules", "starter.toml"]);
    let listed = stdout(&out);
    assert!(
        !listed.contains("app.auth.models.Session") && !listed.contains("note:"),
        "{listed}"
    );

    // Deleting the auth block renames that sense, and the note is back.
    // The block (the section above it names the sense too).
    let block_start = starter
        .rfind("# keep: first-party class app.auth.models.Session")
        .unwrap();
    let block_end = block_start + starter[block_start..].find("\n\n").unwrap() + 2;
    let without_auth = format!("{}{}", &starter[..block_start], &starter[block_end..]);
    std::fs::write(root.join("no-auth.toml"), &without_auth).unwrap();
    let (renamed, _, summary) = check(root, "no-auth.toml");
    let mut both = set(&product);
    both.insert(("app/auth/models.py".into(), "Session".into()));
    both.insert(("app/auth/views.py".into(), "Session".into()));
    assert_eq!(renamed, both);
    assert_eq!(summary["ambiguous"][0]["name"], "Session");

    // Uncommenting the locals' entry keeps them.
    let with_locals = starter.replace("    # \"session_id\",\n", "    \"session_id\",\n");
    std::fs::write(root.join("locals.toml"), &with_locals).unwrap();
    let (renamed, kept, _) = check(root, "locals.toml");
    assert!(!renamed.iter().any(|r| r.1 == "session_id"), "{renamed:?}");
    let keep_names = |path: &str| {
        (
            path.to_string(),
            "session_id".to_string(),
            "keep: names (session_id)".to_string(),
        )
    };
    for path in ["app/session.py", "app/worker.py"] {
        assert!(kept.contains(&keep_names(path)), "{kept:?}");
    }
}

#[test]
fn check_and_diff_name_a_renamed_name_two_modules_define_once_until_the_rules_decide() {
    let dir = project(&FILES);
    let root = dir.path();
    let out = retrace(root, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out).matches(AMBIGUOUS).count(),
        1,
        "{}",
        stdout(&out)
    );
    let out = retrace(root, &["diff"]);
    assert_eq!(
        stderr(&out).matches(AMBIGUOUS).count(),
        1,
        "{}",
        stderr(&out)
    );
    assert!(!stdout(&out).contains("senses:"), "the patch stays clean");

    let word = "[[rename]]\nfrom = \"session\"\nto = \"trace\"\n";
    let decided = [
        // The auth one is kept by name (and so is the product's).
        format!("{word}\n[keep]\nnames = [\"Session\"]\n"),
        // A rule with paths says what the word means in auth/.
        format!(
            "{word}\n[[rename]]\nfrom = \"session\"\nto = \"login\"\npaths = [\"app/auth/**\"]\n"
        ),
    ];
    for rules in decided {
        std::fs::write(root.join("decided.toml"), &rules).unwrap();
        let out = retrace(root, &["check", "--rules", "decided.toml"]);
        assert!(
            !stdout(&out).contains("senses:"),
            "{rules}\n{}",
            stdout(&out)
        );
    }
    // Not decided by a rule with paths elsewhere.
    let elsewhere =
        format!("{word}\n[[rename]]\nfrom = \"session\"\nto = \"run\"\npaths = [\"web/**\"]\n");
    std::fs::write(root.join("elsewhere.toml"), elsewhere).unwrap();
    let out = retrace(root, &["check", "--rules", "elsewhere.toml"]);
    assert_eq!(
        stdout(&out).matches(AMBIGUOUS).count(),
        1,
        "{}",
        stdout(&out)
    );
}

#[test]
fn survey_refuses_machine_formats_it_does_not_print() {
    let dir = project(&FILES);
    for format in ["sarif", "github"] {
        let out = retrace(dir.path(), &["survey", "--format", format]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("human or json"), "{}", stderr(&out));
    }
}

#[test]
fn a_starter_rule_for_one_name_leaves_its_comments_as_the_rules_treat_them() {
    // Two modules define `make_sessionmaker`, a compound (reported, not
    // renamed): the starter keeps the smaller sense by a rule for that
    // name in lib/b.py, which must report the name in comments there as
    // the word rule does, not rename it.
    let dir = project(&[
        ("lib/__init__.py", ""),
        ("lib/a.py", "def make_sessionmaker():\n    pass\n"),
        (
            "lib/c.py",
            "from lib.a import make_sessionmaker\n\nmake_sessionmaker()\nmake_sessionmaker()\n",
        ),
        (
            "lib/b.py",
            "# make_sessionmaker, the other one\ndef make_sessionmaker():\n    pass\n",
        ),
    ]);
    let root = dir.path();
    let out = retrace(root, &["survey", "--write", "starter.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let starter = std::fs::read_to_string(root.join("starter.toml")).unwrap();
    let rule = "from = \"make_sessionmaker\"\nto = \"make_tracemaker\"\nmatch = \"exact\"\npaths = [\"lib/b.py\"]\ncode = \"keep\"\ncomments = \"report\"\n";
    assert!(starter.contains(rule), "{starter}");
    let out = retrace(root, &["check", "--rules", "starter.toml"]);
    let comment = "lib/b.py:1:3: comment make_sessionmaker → make_tracemaker (make_sessionmaker→make_tracemaker) reported: comment policy: report";
    assert!(stdout(&out).contains(comment), "{}", stdout(&out));
    assert!(!stdout(&out).contains("lib/b.py:2"), "{}", stdout(&out));
}
