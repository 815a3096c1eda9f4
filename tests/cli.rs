//! The command line as users and CI run it: exit codes, output formats,
//! `new` and `init`.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

mod common;
use common::example;

fn hindsight() -> Command {
    let mut cmd = Command::cargo_bin("hindsight").unwrap();
    cmd.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    cmd
}

const GOOD: &str = r#"+++
title = "Search latency after an index rebuild"
date = 2025-06-01
severity = "SEV-3"
status = "review"
services = ["search-api"]

[[action_items]]
title = "Throttle index rebuilds to one shard at a time"
owner = "search-team"
due = 2025-07-01
+++

## Summary

Search was slow for an hour.

## Impact

p99 latency reached 4 s.

## Timeline

- 2025-06-01 10:00 UTC — Index rebuild starts.
- 10:05 — Latency alert fires.

## Root Cause Analysis

All shards rebuilt at once.

## Lessons Learned

Rebuilds need a budget.
"#;

/// A knowledge base with the given post-mortems (name, text).
fn kb(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("hindsight.toml"), "[site]\ntitle = \"t\"\n").unwrap();
    fs::create_dir(dir.path().join("postmortems")).unwrap();
    for (name, text) in files {
        fs::write(dir.path().join("postmortems").join(name), text).unwrap();
    }
    dir
}

#[test]
fn content_example_checks_clean() {
    hindsight()
        .arg("check")
        .arg(example())
        .assert()
        .success()
        .stdout(predicate::str::contains("no problems found"));
}

#[test]
fn errors_exit_1_and_every_file_is_reported() {
    let broken_toml = GOOD.replace("severity = \"SEV-3\"", "severity = SEV-3");
    let dir = kb(&[
        ("a-good.md", GOOD),
        ("b-empty.md", ""),
        ("c-no-front-matter.md", "# Just a heading\n"),
        ("d-toml.md", &broken_toml),
        ("e-bytes.md", "+++\ntitle = \"\u{0}\"\n"),
    ]);
    fs::write(
        dir.path().join("postmortems/f-latin1.md"),
        b"+++\ntitle = \"caf\xe9\"\n+++\n",
    )
    .unwrap();
    let out = hindsight().arg("check").arg(dir.path()).assert().code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for rule in [
        "empty-file",
        "missing-front-matter",
        "toml-syntax",
        "unclosed-front-matter",
        "invalid-utf8",
    ] {
        assert!(
            stdout.contains(&format!("[{rule}]")),
            "missing {rule} in:\n{stdout}"
        );
    }
    // The TOML error points at the .md file's line 4, not the fragment's line 3.
    assert!(stdout.contains("d-toml.md:4:12"), "{stdout}");
    assert!(
        stdout.contains("checked 6 post-mortems: 5 errors"),
        "{stdout}"
    );
}

#[test]
fn warnings_pass_unless_denied() {
    let vague = GOOD.replace(
        "Throttle index rebuilds to one shard at a time",
        "Investigate the rebuild",
    );
    let dir = kb(&[("a.md", &vague)]);
    hindsight()
        .arg("check")
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("warning[vague-action-item]"));
    hindsight()
        .args(["check", "--deny-warnings"])
        .arg(dir.path())
        .assert()
        .code(1);
}

#[test]
fn a_folder_without_config_is_a_usage_error_with_a_way_out() {
    let dir = tempfile::tempdir().unwrap();
    hindsight()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has no hindsight.toml"))
        .stderr(predicate::str::contains("hindsight init"));
}

#[test]
fn unknown_config_keys_are_errors_with_did_you_mean() {
    let dir = kb(&[("a.md", GOOD)]);
    fs::write(
        dir.path().join("hindsight.toml"),
        "[site]\ntitle = \"t\"\n\n[template]\nseverites = []\n",
    )
    .unwrap();
    hindsight()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error[config]: invalid hindsight.toml: unknown key `severites`",
        ))
        .stderr(predicate::str::contains("hindsight.toml:5:1"))
        .stderr(predicate::str::contains("did you mean `severities`?"));
}

