//! The tantivy index in `<root>/.hindsight/index`: written by `build`,
//! read by `search`, reused while nothing it was built from changed.
//!
//! A manifest beside the index files records what the index was built from
//! (the format version, hindsight's version, whether drafts are in, and a
//! hash of every source file) and what it wrote (each index file's length).
//! The same sources and intact files: the index is opened as it is, with no
//! write. Anything else (a changed post-mortem, a new version, a missing,
//! truncated or unreadable index): the folder is recreated from scratch.
//! The manifest is written last, so an interrupted build leaves no manifest
//! and is rebuilt on the next run. Only `.hindsight/index` is ever deleted.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use rayon::prelude::*;
use tantivy::schema::Facet;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument};

use super::schema::{self, Fields, facet};
use super::tokenizer::{HindsightTokenizer, TOKENIZER};
use crate::analysis::metrics::Quarter;
use crate::content::{KnowledgeBase, PostMortem, Status};
use crate::text::slug;

/// The cache folder, relative to the knowledge base.
pub const CACHE_DIR: &str = ".hindsight";
/// The index folder, relative to the knowledge base.
pub const INDEX_DIR: &str = ".hindsight/index";
/// The manifest, in the index folder.
pub const MANIFEST: &str = "hindsight-manifest.txt";
/// Bump when the schema, the analyzer or what goes into a field changes:
/// older indexes are then rebuilt.
pub const FORMAT_VERSION: u32 = 1;

/// What an index was (or would be) built from, and the files it consists of.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    pub format: u32,
    pub version: String,
    pub drafts: bool,
    /// Source path (relative to the root) → hash of its bytes.
    pub sources: BTreeMap<String, u64>,
    /// Index file name → length in bytes.
    pub files: BTreeMap<String, u64>,
}

impl Manifest {
    fn render(&self) -> String {
        let mut out = format!(
            "hindsight-search-index {}\nhindsight {}\ndrafts {}\n",
            self.format, self.version, self.drafts
        );
        for (path, hash) in &self.sources {
            let _ = writeln!(out, "source {hash:016x} {path}");
        }
        for (name, len) in &self.files {
            let _ = writeln!(out, "file {len} {name}");
        }
        out
    }

    /// `None` for anything but a manifest this version wrote whole.
    fn parse(text: &str) -> Option<Manifest> {
        let mut lines = text.lines();
        let format = lines.next()?.strip_prefix("hindsight-search-index ")?;
        let version = lines.next()?.strip_prefix("hindsight ")?;
        let drafts = lines.next()?.strip_prefix("drafts ")?;
        let mut m = Manifest {
            format: format.parse().ok()?,
            version: version.to_string(),
            drafts: drafts.parse().ok()?,
            ..Manifest::default()
        };
        let mut ended = false;
        for line in lines {
            if line == "end" {
                ended = true;
                continue;
            }
            let (kind, rest) = line.split_once(' ')?;
            let (value, name) = rest.split_once(' ')?;
            match kind {
                "source" => {
                    m.sources
                        .insert(name.to_string(), u64::from_str_radix(value, 16).ok()?);
                }
                "file" => {
                    m.files.insert(name.to_string(), value.parse().ok()?);
                }
                _ => return None,
            }
        }
        // The last line marks a manifest written whole.
        ended.then_some(m)
    }
}

/// A hash of a file's bytes, for "has it changed": FNV-1a over 8-byte words
/// (fixed keys, so stable across runs and machines; no crate for this),
/// seeded with the length. Not for adversaries, only for edits.
pub fn content_hash(bytes: &[u8]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        h = (h ^ word).wrapping_mul(PRIME);
        h ^= h >> 29;
    }
    for &b in chunks.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(PRIME);
    }
    h
}

