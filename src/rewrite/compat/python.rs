//! Old names of a Python module's renamed public names, reachable for the
//! transition through the module's `__getattr__` (PEP 562), which warns;
//! and the old keywords of its public functions' renamed parameters,
//! taken by a wrapper, which warns. The block goes at the end of the
//! module, so it sees every name the module binds; a `__getattr__` the
//! module already has (or an earlier block's) is captured and asked after
//! it, not replaced.

use std::ops::Range;

use crate::model::{COMPAT_BEGIN, COMPAT_END, COMPAT_STUB};

/// The block to append to a module whose `renames` (original range, new
/// name) rename public top-level names or keyword parameters of its
/// public functions; None when they rename none.
pub fn aliases(text: &str, renames: &[(Range<usize>, &str)]) -> Option<String> {
    let names = renamed_names(text, renames);
    let keywords = renamed_keywords(text, renames);
    if names.is_empty() && keywords.is_empty() {
        return None;
    }
    let separation = if text.ends_with('\n') {
        "\n\n"
    } else {
        "\n\n\n"
    };
    let mut block = format!(
        "{separation}# {COMPAT_BEGIN}: old names kept for the transition; `retrace apply --drop-compat` removes this block\n"
    );
    if !names.is_empty() {
        block.push_str(&getattr(&names));
    }
    if !keywords.is_empty() {
        block.push_str(&keyword_wrappers(&keywords, !names.is_empty()));
    }
    block.push_str(&format!("# {COMPAT_END}\n"));
    Some(block)
}

