//! `hindsight completions` and `hindsight man`: generated from the command
//! line's definition, so they name every command; checked by the shells
//! and groff themselves where they are installed.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::hindsight_ok;

const COMMANDS: [&str; 10] = [
    "check",
    "build",
    "new",
    "init",
    "search",
    "related",
    "stats",
    "export",
    "completions",
    "man",
];

/// Whether `program` runs here. Under `CI=true` it must (`.ci/run`
/// installs it); elsewhere its check is skipped with a message.
fn installed(program: &str) -> bool {
    let found = Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{program} is not installed (.ci/run installs it)"
        );
        eprintln!("{program} is not installed: its check is skipped");
    }
    found
}

/// `program args` reading `input`: its exit status and stderr.
fn pipe(program: &str, args: &[&str], input: &[u8]) -> (bool, String) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn completion_scripts_name_every_command_and_parse() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = String::from_utf8(hindsight_ok(&["completions", shell])).unwrap();
        for command in COMMANDS {
            assert!(script.contains(command), "{shell} completes `{command}`");
        }
        // Options of a command complete too (fish writes them `-l quarter`).
        assert!(
            script.contains("quarter") && script.contains("overdue"),
            "{shell}"
        );
    }
    // The shells read them without a syntax error (`-n`: parse, do not run).
    for shell in ["bash", "zsh", "fish"] {
        if !installed(shell) {
            continue;
        }
        let script = hindsight_ok(&["completions", shell]);
        let (ok, err) = pipe(shell, &["-n"], &script);
        assert!(ok, "{shell} -n: {err}");
    }
}

#[test]
fn the_manual_page_renders_without_warnings_and_names_every_command() {
    let page = hindsight_ok(&["man"]);
    let text = String::from_utf8(page.clone()).unwrap();
    assert!(
        text.contains(".TH hindsight 1"),
        "{}",
        &text[..200.min(text.len())]
    );
    for command in COMMANDS {
        assert!(text.contains(command), "the page names `{command}`");
    }
    if installed("groff") {
        // -ww: every warning; -z: no output, only the check.
        let (ok, err) = pipe("groff", &["-man", "-Tutf8", "-ww", "-z"], &page);
        assert!(ok && err.is_empty(), "groff: {err}");
    }

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    hindsight_ok(&["man".as_ref(), "--out".as_ref(), out.as_os_str()]);
    for page in [
        "hindsight.1",
        "hindsight-stats.1",
        "hindsight-export-action-items.1",
    ] {
        let body = std::fs::read_to_string(out.join(page)).unwrap();
        assert!(body.starts_with(".ie"), "{page}");
    }
    for command in COMMANDS {
        assert!(
            out.join(format!("hindsight-{command}.1")).is_file(),
            "{command}"
        );
    }
}
