//! The matcher: the word table, priorities, compounds and case styles.

use super::*;
use proptest::prelude::*;

fn rules(text: &str) -> Rules {
    crate::config::load_str(text).unwrap()
}

fn session_rules() -> Rules {
    rules("[[rename]]\nfrom = \"session\"\nto = \"trace\"\n")
}

#[test]
fn every_row_of_the_word_table() {
    let r = session_rules();
    let m = Matcher::new(&r, |_| false);
    for (before, after) in [
        ("session", "trace"),
        ("Session", "Trace"),
        ("SESSION", "TRACE"),
        ("sessions", "traces"),
        ("Sessions", "Traces"),
        ("SESSIONS", "TRACES"),
        ("session_id", "trace_id"),
        ("sessionId", "traceId"),
        ("SessionID", "TraceID"),
        ("SESSION_ID", "TRACE_ID"),
        ("ISessionAndStats", "ITraceAndStats"),
        ("IExtendedSession", "IExtendedTrace"),
        ("get_sessions_by_user", "get_traces_by_user"),
        ("obsession", "obsession"),
        ("sessionmaker", "sessionmaker"),
    ] {
        assert_eq!(m.map(before, Class::Code).new, after, "{before}");
    }
    let compound = m.map("sessionmaker", Class::Code);
    assert_eq!(compound.reports[0].reason, Reason::Compound);
    assert_eq!(compound.would_be, "tracemaker");
}

#[test]
fn exact_wins_over_word() {
    let r = rules(
        "[[rename]]\nfrom = \"session\"\nto = \"trace\"\n\
         [[rename]]\nfrom = \"ISessionAndStats\"\nto = \"ITraceWithStats\"\nmatch = \"exact\"\n",
    );
    let m = Matcher::new(&r, |_| false);
    assert_eq!(
        m.map("ISessionAndStats", Class::Code).new,
        "ITraceWithStats"
    );
    assert_eq!(
        m.map("ISessionAndStatsList", Class::Code).new,
        "ITraceAndStatsList"
    );
}

/// Which rule decides `token` (one lowercase segment, or an exact name)
/// and what it would become, as the matcher decided before it had an
/// index: every rule that applies put into one map in priority order
/// (without `paths`, then with), the last one winning; for compounds, a
/// scan of the word rules from the highest priority down.
fn reference(
    rules: &Rules,
    active: impl Fn(&Rename) -> bool,
    token: &str,
) -> Option<(usize, String)> {
    let applies = |i: &usize| {
        let r = &rules.renames[*i];
        r.paths.is_none() || active(r)
    };
    let all = 0..rules.renames.len();
    let unscoped = all.clone().filter(|&i| rules.renames[i].paths.is_none());
    let scoped = all.filter(|&i| rules.renames[i].paths.is_some());
    let order: Vec<usize> = unscoped.chain(scoped).filter(applies).collect();
    let mut exact = HashMap::new();
    let mut words = HashMap::new();
    for &i in &order {
        let r = &rules.renames[i];
        match &r.form {
            Form::Exact => {
                exact.insert(r.from.clone(), i);
            }
            Form::Word { from_plural, .. } => {
                words.insert(r.from.clone(), (i, false));
                words.insert(from_plural.clone(), (i, true));
            }
        }
    }
    if let Some(&i) = exact.get(token) {
        return Some((i, rules.renames[i].to.clone()));
    }
    if let Some(&(i, plural)) = words.get(token) {
        let r = &rules.renames[i];
        return match (&r.form, plural) {
            (Form::Word { to_plural, .. }, true) => Some((i, to_plural.clone())),
            _ => Some((i, r.to.clone())),
        };
    }
    let r = order
        .iter()
        .rev()
        .map(|&i| (i, &rules.renames[i]))
        .find(|(_, r)| !r.is_exact() && token.contains(&r.from));
    r.map(|(i, r)| (i, case::replace_within(token, &r.from, &r.to)))
}

/// Rules from TOML text, with globs relative to `base`.
fn rules_at(text: &str, base: &Path) -> anyhow::Result<Rules> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("retrace.toml");
    std::fs::write(&path, text)?;
    crate::config::load(&[crate::config::Source::File {
        path,
        base: base.to_path_buf(),
    }])
}

/// A rule file: each rule's kind, `from` (letters a, b, c, s) and scope
/// (none, `one/**`, `two/**`, `*.py`: a file may be in two). `to` is
/// `from` with other letters, so that rules never chain, and any two
/// rules of one `from` agree.
fn rule_file(specs: &[(bool, String, usize)]) -> String {
    let mut out = String::new();
    for (exact, from, scope) in specs {
        let to: String = from
            .chars()
            .map(|c| match c {
                'a' => 'x',
                'b' => 'y',
                'c' => 'z',
                _ => 'w',
            })
            .collect();
        out.push_str(&format!("[[rename]]\nfrom = \"{from}\"\n"));
        match exact {
            true => out.push_str(&format!("to = \"{to}_e\"\nmatch = \"exact\"\n")),
            false => out.push_str(&format!("to = \"{to}\"\n")),
        }
        match scope {
            1 => out.push_str("paths = [\"one/**\"]\n"),
            2 => out.push_str("paths = [\"two/**\"]\n"),
            3 => out.push_str("paths = [\"*.py\"]\n"),
            _ => {}
        }
    }
    out
}

