//! `hindsight.toml`: the knowledge base's configuration.
//!
//! Every section and key has a default, so a file with only `[site]` works.
//! An unknown key is an error (with did-you-mean), unlike in post-mortems:
//! a typo here would silently change what every page and rule does.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::diag::{Diagnostic, Rule};
use crate::source::Source;

/// The config file's name at the knowledge base's root.
pub const CONFIG_FILE: &str = "hindsight.toml";

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub site: SiteConfig,
    pub content: ContentConfig,
    pub template: TemplateConfig,
    pub lints: LintConfig,
    pub limits: Limits,
    pub related: RelatedConfig,
    pub public: PublicConfig,
}

/// `[public]`: what `build --public` publishes of the public post-mortems.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PublicConfig {
    /// Front-matter fields left off public pages. Both person-identifying
    /// fields by default: a public site that names who wrote a write-up or
    /// who owns a fix is a choice to make, not a default to discover.
    pub redact: Vec<Redacted>,
}

impl Default for PublicConfig {
    fn default() -> Self {
        PublicConfig {
            redact: vec![Redacted::Authors, Redacted::ActionItemOwner],
        }
    }
}

/// A front-matter field `[public] redact` can leave out: the ones that name
/// people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
pub enum Redacted {
    #[serde(rename = "authors")]
    Authors,
    #[serde(rename = "action_items.owner")]
    ActionItemOwner,
}

impl Redacted {
    /// Each value with its name, as `hindsight.toml` writes it (a test holds
    /// these to serde's names above).
    pub const ALL: &'static [(&'static str, Redacted)] = &[
        ("authors", Redacted::Authors),
        ("action_items.owner", Redacted::ActionItemOwner),
    ];

    /// The name, from [`Redacted::ALL`].
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, r)| *r == self)
            .map_or("", |(name, _)| name)
    }
}

/// `[related]`: the related incidents on each incident page and the
/// "possible recurrence" note of `check`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RelatedConfig {
    /// How many related incidents each incident lists (0: none, and no
    /// `possible-recurrence` notes either).
    pub count: usize,
    /// Text similarity (0 to 1) at or above which two incidents that share
    /// no root-cause id are flagged as a possible recurrence.
    ///
    /// 0.5, from the data. In `content-example` no two incidents without a
    /// shared cause reach it: the closest, two notifications incidents with
    /// different causes (an SMS retry storm, duplicate pushes), are 0.36
    /// alike, and pairs that do share a cause average 0.06, since each
    /// write-up's heavy terms are its own services and details. In the
    /// generated 1,000-incident corpus, whose texts come from one small
    /// vocabulary of templates, 36 unrelated pairs reach 0.4 but only 2 reach
    /// 0.5 (at most 0.54; and `check` notes none of them, since a note comes
    /// from an incident's related list, which shared causes fill there). A write-up of the same failure told again keeps
    /// most of its heavy terms and scores well above it. So at 0.5 a note
    /// is rare and worth reading; lower, it would fire on every templated
    /// pair.
    pub threshold: f64,
}

/// Most related incidents a page may list: each is a card on the page.
pub const MAX_RELATED: usize = 50;

