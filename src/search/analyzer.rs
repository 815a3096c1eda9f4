//! The one analyzer: how text becomes search terms, for the tantivy index,
//! for related incidents, and (mirrored line by line in `search.js`) for
//! queries typed in the browser. Change it on both sides or not at all:
//! the in-browser ranking must equal `hindsight search`'s.
//!
//! Incidents are full of identifiers (`payments-api`, `orders_db`,
//! `PgBouncer`, `10.0.3.7`), so an identifier is indexed whole *and* in
//! parts: `payments-api` gives `payments-api`, `payments` and `api`;
//! `PgBouncer` gives `pgbouncer`, `pg` and `bouncer`. A search for any of
//! them finds it, and a search for the whole identifier ranks the incidents
//! that name it exactly first (they match three terms, not two).
//!
//! The rules, in order:
//! 1. A *word* is a run of alphanumeric characters (Unicode `Alphabetic` or
//!    `Numeric`, as Rust's `char::is_alphanumeric` and JavaScript's
//!    `/[\p{Alphabetic}\p{N}]/u`), and a *compound* is words joined by single
//!    connectors `-`, `_`, `.`, `/` or `:` (`payments-api`, `a.b.c`).
//! 2. Each word splits further at case changes: before an upper-case letter
//!    that follows a lower-case one (`PgBouncer` → `Pg` `Bouncer`), and
//!    before the last of a run of upper-case letters when a lower-case one
//!    follows (`HTTPServer` → `HTTP` `Server`). Digits never split.
//! 3. Every part is a term, lower-cased, at consecutive positions (so
//!    phrases work across parts). A compound or split word of more than one
//!    part is also a term whole (lower-cased, connectors kept), at the
//!    position of its first part, emitted before the parts.
//! 4. Terms longer than [`MAX_TERM_CHARS`] characters are dropped (hashes,
//!    base64): they would bloat the index and match nothing typed.
//!
//! No stemming and no stop words: BM25's idf already weighs common words
//! down, and both would have to be mirrored exactly in the browser.

/// Longer terms are dropped (rule 4).
pub const MAX_TERM_CHARS: usize = 40;

/// One term of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// Lower-cased.
    pub text: String,
    /// Byte range in the text it came from.
    pub from: usize,
    pub to: usize,
    /// Word position, for phrases: a whole compound shares its first part's.
    pub position: usize,
}

fn is_connector(c: char) -> bool {
    matches!(c, '-' | '_' | '.' | '/' | ':')
}

/// The terms of `text`, in order, each given to `emit` as an owned
/// [`Token`]. [`tokenize_borrowed`] is the one implementation; this is
/// for callers that keep the terms.
pub fn tokenize(text: &str, mut emit: impl FnMut(Token)) {
    let mut lower = String::new();
    tokenize_borrowed(text, &mut lower, |t| {
        emit(Token {
            text: t.text.to_string(),
            from: t.from,
            to: t.to,
            position: t.position,
        })
    });
}

/// The terms of `text` as strings, in order.
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    tokenize(text, |t| out.push(t.text));
    out
}

/// One term of a text, borrowed: what [`tokenize_borrowed`] gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TermRef<'a> {
    /// Lower-cased: a slice of the text itself when it is lower case
    /// already, else of the caller's buffer.
    pub text: &'a str,
    /// Byte range in the text it came from.
    pub from: usize,
    pub to: usize,
    /// Word position, as [`Token::position`].
    pub position: usize,
}

