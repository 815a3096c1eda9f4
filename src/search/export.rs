//! The in-browser search's data: static files under `search/` in the site,
//! computed from the very texts the tantivy index is built from
//! ([`index::texts`]) with the one analyzer, so that `search.js` scores
//! with tantivy's BM25 exactly (same document count, per-field token totals,
//! quantized one-byte field norms, term and document frequencies, boosts).
//! No tantivy segment file is shipped: their segment ids are random, and
//! the site must be byte-identical across builds and thread counts.
//!
//! Documents are numbered by id (then path), as the index's `order` field:
//! ties broken by document number are ties broken by id.
//!
//! Every file is one line of JSON, gzip-compressed ahead of time (`.json.gz`,
//! a fixed header without name or time, so the bytes depend on the content
//! only): static hosts serve them as they are, and `search.js` inflates them
//! with the browser's `DecompressionStream` unless the server already did
//! (it looks for gzip's magic bytes). A query reads `meta`, the term shards
//! of its words, the cards of the results it shows, and only the facet
//! columns it needs, so what it downloads does not grow with the site as a
//! whole. Numbers that come in lists are written as a *varint string*: each
//! number in base 32, least significant digit first, each digit one
//! character of `A–Z a–z 0–9 - _` (the URL-safe base-64 alphabet) with 32
//! added on every digit but the last; numbers under 32 are one character.
//! That is about a sixth smaller gzip'd than JSON number arrays (measured on
//! 10,000 post-mortems) and as simple to read.
//!
//! Files:
//! - `meta.json.gz`: `v`, the format [`VERSION`]; `n` documents; `fields`
//!   and their `boosts`; `tokens`, the total tokens per field (tantivy's
//!   average field norm is `f32(tokens) / f32(n)`); `k1`, `b` (tantivy's
//!   norm id → length table is not shipped: it follows a rule, which
//!   `search.js` computes and a test below checks); `keys`, where term shards
//!   begin; `per_shard`, cards per card shard; `url`, the prefix of incident
//!   links (a card's link is `url` + its id + `/` unless the card has its
//!   own).
//! - `t/<n>.json.gz`: term shard `n`. Terms, sorted by UTF-16 code units (as
//!   JavaScript compares strings), are cut into runs of about
//!   [`SHARD_GZ_BYTES`] compressed; a very common term may exceed it alone.
//!   `keys[i]` is the shortest start of shard `i + 1`'s first term that
//!   sorts after shard `i`'s last term, so a term's shard is the number of
//!   keys at or before it, and the terms a prefix begins are in consecutive
//!   shards. `{"t": {term: postings}, "c": {term: postings}}`; postings are
//!   one varint string: per field that has the term, the field's index, the
//!   number of documents `k`, then `k` document number gaps (from the
//!   previous one, the first from 0), `k` term frequencies minus one, `k`
//!   field norm ids (grouped so that gzip finds the runs). `c` holds, for a
//!   term the analyzer emits both as a whole compound (`PgBouncer` →
//!   `pgbouncer`) and as a plain word (`pgbouncer`), the postings of its
//!   compound occurrences only: what a query word that splits into parts (a
//!   tantivy phrase of the whole and its parts) matches.
//! - `d/<n>.json.gz`: the cards of documents `n * per_shard ..`, each
//!   `[id, title, date, severity, summary, [services]]` and the link when it
//!   does not follow `url`. The summary is plain text (Markdown markup
//!   removed), at most [`SUMMARY_CHARS`] characters.
//! - `f/<facet>.json.gz`, one column per facet, read only when needed:
//!   `severity` (in configured order) and `quarter`: `{"values": [...],
//!   "docs": varints}`, one value index per document; `service` and `cause`:
//!   the same with, per document, the number of values then their indexes;
//!   `date`: `{"docs": varints}`, per document the rank of its date among
//!   the distinct dates (oldest 0), for sorting by date.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;
use tantivy::fieldnorm::FieldNormReader;

use super::analyzer;
use super::index::{self, quarter_name};
use super::schema::{self, BOOSTS};
use crate::analysis::metrics::Quarter;
use crate::content::{KnowledgeBase, PostMortem};

