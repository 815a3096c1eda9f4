//! Related incidents: for every post-mortem, the few most similar others.
//!
//! The score of a pair is the number of root-cause ids they share (each
//! adds 1.0) plus their text similarity, a cosine in [0, 1]: one shared
//! cause outranks any text alone, because a shared cause is a fact the
//! authors wrote down and text is a guess. Text similarity is the cosine of
//! TF-IDF vectors over the [`analyzer`]'s terms of the title and summary
//! (weighted higher: they say what the incident *is*), root-cause
//! descriptions, services, tags, learnings and
//! action-item titles.
//!
//! It scales by never comparing all pairs of full vectors: each document
//! keeps its [`TOP_TERMS`] heaviest terms (normalised again, so the cosine
//! stays in [0, 1]), and dot products are accumulated through an inverted
//! index of those terms, so a document only meets the documents it shares
//! a heavy term with. Weights are fixed-point integers, so a dot product is
//! the same whichever side it is computed from and in whatever order: the
//! lists are identical whatever the thread count, and a pair is flagged
//! from both sides or neither.
//!
//! "Possible recurrence": two incidents whose texts are at least
//! `threshold` alike but that share no root-cause id. Often the same cause
//! written down under two ids; `check` suggests using one.
//!
//! Pure: reads the plain model, returns plain data; the site and the CLI
//! present it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::analyzer;
use crate::content::{KnowledgeBase, PostMortem};

/// Terms kept per document. 25 heavy terms say what an incident is about;
/// more mostly add the long tail that makes every pair a little similar,
/// and cost time in proportion.
pub const TOP_TERMS: usize = 25;

/// Field weights (term-frequency multipliers). Whole numbers, so a term
/// frequency is a whole number too: exact, whatever the order it is summed
/// in, and half the memory of an `f64`.
const TITLE_WEIGHT: u32 = 3;
const SUMMARY_WEIGHT: u32 = 2;
const OTHER_WEIGHT: u32 = 1;

/// Up to this many related incidents, the best are kept in a sorted list
/// as candidates come; beyond, all candidates are collected and sorted.
const SHORT_LIST: usize = 16;

/// Fixed-point scale of a normalised term weight (at most 1.0): products
/// of two fit in a `u64` with room for any number of terms.
const SCALE: f64 = (1u64 << 24) as f64;

/// How many related incidents and when to flag a possible recurrence
/// (`[related]` in hindsight.toml).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    pub count: usize,
    pub threshold: f64,
}

impl Default for Options {
    fn default() -> Self {
        let config = crate::config::RelatedConfig::default();
        Options {
            count: config.count,
            threshold: config.threshold,
        }
    }
}

impl From<&crate::config::RelatedConfig> for Options {
    fn from(config: &crate::config::RelatedConfig) -> Self {
        Options {
            count: config.count,
            threshold: config.threshold,
        }
    }
}

/// One related incident.
#[derive(Clone, Debug, PartialEq)]
pub struct Related {
    /// Its index in `kb.postmortems`.
    pub index: usize,
    /// `shared_root_causes.len() + text_similarity`.
    pub score: f64,
    /// Root-cause ids both incidents name, in the order the first names them.
    pub shared_root_causes: Vec<String>,
    /// Cosine similarity of the two texts, in [0, 1].
    pub text_similarity: f64,
    /// Similar text (at or above the threshold) and no shared root-cause id.
    pub possible_recurrence: bool,
}

/// The term maps hash with rustc's FxHash: std's SipHash guards against
/// hash flooding, which a local build does not need, and counting millions
/// of terms was most of the time. Nothing depends on iteration order: every
/// list read out of a map is sorted.
type FxMap<K, V> = rustc_hash::FxHashMap<K, V>;

/// A document's heavy terms: (term number, fixed-point weight), by term number.
type Vector = Vec<(u32, u64)>;

/// Lists of `u32`s, one per key, in one allocation (compressed rows):
/// `items[starts[k]..starts[k + 1]]` is key `k`'s. The inverted indexes
/// below have tens of thousands of keys; a Vec each was that many
/// allocations, each grown a few times.
struct Rows<T> {
    starts: Vec<u32>,
    items: Vec<T>,
}

impl<T: Copy + Default> Rows<T> {
    /// The rows of `keys` keys from (key, item) pairs, each row in the
    /// order the pairs come (`pairs` is called twice: to count, to fill).
    fn new<I: Iterator<Item = (u32, T)>>(keys: usize, pairs: impl Fn() -> I) -> Self {
        let mut starts = vec![0u32; keys + 1];
        for (key, _) in pairs() {
            starts[key as usize + 1] += 1;
        }
        for k in 0..keys {
            starts[k + 1] += starts[k];
        }
        let mut next = starts.clone();
        let mut items = vec![T::default(); starts[keys] as usize];
        for (key, item) in pairs() {
            let at = &mut next[key as usize];
            items[*at as usize] = item;
            *at += 1;
        }
        Rows { starts, items }
    }

