//! Front matter: splitting `+++` TOML from the body, and reading every key of
//! FORMAT.md into the typed model.
//!
//! The TOML is parsed once into toml's spanned document tree. Keys are then
//! read one by one instead of with a single `#[derive(Deserialize)]`, so a
//! file with three wrong keys gets three diagnostics in one run, each at its
//! own line and column of the `.md` file (spans are shifted by where the front
//! matter starts).

use std::sync::Arc;

use jiff::civil::Date;
use jiff::tz::Offset;
use toml::de::{DeTable, DeValue};

use super::model::*;
use crate::config::{Config, Visibility, toml_error};
use crate::diag::{Diagnostic, Level, Rule};
use crate::source::{Source, Span};
use crate::suggest;
use crate::text::{strip_control, thousands};

type TomlSpanned<'a> = toml::Spanned<DeValue<'a>>;

/// Where the front matter and body are in a file.
#[derive(Clone, Debug)]
pub struct Split {
    /// The TOML between the `+++` lines.
    pub front: Span,
    /// The Markdown after the closing `+++` line.
    pub body: Span,
}

/// Finds the `+++` lines.
pub fn split(source: &Arc<Source>) -> Result<Split, Box<Diagnostic>> {
    let text = &source.text;
    let first = source.line_span(0);
    if text[first.clone()].trim_end() != "+++" {
        let caret = first.start..first.end.max(first.start + 1).min(text.len());
        let first_text = text[first.clone()].trim();
        let d = Diagnostic::error(
            Rule::MissingFrontMatter,
            "the file does not start with TOML front matter",
        )
        .at(source, caret);
        let d = if first_text == "---" {
            d.label("this looks like YAML front matter").help(
                "Hindsight reads TOML between `+++` lines: replace both `---` lines with `+++` \
                 and write the keys as TOML (`title = \"...\"`)",
            )
        } else if first_text.is_empty() && text.trim_start().starts_with("+++") {
            d.label("the file starts with a blank line")
                .help("remove the blank lines before the opening `+++`")
        } else {
            d.label("expected a line `+++` here").help(
                "a post-mortem starts with a line `+++`, its TOML front matter (title, date, \
                 severity, status, services) and another line `+++`",
            )
        };
        return Err(Box::new(d));
    }
    for line in 1..source.line_count() {
        let span = source.line_span(line);
        if text[span].trim_end() == "+++" {
            return Ok(Split {
                front: source.line_start(1)..source.line_start(line),
                body: source.line_start(line + 1)..text.len(),
            });
        }
    }
    Err(Box::new(
        Diagnostic::error(
            Rule::UnclosedFrontMatter,
            "the front matter is never closed",
        )
        .at(source, first)
        .label("front matter opened here")
        .help("add a line `+++` after the last front-matter key, before the Markdown body"),
    ))
}

names! {
    /// The top-level front-matter keys, as FORMAT.md lists them.
    pub enum Key {
        Title = "title",
        Date = "date",
        Severity = "severity",
        Status = "status",
        Services = "services",
        Summary = "summary",
        Id = "id",
        Authors = "authors",
        Tags = "tags",
        Published = "published",
        Related = "related",
        Learnings = "learnings",
        Visibility = "visibility",
        Allow = "allow",
        Impact = "impact",
        RootCauses = "root_causes",
        ActionItems = "action_items",
    }
}

const IMPACT_KEYS: &[&str] = &[
    "started",
    "detected",
    "mitigated",
    "resolved",
    "users_affected",
    "description",
];
const CAUSE_KEYS: &[&str] = &["id", "kind", "category", "description"];
const ITEM_KEYS: &[&str] = &[
    "title",
    "owner",
    "due",
    "status",
    "kind",
    "tracker",
    "completed",
];

/// Everything read from the front matter. Required keys are `Option` here;
/// [`FrontMatter::required`] checks they are present.
#[derive(Default)]
pub struct FrontMatter {
    pub id: Option<Spanned<String>>,
    pub title: Option<Spanned<String>>,
    pub date: Option<Spanned<Date>>,
    pub severity: Option<Spanned<Severity>>,
    pub status: Option<Spanned<Status>>,
    pub services: Option<Vec<Spanned<String>>>,
    pub visibility: Option<Visibility>,
    /// The optional keys, as the [`PostMortem`] keeps them.
    pub details: Details,
    /// Spans of free-text strings, for the wording lints.
    pub prose: Vec<Span>,
    /// Top-level keys that were present (valid or not), with their spans.
    seen: Vec<(String, Span)>,
    /// Top-level keys whose value had an error: rules that depend on them
    /// stay quiet rather than pile follow-on errors on the first one.
    pub invalid_keys: Vec<String>,
    /// Whether the front matter was read around a problem (a syntax error,
    /// a misspelled required key): the post-mortem is checked, not published.
    pub recovered: bool,
}

/// The required keys of a front matter, as read or standing in.
pub struct Required {
    pub title: Spanned<String>,
    pub date: Spanned<Date>,
    pub severity: Spanned<Severity>,
    pub status: Spanned<Status>,
    pub services: Vec<Spanned<String>>,
    /// Whether some of them, or the front matter around them, were read
    /// around a problem ([`FrontMatter::recovered`]): such a post-mortem is
    /// checked, never published.
    pub recovered: bool,
}

