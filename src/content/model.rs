//! The parsed knowledge base: the one model that validation, metrics, the
//! search index and the pages all read.
//!
//! Fields a rule may point at are [`Spanned`], so diagnostics can show the
//! exact place in the `.md` file; everything else is a plain value.

use std::fmt;
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::Arc;

use jiff::civil::Date;
use jiff::tz::Offset;
use jiff::{SignedDuration, Timestamp};

use crate::config::{Config, Visibility};
use crate::source::{Source, Span};

/// A value and the byte range of the file it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl<T> Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// Declares a fieldless enum with the name each variant is written as (in
/// front matter, on pages, in exports), once, in the style of
/// `diag::rules!`, and generates from it: `ALL` (each name with its value,
/// in order, which front matter is read against), `NAMES`, `from_name`,
/// `as_str`, `Display` and `Serialize` (as the name).
macro_rules! names {
    (
        $(#[$meta:meta])*
        $vis:vis enum $enum:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $name:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis enum $enum {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $enum {
            /// Every value with its name, in declaration order.
            pub const ALL: &'static [(&'static str, $enum)] = &[$(($name, $enum::$variant),)+];

            /// Every name, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($name,)+];

            /// The name, as written in front matter and shown on pages.
            pub fn as_str(self) -> &'static str {
                match self { $($enum::$variant => $name,)+ }
            }

            /// The value written `name`.
            pub fn from_name(name: &str) -> Option<$enum> {
                match name { $($name => Some($enum::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $enum {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $enum {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}
pub(crate) use names;

names! {
    /// The state of a write-up.
    pub enum Status {
        Draft = "draft",
        Review = "review",
        Final = "final",
    }
}

/// A configured severity. `rank` 0 is the worst; comparison follows rank.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Severity {
    pub rank: usize,
    pub name: String,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// A point in time as written: the instant and the UTC offset it was
/// written in (so pages can show `09:12 +02:00` as the author did).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instant {
    pub timestamp: Timestamp,
    pub offset: Offset,
}

/// `+02:00`, `-05:30`.
pub fn format_offset(offset: Offset) -> String {
    let secs = offset.seconds();
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.unsigned_abs();
    format!("{sign}{:02}:{:02}", secs / 3600, secs / 60 % 60)
}

/// As written, with the UTC time beside a non-UTC offset:
/// `2025-03-14 09:12 UTC`, `2025-03-14 10:15 +02:00 (08:15 UTC)`.
impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dt = self.offset.to_datetime(self.timestamp);
        let hm = |t: jiff::civil::Time| format!("{:02}:{:02}", t.hour(), t.minute());
        if self.offset == Offset::UTC {
            return write!(f, "{} {} UTC", dt.date(), hm(dt.time()));
        }
        let utc = Offset::UTC.to_datetime(self.timestamp);
        let utc_day = if utc.date() == dt.date() {
            String::new()
        } else {
            format!("{} ", utc.date())
        };
        write!(
            f,
            "{} {} {} ({utc_day}{} UTC)",
            dt.date(),
            hm(dt.time()),
            format_offset(self.offset),
            hm(utc.time())
        )
    }
}

/// `[impact]`: when users were hurt, and how many.
#[derive(Clone, Debug)]
pub struct Impact {
    /// The `impact` key (of `[impact]` or `impact = {...}`).
    pub span: Span,
    pub started: Spanned<Instant>,
    pub detected: Option<Spanned<Instant>>,
    pub mitigated: Option<Spanned<Instant>>,
    pub resolved: Option<Spanned<Instant>>,
    pub users_affected: Option<u64>,
    pub description: Option<String>,
}

impl Impact {
    fn since_start(&self, to: &Option<Spanned<Instant>>) -> Option<SignedDuration> {
        to.as_ref()
            .map(|t| t.timestamp.duration_since(self.started.timestamp))
    }

    /// `detected - started`.
    pub fn time_to_detect(&self) -> Option<SignedDuration> {
        self.since_start(&self.detected)
    }

    /// `mitigated - started`.
    pub fn time_to_mitigate(&self) -> Option<SignedDuration> {
        self.since_start(&self.mitigated)
    }

    /// `resolved - started`.
    pub fn time_to_resolve(&self) -> Option<SignedDuration> {
        self.since_start(&self.resolved)
    }

    /// The instants in order, with their key names, skipping absent ones.
    pub fn instants(&self) -> impl Iterator<Item = (&'static str, &Spanned<Instant>)> {
        [
            ("started", Some(&self.started)),
            ("detected", self.detected.as_ref()),
            ("mitigated", self.mitigated.as_ref()),
            ("resolved", self.resolved.as_ref()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
    }
}

names! {
    /// The role a cause played.
    pub enum CauseKind {
        Root = "root",
        Contributing = "contributing",
        Trigger = "trigger",
    }
}

/// One `[[root_causes]]` entry.
#[derive(Clone, Debug)]
pub struct RootCause {
    pub id: Spanned<String>,
    pub kind: CauseKind,
    /// The fishbone bone; when absent, the catalogue's category applies.
    pub category: Option<String>,
    pub description: Option<String>,
}

names! {
    /// Where an action item stands.
    pub enum ItemStatus {
        Open = "open",
        InProgress = "in-progress",
        Done = "done",
        WontFix = "wont-fix",
    }
}

impl ItemStatus {
    /// Done or wont-fix: nothing more will happen.
    pub fn is_closed(self) -> bool {
        matches!(self, ItemStatus::Done | ItemStatus::WontFix)
    }
}

names! {
    /// What an action item is for.
    pub enum ItemKind {
        Prevent = "prevent",
        Detect = "detect",
        Mitigate = "mitigate",
        Process = "process",
    }
}

/// One `[[action_items]]` entry.
#[derive(Clone, Debug)]
pub struct ActionItem {
    /// The entry's header line (`[[action_items]]`), for "missing key" problems.
    pub span: Span,
    pub title: Spanned<String>,
    pub owner: Option<Spanned<String>>,
    pub due: Option<Spanned<Date>>,
    pub status: ItemStatus,
    pub kind: Option<ItemKind>,
    pub tracker: Option<String>,
    pub completed: Option<Date>,
}

/// A `##` section of the body.
#[derive(Clone, Debug)]
pub struct Section {
    /// The heading's text, as written.
    pub title: String,
    /// The heading line.
    pub heading: Span,
    /// From after the heading to the next `##` heading or the end.
    pub content: Span,
}

/// One item of `## Timeline`.
#[derive(Clone, Debug)]
pub struct TimelineEvent {
    /// The list item's first line.
    pub span: Span,
    /// The timestamp as written, when there is one.
    pub stamp: Option<Span>,
    /// When it happened (date carried over from the item before, or from `date`).
    pub at: Option<Instant>,
    /// The event, after the timestamp and separator.
    pub text: String,
}

/// The Markdown body, and the structure the template cares about.
#[derive(Clone, Debug, Default)]
pub struct Body {
    /// The Markdown after the closing `+++`.
    pub span: Span,
    pub sections: Vec<Section>,
    pub timeline: Vec<TimelineEvent>,
    /// `### 5 Whys` items, symptom first.
    pub whys: Vec<String>,
    /// The first paragraph of `## Summary`.
    pub summary: Option<Span>,
    /// Links and images to files relative to the post-mortem, in order:
    /// read once here, checked by `outside-root` and published as
    /// attachments.
    pub relative_links: Vec<RelativeLink>,
}

/// A relative link or image in a post-mortem's body.
#[derive(Clone, Debug)]
pub struct RelativeLink {
    /// The file it names ([`super::paths::relative_file`]).
    pub file: String,
    /// Its destination in the source (the whole link when the destination
    /// is elsewhere, as in a reference link).
    pub span: Span,
    /// `"link"` or `"image"`.
    pub what: &'static str,
}

/// The front-matter keys a post-mortem may leave out, as read: filled in by
/// [`super::frontmatter::parse`] and kept whole in the [`PostMortem`], which
/// derefs to it (`pm.tags`).
#[derive(Clone, Debug, Default)]
pub struct Details {
    pub summary: Option<String>,
    pub authors: Vec<String>,
    pub tags: Vec<String>,
    pub published: Option<Spanned<Date>>,
    pub related: Vec<Spanned<String>>,
    pub learnings: Vec<String>,
    /// Lints silenced for this file (`allow = ["blame-language"]`).
    pub allow: Vec<String>,
    pub impact: Option<Impact>,
    pub root_causes: Vec<RootCause>,
    pub action_items: Vec<ActionItem>,
}

/// One post-mortem.
#[derive(Clone, Debug)]
pub struct PostMortem {
    pub source: Arc<Source>,
    /// Path relative to the knowledge base root, `/`-separated.
    pub rel_path: String,
    /// `id`, or the file stem (then the span is empty).
    pub id: Spanned<String>,
    pub title: Spanned<String>,
    pub date: Spanned<Date>,
    pub severity: Spanned<Severity>,
    pub status: Spanned<Status>,
    pub services: Vec<Spanned<String>>,
    pub visibility: Visibility,
    /// The optional keys.
    pub details: Details,
    pub body: Body,
    /// Spans of prose (front-matter strings and body text, not code) that
    /// the wording lints read.
    pub prose: Vec<Span>,
    /// Front-matter keys that were present but invalid (already reported).
    pub invalid_keys: Vec<String>,
    /// Whether the front matter was read around a problem (a TOML syntax
    /// error, an invalid or misspelled required key, already reported), with
    /// stand-in values where it had to: fit for the rules about this file,
    /// not for a page, a metric or a search result.
    pub recovered: bool,
}

impl PostMortem {
    /// Whether `key` was present but invalid, so rules about it stay quiet.
    pub fn is_invalid(&self, key: &str) -> bool {
        self.invalid_keys.iter().any(|k| k == key)
    }
}

impl PostMortem {
    /// The Markdown body.
    pub fn markdown(&self) -> &str {
        &self.source.text[self.body.span.clone()]
    }

    /// `summary`, or the first paragraph of `## Summary`.
    pub fn summary_text(&self) -> Option<&str> {
        self.details
            .summary
            .as_deref()
            .or_else(|| self.body.summary.clone().map(|s| &self.source.text[s]))
    }
}

/// `[causes.<id>]` in `root-causes.toml`.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueEntry {
    pub title: String,
    pub category: Option<String>,
    pub description: Option<String>,
}

/// The shared catalogue of known root causes.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    #[serde(default)]
    pub causes: std::collections::BTreeMap<String, CatalogueEntry>,
}

/// Everything that was read: the input of every later stage.
#[derive(Debug)]
pub struct KnowledgeBase {
    /// The root as the user named it.
    pub root: PathBuf,
    /// The post-mortem folder (`[content] dir`), resolved inside the root.
    pub content_dir: PathBuf,
    pub config: Config,
    /// `None` when the knowledge base has no `root-causes.toml`.
    pub catalogue: Option<Catalogue>,
    /// Every post-mortem that loaded, in path order.
    pub postmortems: Vec<std::sync::Arc<PostMortem>>,
    /// How many files were read, including those that failed to load.
    pub files: usize,
    /// File stems (and ids, when read) of post-mortems that failed to load
    /// or were read around problems (already reported) and so are not in
    /// `postmortems`: links to them are not reported as unknown on top.
    pub unloaded: Vec<String>,
}

impl KnowledgeBase {
    /// The category a root cause is drawn and listed under: the
    /// catalogue's (`root-causes.toml`) when it gives one, else the one the
    /// post-mortem gives.
    ///
    /// The one place that decides, for the incident's fishbone and the
    /// cause's page alike: when they each chose (one the incident's, the
    /// other the catalogue's), a cause sat on different bones on two pages.
    /// The catalogue wins because a cause's page has no single incident to
    /// ask, and the catalogue is where a team defines its causes once.
    pub fn cause_category<'a>(&'a self, cause: &'a RootCause) -> Option<&'a str> {
        self.catalogue
            .as_ref()
            .and_then(|c| c.causes.get(cause.id.as_str()))
            .and_then(|e| e.category.as_deref())
            .or(cause.category.as_deref())
    }
}

/// `kebab-case`: lowercase ASCII letters and digits in `-`-separated words.
pub fn is_kebab_case(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_case() {
        assert!(is_kebab_case("payments-api"));
        assert!(is_kebab_case("2025-03-14-x"));
        assert!(!is_kebab_case("Payments"));
        assert!(!is_kebab_case("a--b"));
        assert!(!is_kebab_case("-a"));
        assert!(!is_kebab_case("a_b"));
        assert!(!is_kebab_case(""));
    }
}
