//! Markdown to HTML: the FORMAT.md dialect, with heading ids and anchor
//! links, and raw HTML escaped unless `[site] unsafe_html` is set (a
//! post-mortem is data, not a page fragment).
//!
//! Heading attributes (`{#id .class key=value}`) are filtered whatever the
//! options: only a `{#id}` of letters, digits, `-` and `_` is kept, since
//! anything else is a way to put attributes (`onfocus=...`) on the page.
//! `check` reports what is dropped (`heading-attributes`).

use std::collections::{HashMap, HashSet, VecDeque};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag, TagEnd, html};

use crate::content::body::markdown_options;
use crate::text::{collapse_whitespace, slug, strip_control, strip_control_in_place};

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

/// How to render a body. The default is the safe one.
#[derive(Clone, Copy, Debug, Default)]
pub struct RenderOptions {
    /// Pass raw HTML through unchanged instead of showing it as text.
    pub unsafe_html: bool,
}

impl RenderOptions {
    /// The options `[site]` asks for.
    pub fn from_config(config: &crate::config::Config) -> Self {
        RenderOptions {
            unsafe_html: config.site.unsafe_html,
        }
    }
}

pub use crate::text::{MAX_HEADING_ID_LEN, is_valid_heading_id};

/// Renders a post-mortem body with the default (safe) options. `#` headings
/// become `<h2>` and deeper levels shift by one as needed, so the page's
/// `<h1>` stays the title and the outline has no gaps.
pub fn render(markdown: &str) -> Rendered {
    render_with(markdown, &RenderOptions::default())
}

/// Renders a post-mortem body, like [`render`], with `options`.
pub fn render_with(markdown: &str, options: &RenderOptions) -> Rendered {
    // The events stream from the parser to the writer: collecting them
    // first cost tens of bytes per event, over a gigabyte for a 5 MB table.
    // Only one heading's events are held at a time, to name it.
    let mut events = BodyEvents {
        parser: Parser::new_ext(markdown, markdown_options()),
        unsafe_html: options.unsafe_html,
        ids: HeadingIds::default(),
        headings: Vec::new(),
        queue: VecDeque::new(),
    };
    let mut html_out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut html_out, &mut events);
    // One pass over the output catches a control character wherever it came
    // from: text, an entity like `&#7;`, a URL, raw HTML.
    strip_control_in_place(&mut html_out);
    Rendered {
        html: html_out,
        headings: events.headings,
    }
}

/// The body's events, made safe (see [`escape_event`]), with each heading
/// given a unique id, an anchor link, and no other attributes.
struct BodyEvents<'a> {
    parser: Parser<'a>,
    unsafe_html: bool,
    ids: HeadingIds,
    headings: Vec<Heading>,
    /// The rest of the last heading, to be handed out before reading on.
    queue: VecDeque<Event<'a>>,
}

impl<'a> Iterator for BodyEvents<'a> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(event) = self.queue.pop_front() {
            return Some(event);
        }
        match self.parser.next()? {
            // The heading's own `classes` and `attrs` are dropped here, and
            // its `id` is only a candidate: see `HeadingIds::assign`.
            Event::Start(Tag::Heading { level, id, .. }) => Some(self.heading(level, id)),
            event => Some(escape_event(event, self.unsafe_html)),
        }
    }
}

