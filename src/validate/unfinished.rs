//! What a post-mortem made with `hindsight new` still holds when nobody
//! filled it in: the template's own text (`template-text`) and a timeline
//! far from the impact it describes (`timeline-outside-impact`). A section
//! that holds only the template's comments is `missing-section` (in
//! `template.rs`): it has no content.
//!
//! The template is the knowledge base's `_template.md` in the post-mortem
//! folder, or the built-in one, as `new` uses.

use jiff::SignedDuration;

use crate::content::{KnowledgeBase, PostMortem, Status};
use crate::diag::{Diagnostic, Level, Rule};

/// A timeline event on the incident's own day more than this before the
/// impact started is more likely a wrong time (or a wrong `[impact]`, or
/// the template's `00:00 — Impact begins.`) than part of the incident.
/// Events of earlier days are left alone: a latent change written with its
/// own date (a config patched weeks before) is part of the story.
pub const TIMELINE_SLACK: SignedDuration = SignedDuration::from_hours(6);
/// A timeline event more than this after the impact was resolved is more
/// likely a wrong date (a month or year typed wrong) than a follow-up.
pub const AFTER_RESOLVED: SignedDuration = SignedDuration::from_hours(24 * 30);

/// A template text shorter than this is too common to call a leftover
/// (`TODO`, `none`).
const MIN_LEFTOVER: usize = 8;

/// Keys whose template values are real values (a catalogue id, an enum
/// name), not placeholder text.
const VALUE_KEYS: &[&str] = &["id", "kind", "category", "status", "severity", "date"];

/// The template's text, as the leftovers to look for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    /// Quoted front-matter values (`"What it was in this incident, ..."`),
    /// with their quotes.
    values: Vec<String>,
    /// Body lines, trimmed, as the text before and after the template's
    /// `{{placeholders}}` (both parts of a line without one are the line
    /// and "").
    lines: Vec<(String, String)>,
}

impl Template {
    /// The template of `kb`: its `_template.md`, or the built-in one.
    pub fn of(kb: &KnowledgeBase) -> Template {
        let own = std::fs::read_to_string(kb.content_dir.join("_template.md")).ok();
        Template::parse(own.as_deref().unwrap_or(crate::content::BUILTIN_TEMPLATE))
    }

    pub fn parse(text: &str) -> Template {
        let (front, body) = split_front_matter(text);
        let mut values = Vec::new();
        for line in front.lines() {
            let line = line.trim_start_matches(|c: char| c == '#' || c.is_whitespace());
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            if VALUE_KEYS.contains(&key.trim()) {
                continue;
            }
            // The first quoted string of the value: comments may follow it.
            let value = value.trim_start();
            let Some(rest) = value.strip_prefix('"') else {
                continue;
            };
            let Some(end) = rest.find('"') else { continue };
            let inner = &rest[..end];
            if inner.len() >= MIN_LEFTOVER && !inner.contains("{{") && !inner.contains('\\') {
                values.push(format!("\"{inner}\""));
            }
        }
        let mut lines = Vec::new();
        let body = strip_comments(body);
        for line in body.lines() {
            let line = line.trim();
            if line.starts_with('#') || line.starts_with('<') {
                continue;
            }
            let (before, after) = match (line.find("{{"), line.rfind("}}")) {
                (Some(open), Some(close)) if close > open => (&line[..open], &line[close + 2..]),
                (None, _) => (line, ""),
                _ => continue,
            };
            // Enough fixed text to be the template's and nobody else's.
            let fixed = before.trim_start_matches(['-', '*', ' ']).len() + after.len();
            if fixed >= MIN_LEFTOVER + 4 {
                lines.push((before.to_string(), after.to_string()));
            }
        }
        Template { values, lines }
    }

    /// `template-text`: the template's text left in `pm`, an error once
    /// `final`, a warning before.
    pub fn check(&self, pm: &PostMortem, out: &mut Vec<Diagnostic>) {
        let level = if *pm.status == Status::Final {
            Level::Error
        } else {
            Level::Warning
        };
        let text = pm.source.text.as_str();
        let body_start = pm.body.span.start;
        // Quoted values, in the front matter only.
        let front = &text[..body_start];
        for value in &self.values {
            for (at, _) in front.match_indices(value.as_str()) {
                // Not in a comment of the file's own.
                let line_start = front[..at].rfind('\n').map_or(0, |i| i + 1);
                if front[line_start..at].trim_start().starts_with('#') {
                    continue;
                }
                out.push(leftover(pm, level, at + 1..at + value.len() - 1));
            }
        }
        // Body lines, outside the file's comments.
        let body = &text[pm.body.span.clone()];
        let visible = strip_comments(body);
        let mut offset = 0;
        for line in visible.split_inclusive('\n') {
            let trimmed = line.trim();
            let matched = !trimmed.is_empty()
                && self.lines.iter().any(|(before, after)| {
                    if after.is_empty() && !before.is_empty() {
                        trimmed == before
                    } else {
                        trimmed.len() >= before.len() + after.len()
                            && trimmed.starts_with(before.as_str())
                            && trimmed.ends_with(after.as_str())
                    }
                });
            if matched {
                let lead = line.len() - line.trim_start().len();
                let start = body_start + offset + lead;
                out.push(leftover(pm, level, start..start + trimmed.len()));
            }
            offset += line.len();
        }
    }
}

