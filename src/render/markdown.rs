//! Markdown to HTML: the FORMAT.md dialect, with heading ids and anchor
//! links, and raw HTML escaped (a post-mortem is data, not a page fragment;
//! sanitized pass-through may come as an opt-in later).

use std::collections::HashSet;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag, TagEnd, html};

use crate::content::body::{collapse_whitespace, markdown_options};

/// A `##`-or-deeper heading, for a table of contents.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// Rendered HTML and its headings.
#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
}

/// Renders a post-mortem body. `#` headings become `<h2>` and deeper levels
/// shift by one as needed, so the page's `<h1>` stays the title and the
/// outline has no gaps.
pub fn render(markdown: &str) -> Rendered {
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, markdown_options()).collect();
    let mut used = HashSet::new();
    let mut headings = Vec::new();
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len() + 16);
    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                // Collect the heading's text for its id.
                let mut text = String::new();
                let mut j = i + 1;
                while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                    if let Event::Text(t) | Event::Code(t) = &events[j] {
                        text.push_str(t);
                    }
                    j += 1;
                }
                let level = demote(*level);
                let base = id
                    .as_deref()
                    .map(str::to_string)
                    .unwrap_or_else(|| heading_id(&text));
                let mut unique = base.clone();
                let mut n = 1;
                while !used.insert(unique.clone()) {
                    unique = format!("{base}-{n}");
                    n += 1;
                }
                headings.push(Heading {
                    level: level as u8,
                    id: unique.clone(),
                    title: text.trim().to_string(),
                });
                out.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(unique.clone())),
                    classes: classes.clone(),
                    // `{key=value}` attributes are dropped: they would let
                    // content write `onclick` (see fuzz/README.md).
                    attrs: Vec::new(),
                }));
                out.extend(events[i + 1..j].iter().cloned().map(escape_html));
                // The id may come from `{#id}`, so it is escaped.
                out.push(Event::InlineHtml(CowStr::from(format!(
                    " <a class=\"anchor\" href=\"#{}\" aria-label=\"Link to this section\">#</a>",
                    tera::escape_html(&unique)
                ))));
                out.push(Event::End(TagEnd::Heading(level)));
                i = j + 1;
            }
            other => {
                out.push(escape_html(other.clone()));
                i += 1;
            }
        }
    }
    let mut html_out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut html_out, out.into_iter());
    Rendered {
        html: html_out,
        headings,
    }
}

/// Renders a short fragment (a summary) as inline HTML: paragraphs are
/// joined with a space, and block structure (headings, lists, tables) is
/// flattened to its text, so the result fits inside a `<p>` or `<td>`.
pub fn render_inline(markdown: &str) -> String {
    let mut first = true;
    let events = Parser::new_ext(markdown, markdown_options()).filter_map(|event| match event {
        Event::Start(tag) => match tag {
            Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } => {
                Some(escape_html(Event::Start(tag)))
            }
            _ if first => {
                first = false;
                None
            }
            _ => Some(Event::Text(CowStr::Borrowed(" "))),
        },
        Event::End(end) => match end {
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link => {
                Some(Event::End(end))
            }
            _ => None,
        },
        Event::FootnoteReference(_) | Event::TaskListMarker(_) | Event::Rule => None,
        Event::SoftBreak | Event::HardBreak => Some(Event::Text(CowStr::Borrowed(" "))),
        other => Some(escape_html(other)),
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out.trim().to_string()
}

/// The text of some Markdown, without markup: for feeds, titles, search.
pub fn plain_text(markdown: &str) -> String {
    // Most short texts (timeline events, whys) have no markup at all, or
    // only `code`: skip the parser for them. A build does this for every
    // timeline event and why, and a parser per line was most of the cost.
    match simple_inline(markdown) {
        Some(text) => collapse_whitespace(&text),
        None => parsed_plain_text(markdown),
    }
}

/// `text` without its markup, when it is one line that starts like a
/// paragraph and whose only markup is code spans between single backticks
/// (inside them anything goes): what most timeline events and whys are.
/// `None` for anything else, which the parser reads. The test
/// `plain_text_fast_path_reads_as_the_parser_does` holds it to the parser.
fn simple_inline(text: &str) -> Option<String> {
    // Block structure (headings, lists, quotes, fences, indented code)
    // shows in how a line starts.
    let starts_like_a_paragraph = match text.chars().next() {
        None => true,
        Some('`') => true,
        Some(c) if c.is_alphabetic() => true,
        Some(c) if c.is_ascii_digit() => {
            // `1.` and `1)` start ordered lists.
            let after = text.trim_start_matches(|c: char| c.is_ascii_digit());
            !after.starts_with(['.', ')'])
        }
        Some(_) => false,
    };
    if !starts_like_a_paragraph {
        return None;
    }
    without_code_spans(text)
}

/// [`plain_text`] the long way, with the parser.
fn parsed_plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, markdown_options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::FootnoteDefinition,
            ) => out.push(' '),
            _ => {}
        }
    }
    collapse_whitespace(&out)
}