impl<'a> BodyEvents<'a> {
    /// Reads a heading up to its end into the queue, and returns its start.
    fn heading(&mut self, level: HeadingLevel, id: Option<CowStr<'a>>) -> Event<'a> {
        // The id comes from the text, which comes after the start tag: hold
        // the heading's events (a line, or a few for a setext heading).
        let mut text = String::new();
        for event in self.parser.by_ref() {
            match &event {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Text(t) | Event::Code(t) => text.push_str(t),
                _ => {}
            }
            self.queue.push_back(escape_event(event, self.unsafe_html));
        }
        let level = demote(level);
        let explicit = id.as_deref().filter(|id| is_valid_heading_id(id));
        let id = self.ids.assign(explicit, &text);
        // Slugs and valid ids need no escaping; escape anyway, so that a
        // change to either cannot open the attribute.
        self.queue.push_back(Event::InlineHtml(CowStr::from(format!(
            " <a class=\"anchor\" href=\"#{}\" aria-label=\"Link to this section\">#</a>",
            super::theme::escape(&id)
        ))));
        self.queue.push_back(Event::End(TagEnd::Heading(level)));
        self.headings.push(Heading {
            level: level as u8,
            id: id.clone(),
            title: strip_control(text.trim()).into_owned(),
        });
        // pulldown-cmark escapes the `id` attribute itself.
        Event::Start(Tag::Heading {
            level,
            id: Some(CowStr::from(id)),
            classes: Vec::new(),
            attrs: Vec::new(),
        })
    }
}

/// Unique heading ids: the first `x`, then `x-1`, `x-2`... skipping any
/// already taken (by an explicit `{#x-1}`, or a heading titled "X 1").
#[derive(Default)]
struct HeadingIds {
    used: HashSet<String>,
    /// For each base id met twice, the next suffix to try. Every suffix
    /// below it is taken for good (ids are never released), so starting
    /// from it gives the same ids as counting from 1 each time, without
    /// the quadratic cost for many equal headings.
    next_suffix: HashMap<String, usize>,
}

impl HeadingIds {
    /// The id for a heading with `explicit` id (already validated) or
    /// `text`.
    fn assign(&mut self, explicit: Option<&str>, text: &str) -> String {
        let base = match explicit {
            Some(id) => id.to_string(),
            None => heading_id(text),
        };
        if !self.used.contains(&base) {
            self.used.insert(base.clone());
            return base;
        }
        let n = self.next_suffix.entry(base.clone()).or_insert(1);
        loop {
            let candidate = format!("{base}-{n}");
            *n += 1;
            if !self.used.contains(&candidate) {
                self.used.insert(candidate.clone());
                return candidate;
            }
        }
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
                Some(escape_event(Event::Start(tag), false))
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
        other => Some(escape_event(other, false)),
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    strip_control(out.trim()).into_owned()
}

/// The text of some Markdown, without markup: for feeds, titles, search.
pub fn plain_text(markdown: &str) -> String {
    // Most short texts (timeline events, whys) have no markup at all, or
    // only `code`: skip the parser for them. A build does this for every
    // timeline event and why, and a parser per line was most of the cost.
    match simple_inline(markdown) {
        Some(text) => collapse_whitespace(&strip_control(&text)),
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
    // Before collapsing, so a removed character leaves no double space.
    collapse_whitespace(&strip_control(&out))
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

/// Makes one event safe to emit: raw HTML is shown as text (unless
/// `unsafe_html`), link and image URLs with a scheme other than http(s) or
/// mailto (`javascript:`, `data:`) are dropped, and footnote labels get a
/// `fn-` prefix so their ids cannot collide with heading ids (`## Impact`
/// and `[^impact]`). Headings are not handled here: see [`BodyEvents`].
fn escape_event(event: Event<'_>, unsafe_html: bool) -> Event<'_> {
    match event {
        Event::Html(s) | Event::InlineHtml(s) if !unsafe_html => Event::Text(s),
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
    let slug = slug(text);
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
    fn heading_attributes_are_dropped_but_a_plain_id_is_kept() {
        let md = "## Notes {#x\"/autofocus/tabindex=\"0\"/onfocus=\"alert(1)\"}\n\n\
                  ## More {tabindex=0 autofocus onfocus=alert(1) style=x}\n\n\
                  ## Kept {#kept_id-2 .cls data-x=1}\n\n\
                  Setext {#Plain}\n------\n\n\
                  ## Digit {#1x}\n";
        for unsafe_html in [false, true] {
            let r = render_with(md, &RenderOptions { unsafe_html });
            for banned in [
                "onfocus",
                "autofocus",
                "tabindex",
                "style",
                "cls",
                "data-x",
                "1x",
            ] {
                assert!(!r.html.contains(banned), "{banned} in {}", r.html);
            }
            assert!(
                r.html
                    .contains("<h2 id=\"notes\">Notes <a class=\"anchor\" href=\"#notes\"")
            );
            assert!(r.html.contains("<h2 id=\"more\">More <a"), "{}", r.html);
            assert!(
                r.html
                    .contains("<h2 id=\"kept_id-2\">Kept <a class=\"anchor\" href=\"#kept_id-2\"")
            );
            assert!(r.html.contains("<h2 id=\"Plain\">Setext"), "{}", r.html);
            assert!(r.html.contains("<h2 id=\"digit\">"), "{}", r.html);
            let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
            assert_eq!(ids, ["notes", "more", "kept_id-2", "Plain", "digit"]);
        }
    }

    #[test]
    fn heading_id_syntax() {
        for ok in ["a", "Z9", "a-b_c", &"x".repeat(MAX_HEADING_ID_LEN)] {
            assert!(is_valid_heading_id(ok), "{ok}");
        }
        let long = "x".repeat(MAX_HEADING_ID_LEN + 1);
        for bad in [
            "", "1a", "-a", "_a", "a b", "a\"", "a'", "a<", "a&b", "é", "a:b", &long,
        ] {
            assert!(!is_valid_heading_id(bad), "{bad}");
        }
    }

    #[test]
    fn anchors_escape_the_id_even_if_it_were_unsafe() {
        assert_eq!(
            super::super::theme::escape("a\"b'<c>&"),
            "a&quot;b&#39;&lt;c&gt;&amp;"
        );
    }

    /// The ids the renderer gave before it kept a counter per base: for
    /// each heading, the base, then `base-1`, `base-2`... until unused.
    fn ids_the_slow_way(headings: &[(Option<&str>, &str)]) -> Vec<String> {
        let mut used = HashSet::new();
        let mut ids = Vec::new();
        for (explicit, text) in headings {
            let base = explicit.map_or_else(|| heading_id(text), str::to_string);
            let mut unique = base.clone();
            let mut n = 1;
            while !used.insert(unique.clone()) {
                unique = format!("{base}-{n}");
                n += 1;
            }
            ids.push(unique);
        }
        ids
    }

    #[test]
    fn heading_ids_are_those_of_the_slow_way() {
        // Texts and ids chosen to collide: "X 1" slugs to `x-1`, which is
        // also the second `x`.
        const TEXTS: &[&str] = &["x", "X 1", "x-1", "x 2", "x-1-1", "y", "!!", "section"];
        const IDS: &[Option<&str>] = &[None, None, None, Some("x"), Some("x-1"), Some("x-2")];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..2_000 {
            let headings: Vec<(Option<&str>, &str)> = (0..next(12))
                .map(|_| (IDS[next(IDS.len())], TEXTS[next(TEXTS.len())]))
                .collect();
            let mut ids = HeadingIds::default();
            let fast: Vec<String> = headings
                .iter()
                .map(|(explicit, text)| ids.assign(*explicit, text))
                .collect();
            assert_eq!(fast, ids_the_slow_way(&headings), "{headings:?}");
        }
    }

    #[test]
    fn many_equal_headings_count_up() {
        let md = "## Same\n\n".repeat(3_000) + "## Same {#same-1}\n";
        let r = render(&md);
        assert_eq!(r.headings[0].id, "same");
        assert_eq!(r.headings[1].id, "same-1");
        assert_eq!(r.headings[2_999].id, "same-2999");
        // The explicit `same-1` is taken: it counts on from the last one.
        assert_eq!(r.headings[3_000].id, "same-1-1");
    }

    #[test]
    fn unsafe_html_passes_raw_html_through() {
        let md = "<div class=\"x\">raw</div>\n\nText <b>bold</b> [j](javascript:x)\n";
        let r = render_with(md, &RenderOptions { unsafe_html: true });
        assert!(r.html.contains("<div class=\"x\">raw</div>"), "{}", r.html);
        assert!(r.html.contains("<b>bold</b>"));
        // Markdown links are still filtered.
        assert!(!r.html.contains("javascript"));
        assert!(render(md).html.contains("&lt;b&gt;bold&lt;/b&gt;"));
    }

    #[test]
    fn options_come_from_site_config() {
        let config = crate::config::Config::from_toml("").unwrap();
        assert!(!RenderOptions::from_config(&config).unsafe_html);
        let config = crate::config::Config::from_toml("[site]\nunsafe_html = true\n").unwrap();
        assert!(RenderOptions::from_config(&config).unsafe_html);
    }

    #[test]
    fn control_characters_never_reach_the_output() {
        let md = "# T\u{7}itle\n\nBell\u{7} &#7; &#x1b; `c\u{1}ode` [l](http://x/\u{8}y \"t\u{c}\")\n\n\
                  ```\nfen\u{7f}ce\n```\n\n<b\u{2}>\n";
        for unsafe_html in [false, true] {
            let r = render_with(md, &RenderOptions { unsafe_html });
            assert!(
                !r.html.contains(crate::text::is_forbidden_control),
                "{:?}",
                r.html
            );
            assert!(r.html.contains("Bell  "), "{:?}", r.html);
            assert_eq!(r.headings[0].title, "Title");
        }
        assert_eq!(render_inline("a\u{7}b &#7;c"), "ab c");
        assert_eq!(plain_text("a\u{7}b"), "ab");
        assert_eq!(plain_text("a \u{1f} *b*"), "a b");
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
