//! The two phases over files, once the project is walked. Phase 1 reads
//! what the files this run does not change would rename (`read_frozen`):
//! those names stay everywhere, and moves their imports follow are not
//! made. Phase 2 decides every file under the PATHs: scanned and printed
//! as each is done (`check`, `diff`), or staged and written all at once
//! (`apply`).

mod apply;
pub mod survey;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

pub use apply::Apply;

use crate::config::Rules;
use crate::index::definers::{self, Definer, Definers};
use crate::index::frozen::{Frozen, Held, Why};
use crate::index::history::History;
use crate::index::moves::Moves;
use crate::index::project::Project;
use crate::model::{Class, Mode, Movement, Outcome, Reason, Scanned};
use crate::output::{self, Printer, Summary};
use crate::parallel;
use crate::rewrite::Context;
use crate::walk::{self, Entry};

/// The files with hits this run reads but does not change, by index, and
/// why: those outside the PATHs given, migration history, and in `apply`
/// read-only ones.
pub fn held_files(
    files: &[Entry],
    mode: Mode,
    force_readonly: bool,
    history: &History,
) -> BTreeMap<usize, Why> {
    let mut held = BTreeMap::new();
    for (i, e) in files.iter().enumerate() {
        if !matches!(e.seen, Some(walk::read::Seen::Hits(_))) {
            continue;
        }
        let read_only = || std::fs::metadata(&e.path).is_ok_and(|m| m.permissions().readonly());
        if e.named.is_none() {
            held.insert(i, Why::NotNamed);
        } else if history.contains(e) {
            held.insert(i, Why::History);
        } else if mode == Mode::Apply && !force_readonly && read_only() {
            held.insert(i, Why::ReadOnly);
        }
    }
    held
}

/// Moves this run cannot make: of files outside the PATHs given (and
/// read-only ones), and of a directory given as a PATH itself.
pub fn block_fixed_moves(files: &[Entry], held: &BTreeMap<usize, Why>, moves: &mut Moves) {
    let mut blocked = Vec::new();
    for (i, e) in files.iter().enumerate() {
        let Some(new) = moves.to.get(&e.path) else {
            continue;
        };
        let why = match (e.named, held.get(&i)) {
            (None, _) => Some(format!("{} {}", e.path.display(), Why::NotNamed)),
            (Some(_), Some(why)) => Some(format!("{} {why}", e.path.display())),
            (Some(fixed), None) => {
                let moved = e
                    .path
                    .components()
                    .zip(new.components())
                    .position(|(a, b)| a != b);
                moved.filter(|&at| at < fixed).map(|_| {
                    format!(
                        "{} would move a PATH given itself; give its parent to move it",
                        e.path.display()
                    )
                })
            }
        };
        blocked.extend(why.map(|why| (e.path.clone(), why)));
    }
    for (old, why) in blocked {
        moves.block(&old, why);
    }
}

/// What every pass over files shares.
#[derive(Clone, Copy)]
pub struct Pass<'r> {
    pub rules: &'r Rules,
    pub project: &'r Project,
    pub threads: usize,
    /// The project's root: Python modules are named from it.
    pub root: &'r Path,
    /// Compatibility code written, dropped, or neither.
    pub compat: crate::rewrite::Compat,
}

/// Files with hits are the ones that take time: the biggest start first.
pub(crate) fn size(e: &&Entry) -> u64 {
    match e.seen {
        Some(walk::read::Seen::Hits(bytes)) => bytes,
        _ => 0,
    }
}

