//! A name's or a module path's verdict: kept where it is someone else's,
//! tied to a move where it names a module that moves, scoped where a
//! binding may collide.

use std::path::Path;

use anyhow::Result;
use tree_sitter::Tree;

use super::decide::{Tie, Verdict};
use super::{Analyzer, Syntax};
use crate::analyze::scope::{Role, Scopes};
use crate::lang::lex::Lexed;
use crate::lang::{Lang, Unit};
use crate::model::Reason;
use crate::walk::Entry;

impl<'r> Analyzer<'r> {
    /// A name's verdict: kept where a third-party module owns it, subject
    /// to collisions where a scope binds it, plain otherwise.
    pub(super) fn name_verdict<'t>(
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
        let scopes = self.scopes_in(entry, syntax, scopes)?;
        let owner = owner_of(syntax, scopes, at, word)?;
        if let (Some((Role::Name, None)), Lang::Python) = (&owner, syntax.lang) {
            let binding = scopes.resolve(word, at).1.map(|b| b.at);
            if binding.is_some_and(|b| in_import(syntax, b).unwrap_or(false)) {
                if let Some(module) = self.reexported(word) {
                    return Ok(Verdict::Kept(Reason::ThirdParty(module.to_string())));
                }
            }
        }
        Ok(match owner {
            Some((_, Some(module))) => Verdict::Kept(Reason::ThirdParty(module)),
            Some((Role::Name, None)) => {
                match self.holds_sense(entry, syntax, scopes, (word, at), Role::Name) {
                    Some(held) => Verdict::Kept(Reason::Holds(held)),
                    None => Verdict::Scoped {
                        scope: scopes.resolve(word, at).0,
                        inner: scopes.innermost(at),
                    },
                }
            }
            Some((Role::Member, None)) => {
                match self.holds_sense(entry, syntax, scopes, (word, at), Role::Member) {
                    Some(held) => Verdict::Kept(Reason::Holds(held)),
                    None => Verdict::Plain,
                }
            }
            _ => Verdict::Plain,
        })
    }

    /// Python: the third-party module a name imported from the project
    /// comes from, where the project only imports it (`from requests
    /// import Session as OriginalSession` in the module imported from).
    pub(super) fn reexported(&self, word: &str) -> Option<&str> {
        let modules = self.project.symbols().imported_from(word);
        let mut theirs = modules
            .iter()
            .filter(|m| self.project.python_third_party(m));
        theirs.next().map(String::as_str)
    }

    /// TypeScript/JavaScript: is a name that the platform list alone keeps
    /// (`useSession`, `setSession`) the project's here? It is where the file binds it to
    /// something of the project's: a definition, a parameter or local
    /// (`const [session, setSession] = …`), an import of a first-party
    /// module. Reached as a member (`supabase.auth.setSession`), unbound
    /// (a global) or imported from a third party, it stays the platform's.
    pub(super) fn platform_name_is_ours<'t>(
        &'t self,
        entry: &'t Entry,
        syntax: &'t Syntax<'t>,
        scopes: &mut Option<Scopes<'t>>,
        at: usize,
        word: &str,
    ) -> Result<bool> {
        if !self.rules.kept_by_platform_only(word) {
            return Ok(false);
        }
        // TypeScript/JavaScript scopes need a tree: a member, or a name the
        // file spells nowhere as a binding could, is not bound here.
        let text = syntax.text;
        let member = text[..at].trim_end().ends_with('.');
        // Python's and SQL's platform names (`SSLSession`, `session_user`)
        // name their platform's things even where the project models them
        // (SQLAlchemy's `class session_user` is the SQL function); a
        // declaration file (`.d.ts`) declares what exists elsewhere.
        let declaration = entry.path.to_string_lossy().ends_with(".d.ts");
        if matches!(syntax.lang, Lang::Python | Lang::Sql)
            || declaration
            || member
            || !maybe_bound(text, word, |at| {
                syntax.lexed.as_ref().is_some_and(|l| l.in_text(at))
            })
        {
            return Ok(false);
        }
        let scopes = self.scopes_in(entry, syntax, scopes)?;
        let owner = owner_of(syntax, scopes, at, word)?;
        Ok(matches!(owner, Some((Role::Name, None))) && scopes.resolve(word, at).1.is_some())
    }

    /// TypeScript/JavaScript read by the lexer: a name needs no scopes (and
    /// no tree) when the file imports nothing third-party (every `import`
    /// and `export … from` source is the project's, and there is no
    /// `require` or `import(`), so that no name in it is theirs, and its
    /// new spelling `new` appears nowhere in the file, so that it cannot
    /// collide with anything.
    pub(super) fn needs_no_scopes(&self, entry: &Entry, syntax: &Syntax, new: &str) -> bool {
        let Some(lexed) = syntax
            .lexed
            .as_ref()
            .filter(|_| syntax.lang != Lang::Python)
        else {
            return false;
        };
        let text = syntax.text;
        let ours = self.imports_only_ours(entry, syntax, lexed);
        let mut spelled = syntax.spelled.borrow_mut();
        let unspelled = !*spelled
            .entry(new.to_string())
            .or_insert_with(|| memchr::memmem::find(text.as_bytes(), new.as_bytes()).is_some());
        ours && unspelled
    }

    /// TypeScript/JavaScript read by the lexer: does the file import
    /// nothing third-party (every `import` and `export … from` source is
    /// the project's, and there is no `require` or `import(`)?
    pub(super) fn imports_only_ours(&self, entry: &Entry, syntax: &Syntax, lexed: &Lexed) -> bool {
        let text = syntax.text;
        *syntax.imports_only_ours.get_or_init(|| {
            let calls = ["require", "import("]
                .iter()
                .any(|c| memchr::memmem::find(text.as_bytes(), c.as_bytes()).is_some());
            !calls
                && lexed
                    .module_paths()
                    .all(|p| !self.project.js_third_party(&text[p], &entry.abs))
        })
    }

    /// TypeScript/JavaScript: the third-party module of the `import` or
    /// `export … from` statement the name at `at` is in, if any: what
    /// `Scopes::owner` finds for it, without a tree.
    pub(super) fn imported_from_theirs<'t>(
        &self,
        entry: &Entry,
        syntax: &Syntax<'t>,
        at: usize,
    ) -> Option<&'t str> {
        let path = syntax.lexed.as_ref()?.module_of(at)?;
        let module = &syntax.text[path.clone()];
        (!path.contains(&at) && self.project.js_third_party(module, &entry.abs)).then_some(module)
    }

    /// The file's scopes in `scopes`, built on first need.
    pub(super) fn scopes_in<'t, 's>(
        &'t self,
        entry: &'t Entry,
        syntax: &'t Syntax<'t>,
        scopes: &'s mut Option<Scopes<'t>>,
    ) -> Result<&'s Scopes<'t>> {
        Ok(match scopes {
            Some(scopes) => scopes,
            None => scopes.insert(self.scopes(entry, syntax)?),
        })
    }

    /// A file's scopes: read from its tokens where the lexer followed a
    /// Python file and the reading is sure, from its tree otherwise.
    pub(super) fn scopes<'t>(
        &'t self,
        entry: &'t Entry,
        syntax: &'t Syntax<'t>,
    ) -> Result<Scopes<'t>> {
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
    pub(super) fn module_verdict<'t>(
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
    pub(super) fn move_verdict(&self, form: &str) -> Verdict {
        match self.tie(form) {
            Tie::Blocked(reason) => Verdict::Blocked(reason),
            Tie::Follows(old) => Verdict::Follows(old),
            Tie::None => Verdict::Plain,
        }
    }

    /// How a reference to the module written as the path `form` depends
    /// on that module's move.
    pub(super) fn tie(&self, form: &str) -> Tie {
        if let Some(why) = self.moves.blocked(form) {
            return Tie::Blocked(Reason::MoveBlocked(why.to_string()));
        }
        match self.moves.followed(form) {
            Some(old) => Tie::Follows(old.to_path_buf()),
            None => Tie::None,
        }
    }

    /// How a string depends on a route's move: a URL of a Next.js route
    /// whose move changes it (`index::routes`) follows that move.
    pub(super) fn url_tie(&self, lang: Lang, text: &str, at: usize) -> Tie {
        let Some(old) = crate::index::routes::url_route(self.moves, lang, text, at) else {
            return Tie::None;
        };
        match self.moves.collisions.get(old) {
            Some((_, why)) => Tie::Blocked(Reason::MoveBlocked(why.clone())),
            None => Tie::Follows(old.to_path_buf()),
        }
    }

    /// Python: the project module a name stands for, as a path, where an
    /// import makes it one: `session` in `from pkg import session`, or in
    /// `pkg.session.x` where `pkg` is bound by an import.
    pub(super) fn module_reference<'t>(
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
        let scopes = self.scopes_in(entry, syntax, scopes)?;
        let imported = match scopes.resolve(root, start).1 {
            Some(binding) => in_import(syntax, binding.at)?,
            None => false,
        };
        Ok(imported.then(|| module_form(Lang::Python, &entry.path, chain)))
    }

    /// The third-party module an import path at `at` names, if it is one.
    pub(super) fn module_owner<'t>(
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
            // A Python string (`mock.patch`, `import_module`) is theirs when
            // the module it is rooted at is.
            Lang::Python => self.project.python_target_owner(spec).map(str::to_string),
            _ => self
                .project
                .js_third_party(spec, &entry.abs)
                .then(|| spec.to_string()),
        }
    }
}