impl Default for RelatedConfig {
    fn default() -> Self {
        RelatedConfig {
            count: 5,
            threshold: 0.5,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SiteConfig {
    pub title: String,
    pub base_url: String,
    pub description: Option<String>,
    /// A theme folder in the knowledge base's `themes/`; default: the built-in theme.
    pub theme: Option<String>,
    /// Pass raw HTML in post-mortems through to the pages unchanged. Off by
    /// default: raw HTML is shown as text, so a pull request cannot put
    /// script on a page the whole company opens.
    pub unsafe_html: bool,
    /// The knowledge base's repository on GitHub or GitLab
    /// (`https://github.com/acme/postmortems`): incident pages link to each
    /// file's history and editor there.
    pub repo_url: Option<String>,
    /// The branch those links name.
    pub repo_branch: String,
    /// Read git's history of the post-mortems when the knowledge base is in
    /// a repository (last changed, time to first draft and to publish).
    pub git: bool,
    /// How many quarters, the latest, the metrics dashboard charts (and
    /// tabulates beside the charts). A knowledge base with decades of
    /// history would otherwise draw hundreds of mostly empty quarters; the
    /// quarters page lists every quarter with incidents.
    pub chart_quarters: usize,
    /// Incidents a page on the lists of a service, tag, severity and year;
    /// the others are on `page/2/`, `page/3/`… under the list.
    pub paginate_by: usize,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: "Post-mortems".into(),
            base_url: "/".into(),
            description: None,
            theme: None,
            unsafe_html: false,
            repo_url: None,
            repo_branch: "main".into(),
            git: true,
            chart_quarters: 12,
            paginate_by: 50,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ContentConfig {
    /// The folder (relative to the root) whose `*.md` files are post-mortems.
    pub dir: PathBuf,
    /// Files larger than this many bytes are refused, so a stray binary or
    /// log dump cannot make `check` read gigabytes.
    pub max_file_size: u64,
}

impl Default for ContentConfig {
    fn default() -> Self {
        ContentConfig {
            dir: PathBuf::from("postmortems"),
            max_file_size: 5 * 1024 * 1024,
        }
    }
}

/// Resource limits: each keeps one hostile or mistaken file from making
/// `check` or `build` take time or space out of proportion to what it adds.
/// Going over one is a `resource-limit` error with the file and line.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Most post-mortem files in the knowledge base.
    pub max_files: usize,
    /// Most entries in one front-matter list (`services`, `tags`, `related`,
    /// `authors`, `learnings`, `root_causes`, `action_items`...).
    pub max_list_items: usize,
    /// Deepest nesting of block quotes and lists in a body.
    pub max_nesting: usize,
    /// Most headings in one body.
    pub max_headings: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_files: 200_000,
            max_list_items: 100,
            max_nesting: 32,
            max_headings: 1_000,
        }
    }
}

/// Where a post-mortem is published: `build --public` leaves internal ones out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    #[default]
    Internal,
    Public,
}

impl Visibility {
    /// Each value with its name: what front matter (`visibility = "public"`)
    /// is read against and pages show. The config file is read by serde,
    /// whose names (`rename_all` above) a test holds to these.
    pub const ALL: &'static [(&'static str, Visibility)] = &[
        ("internal", Visibility::Internal),
        ("public", Visibility::Public),
    ];

    /// The name, from [`Visibility::ALL`].
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, v)| *v == self)
            .map_or("", |(name, _)| name)
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TemplateConfig {
    /// Severity levels, worst first.
    pub severities: Vec<String>,
    /// `##` sections every post-mortem must have.
    pub required_sections: Vec<String>,
    /// Other accepted headings for a required section, e.g.
    /// `"Root Cause Analysis" = ["Root Cause", "RCA"]`.
    pub section_aliases: BTreeMap<String, Vec<String>>,
    /// Fishbone categories for root causes.
    pub categories: Vec<String>,
    /// Make a root cause missing from the catalogue an error, not a warning.
    pub strict_root_causes: bool,
    /// Visibility of post-mortems that do not say.
    pub default_visibility: Visibility,
    /// Days an action item may stay open, by severity (e.g. `"SEV-1" = 28`):
    /// items past it are SLO breaches, with or without a due date.
    pub action_item_slo_days: BTreeMap<String, u32>,
    /// Days a post-mortem may stay in `draft` or `review` after its
    /// incident, by severity (e.g. `"SEV-1" = 5`): later, `review-overdue`
    /// warns and the home page lists it. Empty: no deadlines, since how fast
    /// a team can finish a review is the team's call.
    pub review_within_days: BTreeMap<String, u32>,
}

impl Default for TemplateConfig {
    fn default() -> Self {
        TemplateConfig {
            severities: ["SEV-1", "SEV-2", "SEV-3", "SEV-4", "SEV-5"]
                .map(String::from)
                .into(),
            required_sections: [
                "Summary",
                "Impact",
                "Timeline",
                "Root Cause Analysis",
                "Lessons Learned",
            ]
            .map(String::from)
            .into(),
            section_aliases: BTreeMap::new(),
            categories: ["people", "process", "technology", "environment", "external"]
                .map(String::from)
                .into(),
            strict_root_causes: false,
            default_visibility: Visibility::Internal,
            action_item_slo_days: BTreeMap::new(),
            review_within_days: BTreeMap::new(),
        }
    }
}

impl TemplateConfig {
    /// The rank of a severity (0 = worst), if it is configured.
    pub fn severity_rank(&self, name: &str) -> Option<usize> {
        self.severities.iter().position(|s| s == name)
    }

