//! The figures of the learning pages (the home page's headline, quarters,
//! the dashboard) as templates read them. Numbers come from
//! [`crate::analysis::metrics`]; this module only shapes them for reading.

use serde::Serialize;

use super::context::Site;
use super::views::paths;
use crate::analysis::metrics::{
    AGING_BUCKETS, Durations, ItemMetrics, PeriodMetrics, Quarter, Ratio, Summary,
};
use crate::text;

/// The folder of quarter `q`'s page.
pub fn quarter_path(q: Quarter) -> String {
    format!("quarters/{}/", q.slug())
}

/// A duration summary formatted for reading.
#[derive(Serialize)]
pub struct DurationView {
    pub count: usize,
    pub missing: usize,
    pub median: Option<String>,
    pub mean: Option<String>,
    pub median_minutes: Option<f64>,
    pub mean_minutes: Option<f64>,
}

/// A median or mean of minutes, to the minute, as every duration is written.
pub fn minutes_text(m: f64) -> String {
    text::duration(m.round() as i64)
}

impl From<&Summary> for DurationView {
    fn from(s: &Summary) -> Self {
        DurationView {
            count: s.count,
            missing: s.missing,
            median: s.median.map(minutes_text),
            mean: s.mean.map(minutes_text),
            median_minutes: s.median,
            mean_minutes: s.mean,
        }
    }
}

#[derive(Serialize)]
pub struct DurationsView {
    pub detect: DurationView,
    pub mitigate: DurationView,
    pub resolve: DurationView,
}

impl From<&Durations> for DurationsView {
    fn from(d: &Durations) -> Self {
        DurationsView {
            detect: (&d.detect).into(),
            mitigate: (&d.mitigate).into(),
            resolve: (&d.resolve).into(),
        }
    }
}

/// A ratio with its percentage as text (`33%`, or `—`).
#[derive(Serialize)]
pub struct RatioView {
    pub numerator: usize,
    pub denominator: usize,
    pub rate: Option<f64>,
    pub percent: String,
}

impl From<&Ratio> for RatioView {
    fn from(r: &Ratio) -> Self {
        RatioView {
            numerator: r.numerator,
            denominator: r.denominator,
            rate: r.rate,
            percent: text::percent(r.rate),
        }
    }
}

#[derive(Serialize)]
pub struct SeverityCount {
    pub name: String,
    pub rank: usize,
    pub url: String,
    pub count: usize,
    /// Against the previous quarter: `+2`, `-1`, `0`.
    pub change: Option<String>,
}

impl From<&Summary> for DurationDays {
    fn from(s: &Summary) -> Self {
        DurationDays {
            count: s.count,
            missing: s.missing,
            mean: s.mean.map(text::days),
            median: s.median.map(text::days),
        }
    }
}

fn change(now: usize, before: Option<usize>) -> Option<String> {
    before.map(|b| {
        let d = now as i64 - b as i64;
        if d > 0 {
            format!("+{d}")
        } else {
            d.to_string()
        }
    })
}

/// The figures of one period, for templates.
#[derive(Serialize)]
pub struct PeriodView {
    pub incidents: usize,
    /// Of those, drafts (see [`PeriodMetrics::drafts`]).
    pub drafts: usize,
    pub incidents_change: Option<String>,
    pub by_severity: Vec<SeverityCount>,
    pub durations: DurationsView,
    pub action_items: ItemMetrics,
    /// `action_items.completion` with its percentage.
    pub items_done: RatioView,
    /// Open items by age, `{label, count}`.
    pub aging: Vec<Bucket>,
    pub recurrence: RatioView,
    pub time_to_rca: DurationDays,
    /// From git: see [`PeriodMetrics::time_to_first_draft`].
    pub time_to_first_draft: DurationDays,
    /// `published`, or git's first `final` commit.
    pub time_to_publish: DurationDays,
    pub completion: RatioView,
}

