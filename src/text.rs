//! Small text helpers shared by checking and rendering.

use std::borrow::Cow;

/// Whether `c` is a control character that no page or feed may contain:
/// U+0000 to U+001F other than tab, line feed and carriage return, and
/// U+007F (delete). XML 1.0 forbids the first group outright, so one of them
/// in a title makes `atom.xml` unparsable; none of them shows as anything a
/// reader could want.
pub fn is_forbidden_control(c: char) -> bool {
    matches!(c, '\0'..='\x08' | '\x0b' | '\x0c' | '\x0e'..='\x1f' | '\x7f')
}

/// `s` without the characters [`is_forbidden_control`] matches. Borrowed
/// (no copy) when it has none, which is almost always.
///
/// Every renderer passes its output through this, so call it on any other
/// text that reaches a page or feed without going through one (titles, feed
/// entries, labels).
pub fn strip_control(s: &str) -> Cow<'_, str> {
    // All of them are ASCII, so a byte scan finds them, and removing whole
    // ASCII bytes cannot split a UTF-8 sequence (its bytes are all >= 0x80).
    let is_control = |b: &u8| b.is_ascii() && is_forbidden_control(char::from(*b));
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