    /// SEV-1 and SEV-2 in FORMAT.md mean the first two configured levels.
    pub fn is_major(&self, rank: usize) -> bool {
        rank < 2
    }

    /// The required section that `heading` satisfies, by name or alias,
    /// case-insensitively.
    pub fn required_section_for(&self, heading: &str) -> Option<&str> {
        let heading = heading.trim();
        self.required_sections
            .iter()
            .find(|name| {
                name.eq_ignore_ascii_case(heading)
                    || self.section_aliases.iter().any(|(key, aliases)| {
                        key.eq_ignore_ascii_case(name)
                            && aliases.iter().any(|a| a.eq_ignore_ascii_case(heading))
                    })
            })
            .map(String::as_str)
    }
}

/// How a lint reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LintLevel {
    Allow,
    /// `warning` too: the word `check` prints.
    #[default]
    #[serde(alias = "warning")]
    Warn,
    /// `error` too: the word `check` prints, and what people write.
    #[serde(alias = "error")]
    Deny,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LintConfig {
    /// `blame-language`: wording that points at a person.
    pub blame_language: LintLevel,
    /// `vague-action-item`: action items nobody can act on.
    pub vague_action_item: LintLevel,
    /// More phrases to flag as blame language, besides the built-in ones.
    pub blame_phrases: Vec<String>,
    /// People's names that should not appear in a write-up (say the role).
    pub names: Vec<String>,
}

impl Config {
    /// Reads `hindsight.toml` at `root`. Any problem is an error: a run with a
    /// half-understood config would check the wrong things.
    pub fn load(root: &Path) -> Result<(Config, Arc<Source>), Vec<Diagnostic>> {
        let path = root.join(CONFIG_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                let shown = root.display();
                return Err(vec![
                    Diagnostic::error(
                        Rule::Config,
                        format!("`{shown}` is not a Hindsight knowledge base: it has no {CONFIG_FILE}"),
                    )
                    .help(format!(
                        "run `hindsight init {shown}` to create one, or point at the folder that has {CONFIG_FILE}"
                    )),
                ]);
            }
            Err(err) => {
                return Err(vec![Diagnostic::error(
                    Rule::Config,
                    format!("cannot read {}: {err}", path.display()),
                )]);
            }
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
        let source = Arc::new(Source::new(path, text));
        let mut config: Config = toml::from_str(&source.text)
            .map_err(|err| vec![toml_error(&source, Rule::Config, &err, 0)])?;
        // The site's title and description are on every page and feed:
        // control characters (TOML escapes) are dropped once, here.
        crate::text::strip_control_in_place(&mut config.site.title);
        if let Some(description) = &mut config.site.description {
            crate::text::strip_control_in_place(description);
        }
        // Severity names are page titles and feed fields, and post-mortems
        // name them with their control characters already dropped.
        config
            .template
            .severities
            .iter_mut()
            .for_each(crate::text::strip_control_in_place);
        let problems = config.check(&source);
        if problems.is_empty() {
            Ok((config, source))
        } else {
            Err(problems)
        }
    }

    /// Parses a config from text (for tests and `init`).
    pub fn from_toml(text: &str) -> Result<Config, toml::de::Error> {
        toml::from_str(text)
    }

