//! One file through the pipeline: read → prefilter → lex → classify →
//! decide → edit → verify, and in `apply` mode, write. The syntax tree is
//! parsed on first need, at most once: many files never need it.
//!
//! Files are independent, so this runs on many threads at once; nothing
//! here prints. The caller reports in path order.

use std::cell::{Cell, OnceCell};
use std::collections::hash_map;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use anyhow::Result;
use tree_sitter::Tree;

use crate::config::matcher::Matcher;
use crate::config::Rules;
use crate::edit::{self, Edit};
use crate::index::frozen::Frozen;
use crate::index::moves::Moves;
use crate::index::project::Project;
use crate::lang::lex::{self, Lexed, Place};
use crate::lang::{self, Classifier, Lang, Shape, Unit};
use crate::model::{Class, Dropped, Mode, Occurrence, Outcome, Reason, Rewrite, Scanned, Skip};
use crate::patch;
use crate::scope::{self, Role, Scopes};
use crate::walk::read::{self, comment_text, keeps_file, Seen, COMMENT_MARKERS};
use crate::walk::Entry;

/// What every file's run shares: the rules, the prefilter and the mode.
pub struct Context<'r> {
    pub rules: &'r Rules,
    project: &'r Project,
    moves: &'r Moves,
    pub mode: Mode,
    /// Place hits lexically where possible (off only to test that it
    /// changes nothing).
    lexer: bool,
    /// What files this run does not change still spell.
    frozen: Option<&'r Frozen>,
}

impl<'r> Context<'r> {
    pub fn new(rules: &'r Rules, project: &'r Project, moves: &'r Moves, mode: Mode) -> Self {
        Context {
            rules,
            project,
            moves,
            mode,
            lexer: true,
            frozen: None,
        }
    }

    /// This context, where names that `frozen` files still spell stay.
    pub fn with_frozen(self, frozen: &'r Frozen) -> Self {
        Context {
            frozen: Some(frozen),
            ..self
        }
    }

    /// This context with every hit classified on the syntax tree: the
    /// reference the lexer is tested against.
    pub fn without_lexer(self) -> Self {
        Context {
            lexer: false,
            ..self
        }
    }

    /// One file's outcome. A panic (a bug) fails this file alone: it is
    /// reported with its path and left as it is, and the run goes on.
    pub fn process(&self, entry: &Entry) -> Outcome {
        let path = entry.path.display();
        match catch_panic(|| self.try_process(entry)) {
            Ok(Ok(o)) => o,
            Ok(Err(e)) => Outcome::Failed(format!("{path}: {e:#}")),
            Err(panic) => Outcome::Failed(format!(
                "{path}: internal error, the file is left as it is (please report this bug): {panic}"
            )),
        }
    }

    fn try_process(&self, entry: &Entry) -> Result<Outcome> {
        let Some(lang) = entry.lang else {
            return Ok(Outcome::Other);
        };
        // The walk read the file already: most need nothing more.
        match entry.seen {
            Some(Seen::Nothing) => return Ok(Outcome::Scanned(Scanned::default())),
            Some(Seen::Skipped(skip)) => return Ok(Outcome::Skipped(skip)),
            Some(Seen::Hits(_)) | None => {}
        }
        // To the very end: what is read here may be written back.
        read::with_text(&entry.path, read::Until::End, |text| match text {
            Ok(full) => self.process_text(entry, lang, full),
            Err(skip) => Ok(Outcome::Skipped(skip)),
        })?
    }