    fn row(&self, key: u32) -> &[T] {
        let k = key as usize;
        match (self.starts.get(k), self.starts.get(k + 1)) {
            (Some(&from), Some(&to)) => &self.items[from as usize..to as usize],
            _ => &[],
        }
    }
}

/// For every post-mortem of `kb` (by index), its related incidents among
/// `selected`, best first (score, then id, then index); empty for those not
/// in `selected`. Indices out of range and repeats in `selected` are
/// ignored.
pub fn compute(kb: &KnowledgeBase, selected: &[usize], options: &Options) -> Vec<Vec<Related>> {
    compute_with(kb, selected, options, None)
}

/// What [`compute_with`] keeps between runs (`serve`, after every save):
/// each post-mortem's term counts, with its terms numbered in one
/// dictionary that only grows. A save counts one post-mortem again, not
/// all of them; the lists are the same as without it (nothing depends on
/// how terms are numbered).
#[derive(Default)]
pub struct Cache(Mutex<Counts>);

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("related::Cache")
    }
}

#[derive(Default)]
struct Counts {
    numbers: FxMap<Box<str>, u32>,
    /// The terms by number.
    words: Vec<Box<str>>,
    /// By file: the post-mortem counted (reused only for that very one,
    /// the same `Arc`) and its (term number, weighted frequency) pairs.
    docs: HashMap<String, (Arc<PostMortem>, TermCounts)>,
}

/// (term number, field-weighted frequency) pairs.
type TermCounts = Vec<(u32, u32)>;

