//! What a hostile or unlucky user meets: a move that cannot be made, a
//! write that fails half-way, a pre-commit hook naming one file, two runs
//! at once, a killed run, read-only files, broken syntax, odd paths and
//! closed pipes. Each test runs the binary on a real tree and checks that
//! nothing is half-made and that the message says what happened.

use std::path::Path;
use std::process::{Command, Stdio};

mod common;
use common::{project, retrace, stderr, stdout};

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn a_blocked_move_keeps_every_import_of_the_module() {
    let dir = project(&[
        ("pkg/__init__.py", ""),
        ("pkg/session.py", "x = 1\n"),
        ("pkg/trace.py", "y = 2\n"),
        (
            "main.py",
            "from pkg import session\nimport pkg.session\n\nprint(session.x, pkg.session.x)\n",
        ),
    ]);
    let before = common::snapshot(dir.path());
    let out = retrace(dir.path(), &["apply"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        common::snapshot(dir.path()),
        before,
        "nothing may follow a move that is not made"
    );
    let check = stdout(&retrace(dir.path(), &["check"]));
    for at in [
        "main.py:1:17",
        "main.py:2:12",
        "main.py:4:7",
        "main.py:4:22",
    ] {
        assert!(
            check.contains(&format!("{at}: collision session → trace")),
            "{at} not reported:\n{check}"
        );
    }
}

#[test]
fn a_move_that_another_module_would_shadow_is_a_collision() {
    let dir = project(&[
        ("pkg/__init__.py", ""),
        ("pkg/session.py", "x = 1\n"),
        ("pkg/trace/__init__.py", "y = 2\n"),
        ("main.py", "from pkg.session import x\n"),
        ("web/session.ts", "export const a = 1;\n"),
        ("web/trace/index.ts", "export const b = 2;\n"),
        ("web/main.ts", "import { a } from './session';\n"),
    ]);
    let before = common::snapshot(dir.path());
    assert!(retrace(dir.path(), &["apply"]).status.success());
    assert_eq!(common::snapshot(dir.path()), before);
    let check = stdout(&retrace(dir.path(), &["check"]));
    assert!(
        check.contains("pkg/session.py:1:1: collision pkg/session.py → pkg/trace.py")
            && check.contains("pkg/trace/ exists"),
        "{check}"
    );
    assert!(check.contains("web/trace/ exists"), "{check}");
    assert!(check.contains("main.py:1:10: collision"), "{check}");
    assert!(check.contains("web/main.ts:1:22: collision"), "{check}");
}

/// A write that fails (here: past the file size limit, as on a full disk)
/// leaves every file as it was and moves nothing.
#[test]
fn a_failed_write_writes_nothing_and_moves_nothing() {
    let big = format!(
        "from .session import get_session\n{}",
        "x = 1\n".repeat(4000)
    );
    let dir = project(&[
        ("app/__init__.py", ""),
        ("app/session.py", "def get_session():\n    return 1\n"),
        ("app/main.py", &big),
    ]);
    let before = common::snapshot(dir.path());
    // `ulimit -f` in 512-byte blocks: app/main.py (24 KB) cannot be
    // written again, the small files could. SIGXFSZ ignored: the write
    // fails with EFBIG instead of killing the process.
    let script = format!(
        "ulimit -f 8; trap '' XFSZ; exec {} apply",
        env!("CARGO_BIN_EXE_retrace")
    );
    let out = Command::new("sh")
        .args(["-c", &script])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(message.contains("nothing was written"), "{message}");
    assert_eq!(
        message.matches("app/main.py").count(),
        1,
        "the path once: {message}"
    );
    assert_eq!(
        common::snapshot(dir.path()),
        before,
        "a failed write changes nothing"
    );
    // Without the limit, the same run completes.
    assert!(retrace(dir.path(), &["apply"]).status.success());
    assert!(read(dir.path(), "app/main.py").starts_with("from .trace import get_trace\n"));
    assert!(dir.path().join("app/trace.py").exists());
}

/// A pre-commit hook names single files: the project is still the whole
/// repository, only the named files change, and a rename that another
/// file would need too is reported instead.
#[test]
fn a_single_file_path_changes_only_that_file_and_never_half_a_rename() {
    let main = "from .session import get_session\n\n\ndef run():\n    session_count = 1\n    return get_session(), session_count\n";
    let dir = project(&[
        ("app/__init__.py", ""),
        ("app/session.py", "def get_session():\n    return 1\n"),
        ("app/main.py", main),
    ]);
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let out = retrace(dir.path(), &["apply", "--allow-dirty", "app/main.py"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        read(dir.path(), "app/session.py"),
        "def get_session():\n    return 1\n"
    );
    assert!(!dir.path().join("app/trace.py").exists());
    let main_after = read(dir.path(), "app/main.py");
    assert_eq!(
        main_after,
        main.replace("session_count", "trace_count"),
        "only the name no other file spells changes"
    );
    let check = stdout(&retrace(dir.path(), &["check", "app/main.py"]));
    assert!(
        check.contains("app/main.py:1:7: collision session → trace")
            && check.contains("app/session.py is not among the PATHs given"),
        "{check}"
    );
    assert!(
        check.contains("app/main.py:1:22: code get_session → get_trace")
            && check.contains(
                "linked: app/session.py, which is not among the PATHs given, renames it too"
            ),
        "{check}"
    );
    // From a subdirectory, the same: the project is the repository.
    let sub = retrace(&dir.path().join("app"), &["check", "main.py"]);
    assert!(
        stdout(&sub).contains("main.py:1:22: code get_session"),
        "{}",
        stdout(&sub)
    );
    // The whole project, named, renames both ends.
    assert!(retrace(dir.path(), &["apply", "--allow-dirty"])
        .status
        .success());
    assert_eq!(
        read(dir.path(), "app/trace.py"),
        "def get_trace():\n    return 1\n"
    );
    assert!(read(dir.path(), "app/main.py").starts_with("from .trace import get_trace\n"));
}

/// Run `retrace apply --interactive` under `script` (a terminal), feeding
/// `answers`; what it showed.
fn interactive(dir: &Path, answers: &str) -> String {
    let command = format!(
        "{} apply --interactive --color never",
        env!("CARGO_BIN_EXE_retrace")
    );
    let mut child = Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("util-linux script runs");
    use std::io::Write as _;
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(answers.as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let shown = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    assert!(out.status.success(), "{shown}");
    shown
}

#[test]
fn declining_a_move_in_review_keeps_the_imports_that_follow_it() {
    let files = [
        ("pkg/__init__.py", ""),
        ("pkg/session.py", "x = 1\n"),
        (
            "main.py",
            "from pkg import session\nfrom pkg.session import x\nsession_id = 2\n",
        ),
    ];
    let dir = project(&files);
    // The move: no. The one hunk left (session_id): yes.
    let shown = interactive(dir.path(), "n\ny\n");
    assert!(
        shown.contains("Move pkg/session.py → pkg/trace.py"),
        "{shown}"
    );
    assert!(!shown.contains("+from pkg import trace"), "{shown}");
    assert_eq!(
        read(dir.path(), "main.py"),
        "from pkg import session\nfrom pkg.session import x\ntrace_id = 2\n"
    );
    assert!(dir.path().join("pkg/session.py").exists());
    // Accepted, the move takes its imports along, unasked.
    let dir = project(&files);
    let shown = interactive(dir.path(), "y\nn\n");
    assert_eq!(
        read(dir.path(), "main.py"),
        "from pkg import trace\nfrom pkg.trace import x\nsession_id = 2\n",
        "{shown}"
    );
    assert!(dir.path().join("pkg/trace.py").exists());
}

#[test]
fn a_second_apply_while_one_runs_fails_at_once() {
    let dir = project(&[("a.py", "session = 1\n")]);
    for git in [false, true] {
        if git {
            std::fs::create_dir(dir.path().join(".git")).unwrap();
        }
        let lock = match git {
            true => dir.path().join(".git/retrace.lock"),
            false => dir.path().join(".retrace.lock"),
        };
        // The lock a running apply holds.
        let held = std::fs::File::create(&lock).unwrap();
        held.lock().unwrap();
        let out = retrace(dir.path(), &["apply", "--allow-dirty"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).contains("another `retrace apply` is running"),
            "{}",
            stderr(&out)
        );
        assert_eq!(read(dir.path(), "a.py"), "session = 1\n");
        // `diff` and `check` only read: they need no lock.
        assert!(retrace(dir.path(), &["diff"]).status.success());
        drop(held);
    }
    assert!(retrace(dir.path(), &["apply", "--allow-dirty"])
        .status
        .success());
    assert_eq!(read(dir.path(), "a.py"), "trace = 1\n");
}

#[test]
fn what_a_killed_apply_left_is_removed_by_the_next() {
    let dir = project(&[("src/a.py", "session = 1\n")]);
    // A killed run's temporary file beside a file it was writing, and its
    // journal naming the directory its moves emptied.
    std::fs::write(dir.path().join("src/.retrace-Ab12Cd"), "half").unwrap();
    std::fs::create_dir(dir.path().join("sessions")).unwrap();
    let emptied = dir.path().join("sessions");
    std::fs::write(
        dir.path().join(".retrace-moves"),
        format!("{}\n", emptied.display()),
    )
    .unwrap();
    let out = retrace(dir.path(), &["apply"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(
        said.contains("removed src/.retrace-Ab12Cd, left by an interrupted apply"),
        "{said}"
    );
    assert!(
        said.contains("sessions, left empty by an interrupted apply"),
        "{said}"
    );
    let left: Vec<String> = common::snapshot(dir.path())
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    assert_eq!(left, ["src/a.py"]);
    assert!(!emptied.exists());
}

#[test]
fn read_only_files_are_left_and_reported_unless_forced() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project(&[("a.py", "session = 1\n"), ("b.py", "session_id = 2\n")]);
    let a = dir.path().join("a.py");
    std::fs::set_permissions(&a, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = retrace(dir.path(), &["apply"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("a.py: read-only, so 1 renames are not made (--force-readonly"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(dir.path(), "a.py"), "session = 1\n");
    assert_eq!(read(dir.path(), "b.py"), "trace_id = 2\n");
    let forced = retrace(dir.path(), &["apply", "--force-readonly"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert_eq!(read(dir.path(), "a.py"), "trace = 1\n");
    let mode = std::fs::metadata(&a).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o444, "the file stays read-only");
}

#[test]
fn files_with_syntax_errors_are_renamed_only_where_the_tree_is_sound() {
    let broken = "session = 1\n\ndef f(:\n    return session_id +\n\nclass Session:\n    pass\n";
    let dir = project(&[("a.py", broken), ("b.py", "session = 2\n")]);
    let out = retrace(dir.path(), &["apply"]);
    assert!(out.status.success());
    assert!(
        stdout(&out).contains(
            "syntax errors: 1 file had syntax errors before; renamed where the tree is sound"
        ),
        "{}",
        stdout(&out)
    );
    let after = read(dir.path(), "a.py");
    assert!(
        after.contains("return session_id +"),
        "inside the error: {after}"
    );
    assert!(after.contains("class Trace:"), "outside it: {after}");
    let check = stdout(&retrace(dir.path(), &["check"]));
    assert!(
        check.contains(
            "a.py:4:12: code session_id → trace_id (session→trace) reported: syntax error"
        ),
        "{check}"
    );
}

#[test]
fn skipped_paths_are_counted_by_why() {
    let dir = project(&[
        ("a.py", "x = 1\n"),
        (".gitignore", "build/\n*.gen.py\n"),
        ("build/out.py", "session = 1\n"),
        ("src/x.gen.py", "session = 1\n"),
        ("src/.gitignore", "!keep.gen.py\nlocal.py\n"),
        ("src/keep.gen.py", "session = 1\n"),
        ("src/local.py", "session = 1\n"),
    ]);
    let fifo = dir.path().join("pipe.py");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    std::os::unix::fs::symlink("a.py", dir.path().join("link.py")).unwrap();
    let out = retrace(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let shown = stdout(&out);
    assert!(
        shown.contains("5 skipped (gitignored 3, not a regular file 1, symlink 1)"),
        "{shown}"
    );
    // The nested whitelist wins over the pattern above it.
    assert!(
        shown.contains("src/keep.gen.py:1:1: code session"),
        "{shown}"
    );
    assert_eq!(shown.matches(": code session").count(), 1, "{shown}");
}

/// A PATH outside the current directory: the diff names files from the
/// project's root, so `git apply` there takes it.
#[test]
fn diffs_name_files_from_the_project_root() {
    let dir = project(&[("here/x.txt", ""), ("other/pkg/a.py", "session = 1\n")]);
    let here = dir.path().join("here");
    let out = retrace(&here, &["diff", "../other/pkg"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let diff = stdout(&out);
    assert!(
        diff.starts_with("diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n"),
        "{diff}"
    );
    let patch = dir.path().join("patch.diff");
    std::fs::write(&patch, &diff).unwrap();
    let applied = Command::new("git")
        .args(["apply", patch.to_str().unwrap()])
        .current_dir(dir.path().join("other/pkg"))
        .status()
        .unwrap();
    assert!(applied.success());
    assert_eq!(read(dir.path(), "other/pkg/a.py"), "trace = 1\n");
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let dir = project(&[("a.py", &"session = 1\n".repeat(20000))]);
    for args in [&["man"][..], &["diff"], &["check"], &["rules"]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_retrace"))
            .args(args)
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before reading anything, as `| head -0` does.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        assert!(
            !err.contains("Broken pipe") && !err.contains("panicked"),
            "{args:?}: {err}"
        );
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {:?} {err}",
            out.status
        );
    }
}

#[test]
fn a_directory_moves_whole_or_not_at_all() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project(&[
        ("sessions/__init__.py", ""),
        ("sessions/a.py", "x = 1\n"),
        ("sessions/b.py", "session = 1\n"),
    ]);
    let b = dir.path().join("sessions/b.py");
    std::fs::set_permissions(&b, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = retrace(dir.path(), &["apply"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!dir.path().join("traces").exists(), "{}", stdout(&out));
    for f in ["sessions/__init__.py", "sessions/a.py", "sessions/b.py"] {
        assert!(dir.path().join(f).exists(), "{f} stays with its directory");
    }
    assert!(
        stdout(&out)
            .contains("sessions/a.py: not moved to traces/a.py: sessions/b.py is read-only"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn rules_without_renames_say_so() {
    let dir = project(&[
        ("retrace.toml", "[keep]\nnames = [\"x\"]\n"),
        ("a.py", "session = 1\n"),
    ]);
    let out = retrace(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("hold no [[rename]], so nothing is renamed"),
        "{}",
        stderr(&out)
    );
}
