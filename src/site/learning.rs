//! The learning pages: quarterly summaries, the metrics dashboard, the
//! action-items page, and the `metrics.json` / `action-items.csv|json`
//! exports. Numbers come from [`crate::analysis::metrics`]; this module only
//! shapes them for templates and files.

use std::borrow::Cow;

use serde::Serialize;

use super::Renderer;
use super::views::{self, IncidentLink, IncidentRef, Link, paths};
use crate::analysis::metrics::{
    self, AGING_BUCKETS, Durations, ItemMetrics, PeriodMetrics, Quarter, Ratio, Summary,
};
use crate::render::svg;

/// A learning page or export.
pub enum Job {
    /// Index into `Metrics::quarters`.
    Quarter(usize),
    Quarters,
    Dashboard,
    MetricsJson,
    ActionItems,
    ActionItemsCsv,
    ActionItemsJson,
}

impl Job {
    /// What kind of output the job writes, for `HINDSIGHT_TIMINGS`.
    pub fn kind(&self) -> &'static str {
        match self {
            Job::Quarter(_) => "quarter",
            Job::Quarters => "quarters",
            Job::Dashboard => "metrics",
            Job::MetricsJson => "metrics.json",
            Job::ActionItems => "action items",
            Job::ActionItemsCsv => "action-items.csv",
            Job::ActionItemsJson => "action-items.json",
        }
    }
}

/// The jobs for the quarters that have incidents, and the rest.
pub fn plan(metrics: &metrics::Metrics) -> Vec<Job> {
    // Largest first.
    let mut jobs = vec![
        Job::ActionItems,
        Job::ActionItemsCsv,
        Job::ActionItemsJson,
        Job::Dashboard,
        Job::MetricsJson,
        Job::Quarters,
    ];
    jobs.extend(
        metrics
            .quarters
            .iter()
            .enumerate()
            .filter(|(_, (_, m))| m.incidents > 0)
            .map(|(i, _)| Job::Quarter(i)),
    );
    jobs
}

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

fn minutes_text(m: f64) -> String {
    views::duration(jiff::SignedDuration::from_secs((m * 60.0).round() as i64))
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

pub fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".to_string(), |r| format!("{:.0}%", r * 100.0))
}