/// [`compute`], with the term counts of unchanged post-mortems from `cache`.
pub fn compute_with(
    kb: &KnowledgeBase,
    selected: &[usize],
    options: &Options,
    cache: Option<&Cache>,
) -> Vec<Vec<Related>> {
    let pms = &kb.postmortems;
    let mut out = vec![Vec::new(); pms.len()];
    let mut docs: Vec<usize> = selected
        .iter()
        .copied()
        .filter(|&i| i < pms.len())
        .collect();
    docs.sort_unstable();
    docs.dedup();
    if docs.len() < 2 || options.count == 0 {
        return out;
    }
    // The lock is held for the whole computation: the terms are borrowed
    // from the cache.
    let mut kept = cache.map(|c| c.0.lock().unwrap_or_else(|e| e.into_inner()));
    let counted;
    let terms = match kept.as_deref_mut() {
        Some(kept) => count_cached(pms, &docs, kept),
        None => {
            counted = count_runs(pms, &docs);
            counted.terms()
        }
    };
    let (vectors, terms) = weigh(&terms);

    // Inverted index of the heavy terms: term → (document slot, weight),
    // in slot order.
    let postings: Rows<(u32, u64)> = Rows::new(terms, || {
        vectors.iter().enumerate().flat_map(|(slot, vector)| {
            vector
                .iter()
                .map(move |&(term, weight)| (term, (slot as u32, weight)))
        })
    });

    // Root-cause ids, each named once per document in the order it first
    // names them (the order of `shared_root_causes`), and numbered, so
    // that pairing compares numbers, not strings.
    let cause_ids: Vec<Vec<&str>> = docs
        .iter()
        .map(|&i| {
            let mut ids: Vec<&str> = Vec::new();
            for c in &pms[i].details.root_causes {
                if !ids.contains(&c.id.as_str()) {
                    ids.push(c.id.as_str());
                }
            }
            ids
        })
        .collect();
    let mut cause_numbers: FxMap<&str, u32> = FxMap::default();
    let doc_causes: Vec<Vec<u32>> = cause_ids
        .iter()
        .map(|ids| {
            ids.iter()
                .map(|id| {
                    let next = cause_numbers.len() as u32;
                    *cause_numbers.entry(id).or_insert(next)
                })
                .collect()
        })
        .collect();
    // Root-cause number → slots that name it (each once, in slot order).
    let causes: Rows<u32> = Rows::new(cause_numbers.len(), || {
        doc_causes
            .iter()
            .enumerate()
            .flat_map(|(slot, ids)| ids.iter().map(move |&id| (id, slot as u32)))
    });

    // Each slot's place in (id, index) order: the tie-break of equal
    // scores, as one integer compare. Many candidates tie (all those that
    // share only a cause have the score 1.0), and comparing their ids was
    // a tenth of `check`'s time.
    let mut by_id: Vec<u32> = (0..docs.len() as u32).collect();
    by_id.sort_unstable_by(|&a, &b| {
        let (i, j) = (docs[a as usize], docs[b as usize]);
        pms[i].id.as_str().cmp(pms[j].id.as_str()).then(i.cmp(&j))
    });
    let mut rank = vec![0u32; docs.len()];
    for (r, &slot) in by_id.iter().enumerate() {
        rank[slot as usize] = r as u32;
    }

    // (score, text similarity, slot)
    type Candidate = (f64, f64, u32);
    let order = |a: &Candidate, b: &Candidate| {
        b.0.total_cmp(&a.0)
            .then_with(|| rank[a.2 as usize].cmp(&rank[b.2 as usize]))
    };
    // The accumulators are as long as the documents are many, fresh
    // zeroed memory each: a few sets per thread (pieces of at least
    // `piece` documents), not one per split of the work.
    let piece = docs
        .len()
        .div_ceil(rayon::current_num_threads() * 8)
        .max(64);
    let lists: Vec<Vec<Related>> = (0..docs.len())
        .into_par_iter()
        .with_min_len(piece)
        .map_init(
            || {
                (
                    vec![0u64; docs.len()],
                    vec![0u32; docs.len()],
                    Vec::new(),
                    Vec::<Candidate>::new(),
                )
            },
            |(dots, shared, touched, candidates), slot| {
                // Text first: `shared` is all zero until the causes below,
                // so an untouched document is one whose sum is zero.
                for &(term, weight) in &vectors[slot] {
                    for &(other, w) in postings.row(term) {
                        let o = other as usize;
                        if dots[o] == 0 {
                            touched.push(other);
                        }
                        // Both at most SCALE: no overflow for any number of terms.
                        dots[o] = dots[o].saturating_add(weight * w);
                    }
                }
                for &id in &doc_causes[slot] {
                    for &other in causes.row(id) {
                        let o = other as usize;
                        if dots[o] == 0 && shared[o] == 0 {
                            touched.push(other);
                        }
                        shared[o] += 1;
                    }
                }
                candidates.clear();
                // A short list (the usual 5) is kept sorted as it fills:
                // most of the hundreds of candidates (all those that share
                // a common cause) lose to its last at one compare. A long
                // one is sorted once. `order` is total (ranks differ), so
                // both give the same list.
                let short = options.count <= SHORT_LIST;
                for &other in touched.iter() {
                    let o = other as usize;
                    if o != slot {
                        let text = (dots[o] as f64 / (SCALE * SCALE)).min(1.0);
                        let candidate = (f64::from(shared[o]) + text, text, other);
                        if !short {
                            candidates.push(candidate);
                        } else if candidates.len() < options.count
                            || candidates
                                .last()
                                .is_some_and(|last| order(&candidate, last).is_lt())
                        {
                            let at = candidates.partition_point(|c| order(c, &candidate).is_lt());
                            candidates.insert(at, candidate);
                            candidates.truncate(options.count);
                        }
                    }
                    dots[o] = 0;
                    shared[o] = 0;
                }
                touched.clear();
                if !short {
                    if candidates.len() > options.count {
                        candidates.select_nth_unstable_by(options.count, order);
                        candidates.truncate(options.count);
                    }
                    candidates.sort_unstable_by(order);
                }
                candidates
                    .iter()
                    .map(|&(score, text_similarity, other)| {
                        let (i, j) = (docs[slot], docs[other as usize]);
                        let shared_root_causes: Vec<String> = cause_ids[slot]
                            .iter()
                            .filter(|id| cause_ids[other as usize].contains(id))
                            .map(|id| id.to_string())
                            .collect();
                        debug_assert!(i != j);
                        Related {
                            index: j,
                            score,
                            possible_recurrence: shared_root_causes.is_empty()
                                && text_similarity >= options.threshold,
                            shared_root_causes,
                            text_similarity,
                        }
                    })
                    .collect()
            },
        )
        .collect();
    for (slot, list) in lists.into_iter().enumerate() {
        out[docs[slot]] = list;
    }
    out
}

/// The weighted text of a post-mortem: (text, field weight) pairs.
fn fields(pm: &PostMortem) -> impl Iterator<Item = (&str, u32)> {
    // Not the body: it is nine tenths of the words, so it would be nine
    // tenths of the time (5 s of CPU for 10,000 post-mortems, on every
    // `check`), and its narrative (timeline, 5 whys) is mostly words every
    // incident has. What an incident is about is in the fields below; the
    // full text is what `hindsight search` is for.
    let d = &pm.details;
    let other = d
        .root_causes
        .iter()
        .filter_map(|c| c.description.as_deref())
        .chain(pm.services.iter().map(|s| s.as_str()))
        .chain(d.tags.iter().map(String::as_str))
        .chain(d.learnings.iter().map(String::as_str))
        .chain(d.action_items.iter().map(|a| a.title.as_str()));
    std::iter::once((pm.title.as_str(), TITLE_WEIGHT))
        .chain(pm.summary_text().map(|s| (s, SUMMARY_WEIGHT)))
        .chain(other.map(|s| (s, OTHER_WEIGHT)))
}

