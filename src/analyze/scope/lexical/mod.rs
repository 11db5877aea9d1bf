//! Python scopes read from tokens, without a tree.
//!
//! Parsing Python costs about a thousand instructions a byte, and on a
//! migrated tree the hits left in code are mostly names reached through a
//! third-party value (`engine.SessionStore` after `engine =
//! import_module(…)`), whose owner needs scopes. This builds the scopes and
//! bindings `Scopes::build` records from the tree, from the code between
//! the lexer's comments and strings: logical lines, indentation blocks,
//! brackets. An f-string's interpolation that may bind a name
//! (`{[a for a in xs]}`) is read as code too. Wherever the reading is unsure
//! (a `match` statement, a tab, such an interpolation holding a string, a
//! target of an unusual shape) it gives up, and the tree is parsed as
//! before. `tests/lexer.rs`
//! holds it to the tree's answers on the golden cases, on tricky snippets
//! and on the corpus; a test below compares the scopes themselves.

mod bind;
mod build;
mod keys;
mod tokens;

pub use keys::KeyShape;

use std::ops::Range;
use std::path::Path;

use super::{Role, Scopes};
use crate::index::project::Project;
use crate::lang::lex::Lexed;
use crate::model::Lang;

/// `Token::open` outside any bracket.
const TOP: u32 = u32::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Name,
    /// A number or a string.
    Value,
    Op,
    /// The end of a logical line.
    End,
}

#[derive(Clone, Debug)]
struct Token {
    range: Range<usize>,
    kind: Kind,
    /// The innermost bracket around the token (for a bracket, the one
    /// around the pair), by index; `TOP` if none.
    open: u32,
    /// For a bracket, its partner's index.
    pair: u32,
}

/// What `Scopes::owner_at` needs besides the scopes: the code tokens and
/// the import statements.
#[derive(Debug)]
pub struct Tokens {
    tokens: Vec<Token>,
    imports: Imports,
}

/// The byte ranges of a file's import statements.
#[derive(Debug, Default)]
struct Imports {
    /// `from … import …`, with the module's name if it is third-party.
    from: Vec<(Range<usize>, Option<String>)>,
    /// `import …`.
    plain: Vec<Range<usize>>,
}

const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// What a name followed by `=` inside brackets is.
enum Equals {
    /// A parameter with its default (`def f(name=…)`, `lambda name=…:`):
    /// the name is bound there.
    Default,
    /// A call's keyword argument, reached through the callee: the token of
    /// the callee chain's root, if it is a plain chain.
    Keyword(Option<usize>),
    /// A keyword of a `class` statement's bases (`metaclass=…`): no
    /// function's.
    ClassKeyword,
}

fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