#[test]
fn usage_errors_exit_2() {
    hindsight()
        .args(["check", "--no-such-flag"])
        .assert()
        .code(2);
    hindsight()
        .args(["check", "--format", "xml"])
        .assert()
        .code(2);
}

#[test]
fn json_output_has_every_diagnostic_with_positions() {
    let dir = kb(&[(
        "a.md",
        &GOOD.replace("status = \"review\"", "status = \"reveiw\""),
    )]);
    let out = hindsight()
        .args(["check", "--format", "json"])
        .arg(dir.path())
        .assert()
        .code(1);
    let report: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(report["version"], 1);
    assert_eq!(report["files"], 1);
    assert_eq!(report["errors"], 1);
    let d = &report["diagnostics"][0];
    assert_eq!(d["rule"], "invalid-value");
    assert_eq!(d["level"], "error");
    assert_eq!(d["line"], 5);
    assert_eq!(d["column"], 10);
    assert_eq!(d["help"], "did you mean `review`?");
    assert!(d["file"].as_str().unwrap().ends_with("postmortems/a.md"));
}

#[test]
fn github_output_is_workflow_commands() {
    let dir = kb(&[("a.md", &GOOD.replace("- 10:05 —", "- 09:05 —"))]);
    let out = hindsight()
        .args(["check", "--format", "github"])
        .arg(dir.path())
        .assert()
        .code(1);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let line = stdout.lines().next().unwrap();
    assert!(line.starts_with("::error file="), "{line}");
    assert!(line.contains("postmortems/a.md,line=25,col=3,endColumn=7,title=hindsight timeline-order::the timeline goes back in time"), "{line}");
    assert_eq!(stdout.lines().count(), 1);
}

/// `--format gitlab`: a GitLab Code Quality report, one issue per
/// problem, at the same place the JSON report gives.
#[test]
fn gitlab_output_is_a_code_quality_report() {
    let dir = kb(&[
        ("a.md", &GOOD.replace("- 10:05 —", "- 09:05 —")),
        (
            "b.md",
            &GOOD.replace("status = \"review\"", "status = \"finale\""),
        ),
    ]);
    let run = |format: &str| {
        let out = hindsight()
            .args(["check", "--format", format])
            .arg(dir.path())
            .assert()
            .code(1);
        serde_json::from_slice::<serde_json::Value>(&out.get_output().stdout).unwrap()
    };
    let report = run("gitlab");
    let json = run("json");
    let issues = report.as_array().unwrap();
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert_eq!(issues.len(), diagnostics.len());
    assert!(issues.len() >= 2, "{report}");
    let mut fingerprints = std::collections::BTreeSet::new();
    for (issue, d) in issues.iter().zip(diagnostics) {
        assert_eq!(issue["check_name"], d["rule"]);
        assert_eq!(issue["location"]["path"], d["file"]);
        assert_eq!(issue["location"]["lines"]["begin"], d["line"]);
        let severity = match d["level"].as_str().unwrap() {
            "error" => "major",
            "warning" => "minor",
            _ => "info",
        };
        assert_eq!(issue["severity"], severity);
        assert!(
            issue["description"]
                .as_str()
                .unwrap()
                .starts_with(d["message"].as_str().unwrap())
        );
        let fingerprint = issue["fingerprint"].as_str().unwrap();
        assert_eq!(fingerprint.len(), 32);
        assert!(
            fingerprints.insert(fingerprint.to_string()),
            "fingerprints are unique"
        );
    }
    // The same problems, the same fingerprints: GitLab compares them
    // between pipelines.
    assert_eq!(run("gitlab"), report);
    assert!(
        issues
            .iter()
            .any(|i| i["check_name"] == "timeline-order" && i["severity"] == "major"),
        "{report}"
    );
}

