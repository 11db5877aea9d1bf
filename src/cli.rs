//! Command-line flags (clap derive), turned into validated `Options`
//! before anything runs.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Parser, Subcommand, ValueEnum};

/// What every `retrace --help` ends with.
const AFTER_HELP: &str = "Exit codes: 0 success (diff and apply exit 0 whether or not they change \
anything); 1 check found a pending change or a finding; 2 usage, rule or I/O error.

Rules come from --rules, else the nearest retrace.toml upward from the first PATH, else the \
bundled session -> trace rules (`retrace rules` shows them). The rule format is in README.md, \
\"Rules\".";

#[derive(Parser, Debug)]
#[command(
    name = "retrace",
    // `0.1.0 (abc1234)`: build.rs adds the commit when it knows it.
    version = env!("RETRACE_VERSION"),
    about = "Rename terminology across Python, TypeScript/JavaScript and SQL by declarative rules",
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Rule file to use instead of retrace.toml discovery (repeatable).
    #[arg(long = "rules", value_name = "FILE", global = true)]
    pub rules: Vec<PathBuf>,
    /// Output format (check and diff; human or json for survey and explain).
    #[arg(long, value_enum, global = true)]
    pub format: Option<Format>,
    /// When to colour output. NO_COLOR is respected.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// `check`: also list the occurrences kept on purpose (third-party,
    /// keep lists), each with why; JSON lists them always.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Number of worker threads (default: one per core).
    #[arg(short = 'j', long = "threads", value_name = "N", global = true)]
    pub threads: Option<usize>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print a unified diff of every change the rules make; writes nothing.
    Diff {
        /// Files or directories to work on (default: `.`); the project is
        /// still the whole repository.
        paths: Vec<PathBuf>,
    },
    /// Write the changes and print a summary.
    Apply {
        /// Files or directories to work on (default: `.`); the project is
        /// still the whole repository.
        paths: Vec<PathBuf>,
        /// Rewrite files even when they have uncommitted changes in git.
        #[arg(long)]
        allow_dirty: bool,
        /// Review each hunk and move on the terminal before it is written.
        #[arg(short, long)]
        interactive: bool,
        /// Rewrite read-only files too (by default they are left as they
        /// are and reported, exit code 2).
        #[arg(long)]
        force_readonly: bool,
        /// End the transition: remove the compatibility code (old names)
        /// an earlier apply wrote, and rename nothing.
        #[arg(long)]
        drop_compat: bool,
    },
    /// Exit 1 if any change is pending or any finding is reported.
    Check {
        /// Files or directories to work on (default: `.`); the project is
        /// still the whole repository.
        paths: Vec<PathBuf>,
        /// Fail only on findings not recorded in this baseline file.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// Record today's findings in FILE (default .retrace-baseline.json) and exit 0.
        /// FILE is given as `--write-baseline=FILE`, so that
        /// `check --write-baseline .` reads `.` as the PATH.
        #[arg(long, value_name = "FILE", num_args = 0..=1, require_equals = true, default_missing_value = crate::model::BASELINE_FILE)]
        write_baseline: Option<PathBuf>,
    },
    /// Group every occurrence of each rule's word by sense (the definition
    /// it resolves to), with counts, main files and an example line.
    Survey {
        /// Files or directories to work on (default: `.`); the project is
        /// still the whole repository.
        paths: Vec<PathBuf>,
        /// Write a starter retrace.toml to FILE (never over an existing
        /// file) that lists every sense: its active blocks keep the smaller
        /// definitions of a name two modules define.
        #[arg(long, value_name = "FILE")]
        write: Option<PathBuf>,
    },
    /// Show how the rules treat each NAME, and why.
    Explain {
        /// Names (`ISessionAndStats`), or paths (`app/session.py`) to see
        /// where they would move.
        #[arg(required = true, value_name = "NAME")]
        names: Vec<String>,
    },
    /// List the active rules and the files they came from.
    Rules {
        /// Print them as a rule file (TOML) instead.
        #[arg(long)]
        toml: bool,
    },
    /// Write ./retrace.toml, starting from the bundled rules (commented),
    /// to edit; never over an existing file.
    Init,
    /// Write the database migration the rules imply, as the history's next
    /// migration (PostgreSQL).
    Migrate(Migrate),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
}

