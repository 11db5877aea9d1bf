use std::sync::Arc;

use super::*;

fn occurrence(old: &str, class: Class, reason: Option<Reason>) -> Occurrence {
    Occurrence {
        line: 1,
        column: 1,
        class,
        old: Arc::from(old),
        new: Arc::from("x"),
        rule: Arc::from("session→trace"),
        reason,
        in_sql_string: false,
        follows: None,
    }
}

fn file(path: &str, lang: Lang) -> File {
    File {
        path: path.to_string(),
        abs: PathBuf::from("/r").join(path),
        lang,
        occurrences: Vec::new(),
        imports: HashMap::new(),
        chains: HashMap::new(),
        defines: Vec::new(),
    }
}

#[test]
fn each_occurrence_gets_the_sense_its_reason_and_class_say() {
    let rules = crate::config::load_str("[keep]\nnames = [\"orm_*\"]\n").unwrap();
    let definers = Definers::default();
    let py = file("app/db.py", Lang::Python);
    let ts = file("web/a.ts", Lang::TypeScript);
    let sense = |f: &File, o: Occurrence| {
        let (kind, label, _) = sense_of(&rules, &definers, f, &o);
        (kind, label)
    };
    let holds = Reason::Holds("sqlalchemy.orm.Session".into());
    let cases = [
        (
            &py,
            occurrence("orm_session", Class::Code, Some(holds)),
            SenseKind::ThirdParty,
            "sqlalchemy.orm.Session",
        ),
        (
            &py,
            occurrence(
                "Session",
                Class::Code,
                Some(Reason::ThirdParty("sqlalchemy.orm".into())),
            ),
            SenseKind::ThirdParty,
            "sqlalchemy.orm.Session",
        ),
        (
            &ts,
            occurrence(
                "Session",
                Class::Code,
                Some(Reason::ThirdParty("@supabase/supabase-js".into())),
            ),
            SenseKind::ThirdParty,
            "@supabase/supabase-js Session",
        ),
        (
            &ts,
            occurrence(
                "sessionStorage",
                Class::Code,
                Some(Reason::KeepName("sessionStorage".into())),
            ),
            SenseKind::Platform,
            "sessionStorage",
        ),
        (
            &py,
            occurrence(
                "orm_session",
                Class::Code,
                Some(Reason::KeepName("orm_*".into())),
            ),
            SenseKind::KeepNames,
            "[keep] names \"orm_*\"",
        ),
        (
            &py,
            occurrence("session", Class::Comment, Some(Reason::KeepComment)),
            SenseKind::KeepComment,
            "retrace: keep comments",
        ),
        (
            &py,
            occurrence("session", Class::Comment, None),
            SenseKind::Comments,
            "comments",
        ),
        (
            &py,
            occurrence(
                "session",
                Class::String,
                Some(Reason::Policy(Class::String)),
            ),
            SenseKind::Strings,
            "strings",
        ),
        (
            &py,
            occurrence("session_id", Class::Code, None),
            SenseKind::Names,
            "first-party names",
        ),
        (
            &py,
            occurrence("session_id", Class::Code, Some(Reason::Compound)),
            SenseKind::Names,
            "first-party names",
        ),
    ];
    for (f, o, kind, label) in cases {
        let old = o.old.clone();
        assert_eq!(sense(f, o), (kind, label.to_string()), "{old}");
    }
    // An alias is known by its name in its module; a chain from the
    // module's root says where in it the name is.
    let mut aliased = file("app/client.py", Lang::Python);
    let theirs = |module: &str| Some(Reason::ThirdParty(module.into()));
    aliased.imports.insert(
        "DbSession".into(),
        ("Session".into(), "sqlalchemy.orm".into()),
    );
    aliased.chains.insert((1, 1), "stripe.checkout.".into());
    let db = occurrence("DbSession", Class::Code, theirs("sqlalchemy.orm"));
    assert_eq!(sense(&aliased, db).1, "sqlalchemy.orm.Session");
    let checkout = occurrence("Session", Class::Code, theirs("stripe"));
    assert_eq!(sense(&aliased, checkout).1, "stripe.checkout.Session");
    let moved = Occurrence {
        follows: Some(PathBuf::from("app/session.py")),
        ..occurrence("session", Class::Code, None)
    };
    assert_eq!(
        sense(&py, moved),
        (SenseKind::Module, "app/session.py".into())
    );
}

#[test]
fn a_name_goes_to_the_definition_its_file_makes_or_imports() {
    let base = PathBuf::from("/r");
    let rules = crate::config::load(&[crate::config::Source::Bundled { base }]).unwrap();
    let mut definers = Definers::default();
    let defined = |name: &str| crate::model::Defined {
        name: Arc::from(name),
        kind: "class",
        line: 1,
    };
    let root = Path::new("/r");
    for path in ["app/session.py", "app/auth/models.py"] {
        let abs = root.join(path);
        let d = Definer::new(
            &defined("Session"),
            Path::new(path),
            &abs,
            Lang::Python,
            root,
        );
        definers.add(d);
    }
    let session = |f: &File| {
        sense_of(
            &rules,
            &definers,
            f,
            &occurrence("Session", Class::Code, None),
        )
        .1
    };
    let mut models = file("app/auth/models.py", Lang::Python);
    models.defines.push("Session".into());
    assert_eq!(session(&models), "app.auth.models.Session");
    let mut views = file("app/auth/views.py", Lang::Python);
    views
        .imports
        .insert("Session".into(), ("Session".into(), ".models".into()));
    assert_eq!(session(&views), "app.auth.models.Session");
    let mut api = file("app/api.py", Lang::Python);
    api.imports
        .insert("Session".into(), ("Session".into(), "app.session".into()));
    assert_eq!(session(&api), "app.session.Session");
    let mut both = file("app/x.py", Lang::Python);
    both.imports
        .insert("Session".into(), ("Session".into(), "app".into()));
    assert_eq!(
        session(&both),
        "Session, one of app.auth.models.Session or app.session.Session"
    );
    assert_eq!(
        session(&file("app/y.py", Lang::Python)),
        "first-party names"
    );
    assert_eq!(
        session(&file("web/y.ts", Lang::TypeScript)),
        "first-party names"
    );
    let undecided = undecided(&rules, &definers);
    assert_eq!(undecided.len(), 1);
    assert_eq!(undecided[0].name, "Session");
}
