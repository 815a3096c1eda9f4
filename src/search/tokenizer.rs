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

/// The tokens of one text, computed up front: the analyzer is a callback
/// over the text, tantivy pulls tokens one by one, and texts are small.
pub struct HindsightTokenStream {
    tokens: std::vec::IntoIter<Token>,
    /// The token last advanced to (a default one before the first).
    current: Token,
}

impl Tokenizer for HindsightTokenizer {
    type TokenStream<'a> = HindsightTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> HindsightTokenStream {
        let mut tokens = Vec::new();
        analyzer::tokenize(text, |t| {
            tokens.push(Token {
                offset_from: t.from,
                offset_to: t.to,
                position: t.position,
                text: t.text,
                position_length: 1,
            });
        });
        HindsightTokenStream {
            tokens: tokens.into_iter(),
            current: Token::default(),
        }
    }
}

impl TokenStream for HindsightTokenStream {
    fn advance(&mut self) -> bool {
        match self.tokens.next() {
            Some(token) => {
                self.current = token;
                true
            }
            None => false,
        }
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
