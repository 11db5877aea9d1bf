//! Where the project defines names with a rule word at the top level of a
//! module, and which of those definitions a file means by a name. Two
//! modules that define one name (a product `Session` and an auth
//! `Session`) are two senses of its word: `survey` counts each apart, and
//! the closing summary of `check` and `diff` says so until the rules
//! decide which one they mean.
//!
//! Definitions are found where files with hits are processed anyway
//! (`model::Defined`, from the head of the line before each identifier);
//! a file means the definition it makes itself, else the one it imports
//! the name from (`from app.auth.models import Session`, `import {
//! Session } from './session'`), read from its import statements.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;

use crate::model::{Defined, Lang};
use crate::paths;

/// One top-level definition of a name with a rule word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Definer {
    pub name: String,
    /// `class`, `function`, `interface`, `type` or `enum`.
    pub kind: &'static str,
    /// The file, as shown.
    pub path: PathBuf,
    pub abs: PathBuf,
    pub line: usize,
    /// Python, or TypeScript/JavaScript: a name of one never means a
    /// definition of the other.
    pub python: bool,
    /// Python: the dotted module (`app.auth.models`); otherwise the file
    /// as shown.
    pub module: String,
}

impl Definer {
    /// The definition `d` made in the file `path` (as shown; `abs`) of
    /// `lang`, in the project whose root is `root`.
    pub fn new(d: &Defined, path: &Path, abs: &Path, lang: Lang, root: &Path) -> Definer {
        let python = lang == Lang::Python;
        let module = match python {
            true => python_module(abs, root),
            false => path.display().to_string(),
        };
        Definer {
            name: d.name.to_string(),
            kind: d.kind,
            path: path.to_path_buf(),
            abs: abs.to_path_buf(),
            line: d.line,
            python,
            module,
        }
    }

    /// What makes two definitions one: the module (a `.pyi` stub beside
    /// its `.py`, a `.d.ts` beside its `.js` declare what it defines).
    fn module_key(&self) -> (bool, String) {
        match self.python {
            true => (true, self.module.clone()),
            false => (
                false,
                strip_source_extension(&self.path).display().to_string(),
            ),
        }
    }

    /// `app.session.Session`; `web/lib/session.ts Session`.
    pub fn label(&self) -> String {
        match self.python {
            true => format!("{}.{}", self.module, self.name),
            false => format!("{} {}", self.module, self.name),
        }
    }
}

/// The dotted module of the Python file `abs`: its packages (directories
/// with an `__init__.py`) up to the first that is none; a file outside
/// any package is named by its path from the project's root (without a
/// leading `src/`), as a namespace package's module is.
pub fn python_module(abs: &Path, root: &Path) -> String {
    let stem = abs.file_stem().map(|s| s.to_string_lossy().into_owned());
    let mut parts: Vec<String> = stem.into_iter().filter(|s| s != "__init__").collect();
    let mut dir = abs.parent();
    let in_package = |d: &Path| d.join("__init__.py").is_file() || d.join("__init__.pyi").is_file();
    match dir.is_some_and(in_package) {
        true => {
            while let Some(d) = dir.filter(|d| in_package(d) && d.starts_with(root)) {
                parts.push(
                    d.file_name()
                        .map_or(String::new(), |n| n.to_string_lossy().into_owned()),
                );
                dir = d.parent();
            }
            parts.reverse();
        }
        false => {
            let relative = paths::relative(abs.parent().unwrap_or(root), root);
            let dirs = relative.components().filter_map(|c| match c {
                Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                _ => None,
            });
            let mut dirs: Vec<String> = dirs.collect();
            if dirs.first().is_some_and(|d| d == "src") {
                dirs.remove(0);
            }
            dirs.extend(parts);
            parts = dirs;
        }
    }
    parts.join(".")
}

/// Every definition found, by name.
#[derive(Debug, Default)]
pub struct Definers {
    by_name: BTreeMap<String, Vec<Definer>>,
}

