//! `possible-recurrence`: a note on the later of two incidents whose text is
//! very similar but that share no root-cause id, from the same related
//! incidents the site shows ([`crate::search::related`]).

use crate::content::{KnowledgeBase, PostMortem, Status};
use crate::diag::{Diagnostic, Level, Rule};
use crate::search::related::{self, Options, Related};

/// One note per flagged pair, on the later incident (date, then id), unless
/// that file allows the rule.
pub fn check(kb: &KnowledgeBase) -> Vec<Diagnostic> {
    notes(kb, &published_lists(kb))
}

/// The related incidents of the incidents the published site compares
/// (drafts left out), so the note and the incident page's hint always
/// agree: idf, and so the similarity, depends on which documents are
/// compared. `build` without `--drafts` shows these very lists.
pub fn published_lists(kb: &KnowledgeBase) -> Vec<Vec<Related>> {
    let pms = &kb.postmortems;
    let published: Vec<usize> = (0..pms.len())
        .filter(|&i| *pms[i].status != Status::Draft)
        .collect();
    related::compute(kb, &published, &Options::from(&kb.config.related))
}

/// The notes for the flagged pairs of `lists` ([`published_lists`]).
pub fn notes(kb: &KnowledgeBase, lists: &[Vec<Related>]) -> Vec<Diagnostic> {
    let pms = &kb.postmortems;
    let order = |i: usize| (pms[i].date.value, pms[i].id.as_str(), i);
    let mut pairs: Vec<(usize, usize, f64)> = Vec::new();
    for (i, list) in lists.iter().enumerate() {
        for r in list.iter().filter(|r| r.possible_recurrence) {
            // Seen from the later incident only, so each pair once.
            if order(i) > order(r.index) {
                pairs.push((i, r.index, r.text_similarity));
            }
        }
    }
    pairs
        .into_iter()
        .filter(|&(later, _, _)| {
            !pms[later]
                .details
                .allow
                .iter()
                .any(|a| a == Rule::PossibleRecurrence.name())
        })
        .map(|(later, earlier, similarity)| note(&pms[later], &pms[earlier], similarity, kb))
        .collect()
}

fn note(
    later: &PostMortem,
    earlier: &PostMortem,
    similarity: f64,
    kb: &KnowledgeBase,
) -> Diagnostic {
    let ids: Vec<String> = earlier
        .details
        .root_causes
        .iter()
        .map(|c| format!("`{}`", c.id.value))
        .collect();
    let help = if ids.is_empty() {
        format!(
            "`{}` names no root-cause id yet; if both incidents had the same cause, give them the same id",
            earlier.id.value
        )
    } else {
        format!(
            "`{}` names {}; if this incident had the same cause, use the same id",
            earlier.id.value,
            ids.join(", ")
        )
    };
    Diagnostic::new(
        Level::Note,
        Rule::PossibleRecurrence,
        format!(
            "possible recurrence of {}: consider the same root-cause id",
            earlier.id.value
        ),
    )
    .at(&later.source, root_causes_span(later))
    .label(format!(
        "text {:.0}% alike, no root-cause id in common",
        similarity * 100.0
    ))
    .help(help)
    .note(format!(
        "not a problem; silence it with `allow = [\"{}\"]` in this file, or tune `[related] threshold` (now {}) in hindsight.toml",
        Rule::PossibleRecurrence.name(),
        kb.config.related.threshold
    ))
}

/// The first `[[root_causes]]` header, else the first root-cause id (an
/// inline array), else the file's first line.
fn root_causes_span(pm: &PostMortem) -> crate::source::Span {
    const HEADER: &str = "[[root_causes]]";
    let text = &pm.source.text;
    match pm.details.root_causes.first() {
        Some(first) => {
            let id = first.id.span.clone();
            text.get(..id.start)
                .and_then(|before| before.rfind(HEADER))
                .map_or(id, |at| at..at + HEADER.len())
        }
        None => pm.source.line_span(0),
    }
}
