//! The bad-input suite: hostile and broken post-mortems and knowledge bases,
//! each with its expected outcome. A knowledge base takes contributions from
//! many people by pull request and is published to a whole company, so a
//! mistaken or hostile file must get a diagnostic with file and line, or be
//! rendered correctly and safely: never script on a page, never a panic,
//! never a file from outside the root, never data lost.
//!
//! The files are in `tests/fixtures/hostile/`; the few that would be large
//! (thousands of services, headings, root causes) are made here. Every
//! payload calls `fetch('/pwned')`, so the browser test can tell from the
//! server's log whether any of them ran.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{copy_dir, fixtures};
use scraper::{Html, Selector};

/// Each file and the diagnostics `check` must report for it, as (rule,
/// line). A file with no error among them must also build, and its pages
/// must be safe.
const CASES: &[(&str, &[(&str, usize)])] = &[
    // Script through Markdown: dropped or escaped, and `check` says what it drops.
    (
        "xss-heading-id-breaks-href.md",
        &[("heading-attributes", 39)],
    ),
    ("xss-heading-attributes.md", &[("heading-attributes", 39)]),
    ("xss-heading-class.md", &[("heading-attributes", 39)]),
    ("xss-script-block.md", &[]),
    ("xss-img-onerror.md", &[]),
    ("xss-svg-onload.md", &[]),
    ("xss-iframe-srcdoc.md", &[]),
    ("xss-javascript-links.md", &[]),
    ("xss-javascript-reference-link.md", &[]),
    ("xss-autolink.md", &[]),
    ("xss-data-image.md", &[]),
    ("xss-link-title-quote.md", &[]),
    ("xss-footnote-label.md", &[]),
    ("xss-timeline.md", &[]),
    ("xss-whys.md", &[]),
    // Script through front matter: escaped in every context.
    ("xss-title.md", &[]),
    ("xss-summary.md", &[]),
    ("xss-tags.md", &[]),
    ("xss-learnings.md", &[]),
    ("xss-authors.md", &[]),
    ("xss-root-cause-description.md", &[]),
    ("xss-action-item-title.md", &[]),
    ("xss-impact-description.md", &[]),
    ("xss-tracker-url.md", &[("invalid-value", 17)]),
    ("service-not-kebab.md", &[("invalid-value", 6)]),
    ("id-path-traversal.md", &[("invalid-value", 10)]),
    // Spreadsheets, feeds, terminals.
    ("csv-formula-injection.md", &[]),
    ("control-chars-title.md", &[("control-character", 2)]),
    ("control-chars-body.md", &[("control-character", 25)]),
    ("nul-byte-body.md", &[("control-character", 25)]),
    ("bidi-override-title.md", &[]),
    // Encodings the format allows.
    ("bom.md", &[]),
    ("crlf.md", &[]),
    ("bom-crlf.md", &[]),
    // Broken files.
    ("invalid-utf8.md", &[("invalid-utf8", 11)]),
    ("binary.md", &[("invalid-utf8", 2)]),
    ("empty.md", &[("empty-file", 1)]),
    ("only-opening-fence.md", &[("unclosed-front-matter", 1)]),
    ("yaml-front-matter.md", &[("missing-front-matter", 1)]),
    ("toml-deep-nesting.md", &[("toml-syntax", 7)]),
    ("toml-duplicate-table.md", &[("toml-syntax", 19)]),
    ("title-too-long.md", &[("invalid-value", 2)]),
    ("impact-year-9999.md", &[("invalid-value", 19)]),
    // Limits and paths.
    ("markdown-deep-quotes.md", &[("resource-limit", 25)]),
    ("markdown-deep-lists.md", &[("resource-limit", 57)]),
    (
        "markdown-outside-image.md",
        &[("outside-root", 25), ("outside-root", 25)],
    ),
];

/// A knowledge base with the rule fixtures' config and these post-mortems.
fn kb(dir: &Path, files: &[(&str, Vec<u8>)]) -> PathBuf {
    let root = dir.join("kb");
    copy_dir(&fixtures().join("kb"), &root);
    let posts = root.join("postmortems");
    fs::create_dir_all(&posts).unwrap();
    for (name, bytes) in files {
        fs::write(posts.join(name), bytes).unwrap();
    }
    root
}

