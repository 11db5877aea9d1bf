//! File moves: a file or directory whose name holds a renamed word moves
//! with it (`session.py` → `trace.py`, `sessions/` → `traces/`,
//! `[sessionId]/` → `[traceId]/`).
//!
//! Moves are planned for the whole run before any content is edited, so
//! every file knows where every other goes. Directory components move for
//! every file below them; a file's own name moves only for the five
//! languages. A move onto an existing path, or two moves onto one path,
//! is not done and is reported as a collision. Migration history never
//! moves (`history`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use super::history::History;
use super::routes;
use crate::config::case;
use crate::config::matcher::Matcher;
use crate::config::Rules;
use crate::model::Class;
use crate::walk::Entry;

/// The planned moves of one run.
#[derive(Debug, Default)]
pub struct Moves {
    /// Old path → new path (display paths), for moves that will be done.
    pub to: HashMap<PathBuf, PathBuf>,
    /// Old path → (new path, why not), for moves that will not.
    pub collisions: BTreeMap<PathBuf, (PathBuf, String)>,
    /// Old path → what moves with it (`unit`): blocked together.
    units: HashMap<PathBuf, PathBuf>,
    /// Module path an import may write (`agentops/session`, `session`) →
    /// the old paths it names, sorted: every run of path segments of every
    /// planned move's module path, so an import looks its module up once
    /// instead of comparing it with every move.
    by_module: HashMap<String, Vec<PathBuf>>,
    /// Planned moves of Next.js routes that change their URL: old path →
    /// old URL (`index::routes`), moved or blocked.
    pub urls: Vec<(PathBuf, Vec<routes::Segment>)>,
    /// Old paths whose move is not made because a link's other end
    /// cannot follow it (`block_linked`).
    linked: HashSet<PathBuf>,
}

impl Moves {
    pub fn plan(files: &[Entry], rules: &Rules, history: &History) -> Moves {
        let prefilter = rules.prefilter();
        let mut wanted: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
        // What would move with a history file, and the first such file.
        let mut with_history: BTreeMap<PathBuf, &Path> = BTreeMap::new();
        // Most paths hold no needle and cannot move.
        let candidates = files
            .iter()
            .filter(|e| prefilter.is_match(e.path.as_os_str().as_encoded_bytes()));
        for entry in candidates {
            let Some(new) = new_path(entry, rules) else {
                continue;
            };
            match history.contains(entry) {
                true => {
                    let unit = unit(&entry.path, &new);
                    with_history.entry(unit).or_insert(&entry.path);
                }
                false => {
                    wanted.insert(entry.path.clone(), new);
                }
            }
        }
        let mut targets: HashMap<&PathBuf, usize> = HashMap::new();
        for new in wanted.values() {
            *targets.entry(new).or_default() += 1;
        }
        let sources: HashSet<&Path> = wanted.keys().map(PathBuf::as_path).collect();
        // A directory moves whole or not at all: the first reason any of
        // its files cannot move holds for all of them.
        let mut why_not: BTreeMap<PathBuf, String> = BTreeMap::new();
        // History never moves, so neither does a renamed directory that
        // holds some (`sessions/` holding `sessions/migrations/`): moving
        // the rest without it would be half a move, the directory split
        // in two. The move is reported instead, as other moves that
        // cannot be made whole are.
        for (unit, file) in with_history {
            let why = format!("{} is migration history, which never moves", file.display());
            why_not.insert(unit, why);
        }
        for (old, new) in &wanted {
            let why = if targets[new] > 1 {
                Some(format!(
                    "{} files would move to {}",
                    targets[new],
                    new.display()
                ))
            } else if new.symlink_metadata().is_ok() && !sources.contains(new.as_path()) {
                Some(format!("{} exists", new.display()))
            } else {
                rival(old, new, &sources).map(|r| {
                    let slash = if r.is_dir() { "/" } else { "" };
                    format!(
                        "{}{slash} exists, and imports would find one module in place of the other",
                        r.display()
                    )
                })
            };
            if let Some(why) = why {
                why_not.entry(unit(old, new)).or_insert(why);
            }
        }
        let mut moves = Moves::default();
        for (old, new) in wanted {
            let unit = unit(&old, &new);
            moves.units.insert(old.clone(), unit.clone());
            if let Some(url) = routes::changed(&old, &new) {
                moves.urls.push((old.clone(), url));
            }
            for module in module_names(&old) {
                moves.by_module.entry(module).or_default().push(old.clone());
            }
            match why_not.get(&unit) {
                Some(why) => {
                    moves.collisions.insert(old, (new, why.clone()));
                }
                None => {
                    moves.to.insert(old, new);
                }
            }
        }
        moves
    }

    /// Why an import of `module` (as a path: `agentops/session`,
    /// `lib/sessions`) cannot follow its target: that target's move collided.
    pub fn blocked(&self, module: &str) -> Option<&str> {
        self.named_by(module)
            .find_map(|old| self.collisions.get(old))
            .map(|(_, why)| why.as_str())
    }

    /// The move an import of `module` follows: the old path of a file it
    /// names (the module, or one in its package) when that file moves.
    pub fn followed(&self, module: &str) -> Option<&Path> {
        self.named_by(module)
            .find(|old| self.to.contains_key(*old))
            .map(PathBuf::as_path)
    }

    /// The planned moves' old paths that `module` names, in order.
    fn named_by(&self, module: &str) -> impl Iterator<Item = &PathBuf> {
        let names = self.by_module.get(module.trim_matches('/'));
        names.into_iter().flatten()
    }

    /// Do not make the move of `old`, nor of what moves with it (its
    /// directory's other files), nor their imports' renames, for `why`.
    pub fn block(&mut self, old: &Path, why: String) {
        self.block_as(old, why, false);
    }