/// A term shard is closed once its terms would gzip to more than this many
/// bytes (estimated, then checked: see [`term_shards`]). A query reads one
/// shard per word; at 10,000 post-mortems this makes about 640 shards.
pub const SHARD_GZ_BYTES: usize = 10_000;
/// Cards per card shard: the top ten results read up to ten shards, so they
/// are small; 8 keeps the number of files at 10,000 post-mortems near 1,000.
pub const PER_SHARD: usize = 8;
/// Summary excerpt length on a card, in characters.
pub const SUMMARY_CHARS: usize = 200;
/// Bumped when the files change shape.
pub const VERSION: u32 = 2;

/// The varint string alphabet: URL-safe base 64, so no character needs
/// escaping in JSON.
const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Per field: (doc, tf, norm id), in doc order.
type Postings = Vec<Vec<(u32, u32, u8)>>;

/// The statistics of the documents, as tantivy computes them.
pub struct Stats {
    pub docs: u32,
    /// Total tokens per field, in [`BOOSTS`] order.
    pub tokens: Vec<u64>,
    /// Every term, in JavaScript's string order ([`js_order`]).
    pub terms: Vec<TermStats>,
}

/// One term's postings.
pub struct TermStats {
    pub term: String,
    /// Per field.
    pub postings: Postings,
    /// The postings of its compound occurrences, for a term that also
    /// occurs as a plain word.
    pub compound: Option<Postings>,
}

/// A term in one field of one document.
#[derive(Clone, Copy)]
struct Row {
    doc: u32,
    field: u8,
    norm: u8,
    /// Occurrences.
    tf: u32,
    /// Occurrences as a whole compound.
    ctf: u32,
}

/// One document's tokens, kept between documents so that a thread
/// allocates its buffers once, not once a document.
#[derive(Default)]
struct Scratch {
    /// Lower-casing buffer for [`analyzer::tokenize_borrowed`].
    lower: String,
    /// Every term of the document, end to end.
    arena: String,
    /// Per token: its term's range in `arena`, its field, and whether it is
    /// a whole compound.
    tokens: Vec<(u32, u32, u8, bool)>,
    /// Tokens per field.
    counts: Vec<u32>,
}

impl Scratch {
    /// Tokenizes the text fields of `pm` as the index does.
    fn read(&mut self, kb: &KnowledgeBase, pm: &PostMortem, fields: &schema::Fields) {
        self.arena.clear();
        self.tokens.clear();
        self.counts.clear();
        self.counts.resize(BOOSTS.len(), 0);
        let text = fields.text();
        let Scratch {
            lower,
            arena,
            tokens,
            counts,
        } = self;
        index::texts(kb, pm, fields, |field, value| {
            let Some(f) = text.iter().position(|&(t, _)| t == field) else {
                return;
            };
            let first = tokens.len();
            let mut last_position = usize::MAX;
            analyzer::tokenize_borrowed(value, lower, |t| {
                // A whole compound is followed by its first part, at its
                // position.
                if t.position == last_position
                    && let Some(last) = tokens[first..].last_mut()
                {
                    last.3 = true;
                }
                last_position = t.position;
                let from = arena.len() as u32;
                arena.push_str(t.text);
                tokens.push((from, arena.len() as u32, f as u8, false));
            });
            counts[f] += (tokens.len() - first) as u32;
        });
    }

