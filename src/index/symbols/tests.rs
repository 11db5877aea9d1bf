use super::*;

fn read(text: &str) -> (tempfile::TempDir, Symbols) {
    let dir = tempfile::tempdir().unwrap();
    let abs = dir.path().join("m.py");
    std::fs::write(&abs, text).unwrap();
    let symbols = Symbols::new(&[(abs, "m.py".to_string())], &|_| true, 2);
    (dir, symbols)
}

#[test]
fn keywords_belong_to_the_callables_that_take_them() {
    let (_dir, s) = read(
        "def start(session_id, *args, tags=None, **kwargs): pass\n\
         class Client:\n    def __init__(self, session=None):\n        self.session = session\n\
         class Sub(Client):\n    pass\n",
    );
    assert_eq!(s.accepts("start", "session_id"), Accepts::Parameter);
    assert_eq!(s.accepts("start", "kwargs"), Accepts::No);
    assert_eq!(s.accepts("start", "other"), Accepts::No);
    assert_eq!(s.accepts("Client", "session"), Accepts::Parameter);
    assert_eq!(s.accepts("Sub", "session"), Accepts::Parameter);
    assert_eq!(s.accepts("dict", "session"), Accepts::No);
    assert!(s.defines("session") && s.defines("Client") && s.defines("start"));
    assert!(s.wire("session").is_none());
}

#[test]
fn names_imported_from_absolute_modules_are_known() {
    let (_dir, s) = read(
        "from requests import (Session as OriginalSession, get)\n\
         from pkg.session import OriginalSession\n\
         from .local import Session\n\
         from x.y import Client\n\
         class Client: pass\n",
    );
    assert_eq!(
        s.imported_from("OriginalSession"),
        ["requests", "pkg.session"]
    );
    assert_eq!(s.imported_from("get"), ["requests"]);
    assert!(s.imported_from("Session").is_empty(), "relative");
    assert!(s.imported_from("Client").is_empty(), "defined here too");
}

#[test]
fn serialized_classes_have_wire_attributes() {
    let (_dir, s) = read(
        "class Event(BaseModel):\n    session_id: str\n\
         class Session:\n    def __init__(self, session_id):\n        self.session_id = session_id\n    def payload(self):\n        return {\"session\": self.__dict__}\n\
         class Plain:\n    def __init__(self):\n        self.trace_id = 1\n",
    );
    assert_eq!(
        s.accepts("Event", "session_id"),
        Accepts::Wire("class Event (m.py:1)".to_string())
    );
    assert_eq!(
        s.wire("session_id"),
        Some("class Event (m.py:1), class Session (m.py:3)")
    );
    assert!(s.wire("trace_id").is_none());
}

#[test]
fn files_without_a_rule_word_add_the_classes_they_serialize() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        (
            "base.py",
            "class Base:\n    def to_json(self):\n        return self.__dict__\n\
             def record(event: Logged):\n    return vars(event)\n",
        ),
        (
            "events.py",
            "class Event(Base):\n    session_id: str = ''\n\
             class Logged:\n    def __init__(self, session_id):\n        self.session_id = session_id\n",
        ),
    ];
    let files: Vec<(PathBuf, String)> = files
        .iter()
        .map(|(name, text)| {
            let abs = dir.path().join(name);
            std::fs::write(&abs, text).unwrap();
            (abs, name.to_string())
        })
        .collect();
    let worded = |name: &str| name.to_lowercase().contains("session");
    let s = Symbols::new(&files, &worded, 2);
    assert_eq!(
        s.accepts("Event", "session_id"),
        Accepts::Wire("class Event (events.py:1)".to_string()),
        "a base in a file without the word serializes it"
    );
    assert_eq!(
        s.wire("session_id"),
        Some("class Event (events.py:1), class Logged (events.py:3)"),
        "a function in a file without the word serializes a value annotated with it"
    );
    assert!(
        !s.defines("Base") && !s.defines("to_json"),
        "no word, nothing asked about"
    );
}
