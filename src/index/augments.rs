//! Members a third party owns though the project names them: declared in a
//! module augmentation of a third-party module (`declare module 'fastify' {
//! interface FastifyRequest { session: … } }`) or registered by name on a
//! third-party object (`fastify.decorate('createSecureSession', …)`). The
//! third party's runtime adds them by that name, and its types declare
//! them there, so `request.session` and `fastify.createSecureSession()` stay
//! wherever they are reached: by spelling, since the object's type is rarely
//! known (a plugin's `fastify` parameter, a handler's `request`).

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::lang::lex::is_word;
use crate::model::Lang;

/// The calls that add a member by the name their first argument spells.
const REGISTERS: [&str; 3] = [".decorate(", ".decorateRequest(", ".decorateReply("];

#[derive(Debug, Default)]
pub struct Augments {
    /// Member name → where a third party gets it (`fastify (types/index.d.ts:7)`).
    members: HashMap<String, String>,
    /// Each file's augmentation blocks, by absolute path.
    blocks: HashMap<PathBuf, Vec<Range<usize>>>,
    /// Members given a name at run time: reached as members, declared
    /// nowhere, and spelled whole by a string (`sessionName:
    /// 'longTermSession'` … `request.longTermSession`), with that string's
    /// place.
    dynamic: HashMap<String, String>,
}

/// What the files spell of each name with a rule word, for `dynamic`.
#[derive(Default)]
struct Spelled {
    /// A whole string's text: where it first is.
    quoted: HashMap<String, String>,
    accessed: HashSet<String>,
    declared: HashSet<String>,
}

impl Augments {
    /// Read the TypeScript/JavaScript files `files` (absolute path, as
    /// shown); `theirs` tells whether a module specifier, seen from a
    /// file, is third-party.
    pub fn new(
        files: &[(PathBuf, String)],
        worded: impl Fn(&str) -> bool,
        theirs: impl Fn(&str, &Path) -> bool,
    ) -> Augments {
        let mut out = Augments::default();
        let mut spelled = Spelled::default();
        for (abs, shown) in files {
            let Ok(text) = std::fs::read_to_string(abs) else {
                continue;
            };
            spelled.read(shown, &text, &worded);
            out.registered(shown, &text);
            // In a module (a file with a top-level import or export),
            // `declare module 'x'` augments x; in a script it declares x
            // (as `@types` packages do), which is no member of the project's.
            let module = text
                .lines()
                .any(|l| l.starts_with("import ") || l.starts_with("export "));
            if module && text.contains("declare module") {
                out.declared(abs, shown, &text, &theirs);
            }
        }
        // Only names with a rule word are asked about.
        out.members.retain(|name, _| worded(name));
        out.dynamic = spelled
            .quoted
            .into_iter()
            .filter(|(name, _)| spelled.accessed.contains(name) && !spelled.declared.contains(name))
            .collect();
        out
    }

    /// Where a string names the member `name`, given at run time, if one
    /// does.
    pub fn dynamic(&self, name: &str) -> Option<&str> {
        self.dynamic.get(name).map(String::as_str)
    }

    /// Where a third party gets the member `name`, if it does.
    pub fn member(&self, name: &str) -> Option<&str> {
        self.members.get(name).map(String::as_str)
    }

    /// Is byte `at` of the file `abs` inside a module augmentation?
    pub fn in_block(&self, abs: &Path, at: usize) -> bool {
        self.blocks
            .get(abs)
            .is_some_and(|blocks| blocks.iter().any(|b| b.contains(&at)))
    }

    /// `x.decorate('name', …)`.
    fn registered(&mut self, shown: &str, text: &str) {
        for call in REGISTERS {
            for (at, _) in text.match_indices(call) {
                let rest = &text[at + call.len()..];
                let Some(quote) = rest
                    .chars()
                    .next()
                    .filter(|c| matches!(c, '\'' | '"' | '`'))
                else {
                    continue;
                };
                let name = &rest[1..];
                let name = &name[..name.find(quote).unwrap_or(0)];
                if is_name(name) {
                    let line = line_of(text, at);
                    let how = format!("registered by name at {shown}:{line}");
                    self.members.entry(name.to_string()).or_insert(how);
                }
            }
        }
    }

    /// `declare module 'x' { … }` with `x` third-party: the names its
    /// members declare (a line's leading name before `:`, `?:`, `(` or `<`).
    fn declared(
        &mut self,
        abs: &Path,
        shown: &str,
        text: &str,
        theirs: &impl Fn(&str, &Path) -> bool,
    ) {
        for (at, _) in text.match_indices("declare module") {
            let rest = text[at + "declare module".len()..].trim_start();
            let Some(quote) = rest.chars().next().filter(|c| matches!(c, '\'' | '"')) else {
                continue;
            };
            let module = &rest[1..];
            let module = &module[..module.find(quote).unwrap_or(0)];
            if !theirs(module, abs) {
                continue;
            }
            let Some(open) = text[at..].find('{').map(|o| at + o) else {
                continue;
            };
            let block = open..block_end(text, open);
            for (offset, line) in lines_with_offsets(&text[block.clone()]) {
                let code = line.trim_start();
                let code = code.strip_prefix("readonly ").unwrap_or(code);
                let name_len = code
                    .bytes()
                    .take_while(|&b| is_word(Lang::TypeScript, b))
                    .count();
                let (name, after) = code.split_at(name_len);
                let member = !name.is_empty()
                    && !matches!(
                        name,
                        "interface"
                            | "type"
                            | "export"
                            | "const"
                            | "function"
                            | "namespace"
                            | "class"
                            | "let"
                            | "var"
                            | "enum"
                    )
                    && (after.starts_with(':')
                        || after.starts_with("?:")
                        || after.starts_with('(')
                        || after.starts_with('<'));
                if member {
                    let line = line_of(text, block.start + offset);
                    let how = format!("{module} ({shown}:{line})");
                    self.members.entry(name.to_string()).or_insert(how);
                }
            }
            self.blocks
                .entry(abs.to_path_buf())
                .or_default()
                .push(block);
        }
    }
}

