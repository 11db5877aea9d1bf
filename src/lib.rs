//! retrace: a codemod for terminology migrations across polyglot
//! repositories. `run` is the whole program: options → rules → walk the
//! project → plan the moves → read the files this run does not change →
//! per-file engine (in parallel) → report in path order. `apply` stages
//! every write beside its file first, and puts them in place, then moves
//! files, only when all were staged.

pub mod analyze;
pub mod cli;
pub mod config;
pub mod index;
pub mod lang;
pub mod model;
pub mod output;
mod parallel;
pub mod rewrite;
/// The rules' old home, where the lexers and classifiers still look.
pub use config as rules;
/// The module tree's old home, where the classifiers and scopes still look.
pub use index::project;
pub mod scope;
pub mod walk;
pub mod write;

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result};

use crate::cli::{Cli, Command, Options};
use crate::config::Rules;
use crate::index::frozen::{Frozen, Held, Why};
use crate::index::moves::Moves;
use crate::index::project::Project;
use crate::model::{Class, Mode, Movement, Outcome};
use crate::output::{Printer, Summary};
use crate::rewrite::Context;
use crate::walk::Entry;

pub fn run(cli: Cli) -> Result<ExitCode> {
    // Generated from the clap definitions, so they never drift from the CLI.
    match &cli.command {
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut command, "retrace", &mut out);
            return print(&out);
        }
        Command::Man => {
            let man = clap_mangen::Man::new(<Cli as clap::CommandFactory>::command());
            let mut out = Vec::new();
            man.render(&mut out).context("cannot write the man page")?;
            return print(&out);
        }
        _ => {}
    }
    let options = Options::from_cli(cli, std::io::stdout().is_terminal())?;
    // Threads are started by each stage that uses them. (Rayon's pool serves
    // only the interactive review: started early, its idle threads would
    // spin on the cores the walk needs.)
    let threads = options
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let paths = options.paths();
    let start = match &options.command {
        Command::Explain { .. } | Command::Rules => Path::new("."),
        _ => paths[0].as_path(),
    };
    let sources = rules::discover(&options.rules, start, &cwd);
    let rules = rules::load(&sources)?;
    if rules.renames.is_empty() {
        eprintln!(
            "retrace: the rules ({}) hold no [[rename]], so nothing is renamed; \
             a retrace.toml replaces the bundled rules: start it from a copy of \
             rules/session-to-trace.toml",
            rules.sources[1..].join(", ")
        );
    }
    let mode = match &options.command {
        Command::Diff { .. } => Mode::Diff,
        Command::Apply { .. } => Mode::Apply,
        Command::Check { .. } => Mode::Check,
        Command::Explain { names } => {
            return print(output::explain::names(&rules, names).as_bytes())
        }
        Command::Rules => return print(output::explain::rules(&rules).as_bytes()),
        Command::Completions { .. } | Command::Man => unreachable!("handled above"),
    };

    // The project is the whole repository, whatever PATHs are given.
    let absolute: Vec<PathBuf> = paths.iter().map(|p| walk::absolute(&cwd, p)).collect();
    let rules_dir = match (&sources[..], options.rules.is_empty()) {
        ([rules::Source::File { base, .. }], true) => Some(base.as_path()),
        _ => None,
    };
    let root = walk::project_root(&absolute, rules_dir);
    // One apply at a time, from before the walk reads anything.
    let lock = match mode {
        Mode::Apply => Some(write::lock::Lock::acquire(&root)?),
        _ => None,
    };
    if let Some(lock) = &lock {
        for dir in write::moves::finish_interrupted(&lock.journal()) {
            eprintln!(
                "retrace: removed {}, left empty by an interrupted apply",
                dir.display()
            );
        }
    }
    let walked = walk::walk(&root, &paths, &rules, &cwd, threads);
    let mut summary = Summary::default();
    for e in &walked.errors {
        eprintln!("retrace: {e}");
    }
    summary.errors += walked.errors.len();
    summary
        .skipped
        .extend(walked.skipped.iter().map(|(k, n)| (*k, *n)));
    let project = Project::new(&walked.files, &rules);
    // Every move is known before any content changes, so imports can follow.
    let mut moves = Moves::plan(&walked.files, &rules);
    let force_readonly = matches!(
        options.command,
        Command::Apply {
            force_readonly: true,
            ..
        }
    );
    let held = held_files(&walked.files, mode, force_readonly);
    block_fixed_moves(&walked.files, &held, &mut moves);
    let pass = Pass {
        rules: &rules,
        project: &project,
        threads,
    };
    let (frozen, read_only) = pass.read_frozen(&walked.files, &held, &mut moves)?;
    let shown: Vec<&Entry> = walked.files.iter().filter(|e| e.named.is_some()).collect();
    if let Command::Apply {
        allow_dirty: false, ..
    } = options.command
    {
        let preview = Context::new(&rules, &project, &moves, Mode::Check).with_frozen(&frozen);
        write::guard::check(&cwd, &shown, &moves, &preview)?;
    }
    let mut printer = Printer::new(options.format, options.color, options.verbose, mode);
    printer.diff_root = Some((root.clone(), cwd.clone()));
    if let Command::Apply {
        interactive: true, ..
    } = options.command
    {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
            .context("cannot start the worker threads")?;
        let files: Vec<Entry> = shown.into_iter().cloned().collect();
        let journal = lock
            .as_ref()
            .map(write::lock::Lock::journal)
            .unwrap_or_default();
        output::review::run(
            &files,
            &rules,
            &project,
            &frozen,
            moves,
            options.color,
            &journal,
        )?;
        return Ok(exit_code(walked.errors.len(), false));
    }
    let (baseline, write_baseline) = match &options.command {
        Command::Check {
            baseline,
            write_baseline,
            ..
        } => (
            baseline
                .clone()
                .or_else(|| rules.baseline.clone().filter(|b| b.exists())),
            write_baseline.clone(),
        ),
        _ => (None, None),
    };
    if let (Some(file), None) = (&baseline, &write_baseline) {
        printer.baseline = Some(output::baseline::Baseline::read(file)?);
    }
    if write_baseline.is_some() {
        printer.collected = Some(Vec::new());
    }
    match (mode, &lock) {
        (Mode::Apply, Some(lock)) => {
            let apply = Apply {
                pass,
                shown: &shown,
                frozen: &frozen,
                read_only,
                journal: lock.journal(),
            };
            apply.run(moves, &mut printer, &mut summary)?;
        }
        _ => pass.scan(&shown, &moves, &frozen, &mut printer, &mut summary)?,
    }
    printer.finish(&summary).context("cannot write output")?;
    if let (Some(file), Some(entries)) = (&write_baseline, printer.collected.take()) {
        let count = entries.len();
        output::baseline::write(file, entries)?;
        eprintln!("retrace: recorded {count} findings in {}", file.display());
        return Ok(exit_code(summary.errors, false));
    }
    let pending = match printer.baseline {
        Some(_) => summary.new_findings,
        None => summary.rename_count() + summary.finding_count() + summary.moves,
    };
    // The process ends with this run: the operating system takes back its
    // memory at once, where freeing what the run built (a few allocations
    // per file walked) piece by piece would take about a millisecond.
    std::mem::forget((project, walked, rules));
    Ok(exit_code(
        summary.errors,
        mode == Mode::Check && pending > 0,
    ))
}

