//! Verifying a rewrite: it may not parse worse than the file did.

use anyhow::Result;
use tree_sitter::Tree;

use super::edit;
use crate::analyze::Syntax;
use crate::lang::lines::Lines;
use crate::lang::{self, Lang};
use crate::model::{Dropped, Edit};

/// Why the rewrite `edits` make of the file is dropped, if it is: it
/// would parse with more syntax errors than before.
///
/// Edits that replace words inside comments and strings
/// (`Lexed::in_text`), or a whole name by a name (`lang::keeps_tokens`),
/// leave the parser the same tokens in the same places: a file without
/// syntax errors parses exactly as before, so it needs no re-parse. In a
/// file with errors they may not (tree-sitter's error recovery weighs the
/// bytes it skips), so it is re-parsed. Whether a file has errors is
/// known from its tree, parsed for every file up to 1 MiB with renames
/// (`Syntax::tree_for_soundness`); a bigger one, parsed by nothing so far
/// (generated or minified code, where a parse takes seconds), is taken to
/// have none when the lexer followed it to the end with every bracket
/// closed by its own kind.
pub(super) fn dropped(syntax: &Syntax, edits: &[Edit]) -> Result<Option<Dropped>> {
    let (lang, text) = (syntax.lang, syntax.text);
    let lexed = syntax.lexed.as_ref();
    let in_text = |e: &Edit| lexed.is_some_and(|l| l.in_text(e.range.start));
    let keeps =
        |e: &Edit| in_text(e) || lang::keeps_tokens(lang, text, e.range.clone(), &e.replacement);
    let sound = match syntax.parsed() {
        Some(tree) => !tree.root_node().has_error(),
        None => lexed.is_some_and(|l| l.balanced()),
    };
    if sound && edits.iter().all(keeps) {
        return Ok(None);
    }
    let new_text = edit::apply(text, edits)?;
    let tree = syntax.tree()?;
    let errors_after = lang::error_count(&reparse(lang, tree, text, &new_text, edits)?);
    if errors_after == 0 {
        return Ok(None);
    }
    let errors_before = lang::error_count(tree);
    Ok(
        (errors_after > errors_before).then_some(Dropped::WouldNotParse {
            errors_before,
            errors_after,
        }),
    )
}

/// The rewritten text's tree, parsed incrementally from the old one:
/// each edit replaces one token within a line, so the old tree is told
/// about the edits (last first, so earlier offsets stay valid) and
/// tree-sitter reuses everything else.
fn reparse(lang: Lang, tree: &Tree, old: &str, new: &str, edits: &[Edit]) -> Result<Tree> {
    let lines = Lines::new(old);
    // Points first, in order (counting forward), then edits last first.
    let points: Vec<(usize, usize)> = edits.iter().map(|e| lines.point(e.range.start)).collect();
    let mut edited = tree.clone();
    for (e, &(line, column)) in edits.iter().zip(&points).rev() {
        let point = |col: usize| tree_sitter::Point::new(line, col);
        edited.edit(&tree_sitter::InputEdit {
            start_byte: e.range.start,
            old_end_byte: e.range.end,
            new_end_byte: e.range.start + e.replacement.len(),
            start_position: point(column),
            old_end_position: point(column + e.range.len()),
            new_end_position: point(column + e.replacement.len()),
        });
    }
    lang::reparse(lang, new, Some(&edited))
}
