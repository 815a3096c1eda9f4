//! A fishbone (Ishikawa) diagram (`fishbone`).
//!
//! Drawn upright, so that it fits an incident page's column on any screen:
//! the effect at the top, the spine down the left, and the categories one
//! below the other, each on a bone leaning up to the spine, with its causes
//! listed under it. More categories or causes make the drawing taller,
//! never wider, so it is never scrolled sideways, and its text stays about
//! 10 px or larger on a 390 px phone (a drawing as wide as a desktop
//! column, shrunk to a phone, would have 5 px text).

use std::fmt::Write as _;

use super::{
    BOLD, Bone, CauseKind, PAD, clean_id, esc, fit_lines, n1, open_svg, sentence, text_attrs,
    text_block, text_w, wrap,
};

/// Width of the drawing. An incident's column is about 340 px on a 390 px
/// phone and about 760 px on a desktop: at 400 the smallest text (12) is
/// shown at 10 px on the phone, and the theme lets it grow to 1.25 times on
/// wider screens.
const W: f64 = 400.0;
/// x of the spine.
const SPINE_X: f64 = PAD + 12.0;
/// Left of the category boxes.
const CAT_X: f64 = SPINE_X + 28.0;
/// How much higher a bone meets the spine than it leaves its category (the
/// bones lean towards the head).
const LEAN: f64 = 16.0;
/// x of the stem under a category that its causes hang from.
const STEM_X: f64 = CAT_X + 12.0;
/// Left of the causes' text.
const CAUSE_X: f64 = STEM_X + 12.0;
/// Font size of a cause.
const CFS: f64 = 12.0;
/// Line height of a cause.
const CLH: f64 = 15.0;
/// Font size of a category.
const CAT_FS: f64 = 13.0;
/// Line height of a category.
const CAT_LH: f64 = 16.0;
/// Room around a category's name in its box (either side, together): bold
/// text in some fonts (DejaVu Sans) is wider than estimated.
const CAT_PAD: f64 = 24.0;
/// Room around the effect in its box (both sides together), as generous as
/// [`CAT_PAD`] for the same reason.
const HEAD_PAD: f64 = 40.0;
/// Font size of the effect.
const EFS: f64 = 14.0;
/// Line height of the effect.
const ELH: f64 = 17.0;
/// Font size and line height of the key to the markers.
const KEY_FS: f64 = 12.0;
const KEY_LH: f64 = 15.0;
/// Between the head and the first bone's category.
const HEAD_GAP: f64 = 26.0;
/// Between a category box and its first cause, and between two causes.
const CAUSE_GAP: f64 = 6.0;
/// Between one category (with its causes) and the next.
const BONE_GAP: f64 = 16.0;

/// The short marker written before a cause of `kind`: its initial.
fn cause_marker(kind: CauseKind) -> &'static str {
    match kind {
        CauseKind::Root => "[R]",
        CauseKind::Contributing => "[C]",
        CauseKind::Trigger => "[T]",
    }
}

/// A fishbone (Ishikawa) diagram: the effect at the head, one bone per category (all given
/// categories are drawn, even empty ones), each cause written on its bone with its kind
/// ("root", "contributing" or "trigger") as a CSS class (`cause-root` …) and a small text
/// marker.
///
/// Upright and [`W`] wide whatever the data: the head at the top, the spine
/// down the left, the bones one below the other in the given order, each
/// category's causes under it, wrapped, each preceded by its marker (`[R]`,
/// `[C]`, `[T]`), with a key at the bottom.
pub fn fishbone(id: &str, title: &str, effect: &str, bones: &[Bone]) -> String {
    let id = clean_id(id);
    let plan = Plan::new(effect, bones);
    let desc = sentence(title, &description(effect, bones));

    let mut out = String::new();
    open_svg(&mut out, &id, "fishbone", W, plan.h, title, &desc);
    let _ = write!(
        out,
        r#"<line class="spine" x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="currentColor" stroke-width="3"/>"#,
        n1(plan.head_bottom),
        n1(plan.tail_y),
        x = n1(SPINE_X)
    );
    for (bone, place) in bones.iter().zip(&plan.bones) {
        draw_bone(&mut out, place, bone);
    }
    draw_head(&mut out, &plan);
    if !plan.key_lines.is_empty() {
        text_block(
            &mut out,
            PAD,
            plan.key_y,
            KEY_LH,
            &plan.key_lines,
            text_attrs("legend", KEY_FS, "start"),
            None,
        );
    }
    out.push_str("</svg>");
    out
}

