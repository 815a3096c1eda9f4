//! `metrics.json`: every number of the dashboard, for other dashboards.

use crate::analysis::metrics::MetricsFile;
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
}