/// (old, new) of the public top-level names renamed, in order.
fn renamed_names<'t>(
    text: &'t str,
    renames: &[(Range<usize>, &'t str)],
) -> Vec<(&'t str, &'t str)> {
    let all = dunder_all(text);
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    for (range, new) in renames {
        let old = &text[range.clone()];
        let public =
            !old.starts_with('_') && all.as_ref().is_none_or(|a| a.contains(&old.to_string()));
        if public && binds_at_top_level(text, range.start) && !pairs.iter().any(|(o, _)| *o == old)
        {
            pairs.push((old, new));
        }
    }
    pairs
}

/// The module's `__getattr__` answering the old names. No builtin is
/// called by name at the module's level: a module may bind `globals` or
/// `vars` itself (Flask's package imports its submodule `globals`).
fn getattr(pairs: &[(&str, &str)]) -> String {
    let entries: String = pairs
        .iter()
        .map(|(old, new)| format!("        \"{old}\": \"{new}\",\n"))
        .collect();
    format!(
        "import sys as _retrace_sys

try:
    _retrace_next = __getattr__
except NameError:
    _retrace_next = None


def __getattr__(
    name,
    _renamed={{
{entries}    }},
    _next=_retrace_next,
    _namespace=_retrace_sys.modules[__name__].__dict__,
):
    if name in _renamed:
        import warnings

        new = _renamed[name]
        warnings.warn(
            f\"{{__name__}}.{{name}} is deprecated; use {{__name__}}.{{new}}\",
            DeprecationWarning,
            stacklevel=2,
        )
        # Once: `from package import Old` looks the name up twice.
        _namespace[name] = _namespace[new]
        return _namespace[name]
    if _next is not None:
        return _next(name)
    raise AttributeError(f\"module {{__name__!r}} has no attribute {{name!r}}\")
"
    )
}

/// A public top-level function whose keyword parameters are renamed: its
/// new name, and (old, new) of each parameter.
type Keywords<'t> = (&'t str, Vec<(&'t str, &'t str)>);

/// The public top-level functions (`def` at column 0) whose parameters
/// the renames rename, in order.
fn renamed_keywords<'t>(text: &'t str, renames: &[(Range<usize>, &'t str)]) -> Vec<Keywords<'t>> {
    let mut out: Vec<Keywords> = Vec::new();
    for (at, _) in text
        .match_indices("def ")
        .filter(|(i, _)| *i == 0 || text.as_bytes()[i - 1] == b'\n')
    {
        let name_start = at + 4;
        let Some(open) = text[name_start..].find('(').map(|o| name_start + o) else {
            continue;
        };
        let old_name = text[name_start..open].trim();
        let Some(close) = closing_paren(text, open) else {
            continue;
        };
        let new_name = renames
            .iter()
            .find(|(r, _)| r.start == name_start)
            .map_or(old_name, |(_, new)| *new);
        if old_name.starts_with('_') || new_name.starts_with('_') {
            continue;
        }
        let parameters: Vec<(&str, &str)> = renames
            .iter()
            .filter(|(r, _)| r.start > open && r.end < close && is_parameter(text, r))
            .map(|(r, new)| (&text[r.clone()], *new))
            .collect();
        if !parameters.is_empty() {
            out.push((new_name, parameters));
        }
    }
    out
}

/// After the `)` that closes the `(` at `open`.
fn closing_paren(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in text[open..].char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether the name at `range`, inside a signature, is a parameter (not
/// its annotation or default): after `(`, `,` or `*`, before `=`, `:`,
/// `,` or `)`.
fn is_parameter(text: &str, range: &Range<usize>) -> bool {
    let before = text[..range.start].trim_end();
    let after = text[range.end..].trim_start();
    let starts = before.ends_with('(') || before.ends_with(',');
    starts && after.starts_with(['=', ':', ',', ')'])
}

/// Wrappers that take each function's old keywords, with a warning.
fn keyword_wrappers(functions: &[Keywords], after_getattr: bool) -> String {
    let mut out = String::from(if after_getattr { "\n\n" } else { "" });
    out.push_str(
        "def _retrace_old_keywords(function, renamed):
    import functools
    import warnings

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        for old, new in renamed.items():
            if old in kwargs:
                warnings.warn(
                    f\"{function.__module__}.{function.__qualname__}({old}=...) is deprecated; use {new}=\",
                    DeprecationWarning,
                    stacklevel=2,
                )
                kwargs[new] = kwargs.pop(old)
        return function(*args, **kwargs)

    return wrapper


",
    );
    for (function, parameters) in functions {
        let entries: Vec<String> = parameters
            .iter()
            .map(|(o, n)| format!("\"{o}\": \"{n}\""))
            .collect();
        out.push_str(&format!(
            "{function} = _retrace_old_keywords({function}, {{{}}})\n",
            entries.join(", ")
        ));
    }
    out
}

/// The module left at a moved module's old path: what the new module
/// exports, its old names too (its `__getattr__` answers them), and one
/// warning when it is imported.
pub fn stub(old_module: &str, new_module: &str) -> String {
    format!(
        "# {COMPAT_STUB} to {new_module}; `retrace apply --drop-compat` removes this file
import warnings as _warnings

import {new_module} as _moved
from {new_module} import *  # noqa: F401,F403

_warnings.warn(
    \"{old_module} is deprecated; use {new_module}\",
    DeprecationWarning,
    stacklevel=2,
)


def __getattr__(name):
    return getattr(_moved, name)
"
    )
}

/// The names in the module's `__all__` (the old ones: read from the text
/// before the rename), when it has one.
fn dunder_all(text: &str) -> Option<Vec<String>> {
    let at = text
        .match_indices("__all__")
        .find(|(i, _)| *i == 0 || text.as_bytes()[i - 1] == b'\n')?
        .0;
    let rest = &text[at..];
    let open = rest.find(['[', '('])?;
    let close = rest[open..].find([']', ')'])? + open;
    let names = rest[open + 1..close]
        .split(',')
        .map(|n| n.trim().trim_matches(['"', '\'']).to_string())
        .filter(|n| !n.is_empty())
        .collect();
    Some(names)
}

/// Whether the name at `at` is bound at the module's top level: a `def`,
/// `class` or assignment at column 0, or a name an import at column 0
/// binds (`from m import Name`, `import m as name`; parenthesized lists
/// too).
fn binds_at_top_level(text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    let before = &text[line_start..at];
    if before.is_empty() {
        // `Name = …`, `Name: T = …` at column 0.
        let after = text[at..].trim_start_matches(|c: char| c.is_alphanumeric() || c == '_');
        let after = after.trim_start_matches([' ', '\t']);
        return after.starts_with(':') || (after.starts_with('=') && !after.starts_with("=="));
    }
    for keyword in ["def ", "async def ", "class "] {
        if before == keyword {
            return true;
        }
    }
    import_binds(text, line_start, line, at)
}

/// Whether `at` is a name an import statement starting at column 0 binds.
fn import_binds(text: &str, line_start: usize, line: &str, at: usize) -> bool {
    // The statement's first line: this one, or the `from … import (` above.
    let statement_start = if line.starts_with("from ") || line.starts_with("import ") {
        line_start
    } else {
        let Some(open) = text[..line_start].rfind("import (") else {
            return false;
        };
        let start = text[..open].rfind('\n').map_or(0, |i| i + 1);
        if !text[start..].starts_with("from ") || text[open..at].contains(')') {
            return false;
        }
        start
    };
    let head = &text[statement_start..at];
    let end = at
        + text[at..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(text.len() - at);
    let after = text[end..].trim_start_matches([' ', '\t']);
    if head.trim_end().ends_with(" as") {
        return true;
    }
    // `from m import Name` binds Name unless `as` follows; `import a.b`
    // binds `a`, not what is renamed here.
    head.starts_with("from ")
        && head.contains(" import ")
        && !after.starts_with("as ")
        && !head.trim_end().ends_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn renames<'a>(text: &str, pairs: &[(&str, &'a str)]) -> Vec<(Range<usize>, &'a str)> {
        pairs
            .iter()
            .map(|(old, new)| {
                let at = text.find(old).unwrap();
                (at..at + old.len(), *new)
            })
            .collect()
    }

    #[test]
    fn public_top_level_names_are_aliased() {
        let text = "from .base import Session as Base\n\nclass Session(Base):\n    session_id = 1\n\n\ndef start_session():\n    local_session = 1\n\n\ndefault_session = None\n_private_session = None\n";
        let r = vec![
            (
                text.find("class Session").unwrap() + 6..text.find("class Session").unwrap() + 13,
                "Trace",
            ),
            (
                text.find("session_id").unwrap()..text.find("session_id").unwrap() + 10,
                "trace_id",
            ),
            (
                text.find("start_session").unwrap()..text.find("start_session").unwrap() + 13,
                "start_trace",
            ),
            (
                text.find("local_session").unwrap()..text.find("local_session").unwrap() + 13,
                "local_trace",
            ),
            (
                text.find("default_session").unwrap()..text.find("default_session").unwrap() + 15,
                "default_trace",
            ),
            (
                text.find("_private_session").unwrap()..text.find("_private_session").unwrap() + 16,
                "_private_trace",
            ),
        ];
        let block = aliases(text, &r).unwrap();
        assert!(block.contains("\"Session\": \"Trace\",\n"), "{block}");
        assert!(block.contains("\"start_session\": \"start_trace\",\n"));
        assert!(block.contains("\"default_session\": \"default_trace\",\n"));
        assert!(
            !block.contains("session_id")
                && !block.contains("local")
                && !block.contains("_private")
        );
        assert!(block.starts_with("\n\n# retrace: compat (begin)"));
        assert!(block.ends_with("# retrace: compat (end)\n"));
    }

    #[test]
    fn imports_bind_their_names_and_all_limits_the_public_ones() {
        let text = "from .trace import (\n    Session,\n    session_helper,\n)\nimport agentops.session\n\n__all__ = [\"Session\"]\n";
        let r = renames(
            text,
            &[
                ("Session", "Trace"),
                ("session_helper", "trace_helper"),
                ("agentops.session", "agentops.trace"),
            ],
        );
        let block = aliases(text, &r).unwrap();
        assert!(block.contains("\"Session\": \"Trace\""), "{block}");
        assert!(
            !block.contains("helper") && !block.contains("agentops"),
            "{block}"
        );
    }

    #[test]
    fn public_functions_keep_their_old_keywords() {
        let text = "def start_session(name, session_id=None, *, kind: Session = default_session):\n    pass\n\n\ndef _hidden(session_id):\n    pass\n";
        let mut r = renames(text, &[("start_session", "start_trace")]);
        for (at, _) in text.match_indices("session_id") {
            r.push((at..at + 10, "trace_id"));
        }
        let at = text.find("default_session").unwrap();
        r.push((at..at + 15, "default_trace"));
        let block = aliases(text, &r).unwrap();
        assert!(
            block.contains("start_trace = _retrace_old_keywords(start_trace, {\"session_id\": \"trace_id\"})\n"),
            "{block}"
        );
        assert!(
            !block.contains("_hidden") && !block.contains("\"default_session\""),
            "{block}"
        );
    }

    #[test]
    fn nothing_public_renamed_writes_nothing() {
        let text = "def f():\n    session = 1\n";
        assert_eq!(aliases(text, &renames(text, &[("session", "trace")])), None);
    }
}
