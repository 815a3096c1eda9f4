//! Diagnostics: what `check` reports, and the catalogue of every rule.
//!
//! Loading, config parsing and validation all speak this one plain type, so a
//! problem found while reading TOML and a problem found by a cross-file rule
//! are sorted, counted and rendered the same way. Rendering lives in
//! [`render`]: `human` (rustc-style, via annotate-snippets), `json` and
//! `github` (workflow commands that GitHub shows inline on a pull request).

pub mod render;

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::source::{Source, Span};

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    /// A hint worth knowing that is not a problem: never fails a run, not
    /// even with `--deny-warnings`.
    Note,
}

macro_rules! rules {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $name:literal, )+) => {
        /// Every rule `check` enforces. The name is what users see in
        /// `error[name]`, in JSON output and in `allow = [...]`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $( $(#[doc = $doc])+ $variant, )+
        }

        impl Rule {
            /// All rules, in catalogue order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)+];

            /// The rule's stable kebab-case name.
            pub fn name(self) -> &'static str {
                match self { $(Rule::$variant => $name,)+ }
            }

            /// One line on what the rule checks (from its doc comment).
            pub fn summary(self) -> &'static str {
                match self { $(Rule::$variant => concat!($($doc),+).trim(),)+ }
            }

            /// Looks a rule up by its name.
            pub fn from_name(name: &str) -> Option<Rule> {
                match name { $($name => Some(Rule::$variant),)+ _ => None }
            }
        }
    };
}