    /// Each (term, field) of the document read, once, with its counts, in
    /// no particular order.
    fn rows(&self, doc: u32, mut emit: impl FnMut(&str, Row)) {
        let mut counts: FxHashMap<(&str, u8), (u32, u32)> = FxHashMap::default();
        counts.reserve(self.tokens.len() / 2);
        for &(from, to, field, whole) in &self.tokens {
            let c = counts
                .entry((&self.arena[from as usize..to as usize], field))
                .or_default();
            c.0 += 1;
            c.1 += u32::from(whole);
        }
        for ((term, field), (tf, ctf)) in counts {
            emit(
                term,
                Row {
                    doc,
                    field,
                    norm: FieldNormReader::fieldnorm_to_id(self.counts[usize::from(field)]),
                    tf,
                    ctf,
                },
            );
        }
    }
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
///
/// Each thread counts its documents' terms into its own map of term →
/// rows, and the maps are joined at the end: no string-keyed tree, no
/// serial pass over every posting (on 10,000 post-mortems that pass was a
/// second of one core, the other one idle).
pub fn stats(kb: &KnowledgeBase, order: &[usize]) -> Stats {
    type Counted = (FxHashMap<String, Vec<Row>>, Vec<u64>);
    let (_, fields) = schema::schema();
    let nfields = BOOSTS.len();
    // `a` holds documents before `b`'s (rayon folds runs of documents and
    // reduces them in order), so appending keeps each term's rows in
    // document order, and no sort is needed after.
    let join = |(mut a, mut ta): Counted, (b, tb): Counted| {
        for (term, mut rows) in b {
            a.entry(term).or_default().append(&mut rows);
        }
        ta.iter_mut().zip(tb).for_each(|(x, y)| *x += y);
        (a, ta)
    };
    let (by_term, tokens) = order
        .par_iter()
        .enumerate()
        .fold(
            || (FxHashMap::default(), vec![0; nfields], Scratch::default()),
            |(mut map, mut tokens, mut scratch): (
                FxHashMap<String, Vec<Row>>,
                Vec<u64>,
                Scratch,
            ),
             (doc, &i)| {
                scratch.read(kb, &kb.postmortems[i], &fields);
                for (total, &n) in tokens.iter_mut().zip(&scratch.counts) {
                    *total += u64::from(n);
                }
                scratch.rows(doc as u32, |term, row| match map.get_mut(term) {
                    Some(rows) => rows.push(row),
                    None => {
                        map.insert(term.to_string(), vec![row]);
                    }
                });
                (map, tokens, scratch)
            },
        )
        .map(|(map, tokens, _)| (map, tokens))
        .reduce(|| (FxHashMap::default(), vec![0; nfields]), join);
    let mut terms: Vec<TermStats> = by_term
        .into_par_iter()
        .map(|(term, rows)| {
            let mut postings = vec![Vec::new(); nfields];
            // Both a whole compound and a plain word somewhere.
            let mixed = rows.iter().any(|r| r.ctf > 0 && r.ctf != r.tf);
            let mut compound = mixed.then(|| vec![Vec::new(); nfields]);
            for r in &rows {
                let f = usize::from(r.field);
                postings[f].push((r.doc, r.tf, r.norm));
                if let Some(c) = compound.as_mut()
                    && r.ctf > 0
                {
                    c[f].push((r.doc, r.ctf, r.norm));
                }
            }
            // In document order already (see `join`); should rayon ever
            // reorder its runs, the order is restored here.
            for p in postings.iter_mut().chain(compound.iter_mut().flatten()) {
                if !p.is_sorted_by_key(|&(doc, _, _)| doc) {
                    p.sort_unstable_by_key(|&(doc, _, _)| doc);
                }
            }
            TermStats {
                term,
                postings,
                compound,
            }
        })
        .collect();
    // Terms are distinct: the order is total.
    terms.par_sort_unstable_by(|a, b| js_order(&a.term, &b.term));
    Stats {
        docs: order.len() as u32,
        tokens,
        terms,
    }
}

/// The first `n` characters of `s`.
fn prefix(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or(s, |(i, _)| &s[..i])
}

/// Appends `v` to a varint string: base 32, least significant digit first,
/// 32 added to every digit but the last.
fn varint(out: &mut String, mut v: u32) {
    while v >= 32 {
        out.push(char::from(DIGITS[32 + (v & 31) as usize]));
        v >>= 5;
    }
    out.push(char::from(DIGITS[v as usize]));
}

/// A term's postings as a varint string: per field present, the field, the
/// count, the doc gaps, the term frequencies minus one, the norm ids.
fn encode(postings: &Postings) -> String {
    let mut out = String::new();
    for (f, p) in postings.iter().enumerate().filter(|(_, p)| !p.is_empty()) {
        varint(&mut out, f as u32);
        varint(&mut out, p.len() as u32);
        let mut last = 0;
        for &(doc, _, _) in p {
            varint(&mut out, doc - last);
            last = doc;
        }
        for &(_, tf, _) in p {
            varint(&mut out, tf.saturating_sub(1));
        }
        for &(_, _, norm) in p {
            varint(&mut out, u32::from(norm));
        }
    }
    out
}

/// Gzip with a fixed header (no name, no time, OS "unknown"), so the same
/// bytes in give the same bytes out on every machine. Level 3: on 10,000
/// post-mortems its files are 0.3 % larger than the default level's (6) for
/// half the time (0.7 s of CPU instead of 1.5 s); level 9 saves another
/// 0.3 % in three times the time.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), flate2::Compression::new(3));
    z.write_all(bytes).expect("writing to memory");
    z.finish().expect("writing to memory")
}

