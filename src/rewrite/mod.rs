//! One file from its text to its new text: read, prefilter, analyze
//! (classify and decide), then edit, verify that the rewrite parses no
//! worse, and give what the mode asks for (a diff, or the edits to write).
//! The syntax tree is parsed on first need, at most once.
//!
//! Files are independent, so this runs on many threads at once; nothing
//! here prints. The caller reports in path order.

pub mod compat;
pub mod edit;
pub mod ends;
pub mod patch;
mod verify;

use std::ops::Range;

use anyhow::Result;

use crate::analyze::Analyzer;
use crate::config::Rules;
use crate::index::frozen::Frozen;
use crate::index::moves::Moves;
use crate::index::project::Project;
use crate::lang::{self, Lang};
use crate::model::{Dropped, Edit, Mode, Outcome, Reason, Rewrite, Scanned, Skip};
use crate::walk::read::{self, keeps_file, Seen};
use crate::walk::Entry;

/// What every file's run shares: the analysis and the mode.
pub struct Context<'r> {
    analyzer: Analyzer<'r>,
    pub mode: Mode,
    /// Where the moves take paths, for files of other languages that
    /// name them: made on first need.
    renamed: std::sync::OnceLock<ends::Renamed>,
    /// What happens to compatibility code (old names kept for the transition).
    compat: Compat,
}

/// Whether a run writes compatibility code, removes it, or neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compat {
    None,
    /// Renamed public names keep their old names (`[compat] aliases`).
    Aliases,
    /// `apply --drop-compat`: the transition is over; nothing is renamed.
    Drop,
}

impl<'r> Context<'r> {
    pub fn new(rules: &'r Rules, project: &'r Project, moves: &'r Moves, mode: Mode) -> Self {
        Context {
            analyzer: Analyzer::new(rules, project, moves),
            mode,
            renamed: std::sync::OnceLock::new(),
            compat: Compat::None,
        }
    }

    /// This context, writing or dropping compatibility code.
    pub fn with_compat(self, compat: Compat) -> Self {
        Context { compat, ..self }
    }

    /// This context, where names that `frozen` files still spell stay.
    pub fn with_frozen(self, frozen: &'r Frozen) -> Self {
        Context {
            analyzer: self.analyzer.with_frozen(frozen),
            ..self
        }
    }

    /// This context with every hit classified on the syntax tree: the
    /// reference the lexer is tested against.
    pub fn without_lexer(self) -> Self {
        Context {
            analyzer: self.analyzer.without_lexer(),
            ..self
        }
    }

    /// One file's outcome. A panic (a bug) fails this file alone: it is
    /// reported with its path and left as it is, and the run goes on.
    pub fn process(&self, entry: &Entry) -> Outcome {
        let path = entry.path.display();
        match catch_panic(|| self.try_process(entry)) {
            Ok(Ok(o)) => o,
            Ok(Err(e)) => Outcome::Failed(format!("{path}: {e:#}")),
            Err(panic) => Outcome::Failed(format!(
                "{path}: internal error, the file is left as it is (please report this bug): {panic}"
            )),
        }
    }

    fn try_process(&self, entry: &Entry) -> Result<Outcome> {
        let Some(lang) = entry.lang else {
            let moves = self.analyzer.moves;
            if moves.to.is_empty() {
                return Ok(Outcome::Other);
            }
            let renamed = self.renamed.get_or_init(|| ends::Renamed::new(moves));
            let rule_file = self.analyzer.rules.is_rule_file(&entry.abs);
            let outcome = ends::process(entry, renamed, self.mode, rule_file)?;
            return Ok(self.as_history(entry, outcome));
        };
        // The walk read the file already: most need nothing more.
        match entry.seen {
            Some(Seen::Nothing { .. }) => return Ok(Outcome::Scanned(Scanned::default())),
            Some(Seen::Skipped(skip)) => return Ok(Outcome::Skipped(skip)),
            Some(Seen::Hits(_)) | None => {}
        }
        // To the very end: what is read here may be written back.
        read::with_text(&entry.path, read::Until::End, |text| match text {
            Ok(full) => self.process_text(entry, lang, full),
            Err(skip) => Ok(Outcome::Skipped(skip)),
        })?
    }

    /// `outcome`, where `entry` is migration history: kept whole, with
    /// the reason `history`. Applied migrations are never rewritten (that
    /// changes no deployed database), and their top-level definitions are
    /// no senses the rules rename.
    fn as_history(&self, entry: &Entry, mut outcome: Outcome) -> Outcome {
        if let Outcome::Scanned(s) = &mut outcome {
            if self.analyzer.project.history.contains(entry) {
                s.keep_all(&Reason::History);
                s.defines.clear();
            }
        }
        outcome
    }