/// Runs the binary. No input may make it panic: a panic exits with 101.
fn hindsight(args: &[&std::ffi::OsStr]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .env("SOURCE_DATE_EPOCH", "1795737600")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    assert_ne!(
        output.status.code(),
        Some(101),
        "hindsight {args:?} panicked:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.code().is_some(), "killed by a signal");
    output
}

fn run(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
    hindsight(&args)
}

/// `check --format json`: every diagnostic as (level, rule, file, line).
fn check_json(root: &Path) -> (Output, Vec<(String, String, String, usize)>) {
    let output = run(&[&"check", &root, &"--format", &"json"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "check printed no JSON ({e}): {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let diagnostics = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["level"].as_str().unwrap().to_string(),
                d["rule"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0) as usize,
            )
        })
        .collect();
    (output, diagnostics)
}

fn hostile_file(name: &str) -> Vec<u8> {
    fs::read(fixtures().join("hostile").join(name)).unwrap()
}

fn is_error_case(expected: &[(&str, usize)]) -> bool {
    const WARNINGS: &[&str] = &["heading-attributes", "control-character"];
    expected.iter().any(|(rule, _)| !WARNINGS.contains(rule))
}

#[test]
fn the_table_lists_every_hostile_file() {
    let on_disk: BTreeSet<String> = fs::read_dir(fixtures().join("hostile"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let listed: BTreeSet<String> = CASES.iter().map(|(f, _)| f.to_string()).collect();
    assert_eq!(on_disk, listed);
    assert!(CASES.len() >= 40);
}

#[test]
fn each_hostile_file_gets_its_diagnostics_and_nothing_else() {
    for (name, expected) in CASES {
        let dir = tempfile::tempdir().unwrap();
        let root = kb(dir.path(), &[(name, hostile_file(name))]);
        let (output, found) = check_json(&root);
        for (rule, line) in *expected {
            let wanted = expected
                .iter()
                .filter(|(r, l)| (r, l) == (rule, line))
                .count();
            let got = found
                .iter()
                .filter(|(_, r, file, l)| r == rule && l == line && file.ends_with(name))
                .count();
            assert!(
                got >= wanted,
                "{name}: expected {rule} at line {line}, got {found:?}"
            );
        }
        let unexpected: Vec<_> = found
            .iter()
            .filter(|(_, r, _, _)| !expected.iter().any(|(rule, _)| rule == r))
            .collect();
        assert!(unexpected.is_empty(), "{name}: unexpected {unexpected:?}");
        let code = output.status.code();
        if is_error_case(expected) {
            assert_eq!(code, Some(1), "{name}");
            // And `build` refuses it without writing anything.
            let out = dir.path().join("site");
            let built = run(&[&"build", &root, &"-o", &out]);
            assert_eq!(built.status.code(), Some(1), "{name}");
            assert!(!out.exists(), "{name}: a site was written");
        } else {
            assert_eq!(code, Some(0), "{name}: {found:?}");
        }
    }
}

/// Builds one site from every hostile file that checks without errors.
fn build_hostile_site(dir: &Path) -> PathBuf {
    let files: Vec<(&str, Vec<u8>)> = CASES
        .iter()
        .filter(|(_, expected)| !is_error_case(expected))
        .map(|(name, _)| (*name, hostile_file(name)))
        .collect();
    let root = kb(dir, &files);
    let out = dir.join("site");
    let built = run(&[&"build", &root, &"-o", &out]);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    out
}

/// A file's bytes, inflated if it is gzip'd (the search export's
/// `.json.gz` files), so that checks read what a browser reads.
fn contents(path: &Path) -> Vec<u8> {
    let bytes = fs::read(path).unwrap();
    if path.extension().is_some_and(|e| e == "gz") {
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text)
            .unwrap();
        return text;
    }
    bytes
}

fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_below(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The theme's own scripts: everything else with script in it came from content.
const THEME_SCRIPTS: &[&str] = &["table.js", "search.js"];

/// What makes a page run content's script, read from the parsed HTML: an
/// event-handler attribute, a script, frame or object element that is not
/// the theme's, a style attribute, or a URL with a scheme that runs code.
fn live_script(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut found = Vec::new();
    for element in doc.select(&Selector::parse("*").unwrap()) {
        let el = element.value();
        let name = el.name();
        if matches!(name, "iframe" | "object" | "embed" | "frame" | "base") {
            found.push(format!("<{name}>"));
        }
        if name == "script" {
            let text: String = element.text().collect();
            let theirs = el
                .attr("src")
                .is_some_and(|src| THEME_SCRIPTS.iter().any(|s| src.ends_with(s)));
            // Inline scripts and JSON the theme writes never hold content's calls.
            if !theirs && (text.contains("pwned") || el.attr("src").is_some()) {
                found.push(format!("<script>{text}"));
            }
        }
        for (attr, value) in el.attrs() {
            if attr.starts_with("on") || attr == "srcdoc" || attr == "formaction" {
                found.push(format!("<{name} {attr}=\"{value}\">"));
            }
            if attr == "style" && value.contains("pwned") {
                found.push(format!("<{name} style=\"{value}\">"));
            }
            if matches!(attr, "href" | "src" | "action" | "xlink:href" | "poster") {
                let squeezed: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if ["javascript:", "vbscript:", "data:"]
                    .iter()
                    .any(|s| squeezed.starts_with(s))
                {
                    found.push(format!("<{name} {attr}=\"{value}\">"));
                }
            }
        }
    }
    found
}

#[test]
fn hostile_files_that_check_build_a_safe_site() {
    let dir = tempfile::tempdir().unwrap();
    let out = build_hostile_site(dir.path());
    let mut pages = 0;
    for path in files_below(&out) {
        let rel = path.strip_prefix(&out).unwrap().display().to_string();
        let bytes = contents(&path);
        let text = String::from_utf8_lossy(&bytes);
        // No control character reaches any page, feed or export.
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')),
            "{rel} holds a control character"
        );
        match path.extension().and_then(|e| e.to_str()) {
            Some("html") => {
                pages += 1;
                let live = live_script(&text);
                assert!(live.is_empty(), "{rel}: {live:?}");
            }
            Some("xml") => {
                roxmltree::Document::parse(&text)
                    .unwrap_or_else(|e| panic!("{rel} is not XML: {e}"));
            }
            Some("json") => {
                serde_json::from_str::<serde_json::Value>(&text)
                    .unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"));
            }
            Some("csv") => {
                let mut reader = csv::Reader::from_reader(bytes.as_slice());
                for record in reader.records() {
                    for cell in record.unwrap().iter() {
                        assert!(
                            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                            "{rel}: a cell a spreadsheet would run: {cell:?}"
                        );
                    }
                }
            }
            _ => {}
        }
    }
    assert!(pages > 40, "{pages} pages");
    // The CSV did get the hostile action item, neutralised.
    let csv = fs::read_to_string(out.join("action-items.csv")).unwrap();
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    assert!(csv.contains("'@SUM"), "{csv}");
}

#[test]
fn no_script_from_content_runs_in_a_browser() {
    let Some(browser) = common::browser_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = build_hostile_site(dir.path());
    let pages: Vec<String> = files_below(&out)
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| {
            let rel = p.strip_prefix(&out).unwrap().to_string_lossy().into_owned();
            rel.trim_end_matches("index.html").to_string()
        })
        .collect();
    let (base, log) = common::serve_logged(out.clone());
    // Two browsers at a time: the machine has two cores.
    std::thread::scope(|scope| {
        for half in pages.chunks(pages.len().div_ceil(2)) {
            let (browser, base) = (&browser, &base);
            scope.spawn(move || {
                for page in half {
                    let dom = common::dump_dom(browser, &format!("{base}/{page}"));
                    let html = dom.html();
                    assert!(!html.contains("data-pwned"), "{page}");
                }
            });
        }
    });
    let requests = log.lock().unwrap();
    assert!(requests.len() >= pages.len(), "{}", requests.len());
    let pwned: Vec<_> = requests
        .iter()
        .filter(|r| r.starts_with("/pwned"))
        .collect();
    assert!(pwned.is_empty(), "content's script ran: {pwned:?}");
}

