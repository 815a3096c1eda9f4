//! `hindsight search` and the index behind it (issue 10): expected top hits
//! on content-example, the query syntax, filters, the JSON shape, errors,
//! unknown words and "did you mean", and the index cache (reused when
//! nothing changed, rebuilt when deleted, truncated or from another
//! version).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

mod common;

/// A copy of content-example without any index, so tests can build and
/// break their own in parallel.
fn example_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("kb");
    common::copy_dir(&common::example(), &root);
    let _ = std::fs::remove_dir_all(root.join(".hindsight"));
    let _ = std::fs::remove_dir_all(root.join("public"));
    (dir, root)
}

fn hindsight() -> Command {
    let mut cmd = Command::cargo_bin("hindsight").unwrap();
    cmd.env_remove("HINDSIGHT_TIMINGS").env("NO_COLOR", "1");
    cmd
}

/// `search --format json` with `args`, run in `root`.
fn search(root: &Path, args: &[&str]) -> Value {
    let out = hindsight()
        .arg("search")
        .args(args)
        .args(["--format", "json"])
        .current_dir(root)
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

fn ids(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn real_queries_put_the_right_incident_first() {
    let (_tmp, root) = example_copy();
    for (query, top) in [
        (
            "certificate expired",
            "2026-01-21-payments-acquirer-client-cert-expiry",
        ),
        ("barcode", "2025-08-14-label-printer-carrier-barcode-change"),
        ("kafka disk", "2025-09-30-kafka-cluster-disk-full"),
        ("PgBouncer", "2025-01-17-checkout-db-pool-exhaustion"),
        ("oom", "2026-10-08-route-planner-oom-map-update"),
        ("lock_timeout", "2025-07-03-orders-db-migration-lock"),
    ] {
        let v = search(&root, &[query]);
        assert_eq!(
            ids(&v).first().map(String::as_str),
            Some(top),
            "{query}: {v}"
        );
    }
}

#[test]
fn phrases_fields_and_operators() {
    let (_tmp, root) = example_copy();
    let v = search(&root, &["\"table locked\""]);
    assert_eq!(ids(&v), ["2025-07-03-orders-db-migration-lock"]);
    // Not adjacent: no hit.
    assert_eq!(search(&root, &["\"locked table\""])["total"], 0);
    let v = search(&root, &["title:kafka"]);
    assert_eq!(ids(&v), ["2025-09-30-kafka-cluster-disk-full"]);
    let v = search(&root, &["+kafka -disk"]);
    assert!(!ids(&v).contains(&"2025-09-30-kafka-cluster-disk-full".to_string()));
    assert!(!ids(&v).is_empty());
    // An identifier's parts find it.
    let v = search(&root, &["services:payments"]);
    assert!(ids(&v).contains(&"2025-07-03-orders-db-migration-lock".to_string()));
}

#[test]
fn a_title_match_outranks_a_body_match() {
    let (_tmp, root) = example_copy();
    // `barcode` is in one title; any other hit has it only below.
    let v = search(&root, &["kafka"]);
    assert_eq!(ids(&v)[0], "2025-09-30-kafka-cluster-disk-full");
}

#[test]
fn filters_narrow_and_browse_alone() {
    let (_tmp, root) = example_copy();
    let v = search(&root, &["", "--service", "orders-db"]);
    let got = ids(&v);
    assert!(!got.is_empty());
    assert!(got.contains(&"2025-07-03-orders-db-migration-lock".to_string()));
    // Browsing: newest first.
    let dates: Vec<&str> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["date"].as_str().unwrap())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);

    let v = search(
        &root,
        &["", "--since", "2026-01-01", "--until", "2026-03-31"],
    );
    assert_eq!(
        ids(&v),
        [
            "2026-03-05-warehouse-sync-pool-exhaustion",
            "2026-01-21-payments-acquirer-client-cert-expiry"
        ]
    );
    let v = search(&root, &["pool", "--severity", "sev-1"]);
    assert!(
        v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["severity"] == "SEV-1")
    );
    assert!(!ids(&v).is_empty());
    let v = search(&root, &["", "--root-cause", "expired-tls-certificate"]);
    assert_eq!(ids(&v).len(), 2, "{v}");
    let v = search(&root, &["", "--tag", "kafka"]);
    assert_eq!(
        ids(&v),
        [
            "2026-08-20-notifications-duplicate-push",
            "2025-09-30-kafka-cluster-disk-full"
        ]
    );
    // Filters select, they do not score.
    let plain = search(&root, &["kafka"]);
    let filtered = search(&root, &["kafka", "--tag", "kafka"]);
    assert_eq!(plain["hits"][0]["score"], filtered["hits"][0]["score"]);
    // Drafts are not searched.
    let v = search(&root, &["address lookup latency"]);
    assert!(!ids(&v).contains(&"2026-11-24-checkout-address-lookup-latency".to_string()));
}

