//! The action-item exports, `action-items.csv` and `action-items.json`:
//! the rows the site writes and `hindsight export action-items` prints, so
//! the two are the same rows, written the same way.

use std::borrow::Cow;

use serde::Serialize;

use crate::analysis::{self, Analysis};
use crate::content::{ItemKind, KnowledgeBase};
use crate::site::views::{self, Urls, paths};

/// Every action item of `analysis`'s incidents, oldest incident first,
/// each incident's items in the order its file lists them.
pub fn item_rows(kb: &KnowledgeBase, analysis: &Analysis, urls: &Urls) -> Vec<ItemRow> {
    let pms = &kb.postmortems;
    let today = analysis.today;
    let slo = &kb.config.template.action_item_slo_days;
    let mut rows = Vec::new();
    for &i in analysis.incidents.iter().rev() {
        let pm = &pms[i];
        for item in &pm.details.action_items {
            let v = views::action_item(item, analysis);
            let age = analysis::metrics::days_between(pm.date.value, today);
            let open = !item.status.is_closed();
            let slo_days = slo.get(&pm.severity.name).copied();
            rows.push(ItemRow {
                incident: pm.id.value.clone(),
                incident_title: pm.title.value.clone(),
                incident_url: urls.page(&paths::incident(&pm.id)),
                severity: pm.severity.name.clone(),
                severity_rank: pm.severity.rank,
                incident_date: pm.date.to_string(),
                age_days: open.then_some(age),
                slo_days,
                past_slo: open && slo_days.is_some_and(|d| age > i64::from(d)),
                item: v,
            });
        }
    }
    rows
}

/// `action-items.json`: the rows as one line of JSON.
pub fn items_json(rows: &[ItemRow]) -> anyhow::Result<Vec<u8>> {
    let mut json = serde_json::to_vec(rows)?;
    json.push(b'\n');
    Ok(json)
}

/// `action-items.csv`: the rows for a spreadsheet, each incident linked
/// by its absolute URL (when the base URL is absolute).
pub fn items_csv(rows: &[ItemRow], urls: &Urls) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "incident",
        "incident_title",
        "incident_date",
        "severity",
        "title",
        "owner",
        "status",
        "kind",
        "due",
        "completed",
        "overdue",
        "age_days",
        "tracker",
        "url",
    ])?;
    for r in rows {
        let age = r.age_days.map(|a| a.to_string()).unwrap_or_default();
        let url = urls.absolute(&paths::incident(&r.incident));
        // Every cell a person wrote, or that comes from what they wrote,
        // goes through `csv_text`; `age_days` is a number we computed
        // (negative for a future date) and stays a number.
        let cells = [
            csv_text(&r.incident),
            csv_text(&r.incident_title),
            csv_text(&r.incident_date),
            csv_text(&r.severity),
            csv_text(&r.item.title),
            csv_text(r.item.owner.as_deref().unwrap_or("")),
            csv_text(r.item.status.as_str()),
            csv_text(r.item.kind.map_or("", ItemKind::as_str)),
            csv_text(r.item.due.as_deref().unwrap_or("")),
            csv_text(r.item.completed.as_deref().unwrap_or("")),
            Cow::Borrowed(if r.item.overdue { "yes" } else { "no" }),
            Cow::Borrowed(age.as_str()),
            csv_text(r.item.tracker.as_deref().unwrap_or("")),
            csv_text(&url),
        ];
        w.write_record(cells.iter().map(|c| c.as_bytes()))?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// A CSV cell that a spreadsheet will not run as a formula (OWASP "CSV
/// injection"): text starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return gets a leading `'`, which spreadsheets show as text and hide.
/// An action item titled `=HYPERLINK("https://evil.example", "Fix")` would
/// otherwise become a live link, or worse, in whoever opens the export.
fn csv_text(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// One action item with its incident, for the action-items page and exports.
#[derive(Serialize)]
pub struct ItemRow {
    pub incident: String,
    pub incident_title: String,
    pub incident_url: String,
    pub incident_date: String,
    pub severity: String,
    /// 0 is the worst configured level.
    pub severity_rank: usize,
    /// Days since the incident, for open items.
    pub age_days: Option<i64>,
    /// The severity's SLO, when configured.
    pub slo_days: Option<u32>,
    /// Open and older than its SLO.
    pub past_slo: bool,
    #[serde(flatten)]
    pub item: views::ActionItemView,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_that_start_a_formula_are_neutralised() {
        for (cell, expected) in [
            ("=1+1", "'=1+1"),
            ("+31 6 1234", "'+31 6 1234"),
            ("-2", "'-2"),
            ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            (
                "=HYPERLINK(\"https://evil.example\")",
                "'=HYPERLINK(\"https://evil.example\")",
            ),
        ] {
            assert_eq!(csv_text(cell), expected, "{cell:?}");
        }
        for cell in [
            "",
            "Add an alert",
            "a=b",
            "x-y",
            "'quoted",
            "\nnewline first",
        ] {
            assert!(matches!(csv_text(cell), Cow::Borrowed(_)), "{cell:?}");
            assert_eq!(csv_text(cell), cell);
        }
    }
}