#[test]
fn a_config_error_is_one_annotation_in_github_format() {
    let dir = kb(&[("a.md", GOOD)]);
    fs::write(
        dir.path().join("hindsight.toml"),
        "[site]\ntitle = \"t\"\n[lints]\nblame_language = \"loud\"\n",
    )
    .unwrap();
    let out = hindsight()
        .args(["check", "--format", "github"])
        .arg(dir.path())
        .assert()
        .code(2);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.starts_with("::error file="), "{stdout}");
    assert!(stdout.contains("unknown value `loud`"), "{stdout}");
    assert_eq!(stderr, "", "the log would show it twice");
}

/// The levels a lint takes are also spelled as `check` prints them.
#[test]
fn a_lint_level_can_be_written_error_or_warning() {
    let blamed = GOOD.replace(
        "Search was slow for an hour.",
        "Search was slow for an hour because of human error.",
    );
    for (level, code, word) in [
        ("error", 1, "error[blame-language]"),
        ("warning", 0, "warning[blame-language]"),
    ] {
        let dir = kb(&[("a.md", &blamed)]);
        fs::write(
            dir.path().join("hindsight.toml"),
            format!("[site]\ntitle = \"t\"\n[lints]\nblame_language = \"{level}\"\n"),
        )
        .unwrap();
        hindsight()
            .arg("check")
            .arg(dir.path())
            .assert()
            .code(code)
            .stdout(predicate::str::contains(word));
    }
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let dir = kb(&[("a.md", "")]);
    let colored = hindsight()
        .args(["check", "--color", "always"])
        .arg(dir.path())
        .assert()
        .code(1);
    assert!(colored.get_output().stdout.contains(&0x1b));
    // Not a terminal: plain, whatever NO_COLOR says.
    let plain = hindsight().arg("check").arg(dir.path()).assert().code(1);
    assert!(!plain.get_output().stdout.contains(&0x1b));
    let no_color = hindsight()
        .env("NO_COLOR", "1")
        .env("CLICOLOR_FORCE", "1")
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(1);
    assert!(!no_color.get_output().stdout.contains(&0x1b));
}

#[cfg(unix)]
#[test]
fn links_out_of_the_knowledge_base_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret.md"), GOOD).unwrap();
    let dir = kb(&[("a.md", GOOD)]);
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        dir.path().join("postmortems/b.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("nowhere.md"),
        dir.path().join("postmortems/c.md"),
    )
    .unwrap();
    // The link out is an error (it would publish a file nobody reviewed
    // here); the dangling one is skipped with a warning.
    let out = hindsight().arg("check").arg(dir.path()).assert().code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert_eq!(
        stdout.matches("warning[unreadable-file]").count(),
        1,
        "{stdout}"
    );
    assert!(stdout.contains("error[outside-root]"), "{stdout}");
    assert!(stdout.contains("b.md"), "{stdout}");
    assert!(
        stdout.contains("checked 1 post-mortem: 1 error, 1 warning"),
        "{stdout}"
    );
}

#[test]
fn ignored_names_are_skipped() {
    let dir = kb(&[
        ("a.md", GOOD),
        ("_template.md", "not a post-mortem"),
        (".draft.md", ""),
    ]);
    fs::create_dir(dir.path().join("postmortems/_drafts")).unwrap();
    fs::write(dir.path().join("postmortems/_drafts/x.md"), "").unwrap();
    hindsight()
        .arg("check")
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "checked 1 post-mortem: no problems found",
        ));
}

#[test]
fn init_scaffolds_a_clean_knowledge_base_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("kb");
    hindsight().arg("init").arg(&root).assert().success();
    for file in [
        "hindsight.toml",
        "root-causes.toml",
        "postmortems/_template.md",
        ".gitignore",
        ".github/workflows/hindsight.yml",
    ] {
        assert!(root.join(file).is_file(), "{file}");
    }
    let workflow = fs::read_to_string(root.join(".github/workflows/hindsight.yml")).unwrap();
    assert!(workflow.contains("hindsight check --format github"));
    hindsight()
        .arg("check")
        .arg(&root)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "checked 1 post-mortem: no problems found",
        ));

    fs::write(root.join("hindsight.toml"), "# mine\n").unwrap();
    hindsight().arg("init").arg(&root).assert().code(2);
    assert_eq!(
        fs::read_to_string(root.join("hindsight.toml")).unwrap(),
        "# mine\n"
    );
}

