//! Root causes: the index of every cause (`causes/`) and a page per cause
//! with every incident it played a part in, their action items, and the
//! fixes that did not hold.

use serde::Serialize;

use crate::analysis;
use crate::content::CauseKind;
use crate::site::context::Site;
use crate::site::job::{Job, Target};
use crate::site::paginate::{self, Paginator};
use crate::site::views::{self, IncidentRef, Link, paths};

use super::feeds;
use super::taxonomies::Term;

/// Services named at the top of a root-cause page.
const CAUSE_SERVICES: usize = 20;

pub fn plan<'s>(site: &'s Site<'_>, jobs: &mut Vec<Job<'s>>) {
    jobs.push(Job::page("causes", "causes/".into(), move |target| {
        #[derive(Serialize)]
        struct Data {
            causes: Vec<CauseSummary>,
        }
        let page = site.page(target, "Root causes", None);
        site.render(
            "causes.html",
            page,
            Data {
                causes: summaries(site),
            },
        )
    }));
    let per_page = site.kb.config.site.paginate_by;
    for (id, list) in &site.analysis.causes {
        for page in paginate::pages(site.urls, &paths::cause(id), list.len(), per_page) {
            jobs.push(Job::page("cause", page.path.clone(), move |target| {
                let shown = &list[page.items.clone()];
                cause_page(site, target, id, list, shown, &page.paginator)
            }));
        }
    }
}

/// A root cause in a list of causes.
#[derive(Serialize)]
pub struct CauseSummary {
    pub id: String,
    pub title: String,
    pub url: String,
    pub category: Option<String>,
    pub count: usize,
    pub first_seen: String,
    pub last_seen: String,
}

/// Every root cause, most recurrent first.
pub fn summaries(site: &Site<'_>) -> Vec<CauseSummary> {
    let views = site.views;
    let pms = &site.kb.postmortems;
    let mut causes: Vec<CauseSummary> = site
        .analysis
        .causes
        .iter()
        .map(|(id, list)| CauseSummary {
            id: id.clone(),
            title: views.cause_title(id),
            url: site.urls.page(&paths::cause(id)),
            category: category(site, id, list),
            count: list.len(),
            first_seen: pms[list[0]].date.to_string(),
            last_seen: pms[*list.last().unwrap()].date.to_string(),
        })
        .collect();
    causes.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| b.last_seen.cmp(&a.last_seen))
            .then_with(|| a.id.cmp(&b.id))
    });
    causes
}

/// The category of cause `id`, as its incidents' fishbones show it
/// ([`crate::content::KnowledgeBase::cause_category`]): the catalogue's,
/// else the first its incidents give.
fn category(site: &Site<'_>, id: &str, list: &[usize]) -> Option<String> {
    let kb = site.kb;
    list.iter()
        .flat_map(|&i| &kb.postmortems[i].details.root_causes)
        .filter(|c| c.id.as_str() == id)
        .find_map(|c| kb.cause_category(c))
        .map(str::to_string)
}

/// An incident of the cause.
#[derive(Serialize)]
struct CauseIncident<'a> {
    #[serde(flatten)]
    link: IncidentRef<'a>,
    /// The first few services, as on the incident's card.
    services: &'a [Link],
    services_more: usize,
    /// The cause's role in this incident.
    kind: CauseKind,
    description: Option<String>,
}

/// The action items of one incident, on a root-cause page: as table rows
/// (`action-item-rows.html`, rendered once per incident). A cause can have
/// hundreds of incidents; the rows are what the page shows, so the items are
/// not passed a second time as data.
#[derive(Serialize)]
struct CauseItems<'a> {
    incident: IncidentRef<'a>,
    /// The first [`views::CAUSE_ITEMS_SHOWN`] rows: an incident with many
    /// causes is on each of their pages, and its items with it.
    items_html: &'a str,
    /// How many items are only on the incident page.
    items_more: usize,
}

/// A recurrence after a fix: `incident` happened although the `prevent`
/// action items of `fixed_in` (the latest earlier incident with this cause
/// that had any) were done.
#[derive(Serialize)]
struct NotHeld<'a> {
    incident: IncidentRef<'a>,
    fixed_in: IncidentRef<'a>,
    /// The first [`views::CAUSE_ITEMS_SHOWN`] of those items (see `CauseItems`).
    items: Vec<views::ActionItemView>,
    /// How many are only on `fixed_in`'s page.
    items_more: usize,
}

#[derive(Serialize)]
struct CauseView<'a> {
    id: &'a str,
    title: String,
    category: Option<String>,
    description: Option<String>,
    count: usize,
    first_seen: String,
    last_seen: String,
    /// The first [`CAUSE_SERVICES`] services of the cause's incidents, by name.
    services: Vec<Link>,
    services_more: usize,
    severities: Vec<Term>,
    incidents: Vec<CauseIncident<'a>>,
    action_items: Vec<CauseItems<'a>>,
    not_held: Vec<NotHeld<'a>>,
}