/// The text, wrapped, and where the head, spine and bones go.
struct Plan {
    h: f64,
    head_bottom: f64,
    /// Bottom end of the spine.
    tail_y: f64,
    effect_lines: Vec<String>,
    bones: Vec<BonePlace>,
    /// The key to the markers (none when there are no causes), and the
    /// baseline of its first line.
    key_lines: Vec<String>,
    key_y: f64,
}

/// Where one bone and its text go.
struct BonePlace {
    /// Top of the category box.
    top: f64,
    cat_lines: Vec<String>,
    /// Whether the category was shortened.
    cat_shortened: bool,
    /// Each cause's lines and the top of its first line.
    causes: Vec<(Vec<String>, f64)>,
}

impl BonePlace {
    /// Height of the category box.
    fn cat_h(&self) -> f64 {
        self.cat_lines.len() as f64 * CAT_LH + 8.0
    }

    /// Where the bone leaves its category box.
    fn outer_y(&self) -> f64 {
        self.top + self.cat_h() / 2.0
    }
}

impl Plan {
    fn new(effect: &str, bones: &[Bone]) -> Plan {
        let effect_lines = wrap(
            effect.trim(),
            W - 2.0 * PAD - HEAD_PAD,
            W - 2.0 * PAD - HEAD_PAD,
            EFS * BOLD,
        );
        let head_bottom = PAD + effect_lines.len() as f64 * ELH + 18.0;

        let cause_w = W - PAD - CAUSE_X;
        // The marker is bold, and so is a root cause (the theme makes it
        // stand out; the drawing says so too, so its width is known here).
        let marker_room = |kind: CauseKind| text_w(&format!("{} ", cause_marker(kind)), CFS * BOLD);
        let mut y = head_bottom + HEAD_GAP;
        let mut places = Vec::with_capacity(bones.len());
        for b in bones {
            let (cat_lines, cat_shortened) = fit_lines(
                b.category.trim(),
                W - PAD - CAT_X - CAT_PAD,
                CAT_FS * BOLD,
                2,
            );
            let top = y;
            y += cat_lines.len() as f64 * CAT_LH + 8.0;
            let causes = b
                .causes
                .iter()
                .map(|(label, kind)| {
                    let fs = if *kind == CauseKind::Root {
                        CFS * BOLD
                    } else {
                        CFS
                    };
                    let lines = wrap(label.trim(), cause_w - marker_room(*kind), cause_w, fs);
                    let at = y + CAUSE_GAP;
                    y = at + lines.len() as f64 * CLH;
                    (lines, at)
                })
                .collect();
            places.push(BonePlace {
                top,
                cat_lines,
                cat_shortened,
                causes,
            });
            y += BONE_GAP;
        }
        // The spine runs a little past the lowest bone.
        let tail_y = places
            .last()
            .map_or(head_bottom + HEAD_GAP, |p| p.outer_y() - LEAN + 12.0);
        let any_causes = bones.iter().any(|b| !b.causes.is_empty());
        let key_lines = if any_causes {
            wrap(
                "[R] root cause · [C] contributing factor · [T] trigger",
                W - 2.0 * PAD,
                W - 2.0 * PAD,
                KEY_FS,
            )
        } else {
            Vec::new()
        };
        let bottom = y.max(tail_y + BONE_GAP);
        let key_y = bottom + 4.0 + KEY_FS;
        let h = if key_lines.is_empty() {
            bottom - BONE_GAP + PAD
        } else {
            key_y + KEY_LH * (key_lines.len() - 1) as f64 + PAD
        };
        Plan {
            h: h.max(tail_y + PAD),
            head_bottom,
            tail_y,
            effect_lines,
            bones: places,
            key_lines,
            key_y,
        }
    }
}

/// The `<desc>` body: the effect, then each category's causes.
fn description(effect: &str, bones: &[Bone]) -> String {
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
    body
}

