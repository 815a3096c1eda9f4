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
