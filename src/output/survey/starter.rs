//! `survey --write FILE`: a starter rule file. It holds the active rules,
//! then, for each rule, every sense the survey found as a comment, and an
//! active block for each first-party sense the rules are taken not to
//! mean: used as is, it keeps exactly those senses; deleting a block
//! renames that sense.
//!
//! Which sense a rule means is a question only where two first-party
//! modules define one name (a product `Session` and an auth `Session`):
//! the definition with the most occurrences is taken to be meant, and each
//! other one is kept by a rule for that one name limited to the files
//! where it means this sense, whose policies keep it: names alone cannot
//! tell the two apart. Every other first-party sense is the project's and
//! renamed, as the rules do now; its names are listed under `[keep] names`
//! commented out, so that keeping one is uncommenting a line.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::{Component, Path};

use super::{Name, RuleSurvey, Sense, SenseKind, Survey};
use crate::config::emit;
use crate::config::matcher::Matcher;
use crate::config::{Action, Rules};
use crate::model::Class;
use crate::paths;

/// Where the starter goes and how its paths are written.
pub struct Place<'p> {
    /// The directory of the file written: its globs are relative to it.
    pub dir: &'p Path,
    /// The current directory: files are shown relative to it.
    pub cwd: &'p Path,
    /// What was surveyed, for the header (`.`, `app/`).
    pub surveyed: String,
}

const HEADER: &str = "\
# Every sense of each rule's word that the survey found is listed below,
# with its count, what the rules do to it now, its main files and one line:
#   renamed       the project's own: renamed as the rules say. Its names
#                 are listed, commented out, in `[keep] names` at the end:
#                 uncomment one to keep it;
#   keep          where two first-party modules define one name, each
#                 definition but the most used one: the active block after
#                 it keeps it. Delete the block to rename it;
#   kept already  a third party's name or type, a platform global, a
#                 `retrace: keep` comment: kept whatever this file says;
#   policy        words in comments and strings, which the [policy] keys
#                 (`comments`, `strings`) decide;
#   moves         imports of a module that moves with its file's name:
#                 a `[keep] names` entry for that name keeps it in place.
# A sense whose names are its own is kept by `[keep] names` entries (at
# the end), which keep those names everywhere. A name that another sense
# spells too (two modules define `Session`; `session` is also a word of
# comments) cannot be kept by name alone: a [[rename]] rule for that one
# name, limited to the files where it has this sense (`paths`, before and
# after their moves), keeps it there as code (`code = \"keep\"`).
# Paths are relative to this file's directory: use it there as
# retrace.toml, or with --rules from there. (Until the moves it names
# are made, `check` reports the moved paths this file spells as text.)
";

/// The starter's text.
pub fn write(rules: &Rules, survey: &Survey, place: &Place) -> String {
    let mut out = format!(
        "# retrace.toml: a starter written by `retrace survey --write` over {}\n# with the rules of {}.\n#\n{HEADER}\n",
        place.surveyed,
        rules.sources[1..].join(", ")
    );
    for rule in &rules.renames {
        out += &emit::rename(rule, place.dir);
        out.push('\n');
    }
    out += &emit::settings(rules, place.dir);
    let unmeant = unmeant(&survey.rules);
    let spelled = spelled(&survey.rules);
    let moving = moving_names(&survey.moves);
    let mut written: HashSet<(SenseKind, &str)> = HashSet::new();
    let mut keep_blocks = String::new();
    let mut kept_names: HashSet<&str> = HashSet::new();
    for rule in &survey.rules {
        out += &section(rule, &unmeant);
        for sense in &rule.senses {
            let key = (sense.kind, sense.label.as_str());
            if !sense.kind.first_party() || !written.insert(key) {
                continue;
            }
            if !unmeant.contains(&key) {
                keep_blocks += &offered(sense, &spelled, &mut kept_names);
                continue;
            }
            let (mut names, mut exact, mut notes) = (Vec::new(), String::new(), String::new());
            for n in &sense.names {
                let shared = spelled.get(n.name.as_str()).is_some_and(|s| s.len() > 1);
                match (shared, moving.get(n.name.as_str())) {
                    (false, _) => names.push(n.name.as_str()),
                    // Kept in some files only, the imports of the module
                    // there would stay as it moves; kept by name, the other
                    // senses would stay too. Yours to choose.
                    (true, Some(file)) => {
                        let _ = writeln!(
                            notes,
                            "    # `{}` also names the module {file}, which moves, and another sense\n    # spells it: kept by name it stays everywhere (the file too, and in\n    # comments and strings); uncomment to keep it so.\n    # {},",
                            n.name,
                            emit::quoted(&n.name)
                        );
                    }
                    (true, None) => exact += &exact_rule(n, rules, &survey.moves, place),
                }
            }
            if !exact.is_empty() {
                let _ = write!(out, "# keep: {}\n{exact}\n", describe(sense));
            }
            names.retain(|n| kept_names.insert(n));
            if !names.is_empty() || !notes.is_empty() {
                let _ = writeln!(keep_blocks, "    # keep: {}", describe(sense));
                keep_blocks += &notes;
                for name in names {
                    let _ = writeln!(keep_blocks, "    {},", emit::quoted(name));
                }
            }
        }
    }
    out += "[keep]\n";
    out += &emit::keep_lists(rules);
    out += "names = [\n";
    out += &own_keep_names(rules, survey);
    out += &keep_blocks;
    out += "]\n";
    out
}

