//! Property tests for the timeline: no item makes the parser panic, every
//! well-formed stamp reads back as the instant it was written from, and
//! `timeline-order` fires exactly when two events are out of order.
//!
//! The stamp reader is private, so everything goes through
//! `content::parse_file` and `validate::validate`, as `check` does.

use std::path::{Path, PathBuf};

use hindsight::config::Config;
use hindsight::content::{self, Instant, KnowledgeBase, PostMortem};
use hindsight::diag::{Diagnostic, Rule, render};
use hindsight::validate;
use jiff::civil::Date;
use jiff::tz::Offset;
use jiff::{Span, Timestamp};
use proptest::prelude::*;
use proptest::sample::select;

/// Front matter with every required field, `date` and the timeline left to
/// fill in.
fn document(date: Date, timeline: &str) -> String {
    format!(
        "+++
title = \"Checkout API returned 503s while the orders-db pool was exhausted\"
date = {date}
severity = \"SEV-2\"
status = \"draft\"
services = [\"checkout-api\"]
+++

## Summary

Checkout failed.

## Timeline

{timeline}
## Root Cause Analysis

The pool ran out.
"
    )
}

fn parse(text: &str) -> (Option<PostMortem>, Vec<Diagnostic>) {
    content::parse_file(
        PathBuf::from("kb/postmortems/props.md"),
        Path::new("postmortems/props.md"),
        text.as_bytes().to_vec(),
        &Config::default(),
    )
}

/// Parses and validates `text`, and renders every diagnostic (which slices
/// the source at their spans): the whole path of `hindsight check`.
fn check(text: &str) -> (Option<PostMortem>, Vec<Diagnostic>) {
    let config = Config::default();
    let (pm, mut diagnostics) = parse(text);
    let kb = KnowledgeBase {
        root: PathBuf::from("kb"),
        content_dir: PathBuf::from("kb/postmortems"),
        config,
        catalogue: Some(Default::default()),
        postmortems: pm.clone().into_iter().map(std::sync::Arc::new).collect(),
        unloaded: Vec::new(),
        files: 1,
    };
    diagnostics.extend(validate::validate(&kb));
    for d in &diagnostics {
        let _ = render::human(d, false);
    }
    (pm, diagnostics)
}

fn count(diagnostics: &[Diagnostic], rule: Rule) -> usize {
    diagnostics.iter().filter(|d| d.rule == rule).count()
}

// (a) Nothing panics.

/// Characters that matter to the stamp reader and to Markdown, plus some
/// multi-byte ones to catch slicing inside a character.
const ALPHABET: &[char] = &[
    '0', '1', '2', '3', '5', '9', '-', ':', '+', ' ', ' ', '\t', 'U', 'T', 'C', 'Z', 'P', 'S', 'a',
    'x', '—', '–', 'é', '\u{a0}', '\u{2003}', '\u{feff}', '日', '`', '*', '>', '#', '[', ']', '\\',
    '\r', '\n',
];

fn item_text() -> impl Strategy<Value = String> {
    prop::collection::vec(select(ALPHABET), 0..40).prop_map(|cs| cs.into_iter().collect())
}

/// A stamp-shaped start: pieces of real stamps, glued at random.
fn stampish() -> impl Strategy<Value = String> {
    const PIECES: &[&str] = &[
        "2025-03-14",
        "2025-02-30",
        "9999-99-99",
        "0000-01-01",
        " ",
        "09:12",
        "9:05",
        "23:59:59",
        "25:70",
        "1:5",
        ":",
        ":30",
        " UTC",
        " Z",
        " +02:00",
        " -05:30",
        " +99:99",
        " -0500",
        " UTC+2",
        " PST",
        " —",
        " –",
        " -",
        "—",
        " é",
        "T",
        " x",
    ];
    prop::collection::vec(select(PIECES), 0..8).prop_map(|ps| ps.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn no_timeline_item_panics(
        items in prop::collection::vec((stampish(), item_text()), 0..8),
        dated in any::<bool>(),
    ) {
        let mut timeline = String::new();
        for (stamp, text) in &items {
            timeline.push_str("- ");
            timeline.push_str(stamp);
            timeline.push_str(text);
            timeline.push('\n');
        }
        let date = if dated { Date::constant(2025, 3, 14) } else { Date::constant(2025, 1, 1) };
        check(&document(date, &timeline));
    }

    #[test]
    fn no_timeline_section_panics(section in any::<String>()) {
        check(&document(Date::constant(2025, 3, 14), &section));
    }
}

// (b) Well-formed stamps read back, (c) and their order is checked.

/// One generated event, and how to write it.
#[derive(Clone, Debug)]
struct Event {
    at: Timestamp,
    offset: Offset,
    /// How to write the zone when the offset is UTC: nothing, `UTC`, `Z`
    /// or `+00:00`.
    utc_style: u8,
    /// Write `HH:MM` alone when the day is the one carried over.
    short: bool,
    /// Write `:00` seconds even when they are zero.
    seconds: bool,
    /// Write `9:05` rather than `09:05`.
    one_digit_hour: bool,
    separator: &'static str,
    text: String,
}

fn offset() -> impl Strategy<Value = Offset> {
    prop_oneof![
        Just(Offset::UTC),
        (any::<bool>(), 0..=14i32, select(&[0, 15, 30, 45][..])).prop_map(|(neg, h, m)| {
            let secs = h * 3600 + m * 60;
            Offset::from_seconds(if neg { -secs } else { secs }).unwrap()
        }),
    ]
}

fn words() -> impl Strategy<Value = String> {
    const WORDS: &[&str] = &[
        "Deploy",
        "starts",
        "the",
        "migration",
        "alert",
        "pages",
        "on-call",
        "engineer",
        "error",
        "rate",
        "is",
        "back",
        "under",
        "0.5%",
        "Café",
        "naïve",
        "rollback",
        "UTC",
        "PST",
        "done.",
    ];
    prop::collection::vec(select(WORDS), 1..6).prop_map(|ws| ws.join(" "))
}

fn event() -> impl Strategy<Value = (i64, Event)> {
    (
        // Seconds after the one before: up to three days.
        1..=3 * 86_400i64,
        offset(),
        0..4u8,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        select(&["—", "–", "-", ":"][..]),
        any::<bool>(),
        words(),
    )
        .prop_map(
            |(gap, offset, utc_style, short, seconds, one_digit_hour, separator, tight, text)| {
                // Only a colon can follow the stamp with no space.
                let separator = match (separator, tight) {
                    (":", true) => ":",
                    (":", false) => " :",
                    ("—", _) => " —",
                    ("–", _) => " –",
                    _ => " -",
                };
                let event = Event {
                    at: Timestamp::UNIX_EPOCH,
                    offset,
                    utc_style,
                    short,
                    seconds,
                    one_digit_hour,
                    separator,
                    text,
                };
                (gap, event)
            },
        )
}

/// A front-matter date and events strictly increasing from its midnight UTC.
fn timeline() -> impl Strategy<Value = (Date, Vec<Event>)> {
    (
        (2000..=2090i16, 1..=12i8, 1..=28i8),
        prop::collection::vec(event(), 1..12),
    )
        .prop_map(|((y, m, d), events)| {
            let date = Date::new(y, m, d).unwrap();
            let mut at = Offset::UTC.to_timestamp(date.at(0, 0, 0, 0)).unwrap();
            let events = events
                .into_iter()
                .map(|(gap, mut event)| {
                    at = at.checked_add(Span::new().seconds(gap)).unwrap();
                    event.at = at;
                    event
                })
                .collect();
            (date, events)
        })
}

/// Writes the timeline, and the stamp of each item as it should read back.
fn write(date: Date, events: &[Event]) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut stamps = Vec::new();
    let mut carried = date;
    for e in events {
        let civil = e.offset.to_datetime(e.at);
        let t = civil.time();
        let mut stamp = String::new();
        if !(e.short && civil.date() == carried) {
            carried = civil.date();
            stamp.push_str(&format!("{} ", civil.date()));
        }
        if e.one_digit_hour {
            stamp.push_str(&format!("{}", t.hour()));
        } else {
            stamp.push_str(&format!("{:02}", t.hour()));
        }
        stamp.push_str(&format!(":{:02}", t.minute()));
        if e.seconds || t.second() != 0 {
            stamp.push_str(&format!(":{:02}", t.second()));
        }
        let secs = e.offset.seconds();
        let zone = match (secs, e.utc_style) {
            (0, 0) => String::new(),
            (0, 1) => " UTC".into(),
            (0, 2) => " Z".into(),
            _ => {
                let sign = if secs < 0 { '-' } else { '+' };
                let abs = secs.abs();
                format!(" {sign}{:02}:{:02}", abs / 3600, abs % 3600 / 60)
            }
        };
        stamp.push_str(&zone);
        out.push_str(&format!("- {stamp}{} {}\n", e.separator, e.text));
        stamps.push(stamp);
    }
    (out, stamps)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn well_formed_stamps_read_back((date, events) in timeline()) {
        let (timeline, stamps) = write(date, &events);
        let text = document(date, &timeline);
        let (pm, diagnostics) = parse(&text);
        let pm = pm.expect("the front matter is valid");
        prop_assert_eq!(count(&diagnostics, Rule::InvalidTimestamp), 0, "{}", timeline);
        prop_assert_eq!(pm.body.timeline.len(), events.len(), "{}", timeline);
        for ((read, e), stamp) in pm.body.timeline.iter().zip(&events).zip(&stamps) {
            prop_assert_eq!(
                read.at,
                Some(Instant { timestamp: e.at, offset: e.offset }),
                "{}", timeline
            );
            let span = read.stamp.clone().expect("a stamp");
            prop_assert_eq!(&pm.source.text[span], stamp.as_str());
            prop_assert_eq!(&read.text, &e.text);
        }
    }

    #[test]
    fn only_events_out_of_order_are_reported(
        (date, events) in timeline(),
        swap in any::<prop::sample::Index>(),
    ) {
        let (timeline, _) = write(date, &events);
        let (pm, diagnostics) = check(&document(date, &timeline));
        prop_assert!(pm.is_some());
        prop_assert_eq!(count(&diagnostics, Rule::TimelineOrder), 0, "{}", timeline);
        prop_assert_eq!(count(&diagnostics, Rule::TimelineNoTimestamp), 0, "{}", timeline);

        if events.len() >= 2 {
            let k = swap.index(events.len() - 1);
            let mut swapped = events.clone();
            swapped.swap(k, k + 1);
            let (timeline, _) = write(date, &swapped);
            let (_, diagnostics) = check(&document(date, &timeline));
            prop_assert_eq!(count(&diagnostics, Rule::TimelineOrder), 1, "{}", timeline);
        }
    }
}
