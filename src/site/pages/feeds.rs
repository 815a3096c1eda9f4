//! Atom feeds: the whole site's, and one per root cause and per service, so
//! a team can follow the incidents of what it owns.

use serde::Serialize;

use crate::site::context::Site;
use crate::site::job::{Job, Target};
use crate::site::views::{self, paths};
use crate::text;

/// Entries per feed.
const FEED_ENTRIES: usize = 30;

/// The feed of the page in folder `dir` (`causes/x/`, empty for the site).
pub fn path(dir: &str) -> String {
    format!("{dir}atom.xml")
}

pub fn plan<'s>(site: &'s Site<'_>, jobs: &mut Vec<Job<'s>>) {
    let analysis = site.analysis;
    let mut feed = |dir: String, title: String, list: &'s [usize]| {
        jobs.push(Job::file("feed", path(&dir), move |target| {
            render(site, target, &dir, &title, list)
        }));
    };
    feed(
        String::new(),
        site.kb.config.site.title.clone(),
        &analysis.incidents,
    );
    for (id, list) in &analysis.causes {
        feed(paths::cause(id), format!("Root cause {id}"), list);
    }
    for (name, list) in &analysis.services {
        feed(paths::service(name), format!("Incidents in {name}"), list);
    }
}

#[derive(Serialize)]
struct Entry {
    title: String,
    /// Atom id: the absolute URL, or a `urn:` when the base URL is relative.
    id: String,
    url: String,
    /// `published`, or the incident's date, as an Atom date-time.
    updated: String,
    /// The incident's date.
    date: String,
    severity: String,
    /// The summary as plain text (no Markdown).
    summary: Option<String>,
}

#[derive(Serialize)]
struct Feed {
    title: String,
    /// Atom id of the feed.
    id: String,
    /// The page the feed is about (absolute).
    alternate: String,
    /// The feed's own URL (absolute).
    url: String,
    updated: String,
    entries: Vec<Entry>,
}

/// The feed of the page in `dir`: the newest incidents of `list`.
fn render(
    site: &Site<'_>,
    target: &Target,
    dir: &str,
    title: &str,
    list: &[usize],
) -> anyhow::Result<Vec<u8>> {
    let pms = &site.kb.postmortems;
    let urls = site.urls;
    let feed_path = &target.path;
    // Newest first; `list` may be in either order.
    let mut newest: Vec<usize> = list.to_vec();
    newest.sort_by(|&a, &b| {
        (pms[b].date.value, pms[a].id.as_str()).cmp(&(pms[a].date.value, pms[b].id.as_str()))
    });
    newest.truncate(FEED_ENTRIES);
    let entries: Vec<Entry> = newest
        .iter()
        .map(|&i| {
            let pm = &pms[i];
            let day = pm
                .details
                .published
                .as_ref()
                .map_or(pm.date.value, |p| p.value.max(pm.date.value));
            let path = paths::incident(&pm.id);
            Entry {
                title: pm.title.value.clone(),
                id: urls.atom_id(&path),
                url: urls.absolute(&path),
                updated: format!("{day}T00:00:00Z"),
                date: pm.date.to_string(),
                severity: pm.severity.name.clone(),
                summary: pm.summary_text().map(|s| {
                    let text = crate::render::markdown::plain_text(s);
                    views::excerpt(&text).into_owned()
                }),
            }
        })
        .collect();
    let updated = entries
        .iter()
        .map(|e| e.updated.clone())
        .max()
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let feed = Feed {
        title: text::strip_control(title).into_owned(),
        id: urls.atom_id(feed_path),
        alternate: urls.absolute(dir),
        url: urls.absolute(feed_path),
        updated,
        entries,
    };
    #[derive(Serialize)]
    struct Data {
        feed: Feed,
    }
    let page = site.page(target, title, None);
    site.render("atom.xml", page, Data { feed })
}
