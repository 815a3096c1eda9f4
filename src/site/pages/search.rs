//! The search page (`search/`) and the in-browser search's data files
//! (`search/*.json`, see [`crate::search::export`]).

use serde::Serialize;

use crate::site::context::Site;
use crate::site::job::Job;
use crate::site::views::paths;

pub fn plan<'s>(site: &'s Site<'_>, jobs: &mut Vec<Job<'s>>) {
    jobs.push(Job::page("search", "search/".into(), move |target| {
        #[derive(Serialize)]
        struct Data<'a> {
            severities: &'a [String],
        }
        let page = site.page(target, "Search", None);
        site.render(
            "search.html",
            page,
            Data {
                severities: &site.kb.config.template.severities,
            },
        )
    }));
}

/// The in-browser search's data files, by path inside `search/`.
pub fn data(site: &Site<'_>) -> Vec<(String, Vec<u8>)> {
    crate::search::export::export(site.kb, &site.analysis.incidents, |pm| {
        site.urls.page(&paths::incident(&pm.id))
    })
}
