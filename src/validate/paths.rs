//! `unpublishable-path`: names that `build` could not write as a page, so
//! that a knowledge base `check` passes is one `build` can publish.
//!
//! Every incident, service, tag, root cause and severity is a folder of the
//! site, named as written (see [`crate::site::views::paths`]). A name can
//! fail to be one: longer than a file name may be, two names for one folder
//! (`SEV 1` and `sev-1`; `Checkout-Outage` and `checkout-outage` on a
//! case-insensitive disk), or a folder where the site has a file.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::CONFIG_FILE;
use crate::content::{KnowledgeBase, PostMortem};
use crate::diag::{Diagnostic, Rule};
use crate::source::{Source, Span};
use crate::text::{segment, slug};

/// The longest file name, in bytes, on the usual file systems (ext4, APFS,
/// NTFS in practice).
const MAX_NAME_BYTES: usize = 255;

pub fn check(kb: &KnowledgeBase) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = kb
        .postmortems
        .par_iter()
        .flat_map_iter(|pm| names(pm))
        .collect();
    out.extend(case_collisions(kb));
    out.extend(severity_collisions(kb));
    out
}

/// The names of one post-mortem that cannot be folders.
fn names(pm: &PostMortem) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // An id from the file name has no span: point at the first line,
    // as the other id warnings do.
    let id_span = || {
        if pm.id.span.is_empty() {
            pm.source.line_span(0)
        } else {
            pm.id.span.clone()
        }
    };
    too_long(&mut out, pm, id_span, "id", &pm.id, "incidents");
    if pm.id.value == "index.html" {
        out.push(
            Diagnostic::error(
                Rule::UnpublishablePath,
                "the id `index.html` would make a folder where the list of incidents is a file",
            )
            .at(&pm.source, id_span())
            .label("the page would be `incidents/index.html/`")
            .help("rename the file, or set an `id` in kebab-case"),
        );
    }
    for s in &pm.services {
        too_long(&mut out, pm, || s.span.clone(), "service", s, "services");
    }
    for c in &pm.details.root_causes {
        too_long(
            &mut out,
            pm,
            || c.id.span.clone(),
            "root cause id",
            &c.id,
            "causes",
        );
    }
    for t in &pm.details.tags {
        // The span is looked for only when there is something to say:
        // searching the front matter for every tag was most of this
        // rule's time.
        let span = || quoted_span(pm, t);
        too_long(&mut out, pm, span, "tag", &slug(t), "tags");
    }
    out
}

/// A name whose folder name is over [`MAX_NAME_BYTES`].
fn too_long(
    out: &mut Vec<Diagnostic>,
    pm: &PostMortem,
    span: impl FnOnce() -> Span,
    what: &str,
    name: &str,
    folder: &str,
) {
    let bytes = segment(name).len();
    if bytes <= MAX_NAME_BYTES {
        return;
    }
    let shown: String = name.chars().take(40).collect();
    out.push(
        Diagnostic::error(
            Rule::UnpublishablePath,
            format!("the {what} `{shown}…` is too long to be a folder name ({bytes} bytes, at most {MAX_NAME_BYTES})"),
        )
        .at(&pm.source, span())
        .label(format!("its page would be `{folder}/{shown}…/`"))
        .help(format!(
            "shorten it to at most {MAX_NAME_BYTES} bytes (letters outside ASCII take 2 to 4): it names a folder of the site"
        )),
    );
}

/// Where `"value"` is written in the front matter (tags have no span of
/// their own), else the first line.
fn quoted_span(pm: &PostMortem, value: &str) -> Span {
    let front = &pm.source.text[..pm.body.span.start.min(pm.source.text.len())];
    let quoted = format!("\"{value}\"");
    front
        .find(&quoted)
        .map(|at| at..at + quoted.len())
        .unwrap_or_else(|| pm.source.line_span(0))
}

/// Incident ids that differ only in case: one folder on macOS and Windows,
/// where the second page cannot be written. (Ids in front matter are
/// kebab-case; only ids taken from file names can differ in case.)
fn case_collisions(kb: &KnowledgeBase) -> Vec<Diagnostic> {
    // Two ids can be one folder only if one of them changes in lower case:
    // most knowledge bases have none such, and need no map of them all.
    let changes = |c: char| c.to_lowercase().ne(std::iter::once(c));
    if !kb
        .postmortems
        .iter()
        .any(|pm| pm.id.value.chars().any(changes))
    {
        return Vec::new();
    }
    let mut first: BTreeMap<String, &PostMortem> = BTreeMap::new();
    let mut out = Vec::new();
    for pm in &kb.postmortems {
        let key = pm.id.value.to_lowercase();
        match first.get(&key) {
            // Exactly equal ids are `duplicate-id`.
            Some(other) if other.id.value != pm.id.value => {
                let span = if pm.id.span.is_empty() {
                    pm.source.line_span(0)
                } else {
                    pm.id.span.clone()
                };
                let other_span = if other.id.span.is_empty() {
                    other.source.line_span(0)
                } else {
                    other.id.span.clone()
                };
                out.push(
                    Diagnostic::error(
                        Rule::UnpublishablePath,
                        format!(
                            "the ids `{}` and `{}` differ only in case: on macOS and Windows they are one folder",
                            other.id.value, pm.id.value
                        ),
                    )
                    .at(&pm.source, span)
                    .label(format!("the id is `{}`", pm.id.value))
                    .also(&other.source, other_span, format!("the id is `{}`", other.id.value))
                    .help(format!(
                        "give one of them another id, in kebab-case (`id = \"{key}-2\"`)"
                    )),
                );
            }
            Some(_) => {}
            None => {
                first.insert(key, pm);
            }
        }
    }
    out
}

/// Configured severities whose pages are one folder (`SEV 1` and `sev-1`
/// are both `severities/sev-1/`): a problem of hindsight.toml.
fn severity_collisions(kb: &KnowledgeBase) -> Vec<Diagnostic> {
    let severities = &kb.config.template.severities;
    let mut first: BTreeMap<String, &str> = BTreeMap::new();
    let mut clashes = Vec::new();
    for name in severities {
        let folder = segment(&slug(name)).into_owned();
        match first.get(&folder) {
            Some(other) => clashes.push((*other, name.as_str(), folder)),
            None => {
                first.insert(folder, name);
            }
        }
    }
    if clashes.is_empty() {
        return Vec::new();
    }
    let path = kb.root.join(CONFIG_FILE);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let source = Arc::new(Source::new(path, text));
    clashes
        .into_iter()
        .map(|(other, name, folder)| {
            // The second name, as written in `severities = [...]` (the
            // same name may be a key of `action_item_slo_days` too).
            let quoted = format!("\"{name}\"");
            let list = source.text.find("severities").unwrap_or(0);
            let span = source.text[list..]
                .find(&quoted)
                .map(|at| list + at..list + at + quoted.len());
            let d = Diagnostic::error(
                Rule::UnpublishablePath,
                format!("the severities `{other}` and `{name}` would share one page, `severities/{folder}/`"),
            );
            let d = match span {
                Some(span) => d
                    .at(&source, span)
                    .label(format!("the same page as `{other}`")),
                None => d.in_file(&source),
            };
            d.help(
                "severity pages are named by the lowercase letters and digits of the name: \
                 make the names differ in those, e.g. `SEV-1` and `SEV-2`",
            )
        })
        .collect()
}
