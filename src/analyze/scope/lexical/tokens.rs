//! The code tokens of a Python file: what lies between the lexer's
//! comments and strings.

use std::ops::Range;

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
    let mut out: Vec<Token> = Vec::new();
    let mut stack: Vec<u32> = Vec::new();
    for span in spans(text, lexed)? {
        match span {
            Span::Code(range) => code(text, range, &mut out, &mut stack)?,
            Span::Value(range) => out.push(token(range, Kind::Value, &stack)),
            Span::Open(at) => open(at..at + 1, &mut out, &mut stack),
            Span::Close(at) => close(text, at..at + 1, &mut out, &mut stack)?,
        }
    }
    if !stack.is_empty() {
        return None;
    }
    if out.last().is_some_and(|t| t.kind != Kind::End) {
        let n = text.len();
        out.push(token(n..n, Kind::End, &stack));
    }
    Some(out)
}

/// What tokens are read from, in order.
enum Span {
    /// Code between the lexer's comments and strings.
    Code(Range<usize>),
    /// A string, or a string with its interpolations: one value.
    Value(Range<usize>),
    /// The braces around an interpolation read as code (`{` … `}`).
    Open(usize),
    Close(usize),
}

/// The spans of `text`. A string with its interpolations is one value,
/// unless an interpolation may bind a name (`f"{[a for a in xs]}"`): then
/// each such interpolation is read as code between its braces, as the tree
/// reads it, and the rest of the string as values.
fn spans(text: &str, lexed: &Lexed) -> Option<Vec<Span>> {
    let mut spans = Vec::new();
    let mut regions = lexed.regions().peekable();
    let mut i = 0;
    while let Some((range, comment, tree)) = regions.next() {
        if range.start < i {
            return None;
        }
        spans.push(Span::Code(i..range.start));
        if comment {
            i = range.end;
            continue;
        }
        let mut group = vec![(range, tree)];
        while let Some(next) = regions.next_if(|r| Some(r.0.start) == group.last().map(|g| g.0.end))
        {
            group.push((next.0, next.2));
        }
        let binds = |(r, tree): &(Range<usize>, bool)| *tree && may_bind(&text[r.clone()]);
        let (start, end) = (group[0].0.start, group[group.len() - 1].0.end);
        if !group.iter().any(binds) {
            spans.push(Span::Value(start..end));
        } else {
            for part in &group {
                match binds(part) {
                    true => spans.extend(interpolation(text, part.0.clone())?),
                    false => spans.push(Span::Value(part.0.clone())),
                }
            }
        }
        i = end;
    }
    spans.push(Span::Code(i..text.len()));
    Some(spans)
}

/// An interpolation (`{…}`, braces included) read as code: its expression
/// between its braces, without the conversion (`!r`), the format spec
/// (`:>10`) or the `=` that prints the expression too. Unsure (None) of
/// one that holds a string, an escape or a comment, or whose format spec
/// may bind a name itself.
fn interpolation(text: &str, hole: Range<usize>) -> Option<Vec<Span>> {
    let inner = text.get(hole.start + 1..hole.end.checked_sub(1)?)?;
    if !text[hole.clone()].starts_with('{') || !text[hole.clone()].ends_with('}') {
        return None;
    }
    if inner.contains(['"', '\'', '\\', '#', '\n', '\r']) {
        return None;
    }
    let bytes = inner.as_bytes();
    let mut depth = 0usize;
    let mut end = inner.len();
    for (k, &b) in bytes.iter().enumerate() {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'!' if depth == 0 && bytes.get(k + 1) != Some(&b'=') => {
                end = k;
                break;
            }
            b':' if depth == 0 => {
                end = k;
                break;
            }
            _ => {}
        }
    }
    if may_bind(&inner[end..]) {
        return None;
    }
    let mut expression = inner[..end].trim_end();
    if let Some(before) = expression.strip_suffix('=') {
        if !before.ends_with(['=', '!', '<', '>']) {
            expression = before;
        }
    }
    let from = hole.start + 1;
    Some(vec![
        Span::Open(hole.start),
        Span::Code(from..from + expression.len()),
        Span::Close(hole.end - 1),
    ])
}

/// The tokens of the code in `range`, added to `out`; `stack` holds the
/// brackets open.
fn code(text: &str, range: Range<usize>, out: &mut Vec<Token>, stack: &mut Vec<u32>) -> Option<()> {
    let bytes = text.as_bytes();
    let word = |b: u8| is_word(Lang::Python, b);
    let n = range.end;
    let mut i = range.start;
    while i < n {
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
                    out.push(token(start..start, Kind::End, stack));
                }
                continue;
            }
            b'0'..=b'9' => {
                while i < n && (word(bytes[i]) || bytes[i] == b'.') {
                    i += 1;
                }
                Kind::Value
            }
            b'.' if bytes[..n].get(i).is_some_and(u8::is_ascii_digit) => {
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
                open(start..i, out, stack);
                continue;
            }
            b')' | b']' | b'}' => {
                close(text, start..i, out, stack)?;
                continue;
            }
            _ => {
                let rest = &bytes[start..n];
                let long = OPERATORS.iter().find(|o| rest.starts_with(o.as_bytes()));
                i = start + long.map_or(1, |o| o.len());
                Kind::Op
            }
        };
        // A token that would run on into a string or comment (`xf"…"`):
        // only the tree can tell.
        if i == n && n < text.len() && kind != Kind::Op && word(bytes[n]) {
            return None;
        }
        out.push(token(start..i, kind, stack));
    }
    Some(())
}

/// A token at `range`, inside the brackets `stack` holds open.
fn token(range: Range<usize>, kind: Kind, stack: &[u32]) -> Token {
    Token {
        range,
        kind,
        open: stack.last().copied().unwrap_or(TOP),
        pair: TOP,
    }
}

/// The opening bracket at `range`: a token inside the brackets open
/// before it, and open itself until `close` pairs it.
fn open(range: Range<usize>, out: &mut Vec<Token>, stack: &mut Vec<u32>) {
    out.push(token(range, Kind::Op, stack));
    stack.push(out.len() as u32 - 1);
}

/// The closing bracket at `range` of `text`: paired with the one open,
/// which must be of its kind.
fn close(
    text: &str,
    range: Range<usize>,
    out: &mut Vec<Token>,
    stack: &mut Vec<u32>,
) -> Option<()> {
    let bytes = text.as_bytes();
    let opener = stack.pop()? as usize;
    let expected = match bytes[out[opener].range.start] {
        b'(' => b')',
        b'[' => b']',
        _ => b'}',
    };
    if bytes[range.start] != expected {
        return None;
    }
    out[opener].pair = out.len() as u32;
    out.push(Token {
        pair: opener as u32,
        ..token(range, Kind::Op, stack)
    });
    Some(())
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
