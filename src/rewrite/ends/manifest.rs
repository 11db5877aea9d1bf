//! Manifests name files and modules by path: `package.json` (`main`,
//! `exports` …), `tsconfig.json` (`paths`, `include`, `files`),
//! `pyproject.toml` (scripts, entry points, package lists) and `setup.cfg`.
//! Where a key the tools read names a moved path or module, its string is
//! edited in place: only the bytes of that string change, so the file
//! keeps its formatting, comments and key order. Strings with escapes are
//! left alone (rewriting them would change more than the path).

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml_edit::{ImDocument, Item, Value};

use super::json::{self, JsonString};
use super::Renamed;

/// A manifest the tools read paths from, by its file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    PackageJson,
    TsConfig,
    PyProject,
    SetupCfg,
}

impl Kind {
    pub fn of(path: &Path) -> Option<Kind> {
        let name = path.file_name()?.to_str()?;
        Some(match name {
            "package.json" => Kind::PackageJson,
            "pyproject.toml" => Kind::PyProject,
            "setup.cfg" => Kind::SetupCfg,
            "jsconfig.json" => Kind::TsConfig,
            _ if name.starts_with("tsconfig") && name.ends_with(".json") => Kind::TsConfig,
            _ => return None,
        })
    }
}

/// One string of a manifest to rewrite, and the moved file it follows.
#[derive(Debug)]
pub struct PathEdit {
    pub range: Range<usize>,
    pub new: String,
    pub by: PathBuf,
}

/// Why a manifest could not be read: a byte offset and a message.
#[derive(Debug)]
pub struct Bad {
    pub at: usize,
    pub message: String,
}

/// The edits the moves make to the manifest `text` of the directory `base`.
pub fn edits(kind: Kind, text: &str, base: &Path, renamed: &Renamed) -> Result<Vec<PathEdit>, Bad> {
    let mut out = match kind {
        Kind::PackageJson | Kind::TsConfig => {
            let strings = json::strings(text).map_err(|e| Bad {
                at: e.at,
                message: format!("not valid JSON ({})", e.message),
            })?;
            json_edits(kind, text, &strings, base, renamed)
        }
        Kind::PyProject => pyproject(text, base, renamed)?,
        Kind::SetupCfg => setup_cfg(text, base, renamed),
    };
    out.sort_by_key(|e| e.range.start);
    out.dedup_by_key(|e| e.range.start);
    Ok(out)
}

fn json_edits(
    kind: Kind,
    text: &str,
    strings: &[JsonString],
    base: &Path,
    renamed: &Renamed,
) -> Vec<PathEdit> {
    // `paths` are relative to `baseUrl` where there is one.
    let base_url = strings
        .iter()
        .find(|s| s.keys == ["compilerOptions", "baseUrl"])
        .map(|s| base.join(&text[s.range.clone()]));
    let mut out = Vec::new();
    for s in strings {
        let keys: Vec<&str> = s.keys.iter().map(String::as_str).collect();
        let from = match (kind, keys.as_slice()) {
            (Kind::PackageJson, ["main" | "module" | "types" | "typings" | "browser"])
            | (Kind::PackageJson, ["bin" | "files"] | ["bin", _])
            | (Kind::PackageJson, ["exports", ..])
            | (Kind::TsConfig, ["include" | "files" | "exclude"]) => base.to_path_buf(),
            (Kind::TsConfig, ["compilerOptions", "paths", _]) => {
                base_url.clone().unwrap_or_else(|| base.to_path_buf())
            }
            _ => continue,
        };
        out.extend(path_edit(text, s.range.clone(), &from, renamed));
    }
    out
}

/// The edit of the path string at `range`, if the moves change it.
fn path_edit(text: &str, range: Range<usize>, base: &Path, renamed: &Renamed) -> Option<PathEdit> {
    let written = &text[range.clone()];
    if written.contains('\\') {
        return None;
    }
    let (new, by) = renamed.path_in(base, written)?;
    Some(PathEdit {
        range,
        new,
        by: by.to_path_buf(),
    })
}

/// The edit of a dotted module (with a glob tail, or an entry point's
/// `module:attr`) written at `range`, trying each package root in turn.
fn module_edit(
    text: &str,
    range: Range<usize>,
    base: &Path,
    roots: &[String],
    renamed: &Renamed,
) -> Option<PathEdit> {
    let written = &text[range.clone()];
    let lead = written.len() - written.trim_start().len();
    let module = written[lead..]
        .split([':', ' ', '['])
        .next()
        .unwrap_or_default();
    let at = range.start + lead;
    roots.iter().find_map(|root| {
        let (new, by) = renamed.module_in(base, root, module)?;
        Some(PathEdit {
            range: at..at + module.len(),
            new,
            by: by.to_path_buf(),
        })
    })
}

