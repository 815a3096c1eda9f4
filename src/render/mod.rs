//! Rendering: Markdown to HTML, and themes (tera templates + static files).
//! What goes into the templates is built by [`crate::site::views`].

pub mod markdown;
pub mod svg;
pub mod theme;
