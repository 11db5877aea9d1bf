//! What the project owns: which imported modules are first-party.
//!
//! First-party: relative imports; Python modules that live in the walked
//! tree (a module `a.b` is ours when some walked file is `…/a/b.py` or
//! `…/a/b/…`); TypeScript specifiers that a `tsconfig.json` `paths` alias or
//! `baseUrl` resolves; the names the project's manifests publish it under
//! (`packages`); and `[project] first_party`. `[keep] modules` forces
//! a module third-party. Everything else is third-party.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use super::augments::Augments;
use super::definitions::Definitions;
use super::history::History;
use super::modules::ModuleTree;
use super::packages::Packages;
use super::symbols::Symbols;
use super::templates::Templates;
use super::tsconfig::TsConfig;
use crate::config::{Prefilter, Rules};
use crate::model::Lang;
use crate::walk::read::Seen;
use crate::walk::Entry;

pub struct Project {
    /// The walked source files (absolute paths), in walk order.
    sources: Vec<(PathBuf, Lang)>,
    /// Where each source file is in `sources`, built when first asked.
    by_path: OnceLock<HashMap<PathBuf, usize>>,
    /// Each source file's top-level definitions, read when first asked.
    definitions: Vec<OnceLock<Definitions>>,
    /// The Python files, as shown, that `symbols` reads: those with rule
    /// words, and those that serialize or model values (the class that
    /// makes another serialized, by being its base or by serializing
    /// values annotated with it, may spell no rule word, and must be found
    /// when a second run reads only the words left).
    python_files: Vec<(PathBuf, String)>,
    /// The TypeScript/JavaScript files with rule words, as shown: what
    /// `augments` reads.
    js_hits: Vec<(PathBuf, String)>,
    /// Members their third party owns, read when first asked.
    augments: OnceLock<Augments>,
    /// The rules' prefilter: the indexes keep only names with a rule word,
    /// the only ones asked about.
    prefilter: Arc<Prefilter>,
    /// The threads an index may read files on (`-j`).
    threads: usize,
    /// Their definitions by name, read when first asked.
    symbols: OnceLock<Symbols>,
    /// The template files: the other ends of names handed to templates.
    pub templates: Templates,
    /// The files that are migration history, never rewritten or moved.
    pub history: History,
    /// The walked Python files' modules. Built when first asked, by that
    /// worker, so that no file waits for it to start.
    python_modules: OnceLock<ModuleTree>,
    first_party: Vec<String>,
    third_party: Vec<String>,
    /// The names the project is published under.
    packages: Packages,
    /// Nearest tsconfig.json per directory, parsed once.
    tsconfigs: Mutex<HashMap<PathBuf, Option<TsConfig>>>,
}

/// `name` is `module` or inside it (`a.b` in `a`; `@x/y/z` in `@x/y`).
fn within(name: &str, module: &str, sep: char) -> bool {
    name == module
        || name
            .strip_prefix(module)
            .is_some_and(|r| r.starts_with(sep))
}

impl Project {
    pub fn new(files: &[Entry], rules: &Rules) -> Project {
        let sources: Vec<(PathBuf, Lang)> = files
            .iter()
            .filter_map(|f| Some((f.abs.clone(), f.lang?)))
            .collect();
        let shown = |f: &Entry| (f.abs.clone(), f.path.display().to_string());
        let js_hits = files
            .iter()
            .filter(|f| {
                matches!(
                    f.lang,
                    Some(Lang::TypeScript | Lang::Tsx | Lang::JavaScript)
                )
            })
            .filter(|f| matches!(f.seen, Some(Seen::Hits(_))))
            .map(shown)
            .collect();
        // A file without a rule word that does not serialize defines
        // nothing the index is asked about.
        let python_files = files
            .iter()
            .filter(|f| f.lang == Some(Lang::Python))
            .filter(|f| {
                !matches!(
                    f.seen,
                    Some(Seen::Nothing { serializes: false } | Seen::Skipped(_))
                )
            })
            .map(shown)
            .collect();
        Project {
            definitions: sources.iter().map(|_| OnceLock::new()).collect(),
            python_files,
            js_hits,
            augments: OnceLock::new(),
            prefilter: rules.shared_prefilter(),
            threads: 1,
            symbols: OnceLock::new(),
            templates: Templates::new(files),
            history: History::new(files, rules),
            sources,
            by_path: OnceLock::new(),
            python_modules: OnceLock::new(),
            first_party: rules.first_party.clone(),
            third_party: rules.keep_modules.clone(),
            packages: Packages::default(),
            tsconfigs: Mutex::new(HashMap::new()),
        }
    }

    /// The project, with the names its manifests at `root` publish it
    /// under as first-party too; returns why any manifest went unread.
    /// A name that holds a rule's word stays third-party: the manifest
    /// keeps it, so an import that spells it must keep it too, and so
    /// must the names such an import binds (`import session_kit`).
    /// This project, whose indexes read files on `threads` threads.
    pub fn with_threads(self, threads: usize) -> Project {
        Project { threads, ..self }
    }

