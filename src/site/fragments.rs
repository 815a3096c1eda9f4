//! The theme's per-incident fragments: `card.html`, `reference.html` and
//! `action-item-rows.html`, rendered once per incident for every page
//! that lists it ([`views::Fragments`]).

use anyhow::Context as _;
use serde::Serialize;

use super::views::{self, ActionItemView, IncidentFragments, IncidentLink, SiteView};
use crate::render::theme::Theme;

/// Renders the fragments with the theme's templates.
pub struct ThemeFragments<'a> {
    pub theme: &'a Theme,
    pub site: &'a SiteView,
}

impl views::Fragments for ThemeFragments<'_> {
    fn render(
        &self,
        incident: &IncidentLink,
        items: &[ActionItemView],
    ) -> anyhow::Result<IncidentFragments> {
        #[derive(Serialize)]
        struct Data<'a> {
            incident: &'a IncidentLink,
            items: &'a [ActionItemView],
            site: &'a SiteView,
        }
        let context = |items| {
            tera::Context::from_serialize(Data {
                incident,
                items,
                site: self.site,
            })
        };
        let render = |template: &str, context: &tera::Context| {
            let html = self.theme.tera.render(template, context).with_context(|| {
                format!(
                    "cannot render incident {} with template `{template}`",
                    incident.id
                )
            })?;
            // Without the template file's last newline: a fragment goes
            // inside other markup, sometimes in the middle of a line.
            anyhow::Ok(html.trim().to_string())
        };
        // One context for the three templates: building it (serializing the
        // incident and its items) costs as much as rendering a fragment.
        let all = context(items)?;
        Ok(IncidentFragments {
            card: render("card.html", &all)?,
            reference: render("reference.html", &all)?,
            action_item_rows: if items.is_empty() {
                String::new()
            } else {
                render("action-item-rows.html", &all)?
            },
            // The first rows alone, for root-cause pages, when there are more.
            cause_item_rows: if items.len() > views::CAUSE_ITEMS_SHOWN {
                render(
                    "action-item-rows.html",
                    &context(&items[..views::CAUSE_ITEMS_SHOWN])?,
                )?
            } else {
                String::new()
            },
        })
    }

    fn key(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (self.theme.fingerprint, self.site).hash(&mut hasher);
        hasher.finish()
    }
}
