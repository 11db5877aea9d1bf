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

use retrace::engine::syntax_errors;
use retrace::lang::Lang;

fn retrace(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_retrace"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("retrace runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

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
    for path in got.keys().chain(want.keys()).collect::<std::collections::BTreeSet<_>>() {
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
        let check = retrace(&work, &with("check"));
        if stdout(&check) != expected {
            return Err(format!("check output:\n{}\nwant:\n{expected}", stdout(&check)));
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
        return Err(format!("a second apply reported changes:\n{}", stdout(&again)));
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
        let (Ok(before), Ok(after)) = (std::str::from_utf8(before), std::str::from_utf8(after)) else {
            continue;
        };
        let (b, a) = (syntax_errors(lang, before).unwrap(), syntax_errors(lang, after).unwrap());
        if a > b {
            return Err(format!("{}: {b} syntax errors before, {a} after", path.display()));
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
        .filter_map(|c| run_case(c).err().map(|e| format!("== {}: {e}", c.display())))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
