//! Unified diffs built from the edits themselves, not by diffing texts.
//!
//! Every edit replaces a word or name inside one line with another (rules
//! map words to words), so old and new lines correspond one to one and a
//! hunk is just the changed lines with their context. That makes a diff
//! linear in the file's size however many lines change, where a general
//! text diff is not, and it gives each hunk the edits it holds: the
//! interactive review accepts hunks as sets of edits. The output is what
//! `git diff` prints: `-` lines of a run before its `+` lines, three lines
//! of context, hunks merged when at most six unchanged lines part them.

use std::ops::Range;

use crate::model::Edit;

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// One hunk: its text (header and lines) and the edits it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk {
    pub text: String,
    /// Indices into the edits the hunks were made from.
    pub edits: Range<usize>,
}

/// The hunks of a unified diff of applying `edits` (sorted) to `old`, one
/// after another: what follows the `---` and `+++` lines. Edits that span
/// or add lines (compatibility blocks) take the general text diff.
pub fn unified(old: &str, edits: &[Edit]) -> String {
    let multiline = |e: &Edit| e.replacement.contains('\n') || old[e.range.clone()].contains('\n');
    if edits.iter().any(multiline) {
        return general(old, edits);
    }
    hunks(old, edits).into_iter().map(|h| h.text).collect()
}

/// `similar`'s line diff, in the same shape: hunks only.
fn general(old: &str, edits: &[Edit]) -> String {
    let Ok(new) = crate::rewrite::edit::apply(old, edits) else {
        return String::new();
    };
    let diff = similar::TextDiff::from_lines(old, &new);
    let mut out = String::new();
    for hunk in diff.unified_diff().context_radius(CONTEXT).iter_hunks() {
        out.push_str(&hunk.to_string());
    }
    out
}

/// The hunks of applying `edits` (sorted, each within one line) to `text`.
pub fn hunks(text: &str, edits: &[Edit]) -> Vec<Hunk> {
    let lines = changed_lines(text, edits);
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=lines.len() {
        // A hunk ends where more than twice the context parts two changes.
        let ends = i == lines.len() || lines[i].number - lines[i - 1].number > 2 * CONTEXT + 1;
        if ends {
            out.push(hunk(text, edits, &lines[start..i]));
            start = i;
        }
    }
    out
}

/// A line that edits change: its 0-based number, its range in the text
/// (newline included) and its edits.
struct Changed {
    number: usize,
    range: Range<usize>,
    edits: Range<usize>,
}

/// The lines the edits fall on, in order, counting newlines once.
fn changed_lines(text: &str, edits: &[Edit]) -> Vec<Changed> {
    let bytes = text.as_bytes();
    let mut out: Vec<Changed> = Vec::new();
    let (mut counted, mut number) = (0, 0);
    for (i, edit) in edits.iter().enumerate() {
        let at = edit.range.start;
        if let Some(last) = out.last_mut().filter(|l| l.range.contains(&at)) {
            last.edits.end = i + 1;
            continue;
        }
        number += bytecount::count(&bytes[counted..at], b'\n');
        counted = at;
        let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |p| p + 1);
        out.push(Changed {
            number,
            range: start..line_end(bytes, at),
            edits: i..i + 1,
        });
    }
    out
}

/// The end of the line holding byte `at`, after its newline if it has one.
fn line_end(bytes: &[u8], at: usize) -> usize {
    memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |p| at + p + 1)
}

/// The start of the line `back` lines before the one starting at `start`
/// (fewer at the start of the text), and how many lines that went back.
fn lines_before(bytes: &[u8], start: usize, back: usize) -> (usize, usize) {
    let (mut at, mut went) = (start, 0);
    while went < back && at > 0 {
        at = memchr::memrchr(b'\n', &bytes[..at - 1]).map_or(0, |p| p + 1);
        went += 1;
    }
    (at, went)
}

