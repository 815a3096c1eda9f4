//! The tantivy index in `<root>/.hindsight/index`: written by `build`,
//! read by `search`, reused while nothing it was built from changed.
//!
//! A manifest beside the index files records what the index was built from
//! (the format version, hindsight's version, whether drafts are in, and a
//! hash of every source file with its length and modification time) and
//! what it wrote (each index file's length). The same sources and intact
//! files: the index is opened as it is, with no write.
//!
//! Hashing every file is what made each `search` slow (0.1 s of its 0.15 s
//! on 10,000 post-mortems), so a file whose length and modification time
//! are those the manifest recorded keeps its recorded hash, unread, the way
//! git's index trusts `stat`. Git's "racily clean" caveat applies: a file
//! written twice within one tick of the file-system clock, around the
//! moment it was hashed, has the same time both times. So a recorded time
//! is trusted only if it was [`RACY_NS`] older than the moment the file was
//! read; a file edited just before a build is hashed again until the next. Anything else (a changed post-mortem, a new version, a missing,
//! truncated or unreadable index): the folder is recreated from scratch.
//! The manifest is written last, so an interrupted build leaves no manifest
//! and is rebuilt on the next run. Only `.hindsight/index` is ever deleted.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use rayon::prelude::*;
use tantivy::schema::{Facet, Field};
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
pub const FORMAT_VERSION: u32 = 2;

/// How much older than the reading a file's modification time must be for
/// it to be trusted (see the module doc): more than any file system's
/// timestamp tick (FAT's is 2 s) and the clock skew between the file
/// system's clock and ours.
pub const RACY_NS: u64 = 3_000_000_000;

/// A source file as it was read: its hash, and the `stat` that lets the
/// next run trust the hash without reading the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub hash: u64,
    pub len: u64,
    /// Modification time, nanoseconds since 1970; 0 when unknown (never
    /// trusted).
    pub mtime: u64,
}

/// The sources of a knowledge base, and when they were read (nanoseconds
/// since 1970).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sources {
    pub read_at: u64,
    /// Source path (relative to the root) and stamp, in the order
    /// `content::discover` finds the files (sorted, so the same files come
    /// in the same order every time), then the config and the catalogue.
    /// A list, not a map: a `search` reads and compares 10,000 of these,
    /// and ordered-map inserts were a tenth of its instructions.
    pub files: Vec<(String, Stamp)>,
}

impl Sources {
    /// Whether both name the same files, in the same order, with the same
    /// contents.
    fn same(&self, other: &Sources) -> bool {
        self.files.len() == other.files.len()
            && self
                .files
                .iter()
                .zip(&other.files)
                .all(|((a, x), (b, y))| a == b && x.hash == y.hash)
    }
}

/// What an index was (or would be) built from, and the files it consists of.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    pub format: u32,
    pub version: String,
    pub drafts: bool,
    pub sources: Sources,
    /// Index file name → length in bytes.
    pub files: BTreeMap<String, u64>,
}

impl Manifest {
    fn render(&self) -> String {
        let mut out = format!(
            "hindsight-search-index {}\nhindsight {}\ndrafts {}\nread {}\n",
            self.format, self.version, self.drafts, self.sources.read_at
        );
        for (path, s) in &self.sources.files {
            let _ = writeln!(out, "source {:016x} {} {} {path}", s.hash, s.len, s.mtime);
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
        let read_at = lines.next()?.strip_prefix("read ")?;
        let mut m = Manifest {
            format: format.parse().ok()?,
            version: version.to_string(),
            drafts: drafts.parse().ok()?,
            ..Manifest::default()
        };
        m.sources.read_at = read_at.parse().ok()?;
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
                    let (len, rest) = name.split_once(' ')?;
                    let (mtime, name) = rest.split_once(' ')?;
                    let stamp = Stamp {
                        hash: u64::from_str_radix(value, 16).ok()?,
                        len: len.parse().ok()?,
                        mtime: mtime.parse().ok()?,
                    };
                    m.sources.files.push((name.to_string(), stamp));
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

/// Nanoseconds since 1970 of `time`; 0 before 1970 or when unknown.
fn nanos(time: std::io::Result<std::time::SystemTime>) -> u64 {
    time.ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(0))
}

/// The sources of the knowledge base at `root` (the config, the catalogue
/// and every post-mortem file in `content_dir`) with their stamps, read in
/// parallel. No parsing: this is what every `search` pays before it can
/// reuse the index. A file `known` recorded with the same length and a
/// trusted modification time (see the module doc) is not read again.
pub fn sources(root: &Path, content_dir: &Path, known: Option<&Sources>) -> Sources {
    let read_at = nanos(Ok(std::time::SystemTime::now()));
    stamps(root, &source_files(root, content_dir), known, read_at)
}

/// A file's length and modification time (see [`Stamp`]); `None` when it
/// cannot be read (loading reports it).
type Stat = Option<(u64, u64)>;

fn stat(path: &Path) -> Stat {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), nanos(meta.modified())))
}