    /// Process a file with hits, its whole text (BOM included) at hand.
    fn process_text(&self, entry: &Entry, lang: Lang, full: &str) -> Result<Outcome> {
        let (bom, text) = read::split_bom(full);
        // The prefilter: most files have no hit and are never parsed.
        let hits: Vec<Range<usize>> = self.rules.prefilter().find_iter(text.as_bytes()).collect();
        if hits.is_empty() {
            return Ok(Outcome::Scanned(Scanned::default()));
        }
        if keeps_file(text) {
            return Ok(Outcome::Skipped(Skip::KeepFile));
        }
        let syntax = Syntax {
            lang,
            text,
            lexed: if self.lexer {
                lex::lex(lang, text, &hits)
            } else {
                None
            },
            tree: OnceCell::new(),
            imports_only_ours: OnceCell::new(),
            spelled: Default::default(),
        };
        let mut classifier: Option<Classifier> = None;
        let mut units: BTreeMap<usize, Unit> = BTreeMap::new();
        for hit in &hits {
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
        let (edits, mut scanned) = self.decide(entry, &syntax, units.values(), &hits)?;
        if edits.is_empty() {
            return Ok(Outcome::Scanned(scanned));
        }
        let new_text = edit::apply(text, &edits)?;
        // Edits inside comments and strings (`Lexed::in_text`), and names
        // replaced by names (`lang::keeps_tokens`), cannot change how a
        // file parses; others are verified by a re-parse.
        let in_text = |e: &Edit| {
            syntax
                .lexed
                .as_ref()
                .is_some_and(|l| l.in_text(e.range.start))
        };
        let safe = |e: &Edit| {
            in_text(e) || lang::keeps_tokens(lang, text, e.range.clone(), &e.replacement)
        };
        if !edits.iter().all(safe) {
            let tree = syntax.tree()?;
            let errors_after =
                lang::error_count(&self.reparse(lang, tree, text, &new_text, &edits)?);
            if errors_after > 0 {
                let errors_before = lang::error_count(tree);
                if errors_after > errors_before {
                    scanned.dropped = Some(Dropped {
                        errors_before,
                        errors_after,
                    });
                    scanned.changes.clear();
                    return Ok(Outcome::Scanned(scanned));
                }
            }
        }
        // Diffs and writes see the whole file, BOM included.
        let edits: Vec<Edit> = edits
            .into_iter()
            .map(|e| Edit {
                range: e.range.start + bom.len()..e.range.end + bom.len(),
                replacement: e.replacement,
            })
            .collect();
        match self.mode {
            Mode::Diff => scanned.diff = Some(patch::unified(full, &edits)),
            Mode::Apply => {
                let text = full.to_string();
                scanned.rewrite = Some(Rewrite { text, edits });
            }
            Mode::Check => {}
        }
        Ok(Outcome::Scanned(scanned))
    }

    /// The rewritten text's tree, parsed incrementally from the old one:
    /// each edit replaces one token within a line, so the old tree is told
    /// about the edits (last first, so earlier offsets stay valid) and
    /// tree-sitter reuses everything else.
    fn reparse(
        &self,
        lang: Lang,
        tree: &Tree,
        old: &str,
        new: &str,
        edits: &[Edit],
    ) -> Result<Tree> {
        let lines = Lines::new(old);
        // Points first, in order (counting forward), then edits last first.
        let points: Vec<(usize, usize)> =
            edits.iter().map(|e| lines.point(e.range.start)).collect();
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

    /// Run every token of every unit through the rules. First every token
    /// gets a plan; then collisions are decided per binding (so all
    /// occurrences of a name in a scope stay together); then edits and
    /// occurrences are emitted.
    fn decide<'s, 'u>(
        &self,
        entry: &Entry,
        syntax: &'s Syntax<'s>,
        units: impl Iterator<Item = &'u Unit>,
        hits: &[Range<usize>],
    ) -> Result<(Vec<Edit>, Scanned)> {
        let (lang, text) = (syntax.lang, syntax.text);
        let matcher = Matcher::for_file(self.rules, &entry.abs);
        let lines = Lines::new(text);
        let kept_lines = kept_lines(text);
        let mut scopes: Option<Scopes> = None;
        let mut plans = Vec::new();
        let mut mapped: HashMap<(&str, Class), Rc<Mapped>> = HashMap::new();
        // Units and their tokens come in order: so do the hits.
        let mut next_hit = 0;
        for unit in units {
            let unit_text = &text[unit.range.clone()];
            for token in crate::config::case::tokens(unit_text) {
                // A token no hit overlaps holds no rule word: a word with
                // one either starts a hit, or a hit before covers its start.
                let start = unit.range.start + token.start;
                while hits.get(next_hit).is_some_and(|h| h.end <= start) {
                    next_hit += 1;
                }
                let end = unit.range.start + token.end;
                if hits.get(next_hit).is_none_or(|h| h.start >= end) {
                    continue;
                }
                let word = &unit_text[token.clone()];
                if !self.rules.prefilter().is_match(word.as_bytes()) {
                    continue;
                }
                let mapped = match mapped.entry((word, unit.class)) {
                    hash_map::Entry::Occupied(e) => Rc::clone(e.get()),
                    hash_map::Entry::Vacant(e) => {
                        let outcome = matcher.map(word, unit.class);
                        Rc::clone(e.insert(Rc::new(Mapped::new(self.rules, word, outcome))))
                    }
                };
                let outcome = &mapped.outcome;
                if outcome.rules.is_empty() {
                    continue;
                }
                // `'./session.css'`: files of other languages do not move by
                // name, so the file name in such a specifier stays.
                if unit.shape == Shape::ModulePath
                    && names_other_file(entry, unit_text)
                    && unit_text[token.start..].rfind('/').is_none()
                {
                    continue;
                }
                let at = unit.range.start + token.start;
                let (line, column) = lines.position(at);
                let verdict = if kept_lines.contains(&line) {
                    Verdict::Kept(Reason::KeepComment)
                } else if let Some(pattern) = &outcome.kept {
                    Verdict::Kept(Reason::KeepName(pattern.clone()))
                } else {
                    match unit.shape {
                        Shape::ModulePath | Shape::DottedTarget => {
                            self.module_verdict(entry, syntax, &mut scopes, unit, at)?
                        }
                        _ if lang == Lang::Sql => match unit.class {
                            Class::Code => Verdict::Scoped { scope: 0, inner: 0 },
                            _ => Verdict::Plain,
                        },
                        // Reported, not renamed, and surely not third-party:
                        // neither its scope nor its owner matters.
                        Shape::Identifier
                            if !outcome.changed()
                                && syntax
                                    .lexed
                                    .as_ref()
                                    .is_some_and(|l| l.unowned(text, at, word, self.project)) =>
                        {
                            Verdict::Plain
                        }
                        Shape::Identifier => {
                            let new = &outcome.new;
                            self.name_verdict(entry, syntax, &mut scopes, at, word, new)?
                        }
                        _ => Verdict::Plain,
                    }
                };
                // A name that stands for one of the project's modules
                // follows that module's move.
                let tie = match (&verdict, unit.shape, lang) {
                    (Verdict::Kept(_), ..) => Tie::None,
                    (_, Shape::Identifier, Lang::Python) if outcome.changed() => {
                        match self.module_reference(entry, syntax, &mut scopes, at, word)? {
                            Some(form) => self.tie(&form),
                            None => Tie::None,
                        }
                    }
                    _ => Tie::None,
                };
                plans.push(Plan {
                    class: unit.class,
                    in_sql_string: unit.shape == Shape::SqlInString,
                    at,
                    word,
                    line,
                    column,
                    mapped,
                    verdict,
                    tie,
                });
            }
        }
        let collisions = self.collisions(entry, syntax, &plans, scopes.as_ref(), &lines)?;
        let mut scanned = Scanned::default();
        // Why each plan is not renamed as its policies say, if it is not.
        let blocked: Vec<Option<Reason>> = plans
            .iter()
            .map(|plan| match (&plan.verdict, &plan.tie) {
                (Verdict::Kept(reason), _) => Some(reason.clone()),
                _ if plan.class != Class::Comment && self.held(plan.word).is_some() => {
                    self.held(plan.word).map(|h| Reason::Needs(h.to_string()))
                }
                (_, Tie::Blocked(reason)) | (Verdict::Blocked(reason), _) => Some(reason.clone()),
                (Verdict::Scoped { scope, .. }, _) => collisions.get(&(*scope, plan.word)).cloned(),
                (Verdict::Plain | Verdict::Follows(_), _) => None,
            })
            .collect();
        let renames = plans
            .iter()
            .zip(&blocked)
            .any(|(p, b)| b.is_none() && p.mapped.outcome.changed());
        let unsound = match renames.then(|| syntax.tree_for_soundness()).transpose()? {
            // SQL's ERROR regions are read by its fallback lexer (`Unsound`).
            Some(Some(tree)) => {
                scanned.syntax_errors = lang != Lang::Sql && tree.root_node().has_error();
                Unsound::find(lang, tree, &plans)
            }
            _ => Unsound::default(),
        };
        let mut edits = Vec::new();
        for (plan, blocked) in plans.into_iter().zip(blocked) {
            let m = &plan.mapped;
            let o = &m.outcome;
            let occurrence = |new: &Arc<str>, rule: &Arc<str>, reason: Option<Reason>| Occurrence {
                line: plan.line,
                column: plan.column,
                class: plan.class,
                old: Arc::clone(&m.old),
                new: Arc::clone(new),
                rule: Arc::clone(rule),
                reason,
                in_sql_string: plan.in_sql_string,
                follows: None,
            };
            if let Verdict::Kept(_) = plan.verdict {
                scanned
                    .kept
                    .push(occurrence(&m.would_be, &m.all_rules, blocked));
                continue;
            }
            let blocked = match unsound.holds(&plan) {
                true => Some(Reason::SyntaxError),
                false => blocked,
            };
            if let (Some(reason), true) = (&blocked, o.changed()) {
                scanned
                    .findings
                    .push(occurrence(&m.would_be, &m.renamed, Some(reason.clone())));
            } else if o.changed() {
                edits.push(Edit {
                    range: plan.at..plan.at + plan.word.len(),
                    replacement: Arc::clone(&m.new),
                });
                let follows = match (&plan.verdict, &plan.tie) {
                    (Verdict::Follows(old), _) | (_, Tie::Follows(old)) => Some(old.clone()),
                    _ => None,
                };
                scanned.changes.push(Occurrence {
                    follows,
                    ..occurrence(&m.new, &m.renamed, None)
                });
            }
            for (label, reason) in &m.reports {
                let reason = Some(reason.clone());
                scanned
                    .findings
                    .push(occurrence(&m.would_be, label, reason));
            }
        }
        Ok((edits, scanned))
    }

    /// The file this run does not change that still spells `name`.
    fn held(&self, name: &str) -> Option<&crate::index::frozen::Held> {
        self.frozen.and_then(|f| f.holding(name))
    }

    /// A name's verdict: kept where a third-party module owns it, subject
    /// to collisions where a scope binds it, plain otherwise.
    fn name_verdict<'t>(
        &'t self,
        entry: &'t Entry,
        syntax: &'t Syntax<'t>,
        scopes: &mut Option<Scopes<'t>>,
        at: usize,
        word: &str,
        new: &str,
    ) -> Result<Verdict> {
        if let Some(module) = self.imported_from_theirs(entry, syntax, at) {
            return Ok(Verdict::Kept(Reason::ThirdParty(module.to_string())));
        }
        if self.needs_no_scopes(entry, syntax, new) {
            return Ok(Verdict::Plain);
        }
        let scopes = match scopes {
            Some(scopes) => scopes,
            None => scopes.insert(self.scopes(entry, syntax)?),
        };
        let owner = match scopes.owner_at(at) {
            Some(owner) => Some(owner),
            None => syntax
                .tree()?
                .root_node()
                .descendant_for_byte_range(at, at + word.len())
                .map(|n| scopes.owner(n)),
        };
        Ok(match owner {
            Some((_, Some(module))) => Verdict::Kept(Reason::ThirdParty(module)),
            Some((Role::Name, None)) => Verdict::Scoped {
                scope: scopes.resolve(word, at).0,
                inner: scopes.innermost(at),
            },
            _ => Verdict::Plain,
        })
    }

    /// TypeScript/JavaScript read by the lexer: a name needs no scopes (and
    /// no tree) when the file imports nothing third-party (every `import`
    /// and `export … from` source is the project's, and there is no
    /// `require` or `import(`), so that no name in it is theirs, and its
    /// new spelling `new` appears nowhere in the file, so that it cannot
    /// collide with anything.
    fn needs_no_scopes(&self, entry: &Entry, syntax: &Syntax, new: &str) -> bool {
        let Some(lexed) = syntax
            .lexed
            .as_ref()
            .filter(|_| syntax.lang != Lang::Python)
        else {
            return false;
        };
        let text = syntax.text;
        let ours = *syntax.imports_only_ours.get_or_init(|| {
            let calls = ["require", "import("]
                .iter()
                .any(|c| memchr::memmem::find(text.as_bytes(), c.as_bytes()).is_some());
            !calls
                && lexed
                    .module_paths()
                    .all(|p| !self.project.js_third_party(&text[p], &entry.abs))
        });
        let mut spelled = syntax.spelled.borrow_mut();
        let unspelled = !*spelled
            .entry(new.to_string())
            .or_insert_with(|| memchr::memmem::find(text.as_bytes(), new.as_bytes()).is_some());
        ours && unspelled
    }

    /// TypeScript/JavaScript: the third-party module of the `import` or
    /// `export … from` statement the name at `at` is in, if any: what
    /// `Scopes::owner` finds for it, without a tree.
    fn imported_from_theirs<'t>(
        &self,
        entry: &Entry,
        syntax: &Syntax<'t>,
        at: usize,
    ) -> Option<&'t str> {
        let path = syntax.lexed.as_ref()?.module_of(at)?;
        let module = &syntax.text[path.clone()];
        (!path.contains(&at) && self.project.js_third_party(module, &entry.abs)).then_some(module)
    }

    /// A file's scopes: read from its tokens where the lexer followed a
    /// Python file and the reading is sure, from its tree otherwise.
    fn scopes<'t>(&'t self, entry: &'t Entry, syntax: &'t Syntax<'t>) -> Result<Scopes<'t>> {
        let lexed = syntax
            .lexed
            .as_ref()
            .filter(|_| syntax.lang == Lang::Python);
        let read = lexed.and_then(|l| Scopes::lexical(syntax.text, l, self.project, &entry.abs));
        match read {
            Some(scopes) => Ok(scopes),
            None => Ok(Scopes::build(
                syntax.lang,
                syntax.tree()?,
                syntax.text,
                self.project,
                &entry.abs,
            )),
        }
    }

    /// A module path follows its module's move: kept when the module is
    /// third-party, blocked when its move collided, renamed otherwise.
    fn module_verdict<'t>(
        &'t self,
        entry: &'t Entry,
        syntax: &'t Syntax<'t>,
        scopes: &mut Option<Scopes<'t>>,
        unit: &Unit,
        at: usize,
    ) -> Result<Verdict> {
        let (lang, text) = (syntax.lang, syntax.text);
        // A Python import's module path, read by the lexer: the module is
        // what `Scopes::owner` would judge, and needs no tree.
        let lexed = syntax.lexed.as_ref();
        let read = match lang {
            Lang::Python => lexed.and_then(|l| l.import_module(text, at)),
            _ => lexed
                .and_then(|l| l.module_of(at))
                .filter(|p| p.contains(&at)),
        };
        if let Some(module) = read {
            let module = &text[module];
            if self.project.third_party(lang, module, &entry.abs) {
                return Ok(Verdict::Kept(Reason::ThirdParty(module.to_string())));
            }
            return Ok(self.move_verdict(&module_form(lang, &entry.path, module)));
        }
        let tree = syntax.tree()?;
        if let Some(module) = self.module_owner(entry, lang, text, tree, scopes, at) {
            return Ok(Verdict::Kept(Reason::ThirdParty(module)));
        }
        let written = written_module(tree, text, unit);
        Ok(self.move_verdict(&module_form(lang, &entry.path, written)))
    }

    /// A module path's verdict: blocked when its module's move collided,
    /// plain (and tied to the move) otherwise.
    fn move_verdict(&self, form: &str) -> Verdict {
        match self.tie(form) {
            Tie::Blocked(reason) => Verdict::Blocked(reason),
            Tie::Follows(old) => Verdict::Follows(old),
            Tie::None => Verdict::Plain,
        }
    }

    /// How a reference to the module written as the path `form` depends
    /// on that module's move.
    fn tie(&self, form: &str) -> Tie {
        if let Some(why) = self.moves.blocked(form) {
            return Tie::Blocked(Reason::MoveBlocked(why.to_string()));
        }
        match self.moves.followed(form) {
            Some(old) => Tie::Follows(old.to_path_buf()),
            None => Tie::None,
        }
    }

    /// Python: the project module a name stands for, as a path, where an
    /// import makes it one: `session` in `from pkg import session`, or in
    /// `pkg.session.x` where `pkg` is bound by an import.
    fn module_reference<'t>(
        &'t self,
        entry: &'t Entry,
        syntax: &'t Syntax<'t>,
        scopes: &mut Option<Scopes<'t>>,
        at: usize,
        word: &str,
    ) -> Result<Option<String>> {
        let text = syntax.text;
        if let Some(module) = from_import(syntax, at)? {
            let module = match module.ends_with('.') {
                true => format!("{module}{word}"),
                false => format!("{module}.{word}"),
            };
            return Ok(Some(module_form(Lang::Python, &entry.path, &module)));
        }
        let bytes = text.as_bytes();
        let dotted = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.';
        let start = at - bytes[..at].iter().rev().take_while(|b| dotted(b)).count();
        let chain = &text[start..at + word.len()];
        let Some((root, _)) = chain.split_once('.').filter(|(r, _)| !r.is_empty()) else {
            return Ok(None);
        };
        let scopes = match scopes {
            Some(scopes) => scopes,
            None => scopes.insert(self.scopes(entry, syntax)?),
        };
        let imported = match scopes.resolve(root, start).1 {
            Some(binding) => in_import(syntax, binding.at)?,
            None => false,
        };
        Ok(imported.then(|| module_form(Lang::Python, &entry.path, chain)))
    }

    /// The third-party module an import path at `at` names, if it is one.
    fn module_owner<'t>(
        &'t self,
        entry: &'t Entry,
        lang: Lang,
        text: &'t str,
        tree: &Tree,
        scopes: &mut Option<Scopes<'t>>,
        at: usize,
    ) -> Option<String> {
        let node = tree.root_node().descendant_for_byte_range(at, at)?;
        let spec = &text[node.byte_range()];
        match lang {
            Lang::Python if node.kind() == "identifier" => {
                let scopes = scopes.get_or_insert_with(|| {
                    Scopes::build(lang, tree, text, self.project, &entry.abs)
                });
                scopes.owner(node).1
            }
            // Python strings (`mock.patch`, `import_module`) are module paths
            // only when `python::string_use` found their module first-party.
            Lang::Python => None,
            _ => self
                .project
                .js_third_party(spec, &entry.abs)
                .then(|| spec.to_string()),
        }
    }

    /// Bindings whose rename would collide: (scope, old name) → why. The
    /// new name must not be visible from any scope where the old one is
    /// used (SQL: must not be a table or column the file defines).
    fn collisions<'t>(
        &self,
        entry: &Entry,
        syntax: &Syntax,
        plans: &[Plan<'t>],
        scopes: Option<&Scopes>,
        lines: &Lines,
    ) -> Result<HashMap<(usize, &'t str), Reason>> {
        let (lang, text) = (syntax.lang, syntax.text);
        let mut out = HashMap::new();
        // A binding whose module cannot move stays, with all its uses.
        for plan in plans {
            if let (Verdict::Scoped { scope, .. }, Tie::Blocked(reason)) =
                (&plan.verdict, &plan.tie)
            {
                out.entry((*scope, plan.word))
                    .or_insert_with(|| reason.clone());
            }
        }
        let mut sql_names = None;
        for plan in plans.iter().filter(|p| p.mapped.outcome.changed()) {
            let Verdict::Scoped { scope, inner } = plan.verdict else {
                continue;
            };
            if out.contains_key(&(scope, plan.word)) {
                continue;
            }
            let new = plan.mapped.outcome.new.as_str();
            let found = match (lang, scopes) {
                (Lang::Sql, _) => {
                    if sql_names.is_none() {
                        sql_names = Some(scope::sql_definitions(syntax.tree()?, text));
                    }
                    sql_names.as_ref().and_then(|names| names.get(new)).copied()
                }
                (_, Some(scopes)) => scopes
                    .chain(inner)
                    .find_map(|s| scopes.bound_in(s, new))
                    .map(|b| b.at),
                _ => None,
            };
            if let Some(at) = found {
                let (line, column) = lines.position(at);
                let at = format!("{}:{line}:{column}", entry.path.display());
                out.insert(
                    (scope, plan.word),
                    Reason::Collision {
                        with: new.to_string(),
                        at,
                    },
                );
            }
        }
        Ok(out)
    }
}

