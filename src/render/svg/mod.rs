//! Inline SVG drawings and charts, rendered at build time (no scripts).
//!
//! Every function takes plain data and returns one `<svg>` element as a
//! `String`, ready to be inlined into an HTML page. The output is:
//!
//! - **deterministic**: coordinates are written with at most one decimal
//!   (`12`, `12.5`), the viewBox size is a whole number, and nothing depends
//!   on the clock or on hashing;
//! - **small**: a site has a few drawings on each of thousands of pages, so
//!   what can be inherited is set once on the root (`fill`, the usual
//!   `font-size`), and repeated lines of one kind (grid, stripes, guides,
//!   tick marks) are one `<path>`;
//! - **escaped**: every string that comes from content (titles, labels,
//!   series names and classes, the `format` callback's text) is XML-escaped
//!   (`& < > " '`), and characters XML 1.0 forbids are dropped;
//! - **accessible**: the root is
//!   `<svg xmlns=… viewBox="0 0 W H" role="img" aria-labelledby="ID-title ID-desc" class="chart chart-KIND">`
//!   with `<title id="ID-title">` (the `title` argument) and
//!   `<desc id="ID-desc">` (a text alternative stating the data). `ID` is the
//!   `id` argument with anything but `[A-Za-z0-9_-]` replaced by `-` (an
//!   empty id becomes `chart`); pass a different id for each drawing on a page.
//!   Text that had to be shortened (`…`) or wrapped onto several lines also
//!   carries its full text in a `<title>` child (a tooltip) when it had to be
//!   shortened (wrapped text is all there already);
//! - **responsive**: only a `viewBox`, no `width`/`height`; let CSS size it
//!   (`svg.chart { width: 100%; height: auto; }`). Wide data makes a wider
//!   viewBox rather than cramped labels;
//! - **theme-friendly**: no colour is written. Shapes are painted with
//!   `currentColor` (`fill="currentColor"` on the root, inherited, and
//!   `stroke="currentColor"` on what is stroked, sometimes with a
//!   `fill-opacity` or `stroke-opacity`), so without any CSS everything is drawn in the text
//!   colour of the page and stays legible in light and dark mode. To colour
//!   things, the theme sets **`color`** on the classes below (or overrides
//!   `fill`/`stroke` directly; CSS beats presentation attributes). Font
//!   sizes are given as `font-size` attributes because the layout depends on
//!   them (don't override them); the font family is left to CSS, e.g.
//!   `svg.chart { font-family: system-ui, sans-serif; }`.
//!
//! # CSS classes
//!
//! Root (`<svg>`): `chart` plus one of `chart-stacked-bars`, `chart-line`,
//! `chart-bars`, `chart-strip`, `chart-timeline`, `chart-whys`, `chart-fishbone`.
//!
//! Shared by the charts (`stacked_bars`, `line_chart`, `bar_chart`):
//!
//! | class | element | what |
//! |---|---|---|
//! | `grid` | `<line>` | horizontal grid line at each y tick (stroke, 15 % opacity) |
//! | `axis` | `<line>` | the x axis (at 0) and the y axis |
//! | `tick` | `<text>` | y tick labels |
//! | `label` | `<text>` | x labels (category names), legend names, other small text |
//! | `x-label` | `<text>` | x labels (in addition to `label`) |
//! | `axis-title` | `<text>` | the `x_axis` / `y_axis` titles |
//! | `value` | `<text>` | a value written on a bar / point (placed where the line does not cross it), or a stacked bar's total; a halo (`paint-order: stroke`, stroked in the background colour) keeps grid lines off it |
//! | `legend` | `<g>` | the legend (only when there are 2 or more series) |
//! | `legend-item` | `<g>` | one legend entry |
//! | `swatch` | `<rect>` | legend colour sample; also carries the series class, and has its own `fill="currentColor"` so a `fill` set on `legend` does not reach it |
//! | `empty` | `<text>` | the "No data" message (also "No events" in `timeline`, "No whys recorded" in `whys_chain`) |
//! | `bar` | `<rect>` | a bar; together with its series class (`bar sev-0`, `bar series-0`) |
//! | `line` | `<path>` | a line chart series (no fill); with the series class |
//! | `point` | `<circle>` | a line chart point; with the series class |
//! | `series-0`, `series-1`, … | shapes | the default colour classes (`Series::class` when empty; `bar_chart` uses `series-0`) |
//! | `sev-0`, `sev-1`, … | shapes | whatever `Series::class` says, e.g. severity colours |
//!
//! Colour classes (`series-N`, `sev-N`, any `Series::class`) should set
//! `color` (e.g. `.chart .sev-0 { color: #b91c1c }`); the bar, line, point
//! and swatch then pick it up through `currentColor`.
//!
//! `strip_chart` uses `grid` (one `<path>`), `axis`, `tick`, `label x-label`,
//! `axis-title` and `empty` as above, and:
//!
//! | class | element | what |
//! |---|---|---|
//! | `strip` | `<g>` | one group's band: its dots and median |
//! | `dot` | `<circle>` | one value (fill 55 % opacity, stroke) |
//! | `median` | `<line>` | the group's median |
//!
//! `timeline`:
//!
//! | class | element | what |
//! |---|---|---|
//! | `start-label` | `<text>` | "+0 = START" (the `start_label` argument) |
//! | `event` | `<g>` | one event row |
//! | `row-stripe` | `<path>` | background of every other row (5 % opacity), all in one path |
//! | `event-label` | `<text>` | the event's label (wrapped) |
//! | `guide` | `<path>` | dotted lines from the start of the axis to each event's dot, all in one path |
//! | `event-dot` | `<circle>` | the event's dot |
//! | `time` | `<text>` | the event's elapsed time next to the dot ("+7 min") |
//! | `grid` / `axis` / `tick` | `<path>` / `<path>` / `<text>` | vertical grid lines (one path), the time axis with its tick marks (one path), its tick labels |
//! | `mark` | `<g>` | an impact mark: a vertical `<line>` and its name |
//! | `mark-started`, `mark-detected`, `mark-mitigated`, `mark-resolved` | `<g>` | the mark's kind (set `color`) |
//! | `mark-label` | `<text>` | the mark's name |
//! | `bracket` | `<g>` | the time from the start to a later mark |
//! | `bracket-detect`, `bracket-mitigate`, `bracket-resolve` | `<g>` | which duration (named after the later mark) |
//! | `bracket-line` | `<path>` | the bracket |
//! | `bracket-label` | `<text>` | "time to detect 7 min" |
//!
//! `whys_chain`:
//!
//! | class | element | what |
//! |---|---|---|
//! | `why` | `<g>` | one box; also `why-symptom` (first), `why-systemic` (last), `why-step` (others) |
//! | `why-box` | `<rect>` | the box (fill 6 % opacity, stroke) |
//! | `why-step-label` | `<text>` | the small caption ("1 · symptom") |
//! | `why-text` | `<text>` | the why itself (wrapped) |
//! | `why-arrow` | `<g>` | arrow between boxes: `arrow` (`<path>`: shaft and head), `why-label` (`<text>` "why?") |
//!
//! `fishbone`:
//!
//! | class | element | what |
//! |---|---|---|
//! | `spine` | `<line>` | the spine, down the left from the head (the drawing is upright and a fixed 400 wide, so that it fits a phone) |
//! | `head` | `<g>` | the effect, across the top: `head-box` (`<rect>`) and `head-label` (`<text>`) |
//! | `bone` | `<g>` + `<line>` | one category's bone (the `<line>` leaning up to the spine), and `bone bone-stem` (`<line>`), the stem under the category its causes hang from |
//! | `category` | `<g>` | the category name: `category-box` (`<rect>`) and `category-label` (`<text>`) |
//! | `cause` | `<g>` | one cause; also `cause-root`, `cause-contributing` or `cause-trigger` |
//! | `cause-tick` | `<line>` | the little line joining the cause to its bone |
//! | `cause-label` | `<text>` | the cause (wrapped) |
//! | `cause-marker` | `<tspan>` | the kind marker before it: `[R]` root, `[C]` contributing, `[T]` trigger |
//! | `legend` | `<text>` | the key for the markers |