/// The term frequencies of a run of consecutive documents, with terms
/// numbered in the order they first come (documents in order).
struct Counted {
    /// Term → its number in this run.
    numbers: FxMap<Box<str>, u32>,
    /// Each document's (term number, field-weighted frequency), in the
    /// order its terms first come; document `k` of the run is
    /// `tf[ends[k - 1]..ends[k]]`.
    tf: Vec<(u32, u32)>,
    ends: Vec<usize>,
}

/// Counts the terms of `docs` (consecutive documents).
fn count(pms: &[Arc<PostMortem>], docs: &[usize]) -> Counted {
    let mut numbers: FxMap<Box<str>, u32> = FxMap::default();
    let mut tf: Vec<(u32, u32)> = Vec::new();
    let mut ends = Vec::with_capacity(docs.len());
    // Where each term is in the current document's part of `tf`, by term
    // number (usize::MAX: not in it): a lookup in an array, not a map.
    let mut at: Vec<usize> = Vec::new();
    let mut lower = String::new();
    for &i in docs {
        let doc_start = tf.len();
        for (text, weight) in fields(&pms[i]) {
            analyzer::tokenize_borrowed(text, &mut lower, |t| {
                let number = match numbers.get(t.text) {
                    Some(&n) => n,
                    None => {
                        let n = numbers.len() as u32;
                        numbers.insert(t.text.into(), n);
                        at.push(usize::MAX);
                        n
                    }
                };
                let slot = &mut at[number as usize];
                if *slot == usize::MAX {
                    *slot = tf.len();
                    tf.push((number, 0));
                }
                tf[*slot].1 += weight;
            });
        }
        for &(number, _) in &tf[doc_start..] {
            at[number as usize] = usize::MAX;
        }
        ends.push(tf.len());
    }
    Counted { numbers, tf, ends }
}

/// Every document's term counts, with its terms numbered in one numbering
/// (whatever it is: no result depends on the numbers; ties between terms
/// are broken by the term itself).
struct Terms<'t> {
    /// The terms by number.
    words: Vec<&'t str>,
    /// Document `k`'s (term number, field-weighted frequency) pairs are
    /// `tf[ends[k - 1]..ends[k]]`.
    tf: Vec<(u32, u32)>,
    ends: Vec<usize>,
}

impl Terms<'_> {
    fn doc(&self, k: usize) -> &[(u32, u32)] {
        let from = if k == 0 { 0 } else { self.ends[k - 1] };
        &self.tf[from..self.ends[k]]
    }
}

/// The terms of `docs`, counted in runs of consecutive documents, in
/// parallel, each run numbering its own terms.
struct Runs {
    counted: Vec<Counted>,
}

fn count_runs(pms: &[Arc<PostMortem>], docs: &[usize]) -> Runs {
    let runs = (rayon::current_num_threads() * 4).max(1);
    let run_len = docs.len().div_ceil(runs).max(64);
    Runs {
        counted: docs.par_chunks(run_len).map(|d| count(pms, d)).collect(),
    }
}

impl Runs {
    /// The runs' terms numbered across runs, run by run: a term's number
    /// is where it first comes among all the documents, whatever the runs
    /// were.
    fn terms(&self) -> Terms<'_> {
        let mut numbers: FxMap<&str, u32> = FxMap::default();
        let mut words: Vec<&str> = Vec::new();
        let mut tf = Vec::with_capacity(self.counted.iter().map(|r| r.tf.len()).sum());
        let mut ends = Vec::new();
        for run in &self.counted {
            let mut local: Vec<&str> = vec![""; run.numbers.len()];
            for (term, &n) in &run.numbers {
                local[n as usize] = term;
            }
            let global: Vec<u32> = local
                .into_iter()
                .map(|term| {
                    *numbers.entry(term).or_insert_with(|| {
                        words.push(term);
                        (words.len() - 1) as u32
                    })
                })
                .collect();
            let base = tf.len();
            tf.extend(run.tf.iter().map(|&(t, f)| (global[t as usize], f)));
            ends.extend(run.ends.iter().map(|&end| base + end));
        }
        Terms { words, tf, ends }
    }
}

