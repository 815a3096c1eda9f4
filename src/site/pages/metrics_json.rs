//! `metrics.json`: every number of the dashboard, for other dashboards.

use serde::Serialize;

use crate::analysis::metrics::{self, PeriodMetrics, Quarter};
use crate::site::context::Site;
use crate::site::job::Job;

pub fn plan<'s>(site: &'s Site<'_>, jobs: &mut Vec<Job<'s>>) {
    jobs.push(Job::file(
        "metrics.json",
        "metrics.json".into(),
        move |_| site.json(MetricsFile::new(site)),
    ));
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
    fn new(site: &'a Site<'_>) -> Self {
        let kb = site.kb;
        MetricsFile {
            version: 1,
            today: &site.metrics.today,
            severities: &kb.config.template.severities,
            overall: &site.metrics.overall,
            quarters: site
                .metrics
                .quarters
                .iter()
                .zip(&site.metrics.learnings)
                .map(|((q, m), top)| QuarterFile {
                    quarter: *q,
                    title: q.to_string(),
                    metrics: m,
                    top_learnings: top,
                })
                .collect(),
            incidents: &site.metrics.incidents,
        }
    }
}