impl Definers {
    /// Add a definition; a second one of the same module (a stub or a
    /// declaration file beside it, TypeScript's declaration merging) is
    /// the same one.
    pub fn add(&mut self, d: Definer) {
        let known = self.by_name.entry(d.name.clone()).or_default();
        let key = d.module_key();
        if !known.iter().any(|k| k.module_key() == key) {
            known.push(d);
            known.sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
        }
    }

    /// The definitions of `name` that code of one family (Python, or
    /// TypeScript/JavaScript) can mean.
    pub fn of(&self, name: &str, python: bool) -> Vec<&Definer> {
        let all = self.by_name.get(name).map_or(&[][..], Vec::as_slice);
        all.iter().filter(|d| d.python == python).collect()
    }

    /// The definition of `name` made by the file `abs` (or by the stub or
    /// declaration file beside it), if any.
    pub fn made_by<'d>(of: &[&'d Definer], abs: &Path) -> Option<&'d Definer> {
        let module = strip_source_extension(abs);
        of.iter()
            .copied()
            .find(|d| strip_source_extension(&d.abs) == module)
    }

    /// Names that two or more modules of one family define, with those
    /// definitions, by name.
    pub fn shared(&self) -> Vec<Vec<&Definer>> {
        let mut out = Vec::new();
        for name in self.by_name.keys() {
            for python in [true, false] {
                let of = self.of(name, python);
                if of.len() > 1 {
                    out.push(of);
                }
            }
        }
        out
    }
}

/// Which of the definitions of a name an import of it means.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved<'d> {
    /// The one its specifier names best.
    One(&'d Definer),
    /// Several, as well as each other (a package that holds them all).
    Several,
    /// None: the specifier names no module that defines it (a submodule
    /// of that name, another package's name).
    None,
}

/// Of `definers` (of one name and family), the one that a file at `abs`
/// that imports the name from `spec` means: the best match of the
/// specifier, if one stands out.
pub fn resolve<'d>(definers: &[&'d Definer], abs: &Path, spec: &str) -> Resolved<'d> {
    let scored: Vec<(u8, &Definer)> = definers
        .iter()
        .map(|d| (score(d, abs, spec), *d))
        .filter(|(s, _)| *s > 0)
        .collect();
    let Some(best) = scored.iter().map(|(s, _)| *s).max() else {
        return Resolved::None;
    };
    let mut top = scored.iter().filter(|(s, _)| *s == best);
    match (top.next(), top.next()) {
        (Some((_, d)), None) => Resolved::One(d),
        _ => Resolved::Several,
    }
}

/// How well `spec`, imported by the file `abs`, names the module of `d`:
/// 4 exactly, 3 by its tail, 2 by a shorter tail, 1 as the package it is
/// in (which re-exports it, perhaps); 0 not at all.
fn score(d: &Definer, abs: &Path, spec: &str) -> u8 {
    let dir = abs.parent().unwrap_or(Path::new("/"));
    let module_path = strip_source_extension(&d.abs);
    let index = |p: &Path| {
        let name = p.file_name().and_then(|n| n.to_str());
        matches!(name, Some("__init__" | "index")).then(|| p.parent().map(Path::to_path_buf))
    };
    let target = index(&module_path).flatten().unwrap_or(module_path.clone());
    // A path the specifier names: the module itself, or a package it is in.
    let by_path = |candidate: &Path| match () {
        _ if candidate == target || candidate == module_path => 4,
        _ if target.starts_with(candidate) => 1,
        _ => 0,
    };
    if d.python {
        if let Some(rest) = spec.strip_prefix('.') {
            // `.models` is beside the file; each further dot goes up one.
            let up = rest.len() - rest.trim_start_matches('.').len();
            let mut base = dir.to_path_buf();
            for _ in 0..up {
                base.pop();
            }
            let rest = rest.trim_start_matches('.');
            let parts = rest.split('.').filter(|p| !p.is_empty());
            return by_path(&parts.fold(base, |b, p| b.join(p)));
        }
        let module = &d.module;
        return match () {
            _ if module == spec => 4,
            _ if module.ends_with(&format!(".{spec}")) => 3,
            _ if spec.ends_with(&format!(".{module}")) => 2,
            _ if module.starts_with(&format!("{spec}.")) => 1,
            _ => 0,
        };
    }
    let spec = strip_source_extension(Path::new(spec));
    let spec = spec.to_string_lossy();
    if spec.starts_with('.') {
        return by_path(&paths::absolute(dir, Path::new(&*spec)));
    }
    // An alias (`@/lib/session`, `~/lib/session`) names a path below
    // some directory of the project: its tail must match.
    let tail = spec.split_once('/').map_or(&*spec, |(_, t)| t);
    let shown = target.to_string_lossy();
    match () {
        _ if shown.ends_with(&format!("/{spec}")) => 3,
        _ if shown.ends_with(&format!("/{tail}")) => 2,
        _ => 0,
    }
}

