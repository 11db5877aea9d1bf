//! `apply --interactive`: walk the changes file by file and hunk by hunk on
//! the terminal, as `git add -p` does. What a file's review accepted is
//! written atomically when that file's review ends; moves are asked on
//! their own; quitting writes nothing further.

use std::collections::HashSet;
use std::io::{BufRead, IsTerminal, Write};

use anyhow::{bail, Context as _, Result};
use rayon::prelude::*;
use similar::{DiffTag, TextDiff};

use crate::engine::{Context, Outcome};
use crate::moves::Moves;
use crate::walk::Entry;
use crate::write;

const HELP: &str = "y - apply this hunk\nn - do not apply this hunk\n\
a - apply this hunk and the rest of this file\nd - apply no more hunks of this file\n\
q - quit; nothing more is written\n? - this help\n";

/// Whether the review goes on after a file.
enum Next {
    Continue,
    Quit,
}

/// Counts for the closing line.
#[derive(Default)]
struct Tally {
    hunks: usize,
    accepted: usize,
    files: usize,
    moves: usize,
}

pub fn run(files: &[Entry], context: &Context, moves: &Moves, color: bool) -> Result<()> {
    if !std::io::stdin().is_terminal() {
        bail!("--interactive asks its questions on a terminal, and standard input is not one; use `retrace diff` to review, or `apply` without --interactive");
    }
    let stdin = std::io::stdin();
    let mut answers = stdin.lock().lines();
    let mut tally = Tally::default();
    'files: for chunk in files.chunks(64) {
        let outcomes: Vec<Outcome> = chunk.par_iter().map(|e| context.process(e)).collect();
        for (entry, outcome) in chunk.iter().zip(outcomes) {
            let rewrite = match outcome {
                Outcome::Scanned(s) => s.rewrite,
                Outcome::Failed(message) => {
                    eprintln!("retrace: {message}");
                    None
                }
                _ => None,
            };
            if let Some((old, new)) = rewrite {
                let path = entry.path.display().to_string();
                if let Next::Quit = review_file(&path, &old, &new, &mut answers, color, &mut tally)?
                {
                    break 'files;
                }
            }
            if let Some(new) = moves.to.get(&entry.path) {
                let question = format!(
                    "Move {} → {} [y,n,q,?]? ",
                    entry.path.display(),
                    new.display()
                );
                match ask(&question, &mut answers)? {
                    'y' => {
                        let single = Moves {
                            to: [(entry.path.clone(), new.clone())].into_iter().collect(),
                            ..Moves::default()
                        };
                        single.apply()?;
                        tally.moves += 1;
                    }
                    'q' => break 'files,
                    _ => {}
                }
            }
        }
    }
    println!(
        "applied {} of {} hunks in {} files; moved {} files",
        tally.accepted, tally.hunks, tally.files, tally.moves
    );
    Ok(())
}

/// Ask until the answer is one we know; end of input counts as quit.
fn ask(
    question: &str,
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
            Some(c @ ('y' | 'n' | 'a' | 'd' | 'q')) => return Ok(c),
            _ => print!("{HELP}"),
        }
    }
}

fn review_file(
    path: &str,
    old: &str,
    new: &str,
    answers: &mut impl Iterator<Item = std::io::Result<String>>,
    color: bool,
    tally: &mut Tally,
) -> Result<Next> {
    let diff = TextDiff::from_lines(old, new);
    let unified = diff.unified_diff();
    let hunks: Vec<_> = unified.iter_hunks().collect();
    let mut accepted = vec![false; hunks.len()];
    let mut rest: Option<bool> = None;
    println!(
        "{}",
        paint(&format!("diff --git a/{path} b/{path}"), "\x1b[1m", color)
    );
    for (i, hunk) in hunks.iter().enumerate() {
        tally.hunks += 1;
        if let Some(all) = rest {
            accepted[i] = all;
            continue;
        }
        for line in hunk.to_string().lines() {
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
        match ask(&question, answers)? {
            'y' => accepted[i] = true,
            'a' => {
                accepted[i] = true;
                rest = Some(true);
            }
            'd' => rest = Some(false),
            'q' => return Ok(Next::Quit),
            _ => {}
        }
    }
    tally.accepted += accepted.iter().filter(|a| **a).count();
    if accepted.iter().any(|a| *a) {
        let text = compose(&diff, &hunks, &accepted);
        write::atomic(std::path::Path::new(path), text.as_bytes())?;
        tally.files += 1;
    }
    Ok(Next::Continue)
}

/// The old text with the accepted hunks' changes applied.
fn compose(
    diff: &TextDiff<str>,
    hunks: &[similar::udiff::UnifiedDiffHunk<str>],
    accepted: &[bool],
) -> String {
    let chosen: HashSet<usize> = hunks
        .iter()
        .zip(accepted)
        .filter(|(_, a)| **a)
        .flat_map(|(h, _)| h.ops().iter().filter(|op| op.tag() != DiffTag::Equal))
        .map(|op| op.old_range().start)
        .collect();
    let (old, new) = (diff.old_slices(), diff.new_slices());
    let mut out = String::new();
    for op in diff.ops() {
        let take_new = op.tag() != DiffTag::Equal && chosen.contains(&op.old_range().start);
        let lines = if take_new {
            &new[op.new_range()]
        } else {
            &old[op.old_range()]
        };
        out.extend(lines.iter().copied());
    }
    out
}

fn paint(text: &str, code: &str, color: bool) -> String {
    if color && !code.is_empty() {
        format!("{code}{text}\x1b[0m")
    } else {
        text.to_string()
    }
}
