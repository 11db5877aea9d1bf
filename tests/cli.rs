//! End-to-end tests: the binary run over real files.
//!
//! Golden cases live in `testdata/cases/<name>/`: `in/` is copied to a
//! temporary directory, `retrace` runs there (with `--rules retrace.toml`
//! when the case has one), and the result must equal `out/` byte for byte.
//! Every case also checks that `diff` writes nothing, that `git apply` of
//! the diff reproduces `out/`, that a second `apply` is a no-op, and that
//! no output file has more syntax errors than its input. A case with a
//! `check.out` also has its `check` output compared.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use retrace::lang::Lang;
use retrace::rewrite::syntax_errors;

mod common;
use common::{project, retrace, stderr, stdout};

type Tree = BTreeMap<PathBuf, Vec<u8>>;

fn read_tree(root: &Path) -> Tree {
    let mut out = Tree::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_path_buf();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

fn write_tree(root: &Path, tree: &Tree) {
    for (rel, bytes) in tree {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/cases")
}

/// Describe how two trees differ, file by file.
fn tree_diff(got: &Tree, want: &Tree) -> Option<String> {
    let mut msgs = Vec::new();
    for path in got
        .keys()
        .chain(want.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        match (got.get(path), want.get(path)) {
            (Some(g), Some(w)) if g == w => {}
            (Some(g), Some(w)) => msgs.push(format!(
                "{}: differs\n--- got\n{}\n--- want\n{}",
                path.display(),
                String::from_utf8_lossy(g),
                String::from_utf8_lossy(w)
            )),
            (Some(_), None) => msgs.push(format!("{}: unexpected file", path.display())),
            (None, _) => msgs.push(format!("{}: missing", path.display())),
        }
    }
    (!msgs.is_empty()).then(|| msgs.join("\n"))
}

fn run_case(case: &Path) -> Result<(), String> {
    let input = read_tree(&case.join("in"));
    let want = read_tree(&case.join("out"));
    let rules = case.join("retrace.toml");
    let rules = rules.to_str().unwrap();
    let mut args: Vec<&str> = Vec::new();
    if case.join("retrace.toml").exists() {
        args.extend(["--rules", rules]);
    }
    let with = |cmd: &'static str| {
        let mut a = vec![cmd];
        a.extend(args.iter().copied());
        a
    };
    let with_verbose = |cmd: &'static str| {
        let mut a = with(cmd);
        a.push("-v");
        a
    };

    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    write_tree(&work, &input);

    let diff = retrace(&work, &with("diff"));
    if !diff.status.success() {
        return Err(format!("diff failed: {}", stderr(&diff)));
    }
    if let Some(d) = tree_diff(&read_tree(&work), &input) {
        return Err(format!("diff wrote files:\n{d}"));
    }

    if let Ok(expected) = std::fs::read_to_string(case.join("check.out")) {
        let check = retrace(&work, &with_verbose("check"));
        if stdout(&check) != expected {
            return Err(format!(
                "check output:\n{}\nwant:\n{expected}",
                stdout(&check)
            ));
        }
    }

    let apply = retrace(&work, &with("apply"));
    if !apply.status.success() {
        return Err(format!("apply failed: {}", stderr(&apply)));
    }
    let applied = read_tree(&work);
    if let Some(d) = tree_diff(&applied, &want) {
        return Err(format!("apply result differs from out/:\n{d}"));
    }

    let again = retrace(&work, &with("apply"));
    if let Some(d) = tree_diff(&read_tree(&work), &want) {
        return Err(format!("a second apply changed files:\n{d}"));
    }
    if !stdout(&again).contains(" 0 changed") {
        return Err(format!(
            "a second apply reported changes:\n{}",
            stdout(&again)
        ));
    }

    // After apply, nothing is left to rename, and CI can go green: a
    // baseline records what stays on purpose.
    let check = retrace(&work, &[with("check"), vec!["--format", "json"]].concat());
    if stdout(&check).contains("\"type\":\"change\"") {
        return Err(format!(
            "check after apply finds changes:\n{}",
            stdout(&check)
        ));
    }
    let baseline = tmp.path().join("baseline.json");
    let write = format!("--write-baseline={}", baseline.display());
    let written = retrace(&work, &[with("check"), vec![&write]].concat());
    let baseline = baseline.display().to_string();
    let green = retrace(
        &work,
        &[with("check"), vec!["--baseline", &baseline]].concat(),
    );
    if written.status.code() != Some(0) || green.status.code() != Some(0) {
        return Err(format!(
            "check after apply with a baseline is not green:\n{}{}",
            stderr(&written),
            stdout(&green)
        ));
    }

    // `git apply` of the diff on a pristine copy gives what `apply` wrote.
    if !diff.stdout.is_empty() {
        let pristine = tmp.path().join("pristine");
        write_tree(&pristine, &input);
        let patch = tmp.path().join("changes.patch");
        std::fs::write(&patch, &diff.stdout).unwrap();
        let git = Command::new("git")
            .args(["apply", "--whitespace=nowarn"])
            .arg(&patch)
            .current_dir(&pristine)
            .output()
            .expect("git runs");
        if !git.status.success() {
            return Err(format!("git apply failed: {}", stderr(&git)));
        }
        if let Some(d) = tree_diff(&read_tree(&pristine), &want) {
            return Err(format!("git apply result differs from out/:\n{d}"));
        }
    }

    // No output file parses worse than its input.
    for (path, after) in &want {
        let (Some(lang), Some(before)) = (Lang::from_path(path), input.get(path)) else {
            continue;
        };
        let (Ok(before), Ok(after)) = (std::str::from_utf8(before), std::str::from_utf8(after))
        else {
            continue;
        };
        let (b, a) = (
            syntax_errors(lang, before).unwrap(),
            syntax_errors(lang, after).unwrap(),
        );
        if a > b {
            return Err(format!(
                "{}: {b} syntax errors before, {a} after",
                path.display()
            ));
        }
    }
    Ok(())
}

