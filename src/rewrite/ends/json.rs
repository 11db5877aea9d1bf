//! Just enough of JSON to edit a manifest in place: every string value
//! with the object keys above it and its byte span. serde_json gives no
//! spans, and a manifest must keep every other byte as it is. Comments
//! and trailing commas are tolerated (tsconfig.json has both).

use std::ops::Range;

/// One string value: the keys of the objects it is in (outermost first;
/// arrays add none) and the span of its text between the quotes.
#[derive(Debug, PartialEq, Eq)]
pub struct JsonString {
    pub keys: Vec<String>,
    pub range: Range<usize>,
}

/// Where a text stops being JSON (a byte offset), and why.
#[derive(Debug, PartialEq, Eq)]
pub struct JsonError {
    pub at: usize,
    pub message: &'static str,
}

/// Deeper than this is not a manifest: refused rather than recursed into.
const MAX_DEPTH: usize = 128;

/// Every string value of `text` (object keys are not values).
pub fn strings(text: &str) -> Result<Vec<JsonString>, JsonError> {
    let mut reader = Reader {
        bytes: text.as_bytes(),
        text,
        at: 0,
        keys: Vec::new(),
        out: Vec::new(),
    };
    reader.value(0)?;
    reader.space()?;
    if reader.at < reader.bytes.len() {
        return Err(reader.error("text after the value"));
    }
    Ok(reader.out)
}

struct Reader<'t> {
    bytes: &'t [u8],
    text: &'t str,
    at: usize,
    keys: Vec<String>,
    out: Vec<JsonString>,
}

impl Reader<'_> {
    fn error(&self, message: &'static str) -> JsonError {
        JsonError {
            at: self.at,
            message,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Skip white space and comments.
    fn space(&mut self) -> Result<(), JsonError> {
        loop {
            match (self.peek(), self.bytes.get(self.at + 1)) {
                (Some(b' ' | b'\t' | b'\r' | b'\n'), _) => self.at += 1,
                (Some(b'/'), Some(b'/')) => {
                    let rest = &self.bytes[self.at..];
                    self.at += memchr::memchr(b'\n', rest).unwrap_or(rest.len());
                }
                (Some(b'/'), Some(b'*')) => {
                    let rest = &self.bytes[self.at + 2..];
                    let end = memchr::memmem::find(rest, b"*/")
                        .ok_or_else(|| self.error("unterminated comment"))?;
                    self.at += 2 + end + 2;
                }
                _ => return Ok(()),
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<(), JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deep"));
        }
        self.space()?;
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => {
                let range = self.string()?;
                let keys = self.keys.clone();
                self.out.push(JsonString { keys, range });
                Ok(())
            }
            Some(b) if b.is_ascii_alphanumeric() || b == b'-' => {
                // true, false, null and numbers: nothing to edit in them.
                while self
                    .peek()
                    .is_some_and(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
                {
                    self.at += 1;
                }
                Ok(())
            }
            Some(_) => Err(self.error("expected a value")),
            None => Err(self.error("unexpected end of file")),
        }
    }

    fn object(&mut self, depth: usize) -> Result<(), JsonError> {
        self.at += 1;
        loop {
            self.space()?;
            match self.peek() {
                Some(b'}') => {
                    self.at += 1;
                    return Ok(());
                }
                Some(b'"') => {}
                _ => return Err(self.error("expected a key or `}`")),
            }
            let key = self.string()?;
            self.space()?;
            if self.peek() != Some(b':') {
                return Err(self.error("expected `:`"));
            }
            self.at += 1;
            self.keys.push(self.text[key].to_string());
            self.value(depth + 1)?;
            self.keys.pop();
            self.space()?;
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {}
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<(), JsonError> {
        self.at += 1;
        loop {
            self.space()?;
            if self.peek() == Some(b']') {
                self.at += 1;
                return Ok(());
            }
            self.value(depth + 1)?;
            self.space()?;
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {}
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    /// A string at the cursor: the span of its text between the quotes.
    fn string(&mut self) -> Result<Range<usize>, JsonError> {
        let start = self.at + 1;
        let mut i = start;
        while let Some(&b) = self.bytes.get(i) {
            match b {
                b'"' => {
                    self.at = i + 1;
                    return Ok(start..i);
                }
                b'\\' => i += 2,
                b'\n' => break,
                _ => i += 1,
            }
        }
        self.at = start - 1;
        Err(self.error("unterminated string"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(String, &str)> {
        strings(text)
            .unwrap()
            .into_iter()
            .map(|s| (s.keys.join("."), &text[s.range]))
            .collect()
    }

    #[test]
    fn string_values_come_with_their_keys_and_spans() {
        let text = r#"{ "main": "./a.js", "n": 1, "files": ["x/", "y"], "exports": { ".": { "import": "./e.mjs" } }, "ok": true }"#;
        assert_eq!(
            values(text),
            [
                ("main".to_string(), "./a.js"),
                ("files".to_string(), "x/"),
                ("files".to_string(), "y"),
                ("exports...import".to_string(), "./e.mjs"),
            ]
        );
    }

    #[test]
    fn comments_and_trailing_commas_are_tolerated() {
        let text = "{\n  // paths\n  \"include\": [\"src\", /* b */ \"lib\",],\n}\n";
        assert_eq!(values(text).len(), 2);
    }

    #[test]
    fn bad_json_is_an_error_with_its_offset() {
        let err = strings("{\"a\": [1, 2}").unwrap_err();
        assert_eq!(err.at, 11);
        assert!(strings("{\"a\": \"x").is_err());
        assert!(strings(&"[".repeat(1000)).is_err(), "no deep recursion");
    }
}