/// The sources of the knowledge base at `root` (the config, the catalogue
/// and every post-mortem file in `content_dir`) with their hashes, read in
/// parallel. No parsing: this is what every `search` pays before it can
/// reuse the index.
pub fn sources(root: &Path, content_dir: &Path) -> BTreeMap<String, u64> {
    let mut ignored = Vec::new();
    let mut files: Vec<PathBuf> = crate::content::discover(root, content_dir, &mut ignored);
    files.push(PathBuf::from(crate::config::CONFIG_FILE));
    files.push(PathBuf::from(crate::content::CATALOGUE_FILE));
    files
        .par_iter()
        .filter_map(|rel| {
            // A file that cannot be read is left out: loading reports it.
            let bytes = std::fs::read(root.join(rel)).ok()?;
            let name = rel.to_string_lossy().replace('\\', "/");
            Some((name, content_hash(&bytes)))
        })
        .collect()
}

/// An open index.
pub struct Opened {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
    /// Whether it was built now (else reused as it was).
    pub built: bool,
}

/// The index folder of the knowledge base at `root`.
pub fn dir(root: &Path) -> PathBuf {
    root.join(INDEX_DIR)
}

fn expected(drafts: bool, sources: BTreeMap<String, u64>) -> Manifest {
    Manifest {
        format: FORMAT_VERSION,
        version: env!("CARGO_PKG_VERSION").to_string(),
        drafts,
        sources,
        files: BTreeMap::new(),
    }
}

/// The index at `root` if it was built from exactly `sources` (and with
/// drafts or not as `drafts` says; `None`: either) and is intact; `None`
/// otherwise. Never writes.
pub fn open_fresh(
    root: &Path,
    sources: &BTreeMap<String, u64>,
    drafts: Option<bool>,
) -> Option<Opened> {
    let dir = dir(root);
    let text = std::fs::read_to_string(dir.join(MANIFEST)).ok()?;
    let manifest = Manifest::parse(&text)?;
    let want = expected(drafts.unwrap_or(manifest.drafts), sources.clone());
    if (
        manifest.format,
        &manifest.version,
        manifest.drafts,
        &manifest.sources,
    ) != (want.format, &want.version, want.drafts, &want.sources)
    {
        return None;
    }
    // A truncated or missing file would fail (or worse) deep in a query.
    for (name, &len) in &manifest.files {
        if std::fs::metadata(dir.join(name)).ok()?.len() != len {
            return None;
        }
    }
    open(&dir, false).ok()
}

fn open(dir: &Path, built: bool) -> anyhow::Result<Opened> {
    let index = Index::open_in_dir(dir)?;
    let (schema, _) = schema::schema();
    if index.schema() != schema {
        bail!("the index has another schema");
    }
    register(&index);
    let fields = Fields::of(&index.schema())?;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    Ok(Opened {
        index,
        reader,
        fields,
        built,
    })
}

/// Registers the analyzer with `index`: tantivy does not store tokenizers.
fn register(index: &Index) {
    index
        .tokenizers()
        .register(TOKENIZER, TextAnalyzer::from(HindsightTokenizer));
}

/// The index of `kb` with or without drafts: reused when it was built from
/// the same sources, built otherwise.
pub fn ensure(kb: &KnowledgeBase, drafts: bool) -> anyhow::Result<Opened> {
    let sources = sources(&kb.root, &kb.content_dir);
    if let Some(opened) = open_fresh(&kb.root, &sources, Some(drafts)) {
        return Ok(opened);
    }
    build(kb, drafts, sources)
}