impl<'a> Scopes<'a> {
    /// A Python file's scopes read from its tokens; None where the reading
    /// is unsure, and the tree must build them.
    pub fn lexical(
        text: &'a str,
        lexed: &Lexed,
        project: &'a Project,
        file: &'a Path,
    ) -> Option<Scopes<'a>> {
        let tokens = tokens::tokenize(text, lexed)?;
        let mut scopes = Scopes::empty(Lang::Python, text, project, file);
        let imports = build::Builder::run(&mut scopes, text, &tokens)?;
        scopes.tokens = Some(Tokens { tokens, imports });
        Some(scopes)
    }

    /// `owner` of the name at byte `at`, from the tokens: None when these
    /// scopes came from a tree, or the reading is unsure.
    pub fn owner_at(&self, at: usize) -> Option<(Role, Option<String>)> {
        let read = self.tokens.as_ref()?;
        let tokens = &read.tokens[..];
        let i = tokens.partition_point(|t| t.range.end <= at);
        let token = tokens.get(i).filter(|t| t.range.start <= at)?;
        if token.kind != Kind::Name || is_keyword(self.word(token)) {
            return None;
        }
        if let Some((_, module)) = read.imports.from.iter().find(|(r, _)| r.contains(&at)) {
            return Some((Role::Name, module.clone()));
        }
        // In `import a.b as c` only the alias is a plain name.
        if read.imports.plain.iter().any(|r| r.contains(&at))
            && !(i > 0 && self.word(&tokens[i - 1]) == "as")
        {
            return None;
        }
        let op = |k: usize, s: &str| tokens.get(k).is_some_and(|t| self.is_op(t, s));
        let (role, root) = if i > 0 && op(i - 1, ".") {
            (Role::Member, self.chain_root(tokens, i - 1)?)
        } else if i > 0 && op(i + 1, "=") && (op(i - 1, "(") || op(i - 1, ",")) {
            match self.equals(tokens, i)? {
                Equals::Keyword(callee) => (Role::Member, callee),
                Equals::ClassKeyword => (Role::Member, None),
                Equals::Default => (Role::Name, Some(i)),
            }
        } else {
            (Role::Name, Some(i))
        };
        let third = root.and_then(|r| {
            let t = &tokens[r];
            let (_, binding) = self.resolve(self.word(t), t.range.start);
            match role {
                Role::Name => binding.and_then(|b| b.third_party.clone()),
                Role::Member => binding.and_then(|b| b.holds.clone()),
            }
        });
        Some((role, third))
    }

    fn word(&self, t: &Token) -> &'a str {
        &self.text[t.range.clone()]
    }

    fn is_op(&self, t: &Token, s: &str) -> bool {
        t.kind == Kind::Op && self.word(t) == s
    }

    /// The name at the root of the object that ends at `end - 1`, as
    /// `python_chain_root` finds it (`a.b(c)[d]` → `a`): Some(None) when
    /// the object is no such chain (`"x"`, `[a]`); None when unsure.
    fn chain_root(&self, tokens: &[Token], end: usize) -> Option<Option<usize>> {
        let mut k = end.checked_sub(1)?;
        loop {
            let t = &tokens[k];
            match t.kind {
                Kind::Name if is_keyword(self.word(t)) => return Some(None),
                Kind::Name if k > 0 && self.is_op(&tokens[k - 1], ".") => k = k.checked_sub(2)?,
                Kind::Name => return Some(Some(k)),
                Kind::Op if matches!(self.word(t), ")" | "]") => {
                    let open = t.pair as usize;
                    let called = open > 0 && self.ends_operand(&tokens[open - 1]);
                    match (called, self.word(t)) {
                        // A call or a subscript: on to what is called.
                        (true, _) => k = open - 1,
                        // `(name).x`; anything else in parentheses is unsure.
                        (false, ")") => {
                            return match &tokens[open + 1..k] {
                                [] => Some(None),
                                [n] if n.kind == Kind::Name && !is_keyword(self.word(n)) => {
                                    Some(Some(open + 1))
                                }
                                _ => None,
                            }
                        }
                        // A list.
                        _ => return Some(None),
                    }
                }
                _ => return Some(None),
            }
        }
    }

    /// Can `t` end an operand, so that a `(` or `[` after it is a call or
    /// a subscript?
    fn ends_operand(&self, t: &Token) -> bool {
        match t.kind {
            Kind::Name => {
                !is_keyword(self.word(t)) || matches!(self.word(t), "None" | "True" | "False")
            }
            Kind::Value => true,
            Kind::Op => matches!(self.word(t), ")" | "]" | "}"),
            Kind::End => false,
        }
    }

    /// What `name=` after `(` or `,` (the name at token `i`) is; None when
    /// unsure.
    fn equals(&self, tokens: &[Token], i: usize) -> Option<Equals> {
        let open = tokens[i].open;
        if open == TOP || self.in_lambda_parameters(tokens, open as usize, i) {
            return Some(Equals::Default);
        }
        let open = open as usize;
        if !self.is_op(&tokens[open], "(") || open == 0 {
            return None;
        }
        let before = &tokens[open - 1];
        let keyword = |w: &str| {
            open >= 2 && tokens[open - 2].kind == Kind::Name && self.word(&tokens[open - 2]) == w
        };
        if before.kind == Kind::Name && keyword("def") {
            return Some(Equals::Default);
        }
        if before.kind == Kind::Name && keyword("class") {
            // A class's keyword: the tree finds no function to own it.
            return Some(Equals::ClassKeyword);
        }
        if !self.ends_operand(before) {
            return None;
        }
        Some(Equals::Keyword(self.chain_root(tokens, open)?))
    }

    /// Is `i` a parameter of a `lambda` inside the bracket `open` whose
    /// `:` has not come yet?
    fn in_lambda_parameters(&self, tokens: &[Token], open: usize, i: usize) -> bool {
        let level = open as u32;
        let mut waiting = 0;
        for t in tokens[open + 1..i].iter().filter(|t| t.open == level) {
            if t.kind == Kind::Name && self.word(t) == "lambda" {
                waiting += 1;
            } else if self.is_op(t, ":") && waiting > 0 {
                waiting -= 1;
            }
        }
        waiting > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{load, Source};

    /// Every scope (start, end, parent's start) with its bindings, sorted.
    /// An end is shown as the next code token's start: the tree's blocks
    /// take in comments after their last statement, where no name can be.
    fn listing(s: &Scopes, tokens: &Tokens) -> Vec<String> {
        let snap = |end: usize| {
            let code = tokens.tokens.iter().filter(|t| t.kind != Kind::End);
            code.map(|t| t.range.start)
                .find(|&at| at >= end)
                .unwrap_or(s.text.len())
        };
        let mut out: Vec<String> = s
            .scopes
            .iter()
            .map(|scope| {
                let mut names: Vec<_> = scope.names.iter().collect();
                names.sort_by_key(|(n, _)| n.as_str());
                let parent = scope.parent.map(|p| s.scopes[p].range.start);
                let range = scope.range.start..snap(scope.range.end);
                let mut outside = scope.outside.clone();
                outside.sort_by_key(|r| (r.start, r.end));
                format!("{range:?} in {parent:?} (outside {outside:?}): {names:?}")
            })
            .collect();
        out.sort();
        out
    }

    /// The lexical reading's scopes next to the tree's, where it has one.
    fn compare(text: &str, project: &Project) -> Option<(Vec<String>, Vec<String>)> {
        let lexed = crate::lang::lex::lex(Lang::Python, text, &[])?;
        let file = Path::new("/x.py");
        let read = Scopes::lexical(text, &lexed, project, file)?;
        let tree = crate::lang::parse(Lang::Python, text).unwrap();
        let built = Scopes::build(Lang::Python, &tree, text, project, file);
        let tokens = read.tokens.as_ref().unwrap();
        let (mut a, mut b) = (listing(&read, tokens), listing(&built, tokens));
        // And every name's owner, where the tokens tell it.
        for t in tokens.tokens.iter().filter(|t| t.kind == Kind::Name) {
            let Some(owner) = read.owner_at(t.range.start) else {
                continue;
            };
            let node = tree
                .root_node()
                .descendant_for_byte_range(t.range.start, t.range.end);
            a.push(format!("{:?} {owner:?}", t.range));
            let owner = node.map(|n| built.owner(n));
            b.push(format!("{:?} {:?}", t.range, owner.unwrap()));
        }
        Some((a, b))
    }

    fn project() -> Project {
        let rules = load(&[Source::Bundled {
            base: std::path::PathBuf::from("/"),
        }])
        .unwrap();
        Project::new(&[], &rules)
    }

    #[test]
    fn scopes_read_from_tokens_are_the_trees() {
        let project = project();
        for text in [
            "import os, a.b as c\nfrom m import (x, y as z)\nfrom . import w\nfrom __future__ import annotations\n",
            "def f(a, b=1, *c, d: int = 2, **e):\n    g = lambda x, y=2: (z := x)\n    return [i for i, (j, k) in e if (w := i)]\n\nclass C(B, metaclass=M):\n    x = 1\n    def m(self): pass\n\n    async def n(self) -> int:\n        async for q in r: pass\n",
            "s = requests.Session()\nt = await s.x()\nu: T = s.y()\nv = w = s.z()\na, (b, *c) = d\nx.y, z[0] = 1, 2\nn += 1\nfor i, j in k: m = 1\nwith open(p) as fh, q as (r, s2): pass\ntry: pass\nexcept E as err: pass\n",
            "if x: y = 1; z = 2\nelse: w = 3\nwhile (n := f()): pass\n@deco(lambda a: a)\ndef g(): return 1\nh = {k: lambda v=1: v for k in ks}\nf(key=lambda e: e.x, default=None)\n",
            "def outer():\n    def inner(a):\n        return a\n    # a comment\n  # a lower one\n    x = 1\n\ny = 2\n",
            "from sqlalchemy import orm\nclass C(orm.Base, metaclass=(m := M)):\n    def get(cls, orm: orm.Session, id=orm.x, *a: (b := 1), k=lambda q=orm: q) -> orm.Query:\n        return orm\n",
            "def f(a: int = (c := 2), /, *, b: Dict[str, int] = {}, **k: T) -> 'R': pass\ng = lambda s=orm.S, t=lambda u=s: u: s\n",
            "def f(name):\n    log(f\"token for {name}, lambda {name!r:>{width}}\")\n",
            "def f(a: T = lambda r, b: r, c=lambda: 1, d=lambda x=lambda: 2, y=3: x, e={k: v}):\n    return g(key=lambda i, j: i, z=1)\n",
            "q = f'{(a := 1)}'\nprint(f\"{[(i.x, i.y) for i in xs]!r:>{w}} {n=} {m == 1} {(lambda v: v)(2)}\")\n",
        ] {
            let (read, built) = compare(text, &project).expect(text);
            assert_eq!(read, built, "{text}");
        }
    }

    #[test]
    fn unsure_readings_are_left_to_the_tree() {
        let project = project();
        for text in [
            "match x:\n    case [a]: pass\n",
            "if x:\n\ty = 1\n",
            "type X = int\n",
            "def f[T](a: T): pass\n",
            "def f(a: lambda b=1: b): pass\n",
            "q = f'{[d[\"k\"] for d in ds]}'\n",
            "q = f'{x:{[w for w in ws]}}'\n",
        ] {
            assert!(compare(text, &project).is_none(), "{text}");
        }
    }

    /// `RETRACE_CORPUS=DEST/tree cargo test --release scopes_on_the_corpus -- --ignored`
    #[test]
    #[ignore = "needs the corpus"]
    fn scopes_read_from_tokens_are_the_trees_on_the_corpus() {
        let root = std::env::var("RETRACE_CORPUS").expect("RETRACE_CORPUS");
        let project = project();
        let (mut read, mut differ, mut total) = (0, Vec::new(), 0);
        for entry in ignore::Walk::new(root).flatten() {
            if entry.path().extension().is_none_or(|e| e != "py") {
                continue;
            }
            total += 1;
            let text = std::fs::read_to_string(entry.path()).unwrap();
            if let Some((a, b)) = compare(&text, &project) {
                read += 1;
                if a != b {
                    let first = a.iter().zip(&b).find(|(x, y)| x != y);
                    differ.push(format!("{}: {first:?}", entry.path().display()));
                }
            }
        }
        eprintln!(
            "scopes: {total} files, {read} read from tokens, {} differ",
            differ.len()
        );
        assert!(differ.is_empty(), "{}", differ.join("\n"));
    }
}