    /// `block`, where the reason is a link whose other end stays (a URL
    /// that names a route): reported as `linked`, not as a collision.
    pub fn block_linked(&mut self, old: &Path, why: String) {
        self.block_as(old, why, true);
    }

    /// What moves together with `old`: its outermost renamed directory,
    /// or itself.
    pub fn unit_of(&self, old: &Path) -> Option<&Path> {
        self.units.get(old).map(PathBuf::as_path)
    }

    /// Is the move of `old` not made because of a link?
    pub fn is_linked(&self, old: &Path) -> bool {
        self.linked.contains(old)
    }

    fn block_as(&mut self, old: &Path, why: String, linked: bool) {
        let Some(unit) = self.units.get(old).cloned() else {
            return;
        };
        let together: Vec<PathBuf> = self
            .to
            .keys()
            .filter(|o| self.units.get(*o) == Some(&unit))
            .cloned()
            .collect();
        for o in together {
            if let Some(new) = self.to.remove(&o) {
                if linked {
                    self.linked.insert(o.clone());
                }
                self.collisions.insert(o, (new, why.clone()));
            }
        }
    }
}

/// What moves together with the file `old` → `new`: its outermost
/// renamed directory, or the file alone when only its name changes.
fn unit(old: &Path, new: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    let parts: Vec<Component> = old.components().collect();
    for (i, (a, b)) in parts.iter().zip(new.components()).enumerate() {
        out.push(a);
        if *a != b && i + 1 < parts.len() {
            return out;
        }
    }
    old.to_path_buf()
}

/// The extensions under which a module is found, by language family
/// (`x.py`; `x.ts`, `x.d.ts`, `x.js` … for `./x`), longest first.
const PYTHON_EXTENSIONS: [&str; 2] = ["py", "pyi"];
const JS_EXTENSIONS: [&str; 9] = ["d.ts", "ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs"];

/// The extensions of the family of the module file at `path`.
fn family(path: &Path) -> &'static [&'static str] {
    match path.extension().and_then(|e| e.to_str()) {
        Some("py" | "pyi") => &PYTHON_EXTENSIONS,
        _ => &JS_EXTENSIONS,
    }
}

/// An existing path that imports would confuse with a module this move
/// creates: for each renamed component of `new`, a module file or package
/// of the same name that stays where it is (`pkg/trace/` beside a new
/// `pkg/trace.py`, which Python prefers; `web/trace/index.ts` beside a new
/// `web/trace.ts`, which `./trace` would then find instead).
fn rival(old: &Path, new: &Path, sources: &HashSet<&Path>) -> Option<PathBuf> {
    let parts: Vec<Component> = new.components().collect();
    let mut prefix = PathBuf::new();
    for (i, (a, b)) in old.components().zip(&parts).enumerate() {
        prefix.push(b);
        if a == *b {
            continue;
        }
        let stem = match i + 1 == parts.len() {
            true => module_stem(&prefix)?,
            false => prefix.clone(),
        };
        let mut candidates: Vec<PathBuf> = family(new)
            .iter()
            .map(|ext| PathBuf::from(format!("{}.{ext}", stem.display())))
            .collect();
        if i + 1 == parts.len() {
            candidates.push(stem.clone());
        }
        let found = candidates.into_iter().find(|c| {
            *c != prefix
                && !sources.contains(c.as_path())
                && match c.is_dir() {
                    true => is_package(c, family(new)),
                    false => c.symlink_metadata().is_ok(),
                }
        });
        if found.is_some() {
            return found;
        }
    }
    None
}

/// `lib/trace.d.ts` → `lib/trace`: a module file's path without its
/// extension; None for other files.
fn module_stem(path: &Path) -> Option<PathBuf> {
    let name = path.to_str()?;
    family(path)
        .iter()
        .find_map(|ext| name.strip_suffix(&format!(".{ext}")).map(PathBuf::from))
}

/// A directory an import of its name resolves to: a Python package or a
/// TypeScript/JavaScript directory module.
fn is_package(dir: &Path, extensions: &[&str]) -> bool {
    if extensions == PYTHON_EXTENSIONS {
        return dir.join("__init__.py").is_file();
    }
    dir.join("package.json").is_file()
        || extensions
            .iter()
            .any(|ext| dir.join(format!("index.{ext}")).is_file())
}

/// The module paths that name the file at `old` (`a/session.py`: `a`,
/// `a/session`, `session`): every run of segments of its module path. An
/// import of any of them is of the module or of a file in its package
/// (`a`, a prefix), or may be, relative to where it is (a suffix).
fn module_names(old: &Path) -> Vec<String> {
    let stem = strip_module_suffix(old);
    let segments: Vec<&str> = stem.split('/').collect();
    let mut names = Vec::new();
    for start in 0..segments.len() {
        for end in start + 1..=segments.len() {
            let name = segments[start..end].join("/");
            if !name.is_empty() {
                names.push(name);
            }
        }
    }
    names
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
        let movable = i >= entry.root_parts && (i < last || entry.lang.is_some());
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
    // A compat stub stays at the old path it was left at.
    let head = head.join("\n");
    crate::model::is_compat_stub(&head) || crate::walk::read::keeps_file(&head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_module_is_named_by_every_run_of_its_segments() {
        let mut names = module_names(Path::new("src/pkg/session/__init__.py"));
        names.sort();
        let want = [
            "pkg",
            "pkg/session",
            "session",
            "src",
            "src/pkg",
            "src/pkg/session",
        ];
        assert_eq!(names, want);
        let names = module_names(Path::new("web/lib/sessions/index.ts"));
        assert!(names.contains(&"lib/sessions".to_string()));
        assert!(!names.iter().any(|n| n.contains("index")));
    }
}