#[test]
fn golden_cases() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 30, "expected at least 30 golden cases");
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            run_case(c)
                .err()
                .map(|e| format!("== {}: {e}", c.display()))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

const SESSION_RULE: &str = "[[rename]]\nfrom = \"session\"\nto = \"trace\"\n";

#[test]
fn rule_errors_name_file_line_and_column_and_exit_2() {
    let cases = [
        ("toml syntax", "[[rename]]\nfrom = \"session\nto = \"trace\"\n", "retrace.toml:2:"),
        ("unknown key", "[[rename]]\nfrom = \"a\"\nto = \"b\"\ncolour = 1\n", "retrace.toml:4:1: unknown field `colour`"),
        ("unknown table", "[polcy]\ncode = \"keep\"\n", "retrace.toml:1:"),
        ("bad policy value", "[policy]\nstrings = \"shout\"\n", "retrace.toml:2:11: unknown variant `shout`"),
        ("empty word", "[[rename]]\nfrom = \"session\"\nto = \"\"\n", "retrace.toml:3:6: empty word"),
        ("not a word", "[[rename]]\nfrom = \"session_id\"\nto = \"trace_id\"\n", "retrace.toml:2:8: `session_id` is not one word"),
        (
            "two results",
            "[[rename]]\nfrom = \"session\"\nto = \"trace\"\n[[rename]]\nfrom = \"session\"\nto = \"span\"\n",
            "retrace.toml:5:8: `session` is renamed to `span` here and to `trace` by the rule at",
        ),
        (
            "chain",
            "[[rename]]\nfrom = \"session\"\nto = \"trace\"\n[[rename]]\nfrom = \"trace\"\nto = \"span\"\n",
            "retrace.toml:2:8: rules chain: `session` becomes `trace`",
        ),
    ];
    for (what, rules, want) in cases {
        let dir = project(&[("retrace.toml", rules), ("a.py", "session = 1\n")]);
        let out = retrace(dir.path(), &["check"]);
        assert_eq!(out.status.code(), Some(2), "{what}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(want),
            "{what}: stderr was {:?}",
            stderr(&out)
        );
        assert!(out.stdout.is_empty(), "{what}: nothing is scanned");
    }
}