/// 2 when anything failed, else 1 when `check` found something, else 0.
fn exit_code(errors: usize, found: bool) -> ExitCode {
    match (errors, found) {
        (0, false) => ExitCode::SUCCESS,
        (0, true) => ExitCode::from(1),
        _ => ExitCode::from(2),
    }
}

/// Write `bytes` to standard output.
fn print(bytes: &[u8]) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .context("cannot write output")?;
    Ok(ExitCode::SUCCESS)
}

/// The files with hits this run reads but does not change, by index, and
/// why: those outside the PATHs given, and in `apply` read-only ones.
fn held_files(files: &[Entry], mode: Mode, force_readonly: bool) -> BTreeMap<usize, Why> {
    let mut held = BTreeMap::new();
    for (i, e) in files.iter().enumerate() {
        if !matches!(e.seen, Some(walk::read::Seen::Hits(_))) {
            continue;
        }
        let read_only = || std::fs::metadata(&e.path).is_ok_and(|m| m.permissions().readonly());
        if e.named.is_none() {
            held.insert(i, Why::NotNamed);
        } else if mode == Mode::Apply && !force_readonly && read_only() {
            held.insert(i, Why::ReadOnly);
        }
    }
    held
}

/// Moves this run cannot make: of files outside the PATHs given (and
/// read-only ones), and of a directory given as a PATH itself.
fn block_fixed_moves(files: &[Entry], held: &BTreeMap<usize, Why>, moves: &mut Moves) {
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
struct Pass<'r> {
    rules: &'r Rules,
    project: &'r Project,
    threads: usize,
}