/// A valid post-mortem with these extra front-matter lines and body text.
fn generated(front: &str, body: &str) -> Vec<u8> {
    let base = String::from_utf8(hostile_file("bom.md")).unwrap();
    let base = base.trim_start_matches('\u{feff}');
    base.replacen("tags = [\"deploys\"]\n", &format!("{front}\n"), 1)
        .replacen("## Impact\n", &format!("## Impact\n\n{body}\n"), 1)
        .into_bytes()
}

fn with_limits(root: &Path, limits: &str) {
    let config = root.join("hindsight.toml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(config, format!("{text}\n[limits]\n{limits}\n")).unwrap();
}

fn list(prefix: &str, n: usize) -> String {
    let items: Vec<String> = (0..n).map(|i| format!("\"{prefix}-{i}\"")).collect();
    items.join(", ")
}

#[test]
fn long_lists_are_refused_and_stay_proportional_when_allowed() {
    let dir = tempfile::tempdir().unwrap();
    // 10,000 services: one 109 KB file once built 5.4 GB of pages.
    let services = generated(&format!("tags = [{}]", list("tag", 3)), "");
    let services = String::from_utf8(services).unwrap().replacen(
        "services = [\"checkout-api\"]",
        &format!("services = [{}]", list("svc", 10_000)),
        1,
    );
    let root = kb(dir.path(), &[("many-services.md", services.into_bytes())]);
    let (output, found) = check_json(&root);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        found
            .iter()
            .any(|(_, rule, _, line)| rule == "resource-limit" && *line == 6),
        "{found:?}"
    );

    // Allowed by a team that raised the limit, 2,000 services and tags
    // still build a site in proportion: each of the 4,000 list pages shows
    // the incident once, with a few of its services and tags, not all.
    let dir = tempfile::tempdir().unwrap();
    let text = String::from_utf8(generated(&format!("tags = [{}]", list("tag", 2_000)), ""))
        .unwrap()
        .replacen(
            "services = [\"checkout-api\"]",
            &format!("services = [{}]", list("svc", 2_000)),
            1,
        );
    let input = text.len() as u64;
    let root = kb(dir.path(), &[("many-services.md", text.into_bytes())]);
    with_limits(&root, "max_list_items = 5000");
    let out = dir.path().join("site");
    let built = run(&[&"build", &root, &"-o", &out]);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let total: u64 = files_below(&out)
        .iter()
        .map(|p| fs::metadata(p).unwrap().len())
        .sum();
    // Quadratic output would be over 4,000 pages x 2,000 names (hundreds of MB).
    assert!(
        total < 4_000 * 16_000 + 200 * input,
        "{total} bytes of output for {input} bytes of input"
    );
}

