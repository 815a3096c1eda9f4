//! Strip plots (`strip_chart`): every value as a dot, per group, on a log
//! scale of minutes, with each group's median marked.
//!
//! Incident durations are heavy-tailed: one three-day outage moves a mean by
//! hours and a median hides the spread. A dot per incident shows both.

use std::fmt::Write as _;

use super::axes::{Axes, Layout, Scale, draw_front};
use super::{FS, LH, clean_id, ellipsize, esc, n1, open_svg, sentence, text_attrs, text_block};

/// Where the log scale puts its ticks, in minutes: 1 min, 10 min, 1 h, 6 h,
/// 1 d, 1 w, 30 d, 1 y. Uneven in log terms, but each is a duration people
/// think in.
const TICKS: [f64; 8] = [1.0, 10.0, 60.0, 360.0, 1440.0, 10080.0, 43200.0, 525_600.0];
/// The log scale's floor: zero minutes (or less) is drawn here.
const FLOOR: f64 = 1.0;
/// Dot radius.
const R: f64 = 3.5;
/// Sideways step between dots that would touch.
const STEP: f64 = 2.0 * R + 1.0;

/// A strip plot: one vertical band per group (`groups` are the x labels),
/// one `<circle class="dot">` per value of `values[i]` in band `i`, and a
/// `<line class="median">` across the band at the group's median (the
/// middle value, or the mean of the two middle ones, as
/// `analysis::metrics::Summary` has it). Values are **minutes** on a log
/// scale with ticks at 1 min, 10 min, 1 h, 6 h, 1 d, 1 w, 30 d and 1 y
/// (those covering the data, written with `format`); values below 1 min
/// (zero) are drawn at 1 min, which the description says. Dots whose
/// heights are close are moved sideways, in a fixed order (by value, then
/// as given), so equal values don't hide each other. A group without values
/// is an empty band. Non-finite values are left out.
pub fn strip_chart(
    id: &str,
    title: &str,
    groups: &[String],
    values: &[Vec<f64>],
    y_axis: &str,
    format: &dyn Fn(f64) -> String,
) -> String {
    let id = clean_id(id);
    let n = groups.len();
    // Per group, its finite values, smallest first (stable: ties as given).
    let sorted: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            let mut v: Vec<f64> = values
                .get(i)
                .map(|v| v.iter().copied().filter(|x| x.is_finite()).collect())
                .unwrap_or_default();
            v.sort_by(f64::total_cmp);
            v
        })
        .collect();
    let all = sorted.iter().flatten().copied();
    let (min, max) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v.max(FLOOR)), hi.max(v.max(FLOOR)))
    });
    let (lo, hi) = log_range(min, max);
    let ticks: Vec<f64> = TICKS
        .iter()
        .copied()
        .filter(|t| *t >= lo && *t <= hi)
        .collect();
    let tick_labels: Vec<String> = ticks
        .iter()
        .map(|t| ellipsize(&format(*t), 90.0, FS))
        .collect();
    // The shared frame, on a unit scale: `unit` below turns minutes into
    // 0..1 (log), and the frame only places 0 (the x axis) itself.
    let ax = Axes {
        x_labels: groups.iter().map(String::as_str).collect(),
        scale: Scale::new(0.0, 1.0, false),
        tick_labels,
        x_axis: "",
        y_axis,
        legend: Vec::new(),
        value_room: 4.0,
    };
    let lay = Layout::new(&ax);
    let unit =
        |v: f64| ((v.max(FLOOR).log10() - lo.log10()) / (hi.log10() - lo.log10())).clamp(0.0, 1.0);
    let y_of = |v: f64| lay.y(&ax.scale, unit(v));
    let left = lay.x_center(0) - lay.band / 2.0;
    let right = left + lay.band * n.max(1) as f64;

    let clamped = sorted.iter().flatten().filter(|v| **v < FLOOR).count();
    let body = if n == 0 {
        "no data".to_string()
    } else {
        let mut parts: Vec<String> = groups
            .iter()
            .zip(&sorted)
            .map(|(g, v)| match (v.first(), v.last(), median(v)) {
                (Some(a), _, _) if v.len() == 1 => format!("{}: 1 value, {}", g.trim(), format(*a)),
                (Some(a), Some(b), Some(m)) => format!(
                    "{}: {} values, median {}, from {} to {}",
                    g.trim(),
                    v.len(),
                    format(m),
                    format(*a),
                    format(*b)
                ),
                _ => format!("{}: no values", g.trim()),
            })
            .collect();
        let mut scale = "log scale".to_string();
        if clamped > 0 {
            let _ = write!(
                scale,
                "; {clamped} value{} under {} drawn at {}",
                if clamped == 1 { "" } else { "s" },
                format(FLOOR),
                format(FLOOR)
            );
        }
        parts.push(scale);
        parts.join("; ")
    };
    let desc = sentence(title, &body);

    let mut out = String::new();
    open_svg(&mut out, &id, "strip", lay.w, lay.h, title, &desc);
    // Grid and tick labels, under the dots.
    let mut grid = String::new();
    for (t, label) in ticks.iter().zip(&ax.tick_labels) {
        let y = y_of(*t);
        let _ = write!(grid, "M{} {}H{}", n1(left), n1(y), n1(right));
        text_block(
            &mut out,
            left - 6.0,
            y + FS * 0.35,
            LH,
            std::slice::from_ref(label),
            text_attrs("tick", FS, "end"),
            None,
        );
    }
    if !grid.is_empty() {
        let _ = write!(
            out,
            r#"<path class="grid" d="{grid}" fill="none" stroke="currentColor" stroke-opacity="0.15"/>"#
        );
    }
    // Sideways room for the dots in a band, and the median line's half width.
    let spread = (lay.band / 2.0 - R - 3.0).max(0.0);
    let half = (lay.band * 0.4).min(22.0);
    for (i, (g, v)) in groups.iter().zip(&sorted).enumerate() {
        let cx = lay.x_center(i);
        out.push_str(r#"<g class="strip">"#);
        let ys: Vec<f64> = v.iter().map(|x| y_of(*x)).collect();
        for ((x, y), dx) in v.iter().zip(&ys).zip(offsets(&ys, spread)) {
            let _ = write!(
                out,
                r#"<circle class="dot" cx="{}" cy="{}" r="{}" fill-opacity="0.55" stroke="currentColor"><title>{}</title></circle>"#,
                n1(cx + dx),
                n1(*y),
                n1(R),
                esc(&format!("{}: {}", g.trim(), format(*x)))
            );
        }
        if let Some(m) = median(v) {
            let y = y_of(m);
            let _ = write!(
                out,
                r#"<line class="median" x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="currentColor" stroke-width="2.5" stroke-linecap="round"><title>{}</title></line>"#,
                n1(cx - half),
                n1(cx + half),
                esc(&format!("{}: median {}", g.trim(), format(m))),
                y = n1(y),
            );
        }
        out.push_str("</g>");
    }
    draw_front(&mut out, &ax, &lay, false);
    out.push_str("</svg>");
    out
}