proptest! {
    #![proptest_config(crate::config::tests::seeded())]
    // The index decides as the one map and the scan did: a rule with
    // `paths` wins over one without, exact over word, the later rule
    // with `paths` over the earlier, and compounds alike.
    #[test]
    fn the_index_keeps_every_priority(
        specs in proptest::collection::vec((any::<bool>(), "[abcs]{1,3}", 0usize..4), 1..12),
        tokens in proptest::collection::vec("[abcs]{1,6}", 1..20),
        scope in prop_oneof![Just("one/**"), Just("two/**"), Just("")],
    ) {
        // Two rules of one scope may still map a plural and a word of
        // one spelling apart: such files are rule errors, not cases.
        let Ok(rules) = rules_at(&rule_file(&specs), Path::new("/project")) else {
            return Ok(());
        };
        let file = Path::new("/project").join(scope.trim_end_matches("**")).join("a.py");
        let active = |r: &Rename| r.applies_to(&file);
        let matchers = [Matcher::new(&rules, active), Matcher::for_file(&rules, &file)];
        let froms = rules.renames.iter().map(|r| r.from.clone());
        for token in tokens.into_iter().chain(froms) {
            let want = reference(&rules, active, &token);
            for matcher in &matchers {
                let out = matcher.map(&token, Class::Code);
                let got = out.rules.first().map(|&i| (i, out.would_be.clone()));
                prop_assert_eq!(&got, &want, "{} in {}", token, file.display());
            }
        }
    }
}

#[test]
fn strings_are_reported_by_default() {
    let r = session_rules();
    let out = Matcher::new(&r, |_| false).map("session", Class::String);
    assert_eq!(out.new, "session");
    assert_eq!(out.reports[0].reason, Reason::Policy(Class::String));
}

fn style_name(words: &[String], style: usize) -> String {
    let title = |w: &String| Style::Title.apply(w);
    match style {
        0 => words.join("_"),
        1 => words
            .iter()
            .map(|w| w.to_uppercase())
            .collect::<Vec<_>>()
            .join("_"),
        2 => words.join("-"),
        3 => words.iter().map(title).collect(),
        _ => {
            let mut s = words[0].clone();
            s.extend(words[1..].iter().map(title));
            s
        }
    }
}

proptest! {
    #![proptest_config(crate::config::tests::seeded())]
    // Names built from words in snake, SCREAMING, kebab, Pascal and camel case:
    // replacing `session` by `trace` gives the same style, and mapping back
    // (trace → session) restores the name.
    #[test]
    fn mapping_keeps_case_style(
        words in proptest::collection::vec(
            prop_oneof![Just("session".to_string()), Just("sessions".to_string()), "[a-z]{2,6}"],
            1..5),
        style in 0usize..5,
    ) {
        let words: Vec<String> = words
            .into_iter()
            .filter(|w| !w.contains("session") || w == "session" || w == "sessions")
            .filter(|w| !w.contains("trace"))
            .collect();
        prop_assume!(!words.is_empty());
        let expected: Vec<String> = words
            .iter()
            .map(|w| match w.as_str() { "session" => "trace".into(), "sessions" => "traces".into(), _ => w.clone() })
            .collect();
        let forward = session_rules();
        let back = rules("[[rename]]\nfrom = \"trace\"\nto = \"session\"\n");
        let name = style_name(&words, style);
        let renamed = Matcher::new(&forward, |_| false).map(&name, Class::Code).new;
        prop_assert_eq!(&renamed, &style_name(&expected, style));
        prop_assert_eq!(Matcher::new(&back, |_| false).map(&renamed, Class::Code).new, name);
    }

    // A word rule never renames inside a compound, whatever the case; the
    // compound is reported unless it is an English word that holds the rule's
    // word by chance (`obsession`, from the built-in `[keep] words`).
    #[test]
    fn compounds_are_never_renamed(prefix in "[a-z]{1,4}", suffix in "[a-z]{0,4}", upper in any::<bool>()) {
        let name = format!("{prefix}session{suffix}");
        let english = session_rules().english.contains(&name);
        let name = if upper { name.to_uppercase() } else { name };
        let r = session_rules();
        let out = Matcher::new(&r, |_| false).map(&name, Class::Code);
        prop_assert_eq!(&out.new, &name);
        let reasons: Vec<&Reason> = out.reports.iter().map(|r| &r.reason).collect();
        let expected: Vec<&Reason> = if english { vec![] } else { vec![&Reason::Compound] };
        prop_assert_eq!(reasons, expected);
    }
}
