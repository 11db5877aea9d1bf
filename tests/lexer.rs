//! The lexer (src/lang/lex/) places hits without a parse. It may only
//! make retrace faster: every file must come out exactly as it does when
//! every hit is classified on the syntax tree. Checked on every golden
//! case's input, and (opt-in) on the corpus:
//! `RETRACE_CORPUS=DEST/tree cargo test --release --test lexer -- --ignored`.

use std::path::{Path, PathBuf};

use retrace::config as rules;
use retrace::index::{moves, project};
use retrace::model::Mode;
use retrace::rewrite::Context;
use retrace::walk;

/// Process every file under `root` with and without the lexer; return the
/// files whose outcomes differ, and how many files were compared.
fn differences(root: &Path) -> (Vec<String>, usize) {
    let cwd = std::env::current_dir().unwrap();
    let rules = rules::load(&rules::discover(&[], root, &cwd)).unwrap();
    let abs = walk::absolute(&cwd, root);
    let walked = walk::walk(&abs, &[root.to_path_buf()], &rules, &cwd, 2);
    let project = project::Project::new(&walked.files, &rules);
    let moves = moves::Moves::plan(&walked.files, &rules, &project.history);
    let lexed = Context::new(&rules, &project, &moves, Mode::Diff);
    let parsed = Context::new(&rules, &project, &moves, Mode::Diff).without_lexer();
    let mut out = Vec::new();
    for entry in &walked.files {
        let (a, b) = (
            format!("{:#?}", lexed.process(entry)),
            format!("{:#?}", parsed.process(entry)),
        );
        if a != b {
            out.push(format!(
                "{}:\n--- lexer\n{a}\n--- tree\n{b}",
                entry.path.display()
            ));
        }
    }
    (out, walked.files.len())
}

#[test]
fn the_lexer_changes_no_golden_case() {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/cases");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&cases)
        .unwrap()
        .map(|e| e.unwrap().path().join("in"))
        .collect();
    dirs.sort();
    let mut compared = 0;
    for dir in &dirs {
        let (diffs, n) = differences(dir);
        assert!(diffs.is_empty(), "{}", diffs.join("\n"));
        compared += n;
    }
    assert!(dirs.len() >= 60 && compared >= 100, "{compared} files");
}

