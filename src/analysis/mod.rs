//! Analysis: what the knowledge base says as a whole. Recurring root causes,
//! the indexes pages are grouped by, `related` links in both directions, and
//! what is overdue — computed once from the model, read by every page (and
//! later by metrics and search).

pub mod metrics;

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use crate::content::{ItemKind, ItemStatus, KnowledgeBase, PostMortem, Status};
use crate::text::slug;

/// Which post-mortems a build includes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Selection {
    /// Include drafts (`build --drafts`).
    pub drafts: bool,
}

impl Selection {
    /// Whether the build includes `pm`.
    pub fn includes(&self, pm: &PostMortem) -> bool {
        self.drafts || *pm.status != Status::Draft
    }
}

/// The knowledge base, indexed. Incidents are referred to by their index in
/// `kb.postmortems`; every list is in a fixed order so output is stable.
#[derive(Debug)]
pub struct Analysis {
    /// Today, for overdue badges and ages (`SOURCE_DATE_EPOCH` pins it).
    pub today: Date,
    /// Included incidents, newest first (date, then id).
    pub incidents: Vec<usize>,
    /// Root-cause id → incidents with that cause, oldest first.
    pub causes: BTreeMap<String, Vec<usize>>,
    /// Service → incidents, newest first.
    pub services: BTreeMap<String, Vec<usize>>,
    /// Tag slug → (tag as first written, incidents newest first).
    pub tags: BTreeMap<String, (String, Vec<usize>)>,
    /// Severity rank → incidents, newest first.
    pub severities: Vec<Vec<usize>>,
    /// Year → incidents, newest first.
    pub years: BTreeMap<i16, Vec<usize>>,
    /// Per incident: linked incidents, in either direction, included only.
    pub related: Vec<BTreeSet<usize>>,
    /// Per incident: its position in date order (oldest first), for prev/next.
    chronological: Vec<usize>,
    position: Vec<Option<usize>>,
}

impl Analysis {
    pub fn new(kb: &KnowledgeBase, selection: Selection, today: Date) -> Self {
        let pms = &kb.postmortems;
        let mut incidents: Vec<usize> = (0..pms.len())
            .filter(|&i| selection.includes(&pms[i]))
            .collect();
        incidents.sort_by(|&a, &b| {
            (pms[b].date.value, pms[a].id.as_str()).cmp(&(pms[a].date.value, pms[b].id.as_str()))
        });
        let mut chronological = incidents.clone();
        chronological.reverse();
        let mut position = vec![None; pms.len()];
        for (pos, &i) in chronological.iter().enumerate() {
            position[i] = Some(pos);
        }

        let mut causes: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut services: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut tags: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
        let mut severities = vec![Vec::new(); kb.config.template.severities.len()];
        let mut years: BTreeMap<i16, Vec<usize>> = BTreeMap::new();
        for &i in &incidents {
            let pm = &pms[i];
            for service in &pm.services {
                push_once(services.entry(service.value.clone()).or_default(), i);
            }
            for tag in &pm.details.tags {
                let (_, list) = tags
                    .entry(slug(tag))
                    .or_insert_with(|| (tag.clone(), Vec::new()));
                push_once(list, i);
            }
            severities[pm.severity.rank].push(i);
            years.entry(pm.date.year()).or_default().push(i);
        }
        for &i in &chronological {
            for cause in &pms[i].details.root_causes {
                push_once(causes.entry(cause.id.value.clone()).or_default(), i);
            }
        }

        let by_id: BTreeMap<&str, usize> =
            incidents.iter().map(|&i| (pms[i].id.as_str(), i)).collect();
        let mut related = vec![BTreeSet::new(); pms.len()];
        for &i in &incidents {
            for link in &pms[i].details.related {
                if let Some(&j) = by_id.get(link.as_str())
                    && j != i
                {
                    related[i].insert(j);
                    related[j].insert(i);
                }
            }
        }
        Analysis {
            today,
            incidents,
            causes,
            services,
            tags,
            severities,
            years,
            related,
            chronological,
            position,
        }
    }

    /// The incident before `i` in date order, and the one after.
    pub fn neighbours(&self, i: usize) -> (Option<usize>, Option<usize>) {
        let Some(pos) = self.position[i] else {
            return (None, None);
        };
        let prev = pos.checked_sub(1).map(|p| self.chronological[p]);
        let next = self.chronological.get(pos + 1).copied();
        (prev, next)
    }

    /// Whether incident `i` is on the site.
    pub fn includes(&self, i: usize) -> bool {
        self.position[i].is_some()
    }

