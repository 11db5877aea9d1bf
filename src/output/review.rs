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

pub fn run(
    files: &[Entry],
    rules: &Rules,
    project: &Project,
    frozen: &Frozen,
    mut moves: Moves,
    color: bool,
    journal: &Path,
) -> Result<()> {
    if !std::io::stdin().is_terminal() {
        bail!("--interactive asks its questions on a terminal, and standard input is not one; use `retrace diff` to review, or `apply` without --interactive");
    }
    let stdin = std::io::stdin();
    let mut answers = stdin.lock().lines();
    let mut tally = Tally::default();
    let mut planned: Vec<(PathBuf, PathBuf)> = moves.to.clone().into_iter().collect();
    planned.sort();
    for (old, new) in planned {
        let question = format!(
            "Move {} → {} (imports that follow it change with it) [y,n,q,?]? ",
            old.display(),
            new.display()
        );
        match ask(&question, "ynq", MOVE_HELP, &mut answers)? {
            'y' => tally.moves += 1,
            'n' => moves.block(&old, "declined in review".to_string()),
            _ => return Ok(()),
        }
    }
    // Files decided with the moves as answered: imports of a declined move
    // are not renamed at all.
    let context = Context::new(rules, project, &moves, Mode::Apply).with_frozen(frozen);
    let mut quit = false;
    for chunk in files.chunks(64) {
        let outcomes: Vec<Outcome> = chunk.par_iter().map(|e| context.process(e)).collect();
        for (entry, outcome) in chunk.iter().zip(outcomes) {
            let (rewrite, follows) = match outcome {
                Outcome::Scanned(s) => {
                    let follows: Vec<bool> =
                        s.changes.iter().map(|c| c.follows.is_some()).collect();
                    (s.rewrite, follows)
                }
                Outcome::Failed(message) => {
                    eprintln!("retrace: {message}");
                    continue;
                }
                _ => continue,
            };
            let Some(rewrite) = rewrite else { continue };
            let (forced, free): (Vec<_>, Vec<_>) = rewrite
                .edits
                .iter()
                .zip(&follows)
                .partition(|(_, follows)| **follows);
            let forced: Vec<Edit> = forced.into_iter().map(|(e, _)| e.clone()).collect();
            let free: Vec<Edit> = free.into_iter().map(|(e, _)| e.clone()).collect();
            let path = entry.path.display().to_string();
            let accepted = match quit {
                true => Vec::new(),
                false => {
                    match review_file(&path, &rewrite, &free, &mut answers, color, &mut tally)? {
                        Some(accepted) => accepted,
                        None => {
                            quit = true;
                            Vec::new()
                        }
                    }
                }
            };
            let mut chosen: Vec<Edit> = forced.into_iter().chain(accepted).collect();
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
    write::moves::apply(&moves, journal)?;
    println!(
        "applied {} of {} hunks in {} files; moved {} files",
        tally.accepted, tally.hunks, tally.files, tally.moves
    );
    Ok(())
}

/// Ask until the answer is one of `allowed`; end of input counts as quit.
fn ask(
    question: &str,
    allowed: &str,
    help: &str,
    answers: &mut impl Iterator<Item = std::io::Result<String>>,
) -> Result<char> {
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
    answers: &mut impl Iterator<Item = std::io::Result<String>>,
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
