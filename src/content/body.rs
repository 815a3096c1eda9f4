//! The Markdown body: the `##` sections the template requires, the timeline,
//! the 5 Whys and the prose the wording lints read.
//!
//! One pulldown-cmark pass with source offsets finds all of it, so positions
//! in diagnostics are exact and nothing is parsed twice.

use std::sync::Arc;

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::Offset;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::markup::{self, BodyLimits};
use super::model::{Body, Instant, RelativeLink, Section, TimelineEvent};
use crate::config::Config;
use crate::diag::{Diagnostic, Rule};
use crate::source::{Source, Span};
use crate::text::collapse_whitespace;

/// The Markdown dialect of FORMAT.md: CommonMark with tables, footnotes,
/// strikethrough and task lists (and `{#id}` heading attributes). The
/// renderer uses the same options, so what `check` sees is what pages show.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

#[derive(PartialEq)]
enum Region {
    Other,
    Summary,
    Timeline,
    Whys,
}

/// Parses the body at `span` of `source`. `date` is the front matter's
/// `date`, where short `HH:MM` timeline stamps take their day from.
pub fn parse(
    source: &Arc<Source>,
    span: Span,
    date: Option<Date>,
    config: &Config,
    diagnostics: &mut Vec<Diagnostic>,
    prose: &mut Vec<Span>,
) -> Body {
    let base = span.start;
    let text = &source.text[span.clone()];
    let mut body = Body {
        span: span.clone(),
        ..Body::default()
    };
    let mut region = Region::Other;
    let mut heading: Option<(HeadingLevel, Span, String)> = None;
    let mut list_depth = 0usize;
    let mut in_code = false;
    // A soft line break inside a paragraph: the next text continues the same
    // prose span, so "human\nerror" is read as one phrase.
    let mut soft_break = false;
    let mut carried_date = date;
    let mut limits = BodyLimits::new(&config.limits);

    for (event, range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
        let range = range.start + base..range.end + base;
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = &event
            && let Some(file) = super::paths::relative_file(dest_url)
        {
            let what = if matches!(event, Event::Start(Tag::Image { .. })) {
                "image"
            } else {
                "link"
            };
            // Point at the destination when it is written in the link itself.
            let at = match source.text[range.clone()].rfind(dest_url.as_ref()) {
                Some(i) if !dest_url.is_empty() => {
                    range.start + i..range.start + i + dest_url.len()
                }
                _ => range.clone(),
            };
            body.relative_links.push(RelativeLink {
                file,
                span: at,
                what,
            });
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                limits.heading(source, range.clone());
                diagnostics.extend(markup::heading_attributes(source, range.clone()));
                heading = Some((level, range, String::new()));
            }
            Event::Start(Tag::BlockQuote(_)) => limits.open(source, range, diagnostics),
            Event::End(TagEnd::BlockQuote(_)) => limits.close(),
            Event::End(TagEnd::Heading(_)) => {
                let Some((level, span, title)) = heading.take() else {
                    continue;
                };
                let title = title.trim().to_string();
                if level == HeadingLevel::H2 {
                    if let Some(last) = body.sections.last_mut() {
                        last.content.end = span.start;
                    }
                    region = match config.template.required_section_for(&title) {
                        Some(name) if name.eq_ignore_ascii_case("summary") => Region::Summary,
                        Some(name) if name.eq_ignore_ascii_case("timeline") => Region::Timeline,
                        _ if title.eq_ignore_ascii_case("summary") => Region::Summary,
                        _ if title.eq_ignore_ascii_case("timeline") => Region::Timeline,
                        _ => Region::Other,
                    };
                    body.sections.push(Section {
                        title,
                        heading: trim_line_end(source, span.clone()),
                        content: span.end..source.text.len(),
                    });
                } else if level == HeadingLevel::H3 && is_whys_heading(&title) {
                    region = Region::Whys;
                } else if level <= HeadingLevel::H3 && region == Region::Whys {
                    region = Region::Other;
                }
            }
            Event::Start(Tag::List(_)) => {
                list_depth += 1;
                limits.open(source, range, diagnostics);
            }
            Event::End(TagEnd::List(_)) => {
                list_depth = list_depth.saturating_sub(1);
                limits.close();
            }
            Event::Start(Tag::Item) if list_depth == 1 => match region {
                Region::Timeline => {
                    let event = timeline_item(source, range, &mut carried_date, diagnostics);
                    body.timeline.push(event);
                }
                Region::Whys => {
                    let item = &source.text[range];
                    let (_, rest) = strip_marker(item);
                    body.whys.push(rest.trim().to_string());
                }
                _ => {}
            },
            Event::Start(Tag::Paragraph)
                if region == Region::Summary && body.summary.is_none() && list_depth == 0 =>
            {
                body.summary = Some(trim_line_end(source, range));
            }
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) => {
                if let Some((_, _, title)) = &mut heading {
                    title.push_str(&t);
                }
                if !in_code {
                    match prose.last_mut() {
                        Some(last)
                            if last.end == range.start
                                || (soft_break && last.end < range.start) =>
                        {
                            last.end = range.end
                        }
                        _ => prose.push(range),
                    }
                }
                soft_break = false;
                continue;
            }
            Event::SoftBreak => {
                soft_break = true;
                continue;
            }
            Event::Code(t) => {
                if let Some((_, _, title)) = &mut heading {
                    title.push_str(&t);
                }
            }
            _ => {}
        }
        soft_break = false;
    }
    limits.finish(source, diagnostics);
    body
}

