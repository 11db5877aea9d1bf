//! Old names for the transition, checked with real Python: a published
//! package renamed by `apply` still answers its old names, each with one
//! `DeprecationWarning` that names the new one, its new names warn
//! nothing, its own tests pass, and `apply --drop-compat` leaves exactly
//! what a run without aliases writes.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/cases/compat-python/in");
    common::copy_tree(&from, &dir.path().join("project"));
    dir
}

fn python(project: &Path, args: &[&str]) -> Output {
    Command::new("python3")
        .args(args)
        .current_dir(project.parent().unwrap())
        .env("PYTHONPATH", project)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("python3 runs")
}

fn applied() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = fixture();
    let project = dir.path().join("project");
    let out = common::retrace(&project, &["apply", "."]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    (dir, project)
}

/// Each old name, used as a client that has not moved uses it: the
/// warnings it gets, one list per name.
const OLD_CLIENT: &str = r#"
import json, warnings
seen = {}
def record(name, use):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        value = use()
    seen[name] = [str(x.message) for x in w if x.category is DeprecationWarning]
    return value
def from_package():
    from sdk import Session
    return Session("a").name
def function():
    from sdk import start_session
    return start_session("b").name
def constant():
    import sdk.core
    return sdk.core.DEFAULT_SESSION_NAME
def old_keyword():
    from sdk import start_trace
    return start_trace("d", session_tag="t").tag
def moved_module():
    import sdk.session
    return sdk.session.open_trace("c").name
assert record("Session", from_package) == "a"
assert record("start_session", function) == "b"
assert record("DEFAULT_SESSION_NAME", constant) == "main"
assert record("sdk.session", moved_module) == "c"
assert record("session_tag=", old_keyword) == "t"
import sdk.core
assert sdk.core.legacy_client == "legacy"
print(json.dumps(seen, sort_keys=True))
"#;

#[test]
fn old_names_work_with_one_warning_each_and_new_names_with_none() {
    let (_dir, project) = applied();
    let out = python(&project, &["-c", OLD_CLIENT]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        seen,
        serde_json::json!({
            "DEFAULT_SESSION_NAME": ["sdk.core.DEFAULT_SESSION_NAME is deprecated; use sdk.core.DEFAULT_TRACE_NAME"],
            "Session": ["sdk.Session is deprecated; use sdk.Trace"],
            "sdk.session": ["sdk.session is deprecated; use sdk.trace"],
            "session_tag=": ["sdk.core.start_trace(session_tag=...) is deprecated; use trace_tag="],
            "start_session": ["sdk.start_session is deprecated; use sdk.start_trace"],
        })
    );
    let strict = ["-W", "error::DeprecationWarning", "-c"];
    let old = python(
        &project,
        &[strict[0], strict[1], strict[2], "from sdk import Session"],
    );
    assert!(!old.status.success());
    assert!(String::from_utf8_lossy(&old.stderr)
        .contains("DeprecationWarning: sdk.Session is deprecated; use sdk.Trace"));
    let new = "from sdk import Trace, start_trace\nimport sdk.core\nassert sdk.core.DEFAULT_TRACE_NAME == 'main'";
    let new = python(&project, &[strict[0], strict[1], strict[2], new]);
    assert!(
        new.status.success(),
        "{}",
        String::from_utf8_lossy(&new.stderr)
    );
}

#[test]
fn the_packages_own_tests_pass_after_apply() {
    let (_dir, project) = applied();
    let out = Command::new("python3")
        .args(["-m", "unittest", "discover", "-s", "tests"])
        .current_dir(&project)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("Ran 1 test"));
}

#[test]
fn dropping_compat_leaves_what_a_run_without_aliases_writes() {
    let (_dir, project) = applied();
    let drop = common::retrace(&project, &["apply", "--drop-compat", "."]);
    assert!(drop.status.success(), "{}", common::stderr(&drop));
    let never = fixture();
    let plain = never.path().join("project");
    std::fs::write(
        plain.join("retrace.toml"),
        "[[rename]]\nfrom = \"session\"\nto = \"trace\"\n\n[compat]\naliases = \"never\"\n",
    )
    .unwrap();
    let out = common::retrace(&plain, &["apply", "."]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    std::fs::remove_file(plain.join("retrace.toml")).unwrap();
    assert_eq!(common::snapshot(&project), common::snapshot(&plain));
}

#[test]
fn explain_says_whether_a_name_keeps_an_alias() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::retrace(dir.path(), &["explain", "Session", "_session_cache"]);
    let text = common::stdout(&out);
    assert!(
        text.contains("alias: in a published package, where a public module defines or exports it, `Session` stays as a deprecated alias of `Trace`"),
        "{text}"
    );
    assert!(
        text.contains("no alias: a name with a leading underscore is not public"),
        "{text}"
    );
    std::fs::write(
        dir.path().join("retrace.toml"),
        "[[rename]]\nfrom = \"session\"\nto = \"trace\"\n\n[compat]\naliases = \"never\"\n",
    )
    .unwrap();
    let never = common::stdout(&common::retrace(dir.path(), &["explain", "Session"]));
    assert!(
        never.contains("no alias ([compat] aliases = never)"),
        "{never}"
    );
}

#[test]
fn a_module_that_binds_globals_itself_still_imports() {
    // Flask's package imports its submodule `globals`, which shadows the
    // builtin in the package's namespace: the compat block calls no
    // builtin by name there.
    let dir = common::project(&[
        ("pyproject.toml", "[project]\nname = \"web\"\n"),
        (
            "web/__init__.py",
            "from . import globals\nfrom .globals import Session\n",
        ),
        ("web/globals.py", "class Session:\n    pass\n"),
    ]);
    let out = common::retrace(dir.path(), &["apply", "."]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let script = "import warnings\nwarnings.simplefilter('error')\nimport web\nassert web.Trace\ntry:\n    web.Session\nexcept DeprecationWarning as w:\n    print(w)\n";
    let run = Command::new("python3")
        .args(["-c", script])
        .current_dir(dir.path())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        "web.Session is deprecated; use web.Trace\n"
    );
}
