//! Moving files: each by one rename, after every content is in place,
//! with a journal that lets the run after a kill finish the job.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use crate::index::moves::Moves;

/// Do the moves, in path order: each file by one rename (so a file is
/// always at exactly one path), creating directories as needed; then
/// remove directories the moves left empty. Those directories are
/// listed in `journal` before the first move and the journal removed
/// after the last, so a run killed in between leaves the next one the
/// list (`finish_interrupted`).
pub fn apply(moves: &Moves, journal: &Path) -> Result<()> {
    let ordered: BTreeMap<&PathBuf, &PathBuf> = moves.to.iter().collect();
    if ordered.is_empty() {
        return Ok(());
    }
    let mut left: Vec<PathBuf> = ordered
        .keys()
        .filter_map(|old| old.parent())
        .filter(|d| !d.as_os_str().is_empty())
        .filter_map(|d| std::path::absolute(d).ok())
        .collect();
    left.sort();
    left.dedup();
    let list: String = left.iter().map(|d| format!("{}\n", d.display())).collect();
    super::atomic_new(journal, list.as_bytes())?;
    for (old, new) in ordered {
        if let Some(dir) = new.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("{}: cannot create directory", dir.display()))?;
        }
        std::fs::rename(old, new)
            .with_context(|| format!("{}: cannot move to {}", old.display(), new.display()))?;
    }
    remove_emptied(left);
    std::fs::remove_file(journal)
        .with_context(|| format!("{}: cannot remove", journal.display()))?;
    Ok(())
}

/// Finish what a killed `apply` left: remove the directories its journal
/// lists that are empty now, and the journal. The directories removed.
pub fn finish_interrupted(journal: &Path) -> Vec<PathBuf> {
    let Ok(list) = std::fs::read_to_string(journal) else {
        return Vec::new();
    };
    let removed = remove_emptied(list.lines().map(PathBuf::from).collect());
    let _ = std::fs::remove_file(journal);
    removed
}

/// Remove each of `dirs` that is empty, and then its parents that are
/// left empty, deepest first; the directories removed.
fn remove_emptied(mut dirs: Vec<PathBuf>) -> Vec<PathBuf> {
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    dirs.dedup();
    let mut removed = Vec::new();
    for dir in dirs {
        let mut d = Some(dir.as_path());
        while let Some(here) = d.filter(|p| !p.as_os_str().is_empty()) {
            if std::fs::remove_dir(here).is_err() {
                break;
            }
            removed.push(here.to_path_buf());
            d = here.parent();
        }
    }
    removed
}
