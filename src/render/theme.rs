//! Themes: tera templates and static files.
//!
//! The default theme (`themes/default`) is compiled into the binary, so an
//! installed `hindsight` works anywhere. On top of it, in order, and file by
//! file (as in Zola): the knowledge base's `themes/<[site] theme>/`, then its
//! own `templates/` and `static/`.

use std::collections::BTreeMap;
use std::path::Path;

use include_dir::{Dir, include_dir};
use tera::Tera;
use walkdir::WalkDir;

use crate::content::paths;

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A loaded theme: templates ready to render and the static files to copy.
pub struct Theme {
    pub tera: Tera,
    /// Output path (relative) → bytes.
    pub static_files: BTreeMap<String, Vec<u8>>,
    /// A hash of every template's name and text: two loads with the same
    /// fingerprint render alike (`serve` keeps what it rendered while the
    /// theme has not changed).
    pub fingerprint: u64,
}

/// Why a theme could not be loaded.
#[derive(Debug)]
pub struct ThemeError(pub String);

impl std::fmt::Display for ThemeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ThemeError {}

fn add_embedded(
    dir: &Dir<'static>,
    templates: &mut BTreeMap<String, String>,
    statics: &mut BTreeMap<String, Vec<u8>>,
) {
    for entry in dir.entries() {
        let file = match entry {
            include_dir::DirEntry::Dir(sub) => {
                add_embedded(sub, templates, statics);
                continue;
            }
            include_dir::DirEntry::File(file) => file,
        };
        let path = file.path().to_string_lossy().replace('\\', "/");
        if let Some(name) = path.strip_prefix("templates/") {
            templates.insert(
                name.to_string(),
                String::from_utf8_lossy(file.contents()).into_owned(),
            );
        } else if let Some(name) = path.strip_prefix("static/") {
            let bytes = if name.ends_with(".js") {
                minified_js(file.contents())
            } else {
                file.contents().to_vec()
            };
            statics.insert(name.to_string(), bytes);
        }
    }
}

/// Our own scripts without their comments and indentation: `search.js`
/// is most of what a cold search fetches, and a third of it is comments
/// written for whoever reads the theme. Only the default theme's scripts,
/// which the browser tests run minified; a team's own are shipped as they
/// are. Should the minifier ever fail, the script goes out unchanged.
fn minified_js(source: &[u8]) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(source) else {
        return source.to_vec();
    };
    match minifier::js::minify(text) {
        Ok(min) => {
            let mut out = min.to_string().into_bytes();
            out.push(b'\n');
            out
        }
        Err(_) => source.to_vec(),
    }
}

fn outside(path: &Path, target: &Path) -> ThemeError {
    ThemeError(format!(
        "{} leads outside the knowledge base (to {}): not publishing or reading it [outside-root]",
        path.display(),
        target.display()
    ))
}

/// Adds every file below `dir` to `into` (keyed by its `/`-separated path
/// relative to `dir`), replacing what was there. Nothing outside the
/// knowledge base (`canonical_root`) is read: the folder and every link in
/// it are resolved first. `check` reports the same links as `outside-root`
/// errors; this is the last line, for a build that skipped it.
fn add_dir<T>(
    canonical_root: &Path,
    dir: &Path,
    into: &mut BTreeMap<String, T>,
    read: impl Fn(&Path) -> std::io::Result<T>,
) -> Result<(), ThemeError> {
    if !dir.is_dir() {
        return Ok(());
    }
    if let Err(Some(target)) = paths::resolve_inside(canonical_root, dir) {
        return Err(outside(dir, &target));
    }
    for entry in WalkDir::new(dir).follow_links(false).sort_by_file_name() {
        let entry = entry.map_err(|e| ThemeError(format!("cannot read {}: {e}", dir.display())))?;
        if entry.depth() > 0 && entry.path_is_symlink() {
            // A link to a file inside the knowledge base is read like the
            // file; links to folders are not followed.
            match paths::resolve_inside(canonical_root, entry.path()) {
                Ok(target) if target.is_file() => {}
                Ok(_) | Err(None) => continue,
                Err(Some(target)) => return Err(outside(entry.path(), &target)),
            }
        } else if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let name = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if name.split('/').any(|part| part.starts_with('.')) {
            continue;
        }
        let value = read(entry.path())
            .map_err(|e| ThemeError(format!("cannot read {}: {e}", entry.path().display())))?;
        into.insert(name, value);
    }
    Ok(())
}