thread_local! {
    /// Set while `catch_panic` runs on this thread: the panic hook then
    /// keeps the message here instead of printing it.
    static CAUGHT: std::cell::RefCell<Option<Option<String>>> = const { std::cell::RefCell::new(None) };
}

/// Run `f`, turning a panic into its message (with its location). The
/// panic hook is replaced once, to stay quiet about panics caught here;
/// any other panic is printed as before.
fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let caught = CAUGHT.with_borrow_mut(|c| match c {
                Some(slot) => {
                    *slot = Some(info.to_string().replace('\n', " "));
                    true
                }
                None => false,
            });
            if !caught {
                default(info);
            }
        }));
    });
    CAUGHT.set(Some(None));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    let message = CAUGHT.take().flatten();
    result.map_err(|_| message.unwrap_or_else(|| "a panic".to_string()))
}

/// A file's syntax tree, parsed on first use: hits the lexer places
/// (comments, plain strings, names kept by name) never need one, and on a
/// migrated tree most files hold nothing else.
struct Syntax<'t> {
    lang: Lang,
    text: &'t str,
    lexed: Option<Lexed>,
    tree: OnceCell<Tree>,
    /// TypeScript/JavaScript: the file imports nothing third-party.
    imports_only_ours: OnceCell<bool>,
    /// Whether each new name asked about is spelled in the file.
    spelled: std::cell::RefCell<HashMap<String, bool>>,
}