impl From<&Ratio> for RatioView {
    fn from(r: &Ratio) -> Self {
        RatioView {
            numerator: r.numerator,
            denominator: r.denominator,
            rate: r.rate,
            percent: percent(r.rate),
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
    pub incidents_change: Option<String>,
    pub by_severity: Vec<SeverityCount>,
    pub durations: DurationsView,
    pub action_items: ItemMetrics,
    /// Open items by age, `{label, count}`.
    pub aging: Vec<Bucket>,
    pub recurrence: RatioView,
    pub time_to_rca: DurationDays,
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

fn days_text(d: f64) -> String {
    if (d - d.round()).abs() < 0.05 {
        let n = d.round() as i64;
        if n == 1 {
            "1 day".into()
        } else {
            format!("{n} days")
        }
    } else {
        format!("{d:.1} days")
    }
}

impl Renderer<'_> {
    fn period_view(&self, m: &PeriodMetrics, previous: Option<&PeriodMetrics>) -> PeriodView {
        let severities = &self.views.kb.config.template.severities;
        PeriodView {
            incidents: m.incidents,
            incidents_change: change(m.incidents, previous.map(|p| p.incidents)),
            by_severity: severities
                .iter()
                .enumerate()
                .map(|(rank, name)| SeverityCount {
                    name: name.clone(),
                    rank,
                    url: self.views.urls.page(&paths::severity(name)),
                    count: m.by_severity[rank],
                    change: change(m.by_severity[rank], previous.map(|p| p.by_severity[rank])),
                })
                .collect(),
            durations: (&m.durations).into(),
            action_items: m.action_items.clone(),
            aging: AGING_BUCKETS
                .iter()
                .zip(m.action_items.aging)
                .map(|(label, count)| Bucket {
                    label: label.to_string(),
                    count,
                })
                .collect(),
            recurrence: (&m.recurrence).into(),
            time_to_rca: DurationDays {
                count: m.time_to_rca.count,
                missing: m.time_to_rca.missing,
                mean: m.time_to_rca.mean.map(days_text),
                median: m.time_to_rca.median.map(days_text),
            },
            completion: (&m.completion).into(),
        }
    }

    /// Every quarter's figures, oldest first, each against the one before.
    fn quarter_rows(&self) -> Vec<QuarterRow> {
        let mut previous: Option<&PeriodMetrics> = None;
        self.metrics
            .quarters
            .iter()
            .map(|(q, m)| {
                let row = QuarterRow {
                    title: q.to_string(),
                    url: (m.incidents > 0).then(|| self.views.urls.page(&quarter_path(*q))),
                    figures: self.period_view(m, previous),
                };
                previous = Some(m);
                row
            })
            .collect()
    }

    /// Included incidents of a quarter, newest first.
    fn quarter_incidents(&self, q: Quarter) -> Vec<usize> {
        let pms = &self.views.kb.postmortems;
        self.views
            .analysis
            .incidents
            .iter()
            .copied()
            .filter(|&i| Quarter::of(pms[i].date.value) == q)
            .collect()
    }

    pub(super) fn learning(&self, job: &Job) -> Result<(String, Vec<u8>), String> {
        match job {
            Job::Quarter(index) => self.quarter_page(*index),
            Job::Quarters => self.quarters_page(),
            Job::Dashboard => self.dashboard(),
            Job::MetricsJson => {
                let json = serde_json::to_string(&MetricsFile::new(self))
                    .map_err(|e| format!("cannot write metrics.json: {e}"))?;
                Ok(("metrics.json".into(), (json + "\n").into_bytes()))
            }
            Job::ActionItems => self.action_items_page(),
            Job::ActionItemsCsv => Ok(("action-items.csv".into(), self.action_items_csv()?)),
            Job::ActionItemsJson => {
                let json = serde_json::to_string(&self.all_items())
                    .map_err(|e| format!("cannot write action-items.json: {e}"))?;
                Ok(("action-items.json".into(), (json + "\n").into_bytes()))
            }
        }
    }

    fn quarter_page(&self, index: usize) -> Result<(String, Vec<u8>), String> {
        let views = self.views;
        let (q, m) = &self.metrics.quarters[index];
        let previous = index.checked_sub(1).map(|p| &self.metrics.quarters[p]);
        let next = self.metrics.quarters.get(index + 1);
        let shown = self.quarter_incidents(*q);
        let all = &self.metrics.members[index];
        let quarter_link = |q: Quarter, m: &PeriodMetrics| {
            (m.incidents > 0).then(|| Link {
                name: q.to_string(),
                url: views.urls.page(&quarter_path(q)),
            })
        };
        #[derive(Serialize)]
        struct LearningView<'a> {
            cause: Link,
            /// The cause's id.
            id: String,
            score: usize,
            incidents_ever: usize,
            incidents: Vec<IncidentRef<'a>>,
            sentences: Vec<String>,
        }
        #[derive(Serialize)]
        struct QuarterView<'a> {
            slug: String,
            title: String,
            start: String,
            end: String,
            previous: Option<Link>,
            next: Option<Link>,
            incidents: Vec<&'a IncidentLink>,
            /// Drafts of the quarter that are counted in the figures but not on this site.
            drafts_not_shown: usize,
            figures: PeriodView,
            top_learnings: Vec<LearningView<'a>>,
        }
        let top = self.metrics.learnings[index].clone();
        let quarter = QuarterView {
            slug: q.slug(),
            title: q.to_string(),
            start: quarter_start(*q).to_string(),
            end: quarter_start(q.next())
                .yesterday()
                .map(|d| d.to_string())
                .unwrap_or_default(),
            previous: previous.and_then(|(pq, pm)| quarter_link(*pq, pm)),
            next: next.and_then(|(nq, nm)| quarter_link(*nq, nm)),
            incidents: views.links(&shown),
            drafts_not_shown: all.len() - shown.len(),
            figures: self.period_view(m, previous.map(|(_, pm)| pm)),
            top_learnings: top
                .into_iter()
                .map(|l| LearningView {
                    cause: Link {
                        name: views.cause_title(&l.cause),
                        url: views.urls.page(&paths::cause(&l.cause)),
                    },
                    id: l.cause.clone(),
                    score: l.score,
                    incidents_ever: l.incidents_ever,
                    incidents: l
                        .incidents
                        .iter()
                        .filter(|&&i| views.analysis.includes(i))
                        .map(|&i| views.reference(i, i))
                        .collect(),
                    sentences: l.sentences,
                })
                .collect(),
        };
        let path = quarter_path(*q);
        let page = self.page(
            "quarter",
            format!("{q}: what we learned"),
            path.clone(),
            None,
        );
        #[derive(Serialize)]
        struct Data<'a> {
            quarter: QuarterView<'a>,
        }
        self.render_template(
            "quarter.html",
            format!("{path}index.html"),
            page,
            Data { quarter },
        )
    }

    fn quarters_page(&self) -> Result<(String, Vec<u8>), String> {
        let mut rows = self.quarter_rows();
        rows.reverse();
        let page = self.page("quarters", "Quarters".into(), "quarters/".into(), None);
        #[derive(Serialize)]
        struct Data {
            quarters: Vec<QuarterRow>,
        }
        self.render_template(
            "quarters.html",
            "quarters/index.html".into(),
            page,
            Data { quarters: rows },
        )
    }

    fn dashboard(&self) -> Result<(String, Vec<u8>), String> {
        let kb = self.views.kb;
        let quarters = &self.metrics.quarters;
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
        let aging = &self.metrics.overall.action_items.aging;
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
        let rows = self.quarter_rows();
        #[derive(Serialize)]
        struct Data {
            charts: Vec<Chart>,
            quarters: Vec<QuarterRow>,
            overall: PeriodView,
            by_severity: Vec<(String, DurationsView)>,
            metrics_url: String,
        }
        let data = Data {
            charts,
            quarters: rows,
            overall: self.period_view(&self.metrics.overall, None),
            by_severity: severities
                .iter()
                .zip(&self.metrics.overall.durations_by_severity)
                .map(|(name, d)| (name.clone(), d.into()))
                .collect(),
            metrics_url: self.views.urls.page("metrics.json"),
        };
        let page = self.page(
            "metrics",
            "Reliability metrics".into(),
            "metrics/".into(),
            None,
        );
        self.render_template("metrics.html", "metrics/index.html".into(), page, data)
    }

    /// Every action item of the site's incidents.
    fn all_items(&self) -> Vec<ItemRow> {
        let views = self.views;
        let pms = &views.kb.postmortems;
        let today = views.analysis.today;
        let slo = &views.kb.config.template.action_item_slo_days;
        let mut rows = Vec::new();
        for &i in views.analysis.incidents.iter().rev() {
            let pm = &pms[i];
            for item in &pm.action_items {
                let v = views.action_item(item);
                let age = metrics::days_between(pm.date.value, today);
                let open = !item.status.is_closed();
                let slo_days = slo.get(&pm.severity.name).copied();
                rows.push(ItemRow {
                    incident: pm.id.value.clone(),
                    incident_title: pm.title.value.clone(),
                    incident_url: views.urls.page(&paths::incident(&pm.id)),
                    severity: pm.severity.name.clone(),
                    severity_rank: pm.severity.rank,
                    incident_date: pm.date.to_string(),
                    age_days: open.then_some(age),
                    slo_days,
                    past_slo: open && slo_days.is_some_and(|d| age > i64::from(d)),
                    item: v,
                });
            }
        }
        rows
    }

    fn action_items_page(&self) -> Result<(String, Vec<u8>), String> {
        let mut open: Vec<ItemRow> = self
            .all_items()
            .into_iter()
            .filter(|r| r.age_days.is_some())
            .collect();
        // Overdue first, then past SLO, then oldest.
        open.sort_by(|a, b| {
            (
                !a.item.overdue,
                !a.past_slo,
                std::cmp::Reverse(a.age_days),
                &a.incident,
                &a.item.title,
            )
                .cmp(&(
                    !b.item.overdue,
                    !b.past_slo,
                    std::cmp::Reverse(b.age_days),
                    &b.incident,
                    &b.item.title,
                ))
        });
        #[derive(Serialize)]
        struct Data {
            items: Vec<ItemRow>,
            overdue: usize,
            past_slo: usize,
            csv_url: String,
            json_url: String,
        }
        let data = Data {
            overdue: open.iter().filter(|r| r.item.overdue).count(),
            past_slo: open.iter().filter(|r| r.past_slo).count(),
            items: open,
            csv_url: self.views.urls.page("action-items.csv"),
            json_url: self.views.urls.page("action-items.json"),
        };
        let page = self.page(
            "action-items",
            "Open action items".into(),
            "action-items/".into(),
            None,
        );
        self.render_template(
            "action-items.html",
            "action-items/index.html".into(),
            page,
            data,
        )
    }

    fn action_items_csv(&self) -> Result<Vec<u8>, String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let fail = |e: csv::Error| format!("cannot write action-items.csv: {e}");
        w.write_record([
            "incident",
            "incident_title",
            "incident_date",
            "severity",
            "title",
            "owner",
            "status",
            "kind",
            "due",
            "completed",
            "overdue",
            "age_days",
            "tracker",
            "url",
        ])
        .map_err(fail)?;
        for r in self.all_items() {
            let age = r.age_days.map(|a| a.to_string()).unwrap_or_default();
            let url = self.views.urls.absolute(&paths::incident(&r.incident));
            // Every cell a person wrote, or that comes from what they wrote,
            // goes through `csv_text`; `age_days` is a number we computed
            // (negative for a future date) and stays a number.
            let cells = [
                csv_text(&r.incident),
                csv_text(&r.incident_title),
                csv_text(&r.incident_date),
                csv_text(&r.severity),
                csv_text(&r.item.title),
                csv_text(r.item.owner.as_deref().unwrap_or("")),
                csv_text(r.item.status),
                csv_text(r.item.kind.unwrap_or("")),
                csv_text(r.item.due.as_deref().unwrap_or("")),
                csv_text(r.item.completed.as_deref().unwrap_or("")),
                Cow::Borrowed(if r.item.overdue { "yes" } else { "no" }),
                Cow::Borrowed(age.as_str()),
                csv_text(r.item.tracker.as_deref().unwrap_or("")),
                csv_text(&url),
            ];
            w.write_record(cells.iter().map(|c| c.as_bytes()))
                .map_err(fail)?;
        }
        w.into_inner()
            .map_err(|e| format!("cannot write action-items.csv: {e}"))
    }
}

