//! Small text helpers shared by checking and rendering.

use std::borrow::Cow;

/// Whether `c` is a control character that no page or feed may contain:
/// U+0000 to U+001F other than tab, line feed and carriage return, and
/// U+007F (delete), and the non-characters U+FFFE and U+FFFF. XML 1.0
/// forbids the first group and the last two outright, and has no way to
/// write them, so one of them in a title makes `atom.xml` unparsable; none
/// of them shows as anything a reader could want.
pub fn is_forbidden_control(c: char) -> bool {
    matches!(
        c,
        '\0'..='\x08' | '\x0b' | '\x0c' | '\x0e'..='\x1f' | '\x7f' | '\u{fffe}' | '\u{ffff}'
    )
}

/// `s` without the characters [`is_forbidden_control`] matches. Borrowed
/// (no copy) when it has none, which is almost always.
///
/// Every renderer passes its output through this, so call it on any other
/// text that reaches a page or feed without going through one (titles, feed
/// entries, labels).
pub fn strip_control(s: &str) -> Cow<'_, str> {
    // A byte scan finds where to start: the ASCII ones are single bytes, and
    // U+FFFE and U+FFFF are the only ones that start with 0xEF (which some
    // other characters share: the slow path tells them apart).
    let is_control = |b: &u8| *b == 0xef || (b.is_ascii() && is_forbidden_control(char::from(*b)));
    match s.as_bytes().iter().position(is_control) {
        None => Cow::Borrowed(s),
        Some(first) => {
            let mut out = String::with_capacity(s.len());
            out.push_str(&s[..first]);
            out.extend(s[first..].chars().filter(|&c| !is_forbidden_control(c)));
            Cow::Owned(out)
        }
    }
}

/// Replaces `s` by [`strip_control`] of it, in place when it has none.
pub fn strip_control_in_place(s: &mut String) {
    if let Cow::Owned(stripped) = strip_control(s) {
        *s = stripped;
    }
}

/// `96500` → `96,500`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Percent-encodes a site path for a link: every byte but unreserved
/// characters and `/`. Files are written under the plain path
/// (`tags/café/`) and linked by its encoded form (`tags/caf%C3%A9/`): a web
/// server decodes the link and finds the file. (Writing the encoded form as
/// the file's name made every such link a 404.)
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A name as one folder of the output: as written, unless it could not be
/// one folder (empty, `.`, `..`, a separator or a control character), then
/// percent-encoded so it still names exactly one folder inside the site.
/// `check` reports such names (and names too long to be a file name), so
/// the fallback only matters to a build of a knowledge base with errors.
pub fn segment(s: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_name = matches!(s, "" | "." | "..")
        || s.contains(|c: char| matches!(c, '/' | '\\') || c.is_control());
    if unsafe_name {
        // `.` is unreserved in URLs, but `..` must not stay a folder name.
        std::borrow::Cow::Owned(encode_path(s).replace('/', "%2F").replace('.', "%2E"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// The longest `{#id}` kept: longer ones are not ids a person wrote.
pub const MAX_HEADING_ID_LEN: usize = 100;

/// Whether an explicit `{#id}` is kept as written: an ASCII letter, then
/// ASCII letters, digits, `-` and `_`, at most [`MAX_HEADING_ID_LEN`] bytes.
/// Nothing in such an id can end an attribute or a URL fragment.
pub fn is_valid_heading_id(id: &str) -> bool {
    id.len() <= MAX_HEADING_ID_LEN
        && id.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_only_forbidden_controls() {
        assert!(matches!(strip_control("plain é\t\n\r"), Cow::Borrowed(_)));
        assert_eq!(strip_control("a\u{7}b\0c\u{1b}d\u{7f}e\u{c}"), "abcde");
        assert_eq!(strip_control("\u{8}é\u{1f}"), "é");
        // U+0085 (NEL) and other C1 controls are valid XML: kept.
        assert_eq!(strip_control("a\u{85}b"), "a\u{85}b");
        assert_eq!(
            strip_control("a\u{fffe}b\u{ffff}c\u{fffd}\u{ff01}"),
            "abc\u{fffd}\u{ff01}"
        );
        for c in '\0'..='\u{80}' {
            let forbidden = (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{7f}';
            assert_eq!(is_forbidden_control(c), forbidden, "{c:?}");
        }
    }

    #[test]
    fn strip_in_place() {
        let mut s = String::from("x\u{7}y");
        strip_control_in_place(&mut s);
        assert_eq!(s, "xy");
    }
}