/// The keys a post-mortem cannot do without ([`FrontMatter::required`]).
const REQUIRED: &[&str] = &["title", "date", "severity", "status", "services"];

/// Reads the front matter at `split.front` of `source`.
///
/// A TOML syntax error does not stop the reading: toml's recovering parser
/// gives the document with the broken values left out, each syntax error is
/// reported at its place, and the keys around it are read as usual, so one
/// typo does not hide the problems of the rest of the file.
pub fn parse(
    source: &Arc<Source>,
    split: &Split,
    config: &Config,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<FrontMatter> {
    let offset = split.front.start;
    let front = &source.text[split.front.clone()];
    let (table, errors) = DeTable::parse_recoverable(front);
    let mut fm = FrontMatter::default();
    // Where the syntax errors are (relative to the front matter): a value
    // that holds one is what the parser could make of broken text, and is
    // left out instead of being reported again as a wrong type.
    let mut broken: Vec<usize> = Vec::new();
    let mut error_lines = std::collections::HashSet::new();
    for err in &errors {
        let at = err.span().map_or(0, |s| s.start).min(front.len());
        broken.push(at);
        // The recovering parser may trip more than once on one broken line;
        // the first error there is the one to fix.
        let line = source.line_index(offset + at);
        if error_lines.insert(line) {
            diagnostics.push(toml_error(source, Rule::TomlSyntax, err, offset));
        }
        fm.recovered = true;
    }
    // A key the text sets that the recovering parser lost (the one on the
    // broken line, or all after an unclosed string or table header) is
    // there, only unreadable: no "missing required key" for it, and no rule
    // about it (no "a final post-mortem needs an `[impact]` table").
    // It stands at the opening `+++`, as a missing key does: the value it
    // would point at could not be read.
    if fm.recovered {
        for key in written_keys(front) {
            if !table.get_ref().contains_key(key.as_str()) {
                fm.seen.push((key.clone(), source.line_span(0)));
                fm.invalid_keys.push(key);
            }
        }
    }
    let mut reader = Reader {
        source,
        offset,
        config,
        diagnostics,
        prose: Vec::new(),
        broken,
        unreported: 0,
        errors: 0,
    };
    let renames = renames(table.get_ref());
    for (key, value) in table.get_ref() {
        let written = key.get_ref().as_ref();
        let key_span = reader.span(key);
        let errors_before = reader.errors();
        // `sevrity = "SEV-1"`: a required key spelled wrong is read as that
        // key (when it cannot be any other), so the rules that need it run,
        // and the one diagnostic says to rename it.
        let renamed = match Key::from_name(written) {
            Some(_) => None,
            None => renames
                .iter()
                .find(|(typo, _)| *typo == written)
                .map(|&(_, key)| key),
        };
        let name: &str = match renamed {
            Some(to) => to.as_str(),
            None => written,
        };
        if let Some(to) = renamed {
            reader.push(
                Diagnostic::error(
                    Rule::UnknownKey,
                    format!("unknown key `{written}` in the front matter"),
                )
                .at(source, key_span.clone())
                .label(format!("read as `{to}` until it is renamed"))
                .help(format!("rename `{written}` to `{to}`")),
            );
            fm.recovered = true;
        }
        fm.seen.push((name.to_string(), key_span.clone()));
        let (key_at, value_end) = (key.span().start, value.span().end);
        if reader.broken_in(key_at..value_end) {
            fm.invalid_keys.push(name.to_string());
            continue;
        }
        if let DeValue::Array(items) = value.get_ref() {
            reader.list_limit(written, items);
        }
        let details = &mut fm.details;
        match renamed.or_else(|| Key::from_name(written)) {
            Some(Key::Title) => {
                fm.title = reader.string(written, value).and_then(|t| reader.title(t));
            }
            Some(Key::Date) => fm.date = reader.date(written, value),
            Some(Key::Severity) => fm.severity = reader.severity(value),
            Some(Key::Status) => {
                fm.status = reader
                    .choice(written, value, Status::ALL)
                    .or_else(|| status_guess(value, reader.span(value)))
            }
            Some(Key::Services) => {
                fm.services = reader.string_list(written, value).inspect(|list| {
                    reader.kebab_list(written, list);
                    if list.is_empty() {
                        reader.push(
                            Diagnostic::error(Rule::InvalidValue, "`services` is empty")
                                .at(source, reader.span(value))
                                .label("name at least one affected service")
                                .help("name the affected systems: `services = [\"checkout-api\"]`"),
                        );
                    }
                })
            }
            Some(Key::Summary) => details.summary = reader.prose_string(written, value),
            Some(Key::Id) => {
                fm.id = reader
                    .string(written, value)
                    .filter(|id| reader.kebab(written, id))
            }
            Some(Key::Authors) => details.authors = reader.plain_list(written, value),
            Some(Key::Tags) => details.tags = reader.plain_list(written, value),
            Some(Key::Published) => details.published = reader.date(written, value),
            Some(Key::Related) => {
                details.related = reader.string_list(written, value).unwrap_or_default()
            }
            Some(Key::Learnings) => {
                if let Some(list) = reader.string_list(written, value) {
                    reader.prose.extend(list.iter().map(|s| s.span.clone()));
                    details.learnings = list.into_iter().map(|s| s.value).collect();
                }
            }
            Some(Key::Visibility) => {
                fm.visibility = reader
                    .choice(written, value, Visibility::ALL)
                    .map(|v| v.value)
            }
            Some(Key::Allow) => details.allow = reader.allow(value),
            Some(Key::Impact) => details.impact = reader.impact(key_span, value),
            Some(Key::RootCauses) => {
                details.root_causes = reader.tables(written, value, Reader::root_cause)
            }
            Some(Key::ActionItems) => {
                details.action_items = reader.tables(written, value, Reader::action_item)
            }
            None => reader.unknown_key("the front matter", written, key_span, Key::NAMES),
        }
        // The rename's own error is not a problem of the value.
        let own = usize::from(renamed.is_some());
        if reader.errors() > errors_before + own {
            fm.invalid_keys.push(name.to_string());
        }
    }
    fm.prose = reader.prose;
    Some(fm)
}

/// The unknown top-level keys that are misspellings of a required key, with
/// that key: only when it is the one known key near the spelling, the front
/// matter does not have it already, and no other unknown key is as likely to
/// be it. One pass over the keys, however many there are.
fn renames<'t>(table: &'t DeTable<'_>) -> Vec<(&'t str, Key)> {
    let guesses: Vec<(&str, usize)> = table
        .keys()
        .map(|k| k.get_ref().as_ref())
        .filter(|k| Key::from_name(k).is_none())
        .filter_map(
            |k| match suggest::did_you_mean(k, REQUIRED.iter().copied())[..] {
                [one] => REQUIRED.iter().position(|r| *r == one).map(|i| (k, i)),
                _ => None,
            },
        )
        .collect();
    let mut rivals = [0usize; REQUIRED.len()];
    for &(_, i) in &guesses {
        rivals[i] += 1;
    }
    guesses
        .into_iter()
        .filter(|&(_, i)| rivals[i] == 1 && !table.contains_key(REQUIRED[i]))
        .filter_map(|(k, i)| Key::from_name(REQUIRED[i]).map(|key| (k, key)))
        .collect()
}

