//! [`analyzer::tokenize`] as a tantivy [`Tokenizer`], registered as
//! [`TOKENIZER`] for every text field: the index, the query parser and the
//! snippets then all split text the one way the browser mirrors.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::analyzer;

/// The name the analyzer is registered under in the index.
pub const TOKENIZER: &str = "hindsight";

/// The analyzer, for tantivy. Stateless: tokens are computed per text.
#[derive(Clone, Debug, Default)]
pub struct HindsightTokenizer;

/// The tokens of one text, computed up front (the analyzer is a callback
/// over the text, tantivy pulls tokens one by one): their terms end to end
/// in one String, and the current token's text is copied into one reused
/// `Token`. Indexing 10,000 post-mortems is millions of tokens; a String
/// each was a tenth of the index's build time.
pub struct HindsightTokenStream {
    /// Every term, end to end.
    terms: String,
    /// Per token: end of its term in `terms`, byte range in the text, position.
    tokens: Vec<(usize, usize, usize, usize)>,
    next: usize,
    /// The token last advanced to (a default one before the first).
    current: Token,
}

impl Tokenizer for HindsightTokenizer {
    type TokenStream<'a> = HindsightTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> HindsightTokenStream {
        let mut terms = String::with_capacity(text.len() + text.len() / 4);
        let mut tokens = Vec::new();
        let mut lower = String::new();
        analyzer::tokenize_borrowed(text, &mut lower, |t| {
            terms.push_str(t.text);
            tokens.push((terms.len(), t.from, t.to, t.position));
        });
        HindsightTokenStream {
            terms,
            tokens,
            next: 0,
            current: Token::default(),
        }
    }
}

impl TokenStream for HindsightTokenStream {
    fn advance(&mut self) -> bool {
        let Some(&(end, from, to, position)) = self.tokens.get(self.next) else {
            return false;
        };
        let start = match self.next {
            0 => 0,
            n => self.tokens[n - 1].0,
        };
        self.next += 1;
        let t = &mut self.current;
        t.text.clear();
        t.text.push_str(&self.terms[start..end]);
        t.offset_from = from;
        t.offset_to = to;
        t.position = position;
        t.position_length = 1;
        true
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_the_analyzers_positions_and_offsets() {
        let text = "the payments-api failed";
        let mut tokenizer = HindsightTokenizer;
        let mut stream = tokenizer.token_stream(text);
        let mut seen = Vec::new();
        while let Some(t) = stream.next() {
            seen.push((
                t.text.clone(),
                t.position,
                text[t.offset_from..t.offset_to].to_string(),
            ));
        }
        let seen: Vec<(&str, usize, &str)> = seen
            .iter()
            .map(|(a, p, b)| (a.as_str(), *p, b.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                ("the", 0, "the"),
                ("payments-api", 1, "payments-api"),
                ("payments", 1, "payments"),
                ("api", 2, "api"),
                ("failed", 3, "failed"),
            ]
        );
    }
}
