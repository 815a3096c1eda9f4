//! The in-browser search ranks like `hindsight search`: for a fixed list of
//! queries (words, several words, identifiers, phrases, `+`/`-`, `field:`,
//! with and without filters, by relevance and by date) on `content-example`
//! and on a generated corpus of 1,000 post-mortems, the search page's top
//! ten ids (loaded with `?q=…` in a real headless Chromium) equal `hindsight
//! search --format json --limit 10`'s, ties by id. The page reads its gzip'd
//! files whether or not the host inflates them. And nothing in a
//! post-mortem's title or body injects markup through the results. Skipped with a message without Chromium, except under
//! `CI=true`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{
    browser_or_skip, build_site, copy_dir, dump_dom, example, sel, serve, serve_inflating,
};

/// `hindsight search`'s top ten ids for `query` with `filters` (URL
/// parameter name, value; `sort` too).
fn cli_top(root: &Path, query: &str, filters: &[(&str, &str)]) -> Vec<String> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hindsight"));
    cmd.arg("search")
        .arg(query)
        .arg(root)
        .args(["--format", "json", "--limit", "10"]);
    for (name, value) in filters {
        let flag = match *name {
            "severity" => "--severity",
            "service" => "--service",
            "cause" => "--root-cause",
            "sort" => "--sort",
            other => panic!("no flag for {other}"),
        };
        cmd.arg(flag).arg(value);
    }
    let output = cmd.output().unwrap();
    assert!(
        output.status.success(),
        "{query}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

fn url_of(page: &str, query: &str, filters: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    let mut url = format!("{page}?q={}", enc(query));
    for (name, value) in filters {
        url.push_str(&format!("&{name}={}", enc(value)));
    }
    url
}

fn browser_top(browser: &Path, url: &str) -> Vec<String> {
    let dom = dump_dom(browser, url);
    dom.select(&sel("#search-results .search-hit"))
        .take(10)
        .map(|li| li.value().attr("data-id").unwrap().to_string())
        .collect()
}

type Case<'a> = (&'a str, &'a [(&'a str, &'a str)]);

/// Runs every case in the browser (a few Chromiums at a time) and compares.
fn check(browser: &Path, root: &Path, page: &str, cases: &[Case<'_>]) {
    let expected: Vec<Vec<String>> = cases.iter().map(|(q, f)| cli_top(root, q, f)).collect();
    let urls: Vec<String> = cases.iter().map(|(q, f)| url_of(page, q, f)).collect();
    let got: Vec<Vec<String>> = std::thread::scope(|s| {
        let chunks: Vec<_> = urls
            .chunks(urls.len().div_ceil(3))
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|u| browser_top(browser, u))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        chunks.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let mut failures = Vec::new();
    let mut non_empty = 0;
    for (i, (q, f)) in cases.iter().enumerate() {
        if !expected[i].is_empty() {
            non_empty += 1;
        }
        if got[i] != expected[i] {
            failures.push(format!(
                "{q:?} {f:?}:\n  cli:     {:?}\n  browser: {:?}",
                expected[i], got[i]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(non_empty * 4 >= cases.len() * 3, "most queries have hits");
}

const EXAMPLE_CASES: &[Case<'static>] = &[
    ("database", &[]),
    ("failover", &[]),
    ("pool", &[]),
    ("exhaustion", &[]),
    ("checkout", &[]),
    ("dns", &[]),
    ("certificate", &[]),
    ("latency", &[]),
    ("retry", &[]),
    ("cache", &[]),
    ("timeout", &[]),
    ("deploy", &[]),
    ("database failover", &[]),
    ("pool exhaustion", &[]),
    ("retry storm", &[]),
    ("replication lag after failover", &[]),
    ("connection pool timeout", &[]),
    ("memory leak", &[]),
    ("rate limit", &[]),
    ("config change rollback", &[]),
    ("checkout-api", &[]),
    ("conn-pool-exhaustion", &[]),
    ("PgBouncer", &[]),
    ("title:pool", &[]),
    ("+pool -checkout", &[]),
    ("+database +lock", &[]),
    ("database", &[("severity", "SEV-1")]),
    ("pool", &[("severity", "SEV-2")]),
    ("retry", &[("service", "checkout-api")]),
    ("", &[("severity", "SEV-2")]),
];

/// A copy of the example knowledge base and its built site: (the folder
/// holding both, the knowledge base, the site).
fn example_site() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("kb");
    copy_dir(&example(), &root);
    let out = dir.path().join("site");
    build_site(&root, &out);
    (dir, root, out)
}

#[test]
fn the_search_page_ranks_like_hindsight_search_on_the_example() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let (_dir, root, out) = example_site();
    let page = format!("{}/search/", serve(out));
    check(&browser, &root, &page, EXAMPLE_CASES);
}

const CORPUS_CASES: &[Case<'static>] = &[
    // Single words, common to rare.
    ("kafka", &[]),
    ("certificate", &[]),
    ("split-brain", &[]),
    ("partition", &[]),
    ("rollback", &[]),
    ("tls", &[]),
    ("degraded", &[]),
    ("ownership", &[]),
    ("sa-east-1", &[]),
    ("deadlock", &[]),
    ("OOMKilled", &[]),
    ("the", &[]),
    // Several words.
    ("search relevance", &[]),
    ("network partition primary", &[]),
    ("renewal expiry", &[]),
    ("retain rollback artifacts", &[]),
    ("alert unacknowledged", &[]),
    ("replication lag failover", &[]),
    ("connection pool exhausted at peak", &[]),
    ("thundering herd database", &[]),
    // Identifiers, whole and split, and a compound word.
    ("kafka-cluster", &[]),
    ("secrets-vault", &[]),
    ("risk-rules", &[]),
    ("PgBouncer", &[]),
    ("CrashLoopBackOff", &[]),
    ("\"10.4.12.7:5432\"", &[]),
    // Phrases, fields, `+` and `-`.
    ("\"cache stampede\"", &[]),
    ("\"circuit breaker\" threads", &[]),
    ("title:kafka", &[]),
    ("summary:certificate", &[]),
    ("+kafka -tls", &[]),
    ("+redis +timeout", &[]),
    // With filters (`hindsight search` takes one value per filter).
    ("kafka", &[("severity", "SEV-1")]),
    ("rollback", &[("severity", "SEV-3")]),
    ("timeout", &[("severity", "SEV-2")]),
    ("certificate", &[("service", "kafka-cluster")]),
    ("latency", &[("service", "redis-cache")]),
    ("partition", &[("cause", "split-brain")]),
    ("queue heap", &[("cause", "unbounded-queue")]),
    (
        "deploy",
        &[("severity", "SEV-2"), ("cause", "config-drift")],
    ),
    ("", &[("severity", "SEV-1")]),
    ("", &[("service", "risk-rules")]),
    // Newest first (`sort=date` in the address).
    ("certificate", &[("sort", "date")]),
    ("kafka", &[("severity", "SEV-2"), ("sort", "date")]),
    ("", &[("cause", "clock-skew"), ("sort", "date")]),
];

#[test]
fn the_search_page_ranks_like_hindsight_search_on_a_generated_corpus() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    // The issue's corpus: 1,000 post-mortems, some of them drafts.
    assert!(
        EXAMPLE_CASES.len() + CORPUS_CASES.len() >= 50,
        "at least 50 queries in all"
    );
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("kb");
    let status = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/gen_corpus.py"))
        .arg("1000")
        .arg(&root)
        .status()
        .unwrap();
    assert!(status.success());
    let out = dir.path().join("site");
    build_site(&root, &out);
    let page = format!("{}/search/", serve(out));
    check(&browser, &root, &page, CORPUS_CASES);
}

/// A host that sends the `.gz` files with `Content-Encoding: gzip` (the
/// browser inflates them) gives the same results as one that sends them as
/// they are (`search.js` inflates them).
#[test]
fn the_search_page_reads_its_files_whether_or_not_the_host_inflates_them() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let (_dir, _root, out) = example_site();
    let plain = format!("{}/search/", serve(out.clone()));
    let inflated = format!("{}/search/", serve_inflating(out));
    for (q, f) in [
        ("pool exhaustion", &[][..]),
        ("retry", &[("service", "checkout-api")][..]),
    ] {
        let a = browser_top(&browser, &url_of(&plain, q, f));
        let b = browser_top(&browser, &url_of(&inflated, q, f));
        assert!(!a.is_empty(), "{q}");
        assert_eq!(a, b, "{q}");
    }
}

#[test]
fn post_mortem_text_never_injects_markup_through_results() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("kb");
    copy_dir(&example(), &root);
    let pms = root.join("postmortems");
    let first = std::fs::read_dir(&pms)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .min()
        .unwrap();
    let text = std::fs::read_to_string(&first).unwrap();
    let hostile = r#"xsstest <script>window.pwned=1</script> \"><img src=x onerror=alert(1)>"#;
    let text = text.replacen("title = \"", &format!("title = \"{hostile} "), 1);
    let text = text.replacen(
        "\n## ",
        "\nxsstest <script>alert(1)</script> \"><img src=x onerror=alert(2)>\n\n## ",
        1,
    );
    std::fs::write(&first, text).unwrap();
    let out = dir.path().join("site");
    build_site(&root, &out);
    let page = format!("{}/search/", serve(out));
    let dom = dump_dom(&browser, &url_of(&page, "xsstest", &[]));
    let hits: Vec<_> = dom.select(&sel("#search-results .search-hit")).collect();
    assert_eq!(hits.len(), 1, "{}", dom.html());
    assert!(dom.select(&sel("#search-results img")).next().is_none());
    assert!(dom.select(&sel("#search-results script")).next().is_none());
    let title = hits[0]
        .select(&sel("h2"))
        .next()
        .unwrap()
        .text()
        .collect::<String>();
    assert!(title.contains("<script>"), "{title}");
    assert!(dom.select(&sel("#search-results mark")).next().is_some());
}
