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
    for command in [
        "check",
        "build",
        "serve",
        "search",
        "related",
        "stats",
        "export action-items",
        "import",
        "import pagerduty",
        "import opsgenie",
        "import slack",
        "new",
        "init",
        "completions",
        "man",
    ] {
        let heading = format!("## `hindsight {command}`");
        let args: Vec<&str> = command.split(' ').collect();
        expected = replace_block(&expected, Some(&heading), &help(&args))
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

/// A Markdown page's anchors (as mdBook makes them from headings), links
/// and fenced TOML blocks.
struct Page {
    anchors: Vec<String>,
    links: Vec<String>,
    toml_blocks: Vec<String>,
}

/// mdBook's heading id: letters, digits, `_` and `-` lowercased, spaces as
/// `-`, the rest dropped; a repeated heading gets `-1`, `-2`, ...
fn anchor_of(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c.to_ascii_lowercase())
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

fn read_page(text: &str) -> Page {
    use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
    let mut page = Page {
        anchors: Vec::new(),
        links: Vec::new(),
        toml_blocks: Vec::new(),
    };
    let mut heading: Option<(String, Option<String>)> = None;
    let mut toml: Option<String> = None;
    for event in Parser::new_ext(text, Options::all()) {
        match event {
            Event::Start(Tag::Heading { id, .. }) => {
                heading = Some((String::new(), id.map(|i| i.to_string())));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((text, id)) = heading.take() {
                    let base = id.unwrap_or_else(|| anchor_of(&text));
                    let mut anchor = base.clone();
                    let mut n = 0;
                    while page.anchors.contains(&anchor) {
                        n += 1;
                        anchor = format!("{base}-{n}");
                    }
                    page.anchors.push(anchor);
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((text, _)) = &mut heading {
                    text.push_str(&t);
                }
                if let Some(block) = &mut toml {
                    block.push_str(&t);
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => page.links.push(dest_url.to_string()),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) if &*lang == "toml" => {
                toml = Some(String::new());
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(block) = toml.take() {
                    page.toml_blocks.push(block);
                }
            }
            _ => {}
        }
    }
    page
}

/// Every page in `docs/SUMMARY.md` exists, every relative link of the
/// guide and the README leads to a file in the repository (never out of
/// it) and, with `#anchor`, to a heading of that page, and every `toml`
/// block parses (`toml invalid` marks one that shows an error on purpose):
/// what `mdbook build` would catch, and more, without mdBook.
#[test]
fn the_guide_stands_alone_every_page_link_anchor_and_toml_block_resolves() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = repo.join("docs");
    let summary = read_page(&fs::read_to_string(docs.join("SUMMARY.md")).unwrap());
    let mut files: Vec<std::path::PathBuf> = summary.links.iter().map(|l| docs.join(l)).collect();
    for file in &files {
        assert!(
            file.is_file(),
            "SUMMARY.md lists {} but it is missing",
            file.display()
        );
    }
    files.push(repo.join("README.md"));
    let mut problems = Vec::new();
    for file in &files {
        let page = read_page(&fs::read_to_string(file).unwrap());
        let name = file.strip_prefix(repo).unwrap().display().to_string();
        for link in &page.links {
            if link.contains("://") || link.starts_with("mailto:") {
                continue;
            }
            let (target, anchor) = link.split_once('#').unwrap_or((link, ""));
            let target_path = if target.is_empty() {
                file.clone()
            } else {
                file.parent().unwrap().join(target)
            };
            let Ok(resolved) = target_path.canonicalize() else {
                problems.push(format!("{name}: `{link}` leads to no file"));
                continue;
            };
            if !resolved.starts_with(repo.canonicalize().unwrap()) {
                problems.push(format!("{name}: `{link}` leads out of the repository"));
                continue;
            }
            if !anchor.is_empty() {
                let linked = read_page(&fs::read_to_string(&resolved).unwrap_or_default());
                if !linked.anchors.iter().any(|a| a == anchor) {
                    problems.push(format!("{name}: `{link}`: no heading `#{anchor}` there"));
                }
            }
        }
        for (i, block) in page.toml_blocks.iter().enumerate() {
            // Front matter is shown with its `+++` fences; a block that
            // shows a syntax error on purpose is marked `toml invalid`.
            let block: String = block
                .lines()
                .filter(|l| l.trim() != "+++")
                .map(|l| format!("{l}\n"))
                .collect();
            if let Err(e) = block.parse::<toml::Table>() {
                problems.push(format!("{name}: toml block {} does not parse: {e}", i + 1));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn anchors_are_made_as_mdbook_makes_them() {
    let page = read_page(
        "# Command line\n## `hindsight init`\n## Paths: must match!\n## Paths: must match!\n\
         ```toml\na = 1\n```\n[x](ci.md#the-workflow)\n",
    );
    assert_eq!(
        page.anchors,
        [
            "command-line",
            "hindsight-init",
            "paths-must-match",
            "paths-must-match-1"
        ]
    );
    assert_eq!(page.links, ["ci.md#the-workflow"]);
    assert_eq!(page.toml_blocks, ["a = 1\n"]);
}

/// The two pages that show `--format github` show the same lines, and
/// their `endColumn` is the last column (inclusive), as the binary writes
/// it: five characters from column 3 end at column 7.
#[test]
fn the_github_format_examples_agree() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let annotations = |page: &str| -> Vec<String> {
        fs::read_to_string(docs.join(page))
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("::error file=") || l.starts_with("::warning file="))
            .map(String::from)
            .collect()
    };
    let cli = annotations("cli.md");
    let ci = annotations("ci.md");
    assert!(!cli.is_empty());
    for line in &cli {
        assert!(
            ci.contains(line),
            "docs/cli.md shows a line docs/ci.md does not:\n{line}"
        );
    }
    assert!(
        cli.iter()
            .any(|l| l.contains("col=3,endColumn=7,title=hindsight timeline-order"))
    );

    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("hindsight.toml"), "[site]\ntitle = \"t\"\n").unwrap();
    fs::create_dir(dir.path().join("postmortems")).unwrap();
    fs::write(
        dir.path().join("postmortems/a.md"),
        "+++\ntitle = \"t\"\ndate = 2025-06-02\nseverity = \"SEV-3\"\nstatus = \"draft\"\nservices = [\"x\"]\n+++\n\n## Timeline\n\n- 2025-06-02 14:00 UTC — a.\n- 13:58 — b.\n",
    )
    .unwrap();
    let out = Command::cargo_bin("hindsight")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "--format", "github"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(",col=3,endColumn=7,title=hindsight timeline-order"),
        "{stdout}"
    );
}

/// The configuration page shows the `hindsight.toml` and `root-causes.toml`
/// that `init` writes, as it writes them (`HINDSIGHT_BLESS=1` rewrites
/// them).
#[test]
fn the_configuration_page_shows_the_files_init_writes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("acme-postmortems");
    Command::cargo_bin("hindsight")
        .unwrap()
        .arg("init")
        .arg(&root)
        .output()
        .unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/configuration.md");
    let page = fs::read_to_string(&path).unwrap();
    let mut expected = page.clone();
    for (intro, file) in [
        (
            "This is the file `hindsight init` writes.",
            "hindsight.toml",
        ),
        (
            "This is the catalogue `hindsight init` writes:",
            "root-causes.toml",
        ),
    ] {
        let written = fs::read_to_string(root.join(file)).unwrap();
        let from = expected
            .find(intro)
            .unwrap_or_else(|| panic!("no `{intro}`"));
        let open = expected[from..].find("```toml\n").unwrap() + from + "```toml\n".len();
        let close = expected[open..].find("```\n").unwrap() + open;
        expected = format!("{}{written}{}", &expected[..open], &expected[close..]);
    }
    if std::env::var_os("HINDSIGHT_BLESS").is_some() {
        fs::write(&path, &expected).unwrap();
        return;
    }
    assert!(
        page == expected,
        "docs/configuration.md shows other files than init writes (HINDSIGHT_BLESS=1 cargo test --test guide writes them)"
    );
}