/// `text` (one line) with its code spans replaced by their content, as
/// CommonMark reads them, when every backtick run is a single backtick, they
/// pair up, and nothing outside them is inline markup. A span's content
/// loses one space at each end when it has one at both and is not all
/// spaces. `None` otherwise.
fn without_code_spans(text: &str) -> Option<String> {
    // One pass over the bytes: all markup is ASCII.
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut in_code, mut piece_start) = (false, 0);
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            // Line breaks, escapes (a backslash can escape a backtick), and
            // `<`, which may open HTML or an autolink before a code span
            // does: leave them to the parser.
            b'\n' | b'\r' | b'\\' | b'<' => return None,
            b'`' => {
                if bytes.get(i + 1) == Some(&b'`') {
                    return None;
                }
                push_piece(&mut out, &text[piece_start..i], in_code);
                (in_code, piece_start) = (!in_code, i + 1);
            }
            // Emphasis, links, entities, strikethrough.
            b'*' | b'_' | b'[' | b']' | b'&' | b'~' if !in_code => return None,
            _ => {}
        }
    }
    if in_code {
        // An odd backtick.
        return None;
    }
    push_piece(&mut out, &text[piece_start..], false);
    Some(out)
}

/// Appends a piece of text, or a code span's content (see
/// [`without_code_spans`]).
fn push_piece(out: &mut String, piece: &str, code: bool) {
    let stripped = code
        && piece.len() >= 2
        && piece.starts_with(' ')
        && piece.ends_with(' ')
        && piece.bytes().any(|b| b != b' ');
    out.push_str(if stripped {
        &piece[1..piece.len() - 1]
    } else {
        piece
    });
}

fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        other => other,
    }
}

/// Makes one event safe to emit: raw HTML is shown as text, link and image
/// URLs with a scheme other than http(s) or mailto (`javascript:`, `data:`)
/// are dropped, and footnote labels get a `fn-` prefix so their ids cannot
/// collide with heading ids (`## Impact` and `[^impact]`).
fn escape_html(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Html(s) | Event::InlineHtml(s) => Event::Text(s),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::FootnoteReference(label) => Event::FootnoteReference(format!("fn-{label}").into()),
        Event::Start(Tag::FootnoteDefinition(label)) => {
            Event::Start(Tag::FootnoteDefinition(format!("fn-{label}").into()))
        }
        other => other,
    }
}

/// A URL that is relative, a fragment, or http(s)/mailto; anything else
/// becomes empty (a link to nowhere rather than a script).
pub fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let scheme_end = url.find([':', '/', '?', '#']);
    match scheme_end {
        Some(i) if url.as_bytes()[i] == b':' => {
            let scheme = url[..i].to_ascii_lowercase();
            if matches!(scheme.as_str(), "http" | "https" | "mailto") {
                url
            } else {
                CowStr::Borrowed("")
            }
        }
        _ => url,
    }
}

