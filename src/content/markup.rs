//! Markup the site will not publish as written: heading attributes it drops
//! (`heading-attributes`), control characters it removes
//! (`control-character`), and bodies over the `[limits]` on nesting and
//! headings (`resource-limit`).
//!
//! The heading and limit checks need the Markdown events, so
//! [`super::body::parse`] calls [`heading_attributes`] and keeps a
//! [`BodyLimits`] during its one pass; control characters are found in the
//! file's text by [`control_characters`], run with the other rules.

use std::sync::Arc;

use toml::de::{DeTable, DeValue};

use crate::config::{CONFIG_FILE, Limits};
use crate::content::PostMortem;
use crate::diag::{Diagnostic, Rule};
use crate::source::{Source, Span};
use crate::text::{MAX_HEADING_ID_LEN, is_forbidden_control, is_valid_heading_id};

/// Checks the `{...}` attribute block at the end of the heading at
/// `heading` (the heading's source range), if it has one, and reports what
/// the renderer drops from it: classes, `key=value` attributes, an id that
/// is not plain, and ids that a later one replaces.
pub fn heading_attributes(source: &Arc<Source>, heading: Span) -> Option<Diagnostic> {
    let block = attribute_block(source, heading)?;
    let inner = &source.text[block.start + 1..block.end - 1];
    let tokens: Vec<&str> = inner.split_ascii_whitespace().collect();
    // pulldown-cmark keeps the last `#id` (and skips one-character tokens).
    let last_id = tokens
        .iter()
        .rposition(|t| t.len() > 1 && t.starts_with('#'));
    let mut dropped = Vec::new();
    let mut bad_id = false;
    for (i, token) in tokens.iter().enumerate() {
        let shown = shorten(token);
        let what = if let Some(id) = token.strip_prefix('#').filter(|id| !id.is_empty()) {
            if Some(i) != last_id {
                format!("id `{shown}` (a later id replaces it)")
            } else if is_valid_heading_id(id) {
                continue;
            } else {
                bad_id = true;
                format!("id `{shown}`")
            }
        } else if token.len() > 1 && token.starts_with('.') {
            format!("class `{shown}`")
        } else if token.len() > 1 {
            format!("attribute `{shown}`")
        } else {
            format!("`{shown}`")
        };
        dropped.push(what);
    }
    if dropped.is_empty() {
        return None;
    }
    let mut d = Diagnostic::warning(
        Rule::HeadingAttributes,
        "the site drops some of this heading's attributes",
    )
    .at(source, block)
    .label(format!("dropped: {}", dropped.join(", ")))
    .help(format!(
        "only `{{#id}}` with letters, digits, `-` and `_` is kept (a letter first, at most \
         {MAX_HEADING_ID_LEN}); remove the rest"
    ));
    if bad_id {
        d = d.note("without a usable id the heading gets one made from its text");
    }
    Some(d)
}

/// `token` cut to a length a label can show.
fn shorten(token: &str) -> String {
    const MAX: usize = 40;
    match token.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &token[..at]),
        None => token.to_string(),
    }
}

/// The span of the `{...}` block (braces included) that pulldown-cmark reads
/// as the heading's attributes, found the way it finds it: a `}` ending the
/// heading's text line, and the nearest `{` before it with no `{`, `}`, `<`,
/// `>` or `\` between them.
fn attribute_block(source: &Source, heading: Span) -> Option<Span> {
    let text = source.text.get(heading.clone())?;
    let line = if is_atx(text) {
        // ATX: the block ends the heading's one line.
        let end = text.find('\n').unwrap_or(text.len());
        heading.start..heading.start + end
    } else {
        // Setext: it ends the last line of text, the one before the
        // underline.
        let text = text.trim_end_matches(['\n', '\r', ' ', '\t']);
        let underline = text.rfind('\n')?;
        let before = &text[..underline];
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        heading.start + start..heading.start + before.len()
    };
    let bytes = source.text[line.clone()].as_bytes();
    let end = bytes.len()
        - bytes
            .iter()
            .rev()
            .take_while(|b| matches!(b, b'\n' | b'\r' | b' ' | b'\t'))
            .count();
    if end == 0 || bytes[end - 1] != b'}' {
        return None;
    }
    let close = end - 1;
    let open = bytes[..close]
        .iter()
        .rposition(|b| matches!(b, b'{' | b'}' | b'<' | b'>' | b'\\' | b'\n' | b'\r'))?;
    (bytes[open] == b'{').then(|| line.start + open..line.start + close + 1)
}