/// The terms of `docs` from `kept`, counting only the post-mortems it has
/// not seen as they are now; `kept` then holds exactly `docs`.
fn count_cached<'k>(pms: &[Arc<PostMortem>], docs: &[usize], kept: &'k mut Counts) -> Terms<'k> {
    let fresh: Vec<Option<Counted>> = docs
        .par_iter()
        .map(|&i| match kept.docs.get(&pms[i].rel_path) {
            Some((seen, _)) if Arc::ptr_eq(seen, &pms[i]) => None,
            _ => Some(count(pms, &[i])),
        })
        .collect();
    let mut docs_now = HashMap::with_capacity(docs.len());
    for (&i, fresh) in docs.iter().zip(fresh) {
        let pm = &pms[i];
        let entry = match fresh {
            None => kept.docs.remove(&pm.rel_path),
            Some(counted) => {
                let mut local: Vec<u32> = vec![0; counted.numbers.len()];
                for (term, &n) in &counted.numbers {
                    let next = kept.words.len() as u32;
                    local[n as usize] = *kept.numbers.entry(term.clone()).or_insert_with(|| {
                        kept.words.push(term.clone());
                        next
                    });
                }
                let tf = counted
                    .tf
                    .iter()
                    .map(|&(t, f)| (local[t as usize], f))
                    .collect();
                Some((Arc::clone(pm), tf))
            }
        };
        if let Some(entry) = entry {
            docs_now.insert(pm.rel_path.clone(), entry);
        }
    }
    kept.docs = docs_now;
    let mut tf = Vec::new();
    let mut ends = Vec::with_capacity(docs.len());
    for &i in docs {
        if let Some((_, counts)) = kept.docs.get(&pms[i].rel_path) {
            tf.extend_from_slice(counts);
        }
        ends.push(tf.len());
    }
    Terms {
        words: kept.words.iter().map(|w| &**w).collect(),
        tf,
        ends,
    }
}