mod axes;
mod bars;
mod fishbone;
mod line;
mod strip;
mod timeline;
mod whys;

use std::fmt::Write as _;

use crate::content::CauseKind;
use crate::text::collapse_whitespace;

pub use bars::{bar_chart, stacked_bars};
pub use fishbone::fishbone;
pub use line::line_chart;
pub use strip::strip_chart;
pub use timeline::{TimelineLayout, timeline};
pub use whys::whys_chain;

/// One series of a chart: a name (legend), a CSS class for its colour, one value per x label.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub class: String,
    pub values: Vec<Option<f64>>,
}

/// One event of an incident's timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineEvent {
    /// Minutes since the first instant shown.
    pub minute: i64,
    pub label: String,
}

crate::content::model::names! {
    /// Which impact instant a [`TimelineMark`] is; marks at the same minute
    /// are drawn in this order.
    pub enum MarkKind {
        Started = "started",
        Detected = "detected",
        Mitigated = "mitigated",
        Resolved = "resolved",
    }
}

/// An impact mark on an incident's timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineMark {
    pub kind: MarkKind,
    /// Minutes since the first instant shown.
    pub minute: i64,
    /// Text drawn with the mark; the kind is used when empty.
    pub label: String,
    /// The time from the start to this mark as the page states it (time to
    /// detect, mitigate, resolve: `analysis::metrics::ResponseTimes`), for
    /// its bracket. The drawing writes this number rather than one of its
    /// own from the axis minutes, so the two cannot disagree. `None` draws
    /// no bracket (and is what the start mark has).
    pub since_start: Option<i64>,
}

/// One bone of a fishbone diagram: a category and its causes as
/// `(label, kind)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bone {
    pub category: String,
    pub causes: Vec<(String, CauseKind)>,
}

// ---------------------------------------------------------------------------
// Text, numbers and escaping

/// Small text (ticks, labels, legend).
const FS: f64 = 11.0;
/// Line height for `FS` text.
const LH: f64 = 13.0;
/// Axis titles.
const AXIS_FS: f64 = 12.0;
/// Outer padding.
const PAD: f64 = 12.0;
/// Narrowest chart, so that a drawing of little data is not
/// blown up, text and all, when CSS scales it to the page's width.
const MIN_W: f64 = 640.0;
/// Bold text is about this much wider.
const BOLD: f64 = 1.1;
/// Most characters on one wrapped line.
const MAX_CHARS: usize = 60;

