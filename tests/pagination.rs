//! Paginated lists (`[site] paginate_by`): the pages of services, tags,
//! severities, years, root causes and quarters. The example knowledge base built
//! with two incidents a page, against the same built with every incident on
//! one page.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use scraper::Html;

mod common;
use common::{copy_dir, example, sel};

/// The example with `paginate_by = per_page`, built into `out`.
fn build(dir: &Path, per_page: usize) -> std::path::PathBuf {
    let kb = dir.join(format!("kb{per_page}"));
    copy_dir(&example(), &kb);
    let config = fs::read_to_string(kb.join("hindsight.toml")).unwrap();
    let config = config.replacen(
        "[site]\n",
        &format!("[site]\npaginate_by = {per_page}\n"),
        1,
    );
    fs::write(kb.join("hindsight.toml"), config).unwrap();
    let out = dir.join(format!("site{per_page}"));
    common::build_site(&kb, &out);
    out
}

fn page(out: &Path, path: &str) -> Html {
    Html::parse_document(&fs::read_to_string(out.join(path).join("index.html")).unwrap())
}

/// The incident pages a list page links as cards (a root cause's: as its
/// timeline), in order.
fn cards(html: &Html) -> Vec<String> {
    html.select(&sel(
        ".cards > li .card-title a, ol.timeline > li .card-title a, #incidents-table td.title-cell a, .open-items-table td.item-incident a",
    ))
    .filter_map(|a| a.value().attr("href").map(str::to_string))
    .collect()
}

/// The all-incidents table, the open action items, and every term list (services, tags,
/// severities, years), root cause and quarter: its folder.
fn lists(out: &Path) -> Vec<String> {
    let mut lists = vec!["incidents/".to_string(), "action-items/".to_string()];
    for taxonomy in [
        "services",
        "tags",
        "severities",
        "years",
        "causes",
        "quarters",
    ] {
        for entry in fs::read_dir(out.join(taxonomy)).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                lists.push(format!(
                    "{taxonomy}/{}/",
                    entry.file_name().to_string_lossy()
                ));
            }
        }
    }
    lists.sort();
    lists
}

#[test]
fn every_incident_is_on_exactly_one_page_of_each_list_and_every_page_link_resolves() {
    let dir = tempfile::tempdir().unwrap();
    let whole = build(dir.path(), 1000);
    let paged = build(dir.path(), 2);
    let base = "/";
    let mut paginated = 0;
    let mut titles = BTreeMap::new();
    for list in lists(&whole) {
        let all = cards(&page(&whole, &list));
        assert!(!all.is_empty(), "{list}");
        // Page 1 is the list's URL; the others follow the links.
        let mut seen = Vec::new();
        let mut path = list.clone();
        let mut number = 1;
        loop {
            let html = page(&paged, &path);
            let on_page = cards(&html);
            assert!(
                !on_page.is_empty() && on_page.len() <= 2,
                "{path}: {on_page:?}"
            );
            seen.extend(on_page);
            let title = common::title(&html);
            assert!(
                titles.insert(title.clone(), path.clone()).is_none(),
                "{title}"
            );
            // Every link of the page bar resolves to a page of this list.
            for a in html.select(&sel(".pagination a")) {
                let href = a.value().attr("href").unwrap();
                let rel = href.strip_prefix(base).unwrap();
                assert!(rel.starts_with(&list), "{href}");
                assert!(paged.join(rel).join("index.html").is_file(), "{href}");
            }
            let next = html
                .select(&sel(".pagination a[rel=next]"))
                .next()
                .map(|a| a.value().attr("href").unwrap().to_string());
            match next {
                Some(next) => {
                    number += 1;
                    path = next.strip_prefix(base).unwrap().to_string();
                    assert_eq!(path, format!("{list}page/{number}/"));
                }
                None => break,
            }
        }
        assert_eq!(number, all.len().div_ceil(2), "{list}");
        if number > 1 {
            paginated += 1;
            // Nothing past the last page.
            assert!(!paged.join(format!("{list}page/{}/", number + 1)).exists());
            // The sitemap lists every page.
            let sitemap = fs::read_to_string(paged.join("sitemap.xml")).unwrap();
            assert!(
                sitemap.contains(&format!("{list}page/{number}/</loc>")),
                "{list}"
            );
        }
        // Each incident of the list exactly once, in the same order.
        assert_eq!(seen, all, "{list}");
    }
    assert!(paginated >= 5, "{paginated} lists over one page");
    // The table's data, which its script sorts and filters, holds every
    // incident once, in the table's order, whatever the page size.
    let table = cards(&page(&whole, "incidents/"));
    for out in [&whole, &paged] {
        let data = out.join("incidents/data");
        let meta: serde_json::Value =
            serde_json::from_slice(&fs::read(data.join("meta.json")).unwrap()).unwrap();
        assert_eq!(meta["n"], table.len());
        let prefix = meta["url"].as_str().unwrap();
        let mut links = Vec::new();
        for k in 0..meta["shards"].as_u64().unwrap() {
            let rows: serde_json::Value =
                serde_json::from_slice(&fs::read(data.join(format!("{k}.json"))).unwrap()).unwrap();
            for row in rows["rows"].as_array().unwrap() {
                links.push(format!("{prefix}{}", row[3].as_str().unwrap()));
            }
        }
        assert_eq!(links, table);
    }
    // A root cause's action items go with its incidents, page by page, and
    // the fixes that did not hold are on its first page only.
    let cause = "causes/connection-pool-exhaustion/";
    let first = page(&paged, cause);
    let second = page(&paged, &format!("{cause}page/2/"));
    assert!(first.select(&sel("#not-held")).next().is_some());
    assert!(second.select(&sel("#not-held")).next().is_none());
    let groups = |html: &Html| {
        html.select(&sel(".items-table .group-row a"))
            .map(|a| a.value().attr("href").unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(groups(&first), cards(&first));
    assert_eq!(groups(&second), cards(&second));
    // A quarter's review is on its first page; the others list incidents.
    let quarter = "quarters/2025-q3/";
    assert!(
        page(&paged, quarter)
            .select(&sel("#learnings"))
            .next()
            .is_some()
    );
    let rest = page(&paged, &format!("{quarter}page/2/"));
    assert!(rest.select(&sel("#learnings")).next().is_none());
    assert!(rest.select(&sel("svg")).next().is_none());
    // One list page, all of it on one page, has no page bar.
    assert!(
        page(&whole, "severities/sev-2/")
            .select(&sel(".pagination"))
            .next()
            .is_none()
    );
}
