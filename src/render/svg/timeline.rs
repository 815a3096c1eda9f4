//! An incident's timeline (`timeline`): events on a time axis, with the
//! impact marks and the durations between them.

use std::fmt::Write as _;

use super::{
    BOLD, FS, LH, MarkKind, PAD, TimelineEvent, TimelineMark, clean_id, ellipsize, n1, open_svg,
    sentence, text_attrs, text_block, text_w, wrap,
};
use crate::text::duration;

/// Where the parts of a timeline go: the wide layout puts each event's label
/// left of the plot, the narrow one (for a phone's column) above its dot.
#[derive(Clone, Copy, Debug)]
struct Geometry {
    /// Width of the drawing.
    w: f64,
    /// Width of an event's label (and of the start label).
    label_w: f64,
    /// Left end of the time axis.
    plot_l: f64,
    /// Right end of the time axis.
    plot_r: f64,
    /// Labels above their dots, across the whole width, rather than in a
    /// column left of the plot.
    stacked: bool,
}

/// 800 wide: labels in a 290-wide column, the axis right of them.
const WIDE: Geometry = Geometry {
    w: 800.0,
    label_w: 290.0,
    plot_l: PAD + 290.0 + 24.0,
    plot_r: 800.0 - 36.0,
    stacked: false,
};

/// 400 wide, like the fishbone and the 5 Whys: it fits a 320 px column at
/// about 0.8 scale, so a phone shows the whole axis without scrolling.
const NARROW: Geometry = Geometry {
    w: 400.0,
    label_w: 400.0 - 2.0 * PAD,
    plot_l: PAD + 8.0,
    plot_r: 400.0 - PAD - 8.0,
    stacked: true,
};

/// Font size of an event's label.
const EFS: f64 = 12.0;
/// Line height of an event's label.
const ELH: f64 = 15.0;
/// In the narrow layout, the height of the line with an event's dot, under
/// its label.
const DOT_ROW: f64 = 14.0;
/// Height of one lane of mark names in the header.
const LANE_H: f64 = 16.0;
/// Widest a mark's name is written: "resolved 2025-11-29 03:30" whole.
const MARK_LABEL_W: f64 = 240.0;
/// Room around an event's label lines: half above, half below.
const ROW_PAD: f64 = 10.0;
/// Height of the rows when there are no events (room for "No events").
const EMPTY_ROWS_H: f64 = 24.0;
/// Font size of an event's elapsed time.
const TIME_FS: f64 = 10.0;
/// From an event's dot to its elapsed time.
const TIME_GAP: f64 = 8.0;
/// Height of one bracket's row under the axis.
const BRACKET_ROW: f64 = 30.0;
/// Tick steps in minutes, tried in order: the first giving at most
/// [`MAX_INTERVALS`] intervals is used.
const STEPS: [i64; 17] = [
    1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 4320, 10080, 20160, 43200,
];
/// Most intervals between ticks.
const MAX_INTERVALS: i64 = 6;
/// Least room between two tick labels.
const TICK_GAP: f64 = 10.0;

impl MarkKind {
    /// The verb for the duration that ends at a mark of this kind.
    fn verb(self) -> &'static str {
        match self {
            MarkKind::Started => "start",
            MarkKind::Detected => "detect",
            MarkKind::Mitigated => "mitigate",
            MarkKind::Resolved => "resolve",
        }
    }
}

/// An elapsed time: "+0", "+30 min", "+2 h", "+1 d 3 h", "-15 min".
fn elapsed_text(minutes: i64) -> String {
    match minutes {
        0 => "+0".to_string(),
        m if m < 0 => duration(m),
        m => format!("+{}", duration(m)),
    }
}

/// One of the two layouts of [`timeline`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimelineLayout {
    /// 800 wide, each event's label in a column left of the axis.
    Wide,
    /// 400 wide for a phone's column: each event's label across the whole
    /// width with its dot on the axis scale under it, the start label on a
    /// line of its own. A page carries both and its theme shows one (a wide
    /// drawing shrunk to a phone has 5 px text, and one that scrolls hides
    /// most of its axis).
    Narrow,
}

