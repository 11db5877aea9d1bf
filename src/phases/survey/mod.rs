//! `survey`: the pass `check` makes, with every occurrence kept (renamed,
//! reported and kept ones alike) and given a sense: the definition it
//! resolves to. A kept occurrence's reason says whose it is (a third
//! party's, the platform's, the keep lists'); strings and comments are
//! text; other code is the project's: the top-level definition of its
//! name that the file makes or imports it from (the module it names,
//! where several define it), or, for locals, attributes and parameters,
//! the word's "first-party names".

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::Result;

use super::{size, Pass};
use crate::config::matcher::Matcher;
use crate::config::Rules;
use crate::index::definers::{self, Definer, Definers, Resolved};
use crate::index::frozen::Frozen;
use crate::index::moves::Moves;
use crate::model::{Class, Lang, Mode, Occurrence, Outcome, Reason};
use crate::output::survey::{Ambiguous, Name, RuleSurvey, Sense, SenseKind, Survey};
use crate::parallel;
use crate::rewrite::Context;
use crate::walk::Entry;

/// What became of an occurrence.
#[derive(Clone, Copy)]
enum Status {
    Renamed,
    Reported,
    Kept,
}

/// One file's occurrences and what survey needs besides.
struct File {
    path: String,
    abs: PathBuf,
    lang: Lang,
    occurrences: Vec<(Occurrence, Status)>,
    /// The names it imports by name (as bound), with the name each is
    /// in the module it names, and that module.
    imports: HashMap<String, (String, String)>,
    /// Python: the dotted chain before each third-party name it keeps
    /// (`stripe.checkout.` before `Session`), by line and column.
    chains: HashMap<(usize, usize), String>,
    /// The names it defines at its top level.
    defines: Vec<String>,
}

/// A sense while occurrences are counted.
#[derive(Default)]
struct Tally {
    sense: Sense,
    files: BTreeMap<String, usize>,
    names: BTreeMap<String, Name>,
    /// Where each name first occurs: the file's index and the line.
    first: HashMap<String, (usize, usize)>,
}

impl Pass<'_> {
    /// Survey the files under the PATHs: every occurrence of each rule's
    /// word, by sense.
    pub fn survey(&self, shown: &[&Entry], moves: &Moves, frozen: &Frozen) -> Result<Survey> {
        let context =
            Context::new(self.rules, self.project, moves, Mode::Check).with_frozen(frozen);
        let mut survey = Survey::default();
        let mut files: Vec<File> = Vec::new();
        let mut definers = Definers::default();
        for d in &frozen.defined {
            definers.add(d.clone());
        }
        let work = |e: &&Entry| {
            let outcome = context.process(e);
            let read = match (&outcome, e.lang) {
                (Outcome::Scanned(s), Some(lang)) if !s.is_empty() => {
                    let text = std::fs::read_to_string(&e.abs).unwrap_or_default();
                    let worded = |n: &str| self.rules.prefilter().is_match(n.as_bytes());
                    let chains = match lang {
                        Lang::Python => chains(&text, &s.kept),
                        _ => HashMap::new(),
                    };
                    (definers::imports(lang, &text, &worded), chains)
                }
                _ => Default::default(),
            };
            (outcome, read)
        };
        parallel::ordered(
            shown,
            self.threads,
            size,
            work,
            |e, (outcome, (imports, chains))| {
                match outcome {
                    Outcome::Scanned(s) => {
                        survey.scanned += 1;
                        let (Some(lang), false) = (e.lang, s.is_empty()) else {
                            return Ok(());
                        };
                        survey.with_occurrences += 1;
                        if let Some(new) = moves.to.get(&e.path) {
                            let shown = e.path.display().to_string();
                            survey.moves.insert(shown, new.display().to_string());
                        }
                        for d in &s.defines {
                            definers.add(Definer::new(d, &e.path, &e.abs, lang, self.root));
                        }
                        let mut occurrences = Vec::new();
                        let statuses = [
                            (s.changes, Status::Renamed),
                            (s.findings, Status::Reported),
                            (s.kept, Status::Kept),
                        ];
                        for (list, status) in statuses {
                            occurrences.extend(list.into_iter().map(|o| (o, status)));
                        }
                        occurrences.sort_by_key(|(o, _)| (o.line, o.column));
                        files.push(File {
                            path: e.path.display().to_string(),
                            abs: e.abs.clone(),
                            lang,
                            occurrences,
                            // The first import of a name is the one that binds it.
                            imports: imports
                                .into_iter()
                                .rev()
                                .map(|i| (i.bound, (i.original, i.module)))
                                .collect(),
                            chains,
                            defines: s.defines.iter().map(|d| d.name.to_string()).collect(),
                        });
                    }
                    Outcome::Skipped(_) => survey.skipped += 1,
                    Outcome::Failed(message) => {
                        eprintln!("retrace: {message}");
                        survey.errors += 1;
                    }
                    Outcome::Other => {}
                }
                Ok(())
            },
        )?;
        survey.rules = senses(self.rules, &definers, &files);
        Ok(survey)
    }
}

