//! Queries: tantivy's query syntax over every text field with the
//! [`BOOSTS`](super::schema::BOOSTS), filters AND-ed as facets and a date
//! range, BM25 ranking with ties broken by id, snippets, and what to say
//! when a word matches nothing.

use std::collections::BTreeSet;
use std::ops::{Bound, Range};

use anyhow::Context;
use jiff::civil::Date;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, RangeQuery, TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use super::index::Opened;
use super::schema::{self, Fields, facet};

/// What to search for.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// In tantivy's query syntax; empty: every incident the filters keep.
    pub query: String,
    pub filters: Filters,
    pub limit: usize,
    pub sort: Sort,
}

/// Filters, all of which a hit must pass.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    pub service: Option<String>,
    /// A severity name as configured.
    pub severity: Option<String>,
    pub root_cause: Option<String>,
    /// A tag as written or as its slug.
    pub tag: Option<String>,
    pub since: Option<Date>,
    pub until: Option<Date>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        self.service.is_none()
            && self.severity.is_none()
            && self.root_cause.is_none()
            && self.tag.is_none()
            && self.since.is_none()
            && self.until.is_none()
    }
}

/// How hits are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// By score, best first, then by id.
    #[default]
    Relevance,
    /// Newest first, then by id.
    Date,
}

/// One hit.
#[derive(Clone, Debug)]
pub struct Hit {
    pub id: String,
    pub title: String,
    pub date: String,
    pub severity: String,
    pub score: f32,
    pub path: String,
    pub address: DocAddress,
}

/// What a search found.
pub struct Results {
    /// How many incidents match (all, not only the hits shown).
    pub total: usize,
    pub hits: Vec<Hit>,
    /// Query terms that no incident has, in query order.
    pub unknown_terms: Vec<String>,
    /// The nearest indexed terms to the unknown ones ("did you mean").
    pub suggestions: Vec<String>,
    /// The parsed query, for snippets.
    pub query: Box<dyn Query>,
}

/// A query the parser rejects: shown as a usage error.
#[derive(Debug)]
pub struct SyntaxError(pub String);

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SyntaxError {}

/// The query parser over every text field with its boost, OR by default.
pub fn parser(opened: &Opened) -> QueryParser {
    let text = opened.fields.text();
    let mut parser = QueryParser::for_index(&opened.index, text.iter().map(|&(f, _)| f).collect());
    for (field, boost) in text {
        parser.set_field_boost(field, boost);
    }
    parser
}

/// Runs `request` on the index.
pub fn search(opened: &Opened, request: &Request) -> anyhow::Result<Results> {
    let searcher = opened.reader.searcher();
    let fields = &opened.fields;
    let text_query: Box<dyn Query> = if request.query.trim().is_empty() {
        Box::new(AllQuery)
    } else {
        parser(opened).parse_query(&request.query).map_err(|e| {
            SyntaxError(format!(
                "cannot read the query `{}`: {e}; put words with `:`, quotes or brackets in \"double quotes\"",
                request.query
            ))
        })?
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query.box_clone())];
    // Filters score 0, so they select without changing the ranking.
    for q in filter_queries(fields, &request.filters) {
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0))));
    }
    let query: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
    let total = searcher.search(&query, &Count)?;
    let browse = request.query.trim().is_empty();
    let mut hits = if total == 0 {
        Vec::new()
    } else {
        ranked(&searcher, &query, total, fields)?
    };
    if browse || request.sort == Sort::Date {
        hits.sort_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(&b.1)));
    }
    hits.truncate(request.limit);
    let hits = hits
        .into_iter()
        .map(|(score, _, _, address)| hit(&searcher, fields, score, address))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let unknown_terms = unknown_terms(&searcher, fields, &*text_query)?;
    let suggestions = if total == 0 || !unknown_terms.is_empty() {
        suggestions(&searcher, fields, &unknown_terms)?
    } else {
        Vec::new()
    };
    Ok(Results {
        total,
        hits,
        unknown_terms,
        suggestions,
        query: text_query,
    })
}

