//! Answering a browser: a URL to the file of the plan that `build` would
//! write there, rendered on first request; HTML gets the live-reload script
//! and, while the knowledge base is broken, the errors laid over the page.
//! Only `serve` adds them: `build`'s output never holds either.

use std::collections::HashMap;
use std::path::Path;

use crate::render::theme::escape;
use crate::site::Plan;

/// The live-reload script's URL.
const SCRIPT_PATH: &str = "/__hindsight/live.js";

/// Reloads the page when the server announces a generation other than the
/// one the page was rendered from (see [`super::events`]).
const SCRIPT: &str = r#"// hindsight serve: reload when the site changes.
(() => {
  const mine = document.currentScript.dataset.generation;
  const events = new EventSource("/__hindsight/events");
  events.addEventListener("reload", (e) => {
    if (e.data !== mine) location.reload();
  });
})();
"#;

/// The overlay's look: over the page, readable in light and dark, the
/// diagnostics as `check` prints them.
const OVERLAY_STYLE: &str = "position:fixed;inset:0;z-index:2147483647;overflow:auto;\
margin:0;padding:1.5rem;background:rgba(20,20,24,.96);color:#f4f4f5;\
font:15px/1.5 system-ui,sans-serif";
// `pre`, not wrapped: the carets must stay under what they point at; a
// narrow screen scrolls the block sideways instead.
const OVERLAY_PRE_STYLE: &str = "white-space:pre;overflow-x:auto;\
font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;\
background:#000;color:#f4f4f5;padding:1rem;border-radius:6px;border-left:4px solid #f87171";

/// Every file of one generation of the site, by path.
pub struct Pages<'p> {
    plan: &'p Plan<'p>,
    /// A job's file (`incidents/x/index.html`) to its index in the plan.
    jobs: HashMap<String, usize>,
    attachments: HashMap<&'p str, &'p Path>,
    /// Rendered jobs: a page is made once per generation.
    rendered: HashMap<usize, Vec<u8>>,
    /// The in-browser search's data, made on the first request for it.
    search: Option<HashMap<String, Vec<u8>>>,
    /// Print each request and its status (`--verbose`).
    log: bool,
}

impl<'p> Pages<'p> {
    pub fn new(plan: &'p Plan<'p>, log: bool) -> Self {
        Pages {
            plan,
            jobs: plan
                .jobs
                .iter()
                .enumerate()
                .map(|(i, job)| (job.target.file(), i))
                .collect(),
            attachments: plan
                .attachments
                .iter()
                .map(|(rel, path)| (rel.as_str(), path.as_path()))
                .collect(),
            rendered: HashMap::new(),
            search: None,
            log,
        }
    }

    /// Answers `request` from this generation; `overlay` is the text of
    /// errors to lay over HTML pages.
    pub fn respond(&mut self, request: tiny_http::Request, generation: u64, overlay: Option<&str>) {
        let reply = match request_path(&request) {
            Err(reply) => reply,
            Ok(path) => self.file(&path),
        };
        send(request, reply, generation, overlay, self.log);
    }