    /// Incidents other than `i` that share root cause `cause`: at most
    /// `limit` of them, those nearest to `i` in time, oldest first; and how
    /// many there are in all. A cause seen hundreds of times would otherwise
    /// make every one of its incident pages list all the others.
    pub fn recurrences(&self, cause: &str, i: usize, limit: usize) -> (Vec<usize>, usize) {
        let Some(list) = self.causes.get(cause) else {
            return (Vec::new(), 0);
        };
        // The list is in date order, as `position` is: a binary search
        // finds `i`, so a cause shared by thousands of incidents does not
        // make each of their pages scan all the others.
        let found = self.position.get(i).copied().flatten().and_then(|pos| {
            list.binary_search_by_key(&pos, |&j| {
                self.position
                    .get(j)
                    .copied()
                    .flatten()
                    .unwrap_or(usize::MAX)
            })
            .ok()
        });
        let total = list.len().saturating_sub(usize::from(found.is_some()));
        let at = found.unwrap_or(list.len());
        // A window of `limit + 1` around `i`, shifted to fit the list.
        let start = at
            .saturating_sub(limit / 2)
            .min(list.len().saturating_sub(limit + 1));
        let window = list[start..(start + limit + 1).min(list.len())]
            .iter()
            .copied()
            .filter(|&j| j != i)
            .take(limit)
            .collect();
        (window, total)
    }

    /// Whether an open action item is past its due date.
    pub fn is_overdue(&self, due: Option<Date>, status: ItemStatus) -> bool {
        !status.is_closed() && due.is_some_and(|d| d < self.today)
    }
}

/// A recurrence after a fix: `incident` happened although `fixed_in`'s
/// `prevent` action items (`items`) were done before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotHeld {
    pub incident: usize,
    pub fixed_in: usize,
    /// Indices into `fixed_in`'s action items.
    pub items: Vec<usize>,
}

/// For a root cause's incidents (oldest first): each incident that happened
/// after the most recent earlier incident with this cause whose `prevent`
/// action items were done by then — the fix did not hold. Only the latest
/// such fix is named per recurrence, so the list grows with the number of
/// incidents, not its square.
pub fn fixes_that_did_not_hold(
    pms: &[std::sync::Arc<PostMortem>],
    incidents: &[usize],
) -> Vec<NotHeld> {
    let mut out = Vec::new();
    for (n, &later) in incidents.iter().enumerate() {
        let later_date = pms[later].date.value;
        // Newest earlier incident first; the first with a done fix is the one that did not hold.
        for &earlier in incidents[..n].iter().rev() {
            let items: Vec<usize> = pms[earlier]
                .details
                .action_items
                .iter()
                .enumerate()
                .filter(|(_, item)| {
                    item.kind == Some(ItemKind::Prevent)
                        && item.status == ItemStatus::Done
                        && item.completed.unwrap_or(pms[earlier].date.value) <= later_date
                })
                .map(|(k, _)| k)
                .collect();
            if !items.is_empty() {
                out.push(NotHeld {
                    incident: later,
                    fixed_in: earlier,
                    items,
                });
                break;
            }
        }
    }
    out
}

fn push_once(list: &mut Vec<usize>, i: usize) {
    if list.last() != Some(&i) {
        list.push(i);
    }
}

/// Today's date: from `SOURCE_DATE_EPOCH` (seconds since 1970, UTC) when it
/// is set, so builds are reproducible and tests can pin the day; otherwise
/// the local date.
pub fn today() -> Date {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| jiff::Timestamp::from_second(secs).ok())
        .map(|ts| jiff::tz::Offset::UTC.to_datetime(ts).date())
        .unwrap_or_else(|| jiff::ZonedDateTime::now().date())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recurrence_window_is_centred_and_bounded() {
        let mut a = Analysis {
            today: Date::constant(2026, 1, 1),
            incidents: Vec::new(),
            causes: BTreeMap::new(),
            services: BTreeMap::new(),
            tags: BTreeMap::new(),
            severities: Vec::new(),
            years: BTreeMap::new(),
            related: Vec::new(),
            chronological: Vec::new(),
            position: Vec::new(),
        };
        // Incident k is the k-th oldest.
        a.position = (0..30).map(Some).collect();
        a.causes.insert("c".into(), (0..30).collect());
        assert_eq!(a.recurrences("c", 15, 4), (vec![13, 14, 16, 17], 29));
        assert_eq!(a.recurrences("c", 0, 4), (vec![1, 2, 3, 4], 29));
        assert_eq!(a.recurrences("c", 29, 4), (vec![25, 26, 27, 28], 29));
        a.causes.insert("d".into(), vec![3, 7]);
        assert_eq!(a.recurrences("d", 3, 10), (vec![7], 1));
    }
}
