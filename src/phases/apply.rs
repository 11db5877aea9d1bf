//! Phase 2 of `apply`: every file's new content staged beside it by the
//! worker that made it, then all put in place and the files moved, or
//! nothing written at all.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use super::{block_all, movement, size, Pass};
use crate::index::frozen::Frozen;
use crate::index::moves::Moves;
use crate::model::{Mode, Outcome};
use crate::output::{self, Printer, Summary};
use crate::parallel;
use crate::rewrite::{self, Context};
use crate::walk::{self, Entry};
use crate::write;

/// `apply`: every file's new content staged, then all put in place and
/// the files moved, or nothing written at all.
pub struct Apply<'a> {
    pub pass: Pass<'a>,
    pub shown: &'a [&'a Entry],
    pub frozen: &'a Frozen,
    /// Read-only files' outcomes, from pass 1, by path.
    pub read_only: BTreeMap<PathBuf, Outcome>,
    pub journal: PathBuf,
}

/// One file in `apply`: what the engine made of it, and its new content
/// written beside it (or why that failed).
struct Prepared {
    outcome: Outcome,
    staged: Option<Result<write::Staged, String>>,
}

impl Prepared {
    fn follows_a_move(&self) -> bool {
        matches!(&self.outcome, Outcome::Scanned(s) if s.changes.iter().any(|c| c.follows.is_some()))
    }
}

