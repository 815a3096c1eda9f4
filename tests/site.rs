//! `hindsight build` on content-example: every page, every link, and the
//! promises about output (deterministic, atomic, never deleting what is not ours).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use assert_cmd::Command;
use scraper::Html;

mod common;
use common::{copy_dir, example, sel};

/// 2026-11-27, so overdue badges do not change with the calendar.
const EPOCH: &str = "1795737600";

fn build(kb: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("hindsight")
        .unwrap()
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .arg("build")
        .arg(kb)
        .arg("-o")
        .arg(out)
        .args(extra)
        .assert()
}

/// Every file below `dir`: relative path → bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, fs::read(e.path()).unwrap())
        })
        .collect()
}

fn html(out: &Path, rel: &str) -> Html {
    let path = out.join(rel);
    Html::parse_document(
        &fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
}

fn hrefs(doc: &Html) -> BTreeSet<String> {
    doc.select(&sel("a[href]"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect()
}

/// Post-mortem stems of content-example by status.
fn example_ids(include_drafts: bool) -> Vec<String> {
    let mut ids = Vec::new();
    for entry in fs::read_dir(example().join("postmortems")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if name.starts_with('_') || !name.ends_with(".md") {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        if !include_drafts && text.contains("status = \"draft\"") {
            continue;
        }
        ids.push(name.trim_end_matches(".md").to_string());
    }
    ids.sort();
    ids
}

#[test]
fn every_incident_has_a_page_with_its_title_as_h1() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    build(&example(), &out, &[]).success();
    let ids = example_ids(false);
    assert!(ids.len() >= 12);
    for id in &ids {
        let doc = html(&out, &format!("incidents/{id}/index.html"));
        let h1: Vec<_> = doc.select(&sel("h1")).collect();
        assert_eq!(h1.len(), 1, "{id}: one h1");
        let title = common::title(&doc);
        assert!(
            title.contains(h1[0].text().collect::<String>().trim()),
            "{id}: <title> has the h1"
        );
    }
    // Drafts are left out unless asked for.
    let drafts: Vec<_> = example_ids(true)
        .into_iter()
        .filter(|id| !ids.contains(id))
        .collect();
    assert!(!drafts.is_empty());
    for id in &drafts {
        assert!(
            !out.join(format!("incidents/{id}")).exists(),
            "draft {id} is not built"
        );
    }
    let with_drafts = dir.path().join("with-drafts");
    build(&example(), &with_drafts, &["--drafts"]).success();
    for id in &drafts {
        assert!(
            with_drafts
                .join(format!("incidents/{id}/index.html"))
                .is_file()
        );
    }
}

#[test]
fn shared_root_causes_link_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    build(&example(), &out, &[]).success();
    // cause id -> incidents, read from the front matter.
    let mut causes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for id in example_ids(false) {
        let text = fs::read_to_string(example().join(format!("postmortems/{id}.md"))).unwrap();
        let front = text.split("+++").nth(1).unwrap();
        let value: toml::Table = toml::from_str(front).unwrap();
        for cause in value
            .get("root_causes")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            let cause_id = cause["id"].as_str().unwrap().to_string();
            causes.entry(cause_id).or_default().push(id.clone());
        }
    }
    let shared: Vec<_> = causes.iter().filter(|(_, list)| list.len() >= 2).collect();
    assert!(shared.len() >= 3, "content-example has recurring causes");
    for (cause, incidents) in shared {
        let cause_page = hrefs(&html(&out, &format!("causes/{cause}/index.html")));
        for a in incidents {
            assert!(
                cause_page.contains(&format!("/incidents/{a}/")),
                "cause {cause} lists {a}"
            );
            let page = hrefs(&html(&out, &format!("incidents/{a}/index.html")));
            assert!(
                page.contains(&format!("/causes/{cause}/")),
                "{a} links to cause {cause}"
            );
            for b in incidents.iter().filter(|b| *b != a) {
                assert!(
                    page.contains(&format!("/incidents/{b}/")),
                    "{a} links to recurrence {b} ({cause})"
                );
            }
        }
    }
}

/// Follows every internal href and src of every HTML page; also checks
/// `#fragment`s point at an element with that id.
fn check_links(out: &Path, base_path: &str) {
    let files = tree(out);
    let mut checked = 0;
    for (rel, bytes) in &files {
        if !rel.ends_with(".html") {
            continue;
        }
        let doc = Html::parse_document(std::str::from_utf8(bytes).unwrap());
        let ids: BTreeSet<&str> = doc
            .select(&sel("[id]"))
            .map(|e| e.value().attr("id").unwrap())
            .collect();
        for element in doc.select(&sel("[href], [src]")) {
            let link = element
                .value()
                .attr("href")
                .or(element.value().attr("src"))
                .unwrap();
            if link.starts_with("http://") || link.starts_with("https://") {
                assert!(
                    !link.starts_with("https://example.org/")
                        || link.starts_with(&format!("https://example.org{base_path}")),
                    "{rel}: absolute link outside the base: {link}"
                );
                continue;
            }
            if link.starts_with("mailto:") {
                continue;
            }
            if let Some(fragment) = link.strip_prefix('#') {
                assert!(
                    fragment.is_empty() || ids.contains(fragment),
                    "{rel}: no element with id `{fragment}`"
                );
                continue;
            }
            assert!(
                link.starts_with(base_path),
                "{rel}: link {link} does not start with the base path {base_path}"
            );
            let path = link[base_path.len()..].split(['#', '?']).next().unwrap();
            let path = percent_decode(path);
            let target = if path.is_empty() || path.ends_with('/') {
                format!("{path}index.html")
            } else {
                path.to_string()
            };
            assert!(
                files.contains_key(&target),
                "{rel}: broken link {link} (no {target})"
            );
            checked += 1;
        }
    }
    assert!(checked > 500, "checked {checked} links");
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn no_internal_link_is_broken_at_the_root_or_under_a_sub_path() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    build(&example(), &root, &[]).success();
    check_links(&root, "/");
    let sub = dir.path().join("sub");
    build(
        &example(),
        &sub,
        &["--base-url", "https://example.org/sub/"],
    )
    .success();
    check_links(&sub, "/sub/");
    let sitemap = fs::read_to_string(sub.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://example.org/sub/incidents/"));
}

#[test]
fn feeds_and_sitemap_are_well_formed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    build(&example(), &out, &["--base-url", "https://example.org/"]).success();
    let files = tree(&out);
    let feeds: Vec<_> = files.keys().filter(|k| k.ends_with("atom.xml")).collect();
    assert!(feeds.len() > 10, "site, service and cause feeds");
    assert!(files.contains_key("services/checkout-api/atom.xml"));
    assert!(files.contains_key("causes/connection-pool-exhaustion/atom.xml"));
    for rel in feeds.iter().copied().chain([&"sitemap.xml".to_string()]) {
        let text = std::str::from_utf8(&files[rel]).unwrap();
        let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{rel}: {e}"));
        if rel.ends_with("atom.xml") {
            assert_eq!(doc.root_element().tag_name().name(), "feed");
            assert!(
                doc.descendants().any(|n| n.has_tag_name("entry")),
                "{rel} has entries"
            );
        }
    }
    for file in [
        "404.html",
        "robots.txt",
        "sitemap.xml",
        "index.html",
        "incidents/index.html",
        "causes/index.html",
    ] {
        assert!(files.contains_key(file), "{file}");
    }
}

#[test]
fn output_is_byte_identical_across_builds_and_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    let mut trees = Vec::new();
    // 8 threads: many small runs of documents folded and joined (the
    // search export's statistics are counted so).
    for (name, threads) in [("a", "2"), ("b", "2"), ("c", "1"), ("d", "8")] {
        let out = dir.path().join(name);
        Command::cargo_bin("hindsight")
            .unwrap()
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .env("RAYON_NUM_THREADS", threads)
            .args(["build", "--drafts"])
            .arg(example())
            .arg("-o")
            .arg(&out)
            .assert()
            .success();
        trees.push(tree(&out));
    }
    assert!(trees[0].len() > 100);
    assert!(trees[0] == trees[1], "two builds differ");
    assert!(trees[0] == trees[2], "1 and 2 threads differ");
    assert!(trees[0] == trees[3], "8 and 2 threads differ");
}

