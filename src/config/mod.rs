//! Rule files: TOML in, validated `Rules` out, and what the rules make of
//! one word (`Matcher`).
//!
//! Raw serde structs mirror the file format (unknown keys are errors); they
//! are turned into `Rules` (`load`), where every rename is known to be well
//! formed and free of conflicts and chains. Every error names
//! `FILE:LINE:COL`.

pub mod case;
pub mod emit;
mod globs;
mod load;
pub mod matcher;
mod prefilter;
mod sources;

use std::fmt;
use std::path::{Path, PathBuf};

use globset::GlobSet;
use serde::Deserialize;

pub use globs::PathGlobs;
#[cfg(test)]
pub(crate) use load::load_str;
pub use load::{load, RuleError};
pub use prefilter::Prefilter;
pub use sources::{discover, Source};

use load::RawPolicy;
use matcher::Index;

use crate::model::Class;

/// The bundled default rules, compiled into the binary.
pub const BUNDLED: &str = include_str!("../../rules/session-to-trace.toml");
pub const BUNDLED_NAME: &str = "rules/session-to-trace.toml (built-in)";
/// Platform names that are never a project's, loaded under every rule set.
pub const PLATFORM: &str = include_str!("../../rules/platform.toml");
pub const PLATFORM_NAME: &str = "rules/platform.toml (built-in)";

/// What a policy does with an occurrence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    // Ordered from strictest to loosest: combining two policies takes the min.
    Keep,
    Report,
    Rename,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Keep => "keep",
            Action::Report => "report",
            Action::Rename => "rename",
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    pub code: Action,
    pub comments: Action,
    pub strings: Action,
    pub compounds: Action,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            code: Action::Rename,
            comments: Action::Rename,
            strings: Action::Report,
            compounds: Action::Report,
        }
    }
}

impl Policy {
    pub fn for_class(&self, class: Class) -> Action {
        match class {
            Class::Code => self.code,
            Class::Comment => self.comments,
            Class::String => self.strings,
        }
    }

    fn overlay(mut self, raw: &RawPolicy) -> Policy {
        self.code = raw.code.unwrap_or(self.code);
        self.comments = raw.comments.unwrap_or(self.comments);
        self.strings = raw.strings.unwrap_or(self.strings);
        self.compounds = raw.compounds.unwrap_or(self.compounds);
        self
    }
}

/// Where a rule was written, for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: usize,
    pub col: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// How a rule matches names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Form {
    /// A word, matched as a whole segment (or its plural) in any case style.
    Word {
        from_plural: String,
        to_plural: String,
    },
    /// One name, matched whole and case-sensitively.
    Exact,
}

/// One validated rename rule.
#[derive(Clone, Debug)]
pub struct Rename {
    /// A lowercase word (`Form::Word`) or an exact name.
    pub from: String,
    pub to: String,
    pub form: Form,
    pub paths: Option<PathGlobs>,
    pub policy: Policy,
    pub origin: Origin,
    overrides: RawPolicy,
}

impl Rename {
    /// `session→trace`, as rules are named in output.
    pub fn label(&self) -> String {
        format!("{}→{}", self.from, self.to)
    }

    pub fn is_exact(&self) -> bool {
        self.form == Form::Exact
    }

    /// The word forms this rule matches, with what each becomes.
    pub fn forms(&self) -> Vec<(&str, &str)> {
        match &self.form {
            Form::Word {
                from_plural,
                to_plural,
            } => vec![(&self.from, &self.to), (from_plural, to_plural)],
            Form::Exact => vec![(&self.from, &self.to)],
        }
    }

    pub fn applies_to(&self, abs_path: &Path) -> bool {
        self.paths.as_ref().is_none_or(|p| p.matches(abs_path))
    }

    /// Does this rule match the name `name`: all of it (an exact rule), or
    /// one of its segments (a word rule, singular or plural)?
    pub fn matches_name(&self, name: &str) -> bool {
        match &self.form {
            Form::Exact => self.from == name,
            Form::Word { from_plural, .. } => case::segments(name)
                .into_iter()
                .filter_map(|s| name.get(s))
                .map(str::to_lowercase)
                .any(|s| s == self.from || s == *from_plural),
        }
    }