impl Apply<'_> {
    pub fn run(
        mut self,
        mut moves: Moves,
        printer: &mut Printer,
        summary: &mut Summary,
    ) -> Result<()> {
        self.remove_stale();
        let mut prepared = self.stage(&moves, |_| true)?;
        // A file that could not be read (or hit a bug) may import a module
        // that moves: no move is made, and the imports that followed one
        // are decided again.
        let failed = prepared.iter().flatten().find_map(|p| match &p.outcome {
            Outcome::Failed(message) => Some(message.clone()),
            _ => None,
        });
        if let (Some(message), false) = (failed, moves.to.is_empty()) {
            let why = format!("a file could not be processed ({message}), and may import it");
            block_all(&mut moves, &why);
            let again: Vec<bool> = prepared
                .iter()
                .map(|p| p.as_ref().is_some_and(Prepared::follows_a_move))
                .collect();
            let redone = self.stage(&moves, |i| again[i])?;
            for (slot, new) in prepared.iter_mut().zip(redone) {
                if new.is_some() {
                    *slot = new;
                }
            }
        }
        let unwritten: Vec<&String> = prepared
            .iter()
            .flatten()
            .filter_map(|p| p.staged.as_ref()?.as_ref().err())
            .collect();
        if !unwritten.is_empty() {
            for message in &unwritten {
                eprintln!("retrace: {message}");
            }
            // Dropping the staged files removes them.
            anyhow::bail!(
                "nothing was written: {} could not be staged, and a rename is made in all its files or none",
                match unwritten.len() {
                    1 => "1 file".to_string(),
                    n => format!("{n} files"),
                }
            );
        }
        let mut outcomes = Vec::with_capacity(prepared.len());
        let mut committed = true;
        for p in prepared {
            let outcome = match p {
                Some(Prepared {
                    outcome,
                    staged: Some(Ok(staged)),
                }) => match staged.commit() {
                    Ok(()) => Some(outcome),
                    Err(e) => {
                        committed = false;
                        Some(Outcome::Failed(format!("{e:#}")))
                    }
                },
                other => other.map(|p| p.outcome),
            };
            outcomes.push(outcome);
        }
        if committed {
            let stubs = self.pass.stubs(self.shown, &moves);
            write::moves::apply(&moves, &self.journal)?;
            self.leave_stubs(&stubs)?;
            if self.pass.compat == crate::rewrite::Compat::Drop {
                self.remove_stubs()?;
            }
        } else if !moves.to.is_empty() {
            eprintln!("retrace: no file was moved, as some could not be written");
            block_all(&mut moves, "not moved: some files could not be written");
        }
        for (entry, outcome) in self.shown.iter().zip(outcomes) {
            let outcome = outcome.or_else(|| self.read_only.remove(&entry.path));
            let outcome = outcome.unwrap_or(Outcome::Other);
            printer
                .file(&entry.path, movement(&moves, entry), &outcome, summary)
                .context("cannot write output")?;
        }
        Ok(())
    }

    /// Write the compat stubs at the old paths the moves left.
    fn leave_stubs(&self, stubs: &BTreeMap<PathBuf, String>) -> Result<()> {
        for (path, text) in stubs {
            // A directory that moved whole is made again for its stubs.
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("{}: cannot create directory", dir.display()))?;
            }
            write::atomic_new(path, text.as_bytes())?;
        }
        if !stubs.is_empty() {
            eprintln!(
                "retrace: left {} compat stub(s) at moved modules' old paths (`retrace apply --drop-compat` removes them)",
                stubs.len()
            );
        }
        Ok(())
    }

    /// `--drop-compat`: remove the compat stubs among the shown files.
    fn remove_stubs(&self) -> Result<()> {
        let mut removed = 0;
        for entry in self.shown.iter().filter(|e| e.lang.is_some()) {
            let text = std::fs::read_to_string(&entry.path).unwrap_or_default();
            if crate::model::is_compat_stub(&text) {
                std::fs::remove_file(&entry.path)
                    .with_context(|| format!("{}: cannot remove", entry.path.display()))?;
                removed += 1;
            }
        }
        if removed > 0 {
            eprintln!("retrace: removed {removed} compat stub(s)");
        }
        Ok(())
    }

    /// Process the shown files that `redo` picks (by index) and are not
    /// read-only, each new content staged by the worker that made it (so
    /// no text waits in memory): by index.
    fn stage(&self, moves: &Moves, redo: impl Fn(usize) -> bool) -> Result<Vec<Option<Prepared>>> {
        let context = Context::new(self.pass.rules, self.pass.project, moves, Mode::Apply)
            .with_frozen(self.frozen)
            .with_compat(self.pass.compat);
        let list: Vec<(usize, &Entry)> = self
            .shown
            .iter()
            .enumerate()
            .filter(|&(i, e)| redo(i) && !self.read_only.contains_key(&e.path))
            .map(|(i, e)| (i, *e))
            .collect();
        let mut out: Vec<Option<Prepared>> = (0..self.shown.len()).map(|_| None).collect();
        let progress = output::Progress::new(list.len());
        let size = |(_, e): &(usize, &Entry)| size(e);
        let work = |(_, e): &(usize, &Entry)| {
            let mut outcome = context.process(e);
            let staged = match &mut outcome {
                Outcome::Scanned(s) => s.rewrite.take().map(|r| {
                    rewrite::edit::apply(&r.text, &r.edits)
                        .and_then(|text| write::stage(&e.path, text.as_bytes()))
                        .map_err(|err| format!("{}: {err:#}", e.path.display()))
                }),
                _ => None,
            };
            progress.tick();
            Prepared { outcome, staged }
        };
        parallel::ordered(&list, self.pass.threads, size, work, |&(i, _), prepared| {
            out[i] = Some(prepared);
            Ok(())
        })?;
        progress.finish();
        Ok(out)
    }

    /// Temporary files an interrupted apply left beside the files this one
    /// may write: removed, and said.
    fn remove_stale(&self) {
        let mut dirs: Vec<&Path> = self
            .shown
            .iter()
            .filter(|e| matches!(e.seen, Some(walk::read::Seen::Hits(_))))
            .map(|e| {
                e.path
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or(Path::new("."))
            })
            .collect();
        dirs.sort();
        dirs.dedup();
        for dir in dirs {
            for file in write::remove_stale(dir) {
                eprintln!(
                    "retrace: removed {}, left by an interrupted apply",
                    file.display()
                );
            }
        }
    }
}
