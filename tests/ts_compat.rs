//! The TypeScript compat code, checked by TypeScript itself: the library
//! of the golden case `compat-ts-lib`, renamed by `retrace apply` (its
//! compat block and the stub at its moved module's old path), still
//! serves a consumer outside it that spells every old name
//! (`testdata/compat/ts-consumer`), with no error under `strict`, and each
//! old name it uses is reported deprecated; before the rename, none is.
//! TypeScript is installed from npm by `scripts/typescript.sh` when missing.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The consumer beside the library in `lib/`, renamed by `retrace apply`
/// when `renamed`.
fn fixture(renamed: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(&repo().join("testdata/compat/ts-consumer"), dir.path());
    let lib = dir.path().join("lib");
    common::copy_tree(&repo().join("testdata/cases/compat-ts-lib/in"), &lib);
    if renamed {
        let out = common::retrace(&lib, &["apply", "."]);
        assert!(out.status.success(), "{}", common::stderr(&out));
    }
    dir
}

/// What `scripts/typescript.sh` installed.
struct Tools {
    tsc: PathBuf,
    /// Where `require('typescript')` resolves, for NODE_PATH.
    node_modules: PathBuf,
}

/// Install what is missing, once per test binary.
fn tools() -> &'static Tools {
    static TOOLS: OnceLock<Tools> = OnceLock::new();
    TOOLS.get_or_init(|| {
        let mut paths = common::install("typescript.sh", &["tsc", "node_modules"]).into_iter();
        let mut next = || paths.next().unwrap();
        Tools {
            tsc: next(),
            node_modules: next(),
        }
    })
}

/// `tests/typescript/deprecations.js` over a side's tsconfig.json: its
/// errors, and its deprecated uses as (file, line, name).
fn deprecations(dir: &Path) -> (Vec<Value>, Vec<(String, u64, String)>) {
    let out = Command::new("node")
        .arg(repo().join("tests/typescript/deprecations.js"))
        .arg(dir.join("tsconfig.json"))
        .env("NODE_PATH", &tools().node_modules)
        .output()
        .expect("node runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "deprecations.js failed: {stderr}");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = json["errors"].as_array().unwrap().clone();
    let deprecated = json["deprecated"].as_array().unwrap().iter().map(|d| {
        let field = |k: &str| d[k].as_str().unwrap().to_string();
        (field("file"), d["line"].as_u64().unwrap(), field("name"))
    });
    (errors, deprecated.collect())
}

/// Each use of an old name in consumer.ts, as (line, name): the words
/// holding "session" outside strings (the stub's path is no name).
fn old_names_used() -> Vec<(u64, String)> {
    let consumer = repo().join("testdata/compat/ts-consumer/consumer.ts");
    let text = std::fs::read_to_string(consumer).unwrap();
    let mut out = Vec::new();
    for (n, line) in (1..).zip(text.lines()) {
        let code = line.split('\'').step_by(2);
        let words = code.flat_map(|c| c.split(|ch: char| !(ch.is_alphanumeric() || ch == '_')));
        let old = words.filter(|w| w.to_lowercase().contains("session"));
        out.extend(old.map(|w| (n, w.to_string())));
    }
    out
}

#[test]
fn the_renamed_library_type_checks_with_the_consumer_under_its_old_names() {
    let dir = fixture(true);
    let out = Command::new(&tools().tsc)
        .args(["--noEmit", "-p"])
        .arg(dir.path())
        .output()
        .expect("tsc runs");
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "tsc --noEmit reports errors:\n{printed}"
    );
}

#[test]
fn every_old_name_the_consumer_uses_is_reported_deprecated() {
    let dir = fixture(true);
    let (errors, deprecated) = deprecations(dir.path());
    assert!(errors.is_empty(), "{errors:#?}");
    let mut used = old_names_used();
    assert!(used.len() > 10, "the consumer uses the old names: {used:?}");
    let mut reported: Vec<(u64, String)> = deprecated
        .into_iter()
        .filter(|(file, _, _)| file == "consumer.ts")
        .map(|(_, line, name)| (line, name))
        .collect();
    used.sort();
    reported.sort();
    assert_eq!(reported, used, "uses of old names reported deprecated");
}

#[test]
fn before_the_rename_nothing_is_deprecated() {
    let dir = fixture(false);
    let (errors, deprecated) = deprecations(dir.path());
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(deprecated.is_empty(), "{deprecated:?}");
}
