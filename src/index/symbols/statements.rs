//! Reading Python by its statements and their indentation: enough to
//! find definitions, parameters and imports without a parse.

use crate::lang::last_name;

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
        // Most bytes are none of those below: skipped in one scan.
        const PLAIN: [bool; 256] = {
            let mut t = [true; 256];
            let special = b"#\"'([{)]}\\\n";
            let mut k = 0;
            while k < special.len() {
                t[special[k] as usize] = false;
                k += 1;
            }
            t
        };
        if PLAIN[usize::from(bytes[i])] {
            i += bytes[i..]
                .iter()
                .position(|&b| !PLAIN[usize::from(b)])
                .unwrap_or(bytes.len() - i);
            continue;
        }
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
                // To the closing quote past escapes (a one-line string ends
                // at its line's end too), found with memchr: docstrings are
                // a good part of the bytes.
                let mut j = i + close.len();
                while j < bytes.len() {
                    let rest = &bytes[j..];
                    let next = match triple {
                        true => memchr::memchr2(q, b'\\', rest),
                        false => memchr::memchr3(q, b'\\', b'\n', rest),
                    };
                    let Some(k) = next else {
                        j = bytes.len();
                        break;
                    };
                    j += k;
                    match bytes[j] {
                        b'\\' => j += 2,
                        b'\n' => break,
                        _ if bytes[j..].starts_with(close) => break,
                        _ => j += 1,
                    }
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

/// `from MODULE import a, b as c` (the text after `from`), with MODULE
/// absolute: MODULE, and each name imported with the name it is bound to.
pub(super) fn from_import(rest: &str) -> Option<(&str, Vec<(&str, &str)>)> {
    let module = leading_module(rest);
    let names = keyword(rest[module.len()..].trim_start(), "import")?;
    if module.is_empty() {
        return None;
    }
    let names = names.trim_start_matches('(').trim_end_matches(')');
    let bound = parts(names)
        .into_iter()
        .map(|part| match part.split_once(" as ") {
            Some((name, alias)) => (leading_name(name.trim()), leading_name(alias.trim())),
            None => (leading_name(part), leading_name(part)),
        });
    Some((module, bound.collect()))
}

/// The annotated parameters of a parameter list: (name, annotation).
pub(super) fn annotated(parameters: &str) -> Vec<(String, String)> {
    parts(parameters)
        .into_iter()
        .filter_map(|p| {
            let p = p.trim_start_matches('*');
            let name = leading_name(p);
            let annotation = p[name.len()..].trim_start().strip_prefix(':')?;
            let annotation = parts_before_default(annotation);
            Some((name.to_string(), annotation.trim().to_string()))
        })
        .collect()
}

/// An annotation without its default (`T = None` → `T`).
fn parts_before_default(annotation: &str) -> &str {
    let mut depth = 0usize;
    for (i, c) in annotation.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            '=' if depth == 0 => return &annotation[..i],
            _ => {}
        }
    }
    annotation
}

/// The capitalized names in an annotation (`Union[Event, ErrorEvent]` →
/// `Union`, `Event`, `ErrorEvent`): the classes it may name.
pub(super) fn capitalized_names(annotation: &str) -> Vec<&str> {
    annotation
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .map(last_name)
        .filter(|n| n.starts_with(|c: char| c.is_ascii_uppercase()))
        .collect()
}

/// The names whose values a statement serializes by introspection:
/// `x.__dict__` (not `x.__dict__.update(…)`, `x.__dict__[k]` or
/// `**x.__dict__`), `vars(x)`, `asdict(x)`, `astuple(x)`, `x.model_dump(`.
pub(super) fn serialized_names(code: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for (at, _) in code.match_indices(".__dict__") {
        let after = &code[at + ".__dict__".len()..];
        let name = trailing_name(&code[..at]);
        // Handed on whole: an argument, a value, what is returned or
        // assigned; not `"x" in o.__dict__`, `*o.__dict__`, `o.__dict__.get`.
        let before = code[..at - name.len()].trim_end();
        let handed = before.ends_with(['(', ',', ':'])
            || before.ends_with('=') && !before.ends_with("==")
            || before == "return"
            || before.ends_with(" return");
        if !name.is_empty() && handed && !after.starts_with(['.', '[']) {
            out.push(name);
        }
    }
    for (at, _) in code.match_indices(".model_dump(") {
        out.push(trailing_name(&code[..at]));
    }
    for call in ["vars(", "asdict(", "astuple("] {
        for (at, _) in code.match_indices(call) {
            // `vars(x)`, `asdict(x)`, `dataclasses.asdict(x)`, not `o.vars(x)`.
            let before = &code[..at];
            let called_alone = match before.strip_suffix('.') {
                Some(module) => matches!(trailing_name(module), "dataclasses" | "attrs" | "attr"),
                None => trailing_name(before).is_empty(),
            };
            let name = leading_name(&code[at + call.len()..]);
            let closes = code[at + call.len() + name.len()..].starts_with(')');
            if called_alone && !name.is_empty() && closes {
                out.push(name);
            }
        }
    }
    out.retain(|n| !n.is_empty());
    out
}

/// The name at the end of `text`.
fn trailing_name(text: &str) -> &str {
    let start = text
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    &text[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialization_by_introspection_is_told_from_copies_and_updates() {
        let serialized = |code| serialized_names(code);
        assert_eq!(serialized("payload = {'s': self.__dict__}"), ["self"]);
        assert_eq!(serialized("send(filter(event.__dict__))"), ["event"]);
        assert_eq!(
            serialized("json.dumps(vars(item)) + dataclasses.asdict(x)"),
            ["item", "x"]
        );
        assert_eq!(serialized("data = obj.model_dump()"), ["obj"]);
        for kept in [
            "return self.__dict__.copy()",
            "self.__dict__[k] = v",
            "f(**self.__dict__)",
            "if 'apps' in self.__dict__: pass",
            "for s in [*self.__dict__]: pass",
            "obj.vars(x)",
            "vars(a, b)",
        ] {
            assert!(serialized(kept).is_empty(), "{kept}");
        }
    }

    #[test]
    fn annotated_parameters_and_the_classes_they_name() {
        let params =
            annotated("self, event: Union[Event, ErrorEvent], n: int = 3, *args, **kw: Any");
        assert_eq!(
            params,
            [
                ("event".to_string(), "Union[Event, ErrorEvent]".to_string()),
                ("n".to_string(), "int".to_string()),
                ("kw".to_string(), "Any".to_string()),
            ]
        );
        assert_eq!(
            capitalized_names("Optional[models.Event]"),
            ["Optional", "Event"]
        );
    }
}
