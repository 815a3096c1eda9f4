//! `hindsight import pagerduty|opsgenie|slack`: exports from the incident
//! tools (fixtures written from each tool's API documentation) as timeline
//! items, printed or merged into a post-mortem.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::fixtures;

fn import_dir() -> PathBuf {
    fixtures().join("import")
}

fn hindsight() -> Command {
    let mut cmd = Command::cargo_bin("hindsight").unwrap();
    cmd.env("SOURCE_DATE_EPOCH", "1795737600")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

/// `hindsight import ARGS`: stdout, which must succeed.
fn import(args: &[&str]) -> String {
    let out = hindsight().arg("import").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

const PAGERDUTY: &str = "\
- 2025-06-02 23:41 UTC — Triggered through the API: [#4127] checkout-api p99 latency above 2s
- 23:41 — Notified Alice Chen via SMS
- 23:46 — Acknowledged by Alice Chen
- 23:51 — Escalated to Database On-Call (level 2) by Alice Chen
- 23:51 — Assigned to Bob Okafor by Alice Chen
- 23:58 — Alice Chen: Rolled back deploy 4411; the pool is still at 20/20 connections.
- 2025-06-03 00:12 UTC — Bob Okafor: Raised the orders-db pool to 60 by config push. Latency recovering; \\<b> tags stay text.
- 00:48 — Resolved by Alice Chen
";

/// Entries out of order and across midnight: sorted, the date written again
/// on the new day, entries of the same second in the file's order, notes as
/// "Author: note" on one line.
#[test]
fn pagerduty_log_entries_become_sorted_items() {
    let file = import_dir().join("pagerduty-log-entries.json");
    assert_eq!(import(&["pagerduty", path(&file)]), PAGERDUTY);

    // A bare array of entries reads the same.
    let json: serde_json::Value = serde_json::from_slice(&fs::read(&file).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let bare = dir.path().join("entries.json");
    fs::write(&bare, serde_json::to_vec(&json["log_entries"]).unwrap()).unwrap();
    assert_eq!(import(&["pagerduty", path(&bare)]), PAGERDUTY);
}

#[test]
fn the_window_keeps_what_is_inside_it() {
    let file = import_dir().join("pagerduty-log-entries.json");
    // A date is its whole day; the first item kept still says its date.
    assert_eq!(
        import(&["pagerduty", path(&file), "--since", "2025-06-03"]),
        "- 2025-06-03 00:12 UTC — Bob Okafor: Raised the orders-db pool to 60 by config push. \
         Latency recovering; \\<b> tags stay text.\n- 00:48 — Resolved by Alice Chen\n"
    );
    assert_eq!(
        import(&["pagerduty", path(&file), "--until", "2025-06-02"])
            .lines()
            .count(),
        6
    );
    // `HH:MM` bounds include their minute; RFC 3339 reads its offset.
    assert_eq!(
        import(&[
            "pagerduty",
            path(&file),
            "--since",
            "2025-06-02 23:46",
            "--until",
            "2025-06-03T01:52:00+02:00"
        ]),
        "- 2025-06-02 23:46 UTC — Acknowledged by Alice Chen\n\
         - 23:51 — Escalated to Database On-Call (level 2) by Alice Chen\n\
         - 23:51 — Assigned to Bob Okafor by Alice Chen\n"
    );
    hindsight()
        .args(["import", "pagerduty", path(&file), "--since", "yesterday"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("YYYY-MM-DD"));
}

#[test]
fn opsgenie_logs_become_items_with_their_owner() {
    let file = import_dir().join("opsgenie-alert-logs.json");
    assert_eq!(
        import(&["opsgenie", path(&file)]),
        "\
- 2025-06-02 14:05 UTC — Alert created via Datadog: [Datadog] payments-api error rate above 5%
- 14:05 — Alert is notified to alice@example.com via sms
- 14:09 — alice@example.com: Alert acknowledged via iOS
- 14:21 — bob@example.com: Note added: Failing over to the secondary card processor
- 14:52 — alice@example.com: Alert closed via web
"
    );
    assert_eq!(
        import(&[
            "opsgenie",
            path(&file),
            "--since",
            "2025-06-02 14:09",
            "--until",
            "2025-06-02 14:21"
        ]),
        "- 2025-06-02 14:09 UTC — alice@example.com: Alert acknowledged via iOS\n\
         - 14:21 — bob@example.com: Note added: Failing over to the secondary card processor\n"
    );
}

const SLACK: &str = "\
- 2025-06-02 23:41 UTC — Datadog: Triggered: checkout-api p99 latency above 2s
- 23:44 — Alice Chen: Paging in. @here checkout p99 is at 4s, see [the dashboard](https://grafana.example.com/d/checkout?from=now-1h&to=now)
- 23:50 — Bob Okafor: Looks like #deploys had 4411 go out at 23:30
- 23:57 — Alice Chen: Rolling back deploy 4411 & watching `orders-db` - pool size - p99
- 23:59 — Carol D (in thread): @Alice Chen pool is 20/20 <- that's the cap
- 2025-06-03 00:12 UTC — Bob Okafor: Raised the pool to 60. Latency recovering.
- 00:20 — @Alice Chen set the channel topic: Resolved — monitoring
- 00:48 — Alice Chen: Resolved. Post-mortem to follow :pray:
";

/// Two days of the incident channel; joins and leaves skipped, the other
/// channel left out, names from users.json, markup decoded.
#[test]
fn a_slack_channel_becomes_items() {
    let export = import_dir().join("slack");
    assert_eq!(
        import(&["slack", path(&export), "--channel", "inc-4127-checkout"]),
        SLACK
    );
    assert_eq!(
        import(&["slack", path(&export), "--channel", "#inc-4127-checkout"]),
        SLACK
    );
    assert_eq!(
        import(&["slack", path(&export), "--channel", "deploys"]),
        "- 2025-06-02 23:35 UTC — Bob Okafor: Deploy 4411 of checkout-api is out\n"
    );
    hindsight()
        .args(["import", "slack", path(&export), "--channel", "#nope"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "no channel `nope` in the export; it has #deploys, #inc-4127-checkout",
        ));
}

/// Broken JSON names the file, line and column; exit status 2.
#[test]
fn malformed_json_names_the_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.json");
    fs::write(
        &file,
        "{\n  \"log_entries\": [\n    {\"type\": \"x\",}\n  ]\n}\n",
    )
    .unwrap();
    for tool in ["pagerduty", "opsgenie"] {
        let out = hindsight()
            .args(["import", tool, path(&file)])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!(
                "{}:3:18: not valid JSON (line 3, column 18)",
                file.display()
            )),
            "{err}"
        );
    }
    // In a Slack export, the day file is named.
    let export = dir.path().join("export");
    common::copy_dir(&import_dir().join("slack"), &export);
    let day = export.join("inc-4127-checkout/2025-06-03.json");
    fs::write(&day, "[\n  {\"ts\": 1}\n  {}\n]").unwrap();
    hindsight()
        .args([
            "import",
            "slack",
            path(&export),
            "--channel",
            "inc-4127-checkout",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "2025-06-03.json:3:3: not valid JSON",
        ));
    // No panic on bytes that are not text at all.
    fs::write(&file, [0xff, 0xfe, 0x00, 0x7b]).unwrap();
    hindsight()
        .args(["import", "pagerduty", path(&file)])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not valid JSON"));
}

/// A file of another tool's shape says what was expected and what it looks like.
#[test]
fn a_file_of_the_wrong_shape_says_what_was_expected() {
    let opsgenie = import_dir().join("opsgenie-alert-logs.json");
    hindsight()
        .args(["import", "pagerduty", path(&opsgenie)])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "expected PagerDuty incident log entries: an object with a `log_entries` array",
        ))
        .stderr(predicates::str::contains("try `hindsight import opsgenie`"));
    let pagerduty = import_dir().join("pagerduty-log-entries.json");
    hindsight()
        .args(["import", "opsgenie", path(&pagerduty)])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("expected Opsgenie alert logs"))
        .stderr(predicates::str::contains(
            "try `hindsight import pagerduty`",
        ));
    // A bare array of the other tool's entries: the entry that lacks the
    // field is named.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("logs.json");
    fs::write(
        &file,
        r#"[{"log": "Alert created", "owner": "System", "createdAt": "2025-06-02T14:05:12Z"}]"#,
    )
    .unwrap();
    hindsight()
        .args(["import", "pagerduty", path(&file)])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("log entry 1 has no `type`"));
    hindsight()
        .args(["import", "slack", path(&pagerduty), "--channel", "x"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unzip"));
}

const HEAD: &str = "\
+++
title = \"Checkout latency after deploy 4411\"
date = 2025-06-02
severity = \"SEV-3\"
status = \"draft\"
services = [\"checkout-api\"]
+++

## Summary

Checkout was slow for an hour after deploy 4411.

## Impact

About one order in ten took more than four seconds.
";

const TAIL: &str = "
## Root Cause Analysis

The orders-db pool was sized for last year's traffic.

## Lessons Learned

Pool limits need an alert.
";

/// A knowledge base from `init`, with `text` as one post-mortem.
fn knowledge_base(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("kb");
    hindsight().arg("init").arg(&root).assert().success();
    let file = root.join("postmortems/2025-06-02-checkout-latency.md");
    fs::write(&file, text).unwrap();
    (dir, file)
}

fn check(file: &Path) {
    let root = file.parent().unwrap().parent().unwrap();
    let out = hindsight().arg("check").arg(root).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    for rule in ["timeline-order", "invalid-timestamp", "missing-section"] {
        assert!(!stdout.contains(rule), "{stdout}");
    }
}

/// `--into`: the list gets the new items in time order, the rest of the
/// file stays byte for byte, a second import changes nothing, and `check`
/// passes.
#[test]
fn into_merges_into_the_timeline_and_only_there() {
    let list = "\
- 2025-06-02 23:30 UTC — Deploy 4411 of checkout-api goes out.
- The deploy carried a pool size change.
- 23:46 — Acknowledged by Alice Chen
- 2025-06-03 00:30 UTC — Error rate back to normal.
  Latency followed ten minutes later.
";
    let before = format!("{HEAD}\n## Timeline\n\n<!-- Times in UTC. -->\n\n{list}{TAIL}");
    let (_dir, file) = knowledge_base(&before);
    check(&file);
    let pd = import_dir().join("pagerduty-log-entries.json");
    let out = hindsight()
        .args(["import", "pagerduty", path(&pd), "--into", path(&file)])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "{}: added 7 timeline items (1 already there)\n",
            file.display()
        )
    );
    assert!(out.stdout.is_empty());
    let after = fs::read_to_string(&file).unwrap();
    let merged = "\
- 2025-06-02 23:30 UTC — Deploy 4411 of checkout-api goes out.
- The deploy carried a pool size change.
- 23:41 — Triggered through the API: [#4127] checkout-api p99 latency above 2s
- 23:41 — Notified Alice Chen via SMS
- 23:46 — Acknowledged by Alice Chen
- 23:51 — Escalated to Database On-Call (level 2) by Alice Chen
- 23:51 — Assigned to Bob Okafor by Alice Chen
- 23:58 — Alice Chen: Rolled back deploy 4411; the pool is still at 20/20 connections.
- 2025-06-03 00:12 UTC — Bob Okafor: Raised the orders-db pool to 60 by config push. Latency recovering; \\<b> tags stay text.
- 2025-06-03 00:30 UTC — Error rate back to normal.
  Latency followed ten minutes later.
- 00:48 — Resolved by Alice Chen
";
    assert_eq!(
        after,
        format!("{HEAD}\n## Timeline\n\n<!-- Times in UTC. -->\n\n{merged}{TAIL}")
    );
    check(&file);

    // Idempotent: the same import again leaves the file as it is.
    let out = hindsight()
        .args(["import", "pagerduty", path(&pd), "--into", path(&file)])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to add (8 imported items"));
    assert_eq!(fs::read_to_string(&file).unwrap(), after);

    // Another source on top, then both again: still nothing new.
    let slack = import_dir().join("slack");
    let slack_args = [
        "import",
        "slack",
        path(&slack),
        "--channel",
        "inc-4127-checkout",
        "--into",
        path(&file),
    ];
    hindsight().args(slack_args).assert().success();
    let both = fs::read_to_string(&file).unwrap();
    assert_eq!(both.matches("\n- ").count(), 11 + 8);
    check(&file);
    hindsight().args(slack_args).assert().success();
    hindsight()
        .args(["import", "pagerduty", path(&pd), "--into", path(&file)])
        .assert()
        .success();
    assert_eq!(fs::read_to_string(&file).unwrap(), both);
    assert!(both.starts_with(HEAD) && both.ends_with(TAIL));
}

/// Without a `## Timeline`, one is added where the template has it: after
/// Impact, before Root Cause Analysis.
#[test]
fn into_a_file_without_a_timeline_adds_the_section() {
    let before = format!("{HEAD}{TAIL}");
    let (_dir, file) = knowledge_base(&before);
    let og = import_dir().join("opsgenie-alert-logs.json");
    let out = hindsight()
        .args(["import", "opsgenie", path(&og), "--into", path(&file)])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("in a new Timeline section"));
    let after = fs::read_to_string(&file).unwrap();
    let expected = format!(
        "{HEAD}\n## Timeline\n\n{}{TAIL}",
        import(&["opsgenie", path(&og)])
    );
    assert_eq!(after, expected);
    check(&file);
    hindsight()
        .args(["import", "opsgenie", path(&og), "--into", path(&file)])
        .assert()
        .success();
    assert_eq!(fs::read_to_string(&file).unwrap(), after);
}

/// A section that has only the template's comment gets the list after it;
/// a file that is not a post-mortem is left alone.
#[test]
fn into_an_empty_section_and_into_what_is_not_a_post_mortem() {
    let before = format!("{HEAD}\n## Timeline\n\n<!-- One event per item. -->\n{TAIL}");
    let (_dir, file) = knowledge_base(&before);
    let og = import_dir().join("opsgenie-alert-logs.json");
    hindsight()
        .args(["import", "opsgenie", path(&og), "--into", path(&file)])
        .assert()
        .success();
    let after = fs::read_to_string(&file).unwrap();
    assert!(after.starts_with(&format!(
        "{HEAD}\n## Timeline\n\n<!-- One event per item. -->\n\n- 2025-06-02 14:05 UTC — Alert created"
    )));
    assert!(after.ends_with(&format!(
        "- 14:52 — alice@example.com: Alert closed via web\n{TAIL}"
    )));
    check(&file);

    let broken = "no front matter here\n";
    fs::write(&file, broken).unwrap();
    hindsight()
        .args(["import", "opsgenie", path(&og), "--into", path(&file)])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("nothing was changed"));
    assert_eq!(fs::read_to_string(&file).unwrap(), broken);
}