#[test]
fn new_fills_the_template_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    hindsight().arg("init").arg(root).assert().success();
    let args = [
        "new",
        "Payments \"slow\" at peak",
        "--severity",
        "SEV-2",
        "--service",
        "payments-api",
        "--date",
        "2026-11-27",
        "-C",
    ];
    hindsight().args(args).arg(root).assert().success();
    let path = root.join("postmortems/2026-11-27-payments-slow-at-peak.md");
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains("title = \"Payments \\\"slow\\\" at peak\""));
    assert!(text.contains("date = 2026-11-27"));
    assert!(text.contains("severity = \"SEV-2\""));
    assert!(text.contains("services = [\"payments-api\"]"));
    // A new draft passes; what is still the template's is pointed out.
    hindsight()
        .arg("check")
        .arg(root)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "checked 2 post-mortems: 2 warnings",
        ))
        .stdout(predicate::str::contains("warning[template-text]"));

    fs::write(&path, "mine").unwrap();
    hindsight()
        .args(args)
        .arg(root)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    assert_eq!(fs::read_to_string(&path).unwrap(), "mine");
}

#[test]
fn new_transliterates_a_title_into_the_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    hindsight().arg("init").arg(root).assert().success();
    hindsight()
        .args([
            "new",
            "Über-Störung im Zahlungsdienst",
            "--date",
            "2026-11-27",
            "-C",
        ])
        .arg(root)
        .assert()
        .success();
    let path = root.join("postmortems/2026-11-27-uber-storung-im-zahlungsdienst.md");
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains("title = \"Über-Störung im Zahlungsdienst\""));
}

/// Every command finds the knowledge base from a folder inside it, and
/// the paths it prints stay relative to where it runs.
#[test]
fn every_command_finds_the_knowledge_base_from_a_folder_inside_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    hindsight().arg("init").arg(root).assert().success();
    let inside = root.join("postmortems");
    hindsight()
        .current_dir(&inside)
        .args(["new", "Queue backlog", "--date", "2026-11-27"])
        .args(["--service", "orders-api", "--service", "orders-db"])
        .assert()
        .success()
        .stdout("../postmortems/2026-11-27-queue-backlog.md\n");
    let text = fs::read_to_string(inside.join("2026-11-27-queue-backlog.md")).unwrap();
    assert!(
        text.contains("services = [\"orders-api\", \"orders-db\"]"),
        "{text}"
    );
    hindsight()
        .current_dir(&inside)
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::contains("checked 2 post-mortems"));
    hindsight()
        .current_dir(&inside)
        .args(["build", "-o"])
        .arg(root.join("site"))
        .assert()
        .success();
    assert!(root.join("site/index.html").is_file());
}

