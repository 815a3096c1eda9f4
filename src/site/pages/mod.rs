//! Every page and file of the site, one module per kind. Each module has a
//! `plan` that adds its jobs (the paths it writes and how to render them);
//! [`plan`] lists them all. A new kind of page is a new module and one line
//! in [`PLANS`].

mod action_items;
mod causes;
mod dashboard;
mod feeds;
mod home;
mod incidents;
mod metrics_json;
mod not_found;
mod quarters;
mod robots;
mod search;
mod sitemap;
mod taxonomies;

pub use search::data as search_data;

use super::context::Site;
use super::job::Job;

/// Adds a kind's jobs for the site.
type Plan = for<'s, 'a> fn(&'s Site<'a>, &mut Vec<Job<'s>>);

/// Every kind of page. Order is only scheduling (pages are written by path):
/// the largest single pages (the action-items page and its exports, the
/// dashboard) come first, because started last they would leave one core
/// idle at the end of the build.
const PLANS: &[Plan] = &[
    action_items::plan,
    dashboard::plan,
    metrics_json::plan,
    quarters::plan,
    home::plan,
    incidents::plan,
    causes::plan,
    taxonomies::plan,
    feeds::plan,
    not_found::plan,
    robots::plan,
    search::plan,
];

/// The jobs of the whole site: every kind's, then the sitemap of their pages.
pub fn plan<'s>(site: &'s Site<'_>) -> Vec<Job<'s>> {
    let mut jobs = Vec::new();
    for plan in PLANS {
        plan(site, &mut jobs);
    }
    // Last: it lists the pages planned above.
    sitemap::plan(site, &mut jobs);
    jobs
}
