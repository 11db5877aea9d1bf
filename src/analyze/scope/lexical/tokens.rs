//! The code tokens of a Python file: what lies between the lexer's
//! comments and strings.

use super::{Kind, Token, TOP};
use crate::lang::lex::{is_word, Lexed};
use crate::model::Lang;

/// Operators longer than one character, longest first.
const OPERATORS: [&str; 23] = [
    "**=", "//=", ">>=", "<<=", ":=", "==", "!=", "<=", ">=", "->", "**", "//", "<<", ">>", "+=",
    "-=", "*=", "/=", "%=", "@=", "&=", "|=", "^=",
];

/// The code tokens of `text`, between the lexer's comments and strings.
pub(super) fn tokenize(text: &str, lexed: &Lexed) -> Option<Vec<Token>> {
    let bytes = text.as_bytes();
    let word = |b: u8| is_word(Lang::Python, b);
    let mut out: Vec<Token> = Vec::new();
    let mut stack: Vec<u32> = Vec::new();
    let mut regions = lexed.regions().peekable();
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        let open = stack.last().copied().unwrap_or(TOP);
        let token = |range, kind| Token {
            range,
            kind,
            open,
            pair: TOP,
        };
        if let Some((range, comment, tree)) = regions.peek().cloned() {
            if range.start < i {
                return None;
            }
            if range.start == i {
                regions.next();
                if comment {
                    i = range.end;
                    continue;
                }
                // A string with its interpolations is one value; a binding
                // inside an interpolation (a region only the tree judges)
                // is not followed here.
                let binds =
                    |tree: bool, r: &std::ops::Range<usize>| tree && may_bind(&text[r.clone()]);
                let (mut end, mut unsure) = (range.end, binds(tree, &range));
                while let Some((next, _, t)) = regions.peek().cloned().filter(|r| r.0.start == end)
                {
                    regions.next();
                    (end, unsure) = (next.end, unsure || binds(t, &next));
                }
                if unsure {
                    return None;
                }
                out.push(token(i..end, Kind::Value));
                i = end;
                continue;
            }
        }
        let c = bytes[i];
        let start = i;
        i += 1;
        let kind = match c {
            b' ' | b'\r' | 0x0c => continue,
            // Tabs make indentation a matter of tab stops.
            b'\t' => return None,
            b'\\' => {
                // A line continuation.
                i += usize::from(bytes.get(i) == Some(&b'\r'));
                if bytes.get(i) != Some(&b'\n') {
                    return None;
                }
                i += 1;
                continue;
            }
            b'\n' => {
                if stack.is_empty() && out.last().is_some_and(|t| t.kind != Kind::End) {
                    out.push(token(start..start, Kind::End));
                }
                continue;
            }
            b'0'..=b'9' => {
                while i < n && (word(bytes[i]) || bytes[i] == b'.') {
                    i += 1;
                }
                Kind::Value
            }
            b'.' if bytes.get(i).is_some_and(u8::is_ascii_digit) => {
                while i < n && word(bytes[i]) {
                    i += 1;
                }
                Kind::Value
            }
            _ if word(c) => {
                while i < n && word(bytes[i]) {
                    i += 1;
                }
                Kind::Name
            }
            b'(' | b'[' | b'{' => {
                stack.push(out.len() as u32);
                Kind::Op
            }
            b')' | b']' | b'}' => {
                let opener = stack.pop()? as usize;
                let expected = match bytes[out[opener].range.start] {
                    b'(' => b')',
                    b'[' => b']',
                    _ => b'}',
                };
                if c != expected {
                    return None;
                }
                out[opener].pair = out.len() as u32;
                out.push(Token {
                    range: start..i,
                    kind: Kind::Op,
                    open: stack.last().copied().unwrap_or(TOP),
                    pair: opener as u32,
                });
                continue;
            }
            _ => {
                let rest = &bytes[start..];
                let long = OPERATORS.iter().find(|o| rest.starts_with(o.as_bytes()));
                i = start + long.map_or(1, |o| o.len());
                Kind::Op
            }
        };
        out.push(token(start..i, kind));
    }
    if !stack.is_empty() {
        return None;
    }
    if out.last().is_some_and(|t| t.kind != Kind::End) {
        out.push(Token {
            range: n..n,
            kind: Kind::End,
            open: TOP,
            pair: TOP,
        });
    }
    Some(out)
}

/// Might this code bind a name (`(x := 1)`, `[a for a in b]`, `lambda x:
/// x`)? Then only the tree can tell. Asked of an f-string's
/// interpolations, not of its text: "token for {user}" binds nothing.
fn may_bind(code: &str) -> bool {
    code.contains(":=") || has_word(code, "for") || has_word(code, "lambda")
}

/// Does `code` hold `word` as a whole word?
fn has_word(code: &str, word: &str) -> bool {
    let is_word_byte = |b: &u8| is_word(Lang::Python, *b);
    code.match_indices(word).any(|(at, _)| {
        let before = code.as_bytes()[..at].last();
        let after = code.as_bytes().get(at + word.len());
        !before.is_some_and(is_word_byte) && !after.is_some_and(is_word_byte)
    })
}

#[cfg(test)]
mod tests {
    use super::may_bind;

    #[test]
    fn only_a_walrus_a_comprehension_or_a_lambda_may_bind() {
        for binds in [
            "{(x := 1)}",
            "{[a for a in b]}",
            "{ {k: v for k, v in d} }",
            "{(lambda x: x)(1)}",
        ] {
            assert!(may_bind(binds), "{binds}");
        }
        for plain in ["{user}", "{format_x}", "{lambda_y!r:>{width}}", "{forty}"] {
            assert!(!may_bind(plain), "{plain}");
        }
    }
}
