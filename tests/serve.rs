//! `hindsight serve`: the binary on a free port, driven over HTTP as a
//! browser would, with the knowledge base changed under it.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The server, stopped when the test ends however it ends.
struct Server {
    child: Child,
    url: String,
    stderr: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `hindsight serve DIR --port 0` and waits for the address it says.
fn start(dir: &Path, extra: &[&str]) -> Server {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("hindsight"))
        // The date `build` is run at in these tests (`common::hindsight_ok`).
        .env("SOURCE_DATE_EPOCH", "1795737600")
        .arg("serve")
        .arg(dir)
        .args(["--port", "0"])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read on a thread, so the server never blocks on a full pipe.
    let (tx, rx) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    // Owned by the guard from here: a failed wait below still stops it.
    let mut server = Server {
        child,
        url: String::new(),
        stderr: rx,
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let line = server
            .stderr
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("serve says where it serves");
        if let Some(at) = line.find("http://") {
            let url = line[at..].split_whitespace().next().unwrap();
            server.url = url.trim_end_matches('/').to_string();
            return server;
        }
    }
}

/// GET `path`: the status and the body as text.
fn get(server: &Server, path: &str) -> (u16, String) {
    let (status, body) = get_bytes(server, path);
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// GET `path`: the status and the body.
fn get_bytes(server: &Server, path: &str) -> (u16, Vec<u8>) {
    let address = server.url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {address}\r\n\r\n").unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let end = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&response[..end]);
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, response[end + 4..].to_vec())
}

/// An open page's event stream.
struct Events(BufReader<TcpStream>);

impl Events {
    fn open(server: &Server) -> Events {
        let address = server.url.trim_start_matches("http://");
        let mut stream = TcpStream::connect(address).unwrap();
        write!(
            stream,
            "GET /__hindsight/events HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let mut events = Events(BufReader::new(stream));
        let mut status = String::new();
        events.0.read_line(&mut status).unwrap();
        assert!(status.contains(" 200 "), "{status}");
        events
    }

    /// The generation of the next `reload` event, if one comes within `wait`.
    fn next(&mut self, wait: Duration) -> Option<u64> {
        let deadline = Instant::now() + wait;
        let mut reload = false;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            self.0.get_ref().set_read_timeout(Some(left)).unwrap();
            let mut line = String::new();
            match self.0.read_line(&mut line) {
                Ok(0) | Err(_) => return None,
                Ok(_) => {}
            }
            let line = line.trim_end();
            if line == "event: reload" {
                reload = true;
            } else if let (true, Some(data)) = (reload, line.strip_prefix("data: ")) {
                return Some(data.parse().unwrap());
            }
        }
    }
}

/// Writes `text` to `path` the way editors do: a new file renamed over the
/// old one.
fn save(path: &Path, text: &str) {
    let scratch = path.with_extension("md.tmp");
    std::fs::write(&scratch, text).unwrap();
    std::fs::rename(&scratch, path).unwrap();
}

const PAGE: &str = "/incidents/2025-01-17-checkout-db-pool-exhaustion/";
const FILE: &str = "postmortems/2025-01-17-checkout-db-pool-exhaustion.md";

#[test]
fn a_change_reloads_the_page_a_broken_file_shows_its_errors_until_fixed() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&common::example(), dir.path());
    let server = start(dir.path(), &[]);

    let (status, page) = get(&server, PAGE);
    assert_eq!(status, 200);
    assert!(page.contains("orders-db connection pools exhausted"));
    // Only serve adds the script; the overlay only when something is broken.
    assert!(
        page.contains(r#"<script src="/__hindsight/live.js" data-generation="1"></script></body>"#)
    );
    assert!(!page.contains("hindsight-overlay"));
    let (status, script) = get(&server, "/__hindsight/live.js");
    assert_eq!(status, 200);
    assert!(script.contains("EventSource"));

    let mut events = Events::open(&server);
    assert_eq!(
        events.next(Duration::from_secs(5)),
        Some(1),
        "the current generation first"
    );

    // A change: the new content, and a reload event within two seconds.
    let file = dir.path().join(FILE);
    let original = std::fs::read_to_string(&file).unwrap();
    let changed = original.replace(
        "orders-db connection pools exhausted",
        "orders-db connection pools ran dry",
    );
    let written = Instant::now();
    save(&file, &changed);
    let generation = events
        .next(Duration::from_secs(10))
        .expect("a reload event");
    let took = written.elapsed();
    assert!(generation > 1);
    assert!(took < Duration::from_secs(2), "reload event after {took:?}");
    let (_, page) = get(&server, PAGE);
    assert!(page.contains("orders-db connection pools ran dry"));
    assert!(page.contains(&format!("data-generation=\"{generation}\"")));

    // Broken: the last good page, with the errors over it.
    let broken = changed.replace("severity = \"SEV-2\"", "severity = \"SEV-9\"");
    save(&file, &broken);
    let broken_generation = events
        .next(Duration::from_secs(10))
        .expect("a reload event");
    assert!(broken_generation > generation);
    let (_, page) = get(&server, PAGE);
    assert!(page.contains("id=\"hindsight-overlay\""), "the overlay");
    assert!(
        page.contains("orders-db connection pools ran dry"),
        "the last good page under it"
    );
    let overlay = &page[page.find("hindsight-overlay").unwrap()..];
    assert!(
        overlay.contains(&format!("{FILE}:4:")),
        "file and line:\n{overlay}"
    );
    assert!(
        overlay.contains("SEV-9"),
        "the message quotes the value:\n{overlay}"
    );
    // Other pages too.
    let (_, home) = get(&server, "/");
    assert!(home.contains("id=\"hindsight-overlay\""));

    // Fixed: the page again, no overlay.
    save(&file, &original);
    let fixed_generation = events
        .next(Duration::from_secs(10))
        .expect("a reload event");
    assert!(fixed_generation > broken_generation);
    let (_, page) = get(&server, PAGE);
    assert!(!page.contains("hindsight-overlay"));
    assert!(page.contains("orders-db connection pools exhausted"));
}