/// Every name of a first-party or text sense, with the senses that spell
/// it: a `[keep] names` entry for a name two senses spell would keep both.
fn spelled(rules: &[RuleSurvey]) -> BTreeMap<&str, BTreeSet<(SenseKind, &str)>> {
    let mut spelled: BTreeMap<&str, BTreeSet<(SenseKind, &str)>> = BTreeMap::new();
    for sense in rules.iter().flat_map(|r| &r.senses) {
        let text = matches!(sense.kind, SenseKind::Strings | SenseKind::Comments);
        if sense.kind.first_party() || text {
            for n in &sense.names {
                let key = (sense.kind, sense.label.as_str());
                spelled.entry(&n.name).or_default().insert(key);
            }
        }
    }
    spelled
}

/// The names of modules that move (`session` of `app/session.py`, and
/// of `app/session/`), each with the path that moves.
fn moving_names(moves: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (old, new) in moves {
        let (old_parts, new_parts) = (Path::new(old).components(), Path::new(new).components());
        for (a, b) in old_parts.zip(new_parts).filter(|(a, b)| a != b) {
            let name = Path::new(a.as_os_str())
                .file_stem()
                .map(|s| s.to_string_lossy());
            if let (Some(name), Component::Normal(_)) = (name, b) {
                out.entry(name.into_owned()).or_insert_with(|| old.clone());
            }
        }
    }
    out
}

/// The first-party senses the rules are taken not to mean: of the
/// definitions that share a name, each but the most used one (senses come
/// most first).
fn unmeant(rules: &[RuleSurvey]) -> HashSet<(SenseKind, &str)> {
    let mut defined: HashSet<&str> = HashSet::new();
    let mut out = HashSet::new();
    for sense in rules.iter().flat_map(|r| &r.senses) {
        let Some((name, ..)) = sense.definition.as_ref().filter(|_| sense.shared_name) else {
            continue;
        };
        if !defined.insert(name) {
            out.insert((sense.kind, sense.label.as_str()));
        }
    }
    out
}

/// A renamed first-party sense's own names as `[keep] names` entries,
/// commented out (a name another sense spells too is left out: kept by
/// name, it would keep both).
fn offered<'s>(
    sense: &'s Sense,
    spelled: &BTreeMap<&str, BTreeSet<(SenseKind, &str)>>,
    listed: &mut HashSet<&'s str>,
) -> String {
    let names: Vec<&str> = sense
        .names
        .iter()
        .map(|n| n.name.as_str())
        .filter(|n| spelled.get(n).is_none_or(|s| s.len() == 1) && listed.insert(n))
        .collect();
    if names.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "    # renamed: {}; uncomment to keep
",
        describe(sense)
    );
    for name in names {
        let _ = writeln!(out, "    # {},", emit::quoted(name));
    }
    out
}

