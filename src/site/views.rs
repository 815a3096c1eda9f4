//! What templates see: plain serializable views built from the model and
//! the analysis. Field names here are the stable template API, listed in
//! the guide (docs/templates.md); add fields freely, rename none.

use std::sync::Arc;

use serde::Serialize;

use crate::analysis::Analysis;
use crate::analysis::metrics::ResponseTimes;
use crate::content::history::History;
use crate::content::{ActionItem, CauseKind, ItemKind, ItemStatus, KnowledgeBase, PostMortem};
use crate::render::markdown;
use crate::search::related;
use crate::text::{duration, encode_path, thousands};

pub use super::kept::Kept;

/// The most recurrences an incident page lists for one cause.
pub const RECURRENCES_SHOWN: usize = 6;

/// The most services an incident shows where it is repeated on other pages
/// (its card, its row in the incidents table, its entry on a cause page).
/// An incident appears on the page of each of its services: showing them
/// all on each would make the site grow with the square of the list, so
/// lists show the first few and "and N more", linking to the incident page.
pub const SERVICES_SHOWN: usize = 5;

/// The longest summary, in characters, that cards and feed entries repeat.
/// A summary is on the card of every list the incident is in (each of its
/// services, tags, causes, its year...) and in as many feeds: one of a
/// megabyte would be copied onto every one of those pages.
pub const SUMMARY_CHARS: usize = 1_000;

/// `text` cut to [`SUMMARY_CHARS`] characters at a space, with `…`, when it
/// is longer. (Cut Markdown may leave a `**` or `[` open; it then shows as
/// written, and rendering stays safe.)
pub fn excerpt(text: &str) -> std::borrow::Cow<'_, str> {
    let Some((cut, _)) = text.char_indices().nth(SUMMARY_CHARS) else {
        return std::borrow::Cow::Borrowed(text);
    };
    let head = &text[..cut];
    let head = head
        .rfind(char::is_whitespace)
        .map_or(head, |space| &head[..space]);
    std::borrow::Cow::Owned(format!("{}…", head.trim_end()))
}

/// The most action items of one incident a root-cause page lists (the
/// incident page has them all), for the same reason: an incident is on the
/// page of each of its causes.
pub const CAUSE_ITEMS_SHOWN: usize = 20;

/// Site-wide values, in every template as `site`.
#[derive(Clone, Debug, Hash, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: Option<String>,
    /// Absolute base URL with a trailing slash, as configured (or `--base-url`).
    pub base_url: String,
    /// The path part of `base_url` (`/` or `/sub/`); every internal link starts with it.
    pub base_path: String,
    /// Whether `base_url` is an absolute http(s) URL: only then are there a
    /// sitemap and absolute links in feeds.
    pub absolute: bool,
    /// The build's date (`SOURCE_DATE_EPOCH` pins it), `YYYY-MM-DD`.
    pub today: String,
    /// Configured severities, worst first.
    pub severities: Vec<String>,
    /// Whether drafts are included (`--drafts`).
    pub drafts: bool,
}

/// Builds URLs under the base path.
#[derive(Clone, Debug)]
pub struct Urls {
    pub base_url: String,
    pub base_path: String,
}

impl Urls {
    pub fn new(base_url: &str) -> Urls {
        // The base URL is in every feed and the sitemap: no control characters.
        let mut base_url = crate::text::strip_control(base_url.trim()).into_owned();
        if !base_url.ends_with('/') {
            base_url.push('/');
        }
        let base_path = match base_url.split_once("://") {
            Some((_, rest)) => match rest.find('/') {
                Some(i) => rest[i..].to_string(),
                None => "/".to_string(),
            },
            None => {
                if base_url.starts_with('/') {
                    base_url.clone()
                } else {
                    format!("/{base_url}")
                }
            }
        };
        Urls {
            base_url,
            base_path,
        }
    }

    /// A site-internal link to `path` (relative to the site root).
    pub fn page(&self, path: &str) -> String {
        format!("{}{}", self.base_path, encode_path(path))
    }

