//! `hindsight build`: analyse the checked knowledge base, render every page
//! in parallel, and write the site atomically.
//!
//! The stages: the theme, the analysis and metrics, the [`views`] every
//! page shares (incident fragments rendered once), then one `Job`
//! per file, planned by the page kinds in `pages` and rendered with rayon.
//! Each file's bytes depend only on the input, so the output is
//! byte-identical whatever the thread count.

mod context;
pub mod exports;
mod fragments;
mod job;
mod kept;
pub mod learning;
pub mod output;
mod pages;
pub mod paginate;
mod timings;
pub mod views;

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Context as _;
use rayon::prelude::*;

use crate::analysis::{self, Analysis, Selection};
use crate::content::KnowledgeBase;
use crate::render::theme::Theme;
use crate::search::related;
use context::Site;
use fragments::ThemeFragments;
pub use job::{Job, Target};
pub use kept::BuildCache;
use output::Staging;
pub use timings::Timings;
use views::{SiteView, Urls, Views, paths};

/// How to build.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// Output folder; default `public/` in the knowledge base.
    pub out: Option<PathBuf>,
    /// Include drafts.
    pub drafts: bool,
    /// Overrides `[site] base_url`.
    pub base_url: Option<String>,
    /// The related incidents, when `check` already computed them for this
    /// selection ([`crate::validate::Report::related`]; without `--drafts`
    /// only): computing them is a good part of a large build.
    pub related: Option<Vec<Vec<crate::search::related::Related>>>,
    /// Told how rendering goes, to draw a progress bar (the CLI's, on a
    /// terminal); the site draws nothing itself.
    pub progress: Option<std::sync::Arc<dyn Progress>>,
    /// What the last build kept for this one (`serve`, which builds again
    /// after every save).
    pub cache: Option<std::sync::Arc<BuildCache>>,
}

/// How rendering goes: `start` with the number of files, `done` after each,
/// `finish` at the end. Called from the render threads.
pub trait Progress: Send + Sync {
    fn start(&self, files: usize);
    fn done(&self);
    fn finish(&self);
}

impl std::fmt::Debug for dyn Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
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

/// The site, planned and not yet written: every file's [`Job`], the
/// theme's static files and the attachments. `build` renders and writes it
/// all; `serve` renders a file when it is asked for.
pub struct Plan<'s> {
    pub jobs: Vec<Job<'s>>,
    /// The theme's files (`style.css`…), by path; a job of the same path wins.
    pub static_files: &'s std::collections::BTreeMap<String, Vec<u8>>,
    /// The attachments: where each is published (`incidents/x/graph.png`),
    /// and the file in the knowledge base it is read from.
    pub attachments: Vec<(String, PathBuf)>,
    /// The incidents on the site.
    pub incidents: usize,
    /// Whether the base URL was absolute (feeds and the sitemap need one).
    pub absolute: bool,
    site: &'s Site<'s>,
}

impl Plan<'_> {
    /// The in-browser search's data files (`search/*.json.gz`…, by path
    /// inside `search/`). Not among the jobs: much of making them runs on
    /// one thread, so `build` makes them beside the pages and `serve` on the
    /// first search.
    pub fn search_data(&self) -> Vec<(String, Vec<u8>)> {
        pages::search_data(self.site)
    }
}