#[test]
fn many_headings_and_causes_are_refused_and_finish_when_allowed() {
    // 20,000 repeated headings took 22 s (quadratic id deduplication).
    let headings = "### Again\n\n".repeat(20_000);
    // 4,000 root causes and 4,000 learnings took 65 s and 1.2 GB.
    let learnings = format!("learnings = [{}]", list("learning", 4_000));
    let causes: String = (0..4_000)
        .map(|i| format!("\n[[root_causes]]\nid = \"cause-{i}\"\n"))
        .collect();
    for (name, file) in [
        ("many-headings.md", generated("", &headings)),
        (
            "many-causes.md",
            String::from_utf8(generated(&learnings, ""))
                .unwrap()
                .replacen(
                    "\n[[action_items]]",
                    &format!("{causes}\n[[action_items]]"),
                    1,
                )
                .into_bytes(),
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let root = kb(dir.path(), &[(name, file)]);
        let (output, found) = check_json(&root);
        assert_eq!(output.status.code(), Some(1), "{name}");
        assert!(
            found.iter().any(|(_, rule, _, _)| rule == "resource-limit"),
            "{name}: {found:?}"
        );
        with_limits(
            &root,
            "max_list_items = 10000\nmax_headings = 100000\nmax_files = 10",
        );
        let out = dir.path().join("site");
        let built = run(&[&"build", &root, &"-o", &out]);
        assert!(
            built.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&built.stderr)
        );
    }
}

