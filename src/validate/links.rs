//! Rules across post-mortems: unique ids, `related` links, and root causes
//! against the shared catalogue.

use std::collections::HashMap;

use crate::content::{KnowledgeBase, PostMortem};
use crate::diag::{Diagnostic, Level, Rule};
use crate::suggest;

pub fn check(kb: &KnowledgeBase) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let by_id = unique_ids(kb, &mut out);
    related(kb, &by_id, &mut out);
    catalogue(kb, &mut out);
    out
}

/// Where an id is reported: its `id = ...` value, or the file's first line
/// when the id is the file name.
fn id_span(pm: &PostMortem) -> std::ops::Range<usize> {
    if pm.id.span.is_empty() {
        pm.source.line_span(0)
    } else {
        pm.id.span.clone()
    }
}

/// Ids are unique across the knowledge base; a duplicate names both files.
fn unique_ids<'a>(
    kb: &'a KnowledgeBase,
    out: &mut Vec<Diagnostic>,
) -> HashMap<&'a str, &'a PostMortem> {
    let mut by_id: HashMap<&str, &PostMortem> = HashMap::with_capacity(kb.postmortems.len());
    for pm in &kb.postmortems {
        match by_id.get(pm.id.as_str()) {
            Some(first) => {
                let label = if pm.id.span.is_empty() {
                    "the id comes from this file's name".to_string()
                } else {
                    "set here".to_string()
                };
                out.push(
                    Diagnostic::error(
                        Rule::DuplicateId,
                        format!(
                            "post-mortem id `{}` is used by two files: {} and {}",
                            pm.id.value, first.rel_path, pm.rel_path
                        ),
                    )
                    .at(&pm.source, id_span(pm))
                    .label(label)
                    .also(
                        &first.source,
                        id_span(first),
                        if first.id.span.is_empty() {
                            "first used here, as this file's name"
                        } else {
                            "first used here"
                        },
                    )
                    .help("ids must be unique: rename one file, or give it a different `id`"),
                );
            }
            None => {
                by_id.insert(pm.id.as_str(), pm);
            }
        }
    }
    by_id
}

/// Every id in `related` exists.
fn related(kb: &KnowledgeBase, by_id: &HashMap<&str, &PostMortem>, out: &mut Vec<Diagnostic>) {
    let mut ids: Vec<&str> = by_id.keys().copied().collect();
    ids.sort_unstable();
    for pm in &kb.postmortems {
        for link in &pm.related {
            if link.value == pm.id.value {
                out.push(
                    Diagnostic::warning(
                        Rule::UnknownRelated,
                        "a post-mortem is listed as related to itself",
                    )
                    .at(&pm.source, link.span.clone())
                    .label("this is the file's own id")
                    .help("remove it; `related` links to other post-mortems"),
                );
                continue;
            }
            if by_id.contains_key(link.as_str()) || kb.unloaded.iter().any(|u| u == link.as_str()) {
                continue;
            }
            let suggestions = suggest::did_you_mean(link, ids.iter().copied());
            out.push(
                Diagnostic::error(
                    Rule::UnknownRelated,
                    format!("no post-mortem has the id `{}`", link.value),
                )
                .at(&pm.source, link.span.clone())
                .label("`related` must name existing post-mortems")
                .help(suggest::help_line(&suggestions).unwrap_or_else(|| {
                    "an id is the file name without `.md`, unless the file sets `id`".to_string()
                })),
            );
        }
    }
}

/// With a catalogue, every root-cause id is in it: a warning with the nearest
/// known ids, or an error under `strict_root_causes`.
fn catalogue(kb: &KnowledgeBase, out: &mut Vec<Diagnostic>) {
    let Some(catalogue) = &kb.catalogue else {
        return;
    };
    let level = if kb.config.template.strict_root_causes {
        Level::Error
    } else {
        Level::Warning
    };
    for pm in &kb.postmortems {
        for cause in &pm.root_causes {
            if catalogue.causes.contains_key(cause.id.as_str()) {
                continue;
            }
            let suggestions =
                suggest::did_you_mean(&cause.id, catalogue.causes.keys().map(String::as_str));
            out.push(
                Diagnostic::new(
                    level,
                    Rule::UnknownRootCause,
                    format!("root cause `{}` is not in root-causes.toml", cause.id.value),
                )
                .at(&pm.source, cause.id.span.clone())
                .label("not a known root cause")
                .help(suggest::help_line(&suggestions).unwrap_or_else(|| {
                    format!(
                        "add `[causes.{}]` with a title, category and description to root-causes.toml, \
                         so other incidents with the same cause link to it",
                        cause.id.value
                    )
                })),
            );
        }
    }
}