    /// An absolute URL (for feeds and the sitemap), when `base_url` is absolute.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.base_url, encode_path(path))
    }

    /// Whether `base_url` is an absolute `http(s)://` URL.
    pub fn is_absolute(&self) -> bool {
        self.base_url.starts_with("https://") || self.base_url.starts_with("http://")
    }

    /// A stable id for an Atom feed or entry: the absolute URL when there
    /// is one, else a `urn:` (Atom ids must be absolute IRIs).
    pub fn atom_id(&self, path: &str) -> String {
        if self.is_absolute() {
            self.absolute(path)
        } else {
            format!("urn:hindsight:{}", encode_path(path.trim_end_matches('/')))
        }
    }
}

/// Relative output paths, shared by links and the writer so they cannot
/// disagree. They are file paths; [`Urls`] encodes them for links.
pub mod paths {
    use crate::text::{segment, slug};

    pub fn incident(id: &str) -> String {
        format!("incidents/{}/", segment(id))
    }
    pub fn cause(id: &str) -> String {
        format!("causes/{}/", segment(id))
    }
    pub fn service(name: &str) -> String {
        format!("services/{}/", segment(name))
    }
    pub fn tag(slug: &str) -> String {
        format!("tags/{}/", segment(slug))
    }
    pub fn severity(name: &str) -> String {
        format!("severities/{}/", segment(&slug(name)))
    }
    pub fn year(year: i16) -> String {
        format!("years/{year}/")
    }
}

/// A name with its page.
#[derive(Clone, Debug, Serialize)]
pub struct Link {
    pub name: String,
    pub url: String,
}

/// An incident as lists show it.
#[derive(Clone, Debug, Serialize)]
pub struct IncidentLink {
    pub id: String,
    pub title: String,
    pub url: String,
    pub date: String,
    pub year: i16,
    pub severity: String,
    /// 0 is the worst configured level.
    pub severity_rank: usize,
    /// The severity's page.
    pub severity_url: String,
    /// `draft`, `review` or `final`.
    pub status: crate::content::Status,
    /// The first [`SERVICES_SHOWN`] services (the incident page has them all).
    pub services: Vec<Link>,
    /// How many services are not in `services`.
    pub services_more: usize,
    /// The summary as HTML (inline), when there is one.
    pub summary_html: Option<String>,
    /// The incident as a list item: `card.html`, rendered once per incident
    /// and reused by every list it appears in (empty while `card.html`
    /// itself is rendered).
    pub card: String,
}

/// A root cause of an incident that other incidents share.
#[derive(Clone, Debug, Serialize)]
pub struct RecurringCause {
    pub id: String,
    pub title: String,
    pub recurred: usize,
}

/// A light reference to an incident, for the many links on an incident
/// page (recurrences, previous and next): what a link needs, no more, so
/// pages stay cheap to build when causes recur hundreds of times.
#[derive(Clone, Debug, Serialize)]
pub struct IncidentRef<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub url: &'a str,
    pub date: &'a str,
    pub severity: &'a str,
    pub severity_rank: usize,
    pub status: crate::content::Status,
    /// Relative to the page's incident: `earlier`, `later` or `same day`.
    pub relation: &'static str,
    /// The incident rendered by `reference.html` (HTML).
    pub html: &'a str,
}

/// `[impact]` with its durations, formatted for reading.
#[derive(Clone, Debug, Serialize)]
pub struct ImpactView {
    pub started: String,
    pub detected: Option<String>,
    pub mitigated: Option<String>,
    pub resolved: Option<String>,
    /// The same instants in RFC 3339, for `<time datetime>`.
    pub started_iso: String,
    pub detected_iso: Option<String>,
    pub mitigated_iso: Option<String>,
    pub resolved_iso: Option<String>,
    pub users_affected: Option<u64>,
    /// `users_affected` with thousands separators (`96,500`).
    pub users_affected_display: Option<String>,
    pub description: Option<String>,
    pub time_to_detect: Option<String>,
    pub time_to_mitigate: Option<String>,
    pub time_to_resolve: Option<String>,
    /// The same durations in minutes, for themes that compute.
    pub minutes_to_detect: Option<i64>,
    pub minutes_to_mitigate: Option<i64>,
    pub minutes_to_resolve: Option<i64>,
    /// The detect and mitigate phases as percentages of the whole (to
    /// resolved, else to mitigated), for a bar; null without the instants.
    pub phases: Option<Phases>,
}

/// See [`ImpactView::phases`]: widths in percent, two decimals.
#[derive(Clone, Debug, Serialize)]
pub struct Phases {
    pub detect: f64,
    pub mitigate: f64,
}

