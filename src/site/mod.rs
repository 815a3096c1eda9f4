//! `hindsight build`: analyse the checked knowledge base, render every page
//! in parallel, and write the site atomically.
//!
//! Pages are planned as a list of [`Job`]s, rendered with rayon, then sorted
//! by path, so the output is byte-identical whatever the thread count.

pub mod learning;
pub mod output;
pub mod views;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::analysis::{self, Analysis, Selection};
use crate::content::KnowledgeBase;
use crate::render::theme::{Theme, error_chain};
use crate::text;
use views::{IncidentLink, Link, SiteView, Urls, Views, paths};

/// How to build.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// Output folder; default `public/` in the knowledge base.
    pub out: Option<PathBuf>,
    /// Include drafts.
    pub drafts: bool,
    /// Overrides `[site] base_url`.
    pub base_url: Option<String>,
}

/// What a build wrote.
#[derive(Debug)]
pub struct Built {
    pub out: PathBuf,
    pub incidents: usize,
    pub files: usize,
    pub bytes: usize,
    /// Whether the base URL was absolute (feeds and the sitemap need one).
    pub absolute: bool,
}

/// Entries per Atom feed.
const FEED_ENTRIES: usize = 30;
/// Incidents on the home page.
const HOME_LATEST: usize = 10;
/// Services named at the top of a root-cause page (see `cause_page`).
const CAUSE_SERVICES: usize = 20;

/// One page to render.
enum Job<'a> {
    Home,
    AllIncidents,
    Incident(usize),
    Causes,
    Cause(&'a str, &'a [usize]),
    Taxonomy(Taxonomy),
    Term(Taxonomy, String, String, &'a [usize]),
    Feed(String, String, &'a [usize]),
    Sitemap,
    NotFound,
    Robots,
    Learning(learning::Job),
}

impl Job<'_> {
    /// What kind of output the job writes, for `HINDSIGHT_TIMINGS`.
    fn kind(&self) -> &'static str {
        match self {
            Job::Home => "home",
            Job::AllIncidents => "all incidents",
            Job::Incident(_) => "incident",
            Job::Causes => "root causes",
            Job::Cause(..) => "root cause",
            Job::Taxonomy(_) => "taxonomy",
            Job::Term(..) => "term",
            Job::Feed(..) => "feed",
            Job::Sitemap => "sitemap",
            Job::NotFound => "404",
            Job::Robots => "robots.txt",
            Job::Learning(job) => job.kind(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Taxonomy {
    Services,
    Tags,
    Severities,
    Years,
}

impl Taxonomy {
    fn slug(self) -> &'static str {
        match self {
            Taxonomy::Services => "services",
            Taxonomy::Tags => "tags",
            Taxonomy::Severities => "severities",
            Taxonomy::Years => "years",
        }
    }
    fn title(self) -> &'static str {
        match self {
            Taxonomy::Services => "Services",
            Taxonomy::Tags => "Tags",
            Taxonomy::Severities => "Severities",
            Taxonomy::Years => "Years",
        }
    }
    fn singular(self) -> &'static str {
        match self {
            Taxonomy::Services => "service",
            Taxonomy::Tags => "tag",
            Taxonomy::Severities => "severity",
            Taxonomy::Years => "year",
        }
    }
}

/// `page` in every template.
#[derive(Serialize)]
struct PageView {
    /// `home`, `incidents`, `incident`, `causes`, `cause`, `taxonomy`, `term`, `404`.
    kind: &'static str,
    title: String,
    /// Path relative to the site root (`incidents/x/`).
    path: String,
    /// The path's first folder (`incidents`), empty for files at the root:
    /// which part of the site the page is in.
    section: String,
    /// Link to the page (base path included).
    url: String,
    /// Absolute URL (for canonical links and feeds).
    permalink: String,
    /// This page's Atom feed, if it has one.
    feed_url: Option<String>,
}

#[derive(Serialize)]
struct Term {
    name: String,
    url: String,
    count: usize,
}

#[derive(Serialize)]
struct CauseSummary {
    id: String,
    title: String,
    url: String,
    category: Option<String>,
    count: usize,
    first_seen: String,
    last_seen: String,
}

