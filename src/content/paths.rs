//! Containment: every file Hindsight reads or publishes is inside the
//! knowledge base. The post-mortem folder, `static/`, `templates/` and a
//! theme are resolved (links included) and refused when they lead outside,
//! so a pull request cannot publish `/etc` or a developer's home folder by
//! adding a symlink or a `[content] dir = "../.."`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use walkdir::WalkDir;

use crate::config::{CONFIG_FILE, Config};
use crate::diag::{Diagnostic, Rule};
use crate::source::{Source, Span};

/// The knowledge base's root, canonicalised (or as given if that fails: the
/// checks then compare like with like and refuse more, not less).
pub fn canonical_root(root: &Path) -> PathBuf {
    root.canonicalize().unwrap_or_else(|_| root.to_path_buf())
}

/// Where `path` really is, if that is inside `canonical_root`: `Ok(resolved)`;
/// `Err(Some(resolved))` when it leads outside, `Err(None)` when it leads
/// nowhere (a broken link).
pub fn resolve_inside(canonical_root: &Path, path: &Path) -> Result<PathBuf, Option<PathBuf>> {
    match path.canonicalize() {
        Ok(resolved) if resolved.starts_with(canonical_root) => Ok(resolved),
        Ok(resolved) => Err(Some(resolved)),
        Err(_) => Err(None),
    }
}

/// The span of `[table] key`'s value in a TOML file, if it is there.
fn key_span(source: &Source, table: &str, key: &str) -> Option<Span> {
    let doc = toml::de::DeTable::parse(&source.text).ok()?;
    let value = doc
        .get_ref()
        .get(table)?
        .get_ref()
        .as_table()?
        .get(key)?
        .span();
    Some(value)
}

/// `d` pointing at `[table] key`'s value in the config file, or at the
/// file when the key cannot be found.
pub(crate) fn at_key(
    d: Diagnostic,
    config_source: &Arc<Source>,
    table: &str,
    key: &str,
) -> Diagnostic {
    match key_span(config_source, table, key) {
        Some(span) => d.at(config_source, span),
        None => d.in_file(config_source),
    }
}

/// The post-mortem folder to walk: `[content] dir` resolved inside the root
/// (an absolute path is accepted when it is inside), given as `root` joined
/// with its path inside the root, so files are reported as the user named
/// the knowledge base. `Err` when it does not exist or leads outside.
pub fn content_dir(
    root: &Path,
    config: &Config,
    config_source: &Arc<Source>,
) -> Result<PathBuf, Vec<Diagnostic>> {
    let configured = &config.content.dir;
    let dir = root.join(configured);
    if !dir.is_dir() {
        let d = Diagnostic::error(
            Rule::Config,
            format!("the post-mortem folder `{}` does not exist", dir.display()),
        )
        .help(format!(
            "create it, or set `[content] dir` in {CONFIG_FILE}"
        ));
        return Err(vec![match key_span(config_source, "content", "dir") {
            Some(span) => d.at(config_source, span).label("set here"),
            None => d,
        }]);
    }
    let croot = canonical_root(root);
    match resolve_inside(&croot, &dir) {
        Ok(resolved) => {
            let inside = resolved.strip_prefix(&croot).unwrap_or(Path::new(""));
            Ok(if inside.as_os_str().is_empty() {
                root.to_path_buf()
            } else {
                root.join(inside)
            })
        }
        Err(resolved) => {
            let d = Diagnostic::error(
                Rule::OutsideRoot,
                format!(
                    "the post-mortem folder `{}` is outside the knowledge base{}",
                    configured.display(),
                    resolved.map_or(String::new(), |r| format!(" (it leads to {})", r.display()))
                ),
            );
            Err(vec![
                at_key(d, config_source, "content", "dir")
                    .label("must be a folder inside the knowledge base")
                    .help(
                        "move the post-mortems into the knowledge base; a link to a folder \
                         outside it is refused too, so the site never publishes files from elsewhere",
                    ),
            ])
        }
    }
}

/// The folders whose files are published or rendered: `static/`,
/// `templates/`, and the configured theme's folder.
pub fn site_folders(root: &Path, theme: Option<&str>) -> Vec<PathBuf> {
    let mut folders = vec![root.join("static"), root.join("templates")];
    if let Some(name) = theme.filter(|n| !n.contains(['/', '\\']) && !n.starts_with('.')) {
        folders.push(root.join("themes").join(name));
    }
    folders
}

/// Every way `folder` leads outside the knowledge base: the folder itself,
/// or a link anywhere below it (links are not followed, each one's target is
/// checked). Each problem is the link's path and where it leads.
pub fn links_outside(canonical_root: &Path, folder: &Path) -> Vec<(PathBuf, Option<PathBuf>)> {
    if std::fs::symlink_metadata(folder).is_err() {
        return Vec::new();
    }
    if let Err(target) = resolve_inside(canonical_root, folder) {
        // A broken link where the folder should be publishes nothing.
        return target
            .map(|t| vec![(folder.to_path_buf(), Some(t))])
            .unwrap_or_default();
    }
    let mut outside = Vec::new();
    for entry in WalkDir::new(folder)
        .follow_links(false)
        .into_iter()
        .flatten()
    {
        if entry.depth() == 0 || !entry.path_is_symlink() {
            continue;
        }
        if let Err(Some(target)) = resolve_inside(canonical_root, entry.path()) {
            outside.push((entry.path().to_path_buf(), Some(target)));
        }
    }
    outside
}

/// `outside-root` errors for the site folders of [`site_folders`].
pub fn check_site_folders(root: &Path, config: &Config) -> Vec<Diagnostic> {
    let croot = canonical_root(root);
    let mut out = Vec::new();
    for folder in site_folders(root, config.site.theme.as_deref()) {
        for (link, target) in links_outside(&croot, &folder) {
            let source = Arc::new(Source::new(link.clone(), String::new()));
            let name = link
                .strip_prefix(root)
                .unwrap_or(&link)
                .display()
                .to_string();
            out.push(
                Diagnostic::error(
                    Rule::OutsideRoot,
                    format!(
                        "`{name}` is a link that leads outside the knowledge base{}",
                        target.map_or(String::new(), |t| format!(", to {}", t.display()))
                    ),
                )
                .in_file(&source)
                .help(
                    "copy the file into the knowledge base instead: the site publishes only \
                     what is inside it",
                ),
            );
        }
    }
    out
}

/// The file path a link destination names, when it names one relative to
/// the post-mortem: no scheme (`https:`, `mailto:`), not site-absolute
/// (`/x`), not only a `#fragment`. Query and fragment are dropped and
/// `%XX` decoded, as a browser would before asking for the file.
pub fn relative_file(dest: &str) -> Option<String> {
    let dest = dest.trim();
    if dest.is_empty() || dest.starts_with(['#', '/', '\\', '?']) {
        return None;
    }
    if let Some((scheme, _)) = dest.split_once(':')
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return None;
    }
    let path = dest.split(['?', '#']).next().unwrap_or("");
    if path.is_empty() {
        return None;
    }
    Some(percent_decode(path))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
