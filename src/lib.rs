//! retrace: a codemod for terminology migrations across polyglot
//! repositories. `run` is the whole program, in the order of the layers
//! (ARCHITECTURE.md): options → rules → walk the whole project → phase 1,
//! the project index (modules, definitions, moves, what the files this run
//! does not change still spell) → phase 2, every named file on every
//! thread, reported in path order. `apply` stages every write beside its
//! file first, and puts them in place, then moves files, only when all
//! were staged.

pub mod analyze;
pub mod cli;
pub mod config;
pub mod database;
pub mod index;
pub mod lang;
pub mod model;
pub mod output;
mod parallel;
pub mod paths;
mod phases;
pub mod rewrite;
pub mod walk;
pub mod write;

use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result};

use crate::cli::{Cli, Command, Options};
use crate::index::moves::Moves;
use crate::index::project::Project;
use crate::model::Mode;
use crate::output::{Printer, Summary};
use crate::rewrite::Context;
use crate::walk::Entry;

pub fn run(cli: Cli) -> Result<ExitCode> {
    let options = Options::from_cli(cli, std::io::stdout().is_terminal())?;
    if let Some(text) = generated(&options.command)? {
        return print(&text);
    }
    // Threads are started by each stage that uses them. (Rayon's pool serves
    // only the interactive review: started early, its idle threads would
    // spin on the cores the walk needs.)
    let threads = options
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let paths = options.paths();
    let (rules, rules_dir) = load_rules(&options, &paths, &cwd)?;
    let mode = match &options.command {
        Command::Diff { .. } => Mode::Diff,
        Command::Apply { .. } => Mode::Apply,
        Command::Check { .. } | Command::Survey { .. } => Mode::Check,
        Command::Explain { names } => {
            let text = match options.format {
                cli::Format::Json => output::explain::names_json(&rules, names),
                _ => output::explain::names(&rules, names),
            };
            return print(text.as_bytes());
        }
        Command::Rules { toml: false } => return print(output::explain::rules(&rules).as_bytes()),
        Command::Rules { toml: true } => {
            return print(config::emit::rules(&rules, &cwd).as_bytes())
        }
        Command::Init => return init(&cwd),
        Command::Migrate(migrate) => {
            let root = walk::project_root(std::slice::from_ref(&cwd), rules_dir.as_deref());
            database::migrate(migrate, &rules, &cwd, &root)?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Completions { .. } | Command::Man => unreachable!("generated above"),
    };

    if let Command::Survey {
        write: Some(file), ..
    } = &options.command
    {
        // Before anything is read: a survey takes a while.
        if std::fs::symlink_metadata(file).is_ok() {
            anyhow::bail!(
                "{}: the file exists; survey --write never overwrites one (name another)",
                file.display()
            );
        }
    }
    // The project is the whole repository, whatever PATHs are given.
    let absolute: Vec<PathBuf> = paths.iter().map(|p| walk::absolute(&cwd, p)).collect();
    let root = walk::project_root(&absolute, rules_dir.as_deref());
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

    // Phase 1: the project index, and what the files this run does not
    // change still spell. Every move is known before any content changes.
    let (project, unread) = Project::new(&walked.files, &rules)
        .with_threads(threads)
        .with_packages(&root, &walked.files, &rules);
    for why in unread {
        eprintln!("retrace: {why}; the package it names is not known to be the project's");
    }
    let mut moves = Moves::plan(&walked.files, &rules, &project.history);
    let force_readonly = matches!(
        options.command,
        Command::Apply {
            force_readonly: true,
            ..
        }
    );
    let held = phases::held_files(&walked.files, mode, force_readonly, &project.history);
    phases::block_fixed_moves(&walked.files, &held, &mut moves);
    let pass = phases::Pass {
        rules: &rules,
        project: &project,
        threads,
        root: &root,
        compat: compat(&options.command, &rules, &project),
    };
    let (frozen, read_only) = pass.read_frozen(&walked.files, &held, &mut moves)?;
    // Routes whose URLs strings name move only with all of those strings.
    let unchanged = |i: usize| held.contains_key(&i) || walked.files[i].named.is_none();
    index::routes::block_linked(&walked.files, &unchanged, &rules, &mut moves);

    // Phase 2: the files under the PATHs.
    let shown: Vec<&Entry> = walked.files.iter().filter(|e| e.named.is_some()).collect();
    if let Command::Survey { write, .. } = &options.command {
        let mut survey = pass.survey(&shown, &moves, &frozen)?;
        survey.errors += walked.errors.len();
        survey.skipped += walked.skipped.values().sum::<usize>();
        print_survey(&survey, &options, write.as_deref(), (&rules, &cwd, &paths))?;
        std::mem::forget((project, walked, rules));
        return Ok(exit_code(survey.errors, false));
    }
    if let Command::Apply {
        allow_dirty: false, ..
    } = options.command
    {
        let preview = Context::new(&rules, &project, &moves, Mode::Check).with_frozen(&frozen);
        write::guard::check(&cwd, &shown, &moves, &preview)?;
    }
    if let (
        Command::Apply {
            interactive: true, ..
        },
        Some(lock),
    ) = (&options.command, &lock)
    {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
            .context("cannot start the worker threads")?;
        let files: Vec<Entry> = shown.into_iter().cloned().collect();
        let review = output::review::Review {
            rules: &rules,
            project: &project,
            frozen: &frozen,
            color: options.color,
            journal: &lock.journal(),
        };
        review.run(&files, moves)?;
        return Ok(exit_code(walked.errors.len(), false));
    }
    let mut printer = Printer::new(options.format, options.color, options.verbose, mode);
    printer.diff_root = Some((root.clone(), cwd.clone()));
    let write_baseline = baseline(&options, &rules, &mut printer)?;
    match (mode, &lock) {
        (Mode::Apply, Some(lock)) => {
            let apply = phases::Apply {
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

/// `survey`'s output, and its starter rule file if asked for one.
fn print_survey(
    survey: &output::survey::Survey,
    options: &Options,
    write: Option<&Path>,
    (rules, cwd, paths): (&config::Rules, &Path, &[PathBuf]),
) -> Result<()> {
    let text = match options.format {
        cli::Format::Json => format!("{:#}\n", output::survey::json(survey)),
        _ => output::survey::human(survey),
    };
    print(text.as_bytes())?;
    let Some(file) = write else {
        return Ok(());
    };
    let abs = paths::absolute(cwd, file);
    let place = output::survey::starter::Place {
        dir: abs.parent().unwrap_or(cwd),
        cwd,
        surveyed: paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" "),
    };
    let starter = output::survey::starter::write(rules, survey, &place);
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&abs)
        .with_context(|| format!("{}: cannot write the starter rule file", file.display()))?;
    out.write_all(starter.as_bytes())
        .with_context(|| format!("{}: cannot write the starter rule file", file.display()))?;
    eprintln!(
        "retrace: wrote {}: used as is, it renames what the rules rename now but the senses its active blocks keep; delete a block to rename that sense, uncomment a name in [keep] names to keep it",
        file.display()
    );
    Ok(())
}

/// `retrace init`: ./retrace.toml from the bundled rules, whose comments
/// explain every key; never over an existing file.
fn init(cwd: &Path) -> Result<ExitCode> {
    let path = cwd.join("retrace.toml");
    if std::fs::symlink_metadata(&path).is_ok() {
        anyhow::bail!(
            "retrace.toml exists; init never overwrites one (edit it, or remove it first)"
        );
    }
    let text = format!(
        "# Made by `retrace init` from the bundled rules: edit it to suit the project.\n\
         # (A file that only adds [keep] names can say `extends = \"bundled\"` instead.)\n\n{}",
        config::BUNDLED
    );
    write::atomic_new(&path, text.as_bytes())?;
    eprintln!("retrace: wrote retrace.toml; `retrace rules` shows the rules it holds");
    Ok(ExitCode::SUCCESS)
}

/// Whether this run writes compatibility code (`[compat] aliases`: always,
/// or for a published package), removes it (`apply --drop-compat`), or neither.
fn compat(command: &Command, rules: &config::Rules, project: &Project) -> rewrite::Compat {
    let dropping = matches!(
        command,
        Command::Apply {
            drop_compat: true,
            ..
        }
    );
    let aliases = match rules.aliases {
        config::Aliases::Always => true,
        config::Aliases::Auto => project.published(),
        config::Aliases::Never => false,
    };
    match (dropping, aliases) {
        (true, _) => rewrite::Compat::Drop,
        (false, true) => rewrite::Compat::Aliases,
        (false, false) => rewrite::Compat::None,
    }
}

/// Shell completions and the man page, generated from the clap
/// definitions so that they never drift from the CLI.
fn generated(command: &Command) -> Result<Option<Vec<u8>>> {
    let mut out = Vec::new();
    match command {
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut command, "retrace", &mut out);
        }
        Command::Man => {
            let man = clap_mangen::Man::new(<Cli as clap::CommandFactory>::command());
            man.render(&mut out).context("cannot write the man page")?;
        }
        _ => return Ok(None),
    }
    Ok(Some(out))
}

/// The active rules, and the directory of the `retrace.toml` they were
/// found in (not of `--rules` files), which may be the project's root.
fn load_rules(
    options: &Options,
    paths: &[PathBuf],
    cwd: &Path,
) -> Result<(config::Rules, Option<PathBuf>)> {
    let start = match &options.command {
        Command::Explain { .. } | Command::Rules { .. } | Command::Init | Command::Migrate(_) => {
            Path::new(".")
        }
        _ => paths[0].as_path(),
    };
    let sources = config::discover(&options.rules, start, cwd);
    let rules = config::load(&sources)?;
    if rules.renames.is_empty() {
        eprintln!(
            "retrace: the rules ({}) hold no [[rename]], so nothing is renamed; \
             a retrace.toml replaces the bundled rules unless it says \
             `extends = \"bundled\"` (then it adds to them, e.g. [keep] names)",
            rules.sources[1..].join(", ")
        );
    }
    let dir = match (&sources[..], options.rules.is_empty()) {
        ([config::Source::File { base, .. }], true) => Some(base.clone()),
        _ => None,
    };
    Ok((rules, dir))
}

/// `check`'s baseline: read into the printer, or (`--write-baseline`)
/// the file findings are to be recorded in.
fn baseline(
    options: &Options,
    rules: &config::Rules,
    printer: &mut Printer,
) -> Result<Option<PathBuf>> {
    let Command::Check {
        baseline,
        write_baseline,
        ..
    } = &options.command
    else {
        return Ok(None);
    };
    if write_baseline.is_some() {
        printer.collected = Some(Vec::new());
        return Ok(write_baseline.clone());
    }
    let file = baseline
        .clone()
        .or_else(|| rules.baseline.clone().filter(|b| b.exists()));
    if let Some(file) = file {
        printer.baseline = Some(output::baseline::Baseline::read(&file)?);
    }
    Ok(None)
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
