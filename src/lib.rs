//! Hindsight: a static-site generator for incident post-mortem knowledge bases.
//!
//! The pipeline runs in stages that talk through plain data:
//! [`config`] and [`content`] read the knowledge base into a
//! [`content::KnowledgeBase`]; [`validate`] checks it against the template
//! and FORMAT.md, producing [`diag::Diagnostic`]s; [`cli`] ties them to
//! commands.

pub mod analysis;
pub mod cli;
pub mod config;
pub mod content;
pub mod diag;
pub mod import;
pub mod render;
pub mod search;
pub mod serve;
pub mod site;
pub mod source;
pub mod suggest;
pub mod text;
pub mod validate;