/// XML-escapes `s` for text and attribute values, dropping the characters
/// XML 1.0 does not allow.
fn esc(s: &str) -> std::borrow::Cow<'_, str> {
    // Most labels need no escaping: borrow them.
    if !s
        .bytes()
        .any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'' | 0..=0x1f | 0xef))
    {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A coordinate: at most one decimal (`12`, `12.5`), never `NaN`, `inf`
/// or `-0`. Formats without allocating and without the formatting
/// machinery: a drawing writes hundreds of them, and on a big build they
/// were a tenth of the drawings' time.
fn n1(x: f64) -> N1 {
    N1(x)
}

/// See [`n1`].
#[derive(Clone, Copy)]
struct N1(f64);

/// The text of an [`N1`], in a buffer on the stack.
struct Digits {
    buf: [u8; 20],
    start: usize,
}

impl Digits {
    fn as_str(&self) -> &str {
        // Only ASCII digits, `-` and `.` are written.
        std::str::from_utf8(&self.buf[self.start..]).unwrap_or("0")
    }
}

impl N1 {
    /// Appends the number to `out`: what `Display` writes, without the
    /// formatting machinery (the hot path: every coordinate of every text).
    fn push_to(self, out: &mut String) {
        out.push_str(self.digits().as_str());
    }

    fn digits(self) -> Digits {
        let x = if self.0.is_finite() {
            self.0 * 10.0
        } else {
            0.0
        };
        // Half away from zero, as `f64::round`, without the libm call; the
        // clamp keeps absurd values (never drawn) from overflowing.
        let x = x.clamp(-1e15, 1e15);
        let n = if x < 0.0 { x - 0.5 } else { x + 0.5 } as i64;
        let (mut whole, tenth) = (n.unsigned_abs() / 10, n.unsigned_abs() % 10);
        // Right to left into a buffer: `-` + 15 digits + `.d`.
        let mut buf = [0u8; 20];
        let mut i = buf.len();
        if tenth != 0 {
            i -= 2;
            buf[i] = b'.';
            buf[i + 1] = b'0' + tenth as u8;
        }
        loop {
            i -= 1;
            buf[i] = b'0' + (whole % 10) as u8;
            whole /= 10;
            if whole == 0 {
                break;
            }
        }
        if n < 0 {
            i -= 1;
            buf[i] = b'-';
        }
        Digits { buf, start: i }
    }
}

impl std::fmt::Display for N1 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.digits().as_str())
    }
}

/// `x` with `decimals` decimals; non-finite numbers become 0 and `-0` is `0`.
fn fixed(x: f64, decimals: usize) -> String {
    // Integer arithmetic: float formatting was a tenth of a big build's time.
    let x = if x.is_finite() { x } else { 0.0 };
    let scale = 10u64.pow(decimals as u32);
    let n = (x * scale as f64).round() as i64;
    let (sign, a) = (if n < 0 { "-" } else { "" }, n.unsigned_abs());
    if decimals == 0 {
        format!("{sign}{a}")
    } else {
        format!(
            "{sign}{}.{:0width$}",
            a / scale,
            a % scale,
            width = decimals
        )
    }
}

/// A data value as text: at most one decimal, no trailing `.0`.
fn value_text(v: f64) -> String {
    let s = fixed(v, 1);
    match s.strip_suffix(".0") {
        Some(whole) => whole.to_string(),
        None => s,
    }
}

/// `id` reduced to `[A-Za-z0-9_-]` so it is a valid id and a single token
/// in `aria-labelledby`.
fn clean_id(id: &str) -> String {
    let s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if s.is_empty() { "chart".to_string() } else { s }
}

/// A class attribute value from content: whitespace collapsed, escaped.
fn class_value(s: &str) -> String {
    esc(&collapse_whitespace(s)).into_owned()
}

/// Estimated advance of `c` in ems, a little generous so that text fits in
/// common sans-serif system fonts.
fn char_em(c: char) -> f64 {
    // Looked up for ASCII: every label's width is summed, character by character.
    match ASCII_EM.get(c as usize) {
        Some(&em) => em,
        None => em_of(c),
    }
}

/// [`em_of`] for each ASCII character.
const ASCII_EM: [f64; 128] = {
    let mut table = [0.0; 128];
    let mut i = 0;
    while i < 128 {
        table[i] = em_of(i as u8 as char);
        i += 1;
    }
    table
};