/// A CSV cell that a spreadsheet will not run as a formula (OWASP "CSV
/// injection"): text starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return gets a leading `'`, which spreadsheets show as text and hide.
/// An action item titled `=HYPERLINK("https://evil.example", "Fix")` would
/// otherwise become a live link, or worse, in whoever opens the export.
fn csv_text(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// One action item with its incident, for the action-items page and exports.
#[derive(Serialize)]
pub struct ItemRow {
    pub incident: String,
    pub incident_title: String,
    pub incident_url: String,
    pub incident_date: String,
    pub severity: String,
    /// 0 is the worst configured level.
    pub severity_rank: usize,
    /// Days since the incident, for open items.
    pub age_days: Option<i64>,
    /// The severity's SLO, when configured.
    pub slo_days: Option<u32>,
    /// Open and older than its SLO.
    pub past_slo: bool,
    #[serde(flatten)]
    pub item: views::ActionItemView,
}

/// `metrics.json`: every number, for other dashboards.
#[derive(Serialize)]
struct MetricsFile<'a> {
    version: u32,
    today: &'a str,
    severities: &'a [String],
    overall: &'a PeriodMetrics,
    quarters: Vec<QuarterFile<'a>>,
    incidents: &'a [metrics::IncidentMetrics],
}

#[derive(Serialize)]
struct QuarterFile<'a> {
    quarter: Quarter,
    title: String,
    #[serde(flatten)]
    metrics: &'a PeriodMetrics,
    top_learnings: &'a [metrics::Learning],
}

