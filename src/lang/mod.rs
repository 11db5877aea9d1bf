//! Languages: which files are which, their grammars, and how a hit's syntax
//! node is classified (code, comment or string).
//!
//! Classification starts from the hit's byte range, not from a walk of the
//! whole tree: `descendant_for_byte_range` finds the smallest node around
//! the hit and each language walks up a few parents to learn its class.

mod js;
mod python;
mod sql;

use std::cell::RefCell;
use std::ops::Range;
use std::path::Path;

use anyhow::{anyhow, Result};
use tree_sitter::{Node, Parser, Tree};

use crate::rules::Class;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    Python,
    TypeScript,
    Tsx,
    JavaScript,
    Sql,
}

impl Lang {
    pub const ALL: [Lang; 5] = [
        Lang::Python,
        Lang::TypeScript,
        Lang::Tsx,
        Lang::JavaScript,
        Lang::Sql,
    ];

    pub fn from_path(path: &Path) -> Option<Lang> {
        let ext = path.extension()?.to_str()?;
        Some(match ext {
            "py" | "pyi" => Lang::Python,
            "ts" | "mts" | "cts" => Lang::TypeScript,
            "tsx" => Lang::Tsx,
            "js" | "mjs" | "cjs" | "jsx" => Lang::JavaScript,
            "sql" => Lang::Sql,
            _ => return None,
        })
    }

    fn grammar(self) -> tree_sitter::Language {
        match self {
            Lang::Python => tree_sitter_python::LANGUAGE.into(),
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Lang::Sql => tree_sitter_sequel::LANGUAGE.into(),
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

thread_local! {
    // One parser per thread per language, created on first use and reused.
    static PARSERS: RefCell<[Option<Parser>; 5]> = const { RefCell::new([None, None, None, None, None]) };
}

pub fn parse(lang: Lang, text: &str) -> Result<Tree> {
    PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        let slot = &mut parsers[lang.index()];
        if slot.is_none() {
            let mut p = Parser::new();
            p.set_language(&lang.grammar())
                .map_err(|e| anyhow!("cannot load the {lang:?} grammar: {e}"))?;
            *slot = Some(p);
        }
        let parser = slot.as_mut().expect("parser was just created");
        parser
            .parse(text, None)
            .ok_or_else(|| anyhow!("the {lang:?} parser gave up"))
    })
}

/// ERROR and MISSING nodes in a tree: a rewrite may not add any.
pub fn error_count(tree: &Tree) -> usize {
    if !tree.root_node().has_error() {
        return 0;
    }
    let mut count = 0;
    let mut cursor = tree.walk();
    'walk: loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            count += 1;
        }
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                continue 'walk;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    count
}

/// A stretch of source whose words are decided together: one identifier,
/// one comment, or one run of string text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    pub range: Range<usize>,
    pub class: Class,
    pub shape: Shape,
}

/// What a unit's text is, which decides how its words are treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// One identifier node: scopes, ownership and collisions apply.
    Identifier,
    /// Words: comments, strings, quoted SQL names, code-reference strings.
    Text,
    /// A module path in an import (`agentops.session`, `'./sessions'`):
    /// it can only change together with a file move.
    ModulePath,
    /// A dotted target (`"agentops.session.Session"`): the module path,
    /// then one name.
    DottedTarget,
}

impl Unit {
    fn new(node: Node, class: Class) -> Unit {
        let shape = match class {
            Class::Code => Shape::Identifier,
            _ => Shape::Text,
        };
        Unit::with(node.byte_range(), class, shape)
    }

    fn with(range: Range<usize>, class: Class, shape: Shape) -> Unit {
        Unit {
            range,
            class,
            shape,
        }
    }
}

/// Classifies hits in one parsed file.
pub struct Classifier<'t> {
    lang: Lang,
    tree: &'t Tree,
    text: &'t str,
    sql: sql::Fallback,
}

impl<'t> Classifier<'t> {
    pub fn new(lang: Lang, tree: &'t Tree, text: &'t str) -> Self {
        Classifier {
            lang,
            tree,
            text,
            sql: sql::Fallback::default(),
        }
    }

    /// The unit around a hit, or None where the hit is not a name, comment
    /// or string (a keyword, say).
    pub fn unit(&mut self, hit: Range<usize>) -> Option<Unit> {
        let node = self
            .tree
            .root_node()
            .descendant_for_byte_range(hit.start, hit.end)?;
        match self.lang {
            Lang::Python => python::classify(node, hit.start),
            Lang::TypeScript | Lang::Tsx | Lang::JavaScript => {
                js::classify(node, self.text, hit.start)
            }
            Lang::Sql => self.sql.classify(node, self.text, hit.start),
        }
    }
}

/// The child of `node` that contains byte `at`, if any.
fn child_at(node: Node, at: usize) -> Option<Node> {
    let mut cursor = node.walk();
    let found = node
        .children(&mut cursor)
        .find(|c| c.start_byte() <= at && at < c.end_byte());
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grammar_loads_and_parses() {
        for lang in Lang::ALL {
            let tree = parse(lang, "x").unwrap();
            assert_eq!(tree.root_node().start_byte(), 0, "{lang:?}");
        }
    }

    #[test]
    fn error_count_sees_errors() {
        assert_eq!(error_count(&parse(Lang::Python, "x = 1\n").unwrap()), 0);
        assert!(error_count(&parse(Lang::Python, "x = = 1\n").unwrap()) > 0);
    }
}
