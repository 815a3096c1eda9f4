//! The public view of a knowledge base, for `build --public`: its public
//! post-mortems only, with the `[public] redact` fields taken out.
//!
//! The site is built from this view as from any knowledge base, so every
//! page, feed, export and metric sees the same post-mortems and no page
//! kind can forget to filter: what is not in the view cannot be published.
//! The local search index is not built from it (see `cli::build`).

use std::collections::BTreeSet;

use crate::config::{PublicConfig, Redacted, Visibility};

use super::model::{Catalogue, KnowledgeBase, PostMortem, Status};

/// `kb` with only its public post-mortems, drafts only with `drafts`, each
/// redacted as `config` says.
///
/// Drafts are left out here rather than by the site's selection: a site
/// counts its drafts in the metrics (and `metrics.json` lists them), which
/// inside the company is honest and outside it would publish a write-up
/// nobody has signed off yet.
pub fn public_view(kb: &KnowledgeBase, config: &PublicConfig, drafts: bool) -> KnowledgeBase {
    let postmortems: Vec<PostMortem> = kb
        .postmortems
        .iter()
        .filter(|pm| pm.visibility == Visibility::Public)
        .filter(|pm| drafts || *pm.status != Status::Draft)
        .map(|pm| PostMortem::clone(pm))
        .collect();
    let ids: BTreeSet<String> = postmortems.iter().map(|pm| pm.id.value.clone()).collect();
    let postmortems: Vec<std::sync::Arc<PostMortem>> = postmortems
        .into_iter()
        .map(|mut pm| {
            redact(&mut pm, &config.redact);
            // Nothing shows a `related` id that is not on the site, but an
            // internal id has no business in the public model at all.
            pm.details
                .related
                .retain(|link| ids.contains(link.value.as_str()));
            std::sync::Arc::new(pm)
        })
        .collect();
    // The catalogue is only looked up by the causes of the incidents shown;
    // trimming it to those keeps an internal-only cause's title out of reach
    // of any page that may list the catalogue one day.
    let causes: BTreeSet<&str> = postmortems
        .iter()
        .flat_map(|pm| pm.details.root_causes.iter().map(|c| c.id.as_str()))
        .collect();
    let catalogue = kb.catalogue.as_ref().map(|catalogue| Catalogue {
        causes: catalogue
            .causes
            .iter()
            .filter(|(id, _)| causes.contains(id.as_str()))
            .map(|(id, entry)| (id.clone(), entry.clone()))
            .collect(),
    });
    KnowledgeBase {
        root: kb.root.clone(),
        content_dir: kb.content_dir.clone(),
        config: kb.config.clone(),
        catalogue,
        files: postmortems.len(),
        postmortems,
        // Names of files that failed to load only matter to `check`.
        unloaded: Vec::new(),
    }
}

/// Takes the `redact` fields out of `pm`.
fn redact(pm: &mut PostMortem, redact: &[Redacted]) {
    for field in redact {
        match field {
            Redacted::Authors => pm.details.authors.clear(),
            Redacted::ActionItemOwner => {
                for item in &mut pm.details.action_items {
                    item.owner = None;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::load;

    #[test]
    fn keeps_public_post_mortems_and_redacts_them() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("postmortems");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(root.path().join("hindsight.toml"), "").unwrap();
        let write = |id: &str, visibility: &str| {
            std::fs::write(
                dir.join(format!("{id}.md")),
                format!(
                    "+++\ntitle = \"{id}\"\ndate = 2025-01-02\nseverity = \"SEV-2\"\n\
                     status = \"final\"\nservices = [\"api\"]\nvisibility = \"{visibility}\"\n\
                     authors = [\"Ada\"]\nrelated = [\"secret\", \"open\"]\n\
                     [[action_items]]\ntitle = \"Fix it\"\nowner = \"Grace\"\n+++\n\n## Summary\n\nx\n"
                ),
            )
            .unwrap();
        };
        write("secret", "internal");
        write("open", "public");
        write("shared", "public");
        let kb = load(root.path()).unwrap().kb;
        let view = public_view(&kb, &PublicConfig::default(), false);
        let ids: Vec<&str> = view.postmortems.iter().map(|pm| pm.id.as_str()).collect();
        assert_eq!(ids, ["open", "shared"]);
        for pm in &view.postmortems {
            assert!(pm.details.authors.is_empty());
            assert!(pm.details.action_items[0].owner.is_none());
            assert!(pm.details.related.iter().all(|r| r.as_str() != "secret"));
        }
        // A public draft only with drafts.
        let draft = dir.join("shared.md");
        let text = std::fs::read_to_string(&draft).unwrap();
        std::fs::write(&draft, text.replace("\"final\"", "\"draft\"")).unwrap();
        let kb = load(root.path()).unwrap().kb;
        assert_eq!(
            public_view(&kb, &PublicConfig::default(), false)
                .postmortems
                .len(),
            1
        );
        assert_eq!(
            public_view(&kb, &PublicConfig::default(), true)
                .postmortems
                .len(),
            2
        );
        let kept = public_view(&kb, &PublicConfig { redact: Vec::new() }, false);
        assert_eq!(kept.postmortems[0].details.authors, ["Ada"]);
        assert_eq!(
            kept.postmortems[0].details.action_items[0]
                .owner
                .as_ref()
                .map(|o| o.as_str()),
            Some("Grace")
        );
    }
}