/// Every occurrence of `files` counted under each rule and sense.
fn senses(rules: &Rules, definers: &Definers, files: &[File]) -> Vec<RuleSurvey> {
    let labels: Vec<String> = rules.renames.iter().map(|r| r.label()).collect();
    let mut tallies: BTreeMap<(String, SenseKind, String), Tally> = BTreeMap::new();
    for (i, file) in files.iter().enumerate() {
        for (o, status) in &file.occurrences {
            let (kind, label, definer) = sense_of(rules, definers, file, o);
            for rule in o.rule.split(", ").filter(|l| labels.iter().any(|r| r == l)) {
                let key = (rule.to_string(), kind, label.clone());
                let tally = tallies.entry(key).or_insert_with(|| Tally {
                    sense: new_sense(kind, &label, definer, definers),
                    ..Tally::default()
                });
                tally.count(i, file, o, *status);
            }
        }
    }
    let undecided = undecided(rules, definers);
    let mut by_rule: BTreeMap<String, RuleSurvey> = BTreeMap::new();
    let mut lines = Lines::default();
    for ((rule, ..), tally) in tallies {
        let sense = tally.finish(files, &mut lines);
        let survey = by_rule.entry(rule.clone()).or_insert_with(|| RuleSurvey {
            label: rule,
            ..RuleSurvey::default()
        });
        let named = |a: &&Ambiguous| sense.definition.as_ref().is_some_and(|d| d.0 == a.name);
        let shared = undecided.iter().find(named);
        if let Some(a) = shared.filter(|a| !survey.ambiguous.contains(a)) {
            survey.ambiguous.push(a.clone());
        }
        survey.senses.push(sense);
    }
    // Rules in their order; senses most first, then by label.
    let mut out: Vec<RuleSurvey> = Vec::new();
    for label in labels {
        if let Some(mut survey) = by_rule.remove(&label) {
            survey
                .senses
                .sort_by(|a, b| b.count.cmp(&a.count).then(a.label.cmp(&b.label)));
            survey.ambiguous.sort_by(|a, b| a.name.cmp(&b.name));
            out.push(survey);
        }
    }
    out
}