/// A TOML string value's text between its quotes, when that is its value
/// (one-line, no escapes).
fn toml_string(text: &str, value: &Value) -> Option<Range<usize>> {
    let Value::String(s) = value else {
        return None;
    };
    let span = s.span()?;
    let raw = text.get(span.clone())?;
    let quote = raw.chars().next()?;
    let plain = matches!(quote, '"' | '\'')
        && raw.len() >= 2
        && raw.ends_with(quote)
        && !raw.starts_with("\"\"\"")
        && !raw.starts_with("'''")
        && raw[1..raw.len() - 1] == *s.value();
    plain.then(|| span.start + 1..span.end - 1)
}

/// The item at `keys` below `item`.
fn at<'i>(item: &'i Item, keys: &[&str]) -> Option<&'i Item> {
    keys.iter().try_fold(item, |i, k| i.get(k))
}

/// Every string value directly in `item`: itself, an array's elements,
/// or a table's values.
fn values(item: Option<&Item>) -> Vec<&Value> {
    let Some(item) = item else {
        return Vec::new();
    };
    if let Some(table) = item.as_table_like() {
        return table.iter().filter_map(|(_, i)| i.as_value()).collect();
    }
    match item.as_value() {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
        None => Vec::new(),
    }
}

/// A table of tables (`[project.entry-points.group]`): each inner item.
fn groups(item: Option<&Item>) -> Vec<&Item> {
    let Some(table) = item.and_then(Item::as_table_like) else {
        return Vec::new();
    };
    table.iter().map(|(_, i)| i).collect()
}

fn pyproject(text: &str, base: &Path, renamed: &Renamed) -> Result<Vec<PathEdit>, Bad> {
    let doc = ImDocument::parse(text).map_err(|e| Bad {
        at: e.span().map_or(0, |s| s.start),
        message: format!("not valid TOML ({})", e.message().trim()),
    })?;
    let root = doc.as_item();
    let strings = |item: Option<&Item>| -> Vec<Range<usize>> {
        values(item)
            .into_iter()
            .filter_map(|v| toml_string(text, v))
            .collect()
    };
    // Where packages live: the project's directory, `src/`, and what the
    // manifest says (`packages.find.where`, `package-dir`).
    let mut roots = vec![String::new(), "src".to_string()];
    let wheres = [
        at(root, &["tool", "setuptools", "packages", "find", "where"]),
        at(root, &["tool", "setuptools", "package-dir"]),
    ];
    for item in wheres {
        roots.extend(strings(item).into_iter().map(|r| text[r].to_string()));
    }
    let mut modules: Vec<Range<usize>> = Vec::new();
    let mut paths: Vec<(Range<usize>, PathBuf)> = Vec::new();
    for keys in [
        &["project", "scripts"][..],
        &["project", "gui-scripts"],
        &["tool", "poetry", "scripts"],
        &["tool", "setuptools", "packages"],
        &["tool", "setuptools", "py-modules"],
        &["tool", "setuptools", "packages", "find", "include"],
        &["tool", "setuptools", "packages", "find", "exclude"],
    ] {
        modules.extend(strings(at(root, keys)));
    }
    for keys in [
        &["project", "entry-points"][..],
        &["tool", "poetry", "plugins"],
    ] {
        for group in groups(at(root, keys)) {
            modules.extend(strings(Some(group)));
        }
    }
    // Poetry scripts may be tables: `{ callable = "pkg.cli:main" }`.
    for script in groups(at(root, &["tool", "poetry", "scripts"])) {
        modules.extend(strings(script.get("callable")));
    }
    for keys in [
        &["tool", "setuptools", "package-dir"][..],
        &["tool", "setuptools", "packages", "find", "where"],
        &["tool", "hatch", "build", "packages"],
    ] {
        paths.extend(
            strings(at(root, keys))
                .into_iter()
                .map(|r| (r, base.to_path_buf())),
        );
    }
    for target in groups(at(root, &["tool", "hatch", "build", "targets"])) {
        let found = strings(target.get("packages"));
        paths.extend(found.into_iter().map(|r| (r, base.to_path_buf())));
    }
    // Poetry: `packages = [{ include = "pkg", from = "src" }]`.
    if let Some(Value::Array(list)) =
        at(root, &["tool", "poetry", "packages"]).and_then(Item::as_value)
    {
        for entry in list.iter().filter_map(Value::as_inline_table) {
            let from = entry.get("from").and_then(Value::as_str).unwrap_or("");
            if let Some(r) = entry.get("include").and_then(|v| toml_string(text, v)) {
                paths.push((r, base.join(from)));
            }
        }
    }
    let mut out: Vec<PathEdit> = modules
        .into_iter()
        .filter_map(|r| module_edit(text, r, base, &roots, renamed))
        .collect();
    out.extend(
        paths
            .into_iter()
            .filter_map(|(r, from)| path_edit(text, r, &from, renamed)),
    );
    Ok(out)
}

