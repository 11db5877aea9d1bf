//! Compatibility code for the transition (SPEC, "Backward compatibility"):
//! a published package's renamed public names stay reachable under their
//! old names, with a deprecation warning, until `apply --drop-compat`
//! removes what was written here. Every block is framed by
//! `COMPAT_BEGIN` and `COMPAT_END`, which `check` keeps and the drop finds.

pub mod python;
pub mod typescript;

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use crate::index::definers::{strip_source_extension, DECLARATION_SUFFIXES};
use crate::model::{Edit, Lang, COMPAT_BEGIN, COMPAT_END};
use crate::paths;

/// The edit that appends old names for the public names `edits` rename in
/// a module of `lang` at `path` (the original `text`); None when there are
/// none, or the module is no part of the public surface.
pub fn aliases(lang: Lang, path: &Path, text: &str, edits: &[Edit]) -> Option<Edit> {
    if !is_public(lang, path) {
        return None;
    }
    let renames: Vec<(Range<usize>, &str)> = edits
        .iter()
        .map(|e| (e.range.clone(), e.replacement.as_ref()))
        .collect();
    let block = match lang {
        Lang::Python => python::aliases(text, &renames)?,
        Lang::Sql => return None,
        Lang::JavaScript | Lang::TypeScript | Lang::Tsx => {
            let renamed: Vec<typescript::Renamed> = renames
                .iter()
                .map(|(range, new)| typescript::Renamed {
                    at: range.start,
                    old: &text[range.clone()],
                    new,
                })
                .collect();
            let block = typescript::aliases(lang == Lang::JavaScript, text, &renamed)?;
            match is_declaration_file(path) {
                true => declared(&block),
                false => block,
            }
        }
    };
    Some(Edit {
        range: text.len()..text.len(),
        replacement: Arc::from(block),
    })
}

/// The stub left at a moved module's old path (`old` and `new` as shown,
/// relative to the current directory; `abs_old` and `root` absolute): it
/// re-exports the new module and warns on import. None for a module that
/// is no part of the public surface, or of another language.
pub fn stub(lang: Lang, old: &Path, new: &Path, abs_old: &Path, root: &Path) -> Option<String> {
    if !is_public(lang, abs_old) {
        return None;
    }
    match lang {
        Lang::Python => {
            let old_module = crate::index::definers::python_module(abs_old, root);
            let new_module = moved_module(&old_module, new);
            Some(python::stub(&old_module, &new_module))
        }
        Lang::Sql => None,
        Lang::JavaScript | Lang::TypeScript | Lang::Tsx => {
            let specifier = relative_specifier(old, new);
            let commonjs = lang == Lang::JavaScript && !is_module_syntax(abs_old);
            Some(typescript::stub(&specifier, commonjs))
        }
    }
}

/// The new module's dotted name: the old one's segments, the trailing
/// ones taken from the new path (a move renames path components one for
/// one, and a module's segments are its path's last components).
fn moved_module(old_module: &str, new: &Path) -> String {
    let stem = strip_source_extension(new);
    let mut components: Vec<String> = stem
        .components()
        .filter_map(|c| c.as_os_str().to_str().map(str::to_string))
        .collect();
    if components.last().is_some_and(|l| l == "__init__") {
        components.pop();
    }
    let count = old_module.split('.').count();
    let skip = components.len().saturating_sub(count);
    components[skip..].join(".")
}

/// `./trace` (or `../traces/x`): how the old file's directory names the
/// new file, without its extension.
fn relative_specifier(old: &Path, new: &Path) -> String {
    let from = old.parent().unwrap_or(Path::new(""));
    let relative = paths::relative(&strip_source_extension(new), from);
    let specifier = relative.to_string_lossy().into_owned();
    match specifier.starts_with("..") {
        true => specifier,
        false => format!("./{specifier}"),
    }
}

/// A JavaScript file written as an ES module (`import`/`export` at the
/// start of a line), not CommonJS.
fn is_module_syntax(abs: &Path) -> bool {
    let text = std::fs::read_to_string(abs).unwrap_or_default();
    text.lines()
        .any(|l| l.starts_with("import ") || l.starts_with("export "))
}

/// A `.d.ts` file (or `.d.mts`, `.d.cts`): declarations only.
fn is_declaration_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    DECLARATION_SUFFIXES.iter().any(|e| name.ends_with(e))
}