/// The sense of one occurrence: its kind, its label, and the definition
/// it resolves to, if one.
fn sense_of<'d>(
    rules: &Rules,
    definers: &'d Definers,
    file: &File,
    o: &Occurrence,
) -> (SenseKind, String, Option<&'d Definer>) {
    let name = &*o.old;
    match &o.reason {
        Some(Reason::Holds(held)) => return (SenseKind::ThirdParty, held.clone(), None),
        Some(Reason::ThirdParty(how)) => {
            // Under the name it has in its module, reached the way the
            // file reaches it.
            let original = file
                .imports
                .get(name)
                .map_or(name, |(original, _)| original.as_str());
            let chain = file.chains.get(&(o.line, o.column)).map(String::as_str);
            let label = third_party(how, original, file.lang, chain);
            return (SenseKind::ThirdParty, label, None);
        }
        Some(Reason::KeepName(_)) if rules.kept_by_platform_only(name) => {
            return (SenseKind::Platform, name.to_string(), None)
        }
        Some(Reason::KeepName(pattern)) => {
            let label = format!("[keep] names {}", crate::config::emit::quoted(pattern));
            return (SenseKind::KeepNames, label, None);
        }
        Some(Reason::KeepComment) => {
            return (
                SenseKind::KeepComment,
                "retrace: keep comments".to_string(),
                None,
            )
        }
        Some(Reason::History) => {
            return (SenseKind::History, "migration history".to_string(), None)
        }
        _ => {}
    }
    if let Some(module) = &o.follows {
        return (SenseKind::Module, module.display().to_string(), None);
    }
    match o.class {
        Class::String => return (SenseKind::Strings, "strings".to_string(), None),
        Class::Comment => return (SenseKind::Comments, "comments".to_string(), None),
        Class::Code => {}
    }
    let names = (SenseKind::Names, "first-party names".to_string(), None);
    if file.lang == Lang::Sql {
        return names;
    }
    // A file means the definition it makes, or the one it imports the
    // name from; a name it neither defines nor imports is a local, an
    // attribute or a parameter, whatever else the project defines.
    let imported = file.imports.get(name);
    let original = imported.map_or(name, |(original, _)| original.as_str());
    let of = definers.of(original, file.lang == Lang::Python);
    let definer = if of.is_empty() {
        return names;
    } else if file.defines.iter().any(|d| d == name) {
        Definers::made_by(&of, &file.abs)
    } else if let Some((_, spec)) = imported {
        match definers::resolve(&of, &file.abs, spec) {
            Resolved::One(d) => Some(d),
            Resolved::Several => None,
            // From a module that defines no such name (`from pkg import
            // session` imports the submodule): not a definition's.
            Resolved::None => return names,
        }
    } else {
        return names;
    };
    match definer {
        Some(d) => (SenseKind::Definition, d.label(), Some(d)),
        None => {
            let labels: Vec<String> = of.iter().map(|d| d.label()).collect();
            let label = format!("{original}, one of {}", labels.join(" or "));
            (SenseKind::Unresolved, label, None)
        }
    }
}

/// A third party's name, from the module (or the account of how it is
/// theirs) that the reason gives: `sqlalchemy.orm.Session`,
/// `stripe.checkout.Session` (the chain the file reaches it by, from the
/// module's root), `@supabase/supabase-js Session`.
fn third_party(how: &str, name: &str, lang: Lang, chain: Option<&str>) -> String {
    let module = how.split(" (").next().unwrap_or(how);
    if module.contains(' ') {
        return format!("{name} ({how})");
    }
    let root = module.split('.').next().unwrap_or(module);
    match (lang, chain) {
        (Lang::Python, Some(chain)) if chain.split('.').next() == Some(root) => {
            format!("{chain}{name}")
        }
        (Lang::Python, _) if module == name || module.ends_with(&format!(".{name}")) => {
            module.into()
        }
        (Lang::Python, _) => format!("{module}.{name}"),
        _ => format!("{module} {name}"),
    }
}

/// The dotted chain before each of `kept` on its line (`stripe.checkout.`
/// before `Session`), where there is one, by line and column.
fn chains(text: &str, kept: &[Occurrence]) -> HashMap<(usize, usize), String> {
    let mut out = HashMap::new();
    let lines: Vec<&str> = match kept
        .iter()
        .any(|o| matches!(o.reason, Some(Reason::ThirdParty(_))))
    {
        true => text.lines().collect(),
        false => return out,
    };
    for o in kept
        .iter()
        .filter(|o| matches!(o.reason, Some(Reason::ThirdParty(_))))
    {
        let Some(line) = lines.get(o.line.wrapping_sub(1)) else {
            continue;
        };
        let at = line
            .char_indices()
            .nth(o.column - 1)
            .map_or(line.len(), |(i, _)| i);
        let before = &line[..at];
        let start = before
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .map_or(0, |i| i + 1);
        let chain = &before[start..];
        if chain.ends_with('.') && !chain.starts_with('.') {
            out.insert((o.line, o.column), chain.to_string());
        }
    }
    out
}