#[test]
fn json_has_the_documented_shape() {
    let (_tmp, root) = example_copy();
    let v = search(&root, &["payments-api", "--limit", "2"]);
    assert_eq!(v["query"], "payments-api");
    assert!(v["total"].as_u64().unwrap() >= 2);
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 2);
    for h in hits {
        for key in ["id", "title", "date", "severity", "path"] {
            assert!(h[key].is_string(), "{key}: {h}");
        }
        assert!(h["score"].as_f64().unwrap() > 0.0);
        assert!(root.join(h["path"].as_str().unwrap()).is_file());
    }
    assert!(
        hits[0]["snippet"]
            .as_str()
            .unwrap()
            .contains("<mark>payments-api</mark>"),
        "{v}"
    );
    assert_eq!(v["unknown_terms"], serde_json::json!([]));
    assert_eq!(v["suggestions"], serde_json::json!([]));
    // Scores descend, ties by id.
    let v = search(&root, &["the", "--limit", "50"]);
    let hits = v["hits"].as_array().unwrap();
    for pair in hits.windows(2) {
        let (a, b) = (
            pair[0]["score"].as_f64().unwrap(),
            pair[1]["score"].as_f64().unwrap(),
        );
        assert!(a > b || (a == b && pair[0]["id"].as_str() < pair[1]["id"].as_str()));
    }
}

#[test]
fn human_output_marks_matches_without_a_terminal() {
    let (_tmp, root) = example_copy();
    let out = hindsight()
        .args(["search", "barcode"])
        .current_dir(&root)
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.starts_with("2025-08-14-label-printer-carrier-barcode-change  "),
        "{text}"
    );
    assert!(text.contains(" · SEV-"), "{text}");
    assert!(text.contains("[barcode]"), "{text}");
    assert!(text.contains("matching incident"), "{text}");
}

#[test]
fn a_syntax_error_exits_2_with_a_message() {
    let (_tmp, root) = example_copy();
    let out = hindsight()
        .args(["search", "title:("])
        .current_dir(&root)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("cannot read the query"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    hindsight()
        .args(["search", "x", "--severity", "SEV-9"])
        .current_dir(&root)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown severity"));
}

#[test]
fn unknown_words_are_reported_and_misspellings_get_a_suggestion() {
    let (_tmp, root) = example_copy();
    let v = search(&root, &["certficate"]);
    assert_eq!(v["total"], 0);
    assert_eq!(v["unknown_terms"], serde_json::json!(["certficate"]));
    assert_eq!(v["suggestions"], serde_json::json!(["certificate"]));
    // Still reported beside words that match.
    let v = search(&root, &["kafka zzyzx"]);
    assert!(v["total"].as_u64().unwrap() > 0);
    assert_eq!(v["unknown_terms"], serde_json::json!(["zzyzx"]));
    let out = hindsight()
        .args(["search", "certficate"])
        .current_dir(&root)
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("no incident mentions `certficate`"), "{text}");
    assert!(text.contains("did you mean `certificate`?"), "{text}");
}

