//! Watching the knowledge base (notify): post-mortems, `root-causes.toml`,
//! `hindsight.toml` and a theme in `themes/` are all under its root, so one
//! recursive watch sees them all.

use std::path::{Component, Path};
use std::sync::mpsc::Sender;

use anyhow::Context as _;
use notify::{EventKind, RecursiveMode, Watcher as _};

use super::Event;

/// Starts watching `root`; each change that can alter the site sends
/// [`Event::Changed`]. Watching stops when the returned watcher is dropped.
pub fn start(root: &Path, tx: Sender<Event>) -> anyhow::Result<notify::RecommendedWatcher> {
    let canonical = root
        .canonicalize()
        .with_context(|| format!("cannot read {}", root.display()))?;
    let base = canonical.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else {
            // The watch itself failed (for example, too many files for the
            // system's inotify limit): rebuild rather than miss a change.
            let _ = tx.send(Event::Changed);
            return;
        };
        if matters(&event, &base) {
            let _ = tx.send(Event::Changed);
        }
    })
    .context("cannot watch the knowledge base for changes")?;
    watcher
        .watch(&canonical, RecursiveMode::Recursive)
        .with_context(|| format!("cannot watch {} for changes", root.display()))?;
    Ok(watcher)
}

/// Whether `event` can change the site: a file created, written, renamed
/// or removed, outside the folders Hindsight or git write and the
/// temporary files of editors.
fn matters(event: &notify::Event, root: &Path) -> bool {
    let kind = matches!(
        event.kind,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any
    );
    // Reading a file's metadata is not a change.
    let metadata_only = matches!(
        event.kind,
        EventKind::Modify(notify::event::ModifyKind::Metadata(_))
    );
    kind && !metadata_only
        && event
            .paths
            .iter()
            .any(|p| !ignored(p.strip_prefix(root).unwrap_or(p)))
}

/// Paths (relative to the root) whose changes are not the knowledge base's:
/// hidden files and folders (`.git/`, `.hindsight/` where the search index
/// lives, `.x.md.swp`), the site `build` writes (`public/`), and the
/// scratch files editors save through (`x.md~`, `#x.md#`, vim's `4913`).
fn ignored(rel: &Path) -> bool {
    let mut components = rel.components().peekable();
    if components.peek() == Some(&Component::Normal("public".as_ref())) {
        return true;
    }
    let hidden = rel.components().any(|c| match c {
        Component::Normal(name) => name.to_string_lossy().starts_with('.'),
        _ => false,
    });
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    hidden
        || name.ends_with('~')
        || name.starts_with('#')
        || name == "4913"
        || [".swp", ".swx", ".tmp", ".bak"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rebuilds(rel: &str) -> bool {
        !ignored(Path::new(rel))
    }

    #[test]
    fn the_knowledge_base_rebuilds_and_scratch_files_do_not() {
        for rel in [
            "postmortems/2025-01-01-x.md",
            "hindsight.toml",
            "root-causes.toml",
            "themes/default/templates/base.html",
            "postmortems/2025/graph.png",
        ] {
            assert!(rebuilds(rel), "{rel}");
        }
        for rel in [
            ".git/index",
            ".hindsight/index/meta.json",
            "public/index.html",
            "postmortems/.2025-01-01-x.md.swp",
            "postmortems/2025-01-01-x.md~",
            "postmortems/#2025-01-01-x.md#",
            "postmortems/4913",
        ] {
            assert!(!rebuilds(rel), "{rel}");
        }
    }
}