fn new_sense(
    kind: SenseKind,
    label: &str,
    definer: Option<&Definer>,
    definers: &Definers,
) -> Sense {
    Sense {
        kind,
        label: label.to_string(),
        definition: definer.map(|d| {
            let at = format!("{}:{}", d.path.display(), d.line);
            (d.name.clone(), d.kind, at)
        }),
        shared_name: definer.is_some_and(|d| definers.of(&d.name, d.python).len() > 1),
        ..Sense::default()
    }
}

impl Tally {
    fn count(&mut self, index: usize, file: &File, o: &Occurrence, status: Status) {
        let s = &mut self.sense;
        s.count += 1;
        match status {
            Status::Renamed => s.renamed += 1,
            Status::Reported => s.reported += 1,
            Status::Kept => s.kept += 1,
        }
        *self.files.entry(file.path.clone()).or_default() += 1;
        let name = self.names.entry(o.old.to_string()).or_insert_with(|| Name {
            name: o.old.to_string(),
            new: o.new.to_string(),
            ..Name::default()
        });
        name.count += 1;
        if name.files.last() != Some(&file.path) {
            name.files.push(file.path.clone());
        }
        self.first
            .entry(o.old.to_string())
            .or_insert((index, o.line));
    }

    /// The sense, with its files and names sorted and its example: the
    /// first occurrence of its most frequent name.
    fn finish(self, files: &[File], lines: &mut Lines) -> Sense {
        let mut sense = self.sense;
        sense.files = self.files.into_iter().collect();
        sense
            .files
            .sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        sense.names = self.names.into_values().collect();
        sense
            .names
            .sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
        let first = sense.names.first().and_then(|n| self.first.get(&n.name));
        sense.example = first.map(|&(i, line)| {
            let text = lines.get(&files[i].abs, line);
            (files[i].path.clone(), line, text)
        });
        sense
    }
}

/// Lines of files, each file read once.
#[derive(Default)]
struct Lines(HashMap<PathBuf, Vec<String>>);

impl Lines {
    fn get(&mut self, abs: &Path, line: usize) -> String {
        let lines = self.0.entry(abs.to_path_buf()).or_insert_with(|| {
            let text = std::fs::read_to_string(abs).unwrap_or_default();
            text.lines().map(str::to_string).collect()
        });
        let text = lines.get(line.wrapping_sub(1)).map_or("", String::as_str);
        // A minified line is shown in part.
        match text.char_indices().nth(160) {
            Some((at, _)) => format!("{}…", &text[..at]),
            None => text.to_string(),
        }
    }
}

/// Names that two or more first-party modules (of one language family)
/// define, which the rules rename where they are defined, and of which
/// the rules have not said which one they mean (`Rules::decides`).
pub fn undecided(rules: &Rules, definers: &Definers) -> Vec<Ambiguous> {
    let mut out = Vec::new();
    for group in definers.shared() {
        let name = &group[0].name;
        let files: Vec<&Path> = group.iter().map(|d| d.abs.as_path()).collect();
        let renamed = group.iter().any(|d| {
            // The project's own definition wins over the platform list
            // in TypeScript/JavaScript, not in Python (`rules/platform.toml`).
            let matcher = Matcher::for_file(rules, &d.abs);
            match d.python {
                true => matcher.map(name, Class::Code).changed(),
                false => matcher.map_unkept(name, Class::Code).changed(),
            }
        });
        if !renamed || rules.decides(name, &files) {
            continue;
        }
        let definitions = group
            .iter()
            .map(|d| match d.python {
                true => format!("{} ({}:{})", d.label(), d.path.display(), d.line),
                false => format!("{}:{}", d.path.display(), d.line),
            })
            .collect();
        out.push(Ambiguous {
            name: name.clone(),
            definitions,
        });
    }
    out
}

#[cfg(test)]
mod tests;
