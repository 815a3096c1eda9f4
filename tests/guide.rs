//! The guide says what the binary does: the command-line page shows each
//! command's `--help` as the binary prints it.
//!
//! After changing a command's help, `HINDSIGHT_BLESS=1 cargo test --test
//! guide` writes the new text into `docs/cli.md`.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

/// `hindsight ARGS --help`, with the trailing spaces clap leaves on blank
/// lines removed (the guide's editor would strip them).
fn help(args: &[&str]) -> String {
    let output = Command::cargo_bin("hindsight")
        .unwrap()
        .args(args)
        .arg("--help")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let mut out: String = text
        .lines()
        .map(|l| l.trim_end().to_string() + "\n")
        .collect();
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// `page` with the ```text block that follows `heading` (the first block
/// of the page for `None`) replaced by `text`; `None` if there is no such
/// block before the next `## ` heading.
fn replace_block(page: &str, heading: Option<&str>, text: &str) -> Option<String> {
    let from = match heading {
        Some(h) => page.find(&format!("\n{h}\n"))? + h.len() + 2,
        None => 0,
    };
    let section_end = page[from..].find("\n## ").map_or(page.len(), |i| from + i);
    let open = page[from..section_end].find("```text\n")? + from + "```text\n".len();
    let close = page[open..].find("```\n")? + open;
    Some(format!("{}{text}{}", &page[..open], &page[close..]))
}

#[test]
fn the_command_line_page_shows_each_commands_help_as_the_binary_prints_it() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/cli.md");
    let page = fs::read_to_string(&path).unwrap();
    let mut expected = replace_block(&page, None, &help(&[])).expect("the page opens with a block");
    for command in ["check", "build", "search", "related", "new", "init"] {
        let heading = format!("## `hindsight {command}`");
        expected = replace_block(&expected, Some(&heading), &help(&[command]))
            .unwrap_or_else(|| panic!("docs/cli.md has no ```text block under {heading}"));
    }
    if std::env::var_os("HINDSIGHT_BLESS").is_some() {
        fs::write(&path, &expected).unwrap();
        return;
    }
    if page != expected {
        let diff: Vec<String> = page
            .lines()
            .zip(expected.lines())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .take(5)
            .map(|(i, (a, b))| format!("line {}:\n  page: {a}\n  help: {b}", i + 1))
            .collect();
        panic!(
            "docs/cli.md differs from --help (HINDSIGHT_BLESS=1 cargo test --test guide writes it):\n{}",
            diff.join("\n")
        );
    }
}
