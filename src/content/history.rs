//! What git says about each post-mortem, when the knowledge base is in a git
//! repository: when it was first committed, when it last changed (and in
//! which commit), and when its `status` first read `"final"`.
//!
//! One walk of the history for all files (libgit2 through `git2`, not
//! `git log` output): each commit is compared with its parent, limited to
//! the post-mortem folder, so the cost grows with the commits that touched
//! post-mortems, not with files times commits. Outside a repository, or
//! when git cannot be read, there is simply no history: pages and metrics
//! leave it out.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use jiff::Timestamp;

use super::KnowledgeBase;

/// One post-mortem's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileHistory {
    /// The oldest commit that has the file at its current path.
    pub added: Timestamp,
    /// The newest commit that changed it, and that commit's id.
    pub changed: Timestamp,
    pub commit: String,
    /// The oldest commit in which its front matter says `status = "final"`
    /// (only looked for in files that were asked about).
    pub finalized: Option<Timestamp>,
}

/// Every post-mortem's history, by its path relative to the knowledge base
/// root (`PostMortem::rel_path`).
#[derive(Clone, Debug, Default)]
pub struct History {
    files: HashMap<String, FileHistory>,
    /// The knowledge base root's path inside the repository (`""` when it
    /// is the repository's root), `/`-separated: for links to the hosting
    /// service.
    pub repo_path: String,
}

impl History {
    /// The history of the post-mortem at `rel_path`, if git has it.
    pub fn file(&self, rel_path: &str) -> Option<&FileHistory> {
        self.files.get(rel_path)
    }

    /// `rel_path` as a path from the repository's root.
    pub fn repo_file(&self, rel_path: &str) -> String {
        if self.repo_path.is_empty() {
            rel_path.to_string()
        } else {
            format!("{}/{rel_path}", self.repo_path)
        }
    }
}

/// The history of `kb`'s post-mortems, or `None` outside a git repository
/// (or one git cannot read, or with no commits yet, or with `[site] git =
/// false`). `finalized` is looked
/// for in the post-mortems with no `published` date only: it costs reading
/// each version of the file.
pub fn read(kb: &KnowledgeBase) -> Option<History> {
    if !kb.config.site.git {
        return None;
    }
    let repo = git2::Repository::discover(&kb.root).ok()?;
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let root = kb.root.canonicalize().ok()?;
    let content = kb.content_dir.canonicalize().ok()?;
    let repo_path = slashed(root.strip_prefix(&workdir).ok()?);
    let content_in_repo = slashed(content.strip_prefix(&workdir).ok()?);
    // Paths git reports are from the repository root; the model's are from
    // the knowledge base root.
    let prefix = if repo_path.is_empty() {
        String::new()
    } else {
        format!("{repo_path}/")
    };
    let wanted: HashSet<String> = kb
        .postmortems
        .iter()
        .map(|pm| format!("{prefix}{}", pm.rel_path))
        .collect();
    let needs_final: HashSet<String> = kb
        .postmortems
        .iter()
        .filter(|pm| pm.details.published.is_none())
        .map(|pm| format!("{prefix}{}", pm.rel_path))
        .collect();
    let files = walk(&repo, &content_in_repo, &wanted, &needs_final).ok()?;
    Some(History {
        files: files
            .into_iter()
            .filter_map(|(path, h)| Some((path.strip_prefix(&prefix)?.to_string(), h)))
            .collect(),
        repo_path,
    })
}

