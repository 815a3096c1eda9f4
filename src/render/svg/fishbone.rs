//! A fishbone (Ishikawa) diagram (`fishbone`).

use std::fmt::Write as _;

use super::{
    BOLD, Bone, CauseKind, FS, LH, MIN_W, PAD, clean_id, esc, fit_lines, n1, open_svg, sentence,
    text_attrs, text_block, text_w, wrap,
};

/// Width given to each pair of bones (one above, one below) along the spine.
const SLOT: f64 = 240.0;
/// x of the spine's tail.
const TAIL: f64 = 20.0;
/// Width of the head (the effect's box).
const HEAD_W: f64 = 170.0;
/// Font size of a cause.
const CFS: f64 = 12.0;
/// Line height of a cause.
const CLH: f64 = 15.0;
/// Font size of a category.
const CAT_FS: f64 = 13.0;
/// Line height of a category.
const CAT_LH: f64 = 16.0;
/// Font size of the effect.
const EFS: f64 = 14.0;
/// Line height of the effect.
const ELH: f64 = 17.0;
/// Outer end of a bone, from its slot's left.
const BONE_IN: f64 = 16.0;
/// How far right a bone's spine end is from its outer end.
const SLANT: f64 = 30.0;
/// Between the spine and the causes nearest to it.
const SPINE_GAP: f64 = 10.0;
/// Between a bone's outer end and its category box.
const CAT_GAP: f64 = 4.0;
/// Between two causes on a bone.
const CAUSE_GAP: f64 = 6.0;
/// Least height given to the causes on each side of the spine.
const MIN_CAUSES_H: f64 = 24.0;
/// From a bone to its causes' text.
const TEXT_GAP: f64 = 10.0;

/// The short marker written before a cause of `kind`: its initial.
fn cause_marker(kind: CauseKind) -> &'static str {
    match kind {
        CauseKind::Root => "[R]",
        CauseKind::Contributing => "[C]",
        CauseKind::Trigger => "[T]",
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
    let id = clean_id(id);
    let plan = Plan::new(effect, bones);
    let desc = sentence(title, &description(effect, bones));

    let mut out = String::new();
    open_svg(&mut out, &id, "fishbone", plan.w, plan.h, title, &desc);
    let _ = write!(
        out,
        r#"<line class="spine" x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="currentColor" stroke-width="3"/>"#,
        n1(TAIL),
        n1(plan.head_x),
        y = n1(plan.spine_y)
    );
    for (i, bone) in bones.iter().enumerate() {
        draw_bone(&mut out, &plan, i, bone);
    }
    draw_head(&mut out, &plan);
    if plan.any_causes {
        text_block(
            &mut out,
            TAIL,
            plan.legend_y,
            LH,
            &["[R] root cause · [C] contributing factor · [T] trigger".to_string()],
            text_attrs("legend", FS, "start"),
            None,
        );
    }
    out.push_str("</svg>");
    out
}

/// The text, wrapped, and where the spine, bones and head go.
struct Plan {
    w: f64,
    h: f64,
    head_x: f64,
    head_h: f64,
    spine_y: f64,
    /// y of the outer end of the bones above the spine.
    outer_above: f64,
    /// y of the outer end of the bones below the spine.
    outer_below: f64,
    legend_y: f64,
    any_causes: bool,
    /// Each category's lines, and whether it was shortened.
    cat_lines: Vec<(Vec<String>, bool)>,
    /// Each bone's causes' lines.
    cause_lines: Vec<Vec<Vec<String>>>,
    effect_lines: Vec<String>,
}

impl Plan {
    fn new(effect: &str, bones: &[Bone]) -> Plan {
        let head_x = slot_x(bones.len().div_ceil(2)) + 10.0;
        let w = (head_x + HEAD_W + PAD).max(MIN_W);
        let head_x = w - PAD - HEAD_W;

        // Text of the causes: wrapped to the narrowest place right of a bone.
        let text_w_max = SLOT - BONE_IN - SLANT - TEXT_GAP - 14.0;
        let marker_room = |kind: CauseKind| text_w(&format!("{} ", cause_marker(kind)), CFS);
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
                            text_w_max - marker_room(*kind),
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
                .map(|l| l.len() as f64 * CLH + CAUSE_GAP)
                .sum()
        };
        let side_max = |up: bool, f: &dyn Fn(usize) -> f64| {
            (0..bones.len())
                .filter(|i| above(*i) == up)
                .map(f)
                .fold(0.0, f64::max)
        };
        let cat_h = |i: usize| cat_h(&cat_lines[i].0);
        let cat_above = side_max(true, &cat_h);
        let cat_below = side_max(false, &cat_h);
        let causes_above = side_max(true, &causes_h).max(MIN_CAUSES_H);
        let causes_below = side_max(false, &causes_h).max(MIN_CAUSES_H);

        let effect_lines = wrap(effect.trim(), HEAD_W - 20.0, HEAD_W - 20.0, EFS * BOLD);
        let head_h = effect_lines.len() as f64 * ELH + 18.0;

        let mut top_h = cat_above + CAT_GAP + causes_above + SPINE_GAP;
        let mut bottom_h = SPINE_GAP + causes_below + CAT_GAP + cat_below;
        top_h = top_h.max(head_h / 2.0);
        bottom_h = bottom_h.max(head_h / 2.0);
        let spine_y = PAD + top_h;
        let any_causes = bones.iter().any(|b| !b.causes.is_empty());
        let legend_y = spine_y + bottom_h + 22.0;
        let h = if any_causes {
            legend_y + PAD
        } else {
            spine_y + bottom_h + PAD
        };
        Plan {
            w,
            h,
            head_x,
            head_h,
            spine_y,
            outer_above: spine_y - SPINE_GAP - causes_above,
            outer_below: spine_y + SPINE_GAP + causes_below,
            legend_y,
            any_causes,
            cat_lines,
            cause_lines,
            effect_lines,
        }
    }
}

