//! Line charts (`line_chart`).

use std::fmt::Write as _;

use super::axes::{
    Axes, Layout, Scale, classes_and_legend, draw_back, draw_front, is_integral, value_at,
};
use super::{
    BOLD, FS, LH, Series, clean_id, ellipsize, esc, n1, open_svg, sentence, text_attrs, text_block,
    text_w,
};

/// Lines with a point per x label (None = a gap, no point). Used for trends (median time
/// to mitigate per quarter, recurrence rate per quarter). `format` turns a value into the
/// label text (e.g. "46 min", "33%").
///
/// `format` also writes the y tick labels. Runs of consecutive values are
/// joined by a `<path class="line CLASS">`; every value is a
/// `<circle class="point CLASS">` with a `<title>`. With a single series each
/// point also has its value written next to it, where the line does not
/// cross it (above a peak, below a trough, beside a steep climb).
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
    // Where the points are, for placing the value labels clear of the line.
    let points: Vec<Vec<Option<(f64, f64)>>> = series
        .iter()
        .map(|s| {
            (0..n)
                .map(|i| value_at(s, i).map(|v| (lay.x_center(i), lay.y(&ax.scale, v))))
                .collect()
        })
        .collect();
    let mut placed: Vec<Box4> = Vec::new();
    for ((s, class), pts) in series.iter().zip(&classes).zip(&points) {
        for (i, label) in x_labels.iter().enumerate() {
            let (Some(v), Some((x, y))) = (value_at(s, i), pts[i]) else {
                continue;
            };
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
                // Inside the plot (off the y axis and its ticks, above the x
                // axis and its labels) or in the room left above it.
                let bounds = (lay.left, lay.top - ax.value_room, lay.w, lay.bottom);
                let (tx, ty, anchor) = place_value(&text, (x, y), pts, &placed, bounds);
                placed.push(value_box(&text, tx, ty, anchor));
                text_block(
                    &mut out,
                    tx,
                    ty,
                    LH,
                    &[text],
                    text_attrs("value", FS, anchor),
                    None,
                );
            }
        }
    }
    draw_front(&mut out, &ax, &lay, true);
    out.push_str("</svg>");
    out
}

/// A box: (left, top, right, bottom).
type Box4 = (f64, f64, f64, f64);

/// The estimated box of a value label written at (`x`, `y`) with `anchor`
/// (value labels are bold), with a little room around it.
fn value_box(text: &str, x: f64, y: f64, anchor: &str) -> Box4 {
    let w = text_w(text, FS) * BOLD;
    let left = match anchor {
        "middle" => x - w / 2.0,
        "end" => x - w,
        _ => x,
    };
    (
        left - 1.5,
        y - FS * 0.8 - 1.5,
        left + w + 1.5,
        y + FS * 0.25 + 1.5,
    )
}

/// Where to write the value label of the point `p` of a line through `pts`:
/// (x, y, anchor). A label centred above its point is crossed by the line
/// whenever a neighbour is higher, so the first of these places that the
/// line, the points and the labels already `placed` leave free (and that is
/// inside `bounds`) is taken: above, below, left or right (beside a sharp
/// peak or trough), then beside the point above or below (where a steep
/// climb or fall leaves room), then farther above or below. When none is free, above
/// (below at the top of the plot); the theme's halo then keeps it readable.
fn place_value(
    text: &str,
    p: (f64, f64),
    pts: &[Option<(f64, f64)>],
    placed: &[Box4],
    bounds: Box4,
) -> (f64, f64, &'static str) {
    let (x, y) = p;
    let below = FS * 0.8;
    let near = [
        (x, y - 8.0, "middle"),
        (x, y + 8.0 + below, "middle"),
        (x - 8.0, y + FS * 0.35, "end"),
        (x + 8.0, y + FS * 0.35, "start"),
        (x - 6.0, y - 6.0, "end"),
        (x + 6.0, y - 6.0, "start"),
        (x - 6.0, y + 6.0 + below, "end"),
        (x + 6.0, y + 6.0 + below, "start"),
    ];
    // Inside a sharp peak or trough, farther up (or down) where the V is
    // wide enough.
    let farther = (1..=4).flat_map(|k| {
        let d = 10.0 * k as f64;
        [
            (x, y - 8.0 - d, "middle"),
            (x, y + 8.0 + below + d, "middle"),
        ]
    });
    let inside = |b: Box4| b.0 >= bounds.0 && b.1 >= bounds.1 && b.2 <= bounds.2 && b.3 <= bounds.3;
    let overlaps = |a: Box4, b: Box4| a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3;
    let free = |b: Box4| {
        let segments = pts.windows(2).filter_map(|w| Some((w[0]?, w[1]?)));
        inside(b)
            && !segments.clone().any(|(a, c)| segment_hits_box(a, c, b))
            && !pts
                .iter()
                .flatten()
                .any(|&(px, py)| overlaps(b, (px - 3.5, py - 3.5, px + 3.5, py + 3.5)))
            && !placed.iter().any(|&q| overlaps(b, q))
    };
    near.into_iter()
        .chain(farther)
        .find(|&(cx, cy, anchor)| free(value_box(text, cx, cy, anchor)))
        .unwrap_or_else(|| {
            // Above, or below when that would leave the plot.
            if inside(value_box(text, x, y - 8.0, "middle")) {
                near[0]
            } else {
                near[1]
            }
        })
}