/// `check FILE...` (a pre-commit hook) reports only those files' problems,
/// still against the whole knowledge base.
#[test]
fn check_files_reports_only_their_problems() {
    let broken = GOOD.replace("- 10:05 —", "- 09:05 —");
    let dir = kb(&[("a.md", &broken), ("b.md", &broken), ("c.md", GOOD)]);
    let root = dir.path();
    // Every file: two problems.
    hindsight()
        .arg("check")
        .arg(root)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("checked 3 post-mortems: 2 errors"));
    // One file, named from the knowledge base's folder: its problem only,
    // with the path as given.
    hindsight()
        .current_dir(root)
        .args(["check", "postmortems/a.md"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("--> postmortems/a.md:25:3"))
        .stdout(predicate::str::contains("postmortems/b.md").not())
        .stdout(predicate::str::contains("checked 1 post-mortem: 1 error"));
    hindsight()
        .current_dir(root)
        .args(["check", "postmortems/c.md"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "checked 1 post-mortem: no problems found",
        ));
    // A file whose id another file repeats: the cross-file rule still runs.
    fs::write(
        root.join("postmortems/d.md"),
        GOOD.replace("+++\ntitle", "+++\nid = \"c\"\ntitle"),
    )
    .unwrap();
    hindsight()
        .current_dir(root)
        .args(["check", "postmortems/d.md"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("duplicate-id"));
    hindsight()
        .current_dir(root)
        .args(["check", "postmortems/a.md", "nope.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`nope.md` is not a file"));
}

#[test]
fn new_uses_the_knowledge_base_template() {
    let dir = kb(&[]);
    fs::write(
        dir.path().join("postmortems/_template.md"),
        "+++\ntitle = \"{{title}}\"\ndate = {{date}}\n+++\n# Ours: {{title}} on {{service}}\n",
    )
    .unwrap();
    hindsight()
        .args([
            "new",
            "Disk full",
            "--service",
            "kafka-cluster",
            "--date",
            "2025-01-02",
            "-C",
        ])
        .arg(dir.path())
        .assert()
        .success();
    let text = fs::read_to_string(dir.path().join("postmortems/2025-01-02-disk-full.md")).unwrap();
    assert_eq!(
        text,
        "+++\ntitle = \"Disk full\"\ndate = 2025-01-02\n+++\n# Ours: Disk full on kafka-cluster\n"
    );
}

#[test]
fn new_rejects_unknown_severities() {
    let dir = kb(&[]);
    hindsight()
        .args(["new", "x y z", "--severity", "P1", "-C"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("SEV-1, SEV-2"));
}

#[test]
fn every_command_has_help() {
    for cmd in [
        &["--help"][..],
        &["check", "--help"],
        &["new", "--help"],
        &["init", "--help"],
    ] {
        hindsight()
            .args(cmd)
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage:"));
    }
}

/// A knowledge base in `dir/kb` holding GOOD, and a folder `dir/outside`
/// with a secret, for the containment tests.
fn kb_beside_a_secret() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("kb");
    fs::create_dir_all(root.join("postmortems")).unwrap();
    fs::write(root.join("hindsight.toml"), "[site]\ntitle = \"t\"\n").unwrap();
    fs::write(root.join("postmortems/a.md"), GOOD).unwrap();
    let outside = dir.path().join("outside");
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("secret.txt"), "s3cret").unwrap();
    fs::write(outside.join("b.md"), GOOD).unwrap();
    (dir, root, outside)
}

/// Every file below `dir`, as text where it is text.
fn contents(dir: &Path) -> String {
    let mut all = String::new();
    for entry in walkdir(dir) {
        all.push_str(&String::from_utf8_lossy(&fs::read(&entry).unwrap()));
    }
    all
}

fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walkdir(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn a_content_folder_outside_the_knowledge_base_is_refused_at_its_key() {
    let (_dir, root, _) = kb_beside_a_secret();
    fs::write(
        root.join("hindsight.toml"),
        "[site]\ntitle = \"t\"\n\n[content]\ndir = \"../outside\"\n",
    )
    .unwrap();
    for command in ["check", "build"] {
        let out = hindsight().arg(command).arg(&root).assert().code(2);
        let text = String::from_utf8_lossy(&out.get_output().stderr).into_owned()
            + &String::from_utf8_lossy(&out.get_output().stdout);
        assert!(text.contains("[outside-root]"), "{text}");
        assert!(text.contains("hindsight.toml:5:7"), "{text}");
    }
    assert!(!root.join("public").exists());
}

#[test]
fn an_absolute_content_folder_is_used_when_inside_and_refused_when_not() {
    let (_dir, root, outside) = kb_beside_a_secret();
    let inside = root.join("postmortems").canonicalize().unwrap();
    fs::write(
        root.join("hindsight.toml"),
        format!("[content]\ndir = {:?}\n", inside.display().to_string()),
    )
    .unwrap();
    hindsight()
        .args(["check", "--format", "json"])
        .arg(&root)
        .assert()
        .success()
        .stdout(predicate::str::contains("\"files\": 1"));
    fs::write(
        root.join("hindsight.toml"),
        format!("[content]\ndir = {:?}\n", outside.display().to_string()),
    )
    .unwrap();
    hindsight()
        .arg("build")
        .arg(&root)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("[outside-root]"));
    assert!(!root.join("public").exists());
}

