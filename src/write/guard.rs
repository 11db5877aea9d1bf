//! The dirty-tree guard: `apply` refuses to rewrite files that have
//! uncommitted changes in a git work tree (as `cargo fix` does), so a
//! rename can always be reviewed and undone with git. It only reads
//! (`git status`); it never changes the index.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Result};

use crate::index::moves::Moves;
use crate::model::Outcome;
use crate::rewrite::Context;
use crate::walk::{absolute, Entry};

/// Files with uncommitted changes (staged, unstaged or untracked), as
/// absolute paths; empty outside a git work tree or without git.
fn dirty_files(cwd: &Path) -> HashSet<PathBuf> {
    let run = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(cwd)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| o.stdout)
    };
    let Some(top) = run(&["rev-parse", "--show-toplevel"]) else {
        return HashSet::new();
    };
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
    let Some(status) = run(&["status", "--porcelain=v1", "-z", "--untracked-files=all"]) else {
        return HashSet::new();
    };
    // Entries are `XY path\0`; a rename adds its old path as one more field.
    status
        .split(|&b| b == 0)
        .filter(|f| !f.is_empty())
        .map(|f| {
            let path = if f.len() > 3 && f[2] == b' ' {
                &f[3..]
            } else {
                f
            };
            absolute(&top, Path::new(&*String::from_utf8_lossy(path)))
        })
        .collect()
}

/// Refuse when a file `apply` would change or move has uncommitted changes.
pub fn check(cwd: &Path, files: &[&Entry], moves: &Moves, preview: &Context) -> Result<()> {
    let dirty = dirty_files(cwd);
    if dirty.is_empty() {
        return Ok(());
    }
    let touched: Vec<String> = files
        .iter()
        .filter(|e| dirty.contains(&e.abs))
        .filter(|e| {
            moves.to.contains_key(&e.path)
                || matches!(preview.process(e), Outcome::Scanned(s) if !s.changes.is_empty())
        })
        .map(|e| e.path.display().to_string())
        .collect();
    if touched.is_empty() {
        return Ok(());
    }
    bail!(
        "refusing to apply: these files have uncommitted changes and would be rewritten: {}\n\
         commit or stash them first, or pass --allow-dirty",
        touched.join(", ")
    )
}