#[test]
fn works_from_a_folder_inside_the_knowledge_base() {
    let (_tmp, root) = example_copy();
    let v = search(&root.join("postmortems"), &["barcode"]);
    assert_eq!(ids(&v), ["2025-08-14-label-printer-carrier-barcode-change"]);
    assert!(
        root.join(".hindsight/index/hindsight-manifest.txt")
            .is_file()
    );
}

/// Modification times of every file in the index folder.
fn mtimes(root: &Path) -> Vec<(String, std::time::SystemTime)> {
    let mut out: Vec<_> = std::fs::read_dir(root.join(".hindsight/index"))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn the_index_is_reused_until_something_changes() {
    let (_tmp, root) = example_copy();
    let first = search(&root, &["kafka"]);
    let before = mtimes(&root);
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(search(&root, &["kafka"]), first);
    assert_eq!(mtimes(&root), before, "a second search rewrote the index");
    // `build` reuses the one `search` made.
    hindsight()
        .args(["build", "--output"])
        .arg(root.join("out"))
        .current_dir(&root)
        .assert()
        .success();
    assert_eq!(mtimes(&root), before, "build rewrote an up-to-date index");
    // An edit is seen.
    let file = root.join("postmortems/2025-09-30-kafka-cluster-disk-full.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replacen("Kafka brokers", "Zookeeperish brokers", 1),
    )
    .unwrap();
    let v = search(&root, &["zookeeperish"]);
    assert_eq!(ids(&v), ["2025-09-30-kafka-cluster-disk-full"]);
}

#[test]
fn a_deleted_truncated_or_old_index_is_rebuilt() {
    let (_tmp, root) = example_copy();
    let expected = search(&root, &["certificate"]);
    let dir = root.join(".hindsight/index");
    let manifest = dir.join("hindsight-manifest.txt");

    // Deleted.
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(search(&root, &["certificate"]), expected);

    // Truncated: every segment file cut in half.
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".term") || name.ends_with(".idx") || name == "meta.json" {
            let bytes = std::fs::read(&path).unwrap();
            std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        }
    }
    assert_eq!(search(&root, &["certificate"]), expected);

    // Written by an older format.
    let text = std::fs::read_to_string(&manifest).unwrap();
    assert!(text.starts_with("hindsight-search-index 2\n"));
    std::fs::write(
        &manifest,
        text.replacen(
            "hindsight-search-index 2\n",
            "hindsight-search-index 0\n",
            1,
        ),
    )
    .unwrap();
    assert_eq!(search(&root, &["certificate"]), expected);
    assert!(
        std::fs::read_to_string(&manifest)
            .unwrap()
            .starts_with("hindsight-search-index 2\n")
    );

    // Garbage everywhere, manifest included.
    for e in std::fs::read_dir(&dir).unwrap() {
        std::fs::write(e.unwrap().path(), "garbage").unwrap();
    }
    assert_eq!(search(&root, &["certificate"]), expected);
}

/// Sets `file`'s modification time.
fn touch(file: &Path, time: std::time::SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(file)
        .unwrap()
        .set_modified(time)
        .unwrap();
}

/// Rewrites `file` with `from` replaced by `to` (the same length), keeping
/// its modification time.
fn same_length_edit(file: &Path, from: &str, to: &str) {
    assert_eq!(from.len(), to.len());
    let time = std::fs::metadata(file).unwrap().modified().unwrap();
    let text = std::fs::read_to_string(file).unwrap();
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
    touch(file, time);
}

#[test]
fn a_recent_file_is_read_again_even_when_its_stat_looks_unchanged() {
    // Git's "racily clean" case: written twice within one tick of the file
    // system's clock, a file has the same length and time both times.
    let (_tmp, root) = example_copy();
    let file = root.join("postmortems/2025-09-30-kafka-cluster-disk-full.md");
    touch(&file, std::time::SystemTime::now());
    search(&root, &["kafka"]);
    same_length_edit(&file, "Kafka brokers", "Kafkq brokers");
    let v = search(&root, &["kafkq"]);
    assert_eq!(ids(&v), ["2025-09-30-kafka-cluster-disk-full"]);
}