    pub fn with_packages(
        mut self,
        root: &Path,
        files: &[Entry],
        rules: &Rules,
    ) -> (Project, Vec<String>) {
        let mut packages = Packages::read(root, files);
        let unread = std::mem::take(&mut packages.unread);
        let wordless = |name: &String| !rules.prefilter().is_match(name.as_bytes());
        packages.js.retain(wordless);
        packages.python.retain(wordless);
        self.packages = packages;
        (self, unread)
    }

    /// Whether the project is a published package, whose renamed public
    /// names keep their old names for the transition (`[compat]`).
    pub fn published(&self) -> bool {
        self.packages.published
    }

    fn python_first_party(&self, module: &str) -> bool {
        let named = self.first_party.iter().chain(&self.packages.python);
        named.into_iter().any(|m| within(module, m, '.'))
    }

    /// The top-level definitions of the walked source file at `abs`: read
    /// (parsed) when first asked, then kept; None for a file not walked.
    pub fn definitions(&self, abs: &Path) -> Option<&Definitions> {
        let by_path = self.by_path.get_or_init(|| {
            let paths = self.sources.iter().enumerate();
            paths.map(|(i, (path, _))| (path.clone(), i)).collect()
        });
        let &i = by_path.get(abs)?;
        Some(self.definitions[i].get_or_init(|| {
            let (path, lang) = &self.sources[i];
            let text = std::fs::read_to_string(path).unwrap_or_default();
            Definitions::read(*lang, &text)
        }))
    }

    /// The project's Python definitions by name (`Symbols`): read from
    /// every Python file when first asked.
    pub fn symbols(&self) -> &Symbols {
        self.symbols.get_or_init(|| {
            let worded = |name: &str| self.prefilter.is_match(name.as_bytes());
            Symbols::new(&self.python_files, &worded, self.threads)
        })
    }

    /// Members a third party owns (`Augments`): read from every
    /// TypeScript/JavaScript file with rule words when first asked.
    pub fn augments(&self) -> &Augments {
        self.augments.get_or_init(|| {
            let worded = |name: &str| self.prefilter.is_match(name.as_bytes());
            Augments::new(&self.js_hits, worded, |spec, file| {
                self.js_third_party(spec, file)
            })
        })
    }

    /// Is this module (as written in an import of a file at `file`)
    /// third-party?
    pub fn third_party(&self, lang: Lang, module: &str, file: &Path) -> bool {
        match lang {
            Lang::Python => self.python_third_party(module),
            _ => self.js_third_party(module, file),
        }
    }

    /// Is this Python module (as written in an import) third-party?
    pub fn python_third_party(&self, module: &str) -> bool {
        if module.starts_with('.') {
            return false;
        }
        if self.third_party.iter().any(|m| within(module, m, '.')) {
            return true;
        }
        if self.python_first_party(module) {
            return false;
        }
        !self.python_modules().contains(module)
    }

    /// The third-party module a dotted target (`mock.patch`'s
    /// `"stripe.checkout.Session.create"`: a module, then attributes)
    /// belongs to; None when it is the project's. The longest prefix the
    /// project knows decides (`[keep] modules`, `[project] first_party`, a
    /// walked module: `pkg.session` in `pkg.session.Session.create`); a
    /// target none of whose prefixes it knows is its root module's.
    pub fn python_target_owner<'t>(&'t self, target: &'t str) -> Option<&'t str> {
        if target.starts_with('.') {
            return None;
        }
        let ends = target.match_indices('.').map(|(i, _)| i);
        let prefixes: Vec<&str> = ends.chain([target.len()]).map(|i| &target[..i]).collect();
        for prefix in prefixes.iter().rev() {
            if let Some(module) = self.third_party.iter().find(|m| within(prefix, m, '.')) {
                return Some(module);
            }
            if self.python_first_party(prefix) || self.python_modules().contains(prefix) {
                return None;
            }
        }
        prefixes.first().copied()
    }

    fn python_modules(&self) -> &ModuleTree {
        self.python_modules.get_or_init(|| {
            let python = self
                .sources
                .iter()
                .filter(|(_, lang)| *lang == Lang::Python);
            ModuleTree::new(python.map(|(path, _)| path.as_path()))
        })
    }

    /// Is this JavaScript/TypeScript import specifier third-party, seen
    /// from the file at `file` (absolute)?
    pub fn js_third_party(&self, spec: &str, file: &Path) -> bool {
        if spec.starts_with('.') || spec.starts_with('/') {
            return false;
        }
        if self.third_party.iter().any(|m| within(spec, m, '/')) {
            return true;
        }
        let named = self.first_party.iter().chain(&self.packages.js);
        if named.into_iter().any(|m| within(spec, m, '/')) {
            return false;
        }
        let Some(dir) = file.parent() else {
            return true;
        };
        match self.tsconfig(dir) {
            Some(config) => !config.resolves(spec),
            None => true,
        }
    }