fn is_whys_heading(title: &str) -> bool {
    let t = title.to_ascii_lowercase();
    t == "5 whys" || t == "five whys"
}

fn trim_line_end(source: &Source, span: Span) -> Span {
    let text = &source.text[span.clone()];
    span.start..span.start + text.trim_end().len()
}

/// Splits a list item's source into its marker (`- `, `1. `, `- [ ] `) and
/// the rest, returning the byte length of the marker.
fn strip_marker(item: &str) -> (usize, &str) {
    let trimmed = item.trim_start();
    let mut i = item.len() - trimmed.len();
    let bytes = item.as_bytes();
    if matches!(bytes.get(i), Some(b'-' | b'*' | b'+')) {
        i += 1;
    } else {
        let digits = item[i..].bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && matches!(bytes.get(i + digits), Some(b'.' | b')')) {
            i += digits + 1;
        }
    }
    i += item[i..].len() - item[i..].trim_start_matches([' ', '\t']).len();
    for task in ["[ ] ", "[x] ", "[X] "] {
        if item[i..].starts_with(task) {
            i += task.len();
        }
    }
    (i, &item[i..])
}

/// A timestamp read from the start of a timeline item.
#[derive(Debug, PartialEq)]
struct Stamp {
    date: Option<Date>,
    time: Time,
    offset: Offset,
    /// Bytes of the item the stamp and its separator take.
    len: usize,
    /// Bytes of the stamp alone.
    stamp_len: usize,
}

/// Why a stamp-looking start did not read.
#[derive(Debug, PartialEq)]
struct StampError {
    len: usize,
    message: String,
}

fn digits(s: &str, at: usize, n: usize) -> Option<u32> {
    let part = s.get(at..at + n)?;
    part.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| part.parse().ok())?
}