/// One line of JSON, gzip'd.
fn json_gz(v: &impl Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(v).expect("plain data serializes");
    bytes.push(b'\n');
    gzip(&bytes)
}

/// Orders strings as JavaScript's `<` does: by UTF-16 code units.
fn js_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

#[derive(Serialize, Default)]
struct Shard<'a> {
    t: BTreeMap<&'a str, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    c: BTreeMap<&'a str, String>,
}

/// A term and its encoded postings and compound postings.
type Entry<'a> = (&'a str, String, Option<String>);

/// The term shards, gzip'd, and their keys (`keys[i]` begins shard `i + 1`).
///
/// Packing needs each shard's compressed size before it is compressed, so
/// it packs by an estimate (fitted on 10,000 post-mortems: varint strings
/// gzip to about 3/8 of their length, terms and JSON punctuation to about a
/// fifth). A shard that comes out above [`SHARD_GZ_BYTES`] by more than an
/// eighth is cut into as many parts as it has [`SHARD_GZ_BYTES`] (by the
/// estimate) and compressed again; a shard of one term stays as it is.
fn term_shards(stats: &Stats) -> (Vec<Vec<u8>>, Vec<String>) {
    // In the terms' order: JavaScript's.
    let entries: Vec<Entry> = stats
        .terms
        .par_iter()
        .map(|t| {
            (
                t.term.as_str(),
                encode(&t.postings),
                t.compound.as_ref().map(encode),
            )
        })
        .collect();
    let estimates: Vec<usize> = entries
        .iter()
        .map(|e| {
            let body = e.1.len() + e.2.as_ref().map_or(0, String::len);
            body * 3 / 8 + (e.0.len() + 6) / 5
        })
        .collect();
    // Runs of entries: [from, to).
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let (mut from, mut size) = (0, 0);
    for (i, &s) in estimates.iter().enumerate() {
        if i > from && size + s > SHARD_GZ_BYTES {
            runs.push((from, i));
            (from, size) = (i, 0);
        }
        size += s;
    }
    if from < entries.len() || runs.is_empty() {
        runs.push((from, entries.len()));
    }
    let compress = |&(from, to): &(usize, usize)| {
        let mut shard = Shard::default();
        for (term, t, c) in &entries[from..to] {
            shard.t.insert(term, t.clone());
            if let Some(c) = c {
                shard.c.insert(term, c.clone());
            }
        }
        json_gz(&shard)
    };
    // Compress, and cut up what the estimate got wrong until it fits or is
    // one term.
    let mut out: Vec<((usize, usize), Vec<u8>)> = Vec::with_capacity(runs.len());
    let mut pending = runs;
    while !pending.is_empty() {
        let done: Vec<((usize, usize), Vec<u8>)> = pending
            .par_iter()
            .map(|run| (*run, compress(run)))
            .collect();
        pending = Vec::new();
        for ((from, to), bytes) in done {
            if bytes.len() > SHARD_GZ_BYTES * 9 / 8 && to - from > 1 {
                let parts = cut(&estimates[from..to], bytes.len());
                pending.extend(parts.map(|(a, b)| (from + a, from + b)));
            } else {
                out.push(((from, to), bytes));
            }
        }
    }
    // Back in term order.
    out.sort_by_key(|(run, _)| *run);
    let keys = out
        .windows(2)
        .map(|w| {
            let last = entries[w[0].0.1 - 1].0;
            let first = entries[w[1].0.0].0;
            // The shortest start of `first` after `last` (`first` itself at
            // the latest, as `last` sorts before it).
            (1..=first.chars().count())
                .map(|n| prefix(first, n))
                .find(|p| js_order(p, last).is_gt())
                .unwrap_or(first)
                .to_string()
        })
        .collect();
    (out.into_iter().map(|(_, bytes)| bytes).collect(), keys)
}

