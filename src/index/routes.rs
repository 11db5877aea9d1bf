//! Routes are URLs: moving a Next.js `app/` or `pages/` route changes a
//! public URL, and the string URLs in the project's code that match the
//! old route (`fetch('/api/sessions')`, `` `/sessions/${id}` ``,
//! `href="/sessions"`) are its other ends. Where every one of them is
//! renamed (their strings policy is `rename`, in a file this run changes)
//! they follow the move; otherwise the move is not made and the link is
//! reported on the route, naming every URL.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::config::matcher::Matcher;
use crate::config::{case, Rules};
use crate::lang::lines::Lines;
use crate::model::{Class, Lang};
use crate::walk::read::{self, Seen};
use crate::walk::Entry;

use super::moves::Moves;

/// One segment of a route's URL, as its directory spells it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Static(String),
    /// `[id]`: any one segment.
    Dynamic,
    /// `[...slug]`: one or more; `[[...slug]]`: any number.
    CatchAll {
        optional: bool,
    },
}

/// The URL a Next.js route file serves, as segments: `app/(g)/sessions/
/// [id]/page.tsx` → `/sessions/[id]`; `pages/api/session.ts` →
/// `/api/session`. None for other files (layouts, `_app`, private
/// folders, files outside `app/` and `pages/`).
pub fn route(path: &Path) -> Option<Vec<Segment>> {
    let parts: Vec<&str> = path.iter().map(|p| p.to_str()).collect::<Option<_>>()?;
    let (file, dirs) = parts.split_last()?;
    let (stem, ext) = file.rsplit_once('.')?;
    if !matches!(ext, "js" | "jsx" | "ts" | "tsx" | "mjs") {
        return None;
    }
    let at = dirs.iter().position(|d| matches!(*d, "app" | "pages"))?;
    let app = dirs[at] == "app";
    let mut names: Vec<&str> = dirs[at + 1..].to_vec();
    match (app, stem) {
        (true, "page" | "route") => {}
        (true, _) => return None,
        (false, _) if stem.starts_with('_') => return None,
        (false, "index") => {}
        (false, _) => names.push(stem),
    }
    let mut url = Vec::new();
    for name in names {
        // Groups and parallel-route slots are not part of the URL.
        if app && ((name.starts_with('(') && name.ends_with(')')) || name.starts_with('@')) {
            continue;
        }
        if app && name.starts_with('_') {
            return None;
        }
        url.push(segment(name));
    }
    Some(url)
}

fn segment(name: &str) -> Segment {
    if name.starts_with("[[...") && name.ends_with("]]") {
        Segment::CatchAll { optional: true }
    } else if name.starts_with("[...") && name.ends_with(']') {
        Segment::CatchAll { optional: false }
    } else if name.starts_with('[') && name.ends_with(']') {
        Segment::Dynamic
    } else {
        Segment::Static(name.to_string())
    }
}

/// `/sessions/[id]`, for messages.
pub fn show(url: &[Segment]) -> String {
    let parts: Vec<&str> = url
        .iter()
        .map(|s| match s {
            Segment::Static(s) => s.as_str(),
            Segment::Dynamic => "[…]",
            Segment::CatchAll { .. } => "[…]*",
        })
        .collect();
    format!("/{}", parts.join("/"))
}

/// The URL of a move's route when the move changes it: old path → old URL.
pub fn changed(old: &Path, new: &Path) -> Option<Vec<Segment>> {
    let before = route(old)?;
    (route(new).as_ref() != Some(&before)).then_some(before)
}

/// One segment of a URL written in code.
#[derive(Debug, PartialEq, Eq)]
enum Written<'t> {
    Literal(&'t str),
    /// Holds an interpolation: could be anything.
    Any,
}

/// Marks an interpolation in a literal's text.
const HOLE: char = '\u{0}';

/// The segments of the URL path a string literal's text (interpolations
/// replaced by `HOLE`) spells: `/api/sessions?x=1`, `https://h/sessions`,
/// `${base}/sessions/${id}`. None when it is no URL path.
fn url_path(text: &str) -> Option<Vec<Written<'_>>> {
    let mut path = text;
    for scheme in ["https://", "http://"] {
        if let Some(rest) = path.strip_prefix(scheme) {
            path = &rest[rest.find('/')?..];
        }
    }
    // A base URL held in a variable: `${base}/sessions`.
    path = path.trim_start_matches(HOLE);
    let path = path.strip_prefix('/')?;
    let path = &path[..path.find(['?', '#']).unwrap_or(path.len())];
    if path.contains(char::is_whitespace) {
        return None;
    }
    let path = path.trim_end_matches('/');
    if path.is_empty() {
        return Some(Vec::new());
    }
    Some(
        path.split('/')
            .map(|s| match s.contains(HOLE) {
                true => Written::Any,
                false => Written::Literal(s),
            })
            .collect(),
    )
}

