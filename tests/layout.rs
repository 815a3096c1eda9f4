//! The default theme's layout in a real headless Chromium, on a phone
//! (390 px) and a laptop (1,280 px): no element sticks out past the right
//! edge of the viewport, which on a phone means sideways scrolling of the
//! whole page, with the end of every row cut off. Wide things (charts,
//! diagrams, tables) may only be wide inside a container that scrolls
//! sideways on its own (`overflow-x: auto` or `scroll`).
//!
//! Without a browser the test is skipped with a message, except under
//! `CI=true`, where a missing browser is a failure.

mod common;

use std::path::{Path, PathBuf};

use common::{browser_or_skip, build_site, example, serve};

/// A page that shows `page` in an `<iframe>` `width` × 900 px and, once it
/// has loaded, lists the outermost elements in it whose right edge is past
/// the frame's `clientWidth` (its viewport) and that no ancestor lets scroll
/// sideways, as JSON in `data-offenders` on its own `<html>`, for
/// `--dump-dom` to show. Elements inside an offender are not listed again:
/// one overflow is one entry. Zero-size elements (hidden ones) take no room
/// and are skipped.
///
/// Why a frame: headless Chromium will not make its window narrower than
/// 500 px, so `--window-size=390,900` lays pages out at 500. A frame's
/// viewport is exactly its size, media queries included.
fn probe_page(page: &str, width: u32) -> String {
    format!(
        r##"<!doctype html><html><body style="margin:0">
<iframe id="f" src="{page}" style="border:0;width:{width}px;height:900px"></iframe>
<script>
var frame = document.getElementById("f");
frame.addEventListener("load", function () {{
  var win = frame.contentWindow, doc = frame.contentDocument;
  // After the frame's own load handlers (table.js) have run.
  setTimeout(function () {{
    var vw = doc.documentElement.clientWidth;
    var found = [];
    var offenders = new Set();
    function scrolls(el) {{
      for (var p = el.parentElement; p && p !== doc.documentElement; p = p.parentElement) {{
        var ox = win.getComputedStyle(p).overflowX;
        if (ox === "auto" || ox === "scroll") return true;
      }}
      return false;
    }}
    function inOffender(el) {{
      for (var p = el.parentElement; p; p = p.parentElement) if (offenders.has(p)) return true;
      return false;
    }}
    doc.querySelectorAll("body *").forEach(function (el) {{
      var r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) return;
      if (r.right <= vw + 0.5) return;
      if (scrolls(el) || inOffender(el)) return;
      offenders.add(el);
      var name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
        (typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\s+/).join(".") : "");
      found.push(name + " right=" + Math.round(r.right));
    }});
    // Tables of action items and incidents that scroll sideways: on a
    // phone that hides their owner, due date and status past the edge.
    var sideways = [];
    doc.querySelectorAll(".items-table, .incidents-table").forEach(function (t) {{
      var wrap = t.parentElement;
      if (wrap.scrollWidth > wrap.clientWidth + 1) sideways.push(t.className + " " + wrap.scrollWidth + " in " + wrap.clientWidth);
    }});
    // Drawings that scroll sideways without saying so.
    var unhinted = [];
    doc.querySelectorAll(".drawing-scroll").forEach(function (d) {{
      var hint = d.parentElement.querySelector(".scroll-hint");
      if (d.scrollWidth > d.clientWidth + 1 && !(hint && hint.getClientRects().length)) unhinted.push(d.getAttribute("aria-label") || d.className);
    }});
    // An incident page's drawings never scroll (the timeline is drawn
    // twice, and the stylesheet shows the one that fits), and exactly one
    // timeline shows.
    var scrolling = [];
    doc.querySelectorAll(".incident .drawing-scroll").forEach(function (d) {{
      if (d.getClientRects().length && d.scrollWidth > d.clientWidth + 1)
        scrolling.push(d.className + " " + d.scrollWidth + " in " + d.clientWidth);
    }});
    var timelines = Array.prototype.filter.call(doc.querySelectorAll(".incident svg.chart-timeline"), function (t) {{
      return t.getClientRects().length > 0;
    }}).map(function (t) {{ return t.getAttribute("class"); }});
    // An incident page: where the summary (the body) and the details box start.
    var prose = doc.querySelector(".incident .prose"), details = doc.querySelector(".incident .meta-panel");
    var order = prose && details ? [prose.getBoundingClientRect().top, details.getBoundingClientRect().top] : [];
    // Text an SVG cuts: a <text> whose box (in the drawing's own units)
    // is not inside the viewBox is clipped by the <svg> element's edge.
    var cut = [];
    doc.querySelectorAll("svg[viewBox]").forEach(function (svg) {{
      var vb = svg.viewBox.baseVal;
      svg.querySelectorAll("text").forEach(function (t) {{
        var b = t.getBBox();
        if (b.width === 0) return;
        // The box in the drawing's units, after the text's own transform
        // (a y-axis title is turned a quarter).
        var m = svg.getCTM().inverse().multiply(t.getCTM());
        var xs = [], ys = [];
        [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height], [b.x + b.width, b.y + b.height]].forEach(function (c) {{
          var p = svg.createSVGPoint();
          p.x = c[0]; p.y = c[1];
          p = p.matrixTransform(m);
          xs.push(p.x); ys.push(p.y);
        }});
        var box = [Math.min.apply(null, xs), Math.min.apply(null, ys), Math.max.apply(null, xs), Math.max.apply(null, ys)];
        if (box[0] < vb.x - 1 || box[1] < vb.y - 1 || box[2] > vb.x + vb.width + 1 || box[3] > vb.y + vb.height + 1)
          cut.push(svg.getAttribute("class") + ": \"" + t.textContent.trim().slice(0, 40) + "\" at " +
            box.map(Math.round).join(",") + " in " + vb.width + "x" + vb.height);
      }});
    }});
    // The times in an incident's details panel, each with whether the
    // timeline drawing states the same ("time to detect 3 min").
    var times = [];
    var brackets = Array.prototype.map.call(doc.querySelectorAll(".chart-timeline .bracket-label"), function (b) {{ return b.textContent.trim(); }});
    doc.querySelectorAll(".meta-impact > div").forEach(function (row) {{
      var dt = row.querySelector("dt"), strong = row.querySelector("dd strong");
      if (!dt || !strong || dt.textContent.indexOf("Time to ") !== 0) return;
      var said = dt.textContent.trim().toLowerCase() + " " + strong.textContent.trim();
      times.push([said, brackets.indexOf(said) >= 0]);
    }});
    var html = document.documentElement;
    html.setAttribute("data-cut", JSON.stringify(cut));
    html.setAttribute("data-times", JSON.stringify(times));
    html.setAttribute("data-sideways", JSON.stringify(sideways));
    html.setAttribute("data-unhinted", JSON.stringify(unhinted));
    html.setAttribute("data-scrolling", JSON.stringify(scrolling));
    html.setAttribute("data-timelines", JSON.stringify(timelines));
    html.setAttribute("data-order", JSON.stringify(order));
    html.setAttribute("data-scroll-width", String(doc.documentElement.scrollWidth));
    html.setAttribute("data-client-width", String(vw));
    html.setAttribute("data-offenders", JSON.stringify(found));
  }}, 100);
}});
</script></body></html>"##
    )
}