#[test]
fn a_failing_build_leaves_the_previous_site_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("kb");
    copy_dir(&example(), &kb);
    let out = dir.path().join("site");
    build(&kb, &out, &[]).success();
    let before = tree(&out);

    // A validation error.
    fs::write(
        kb.join("postmortems/2099-01-01-broken.md"),
        "+++\ntitle = \n+++\n",
    )
    .unwrap();
    build(&kb, &out, &[])
        .code(1)
        .stderr(predicates::str::contains("not building"));
    assert!(tree(&out) == before);
    fs::remove_file(kb.join("postmortems/2099-01-01-broken.md")).unwrap();

    // A template that fails to render.
    fs::create_dir_all(kb.join("templates")).unwrap();
    fs::write(
        kb.join("templates/incident.html"),
        "{{ no_such_variable.field }}",
    )
    .unwrap();
    build(&kb, &out, &[]).failure();
    assert!(tree(&out) == before);
    // Nothing is left beside the output.
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "{leftovers:?}");
}

#[test]
fn a_folder_hindsight_did_not_create_is_refused_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("docs");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("precious.txt"), "keep me").unwrap();
    build(&example(), &out, &[])
        .failure()
        .stderr(predicates::str::contains("not created by hindsight"));
    assert_eq!(
        fs::read_to_string(out.join("precious.txt")).unwrap(),
        "keep me"
    );
    assert_eq!(fs::read_dir(&out).unwrap().count(), 1);
    // The knowledge base root itself is never a valid output.
    build(&example(), &example(), &[]).failure();
}