impl Pass<'_> {
    /// Pass 1: what the files this run does not change would rename. The
    /// names they would rename stay everywhere (`Frozen`), the moves their
    /// imports follow are not made, and a read-only file that would
    /// change is reported: its outcome, by index, as a failure.
    pub fn read_frozen(
        &self,
        files: &[Entry],
        held: &BTreeMap<usize, Why>,
        moves: &mut Moves,
    ) -> Result<(Frozen, BTreeMap<PathBuf, Outcome>)> {
        let mut frozen = Frozen::default();
        let mut read_only = BTreeMap::new();
        let mut follows: BTreeMap<PathBuf, Held> = BTreeMap::new();
        let list: Vec<(usize, &Entry)> = held.keys().map(|&i| (i, &files[i])).collect();
        {
            let context = Context::new(self.rules, self.project, moves, Mode::Check);
            let size = |(_, e): &(usize, &Entry)| size(e);
            let work = |(_, e): &(usize, &Entry)| context.process(e);
            parallel::ordered(&list, self.threads, size, work, |&(i, e), outcome| {
                let why = held[&i];
                if let (Outcome::Scanned(s), Some(lang)) = (&outcome, e.lang) {
                    let defined = s.defines.iter();
                    let defined =
                        defined.map(|d| Definer::new(d, &e.path, &e.abs, lang, self.root));
                    frozen.defined.extend(defined);
                }
                if let Outcome::Scanned(s) = &outcome {
                    if self.project.history.contains(e) {
                        self.hold_history(e, s, &mut frozen, &mut follows);
                    }
                    for c in &s.changes {
                        if c.class != Class::Comment {
                            frozen.add(&c.old, &e.path, why);
                        }
                        if let Some(old) = &c.follows {
                            let held = Held {
                                file: e.path.clone(),
                                why,
                            };
                            follows.entry(old.clone()).or_insert(held);
                        }
                    }
                    if why == Why::ReadOnly && !s.changes.is_empty() {
                        let message = format!(
                            "{}: read-only, so {} renames are not made (--force-readonly makes them)",
                            e.path.display(),
                            s.changes.len()
                        );
                        read_only.insert(e.path.clone(), Outcome::Failed(message));
                    }
                }
                if why == Why::ReadOnly && !read_only.contains_key(&e.path) {
                    read_only.insert(e.path.clone(), outcome);
                }
                Ok(())
            })?;
        }
        for (old, held) in follows {
            moves.block(&old, format!("{held}, imports it"));
        }
        Ok((frozen, read_only))
    }

    /// What a history file holds back, being never rewritten: the moves
    /// its imports follow, and the project's names it imports (`from
    /// app.kinds import SessionKind`), which stay everywhere. The other
    /// names it spells are renamed elsewhere: a schema changes by a new
    /// migration, not by rewriting the applied ones.
    fn hold_history(
        &self,
        e: &Entry,
        s: &Scanned,
        frozen: &mut Frozen,
        follows: &mut BTreeMap<PathBuf, Held>,
    ) {
        let held = Held {
            file: e.path.clone(),
            why: Why::History,
        };
        let kept = s.kept.iter().filter(|k| k.reason == Some(Reason::History));
        for old in kept.filter_map(|k| k.follows.as_ref()) {
            follows.entry(old.clone()).or_insert_with(|| held.clone());
        }
        let (Some(lang), Ok(text)) = (e.lang, std::fs::read_to_string(&e.abs)) else {
            return;
        };
        let worded = |n: &str| self.rules.prefilter().is_match(n.as_bytes());
        for import in definers::imports(lang, &text, &worded) {
            if !self.project.third_party(lang, &import.module, &e.abs) {
                frozen.add(&import.original, &e.path, Why::History);
            }
        }
    }

    /// `check` and `diff`: each file's outcome printed as soon as it and
    /// every file before it are done.
    pub fn scan(
        &self,
        shown: &[&Entry],
        moves: &Moves,
        frozen: &Frozen,
        printer: &mut Printer,
        summary: &mut Summary,
    ) -> Result<()> {
        let mode = printer.mode();
        let stubs = match mode {
            Mode::Diff => self.stubs(shown, moves),
            _ => BTreeMap::new(),
        };
        let context = Context::new(self.rules, self.project, moves, mode)
            .with_frozen(frozen)
            .with_compat(self.compat);
        let progress = output::Progress::new(shown.len());
        let work = |e: &&Entry| {
            let outcome = context.process(e);
            progress.tick();
            outcome
        };
        let mut definers = Definers::default();
        for d in &frozen.defined {
            definers.add(d.clone());
        }
        parallel::ordered(shown, self.threads, size, work, |entry, outcome| {
            if let (Outcome::Scanned(s), Some(lang)) = (&outcome, entry.lang) {
                for d in &s.defines {
                    definers.add(Definer::new(d, &entry.path, &entry.abs, lang, self.root));
                }
            }
            printer
                .file(&entry.path, movement(moves, entry), &outcome, summary)
                .context("cannot write output")?;
            match stubs.get(&entry.path) {
                Some(text) => printer
                    .new_file(&entry.path, text)
                    .context("cannot write output"),
                None => Ok(()),
            }
        })?;
        progress.finish();
        // Two first-party definitions of one renamed name: said once, in
        // the summary, until the rules decide which one they mean.
        summary.ambiguous = survey::undecided(self.rules, &definers);
        Ok(())
    }
}

impl Pass<'_> {
    /// The compat stubs the moves of `shown` files leave at their old
    /// paths, by old path (none unless the run writes compatibility code).
    pub fn stubs(&self, shown: &[&Entry], moves: &Moves) -> BTreeMap<PathBuf, String> {
        if self.compat != crate::rewrite::Compat::Aliases {
            return BTreeMap::new();
        }
        let stub = |e: &&Entry| {
            let new = moves.to.get(&e.path)?;
            let text = crate::rewrite::compat::stub(e.lang?, &e.path, new, &e.abs, self.root)?;
            Some((e.path.clone(), text))
        };
        shown.iter().filter_map(stub).collect()
    }
}

/// Make none of the planned moves, for `why`.
pub(crate) fn block_all(moves: &mut Moves, why: &str) {
    let planned: Vec<PathBuf> = moves.to.keys().cloned().collect();
    for old in planned {
        moves.block(&old, why.to_string());
    }
}

/// What happens to a file's path.
pub(crate) fn movement<'m>(moves: &'m Moves, entry: &Entry) -> Movement<'m> {
    match (moves.to.get(&entry.path), moves.collisions.get(&entry.path)) {
        (Some(new), _) => Movement::To(new),
        (None, Some((new, why))) if moves.is_linked(&entry.path) => Movement::Linked(new, why),
        (None, Some((new, why))) => Movement::Blocked(new, why),
        (None, None) => Movement::Stays,
    }
}