/// What names a TypeScript declaration file (`a/b.d.ts`).
pub const DECLARATION_SUFFIXES: [&str; 3] = [".d.ts", ".d.mts", ".d.cts"];

/// A path without the extension of a source file (`a/b.ts` → `a/b`,
/// `a/b.d.ts` → `a/b`).
pub fn strip_source_extension(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy());
    for declaration in DECLARATION_SUFFIXES {
        if let Some(stem) = name.as_deref().and_then(|n| n.strip_suffix(declaration)) {
            return path.with_file_name(stem);
        }
    }
    let known = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e,
            "py" | "pyi" | "ts" | "tsx" | "mts" | "cts" | "js" | "jsx" | "mjs" | "cjs"
        )
    });
    match known {
        true => path.with_extension(""),
        false => path.to_path_buf(),
    }
}

/// One name a file imports by name: `from M import original as bound`,
/// `import { original as bound } from 'M'`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    pub bound: String,
    pub original: String,
    pub module: String,
}

/// The names a file imports by name (`from M import N`; `import { N }
/// from 'M'`, `import N from 'M'`), where `wanted` says the name bound or
/// the name imported is asked about.
pub fn imports(lang: Lang, text: &str, wanted: &dyn Fn(&str) -> bool) -> Vec<Import> {
    static PY: OnceLock<Regex> = OnceLock::new();
    static JS: OnceLock<Regex> = OnceLock::new();
    let (regex, python) = match lang {
        Lang::Python => (
            PY.get_or_init(|| {
                Regex::new(r"(?m)^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)")
                    .expect("a valid regex")
            }),
            true,
        ),
        Lang::TypeScript | Lang::Tsx | Lang::JavaScript => (
            JS.get_or_init(|| {
                Regex::new(r#"(?m)^[ \t]*(?:import|export)\s+(?:type\s+)?([^;'"`()=]*?)\s*\bfrom\s*['"]([^'"\n]+)['"]"#)
                    .expect("a valid regex")
            }),
            false,
        ),
        Lang::Sql => return Vec::new(),
    };
    let is_name = |n: &str| {
        !n.is_empty()
            && n.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
    };
    let mut out = Vec::new();
    for found in regex.captures_iter(text) {
        let (module, names) = match python {
            true => (&found[1], &found[2]),
            false => (&found[2], &found[1]),
        };
        let names = names.split('#').next().unwrap_or_default();
        let names = names.replace(['(', ')', '{', '}', '\\', '\n'], ",");
        for part in names.split(',') {
            let part = part.trim().trim_start_matches("type ").trim();
            let (original, bound) = match part.split_once(" as ") {
                Some((original, alias)) => (original.trim(), alias.trim()),
                None => (part, part),
            };
            if is_name(original) && is_name(bound) && (wanted(bound) || wanted(original)) {
                out.push(Import {
                    bound: bound.to_string(),
                    original: original.to_string(),
                    module: module.to_string(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn definer(path: &str, python: bool, module: &str) -> Definer {
        Definer {
            name: "Session".to_string(),
            kind: "class",
            path: PathBuf::from(path),
            abs: PathBuf::from("/r").join(path),
            line: 1,
            python,
            module: module.to_string(),
        }
    }

    #[test]
    fn imports_are_read_by_name() {
        let read =
            |lang, text: &str, wanted: &dyn Fn(&str) -> bool| -> Vec<(String, String, String)> {
                let found = imports(lang, text, wanted).into_iter();
                found.map(|i| (i.bound, i.original, i.module)).collect()
            };
        let t = |b: &str, o: &str, m: &str| (b.to_string(), o.to_string(), m.to_string());
        let all = |_: &str| true;
        let py = "from app.session import Session, get as g\nfrom .models import (\n    Session as AuthSession,\n    Other,\n)\nimport os\n";
        assert_eq!(
            read(Lang::Python, py, &all),
            [
                t("Session", "Session", "app.session"),
                t("g", "get", "app.session"),
                t("AuthSession", "Session", ".models"),
                t("Other", "Other", ".models")
            ]
        );
        let ts = "import { Session, type ISession, x as y } from './session';\nimport Card from \"@/ui/card\";\nexport { Session as S } from './s';\nconst a = b;\n/**\n * import { Doc } from 'doc';\n */\n";
        assert_eq!(
            read(Lang::TypeScript, ts, &|n: &str| n != "x" && n != "y"),
            [
                t("Session", "Session", "./session"),
                t("ISession", "ISession", "./session"),
                t("Card", "Card", "@/ui/card"),
                t("S", "Session", "./s")
            ]
        );
    }

    #[test]
    fn a_specifier_resolves_to_the_module_it_names() {
        let product = definer("app/session.py", true, "app.session");
        let auth = definer("app/auth/models.py", true, "app.auth.models");
        let both = [&product, &auth];
        let views = Path::new("/r/app/auth/views.py");
        let one = |d| Resolved::One(d);
        assert_eq!(resolve(&both, views, ".models"), one(&auth));
        assert_eq!(resolve(&both, views, "..session"), one(&product));
        assert_eq!(resolve(&both, views, "app.session"), one(&product));
        assert_eq!(resolve(&both, views, "auth.models"), one(&auth));
        assert_eq!(resolve(&both, views, "sqlalchemy.orm"), Resolved::None);
        let reexported = resolve(&both, views, "app.auth");
        assert_eq!(reexported, one(&auth), "a package re-exports it");
        let several = resolve(&both, views, "app");
        assert_eq!(several, Resolved::Several, "both are in app");
        let lib = definer("web/lib/session.ts", false, "web/lib/session.ts");
        let auth = definer(
            "web/auth/session/index.ts",
            false,
            "web/auth/session/index.ts",
        );
        let both = [&lib, &auth];
        let page = Path::new("/r/web/app/page.tsx");
        assert_eq!(resolve(&both, page, "../lib/session"), one(&lib));
        assert_eq!(resolve(&both, page, "../auth/session"), one(&auth));
        assert_eq!(resolve(&both, page, "@/lib/session"), one(&lib));
        assert_eq!(resolve(&both, page, "next-auth"), Resolved::None);
        let types = definer("web/dist/types.d.ts", false, "web/dist/types.d.ts");
        let dist = Path::new("/r/web/dist/client.d.ts");
        assert_eq!(resolve(&[&types, &lib], dist, "./types"), one(&types));
    }

    #[test]
    fn python_modules_are_named_by_their_packages() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("src/app/auth")).unwrap();
        std::fs::create_dir_all(root.join("scripts")).unwrap();
        for init in ["src/app/__init__.py", "src/app/auth/__init__.py"] {
            std::fs::write(root.join(init), "").unwrap();
        }
        let module = |p: &str| python_module(&root.join(p), root);
        assert_eq!(module("src/app/auth/models.py"), "app.auth.models");
        assert_eq!(module("src/app/auth/__init__.py"), "app.auth");
        assert_eq!(module("scripts/run.py"), "scripts.run");
        assert_eq!(module("src/tool.py"), "tool");
    }
}
