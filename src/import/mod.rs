//! `hindsight import`: timeline events from the tools that recorded them
//! (PagerDuty, Opsgenie, Slack), written as FORMAT.md `## Timeline` items.
//!
//! Each source module turns its export into [`Event`]s and nothing else; the
//! rest is here, once for all of them: the `--since`/`--until` window, the
//! order, the list items (dates written only when the day changes, as the
//! content parser carries them), and merging into a post-mortem's list.
//!
//! The merge reads the file with the content parser itself
//! ([`crate::content::parse_file`]), so an item's time is the one `check`
//! reads, and an imported item written back reads as the same instant and
//! text: that is what makes a second import change nothing.

pub mod opsgenie;
pub mod pagerduty;
pub mod slack;

use std::path::Path;

use jiff::civil::Date;
use jiff::tz::Offset;
use jiff::{SignedDuration, Timestamp};
use pulldown_cmark::{Event as Md, Parser, Tag, TagEnd};

use crate::config::Config;
use crate::content::{PostMortem, body::markdown_options};
use crate::text::collapse_whitespace;

/// One thing that happened, at an instant, as the item's text (Markdown,
/// on one line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub at: Timestamp,
    pub text: String,
}

impl Event {
    /// `text` is Markdown already (see [`escape`]); runs of whitespace,
    /// newlines included, become one space, so the event stays one item.
    pub fn new(at: Timestamp, text: &str) -> Self {
        Event {
            at,
            text: collapse_whitespace(text),
        }
    }
}

/// Plain text from a tool made safe as Markdown item text: a `<` that would
/// open an HTML tag or comment is escaped, so `<script>` or `<!--` in a
/// pager note shows as written instead of vanishing into the page. Other
/// Markdown (`*bold*`, `` `code` ``) is kept: tools and people write it on
/// purpose, and it renders as they meant.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '<'
            && chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'))
        {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The `--since`/`--until` window, as half-open `[since, until)` instants.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Window {
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
}

impl Window {
    pub fn contains(&self, t: Timestamp) -> bool {
        self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t < u)
    }
}

/// Reads a window bound: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` (UTC) or an
/// RFC 3339 date-time with its offset. `end` makes the bound inclusive of
/// what it names: `--until 2025-06-02` keeps the whole day, `--until
/// "2025-06-02 14:30"` the whole minute, as a person reading a timeline
/// means them.
pub fn parse_bound(s: &str, end: bool) -> Result<Timestamp, String> {
    let s = s.trim();
    let help = "write `YYYY-MM-DD`, `YYYY-MM-DD HH:MM` (UTC) or an RFC 3339 date-time like \
                `2025-06-02T14:05:00Z`";
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(if end {
            t + SignedDuration::from_nanos(1)
        } else {
            t
        });
    }
    let (civil, step) = if s.len() == 10 {
        let d: Date = s
            .parse()
            .map_err(|_| format!("cannot read `{s}` as a date: {help}"))?;
        (d.to_datetime(jiff::civil::Time::midnight()), 86_400)
    } else {
        let dt: jiff::civil::DateTime = s
            .parse()
            .map_err(|_| format!("cannot read `{s}` as a date or time: {help}"))?;
        // `HH:MM` names a minute; with seconds, a second.
        let step = if s.len() <= 16 { 60 } else { 1 };
        (dt, step)
    };
    let t = Offset::UTC
        .to_timestamp(civil)
        .map_err(|e| format!("`{s}` is out of range: {e}"))?;
    if end {
        t.checked_add(SignedDuration::from_secs(step))
            .map_err(|e| format!("`{s}` is out of range: {e}"))
    } else {
        Ok(t)
    }
}

/// The events inside `window`, in time order; events at the same instant
/// keep the export's order (the sort is stable). Empty events are dropped:
/// an item needs text after its separator.
pub fn prepare(mut events: Vec<Event>, window: Window) -> Vec<Event> {
    events.retain(|e| window.contains(e.at) && !e.text.is_empty());
    events.sort_by_key(|e| e.at);
    events
}

