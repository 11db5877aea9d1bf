//! Edits: byte ranges and their replacements, applied in one pass.

use std::ops::Range;

use anyhow::{ensure, Result};

use crate::model::Edit;

/// Apply edits sorted by position; overlapping edits are a bug upstream
/// and refused rather than guessed at.
pub fn apply(text: &str, edits: &[Edit]) -> Result<String> {
    splice(text, 0..text.len(), edits)
}

/// `text[range]` with `edits` (sorted, inside `range`) applied: one line
/// of a diff.
pub fn apply_within(text: &str, range: Range<usize>, edits: &[Edit]) -> String {
    splice(text, range.clone(), edits).unwrap_or_else(|_| text[range].to_string())
}

fn splice(text: &str, range: Range<usize>, edits: &[Edit]) -> Result<String> {
    let mut out = String::with_capacity(range.len() + edits.len() * 8);
    let mut last = range.start;
    for e in edits {
        ensure!(
            e.range.start >= last && e.range.end <= range.end,
            "overlapping or out-of-range edit at byte {}",
            e.range.start
        );
        out.push_str(&text[last..e.range.start]);
        out.push_str(&e.replacement);
        last = e.range.end;
    }
    out.push_str(&text[last..range.end]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(range: Range<usize>, s: &str) -> Edit {
        Edit {
            range,
            replacement: s.into(),
        }
    }

    #[test]
    fn applies_in_one_pass_and_touches_nothing_else() {
        let text = "a session, b session\r\n";
        let out = apply(text, &[edit(2..9, "trace"), edit(13..20, "trace")]).unwrap();
        assert_eq!(out, "a trace, b trace\r\n");
    }

    #[test]
    fn refuses_overlaps() {
        assert!(apply("abcdef", &[edit(0..3, "x"), edit(2..4, "y")]).is_err());
    }
}
