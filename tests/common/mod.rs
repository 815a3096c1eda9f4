//! Helpers shared by the integration tests: fixtures, the example
//! knowledge base, HTML selectors, and a real headless Chromium.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use scraper::Html;

/// `content-example/`, the example knowledge base.
pub fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example")
}

/// The text of a page's `<title>`.
pub fn title(html: &scraper::Html) -> String {
    html.select(&sel("title"))
        .next()
        .expect("a page has a title")
        .text()
        .collect()
}

/// A CSS selector the test knows is valid.
pub fn sel(s: &str) -> scraper::Selector {
    scraper::Selector::parse(s).unwrap()
}

/// `tests/fixtures`.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Copies a folder and everything below it, but not the search cache
/// (`.hindsight/`): other tests build `content-example` in place at the
/// same time, and copying an index while another build rewrites it failed
/// now and then on a file that had just gone.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() == ".hindsight" {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub fn chromium() -> Option<PathBuf> {
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

pub fn browser_or_skip() -> Option<PathBuf> {
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

/// Headless Chromium that prints the DOM of the page it is given once its
/// scripts have had 5 s of virtual time, in the fresh profile `profile`,
/// with no network of its own (updates, sync, QUIC).
pub fn headless_dump(browser: &Path, profile: &Path) -> Command {
    let mut command = Command::new(browser);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()));
    command
}

/// Loads `url` in headless Chromium, lets scripts run, and returns the DOM.
pub fn dump_dom(browser: &Path, url: &str) -> Html {
    let profile = tempfile::tempdir().unwrap();
    let output = headless_dump(browser, profile.path())
        .arg("--allow-file-access-from-files")
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

/// The stdout of `hindsight ARGS` at the date `build_site` builds at,
/// which must succeed.
pub fn hindsight_ok<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Vec<u8> {
    let output = Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .env("SOURCE_DATE_EPOCH", "1795737600")
        .env_remove("CLICOLOR_FORCE")
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// `hindsight build ROOT -o OUT` at a fixed date, which must succeed.
pub fn build_site(root: &Path, out: &Path) {
    hindsight_ok(&[
        "build".as_ref(),
        root.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
}

/// Serves `root` over HTTP on a loopback port for the test's lifetime: the
/// site's links start with `/`, which `file://` cannot resolve.
pub fn serve(root: PathBuf) -> String {
    serve_logged(root).0
}

/// [`serve`], and the log of every path requested, in order.
pub fn serve_logged(root: PathBuf) -> (String, Arc<Mutex<Vec<String>>>) {
    start_server(root, false)
}

/// [`serve`] as a host that compresses on the fly would: `.gz` files go out
/// with `Content-Encoding: gzip`, so the browser inflates them before the
/// page's scripts see them.
pub fn serve_inflating(root: PathBuf) -> String {
    start_server(root, true).0
}

fn start_server(root: PathBuf, gzip_encoding: bool) -> (String, Arc<Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let requests = Arc::clone(&log);
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
            requests.lock().unwrap().push(path.to_string());
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
            let (status, body, kind, encoding) = match std::fs::read(&file) {
                Ok(body) if !path.contains("..") => {
                    let (kind, encoding) = match file.extension().and_then(|e| e.to_str()) {
                        Some("html") => ("text/html; charset=utf-8", ""),
                        Some("css") => ("text/css", ""),
                        Some("js") => ("text/javascript", ""),
                        Some("gz") if gzip_encoding => {
                            ("application/json", "Content-Encoding: gzip\r\n")
                        }
                        _ => ("application/octet-stream", ""),
                    };
                    ("200 OK", body, kind, encoding)
                }
                _ => ("404 Not Found", Vec::new(), "text/plain", ""),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\n{encoding}Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    });
    (format!("http://{addr}"), log)
}
