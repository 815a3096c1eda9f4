//! `build --public`: nothing of an internal post-mortem, and none of the
//! redacted fields, anywhere in the site (every file, the gzip'd search
//! data included); the local search index still has everything.

use std::fs;
use std::io::Read;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn hindsight() -> Command {
    let mut cmd = Command::cargo_bin("hindsight").unwrap();
    cmd.env_remove("HINDSIGHT_TIMINGS")
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1795737600");
    cmd
}

/// What only internal post-mortems, or redacted fields, say: none may be
/// published. Lowercase, as the files are compared lowercased (the search
/// data holds terms the analyzer lowercased).
const SECRETS: &[&str] = &[
    // Internal post-mortems: ids, titles, body, services, tags, causes,
    // action items, attachments, authors and owners.
    "zqsecret",
    "zqsvc",
    "zqtag",
    "zqcause",
    "zqaction",
    "zqauthor",
    "zqowner",
    // Redacted fields of public post-mortems.
    "xauthorpub",
    "xownerpub",
];

/// A post-mortem. `extra` is more front matter; `[[action_items]]` come last.
fn post_mortem(title: &str, date: &str, extra: &str, body: &str) -> String {
    format!(
        r#"+++
title = "{title}"
date = {date}
severity = "SEV-3"
{extra}
+++

## Summary

{body}

## Impact

Customers waited.

## Timeline

- {date} 10:00 UTC — It starts.
- 10:05 — The alert fires.

## Root Cause Analysis

A limit was reached.

## Lessons Learned

Limits need alerts.
"#
    )
}

/// A knowledge base with two public post-mortems, a public draft, and two
/// internal post-mortems (one of them by default visibility).
fn knowledge_base() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("hindsight.toml"),
        "[site]\ntitle = \"t\"\nbase_url = \"https://example.com/\"\n",
    )
    .unwrap();
    fs::write(
        root.join("root-causes.toml"),
        "[causes.pool-limit]\ntitle = \"Connection pool limit\"\n\n\
         [causes.zqcause-vault]\ntitle = \"Zqcause vault misconfiguration\"\n",
    )
    .unwrap();
    let pms = root.join("postmortems");
    fs::create_dir(&pms).unwrap();
    let public_items = r#"
[[root_causes]]
id = "pool-limit"
kind = "root"

[[action_items]]
title = "Raise the pool limit"
owner = "Xownerpub Team"
due = 2025-07-01"#;
    fs::write(
        pms.join("publicalpha-checkout-outage.md"),
        post_mortem(
            "Publicalpha checkout outage",
            "2025-06-01",
            &format!(
                "status = \"final\"\nservices = [\"checkout\"]\ntags = [\"database\"]\n\
                 visibility = \"public\"\nauthors = [\"Xauthorpub Person\"]\n\
                 related = [\"zqsecret-vault-leak\"]\n{public_items}"
            ),
            "Checkout failed. See ![the graph](publicalpha-graph.txt).",
        ),
    )
    .unwrap();
    fs::write(pms.join("publicalpha-graph.txt"), "a graph").unwrap();
    fs::write(
        pms.join("publicbeta-search-slowness.md"),
        post_mortem(
            "Publicbeta search slowness",
            "2025-08-01",
            &format!(
                "status = \"review\"\nservices = [\"search\"]\nvisibility = \"public\"\n\
                 authors = [\"Xauthorpub Other\"]\n{public_items}"
            ),
            "Search was slow.",
        ),
    )
    .unwrap();
    fs::write(
        pms.join("publicdraft-label-delay.md"),
        post_mortem(
            "Publicdraft label delay",
            "2025-09-01",
            "status = \"draft\"\nservices = [\"labels\"]\nvisibility = \"public\"",
            "Labels were late.",
        ),
    )
    .unwrap();
    let internal_items = r#"
[[root_causes]]
id = "zqcause-vault"
kind = "root"

[[root_causes]]
id = "pool-limit"
kind = "contributing"

[[action_items]]
title = "Zqaction rotate the vault keys"
owner = "Zqowner Team"
due = 2019-07-01"#;
    fs::write(
        pms.join("zqsecret-vault-leak.md"),
        post_mortem(
            "Zqsecret vault leak",
            "2019-06-01",
            &format!(
                "status = \"final\"\nservices = [\"zqsvc-vault\", \"checkout\"]\n\
                 tags = [\"zqtag-security\", \"database\"]\nvisibility = \"internal\"\n\
                 authors = [\"Zqauthor Person\"]\n{internal_items}"
            ),
            "Zqsecretbody keys leaked. See ![the dump](zqsecret-dump.txt).",
        ),
    )
    .unwrap();
    fs::write(pms.join("zqsecret-dump.txt"), "zqsecret dump").unwrap();
    // No `visibility`: internal by default.
    fs::write(
        pms.join("zqsecret-default-internal.md"),
        post_mortem(
            "Zqsecret defaulted",
            "2025-07-01",
            &format!(
                "status = \"final\"\nservices = [\"zqsvc-other\"]\nauthors = [\"Zqauthor Two\"]\n\
                 {internal_items}"
            ),
            "Zqsecretbody again.",
        ),
    )
    .unwrap();
    dir
}

/// Builds `root` into `out` with `args`; returns stderr.
fn build(root: &Path, out: &Path, args: &[&str]) -> String {
    let output = hindsight()
        .arg("build")
        .arg(root)
        .arg("-o")
        .arg(out)
        .args(args)
        .assert()
        .success();
    String::from_utf8_lossy(&output.get_output().stderr).into_owned()
}