impl Phases {
    fn new(detect: Option<i64>, mitigate: Option<i64>, resolve: Option<i64>) -> Option<Phases> {
        let span = resolve.filter(|&m| m > 0).or(mitigate.filter(|&m| m > 0))?;
        let (detect, mitigate) = (detect?, mitigate?);
        let percent = |minutes: i64| ((minutes * 100) as f64 / span as f64 * 100.0).round() / 100.0;
        Some(Phases {
            detect: percent(detect),
            mitigate: percent(mitigate - detect),
        })
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct RootCauseView<'a> {
    pub id: String,
    pub url: String,
    /// The catalogue's title, or the id.
    pub title: String,
    /// `root`, `contributing` or `trigger`.
    pub kind: CauseKind,
    pub category: Option<String>,
    pub description: Option<String>,
    /// How many other incidents share this cause.
    pub recurred: usize,
    /// Those incidents, oldest first: all of them, or the
    /// [`RECURRENCES_SHOWN`] nearest in time when there are more.
    pub recurrences: Vec<IncidentRef<'a>>,
    /// How many are not in `recurrences` (the cause page lists them all).
    pub more: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct ActionItemView {
    pub title: String,
    pub owner: Option<String>,
    pub due: Option<String>,
    /// `open`, `in-progress`, `done` or `wont-fix`.
    pub status: ItemStatus,
    pub kind: Option<ItemKind>,
    pub tracker: Option<String>,
    /// The tracker link's last path segment (`OPS-123`), to show as its text.
    pub tracker_label: Option<String>,
    pub completed: Option<String>,
    /// Open and past its due date.
    pub overdue: bool,
}

/// An incident's drawings, as inline SVG.
#[derive(Clone, Debug, Serialize)]
pub struct Drawings {
    /// Events and impact instants on a time axis, durations labelled.
    pub timeline: Option<Drawing>,
    /// The same, drawn 400 wide for a phone's column (the theme shows one
    /// of the two).
    pub timeline_narrow: Option<Drawing>,
    /// The 5 Whys as a chain.
    pub whys: Option<Drawing>,
    /// Root causes on their category bones.
    pub fishbone: Option<Drawing>,
}

/// Inline SVG markup, and the width it was drawn for (its `viewBox` width),
/// so a theme can decide when to scroll rather than shrink it.
#[derive(Clone, Debug, Serialize)]
pub struct Drawing {
    pub svg: String,
    pub width: f64,
}

impl Drawing {
    pub fn new(svg: String) -> Drawing {
        let width = svg
            .split_once("viewBox=\"")
            .and_then(|(_, rest)| rest.split_whitespace().nth(2))
            .and_then(|w| w.parse().ok())
            .unwrap_or(0.0);
        Drawing { svg, width }
    }
}

/// One of an incident's most similar incidents ([`related`]), for the
/// "Related incidents" section of its page.
#[derive(Clone, Debug, Serialize)]
pub struct SimilarView<'a> {
    #[serde(flatten)]
    pub incident: IncidentRef<'a>,
    /// Root causes both name, each with its page.
    pub shared_root_causes: Vec<Link>,
    /// Text similarity, in whole percent.
    pub text_percent: u32,
    /// Alike in text, no root-cause id in common.
    pub possible_recurrence: bool,
}

/// Everything about one incident: `incident` on `incident.html`.
///
/// Lists hold references to the incidents' list views, built once in
/// [`Views::new`]: a list of thousands is not a thousand copies.
#[derive(Clone, Debug, Serialize)]
pub struct IncidentView<'a> {
    #[serde(flatten)]
    pub link: &'a IncidentLink,
    /// Every service (`services` holds the first few, as in lists).
    pub all_services: Vec<Link>,
    pub tags: Vec<Link>,
    pub authors: Vec<String>,
    pub published: Option<String>,
    pub visibility: &'static str,
    pub body_html: String,
    pub toc: Vec<markdown::Heading>,
    pub impact: Option<ImpactView>,
    pub root_causes: Vec<RootCauseView<'a>>,
    pub action_items: Vec<ActionItemView>,
    /// `action_items` as table rows, rendered by `action-item-rows.html`.
    pub action_items_html: &'a str,
    pub learnings: Vec<String>,
    pub related: Vec<&'a IncidentLink>,
    /// The most similar incidents, best first (`[related] count` of them).
    pub similar: Vec<SimilarView<'a>>,
    /// Those of `similar` flagged as a possible recurrence, for a notice at the top.
    pub possible_recurrences: Vec<SimilarView<'a>>,
    pub previous: Option<IncidentRef<'a>>,
    pub next: Option<IncidentRef<'a>>,
    /// The root causes that recurred (have other incidents), for a notice at the top.
    pub recurring: Vec<RecurringCause>,
    /// The source file, relative to the knowledge base.
    pub source_path: String,
    /// Inline SVG drawings (already safe markup), each null when there is nothing to draw.
    pub drawings: Drawings,
    /// What git says about the post-mortem; null outside a git repository.
    pub git: Option<GitView>,
}

