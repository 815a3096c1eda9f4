//! Reading a knowledge base: discover the files, parse each one in parallel,
//! and build the [`KnowledgeBase`] model every later stage reads.
//!
//! Problems found while reading (bad UTF-8, broken TOML, a wrong type) are
//! diagnostics, never panics or early exits: one broken file must not hide
//! the problems of the others.

pub mod body;
pub mod frontmatter;
pub mod history;
pub mod markup;
pub mod model;
pub mod paths;
pub mod public;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

pub use model::*;

use crate::config::Config;
use crate::diag::{Diagnostic, Rule};
use crate::source::Source;
use crate::text::strip_control_in_place;

/// The optional catalogue of known root causes, at the root.
pub const CATALOGUE_FILE: &str = "root-causes.toml";
/// The template `new` fills when the post-mortem folder has no
/// `_template.md`, and that `check` compares post-mortems with for text left
/// unchanged.
pub const BUILTIN_TEMPLATE: &str = include_str!("../cli/scaffold/template.md");

/// What reading produced: the model and the problems met on the way.
#[derive(Debug)]
pub struct Loaded {
    pub kb: KnowledgeBase,
    /// Post-mortems read around problems in their front matter (a syntax
    /// error, an invalid or misspelled required key; see
    /// [`PostMortem::recovered`]): `check` runs the rules about one file on
    /// them, so those problems do not hide the others, but they are not in
    /// the knowledge base, where pages, metrics and search would take their
    /// stand-in values for facts.
    pub recovered: Vec<Arc<PostMortem>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads the knowledge base at `root`. `Err` means it cannot be read at all
/// (no or broken `hindsight.toml`, no post-mortem folder): a usage problem,
/// not a content problem.
pub fn load(root: &Path) -> Result<Loaded, Vec<Diagnostic>> {
    load_with(root, None)
}

/// What [`load_cached`] keeps between loads: each file's result, by its
/// path, with the size and modification time it had when read, for the
/// config it was read with (a change to `hindsight.toml` reads all again).
/// `serve` loads after every save; most files have not changed.
#[derive(Default)]
pub struct LoadCache {
    config: String,
    files: std::collections::HashMap<PathBuf, (Stamp, FileResult)>,
}

/// A file's size and modification time, as `stat` says.
type Stamp = (u64, Option<std::time::SystemTime>);

/// What reading one file gives: the post-mortem, if any, and its problems.
type FileResult = (Option<Arc<PostMortem>>, Vec<Diagnostic>);

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()))
}

/// [`load`], reading again only the files whose size or modification time
/// changed since `cache` last saw them.
pub fn load_cached(root: &Path, cache: &mut LoadCache) -> Result<Loaded, Vec<Diagnostic>> {
    load_with(root, Some(cache))
}

fn load_with(root: &Path, cache: Option<&mut LoadCache>) -> Result<Loaded, Vec<Diagnostic>> {
    let (config, config_source) = Config::load(root)?;
    let dir = paths::content_dir(root, &config, &config_source)?;
    let mut diagnostics = paths::check_site_folders(root, &config);
    let catalogue = load_catalogue(root, &config, &mut diagnostics);
    // With a cache, each file's stamp is read during the walk, on the
    // other core, to tell which files changed.
    let (files, stamps): (Vec<PathBuf>, Vec<Option<Stamp>>) = match cache {
        Some(_) => discover_with(root, &dir, &mut diagnostics, stamp)
            .into_iter()
            .unzip(),
        None => (discover(root, &dir, &mut diagnostics), Vec::new()),
    };
    // Past `[limits] max_files` nothing is read: the folder is more likely
    // the wrong one than a team's history, and reading it all first would
    // spend the time and memory the limit is there to save. The
    // `resource-limit` error comes from `validate::limits`.
    let results: Vec<FileResult> = if files.len() > config.limits.max_files {
        Vec::new()
    } else {
        match cache {
            None => files
                .par_iter()
                .map(|rel| shared(load_file(root, rel, &config)))
                .collect(),
            Some(cache) => read_cached(root, &files, &stamps, &config, &config_source.text, cache),
        }
    };
    let mut postmortems = Vec::with_capacity(results.len());
    let mut recovered = Vec::new();
    let mut unloaded = Vec::new();
    for ((pm, diags), rel) in results.into_iter().zip(&files) {
        match pm {
            Some(pm) if !pm.recovered => postmortems.push(pm),
            Some(pm) => {
                // It exists, so a link to it (by file name, or by its id
                // when one was read) is not an unknown one.
                unloaded.push(
                    rel.file_stem()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned(),
                );
                if pm.id.span != (0..0) {
                    unloaded.push(pm.id.value.clone());
                }
                recovered.push(pm);
            }
            None => unloaded.push(
                rel.file_stem()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
            ),
        }
        diagnostics.extend(diags);
    }
    Ok(Loaded {
        kb: KnowledgeBase {
            root: root.to_path_buf(),
            content_dir: dir,
            config,
            catalogue,
            postmortems,
            unloaded,
            files: files.len(),
        },
        recovered,
        diagnostics,
    })
}

