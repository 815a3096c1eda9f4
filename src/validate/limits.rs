//! `[limits]` over the whole knowledge base: the number of post-mortem
//! files. (The length of each front-matter list is checked where the list is
//! read, in [`crate::content::frontmatter`], so it points at the entry.)

use std::sync::Arc;

use crate::content::KnowledgeBase;
use crate::diag::{Diagnostic, Rule};
use crate::source::Source;
use crate::text::thousands;

/// `[limits] max_files`: a build writes a page per incident and lists each
/// on several index pages; past the limit a knowledge base is more likely a
/// mistake (the wrong folder, generated files) than a team's history.
pub fn check(kb: &KnowledgeBase) -> Vec<Diagnostic> {
    let max = kb.config.limits.max_files;
    if kb.files <= max {
        return Vec::new();
    }
    // A problem with the folder as a whole: reported against the folder.
    let dir = Arc::new(Source::new(kb.content_dir.clone(), String::new()));
    vec![
        Diagnostic::error(
            Rule::ResourceLimit,
            format!(
                "the post-mortem folder has {} files, over the limit of {}",
                thousands(kb.files as u64),
                thousands(max as u64)
            ),
        )
        .in_file(&dir)
        .help(format!(
            "check that `[content] dir` in {} names the right folder, or raise the limit: \
             `[limits]` then `max_files = {}`",
            crate::config::CONFIG_FILE,
            kb.files
        )),
    ]
}