/// An incident's post-mortem in git: when it last changed, and links to its
/// history and an editor on the hosting service (with `[site] repo_url`).
#[derive(Clone, Debug, Serialize)]
pub struct GitView {
    /// `2025-11-30`, UTC.
    pub changed: String,
    /// RFC 3339, for `<time datetime>`.
    pub changed_iso: String,
    /// The commit's id, and its first 7 characters to show.
    pub commit: String,
    pub commit_short: String,
    /// Null without `[site] repo_url`.
    pub history_url: Option<String>,
    pub edit_url: Option<String>,
}

/// Links to the first `limit` services of an incident.
fn service_links(pm: &PostMortem, urls: &Urls, limit: usize) -> Vec<Link> {
    pm.services
        .iter()
        .take(limit)
        .map(|s| Link {
            name: s.value.clone(),
            url: urls.page(&paths::service(s)),
        })
        .collect()
}

/// Builds views; holds what every view needs.
pub struct Views<'a> {
    pub kb: &'a KnowledgeBase,
    pub analysis: &'a Analysis,
    pub urls: &'a Urls,
    /// Per included incident, its list view and fragments (built once;
    /// lists borrow them).
    incidents: Vec<Option<Arc<MadeIncident>>>,
    /// Per incident, its most similar incidents, computed once for the site
    /// (or by `check`, for the same selection).
    similar: std::borrow::Cow<'a, [Vec<related::Related>]>,
    /// Git's record of the post-mortems, in a repository.
    history: Option<&'a History>,
}

/// An included incident's list view and fragments, with the post-mortem
/// they were made from (what `serve` keeps between builds: [`Kept`]).
pub struct MadeIncident {
    pm: Arc<PostMortem>,
    /// Its card (`card.html`) is in here, not in `fragments`.
    link: IncidentLink,
    fragments: IncidentFragments,
}

impl MadeIncident {
    pub fn rel_path(&self) -> &str {
        &self.pm.rel_path
    }
}

/// Pieces of HTML that are the same on every page an incident appears on,
/// rendered once per incident by the theme. A big knowledge base lists each
/// incident on many pages; rendering these once is what keeps them cheap.
pub trait Fragments: Sync {
    /// Renders the fragments of one incident, given its action items.
    fn render(
        &self,
        incident: &IncidentLink,
        items: &[ActionItemView],
    ) -> anyhow::Result<IncidentFragments>;

    /// Two renderers of the same key render the same incident alike (a
    /// hash of the templates and the site values, `today` included).
    fn key(&self) -> u64;
}

/// One incident's [`Fragments`].
#[derive(Default)]
pub struct IncidentFragments {
    /// The incident as a list item (`card.html`).
    pub card: String,
    /// The incident in a line of text (`reference.html`): its recurrences
    /// on other incidents' pages.
    pub reference: String,
    /// Its action items as table rows (`action-item-rows.html`), for the
    /// incident page and the pages of its root causes; empty without items.
    pub action_item_rows: String,
    /// The first [`CAUSE_ITEMS_SHOWN`] rows, when there are more (else empty).
    pub cause_item_rows: String,
}