    /// Checks what types alone cannot: non-empty, duplicate-free lists.
    fn check(&self, source: &Arc<Source>) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        let lists = [
            ("template.severities", &self.template.severities),
            ("template.categories", &self.template.categories),
        ];
        for (key, list) in lists {
            if list.is_empty() {
                problems.push(
                    Diagnostic::error(Rule::Config, format!("`{key}` must not be empty"))
                        .in_file(source),
                );
            }
            for (i, item) in list.iter().enumerate() {
                if list[..i].contains(item) {
                    problems.push(
                        Diagnostic::error(Rule::Config, format!("`{key}` lists `{item}` twice"))
                            .in_file(source),
                    );
                }
            }
        }
        let by_severity = [
            (
                "template.action_item_slo_days",
                &self.template.action_item_slo_days,
            ),
            (
                "template.review_within_days",
                &self.template.review_within_days,
            ),
        ];
        for (key, table) in by_severity {
            for name in table.keys() {
                if !self.template.severities.contains(name) {
                    problems.push(
                        Diagnostic::error(
                            Rule::Config,
                            format!("`{key}` names `{name}`, which is not a configured severity"),
                        )
                        .in_file(source)
                        .help(format!(
                            "severities are: {}",
                            self.template.severities.join(", ")
                        )),
                    );
                }
            }
        }
        for name in self.template.section_aliases.keys() {
            if !self
                .template
                .required_sections
                .iter()
                .any(|s| s.eq_ignore_ascii_case(name))
            {
                problems.push(
                    Diagnostic::error(
                        Rule::Config,
                        format!("`template.section_aliases` names `{name}`, which is not a required section"),
                    )
                    .in_file(source)
                    .help(format!(
                        "required sections are: {}",
                        self.template.required_sections.join(", ")
                    )),
                );
            }
        }
        let redact = &self.public.redact;
        for (i, field) in redact.iter().enumerate() {
            if redact[..i].contains(field) {
                problems.push(crate::content::paths::at_key(
                    Diagnostic::error(
                        Rule::Config,
                        format!("`public.redact` lists `{}` twice", field.as_str()),
                    ),
                    source,
                    "public",
                    "redact",
                ));
            }
        }
        if self.site.chart_quarters == 0 {
            problems.push(
                crate::content::paths::at_key(
                    Diagnostic::error(
                        Rule::Config,
                        "`site.chart_quarters` is 0: the dashboard's charts need at least one quarter",
                    ),
                    source,
                    "site",
                    "chart_quarters",
                )
                .help("the default is 12 (three years)"),
            );
        }
        if self.site.paginate_by == 0 {
            problems.push(
                crate::content::paths::at_key(
                    Diagnostic::error(
                        Rule::Config,
                        "`site.paginate_by` is 0: a page of a list holds at least one incident",
                    ),
                    source,
                    "site",
                    "paginate_by",
                )
                .help("the default is 50"),
            );
        }
        if self.related.count > MAX_RELATED {
            problems.push(
                Diagnostic::error(
                    Rule::Config,
                    format!(
                        "`related.count` is {}, more than the most, {MAX_RELATED}",
                        self.related.count
                    ),
                )
                .in_file(source),
            );
        }
        let threshold = self.related.threshold;
        if !(threshold > 0.0 && threshold <= 1.0) {
            problems.push(
                Diagnostic::error(
                    Rule::Config,
                    format!("`related.threshold` is {threshold}: it must be above 0 and at most 1"),
                )
                .in_file(source)
                .help("text similarity runs from 0 (nothing in common) to 1 (the same words); the default is 0.5"),
            );
        }
        problems
    }
}

