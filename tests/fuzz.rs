//! Robustness of `engine::rewrite` on malformed and truncated text: what
//! the fuzzer (fuzz/) found, one test each, and a property test that
//! mutates the golden cases' inputs with a fixed seed, so it runs the same
//! cases on every machine and in a few seconds.
//!
//! On any UTF-8 text of any language, `rewrite` must not panic, must
//! return Ok (or give up on a runaway parse, on purpose), and when it
//! changes the text, the new text parses with no more syntax errors and a
//! second rewrite changes nothing.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner};
use retrace::config::{self as rules, Rules, Source};
use retrace::lang::Lang;
use retrace::rewrite::{rewrite, syntax_errors};

fn bundled() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| {
        let bundled = Source::Bundled {
            base: PathBuf::from("/"),
        };
        rules::load(&[bundled]).unwrap()
    })
}

/// The promises `rewrite` keeps on any text (the fuzz target's checks).
fn check(lang: Lang, text: &str) -> Result<(), String> {
    let rules = bundled();
    let new = match rewrite(rules, lang, text) {
        Ok(Some(new)) => new,
        Ok(None) => return Ok(()),
        // Text whose error recovery runs away is given up on, on purpose.
        Err(e) if e.to_string().contains("parser gave up") => return Ok(()),
        Err(e) => return Err(format!("{lang:?}: rewrite failed: {e:#}")),
    };
    let before = syntax_errors(lang, text).map_err(|e| e.to_string())?;
    let after = syntax_errors(lang, &new).map_err(|e| e.to_string())?;
    if after > before {
        return Err(format!(
            "{lang:?}: {before} syntax errors before, {after} after:\n{new}"
        ));
    }
    match rewrite(rules, lang, &new) {
        Ok(None) => Ok(()),
        Ok(Some(again)) => Err(format!(
            "{lang:?}: a second run changed the text again:\n{new}\n---\n{again}"
        )),
        Err(e) => Err(format!("{lang:?}: the second rewrite failed: {e:#}")),
    }
}

fn assert_ok(lang: Lang, text: &str) {
    if let Err(e) = check(lang, text) {
        panic!("{text:?}\n{e}");
    }
}

// ---- Findings, one test each ----

/// A template cut off after a substitution has no closing backtick: the
/// SQL check of its content reached one byte past the string.
#[test]
fn unterminated_template_after_a_substitution() {
    for lang in [Lang::TypeScript, Lang::Tsx, Lang::JavaScript] {
        assert_ok(lang, "`session${e};");
    }
}

/// A block comment opened at the very end of a SQL ERROR region: its
/// body started past the region's end.
#[test]
fn unterminated_sql_block_comment() {
    assert_ok(Lang::Sql, "update s set _=w session=/*");
}

/// Templates nested in each other's substitutions: the lexer scanned
/// each substitution by recursion and overflowed the stack (a 2 MiB
/// thread's, as the tool's and the test's threads have) on a few thousand.
#[test]
fn deeply_nested_templates() {
    let n = 20_000;
    let text = format!("const x = {}session{};\n", "`${".repeat(n), "}`".repeat(n));
    for lang in [Lang::TypeScript, Lang::JavaScript] {
        assert_ok(lang, &text);
    }
}

/// After a control character, tree-sitter-javascript lexes no comment
/// where the lexer saw one, so an edit the lexer placed in comment text
/// (which needs no re-parse) changed the error recovery and added a
/// syntax error. The lexers now leave such files to the tree, as they do
/// `#` before no name in JavaScript and `--` after an operator in SQL.
#[test]
fn control_character_before_a_comment() {
    assert_ok(Lang::JavaScript, "\u{3}//await supab A session e.a s(");
    assert_ok(Lang::TypeScript, "\u{3}//await supab A session e.a s(");
    assert_ok(Lang::JavaScript, "#//await supab A session e.a s(");
    assert_ok(Lang::Python, "\u{3}# await supab A session e.a s(");
    assert_ok(Lang::Sql, "select 1 ?-- a session e.a s(");
}

/// An unterminated quote in a SQL ERROR region: the fallback lexer's
/// quoted token ran to the region's end, over ERROR nodes inside it that
/// were units of their own, and the overlapping edits failed the file.
/// (Nested ERROR regions starting at one byte also shared a lexing.)
#[test]
fn unterminated_quote_over_nested_sql_errors() {
    assert_ok(Lang::Sql, "`(session(e\u{4}create session(Session(");
}

