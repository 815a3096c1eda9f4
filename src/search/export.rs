//! The in-browser search's data: plain JSON files under `search/` in the
//! site, computed from the very documents the tantivy index is built from
//! ([`index::document`]) with the one analyzer, so that `search.js` scores
//! with tantivy's BM25 exactly (same document count, per-field token totals,
//! quantized one-byte field norms, term and document frequencies, boosts).
//! No tantivy segment file is shipped: their segment ids are random, and
//! the site must be byte-identical across builds and thread counts.
//!
//! Documents are numbered by id (then path), as the index's `order` field:
//! ties broken by document number are ties broken by id.
//!
//! Files (all JSON, one line each, keys and terms sorted):
//! - `meta.json`: `n` documents; `fields` and their `boosts`; `tokens`, the
//!   total tokens per field (tantivy's average field norm is
//!   `f32(tokens) / f32(n)`); `k1`, `b`; `norms`, tantivy's field norm id →
//!   length table; `keys`, the term shard keys; `per_shard`, documents per
//!   card shard; `shards`, the number of card shards.
//! - `t/<hex of key>.json`: a term shard. A term goes to the shard of the
//!   longest key it starts with; keys are the terms' first two characters,
//!   split to three, four… characters while a shard is larger than
//!   [`SHARD_BYTES`] (so prefix search on a typed word reads one shard, or
//!   the few under it). `{"t": {term: [[field, doc gap, tf, norm id, doc
//!   gap, tf, norm id, …], …]}, "c": {term: …}}`: postings per field, doc
//!   numbers as gaps from the previous one. `c` holds, for a term the
//!   analyzer emits both as a whole compound (`PgBouncer` → `pgbouncer`)
//!   and as a plain word (`pgbouncer`), the counts of its compound
//!   occurrences only: what a query word that splits into parts (a tantivy
//!   phrase of the whole and its parts) matches.
//! - `d/<n>.json`: cards of documents `n * per_shard ..`: id, title, date,
//!   severity, url, summary (≤ 200 characters), services, causes, quarter,
//!   status.
//! - `facets.json`: value lists (`severity` in configured order, `service`,
//!   `cause`, `quarter`, `status`, sorted) and per document `[date as
//!   yyyymmdd, severity, quarter, status, [services], [causes]]` as value
//!   indexes, so filters, counts and browsing by date need no card.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde::Serialize;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::schema::Value;

use super::analyzer;
use super::index::{self, quarter_name};
use super::schema::{self, BOOSTS};
use crate::analysis::metrics::Quarter;
use crate::content::{KnowledgeBase, PostMortem};

/// A term shard is split by one more character past this many bytes.
pub const SHARD_BYTES: usize = 16_000;
/// Cards per card shard.
pub const PER_SHARD: usize = 64;
/// Summary excerpt length on a card, in characters.
pub const SUMMARY_CHARS: usize = 200;
/// Bumped when the files change shape.
pub const VERSION: u32 = 1;

/// Per field: (doc, tf, norm id), in doc order.
type Postings = Vec<Vec<(u32, u32, u8)>>;
/// Postings encoded for a shard: per field present, `[field, gap, tf, norm…]`.
type Encoded = Vec<Vec<u32>>;
/// A term, its encoded postings and compound postings, and their size.
type Entry<'a> = (&'a String, Encoded, Option<Encoded>, usize);
/// A document's facets: date, severity, quarter, status, services, causes.
type DocFacets = (i64, usize, usize, usize, Vec<usize>, Vec<usize>);

/// The statistics of the documents, as tantivy computes them.
pub struct Stats {
    pub docs: u32,
    /// Total tokens per field, in [`BOOSTS`] order.
    pub tokens: Vec<u64>,
    /// Term → postings per field.
    pub terms: BTreeMap<String, Postings>,
    /// Term → postings of its compound occurrences, for the terms that also
    /// occur as a plain word.
    pub compound: BTreeMap<String, Postings>,
}

/// One document's terms: per field, term → (tf, compound tf), and the
/// field's token count.
type DocTerms = Vec<(BTreeMap<String, (u32, u32)>, u32)>;