/// Files up to this size are parsed to learn whether the syntax is sound
/// where they rename (`Unsound`) even when no decision needs their tree.
/// Bigger ones (generated or minified code, where tree-sitter takes
/// seconds) are parsed only when a decision needs it.
const SOUNDNESS_PARSE_LIMIT: usize = 1024 * 1024;

impl Syntax<'_> {
    /// The tree, where it is cheap enough to learn whether the file has
    /// syntax errors: parsed already, or the file is not large.
    fn tree_for_soundness(&self) -> Result<Option<&Tree>> {
        match self.tree.get() {
            Some(tree) => Ok(Some(tree)),
            None if self.text.len() <= SOUNDNESS_PARSE_LIMIT => self.tree().map(Some),
            None => Ok(None),
        }
    }

    fn tree(&self) -> Result<&Tree> {
        if let Some(tree) = self.tree.get() {
            return Ok(tree);
        }
        let tree = lang::parse(self.lang, self.text)?;
        Ok(self.tree.get_or_init(|| tree))
    }
}

/// Renames a syntax error holds: tree-sitter's classes inside an ERROR
/// node are guesses (a broken string reads as code), so nothing there is
/// renamed, and a name renamed as code elsewhere in the file stays too,
/// as collisions keep a name's occurrences together. SQL is exempt: its
/// ERROR regions (policies, plpgsql) are read by its own fallback lexer.
#[derive(Default)]
struct Unsound<'t> {
    at: HashSet<usize>,
    words: HashSet<&'t str>,
}

