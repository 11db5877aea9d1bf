//! The project's templates (Jinja, Django): where they use a variable,
//! so that a name handed to them can be reported with its other ends.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::walk::Entry;

pub struct Templates {
    /// Each template's absolute path and its path as shown.
    files: Vec<(PathBuf, String)>,
    /// Where the templates use each name asked about.
    uses: Mutex<HashMap<String, Vec<String>>>,
}

impl Templates {
    pub fn new(files: &[Entry]) -> Templates {
        Templates {
            files: files
                .iter()
                .filter(|f| is_template(&f.abs))
                .map(|f| (f.abs.clone(), f.path.display().to_string()))
                .collect(),
            uses: Mutex::new(HashMap::new()),
        }
    }

    /// The lines of the templates that use the variable `name`
    /// (`{{ session.user }}`, `{% if session %}`), as `path:line`.
    pub fn uses(&self, name: &str) -> Vec<String> {
        let mut cache = self.uses.lock().unwrap_or_else(|e| e.into_inner());
        let uses = cache.entry(name.to_string()).or_insert_with(|| {
            let mut out = Vec::new();
            for (abs, shown) in &self.files {
                // A template that cannot be read names nothing.
                let Ok(text) = std::fs::read_to_string(abs) else {
                    continue;
                };
                for (i, line) in text.lines().enumerate() {
                    let tagged = line.contains("{{") || line.contains("{%");
                    if tagged && crate::lang::lex::words(line).contains_key(name) {
                        out.push(format!("{shown}:{}", i + 1));
                    }
                }
            }
            out
        });
        uses.clone()
    }
}

/// A Jinja or Django template, by its extension.
fn is_template(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    matches!(ext, "html" | "htm" | "jinja" | "jinja2" | "j2" | "djhtml")
}
