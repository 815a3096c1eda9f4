//! What a build keeps for the next one: `serve` builds again after every
//! save, and all but the saved post-mortem are as they were.
//!
//! Everything kept is reused only for the very post-mortem it was made
//! from: the load keeps a file's `Arc<PostMortem>` while the file and the
//! config are unchanged, so the same `Arc` means the same input.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::views::MadeIncident;
use crate::search::related;

/// What one build keeps for the next ([`super::BuildOptions::cache`]).
#[derive(Debug, Default)]
pub struct BuildCache {
    /// Each incident's list view and rendered fragments.
    pub(super) incidents: Kept,
    /// Each post-mortem's term counts, for the related incidents.
    pub(super) related: related::Cache,
}

/// Each included incident as [`super::views::Views`] made it, by file, and
/// the key of the renderer that made them ([`super::views::Fragments::key`]).
#[derive(Default)]
pub struct Kept(Mutex<(u64, HashMap<String, Arc<MadeIncident>>)>);

impl std::fmt::Debug for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Kept")
    }
}

impl Kept {
    /// What was kept, if made by a renderer of `key` (else nothing: the
    /// theme, or a site value such as the date, changed).
    pub fn take(&self, key: u64) -> HashMap<String, Arc<MadeIncident>> {
        let mut kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let (made_with, incidents) = &mut *kept;
        let incidents = std::mem::take(incidents);
        if *made_with == key {
            incidents
        } else {
            HashMap::new()
        }
    }

    /// Keeps `incidents`, made by a renderer of `key`, for the next build.
    pub fn keep<'m>(&self, key: u64, incidents: impl Iterator<Item = &'m Arc<MadeIncident>>) {
        let incidents = incidents
            .map(|made| (made.rel_path().to_string(), Arc::clone(made)))
            .collect();
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = (key, incidents);
    }
}
