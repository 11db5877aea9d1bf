//! Reading a source file: its text, or why it is skipped. The walk reads
//! each file once already, on every thread, and keeps only what it saw
//! (`Seen`): most files hold no rule word and need nothing more.

use std::io::Read as _;
use std::path::Path;

use anyhow::{Context as _, Result};

use crate::rules::Prefilter;

/// Files larger than this are skipped, not read.
pub const MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;
const BOM: &str = "\u{feff}";

/// Why a file was not processed. Not an error: counted in the summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skip {
    Binary,
    InvalidUtf8,
    TooLarge,
    KeepFile,
}

impl Skip {
    pub fn name(self) -> &'static str {
        match self {
            Skip::Binary => "binary",
            Skip::InvalidUtf8 => "invalid UTF-8",
            Skip::TooLarge => "over 10 MiB",
            Skip::KeepFile => "retrace: keep-file",
        }
    }
}

/// A source file's whole text (BOM included), or why it is skipped.
pub enum Content {
    Text(String),
    Skipped(Skip),
}

pub fn read(path: &Path) -> Result<Content> {
    // One open for both the size and the content.
    let mut file = std::fs::File::open(path).context("cannot read")?;
    let size = file.metadata().context("cannot read")?.len();
    if size > MAX_FILE_SIZE {
        return Ok(Content::Skipped(Skip::TooLarge));
    }
    let mut bytes = Vec::with_capacity(size as usize + 1);
    // Through `Take`: `File::read_to_end` would ask the size again (one
    // more statx and an lseek for every file walked). A file that grew
    // past the limit since is skipped, never taken for its first part.
    (&mut file)
        .take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .context("cannot read")?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Ok(Content::Skipped(Skip::TooLarge));
    }
    if memchr::memchr(0, &bytes).is_some() {
        return Ok(Content::Skipped(Skip::Binary));
    }
    Ok(match String::from_utf8(bytes) {
        Ok(text) => Content::Text(text),
        Err(_) => Content::Skipped(Skip::InvalidUtf8),
    })
}

/// The byte-order mark (or "") and the text after it.
pub fn split_bom(full: &str) -> (&'static str, &str) {
    match full.strip_prefix(BOM) {
        Some(rest) => (BOM, rest),
        None => ("", full),
    }
}

/// What reading a file during the walk showed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// No rule word: nothing to do.
    Nothing,
    Skipped(Skip),
    /// Rule words: the file, this many bytes, is read again and processed.
    Hits(u64),
}

/// Read `path` and tell whether it needs processing; None when it cannot
/// be read (the error is reported when the file is processed).
pub fn see(path: &Path, prefilter: &Prefilter) -> Option<Seen> {
    Some(match read(path).ok()? {
        Content::Skipped(skip) => Seen::Skipped(skip),
        Content::Text(full) => {
            let (_, text) = split_bom(&full);
            if !prefilter.is_match(text.as_bytes()) {
                Seen::Nothing
            } else if keeps_file(text) {
                Seen::Skipped(Skip::KeepFile)
            } else {
                Seen::Hits(full.len() as u64)
            }
        }
    })
}

pub const COMMENT_MARKERS: [&str; 4] = ["#", "//", "--", "/*"];

/// The text after a comment marker on this line, if any.
pub fn comment_text(line: &str) -> Option<&str> {
    COMMENT_MARKERS
        .iter()
        .filter_map(|m| line.find(m).map(|i| &line[i + m.len()..]))
        .next()
}

/// `retrace: keep-file` in a comment within the first 5 lines.
pub fn keeps_file(text: &str) -> bool {
    text.lines()
        .take(5)
        .any(|l| comment_text(l).is_some_and(|c| c.contains("retrace: keep-file")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_over_the_limit_are_skipped_unread() {
        let dir = tempfile::tempdir().unwrap();
        let (at_limit, over) = (dir.path().join("a.py"), dir.path().join("b.py"));
        let limit = MAX_FILE_SIZE as usize;
        std::fs::write(&at_limit, "x".repeat(limit)).unwrap();
        std::fs::write(&over, "x".repeat(limit + 1)).unwrap();
        assert!(matches!(read(&at_limit).unwrap(), Content::Text(t) if t.len() == limit));
        assert!(matches!(
            read(&over).unwrap(),
            Content::Skipped(Skip::TooLarge)
        ));
    }

    #[test]
    fn keep_file_only_near_the_top() {
        assert!(keeps_file("# header\n// retrace: keep-file\n"));
        assert!(!keeps_file("\n\n\n\n\n# retrace: keep-file\n"));
    }
}