/// A block's value aliases as declarations: `export const Old = New;`
/// becomes `export declare const Old: typeof New;`, which is what a
/// declaration file may say.
fn declared(block: &str) -> String {
    block
        .lines()
        .map(|line| match line.split_once("export const ") {
            Some((head, rest)) => match rest.trim_end_matches(';').split_once(" = ") {
                Some((old, new)) => format!("{head}export declare const {old}: typeof {new};"),
                None => line.to_string(),
            },
            None => line.to_string(),
        })
        .map(|l| l + "\n")
        .collect()
}

/// Directories whose files are no public surface.
const NOT_PUBLIC: [&str; 9] = [
    "tests",
    "test",
    "__tests__",
    "examples",
    "example",
    "docs",
    "scripts",
    "benchmarks",
    "bin",
];

/// Whether a module is part of what users import: not a test, an example
/// or a script; for Python, a module of a package (its directory has an
/// `__init__.py`), which is what a distribution installs.
fn is_public(lang: Lang, path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let aside = path.components().any(|c| {
        c.as_os_str()
            .to_str()
            .is_some_and(|c| NOT_PUBLIC.contains(&c))
    });
    let test = name.starts_with("test_")
        || name.ends_with("_test.py")
        || name == "conftest.py"
        || name.contains(".test.")
        || name.contains(".spec.");
    let packaged = lang != Lang::Python || path.with_file_name("__init__.py").is_file();
    !aside && !test && packaged
}

/// The edits that remove every compat block from `text`, each with the
/// blank lines that set it apart.
pub fn drop_blocks(text: &str) -> Vec<Edit> {
    let mut edits = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find(COMPAT_BEGIN) {
        let begin = from + found;
        let Some(end) = text[begin..].find(COMPAT_END).map(|e| begin + e) else {
            break;
        };
        let line_start = text[..begin].rfind('\n').map_or(0, |i| i + 1);
        let start = text[..line_start].trim_end_matches('\n').len();
        let start = if start == 0 { 0 } else { start + 1 };
        let end = text[end..].find('\n').map_or(text.len(), |n| end + n + 1);
        edits.push(Edit {
            range: start..end,
            replacement: Arc::from(""),
        });
        from = end;
    }
    edits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropping_restores_the_text_before_the_block() {
        let text = "class Trace:\n    pass\n";
        let original = "class Session:\n    pass\n";
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("__init__.py"), "").unwrap();
        let block = aliases(
            Lang::Python,
            &dir.path().join("a.py"),
            original,
            &[Edit {
                range: 6..13,
                replacement: Arc::from("Trace"),
            }],
        )
        .unwrap();
        let with_block = format!("{text}{}", block.replacement);
        let dropped = crate::rewrite::edit::apply(&with_block, &drop_blocks(&with_block)).unwrap();
        assert_eq!(dropped, text);
    }

    #[test]
    fn moved_modules_are_named_from_their_new_paths() {
        assert_eq!(
            moved_module("agentops.session", Path::new("src/agentops/trace.py")),
            "agentops.trace"
        );
        assert_eq!(
            moved_module("sdk.sessions", Path::new("sdk/traces/__init__.py")),
            "sdk.traces"
        );
        assert_eq!(
            relative_specifier(Path::new("src/session.ts"), Path::new("src/trace.ts")),
            "./trace"
        );
        assert_eq!(
            relative_specifier(Path::new("src/sessions/a.ts"), Path::new("src/traces/a.ts")),
            "../traces/a"
        );
    }

    #[test]
    fn declaration_files_declare_their_value_aliases() {
        let block = "// retrace: compat (begin)\n/** @deprecated Use B */ export const A = B;\nexport type C = D;\n// retrace: compat (end)\n";
        assert_eq!(
            declared(block),
            "// retrace: compat (begin)\n/** @deprecated Use B */ export declare const A: typeof B;\nexport type C = D;\n// retrace: compat (end)\n"
        );
        assert!(is_declaration_file(Path::new("lib/trace.d.ts")));
        assert!(!is_declaration_file(Path::new("lib/trace.ts")));
    }

    #[test]
    fn tests_examples_and_loose_scripts_get_no_aliases() {
        let dir = tempfile::tempdir().unwrap();
        let package = dir.path().join("pkg");
        std::fs::create_dir_all(package.join("tests")).unwrap();
        std::fs::write(package.join("__init__.py"), "").unwrap();
        std::fs::write(package.join("tests/__init__.py"), "").unwrap();
        assert!(is_public(Lang::Python, &package.join("session.py")));
        assert!(!is_public(Lang::Python, &package.join("tests/test_x.py")));
        assert!(!is_public(Lang::Python, &dir.path().join("quickstart.py")));
        assert!(!is_public(Lang::TypeScript, Path::new("src/a.spec.ts")));
        assert!(!is_public(Lang::TypeScript, Path::new("examples/a.ts")));
    }
}
