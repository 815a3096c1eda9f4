//! [`Site`]: what every page reads, and the small API pages render with.
//! Page modules (`pages/*`) depend on this; nothing here knows a page.

use anyhow::Context as _;
use serde::Serialize;

use super::job::Target;
use super::views::{SiteView, Urls, Views};
use crate::analysis::Analysis;
use crate::analysis::metrics::Metrics;
use crate::content::KnowledgeBase;
use crate::render::theme::Theme;
use crate::text;

/// Everything a page is made from: the knowledge base, its analysis and
/// metrics, the views built once for all pages, and the theme.
pub struct Site<'a> {
    pub kb: &'a KnowledgeBase,
    pub analysis: &'a Analysis,
    pub metrics: &'a Metrics,
    pub views: &'a Views<'a>,
    pub urls: &'a Urls,
    pub theme: &'a Theme,
    /// `site` in every template.
    pub view: &'a SiteView,
}

/// `page` in every template.
#[derive(Serialize)]
pub struct PageView {
    /// `home`, `incidents`, `incident`, `causes`, `cause`, `taxonomy`, `term`,
    /// `feed`, `quarter`, `quarters`, `metrics`, `action-items`, `404`…
    pub kind: &'static str,
    pub title: String,
    /// Path relative to the site root (`incidents/x/`).
    pub path: String,
    /// The path's first folder (`incidents`), empty for files at the root:
    /// which part of the site the page is in.
    pub section: String,
    /// Link to the page (base path included).
    pub url: String,
    /// Absolute URL (for canonical links and feeds).
    pub permalink: String,
    /// This page's Atom feed, if it has one.
    pub feed_url: Option<String>,
}

impl<'a> Site<'a> {
    pub fn new(
        views: &'a Views<'a>,
        metrics: &'a Metrics,
        theme: &'a Theme,
        view: &'a SiteView,
    ) -> Self {
        Site {
            kb: views.kb,
            analysis: views.analysis,
            urls: views.urls,
            metrics,
            views,
            theme,
            view,
        }
    }

    /// The `page` of `target`, titled `title`, with the feed at `feed` (a
    /// path relative to the site root).
    pub fn page(&self, target: &Target, title: &str, feed: Option<&str>) -> PageView {
        let path = target.path.clone();
        PageView {
            kind: target.kind,
            title: text::strip_control(title).into_owned(),
            url: self.urls.page(&path),
            permalink: self.urls.absolute(&path),
            feed_url: feed.map(|f| self.urls.page(f)),
            section: path
                .split_once('/')
                .map_or("", |(first, _)| first)
                .to_string(),
            path,
        }
    }

    /// Renders `template` with `data`'s fields, `site` and `page`.
    pub fn render(
        &self,
        template: &str,
        page: PageView,
        data: impl Serialize,
    ) -> anyhow::Result<Vec<u8>> {
        let mut context = tera::Context::from_serialize(data)?;
        context.insert("site", self.view);
        context.insert("page", &page);
        let html = self
            .theme
            .tera
            .render(template, &context)
            .with_context(|| format!("template `{template}`"))?;
        Ok(html.into_bytes())
    }

    /// `data` as one line of JSON (a file ends with a newline).
    pub fn json(&self, data: impl Serialize) -> anyhow::Result<Vec<u8>> {
        let mut json = serde_json::to_vec(&data)?;
        json.push(b'\n');
        Ok(json)
    }
}
