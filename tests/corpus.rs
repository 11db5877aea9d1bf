//! Real code: `retrace apply` with the bundled rules over the corpus that
//! `../shared/corpus/fetch.sh` builds. Opt-in, because it needs that
//! download: `RETRACE_CORPUS=DEST/tree cargo test --release --test corpus
//! -- --ignored --nocapture` (or `scripts/corpus.sh`).
//!
//! It checks that every changed file parses with no new syntax errors, that
//! every changed Python file that compiled before still compiles, and that a
//! second `apply` changes nothing; it prints the counts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use retrace::lang::Lang;
use retrace::rewrite::syntax_errors;

fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in ignore::WalkBuilder::new(root).require_git(false).build() {
        let entry = entry.unwrap();
        if entry.file_type().is_some_and(|t| t.is_file()) {
            let rel = entry.path().strip_prefix(root).unwrap().to_path_buf();
            out.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    out
}

fn copy_tree(from: &Path, to: &Path) {
    let status = Command::new("cp")
        .arg("-r")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(status.success(), "cp -r failed");
}

fn retrace(dir: &Path, cmd: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_retrace"))
        .arg(cmd)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{cmd} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Which of these Python files compile: one interpreter runs the built-in
/// `compile()` on each (no .pyc written), so one failure hides no other.
fn compiling(root: &Path, paths: &[&PathBuf]) -> Vec<bool> {
    const SCRIPT: &str = "import sys\nfor p in sys.argv[1:]:\n    try:\n        compile(open(p, 'rb').read(), p, 'exec')\n        print(1)\n    except (SyntaxError, ValueError):\n        print(0)\n";
    let out = Command::new("python3")
        .args(["-c", SCRIPT])
        .args(paths.iter().map(|p| root.join(p)))
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let flags: Vec<bool> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l == "1")
        .collect();
    assert_eq!(flags.len(), paths.len());
    flags
}

#[test]
#[ignore = "needs the corpus: set RETRACE_CORPUS to fetch.sh's DEST/tree"]
fn apply_on_the_corpus_breaks_nothing() {
    let corpus = PathBuf::from(std::env::var("RETRACE_CORPUS").expect("RETRACE_CORPUS is set"));
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("tree");
    copy_tree(&corpus, &work);
    let before = files(&work);

    // Where each file goes: the moves `check` plans.
    let planned = Command::new(env!("CARGO_BIN_EXE_retrace"))
        .args(["check", "--format", "json"])
        .current_dir(&work)
        .output()
        .unwrap();
    let mut moves: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
    for line in String::from_utf8(planned.stdout).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if v["type"] == "move" {
            let path = |k: &str| PathBuf::from(v[k].as_str().unwrap());
            moves.insert(path("path"), path("new"));
        }
    }

    let summary = retrace(&work, "apply");
    let after = files(&work);
    let new_path = |old: &PathBuf| moves.get(old).cloned().unwrap_or_else(|| old.clone());
    assert_eq!(after.len(), before.len(), "no file lost or added");
    // (old path, new path) of every file whose content or place changed.
    let changed: Vec<(&PathBuf, PathBuf)> = before
        .keys()
        .map(|old| (old, new_path(old)))
        .filter(|(old, new)| *old != new || before.get(*old) != after.get(new))
        .collect();
    assert!(!changed.is_empty(), "the corpus has sessions to rename");
    assert!(
        changed.iter().all(|(_, new)| after.contains_key(new)),
        "every file is where the plan put it"
    );

    let text =
        |t: &BTreeMap<PathBuf, Vec<u8>>, p: &PathBuf| String::from_utf8(t[p].clone()).unwrap();
    let mut new_errors = Vec::new();
    for (old, new) in &changed {
        let Some(lang) = Lang::from_path(old) else {
            continue;
        };
        let (b, a) = (
            syntax_errors(lang, &text(&before, old)).unwrap(),
            syntax_errors(lang, &text(&after, new)).unwrap(),
        );
        if a > b {
            new_errors.push(format!("{}: {b} → {a}", new.display()));
        }
    }
    assert!(
        new_errors.is_empty(),
        "new syntax errors:\n{}",
        new_errors.join("\n")
    );

    let py: Vec<&(&PathBuf, PathBuf)> = changed
        .iter()
        .filter(|(old, _)| old.extension().is_some_and(|e| e == "py"))
        .collect();
    let original = tmp.path().join("original");
    copy_tree(&corpus, &original);
    let compiled_before = compiling(
        &original,
        &py.iter().map(|(old, _)| *old).collect::<Vec<_>>(),
    );
    let compiled_after = compiling(&work, &py.iter().map(|(_, new)| new).collect::<Vec<_>>());
    let broken: Vec<_> = py
        .iter()
        .zip(compiled_before.iter().zip(&compiled_after))
        .filter(|(_, (b, a))| **b && !**a)
        .map(|((_, new), _)| new.display().to_string())
        .collect();
    assert!(
        broken.is_empty(),
        "no longer compile:\n{}",
        broken.join("\n")
    );

    // No identifier bound by a third-party import was renamed: per changed
    // file, the third-party import bindings (name, module) and the number of
    // identifiers resolving to each are the same before and after.
    // Each side is judged by its own tree: the before text by the original
    // tree (where `agentops/session.py` exists), the after text by the result.
    let project_of = |root: &PathBuf| {
        let rules =
            retrace::config::load(&[retrace::config::Source::Bundled { base: root.clone() }]);
        let rules = rules.unwrap();
        let walked = retrace::walk::walk(root, std::slice::from_ref(root), &rules, root, 2);
        retrace::index::project::Project::new(&walked.files, &rules)
    };
    let (project_before, project_after) = (project_of(&original), project_of(&work));
    let mut checked = (0, 0);
    let mut touched = Vec::new();
    for (old, new) in &changed {
        let Some(lang @ (Lang::Python | Lang::TypeScript | Lang::Tsx | Lang::JavaScript)) =
            Lang::from_path(old)
        else {
            continue;
        };
        let uses = |t: &BTreeMap<PathBuf, Vec<u8>>, p: &PathBuf, root: &PathBuf, project| {
            let source = text(t, p);
            let tree = retrace::lang::parse(lang, &source).unwrap();
            let abs = root.join(p);
            retrace::analyze::scope::Scopes::build(lang, &tree, &source, project, &abs)
                .third_party_uses(&tree)
        };
        let b = uses(&before, old, &original, &project_before);
        let a = uses(&after, new, &work, &project_after);
        checked = (checked.0 + 1, checked.1 + b.values().sum::<usize>());
        if a != b {
            touched.push(format!("{}: {b:?} → {a:?}", new.display()));
        }
    }
    assert!(
        touched.is_empty(),
        "third-party names changed:\n{}",
        touched.join("\n")
    );

    let again = retrace(&work, "apply");
    assert_eq!(files(&work), after, "a second apply changed files");
    assert!(again.contains(" 0 changed"), "{again}");

    // CI can go green after the migration: nothing is left to rename, and
    // a baseline records what stays on purpose.
    let check = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_retrace"))
            .arg("check")
            .args(args)
            .current_dir(&work)
            .output()
            .unwrap()
    };
    let json = check(&["--format", "json"]);
    let pending = String::from_utf8_lossy(&json.stdout)
        .lines()
        .filter(|l| l.contains("\"type\":\"change\""))
        .count();
    assert_eq!(pending, 0, "changes left after apply");
    let baseline = work.with_extension("baseline.json");
    let write = format!("--write-baseline={}", baseline.display());
    assert_eq!(check(&[&write]).status.code(), Some(0));
    let green = check(&["--baseline", &baseline.display().to_string()]);
    assert_eq!(
        green.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&green.stdout)
    );

    println!(
        "corpus: {} files changed or moved ({} moved; {} Python, all compile)",
        changed.len(),
        moves.len(),
        py.len()
    );
    println!(
        "third-party: {} changed files checked, {} identifiers bound by third-party imports, none renamed",
        checked.0, checked.1
    );
    let counts = [
        "files:",
        "renames:",
        "findings:",
        "kept:",
        "moves:",
        "dropped:",
    ];
    for line in summary
        .lines()
        .filter(|l| counts.iter().any(|c| l.starts_with(c)))
    {
        println!("{line}");
    }
}