#[cfg(unix)]
#[test]
fn links_to_outside_in_the_site_folders_are_errors_and_never_published() {
    use std::os::unix::fs::symlink;
    // Each way a link can bring the outside in: the folder itself, a link
    // inside it, a theme folder, the post-mortem folder.
    type Setup = fn(&Path, &Path);
    let cases: [(&str, Setup); 5] = [
        ("static", |root, outside| {
            symlink(outside, root.join("static")).unwrap()
        }),
        ("static/leak.txt", |root, outside| {
            fs::create_dir(root.join("static")).unwrap();
            symlink(outside.join("secret.txt"), root.join("static/leak.txt")).unwrap();
        }),
        ("static/css/dir", |root, outside| {
            fs::create_dir_all(root.join("static/css")).unwrap();
            symlink(outside, root.join("static/css/dir")).unwrap();
        }),
        ("themes/mine", |root, outside| {
            fs::create_dir(root.join("themes")).unwrap();
            fs::create_dir_all(outside.join("static")).unwrap();
            fs::copy(outside.join("secret.txt"), outside.join("static/s.txt")).unwrap();
            symlink(outside, root.join("themes/mine")).unwrap();
            fs::write(
                root.join("hindsight.toml"),
                "[site]\ntitle = \"t\"\ntheme = \"mine\"\n",
            )
            .unwrap();
        }),
        ("postmortems", |root, outside| {
            fs::remove_dir_all(root.join("postmortems")).unwrap();
            symlink(outside, root.join("postmortems")).unwrap();
        }),
    ];
    for (what, setup) in cases {
        let (dir, root, outside) = kb_beside_a_secret();
        setup(&root, &outside);
        let out = dir.path().join("site");
        let run = hindsight()
            .args(["build", "-o"])
            .arg(&out)
            .arg(&root)
            .assert()
            .failure();
        let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
        assert!(stderr.contains("[outside-root]"), "{what}: {stderr}");
        assert!(stderr.contains(what), "{what}: {stderr}");
        assert!(!out.exists(), "{what}");
        if what != "postmortems" {
            hindsight().arg("check").arg(&root).assert().code(1);
        }
    }
}

#[cfg(unix)]
#[test]
fn links_inside_the_knowledge_base_still_work() {
    let (dir, root, _) = kb_beside_a_secret();
    fs::create_dir_all(root.join("assets")).unwrap();
    fs::write(root.join("assets/logo.txt"), "logo").unwrap();
    fs::create_dir(root.join("static")).unwrap();
    std::os::unix::fs::symlink(root.join("assets/logo.txt"), root.join("static/logo.txt")).unwrap();
    let out = dir.path().join("site");
    hindsight()
        .args(["build", "-o"])
        .arg(&out)
        .arg(&root)
        .assert()
        .success();
    assert_eq!(fs::read_to_string(out.join("logo.txt")).unwrap(), "logo");
    assert!(!contents(&out).contains("s3cret"));
}

#[test]
fn the_output_may_not_be_the_knowledge_base_whatever_its_marker() {
    let (dir, root, _) = kb_beside_a_secret();
    fs::write(root.join(".hindsight-site"), "").unwrap();
    fs::write(dir.path().join(".hindsight-site"), "").unwrap();
    for out in [
        root.clone(),
        dir.path().to_path_buf(),
        root.join("postmortems/.."),
    ] {
        hindsight()
            .args(["build", "-o"])
            .arg(&out)
            .arg(&root)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("knowledge base"));
        assert_eq!(
            fs::read_to_string(root.join("postmortems/a.md")).unwrap(),
            GOOD
        );
    }
    hindsight()
        .args(["build", "-o"])
        .arg(root.join("postmortems/site"))
        .arg(&root)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("inside the post-mortem folder"));
}