/// Writes the index of `kb` from scratch, with the manifest of `sources`.
pub fn build(
    kb: &KnowledgeBase,
    drafts: bool,
    sources: BTreeMap<String, u64>,
) -> anyhow::Result<Opened> {
    let dir = dir(&kb.root);
    let shown = dir.display();
    match std::fs::symlink_metadata(&dir) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(&dir)
            .with_context(|| format!("cannot remove the old index {shown}"))?,
        Ok(_) => bail!("{shown} is not a folder hindsight made; remove it"),
        Err(_) => {}
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {shown}"))?;
    // The cache is never committed, whatever the repository's .gitignore says.
    let _ = std::fs::write(kb.root.join(CACHE_DIR).join(".gitignore"), "*\n");

    let (schema, fields) = schema::schema();
    let index = Index::create_in_dir(&dir, schema)
        .with_context(|| format!("cannot create the index in {shown}"))?;
    register(&index);
    let docs = documents(kb, drafts, &fields);
    // One indexing thread per 2,000 incidents, up to 4: each thread writes
    // its own segment, and every segment file is synced to disk, so a small
    // knowledge base gets one segment and the fewest syncs.
    let threads = (docs.len() / 2000 + 1)
        .min(std::thread::available_parallelism().map_or(1, |n| n.get()))
        .min(4);
    let mut writer = index
        .writer_with_num_threads::<TantivyDocument>(threads, 40_000_000 * threads)
        .context("cannot start writing the index")?;
    for doc in docs {
        writer.add_document(doc)?;
    }
    writer.commit().context("cannot write the index")?;
    writer
        .wait_merging_threads()
        .context("cannot write the index")?;

    let mut manifest = expected(drafts, sources);
    for entry in std::fs::read_dir(&dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        // Lock files come and go; only the index's own files count.
        if !name.starts_with('.') && name != MANIFEST {
            manifest.files.insert(name, entry.metadata()?.len());
        }
    }
    let text = manifest.render() + "end\n";
    let tmp = dir.join(format!("{MANIFEST}.tmp"));
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, dir.join(MANIFEST))?;
    open(&dir, true)
}

/// The included post-mortems (drafts only with `drafts`, as the site
/// chooses), sorted by id so the index's content does not depend on file
/// order, as tantivy documents.
fn documents(kb: &KnowledgeBase, drafts: bool, fields: &Fields) -> Vec<TantivyDocument> {
    let mut included: Vec<&PostMortem> = kb
        .postmortems
        .iter()
        .filter(|pm| drafts || *pm.status != Status::Draft)
        .collect();
    included.sort_by(|a, b| (a.id.as_str(), &a.rel_path).cmp(&(b.id.as_str(), &b.rel_path)));
    included
        .par_iter()
        .enumerate()
        .map(|(order, pm)| document(kb, pm, order as u64, fields))
        .collect()
}

pub fn document(kb: &KnowledgeBase, pm: &PostMortem, order: u64, f: &Fields) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.title, pm.title.as_str());
    if let Some(summary) = pm.summary_text() {
        doc.add_text(f.summary, summary);
    }
    doc.add_text(f.body, body_text(pm.markdown()));
    for cause in &pm.details.root_causes {
        doc.add_text(f.causes, cause.id.as_str());
        if let Some(description) = &cause.description {
            doc.add_text(f.causes, description);
        }
        // The catalogue's title names the cause in words the post-mortem
        // may not use.
        if let Some(entry) = kb
            .catalogue
            .as_ref()
            .and_then(|c| c.causes.get(cause.id.as_str()))
        {
            doc.add_text(f.causes, &entry.title);
        }
        doc.add_facet(
            f.facets,
            Facet::from_path([facet::CAUSE, cause.id.as_str()]),
        );
    }
    for service in &pm.services {
        doc.add_text(f.services, service.as_str());
        doc.add_facet(
            f.facets,
            Facet::from_path([facet::SERVICE, service.as_str()]),
        );
    }
    for tag in &pm.details.tags {
        doc.add_text(f.tags, tag);
        doc.add_facet(f.facets, Facet::from_path([facet::TAG, slug(tag).as_str()]));
    }
    for learning in &pm.details.learnings {
        doc.add_text(f.learnings, learning);
    }
    for item in &pm.details.action_items {
        doc.add_text(f.actions, item.title.as_str());
    }
    doc.add_text(f.id, pm.id.as_str());
    doc.add_i64(f.date, schema::date_value(pm.date.value));
    doc.add_text(f.severity, &pm.severity.name);
    doc.add_text(f.path, &pm.rel_path);
    doc.add_u64(f.order, order);
    doc.add_facet(
        f.facets,
        Facet::from_path([facet::SEVERITY, pm.severity.name.as_str()]),
    );
    doc.add_facet(
        f.facets,
        Facet::from_path([facet::STATUS, pm.status.as_str()]),
    );
    doc.add_facet(
        f.facets,
        Facet::from_path([
            facet::QUARTER,
            quarter_name(Quarter::of(pm.date.value)).as_str(),
        ]),
    );
    doc
}