/// What the rules take an unknown `status` for (its error is already
/// reported): the status it is one typo away from, else `draft`, whose rules
/// ask the least, so a guess adds no error of its own.
fn status_guess(value: &TomlSpanned<'_>, span: Span) -> Option<Spanned<Status>> {
    let written = value.get_ref().as_str().unwrap_or_default();
    let status = match suggest::did_you_mean(written, Status::NAMES.iter().copied())[..] {
        [one] => Status::from_name(one),
        _ => None,
    };
    Some(Spanned::new(status.unwrap_or(Status::Draft), span))
}

/// The top-level keys the front-matter text sets, by a look at its lines
/// (`key = ...` before the first table, and each `[table]` or `[[table]]`
/// header), for when the TOML parser could not read all of it.
fn written_keys(front: &str) -> Vec<String> {
    let bare = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut keys: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut in_table = false;
    for line in front.lines() {
        let line = line.trim();
        let key = if let Some(header) = line.strip_prefix('[') {
            // `["a", "b"]` is an array's line, not a header.
            let header = header.trim_start_matches('[').trim_start();
            if header.starts_with(['"', '\'']) {
                continue;
            }
            in_table = true;
            let end = header.find(|c: char| !bare(c)).unwrap_or(header.len());
            &header[..end]
        } else if in_table {
            continue;
        } else {
            match line.split_once('=') {
                Some((key, _)) if key.trim().chars().all(bare) => key.trim(),
                _ => continue,
            }
        };
        if !key.is_empty() && seen.insert(key) {
            keys.push(key.to_string());
        }
    }
    keys
}