fn doc_terms(doc: &tantivy::TantivyDocument, fields: &schema::Fields) -> DocTerms {
    let text = fields.text();
    let mut out: DocTerms = vec![(BTreeMap::new(), 0); text.len()];
    for (field, value) in doc.field_values() {
        let Some(f) = text.iter().position(|&(t, _)| t == field) else {
            continue;
        };
        let Some(s) = value.as_str() else { continue };
        let mut tokens = Vec::new();
        analyzer::tokenize(s, |t| tokens.push(t));
        let (terms, count) = &mut out[f];
        *count += tokens.len() as u32;
        for (i, t) in tokens.iter().enumerate() {
            // A whole compound is followed by its first part, at its position.
            let whole = tokens.get(i + 1).is_some_and(|n| n.position == t.position);
            let e = terms.entry(t.text.clone()).or_default();
            e.0 += 1;
            e.1 += u32::from(whole);
        }
    }
    out
}

/// The included incidents (`incidents`, indexes into `kb.postmortems`) in
/// document order: by id, then path, as the index numbers them.
pub fn document_order(kb: &KnowledgeBase, incidents: &[usize]) -> Vec<usize> {
    let pms = &kb.postmortems;
    let mut order = incidents.to_vec();
    order.sort_by(|&a, &b| {
        (pms[a].id.as_str(), &pms[a].rel_path).cmp(&(pms[b].id.as_str(), &pms[b].rel_path))
    });
    order
}

/// The statistics of `order`'s documents.
pub fn stats(kb: &KnowledgeBase, order: &[usize]) -> Stats {
    let (_, fields) = schema::schema();
    let per_doc: Vec<DocTerms> = order
        .par_iter()
        .enumerate()
        .map(|(n, &i)| {
            doc_terms(
                &index::document(kb, &kb.postmortems[i], n as u64, &fields),
                &fields,
            )
        })
        .collect();
    let nfields = BOOSTS.len();
    let mut stats = Stats {
        docs: order.len() as u32,
        tokens: vec![0; nfields],
        terms: BTreeMap::new(),
        compound: BTreeMap::new(),
    };
    let mut mixed: BTreeSet<String> = BTreeSet::new();
    for (doc, fields) in per_doc.iter().enumerate() {
        for (f, (terms, count)) in fields.iter().enumerate() {
            stats.tokens[f] += u64::from(*count);
            let norm = FieldNormReader::fieldnorm_to_id(*count);
            for (term, &(tf, ctf)) in terms {
                let postings = stats
                    .terms
                    .entry(term.clone())
                    .or_insert_with(|| vec![Vec::new(); nfields]);
                postings[f].push((doc as u32, tf, norm));
                if ctf > 0 && ctf != tf {
                    mixed.insert(term.clone());
                }
            }
        }
    }
    // Terms both compound and plain somewhere: their compound-only postings.
    for (doc, fields) in per_doc.iter().enumerate() {
        for (f, (terms, count)) in fields.iter().enumerate() {
            let norm = FieldNormReader::fieldnorm_to_id(*count);
            for (term, &(_, ctf)) in terms {
                if ctf > 0 && mixed.contains(term) {
                    stats
                        .compound
                        .entry(term.clone())
                        .or_insert_with(|| vec![Vec::new(); nfields])[f]
                        .push((doc as u32, ctf, norm));
                }
            }
        }
    }
    stats
}

/// The first `n` characters of `s`.
fn prefix(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or(s, |(i, _)| &s[..i])
}

fn encode(postings: &Postings) -> Vec<Vec<u32>> {
    postings
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.is_empty())
        .map(|(f, p)| {
            let mut row = vec![f as u32];
            let mut last = 0;
            for &(doc, tf, norm) in p {
                row.extend([doc - last, tf, u32::from(norm)]);
                last = doc;
            }
            row
        })
        .collect()
}

#[derive(Serialize, Default)]
struct Shard {
    t: BTreeMap<String, Vec<Vec<u32>>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    c: BTreeMap<String, Vec<Vec<u32>>>,
}

