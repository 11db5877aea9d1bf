//! Files a run reads but does not change: those outside the PATHs given
//! (a pre-commit hook names a few files; the project is still the whole
//! repository) and, in `apply`, read-only ones. A rename in a changed
//! file that one of them would need too is reported instead of half-made.
//! Migration history is never changed either, but only its imports hold
//! anything back (the project's names they import, and the moves they
//! follow): the other names it spells are renamed elsewhere, since a
//! schema changes by a new migration, not by rewriting the applied ones.
//!
//! Until the project index knows which names are linked across files,
//! "would need" is judged by spelling: a name renamed as code or string in
//! a frozen file is not renamed in any other file either (comments never
//! link files), and a move that a frozen file's imports follow is not made.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::definers::Definer;

/// Why a file does not change in this run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// Not below any of the PATHs given.
    NotNamed,
    /// Read-only, and `apply` was not given `--force-readonly`.
    ReadOnly,
    /// Migration history (`index::history`).
    History,
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Why::NotNamed => "is not among the PATHs given",
            Why::ReadOnly => "is read-only",
            Why::History => "is migration history",
        })
    }
}

/// A frozen file, shown with why it stays: `app/session.py, which is read-only`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    pub file: PathBuf,
    pub why: Why,
}

impl fmt::Display for Held {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, which {}", self.file.display(), self.why)
    }
}

impl Held {
    /// Why the file needs a name it spells: `app/session.py, which is
    /// read-only, renames it too`; history imports the name.
    pub fn needs(&self) -> String {
        let how = match self.why {
            Why::History => "imports it",
            Why::NotNamed | Why::ReadOnly => "renames it too",
        };
        format!("{self}, {how}")
    }
}

/// What frozen files still spell: names they would rename, each with the
/// first such file in path order.
#[derive(Debug, Default)]
pub struct Frozen {
    names: HashMap<String, Held>,
    /// Their top-level definitions of names with a rule word: senses of
    /// the word, whichever files a run changes.
    pub defined: Vec<Definer>,
}

impl Frozen {
    /// Record that `file` would rename `name` (as code or a string).
    pub fn add(&mut self, name: &str, file: &Path, why: Why) {
        if !self.names.contains_key(name) {
            let held = Held {
                file: file.to_path_buf(),
                why,
            };
            self.names.insert(name.to_string(), held);
        }
    }

    /// The frozen file that still spells `name`, if any.
    pub fn holding(&self, name: &str) -> Option<&Held> {
        self.names.get(name)
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}