/// Cuts a run of entries with these size estimates, which compressed to
/// `bytes`, into `bytes / SHARD_GZ_BYTES` (rounded up) parts of about equal
/// estimate: at least two parts, none empty (the run has two entries or
/// more). Ranges are relative to the run.
fn cut(estimates: &[usize], bytes: usize) -> impl Iterator<Item = (usize, usize)> {
    let n = estimates.len();
    let parts = bytes.div_ceil(SHARD_GZ_BYTES).clamp(2, n.max(2));
    let total = estimates.iter().sum::<usize>().max(1);
    let mut bounds = vec![0];
    let mut sum = 0;
    for (i, &e) in estimates.iter().enumerate().take(n.saturating_sub(1)) {
        sum += e;
        // Close a part once its share of the estimate is reached, and
        // whenever the entries left are just enough for the parts to come.
        let reached = sum * parts >= total * bounds.len();
        let left = n - (i + 1);
        let to_come = parts - bounds.len();
        if bounds.len() < parts && (reached || left == to_come) {
            bounds.push(i + 1);
        }
    }
    bounds.push(n);
    bounds.dedup();
    (1..bounds.len()).map(move |i| (bounds[i - 1], bounds[i]))
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
    keys: Vec<String>,
    per_shard: usize,
    url: &'a str,
}

/// A card: id, title, date, severity, summary, services, and the link when
/// it does not follow the pattern.
#[derive(Serialize)]
struct Card<'a>(
    &'a str,
    &'a str,
    String,
    &'a str,
    String,
    Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")] Option<String>,
);

/// A facet column: its values and, per document, varints.
#[derive(Serialize)]
struct Column<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    values: Vec<&'a str>,
    docs: String,
}

/// The summary as plain text (no Markdown markup), cut to
/// [`SUMMARY_CHARS`] at a word when there is one near.
fn summary(pm: &PostMortem) -> String {
    let text = crate::render::markdown::plain_text(pm.summary_text().unwrap_or_default());
    let text = crate::text::collapse_whitespace(&text);
    let text = crate::text::strip_control(&text).into_owned();
    if text.chars().count() <= SUMMARY_CHARS {
        return text;
    }
    let cut = prefix(&text, SUMMARY_CHARS - 1);
    let cut = match cut.rfind(' ') {
        Some(i) if i > cut.len() * 3 / 4 => &cut[..i],
        _ => cut,
    };
    format!("{}…", cut.trim_end())
}

/// The common prefix of incident links: `url(pm)` without its id and the
/// final `/`, for the first incident whose link ends so; "" if none does.
fn url_prefix(links: &[(&str, String)]) -> String {
    links
        .iter()
        .find_map(|(id, link)| {
            link.strip_suffix('/')
                .and_then(|l| l.strip_suffix(id))
                .map(str::to_string)
        })
        .unwrap_or_default()
}

