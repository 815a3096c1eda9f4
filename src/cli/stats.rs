//! `hindsight stats`: the quarterly metrics in the terminal, for leads who
//! live there and for dashboards that read JSON or CSV.
//!
//! The numbers are [`crate::analysis::metrics`]'s, formatted by the same
//! functions as the site's quarter pages ([`text::duration`],
//! [`text::percent`], [`text::days`]), so `stats` and the page say the same
//! thing; `--format json` is `metrics.json` without its per-incident list.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::{ColorChoice, EXIT_USAGE};
use crate::analysis::metrics::{
    self, AGING_BUCKETS, Metrics, MetricsFile, PeriodMetrics, Quarter, Ratio, Summary,
};
use crate::content::KnowledgeBase;
use crate::text;

/// Output formats of `stats`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table, one quarter a row; with --quarter, that quarter in full.
    Table,
    /// `metrics.json`'s numbers, without the per-incident list.
    Json,
    /// One quarter a row, for spreadsheets.
    Csv,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// The knowledge base, or any folder inside it.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// One quarter, like 2025-Q1: every figure of its page, and its top
    /// systemic learnings.
    #[arg(long)]
    pub quarter: Option<Quarter>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

pub fn run(args: &StatsArgs, color: ColorChoice) -> anyhow::Result<u8> {
    let root = super::knowledge_base_root(&args.dir);
    let mut err = color.stream(std::io::stderr());
    let Some(loaded) = super::load_or_report(&root, color) else {
        return Ok(EXIT_USAGE);
    };
    let kb = &loaded.kb;
    // The site's quarter pages count drafts too (an incident happened
    // whether or not its write-up is done), and so does `stats`.
    // Git's record too, as the site reads it (time to first draft and to
    // publish).
    let history = crate::content::history::read(kb);
    let m = metrics::compute(kb, crate::analysis::today(), history.as_ref());
    if let Some(q) = args.quarter
        && !m.quarters.iter().any(|(k, _)| *k == q)
    {
        let _ = writeln!(
            err,
            "\x1b[1;31merror\x1b[0m: no incidents in {q}\n  help: {}",
            match (m.quarters.first(), m.quarters.last()) {
                (Some((first, _)), Some((last, _))) =>
                    format!("the knowledge base's incidents run from {first} to {last}"),
                _ => "the knowledge base has no post-mortems yet".to_string(),
            }
        );
        return Ok(EXIT_USAGE);
    }
    let severities = &kb.config.template.severities;
    let keep = |q: Quarter| args.quarter.is_none_or(|only| only == q);
    let out = match args.format {
        Format::Json => {
            let mut json =
                serde_json::to_string_pretty(&MetricsFile::new(&m, severities, keep, false))?;
            json.push('\n');
            json
        }
        Format::Csv => csv(&m, severities, keep)?,
        Format::Table => match args.quarter {
            Some(q) => quarter_report(kb, &m, q),
            None => table(&m, severities),
        },
    };
    super::print(&out, color, "the figures")
}

/// A median as the pages write it, or `—`.
fn median(s: &Summary) -> String {
    s.median
        .map_or_else(|| "—".to_string(), |m| text::duration(m.round() as i64))
}

/// "SEV-1 and SEV-2": the levels whose post-mortems `completion` counts.
fn major(severities: &[String]) -> String {
    severities
        .iter()
        .take(2)
        .cloned()
        .collect::<Vec<_>>()
        .join(" and ")
}