/// Whether a heading's source is an ATX heading (`## Title`): one to six
/// `#` and then a space, a tab or the end of the line. (`#tag` can start a
/// setext heading's text.)
fn is_atx(heading: &str) -> bool {
    let text = heading.trim_start_matches(' ');
    let hashes = text.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&hashes)
        && matches!(
            text.as_bytes().get(hashes),
            None | Some(b' ' | b'\t' | b'\n' | b'\r')
        )
}

/// The body's nesting and heading count, against `[limits]`, as the body
/// parse reads its events.
pub struct BodyLimits<'a> {
    limits: &'a Limits,
    depth: usize,
    too_deep: bool,
    headings: usize,
    /// The first heading over the limit.
    extra_heading: Option<Span>,
}

impl<'a> BodyLimits<'a> {
    pub fn new(limits: &'a Limits) -> Self {
        BodyLimits {
            limits,
            depth: 0,
            too_deep: false,
            headings: 0,
            extra_heading: None,
        }
    }

    /// A block quote or list starts at `span`.
    pub fn open(&mut self, source: &Arc<Source>, span: Span, diagnostics: &mut Vec<Diagnostic>) {
        self.depth += 1;
        // Once per file: the first place is the one to fix, and every line
        // below it would say the same.
        if self.depth > self.limits.max_nesting && !self.too_deep {
            self.too_deep = true;
            let max = self.limits.max_nesting;
            diagnostics.push(
                Diagnostic::error(
                    Rule::ResourceLimit,
                    format!("block quotes and lists are nested more than {max} deep"),
                )
                .at(source, first_char(source, span))
                .label(format!("level {} starts here", self.depth))
                .help(format!(
                    "flatten the quotes or lists, or raise `[limits] max_nesting` in {CONFIG_FILE}"
                )),
            );
        }
    }

    /// A block quote or list ends.
    pub fn close(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// A heading starts at `span`.
    pub fn heading(&mut self, source: &Source, span: Span) {
        self.headings += 1;
        if self.headings > self.limits.max_headings && self.extra_heading.is_none() {
            self.extra_heading = Some(first_char(source, span));
        }
    }

    /// Reports the heading count, once the whole body is read.
    pub fn finish(self, source: &Arc<Source>, diagnostics: &mut Vec<Diagnostic>) {
        if let Some(span) = self.extra_heading {
            let max = self.limits.max_headings;
            diagnostics.push(
                Diagnostic::error(
                    Rule::ResourceLimit,
                    format!(
                        "the body has {} headings, over the limit of {max}",
                        self.headings
                    ),
                )
                .at(source, span)
                .label(format!(
                    "heading {} is over the limit",
                    max.saturating_add(1)
                ))
                .help(format!(
                    "split the post-mortem, or raise `[limits] max_headings` in {CONFIG_FILE}"
                )),
            );
        }
    }
}

/// The first character of `span`, for a caret that marks where a block
/// starts without underlining all of it.
fn first_char(source: &Source, span: Span) -> Span {
    let len = source
        .text
        .get(span.start..)
        .and_then(|rest| rest.chars().next())
        .map_or(0, char::len_utf8);
    span.start..span.start + len
}

/// Control characters in the post-mortem: in its Markdown (raw, or written
/// as a numeric character reference such as `&#7;`) and in its front-matter
/// strings (written as TOML escapes such as `\u0007` or `\b`; TOML rejects
/// them raw). The site removes them, since one in a title breaks `atom.xml`.
pub fn control_characters(pm: &PostMortem) -> Vec<Diagnostic> {
    let source = &pm.source;
    let mut found = Vec::new();
    let body = pm.body.span.clone();
    raw_controls(&source.text, body.clone(), &mut found);
    character_references(&source.text, body.clone(), &mut found);
    if let Ok(split) = crate::content::frontmatter::split(source) {
        toml_escapes(&source.text, split.front, &mut found);
    }
    found
        .into_iter()
        .map(|(span, c)| {
            Diagnostic::warning(
                Rule::ControlCharacter,
                "a control character, which the site removes",
            )
            .at(source, span)
            .label(format!("U+{:04X} ({})", c as u32, control_name(c)))
            .help("remove it: it shows as nothing, and feed readers reject it")
        })
        .collect()
}

/// A control character's common name, so a user can tell what it is.
fn control_name(c: char) -> &'static str {
    match c {
        '\0' => "null",
        '\u{7}' => "bell",
        '\u{8}' => "backspace",
        '\u{b}' => "vertical tab",
        '\u{c}' => "form feed",
        '\u{1b}' => "escape",
        '\u{7f}' => "delete",
        _ => "a control character",
    }
}

