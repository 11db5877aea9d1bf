//! Comments that decide for the lines they mark: `retrace: keep`, and the
//! frame of compatibility code retrace wrote (old names on purpose).

use std::collections::HashSet;

use crate::walk::read::{comment_text, COMMENT_MARKERS};

/// Lines (1-based) of compatibility code: from a `COMPAT_BEGIN` comment to
/// its `COMPAT_END`, or every line of a stub (`COMPAT_STUB` first).
pub(super) fn compat_lines(text: &str) -> std::ops::Range<usize> {
    use crate::model::{is_compat_stub, COMPAT_BEGIN, COMPAT_END};
    if memchr::memmem::find(text.as_bytes(), b"retrace: compat").is_none() {
        return 0..0;
    }
    if is_compat_stub(text) {
        return 1..usize::MAX;
    }
    let mut begin = None;
    let mut end = 0;
    for (i, line) in text.lines().enumerate() {
        if line.contains(COMPAT_BEGIN) && begin.is_none() {
            begin = Some(i + 1);
        }
        if line.contains(COMPAT_END) {
            end = i + 1;
        }
    }
    // One range from the first block's start to the last one's end: blocks
    // are appended at the end of a module, one after another.
    begin.map_or(0..0, |b| b..end + 1)
}

/// Lines (1-based) that a `retrace: keep` comment protects: its own line,
/// and the next one when the comment stands alone on its line.
pub(super) fn kept_lines(text: &str) -> HashSet<usize> {
    let mut out = HashSet::new();
    // memmem's SIMD search: this runs over every file with a hit.
    if memchr::memmem::find(text.as_bytes(), b"retrace: keep").is_none() {
        return out;
    }
    for (i, line) in text.lines().enumerate() {
        let Some(comment) = comment_text(line) else {
            continue;
        };
        let Some(at) = comment.find("retrace: keep") else {
            continue;
        };
        if comment[at..].starts_with("retrace: keep-file") {
            continue;
        }
        out.insert(i + 1);
        let alone = comment
            .trim()
            .trim_end_matches("*/")
            .trim()
            .eq("retrace: keep");
        let only_comment = COMMENT_MARKERS
            .iter()
            .any(|m| line.trim_start().starts_with(m));
        if alone && only_comment {
            out.insert(i + 2);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_comments_protect_their_line_and_the_next() {
        let text = "a = 1  # retrace: keep\n# retrace: keep\nb = 2\nc = 3\n";
        let kept = kept_lines(text);
        assert!(kept.contains(&1) && kept.contains(&2) && kept.contains(&3));
        assert!(!kept.contains(&4));
    }

    #[test]
    fn compat_blocks_and_stubs_are_compat_lines() {
        let text = "a = 1\n# retrace: compat (begin): x\nb = 2\n# retrace: compat (end)\nc = 3\n";
        assert_eq!(compat_lines(text), 2..5);
        let stub = "# retrace: compat: this module moved to a.b\nfrom a.b import *\n";
        assert!(compat_lines(stub).contains(&2));
        assert!(compat_lines("session = 1\n").is_empty());
    }
}