/// `t` to the minute: the precision the items are written with, and so
/// the instant `check` reads back.
fn to_minute(t: Timestamp) -> Timestamp {
    let secs = t.as_second().div_euclid(60) * 60;
    Timestamp::from_second(secs).unwrap_or(t)
}

fn utc_date(t: Timestamp) -> Date {
    Offset::UTC.to_datetime(t).date()
}

/// One list item, without the marker: `2025-06-02 14:05 UTC — text` when
/// the day differs from `carried` (the date the parser would carry over),
/// else `14:05 — text`. Times are written in UTC.
fn item(e: &Event, carried: Option<Date>) -> String {
    let dt = Offset::UTC.to_datetime(e.at);
    let hm = format!("{:02}:{:02}", dt.hour(), dt.minute());
    if carried == Some(dt.date()) {
        format!("{hm} — {}", e.text)
    } else {
        format!("{} {hm} UTC — {}", dt.date(), e.text)
    }
}

/// `events` (sorted) as `- ` list items, one a line: the first with its
/// date, later ones with the date only when the day changes.
pub fn render(events: &[Event]) -> String {
    let mut out = String::new();
    let mut carried = None;
    for e in events {
        out.push_str("- ");
        out.push_str(&item(e, carried));
        out.push('\n');
        carried = Some(utc_date(e.at));
    }
    out
}

/// What [`merge`] did.
#[derive(Debug, PartialEq, Eq)]
pub struct Merged {
    /// The whole file, changed only inside the timeline list (or by the
    /// new `## Timeline` section).
    pub text: String,
    /// Items added.
    pub added: usize,
    /// Imported events already in the list (same minute, same text).
    pub present: usize,
    /// Whether a `## Timeline` section was added.
    pub new_section: bool,
}

/// An item already in the file's timeline list.
struct Old {
    /// The item's bytes, from its marker to its last non-blank byte.
    range: std::ops::Range<usize>,
    /// When it happened and the offset it was written in, as `check` reads it.
    at: Option<crate::content::Instant>,
    /// Where its timestamp starts when it is written without a date
    /// (`14:05 — ...`): a date goes there if an imported item before it
    /// changes the day it would carry over.
    short_stamp: Option<usize>,
    text: String,
}