impl Spelled {
    /// One file's names with a rule word: whole strings, members reached
    /// (`.name`), and members declared (`name:`, `name?:`, `name(` not
    /// after a `.` or `function`, `{ name }`, after `get`/`set`).
    fn read(&mut self, shown: &str, text: &str, worded: &impl Fn(&str) -> bool) {
        let bytes = text.as_bytes();
        let word = |b: u8| is_word(Lang::TypeScript, b);
        // Lines counted as the names go by: counting from the file's start
        // at each made a big declaration file's reading quadratic.
        let (mut line, mut counted) = (1, 0);
        let mut i = 0;
        while i < bytes.len() {
            // Comments name nothing (a string quoted in one is prose).
            if bytes[i..].starts_with(b"//") {
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
                continue;
            }
            if bytes[i..].starts_with(b"/*") {
                let close = memchr::memmem::find(&bytes[i + 2..], b"*/");
                i = close.map_or(bytes.len(), |n| i + 2 + n + 2);
                continue;
            }
            if !word(bytes[i]) || i > 0 && word(bytes[i - 1]) || bytes[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let end = i + bytes[i..].iter().take_while(|&&b| word(b)).count();
            let name = &text[i..end];
            if !worded(name) {
                i = end;
                continue;
            }
            let before = text[..i].trim_end();
            let after = text[end..].trim_start();
            let quote = before
                .chars()
                .next_back()
                .filter(|q| matches!(q, '\'' | '"'));
            if quote.is_some_and(|q| after.starts_with(q) && text[..i].ends_with(q)) {
                line += bytecount::count(&bytes[counted..i], b'\n');
                counted = i;
                self.quoted
                    .entry(name.to_string())
                    .or_insert_with(|| format!("{shown}:{line}"));
            } else if before.ends_with('.') && !before.ends_with("...") {
                self.accessed.insert(name.to_string());
            } else {
                // Members are declared as keys, fields and methods; a
                // variable (`const x = …`, `function f(`) is no member.
                let variable = ["const", "let", "var", "function"]
                    .iter()
                    .any(|k| before.ends_with(k));
                let accessor = before.ends_with("get") || before.ends_with("set");
                let key = after.starts_with(':') && !after.starts_with("::")
                    || after.starts_with("?:")
                    || after.starts_with('(')
                    || before.ends_with(['{', ',']) && after.starts_with([',', '}']);
                let keyword = accessor || key && !variable;
                if keyword {
                    self.declared.insert(name.to_string());
                }
            }
            i = end;
        }
    }
}

/// The end of the brace block opened at `open` (past its `}`), braces in
/// strings and comments aside being rare in declarations.
fn block_end(text: &str, open: usize) -> usize {
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate().skip(open) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    text.len()
}

fn lines_with_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_inclusive('\n').scan(0, |offset, line| {
        let at = *offset;
        *offset += line.len();
        Some((at, line))
    })
}

fn line_of(text: &str, at: usize) -> usize {
    text[..at].matches('\n').count() + 1
}

fn is_name(text: &str) -> bool {
    !text.is_empty()
        && !text.as_bytes()[0].is_ascii_digit()
        && text.bytes().all(|b| is_word(Lang::TypeScript, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn augmented_and_registered_members_are_theirs() {
        let dir = tempfile::tempdir().unwrap();
        let types = dir.path().join("index.d.ts");
        std::fs::write(
            &types,
            "import 'fastify'\ndeclare module 'fastify' {\n  interface FastifyRequest {\n    session: Session;\n    readonly sessionId?: string\n    createSecureSession(data?: object): Session\n  }\n}\ndeclare module './local' { interface X { sessionKey: string } }\n",
        )
        .unwrap();
        let js = dir.path().join("index.js");
        std::fs::write(
            &js,
            "fastify.decorate('encodeSecureSession', f)\nfastify.decorateRequest(name, null)\n\
             register(p, { sessionName: 'longTermSession' })\n\
             request.longTermSession.get(opts.sessionName)\n",
        )
        .unwrap();
        let files = [
            (types.clone(), "index.d.ts".to_string()),
            (js, "index.js".to_string()),
        ];
        let augments = Augments::new(&files, |_| true, |m, _| !m.starts_with('.'));
        assert_eq!(augments.member("session"), Some("fastify (index.d.ts:4)"));
        assert_eq!(augments.member("sessionId"), Some("fastify (index.d.ts:5)"));
        assert_eq!(
            augments.member("createSecureSession"),
            Some("fastify (index.d.ts:6)")
        );
        assert_eq!(
            augments.member("encodeSecureSession"),
            Some("registered by name at index.js:1")
        );
        assert_eq!(
            augments.member("sessionKey"),
            None,
            "an augmentation of the project's own module"
        );
        assert!(augments.in_block(&types, 60));
        assert_eq!(augments.dynamic("longTermSession"), Some("index.js:3"));
        assert_eq!(augments.dynamic("sessionName"), None, "declared as a key");
        assert!(!augments.in_block(&types, 5));
    }
}
