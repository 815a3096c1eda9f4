//! Related incidents: `hindsight related`, the `possible-recurrence` note of
//! `check`, and the "Related incidents" section of incident pages.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::{copy_dir, example, fixtures, sel};
use scraper::Html;

fn hindsight() -> Command {
    let mut cmd = Command::cargo_bin("hindsight").unwrap();
    cmd.env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("SOURCE_DATE_EPOCH", "1795737600");
    cmd
}

fn json(args: &[&str], dir: &Path) -> serde_json::Value {
    let out = hindsight()
        .arg("related")
        .args(args)
        .arg(dir)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The fixture knowledge base with two incidents told alike under
/// different root-cause ids, and a third unlike them.
fn recurrence_kb() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("kb");
    copy_dir(&fixtures().join("kb"), &root);
    copy_dir(
        &fixtures().join("rules/possible-recurrence"),
        &root.join("postmortems"),
    );
    (dir, root)
}

const LATER: &str = "2025-09-14-edge-proxy-certificate-expired-again";
const EARLIER: &str = "2025-03-01-edge-proxy-certificate-expired";

#[test]
fn a_shared_root_cause_ranks_first_on_content_example() {
    let report = json(&["2025-01-17-checkout-db-pool-exhaustion"], &example());
    assert_eq!(report["id"], "2025-01-17-checkout-db-pool-exhaustion");
    let related = report["related"].as_array().unwrap();
    assert_eq!(related.len(), 5, "[related] count defaults to 5");
    assert_eq!(
        related[0]["id"],
        "2025-11-28-black-friday-auth-pool-exhaustion"
    );
    assert_eq!(
        related[0]["shared_root_causes"],
        serde_json::json!(["connection-pool-exhaustion", "capacity-planning-gap"])
    );
    let scores: Vec<f64> = related
        .iter()
        .map(|r| r["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    for r in related {
        assert_ne!(r["id"], report["id"]);
        assert!(r["title"].as_str().is_some_and(|t| !t.is_empty()));
        assert_eq!(r["possible_recurrence"], false);
        let id = r["id"].as_str().unwrap();
        assert!(example().join(format!("postmortems/{id}.md")).is_file());
    }
    // --limit, and the same list from a folder inside the knowledge base.
    let two = json(
        &["2025-01-17-checkout-db-pool-exhaustion", "--limit", "2"],
        &example().join("postmortems"),
    );
    assert_eq!(two["related"].as_array().unwrap()[..], related[..2]);
}

#[test]
fn an_unknown_id_is_a_usage_error_with_did_you_mean() {
    hindsight()
        .args(["related", "2025-01-17-checkout-db-pool-exhaustio"])
        .arg(example())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "did you mean `2025-01-17-checkout-db-pool-exhaustion`?",
        ));
    let dir = tempfile::tempdir().unwrap();
    hindsight()
        .args(["related", "x"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("hindsight.toml"));
}

#[test]
fn a_possible_recurrence_is_flagged_by_related_and_noted_by_check() {
    let (_dir, root) = recurrence_kb();
    let report = json(&[LATER], &root);
    let first = &report["related"][0];
    assert_eq!(first["id"], EARLIER);
    assert_eq!(first["possible_recurrence"], true);
    assert_eq!(first["shared_root_causes"], serde_json::json!([]));
    let human = hindsight()
        .args(["related", LATER])
        .arg(&root)
        .assert()
        .success();
    let human = String::from_utf8_lossy(&human.get_output().stdout).into_owned();
    assert!(human.contains("possible recurrence"), "{human}");

    // A note on the later incident: exit 0, even with --deny-warnings.
    let out = hindsight()
        .args(["check", "--deny-warnings"])
        .arg(&root)
        .assert()
        .code(0);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.contains(&format!(
            "note[possible-recurrence]: possible recurrence of {EARLIER}: consider the same root-cause id"
        )),
        "{text}"
    );
    assert!(text.contains(&format!("{LATER}.md:8:1")), "{text}");
    assert!(text.contains("`expired-tls-certificate`"), "{text}");
    assert!(
        text.ends_with("checked 3 post-mortems: no problems found, 1 note\n"),
        "{text}"
    );
    let out = hindsight()
        .args(["check", "--format", "json"])
        .arg(&root)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["notes"], 1);
    assert_eq!(report["warnings"], 0);
    assert_eq!(report["diagnostics"][0]["level"], "note");
    assert_eq!(report["diagnostics"][0]["rule"], "possible-recurrence");
    let out = hindsight()
        .args(["check", "--format", "github"])
        .arg(&root)
        .output()
        .unwrap();
    let github = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(github.starts_with("::notice file="), "{github}");

    // `allow` silences it; `count = 0` (no related lists) too; bad values are refused.
    let later = root.join(format!("postmortems/{LATER}.md"));
    let text = fs::read_to_string(&later).unwrap();
    fs::write(
        &later,
        text.replacen(
            "services = ",
            "allow = [\"possible-recurrence\"]\nservices = ",
            1,
        ),
    )
    .unwrap();
    hindsight()
        .arg("check")
        .arg(&root)
        .assert()
        .code(0)
        .stdout("checked 3 post-mortems: no problems found\n");
    fs::write(&later, text).unwrap();
    let config = root.join("hindsight.toml");
    let base = fs::read_to_string(&config).unwrap();
    fs::write(&config, format!("{base}\n[related]\ncount = 0\n")).unwrap();
    hindsight()
        .arg("check")
        .arg(&root)
        .assert()
        .code(0)
        .stdout(predicates::str::contains("no problems found\n"));
    for bad in [
        "threshold = 0.0",
        "threshold = 1.5",
        "count = 500",
        "treshold = 0.4",
    ] {
        fs::write(&config, format!("{base}\n[related]\n{bad}\n")).unwrap();
        let out = hindsight().arg("check").arg(&root).assert().code(2);
        let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            err.contains("related") || err.contains("threshold"),
            "{bad}: {err}"
        );
    }
}