/// A NUL byte ends a comment to tree-sitter but not to the lexer: the
/// lexer's comment unit (`--session…` to the end) overlapped the tree's
/// (`--session'--session` before the NUL), and the overlapping edits
/// failed the file. The lexer now leaves files with a NUL to the tree.
#[test]
fn nul_byte_in_a_sql_comment() {
    assert_ok(Lang::Sql, "n'\0--session'--session\0session");
    assert_ok(Lang::Python, "x = 1 # a session\0 session\n");
    assert_ok(Lang::TypeScript, "let x = 1; // a session\0 session\n");
}

/// In a Python file with syntax errors (an unmatched `]` among them), a
/// rename inside a comment added one: error recovery weighs skipped bytes,
/// comments' too. The edit skipped the re-parse because the lexer placed
/// it in comment text; `Lexed::in_text` now says no in a file whose
/// brackets do not balance.
#[test]
fn comment_edit_in_a_file_with_unbalanced_brackets() {
    assert_ok(Lang::Python, "_acrelsession-idm.sessj impor]t Session\nim-idm.sessj iasync mpor]t Session\nimport fiojr]t Session\nimporti prom]t Session\nimpormpor]tnamesion\nimport #iojronsi__lsession-i_ll__lsession-i`r prom]t Session\nimport oronsi_all__lsession-i`rtoronsi");
}

/// A backtick opens a string to tree-sitter-python's scanner but was an
/// operator to the lexer, which then placed a comment inside the tree's
/// string: the units overlapped and the file failed. Python files with a
/// backtick in code are now the tree's.
#[test]
fn backtick_in_python_code() {
    assert_ok(Lang::Python, "import sess`session# $sessionI`nsessionv\n");
}