fn shared((pm, diagnostics): (Option<PostMortem>, Vec<Diagnostic>)) -> FileResult {
    (pm.map(Arc::new), diagnostics)
}

/// Each of `files` from `cache` when its stamp (in `stamps`, read when the
/// file was found) is unchanged, else read; `cache` then holds exactly
/// `files`.
fn read_cached(
    root: &Path,
    files: &[PathBuf],
    stamps: &[Option<Stamp>],
    config: &Config,
    config_text: &str,
    cache: &mut LoadCache,
) -> Vec<FileResult> {
    if cache.config != config_text {
        cache.files.clear();
        config_text.clone_into(&mut cache.config);
    }
    let cached = &cache.files;
    let read: Vec<(Option<Stamp>, bool, FileResult)> = files
        .par_iter()
        .zip(stamps)
        .map(|(rel, &now)| match (now, cached.get(rel)) {
            (Some(now), Some((then, result))) if now == *then => (Some(now), true, result.clone()),
            _ => (now, false, shared(load_file(root, rel, config))),
        })
        .collect();
    let mut fresh = std::collections::HashMap::with_capacity(read.len());
    let mut results = Vec::with_capacity(read.len());
    for (rel, (now, hit, result)) in files.iter().zip(read) {
        match (now, hit) {
            // Unchanged: the entry moves over as it was.
            (_, true) => {
                if let Some(entry) = cache.files.remove(rel) {
                    fresh.insert(rel.clone(), entry);
                }
            }
            // Read now: remembered under the stamp it had before reading
            // (a save during the read shows as a change next time).
            (Some(now), false) => {
                fresh.insert(rel.clone(), (now, result.clone()));
            }
            (None, false) => {}
        }
        results.push(result);
    }
    // Files removed since are forgotten with the old map.
    cache.files = fresh;
    results
}

/// `path`'s bytes with separators as NUL: byte order on these is
/// component order on the paths.
fn component_order_key(path: &Path) -> Vec<u8> {
    path.as_os_str()
        .as_encoded_bytes()
        .iter()
        .map(|&b| {
            if std::path::is_separator(char::from(b)) {
                0
            } else {
                b
            }
        })
        .collect()
}

/// The bytes of the last component of `path`, as walkdir builds it (a
/// folder joined with names): `file_name()` without parsing the path from
/// the back, which was 7% of a `search` on 10,000 files.
fn name_of(path: &Path) -> &[u8] {
    let bytes = path.as_os_str().as_encoded_bytes();
    let start = bytes
        .iter()
        .rposition(|&b| std::path::is_separator(char::from(b)))
        .map_or(0, |i| i + 1);
    &bytes[start..]
}

/// Every `*.md` below the post-mortem folder `dir` (as resolved by
/// [`paths::content_dir`]), relative to `root`, sorted. Names starting with
/// `_` or `.` are skipped (FORMAT.md), and links are not followed out of the
/// knowledge base.
pub fn discover(root: &Path, dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    discover_with(root, dir, diagnostics, |_| ())
        .into_iter()
        .map(|(path, ())| path)
        .collect()
}

