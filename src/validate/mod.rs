//! Validation: every rule of FORMAT.md and the team's template, and the two
//! methodology lints, run over the loaded [`KnowledgeBase`].
//!
//! - [`template`]: rules about one post-mortem (impact order, sections,
//!   timeline, action items, what `final` requires);
//! - [`links`]: rules across post-mortems (unique ids, `related`, the
//!   root-cause catalogue);
//! - [`lints`]: `blame-language` and `vague-action-item`;
//! - [`content::markup`] (run while loading, beside the body's one parse):
//!   what the site cannot publish as written (heading attributes, control
//!   characters, bodies over `[limits]`);
//! - [`limits`]: the number of files (`resource-limit`);
//! - [`paths`]: names `build` could not write (`unpublishable-path`);
//! - [`recurrence`]: a note on incidents alike in text with no root-cause
//!   id in common (`possible-recurrence`).
//!
//! [`Rule`](crate::diag::Rule) lists them all by name.

pub mod limits;
pub mod links;
pub mod lints;
pub mod paths;
pub mod recurrence;
pub mod review;
pub mod template;
pub mod unfinished;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::content::{self, KnowledgeBase, PostMortem};
use crate::diag::{self, Diagnostic};

/// The result of checking a knowledge base.
#[derive(Debug)]
pub struct Report {
    pub kb: KnowledgeBase,
    /// Every problem, sorted by file, line and column.
    pub diagnostics: Vec<Diagnostic>,
    /// The related incidents of the published incidents (drafts left out),
    /// computed for `possible-recurrence`: `build` reuses them rather than
    /// computing them again.
    pub related: Vec<Vec<crate::search::related::Related>>,
}

/// Loads and validates the knowledge base at `root`. `Err` holds problems
/// that stop it from being read at all (config, missing folder).
pub fn check(root: &Path) -> Result<Report, Vec<Diagnostic>> {
    report(content::load(root)?)
}

/// What [`check_cached`] keeps between runs: each file's parse, and what
/// the rules about one file found in it. `serve` checks after every save,
/// and most files have not changed.
#[derive(Default)]
pub struct CheckCache {
    load: content::LoadCache,
    /// The file rules' findings, by file, with the post-mortem they were
    /// found in: reused only for that very post-mortem (the same `Arc`,
    /// which the load keeps while the file is unchanged), and only while
    /// the template and the day (overdue reviews) are those of `rules_for`.
    rules: HashMap<String, (Arc<PostMortem>, Vec<Diagnostic>)>,
    rules_for: Option<(unfinished::Template, jiff::civil::Date)>,
}

/// [`check`] for `serve`, redoing only what a change can have changed:
/// files are read again, and the rules about one file run again, only for
/// files that changed since `cache` saw them; the rules across files run
/// in full. Without the `possible-recurrence` notes: serving shows errors
/// only, and the notes compare every incident with every other, a good
/// part of a check's time (the site computes its related incidents itself).
pub fn check_cached(root: &Path, cache: &mut CheckCache) -> Result<Report, Vec<Diagnostic>> {
    let loaded = content::load_cached(root, &mut cache.load)?;
    let mut diagnostics = loaded.diagnostics;
    let kb = &loaded.kb;
    let file_rules = FileRules::new(kb);
    let key = (file_rules.leftovers.clone(), crate::analysis::today());
    if cache.rules_for.as_ref() != Some(&key) {
        cache.rules.clear();
        cache.rules_for = Some(key);
    }
    let known = &cache.rules;
    let found: Vec<Vec<Diagnostic>> = kb
        .postmortems
        .par_iter()
        .chain(loaded.recovered.par_iter())
        .map(|pm| match known.get(&pm.rel_path) {
            Some((seen, found)) if Arc::ptr_eq(seen, pm) => found.clone(),
            _ => file_rules.check(pm),
        })
        .collect();
    cache.rules = kb
        .postmortems
        .iter()
        .chain(&loaded.recovered)
        .zip(&found)
        .map(|(pm, found)| (pm.rel_path.clone(), (Arc::clone(pm), found.clone())))
        .collect();
    diagnostics.extend(found.into_iter().flatten());
    diagnostics.extend(across_files(kb));
    diag::sort(&mut diagnostics);
    Ok(Report {
        kb: loaded.kb,
        diagnostics,
        related: Vec::new(),
    })
}

fn report(loaded: content::Loaded) -> Result<Report, Vec<Diagnostic>> {
    let mut diagnostics = loaded.diagnostics;
    let kb = &loaded.kb;
    let file_rules = FileRules::new(kb);
    let (rules, related) = rayon::join(
        || rules(kb, &file_rules),
        || recurrence::published_lists(kb),
    );
    diagnostics.extend(rules);
    // Post-mortems read around a broken front matter get the rules about
    // one file, so all their problems show in one run; the rules across
    // files would compare their stand-in values with real ones.
    diagnostics.extend(
        loaded
            .recovered
            .par_iter()
            .flat_map_iter(|pm| file_rules.check(pm))
            .collect::<Vec<_>>(),
    );
    diagnostics.extend(recurrence::notes(kb, &related));
    diag::sort(&mut diagnostics);
    Ok(Report {
        kb: loaded.kb,
        diagnostics,
        related,
    })
}

/// Runs every rule over a loaded knowledge base (unsorted).
pub fn validate(kb: &KnowledgeBase) -> Vec<Diagnostic> {
    let mut diagnostics = rules(kb, &FileRules::new(kb));
    diagnostics.extend(recurrence::check(kb));
    diagnostics
}

/// Every rule but `possible-recurrence`, which reads the related incidents.
fn rules(kb: &KnowledgeBase, file_rules: &FileRules) -> Vec<Diagnostic> {
    let mut diagnostics: Vec<Diagnostic> = kb
        .postmortems
        .par_iter()
        .flat_map_iter(|pm| file_rules.check(pm))
        .collect();
    diagnostics.extend(across_files(kb));
    diagnostics
}

/// The rules across files (but `possible-recurrence`).
fn across_files(kb: &KnowledgeBase) -> Vec<Diagnostic> {
    let mut diagnostics = links::check(kb);
    diagnostics.extend(limits::check(kb));
    diagnostics.extend(paths::check(kb));
    diagnostics
}

/// The rules about one post-mortem alone, with what they need built once
/// per run (the lints' phrase matcher, the template read from disk).
struct FileRules<'a> {
    config: &'a crate::config::Config,
    lints: lints::Lints,
    leftovers: unfinished::Template,
}

impl<'a> FileRules<'a> {
    fn new(kb: &'a KnowledgeBase) -> Self {
        FileRules {
            config: &kb.config,
            lints: lints::Lints::new(&kb.config),
            leftovers: unfinished::Template::of(kb),
        }
    }

    fn check(&self, pm: &content::PostMortem) -> Vec<Diagnostic> {
        let mut out = template::check(pm, self.config);
        self.leftovers.check(pm, &mut out);
        unfinished::timeline_outside_impact(pm, &mut out);
        out.extend(self.lints.check(pm));
        out.extend(review::check(pm, &self.config.template));
        out.extend(content::markup::control_characters(pm));
        out
    }
}
