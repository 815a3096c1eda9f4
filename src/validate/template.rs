//! Rules about one post-mortem: what the template and FORMAT.md require.

use crate::config::Config;
use crate::content::{PostMortem, Status};
use crate::diag::{Diagnostic, Level, Rule};

/// Every single-file rule.
pub fn check(pm: &PostMortem, config: &Config) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    impact(pm, config, &mut out);
    final_requirements(pm, &mut out);
    action_items(pm, config, &mut out);
    sections(pm, config, &mut out);
    timeline(pm, &mut out);
    out
}

fn status_label(pm: &PostMortem) -> String {
    taken_as(pm, "status", &pm.status.span, pm.status.as_str())
}

fn severity_label(pm: &PostMortem) -> String {
    taken_as(pm, "severity", &pm.severity.span, &pm.severity.name)
}

/// "status is `final`"; for a value that is missing or not valid (already
/// reported, and standing in as the nearest or least demanding valid one),
/// what the rules took it for, so the label does not contradict the file.
fn taken_as(pm: &PostMortem, key: &str, span: &crate::source::Span, value: &str) -> String {
    let written = pm.source.text.get(span.clone()).unwrap_or_default();
    // A missing key, or one a TOML syntax error made unreadable, stands in
    // at the opening `+++` line, where no value is.
    if *span == pm.source.line_span(0) {
        let why = if pm.is_invalid(key) {
            "could not be read"
        } else {
            "is missing"
        };
        format!("{key} {why}, taken as `{value}`")
    } else if pm.is_invalid(key) && written.trim_matches('"') != value {
        format!("{key} is {written}, taken as `{value}`")
    } else {
        format!("{key} is `{value}`")
    }
}

/// `[impact]` is required for a final SEV-1/SEV-2, and its instants are in
/// order: started <= detected <= mitigated <= resolved.
fn impact(pm: &PostMortem, config: &Config, out: &mut Vec<Diagnostic>) {
    let major = config.template.is_major(pm.severity.rank);
    match &pm.details.impact {
        None if major && *pm.status == Status::Final && !pm.is_invalid("impact") => out.push(
            Diagnostic::error(
                Rule::MissingImpact,
                format!("a final {} post-mortem needs an `[impact]` table", pm.severity.name),
            )
            .at(&pm.source, pm.severity.span.clone())
            .label(severity_label(pm))
            .also(&pm.source, pm.status.span.clone(), status_label(pm))
            .help(
                "add an `[impact]` table with `started`, `detected`, `mitigated` and `resolved` \
                 (e.g. `started = 2025-03-14T09:12:00Z`); they give time to detect, mitigate and resolve",
            ),
        ),
        None => {}
        Some(impact) => {
            let mut latest: Option<(&str, &crate::content::Spanned<crate::content::Instant>)> = None;
            for (key, at) in impact.instants() {
                if let Some((before_key, before)) = latest
                    && at.timestamp < before.timestamp
                {
                    out.push(
                        Diagnostic::error(
                            Rule::ImpactOrder,
                            format!("`{key}` is earlier than `{before_key}`"),
                        )
                        .at(&pm.source, at.span.clone())
                        .label(format!("{key} at {}", at.value))
                        .also(&pm.source, before.span.clone(), format!("{before_key} at {}", before.value))
                        .help("impact instants go started <= detected <= mitigated <= resolved; check the date, time and offset"),
                    );
                    continue;
                }
                latest = Some((key, at));
            }
        }
    }
}

/// A final post-mortem names its root causes and its action items.
fn final_requirements(pm: &PostMortem, out: &mut Vec<Diagnostic>) {
    if *pm.status != Status::Final {
        return;
    }
    if pm.details.root_causes.is_empty() && !pm.is_invalid("root_causes") {
        out.push(
            Diagnostic::error(
                Rule::MissingRootCauses,
                "a final post-mortem needs at least one root cause",
            )
            .at(&pm.source, pm.status.span.clone())
            .label(status_label(pm))
            .help(
                "add a `[[root_causes]]` table with `id` (from root-causes.toml), `category` \
                     and `description`, or keep the status at `review`",
            ),
        );
    }
    if pm.details.action_items.is_empty() && !pm.is_invalid("action_items") {
        out.push(
            Diagnostic::error(
                Rule::MissingActionItems,
                "a final post-mortem needs at least one action item",
            )
            .at(&pm.source, pm.status.span.clone())
            .label(status_label(pm))
            .help(
                "add an `[[action_items]]` table with `title`, `owner` and `due`: what will change \
                     so this does not happen again",
            ),
        );
    }
}