/// Broken TSX on which tree-sitter's error recovery ran for minutes and
/// took gigabytes: the parse now has a budget, and the rewrite gives up.
#[test]
fn runaway_tsx_error_recovery() {
    let text = r#"import co nstsessionCookie = "sid";
t { useSession SessionLocal-auth/react";

export function Banner({ sessionId }ion(export nort const sessionCookie = "sid";
t { useSession SessionLocal-auth/react";

export function Banner(.user?.namezy = (t}</p>;
}
"#;
    let start = std::time::Instant::now();
    let outcome = rewrite(bundled(), Lang::Tsx, text);
    let error = outcome.expect_err("the parser gives up").to_string();
    assert!(error.contains("parser gave up"), "{error}");
    assert!(start.elapsed().as_secs() < 60, "{:?}", start.elapsed());
}

/// Tree-sitter recovers from the error in `.from("session"session_id)` by
/// putting the string in an ERROR node, so it is plain text and reported,
/// while `session_id` is renamed; in `.from("session"trace_id)` it puts the
/// identifier there instead, the string is `from`'s table name (code), and
/// a second run renamed it. A statement with a syntax error is now left
/// alone (`analyze::collisions::Unsound`): renames elsewhere still happen,
/// and a second run changes nothing.
#[test]
fn a_statement_with_a_syntax_error_is_left_alone() {
    let rules = bundled();
    let broken = ".from(\"session\"session_id)";
    assert_eq!(rewrite(rules, Lang::TypeScript, broken).unwrap(), None);
    let text = format!("{broken}\nconst session_count = 1;\n");
    let once = rewrite(rules, Lang::TypeScript, &text).unwrap().unwrap();
    assert_eq!(once, format!("{broken}\nconst trace_count = 1;\n"));
    assert_eq!(rewrite(rules, Lang::TypeScript, &once).unwrap(), None);
}

/// A broken SQL file: where tree-sitter put its ERROR nodes moved with the
/// lengths of the names renamed, and a second run read a quoted name as
/// code and renamed it. SQL with a syntax error is now read by its lexer
/// all along (`analyze::classify::sql`), and its collisions are judged by
/// every word it spells.
#[test]
fn broken_sql_is_read_the_same_after_a_rename() {
    assert_ok(Lang::Sql, "create table traces (id uuid primype SessionIe\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0} te table sessions (id uuid prin, mary ks (id uui__init__( session):\n        self.session = se session_id=session_idsipn=session, session_id=sssion\n n['sessionId'];\netxey,y key, trace_id uuid rse\u{0}imr_nce");
    assert_ok(Lang::Sql, "SELECT id:t SonsET SESSION eenttSe{sionoheaders(sespublaaaa]]]]]]]]]]]]]]],n.s \"kattri \"session\"}\n");
}

/// A broken Python file (NUL bytes, brackets and strings left open) whose
/// statements tree-sitter splits differently once names change length: a
/// second run renamed more. Such a rewrite is now dropped as unstable
/// (`Dropped::Unstable`).
#[test]
fn unstable_renames_in_a_broken_file_are_dropped() {
    assert_ok(Lang::Python, "session = open_sesskon()\nSession!= make_class()\nSESSION = icty_user(u$tag$ser): return sessions\nobsession = 0\nsesn!= make_class()\nn!= 0\nsessioSESSION \u{0}from :urrentdef current() -> \"Session\":ur) -> \"Session\":\n     \"Session\":urrent() -SessionIDn\":\n    =>.\n\n\n\"]) -> Op\u{1}=>.\n\n\n\"]) -> Op\u{1}SION =xtendedSession = dict\ndendedSesry import trace\n\n\nclass Session:IdSESSION_COOKIct0\nsessionwaker = 2\nsion!en_sesskon()\nSession!= make_class()\nSESSION = icty_user(u$tag$ser): return sessions\nobsession = 0\nsesn!= make_class()\nn!= 0\nsessioSESSION =xtern sessions\nobsession = make_class()\nn!= 0\nsessioSESSION =xte\nobsession = 0\nsessionwaker = 2\nsioq!= make_class()\nn!= 0\nsessioSESSION =xtendedSession = dict\ndendedSesry import trace\n\n\nclass Session:IdSESSION_COOKIct0\nsessionwaker = 2\nsion!= make_class()\nn!= 0\nsessioSESSION =xtendedSession = dict\ndendedSession = dict\nss Session:\n    def __isrtnit__(self, session_id)sion = dict0\nse\nSession!= make_class()\nSESSION = icty_user(u$tag$ser): return sessions\nobsession = = 2\nsion!en_sesskon()\nSession!= make_class()\nSESSION = icty_user(u$tag$ser): return sessions\nobsession = 0\nsesn!= make_class()\nn!= 0\nsessioSESSION =xtern sessions\nobsession = make_class()\nn!= 0\nsessioSESSION =xte\nobsession = 0\nsessionwaker = 2\nsioq!= make_class()\nn!= 0\nsessioSESSION =xtendedSession = dict\ndendedSesry import trace\n\n\nclass Session:IdSESSION_COOKIct0\nsessionwaker = 2\nsion!= make_class()\nn!= 0\nsessioSESSION =xtendedSession = dict\ndendedSession = dict\nss Session:\n    def __isrtnit__(self, session_id)sion = dict0\nse\nSession!= make_class()\nSESSION = icty_user(u$tag$ser): return sessions\nobs0\nsesn!= make_class()\nn!= 0\nsessioSESSION =xtern sessions\nobsession = make_class()\nn!= 0\nsessioSESSION =xte\nobsession = 0\nsessionwaker\"\"\" = 2\nsioq!= make_class()\nn!= 0\nsessioSESSION =xtendedSession = dict\ndendedSesry import trace\n\n\nclass Session:IdSESSION_COOKIct0\nsessio= make_class()\nn!= 0\nsessioSESSI_(self, session_id)sion = dict0\nse\nSession!= make_class()\nSESSION = icty_user(u$tag$ser): return sessions\nobsession = 0\nsesn!= make_class()\nn!= 0\nsessioSESSION =xtern sessions\nobsession = make_class()\nn!= 0\nsessioSESSION =xte\nobsession = 0\nsessionwaker = 2\nsioq!= make_class()\nn!= 0\nsessioSESSION =xtendedSession = dict\ndendedSesry import trace\n\n\nclass Session:IdSESSION_COOKIct0\nsessionwaker = 2\nsion!= make_class()\nn!= 0\nsessioSESSION =xtendedSession = dict\ndendedSession = dict\nss Session:\n    def __isrtnit_\nsessioSESSION =xtendedSession = dict\ndendedSession = dict\nss Session:\n    def __isrtnit__(self, session_id)sion = dict0\nse\nSession!= make_class()\nSESSION = icty_user(u$tag$ser): return sessions\nobs0\nsesn!= make_class()\nn!= 0\nsessioSESSION =xtern sessions\nobsession = make_class()\nn!= _(self, session_id)t_sess");
}

// ---- The property test ----

/// Byte strings spliced into the seeds: hit words and the tokens that open
/// or close comments, strings, templates and brackets.
const TOKENS: &[&str] = &[
    "session",
    "Session",
    "sessions",
    "SESSION_ID",
    "sessionId",
    "obsession",
    "'",
    "\"",
    "`",
    "${",
    "{",
    "}",
    "(",
    ")",
    "/*",
    "*/",
    "\"\"\"",
    "#",
    "--",
    "$$",
    "\\",
    "\n",
    "\r\n",
    "é",
    "\u{2028}",
    "😀",
];

/// One edit of a seed's bytes; positions are taken modulo the length.
#[derive(Clone, Debug)]
enum Mutation {
    Delete { at: usize, len: usize },
    Duplicate { at: usize, len: usize, to: usize },
    Insert { at: usize, token: usize },
    Truncate { at: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<usize>();
    prop_oneof![
        (at, 1..16usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (at, 1..32usize, any::<usize>()).prop_map(|(at, len, to)| Mutation::Duplicate {
            at,
            len,
            to
        }),
        (at, 0..TOKENS.len()).prop_map(|(at, token)| Mutation::Insert { at, token }),
        at.prop_map(|at| Mutation::Truncate { at }),
    ]
}

fn mutate(bytes: &mut Vec<u8>, m: &Mutation) {
    let n = bytes.len();
    let pos = |p: usize| if n == 0 { 0 } else { p % (n + 1) };
    match *m {
        Mutation::Delete { at, len } => {
            let at = pos(at);
            bytes.drain(at..(at + len).min(n));
        }
        Mutation::Duplicate { at, len, to } => {
            let at = pos(at);
            let copy = bytes[at..(at + len).min(n)].to_vec();
            let to = pos(to);
            bytes.splice(to..to, copy);
        }
        Mutation::Insert { at, token } => {
            let at = pos(at);
            bytes.splice(at..at, TOKENS[token].bytes());
        }
        Mutation::Truncate { at } => bytes.truncate(pos(at)),
    }
}

/// The golden cases' input files of `lang`.
fn seeds(lang: Lang) -> Vec<Vec<u8>> {
    fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, files);
            } else {
                files.push(path);
            }
        }
    }
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/cases");
    let mut files = Vec::new();
    for case in std::fs::read_dir(&cases).unwrap() {
        let input = case.unwrap().path().join("in");
        if input.is_dir() {
            walk(&input, &mut files);
        }
    }
    files.sort();
    files
        .iter()
        .filter(|f| Lang::from_path(f) == Some(lang))
        .map(|f| std::fs::read(f).unwrap())
        .collect()
}

/// Cases per language: a few seconds in all in a debug build.
const CASES: u32 = 256;

/// Fixed, so every run tries the same texts.
const SEED: [u8; 32] = *b"retrace fuzz: session -> trace!!";

#[test]
fn mutated_golden_inputs_keep_the_promises() {
    for lang in Lang::ALL {
        let seeds = seeds(lang);
        assert!(!seeds.is_empty(), "no golden input for {lang:?}");
        let config = Config {
            cases: CASES,
            failure_persistence: None,
            rng_algorithm: RngAlgorithm::ChaCha,
            ..Config::default()
        };
        let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &SEED);
        let mut runner = TestRunner::new_with_rng(config, rng);
        let strategy = (0..seeds.len(), proptest::collection::vec(mutation(), 1..8));
        let result = runner.run(&strategy, |(seed, mutations)| {
            let mut bytes = seeds[seed].clone();
            for m in &mutations {
                mutate(&mut bytes, m);
            }
            // retrace reads only UTF-8; a cut through a character still
            // makes a useful text once repaired.
            let text = String::from_utf8_lossy(&bytes);
            let outcome = std::panic::catch_unwind(|| check(lang, &text));
            match outcome {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(TestCaseError::fail(format!("{text:?}\n{e}"))),
                Err(_) => Err(TestCaseError::fail(format!("{lang:?}: panic on {text:?}"))),
            }
        });
        match result {
            Ok(()) => {}
            Err(TestError::Fail(why, (seed, mutations))) => {
                panic!("{lang:?}, seed {seed}, {mutations:?}:\n{why}")
            }
            Err(e) => panic!("{lang:?}: {e}"),
        }
    }
}

/// Replays a fuzz input (first byte: the language), printing each
/// rewrite: `RETRACE_FUZZ_INPUT=fuzz/artifacts/rewrite/crash-… cargo test
/// --test fuzz replay -- --ignored --nocapture`.
#[test]
#[ignore = "needs RETRACE_FUZZ_INPUT"]
fn replay() {
    let path = std::env::var("RETRACE_FUZZ_INPUT").expect("RETRACE_FUZZ_INPUT");
    let data = std::fs::read(path).unwrap();
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let lang = Lang::ALL[usize::from(first) % Lang::ALL.len()];
    let text = String::from_utf8_lossy(rest);
    println!("{lang:?}: {text:?}");
    let mut current = text.to_string();
    for run in 1..=3 {
        match rewrite(bundled(), lang, &current) {
            Ok(Some(new)) => {
                println!("run {run}: {new:?}");
                current = new;
            }
            other => {
                println!("run {run}: {other:?}");
                break;
            }
        }
    }
    assert_ok(lang, &text);
}
