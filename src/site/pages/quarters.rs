//! Quarterly learning summaries: a page per quarter with incidents (its
//! figures against the quarter before, and its top systemic learnings), and
//! the index of every quarter (`quarters/`).

use serde::Serialize;

use crate::analysis::metrics::{PeriodMetrics, Quarter, response_minutes};
use crate::render::svg;
use crate::site::context::Site;
use crate::site::job::{Job, Target};
use crate::site::learning::{
    self, PeriodView, QuarterRow, RESPONSE_TIMES, SpreadRow, minutes_text, quarter_path,
};
use crate::site::paginate::{self, Paginator};
use crate::site::views::{Drawing, IncidentLink, IncidentRef, Link, paths};

pub fn plan<'s>(site: &'s Site<'_>, jobs: &mut Vec<Job<'s>>) {
    jobs.push(Job::page("quarters", "quarters/".into(), move |target| {
        quarters_page(site, target)
    }));
    let per_page = site.kb.config.site.paginate_by;
    for (index, (q, m)) in site.metrics.quarters.iter().enumerate() {
        if m.incidents > 0 {
            // The review on the first page; its incidents, newest first,
            // over as many pages as they take.
            let shown = std::sync::Arc::new(quarter_incidents(site, *q));
            for page in paginate::pages(site.urls, &quarter_path(*q), shown.len(), per_page) {
                let shown = std::sync::Arc::clone(&shown);
                jobs.push(Job::page("quarter", page.path.clone(), move |target| {
                    let on_page = &shown[page.items.clone()];
                    quarter_page(site, target, index, &shown, on_page, &page.paginator)
                }));
            }
        }
    }
}

/// Included incidents of a quarter, newest first.
fn quarter_incidents(site: &Site<'_>, q: Quarter) -> Vec<usize> {
    let pms = &site.kb.postmortems;
    site.views
        .analysis
        .incidents
        .iter()
        .copied()
        .filter(|&i| Quarter::of(pms[i].date.value) == q)
        .collect()
}

/// A page of quarter `index`'s review: the review itself on the first,
/// and the incidents `on_page` of those `shown` (of `paginator`).
fn quarter_page(
    site: &Site<'_>,
    target: &Target,
    index: usize,
    shown: &[usize],
    on_page: &[usize],
    paginator: &Paginator,
) -> anyhow::Result<Vec<u8>> {
    let views = site.views;
    let (q, m) = &site.metrics.quarters[index];
    let previous = index.checked_sub(1).map(|p| &site.metrics.quarters[p]);
    let next = site.metrics.quarters.get(index + 1);
    let first = paginator.current == 1;
    let all = &site.metrics.members[index];
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
        /// Every incident's response times (drafts too, as in the figures).
        spread: Drawing,
        spread_rows: Vec<SpreadRow>,
        top_learnings: Vec<LearningView<'a>>,
    }
    let top = site.metrics.learnings[index].clone();
    // The incidents the figures count, so the medians marked are the ones printed.
    let times = response_minutes(site.kb, all);
    let names: Vec<String> = RESPONSE_TIMES.iter().map(|(_, n)| n.to_string()).collect();
    let title = format!("Response times of every incident, {q}");
    // Drawn for the first page only: the others list incidents.
    let spread = Drawing::new(if first {
        svg::strip_chart(
            "spread",
            &title,
            &names,
            &times,
            "From the start of impact",
            &minutes_text,
        )
    } else {
        String::new()
    });
    let d = &m.durations;
    let spread_rows = names
        .iter()
        .zip(&times)
        .zip([&d.detect, &d.mitigate, &d.resolve])
        .map(|((name, v), summary)| SpreadRow::new(name.clone(), None, v, summary))
        .collect();
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
        incidents: views.links(on_page),
        drafts_not_shown: all.len() - shown.len(),
        figures: learning::period_view(site, m, previous.map(|(_, pm)| pm)),
        spread,
        spread_rows,
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
    let mut title = format!("{q}: what we learned");
    if paginator.total > 1 {
        title = format!("{title}, page {} of {}", paginator.current, paginator.total);
    }
    let page = site.page(target, &title, None);
    #[derive(Serialize)]
    struct Data<'a> {
        quarter: QuarterView<'a>,
        paginator: &'a Paginator,
    }
    site.render("quarter.html", page, Data { quarter, paginator })
}

fn quarters_page(site: &Site<'_>, target: &Target) -> anyhow::Result<Vec<u8>> {
    // Quarters with incidents only: one incident from long ago would
    // otherwise list every empty quarter since (the dashboard charts the
    // latest quarters, gaps included).
    let mut rows: Vec<QuarterRow> = learning::quarter_rows(site)
        .into_iter()
        .filter(|row| row.figures.incidents > 0)
        .collect();
    rows.reverse();
    let page = site.page(target, "Quarters", None);
    #[derive(Serialize)]
    struct Data {
        quarters: Vec<QuarterRow>,
    }
    site.render("quarters.html", page, Data { quarters: rows })
}

fn quarter_start(q: Quarter) -> jiff::civil::Date {
    jiff::civil::Date::new(q.year, (q.q as i8 - 1) * 3 + 1, 1)
        .expect("a quarter starts on a real day")
}