/// A heading id: lowercase words joined by `-`, as GitHub and Zola do.
pub fn heading_id(text: &str) -> String {
    let slug = crate::analysis::slug(text);
    if slug == "-" { "section".into() } else { slug }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_fast_path_reads_as_the_parser_does() {
        // Every string of up to 4 characters from an alphabet of markup,
        // plus random longer ones: wherever the fast path answers, it must
        // answer what the parser does.
        const ALPHABET: &[char] = &[
            'a', ' ', '`', '*', '_', '#', '>', '-', '1', '.', ')', '!', '|', '&', ';', '<', '[',
            ']', '\\', '~', '+', '=', '(', 'é',
        ];
        let mut checked = 0;
        let mut check = |s: &str| {
            if let Some(fast) = simple_inline(s) {
                let fast = collapse_whitespace(&fast);
                assert_eq!(fast, parsed_plain_text(s), "{s:?}");
                checked += 1;
            }
        };
        let mut strings = vec![String::new()];
        for _ in 0..4 {
            strings = strings
                .iter()
                .flat_map(|s| ALPHABET.iter().map(move |c| format!("{s}{c}")))
                .collect();
            strings.iter().for_each(|s| check(s));
        }
        // Longer ones, from all of it and from the few characters that
        // pass the fast path's first checks.
        const MILD: &[char] = &['a', 'b', ' ', '`', '*', '_', '~', '&', '#', '>', '!', '1'];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for round in 0..200_000 {
            let alphabet = if round % 2 == 0 { ALPHABET } else { MILD };
            let len = (seed % 16) as usize;
            let s: String = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    alphabet[(seed % alphabet.len() as u64) as usize]
                })
                .collect();
            check(&s);
        }
        assert!(checked > 20_000, "{checked}");
    }

    #[test]
    fn plain_text_fast_path_reads_code_spans_as_the_parser_does() {
        for md in [
            "plain words",
            "the `orders` table",
            "`a` and `b`",
            "a` b `c",
            "x ` ` y",
            "one ` odd backtick",
            "double ``code`` here",
            "`` a ` b ``",
            "`  two spaces  `",
            "ends with `code`",
            "`",
            "",
            "a _b_ c",
            "snake_case_name failed",
            "a *b* c",
            "a*b*c",
            "R&D and &amp;",
            "~gone~ now",
            "# heading",
            "- item",
            "+ item",
            "1. first",
            "2) second",
            "> quoted",
            "p99 > 2 s, #incidents | ok!",
            "see [the doc](https://example.com)",
            "`a_b*c[d]` stays",
        ] {
            assert_eq!(plain_text(md), parsed_plain_text(md), "{md:?}");
        }
    }

    #[test]
    fn headings_get_unique_ids_and_anchors() {
        let r = render("# Top\n\n## Root Cause Analysis\n\n### 5 Whys\n\n## Root Cause Analysis\n");
        assert!(
            r.html
                .contains("<h2 id=\"top\">Top <a class=\"anchor\" href=\"#top\"")
        );
        assert!(r.html.contains("<h2 id=\"root-cause-analysis\">"));
        assert!(r.html.contains("<h2 id=\"root-cause-analysis-1\">"));
        assert!(r.html.contains("<h3 id=\"5-whys\">"));
        assert_eq!(r.headings.len(), 4);
    }

    #[test]
    fn unsafe_urls_and_footnote_ids() {
        let r = render(
            "[a](javascript:alert(1)) [b](JaVaScRiPt:x) ![i](data:image/png;base64,xx) [ok](https://x.example/a:b) [rel](../x) [m](mailto:a@b)\n\n## Impact\n\nx[^impact]\n\n[^impact]: note\n",
        );
        assert!(!r.html.to_lowercase().contains("javascript:"), "{}", r.html);
        assert!(!r.html.contains("data:"));
        assert!(r.html.contains("href=\"https://x.example/a:b\""));
        assert!(r.html.contains("href=\"../x\""));
        assert!(r.html.contains("href=\"mailto:a@b\""));
        assert_eq!(r.html.matches("id=\"impact\"").count(), 1, "{}", r.html);
    }

    #[test]
    fn inline_and_plain_summaries() {
        assert_eq!(
            render_inline("First *para*.\n\nSecond [x](javascript:y)."),
            "First <em>para</em>. Second <a href=\"\">x</a>."
        );
        assert_eq!(
            plain_text("Pool `max=20` was **hit**,\nretries [spiked](x)."),
            "Pool max=20 was hit, retries spiked."
        );
    }

    #[test]
    fn raw_html_is_escaped() {
        let r = render("<script>alert(1)</script>\n\nText <b>bold</b>\n");
        assert!(!r.html.contains("<script>"));
        assert!(r.html.contains("&lt;script&gt;"));
        assert!(r.html.contains("&lt;b&gt;bold&lt;/b&gt;"));
    }

    #[test]
    fn tables_footnotes_tasks_strikethrough() {
        let r = render(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\n~~old~~ x[^1]\n\n[^1]: note\n",
        );
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("type=\"checkbox\""));
        assert!(r.html.contains("<del>old</del>"));
        assert!(r.html.contains("footnote"));
    }
}
