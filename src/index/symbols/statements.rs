//! Reading Python by its statements and their indentation: enough to
//! find definitions, parameters and imports without a parse.

use super::last_name;

/// The Python statements of `text`, each with its start: a line, or lines
/// joined by open brackets, a backslash or a triple-quoted string. Comments
/// and blank lines are not statements. (A `;` does not split: what
/// follows it is no definition this reader looks for.)
pub(super) fn statements(text: &str) -> Vec<(usize, &str)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut depth, mut start, mut i) = (0usize, 0usize, 0usize);
    fn flush<'t>(text: &'t str, from: usize, to: usize, out: &mut Vec<(usize, &'t str)>) {
        let statement = &text[from..to];
        let code = statement.trim_start();
        if !code.is_empty() && !code.starts_with('#') {
            out.push((from, statement.trim_end()));
        }
    }
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                // The comment runs to the line's end, which ends the statement.
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
                continue;
            }
            q @ (b'"' | b'\'') => {
                let triple = bytes[i..].starts_with(&[q, q, q]);
                let close: &[u8] = if triple {
                    &bytes[i..i + 3]
                } else {
                    &bytes[i..i + 1]
                };
                let mut j = i + close.len();
                while j < bytes.len() && !bytes[j..].starts_with(close) {
                    if bytes[j] == b'\\' {
                        j += 1;
                    } else if bytes[j] == b'\n' && !triple {
                        break;
                    }
                    j += 1;
                }
                i = (j + close.len()).min(bytes.len());
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'\\' => i += 1,
            b'\n' if depth == 0 => {
                flush(text, start, i, &mut out);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    flush(text, start, bytes.len().max(start), &mut out);
    out
}

/// The rest of `code` after `word` and a blank, if it starts with them.
pub(super) fn keyword<'c>(code: &'c str, word: &str) -> Option<&'c str> {
    code.strip_prefix(word)
        .filter(|r| r.starts_with([' ', '\t']))
        .map(str::trim_start)
}

/// `name(arguments):` → the name and what its brackets hold.
pub(super) fn split_header(header: &str) -> (&str, &str) {
    let name = leading_name(header);
    let rest = header[name.len()..].trim_start();
    let inside = match rest.strip_prefix('[') {
        // `def f[T](…)`: past the type parameters.
        Some(r) => r.find(']').map_or("", |e| r[e + 1..].trim_start()),
        None => rest,
    };
    let inside = inside.strip_prefix('(').unwrap_or("");
    let mut depth = 0usize;
    let end = inside
        .char_indices()
        .find(|&(_, c)| {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth == 0 => return true,
                ')' | ']' | '}' => depth -= 1,
                _ => {}
            }
            false
        })
        .map_or(inside.len(), |(i, _)| i);
    (name, &inside[..end])
}

/// The top-level comma-separated parts of a bracket's contents.
pub(super) fn parts(list: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut from) = (0usize, 0usize);
    for (i, c) in list.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                out.push(list[from..i].trim());
                from = i + 1;
            }
            _ => {}
        }
    }
    out.push(list[from..].trim());
    out.retain(|p| !p.is_empty());
    out
}

/// The names a keyword argument may give: not `*args`, `**kwargs`, `self`,
/// `cls` or the `*` and `/` markers.
pub(super) fn keywords(parameters: &str) -> Vec<String> {
    parts(parameters)
        .into_iter()
        .filter(|p| !p.starts_with('*') && !p.starts_with('/'))
        .map(leading_name)
        .filter(|n| !n.is_empty() && *n != "self" && *n != "cls")
        .map(str::to_string)
        .collect()
}

/// A class's bases, by their last name (`orm.Base` → `Base`), without
/// keywords (`metaclass=…`).
pub(super) fn bases(arguments: &str) -> Vec<String> {
    parts(arguments)
        .into_iter()
        .filter(|p| !p.contains('='))
        .map(|p| last_name(p.split('[').next().unwrap_or(p).trim()).to_string())
        .collect()
}

/// The name at the start of `text`.
pub(super) fn leading_name(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The dotted module at the start of `text` (`a.b` in `a.b import x`);
/// empty for a relative one.
pub(super) fn leading_module(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(text.len());
    match text.starts_with('.') {
        true => "",
        false => &text[..end],
    }
}