#[test]
fn a_knowledge_base_overrides_templates_and_static_files() {
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("kb");
    copy_dir(&example(), &kb);
    fs::create_dir_all(kb.join("templates")).unwrap();
    fs::write(
        kb.join("templates/incident.html"),
        "{% extends \"base.html\" %}{% block content %}<h1>{{ incident.title }}</h1><p id=\"ours\">OVERRIDDEN {{ incident.severity }}</p>{% endblock content %}",
    )
    .unwrap();
    // One card template changes the incident on every list it is in.
    fs::write(
        kb.join("templates/card.html"),
        "<li class=\"our-card\">{{ incident.title }} in {{ site.title }}</li>",
    )
    .unwrap();
    fs::write(
        kb.join("templates/action-item-rows.html"),
        "{% for item in items %}<tr class=\"our-row\"><td>{{ item.title }}</td></tr>{% endfor %}",
    )
    .unwrap();
    fs::create_dir_all(kb.join("static")).unwrap();
    fs::write(kb.join("static/style.css"), "/* ours */").unwrap();
    fs::write(
        kb.join("static/logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    let out = dir.path().join("site");
    build(&kb, &out, &[]).success();
    let page =
        fs::read_to_string(out.join("incidents/2025-01-17-checkout-db-pool-exhaustion/index.html"))
            .unwrap();
    assert!(page.contains("<p id=\"ours\">OVERRIDDEN SEV-"), "{page}");
    assert_eq!(
        fs::read_to_string(out.join("style.css")).unwrap(),
        "/* ours */"
    );
    assert!(out.join("logo.svg").is_file());
    let our_cards = |rel: &str| html(&out, rel).select(&sel("li.our-card")).count();
    assert!(our_cards("index.html") > 0);
    assert!(our_cards("services/payments-api/index.html") > 0);
    assert!(our_cards("quarters/2025-q1/index.html") > 0);
    assert_eq!(
        html(&out, "services/payments-api/index.html")
            .select(&sel("li.card"))
            .count(),
        0
    );
    // The action-item rows fragment is used on root-cause pages (the
    // overridden incident page above does not use it).
    assert!(
        html(&out, "causes/connection-pool-exhaustion/index.html")
            .select(&sel("tr.our-row"))
            .count()
            > 0
    );
    // Other templates still come from the default theme.
    assert!(
        fs::read_to_string(out.join("index.html"))
            .unwrap()
            .contains("<h1")
    );
}

#[test]
fn the_reference_fragment_shows_recurrences() {
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("kb");
    copy_dir(&example(), &kb);
    fs::create_dir_all(kb.join("templates")).unwrap();
    fs::write(
        kb.join("templates/reference.html"),
        "<b class=\"our-ref\">{{ incident.title }}</b>\n",
    )
    .unwrap();
    let out = dir.path().join("site");
    build(&kb, &out, &[]).success();
    let page = html(
        &out,
        "incidents/2025-01-17-checkout-db-pool-exhaustion/index.html",
    );
    let refs: Vec<String> = page
        .select(&sel("ul.recurrences li"))
        .map(|li| li.inner_html())
        .collect();
    assert!(!refs.is_empty());
    for li in &refs {
        // The fragment, trimmed, then the relation.
        assert!(li.starts_with("<b class=\"our-ref\">"), "{li}");
        assert!(li.contains("</b><span class=\"muted nowrap\">, "), "{li}");
    }
}

#[test]
fn a_relative_base_url_gets_urn_feed_ids_and_no_sitemap() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    build(&example(), &out, &["--base-url", "/"])
        .success()
        .stderr(predicates::str::contains("no sitemap.xml"));
    assert!(!out.join("sitemap.xml").exists());
    let feed = fs::read_to_string(out.join("atom.xml")).unwrap();
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let ids: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("id"))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect();
    assert!(ids.len() > 10);
    assert!(
        ids.iter().all(|id| id.starts_with("urn:hindsight:")),
        "{ids:?}"
    );
    let robots = fs::read_to_string(out.join("robots.txt")).unwrap();
    assert!(!robots.contains("Sitemap"));
    // Absolute: the sitemap is there and robots.txt names it.
    let abs = dir.path().join("abs");
    build(&example(), &abs, &[]).success();
    assert!(
        fs::read_to_string(abs.join("robots.txt"))
            .unwrap()
            .contains("Sitemap: https://postmortems.acme-parcel.example/sitemap.xml")
    );
}

