//! `explain` and `rules`: the rules described for people.

use std::fmt::Write;

use std::path::Path;

use crate::config::matcher::{Matcher, Outcome};
use crate::config::{Form, PathGlobs, Policy, Rules};
use crate::index::moves;
use crate::model::Class;
use crate::model::Lang;

/// How the rules treat each name, in each class, and why.
pub fn names(rules: &Rules, names: &[String]) -> String {
    let mut out = String::new();
    for name in names {
        let everywhere = Matcher::new(rules, |_| false);
        let _ = writeln!(out, "{name}");
        if name.contains('/') || Lang::from_path(Path::new(name)).is_some() {
            let moved: Vec<String> = name
                .split('/')
                .map(|part| {
                    moves::rename_component(&everywhere, part).unwrap_or_else(|| part.to_string())
                })
                .collect();
            let moved = moved.join("/");
            match moved == *name {
                true => {
                    let _ = writeln!(out, "  as a path: stays");
                }
                false => {
                    let _ = writeln!(out, "  as a path: moves to {moved} (imports of it follow)");
                }
            }
            continue;
        }
        if let Some(pattern) = rules.kept(name) {
            let _ = writeln!(
                out,
                "  kept: matches [keep] names `{pattern}`; never renamed or reported"
            );
            continue;
        }
        if let Some((module, member)) = dotted(name) {
            let _ = writeln!(
                out,
                "{}",
                through_module(rules, &everywhere, module, member)
            );
        }
        if rules.english.contains(&name.to_lowercase()) {
            let _ = writeln!(
                out,
                "  kept: an English word that holds a rule's word by chance ([keep] words); neither renamed nor reported"
            );
            continue;
        }
        describe(&mut out, rules, &everywhere, name, "");
        if everywhere.map(name, Class::Code).changed() {
            let _ = writeln!(
                out,
                "  as code, kept where a third-party import binds it or it is reached through one \
                 (third-party: MODULE), and reported where the new name is already bound (collision); \
                 `retrace check -v` lists both"
            );
            let key = everywhere.map(name, Class::String);
            let key = match (key.changed(), key.reports.is_empty()) {
                (true, _) => "renamed with it (strings: rename)",
                (false, false) => "kept and reported as linked",
                (false, true) => "kept",
            };
            let _ = writeln!(
                out,
                "  as a key, {key}: where the other end reads it by name (a keyword of a call that is \
                 not the project's function with that parameter, an object key passed to a \
                 third-party callee or the platform, an attribute of a serialized class, a \
                 variable handed to templates); `retrace check -v` names each link's other end"
            );
            let _ = writeln!(
                out,
                "  {}",
                alias(rules, name, &everywhere.map(name, Class::Code).new)
            );
        }
        for (i, rule) in rules.renames.iter().enumerate() {
            let Some(paths) = &rule.paths else { continue };
            let scoped = Matcher::new(rules, |r| std::ptr::eq(r, &rules.renames[i]));
            if scoped.map(name, Class::Code) != everywhere.map(name, Class::Code)
                || scoped.map(name, Class::String) != everywhere.map(name, Class::String)
            {
                let scope = format!(" in {}", paths.patterns().join(", "));
                describe(&mut out, rules, &scoped, name, &scope);
            }
        }
    }
    out
}

/// `requests.Session`: the module a dotted name reaches through, and the
/// member; None for a plain name.
fn dotted(name: &str) -> Option<(&str, &str)> {
    let (module, member) = name.rsplit_once('.')?;
    let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_');
    (module.split('.').all(word) && word(member)).then_some((module, member))
}

/// How `module.member` is decided: by whose module it is.
fn through_module(rules: &Rules, m: &Matcher, module: &str, member: &str) -> String {
    if let Some(pattern) = rules.kept(member) {
        return format!(
            "  kept: `{member}` matches [keep] names `{pattern}`, whatever module it comes from"
        );
    }
    let new = m.map(member, Class::Code).new;
    if new == member {
        return format!("  `{member}` is not renamed, whatever module it comes from");
    }
    format!(
        "  kept (third-party: {module}) where `{module}` is a third-party import (installed, or no module of the project); \
         renamed to {module}.{new} only where `{module}` is the project's own module"
    )
}

/// Whether a renamed `name` keeps its old name as a deprecated alias.
fn alias(rules: &Rules, name: &str, new: &str) -> String {
    use crate::config::Aliases;
    if name.starts_with('_') {
        return "no alias: a name with a leading underscore is not public".to_string();
    }
    match rules.aliases {
        Aliases::Never => "no alias ([compat] aliases = never)".to_string(),
        Aliases::Always => format!(
            "alias: where a public module defines or exports it, `{name}` stays as a deprecated alias of `{new}` ([compat] aliases = always)"
        ),
        Aliases::Auto => format!(
            "alias: in a published package, where a public module defines or exports it, `{name}` stays as a deprecated alias of `{new}` until `retrace apply --drop-compat` ([compat] aliases = auto); tests, examples and applications get none"
        ),
    }
}