/// A page of cause `id`'s page: the facts of all its incidents (`list`),
/// and the incidents `shown` (a page of them, of `paginator`) with their
/// action items; the fixes that did not hold on the first page.
fn cause_page(
    site: &Site<'_>,
    target: &Target,
    id: &str,
    list: &[usize],
    shown: &[usize],
    paginator: &Paginator,
) -> anyhow::Result<Vec<u8>> {
    let views = site.views;
    let pms = &site.kb.postmortems;
    let (services, services_more) = services(site, list);
    let entry = site.kb.catalogue.as_ref().and_then(|c| c.causes.get(id));
    let cause = CauseView {
        id,
        title: views.cause_title(id),
        category: category(site, id, list),
        description: entry.and_then(|e| e.description.clone()),
        count: list.len(),
        first_seen: pms[list[0]].date.to_string(),
        last_seen: pms[*list.last().unwrap()].date.to_string(),
        services,
        services_more,
        severities: severities(site, list),
        incidents: shown
            .iter()
            .map(|&i| {
                let rc = pms[i]
                    .details
                    .root_causes
                    .iter()
                    .find(|c| c.id.as_str() == id);
                let link = views.link(i);
                CauseIncident {
                    link: views.reference(i, i),
                    services: &link.services,
                    services_more: link.services_more,
                    kind: rc.map_or(CauseKind::Root, |c| c.kind),
                    description: rc.and_then(|c| c.description.clone()),
                }
            })
            .collect(),
        action_items: shown
            .iter()
            .filter(|&&i| !pms[i].details.action_items.is_empty())
            .map(|&i| {
                let (items_html, items_more) = views.cause_item_rows(i);
                CauseItems {
                    incident: views.reference(i, i),
                    items_html,
                    items_more,
                }
            })
            .collect(),
        not_held: analysis::fixes_that_did_not_hold(pms, list)
            .into_iter()
            .filter(|_| paginator.current == 1)
            .map(|n| NotHeld {
                incident: views.reference(n.incident, n.incident),
                fixed_in: views.reference(n.fixed_in, n.incident),
                items: n
                    .items
                    .iter()
                    .take(views::CAUSE_ITEMS_SHOWN)
                    .map(|&k| views.action_item(&pms[n.fixed_in].details.action_items[k]))
                    .collect(),
                items_more: n.items.len().saturating_sub(views::CAUSE_ITEMS_SHOWN),
            })
            .collect(),
    };
    // One feed for all the pages.
    let feed = feeds::path(&paths::cause(id));
    let mut title = cause.title.clone();
    if paginator.total > 1 {
        title = format!("{title}, page {} of {}", paginator.current, paginator.total);
    }
    let page = site.page(target, &title, Some(&feed));
    #[derive(Serialize)]
    struct Data<'a> {
        cause: CauseView<'a>,
        paginator: &'a Paginator,
    }
    site.render("cause.html", page, Data { cause, paginator })
}

/// The first [`CAUSE_SERVICES`] services of the incidents in `list`, by
/// name, and how many more there are. A cause page per cause, each naming
/// the services of its incidents: with one incident of many causes and many
/// services, listing them all would repeat the whole list on every cause page.
fn services(site: &Site<'_>, list: &[usize]) -> (Vec<Link>, usize) {
    let pms = &site.kb.postmortems;
    let mut services: Vec<&str> = list
        .iter()
        .flat_map(|&i| pms[i].services.iter().map(|s| s.as_str()))
        .collect();
    services.sort_unstable();
    services.dedup();
    let more = services.len().saturating_sub(CAUSE_SERVICES);
    services.truncate(CAUSE_SERVICES);
    let links = services
        .iter()
        .map(|s| Link {
            name: s.to_string(),
            url: site.urls.page(&paths::service(s)),
        })
        .collect();
    (links, more)
}

/// The severities of the incidents in `list` that have any, worst first.
fn severities(site: &Site<'_>, list: &[usize]) -> Vec<Term> {
    let pms = &site.kb.postmortems;
    let mut counts = vec![0; site.kb.config.template.severities.len()];
    for &i in list {
        if let Some(count) = counts.get_mut(pms[i].severity.rank) {
            *count += 1;
        }
    }
    site.kb
        .config
        .template
        .severities
        .iter()
        .zip(counts)
        .filter(|&(_, count)| count > 0)
        .map(|(name, count)| Term {
            name: name.clone(),
            url: site.urls.page(&paths::severity(name)),
            count,
        })
        .collect()
}