/// One hunk over consecutive changed lines no more than 2 × CONTEXT + 1
/// apart.
fn hunk(text: &str, edits: &[Edit], lines: &[Changed]) -> Hunk {
    let bytes = text.as_bytes();
    let (first, last) = (&lines[0], &lines[lines.len() - 1]);
    let (from, before) = lines_before(bytes, first.range.start, CONTEXT);
    let mut body = String::new();
    let mut count = context(&mut body, text, from..first.range.start);
    let mut i = 0;
    while i < lines.len() {
        // A run of adjacent changed lines: all `-` lines, then all `+`.
        let mut run = i + 1;
        while run < lines.len() && lines[run].number == lines[run - 1].number + 1 {
            run += 1;
        }
        for line in &lines[i..run] {
            push_line(&mut body, '-', &text[line.range.clone()]);
        }
        for line in &lines[i..run] {
            let new =
                super::edit::apply_within(text, line.range.clone(), &edits[line.edits.clone()]);
            push_line(&mut body, '+', &new);
        }
        count += run - i;
        if let Some(next) = lines.get(run) {
            count += context(&mut body, text, lines[run - 1].range.end..next.range.start);
        }
        i = run;
    }
    let mut after = last.range.end;
    for _ in 0..CONTEXT {
        if after < bytes.len() {
            after = line_end(bytes, after);
        }
    }
    count += context(&mut body, text, last.range.end..after);
    let start = first.number - before + 1;
    let range = match count {
        1 => format!("{start}"),
        n => format!("{start},{n}"),
    };
    Hunk {
        text: format!("@@ -{range} +{range} @@\n{body}"),
        edits: first.edits.start..last.edits.end,
    }
}

/// The whole lines of `range` as context lines; how many there were.
fn context(body: &mut String, text: &str, range: Range<usize>) -> usize {
    let (mut at, mut count) = (range.start, 0);
    while at < range.end {
        let end = line_end(text.as_bytes(), at);
        push_line(body, ' ', &text[at..end]);
        count += 1;
        at = end;
    }
    count
}

/// A diff line: its sign and text, and git's marker when the text has no
/// final newline (the last line of a file without one).
fn push_line(out: &mut String, sign: char, line: &str) {
    out.push(sign);
    out.push_str(line);
    if !line.ends_with('\n') {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edits_of(text: &str, word: &str, to: &str) -> Vec<Edit> {
        text.match_indices(word)
            .map(|(at, _)| Edit {
                range: at..at + word.len(),
                replacement: to.into(),
            })
            .collect()
    }

    /// What the general text diff prints for the same change.
    fn reference(old: &str, edits: &[Edit]) -> String {
        let new = crate::rewrite::edit::apply(old, edits).unwrap();
        similar::TextDiff::from_lines(old, &new)
            .unified_diff()
            .context_radius(3)
            .header("a/f", "b/f")
            .to_string()
    }

    #[test]
    fn hunks_match_a_text_diff() {
        let many: String = (0..40)
            .map(|i| match i % 9 {
                0 | 1 => format!("session {i}\n"),
                _ => format!("line {i}\n"),
            })
            .collect();
        for text in [
            "session\n",
            "a\nsession",
            "session\nb\nc\nd\ne\nf\ng\nh\nsession\n",
            "session\nb\nc\nd\ne\nf\ng\nsession\n",
            "x\r\nsession session\r\ny\r\n",
            "a\nb\nc\nd\ne\nsession\nf\ng\nh\ni\n",
            many.as_str(),
        ] {
            let edits = edits_of(text, "session", "trace");
            let ours = format!("--- a/f\n+++ b/f\n{}", unified(text, &edits));
            assert_eq!(ours, reference(text, &edits), "{text:?}");
        }
    }

    #[test]
    fn each_hunk_knows_its_edits() {
        let text = "session\n1\n2\n3\n4\n5\n6\n7\nsession session\n";
        let edits = edits_of(text, "session", "trace");
        let got: Vec<Range<usize>> = hunks(text, &edits).into_iter().map(|h| h.edits).collect();
        assert_eq!(got, [0..1, 1..3]);
    }
}