/// The source files of the knowledge base at `root`, relative to it, and
/// their `stat`: every post-mortem file in `content_dir`, then the config
/// and the catalogue.
fn source_files(root: &Path, content_dir: &Path) -> Vec<(PathBuf, Stat)> {
    let mut ignored = Vec::new();
    let mut files = crate::content::discover_with(root, content_dir, &mut ignored, stat);
    for rel in [crate::config::CONFIG_FILE, crate::content::CATALOGUE_FILE] {
        files.push((PathBuf::from(rel), stat(&root.join(rel))));
    }
    files
}

/// The stamps of `files` (relative to `root`, with their `stat`), trusting
/// those `known` recorded as [`sources`] says and reading the others in
/// parallel; `read_at` is when the reading began.
fn stamps(
    root: &Path,
    files: &[(PathBuf, Stat)],
    known: Option<&Sources>,
    read_at: u64,
) -> Sources {
    // The recorded stamp of a file: where the same file was recorded last
    // time (the files found are almost always those of the last run, in
    // the same order), else looked up by name.
    let by_name: std::sync::OnceLock<rustc_hash::FxHashMap<&str, Stamp>> =
        std::sync::OnceLock::new();
    let recorded = |i: usize, name: &str| -> Option<Stamp> {
        let known = known?;
        match known.files.get(i) {
            Some((n, stamp)) if n == name => Some(*stamp),
            _ => by_name
                .get_or_init(|| known.files.iter().map(|(n, s)| (n.as_str(), *s)).collect())
                .get(name)
                .copied(),
        }
    };
    let files = files
        .par_iter()
        .enumerate()
        .filter_map(|(i, (rel, stat))| {
            // A file that cannot be read is left out: loading reports it.
            let (len, mtime) = (*stat)?;
            let name = match rel.to_str() {
                Some(name) if !name.contains('\\') => name.to_owned(),
                _ => rel.to_string_lossy().replace('\\', "/"),
            };
            let trusted = known.and_then(|k| {
                let s = recorded(i, &name)?;
                let old = mtime != 0 && mtime.saturating_add(RACY_NS) < k.read_at;
                (old && s.len == len && s.mtime == mtime).then_some(s)
            });
            if let Some(stamp) = trusted {
                return Some((name, stamp));
            }
            let bytes = std::fs::read(root.join(rel)).ok()?;
            let stamp = Stamp {
                hash: content_hash(&bytes),
                len: bytes.len() as u64,
                mtime,
            };
            Some((name, stamp))
        })
        .collect();
    Sources { read_at, files }
}

