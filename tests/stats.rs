//! `hindsight stats`: the quarterly metrics in the terminal say what the
//! site's quarter pages and `metrics.json` say.

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use common::{build_site, example, hindsight_ok, sel};
use scraper::Html;

fn hindsight() -> Command {
    let mut cmd = Command::cargo_bin("hindsight").unwrap();
    // The date `build_site` builds at: open and overdue items depend on it.
    cmd.env_remove("CLICOLOR_FORCE")
        .env("SOURCE_DATE_EPOCH", "1795737600");
    cmd
}

fn stats(dir: &Path, args: &[&str]) -> String {
    let mut all: Vec<&std::ffi::OsStr> = vec!["stats".as_ref(), dir.as_os_str()];
    all.extend(args.iter().map(std::ffi::OsStr::new));
    String::from_utf8(hindsight_ok(&all)).unwrap()
}

fn text(el: scraper::ElementRef<'_>) -> String {
    el.text().collect::<String>().trim().to_string()
}

/// The value after `label` on its line of a `--quarter` report.
fn line<'a>(report: &'a str, label: &str) -> &'a str {
    report
        .lines()
        .find_map(|l| {
            l.strip_prefix(label)
                .filter(|rest| rest.starts_with("  "))
                .map(str::trim)
        })
        .unwrap_or_else(|| panic!("no `{label}` line in\n{report}"))
}

/// The figures of every quarter page of the example site, read from the
/// page, are those of `stats --quarter` for that quarter.
#[test]
fn stats_says_what_each_quarter_page_says() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    build_site(&example(), &site);
    let mut pages = 0;
    for entry in fs::read_dir(site.join("quarters")).unwrap() {
        let path = entry.unwrap().path().join("index.html");
        if !path.is_file() {
            continue;
        }
        let slug = path
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let html = Html::parse_document(&fs::read_to_string(&path).unwrap());
        let kpis: Vec<(String, String)> = html
            .select(&sel(".kpis .kpi"))
            .map(|k| {
                (
                    text(k.select(&sel("dt")).next().unwrap()),
                    text(k.select(&sel(".kpi-num")).next().unwrap()),
                )
            })
            .collect();
        assert_eq!(kpis.len(), 5, "{slug}: {kpis:?}");
        let report = stats(&example(), &["--quarter", &slug]);
        for (name, shown) in &kpis {
            // "n/a" on the page is "—" in the terminal.
            let shown = if shown == "n/a" {
                "—"
            } else {
                shown.as_str()
            };
            let said = match name.as_str() {
                "Incidents" => line(&report, "Incidents").split(',').next().unwrap(),
                "Median time to mitigate" => {
                    let l = line(&report, "Time to mitigate");
                    l.strip_prefix("median ")
                        .map_or(l, |rest| rest.split(',').next().unwrap())
                        .split(" (")
                        .next()
                        .unwrap()
                }
                "Recurrence rate" => line(&report, "Recurrence rate").split(':').next().unwrap(),
                "Action items done" => line(&report, "Action items done")
                    .split(':')
                    .next()
                    .unwrap(),
                final_ if final_.ends_with("post-mortems final") => {
                    line(&report, &final_.replace(" post-mortems", ""))
                        .split(':')
                        .next()
                        .unwrap()
                }
                other => panic!("{slug}: a figure stats does not know: {other}"),
            };
            assert_eq!(said, shown, "{slug}: {name}\n{report}");
        }
        // Incidents by severity, as the page's table counts them.
        let rows: Vec<(String, String)> = html
            .select(&sel(".figures-table tbody tr"))
            .take_while(|_| true)
            .filter_map(|tr| {
                let name = text(tr.select(&sel("th")).next()?).replace("Severity ", "");
                let count = text(tr.select(&sel("td")).next()?);
                Some((name, count))
            })
            .collect();
        assert!(!rows.is_empty(), "{slug}: no severity table");
        for (name, count) in rows.iter().filter(|(n, _)| n.starts_with("SEV")) {
            let said = line(&report, &format!("  {name}"))
                .split(',')
                .next()
                .unwrap();
            assert_eq!(said, count, "{slug}: {name}\n{report}");
        }
        pages += 1;
    }
    assert!(pages >= 8, "{pages} quarter pages compared");
}

/// `--format json` is `metrics.json` without the name of its per-incident
/// file.
#[test]
fn stats_json_is_metrics_json_without_the_incidents() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    build_site(&example(), &site);
    let mut file: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(site.join("metrics.json")).unwrap()).unwrap();
    assert_eq!(file["incidents_file"], "metrics-incidents.json");
    file.as_object_mut().unwrap().remove("incidents_file");
    let json: serde_json::Value =
        serde_json::from_str(&stats(&example(), &["--format", "json"])).unwrap();
    assert_eq!(json, file);

    // One quarter: only it.
    let one: serde_json::Value = serde_json::from_str(&stats(
        &example(),
        &["--format", "json", "--quarter", "2025-Q4"],
    ))
    .unwrap();
    let quarters = one["quarters"].as_array().unwrap();
    assert_eq!(quarters.len(), 1);
    assert_eq!(quarters[0]["quarter"], "2025-q4");
}

/// The table has a row per quarter and one for all time; CSV a row per
/// quarter whose numbers match the JSON.
#[test]
fn stats_table_and_csv() {
    let table = stats(&example(), &[]);
    let json: serde_json::Value =
        serde_json::from_str(&stats(&example(), &["--format", "json"])).unwrap();
    let quarters = json["quarters"].as_array().unwrap();
    for q in quarters {
        let title = q["title"].as_str().unwrap();
        let row = table
            .lines()
            .find(|l| l.starts_with(title))
            .unwrap_or_else(|| panic!("no row for {title}\n{table}"));
        let incidents = row[title.len()..].split_whitespace().next().unwrap();
        assert_eq!(incidents, q["incidents"].to_string(), "{row}");
    }
    let all = table.lines().find(|l| l.starts_with("All time")).unwrap();
    assert_eq!(
        all["All time".len()..].split_whitespace().next().unwrap(),
        json["overall"]["incidents"].to_string()
    );
    // Not a terminal: no colour codes.
    assert!(!table.contains('\u{1b}'));

    let csv = stats(&example(), &["--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let head = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), quarters.len());
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    for (row, q) in rows.iter().zip(quarters) {
        assert_eq!(row[col("quarter")], *q["quarter"].as_str().unwrap());
        assert_eq!(row[col("incidents")], q["incidents"].to_string());
        assert_eq!(row[col("SEV-1")], q["by_severity"][0].to_string());
        assert_eq!(
            row[col("action_items_overdue")],
            q["action_items"]["overdue"].to_string()
        );
    }
}

/// A quarter without incidents, or one that is not a quarter: exit 2 and
/// a message that says what to write.
#[test]
fn stats_rejects_a_quarter_it_cannot_show() {
    let out = hindsight()
        .args(["stats", "--quarter", "1990-Q1"])
        .arg(example())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no incidents in 1990 Q1"), "{err}");
    assert!(err.contains("run from 2025 Q1 to"), "{err}");

    let out = hindsight()
        .args(["stats", "--quarter", "2025-Q5"])
        .arg(example())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("write it like `2025-Q1`"), "{err}");
}
