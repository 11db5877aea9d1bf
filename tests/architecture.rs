//! The shape of `src/`, measured: the layers depend one way only (each
//! module uses its own layer and the ones before it, never one after), and
//! no file is longer than a newcomer can read in one sitting.
//!
//! A module's dependencies are read from the `crate::…` paths in its files
//! (`use crate::walk::Entry`, `crate::{config::Rules, model::Mode}`,
//! `crate::paths::absolute(…)`); `lib.rs` and `main.rs` sit above all.
//! `cargo test --test architecture -- --nocapture` prints the graph.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, first to last: a module may use modules of its own layer
/// and of the layers before it. `ARCHITECTURE.md` says what each is for.
const LAYERS: [&[&str]; 12] = [
    &["model", "paths", "parallel"],
    &["cli"],
    &["config"],
    &["walk"],
    &["lang"],
    &["index"],
    &["analyze"],
    &["rewrite"],
    &["write"],
    &["database"],
    &["output"],
    &["phases"],
];

/// The most lines a file of `src/` may have.
const MAX_LINES: usize = 500;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The top-level module a file of `src/` belongs to (None for the crate
/// root files).
fn module_of(file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src()).unwrap();
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_string();
    (!matches!(name.as_str(), "lib" | "main")).then_some(name)
}

/// The top-level modules a file names through `crate::`.
fn uses(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a::X, b}`: the first name of each item at depth 0.
            let mut depth = 0;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        rest = &group[i..];
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphabetic() || c == '_') => {
                        let name: String = group[i..]
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        out.insert(name);
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.insert(name);
        }
    }
    out
}

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// Each module and the modules it uses.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in rust_files(&src()) {
        let Some(module) = module_of(&file) else {
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        let used: Vec<String> = uses(&text).into_iter().filter(|u| *u != module).collect();
        graph.entry(module).or_default().extend(used);
    }
    graph
}

#[test]
fn every_module_has_a_layer_and_uses_only_its_own_and_earlier_ones() {
    let graph = graph();
    let mut wrong = Vec::new();
    for (module, used) in &graph {
        println!(
            "{module} → {}",
            used.iter().cloned().collect::<Vec<_>>().join(", ")
        );
        let Some(own) = layer(module) else {
            wrong.push(format!("{module} is in no layer"));
            continue;
        };
        for u in used {
            match layer(u) {
                Some(l) if l <= own => {}
                Some(_) => wrong.push(format!("{module} uses {u}, a later layer")),
                None => wrong.push(format!("{module} uses {u}, which is in no layer")),
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_module_graph_has_no_cycle() {
    // Implied by the layers for modules of different layers; this also
    // covers modules that share one.
    let graph = graph();
    let mut state: BTreeMap<&str, u8> = BTreeMap::new();
    fn visit<'g>(
        node: &'g str,
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<&'g str, u8>,
        path: &mut Vec<&'g str>,
    ) -> Option<String> {
        match state.get(node) {
            Some(1) => return Some(format!("{} → {node}", path.join(" → "))),
            Some(_) => return None,
            None => {}
        }
        state.insert(node, 1);
        path.push(node);
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, state, path) {
                return Some(cycle);
            }
        }
        path.pop();
        state.insert(node, 2);
        None
    }
    for node in graph.keys() {
        let cycle = visit(node, &graph, &mut state, &mut Vec::new());
        assert!(cycle.is_none(), "a cycle: {}", cycle.unwrap());
    }
}

#[test]
fn no_file_is_over_the_limit() {
    let mut long = Vec::new();
    for file in rust_files(&src()) {
        let lines = std::fs::read_to_string(&file).unwrap().lines().count();
        if lines > MAX_LINES {
            long.push(format!("{}: {lines} lines", file.display()));
        }
    }
    assert!(
        long.is_empty(),
        "over {MAX_LINES} lines:\n{}",
        long.join("\n")
    );
}

#[test]
fn uses_are_read_from_paths_and_groups() {
    let text = "use crate::walk::Entry;\nuse crate::{config::Rules, model::{Mode, Class}};\nlet x = crate::paths::absolute(a, b);";
    let got: Vec<String> = uses(text).into_iter().collect();
    assert_eq!(got, ["config", "model", "paths", "walk"]);
}
