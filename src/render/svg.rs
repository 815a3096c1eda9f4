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
//! `chart-bars`, `chart-timeline`, `chart-whys`, `chart-fishbone`.
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
//! | `value` | `<text>` | a value written on a bar / point, or a stacked bar's total |
//! | `legend` | `<g>` | the legend (only when there are 2 or more series) |
//! | `legend-item` | `<g>` | one legend entry |
//! | `swatch` | `<rect>` | legend colour sample; also carries the series class |
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
//! | `mark-started`, `mark-detected`, `mark-mitigated`, `mark-resolved` | `<g>` | the mark's kind (set `color`); other kinds give `mark-KIND` |
//! | `mark-label` | `<text>` | the mark's name |
//! | `bracket` | `<g>` | duration between two consecutive marks |
//! | `bracket-detect`, `bracket-mitigate`, `bracket-resolve` | `<g>` | which duration (named after the later mark) |
//! | `bracket-line` | `<path>` | the bracket |
//! | `bracket-label` | `<text>` | "detect 7 min" |
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
//! | `spine` | `<line>` | the horizontal spine |
//! | `head` | `<g>` | the effect: `head-box` (`<rect>`) and `head-label` (`<text>`) |
//! | `bone` | `<g>` + `<line>` | one category's bone; the `<g>` also has `bone-above` or `bone-below` |
//! | `category` | `<g>` | the category name: `category-box` (`<rect>`) and `category-label` (`<text>`) |
//! | `cause` | `<g>` | one cause; also `cause-root`, `cause-contributing` or `cause-trigger` (other kinds: `cause-KIND`) |
//! | `cause-tick` | `<line>` | the little line joining the cause to its bone |
//! | `cause-label` | `<text>` | the cause (wrapped) |
//! | `cause-marker` | `<tspan>` | the kind marker before it: `[R]` root, `[C]` contributing, `[T]` trigger |
//! | `legend` | `<text>` | the key for the markers |

use std::fmt::Write as _;

use crate::text::{collapse_whitespace, duration_precise};

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

/// An impact mark on an incident's timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineMark {
    /// `"started"`, `"detected"`, `"mitigated"` or `"resolved"`.
    pub kind: &'static str,
    /// Minutes since the first instant shown.
    pub minute: i64,
    /// Text drawn with the mark; the kind is used when empty.
    pub label: String,
}

