//! Reading a knowledge base: discover the files, parse each one in parallel,
//! and build the [`KnowledgeBase`] model every later stage reads.
//!
//! Problems found while reading (bad UTF-8, broken TOML, a wrong type) are
//! diagnostics, never panics or early exits: one broken file must not hide
//! the problems of the others.

pub mod body;
pub mod frontmatter;
pub mod markup;
pub mod model;
pub mod paths;

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

/// What reading produced: the model and the problems met on the way.
#[derive(Debug)]
pub struct Loaded {
    pub kb: KnowledgeBase,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads the knowledge base at `root`. `Err` means it cannot be read at all
/// (no or broken `hindsight.toml`, no post-mortem folder): a usage problem,
/// not a content problem.
pub fn load(root: &Path) -> Result<Loaded, Vec<Diagnostic>> {
    let (config, config_source) = Config::load(root)?;
    let dir = paths::content_dir(root, &config, &config_source)?;
    let mut diagnostics = paths::check_site_folders(root, &config);
    let catalogue = load_catalogue(root, &config, &mut diagnostics);
    let files = discover(root, &dir, &mut diagnostics);
    // Past `[limits] max_files` nothing is read: the folder is more likely
    // the wrong one than a team's history, and reading it all first would
    // spend the time and memory the limit is there to save. The
    // `resource-limit` error comes from `validate::limits`.
    let results: Vec<(Option<PostMortem>, Vec<Diagnostic>)> =
        if files.len() > config.limits.max_files {
            Vec::new()
        } else {
            files
                .par_iter()
                .map(|rel| load_file(root, rel, &config))
                .collect()
        };
    let mut postmortems = Vec::with_capacity(results.len());
    let mut unloaded = Vec::new();
    for ((pm, diags), rel) in results.into_iter().zip(&files) {
        match pm {
            Some(pm) => postmortems.push(pm),
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
        diagnostics,
    })
}

/// Every `*.md` below the post-mortem folder `dir` (as resolved by
/// [`paths::content_dir`]), relative to `root`, sorted. Names starting with
/// `_` or `.` are skipped (FORMAT.md), and links are not followed out of the
/// knowledge base.
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

pub fn discover(root: &Path, dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let dir = dir.to_path_buf();
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut files = Vec::new();
    // Found in directory order, sorted at the end: walkdir's
    // `sort_by_file_name` parses both paths again on every comparison, which
    // was a sixth of a `search` on 10,000 files.
    let mut found: Vec<(PathBuf, Option<Diagnostic>)> = Vec::new();
    let walker = WalkDir::new(&dir)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !e
                    .file_name()
                    .to_str()
                    .is_some_and(|n| n.starts_with(['_', '.']))
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().unwrap_or(&dir).to_path_buf();
                let source = Arc::new(Source::new(path.clone(), String::new()));
                let problem =
                    Diagnostic::error(Rule::Unreadable, format!("cannot read this folder: {err}"))
                        .in_file(&source);
                found.push((path, Some(problem)));
                continue;
            }
        };
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        if entry.path_is_symlink() {
            let source = || Arc::new(Source::new(path.to_path_buf(), String::new()));
            match path.canonicalize() {
                Ok(target) if target.starts_with(&canonical_root) && target.is_file() => {}
                // A post-mortem that is a link out of the knowledge base
                // would publish a file nobody reviewed in this repository.
                Ok(target) if !target.starts_with(&canonical_root) => {
                    found.push((
                        path.to_path_buf(),
                        Some(
                            Diagnostic::error(
                                Rule::OutsideRoot,
                                format!(
                                    "this file is a link to {}, outside the knowledge base",
                                    target.display()
                                ),
                            )
                            .in_file(&source())
                            .help("copy the post-mortem in instead of linking to it"),
                        ),
                    ));
                    continue;
                }
                _ => {
                    found.push((path.to_path_buf(), Some(
                        Diagnostic::warning(Rule::Unreadable, "skipped a link that points nowhere")
                            .in_file(&source())
                            .help("remove the link, or point it at a post-mortem in the knowledge base"),
                    )));
                    continue;
                }
            }
        } else if !entry.file_type().is_file() {
            continue;
        }
        found.push((path.to_path_buf(), None));
    }
    // By path components: the order of a walk that visits each folder's
    // entries sorted by name. `Path`'s own order parses the components on
    // every comparison (a fifth of a `search` on 10,000 files); the bytes
    // with each separator made the lowest byte compare the same way, since
    // a name holds no separator and no NUL.
    found.sort_by_cached_key(|(path, _)| component_order_key(path));
    for (path, problem) in found {
        match problem {
            Some(problem) => diagnostics.push(problem),
            None => {
                if let Ok(rel) = path.strip_prefix(root) {
                    files.push(rel.to_path_buf());
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
    let Some(frontmatter::Required {
        title,
        date,
        severity,
        status,
        services,
    }) = fm.required(&source, config, &mut diagnostics)
    else {
        return (None, diagnostics);
    };
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
}