impl<'a> MetricsFile<'a> {
    fn new(r: &'a Renderer<'_>) -> Self {
        let kb = r.views.kb;
        MetricsFile {
            version: 1,
            today: &r.metrics.today,
            severities: &kb.config.template.severities,
            overall: &r.metrics.overall,
            quarters: r
                .metrics
                .quarters
                .iter()
                .zip(&r.metrics.learnings)
                .map(|((q, m), top)| QuarterFile {
                    quarter: *q,
                    title: q.to_string(),
                    metrics: m,
                    top_learnings: top,
                })
                .collect(),
            incidents: &r.metrics.incidents,
        }
    }
}

fn quarter_start(q: Quarter) -> jiff::civil::Date {
    jiff::civil::Date::new(q.year, (q.q as i8 - 1) * 3 + 1, 1)
        .expect("a quarter starts on a real day")
}

/// The current quarter's headline numbers, on the home page.
#[derive(Serialize)]
pub struct Headline {
    pub title: String,
    /// The quarter's page, when it has incidents.
    pub url: Option<String>,
    pub figures: PeriodView,
}

/// A past incident whose anniversary falls in the week of the build.
#[derive(Serialize)]
pub struct Anniversary<'a> {
    #[serde(flatten)]
    pub incident: &'a IncidentLink,
    pub years_ago: i16,
}