impl<'a> Views<'a> {
    /// Builds the list view of every included incident and renders its
    /// [`Fragments`], in parallel.
    pub fn new(
        kb: &'a KnowledgeBase,
        analysis: &'a Analysis,
        urls: &'a Urls,
        fragments: &dyn Fragments,
        kept: Option<&Kept>,
        similar: std::borrow::Cow<'a, [Vec<related::Related>]>,
        history: Option<&'a History>,
    ) -> anyhow::Result<Self> {
        use rayon::prelude::*;
        let key = fragments.key();
        // What the last build made, when made by the same renderer.
        let before = kept.map(|k| k.take(key)).unwrap_or_default();
        let incidents = (0..kb.postmortems.len())
            .into_par_iter()
            .map(|i| {
                if !analysis.includes(i) {
                    return Ok(None);
                }
                let pm = &kb.postmortems[i];
                // The very post-mortem (the load keeps the `Arc` of an
                // unchanged file) renders as it did: its list view and
                // fragments depend on nothing else but the site values
                // and the theme, which `key` covers.
                if let Some(made) = before.get(&pm.rel_path)
                    && Arc::ptr_eq(&made.pm, pm)
                {
                    return Ok(Some(Arc::clone(made)));
                }
                let mut link = Self::make_link(pm, urls);
                let items: Vec<ActionItemView> = pm
                    .details
                    .action_items
                    .iter()
                    .map(|a| action_item(a, analysis))
                    .collect();
                let mut fragments = fragments.render(&link, &items)?;
                link.card = std::mem::take(&mut fragments.card);
                Ok(Some(Arc::new(MadeIncident {
                    pm: Arc::clone(pm),
                    link,
                    fragments,
                })))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        if let Some(kept) = kept {
            kept.keep(key, incidents.iter().flatten());
        }
        Ok(Views {
            kb,
            analysis,
            urls,
            history,
            incidents,
            similar,
        })
    }

    /// Incident `i`'s action items as table rows (empty when it has none).
    pub fn action_item_rows(&self, i: usize) -> &str {
        self.incidents[i]
            .as_ref()
            .map_or("", |made| &made.fragments.action_item_rows)
    }

    /// Incident `i`'s action items as a root-cause page shows them: the
    /// rows of the first [`CAUSE_ITEMS_SHOWN`], and how many are left out.
    pub fn cause_item_rows(&self, i: usize) -> (&str, usize) {
        let Some(made) = &self.incidents[i] else {
            return ("", 0);
        };
        let fragments = &made.fragments;
        let items = self.kb.postmortems[i].details.action_items.len();
        if items > CAUSE_ITEMS_SHOWN {
            (&fragments.cause_item_rows, items - CAUSE_ITEMS_SHOWN)
        } else {
            (&fragments.action_item_rows, 0)
        }
    }

    fn make_link(pm: &PostMortem, urls: &Urls) -> IncidentLink {
        IncidentLink {
            id: pm.id.value.clone(),
            title: pm.title.value.clone(),
            url: urls.page(&paths::incident(&pm.id)),
            date: pm.date.to_string(),
            year: pm.date.year(),
            severity: pm.severity.name.clone(),
            severity_rank: pm.severity.rank,
            severity_url: urls.page(&paths::severity(&pm.severity.name)),
            status: pm.status.value,
            services: service_links(pm, urls, SERVICES_SHOWN),
            services_more: pm.services.len().saturating_sub(SERVICES_SHOWN),
            summary_html: pm
                .summary_text()
                .map(|s| markdown::render_inline(&excerpt(s))),
            card: String::new(),
        }
    }

    /// Every service of an incident, with its page.
    pub fn service_links(&self, pm: &PostMortem) -> Vec<Link> {
        service_links(pm, self.urls, usize::MAX)
    }

    /// The list view of incident `i` (which must be included).
    pub fn link(&self, i: usize) -> &IncidentLink {
        &self.made(i).link
    }

    fn made(&self, i: usize) -> &MadeIncident {
        self.incidents[i]
            .as_deref()
            .expect("only included incidents are linked")
    }

    pub fn links(&self, list: &[usize]) -> Vec<&IncidentLink> {
        list.iter().map(|&i| self.link(i)).collect()
    }

    /// The timeline, 5 Whys and fishbone of an incident, as inline SVG.
    pub fn drawings(&self, pm: &PostMortem) -> Drawings {
        use crate::render::svg;
        // The timeline: events with a time, and the impact instants, on one axis.
        let impact_marks: Vec<(svg::MarkKind, &crate::content::Instant)> = pm
            .details
            .impact
            .iter()
            .flat_map(|imp| {
                imp.instants().map(|(k, v)| {
                    let kind = svg::MarkKind::from_name(k)
                        .expect("`Impact::instants` names only the mark kinds");
                    (kind, &v.value)
                })
            })
            .collect();
        let timed: Vec<&crate::content::TimelineEvent> =
            pm.body.timeline.iter().filter(|e| e.at.is_some()).collect();
        let base = timed
            .iter()
            .filter_map(|e| e.at)
            .chain(impact_marks.iter().map(|(_, i)| **i))
            .map(|i| i.timestamp)
            .min();
        let (timeline, timeline_narrow) = base
            .filter(|_| !timed.is_empty() || impact_marks.len() > 1)
            .map(|base| {
                let minute = |t: jiff::Timestamp| t.duration_since(base).as_secs().div_euclid(60);
                let events: Vec<svg::TimelineEvent> = timed
                    .iter()
                    .map(|e| svg::TimelineEvent {
                        minute: minute(e.at.expect("timed").timestamp),
                        label: markdown::plain_text(&e.text),
                    })
                    .collect();
                let times = ResponseTimes::of(pm.details.impact.as_ref());
                // In UTC, as the "+0 =" label, and the date only where the
                // day changes: "started 2025-11-28 00:03", "detected 00:06".
                // Whole dates on every mark were cut off at the top.
                let mut day = jiff::tz::Offset::UTC.to_datetime(base).date();
                let marks: Vec<svg::TimelineMark> = impact_marks
                    .iter()
                    .map(|(kind, at)| svg::TimelineMark {
                        kind: *kind,
                        minute: minute(at.timestamp),
                        label: {
                            let t = jiff::tz::Offset::UTC.to_datetime(at.timestamp);
                            let hm = format!("{:02}:{:02}", t.hour(), t.minute());
                            if t.date() == day {
                                format!("{kind} {hm}")
                            } else {
                                day = t.date();
                                format!("{kind} {} {hm}", t.date())
                            }
                        },
                        since_start: match kind {
                            svg::MarkKind::Started => None,
                            svg::MarkKind::Detected => times.detect,
                            svg::MarkKind::Mitigated => times.mitigate,
                            svg::MarkKind::Resolved => times.resolve,
                        },
                    })
                    .collect();
                let start = crate::content::Instant {
                    timestamp: base,
                    offset: jiff::tz::Offset::UTC,
                };
                let start = start.to_string();
                let draw = |layout, id| {
                    Drawing::new(svg::timeline(
                        layout,
                        id,
                        "Timeline of the incident",
                        &events,
                        &marks,
                        &start,
                        Some("the timeline above"),
                    ))
                };
                (
                    draw(svg::TimelineLayout::Wide, "hs-timeline"),
                    draw(svg::TimelineLayout::Narrow, "hs-timeline-narrow"),
                )
            })
            .unzip();
        let whys = (!pm.body.whys.is_empty()).then(|| {
            let whys: Vec<String> = pm
                .body
                .whys
                .iter()
                .map(|w| markdown::plain_text(w))
                .collect();
            Drawing::new(svg::whys_chain(
                "hs-whys",
                "5 Whys, from the symptom to the systemic cause",
                &whys,
                Some("the 5 Whys above"),
            ))
        });
        let fishbone = (!pm.details.root_causes.is_empty()).then(|| {
            let categories = &self.kb.config.template.categories;
            let category_of = |c| self.kb.cause_category(c);
            let mut bones: Vec<svg::Bone> = categories
                .iter()
                .map(|name| svg::Bone {
                    category: name.clone(),
                    causes: pm
                        .details
                        .root_causes
                        .iter()
                        .filter(|c| category_of(c) == Some(name.as_str()))
                        .map(|c| (self.cause_title(&c.id), c.kind))
                        .collect(),
                })
                .collect();
            let other: Vec<(String, CauseKind)> = pm
                .details
                .root_causes
                .iter()
                .filter(|c| category_of(c).is_none_or(|cat| !categories.iter().any(|n| n == cat)))
                .map(|c| (self.cause_title(&c.id), c.kind))
                .collect();
            if !other.is_empty() {
                bones.push(svg::Bone {
                    category: "uncategorised".into(),
                    causes: other,
                });
            }
            Drawing::new(svg::fishbone(
                "hs-fishbone",
                "Fishbone: causes by category",
                &pm.title,
                &bones,
            ))
        });
        Drawings {
            timeline,
            timeline_narrow,
            whys,
            fishbone,
        }
    }

    pub fn cause_title(&self, id: &str) -> String {
        self.kb
            .catalogue
            .as_ref()
            .and_then(|c| c.causes.get(id))
            .map_or_else(|| id.to_string(), |e| e.title.clone())
    }

    /// See [`GitView`].
    pub fn git(&self, pm: &PostMortem) -> Option<GitView> {
        let history = self.history?;
        let file = history.file(&pm.rel_path)?;
        let site = &self.kb.config.site;
        // Only a web address: the URL becomes a link on every page.
        let repo_url = site
            .repo_url
            .as_deref()
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
        let links = repo_url.map(|url| {
            crate::content::history::links(url, &site.repo_branch, &history.repo_file(&pm.rel_path))
        });
        Some(GitView {
            changed: jiff::tz::Offset::UTC
                .to_datetime(file.changed)
                .date()
                .to_string(),
            changed_iso: file.changed.to_string(),
            commit_short: file.commit.chars().take(7).collect(),
            commit: file.commit.clone(),
            history_url: links.as_ref().map(|l| l.0.clone()),
            edit_url: links.map(|l| l.1),
        })
    }

    pub fn action_item(&self, item: &ActionItem) -> ActionItemView {
        action_item(item, self.analysis)
    }

    /// A light reference to incident `j`, seen from incident `from`.
    /// (Both must be included.) Borrows from `j`'s list view.
    pub fn reference(&self, j: usize, from: usize) -> IncidentRef<'_> {
        let link = self.link(j);
        let (day, from_day) = (
            self.kb.postmortems[j].date.value,
            self.kb.postmortems[from].date.value,
        );
        IncidentRef {
            id: &link.id,
            title: &link.title,
            url: &link.url,
            date: &link.date,
            severity: &link.severity,
            severity_rank: link.severity_rank,
            status: link.status,
            html: &self.made(j).fragments.reference,
            relation: match day.cmp(&from_day) {
                std::cmp::Ordering::Less => "earlier",
                std::cmp::Ordering::Greater => "later",
                std::cmp::Ordering::Equal => "same day",
            },
        }
    }

    /// Incident `i`'s most similar incidents, as its page shows them.
    pub fn similar(&self, i: usize) -> Vec<SimilarView<'_>> {
        let Some(list) = self.similar.get(i) else {
            return Vec::new();
        };
        list.iter()
            .filter(|r| self.analysis.includes(r.index))
            .map(|r| SimilarView {
                incident: self.reference(r.index, i),
                shared_root_causes: r
                    .shared_root_causes
                    .iter()
                    .map(|id| Link {
                        name: self.cause_title(id),
                        url: self.urls.page(&paths::cause(id)),
                    })
                    .collect(),
                // Floor: "100%" only for the same words.
                text_percent: (r.text_similarity * 100.0).floor() as u32,
                possible_recurrence: r.possible_recurrence,
            })
            .collect()
    }