/// A bone: the line from its category up to the spine, the category, and
/// its causes on a stem under the category.
fn draw_bone(out: &mut String, place: &BonePlace, bone: &Bone) {
    let outer_y = place.outer_y();
    let _ = write!(
        out,
        r#"<g class="bone"><line class="bone" x1="{}" y1="{}" x2="{}" y2="{}" stroke="currentColor" stroke-width="2"/>"#,
        n1(CAT_X),
        n1(outer_y),
        n1(SPINE_X),
        n1(outer_y - LEAN)
    );
    if let Some((_, at)) = place.causes.last() {
        // The stem, from the category box to the last cause's tick.
        let _ = write!(
            out,
            r#"<line class="bone bone-stem" x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="currentColor" stroke-width="1.5"/>"#,
            n1(place.top + place.cat_h()),
            n1(tick_y(*at)),
            x = n1(STEM_X)
        );
    }
    draw_category(
        out,
        place,
        place.cat_shortened.then_some(bone.category.trim()),
    );
    for ((label, kind), (lines, at)) in bone.causes.iter().zip(&place.causes) {
        draw_cause(out, label.trim(), *kind, lines, *at);
    }
    out.push_str("</g>");
}

/// The y of the tick joining a cause to its stem: at its first line.
fn tick_y(at: f64) -> f64 {
    at + CLH * 0.55
}

/// The category's box, at the outer end of its bone.
fn draw_category(out: &mut String, place: &BonePlace, full: Option<&str>) {
    let lines = &place.cat_lines;
    let ch = place.cat_h();
    let cw = lines
        .iter()
        .map(|l| text_w(l, CAT_FS * BOLD))
        .fold(0.0, f64::max)
        + CAT_PAD;
    let _ = write!(
        out,
        r#"<g class="category"><rect class="category-box" x="{}" y="{}" width="{}" height="{}" rx="4" fill-opacity="0.08" stroke="currentColor" stroke-opacity="0.6"/>"#,
        n1(CAT_X),
        n1(place.top),
        n1(cw),
        n1(ch)
    );
    text_block(
        out,
        CAT_X + cw / 2.0,
        place.top + 4.0 + CAT_FS * 0.9,
        CAT_LH,
        lines,
        text_attrs("category-label", CAT_FS, "middle").bold(),
        full,
    );
    out.push_str("</g>");
}

/// One cause, its first line's top at `at`, joined to the stem by a tick.
fn draw_cause(out: &mut String, label: &str, kind: CauseKind, lines: &[String], at: f64) {
    let ty = tick_y(at);
    let _ = write!(
        out,
        r#"<g class="cause cause-{kind}"><line class="cause-tick" x1="{}" y1="{ty}" x2="{}" y2="{ty}" stroke="currentColor"/><text x="{}" y="{}""#,
        n1(STEM_X),
        n1(CAUSE_X - 3.0),
        n1(CAUSE_X),
        n1(at + CFS),
        ty = n1(ty)
    );
    let attrs = text_attrs("cause-label", CFS, "start");
    if kind == CauseKind::Root {
        attrs.bold().push_to(out);
    } else {
        attrs.push_to(out);
    }
    out.push('>');
    if lines.len() > 1 {
        let _ = write!(out, "<title>{} ({kind})</title>", esc(label));
    }
    for (k, line) in lines.iter().enumerate() {
        let _ = write!(
            out,
            r#"<tspan x="{}" y="{}">"#,
            n1(CAUSE_X),
            n1(at + CFS + CLH * k as f64)
        );
        if k == 0 {
            let _ = write!(
                out,
                r#"<tspan class="cause-marker" font-weight="700">{}</tspan> "#,
                cause_marker(kind)
            );
        }
        let _ = write!(out, "{}</tspan>", esc(line));
    }
    out.push_str("</text></g>");
}

/// The effect's box at the head of the spine, across the top.
fn draw_head(out: &mut String, plan: &Plan) {
    let head_h = plan.head_bottom - PAD;
    let _ = write!(
        out,
        r#"<g class="head"><rect class="head-box" x="{}" y="{}" width="{}" height="{}" rx="8" fill-opacity="0.1" stroke="currentColor" stroke-width="2"/>"#,
        n1(PAD),
        n1(PAD),
        n1(W - 2.0 * PAD),
        n1(head_h)
    );
    text_block(
        out,
        W / 2.0,
        PAD + 9.0 + EFS,
        ELH,
        &plan.effect_lines,
        text_attrs("head-label", EFS, "middle").bold(),
        None,
    );
    out.push_str("</g>");
}

