//! The 5 Whys (`whys_chain`).

use std::fmt::Write as _;

use super::{AXIS_FS, FS, LH, PAD, clean_id, n1, open_svg, sentence, text_attrs, text_block, wrap};

/// Width of the drawing: narrow, so that it fits a phone's column (about
/// 340 px at 390) at nearly its own size and the whys wrap onto more lines
/// instead of running past the edge; a wide screen shows it at most
/// [`W`] × 1.1 px wide (the theme's `svg.chart-whys`).
const W: f64 = 400.0;
/// Left edge of the boxes (they are centred).
const BOX_X: f64 = 12.0;
/// Width of a box.
const BOX_W: f64 = W - 2.0 * BOX_X;
/// From a box's side to its text.
const TEXT_IN: f64 = 14.0;
/// From a box's top to its caption's line.
const BOX_TOP: f64 = 10.0;
/// Height of a box's caption line ("1 · symptom").
const CAPTION_H: f64 = 13.0;
/// Font size of a why.
const TFS: f64 = 13.0;
/// Line height of a why.
const TLH: f64 = 17.0;
/// Height of an arrow between two boxes.
const ARROW_H: f64 = 36.0;

/// The 5 Whys as a chain of boxes from symptom (first) to systemic cause (last), connected by arrows labelled "why?".
///
/// The boxes are stacked top to bottom, each why wrapped onto as many lines
/// as it needs. As for [`timeline`](super::timeline), `listed_in` names where the page lists
/// the whys in text, so the description need not repeat them.
pub fn whys_chain(id: &str, title: &str, whys: &[String], listed_in: Option<&str>) -> String {
    let id = clean_id(id);
    let wrapped: Vec<Vec<String>> = whys
        .iter()
        .map(|w| wrap(w.trim(), BOX_W - 2.0 * TEXT_IN, BOX_W - 2.0 * TEXT_IN, TFS))
        .collect();
    let box_h = |lines: &Vec<String>| BOX_TOP + CAPTION_H + lines.len() as f64 * TLH + 6.0;
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
            BOX_X + TEXT_IN,
            y + BOX_TOP + 9.0,
            LH,
            &[caption],
            text_attrs("why-step-label", 10.0, "start"),
            None,
        );
        text_block(
            &mut out,
            BOX_X + TEXT_IN,
            y + BOX_TOP + CAPTION_H + TFS,
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

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

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
}