/// Every file of the site (path under `out`, text lowercased; `.gz` files
/// inflated).
fn site_files(out: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let bytes = fs::read(entry.path()).unwrap();
        let bytes = if entry.path().extension().is_some_and(|e| e == "gz") {
            let mut inflated = Vec::new();
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_end(&mut inflated)
                .unwrap();
            inflated
        } else {
            bytes
        };
        let rel = entry.path().strip_prefix(out).unwrap().to_string_lossy();
        files.push((
            rel.to_lowercase(),
            String::from_utf8_lossy(&bytes).to_lowercase(),
        ));
    }
    assert!(files.len() > 20, "the site has {} files", files.len());
    files
}

/// Where `secret` appears: the file's path, or its content.
fn found(files: &[(String, String)], secret: &str) -> Vec<String> {
    files
        .iter()
        .filter(|(path, text)| path.contains(secret) || text.contains(secret))
        .map(|(path, _)| path.clone())
        .collect()
}

#[test]
fn a_public_build_has_nothing_internal_and_nothing_redacted() {
    let kb = knowledge_base();
    let out = kb.path().join("site");
    let stderr = build(kb.path(), &out, &["--public"]);
    assert!(
        stderr.contains(
            "public build: 2 of 5 post-mortems (2 internal, 1 public draft left out); redacted: authors, action_items.owner"
        ),
        "{stderr}"
    );
    let files = site_files(&out);
    for secret in SECRETS {
        let leaks = found(&files, secret);
        assert!(leaks.is_empty(), "`{secret}` is published in {leaks:?}");
    }
    // No year page for the internal incident's year either.
    assert!(found(&files, "years/2019").is_empty());
    for shown in ["publicalpha checkout outage", "publicbeta search slowness"] {
        assert!(
            !found(&files, shown).is_empty(),
            "`{shown}` is not on the site"
        );
    }
    // The public incident's attachment is published beside it.
    assert!(
        out.join("incidents/publicalpha-checkout-outage/publicalpha-graph.txt")
            .is_file()
    );
    // A draft only with --drafts, public or not.
    let drafts = found(&files, "publicdraft");
    assert!(drafts.is_empty(), "{drafts:?}");
    // The items are there, without their owner.
    let csv = fs::read_to_string(out.join("action-items.csv")).unwrap();
    assert!(csv.contains("Raise the pool limit"), "{csv}");
}

#[test]
fn drafts_that_are_public_come_with_drafts() {
    let kb = knowledge_base();
    let out = kb.path().join("site");
    let stderr = build(kb.path(), &out, &["--public", "--drafts"]);
    assert!(
        stderr.contains("public build: 3 of 5 post-mortems (2 internal left out)"),
        "{stderr}"
    );
    let files = site_files(&out);
    assert!(!found(&files, "publicdraft label delay").is_empty());
    for secret in SECRETS {
        let leaks = found(&files, secret);
        assert!(leaks.is_empty(), "`{secret}` is published in {leaks:?}");
    }
}

#[test]
fn without_public_everything_is_published() {
    let kb = knowledge_base();
    let out = kb.path().join("site");
    let stderr = build(kb.path(), &out, &[]);
    assert!(!stderr.contains("public build"), "{stderr}");
    let files = site_files(&out);
    // Each secret is on the site, so the public test would see a leak.
    for secret in SECRETS {
        assert!(
            !found(&files, secret).is_empty(),
            "`{secret}` is not on the site"
        );
    }
    // The inflated search data is read too.
    assert!(
        found(&files, "zqsecretbody")
            .iter()
            .any(|path| path.starts_with("search/") && path.ends_with(".gz"))
    );
}

#[test]
fn redact_nothing_keeps_authors_and_owners() {
    let kb = knowledge_base();
    let config = kb.path().join("hindsight.toml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(&config, format!("{text}\n[public]\nredact = []\n")).unwrap();
    let out = kb.path().join("site");
    let stderr = build(kb.path(), &out, &["--public"]);
    assert!(stderr.contains("redacted: nothing"), "{stderr}");
    let files = site_files(&out);
    for kept in ["xauthorpub", "xownerpub"] {
        assert!(
            !found(&files, kept).is_empty(),
            "`{kept}` is not on the site"
        );
    }
    assert!(found(&files, "zqsecret").is_empty());
}

#[test]
fn the_local_search_index_keeps_the_internal_post_mortems() {
    let kb = knowledge_base();
    let out = kb.path().join("site");
    build(kb.path(), &out, &["--public"]);
    hindsight()
        .args(["search", "zqsecretbody"])
        .current_dir(kb.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("zqsecret-vault-leak"));
}

#[test]
fn an_unknown_redact_name_is_a_config_error_with_did_you_mean() {
    let kb = knowledge_base();
    let config = kb.path().join("hindsight.toml");
    let text = fs::read_to_string(&config).unwrap();
    let text = format!("{text}\n[public]\nredact = [\"authors\", \"action_items.ownr\"]\n");
    let line = text.lines().count();
    fs::write(&config, text).unwrap();
    hindsight()
        .args(["build", "--public"])
        .arg(kb.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error[config]: invalid hindsight.toml: unknown value `action_items.ownr`",
        ))
        .stderr(predicate::str::contains(format!(
            "hindsight.toml:{line}:22"
        )))
        .stderr(predicate::str::contains("not an accepted value"))
        .stderr(predicate::str::contains(
            "help: did you mean `action_items.owner`?",
        ));
}