#[test]
fn an_old_unchanged_stat_is_trusted_without_reading_the_file() {
    // What makes `search` fast: files last changed well before the index
    // was built are not read again while their length and time stay. (An
    // edit through an editor or git always changes the time.)
    let (_tmp, root) = example_copy();
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for e in std::fs::read_dir(root.join("postmortems")).unwrap() {
        touch(&e.unwrap().path(), hour_ago);
    }
    let file = root.join("postmortems/2025-09-30-kafka-cluster-disk-full.md");
    let first = search(&root, &["kafka"]);
    same_length_edit(&file, "Kafka brokers", "Kafkq brokers");
    assert_eq!(search(&root, &["kafka"]), first);
    assert_eq!(search(&root, &["kafkq"])["hits"], serde_json::json!([]));
    // The same edit with a new time is seen.
    touch(&file, std::time::SystemTime::now());
    let v = search(&root, &["kafkq"]);
    assert_eq!(ids(&v), ["2025-09-30-kafka-cluster-disk-full"]);
}

#[test]
fn init_ignores_the_cache() {
    assert!(include_str!("../src/cli/scaffold/gitignore").contains("/.hindsight/"));
}

/// Reads a gzip'd JSON file of the site's search export.
fn gunzip_json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..2], [0x1f, 0x8b], "{} is gzip'd", path.display());
    serde_json::from_reader(flate2::read::GzDecoder::new(&bytes[..])).unwrap()
}

#[test]
fn the_site_export_is_gzipd_json_with_plain_text_summaries() {
    let (_tmp, root) = example_copy();
    let file = root.join("postmortems/2025-01-17-checkout-db-pool-exhaustion.md");
    let text = std::fs::read_to_string(&file).unwrap();
    let text = text.replacen(
        "For 56 minutes on 17 January 2025,",
        "For **56 minutes** on [17 January](https://example.com/) 2025, `checkout` *slowly*\nfailed,",
        1,
    );
    std::fs::write(&file, text).unwrap();
    let out = root.join("public");
    common::build_site(&root, &out);
    let search = out.join("search");
    let mut files = Vec::new();
    for e in walkdir::WalkDir::new(&search) {
        let e = e.unwrap();
        let path = e.path().strip_prefix(&search).unwrap();
        // The search page itself is `search/index.html`.
        if e.file_type().is_file() && path != Path::new("index.html") {
            files.push(path.to_path_buf());
        }
    }
    files.sort();
    assert!(
        files
            .iter()
            .all(|f| f.to_string_lossy().ends_with(".json.gz")),
        "{files:?}"
    );
    let meta = gunzip_json(&search.join("meta.json.gz"));
    let shards = meta["keys"].as_array().unwrap().len() + 1;
    let n = meta["n"].as_u64().unwrap() as usize;
    let per_shard = meta["per_shard"].as_u64().unwrap() as usize;
    let cards = n.div_ceil(per_shard);
    // meta, the term shards, the card shards, five facet columns.
    assert_eq!(files.len(), 1 + shards + cards + 5, "{files:?}");
    for name in ["severity", "quarter", "service", "cause", "date"] {
        let column = gunzip_json(&search.join(format!("f/{name}.json.gz")));
        assert!(
            column["docs"].as_str().is_some_and(|d| d.len() >= n),
            "{name}"
        );
    }
    // The card: plain text, and no link of its own (it follows `url`).
    let card = (0..cards)
        .flat_map(|c| {
            gunzip_json(&search.join(format!("d/{c}.json.gz")))
                .as_array()
                .unwrap()
                .clone()
        })
        .find(|c| c[0] == "2025-01-17-checkout-db-pool-exhaustion")
        .unwrap();
    let summary = card[4].as_str().unwrap();
    assert!(
        summary.starts_with("For 56 minutes on 17 January 2025, checkout slowly failed,"),
        "{summary}"
    );
    assert!(summary.chars().count() <= 200, "{summary}");
    assert_eq!(card.as_array().unwrap().len(), 6, "{card}");
    assert_eq!(meta["url"], "/incidents/");
}
