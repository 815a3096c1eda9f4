//! `robots.txt`, from the theme (it points crawlers at the sitemap).

use crate::site::context::Site;
use crate::site::job::Job;

pub fn plan<'s>(site: &'s Site<'_>, jobs: &mut Vec<Job<'s>>) {
    jobs.push(Job::file("robots", "robots.txt".into(), move |target| {
        let page = site.page(target, "robots.txt", None);
        site.render("robots.txt", page, serde_json::json!({}))
    }));
}