/// A rule's senses, one comment each.
fn section(rule: &RuleSurvey, unmeant: &HashSet<(SenseKind, &str)>) -> String {
    let label = rule.label.replace('→', " → ");
    let mut out = format!(
        "# --- {label}: {} occurrences, {} senses ---\n",
        rule.count(),
        rule.senses.len()
    );
    for sense in &rule.senses {
        let status = match sense.kind {
            k if k.kept_already() => "kept already",
            SenseKind::KeepNames => "kept by [keep] names (below)",
            SenseKind::Strings | SenseKind::Comments => "policy",
            SenseKind::Module => "moves",
            k if unmeant.contains(&(k, sense.label.as_str())) => "keep",
            _ => "renamed",
        };
        let _ = writeln!(out, "# {status}: {}", describe(sense));
        if let Some((path, line, text)) = &sense.example {
            let _ = writeln!(out, "#   e.g. {path}:{line}: {}", clean(text));
        }
    }
    for a in &rule.ambiguous {
        let _ = writeln!(
            out,
            "# note: {}: the rule renames all of them unless a block below keeps one;\n#   which one it means is yours to say.",
            a.defined()
        );
    }
    out.push('\n');
    out
}

/// `first-party class app.session.Session (app/session.py:3): 20
/// (renamed), in app/api.py 9, app/session.py 6, app/worker.py 5`.
fn describe(sense: &Sense) -> String {
    let top: Vec<String> = sense
        .files
        .iter()
        .take(3)
        .map(|(f, n)| format!("{f} {n}"))
        .collect();
    let more = match sense.files.len().saturating_sub(3) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    clean(&format!(
        "{}: {} ({}), in {}{more}",
        sense.title(),
        sense.count,
        sense.outcome(),
        top.join(", ")
    ))
}

/// A rule that keeps the name `n` in its files alone (at their paths
/// before and after their moves).
fn exact_rule(n: &Name, rules: &Rules, moves: &BTreeMap<String, String>, place: &Place) -> String {
    let mut globs = Vec::new();
    let mut outside = Vec::new();
    let moved = n.files.iter().filter_map(|f| moves.get(f));
    for file in n.files.iter().chain(moved) {
        let abs = paths::absolute(place.cwd, Path::new(file));
        let rel = paths::relative(&abs, place.dir);
        match rel.components().any(|c| !matches!(c, Component::Normal(_))) {
            true => outside.push(file.as_str()),
            false => globs.push(emit::quoted(&emit::literal_glob(&rel.to_string_lossy()))),
        }
    }
    let mut out = String::new();
    if !outside.is_empty() {
        let _ = writeln!(
            out,
            "# not below this file's directory, so not kept here: {}",
            outside.join(", ")
        );
    }
    if globs.is_empty() {
        return out;
    }
    let _ = write!(
        out,
        "[[rename]]\nfrom = {}\nto = {}\nmatch = \"exact\"\npaths = [{}]\ncode = \"keep\"\n",
        emit::quoted(&n.name),
        emit::quoted(&n.new),
        globs.join(", ")
    );
    // In comments and strings the name stays as the rules treat it now
    // (a compound is reported, not renamed): said where the policies
    // this rule inherits would not.
    let first = n
        .files
        .first()
        .map(|f| paths::absolute(place.cwd, Path::new(f)));
    let matcher = Matcher::for_file(rules, first.as_deref().unwrap_or(place.dir));
    for (key, class, inherited) in [
        ("comments", Class::Comment, rules.policy.comments),
        ("strings", Class::String, rules.policy.strings),
    ] {
        let now = matcher.map(&n.name, class);
        let action = match (now.changed(), now.reports.is_empty()) {
            (true, _) => Action::Rename,
            (false, false) => Action::Report,
            (false, true) => Action::Keep,
        };
        if action != inherited {
            let _ = writeln!(out, "{key} = \"{action}\"");
        }
    }
    out
}

/// The rules' own `[keep] names`, carried over, each with what it kept.
fn own_keep_names(rules: &Rules, survey: &Survey) -> String {
    let mut out = String::new();
    for pattern in rules.own_keep_names() {
        let label = format!("[keep] names {}", emit::quoted(pattern));
        let sense = survey
            .rules
            .iter()
            .flat_map(|r| &r.senses)
            .find(|s| s.kind == SenseKind::KeepNames && s.label == label);
        match sense {
            Some(sense) => {
                let _ = writeln!(out, "    # kept by your rules: {}", describe(sense));
            }
            None => out += "    # kept by your rules; kept nothing the survey found\n",
        }
        let _ = writeln!(out, "    {},", emit::quoted(pattern));
    }
    out
}

/// Text fit for one comment line: no control characters.
fn clean(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
