//! Python scopes read from tokens, without a tree.
//!
//! Parsing Python costs about a thousand instructions a byte, and on a
//! migrated tree the hits left in code are mostly names reached through a
//! third-party value (`engine.SessionStore` after `engine =
//! import_module(…)`), whose owner needs scopes. This builds the scopes and
//! bindings `Scopes::build` records from the tree, from the code between
//! the lexer's comments and strings: logical lines, indentation blocks,
//! brackets. Wherever the reading is unsure (a `match` statement, a tab, a
//! binding inside an f-string's interpolation, a target of an unusual
//! shape) it gives up, and the tree is parsed as before. `tests/lexer.rs`
//! holds it to the tree's answers on the golden cases, on tricky snippets
//! and on the corpus; a test below compares the scopes themselves.

use std::ops::Range;
use std::path::Path;

use super::{Binding, Role, Scope, Scopes};
use crate::lang::lex::Lexed;
use crate::lang::Lang;
use crate::project::Project;

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

/// What `Scopes::owner_at` needs besides the scopes: the code tokens, and
/// the byte ranges of `from … import …` statements with their module's
/// third-party name.
#[derive(Debug, Default)]
pub struct Tokens {
    tokens: Vec<Token>,
    from_imports: Vec<(Range<usize>, Option<String>)>,
    /// `import …` statements.
    imports: Vec<Range<usize>>,
}

const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Words that open a compound statement other than `def` and `class`.
const HEADERS: [&str; 9] = [
    "if", "elif", "else", "while", "for", "try", "except", "finally", "with",
];