/// [`discover`], with `each` applied to every file found (given its path as
/// walked, not relative to the root) while the walk goes on: a `search`
/// reads each file's `stat` this way, on the other core, instead of after
/// the walk (10,000 `stat`s were about as long as the walk itself).
pub fn discover_with<T: Send>(
    root: &Path,
    dir: &Path,
    diagnostics: &mut Vec<Diagnostic>,
    each: impl Fn(&Path) -> T + Sync + Send,
) -> Vec<(PathBuf, T)> {
    let dir = dir.to_path_buf();
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut files = Vec::new();
    // Found in any order (the walk is shared between threads), sorted at
    // the end: walkdir's `sort_by_file_name` parses both paths again on
    // every comparison, which was a sixth of a `search` on 10,000 files.
    let walker = WalkDir::new(&dir)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !matches!(name_of(e.path()).first(), Some(b'_' | b'.'))
        });
    let mut found: Vec<(PathBuf, Result<T, Diagnostic>)> = walker
        .par_bridge()
        .filter_map(|entry| {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    let path = err.path().unwrap_or(&dir).to_path_buf();
                    let source = Arc::new(Source::new(path.clone(), String::new()));
                    let problem = Diagnostic::error(
                        Rule::Unreadable,
                        format!("cannot read this folder: {err}"),
                    )
                    .in_file(&source);
                    return Some((path, Err(problem)));
                }
            };
            let path = entry.path();
            // `.md` at the end of the path is `.md` at the end of its name,
            // and names starting with a dot were skipped above, so this is
            // `extension() == "md"` without parsing the path from the back
            // (7% of a `search` on 10,000 files).
            if !path.as_os_str().as_encoded_bytes().ends_with(b".md") {
                return None;
            }
            if entry.path_is_symlink() {
                let source = || Arc::new(Source::new(path.to_path_buf(), String::new()));
                match path.canonicalize() {
                    Ok(target) if target.starts_with(&canonical_root) && target.is_file() => {}
                    // A post-mortem that is a link out of the knowledge base
                    // would publish a file nobody reviewed in this repository.
                    Ok(target) if !target.starts_with(&canonical_root) => {
                        let problem = Diagnostic::error(
                            Rule::OutsideRoot,
                            format!(
                                "this file is a link to {}, outside the knowledge base",
                                target.display()
                            ),
                        )
                        .in_file(&source())
                        .help("copy the post-mortem in instead of linking to it");
                        return Some((path.to_path_buf(), Err(problem)));
                    }
                    _ => {
                        let problem = Diagnostic::warning(
                            Rule::Unreadable,
                            "skipped a link that points nowhere",
                        )
                        .in_file(&source())
                        .help(
                            "remove the link, or point it at a post-mortem in the knowledge base",
                        );
                        return Some((path.to_path_buf(), Err(problem)));
                    }
                }
            } else if !entry.file_type().is_file() {
                return None;
            }
            Some((path.to_path_buf(), Ok(each(path))))
        })
        .collect();
    // By path components: the order of a walk that visits each folder's
    // entries sorted by name. `Path`'s own order parses the components on
    // every comparison (a fifth of a `search` on 10,000 files); the bytes
    // with each separator made the lowest byte compare the same way, since
    // a name holds no separator and no NUL.
    found.sort_by_cached_key(|(path, _)| component_order_key(path));
    // Every path found is `dir` joined with clean names, so the part
    // relative to the root is `dir`'s, joined with the bytes after `dir`:
    // the same as `strip_prefix(root)` on each path, without matching the
    // root's components 10,000 times.
    let dir_rel = dir.strip_prefix(root).ok();
    let dir_str = dir.to_str();
    for (path, result) in found {
        match result {
            Err(problem) => diagnostics.push(problem),
            Ok(value) => {
                let tail = dir_str
                    .zip(path.to_str())
                    .and_then(|(dir, path)| path.strip_prefix(dir))
                    .map(|tail| tail.trim_start_matches(std::path::is_separator))
                    .filter(|tail| !tail.is_empty());
                match dir_rel.zip(tail) {
                    Some((dir_rel, tail)) => files.push((dir_rel.join(tail), value)),
                    None => {
                        if let Ok(rel) = path.strip_prefix(root) {
                            files.push((rel.to_path_buf(), value));
                        }
                    }
                }
            }
        }
    }
    files
}