/// Does the URL `written` reach the route `url`?
fn matches(url: &[Segment], written: &[Written]) -> bool {
    match (url.split_first(), written.split_first()) {
        (None, None) => true,
        (Some((Segment::CatchAll { optional }, rest)), _) => {
            let least = usize::from(!optional);
            (least..=written.len()).any(|n| matches(rest, &written[n..]))
        }
        (Some((Segment::Dynamic, rest)), Some((_, more))) => matches(rest, more),
        (Some((Segment::Static(s), rest)), Some((Written::Literal(w), more))) => {
            s == w && matches(rest, more)
        }
        _ => false,
    }
}

/// The string literal of a line of code around `at`: its text's span and
/// that text with each interpolation (`${…}`, f-string `{…}`) replaced by
/// `HOLE`. None when `at` is in no one-line literal.
fn literal_at(lang: Lang, text: &str, at: usize) -> Option<(Range<usize>, String)> {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let line = &text[start..end];
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let comment = match lang {
            Lang::Python => b == b'#',
            _ => line[i..].starts_with("//"),
        };
        if comment || start + i > at {
            return None;
        }
        if !matches!(b, b'"' | b'\'' | b'`') {
            i += 1;
            continue;
        }
        let fstring = lang == Lang::Python
            && line[..i]
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_alphabetic())
                .any(|c| c.eq_ignore_ascii_case(&'f'));
        let holes = b == b'`' || fstring;
        let open = i + 1;
        let mut shown = String::new();
        let mut j = open;
        let mut closed = None;
        while j < bytes.len() {
            match bytes[j] {
                c if c == b => {
                    closed = Some(j);
                    break;
                }
                b'\\' => j += 2,
                b'$' if b == b'`' && bytes.get(j + 1) == Some(&b'{') => {
                    j = hole_end(bytes, j + 1)?;
                    shown.push(HOLE);
                }
                b'{' if holes && b != b'`' => {
                    j = hole_end(bytes, j)?;
                    shown.push(HOLE);
                }
                _ => {
                    let c = line[j..].chars().next()?;
                    shown.push(c);
                    j += c.len_utf8();
                }
            }
        }
        let close = closed?;
        if (start + open..=start + close).contains(&at) {
            return Some((start + open..start + close, shown));
        }
        i = close + 1;
    }
    None
}