#[derive(Serialize)]
/// The action items of one incident, on a root-cause page: as table rows
/// (`action-item-rows.html`, rendered once per incident). A cause can have
/// hundreds of incidents; the rows are what the page shows, so the items are
/// not passed a second time as data.
struct CauseItems<'a> {
    incident: views::IncidentRef<'a>,
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
    incident: views::IncidentRef<'a>,
    fixed_in: views::IncidentRef<'a>,
    /// The first [`views::CAUSE_ITEMS_SHOWN`] of those items (see `CauseItems`).
    items: Vec<views::ActionItemView>,
    /// How many are only on `fixed_in`'s page.
    items_more: usize,
}

#[derive(Serialize)]
struct FeedEntry {
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

/// Builds the site for a knowledge base that passed validation.
pub fn build(kb: &KnowledgeBase, options: &BuildOptions) -> Result<Built, String> {
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| kb.root.join("public"));
    // The knowledge base is kept out of reach of the output, whatever
    // marker it holds: checked now, before the work, and again in `commit`.
    let keep = output::Keep::knowledge_base(&kb.root, &kb.content_dir);
    output::check_target(&out, &keep)?;
    let timer = Timings::start();
    // The few steps that run on one thread go side by side.
    let (theme, analysis) = rayon::join(
        || Theme::load(&kb.root, kb.config.site.theme.as_deref()),
        || {
            Analysis::new(
                kb,
                Selection {
                    drafts: options.drafts,
                },
                analysis::today(),
            )
        },
    );
    let theme = theme.map_err(|e| e.to_string())?;
    let urls = Urls::new(
        options
            .base_url
            .as_deref()
            .unwrap_or(&kb.config.site.base_url),
    );
    let site = SiteView {
        title: kb.config.site.title.clone(),
        description: kb.config.site.description.clone(),
        base_url: urls.base_url.clone(),
        base_path: urls.base_path.clone(),
        absolute: urls.is_absolute(),
        today: analysis.today.to_string(),
        severities: kb.config.template.severities.clone(),
        drafts: options.drafts,
    };
    let fragments = ThemeFragments {
        theme: &theme,
        site: &site,
    };
    let (views, metrics) = rayon::join(
        || Views::new(kb, &analysis, &urls, &fragments),
        || crate::analysis::metrics::compute(kb, analysis.today),
    );
    let views = views?;
    timer.lap("theme, analysis, metrics, views and fragments");
    let renderer = Renderer {
        metrics: &metrics,
        theme: &theme,
        views: &views,
        site: &site,
    };

    // The learning pages first: a few of them (the action-items page and its
    // exports) are large single jobs, and started last they would leave one
    // core idle at the end of the build.
    let mut jobs: Vec<Job> = learning::plan(&metrics)
        .into_iter()
        .map(Job::Learning)
        .collect();
    jobs.extend(plan(&analysis, kb, urls.is_absolute()));
    let staging = output::Staging::new(&out, &keep)?;
    let bytes = AtomicUsize::new(0);
    // Pages are written as they are rendered: memory stays flat however
    // large the site. Each page's bytes depend only on the input, so the
    // order threads finish in does not matter.
    let profile = timer.profile();
    jobs.par_iter().try_for_each(|job| {
        let started = profile.map(|_| std::time::Instant::now());
        let (path, html) = renderer.render(job)?;
        let rendered = profile.map(|_| std::time::Instant::now());
        bytes.fetch_add(html.len(), Ordering::Relaxed);
        staging.write(&path, &html)?;
        if let (Some(profile), Some(started), Some(rendered)) = (profile, started, rendered) {
            profile.add(job.kind(), rendered - started, rendered.elapsed());
        }
        Ok::<(), String>(())
    })?;
    timer.lap("render and write pages");
    if let Some(profile) = profile {
        profile.print();
    }
    let mut files = jobs.len();
    for (path, data) in &theme.static_files {
        // A page wins over a static file of the same name.
        if staging.write_if_absent(path, data)? {
            files += 1;
            bytes.fetch_add(data.len(), Ordering::Relaxed);
        }
    }
    // Attachments: the images and files a post-mortem links to beside it,
    // published next to its page so the same relative link works there.
    // Only files inside the knowledge base are ever listed (a link out is an
    // `outside-root` error in `check`).
    let canonical_root = crate::content::paths::canonical_root(&kb.root);
    for &i in &analysis.incidents {
        let pm = &kb.postmortems[i];
        for attachment in crate::validate::links::attachments(kb, &canonical_root, pm) {
            let data = std::fs::read(&attachment.path)
                .map_err(|e| format!("cannot read {}: {e}", attachment.path.display()))?;
            let rel = format!("{}{}", paths::incident(&pm.id), attachment.rel);
            if staging.write_if_absent(&rel, &data)? {
                files += 1;
                bytes.fetch_add(data.len(), Ordering::Relaxed);
            }
        }
    }
    staging.commit()?;
    timer.lap("static files, attachments, swap in");
    Ok(Built {
        out,
        incidents: analysis.incidents.len(),
        files: files + 1,
        bytes: bytes.into_inner(),
        absolute: urls.is_absolute(),
    })
}

