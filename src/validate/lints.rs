//! Methodology lints: the post-mortem practice asks for blameless wording
//! and action items someone can own and finish. Both are warnings by default
//! (`[lints]` in hindsight.toml sets `allow`, `warn` or `deny`), and a file
//! can silence one with `allow = ["blame-language"]`.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::config::{Config, LintLevel};
use crate::content::{PostMortem, Status};
use crate::diag::{Diagnostic, Level, Rule};

/// Built-in phrases that point at a person, with what to write instead.
const BLAME_PHRASES: &[(&str, &str)] = &[
    (
        "human error",
        "describe the conditions that made the action possible: the missing guard rail, check or tooling",
    ),
    (
        "operator error",
        "describe the conditions that made the action possible: the missing guard rail, check or tooling",
    ),
    (
        "user error",
        "describe what in the product made the mistake easy to make",
    ),
    (
        "should have",
        "say what the system lacked, e.g. \"the runbook did not cover this case\"",
    ),
    (
        "should've",
        "say what the system lacked, e.g. \"the runbook did not cover this case\"",
    ),
    (
        "careless",
        "describe the safeguard that was missing instead of someone's care",
    ),
    (
        "carelessly",
        "describe the safeguard that was missing instead of someone's care",
    ),
    (
        "carelessness",
        "describe the safeguard that was missing instead of someone's care",
    ),
    (
        "negligent",
        "describe the safeguard that was missing instead of someone's diligence",
    ),
    (
        "negligence",
        "describe the safeguard that was missing instead of someone's diligence",
    ),
    ("fault of", "name the system condition, not who is at fault"),
    ("at fault", "name the system condition, not who is at fault"),
    (
        "blame",
        "post-mortems are blameless: describe what happened and why the system allowed it",
    ),
    (
        "blamed",
        "post-mortems are blameless: describe what happened and why the system allowed it",
    ),
    (
        "blaming",
        "post-mortems are blameless: describe what happened and why the system allowed it",
    ),
    (
        "forgot to",
        "the process relied on memory: name the checklist or automation that was missing",
    ),
    (
        "failed to notice",
        "say what the signal was and why it was easy to miss (no alert, a noisy dashboard)",
    ),
];

const CONFIGURED_PHRASE_HELP: &str = "this phrase is on the team's blame list (`[lints] blame_phrases`): describe the system, not the person";
const NAME_HELP: &str =
    "refer to the role (\"the on-call engineer\", \"the deploy pipeline\") instead of the person";

/// Openings that describe an inquiry or an attitude rather than a change.
const VAGUE_OPENINGS: &[&str] = &[
    "investigate",
    "look into",
    "looking into",
    "be more careful",
    "be careful",
    "consider",
    "think about",
    "try to",
    "discuss",
    "follow up",
    "explore",
    "research",
    "understand",
    "revisit",
];

/// Words that name no concrete object: "improve monitoring and alerting".
const GENERIC_WORDS: &[&str] = &[
    "monitoring",
    "alerting",
    "alerts",
    "testing",
    "tests",
    "observability",
    "communication",
    "documentation",
    "docs",
    "process",
    "processes",
    "visibility",
    "reliability",
    "and",
    "the",
    "our",
    "more",
    "better",
];
const GENERIC_VERBS: &[&str] = &["improve", "better", "more", "increase", "add", "enhance"];

/// The lints, built once per run from the config.
pub struct Lints {
    blame: LintLevel,
    vague: LintLevel,
    matcher: Option<AhoCorasick>,
    /// Help for each pattern of `matcher`.
    helps: Vec<&'static str>,
}