/// A knowledge base with one valid post-mortem.
fn valid_kb(dir: &Path) -> PathBuf {
    kb(dir, &[("2025-03-14-valid.md", hostile_file("bom.md"))])
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn the_output_may_never_hold_the_knowledge_base() {
    let dir = tempfile::tempdir().unwrap();
    let root = valid_kb(dir.path());
    // Even with our marker in it (a contributor can commit one), the
    // knowledge base, its parent, and a marked folder that holds a
    // knowledge base are never replaced.
    fs::write(root.join(".hindsight-site"), "").unwrap();
    let marked = dir.path().join("marked");
    fs::create_dir(&marked).unwrap();
    fs::write(marked.join(".hindsight-site"), "").unwrap();
    fs::write(marked.join("hindsight.toml"), "[site]\n").unwrap();
    for out in [
        root.clone(),
        root.join("."),
        root.join("postmortems"),
        dir.path().to_path_buf(),
        root.join("postmortems/.."),
        marked.clone(),
    ] {
        let built = run(&[&"build", &root, &"-o", &out]);
        assert!(
            matches!(built.status.code(), Some(1 | 2)),
            "-o {}: {}",
            out.display(),
            stderr(&built)
        );
        assert!(
            root.join("hindsight.toml").is_file(),
            "-o {}",
            out.display()
        );
        assert!(
            root.join("postmortems/2025-03-14-valid.md").is_file(),
            "-o {}",
            out.display()
        );
        assert!(marked.join("hindsight.toml").is_file());
    }
}

#[cfg(unix)]
#[test]
fn nothing_from_outside_the_root_is_read_or_published() {
    use std::os::unix::fs::symlink;
    let secret_text = "SECRET-FROM-OUTSIDE";
    type Setup = dyn Fn(&Path, &Path);
    let setups: &[(&str, &Setup)] = &[
        ("a static/ folder linked outside", &|root, outside| {
            symlink(outside, root.join("static")).unwrap();
        }),
        (
            "a link inside static/ that leads outside",
            &|root, outside| {
                fs::create_dir(root.join("static")).unwrap();
                symlink(outside.join("secret.txt"), root.join("static/secret.txt")).unwrap();
            },
        ),
        ("a templates/ folder linked outside", &|root, outside| {
            symlink(outside, root.join("templates")).unwrap();
        }),
        ("a theme linked outside", &|root, outside| {
            fs::create_dir(root.join("themes")).unwrap();
            symlink(outside, root.join("themes/evil")).unwrap();
            let config = root.join("hindsight.toml");
            let text = fs::read_to_string(&config).unwrap();
            fs::write(
                &config,
                text.replacen("[site]\n", "[site]\ntheme = \"evil\"\n", 1),
            )
            .unwrap();
        }),
        ("a post-mortem folder linked outside", &|root, outside| {
            fs::rename(root.join("postmortems"), outside.join("pm")).unwrap();
            symlink(outside.join("pm"), root.join("postmortems")).unwrap();
        }),
        ("[content] dir above the root", &|root, outside| {
            fs::rename(root.join("postmortems"), outside.join("pm")).unwrap();
            let config = root.join("hindsight.toml");
            let text = fs::read_to_string(&config).unwrap();
            fs::write(
                &config,
                format!("{text}\n[content]\ndir = \"../outside/pm\"\n"),
            )
            .unwrap();
        }),
        ("an absolute [content] dir", &|root, outside| {
            fs::rename(root.join("postmortems"), outside.join("pm")).unwrap();
            let config = root.join("hindsight.toml");
            let text = fs::read_to_string(&config).unwrap();
            let dir = outside.join("pm").display().to_string();
            fs::write(&config, format!("{text}\n[content]\ndir = {dir:?}\n")).unwrap();
        }),
    ];
    for (what, setup) in setups {
        let dir = tempfile::tempdir().unwrap();
        let root = valid_kb(dir.path());
        let outside = dir.path().join("outside");
        fs::create_dir(&outside).unwrap();
        fs::write(outside.join("secret.txt"), secret_text).unwrap();
        fs::write(outside.join("index.html"), secret_text).unwrap();
        fs::write(outside.join("base.html"), secret_text).unwrap();
        setup(&root, &outside);
        let out = dir.path().join("site");
        let built = run(&[&"build", &root, &"-o", &out]);
        assert!(
            matches!(built.status.code(), Some(1 | 2)),
            "{what}: {}",
            stderr(&built)
        );
        assert!(
            stderr(&built).contains("outside"),
            "{what}: {}",
            stderr(&built)
        );
        assert!(!out.exists(), "{what}: a site was written");
        let checked = run(&[&"check", &root]);
        assert!(
            matches!(checked.status.code(), Some(1 | 2)),
            "{what}: check passed"
        );
    }
}

#[test]
fn templates_cannot_read_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let root = valid_kb(dir.path());
    fs::create_dir(root.join("templates")).unwrap();
    fs::write(
        root.join("templates/404.html"),
        "{{ get_env(name=\"HINDSIGHT_TEST_SECRET\") }}",
    )
    .unwrap();
    let out = dir.path().join("site");
    let built = Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .env("HINDSIGHT_TEST_SECRET", "SECRET-FROM-ENV")
        .args([
            "build".as_ref(),
            root.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
        ])
        .output()
        .unwrap();
    assert!(
        matches!(built.status.code(), Some(1 | 2)),
        "{}",
        stderr(&built)
    );
    assert!(stderr(&built).contains("get_env"), "{}", stderr(&built));
    assert!(!out.exists());
}