/// Every file of a `build` of the knowledge base as it is now, fetched from
/// the server: the same bytes, but for serve's script in HTML pages.
fn assert_serves_what_build_writes(server: &Server, root: &Path, build_args: &[&str]) {
    let out = tempfile::tempdir().unwrap();
    let mut args: Vec<&std::ffi::OsStr> = vec!["build".as_ref(), root.as_os_str()];
    args.extend(build_args.iter().map(std::ffi::OsStr::new));
    args.extend(["-o".as_ref(), out.path().as_os_str()]);
    common::hindsight_ok(&args);
    let mut compared = 0;
    for file in walk(out.path()) {
        let rel = file.strip_prefix(out.path()).unwrap().to_string_lossy();
        let rel = rel.replace('\\', "/");
        if rel == ".hindsight-site" {
            // `build`'s mark on its output folder, not a page.
            continue;
        }
        let url = format!("/{}", rel.strip_suffix("index.html").unwrap_or(&rel));
        let (status, mut body) = get_bytes(server, &url);
        assert_eq!(status, 200, "{url}");
        if rel.ends_with(".html") {
            let page = String::from_utf8(body).unwrap();
            let start = page.rfind("<script src=\"/__hindsight/live.js\"").unwrap();
            let end = start + page[start..].find("</script>").unwrap() + "</script>".len();
            body = format!("{}{}", &page[..start], &page[end..]).into_bytes();
        }
        assert!(
            body == std::fs::read(&file).unwrap(),
            "{url} is not as `build` writes it"
        );
        compared += 1;
    }
    assert!(compared > 100, "{compared} files compared");
}

/// Each rebuild reuses what it kept of the last (parses, diagnostics,
/// fragments, term counts): what it serves after saves is exactly what a
/// fresh `build` of the changed knowledge base writes, on every page.
#[test]
fn after_saves_every_file_served_is_the_one_build_writes() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&common::example(), dir.path());
    let server = start(dir.path(), &[]);
    let mut events = Events::open(&server);
    let build_args = ["--drafts", "--base-url", "/"];
    // A title (in every list and on related incidents' pages), then an
    // action item (the action-items page, the exports), each a rebuild.
    let path = dir.path().join(FILE);
    let text = std::fs::read_to_string(&path).unwrap();
    save(
        &path,
        &text.replacen(
            "title = \"Checkout failures during the January clearance sale",
            "title = \"Checkout outage in the January sale",
            1,
        ),
    );
    assert!(events.next(Duration::from_secs(20)).is_some());
    let other = dir
        .path()
        .join("postmortems/2025-09-30-kafka-cluster-disk-full.md");
    let text = std::fs::read_to_string(&other).unwrap();
    let changed = text.replacen(
        "[[action_items]]\ntitle = \"",
        "[[action_items]]\ntitle = \"First: ",
        1,
    );
    assert_ne!(changed, text);
    save(&other, &changed);
    assert!(events.next(Duration::from_secs(20)).is_some());
    assert_serves_what_build_writes(&server, dir.path(), &build_args);
}

