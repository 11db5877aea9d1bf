//! `retrace migrate`: the database change the rules imply. The schema is
//! read from PostgreSQL's own catalog, of a live database
//! (`--database-url`) or of a throwaway server into which the migration
//! history is replayed: the server itself is the one reader that follows
//! every statement a history holds (RLS policies, plpgsql bodies,
//! extensions), where a parser outside it would guess.

pub mod catalog;
pub mod clickhouse;
pub mod names;
pub mod plan;
pub mod postgres;
pub mod replay;
pub mod server;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::cli::{CompatViews, Dialect, Migrate};
use crate::config::matcher::Matcher;
use crate::config::Rules;
use crate::model::Class;
use catalog::Catalog;

/// Where the history lives, in the conventions `migrate` knows, first found
/// first (a project with Supabase's directory uses it).
const HISTORY_DIRS: [&str; 4] = [
    "supabase/migrations",
    "clickhouse/migrations",
    "db/migrations",
    "migrations",
];

/// Write (or print) the migration; the statements the replay could not
/// follow and the objects kept are said on stderr.
pub fn migrate(options: &Migrate, rules: &Rules, cwd: &Path, root: &Path) -> Result<()> {
    let history = match &options.schema {
        Some(dir) => Some(dir.clone()),
        None if options.database_url.is_some() => None,
        None => Some(find_history(cwd, root, options.dialect)?),
    };
    let matcher = Matcher::new(rules, |_| false);
    let rename = |name: &str| {
        let out = matcher.map(name, Class::Code);
        (out.kept.is_none() && out.new != name).then_some(out.new)
    };
    let dialect = match (options.dialect, history.as_deref()) {
        (Some(d), _) => d,
        (None, Some(h)) if is_clickhouse(h)? => Dialect::Clickhouse,
        (None, _) => Dialect::Postgres,
    };
    let (sql, step) = match (dialect, history.as_deref()) {
        (Dialect::Clickhouse, Some(h)) => clickhouse_migration(options, h, &rename)?,
        (Dialect::Clickhouse, None) => {
            bail!("ClickHouse's schema is read from its history: give --schema DIR")
        }
        (Dialect::Postgres, h) => postgres_migration(options, rules, h, cwd, root, &rename)?,
    }
    .unzip();
    let (Some(sql), Some(step)) = (sql, step) else {
        return Ok(());
    };
    write(
        options,
        history.as_deref(),
        &migration_name(rules, step, history.as_deref()),
        &sql,
    )
}

