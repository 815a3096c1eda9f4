//! Action items: the page of open items (`action-items/`), overdue and
//! past-SLO first, and the complete exports `action-items.csv` and
//! `action-items.json`.

use std::borrow::Cow;

use serde::Serialize;

use crate::analysis::metrics;
use crate::content::ItemKind;
use crate::site::context::Site;
use crate::site::job::{Job, Target};
use crate::site::views::{self, paths};

pub fn plan<'s>(site: &'s Site<'_>, jobs: &mut Vec<Job<'s>>) {
    jobs.push(Job::page(
        "action-items",
        "action-items/".into(),
        move |target| page(site, target),
    ));
    jobs.push(Job::file(
        "action-items.csv",
        "action-items.csv".into(),
        move |_| csv(site),
    ));
    jobs.push(Job::file(
        "action-items.json",
        "action-items.json".into(),
        move |_| site.json(all_items(site)),
    ));
}

/// Every action item of the site's incidents.
fn all_items(site: &Site<'_>) -> Vec<ItemRow> {
    let views = site.views;
    let pms = &views.kb.postmortems;
    let today = views.analysis.today;
    let slo = &views.kb.config.template.action_item_slo_days;
    let mut rows = Vec::new();
    for &i in views.analysis.incidents.iter().rev() {
        let pm = &pms[i];
        for item in &pm.details.action_items {
            let v = views.action_item(item);
            let age = metrics::days_between(pm.date.value, today);
            let open = !item.status.is_closed();
            let slo_days = slo.get(&pm.severity.name).copied();
            rows.push(ItemRow {
                incident: pm.id.value.clone(),
                incident_title: pm.title.value.clone(),
                incident_url: views.urls.page(&paths::incident(&pm.id)),
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

fn page(site: &Site<'_>, target: &Target) -> anyhow::Result<Vec<u8>> {
    let mut open: Vec<ItemRow> = all_items(site)
        .into_iter()
        .filter(|r| r.age_days.is_some())
        .collect();
    // Overdue first, then past SLO, then oldest.
    open.sort_by(|a, b| {
        (
            !a.item.overdue,
            !a.past_slo,
            std::cmp::Reverse(a.age_days),
            &a.incident,
            &a.item.title,
        )
            .cmp(&(
                !b.item.overdue,
                !b.past_slo,
                std::cmp::Reverse(b.age_days),
                &b.incident,
                &b.item.title,
            ))
    });
    #[derive(Serialize)]
    struct Data {
        items: Vec<ItemRow>,
        overdue: usize,
        past_slo: usize,
        csv_url: String,
        json_url: String,
    }
    let data = Data {
        overdue: open.iter().filter(|r| r.item.overdue).count(),
        past_slo: open.iter().filter(|r| r.past_slo).count(),
        items: open,
        csv_url: site.urls.page("action-items.csv"),
        json_url: site.urls.page("action-items.json"),
    };
    let page = site.page(target, "Open action items", None);
    site.render("action-items.html", page, data)
}

fn csv(site: &Site<'_>) -> anyhow::Result<Vec<u8>> {
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
    for r in all_items(site) {
        let age = r.age_days.map(|a| a.to_string()).unwrap_or_default();
        let url = site.urls.absolute(&paths::incident(&r.incident));
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
