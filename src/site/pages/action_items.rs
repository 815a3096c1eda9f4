//! Action items: the page of open items (`action-items/`), overdue and
//! past-SLO first, and the complete exports `action-items.csv` and
//! `action-items.json` (written by [`crate::site::exports`]).

use std::sync::{Arc, OnceLock};

use serde::Serialize;

use crate::site::context::Site;
use crate::site::exports::{ItemRow, item_rows, items_csv, items_json};
use crate::site::job::{Job, Target};
use crate::site::paginate::{self, Paginator};

pub fn plan<'s>(site: &'s Site<'_>, jobs: &mut Vec<Job<'s>>) {
    // The number of pages is needed now; the sorted list only when the
    // first page is rendered, once for all of them.
    let open = site
        .analysis
        .incidents
        .iter()
        .map(|&i| {
            let items = &site.kb.postmortems[i].details.action_items;
            items.iter().filter(|it| !it.status.is_closed()).count()
        })
        .sum();
    let list: Arc<OnceLock<OpenItems>> = Arc::default();
    let per_page = site.kb.config.site.paginate_by;
    for page in paginate::pages(site.urls, "action-items/", open, per_page) {
        let list = Arc::clone(&list);
        jobs.push(Job::page(
            "action-items",
            page.path.clone(),
            move |target| {
                let list = list.get_or_init(|| open_items(site));
                render(site, target, list, page.items.clone(), &page.paginator)
            },
        ));
    }
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

/// Every open action item, overdue first, then past SLO, then oldest; and
/// how many are overdue and past SLO.
struct OpenItems {
    rows: Vec<ItemRow>,
    overdue: usize,
    past_slo: usize,
}

fn open_items(site: &Site<'_>) -> OpenItems {
    let mut rows: Vec<ItemRow> = item_rows(site.kb, site.analysis, site.urls)
        .into_iter()
        .filter(|r| r.age_days.is_some())
        .collect();
    rows.sort_by(|a, b| {
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
    OpenItems {
        overdue: rows.iter().filter(|r| r.item.overdue).count(),
        past_slo: rows.iter().filter(|r| r.past_slo).count(),
        rows,
    }
}

/// One page of the open action items; the summary is of all of them.
fn render(
    site: &Site<'_>,
    target: &Target,
    list: &OpenItems,
    items: std::ops::Range<usize>,
    paginator: &Paginator,
) -> anyhow::Result<Vec<u8>> {
    #[derive(Serialize)]
    struct Data<'a> {
        items: &'a [ItemRow],
        /// Open items on all pages.
        open: usize,
        overdue: usize,
        past_slo: usize,
        csv_url: String,
        json_url: String,
        paginator: &'a Paginator,
    }
    let data = Data {
        // The count at planning and the list agree; should they not, a
        // short page beats a panic.
        items: list.rows.get(items).unwrap_or_default(),
        open: list.rows.len(),
        overdue: list.overdue,
        past_slo: list.past_slo,
        csv_url: site.urls.page("action-items.csv"),
        json_url: site.urls.page("action-items.json"),
        paginator,
    };
    let mut title = "Open action items".to_string();
    if paginator.total > 1 {
        title = format!("{title}, page {} of {}", paginator.current, paginator.total);
    }
    let page = site.page(target, &title, None);
    site.render("action-items.html", page, data)
}
