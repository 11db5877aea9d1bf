//! Printing: diffs, per-file records in each format, and the summary. No
//! decisions are made here; everything printed was decided by the engine.

use std::io::{self, Write};
use std::path::Path;

use serde_json::json;

use super::baseline::{Baseline, Entry};
use super::formats::{self, Kind, Record};
use super::summary::{dropped_text, plural, summary_text, Summary};
use crate::cli::Format;
use crate::model::{Mode, Movement, Outcome, Scanned};
use crate::walk;

pub struct Printer {
    format: Format,
    /// `check --baseline`: findings it holds are not reported.
    pub baseline: Option<Baseline>,
    /// `check --write-baseline`: every finding, to record.
    pub collected: Option<Vec<Entry>>,
    /// SARIF results, written as one log at the end.
    sarif: Vec<serde_json::Value>,
    verbose: bool,
    color: bool,
    mode: Mode,
    /// The project's root and the current directory, for diff paths.
    pub diff_root: Option<(std::path::PathBuf, std::path::PathBuf)>,
    out: io::BufWriter<io::Stdout>,
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

impl Printer {
    pub fn new(format: Format, color: bool, verbose: bool, mode: Mode) -> Printer {
        Printer {
            format,
            baseline: None,
            collected: None,
            sarif: Vec::new(),
            verbose,
            color,
            mode,
            diff_root: None,
            out: io::BufWriter::new(io::stdout()),
        }
    }