    pub fn incident(&self, i: usize) -> IncidentView<'_> {
        let pm = &self.kb.postmortems[i];
        let rendered = markdown::render_with(
            pm.markdown(),
            &markdown::RenderOptions::from_config(&self.kb.config),
        );
        let (previous, next) = self.analysis.neighbours(i);
        let mut view = IncidentView {
            link: self.link(i),
            all_services: self.service_links(pm),
            tags: pm
                .details
                .tags
                .iter()
                .map(|t| Link {
                    name: t.clone(),
                    url: self.urls.page(&paths::tag(&crate::text::slug(t))),
                })
                .collect(),
            authors: pm.details.authors.clone(),
            published: pm.details.published.as_ref().map(|d| d.to_string()),
            visibility: pm.visibility.as_str(),
            body_html: rendered.html,
            toc: rendered.headings,
            impact: pm.details.impact.as_ref().map(|imp| {
                let times = ResponseTimes::of(Some(imp));
                ImpactView {
                    started: imp.started.to_string(),
                    detected: imp.detected.as_ref().map(|t| t.to_string()),
                    mitigated: imp.mitigated.as_ref().map(|t| t.to_string()),
                    resolved: imp.resolved.as_ref().map(|t| t.to_string()),
                    started_iso: imp.started.timestamp.to_string(),
                    detected_iso: imp.detected.as_ref().map(|t| t.timestamp.to_string()),
                    mitigated_iso: imp.mitigated.as_ref().map(|t| t.timestamp.to_string()),
                    resolved_iso: imp.resolved.as_ref().map(|t| t.timestamp.to_string()),
                    users_affected: imp.users_affected,
                    users_affected_display: imp.users_affected.map(thousands),
                    description: imp.description.clone(),
                    time_to_detect: times.detect.map(duration),
                    time_to_mitigate: times.mitigate.map(duration),
                    time_to_resolve: times.resolve.map(duration),
                    minutes_to_detect: times.detect,
                    minutes_to_mitigate: times.mitigate,
                    minutes_to_resolve: times.resolve,
                    phases: Phases::new(times.detect, times.mitigate, times.resolve),
                }
            }),
            root_causes: pm
                .details
                .root_causes
                .iter()
                .map(|c| {
                    let (near, total) = self.analysis.recurrences(&c.id, i, RECURRENCES_SHOWN);
                    let recurrences: Vec<IncidentRef> =
                        near.into_iter().map(|j| self.reference(j, i)).collect();
                    RootCauseView {
                        id: c.id.value.clone(),
                        url: self.urls.page(&paths::cause(&c.id)),
                        title: self.cause_title(&c.id),
                        kind: c.kind,
                        category: self.kb.cause_category(c).map(str::to_string),
                        description: c.description.clone(),
                        recurred: total,
                        more: total - recurrences.len(),
                        recurrences,
                    }
                })
                .collect(),
            action_items: pm
                .details
                .action_items
                .iter()
                .map(|a| self.action_item(a))
                .collect(),
            action_items_html: self.action_item_rows(i),
            learnings: pm.details.learnings.clone(),
            related: self.analysis.related[i]
                .iter()
                .map(|&j| self.link(j))
                .collect(),
            similar: self.similar(i),
            possible_recurrences: Vec::new(),
            previous: previous.map(|j| self.reference(j, i)),
            next: next.map(|j| self.reference(j, i)),
            recurring: Vec::new(),
            source_path: pm.rel_path.clone(),
            drawings: self.drawings(pm),
            git: self.git(pm),
        };
        view.possible_recurrences = view
            .similar
            .iter()
            .filter(|s| s.possible_recurrence)
            .cloned()
            .collect();
        view.recurring = view
            .root_causes
            .iter()
            .filter(|c| c.recurred > 0)
            .map(|c| RecurringCause {
                id: c.id.clone(),
                title: c.title.clone(),
                recurred: c.recurred,
            })
            .collect();
        view
    }
}

