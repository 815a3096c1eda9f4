//! Hostile and broken input (issue 8): what a build writes stays in
//! proportion to what it reads, feeds stay valid XML, and what `check`
//! passes `build` can write.

use std::fs;
use std::path::Path;

use hindsight::site::{BuildOptions, build};
use hindsight::validate;

/// A knowledge base in `root` with `config` appended to a minimal
/// `hindsight.toml`, and one post-mortem per `(file name, front matter)`.
fn write_kb(root: &Path, config: &str, posts: &[(&str, String)]) {
    fs::create_dir_all(root.join("postmortems")).unwrap();
    fs::write(
        root.join("hindsight.toml"),
        format!(
            "[site]\ntitle = \"Hostile\"\nbase_url = \"https://example.org/\"\n\n\
             [template]\nseverities = [\"SEV-1\", \"SEV-2\", \"SEV-3\"]\n\n{config}\n"
        ),
    )
    .unwrap();
    for (name, front) in posts {
        fs::write(root.join("postmortems").join(name), post(front)).unwrap();
    }
}

/// A post-mortem in review with every required section and `front` as its
/// front matter (which must set at least `services`).
fn post(front: &str) -> String {
    format!(
        "+++\ntitle = \"Checkout failed\"\ndate = 2025-03-14\nseverity = \"SEV-2\"\n\
         status = \"review\"\n{front}\n+++\n\n## Summary\n\nCheckout failed.\n\n\
         ## Impact\n\nUsers could not pay.\n\n## Timeline\n\n- 09:00 — It started.\n\n\
         ## Root Cause Analysis\n\nA pool ran out.\n\n## Lessons Learned\n\nWatch pools.\n"
    )
}

fn services(n: usize) -> String {
    let names: Vec<String> = (0..n).map(|k| format!("\"service-{k:03}\"")).collect();
    format!("services = [{}]", names.join(", "))
}

/// Checks the knowledge base (no errors allowed) and builds it; returns the
/// total size of the site.
fn check_and_build(root: &Path, out: &Path) -> usize {
    let report = validate::check(root).unwrap_or_else(|e| panic!("{e:?}"));
    let errors: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| hindsight::diag::render::human(d, false))
        .collect();
    assert!(errors.is_empty(), "check failed:\n{}", errors.join("\n"));
    let built = build(
        &report.kb,
        &BuildOptions {
            out: Some(out.to_path_buf()),
            ..BuildOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("build failed: {e}"));
    built.bytes
}

#[test]
fn lists_show_the_first_services_and_how_many_more() {
    let dir = tempfile::tempdir().unwrap();
    let (root, out) = (dir.path().join("kb"), dir.path().join("site"));
    write_kb(&root, "", &[("2025-03-14-big.md", services(12))]);
    check_and_build(&root, &out);
    let read = |rel: &str| fs::read_to_string(out.join(rel)).unwrap();
    // The card, on a service page: five chips and a link for the rest.
    let term = read("services/service-011/index.html");
    let card = &term[term.find("card-services").expect("a card")..];
    let card = &card[..card.find("</p>").unwrap()];
    assert_eq!(card.matches("class=\"chip\"").count(), 5, "{card}");
    assert!(
        card.contains("<a class=\"more\" href=\"/incidents/2025-03-14-big/\">and 7 more</a>"),
        "{card}"
    );
    // The incident page names them all.
    let page = read("incidents/2025-03-14-big/index.html");
    for k in 0..12 {
        assert!(
            page.contains(&format!(">service-{k:03}</a>")),
            "service {k}"
        );
    }
    // The incidents table shows five, and the data its filter reads has
    // all twelve.
    let table = read("incidents/index.html");
    assert_eq!(table.matches("class=\"chip\" href").count(), 5);
    let rows: serde_json::Value = serde_json::from_str(&read("incidents/data/0.json")).unwrap();
    assert_eq!(rows["rows"][0][4].as_array().unwrap().len(), 12);
}