impl Renderer<'_> {
    pub(super) fn headline(&self) -> Headline {
        let today = self.views.analysis.today;
        let q = Quarter::of(today);
        let found = self.metrics.quarters.iter().position(|(mq, _)| *mq == q);
        let empty = PeriodMetrics {
            by_severity: vec![0; self.views.kb.config.template.severities.len()],
            ..PeriodMetrics::default()
        };
        let (m, previous) = match found {
            Some(i) => (
                &self.metrics.quarters[i].1,
                i.checked_sub(1).map(|p| &self.metrics.quarters[p].1),
            ),
            None => (
                &empty,
                self.metrics
                    .quarters
                    .iter()
                    .find(|(mq, _)| *mq == q.previous())
                    .map(|(_, m)| m),
            ),
        };
        Headline {
            title: q.to_string(),
            url: (m.incidents > 0).then(|| self.views.urls.page(&quarter_path(q))),
            figures: self.period_view(m, previous),
        }
    }

    /// Incidents of earlier years whose anniversary is within three days of
    /// today, so old lessons come back when the site is rebuilt (daily in CI).
    pub(super) fn on_this_day(&self) -> Vec<Anniversary<'_>> {
        let views = self.views;
        let today = views.analysis.today;
        let mut out: Vec<Anniversary> = views
            .analysis
            .incidents
            .iter()
            .filter_map(|&i| {
                let date = views.kb.postmortems[i].date.value;
                if date.year() >= today.year() {
                    return None;
                }
                // 29 February falls on the 28th in other years.
                let day = date.day().min(
                    jiff::civil::Date::new(today.year(), date.month(), 1)
                        .ok()?
                        .days_in_month(),
                );
                let anniversary = jiff::civil::Date::new(today.year(), date.month(), day).ok()?;
                (metrics::days_between(today, anniversary).abs() <= 3).then(|| Anniversary {
                    incident: views.link(i),
                    years_ago: today.year() - date.year(),
                })
            })
            .collect();
        out.sort_by(|a, b| {
            b.years_ago
                .cmp(&a.years_ago)
                .then(a.incident.date.cmp(&b.incident.date))
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_that_start_a_formula_are_neutralised() {
        for (cell, expected) in [
            ("=1+1", "'=1+1"),
            ("+31 6 1234", "'+31 6 1234"),
            ("-2", "'-2"),
            ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            (
                "=HYPERLINK(\"https://evil.example\")",
                "'=HYPERLINK(\"https://evil.example\")",
            ),
        ] {
            assert_eq!(csv_text(cell), expected, "{cell:?}");
        }
        for cell in [
            "",
            "Add an alert",
            "a=b",
            "x-y",
            "'quoted",
            "\nnewline first",
        ] {
            assert!(matches!(csv_text(cell), Cow::Borrowed(_)), "{cell:?}");
            assert_eq!(csv_text(cell), cell);
        }
    }
}