/// The left of slot `k`, the `k`th pair of bones from the tail.
fn slot_x(k: usize) -> f64 {
    TAIL + 10.0 + SLOT * k as f64
}

/// Whether bone `i` is above the spine (or below it).
fn above(i: usize) -> bool {
    i.is_multiple_of(2)
}

/// The height of a category box holding `lines`.
fn cat_h(lines: &[String]) -> f64 {
    lines.len() as f64 * CAT_LH + 8.0
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

/// Where a bone goes: from its outer end slanting to the spine.
struct BonePlace {
    up: bool,
    outer_x: f64,
    outer_y: f64,
    spine_y: f64,
}

impl BonePlace {
    /// The x of the bone at height `y`.
    fn x_at(&self, y: f64) -> f64 {
        self.outer_x + SLANT * ((y - self.outer_y) / (self.spine_y - self.outer_y)).clamp(0.0, 1.0)
    }
}

/// Bone `i`: its line, its category at the outer end, its causes along it.
fn draw_bone(out: &mut String, plan: &Plan, i: usize, bone: &Bone) {
    let up = above(i);
    let outer_x = slot_x(i / 2) + BONE_IN;
    let place = BonePlace {
        up,
        outer_x,
        outer_y: if up {
            plan.outer_above
        } else {
            plan.outer_below
        },
        spine_y: plan.spine_y,
    };
    let _ = write!(
        out,
        r#"<g class="bone {}"><line class="bone" x1="{}" y1="{}" x2="{}" y2="{}" stroke="currentColor" stroke-width="2"/>"#,
        if up { "bone-above" } else { "bone-below" },
        n1(outer_x),
        n1(place.outer_y),
        n1(outer_x + SLANT),
        n1(plan.spine_y)
    );
    let (lines, shortened) = &plan.cat_lines[i];
    draw_category(
        out,
        &place,
        lines,
        shortened.then_some(bone.category.trim()),
    );
    draw_causes(out, &place, &bone.causes, &plan.cause_lines[i]);
    out.push_str("</g>");
}

/// The category's box at the outer end of its bone.
fn draw_category(out: &mut String, place: &BonePlace, lines: &[String], full: Option<&str>) {
    let ch = cat_h(lines);
    let cw = lines
        .iter()
        .map(|l| text_w(l, CAT_FS * BOLD))
        .fold(0.0, f64::max)
        + 16.0;
    let cy = if place.up {
        place.outer_y - CAT_GAP - ch
    } else {
        place.outer_y + CAT_GAP
    };
    let cx = (place.outer_x - cw / 2.0).max(TAIL - 12.0).max(PAD / 2.0);
    let _ = write!(
        out,
        r#"<g class="category"><rect class="category-box" x="{}" y="{}" width="{}" height="{}" rx="4" fill-opacity="0.08" stroke="currentColor" stroke-opacity="0.6"/>"#,
        n1(cx),
        n1(cy),
        n1(cw),
        n1(ch)
    );
    text_block(
        out,
        cx + cw / 2.0,
        cy + 4.0 + CAT_FS * 0.9,
        CAT_LH,
        lines,
        text_attrs("category-label", CAT_FS, "middle").bold(),
        full,
    );
    out.push_str("</g>");
}

/// A bone's causes, top to bottom, each joined to the bone by a tick.
fn draw_causes(
    out: &mut String,
    place: &BonePlace,
    causes: &[(String, CauseKind)],
    cause_lines: &[Vec<String>],
) {
    let mut y = if place.up {
        place.outer_y + CAUSE_GAP
    } else {
        place.spine_y + SPINE_GAP
    };
    for ((label, kind), lines) in causes.iter().zip(cause_lines) {
        let ch = lines.len() as f64 * CLH;
        let tx = place.x_at(y).max(place.x_at(y + ch)) + TEXT_GAP;
        let tick_y = y + CLH * 0.5;
        let label = label.trim();
        let _ = write!(
            out,
            r#"<g class="cause cause-{kind}"><line class="cause-tick" x1="{}" y1="{ty}" x2="{}" y2="{ty}" stroke="currentColor"/><text x="{}" y="{}""#,
            n1(place.x_at(tick_y)),
            n1(tx - 3.0),
            n1(tx),
            n1(y + CFS),
            ty = n1(tick_y)
        );
        text_attrs("cause-label", CFS, "start").push_to(out);
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
                    cause_marker(*kind)
                );
            }
            let _ = write!(out, "{}</tspan>", esc(line));
        }
        out.push_str("</text></g>");
        y += ch + CAUSE_GAP;
    }
}

/// The effect's box at the head of the spine.
fn draw_head(out: &mut String, plan: &Plan) {
    let _ = write!(
        out,
        r#"<g class="head"><rect class="head-box" x="{}" y="{}" width="{}" height="{}" rx="8" fill-opacity="0.1" stroke="currentColor" stroke-width="2"/>"#,
        n1(plan.head_x),
        n1(plan.spine_y - plan.head_h / 2.0),
        n1(HEAD_W),
        n1(plan.head_h)
    );
    text_block(
        out,
        plan.head_x + HEAD_W / 2.0,
        plan.spine_y - plan.head_h / 2.0 + 9.0 + EFS,
        ELH,
        &plan.effect_lines,
        text_attrs("head-label", EFS, "middle").bold(),
        None,
    );
    out.push_str("</g>");
}

#[cfg(test)]
mod tests {
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
}