    /// The reply for the file at `path` (relative to the root, decoded).
    fn file(&mut self, path: &str) -> Reply {
        if path == &SCRIPT_PATH[1..] {
            return Reply::ok("application/javascript", SCRIPT.as_bytes().to_vec());
        }
        let file = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path.to_string()
        };
        if let Some(&job) = self.jobs.get(&file) {
            return self.job(job, &file, 200);
        }
        if let Some(data) = self.plan.static_files.get(&file) {
            return Reply::ok(content_type(&file), data.clone());
        }
        if let Some(source) = self.attachments.get(file.as_str()) {
            return match std::fs::read(source) {
                Ok(data) => Reply::ok(content_type(&file), data),
                Err(e) => Reply::text(500, format!("cannot read {}: {e}", source.display())),
            };
        }
        if let Some(name) = file.strip_prefix("search/") {
            let search = self
                .search
                .get_or_insert_with(|| self.plan.search_data().into_iter().collect());
            if let Some(data) = search.get(name) {
                return Reply::ok(content_type(&file), data.clone());
            }
        }
        // `incidents/x` is the page in `incidents/x/`, as static hosts do.
        if self.jobs.contains_key(&format!("{file}/index.html")) {
            return Reply::redirect(format!("/{file}/"));
        }
        match self.jobs.get("404.html") {
            Some(&job) => self.job(job, "404.html", 404),
            None => Reply::text(404, format!("no file at /{path}")),
        }
    }

    fn job(&mut self, job: usize, file: &str, status: u16) -> Reply {
        let data = match self.rendered.get(&job) {
            Some(data) => data.clone(),
            None => match self.plan.jobs[job].render() {
                Ok(data) => {
                    self.rendered.insert(job, data.clone());
                    data
                }
                Err(e) => return Reply::text(500, format!("{e:#}")),
            },
        };
        Reply {
            status,
            content_type: content_type(file),
            data,
            location: None,
        }
    }
}

/// Answers every request while the knowledge base cannot be built: HTML
/// pages are the errors, the script still reloads them.
pub fn respond_broken(request: tiny_http::Request, generation: u64, errors: &str, log: bool) {
    let reply = match request_path(&request) {
        Err(reply) => reply,
        Ok(path) if path == SCRIPT_PATH[1..] => {
            Reply::ok("application/javascript", SCRIPT.as_bytes().to_vec())
        }
        Ok(_) => Reply {
            status: 500,
            content_type: "text/html; charset=utf-8",
            data: b"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
                    <title>Hindsight: check failed</title></head><body></body></html>\n"
                .to_vec(),
            location: None,
        },
    };
    send(request, reply, generation, Some(errors), log);
}

/// A response to send.
struct Reply {
    status: u16,
    content_type: &'static str,
    data: Vec<u8>,
    location: Option<String>,
}

impl Reply {
    fn ok(content_type: &'static str, data: Vec<u8>) -> Reply {
        Reply {
            status: 200,
            content_type,
            data,
            location: None,
        }
    }

    fn text(status: u16, text: String) -> Reply {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            data: text.into_bytes(),
            location: None,
        }
    }

    fn redirect(to: String) -> Reply {
        Reply {
            status: 301,
            content_type: "text/plain; charset=utf-8",
            data: format!("moved to {to}").into_bytes(),
            location: Some(to),
        }
    }
}

/// The path asked for, relative to the root and percent-decoded; a reply
/// for what is not a plain GET or HEAD of a path inside the site.
fn request_path(request: &tiny_http::Request) -> Result<String, Reply> {
    use tiny_http::Method;
    if !matches!(request.method(), Method::Get | Method::Head) {
        return Err(Reply::text(405, "serve answers GET and HEAD only".into()));
    }
    let url = request.url();
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let Some(path) = path.strip_prefix('/') else {
        return Err(Reply::text(400, format!("not a path: {url}")));
    };
    let decoded =
        percent_decode(path).ok_or_else(|| Reply::text(400, format!("not a path: {url}")))?;
    // Every file served is looked up by name in the plan, so `..` could
    // reach nothing; it is refused all the same, as a static host does.
    if decoded.split('/').any(|segment| segment == "..") {
        return Err(Reply::text(
            400,
            format!("not a path inside the site: {url}"),
        ));
    }
    Ok(decoded)
}