#[test]
fn search_works_while_serving_and_files_are_found_as_on_a_static_host() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&common::example(), dir.path());
    let server = start(dir.path(), &["--no-drafts"]);
    let (status, search) = get(&server, "/search/");
    assert_eq!(status, 200);
    assert!(search.contains("/__hindsight/live.js"));
    // The data files the search page fetches are served, as `build` writes them.
    let out = tempfile::tempdir().unwrap();
    // Links from the server's root, as serve makes them.
    common::hindsight_ok(&[
        "build".as_ref(),
        dir.path().as_os_str(),
        "--base-url".as_ref(),
        "/".as_ref(),
        "-o".as_ref(),
        out.path().as_os_str(),
    ]);
    let mut data = 0;
    for entry in walk(&out.path().join("search")) {
        let rel = entry
            .strip_prefix(out.path())
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if rel.ends_with(".gz") {
            let (status, body) = get_bytes(&server, &format!("/{rel}"));
            assert_eq!(status, 200, "{rel}");
            assert!(
                body == std::fs::read(&entry).unwrap(),
                "{rel} as build writes it"
            );
            data += 1;
        }
    }
    assert!(data > 0);
    // `build` output never holds serve's script.
    let home = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    assert!(!home.contains("__hindsight"));
    assert_eq!(get(&server, "/style.css").0, 200);
    assert_eq!(get(&server, "/no/such/page/").0, 404);
    // Nothing was written into the knowledge base.
    assert!(!dir.path().join("public").exists());
}

#[test]
fn a_knowledge_base_broken_from_the_start_shows_its_errors_then_the_site() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&common::example(), dir.path());
    let file = dir.path().join(FILE);
    let original = std::fs::read_to_string(&file).unwrap();
    save(
        &file,
        &original.replace("severity = \"SEV-2\"", "severity = \"SEV-9\""),
    );
    let server = start(dir.path(), &[]);
    let (status, page) = get(&server, "/");
    assert_eq!(status, 500);
    assert!(page.contains("id=\"hindsight-overlay\""));
    assert!(page.contains(&format!("{FILE}:4:")));
    let mut events = Events::open(&server);
    let first = events.next(Duration::from_secs(5)).unwrap();
    save(&file, &original);
    assert!(events.next(Duration::from_secs(10)).unwrap() > first);
    let (status, page) = get(&server, PAGE);
    assert_eq!(status, 200);
    assert!(!page.contains("hindsight-overlay"));
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_it_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&common::example(), dir.path());
    let mut server = start(dir.path(), &[]);
    assert_eq!(get(&server, "/").0, 200);
    let killed = Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let said: Vec<String> = server.stderr.iter().collect();
    assert!(said.iter().any(|l| l == "stopped"), "{said:?}");
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = Command::new(assert_cmd::cargo::cargo_bin("hindsight"))
        .args(["serve"])
        .arg(common::example())
        .args(["--port", &port])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")) && stderr.contains("--port"),
        "{stderr}"
    );
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// Waits for serve (with `-v`) to log a GET of `path`.
fn wait_for_get(server: &Server, path: &str, wait: Duration) -> bool {
    let deadline = Instant::now() + wait;
    let wanted = format!("GET {path} 200");
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match server.stderr.recv_timeout(left) {
            Ok(line) if line == wanted => return true,
            Ok(_) => {}
            Err(_) => return false,
        }
    }
    false
}

/// The whole loop in a real browser: a page open in headless Chromium asks
/// for itself again after a save, by its own script (serve logs each
/// request with `-v`).
#[test]
fn an_open_page_in_a_real_browser_reloads_itself_after_a_save() {
    let Some(browser) = common::browser_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&common::example(), dir.path());
    let server = start(dir.path(), &["-v"]);
    let profile = tempfile::tempdir().unwrap();
    // Without --dump-dom or --screenshot, headless Chromium keeps the page
    // open, as a reader's tab is.
    let mut chromium = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--remote-debugging-port=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("{}{PAGE}", server.url))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let loaded = wait_for_get(&server, PAGE, Duration::from_secs(60));
    // Let the page's script open its event stream before the save.
    let script = loaded && wait_for_get(&server, "/__hindsight/live.js", Duration::from_secs(30));
    std::thread::sleep(Duration::from_millis(500));
    let file = dir.path().join(FILE);
    let text = std::fs::read_to_string(&file).unwrap();
    save(&file, &text.replace("pools exhausted", "pools ran dry"));
    let reloaded = script && wait_for_get(&server, PAGE, Duration::from_secs(10));
    let _ = chromium.kill();
    let _ = chromium.wait();
    assert!(loaded, "the browser opened the page");
    assert!(script, "the page loaded the live-reload script");
    assert!(reloaded, "the page asked for itself again after the save");
}
