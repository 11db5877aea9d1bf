//! Replaying a migration history into a throwaway server, statement by
//! statement: a statement the server refuses is reported with its file and
//! line, and the replay goes on, as a reader of history must.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::analyze::classify::sql::quoted_end;

/// What Supabase creates before a project's first migration runs, in the
/// shape its migrations use: the API roles and their default privileges,
/// `auth`'s functions reading the request's JWT claims (as PostgREST sets
/// them) and its users table, and `storage`'s tables. Platform extensions
/// (`pg_jsonschema`) are not here: their statements are reported.
pub const SUPABASE_PRELUDE: &str = "
CREATE ROLE anon NOLOGIN;
CREATE ROLE authenticated NOLOGIN;
CREATE ROLE service_role NOLOGIN BYPASSRLS;
CREATE ROLE authenticator NOINHERIT LOGIN;
GRANT anon, authenticated, service_role TO authenticator;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
  GRANT ALL ON TABLES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
  GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
CREATE SCHEMA auth;
CREATE SCHEMA extensions;
CREATE SCHEMA storage;
CREATE TABLE storage.buckets (id text PRIMARY KEY, name text NOT NULL, owner uuid,
  created_at timestamptz DEFAULT now(), updated_at timestamptz DEFAULT now(),
  public boolean DEFAULT false, avif_autodetection boolean DEFAULT false,
  file_size_limit bigint, allowed_mime_types text[], owner_id text);
CREATE TABLE storage.objects (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  bucket_id text REFERENCES storage.buckets (id), name text, owner uuid,
  created_at timestamptz DEFAULT now(), updated_at timestamptz DEFAULT now(),
  last_accessed_at timestamptz DEFAULT now(), metadata jsonb, path_tokens text[],
  version text, owner_id text);
ALTER TABLE storage.objects ENABLE ROW LEVEL SECURITY;
CREATE FUNCTION storage.foldername(name text) RETURNS text[] LANGUAGE sql IMMUTABLE AS
  $$ SELECT (string_to_array(name, '/'))[1:array_length(string_to_array(name, '/'), 1) - 1] $$;
CREATE TABLE auth.users (id uuid PRIMARY KEY, email text);
CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS
  $$ SELECT nullif(current_setting('request.jwt.claims', true), '')::jsonb $$;
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS
  $$ SELECT (auth.jwt() ->> 'sub')::uuid $$;
CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS
  $$ SELECT auth.jwt() ->> 'role' $$;
GRANT USAGE ON SCHEMA auth, storage TO anon, authenticated, service_role;
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
";

/// A statement the server refused.
#[derive(Debug)]
pub struct Refused {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: not replayed: {}",
            self.file.display(),
            self.line,
            self.message
        )
    }
}

/// The history's `.sql` files, in the order they were applied (by name:
/// every convention prefixes a timestamp or a number).
pub fn history_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()
        .with_context(|| format!("cannot read {}", dir.display()))?;
    files.retain(|p| p.extension().is_some_and(|e| e == "sql") && p.is_file());
    files.sort();
    Ok(files)
}

/// Run every statement of `files` in order; the refused ones are returned.
pub fn replay(client: &mut postgres::Client, files: &[PathBuf]) -> Result<Vec<Refused>> {
    let mut refused = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        for statement in statements(&text) {
            // Each statement commits on its own: one refused statement must
            // not abort the rest of its file's transaction block.
            if is_transaction_control(statement.text) {
                continue;
            }
            if let Err(e) = client.batch_execute(statement.text) {
                refused.push(Refused {
                    file: file.clone(),
                    line: statement.line,
                    message: e
                        .as_db_error()
                        .map_or(e.to_string(), |d| d.message().to_string()),
                });
            }
        }
    }
    Ok(refused)
}

fn is_transaction_control(statement: &str) -> bool {
    let first = statement
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(
        first.trim_end_matches(';'),
        "begin" | "commit" | "end" | "rollback" | "start"
    )
}

/// One statement of a script, and the line it starts on (1-based).
#[derive(Debug, PartialEq)]
pub struct Statement<'t> {
    pub text: &'t str,
    pub line: usize,
}

/// A script's statements, split at the semicolons outside quotes,
/// comments and dollar-quoted bodies. psql's backslash commands are
/// dropped (the server does not know them).
pub fn statements<'t>(text: &'t str) -> Vec<Statement<'t>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let push = |from: usize, to: usize, out: &mut Vec<Statement<'t>>| {
        let piece = &text[from..to];
        let code = strip_comments(piece);
        if !code.trim().is_empty() && !code.trim_start().starts_with('\\') {
            let skipped = piece.len() - piece.trim_start().len();
            let line = 1 + bytecount::count(&bytes[..from + skipped], b'\n');
            out.push(Statement {
                text: piece.trim(),
                line,
            });
        }
    };
    while i < bytes.len() {
        i = match bytes[i] {
            b'\'' | b'"' => quoted_end(bytes, i, bytes.len(), bytes[i]),
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n + 1)
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => block_comment_end(bytes, i),
            b'$' => dollar_quote_end(text, i).unwrap_or(i + 1),
            b';' => {
                push(start, i + 1, &mut out);
                start = i + 1;
                i + 1
            }
            _ => i + 1,
        };
    }
    push(start, bytes.len(), &mut out);
    out
}

/// After a `/* … */` comment, which nests in PostgreSQL.
fn block_comment_end(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 0;
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

/// After the body of a dollar quote opening at `i` (`$$` or `$tag$`), or
/// None when `$` does not open one (a parameter such as `$1`).
fn dollar_quote_end(text: &str, i: usize) -> Option<usize> {
    let rest = &text[i + 1..];
    let tag_len = rest.find('$')?;
    let tag = &rest[..tag_len];
    let starts_well = tag.chars().next().is_none_or(|c| !c.is_ascii_digit());
    if !starts_well || !tag.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let delimiter = &text[i..i + tag_len + 2];
    let body = i + delimiter.len();
    Some(
        text[body..]
            .find(delimiter)
            .map_or(text.len(), |n| body + n + delimiter.len()),
    )
}

/// A piece's text without its `--` comment lines, to tell whether
/// anything but comments is left.
fn strip_comments(piece: &str) -> String {
    piece
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(script: &str) -> Vec<(&str, usize)> {
        statements(script)
            .into_iter()
            .map(|s| (s.text, s.line))
            .collect()
    }

    #[test]
    fn splits_at_semicolons_outside_quotes_comments_and_bodies() {
        let script = "-- a; comment\nCREATE TABLE a (x text DEFAULT 'a;b');\n\
                      CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n\
                      /* x; /* nested; */ y; */ SELECT \"a;\" FROM a WHERE x = $1;\n\\echo hi\n";
        assert_eq!(
            texts(script),
            vec![
                ("-- a; comment\nCREATE TABLE a (x text DEFAULT 'a;b');", 1),
                (
                    "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;",
                    3
                ),
                (
                    "/* x; /* nested; */ y; */ SELECT \"a;\" FROM a WHERE x = $1;",
                    4
                ),
            ]
        );
    }

    #[test]
    fn a_comment_after_the_last_statement_is_no_statement() {
        assert_eq!(texts("SELECT 1;\n-- done\n"), vec![("SELECT 1;", 1)]);
    }

    #[test]
    fn transaction_control_is_recognized() {
        assert!(is_transaction_control("BEGIN;"));
        assert!(is_transaction_control("commit"));
        assert!(!is_transaction_control("CREATE TABLE begin_x ()"));
    }
}