/// The titles and "N days over" lines of the home page's "Reviews past
/// their deadline", in order.
fn late_reviews(out: &Path) -> Vec<(String, String)> {
    let doc = html(out, "index.html");
    doc.select(&sel("#late-reviews ~ ol .late-review"))
        .map(|li| {
            let text = |s: &str| {
                li.select(&sel(s))
                    .flat_map(|e| e.text())
                    .collect::<String>()
                    .trim()
                    .to_string()
            };
            (text(".card-title"), text(".late-review-over"))
        })
        .collect()
}

/// `[template] review_within_days`: the home page lists the reviews past
/// their deadline, oldest first, drafts only with `--drafts`, and nothing
/// when none is late. The fixture is the `review-overdue` rule's (today is
/// 2026-11-27; SEV-1 has 5 days, SEV-2 10).
#[test]
fn home_lists_reviews_past_their_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("kb");
    copy_dir(&common::fixtures().join("kb"), &kb);
    let fixture = common::fixtures().join("rules/review-overdue");
    fs::create_dir_all(kb.join("postmortems")).unwrap();
    for entry in fs::read_dir(&fixture).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        let to = if path.extension().unwrap() == "toml" {
            kb.join(name)
        } else {
            kb.join("postmortems").join(name)
        };
        fs::copy(&path, to).unwrap();
    }
    let search = (
        "Search results lagged two hours behind the catalogue".to_string(),
        "7 days over".to_string(),
    );
    let login = (
        "Logins failed for 40 minutes after a certificate rotation".to_string(),
        "7 days over".to_string(),
    );

    // The SEV-1 draft is not on the site; the SEV-1 review within its 5
    // days and the SEV-3 review (no deadline) are not late.
    let out = dir.path().join("site");
    build(&kb, &out, &[]).success();
    assert_eq!(late_reviews(&out), std::slice::from_ref(&search));
    let home = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("17 days in, deadline 10"), "{home}");

    // With drafts, the draft of 2026-11-15 follows the review of 2026-11-10.
    let drafts = dir.path().join("drafts");
    build(&kb, &drafts, &["--drafts"]).success();
    assert_eq!(late_reviews(&drafts), [search, login]);

    // Without deadlines the section is left out.
    let config = fs::read_to_string(kb.join("hindsight.toml")).unwrap();
    let (kept, _) = config.split_once("[template]").unwrap();
    fs::write(kb.join("hindsight.toml"), kept).unwrap();
    let none = dir.path().join("none");
    build(&kb, &none, &[]).success();
    let home = fs::read_to_string(none.join("index.html")).unwrap();
    assert!(!home.contains("late-reviews"), "{home}");
}

/// The `content` of `<meta {attr}="{name}">` in `page`'s source, as written
/// (still escaped), or `None` when there is no such tag.
fn raw_meta<'a>(page: &'a str, attr: &str, name: &str) -> Option<&'a str> {
    let start = page.find(&format!("<meta {attr}=\"{name}\" content=\""))?;
    let rest = &page[start..];
    let value = &rest[rest.find("content=\"").unwrap() + "content=\"".len()..];
    Some(&value[..value.find('"').expect("the attribute is closed")])
}