    fn tsconfig(&self, dir: &Path) -> Option<TsConfig> {
        let cache = || self.tsconfigs.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = cache().get(dir) {
            return found.clone();
        }
        let config = dir.join("tsconfig.json");
        let found = if config.is_file() {
            TsConfig::read(&config)
        } else {
            dir.parent().and_then(|parent| self.tsconfig(parent))
        };
        cache().insert(dir.to_path_buf(), found.clone());
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_modules_are_ours_when_walked() {
        let rules = crate::config::load(&[]).unwrap();
        let entry = |path: &str| Entry {
            path: PathBuf::from(path),
            abs: PathBuf::from(path),
            lang: Lang::from_path(Path::new(path)),
            root_parts: 0,
            named: Some(0),
            seen: None,
        };
        let files = [
            entry("/r/lib/python3.12/pkg/sub/mod.py"),
            entry("/r/app/__init__.py"),
            entry("/r/a/x/b.py"),
            entry("/r/c/a/y.py"),
        ];
        let project = Project::new(&files, &rules);
        for ours in [
            "pkg",
            "pkg.sub",
            "pkg.sub.mod",
            "sub.mod",
            "mod",
            "app",
            ".x",
            "a.y",
            "x.b",
            "c.a.y",
            "python3/12.pkg",
        ] {
            assert!(!project.python_third_party(ours), "{ours}");
        }
        for theirs in [
            "python3",
            "pkg.su",
            "pkg.sub.mo",
            "requests",
            "app.x",
            "a.b",
            "y.a",
            "",
        ] {
            assert!(project.python_third_party(theirs), "{theirs}");
        }
    }

    #[test]
    fn definitions_are_read_when_first_asked_and_only_then() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("a.py"),
            "def start_session(session_id):\n    pass\n",
        )
        .unwrap();
        std::fs::write(root.join("b.ts"), "export function f(x: number) {}\n").unwrap();
        std::fs::write(root.join("c.txt"), "def g(): pass\n").unwrap();
        let rules = crate::config::load(&[]).unwrap();
        let files: Vec<Entry> = ["a.py", "b.ts", "c.txt"]
            .iter()
            .map(|name| Entry {
                path: PathBuf::from(name),
                abs: root.join(name),
                lang: Lang::from_path(Path::new(name)),
                root_parts: 0,
                named: Some(0),
                seen: None,
            })
            .collect();
        let project = Project::new(&files, &rules);
        let read = |p: &Project| p.definitions.iter().filter(|d| d.get().is_some()).count();
        assert_eq!(read(&project), 0, "nothing is read up front");
        let a = project.definitions(&root.join("a.py")).unwrap();
        assert_eq!(a.items[0].name, "start_session");
        assert_eq!(a.items[0].params[0].name, "session_id");
        assert_eq!(read(&project), 1, "only the file asked about");
        assert!(project.definitions(&root.join("c.txt")).is_none());
        let b = project.definitions(&root.join("b.ts")).unwrap();
        assert_eq!(b.items[0].name, "f");
        assert_eq!(read(&project), 2);
    }

    #[test]
    fn dotted_targets_belong_to_their_longest_known_prefix() {
        let mut rules = crate::config::load(&[]).unwrap();
        rules.keep_modules.push("pkg.vendored".to_string());
        let entry = |path: &str| Entry {
            path: PathBuf::from(path),
            abs: PathBuf::from(path),
            lang: Lang::from_path(Path::new(path)),
            root_parts: 0,
            named: Some(0),
            seen: None,
        };
        let files = [entry("/r/pkg/session.py"), entry("/r/pkg/vendored/x.py")];
        let project = Project::new(&files, &rules);
        for ours in [
            "pkg.session.Session.create",
            "pkg.session",
            ".session.Session",
        ] {
            assert_eq!(project.python_target_owner(ours), None, "{ours}");
        }
        for (theirs, module) in [
            ("stripe.checkout.Session.create", "stripe"),
            ("stripe", "stripe"),
            ("pkg.vendored.x.Session", "pkg.vendored"),
        ] {
            assert_eq!(
                project.python_target_owner(theirs),
                Some(module),
                "{theirs}"
            );
        }
    }

    #[test]
    fn published_names_are_ours_unless_they_hold_a_rule_word() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("package.json"), r#"{"name": "session-kit"}"#).unwrap();
        std::fs::write(
            root.join("pyproject.toml"),
            "[project]\nname = \"my-sdk\"\n",
        )
        .unwrap();
        let bundled = crate::config::Source::Bundled {
            base: root.to_path_buf(),
        };
        let rules = crate::config::load(&[bundled]).unwrap();
        let (project, unread) = Project::new(&[], &rules).with_packages(root, &[], &rules);
        assert!(unread.is_empty());
        assert!(!project.python_third_party("my_sdk.client"));
        assert_eq!(project.python_target_owner("my_sdk.Session.x"), None);
        let file = root.join("examples/a.ts");
        assert!(project.js_third_party("session-kit", &file));
    }

    #[test]
    fn modules_within() {
        assert!(within("sqlalchemy.orm", "sqlalchemy", '.'));
        assert!(!within("sqlalchemyx", "sqlalchemy", '.'));
        assert!(within(
            "@supabase/supabase-js",
            "@supabase/supabase-js",
            '/'
        ));
    }
}