/// Owners are required outside drafts; due dates for open SEV-1/SEV-2 items.
fn action_items(pm: &PostMortem, config: &Config, out: &mut Vec<Diagnostic>) {
    let major = config.template.is_major(pm.severity.rank);
    for item in &pm.details.action_items {
        if item.owner.is_none() && *pm.status != Status::Draft {
            out.push(
                Diagnostic::error(Rule::ActionItemOwner, "this action item has no owner")
                    .at(&pm.source, item.span.clone())
                    .label(format!("\"{}\" needs an owner", item.title.value))
                    .also(&pm.source, pm.status.span.clone(), status_label(pm))
                    .help("add `owner = \"team-or-role\"`: a team or role, not a person; drafts may leave it out"),
            );
        }
        if item.due.is_none() && major && !item.status.is_closed() {
            out.push(
                Diagnostic::error(
                    Rule::ActionItemDue,
                    format!("this {} action item has no due date", pm.severity.name),
                )
                .at(&pm.source, item.span.clone())
                .label(format!("\"{}\" needs `due`", item.title.value))
                .also(&pm.source, pm.severity.span.clone(), severity_label(pm))
                .help(
                    "add `due = YYYY-MM-DD`; only `done` and `wont-fix` items may go without one",
                ),
            );
        }
    }
}

/// Each required `##` section appears exactly once. Missing or repeated is
/// an error from `review` on, a warning in a draft.
fn sections(pm: &PostMortem, config: &Config, out: &mut Vec<Diagnostic>) {
    let level = if *pm.status == Status::Draft {
        Level::Warning
    } else {
        Level::Error
    };
    for required in &config.template.required_sections {
        let found: Vec<_> = pm
            .body
            .sections
            .iter()
            .filter(|s| config.template.required_section_for(&s.title) == Some(required.as_str()))
            .collect();
        match found.as_slice() {
            [] => {
                let mut d = Diagnostic::new(
                    level,
                    Rule::MissingSection,
                    format!("missing required section `## {required}`"),
                )
                .at(&pm.source, pm.status.span.clone())
                .label(format!("required because {}", status_label(pm)));
                // A heading that is a near miss (`## Root Causes`) is most likely it.
                let unmatched = pm
                    .body
                    .sections
                    .iter()
                    .filter(|s| config.template.required_section_for(&s.title).is_none());
                let near = unmatched.into_iter().find(|s| {
                    strsim::jaro_winkler(&s.title.to_lowercase(), &required.to_lowercase()) > 0.85
                });
                if let Some(near) = near {
                    d = d.also(
                        &pm.source,
                        near.heading.clone(),
                        format!("is this `## {required}`?"),
                    );
                }
                let aliases = config
                    .template
                    .section_aliases
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(required))
                    .map(|(_, v)| v);
                d = match aliases {
                    Some(aliases) if !aliases.is_empty() => d.help(format!(
                        "add a `## {required}` heading (also accepted: {})",
                        aliases.join(", ")
                    )),
                    _ if near.is_some() => d.help(format!(
                        "rename the heading to `## {required}`, or add the name to `[template.section_aliases]`"
                    )),
                    _ => d.help(format!("add a `## {required}` heading to the body")),
                };
                out.push(d);
            }
            [section] => {
                // A draft is work in progress: `new` writes every section
                // with only the template's comments in it.
                let content = &pm.source.text[section.content.clone()];
                if *pm.status != Status::Draft && super::unfinished::only_comments(content) {
                    let what = if content.contains("<!--") {
                        "holds only comments"
                    } else {
                        "is empty"
                    };
                    out.push(
                        Diagnostic::new(
                            level,
                            Rule::MissingSection,
                            format!("required section `## {required}` {what}"),
                        )
                        .at(&pm.source, section.heading.clone())
                        .label(format!(
                            "no text under this heading, required because {}",
                            status_label(pm)
                        ))
                        .help("write the section; the template's comments say what goes in it"),
                    );
                }
            }
            [first, rest @ ..] => {
                for again in rest {
                    out.push(
                        Diagnostic::new(
                            level,
                            Rule::DuplicateSection,
                            format!("section `## {required}` appears more than once"),
                        )
                        .at(&pm.source, again.heading.clone())
                        .label("repeated here")
                        .also(&pm.source, first.heading.clone(), "first here")
                        .help("merge the two sections into one"),
                    );
                }
            }
        }
    }
}

/// Timeline events never go back in time; items without a timestamp are
/// allowed, with a warning.
fn timeline(pm: &PostMortem, out: &mut Vec<Diagnostic>) {
    let mut previous: Option<&crate::content::TimelineEvent> = None;
    for event in &pm.body.timeline {
        let Some(stamp) = &event.stamp else {
            out.push(
                Diagnostic::warning(Rule::TimelineNoTimestamp, "this timeline item has no timestamp")
                    .at(&pm.source, event.span.clone())
                    .label("expected a time at the start")
                    .help("start it with `HH:MM — ` or `YYYY-MM-DD HH:MM UTC — ` so it can be placed on the timeline"),
            );
            continue;
        };
        let Some(at) = event.at else { continue };
        if let Some(prev) = previous
            && let Some(prev_at) = prev.at
            && at.timestamp < prev_at.timestamp
        {
            let line = pm.source.line_col(prev.span.start).line;
            out.push(
                Diagnostic::error(Rule::TimelineOrder, "the timeline goes back in time")
                    .at(&pm.source, stamp.clone())
                    .label(format!("{at} is earlier than the item before"))
                    .also(&pm.source, prev.stamp.clone().unwrap_or(prev.span.clone()), format!("{prev_at}"))
                    .help(format!(
                        "order the items by time; if this event is on a later day than line {line}, write its date (`YYYY-MM-DD HH:MM`)"
                    )),
            );
        }
        previous = Some(event);
    }
}
