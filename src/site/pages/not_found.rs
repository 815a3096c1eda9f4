//! `404.html`: what static hosts (GitHub Pages, Netlify…) serve for a path
//! that is not in the site.

use crate::site::context::Site;
use crate::site::job::Job;

pub fn plan<'s>(site: &'s Site<'_>, jobs: &mut Vec<Job<'s>>) {
    jobs.push(Job::file("404", "404.html".into(), move |target| {
        let page = site.page(target, "Page not found", None);
        site.render("404.html", page, serde_json::json!({}))
    }));
}