impl FrontMatter {
    /// The required keys, with a diagnostic for each one that is missing
    /// and a stand-in value for it ([`Required::recovered`]).
    pub fn required(
        &mut self,
        source: &Arc<Source>,
        config: &Config,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Required {
        let first_line = source.line_span(0);
        let unknown: Vec<&(String, Span)> = self
            .seen
            .iter()
            .filter(|(k, _)| Key::from_name(k).is_none())
            .collect();
        let mut missing = |key: Key, help: String| {
            let key = key.as_str();
            // A key that is present but invalid already has its diagnostic.
            if self.seen.iter().any(|(k, _)| k == key) {
                return;
            }
            let mut d =
                Diagnostic::error(Rule::MissingField, format!("missing required key `{key}`"))
                    .at(source, first_line.clone())
                    .label(format!("this front matter has no `{key}`"))
                    .help(help);
            // `sevrity = ...` is most likely the missing `severity`.
            if let Some((typo, span)) = unknown
                .iter()
                .find(|(k, _)| suggest::did_you_mean(k, [key]).first() == Some(&key))
            {
                d = d.also(
                    source,
                    span.clone(),
                    format!("`{typo}` looks like a misspelling of `{key}`"),
                );
            }
            diagnostics.push(d);
        };
        let severities = &config.template.severities;
        if self.title.is_none() {
            missing(
                Key::Title,
                "add `title = \"What happened, in one line\"`".into(),
            );
        }
        if self.date.is_none() {
            missing(
                Key::Date,
                "add `date = 2025-03-14`, the day the incident started (no quotes)".into(),
            );
        }
        if self.severity.is_none() {
            missing(
                Key::Severity,
                format!(
                    "add `severity = \"{}\"`, one of {}",
                    severities
                        .get(2)
                        .or(severities.last())
                        .map_or("", String::as_str),
                    severities.join(", ")
                ),
            );
        }
        if self.status.is_none() {
            missing(
                Key::Status,
                "add `status = \"draft\"`; it moves to `review`, then `final`".into(),
            );
        }
        if self.services.is_none() {
            missing(
                Key::Services,
                "add `services = [\"checkout-api\"]`, every affected system".into(),
            );
        }
        // A required key that is missing or unreadable (reported above or
        // while reading) stands in with a neutral value, so the rules about
        // the body, the sections and the other keys still run: one problem
        // does not hide the others. A missing key stands at the opening
        // `+++`, where its error points.
        let mut stood_in = false;
        let mut stand_in = |key: Key| {
            stood_in = true;
            self.seen
                .iter()
                .find(|(k, _)| k == key.as_str())
                .map_or(first_line.clone(), |(_, span)| span.clone())
        };
        let title = self
            .title
            .take()
            .unwrap_or_else(|| Spanned::new(String::new(), stand_in(Key::Title)));
        let date = self
            .date
            .take()
            .unwrap_or_else(|| Spanned::new(Date::default(), stand_in(Key::Date)));
        let severity = self.severity.take().unwrap_or_else(|| {
            let rank = severities.len().saturating_sub(1);
            let name = severities.get(rank).cloned().unwrap_or_default();
            Spanned::new(Severity { rank, name }, stand_in(Key::Severity))
        });
        let status = self
            .status
            .take()
            .unwrap_or_else(|| Spanned::new(Status::Draft, stand_in(Key::Status)));
        let services = self.services.take().unwrap_or_else(|| {
            stand_in(Key::Services);
            Vec::new()
        });
        let invalid = REQUIRED
            .iter()
            .any(|key| self.invalid_keys.iter().any(|k| k == key));
        Required {
            title,
            date,
            severity,
            status,
            services,
            recovered: self.recovered || stood_in || invalid,
        }
    }
}

/// The span of a string value from its `limit`-th character to the end (or
/// the whole value when it is shorter).
fn past_limit(value: &Spanned<String>, limit: usize) -> Span {
    // The span covers the quoted TOML string; skip the opening quote.
    let text = &value.value;
    match text.char_indices().nth(limit) {
        Some((at, _)) if value.span.len() == text.len() + 2 => {
            value.span.start + 1 + at..value.span.end - 1
        }
        _ => value.span.clone(),
    }
}

/// Reads typed values out of the TOML tree, reporting as it goes.
struct Reader<'a> {
    source: &'a Arc<Source>,
    offset: usize,
    config: &'a Config,
    diagnostics: &'a mut Vec<Diagnostic>,
    prose: Vec<Span>,
    /// Where the TOML syntax errors are, relative to the front matter.
    broken: Vec<usize>,
    /// Problems left unreported because a syntax error there already was.
    unreported: usize,
    /// Errors pushed so far: counted as they come, since a front matter of
    /// thousands of keys asks after each one.
    errors: usize,
}

/// What a TOML value is, for "expected X, found Y".
fn found(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
            (Some(_), None, _) => "a date",
            (None, Some(_), _) => "a time",
            (Some(_), Some(_), None) => "a date-time without a UTC offset",
            _ => "a date-time",
        },
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

impl<'a> Reader<'a> {
    /// Errors so far, counting those a syntax error stood for.
    fn errors(&self) -> usize {
        self.errors + self.unreported
    }

    fn span<T>(&self, spanned: &toml::Spanned<T>) -> Span {
        let s = spanned.span();
        s.start + self.offset..s.end + self.offset
    }

    fn push(&mut self, diagnostic: Diagnostic) {
        self.errors += usize::from(diagnostic.is_error());
        self.diagnostics.push(diagnostic);
    }

