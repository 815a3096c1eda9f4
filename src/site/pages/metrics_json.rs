//! `metrics.json`: every number of the dashboard, for other dashboards;
//! and `metrics-incidents.json` beside it, every incident's own figures.

use crate::analysis::metrics::{INCIDENTS_FILE, IncidentsFile, MetricsFile};
use crate::site::context::Site;
use crate::site::job::Job;

pub fn plan<'s>(site: &'s Site<'_>, jobs: &mut Vec<Job<'s>>) {
    jobs.push(Job::file(
        "metrics.json",
        "metrics.json".into(),
        move |_| {
            site.json(MetricsFile::new(
                site.metrics,
                &site.kb.config.template.severities,
                |_| true,
                true,
            ))
        },
    ));
    jobs.push(Job::file(
        "metrics-incidents.json",
        INCIDENTS_FILE.into(),
        move |_| site.json(IncidentsFile::new(site.metrics)),
    ));
}