/// Term shards by key: the first two characters, split further while too
/// large.
fn shards(stats: &Stats) -> BTreeMap<String, Shard> {
    // Encoded size of each term's entry, for splitting.
    let entries: Vec<Entry> = stats
        .terms
        .iter()
        .map(|(term, p)| {
            let t = encode(p);
            let c = stats.compound.get(term).map(encode);
            let size = term.len()
                + 6
                + t.iter().map(|r| r.len() * 3).sum::<usize>()
                + c.as_ref()
                    .map_or(0, |c| c.iter().map(|r| r.len() * 3).sum());
            (term, t, c, size)
        })
        .collect();
    // Group terms (indexes into `entries`, which are sorted) by key.
    let mut out: BTreeMap<String, Shard> = BTreeMap::new();
    let mut work: Vec<(String, Vec<usize>)> = Vec::new();
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        groups.entry(prefix(e.0, 2)).or_default().push(i);
    }
    work.extend(groups.into_iter().map(|(k, v)| (k.to_string(), v)));
    while let Some((key, members)) = work.pop() {
        let size: usize = members.iter().map(|&i| entries[i].3).sum();
        let depth = key.chars().count();
        let longer = members
            .iter()
            .filter(|&&i| entries[i].0.chars().count() > depth)
            .count();
        if size > SHARD_BYTES && longer > 1 && depth < 8 {
            let mut sub: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            let mut stay = Vec::new();
            for &i in &members {
                let term = entries[i].0;
                if term.chars().count() > depth {
                    sub.entry(prefix(term, depth + 1)).or_default().push(i);
                } else {
                    stay.push(i);
                }
            }
            if !stay.is_empty() {
                // The key itself is a term: its shard holds it alone.
                put(&mut out, &key, &stay, &entries);
            }
            work.extend(sub.into_iter().map(|(k, v)| (k.to_string(), v)));
        } else {
            put(&mut out, &key, &members, &entries);
        }
    }
    out
}

fn put(out: &mut BTreeMap<String, Shard>, key: &str, members: &[usize], entries: &[Entry]) {
    let shard = out.entry(key.to_string()).or_default();
    for &i in members {
        let (term, t, c, _) = &entries[i];
        shard.t.insert((*term).clone(), t.clone());
        if let Some(c) = c {
            shard.c.insert((*term).clone(), c.clone());
        }
    }
}

/// A shard key's file name: the hex of its UTF-8 bytes (safe on every file
/// system and in URLs).
pub fn key_file(key: &str) -> String {
    let mut s = String::with_capacity(key.len() * 2 + 5);
    for b in key.bytes() {
        s.push_str(&format!("{b:02x}"));
    }
    s + ".json"
}

#[derive(Serialize)]
struct Meta<'a> {
    v: u32,
    n: u32,
    fields: Vec<&'a str>,
    boosts: Vec<f32>,
    tokens: &'a [u64],
    k1: f32,
    b: f32,
    norms: Vec<u32>,
    keys: Vec<&'a str>,
    per_shard: usize,
    shards: usize,
}

#[derive(Serialize)]
struct Card<'a> {
    id: &'a str,
    title: &'a str,
    date: String,
    severity: &'a str,
    url: String,
    summary: String,
    services: Vec<&'a str>,
    causes: Vec<&'a str>,
    quarter: String,
    status: &'a str,
}

#[derive(Serialize)]
struct Facets<'a> {
    severity: Vec<&'a str>,
    service: Vec<&'a str>,
    cause: Vec<&'a str>,
    quarter: Vec<String>,
    status: Vec<&'a str>,
    docs: Vec<DocFacets>,
}

fn summary(pm: &PostMortem) -> String {
    let text = crate::text::collapse_whitespace(pm.summary_text().unwrap_or_default());
    let text = crate::text::strip_control(&text).into_owned();
    if text.chars().count() <= SUMMARY_CHARS {
        return text;
    }
    let cut = prefix(&text, SUMMARY_CHARS - 1);
    // End at a word when there is one near.
    let cut = match cut.rfind(' ') {
        Some(i) if i > cut.len() * 3 / 4 => &cut[..i],
        _ => cut,
    };
    format!("{}…", cut.trim_end())
}

