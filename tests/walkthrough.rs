//! The README's "First migration" walk-through, run as written: every
//! `$ …` line of its `console` blocks runs in a shell, in order, on a
//! git copy of `testdata/walkthrough`, with this build of retrace first
//! on the PATH, and prints exactly the lines under it (stdout, then
//! stderr). A line that ends in `# exits N` exits N; every other, 0.

mod common;

use std::path::Path;
use std::process::Command;

use common::copy_tree;

const SECTION: &str = "## First migration: a walk-through\n";

/// One command of the walk-through and what it prints.
struct Step {
    command: String,
    exit: i32,
    output: String,
}

/// The steps of the README's walk-through, in order.
fn steps(readme: &str) -> Vec<Step> {
    let start = readme
        .find(SECTION)
        .expect("the README has the walk-through");
    let body = &readme[start + SECTION.len()..];
    let section = &body[..body.find("\n## ").unwrap_or(body.len())];
    let mut steps: Vec<Step> = Vec::new();
    let mut in_console = false;
    for line in section.lines() {
        match line {
            "```console" => in_console = true,
            "```" => in_console = false,
            _ if !in_console => {}
            _ => match line.strip_prefix("$ ") {
                Some(command) => {
                    let exit = command
                        .rsplit_once("# exits ")
                        .map_or(0, |(_, n)| n.trim().parse().expect("an exit code"));
                    steps.push(Step {
                        command: command.to_string(),
                        exit,
                        output: String::new(),
                    });
                }
                None => {
                    let step = steps.last_mut().expect("output follows a command");
                    step.output.push_str(line);
                    step.output.push('\n');
                }
            },
        }
    }
    steps
}

#[test]
fn the_readme_walk_through_runs_as_written_and_ends_green() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(repo.join("README.md")).unwrap();
    let steps = steps(&readme);
    assert!(steps.len() >= 8, "survey, starter, diff, apply and checks");
    assert!(
        steps.iter().any(|s| s.exit == 1) && steps.last().unwrap().exit == 0,
        "check fails after apply, then goes green with the baseline"
    );

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("first-migration");
    copy_tree(&repo.join("testdata/walkthrough"), &root);
    let bin = Path::new(env!("CARGO_BIN_EXE_retrace")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let shell = |command: &str| {
        Command::new("sh")
            .args(["-c", command])
            .current_dir(&root)
            .env("PATH", &path)
            .envs([
                ("GIT_AUTHOR_NAME", "t"),
                ("GIT_AUTHOR_EMAIL", "t@t"),
                ("GIT_COMMITTER_NAME", "t"),
                ("GIT_COMMITTER_EMAIL", "t@t"),
                ("GIT_CONFIG_GLOBAL", "/dev/null"),
                ("NO_COLOR", "1"),
            ])
            .output()
            .unwrap()
    };
    // The README's set-up block, which the reader runs by hand.
    let setup = shell("git init -q && git add -A && git commit -qm before");
    assert!(setup.status.success(), "{setup:?}");

    for step in &steps {
        let out = shell(&step.command);
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            out.status.code(),
            Some(step.exit),
            "$ {}\n{printed}",
            step.command
        );
        assert_eq!(
            printed.trim_end_matches('\n'),
            step.output.trim_end_matches('\n'),
            "$ {} prints what the README shows",
            step.command
        );
    }
    // The modules moved with their names.
    for moved in ["sdk/trace.py", "tests/test_trace.py", "web/traces.ts"] {
        assert!(root.join(moved).is_file(), "{moved}");
    }
}