#[test]
fn output_grows_in_proportion_to_a_list_when_the_limit_is_raised() {
    // One incident with n services has n service pages; each used to repeat
    // all n services. Doubling n must roughly double the site, not
    // quadruple it.
    let size = |n: usize| {
        let dir = tempfile::tempdir().unwrap();
        let (root, out) = (dir.path().join("kb"), dir.path().join("site"));
        write_kb(
            &root,
            "[limits]\nmax_list_items = 1000",
            &[("2025-03-14-big.md", services(n))],
        );
        check_and_build(&root, &out)
    };
    let (small, large) = (size(150), size(300));
    let growth = large as f64 / small as f64;
    assert!(
        growth < 2.3,
        "150 services: {small} bytes, 300: {large} bytes ({growth:.2}×)"
    );
}

#[test]
fn a_list_over_the_limit_is_a_resource_limit_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("kb");
    write_kb(
        &root,
        "[limits]\nmax_list_items = 10",
        &[("2025-03-14-big.md", services(11))],
    );
    let report = validate::check(&root).unwrap();
    let found: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == hindsight::diag::Rule::ResourceLimit)
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(
        found,
        ["`services` has 11 entries, over the limit of 10".to_string()]
    );
}

#[test]
fn control_characters_in_a_title_and_summary_leave_feeds_valid_xml() {
    let dir = tempfile::tempdir().unwrap();
    let (root, out) = (dir.path().join("kb"), dir.path().join("site"));
    write_kb(
        &root,
        "",
        &[(
            "2025-03-14-bell.md",
            // TOML has no raw control characters: they come in as escapes.
            "services = [\"checkout-api\"]\n\
             summary = \"Red \\u001b[31malert\\u001b[0m and a bell \\u0007.\""
                .to_string(),
        )],
    );
    let text = fs::read_to_string(root.join("postmortems/2025-03-14-bell.md")).unwrap();
    let text = text.replace(
        "title = \"Checkout failed\"",
        "title = \"Checkout \\u0007failed\"",
    );
    fs::write(root.join("postmortems/2025-03-14-bell.md"), text).unwrap();
    let report = validate::check(&root).unwrap();
    let pm = &report.kb.postmortems[0];
    // Dropped once, when the front matter is read (`check` warns).
    assert_eq!(*pm.title, "Checkout failed");
    assert!(!pm.details.summary.as_deref().unwrap().contains('\u{1b}'));
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.rule == hindsight::diag::Rule::ControlCharacter)
    );
    check_and_build(&root, &out);
    for rel in ["atom.xml", "services/checkout-api/atom.xml", "sitemap.xml"] {
        let xml = fs::read_to_string(out.join(rel)).unwrap();
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{rel}: {e}"));
        if rel.ends_with("atom.xml") {
            let title = doc
                .descendants()
                .find(|n| n.has_tag_name("entry"))
                .and_then(|e| e.children().find(|n| n.has_tag_name("title")))
                .and_then(|t| t.text())
                .unwrap();
            assert_eq!(title, "[SEV-2] Checkout failed");
            let summary = doc
                .descendants()
                .find(|n| n.has_tag_name("summary"))
                .and_then(|t| t.text())
                .unwrap();
            assert_eq!(summary, "Red [31malert[0m and a bell .");
        }
    }
    let page = fs::read_to_string(out.join("incidents/2025-03-14-bell/index.html")).unwrap();
    let title = &page[page.find("<title>").unwrap()..page.find("</title>").unwrap()];
    assert!(title.starts_with("<title>Checkout failed"), "{title:?}");
    let h1 = &page[page.find("<h1").unwrap()..];
    let h1 = &h1[..h1.find("</h1>").unwrap()];
    assert!(!h1.contains(['\u{7}', '\u{1b}']), "{h1:?}");
}

/// Post-mortems to write: file name and front matter.
type Posts = Vec<(&'static str, String)>;

/// Rules reported by `check`, by name.
fn rules(root: &Path) -> Vec<&'static str> {
    let report = validate::check(root).unwrap_or_else(|e| panic!("{e:?}"));
    report.diagnostics.iter().map(|d| d.rule.name()).collect()
}

