//! Action items: the page of open items (`action-items/`), overdue and
//! past-SLO first, and the complete exports `action-items.csv` and
//! `action-items.json` (written by [`crate::site::exports`]).

use serde::Serialize;

use crate::site::context::Site;
use crate::site::exports::{ItemRow, item_rows, items_csv, items_json};
use crate::site::job::{Job, Target};

pub fn plan<'s>(site: &'s Site<'_>, jobs: &mut Vec<Job<'s>>) {
    jobs.push(Job::page(
        "action-items",
        "action-items/".into(),
        move |target| page(site, target),
    ));
    jobs.push(Job::file(
        "action-items.csv",
        "action-items.csv".into(),
        move |_| items_csv(&item_rows(site.kb, site.analysis, site.urls), site.urls),
    ));
    jobs.push(Job::file(
        "action-items.json",
        "action-items.json".into(),
        move |_| items_json(&item_rows(site.kb, site.analysis, site.urls)),
    ));
}

fn page(site: &Site<'_>, target: &Target) -> anyhow::Result<Vec<u8>> {
    let mut open: Vec<ItemRow> = item_rows(site.kb, site.analysis, site.urls)
        .into_iter()
        .filter(|r| r.age_days.is_some())
        .collect();
    // Overdue first, then past SLO, then oldest.
    open.sort_by(|a, b| {
        (
            !a.item.overdue,
            !a.past_slo,
            std::cmp::Reverse(a.age_days),
            &a.incident,
            &a.item.title,
        )
            .cmp(&(
                !b.item.overdue,
                !b.past_slo,
                std::cmp::Reverse(b.age_days),
                &b.incident,
                &b.item.title,
            ))
    });
    #[derive(Serialize)]
    struct Data {
        items: Vec<ItemRow>,
        overdue: usize,
        past_slo: usize,
        csv_url: String,
        json_url: String,
    }
    let data = Data {
        overdue: open.iter().filter(|r| r.item.overdue).count(),
        past_slo: open.iter().filter(|r| r.past_slo).count(),
        items: open,
        csv_url: site.urls.page("action-items.csv"),
        json_url: site.urls.page("action-items.json"),
    };
    let page = site.page(target, "Open action items", None);
    site.render("action-items.html", page, data)
}
