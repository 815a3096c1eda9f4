//! The home page: the latest incidents, the current quarter's headline
//! numbers, the reviews past their deadline, the most recurrent causes, and
//! incidents whose anniversary is this week.

use serde::Serialize;

use crate::analysis::metrics::{self, PeriodMetrics, Quarter};
use crate::site::context::Site;
use crate::site::job::{Job, Target};
use crate::site::learning::{self, PeriodView};
use crate::site::views::IncidentLink;
use crate::validate::review;

use super::taxonomies::{self, Term};
use super::{causes, feeds};

/// Incidents on the home page.
const HOME_LATEST: usize = 10;
/// Root causes on the home page.
const TOP_CAUSES: usize = 5;

pub fn plan<'s>(site: &'s Site<'_>, jobs: &mut Vec<Job<'s>>) {
    jobs.push(Job::page("home", String::new(), move |target| {
        render(site, target)
    }));
}

#[derive(Serialize)]
struct Home<'a> {
    latest: Vec<&'a IncidentLink>,
    total: usize,
    severities: Vec<Term>,
    top_causes: Vec<causes::CauseSummary>,
    open_items: usize,
    overdue_items: usize,
    services: usize,
    tags: usize,
    years: Vec<Term>,
    /// Distinct root causes, and those seen in more than one incident.
    causes: usize,
    recurring_causes: usize,
    /// The current quarter's headline numbers.
    quarter: Headline,
    /// Past incidents whose anniversary is this week.
    on_this_day: Vec<Anniversary<'a>>,
    /// Post-mortems still in draft or review past their deadline, oldest
    /// incident first.
    late_reviews: Vec<LateReview<'a>>,
}

/// A post-mortem past its `[template] review_within_days` deadline, the one
/// `review-overdue` warns about.
#[derive(Serialize)]
struct LateReview<'a> {
    #[serde(flatten)]
    incident: &'a IncidentLink,
    /// Days since the incident.
    days: i64,
    /// The severity's deadline, in days.
    deadline: u32,
    days_over: i64,
}

/// The current quarter's headline numbers.
#[derive(Serialize)]
struct Headline {
    title: String,
    /// The quarter's page, when it has incidents.
    url: Option<String>,
    figures: PeriodView,
}

/// A past incident whose anniversary falls in the week of the build.
#[derive(Serialize)]
struct Anniversary<'a> {
    #[serde(flatten)]
    incident: &'a IncidentLink,
    years_ago: i16,
}

fn render(site: &Site<'_>, target: &Target) -> anyhow::Result<Vec<u8>> {
    let analysis = site.analysis;
    let (mut open, mut overdue) = (0, 0);
    for item in analysis
        .incidents
        .iter()
        .flat_map(|&i| &site.kb.postmortems[i].details.action_items)
    {
        if !item.status.is_closed() {
            open += 1;
        }
        if analysis.is_overdue(item.due.as_ref().map(|d| d.value), item.status) {
            overdue += 1;
        }
    }
    let mut top_causes = causes::summaries(site);
    let causes = top_causes.len();
    let recurring_causes = top_causes.iter().filter(|c| c.count > 1).count();
    top_causes.truncate(TOP_CAUSES);
    let latest = &analysis.incidents[..analysis.incidents.len().min(HOME_LATEST)];
    let home = Home {
        latest: site.views.links(latest),
        total: analysis.incidents.len(),
        severities: taxonomies::severity_terms(site),
        top_causes,
        open_items: open,
        overdue_items: overdue,
        services: analysis.services.len(),
        tags: analysis.tags.len(),
        causes,
        recurring_causes,
        quarter: headline(site),
        on_this_day: on_this_day(site),
        late_reviews: late_reviews(site),
        years: taxonomies::year_terms(site),
    };
    let page = site.page(target, &site.view.title, Some(&feeds::path("")));
    site.render("index.html", page, home)
}

/// The current quarter against the one before (zeros when it has no
/// incidents yet).
fn headline(site: &Site<'_>) -> Headline {
    let quarters = &site.metrics.quarters;
    let q = Quarter::of(site.analysis.today);
    let empty = PeriodMetrics {
        by_severity: vec![0; site.kb.config.template.severities.len()],
        ..PeriodMetrics::default()
    };
    let (m, previous) = match quarters.iter().position(|(mq, _)| *mq == q) {
        Some(i) => (&quarters[i].1, i.checked_sub(1).map(|p| &quarters[p].1)),
        None => (
            &empty,
            quarters
                .iter()
                .find(|(mq, _)| *mq == q.previous())
                .map(|(_, m)| m),
        ),
    };
    Headline {
        title: q.to_string(),
        url: (m.incidents > 0).then(|| site.urls.page(&learning::quarter_path(q))),
        figures: learning::period_view(site, m, previous),
    }
}

/// The included post-mortems past their review deadline (drafts only in a
/// `--drafts` build, as everywhere on the site), oldest incident first: the
/// longest-stalled review leads.
fn late_reviews<'a>(site: &Site<'a>) -> Vec<LateReview<'a>> {
    let template = &site.kb.config.template;
    let mut late: Vec<(usize, review::Overdue)> = site
        .analysis
        .incidents
        .iter()
        .filter_map(|&i| {
            review::overdue(&site.kb.postmortems[i], template, site.analysis.today).map(|o| (i, o))
        })
        .collect();
    let pms = &site.kb.postmortems;
    late.sort_by(|&(a, _), &(b, _)| {
        (pms[a].date.value, &pms[a].id.value).cmp(&(pms[b].date.value, &pms[b].id.value))
    });
    late.into_iter()
        .map(|(i, o)| LateReview {
            incident: site.views.link(i),
            days: o.days,
            deadline: o.deadline,
            days_over: o.days_over(),
        })
        .collect()
}

/// Incidents of earlier years whose anniversary is within three days of
/// today, so old lessons come back when the site is rebuilt (daily in CI).
fn on_this_day<'a>(site: &Site<'a>) -> Vec<Anniversary<'a>> {
    let views = site.views;
    let today = site.analysis.today;
    let mut out: Vec<Anniversary> = site
        .analysis
        .incidents
        .iter()
        .filter_map(|&i| {
            let date = site.kb.postmortems[i].date.value;
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