/// `setup.cfg`: `[options] packages`, `py_modules` and `package_dir`, and
/// the entry points of `[options.entry_points]`, each value on its line
/// or on indented lines after it. (INI has no syntax error to report: a
/// line that is none of these is left alone.)
fn setup_cfg(text: &str, base: &Path, renamed: &Renamed) -> Vec<PathEdit> {
    let roots = [String::new(), "src".to_string()];
    let mut out = Vec::new();
    let mut section = String::new();
    // The key whose value the current lines continue, if one of ours.
    let mut key: Option<&'static str> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        if trimmed.starts_with('[') {
            section = trimmed.trim_matches(['[', ']']).trim().to_string();
            key = None;
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        let value_at = match (indented, line.split_once(['=', ':'])) {
            (true, _) if key.is_some() => start,
            (false, Some((k, _))) => {
                key = match (section.as_str(), k.trim()) {
                    ("options", "packages" | "py_modules") => Some("modules"),
                    ("options", "package_dir") => Some("dirs"),
                    ("options.entry_points", _) => Some("entry points"),
                    _ => None,
                };
                start + k.len() + 1
            }
            _ => {
                key = None;
                continue;
            }
        };
        let value = &text[value_at..offset];
        // Each entry: an entry point `name = module:attr`, a `pkg = dir`
        // of package_dir, or words of a list.
        let entries: Vec<Range<usize>> = match key {
            Some("entry points") | Some("dirs") if indented => value
                .split_once('=')
                .map(|(k, _)| std::iter::once(value_at + k.len() + 1..offset).collect())
                .unwrap_or_default(),
            Some("dirs") => std::iter::once(value_at..offset).collect(),
            Some(_) => words(value, value_at),
            None => continue,
        };
        for r in entries {
            let r = trim(text, r);
            let edit = match key {
                Some("dirs") => path_edit(text, r, base, renamed),
                _ => module_edit(text, r, base, &roots, renamed),
            };
            out.extend(edit);
        }
    }
    out
}

/// The words of `value` (which starts at `at`), split at spaces and commas.
fn words(value: &str, at: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in value.char_indices().chain([(value.len(), ' ')]) {
        match (c.is_whitespace() || c == ',', start) {
            (true, Some(s)) => {
                out.push(at + s..at + i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    out
}

/// `range` without the white space at its ends.
fn trim(text: &str, range: Range<usize>) -> Range<usize> {
    let s = &text[range.clone()];
    let lead = s.len() - s.trim_start().len();
    range.start + lead..range.start + lead + s.trim().len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::moves::Moves;

    fn renamed(pairs: &[(&str, &str)]) -> Renamed {
        let mut moves = Moves::default();
        for (a, b) in pairs {
            moves.to.insert(PathBuf::from(a), PathBuf::from(b));
        }
        Renamed::new(&moves)
    }

    fn rewrite(kind: Kind, text: &str, r: &Renamed) -> String {
        let mut out = text.to_string();
        let found = edits(kind, text, Path::new(""), r).unwrap();
        for e in found.iter().rev() {
            out.replace_range(e.range.clone(), &e.new);
        }
        out
    }

    #[test]
    fn setup_cfg_modules_and_entry_points_follow() {
        let r = renamed(&[("src/pkg/session/__init__.py", "src/pkg/trace/__init__.py")]);
        let text = "[options]\npackages =\n    pkg\n    pkg.session\n[options.entry_points]\nconsole_scripts =\n    s = pkg.session.cli:main\n[other]\nx = pkg.session\n";
        let want = "[options]\npackages =\n    pkg\n    pkg.trace\n[options.entry_points]\nconsole_scripts =\n    s = pkg.trace.cli:main\n[other]\nx = pkg.session\n";
        assert_eq!(rewrite(Kind::SetupCfg, text, &r), want);
    }

    #[test]
    fn bad_toml_is_reported_where_it_breaks() {
        let r = renamed(&[("a/session.py", "a/trace.py")]);
        let bad = edits(Kind::PyProject, "[project\nname = 1\n", Path::new(""), &r).unwrap_err();
        assert!(bad.message.starts_with("not valid TOML"), "{}", bad.message);
    }
}