/// Reads and parses one post-mortem. Never panics, whatever the bytes.
pub fn load_file(
    root: &Path,
    rel: &Path,
    config: &Config,
) -> (Option<PostMortem>, Vec<Diagnostic>) {
    let path = root.join(rel);
    let fail = |rule: Rule, message: String| {
        let source = Arc::new(Source::new(path.clone(), String::new()));
        (
            None,
            vec![Diagnostic::error(rule, message).in_file(&source)],
        )
    };
    let limit = config.content.max_file_size;
    match std::fs::metadata(&path) {
        Ok(meta) if meta.len() > limit => {
            let (pm, mut diags) = fail(
                Rule::FileTooLarge,
                format!(
                    "the file is {} bytes, over the limit of {limit} bytes",
                    meta.len()
                ),
            );
            diags[0].help = Some(format!(
                "post-mortems are text; move attachments elsewhere, or raise `[content] max_file_size` in {}",
                crate::config::CONFIG_FILE
            ));
            return (pm, diags);
        }
        Ok(_) => {}
        Err(err) => return fail(Rule::Unreadable, format!("cannot read the file: {err}")),
    }
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(err) => return fail(Rule::Unreadable, format!("cannot read the file: {err}")),
    };
    parse_file(path, rel, bytes, config)
}

/// Parses a post-mortem from its bytes. `path` is how it is reported; `rel`
/// (relative to the root) gives the default id.
pub fn parse_file(
    path: PathBuf,
    rel: &Path,
    bytes: Vec<u8>,
    config: &Config,
) -> (Option<PostMortem>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            diagnostics.push(invalid_utf8(path, err));
            return (None, diagnostics);
        }
    };
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    let source = Arc::new(Source::new(path, text));
    if source.text.trim().is_empty() {
        diagnostics.push(
            Diagnostic::error(Rule::EmptyFile, "the file is empty")
                .in_file(&source)
                .help("delete it, or start it from the template with `hindsight new \"Title\"`"),
        );
        return (None, diagnostics);
    }
    let split = match frontmatter::split(&source) {
        Ok(split) => split,
        Err(d) => return (None, vec![*d]),
    };
    let Some(mut fm) = frontmatter::parse(&source, &split, config, &mut diagnostics) else {
        return (None, diagnostics);
    };
    let mut prose = std::mem::take(&mut fm.prose);
    let body = body::parse(
        &source,
        split.body.clone(),
        fm.date.as_ref().map(|d| d.value),
        config,
        &mut diagnostics,
        &mut prose,
    );
    let frontmatter::Required {
        title,
        date,
        severity,
        status,
        services,
        recovered,
    } = fm.required(&source, config, &mut diagnostics);
    let rel_path = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let id = fm.id.unwrap_or_else(|| {
        let stem = rel.file_stem().unwrap_or_default().to_string_lossy();
        if !is_kebab_case(&stem) {
            let fixed = crate::text::kebab(&stem);
            diagnostics.push(
                Diagnostic::warning(
                    Rule::InvalidValue,
                    format!("the id `{stem}` comes from the file name, which is not kebab-case"),
                )
                .at(&source, source.line_span(0))
                .label("this post-mortem has no `id`")
                .help(format!(
                    "rename the file to `{fixed}.md`, or set `id = \"{fixed}\"`: the id is part of the page's URL"
                )),
            );
        }
        Spanned::new(stem.into_owned(), 0..0)
    });
    let pm = PostMortem {
        source,
        rel_path,
        id,
        title,
        date,
        severity,
        status,
        services,
        visibility: fm.visibility.unwrap_or(config.template.default_visibility),
        details: fm.details,
        body,
        prose,
        invalid_keys: fm.invalid_keys,
        recovered,
    };
    (Some(pm), diagnostics)
}