/// The theme's per-incident fragments (`card.html`, `reference.html`,
/// `action-item-rows.html`).
struct ThemeFragments<'a> {
    theme: &'a Theme,
    site: &'a SiteView,
}

impl views::Fragments for ThemeFragments<'_> {
    fn render(
        &self,
        incident: &IncidentLink,
        items: &[views::ActionItemView],
    ) -> Result<views::IncidentFragments, String> {
        #[derive(Serialize)]
        struct Data<'a> {
            incident: &'a IncidentLink,
            items: &'a [views::ActionItemView],
            site: &'a SiteView,
        }
        // One context for the three templates.
        let data = Data {
            incident,
            items,
            site: self.site,
        };
        let context = Context::from_serialize(data).map_err(|e| error_chain(&e))?;
        let render_in = |template: &str, context: &Context| {
            let html = self.theme.tera.render(template, context).map_err(|e| {
                format!(
                    "cannot render incident {} with template `{template}`: {}",
                    incident.id,
                    error_chain(&e)
                )
            })?;
            // Without the template file's last newline: a fragment goes
            // inside other markup, sometimes in the middle of a line.
            Ok::<_, String>(html.trim().to_string())
        };
        let render = |template: &str| render_in(template, &context);
        // The first rows alone, for root-cause pages, when there are more.
        let cause_item_rows = if items.len() > views::CAUSE_ITEMS_SHOWN {
            let data = Data {
                incident,
                items: &items[..views::CAUSE_ITEMS_SHOWN],
                site: self.site,
            };
            let first = Context::from_serialize(data).map_err(|e| error_chain(&e))?;
            render_in("action-item-rows.html", &first)?
        } else {
            String::new()
        };
        Ok(views::IncidentFragments {
            card: render("card.html")?,
            reference: render("reference.html")?,
            action_item_rows: if items.is_empty() {
                String::new()
            } else {
                render("action-item-rows.html")?
            },
            cause_item_rows,
        })
    }
}

fn plan<'a>(analysis: &'a Analysis, kb: &'a KnowledgeBase, absolute: bool) -> Vec<Job<'a>> {
    let mut jobs = vec![
        Job::Home,
        Job::AllIncidents,
        Job::Causes,
        Job::NotFound,
        Job::Robots,
    ];
    // A sitemap must list absolute URLs; without an absolute base URL there is none.
    if absolute {
        jobs.push(Job::Sitemap);
    }
    jobs.push(Job::Feed(
        String::new(),
        kb.config.site.title.clone(),
        &analysis.incidents,
    ));
    jobs.extend(analysis.incidents.iter().map(|&i| Job::Incident(i)));
    for (id, list) in &analysis.causes {
        jobs.push(Job::Cause(id, list));
        jobs.push(Job::Feed(
            paths::cause(id),
            format!("Root cause {id}"),
            list,
        ));
    }
    for taxonomy in [
        Taxonomy::Services,
        Taxonomy::Tags,
        Taxonomy::Severities,
        Taxonomy::Years,
    ] {
        jobs.push(Job::Taxonomy(taxonomy));
    }
    for (name, list) in &analysis.services {
        jobs.push(Job::Term(
            Taxonomy::Services,
            name.clone(),
            paths::service(name),
            list,
        ));
        jobs.push(Job::Feed(
            paths::service(name),
            format!("Incidents in {name}"),
            list,
        ));
    }
    for (slug, (name, list)) in &analysis.tags {
        jobs.push(Job::Term(
            Taxonomy::Tags,
            name.clone(),
            paths::tag(slug),
            list,
        ));
    }
    for (rank, list) in analysis.severities.iter().enumerate() {
        let name = &kb.config.template.severities[rank];
        if !list.is_empty() {
            jobs.push(Job::Term(
                Taxonomy::Severities,
                name.clone(),
                paths::severity(name),
                list,
            ));
        }
    }
    for (year, list) in &analysis.years {
        jobs.push(Job::Term(
            Taxonomy::Years,
            year.to_string(),
            paths::year(*year),
            list,
        ));
    }
    jobs
}

