//! The metrics dashboard (`metrics/`): charts of every quarter, the
//! figures of all time, and durations by severity.

use serde::Serialize;

use crate::analysis::metrics::{AGING_BUCKETS, response_minutes};
use crate::render::svg;
use crate::site::context::Site;
use crate::site::job::{Job, Target};
use crate::site::learning::{
    self, DurationsView, PeriodView, QuarterRow, RESPONSE_TIMES, SpreadRow, minutes_text,
};
use crate::site::views;

pub fn plan<'s>(site: &'s Site<'_>, jobs: &mut Vec<Job<'s>>) {
    jobs.push(Job::page("metrics", "metrics/".into(), move |target| {
        render(site, target)
    }));
}

fn render(site: &Site<'_>, target: &Target) -> anyhow::Result<Vec<u8>> {
    let kb = site.kb;
    // The charts and their tables show the latest quarters only: a
    // knowledge base with decades of history (or one incident from long
    // ago) would draw hundreds of quarters, most of them empty, too narrow
    // to read. The quarters page lists every quarter with incidents.
    let all = site.metrics.quarters.len();
    let window = all.saturating_sub(kb.config.site.chart_quarters)..all;
    let quarters = &site.metrics.quarters[window.clone()];
    let labels: Vec<String> = quarters.iter().map(|(q, _)| q.to_string()).collect();
    let severities = &kb.config.template.severities;
    let by_severity: Vec<svg::Series> = severities
        .iter()
        .enumerate()
        .map(|(rank, name)| svg::Series {
            name: name.clone(),
            class: format!("sev-{rank}"),
            values: quarters
                .iter()
                .map(|(_, m)| Some(m.by_severity[rank] as f64))
                .collect(),
        })
        .collect();
    let ttm = [svg::Series {
        name: "Median time to mitigate".into(),
        class: "series-0".into(),
        values: quarters
            .iter()
            .map(|(_, m)| m.durations.mitigate.median)
            .collect(),
    }];
    let recurrence = [svg::Series {
        name: "Recurrence rate".into(),
        class: "series-1".into(),
        values: quarters
            .iter()
            .map(|(_, m)| m.recurrence.rate.map(|r| r * 100.0))
            .collect(),
    }];
    let aging = &site.metrics.overall.action_items.aging;
    #[derive(Serialize)]
    struct Chart {
        id: &'static str,
        title: &'static str,
        /// The SVG and the width it was drawn for.
        #[serde(flatten)]
        drawing: views::Drawing,
    }
    let charts = vec![
        Chart {
            id: "incidents-by-quarter",
            title: "Incidents per quarter, by severity",
            drawing: views::Drawing::new(svg::stacked_bars(
                "incidents-by-quarter",
                "Incidents per quarter, by severity",
                &labels,
                &by_severity,
                "Quarter",
                "Incidents",
            )),
        },
        Chart {
            id: "time-to-mitigate",
            title: "Median time to mitigate, per quarter",
            drawing: views::Drawing::new(svg::line_chart(
                "time-to-mitigate",
                "Median time to mitigate, per quarter",
                &labels,
                &ttm,
                "Quarter",
                "Minutes",
                &minutes_text,
            )),
        },
        Chart {
            id: "recurrence-rate",
            title: "Recurrence rate, per quarter",
            drawing: views::Drawing::new(svg::line_chart(
                "recurrence-rate",
                "Recurrence rate, per quarter",
                &labels,
                &recurrence,
                "Quarter",
                "% of incidents",
                &|v| format!("{v:.0}%"),
            )),
        },
        Chart {
            id: "action-item-aging",
            title: "Open action items by age",
            drawing: views::Drawing::new(svg::bar_chart(
                "action-item-aging",
                "Open action items by age",
                &AGING_BUCKETS.map(String::from),
                &aging.map(|n| n as f64),
                "Age since the incident",
                "Open items",
            )),
        },
    ];
    let mut rows = learning::quarter_rows(site);
    rows.drain(..window.start);
    let strips = strip_charts(site, window.clone(), &labels, &rows);
    #[derive(Serialize)]
    struct Data {
        charts: Vec<Chart>,
        /// Every incident's response times, per quarter.
        strips: Vec<StripChart>,
        quarters: Vec<QuarterRow>,
        /// How many quarters there are in all, when the charts leave the
        /// older ones out (else null).
        left_out: Option<String>,
        quarters_url: String,
        overall: PeriodView,
        by_severity: Vec<(String, DurationsView)>,
        metrics_url: String,
    }
    let data = Data {
        charts,
        strips,
        quarters: rows,
        left_out: (window.start > 0).then(|| crate::text::thousands(window.start as u64)),
        quarters_url: site.urls.page("quarters/"),
        overall: learning::period_view(site, &site.metrics.overall, None),
        by_severity: severities
            .iter()
            .zip(&site.metrics.overall.durations_by_severity)
            .map(|(name, d)| (name.clone(), d.into()))
            .collect(),
        metrics_url: site.urls.page("metrics.json"),
    };
    let page = site.page(target, "Reliability metrics", None);
    site.render("metrics.html", page, data)
}

/// A strip chart of one response time and its table.
#[derive(Serialize)]
struct StripChart {
    id: String,
    title: String,
    #[serde(flatten)]
    drawing: views::Drawing,
    rows: Vec<SpreadRow>,
}

/// Time to detect, mitigate and resolve of every incident, a band per
/// quarter (the quarters of the other charts). The dots are the incidents
/// the quarter's figures summarise, drafts included, so the median marked
/// is the median printed.
fn strip_charts(
    site: &Site<'_>,
    window: std::ops::Range<usize>,
    labels: &[String],
    rows: &[QuarterRow],
) -> Vec<StripChart> {
    let per_quarter: Vec<[Vec<f64>; 3]> = site.metrics.members[window.clone()]
        .iter()
        .map(|set| response_minutes(site.kb, set))
        .collect();
    RESPONSE_TIMES
        .iter()
        .enumerate()
        .map(|(k, (key, name))| {
            let id = format!("spread-{key}");
            let title = format!("{name}, every incident, per quarter");
            let values: Vec<Vec<f64>> = per_quarter.iter().map(|v| v[k].clone()).collect();
            let rows = rows
                .iter()
                .zip(&site.metrics.quarters[window.clone()])
                .zip(&values)
                .map(|((row, (_, m)), v)| {
                    let d = &m.durations;
                    let summary = [&d.detect, &d.mitigate, &d.resolve][k];
                    SpreadRow::new(row.title.clone(), row.url.clone(), v, summary)
                })
                .collect();
            StripChart {
                drawing: views::Drawing::new(svg::strip_chart(
                    &id,
                    &title,
                    labels,
                    &values,
                    name,
                    &minutes_text,
                )),
                id,
                title,
                rows,
            }
        })
        .collect()
}