/// A column of one value per document.
fn single(of: impl Fn(usize) -> usize, docs: usize) -> String {
    let mut out = String::new();
    for d in 0..docs {
        varint(&mut out, of(d) as u32);
    }
    out
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
    let (shards, keys) = term_shards(&stats);
    let pms = &kb.postmortems;
    let links: Vec<(&str, String)> = order
        .par_iter()
        .map(|&i| (pms[i].id.as_str(), url(&pms[i])))
        .collect();
    let url_prefix = url_prefix(&links);

    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let meta = Meta {
        v: VERSION,
        n: stats.docs,
        fields: BOOSTS.iter().map(|&(n, _)| n).collect(),
        boosts: BOOSTS.iter().map(|&(_, b)| b).collect(),
        tokens: &stats.tokens,
        k1: 1.2,
        b: 0.75,
        keys,
        per_shard: PER_SHARD,
        url: &url_prefix,
    };
    files.push(("meta.json.gz".into(), json_gz(&meta)));
    files.extend(
        shards
            .into_iter()
            .enumerate()
            .map(|(n, bytes)| (format!("t/{n}.json.gz"), bytes)),
    );

    let card_files: Vec<(String, Vec<u8>)> = order
        .par_chunks(PER_SHARD)
        .zip(links.par_chunks(PER_SHARD))
        .enumerate()
        .map(|(n, (chunk, links))| {
            let cards: Vec<Card> = chunk
                .iter()
                .zip(links)
                .map(|(&i, (id, link))| {
                    let pm = &pms[i];
                    let own = *link != format!("{url_prefix}{id}/");
                    Card(
                        id,
                        pm.title.as_str(),
                        pm.date.value.to_string(),
                        &pm.severity.name,
                        summary(pm),
                        pm.services.iter().map(|s| s.as_str()).collect(),
                        own.then(|| link.clone()),
                    )
                })
                .collect();
            (format!("d/{n}.json.gz"), json_gz(&cards))
        })
        .collect();
    files.extend(card_files);
    files.extend(columns(kb, &order));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// The facet columns, `f/<facet>.json.gz`.
fn columns(kb: &KnowledgeBase, order: &[usize]) -> Vec<(String, Vec<u8>)> {
    let pms = &kb.postmortems;
    let docs = order.len();
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
    let mut dates = BTreeSet::new();
    for &i in order {
        let pm = &pms[i];
        if !severity.contains(&pm.severity.name.as_str()) {
            severity.push(&pm.severity.name);
        }
        service.extend(pm.services.iter().map(|s| s.as_str()));
        cause.extend(pm.details.root_causes.iter().map(|c| c.id.as_str()));
        quarter.insert(quarter_name(Quarter::of(pm.date.value)));
        dates.insert(schema::date_value(pm.date.value));
    }
    let service: Vec<&str> = service.into_iter().collect();
    let cause: Vec<&str> = cause.into_iter().collect();
    let quarters: Vec<String> = quarter.into_iter().collect();
    let quarter: Vec<&str> = quarters.iter().map(String::as_str).collect();
    let dates: Vec<i64> = dates.into_iter().collect();
    // Per document, the number of values then their indexes, sorted.
    let multi = |values: &[&str], of: &dyn Fn(&PostMortem) -> Vec<&str>| {
        let mut out = String::new();
        for &i in order {
            let mut ix: Vec<usize> = of(&pms[i])
                .iter()
                .filter_map(|v| values.binary_search(v).ok())
                .collect();
            ix.sort_unstable();
            ix.dedup();
            varint(&mut out, ix.len() as u32);
            for x in ix {
                varint(&mut out, x as u32);
            }
        }
        out
    };
    let position = |values: &[&str], v: &str| values.iter().position(|s| *s == v).unwrap_or(0);
    let cols = [
        (
            "severity",
            Column {
                docs: single(|d| position(&severity, &pms[order[d]].severity.name), docs),
                values: severity.clone(),
            },
        ),
        (
            "quarter",
            Column {
                docs: single(
                    |d| {
                        let q = quarter_name(Quarter::of(pms[order[d]].date.value));
                        quarter.binary_search(&q.as_str()).unwrap_or(0)
                    },
                    docs,
                ),
                values: quarter.clone(),
            },
        ),
        (
            "service",
            Column {
                docs: multi(&service, &|pm| {
                    pm.services.iter().map(|s| s.as_str()).collect()
                }),
                values: service.clone(),
            },
        ),
        (
            "cause",
            Column {
                docs: multi(&cause, &|pm| {
                    pm.details
                        .root_causes
                        .iter()
                        .map(|c| c.id.as_str())
                        .collect()
                }),
                values: cause.clone(),
            },
        ),
        (
            "date",
            Column {
                docs: single(
                    |d| {
                        let v = schema::date_value(pms[order[d]].date.value);
                        dates.binary_search(&v).unwrap_or(0)
                    },
                    docs,
                ),
                values: Vec::new(),
            },
        ),
    ];
    cols.par_iter()
        .map(|(name, col)| (format!("f/{name}.json.gz"), json_gz(col)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a varint string back, as `search.js` does.
    fn read_varints(s: &str) -> Vec<u32> {
        let digit = |c: u8| DIGITS.iter().position(|&d| d == c).unwrap() as u32;
        let (mut out, mut v, mut shift) = (Vec::new(), 0u32, 0);
        for c in s.bytes() {
            let d = digit(c);
            v |= (d & 31) << shift;
            if d >= 32 {
                shift += 5;
            } else {
                out.push(v);
                (v, shift) = (0, 0);
            }
        }
        assert_eq!(shift, 0, "a number is cut short in {s:?}");
        out
    }

    #[test]
    fn varints_read_back_and_small_numbers_are_one_character() {
        let numbers = [0, 1, 31, 32, 33, 1023, 1024, 65_535, u32::MAX];
        let mut s = String::new();
        for &n in &numbers {
            varint(&mut s, n);
        }
        assert_eq!(read_varints(&s), numbers);
        let mut one = String::new();
        varint(&mut one, 31);
        assert_eq!(one, "f");
    }

    #[test]
    fn postings_are_grouped_gaps_then_frequencies_then_norms() {
        let postings: Postings = vec![vec![], vec![(3, 1, 20), (10, 4, 21)], vec![(0, 2, 7)]];
        let s = encode(&postings);
        // Field 1: 2 docs, gaps 3 and 7, tf-1 0 and 3, norms 20 and 21;
        // field 2: 1 doc, gap 0, tf-1 1, norm 7.
        assert_eq!(read_varints(&s), [1, 2, 3, 7, 0, 3, 20, 21, 2, 1, 0, 1, 7]);
    }

    /// tantivy's field norm id → length table follows a rule, which
    /// `search.js` computes instead of downloading the table: lengths 0 to
    /// 39 as themselves, then steps of 2, 4, 8… eight ids each.
    #[test]
    fn the_field_norm_table_follows_the_rule_search_js_uses() {
        let mut len = 0u32;
        for id in 0..=255u8 {
            assert_eq!(FieldNormReader::id_to_fieldnorm(id), len, "id {id}");
            len += if id < 40 { 1 } else { 2 << ((id - 40) / 8) };
        }
    }

    #[test]
    fn gzip_output_depends_on_the_bytes_only() {
        let a = gzip(b"{\"a\":1}\n");
        assert_eq!(a, gzip(b"{\"a\":1}\n"));
        // Magic, deflate, no flags, mtime 0, then the OS byte "unknown".
        assert_eq!(&a[..8], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0]);
        assert_eq!(a[9], 255);
        let mut back = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&a[..]), &mut back)
            .unwrap();
        assert_eq!(back, "{\"a\":1}\n");
    }

    /// Statistics of `n` made-up terms, some with long postings.
    fn made_up(n: usize) -> Stats {
        let mut terms = Vec::new();
        for i in 0..n {
            // Mixed lengths and scripts, and one key that is a prefix of others.
            let term = match i % 5 {
                0 => format!("w{i}"),
                1 => format!("zeta{}", i * 7919 % 1000),
                2 => format!("é{i}"),
                3 => format!("\u{10400}{i}"),
                _ => format!("\u{ff21}{i}"),
            };
            let docs = if i % 97 == 0 { 3000 } else { 1 + i % 40 };
            let p: Vec<(u32, u32, u8)> = (0..docs)
                .map(|d| ((d * 3 + i) as u32, 1 + (d % 3) as u32, (d % 200) as u8))
                .collect();
            terms.push(TermStats {
                term,
                postings: vec![p, Vec::new()],
                compound: None,
            });
        }
        terms.sort_by(|a, b| js_order(&a.term, &b.term));
        // `zeta…` repeats: one entry a term, as in real statistics.
        terms.dedup_by(|a, b| a.term == b.term);
        Stats {
            docs: 10_000,
            tokens: vec![1, 1],
            terms,
        }
    }

    fn gunzip(bytes: &[u8]) -> serde_json::Value {
        serde_json::from_reader(flate2::read::GzDecoder::new(bytes)).unwrap()
    }

    #[test]
    fn every_term_is_in_the_shard_its_keys_point_to() {
        let stats = made_up(3000);
        let (shards, keys) = term_shards(&stats);
        assert!(shards.len() > 5, "{} shards", shards.len());
        assert_eq!(keys.len() + 1, shards.len());
        // Keys sorted as JavaScript compares strings (UTF-16 code units).
        assert!(keys.windows(2).all(|w| js_order(&w[0], &w[1]).is_lt()));
        let mut seen = 0;
        for (n, bytes) in shards.iter().enumerate() {
            let shard = gunzip(bytes);
            let terms = shard["t"].as_object().unwrap();
            // Over the size only alone (a term with long postings).
            assert!(
                bytes.len() <= SHARD_GZ_BYTES * 9 / 8 || terms.len() == 1,
                "shard {n}: {} bytes, {} terms",
                bytes.len(),
                terms.len()
            );
            for term in terms.keys() {
                let at = keys.iter().filter(|k| js_order(k, term).is_le()).count();
                assert_eq!(at, n, "{term}");
                seen += 1;
            }
        }
        assert_eq!(seen, stats.terms.len());
    }

    #[test]
    fn term_shards_are_the_same_on_any_number_of_threads() {
        let stats = made_up(1500);
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| term_shards(&stats));
        let four = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap()
            .install(|| term_shards(&stats));
        assert_eq!(one, four);
    }

    #[test]
    fn a_run_too_large_is_cut_into_non_empty_parts_of_about_equal_size() {
        let check = |estimates: &[usize], bytes: usize, want: usize| {
            let parts: Vec<_> = cut(estimates, bytes).collect();
            assert_eq!(parts.len(), want, "{estimates:?} {bytes}: {parts:?}");
            assert_eq!(parts[0].0, 0);
            assert_eq!(parts.last().unwrap().1, estimates.len());
            assert!(parts.windows(2).all(|w| w[0].1 == w[1].0));
            assert!(parts.iter().all(|(a, b)| a < b), "{parts:?}");
        };
        check(&[5, 5], SHARD_GZ_BYTES + 1, 2);
        check(&[100; 10], SHARD_GZ_BYTES * 5, 5);
        // One huge entry first, then small ones: still every part non-empty.
        check(&[10_000, 1, 1, 1], SHARD_GZ_BYTES * 3, 3);
        check(&[1, 1, 1, 10_000], SHARD_GZ_BYTES * 3, 3);
        // More parts wanted than entries: one entry each.
        check(&[1, 2, 3], SHARD_GZ_BYTES * 9, 3);
        let even: Vec<_> = cut(&[10; 12], SHARD_GZ_BYTES * 3).collect();
        assert_eq!(even, [(0, 4), (4, 8), (8, 12)]);
    }

    #[test]
    fn no_terms_make_one_empty_shard() {
        let (shards, keys) = term_shards(&made_up(0));
        assert_eq!(shards.len(), 1);
        assert!(keys.is_empty());
        assert_eq!(gunzip(&shards[0])["t"], serde_json::json!({}));
    }

    #[test]
    fn url_prefix_is_the_link_without_the_id() {
        let links = [("a/b", "/x/a%2Fb/".to_string()), ("c", "/x/c/".to_string())];
        assert_eq!(url_prefix(&links), "/x/");
        assert_eq!(url_prefix(&[("c", "/elsewhere".to_string())]), "");
    }
}