/// The role and third-party owner of the name `word` at `at`: from the
/// tokens where they tell it, from the tree otherwise.
fn owner_of(
    syntax: &Syntax,
    scopes: &Scopes,
    at: usize,
    word: &str,
) -> Result<Option<(Role, Option<String>)>> {
    if let Some(owner) = scopes.owner_at(at) {
        return Ok(Some(owner));
    }
    let tree = syntax.tree()?;
    let node = tree
        .root_node()
        .descendant_for_byte_range(at, at + word.len());
    Ok(node.map(|n| scopes.owner(n)))
}

/// TypeScript/JavaScript: may some occurrence of `word` in `text` bind it
/// (after `function`, `const`, `let`, `var`, `class`, `import`, `as`, `...`,
/// or in a list: `(`, `,`, `[`, `{`)? No means it surely does not. An
/// ambient `declare var sessionStorage` declares the platform's global;
/// `in_text` tells the comments and strings (where the lexer read the file).
fn maybe_bound(text: &str, word: &str, in_text: impl Fn(usize) -> bool) -> bool {
    memchr::memmem::find_iter(text.as_bytes(), word.as_bytes()).any(|at| {
        if in_text(at) {
            // In a comment or a string: no binding.
            return false;
        }
        let word_char = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
        let whole =
            !text[at + word.len()..].starts_with(word_char) && !text[..at].ends_with(word_char);
        let before = text[..at].trim_end();
        let keyword = [
            "function", "const", "let", "var", "class", "import", "as", "...",
        ]
        .iter()
        .find(|k| before.ends_with(*k))
        .is_some_and(|k| {
            !before[..before.len() - k.len()]
                .trim_end()
                .ends_with("declare")
        });
        whole && (keyword || before.ends_with(['(', ',', '[', '{']))
    })
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

/// Does this relative import specifier name an existing file of another
/// language (a stylesheet, an image, JSON)?
pub(super) fn names_other_file(entry: &Entry, spec: &str) -> bool {
    let target = entry.abs.parent().map(|dir| dir.join(spec));
    spec.starts_with('.') && target.is_some_and(|t| t.is_file() && Lang::from_path(&t).is_none())
}

/// The module a module-path unit names as written: a Python identifier's
/// whole dotted name (`a.session`, `.session`), a specifier's text.
pub(super) fn written_module<'t>(tree: &Tree, text: &'t str, unit: &Unit) -> &'t str {
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
pub(super) fn module_form(lang: Lang, file: &Path, written: &str) -> String {
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
