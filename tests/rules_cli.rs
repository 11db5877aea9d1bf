//! End-to-end tests of rule files: odd but valid rule files, rule errors
//! and their positions, and rule files of many thousands of rules.

mod common;
use common::{project, retrace, stderr, stdout};
use std::path::Path;

/// `n` as four lowercase letters: a word rule takes letters only.
fn letters(mut n: usize) -> String {
    let mut out = [b'a'; 4];
    for b in out.iter_mut().rev() {
        *b = b'a' + (n % 26) as u8;
        n /= 26;
    }
    String::from_utf8(out.to_vec()).unwrap()
}

#[test]
fn rule_files_without_renames_find_nothing_and_do_not_panic() {
    let rule_files = [
        ("empty", ""),
        ("policy only", "[policy]\nstrings = \"rename\"\n"),
        ("keep only", "[keep]\nnames = [\"session*\"]\n"),
    ];
    let sources: [(&str, &[u8]); 2] = [
        ("a.py", b"x = 1\nsession = 2\n"),
        ("b.sql", b"SELECT 1 FROM sessions;\n"),
    ];
    for (what, rules) in rule_files {
        for (name, text) in sources {
            let dir = project(&[("retrace.toml", rules.as_bytes()), (name, text)]);
            for command in ["check", "diff"] {
                let out = retrace(dir.path(), &[command]);
                let err = stderr(&out);
                assert_eq!(
                    out.status.code(),
                    Some(0),
                    "{what}, {name}, {command}: {err}"
                );
                assert!(!err.contains("panicked"), "{what}, {name}: {err}");
                assert!(
                    !stdout(&out).contains('→') && !stdout(&out).contains("+++"),
                    "{what}, {name}, {command}: nothing is found: {}",
                    stdout(&out)
                );
            }
        }
    }
}

/// `check` over `a.py` with this `retrace.toml`: exit 2, and stderr starts
/// with `want`.
fn assert_rule_error(rules: &[u8], want: &str) {
    let dir = project(&[("retrace.toml", rules), ("a.py", b"session = 1\n")]);
    let out = retrace(dir.path(), &["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{want}: {err}");
    assert!(err.starts_with(want), "want {want:?}, stderr was {err:?}");
    assert!(out.stdout.is_empty(), "{want}: nothing is scanned");
}

#[test]
fn every_rule_error_names_file_line_and_column() {
    assert_rule_error(
        b"[[rename]]\nfrom = \"sess\xffion\"\nto = \"trace\"\n",
        "retrace.toml:2:13: ",
    );
    assert_rule_error(
        b"[keep]\nnames = [\"ok\", \"a[b\"]\n",
        "retrace.toml:2:16: [keep] names: invalid glob `a[b`",
    );
    assert_rule_error(
        b"[files]\nexclude = [\n  \"ok/**\",\n  \"{x\",\n]\n",
        "retrace.toml:4:3: [files] exclude: invalid glob `{x`",
    );
    assert_rule_error(
        b"[[rename]]\nfrom = \"session\"\nto = \"trace\"\npaths = [\"a/**\", \"b[\"]\n",
        "retrace.toml:4:18: `paths`: invalid glob `b[`",
    );
    assert_rule_error(
        b"[[rename]]\nfrom = \"session\"\nto = \"Session\"\n",
        "retrace.toml:3:6: `session` and `Session` differ only in case",
    );
}

/// A rule file of `n` word rules (`wordaaaa` → `termaaaa`, …) and `n`
/// exact rules (`exact_word00000` → `exact_term00000`, …).
fn many_rules(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        let w = letters(i);
        out.push_str(&format!(
            "[[rename]]\nfrom = \"word{w}\"\nto = \"term{w}\"\n\n"
        ));
        out.push_str(&format!(
            "[[rename]]\nfrom = \"exact_word{i:05}\"\nto = \"exact_term{i:05}\"\nmatch = \"exact\"\n\n"
        ));
    }
    out
}

#[test]
fn a_rule_file_of_thousands_of_rules_works() {
    let rules = many_rules(10_000);
    let middle = letters(5_000);
    let source = format!("word{middle}_id = exact_word05000\nwordzzzz = 1\n");
    let dir = project(&[
        ("retrace.toml", rules.as_bytes()),
        ("a.py", source.as_bytes()),
    ]);
    let out = retrace(dir.path(), &["diff"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!("+term{middle}_id = exact_term05000\n")),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains(" wordzzzz = 1\n"), "{}", stdout(&out));
}