/// An incident's timeline drawn on a time axis.
///
/// One row per event (in time order, ties in the given order): its label,
/// wrapped, on the left (above the dot in the narrow layout), and a dot at
/// its time on the axis scale with the elapsed time beside it. The impact marks are vertical lines across the
/// rows with their names on top (staggered when close), and the times from
/// the start to each later mark are brackets under the axis ("time to
/// detect 7 min"), with the numbers the caller gives (the page's own).
/// The axis runs from the earliest to the latest minute of events and marks
/// (at least 10 minutes), tick labels in elapsed time from minute 0.
///
/// The description (`<desc>`, what a screen reader says for the drawing)
/// names the marks and durations and then every event, unless `listed_in`
/// says where the page already lists them in text ("the Timeline section"):
/// then it gives their number and that place, rather than reading them out
/// a second time.
pub fn timeline(
    layout: TimelineLayout,
    id: &str,
    title: &str,
    events: &[TimelineEvent],
    marks: &[TimelineMark],
    start_label: &str,
    listed_in: Option<&str>,
) -> String {
    let g = match layout {
        TimelineLayout::Wide => WIDE,
        TimelineLayout::Narrow => NARROW,
    };
    let id = clean_id(id);
    let mut events: Vec<&TimelineEvent> = events.iter().collect();
    events.sort_by_key(|e| e.minute);
    let mut marks: Vec<&TimelineMark> = marks.iter().collect();
    marks.sort_by_key(|m| (m.minute, m.kind));

    let axis = TimeAxis::new(g, &events, &marks);
    let header = header(start_label, &marks, &axis);
    let rows = rows(g, &events, header.h);
    let brackets = brackets(&marks);
    let brackets_top = rows.axis_y + 4.0 + FS + 16.0;
    let h = brackets_top + BRACKET_ROW * brackets.len() as f64 + PAD - 6.0;
    let desc = sentence(
        title,
        &description(start_label.trim(), &marks, &brackets, &events, listed_in),
    );

    let mut out = String::new();
    let kind = if g.stacked {
        "timeline chart-timeline-narrow"
    } else {
        "timeline"
    };
    open_svg(&mut out, &id, kind, g.w, h, title, &desc);
    draw_start(&mut out, &header);
    // Repeated lines are one path each (grid, stripes, guides): a page has
    // a timeline, and a site thousands of pages.
    draw_grid(&mut out, &axis, &rows);
    draw_rows(&mut out, &events, &rows, &axis);
    draw_marks(&mut out, &marks, &header, &axis, rows.axis_y);
    draw_axis(&mut out, &axis, rows.axis_y);
    draw_brackets(&mut out, &brackets, &axis, brackets_top);
    out.push_str("</svg>");
    out
}

/// The minutes the axis spans, and its ticks.
struct TimeAxis {
    g: Geometry,
    lo: i64,
    span: f64,
    ticks: Vec<i64>,
}

impl TimeAxis {
    fn new(g: Geometry, events: &[&TimelineEvent], marks: &[&TimelineMark]) -> TimeAxis {
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

        let span_i = hi.saturating_sub(lo).max(1);
        let ticks_of = |step: i64| {
            let mut ticks = Vec::new();
            let mut t = lo.div_euclid(step) * step;
            if t < lo {
                t += step;
            }
            while t <= hi && ticks.len() < 20 {
                ticks.push(t);
                t += step;
            }
            ticks
        };
        let days = (span_i / MAX_INTERVALS / 1440 + 1) * 1440;
        let mut axis = TimeAxis {
            g,
            lo,
            span,
            ticks: Vec::new(),
        };
        // The first step with few enough intervals whose labels also fit
        // side by side: "+1 h 15 min" is wider than the room between two
        // ticks 15 minutes apart on a two-hour axis.
        axis.ticks = STEPS
            .iter()
            .copied()
            .filter(|s| span_i / s <= MAX_INTERVALS)
            .chain((1..).map(|k| days * k))
            .map(ticks_of)
            .find(|ticks| axis.labels_fit(ticks))
            .unwrap_or_default();
        axis
    }