#[test]
fn pages_have_a_description_open_graph_tags_and_the_favicon() {
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("kb");
    // Not the whole folder: other tests' builds write their search cache
    // (`.hindsight/`) into it while this one copies.
    copy_dir(&example().join("postmortems"), &kb.join("postmortems"));
    for f in ["hindsight.toml", "root-causes.toml"] {
        fs::copy(example().join(f), kb.join(f)).unwrap();
    }
    // A summary with everything that could break out of an attribute:
    // quotes, `<`, `&` and a newline.
    let file = kb.join("postmortems/2025-01-17-checkout-db-pool-exhaustion.md");
    let text = fs::read_to_string(&file).unwrap();
    let text = text.replacen(
        "## Summary\n\n",
        "## Summary\n\nThe \"orders\" pool's limit: 25 < 800 connections & 'retries'\nfailed. ",
        1,
    );
    fs::write(&file, text).unwrap();
    let out = dir.path().join("site");
    build(&kb, &out, &[]).success();

    let incident = "incidents/2025-01-17-checkout-db-pool-exhaustion/index.html";
    let source = fs::read_to_string(out.join(incident)).unwrap();
    // Escaped as an attribute value: no raw quote, `<` or newline inside it.
    let raw = raw_meta(&source, "name", "description").expect("a meta description");
    assert!(!raw.contains(['<', '>', '\n']), "{raw}");
    assert!(
        raw.contains("&quot;orders&quot;") && raw.contains("&amp;"),
        "{raw}"
    );
    let page = html(&out, incident);
    let meta = |attr: &str, name: &str| {
        page.select(&sel(&format!("meta[{attr}=\"{name}\"]")))
            .next()
            .and_then(|m| m.value().attr("content"))
            .map(str::to_string)
    };
    // The summary, as plain text on one line, cut at a word near 160
    // characters with `…`.
    let description = meta("name", "description").unwrap();
    assert!(
        description.starts_with(
            "The \"orders\" pool's limit: 25 < 800 connections & 'retries' failed. For 56 minutes"
        ),
        "{description}"
    );
    assert!(description.ends_with('…'), "{description}");
    assert!(description.chars().count() <= 160, "{description}");
    assert_eq!(
        meta("property", "og:description").as_ref(),
        Some(&description)
    );
    assert_eq!(meta("property", "og:type").as_deref(), Some("article"));
    assert_eq!(
        meta("property", "og:title").as_deref(),
        Some(
            "Checkout failures during the January clearance sale: orders-db connection pools exhausted"
        )
    );
    assert_eq!(
        meta("property", "og:site_name").as_deref(),
        Some("Acme Parcel post-mortems")
    );
    assert_eq!(
        meta("property", "og:url").as_deref(),
        Some(
            "https://postmortems.acme-parcel.example/incidents/2025-01-17-checkout-db-pool-exhaustion/"
        )
    );
    assert_eq!(meta("name", "twitter:card").as_deref(), Some("summary"));

    // Every other page has a description too, and is a website.
    for rel in [
        "index.html",
        "incidents/index.html",
        "action-items/index.html",
        "metrics/index.html",
        "causes/index.html",
        "causes/connection-pool-exhaustion/index.html",
        "services/checkout-api/index.html",
        "404.html",
    ] {
        let page = html(&out, rel);
        let content = |q: &str| {
            page.select(&sel(q))
                .next()
                .and_then(|m| m.value().attr("content"))
                .unwrap_or_else(|| panic!("{rel}: no {q}"))
                .to_string()
        };
        let d = content("meta[name=\"description\"]");
        assert!(d.len() > 20 && !d.contains('\n'), "{rel}: {d:?}");
        assert_eq!(content("meta[property=\"og:type\"]"), "website", "{rel}");
        assert_eq!(content("meta[property=\"og:description\"]"), d, "{rel}");
        let icon = page
            .select(&sel("link[rel=\"icon\"]"))
            .next()
            .unwrap_or_else(|| panic!("{rel}: no favicon link"));
        assert_eq!(icon.value().attr("href"), Some("/favicon.svg"), "{rel}");
        assert_eq!(icon.value().attr("type"), Some("image/svg+xml"), "{rel}");
    }
    let favicon = fs::read_to_string(out.join("favicon.svg")).unwrap();
    assert!(roxmltree::Document::parse(&favicon).is_ok(), "{favicon}");

    // Without an absolute base URL there is no `og:url` (it must be
    // absolute), and the favicon follows the base path.
    let rel = dir.path().join("relative");
    build(&kb, &rel, &["--base-url", "/kb/"]).success();
    let source = fs::read_to_string(rel.join(incident)).unwrap();
    assert!(
        raw_meta(&source, "property", "og:url").is_none(),
        "{source}"
    );
    assert!(raw_meta(&source, "property", "og:title").is_some());
    assert!(
        source.contains("<link rel=\"icon\" href=\"&#x2F;kb&#x2F;favicon.svg\"")
            || source.contains("<link rel=\"icon\" href=\"/kb/favicon.svg\""),
        "{source}"
    );
}

