//! `hindsight build` on a post-mortem whose body attacks the page: heading
//! attributes that once became live handlers, raw HTML, and control
//! characters in the summary and body that once made `atom.xml` unreadable.
//! The build succeeds (these are warnings) and the output is clean.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use scraper::{Html, Selector};

mod common;

const HOSTILE: &str = "
## Notes {#x\"/autofocus/tabindex=\"0\"/onfocus=\"alert(1)\"}

Bell\u{7} and &#x1B; in the body.

## More {tabindex=0 autofocus onfocus=alert(1) style=x}

<img src=x onerror=alert(1)>

### Kept {#kept-id .cls}
";

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

/// A knowledge base with one valid post-mortem, made hostile.
fn hostile_kb(root: &Path) {
    let posts = root.join("postmortems");
    fs::create_dir_all(&posts).unwrap();
    fs::copy(
        fixtures().join("kb/hindsight.toml"),
        root.join("hindsight.toml"),
    )
    .unwrap();
    let valid = fs::read_to_string(fixtures().join("valid/2025-06-02-payments-cert-expiry.md"))
        .unwrap()
        .replace(
            "## Summary\n\nAt 07:58 UTC",
            "## Summary\n\nAt\u{7} 07:58 UTC",
        )
        // The front-matter summary would win over the body's.
        .replace("\nsummary = ", "\n# summary = ");
    fs::write(posts.join("hostile.md"), valid + HOSTILE).unwrap();
}

#[test]
fn hostile_markdown_builds_to_clean_pages_and_feeds() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("kb");
    let out = dir.path().join("out");
    hostile_kb(&root);

    let check = Command::cargo_bin("hindsight")
        .unwrap()
        .args(["check", "--color", "never"])
        .arg(&root)
        .assert()
        .success();
    let report = String::from_utf8_lossy(&check.get_output().stdout).into_owned()
        + &String::from_utf8_lossy(&check.get_output().stderr);
    assert_eq!(
        report.matches("[heading-attributes]").count(),
        3,
        "{report}"
    );
    assert_eq!(report.matches("[control-character]").count(), 3, "{report}");

    common::build_site(&root, &out);

    let page = out.join("incidents/payments-acquirer-cert-expiry/index.html");
    let doc = Html::parse_document(&fs::read_to_string(&page).unwrap());
    for element in doc.select(&Selector::parse("*").unwrap()) {
        for (name, value) in element.value().attrs() {
            assert!(
                !name.starts_with("on") && name != "autofocus",
                "{name}={value:?} on <{}>",
                element.value().name()
            );
        }
    }
    // The theme may make a wide table focusable; a heading has only its id,
    // and its anchor only what the renderer writes.
    for heading in doc.select(&Selector::parse(".prose h2, .prose h3").unwrap()) {
        let names: Vec<&str> = heading.value().attrs().map(|(name, _)| name).collect();
        assert!(names.is_empty() || names == ["id"], "{names:?}");
        for a in heading.select(&Selector::parse("a").unwrap()) {
            let mut names: Vec<&str> = a.value().attrs().map(|(name, _)| name).collect();
            names.sort();
            assert_eq!(names, ["aria-label", "class", "href"]);
        }
    }
    let ids: Vec<&str> = doc
        .select(&Selector::parse(".prose h2[id], .prose h3[id]").unwrap())
        .filter_map(|h| h.value().attr("id"))
        .collect();
    for id in ["notes", "more", "kept-id"] {
        assert!(ids.contains(&id), "{id} not in {ids:?}");
    }
    assert!(
        doc.select(&Selector::parse("img[onerror]").unwrap())
            .next()
            .is_none()
    );

    // No control character in any file, and every feed is XML.
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(text) = fs::read_to_string(entry.path()) else {
            continue;
        };
        assert!(
            !text.contains(hindsight::text::is_forbidden_control),
            "a control character in {}",
            entry.path().display()
        );
        if entry.path().extension().is_some_and(|e| e == "xml") {
            roxmltree::Document::parse(&text)
                .unwrap_or_else(|e| panic!("{}: {e}", entry.path().display()));
        }
    }
}