/// Files with hits are the ones that take time: the biggest start first.
fn size(e: &&Entry) -> u64 {
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
    fn read_frozen(
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
                if let Outcome::Scanned(s) = &outcome {
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

    /// `check` and `diff`: each file's outcome printed as soon as it and
    /// every file before it are done.
    fn scan(
        &self,
        shown: &[&Entry],
        moves: &Moves,
        frozen: &Frozen,
        printer: &mut Printer,
        summary: &mut Summary,
    ) -> Result<()> {
        let mode = printer.mode();
        let context = Context::new(self.rules, self.project, moves, mode).with_frozen(frozen);
        let progress = output::Progress::new(shown.len());
        let work = |e: &&Entry| {
            let outcome = context.process(e);
            progress.tick();
            outcome
        };
        parallel::ordered(shown, self.threads, size, work, |entry, outcome| {
            printer
                .file(&entry.path, movement(moves, entry), &outcome, summary)
                .context("cannot write output")
        })?;
        progress.finish();
        Ok(())
    }
}

/// Make none of the planned moves, for `why`.
fn block_all(moves: &mut Moves, why: &str) {
    let planned: Vec<PathBuf> = moves.to.keys().cloned().collect();
    for old in planned {
        moves.block(&old, why.to_string());
    }
}

/// What happens to a file's path.
fn movement<'m>(moves: &'m Moves, entry: &Entry) -> Movement<'m> {
    match (moves.to.get(&entry.path), moves.collisions.get(&entry.path)) {
        (Some(new), _) => Movement::To(new),
        (None, Some((new, why))) => Movement::Blocked(new, why),
        (None, None) => Movement::Stays,
    }
}

/// `apply`: every file's new content staged, then all put in place and
/// the files moved, or nothing written at all.
struct Apply<'a> {
    pass: Pass<'a>,
    shown: &'a [&'a Entry],
    frozen: &'a Frozen,
    /// Read-only files' outcomes, from pass 1, by path.
    read_only: BTreeMap<PathBuf, Outcome>,
    journal: PathBuf,
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
    fn run(mut self, mut moves: Moves, printer: &mut Printer, summary: &mut Summary) -> Result<()> {
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
            write::moves::apply(&moves, &self.journal)?;
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

    /// Process the shown files that `redo` picks (by index) and are not
    /// read-only, each new content staged by the worker that made it (so
    /// no text waits in memory): by index.
    fn stage(&self, moves: &Moves, redo: impl Fn(usize) -> bool) -> Result<Vec<Option<Prepared>>> {
        let context = Context::new(self.pass.rules, self.pass.project, moves, Mode::Apply)
            .with_frozen(self.frozen);
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