impl<'t> Unsound<'t> {
    fn find(lang: Lang, tree: &Tree, plans: &[Plan<'t>]) -> Unsound<'t> {
        let mut out = Unsound::default();
        if lang == Lang::Sql || !tree.root_node().has_error() {
            return out;
        }
        for plan in plans.iter().filter(|p| p.mapped.outcome.changed()) {
            let node = tree
                .root_node()
                .descendant_for_byte_range(plan.at, plan.at + plan.word.len());
            let broken =
                std::iter::successors(node, |n| n.parent()).any(|n| n.is_error() || n.is_missing());
            if broken {
                out.at.insert(plan.at);
                if plan.class == Class::Code {
                    out.words.insert(plan.word);
                }
            }
        }
        out
    }

    fn holds(&self, plan: &Plan) -> bool {
        self.at.contains(&plan.at) || plan.class == Class::Code && self.words.contains(plan.word)
    }
}

/// How a rename depends on a file's move.
enum Tie {
    None,
    /// Made only together with the move of this file.
    Follows(PathBuf),
    /// Not made: the move it needs is not made. For a name bound in a
    /// scope, every occurrence of it there stays too.
    Blocked(Reason),
}

/// Python: the module of the `from … import` statement among whose
/// imported names `at` is.
fn from_import<'t>(syntax: &Syntax<'t>, at: usize) -> Result<Option<&'t str>> {
    if let Some(lexed) = &syntax.lexed {
        return Ok(lexed.from_import(syntax.text, at));
    }
    let tree = syntax.tree()?;
    let node = tree.root_node().descendant_for_byte_range(at, at);
    let statement =
        std::iter::successors(node, |n| n.parent()).find(|n| n.kind() == "import_from_statement");
    let module = statement
        .and_then(|s| s.child_by_field_name("module_name"))
        .filter(|m| m.end_byte() <= at);
    Ok(module.map(|m| &syntax.text[m.byte_range()]))
}