struct Renderer<'a> {
    metrics: &'a crate::analysis::metrics::Metrics,
    theme: &'a Theme,
    views: &'a Views<'a>,
    site: &'a SiteView,
}

impl Renderer<'_> {
    fn page(
        &self,
        kind: &'static str,
        title: String,
        path: String,
        feed: Option<String>,
    ) -> PageView {
        let urls = self.views.urls;
        PageView {
            kind,
            title: text::strip_control(&title).into_owned(),
            url: urls.page(&path),
            permalink: urls.absolute(&path),
            feed_url: feed.map(|f| urls.page(&f)),
            section: path
                .split_once('/')
                .map_or("", |(first, _)| first)
                .to_string(),
            path,
        }
    }

    fn render_template(
        &self,
        template: &str,
        out_path: String,
        page: PageView,
        data: impl Serialize,
    ) -> Result<(String, Vec<u8>), String> {
        let mut context = Context::from_serialize(data).map_err(|e| error_chain(&e))?;
        context.insert("site", self.site);
        context.insert("page", &page);
        let html = self.theme.tera.render(template, &context).map_err(|e| {
            format!(
                "cannot render {out_path} with template `{template}`: {}",
                error_chain(&e)
            )
        })?;
        Ok((out_path, html.into_bytes()))
    }

    fn render(&self, job: &Job<'_>) -> Result<(String, Vec<u8>), String> {
        let views = self.views;
        let analysis = views.analysis;
        let kb = views.kb;
        let urls = views.urls;
        match job {
            Job::Home => {
                let severities: Vec<Term> = kb
                    .config
                    .template
                    .severities
                    .iter()
                    .zip(&analysis.severities)
                    .map(|(name, list)| Term {
                        name: name.clone(),
                        url: urls.page(&paths::severity(name)),
                        count: list.len(),
                    })
                    .collect();
                let items = analysis
                    .incidents
                    .iter()
                    .flat_map(|&i| &kb.postmortems[i].action_items);
                let (mut open, mut overdue) = (0, 0);
                for item in items {
                    if !item.status.is_closed() {
                        open += 1;
                    }
                    if analysis.is_overdue(item.due.as_ref().map(|d| d.value), item.status) {
                        overdue += 1;
                    }
                }
                #[derive(Serialize)]
                struct Home<'a> {
                    latest: Vec<&'a IncidentLink>,
                    total: usize,
                    severities: Vec<Term>,
                    top_causes: Vec<CauseSummary>,
                    open_items: usize,
                    overdue_items: usize,
                    services: usize,
                    tags: usize,
                    years: Vec<Term>,
                    /// Distinct root causes, and those seen in more than one incident.
                    causes: usize,
                    recurring_causes: usize,
                    /// The current quarter's headline numbers.
                    quarter: learning::Headline,
                    /// Past incidents whose anniversary is this week.
                    on_this_day: Vec<learning::Anniversary<'a>>,
                }
                let mut top_causes = self.cause_summaries();
                let causes = top_causes.len();
                let recurring_causes = top_causes.iter().filter(|c| c.count > 1).count();
                top_causes.truncate(5);
                let home = Home {
                    latest: views
                        .links(&analysis.incidents[..analysis.incidents.len().min(HOME_LATEST)]),
                    total: analysis.incidents.len(),
                    severities,
                    top_causes,
                    open_items: open,
                    overdue_items: overdue,
                    services: analysis.services.len(),
                    tags: analysis.tags.len(),
                    causes,
                    recurring_causes,
                    quarter: self.headline(),
                    on_this_day: self.on_this_day(),
                    years: analysis
                        .years
                        .iter()
                        .rev()
                        .map(|(y, list)| Term {
                            name: y.to_string(),
                            url: urls.page(&paths::year(*y)),
                            count: list.len(),
                        })
                        .collect(),
                };
                let page = self.page(
                    "home",
                    self.site.title.clone(),
                    String::new(),
                    Some("atom.xml".into()),
                );
                self.render_template("index.html", "index.html".into(), page, home)
            }
            Job::AllIncidents => {
                /// A row of the table: the list view, and the names of the
                /// services it does not show, so the service filter still
                /// finds the incident (one page, so this stays linear).
                #[derive(Serialize)]
                struct Row<'a> {
                    #[serde(flatten)]
                    link: &'a IncidentLink,
                    more_services: Vec<&'a str>,
                }
                #[derive(Serialize)]
                struct All<'a> {
                    incidents: Vec<Row<'a>>,
                    services: Vec<String>,
                }
                let data = All {
                    incidents: analysis
                        .incidents
                        .iter()
                        .map(|&i| Row {
                            link: views.link(i),
                            more_services: kb.postmortems[i]
                                .services
                                .iter()
                                .skip(views::SERVICES_SHOWN)
                                .map(|s| s.as_str())
                                .collect(),
                        })
                        .collect(),
                    services: analysis.services.keys().cloned().collect(),
                };
                let page = self.page(
                    "incidents",
                    "All incidents".into(),
                    "incidents/".into(),
                    Some("atom.xml".into()),
                );
                self.render_template("incidents.html", "incidents/index.html".into(), page, data)
            }
            Job::Incident(i) => {
                let incident = views.incident(*i);
                let path = paths::incident(&incident.link.id);
                let page = self.page("incident", incident.link.title.clone(), path.clone(), None);
                #[derive(Serialize)]
                struct Data<'a> {
                    incident: views::IncidentView<'a>,
                }
                self.render_template(
                    "incident.html",
                    format!("{path}index.html"),
                    page,
                    Data { incident },
                )
            }
            Job::Causes => {
                #[derive(Serialize)]
                struct Data {
                    causes: Vec<CauseSummary>,
                }
                let page = self.page("causes", "Root causes".into(), "causes/".into(), None);
                self.render_template(
                    "causes.html",
                    "causes/index.html".into(),
                    page,
                    Data {
                        causes: self.cause_summaries(),
                    },
                )
            }
            Job::Cause(id, list) => self.cause_page(id, list),
            Job::Taxonomy(t) => {
                let terms: Vec<Term> = match t {
                    Taxonomy::Services => analysis
                        .services
                        .iter()
                        .map(|(n, l)| Term {
                            name: n.clone(),
                            url: urls.page(&paths::service(n)),
                            count: l.len(),
                        })
                        .collect(),
                    Taxonomy::Tags => analysis
                        .tags
                        .iter()
                        .map(|(s, (n, l))| Term {
                            name: n.clone(),
                            url: urls.page(&paths::tag(s)),
                            count: l.len(),
                        })
                        .collect(),
                    Taxonomy::Severities => kb
                        .config
                        .template
                        .severities
                        .iter()
                        .zip(&analysis.severities)
                        .filter(|(_, l)| !l.is_empty())
                        .map(|(n, l)| Term {
                            name: n.clone(),
                            url: urls.page(&paths::severity(n)),
                            count: l.len(),
                        })
                        .collect(),
                    Taxonomy::Years => analysis
                        .years
                        .iter()
                        .rev()
                        .map(|(y, l)| Term {
                            name: y.to_string(),
                            url: urls.page(&paths::year(*y)),
                            count: l.len(),
                        })
                        .collect(),
                };
                #[derive(Serialize)]
                struct Data {
                    taxonomy: TaxonomyView,
                }
                #[derive(Serialize)]
                struct TaxonomyView {
                    kind: &'static str,
                    title: &'static str,
                    terms: Vec<Term>,
                }
                let path = format!("{}/", t.slug());
                let page = self.page("taxonomy", t.title().into(), path.clone(), None);
                let data = Data {
                    taxonomy: TaxonomyView {
                        kind: t.singular(),
                        title: t.title(),
                        terms,
                    },
                };
                self.render_template("taxonomy.html", format!("{path}index.html"), page, data)
            }
            Job::Term(t, name, path, list) => {
                #[derive(Serialize)]
                struct Data<'a> {
                    term: TermView<'a>,
                }
                #[derive(Serialize)]
                struct TermView<'a> {
                    kind: &'static str,
                    taxonomy: Link,
                    name: String,
                    incidents: Vec<&'a IncidentLink>,
                }
                let title = match t {
                    Taxonomy::Services => format!("Incidents in {name}"),
                    Taxonomy::Tags => format!("Incidents tagged {name}"),
                    Taxonomy::Severities => format!("{name} incidents"),
                    Taxonomy::Years => format!("Incidents in {name}"),
                };
                let feed = (*t == Taxonomy::Services).then(|| format!("{path}atom.xml"));
                let page = self.page("term", title, path.clone(), feed);
                let data = Data {
                    term: TermView {
                        kind: t.singular(),
                        taxonomy: Link {
                            name: t.title().into(),
                            url: urls.page(&format!("{}/", t.slug())),
                        },
                        name: name.clone(),
                        incidents: views.links(list),
                    },
                };
                self.render_template("term.html", format!("{path}index.html"), page, data)
            }
            Job::Feed(path, title, list) => self.feed(path, title, list),
            Job::Sitemap => {
                let mut pages: Vec<String> =
                    vec![String::new(), "incidents/".into(), "causes/".into()];
                pages.extend(
                    analysis
                        .incidents
                        .iter()
                        .map(|&i| paths::incident(&kb.postmortems[i].id)),
                );
                pages.extend(analysis.causes.keys().map(|c| paths::cause(c)));
                pages.extend(analysis.services.keys().map(|s| paths::service(s)));
                pages.extend(analysis.tags.keys().map(|t| paths::tag(t)));
                pages.extend(analysis.years.keys().map(|y| paths::year(*y)));
                pages.extend(
                    kb.config
                        .template
                        .severities
                        .iter()
                        .zip(&analysis.severities)
                        .filter(|(_, list)| !list.is_empty())
                        .map(|(name, _)| paths::severity(name)),
                );
                pages.extend(
                    [
                        "services/",
                        "tags/",
                        "severities/",
                        "years/",
                        "quarters/",
                        "metrics/",
                        "action-items/",
                    ]
                    .map(String::from),
                );
                pages.extend(
                    self.metrics
                        .quarters
                        .iter()
                        .filter(|(_, m)| m.incidents > 0)
                        .map(|(q, _)| learning::quarter_path(*q)),
                );
                pages.sort();
                #[derive(Serialize)]
                struct Data {
                    urls: Vec<String>,
                }
                let data = Data {
                    urls: pages.iter().map(|p| urls.absolute(p)).collect(),
                };
                let page = self.page("sitemap", "Sitemap".into(), "sitemap.xml".into(), None);
                self.render_template("sitemap.xml", "sitemap.xml".into(), page, data)
            }
            Job::NotFound => {
                let page = self.page("404", "Page not found".into(), "404.html".into(), None);
                self.render_template("404.html", "404.html".into(), page, serde_json::json!({}))
            }
            Job::Learning(job) => self.learning(job),
            Job::Robots => {
                let page = self.page("robots", "robots.txt".into(), "robots.txt".into(), None);
                self.render_template(
                    "robots.txt",
                    "robots.txt".into(),
                    page,
                    serde_json::json!({}),
                )
            }
        }
    }

    /// Every root cause, most recurrent first.
    fn cause_summaries(&self) -> Vec<CauseSummary> {
        let views = self.views;
        let pms = &views.kb.postmortems;
        let mut causes: Vec<CauseSummary> = views
            .analysis
            .causes
            .iter()
            .map(|(id, list)| CauseSummary {
                id: id.clone(),
                title: views.cause_title(id),
                url: views.urls.page(&paths::cause(id)),
                category: self.cause_category(id, list),
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

    fn cause_category(&self, id: &str, list: &[usize]) -> Option<String> {
        let kb = self.views.kb;
        kb.catalogue
            .as_ref()
            .and_then(|c| c.causes.get(id))
            .and_then(|e| e.category.clone())
            .or_else(|| {
                list.iter()
                    .flat_map(|&i| &kb.postmortems[i].root_causes)
                    .find(|c| c.id.as_str() == id)
                    .and_then(|c| c.category.clone())
            })
    }

    fn cause_page(&self, id: &str, list: &[usize]) -> Result<(String, Vec<u8>), String> {
        let views = self.views;
        let kb = views.kb;
        let pms = &kb.postmortems;
        #[derive(Serialize)]
        struct CauseIncident<'a> {
            #[serde(flatten)]
            link: views::IncidentRef<'a>,
            /// The first few services, as on the incident's card.
            services: &'a [Link],
            services_more: usize,
            /// The cause's role in this incident.
            kind: &'static str,
            description: Option<String>,
        }
        #[derive(Serialize)]
        struct CauseView<'a> {
            id: String,
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
        let mut services: Vec<&str> = list
            .iter()
            .flat_map(|&i| pms[i].services.iter().map(|s| s.as_str()))
            .collect();
        services.sort_unstable();
        services.dedup();
        // A cause page per cause, each naming the services of its
        // incidents: with one incident of many causes and many services,
        // listing them all would repeat the whole list on every cause page.
        let services_more = services.len().saturating_sub(CAUSE_SERVICES);
        services.truncate(CAUSE_SERVICES);
        let mut severities: Vec<Term> = Vec::new();
        for (rank, name) in kb.config.template.severities.iter().enumerate() {
            let count = list
                .iter()
                .filter(|&&i| pms[i].severity.rank == rank)
                .count();
            if count > 0 {
                severities.push(Term {
                    name: name.clone(),
                    url: views.urls.page(&paths::severity(name)),
                    count,
                });
            }
        }
        let entry = kb.catalogue.as_ref().and_then(|c| c.causes.get(id));
        let cause = CauseView {
            id: id.to_string(),
            title: views.cause_title(id),
            category: self.cause_category(id, list),
            description: entry.and_then(|e| e.description.clone()),
            count: list.len(),
            first_seen: pms[list[0]].date.to_string(),
            last_seen: pms[*list.last().unwrap()].date.to_string(),
            services: services
                .iter()
                .map(|s| Link {
                    name: s.to_string(),
                    url: views.urls.page(&paths::service(s)),
                })
                .collect(),
            services_more,
            severities,
            incidents: list
                .iter()
                .map(|&i| {
                    let rc = pms[i].root_causes.iter().find(|c| c.id.as_str() == id);
                    let link = views.link(i);
                    CauseIncident {
                        link: views.reference(i, i),
                        services: &link.services,
                        services_more: link.services_more,
                        kind: rc.map_or("root", |c| views::cause_kind_str(c.kind)),
                        description: rc.and_then(|c| c.description.clone()),
                    }
                })
                .collect(),
            action_items: list
                .iter()
                .filter(|&&i| !pms[i].action_items.is_empty())
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
                .map(|n| NotHeld {
                    incident: views.reference(n.incident, n.incident),
                    fixed_in: views.reference(n.fixed_in, n.incident),
                    items: n
                        .items
                        .iter()
                        .take(views::CAUSE_ITEMS_SHOWN)
                        .map(|&k| views.action_item(&pms[n.fixed_in].action_items[k]))
                        .collect(),
                    items_more: n.items.len().saturating_sub(views::CAUSE_ITEMS_SHOWN),
                })
                .collect(),
        };
        let path = paths::cause(id);
        let page = self.page(
            "cause",
            cause.title.clone(),
            path.clone(),
            Some(format!("{path}atom.xml")),
        );
        #[derive(Serialize)]
        struct Data<'a> {
            cause: CauseView<'a>,
        }
        self.render_template(
            "cause.html",
            format!("{path}index.html"),
            page,
            Data { cause },
        )
    }

    fn feed(&self, path: &str, title: &str, list: &[usize]) -> Result<(String, Vec<u8>), String> {
        let views = self.views;
        let pms = &views.kb.postmortems;
        // Newest first; `list` may be in either order.
        let mut newest: Vec<usize> = list.to_vec();
        newest.sort_by(|&a, &b| {
            (pms[b].date.value, pms[a].id.as_str()).cmp(&(pms[a].date.value, pms[b].id.as_str()))
        });
        newest.truncate(FEED_ENTRIES);
        let entries: Vec<FeedEntry> = newest
            .iter()
            .map(|&i| {
                let pm = &pms[i];
                let day = pm
                    .published
                    .as_ref()
                    .map_or(pm.date.value, |p| p.value.max(pm.date.value));
                let path = paths::incident(&pm.id);
                FeedEntry {
                    title: pm.title.value.clone(),
                    id: views.urls.atom_id(&path),
                    url: views.urls.absolute(&path),
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
            entries: Vec<FeedEntry>,
        }
        let updated = entries
            .iter()
            .map(|e| e.updated.clone())
            .max()
            .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
        let feed_path = format!("{path}atom.xml");
        let feed = Feed {
            title: text::strip_control(title).into_owned(),
            id: views.urls.atom_id(&feed_path),
            alternate: views.urls.absolute(path),
            url: views.urls.absolute(&feed_path),
            updated,
            entries,
        };
        let page = self.page("feed", title.to_string(), feed_path.clone(), None);
        #[derive(Serialize)]
        struct Data {
            feed: Feed,
        }
        self.render_template("atom.xml", feed_path, page, Data { feed })
    }
}

/// Phase times on stderr when `HINDSIGHT_TIMINGS` is set: where a build's
/// time goes, for benchmarking without a profiler. The render phase is also
/// broken down by kind of page ([`Profile`]).
pub struct Timings(Option<(std::cell::Cell<std::time::Instant>, Profile)>);

/// Time spent rendering and writing each kind of page, summed over threads.
#[derive(Default)]
pub struct Profile(std::sync::Mutex<std::collections::BTreeMap<&'static str, ProfileRow>>);

#[derive(Default)]
struct ProfileRow {
    pages: usize,
    render: std::time::Duration,
    write: std::time::Duration,
}

impl Profile {
    fn add(&self, kind: &'static str, render: std::time::Duration, write: std::time::Duration) {
        // One short lock per page; only taken when timings are on.
        let mut rows = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let row = rows.entry(kind).or_default();
        row.pages += 1;
        row.render += render;
        row.write += write;
    }

    fn print(&self) {
        let rows = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let mut rows: Vec<_> = rows.iter().collect();
        rows.sort_by_key(|(_, r)| std::cmp::Reverse(r.render + r.write));
        for (kind, r) in rows {
            eprintln!(
                "timing:   {kind} ({} page{}): render {:.3} s, write {:.3} s (CPU)",
                r.pages,
                if r.pages == 1 { "" } else { "s" },
                r.render.as_secs_f64(),
                r.write.as_secs_f64()
            );
        }
    }
}

impl Timings {
    pub fn start() -> Self {
        Timings(std::env::var_os("HINDSIGHT_TIMINGS").map(|_| {
            (
                std::cell::Cell::new(std::time::Instant::now()),
                Profile::default(),
            )
        }))
    }

    /// Where to record the render phase, when timings are on.
    pub fn profile(&self) -> Option<&Profile> {
        self.0.as_ref().map(|(_, profile)| profile)
    }

    pub fn lap(&self, what: &str) {
        if let Some((last, _)) = &self.0 {
            let now = std::time::Instant::now();
            eprintln!("timing: {what}: {:.3} s", (now - last.get()).as_secs_f64());
            last.set(now);
        }
    }
}

/// The default output folder for a knowledge base.
pub fn default_output(root: &Path) -> PathBuf {
    root.join("public")
}
