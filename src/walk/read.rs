//! Reading a source file: its text, or why it is skipped. The walk reads
//! each file once already, on every thread, and keeps only what it saw
//! (`Seen`): most files hold no rule word and need nothing more.

use std::cell::RefCell;
use std::io::Read as _;
use std::path::Path;

use anyhow::{Context as _, Result};

use crate::config::Prefilter;
use crate::model::Skip;

/// Files larger than this are skipped, not read.
pub const MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;
const BOM: &str = "\u{feff}";

/// How far a read goes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// Until the file gives less than asked: where a regular file ends on
    /// local file systems, one `read` for most files. For a look only (the
    /// walk's prefilter): a network or FUSE file system may give less
    /// before the end, and the look would miss what follows.
    Short,
    /// Until the file gives nothing: its whole text, whatever the file
    /// system, for what may be written back.
    End,
}

/// Read `path` (as far as `until` says) and give `f` its whole text (BOM
/// included), or why it is skipped. The text lives in a buffer this thread
/// reuses from file to file, so that a read needs neither the file's size
/// first (a `statx` for every file walked) nor fresh memory. (`f` must not
/// read through `with_text` itself: the buffer is in use.)
pub fn with_text<T>(
    path: &Path,
    until: Until,
    f: impl FnOnce(Result<&str, Skip>) -> T,
) -> Result<T> {
    thread_local! {
        // Zeroed once, and kept whole: only the part read is the text.
        static BUFFER: RefCell<Vec<u8>> = RefCell::new(vec![0; FIRST_BUFFER]);
    }
    BUFFER.with_borrow_mut(|buffer| {
        let text = match read_into(path, buffer, until)? {
            Err(skip) => Err(skip),
            Ok(len) => std::str::from_utf8(&buffer[..len]).map_err(|_| Skip::InvalidUtf8),
        };
        let out = f(text);
        // A big file's buffer is not kept for the next one.
        if buffer.len() > KEPT_BUFFER {
            *buffer = vec![0; FIRST_BUFFER];
        }
        Ok(out)
    })
}

/// The buffer's size at first, and the largest kept after use.
const FIRST_BUFFER: usize = 64 * 1024;
const KEPT_BUFFER: usize = 4 * 1024 * 1024;

/// Read `path` into the start of `buffer`, grown as needed; its length, or
/// why it is skipped (over the size limit, binary).
fn read_into(path: &Path, buffer: &mut Vec<u8>, until: Until) -> Result<Result<usize, Skip>> {
    let mut file = std::fs::File::open(path).context("cannot read")?;
    // At most one byte past the limit: a larger file is skipped, never
    // taken for its first part.
    let limit = MAX_FILE_SIZE as usize + 1;
    // Most files end within the buffer kept from the last one.
    let mut len = 0;
    let mut ended = false;
    while !ended && len < buffer.len() {
        let want = buffer.len() - len;
        match file.read(&mut buffer[len..]) {
            Ok(n) => {
                len += n;
                ended = match until {
                    Until::Short => n < want,
                    Until::End => n == 0,
                };
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e).context("cannot read"),
        }
    }
    if !ended {
        // A bigger file: the rest is appended by `read_to_end`, which reads
        // into new memory without zeroing it first.
        buffer.truncate(len);
        let rest = (limit - len) as u64;
        (&mut file)
            .take(rest)
            .read_to_end(buffer)
            .context("cannot read")?;
        len = buffer.len();
    }
    if len == limit {
        return Ok(Err(Skip::TooLarge));
    }
    Ok(match memchr::memchr(0, &buffer[..len]) {
        Some(_) => Err(Skip::Binary),
        None => Ok(len),
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
    /// No rule word: nothing to do. A Python file that serializes or
    /// models values (`SERIALIZES`) is still read by the project index.
    Nothing {
        serializes: bool,
    },
    Skipped(Skip),
    /// Rule words: the file, this many bytes, is read again and processed.
    Hits(u64),
}

/// Read `path` and tell whether it needs processing; None when it cannot
/// be read (the error is reported when the file is processed).
pub fn see(path: &Path, prefilter: &Prefilter, python: bool) -> Option<Seen> {
    let seen = with_text(path, Until::Short, |text| match text {
        Err(skip) => Seen::Skipped(skip),
        Ok(full) => {
            let (_, text) = split_bom(full);
            if !prefilter.is_match(text.as_bytes()) {
                let serializes = python && SERIALIZING.is_match(text.as_bytes());
                Seen::Nothing { serializes }
            } else if keeps_file(text) {
                Seen::Skipped(Skip::KeepFile)
            } else {
                Seen::Hits(full.len() as u64)
            }
        }
    });
    seen.ok()
}

/// What serializes a Python value by introspection, or models one to be
/// serialized: a class's attributes are wire keys where these are.
pub const SERIALIZES: [&str; 7] = [
    "__dict__",
    "vars(",
    "asdict(",
    "astuple(",
    "model_dump(",
    "BaseModel",
    "dataclass",
];

/// The regex crate's SIMD literal search, not an automaton: over the
/// corpus's Python files without a rule word it takes about 1.5 ms where
/// `AhoCorasick::new` took 10 (see `Prefilter` for the same measure).
static SERIALIZING: std::sync::LazyLock<regex::bytes::Regex> = std::sync::LazyLock::new(|| {
    let alternatives: Vec<String> = SERIALIZES.iter().map(|s| regex::escape(s)).collect();
    regex::bytes::Regex::new(&alternatives.join("|")).expect("fixed patterns build")
});

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
        let length = |path| with_text(path, Until::End, |t| t.map(str::len)).unwrap();
        assert_eq!(length(&at_limit), Ok(limit));
        assert_eq!(length(&over), Err(Skip::TooLarge));
    }

    #[test]
    fn files_of_every_size_are_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        // Around the buffer's first size and its growth, and a short file
        // after a long one (the buffer is reused).
        for size in [
            0,
            1,
            FIRST_BUFFER - 1,
            FIRST_BUFFER,
            FIRST_BUFFER + 1,
            3 * FIRST_BUFFER,
            5,
        ] {
            let path = dir.path().join(format!("{size}.py"));
            let text: String = (0..size)
                .map(|i| char::from(b'a' + (i % 26) as u8))
                .collect();
            std::fs::write(&path, &text).unwrap();
            for until in [Until::Short, Until::End] {
                let read = with_text(&path, until, |t| t.map(str::to_string)).unwrap();
                assert_eq!(read.as_deref(), Ok(text.as_str()), "{size} bytes");
            }
        }
    }

    #[test]
    fn keep_file_only_near_the_top() {
        assert!(keeps_file("# header\n// retrace: keep-file\n"));
        assert!(!keeps_file("\n\n\n\n\n# retrace: keep-file\n"));
    }
}
