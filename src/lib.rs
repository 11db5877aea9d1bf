//! retrace: a codemod for terminology migrations across polyglot
//! repositories. `run` is the whole program: options → rules → walk →
//! per-file engine (in parallel) → report in path order.

pub mod baseline;
pub mod case;
pub mod cli;
pub mod decide;
pub mod edit;
pub mod engine;
mod explain;
pub mod formats;
mod guard;
pub mod lang;
pub mod moves;
mod parallel;
pub mod project;
pub mod read;
pub mod report;
mod review;
pub mod rules;
pub mod scope;
pub mod walk;
pub mod write;

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, Result};

use crate::cli::{Cli, Command, Options};
use crate::engine::{Context, Mode};
use crate::report::{Movement, Printer, Summary};

pub fn run(cli: Cli) -> Result<ExitCode> {
    // Generated from the clap definitions, so they never drift from the CLI.
    match &cli.command {
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut command, "retrace", &mut std::io::stdout());
            return Ok(ExitCode::SUCCESS);
        }
        Command::Man => {
            let man = clap_mangen::Man::new(<Cli as clap::CommandFactory>::command());
            man.render(&mut std::io::stdout())
                .context("cannot write the man page")?;
            return Ok(ExitCode::SUCCESS);
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
    let mode = match &options.command {
        Command::Diff { .. } => Mode::Diff,
        Command::Apply { .. } => Mode::Apply,
        Command::Check { .. } => Mode::Check,
        Command::Explain { names } => {
            print!("{}", explain::names(&rules, names));
            return Ok(ExitCode::SUCCESS);
        }
        Command::Rules => {
            print!("{}", explain::rules(&rules));
            return Ok(ExitCode::SUCCESS);
        }
        Command::Completions { .. } | Command::Man => unreachable!("handled above"),
    };

    let walked = walk::walk(&paths, &rules, &cwd, threads);
    let mut summary = Summary::default();
    for e in &walked.errors {
        eprintln!("retrace: {e}");
    }
    summary.errors += walked.errors.len();
    if walked.excluded > 0 {
        summary.skipped.insert("excluded", walked.excluded);
    }
    let project = project::Project::new(&walked.files, &rules);
    // Every move is known before any content changes, so imports can follow.
    let moves = moves::Moves::plan(&walked.files, &rules);
    if let Command::Apply {
        allow_dirty: false, ..
    } = options.command
    {
        let preview = Context::new(&rules, &project, &moves, Mode::Check);
        guard::check(&cwd, &walked.files, &moves, &preview)?;
    }
    if let Command::Apply {
        interactive: true, ..
    } = options.command
    {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
            .context("cannot start the worker threads")?;
        let context = Context::new(&rules, &project, &moves, Mode::Review);
        review::run(&walked.files, &context, &moves, options.color)?;
        return Ok(if walked.errors.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(2)
        });
    }
    let context = Context::new(&rules, &project, &moves, mode);
    let mut printer = Printer::new(options.format, options.color, options.verbose, mode);
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
        printer.baseline = Some(baseline::Baseline::read(file)?);
    }
    if write_baseline.is_some() {
        printer.collected = Some(Vec::new());
    }
    let progress = report::Progress::new(walked.files.len());
    let process = |e: &walk::Entry| {
        let outcome = context.process(e);
        progress.tick();
        outcome
    };
    // Files with hits are the ones that take time: the biggest start first.
    let size = |e: &walk::Entry| match e.seen {
        Some(read::Seen::Hits(bytes)) => bytes,
        _ => 0,
    };
    parallel::ordered(&walked.files, threads, size, process, |entry, outcome| {
        let movement = match (moves.to.get(&entry.path), moves.collisions.get(&entry.path)) {
            (Some(new), _) => Movement::To(new),
            (None, Some((new, why))) => Movement::Blocked(new, why),
            (None, None) => Movement::Stays,
        };
        printer
            .file(&entry.path, movement, &outcome, &mut summary)
            .context("cannot write output")
    })?;
    progress.finish();
    if mode == Mode::Apply {
        // After every content write: each file then moves by one rename.
        moves.apply()?;
    }
    printer.finish(&summary).context("cannot write output")?;
    if let (Some(file), Some(entries)) = (&write_baseline, printer.collected.take()) {
        let count = entries.len();
        baseline::write(file, entries)?;
        eprintln!("retrace: recorded {count} findings in {}", file.display());
        return Ok(if summary.errors > 0 {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        });
    }
    let pending = match printer.baseline {
        Some(_) => summary.new_findings,
        None => summary.rename_count() + summary.finding_count() + summary.moves,
    };
    // The process ends with this run: the operating system takes back its
    // memory at once, where freeing what the run built (a few allocations
    // per file walked) piece by piece would take about a millisecond.
    std::mem::forget((moves, project, walked, rules));

    Ok(if summary.errors > 0 {
        ExitCode::from(2)
    } else if mode == Mode::Check && pending > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
