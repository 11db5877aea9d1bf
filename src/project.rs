//! What the project owns: which imported modules are first-party.
//!
//! First-party: relative imports; Python modules that live in the walked
//! tree (a module `a.b` is ours when some walked file is `…/a/b.py` or
//! `…/a/b/…`); TypeScript specifiers that a `tsconfig.json` `paths` alias or
//! `baseUrl` resolves; and `[project] first_party`. `[keep] modules` forces
//! a module third-party. Everything else is third-party.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use crate::lang::Lang;
use crate::rules::Rules;
use crate::walk::Entry;

pub struct Project {
    /// The walked Python files (absolute paths).
    python_files: Vec<PathBuf>,
    /// Every walked Python file as a module path from each of its
    /// directories (`a.b.c`, `b.c`, `c` for `a/b/c.py`): a module is ours
    /// when it is one of these or a package prefix of one. Built when first
    /// asked, by that worker, so that no file waits for it to start.
    python_modules: OnceLock<BTreeSet<String>>,
    first_party: Vec<String>,
    third_party: Vec<String>,
    /// Nearest tsconfig.json per directory, parsed once.
    tsconfigs: Mutex<HashMap<PathBuf, Option<TsConfig>>>,
}

#[derive(Clone, Debug)]
struct TsConfig {
    /// `paths` keys, as (prefix, has wildcard).
    aliases: Vec<(String, bool)>,
    base_url: Option<PathBuf>,
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
        let python_files = files
            .iter()
            .filter(|f| f.lang == Some(Lang::Python))
            .map(|f| f.abs.clone())
            .collect();
        Project {
            python_files,
            python_modules: OnceLock::new(),
            first_party: rules.first_party.clone(),
            third_party: rules.keep_modules.clone(),
            tsconfigs: Mutex::new(HashMap::new()),
        }
    }

    fn python_modules(&self) -> &BTreeSet<String> {
        self.python_modules.get_or_init(|| {
            let mut modules = BTreeSet::new();
            for file in &self.python_files {
                let mut parts: Vec<String> = file
                    .components()
                    .filter_map(|c| match c {
                        std::path::Component::Normal(s) => s.to_str().map(str::to_string),
                        _ => None,
                    })
                    .collect();
                if let Some(last) = parts.last_mut() {
                    let stem = Path::new(last.as_str())
                        .file_stem()
                        .and_then(|s| s.to_str());
                    *last = stem.unwrap_or_default().to_string();
                }
                if parts.last().is_some_and(|l| l == "__init__") {
                    parts.pop();
                }
                // A `.` inside a directory name (`lib/python3.12`) is no
                // module boundary: written as `/`, which no module name holds.
                let parts: Vec<String> = parts.iter().map(|p| p.replace('.', "/")).collect();
                for start in 0..parts.len() {
                    modules.insert(parts[start..].join("."));
                }
            }
            modules
        })
    }

    /// Is this Python module (as written in an import) third-party?
    pub fn python_third_party(&self, module: &str) -> bool {
        if module.starts_with('.') {
            return false;
        }
        if self.third_party.iter().any(|m| within(module, m, '.')) {
            return true;
        }
        if self.first_party.iter().any(|m| within(module, m, '.')) {
            return false;
        }
        // `a.b` is ours when `a.b` or some `a.b.…` is: `.` sorts before every
        // character of a name, so `a.b.…` follows `a.b` directly.
        let package = format!("{module}.");
        let found = self.python_modules().range(module.to_string()..).next();
        let ours = found.is_some_and(|m| m == module || m.starts_with(&package));
        !ours
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
        if self.first_party.iter().any(|m| within(spec, m, '/')) {
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

impl TsConfig {
    /// Read `compilerOptions.paths` and `baseUrl`. tsconfig allows comments
    /// and trailing commas, which are removed before parsing. A file that
    /// still does not parse counts as no configuration.
    fn read(path: &Path) -> Option<TsConfig> {
        let text = std::fs::read_to_string(path).ok()?;
        let json: serde_json::Value = serde_json::from_str(&strip_jsonc(&text)).ok()?;
        let options = json.get("compilerOptions")?;
        let dir = path.parent()?;
        let base_url = options
            .get("baseUrl")
            .and_then(|b| b.as_str())
            .map(|b| dir.join(b));
        let aliases = options
            .get("paths")
            .and_then(|p| p.as_object())
            .map(|paths| {
                paths
                    .keys()
                    .map(|k| match k.strip_suffix('*') {
                        Some(prefix) => (prefix.to_string(), true),
                        None => (k.clone(), false),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(TsConfig { aliases, base_url })
    }

    fn resolves(&self, spec: &str) -> bool {
        let aliased = self.aliases.iter().any(|(prefix, wildcard)| {
            if *wildcard {
                spec.starts_with(prefix.as_str())
            } else {
                spec == prefix
            }
        });
        aliased
            || self.base_url.as_ref().is_some_and(|base| {
                let target = base.join(spec);
                target.is_dir()
                    || ["ts", "tsx", "js", "jsx", "mts", "cts", "mjs", "cjs", "d.ts"]
                        .iter()
                        .any(|ext| target.with_extension(ext).is_file())
            })
    }
}

/// JSON with comments and trailing commas → JSON.
fn strip_jsonc(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let c = bytes[i];
        if in_string {
            if c == b'\\' && i + 1 < bytes.len() {
                out.push_str(&text[i..i + 2]);
                i += 2;
                continue;
            }
            in_string = c != b'"';
        } else if c == b'"' {
            in_string = true;
        } else if text[i..].starts_with("//") {
            i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
            continue;
        } else if text[i..].starts_with("/*") {
            i = text[i + 2..].find("*/").map_or(bytes.len(), |n| i + n + 4);
            continue;
        } else if c == b',' {
            let rest = text[i + 1..].trim_start();
            if rest.starts_with('}') || rest.starts_with(']') {
                i += 1;
                continue;
            }
        }
        let len = text[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&text[i..i + len]);
        i += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonc_becomes_json() {
        let text = "{ // c\n \"a\": \"x//y\", /* b */ \"p\": [1, 2,], }";
        let v: serde_json::Value = serde_json::from_str(&strip_jsonc(text)).unwrap();
        assert_eq!(v["a"], "x//y");
        assert_eq!(v["p"][1], 2);
    }

    #[test]
    fn python_modules_are_ours_when_walked() {
        let rules = crate::rules::load(&[]).unwrap();
        let entry = |path: &str| Entry {
            path: PathBuf::from(path),
            abs: PathBuf::from(path),
            lang: Lang::from_path(Path::new(path)),
            fixed: 0,
            seen: None,
        };
        let files = [
            entry("/r/lib/python3.12/pkg/sub/mod.py"),
            entry("/r/app/__init__.py"),
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
        ] {
            assert!(!project.python_third_party(ours), "{ours}");
        }
        for theirs in ["python3", "pkg.su", "pkg.sub.mo", "requests", "app.x"] {
            assert!(project.python_third_party(theirs), "{theirs}");
        }
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