rules! {
    // Reading files.
    /// The file could not be read (permissions, a broken link, an I/O error).
    Unreadable = "unreadable-file",
    /// The file is larger than `[content] max_file_size`.
    FileTooLarge = "file-too-large",
    /// The file is not UTF-8.
    InvalidUtf8 = "invalid-utf8",
    /// The file is empty.
    EmptyFile = "empty-file",
    /// The file does not start with a `+++` front-matter line.
    MissingFrontMatter = "missing-front-matter",
    /// The front matter has no closing `+++` line.
    UnclosedFrontMatter = "unclosed-front-matter",
    /// The front matter (or a config file) is not valid TOML.
    TomlSyntax = "toml-syntax",
    // Front-matter fields.
    /// A required front-matter key is missing.
    MissingField = "missing-field",
    /// A key has the wrong TOML type (a number where a string belongs...).
    InvalidType = "invalid-type",
    /// A key has the right type but a value the format does not allow.
    InvalidValue = "invalid-value",
    /// A key the format does not know (a warning: likely a typo).
    UnknownKey = "unknown-key",
    // Across the knowledge base.
    /// Two post-mortems have the same id.
    DuplicateId = "duplicate-id",
    /// `related` names a post-mortem that does not exist.
    UnknownRelated = "unknown-related",
    /// A root-cause id is not in `root-causes.toml`.
    UnknownRootCause = "unknown-root-cause",
    // The template.
    /// `[impact]` instants are out of order.
    ImpactOrder = "impact-order",
    /// A final SEV-1/SEV-2 post-mortem has no `[impact]` table.
    MissingImpact = "missing-impact",
    /// A final post-mortem names no root cause.
    MissingRootCauses = "missing-root-causes",
    /// A final post-mortem has no action item.
    MissingActionItems = "missing-action-items",
    /// An action item has no owner (required unless the post-mortem is a draft).
    ActionItemOwner = "action-item-owner",
    /// A SEV-1/SEV-2 action item that is not done has no due date.
    ActionItemDue = "action-item-due",
    /// A required `##` section is missing.
    MissingSection = "missing-section",
    /// A required `##` section appears more than once.
    DuplicateSection = "duplicate-section",
    /// A timeline event is earlier than the one before it.
    TimelineOrder = "timeline-order",
    /// A timeline item starts with a timestamp that cannot be read.
    InvalidTimestamp = "invalid-timestamp",
    /// A timeline item has no timestamp (a warning).
    TimelineNoTimestamp = "timeline-no-timestamp",
    /// A timeline event on the incident's day over 6 hours before the impact started, or over 30 days after it was resolved (a warning).
    TimelineOutsideImpact = "timeline-outside-impact",
    /// Text left unchanged from the template (an error once final, a warning before).
    TemplateText = "template-text",
    /// A post-mortem still in `draft` or `review` longer after its incident than `[template] review_within_days` allows (a warning).
    ReviewOverdue = "review-overdue",
    // Methodology lints.
    /// Wording that points at a person instead of the system.
    BlameLanguage = "blame-language",
    /// An action item nobody can act on: no owner, no due date, or a vague title.
    VagueActionItem = "vague-action-item",
    // Across incidents, by their text.
    /// Two incidents with very similar text share no root-cause id (a note, not a problem): perhaps the same cause under two ids.
    PossibleRecurrence = "possible-recurrence",
    // Hostile or unbuildable input.
    /// A heading's `{...}` attributes that the site drops: classes, key=value pairs, or an id other than letters, digits, `-` and `_`.
    HeadingAttributes = "heading-attributes",
    /// A control character (U+0000 to U+001F other than tab, newline and carriage return, or U+007F), which the site removes.
    ControlCharacter = "control-character",
    /// A list, the body's nesting or the number of files is over its limit in `[limits]`.
    ResourceLimit = "resource-limit",
    /// A value that cannot become a page's path: a file name over 255 bytes, or two names sharing one path.
    UnpublishablePath = "unpublishable-path",
    /// A path (the content folder, `static/`, a theme, a link, an image) that leads outside the knowledge base.
    OutsideRoot = "outside-root",
    // Knowledge-base files.
    /// `hindsight.toml` is missing or invalid, or has an unknown key.
    Config = "config",
    /// `root-causes.toml` is invalid.
    Catalogue = "catalogue",
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A labelled span in a source.
#[derive(Clone, Debug)]
pub struct Annotation {
    pub source: Arc<Source>,
    pub span: Span,
    pub label: Option<String>,
}

/// One problem, with everything needed to explain it.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub level: Level,
    pub rule: Rule,
    pub message: String,
    /// Where the problem is. `None` for a problem with no file (a missing
    /// config); a file-level problem has an empty span at offset 0.
    pub primary: Option<Annotation>,
    /// Other places that explain it (the first file of a duplicate id, the
    /// timeline item that came before).
    pub secondary: Vec<Annotation>,
    pub help: Option<String>,
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn new(level: Level, rule: Rule, message: impl Into<String>) -> Self {
        Diagnostic {
            level,
            rule,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }

    pub fn error(rule: Rule, message: impl Into<String>) -> Self {
        Self::new(Level::Error, rule, message)
    }

    pub fn warning(rule: Rule, message: impl Into<String>) -> Self {
        Self::new(Level::Warning, rule, message)
    }

    /// Points the diagnostic at `span` of `source`.
    pub fn at(mut self, source: &Arc<Source>, span: Span) -> Self {
        self.primary = Some(Annotation {
            source: Arc::clone(source),
            span,
            label: None,
        });
        self
    }

    /// Points the diagnostic at a whole file (no particular line).
    pub fn in_file(self, source: &Arc<Source>) -> Self {
        self.at(source, 0..0)
    }

    /// The label under the primary span's carets.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        if let Some(primary) = &mut self.primary {
            primary.label = Some(label.into());
        }
        self
    }

    /// Adds a secondary labelled span.
    pub fn also(mut self, source: &Arc<Source>, span: Span, label: impl Into<String>) -> Self {
        self.secondary.push(Annotation {
            source: Arc::clone(source),
            span,
            label: Some(label.into()),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }

    /// The order diagnostics are shown in: by file, then position.
    fn sort_key(&self) -> (Option<&std::path::Path>, usize) {
        match &self.primary {
            Some(a) => (Some(a.source.path()), a.span.start),
            None => (None, 0),
        }
    }
}

/// Sorts diagnostics by file, line and column so output is stable whatever
/// order the parallel stages produced them in. The sort is stable: problems
/// at the same place keep the order the rules found them in (for missing
/// keys, FORMAT.md's order), which is itself deterministic.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Error, warning and note counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Counts {
    pub fn of(diagnostics: &[Diagnostic]) -> Self {
        let count = |level| diagnostics.iter().filter(|d| d.level == level).count();
        Counts {
            errors: count(Level::Error),
            warnings: count(Level::Warning),
            notes: count(Level::Note),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_round_trip_and_are_unique() {
        let mut names: Vec<_> = Rule::ALL.iter().map(|r| r.name()).collect();
        for rule in Rule::ALL {
            assert_eq!(Rule::from_name(rule.name()), Some(*rule));
            assert!(!rule.summary().is_empty());
        }
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Rule::ALL.len());
    }
}
