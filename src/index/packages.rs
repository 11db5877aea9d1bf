//! The project's own packages under their published names.
//!
//! An example or a test inside a repository imports the repository's
//! package by the name it is published under (`import { Session } from
//! 'my-lib'`, `from my_sdk import Session`), which no relative import or
//! walked directory spells. Those names come from the manifests at the
//! project's root: `package.json` `name` and the packages of its
//! `workspaces`; `pyproject.toml` `[project] name` (as an import name:
//! `my-sdk` → `my_sdk`), Poetry's name, the packages it declares, and the
//! members of a uv workspace. A manifest that cannot be read or parsed
//! names nothing.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::walk::Entry;

/// The published names of the project's packages.
#[derive(Debug, Default)]
pub struct Packages {
    /// `package.json` names: import specifiers (`my-lib`, `@acme/ui`).
    pub js: Vec<String>,
    /// Python import names (`my_sdk`).
    pub python: Vec<String>,
    /// Manifests that could not be read or parsed, and why: they name no
    /// package, and the run goes on.
    pub unread: Vec<String>,
    /// The root is a published package (SPEC, compatibility): a
    /// `package.json` with a name and not `"private": true`, or a
    /// `pyproject.toml` with a project name, or a `setup.py`.
    pub published: bool,
}

impl Packages {
    /// Read the manifests at `root` and those of the workspace members
    /// among the walked `files`.
    pub fn read(root: &Path, files: &[Entry]) -> Packages {
        let mut packages = Packages {
            published: root.join("setup.py").is_file(),
            ..Packages::default()
        };
        if let Some(json) = packages.json(&root.join("package.json")) {
            let private = json.get("private").and_then(|p| p.as_bool()) == Some(true);
            packages.published |= package_name(&json).is_some() && !private;
            packages.js.extend(package_name(&json));
            let members = workspaces(&json);
            for manifest in members_manifests(root, files, "package.json", &members) {
                let json = packages.json(&manifest);
                packages.js.extend(json.as_ref().and_then(package_name));
            }
        }
        if let Some(toml) = packages.toml(&root.join("pyproject.toml")) {
            let named = |at: &[&str]| toml_at(&toml, at).is_some_and(|n| n.is_str());
            packages.published |= named(&["project", "name"]) || named(&["tool", "poetry", "name"]);
            packages.python.extend(python_names(&toml));
            let members = strings(toml_at(&toml, &["tool", "uv", "workspace", "members"]));
            for manifest in members_manifests(root, files, "pyproject.toml", &members) {
                let toml = packages.toml(&manifest);
                packages.python.extend(toml.iter().flat_map(python_names));
            }
        }
        packages.js.sort();
        packages.js.dedup();
        packages.python.sort();
        packages.python.dedup();
        packages
    }

    fn json(&mut self, path: &Path) -> Option<serde_json::Value> {
        let read = read_manifest(path, |text| Ok(serde_json::from_str(text)?));
        self.noted(read)
    }

    fn toml(&mut self, path: &Path) -> Option<toml::Value> {
        let read = read_manifest(path, |text| Ok(toml::from_str(text)?));
        self.noted(read)
    }

    /// The manifest read, or None, with why it could not be noted.
    fn noted<T>(&mut self, read: Result<Option<T>>) -> Option<T> {
        read.unwrap_or_else(|e| {
            self.unread.push(format!("{e:#}"));
            None
        })
    }
}