/// Merges `events` (sorted, as [`prepare`] returns them) into the
/// `## Timeline` list of `pm`, whose text is `pm.source.text`.
///
/// - Items already in the list stay, byte for byte and in their order;
///   each imported event goes after the last item at or before its minute.
///   An item without a timestamp moves with the item before it (the ones at
///   the top stay at the top), so an imported event never lands between a
///   note and the event it explains.
/// - An imported event equal to an item in the list (the same minute and
///   the same text) is not added again: importing twice changes nothing.
/// - An existing `HH:MM` item right after an imported one gets its date
///   written out when the imported item changed the day it carries over;
///   nothing else in the list changes.
/// - Without a `## Timeline` section, one is added before the first section
///   the template orders after it (Root Cause Analysis, Lessons Learned),
///   or at the end.
pub fn merge(pm: &PostMortem, config: &Config, events: &[Event]) -> Result<Merged, String> {
    let text = pm.source.text.as_str();
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let timeline_name = config
        .template
        .required_sections
        .iter()
        .find(|n| n.eq_ignore_ascii_case("timeline"))
        .cloned()
        .unwrap_or_else(|| "Timeline".to_string());
    let is_timeline = |title: &str| {
        config
            .template
            .required_section_for(title)
            .is_some_and(|n| n.eq_ignore_ascii_case("timeline"))
            || title.eq_ignore_ascii_case("timeline")
    };
    let Some(section) = pm.body.sections.iter().find(|s| is_timeline(&s.title)) else {
        return Ok(new_section(pm, config, &timeline_name, events, nl));
    };

    // The top-level items of the section's list, with their whole extent
    // (the parser's timeline keeps only their first lines).
    let content = section.content.clone();
    let mut depth = 0usize;
    let mut lists = 0;
    let mut ranges = Vec::new();
    for (ev, r) in Parser::new_ext(&text[content.clone()], markdown_options()).into_offset_iter() {
        match ev {
            Md::Start(Tag::List(first)) => {
                if depth == 0 {
                    lists += 1;
                    if first.is_some() {
                        return Err(format!(
                            "its {timeline_name} is a numbered list; `import` writes `-` items: \
                             make it a `-` list first"
                        ));
                    }
                }
                depth += 1;
            }
            Md::End(TagEnd::List(_)) => depth = depth.saturating_sub(1),
            Md::Start(Tag::Item) if depth == 1 => {
                let start = content.start + r.start;
                let end = start + text[start..content.start + r.end].trim_end().len();
                ranges.push(start..end);
            }
            _ => {}
        }
    }
    if lists > 1 {
        return Err(format!(
            "its {timeline_name} section has {lists} separate lists; make them one list so the \
             imported items have one place to go"
        ));
    }
    let old: Vec<Old> = ranges
        .into_iter()
        .map(|range| {
            let parsed = pm
                .body
                .timeline
                .iter()
                .find(|t| t.span.start == range.start);
            let stamp = parsed.and_then(|t| t.stamp.clone());
            let short_stamp = stamp.filter(|s| {
                // A dated stamp starts `YYYY-`; a short one with the hour.
                text[s.clone()].as_bytes().get(4) != Some(&b'-')
            });
            Old {
                at: parsed.and_then(|t| t.at),
                short_stamp: short_stamp.map(|s| s.start),
                text: parsed.map(|t| t.text.clone()).unwrap_or_default(),
                range,
            }
        })
        .collect();

    // What is new: each existing item matches at most one imported event,
    // so an export that repeats an event keeps its repeats, once.
    let mut unmatched: Vec<Option<(Timestamp, &str)>> = old
        .iter()
        .map(|o| o.at.map(|a| (a.timestamp, o.text.as_str())))
        .collect();
    let mut fresh = Vec::new();
    let mut present = 0;
    for e in events {
        let key = (to_minute(e.at), e.text.as_str());
        match unmatched.iter_mut().find(|u| **u == Some(key)) {
            Some(slot) => {
                *slot = None;
                present += 1;
            }
            None => fresh.push(Event {
                at: to_minute(e.at),
                text: e.text.clone(),
            }),
        }
    }
    if fresh.is_empty() {
        return Ok(Merged {
            text: text.to_string(),
            added: 0,
            present,
            new_section: false,
        });
    }
    if old.is_empty() {
        // A section without a list: the list goes after what is there (a
        // comment from the template, a sentence), or under the heading.
        let body = &text[content.clone()];
        let at = match body.trim_end().len() {
            0 => section.heading.end,
            n => content.start + n,
        };
        let list = lines(&fresh, None, nl, "- ");
        let mut out = String::with_capacity(text.len() + list.len() + 4);
        out.push_str(&text[..at]);
        out.push_str(nl);
        out.push_str(nl);
        out.push_str(list.trim_end());
        out.push_str(&text[at..]);
        return Ok(Merged {
            text: out,
            added: fresh.len(),
            present,
            new_section: false,
        });
    }

    // The new order: existing items as they are, each imported event
    // before the first timestamped item later than it.
    enum Slot {
        Old(usize),
        New(usize),
    }
    let mut order = Vec::with_capacity(old.len() + fresh.len());
    let mut next = 0;
    for (i, o) in old.iter().enumerate() {
        if let Some(at) = o.at {
            while next < fresh.len() && fresh[next].at < at.timestamp {
                order.push(Slot::New(next));
                next += 1;
            }
        }
        order.push(Slot::Old(i));
    }
    order.extend((next..fresh.len()).map(Slot::New));

    // The list's own spelling for new items: its marker, its indentation,
    // and a blank line between items if it has them.
    let first = old[0].range.start;
    let line_start = text[..first].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..first];
    let marker = match text.as_bytes()[first] {
        b'-' => "-",
        b'*' => "*",
        b'+' => "+",
        _ => {
            return Err(format!(
                "cannot find where its {timeline_name} list's items start"
            ));
        }
    };
    if !indent.trim().is_empty() {
        // `> - item`: a list inside a quote, where new lines would need
        // the quote's prefix too.
        return Err(format!(
            "its {timeline_name} list is inside a quote or another block; make it a plain list"
        ));
    }
    let loose = old
        .windows(2)
        .any(|w| text[w[0].range.end..w[1].range.start].matches('\n').count() > 1);
    let gap = if loose {
        format!("{nl}{nl}{indent}")
    } else {
        format!("{nl}{indent}")
    };

    let mut list = String::new();
    let mut carried = Some(pm.date.value);
    let mut previous: Option<&Slot> = None;
    for slot in &order {
        match (previous, slot) {
            (None, _) => {}
            (Some(Slot::Old(a)), Slot::Old(b)) if *a + 1 == *b => {
                list.push_str(&text[old[*a].range.end..old[*b].range.start])
            }
            _ => list.push_str(&gap),
        }
        match *slot {
            Slot::Old(i) => {
                let o = &old[i];
                let own = o.at.map(|a| a.offset.to_datetime(a.timestamp).date());
                match (o.short_stamp, own) {
                    (Some(s), Some(day)) if carried != Some(day) => {
                        list.push_str(&text[o.range.start..s]);
                        list.push_str(&format!("{day} "));
                        list.push_str(&text[s..o.range.end]);
                    }
                    _ => list.push_str(&text[o.range.clone()]),
                }
                if own.is_some() {
                    carried = own;
                }
            }
            Slot::New(j) => {
                let e = &fresh[j];
                // The first item of the list says its date, whatever the
                // front matter's: it is where a reader starts.
                let from = if previous.is_some() { carried } else { None };
                list.push_str(marker);
                list.push(' ');
                list.push_str(&item(e, from));
                carried = Some(utc_date(e.at));
            }
        }
        previous = Some(slot);
    }
    let start = old[0].range.start;
    let end = old[old.len() - 1].range.end;
    Ok(Merged {
        text: format!("{}{list}{}", &text[..start], &text[end..]),
        added: fresh.len(),
        present,
        new_section: false,
    })
}