#[cfg(unix)]
#[test]
fn a_relative_link_through_a_symlink_to_outside_is_an_error_at_its_column() {
    let (_dir, root, outside) = kb_beside_a_secret();
    std::os::unix::fs::symlink(&outside, root.join("postmortems/files")).unwrap();
    let text = GOOD.replace(
        "Search was slow for an hour.",
        "Search was slow, see [the log](files/secret.txt).",
    );
    fs::write(root.join("postmortems/a.md"), text).unwrap();
    hindsight()
        .arg("check")
        .arg(&root)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("a.md:16:32"))
        .stdout(predicate::str::contains(
            "error[outside-root]: this link leads outside",
        ));
}

/// Names beside the output that a build left (staging or set-aside folders).
fn leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".site."))
        .collect()
}

/// Starts a build of `root` into `out` that waits, fully staged, before
/// swapping the site in, and returns once the staging folder is complete.
#[cfg(unix)]
// The child is returned running: every caller kills and waits for it.
#[allow(clippy::zombie_processes)]
fn paused_build(root: &Path, out: &Path) -> std::process::Child {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .args(["build", "-o"])
        .arg(out)
        .arg(root)
        .env("HINDSIGHT_TEST_PAUSE_BEFORE_COMMIT_MS", "60000")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let parent = out.parent().unwrap();
    let started = std::time::Instant::now();
    loop {
        // The marker comes first, the static files last.
        let staged = leftovers(parent)
            .iter()
            .any(|n| parent.join(n).join("style.css").is_file());
        if staged {
            return child;
        }
        if started.elapsed().as_secs() > 60 {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the build never staged");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[cfg(unix)]
#[test]
fn an_interrupted_build_removes_its_staging_and_keeps_the_previous_site() {
    let (dir, root, _) = kb_beside_a_secret();
    let out = dir.path().join("site");
    hindsight()
        .args(["build", "-o"])
        .arg(&out)
        .arg(&root)
        .assert()
        .success();
    let before = contents(&out);
    // A change the interrupted builds must not publish.
    fs::write(
        root.join("postmortems/a.md"),
        GOOD.replace("Search latency", "Changed title"),
    )
    .unwrap();
    for (signal, code) in [("-TERM", 143), ("-INT", 130)] {
        let mut child = paused_build(&root, &out);
        let killed = std::process::Command::new("kill")
            .arg(signal)
            .arg(child.id().to_string())
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        let _ = child.kill();
        assert_eq!(status.code(), Some(code), "{signal}");
        assert_eq!(leftovers(dir.path()), Vec::<String>::new(), "{signal}");
        assert!(
            contents(&out) == before,
            "{signal}: the previous site changed"
        );
    }
    // SIGKILL cannot be caught: the staging folder stays, and the next
    // build removes it.
    let mut child = paused_build(&root, &out);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(leftovers(dir.path()).len(), 1);
    hindsight()
        .args(["build", "-o"])
        .arg(&out)
        .arg(&root)
        .assert()
        .success();
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
    assert!(contents(&out).contains("Changed title"));
}

#[cfg(unix)]
#[test]
fn a_file_name_with_a_line_break_cannot_forge_a_workflow_command() {
    let dir = kb(&[("a\n::error::x.md", "")]);
    let github = hindsight()
        .args(["check", "--format", "github"])
        .arg(dir.path())
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&github.get_output().stdout).into_owned();
    let commands: Vec<&str> = stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(commands.len(), 1, "{stdout}");
    assert!(
        commands[0].contains("a%0A%3A%3Aerror%3A%3Ax.md"),
        "{stdout}"
    );
    let human = hindsight().arg("check").arg(dir.path()).assert().code(1);
    let stdout = String::from_utf8_lossy(&human.get_output().stdout).into_owned();
    assert!(
        !stdout.lines().any(|l| l.trim_start().starts_with("::")),
        "{stdout}"
    );
    assert!(stdout.contains("a\\n::error::x.md"), "{stdout}");
    let json = hindsight()
        .args(["check", "--format", "json"])
        .arg(dir.path())
        .assert()
        .code(1);
    let report: serde_json::Value = serde_json::from_slice(&json.get_output().stdout).unwrap();
    assert!(
        report["diagnostics"][0]["file"]
            .as_str()
            .unwrap()
            .ends_with("a\n::error::x.md")
    );
}

/// A knowledge base whose one post-mortem has a warning (blame language).
fn kb_with_a_warning() -> tempfile::TempDir {
    kb(&[(
        "a.md",
        &GOOD.replace(
            "Search was slow for an hour.",
            "Search was slow for an hour because of human error.",
        ),
    )])
}

/// `build` ends with one line: incidents, files, size, time and warnings;
/// `--quiet` prints nothing when nothing stops it; `--verbose` shows every
/// warning in full and where the time went.
#[test]
fn build_output_quiet_normal_and_verbose() {
    let dir = kb_with_a_warning();
    let out = dir.path().join("site");
    let run = |flag: Option<&str>| {
        let mut cmd = hindsight();
        cmd.args(flag)
            .arg("build")
            .arg(dir.path())
            .arg("-o")
            .arg(&out);
        let output = cmd.assert().success();
        String::from_utf8(output.get_output().stderr.clone()).unwrap()
    };
    let normal = run(None);
    let last = normal.lines().last().unwrap();
    assert!(last.starts_with("built 1 incident into "), "{normal}");
    assert!(last.ends_with("; 1 warning"), "{normal}");
    assert!(normal.contains("warning[blame-language]"), "{normal}");
    assert!(!normal.contains("timing:"), "{normal}");

    assert_eq!(run(Some("--quiet")), "", "--quiet");
    assert!(out.join("index.html").is_file());

    let verbose = run(Some("--verbose"));
    // In full: the source line and the caret, as `check` shows it.
    assert!(
        verbose.contains("-->") && verbose.contains('^'),
        "{verbose}"
    );
    assert!(
        verbose.contains("timing: render and write pages"),
        "{verbose}"
    );
    // Not a terminal: no progress bar.
    assert!(!normal.contains("rendering") && !verbose.contains("rendering"));

    hindsight()
        .args(["--quiet", "--verbose", "build"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}

/// `check --quiet`: the errors alone; nothing at all when there are none.
#[test]
fn check_quiet_shows_only_errors() {
    let dir = kb_with_a_warning();
    hindsight()
        .args(["check", "--quiet"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout("");
    fs::write(
        dir.path().join("postmortems/b.md"),
        GOOD.replace("status = \"review\"", "status = \"finale\""),
    )
    .unwrap();
    let out = hindsight()
        .args(["check", "-q"])
        .arg(dir.path())
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout);
    assert!(stdout.contains("error[invalid-value]"), "{stdout}");
    assert!(!stdout.contains("warning["), "{stdout}");
    // The machine formats keep everything.
    let json = hindsight()
        .args(["check", "-q", "--format", "json"])
        .arg(dir.path())
        .assert()
        .code(1);
    let report: serde_json::Value = serde_json::from_slice(&json.get_output().stdout).unwrap();
    assert_eq!(report["warnings"], 1);
}

/// On a terminal `build` draws a progress bar while it renders, and clears
/// it before the summary. (`script` gives the build a terminal.)
#[test]
fn build_draws_a_progress_bar_on_a_terminal() {
    let has_script = std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_script {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "`script` (util-linux) is missing"
        );
        eprintln!("SKIPPED: `script` (util-linux) is missing");
        return;
    }
    let dir = kb_with_a_warning();
    let command = format!(
        "{} build {} -o {}",
        env!("CARGO_BIN_EXE_hindsight"),
        dir.path().display(),
        dir.path().join("site").display()
    );
    let output = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(output.status.success());
    let seen = String::from_utf8_lossy(&output.stdout);
    assert!(seen.contains("rendering"), "{seen}");
    assert!(seen.contains("files"), "{seen}");
    assert!(seen.contains("built 1 incident"), "{seen}");
}
