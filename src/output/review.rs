//! `apply --interactive`: walk the changes on the terminal, as `git add -p`
//! does. Moves come first, each with the imports that follow it: a move
//! and its imports are one decision (declined, both stay; accepted, the
//! imports change with it, unasked). Then each file's other changes, hunk
//! by hunk; what a file's review accepted is written atomically when that
//! file is done. Quitting writes nothing further, except the imports that
//! follow moves already accepted, and then the moves.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use rayon::prelude::*;

use crate::config::Rules;
use crate::index::frozen::Frozen;
use crate::index::moves::Moves;
use crate::index::project::Project;
use crate::model::Edit;
use crate::model::{Mode, Outcome, Rewrite};
use crate::rewrite::edit;
use crate::rewrite::patch;
use crate::rewrite::Context;
use crate::walk::Entry;
use crate::write;

const HELP: &str = "y - apply this hunk\nn - do not apply this hunk\n\
a - apply this hunk and the rest of this file\nd - apply no more hunks of this file\n\
q - quit; nothing more is written\n? - this help\n";

const MOVE_HELP: &str = "y - move the file; the imports that follow it change with it\n\
n - keep the file where it is; the imports that follow it stay too\n\
q - quit; nothing is written\n? - this help\n";

/// Counts for the closing line.
#[derive(Default)]
struct Tally {
    hunks: usize,
    accepted: usize,
    files: usize,
    moves: usize,
}

/// What the review needs besides the files and the moves.
pub struct Review<'r> {
    pub rules: &'r Rules,
    pub project: &'r Project,
    pub frozen: &'r Frozen,
    pub color: bool,
    /// Where the moves' journal goes (`write::moves::apply`).
    pub journal: &'r Path,
}

/// The answers typed, line by line.
type Answers<'a> = std::io::Lines<std::io::StdinLock<'a>>;

impl Review<'_> {
    pub fn run(&self, files: &[Entry], mut moves: Moves) -> Result<()> {
        if !std::io::stdin().is_terminal() {
            bail!("--interactive asks its questions on a terminal, and standard input is not one; use `retrace diff` to review, or `apply` without --interactive");
        }
        let stdin = std::io::stdin();
        let mut answers = stdin.lock().lines();
        let mut tally = Tally::default();
        if !self.ask_moves(&mut moves, &mut answers, &mut tally)? {
            return Ok(());
        }
        self.review_files(files, &moves, &mut answers, &mut tally)?;
        write::moves::apply(&moves, self.journal)?;
        println!(
            "applied {} of {} hunks in {} files; moved {} files",
            tally.accepted, tally.hunks, tally.files, tally.moves
        );
        Ok(())
    }

    /// Ask about each move: declined ones are blocked, with the imports
    /// that follow them. False when the user quits (nothing is written).
    fn ask_moves(
        &self,
        moves: &mut Moves,
        answers: &mut Answers,
        tally: &mut Tally,
    ) -> Result<bool> {
        let mut planned: Vec<(PathBuf, PathBuf)> = moves.to.clone().into_iter().collect();
        planned.sort();
        for (old, new) in planned {
            let question = format!(
                "Move {} → {} (imports that follow it change with it) [y,n,q,?]? ",
                old.display(),
                new.display()
            );
            match ask(&question, "ynq", MOVE_HELP, answers)? {
                'y' => tally.moves += 1,
                'n' => moves.block(&old, "declined in review".to_string()),
                _ => return Ok(false),
            }
        }
        Ok(true)
    }

    /// Each file's changes, decided with the moves as answered: those that
    /// follow an accepted move are made unasked, the others hunk by hunk;
    /// each file is written when its review ends. After a quit, only the
    /// edits that follow accepted moves are written.
    fn review_files(
        &self,
        files: &[Entry],
        moves: &Moves,
        answers: &mut Answers,
        tally: &mut Tally,
    ) -> Result<()> {
        let context =
            Context::new(self.rules, self.project, moves, Mode::Apply).with_frozen(self.frozen);
        let mut quit = false;
        for chunk in files.chunks(64) {
            let outcomes: Vec<Outcome> = chunk.par_iter().map(|e| context.process(e)).collect();
            for (entry, outcome) in chunk.iter().zip(outcomes) {
                let rewrite = match outcome {
                    Outcome::Scanned(s) => s.rewrite.map(|r| (r, s.changes)),
                    Outcome::Failed(message) => {
                        eprintln!("retrace: {message}");
                        None
                    }
                    _ => None,
                };
                let Some((rewrite, changes)) = rewrite else {
                    continue;
                };
                let (mut forced, mut free) = (Vec::new(), Vec::new());
                for (e, change) in rewrite.edits.iter().zip(&changes) {
                    match change.follows {
                        Some(_) => forced.push(e.clone()),
                        None => free.push(e.clone()),
                    }
                }
                let path = entry.path.display().to_string();
                let accepted = match quit {
                    true => Vec::new(),
                    false => review_file(&path, &rewrite, &free, answers, self.color, tally)?
                        .unwrap_or_else(|| {
                            quit = true;
                            Vec::new()
                        }),
                };
                forced.extend(accepted);
                let mut chosen = forced;
                if chosen.is_empty() {
                    continue;
                }
                chosen.sort_by_key(|e| e.range.start);
                let text = edit::apply(&rewrite.text, &chosen)?;
                write::atomic(&entry.path, text.as_bytes())
                    .with_context(|| entry.path.display().to_string())?;
                tally.files += 1;
            }
        }
        Ok(())
    }
}