/// Python: is `at` inside an import statement?
fn in_import(syntax: &Syntax, at: usize) -> Result<bool> {
    if let Some(lexed) = &syntax.lexed {
        return Ok(lexed.in_import(at));
    }
    let tree = syntax.tree()?;
    let node = tree.root_node().descendant_for_byte_range(at, at);
    Ok(std::iter::successors(node, |n| n.parent())
        .any(|n| matches!(n.kind(), "import_statement" | "import_from_statement")))
}

/// One token's decision before collisions are known.
struct Plan<'t> {
    class: Class,
    in_sql_string: bool,
    at: usize,
    word: &'t str,
    line: usize,
    column: usize,
    mapped: Rc<Mapped>,
    verdict: Verdict,
    tie: Tie,
}

/// What the rules make of one token of one class, worked out once per
/// file and shared by all its occurrences (a file may spell one name
/// thousands of times), with the strings its occurrences show.
struct Mapped {
    outcome: crate::config::matcher::Outcome,
    old: Arc<str>,
    new: Arc<str>,
    would_be: Arc<str>,
    /// The labels of the rules that matched, and of those that renamed.
    all_rules: Arc<str>,
    renamed: Arc<str>,
    /// Each report's rule label and reason.
    reports: Vec<(Arc<str>, Reason)>,
}