    /// The per-rule policy keys this rule sets itself (`code = "keep"`).
    pub fn overrides(&self) -> [(&'static str, Option<Action>); 4] {
        let o = &self.overrides;
        [
            ("code", o.code),
            ("comments", o.comments),
            ("strings", o.strings),
            ("compounds", o.compounds),
        ]
    }
}

/// All active rules, merged from every rule file.
#[derive(Debug)]
pub struct Rules {
    pub renames: Vec<Rename>,
    pub policy: Policy,
    pub exclude: Vec<PathGlobs>,
    /// `[files] history`: files that are migration history, besides (or,
    /// with `history_default = false`, instead of) the directories
    /// `index::history` detects.
    pub history: Vec<PathGlobs>,
    /// `[files] history_default`: whether the detected directories count.
    pub history_default: bool,
    pub keep_names: Vec<String>,
    /// How many of `keep_names`, first, are the platform list's.
    platform_names: usize,
    keep_set: GlobSet,
    pub keep_modules: Vec<String>,
    /// `[keep] words`, lowercase: English words that hold a rule's word by
    /// chance (`obsession`), neither renamed nor reported as compounds.
    pub english: std::collections::HashSet<String>,
    /// The rule files' own `[keep] words`, sorted, and whether the built-in
    /// list (`rules/platform.toml`) counts too (`words_default`).
    pub own_words: Vec<String>,
    pub words_default: bool,
    pub first_party: Vec<String>,
    pub sources: Vec<String>,
    /// The rule files read (absolute): retrace's own configuration, whose
    /// comments are not the project's text.
    pub files: Vec<PathBuf>,
    /// `[check] baseline = true`: the baseline file `check` uses by default.
    pub baseline: Option<PathBuf>,
    /// `[compat] aliases`: whether renamed public names keep their old
    /// names for the transition.
    pub aliases: Aliases,
    /// Finds every needle, ignoring ASCII case, in one pass; built once.
    prefilter: std::sync::Arc<Prefilter>,
    /// The rules indexed by what they match; built once.
    index: Index,
}

/// `[compat] aliases`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Aliases {
    /// When the project is a published package.
    #[default]
    Auto,
    Always,
    Never,
}

impl Rules {
    /// The `[keep] names` pattern that `name` matches, if any.
    pub fn kept(&self, name: &str) -> Option<&str> {
        self.keep_set
            .matches(name)
            .first()
            .map(|&i| self.keep_names[i].as_str())
    }

    /// Is `name` kept by the platform list alone? A definition in the
    /// project then wins (a project's own `useSession` hook is renamed);
    /// one of the project's `[keep] names` always keeps it.
    pub fn kept_by_platform_only(&self, name: &str) -> bool {
        let matches = self.keep_set.matches(name);
        !matches.is_empty() && matches.iter().all(|&i| i < self.platform_names)
    }

    /// Have the rules said which sense of `name` they mean, where the
    /// files `defining` (absolute) each define one? They have when a
    /// `[keep] names` pattern of their own keeps it, or when a rule with
    /// `paths` that matches it covers one of those files.
    pub fn decides(&self, name: &str, defining: &[&Path]) -> bool {
        let kept = self.kept(name).is_some() && !self.kept_by_platform_only(name);
        kept || self.renames.iter().any(|r| {
            r.paths.is_some() && r.matches_name(name) && defining.iter().any(|f| r.applies_to(f))
        })
    }

    /// The user's own `[keep] names` (not the platform list's).
    pub fn own_keep_names(&self) -> &[String] {
        &self.keep_names[self.platform_names..]
    }

    /// Is the file at `abs` one of the rule files in use?
    pub fn is_rule_file(&self, abs: &Path) -> bool {
        self.files.iter().any(|f| f == abs)
    }

    pub fn excluded(&self, abs_path: &Path) -> bool {
        self.exclude.iter().any(|g| g.matches(abs_path))
    }

    /// The rules at these indices, named as in output (`session→trace`).
    pub fn label(&self, indices: impl IntoIterator<Item = usize>) -> String {
        let names: Vec<String> = indices
            .into_iter()
            .map(|i| self.renames[i].label())
            .collect();
        names.join(", ")
    }

    /// The prefilter: finds every needle, ignoring ASCII case, in one pass.
    pub fn prefilter(&self) -> &Prefilter {
        &self.prefilter
    }

    /// The prefilter, for an index that outlives this borrow.
    pub fn shared_prefilter(&self) -> std::sync::Arc<Prefilter> {
        std::sync::Arc::clone(&self.prefilter)
    }

    /// The rules indexed by what they match, for `decide::Matcher`.
    pub fn index(&self) -> &Index {
        &self.index
    }
}

#[cfg(test)]
mod tests;
