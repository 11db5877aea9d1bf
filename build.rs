//! The version `--version` prints, with the commit retrace is built from:
//! `0.1.0 (abc1234)`; built outside a git checkout, the version alone.

use std::process::Command;

fn main() {
    let version = env!("CARGO_PKG_VERSION");
    let commit = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    match commit {
        Some(commit) => println!("cargo:rustc-env=RETRACE_VERSION={version} ({commit})"),
        None => println!("cargo:rustc-env=RETRACE_VERSION={version}"),
    }
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/refs");
}