/// Plans the site of a knowledge base that passed validation, and hands
/// the plan to `f`: everything the pages are made from lives until `f`
/// returns.
pub fn with_plan<R>(
    kb: &KnowledgeBase,
    options: &BuildOptions,
    timer: &Timings,
    f: impl FnOnce(&Plan<'_>) -> anyhow::Result<R>,
) -> anyhow::Result<R> {
    let selection = Selection {
        drafts: options.drafts,
    };
    let cache = options.cache.as_deref();
    let today = analysis::today();
    // The related incidents go beside everything up to the pages: the
    // other steps run on one thread each, and they fill the other core.
    let (((theme, history, metrics), analysis), similar) = rayon::join(
        || {
            rayon::join(
                || {
                    let theme = Theme::load(&kb.root, kb.config.site.theme.as_deref());
                    // Git's record of each post-mortem, when the knowledge
                    // base is in a repository (one walk of the history).
                    let history = crate::content::history::read(kb);
                    let metrics = crate::analysis::metrics::compute(kb, today, history.as_ref());
                    (theme, history, metrics)
                },
                || Analysis::new(kb, selection, today),
            )
        },
        || match options.related.as_deref().filter(|_| !options.drafts) {
            Some(lists) if lists.len() == kb.postmortems.len() => Cow::Borrowed(lists),
            _ => {
                let pms = &kb.postmortems;
                let selected: Vec<usize> = (0..pms.len())
                    .filter(|&i| selection.includes(&pms[i]))
                    .collect();
                Cow::Owned(related::compute_with(
                    kb,
                    &selected,
                    &related::Options::from(&kb.config.related),
                    cache.map(|c| &c.related),
                ))
            }
        },
    );
    let theme = theme?;
    let urls = Urls::new(
        options
            .base_url
            .as_deref()
            .unwrap_or(&kb.config.site.base_url),
    );
    let site_view = SiteView {
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
        site: &site_view,
    };
    let views = Views::new(
        kb,
        &analysis,
        &urls,
        &fragments,
        cache.map(|c| &c.incidents),
        similar,
        history.as_ref(),
    )?;
    timer.lap("theme, analysis, metrics, views and fragments");
    let site = Site::new(&views, &metrics, &theme, &site_view);
    let jobs = pages::plan(&site);
    timer.lap("plan pages");
    let plan = Plan {
        jobs,
        static_files: &theme.static_files,
        attachments: attachments(kb, &analysis),
        incidents: analysis.incidents.len(),
        absolute: urls.is_absolute(),
        site: &site,
    };
    f(&plan)
}

/// Builds the site for a knowledge base that passed validation.
pub fn build(kb: &KnowledgeBase, options: &BuildOptions) -> anyhow::Result<Built> {
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| kb.root.join("public"));
    // The knowledge base is kept out of reach of the output, whatever
    // marker it holds: checked now, before the work, and again in `commit`.
    let keep = output::Keep::knowledge_base(&kb.root, &kb.content_dir);
    output::check_target(&out, &keep)?;
    let timer = Timings::start();
    with_plan(kb, options, &timer, |plan| {
        let jobs = &plan.jobs;
        let staging = Staging::new(&out, &keep)?;
        let bytes = AtomicUsize::new(0);
        // Pages are written as they are rendered: memory stays flat however
        // large the site. Each page's bytes depend only on the input, so the
        // order threads finish in does not matter.
        let profile = timer.profile();
        let progress = options.progress.as_deref();
        if let Some(p) = progress {
            p.start(jobs.len());
        }
        let (pages, search_files) = rayon::join(
            || {
                jobs.par_iter().try_for_each(|job| {
                    let started = profile.map(|_| std::time::Instant::now());
                    let data = job.render()?;
                    let rendered = profile.map(|_| std::time::Instant::now());
                    bytes.fetch_add(data.len(), Ordering::Relaxed);
                    staging.write(&job.target.file(), &data)?;
                    if let (Some(profile), Some(started), Some(rendered)) =
                        (profile, started, rendered)
                    {
                        profile.add(job.target.kind, rendered - started, rendered.elapsed());
                    }
                    if let Some(p) = progress {
                        p.done();
                    }
                    anyhow::Ok(())
                })
            },
            // The search data beside the pages, not before them: much of
            // making it runs on one thread, and the pages fill the other
            // core meanwhile.
            || {
                let data = plan.search_data();
                for (path, file) in &data {
                    bytes.fetch_add(file.len(), Ordering::Relaxed);
                    staging.write(&format!("search/{path}"), file)?;
                }
                anyhow::Ok(data.len())
            },
        );
        pages?;
        let search_files = search_files?;
        if let Some(p) = progress {
            p.finish();
        }
        timer.lap("render and write pages");
        if let Some(profile) = profile {
            profile.print();
        }
        let mut files = jobs.len() + search_files;
        for (path, data) in plan.static_files {
            // A page wins over a static file of the same name.
            if staging.write_if_absent(path, data)? {
                files += 1;
                bytes.fetch_add(data.len(), Ordering::Relaxed);
            }
        }
        for (rel, path) in &plan.attachments {
            let data =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            if staging.write_if_absent(rel, &data)? {
                files += 1;
                bytes.fetch_add(data.len(), Ordering::Relaxed);
            }
        }
        staging.commit()?;
        timer.lap("static files, attachments, swap in");
        Ok(Built {
            out: out.clone(),
            incidents: plan.incidents,
            files: files + 1,
            bytes: bytes.into_inner(),
            absolute: plan.absolute,
        })
    })
}

/// Attachments: the images and files a post-mortem links to beside it,
/// published next to its page so the same relative link works there. Only
/// files inside the knowledge base are ever listed (a link out is an
/// `outside-root` error in `check`). The first of two of the same path wins.
fn attachments(kb: &KnowledgeBase, analysis: &Analysis) -> Vec<(String, PathBuf)> {
    let canonical_root = crate::content::paths::canonical_root(&kb.root);
    let mut out = Vec::new();
    for &i in &analysis.incidents {
        let pm = &kb.postmortems[i];
        for attachment in crate::validate::links::attachments(kb, &canonical_root, pm) {
            let rel = format!("{}{}", paths::incident(&pm.id), attachment.rel);
            out.push((rel, attachment.path));
        }
    }
    out
}