/// An action item as pages and exports show it (overdue as of
/// `analysis.today`).
pub fn action_item(item: &ActionItem, analysis: &Analysis) -> ActionItemView {
    ActionItemView {
        title: item.title.value.clone(),
        owner: item.owner.as_ref().map(|o| o.value.clone()),
        due: item.due.as_ref().map(|d| d.to_string()),
        status: item.status,
        kind: item.kind,
        tracker: item.tracker.clone(),
        tracker_label: item.tracker.as_ref().map(|t| {
            let t = t.trim_end_matches('/');
            t.rsplit('/').next().unwrap_or(t).to_string()
        }),
        completed: item.completed.map(|d| d.to_string()),
        overdue: analysis.is_overdue(item.due.as_ref().map(|d| d.value), item.status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_summaries_are_cut_at_a_space() {
        assert_eq!(excerpt("short"), "short");
        let exact = "a".repeat(SUMMARY_CHARS);
        assert_eq!(excerpt(&exact), exact);
        let words = "word ".repeat(SUMMARY_CHARS);
        let cut = excerpt(&words);
        assert!(cut.ends_with("word…"), "{cut}");
        assert!(cut.chars().count() <= SUMMARY_CHARS + 1);
        // One long word: cut inside it, on a character boundary.
        let word = "é".repeat(SUMMARY_CHARS + 5);
        assert_eq!(excerpt(&word).chars().count(), SUMMARY_CHARS + 1);
    }

    #[test]
    fn links_encode_what_paths_keep_plain() {
        let urls = Urls::new("https://example.org/kb/");
        assert_eq!(paths::tag("café"), "tags/café/");
        assert_eq!(urls.page(&paths::tag("café")), "/kb/tags/caf%C3%A9/");
        assert_eq!(
            urls.absolute(&paths::incident("My Incident")),
            "https://example.org/kb/incidents/My%20Incident/"
        );
        // A name that is not one folder stays inside one, encoded.
        assert_eq!(paths::incident(".."), "incidents/%2E%2E/");
        assert_eq!(paths::incident("a/b"), "incidents/a%2Fb/");
    }
}
