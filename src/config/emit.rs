//! Rules written back as TOML, for a rule file that lives in another
//! directory (`survey --write`): the `[[rename]]` rules as loaded, and the
//! settings beside them, with globs made relative to the new file.

use std::fmt::Write as _;
use std::path::{Component, Path};

use super::{Form, PathGlobs, Policy, Rename, Rules};
use crate::paths;

/// A TOML string: quoted and escaped.
pub fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A TOML array of strings on one line.
fn array<'s>(items: impl IntoIterator<Item = &'s String>) -> String {
    let items: Vec<String> = items.into_iter().map(|s| quoted(s)).collect();
    format!("[{}]", items.join(", "))
}

/// One `[[rename]]` rule, its `paths` relative to `dir`.
pub fn rename(r: &Rename, dir: &Path) -> String {
    let mut out = String::from("[[rename]]\n");
    let _ = writeln!(out, "from = {}", quoted(&r.from));
    let _ = writeln!(out, "to = {}", quoted(&r.to));
    match &r.form {
        Form::Exact => out.push_str("match = \"exact\"\n"),
        Form::Word {
            from_plural,
            to_plural,
        } => {
            // Plurals the English rules would derive go unsaid.
            if *from_plural != super::case::plural(&r.from) {
                let _ = writeln!(out, "from_plural = {}", quoted(from_plural));
            }
            if *to_plural != super::case::plural(&r.to) {
                let _ = writeln!(out, "to_plural = {}", quoted(to_plural));
            }
        }
    }
    if let Some(globs) = &r.paths {
        out.push_str(&globs_line("paths", globs, dir));
    }
    for (key, action) in r.overrides() {
        if let Some(action) = action {
            let _ = writeln!(out, "{key} = \"{action}\"");
        }
    }
    out
}

/// `key = [globs]` with the globs rebased from their directory to `dir`;
/// where that cannot be said, as written, with a comment that says so.
fn globs_line(key: &str, globs: &PathGlobs, dir: &Path) -> String {
    let base = globs.base();
    if base == dir {
        return format!("{key} = {}\n", array(globs.patterns()));
    }
    let below = paths::relative(base, dir);
    let ups = below
        .components()
        .any(|c| matches!(c, Component::ParentDir | Component::RootDir));
    if ups {
        return format!(
            "# relative to {}, as in the file they come from\n{key} = {}\n",
            base.display(),
            array(globs.patterns())
        );
    }
    let prefix = below.display().to_string();
    let rebased: Vec<String> = globs
        .patterns()
        .iter()
        .map(|p| match p.contains('/') {
            true => format!("{prefix}/{}", p.trim_start_matches('/')),
            false => format!("{prefix}/**/{p}"),
        })
        .collect();
    format!("{key} = {}\n", array(&rebased))
}

/// The settings of `rules` besides renames and `[keep]`: `[policy]` where
/// it differs from the defaults, `[files] exclude`, `[project]`.
pub fn settings(rules: &Rules, dir: &Path) -> String {
    let mut out = String::new();
    let default = Policy::default();
    let p = rules.policy;
    let keys = [
        ("code", p.code, default.code),
        ("comments", p.comments, default.comments),
        ("strings", p.strings, default.strings),
        ("compounds", p.compounds, default.compounds),
    ];
    let changed: Vec<String> = keys
        .iter()
        .filter(|(_, a, d)| a != d)
        .map(|(k, a, _)| format!("{k} = \"{a}\"\n"))
        .collect();
    if !changed.is_empty() {
        out += "[policy]\n";
        out += &changed.concat();
        out.push('\n');
    }
    if !rules.exclude.is_empty() {
        out += "[files]\n";
        for globs in &rules.exclude {
            out += &globs_line("exclude", globs, dir);
        }
        out.push('\n');
    }
    if !rules.first_party.is_empty() {
        let _ = writeln!(
            out,
            "[project]\nfirst_party = {}\n",
            array(&rules.first_party)
        );
    }
    out
}

/// `modules = [...]`, `words = [...]` and `words_default` of `[keep]`,
/// where the rules set them.
pub fn keep_lists(rules: &Rules) -> String {
    let mut out = String::new();
    if !rules.keep_modules.is_empty() {
        let _ = writeln!(out, "modules = {}", array(&rules.keep_modules));
    }
    if !rules.own_words.is_empty() {
        let _ = writeln!(out, "words = {}", array(&rules.own_words));
    }
    if !rules.words_default {
        out += "words_default = false\n";
    }
    out
}

/// A path as a glob that matches it alone: glob syntax escaped.
pub fn literal_glob(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '*' | '?' | '[' | ']' | '{' | '}' => {
                out.push('[');
                out.push(c);
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    out
}

/// The active rules as one rule file (`retrace rules --toml`), globs
/// relative to `dir`: the renames, the settings, and the project's own
/// `[keep]` lists (the platform's are loaded under every rule set).
pub fn rules(rules: &Rules, dir: &Path) -> String {
    let mut out = String::new();
    for r in &rules.renames {
        out += &rename(r, dir);
        out.push('\n');
    }
    out += &settings(rules, dir);
    if rules.aliases != super::Aliases::Auto {
        let value = format!("{:?}", rules.aliases).to_lowercase();
        let _ = writeln!(out, "[compat]\naliases = \"{value}\"\n");
    }
    let names = rules.own_keep_names();
    let modules = keep_lists(rules);
    if !names.is_empty() || !modules.is_empty() {
        out += "[keep]\n";
        if !names.is_empty() {
            let _ = writeln!(out, "names = {}", array(names));
        }
        out += &modules;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_written_back_as_they_load() {
        let dir = tempfile::tempdir().unwrap();
        let text = "[[rename]]\nfrom = \"session\"\nto = \"trace\"\nfrom_plural = \"sessionz\"\npaths = [\"app/**\", \"x.py\"]\nstrings = \"rename\"\n\n[[rename]]\nfrom = \"ISession\"\nto = \"ITrace\"\nmatch = \"exact\"\n\n[policy]\ncomments = \"keep\"\n\n[files]\nexclude = [\"gen/**\"]\n\n[keep]\nmodules = [\"stripe\"]\nwords = [\"obsessive\"]\nwords_default = false\n";
        let path = dir.path().join("retrace.toml");
        std::fs::write(&path, text).unwrap();
        let source = super::super::Source::File {
            path,
            base: dir.path().to_path_buf(),
        };
        let rules = super::super::load(&[source]).unwrap();
        let here = dir.path();
        let mut written: String = rules
            .renames
            .iter()
            .map(|r| rename(r, here) + "\n")
            .collect();
        written += &settings(&rules, here);
        written += &format!("[keep]\n{}", keep_lists(&rules));
        assert_eq!(written, text);
        let above = here.parent().unwrap();
        let name = here.file_name().unwrap().to_string_lossy();
        assert_eq!(
            rename(&rules.renames[0], above).lines().nth(4).unwrap(),
            format!("paths = [\"{name}/app/**\", \"{name}/**/x.py\"]")
        );
        assert_eq!(
            literal_glob("app/[id]/page*.tsx"),
            "app/[[]id[]]/page[*].tsx"
        );
    }
}