/// One bone of a fishbone diagram: a category and its causes as
/// `(label, kind)`, kind being `"root"`, `"contributing"` or `"trigger"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bone {
    pub category: String,
    pub causes: Vec<(String, &'static str)>,
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

/// `kind` as a class suffix (`[a-z0-9-]`).
fn class_token(kind: &str) -> String {
    let s: String = kind
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    if s.is_empty() { "other".to_string() } else { s }
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

// ---------------------------------------------------------------------------
// Charts with axes

/// A linear value scale with "nice" ticks.
struct Scale {
    lo: f64,
    hi: f64,
    step: f64,
}

impl Scale {
    /// A scale covering `min..=max` and 0. `integer`: ticks on whole numbers.
    fn new(min: f64, max: f64, integer: bool) -> Scale {
        let min = if min.is_finite() { min } else { 0.0 };
        let max = if max.is_finite() { max } else { 0.0 };
        let lo = min.min(0.0);
        let mut hi = max.max(0.0);
        if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
            hi = lo + 1.0;
        }
        let raw = (hi - lo) / 5.0;
        let mag = 10f64.powf(raw.log10().floor());
        let norm = raw / mag;
        let nice = if norm <= 1.0 {
            1.0
        } else if norm <= 2.0 {
            2.0
        } else if norm <= 2.5 {
            2.5
        } else if norm <= 5.0 {
            5.0
        } else {
            10.0
        };
        let mut step = nice * mag;
        if integer {
            step = step.max(1.0).ceil();
        }
        let lo = (lo / step).floor() * step;
        let mut hi = (hi / step - 1e-9).ceil() * step;
        if hi <= lo {
            hi = lo + step;
        }
        Scale { lo, hi, step }
    }

    fn ticks(&self) -> Vec<f64> {
        let count = ((self.hi - self.lo) / self.step).round().clamp(1.0, 50.0) as usize;
        (0..=count)
            .map(|k| self.lo + self.step * k as f64)
            .collect()
    }

    /// Decimals needed to write the ticks.
    fn decimals(&self) -> usize {
        let mut d = 0;
        while d < 6 {
            let scaled = self.step * 10f64.powi(d as i32);
            if (scaled - scaled.round()).abs() < 1e-6 {
                break;
            }
            d += 1;
        }
        d
    }

    /// Position of `v` between 0 (at `lo`) and 1 (at `hi`).
    fn unit(&self, v: f64) -> f64 {
        let v = if v.is_finite() { v } else { 0.0 };
        ((v - self.lo) / (self.hi - self.lo)).clamp(0.0, 1.0)
    }
}

/// Everything the frame of a chart needs.
struct Axes<'a> {
    x_labels: Vec<&'a str>,
    scale: Scale,
    tick_labels: Vec<String>,
    x_axis: &'a str,
    y_axis: &'a str,
    /// (name, class) of the series, when a legend is wanted.
    legend: Vec<(&'a str, String)>,
    /// Room above the plot for value labels.
    value_room: f64,
}

/// Where things go.
struct Layout {
    w: f64,
    h: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    band: f64,
    x_labels: Vec<(Vec<String>, bool)>,
    /// (x, y, shown name, shortened) per legend item.
    legend: Vec<(f64, f64, String, bool)>,
}

const MIN_W: f64 = 640.0;
const MIN_BAND: f64 = 48.0;
const PLOT_H: f64 = 220.0;

impl Layout {
    fn new(ax: &Axes<'_>) -> Layout {
        let tick_w = ax
            .tick_labels
            .iter()
            .map(|t| text_w(t, FS))
            .fold(0.0, f64::max);
        let y_title = if ax.y_axis.trim().is_empty() {
            0.0
        } else {
            AXIS_FS + 8.0
        };
        let left = PAD + y_title + tick_w + 8.0;
        let right_pad = 16.0;
        let n = ax.x_labels.len();
        let plot_w = (MIN_W - left - right_pad).max(n as f64 * MIN_BAND);
        let w = (left + plot_w + right_pad).ceil();
        let band = plot_w / n.max(1) as f64;
        let x_labels: Vec<(Vec<String>, bool)> = ax
            .x_labels
            .iter()
            .map(|l| fit_lines(l, band - 6.0, FS, 2))
            .collect();
        let xl_lines = x_labels.iter().map(|(l, _)| l.len()).max().unwrap_or(0) as f64;

        // Legend: items left to right, wrapping onto more rows.
        let mut legend = Vec::new();
        let (mut x, mut row) = (left, 0usize);
        for (name, _) in &ax.legend {
            let shown = ellipsize(name.trim(), 180.0, FS);
            let item_w = 12.0 + 5.0 + text_w(&shown, FS);
            if x > left && x + item_w > w - right_pad {
                x = left;
                row += 1;
            }
            let shortened = shown != name.trim();
            legend.push((x, PAD + 18.0 * row as f64, shown, shortened));
            x += item_w + 18.0;
        }
        let legend_h = if legend.is_empty() {
            0.0
        } else {
            18.0 * (row + 1) as f64 + 4.0
        };
        let top = PAD + legend_h + ax.value_room + 6.0;
        let bottom = top + PLOT_H;
        let x_title = if ax.x_axis.trim().is_empty() {
            0.0
        } else {
            10.0 + AXIS_FS
        };
        let h = (bottom + 8.0 + xl_lines * LH + x_title + PAD).ceil();
        Layout {
            w,
            h,
            left,
            right: left + plot_w,
            top,
            bottom,
            band,
            x_labels,
            legend,
        }
    }

    fn x_center(&self, i: usize) -> f64 {
        self.left + self.band * (i as f64 + 0.5)
    }

    fn y(&self, scale: &Scale, v: f64) -> f64 {
        self.bottom - scale.unit(v) * (self.bottom - self.top)
    }
}

/// Grid lines and y tick labels (drawn under the data).
fn draw_back(out: &mut String, ax: &Axes<'_>, lay: &Layout) {
    for (t, label) in ax.scale.ticks().iter().zip(&ax.tick_labels) {
        let y = lay.y(&ax.scale, *t);
        let _ = write!(
            out,
            r#"<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}" stroke="currentColor" stroke-opacity="0.15"/>"#,
            n1(lay.left),
            n1(y),
            n1(lay.right),
            n1(y)
        );
        text_block(
            out,
            lay.left - 6.0,
            y + FS * 0.35,
            LH,
            std::slice::from_ref(label),
            text_attrs("tick", FS, "end"),
            None,
        );
    }
}

/// Axes, x labels, axis titles and legend (drawn over the data).
fn draw_front(out: &mut String, ax: &Axes<'_>, lay: &Layout, swatch_line: bool) {
    let y0 = lay.y(&ax.scale, 0.0);
    let _ = write!(
        out,
        r#"<line class="axis" x1="{l}" y1="{y0}" x2="{r}" y2="{y0}" stroke="currentColor"/><line class="axis" x1="{l}" y1="{t}" x2="{l}" y2="{b}" stroke="currentColor"/>"#,
        l = n1(lay.left),
        r = n1(lay.right),
        y0 = n1(y0),
        t = n1(lay.top),
        b = n1(lay.bottom),
    );
    let attrs = text_attrs("label x-label", FS, "middle");
    for (i, (lines, shortened)) in lay.x_labels.iter().enumerate() {
        let full = ax.x_labels[i];
        let wrapped = *shortened || lines.len() > 1;
        text_block(
            out,
            lay.x_center(i),
            lay.bottom + 6.0 + FS,
            LH,
            lines,
            attrs,
            wrapped.then_some(full),
        );
    }
    if ax.x_labels.is_empty() {
        text_block(
            out,
            (lay.left + lay.right) / 2.0,
            (lay.top + lay.bottom) / 2.0,
            LH,
            &["No data".to_string()],
            text_attrs("label empty", AXIS_FS, "middle"),
            None,
        );
    }
    let x_axis = ax.x_axis.trim();
    if !x_axis.is_empty() {
        let shown = ellipsize(x_axis, lay.right - lay.left, AXIS_FS);
        let full = (shown != x_axis).then_some(x_axis);
        text_block(
            out,
            (lay.left + lay.right) / 2.0,
            lay.h - PAD - 2.0,
            LH,
            &[shown],
            text_attrs("axis-title", AXIS_FS, "middle"),
            full,
        );
    }
    let y_axis = ax.y_axis.trim();
    if !y_axis.is_empty() {
        let shown = ellipsize(y_axis, lay.bottom - lay.top, AXIS_FS);
        let full = (shown != y_axis).then_some(y_axis);
        let (x, y) = (PAD + AXIS_FS * 0.8, (lay.top + lay.bottom) / 2.0);
        let attrs = text_attrs("axis-title", AXIS_FS, "middle").upright(x, y);
        text_block(out, x, y, LH, &[shown], attrs, full);
    }
    if !lay.legend.is_empty() {
        out.push_str(r#"<g class="legend">"#);
        for ((name, class), (x, y, shown, shortened)) in ax.legend.iter().zip(&lay.legend) {
            out.push_str(r#"<g class="legend-item">"#);
            if swatch_line {
                let _ = write!(
                    out,
                    r#"<rect class="swatch {class}" x="{}" y="{}" width="12" height="3"/>"#,
                    n1(*x),
                    n1(y + 4.5)
                );
            } else {
                let _ = write!(
                    out,
                    r#"<rect class="swatch {class}" x="{}" y="{}" width="12" height="12" rx="2"/>"#,
                    n1(*x),
                    n1(*y)
                );
            }
            text_block(
                out,
                x + 17.0,
                y + 10.0,
                LH,
                std::slice::from_ref(shown),
                text_attrs("label", FS, "start"),
                shortened.then_some(name.trim()),
            );
            out.push_str("</g>");
        }
        out.push_str("</g>");
    }
}

/// Each series' colour class ([`series_class`]), and the legend's (name,
/// class) pairs: none for a single series.
fn classes_and_legend(series: &[Series]) -> (Vec<String>, Vec<(&str, String)>) {
    let classes: Vec<String> = series
        .iter()
        .enumerate()
        .map(|(i, s)| series_class(s, i))
        .collect();
    let legend = if series.len() > 1 {
        series
            .iter()
            .zip(&classes)
            .map(|(s, c)| (s.name.as_str(), c.clone()))
            .collect()
    } else {
        Vec::new()
    };
    (classes, legend)
}

/// The class of series `i`: its own, or `series-i`.
fn series_class(s: &Series, i: usize) -> String {
    let c = class_value(&s.class);
    if c.is_empty() {
        format!("series-{i}")
    } else {
        c
    }
}

/// A finite value of `s` at `i`.
fn value_at(s: &Series, i: usize) -> Option<f64> {
    s.values.get(i).copied().flatten().filter(|v| v.is_finite())
}

fn is_integral(v: f64) -> bool {
    (v - v.round()).abs() < 1e-9
}

/// Stacked bars: one bar per x label, the series stacked bottom to top. Used for
/// "incidents per quarter stacked by severity".
///
/// Values that are `None`, zero, negative or not finite are not drawn; each
/// drawn segment is one `<rect class="bar CLASS">` with a `<title>`
/// ("2025 Q1 · SEV1: 3"), and each non-empty bar gets its total above it.
pub fn stacked_bars(
    id: &str,
    title: &str,
    x_labels: &[String],
    series: &[Series],
    x_axis: &str,
    y_axis: &str,
) -> String {
    let id = clean_id(id);
    let positive = |s: &Series, i: usize| value_at(s, i).filter(|v| *v > 0.0);
    let totals: Vec<f64> = (0..x_labels.len())
        .map(|i| series.iter().filter_map(|s| positive(s, i)).sum())
        .collect();
    let integer = (0..x_labels.len()).all(|i| {
        series
            .iter()
            .filter_map(|s| positive(s, i))
            .all(is_integral)
    });
    let scale = Scale::new(0.0, totals.iter().copied().fold(0.0, f64::max), integer);
    let decimals = scale.decimals();
    let tick_labels = scale.ticks().iter().map(|t| fixed(*t, decimals)).collect();
    let (classes, legend) = classes_and_legend(series);
    let ax = Axes {
        x_labels: x_labels.iter().map(String::as_str).collect(),
        scale,
        tick_labels,
        x_axis,
        y_axis,
        legend,
        value_room: 14.0,
    };
    let lay = Layout::new(&ax);

    // Description.
    let body = if x_labels.is_empty() {
        "no data".to_string()
    } else {
        x_labels
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let parts: Vec<String> = series
                    .iter()
                    .filter_map(|s| positive(s, i).map(|v| format!("{} {}", s.name, value_text(v))))
                    .collect();
                let label = label.trim();
                if parts.len() > 1 || (parts.len() == 1 && series.len() > 1) {
                    format!("{label} {} ({})", value_text(totals[i]), parts.join(", "))
                } else {
                    format!("{label} {}", value_text(totals[i]))
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let desc = sentence(title, &body);

    let mut out = String::new();
    open_svg(&mut out, &id, "stacked-bars", lay.w, lay.h, title, &desc);
    draw_back(&mut out, &ax, &lay);
    let bar_w = (lay.band * 0.62).min(64.0);
    for (i, label) in x_labels.iter().enumerate() {
        let x = lay.x_center(i) - bar_w / 2.0;
        let mut acc = 0.0;
        for (s, class) in series.iter().zip(&classes) {
            let Some(v) = positive(s, i) else { continue };
            let y_top = lay.y(&ax.scale, acc + v);
            // A 1-unit gap between stacked segments.
            let gap = if acc > 0.0 { 1.0 } else { 0.0 };
            let y_bottom = lay.y(&ax.scale, acc) - gap;
            acc += v;
            let _ = write!(
                out,
                r#"<rect class="bar {class}" x="{}" y="{}" width="{}" height="{}"><title>{} · {}: {}</title></rect>"#,
                n1(x),
                n1(y_top),
                n1(bar_w),
                n1((y_bottom - y_top).max(0.0)),
                esc(label.trim()),
                esc(s.name.trim()),
                value_text(v)
            );
        }
        if totals[i] > 0.0 {
            text_block(
                &mut out,
                lay.x_center(i),
                lay.y(&ax.scale, totals[i]) - 4.0,
                LH,
                &[value_text(totals[i])],
                text_attrs("value", FS, "middle"),
                None,
            );
        }
    }
    draw_front(&mut out, &ax, &lay, false);
    out.push_str("</svg>");
    out
}

/// Lines with a point per x label (None = a gap, no point). Used for trends (median time
/// to mitigate per quarter, recurrence rate per quarter). `format` turns a value into the
/// label text (e.g. "46 min", "33%").
///
/// `format` also writes the y tick labels. Runs of consecutive values are
/// joined by a `<path class="line CLASS">`; every value is a
/// `<circle class="point CLASS">` with a `<title>`. With a single series each
/// point also has its value written above it.
pub fn line_chart(
    id: &str,
    title: &str,
    x_labels: &[String],
    series: &[Series],
    x_axis: &str,
    y_axis: &str,
    format: &dyn Fn(f64) -> String,
) -> String {
    let id = clean_id(id);
    let n = x_labels.len();
    let values: Vec<f64> = series
        .iter()
        .flat_map(|s| (0..n).filter_map(|i| value_at(s, i)))
        .collect();
    let min = values.iter().copied().fold(0.0, f64::min);
    let max = values.iter().copied().fold(0.0, f64::max);
    let scale = Scale::new(min, max, values.iter().all(|v| is_integral(*v)));
    let tick_labels = scale
        .ticks()
        .iter()
        .map(|t| ellipsize(&format(*t), 90.0, FS))
        .collect();
    let (classes, legend) = classes_and_legend(series);
    let ax = Axes {
        x_labels: x_labels.iter().map(String::as_str).collect(),
        scale,
        tick_labels,
        x_axis,
        y_axis,
        legend,
        value_room: if series.len() == 1 { 18.0 } else { 8.0 },
    };
    let lay = Layout::new(&ax);

    let body = if n == 0 || series.is_empty() {
        "no data".to_string()
    } else {
        series
            .iter()
            .map(|s| {
                let points = x_labels
                    .iter()
                    .enumerate()
                    .map(|(i, label)| match value_at(s, i) {
                        Some(v) => format!("{} {}", label.trim(), format(v)),
                        None => format!("{} no data", label.trim()),
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                if s.name.trim().is_empty() || series.len() == 1 {
                    points
                } else {
                    format!("{} ({points})", s.name.trim())
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let desc = sentence(title, &body);

    let mut out = String::new();
    open_svg(&mut out, &id, "line", lay.w, lay.h, title, &desc);
    draw_back(&mut out, &ax, &lay);
    for (s, class) in series.iter().zip(&classes) {
        // Lines: one subpath per run of two or more consecutive values.
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for i in 0..n {
            match value_at(s, i) {
                Some(v) => runs
                    .last_mut()
                    .expect("never empty")
                    .push((lay.x_center(i), lay.y(&ax.scale, v))),
                None => runs.push(Vec::new()),
            }
        }
        let d = runs
            .iter()
            .filter(|run| run.len() > 1)
            .map(|run| {
                run.iter()
                    .enumerate()
                    .map(|(k, (x, y))| {
                        format!("{}{} {}", if k == 0 { 'M' } else { 'L' }, n1(*x), n1(*y))
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join(" ");
        if !d.is_empty() {
            let _ = write!(
                out,
                r#"<path class="line {class}" d="{d}" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>"#
            );
        }
    }
    for (s, class) in series.iter().zip(&classes) {
        for (i, label) in x_labels.iter().enumerate() {
            let Some(v) = value_at(s, i) else { continue };
            let (x, y) = (lay.x_center(i), lay.y(&ax.scale, v));
            let name = s.name.trim();
            let tip = if name.is_empty() {
                format!("{}: {}", label.trim(), format(v))
            } else {
                format!("{} · {}: {}", label.trim(), name, format(v))
            };
            let _ = write!(
                out,
                r#"<circle class="point {class}" cx="{}" cy="{}" r="3.5"><title>{}</title></circle>"#,
                n1(x),
                n1(y),
                esc(&tip)
            );
            if series.len() == 1 {
                let text = ellipsize(&format(v), lay.band - 4.0, FS);
                // Above the point, or below it when that would leave the plot.
                let ty = if y - 8.0 - FS * 0.8 < lay.top - ax.value_room {
                    y + 8.0 + FS
                } else {
                    y - 8.0
                };
                text_block(
                    &mut out,
                    x,
                    ty,
                    LH,
                    &[text],
                    text_attrs("value", FS, "middle"),
                    None,
                );
            }
        }
    }
    draw_front(&mut out, &ax, &lay, true);
    out.push_str("</svg>");
    out
}

/// Simple bars with their value written on them. Used for action-item aging buckets.
///
/// One `<rect class="bar series-0">` per value (a zero value is a bar of
/// height 0), its value written just above it (below, for negative values).
/// Labels are matched to values by position.
pub fn bar_chart(
    id: &str,
    title: &str,
    labels: &[String],
    values: &[f64],
    x_axis: &str,
    y_axis: &str,
) -> String {
    let id = clean_id(id);
    let clean = |v: f64| if v.is_finite() { v } else { 0.0 };
    let min = values.iter().copied().map(clean).fold(0.0, f64::min);
    let max = values.iter().copied().map(clean).fold(0.0, f64::max);
    let scale = Scale::new(min, max, values.iter().all(|v| is_integral(clean(*v))));
    let decimals = scale.decimals();
    let tick_labels = scale.ticks().iter().map(|t| fixed(*t, decimals)).collect();
    let x_labels: Vec<&str> = (0..values.len())
        .map(|i| labels.get(i).map_or("", String::as_str))
        .collect();
    let ax = Axes {
        x_labels: x_labels.clone(),
        scale,
        tick_labels,
        x_axis,
        y_axis,
        legend: Vec::new(),
        value_room: 14.0,
    };
    let lay = Layout::new(&ax);

    let body = if values.is_empty() {
        "no data".to_string()
    } else {
        x_labels
            .iter()
            .zip(values)
            .map(|(l, v)| format!("{} {}", l.trim(), value_text(*v)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let desc = sentence(title, &body);

    let mut out = String::new();
    open_svg(&mut out, &id, "bars", lay.w, lay.h, title, &desc);
    draw_back(&mut out, &ax, &lay);
    let bar_w = (lay.band * 0.62).min(72.0);
    let y0 = lay.y(&ax.scale, 0.0);
    for (i, v) in values.iter().map(|v| clean(*v)).enumerate() {
        let y = lay.y(&ax.scale, v);
        let _ = write!(
            out,
            r#"<rect class="bar series-0" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>"#,
            n1(lay.x_center(i) - bar_w / 2.0),
            n1(y.min(y0)),
            n1(bar_w),
            n1((y - y0).abs()),
            esc(x_labels[i].trim()),
            value_text(v)
        );
        let ty = if v < 0.0 { y + 4.0 + FS } else { y - 4.0 };
        text_block(
            &mut out,
            lay.x_center(i),
            ty,
            LH,
            &[value_text(v)],
            text_attrs("value", FS, "middle"),
            None,
        );
    }
    draw_front(&mut out, &ax, &lay, false);
    out.push_str("</svg>");
    out
}

// ---------------------------------------------------------------------------
// Timeline

/// An elapsed time: "+0", "+30 min", "+2 h", "+1 d 3 h", "-15 min".
fn elapsed_text(minutes: i64) -> String {
    match minutes {
        0 => "+0".to_string(),
        m if m < 0 => duration_precise(m),
        m => format!("+{}", duration_precise(m)),
    }
}

/// The verb for the duration that ends at a mark of `kind`.
fn bracket_name(kind: &str) -> String {
    match kind {
        "started" => "start".to_string(),
        "detected" => "detect".to_string(),
        "mitigated" => "mitigate".to_string(),
        "resolved" => "resolve".to_string(),
        other => other.to_string(),
    }
}

fn mark_order(kind: &str) -> usize {
    match kind {
        "started" => 0,
        "detected" => 1,
        "mitigated" => 2,
        "resolved" => 3,
        _ => 4,
    }
}

/// An incident's timeline drawn on a time axis.
///
/// One row per event (in time order, ties in the given order): its label on
/// the left, wrapped, and a dot at its time on the axis scale with the
/// elapsed time beside it. The impact marks are vertical lines across the
/// rows with their names on top (staggered when close), and the durations
/// between consecutive marks are brackets under the axis ("detect 7 min").
/// The axis runs from the earliest to the latest minute of events and marks
/// (at least 10 minutes), tick labels in elapsed time from minute 0.
///
/// The description (`<desc>`, what a screen reader says for the drawing)
/// names the marks and durations and then every event, unless `listed_in`
/// says where the page already lists them in text ("the Timeline section"):
/// then it gives their number and that place, rather than reading them out
/// a second time.
pub fn timeline(
    id: &str,
    title: &str,
    events: &[TimelineEvent],
    marks: &[TimelineMark],
    start_label: &str,
    listed_in: Option<&str>,
) -> String {
    const W: f64 = 800.0;
    const EFS: f64 = 12.0;
    const ELH: f64 = 15.0;
    const LABEL_W: f64 = 290.0;
    const PLOT_L: f64 = PAD + LABEL_W + 24.0;
    const PLOT_R: f64 = W - 36.0;
    let id = clean_id(id);

    let mut events: Vec<&TimelineEvent> = events.iter().collect();
    events.sort_by_key(|e| e.minute);
    let mut marks: Vec<&TimelineMark> = marks.iter().collect();
    marks.sort_by_key(|m| (m.minute, mark_order(m.kind)));

    let minutes = events
        .iter()
        .map(|e| e.minute)
        .chain(marks.iter().map(|m| m.minute));
    let mut lo = minutes.clone().min().unwrap_or(0);
    let max = minutes.max().unwrap_or(0);
    if max == lo {
        // Everything at one instant: centre it (without going before 0).
        lo = lo.saturating_sub(5).max(lo.min(0));
    }
    let hi = max.max(lo.saturating_add(10));
    let span = (hi as f64 - lo as f64).max(1.0);
    let x_of = |m: i64| PLOT_L + (m as f64 - lo as f64) / span * (PLOT_R - PLOT_L);

    // Ticks: the first step giving at most 6 intervals.
    const STEPS: [i64; 17] = [
        1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 4320, 10080, 20160, 43200,
    ];
    let span_i = hi.saturating_sub(lo).max(1);
    let step = STEPS
        .iter()
        .copied()
        .find(|s| span_i / s <= 6)
        .unwrap_or_else(|| (span_i / 6 / 1440 + 1) * 1440);
    let mut ticks = Vec::new();
    let mut t = lo.div_euclid(step) * step;
    if t < lo {
        t += step;
    }
    while t <= hi && ticks.len() < 20 {
        ticks.push(t);
        t += step;
    }

    // Header: start label, then mark names in lanes.
    let start = start_label.trim();
    let start_text = if start.is_empty() {
        String::new()
    } else {
        format!("+0 = {start}")
    };
    let start_shown = ellipsize(&start_text, LABEL_W, FS);
    let mut lanes: Vec<f64> = Vec::new(); // right edge of each lane
    let mut mark_labels = Vec::new(); // (x, lane, anchor, shown, shortened)
    for m in &marks {
        let text = if m.label.trim().is_empty() {
            m.kind.to_string()
        } else {
            m.label.trim().to_string()
        };
        let shown = ellipsize(&text, 160.0, FS);
        let x = x_of(m.minute);
        let w = text_w(&shown, FS);
        let (left, anchor, tx) = if x + 4.0 + w <= W - 4.0 {
            (x, "start", x + 4.0)
        } else {
            (x - 4.0 - w, "end", x - 4.0)
        };
        let right = left + w + 4.0;
        let lane = match lanes.iter().position(|r| left > *r + 6.0) {
            Some(l) => {
                lanes[l] = right;
                l
            }
            None => {
                lanes.push(right);
                lanes.len() - 1
            }
        };
        let shortened = shown != text;
        mark_labels.push((tx, lane, anchor, shown, shortened.then_some(text)));
    }
    let header_lanes = lanes.len().max(usize::from(!start_text.is_empty()));
    let header_h = PAD + 16.0 * header_lanes as f64 + 4.0;

    // Rows.
    let rows: Vec<Vec<String>> = events
        .iter()
        .map(|e| wrap(e.label.trim(), LABEL_W, LABEL_W, EFS))
        .collect();
    let row_h = |lines: &Vec<String>| lines.len() as f64 * ELH + 10.0;
    let rows_top = header_h + 4.0;
    let rows_h: f64 = rows.iter().map(row_h).sum();
    let rows_bottom = rows_top + rows_h.max(if events.is_empty() { 24.0 } else { 0.0 });
    let axis_y = rows_bottom + 8.0;

    // Brackets between consecutive marks, one per row under the axis.
    let brackets: Vec<(i64, i64, String)> = marks
        .windows(2)
        .map(|w| {
            let name = bracket_name(w[1].kind);
            (
                w[0].minute,
                w[1].minute,
                format!("{name} {}", duration_precise(w[1].minute - w[0].minute)),
            )
        })
        .collect();
    let brackets_top = axis_y + 4.0 + FS + 16.0;
    let h = brackets_top + 30.0 * brackets.len() as f64 + PAD - 6.0;

    // Description.
    let mut body = Vec::new();
    if !start.is_empty() {
        body.push(format!("starts {start}"));
    }
    if !marks.is_empty() {
        body.push(
            marks
                .iter()
                .map(|m| format!("{} at {}", m.kind, elapsed_text(m.minute)))
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    if !brackets.is_empty() {
        body.push(
            brackets
                .iter()
                .map(|b| b.2.clone())
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    match (events.len(), listed_in) {
        (0, _) => body.push("no events".to_string()),
        (1, Some(place)) => body.push(format!("1 event, listed in {place}")),
        (n, Some(place)) => body.push(format!("{n} events, listed in {place}")),
        (_, None) => body.push(format!(
            "events: {}",
            events
                .iter()
                .map(|e| format!("{} {}", elapsed_text(e.minute), e.label.trim()))
                .collect::<Vec<_>>()
                .join("; ")
        )),
    }
    let desc = sentence(title, &body.join("; "));

    let mut out = String::new();
    open_svg(&mut out, &id, "timeline", W, h, title, &desc);
    if !start_text.is_empty() {
        text_block(
            &mut out,
            PAD,
            PAD + 10.0,
            LH,
            std::slice::from_ref(&start_shown),
            text_attrs("label start-label", FS, "start"),
            (start_shown != start_text).then_some(start_text.as_str()),
        );
    }
    // Repeated lines are one path each (grid, stripes, guides): a page has
    // a timeline, and a site thousands of pages.
    // Vertical grid lines at the ticks.
    if !ticks.is_empty() {
        out.push_str(r#"<path class="grid" d=""#);
        for t in &ticks {
            let _ = write!(out, "M{} {}V{}", n1(x_of(*t)), n1(rows_top), n1(axis_y));
        }
        out.push_str(r#"" stroke="currentColor" stroke-opacity="0.15"/>"#);
    }
    // Event rows: every other one striped, and a dotted guide from the axis
    // start to each event's dot.
    struct Row {
        y: f64,
        cy: f64,
        x: f64,
        time: String,
        tx: f64,
        anchor: &'static str,
    }
    let mut stripes = String::new();
    let mut guides = String::new();
    let mut y = rows_top;
    let placed: Vec<Row> = events
        .iter()
        .zip(&rows)
        .enumerate()
        .map(|(i, (e, lines))| {
            let rh = row_h(lines);
            if i % 2 == 1 {
                let _ = write!(
                    stripes,
                    "M{} {}h{}v{}h-{}z",
                    n1(PAD / 2.0),
                    n1(y),
                    n1(W - PAD),
                    n1(rh),
                    n1(W - PAD)
                );
            }
            let cy = y + 5.0 + EFS * 0.55;
            let x = x_of(e.minute);
            let time = elapsed_text(e.minute);
            let time_w = text_w(&time, 10.0);
            // The time goes right of the dot, or left of it (and the guide
            // stops before it) near the right edge.
            let (tx, anchor, guide_end) = if x + 8.0 + time_w <= W - 4.0 {
                (x + 8.0, "start", x)
            } else {
                (x - 8.0, "end", x - 12.0 - time_w)
            };
            if guide_end > PLOT_L {
                let _ = write!(guides, "M{} {}H{}", n1(PLOT_L), n1(cy), n1(guide_end));
            }
            let row = Row {
                y,
                cy,
                x,
                time,
                tx,
                anchor,
            };
            y += rh;
            row
        })
        .collect();
    if !stripes.is_empty() {
        let _ = write!(
            out,
            r#"<path class="row-stripe" d="{stripes}" fill-opacity="0.05"/>"#
        );
    }
    if !guides.is_empty() {
        let _ = write!(
            out,
            r#"<path class="guide" d="{guides}" fill="none" stroke="currentColor" stroke-opacity="0.35" stroke-dasharray="2 3"/>"#
        );
    }
    for (row, lines) in placed.iter().zip(&rows) {
        let Row {
            y,
            cy,
            x,
            time,
            tx,
            anchor,
        } = row;
        out.push_str(r#"<g class="event">"#);
        text_block(
            &mut out,
            PAD,
            y + 5.0 + EFS * 0.9,
            ELH,
            lines,
            text_attrs("label event-label", EFS, "start"),
            None,
        );
        let _ = write!(
            out,
            r#"<circle class="event-dot" cx="{}" cy="{}" r="4.5"/>"#,
            n1(*x),
            n1(*cy),
        );
        text_block(
            &mut out,
            *tx,
            cy + 3.5,
            LH,
            std::slice::from_ref(time),
            text_attrs("time", 10.0, anchor),
            None,
        );
        out.push_str("</g>");
    }
    if events.is_empty() {
        text_block(
            &mut out,
            PAD,
            rows_top + 16.0,
            LH,
            &["No events".to_string()],
            text_attrs("label empty", EFS, "start"),
            None,
        );
    }
    // Marks.
    for (m, (tx, lane, anchor, shown, full)) in marks.iter().zip(&mark_labels) {
        let x = x_of(m.minute);
        let label_y = PAD + 10.0 + 16.0 * *lane as f64;
        let _ = write!(
            out,
            r#"<g class="mark mark-{}"><line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="currentColor" stroke-width="2"/>"#,
            class_token(m.kind),
            n1(label_y + 4.0),
            n1(axis_y),
            x = n1(x)
        );
        text_block(
            &mut out,
            *tx,
            label_y,
            LH,
            std::slice::from_ref(shown),
            text_attrs("mark-label", FS, anchor),
            full.as_deref(),
        );
        out.push_str("</g>");
    }
    // Axis, with a tick mark at each tick.
    let _ = write!(
        out,
        r#"<path class="axis" d="M{} {y}H{}"#,
        n1(PLOT_L),
        n1(PLOT_R),
        y = n1(axis_y)
    );
    for t in &ticks {
        let _ = write!(out, "M{} {}v4", n1(x_of(*t)), n1(axis_y));
    }
    out.push_str(r#"" stroke="currentColor"/>"#);
    for t in &ticks {
        let x = x_of(*t);
        text_block(
            &mut out,
            x,
            axis_y + 4.0 + FS,
            LH,
            &[elapsed_text(*t)],
            text_attrs("tick", FS, "middle"),
            None,
        );
    }
    // Brackets.
    for (k, (a, b, label)) in brackets.iter().enumerate() {
        let (xa, xb) = (x_of(*a), x_of(*b));
        let y = brackets_top + 30.0 * k as f64;
        let kind = class_token(&label_kind(label));
        let _ = write!(
            out,
            r#"<g class="bracket bracket-{kind}"><path class="bracket-line" d="M{} {} V{} H{} V{}" fill="none" stroke="currentColor"/>"#,
            n1(xa),
            n1(y - 6.0),
            n1(y),
            n1(xb),
            n1(y - 6.0)
        );
        let w = text_w(label, FS);
        let cx = ((xa + xb) / 2.0).clamp(PAD + w / 2.0, W - PAD - w / 2.0);
        text_block(
            &mut out,
            cx,
            y + FS + 2.0,
            LH,
            std::slice::from_ref(label),
            text_attrs("label bracket-label", FS, "middle"),
            None,
        );
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

/// The first word of a bracket label ("detect 7 min" → "detect").
fn label_kind(label: &str) -> String {
    label.split(' ').next().unwrap_or_default().to_string()
}

// ---------------------------------------------------------------------------
// 5 Whys

/// The 5 Whys as a chain of boxes from symptom (first) to systemic cause (last), connected by arrows labelled "why?".
///
/// The boxes are stacked top to bottom, each why wrapped onto as many lines
/// as it needs. As for [`timeline`], `listed_in` names where the page lists
/// the whys in text, so the description need not repeat them.
pub fn whys_chain(id: &str, title: &str, whys: &[String], listed_in: Option<&str>) -> String {
    const W: f64 = 640.0;
    const BOX_X: f64 = 40.0;
    const BOX_W: f64 = W - 2.0 * BOX_X;
    const TFS: f64 = 13.0;
    const TLH: f64 = 17.0;
    const ARROW_H: f64 = 36.0;
    let id = clean_id(id);
    let wrapped: Vec<Vec<String>> = whys
        .iter()
        .map(|w| wrap(w.trim(), BOX_W - 28.0, BOX_W - 28.0, TFS))
        .collect();
    let box_h = |lines: &Vec<String>| 10.0 + 13.0 + lines.len() as f64 * TLH + 6.0;
    let total: f64 =
        wrapped.iter().map(box_h).sum::<f64>() + ARROW_H * whys.len().saturating_sub(1) as f64;
    let h = if whys.is_empty() {
        60.0
    } else {
        PAD + total + PAD
    };

    let body = if whys.is_empty() {
        "no whys recorded".to_string()
    } else if let Some(place) = listed_in {
        format!("{} steps, listed in {place}", whys.len())
    } else {
        whys.iter()
            .enumerate()
            .map(|(i, w)| format!("{}. {}", i + 1, w.trim()))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let desc = sentence(
        title,
        &format!("from symptom to systemic cause, {body}")
            .replace("cause, no whys", "cause: no whys"),
    );

    let mut out = String::new();
    open_svg(&mut out, &id, "whys", W, h, title, &desc);
    if whys.is_empty() {
        text_block(
            &mut out,
            W / 2.0,
            h / 2.0 + 4.0,
            LH,
            &["No whys recorded".to_string()],
            text_attrs("label empty", AXIS_FS, "middle"),
            None,
        );
    }
    let last = whys.len().saturating_sub(1);
    let mut y = PAD;
    for (i, lines) in wrapped.iter().enumerate() {
        let bh = box_h(lines);
        let (role, caption) = match i {
            0 if last > 0 => ("why-symptom", format!("{} · symptom", i + 1)),
            0 => ("why-symptom", "symptom".to_string()),
            i if i == last => ("why-systemic", format!("{} · systemic cause", i + 1)),
            i => ("why-step", format!("{}", i + 1)),
        };
        let _ = write!(
            out,
            r#"<g class="why {role}"><rect class="why-box" x="{}" y="{}" width="{}" height="{}" rx="6" fill-opacity="0.06" stroke="currentColor" stroke-opacity="0.5"/>"#,
            n1(BOX_X),
            n1(y),
            n1(BOX_W),
            n1(bh)
        );
        text_block(
            &mut out,
            BOX_X + 14.0,
            y + 10.0 + 9.0,
            LH,
            &[caption],
            text_attrs("why-step-label", 10.0, "start"),
            None,
        );
        text_block(
            &mut out,
            BOX_X + 14.0,
            y + 10.0 + 13.0 + TFS,
            TLH,
            lines,
            text_attrs("why-text", TFS, "start"),
            None,
        );
        out.push_str("</g>");
        y += bh;
        if i < last {
            let x = W / 2.0;
            // The shaft and the (filled) head as one path.
            let _ = write!(
                out,
                r#"<g class="why-arrow"><path class="arrow" d="M{x} {}V{}M{} {}L{x} {}L{} {}Z" stroke="currentColor" stroke-width="1.5"/>"#,
                n1(y + 3.0),
                n1(y + ARROW_H - 9.0),
                n1(x - 5.0),
                n1(y + ARROW_H - 10.0),
                n1(y + ARROW_H - 3.0),
                n1(x + 5.0),
                n1(y + ARROW_H - 10.0),
                x = n1(x)
            );
            text_block(
                &mut out,
                x + 10.0,
                y + ARROW_H / 2.0 + 4.0,
                LH,
                &["why?".to_string()],
                text_attrs("label why-label", FS, "start"),
                None,
            );
            out.push_str("</g>");
            y += ARROW_H;
        }
    }
    out.push_str("</svg>");
    out
}

// ---------------------------------------------------------------------------
// Fishbone

/// The short marker written before a cause of `kind`: its initial (`[R]`
/// root, `[C]` contributing, `[T]` trigger).
fn cause_marker(kind: &str) -> String {
    match kind.chars().next() {
        Some(c) => format!("[{}]", c.to_uppercase()),
        None => "[?]".to_string(),
    }
}

/// A fishbone (Ishikawa) diagram: the effect at the head, one bone per category (all given
/// categories are drawn, even empty ones, alternating above/below the spine), each cause
/// written on its bone with its kind ("root", "contributing" or "trigger") as a CSS class
/// (`cause-root` …) and a small text marker.
///
/// Bones go in pairs (above, below) from the tail towards the head; the
/// causes are stacked along their bone, wrapped, each preceded by its marker
/// (`[R]`, `[C]`, `[T]`), with a key at the bottom.
pub fn fishbone(id: &str, title: &str, effect: &str, bones: &[Bone]) -> String {
    const SLOT: f64 = 240.0;
    const TAIL: f64 = 20.0;
    const HEAD_W: f64 = 170.0;
    const CFS: f64 = 12.0;
    const CLH: f64 = 15.0;
    const CAT_FS: f64 = 13.0;
    const CAT_LH: f64 = 16.0;
    const EFS: f64 = 14.0;
    const ELH: f64 = 17.0;
    const BONE_IN: f64 = 16.0; // outer end of a bone, from the slot's left
    const SLANT: f64 = 30.0;
    let id = clean_id(id);
    let slots = bones.len().div_ceil(2);
    let head_x = TAIL + 10.0 + SLOT * slots as f64 + 10.0;
    let w = (head_x + HEAD_W + PAD).max(MIN_W);
    let head_x = w - PAD - HEAD_W;
    let slot_x = |k: usize| TAIL + 10.0 + SLOT * k as f64;

    // Text of the causes: wrapped to the narrowest place right of a bone.
    let text_w_max = SLOT - BONE_IN - SLANT - 10.0 - 14.0;
    let marker_room = |kind: &str| text_w(&format!("{} ", cause_marker(kind)), CFS);
    let cat_lines: Vec<(Vec<String>, bool)> = bones
        .iter()
        .map(|b| fit_lines(b.category.trim(), SLOT - 40.0, CAT_FS * BOLD, 3))
        .collect();
    let cause_lines: Vec<Vec<Vec<String>>> = bones
        .iter()
        .map(|b| {
            b.causes
                .iter()
                .map(|(label, kind)| {
                    wrap(
                        label.trim(),
                        text_w_max - marker_room(kind),
                        text_w_max,
                        CFS,
                    )
                })
                .collect()
        })
        .collect();
    let causes_h = |i: usize| -> f64 {
        cause_lines[i]
            .iter()
            .map(|l| l.len() as f64 * CLH + 6.0)
            .sum()
    };
    let above = |i: usize| i.is_multiple_of(2);
    let side_max = |up: bool, f: &dyn Fn(usize) -> f64| {
        (0..bones.len())
            .filter(|i| above(*i) == up)
            .map(f)
            .fold(0.0, f64::max)
    };
    let cat_h = |i: usize| cat_lines[i].0.len() as f64 * CAT_LH + 8.0;
    let cat_above = side_max(true, &cat_h);
    let cat_below = side_max(false, &cat_h);
    let causes_above = side_max(true, &causes_h).max(24.0);
    let causes_below = side_max(false, &causes_h).max(24.0);

    let effect_lines = wrap(effect.trim(), HEAD_W - 20.0, HEAD_W - 20.0, EFS * BOLD);
    let head_h = effect_lines.len() as f64 * ELH + 18.0;

    let mut top_h = cat_above + 4.0 + causes_above + 10.0;
    let mut bottom_h = 10.0 + causes_below + 4.0 + cat_below;
    top_h = top_h.max(head_h / 2.0);
    bottom_h = bottom_h.max(head_h / 2.0);
    let spine_y = PAD + top_h;
    let outer_above = spine_y - 10.0 - causes_above; // y of the outer end of upper bones
    let outer_below = spine_y + 10.0 + causes_below;
    let any_causes = bones.iter().any(|b| !b.causes.is_empty());
    let legend_y = spine_y + bottom_h + 22.0;
    let h = if any_causes {
        legend_y + PAD
    } else {
        spine_y + bottom_h + PAD
    };

    // Description.
    let mut body = format!("effect {}", effect.trim());
    for b in bones {
        let causes = if b.causes.is_empty() {
            "no causes".to_string()
        } else {
            b.causes
                .iter()
                .map(|(l, k)| format!("{} ({k})", l.trim()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = write!(body, "; {}: {causes}", b.category.trim());
    }
    let desc = sentence(title, &body);

    let mut out = String::new();
    open_svg(&mut out, &id, "fishbone", w, h, title, &desc);
    let _ = write!(
        out,
        r#"<line class="spine" x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="currentColor" stroke-width="3"/>"#,
        n1(TAIL),
        n1(head_x),
        y = n1(spine_y)
    );
    for (i, bone) in bones.iter().enumerate() {
        let up = above(i);
        let sx = slot_x(i / 2);
        let outer_x = sx + BONE_IN;
        let spine_x = outer_x + SLANT;
        let outer_y = if up { outer_above } else { outer_below };
        // x of the bone at height y.
        let bone_x =
            |y: f64| outer_x + SLANT * ((y - outer_y) / (spine_y - outer_y)).clamp(0.0, 1.0);
        let _ = write!(
            out,
            r#"<g class="bone {}"><line class="bone" x1="{}" y1="{}" x2="{}" y2="{}" stroke="currentColor" stroke-width="2"/>"#,
            if up { "bone-above" } else { "bone-below" },
            n1(outer_x),
            n1(outer_y),
            n1(spine_x),
            n1(spine_y)
        );
        // Category box at the outer end.
        let (lines, shortened) = &cat_lines[i];
        let ch = cat_h(i);
        let cw = lines
            .iter()
            .map(|l| text_w(l, CAT_FS * BOLD))
            .fold(0.0, f64::max)
            + 16.0;
        let cy = if up {
            outer_y - 4.0 - ch
        } else {
            outer_y + 4.0
        };
        let cx = (outer_x - cw / 2.0).max(TAIL - 12.0).max(PAD / 2.0);
        let _ = write!(
            out,
            r#"<g class="category"><rect class="category-box" x="{}" y="{}" width="{}" height="{}" rx="4" fill-opacity="0.08" stroke="currentColor" stroke-opacity="0.6"/>"#,
            n1(cx),
            n1(cy),
            n1(cw),
            n1(ch)
        );
        let full = bone.category.trim();
        text_block(
            &mut out,
            cx + cw / 2.0,
            cy + 4.0 + CAT_FS * 0.9,
            CAT_LH,
            lines,
            text_attrs("category-label", CAT_FS, "middle").bold(),
            shortened.then_some(full),
        );
        out.push_str("</g>");
        // Causes, top to bottom.
        let mut y = if up { outer_y + 6.0 } else { spine_y + 10.0 };
        for ((label, kind), lines) in bone.causes.iter().zip(&cause_lines[i]) {
            let ch = lines.len() as f64 * CLH;
            let tx = bone_x(y).max(bone_x(y + ch)) + 10.0;
            let tick_y = y + CLH * 0.5;
            let marker = cause_marker(kind);
            let label = label.trim();
            let _ = write!(
                out,
                r#"<g class="cause cause-{}"><line class="cause-tick" x1="{}" y1="{ty}" x2="{}" y2="{ty}" stroke="currentColor"/><text x="{}" y="{}""#,
                class_token(kind),
                n1(bone_x(tick_y)),
                n1(tx - 3.0),
                n1(tx),
                n1(y + CFS),
                ty = n1(tick_y)
            );
            text_attrs("cause-label", CFS, "start").push_to(&mut out);
            out.push('>');
            if lines.len() > 1 {
                let _ = write!(out, "<title>{} ({kind})</title>", esc(label));
            }
            for (k, line) in lines.iter().enumerate() {
                let _ = write!(
                    out,
                    r#"<tspan x="{}" y="{}">"#,
                    n1(tx),
                    n1(y + CFS + CLH * k as f64)
                );
                if k == 0 {
                    let _ = write!(
                        out,
                        r#"<tspan class="cause-marker" font-weight="700">{}</tspan> "#,
                        esc(&marker)
                    );
                }
                let _ = write!(out, "{}</tspan>", esc(line));
            }
            out.push_str("</text></g>");
            y += ch + 6.0;
        }
        out.push_str("</g>");
    }
    // Head.
    let _ = write!(
        out,
        r#"<g class="head"><rect class="head-box" x="{}" y="{}" width="{}" height="{}" rx="8" fill-opacity="0.1" stroke="currentColor" stroke-width="2"/>"#,
        n1(head_x),
        n1(spine_y - head_h / 2.0),
        n1(HEAD_W),
        n1(head_h)
    );
    text_block(
        &mut out,
        head_x + HEAD_W / 2.0,
        spine_y - head_h / 2.0 + 9.0 + EFS,
        ELH,
        &effect_lines,
        text_attrs("head-label", EFS, "middle").bold(),
        None,
    );
    out.push_str("</g>");
    if any_causes {
        text_block(
            &mut out,
            TAIL,
            legend_y,
            LH,
            &["[R] root cause · [C] contributing factor · [T] trigger".to_string()],
            text_attrs("legend", FS, "start"),
            None,
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Four bones used by more than one test and by the samples.
    fn sample_bones() -> Vec<Bone> {
        vec![
            Bone {
                category: s("People"),
                causes: vec![(
                    s("On-call unfamiliar with the payments runbook"),
                    "contributing",
                )],
            },
            Bone {
                category: s("Process"),
                causes: vec![
                    (
                        s("No review of third-party library defaults before upgrading"),
                        "root",
                    ),
                    (
                        s("Canary too short to catch the retry storm"),
                        "contributing",
                    ),
                ],
            },
            Bone {
                category: s("Technology"),
                causes: vec![(s("Deploy of v2.14"), "trigger")],
            },
            Bone {
                category: s("Environment"),
                causes: vec![],
            },
        ]
    }

    fn s(v: &str) -> String {
        v.to_string()
    }

    fn labels(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    /// Parses `svg`, checks the root's attributes, title and desc, and the
    /// absence of NaN/inf.
    fn check<'a>(svg: &'a str, kind: &str) -> roxmltree::Document<'a> {
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        assert_eq!(root.attribute("role"), Some("img"));
        assert_eq!(
            root.attribute("class"),
            Some(&*format!("chart chart-{kind}"))
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
    fn text_of(node: roxmltree::Node<'_, '_>) -> String {
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
    fn texts_of(doc: &roxmltree::Document<'_>, tags: &[&str]) -> String {
        doc.descendants()
            .filter(|n| tags.contains(&n.tag_name().name()))
            .map(|n| text_of(n) + "\n")
            .collect()
    }

    /// All text: `<text>`s, `<title>`s and `<desc>`.
    fn texts(doc: &roxmltree::Document<'_>) -> String {
        texts_of(doc, &["text", "title", "desc"])
    }

    /// The visible text only (`<text>` elements).
    fn visible(doc: &roxmltree::Document<'_>) -> String {
        texts_of(doc, &["text"])
    }

    fn count(doc: &roxmltree::Document<'_>, tag: &str, class_prefix: &str) -> usize {
        doc.descendants()
            .filter(|n| n.tag_name().name() == tag)
            .filter(|n| {
                n.attribute("class")
                    .is_some_and(|c| c.split(' ').next() == Some(class_prefix))
            })
            .count()
    }

    fn sev_series() -> Vec<Series> {
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

    fn quarters() -> Vec<String> {
        labels(&["2025 Q1", "2025 Q2", "2025 Q3", "2025 Q4"])
    }

    #[test]
    fn stacked_bars_one_rect_per_nonzero_value() {
        let svg = stacked_bars(
            "incidents-by-quarter",
            "Incidents per quarter",
            &quarters(),
            &sev_series(),
            "Quarter",
            "Incidents",
        );
        let doc = check(&svg, "stacked-bars");
        assert!(
            svg.contains(
                r#"aria-labelledby="incidents-by-quarter-title incidents-by-quarter-desc""#
            )
        );
        assert_eq!(count(&doc, "rect", "bar"), 7);
        assert_eq!(
            doc.descendants()
                .filter(|n| n.attribute("class") == Some("bar sev-2"))
                .count(),
            3
        );
        let text = texts(&doc);
        for q in quarters() {
            assert!(text.contains(&q), "{q}");
        }
        // Totals on top, and in the description.
        assert!(svg.contains(">3</text>") && svg.contains(">7</text>"));
        let desc = doc
            .descendants()
            .find(|n| n.tag_name().name() == "desc")
            .unwrap();
        assert_eq!(
            desc.text(),
            Some(
                "Incidents per quarter: 2025 Q1 3 (SEV1 1, SEV2 2); 2025 Q2 7 (SEV2 3, SEV3 4); \
                 2025 Q3 1 (SEV2 1); 2025 Q4 3 (SEV1 2, SEV3 1)."
            )
        );
        // Integer ticks for counts.
        assert!(!svg.contains(">0.5<"));
        // Deterministic.
        let again = stacked_bars(
            "incidents-by-quarter",
            "Incidents per quarter",
            &quarters(),
            &sev_series(),
            "Quarter",
            "Incidents",
        );
        assert_eq!(svg, again);
    }

    #[test]
    fn stacked_bars_degenerate() {
        let zero = vec![Series {
            name: s("SEV1"),
            class: s(""),
            values: vec![Some(0.0), None, Some(f64::NAN), Some(f64::INFINITY)],
        }];
        for (x, series) in [
            (vec![], vec![]),
            (quarters(), vec![]),
            (quarters(), zero.clone()),
            (vec![s("only")], zero),
        ] {
            let svg = stacked_bars("", "", &x, &series, "", "");
            let doc = check(&svg, "stacked-bars");
            assert_eq!(count(&doc, "rect", "bar"), 0);
            assert!(svg.contains(r#"aria-labelledby="chart-title chart-desc""#));
        }
        let one = vec![Series {
            name: s("all"),
            class: s(""),
            values: vec![Some(0.25)],
        }];
        let svg = stacked_bars("x", "t", &[s("a")], &one, "", "");
        let doc = check(&svg, "stacked-bars");
        assert_eq!(count(&doc, "rect", "bar"), 1);
        assert!(svg.contains(r#"class="bar series-0""#));
    }

    #[test]
    fn line_chart_one_circle_per_value() {
        let series = vec![
            Series {
                name: s("SEV1"),
                class: s("series-0"),
                values: vec![Some(46.0), None, Some(30.0), Some(12.5)],
            },
            Series {
                name: s("SEV2"),
                class: s("series-1"),
                values: vec![None, Some(80.0), None, None],
            },
        ];
        let fmt = |v: f64| format!("{v:.0} min");
        let svg = line_chart(
            "mttm",
            "Median time to mitigate",
            &quarters(),
            &series,
            "Quarter",
            "Minutes",
            &fmt,
        );
        let doc = check(&svg, "line");
        assert_eq!(count(&doc, "circle", "point"), 4);
        // One line for the run 30 → 12.5; lone points get no path.
        assert_eq!(count(&doc, "path", "line"), 1);
        let d = doc
            .descendants()
            .find(|n| n.attribute("class") == Some("line series-0"))
            .unwrap()
            .attribute("d")
            .unwrap();
        assert!(
            d.starts_with('M') && d.matches('M').count() == 1 && d.contains('L'),
            "{d}"
        );
        let text = texts(&doc);
        assert!(text.contains("2025 Q1 46 min") && text.contains("2025 Q3 no data"));
        assert!(text.contains("0 min"));
    }

    #[test]
    fn line_chart_single_series_labels_points_and_degenerate() {
        let pct = |v: f64| format!("{:.0}%", v * 100.0);
        let series = vec![Series {
            name: s("recurrence"),
            class: s(""),
            values: vec![Some(0.33), Some(0.5), Some(0.0)],
        }];
        let svg = line_chart("rec", "Recurrence", &quarters()[..3], &series, "", "", &pct);
        let doc = check(&svg, "line");
        assert_eq!(count(&doc, "circle", "point"), 3);
        assert!(visible(&doc).contains("33%"));

        for (x, series) in [
            (vec![], vec![]),
            (quarters(), vec![]),
            (
                vec![s("one")],
                vec![Series {
                    name: s("a"),
                    class: s("a"),
                    values: vec![Some(5.0)],
                }],
            ),
            (
                quarters(),
                vec![Series {
                    name: s("a"),
                    class: s("a"),
                    values: vec![Some(0.0), Some(0.0), None, Some(0.0)],
                }],
            ),
            (
                quarters(),
                vec![Series {
                    name: s("a"),
                    class: s("a"),
                    values: vec![None, None],
                }],
            ),
        ] {
            let svg = line_chart("d", "Degenerate", &x, &series, "x", "y", &pct);
            let doc = check(&svg, "line");
            let expected: usize = series
                .iter()
                .map(|s| s.values.iter().take(x.len()).flatten().count())
                .sum();
            assert_eq!(count(&doc, "circle", "point"), expected);
        }
    }

    #[test]
    fn bar_chart_one_rect_per_value() {
        let l = labels(&["< 30 days", "30–90 days", "90–180 days", "> 180 days"]);
        let svg = bar_chart(
            "aging",
            "Open action items by age",
            &l,
            &[5.0, 3.0, 0.0, 2.0],
            "Age",
            "Items",
        );
        let doc = check(&svg, "bars");
        assert_eq!(count(&doc, "rect", "bar"), 4);
        let text = visible(&doc);
        for label in &l {
            assert!(text.contains(label.as_str()), "{label}");
        }
        assert!(svg.contains("&lt; 30 days") && svg.contains("&gt; 180 days"));
        for v in ["5", "3", "0", "2"] {
            assert!(text.lines().any(|line| line == v), "{v}");
        }
        for (l, v) in [
            (vec![], vec![]),
            (vec![s("a")], vec![0.0]),
            (vec![], vec![0.0, 0.0]),
            (vec![s("a"), s("b")], vec![f64::NAN, -2.5]),
        ] {
            let svg = bar_chart("b", "Bars", &l, &v, "", "");
            let doc = check(&svg, "bars");
            assert_eq!(count(&doc, "rect", "bar"), v.len());
        }
    }

    fn sample_timeline() -> (Vec<TimelineEvent>, Vec<TimelineMark>) {
        let ev = |minute, label: &str| TimelineEvent {
            minute,
            label: s(label),
        };
        let mk = |kind, minute, label: &str| TimelineMark {
            kind,
            minute,
            label: s(label),
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
                mk("started", 0, "Started"),
                mk("detected", 7, "Detected"),
                mk("mitigated", 46, "Mitigated"),
                mk("resolved", 138, "Resolved"),
            ],
        )
    }

    #[test]
    fn timeline_contains_labels_and_brackets() {
        let (events, marks) = sample_timeline();
        let draw = |listed_in| {
            timeline(
                "timeline",
                "Timeline of INC-42",
                &events,
                &marks,
                "2025-03-04 14:02 UTC",
                listed_in,
            )
        };
        let svg = draw(None);
        let doc = check(&svg, "timeline");
        let text = visible(&doc);
        for e in &events {
            assert!(text.contains(&e.label), "{}", e.label);
        }
        for b in ["detect 7 min", "mitigate 39 min", "resolve 1 h 32 min"] {
            assert!(text.contains(b), "{b}");
        }
        for m in ["Started", "Detected", "Mitigated", "Resolved"] {
            assert!(text.contains(m), "{m}");
        }
        for c in [
            "mark-started",
            "mark-detected",
            "mark-mitigated",
            "mark-resolved",
        ] {
            assert!(svg.contains(&format!("mark {c}")), "{c}");
        }
        assert!(text.contains("+0") && text.contains("+2 h"));
        // Long labels wrapped to at most 60 characters a line.
        for node in doc.descendants().filter(|n| n.tag_name().name() == "tspan") {
            assert!(node.text().unwrap_or("").chars().count() <= MAX_CHARS);
        }
        // Without `listed_in` the description reads out every event; with it,
        // the events are counted and the description points to the list.
        let desc = |doc: &roxmltree::Document<'_>| texts_of(doc, &["desc"]).trim().to_string();
        assert!(desc(&doc).contains(&events[3].label));
        let svg = draw(Some("the timeline above"));
        let doc = check(&svg, "timeline");
        let short = desc(&doc);
        assert!(short.contains("detect 7 min"), "{short}");
        assert!(
            short.ends_with("; 7 events, listed in the timeline above."),
            "{short}"
        );
        assert!(!short.contains(&events[3].label), "{short}");
        assert!(visible(&doc).contains(&events[3].label));
    }

    #[test]
    fn timeline_degenerate() {
        let ev = |minute, label: &str| TimelineEvent {
            minute,
            label: s(label),
        };
        let cases: Vec<(Vec<TimelineEvent>, Vec<TimelineMark>)> = vec![
            (vec![], vec![]),
            (vec![ev(5, "only one")], vec![]),
            (vec![ev(3, "a"), ev(3, "b"), ev(3, "c")], vec![]),
            (
                vec![],
                vec![TimelineMark {
                    kind: "started",
                    minute: 0,
                    label: s(""),
                }],
            ),
            (
                vec![ev(-20, "before"), ev(3000, "days later")],
                vec![TimelineMark {
                    kind: "resolved",
                    minute: 3000,
                    label: s(""),
                }],
            ),
        ];
        for (events, marks) in cases {
            let svg = timeline("t", "T", &events, &marks, "", None);
            let doc = check(&svg, "timeline");
            let text = visible(&doc);
            for e in &events {
                assert!(text.contains(&e.label), "{}", e.label);
            }
        }
    }

    #[test]
    fn elapsed_and_durations() {
        assert_eq!(elapsed_text(0), "+0");
        assert_eq!(elapsed_text(30), "+30 min");
        assert_eq!(elapsed_text(120), "+2 h");
        assert_eq!(elapsed_text(1440 + 180), "+1 d 3 h");
        assert_eq!(elapsed_text(-15), "-15 min");
        assert_eq!(duration_precise(92), "1 h 32 min");
        assert_eq!(duration_precise(0), "0 min");
    }

    #[test]
    fn whys_chain_contains_every_why() {
        let whys = labels(&[
            "Checkout returned HTTP 500 for 12% of requests for 39 minutes",
            "The payments service ran out of database connections",
            "A retry storm from the new client library multiplied the load by 8 when the first timeouts appeared, and nothing limited the retries",
            "The client library's retry defaults were never reviewed",
            "We have no standard for resilience settings in shared libraries",
        ]);
        let svg = whys_chain("whys", "5 Whys", &whys, None);
        let doc = check(&svg, "whys");
        let text = visible(&doc);
        for w in &whys {
            assert!(text.contains(w.as_str()), "{w}");
        }
        assert_eq!(text.matches("why?").count(), 4);
        assert!(svg.contains("why why-symptom") && svg.contains("why why-systemic"));
        let svg = whys_chain("whys", "5 Whys", &whys, Some("the list above"));
        let doc = check(&svg, "whys");
        assert_eq!(
            texts_of(&doc, &["desc"]).trim(),
            "5 Whys: from symptom to systemic cause, 5 steps, listed in the list above."
        );
        assert!(visible(&doc).contains(whys[2].as_str()));
        for whys in [vec![], vec![s("just one")]] {
            let svg = whys_chain("w", "", &whys, None);
            check(&svg, "whys");
        }
    }

    #[test]
    fn fishbone_contains_every_label() {
        let mut bones = sample_bones();
        bones.extend([Bone {
            category: s("Measurement"),
            causes: vec![(
                s("Connection pool saturation was not alerted on"),
                "contributing",
            )],
        }]);
        let svg = fishbone("fish", "Causes", "Checkout errors for 39 minutes", &bones);
        let doc = check(&svg, "fishbone");
        let text = visible(&doc);
        for b in &bones {
            assert!(text.contains(&b.category), "{}", b.category);
            for (c, _) in &b.causes {
                assert!(text.contains(c.as_str()), "{c}");
            }
        }
        assert!(text.contains("Checkout errors for 39 minutes"));
        assert_eq!(count(&doc, "g", "bone"), 5);
        assert_eq!(
            doc.descendants()
                .filter(|n| n.attribute("class") == Some("cause cause-root"))
                .count(),
            1
        );
        assert_eq!(svg.matches("bone bone-above").count(), 3);
        assert_eq!(svg.matches("bone bone-below").count(), 2);
        assert!(svg.contains(r#"<tspan class="cause-marker" font-weight="700">[T]</tspan>"#));
        for bones in [
            vec![],
            vec![Bone {
                category: s(""),
                causes: vec![],
            }],
        ] {
            let svg = fishbone("f", "", "", &bones);
            check(&svg, "fishbone");
        }
    }

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
                    &evil,
                    &evil,
                    &[TimelineEvent {
                        minute: 0,
                        label: evil.clone(),
                    }],
                    &[TimelineMark {
                        kind: "detected",
                        minute: 1,
                        label: evil.clone(),
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
                        causes: vec![(evil.clone(), "root")],
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

    #[test]
    fn long_x_labels_are_wrapped_or_shortened() {
        let x = labels(&[
            "A very long quarter label that cannot possibly fit",
            "Short",
            "Another label with words",
        ]);
        let svg = bar_chart("b", "B", &x, &[1.0, 2.0, 3.0], "", "");
        let doc = check(&svg, "bars");
        // The full text survives in a <title>.
        assert!(texts(&doc).contains(&x[0]));
        let vb: Vec<f64> = doc
            .root_element()
            .attribute("viewBox")
            .unwrap()
            .split(' ')
            .map(|v| v.parse().unwrap())
            .collect();
        for node in doc.descendants().filter(|n| n.tag_name().name() == "tspan") {
            let text = node.text().unwrap_or("");
            let x: f64 = node.attribute("x").unwrap().parse().unwrap();
            let half = text_w(text, FS) / 2.0;
            assert!(x - half >= 0.0 && x + half <= vb[2], "{text}");
        }
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
                timeline("t0", "Empty timeline", &[], &[], "", None),
            ),
            (
                "timeline-days",
                timeline(
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
                            kind: "started",
                            minute: 0,
                            label: s(""),
                        },
                        TimelineMark {
                            kind: "detected",
                            minute: 2,
                            label: s(""),
                        },
                        TimelineMark {
                            kind: "mitigated",
                            minute: 5,
                            label: s(""),
                        },
                        TimelineMark {
                            kind: "resolved",
                            minute: 2990,
                            label: s(""),
                        },
                    ],
                    "Mon 3 Mar 2025, 09:00 CET",
                    None,
                ),
            ),
            (
                "timeline-same",
                timeline(
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
                                "root",
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
                                    "contributing",
                                ),
                                (s("Dashboards lacked retry metrics"), "contributing"),
                                (s("Error budget burn alert fired late"), "contributing"),
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