/// Reads `YYYY-MM-DD HH:MM[:SS] [UTC|Z|±HH:MM]` or `HH:MM[:SS] [zone]`, then
/// the separator. `Ok(None)`: the item has no timestamp at all.
fn read_stamp(s: &str) -> Result<Option<Stamp>, StampError> {
    let mut i = 0;
    let looks_dated = s.len() >= 10
        && digits(s, 0, 4).is_some()
        && s.as_bytes()[4] == b'-'
        && digits(s, 5, 2).is_some()
        && s.as_bytes()[7] == b'-'
        && digits(s, 8, 2).is_some();
    let hour_digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let looks_timed = (1..=2).contains(&hour_digits)
        && s.as_bytes().get(hour_digits) == Some(&b':')
        && digits(s, hour_digits + 1, 2).is_some();
    if !looks_dated && !looks_timed {
        return Ok(None);
    }
    let fail = |len: usize, message: String| Err(StampError { len, message });
    let mut date = None;
    if looks_dated {
        let (y, m, d) = (
            digits(s, 0, 4).unwrap(),
            digits(s, 5, 2).unwrap(),
            digits(s, 8, 2).unwrap(),
        );
        match Date::new(y as i16, m as i8, d as i8) {
            Ok(day) => date = Some(day),
            Err(_) => return fail(10, format!("`{}` is not a real date", &s[..10])),
        }
        i = 10;
        let spaces = s[i..].len() - s[i..].trim_start_matches(' ').len();
        if spaces == 0 {
            return fail(
                10,
                "a dated timeline entry needs a time after the date".into(),
            );
        }
        i += spaces;
    }
    let h_len = s[i..].bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=2).contains(&h_len) || s.as_bytes().get(i + h_len) != Some(&b':') {
        return fail(
            i.max(1),
            "expected a time like `09:12` after the date".into(),
        );
    }
    let hour = digits(s, i, h_len).unwrap();
    let Some(minute) = digits(s, i + h_len + 1, 2) else {
        return fail(i + h_len + 1, "expected two digits of minutes".into());
    };
    let start = i;
    i += h_len + 3;
    // `:SS` only when two digits follow: in `09:31: event` the colon is the separator.
    let mut second = 0;
    if s.as_bytes().get(i) == Some(&b':')
        && let Some(sec) = digits(s, i + 1, 2)
    {
        second = sec;
        i += 3;
    }
    let Ok(time) = Time::new(hour as i8, minute as i8, second as i8, 0) else {
        return fail(i, format!("`{}` is not a time of day", &s[start..i]));
    };
    // The zone, after optional spaces.
    let mut offset = Offset::UTC;
    let rest = &s[i..];
    let zone_at = i + rest.len() - rest.trim_start_matches(' ').len();
    let zone = &s[zone_at..];
    let mut stamp_len = i;
    if let Some(message) = bad_zone(zone) {
        let word = zone
            .find(|c: char| c.is_whitespace() || "—–".contains(c))
            .unwrap_or(zone.len());
        return fail(zone_at + word, message);
    } else if zone.starts_with("UTC") && !zone[3..].starts_with(|c: char| c.is_alphanumeric()) {
        stamp_len = zone_at + 3;
    } else if zone.starts_with('Z') && !zone[1..].starts_with(|c: char| c.is_alphanumeric()) {
        stamp_len = zone_at + 1;
    } else if zone.len() >= 6
        && matches!(zone.as_bytes()[0], b'+' | b'-')
        && digits(zone, 1, 2).is_some()
        && zone.as_bytes()[3] == b':'
        && digits(zone, 4, 2).is_some()
    {
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let seconds =
            sign * (digits(zone, 1, 2).unwrap() * 3600 + digits(zone, 4, 2).unwrap() * 60) as i32;
        match Offset::from_seconds(seconds) {
            Ok(o) => offset = o,
            Err(_) => return fail(zone_at + 6, "the UTC offset is out of range".into()),
        }
        stamp_len = zone_at + 6;
    }
    // The separator.
    let after = &s[stamp_len..];
    let sep_at = stamp_len + after.len() - after.trim_start_matches([' ', '\t']).len();
    let rest = &s[sep_at..];
    let sep_len = ["—", "–", "-", ":"]
        .iter()
        .find(|sep| rest.starts_with(**sep))
        .map(|sep| sep.len());
    let Some(sep_len) = sep_len else {
        return fail(
            stamp_len,
            "expected a separator (`—`, `–`, `-` or `:`) after the timestamp".into(),
        );
    };
    let end = sep_at + sep_len;
    let end = end + s[end..].len() - s[end..].trim_start_matches([' ', '\t']).len();
    Ok(Some(Stamp {
        date,
        time,
        offset,
        len: end,
        stamp_len,
    }))
}

/// Something after the time that is meant as a zone but is not one of
/// `UTC`, `Z` or `±HH:MM`: `-0500`, `+2`, `UTC+2`, `PST`.
fn bad_zone(zone: &str) -> Option<String> {
    let bytes = zone.as_bytes();
    let well_formed = zone.len() >= 6
        && matches!(bytes[0], b'+' | b'-')
        && digits(zone, 1, 2).is_some()
        && bytes[3] == b':'
        && digits(zone, 4, 2).is_some();
    if well_formed {
        return None;
    }
    let signed_digits =
        matches!(bytes.first(), Some(b'+' | b'-')) && bytes.get(1).is_some_and(u8::is_ascii_digit);
    if signed_digits || (zone.starts_with("UTC") && matches!(bytes.get(3), Some(b'+' | b'-'))) {
        return Some("write the UTC offset as `+HH:MM` or `-HH:MM`, e.g. `-05:00`".into());
    }
    let word_len = zone.bytes().take_while(u8::is_ascii_uppercase).count();
    let after = zone[word_len..].trim_start_matches([' ', '\t']);
    let then_separator = ["—", "–", "-", ":"]
        .iter()
        .any(|sep| after.starts_with(sep));
    if (2..=5).contains(&word_len) && then_separator && &zone[..word_len] != "UTC" {
        return Some(format!(
            "unknown time zone `{}`: write `UTC`, `Z` or an offset like `-08:00`",
            &zone[..word_len]
        ));
    }
    None
}