/// The chart legends' swatches show their series' colours: every swatch on
/// the metrics and quarter pages carries a series class the theme colours,
/// and no theme rule that can reach a chart legend paints it (`fill` or
/// `color` on `.legend`, `.legend-item` or `.swatch` would win over, or be
/// inherited instead of, the series' colour: every swatch came out grey).
#[test]
fn chart_legend_swatches_show_their_series_colour() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    build(&example(), &out, &[]).success();
    let css = fs::read_to_string(out.join("style.css")).unwrap();
    // Rules as (selectors, declarations); comments dropped, @media blocks
    // flattened (their inner rules are split off at their `{`).
    let mut text = css.clone();
    while let Some(start) = text.find("/*") {
        let end = text[start..]
            .find("*/")
            .map_or(text.len(), |e| start + e + 2);
        text.replace_range(start..end, "");
    }
    let rules: Vec<(String, String)> = text
        .split('}')
        .filter_map(|chunk| {
            let (sel, body) = chunk.rsplit_once('{')?;
            Some((sel.trim().to_string(), body.to_string()))
        })
        .collect();
    let paints = |body: &str| {
        body.split(';').any(|d| {
            let prop = d.split(':').next().unwrap_or("").trim();
            prop == "fill" || prop == "color"
        })
    };
    for (selectors, body) in &rules {
        for s in selectors.split(',').map(str::trim) {
            let reaches_legend = [".legend", ".swatch"].iter().any(|c| s.contains(c))
                && !s.contains("chart-fishbone");
            assert!(
                !(reaches_legend && paints(body)),
                "`{s}` paints chart legends: {body}"
            );
        }
    }
    let coloured = |class: &str| {
        rules.iter().any(|(sel, body)| {
            sel.split(',')
                .any(|s| s.trim() == format!("svg.chart .{class}"))
                && paints(body)
        })
    };
    let mut swatches = 0;
    for rel in ["metrics/index.html", "quarters/2025-q1/index.html"] {
        let page = html(&out, rel);
        for swatch in page.select(&sel("svg.chart .legend-item rect")) {
            let classes: Vec<&str> = swatch.value().classes().collect();
            assert!(classes.contains(&"swatch"), "{rel}: {classes:?}");
            assert_eq!(swatch.value().attr("fill"), Some("currentColor"), "{rel}");
            let series: Vec<&&str> = classes.iter().filter(|c| **c != "swatch").collect();
            assert!(
                series.len() == 1 && coloured(series[0]),
                "{rel}: swatch classes {classes:?} have no colour in style.css"
            );
            swatches += 1;
        }
    }
    assert!(swatches >= 4, "only {swatches} legend swatches");
}

/// Every incident's fishbone fits the incident's column without scrolling
/// sideways: at most 760 wide (the column at 1,280 px), and neither its
/// frame nor its caption says to scroll.
#[test]
fn fishbones_fit_the_incident_column() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    build(&example(), &out, &[]).success();
    let mut seen = 0;
    for id in example_ids(false) {
        let page = html(&out, &format!("incidents/{id}/index.html"));
        let Some(figure) = page.select(&sel("figure.drawing-fishbone")).next() else {
            continue;
        };
        let svg = figure.select(&sel("svg.chart-fishbone")).next().unwrap();
        let vb: Vec<f64> = svg
            .value()
            .attr("viewBox")
            .unwrap()
            .split(' ')
            .map(|v| v.parse().unwrap())
            .collect();
        assert!(vb[2] <= 760.0, "{id}: fishbone {} wide", vb[2]);
        let text = figure.html();
        assert!(!text.to_lowercase().contains("sideways"), "{id}: {text}");
        seen += 1;
    }
    assert!(seen >= 5, "only {seen} fishbones");
}
