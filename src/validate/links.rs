//! Rules across post-mortems: unique ids, `related` links, root causes
//! against the shared catalogue, and relative links and images in bodies,
//! which must stay inside the knowledge base.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::content::paths;
use crate::content::{KnowledgeBase, PostMortem};
use crate::diag::{Diagnostic, Level, Rule};
use crate::suggest;

pub fn check(kb: &KnowledgeBase) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let by_id = unique_ids(kb, &mut out);
    related(kb, &by_id, &mut out);
    catalogue(kb, &mut out);
    let canonical_root = paths::canonical_root(&kb.root);
    out.par_extend(
        kb.postmortems
            .par_iter()
            .flat_map_iter(|pm| paths_in_body(kb, &canonical_root, pm)),
    );
    out
}

/// Where an id is reported: its `id = ...` value, or the file's first line
/// when the id is the file name.
fn id_span(pm: &PostMortem) -> std::ops::Range<usize> {
    if pm.id.span.is_empty() {
        pm.source.line_span(0)
    } else {
        pm.id.span.clone()
    }
}

/// Ids are unique across the knowledge base; a duplicate names both files.
fn unique_ids<'a>(
    kb: &'a KnowledgeBase,
    out: &mut Vec<Diagnostic>,
) -> HashMap<&'a str, &'a PostMortem> {
    let mut by_id: HashMap<&str, &PostMortem> = HashMap::with_capacity(kb.postmortems.len());
    for pm in &kb.postmortems {
        match by_id.get(pm.id.as_str()) {
            Some(first) => {
                let label = if pm.id.span.is_empty() {
                    "the id comes from this file's name".to_string()
                } else {
                    "set here".to_string()
                };
                out.push(
                    Diagnostic::error(
                        Rule::DuplicateId,
                        format!(
                            "post-mortem id `{}` is used by two files: {} and {}",
                            pm.id.value, first.rel_path, pm.rel_path
                        ),
                    )
                    .at(&pm.source, id_span(pm))
                    .label(label)
                    .also(
                        &first.source,
                        id_span(first),
                        if first.id.span.is_empty() {
                            "first used here, as this file's name"
                        } else {
                            "first used here"
                        },
                    )
                    .help("ids must be unique: rename one file, or give it a different `id`"),
                );
            }
            None => {
                by_id.insert(pm.id.as_str(), pm);
            }
        }
    }
    by_id
}

/// Every id in `related` exists.
fn related(kb: &KnowledgeBase, by_id: &HashMap<&str, &PostMortem>, out: &mut Vec<Diagnostic>) {
    let mut ids: Vec<&str> = by_id.keys().copied().collect();
    ids.sort_unstable();
    for pm in &kb.postmortems {
        for link in &pm.details.related {
            if link.value == pm.id.value {
                out.push(
                    Diagnostic::warning(
                        Rule::UnknownRelated,
                        "a post-mortem is listed as related to itself",
                    )
                    .at(&pm.source, link.span.clone())
                    .label("this is the file's own id")
                    .help("remove it; `related` links to other post-mortems"),
                );
                continue;
            }
            if by_id.contains_key(link.as_str()) || kb.unloaded.iter().any(|u| u == link.as_str()) {
                continue;
            }
            out.push(
                Diagnostic::error(
                    Rule::UnknownRelated,
                    format!("no post-mortem has the id `{}`", link.value),
                )
                .at(&pm.source, link.span.clone())
                .label("`related` must name existing post-mortems")
                .help(suggest::help(link, ids.iter().copied(), || {
                    "an id is the file name without `.md`, unless the file sets `id`".to_string()
                })),
            );
        }
    }
}

/// With a catalogue, every root-cause id is in it: a warning with the nearest
/// known ids, or an error under `strict_root_causes`.
fn catalogue(kb: &KnowledgeBase, out: &mut Vec<Diagnostic>) {
    let Some(catalogue) = &kb.catalogue else {
        return;
    };
    let level = if kb.config.template.strict_root_causes {
        Level::Error
    } else {
        Level::Warning
    };
    for pm in &kb.postmortems {
        for cause in &pm.details.root_causes {
            if catalogue.causes.contains_key(cause.id.as_str()) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    level,
                    Rule::UnknownRootCause,
                    format!("root cause `{}` is not in root-causes.toml", cause.id.value),
                )
                .at(&pm.source, cause.id.span.clone())
                .label("not a known root cause")
                .help(suggest::help(
                    &cause.id,
                    catalogue.causes.keys().map(String::as_str),
                    || {
                    format!(
                        "add `[causes.{}]` with a title, category and description to root-causes.toml, \
                         so other incidents with the same cause link to it",
                        cause.id.value
                    )
                    },
                )),
            );
        }
    }
}

/// Where a relative `file` linked from the post-mortem at `rel_path`
/// (relative to the root) is, relative to the root; `None` when its `..`
/// climb out of the root. Both separators count: `..\..\x` on one machine
/// is the same climb.
pub fn resolve_relative(rel_path: &str, file: &str) -> Option<PathBuf> {
    let mut parts: Vec<&str> = rel_path.split('/').collect();
    parts.pop();
    for part in file.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            name => parts.push(name),
        }
    }
    let path: PathBuf = parts.iter().collect();
    // A drive or root sneaking in through a name (`C:`) is not inside.
    path.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then_some(path)
}

