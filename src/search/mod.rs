//! Search: the analyzer shared by the index, related incidents and the
//! in-browser search.

pub mod analyzer;
pub mod related;