/// Operators longer than one character, longest first.
const OPERATORS: [&str; 23] = [
    "**=", "//=", ">>=", "<<=", ":=", "==", "!=", "<=", ">=", "->", "**", "//", "<<", ">>", "+=",
    "-=", "*=", "/=", "%=", "@=", "&=", "|=", "^=",
];

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
        let tokens = tokenize(text, lexed)?;
        let mut scopes = Scopes::empty(Lang::Python, text, project, file);
        let mut builder = Builder {
            s: &mut scopes,
            text,
            tokens: &tokens,
            blocks: Vec::new(),
            from_imports: Vec::new(),
            imports: Vec::new(),
        };
        builder.file()?;
        let (from_imports, imports) = (builder.from_imports, builder.imports);
        scopes.tokens = Some(Tokens {
            tokens,
            from_imports,
            imports,
        });
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
        if let Some((_, module)) = read.from_imports.iter().find(|(r, _)| r.contains(&at)) {
            return Some((Role::Name, module.clone()));
        }
        // In `import a.b as c` only the alias is a plain name.
        if read.imports.iter().any(|r| r.contains(&at))
            && !(i > 0 && self.word(&tokens[i - 1]) == "as")
        {
            return None;
        }
        let op = |k: usize, s: &str| tokens.get(k).is_some_and(|t| self.is_op(t, s));
        let (role, root) = if i > 0 && op(i - 1, ".") {
            (Role::Member, self.chain_root(tokens, i - 1)?)
        } else if i > 0 && op(i + 1, "=") && (op(i - 1, "(") || op(i - 1, ",")) {
            match self.keyword_argument(tokens, i)? {
                Some(callee) => (Role::Member, callee),
                None => (Role::Name, Some(i)),
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

    /// For `name=` after `(` or `,` (token `i`): Some(the callee's root)
    /// when it is a call's keyword argument, None when it is a parameter
    /// (of a `def` or a `lambda`). Outer None: unsure.
    fn keyword_argument(&self, tokens: &[Token], i: usize) -> Option<Option<Option<usize>>> {
        let open = tokens[i].open;
        if open == TOP || self.in_lambda_parameters(tokens, open as usize, i) {
            return Some(None);
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
            return Some(None);
        }
        if before.kind == Kind::Name && keyword("class") {
            // A class's keyword: the tree finds no function to own it.
            return Some(Some(None));
        }
        if !self.ends_operand(before) {
            return None;
        }
        Some(Some(self.chain_root(tokens, open)?))
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

/// The code tokens of `text`, between the lexer's comments and strings.
fn tokenize(text: &str, lexed: &Lexed) -> Option<Vec<Token>> {
    let bytes = text.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
    let mut out: Vec<Token> = Vec::new();
    let mut stack: Vec<u32> = Vec::new();
    let mut regions = lexed.regions().peekable();
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        let open = stack.last().copied().unwrap_or(TOP);
        let token = |range, kind| Token {
            range,
            kind,
            open,
            pair: TOP,
        };
        if let Some((range, comment, tree)) = regions.peek().cloned() {
            if range.start < i {
                return None;
            }
            if range.start == i {
                regions.next();
                if comment {
                    i = range.end;
                    continue;
                }
                // A string with its interpolations is one value; a binding
                // inside an interpolation is not followed here.
                let (mut end, mut tree) = (range.end, tree);
                while let Some((next, _, t)) = regions.peek().cloned().filter(|r| r.0.start == end)
                {
                    regions.next();
                    (end, tree) = (next.end, tree || t);
                }
                if tree && binds_inside(&text[i..end]) {
                    return None;
                }
                out.push(token(i..end, Kind::Value));
                i = end;
                continue;
            }
        }
        let c = bytes[i];
        let start = i;
        i += 1;
        let kind = match c {
            b' ' | b'\r' | 0x0c => continue,
            // Tabs make indentation a matter of tab stops.
            b'\t' => return None,
            b'\\' => {
                // A line continuation.
                i += usize::from(bytes.get(i) == Some(&b'\r'));
                if bytes.get(i) != Some(&b'\n') {
                    return None;
                }
                i += 1;
                continue;
            }
            b'\n' => {
                if stack.is_empty() && out.last().is_some_and(|t| t.kind != Kind::End) {
                    out.push(token(start..start, Kind::End));
                }
                continue;
            }
            b'0'..=b'9' => {
                while i < n && (word(bytes[i]) || bytes[i] == b'.') {
                    i += 1;
                }
                Kind::Value
            }
            b'.' if bytes.get(i).is_some_and(u8::is_ascii_digit) => {
                while i < n && word(bytes[i]) {
                    i += 1;
                }
                Kind::Value
            }
            _ if word(c) => {
                while i < n && word(bytes[i]) {
                    i += 1;
                }
                Kind::Name
            }
            b'(' | b'[' | b'{' => {
                stack.push(out.len() as u32);
                Kind::Op
            }
            b')' | b']' | b'}' => {
                let opener = stack.pop()? as usize;
                let expected = match bytes[out[opener].range.start] {
                    b'(' => b')',
                    b'[' => b']',
                    _ => b'}',
                };
                if c != expected {
                    return None;
                }
                out[opener].pair = out.len() as u32;
                out.push(Token {
                    range: start..i,
                    kind: Kind::Op,
                    open: stack.last().copied().unwrap_or(TOP),
                    pair: opener as u32,
                });
                continue;
            }
            _ => {
                let rest = &bytes[start..];
                let long = OPERATORS.iter().find(|o| rest.starts_with(o.as_bytes()));
                i = start + long.map_or(1, |o| o.len());
                Kind::Op
            }
        };
        out.push(token(start..i, kind));
    }
    if !stack.is_empty() {
        return None;
    }
    if out.last().is_some_and(|t| t.kind != Kind::End) {
        out.push(Token {
            range: n..n,
            kind: Kind::End,
            open: TOP,
            pair: TOP,
        });
    }
    Some(out)
}

/// Might a string's interpolations bind a name (`{(x := 1)}`, `{[a for a
/// in b]}`, `{lambda x: x}`)? Then only the tree can tell.
fn binds_inside(string: &str) -> bool {
    string.contains(":=") || string.contains("for") || string.contains("lambda")
}

struct Builder<'s, 'a> {
    s: &'s mut Scopes<'a>,
    text: &'a str,
    tokens: &'s [Token],
    /// Open `def` and `class` bodies: their header's indentation, and scope.
    blocks: Vec<(usize, usize)>,
    from_imports: Vec<(Range<usize>, Option<String>)>,
    imports: Vec<Range<usize>>,
}

impl<'a> Builder<'_, 'a> {
    fn text(&self, k: usize) -> &'a str {
        self.tokens
            .get(k)
            .map_or("", |t| &self.text[t.range.clone()])
    }

    fn kind(&self, k: usize) -> Option<Kind> {
        self.tokens.get(k).map(|t| t.kind)
    }

    fn op(&self, k: usize, s: &str) -> bool {
        self.kind(k) == Some(Kind::Op) && self.text(k) == s
    }

    fn word(&self, k: usize, s: &str) -> bool {
        self.kind(k) == Some(Kind::Name) && self.text(k) == s
    }

    fn open(&self, k: usize) -> u32 {
        self.tokens[k].open
    }

    /// The indices in `range` at the level of bracket `open`.
    fn level(&self, range: Range<usize>, open: u32) -> impl Iterator<Item = usize> + use<'_> {
        let tokens = self.tokens;
        range.filter(move |&k| tokens[k].open == open)
    }

    fn file(&mut self) -> Option<()> {
        let mut start = 0;
        let mut last_end = 0;
        while start < self.tokens.len() {
            let end = (start..self.tokens.len()).find(|&k| self.tokens[k].kind == Kind::End)?;
            let indent = self.indentation(start)?;
            while let Some(&(header, scope)) = self.blocks.last() {
                if header < indent {
                    break;
                }
                self.s.scopes[scope].range.end = last_end;
                self.blocks.pop();
            }
            let scope = self.blocks.last().map_or(0, |b| b.1);
            self.line(start..end, indent, scope)?;
            last_end = self.tokens[end - 1].range.end;
            start = end + 1;
        }
        while let Some((_, scope)) = self.blocks.pop() {
            self.s.scopes[scope].range.end = last_end;
        }
        Some(())
    }

    /// The column of the token that starts a logical line.
    fn indentation(&self, k: usize) -> Option<usize> {
        let at = self.tokens[k].range.start;
        let bytes = self.text.as_bytes();
        let line = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |p| p + 1);
        bytes[line..at]
            .iter()
            .all(|&b| b == b' ')
            .then_some(at - line)
    }

    /// One logical line, in `scope`.
    fn line(&mut self, line: Range<usize>, indent: usize, scope: usize) -> Option<()> {
        let start = line.start;
        if self.op(start, "@") {
            return self.expressions(start + 1..line.end, scope);
        }
        let mut k = start;
        if self.word(k, "async") && ["def", "for", "with"].iter().any(|w| self.word(k + 1, w)) {
            k += 1;
        }
        let header = self.op(line.end - 1, ":");
        match self.text(k) {
            _ if self.kind(k) != Some(Kind::Name) => self.simple_statements(k..line.end, scope),
            "def" | "class" => self.definition(start, k, line.end, indent, scope),
            // Statements this reading does not know: `match`, Python 2's
            // `print x`, `type X = …`.
            "match" | "case" if header && !self.op(k + 1, "=") => None,
            "print" | "exec" | "type"
                if matches!(self.kind(k + 1), Some(Kind::Name | Kind::Value)) =>
            {
                None
            }
            word if HEADERS.contains(&word) => {
                let colon = self.header_colon(k..line.end)?;
                if word == "for" {
                    let r#in = self
                        .level(k + 1..colon, TOP)
                        .find(|&j| self.word(j, "in"))?;
                    self.pattern(k + 1..r#in, TOP, scope)?;
                    self.expressions(r#in + 1..colon, scope)?;
                } else {
                    self.expressions(k + 1..colon, scope)?;
                }
                self.simple_statements(colon + 1..line.end, scope)
            }
            _ => self.simple_statements(k..line.end, scope),
        }
    }

    /// The `:` that ends a compound statement's header: the first outside
    /// brackets that belongs to no lambda.
    fn header_colon(&self, range: Range<usize>) -> Option<usize> {
        let mut lambdas = 0;
        for k in self.level(range, TOP) {
            if self.word(k, "lambda") {
                lambdas += 1;
            } else if self.op(k, ":") {
                if lambdas == 0 {
                    return Some(k);
                }
                lambdas -= 1;
            }
        }
        None
    }

    /// `def name(…) -> T: …` or `class Name(…): …`, the keyword at `k` and
    /// the statement at `start` (`async` included, as the tree's node).
    fn definition(
        &mut self,
        start: usize,
        k: usize,
        end: usize,
        indent: usize,
        scope: usize,
    ) -> Option<()> {
        let name = k + 1;
        if self.kind(name) != Some(Kind::Name) || self.op(name + 1, "[") {
            return None;
        }
        self.bind(scope, name, None, None);
        let inner = self.push(self.tokens[start].range.start, scope);
        let colon = self.header_colon(name + 1..end)?;
        if self.op(name + 1, "(") {
            let close = self.tokens[name + 1].pair as usize;
            if self.word(k, "def") {
                self.parameters(name + 2..close, (name + 1) as u32, inner)?;
            } else {
                self.expressions(name + 2..close, inner)?;
            }
            self.expressions(close + 1..colon, inner)?;
        } else if colon != name + 1 || self.word(k, "def") {
            return None;
        }
        if colon + 1 < end {
            // `def f(): return x`: the body is the rest of the line.
            self.simple_statements(colon + 1..end, inner)?;
            self.s.scopes[inner].range.end = self.tokens[end - 1].range.end;
        } else {
            self.blocks.push((indent, inner));
        }
        Some(())
    }

    /// Parameters (`a`, `b=1`, `*c: T`, `**d`, `/`, `*`) in `range` at the
    /// level of bracket `open`, bound in `scope`, where their defaults and
    /// annotations are read too.
    fn parameters(&mut self, range: Range<usize>, open: u32, scope: usize) -> Option<()> {
        for item in self.items(range, open) {
            let mut k = item.start;
            while k < item.end && (self.op(k, "*") || self.op(k, "**")) {
                k += 1;
            }
            if k == item.end || self.op(k, "/") {
                continue;
            }
            if self.kind(k) != Some(Kind::Name) {
                return None;
            }
            self.bind(scope, k, None, None);
            self.expressions(k + 1..item.end, scope)?;
        }
        Some(())
    }

    /// The comma-separated items of `range` at the level of bracket `open`.
    fn items(&self, range: Range<usize>, open: u32) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut from = range.start;
        for k in self.level(range.clone(), open) {
            if self.op(k, ",") {
                out.push(from..k);
                from = k + 1;
            }
        }
        if from < range.end {
            out.push(from..range.end);
        }
        out
    }

    /// Simple statements separated by `;`.
    fn simple_statements(&mut self, range: Range<usize>, scope: usize) -> Option<()> {
        let mut from = range.start;
        for k in self.level(range.clone(), TOP).collect::<Vec<_>>() {
            if self.op(k, ";") {
                self.simple(from..k, scope)?;
                from = k + 1;
            }
        }
        self.simple(from..range.end, scope)
    }

    fn simple(&mut self, range: Range<usize>, scope: usize) -> Option<()> {
        let k = range.start;
        match self.text(k) {
            _ if range.is_empty() => Some(()),
            "import" => self.import(range, scope),
            // No binding: the tree calls it a `future_import_statement`.
            "from" if self.word(k + 1, "__future__") => Some(()),
            "from" => self.import_from(range, scope),
            "global" | "nonlocal" => Some(()),
            _ => self.assignment(range, scope),
        }
    }

    /// An assignment's targets (before each `=`, one `:` annotation or an
    /// augmented operator, outside brackets and lambdas), then whatever the
    /// statement's expressions bind.
    fn assignment(&mut self, range: Range<usize>, scope: usize) -> Option<()> {
        let mut lambdas = 0;
        let mut cuts = Vec::new();
        let mut annotation = None;
        let mut augmented = None;
        for j in self.level(range.clone(), TOP) {
            match (self.kind(j), self.text(j)) {
                (Some(Kind::Name), "lambda") => lambdas += 1,
                (Some(Kind::Op), ":") if lambdas > 0 => lambdas -= 1,
                (Some(Kind::Op), ":") if cuts.is_empty() && annotation.is_none() => {
                    annotation = Some(j)
                }
                (Some(Kind::Op), "=") if lambdas == 0 => cuts.push(j),
                (Some(Kind::Op), t)
                    if t.len() >= 2
                        && t.ends_with('=')
                        && !matches!(t, "==" | "!=" | "<=" | ">=" | ":=") =>
                {
                    augmented.get_or_insert(j);
                }
                _ => {}
            }
        }
        let k = range.start;
        match (augmented, annotation, cuts.last()) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => return None,
            (Some(op), None, None) => self.pattern(k..op, TOP, scope)?,
            (None, Some(colon), _) => {
                // `x: T` or `x: T = v`.
                let made_by = cuts
                    .first()
                    .and_then(|&c| self.factory(c + 1..range.end, scope));
                self.target(k..colon, made_by, scope)?;
            }
            (None, None, Some(&last)) => {
                // `a = b = v`: the tree nests them, so only the last target
                // is assigned `v` itself.
                let made_by = self.factory(last + 1..range.end, scope);
                let mut from = k;
                for &cut in &cuts {
                    let holds = if cut == last { made_by.clone() } else { None };
                    self.target(from..cut, holds, scope)?;
                    from = cut + 1;
                }
            }
            (None, None, None) => {}
        }
        self.expressions(range, scope)
    }

    /// An assignment target: a name holding `made_by`'s value, or a pattern.
    fn target(&mut self, range: Range<usize>, made_by: Option<String>, scope: usize) -> Option<()> {
        match made_by {
            Some(module) if range.len() == 1 && self.kind(range.start) == Some(Kind::Name) => {
                self.bind(scope, range.start, None, Some(module));
                Some(())
            }
            _ => self.pattern(range, TOP, scope),
        }
    }

    /// Bind the names a target pattern binds (`a`, `a, b`, `(a, *b)`,
    /// `[a]`) at the level of bracket `open`; attributes and subscripts
    /// bind none. Unsure of any other shape.
    fn pattern(&mut self, range: Range<usize>, open: u32, scope: usize) -> Option<()> {
        let mut names = Vec::new();
        self.pattern_names(range, open, &mut names)?;
        // The tree's `pattern_names` takes them last first, which decides
        // where a name bound twice (`_, x, _ = t`) is bound.
        for k in names.into_iter().rev() {
            self.bind(scope, k, None, None);
        }
        Some(())
    }

    fn pattern_names(&self, range: Range<usize>, open: u32, names: &mut Vec<usize>) -> Option<()> {
        for item in self.items(range, open) {
            let k = item.start + usize::from(self.op(item.start, "*"));
            let last = item.end.checked_sub(1).filter(|&l| l >= k)?;
            let closes = |s: &str| self.op(last, s) && self.tokens[k].pair as usize == last;
            if self.op(k, "(") && closes(")") || self.op(k, "[") && closes("]") {
                self.pattern_names(k + 1..last, k as u32, names)?;
            } else if self.kind(k) != Some(Kind::Name) || is_keyword(self.text(k)) {
                return None;
            } else if k == last {
                names.push(k);
            } else if !(self.op(k + 1, ".") || self.op(k + 1, "[") || self.op(k + 1, "(")) {
                return None;
            }
        }
        Some(())
    }

    /// `import a.b, c as d`: `a` and `d` are bound.
    fn import(&mut self, range: Range<usize>, scope: usize) -> Option<()> {
        let statement = self.tokens[range.start].range.start..self.tokens[range.end - 1].range.end;
        self.imports.push(statement);
        for item in self.items(range.start + 1..range.end, TOP) {
            let alias = item.clone().find(|&j| self.word(j, "as"));
            let path = item.start..alias.unwrap_or(item.end);
            let bound = match alias {
                Some(a) if a + 2 == item.end => a + 1,
                Some(_) => return None,
                None => item.start,
            };
            if path.is_empty() || self.kind(bound) != Some(Kind::Name) {
                return None;
            }
            let third = self.third_party(path);
            self.bind(scope, bound, third, None);
        }
        Some(())
    }

    /// The module named by the tokens in `path`, if it is third-party.
    fn third_party(&self, path: Range<usize>) -> Option<String> {
        let bytes = self.tokens[path.start].range.start..self.tokens[path.end - 1].range.end;
        let module = &self.text[bytes];
        self.s
            .project
            .python_third_party(module)
            .then(|| module.to_string())
    }

    /// `from m import a, b as c`, `from m import (a, b)`, `from m import *`.
    fn import_from(&mut self, range: Range<usize>, scope: usize) -> Option<()> {
        let import = self
            .level(range.start + 1..range.end, TOP)
            .find(|&j| self.word(j, "import"))?;
        if import == range.start + 1 {
            return None;
        }
        let third = self.third_party(range.start + 1..import);
        let statement = self.tokens[range.start].range.start..self.tokens[range.end - 1].range.end;
        self.from_imports.push((statement, third.clone()));
        let (names, open) = match self.op(import + 1, "(") {
            true if self.tokens[import + 1].pair as usize == range.end - 1 => {
                (import + 2..range.end - 1, (import + 1) as u32)
            }
            true => return None,
            false => (import + 1..range.end, TOP),
        };
        if self.op(names.start, "*") {
            return Some(());
        }
        for item in self.items(names, open) {
            let bound = match item.len() {
                1 => item.start,
                3 if self.word(item.start + 1, "as") => item.start + 2,
                _ => return None,
            };
            if self.kind(bound) != Some(Kind::Name) {
                return None;
            }
            self.bind(scope, bound, third.clone(), None);
        }
        Some(())
    }

    /// The third-party module whose constructor or factory makes the value
    /// in `range` (`requests.Session()`, `await connect()`), as
    /// `Scopes::factory_module` reads it: a call of a dotted name.
    fn factory(&self, range: Range<usize>, scope: usize) -> Option<String> {
        let mut k = range.start;
        while self.word(k, "await") {
            k += 1;
        }
        let last = range.end.checked_sub(1)?;
        if !self.op(last, ")") || self.open(last) != TOP {
            return None;
        }
        let open = self.tokens[last].pair as usize;
        let mut j = k;
        while j + 1 != open {
            if self.kind(j) != Some(Kind::Name) || is_keyword(self.text(j)) || !self.op(j + 1, ".")
            {
                return None;
            }
            j += 2;
        }
        if self.kind(j) != Some(Kind::Name) || is_keyword(self.text(j)) {
            return None;
        }
        let root = self.text(k);
        self.s
            .chain(scope)
            .find_map(|s| self.s.bound_in(s, root))
            .and_then(|b| b.holds.clone())
    }

    /// What an expression binds: walrus targets, comprehension targets,
    /// and lambdas with their parameters.
    fn expressions(&mut self, range: Range<usize>, scope: usize) -> Option<()> {
        let mut k = range.start;
        while k < range.end {
            if self.word(k, "lambda") {
                k = self.lambda(k, range.end, scope)?;
                continue;
            }
            if self.op(k, ":=") {
                if k == range.start || self.kind(k - 1) != Some(Kind::Name) {
                    return None;
                }
                self.bind(scope, k - 1, None, None);
            }
            let open = self.open(k);
            if self.word(k, "for") && open != TOP {
                let r#in =
                    (k + 1..range.end).find(|&j| self.open(j) == open && self.word(j, "in"))?;
                self.pattern(k + 1..r#in, open, scope)?;
                k = r#in;
            }
            k += 1;
        }
        Some(())
    }

    /// The lambda at `k`: its scope, parameters and body, which ends before
    /// `end` at the latest. Returns the index after its body.
    fn lambda(&mut self, k: usize, end: usize, scope: usize) -> Option<usize> {
        let open = self.open(k);
        let inner = self.push(self.tokens[k].range.start, scope);
        // The tree's `lambda` keyword is a node of kind "lambda" too, and
        // `Scopes::build` opens an empty scope for it: so does this.
        let keyword = self.push(self.tokens[k].range.start, inner);
        self.s.scopes[keyword].range.end = self.tokens[k].range.end;
        let mut lambdas = 0;
        let colon = (k + 1..end).find(|&j| {
            if self.open(j) != open {
                return false;
            }
            if self.word(j, "lambda") {
                lambdas += 1;
            } else if self.op(j, ":") {
                if lambdas == 0 {
                    return true;
                }
                lambdas -= 1;
            }
            false
        })?;
        self.parameters(k + 1..colon, open, inner)?;
        // The body: up to what ends an expression at this level.
        let mut lambdas = 0;
        let body = colon + 1;
        let mut j = body;
        while j < end {
            if self.open(j) != open {
                // Deeper brackets are the body's; the bracket's end ends it.
                if !self.inside(j, open) {
                    break;
                }
            } else {
                match (self.kind(j), self.text(j)) {
                    (Some(Kind::Name), "lambda") => lambdas += 1,
                    (Some(Kind::Op), ":") if lambdas > 0 => lambdas -= 1,
                    (Some(Kind::Op), "," | ":" | ";" | "=") => break,
                    (Some(Kind::Name), "for" | "async" | "as") => break,
                    _ => {}
                }
            }
            j += 1;
        }
        if j == body {
            return None;
        }
        self.s.scopes[inner].range.end = self.tokens[j - 1].range.end;
        self.expressions(body..j, inner)?;
        Some(j)
    }

    /// Is token `k` inside bracket `open`, at any depth? (Everything is
    /// inside `TOP`.)
    fn inside(&self, k: usize, open: u32) -> bool {
        let mut o = self.open(k);
        loop {
            if o == open {
                return true;
            }
            if o == TOP {
                return false;
            }
            o = self.open(o as usize);
        }
    }

    fn push(&mut self, start: usize, parent: usize) -> usize {
        self.s.scopes.push(Scope {
            range: start..self.text.len(),
            parent: Some(parent),
            names: Default::default(),
        });
        self.s.scopes.len() - 1
    }

    fn bind(&mut self, scope: usize, k: usize, third_party: Option<String>, holds: Option<String>) {
        let at = self.tokens[k].range.start;
        let name = self.text(k).to_string();
        self.s.scopes[scope].names.entry(name).or_insert(Binding {
            at,
            holds: holds.or_else(|| third_party.clone()),
            third_party,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{load, Source};

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
                format!("{range:?} in {parent:?}: {names:?}")
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
            "q = f'{(a := 1)}'\n",
            "type X = int\n",
            "def f[T](a: T): pass\n",
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
