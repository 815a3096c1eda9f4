//! Line charts (`line_chart`).

use std::fmt::Write as _;

use super::axes::{
    Axes, Layout, Scale, classes_and_legend, draw_back, draw_front, is_integral, value_at,
};
use super::{
    FS, LH, Series, clean_id, ellipsize, esc, n1, open_svg, sentence, text_attrs, text_block,
};

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

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

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
