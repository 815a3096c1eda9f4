//! A [`Job`]: one file of the site, where it goes and how to render it.
//!
//! Each page kind plans its own jobs (`pages::*::plan`), so a page's path is
//! written once, where the page is; the sitemap and the writer read it from
//! the job.

use anyhow::Context as _;

/// Where a job's output goes and what kind of output it is.
#[derive(Clone, Debug)]
pub struct Target {
    /// The kind of page (`incident`, `feed`…): `page.kind` in templates, and
    /// the row of `HINDSIGHT_TIMINGS`.
    pub kind: &'static str,
    /// Relative to the site root, as linked: a folder for an HTML page
    /// (`incidents/x/`, empty for the home page), else the file
    /// (`atom.xml`).
    pub path: String,
}

impl Target {
    /// The file written: `index.html` in a page's folder, or the file itself.
    pub fn file(&self) -> String {
        if self.path.is_empty() || self.path.ends_with('/') {
            format!("{}index.html", self.path)
        } else {
            self.path.clone()
        }
    }
}

type Render<'s> = Box<dyn Fn(&Target) -> anyhow::Result<Vec<u8>> + Send + Sync + 's>;

/// One file to render and write.
pub struct Job<'s> {
    pub target: Target,
    /// Whether the sitemap lists it: the HTML pages a reader lands on, not
    /// feeds, exports or the 404 page.
    pub in_sitemap: bool,
    render: Render<'s>,
}

impl<'s> Job<'s> {
    /// An HTML page in folder `path` (`incidents/x/`), listed in the sitemap.
    pub fn page(
        kind: &'static str,
        path: String,
        render: impl Fn(&Target) -> anyhow::Result<Vec<u8>> + Send + Sync + 's,
    ) -> Self {
        debug_assert!(path.is_empty() || path.ends_with('/'), "{path}");
        Job {
            target: Target { kind, path },
            in_sitemap: true,
            render: Box::new(render),
        }
    }

    /// Any other file (`atom.xml`, `metrics.json`, `404.html`), not in the sitemap.
    pub fn file(
        kind: &'static str,
        path: String,
        render: impl Fn(&Target) -> anyhow::Result<Vec<u8>> + Send + Sync + 's,
    ) -> Self {
        debug_assert!(!path.is_empty() && !path.ends_with('/'), "{path}");
        Job {
            target: Target { kind, path },
            in_sitemap: false,
            render: Box::new(render),
        }
    }

    /// The file's bytes.
    pub fn render(&self) -> anyhow::Result<Vec<u8>> {
        (self.render)(&self.target).with_context(|| format!("cannot render {}", self.target.file()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_written_as_index_files() {
        let job = |path: &str| Target {
            kind: "x",
            path: path.into(),
        };
        assert_eq!(job("").file(), "index.html");
        assert_eq!(job("incidents/a/").file(), "incidents/a/index.html");
        assert_eq!(job("causes/c/atom.xml").file(), "causes/c/atom.xml");
    }

    #[test]
    fn errors_name_the_file() {
        let job = Job::file("feed", "atom.xml".into(), |_| anyhow::bail!("no template"));
        let err = job.render().unwrap_err();
        assert_eq!(format!("{err:#}"), "cannot render atom.xml: no template");
    }
}
