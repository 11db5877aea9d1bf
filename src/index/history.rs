//! Migration history: the directories that hold applied migrations.
//! Editing one changes nothing in a deployed database and breaks the next
//! deploy, so files in them are never rewritten or moved; what the rules
//! would change there is kept, with the reason `history`.
//!
//! The directories are found by their names and what they hold
//! (`DEFAULTS`), from the walked files alone; `[files] history` globs add
//! files, and `history_default = false` leaves only those.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::config::{PathGlobs, Rules};
use crate::walk::Entry;

/// What a default history directory must hold, besides its name.
#[derive(Clone, Copy, Debug)]
enum Holds {
    /// Nothing more: its name says enough.
    Anything,
    /// A Django app's migrations: `__init__.py` and numbered modules
    /// (`0001_initial.py`).
    DjangoMigrations,
    /// Timestamp- or number-prefixed SQL files (`20230101000000_init.sql`,
    /// `0001_init.sql`).
    NumberedSql,
}

/// The default history directories: how a directory's path ends, and
/// what it must hold.
const DEFAULTS: [(&str, Holds); 6] = [
    ("supabase/migrations", Holds::Anything),
    ("alembic/versions", Holds::Anything),
    ("prisma/migrations", Holds::Anything),
    // Rails and its imitators.
    ("db/migrate", Holds::Anything),
    ("migrations", Holds::DjangoMigrations),
    ("migrations", Holds::NumberedSql),
];

/// Is `dir` a history directory, if `files` are the names of the files
/// directly in it?
fn is_history_dir(dir: &Path, files: &[&str]) -> bool {
    DEFAULTS.iter().any(|(ends, holds)| {
        dir.ends_with(ends)
            && match holds {
                Holds::Anything => true,
                Holds::DjangoMigrations => {
                    files.contains(&"__init__.py") && files.iter().any(|f| numbered(f, "py"))
                }
                Holds::NumberedSql => files.iter().any(|f| numbered(f, "sql")),
            }
    })
}

/// `0001_init.sql`, `20230101000000_init.sql`, `001-init.sql`, `7.sql`:
/// digits first, then a separator or the extension.
fn numbered(file: &str, extension: &str) -> bool {
    let Some(stem) = file
        .strip_suffix(extension)
        .and_then(|s| s.strip_suffix('.'))
    else {
        return false;
    };
    let rest = stem.trim_start_matches(|c: char| c.is_ascii_digit());
    rest.len() < stem.len() && (rest.is_empty() || rest.starts_with(['_', '-', '.']))
}

/// The project's migration history.
#[derive(Debug, Default)]
pub struct History {
    /// Detected history directories (absolute). A directory is history by
    /// where it is and what it holds, wherever the project's root is.
    dirs: HashSet<PathBuf>,
    /// `[files] history`.
    globs: Vec<PathGlobs>,
}

impl History {
    /// The history directories among the walked `files` (none when
    /// `history_default = false`), and the rules' history globs.
    pub fn new(files: &[Entry], rules: &Rules) -> History {
        let mut history = History {
            dirs: HashSet::new(),
            globs: rules.history.clone(),
        };
        if !rules.history_default {
            return history;
        }
        // Only a directory with a default's last name can be one: most
        // paths are passed over at a glance.
        let names: Vec<&str> = DEFAULTS
            .iter()
            .filter_map(|(ends, _)| ends.rsplit('/').next())
            .collect();
        let named = |dir: &Path| {
            dir.file_name()
                .is_some_and(|n| names.iter().any(|m| n == *m))
        };
        // Each candidate directory, with the names of the files directly in it.
        let mut candidates: BTreeMap<&Path, Vec<&str>> = BTreeMap::new();
        for entry in files {
            for dir in entry.abs.ancestors().skip(1).filter(|d| named(d)) {
                let files = candidates.entry(dir).or_default();
                if entry.abs.parent() == Some(dir) {
                    files.extend(entry.abs.file_name().and_then(|n| n.to_str()));
                }
            }
        }
        history.dirs = candidates
            .into_iter()
            .filter(|(dir, files)| is_history_dir(dir, files))
            .map(|(dir, _)| dir.to_path_buf())
            .collect();
        history
    }