/// Converts a TOML or serde error into a diagnostic pointing into `source`,
/// whose TOML text starts at byte `offset` (front matter starts after `+++`).
/// The parser's words are kept, with a hint for the common slips: a string
/// without quotes, a key set twice.
pub fn toml_error(
    source: &Arc<Source>,
    rule: Rule,
    err: &toml::de::Error,
    offset: usize,
) -> Diagnostic {
    let message = err.message().trim().to_string();
    let span = err
        .span()
        .map(|s| (s.start + offset)..(s.end + offset))
        .unwrap_or(offset..offset);
    let span = if span.is_empty() && span.start < source.text.len() {
        let next = source.text[span.start..]
            .chars()
            .next()
            .map_or(0, char::len_utf8);
        span.start..span.start + next
    } else {
        span
    };
    let what = match rule {
        Rule::Config => format!("invalid {CONFIG_FILE}"),
        Rule::Catalogue => return plain_toml_error(source, rule, &message, span),
        _ => "the front matter is not valid TOML".to_string(),
    };
    if let Some((field, expected)) = unknown_field(&message) {
        let help = crate::suggest::help(field, expected.iter().copied(), || {
            format!("known keys here: {}", expected.join(", "))
        });
        return Diagnostic::error(rule, format!("{what}: unknown key `{field}`"))
            .at(source, span)
            .label("not a known key")
            .help(help);
    }
    if let Some((value, expected)) = unknown_variant(&message) {
        let help = crate::suggest::help(value, expected.iter().copied(), || {
            format!("accepted values: {}", expected.join(", "))
        });
        return Diagnostic::error(rule, format!("{what}: unknown value `{value}`"))
            .at(source, span)
            .label("not an accepted value")
            .help(help);
    }
    let found = source.text.get(span.clone()).unwrap_or("").trim();
    let bare_word = !found.is_empty()
        && found
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        && !found
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == '_');
    let mut d = Diagnostic::error(rule, format!("{what}: {}", first_line(&message)))
        .at(source, span.clone());
    if message.starts_with("duplicate key") {
        d = d
            .label(format!("`{found}` is already set in this table"))
            .help("remove one of them; every `[[action_items]]` or `[[root_causes]]` entry starts with its own header line");
        // Point at the first one too, when it is easy to find.
        let line_start = source.line_span(source.line_index(span.start)).start;
        let key_line = |l: &str| {
            l.trim_start()
                .strip_prefix(found)
                .is_some_and(|r| r.trim_start().starts_with('='))
        };
        let mut at = line_start;
        while at > offset {
            let index = source.line_index(at - 1);
            let line = source.line_span(index);
            let text = &source.text[line.clone()];
            if text.trim_start().starts_with('[') {
                break;
            }
            if key_line(text) {
                let key_at = line.start + (text.len() - text.trim_start().len());
                d = d.also(source, key_at..key_at + found.len(), "first set here");
                break;
            }
            at = line.start;
        }
        d
    } else if bare_word || message.contains("quote") {
        // The whole value, up to the end of its line, as the string it was meant to be.
        let line_end = source.line_span(source.line_index(span.start)).end;
        let value = source.text[span.start..line_end]
            .split(" #")
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches(['"', '\'']);
        d.label("a string needs quotes")
            .help(format!("write `\"{value}\"`"))
    } else {
        d.label(first_line(&message).to_string())
    }
}