#[cfg(unix)]
#[test]
fn a_file_name_cannot_forge_a_github_annotation() {
    let dir = tempfile::tempdir().unwrap();
    let root = kb(
        dir.path(),
        &[(
            "a\n::error file=x.md::forged.md",
            hostile_file("xss-heading-class.md"),
        )],
    );
    for format in ["github", "human", "json"] {
        let output = run(&[&"check", &root, &"--format", &format]);
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            !text.lines().any(|l| l.starts_with("::error file=x.md")),
            "{format}: {text}"
        );
    }
}

#[test]
fn severities_that_share_a_path_are_a_config_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = valid_kb(dir.path());
    let config = root.join("hindsight.toml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(
        &config,
        format!("{text}\n[template]\nseverities = [\"SEV-3\", \"Sev 3\", \"SEV-1\"]\n"),
    )
    .unwrap();
    let checked = run(&[&"check", &root]);
    assert!(
        matches!(checked.status.code(), Some(1 | 2)),
        "{}",
        stderr(&checked)
    );
    assert!(
        stderr(&checked).contains("Sev 3")
            || String::from_utf8_lossy(&checked.stdout).contains("Sev 3")
    );
}

#[test]
fn stale_staging_folders_of_ours_are_removed_and_others_kept() {
    let dir = tempfile::tempdir().unwrap();
    let root = valid_kb(dir.path());
    let out = dir.path().join("site");
    // What a killed build leaves: a staging folder with our marker, from a
    // process that is gone. A look-alike without the marker is not ours.
    let stale = dir.path().join(".site.tmp-999999999-1");
    let lookalike = dir.path().join(".site.tmp-999999999-2");
    for folder in [&stale, &lookalike] {
        fs::create_dir_all(folder.join("incidents")).unwrap();
        fs::write(folder.join("incidents/page.html"), "x").unwrap();
    }
    fs::write(stale.join(".hindsight-site"), "").unwrap();
    let built = run(&[&"build", &root, &"-o", &out]);
    assert!(built.status.success(), "{}", stderr(&built));
    assert!(!stale.exists());
    assert!(lookalike.join("incidents/page.html").is_file());
}

#[test]
fn attachments_beside_a_post_mortem_are_published_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let text = generated(
        "tags = [\"deploys\"]",
        "![graph](img/error-rate.png) and [the log](deploy.log) and [hidden](.env)",
    );
    let root = kb(dir.path(), &[("2025-03-14-graph.md", text)]);
    fs::create_dir(root.join("postmortems/img")).unwrap();
    fs::write(root.join("postmortems/img/error-rate.png"), b"\x89PNG").unwrap();
    fs::write(root.join("postmortems/deploy.log"), "09:12 deploy").unwrap();
    fs::write(root.join("postmortems/.env"), "SECRET=1").unwrap();
    let out = dir.path().join("site");
    let built = run(&[&"build", &root, &"-o", &out]);
    assert!(built.status.success(), "{}", stderr(&built));
    let page = out.join("incidents/2025-03-14-graph");
    assert_eq!(
        fs::read(page.join("img/error-rate.png")).unwrap(),
        b"\x89PNG"
    );
    assert!(page.join("deploy.log").is_file());
    // Hidden files are never published, even when linked.
    assert!(!page.join(".env").exists());
    let html = fs::read_to_string(page.join("index.html")).unwrap();
    assert!(html.contains("src=\"img/error-rate.png\""), "{html}");
}

#[test]
fn control_characters_in_the_config_and_catalogue_reach_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = valid_kb(dir.path());
    let config = root.join("hindsight.toml");
    let text = fs::read_to_string(&config).unwrap().replacen(
        "title = \"Fixture post-mortems\"",
        "title = \"Fixture \\u0007post-mortems\"\ndescription = \"Bell \\u0007 and escape \\u001b[2J\"",
        1,
    );
    fs::write(&config, text).unwrap();
    let catalogue = root.join("root-causes.toml");
    let text = fs::read_to_string(&catalogue).unwrap().replacen(
        "title = \"Configuration drift\"",
        "title = \"Configuration \\u001b[31mdrift\"",
        1,
    );
    fs::write(&catalogue, text).unwrap();
    let out = dir.path().join("site");
    let built = run(&[&"build", &root, &"-o", &out]);
    assert!(built.status.success(), "{}", stderr(&built));
    for path in files_below(&out) {
        let text = String::from_utf8_lossy(&contents(&path)).into_owned();
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')),
            "{} holds a control character",
            path.display()
        );
    }
    let home = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("Fixture post-mortems"), "{home}");
}