/// What the probe found on one page at one width.
#[derive(Debug)]
struct Found {
    /// Elements past the right edge, outside anything that scrolls.
    offenders: Vec<String>,
    /// The page's `scrollWidth` and `clientWidth`.
    scroll_width: u32,
    client_width: u32,
    /// Action-item and incident tables that scroll sideways.
    sideways: Vec<String>,
    /// Drawings that scroll sideways with no visible hint.
    unhinted: Vec<String>,
    /// On an incident page, drawings that scroll sideways.
    scrolling: Vec<String>,
    /// On an incident page, the classes of the timelines that show.
    timelines: Vec<String>,
    /// On an incident page, the top of the body and of the details box.
    order: Vec<f64>,
    /// `<text>` an SVG's edge cuts.
    cut: Vec<String>,
    /// On an incident page, each time of the details panel ("time to
    /// detect 3 min") and whether the timeline drawing says the same.
    times: Vec<(String, bool)>,
}

/// Loads the probe page at `url` (of a frame `width` px wide) and returns
/// what it found.
fn measure(browser: &Path, url: &str, width: u32) -> Found {
    let profile = tempfile::tempdir().unwrap();
    let output = common::headless_dump(browser, profile.path())
        .arg("--hide-scrollbars")
        // Wider than the frame, so that the frame fits.
        .arg(format!("--window-size={},1000", width + 40))
        .arg(url)
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let dom = scraper::Html::parse_document(&String::from_utf8_lossy(&output.stdout));
    let html = dom.root_element();
    let attr = |name: &str| {
        html.value()
            .attr(name)
            .unwrap_or_else(|| panic!("{url} at {width} px: the probe did not run ({name})"))
            .to_string()
    };
    let list = |name: &str| -> Vec<String> { serde_json::from_str(&attr(name)).unwrap() };
    Found {
        offenders: list("data-offenders"),
        scroll_width: attr("data-scroll-width").parse().unwrap(),
        client_width: attr("data-client-width").parse().unwrap(),
        sideways: list("data-sideways"),
        unhinted: list("data-unhinted"),
        scrolling: list("data-scrolling"),
        timelines: list("data-timelines"),
        order: serde_json::from_str(&attr("data-order")).unwrap(),
        cut: list("data-cut"),
        times: serde_json::from_str(&attr("data-times")).unwrap(),
    }
}

