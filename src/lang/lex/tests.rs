//! Where the lexers place hits, against what the tree says.

use super::*;

fn place(lang: Lang, text: &str, needle: &str) -> Place {
    let at = text.find(needle).unwrap();
    let hit = at..at + needle.len();
    lex(lang, text, std::slice::from_ref(&hit))
        .unwrap()
        .place(text, at)
}

fn unit(range: Range<usize>, class: Class, shape: Shape) -> Place {
    Place::Unit(Unit::with(range, class, shape))
}

#[test]
fn comments_docstrings_strings_and_names_are_placed() {
    let (py, ts, js) = (Lang::Python, Lang::TypeScript, Lang::JavaScript);
    let doc = "\"\"\"session doc\"\"\"\nx = 'a session' # session\nsession_id = 1\n";
    for (lang, text, needle, range, class, shape) in [
        (py, doc, "session doc", 3..14, Class::Comment, Shape::Text),
        (py, doc, "session'", 23..32, Class::String, Shape::Text),
        (py, doc, "session\n", 34..43, Class::Comment, Shape::Text),
        (
            py,
            doc,
            "session_id",
            44..54,
            Class::Code,
            Shape::Identifier,
        ),
        (
            py,
            "q = f'{x} session'\n",
            "session",
            9..17,
            Class::String,
            Shape::Text,
        ),
        (
            py,
            "y = d['session']\n",
            "session",
            7..14,
            Class::String,
            Shape::Text,
        ),
        (
            py,
            "y = d.get('session') or 'session' in e\n",
            "session",
            11..18,
            Class::String,
            Shape::Text,
        ),
        (
            ts,
            "const a = b / c; // session\n",
            "session",
            17..27,
            Class::Comment,
            Shape::Text,
        ),
        (
            ts,
            "type E = \"session\" | \"s\";\n",
            "session",
            10..17,
            Class::String,
            Shape::Text,
        ),
        (
            js,
            "const q = `a ${b} session`;\n",
            "session",
            17..25,
            Class::String,
            Shape::Text,
        ),
        (
            ts,
            "f(x, 'session');\n",
            "session",
            6..13,
            Class::String,
            Shape::Text,
        ),
        (
            Lang::Sql,
            "x = 'session' -- c\n",
            "session'",
            4..13,
            Class::String,
            Shape::Text,
        ),
    ] {
        assert_eq!(
            place(lang, text, needle),
            unit(range, class, shape),
            "{text}"
        );
    }
    // Python code in strings and imports, as the tree sees it: whole
    // annotations and `__all__` entries; module paths (dotted names).
    let (text, module) = (Shape::Text, Shape::ModulePath);
    for (code, range, shape) in [
        ("def f(x: 'session'): pass\n", 10..17, text),
        ("def f() -> 'session': pass\n", 12..19, text),
        ("__all__ = ['a', 'session']\n", 17..24, text),
        ("from app.session import x\n", 9..16, module),
        ("import app.session\n", 11..18, module),
        ("import os, app.session as s  # c\n", 15..22, module),
    ] {
        let got = place(py, code, "session");
        assert_eq!(got, unit(range, Class::Code, shape), "{code}");
    }
    let text = "g = lambda x, y: 'session'\n";
    let lambda_body = place(py, text, "session");
    assert_eq!(lambda_body, unit(18..25, Class::String, Shape::Text));
    // TypeScript templates may be types: the tree tells, except for a
    // call's arguments.
    assert_eq!(
        place(ts, "const q = `a ${b} session`;\n", "session"),
        Place::Tree
    );
    let argument = place(ts, "f(x, `a ${b} session`);\n", "session");
    assert_eq!(argument, unit(12..20, Class::String, Shape::Text));
    // An import's or export's source is a module path.
    for code in [
        "import x from './session';\n",
        "export * from './session'\n",
    ] {
        let at = code.find('\'').unwrap() + 1;
        let path = unit(at..at + 9, Class::Code, Shape::ModulePath);
        assert_eq!(place(ts, code, "session"), path, "{code}");
    }
}

#[test]
fn python_strings_the_tree_must_judge() {
    let py = Lang::Python;
    for text in [
        "def f(x: 'session' | None): pass\n",
        "def f() -> 'session' 'x': pass\n",
        "__all__ = ['session'] + x\n",
        "x: 'session' = 1\n",
        "x: Optional['session']\n",
        "__all__ = ('session',)\n",
        "__all__: Tuple[str, ...] = (\n    'session',\n)\n",
        "getattr(x, 'session')\n",
        "mock.patch('app.session.x')\n",
        "q = f'{session} x'\n",
        "d[f(x)]: 'session'\n",
        "q = 'SELECT session_id FROM sessions'\n",
        "type T = 'session'\n",
        "import app as session\n",
        "from app . session import x\n",
        // One name where code may read a member or parameter by name, and
        // a route whose parameters may be code.
        "p = LocalProxy(ctx, 'session')\n",
        "s = relationship('User', back_populates='session')\n",
        "@app.get('/sessions/{session_id}')\ndef f(session_id): pass\n",
    ] {
        assert_eq!(place(py, text, "session"), Place::Tree, "{text}");
    }
    // Read from `**kwargs` by the name of a parameter declared before.
    for text in [
        "def f(sess, session=None, **d):\n    y = d['session']\n",
        "def f(sess, session, **kwargs):\n    if 'session' in kwargs: pass\n",
        "def f(sess, session, **kw):\n    return kw.get('session')\n",
    ] {
        assert_eq!(place(py, text, "session'"), Place::Tree, "{text}");
    }
    // Once that function has ended, its parameters are no longer read so.
    for text in [
        "def f(session, **kw):\n    pass\ndef g(**kw):\n    kw['session'] = 1\n",
        "class A:\n    def f(self, session, **kw):\n        pass\n\n    def g(self, **kw):\n        # x\n        return kw.get('session')\n",
    ] {
        assert_ne!(place(py, text, "session'"), Place::Tree, "{text}");
    }
}

#[test]
fn js_strings_the_tree_must_judge() {
    let ts = Lang::TypeScript;
    for text in [
        "const a = require('./session');\n",
        "import x from './session\\x2e';\n",
        "type K = Trace['session'];\n",
        "type P = Pick<Trace, 'session'>;\n",
        "type P = Pick<Trace, 'a' | 'session'>;\n",
        "db.from('sessions').select('session_id');\n",
        "jest.mock('./session');\n",
        "const q = sql`select session`;\n",
        "const q = `a ${session} b`;\n",
        "const q = 'a\\nsession';\n",
        "const r = /session/;\n",
    ] {
        assert_eq!(place(ts, text, "session"), Place::Tree, "{text}");
    }
}

#[test]
fn files_the_scanner_cannot_follow() {
    assert!(lex(Lang::Tsx, "x", &[]).is_none());
    assert!(lex(Lang::JavaScript, "const a = <b>session</b>;", &[]).is_none());
    assert!(lex(Lang::Python, "x = 'session\n", &[]).is_none());
    assert!(lex(Lang::TypeScript, "const x = 'session\n", &[]).is_none());
}
