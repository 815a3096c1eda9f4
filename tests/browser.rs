//! The all-incidents table's sorting and filtering, in a real headless
//! Chromium. Without a browser the test is skipped with a message, except
//! under `CI=true`, where a missing browser is a failure (`.ci/run` installs
//! Debian's `chromium`).

use std::path::{Path, PathBuf};
use std::process::Command;

use scraper::{Html, Selector};

fn chromium() -> Option<PathBuf> {
    let candidates = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ];
    std::env::var_os("HINDSIGHT_CHROMIUM")
        .map(PathBuf::from)
        .into_iter()
        .chain(std::env::var_os("PATH").into_iter().flat_map(|paths| {
            std::env::split_paths(&paths)
                .flat_map(|dir| candidates.iter().map(move |c| dir.join(c)))
                .collect::<Vec<_>>()
        }))
        .find(|p| p.is_file())
}

fn browser_or_skip() -> Option<PathBuf> {
    match chromium() {
        Some(path) => Some(path),
        None if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but no Chromium found: install Debian's `chromium` (see .ci/run)")
        }
        None => {
            eprintln!(
                "SKIPPED: no Chromium on PATH (install Debian's `chromium` to run the browser tests)"
            );
            None
        }
    }
}

/// Loads `url` in headless Chromium, lets scripts run, and returns the DOM.
fn dump_dom(browser: &Path, url: &str) -> Html {
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--allow-file-access-from-files",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(url)
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Html::parse_document(&String::from_utf8_lossy(&output.stdout))
}

/// Serves `root` over HTTP on a loopback port for the test's lifetime: the
/// site's links start with `/`, which `file://` cannot resolve.
fn serve(root: PathBuf) -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            // Drain the headers.
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/");
            let path = path
                .split(['?', '#'])
                .next()
                .unwrap_or("/")
                .trim_start_matches('/');
            let mut file = root.join(path);
            if path.is_empty() || path.ends_with('/') {
                file = file.join("index.html");
            }
            let mut stream = &stream;
            let (status, body, kind) = match std::fs::read(&file) {
                Ok(body) if !path.contains("..") => {
                    let kind = match file.extension().and_then(|e| e.to_str()) {
                        Some("html") => "text/html; charset=utf-8",
                        Some("css") => "text/css",
                        Some("js") => "text/javascript",
                        _ => "application/octet-stream",
                    };
                    ("200 OK", body, kind)
                }
                _ => ("404 Not Found", Vec::new(), "text/plain"),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    });
    format!("http://{addr}")
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

#[test]
fn the_incident_table_filters_and_sorts_from_the_query_string() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example");
    let status = Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .env("SOURCE_DATE_EPOCH", "1795737600")
        .arg("build")
        .arg(&example)
        .arg("-o")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let page = format!("{}/incidents/", serve(out.clone()));
    let row = sel("#incidents-table tbody tr");

    // Without a query: every row shows, the filter form is revealed.
    let all = dump_dom(&browser, &page);
    let rows: Vec<_> = all.select(&row).collect();
    assert!(rows.len() >= 12);
    assert!(rows.iter().all(|r| r.value().attr("hidden").is_none()));
    assert!(
        all.select(&sel("#incident-filters"))
            .next()
            .unwrap()
            .value()
            .attr("hidden")
            .is_none(),
        "script ran"
    );

    // Filtered by severity and service.
    let filtered = dump_dom(
        &browser,
        &format!("{page}?severity=SEV-2&service=checkout-api"),
    );
    let shown: Vec<_> = filtered
        .select(&row)
        .filter(|r| r.value().attr("hidden").is_none())
        .collect();
    assert!(
        !shown.is_empty() && shown.len() < rows.len(),
        "{} of {}",
        shown.len(),
        rows.len()
    );
    for r in &shown {
        assert_eq!(r.value().attr("data-severity"), Some("SEV-2"));
        assert!(
            r.select(&sel("[data-service=\"checkout-api\"]"))
                .next()
                .is_some()
        );
    }
    let status = filtered
        .select(&sel("#filter-status"))
        .next()
        .unwrap()
        .text()
        .collect::<String>();
    assert!(
        status.contains(&format!("Showing {} of {}", shown.len(), rows.len())),
        "{status}"
    );

    // Sorted by title, A to Z.
    let sorted = dump_dom(&browser, &format!("{page}?sort=incident&order=ascending"));
    let titles: Vec<String> = sorted
        .select(&sel("#incidents-table tbody tr td:nth-child(3)"))
        .map(|td| td.text().collect::<String>().trim().to_lowercase())
        .collect();
    assert_eq!(titles.len(), rows.len());
    let mut expected = titles.clone();
    expected.sort();
    assert_eq!(titles, expected);
}
