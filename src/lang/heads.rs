//! What a line says before a name: whether the name is defined there at
//! the top level of its module (`class Session`, `export interface
//! ISession`). Read from the line's text alone, so that every file with a
//! hit can answer it without a tree: `survey` and the closing summary ask
//! it of every identifier with a rule word.

use crate::model::Lang;

/// The kind of top-level definition the name at byte `at` of `text` is
/// the name of, if it is one (see `top_level_definition`).
pub fn defined_at(lang: Lang, text: &str, at: usize) -> Option<&'static str> {
    let before = text.get(..at)?.as_bytes();
    // No definition's head is longer (`export default abstract class `):
    // a longer look back would make a long line's names quadratic.
    let window = at.saturating_sub(MAX_HEAD + 1);
    let start = match memchr::memrchr(b'\n', &before[window..]) {
        Some(i) => window + i + 1,
        None if window == 0 => 0,
        None => return None,
    };
    top_level_definition(lang, text.get(start..at)?)
}

/// The longest line head `top_level_definition` may accept.
const MAX_HEAD: usize = 64;

/// The kind of top-level definition that the line `head` (its text from
/// its start up to a name) opens for that name: `class`, `function`,
/// `interface`, `type` or `enum`. None when the name is used, not defined,
/// or defined in a block (an indented line).
pub fn top_level_definition(lang: Lang, head: &str) -> Option<&'static str> {
    // Top level: the definition starts its line.
    if head.starts_with([' ', '\t']) || !head.ends_with([' ', '\t', '*']) {
        return None;
    }
    // `function *gen`: the star is no word.
    let words: Vec<&str> = head.split_whitespace().filter(|w| *w != "*").collect();
    match lang {
        Lang::Python => match words.as_slice() {
            ["class"] => Some("class"),
            ["def"] | ["async", "def"] => Some("function"),
            _ => None,
        },
        Lang::TypeScript | Lang::Tsx | Lang::JavaScript => js_definition(&words),
        Lang::Sql => None,
    }
}

/// `export default abstract class`, `declare function`, `function*`,
/// `const enum`: modifiers, then the keyword that names the kind.
fn js_definition(words: &[&str]) -> Option<&'static str> {
    let (last, modifiers) = words.split_last()?;
    let modifiers_ok = modifiers.iter().enumerate().all(|(i, m)| match *m {
        "export" => i == 0,
        "default" => i == 1 && modifiers[0] == "export",
        "declare" | "abstract" | "async" => true,
        // `const enum`.
        "const" => *last == "enum",
        _ => false,
    });
    if !modifiers_ok {
        return None;
    }
    match *last {
        "class" => Some("class"),
        "function" | "function*" => Some("function"),
        "interface" => Some("interface"),
        "type" => Some("type"),
        "enum" => Some("enum"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_definitions_are_read_from_the_line_head() {
        let py = |head| top_level_definition(Lang::Python, head);
        assert_eq!(py("class "), Some("class"));
        assert_eq!(py("async def "), Some("function"));
        assert_eq!(py("    def "), None, "a method");
        assert_eq!(py("x = "), None);
        let ts = |head| top_level_definition(Lang::TypeScript, head);
        assert_eq!(ts("export interface "), Some("interface"));
        assert_eq!(ts("export default abstract class "), Some("class"));
        assert_eq!(ts("declare const enum "), Some("enum"));
        assert_eq!(ts("export function* "), Some("function"));
        assert_eq!(ts("function *"), Some("function"));
        assert_eq!(ts("type "), Some("type"));
        assert_eq!(ts("  class "), None, "inside a block");
        assert_eq!(ts("const "), None);
        assert_eq!(ts("new "), None);
        assert_eq!(ts("default class "), None);
        assert_eq!(top_level_definition(Lang::Sql, "class "), None);
        let text = "x = 1\nclass Session:\n    def session(self): ...\n";
        assert_eq!(defined_at(Lang::Python, text, 12), Some("class"));
        assert_eq!(defined_at(Lang::Python, text, 29), None);
    }
}
