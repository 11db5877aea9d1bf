//! Python import statements as the scan read them: the module each names,
//! the module of a `from … import`, and which reported names no
//! third-party import can own.

use std::ops::Range;

use super::{is_word, Lexed};
use crate::model::Lang;

impl Lexed {
    /// Python: can the name at `at` not be third-party, whatever the tree
    /// would say? `Scopes::owner` finds a third-party owner only through a
    /// third-party import: of the name itself, or of the first name of the
    /// chain it is reached through (`root.a.name`, `root` bound by such an
    /// import or assigned a value made by one), or of the function it is a
    /// keyword argument of. So: true when the file imports nothing
    /// third-party, or when no such import mentions the name or its root,
    /// a root is never assigned, and it is no keyword argument.
    pub fn unowned(
        &self,
        text: &str,
        at: usize,
        word: &str,
        third_party: impl Fn(&str) -> bool,
    ) -> bool {
        if self.lang != Lang::Python {
            return false;
        }
        // The import statements that may bring in third-party names: the
        // same for every name of the file, so found once.
        let theirs = self.third_party_imports.get_or_init(|| {
            let statements = self.import_statements.iter();
            let theirs =
                |s: &str| imported_modules(s).is_none_or(|m| m.iter().any(|m| third_party(m)));
            statements
                .filter(|r| theirs(&text[(*r).clone()]))
                .cloned()
                .collect()
        });
        if theirs.is_empty() {
            return true;
        }
        let mentioned = |name: &str| theirs.iter().any(|r| text[r.clone()].contains(name));
        let bytes = text.as_bytes();
        let before = |at: usize| bytes[..at].iter().rposition(|b| !is_blank(*b));
        let mut after = bytes[at + word.len()..].iter().filter(|b| !is_blank(**b));
        let keyword = after.next() == Some(&b'=') && after.next() != Some(&b'=');
        let mut root = word;
        let mut start = at;
        while let Some(dot) = before(start).filter(|&p| bytes[p] == b'.') {
            let end = before(dot).map_or(0, |p| p + 1);
            start = bytes[..end]
                .iter()
                .rposition(|&b| !is_word(Lang::Python, b))
                .map_or(0, |p| p + 1);
            // `f().name`, `x[0].name`, `"…".name`: not a plain chain.
            if start == end || bytes[start].is_ascii_digit() {
                return false;
            }
            root = &text[start..end];
        }
        if mentioned(word) || mentioned(root) {
            return false;
        }
        if start == at {
            let argument = before(at).is_some_and(|p| matches!(bytes[p], b'(' | b','));
            return !(keyword && argument);
        }
        !assigned(text, root)
    }
}

impl Lexed {
    /// Python: is `at` inside an import statement?
    pub fn in_import(&self, at: usize) -> bool {
        let i = self.import_statements.partition_point(|r| r.start <= at);
        i.checked_sub(1)
            .is_some_and(|i| self.import_statements[i].contains(&at))
    }

