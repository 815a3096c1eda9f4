//! Small text helpers shared by checking and rendering: control
//! characters, numbers, paths and slugs, whitespace, durations.

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

// ---------------------------------------------------------------------------
// Slugs. Three, for three uses, each with its own output: a URL folder keeps
// letters of any script, a suggested id and a new file's name keep ASCII only.

/// Lowercase runs of the characters `keep` accepts, joined by single `-`:
/// every other character separates words and is dropped. No leading or
/// trailing `-`; empty when `s` has no character to keep.
fn dashed(s: &str, keep: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if keep(c) {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let len = out.trim_end_matches('-').len();
    out.truncate(len);
    out
}

/// The URL slug of a free-form label (a tag, a severity, a heading's id):
/// lowercase words and digits of any script joined by `-`, other characters
/// dropped (`TLS/SSL` → `tls-ssl`, `café` → `café`). `-` when nothing is
/// left, so it is never an empty folder name.
pub fn slug(label: &str) -> String {
    let out = dashed(label, char::is_alphanumeric);
    if out.is_empty() { "-".to_string() } else { out }
}

/// The kebab-case spelling of `s` that a diagnostic suggests when an id or
/// value is not kebab-case, and a new file's name: lowercase ASCII letters
/// and digits joined by `-`, other letters transliterated first
/// (`Checkout_Outage` → `checkout-outage`, `Über-Störung` → `uber-storung`:
/// dropping them gave `ber-st-rung`). Empty when nothing is left.
pub fn kebab(s: &str) -> String {
    if s.is_ascii() {
        dashed(s, |c| c.is_ascii_alphanumeric())
    } else {
        dashed(&deunicode::deunicode(s), |c| c.is_ascii_alphanumeric())
    }
}

/// The longest [`file_slug`], in bytes.
pub const MAX_FILE_SLUG_LEN: usize = 60;

/// The slug in a new post-mortem's file name (`hindsight new`): its
/// [`kebab`] form cut after the last whole word that fits in
/// [`MAX_FILE_SLUG_LEN`] bytes (a first word longer than that is cut), or
/// `incident` when the title has no letter or digit.
pub fn file_slug(title: &str) -> String {
    let mut out = kebab(title);
    if out.is_empty() {
        return "incident".to_string();
    }
    if out.len() > MAX_FILE_SLUG_LEN {
        // All ASCII: any byte is a char boundary. A `-` at `MAX_FILE_SLUG_LEN`
        // ends a word that just fits.
        let cut = out.as_bytes()[..=MAX_FILE_SLUG_LEN]
            .iter()
            .rposition(|&b| b == b'-')
            .unwrap_or(MAX_FILE_SLUG_LEN);
        out.truncate(cut);
    }
    out
}

// ---------------------------------------------------------------------------
// Whitespace

/// `s` trimmed, with each run of whitespace as one space.
pub fn collapse_whitespace(s: &str) -> String {
    // One pass, no list of words: this runs for every label of every page.
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

// ---------------------------------------------------------------------------
// Durations. Two forms today, kept apart so that output does not change;
// issue 12 makes them one formatter.

/// A duration of `minutes` to the minute, every non-zero unit written:
/// "0 min", "7 min", "2 h", "1 h 32 min", "1 d 3 h", "1 d 3 h 5 min",
/// "-15 min".
///
/// The one formatter of durations for the whole site and every command: an
/// incident's time to detect, mitigate and resolve in its details panel and
/// on its timeline drawing, the learning pages' medians and means, `check`'s
/// messages. Two formatters once disagreed on the same page (the panel
/// said "1 d 3 h" where the drawing said "1 d 3 h 5 min"); minutes are
/// never dropped, so durations that add up along the timeline still add up
/// in text.
pub fn duration(minutes: i64) -> String {
    let sign = if minutes < 0 { "-" } else { "" };
    let a = minutes.unsigned_abs();
    let (d, h, m) = (a / 1440, a / 60 % 24, a % 60);
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(format!("{d} d"));
    }
    if h > 0 {
        parts.push(format!("{h} h"));
    }
    if m > 0 || parts.is_empty() {
        parts.push(format!("{m} min"));
    }
    format!("{sign}{}", parts.join(" "))
}

/// A rate (0 to 1) as a whole percentage, `33%`, or `—` without one: the
/// one formatter of shares for the pages and `stats`. Halves round up
/// (12.5% is `13%`), as people round and as Tera's `round` does; Rust's
/// `{:.0}` rounds them to even, and once made two figures of one page
/// disagree.
pub fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(
        || "—".to_string(),
        |r| format!("{}%", (r * 100.0).round() as i64),
    )
}

