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

use retrace::engine::syntax_errors;
use retrace::lang::Lang;

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

    let summary = retrace(&work, "apply");
    let after = files(&work);
    let changed: Vec<&PathBuf> = after
        .keys()
        .filter(|p| before.get(*p) != after.get(*p))
        .collect();
    assert!(!changed.is_empty(), "the corpus has sessions to rename");

    let mut new_errors = Vec::new();
    for path in &changed {
        let Some(lang) = Lang::from_path(path) else {
            continue;
        };
        let text = |t: &BTreeMap<PathBuf, Vec<u8>>| String::from_utf8(t[*path].clone()).unwrap();
        let (b, a) = (
            syntax_errors(lang, &text(&before)).unwrap(),
            syntax_errors(lang, &text(&after)).unwrap(),
        );
        if a > b {
            new_errors.push(format!("{}: {b} → {a}", path.display()));
        }
    }
    assert!(
        new_errors.is_empty(),
        "new syntax errors:\n{}",
        new_errors.join("\n")
    );

    let py: Vec<&PathBuf> = changed
        .iter()
        .copied()
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    let original = tmp.path().join("original");
    copy_tree(&corpus, &original);
    let compiled_before = compiling(&original, &py);
    let compiled_after = compiling(&work, &py);
    let broken: Vec<_> = py
        .iter()
        .zip(compiled_before.iter().zip(&compiled_after))
        .filter(|(_, (b, a))| **b && !**a)
        .map(|(p, _)| p.display().to_string())
        .collect();
    assert!(
        broken.is_empty(),
        "no longer compile:\n{}",
        broken.join("\n")
    );

    // No identifier bound by a third-party import was renamed: per changed
    // file, the third-party import bindings (name, module) and the number of
    // identifiers resolving to each are the same before and after.
    let rules =
        retrace::rules::load(&[retrace::rules::Source::Bundled { base: work.clone() }]).unwrap();
    let walked = retrace::walk::walk(std::slice::from_ref(&work), &rules, &work);
    let project = retrace::project::Project::new(&walked.files, &rules);
    let mut checked = (0, 0);
    let mut touched = Vec::new();
    for path in &changed {
        let Some(lang @ (Lang::Python | Lang::TypeScript | Lang::Tsx | Lang::JavaScript)) =
            Lang::from_path(path)
        else {
            continue;
        };
        let abs = work.join(path);
        let uses = |t: &BTreeMap<PathBuf, Vec<u8>>| {
            let text = String::from_utf8(t[*path].clone()).unwrap();
            let tree = retrace::lang::parse(lang, &text).unwrap();
            retrace::scope::Scopes::build(lang, &tree, &text, &project, &abs)
                .third_party_uses(&tree)
        };
        let (b, a) = (uses(&before), uses(&after));
        checked = (checked.0 + 1, checked.1 + b.values().sum::<usize>());
        if a != b {
            touched.push(format!("{}: {b:?} → {a:?}", path.display()));
        }
    }
    assert!(
        touched.is_empty(),
        "third-party names changed:\n{}",
        touched.join("\n")
    );
    println!(
        "third-party: {} changed files checked, {} identifiers bound by third-party imports, none renamed",
        checked.0, checked.1
    );

    let again = retrace(&work, "apply");
    assert_eq!(files(&work), after, "a second apply changed files");
    assert!(again.contains(" 0 changed"), "{again}");

    println!(
        "corpus: {} files changed ({} Python, all compile)",
        changed.len(),
        py.len()
    );
    let counts = ["files:", "renames:", "findings:", "kept:", "dropped:"];
    for line in summary
        .lines()
        .filter(|l| counts.iter().any(|c| l.starts_with(c)))
    {
        println!("{line}");
    }
}
