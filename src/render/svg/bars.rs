//! Bar charts: stacked (`stacked_bars`) and simple (`bar_chart`).

use std::fmt::Write as _;

use super::axes::{
    Axes, BAR_SHARE, Layout, Scale, VALUE_ROOM, classes_and_legend, draw_back, draw_front,
    is_integral, value_at,
};
use super::{
    FS, LH, Series, clean_id, esc, fixed, n1, open_svg, sentence, text_attrs, text_block,
    value_text,
};

/// Widest a stacked bar is drawn, however wide its band.
const STACKED_BAR_MAX_W: f64 = 64.0;
/// Widest a simple bar is drawn, however wide its band.
const BAR_MAX_W: f64 = 72.0;

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
        value_room: VALUE_ROOM,
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
    let bar_w = (lay.band * BAR_SHARE).min(STACKED_BAR_MAX_W);
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
        value_room: VALUE_ROOM,
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
    let bar_w = (lay.band * BAR_SHARE).min(BAR_MAX_W);
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

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::super::text_w;
    use super::*;

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
}