/// `2025-Q1`: a quarter as a facet value (no space, sorts by time).
pub fn quarter_name(q: Quarter) -> String {
    format!("{}-Q{}", q.year, q.q)
}

/// The text of a Markdown body, without markup: what a reader sees, so
/// that link targets, emphasis markers and HTML tags are not search terms.
/// Blocks end with a newline, so words of two blocks never join.
pub fn body_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_),
            ) => out.push('\n'),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_text_drops_markup_and_keeps_words_apart() {
        let text = body_text(
            "## Summary\n\nThe *payments*-api [failed](http://x.example/y).\n\n- one\n- two\n\n`code`",
        );
        assert_eq!(text, "Summary\nThe payments-api failed.\none\ntwo\ncode\n");
    }

    #[test]
    fn manifests_round_trip_and_partial_ones_are_rejected() {
        let mut m = expected(false, BTreeMap::from([("postmortems/a b.md".into(), 7)]));
        m.files.insert("meta.json".into(), 12);
        let text = m.render() + "end\n";
        assert_eq!(Manifest::parse(&text), Some(m.clone()));
        assert_eq!(Manifest::parse(&m.render()), None);
        assert_eq!(Manifest::parse("garbage"), None);
    }

    #[test]
    fn positions_and_offsets_reach_tantivy() {
        use tantivy::collector::Count;
        use tantivy::query::QueryParser;
        let (schema, f) = schema::schema();
        let index = Index::create_in_ram(schema);
        register(&index);
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let mut doc = TantivyDocument::default();
        doc.add_text(f.body, "Then the payments-api failed over to PgBouncer.");
        doc.add_text(f.title, "Other words");
        writer.add_document(doc).unwrap();
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let parser = QueryParser::for_index(&index, vec![f.title, f.body]);
        let count = |q: &str| {
            searcher
                .search(&parser.parse_query(q).unwrap(), &Count)
                .unwrap()
        };
        // Phrases across an identifier's parts, and the parts alone.
        assert_eq!(count("\"payments api failed\""), 1);
        assert_eq!(count("\"the payments-api failed\""), 1);
        assert_eq!(count("\"api failed over\""), 1);
        assert_eq!(count("body:pgbouncer"), 1);
        assert_eq!(count("bouncer"), 1);
        assert_eq!(count("\"failed payments\""), 0);
        assert_eq!(count("title:payments"), 0);
        // Offsets: the snippet marks the identifier in the text.
        let query = parser.parse_query("payments-api").unwrap();
        let generator =
            tantivy::snippet::SnippetGenerator::create(&searcher, &*query, f.body).unwrap();
        let text = "Then the payments-api failed";
        let snippet = generator.snippet(text);
        let marks = tantivy::snippet::collapse_overlapped_ranges(snippet.highlighted());
        assert_eq!(&snippet.fragment()[marks[0].clone()], "payments-api");
    }

    #[test]
    fn the_hash_sees_any_edit() {
        let a = content_hash(b"severity = \"SEV-1\"\n");
        assert_ne!(a, content_hash(b"severity = \"SEV-2\"\n"));
        assert_ne!(content_hash(b"abcdefgh"), content_hash(b"abcdefgh\0"));
        assert_eq!(a, content_hash(b"severity = \"SEV-1\"\n"));
    }
}