/// Past the `}` that closes the `{` at `open`.
fn hole_end(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0;
    for (k, &c) in bytes.iter().enumerate().skip(open) {
        match c {
            b'{' => depth += 1,
            b'}' if depth == 1 => return Some(k + 1),
            b'}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The route of `moves` (moved or not) that the string at `at` of a code
/// file is a URL of, by the route file's old path.
pub fn url_route<'m>(moves: &'m Moves, lang: Lang, text: &str, at: usize) -> Option<&'m Path> {
    if moves.urls.is_empty() || lang == Lang::Sql {
        return None;
    }
    let (_, literal) = literal_at(lang, text, at)?;
    let written = url_path(&literal)?;
    moves
        .urls
        .iter()
        .find(|(_, url)| matches(url, &written))
        .map(|(old, _)| old.as_path())
}

/// One URL in code that names a route.
struct End {
    place: String,
    renamed: bool,
}

/// Routes whose move changes a URL that some string of the project's
/// code spells, where any of those strings is not renamed with it (its
/// policy reports or keeps it, or its file is one this run does not
/// change, `held`): the move is not made, and the link is reported.
pub fn block_linked(
    files: &[Entry],
    held: &dyn Fn(usize) -> bool,
    rules: &Rules,
    moves: &mut Moves,
) {
    let planned: Vec<(PathBuf, Vec<Segment>)> = moves
        .urls
        .iter()
        .filter(|(old, _)| moves.to.contains_key(old))
        .cloned()
        .collect();
    if planned.is_empty() {
        return;
    }
    let mut ends: Vec<Vec<End>> = planned.iter().map(|_| Vec::new()).collect();
    for (i, entry) in files.iter().enumerate() {
        let Some(lang) = entry.lang.filter(|l| *l != Lang::Sql) else {
            continue;
        };
        // A URL of a moved route holds the renamed word: a prefilter hit.
        if !matches!(entry.seen, Some(Seen::Hits(_))) {
            continue;
        }
        let matcher = Matcher::for_file(rules, &entry.abs);
        let found = read::with_text(&entry.path, read::Until::End, |text| match text {
            Ok(full) => urls_in(lang, read::split_bom(full).1, rules, &matcher, &planned),
            Err(_) => Vec::new(),
        });
        for (route, place, renamed) in found.unwrap_or_default() {
            ends[route].push(End {
                place: format!("{}:{place}", entry.path.display()),
                renamed: renamed && !held(i),
            });
        }
    }
    // A directory moves whole: its routes' links are reported together.
    let mut by_unit: BTreeMap<PathBuf, (PathBuf, Vec<String>)> = BTreeMap::new();
    for ((old, url), ends) in planned.iter().zip(&ends) {
        if ends.is_empty() || ends.iter().all(|e| e.renamed) {
            continue;
        }
        let places: Vec<&str> = ends.iter().map(|e| e.place.as_str()).collect();
        let unit = moves.unit_of(old).unwrap_or(old).to_path_buf();
        let entry = by_unit
            .entry(unit)
            .or_insert_with(|| (old.clone(), Vec::new()));
        entry
            .1
            .push(format!("{} at {}", show(url), places.join(", ")));
    }
    for (old, routes) in by_unit.into_values() {
        let why = format!(
            "linked: strings name the URL of the route and are not all renamed with it (strings policy): {}",
            routes.join("; ")
        );
        moves.block_linked(&old, why);
    }
}

/// The URLs of `routes` in one file's text: (route index, `line:column`,
/// whether its string policy renames it), one per literal.
fn urls_in(
    lang: Lang,
    text: &str,
    rules: &Rules,
    matcher: &Matcher,
    routes: &[(PathBuf, Vec<Segment>)],
) -> Vec<(usize, String, bool)> {
    let lines = Lines::new(text);
    let mut seen: Vec<Range<usize>> = Vec::new();
    let mut out = Vec::new();
    for hit in rules.prefilter().find_iter(text.as_bytes()) {
        let Some((span, literal)) = literal_at(lang, text, hit.start) else {
            continue;
        };
        if seen.contains(&span) {
            continue;
        }
        seen.push(span.clone());
        let Some(written) = url_path(&literal) else {
            continue;
        };
        let Some(route) = routes.iter().position(|(_, url)| matches(url, &written)) else {
            continue;
        };
        let words = &text[span.clone()];
        let renamed = case::tokens(words).into_iter().all(|t| {
            let word = &words[t];
            let outcome = matcher.map(word, Class::String);
            outcome.rules.is_empty() || (outcome.changed() && outcome.reports.is_empty())
        });
        let (line, column) = lines.position(span.start);
        out.push((route, format!("{line}:{column}"), renamed));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(path: &str) -> Option<String> {
        route(Path::new(path)).map(|u| show(&u))
    }

    #[test]
    fn routes_are_read_from_their_paths() {
        assert_eq!(
            url("web/app/(g)/sessions/[id]/page.tsx").as_deref(),
            Some("/sessions/[…]")
        );
        assert_eq!(
            url("app/api/session/route.ts").as_deref(),
            Some("/api/session")
        );
        assert_eq!(url("app/sessions/layout.tsx"), None);
        assert_eq!(url("app/_lib/session/page.tsx"), None);
        assert_eq!(
            url("pages/sessions/index.tsx").as_deref(),
            Some("/sessions")
        );
        assert_eq!(url("pages/api/session.ts").as_deref(), Some("/api/session"));
        assert_eq!(url("pages/_app.tsx"), None);
        assert_eq!(url("lib/session.ts"), None);
    }

    #[test]
    fn urls_in_strings_match_routes() {
        let sessions = route(Path::new("app/sessions/[id]/page.tsx")).unwrap();
        let check = |lang, line: &str| {
            let at = line.find("sessions").unwrap();
            let (_, lit) = literal_at(lang, line, at).unwrap();
            url_path(&lit).is_some_and(|w| matches(&sessions, &w))
        };
        assert!(check(Lang::TypeScript, "fetch(`/sessions/${id}`)"));
        assert!(check(Lang::TypeScript, "href=\"/sessions/1?tab=a\""));
        assert!(check(Lang::TypeScript, "get(`${base}/sessions/${s.id}/`)"));
        assert!(check(Lang::Python, "get(f\"https://x.io/sessions/{sid}\")"));
        assert!(!check(Lang::TypeScript, "href=\"/sessions\""));
        assert!(!check(Lang::TypeScript, "href=\"/sessions/1/stats\""));
        assert!(!check(Lang::TypeScript, "x('sessions/1')"));
    }
}
