//! Incidents: the table of all of them (`incidents/`) and a page each.

use serde::Serialize;

use crate::site::context::{self, Site};
use crate::site::job::{Job, Target};
use crate::site::views::{self, IncidentLink, paths};

use super::feeds;

pub fn plan<'s>(site: &'s Site<'_>, jobs: &mut Vec<Job<'s>>) {
    jobs.push(Job::page("incidents", "incidents/".into(), move |target| {
        all_incidents(site, target)
    }));
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

/// The table of every incident, filterable by service.
fn all_incidents(site: &Site<'_>, target: &Target) -> anyhow::Result<Vec<u8>> {
    /// A row of the table: the list view, and the names of the services it
    /// does not show, so the service filter still finds the incident (one
    /// page, so this stays linear).
    #[derive(Serialize)]
    struct Row<'a> {
        #[serde(flatten)]
        link: &'a IncidentLink,
        more_services: Vec<&'a str>,
    }
    #[derive(Serialize)]
    struct All<'a> {
        incidents: Vec<Row<'a>>,
        services: Vec<&'a str>,
    }
    let data = All {
        incidents: site
            .analysis
            .incidents
            .iter()
            .map(|&i| Row {
                link: site.views.link(i),
                more_services: site.kb.postmortems[i]
                    .services
                    .iter()
                    .skip(views::SERVICES_SHOWN)
                    .map(|s| s.as_str())
                    .collect(),
            })
            .collect(),
        services: site.analysis.services.keys().map(String::as_str).collect(),
    };
    let page = site.page(target, "All incidents", Some(&feeds::path("")));
    site.render("incidents.html", page, data)
}
