//! File moves: a file or directory whose name holds a renamed word moves
//! with it (`session.py` → `trace.py`, `sessions/` → `traces/`,
//! `[sessionId]/` → `[traceId]/`).
//!
//! Moves are planned for the whole run before any content is edited, so
//! every file knows where every other goes. Directory components move for
//! every file below them; a file's own name moves only for the five
//! languages. A move onto an existing path, or two moves onto one path,
//! is not done and is reported as a collision.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, Result};

use crate::case;
use crate::decide::Matcher;
use crate::rules::{Class, Rules};
use crate::walk::Entry;

/// The planned moves of one run.
#[derive(Debug, Default)]
pub struct Moves {
    /// Old path → new path (display paths), for moves that will be done.
    pub to: HashMap<PathBuf, PathBuf>,
    /// Old path → (new path, why not), for moves that will not.
    pub collisions: BTreeMap<PathBuf, (PathBuf, String)>,
}

impl Moves {
    pub fn plan(files: &[Entry], rules: &Rules) -> Moves {
        let prefilter = rules.prefilter();
        let mut wanted: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
        // Most paths hold no needle and cannot move.
        let candidates = files
            .iter()
            .filter(|e| prefilter.is_match(e.path.as_os_str().as_encoded_bytes()));
        for entry in candidates {
            if let Some(new) = new_path(entry, rules) {
                wanted.insert(entry.path.clone(), new);
            }
        }
        let mut targets: HashMap<&PathBuf, usize> = HashMap::new();
        for new in wanted.values() {
            *targets.entry(new).or_default() += 1;
        }
        let sources: HashSet<&PathBuf> = wanted.keys().collect();
        let mut moves = Moves::default();
        for (old, new) in &wanted {
            let why = if targets[new] > 1 {
                Some(format!(
                    "{} files would move to {}",
                    targets[new],
                    new.display()
                ))
            } else if new.symlink_metadata().is_ok() && !sources.contains(new) {
                Some(format!("{} exists", new.display()))
            } else {
                None
            };
            match why {
                Some(why) => {
                    moves.collisions.insert(old.clone(), (new.clone(), why));
                }
                None => {
                    moves.to.insert(old.clone(), new.clone());
                }
            }
        }
        moves
    }

    /// Why an import of `module` (as a path: `agentops/session`,
    /// `lib/sessions`) cannot follow its target: that target's move collided.
    pub fn blocked(&self, module: &str) -> Option<&str> {
        let module = module.trim_matches('/');
        if module.is_empty() {
            return None;
        }
        self.collisions.iter().find_map(|(old, (_, why))| {
            let stem = strip_module_suffix(old);
            let hit = stem == module || stem.ends_with(&format!("/{module}"));
            hit.then_some(why.as_str())
        })
    }

    /// Do the moves, in path order: each file by one rename (so a file is
    /// always at exactly one path), creating directories as needed; then
    /// remove directories the moves left empty.
    pub fn apply(&self) -> Result<()> {
        let ordered: BTreeMap<&PathBuf, &PathBuf> = self.to.iter().collect();
        let mut left = Vec::new();
        for (old, new) in ordered {
            if let Some(dir) = new.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("{}: cannot create directory", dir.display()))?;
            }
            std::fs::rename(old, new)
                .with_context(|| format!("{}: cannot move to {}", old.display(), new.display()))?;
            left.extend(old.parent().map(Path::to_path_buf));
        }
        // Deepest first, so a parent empties after its children go.
        left.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
        left.dedup();
        for dir in left {
            let mut d = Some(dir.as_path());
            while let Some(here) = d.filter(|p| !p.as_os_str().is_empty()) {
                if std::fs::remove_dir(here).is_err() {
                    break;
                }
                d = here.parent();
            }
        }
        Ok(())
    }
}

/// `a/b/session.py` → `a/b/session`; `a/session/__init__.py` → `a/session`;
/// `lib/sessions/index.ts` → `lib/sessions`.
fn strip_module_suffix(path: &Path) -> String {
    let mut s = path.with_extension("").to_string_lossy().replace('\\', "/");
    for tail in ["/__init__", "/index"] {
        if let Some(stripped) = s.strip_suffix(tail) {
            s = stripped.to_string();
        }
    }
    if let Some(stripped) = s.strip_suffix(".d") {
        s = stripped.to_string();
    }
    s
}

/// Where the rules move this file, if anywhere.
fn new_path(entry: &Entry, rules: &Rules) -> Option<PathBuf> {
    let matcher = Matcher::for_file(rules, &entry.abs);
    let parts: Vec<Component> = entry.path.components().collect();
    let last = parts.len().checked_sub(1)?;
    let mut out = PathBuf::new();
    let mut moved = false;
    for (i, part) in parts.iter().enumerate() {
        let Component::Normal(name) = part else {
            out.push(part);
            continue;
        };
        let name = name.to_str()?;
        let movable = i >= entry.fixed && (i < last || entry.lang.is_some());
        let new = if movable {
            rename_component(&matcher, name)
        } else {
            None
        };
        moved |= new.is_some();
        out.push(new.as_deref().unwrap_or(name));
    }
    let kept = entry.lang.is_some() && keeps_file(&entry.path);
    (moved && !kept).then_some(out)
}

/// A path component with every word the rules rename as code renamed
/// (`[sessionId]` → `[traceId]`, `session.test.ts` → `trace.test.ts`).
pub fn rename_component(matcher: &Matcher, name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len());
    let mut last = 0;
    for token in case::tokens(name) {
        let outcome = matcher.map(&name[token.clone()], Class::Code);
        if outcome.changed() {
            out.push_str(&name[last..token.start]);
            out.push_str(&outcome.new);
            last = token.end;
        }
    }
    if last == 0 {
        return None;
    }
    out.push_str(&name[last..]);
    Some(out)
}

/// `retrace: keep-file` near the top: the file neither changes nor moves.
fn keeps_file(path: &Path) -> bool {
    use std::io::{BufRead, BufReader};
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let head: Vec<String> = BufReader::new(file)
        .lines()
        .take(5)
        .map_while(|l| l.ok())
        .collect();
    crate::read::keeps_file(&head.join("\n"))
}
