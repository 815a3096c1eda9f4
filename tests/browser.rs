//! The all-incidents table's sorting and filtering, in a real headless
//! Chromium. Without a browser the test is skipped with a message, except
//! under `CI=true`, where a missing browser is a failure (`.ci/run` installs
//! Debian's `chromium`).

mod common;

use std::process::Command;

use common::{browser_or_skip, dump_dom, example, sel, serve};

#[test]
fn the_incident_table_filters_and_sorts_from_the_query_string() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let example = example();
    let status = Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .env("SOURCE_DATE_EPOCH", "1795737600")
        .arg("build")
        .arg(&example)
        .arg("-o")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let page = format!("{}/incidents/", serve(out.clone()));
    let row = sel("#incidents-table tbody tr");

    // Without a query: every row shows, the filter form is revealed.
    let all = dump_dom(&browser, &page);
    let rows: Vec<_> = all.select(&row).collect();
    assert!(rows.len() >= 12);
    assert!(rows.iter().all(|r| r.value().attr("hidden").is_none()));
    assert!(
        all.select(&sel("#incident-filters"))
            .next()
            .unwrap()
            .value()
            .attr("hidden")
            .is_none(),
        "script ran"
    );

    // Filtered by severity and service.
    let filtered = dump_dom(
        &browser,
        &format!("{page}?severity=SEV-2&service=checkout-api"),
    );
    let shown: Vec<_> = filtered
        .select(&row)
        .filter(|r| r.value().attr("hidden").is_none())
        .collect();
    assert!(
        !shown.is_empty() && shown.len() < rows.len(),
        "{} of {}",
        shown.len(),
        rows.len()
    );
    for r in &shown {
        assert_eq!(r.value().attr("data-severity"), Some("SEV-2"));
        assert!(
            r.select(&sel("[data-service=\"checkout-api\"]"))
                .next()
                .is_some()
        );
    }
    let status = filtered
        .select(&sel("#filter-status"))
        .next()
        .unwrap()
        .text()
        .collect::<String>();
    assert!(
        status.contains(&format!("Showing {} of {}", shown.len(), rows.len())),
        "{status}"
    );

    // Sorted by title, A to Z.
    let sorted = dump_dom(&browser, &format!("{page}?sort=incident&order=ascending"));
    let titles: Vec<String> = sorted
        .select(&sel("#incidents-table tbody tr td:nth-child(3)"))
        .map(|td| td.text().collect::<String>().trim().to_lowercase())
        .collect();
    assert_eq!(titles.len(), rows.len());
    let mut expected = titles.clone();
    expected.sort();
    assert_eq!(titles, expected);
}

/// A table of several pages sorts and filters every incident, not the rows
/// of one page: the script fetches the table's data and draws the view.
#[test]
fn a_paginated_incident_table_sorts_and_filters_all_its_incidents() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("kb");
    common::copy_dir(&example(), &kb);
    let config = std::fs::read_to_string(kb.join("hindsight.toml")).unwrap();
    let config = config.replacen("[site]\n", "[site]\npaginate_by = 3\n", 1);
    std::fs::write(kb.join("hindsight.toml"), config).unwrap();
    let out = dir.path().join("site");
    common::build_site(&kb, &out);
    let site = serve(out.clone());
    let titles_of = |html: &scraper::Html| -> Vec<String> {
        html.select(&sel("#incidents-table tbody tr td:nth-child(3)"))
            .map(|td| td.text().collect::<String>().trim().to_string())
            .collect()
    };
    let status_of = |html: &scraper::Html| -> String {
        html.select(&sel("#filter-status"))
            .next()
            .unwrap()
            .text()
            .collect()
    };

    // Every title, from the data the script reads.
    let data = out.join("incidents/data");
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(data.join("meta.json")).unwrap()).unwrap();
    let n = meta["n"].as_u64().unwrap() as usize;
    assert!(n > 9, "{n}");
    let rows: serde_json::Value =
        serde_json::from_slice(&std::fs::read(data.join("0.json")).unwrap()).unwrap();
    let rows = rows["rows"].as_array().unwrap();
    let mut all: Vec<String> = rows
        .iter()
        .map(|r| r[2].as_str().unwrap().to_string())
        .collect();

    // A page of its own, as the server wrote it, until the reader asks.
    let second = dump_dom(&browser, &format!("{site}/incidents/page/2/"));
    assert_eq!(titles_of(&second), all[3..6]);
    assert!(status_of(&second).starts_with(&format!("{n} incidents")));

    // Sorted by title over all incidents, second page of three rows.
    let sorted = dump_dom(
        &browser,
        &format!("{site}/incidents/?sort=incident&order=ascending&page=2"),
    );
    all.sort_by_key(|t| t.to_lowercase());
    assert_eq!(titles_of(&sorted), all[3..6], "{}", status_of(&sorted));
    let current = sorted
        .select(&sel("#incidents-pages [aria-current=page]"))
        .next()
        .unwrap()
        .text()
        .collect::<String>();
    assert_eq!(current, "2");

    // Filtered by severity: the matches from every page, counted.
    let sev2 = rows.iter().filter(|r| r[1] == 1).count();
    assert!(sev2 > 3, "{sev2}");
    let filtered = dump_dom(&browser, &format!("{site}/incidents/?severity=SEV-2"));
    let shown = filtered.select(&sel("#incidents-table tbody tr")).count();
    assert_eq!(shown, 3);
    assert!(
        filtered
            .select(&sel("#incidents-table tbody tr"))
            .all(|r| r.value().attr("data-severity") == Some("SEV-2"))
    );
    let status = status_of(&filtered);
    assert!(
        status.starts_with(&format!("Showing {sev2} of {n} incidents; 1 to 3")),
        "{status}"
    );
    // A page past the end shows the last one.
    let last = dump_dom(
        &browser,
        &format!("{site}/incidents/?severity=SEV-2&page=99"),
    );
    let on_last = last.select(&sel("#incidents-table tbody tr")).count();
    assert_eq!(on_last, sev2 - 3 * (sev2.div_ceil(3) - 1));
}
