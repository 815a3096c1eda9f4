//! Every validation rule against its failing fixtures, and the valid
//! fixtures against every rule.
//!
//! `tests/fixtures/rules/<rule-name>[-case].md` (or a folder of that name
//! holding several post-mortems and, optionally, its own `hindsight.toml` or
//! `root-causes.toml`) is checked inside `tests/fixtures/kb`. The rendered
//! report is snapshot-tested and must contain `[<rule-name>]`.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{copy_dir, example, fixtures};
use hindsight::diag::{Rule, render};
use hindsight::validate;

/// Builds a knowledge base in a temporary folder from the shared config and
/// one fixture, checks it, and renders the report with stable paths.
fn check_fixture(fixture: &Path) -> (String, Vec<Rule>) {
    pin_today();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("kb");
    copy_dir(&fixtures().join("kb"), &root);
    let posts = root.join("postmortems");
    fs::create_dir_all(&posts).unwrap();
    if fixture.is_dir() {
        for entry in fs::read_dir(fixture).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name();
            let name = name.to_str().unwrap();
            if name.ends_with(".toml") {
                fs::copy(entry.path(), root.join(name)).unwrap();
            } else {
                fs::copy(entry.path(), posts.join(name)).unwrap();
            }
        }
    } else {
        fs::copy(fixture, posts.join(fixture.file_name().unwrap())).unwrap();
    }
    let (diagnostics, files) = match validate::check(&root) {
        Ok(report) => (report.diagnostics, report.kb.files),
        Err(problems) => (problems, 0),
    };
    let mut out = Vec::new();
    render::write_report(&mut out, render::Format::Human, &diagnostics, files, false).unwrap();
    let text = String::from_utf8(out).unwrap();
    let text = text.replace(&dir.path().display().to_string(), "$TMP");
    (text, diagnostics.iter().map(|d| d.rule).collect())
}

/// Pins "today" to 2026-11-27, the date the other tests build with, so
/// `review-overdue` counts the same days whenever the snapshots are checked.
fn pin_today() {
    static PIN: std::sync::Once = std::sync::Once::new();
    // SAFETY: every test of this file calls this before it checks anything,
    // so the variable is set once before any thread reads it, and only Rust
    // code (which locks the environment) reads it.
    PIN.call_once(|| unsafe { std::env::set_var("SOURCE_DATE_EPOCH", "1795737600") });
}

/// The rule a fixture is named after: the longest rule name it starts with.
fn rule_of(name: &str) -> Rule {
    Rule::ALL
        .iter()
        .copied()
        .filter(|r| name == r.name() || name.starts_with(&format!("{}-", r.name())))
        .max_by_key(|r| r.name().len())
        .unwrap_or_else(|| panic!("fixture `{name}` is not named after a rule"))
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
}

#[test]
fn every_rule_fixture_reports_its_rule() {
    let mut covered = Vec::new();
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/rules");
    let _guard = settings.bind_to_scope();
    for fixture in entries(&fixtures().join("rules")) {
        let name = fixture.file_stem().unwrap().to_str().unwrap().to_string();
        let rule = rule_of(&name);
        let (report, rules) = check_fixture(&fixture);
        assert!(
            rules.contains(&rule),
            "fixture {name} should report [{}], got:\n{report}",
            rule.name()
        );
        covered.push(rule);
        insta::assert_snapshot!(name, report);
    }
    // Rules whose failing input cannot live in a file fixture are tested
    // elsewhere: an unreadable file (tests/cli.rs, a dangling link) and a
    // missing config (tests/cli.rs).
    let elsewhere = [Rule::Unreadable, Rule::Config];
    let missing: Vec<&str> = Rule::ALL
        .iter()
        .filter(|r| !covered.contains(r) && !elsewhere.contains(r))
        .map(|r| r.name())
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a failing fixture: {missing:?}"
    );
}

/// One run shows every problem of a file: a TOML syntax error does not hide
/// an invalid severity, which does not hide the rules about the body, the
/// sections and what `final` requires (the snapshot has the details).
#[test]
fn a_broken_front_matter_hides_no_other_problem() {
    let fixture = fixtures().join("rules/toml-syntax-recovery.md");
    let (report, rules) = check_fixture(&fixture);
    for rule in [
        Rule::TomlSyntax,
        Rule::InvalidValue,
        Rule::MissingSection,
        Rule::MissingActionItems,
        Rule::BlameLanguage,
    ] {
        assert!(
            rules.contains(&rule),
            "[{}] is missing from:\n{report}",
            rule.name()
        );
    }
    assert_eq!(rules.len(), 5, "one diagnostic a problem:\n{report}");
}

#[test]
fn valid_fixtures_are_clean() {
    let valid = entries(&fixtures().join("valid"));
    assert!(valid.len() >= 3, "expected valid fixtures");
    for fixture in valid {
        let (report, rules) = check_fixture(&fixture);
        assert!(
            rules.is_empty(),
            "{} should be clean:\n{report}",
            fixture.display()
        );
    }
}

#[test]
fn content_example_is_clean() {
    pin_today();
    let report = validate::check(&example()).expect("content-example loads");
    assert!(report.kb.postmortems.len() >= 12);
    let shown: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| render::human(d, false))
        .collect();
    assert!(
        shown.is_empty(),
        "content-example has problems:\n{}",
        shown.join("\n")
    );
}
