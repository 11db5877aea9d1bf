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
        &["diff", "-v"],
        &["apply", "-v"],
        &["survey", "-v"],
        &["explain", "-v", "Session"],
        &["explain", "-j", "2", "Session"],
        &["rules", "-j", "2"],
        &["migrate", "--format", "json"],
        &["apply", "--format", "json"],
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

/// Kept occurrences: JSON always lists them (`type: kept`); human output
/// counts them in its summary and lists the same ones with `-v`.
#[test]
fn kept_occurrences_are_listed_in_json_and_counted_in_human_output() {
    let dir = common::project(&[(
        "a.py",
        "import requests\n\ns = requests.Session()\nt = requests.Session()\nsession_id = 1\n",
    )]);
    let json = common::retrace(dir.path(), &["check", "--format", "json", "."]);
    let kept: Vec<String> = common::stdout(&json)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["type"] == "kept")
        .map(|v| format!("a.py:{}:{}:", v["line"], v["column"]))
        .collect();
    assert_eq!(kept, ["a.py:3:14:", "a.py:4:14:"]);
    let human = common::stdout(&common::retrace(dir.path(), &["check", "."]));
    assert!(human.contains("\nkept: 2 (third-party 2)\n"), "{human}");
    assert!(!human.contains(" kept: third-party"), "{human}");
    let verbose = common::stdout(&common::retrace(dir.path(), &["check", "-v", "."]));
    let listed: Vec<&str> = verbose
        .lines()
        .filter(|l| l.contains(" kept: "))
        .map(|l| &l[..l.match_indices(':').nth(2).unwrap().0 + 1])
        .collect();
    assert_eq!(listed, kept);
}

/// Where output goes: a command's report and its summary on stdout, but
/// `diff`'s summary on stderr, so that stdout is only the patch.
#[test]
fn summaries_go_with_the_report_but_a_patch_stays_clean() {
    let files = [("a.py", "session_id = 1\n")];
    let dir = common::project(&files);
    let summary = "files: 1 scanned, 1 to change, 0 skipped\n";
    let check = common::retrace(dir.path(), &["check", "."]);
    assert!(common::stdout(&check).contains(summary));
    assert!(common::stderr(&check).is_empty());
    let diff = common::retrace(dir.path(), &["diff", "."]);
    assert!(common::stdout(&diff).starts_with("diff --git a/a.py b/a.py\n"));
    assert!(!common::stdout(&diff).contains("files: "));
    assert!(common::stderr(&diff).starts_with(summary));
    let apply = common::retrace(dir.path(), &["apply", "."]);
    let printed = common::stdout(&apply);
    assert!(
        printed.starts_with("a.py: 1 name renamed\nfiles: 1 scanned, 1 changed"),
        "{printed}"
    );
    assert!(
        common::stderr(&apply).is_empty(),
        "{}",
        common::stderr(&apply)
    );
}