#[test]
fn a_keep_only_file_that_extends_the_bundled_rules_adds_to_them() {
    let text = "session_id = 1\nkeep_session = 2\n";
    let extends = "extends = \"bundled\"\n\n[keep]\nnames = [\"keep_session\"]\n";
    let dir = common::project(&[("a.py", text), ("retrace.toml", extends)]);
    let out = common::retrace(dir.path(), &["check", "-v", "."]);
    let shown = common::stdout(&out);
    assert!(
        shown.contains("a.py:1:1: code session_id → trace_id"),
        "{shown}"
    );
    assert!(
        shown
            .contains("keep_session → keep_trace (session→trace) kept: keep: names (keep_session)"),
        "{shown}"
    );

    // Without `extends`, the file replaces the bundled rules, and says how not to.
    let alone = common::project(&[
        ("a.py", text),
        ("retrace.toml", "[keep]\nnames = [\"keep_session\"]\n"),
    ]);
    let out = common::retrace(alone.path(), &["check", "."]);
    assert!(out.status.success(), "nothing is renamed");
    assert!(
        common::stderr(&out).contains("extends = \"bundled\""),
        "{}",
        common::stderr(&out)
    );

    let bad = common::project(&[("a.py", text), ("retrace.toml", "extends = \"mine\"\n")]);
    let out = common::retrace(bad.path(), &["check", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).starts_with("retrace.toml:1:11: extends: `mine` is not known"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn english_words_that_hold_the_word_are_no_compounds() {
    let text =
        "obsession = 1\nself_possession = 2\nPOSSESSIONS = 3\nsessionmaker = 4\nsessionable = 5\n";
    let dir = common::project(&[("a.py", text)]);
    let out = common::retrace(dir.path(), &["check", "--format", "json", "."]);
    let reported: Vec<String> = common::stdout(&out)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["type"] == "finding")
        .map(|v| v["old"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(reported, ["sessionmaker", "sessionable"]);

    // The list is the platform's; a rule file adds to it.
    let more = "extends = \"bundled\"\n\n[keep]\nwords = [\"Sessionable\"]\n";
    std::fs::write(dir.path().join("retrace.toml"), more).unwrap();
    let out = common::retrace(dir.path(), &["check", "."]);
    let shown = common::stdout(&out);
    assert!(
        shown.contains("sessionmaker") && !shown.contains("sessionable"),
        "{shown}"
    );

    // `words_default = false` drops the built-in list: its words are
    // compounds again, and `rules --toml` says so.
    let own = format!("{more}words_default = false\n");
    std::fs::write(dir.path().join("retrace.toml"), own).unwrap();
    let shown = common::stdout(&common::retrace(dir.path(), &["check", "."]));
    assert!(
        shown.contains("obsession") && !shown.contains("sessionable"),
        "{shown}"
    );
    let toml = common::stdout(&common::retrace(dir.path(), &["rules", "--toml"]));
    assert!(
        toml.contains("words = [\"sessionable\"]\nwords_default = false\n"),
        "{toml}"
    );
}

/// `retrace check -v` of a golden case's `in/` with these extra args.
fn golden_check(case: &Path, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(&case.join("in"), dir.path());
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["check", "-v", "."]);
    stdout(&retrace(dir.path(), &all))
}

#[test]
fn init_and_rules_toml_write_rules_that_behave_as_the_bundled_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = retrace(dir.path(), &["init"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let again = retrace(dir.path(), &["init"]);
    assert_eq!(again.status.code(), Some(2), "init never overwrites");
    let init = dir.path().join("retrace.toml");
    let toml = dir.path().join("rules.toml");
    std::fs::write(&toml, stdout(&retrace(dir.path(), &["rules", "--toml"]))).unwrap();
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/cases");
    let mut compared = 0;
    for entry in std::fs::read_dir(&cases).unwrap() {
        let case = entry.unwrap().path();
        // Cases with rules of their own, or that publish a package (whose
        // compat code depends on nothing here), are left to golden_cases.
        if case.join("retrace.toml").exists() || !case.join("check.out").exists() {
            continue;
        }
        let want = std::fs::read_to_string(case.join("check.out")).unwrap();
        for rules in [&init, &toml] {
            let got = golden_check(&case, &["--rules", rules.to_str().unwrap()]);
            assert_eq!(got, want, "{} with {}", case.display(), rules.display());
        }
        compared += 1;
    }
    assert!(compared > 50, "{compared} cases");
}