#[test]
fn missing_paths_are_reported_and_the_run_goes_on() {
    let dir = project(&[("a.py", "session = 1\n")]);
    let out = retrace(dir.path(), &["check", "nope.py", "a.py"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("nope.py: No such file or directory"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("a.py:1:1: code session → trace"));
}

#[test]
fn unreadable_files_are_reported_and_counted() {
    // A dangling symlink named as a path: it exists as a name but cannot be read.
    let dir = project(&[("a.py", "session = 1\n")]);
    std::os::unix::fs::symlink(dir.path().join("gone.py"), dir.path().join("link.py")).unwrap();
    let out = retrace(dir.path(), &["diff", "link.py", "a.py"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("link.py"), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("+trace = 1"),
        "the readable file is still diffed"
    );
}

#[test]
fn binary_and_invalid_utf8_are_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.py"), b"session = 1\x00").unwrap();
    std::fs::write(dir.path().join("b.py"), b"session = '\xff'\n").unwrap();
    let out = retrace(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("2 skipped (binary 1, invalid UTF-8 1)"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn exit_codes_follow_the_spec() {
    let dirty = project(&[("a.py", "session = 1\n")]);
    let clean = project(&[("a.py", "trace = 1\n")]);
    assert_eq!(retrace(dirty.path(), &["check"]).status.code(), Some(1));
    assert_eq!(retrace(clean.path(), &["check"]).status.code(), Some(0));
    assert_eq!(retrace(dirty.path(), &["diff"]).status.code(), Some(0));
    assert_eq!(
        retrace(dirty.path(), &["frobnicate"]).status.code(),
        Some(2)
    );
    assert_eq!(
        retrace(dirty.path(), &["apply", "--format", "json"])
            .status
            .code(),
        Some(2)
    );
    // Findings alone (a reported string) also fail check.
    let reported = project(&[("a.py", "x = 'session'\n")]);
    assert_eq!(retrace(reported.path(), &["check"]).status.code(), Some(1));
}

#[test]
fn json_lines_carry_every_field() {
    let dir = project(&[("a.py", "session_id = 'session'\n")]);
    let out = retrace(dir.path(), &["check", "--format", "json"]);
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 3, "{}", stdout(&out));
    let change = &lines[0];
    assert_eq!(change["type"], "change");
    assert_eq!(change["path"], "a.py");
    assert_eq!(
        (change["line"].as_u64(), change["column"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        (change["class"].as_str(), change["old"].as_str()),
        (Some("code"), Some("session_id"))
    );
    assert_eq!(
        (change["new"].as_str(), change["rule"].as_str()),
        (Some("trace_id"), Some("session→trace"))
    );
    assert_eq!(lines[1]["type"], "finding");
    assert_eq!(lines[1]["reason"], "string policy: report");
    assert_eq!(lines[2]["type"], "summary");
    assert_eq!(lines[2]["files_changed"], 1);

    // `diff --format json` gives the same objects, and no patch text.
    let diff = stdout(&retrace(dir.path(), &["diff", "--format", "json"]));
    assert!(!diff.contains("diff --git"));
    let first: serde_json::Value = serde_json::from_str(diff.lines().next().unwrap()).unwrap();
    assert_eq!(first, lines[0]);
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let dir = project(&[("a.py", "session = 1\n")]);
    let plain = retrace(dir.path(), &["diff"]);
    assert!(
        !stderr(&plain).contains(['\r', '\x1b']),
        "no progress bar or colour off a terminal"
    );
    assert!(
        !stdout(&plain).contains('\x1b'),
        "not a terminal: no colour"
    );
    let always = retrace(dir.path(), &["diff", "--color", "always"]);
    assert!(stdout(&always).contains("\x1b[32m+trace = 1"));
    let never = retrace(dir.path(), &["diff", "--color", "never"]);
    assert!(!stdout(&never).contains('\x1b'));
}

#[test]
fn output_is_the_same_at_any_thread_count() {
    // Sizes vary, so files are started in another order than they are
    // reported (biggest first within each block).
    let files: Vec<(String, String)> = (0..600)
        .map(|i| {
            let padding = "# session\n".repeat(i * 37 % 101);
            (
                format!("d{}/m{i}.py", i % 7),
                format!("session_{i} = 'session'\n{padding}"),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let dir = project(&refs);
    let one = retrace(dir.path(), &["diff", "-j", "1"]);
    let two = retrace(dir.path(), &["diff", "-j", "2"]);
    assert_eq!(stdout(&one), stdout(&two));
    assert_eq!(
        stdout(&one),
        stdout(&retrace(dir.path(), &["diff", "-j", "4"]))
    );
    let out = stdout(&one);
    let order: Vec<&str> = out
        .lines()
        .filter_map(|l| l.strip_prefix("diff --git a/"))
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order.len(), 600);
    assert_eq!(order, sorted, "files are reported in path order");
    let check = retrace(dir.path(), &["check", "-j", "2"]);
    assert_eq!(
        stdout(&check),
        stdout(&retrace(dir.path(), &["check", "-j", "1"]))
    );
}

#[test]
fn rules_are_discovered_upward_and_merged_from_several_files() {
    let dir = project(&[
        (
            "retrace.toml",
            "[[rename]]\nfrom = \"session\"\nto = \"span\"\n",
        ),
        ("src/deep/a.py", "session = 'session'\n"),
        ("extra.toml", "[policy]\nstrings = \"rename\"\n"),
        ("base.toml", SESSION_RULE),
    ]);
    let found = retrace(&dir.path().join("src/deep"), &["diff"]);
    assert!(
        stdout(&found).contains("+span = 'session'"),
        "{}",
        stdout(&found)
    );
    // With --rules, discovery is off; later files' single values win.
    let merged = retrace(
        dir.path(),
        &["diff", "--rules", "base.toml", "--rules", "extra.toml"],
    );
    assert!(
        stdout(&merged).contains("+trace = 'trace'"),
        "{}",
        stdout(&merged)
    );
    let listed = retrace(
        dir.path(),
        &["rules", "--rules", "base.toml", "--rules", "extra.toml"],
    );
    assert!(
        stdout(&listed).contains("sources: rules/platform.toml (built-in), base.toml, extra.toml"),
        "{}",
        stdout(&listed)
    );
    assert!(stdout(&listed)
        .contains("rename session → trace (word; plural sessions → traces)  base.toml:2:8"));
    assert!(stdout(&listed).contains("strings rename"));
}

#[test]
fn bundled_rules_apply_with_no_setup() {
    let dir = project(&[("a.ts", "const sessionId = sessionStorage.getItem('k');\n")]);
    let out = retrace(dir.path(), &["diff"]);
    assert!(
        stdout(&out).contains("+const traceId = sessionStorage.getItem('k');"),
        "{}",
        stdout(&out)
    );
    let rules = retrace(dir.path(), &["rules"]);
    assert!(stdout(&rules).contains(
        "sources: rules/platform.toml (built-in), rules/session-to-trace.toml (built-in)"
    ));
}

#[test]
fn explain_says_what_and_why() {
    let dir = project(&[(
        "retrace.toml",
        "[[rename]]\nfrom = \"session\"\nto = \"trace\"\n\
         [[rename]]\nfrom = \"session\"\nto = \"trace\"\npaths = [\"app/**\"]\nstrings = \"rename\"\n\
         [keep]\nnames = [\"sessionStorage\"]\n",
    )]);
    let out = stdout(&retrace(
        dir.path(),
        &[
            "explain",
            "ISessionAndStats",
            "obsession",
            "sessionmaker",
            "sessionStorage",
            "user",
        ],
    ));
    assert!(
        out.contains("as code: → ITraceAndStats (renamed; rule session→trace at"),
        "{out}"
    );
    assert!(
        out.contains(
            "as string: unchanged; reported (string policy: report): would be ITraceAndStats"
        ),
        "{out}"
    );
    assert!(
        out.contains("as string in app/**: → ITraceAndStats"),
        "{out}"
    );
    assert!(
        out.contains("reported (compound): would be tracemaker")
            && out.contains("obsession\n  kept: an English word that holds a rule's word by chance ([keep] words)"),
        "{out}"
    );
    assert!(
        out.contains("kept: matches [keep] names `sessionStorage`"),
        "{out}"
    );
    assert!(out.contains("user\n  unchanged: no rule matches"), "{out}");
    assert!(
        out.contains("as a key, kept and reported as linked: where the other end reads it by name"),
        "explain says how the name is treated as a link's key: {out}"
    );
    let path = stdout(&retrace(
        dir.path(),
        &["explain", "app/sessions/[sessionId]/page.tsx"],
    ));
    assert!(
        path.contains("as a path: moves to app/traces/[traceId]/page.tsx"),
        "{path}"
    );
}

#[test]
fn apply_keeps_file_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project(&[
        ("run.py", "#!/usr/bin/env python3\nsession = 1\n"),
        ("session_tool.py", "#!/usr/bin/env python3\nx = 1\n"),
    ]);
    let path = dir.path().join("run.py");
    let mover = dir.path().join("session_tool.py");
    for p in [&path, &mover] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    assert!(retrace(dir.path(), &["apply"]).status.success());
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o755);
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("trace = 1"));
    // A moved file keeps its mode too.
    assert_eq!(mode(&dir.path().join("trace_tool.py")), 0o755);
    assert!(!mover.exists());
}

#[test]
fn findings_and_kept_occurrences_explain_themselves_in_json() {
    let dir = project(&[(
        "agentops/session.py",
        "from opentelemetry import trace\nimport requests\n\n\ndef end(session):\n    return requests.Session()\n",
    )]);
    let out = retrace(dir.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "a collision fails check");
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let collision = lines
        .iter()
        .find(|l| l["class"] == "collision")
        .expect("a collision");
    assert_eq!(collision["type"], "finding");
    assert_eq!(
        collision["reason"],
        "collision with trace at agentops/session.py:1:27"
    );
    let kept = lines
        .iter()
        .find(|l| l["type"] == "kept")
        .expect("a kept occurrence");
    assert_eq!(
        (kept["old"].as_str(), kept["reason"].as_str()),
        (Some("Session"), Some("third-party: requests"))
    );
    let summary = lines.last().unwrap();
    assert_eq!(summary["findings"]["collision"], 1);
    assert_eq!(summary["kept"]["third-party"], 1);
}

#[test]
fn migration_history_is_kept_in_json_and_never_fails_check() {
    let dir = project(&[(
        "supabase/migrations/20230101000000_init.sql",
        "CREATE TABLE sessions (session_id uuid);\n",
    )]);
    let out = retrace(dir.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kept: Vec<(&str, &str)> = lines
        .iter()
        .filter(|l| l["type"] == "kept")
        .map(|l| (l["old"].as_str().unwrap(), l["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(kept, [("sessions", "history"), ("session_id", "history")]);
    let summary = lines.last().unwrap();
    assert_eq!(summary["kept"]["history"], 2);
    assert_eq!(summary["findings"], serde_json::json!({}));
}

/// An `apply` killed at any moment leaves every file exactly once, at its
/// old or new path, with its old or new content; running `apply` again
/// gives the same tree as an uninterrupted run, and removes what the kill
/// left: hidden `.retrace-*` temporary files, the lock and moves journal,
/// and directories the moves emptied.
#[test]
fn interrupted_apply_never_leaves_a_mix_and_a_rerun_completes_it() {
    let mut input = Tree::new();
    for d in 0..20 {
        for f in 0..50 {
            let dir = if d % 2 == 0 {
                format!("sessions{d}")
            } else {
                format!("pkg{d}")
            };
            let name = if f % 3 == 0 {
                format!("session_{f}.py")
            } else {
                format!("m{f}.py")
            };
            let text = format!("# a session\nsession_{f} = 'session'\nx = 1\n");
            input.insert(PathBuf::from(dir).join(name), text.into_bytes());
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let reference = tmp.path().join("reference");
    write_tree(&reference, &input);
    assert!(retrace(&reference, &["apply"]).status.success());
    let want = read_tree(&reference);
    // Where each input file ends up, to check the invariant against.
    let moved = |old: &Path| -> PathBuf {
        let s = old
            .to_string_lossy()
            .replace("sessions", "traces")
            .replace("session_", "trace_");
        PathBuf::from(s)
    };
    assert!(
        input.keys().all(|old| want.contains_key(&moved(old))),
        "reference moved as expected"
    );

    let mut interrupted = 0;
    for (i, delay_ms) in [2u64, 10, 30, 60, 120, 250].into_iter().enumerate() {
        let work = tmp.path().join(format!("run{i}"));
        write_tree(&work, &input);
        let mut child = Command::new(env!("CARGO_BIN_EXE_retrace"))
            .args(["apply", "-j", "2"])
            .current_dir(&work)
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let finished = child.try_wait().unwrap().is_some();
        child.kill().ok();
        child.wait().unwrap();
        interrupted += usize::from(!finished);

        let got = read_tree(&work);
        for (old, old_text) in &input {
            let new = moved(old);
            let here: Vec<&PathBuf> = [old, &new]
                .into_iter()
                .filter(|p| got.contains_key(*p))
                .collect();
            let here: Vec<&PathBuf> = if old == &new {
                here[..1].to_vec()
            } else {
                here
            };
            assert_eq!(
                here.len(),
                1,
                "{} exists {} times after a kill at {delay_ms} ms",
                old.display(),
                here.len()
            );
            let text = &got[here[0]];
            assert!(
                text == old_text || text == &want[&new],
                "{}: a mix of contents",
                here[0].display()
            );
        }
        let unexpected: Vec<_> = got
            .keys()
            .filter(|p| {
                !p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(".retrace")
            })
            .filter(|p| !input.contains_key(*p) && !want.contains_key(*p))
            .collect();
        assert!(unexpected.is_empty(), "unexpected files: {unexpected:?}");

        let rerun = retrace(&work, &["apply"]);
        assert!(rerun.status.success(), "{}", stderr(&rerun));
        assert!(
            tree_diff(&read_tree(&work), &want).is_none(),
            "a rerun after a kill at {delay_ms} ms did not complete the job"
        );
        let empty = empty_directories(&work);
        assert!(empty.is_empty(), "left empty after a rerun: {empty:?}");
    }
    assert!(
        interrupted >= 2,
        "at least some runs must really be interrupted ({interrupted})"
    );
}

/// Directories below `root` that hold nothing.
fn empty_directories(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        if entries.is_empty() {
            out.push(dir);
        }
        stack.extend(entries.into_iter().filter(|p| p.is_dir()));
    }
    out
}

/// A project with one of each kind of record: a rename, a reported string,
/// a compound, a collision and a move.
fn everything() -> tempfile::TempDir {
    project(&[
        ("pkg/__init__.py", ""),
        (
            "pkg/session.py",
            "from opentelemetry import trace\n\n\ndef end(session, session_id):\n    return 'session', sessionmaker\n",
        ),
    ])
}

/// The SARIF log on `out`'s stdout, which the schema validates.
fn valid_sarif(validator: &jsonschema::Validator, out: &Output) -> serde_json::Value {
    let log: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );
    log
}

/// The SARIF 2.1.0 schema's validator.
fn sarif_validator() -> jsonschema::Validator {
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/sarif/sarif-schema-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    // The published schema's `language` patterns have a stray `]` (an
    // erratum) that regex engines reject; those patterns are removed
    // (retrace never writes `language`) and every other rule is kept.
    const ERRATUM: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    let mut schema = schema;
    let mut removed = 0;
    for def in schema["definitions"].as_object_mut().unwrap().values_mut() {
        let language = def
            .pointer_mut("/properties/language")
            .and_then(|l| l.as_object_mut());
        if let Some(language) = language.filter(|l| l.get("pattern").is_some_and(|p| p == ERRATUM))
        {
            language.remove("pattern");
            removed += 1;
        }
    }
    assert!(removed > 0, "the erratum is where it was");
    jsonschema::draft7::new(&schema).expect("the schema compiles")
}

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    let validator = sarif_validator();
    let dir = everything();
    let out = retrace(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let log = valid_sarif(&validator, &out);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let ids: std::collections::BTreeSet<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["collision", "compound", "move", "rename", "reported"]
            .into_iter()
            .collect()
    );
    let rename = results.iter().find(|r| r["ruleId"] == "rename").unwrap();
    let replacement = &rename["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "trace_id");
    assert_eq!(
        rename["locations"][0]["physicalLocation"]["region"]["startLine"],
        4
    );
    // Validation must be able to fail: a result without a message is invalid.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn github_output_is_workflow_commands() {
    let dir = everything();
    let out = retrace(dir.path(), &["check", "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    let want = "\
::error file=pkg/session.py,line=1,col=1,title=retrace move::move pkg/session.py → pkg/trace.py
::error file=pkg/session.py,line=4,col=9,title=retrace collision::collision session → trace (session→trace) reported: collision with trace at pkg/session.py:1:27
::error file=pkg/session.py,line=4,col=18,title=retrace rename::code session_id → trace_id (session→trace)
::warning file=pkg/session.py,line=5,col=13,title=retrace reported::string session → trace (session→trace) reported: string policy: report
::warning file=pkg/session.py,line=5,col=23,title=retrace compound::code sessionmaker → tracemaker (session→trace) reported: compound
";
    assert_eq!(stdout(&out), want);
    assert!(
        stderr(&out).contains("findings: 3"),
        "the summary goes to stderr: {}",
        stderr(&out)
    );
}

#[test]
fn baseline_ratchet_fails_only_on_new_findings() {
    let dir = project(&[
        (
            "retrace.toml",
            "[[rename]]\nfrom = \"session\"\nto = \"trace\"\n\n[check]\nbaseline = true\n",
        ),
        ("api.py", "HEADER = 'X-Session-Id'\nCOOKIE = 'session'\n"),
    ]);
    let write = retrace(dir.path(), &["check", "--write-baseline"]);
    assert_eq!(write.status.code(), Some(0), "{}", stderr(&write));
    assert!(stderr(&write).contains("recorded 2 findings in .retrace-baseline.json"));
    let file = dir.path().join(".retrace-baseline.json");
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        text.lines()
            .filter(|l| l.contains("\"fingerprint\""))
            .count(),
        2,
        "one entry per line:\n{text}"
    );

    // [check] baseline = true: plain `check` uses it, and passes.
    let clean = retrace(dir.path(), &["check"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    assert!(
        stdout(&clean).contains("baseline: 2 matched, 0 new, 0 stale"),
        "{}",
        stdout(&clean)
    );

    // Lines moved above the baselined findings do not break them.
    std::fs::write(
        dir.path().join("api.py"),
        "import os\n\n\nHEADER = 'X-Session-Id'\nCOOKIE = 'session'\n",
    )
    .unwrap();
    assert_eq!(retrace(dir.path(), &["check"]).status.code(), Some(0));

    // A new leftover fails check, and only it is named.
    std::fs::write(
        dir.path().join("api.py"),
        "import os\n\n\nHEADER = 'X-Session-Id'\nCOOKIE = 'session'\nLABEL = 'Sessions'\n",
    )
    .unwrap();
    let new = retrace(
        dir.path(),
        &["check", "--baseline", ".retrace-baseline.json"],
    );
    assert_eq!(new.status.code(), Some(1));
    let new_out = stdout(&new);
    let named: Vec<&str> = new_out
        .lines()
        .filter(|l| l.starts_with("api.py:"))
        .collect();
    assert_eq!(
        named,
        ["api.py:6:10: string Sessions → Traces (session→trace) reported: string policy: report"]
    );

    // A fixed finding is reported as stale; rewriting drops it and keeps people's reasons.
    std::fs::write(dir.path().join("api.py"), "HEADER = 'X-Session-Id'\n").unwrap();
    let stale = retrace(dir.path(), &["check"]);
    assert_eq!(stale.status.code(), Some(0));
    assert!(
        stdout(&stale)
            .contains("api.py: stale baseline entry: string session → trace no longer occurs"),
        "{}",
        stdout(&stale)
    );
    assert!(stdout(&stale).contains("baseline: 1 matched, 0 new, 1 stale"));
    let with_reason = text.replace(
        "\"reason\":\"\"",
        "\"reason\":\"wire key: clients send it\"",
    );
    std::fs::write(&file, &with_reason).unwrap();
    assert!(retrace(dir.path(), &["check", "--write-baseline"])
        .status
        .success());
    let rewritten = std::fs::read_to_string(&file).unwrap();
    assert_eq!(rewritten.matches("\"fingerprint\"").count(), 1);
    assert!(
        rewritten.contains("wire key: clients send it"),
        "{rewritten}"
    );
}

#[test]
fn apply_refuses_uncommitted_files_it_would_touch() {
    let dir = project(&[
        ("a.py", "session = 1\n"),
        ("b.py", "x = 1\n"),
        ("notes.py", "y = 2\n"),
    ]);
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
    };
    git(&["init", "-q"]);
    git(&["-c", "user.name=t", "-c", "user.email=t@t", "add", "."]);
    git(&[
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "commit",
        "-qm",
        "init",
    ]);

    // A dirty file that apply would not touch does not block it.
    std::fs::write(dir.path().join("b.py"), "x = 2\n").unwrap();
    std::fs::write(dir.path().join("untracked.py"), "z = 3\n").unwrap();
    let out = retrace(dir.path(), &["diff"]);
    assert!(out.status.success());

    // A dirty (or untracked) file that apply would rewrite blocks it, named.
    std::fs::write(dir.path().join("a.py"), "session = 2\n").unwrap();
    std::fs::write(dir.path().join("new_session.py"), "z = 3\n").unwrap();
    let refused = retrace(dir.path(), &["apply"]);
    assert_eq!(refused.status.code(), Some(2));
    let message = stderr(&refused);
    assert!(
        message.contains("uncommitted changes and would be rewritten: a.py, new_session.py"),
        "{message}"
    );
    assert!(!message.contains("b.py"), "{message}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.py")).unwrap(),
        "session = 2\n",
        "nothing written"
    );

    let allowed = retrace(dir.path(), &["apply", "--allow-dirty"]);
    assert!(allowed.status.success(), "{}", stderr(&allowed));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.py")).unwrap(),
        "trace = 2\n"
    );
    assert!(dir.path().join("new_trace.py").exists());
    // apply never stages anything: the index still matches the first commit.
    let staged = Command::new("git")
        .args(["diff", "--cached", "--name-only"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(staged.stdout.is_empty());
}

#[test]
fn completions_and_man_page_come_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef retrace"),
        ("fish", "complete -c retrace"),
    ] {
        let out = retrace(dir.path(), &["completions", shell]);
        assert!(out.status.success());
        let text = stdout(&out);
        assert!(text.contains(marker), "{shell}: {text}");
        for sub in ["diff", "apply", "check", "explain", "rules"] {
            assert!(text.contains(sub), "{shell} completes {sub}");
        }
    }
    let man = stdout(&retrace(dir.path(), &["man"]));
    assert!(
        man.starts_with(".ie") || man.contains(".TH retrace"),
        "{man}"
    );
    assert!(
        man.contains("check") && man.contains("\\-\\-rules"),
        "{man}"
    );
}

#[test]
fn pre_commit_hook_and_readme_workflow_run_retrace_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let hooks = std::fs::read_to_string(root.join(".pre-commit-hooks.yaml")).unwrap();
    assert!(hooks.contains("- id: retrace-check") && hooks.contains("entry: retrace check"));
    // Every `retrace …` step of the README's workflow runs on a sample repo.
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let steps: Vec<&str> = readme
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- run: retrace "))
        .collect();
    assert_eq!(steps.len(), 2, "the workflow has a SARIF and a github step");
    let dir = everything();
    for step in steps {
        let args: Vec<&str> = step
            .split(" >")
            .next()
            .unwrap()
            .split_whitespace()
            .collect();
        let out = retrace(dir.path(), &args);
        assert_eq!(out.status.code(), Some(1), "{step}: findings fail the step");
        let text = stdout(&out);
        match args.last() {
            Some(&"github") => assert!(text
                .lines()
                .all(|l| l.starts_with("::error ") || l.starts_with("::warning "))),
            _ => assert!(
                serde_json::from_str::<serde_json::Value>(&text).is_ok(),
                "{step}: SARIF is JSON"
            ),
        }
    }
}

/// `apply --interactive` driven through a pseudo-terminal (util-linux
/// `script` gives it one), answering y, n, a, d and q.
#[test]
fn interactive_apply_writes_exactly_what_was_accepted() {
    let far = "x = 1\n".repeat(10);
    let two = format!("session = 1\n{far}SESSION = 2\n");
    let three = format!("session = 1\n{far}session = 2\n{far}session = 3\n");
    let dir = project(&[
        ("a.py", two.as_str()),
        ("c.py", three.as_str()),
        ("d.py", three.as_str()),
        ("e_session.py", "session = 1\n"),
        ("f.py", two.as_str()),
        ("g.py", two.as_str()),
    ]);
    // moves first: e's n | a: y n | c: a | d: n d | e: y | f: y q | g: never asked
    let answers = "n\ny\nn\na\nn\nd\ny\ny\nq\n";
    let command = format!(
        "{} apply --interactive --color never",
        env!("CARGO_BIN_EXE_retrace")
    );
    let mut child = Command::new("script")
        .args(["-q", "-e", "-c", &command, "/dev/null"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("util-linux script runs");
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(answers.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let shown = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    assert!(out.status.success(), "{shown}");
    let read = |p: &str| std::fs::read_to_string(dir.path().join(p)).unwrap();
    assert_eq!(
        read("a.py"),
        format!("trace = 1\n{far}SESSION = 2\n"),
        "{shown}"
    );
    assert_eq!(
        read("c.py"),
        format!("trace = 1\n{far}trace = 2\n{far}trace = 3\n")
    );
    assert_eq!(read("d.py"), three, "n then d: nothing accepted");
    assert_eq!(
        read("e_session.py"),
        "trace = 1\n",
        "content accepted, move refused"
    );
    assert!(!dir.path().join("e_trace.py").exists());
    assert_eq!(
        read("f.py"),
        two,
        "quit: the file under review is not written"
    );
    assert_eq!(read("g.py"), two, "quit: nothing further");
    assert!(
        shown.contains("(1/2) Apply this hunk [y,n,a,d,q,?]?"),
        "{shown}"
    );
    assert!(
        shown.contains(
            "Move e_session.py → e_trace.py (imports that follow it change with it) [y,n,q,?]?"
        ),
        "{shown}"
    );

    // Without a terminal it refuses, and writes nothing.
    let refused = retrace(dir.path(), &["apply", "--interactive"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("standard input is not one"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(read("g.py"), two);
}

#[test]
fn linked_findings_name_their_other_ends_in_json_and_sarif() {
    let dir = project(&[
        (
            "views.py",
            "from flask import render_template\n\n\ndef page(session):\n    return render_template('a.html', session=session)\n",
        ),
        ("templates/a.html", "<p>\n{{ session.user }}</p>\n"),
    ]);
    let json = stdout(&retrace(dir.path(), &["check", "--format", "json"]));
    let linked: Vec<serde_json::Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|r: &serde_json::Value| r["class"] == "linked")
        .collect();
    assert_eq!(linked.len(), 1, "{json}");
    assert_eq!(
        linked[0]["ends"],
        serde_json::json!([{"path": "templates/a.html", "line": 2, "column": null}])
    );
    let out = retrace(dir.path(), &["check", "--format", "sarif"]);
    let log = valid_sarif(&sarif_validator(), &out);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let result = results.iter().find(|r| r["ruleId"] == "linked").unwrap();
    let end = &result["relatedLocations"][0]["physicalLocation"];
    assert_eq!(end["artifactLocation"]["uri"], "templates/a.html");
    assert_eq!(end["region"]["startLine"], 2);
}