fn filter_queries(fields: &Fields, filters: &Filters) -> Vec<Box<dyn Query>> {
    let facet_query = |root: &str, value: &str| -> Box<dyn Query> {
        let term = Term::from_facet(fields.facets, &Facet::from_path([root, value]));
        Box::new(TermQuery::new(term, IndexRecordOption::Basic))
    };
    let mut out = Vec::new();
    if let Some(s) = &filters.service {
        out.push(facet_query(facet::SERVICE, s));
    }
    if let Some(s) = &filters.severity {
        out.push(facet_query(facet::SEVERITY, s));
    }
    if let Some(c) = &filters.root_cause {
        out.push(facet_query(facet::CAUSE, c));
    }
    if let Some(t) = &filters.tag {
        out.push(facet_query(facet::TAG, &crate::text::slug(t)));
    }
    if filters.since.is_some() || filters.until.is_some() {
        let bound = |d: Option<Date>| {
            d.map_or(Bound::Unbounded, |d| {
                Bound::Included(Term::from_field_i64(fields.date, schema::date_value(d)))
            })
        };
        out.push(Box::new(RangeQuery::new(
            bound(filters.since),
            bound(filters.until),
        )));
    }
    out
}

/// Every match as (score, id order, date, address), by score descending
/// then id: all of them, since ties at the cut-off must be broken by id,
/// which tantivy's top-k does not do.
fn ranked(
    searcher: &Searcher,
    query: &dyn Query,
    total: usize,
    fields: &Fields,
) -> anyhow::Result<Vec<(f32, u64, i64, DocAddress)>> {
    let _ = fields;
    let scored = searcher.search(query, &TopDocs::with_limit(total.max(1)).order_by_score())?;
    let mut columns = Vec::new();
    for reader in searcher.segment_readers() {
        let ff = reader.fast_fields();
        columns.push((ff.u64(schema::names::ORDER)?, ff.i64(schema::names::DATE)?));
    }
    let mut out: Vec<(f32, u64, i64, DocAddress)> = scored
        .into_iter()
        .map(|(score, address)| {
            let (order, date) = &columns[address.segment_ord as usize];
            (
                score,
                order.first(address.doc_id).unwrap_or(u64::MAX),
                date.first(address.doc_id).unwrap_or(0),
                address,
            )
        })
        .collect();
    out.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    Ok(out)
}

fn hit(searcher: &Searcher, f: &Fields, score: f32, address: DocAddress) -> anyhow::Result<Hit> {
    let doc: TantivyDocument = searcher.doc(address).context("cannot read a hit")?;
    let text = |field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let date = doc.get_first(f.date).and_then(|v| v.as_i64()).unwrap_or(0);
    Ok(Hit {
        id: text(f.id),
        title: text(f.title),
        date: schema::date_of(date),
        severity: text(f.severity),
        score,
        path: text(f.path),
        address,
    })
}

/// The query's terms (in its text fields) that no incident has, each once,
/// in query order. Terms of excluded clauses (`-word`) count too: a
/// misspelt exclusion excludes nothing, which is worth saying.
fn unknown_terms(
    searcher: &Searcher,
    fields: &Fields,
    query: &dyn Query,
) -> anyhow::Result<Vec<String>> {
    let text_fields: Vec<_> = fields.text().into_iter().map(|(f, _)| f).collect();
    let mut words: Vec<String> = Vec::new();
    query.query_terms(&mut |term, _| {
        if text_fields.contains(&term.field())
            && let Some(word) = term.value().as_str()
            && !words.iter().any(|w| w == word)
        {
            words.push(word.to_string());
        }
    });
    let mut unknown = Vec::new();
    for word in words {
        let mut found = false;
        for &field in &text_fields {
            if searcher.doc_freq(&Term::from_field_text(field, &word))? > 0 {
                found = true;
                break;
            }
        }
        if !found {
            unknown.push(word);
        }
    }
    Ok(unknown)
}