fn slashed(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Newest commit first, each non-merge commit against its parent (a merge
/// brings changes its branch's commits already show).
fn walk(
    repo: &git2::Repository,
    content: &str,
    wanted: &HashSet<String>,
    needs_final: &HashSet<String>,
) -> Result<HashMap<String, FileHistory>, git2::Error> {
    let mut files: HashMap<String, FileHistory> = HashMap::new();
    let mut walk = repo.revwalk()?;
    if walk.push_head().is_err() {
        // No commits yet.
        return Ok(files);
    }
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME)?;
    let mut options = git2::DiffOptions::new();
    if !content.is_empty() {
        options.pathspec(content);
    }
    for id in walk {
        let commit = repo.find_commit(id?)?;
        if commit.parent_count() > 1 {
            continue;
        }
        let at = Timestamp::from_second(commit.time().seconds()).unwrap_or(Timestamp::UNIX_EPOCH);
        let tree = commit.tree()?;
        let parent = match commit.parent(0) {
            Ok(p) => Some(p.tree()?),
            Err(_) => None,
        };
        let diff = repo.diff_tree_to_tree(parent.as_ref(), Some(&tree), Some(&mut options))?;
        for delta in diff.deltas() {
            if delta.status() == git2::Delta::Deleted {
                continue;
            }
            let Some(path) = delta.new_file().path().map(slashed) else {
                continue;
            };
            if !wanted.contains(&path) {
                continue;
            }
            let finalized = needs_final.contains(&path)
                && repo
                    .find_blob(delta.new_file().id())
                    .is_ok_and(|blob| says_final(blob.content()));
            let entry = files.entry(path).or_insert_with(|| FileHistory {
                added: at,
                changed: at,
                commit: id_text(commit.id()),
                finalized: None,
            });
            // Older commits come later in the walk.
            entry.added = at;
            if finalized {
                entry.finalized = Some(at);
            }
        }
    }
    Ok(files)
}

fn id_text(id: git2::Oid) -> String {
    id.to_string()
}

/// Whether a post-mortem's front matter says `status = "final"`: its TOML,
/// between the `+++` lines, has that key and value (any spacing, either
/// quote). A quick look, not a parse: a version that does not load is
/// simply not final.
fn says_final(text: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(text) else {
        return false;
    };
    let mut lines = text.lines();
    if lines.next().map(str::trim) != Some("+++") {
        return false;
    }
    lines
        .take_while(|l| l.trim() != "+++")
        .filter_map(|l| l.split_once('='))
        .any(|(key, value)| {
            key.trim() == "status"
                && matches!(
                    value.split('#').next().map(str::trim),
                    Some("\"final\"" | "'final'")
                )
        })
}

/// Links to a file on its hosting service, from `[site] repo_url`: its
/// history and an editor. GitHub's forms (`/commits/BRANCH/PATH`,
/// `/edit/BRANCH/PATH`) unless the URL's host names GitLab, whose forms
/// have `/-/` first.
pub fn links(repo_url: &str, branch: &str, repo_file: &str) -> (String, String) {
    let base = repo_url.trim_end_matches('/').trim_end_matches(".git");
    let host = base
        .split("://")
        .nth(1)
        .unwrap_or(base)
        .split('/')
        .next()
        .unwrap_or("");
    let dash = if host.contains("gitlab") { "/-" } else { "" };
    let file = crate::text::encode_path(repo_file);
    let branch = crate::text::encode_path(branch);
    (
        format!("{base}{dash}/commits/{branch}/{file}"),
        format!("{base}{dash}/edit/{branch}/{file}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_is_read_from_the_front_matter_only() {
        assert!(says_final(b"+++\ntitle = \"x\"\nstatus = \"final\"\n+++\n"));
        assert!(says_final(b"+++\nstatus='final' # done\n+++\n"));
        assert!(!says_final(
            b"+++\nstatus = \"review\"\n+++\nstatus = \"final\"\n"
        ));
        assert!(!says_final(b"status = \"final\"\n"));
        assert!(!says_final(b"+++\nstatus_note = \"final\"\n+++\n"));
        assert!(!says_final(&[0xff, 0xfe]));
    }

    #[test]
    fn links_follow_github_and_gitlab() {
        assert_eq!(
            links("https://github.com/acme/pm/", "main", "postmortems/a b.md"),
            (
                "https://github.com/acme/pm/commits/main/postmortems/a%20b.md".to_string(),
                "https://github.com/acme/pm/edit/main/postmortems/a%20b.md".to_string()
            )
        );
        assert_eq!(
            links("https://gitlab.example.com/sre/pm.git", "trunk", "kb/x.md").0,
            "https://gitlab.example.com/sre/pm/-/commits/trunk/kb/x.md"
        );
    }
}
