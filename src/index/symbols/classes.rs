//! The classes the project's files define, once all are read: which are
//! serialized, so that their attributes are wire keys, and what calling
//! each takes.

use std::collections::HashSet;
use std::sync::Arc;

use super::statements::leading_name;
use super::{Callable, Symbols};

impl Symbols {
    /// The classes of every file, once all are read: which are
    /// serialized (themselves, as pydantic models, as dataclasses where
    /// their file calls `asdict`, where a function serializes a value
    /// annotated with them, or as a subclass of such a class), and what
    /// calling each takes.
    pub(super) fn add_classes(&mut self, classes: Vec<Class>, serialized: &HashSet<String>) {
        // A class that serializes itself is that class; one named in an
        // annotation, or a base, is any class of that name.
        let mut wire: Vec<bool> = classes
            .iter()
            .map(|c| {
                c.bases.iter().any(|b| b == "BaseModel")
                    || c.serializes
                    || c.dataclass
                    || serialized.contains(&c.name)
            })
            .collect();
        // Subclasses, a few generations deep.
        for _ in 0..4 {
            let names: HashSet<&str> = classes
                .iter()
                .zip(&wire)
                .filter(|(_, &w)| w)
                .map(|(c, _)| c.name.as_str())
                .collect();
            let before = wire.iter().filter(|&&w| w).count();
            for (class, w) in classes.iter().zip(wire.iter_mut()) {
                *w |= class.bases.iter().any(|b| names.contains(b.as_str()));
            }
            if wire.iter().filter(|&&w| w).count() == before {
                break;
            }
        }
        for (class, is_wire) in classes.into_iter().zip(wire) {
            self.add(class, is_wire);
        }
    }

    fn add(&mut self, class: Class, is_wire: bool) {
        let wire = is_wire.then(|| format!("class {} ({}:{})", class.name, class.path, class.line));
        self.defined.extend(class.fields.iter().cloned());
        self.defined.extend(class.attributes.iter().cloned());
        if let Some(wire) = &wire {
            for attribute in class.fields.iter().chain(&class.attributes) {
                let classes = self.wire.entry(attribute.clone()).or_default();
                if !classes.split(", ").any(|c| c == wire) {
                    if !classes.is_empty() {
                        classes.push_str(", ");
                    }
                    classes.push_str(wire);
                }
            }
        }
        let callable = match class.init {
            Some(keywords) => Callable {
                keywords,
                ..Callable::default()
            },
            None if !class.fields.is_empty() => Callable {
                keywords: class.fields,
                wire,
                ..Callable::default()
            },
            None => Callable {
                bases: class.bases,
                ..Callable::default()
            },
        };
        if !callable.keywords.is_empty() || !callable.bases.is_empty() {
            self.callables.entry(class.name).or_default().push(callable);
        }
    }
}

/// A class as its statements tell it.
#[derive(Default)]
pub(super) struct Class {
    pub(super) name: String,
    /// Where it is: its file, shared by the file's classes, and line.
    pub(super) path: Arc<str>,
    pub(super) line: usize,
    pub(super) bases: Vec<String>,
    pub(super) dataclass: bool,
    /// Its `__init__`'s keyword parameters, if it has one.
    pub(super) init: Option<Vec<String>>,
    /// `name: T` and `name = v` in its body.
    pub(super) fields: Vec<String>,
    /// `self.name = …` in its methods.
    pub(super) attributes: Vec<String>,
    /// It serializes itself (`self.__dict__`, `vars(self)`, `asdict(self)`).
    pub(super) serializes: bool,
}

impl Class {
    /// `self.x = …` in a statement anywhere inside the class.
    pub(super) fn attributes_of(&mut self, code: &str, worded: &dyn Fn(&str) -> bool) {
        let mut rest = code;
        while let Some(at) = memchr::memmem::find(rest.as_bytes(), b"self.") {
            let word_before = rest[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.');
            rest = &rest[at + 5..];
            let name = leading_name(rest);
            let after = rest[name.len()..].trim_start();
            let assigns = after.starts_with('=') && !after.starts_with("==")
                || after.starts_with(':') && !after.starts_with(":=");
            if !word_before
                && !name.is_empty()
                && assigns
                && worded(name)
                && !self.attributes.iter().any(|a| a == name)
            {
                self.attributes.push(name.to_string());
            }
        }
    }
}