impl Mapped {
    fn new(rules: &Rules, word: &str, outcome: crate::config::matcher::Outcome) -> Mapped {
        let label = |indices: &[usize]| Arc::from(rules.label(indices.iter().copied()));
        Mapped {
            old: Arc::from(word),
            new: Arc::from(outcome.new.as_str()),
            would_be: Arc::from(outcome.would_be.as_str()),
            all_rules: label(&outcome.rules),
            renamed: label(&outcome.renamed),
            reports: outcome
                .reports
                .iter()
                .map(|r| (label(&[r.rule]), r.reason.clone()))
                .collect(),
            outcome,
        }
    }
}

enum Verdict {
    /// Renamed or reported as its policies say.
    Plain,
    /// A name bound in `scope`, used from `inner`: subject to collisions.
    Scoped {
        scope: usize,
        inner: usize,
    },
    /// Not applied, and reported for this reason.
    Blocked(Reason),
    Kept(Reason),
    /// Renamed only together with the move of this file.
    Follows(PathBuf),
}

/// Does this relative import specifier name an existing file of another
/// language (a stylesheet, an image, JSON)?
fn names_other_file(entry: &Entry, spec: &str) -> bool {
    let target = entry.abs.parent().map(|dir| dir.join(spec));
    spec.starts_with('.') && target.is_some_and(|t| t.is_file() && Lang::from_path(&t).is_none())
}

/// The module a module-path unit names as written: a Python identifier's
/// whole dotted name (`a.session`, `.session`), a specifier's text.
fn written_module<'t>(tree: &Tree, text: &'t str, unit: &Unit) -> &'t str {
    let node = tree
        .root_node()
        .descendant_for_byte_range(unit.range.start, unit.range.end);
    node.and_then(|n| n.parent())
        .filter(|p| p.kind() == "dotted_name")
        .map(|p| {
            p.parent()
                .filter(|r| r.kind() == "relative_import")
                .unwrap_or(p)
        })
        .map_or(&text[unit.range.clone()], |p| &text[p.byte_range()])
}

/// The module written as `written` in `file`, as a path from the walk's
/// root where it is relative (`from .session`, `'./sessions'`) and as
/// written otherwise (`agentops/session`, `lib/sessions` for
/// `@/lib/sessions`), to find the move it depends on.
fn module_form(lang: Lang, file: &Path, written: &str) -> String {
    let (ups, rest): (usize, Vec<&str>) = match lang {
        Lang::Python => {
            let dots = written.len() - written.trim_start_matches('.').len();
            (dots, written.trim_start_matches('.').split('.').collect())
        }
        _ if written.starts_with('.') => {
            let parts: Vec<&str> = written.split('/').filter(|s| *s != ".").collect();
            let ups = parts.iter().take_while(|s| **s == "..").count();
            (ups + 1, parts[ups..].to_vec())
        }
        _ => (
            0,
            written
                .split('/')
                .filter(|s| !matches!(*s, "@" | "~"))
                .collect(),
        ),
    };
    let mut base: Vec<String> = Vec::new();
    if ups > 0 {
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        base = dir
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        base.truncate(base.len().saturating_sub(ups - 1));
    }
    base.extend(rest.iter().filter(|s| !s.is_empty()).map(|s| s.to_string()));
    base.join("/")
}

/// Turns byte offsets into lines and columns, counting only as far as
/// asked: a file with a hit usually needs a few positions, asked in order,
/// and a table of every line start would cost more than the counts. Each
/// answer starts from the last one, so a run of offsets asked in order
/// costs one pass over the text, however long its lines (a minified file
/// may hold all its hits on one line).
struct Lines<'t> {
    text: &'t str,
    last: Cell<Cursor>,
}