#[cfg(test)]
mod tests {
    use super::super::FS;
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn fishbone_contains_every_label() {
        let mut bones = sample_bones();
        bones.extend([Bone {
            category: s("Measurement"),
            causes: vec![(
                s("Connection pool saturation was not alerted on"),
                CauseKind::Contributing,
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

    /// Each line of text as (left, top, right, bottom, font size), from the
    /// `<text>`'s or its line `<tspan>`'s position, anchor and weight, the
    /// width estimated with `text_w`.
    fn text_boxes(doc: &roxmltree::Document<'_>) -> Vec<(f64, f64, f64, f64, f64, String)> {
        let mut boxes = Vec::new();
        for t in doc.descendants().filter(|n| n.tag_name().name() == "text") {
            let fs: f64 = t.attribute("font-size").map_or(FS, |v| v.parse().unwrap());
            let bold = if t.attribute("font-weight").is_some() {
                BOLD
            } else {
                1.0
            };
            let lines: Vec<_> = t
                .children()
                .filter(|c| c.tag_name().name() == "tspan" && c.attribute("y").is_some())
                .collect();
            let lines = if lines.is_empty() { vec![t] } else { lines };
            for line in lines {
                let x: f64 = line.attribute("x").unwrap().parse().unwrap();
                let y: f64 = line.attribute("y").unwrap().parse().unwrap();
                let text = text_of(line);
                let mut w = text_w(&text, fs) * bold;
                // The kind marker is bold.
                for m in line
                    .children()
                    .filter(|c| c.attribute("class") == Some("cause-marker"))
                {
                    w += text_w(&text_of(m), fs) * (BOLD - bold);
                }
                let left = match t.attribute("text-anchor") {
                    Some("middle") => x - w / 2.0,
                    Some("end") => x - w,
                    _ => x,
                };
                boxes.push((left, y - fs * 0.8, left + w, y + fs * 0.25, fs, text));
            }
        }
        boxes
    }

    /// With 1 to 6 categories, long causes, categories and effect, the
    /// drawing fits a phone's column without scrolling and stays legible:
    /// at most 760 wide (an incident's column at 1,280 px), narrow enough
    /// that its smallest text is still about 10 px in the ~340 px column of
    /// a 390 px phone, every line of text inside the viewBox and none on
    /// another.
    #[test]
    fn fishbone_fits_a_phone_column_with_many_long_causes() {
        let long = "The connection pool of the payments database was sized for the old traffic profile and nobody had revisited it after the migration to the new region";
        let categories = [
            "People",
            "Process and change management across several teams",
            "Technology",
            "Environment",
            "Measurement",
            "Suppliers",
        ];
        let kinds = [CauseKind::Root, CauseKind::Contributing, CauseKind::Trigger];
        for n in 1..=6 {
            let bones: Vec<Bone> = categories[..n]
                .iter()
                .enumerate()
                .map(|(i, c)| Bone {
                    category: s(c),
                    causes: (0..(i % 4))
                        .map(|k| {
                            let label = if k % 2 == 0 { long } else { "Deploy" };
                            (s(label), kinds[(i + k) % 3])
                        })
                        .collect(),
                })
                .collect();
            let effect = "Checkout and login errors for 39 minutes during the Black Friday peak in every region";
            let svg = fishbone("f", "Causes", effect, &bones);
            let doc = check(&svg, "fishbone");
            let vb: Vec<f64> = doc
                .root_element()
                .attribute("viewBox")
                .unwrap()
                .split(' ')
                .map(|v| v.parse().unwrap())
                .collect();
            let (w, h) = (vb[2], vb[3]);
            assert!(w <= 760.0, "{n} categories: {w} wide");
            let boxes = text_boxes(&doc);
            let smallest = boxes.iter().map(|b| b.4).fold(f64::INFINITY, f64::min);
            assert!(smallest >= 11.0, "{smallest}");
            assert!(
                smallest * 340.0 / w >= 10.0,
                "{n} categories: {smallest}-unit text is {} px at 390 px",
                smallest * 340.0 / w
            );
            for (i, a) in boxes.iter().enumerate() {
                assert!(
                    a.0 >= 0.0 && a.1 >= 0.0 && a.2 <= w && a.3 <= h,
                    "{n} categories: {a:?} outside 0 0 {w} {h}"
                );
                for b in &boxes[i + 1..] {
                    let overlap = a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3;
                    assert!(!overlap, "{n} categories: {a:?} on {b:?}");
                }
            }
            let text = visible(&doc);
            for c in &categories[..n] {
                assert!(text.contains(c), "{c}");
            }
            assert!(text.contains(effect));
        }
    }
}