/// `outside-root` for every relative link or image in the body that leads
/// outside the knowledge base, by its `..` or through a link on disk.
fn paths_in_body(kb: &KnowledgeBase, canonical_root: &Path, pm: &PostMortem) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for link in &pm.body.relative_links {
        let leaves = match resolve_relative(&pm.rel_path, &link.file) {
            None => None,
            Some(inside) => match paths::resolve_inside(canonical_root, &kb.root.join(&inside)) {
                Err(Some(target)) => Some(format!("through a link, to {}", target.display())),
                _ => continue,
            },
        };
        out.push(
            Diagnostic::error(
                Rule::OutsideRoot,
                format!(
                    "this {} leads outside the knowledge base{}",
                    link.what,
                    leaves.map_or(String::new(), |l| format!(" ({l})"))
                ),
            )
            .at(&pm.source, link.span.clone())
            .label(format!("`{}` is not inside the knowledge base", link.file))
            .help(
                "link to a page by its URL, or copy the file into the knowledge base \
                 (next to the post-mortem) and link to the copy",
            ),
        );
    }
    out
}

/// A file a post-mortem links to that the site can publish beside the
/// incident's page, so the relative link works there as it does in the
/// repository.
#[derive(Debug, PartialEq, Eq)]
pub struct Attachment {
    /// `/`-separated, relative to the incident page's folder: the link as
    /// written, normalised.
    pub rel: String,
    /// The file on disk, resolved, inside the knowledge base.
    pub path: PathBuf,
}

/// The attachments of `pm`: relative links and images to existing files in
/// its folder or below, inside the knowledge base (resolved, links
/// included). Not: post-mortems (`.md`), hidden names, and links that climb
/// with `..`, whose page-relative URL would not match where the file is.
/// Nothing outside the knowledge base is ever returned.
pub fn attachments(kb: &KnowledgeBase, canonical_root: &Path, pm: &PostMortem) -> Vec<Attachment> {
    let folder = Path::new(&pm.rel_path).parent().unwrap_or(Path::new(""));
    let mut out: Vec<Attachment> = Vec::new();
    for link in &pm.body.relative_links {
        let parts: Vec<&str> = link
            .file
            .split(['/', '\\'])
            .filter(|p| !p.is_empty() && *p != ".")
            .collect();
        let plain = |p: &&str| !p.starts_with('.') && !p.contains(':');
        if parts.is_empty() || !parts.iter().all(plain) || link.file.ends_with(".md") {
            continue;
        }
        let rel = parts.join("/");
        if out.iter().any(|a| a.rel == rel) {
            continue;
        }
        let on_disk = parts
            .iter()
            .fold(kb.root.join(folder), |p, part| p.join(part));
        if let Ok(path) = paths::resolve_inside(canonical_root, &on_disk)
            && path.is_file()
        {
            out.push(Attachment { rel, path });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::paths::relative_file;

    #[test]
    fn relative_files_are_told_from_urls() {
        assert_eq!(relative_file("a.png").as_deref(), Some("a.png"));
        assert_eq!(
            relative_file("../x%2F..%2Fy.md#top").as_deref(),
            Some("../x/../y.md")
        );
        for url in [
            "https://x.org/a",
            "mailto:a@b.c",
            "#top",
            "/abs/page/",
            "?q=1",
            "",
        ] {
            assert_eq!(relative_file(url), None, "{url}");
        }
    }

    #[test]
    fn climbing_out_of_the_root_is_caught() {
        let pm = "postmortems/2025/a.md";
        assert_eq!(
            resolve_relative(pm, "img/a.png"),
            Some(PathBuf::from("postmortems/2025/img/a.png"))
        );
        assert_eq!(
            resolve_relative(pm, "../../README.md"),
            Some(PathBuf::from("README.md"))
        );
        assert_eq!(resolve_relative(pm, "../../../etc/passwd"), None);
        assert_eq!(resolve_relative(pm, "..\\..\\..\\x"), None);
        assert_eq!(resolve_relative(pm, "./../.././../x"), None);
    }

    #[test]
    fn attachments_are_files_beside_the_post_mortem_and_nothing_outside() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("kb");
        let posts = root.join("postmortems");
        std::fs::create_dir_all(posts.join("img")).unwrap();
        std::fs::write(root.join("hindsight.toml"), "[site]\n").unwrap();
        std::fs::write(posts.join("img/graph.png"), "png").unwrap();
        std::fs::write(posts.join(".hidden"), "h").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "s3cret").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), posts.join("leak.txt")).unwrap();
        std::fs::write(
            posts.join("a.md"),
            "+++\ntitle = \"A\"\ndate = 2025-01-01\nseverity = \"SEV-3\"\nstatus = \"draft\"\n\
             services = [\"x\"]\n+++\n\n![g](./img/graph.png) [again](img/graph.png#top) \
             [up](../postmortems/img/graph.png) [gone](img/missing.png) [leak](leak.txt) \
             [out](../../secret.txt) [md](a.md) [hidden](.hidden) [web](https://x.org/a.png)\n",
        )
        .unwrap();
        let kb = crate::content::load(&root).unwrap().kb;
        let found = attachments(&kb, &paths::canonical_root(&root), &kb.postmortems[0]);
        assert_eq!(
            found,
            vec![Attachment {
                rel: "img/graph.png".into(),
                path: posts.join("img/graph.png").canonicalize().unwrap(),
            }]
        );
    }
}
