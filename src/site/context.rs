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
    /// What the page is about, in plain text of at most
    /// [`DESCRIPTION_CHARS`] characters: `<meta name="description">` and the
    /// Open Graph and Twitter card description, which search results and
    /// chat link previews show. An incident's is its summary; elsewhere the
    /// site's `description`, or a sentence about the page.
    pub description: String,
}

/// The longest page description, in characters: about what search results
/// and link previews show before they cut it themselves.
pub const DESCRIPTION_CHARS: usize = 160;

/// `text` as one line of at most [`DESCRIPTION_CHARS`] characters: white
/// space (newlines too) collapsed, and a longer text cut at a word boundary
/// with `…`. (Escaping is the template's: tera escapes `{{ }}` in `.html`.)
pub fn description(text: &str) -> String {
    let line = text::collapse_whitespace(text);
    let line = line.trim();
    if line.chars().count() <= DESCRIPTION_CHARS {
        return line.to_string();
    }
    // Room for the `…`.
    let (cut, _) = line
        .char_indices()
        .nth(DESCRIPTION_CHARS - 1)
        .expect("longer than the limit");
    let head = &line[..cut];
    // At the last space, unless that loses most of the text (one very long
    // word): then mid-word.
    let head = match head.rfind(' ') {
        Some(space) if space > cut / 2 => &head[..space],
        _ => head,
    };
    format!(
        "{}…",
        head.trim_end_matches(|c: char| c.is_whitespace() || ",;:".contains(c))
    )
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
        let title = text::strip_control(title).into_owned();
        PageView {
            kind: target.kind,
            description: self.default_description(target.kind, &title),
            url: self.urls.page(&path),
            permalink: self.urls.absolute(&path),
            feed_url: feed.map(|f| self.urls.page(f)),
            section: path
                .split_once('/')
                .map_or("", |(first, _)| first)
                .to_string(),
            path,
            title,
        }
    }

    /// A page's description when it has none of its own: a sentence about
    /// the main lists (what a link to them shows in chat), else the site's
    /// `description`, else the page and site titles.
    fn default_description(&self, kind: &str, title: &str) -> String {
        let site = &self.view.title;
        let configured = self
            .view
            .description
            .as_deref()
            .filter(|d| !d.trim().is_empty());
        let sentence = match kind {
            "incidents" => format!(
                "Every post-mortem in {site}, newest first, with its severity, services and status."
            ),
            "action-items" => format!(
                "Open action items from the post-mortems in {site}: owner, due date, age and status, overdue first."
            ),
            "metrics" => format!(
                "Reliability metrics from {site}: incidents per quarter and severity, and the time to detect, mitigate and resolve them."
            ),
            "causes" => format!("The root causes found in {site}, and how often each recurred."),
            _ => match configured {
                Some(d) => d.to_string(),
                None if kind == "home" => format!(
                    "{site}. Blameless incident post-mortems: what happened, why, and what changed."
                ),
                None => format!("{title} · {site}. Blameless incident post-mortems."),
            },
        };
        description(&sentence)
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

#[cfg(test)]
mod tests {
    use super::{DESCRIPTION_CHARS, description};

    #[test]
    fn a_short_text_is_one_line_unchanged() {
        assert_eq!(
            description("  The \"pool\" ran\n out <fast> & hard.\n"),
            "The \"pool\" ran out <fast> & hard."
        );
    }

    #[test]
    fn a_long_text_is_cut_at_a_word_with_an_ellipsis() {
        let text = "word ".repeat(100);
        let d = description(&text);
        assert!(d.ends_with("word…"), "{d}");
        assert!(d.chars().count() <= DESCRIPTION_CHARS, "{d}");
        // One word longer than the limit is cut mid-word.
        let d = description(&"é".repeat(500));
        assert_eq!(d.chars().count(), DESCRIPTION_CHARS);
        assert!(d.ends_with("é…"));
    }
}
