//! What a name that may be a key is, read from the tokens: a call's
//! keyword argument (with its callee), an attribute, or neither. The
//! links ask this of every `name=` in a call and every `.name` a project's
//! serialized class spells; on a migrated tree those are most of the
//! hits left in code, and this answers them without a tree.

use std::ops::Range;

use super::{Equals, Kind, Scopes};

/// The shape of the name at a byte, as the tree would give it.
#[derive(Debug, PartialEq, Eq)]
pub enum KeyShape {
    /// A keyword argument of a call: the callee's text (`self.client.post`)
    /// and the name at its root (`self`).
    Keyword {
        callee: Range<usize>,
        root: Range<usize>,
    },
    /// The attribute of `x.name`.
    Attribute,
    /// A field of a class, in its body (`name: T`, `name = v`).
    Field,
    /// Neither (a parameter's default, a class's keyword, a plain name).
    Other,
}

/// Callees whose class is the one around the call: only the tree knows it.
const OWN_CLASS: [&str; 3] = ["cls", "self.__class__", "type(self)"];

impl Scopes<'_> {
    /// The shape of the name at byte `at`; None when these scopes came from
    /// a tree or the tokens are unsure (the tree decides then).
    pub fn key_shape(&self, at: usize) -> Option<KeyShape> {
        let read = self.tokens.as_ref()?;
        let tokens = &read.tokens[..];
        let i = tokens.partition_point(|t| t.range.end <= at);
        let token = tokens.get(i).filter(|t| t.range.start == at)?;
        if token.kind != Kind::Name {
            return None;
        }
        let op = |k: usize, s: &str| tokens.get(k).is_some_and(|t| self.is_op(t, s));
        let imports = &read.imports;
        let mut in_import = imports
            .plain
            .iter()
            .chain(imports.from.iter().map(|(r, _)| r));
        if in_import.any(|r| r.contains(&at)) {
            return None;
        }
        if i > 0 && op(i - 1, ".") {
            return Some(KeyShape::Attribute);
        }
        let keyword = i > 0 && op(i + 1, "=") && (op(i - 1, "(") || op(i - 1, ","));
        if !keyword {
            // A class's field starts its statement (`session_id: str`).
            let assigns = op(i + 1, "=") || op(i + 1, ":");
            let line = i == 0 || tokens[i - 1].kind == Kind::End;
            return match (assigns, line) {
                (false, _) => Some(KeyShape::Other),
                (true, true) => match self.in_class_body(tokens, i)? {
                    true => Some(KeyShape::Field),
                    false => Some(KeyShape::Other),
                },
                // After `;` or a one-line block's `:`: unsure.
                (true, false) if op(i - 1, ";") || op(i - 1, ":") => None,
                (true, false) => Some(KeyShape::Other),
            };
        }
        let root = match self.equals(tokens, i)? {
            Equals::Default | Equals::ClassKeyword => return Some(KeyShape::Other),
            // No name at the callee's root (`"x".format(…)`): unsure.
            Equals::Keyword(None) => return None,
            Equals::Keyword(Some(root)) => root,
        };
        let open = tokens[i].open as usize;
        // `(name).x(…)`: the parentheses are the callee's.
        let parenthesized = root > 0
            && self.is_op(&tokens[root - 1], "(")
            && tokens
                .get(root + 1)
                .is_some_and(|t| t.pair as usize == root - 1);
        let start = match parenthesized {
            true => tokens[root - 1].range.start,
            false => tokens[root].range.start,
        };
        let callee = start..tokens[open - 1].range.end;
        if OWN_CLASS.contains(&&self.text[callee.clone()]) {
            return None;
        }
        Some(KeyShape::Keyword {
            callee,
            root: tokens[root].range.clone(),
        })
    }

    /// Is the logical line that starts at token `i` directly in a class's
    /// body: is the nearest line before it that is indented less a `class`
    /// header? None when an indentation is not plain spaces.
    fn in_class_body(&self, tokens: &[super::Token], i: usize) -> Option<bool> {
        let indent = self.column(tokens[i].range.start)?;
        if indent == 0 {
            return Some(false);
        }
        for k in (0..i).rev() {
            let starts_line = k == 0 || tokens[k - 1].kind == Kind::End;
            if !starts_line || tokens[k].kind == Kind::End {
                continue;
            }
            if self.column(tokens[k].range.start)? < indent {
                let header = &tokens[k];
                return Some(header.kind == Kind::Name && self.word(header) == "class");
            }
        }
        Some(false)
    }

    /// The column of byte `at`, where only spaces come before it on its line.
    fn column(&self, at: usize) -> Option<usize> {
        let line = self.text[..at].rfind('\n').map_or(0, |n| n + 1);
        let pad = &self.text[line..at];
        pad.bytes().all(|b| b == b' ').then_some(pad.len())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::KeyShape;
    use crate::analyze::scope::Scopes;
    use crate::config::{load, Source};
    use crate::index::project::Project;
    use crate::model::Lang;

    /// The shape of the first `session_id` in `text`, and the callee's and
    /// root's text for a keyword.
    fn shape(text: &str) -> Option<(String, String, String)> {
        let base = std::path::PathBuf::from("/");
        let rules = load(&[Source::Bundled { base }]).unwrap();
        let project = Project::new(&[], &rules);
        let lexed = crate::lang::lex::lex(Lang::Python, text, &[]).unwrap();
        let scopes = Scopes::lexical(text, &lexed, &project, Path::new("/x.py")).unwrap();
        let at = text.find("session_id").unwrap();
        Some(match scopes.key_shape(at)? {
            KeyShape::Keyword { callee, root } => (
                "keyword".into(),
                text[callee].to_string(),
                text[root].to_string(),
            ),
            other => (format!("{other:?}"), String::new(), String::new()),
        })
    }

    #[test]
    fn keys_read_from_tokens_are_what_the_tree_would_say() {
        let keyword = |callee: &str, root: &str| {
            Some(("keyword".to_string(), callee.to_string(), root.to_string()))
        };
        let plain = |what: &str| Some((what.to_string(), String::new(), String::new()));
        for (text, want) in [
            ("dict(a, session_id=1)\n", keyword("dict", "dict")),
            (
                "self.client.post(\n    url,\n    session_id=s,\n)\n",
                keyword("self.client.post", "self"),
            ),
            ("(api).get(session_id=1)\n", keyword("(api).get", "api")),
            ("make()[0](session_id=1)\n", keyword("make()[0]", "make")),
            ("x = obj.session_id\n", plain("Attribute")),
            ("def f(a, session_id=1): pass\n", plain("Other")),
            ("f(lambda session_id=1: 0)\n", plain("Other")),
            ("class A(B, session_id=1): pass\n", plain("Other")),
            ("f(x == session_id)\n", plain("Other")),
            ("class A:\n    session_id: str\n", plain("Field")),
            (
                "class A(\n    B,\n):\n    @property\n    def x(self):\n        pass\n\n    session_id = 1\n",
                plain("Field"),
            ),
            ("def f():\n    session_id = 1\n", plain("Other")),
            ("class A:\n    if x:\n        session_id = 1\n", plain("Other")),
            ("session_id = 1\n", plain("Other")),
            ("class A:\n    x = session_id = 1\n", plain("Other")),
            ("class A:\n    session_id += 1\n", plain("Other")),
            // Left to the tree: after `;`, a class's own call, no root name.
            ("class A:\n    x = 1; session_id = 2\n", None),
            ("cls(session_id=1)\n", None),
            ("\"{x}\".format(session_id=1)\n", None),
            ("import session_id\n", None),
        ] {
            assert_eq!(shape(text), want, "{text}");
        }
    }
}
