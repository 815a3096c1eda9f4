//! Incidents: the table of all of them (`incidents/`, paginated, with the
//! data its script sorts and filters: `incidents/data/`) and a page each.
//!
//! The table is a page like any list: `[site] paginate_by` rows a page,
//! newest first, each page a plain table that works without JavaScript.
//! Sorting and filtering must see every incident, so `table.js` does them
//! on compact row data it fetches the first time a reader sorts or
//! filters, not on the rows of one page: a table of 100,000 incidents is a
//! few hundred KB of HTML a page and about 9 MB of data, fetched only when
//! it is used.
//!
//! - `incidents/data/meta.json`: `v` ([`DATA_VERSION`]); `n` incidents;
//!   `shards` and `per_shard`, how the rows are cut into files; `per_page`;
//!   `url`, the prefix of incident links; `severities`, `[rank, name]`
//!   pairs; `services`, `[name, url]` pairs in name order; `shown`, how many
//!   services a row shows before "and N more".
//! - `incidents/data/<k>.json`: `{"rows": [...]}`, rows `k * per_shard ..`
//!   newest first, each `[date, severity rank, title, link (after url),
//!   [service indexes], status]`.

use serde::Serialize;

use crate::site::context::{self, Site};
use crate::site::job::{Job, Target};
use crate::site::paginate::{self, Paginator};
use crate::site::views::{self, paths};

use super::feeds;

/// The version of the table data's format, in `meta.json`.
pub const DATA_VERSION: u32 = 1;
/// Rows per data file: about 90 KB each, so a sort or filter over 100,000
/// incidents fetches 100 files in parallel rather than one of 9 MB, and a
/// small knowledge base fetches one.
pub const ROWS_PER_SHARD: usize = 1000;

pub fn plan<'s>(site: &'s Site<'_>, jobs: &mut Vec<Job<'s>>) {
    let count = site.analysis.incidents.len();
    let per_page = site.kb.config.site.paginate_by;
    for page in paginate::pages(site.urls, "incidents/", count, per_page) {
        jobs.push(Job::page("incidents", page.path.clone(), move |target| {
            table_page(site, target, page.items.clone(), &page.paginator)
        }));
    }
    jobs.push(Job::file(
        "incidents-data",
        "incidents/data/meta.json".into(),
        move |_| table_meta(site),
    ));
    for shard in 0..count.div_ceil(ROWS_PER_SHARD).max(1) {
        jobs.push(Job::file(
            "incidents-data",
            format!("incidents/data/{shard}.json"),
            move |_| table_rows(site, shard),
        ));
    }
    for &i in &site.analysis.incidents {
        let path = paths::incident(&site.kb.postmortems[i].id);
        jobs.push(Job::page("incident", path, move |target| {
            let incident = site.views.incident(i);
            let mut page = site.page(target, &incident.link.title, None);
            // The summary is what a link to the incident should preview.
            if let Some(summary) = site.kb.postmortems[i].summary_text() {
                // Cut first: a summary may be long, and 160 characters are kept.
                let summary = crate::render::markdown::plain_text(&views::excerpt(summary));
                if !summary.trim().is_empty() {
                    page.description = context::description(&summary);
                }
            }
            #[derive(Serialize)]
            struct Data<'a> {
                incident: views::IncidentView<'a>,
            }
            site.render("incident.html", page, Data { incident })
        }));
    }
}

/// One page of the table of every incident.
fn table_page(
    site: &Site<'_>,
    target: &Target,
    items: std::ops::Range<usize>,
    paginator: &Paginator,
) -> anyhow::Result<Vec<u8>> {
    #[derive(Serialize)]
    struct All<'a> {
        incidents: Vec<&'a views::IncidentLink>,
        services: Vec<&'a str>,
        paginator: &'a Paginator,
        /// The folder of the table's data (`meta.json` and the rows).
        data_url: String,
    }
    let data = All {
        incidents: site.views.links(&site.analysis.incidents[items]),
        services: site.analysis.services.keys().map(String::as_str).collect(),
        paginator,
        data_url: site.urls.page("incidents/data/"),
    };
    let mut title = "All incidents".to_string();
    if paginator.total > 1 {
        title = format!("{title}, page {} of {}", paginator.current, paginator.total);
    }
    let page = site.page(target, &title, Some(&feeds::path("")));
    site.render("incidents.html", page, data)
}

/// The prefix every incident link starts with, in the table's data.
fn link_prefix(site: &Site<'_>) -> String {
    site.urls.page("incidents/")
}

fn table_meta(site: &Site<'_>) -> anyhow::Result<Vec<u8>> {
    #[derive(Serialize)]
    struct Meta<'a> {
        v: u32,
        n: usize,
        shards: usize,
        per_shard: usize,
        per_page: usize,
        url: String,
        severities: Vec<(usize, &'a str)>,
        services: Vec<(&'a str, String)>,
        shown: usize,
    }
    let n = site.analysis.incidents.len();
    let mut severities: Vec<(usize, &str)> = site
        .analysis
        .incidents
        .iter()
        .map(|&i| {
            let s = &site.kb.postmortems[i].severity;
            (s.rank, s.name.as_str())
        })
        .collect();
    severities.sort_unstable();
    severities.dedup();
    let meta = Meta {
        v: DATA_VERSION,
        n,
        shards: n.div_ceil(ROWS_PER_SHARD).max(1),
        per_shard: ROWS_PER_SHARD,
        per_page: site.kb.config.site.paginate_by,
        url: link_prefix(site),
        severities,
        services: site
            .analysis
            .services
            .keys()
            .map(|s| (s.as_str(), site.urls.page(&paths::service(s))))
            .collect(),
        shown: views::SERVICES_SHOWN,
    };
    Ok(serde_json::to_vec(&meta)?)
}

fn table_rows(site: &Site<'_>, shard: usize) -> anyhow::Result<Vec<u8>> {
    type Row<'a> = (&'a str, usize, &'a str, &'a str, Vec<usize>, &'static str);
    #[derive(Serialize)]
    struct Rows<'a> {
        rows: Vec<Row<'a>>,
    }
    let prefix = link_prefix(site);
    // In name order, as `meta.json` lists them.
    let names: Vec<&str> = site.analysis.services.keys().map(String::as_str).collect();
    let incidents = &site.analysis.incidents;
    let range = (shard * ROWS_PER_SHARD).min(incidents.len())
        ..((shard + 1) * ROWS_PER_SHARD).min(incidents.len());
    let rows = incidents[range]
        .iter()
        .map(|&i| {
            let pm = &site.kb.postmortems[i];
            let link = site.views.link(i);
            let services = pm
                .services
                .iter()
                .filter_map(|s| names.binary_search(&s.as_str()).ok())
                .collect();
            (
                link.date.as_str(),
                pm.severity.rank,
                link.title.as_str(),
                link.url.strip_prefix(prefix.as_str()).unwrap_or(&link.url),
                services,
                pm.status.as_str(),
            )
        })
        .collect();
    Ok(serde_json::to_vec(&Rows { rows })?)
}