#[test]
fn names_that_need_encoding_build_pages_their_links_reach() {
    // A file name with a space and a letter outside ASCII (its id), a tag
    // outside ASCII and a service just under the file-name limit: check is
    // green (the file names only warn), and the build writes every page
    // where its percent-encoded link leads once a web server decodes it.
    let dir = tempfile::tempdir().unwrap();
    let (root, out) = (dir.path().join("kb"), dir.path().join("site"));
    let long = "a".repeat(255);
    write_kb(
        &root,
        "",
        &[
            (
                "My Incident.md",
                "services = [\"checkout-api\"]\ntags = [\"Café\", \"Straße\"]".to_string(),
            ),
            ("2025-01-01-résumé.md", format!("services = [\"{long}\"]")),
        ],
    );
    assert!(!rules(&root).contains(&"unpublishable-path"));
    check_and_build(&root, &out);
    for (file, link) in [
        (
            "incidents/My Incident/index.html",
            "/incidents/My%20Incident/",
        ),
        (
            "incidents/2025-01-01-résumé/index.html",
            "/incidents/2025-01-01-r%C3%A9sum%C3%A9/",
        ),
        ("tags/café/index.html", "/tags/caf%C3%A9/"),
        ("tags/straße/index.html", "/tags/stra%C3%9Fe/"),
        (
            &format!("services/{long}/index.html"),
            &format!("/services/{long}/"),
        ),
    ] {
        assert!(out.join(file).is_file(), "{file}");
        let index = fs::read_to_string(out.join("incidents/index.html")).unwrap();
        let tags = fs::read_to_string(out.join("tags/index.html")).unwrap();
        let services = fs::read_to_string(out.join("services/index.html")).unwrap();
        let href = format!("href=\"{link}\"");
        assert!(
            index.contains(&href) || tags.contains(&href) || services.contains(&href),
            "a link {link}"
        );
    }
}

#[test]
fn names_build_cannot_write_are_reported_by_check() {
    let cases: [(&str, Posts); 4] = [
        (
            "a service over 255 bytes",
            vec![(
                "2025-03-14-a.md",
                format!("services = [\"{}\"]", "a".repeat(256)),
            )],
        ),
        (
            "a tag over 255 bytes once written as a folder",
            vec![(
                "2025-03-14-a.md",
                format!("services = [\"api\"]\ntags = [\"{}\"]", "é".repeat(128)),
            )],
        ),
        (
            "ids that differ in case",
            vec![
                ("Checkout-Down.md", "services = [\"api\"]".to_string()),
                (
                    "2025-03-14-b.md",
                    "id = \"checkout-down\"\nservices = [\"api\"]".to_string(),
                ),
            ],
        ),
        (
            "an id that is a file of the site",
            vec![("index.html.md", "services = [\"api\"]".to_string())],
        ),
    ];
    for (what, posts) in cases {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("kb");
        write_kb(&root, "", &posts);
        assert!(rules(&root).contains(&"unpublishable-path"), "{what}");
    }
    // Severities that share a folder: reported against hindsight.toml, and
    // the build (had check been skipped) fails.
    let dir = tempfile::tempdir().unwrap();
    let (root, out) = (dir.path().join("kb"), dir.path().join("site"));
    write_kb(
        &root,
        "",
        &[
            ("2025-03-14-a.md", "services = [\"api\"]".into()),
            ("2025-03-15-b.md", "services = [\"api\"]".into()),
        ],
    );
    for (file, severity) in [("2025-03-14-a.md", "SEV 1"), ("2025-03-15-b.md", "sev-1")] {
        let path = root.join("postmortems").join(file);
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, text.replace("\"SEV-2\"", &format!("\"{severity}\""))).unwrap();
    }
    let toml = fs::read_to_string(root.join("hindsight.toml")).unwrap();
    fs::write(
        root.join("hindsight.toml"),
        toml.replace(
            "[\"SEV-1\", \"SEV-2\", \"SEV-3\"]",
            "[\"SEV 1\", \"SEV-2\", \"sev-1\"]",
        ),
    )
    .unwrap();
    let report = validate::check(&root).unwrap();
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.rule.name() == "unpublishable-path")
        .expect("reported");
    let at = d.primary.as_ref().unwrap();
    assert!(at.source.path().ends_with("hindsight.toml"));
    assert_eq!(&at.source.text[at.span.clone()], "\"sev-1\"");
    let built = build(
        &report.kb,
        &BuildOptions {
            out: Some(out),
            ..BuildOptions::default()
        },
    );
    assert!(built.is_err(), "two severities, one folder");
}