/// `events` as list items joined by `nl`, each line ending in `nl`.
fn lines(events: &[Event], mut carried: Option<Date>, nl: &str, marker: &str) -> String {
    let mut out = String::new();
    for e in events {
        out.push_str(marker);
        out.push_str(&item(e, carried));
        out.push_str(nl);
        carried = Some(utc_date(e.at));
    }
    out
}

/// The file with a `## Timeline` section holding `events`, placed where the
/// template orders it: before the first section that comes after it, or at
/// the end.
fn new_section(pm: &PostMortem, config: &Config, name: &str, events: &[Event], nl: &str) -> Merged {
    let text = pm.source.text.as_str();
    let events: Vec<Event> = events
        .iter()
        .map(|e| Event {
            at: to_minute(e.at),
            text: e.text.clone(),
        })
        .collect();
    if events.is_empty() {
        return Merged {
            text: text.to_string(),
            added: 0,
            present: 0,
            new_section: false,
        };
    }
    let list = lines(&events, None, nl, "- ");
    let required = &config.template.required_sections;
    let rank = |title: &str| {
        config
            .template
            .required_section_for(title)
            .and_then(|n| required.iter().position(|r| r == n))
    };
    let own = required.iter().position(|r| r == name);
    let before = own.and_then(|own| {
        pm.body
            .sections
            .iter()
            .find(|s| rank(&s.title).is_some_and(|r| r > own))
    });
    let out = match before {
        Some(s) => {
            let at = text[..s.heading.start].rfind('\n').map_or(0, |i| i + 1);
            format!("{}## {name}{nl}{nl}{list}{nl}{}", &text[..at], &text[at..])
        }
        None => {
            let mut out = text.to_string();
            if !out.is_empty() && !out.ends_with('\n') {
                out.push_str(nl);
            }
            if !out.is_empty() && !out.ends_with(&format!("{nl}{nl}")) {
                out.push_str(nl);
            }
            out.push_str(&format!("## {name}{nl}{nl}{list}"));
            out
        }
    };
    Merged {
        text: out,
        added: events.len(),
        present: 0,
        new_section: true,
    }
}

