//! A file as the analysis sees it: its text, what the lexer read of it,
//! and its syntax tree, parsed on first need.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;

use anyhow::Result;
use tree_sitter::Tree;

use crate::lang::lex::Lexed;
use crate::lang::{self, Lang};

/// A file's syntax tree, parsed on first use: hits the lexer places
/// (comments, plain strings, names kept by name) never need one, and on a
/// migrated tree most files hold nothing else.
pub struct Syntax<'t> {
    pub(crate) lang: Lang,
    pub(crate) text: &'t str,
    pub(crate) lexed: Option<Lexed>,
    pub(crate) tree: OnceCell<Tree>,
    /// TypeScript/JavaScript: the file imports nothing third-party.
    pub(crate) imports_only_ours: OnceCell<bool>,
    /// TypeScript/JavaScript: no object leaves the file's code by name (it
    /// imports nothing third-party and names no platform sink).
    pub(crate) sealed: OnceCell<bool>,
    /// Whether each new name asked about is spelled in the file.
    pub(crate) spelled: RefCell<HashMap<String, bool>>,
    /// The third-party type each binding asked about holds (`senses`), by
    /// where it binds.
    pub(crate) held: RefCell<HashMap<usize, Option<String>>>,
}

/// Files up to this size are parsed to learn whether the syntax is sound
/// where they rename (`Unsound`) even when no decision needs their tree.
/// Bigger ones (generated or minified code, where tree-sitter takes
/// seconds) are parsed only when a decision needs it.
const SOUNDNESS_PARSE_LIMIT: usize = 1024 * 1024;

impl<'t> Syntax<'t> {
    pub(crate) fn new(lang: Lang, text: &'t str, lexed: Option<Lexed>) -> Syntax<'t> {
        Syntax {
            lang,
            text,
            lexed,
            tree: OnceCell::new(),
            imports_only_ours: OnceCell::new(),
            sealed: OnceCell::new(),
            spelled: RefCell::default(),
            held: RefCell::default(),
        }
    }

    /// The tree, where it is cheap enough to learn whether the file has
    /// syntax errors: parsed already, or the file is not large.
    pub(crate) fn tree_for_soundness(&self) -> Result<Option<&Tree>> {
        match self.tree.get() {
            Some(tree) => Ok(Some(tree)),
            None if self.text.len() <= SOUNDNESS_PARSE_LIMIT => self.tree().map(Some),
            None => Ok(None),
        }
    }

    /// The tree, if something parsed it already.
    pub(crate) fn parsed(&self) -> Option<&Tree> {
        self.tree.get()
    }

    pub(crate) fn tree(&self) -> Result<&Tree> {
        if let Some(tree) = self.tree.get() {
            return Ok(tree);
        }
        let tree = lang::parse(self.lang, self.text)?;
        Ok(self.tree.get_or_init(|| tree))
    }
}
