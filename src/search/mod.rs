//! Search: the analyzer shared by the index, related incidents and the
//! in-browser search; the tantivy schema and index; queries.
//!
//! Reads the plain model (`content`), never the site: `build` and `search`
//! both call it with a loaded knowledge base.

pub mod analyzer;
pub mod export;
pub mod index;
pub mod query;
pub mod related;
pub mod schema;
pub mod tokenizer;