/// See [`char_em`].
const fn em_of(c: char) -> f64 {
    match c {
        'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | 'I' | '(' | ')' | '['
        | ']' | 'f' | 't' | 'r' | '·' => 0.36,
        ' ' => 0.33,
        'm' | 'w' | 'M' | 'W' | '@' | '…' => 0.92,
        'A'..='Z' | '%' | '&' | '#' => 0.72,
        '0'..='9' => 0.64,
        c if c.is_ascii() => 0.58,
        c if (c as u32) >= 0x2E80 => 1.0,
        _ => 0.64,
    }
}

/// Estimated width of `s` at font size `fs`.
fn text_w(s: &str, fs: f64) -> f64 {
    s.chars().map(char_em).sum::<f64>() * fs
}

/// Word-wraps `text` to lines at most `width` wide (the first line at most
/// `first_width`) and at most [`MAX_CHARS`] characters. Words too long for a
/// line are broken. Always returns at least one line.
fn wrap(text: &str, first_width: f64, width: f64, fs: f64) -> Vec<String> {
    // Widths are summed as words are added, so wrapping is linear in the text.
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    let (mut cur_w, mut cur_n) = (0.0, 0usize);
    let space = char_em(' ') * fs;
    for word in text.split_whitespace() {
        let limit = if lines.is_empty() { first_width } else { width };
        let (ems, word_n) = word
            .chars()
            .fold((0.0, 0), |(w, n), c| (w + char_em(c), n + 1));
        let word_w = ems * fs;
        let (w, n) = if cur.is_empty() {
            (word_w, word_n)
        } else {
            (cur_w + space + word_w, cur_n + 1 + word_n)
        };
        if w <= limit && n <= MAX_CHARS {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(word);
            (cur_w, cur_n) = (w, n);
            continue;
        }
        if !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
        }
        (cur_w, cur_n) = (0.0, 0);
        // `word` starts a new line; break it if it is too long on its own.
        for c in word.chars() {
            let limit = if lines.is_empty() { first_width } else { width };
            let c_w = char_em(c) * fs;
            if !cur.is_empty() && (cur_w + c_w > limit || cur_n + 1 > MAX_CHARS) {
                lines.push(std::mem::take(&mut cur));
                (cur_w, cur_n) = (0.0, 0);
            }
            cur.push(c);
            cur_w += c_w;
            cur_n += 1;
        }
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

/// `s` shortened with `…` to fit `width`.
fn ellipsize(s: &str, width: f64, fs: f64) -> String {
    if text_w(s, fs) <= width {
        return s.to_string();
    }
    // The longest proper prefix that, without trailing spaces, fits with the
    // `…`: one pass, summing widths in the order `text_w` does.
    let ellipsis = text_w("…", fs);
    let (mut total, mut kept_sum, mut kept) = (0.0, 0.0, 0);
    let mut best = 0;
    for (i, c) in s.char_indices() {
        // `s[..i]` without trailing spaces is `s[..kept]`, `kept_sum` ems.
        if kept_sum * fs + ellipsis > width {
            break;
        }
        best = kept;
        total += char_em(c);
        if !c.is_whitespace() {
            (kept_sum, kept) = (total, i + c.len_utf8());
        }
    }
    format!("{}…", &s[..best])
}

/// `text` wrapped to `width` on at most `max_lines` lines, the last one
/// ellipsized if there was more. Returns the lines and whether the text was
/// shortened.
fn fit_lines(text: &str, width: f64, fs: f64, max_lines: usize) -> (Vec<String>, bool) {
    let mut lines = wrap(text, width, width, fs);
    if lines.len() <= max_lines.max(1) {
        return (lines, false);
    }
    let rest = lines.split_off(max_lines.max(1) - 1).join(" ");
    lines.push(ellipsize(&rest, width, fs));
    (lines, true)
}

/// Attributes of a `<text>`: class, size, anchor, weight.
fn text_attrs<'a>(class: &'a str, fs: f64, anchor: &'a str) -> TextAttrs<'a> {
    TextAttrs {
        class,
        fs,
        anchor,
        bold: false,
        upright: None,
    }
}

/// See [`text_attrs`]. Written straight into the drawing; what the root
/// element already sets ([`FS`], the fill) is left out, which keeps drawings
/// small.
#[derive(Clone, Copy)]
struct TextAttrs<'a> {
    class: &'a str,
    fs: f64,
    anchor: &'a str,
    bold: bool,
    /// Turned a quarter left around this point (a y-axis title).
    upright: Option<(f64, f64)>,
}

impl TextAttrs<'_> {
    /// Semibold (`font-weight="600"`).
    fn bold(self) -> Self {
        TextAttrs { bold: true, ..self }
    }

    /// Reads bottom to top, turned around (`x`, `y`).
    fn upright(self, x: f64, y: f64) -> Self {
        TextAttrs {
            upright: Some((x, y)),
            ..self
        }
    }
}