/// A quarter in a table: its name, its page (when it has incidents) and figures.
#[derive(Serialize)]
pub struct QuarterRow {
    pub title: String,
    pub url: Option<String>,
    pub figures: PeriodView,
}

/// A labelled count.
#[derive(Serialize)]
pub struct Bucket {
    pub label: String,
    pub count: usize,
}

/// Time to RCA in days.
#[derive(Serialize)]
pub struct DurationDays {
    pub count: usize,
    pub missing: usize,
    pub mean: Option<String>,
    pub median: Option<String>,
}

pub fn period_view(
    site: &Site<'_>,
    m: &PeriodMetrics,
    previous: Option<&PeriodMetrics>,
) -> PeriodView {
    let severities = &site.kb.config.template.severities;
    PeriodView {
        incidents: m.incidents,
        drafts: m.drafts,
        incidents_change: change(m.incidents, previous.map(|p| p.incidents)),
        by_severity: severities
            .iter()
            .enumerate()
            .map(|(rank, name)| SeverityCount {
                name: name.clone(),
                rank,
                url: site.urls.page(&paths::severity(name)),
                count: m.by_severity[rank],
                change: change(m.by_severity[rank], previous.map(|p| p.by_severity[rank])),
            })
            .collect(),
        durations: (&m.durations).into(),
        action_items: m.action_items.clone(),
        items_done: (&m.action_items.completion).into(),
        aging: AGING_BUCKETS
            .iter()
            .zip(m.action_items.aging)
            .map(|(label, count)| Bucket {
                label: label.to_string(),
                count,
            })
            .collect(),
        recurrence: (&m.recurrence).into(),
        time_to_rca: (&m.time_to_rca).into(),
        time_to_first_draft: (&m.time_to_first_draft).into(),
        time_to_publish: (&m.time_to_publish).into(),
        completion: (&m.completion).into(),
    }
}

/// Every quarter's figures, oldest first, each against the one before.
pub fn quarter_rows(site: &Site<'_>) -> Vec<QuarterRow> {
    let mut previous: Option<&PeriodMetrics> = None;
    site.metrics
        .quarters
        .iter()
        .map(|(q, m)| {
            let row = QuarterRow {
                title: q.to_string(),
                url: (m.incidents > 0).then(|| site.urls.page(&quarter_path(*q))),
                figures: period_view(site, m, previous),
            };
            previous = Some(m);
            row
        })
        .collect()
}

/// Names of the three response times, in the order
/// [`crate::analysis::metrics::response_minutes`] gives them: the key in
/// `durations` and the name a reader sees.
pub const RESPONSE_TIMES: [(&str, &str); 3] = [
    ("detect", "Time to detect"),
    ("mitigate", "Time to mitigate"),
    ("resolve", "Time to resolve"),
];

/// One group of a strip chart (a quarter, or a response time), for the
/// table beside it: how many incidents it has dots for, and their median,
/// shortest and longest.
#[derive(Serialize)]
pub struct SpreadRow {
    pub name: String,
    pub url: Option<String>,
    /// Incidents with the value (a dot each).
    pub count: usize,
    /// Incidents left out for a missing timestamp.
    pub missing: usize,
    pub median: Option<String>,
    pub shortest: Option<String>,
    pub longest: Option<String>,
}

impl SpreadRow {
    /// `values` are the minutes drawn; `summary` is what the pages print
    /// of the same incidents (its median is the one the chart marks).
    pub fn new(name: String, url: Option<String>, values: &[f64], summary: &Summary) -> SpreadRow {
        let shortest = values.iter().copied().reduce(f64::min);
        let longest = values.iter().copied().reduce(f64::max);
        SpreadRow {
            name,
            url,
            count: summary.count,
            missing: summary.missing,
            median: summary.median.map(minutes_text),
            shortest: shortest.map(minutes_text),
            longest: longest.map(minutes_text),
        }
    }
}
