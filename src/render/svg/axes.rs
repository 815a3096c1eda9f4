//! The frame shared by the charts with axes (`stacked_bars`, `line_chart`,
//! `bar_chart`): the value scale, where things go, and what is drawn under
//! and over the data.

use std::fmt::Write as _;

use super::{
    AXIS_FS, FS, LH, MIN_W, PAD, Series, class_value, ellipsize, fit_lines, n1, text_attrs,
    text_block, text_w,
};

/// A linear value scale with "nice" ticks.
pub(super) struct Scale {
    lo: f64,
    hi: f64,
    step: f64,
}

impl Scale {
    /// A scale covering `min..=max` and 0. `integer`: ticks on whole numbers.
    pub(super) fn new(min: f64, max: f64, integer: bool) -> Scale {
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

    pub(super) fn ticks(&self) -> Vec<f64> {
        let count = ((self.hi - self.lo) / self.step).round().clamp(1.0, 50.0) as usize;
        (0..=count)
            .map(|k| self.lo + self.step * k as f64)
            .collect()
    }

    /// Decimals needed to write the ticks.
    pub(super) fn decimals(&self) -> usize {
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
pub(super) struct Axes<'a> {
    pub(super) x_labels: Vec<&'a str>,
    pub(super) scale: Scale,
    pub(super) tick_labels: Vec<String>,
    pub(super) x_axis: &'a str,
    pub(super) y_axis: &'a str,
    /// (name, class) of the series, when a legend is wanted.
    pub(super) legend: Vec<(&'a str, String)>,
    /// Room above the plot for value labels.
    pub(super) value_room: f64,
}

/// Where things go.
pub(super) struct Layout {
    pub(super) w: f64,
    pub(super) h: f64,
    pub(super) left: f64,
    right: f64,
    pub(super) top: f64,
    pub(super) bottom: f64,
    pub(super) band: f64,
    x_labels: Vec<(Vec<String>, bool)>,
    /// (x, y, shown name, shortened) per legend item.
    legend: Vec<(f64, f64, String, bool)>,
}

/// Narrowest band (the width given to one x label).
const MIN_BAND: f64 = 48.0;
/// Height of the plot area.
const PLOT_H: f64 = 220.0;
/// Room above the plot for a value written over each bar.
pub(super) const VALUE_ROOM: f64 = 14.0;
/// Share of its band a bar takes (up to a cap per chart).
pub(super) const BAR_SHARE: f64 = 0.62;
/// Height of one row of the legend, and the gap between its items.
const LEGEND_ROW: f64 = 18.0;
/// Widest a series name is written in the legend.
const LEGEND_NAME_W: f64 = 180.0;
/// Side of a legend's colour swatch.
const SWATCH: f64 = 12.0;
/// From a legend swatch's left edge to its name.
const SWATCH_TO_NAME: f64 = SWATCH + 5.0;

impl Layout {
    pub(super) fn new(ax: &Axes<'_>) -> Layout {
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
            let shown = ellipsize(name.trim(), LEGEND_NAME_W, FS);
            let item_w = SWATCH_TO_NAME + text_w(&shown, FS);
            if x > left && x + item_w > w - right_pad {
                x = left;
                row += 1;
            }
            let shortened = shown != name.trim();
            legend.push((x, PAD + LEGEND_ROW * row as f64, shown, shortened));
            x += item_w + LEGEND_ROW;
        }
        let legend_h = if legend.is_empty() {
            0.0
        } else {
            LEGEND_ROW * (row + 1) as f64 + 4.0
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

    pub(super) fn x_center(&self, i: usize) -> f64 {
        self.left + self.band * (i as f64 + 0.5)
    }

    pub(super) fn y(&self, scale: &Scale, v: f64) -> f64 {
        self.bottom - scale.unit(v) * (self.bottom - self.top)
    }
}

/// Grid lines and y tick labels (drawn under the data).
pub(super) fn draw_back(out: &mut String, ax: &Axes<'_>, lay: &Layout) {
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
pub(super) fn draw_front(out: &mut String, ax: &Axes<'_>, lay: &Layout, swatch_line: bool) {
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
            // The swatch paints with its own `fill`, not the inherited one:
            // a theme that sets `fill` on the legend (for its text) would
            // otherwise paint every swatch in that one colour.
            if swatch_line {
                let _ = write!(
                    out,
                    r#"<rect class="swatch {class}" x="{}" y="{}" width="{sw}" height="3" fill="currentColor"/>"#,
                    n1(*x),
                    n1(y + 4.5),
                    sw = n1(SWATCH)
                );
            } else {
                let _ = write!(
                    out,
                    r#"<rect class="swatch {class}" x="{}" y="{}" width="{sw}" height="{sw}" rx="2" fill="currentColor"/>"#,
                    n1(*x),
                    n1(*y),
                    sw = n1(SWATCH)
                );
            }
            text_block(
                out,
                x + SWATCH_TO_NAME,
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
pub(super) fn classes_and_legend(series: &[Series]) -> (Vec<String>, Vec<(&str, String)>) {
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
pub(super) fn value_at(s: &Series, i: usize) -> Option<f64> {
    s.values.get(i).copied().flatten().filter(|v| v.is_finite())
}

pub(super) fn is_integral(v: f64) -> bool {
    (v - v.round()).abs() < 1e-9
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::super::{line_chart, stacked_bars};

    /// Each legend swatch is painted in its own series' colour: it carries
    /// the series class, and paints with its own `fill="currentColor"` so
    /// that a fill set on the legend group (inherited) cannot turn every
    /// swatch the same colour.
    #[test]
    fn legend_swatches_take_their_series_colour() {
        let fmt = |v: f64| format!("{v:.0}");
        let svgs = [
            stacked_bars("sb", "By severity", &quarters(), &sev_series(), "", ""),
            line_chart("ln", "Trend", &quarters(), &sev_series(), "", "", &fmt),
        ];
        for svg in &svgs {
            let kind = if svg.contains("chart-line") {
                "line"
            } else {
                "stacked-bars"
            };
            let doc = check(svg, kind);
            let items: Vec<_> = doc
                .descendants()
                .filter(|n| n.attribute("class") == Some("legend-item"))
                .collect();
            assert_eq!(items.len(), sev_series().len(), "{svg}");
            for (item, series) in items.iter().zip(sev_series()) {
                let swatch = item
                    .children()
                    .find(|n| n.tag_name().name() == "rect")
                    .unwrap();
                let classes: Vec<&str> = swatch.attribute("class").unwrap().split(' ').collect();
                assert_eq!(classes, ["swatch", series.class.as_str()], "{svg}");
                assert_eq!(swatch.attribute("fill"), Some("currentColor"), "{svg}");
                assert!(super::super::test_util::text_of(*item).contains(&series.name));
            }
        }
    }
}
