//! The command line explains itself: every argument and option of every
//! subcommand has help text, `--help` ends with the exit codes and where
//! the rule format is, and `--version` names the commit when built from a
//! git checkout.

mod common;

use clap::CommandFactory;

#[test]
fn every_argument_has_help_text() {
    let cli = retrace::cli::Cli::command();
    let mut missing = Vec::new();
    let commands = std::iter::once(&cli).chain(cli.get_subcommands());
    for command in commands {
        for arg in command.get_arguments() {
            let builtin = matches!(arg.get_id().as_str(), "help" | "version");
            if !builtin && arg.get_help().is_none() && arg.get_long_help().is_none() {
                missing.push(format!("{} {}", command.get_name(), arg.get_id()));
            }
        }
    }
    assert!(missing.is_empty(), "no help text: {missing:?}");
}

#[test]
fn help_ends_with_the_exit_codes_and_the_rule_format() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::retrace(dir.path(), &["--help"]);
    assert!(out.status.success());
    let help = common::stdout(&out);
    let tail = &help[help.find("Exit codes:").expect("exit codes in --help")..];
    for needed in [
        "0 success",
        "1 check found",
        "2 usage, rule or I/O error",
        "README.md",
    ] {
        assert!(tail.contains(needed), "{needed}: {tail}");
    }
}

#[test]
fn the_version_names_the_commit() {
    let dir = tempfile::tempdir().unwrap();
    let version = common::stdout(&common::retrace(dir.path(), &["--version"]));
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(repo)
        .output()
        .unwrap();
    let head = String::from_utf8(head.stdout).unwrap();
    let expected = match head.trim() {
        "" => format!("retrace {}\n", env!("CARGO_PKG_VERSION")),
        commit => format!("retrace {} ({commit})\n", env!("CARGO_PKG_VERSION")),
    };
    assert_eq!(version, expected);
}

#[test]
fn explain_of_a_dotted_name_says_it_is_kept_when_the_module_is_theirs() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::stdout(&common::retrace(
        dir.path(),
        &["explain", "requests.Session", "window.sessionStorage"],
    ));
    assert!(
        out.contains("requests.Session\n  kept (third-party: requests) where `requests` is a third-party import"),
        "{out}"
    );
    assert!(
        out.contains("kept: `sessionStorage` matches [keep] names `sessionStorage`"),
        "{out}"
    );
}

#[test]
fn options_that_mean_nothing_to_a_command_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["man", "--format", "sarif"][..],
        &["man", "-v"],
        &["completions", "bash", "-j", "2"],
        &["init", "--rules", "x.toml"],
    ] {
        let out = common::retrace(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(common::stderr(&out).starts_with("retrace: "), "{args:?}");
    }
    assert!(
        !dir.path().join("retrace.toml").exists(),
        "init wrote nothing"
    );
    let man = common::retrace(dir.path(), &["man"]);
    assert!(man.status.success() && common::stdout(&man).starts_with(".ie"));
}

#[test]
fn explain_speaks_json_too() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::retrace(
        dir.path(),
        &["explain", "--format", "json", "Session", "obsession"],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    let lines: Vec<serde_json::Value> = common::stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["type"], "explain");
    assert_eq!(lines[0]["classes"]["code"]["outcome"], "renamed");
    assert_eq!(lines[0]["classes"]["code"]["new"], "Trace");
    assert_eq!(lines[0]["classes"]["string"]["outcome"], "reported");
    assert_eq!(lines[1]["classes"]["code"]["outcome"], "unchanged");
    let notes = lines[1]["notes"][0].as_str().unwrap();
    assert!(notes.starts_with("kept: an English word"), "{notes}");
    let sarif = common::retrace(dir.path(), &["explain", "--format", "sarif", "Session"]);
    assert_eq!(sarif.status.code(), Some(2));
}

#[test]
fn write_baseline_before_a_path_takes_no_path_for_its_file() {
    let dir = common::project(&[("a.py", "x = \"Session\"\n")]);
    let out = common::retrace(dir.path(), &["check", "--write-baseline", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    assert!(dir.path().join(".retrace-baseline.json").is_file());
    let again = common::retrace(
        dir.path(),
        &["check", "--baseline", ".retrace-baseline.json", "."],
    );
    assert_eq!(again.status.code(), Some(0), "{}", common::stderr(&again));
    let named = common::retrace(dir.path(), &["check", "--write-baseline=other.json", "."]);
    assert_eq!(named.status.code(), Some(0));
    assert!(dir.path().join("other.json").is_file());
}