/// The probe pages of `page` (a path in the site, `incidents/x/`), one per
/// width, written beside it; their paths in the site.
fn probes(site: &Path, page: &str) -> Vec<(u32, String)> {
    assert!(site.join(page).join("index.html").is_file(), "{page}");
    WIDTHS
        .iter()
        .map(|&w| {
            let name = format!("layout-probe-{w}.html");
            std::fs::write(
                site.join(page).join(&name),
                probe_page(&format!("/{page}"), w),
            )
            .unwrap();
            (w, format!("{page}{name}"))
        })
        .collect()
}

/// A phone, and a laptop.
const WIDTHS: [u32; 2] = [390, 1280];

/// The first incident page that has all three drawings: the timeline, the
/// 5 Whys and the fishbone, the widest things the site draws.
fn incident_with_every_drawing(site: &Path) -> String {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(site.join("incidents"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("index.html").is_file())
        .collect();
    dirs.sort();
    for dir in dirs {
        let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
        if ["drawing-timeline", "drawing-whys", "drawing-fishbone"]
            .iter()
            .all(|d| html.contains(d))
        {
            return format!("incidents/{}/", dir.file_name().unwrap().to_str().unwrap());
        }
    }
    panic!("no incident of the example has all three drawings")
}

/// A root-cause page: the one with the most incidents (the longest lists).
fn a_cause_page(site: &Path) -> String {
    let mut best = (0, String::new());
    for entry in std::fs::read_dir(site.join("causes")).unwrap() {
        let dir = entry.unwrap().path();
        let Ok(html) = std::fs::read_to_string(dir.join("index.html")) else {
            continue;
        };
        let size = html.len();
        if size > best.0 {
            best = (
                size,
                format!("causes/{}/", dir.file_name().unwrap().to_str().unwrap()),
            );
        }
    }
    assert!(best.0 > 0, "no root-cause page");
    best.1
}

#[test]
fn no_page_is_wider_than_a_phone_or_a_laptop() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    build_site(&example(), &site);

    let pages = [
        String::new(),
        incident_with_every_drawing(&site),
        a_cause_page(&site),
        "metrics/".to_string(),
        "action-items/".to_string(),
        "incidents/".to_string(),
    ];
    let jobs: Vec<(String, u32, String)> = pages
        .iter()
        .flat_map(|p| {
            probes(&site, p)
                .into_iter()
                .map(move |(w, probe)| (format!("/{p}"), w, probe))
        })
        .collect();
    let base = serve(site.clone());

    // Two browsers at a time: the pages are independent, and one Chromium
    // mostly waits on its virtual time budget.
    let results: Vec<(String, u32, Found)> = std::thread::scope(|s| {
        jobs.chunks(jobs.len().div_ceil(2))
            .map(|chunk| {
                let (browser, base) = (&browser, &base);
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|(page, w, probe)| {
                            (
                                page.clone(),
                                *w,
                                measure(browser, &format!("{base}/{probe}"), *w),
                            )
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });

    let mut failures = Vec::new();
    for (page, width, found) in &results {
        let at = format!("{page} at {width} px");
        if !found.offenders.is_empty() || found.scroll_width > found.client_width {
            failures.push(format!(
                "{at}: wider than the viewport ({} px in {}): {}",
                found.scroll_width,
                found.client_width,
                found.offenders.join("; ")
            ));
        }
        // Owner, due date, age, status and services are read on a phone
        // without scrolling the table sideways (its rows become cards).
        if !found.sideways.is_empty() {
            failures.push(format!(
                "{at}: tables scroll sideways: {}",
                found.sideways.join("; ")
            ));
        }
        // A chart or drawing may scroll, but then says so.
        if !found.unhinted.is_empty() {
            failures.push(format!(
                "{at}: scrolls sideways without a hint: {}",
                found.unhinted.join("; ")
            ));
        }
        // An incident's drawings fit its column at every width: the whole
        // time axis shows on a phone, not its first hour and a hint.
        if !found.scrolling.is_empty() {
            failures.push(format!(
                "{at}: an incident drawing scrolls sideways: {}",
                found.scrolling.join("; ")
            ));
        }
        // (The incident page measured has every drawing.)
        if page.len() > "/incidents/".len()
            && page.starts_with("/incidents/")
            && found.timelines.len() != 1
        {
            failures.push(format!(
                "{at}: {} timelines show ({:?}), not one",
                found.timelines.len(),
                found.timelines
            ));
        }
        if !found.cut.is_empty() {
            failures.push(format!(
                "{at}: text cut by a drawing's edge: {}",
                found.cut.join("; ")
            ));
        }
        for (said, drawn) in &found.times {
            if !drawn {
                failures.push(format!(
                    "{at}: the details panel says {said}, the timeline does not"
                ));
            }
        }
        // An incident's summary is the first thing under its title, not
        // after the details box (on a phone that was 1,600 px down).
        if let [body, details] = found.order[..]
            && *width < 1000
            && body > details
        {
            failures.push(format!(
                "{at}: the summary starts at {body} px, below the details box at {details} px"
            ));
        }
    }
    assert_eq!(results.len(), pages.len() * WIDTHS.len());
    assert!(
        results.iter().any(|(_, _, f)| f.order.len() == 2),
        "the incident page was measured"
    );
    // The phone gets the narrow timeline, the laptop the wide one.
    for (width, class) in [
        (390, "chart chart-timeline chart-timeline-narrow"),
        (1280, "chart chart-timeline"),
    ] {
        assert!(
            results
                .iter()
                .any(|(_, w, f)| *w == width && f.timelines == [class]),
            "at {width} px the timeline shown is not `{class}`"
        );
    }
    assert!(
        results.iter().any(|(_, _, f)| f.times.len() == 3),
        "the incident's three times were compared with its timeline"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