/// Reads `root-causes.toml`. When it cannot be parsed, the problem is
/// reported and `None` returned, so that one typo in the catalogue does not
/// turn every root cause of every post-mortem into a false "unknown" warning.
/// Explains a file that is not UTF-8, with a guess at what it is instead.
fn invalid_utf8(path: PathBuf, err: std::string::FromUtf8Error) -> Diagnostic {
    let bytes = err.as_bytes();
    let utf16 = bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]);
    let at = if utf16 {
        0
    } else {
        err.utf8_error().valid_up_to()
    };
    let byte = bytes[at];
    let lossy = String::from_utf8_lossy(bytes).into_owned();
    let source = Arc::new(Source::new(path, lossy));
    // Up to `at` the lossy text is the file's own bytes; the bad byte
    // became U+FFFD there.
    let span = at..at + '\u{fffd}'.len_utf8();
    if utf16 {
        return Diagnostic::error(Rule::InvalidUtf8, "the file is UTF-16, not UTF-8")
            .at(&source, span)
            .label("a UTF-16 byte-order mark")
            .help("save the file as UTF-8 (most editors have an encoding option)");
    }
    let label = if (0xc2..=0xf4).contains(&byte) {
        format!("byte 0x{byte:02x} starts a character that the next byte does not continue")
    } else {
        format!("byte 0x{byte:02x} is not valid here in UTF-8")
    };
    let mut d = Diagnostic::error(Rule::InvalidUtf8, "the file is not valid UTF-8")
        .at(&source, span)
        .label(label)
        .help("save the file as UTF-8 (most editors have an encoding option)");
    if (0xa0..=0xff).contains(&byte) {
        d = d.note(format!(
            "in Latin-1 or Windows-1252 this byte is `{}`: the file was probably saved in one of those",
            char::from(byte)
        ));
    }
    d
}