fn build(kb: &Path, out: &Path) {
    hindsight()
        .arg("build")
        .arg(kb)
        .arg("-o")
        .arg(out)
        .assert()
        .success();
}

fn page(out: &Path, id: &str) -> Html {
    Html::parse_document(
        &fs::read_to_string(out.join(format!("incidents/{id}/index.html"))).unwrap(),
    )
}

#[test]
fn incident_pages_list_related_incidents_with_working_links() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    build(&example(), &out);
    let mut listed = 0;
    for entry in fs::read_dir(out.join("incidents")).unwrap() {
        let entry = entry.unwrap();
        if !entry.path().join("index.html").is_file() || entry.file_name() == "index.html" {
            continue;
        }
        let id = entry.file_name().to_string_lossy().into_owned();
        let doc = page(&out, &id);
        for li in doc.select(&sel("#hs-related .similar > li")) {
            listed += 1;
            let hrefs: Vec<&str> = li
                .select(&sel("a[href]"))
                .map(|a| a.value().attr("href").unwrap())
                .collect();
            assert!(!hrefs.is_empty());
            for href in hrefs {
                let file = out.join(href.trim_start_matches('/')).join("index.html");
                assert!(file.is_file(), "{id}: {href} is broken");
                assert_ne!(href, format!("/incidents/{id}/"), "{id} lists itself");
            }
        }
    }
    assert!(
        listed >= 40,
        "incident pages list related incidents ({listed})"
    );
    let doc = page(&out, "2025-01-17-checkout-db-pool-exhaustion");
    let first = doc
        .select(&sel("#hs-related .similar > li"))
        .next()
        .unwrap();
    let text = first.text().collect::<String>();
    assert!(text.contains("Black Friday"), "{text}");
    assert!(text.contains("Shared root causes:"), "{text}");
    assert!(doc.select(&sel("a[href='#hs-related']")).next().is_some());
}

#[test]
fn a_possible_recurrence_is_marked_on_the_page_and_escaped() {
    let (_dir, root) = recurrence_kb();
    let earlier = root.join(format!("postmortems/{EARLIER}.md"));
    let text = fs::read_to_string(&earlier).unwrap();
    fs::write(
        &earlier,
        text.replacen(
            "title = \"Edge",
            "title = \"<img src=x onerror=alert(1)> Edge",
            1,
        ),
    )
    .unwrap();
    let out = root.join("site");
    build(&root, &out);
    let html = fs::read_to_string(out.join(format!("incidents/{LATER}/index.html"))).unwrap();
    assert!(!html.contains("<img src=x"), "titles are escaped");
    let doc = Html::parse_document(&html);
    let notice = doc.select(&sel(".notice-recurrence")).next().unwrap();
    assert!(
        notice
            .text()
            .collect::<String>()
            .contains("Consider the same root-cause id")
    );
    let flagged: Vec<_> = doc
        .select(&sel("#hs-related .similar > li.is-possible-recurrence"))
        .collect();
    assert_eq!(flagged.len(), 1);
    let text = flagged[0].text().collect::<String>();
    assert!(text.contains("Possible recurrence"), "{text}");
    assert!(text.contains("Similar text"), "{text}");
    // Both pages say it: the pair is flagged from either side.
    let other = page(&out, EARLIER);
    assert!(other.select(&sel(".notice-recurrence")).next().is_some());
}