#[test]
fn a_cause_page_lists_the_first_action_items_of_each_incident() {
    let dir = tempfile::tempdir().unwrap();
    let (root, out) = (dir.path().join("kb"), dir.path().join("site"));
    let mut front = String::from("services = [\"api\"]\n");
    for id in ["pool-exhaustion", "config-drift"] {
        front += &format!("\n[[root_causes]]\nid = \"{id}\"\nkind = \"root\"\n");
    }
    for k in 0..25 {
        front += &format!(
            "\n[[action_items]]\ntitle = \"Alert on queue depth {k:02}\"\nowner = \"sre\"\ndue = 2025-04-01\n"
        );
    }
    write_kb(&root, "", &[("2025-03-14-a.md", front)]);
    check_and_build(&root, &out);
    let read = |rel: &str| fs::read_to_string(out.join(rel)).unwrap();
    for cause in ["pool-exhaustion", "config-drift"] {
        let page = read(&format!("causes/{cause}/index.html"));
        assert_eq!(page.matches("class=\"item-title\"").count(), 20, "{cause}");
        assert!(page.contains("Alert on queue depth 19"));
        assert!(!page.contains("Alert on queue depth 20"));
        assert!(
            page.contains("href=\"/incidents/2025-03-14-a/#hs-action-items\">and 5 more</a>"),
            "{cause}"
        );
    }
    let page = read("incidents/2025-03-14-a/index.html");
    assert_eq!(page.matches("class=\"item-title\"").count(), 25);
}

#[test]
fn a_fix_that_did_not_hold_lists_its_first_items() {
    let dir = tempfile::tempdir().unwrap();
    let (root, out) = (dir.path().join("kb"), dir.path().join("site"));
    let cause =
        "services = [\"api\"]\n\n[[root_causes]]\nid = \"pool-exhaustion\"\nkind = \"root\"\n";
    let mut first = cause.to_string();
    for k in 0..22 {
        first += &format!(
            "\n[[action_items]]\ntitle = \"Cap the pool at size {k:02}\"\nowner = \"sre\"\n\
             due = 2025-04-01\nkind = \"prevent\"\nstatus = \"done\"\ncompleted = 2025-03-20\n"
        );
    }
    write_kb(
        &root,
        "",
        &[
            ("2025-03-14-a.md", first),
            ("2025-03-15-b.md", cause.to_string()),
        ],
    );
    let text = fs::read_to_string(root.join("postmortems/2025-03-15-b.md")).unwrap();
    fs::write(
        root.join("postmortems/2025-03-15-b.md"),
        text.replace("date = 2025-03-14", "date = 2025-06-01"),
    )
    .unwrap();
    check_and_build(&root, &out);
    let page = fs::read_to_string(out.join("causes/pool-exhaustion/index.html")).unwrap();
    let held = &page[page
        .find("not-held-items")
        .expect("a fix that did not hold")..];
    let held = &held[..held.find("</ul>").unwrap()];
    assert_eq!(held.matches("<strong>").count(), 20, "{held}");
    assert!(
        held.contains("href=\"/incidents/2025-03-14-a/#hs-action-items\">and 2 more</a>"),
        "{held}"
    );
}