/// A manifest's contents; None when there is none.
fn read_manifest<T>(path: &Path, parse: impl FnOnce(&str) -> Result<T>) -> Result<Option<T>> {
    if !path.is_file() {
        return Ok(None);
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let value = parse(&text).with_context(|| format!("cannot parse {}", path.display()))?;
    Ok(Some(value))
}

fn package_name(json: &serde_json::Value) -> Option<String> {
    let name = json.get("name")?.as_str()?;
    (!name.is_empty()).then(|| name.to_string())
}

/// `workspaces`: a list of globs, or Yarn's `{ "packages": [...] }`.
fn workspaces(json: &serde_json::Value) -> Vec<String> {
    let Some(w) = json.get("workspaces") else {
        return Vec::new();
    };
    let list = w.as_array().or_else(|| w.get("packages")?.as_array());
    let globs = list.into_iter().flatten().filter_map(|g| g.as_str());
    globs.map(str::to_string).collect()
}

/// The import names a `pyproject.toml` gives its packages: the project's
/// name as an import name, and the packages it lists.
fn python_names(toml: &toml::Value) -> Vec<String> {
    let mut out = Vec::new();
    for name in [&["project", "name"][..], &["tool", "poetry", "name"]] {
        if let Some(name) = toml_at(toml, name).and_then(|n| n.as_str()) {
            out.push(name.replace(['-', '.'], "_"));
            out.push(name.replace(['-', '.'], "_").to_lowercase());
        }
    }
    // setuptools: `packages = ["my_sdk", "my_sdk.sub"]`, `package-dir`'s keys.
    out.extend(strings(toml_at(toml, &["tool", "setuptools", "packages"])));
    if let Some(dirs) = toml_at(toml, &["tool", "setuptools", "package-dir"]) {
        let keys = dirs.as_table().into_iter().flat_map(|t| t.keys());
        out.extend(keys.filter(|k| !k.is_empty()).cloned());
    }
    // Poetry: `packages = [{ include = "my_sdk", from = "src" }]`.
    let poetry = toml_at(toml, &["tool", "poetry", "packages"]).and_then(|p| p.as_array());
    let included = poetry
        .into_iter()
        .flatten()
        .filter_map(|p| p.get("include"));
    out.extend(included.filter_map(|i| i.as_str()).map(str::to_string));
    // Hatch: `packages = ["src/my_sdk"]`: the import name is the last part.
    let hatch = toml_at(
        toml,
        &["tool", "hatch", "build", "targets", "wheel", "packages"],
    );
    let paths = strings(hatch);
    out.extend(
        paths
            .iter()
            .filter_map(|p| p.rsplit('/').next())
            .map(str::to_string),
    );
    // Only names an import can spell (not `*`, nor a path).
    let importable = |n: &String| {
        !n.is_empty()
            && n.split('.')
                .all(|p| p.chars().all(|c| c.is_alphanumeric() || c == '_'))
    };
    out.retain(importable);
    out
}

fn toml_at<'t>(toml: &'t toml::Value, keys: &[&str]) -> Option<&'t toml::Value> {
    keys.iter().try_fold(toml, |v, k| v.get(k))
}

/// A TOML array's strings.
fn strings(value: Option<&toml::Value>) -> Vec<String> {
    let list = value.and_then(|v| v.as_array());
    let items = list.into_iter().flatten().filter_map(|s| s.as_str());
    items.map(str::to_string).collect()
}

/// The walked manifests named `manifest` whose directory (relative to
/// `root`) a workspace glob in `members` matches and no `!glob` excludes.
fn members_manifests(
    root: &Path,
    files: &[Entry],
    manifest: &str,
    members: &[String],
) -> Vec<PathBuf> {
    let (excluded, included): (Vec<&String>, Vec<&String>) =
        members.iter().partition(|g| g.starts_with('!'));
    let set = |globs: &[&String]| {
        let mut builder = GlobSetBuilder::new();
        for g in globs {
            // A glob that does not parse is no member: npm would refuse it.
            if let Ok(glob) = Glob::new(g.trim_start_matches('!').trim_end_matches('/')) {
                builder.add(glob);
            }
        }
        builder.build().unwrap_or_else(|_| GlobSet::empty())
    };
    let (included, excluded) = (set(&included), set(&excluded));
    if included.is_empty() {
        return Vec::new();
    }
    let member = |dir: &Path| included.is_match(dir) && !excluded.is_match(dir);
    let manifests = files
        .iter()
        .filter(|f| f.abs.file_name().is_some_and(|n| n == manifest));
    let dirs = manifests.filter_map(|f| Some((f, f.abs.parent()?.strip_prefix(root).ok()?)));
    dirs.filter(|(_, dir)| !dir.as_os_str().is_empty() && member(dir))
        .map(|(f, _)| f.abs.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_names_and_workspace_members_are_read_from_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |path: &str, text: &str| {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
            path
        };
        let files: Vec<Entry> = [
            write("package.json", r#"{"name": "my-lib", "workspaces": ["packages/*", "!packages/skip"]}"#),
            write("packages/ui/package.json", r#"{"name": "@acme/ui"}"#),
            write("packages/skip/package.json", r#"{"name": "skipped"}"#),
            write("node_modules/dep/package.json", r#"{"name": "dep"}"#),
            write(
                "pyproject.toml",
                "[project]\nname = \"My-SDK\"\n[tool.setuptools.package-dir]\nsdk_core = \"core\"\n",
            ),
        ]
        .into_iter()
        .map(|abs| Entry {
            path: abs.strip_prefix(root).unwrap().to_path_buf(),
            abs,
            lang: None,
            root_parts: 0,
            named: Some(0),
            seen: None,
        })
        .collect();
        let packages = Packages::read(root, &files);
        assert_eq!(packages.js, ["@acme/ui", "my-lib"]);
        assert_eq!(packages.python, ["My_SDK", "my_sdk", "sdk_core"]);
        assert!(packages.unread.is_empty());
        write("package.json", "{");
        let broken = Packages::read(root, &files);
        assert!(broken.js.is_empty());
        assert!(
            broken.unread[0].starts_with("cannot parse"),
            "{:?}",
            broken.unread
        );
    }
}