    /// Whether tick labels at `ticks` leave [`TICK_GAP`] between each two
    /// and stay inside the drawing.
    fn labels_fit(&self, ticks: &[i64]) -> bool {
        let extents: Vec<(f64, f64)> = ticks
            .iter()
            .map(|&t| {
                let half = text_w(&elapsed_text(t), FS) / 2.0;
                (self.x(t) - half, self.x(t) + half)
            })
            .collect();
        extents.len() <= 1
            || extents.windows(2).all(|w| w[0].1 + TICK_GAP <= w[1].0)
                && extents
                    .last()
                    .is_some_and(|&(_, right)| right <= self.g.w - PAD / 2.0)
    }

    /// The x of minute `m`.
    fn x(&self, m: i64) -> f64 {
        let g = self.g;
        g.plot_l + (m as f64 - self.lo as f64) / self.span * (g.plot_r - g.plot_l)
    }
}

/// The header above the rows: the start label, then the marks' names in
/// lanes so that close marks do not overlap.
struct Header {
    /// "+0 = START", or empty.
    start_text: String,
    start_shown: String,
    /// One per mark, in the marks' order.
    labels: Vec<MarkLabel>,
    /// The lane of the first mark names: 1 when the start label has a
    /// line of its own (the narrow layout).
    first_lane: usize,
    h: f64,
}

/// Where a mark's name goes.
struct MarkLabel {
    x: f64,
    lane: usize,
    anchor: &'static str,
    shown: String,
    /// The whole name, when `shown` is shortened.
    full: Option<String>,
}