    /// `[limits] max_list_items`: every page an incident appears on may
    /// repeat some of its lists, so a list of thousands makes a site of
    /// gigabytes. Reported at the first entry past the limit; the list is
    /// still read, so its other problems are reported in the same run.
    fn list_limit(&mut self, key: &str, items: &[TomlSpanned<'_>]) {
        let max = self.config.limits.max_list_items;
        let Some(first_over) = items.get(max) else {
            return;
        };
        let d = Diagnostic::error(
            Rule::ResourceLimit,
            format!(
                "`{key}` has {} entries, over the limit of {}",
                thousands(items.len() as u64),
                thousands(max as u64)
            ),
        )
        .at(self.source, self.entry_span(first_over))
        .label(format!(
            "entry {} is past the limit",
            thousands(max as u64 + 1)
        ))
        .help(format!(
            "keep `{key}` to what matters (detail belongs in the body), or raise the limit in \
             hindsight.toml: `[limits]` then `max_list_items = {}`",
            items.len()
        ));
        self.push(d);
    }

    /// Whether a syntax error lies in `span` (relative to the front matter,
    /// its end included: an unclosed string breaks at its end).
    fn broken_in(&self, span: std::ops::Range<usize>) -> bool {
        self.broken
            .iter()
            .any(|at| (span.start..=span.end).contains(at))
    }

    fn type_error(&mut self, key: &str, value: &TomlSpanned<'_>, expected: &str, help: &str) {
        // What the parser kept of a broken value (an impossible date has no
        // date in it) is not a second problem: the syntax error is reported.
        // The value still counts as invalid, so no rule reads its absence.
        if self.broken_in(value.span()) {
            self.unreported += 1;
            return;
        }
        let d = Diagnostic::error(
            Rule::InvalidType,
            format!(
                "`{key}` must be {expected}, found {}",
                found(value.get_ref())
            ),
        )
        .at(self.source, self.span(value))
        .label(format!("expected {expected}"))
        .help(help);
        self.push(d);
    }

    fn string(&mut self, key: &str, value: &TomlSpanned<'_>) -> Option<Spanned<String>> {
        match value.get_ref() {
            // Control characters are dropped here, once, so no page, feed or
            // export can carry one; `check` warns about each (markup.rs).
            DeValue::String(s) => Some(Spanned::new(
                strip_control(s).into_owned(),
                self.span(value),
            )),
            _ => {
                let help = format!("write it as a quoted string: `{} = \"...\"`", leaf(key));
                self.type_error(key, value, "a string", &help);
                None
            }
        }
    }

    fn prose_string(&mut self, key: &str, value: &TomlSpanned<'_>) -> Option<String> {
        let s = self.string(key, value)?;
        self.prose.push(s.span.clone());
        Some(s.value)
    }

    fn title(&mut self, title: Spanned<String>) -> Option<Spanned<String>> {
        let chars = title.trim().chars().count();
        if chars == 0 || chars > 160 {
            let d = Diagnostic::error(
                Rule::InvalidValue,
                if chars == 0 {
                    "`title` is empty".to_string()
                } else {
                    format!("`title` is {chars} characters long; the limit is 160")
                },
            )
            .at(self.source, past_limit(&title, 160))
            .label(if chars == 0 {
                "the title must be 1 to 160 characters"
            } else {
                "this part is past the limit"
            })
            .help("say what happened in a line; the detail belongs in `## Summary`");
            self.push(d);
            return None;
        }
        self.prose.push(title.span.clone());
        Some(title)
    }

    fn string_list(&mut self, key: &str, value: &TomlSpanned<'_>) -> Option<Vec<Spanned<String>>> {
        let example = format!(
            "write a list of quoted strings: `{} = [\"...\", \"...\"]`",
            leaf(key)
        );
        let DeValue::Array(items) = value.get_ref() else {
            self.type_error(key, value, "an array of strings", &example);
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => {
                    out.push(Spanned::new(strip_control(s).into_owned(), self.span(item)))
                }
                _ => {
                    self.type_error(&format!("{key} items"), item, "strings", &example);
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    fn plain_list(&mut self, key: &str, value: &TomlSpanned<'_>) -> Vec<String> {
        self.string_list(key, value)
            .unwrap_or_default()
            .into_iter()
            .map(|s| s.value)
            .collect()
    }

    fn kebab(&mut self, key: &str, value: &Spanned<String>) -> bool {
        if is_kebab_case(value) {
            return true;
        }
        let fixed = crate::text::kebab(value);
        let d = Diagnostic::error(
            Rule::InvalidValue,
            format!("`{key}` must be kebab-case, found `{}`", value.value),
        )
        .at(self.source, value.span.clone())
        .label("lowercase letters, digits and single dashes only")
        .help(format!("write `{fixed}`"));
        self.push(d);
        false
    }

    fn kebab_list(&mut self, key: &str, list: &[Spanned<String>]) {
        for item in list {
            self.kebab(key, item);
        }
    }

    fn datetime<'v>(
        &mut self,
        key: &str,
        value: &'v TomlSpanned<'_>,
        expected: &str,
        example: &str,
    ) -> Option<&'v toml::value::Datetime> {
        match value.get_ref() {
            DeValue::Datetime(dt) => Some(dt),
            _ => {
                self.type_error(key, value, expected, example);
                None
            }
        }
    }

    fn civil_date(
        &mut self,
        key: &str,
        value: &TomlSpanned<'_>,
        d: toml::value::Date,
    ) -> Option<Date> {
        match Date::new(d.year as i16, d.month as i8, d.day as i8) {
            Ok(date) => Some(date),
            Err(_) => {
                let e = Diagnostic::error(
                    Rule::InvalidValue,
                    format!("`{key}` is not a real date: {d}"),
                )
                .at(self.source, self.span(value))
                .label("this day does not exist")
                .help("check the day of the month (and leap years)");
                self.push(e);
                None
            }
        }
    }

    fn date(&mut self, key: &str, value: &TomlSpanned<'_>) -> Option<Spanned<Date>> {
        let example = format!("write a date without quotes: `{} = 2025-03-14`", leaf(key));
        let dt = *self.datetime(key, value, "a local date", &example)?;
        match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => {
                let date = self.civil_date(key, value, d)?;
                Some(Spanned::new(date, self.span(value)))
            }
            _ => {
                self.type_error(key, value, "a local date", &example);
                None
            }
        }
    }

    fn instant(&mut self, key: &str, value: &TomlSpanned<'_>) -> Option<Spanned<Instant>> {
        let example = format!(
            "write a date-time with `Z` or an offset, without quotes: `{} = 2025-03-14T09:12:00Z`",
            leaf(key)
        );
        let dt = *self.datetime(key, value, "a date-time with a UTC offset", &example)?;
        let (Some(d), Some(t), Some(offset)) = (dt.date, dt.time, dt.offset) else {
            self.type_error(key, value, "a date-time with a UTC offset", &example);
            return None;
        };
        let date = self.civil_date(key, value, d)?;
        // TOML accepts any instant from year 0 to 9999 with any offset;
        // jiff's timestamps stop a day short of either end. Each step that
        // can fail says so: a value dropped silently would make the whole
        // `[impact]` table vanish and be reported as missing.
        let offset = match offset {
            toml::value::Offset::Z => Ok(Offset::UTC),
            toml::value::Offset::Custom { minutes } => {
                Offset::from_seconds(i32::from(minutes) * 60).map_err(|e| e.to_string())
            }
        };
        let time = jiff::civil::Time::new(
            t.hour as i8,
            t.minute as i8,
            t.second.unwrap_or(0).min(59) as i8,
            t.nanosecond.unwrap_or(0) as i32,
        )
        .map_err(|e| e.to_string());
        let timestamp = offset.and_then(|offset| {
            let time = time?;
            offset
                .to_timestamp(date.to_datetime(time))
                .map(|timestamp| (timestamp, offset))
                .map_err(|e| e.to_string())
        });
        let (timestamp, offset) = match timestamp {
            Ok(ok) => ok,
            Err(why) => {
                let e = Diagnostic::error(
                    Rule::InvalidValue,
                    format!("`{key}` is not an instant Hindsight can use: {dt}"),
                )
                .at(self.source, self.span(value))
                .label("out of range")
                .note(why)
                .help("write the real instant, between the years 0001 and 9998");
                self.push(e);
                return None;
            }
        };
        Some(Spanned::new(
            Instant { timestamp, offset },
            self.span(value),
        ))
    }

    fn choice<T: Copy>(
        &mut self,
        key: &str,
        value: &TomlSpanned<'_>,
        choices: &[(&str, T)],
    ) -> Option<Spanned<T>> {
        let s = self.string(key, value)?;
        if let Some((_, v)) = choices.iter().find(|(name, _)| *name == s.value) {
            return Some(Spanned::new(*v, s.span));
        }
        let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
        self.not_in_list(key, &s, &names);
        None
    }

    fn not_in_list(&mut self, key: &str, s: &Spanned<String>, names: &[&str]) {
        let list = names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let d = Diagnostic::error(
            Rule::InvalidValue,
            format!("`{key}` cannot be `{}`", s.value),
        )
        .at(self.source, s.span.clone())
        .label(format!("expected one of {list}"))
        .help(suggest::help(&s.value, names.iter().copied(), || {
            format!("use one of {list}")
        }));
        self.push(d);
    }

    fn severity(&mut self, value: &TomlSpanned<'_>) -> Option<Spanned<Severity>> {
        let s = self.string("severity", value)?;
        match self.config.template.severity_rank(&s) {
            Some(rank) => Some(Spanned::new(
                Severity {
                    rank,
                    name: s.value,
                },
                s.span,
            )),
            None => {
                let names: Vec<&str> = self
                    .config
                    .template
                    .severities
                    .iter()
                    .map(String::as_str)
                    .collect();
                self.not_in_list("severity", &s, &names);
                // The rules still run on the value (its error is reported):
                // ranked as the severity it is one typo away from (`SEV2`),
                // else as the least severe, whose rules ask the least.
                let rank = match suggest::did_you_mean(&s.value, names.iter().copied())[..] {
                    [one] => self.config.template.severity_rank(one),
                    _ => None,
                };
                let rank = rank.unwrap_or(names.len().saturating_sub(1));
                let name = names.get(rank).copied().unwrap_or_default().to_string();
                Some(Spanned::new(Severity { rank, name }, s.span))
            }
        }
    }

    fn category(&mut self, key: &str, value: &TomlSpanned<'_>) -> Option<String> {
        let s = self.string(key, value)?;
        if self.config.template.categories.contains(&s.value) {
            return Some(s.value);
        }
        let names: Vec<&str> = self
            .config
            .template
            .categories
            .iter()
            .map(String::as_str)
            .collect();
        self.not_in_list(key, &s, &names);
        None
    }

    fn allow(&mut self, value: &TomlSpanned<'_>) -> Vec<String> {
        let list = self.string_list("allow", value).unwrap_or_default();
        let lints = [
            Rule::BlameLanguage.name(),
            Rule::VagueActionItem.name(),
            Rule::PossibleRecurrence.name(),
        ];
        list.into_iter()
            .filter_map(|s| {
                if lints.contains(&s.value.as_str()) {
                    return Some(s.value);
                }
                let d = Diagnostic::warning(
                    Rule::InvalidValue,
                    format!("`allow` names `{}`, which is not a lint", s.value),
                )
                .at(self.source, s.span.clone())
                .label("unknown lint")
                .help(suggest::help(&s.value, lints, || {
                    format!("lints that can be allowed: {}", lints.join(", "))
                }));
                self.push(d);
                None
            })
            .collect()
    }

    fn unknown_key(&mut self, place: &str, key: &str, span: Span, known: &[&str]) {
        let d = Diagnostic::new(
            Level::Warning,
            Rule::UnknownKey,
            format!("unknown key `{key}` in {place}"),
        )
        .at(self.source, span)
        .label("Hindsight does not use this key");
        // One near key is most likely what was meant: say what to do.
        let help = match suggest::did_you_mean(key, known.iter().copied())[..] {
            [one] => format!("rename `{key}` to `{one}`"),
            _ => suggest::help(key, known.iter().copied(), || {
                "remove it; the guide's format page lists the keys a post-mortem can have"
                    .to_string()
            }),
        };
        self.push(d.help(help));
    }

    fn table<'v, 'i>(
        &mut self,
        key: &str,
        value: &'v TomlSpanned<'i>,
        example: &str,
    ) -> Option<&'v DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => {
                self.type_error(key, value, "a table", example);
                None
            }
        }
    }

    fn impact(&mut self, key_span: Span, value: &TomlSpanned<'_>) -> Option<Impact> {
        let table = self.table(
            "impact",
            value,
            "write it as a table: a line `[impact]`, then `started = 2025-03-14T09:12:00Z` and the other instants",
        )?;
        let (mut started, mut detected, mut mitigated, mut resolved) = (None, None, None, None);
        let (mut users_affected, mut description) = (None, None);
        let mut started_present = false;
        for (k, v) in table {
            let name = k.get_ref().as_ref();
            let path = format!("impact.{name}");
            match name {
                "started" => {
                    started_present = true;
                    started = self.instant(&path, v);
                }
                "detected" => detected = self.instant(&path, v),
                "mitigated" => mitigated = self.instant(&path, v),
                "resolved" => resolved = self.instant(&path, v),
                "users_affected" => users_affected = self.count(&path, v),
                "description" => description = self.prose_string(&path, v),
                _ => self.unknown_key("`[impact]`", name, self.span(k), IMPACT_KEYS),
            }
        }
        if !started_present {
            let d = Diagnostic::error(Rule::MissingField, "`[impact]` has no `started`")
                .at(self.source, key_span.clone())
                .label("this table needs `started`")
                .help("add `started = 2025-03-14T09:12:00Z`, when user impact began");
            self.push(d);
        }
        Some(Impact {
            span: key_span,
            started: started?,
            detected,
            mitigated,
            resolved,
            users_affected,
            description,
        })
    }

    fn count(&mut self, key: &str, value: &TomlSpanned<'_>) -> Option<u64> {
        let DeValue::Integer(i) = value.get_ref() else {
            let help = format!(
                "write a whole number without quotes: `{} = 1200`",
                leaf(key)
            );
            self.type_error(key, value, "an integer", &help);
            return None;
        };
        let digits = i.as_str().replace('_', "");
        let digits = digits.trim_start_matches('+');
        let parsed = match i.radix() {
            10 => digits.parse::<i128>().ok(),
            radix => i128::from_str_radix(&digits[2..], radix).ok(),
        };
        match parsed.and_then(|n| u64::try_from(n).ok()) {
            Some(n) => Some(n),
            None => {
                let d = Diagnostic::error(
                    Rule::InvalidValue,
                    format!("`{key}` must be a whole number of at least 0"),
                )
                .at(self.source, self.span(value))
                .label("not a count of users")
                .help(
                    "write the number of users affected, or leave the key out when it is unknown",
                );
                self.push(d);
                None
            }
        }
    }

    /// Reads an array of tables (`[[root_causes]]`), one entry at a time.
    fn tables<T>(
        &mut self,
        key: &str,
        value: &TomlSpanned<'_>,
        read: fn(&mut Self, Span, &DeTable<'_>) -> Option<T>,
    ) -> Vec<T> {
        let example = format!("write each entry as a table under its own `[[{key}]]` line");
        let DeValue::Array(items) = value.get_ref() else {
            self.type_error(key, value, "an array of tables", &example);
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::Table(t) => {
                    let span = self.entry_span(item);
                    out.extend(read(self, span, t));
                }
                _ => self.type_error(&format!("{key} items"), item, "tables", &example),
            }
        }
        out
    }

    /// The span a `[[x]]` entry is reported at: its header line when it has
    /// one, else the inline table.
    fn entry_span(&self, item: &TomlSpanned<'_>) -> Span {
        let span = self.span(item);
        let text = &self.source.text;
        let line = self.source.line_index(span.start);
        let line_span = self.source.line_span(line);
        if text[line_span.clone()].trim_start().starts_with("[[") {
            line_span
        } else {
            span
        }
    }

    fn missing_in_entry(&mut self, entry: &str, key: &str, span: Span, example: &str) {
        let d = Diagnostic::error(
            Rule::MissingField,
            format!("this `[[{entry}]]` entry has no `{key}`"),
        )
        .at(self.source, span)
        .label(format!("`{key}` is required here"))
        .help(format!("add `{example}`"));
        self.push(d);
    }

    fn root_cause(&mut self, span: Span, table: &DeTable<'_>) -> Option<RootCause> {
        let (mut id, mut kind, mut category, mut description) = (None, None, None, None);
        let mut id_present = false;
        for (k, v) in table {
            let name = k.get_ref().as_ref();
            let path = format!("root_causes.{name}");
            match name {
                "id" => {
                    id_present = true;
                    id = self.string(&path, v).filter(|id| self.kebab(&path, id));
                }
                "kind" => kind = self.choice(&path, v, CauseKind::ALL).map(|k| k.value),
                "category" => category = self.category(&path, v),
                "description" => description = self.prose_string(&path, v),
                _ => self.unknown_key("a `[[root_causes]]` entry", name, self.span(k), CAUSE_KEYS),
            }
        }
        if !id_present {
            self.missing_in_entry(
                "root_causes",
                "id",
                span,
                "id = \"connection-pool-exhaustion\"",
            );
        }
        Some(RootCause {
            id: id?,
            kind: kind.unwrap_or(CauseKind::Root),
            category,
            description,
        })
    }

    fn action_item(&mut self, span: Span, table: &DeTable<'_>) -> Option<ActionItem> {
        let mut title = None;
        let mut title_present = false;
        let (mut owner, mut due, mut status, mut kind) = (None, None, None, None);
        let (mut tracker, mut completed) = (None, None);
        for (k, v) in table {
            let name = k.get_ref().as_ref();
            let path = format!("action_items.{name}");
            match name {
                "title" => {
                    title_present = true;
                    title = self.string(&path, v).filter(|t| {
                        if t.trim().is_empty() {
                            let d = Diagnostic::error(
                                Rule::InvalidValue,
                                "the action item's `title` is empty",
                            )
                            .at(self.source, t.span.clone())
                            .label("say what will change");
                            self.push(d);
                            return false;
                        }
                        true
                    });
                    if let Some(t) = &title {
                        self.prose.push(t.span.clone());
                    }
                }
                "owner" => owner = self.string(&path, v),
                "due" => due = self.date(&path, v),
                "status" => status = self.choice(&path, v, ItemStatus::ALL).map(|s| s.value),
                "kind" => kind = self.choice(&path, v, ItemKind::ALL).map(|k| k.value),
                "tracker" => tracker = self.string(&path, v).filter(|t| self.url(&path, t)),
                "completed" => completed = self.date(&path, v).map(|d| d.value),
                _ => self.unknown_key("an `[[action_items]]` entry", name, self.span(k), ITEM_KEYS),
            }
        }
        if !title_present {
            self.missing_in_entry(
                "action_items",
                "title",
                span.clone(),
                "title = \"Add a p99 latency alert on checkout-api\"",
            );
        }
        Some(ActionItem {
            span,
            title: title?,
            owner,
            due,
            status: status.unwrap_or(ItemStatus::Open),
            kind,
            tracker: tracker.map(|t| t.value),
            completed,
        })
    }

    fn url(&mut self, key: &str, value: &Spanned<String>) -> bool {
        let v = value.value.as_str();
        let rest = v
            .strip_prefix("https://")
            .or_else(|| v.strip_prefix("http://"));
        if rest.is_some_and(|r| !r.is_empty() && !r.contains(char::is_whitespace)) {
            return true;
        }
        let d = Diagnostic::error(Rule::InvalidValue, format!("`{key}` is not a URL"))
            .at(self.source, value.span.clone())
            .label("expected an http:// or https:// link to the ticket")
            .help("link the ticket: `tracker = \"https://tracker.example.com/browse/OPS-123\"`");
        self.push(d);
        false
    }
}