fn describe(out: &mut String, rules: &Rules, m: &Matcher, name: &str, scope: &str) {
    let results: Vec<(Class, Outcome)> = [Class::Code, Class::Comment, Class::String]
        .into_iter()
        .map(|c| (c, m.map(name, c)))
        .collect();
    if results.iter().all(|(_, o)| o.rules.is_empty()) {
        let _ = writeln!(out, "  unchanged{scope}: no rule matches");
        return;
    }
    for (class, o) in &results {
        let _ = write!(out, "  as {}{scope}: ", class.name());
        if o.changed() {
            let _ = write!(out, "→ {} (renamed", o.new);
            for &i in &o.renamed {
                let r = &rules.renames[i];
                let _ = write!(out, "; rule {} at {}", r.label(), r.origin);
            }
            let _ = write!(out, ")");
        } else if o.reports.is_empty() {
            let _ = write!(out, "unchanged (policy: keep)");
        } else {
            let _ = write!(out, "unchanged");
        }
        for rep in &o.reports {
            let r = &rules.renames[rep.rule];
            let _ = write!(
                out,
                "; reported ({}): would be {}; rule {} at {}",
                rep.reason,
                o.would_be,
                r.label(),
                r.origin
            );
        }
        let _ = writeln!(out);
    }
}

/// `explain --format json`: one object a name, each class's outcome (the
/// new name, whether it is renamed, reported or unchanged, and the rules),
/// and the human explanation's lines as `notes`.
pub fn names_json(rules: &Rules, names: &[String]) -> String {
    let everywhere = Matcher::new(rules, |_| false);
    let mut out = String::new();
    for name in names {
        let classes: serde_json::Map<String, serde_json::Value> =
            [Class::Code, Class::Comment, Class::String]
                .into_iter()
                .map(|class| {
                    let o = everywhere.map(name, class);
                    let outcome = match (o.kept.is_some(), o.changed(), o.reports.is_empty()) {
                        (true, _, _) => "kept",
                        (_, true, _) => "renamed",
                        (_, false, false) => "reported",
                        (_, false, true) => "unchanged",
                    };
                    let rules: Vec<String> =
                        o.rules.iter().map(|&i| rules.renames[i].label()).collect();
                    let value = serde_json::json!({
                        "outcome": outcome, "new": o.new, "would_be": o.would_be, "rules": rules,
                    });
                    (class.name().to_string(), value)
                })
                .collect();
        let human = self::names(rules, std::slice::from_ref(name));
        let notes: Vec<&str> = human.lines().skip(1).map(str::trim).collect();
        let value = serde_json::json!({
            "version": super::formats::JSON_VERSION, "type": "explain", "name": name,
            "classes": classes, "notes": notes,
        });
        let _ = writeln!(out, "{value}");
    }
    out
}

fn policy_text(p: &Policy) -> String {
    format!(
        "code {}, comments {}, strings {}, compounds {}",
        p.code, p.comments, p.strings, p.compounds
    )
}

/// The active rules and where each came from.
pub fn rules(rules: &Rules) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "sources: {}", rules.sources.join(", "));
    for r in &rules.renames {
        let form = match &r.form {
            Form::Word {
                from_plural,
                to_plural,
            } => format!("word; plural {from_plural} → {to_plural}"),
            Form::Exact => "exact".to_string(),
        };
        let _ = writeln!(out, "rename {} → {} ({form})  {}", r.from, r.to, r.origin);
        if r.policy != rules.policy {
            let _ = writeln!(out, "  policy: {}", policy_text(&r.policy));
        }
        if let Some(p) = &r.paths {
            let _ = writeln!(out, "  paths: {}", p.patterns().join(", "));
        }
    }
    let _ = writeln!(out, "policy: {}", policy_text(&rules.policy));
    let lists = [
        ("exclude", patterns(&rules.exclude)),
        ("history", patterns(&rules.history)),
        ("keep names", rules.keep_names.clone()),
        ("keep modules", rules.keep_modules.clone()),
        ("first party", rules.first_party.clone()),
    ];
    for (label, items) in lists {
        if !items.is_empty() {
            let _ = writeln!(out, "{label}: {}", items.join(", "));
        }
    }
    if !rules.history_default {
        let _ = writeln!(
            out,
            "history_default: false (only the history globs are history)"
        );
    }
    out
}

/// Every pattern of these lists of globs, in order.
fn patterns(lists: &[PathGlobs]) -> Vec<String> {
    lists.iter().flat_map(|g| g.patterns().to_vec()).collect()
}