    /// Python: the module of the `from MODULE import …` statement among
    /// whose imported names `at` is, as written (`pkg`, `.`, `..a`).
    pub fn from_import<'t>(&self, text: &'t str, at: usize) -> Option<&'t str> {
        let i = self.import_statements.partition_point(|r| r.start <= at);
        let statement = self.import_statements.get(i.checked_sub(1)?)?;
        let path = self.imports.iter().find(|r| r.start == statement.start)?;
        let module = text[path.clone()].strip_prefix("from")?.trim();
        (statement.contains(&at) && path.end <= at).then_some(module)
    }

    /// Python: the module an import statement names where `at` is, as the
    /// tree's `dotted_name` or `relative_import` shows it (`a.b` in
    /// `import a.b as c`, `..a` in `from ..a import b`); None where `at`
    /// is no module path (an alias) or this reading is unsure.
    pub fn import_module(&self, text: &str, at: usize) -> Option<Range<usize>> {
        let statement = self.imports.iter().find(|r| r.contains(&at))?.clone();
        let bytes = text.as_bytes();
        let dotted = |b: u8| is_word(Lang::Python, b) || b == b'.';
        let start = bytes[statement.start..at]
            .iter()
            .rposition(|&b| !dotted(b))
            .map_or(statement.start, |p| statement.start + p + 1);
        let end = bytes[at..statement.end]
            .iter()
            .position(|&b| !dotted(b))
            .map_or(statement.end, |p| at + p);
        let before = text[statement.start..start].trim_end_matches([' ', '\t']);
        let after = text[end..statement.end].trim_start_matches([' ', '\t', '\r']);
        let module = &text[start..end];
        // `from MODULE import`, or an item of `import A as B, C`.
        let from = before == "from";
        let listed = before == "import"
            || before.ends_with(',') && text[statement.clone()].starts_with("import");
        // What ends an item: its alias, the next item, a comment, the end.
        let ends = after.is_empty()
            || !from && after.starts_with(['#', ','])
            || !from
                && after
                    .strip_prefix("as")
                    .is_some_and(|a| a.starts_with([' ', '\t']));
        // Leading dots only in `from`; no empty part, none a number.
        let names = if from {
            module.trim_start_matches('.')
        } else {
            module
        };
        let names_ok = names
            .split('.')
            .all(|p| !p.is_empty() && !p.as_bytes()[0].is_ascii_digit());
        ((from || listed) && ends && names_ok).then_some(start..end)
    }
}

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\\')
}

/// Is `name` ever the target of `name = …` or `name: … = …` in `text`
/// (comments and strings included, which only errs towards yes)?
fn assigned(text: &str, name: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memmem::find_iter(bytes, name).any(|i| {
        let end = i + name.len();
        let whole = (i == 0 || !is_word(Lang::Python, bytes[i - 1]))
            && bytes.get(end).is_none_or(|&b| !is_word(Lang::Python, b));
        let mut next = bytes[end..].iter().filter(|b| !is_blank(**b));
        whole
            && match next.next() {
                Some(b'=') => next.next() != Some(&b'='),
                Some(b':') => true,
                _ => false,
            }
    })
}

/// The modules a Python import statement names, as the tree's
/// `dotted_name` or `relative_import` text would show them; None where
/// this reading is unsure.
fn imported_modules(statement: &str) -> Option<Vec<&str>> {
    let plain = |m: &str| {
        !m.is_empty()
            && m.bytes()
                .all(|b| is_word(Lang::Python, b) || matches!(b, b'.' | b' ' | b'\t'))
    };
    if let Some(rest) = statement.strip_prefix("from") {
        // The `import` keyword, not a module named `importlib`.
        let word = |b: Option<&u8>| b.is_some_and(|&b| is_word(Lang::Python, b));
        let (at, _) = rest.match_indices("import").find(|&(i, _)| {
            !word(rest.as_bytes().get(i.wrapping_sub(1))) && !word(rest.as_bytes().get(i + 6))
        })?;
        let module = rest[..at].trim();
        return plain(module).then(|| vec![module]);
    }
    let names = statement.strip_prefix("import")?;
    let names = names.split_once('#').map_or(names, |(code, _)| code);
    names
        .split(',')
        .map(|item| {
            let item = item.trim();
            let module = item.split_once(" as ").map_or(item, |(m, _)| m.trim_end());
            plain(module).then_some(module)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_statements_name_their_modules() {
        assert_eq!(
            imported_modules("from .trace import x"),
            Some(vec![".trace"])
        );
        assert_eq!(imported_modules("from . import (a, b)"), Some(vec!["."]));
        assert_eq!(
            imported_modules("from importlib import x"),
            Some(vec!["importlib"])
        );
        assert_eq!(
            imported_modules("import a.b as c, d  # why"),
            Some(vec!["a.b", "d"])
        );
        assert_eq!(imported_modules("import a.b as c, (d)"), None);
    }
}
