//! Lines and columns of byte offsets, for people and for tree-sitter.

use std::cell::Cell;

/// Turns byte offsets into lines and columns, counting only as far as
/// asked: a file with a hit usually needs a few positions, asked in order,
/// and a table of every line start would cost more than the counts. Each
/// answer starts from the last one, so a run of offsets asked in order
/// costs one pass over the text, however long its lines (a minified file
/// may hold all its hits on one line).
pub struct Lines<'t> {
    text: &'t str,
    last: Cell<Cursor>,
}

/// Where an offset is: its 0-based line, that line's start, and how many
/// characters lie between the two.
#[derive(Clone, Copy, Default)]
struct Cursor {
    at: usize,
    line: usize,
    line_start: usize,
    chars: usize,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str) -> Lines<'t> {
        Lines {
            text,
            last: Cell::new(Cursor::default()),
        }
    }

    /// 1-based line and character column, for people.
    pub fn position(&self, at: usize) -> (usize, usize) {
        let c = self.locate(at);
        (c.line + 1, c.chars + 1)
    }

    /// 0-based line and byte column, as tree-sitter counts.
    pub fn point(&self, at: usize) -> (usize, usize) {
        let c = self.locate(at);
        (c.line, at - c.line_start)
    }

    fn locate(&self, at: usize) -> Cursor {
        let mut c = self.last.get();
        if c.at > at {
            c = Cursor::default();
        }
        let bytes = self.text.as_bytes();
        let between = &bytes[c.at..at];
        match memchr::memrchr(b'\n', between) {
            Some(p) => {
                c.line += bytecount::count(between, b'\n');
                c.line_start = c.at + p + 1;
                c.chars = bytecount::num_chars(&bytes[c.line_start..at]);
            }
            None => c.chars += bytecount::num_chars(between),
        }
        c.at = at;
        self.last.set(c);
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let text = "é session\nx";
        let lines = Lines::new(text);
        assert_eq!(lines.position(11), (2, 1));
        assert_eq!(lines.position(3), (1, 3));
        assert_eq!(lines.position(11), (2, 1));
        assert_eq!(lines.point(0), (0, 0));
    }

    #[test]
    fn positions_asked_in_any_order_match_a_count_from_the_start() {
        let text = "ab é\n\nsession é session\r\nx\n日本 session";
        let naive = |at: usize| {
            let before = &text[..at];
            let line_start = before.rfind('\n').map_or(0, |p| p + 1);
            let line = before.matches('\n').count();
            (
                (line + 1, text[line_start..at].chars().count() + 1),
                (line, at - line_start),
            )
        };
        let offsets: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let lines = Lines::new(text);
        for &at in offsets.iter().chain(offsets.iter().rev()).chain(&offsets) {
            assert_eq!((lines.position(at), lines.point(at)), naive(at), "at {at}");
        }
    }
}