/// The manifest of the index at `root`, if there is a whole one.
pub fn manifest(root: &Path) -> Option<Manifest> {
    let text = std::fs::read_to_string(dir(root).join(MANIFEST)).ok()?;
    Manifest::parse(&text)
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

fn expected(drafts: bool, sources: Sources) -> Manifest {
    Manifest {
        format: FORMAT_VERSION,
        version: env!("CARGO_PKG_VERSION").to_string(),
        drafts,
        sources,
        files: BTreeMap::new(),
    }
}

/// The index at `root` if it was built from exactly the knowledge base's
/// sources as they are now (and with drafts or not as `drafts` says;
/// `None`: either) and is intact. Never writes. Otherwise the sources, to
/// build it from.
pub fn open_fresh(
    root: &Path,
    content_dir: &Path,
    drafts: Option<bool>,
) -> Result<Opened, Sources> {
    let read_at = nanos(Ok(std::time::SystemTime::now()));
    // Reading the manifest and walking the folders both take a few
    // milliseconds of a `search` on 10,000 files: side by side.
    let (manifest, files) = rayon::join(|| manifest(root), || source_files(root, content_dir));
    let Some(manifest) = manifest else {
        return Err(stamps(root, &files, None, read_at));
    };
    let now = stamps(root, &files, Some(&manifest.sources), read_at);
    let same = manifest.format == FORMAT_VERSION
        && manifest.version == env!("CARGO_PKG_VERSION")
        && drafts.is_none_or(|d| d == manifest.drafts)
        && manifest.sources.same(&now);
    if !same {
        return Err(now);
    }
    // A truncated or missing file would fail (or worse) deep in a query.
    let dir = dir(root);
    for (name, &len) in &manifest.files {
        if std::fs::metadata(dir.join(name)).map(|m| m.len()).ok() != Some(len) {
            return Err(now);
        }
    }
    open(&dir, false).map_err(|_| now)
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
pub fn ensure(kb: &KnowledgeBase, drafts: bool, threads: Threads) -> anyhow::Result<Opened> {
    match open_fresh(&kb.root, &kb.content_dir, Some(drafts)) {
        Ok(opened) => Ok(opened),
        Err(sources) => build(kb, drafts, sources, threads),
    }
}

/// How many threads index: all the cores when the index is all there is
/// to do (`search` and `related` with no index yet), one when it is built
/// beside the site, which keeps every core busy anyway.
///
/// One thread writes one segment. Two threads beside the site were no
/// faster on 2 cores, cost more CPU in all (each segment writes its own
/// term dictionary and fast fields) and left every later search opening
/// twice the files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Threads {
    AllCores,
    One,
}

/// Writes the index of `kb` from scratch, with the manifest of `sources`.
pub fn build(
    kb: &KnowledgeBase,
    drafts: bool,
    sources: Sources,
    threads: Threads,
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
    // At most one indexing thread per 2,000 incidents, up to 4: each thread
    // writes its own segment, and every segment file is synced to disk, so
    // a small knowledge base gets one segment and the fewest syncs.
    let threads = match threads {
        Threads::One => 1,
        Threads::AllCores => (docs.len() / 2000 + 1)
            .min(std::thread::available_parallelism().map_or(1, |n| n.get()))
            .min(4),
    };
    // 80 MB, shared by the threads: one thread holds 10,000 post-mortems
    // (about 50 MB of Markdown) in one segment.
    let mut writer = index
        .writer_with_num_threads::<TantivyDocument>(threads, 80_000_000)
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
        .map(|pm| &**pm)
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
    texts(kb, pm, f, |field, text| doc.add_text(field, text));
    for cause in &pm.details.root_causes {
        doc.add_facet(
            f.facets,
            Facet::from_path([facet::CAUSE, cause.id.as_str()]),
        );
    }
    for service in &pm.services {
        doc.add_facet(
            f.facets,
            Facet::from_path([facet::SERVICE, service.as_str()]),
        );
    }
    for tag in &pm.details.tags {
        doc.add_facet(f.facets, Facet::from_path([facet::TAG, slug(tag).as_str()]));
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

/// The searchable text of `pm`, field by field, in the order the index
/// reads it: the one place that says which words go in which text field,
/// for the index ([`document`]) and the in-browser search's statistics
/// (`export`), which must count exactly the same tokens.
pub fn texts(kb: &KnowledgeBase, pm: &PostMortem, f: &Fields, mut add: impl FnMut(Field, &str)) {
    add(f.title, pm.title.as_str());
    if let Some(summary) = pm.summary_text() {
        add(f.summary, summary);
    }
    add(f.body, &body_text(pm.markdown()));
    for cause in &pm.details.root_causes {
        add(f.causes, cause.id.as_str());
        if let Some(description) = &cause.description {
            add(f.causes, description);
        }
        // The catalogue's title names the cause in words the post-mortem
        // may not use.
        if let Some(entry) = kb
            .catalogue
            .as_ref()
            .and_then(|c| c.causes.get(cause.id.as_str()))
        {
            add(f.causes, &entry.title);
        }
    }
    for service in &pm.services {
        add(f.services, service.as_str());
    }
    for tag in &pm.details.tags {
        add(f.tags, tag);
    }
    for learning in &pm.details.learnings {
        add(f.learnings, learning);
    }
    for item in &pm.details.action_items {
        add(f.actions, item.title.as_str());
    }
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
        let stamp = Stamp {
            hash: 7,
            len: 12,
            mtime: 1_700_000_000_123_456_789,
        };
        let sources = Sources {
            read_at: 1_800_000_000_000_000_000,
            files: vec![("postmortems/a b.md".into(), stamp)],
        };
        let mut m = expected(false, sources);
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