    /// Is `entry` migration history: in a history directory, or named by
    /// a `[files] history` glob?
    pub fn contains(&self, entry: &Entry) -> bool {
        self.globs.iter().any(|g| g.matches(&entry.abs))
            || (!self.dirs.is_empty() && entry.abs.ancestors().any(|d| self.dirs.contains(d)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_directories_are_known_by_name_and_by_what_they_hold() {
        let history = |dir: &str, files: &[&str]| is_history_dir(Path::new(dir), files);
        assert!(history("supabase/migrations", &[]));
        assert!(history("apps/api/alembic/versions", &["1a2b3c_add.py"]));
        assert!(history("prisma/migrations", &["migration_lock.toml"]));
        assert!(history("db/migrate", &["20230101000000_create.rb"]));
        assert!(history("migrations", &["0001_init.sql"]));
        assert!(history("db/migrations", &["20230101000000_init.sql"]));
        assert!(history(
            "shop/migrations",
            &["__init__.py", "0001_initial.py"]
        ));
        // Not history: no numbered migration, or not its directory.
        assert!(!history("migrations", &["helpers.sql"]));
        assert!(!history("migrations", &["v2_sessions.sql", "seed.sql"]));
        assert!(!history("shop/migrations", &["0001_initial.py"]));
        assert!(!history("shop/migrations", &["__init__.py", "utils.py"]));
        assert!(!history("sql", &["0001_init.sql"]));
        assert!(!history("migrations/old", &["0001_init.sql"]));
        assert!(!history("not_supabase/migrations", &[]));
    }

    /// A walked file at `path` from the root `base`.
    fn entry(base: &Path, path: &str) -> Entry {
        Entry {
            path: PathBuf::from(path),
            abs: base.join(path),
            lang: crate::model::Lang::from_path(Path::new(path)),
            root_parts: 0,
            named: Some(0),
            seen: None,
        }
    }

    #[test]
    fn files_below_a_history_directory_or_named_by_a_glob_are_history() {
        let paths = [
            "prisma/migrations/20230101_init/migration.sql",
            "prisma/schema.prisma",
            "shop/migrations/__init__.py",
            "shop/migrations/0001_initial.py",
            "tools/migrations/helpers.sql",
            "db/legacy/sessions.sql",
        ];
        let history_of = |toml: &str| {
            let rules = crate::config::load_str(toml).unwrap();
            let base = rules
                .history
                .first()
                .map_or(PathBuf::from("/p"), |g| g.base().to_path_buf());
            let files: Vec<Entry> = paths.iter().map(|p| entry(&base, p)).collect();
            let history = History::new(&files, &rules);
            let kept = files.iter().filter(|e| history.contains(e));
            kept.map(|e| e.path.display().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            history_of(""),
            [paths[0], paths[2], paths[3]],
            "the detected directories"
        );
        let globs = "[files]\nhistory = [\"db/legacy/**\"]\n";
        assert_eq!(history_of(globs), [paths[0], paths[2], paths[3], paths[5]]);
        let only = format!("{globs}history_default = false\n");
        assert_eq!(history_of(&only), [paths[5]], "the globs alone");
    }

    #[test]
    fn numbered_files_start_with_digits_and_a_separator() {
        for yes in ["0001_init.sql", "001-init.sql", "7.sql", "2023.01.01.sql"] {
            assert!(numbered(yes, "sql"), "{yes}");
        }
        for no in [
            "init.sql",
            "v1_init.sql",
            "1init.sql",
            "0001_init.py",
            "sql",
        ] {
            assert!(!numbered(no, "sql"), "{no}");
        }
    }
}