/// `%xx` sequences decoded (attachments' names may hold spaces); `None`
/// when the result is not UTF-8 or a sequence is cut short.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Sends `reply`, with the script (and the overlay) in an HTML page.
fn send(
    request: tiny_http::Request,
    reply: Reply,
    generation: u64,
    overlay: Option<&str>,
    log: bool,
) {
    if log {
        eprintln!("{} {} {}", request.method(), request.url(), reply.status);
    }
    let data = if reply.content_type.starts_with("text/html") {
        // The one HTML page with status 500 is `respond_broken`'s: no site
        // under the errors.
        inject(&reply.data, generation, overlay, reply.status != 500)
    } else {
        reply.data
    };
    let header = |name: &str, value: &str| {
        tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
    };
    let mut response = tiny_http::Response::from_data(data)
        .with_status_code(reply.status)
        .with_header(header("Content-Type", reply.content_type))
        // A preview is never stale: every load asks again.
        .with_header(header("Cache-Control", "no-store"));
    if let Some(location) = &reply.location {
        response = response.with_header(header("Location", location));
    }
    // The browser may have gone away; nothing to do about it.
    let _ = request.respond(response);
}

/// `html` with the live-reload script, and the overlay of `errors`, before
/// its last `</body>` (at the end when there is none).
fn inject(html: &[u8], generation: u64, errors: Option<&str>, under_last_site: bool) -> Vec<u8> {
    let mut extra = String::new();
    if let Some(errors) = errors {
        extra.push_str(&format!(
            "<div id=\"hindsight-overlay\" role=\"alertdialog\" aria-modal=\"true\" \
             aria-labelledby=\"hindsight-overlay-title\" style=\"{OVERLAY_STYLE}\">\
             <h1 id=\"hindsight-overlay-title\" style=\"font-size:1.25rem;margin:0 0 .5rem;color:#fca5a5\">\
             hindsight check failed</h1>\
             <p style=\"margin:0 0 1rem\">Fix these and the page reloads by itself.{}</p>\
             <pre style=\"{OVERLAY_PRE_STYLE}\">{}</pre></div>",
            if under_last_site {
                " Until then, under this is the last site that built."
            } else {
                ""
            },
            escape(errors)
        ));
    }
    extra.push_str(&format!(
        "<script src=\"{SCRIPT_PATH}\" data-generation=\"{generation}\"></script>"
    ));
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + extra.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The media type of a file, by its extension.
fn content_type(file: &str) -> &'static str {
    let extension = file.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match extension.as_deref() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "application/javascript",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("txt") => "text/plain; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("pdf") => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_and_overlay_go_before_the_last_body_end() {
        let page = inject(
            b"<html><body><p>x</p></body></html>",
            7,
            Some("<b>e</b> & f"),
            true,
        );
        let page = String::from_utf8(page).unwrap();
        assert!(page.ends_with("data-generation=\"7\"></script></body></html>"));
        // The errors quote the author's file: escaped, never markup.
        assert!(page.contains("&lt;b&gt;e&lt;/b&gt; &amp; f</pre>"));
        assert!(!page.contains("<b>e</b>"));
        assert!(page.contains("the last site that built"));
        let alone = inject(b"<body></body>", 1, Some("e"), false);
        assert!(!String::from_utf8(alone).unwrap().contains("last site"));
        let bare = String::from_utf8(inject(b"plain", 1, None, true)).unwrap();
        assert_eq!(
            bare,
            "plain<script src=\"/__hindsight/live.js\" data-generation=\"1\"></script>"
        );
    }

    #[test]
    fn paths_are_decoded_and_kept_inside_the_site() {
        assert_eq!(percent_decode("a%20b.png").as_deref(), Some("a b.png"));
        assert_eq!(percent_decode("caf%C3%A9").as_deref(), Some("café"));
        assert_eq!(percent_decode("bad%2"), None);
        assert_eq!(percent_decode("bad%zz"), None);
        assert_eq!(percent_decode("%ff"), None);
    }

    #[test]
    fn media_types_follow_the_extension() {
        assert_eq!(
            content_type("incidents/x/index.html"),
            "text/html; charset=utf-8"
        );
        assert_eq!(content_type("search/meta.json"), "application/json");
        assert_eq!(content_type("x/Graph.PNG"), "image/png");
        assert_eq!(content_type("x/notes"), "application/octet-stream");
    }
}