#[derive(clap::Args, Debug)]
pub struct Migrate {
    /// The database (default: ClickHouse when the history's statements
    /// say `ENGINE =`, PostgreSQL otherwise).
    #[arg(long, value_enum)]
    pub dialect: Option<Dialect>,
    /// The migration history to replay into a throwaway PostgreSQL server
    /// (default: supabase/migrations, clickhouse/migrations, db/migrations
    /// or migrations, from the current directory up).
    #[arg(long, value_name = "DIR", conflicts_with = "database_url")]
    pub schema: Option<PathBuf>,
    /// Read the schema from this live database's catalog instead.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Keep each renamed table's old name as a view for old clients.
    #[arg(long, value_enum, default_value_t = CompatViews::Views)]
    pub compat: CompatViews,
    /// Write the reverse of the migration this schema gets.
    #[arg(long, conflicts_with = "contract")]
    pub down: bool,
    /// Write the later migration that drops the compat views.
    #[arg(long)]
    pub contract: bool,
    /// Where to write it; `-` prints it (default: the history directory,
    /// in its naming convention).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Dialect {
    Postgres,
    Clickhouse,
}

/// `migrate --compat`: old table names kept as views, or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CompatViews {
    Views,
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    /// JSON Lines: one object per change, finding, kept occurrence or move.
    Json,
    /// SARIF 2.1.0, as GitHub code scanning reads it.
    Sarif,
    /// GitHub Actions workflow commands that annotate pull requests.
    Github,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// What the user asked for, checked.
#[derive(Debug)]
pub struct Options {
    pub command: Command,
    pub rules: Vec<PathBuf>,
    pub format: Format,
    pub color: bool,
    pub verbose: bool,
    pub threads: Option<usize>,
}

impl Options {
    pub fn from_cli(cli: Cli, stdout_is_terminal: bool) -> Result<Options> {
        let scans = matches!(cli.command, Command::Diff { .. } | Command::Check { .. });
        let two = matches!(
            cli.command,
            Command::Survey { .. } | Command::Explain { .. }
        );
        match cli.format {
            Some(Format::Human | Format::Json) if two => {}
            Some(_) if two => bail!("`survey` and `explain` print --format human or json"),
            Some(_) if !scans => {
                bail!("--format applies to `check`, `diff`, `survey` and `explain` only")
            }
            _ => {}
        }
        if cli.threads == Some(0) {
            bail!("--threads must be at least 1");
        }
        // Options that mean nothing to a command are refused there, not ignored.
        let walks = cli.command.paths().is_some();
        let standalone = matches!(
            cli.command,
            Command::Completions { .. } | Command::Man | Command::Init
        );
        if standalone && !cli.rules.is_empty() {
            bail!("`completions`, `man` and `init` take no --rules");
        }
        if cli.threads.is_some() && !walks {
            bail!("-j applies to `check`, `diff`, `apply` and `survey` only");
        }
        if cli.verbose && !matches!(cli.command, Command::Check { .. }) {
            bail!("-v applies to `check` only");
        }
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match cli.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => stdout_is_terminal && !no_color,
        };
        Ok(Options {
            command: cli.command,
            rules: cli.rules,
            format: cli.format.unwrap_or(Format::Human),
            color,
            verbose: cli.verbose,
            threads: cli.threads,
        })
    }

    /// The PATH arguments, `.` when none.
    pub fn paths(&self) -> Vec<PathBuf> {
        match self.command.paths() {
            Some(given) if !given.is_empty() => given.to_vec(),
            _ => vec![PathBuf::from(".")],
        }
    }
}

impl Command {
    /// The PATHs of a command that walks files (check, diff, apply, survey).
    fn paths(&self) -> Option<&[PathBuf]> {
        match self {
            Command::Diff { paths }
            | Command::Apply { paths, .. }
            | Command::Check { paths, .. }
            | Command::Survey { paths, .. } => Some(paths),
            _ => None,
        }
    }
}