fn leftover(pm: &PostMortem, level: Level, span: crate::source::Span) -> Diagnostic {
    Diagnostic::new(
        level,
        Rule::TemplateText,
        "this is the template's text, unchanged",
    )
    .at(&pm.source, span)
    .label(if level == Level::Error {
        "still the template's in a final post-mortem"
    } else {
        "still the template's"
    })
    .help("write what happened in this incident here, or remove it")
}

/// `timeline-outside-impact` (a warning): a timeline event on or after the
/// incident's `date` but more than [`TIMELINE_SLACK`] before `[impact]
/// started`, or more than [`AFTER_RESOLVED`] after `resolved`.
pub fn timeline_outside_impact(pm: &PostMortem, out: &mut Vec<Diagnostic>) {
    let Some(impact) = &pm.details.impact else {
        return;
    };
    if pm.is_invalid("impact") {
        return;
    }
    let started = impact.started.value.timestamp;
    let resolved = impact.resolved.as_ref().map(|r| r.value.timestamp);
    let mut latest: Option<jiff::Timestamp> = None;
    for event in &pm.body.timeline {
        let (Some(at), Some(stamp)) = (event.at, &event.stamp) else {
            continue;
        };
        // An event earlier than one before it is `timeline-order`'s (a
        // time after midnight that needs its date): one report is enough.
        let out_of_order = latest.is_some_and(|l| at.timestamp < l);
        latest = latest.max(Some(at.timestamp));
        if out_of_order {
            continue;
        }
        let day = at.offset.to_datetime(at.timestamp).date();
        let at = at.timestamp;
        let (gap, side, anchor) = if at < started && day >= pm.date.value {
            (
                started.duration_since(at),
                "before the impact started",
                &impact.started.span,
            )
        } else if let Some(resolved) = resolved
            && at > resolved
        {
            let span = impact
                .resolved
                .as_ref()
                .map_or(&impact.started.span, |r| &r.span);
            (
                at.duration_since(resolved),
                "after the impact was resolved",
                span,
            )
        } else {
            continue;
        };
        let limit = if at < started {
            TIMELINE_SLACK
        } else {
            AFTER_RESOLVED
        };
        if gap <= limit {
            continue;
        }
        let minutes = gap.as_secs() / 60;
        out.push(
            Diagnostic::warning(
                Rule::TimelineOutsideImpact,
                format!(
                    "this timeline event is {} {side}",
                    crate::text::duration(minutes)
                ),
            )
            .at(&pm.source, stamp.clone())
            .label("far from the impact")
            .also(&pm.source, anchor.clone(), "the impact's time")
            .help(
                "check the event's date and the `[impact]` times; an event from another day needs its date (`YYYY-MM-DD HH:MM`)",
            ),
        );
    }
}

/// The front matter (between the `+++` lines) and the body of a template.
fn split_front_matter(text: &str) -> (&str, &str) {
    let Some(rest) = text.strip_prefix("+++") else {
        return ("", text);
    };
    match rest.find("\n+++") {
        Some(end) => {
            let body = &rest[end + 4..];
            (&rest[..end], body)
        }
        None => (rest, ""),
    }
}

/// `text` with each `<!-- ... -->` replaced by spaces of the same length
/// (line breaks kept), so offsets and line numbers stay the same.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("<!--") {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let close = after.find("-->").map_or(after.len(), |c| c + 3);
        // A multi-byte character becomes as many spaces: byte offsets stay.
        for c in after[..close].chars() {
            if c == '\n' {
                out.push('\n');
            } else {
                out.extend(std::iter::repeat_n(' ', c.len_utf8()));
            }
        }
        rest = &after[close..];
    }
    out.push_str(rest);
    out
}

/// Whether the text of a section holds nothing but HTML comments and
/// whitespace.
pub fn only_comments(section: &str) -> bool {
    strip_comments(section).trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_blanked_keeping_offsets() {
        let text = "a <!-- é\nx --> b";
        let out = strip_comments(text);
        assert_eq!(out.len(), text.len());
        assert_eq!(out.find('b'), text.find('b'));
        assert_eq!(out.lines().count(), 2);
        assert!(only_comments("\n<!-- only this -->\n\n"));
        assert!(!only_comments("<!-- x --> text"));
    }

    #[test]
    fn the_built_in_templates_leftovers() {
        let t = Template::parse(crate::content::BUILTIN_TEMPLATE);
        assert!(t.values.contains(
            &"\"What it was in this incident, as a property of the system.\"".to_string()
        ));
        assert!(t.values.contains(&"\"owning-team\"".to_string()));
        assert!(
            !t.values
                .iter()
                .any(|v| v.contains("connection-pool-exhaustion"))
        );
        assert!(
            t.lines
                .contains(&("- ".to_string(), " 00:00 UTC — Impact begins.".to_string()))
        );
        assert!(t.lines.contains(&(
            "1. Why did users see errors? Because ...".to_string(),
            String::new()
        )));
    }
}