impl Lints {
    pub fn new(config: &Config) -> Self {
        let lints = &config.lints;
        let mut patterns: Vec<String> = Vec::new();
        let mut helps = Vec::new();
        for (phrase, help) in BLAME_PHRASES {
            patterns.push((*phrase).to_string());
            helps.push(*help);
        }
        for phrase in lints.blame_phrases.iter().filter(|p| !p.trim().is_empty()) {
            patterns.push(phrase.trim().to_string());
            helps.push(CONFIGURED_PHRASE_HELP);
        }
        for name in lints.names.iter().filter(|p| !p.trim().is_empty()) {
            patterns.push(name.trim().to_string());
            helps.push(NAME_HELP);
        }
        let matcher = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .ok();
        Lints {
            blame: lints.blame_language,
            vague: lints.vague_action_item,
            matcher,
            helps,
        }
    }

    /// Runs every lint on one post-mortem.
    pub fn check(&self, pm: &PostMortem) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if let Some(level) = level(self.blame, pm, Rule::BlameLanguage) {
            self.blame_language(pm, level, &mut out);
        }
        if let Some(level) = level(self.vague, pm, Rule::VagueActionItem) {
            vague_action_items(pm, level, &mut out);
        }
        out
    }

    fn blame_language(&self, pm: &PostMortem, level: Level, out: &mut Vec<Diagnostic>) {
        let Some(matcher) = &self.matcher else { return };
        let text = pm.source.text.as_str();
        let overrides = line_levels(pm, Rule::BlameLanguage);
        for span in &pm.prose {
            let (prose, map) = fold_whitespace(&text[span.clone()]);
            for m in matcher.find_iter(prose.as_ref()) {
                let start = span.start + map.as_ref().map_or(m.start(), |map| map[m.start()]);
                let end = span.start + map.as_ref().map_or(m.end(), |map| map[m.end() - 1] + 1);
                let before = text[..start].chars().next_back();
                let after = text[end..].chars().next();
                if before.is_some_and(char::is_alphanumeric)
                    || after.is_some_and(char::is_alphanumeric)
                {
                    continue;
                }
                let level = match overrides.get(&pm.source.line_index(start)) {
                    None => level,
                    Some(LintLevel::Allow) => continue,
                    Some(LintLevel::Warn) => Level::Warning,
                    Some(LintLevel::Deny) => Level::Error,
                };
                out.push(
                    Diagnostic::new(
                        level,
                        Rule::BlameLanguage,
                        format!(
                            "`{}` points at a person, not the system",
                            &prose[m.start()..m.end()]
                        ),
                    )
                    .at(&pm.source, start..end)
                    .label("blame language")
                    .help(self.helps[m.pattern().as_usize()])
                    .note(FILE_ALLOW_NOTE),
                );
            }
        }
    }
}

const FILE_ALLOW_NOTE: &str =
    "silence this for one file with `allow = [\"blame-language\"]` in its front matter";

/// The per-line levels of `rule` set by inline markers, by line index: an
/// HTML comment `<!-- hindsight: allow|warn|deny <rule> -->` sets the level
/// of the line it ends on, or, alone on its line, of the next line. A
/// phrase list cannot tell "blamed Vault" (a system) from a person; the
/// author can, and the comment does not show on the page.
fn line_levels(pm: &PostMortem, rule: Rule) -> std::collections::HashMap<usize, LintLevel> {
    const OPEN: &str = "<!-- hindsight:";
    let text = pm.source.text.as_str();
    let mut out = std::collections::HashMap::new();
    let mut from = 0;
    while let Some(found) = text[from..].find(OPEN) {
        let start = from + found;
        let Some(len) = text[start..].find("-->") else {
            break;
        };
        let end = start + len + "-->".len();
        from = end;
        let mut words = text[start + OPEN.len()..start + len].split_whitespace();
        let level = match words.next() {
            Some("allow") => LintLevel::Allow,
            Some("warn" | "warning") => LintLevel::Warn,
            Some("deny" | "error") => LintLevel::Deny,
            _ => continue,
        };
        if !words.any(|w| w == rule.name()) {
            continue;
        }
        let line = pm.source.line_index(end - 1);
        let line_start = pm.source.line_start(line);
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let alone =
            text[line_start..start].trim().is_empty() && text[end..line_end].trim().is_empty();
        out.insert(if alone { line + 1 } else { line }, level);
    }
    out
}

