//! `sitemap.xml`: every page the other kinds planned (their jobs say which).

use serde::Serialize;

use crate::site::context::Site;
use crate::site::job::Job;

/// Adds the sitemap of the pages in `jobs`. A sitemap lists absolute URLs:
/// without an absolute base URL there is none.
pub fn plan<'s>(site: &'s Site<'_>, jobs: &mut Vec<Job<'s>>) {
    if !site.urls.is_absolute() {
        return;
    }
    let mut pages: Vec<String> = jobs
        .iter()
        .filter(|job| job.in_sitemap)
        .map(|job| job.target.path.clone())
        .collect();
    pages.sort();
    jobs.push(Job::file("sitemap", "sitemap.xml".into(), move |target| {
        #[derive(Serialize)]
        struct Data {
            urls: Vec<String>,
        }
        let data = Data {
            urls: pages.iter().map(|p| site.urls.absolute(p)).collect(),
        };
        let page = site.page(target, "Sitemap", None);
        site.render("sitemap.xml", page, data)
    }));
}