/// The range the scale covers: the ticks just outside `min..=max` (both at
/// least [`FLOOR`]), and at least two ticks; beyond the last tick, the data.
fn log_range(min: f64, max: f64) -> (f64, f64) {
    if !min.is_finite() || !max.is_finite() {
        // No data: a frame from 1 min to 1 h.
        return (TICKS[0], TICKS[2]);
    }
    let lo = TICKS.iter().copied().rfind(|t| *t <= min).unwrap_or(FLOOR);
    let mut hi = TICKS.iter().copied().find(|t| *t >= max).unwrap_or(max);
    if hi <= lo {
        // All values on one tick: the next tick up (or, past the last, a
        // decade), so the dots sit on the bottom line of a real range.
        hi = TICKS.iter().copied().find(|t| *t > lo).unwrap_or(lo * 10.0);
    }
    (lo, hi)
}

/// The middle value of sorted `v`, or the mean of the two middle ones.
fn median(v: &[f64]) -> Option<f64> {
    match v.len() {
        0 => None,
        n if n % 2 == 1 => Some(v[n / 2]),
        n => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    }
}

/// Sideways offsets for dots at heights `ys` (in order): each takes the
/// first of 0, +STEP, −STEP, +2·STEP, … within `spread` that keeps it clear
/// of the dots placed before it, or the least crowded of them when none is.
/// A fixed order, so the same data always draws the same picture.
fn offsets(ys: &[f64], spread: f64) -> Vec<f64> {
    let slots = (spread / STEP).floor() as i32;
    let candidates: Vec<f64> = (0..=slots)
        .flat_map(|k| {
            let d = f64::from(k) * STEP;
            if k == 0 { vec![0.0] } else { vec![d, -d] }
        })
        .collect();
    let mut placed: Vec<(f64, f64)> = Vec::new();
    let mut out = Vec::with_capacity(ys.len());
    for &y in ys {
        // Squared distance to the nearest placed dot, for each candidate.
        let clearance = |dx: f64| {
            placed
                .iter()
                .map(|(px, py)| (px - dx).powi(2) + (py - y).powi(2))
                .fold(f64::INFINITY, f64::min)
        };
        let clear = (2.0 * R) * (2.0 * R);
        let dx = candidates
            .iter()
            .copied()
            .find(|dx| clearance(*dx) >= clear)
            .unwrap_or_else(|| {
                // Crowded: the roomiest slot (the first of equals).
                candidates
                    .iter()
                    .copied()
                    .fold((0.0, -1.0), |(best, room), dx| {
                        let c = clearance(dx);
                        if c > room { (dx, c) } else { (best, room) }
                    })
                    .0
            });
        placed.push((dx, y));
        out.push(dx);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::super::text_w;
    use super::*;

    fn minutes(v: f64) -> String {
        crate::text::duration(v.round() as i64)
    }

    fn dots(doc: &roxmltree::Document<'_>) -> Vec<(f64, f64)> {
        doc.descendants()
            .filter(|n| n.has_tag_name("circle") && n.attribute("class") == Some("dot"))
            .map(|n| {
                let f = |a| n.attribute(a).unwrap().parse::<f64>().unwrap();
                (f("cx"), f("cy"))
            })
            .collect()
    }

    fn medians(doc: &roxmltree::Document<'_>) -> Vec<f64> {
        doc.descendants()
            .filter(|n| n.has_tag_name("line") && n.attribute("class") == Some("median"))
            .map(|n| n.attribute("y1").unwrap().parse().unwrap())
            .collect()
    }

    /// Every `<text>`, its width estimated as the layout does, lies inside
    /// the viewBox (a y-axis title turned upright too).
    fn assert_texts_inside(doc: &roxmltree::Document<'_>) {
        let vb: Vec<f64> = doc
            .root_element()
            .attribute("viewBox")
            .unwrap()
            .split(' ')
            .map(|x| x.parse().unwrap())
            .collect();
        let (w, h) = (vb[2], vb[3]);
        for t in doc.descendants().filter(|n| n.has_tag_name("text")) {
            let f = |a: &str| t.attribute(a).map(|v| v.parse::<f64>().unwrap());
            let fs = f("font-size").unwrap_or(FS);
            let (x, y) = (f("x").unwrap(), f("y").unwrap());
            let lines: Vec<String> = {
                let spans: Vec<_> = t.children().filter(|c| c.has_tag_name("tspan")).collect();
                if spans.is_empty() {
                    vec![text_of(t)]
                } else {
                    spans.iter().map(|s| text_of(*s)).collect()
                }
            };
            let tw = lines.iter().map(|l| text_w(l, fs)).fold(0.0, f64::max);
            let (x0, x1) = match t.attribute("text-anchor") {
                Some("middle") => (x - tw / 2.0, x + tw / 2.0),
                Some("end") => (x - tw, x),
                _ => (x, x + tw),
            };
            let bottom = y + LH * (lines.len() - 1) as f64;
            if t.attribute("transform").is_some() {
                // Turned a quarter left around (x, y): the width runs up and down.
                assert!(x - fs >= 0.0 && x <= w, "{lines:?}");
                assert!(y - tw / 2.0 >= 0.0 && y + tw / 2.0 <= h, "{lines:?}");
            } else {
                assert!(x0 >= 0.0 && x1 <= w, "{lines:?} {x0}..{x1} in {w}");
                assert!(y - fs >= 0.0 && bottom <= h, "{lines:?} {y} in {h}");
            }
        }
    }

    #[test]
    fn one_dot_per_value_and_the_median_at_the_median() {
        let values = vec![
            vec![5.0, 46.0, 4320.0],
            vec![],
            vec![30.0, 30.0, 30.0, 12.0],
            vec![90.0],
        ];
        let svg = strip_chart(
            "ttm",
            "Time to mitigate",
            &quarters(),
            &values,
            "Time to mitigate",
            &minutes,
        );
        let doc = check(&svg, "strip");
        assert_eq!(dots(&doc).len(), 8);
        assert_eq!(count(&doc, "g", "strip"), 4);
        // A median per group with values, on the height of its middle dot.
        let m = medians(&doc);
        assert_eq!(m.len(), 3);
        let d = dots(&doc);
        let y_of = |v: f64| {
            // Dots are drawn in group order, smallest first.
            let i = [5.0, 46.0, 4320.0, 12.0, 30.0, 30.0, 30.0, 90.0]
                .iter()
                .position(|x| *x == v)
                .unwrap();
            d[i].1
        };
        assert_eq!(m, vec![y_of(46.0), y_of(30.0), y_of(90.0)]);
        // Equal values are side by side, not on top of each other.
        let thirty: Vec<f64> = d[4..7].iter().map(|p| p.0).collect();
        assert!(thirty[0] != thirty[1] && thirty[1] != thirty[2] && thirty[0] != thirty[2]);
        let desc = texts_of(&doc, &["desc"]);
        assert!(
            desc.contains("2025 Q1: 3 values, median 46 min, from 5 min to 3 d"),
            "{desc}"
        );
        assert!(desc.contains("2025 Q2: no values"), "{desc}");
        assert!(desc.contains("2025 Q3: 4 values, median 30 min"), "{desc}");
        assert!(desc.contains("2025 Q4: 1 value, 1 h 30 min"), "{desc}");
        assert!(desc.contains("log scale") && !desc.contains("drawn at"));
        assert_texts_inside(&doc);
    }

    #[test]
    fn log_ticks_cover_the_data_on_whole_ticks() {
        let svg = strip_chart(
            "t",
            "T",
            &labels(&["a"]),
            &[vec![5.0, 4320.0]],
            "",
            &minutes,
        );
        let doc = check(&svg, "strip");
        let ticks: Vec<String> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("tick"))
            .map(text_of)
            .collect();
        assert_eq!(ticks, ["1 min", "10 min", "1 h", "6 h", "1 d", "7 d"]);
        // Log: 1 min → 10 min is as tall as 1 h → 10 h would be.
        let y: Vec<f64> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("tick"))
            .map(|n| n.attribute("y").unwrap().parse().unwrap())
            .collect();
        let decade = y[0] - y[1];
        let ratio = (y[2] - y[3]) / decade;
        assert!((ratio - 6f64.log10()).abs() < 0.01, "{ratio}");
        assert_eq!(log_range(10.0, 10.0), (10.0, 60.0));
        assert_eq!(log_range(60.0, 61.0), (60.0, 360.0));
        assert_eq!(log_range(1e6, 2e6), (525_600.0, 2e6));
        assert_eq!(log_range(f64::INFINITY, f64::NEG_INFINITY), (1.0, 60.0));
    }

    #[test]
    fn zero_single_and_empty() {
        // Zero minutes sits on the 1 min floor, and the desc says so.
        let svg = strip_chart(
            "z",
            "Detect",
            &labels(&["x"]),
            &[vec![0.0, 0.0, 3.0]],
            "",
            &minutes,
        );
        let doc = check(&svg, "strip");
        let d = dots(&doc);
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].1, d[1].1);
        assert!(d[0].0 != d[1].0);
        let desc = texts_of(&doc, &["desc"]);
        assert!(
            desc.contains("2 values under 1 min drawn at 1 min"),
            "{desc}"
        );
        assert_texts_inside(&doc);

        let svg = strip_chart(
            "s",
            "One",
            &labels(&["x"]),
            &[vec![42.0]],
            "Minutes",
            &minutes,
        );
        let doc = check(&svg, "strip");
        assert_eq!(dots(&doc).len(), 1);
        assert_eq!(medians(&doc), vec![dots(&doc)[0].1]);
        assert_texts_inside(&doc);

        for (groups, values) in [
            (vec![], vec![]),
            (labels(&["a", "b"]), vec![]),
            (labels(&["a"]), vec![vec![f64::NAN, f64::INFINITY]]),
        ] {
            let svg = strip_chart("e", "Empty", &groups, &values, "y", &minutes);
            let doc = check(&svg, "strip");
            assert!(dots(&doc).is_empty() && medians(&doc).is_empty());
            assert_texts_inside(&doc);
        }
        assert!(
            visible(&check(
                &strip_chart("e", "E", &[], &[], "", &minutes),
                "strip"
            ))
            .contains("No data")
        );
    }

    #[test]
    fn crowded_many_groups_deterministic_and_inside() {
        let groups: Vec<String> = (0..14)
            .map(|i| format!("{} Q{}", 2023 + i / 4, i % 4 + 1))
            .collect();
        let values: Vec<Vec<f64>> = (0..14)
            .map(|i| {
                (0..(i * 3 % 11))
                    .map(|k| f64::from(k * k * 37 % 5000))
                    .collect()
            })
            .collect();
        let a = strip_chart(
            "c",
            "Crowded",
            &groups,
            &values,
            "Time to resolve",
            &minutes,
        );
        let b = strip_chart(
            "c",
            "Crowded",
            &groups,
            &values,
            "Time to resolve",
            &minutes,
        );
        assert_eq!(a, b);
        let doc = check(&a, "strip");
        let total: usize = values.iter().map(Vec::len).sum();
        assert_eq!(dots(&doc).len(), total);
        assert_texts_inside(&doc);
        // Wider than the narrowest chart: a band per group, like the others.
        let few = strip_chart("f", "Few", &groups[..2], &values[..2], "", &minutes);
        let width = |svg: &str| -> f64 {
            svg.split('"')
                .nth(3)
                .unwrap()
                .split(' ')
                .nth(2)
                .unwrap()
                .parse()
                .unwrap()
        };
        assert!(width(&a) >= width(&few));
        // Many equal values stay inside their band.
        let same = strip_chart(
            "m",
            "Same",
            &labels(&["a", "b"]),
            &[vec![60.0; 30], vec![]],
            "",
            &minutes,
        );
        let doc = check(&same, "strip");
        let xs: Vec<f64> = dots(&doc).iter().map(|p| p.0).collect();
        let (lo, hi) = xs
            .iter()
            .fold((f64::MAX, f64::MIN), |(l, h), x| (l.min(*x), h.max(*x)));
        let band = (width(&same) - 100.0) / 2.0;
        assert!(hi - lo < band, "{lo}..{hi}");
    }

    #[test]
    fn group_names_and_formats_are_escaped() {
        let evil = s(r#"<script>&"'"#);
        let svg = strip_chart(
            &evil,
            &evil,
            std::slice::from_ref(&evil),
            &[vec![3.0, 9.0]],
            &evil,
            &|_| evil.clone(),
        );
        assert!(!svg.contains("<script"));
        let doc = check(&svg, "strip");
        assert!(visible(&doc).contains(&evil));
        assert!(texts_of(&doc, &["desc"]).contains(&evil));
    }
}