/// Every quarter a row, then all time: counts by severity, median response
/// times, and the shares a quarterly review asks about.
fn table(m: &Metrics, severities: &[String]) -> String {
    let mut head: Vec<String> = vec!["Quarter".into(), "Incidents".into()];
    head.extend(severities.iter().cloned());
    head.extend(
        [
            "Detect",
            "Mitigate",
            "Resolve",
            "Recurrence",
            "Items done",
            "Open items",
            "Overdue",
            "To publish",
        ]
        .map(String::from),
    );
    head.push(format!("{} final", major(severities)));
    let row = |name: String, p: &PeriodMetrics| {
        let mut cells = vec![name, p.incidents.to_string()];
        cells.extend(p.by_severity.iter().map(usize::to_string));
        cells.extend([
            median(&p.durations.detect),
            median(&p.durations.mitigate),
            median(&p.durations.resolve),
            text::percent(p.recurrence.rate),
            text::percent(p.action_items.completion.rate),
            p.action_items.open.to_string(),
            p.action_items.overdue.to_string(),
            p.time_to_publish
                .median
                .map_or_else(|| "—".to_string(), text::days),
            text::percent(p.completion.rate),
        ]);
        cells
    };
    let mut rows: Vec<Vec<String>> = m
        .quarters
        .iter()
        .map(|(q, p)| row(q.to_string(), p))
        .collect();
    rows.push(row("All time".into(), &m.overall));
    let widths: Vec<usize> = (0..head.len())
        .map(|c| {
            std::iter::once(&head)
                .chain(&rows)
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        let mut s = String::new();
        for (c, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            let pad = w - cell.chars().count();
            if c == 0 {
                s.push_str(cell);
                s.push_str(&" ".repeat(pad));
            } else {
                // Numbers right-aligned, as in the pages' tables.
                s.push_str("  ");
                s.push_str(&" ".repeat(pad));
                s.push_str(cell);
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = format!("\x1b[1m{}\x1b[0m", line(&head));
    let last = rows.len() - 1;
    for (i, r) in rows.iter().enumerate() {
        if i == last {
            out.push_str(&format!("\x1b[1m{}\x1b[0m", line(r)));
        } else {
            out.push_str(&line(r));
        }
    }
    out.push_str(
        "\nDetect, Mitigate, Resolve: medians, from the start of impact.\n\
         Recurrence: incidents with a root cause seen before.\n\
         Items done: action items raised in the quarter that are done.\n\
         One quarter in full: hindsight stats --quarter 2025-Q1\n",
    );
    out
}

/// `67%: 2 of 3`.
fn share(r: &Ratio) -> String {
    format!(
        "{}: {} of {}",
        text::percent(r.rate),
        r.numerator,
        r.denominator
    )
}

/// A response time: median, mean, and over how many incidents.
fn response(s: &Summary) -> String {
    if s.count == 0 {
        return "— (no incident had the timestamps)".to_string();
    }
    let mut line = format!(
        "median {}, mean {} (over {} incident{}",
        median(s),
        s.mean
            .map_or_else(|| "—".to_string(), |m| text::duration(m.round() as i64)),
        s.count,
        plural(s.count)
    );
    if s.missing > 0 {
        line.push_str(&format!("; {} left out for missing timestamps", s.missing));
    }
    line.push(')');
    line
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// One quarter in full: what its page's summary, tables and learnings say.
fn quarter_report(kb: &KnowledgeBase, m: &Metrics, q: Quarter) -> String {
    let at = m
        .quarters
        .iter()
        .position(|(k, _)| *k == q)
        .expect("checked by the caller");
    let p = &m.quarters[at].1;
    let previous = at.checked_sub(1).map(|i| &m.quarters[i].1);
    let severities = &kb.config.template.severities;
    let mut rows: Vec<(String, String)> = Vec::new();
    let change = |now: usize, before: Option<usize>| match before {
        None => String::new(),
        Some(b) if b == now => ", same as the previous quarter".to_string(),
        Some(b) if now > b => format!(", +{} vs the previous quarter", now - b),
        Some(b) => format!(", -{} vs the previous quarter", b - now),
    };
    let drafts = if p.drafts > 0 {
        format!("; {} draft{} counted", p.drafts, plural(p.drafts))
    } else {
        String::new()
    };
    rows.push((
        "Incidents".into(),
        format!(
            "{}{}{drafts}",
            p.incidents,
            change(p.incidents, previous.map(|b| b.incidents))
        ),
    ));
    for (rank, name) in severities.iter().enumerate() {
        rows.push((
            format!("  {name}"),
            format!(
                "{}{}",
                p.by_severity[rank],
                change(p.by_severity[rank], previous.map(|b| b.by_severity[rank]))
            ),
        ));
    }
    rows.push(("Time to detect".into(), response(&p.durations.detect)));
    rows.push(("Time to mitigate".into(), response(&p.durations.mitigate)));
    rows.push(("Time to resolve".into(), response(&p.durations.resolve)));
    rows.push((
        "Recurrence rate".into(),
        format!(
            "{} incidents had a root cause seen before",
            share(&p.recurrence)
        ),
    ));
    let ai = &p.action_items;
    rows.push((
        "Action items done".into(),
        format!(
            "{} raised this quarter{}",
            share(&ai.completion),
            if ai.wont_fix > 0 {
                format!(", not counting {} won't fix", ai.wont_fix)
            } else {
                String::new()
            }
        ),
    ));
    rows.push((
        "Open action items".into(),
        format!(
            "{} ({} overdue); by age: {}",
            ai.open,
            ai.overdue,
            AGING_BUCKETS
                .iter()
                .zip(ai.aging)
                .map(|(label, n)| format!("{label} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    ));
    // As the quarter page's "Post-mortem" and "First draft" rows: the
    // `published` date or git's first final commit; the first commit.
    let days = |s: &Summary, over: &str, none: &str| match (s.median, s.mean) {
        (Some(median), Some(mean)) => format!(
            "median {}, mean {} (over {} {over}{})",
            text::days(median),
            text::days(mean),
            s.count,
            plural(s.count)
        ),
        _ => format!("— ({none})"),
    };
    rows.push((
        "Time to publish".into(),
        days(
            &p.time_to_publish,
            "post-mortem",
            "no post-mortem is published yet",
        ),
    ));
    if p.time_to_first_draft.count > 0 {
        rows.push((
            "Time to first draft".into(),
            days(&p.time_to_first_draft, "post-mortem", ""),
        ));
    }
    rows.push((
        format!("{} final", major(severities)),
        format!("{} finished their review", share(&p.completion)),
    ));

    let width = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = format!("\x1b[1m{q}\x1b[0m\n\n");
    for (k, v) in &rows {
        out.push_str(&format!(
            "{k}{}  {v}\n",
            " ".repeat(width - k.chars().count())
        ));
    }
    let learnings = &m.learnings[at];
    if !learnings.is_empty() {
        out.push_str("\n\x1b[1mTop systemic learnings\x1b[0m\n");
        for (n, l) in learnings.iter().enumerate() {
            let title = kb
                .catalogue
                .as_ref()
                .and_then(|c| c.causes.get(&l.cause))
                .map_or(l.cause.as_str(), |e| e.title.as_str());
            out.push_str(&format!(
                "{}. {title} ({}): seen in {} incident{} in all, severity-weighted score {}\n",
                n + 1,
                l.cause,
                l.incidents_ever,
                plural(l.incidents_ever),
                l.score
            ));
            for s in &l.sentences {
                out.push_str(&format!("   - {s}\n"));
            }
        }
    }
    out
}

/// One quarter a row, every figure a column, plain numbers (minutes, days,
/// rates from 0 to 1): for spreadsheets.
fn csv(
    m: &Metrics,
    severities: &[String],
    keep: impl Fn(Quarter) -> bool,
) -> anyhow::Result<String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let mut head: Vec<String> = ["quarter", "incidents", "drafts"]
        .map(String::from)
        .to_vec();
    head.extend(severities.iter().cloned());
    for d in ["detect", "mitigate", "resolve"] {
        for s in ["median_minutes", "mean_minutes", "count", "missing"] {
            head.push(format!("{d}_{s}"));
        }
    }
    head.extend(
        [
            "recurrence_rate",
            "recurring",
            "action_items_created",
            "action_items_completed",
            "action_items_wont_fix",
            "action_items_completion_rate",
            "action_items_open",
            "action_items_overdue",
            "time_to_rca_median_days",
            "time_to_rca_mean_days",
            "time_to_publish_median_days",
            "time_to_publish_mean_days",
            "time_to_first_draft_median_days",
            "time_to_first_draft_mean_days",
            "final_rate",
            "final",
            "final_of",
        ]
        .map(String::from),
    );
    w.write_record(&head)?;
    let num = |x: Option<f64>| {
        x.map_or_else(String::new, |x| {
            format!("{}", (x * 10_000.0).round() / 10_000.0)
        })
    };
    for (q, p) in m.quarters.iter().filter(|(q, _)| keep(*q)) {
        let mut r: Vec<String> = vec![q.slug(), p.incidents.to_string(), p.drafts.to_string()];
        r.extend(p.by_severity.iter().map(usize::to_string));
        for s in [
            &p.durations.detect,
            &p.durations.mitigate,
            &p.durations.resolve,
        ] {
            r.extend([
                num(s.median),
                num(s.mean),
                s.count.to_string(),
                s.missing.to_string(),
            ]);
        }
        let ai = &p.action_items;
        r.extend([
            num(p.recurrence.rate),
            p.recurrence.numerator.to_string(),
            ai.created.to_string(),
            ai.completed.to_string(),
            ai.wont_fix.to_string(),
            num(ai.completion.rate),
            ai.open.to_string(),
            ai.overdue.to_string(),
            num(p.time_to_rca.median),
            num(p.time_to_rca.mean),
            num(p.time_to_publish.median),
            num(p.time_to_publish.mean),
            num(p.time_to_first_draft.median),
            num(p.time_to_first_draft.mean),
            num(p.completion.rate),
            p.completion.numerator.to_string(),
            p.completion.denominator.to_string(),
        ]);
        w.write_record(&r)?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}
