//! `hindsight export action-items`: the site's action-item exports, in the
//! terminal, filtered.

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use common::{build_site, example, hindsight_ok};

fn export(dir: &Path, args: &[&str]) -> Vec<u8> {
    let mut all: Vec<&std::ffi::OsStr> =
        vec!["export".as_ref(), "action-items".as_ref(), dir.as_os_str()];
    all.extend(args.iter().map(std::ffi::OsStr::new));
    hindsight_ok(&all)
}

fn rows(dir: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_slice(&export(dir, &all)).unwrap()
}

/// Without filters, the output is the file `build` writes, byte for byte.
#[test]
fn unfiltered_export_is_the_sites_file() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    build_site(&example(), &site);
    let csv = export(&example(), &[]);
    assert_eq!(csv, fs::read(site.join("action-items.csv")).unwrap());
    let json = export(&example(), &["--format", "json"]);
    assert_eq!(json, fs::read(site.join("action-items.json")).unwrap());
    assert!(csv.len() > 1000 && json.len() > 1000);
}

/// Each filter keeps exactly the rows it names.
#[test]
fn filters_keep_the_rows_they_name() {
    let all = rows(&example(), &[]);
    let status = |r: &serde_json::Value| r["status"].as_str().unwrap().to_string();
    let count = |keep: &dyn Fn(&serde_json::Value) -> bool| all.iter().filter(|r| keep(r)).count();

    let open = rows(&example(), &["--status", "open"]);
    assert_eq!(
        open.len(),
        count(&|r| ["open", "in-progress"].contains(&status(r).as_str()))
    );
    assert!(!open.is_empty() && open.len() < all.len());
    for (name, kept) in [
        ("in-progress", vec!["in-progress"]),
        ("done", vec!["done"]),
        ("wont-fix", vec!["wont-fix"]),
        ("closed", vec!["done", "wont-fix"]),
    ] {
        let got = rows(&example(), &["--status", name]);
        assert_eq!(
            got.len(),
            count(&|r| kept.contains(&status(r).as_str())),
            "{name}"
        );
        assert!(
            got.iter().all(|r| kept.contains(&status(r).as_str())),
            "{name}"
        );
    }

    let overdue = rows(&example(), &["--overdue"]);
    assert!(!overdue.is_empty());
    assert_eq!(overdue.len(), count(&|r| r["overdue"] == true));

    // The owner, ignoring case, anywhere in the name; combined with the others.
    let owner = all
        .iter()
        .find_map(|r| r["owner"].as_str())
        .expect("an item with an owner")
        .to_string();
    let part = owner[..owner.len().min(4)].to_uppercase();
    let mine = rows(&example(), &["--owner", &part]);
    assert_eq!(
        mine.len(),
        count(&|r| r["owner"]
            .as_str()
            .is_some_and(|o| o.to_lowercase().contains(&part.to_lowercase())))
    );
    assert!(!mine.is_empty());
    let both = rows(
        &example(),
        &["--owner", &part, "--status", "open", "--overdue"],
    );
    assert!(both.len() <= mine.len());
    assert!(both.iter().all(|r| r["overdue"] == true));
}

#[test]
fn an_unknown_status_is_a_usage_error() {
    let out = Command::cargo_bin("hindsight")
        .unwrap()
        .args(["export", "action-items", "--status", "finished"])
        .arg(example())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("possible values") && err.contains("wont-fix"),
        "{err}"
    );
}