    /// Process a file with hits, its whole text (BOM included) at hand.
    fn process_text(&self, entry: &Entry, lang: Lang, full: &str) -> Result<Outcome> {
        let (bom, text) = read::split_bom(full);
        if self.compat == Compat::Drop {
            let edits = compat::drop_blocks(text);
            return Ok(self.finish(full, bom, edits, Scanned::default()));
        }
        // The prefilter: most files have no hit and are never parsed.
        let rules = self.analyzer.rules;
        let hits: Vec<Range<usize>> = rules.prefilter().find_iter(text.as_bytes()).collect();
        if hits.is_empty() {
            return Ok(Outcome::Scanned(Scanned::default()));
        }
        if keeps_file(text) {
            return Ok(Outcome::Skipped(Skip::KeepFile));
        }
        let (syntax, mut edits, mut scanned) = self.analyzer.analyze(entry, lang, text, &hits)?;
        // Nothing to write, or nothing that may be written (history).
        if edits.is_empty() || self.analyzer.project.history.contains(entry) {
            return Ok(self.as_history(entry, Outcome::Scanned(scanned)));
        }
        // Old names for the renamed public ones, verified with the renames.
        if self.compat == Compat::Aliases && self.mode != Mode::Check {
            edits.extend(compat::aliases(lang, &entry.abs, text, &edits));
        }
        let mut dropped = verify::dropped(&syntax, &edits)?;
        // A file with syntax errors is rewritten only where a second run
        // would change nothing more (`Dropped::Unstable`).
        if dropped.is_none() && syntax.parsed().is_some_and(|t| t.root_node().has_error()) {
            let new_text = edit::apply(text, &edits)?;
            let hits: Vec<Range<usize>> =
                rules.prefilter().find_iter(new_text.as_bytes()).collect();
            let (_, again, _) = self.analyzer.analyze(entry, lang, &new_text, &hits)?;
            if !again.is_empty() {
                dropped = Some(Dropped::Unstable);
            }
        }
        if let Some(dropped) = dropped {
            scanned.dropped = Some(dropped);
            scanned.changes.clear();
            return Ok(Outcome::Scanned(scanned));
        }
        Ok(self.finish(full, bom, edits, scanned))
    }

    /// The outcome of `edits` to the text after `bom`: the diff or the
    /// rewrite the mode asks for.
    fn finish(&self, full: &str, bom: &str, edits: Vec<Edit>, mut scanned: Scanned) -> Outcome {
        if edits.is_empty() {
            return Outcome::Scanned(scanned);
        }
        // Diffs and writes see the whole file, BOM included.
        let edits: Vec<Edit> = edits
            .into_iter()
            .map(|e| Edit {
                range: e.range.start + bom.len()..e.range.end + bom.len(),
                replacement: e.replacement,
            })
            .collect();
        match self.mode {
            Mode::Diff => scanned.diff = Some(patch::unified(full, &edits)),
            Mode::Apply => {
                let text = full.to_string();
                scanned.rewrite = Some(Rewrite { text, edits });
            }
            Mode::Check => {}
        }
        Outcome::Scanned(scanned)
    }
}

thread_local! {
    /// Set while `catch_panic` runs on this thread: the panic hook then
    /// keeps the message here instead of printing it.
    static CAUGHT: std::cell::RefCell<Option<Option<String>>> = const { std::cell::RefCell::new(None) };
}

/// Run `f`, turning a panic into its message (with its location). The
/// panic hook is replaced once, to stay quiet about panics caught here;
/// any other panic is printed as before.
fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let caught = CAUGHT.with_borrow_mut(|c| match c {
                Some(slot) => {
                    *slot = Some(info.to_string().replace('\n', " "));
                    true
                }
                None => false,
            });
            if !caught {
                default(info);
            }
        }));
    });
    CAUGHT.set(Some(None));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    let message = CAUGHT.take().flatten();
    result.map_err(|_| message.unwrap_or_else(|| "a panic".to_string()))
}

/// One text through the whole per-file pipeline (lex, classify, decide,
/// edit, verify), as a file of `lang` alone in its project, reading and
/// writing nothing: the rewritten text, or None when nothing changes.
/// For the fuzz target and robustness tests, which must see a panic as
/// one (`Context::process` turns them into per-file errors).
pub fn rewrite(rules: &Rules, lang: Lang, text: &str) -> Result<Option<String>> {
    let ext = match lang {
        Lang::Python => "py",
        Lang::TypeScript => "ts",
        Lang::Tsx => "tsx",
        Lang::JavaScript => "js",
        Lang::Sql => "sql",
    };
    let path = std::path::PathBuf::from(format!("/nonexistent/input.{ext}"));
    let entry = Entry {
        path: path.clone(),
        abs: path,
        lang: Some(lang),
        root_parts: 0,
        named: Some(0),
        seen: None,
    };
    let project = Project::new(std::slice::from_ref(&entry), rules);
    let moves = Moves::default();
    let context = Context::new(rules, &project, &moves, Mode::Apply);
    match context.process_text(&entry, lang, text)? {
        Outcome::Scanned(Scanned {
            rewrite: Some(r), ..
        }) => Ok(Some(edit::apply(&r.text, &r.edits)?)),
        _ => Ok(None),
    }
}

/// Is this language's file parseable into a tree with this many errors?
/// Exposed for tests that check outputs parse no worse than inputs.
pub fn syntax_errors(lang: Lang, text: &str) -> Result<usize> {
    let (_, text) = read::split_bom(text);
    Ok(lang::error_count(&lang::parse(lang, text)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message_and_the_thread_goes_on() {
        let caught = catch_panic(|| -> usize { panic!("boom {}", 1) });
        let message = caught.unwrap_err();
        assert!(
            message.contains("boom 1") && message.contains("rewrite/mod.rs"),
            "{message}"
        );
        assert_eq!(catch_panic(|| 2), Ok(2));
    }
}
