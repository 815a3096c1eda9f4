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
    let files = crate::search::export::export(site.kb, &site.analysis.incidents, |pm| {
        site.urls.page(&paths::incident(&pm.id))
    });
    for (path, bytes) in files {
        jobs.push(Job::file(
            "search-data",
            format!("search/{path}"),
            move |_| Ok(bytes.clone()),
        ));
    }
}