/// The last part of a dotted key path: `impact.users_affected` → `users_affected`.
fn leaf(key: &str) -> &str {
    key.rsplit('.')
        .next()
        .unwrap_or(key)
        .trim_end_matches(" items")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_keys_finds_top_level_keys_and_tables() {
        let front = "title = \"a = b\"\nservices = [\n  \"x\",\n]\n\"quoted\" = 1\n\
                     [impact\nstarted = 2025-03-14T09:12:00Z\n[[root_causes]]\nid = \"x\"\n\
                     [[ action_items ]]\n";
        assert_eq!(
            written_keys(front),
            ["title", "services", "impact", "root_causes", "action_items"]
        );
        assert!(written_keys("").is_empty());
        assert!(written_keys("[[\n[\n=\n").is_empty());
    }

    #[test]
    fn a_misspelled_required_key_is_renamed_only_when_unambiguous() {
        let rename = |front: &str, key: &str| {
            let (table, _) = DeTable::parse_recoverable(front);
            renames(table.get_ref())
                .into_iter()
                .find(|(typo, _)| *typo == key)
                .map(|(_, key)| key)
        };
        assert_eq!(rename("sevrity = 1", "sevrity"), Some(Key::Severity));
        // The real key is there: the typo is only an unknown key.
        assert_eq!(rename("sevrity = 1\nseverity = 2", "sevrity"), None);
        // Two keys could be `severity`: neither is guessed.
        assert_eq!(rename("sevrity = 1\nseverty = 2", "sevrity"), None);
        // Optional keys are not renamed (an unknown key there is a warning).
        assert_eq!(rename("sumary = 1", "sumary"), None);
    }
}
