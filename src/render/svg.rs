//! Inline SVG drawings and charts, rendered at build time (no scripts).
