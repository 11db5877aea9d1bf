//! Phase 2's decisions for one file: where each hit is (classify), whose
//! name it is and what becomes of it (decide): the edits its renames make
//! and the occurrences it reports.

pub mod classify;
mod collisions;
mod decide;
mod links;
mod markers;
mod prose;
pub mod scope;
mod senses;
mod syntax;
mod verdict;

use std::collections::BTreeMap;
use std::ops::Range;

use anyhow::Result;

pub use syntax::Syntax;

use crate::config::Rules;
use crate::index::frozen::Frozen;
use crate::index::moves::Moves;
use crate::index::project::Project;
use crate::lang::lex::{self, Place};
use crate::lang::{Lang, Unit};
use crate::model::{Edit, Scanned};
use crate::walk::Entry;
use classify::Classifier;

/// What every file's analysis shares: the rules, the project index, the
/// planned moves and what files the run does not change still spell.
pub struct Analyzer<'r> {
    pub(crate) rules: &'r Rules,
    pub(crate) project: &'r Project,
    pub(crate) moves: &'r Moves,
    /// Place hits lexically where possible (off only to test that it
    /// changes nothing).
    lexer: bool,
    frozen: Option<&'r Frozen>,
}

impl<'r> Analyzer<'r> {
    pub fn new(rules: &'r Rules, project: &'r Project, moves: &'r Moves) -> Self {
        Analyzer {
            rules,
            project,
            moves,
            lexer: true,
            frozen: None,
        }
    }

    /// This analyzer, where names that `frozen` files still spell stay.
    pub fn with_frozen(self, frozen: &'r Frozen) -> Self {
        Analyzer {
            frozen: Some(frozen),
            ..self
        }
    }

    /// This analyzer with every hit classified on the syntax tree: the
    /// reference the lexer is tested against.
    pub fn without_lexer(self) -> Self {
        Analyzer {
            lexer: false,
            ..self
        }
    }

    /// The file `text` (of `lang`, without its BOM) with its `hits`: what
    /// the lexer read, the edits its renames make, and its occurrences.
    pub fn analyze<'t>(
        &self,
        entry: &Entry,
        lang: Lang,
        text: &'t str,
        hits: &[Range<usize>],
    ) -> Result<(Syntax<'t>, Vec<Edit>, Scanned)> {
        let syntax = Syntax::new(
            lang,
            text,
            match self.lexer {
                true => lex::lex(lang, text, hits),
                false => None,
            },
        );
        let units = self.classify(entry, &syntax, hits)?;
        let (edits, scanned) = self.decide(entry, &syntax, units.values(), hits)?;
        Ok((syntax, edits, scanned))
    }

    /// The unit (identifier, comment or stretch of string) around each
    /// hit, by start: placed by the lexer where it can, on the tree where
    /// it cannot.
    fn classify(
        &self,
        entry: &Entry,
        syntax: &Syntax,
        hits: &[Range<usize>],
    ) -> Result<BTreeMap<usize, Unit>> {
        let (lang, text) = (syntax.lang, syntax.text);
        let mut classifier: Option<Classifier> = None;
        let mut units: BTreeMap<usize, Unit> = BTreeMap::new();
        for hit in hits {
            if units
                .range(..=hit.start)
                .next_back()
                .is_some_and(|(_, u)| u.range.contains(&hit.start))
            {
                continue;
            }
            let unit = match syntax.lexed.as_ref().map(|l| l.place(text, hit.start)) {
                Some(Place::Unit(unit)) => Some(unit),
                _ => {
                    let classifier = match &mut classifier {
                        Some(c) => c,
                        None => classifier.insert(Classifier::new(
                            lang,
                            syntax.tree()?,
                            text,
                            self.project,
                            &entry.abs,
                        )),
                    };
                    classifier.unit(hit.clone())
                }
            };
            if let Some(unit) = unit {
                units.insert(unit.range.start, unit);
            }
        }
        Ok(units)
    }

    /// The file this run does not change that still spells `name`.
    fn held(&self, name: &str) -> Option<&crate::index::frozen::Held> {
        self.frozen.and_then(|f| f.holding(name))
    }
}