fn plain_toml_error(
    source: &Arc<Source>,
    rule: Rule,
    message: &str,
    span: crate::source::Span,
) -> Diagnostic {
    match unknown_field(message) {
        Some((field, expected)) => Diagnostic::error(rule, format!("unknown key `{field}`"))
            .at(source, span)
            .label("not a known key")
            .help(crate::suggest::help(
                field,
                expected.iter().copied(),
                || format!("known keys here: {}", expected.join(", ")),
            )),
        None => Diagnostic::error(rule, first_line(message).to_string())
            .at(source, span)
            .label(first_line(message).to_string()),
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// Picks apart serde's "unknown field `x`, expected one of `a`, `b`".
fn unknown_field(message: &str) -> Option<(&str, Vec<&str>)> {
    unknown_name(message, "unknown field `")
}

/// Picks apart serde's "unknown variant `x`, expected `a` or `b`": a string
/// that is not one of an enum's names (`[public] redact = ["autors"]`).
fn unknown_variant(message: &str) -> Option<(&str, Vec<&str>)> {
    unknown_name(message, "unknown variant `")
}

fn unknown_name<'m>(message: &'m str, prefix: &str) -> Option<(&'m str, Vec<&'m str>)> {
    let rest = message.strip_prefix(prefix)?;
    let (name, rest) = rest.split_once('`')?;
    let expected = rest.split('`').skip(1).step_by(2).collect::<Vec<_>>();
    Some((name, expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visibility_names_are_serdes() {
        for &(name, value) in Visibility::ALL {
            let toml =
                format!("[site]\ntitle = \"x\"\n[template]\ndefault_visibility = \"{name}\"\n");
            let config = Config::from_toml(&toml).unwrap();
            assert_eq!(config.template.default_visibility, value);
            assert_eq!(value.as_str(), name);
        }
    }

    #[test]
    fn redacted_names_are_serdes() {
        for &(name, value) in Redacted::ALL {
            let config = Config::from_toml(&format!("[public]\nredact = [\"{name}\"]\n")).unwrap();
            assert_eq!(config.public.redact, [value]);
            assert_eq!(value.as_str(), name);
        }
        // Privacy first: both, unless the file says otherwise.
        let config = Config::from_toml("").unwrap();
        assert_eq!(config.public.redact.len(), Redacted::ALL.len());
        let config = Config::from_toml("[public]\nredact = []\n").unwrap();
        assert!(config.public.redact.is_empty());
    }

    #[test]
    fn unknown_values_get_did_you_mean() {
        let source = Arc::new(Source::new(
            "hindsight.toml",
            "[public]\nredact = [\"authors\", \"action_items.ownr\"]\n".to_string(),
        ));
        let err = toml::from_str::<Config>(&source.text).unwrap_err();
        let d = toml_error(&source, Rule::Config, &err, 0);
        assert_eq!(
            d.message,
            "invalid hindsight.toml: unknown value `action_items.ownr`"
        );
        assert_eq!(
            d.help.as_deref(),
            Some("did you mean `action_items.owner`?")
        );
        let span = d.primary.unwrap().span;
        assert_eq!(&source.text[span.clone()], "\"action_items.ownr\"");
        assert_eq!(source.line_col(span.start).line, 2);
    }

    #[test]
    fn a_field_redacted_twice_is_an_error_at_the_list() {
        let text = "[public]\nredact = [\"authors\", \"authors\"]\n";
        let source = Arc::new(Source::new("hindsight.toml", text.to_string()));
        let problems = Config::from_toml(text).unwrap().check(&source);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].message, "`public.redact` lists `authors` twice");
        let span = problems[0].primary.as_ref().unwrap().span.start;
        assert_eq!(source.line_col(span).line, 2);
    }

    #[test]
    fn charts_of_no_quarters_are_an_error_at_the_key() {
        assert_eq!(Config::from_toml("").unwrap().site.chart_quarters, 12);
        assert_eq!(Config::from_toml("").unwrap().site.paginate_by, 50);
        let zero = "[site]\npaginate_by = 0\n";
        let source = Arc::new(Source::new("hindsight.toml", zero.to_string()));
        let problems = Config::from_toml(zero).unwrap().check(&source);
        assert_eq!(
            problems[0].message,
            "`site.paginate_by` is 0: a page of a list holds at least one incident"
        );
        let text = "[site]\ntitle = \"x\"\nchart_quarters = 0\n";
        let source = Arc::new(Source::new("hindsight.toml", text.to_string()));
        let problems = Config::from_toml(text).unwrap().check(&source);
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].message,
            "`site.chart_quarters` is 0: the dashboard's charts need at least one quarter"
        );
        let span = problems[0].primary.as_ref().unwrap().span.start;
        assert_eq!(source.line_col(span).line, 3);
    }

    #[test]
    fn a_review_deadline_for_an_unknown_severity_is_an_error() {
        let text = "[template]\nreview_within_days = { \"SEV-1\" = 5, \"P1\" = 3 }\n";
        let source = Arc::new(Source::new("hindsight.toml", text.to_string()));
        let config = Config::from_toml(text).unwrap();
        assert_eq!(config.template.review_within_days["SEV-1"], 5);
        let problems = config.check(&source);
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].message,
            "`template.review_within_days` names `P1`, which is not a configured severity"
        );
        // No deadlines unless the team sets them.
        assert!(
            Config::from_toml("")
                .unwrap()
                .template
                .review_within_days
                .is_empty()
        );
    }

    #[test]
    fn defaults_follow_the_format() {
        let config = Config::from_toml("[site]\ntitle = \"x\"\n").unwrap();
        assert_eq!(config.template.severities[0], "SEV-1");
        assert_eq!(config.template.required_sections.len(), 5);
        assert_eq!(config.content.dir, PathBuf::from("postmortems"));
    }

    #[test]
    fn unknown_keys_get_did_you_mean() {
        let source = Arc::new(Source::new(
            "hindsight.toml",
            "[site]\ntitel = \"x\"\n".to_string(),
        ));
        let err = toml::from_str::<Config>(&source.text).unwrap_err();
        let d = toml_error(&source, Rule::Config, &err, 0);
        assert_eq!(d.message, "invalid hindsight.toml: unknown key `titel`");
        assert_eq!(d.help.as_deref(), Some("did you mean `title`?"));
        assert_eq!(source.line_col(d.primary.unwrap().span.start).line, 2);
    }

    #[test]
    fn aliases_match_case_insensitively() {
        let config =
            Config::from_toml("[template.section_aliases]\n\"Root Cause Analysis\" = [\"RCA\"]\n")
                .unwrap();
        assert_eq!(
            config.template.required_section_for("rca"),
            Some("Root Cause Analysis")
        );
        assert_eq!(
            config.template.required_section_for("summary"),
            Some("Summary")
        );
        assert_eq!(config.template.required_section_for("Other"), None);
    }
}