/// Control characters written as themselves in `span` of `text`.
fn raw_controls(text: &str, span: Span, found: &mut Vec<(Span, char)>) {
    // All of them are ASCII, so bytes are enough and never split a char.
    for (i, &b) in text.as_bytes()[span.clone()].iter().enumerate() {
        if b.is_ascii() && is_forbidden_control(char::from(b)) {
            let at = span.start + i;
            found.push((at..at + 1, char::from(b)));
        }
    }
}

/// Numeric character references (`&#7;`, `&#x1B;`) for control characters
/// in `span` of `text`. One inside a code span shows as written rather than
/// as the character, so this may warn about one the page shows harmlessly;
/// it is not worth a second parse to tell them apart.
fn character_references(text: &str, span: Span, found: &mut Vec<(Span, char)>) {
    let body = &text[span.clone()];
    for (at, _) in body.match_indices("&#") {
        let rest = &body[at + 2..];
        let (hex, digits) = match rest.as_bytes().first() {
            Some(b'x' | b'X') => (true, &rest[1..]),
            _ => (false, rest),
        };
        let len = digits
            .bytes()
            .take_while(|b| {
                if hex {
                    b.is_ascii_hexdigit()
                } else {
                    b.is_ascii_digit()
                }
            })
            .count();
        // CommonMark reads up to 7 decimal or 6 hex digits, then `;`.
        if len == 0 || len > if hex { 6 } else { 7 } || !digits[len..].starts_with(';') {
            continue;
        }
        let value = u32::from_str_radix(&digits[..len], if hex { 16 } else { 10 }).ok();
        // `&#0;` becomes U+FFFD, not a null.
        if let Some(c) = value.filter(|&v| v != 0).and_then(char::from_u32)
            && is_forbidden_control(c)
        {
            let end = 2 + usize::from(hex) + len + 1;
            found.push((span.start + at..span.start + at + end, c));
        }
    }
}

/// Control characters that the TOML in `span` of `text` puts in strings
/// through escapes. TOML rejects the raw characters in strings and
/// comments, so escapes in basic strings are the only way in; the values
/// are walked (not the raw text) so a `\b` in a literal string, which is
/// two ordinary characters, is not mistaken for one.
fn toml_escapes(text: &str, span: Span, found: &mut Vec<(Span, char)>) {
    let Some(toml) = text.get(span.clone()) else {
        return;
    };
    // Only these escapes can write a control character (`\t`, `\n` and
    // `\r` are allowed): without one, skip parsing the front matter a
    // second time, which is most files and a tenth of `check`.
    if !toml.contains('\\')
        || !["\\b", "\\f", "\\e", "\\u", "\\U", "\\x"]
            .iter()
            .any(|e| toml.contains(e))
    {
        return;
    }
    // A front matter that does not parse has been reported already.
    let Ok(table) = DeTable::parse(toml) else {
        return;
    };
    let mut strings = Vec::new();
    collect_strings(table.get_ref(), &mut strings);
    for value in strings {
        let Some(raw) = toml.get(value.clone()) else {
            continue;
        };
        for (at, len, c) in escapes(raw) {
            if is_forbidden_control(c) {
                let start = span.start + value.start + at;
                found.push((start..start + len, c));
            }
        }
    }
}

/// The spans of every string value whose text has a control character.
fn collect_strings(table: &DeTable<'_>, out: &mut Vec<Span>) {
    for value in table.values() {
        collect_value(value, out);
    }
}

fn collect_value(value: &toml::Spanned<DeValue<'_>>, out: &mut Vec<Span>) {
    match value.get_ref() {
        DeValue::String(s) if s.contains(is_forbidden_control) => out.push(value.span()),
        DeValue::Array(items) => items.iter().for_each(|v| collect_value(v, out)),
        DeValue::Table(table) => collect_strings(table, out),
        _ => {}
    }
}

