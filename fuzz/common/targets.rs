//! The bodies of the fuzz targets, shared by `fuzz/fuzz_targets/*.rs` and
//! the main crate's `tests/fuzz_regressions.rs` (both include this file with
//! `#[path]`), so a saved crash input is replayed through exactly the code
//! that found it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use hindsight::config::Config;
use hindsight::content::{self, KnowledgeBase, body};
use hindsight::diag::render;
use hindsight::render::markdown;
use hindsight::source::Source;
use hindsight::validate;
use jiff::civil::Date;

static CONFIG: LazyLock<Config> = LazyLock::new(Config::default);

/// A whole post-mortem file from arbitrary bytes: UTF-8 check, front-matter
/// split, TOML parse, body parse, then every validation rule and the human
/// rendering of each diagnostic (which slices the source at the spans).
pub fn frontmatter(data: &[u8]) {
    let config = &*CONFIG;
    let (pm, mut diagnostics) = content::parse_file(
        PathBuf::from("kb/postmortems/fuzz.md"),
        Path::new("postmortems/fuzz.md"),
        data.to_vec(),
        config,
    );
    let kb = KnowledgeBase {
        root: PathBuf::from("kb"),
        content_dir: PathBuf::from("kb/postmortems"),
        config: config.clone(),
        catalogue: Some(Default::default()),
        postmortems: pm.into_iter().map(std::sync::Arc::new).collect(),
        unloaded: Vec::new(),
        files: 1,
    };
    diagnostics.extend(validate::validate(&kb));
    for d in &diagnostics {
        let _ = render::human(d, false);
    }
}

/// The timeline parser: the input becomes the `## Timeline` section of a
/// body, read by `hindsight::content::body::parse` (the stamp reader is
/// private). The first byte picks the shape: even, every input line is made
/// a `- ` list item (so most inputs exercise the stamp reader); odd, the
/// rest is the section as it is (nested lists, quotes, code...).
pub fn timeline(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(input) = std::str::from_utf8(rest) else {
        return;
    };
    let mut text = String::from("## Summary\n\nx\n\n## Timeline\n\n");
    if mode % 2 == 0 {
        for line in input.split('\n') {
            text.push_str("- ");
            text.push_str(line);
            text.push('\n');
        }
    } else {
        text.push_str(input);
    }
    let date = match mode % 4 {
        0 | 1 => Date::new(2025, 3, 14).ok(),
        _ => None,
    };
    let len = text.len();
    let source = Arc::new(Source::new(PathBuf::from("fuzz.md"), text));
    let mut diagnostics = Vec::new();
    let mut prose = Vec::new();
    let parsed = body::parse(&source, 0..len, date, &CONFIG, &mut diagnostics, &mut prose);
    // Every span must slice the source: later stages (diagnostics, pages)
    // do.
    for event in &parsed.timeline {
        let _ = &source.text[event.span.clone()];
        if let Some(stamp) = &event.stamp {
            let _ = &source.text[stamp.clone()];
            assert!(stamp.start >= event.span.start && stamp.end <= event.span.end);
        }
        assert_eq!(event.text.trim(), event.text);
    }
    for span in &prose {
        let _ = &source.text[span.clone()];
    }
    for d in &diagnostics {
        let _ = render::human(d, false);
    }
}

/// The Markdown renderer over arbitrary UTF-8: `render`, `render_inline`
/// and `plain_text` must not panic, and the HTML they make from content
/// must be safe: raw HTML is escaped, so every tag in the output is one the
/// renderer writes itself, no attribute is an event handler (`on...`), and
/// no link or image points at a scheme other than http(s) or mailto.
pub fn markdown(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let rendered = markdown::render(text);
    check_html(&rendered.html);
    for h in &rendered.headings {
        assert!((2..=6).contains(&h.level), "heading level {}", h.level);
    }
    check_html(&markdown::render_inline(text));
    let plain = markdown::plain_text(text);
    assert_eq!(plain.trim(), plain);
}

/// The tags pulldown-cmark and our heading anchors write.
const TAGS: &[&str] = &[
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "input",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Reads every tag of `html` and checks it; panics with the offending tag.
fn check_html(html: &str) {
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(lt) = html[i..].find('<') {
        let start = i + lt;
        let mut j = start + 1;
        if bytes.get(j) == Some(&b'/') {
            j += 1;
        }
        let name_len = bytes[j..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let name = html[j..j + name_len].to_ascii_lowercase();
        let tag_end = html[start..]
            .find('>')
            .map_or(html.len(), |e| start + e + 1);
        let tag = &html[start..tag_end];
        assert!(
            TAGS.contains(&name.as_str()),
            "unexpected tag {tag:?} in {html:?}"
        );
        j += name_len;
        // Attributes, read as a browser does (HTML "before attribute name"
        // and following states): a `/` not before `>` separates like a
        // space, a name ends at space, `/`, `>` or `=`, and a value is
        // quoted with `"` or `'`, or runs to a space or `>`.
        loop {
            while bytes.get(j).is_some_and(|b| {
                b.is_ascii_whitespace() || (*b == b'/' && bytes.get(j + 1) != Some(&b'>'))
            }) {
                j += 1;
            }
            match bytes.get(j) {
                None => panic!("unclosed tag {tag:?} in {html:?}"),
                Some(b'>') => break,
                Some(b'/') => {
                    j += 1;
                    break;
                }
                _ => {}
            }
            // The first character is part of the name even if it is `=`.
            let attr_len = 1 + bytes[j + 1..]
                .iter()
                .take_while(|b| !b.is_ascii_whitespace() && !b"/>=".contains(b))
                .count();
            let attr = html[j..j + attr_len].to_ascii_lowercase();
            assert!(
                !attr.starts_with("on"),
                "event-handler attribute in {tag:?} in {html:?}"
            );
            j += attr_len;
            while bytes.get(j).is_some_and(u8::is_ascii_whitespace) {
                j += 1;
            }
            if bytes.get(j) == Some(&b'=') {
                j += 1;
                while bytes.get(j).is_some_and(u8::is_ascii_whitespace) {
                    j += 1;
                }
                let (value_start, value_end, next) = match bytes.get(j) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let len = html[j + 1..]
                            .find(q as char)
                            .unwrap_or_else(|| panic!("unclosed value in {tag:?} in {html:?}"));
                        (j + 1, j + 1 + len, j + 2 + len)
                    }
                    _ => {
                        let len = bytes[j..]
                            .iter()
                            .take_while(|b| !b.is_ascii_whitespace() && **b != b'>')
                            .count();
                        (j, j + len, j + len)
                    }
                };
                if attr == "href" || attr == "src" {
                    check_url(&html[value_start..value_end], tag, html);
                }
                j = next;
            }
        }
        i = j + 1;
    }
}

/// A URL attribute is relative, a fragment, or http(s) or mailto. The value
/// is decoded as a browser does (pulldown-cmark escapes `&`, so one pass of
/// its own entities is all), and browsers ignore leading spaces and control
/// characters and any tab or newline.
fn check_url(value: &str, tag: &str, html: &str) {
    let url = value
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&");
    let url: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    if let Some(end) = url.find([':', '/', '?', '#'])
        && url.as_bytes()[end] == b':'
    {
        let scheme = url[..end].to_ascii_lowercase();
        assert!(
            matches!(scheme.as_str(), "http" | "https" | "mailto"),
            "unsafe URL scheme in {tag:?} in {html:?}"
        );
    }
}