fn header(start_label: &str, marks: &[&TimelineMark], axis: &TimeAxis) -> Header {
    let start = start_label.trim();
    let start_text = if start.is_empty() {
        String::new()
    } else {
        format!("+0 = {start}")
    };
    let g = axis.g;
    let start_shown = ellipsize(&start_text, g.label_w, FS);
    let mut lanes: Vec<f64> = Vec::new(); // right edge of each lane
    let mut labels = Vec::new();
    for m in marks {
        let text = if m.label.trim().is_empty() {
            m.kind.to_string()
        } else {
            m.label.trim().to_string()
        };
        // The theme sets mark names bold: measured as bold, or they run
        // off the right edge.
        let shown = ellipsize(&text, MARK_LABEL_W, FS * BOLD);
        let x = axis.x(m.minute);
        let w = text_w(&shown, FS * BOLD);
        let (left, anchor, tx) = if x + 4.0 + w <= g.w - 4.0 {
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
        labels.push(MarkLabel {
            x: tx,
            lane,
            anchor,
            shown,
            full: shortened.then_some(text),
        });
    }
    let has_start = !start_text.is_empty();
    let first_lane = usize::from(g.stacked && has_start);
    let header_lanes = (first_lane + lanes.len()).max(usize::from(has_start));
    Header {
        h: PAD + LANE_H * header_lanes as f64 + 4.0,
        first_lane,
        start_text,
        start_shown,
        labels,
    }
}

/// The event rows, between the header and the axis.
struct Rows {
    /// Each event's label, wrapped.
    lines: Vec<Vec<String>>,
    top: f64,
    axis_y: f64,
}

impl Geometry {
    /// The height of an event's row whose label is `lines`.
    fn row_h(self, lines: &[String]) -> f64 {
        let dot = if self.stacked { DOT_ROW } else { 0.0 };
        lines.len() as f64 * ELH + dot + ROW_PAD
    }

    /// The y of the dot in a row at `y` whose label is `lines`: beside the
    /// label's first line, or under the label when stacked.
    fn dot_y(self, y: f64, lines: &[String]) -> f64 {
        if self.stacked {
            y + ROW_PAD / 2.0 + lines.len() as f64 * ELH + DOT_ROW / 2.0
        } else {
            y + ROW_PAD / 2.0 + EFS * 0.55
        }
    }
}

fn rows(g: Geometry, events: &[&TimelineEvent], header_h: f64) -> Rows {
    let lines: Vec<Vec<String>> = events
        .iter()
        .map(|e| wrap(e.label.trim(), g.label_w, g.label_w, EFS))
        .collect();
    let top = header_h + 4.0;
    let rows_h: f64 = lines.iter().map(|l| g.row_h(l)).sum();
    let bottom = top + rows_h.max(if events.is_empty() { EMPTY_ROWS_H } else { 0.0 });
    Rows {
        lines,
        top,
        axis_y: bottom + 8.0,
    }
}

/// The time from the start to a mark.
struct Bracket {
    from: i64,
    to: i64,
    /// The later mark's.
    kind: MarkKind,
    /// "time to detect 7 min".
    label: String,
}

/// A bracket from the start mark to each later mark that states its time
/// since the start, one per row under the axis: time to detect, to
/// mitigate, to resolve, each measured from the start as the details panel
/// and the metrics measure them (not from the mark before, which made the
/// drawing's "mitigate" a different number from the panel's).
fn brackets(marks: &[&TimelineMark]) -> Vec<Bracket> {
    let Some(start) = marks.iter().find(|m| m.kind == MarkKind::Started) else {
        return Vec::new();
    };
    marks
        .iter()
        .filter(|m| m.kind != MarkKind::Started)
        .filter_map(|m| {
            let minutes = m.since_start?;
            Some(Bracket {
                from: start.minute,
                to: m.minute,
                kind: m.kind,
                label: format!("time to {} {}", m.kind.verb(), duration(minutes)),
            })
        })
        .collect()
}

/// The `<desc>` body: start, marks, durations, then the events or where
/// they are listed.
fn description(
    start: &str,
    marks: &[&TimelineMark],
    brackets: &[Bracket],
    events: &[&TimelineEvent],
    listed_in: Option<&str>,
) -> String {
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
                .map(|b| b.label.clone())
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
    body.join("; ")
}

fn draw_start(out: &mut String, header: &Header) {
    if header.start_text.is_empty() {
        return;
    }
    text_block(
        out,
        PAD,
        PAD + 10.0,
        LH,
        std::slice::from_ref(&header.start_shown),
        text_attrs("label start-label", FS, "start"),
        (header.start_shown != header.start_text).then_some(header.start_text.as_str()),
    );
}

/// Vertical grid lines at the ticks.
fn draw_grid(out: &mut String, axis: &TimeAxis, rows: &Rows) {
    if axis.ticks.is_empty() {
        return;
    }
    out.push_str(r#"<path class="grid" d=""#);
    for t in &axis.ticks {
        let _ = write!(
            out,
            "M{} {}V{}",
            n1(axis.x(*t)),
            n1(rows.top),
            n1(rows.axis_y)
        );
    }
    out.push_str(r#"" stroke="currentColor" stroke-opacity="0.15"/>"#);
}

/// Where an event's row and its dot go.
struct Row {
    y: f64,
    cy: f64,
    x: f64,
    time: String,
    tx: f64,
    anchor: &'static str,
}

/// Event rows: every other one striped, and a dotted guide from the axis
/// start to each event's dot.
fn draw_rows(out: &mut String, events: &[&TimelineEvent], rows: &Rows, axis: &TimeAxis) {
    let g = axis.g;
    let mut stripes = String::new();
    let mut guides = String::new();
    let mut y = rows.top;
    let placed: Vec<Row> = events
        .iter()
        .zip(&rows.lines)
        .enumerate()
        .map(|(i, (e, lines))| {
            let rh = g.row_h(lines);
            if i % 2 == 1 {
                let _ = write!(
                    stripes,
                    "M{} {}h{}v{}h-{}z",
                    n1(PAD / 2.0),
                    n1(y),
                    n1(g.w - PAD),
                    n1(rh),
                    n1(g.w - PAD)
                );
            }
            let cy = g.dot_y(y, lines);
            let x = axis.x(e.minute);
            let time = elapsed_text(e.minute);
            let time_w = text_w(&time, TIME_FS);
            // The time goes right of the dot, or left of it (and the guide
            // stops before it) near the right edge.
            let (tx, anchor, guide_end) = if x + TIME_GAP + time_w <= g.w - PAD {
                (x + TIME_GAP, "start", x)
            } else {
                (x - TIME_GAP, "end", x - 12.0 - time_w)
            };
            if guide_end > g.plot_l {
                let _ = write!(guides, "M{} {}H{}", n1(g.plot_l), n1(cy), n1(guide_end));
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
    for (row, lines) in placed.iter().zip(&rows.lines) {
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
            out,
            PAD,
            y + ROW_PAD / 2.0 + EFS * 0.9,
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
            out,
            *tx,
            cy + 3.5,
            LH,
            std::slice::from_ref(time),
            text_attrs("time", TIME_FS, anchor),
            None,
        );
        out.push_str("</g>");
    }
    if events.is_empty() {
        text_block(
            out,
            PAD,
            rows.top + 16.0,
            LH,
            &["No events".to_string()],
            text_attrs("label empty", EFS, "start"),
            None,
        );
    }
}

/// The impact marks: a line from under the name down to the axis.
fn draw_marks(
    out: &mut String,
    marks: &[&TimelineMark],
    header: &Header,
    axis: &TimeAxis,
    axis_y: f64,
) {
    for (m, label) in marks.iter().zip(&header.labels) {
        let x = axis.x(m.minute);
        let label_y = PAD + 10.0 + LANE_H * (header.first_lane + label.lane) as f64;
        let _ = write!(
            out,
            r#"<g class="mark mark-{}"><line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="currentColor" stroke-width="2"/>"#,
            m.kind,
            n1(label_y + 4.0),
            n1(axis_y),
            x = n1(x)
        );
        text_block(
            out,
            label.x,
            label_y,
            LH,
            std::slice::from_ref(&label.shown),
            text_attrs("mark-label", FS, label.anchor),
            label.full.as_deref(),
        );
        out.push_str("</g>");
    }
}

/// The axis, with a tick mark and an elapsed time at each tick.
fn draw_axis(out: &mut String, axis: &TimeAxis, axis_y: f64) {
    let _ = write!(
        out,
        r#"<path class="axis" d="M{} {y}H{}"#,
        n1(axis.g.plot_l),
        n1(axis.g.plot_r),
        y = n1(axis_y)
    );
    for t in &axis.ticks {
        let _ = write!(out, "M{} {}v4", n1(axis.x(*t)), n1(axis_y));
    }
    out.push_str(r#"" stroke="currentColor"/>"#);
    for t in &axis.ticks {
        let x = axis.x(*t);
        text_block(
            out,
            x,
            axis_y + 4.0 + FS,
            LH,
            &[elapsed_text(*t)],
            text_attrs("tick", FS, "middle"),
            None,
        );
    }
}

/// The brackets, one a row, each label centred under its bracket but moved
/// inside the drawing when the bracket is near an edge.
fn draw_brackets(out: &mut String, brackets: &[Bracket], axis: &TimeAxis, top: f64) {
    for (k, b) in brackets.iter().enumerate() {
        let (xa, xb) = (axis.x(b.from), axis.x(b.to));
        let y = top + BRACKET_ROW * k as f64;
        let _ = write!(
            out,
            r#"<g class="bracket bracket-{}"><path class="bracket-line" d="M{} {} V{} H{} V{}" fill="none" stroke="currentColor"/>"#,
            b.kind.verb(),
            n1(xa),
            n1(y - 6.0),
            n1(y),
            n1(xb),
            n1(y - 6.0)
        );
        // Semibold in the theme.
        let w = text_w(&b.label, FS * BOLD);
        let cx = ((xa + xb) / 2.0).clamp(PAD + w / 2.0, axis.g.w - PAD - w / 2.0);
        text_block(
            out,
            cx,
            y + FS + 2.0,
            LH,
            std::slice::from_ref(&b.label),
            text_attrs("label bracket-label", FS, "middle"),
            None,
        );
        out.push_str("</g>");
    }
}

#[cfg(test)]
mod tests {
    use super::super::MAX_CHARS;
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn timeline_contains_labels_and_brackets() {
        let (events, marks) = sample_timeline();
        let draw = |listed_in| {
            timeline(
                TimelineLayout::Wide,
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
        // Each bracket runs from the start, as the details panel counts.
        for b in [
            "time to detect 7 min",
            "time to mitigate 46 min",
            "time to resolve 2 h 18 min",
        ] {
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
                    kind: MarkKind::Started,
                    minute: 0,
                    label: s(""),
                    since_start: None,
                }],
            ),
            (
                vec![ev(-20, "before"), ev(3000, "days later")],
                vec![TimelineMark {
                    kind: MarkKind::Resolved,
                    minute: 3000,
                    label: s(""),
                    since_start: Some(3000),
                }],
            ),
        ];
        for (events, marks) in cases {
            for svg in [
                timeline(TimelineLayout::Wide, "t", "T", &events, &marks, "", None),
                timeline(TimelineLayout::Narrow, "t", "T", &events, &marks, "", None),
            ] {
                let doc = check(&svg, "timeline");
                let text = visible(&doc);
                for e in &events {
                    assert!(text.contains(&e.label), "{}", e.label);
                }
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
    }

    /// A line of text's box, `(x0, y0, x1, y1, text)`.
    type TextBox = (f64, f64, f64, f64, String);

    /// Each line of text's box as the layout estimates it (the module's
    /// character widths, bold where the theme makes it bold), with the
    /// drawing's width and height.
    fn text_boxes(svg: &str) -> (f64, f64, Vec<TextBox>) {
        let doc = roxmltree::Document::parse(svg).unwrap();
        let root = doc.root_element();
        let view: Vec<f64> = root
            .attribute("viewBox")
            .unwrap()
            .split(' ')
            .map(|v| v.parse().unwrap())
            .collect();
        let mut boxes = Vec::new();
        for text in doc.descendants().filter(|n| n.has_tag_name("text")) {
            let fs: f64 = text
                .attribute("font-size")
                .map_or(FS, |v| v.parse().unwrap());
            let class = text.attribute("class").unwrap_or("");
            let bold = class.contains("mark-label") || class.contains("bracket-label");
            let anchor = text.attribute("text-anchor").unwrap_or("start");
            let spans: Vec<roxmltree::Node<'_, '_>> = text
                .children()
                .filter(|n| n.has_tag_name("tspan"))
                .collect();
            let lines: Vec<(roxmltree::Node<'_, '_>, String)> = if spans.is_empty() {
                let own: String = text
                    .children()
                    .filter(|n| n.is_text())
                    .filter_map(|n| n.text())
                    .collect();
                vec![(text, own)]
            } else {
                spans
                    .iter()
                    .map(|s| (*s, s.text().unwrap_or("").to_string()))
                    .collect()
            };
            for (node, line) in lines {
                let x: f64 = node.attribute("x").unwrap().parse().unwrap();
                let y: f64 = node.attribute("y").unwrap().parse().unwrap();
                let w = text_w(&line, if bold { fs * BOLD } else { fs });
                let x0 = match anchor {
                    "middle" => x - w / 2.0,
                    "end" => x - w,
                    _ => x,
                };
                boxes.push((x0, y - 0.8 * fs, x0 + w, y + 0.25 * fs, line));
            }
        }
        (view[2], view[3], boxes)
    }

    /// No text is cut by the drawing's edge and no two texts overlap, on
    /// timelines that once broke the layout: marks minutes apart with long
    /// names, all marks at one minute, several days, events before the
    /// start and at the far right.
    #[test]
    fn no_text_is_cut_off_or_overlaps_on_awkward_timelines() {
        let ev = |minute, label: &str| TimelineEvent {
            minute,
            label: s(label),
        };
        let mk = |kind, minute, label: &str| TimelineMark {
            kind,
            minute,
            label: s(label),
            since_start: (kind != MarkKind::Started).then_some(minute - 33),
        };
        let long = "The edge team enables a rate limit of 4,000 introspection-dependent requests/s at edge-proxy";
        let cases: Vec<(&str, Vec<TimelineEvent>, Vec<TimelineMark>)> = vec![
            ("sample", sample_timeline().0, sample_timeline().1),
            (
                "marks minutes apart, a day change",
                (0..14).map(|i| ev(i * 18, long)).collect(),
                vec![
                    mk(MarkKind::Started, 33, "started 2025-11-28 00:03"),
                    mk(MarkKind::Detected, 36, "detected 00:06"),
                    mk(MarkKind::Mitigated, 109, "mitigated 01:19"),
                    mk(MarkKind::Resolved, 240, "resolved 03:30"),
                ],
            ),
            (
                "all at one minute",
                vec![ev(33, "Everything happened at once")],
                vec![
                    mk(MarkKind::Started, 33, "started 2025-03-01 10:00"),
                    mk(MarkKind::Detected, 33, "detected 10:00"),
                    mk(MarkKind::Mitigated, 33, "mitigated 10:00"),
                    mk(MarkKind::Resolved, 33, "resolved 10:00"),
                ],
            ),
            (
                "days",
                vec![ev(0, "a"), ev(1625, long), ev(4400, "closed")],
                vec![
                    mk(MarkKind::Started, 33, "started 2025-03-01 10:00"),
                    mk(MarkKind::Detected, 38, "detected 10:05"),
                    mk(MarkKind::Mitigated, 1625, "mitigated 2025-03-02 12:32"),
                    mk(MarkKind::Resolved, 4400, "resolved 2025-03-04 10:47"),
                ],
            ),
            (
                "95 minutes, events before the start",
                vec![ev(0, "before"), ev(20, "still before"), ev(128, long)],
                vec![
                    mk(MarkKind::Started, 33, "started 2025-03-01 10:00"),
                    mk(MarkKind::Detected, 34, "detected 10:01"),
                    mk(MarkKind::Mitigated, 35, "mitigated 10:02"),
                    mk(MarkKind::Resolved, 128, "resolved 11:35"),
                ],
            ),
        ];
        let layouts = [
            (TimelineLayout::Wide, 800.0),
            (TimelineLayout::Narrow, 400.0),
        ];
        for ((name, events, marks), (layout, width)) in cases
            .iter()
            .flat_map(|c| layouts.iter().map(move |l| (c, l)))
        {
            let name = format!("{name} ({layout:?})");
            let svg = timeline(
                *layout,
                "t",
                "T",
                events,
                marks,
                "2025-03-01 09:27 UTC",
                None,
            );
            check(&svg, "timeline");
            let (w, h, boxes) = text_boxes(&svg);
            assert_eq!(w, *width, "{name}");
            for (x0, y0, x1, y1, line) in &boxes {
                assert!(
                    *x0 >= 0.0 && *x1 <= w && *y0 >= 0.0 && *y1 <= h,
                    "{name}: `{line}` ({x0:.0}..{x1:.0}, {y0:.0}..{y1:.0}) leaves the {w}x{h} drawing"
                );
            }
            for (i, a) in boxes.iter().enumerate() {
                for b in &boxes[i + 1..] {
                    let apart = a.2 <= b.0 || b.2 <= a.0 || a.3 <= b.1 || b.3 <= a.1;
                    assert!(apart, "{name}: `{}` overlaps `{}`", a.4, b.4);
                }
            }
        }
    }
}