/// Every file of the export: (path under `search/`, bytes). `incidents` are
/// the site's incidents; `url` links an incident's page.
pub fn export(
    kb: &KnowledgeBase,
    incidents: &[usize],
    url: impl Fn(&PostMortem) -> String + Sync,
) -> Vec<(String, Vec<u8>)> {
    let order = document_order(kb, incidents);
    let stats = stats(kb, &order);
    let shards = shards(&stats);
    let json = |v: &dyn erased::Ser| -> Vec<u8> {
        let mut bytes = v.to_json();
        bytes.push(b'\n');
        bytes
    };
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let cards = order.len().div_ceil(PER_SHARD);
    let meta = Meta {
        v: VERSION,
        n: stats.docs,
        fields: BOOSTS.iter().map(|&(n, _)| n).collect(),
        boosts: BOOSTS.iter().map(|&(_, b)| b).collect(),
        tokens: &stats.tokens,
        k1: 1.2,
        b: 0.75,
        norms: (0..=255u8).map(FieldNormReader::id_to_fieldnorm).collect(),
        keys: shards.keys().map(String::as_str).collect(),
        per_shard: PER_SHARD,
        shards: cards,
    };
    files.push(("meta.json".into(), json(&meta)));
    let shard_files: Vec<(String, Vec<u8>)> = shards
        .par_iter()
        .map(|(key, shard)| (format!("t/{}", key_file(key)), json(shard)))
        .collect();
    files.extend(shard_files);

    let pms = &kb.postmortems;
    let card_files: Vec<(String, Vec<u8>)> = order
        .par_chunks(PER_SHARD)
        .enumerate()
        .map(|(n, chunk)| {
            let cards: Vec<Card> = chunk
                .iter()
                .map(|&i| {
                    let pm = &pms[i];
                    Card {
                        id: pm.id.as_str(),
                        title: pm.title.as_str(),
                        date: pm.date.value.to_string(),
                        severity: &pm.severity.name,
                        url: url(pm),
                        summary: summary(pm),
                        services: pm.services.iter().map(|s| s.as_str()).collect(),
                        causes: pm
                            .details
                            .root_causes
                            .iter()
                            .map(|c| c.id.as_str())
                            .collect(),
                        quarter: quarter_name(Quarter::of(pm.date.value)),
                        status: pm.status.as_str(),
                    }
                })
                .collect();
            (format!("d/{n}.json"), json(&cards))
        })
        .collect();
    files.extend(card_files);

    // Facets: value lists, then per document value indexes.
    let mut severity: Vec<&str> = kb
        .config
        .template
        .severities
        .iter()
        .map(String::as_str)
        .collect();
    let mut service = BTreeSet::new();
    let mut cause = BTreeSet::new();
    let mut quarter = BTreeSet::new();
    let mut status = BTreeSet::new();
    for &i in &order {
        let pm = &pms[i];
        if !severity.contains(&pm.severity.name.as_str()) {
            severity.push(&pm.severity.name);
        }
        service.extend(pm.services.iter().map(|s| s.as_str()));
        cause.extend(pm.details.root_causes.iter().map(|c| c.id.as_str()));
        quarter.insert(quarter_name(Quarter::of(pm.date.value)));
        status.insert(pm.status.as_str());
    }
    let index_of = |set: &BTreeSet<&str>, v: &str| set.iter().position(|s| *s == v).unwrap_or(0);
    let quarters: Vec<String> = quarter.into_iter().collect();
    let docs = order
        .iter()
        .map(|&i| {
            let pm = &pms[i];
            let q = quarter_name(Quarter::of(pm.date.value));
            let mut svc: Vec<usize> = pm.services.iter().map(|s| index_of(&service, s)).collect();
            svc.sort_unstable();
            svc.dedup();
            let mut causes: Vec<usize> = pm
                .details
                .root_causes
                .iter()
                .map(|c| index_of(&cause, &c.id))
                .collect();
            causes.sort_unstable();
            causes.dedup();
            (
                schema::date_value(pm.date.value),
                severity
                    .iter()
                    .position(|s| *s == pm.severity.name)
                    .unwrap_or(0),
                quarters.binary_search(&q).unwrap_or(0),
                index_of(&status, pm.status.as_str()),
                svc,
                causes,
            )
        })
        .collect();
    let facets = Facets {
        severity,
        service: service.iter().copied().collect(),
        cause: cause.iter().copied().collect(),
        quarter: quarters.clone(),
        status: status.iter().copied().collect(),
        docs,
    };
    files.push(("facets.json".into(), json(&facets)));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// Serializes to JSON through a trait object.
mod erased {
    pub trait Ser: Sync {
        fn to_json(&self) -> Vec<u8>;
    }
    impl<T: serde::Serialize + Sync> Ser for T {
        fn to_json(&self) -> Vec<u8> {
            serde_json::to_vec(self).expect("plain data serializes")
        }
    }
}