/// Folds each run of whitespace into one space, so phrases match across
/// line breaks and indentation. Returns the folded text and, when it differs
/// from the input, each folded byte's offset in the input.
fn fold_whitespace(s: &str) -> (std::borrow::Cow<'_, str>, Option<Vec<usize>>) {
    if !s.contains(['\n', '\r', '\t']) && !s.contains("  ") {
        return (std::borrow::Cow::Borrowed(s), None);
    }
    let mut out = String::with_capacity(s.len());
    let mut map = Vec::with_capacity(s.len());
    let mut in_space = false;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
                map.push(i);
            }
            in_space = true;
        } else {
            in_space = false;
            out.push(c);
            map.extend((0..c.len_utf8()).map(|k| i + k));
        }
    }
    (std::borrow::Cow::Owned(out), Some(map))
}

fn level(setting: LintLevel, pm: &PostMortem, rule: Rule) -> Option<Level> {
    if pm.details.allow.iter().any(|a| a == rule.name()) {
        return None;
    }
    match setting {
        LintLevel::Allow => None,
        LintLevel::Warn => Some(Level::Warning),
        LintLevel::Deny => Some(Level::Error),
    }
}

/// Why an action item's title is not a concrete change (label, help), if it is not.
pub fn vague_title(title: &str) -> Option<(String, &'static str)> {
    let lower = title.trim().to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == ',' || c == '.')
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() < 3 {
        return Some((
            "fewer than three words".into(),
            "say what will change and where, e.g. \"Add a p99 latency alert on checkout-api at 500 ms\"",
        ));
    }
    if let Some(opening) = VAGUE_OPENINGS.iter().find(|o| {
        lower.starts_with(**o) && !lower[o.len()..].starts_with(|c: char| c.is_alphanumeric())
    }) {
        return Some((
            format!("\"{opening} …\" is an inquiry or an intention, not a change"),
            "an investigation is a step towards an action item, not one: write the change it \
             should lead to, or track the investigation outside the post-mortem",
        ));
    }
    if GENERIC_VERBS.contains(&words[0]) && words[1..].iter().all(|w| GENERIC_WORDS.contains(w)) {
        return Some((
            "names no concrete system or signal".into(),
            "name the system and the signal, e.g. \"Alert when orders-db pool saturation stays above 80%\"",
        ));
    }
    None
}

fn vague_action_items(pm: &PostMortem, level: Level, out: &mut Vec<Diagnostic>) {
    let major = pm.severity.rank < 2;
    let lint = |span: &crate::source::Span, message: &str, label: String, help: &str| {
        Diagnostic::new(level, Rule::VagueActionItem, message)
            .at(&pm.source, span.clone())
            .label(label)
            .help(help)
    };
    for item in &pm.details.action_items {
        if let Some((label, help)) = vague_title(&item.title) {
            out.push(lint(
                &item.title.span,
                "this action item is not a concrete change",
                label,
                help,
            ));
        }
        if item.owner.is_none() && *pm.status == Status::Draft {
            out.push(lint(
                &item.span,
                "this action item has no owner",
                format!("nobody owns \"{}\"", item.title.value),
                "add `owner = \"team-or-role\"` before the post-mortem goes to review",
            ));
        }
        // SEV-1/SEV-2 items without a due date are already an error.
        if item.due.is_none() && !item.status.is_closed() && !major {
            out.push(lint(
                &item.span,
                "this open action item has no due date",
                format!("\"{}\" has no `due`", item.title.value),
                "add `due = YYYY-MM-DD`, so the item can age and be followed up",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vague_titles() {
        assert!(vague_title("Fix it").is_some());
        assert!(vague_title("Investigate the database timeouts").is_some());
        assert!(vague_title("Look into flaky deploys on Fridays").is_some());
        assert!(vague_title("Improve monitoring and alerting").is_some());
        assert!(vague_title("Add a p99 latency alert on checkout-api").is_none());
        assert!(vague_title("Considerations documented in the runbook for failover").is_none());
    }
}