/// The migration text and the step that names its file; None (said on
/// stderr) when there is nothing to write.
type Written = Option<(String, &'static str)>;

fn postgres_migration(
    options: &Migrate,
    rules: &Rules,
    history: Option<&Path>,
    cwd: &Path,
    root: &Path,
    rename: &dyn Fn(&str) -> Option<String>,
) -> Result<Written> {
    let supabase = history.is_some_and(|h| h.ends_with("supabase/migrations"))
        || root.join("supabase").is_dir()
        || cwd.join("supabase").is_dir();
    let catalog = read_catalog(options, history, supabase)?;
    let plan = plan::plan(&catalog, rename);
    for collision in &plan.collisions {
        eprintln!("retrace: kept: {collision}");
    }
    let header = postgres::Header {
        title: &title(rules),
        supabase,
        compat: options.compat == CompatViews::Views,
    };
    Ok(if options.contract {
        if !catalog.relations.iter().any(|r| r.compat) {
            eprintln!(
                "retrace: no compat view ({}) in the schema: nothing to contract",
                postgres::COMPAT_MARKER
            );
            return Ok(None);
        }
        Some((postgres::contract(&catalog, &header), "drop_compat"))
    } else if plan.is_empty() {
        eprintln!("retrace: the rules rename nothing in the schema: no migration written");
        None
    } else if options.down {
        Some((postgres::down(&plan, &header), "revert"))
    } else {
        Some((postgres::up(&plan, &catalog, &header), "rename"))
    })
}

fn clickhouse_migration(
    options: &Migrate,
    history: &Path,
    rename: &dyn Fn(&str) -> Option<String>,
) -> Result<Written> {
    let mut schema = clickhouse::schema::Schema::default();
    let mut text = String::new();
    for file in replay::history_files(history)? {
        let script = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        for statement in replay::statements(&script) {
            schema.apply(&statement, &file.display().to_string());
        }
        text.push_str(&script);
    }
    for unread in &schema.unread {
        eprintln!("retrace: {unread}");
    }
    let (migration, step) = if options.contract {
        (clickhouse::contract(&text), "drop_compat")
    } else if options.down {
        (clickhouse::down(&schema, rename), "revert")
    } else {
        (clickhouse::up(&schema, rename), "rename")
    };
    for note in &migration.notes {
        eprintln!("retrace: kept: {note}");
    }
    if migration.changes == 0 {
        eprintln!("retrace: the rules rename nothing in the schema: no migration written");
        return Ok(None);
    }
    Ok(Some((migration.sql, step)))
}

/// A history whose statements create tables with `ENGINE =` is ClickHouse's.
fn is_clickhouse(history: &Path) -> Result<bool> {
    for file in replay::history_files(history)? {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let upper = text.to_ascii_uppercase();
        if upper.contains("ENGINE =") || upper.contains("ENGINE=") {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The history in the current directory, or in the nearest directory above
/// it up to the project's root (a monorepo keeps it in `app/supabase/`).
fn find_history(cwd: &Path, root: &Path, dialect: Option<Dialect>) -> Result<PathBuf> {
    let dirs: Vec<&Path> = match cwd.starts_with(root) {
        true => cwd
            .ancestors()
            .take_while(|d| d.starts_with(root))
            .collect(),
        false => vec![root],
    };
    dirs.iter()
        .flat_map(|dir| HISTORY_DIRS.iter().map(move |d| dir.join(d)))
        .filter(|d| dialect != Some(Dialect::Clickhouse) || d.ends_with("clickhouse/migrations"))
        .find(|d| replay::history_files(d).is_ok_and(|f| !f.is_empty()))
        .with_context(|| {
            format!(
                "no migration history found under {} (looked in {}): name it with --schema DIR, or a live database with --database-url",
                root.display(),
                HISTORY_DIRS.join(", ")
            )
        })
}

fn read_catalog(options: &Migrate, history: Option<&Path>, supabase: bool) -> Result<Catalog> {
    if let Some(url) = &options.database_url {
        let mut client = ::postgres::Client::connect(url, ::postgres::NoTls)
            .with_context(|| format!("cannot connect to {url}"))?;
        return Catalog::read(&mut client);
    }
    let Some(history) = history else {
        bail!("no schema to read: give --schema DIR or --database-url URL");
    };
    let files = replay::history_files(history)?;
    let server = server::Server::start()?;
    let mut client = server.connect()?;
    if supabase {
        client
            .batch_execute(replay::SUPABASE_PRELUDE)
            .context("cannot prepare the throwaway server as Supabase prepares a project")?;
    }
    for refused in replay::replay(&mut client, &files)? {
        eprintln!("retrace: {refused}");
    }
    Catalog::read(&mut client)
}

/// `session -> trace`: the first rule, which names the migration.
fn title(rules: &Rules) -> String {
    rules
        .renames
        .first()
        .map_or("rename".to_string(), |r| format!("{} -> {}", r.from, r.to))
}

/// The file name in the history's convention: a 14-digit timestamp
/// (Supabase's), or the next number at the width the history uses.
fn migration_name(rules: &Rules, step: &str, history: Option<&Path>) -> String {
    let words = rules.renames.first().map_or("rules".to_string(), |r| {
        format!("{}_to_{}", snake(&r.from), snake(&r.to))
    });
    let stem = format!("{step}_{words}.sql");
    let files = history
        .map(|h| replay::history_files(h).unwrap_or_default())
        .unwrap_or_default();
    let last = files
        .last()
        .and_then(|f| f.file_name()?.to_str().map(str::to_string));
    let digits = last
        .as_deref()
        .map(|l| {
            l.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
        .unwrap_or_default();
    if !digits.is_empty() && digits.len() < 14 {
        let next = digits.parse::<u64>().unwrap_or(0) + 1;
        return format!("{next:0width$}_{stem}", width = digits.len());
    }
    format!("{}_{stem}", timestamp())
}

fn snake(word: &str) -> String {
    word.to_ascii_lowercase()
        .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
}

/// Now, UTC, as YYYYMMDDHHMMSS.
fn timestamp() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil(days as i64);
    format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Days since 1970-01-01 as a proleptic Gregorian date (Howard Hinnant's
/// algorithm).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `-o -` prints; `-o FILE` writes there; otherwise the file goes into the
/// history directory (stdout when there is none).
fn write(options: &Migrate, history: Option<&Path>, name: &str, sql: &str) -> Result<()> {
    let path = match (&options.output, history) {
        (Some(p), _) if p.as_os_str() == "-" => None,
        (Some(p), _) => Some(p.clone()),
        (None, Some(h)) => Some(h.join(name)),
        (None, None) => None,
    };
    let Some(path) = path else {
        print!("{sql}");
        return Ok(());
    };
    if path.exists() {
        bail!(
            "{}: the file exists; migrate never overwrites one",
            path.display()
        );
    }
    std::fs::write(&path, sql).with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!("retrace: wrote {}", path.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_days() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(20_523), (2026, 3, 11));
        assert_eq!(civil(11_016), (2000, 2, 29));
    }
}
