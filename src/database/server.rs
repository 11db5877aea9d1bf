//! A throwaway PostgreSQL server: a new cluster in a temporary directory,
//! listening only on a Unix socket inside it (no port to race for, nothing
//! reachable from outside), stopped and removed when dropped. `migrate`
//! replays a migration history into one to read the schema it builds, and
//! the tests apply generated migrations to one.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

/// The socket's port number: it only names the socket file.
const PORT: u16 = 5432;

pub struct Server {
    bin: PathBuf,
    /// Holds the cluster and the socket; removed after the server stops.
    dir: tempfile::TempDir,
    /// PostgreSQL refuses to run as root: then it runs as this user.
    user: Option<String>,
}

impl Server {
    /// Create and start a cluster. Fails with what to install when the
    /// server's programs are not found.
    pub fn start() -> Result<Server> {
        let bin = find_bin()?;
        let dir = tempfile::Builder::new()
            .prefix("retrace-pg-")
            .tempdir()
            .context("cannot create a directory for a throwaway PostgreSQL cluster")?;
        let user = as_root().then(|| "postgres".to_string());
        if let Some(user) = &user {
            let (uid, gid) = passwd_ids(user)?;
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid))
                .with_context(|| format!("cannot give {} to {user}", dir.path().display()))?;
        }
        let server = Server { bin, dir, user };
        let data = server.data();
        server.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        )?;
        let options = format!(
            "-k {} -p {PORT} -c listen_addresses='' -c fsync=off -c full_page_writes=off",
            server.socket_dir()
        );
        let log = format!("{}/log", server.socket_dir());
        server.run(
            "pg_ctl",
            &["-D", &data, "-o", &options, "-l", &log, "-w", "start"],
        )?;
        Ok(server)
    }

    /// A connection as the superuser to database `postgres`.
    pub fn connect(&self) -> Result<postgres::Client> {
        postgres::Config::new()
            .host_path(self.dir.path())
            .port(PORT)
            .user("postgres")
            .dbname("postgres")
            .connect(postgres::NoTls)
            .context("cannot connect to the throwaway PostgreSQL server")
    }

    /// The connection string of `connect`, for `--database-url`.
    pub fn url(&self) -> String {
        format!(
            "postgresql://postgres@/postgres?host={}&port={PORT}",
            self.socket_dir()
        )
    }

    fn socket_dir(&self) -> String {
        self.dir.path().display().to_string()
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn run(&self, program: &str, args: &[&str]) -> Result<()> {
        let program = self.bin.join(program);
        let mut command = match &self.user {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&program);
                c
            }
            None => Command::new(&program),
        };
        let output = command
            .args(args)
            .output()
            .with_context(|| format!("cannot run {}", program.display()))?;
        if !output.status.success() {
            bail!(
                "{} failed: {}",
                program.display(),
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Immediate: the cluster is thrown away, nothing needs to be flushed.
        let data = self.data();
        if let Err(e) = self.run("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"]) {
            eprintln!("retrace: stopping the throwaway PostgreSQL server: {e:#}");
        }
    }
}

/// The directory of `initdb`, `pg_ctl` and `postgres`: beside `pg_config
/// --bindir`'s answer, on PATH, or Debian's newest `/usr/lib/postgresql/N/bin`.
fn find_bin() -> Result<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.flatten().map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    // Newest version first: 15 before 9.
    debian.sort_by_key(|p| {
        let version = p.parent().and_then(Path::file_name);
        std::cmp::Reverse(version.and_then(|v| v.to_str()?.parse::<u32>().ok()))
    });
    on_path
        .into_iter()
        .chain(debian)
        .find(|dir| {
            ["initdb", "pg_ctl", "postgres"]
                .iter()
                .all(|p| dir.join(p).is_file())
        })
        .context(
            "replaying a migration history needs PostgreSQL's server programs \
             (initdb, pg_ctl, postgres; Debian: apt-get install postgresql), \
             or name a live database with --database-url",
        )
}

/// Whether this process runs as root (whom PostgreSQL refuses).
fn as_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// A user's uid and gid, from /etc/passwd.
fn passwd_ids(user: &str) -> Result<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").context("cannot read /etc/passwd")?;
    passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.first() == Some(&user) && f.len() > 3)
        .and_then(|f| Some((f[2].parse().ok()?, f[3].parse().ok()?)))
        .with_context(|| {
            format!(
                "PostgreSQL cannot run as root and there is no user {user} \
                 to run it as (Debian's postgresql package creates one)"
            )
        })
}
