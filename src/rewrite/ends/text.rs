//! Text files retrace does not edit (Markdown, YAML, Dockerfiles,
//! templates, INI, JSON …) that name a moved path: each place is
//! reported, so that a move never leaves a stale path without a finding.

use std::ops::Range;
use std::path::Path;

use super::Renamed;

/// Extensions of the text files that may name a project path.
const TEXT_EXTENSIONS: [&str; 17] = [
    "md",
    "markdown",
    "rst",
    "txt",
    "yaml",
    "yml",
    "toml",
    "cfg",
    "ini",
    "json",
    "html",
    "htm",
    "jinja",
    "jinja2",
    "j2",
    "dockerfile",
    "env",
];

/// Is this a text file that may name a project path?
pub fn is_text(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    name == "Dockerfile"
        || name.starts_with("Dockerfile.")
        || name == "Makefile"
        || TEXT_EXTENSIONS.iter().any(|e| ext.eq_ignore_ascii_case(e))
}

/// The comments of a TOML text (`#` outside a string, to the line's end).
pub fn toml_comments(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let mut quote: Option<char> = None;
        let mut escaped = false;
        for (i, c) in line.char_indices() {
            match (quote, c) {
                (Some('"'), '\\') if !escaped => {
                    escaped = true;
                    continue;
                }
                (Some(q), c) if c == q && !escaped => quote = None,
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => {
                    out.push(start + i..start + line.len());
                    break;
                }
                _ => {}
            }
            escaped = false;
        }
        start += line.len();
    }
    out
}

/// One place a text names a moved path.
#[derive(Debug, PartialEq, Eq)]
pub struct Named {
    pub at: usize,
    pub old: String,
    pub new: String,
}

/// The places the file `path` (its `text`) names a moved path, outside
/// the `skip` ranges (already edited), each once: as a path from the
/// project's root, or from the file's own directory.
pub fn named_paths(
    path: &Path,
    text: &str,
    renamed: &Renamed,
    skip: &[Range<usize>],
) -> Vec<Named> {
    let dir = super::dir_of(path);
    let mut needles: Vec<(String, String)> = Vec::new();
    for (old, new) in &renamed.prefixes {
        let forms = [Some((old.as_path(), new.as_path())), {
            let rel = old.strip_prefix(dir).ok();
            let new_dir = renamed
                .lookup(dir)
                .map_or_else(|| dir.to_path_buf(), |(d, _)| d);
            rel.zip(new.strip_prefix(&new_dir).ok())
                .filter(|_| !dir.as_os_str().is_empty())
        }];
        for (o, n) in forms.into_iter().flatten() {
            if let (Some(o), Some(n)) = (o.to_str(), n.to_str()) {
                // A bare name (`session`) is a word in prose: it names the
                // path only as `session/` (below).
                needles.push((o.to_string(), n.to_string()));
            }
        }
    }
    // Longest first: `src/session/a.js` is one finding, not also `src/session`.
    needles.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
    needles.dedup_by(|a, b| a.0 == b.0);
    let mut taken: Vec<Range<usize>> = skip.to_vec();
    let mut out = Vec::new();
    for (old, new) in needles {
        for at in memchr::memmem::find_iter(text.as_bytes(), old.as_bytes()) {
            let range = at..at + old.len();
            let bare = !old.contains(['/', '.']);
            if (bare && text.as_bytes().get(range.end) != Some(&b'/'))
                || !bounded(text, &range)
                || taken
                    .iter()
                    .any(|t| t.start < range.end && range.start < t.end)
            {
                continue;
            }
            taken.push(range);
            out.push(Named {
                at,
                old: old.clone(),
                new: new.clone(),
            });
        }
    }
    out.sort_by_key(|n| n.at);
    out
}

/// Is `range` a whole path in `text`: not part of a longer name on
/// either side (`src/session` in `src/sessions` or `mysrc/session` is
/// not)? A `.` after it is a sentence's end, not an extension, when no
/// name character follows.
fn bounded(text: &str, range: &Range<usize>) -> bool {
    let bytes = text.as_bytes();
    let name = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let before = range.start.checked_sub(1).map(|i| bytes[i]);
    let after = bytes.get(range.end).copied();
    let after_next = bytes.get(range.end + 1).copied();
    let clean_before = before.is_none_or(|b| !name(b) && b != b'.');
    let clean_after = match after {
        None => true,
        Some(b'.') => after_next.is_none_or(|b| !name(b)),
        Some(b) => !name(b),
    };
    clean_before && clean_after
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::moves::Moves;
    use std::path::PathBuf;

    #[test]
    fn moved_paths_are_found_whole_and_once() {
        let mut moves = Moves::default();
        moves.to.insert(
            PathBuf::from("src/session/index.js"),
            PathBuf::from("src/trace/index.js"),
        );
        let r = Renamed::new(&moves);
        let text = "See src/session/index.js and `src/session/`.\nNot src/sessions, nor mysrc/session.\nEnd: src/session.";
        let found = named_paths(Path::new("README.md"), text, &r, &[]);
        let olds: Vec<&str> = found.iter().map(|n| n.old.as_str()).collect();
        assert_eq!(olds, ["src/session/index.js", "src/session", "src/session"]);
        let in_src = named_paths(Path::new("src/NOTES.md"), "run session/index.js", &r, &[]);
        assert_eq!(in_src[0].new, "trace/index.js");
    }

    #[test]
    fn toml_comments_are_found_outside_strings() {
        let text = "# a\npaths = [\"a#b\", 'c#d'] # e\nx = \"q\\\"#\" # f\n";
        let comments: Vec<&str> = toml_comments(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(comments, ["# a\n", "# e\n", "# f\n"]);
    }
}