impl TextAttrs<'_> {
    /// Appends the attributes, each with a space before it.
    fn push_to(&self, out: &mut String) {
        out.push_str(r#" class=""#);
        out.push_str(self.class);
        out.push('"');
        if self.fs != FS {
            num_attr(out, "font-size", self.fs);
        }
        if self.anchor != "start" {
            out.push_str(r#" text-anchor=""#);
            out.push_str(self.anchor);
            out.push('"');
        }
        if self.bold {
            out.push_str(r#" font-weight="600""#);
        }
        if let Some((x, y)) = self.upright {
            let _ = write!(out, r#" transform="rotate(-90 {} {})""#, n1(x), n1(y));
        }
    }
}

/// Appends ` name="value"` for a number.
fn num_attr(out: &mut String, name: &str, value: f64) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    n1(value).push_to(out);
    out.push('"');
}

/// A `<text>` with one `<tspan>` per line (first baseline at `y`, then every
/// `lh`), and a `<title>` child holding `full` when given.
fn text_block(
    out: &mut String,
    x: f64,
    y: f64,
    lh: f64,
    lines: &[String],
    attrs: TextAttrs<'_>,
    full: Option<&str>,
) {
    // Pushed piece by piece: drawings are mostly text blocks.
    out.push_str("<text");
    num_attr(out, "x", x);
    num_attr(out, "y", y);
    attrs.push_to(out);
    out.push('>');
    if let Some(full) = full {
        out.push_str("<title>");
        out.push_str(&esc(full));
        out.push_str("</title>");
    }
    if let [only] = lines {
        out.push_str(&esc(only));
    } else {
        for (i, line) in lines.iter().enumerate() {
            out.push_str("<tspan");
            num_attr(out, "x", x);
            num_attr(out, "y", y + lh * i as f64);
            out.push('>');
            out.push_str(&esc(line));
            out.push_str("</tspan>");
        }
    }
    out.push_str("</text>");
}

/// Opens the root element with its title and description.
fn open_svg(out: &mut String, id: &str, kind: &str, w: f64, h: f64, title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" aria-labelledby="{id}-title {id}-desc" class="chart chart-{kind}" fill="currentColor" font-size="11"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        fixed(w.ceil(), 0),
        fixed(h.ceil(), 0),
        esc(title),
        esc(desc)
    );
}

/// Finishes a description: `title: body.` (or just `body.` without a title).
fn sentence(title: &str, body: &str) -> String {
    let title = title.trim();
    let mut s = if title.is_empty() {
        body.to_string()
    } else {
        format!("{title}: {body}")
    };
    if !s.ends_with('.') {
        s.push('.');
    }
    s
}

/// Helpers shared by the drawings' tests.
#[cfg(test)]
mod test_util {
    use super::*;

    /// Four bones used by more than one test and by the samples.
    pub(super) fn sample_bones() -> Vec<Bone> {
        vec![
            Bone {
                category: s("People"),
                causes: vec![(
                    s("On-call unfamiliar with the payments runbook"),
                    CauseKind::Contributing,
                )],
            },
            Bone {
                category: s("Process"),
                causes: vec![
                    (
                        s("No review of third-party library defaults before upgrading"),
                        CauseKind::Root,
                    ),
                    (
                        s("Canary too short to catch the retry storm"),
                        CauseKind::Contributing,
                    ),
                ],
            },
            Bone {
                category: s("Technology"),
                causes: vec![(s("Deploy of v2.14"), CauseKind::Trigger)],
            },
            Bone {
                category: s("Environment"),
                causes: vec![],
            },
        ]
    }

    pub(super) fn s(v: &str) -> String {
        v.to_string()
    }

    pub(super) fn labels(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    /// Parses `svg`, checks the root's attributes, title and desc, and the
    /// absence of NaN/inf.
    pub(super) fn check<'a>(svg: &'a str, kind: &str) -> roxmltree::Document<'a> {
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        assert_eq!(root.attribute("role"), Some("img"));
        // "chart chart-timeline", and a variant's own class after it.
        let class = root.attribute("class").unwrap_or("");
        assert!(
            class.starts_with(&format!("chart chart-{kind}"))
                && class.split(' ').nth(1) == Some(&*format!("chart-{kind}")),
            "{class}"
        );
        assert!(root.attribute("width").is_none() && root.attribute("height").is_none());
        let vb: Vec<f64> = root
            .attribute("viewBox")
            .unwrap()
            .split(' ')
            .map(|x| x.parse().unwrap())
            .collect();
        assert!(vb.len() == 4 && vb[2] > 0.0 && vb[3] > 0.0);
        let ids = root.attribute("aria-labelledby").unwrap();
        let (t, d) = ids.split_once(' ').unwrap();
        let title = root.first_element_child().unwrap();
        assert_eq!(title.tag_name().name(), "title");
        assert_eq!(title.attribute("id"), Some(t));
        let desc = title.next_sibling_element().unwrap();
        assert_eq!(desc.tag_name().name(), "desc");
        assert_eq!(desc.attribute("id"), Some(d));
        assert!(!desc.text().unwrap_or("").is_empty());
        // No colour literals.
        for node in doc.descendants().filter(|n| n.is_element()) {
            for attr in ["fill", "stroke"] {
                if let Some(v) = node.attribute(attr) {
                    assert!(v == "currentColor" || v == "none", "{attr}={v}");
                }
            }
            assert!(node.attribute("style").is_none());
        }
        doc
    }

    /// The text of a `<text>` (its tspans joined by spaces, without its
    /// `<title>`), or of a `<title>` / `<desc>`.
    pub(super) fn text_of(node: roxmltree::Node<'_, '_>) -> String {
        let parts: Vec<&str> = node
            .descendants()
            .filter(|n| n.is_text())
            .filter(|n| {
                node.tag_name().name() != "text"
                    || n.parent().is_some_and(|p| p.tag_name().name() != "title")
            })
            .filter_map(|n| n.text())
            .collect();
        collapse_whitespace(&parts.join(" "))
    }

    /// The text of all elements named in `tags`, one element a line.
    pub(super) fn texts_of(doc: &roxmltree::Document<'_>, tags: &[&str]) -> String {
        doc.descendants()
            .filter(|n| tags.contains(&n.tag_name().name()))
            .map(|n| text_of(n) + "\n")
            .collect()
    }

    /// All text: `<text>`s, `<title>`s and `<desc>`.
    pub(super) fn texts(doc: &roxmltree::Document<'_>) -> String {
        texts_of(doc, &["text", "title", "desc"])
    }

    /// The visible text only (`<text>` elements).
    pub(super) fn visible(doc: &roxmltree::Document<'_>) -> String {
        texts_of(doc, &["text"])
    }

    pub(super) fn count(doc: &roxmltree::Document<'_>, tag: &str, class_prefix: &str) -> usize {
        doc.descendants()
            .filter(|n| n.tag_name().name() == tag)
            .filter(|n| {
                n.attribute("class")
                    .is_some_and(|c| c.split(' ').next() == Some(class_prefix))
            })
            .count()
    }

    pub(super) fn sev_series() -> Vec<Series> {
        vec![
            Series {
                name: s("SEV1"),
                class: s("sev-1"),
                values: vec![Some(1.0), Some(0.0), None, Some(2.0)],
            },
            Series {
                name: s("SEV2"),
                class: s("sev-2"),
                values: vec![Some(2.0), Some(3.0), Some(1.0), None],
            },
            Series {
                name: s("SEV3"),
                class: s("sev-3"),
                values: vec![None, Some(4.0), Some(0.0), Some(1.0)],
            },
        ]
    }

    pub(super) fn quarters() -> Vec<String> {
        labels(&["2025 Q1", "2025 Q2", "2025 Q3", "2025 Q4"])
    }

    pub(super) fn sample_timeline() -> (Vec<TimelineEvent>, Vec<TimelineMark>) {
        let ev = |minute, label: &str| TimelineEvent {
            minute,
            label: s(label),
        };
        // The start is minute 0, so a mark's time since the start is its
        // minute.
        let mk = |kind, minute, label: &str| TimelineMark {
            kind,
            minute,
            label: s(label),
            since_start: (kind != MarkKind::Started).then_some(minute),
        };
        (
            vec![
                ev(0, "Deploy of payments-api v2.14 starts (canary 5%)"),
                ev(4, "Error rate on checkout rises above 2%"),
                ev(
                    7,
                    "PagerDuty pages the on-call engineer for payments; alert: CheckoutErrorRateHigh fired in eu-west-1 and us-east-1",
                ),
                ev(18, "Incident declared, SEV2"),
                ev(
                    46,
                    "Rollback to v2.13 completed; error rate back to baseline",
                ),
                ev(
                    92,
                    "Root cause identified: connection pool exhausted by a retry storm",
                ),
                ev(138, "All queued payments reprocessed"),
            ],
            vec![
                mk(MarkKind::Started, 0, "Started"),
                mk(MarkKind::Detected, 7, "Detected"),
                mk(MarkKind::Mitigated, 46, "Mitigated"),
                mk(MarkKind::Resolved, 138, "Resolved"),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::test_util::*;
    use super::*;

    #[test]
    fn escaping() {
        let evil = s(r#"<script>&"'"#);
        let escaped = "&lt;script&gt;&amp;&quot;&#39;";
        let series = vec![Series {
            name: evil.clone(),
            class: evil.clone(),
            values: vec![Some(1.0)],
        }];
        let svgs = [
            (
                stacked_bars(
                    &evil,
                    &evil,
                    std::slice::from_ref(&evil),
                    &series,
                    &evil,
                    &evil,
                ),
                "stacked-bars",
            ),
            (
                line_chart(
                    &evil,
                    &evil,
                    std::slice::from_ref(&evil),
                    &series,
                    &evil,
                    &evil,
                    &|_| evil.clone(),
                ),
                "line",
            ),
            (
                bar_chart(
                    &evil,
                    &evil,
                    std::slice::from_ref(&evil),
                    &[1.0],
                    &evil,
                    &evil,
                ),
                "bars",
            ),
            (
                timeline(
                    TimelineLayout::Wide,
                    &evil,
                    &evil,
                    &[TimelineEvent {
                        minute: 0,
                        label: evil.clone(),
                    }],
                    &[TimelineMark {
                        kind: MarkKind::Detected,
                        minute: 1,
                        label: evil.clone(),
                        since_start: Some(1),
                    }],
                    &evil,
                    Some(&evil),
                ),
                "timeline",
            ),
            (
                whys_chain(&evil, &evil, std::slice::from_ref(&evil), Some(&evil)),
                "whys",
            ),
            (
                fishbone(
                    &evil,
                    &evil,
                    &evil,
                    &[Bone {
                        category: evil.clone(),
                        causes: vec![(evil.clone(), CauseKind::Root)],
                    }],
                ),
                "fishbone",
            ),
        ];
        for (svg, kind) in &svgs {
            assert!(!svg.contains("<script"), "{svg}");
            assert!(svg.contains(escaped), "{svg}");
            let doc = check(svg, kind);
            let title = doc.root_element().first_element_child().unwrap();
            assert_eq!(title.text(), Some(evil.as_str()));
            assert!(visible(&doc).contains(&evil), "{kind}");
            // The id was sanitized.
            let id = clean_id(&evil);
            assert!(svg.contains(&format!(r#"aria-labelledby="{id}-title {id}-desc""#)));
        }
        assert_eq!(esc("a\u{1}b\u{FFFF}"), "ab");
    }

    #[test]
    fn ellipsize_keeps_the_longest_prefix_that_fits() {
        // The definition, slowly: drop characters from the end until the rest,
        // without trailing spaces, fits with the `…`.
        fn slow(s: &str, width: f64, fs: f64) -> String {
            if text_w(s, fs) <= width {
                return s.to_string();
            }
            let mut chars: Vec<char> = s.chars().collect();
            while !chars.is_empty() {
                chars.pop();
                let t: String = chars.iter().collect::<String>().trim_end().to_string();
                if text_w(&t, fs) + text_w("…", fs) <= width {
                    return format!("{t}…");
                }
            }
            "…".to_string()
        }
        let texts = [
            "started 2019-01-30 09:14 UTC",
            "a b  c   d",
            "Ünïcödé labels — with dashes · and dots",
            "WWWWWWWWWWWW",
            "   ",
            "x",
            "",
            "日本語のラベルです",
        ];
        for s in texts {
            for width in [0.0, 5.0, 12.0, 30.0, 57.5, 80.0, 160.0, 400.0] {
                assert_eq!(
                    ellipsize(s, width, FS),
                    slow(s, width, FS),
                    "{s:?} in {width}"
                );
            }
        }
    }

    #[test]
    fn wrapping_and_truncation() {
        let long = "a".repeat(150);
        let lines = wrap(&long, 100.0, 100.0, FS);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), long);
        let (lines, cut) = fit_lines("one two three four five six seven", 40.0, FS, 2);
        assert!(cut && lines.len() == 2 && lines[1].ends_with('…'));
        assert_eq!(wrap("", 10.0, 10.0, FS), vec![String::new()]);
        assert_eq!(fixed(-0.04, 1), "0.0");
        assert_eq!(value_text(3.0), "3");
        assert_eq!(value_text(2.5), "2.5");
        assert_eq!(n1(f64::NAN).to_string(), "0");
        assert_eq!(n1(f64::INFINITY).to_string(), "0");
        assert_eq!(n1(-0.04).to_string(), "0");
        assert_eq!(n1(12.34).to_string(), "12.3");
        assert_eq!(n1(12.96).to_string(), "13");
        assert_eq!(n1(-3.05).to_string(), "-3.1");
        assert_eq!(n1(-0.06).to_string(), "-0.1");
        assert_eq!(n1(0.05).to_string(), "0.1");
        assert_eq!(n1(1234567.0).to_string(), "1234567");
        assert_eq!(n1(1e300).to_string(), "100000000000000");
    }

    /// Writes a sample of each drawing to `$SVG_SAMPLES` (default
    /// `/tmp/svg-samples`) as SVG and as a small HTML page, for looking at.
    /// Run with `cargo test --lib render::svg -- --ignored`.
    #[test]
    #[ignore]
    fn write_samples() {
        let dir = std::env::var("SVG_SAMPLES").unwrap_or_else(|_| "/tmp/svg-samples".into());
        std::fs::create_dir_all(&dir).unwrap();
        let (events, marks) = sample_timeline();
        let many_quarters: Vec<String> = (0..12)
            .map(|i| format!("{} Q{}", 2023 + i / 4, i % 4 + 1))
            .collect();
        let many = vec![
            Series {
                name: s("SEV0"),
                class: s("sev-0"),
                values: (0..12).map(|i| Some(f64::from(i % 3 / 2))).collect(),
            },
            Series {
                name: s("SEV1"),
                class: s("sev-1"),
                values: (0..12).map(|i| Some(f64::from(i % 4))).collect(),
            },
            Series {
                name: s("SEV2"),
                class: s("sev-2"),
                values: (0..12).map(|i| Some(f64::from((i * 7) % 5))).collect(),
            },
            Series {
                name: s("SEV3 (minor, customer-invisible)"),
                class: s("sev-3"),
                values: (0..12).map(|i| Some(f64::from((i * 3) % 4))).collect(),
            },
        ];
        let samples = [
            (
                "stacked",
                stacked_bars(
                    "incidents-by-quarter",
                    "Incidents per quarter",
                    &many_quarters,
                    &many,
                    "Quarter",
                    "Incidents",
                ),
            ),
            (
                "stacked-small",
                stacked_bars(
                    "s2",
                    "Incidents",
                    &quarters(),
                    &sev_series(),
                    "Quarter",
                    "Incidents",
                ),
            ),
            (
                "line",
                line_chart(
                    "mttm",
                    "Median time to mitigate",
                    &quarters(),
                    &[
                        Series {
                            name: s("SEV1"),
                            class: s("series-0"),
                            values: vec![Some(46.0), None, Some(30.0), Some(12.0)],
                        },
                        Series {
                            name: s("SEV2"),
                            class: s("series-1"),
                            values: vec![Some(80.0), Some(95.0), Some(61.0), Some(70.0)],
                        },
                    ],
                    "Quarter",
                    "Median time to mitigate",
                    &|v| format!("{v:.0} min"),
                ),
            ),
            (
                "line-pct",
                line_chart(
                    "rec",
                    "Recurrence rate",
                    &quarters(),
                    &[Series {
                        name: s("recurrence"),
                        class: s(""),
                        values: vec![Some(0.33), Some(0.5), None, Some(0.25)],
                    }],
                    "Quarter",
                    "Recurring incidents",
                    &|v| format!("{:.0}%", v * 100.0),
                ),
            ),
            (
                "bars",
                bar_chart(
                    "aging",
                    "Open action items by age",
                    &labels(&[
                        "< 30 days",
                        "30–90 days",
                        "90–180 days",
                        "more than half a year old",
                    ]),
                    &[5.0, 3.0, 0.0, 2.0],
                    "Age",
                    "Open items",
                ),
            ),
            (
                "timeline",
                timeline(
                    TimelineLayout::Wide,
                    "timeline",
                    "Timeline of INC-42",
                    &events,
                    &marks,
                    "2025-03-04 14:02 UTC",
                    None,
                ),
            ),
            (
                "timeline-empty",
                timeline(
                    TimelineLayout::Wide,
                    "t0",
                    "Empty timeline",
                    &[],
                    &[],
                    "",
                    None,
                ),
            ),
            (
                "timeline-days",
                timeline(
                    TimelineLayout::Wide,
                    "t1",
                    "Long timeline",
                    &[
                        TimelineEvent {
                            minute: -20,
                            label: s("Config change merged"),
                        },
                        TimelineEvent {
                            minute: 3,
                            label: s("Same minute A"),
                        },
                        TimelineEvent {
                            minute: 3,
                            label: s("Same minute B"),
                        },
                        TimelineEvent {
                            minute: 3000,
                            label: s("Postmortem review"),
                        },
                    ],
                    &[
                        TimelineMark {
                            kind: MarkKind::Started,
                            minute: 0,
                            label: s(""),
                            since_start: None,
                        },
                        TimelineMark {
                            kind: MarkKind::Detected,
                            minute: 2,
                            label: s(""),
                            since_start: Some(2),
                        },
                        TimelineMark {
                            kind: MarkKind::Mitigated,
                            minute: 5,
                            label: s(""),
                            since_start: Some(5),
                        },
                        TimelineMark {
                            kind: MarkKind::Resolved,
                            minute: 2990,
                            label: s(""),
                            since_start: Some(2990),
                        },
                    ],
                    "Mon 3 Mar 2025, 09:00 CET",
                    None,
                ),
            ),
            (
                "timeline-same",
                timeline(
                    TimelineLayout::Wide,
                    "t2",
                    "Same minute",
                    &[
                        TimelineEvent {
                            minute: 7,
                            label: s("One"),
                        },
                        TimelineEvent {
                            minute: 7,
                            label: s("Two"),
                        },
                    ],
                    &[],
                    "",
                    None,
                ),
            ),
            (
                "fishbone-small",
                fishbone(
                    "fish2",
                    "Two bones",
                    "Search results stale for 3 hours after the index rebuild silently failed",
                    &[
                        Bone {
                            category: s("Tooling"),
                            causes: vec![(
                                s("Rebuild job exit code ignored by the scheduler wrapper script"),
                                CauseKind::Root,
                            )],
                        },
                        Bone {
                            category: s("Monitoring"),
                            causes: vec![],
                        },
                    ],
                ),
            ),
            (
                "whys-one",
                whys_chain(
                    "w1",
                    "One why",
                    &[s("Only the symptom is known so far")],
                    None,
                ),
            ),
            (
                "whys",
                whys_chain(
                    "whys",
                    "5 Whys",
                    &labels(&[
                        "Checkout returned HTTP 500 for 12% of requests for 39 minutes",
                        "The payments service ran out of database connections",
                        "A retry storm from the new client library multiplied the load by 8 when the first timeouts appeared, and nothing limited the retries",
                        "The client library's retry defaults were never reviewed",
                        "We have no standard for resilience settings in shared libraries",
                    ]),
                    None,
                ),
            ),
            (
                "fishbone",
                fishbone(
                    "fish",
                    "Causes of INC-42",
                    "Checkout errors for 39 minutes",
                    &{
                        let mut bones = sample_bones();
                        bones.extend([Bone {
                            category: s("Measurement and monitoring of shared infrastructure"),
                            causes: vec![
                                (
                                    s("Connection pool saturation was not alerted on"),
                                    CauseKind::Contributing,
                                ),
                                (
                                    s("Dashboards lacked retry metrics"),
                                    CauseKind::Contributing,
                                ),
                                (
                                    s("Error budget burn alert fired late"),
                                    CauseKind::Contributing,
                                ),
                            ],
                        }]);
                        bones
                    },
                ),
            ),
        ];
        let css = r#"
body { font-family: system-ui, sans-serif; margin: 12px; color: #1f2937; background: #fff; }
body.dark { color: #e5e7eb; background: #111827; }
svg.chart { width: 100%; height: auto; max-width: 860px; display: block; border: 1px dashed #9ca3af; }
.chart .sev-0 { color: #b91c1c; } .chart .sev-1 { color: #ea580c; }
.chart .sev-2 { color: #ca8a04; } .chart .sev-3 { color: #2563eb; }
.chart .series-0 { color: #2563eb; } .chart .series-1 { color: #db2777; }
.chart .mark-started { color: #6b7280; } .chart .mark-detected { color: #ca8a04; }
.chart .mark-mitigated { color: #2563eb; } .chart .mark-resolved { color: #16a34a; }
.chart .event-dot { color: #4b5563; } .chart .time { opacity: .7; }
.chart .cause-root { color: #b91c1c; } .chart .cause-trigger { color: #7c3aed; }
"#;
        for (name, svg) in samples {
            std::fs::write(format!("{dir}/{name}.svg"), &svg).unwrap();
            for (suffix, class) in [("", ""), ("-dark", "dark")] {
                let html = format!(
                    "<!doctype html><meta charset=utf-8><style>{css}</style><body class=\"{class}\">{svg}</body>"
                );
                std::fs::write(format!("{dir}/{name}{suffix}.html"), html).unwrap();
            }
        }
    }
}