/// Whether the segment from `a` to `b` meets the box (left, top, right,
/// bottom): Liang–Barsky clipping of the segment to the box.
fn segment_hits_box(a: (f64, f64), b: (f64, f64), bx: Box4) -> bool {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a.0 - bx.0),
        (dx, bx.2 - a.0),
        (-dy, a.1 - bx.1),
        (dy, bx.3 - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return false;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    t0 <= t1
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    /// The estimated box of a value label: (left, top, right, bottom).
    fn label_box(node: roxmltree::Node<'_, '_>) -> (f64, f64, f64, f64) {
        let x: f64 = node.attribute("x").unwrap().parse().unwrap();
        let y: f64 = node.attribute("y").unwrap().parse().unwrap();
        let w = text_w(&text_of(node), FS) * 1.1; // the labels are bold
        let left = match node.attribute("text-anchor") {
            Some("middle") => x - w / 2.0,
            Some("end") => x - w,
            _ => x,
        };
        (left, y - FS * 0.8, left + w, y + FS * 0.25)
    }

    /// No line crosses a value label, and every label stays in the drawing,
    /// for peaks, troughs, steep climbs and falls, and flat runs.
    #[test]
    fn line_chart_value_labels_stay_clear_of_the_line() {
        let pct = |v: f64| format!("{v:.0}%");
        let x = labels(&["Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8", "Q9"]);
        for values in [
            vec![10.0, 90.0, 5.0, 100.0, 0.0, 80.0, 20.0, 95.0, 50.0],
            vec![0.0, 12.0, 25.0, 37.0, 50.0, 62.0, 75.0, 87.0, 100.0],
            vec![100.0, 80.0, 60.0, 40.0, 20.0, 0.0, 0.0, 0.0, 0.0],
            vec![50.0, 50.0, 50.0, 100.0, 100.0, 0.0, 0.0, 50.0, 50.0],
            vec![0.0, 100.0, 0.0, 100.0, 0.0, 100.0, 0.0, 100.0, 0.0],
        ] {
            let series = vec![Series {
                name: s("rate"),
                class: s(""),
                values: values.iter().copied().map(Some).collect(),
            }];
            for n in [2, 4, 9] {
                let svg = line_chart("r", "Rate", &x[..n], &series, "", "", &pct);
                let doc = check(&svg, "line");
                let points: Vec<(f64, f64)> = doc
                    .descendants()
                    .filter(|p| p.tag_name().name() == "circle")
                    .map(|p| {
                        let at = |a| p.attribute(a).unwrap().parse::<f64>().unwrap();
                        (at("cx"), at("cy"))
                    })
                    .collect();
                let vb: Vec<f64> = doc
                    .root_element()
                    .attribute("viewBox")
                    .unwrap()
                    .split(' ')
                    .map(|v| v.parse().unwrap())
                    .collect();
                let labels: Vec<_> = doc
                    .descendants()
                    .filter(|t| t.attribute("class") == Some("value"))
                    .collect();
                assert_eq!(labels.len(), n);
                for t in labels {
                    let b = label_box(t);
                    assert!(
                        b.0 >= 0.0 && b.1 >= 0.0 && b.2 <= vb[2] && b.3 <= vb[3],
                        "{values:?} {b:?} {svg}"
                    );
                    for seg in points.windows(2) {
                        assert!(
                            !segment_hits_box(seg[0], seg[1], b),
                            "{values:?} n={n}: {:?} crosses {:?} at {b:?}",
                            seg,
                            text_of(t)
                        );
                    }
                    // Nor is it on a point.
                    for &(px, py) in &points {
                        assert!(
                            !segment_hits_box((px - 3.5, py), (px + 3.5, py), b)
                                && !segment_hits_box((px, py - 3.5), (px, py + 3.5), b),
                            "{values:?} n={n}: label {b:?} on point {px} {py}"
                        );
                    }
                }
            }
        }
    }

    /// A label keeps to its point where there is room beside it: a value
    /// of 0 at the start of a steep climb (the line leaves up and right, the
    /// x axis is right under it) is written just left of the point, right
    /// of the y axis, not floated up the plot.
    #[test]
    fn line_chart_value_label_beside_a_point_on_the_x_axis() {
        let pct = |v: f64| format!("{v:.0}%");
        let series = vec![Series {
            name: s("rate"),
            class: s(""),
            values: vec![Some(0.0), Some(50.0), Some(67.0), Some(100.0)],
        }];
        let svg = line_chart("r", "Rate", &quarters(), &series, "", "", &pct);
        let doc = check(&svg, "line");
        let point = doc
            .descendants()
            .find(|n| n.tag_name().name() == "circle")
            .unwrap();
        let (px, py): (f64, f64) = (
            point.attribute("cx").unwrap().parse().unwrap(),
            point.attribute("cy").unwrap().parse().unwrap(),
        );
        let label = doc
            .descendants()
            .find(|n| n.attribute("class") == Some("value"))
            .unwrap();
        let b = label_box(label);
        let y_axis: f64 = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("axis"))
            .find(|n| n.attribute("x1") == n.attribute("x2"))
            .unwrap()
            .attribute("x1")
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            b.3 >= py - 8.0 && b.3 <= py,
            "{b:?} for a point at {px} {py}"
        );
        assert!(
            b.0 >= y_axis && b.2 < px,
            "{b:?} y axis {y_axis}, point {px}"
        );
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
}
