//! Source files as the diagnostics see them.
//!
//! Every span in Hindsight is a byte range into the text of one [`Source`].
//! Keeping the whole text (not just the front matter) lets a TOML error, a
//! timeline problem and a lint all point into the same `.md` file with the
//! line and column an editor shows.

use std::ops::Range;
use std::path::{Path, PathBuf};

/// A byte range into a [`Source`]'s text.
pub type Span = Range<usize>;

/// One file that was read, with the path it is reported under.
#[derive(Debug)]
pub struct Source {
    /// The path as the user should see it (the knowledge-base directory they
    /// named, joined with the file's path inside it).
    pub path: PathBuf,
    /// The file's text, with a leading byte-order mark removed. When the file
    /// was not valid UTF-8 this is a lossy decoding, used only for display.
    pub text: String,
    /// Byte offset of the start of every line, for offset → line/column.
    line_starts: Vec<usize>,
}

/// A 1-based line and column (in characters), as editors count them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl Source {
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Source {
            path: path.into(),
            text,
            line_starts,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many lines the text has (a final line ending does not start one
    /// more unless text follows it).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset where the 0-based line `index` starts, or the end of the
    /// text past the last line.
    pub fn line_start(&self, index: usize) -> usize {
        self.line_starts
            .get(index)
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The 0-based index of the line that holds byte `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Line and column of a byte offset. Offsets inside a UTF-8 sequence are
    /// rounded down to the character that holds them.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line = self.line_index(offset);
        let start = self.line_starts[line];
        LineCol {
            line: line + 1,
            column: self.text[start..offset].chars().count() + 1,
        }
    }

    /// The byte range of the 0-based line `index`, without its line ending.
    pub fn line_span(&self, index: usize) -> Span {
        let start = self.line_starts[index];
        let end = self
            .line_starts
            .get(index + 1)
            .map_or(self.text.len(), |next| next - 1);
        let end = if self.text[start..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        start..end
    }

    /// The byte range of whole lines covering `span`, for showing a snippet.
    pub fn lines_around(&self, span: &Span) -> Span {
        let first = self.line_index(span.start);
        let last = self.line_index(span.end.saturating_sub(1).max(span.start));
        self.line_starts[first]..self.line_span(last).end
    }
}

/// The largest char boundary of `s` at or before `i`.
pub fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let src = Source::new("x.md", "ab\nçé—x\r\nlast".to_string());
        assert_eq!(src.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(src.line_col(3), LineCol { line: 2, column: 1 });
        // 'x' comes after three multi-byte characters.
        let x = src.text.find('x').unwrap();
        assert_eq!(src.line_col(x), LineCol { line: 2, column: 4 });
        assert_eq!(&src.text[src.line_span(1)], "çé—x");
        assert_eq!(src.line_col(src.text.len()), LineCol { line: 3, column: 5 });
    }
}