/// Reads `path` as JSON. A syntax error names the file, line and column.
pub fn read_json(path: &Path) -> anyhow::Result<serde_json::Value> {
    let bytes =
        std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    parse_json(path, &bytes)
}

/// [`read_json`] for bytes already read.
pub fn parse_json(path: &Path, bytes: &[u8]) -> anyhow::Result<serde_json::Value> {
    serde_json::from_slice(bytes).map_err(|e| {
        // serde_json's message ends with " at line L column C"; the
        // location goes first here, where editors and people look for it.
        let message = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = message.strip_suffix(&suffix).unwrap_or(&message);
        anyhow::anyhow!(
            "{}:{}:{}: not valid JSON (line {}, column {}): {message}",
            path.display(),
            e.line(),
            e.column(),
            e.line(),
            e.column()
        )
    })
}

/// The string at `path` inside `v` (`["agent", "summary"]`), if it is one
/// and not blank.
pub(crate) fn str_at<'a>(v: &'a serde_json::Value, path: &[&str]) -> Option<&'a str> {
    let mut v = v;
    for key in path {
        v = v.get(key)?;
    }
    v.as_str().map(str::trim).filter(|s| !s.is_empty())
}

/// What a JSON value is, for "expected ..., found ..." messages.
pub(crate) fn describe(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => "null".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Number(_) => "a number".into(),
        Value::String(_) => "a string".into(),
        Value::Array(a) => format!("an array of {} values", a.len()),
        Value::Object(o) if o.is_empty() => "an empty object".into(),
        Value::Object(o) => format!(
            "an object with the keys {}",
            o.keys()
                .take(6)
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A hint when a file of one tool's shape is given to another importer.
pub(crate) fn which_tool(v: &serde_json::Value) -> Option<&'static str> {
    let obj = v.as_object()?;
    if obj.contains_key("log_entries") {
        Some("it looks like PagerDuty log entries: try `hindsight import pagerduty`")
    } else if obj.contains_key("data")
        && (obj.contains_key("took") || obj.contains_key("requestId"))
    {
        Some("it looks like an Opsgenie API response: try `hindsight import opsgenie`")
    } else {
        None
    }
}

/// Reads an RFC 3339 time from a tool's field.
pub(crate) fn timestamp(s: &str) -> Option<Timestamp> {
    s.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn bounds_read_dates_minutes_and_rfc3339() {
        assert_eq!(
            parse_bound("2025-06-02", false),
            Ok(t("2025-06-02T00:00:00Z"))
        );
        assert_eq!(
            parse_bound("2025-06-02", true),
            Ok(t("2025-06-03T00:00:00Z"))
        );
        assert_eq!(
            parse_bound("2025-06-02 14:05", true),
            Ok(t("2025-06-02T14:06:00Z"))
        );
        assert_eq!(
            parse_bound("2025-06-02T16:05:00+02:00", false),
            Ok(t("2025-06-02T14:05:00Z"))
        );
        assert!(parse_bound("June 2", false).is_err());
        assert!(parse_bound("2025-13-02", false).is_err());
    }

    #[test]
    fn items_write_the_date_when_the_day_changes() {
        let events = vec![
            Event::new(t("2025-06-02T23:50:10Z"), "a"),
            Event::new(t("2025-06-02T23:55:00Z"), "b\n  c"),
            Event::new(t("2025-06-03T00:05:00Z"), "d"),
        ];
        assert_eq!(
            render(&events),
            "- 2025-06-02 23:50 UTC — a\n- 23:55 — b c\n- 2025-06-03 00:05 UTC — d\n"
        );
    }

    #[test]
    fn the_window_and_order() {
        let events = vec![
            Event::new(t("2025-06-02T10:00:00Z"), "late"),
            Event::new(t("2025-06-02T09:00:00Z"), "first"),
            Event::new(t("2025-06-02T09:00:00Z"), "second"),
            Event::new(t("2025-06-01T09:00:00Z"), "out"),
            Event::new(t("2025-06-02T09:30:00Z"), "  "),
        ];
        let w = Window {
            since: Some(t("2025-06-02T00:00:00Z")),
            until: None,
        };
        let texts: Vec<String> = prepare(events, w).into_iter().map(|e| e.text).collect();
        assert_eq!(texts, ["first", "second", "late"]);
    }

    fn merged(list: &str, events: &[Event]) -> String {
        let head = "+++\ntitle = \"T\"\ndate = 2025-06-02\nseverity = \"SEV-3\"\n\
                    status = \"draft\"\nservices = [\"a\"]\n+++\n\n## Timeline\n\n";
        let text = format!("{head}{list}## Lessons Learned\n");
        let config = Config::default();
        let (pm, _) = crate::content::parse_file(
            "x.md".into(),
            Path::new("x.md"),
            text.clone().into_bytes(),
            &config,
        );
        let out = merge(&pm.unwrap(), &config, events).unwrap().text;
        let rest = out.strip_prefix(head).expect("the head is unchanged");
        rest.strip_suffix("## Lessons Learned\n")
            .expect("the tail is unchanged")
            .to_string()
    }

    #[test]
    fn a_short_item_after_an_imported_day_gets_its_date() {
        let events = [Event::new(t("2025-06-01T23:00:00Z"), "Alert")];
        assert_eq!(
            merged("- 09:00 — Deploy.\n- 09:30 — Rollback.\n\n", &events),
            "- 2025-06-01 23:00 UTC — Alert\n- 2025-06-02 09:00 — Deploy.\n- 09:30 — Rollback.\n\n"
        );
    }

    #[test]
    fn a_loose_list_stays_loose_and_crlf_stays_crlf() {
        let events = [Event::new(t("2025-06-02T09:10:00Z"), "x")];
        assert_eq!(
            merged("- 2025-06-02 09:00 UTC — a\n\n- 09:30 — b\n\n", &events),
            "- 2025-06-02 09:00 UTC — a\n\n- 09:10 — x\n\n- 09:30 — b\n\n"
        );
        assert_eq!(
            merged("* 2025-06-02 09:00 UTC — a\r\n* 09:30 — b\r\n\r\n", &events),
            "* 2025-06-02 09:00 UTC — a\r\n* 09:10 — x\r\n* 09:30 — b\r\n\r\n"
        );
    }

    #[test]
    fn two_lists_or_a_numbered_one_are_refused() {
        let events = [Event::new(t("2025-06-02T09:10:00Z"), "x")];
        for list in [
            "1. 09:00 — a\n\n",
            "- 09:00 — a\n\nThen:\n\n- 09:30 — b\n\n",
        ] {
            let head = "+++\ntitle = \"T\"\ndate = 2025-06-02\nseverity = \"SEV-3\"\n\
                        status = \"draft\"\nservices = [\"a\"]\n+++\n\n## Timeline\n\n";
            let config = Config::default();
            let (pm, _) = crate::content::parse_file(
                "x.md".into(),
                Path::new("x.md"),
                format!("{head}{list}").into_bytes(),
                &config,
            );
            assert!(merge(&pm.unwrap(), &config, &events).is_err(), "{list}");
        }
    }

    #[test]
    fn html_starts_are_escaped() {
        assert_eq!(escape("a <b> < 3 <!-- x"), "a \\<b> < 3 \\<!-- x");
    }
}
