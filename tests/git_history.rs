//! Git history: in a repository made here, with commits at known dates, an
//! incident page says when its post-mortem last changed and links to its
//! history and editor, and the quarter page, `metrics.json` and `stats`
//! measure time to first draft and time to publish from the commits.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::{build_site, copy_dir, example, hindsight_ok};

/// `git ARGS` in `dir`, committed at `date` (both author and committer).
fn git(dir: &Path, date: &str, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A knowledge base of one post-mortem of 2025-06-01 (no `published`):
/// first committed on 2025-06-03 in review, made final on 2025-06-10,
/// last touched on 2025-06-12.
fn repository(root: &Path, config: &str) -> String {
    fs::create_dir_all(root.join("postmortems")).unwrap();
    fs::write(root.join("hindsight.toml"), config).unwrap();
    let source =
        fs::read_to_string(example().join("postmortems/2025-07-03-orders-db-migration-lock.md"))
            .unwrap();
    let mut pm = String::new();
    // The top-level keys come before the first table (`[impact]`, `[[...]]`).
    let mut top = true;
    for line in source.lines() {
        top &= !line.starts_with('[');
        // No `published`: the commits say when it was published.
        if top && line.starts_with("published") {
            continue;
        }
        let line = if top && line.starts_with("status") {
            "status = \"review\"".to_string()
        } else if top && line.starts_with("date =") {
            "date = 2025-06-01".to_string()
        } else {
            line.to_string()
        };
        pm.push_str(&line);
        pm.push('\n');
    }
    // The example's timeline starts on its own date: move it too.
    let pm = pm.replace("2025-07-03", "2025-06-01");
    let file = root.join("postmortems/orders.md");
    fs::write(&file, &pm).unwrap();
    git(root, "2025-06-01T12:00:00Z", &["init", "-q"]);
    git(root, "2025-06-03T09:00:00Z", &["add", "."]);
    git(root, "2025-06-03T09:00:00Z", &["commit", "-qm", "draft"]);
    fs::write(
        &file,
        pm.replace("status = \"review\"", "status = \"final\""),
    )
    .unwrap();
    git(root, "2025-06-10T16:30:00Z", &["commit", "-qam", "final"]);
    fs::write(
        &file,
        pm.replace("status = \"review\"", "status = \"final\"") + "\nA late note.\n",
    )
    .unwrap();
    git(root, "2025-06-12T08:00:00Z", &["commit", "-qam", "note"]);
    pm
}

fn head(root: &Path) -> String {
    let out = Command::new("git")
        .current_dir(root)
        .args(["rev-parse", "HEAD"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn pages_metrics_and_stats_read_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("kb");
    repository(
        &root,
        "[site]\ntitle = \"t\"\nrepo_url = \"https://github.com/acme/postmortems\"\n",
    );
    let site = dir.path().join("site");
    build_site(&root, &site);

    let page = fs::read_to_string(site.join("incidents/orders/index.html")).unwrap();
    assert!(page.contains("Last changed"), "no git line");
    assert!(
        page.contains(">2025-06-12</time>"),
        "the last commit's date"
    );
    assert!(page.contains(&head(&root)[..7]), "the last commit");
    assert!(page.contains(
        "href=\"https://github.com/acme/postmortems/commits/main/postmortems/orders.md\""
    ));
    assert!(
        page.contains(
            "href=\"https://github.com/acme/postmortems/edit/main/postmortems/orders.md\""
        )
    );

    // First commit 2 days after the incident; final 9 days after.
    let metrics: serde_json::Value =
        serde_json::from_slice(&fs::read(site.join("metrics-incidents.json")).unwrap()).unwrap();
    let incident = &metrics["incidents"][0];
    assert_eq!(incident["time_to_first_draft"], 2);
    assert_eq!(incident["time_to_publish"], 9);
    assert_eq!(incident["time_to_rca"], serde_json::Value::Null);
    let quarter = scraper::Html::parse_document(
        &fs::read_to_string(site.join("quarters/2025-q2/index.html")).unwrap(),
    );
    let median = |row: &str| -> String {
        quarter
            .select(&common::sel(
                "#response ~ .table-wrap tr, .figures-table tr",
            ))
            .find(|tr| {
                tr.select(&common::sel("th"))
                    .next()
                    .is_some_and(|th| th.text().next().unwrap_or("").trim() == row)
            })
            .and_then(|tr| tr.select(&common::sel("td strong")).next())
            .map(|s| s.text().collect())
            .unwrap_or_else(|| panic!("no `{row}` row"))
    };
    assert_eq!(median("First draft"), "2 days");
    assert_eq!(median("Post-mortem"), "9 days");

    // `stats` reads the same history.
    let json: serde_json::Value = serde_json::from_slice(&hindsight_ok(&[
        "stats".as_ref(),
        root.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]))
    .unwrap();
    assert_eq!(json["quarters"][0]["time_to_publish"]["median"], 9.0);
    assert_eq!(json["quarters"][0]["time_to_first_draft"]["median"], 2.0);
}

#[test]
fn gitlab_links_and_no_git_without_a_repository_or_when_off() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo/kb");
    fs::create_dir_all(&root).unwrap();
    // The knowledge base is a folder of the repository.
    repository(
        &root,
        "[site]\ntitle = \"t\"\nrepo_url = \"https://gitlab.example.com/sre/pm.git\"\nrepo_branch = \"trunk\"\n",
    );
    let site = dir.path().join("site");
    build_site(&root, &site);
    let page = fs::read_to_string(site.join("incidents/orders/index.html")).unwrap();
    assert!(
        page.contains(
            "href=\"https://gitlab.example.com/sre/pm/-/edit/trunk/postmortems/orders.md\""
        )
    );

    // `git = false`: nothing from git.
    fs::write(
        root.join("hindsight.toml"),
        "[site]\ntitle = \"t\"\ngit = false\n",
    )
    .unwrap();
    build_site(&root, &site);
    let page = fs::read_to_string(site.join("incidents/orders/index.html")).unwrap();
    assert!(!page.contains("Last changed"));

    // Outside a repository: nothing either, and the build is the same.
    let copy = dir.path().join("copy");
    copy_dir(&root, &copy);
    fs::remove_dir_all(copy.join(".git")).ok();
    fs::write(copy.join("hindsight.toml"), "[site]\ntitle = \"t\"\n").unwrap();
    let copy_site = dir.path().join("copy-site");
    build_site(&copy, &copy_site);
    let page = fs::read_to_string(copy_site.join("incidents/orders/index.html")).unwrap();
    assert!(!page.contains("Last changed"));
    let metrics: serde_json::Value =
        serde_json::from_slice(&fs::read(copy_site.join("metrics-incidents.json")).unwrap())
            .unwrap();
    assert_eq!(
        metrics["incidents"][0]["time_to_first_draft"],
        serde_json::Value::Null
    );
}