/// The escapes in the source of a TOML basic string: each one's offset,
/// length and the character it stands for.
fn escapes(raw: &str) -> Vec<(usize, usize, char)> {
    let bytes = raw.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        let hex = |n: usize| {
            raw.get(i + 2..i + 2 + n)
                .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32)
                .map(|c| (2 + n, c))
        };
        let escape = match bytes.get(i + 1) {
            Some(b'b') => Some((2, '\u{8}')),
            Some(b'f') => Some((2, '\u{c}')),
            Some(b'e') => Some((2, '\u{1b}')),
            Some(b'x') => hex(2),
            Some(b'u') => hex(4),
            Some(b'U') => hex(8),
            _ => None,
        };
        match escape {
            Some((len, c)) => {
                out.push((i, len, c));
                i += len;
            }
            // `\\`, `\"`, `\n`...: two characters, neither a control.
            None => i += 2,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(markdown: &str) -> Option<&str> {
        let source = Source::new("x.md", markdown.to_string());
        let (_, range) =
            pulldown_cmark::Parser::new_ext(markdown, crate::content::body::markdown_options())
                .into_offset_iter()
                .find(|(e, _)| {
                    matches!(
                        e,
                        pulldown_cmark::Event::Start(pulldown_cmark::Tag::Heading { .. })
                    )
                })?;
        let span = attribute_block(&source, range)?;
        Some(&markdown[span])
    }

    #[test]
    fn finds_the_block_pulldown_cmark_reads() {
        assert_eq!(block("## A {#a .b}\n"), Some("{#a .b}"));
        assert_eq!(block("## A {#a}  \r\n"), Some("{#a}"));
        assert_eq!(block("> ## In a quote {k=v}\n"), Some("{k=v}"));
        assert_eq!(block("## A {x} b\n"), None);
        assert_eq!(block("## A {<b>}\n"), None);
        assert_eq!(block("## Plain\n"), None);
        assert_eq!(block("First line\nsecond {.c}\n---\n"), Some("{.c}"));
        assert_eq!(block("#tag line\nsecond {.c}\n===\n"), Some("{.c}"));
        assert_eq!(block("- Item {.c}\n  ---\n"), Some("{.c}"));
    }

    #[test]
    fn reports_only_what_is_dropped() {
        let check = |md: &str| {
            let source = Arc::new(Source::new("x.md", md.to_string()));
            heading_attributes(&source, 0..md.len()).map(|d| d.primary.unwrap().label.unwrap())
        };
        assert_eq!(check("## A {#ok-id}\n"), None);
        assert_eq!(check("## A {}\n"), None);
        assert_eq!(
            check("## A {#a1 .c}\n").as_deref(),
            Some("dropped: class `.c`")
        );
        assert_eq!(check("## A {x}\n").as_deref(), Some("dropped: `x`"));
        assert_eq!(
            check("## A {#a\" onclick=x}\n").as_deref(),
            Some("dropped: id `#a\"`, attribute `onclick=x`")
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

        /// Whenever the renderer drops something from a heading, `check`
        /// has found the block and warns: the two read the same braces.
        #[test]
        fn warns_whenever_the_renderer_drops_something(
            prefix in "(> |- |1\\. |  )?",
            atx in proptest::bool::ANY,
            text in "[a-z #{}<>\\\\.=\"'-]{0,12}",
            attrs in "[a-z0-9 #.=\"'{}<>-]{0,16}",
            trailing in "[ \t]{0,2}",
        ) {
            let markdown = if atx {
                format!("{prefix}## {text} {{{attrs}}}{trailing}\n")
            } else {
                format!("{prefix}{text}x {{{attrs}}}{trailing}\n{prefix}---\n")
            };
            let source = Arc::new(Source::new("x.md", markdown.clone()));
            let events = pulldown_cmark::Parser::new_ext(
                &markdown,
                crate::content::body::markdown_options(),
            )
            .into_offset_iter();
            for (event, range) in events {
                if let pulldown_cmark::Event::Start(pulldown_cmark::Tag::Heading {
                    id, classes, attrs, ..
                }) = event
                {
                    let drops = !classes.is_empty()
                        || !attrs.is_empty()
                        || id.is_some_and(|id| !is_valid_heading_id(&id));
                    let warned = heading_attributes(&source, range).is_some();
                    proptest::prop_assert!(!drops || warned, "{:?}", markdown);
                }
            }
        }
    }

    #[test]
    fn reads_character_references_and_toml_escapes() {
        let mut found = Vec::new();
        let text = "a &#7; &#x1b; &#X7F; &#0; &#65; &#7 &#99999999; &#x1b";
        character_references(text, 0..text.len(), &mut found);
        let chars: Vec<char> = found.iter().map(|(_, c)| *c).collect();
        assert_eq!(chars, ['\u{7}', '\u{1b}', '\u{7f}']);
        assert_eq!(&text[found[1].0.clone()], "&#x1b;");
        let escapes: Vec<(usize, usize, char)> = escapes(r#""a\\b\b\u0007\U0000001b\x7f\n""#);
        assert_eq!(
            escapes,
            [
                (5, 2, '\u{8}'),
                (7, 6, '\u{7}'),
                (13, 10, '\u{1b}'),
                (23, 4, '\u{7f}')
            ]
        );
        let mut found = Vec::new();
        let toml = "a = 'lit\\b'\nb = [\"x\\f\"]\n[c]\nd = \"\\u0000\"\n";
        toml_escapes(toml, 0..toml.len(), &mut found);
        let spans: Vec<&str> = found.iter().map(|(s, _)| &toml[s.clone()]).collect();
        assert_eq!(spans, ["\\f", "\\u0000"]);
    }
}