fn timeline_item(
    source: &Arc<Source>,
    range: Span,
    carried_date: &mut Option<Date>,
    diagnostics: &mut Vec<Diagnostic>,
) -> TimelineEvent {
    let line = source.line_span(source.line_index(range.start));
    let first_line = range.start..line.end.min(range.end).max(range.start);
    let item = &source.text[first_line.clone()];
    let (marker, rest) = strip_marker(item);
    let at_offset = first_line.start + marker;
    let whole_item = source.text[range.clone()].trim_end();
    let text_after = |skip: usize| {
        let start = (marker + skip).min(whole_item.len());
        collapse_whitespace(&whole_item[start..])
    };
    match read_stamp(rest) {
        Ok(Some(stamp)) => {
            if let Some(d) = stamp.date {
                *carried_date = Some(d);
            }
            let at = carried_date.and_then(|d| {
                let timestamp = stamp
                    .offset
                    .to_timestamp(DateTime::from_parts(d, stamp.time))
                    .ok()?;
                Some(Instant {
                    timestamp,
                    offset: stamp.offset,
                })
            });
            TimelineEvent {
                span: first_line,
                stamp: Some(at_offset..at_offset + stamp.stamp_len),
                at,
                text: text_after(stamp.len),
            }
        }
        Ok(None) => TimelineEvent {
            span: first_line,
            stamp: None,
            at: None,
            text: text_after(0),
        },
        Err(err) => {
            let end = (at_offset + err.len.max(1)).min(first_line.end);
            diagnostics.push(
                Diagnostic::error(
                    Rule::InvalidTimestamp,
                    "cannot read this timeline timestamp",
                )
                .at(source, at_offset..end.max(at_offset))
                .label(err.message)
                .help(
                    "write `YYYY-MM-DD HH:MM UTC — event`, or `HH:MM — event` to keep the \
                         date of the item before",
                ),
            );
            TimelineEvent {
                span: first_line,
                stamp: Some(at_offset..end),
                at: None,
                text: text_after(0),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(s: &str) -> Stamp {
        read_stamp(s).unwrap().unwrap()
    }

    #[test]
    fn reads_both_stamp_forms() {
        let s = stamp("2025-03-14 09:12 UTC — Deploy");
        assert_eq!(s.date, Date::new(2025, 3, 14).ok());
        assert_eq!(s.time, Time::new(9, 12, 0, 0).unwrap());
        assert_eq!(&"2025-03-14 09:12 UTC — Deploy"[s.len..], "Deploy");
        let s = stamp("09:19:30 - Alert");
        assert_eq!(s.date, None);
        assert_eq!(s.time, Time::new(9, 19, 30, 0).unwrap());
        let s = stamp("2025-03-14 23:50 +02:00: late");
        assert_eq!(s.offset, Offset::from_hours(2).unwrap());
        assert_eq!(stamp("9:05 Z – x").offset, Offset::UTC);
    }

    #[test]
    fn tells_apart_no_stamp_and_bad_stamp() {
        assert_eq!(read_stamp("Deploy starts").unwrap(), None);
        assert_eq!(read_stamp("3 pods restarted").unwrap(), None);
        assert!(read_stamp("2025-02-30 10:00 — x").is_err());
        assert!(read_stamp("25:10 — x").is_err());
        assert!(read_stamp("09:12 Deploy").is_err());
        assert!(read_stamp("09:31 -0500 — x").is_err());
        assert!(
            read_stamp("09:31 UTC+2 — x")
                .unwrap_err()
                .message
                .contains("+HH:MM")
        );
        assert!(read_stamp("09:31 +02:00 — x").is_ok());
        assert!(read_stamp("09:31 PST — x").is_err());
        assert!(read_stamp("2025-03-14T09:31Z — x").is_err());
    }

    #[test]
    fn a_colon_after_the_time_is_the_separator() {
        let s = stamp("09:31: Pager fires");
        assert_eq!(s.time, Time::new(9, 31, 0, 0).unwrap());
        assert_eq!(&"09:31: Pager fires"[s.len..], "Pager fires");
        assert_eq!(stamp("09:31:05: x").time, Time::new(9, 31, 5, 0).unwrap());
    }

    #[test]
    fn strips_list_markers() {
        assert_eq!(strip_marker("- x").1, "x");
        assert_eq!(strip_marker("12. x").1, "x");
        assert_eq!(strip_marker("* [ ] x").1, "x");
    }
}