/// The terms of `text` (the rules above), without allocating: a term that is already lower case is a slice of
/// `text`, and one that is not is lower-cased into `lower`, reused from
/// term to term (and by the caller from text to text). For callers that
/// count terms rather than keep them (related incidents): on 10,000
/// post-mortems a String per term is millions of allocations.
pub fn tokenize_borrowed(text: &str, lower: &mut String, mut emit: impl FnMut(TermRef<'_>)) {
    let bytes = text.as_bytes();
    let mut position = 0;
    let mut at = 0;
    // Parts of the current compound: byte ranges, the one Vec for all.
    let mut parts: Vec<(usize, usize)> = Vec::new();
    while at < text.len() {
        let Some(c) = char_at(text, at) else {
            break;
        };
        if !c.is_alphanumeric() {
            at += c.len_utf8();
            continue;
        }
        // One compound: words joined by single connectors.
        let start = at;
        parts.clear();
        let end = loop {
            let word_start = at;
            while let Some(c) = char_at(text, at) {
                if !c.is_alphanumeric() {
                    break;
                }
                at += c.len_utf8();
            }
            split_case_borrowed(text, word_start, at, &mut parts);
            // A connector continues the compound only when a word follows.
            // Connectors are ASCII, so one byte.
            let connector = bytes.get(at).is_some_and(|&b| is_connector(char::from(b)));
            let word_follows =
                connector && char_at(text, at + 1).is_some_and(char::is_alphanumeric);
            if word_follows {
                at += 1;
            } else {
                break at;
            }
        };
        if parts.len() > 1 {
            emit_borrowed(text, start, end, position, lower, &mut emit);
        }
        for (i, &(from, to)) in parts.iter().enumerate() {
            emit_borrowed(text, from, to, position + i, lower, &mut emit);
        }
        position += parts.len();
    }
}

/// The character that starts at byte `at` (a character boundary) of
/// `text`; for ASCII, without decoding UTF-8.
fn char_at(text: &str, at: usize) -> Option<char> {
    match text.as_bytes().get(at) {
        Some(&b) if b.is_ascii() => Some(char::from(b)),
        Some(_) => text.get(at..).and_then(|rest| rest.chars().next()),
        None => None,
    }
}

/// Splits the word `text[from..to]` at case changes (rule 2), appending
/// the parts to `parts`.
fn split_case_borrowed(text: &str, from: usize, to: usize, parts: &mut Vec<(usize, usize)>) {
    let word = &text[from..to];
    // No upper-case letter, no boundary: one part. The common case, and
    // for ASCII a byte test.
    if word.is_ascii() && !word.bytes().any(|b| b.is_ascii_uppercase()) {
        parts.push((from, to));
        return;
    }
    let mut part_start = from;
    let mut chars = word.char_indices().peekable();
    let Some((_, mut prev)) = chars.next() else {
        parts.push((from, to));
        return;
    };
    while let Some((i, c)) = chars.next() {
        let next_lower = chars.peek().is_some_and(|&(_, n)| n.is_lowercase());
        let boundary =
            c.is_uppercase() && (prev.is_lowercase() || (prev.is_uppercase() && next_lower));
        if boundary {
            parts.push((part_start, from + i));
            part_start = from + i;
        }
        prev = c;
    }
    parts.push((part_start, to));
}

/// Emits `text[from..to]` lower-cased (into `lower` when it is not lower
/// case already), unless it is too long (rule 4).
fn emit_borrowed(
    text: &str,
    from: usize,
    to: usize,
    position: usize,
    lower: &mut String,
    emit: &mut impl FnMut(TermRef<'_>),
) {
    let raw = &text[from..to];
    let term: &str = if raw.is_ascii() {
        // ASCII: one character a byte, and lower-casing is per byte.
        if raw.len() > MAX_TERM_CHARS {
            return;
        }
        if !raw.bytes().any(|b| b.is_ascii_uppercase()) {
            raw
        } else {
            lower.clear();
            lower.push_str(raw);
            lower.make_ascii_lowercase();
            lower
        }
    } else {
        // Unicode lower-casing depends on context (a final sigma), so it
        // is `str::to_lowercase` itself, as the browser's toLowerCase.
        lower.clear();
        lower.push_str(&raw.to_lowercase());
        if lower.chars().count() > MAX_TERM_CHARS {
            return;
        }
        lower
    };
    emit(TermRef {
        text: term,
        from,
        to,
        position,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_are_lower_cased() {
        assert_eq!(
            terms("Replication lag, after FAILOVER!"),
            ["replication", "lag", "after", "failover"]
        );
    }

    #[test]
    fn identifiers_are_kept_whole_and_in_parts() {
        assert_eq!(terms("payments-api"), ["payments-api", "payments", "api"]);
        assert_eq!(terms("orders_db"), ["orders_db", "orders", "db"]);
        assert_eq!(terms("PgBouncer"), ["pgbouncer", "pg", "bouncer"]);
        assert_eq!(terms("HTTPServer"), ["httpserver", "http", "server"]);
        assert_eq!(terms("10.0.3.7"), ["10.0.3.7", "10", "0", "3", "7"]);
        assert_eq!(terms("ec2 s3 v2"), ["ec2", "s3", "v2"]);
    }

    #[test]
    fn a_trailing_or_doubled_connector_ends_the_compound() {
        assert_eq!(terms("api- down"), ["api", "down"]);
        assert_eq!(terms("a--b"), ["a", "b"]);
        assert_eq!(terms("end."), ["end"]);
    }

    #[test]
    fn positions_let_phrases_cross_parts() {
        let mut tokens = Vec::new();
        tokenize("the payments-api failed", |t| tokens.push(t));
        let at: Vec<(&str, usize)> = tokens
            .iter()
            .map(|t| (t.text.as_str(), t.position))
            .collect();
        assert_eq!(
            at,
            [
                ("the", 0),
                ("payments-api", 1),
                ("payments", 1),
                ("api", 2),
                ("failed", 3)
            ]
        );
        assert_eq!(
            &"the payments-api failed"[tokens[1].from..tokens[1].to],
            "payments-api"
        );
    }

    #[test]
    fn unicode_letters_are_words_and_long_terms_are_dropped() {
        assert_eq!(terms("Überlast café"), ["überlast", "café"]);
        assert_eq!(terms(&"a".repeat(41)), Vec::<String>::new());
        assert_eq!(terms(&"a".repeat(40)).len(), 1);
    }

    /// The analyzer's rules written the plain way, a String per term and
    /// the characters of a word collected: what the allocation-free
    /// tokenizer is tested against.
    mod reference {
        use super::super::{MAX_TERM_CHARS, Token, is_connector};

        /// The terms of `text`, in order, each given to `emit`.
        pub(super) fn tokenize(text: &str, mut emit: impl FnMut(Token)) {
            let mut position = 0;
            let mut chars = text.char_indices().peekable();
            // Parts of the current compound: byte ranges.
            let mut parts: Vec<(usize, usize)> = Vec::new();
            while let Some(&(start, c)) = chars.peek() {
                if !c.is_alphanumeric() {
                    chars.next();
                    continue;
                }
                // One compound: words joined by single connectors.
                parts.clear();
                let mut end;
                loop {
                    let word_start = chars.peek().map_or(text.len(), |&(i, _)| i);
                    end = word_start;
                    while let Some(&(i, c)) = chars.peek() {
                        if !c.is_alphanumeric() {
                            break;
                        }
                        end = i + c.len_utf8();
                        chars.next();
                    }
                    split_case(text, word_start, end, &mut parts);
                    // A connector continues the compound only when a word follows.
                    let mut ahead = chars.clone();
                    match (ahead.next(), ahead.next()) {
                        (Some((_, c)), Some((_, next)))
                            if is_connector(c) && next.is_alphanumeric() =>
                        {
                            chars.next();
                        }
                        _ => break,
                    }
                }
                if parts.len() > 1 {
                    push(text, start, end, position, &mut emit);
                }
                for (i, &(from, to)) in parts.iter().enumerate() {
                    push(text, from, to, position + i, &mut emit);
                }
                position += parts.len();
            }
        }

        /// Splits the word `text[from..to]` at case changes (rule 2) into `parts`.
        fn split_case(text: &str, from: usize, to: usize, parts: &mut Vec<(usize, usize)>) {
            let word: Vec<(usize, char)> = text[from..to]
                .char_indices()
                .map(|(i, c)| (from + i, c))
                .collect();
            let mut part_start = from;
            for i in 1..word.len() {
                let (at, c) = word[i];
                let prev = word[i - 1].1;
                let next_lower = word.get(i + 1).is_some_and(|&(_, n)| n.is_lowercase());
                let boundary = c.is_uppercase()
                    && (prev.is_lowercase() || (prev.is_uppercase() && next_lower));
                if boundary {
                    parts.push((part_start, at));
                    part_start = at;
                }
            }
            parts.push((part_start, to));
        }

        fn push(text: &str, from: usize, to: usize, position: usize, emit: &mut impl FnMut(Token)) {
            let term = text[from..to].to_lowercase();
            if term.chars().count() > MAX_TERM_CHARS {
                return;
            }
            emit(Token {
                text: term,
                from,
                to,
                position,
            });
        }
    }

    /// The tokenizer gives exactly the reference's terms, ranges and
    /// positions.
    fn same_as_tokenize(text: &str) {
        let mut owned = Vec::new();
        reference::tokenize(text, |t| owned.push(t));
        let mut borrowed = Vec::new();
        let mut lower = String::new();
        tokenize_borrowed(text, &mut lower, |t| {
            borrowed.push(Token {
                text: t.text.to_string(),
                from: t.from,
                to: t.to,
                position: t.position,
            })
        });
        assert_eq!(owned, borrowed, "{text:?}");
    }

    #[test]
    fn the_borrowing_tokenizer_gives_the_same_terms() {
        for text in [
            "Replication lag, after FAILOVER!",
            "payments-api orders_db PgBouncer HTTPServer 10.0.3.7 ec2 s3 v2",
            "api- down a--b end. -x x- :a: a:b/c.d_e-f",
            "the payments-api failed",
            "Überlast café ΟΔΟΣ ὈΔΥΣΣΕΎΣ İstanbul ǅemal ẞtraße Straße",
            "fooΣ ΣΑΣ aΣb xÉtéY ÉÉt",
            "",
            "---",
            "a",
            "Ab",
            "aB",
            "ABc",
            "ABC",
            "x1Y2z",
            "日本語のテキスト and ٣٤ numerals",
            "ǈǉǊ ǲ",
        ] {
            same_as_tokenize(text);
        }
        same_as_tokenize(&"a".repeat(40));
        same_as_tokenize(&"A".repeat(41));
        same_as_tokenize(&"é".repeat(40));
        same_as_tokenize(&"É".repeat(41));
        same_as_tokenize(&format!("{}-b", "Ab".repeat(20)));
    }

    proptest::proptest! {
        #[test]
        fn the_borrowing_tokenizer_gives_the_same_terms_on_any_text(
            text in "([a-cA-CéÉσΣİǅ0-9 _./:-]|\\PC){0,40}"
        ) {
            same_as_tokenize(&text);
        }
    }
}