/// Ask until the answer is one of `allowed`; end of input counts as quit.
fn ask(question: &str, allowed: &str, help: &str, answers: &mut Answers) -> Result<char> {
    loop {
        print!("{question}");
        std::io::stdout()
            .flush()
            .context("cannot write to the terminal")?;
        let Some(line) = answers.next() else {
            println!();
            return Ok('q');
        };
        let line = line.context("cannot read the answer")?;
        match line.trim().chars().next() {
            Some(c) if allowed.contains(c) => return Ok(c),
            _ => print!("{help}"),
        }
    }
}

/// Review the hunks of `edits` (those of the file's edits not decided by a
/// move): the accepted edits, or None when the user quits.
fn review_file(
    path: &str,
    rewrite: &Rewrite,
    edits: &[Edit],
    answers: &mut Answers,
    color: bool,
    tally: &mut Tally,
) -> Result<Option<Vec<Edit>>> {
    let hunks = patch::hunks(&rewrite.text, edits);
    if hunks.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let mut accepted = Vec::new();
    let mut rest: Option<bool> = None;
    println!(
        "{}",
        paint(&format!("diff --git a/{path} b/{path}"), "\x1b[1m", color)
    );
    for (i, hunk) in hunks.iter().enumerate() {
        tally.hunks += 1;
        let take = match rest {
            Some(all) => all,
            None => {
                for line in hunk.text.lines() {
                    let code = match line.chars().next() {
                        Some('+') => "\x1b[32m",
                        Some('-') => "\x1b[31m",
                        Some('@') => "\x1b[36m",
                        _ => "",
                    };
                    println!("{}", paint(line, code, color));
                }
                let question = format!(
                    "({}/{}) Apply this hunk [y,n,a,d,q,?]? ",
                    i + 1,
                    hunks.len()
                );
                match ask(&question, "ynadq", HELP, answers)? {
                    'y' => true,
                    'a' => {
                        rest = Some(true);
                        true
                    }
                    'd' => {
                        rest = Some(false);
                        false
                    }
                    'q' => return Ok(None),
                    _ => false,
                }
            }
        };
        if take {
            tally.accepted += 1;
            accepted.extend_from_slice(&edits[hunk.edits.clone()]);
        }
    }
    Ok(Some(accepted))
}

fn paint(text: &str, code: &str, color: bool) -> String {
    if color && !code.is_empty() {
        format!("{code}{text}\x1b[0m")
    } else {
        text.to_string()
    }
}