/// Snippets where a scanner is most likely to go wrong.
const TRICKY: &[(&str, &str)] = &[
    ("a.py", "x: Dict['session', int] = {}\ny = d['session']\nz = [f(a)['session'] for a in b]\n"),
    ("b.py", "def f(a: 'Session' = 'session') -> Optional['Session']:\n    'session doc'\n    return a  # session\n"),
    ("c.py", "q = f'{len(x)} session(s) {y!r:>{w}} left'\nr = f\"\"\"{d[\"session\"]} session\"\"\"\n"),
    ("d.py", "s = f'SELECT session_id FROM sessions WHERE id = {i}'\nt = rb'session\\n' 'session'\n"),
    ("e.py", "from .session import session_scope as session_scope, Session\nimport a.session as s\n"),
    ("f.py", "__all__: Tuple[str, ...] = ('Session',)\n__all__ += ['session_id']\ntype T = 'Session'\n"),
    ("g.py", "if x: 'session'\nlambda s: 'session'\nclass A:\n    \"\"\"session\"\"\"\n    x = 1; 'session'\n"),
    ("h.py", "getattr(s, 'session')\nmock.patch('a.session.x')\nsb.table('sessions').select('session_id')\n"),
    ("i.ts", "type A = `session_${string}`;\nconst b = `session ${x} and ${`session`}`;\nconst c = sql`select session`;\n"),
    ("j.ts", "type K = T['session'] | Pick<T, 'session' | 'a'>;\nconst m = { 'session': x, [`session`]: y };\n"),
    ("k.ts", "const r = a / b / 2; // session\nconst s = /session'/g.test(x) ? 'session' : \"session\";\nif (x) /session/.test(y);\n"),
    ("l.ts", "import s from './session';\nexport * from './session';\nconst t = import('./session');\njest.mock('./session');\n"),
    ("m.ts", "type E = 'session' | 'stream';\nfunction f(a = 'session', b: 'session') {}\nenum E2 { A = 'session' }\nx.from<T>('sessions');\n"),
    ("p.py", "from sqlalchemy.orm import sessionmaker\nsessionmaker()\nx.sessionmaker\nf(sessionmaker=1)\nclass A(sessionmaker): pass\n"),
    ("q.py", "import requests\ns = requests.Session()\ns.sessionmaker\nrequests.get(sessionmaker=1)\nsessionmaker = 1\n"),
    ("r.py", "from .session import sessionmaker\nimport os\nsessionmaker()\nx.sessionmaker\n"),
    ("s.py", "from . import session\nsession.sessionmaker()\nengine = os.x()\nengine.SessionStore\n"),
    ("t.py", "import os, requests as r\nengine = r.x()\nengine.SessionStore\nengine.sessionmaker\n"),
    ("u.sql", "-- session\nselect session_id, pg_stat_get_db_session_time(x) from sessions where a = 'session';\nSET SESSION AUTHORIZATION x;\n"),
    ("v.sql", "create function f() returns int as $$ select session_id from s $$ language sql;\ncopy t from 'session.csv';\nselect \"Session\", E'session', a$session from t;\n"),
    ("w.sql", "select {session_id:UInt64} from otel.sessions SETTINGS session_timezone = 'UTC' /* session */;\n"),
    ("x.sql", "select date 'session', 'a' 'session', N'session' from t;\ninsert into t values (1, 'session', 'it''s session');\ncopy t from 'session' with (delimiter 'session');\n"),
    ("y.py", "import os\nimport requests as r\nengine = r.x()\nself.session_x()\nengine.session_y\n_new_sessionid = 1\nf(session_z=1)\na.b.sessionmaker\nf().sessionmaker\nr.sessionmaker\n"),
    ("z.py", "import os\nfrom requests import Session as S\nS.sessionmaker\nx: int = S()\nx.sessionmaker\ny.sessionmaker\n"),
    ("l.py", "atexit.register(lambda: f(a='session', b=d['session']))\ng = lambda x, y: 'session'\ndef h(a=lambda s: 'session', b: 'Session' = 'session'): pass\n"),
    ("i.js", "const b = `session ${x} and ${`session`}`;\nconst c = sql`select session`;\n"),
    ("n.js", "#!/usr/bin/env node\n// session\nconst a = 'session\\nsession';\nconst b = i++ / 2; // session\n"),
    ("aa.py", "def f(self: 'Session', b: \"sessionmaker[Session]\" = None, *a: 'Session', **k: 'Session') -> 'Session':\n    pass\ndef g(x: 'Session' | None, y: 'session' 'x', z: 'a' == 'session') -> 'Session' | None: pass\n"),
    ("ab.py", "__all__ = ['Session', 'session_id',  # session\n    'sessionmaker']\n__all__ += ['Session']\n__all__ = ['Session'] + ['session']\n__all__ = x = ['session']\n__all__ = ['session'].copy()\n__all__ = [f'session', 'a' 'session', 'session' + x, ('session')]\n"),
    ("ac.py", "class A:\n    def f(self, cb=lambda s: 'session', d: 'Session' = 'session', e: List['Session'] = []): pass\n    async def g(a: 'Session') -> \"Session\": ...\ndef h[T](a: 'Session'): pass\nf(a, b=lambda x: 'session')\nundef(a: 'session')\n"),
    ("ad.ts", "f(`session ${x}`, `session`);\nthis.d('a', `session has${y ? '' : ' not'}`);\ntype A = Foo<(`session`)>;\nlet b: F<`session`> = g<`session`>(`session`, `session`);\ntype C = keyof (`session`);\nh(x as `session`, <`session`>y, (`session`));\nnew K(`session`);\nf(new Map<string, `session`>());\nif (`session`) {}\nfunction k(a = `session`, b = f(`session`)) {}\n"),
    ("ae.py", "import os, requests.sessions as rs, a.session  # session\nfrom ..session import x\nfrom sqlalchemy.orm.session import Session\nimport a.session.b, c\nfrom a . session import y\nimport a.session as session\nfrom.session import z\nimport a.b as session_c\n"),
    ("af.ts", "import { Session, type SessionX as S } from '@supabase/supabase-js';\nexport { a as session, Session as S2 } from './session';\nexport * from 'session-lib'\nimport 'session.css';\nimport * as sessions from \"./sessions\";\nconst x = from('session');\nimport s = require('session');\nexport const session = 1;\nfrom\n'session';\n"),
    ("ag.py", "def f(session, **kw):\n    class A:\n        x = kw['session']\n\n# session\n    def g(**kw):\n        return kw.get('session')\n    return 'session' in kw\ndef h(*a, **kw):\n    kw['session'] = 1\nasync def i(session, **kw): kw.pop('session')\nkw['session']\n"),
    ("o.ts", "class A { #session = 1; get session() { return this.#session; } }\nlet a = b < c; const d = e(f, 'session');\n"),
];

#[test]
fn the_lexer_changes_no_tricky_snippet() {
    for (name, text) in TRICKY {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(name), text).unwrap();
        let (diffs, n) = differences(dir.path());
        assert_eq!(n, 1);
        assert!(diffs.is_empty(), "{text}\n{}", diffs.join("\n"));
    }
}

#[test]
#[ignore = "needs the corpus: set RETRACE_CORPUS to ../shared/corpus/fetch.sh's tree"]
fn the_lexer_changes_nothing_on_the_corpus() {
    let root = PathBuf::from(std::env::var("RETRACE_CORPUS").expect("RETRACE_CORPUS"));
    let (diffs, n) = differences(&root);
    eprintln!("lexer: {n} files compared, {} differ", diffs.len());
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}