    /// Print one file's outcome and its move, and count them.
    pub fn file(
        &mut self,
        path: &Path,
        movement: Movement,
        outcome: &Outcome,
        summary: &mut Summary,
    ) -> io::Result<()> {
        // Most files: nothing found, nothing moves, nothing to show.
        if let (Outcome::Scanned(s), Movement::Stays) = (outcome, movement) {
            if s.is_empty() {
                summary.add(s);
                return Ok(());
            }
        }
        let shown = path.display().to_string();
        let empty = Scanned::default();
        let scanned = match outcome {
            Outcome::Failed(message) => {
                summary.errors += 1;
                self.out.flush()?;
                eprintln!("retrace: {message}");
                &empty
            }
            Outcome::Skipped(skip) => {
                *summary.skipped.entry(skip.name()).or_default() += 1;
                &empty
            }
            Outcome::Other => &empty,
            Outcome::Scanned(s) => {
                summary.add(s);
                if let (Some(d), false) = (s.dropped, self.mode == Mode::Check) {
                    self.out.flush()?;
                    eprintln!("retrace: {shown}: {}", dropped_text(d));
                }
                s
            }
        };
        match movement {
            Movement::Stays => {}
            Movement::To(_) => summary.moves += 1,
            Movement::Blocked(..) => {
                *summary.findings.entry("collision").or_default() += 1;
                *summary.reasons.entry("collision").or_default() += 1;
            }
            Movement::Linked(..) => {
                *summary.findings.entry("linked").or_default() += 1;
                *summary.reasons.entry("linked").or_default() += 1;
            }
        }
        let shown_path = shown.as_str();
        let reported = |r: &Record| r.kind != Kind::Kept;
        // A human diff or apply shows no records: none are made.
        let shows_records = self.format != Format::Human || self.mode == Mode::Check;
        let mut all = match shows_records || self.collected.is_some() || self.baseline.is_some() {
            true => formats::records(path, movement, scanned),
            false => Vec::new(),
        };
        if let Some(collected) = &mut self.collected {
            collected.extend(
                all.iter()
                    .filter(|r| reported(r))
                    .map(|r| Entry::of(shown_path, r)),
            );
        }
        if let Some(baseline) = &mut self.baseline {
            // Findings the baseline holds are neither printed nor counted as new.
            all.retain(|r| !reported(r) || !baseline.consume(&Entry::of(shown_path, r)));
            summary.new_findings += all.iter().filter(|r| reported(r)).count();
        }
        match (self.format, self.mode) {
            (Format::Json, _) => {
                for r in &all {
                    writeln!(self.out, "{}", formats::json_line(shown_path, r))?;
                }
                Ok(())
            }
            (Format::Github, _) => {
                for r in all.iter().filter(|r| reported(r)) {
                    writeln!(self.out, "{}", formats::github_line(shown_path, r))?;
                }
                Ok(())
            }
            (Format::Sarif, _) => {
                let results = all
                    .iter()
                    .filter(|r| reported(r))
                    .map(|r| formats::sarif_result(shown_path, r));
                self.sarif.extend(results);
                Ok(())
            }
            (Format::Human, Mode::Diff) => self.diff(path, movement, scanned),
            (Format::Human, Mode::Check) => {
                let (bold, reset) = if self.color { (BOLD, RESET) } else { ("", "") };
                for r in all.iter().filter(|r| self.verbose || reported(r)) {
                    let (line, column) = (r.line, r.column);
                    writeln!(
                        self.out,
                        "{bold}{shown}:{line}:{column}:{reset} {}",
                        r.message()
                    )?;
                }
                Ok(())
            }
            (Format::Human, Mode::Apply) => {
                if !scanned.changes.is_empty() {
                    let names = plural(scanned.changes.len(), "name");
                    writeln!(self.out, "{shown}: {names} renamed")?;
                }
                match movement {
                    Movement::To(new) => writeln!(self.out, "{shown}: moved to {}", new.display()),
                    Movement::Blocked(new, why) | Movement::Linked(new, why) => {
                        writeln!(self.out, "{shown}: not moved to {}: {why}", new.display())
                    }
                    Movement::Stays => Ok(()),
                }
            }
        }
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// A path as a diff names it: from the project's root, where `git
    /// apply` and `patch -p1` read it, whatever the current directory.
    fn diff_path(&self, path: &Path) -> String {
        match &self.diff_root {
            Some((root, cwd)) => walk::relative(&walk::absolute(cwd, path), root)
                .display()
                .to_string(),
            None => path.display().to_string(),
        }
    }

    /// A file the run creates (a compat stub at a moved module's old path),
    /// as `git diff` shows a new file.
    pub fn new_file(&mut self, path: &Path, text: &str) -> io::Result<()> {
        if self.mode != Mode::Diff || self.format != Format::Human {
            return Ok(());
        }
        let path = self.diff_path(path);
        let lines: String = text.lines().map(|l| format!("+{l}\n")).collect();
        let count = text.lines().count();
        write!(
            self.out,
            "diff --git a/{path} b/{path}\nnew file mode 100644\n--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{count} @@\n{lines}"
        )
    }

    /// `diff --git`, rename lines for a move, then the hunks.
    fn diff(&mut self, path: &Path, movement: Movement, s: &Scanned) -> io::Result<()> {
        let new = match movement {
            Movement::To(new) => new,
            _ => path,
        };
        if s.diff.is_none() && new == path {
            return Ok(());
        }
        let (old, new) = (self.diff_path(path), self.diff_path(new));
        let mut diff = format!("diff --git a/{old} b/{new}\n");
        if let Movement::To(_) = movement {
            diff += &format!("rename from {old}\nrename to {new}\n");
        }
        if let Some(hunks) = &s.diff {
            diff += &format!("--- a/{old}\n+++ b/{new}\n{hunks}");
        }
        if !self.color {
            return self.out.write_all(diff.as_bytes());
        }
        for line in diff.split_inclusive('\n') {
            let color = if line.starts_with("diff ")
                || line.starts_with("---")
                || line.starts_with("+++")
            {
                BOLD
            } else if line.starts_with('+') {
                GREEN
            } else if line.starts_with('-') {
                RED
            } else if line.starts_with("@@") {
                CYAN
            } else {
                ""
            };
            match color {
                "" => self.out.write_all(line.as_bytes())?,
                c => writeln!(self.out, "{c}{}{RESET}", line.trim_end_matches('\n'))?,
            }
        }
        Ok(())
    }

    /// The closing summary: on stderr for `diff`, so the patch stays clean.
    pub fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        if let Some(baseline) = &self.baseline {
            let stale = baseline.stale();
            for e in &stale {
                match self.format {
                    Format::Json => {
                        let value = json!({"version": formats::JSON_VERSION, "type": "stale", "path": e.path,
                            "class": e.class, "old": e.old, "new": e.new, "rule": e.rule, "fingerprint": e.fingerprint});
                        writeln!(self.out, "{value}")?;
                    }
                    _ => writeln!(
                        self.out,
                        "{}: stale baseline entry: {} {} → {} no longer occurs (--write-baseline drops it)",
                        e.path, e.class, e.old, e.new
                    )?,
                }
            }
            let line = format!(
                "baseline: {} matched, {} new, {} stale\n",
                baseline.matched,
                summary.new_findings,
                stale.len()
            );
            match self.format {
                Format::Human => self.out.write_all(line.as_bytes())?,
                _ => eprint!("{line}"),
            }
        }
        if self.format == Format::Sarif {
            let log = formats::sarif_log(std::mem::take(&mut self.sarif));
            serde_json::to_writer_pretty(&mut self.out, &log)?;
            writeln!(self.out)?;
        }
        if self.format == Format::Json {
            let mut value = json!({
                "version": formats::JSON_VERSION,
                "type": "summary",
                "files_scanned": summary.scanned,
                "files_changed": summary.changed,
                "renames": summary.renames,
                "findings": summary.findings,
                "kept": summary.kept,
                "reasons": summary.reasons,
                "skipped": summary.skipped,
                "dropped": summary.dropped,
                "syntax_errors": summary.syntax_errors,
                "moves": summary.moves,
                "errors": summary.errors,
            });
            if !summary.ambiguous.is_empty() {
                let ambiguous: Vec<serde_json::Value> = summary
                    .ambiguous
                    .iter()
                    .map(|a| json!({"name": a.name, "definitions": a.definitions}))
                    .collect();
                value["ambiguous"] = json!(ambiguous);
            }
            writeln!(self.out, "{value}")?;
            return self.out.flush();
        }
        let text = summary_text(summary, self.mode);
        // Machine formats keep stdout for themselves; people read stderr.
        if self.mode == Mode::Diff || matches!(self.format, Format::Sarif | Format::Github) {
            self.out.flush()?;
            eprint!("{text}");
            Ok(())
        } else {
            self.out.write_all(text.as_bytes())?;
            self.out.flush()
        }
    }
}