/// For each unknown term, the nearest indexed terms ([`crate::suggest`]),
/// each once.
fn suggestions(
    searcher: &Searcher,
    fields: &Fields,
    unknown: &[String],
) -> anyhow::Result<Vec<String>> {
    if unknown.is_empty() {
        return Ok(Vec::new());
    }
    let mut terms: BTreeSet<String> = BTreeSet::new();
    for reader in searcher.segment_readers() {
        for (field, _) in fields.text() {
            let inverted = reader.inverted_index(field)?;
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                if let Ok(term) = std::str::from_utf8(stream.key()) {
                    terms.insert(term.to_string());
                }
            }
        }
    }
    let mut out: Vec<String> = Vec::new();
    for word in unknown {
        let len = word.chars().count();
        let near = terms
            .iter()
            .filter(|t| t.len().abs_diff(len) <= len / 3 + 1)
            .map(String::as_str);
        for s in crate::suggest::did_you_mean(word, near) {
            if !out.iter().any(|o| o == s) {
                out.push(s.to_string());
            }
        }
    }
    Ok(out)
}

/// An excerpt around the best match, with the matches marked (byte ranges
/// into `text`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Excerpt {
    pub text: String,
    pub marks: Vec<Range<usize>>,
}

impl Excerpt {
    /// Marks as `<mark>…</mark>`, the rest HTML-escaped: safe to insert in
    /// a page.
    pub fn html(&self) -> String {
        let mut out = String::new();
        let mut at = 0;
        for m in &self.marks {
            out.push_str(&escape(&self.text[at..m.start]));
            out.push_str("<mark>");
            out.push_str(&escape(&self.text[m.clone()]));
            out.push_str("</mark>");
            at = m.end;
        }
        out.push_str(&escape(&self.text[at..]));
        out
    }

    /// Marks wrapped in `open` and `close` (`[`, `]` or terminal bold).
    pub fn marked(&self, open: &str, close: &str) -> String {
        let mut out = String::new();
        let mut at = 0;
        for m in &self.marks {
            out.push_str(&self.text[at..m.start]);
            out.push_str(open);
            out.push_str(&self.text[m.clone()]);
            out.push_str(close);
            at = m.end;
        }
        out.push_str(&self.text[at..]);
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Makes excerpts for one query: the best passage of the body, else of the
/// summary, else the summary's start.
pub struct Excerpts {
    body: Option<SnippetGenerator>,
    summary: Option<SnippetGenerator>,
}

/// Excerpt length, in characters.
pub const EXCERPT_CHARS: usize = 180;

impl Excerpts {
    pub fn new(opened: &Opened, query: &dyn Query) -> Excerpts {
        let searcher = opened.reader.searcher();
        let make = |field| {
            SnippetGenerator::create(&searcher, query, field)
                .ok()
                .map(|mut g| {
                    g.set_max_num_chars(EXCERPT_CHARS);
                    g
                })
        };
        Excerpts {
            body: make(opened.fields.body),
            summary: make(opened.fields.summary),
        }
    }

    pub fn of(&self, body: &str, summary: Option<&str>) -> Excerpt {
        let from = |g: &Option<SnippetGenerator>, text: &str| {
            let s = g.as_ref()?.snippet(text);
            (!s.is_empty()).then(|| Excerpt {
                // Same byte length, so the marks stay in place.
                text: s.fragment().replace(['\n', '\r', '\t'], " "),
                // A compound and its parts overlap (`payments-api`,
                // `payments`): one mark each.
                marks: tantivy::snippet::collapse_overlapped_ranges(s.highlighted()),
            })
        };
        if let Some(e) = from(&self.body, body) {
            return e;
        }
        if let Some(summary) = summary {
            if let Some(e) = from(&self.summary, summary) {
                return e;
            }
            let end = summary
                .char_indices()
                .nth(EXCERPT_CHARS)
                .map_or(summary.len(), |(i, _)| i);
            return Excerpt {
                text: crate::text::collapse_whitespace(&summary[..end]),
                marks: Vec::new(),
            };
        }
        Excerpt::default()
    }
}
