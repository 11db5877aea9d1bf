//! The nearest `tsconfig.json`'s path aliases and `baseUrl`: what makes
//! a bare TypeScript specifier (`@/lib/sessions`) the project's.

use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub struct TsConfig {
    /// `paths` keys, as (prefix, has wildcard).
    aliases: Vec<(String, bool)>,
    base_url: Option<PathBuf>,
}

impl TsConfig {
    /// Read `compilerOptions.paths` and `baseUrl`. tsconfig allows comments
    /// and trailing commas, which are removed before parsing. A file that
    /// still does not parse counts as no configuration.
    pub fn read(path: &Path) -> Option<TsConfig> {
        let text = std::fs::read_to_string(path).ok()?;
        let json: serde_json::Value = serde_json::from_str(&strip_jsonc(&text)).ok()?;
        let options = json.get("compilerOptions")?;
        let dir = path.parent()?;
        let base_url = options
            .get("baseUrl")
            .and_then(|b| b.as_str())
            .map(|b| dir.join(b));
        let aliases = options
            .get("paths")
            .and_then(|p| p.as_object())
            .map(|paths| {
                paths
                    .keys()
                    .map(|k| match k.strip_suffix('*') {
                        Some(prefix) => (prefix.to_string(), true),
                        None => (k.clone(), false),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(TsConfig { aliases, base_url })
    }

    pub fn resolves(&self, spec: &str) -> bool {
        let aliased = self.aliases.iter().any(|(prefix, wildcard)| {
            if *wildcard {
                spec.starts_with(prefix.as_str())
            } else {
                spec == prefix
            }
        });
        aliased
            || self.base_url.as_ref().is_some_and(|base| {
                let target = base.join(spec);
                target.is_dir()
                    || ["ts", "tsx", "js", "jsx", "mts", "cts", "mjs", "cjs", "d.ts"]
                        .iter()
                        .any(|ext| target.with_extension(ext).is_file())
            })
    }
}

/// JSON with comments and trailing commas → JSON.
fn strip_jsonc(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let c = bytes[i];
        if in_string {
            if c == b'\\' && i + 1 < bytes.len() {
                out.push_str(&text[i..i + 2]);
                i += 2;
                continue;
            }
            in_string = c != b'"';
        } else if c == b'"' {
            in_string = true;
        } else if text[i..].starts_with("//") {
            i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
            continue;
        } else if text[i..].starts_with("/*") {
            i = text[i + 2..].find("*/").map_or(bytes.len(), |n| i + n + 4);
            continue;
        } else if c == b',' {
            let rest = text[i + 1..].trim_start();
            if rest.starts_with('}') || rest.starts_with(']') {
                i += 1;
                continue;
            }
        }
        let len = text[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&text[i..i + len]);
        i += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonc_becomes_json() {
        let text = "{ // c\n \"a\": \"x//y\", /* b */ \"p\": [1, 2,], }";
        let v: serde_json::Value = serde_json::from_str(&strip_jsonc(text)).unwrap();
        assert_eq!(v["a"], "x//y");
        assert_eq!(v["p"][1], 2);
    }
}