impl Theme {
    /// Loads the default theme, then `theme` from `root/themes/`, then the
    /// knowledge base's own `templates/` and `static/`.
    pub fn load(root: &Path, theme: Option<&str>) -> Result<Theme, ThemeError> {
        let mut templates = BTreeMap::new();
        let mut statics = BTreeMap::new();
        add_embedded(&DEFAULT_THEME, &mut templates, &mut statics);
        let mut layers = Vec::new();
        if let Some(name) = theme {
            let dir = root.join("themes").join(name);
            if !dir.is_dir() || name.contains(['/', '\\']) || name.starts_with('.') {
                return Err(ThemeError(format!(
                    "theme `{name}` not found: expected a folder {}",
                    dir.display()
                )));
            }
            layers.push(dir);
        }
        layers.push(root.to_path_buf());
        let croot = paths::canonical_root(root);
        for layer in layers {
            if let Err(Some(target)) = paths::resolve_inside(&croot, &layer) {
                return Err(outside(&layer, &target));
            }
            add_dir(&croot, &layer.join("templates"), &mut templates, |p| {
                std::fs::read_to_string(p)
            })?;
            add_dir(&croot, &layer.join("static"), &mut statics, |p| {
                std::fs::read(p)
            })?;
        }
        let mut tera = Tera::default();
        // Tera registers `get_env` whatever its features: a template in the
        // knowledge base (any pull request) could print CI's secrets into
        // the published site. Replaced by a function that always fails.
        tera.register_function(
            "get_env",
            |_: &std::collections::HashMap<String, tera::Value>| {
                Err(tera::Error::msg(
                    "`get_env` is disabled: templates cannot read environment variables",
                ))
            },
        );
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape);
        tera.add_raw_templates(templates.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| ThemeError(format!("a template does not parse: {}", error_chain(&e))))?;
        let fingerprint = {
            use std::hash::{Hash, Hasher};
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            templates.hash(&mut hasher);
            hasher.finish()
        };
        Ok(Theme {
            tera,
            static_files: statics,
            fingerprint,
        })
    }
}

/// HTML/XML escaping for templates: the five characters that matter in text
/// and quoted attributes (tera's default also escapes `/`, which only makes
/// URLs unreadable).
pub fn escape(input: &str) -> String {
    // Copy runs of ordinary bytes at once; most values have nothing to escape.
    let bytes = input.as_bytes();
    let mut out = String::with_capacity(input.len() + 8);
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&input[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&input[start..]);
    out
}

/// A tera error with its causes, which hold the useful part.
pub fn error_chain(e: &tera::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_scripts_are_shipped_without_comments_and_regexes_intact() {
        let dir = tempfile::tempdir().unwrap();
        let theme = Theme::load(dir.path(), None).unwrap();
        let source = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/search.js"),
        )
        .unwrap();
        let shipped = String::from_utf8(theme.static_files["search.js"].clone()).unwrap();
        assert!(source.contains("// In-browser search"));
        assert!(!shipped.contains("In-browser search"), "comments are out");
        assert!(
            shipped.len() * 4 < source.len() * 3,
            "{} of {} bytes",
            shipped.len(),
            source.len()
        );
        // The analyzer's Unicode regexes must reach the browser unchanged.
        assert!(shipped.contains(r"/[\p{Alphabetic}\p{N}]/u"), "{shipped}");
    }

    #[test]
    fn escapes_the_five_characters_only() {
        assert_eq!(
            escape("a & b < c > d \"e\" 'f' / é"),
            "a &amp; b &lt; c &gt; d &quot;e&quot; &#39;f&#39; / é"
        );
        assert_eq!(escape(""), "");
    }

    #[test]
    fn templates_cannot_read_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("templates")).unwrap();
        std::fs::write(
            dir.path().join("templates/leak.html"),
            "{{ get_env(name=\"HOME\") }}",
        )
        .unwrap();
        let theme = Theme::load(dir.path(), None).unwrap();
        let err = theme
            .tera
            .render("leak.html", &tera::Context::new())
            .unwrap_err();
        assert!(
            error_chain(&err).contains("`get_env` is disabled"),
            "{}",
            error_chain(&err)
        );
    }

    #[cfg(unix)]
    #[test]
    fn nothing_outside_the_knowledge_base_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("kb");
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(root.join("static")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret.txt"), "s3cret").unwrap();
        std::os::unix::fs::symlink(outside.join("secret.txt"), root.join("static/a.txt")).unwrap();
        let err = Theme::load(&root, None).err().unwrap();
        assert!(err.0.contains("outside the knowledge base"), "{err}");
        std::fs::remove_file(root.join("static/a.txt")).unwrap();
        std::fs::remove_dir(root.join("static")).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("static")).unwrap();
        assert!(Theme::load(&root, None).is_err());
    }
}
