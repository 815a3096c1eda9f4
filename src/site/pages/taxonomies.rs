//! The taxonomies: services, tags, severities and years, each with an index
//! page (`services/`) and a page per term (`services/checkout-api/`).

use serde::Serialize;

use crate::site::context::Site;
use crate::site::job::{Job, Target};
use crate::site::paginate::{self, Paginator};
use crate::site::views::{IncidentLink, Link, paths};

use super::feeds;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Taxonomy {
    Services,
    Tags,
    Severities,
    Years,
}

impl Taxonomy {
    const ALL: [Taxonomy; 4] = [
        Taxonomy::Services,
        Taxonomy::Tags,
        Taxonomy::Severities,
        Taxonomy::Years,
    ];

    /// The index page's folder.
    fn path(self) -> String {
        format!("{}/", self.title().to_lowercase())
    }
    fn title(self) -> &'static str {
        match self {
            Taxonomy::Services => "Services",
            Taxonomy::Tags => "Tags",
            Taxonomy::Severities => "Severities",
            Taxonomy::Years => "Years",
        }
    }
    fn singular(self) -> &'static str {
        match self {
            Taxonomy::Services => "service",
            Taxonomy::Tags => "tag",
            Taxonomy::Severities => "severity",
            Taxonomy::Years => "year",
        }
    }
    fn term_title(self, name: &str) -> String {
        match self {
            Taxonomy::Services | Taxonomy::Years => format!("Incidents in {name}"),
            Taxonomy::Tags => format!("Incidents tagged {name}"),
            Taxonomy::Severities => format!("{name} incidents"),
        }
    }
}

/// A term with its page and how many incidents it has, in lists of terms.
#[derive(Serialize)]
pub struct Term {
    pub name: String,
    pub url: String,
    pub count: usize,
}

/// One term of a taxonomy: its name, page folder and incidents.
struct Entry<'s> {
    name: String,
    path: String,
    incidents: &'s [usize],
}

impl Entry<'_> {
    fn term(&self, site: &Site<'_>) -> Term {
        Term {
            name: self.name.clone(),
            url: site.urls.page(&self.path),
            count: self.incidents.len(),
        }
    }
}

/// The terms of `taxonomy` that have incidents, in the index's order
/// (years newest first).
fn entries<'s>(site: &'s Site<'_>, taxonomy: Taxonomy) -> Vec<Entry<'s>> {
    let analysis = site.analysis;
    match taxonomy {
        Taxonomy::Services => analysis
            .services
            .iter()
            .map(|(name, list)| Entry {
                name: name.clone(),
                path: paths::service(name),
                incidents: list,
            })
            .collect(),
        Taxonomy::Tags => analysis
            .tags
            .iter()
            .map(|(slug, (name, list))| Entry {
                name: name.clone(),
                path: paths::tag(slug),
                incidents: list,
            })
            .collect(),
        Taxonomy::Severities => severities(site)
            .filter(|e| !e.incidents.is_empty())
            .collect(),
        Taxonomy::Years => analysis
            .years
            .iter()
            .rev()
            .map(|(year, list)| Entry {
                name: year.to_string(),
                path: paths::year(*year),
                incidents: list,
            })
            .collect(),
    }
}

/// Every configured severity, worst first, with or without incidents.
fn severities<'s>(site: &'s Site<'_>) -> impl Iterator<Item = Entry<'s>> {
    site.kb
        .config
        .template
        .severities
        .iter()
        .zip(&site.analysis.severities)
        .map(|(name, list)| Entry {
            name: name.clone(),
            path: paths::severity(name),
            incidents: list,
        })
}

/// Every configured severity with its count (zero included), for the home page.
pub fn severity_terms(site: &Site<'_>) -> Vec<Term> {
    severities(site).map(|e| e.term(site)).collect()
}

/// The years with incidents, newest first, for the home page.
pub fn year_terms(site: &Site<'_>) -> Vec<Term> {
    entries(site, Taxonomy::Years)
        .iter()
        .map(|e| e.term(site))
        .collect()
}

pub fn plan<'s>(site: &'s Site<'_>, jobs: &mut Vec<Job<'s>>) {
    for taxonomy in Taxonomy::ALL {
        let entries = entries(site, taxonomy);
        let terms: Vec<Term> = entries.iter().map(|e| e.term(site)).collect();
        jobs.push(Job::page("taxonomy", taxonomy.path(), move |target| {
            index(site, target, taxonomy, &terms)
        }));
        let per_page = site.kb.config.site.paginate_by;
        for entry in entries {
            let entry = std::sync::Arc::new(entry);
            for page in paginate::pages(site.urls, &entry.path, entry.incidents.len(), per_page) {
                let entry = std::sync::Arc::clone(&entry);
                jobs.push(Job::page("term", page.path.clone(), move |target| {
                    let incidents = &entry.incidents[page.items.clone()];
                    term(site, target, taxonomy, &entry, incidents, &page.paginator)
                }));
            }
        }
    }
}

fn index(
    site: &Site<'_>,
    target: &Target,
    taxonomy: Taxonomy,
    terms: &[Term],
) -> anyhow::Result<Vec<u8>> {
    #[derive(Serialize)]
    struct Data<'a> {
        taxonomy: TaxonomyView<'a>,
    }
    #[derive(Serialize)]
    struct TaxonomyView<'a> {
        kind: &'static str,
        title: &'static str,
        terms: &'a [Term],
    }
    let page = site.page(target, taxonomy.title(), None);
    let data = Data {
        taxonomy: TaxonomyView {
            kind: taxonomy.singular(),
            title: taxonomy.title(),
            terms,
        },
    };
    site.render("taxonomy.html", page, data)
}

/// One page of a term's list (`incidents`, of `paginator`).
fn term(
    site: &Site<'_>,
    target: &Target,
    taxonomy: Taxonomy,
    entry: &Entry<'_>,
    incidents: &[usize],
    paginator: &Paginator,
) -> anyhow::Result<Vec<u8>> {
    #[derive(Serialize)]
    struct Data<'a> {
        term: TermView<'a>,
        paginator: &'a Paginator,
    }
    #[derive(Serialize)]
    struct TermView<'a> {
        kind: &'static str,
        taxonomy: Link,
        name: &'a str,
        incidents: Vec<&'a IncidentLink>,
    }
    // Services have feeds (see `feeds`), one for all the pages.
    let feed = (taxonomy == Taxonomy::Services).then(|| feeds::path(&entry.path));
    let mut title = taxonomy.term_title(&entry.name);
    if paginator.total > 1 {
        title = format!("{title}, page {} of {}", paginator.current, paginator.total);
    }
    let page = site.page(target, &title, feed.as_deref());
    let data = Data {
        term: TermView {
            kind: taxonomy.singular(),
            taxonomy: Link {
                name: taxonomy.title().into(),
                url: site.urls.page(&taxonomy.path()),
            },
            name: &entry.name,
            incidents: site.views.links(incidents),
        },
        paginator,
    };
    site.render("term.html", page, data)
}