/// Each document's heavy-term vector, normalised, in fixed point, and how
/// many term numbers there are (every number in a vector is below it).
fn weigh(terms: &Terms<'_>) -> (Vec<Vector>, usize) {
    let words = &terms.words;
    let documents = terms.ends.len();
    // Document frequencies (integer counts: the same whatever the order).
    let mut df = vec![0u32; words.len()];
    for &(term, _) in &terms.tf {
        df[term as usize] += 1;
    }
    let n = documents as f64;
    // At least 20, so a small knowledge base keeps all its shared words.
    let max_df = (documents / 50).max(20) as u32;
    // A term in one document only can match no other: it would take a
    // slot from one that can. A term in more than one in fifty says little
    // about any one (`the`, `service`), and its list of documents is what
    // the pairing pays for: on 10,000 short texts they were most of
    // `check`'s time. `ln(n / df)` is zero for a term in every document,
    // so boilerplate (`summary`, `timeline`) weighs nothing. Computed once
    // a term, not once a document it is in (the same value: the same
    // operations on the same numbers); None for a term not kept.
    let idf: Vec<Option<f64>> = df
        .iter()
        .map(|&d| (2..=max_df).contains(&d).then(|| (n / f64::from(d)).ln()))
        .collect();
    // Heavy terms per document: tf (dampened: a word said ten times is not
    // ten times the topic) times idf. The kept terms are normalised again:
    // the cosine of two documents is that of what each is most about, so
    // the same story told twice scores near 1 however long its bodies are.
    let by_weight = |a: &(u32, f64), b: &(u32, f64)| {
        b.1.total_cmp(&a.1)
            .then_with(|| words[a.0 as usize].cmp(words[b.0 as usize]))
    };
    // In runs of documents, each with its own buffer.
    let run_len = documents.div_ceil(rayon::current_num_threads() * 4).max(64);
    let heavy = |run: std::ops::Range<usize>| -> Vec<Vector> {
        let mut weighted: Vec<(u32, f64)> = Vec::new();
        run.map(|k| {
            weighted.clear();
            weighted.extend(terms.doc(k).iter().filter_map(|&(term, f)| {
                let idf = idf[term as usize]?;
                let w = (1.0 + f64::from(f).ln()) * idf;
                (w > 0.0).then_some((term, w))
            }));
            if weighted.len() > TOP_TERMS {
                weighted.select_nth_unstable_by(TOP_TERMS, by_weight);
                weighted.truncate(TOP_TERMS);
            }
            weighted.sort_unstable_by(by_weight);
            let norm = weighted.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
            if norm > 0.0 {
                weighted.iter_mut().for_each(|(_, w)| *w /= norm);
            }
            let mut v: Vector = weighted
                .iter()
                .map(|&(term, w)| (term, (w * SCALE).round() as u64))
                // A weight that rounds to nothing adds nothing, and a
                // zero sum is how the accumulator tells an untouched
                // document.
                .filter(|&(_, w)| w > 0)
                .collect();
            v.sort_unstable();
            v
        })
        .collect()
    };
    let per_run: Vec<Vec<Vector>> = (0..documents.div_ceil(run_len))
        .into_par_iter()
        .map(|r| heavy(r * run_len..((r + 1) * run_len).min(documents)))
        .collect();
    let vectors: Vec<Vector> = per_run.into_iter().flatten().collect();
    (vectors, words.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A post-mortem file: id (the file stem), title, body words, causes.
    fn post(dir: &std::path::Path, id: &str, title: &str, text: &str, causes: &[&str]) {
        let mut front = format!(
            "+++\ntitle = \"{title}\"\ndate = 2025-01-{:02}\nseverity = \"SEV-3\"\nstatus = \"review\"\nservices = [\"svc\"]\n",
            1 + id.len() % 28
        );
        for c in causes {
            front.push_str(&format!("\n[[root_causes]]\nid = \"{c}\"\n"));
        }
        std::fs::write(
            dir.join(format!("postmortems/{id}.md")),
            format!("{front}+++\n\n## Summary\n\n{text}\n"),
        )
        .unwrap();
    }

    fn make_kb(posts: &[(&str, &str, &str, &[&str])]) -> (tempfile::TempDir, KnowledgeBase) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("hindsight.toml"), "[site]\ntitle = \"t\"\n").unwrap();
        std::fs::create_dir(dir.path().join("postmortems")).unwrap();
        for (id, title, text, causes) in posts {
            post(dir.path(), id, title, text, causes);
        }
        let kb = crate::content::load(dir.path()).unwrap().kb;
        (dir, kb)
    }

    fn index(kb: &KnowledgeBase, id: &str) -> usize {
        kb.postmortems
            .iter()
            .position(|p| p.id.as_str() == id)
            .unwrap()
    }

    const CERT: &str = "The wildcard certificate on the edge proxy expired; browsers refused TLS handshakes for the storefront.";
    const POOL: &str =
        "A reporting query held the orders database connection pool and checkout timed out.";
    const DISK: &str =
        "Kafka brokers ran out of disk after retention was raised for the tracking topic.";
    const DNS: &str = "Internal DNS resolvers dropped queries during a zone transfer and services could not find each other.";

    fn sample() -> (tempfile::TempDir, KnowledgeBase) {
        make_kb(&[
            (
                "cert-a",
                "Edge proxy certificate expired",
                CERT,
                &["expired-cert"],
            ),
            (
                "cert-b",
                "Edge proxy certificate expired again",
                CERT,
                &["config-drift"],
            ),
            (
                "pool-a",
                "Orders database pool exhausted",
                POOL,
                &["pool-exhaustion"],
            ),
            (
                "disk-a",
                "Kafka disk full",
                DISK,
                &["pool-exhaustion", "capacity"],
            ),
            ("dns-a", "DNS resolvers dropped queries", DNS, &["capacity"]),
            ("dns-b", "Resolvers failed in a zone transfer", DNS, &[]),
        ])
    }

    #[test]
    fn a_shared_cause_ranks_first() {
        let (_dir, kb) = sample();
        let all: Vec<usize> = (0..kb.postmortems.len()).collect();
        let lists = compute(&kb, &all, &Options::default());
        // pool-a's text is like none other, but disk-a shares its cause.
        let pool = &lists[index(&kb, "pool-a")];
        assert_eq!(pool[0].index, index(&kb, "disk-a"));
        assert_eq!(pool[0].shared_root_causes, ["pool-exhaustion"]);
        assert!(pool[0].score >= 1.0);
        assert!(!pool[0].possible_recurrence);
        // A shared cause outranks identical text: dns-a's first is disk-a
        // (shared `capacity`), before dns-b (same text, no cause).
        let dns = &lists[index(&kb, "dns-a")];
        assert_eq!(dns[0].index, index(&kb, "disk-a"));
        assert_eq!(dns[1].index, index(&kb, "dns-b"));
        for list in &lists {
            assert!(list.windows(2).all(|w| w[0].score >= w[1].score));
            assert!(
                list.iter()
                    .all(|r| (0.0..=1.0).contains(&r.text_similarity))
            );
        }
    }

    #[test]
    fn similar_text_without_a_shared_cause_is_a_possible_recurrence() {
        let (_dir, kb) = sample();
        let all: Vec<usize> = (0..kb.postmortems.len()).collect();
        let lists = compute(&kb, &all, &Options::default());
        let (a, b) = (index(&kb, "cert-a"), index(&kb, "cert-b"));
        let first = &lists[b][0];
        assert_eq!(first.index, a);
        assert!(first.text_similarity >= 0.5, "{first:?}");
        assert!(first.shared_root_causes.is_empty());
        assert!(first.possible_recurrence);
        // Both ways, with the very same similarity (fixed-point sums).
        assert_eq!(lists[a][0].index, b);
        assert_eq!(lists[a][0].text_similarity, first.text_similarity);
        // Not flagged above the threshold, nor when they share a cause.
        let strict = Options {
            count: 5,
            threshold: 1.01,
        };
        assert!(!compute(&kb, &all, &strict)[b][0].possible_recurrence);
        // Unselected incidents are in no list and have none.
        let some = [a, index(&kb, "pool-a"), index(&kb, "disk-a")];
        let lists = compute(&kb, &some, &Options::default());
        assert!(lists[b].is_empty());
        assert!(lists.iter().flatten().all(|r| r.index != b));
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        let (_dir, kb) = sample();
        let n = kb.postmortems.len();
        assert!(
            compute(&kb, &[], &Options::default())
                .iter()
                .all(Vec::is_empty)
        );
        assert!(
            compute(&kb, &[0], &Options::default())
                .iter()
                .all(Vec::is_empty)
        );
        // Repeats and out-of-range indices are ignored.
        let lists = compute(&kb, &[0, 0, 1, n + 7], &Options::default());
        assert_eq!(lists.len(), n);
        assert!(lists[0].iter().all(|r| r.index == 1));
        let none = Options {
            count: 0,
            ..Options::default()
        };
        assert!(compute(&kb, &[0, 1, 2], &none).iter().all(Vec::is_empty));
        let (_dir, empty) = make_kb(&[("a", "x", "", &[]), ("b", "x", "", &[])]);
        let lists = compute(&empty, &[0, 1], &Options::default());
        assert_eq!(lists[0].len(), 0, "nothing in common: not related");
    }

    #[test]
    fn the_lists_do_not_depend_on_the_thread_count() {
        let words = [
            "replication",
            "lag",
            "failover",
            "certificate",
            "expired",
            "pool",
            "disk",
            "kafka",
            "dns",
            "retry",
            "storm",
            "timeout",
            "deploy",
            "rollback",
            "cache",
            "eviction",
            "quota",
            "throttle",
            "latency",
            "packet",
            "loss",
            "leader",
        ];
        let causes = ["a", "b", "c", "d"];
        let posts: Vec<(String, String, String, Vec<&str>)> = (0..60)
            .map(|k: usize| {
                let text: Vec<&str> = (0..12)
                    .map(|j| words[(k * 7 + j * j * 3 + k / 5) % words.len()])
                    .collect();
                let cause: Vec<&str> = if k.is_multiple_of(3) {
                    vec![]
                } else {
                    vec![causes[k % 4]]
                };
                (
                    format!("pm-{k:02}"),
                    format!("Incident {}", words[k % words.len()]),
                    text.join(" "),
                    cause,
                )
            })
            .collect();
        let refs: Vec<(&str, &str, &str, &[&str])> = posts
            .iter()
            .map(|(a, b, c, d)| (a.as_str(), b.as_str(), c.as_str(), d.as_slice()))
            .collect();
        let (_dir, kb) = make_kb(&refs);
        let all: Vec<usize> = (0..kb.postmortems.len()).collect();
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| compute(&kb, &all, &Options::default()))
        };
        let one = run(1);
        assert_eq!(one, run(2));
        assert_eq!(one, run(4));
        // A list too long to keep sorted as it fills is collected and
        // sorted at the end: it starts with the very same incidents.
        let long = Options {
            count: SHORT_LIST + 20,
            ..Options::default()
        };
        let long = compute(&kb, &all, &long);
        assert!(long.iter().any(|l| l.len() > Options::default().count));
        for (short, long) in one.iter().zip(&long) {
            assert_eq!(short.len(), long.len().min(Options::default().count));
            assert_eq!(short[..], long[..short.len()]);
        }
        // The 40 with a root cause share it with about ten others: full lists.
        assert!(one.iter().filter(|l| l.len() == 5).count() >= 40);
        // Ties are broken by id.
        for list in &one {
            for w in list.windows(2) {
                if w[0].score == w[1].score {
                    assert!(
                        kb.postmortems[w[0].index].id.as_str()
                            < kb.postmortems[w[1].index].id.as_str()
                    );
                }
            }
        }
    }

    #[test]
    fn the_cache_gives_the_lists_computed_afresh() {
        let (_dir, mut kb) = sample();
        let options = Options {
            threshold: 0.2,
            ..Options::default()
        };
        let all = |kb: &KnowledgeBase| (0..kb.postmortems.len()).collect::<Vec<_>>();
        let cache = Cache::default();
        assert_eq!(
            compute_with(&kb, &all(&kb), &options, Some(&cache)),
            compute(&kb, &all(&kb), &options)
        );
        // One post-mortem changed (a new Arc, with words no other has and
        // words of another incident), one gone: the cache counts the
        // changed one again and forgets the gone one.
        let k = index(&kb, "dns-b");
        let mut changed = PostMortem::clone(&kb.postmortems[k]);
        changed.title.value = "Kafka disk full on the brokers zyxwv".into();
        kb.postmortems[k] = Arc::new(changed);
        let gone = index(&kb, "pool-a");
        kb.postmortems.remove(gone);
        let fresh = compute(&kb, &all(&kb), &options);
        assert_eq!(compute_with(&kb, &all(&kb), &options, Some(&cache)), fresh);
        let dns_b = index(&kb, "dns-b");
        // The new title is seen: it now shares words with the Kafka one.
        assert!(
            fresh[dns_b]
                .iter()
                .any(|r| kb.postmortems[r.index].id.as_str() == "disk-a" && r.text_similarity > 0.0)
        );
        // A smaller selection, then all again.
        let some: Vec<usize> = (0..kb.postmortems.len()).step_by(2).collect();
        assert_eq!(
            compute_with(&kb, &some, &options, Some(&cache)),
            compute(&kb, &some, &options)
        );
        assert_eq!(compute_with(&kb, &all(&kb), &options, Some(&cache)), fresh);
    }

    /// Timing, and the distribution of text similarities of pairs that
    /// share no cause (what `[related] threshold` was chosen from), on a
    /// real knowledge base: `HINDSIGHT_RELATED_KB=/dev/shm/c1k cargo test
    /// --release --lib related_stats -- --ignored --nocapture` (with
    /// `HINDSIGHT_RELATED_ALL=1`, every candidate pair, not only the lists).
    /// CPU seconds this process has used (user + system), from /proc.
    fn cpu() -> f64 {
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
        let after = stat.rsplit(')').next().unwrap_or("");
        let f: Vec<f64> = after
            .split_whitespace()
            .filter_map(|x| x.parse().ok())
            .collect();
        // Fields 14 and 15 of the line; 11 and 12 after the name and state.
        (f.get(10).unwrap_or(&0.0) + f.get(11).unwrap_or(&0.0)) / 100.0
    }

    #[test]
    #[ignore]
    fn related_stats() {
        let Ok(root) = std::env::var("HINDSIGHT_RELATED_KB") else {
            return;
        };
        let kb = crate::content::load(std::path::Path::new(&root))
            .unwrap()
            .kb;
        let all: Vec<usize> = (0..kb.postmortems.len()).collect();
        let started = std::time::Instant::now();
        let cpu_before = cpu();
        let lists = compute(&kb, &all, &Options::default());
        eprintln!(
            "{} post-mortems: {:?} wall, {:.2} s CPU on {} threads",
            all.len(),
            started.elapsed(),
            cpu() - cpu_before,
            rayon::current_num_threads()
        );
        // `HINDSIGHT_RELATED_DUMP=FILE`: every list, exactly (scores as bits),
        // for all post-mortems and for the published ones `check` compares,
        // to diff before and after a change that must not change results.
        if let Ok(file) = std::env::var("HINDSIGHT_RELATED_DUMP") {
            use std::fmt::Write;
            let mut text = String::new();
            let published = crate::validate::recurrence::published_lists(&kb);
            for (name, lists) in [("all", &lists), ("published", &published)] {
                for (i, list) in lists.iter().enumerate() {
                    for r in list {
                        writeln!(
                            text,
                            "{name} {} {} {:016x} {:016x} {} [{}]",
                            kb.postmortems[i].id.as_str(),
                            kb.postmortems[r.index].id.as_str(),
                            r.score.to_bits(),
                            r.text_similarity.to_bits(),
                            r.possible_recurrence,
                            r.shared_root_causes.join(",")
                        )
                        .unwrap();
                    }
                }
            }
            std::fs::write(&file, text).unwrap();
        }
        // Every candidate, for the distribution.
        let options = Options {
            count: all.len(),
            ..Options::default()
        };
        let lists_all = compute(&kb, &all, &options);
        let shared: Vec<f64> = lists_all
            .iter()
            .flatten()
            .filter(|r| !r.shared_root_causes.is_empty())
            .map(|r| r.text_similarity)
            .collect();
        eprintln!(
            "pairs sharing a cause: {}, mean text similarity {:.3}",
            shared.len(),
            shared.iter().sum::<f64>() / shared.len().max(1) as f64
        );
        let lists = if std::env::var("HINDSIGHT_RELATED_ALL").is_ok() {
            lists_all
        } else {
            lists
        };
        let mut best: Vec<(f64, usize, usize)> = Vec::new();
        for (i, list) in lists.iter().enumerate() {
            for r in list.iter().filter(|r| r.shared_root_causes.is_empty()) {
                if i < r.index {
                    best.push((r.text_similarity, i, r.index));
                }
            }
        }
        best.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (sim, i, j) in best.iter().take(15) {
            eprintln!(
                "{sim:.3} {} {}",
                kb.postmortems[*i].id.as_str(),
                kb.postmortems[*j].id.as_str()
            );
        }
        for t in [0.3, 0.4, 0.5, 0.6, 0.7] {
            eprintln!("pairs >= {t}: {}", best.iter().filter(|b| b.0 >= t).count());
        }
    }
}