fn load_catalogue(
    root: &Path,
    config: &Config,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Catalogue> {
    let path = root.join(CATALOGUE_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return None,
        Err(err) => {
            let source = Arc::new(Source::new(path, String::new()));
            diagnostics.push(
                Diagnostic::error(
                    Rule::Catalogue,
                    format!("cannot read {CATALOGUE_FILE}: {err}"),
                )
                .in_file(&source),
            );
            return None;
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    let source = Arc::new(Source::new(path, text));
    let catalogue: Catalogue = match toml::from_str::<Catalogue>(&source.text) {
        Ok(mut c) => {
            // As for front matter: control characters (TOML escapes such as
            // `\u0007`) are dropped once, here, so no page or feed gets one.
            for entry in c.causes.values_mut() {
                strip_control_in_place(&mut entry.title);
                if let Some(description) = &mut entry.description {
                    strip_control_in_place(description);
                }
            }
            c
        }
        Err(err) => {
            let mut d = crate::config::toml_error(&source, Rule::Catalogue, &err, 0);
            d.message = format!("invalid {CATALOGUE_FILE}: {}", d.message);
            diagnostics
                .push(d.note("root causes are not checked against the catalogue until it parses"));
            return None;
        }
    };
    // Spans of each entry's key and category, for pointing at problems.
    let spans = toml::de::DeTable::parse(&source.text).ok();
    let entry_spans = |id: &str| -> (crate::source::Span, Option<crate::source::Span>) {
        let causes = spans
            .as_ref()
            .and_then(|t| t.get_ref().get("causes"))
            .and_then(|c| c.get_ref().as_table());
        let Some((key, value)) = causes.and_then(|c| c.get_key_value(id)) else {
            return (0..0, None);
        };
        let category = value
            .get_ref()
            .as_table()
            .and_then(|t| t.get("category"))
            .map(|c| c.span());
        (key.span(), category)
    };
    for (id, entry) in &catalogue.causes {
        let (key_span, category_span) = entry_spans(id);
        if !is_kebab_case(id) {
            diagnostics.push(
                Diagnostic::error(
                    Rule::Catalogue,
                    format!("root-cause id `{id}` is not kebab-case"),
                )
                .at(&source, key_span.clone())
                .label("lowercase letters, digits and single dashes only")
                .help(format!("write `{}`", crate::text::kebab(id))),
            );
        }
        if let Some(category) = &entry.category
            && !config.template.categories.contains(category)
        {
            let categories = &config.template.categories;
            diagnostics.push(
                Diagnostic::error(
                    Rule::Catalogue,
                    format!("root cause `{id}` has category `{category}`, which is not configured"),
                )
                .at(&source, category_span.unwrap_or(key_span))
                .label("not one of `[template] categories`")
                .help(crate::suggest::help(
                    category,
                    categories.iter().map(String::as_str),
                    || format!("categories are: {}", categories.join(", ")),
                )),
            );
        }
    }
    Some(catalogue)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A copy of the example knowledge base to change.
    fn example() -> tempfile::TempDir {
        fn copy(from: &Path, to: &Path) {
            std::fs::create_dir_all(to).unwrap();
            for entry in std::fs::read_dir(from).unwrap() {
                let entry = entry.unwrap();
                let target = to.join(entry.file_name());
                if entry.file_type().unwrap().is_dir() {
                    copy(&entry.path(), &target);
                } else {
                    std::fs::copy(entry.path(), target).unwrap();
                }
            }
        }
        let dir = tempfile::tempdir().unwrap();
        copy(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example"),
            dir.path(),
        );
        dir
    }

    fn titles(loaded: &Loaded) -> Vec<String> {
        loaded
            .kb
            .postmortems
            .iter()
            .map(|pm| pm.title.as_str().to_string())
            .collect()
    }

    #[test]
    fn a_cached_load_is_a_fresh_load_after_changes_additions_and_removals() {
        let dir = example();
        let root = dir.path();
        let mut cache = LoadCache::default();
        let first = load_cached(root, &mut cache).unwrap();
        assert_eq!(titles(&first), titles(&load(root).unwrap()));
        let posts = root.join("postmortems");
        let mut names: Vec<_> = std::fs::read_dir(&posts)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| {
                n.to_string_lossy().ends_with(".md") && !n.to_string_lossy().starts_with('_')
            })
            .collect();
        names.sort();
        // One changed (same size, so the time tells), one removed, one added.
        let changed = posts.join(&names[0]);
        let text = std::fs::read_to_string(&changed).unwrap();
        let title = first.kb.postmortems[0].title.as_str().to_string();
        let retitled = title.replacen(char::is_alphabetic, "Z", 1);
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&changed, text.replacen(&title, &retitled, 1)).unwrap();
        std::fs::remove_file(posts.join(&names[1])).unwrap();
        std::fs::write(posts.join("2099-01-01-added.md"), &text).unwrap();
        let second = load_cached(root, &mut cache).unwrap();
        assert_eq!(titles(&second), titles(&load(root).unwrap()));
        assert!(titles(&second).contains(&retitled));
        assert_eq!(cache.files.len(), names.len());
        // A config change reads everything again.
        let config = root.join(crate::config::CONFIG_FILE);
        let mut text = std::fs::read_to_string(&config).unwrap();
        text.push_str("\n# changed\n");
        std::fs::write(&config, text).unwrap();
        let third = load_cached(root, &mut cache).unwrap();
        assert_eq!(titles(&third), titles(&second));
    }

    #[test]
    fn the_sort_key_orders_paths_by_components() {
        let mut paths = vec![
            "kb/a.md",
            "kb/a-b/x.md",
            "kb/a/x.md",
            "kb/a/b/c.md",
            "kb/ab.md",
        ];
        let mut by_components = paths.clone();
        by_components.sort_by(|a, b| Path::new(a).cmp(Path::new(b)));
        paths.sort_by_key(|p| component_order_key(Path::new(p)));
        assert_eq!(paths, by_components);
        assert_eq!(
            paths,
            [
                "kb/a/b/c.md",
                "kb/a/x.md",
                "kb/a-b/x.md",
                "kb/a.md",
                "kb/ab.md"
            ]
        );
    }

    /// The relative paths are cut from the walked paths' bytes; they must
    /// be what `strip_prefix(root)` gives, however the root is spelled and
    /// wherever the post-mortem folder is.
    #[test]
    fn discover_gives_paths_relative_to_the_root_however_it_is_spelled() {
        let tmp = tempfile::tempdir().unwrap();
        let kb = tmp.path().join("kb");
        for file in [
            "postmortems/b.md",
            "postmortems/a/c.md",
            "postmortems/_draft/x.md",
            "postmortems/.hidden.md",
            "postmortems/notes.txt",
            "top.md",
        ] {
            let path = kb.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let spelled = [
            kb.clone(),
            kb.join("."),
            PathBuf::from(format!("{}/", kb.display())),
        ];
        for root in &spelled {
            let mut problems = Vec::new();
            let nested = discover(root, &root.join("postmortems"), &mut problems);
            assert_eq!(
                nested,
                [
                    PathBuf::from("postmortems/a/c.md"),
                    PathBuf::from("postmortems/b.md")
                ],
                "root {}",
                root.display()
            );
            let whole = discover(root, root, &mut problems);
            assert_eq!(
                whole,
                [
                    PathBuf::from("postmortems/a/c.md"),
                    PathBuf::from("postmortems/b.md"),
                    PathBuf::from("top.md")
                ],
                "root {}",
                root.display()
            );
            assert!(problems.is_empty());
        }
    }
}