/// Days, to a tenth when not whole: `1 day`, `6 days`, `6.5 days` (time
/// to RCA).
pub fn days(d: f64) -> String {
    if (d - d.round()).abs() < 0.05 {
        let n = d.round() as i64;
        if n == 1 {
            "1 day".into()
        } else {
            format!("{n} days")
        }
    } else {
        format!("{d:.1} days")
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

    #[test]
    fn slugs_keep_unicode_letters() {
        assert_eq!(slug("Black Friday"), "black-friday");
        assert_eq!(slug("TLS/SSL"), "tls-ssl");
        assert_eq!(slug("café"), "café");
        assert_eq!(slug("!!"), "-");
    }

    #[test]
    fn kebab_is_ascii_and_transliterates_other_letters() {
        assert_eq!(kebab("Checkout_Outage 2"), "checkout-outage-2");
        assert_eq!(kebab("--a--b--"), "a-b");
        assert_eq!(kebab("café"), "cafe");
        assert_eq!(
            kebab("Über-Störung im Zahlungsdienst"),
            "uber-storung-im-zahlungsdienst"
        );
        assert_eq!(kebab("Ошибка DNS"), "oshibka-dns");
        assert_eq!(kebab("🔥🔥"), "fire-fire");
        assert_eq!(kebab("\u{200b}!!"), "");
    }

    #[test]
    fn file_slugs() {
        assert_eq!(
            file_slug("Checkout 502s after deploy #4411!"),
            "checkout-502s-after-deploy-4411"
        );
        assert_eq!(file_slug("ÜÜÜ"), "uuu");
        assert_eq!(file_slug("Über-Störung"), "uber-storung");
        assert_eq!(file_slug("!!!"), "incident");
        assert!(file_slug(&"word ".repeat(40)).len() <= 60);
        // Whole words that fit in 60 bytes, exactly 60 included.
        let words = format!("{} {} tail", "a".repeat(29), "b".repeat(30));
        assert_eq!(
            file_slug(&words),
            format!("{}-{}", "a".repeat(29), "b".repeat(30))
        );
        let words = format!("{} {} tail", "a".repeat(29), "b".repeat(31));
        assert_eq!(file_slug(&words), "a".repeat(29));
        // A first word too long for the limit is cut.
        assert_eq!(file_slug(&"x".repeat(70)), "x".repeat(60));
    }

    #[test]
    fn collapse_whitespace_matches_split_whitespace() {
        for s in [
            "",
            "   ",
            "a",
            "  a  b\t\tc\n",
            "a\x0bb\x0cc\rd",
            "caf\u{e9}  au\u{a0}lait",
            "\u{2003}wide\u{2003}space ",
        ] {
            let expected = s.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(collapse_whitespace(s), expected, "{s:?}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(duration(0), "0 min");
        assert_eq!(duration(46), "46 min");
        assert_eq!(duration(120), "2 h");
        assert_eq!(duration(125), "2 h 5 min");
        assert_eq!(duration(92), "1 h 32 min");
        assert_eq!(duration(1440 + 180), "1 d 3 h");
        // The issue's example: 1,625 minutes read the same everywhere.
        assert_eq!(duration(1625), "1 d 3 h 5 min");
        assert_eq!(duration(3 * 1440 + 5), "3 d 5 min");
        assert_eq!(duration(-15), "-15 min");
        assert_eq!(duration(-1625), "-1 d 3 h 5 min");
    }
}