/// Where an offset is: its 0-based line, that line's start, and how many
/// characters lie between the two.
#[derive(Clone, Copy, Default)]
struct Cursor {
    at: usize,
    line: usize,
    line_start: usize,
    chars: usize,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Lines<'t> {
        Lines {
            text,
            last: Cell::new(Cursor::default()),
        }
    }

    /// 1-based line and character column, for people.
    fn position(&self, at: usize) -> (usize, usize) {
        let c = self.locate(at);
        (c.line + 1, c.chars + 1)
    }

    /// 0-based line and byte column, as tree-sitter counts.
    fn point(&self, at: usize) -> (usize, usize) {
        let c = self.locate(at);
        (c.line, at - c.line_start)
    }

    fn locate(&self, at: usize) -> Cursor {
        let mut c = self.last.get();
        if c.at > at {
            c = Cursor::default();
        }
        let bytes = self.text.as_bytes();
        let between = &bytes[c.at..at];
        match memchr::memrchr(b'\n', between) {
            Some(p) => {
                c.line += bytecount::count(between, b'\n');
                c.line_start = c.at + p + 1;
                c.chars = bytecount::num_chars(&bytes[c.line_start..at]);
            }
            None => c.chars += bytecount::num_chars(between),
        }
        c.at = at;
        self.last.set(c);
        c
    }
}

/// Lines (1-based) that a `retrace: keep` comment protects: its own line,
/// and the next one when the comment stands alone on its line.
fn kept_lines(text: &str) -> HashSet<usize> {
    let mut out = HashSet::new();
    // memmem's SIMD search: this runs over every file with a hit.
    if memchr::memmem::find(text.as_bytes(), b"retrace: keep").is_none() {
        return out;
    }
    for (i, line) in text.lines().enumerate() {
        let Some(comment) = comment_text(line) else {
            continue;
        };
        let Some(at) = comment.find("retrace: keep") else {
            continue;
        };
        if comment[at..].starts_with("retrace: keep-file") {
            continue;
        }
        out.insert(i + 1);
        let alone = comment
            .trim()
            .trim_end_matches("*/")
            .trim()
            .eq("retrace: keep");
        let only_comment = COMMENT_MARKERS
            .iter()
            .any(|m| line.trim_start().starts_with(m));
        if alone && only_comment {
            out.insert(i + 2);
        }
    }
    out
}

/// One text through the whole per-file pipeline (lex, classify, decide,
/// edit, verify), as a file of `lang` alone in its project, reading and
/// writing nothing: the rewritten text, or None when nothing changes.
/// For the fuzz target and robustness tests, which must see a panic as
/// one (`Context::process` turns them into per-file errors).
pub fn rewrite(rules: &Rules, lang: Lang, text: &str) -> Result<Option<String>> {
    let ext = match lang {
        Lang::Python => "py",
        Lang::TypeScript => "ts",
        Lang::Tsx => "tsx",
        Lang::JavaScript => "js",
        Lang::Sql => "sql",
    };
    let path = std::path::PathBuf::from(format!("/nonexistent/input.{ext}"));
    let entry = Entry {
        path: path.clone(),
        abs: path,
        lang: Some(lang),
        root_parts: 0,
        named: Some(0),
        seen: None,
    };
    let project = Project::new(std::slice::from_ref(&entry), rules);
    let moves = Moves::default();
    let context = Context::new(rules, &project, &moves, Mode::Apply);
    match context.process_text(&entry, lang, text)? {
        Outcome::Scanned(Scanned {
            rewrite: Some(r), ..
        }) => Ok(Some(edit::apply(&r.text, &r.edits)?)),
        _ => Ok(None),
    }
}

/// Is this language's file parseable into a tree with this many errors?
/// Exposed for tests that check outputs parse no worse than inputs.
pub fn syntax_errors(lang: Lang, text: &str) -> Result<usize> {
    let (_, text) = read::split_bom(text);
    Ok(lang::error_count(&lang::parse(lang, text)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_comments_protect_their_line_and_the_next() {
        let text = "a = 1  # retrace: keep\n# retrace: keep\nb = 2\nc = 3\n";
        let kept = kept_lines(text);
        assert!(kept.contains(&1) && kept.contains(&2) && kept.contains(&3));
        assert!(!kept.contains(&4));
    }

    #[test]
    fn a_panic_becomes_its_message_and_the_thread_goes_on() {
        let caught = catch_panic(|| -> usize { panic!("boom {}", 1) });
        let message = caught.unwrap_err();
        assert!(
            message.contains("boom 1") && message.contains("engine.rs"),
            "{message}"
        );
        assert_eq!(catch_panic(|| 2), Ok(2));
    }

    #[test]
    fn positions_count_characters() {
        let text = "é session\nx";
        let lines = Lines::new(text);
        assert_eq!(lines.position(11), (2, 1));
        assert_eq!(lines.position(3), (1, 3));
        assert_eq!(lines.position(11), (2, 1));
        assert_eq!(lines.point(0), (0, 0));
    }

    #[test]
    fn positions_asked_in_any_order_match_a_count_from_the_start() {
        let text = "ab é\n\nsession é session\r\nx\n日本 session";
        let naive = |at: usize| {
            let before = &text[..at];
            let line_start = before.rfind('\n').map_or(0, |p| p + 1);
            let line = before.matches('\n').count();
            (
                (line + 1, text[line_start..at].chars().count() + 1),
                (line, at - line_start),
            )
        };
        let offsets: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let lines = Lines::new(text);
        for &at in offsets.iter().chain(offsets.iter().rev()).chain(&offsets) {
            assert_eq!((lines.position(at), lines.point(at)), naive(at), "at {at}");
        }
    }
}
