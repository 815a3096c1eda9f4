//! Reliability metrics: every number the site shows, defined once.
//!
//! The guide (docs/metrics.md) states each formula; the names here match it.
//! Metrics count every post-mortem, drafts included: a draft is still an
//! incident, and leaving drafts out would flatter post-mortem completion.
//! Per-incident values ([`IncidentMetrics`]) are kept apart from aggregates
//! ([`PeriodMetrics`]); an incident missing a timestamp is left out of that
//! metric and counted in `missing`.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;

use jiff::civil::Date;
use serde::Serialize;

use crate::content::history::History;
use crate::content::{ItemStatus, KnowledgeBase, PostMortem, Status};

/// A calendar quarter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i16,
    /// 1 to 4.
    pub q: u8,
}

impl Quarter {
    pub fn of(date: Date) -> Quarter {
        Quarter {
            year: date.year(),
            q: ((date.month() - 1) / 3 + 1) as u8,
        }
    }

    pub fn next(self) -> Quarter {
        if self.q == 4 {
            Quarter {
                year: self.year + 1,
                q: 1,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q + 1,
            }
        }
    }

    pub fn previous(self) -> Quarter {
        if self.q == 1 {
            Quarter {
                year: self.year - 1,
                q: 4,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q - 1,
            }
        }
    }

    /// `2025-q1`, for URLs.
    pub fn slug(self) -> String {
        format!("{}-q{}", self.year, self.q)
    }

    /// Every quarter from `first` to `last`, both included.
    pub fn range(first: Quarter, last: Quarter) -> Vec<Quarter> {
        let mut out = Vec::new();
        let mut q = first;
        while q <= last {
            out.push(q);
            q = q.next();
        }
        out
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} Q{}", self.year, self.q)
    }
}

/// `2025-Q1`, as `stats --quarter` takes it (also `2025-q1`, `2025 Q1`,
/// `2025Q1`).
impl std::str::FromStr for Quarter {
    type Err = String;

    fn from_str(s: &str) -> Result<Quarter, String> {
        let bad = || format!("`{s}` is not a quarter: write it like `2025-Q1`");
        let t = s.trim().to_ascii_uppercase();
        let (year, q) = t.rsplit_once('Q').ok_or_else(bad)?;
        let year = year.trim_end_matches(['-', ' ']);
        let year: i16 = year.parse().map_err(|_| bad())?;
        let q: u8 = q.parse().map_err(|_| bad())?;
        if !(1..=4).contains(&q) || !(1..=9999).contains(&year) {
            return Err(bad());
        }
        Ok(Quarter { year, q })
    }
}

impl Serialize for Quarter {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.slug())
    }
}

/// A share: `numerator` of `denominator`, and the rate when there is a denominator.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Ratio {
    pub numerator: usize,
    pub denominator: usize,
    /// 0 to 1; `None` when the denominator is 0.
    pub rate: Option<f64>,
}

impl Ratio {
    pub fn new(numerator: usize, denominator: usize) -> Ratio {
        Ratio {
            numerator,
            denominator,
            rate: (denominator > 0).then(|| numerator as f64 / denominator as f64),
        }
    }
}

/// Median and mean of one duration over a set of incidents.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Incidents that have the value.
    pub count: usize,
    /// Incidents left out because a timestamp (or `[impact]`) is missing.
    pub missing: usize,
    pub median: Option<f64>,
    pub mean: Option<f64>,
}

impl Summary {
    /// Summarises `values` (`None` = missing).
    pub fn of(values: impl IntoIterator<Item = Option<f64>>) -> Summary {
        let mut present = Vec::new();
        let mut missing = 0;
        for v in values {
            match v {
                Some(v) => present.push(v),
                None => missing += 1,
            }
        }
        present.sort_by(f64::total_cmp);
        let count = present.len();
        let median = match count {
            0 => None,
            n if n % 2 == 1 => Some(present[n / 2]),
            n => Some((present[n / 2 - 1] + present[n / 2]) / 2.0),
        };
        let mean = (count > 0).then(|| present.iter().sum::<f64>() / count as f64);
        Summary {
            count,
            missing,
            median,
            mean,
        }
    }
}

/// Time to detect, mitigate and resolve, in minutes.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Durations {
    pub detect: Summary,
    pub mitigate: Summary,
    pub resolve: Summary,
}

/// The numbers of one incident.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IncidentMetrics {
    pub id: String,
    pub date: String,
    pub quarter: Quarter,
    pub severity: String,
    pub status: Status,
    /// `detected - started`, in minutes.
    pub time_to_detect: Option<i64>,
    /// `mitigated - started`, in minutes.
    pub time_to_mitigate: Option<i64>,
    /// `resolved - started`, in minutes.
    pub time_to_resolve: Option<i64>,
    /// `published - date`, in days.
    pub time_to_rca: Option<i64>,
    /// From the incident's date to the first commit of its post-mortem, in
    /// days (git only).
    pub time_to_first_draft: Option<i64>,
    /// From the incident's date to `published`, or, without it, to the
    /// first commit whose post-mortem says `status = "final"`, in days.
    pub time_to_publish: Option<i64>,
    /// Whether a root cause of this incident was seen in an earlier incident.
    pub recurrence: bool,
}

/// Action-item figures for a set of incidents: the items raised in them.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ItemMetrics {
    /// Items raised.
    pub created: usize,
    /// Items `done`.
    pub completed: usize,
    /// Items `wont-fix`.
    pub wont_fix: usize,
    /// `completed / (created - wont_fix)`.
    pub completion: Ratio,
    /// Items `open` or `in-progress`.
    pub open: usize,
    /// Open items past their `due` date.
    pub overdue: usize,
    /// Items past their severity's SLO: open ones older than it, and done
    /// ones completed later than it (`[template] action_item_slo_days`).
    pub slo_breaches: usize,
    /// Of those, the open ones: what the action-items page calls "past
    /// SLO".
    pub slo_breaches_open: usize,
    /// Open items of post-mortems in `draft`, which the site's action-item
    /// list leaves out unless built with `--drafts`.
    pub open_in_drafts: usize,
    /// Open items by age (today - incident date): 0–30, 31–90, over 90 days.
    pub aging: [usize; 3],
}

/// The labels of [`ItemMetrics::aging`].
pub const AGING_BUCKETS: [&str; 3] = ["0–30 days", "31–90 days", "over 90 days"];

/// Every aggregate for a set of incidents (a quarter, or all time).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PeriodMetrics {
    pub incidents: usize,
    /// Of those, post-mortems still in `draft`: counted here (an incident
    /// happened whether or not its write-up is done), but not on the site
    /// unless it is built with `--drafts`, so pages say so.
    pub drafts: usize,
    /// Incidents per configured severity, worst first.
    pub by_severity: Vec<usize>,
    /// Durations over all these incidents.
    pub durations: Durations,
    /// Durations per severity, worst first.
    pub durations_by_severity: Vec<Durations>,
    pub action_items: ItemMetrics,
    /// Share of incidents with a root cause seen in an earlier incident.
    pub recurrence: Ratio,
    /// `published - date`, in days, over incidents that have `published`.
    pub time_to_rca: Summary,
    /// See [`IncidentMetrics::time_to_first_draft`]: git only.
    pub time_to_first_draft: Summary,
    /// See [`IncidentMetrics::time_to_publish`].
    pub time_to_publish: Summary,
    /// Share of SEV-1/SEV-2 post-mortems (the two worst configured levels) that are `final`.
    pub completion: Ratio,
}

/// Per incident and per period: the numbers the pages and `metrics.json` show.
#[derive(Clone, Debug, Serialize)]
pub struct Metrics {
    pub today: String,
    /// Per post-mortem, in date order.
    pub incidents: Vec<IncidentMetrics>,
    /// All time.
    pub overall: PeriodMetrics,
    /// Every quarter from the first incident's to the last's (empty ones too,
    /// so trends have no holes), oldest first.
    pub quarters: Vec<(Quarter, PeriodMetrics)>,
    /// Per quarter (same order): its top systemic learnings.
    #[serde(skip)]
    pub learnings: Vec<Vec<Learning>>,
    /// Per quarter (same order): its incidents, drafts included, oldest first.
    #[serde(skip)]
    pub members: Vec<Vec<usize>>,
}

/// `metrics.json`, and `hindsight stats --format json`: every number of
/// the dashboard, for other dashboards. One type, so the two say the same.
///
/// Without the per-incident figures ([`IncidentsFile`]): a dashboard polls
/// this file, and a line per incident made it grow with the knowledge base
/// (26 MB at 100,000 post-mortems) when the summary is a few kilobytes a
/// quarter.
#[derive(Serialize)]
pub struct MetricsFile<'a> {
    pub version: u32,
    pub today: &'a str,
    pub severities: &'a [String],
    pub overall: &'a PeriodMetrics,
    pub quarters: Vec<QuarterFile<'a>>,
    /// Where the per-incident figures are (`metrics-incidents.json`, beside
    /// this file); left out by `stats`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incidents_file: Option<&'static str>,
}

/// The name of the per-incident file beside `metrics.json`.
pub const INCIDENTS_FILE: &str = "metrics-incidents.json";

/// `metrics-incidents.json`: every post-mortem's own figures, in date
/// order, for analyses the quarter summaries do not answer.
#[derive(Serialize)]
pub struct IncidentsFile<'a> {
    pub version: u32,
    pub today: &'a str,
    pub incidents: &'a [IncidentMetrics],
}

impl<'a> IncidentsFile<'a> {
    pub fn new(metrics: &'a Metrics) -> Self {
        IncidentsFile {
            version: METRICS_VERSION,
            today: &metrics.today,
            incidents: &metrics.incidents,
        }
    }
}

/// The shape of `metrics.json` and `metrics-incidents.json`: 2 since the
/// per-incident figures moved to their own file.
pub const METRICS_VERSION: u32 = 2;

/// A quarter of [`MetricsFile`].
#[derive(Serialize)]
pub struct QuarterFile<'a> {
    pub quarter: Quarter,
    pub title: String,
    #[serde(flatten)]
    pub metrics: &'a PeriodMetrics,
    pub top_learnings: &'a [Learning],
}

impl<'a> MetricsFile<'a> {
    /// The quarters `keep` selects; with `incidents_file`, where the
    /// per-incident figures are.
    pub fn new(
        metrics: &'a Metrics,
        severities: &'a [String],
        keep: impl Fn(Quarter) -> bool,
        incidents_file: bool,
    ) -> Self {
        MetricsFile {
            version: METRICS_VERSION,
            today: &metrics.today,
            severities,
            overall: &metrics.overall,
            quarters: metrics
                .quarters
                .iter()
                .zip(&metrics.learnings)
                .filter(|((q, _), _)| keep(*q))
                .map(|((q, m), top)| QuarterFile {
                    quarter: *q,
                    title: q.to_string(),
                    metrics: m,
                    top_learnings: top,
                })
                .collect(),
            incidents_file: incidents_file.then_some(INCIDENTS_FILE),
        }
    }
}

/// How many systemic learnings a quarter names.
pub const TOP_LEARNINGS: usize = 3;

fn minutes(d: Option<jiff::SignedDuration>) -> Option<i64> {
    d.map(|d| d.as_secs().div_euclid(60))
}

/// An incident's time to detect, mitigate and resolve, in whole minutes
/// from `[impact] started` (seconds dropped, rounding down).
///
/// The one definition: the metrics, the incident page's details panel and
/// its timeline drawing all read these, so the numbers a reader compares on
/// one page are the same numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResponseTimes {
    pub detect: Option<i64>,
    pub mitigate: Option<i64>,
    pub resolve: Option<i64>,
}

impl ResponseTimes {
    pub fn of(impact: Option<&crate::content::Impact>) -> ResponseTimes {
        ResponseTimes {
            detect: minutes(impact.and_then(|m| m.time_to_detect())),
            mitigate: minutes(impact.and_then(|m| m.time_to_mitigate())),
            resolve: minutes(impact.and_then(|m| m.time_to_resolve())),
        }
    }
}

/// Each incident of `set` (indexes into `kb.postmortems`)'s time to detect,
/// mitigate and resolve in minutes, those that have it, in `set`'s order:
/// the values [`PeriodMetrics::durations`] of the same set summarises, so a
/// drawing of every incident and the median a page prints agree. Drafts
/// are in, as they are in every figure.
pub fn response_minutes(kb: &KnowledgeBase, set: &[usize]) -> [Vec<f64>; 3] {
    let mut out: [Vec<f64>; 3] = Default::default();
    for &i in set {
        let t = ResponseTimes::of(kb.postmortems[i].details.impact.as_ref());
        for (values, v) in out.iter_mut().zip([t.detect, t.mitigate, t.resolve]) {
            values.extend(v.map(|m| m as f64));
        }
    }
    out
}

/// A post-mortem's time to first draft and to publish, in days from the
/// incident's date (see [`IncidentMetrics`]): the first commit of the file,
/// and `published` or else the first commit that made it final.
pub fn writing_times(pm: &PostMortem, history: Option<&History>) -> (Option<i64>, Option<i64>) {
    let git = history.and_then(|h| h.file(&pm.rel_path));
    let day = |t: jiff::Timestamp| jiff::tz::Offset::UTC.to_datetime(t).date();
    let first_draft = git.map(|g| days_between(pm.date.value, day(g.added)));
    let publish = pm
        .details
        .published
        .as_ref()
        .map(|p| p.value)
        .or_else(|| git.and_then(|g| g.finalized).map(day))
        .map(|d| days_between(pm.date.value, d));
    (first_draft, publish)
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    to.duration_since(from).as_secs().div_euclid(86_400)
}

/// Computes every metric of the knowledge base. `today` dates overdue items
/// and ages; `slo_days` is `[template] action_item_slo_days`.
pub fn compute(kb: &KnowledgeBase, today: Date, history: Option<&History>) -> Metrics {
    let pms = &kb.postmortems;
    // Date order (then id) decides what "earlier" means for recurrences.
    let mut order: Vec<usize> = (0..pms.len()).collect();
    order.sort_by(|&a, &b| {
        (pms[a].date.value, pms[a].id.as_str()).cmp(&(pms[b].date.value, pms[b].id.as_str()))
    });
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut recurrence = vec![false; pms.len()];
    for &i in &order {
        recurrence[i] = pms[i]
            .details
            .root_causes
            .iter()
            .any(|c| seen.contains(c.id.as_str()));
        // Causes of the same day count as earlier only for later ids: add after checking.
        seen.extend(pms[i].details.root_causes.iter().map(|c| c.id.as_str()));
    }
    let incidents: Vec<IncidentMetrics> = order
        .iter()
        .map(|&i| {
            let pm = &pms[i];
            let times = ResponseTimes::of(pm.details.impact.as_ref());
            let (first_draft, publish) = writing_times(pm, history);
            IncidentMetrics {
                id: pm.id.value.clone(),
                date: pm.date.to_string(),
                quarter: Quarter::of(pm.date.value),
                severity: pm.severity.name.clone(),
                status: pm.status.value,
                time_to_detect: times.detect,
                time_to_mitigate: times.mitigate,
                time_to_resolve: times.resolve,
                time_to_rca: pm
                    .details
                    .published
                    .as_ref()
                    .map(|p| days_between(pm.date.value, p.value)),
                time_to_first_draft: first_draft,
                time_to_publish: publish,
                recurrence: recurrence[i],
            }
        })
        .collect();
    let ctx = Context {
        kb,
        today,
        recurrence: &recurrence,
        history,
    };
    let overall = ctx.period(&order);
    let mut by_quarter: BTreeMap<Quarter, Vec<usize>> = BTreeMap::new();
    for &i in &order {
        by_quarter
            .entry(Quarter::of(pms[i].date.value))
            .or_default()
            .push(i);
    }
    let range = match (by_quarter.keys().next(), by_quarter.keys().next_back()) {
        (Some(&first), Some(&last)) => Quarter::range(first, last),
        _ => Vec::new(),
    };
    let members: Vec<Vec<usize>> = range
        .iter()
        .map(|q| by_quarter.remove(q).unwrap_or_default())
        .collect();
    let scores = cause_scores(kb);
    Metrics {
        today: today.to_string(),
        incidents,
        overall,
        quarters: range
            .iter()
            .zip(&members)
            .map(|(q, set)| (*q, ctx.period(set)))
            .collect(),
        learnings: members
            .iter()
            .map(|set| top_learnings(kb, &scores, set, TOP_LEARNINGS))
            .collect(),
        members,
    }
}

struct Context<'a> {
    kb: &'a KnowledgeBase,
    today: Date,
    recurrence: &'a [bool],
    history: Option<&'a History>,
}

impl Context<'_> {
    fn period(&self, set: &[usize]) -> PeriodMetrics {
        let pms = &self.kb.postmortems;
        let template = &self.kb.config.template;
        let levels = template.severities.len();
        let mut by_severity = vec![0; levels];
        for &i in set {
            by_severity[pms[i].severity.rank] += 1;
        }
        let durations = |filter: &dyn Fn(&PostMortem) -> bool| {
            let chosen: Vec<&PostMortem> = set
                .iter()
                .map(|&i| &*pms[i])
                .filter(|pm| filter(pm))
                .collect();
            let times: Vec<ResponseTimes> = chosen
                .iter()
                .map(|pm| ResponseTimes::of(pm.details.impact.as_ref()))
                .collect();
            let of = |f: fn(&ResponseTimes) -> Option<i64>| {
                Summary::of(times.iter().map(|t| f(t).map(|m| m as f64)))
            };
            Durations {
                detect: of(|t| t.detect),
                mitigate: of(|t| t.mitigate),
                resolve: of(|t| t.resolve),
            }
        };
        let major: Vec<usize> = set
            .iter()
            .copied()
            .filter(|&i| template.is_major(pms[i].severity.rank))
            .collect();
        PeriodMetrics {
            incidents: set.len(),
            drafts: set
                .iter()
                .filter(|&&i| *pms[i].status == Status::Draft)
                .count(),
            by_severity,
            durations: durations(&|_| true),
            durations_by_severity: (0..levels)
                .map(|rank| durations(&|pm| pm.severity.rank == rank))
                .collect(),
            action_items: self.items(set),
            recurrence: Ratio::new(
                set.iter().filter(|&&i| self.recurrence[i]).count(),
                set.len(),
            ),
            time_to_rca: Summary::of(set.iter().map(|&i| {
                pms[i]
                    .details
                    .published
                    .as_ref()
                    .map(|p| days_between(pms[i].date.value, p.value) as f64)
            })),
            time_to_first_draft: Summary::of(
                set.iter()
                    .map(|&i| writing_times(&pms[i], self.history).0.map(|d| d as f64)),
            ),
            time_to_publish: Summary::of(
                set.iter()
                    .map(|&i| writing_times(&pms[i], self.history).1.map(|d| d as f64)),
            ),
            completion: Ratio::new(
                major
                    .iter()
                    .filter(|&&i| *pms[i].status == Status::Final)
                    .count(),
                major.len(),
            ),
        }
    }

    fn items(&self, set: &[usize]) -> ItemMetrics {
        let pms = &self.kb.postmortems;
        let slo = &self.kb.config.template.action_item_slo_days;
        let mut m = ItemMetrics::default();
        for &i in set {
            let pm = &pms[i];
            let created = pm.date.value;
            let slo_days = slo.get(&pm.severity.name).map(|&d| i64::from(d));
            let draft = *pm.status == Status::Draft;
            for item in &pm.details.action_items {
                m.created += 1;
                match item.status {
                    ItemStatus::Done => {
                        m.completed += 1;
                        if let (Some(limit), Some(done)) = (slo_days, item.completed)
                            && days_between(created, done) > limit
                        {
                            m.slo_breaches += 1;
                        }
                    }
                    ItemStatus::WontFix => m.wont_fix += 1,
                    ItemStatus::Open | ItemStatus::InProgress => {
                        m.open += 1;
                        m.open_in_drafts += usize::from(draft);
                        if item.due.as_ref().is_some_and(|d| d.value < self.today) {
                            m.overdue += 1;
                        }
                        let age = days_between(created, self.today);
                        if slo_days.is_some_and(|limit| age > limit) {
                            m.slo_breaches += 1;
                            m.slo_breaches_open += 1;
                        }
                        m.aging[match age {
                            ..=30 => 0,
                            31..=90 => 1,
                            _ => 2,
                        }] += 1;
                    }
                }
            }
        }
        m.completion = Ratio::new(m.completed, m.created - m.wont_fix);
        m
    }
}

/// One of a quarter's "Top 3 systemic learnings".
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Learning {
    pub cause: String,
    /// Severity-weighted recurrence over the whole history: the sum, over
    /// every incident with this cause, of (number of levels - rank), so a
    /// SEV-1 of five levels weighs 5 and a SEV-5 weighs 1.
    pub score: usize,
    /// Incidents with this cause, ever.
    pub incidents_ever: usize,
    /// The quarter's incidents with this cause (indices into the knowledge base).
    #[serde(skip)]
    pub incidents: Vec<usize>,
    /// Their ids.
    pub incident_ids: Vec<String>,
    /// The `learnings` sentences of those incidents, but those a cause
    /// ranked above already shows: two causes of the same incidents would
    /// otherwise list the same sentences twice.
    pub sentences: Vec<String>,
    /// How many of those incidents' sentences a cause above shows.
    pub shown_above: usize,
}

/// Severity-weighted recurrence and incident count of every root cause,
/// over the whole history (see [`Learning::score`]).
pub fn cause_scores(kb: &KnowledgeBase) -> BTreeMap<&str, (usize, usize)> {
    let levels = kb.config.template.severities.len();
    let mut scores: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for pm in &kb.postmortems {
        let ids: BTreeSet<&str> = pm
            .details
            .root_causes
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        for id in ids {
            let e = scores.entry(id).or_default();
            e.0 += levels.saturating_sub(pm.severity.rank);
            e.1 += 1;
        }
    }
    scores
}

/// The root causes of a quarter's incidents (`set`), ranked by
/// severity-weighted recurrence over the whole history (`scores`, from
/// [`cause_scores`]); ties by count, then id.
pub fn top_learnings(
    kb: &KnowledgeBase,
    scores: &BTreeMap<&str, (usize, usize)>,
    set: &[usize],
    limit: usize,
) -> Vec<Learning> {
    let pms = &kb.postmortems;
    let mut causes: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &i in set {
        for c in &pms[i].details.root_causes {
            let list = causes.entry(c.id.as_str()).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    // Rank first, then gather sentences for the few causes kept: every
    // cause of a quarter shares its incidents' learnings, so gathering them
    // for all causes would copy (causes × learnings) strings to keep three.
    let mut ranked: Vec<(&str, Vec<usize>, usize, usize)> = causes
        .into_iter()
        .map(|(cause, incidents)| {
            let (score, ever) = scores.get(cause).copied().unwrap_or_default();
            (cause, incidents, score, ever)
        })
        .collect();
    ranked.sort_by(|a, b| b.2.cmp(&a.2).then(b.3.cmp(&a.3)).then(a.0.cmp(b.0)));
    ranked.truncate(limit);
    // First occurrence wins, across the quarter's causes in rank order; a
    // set keeps this linear in the sentences.
    let mut seen: HashSet<&str> = HashSet::new();
    ranked
        .into_iter()
        .map(|(cause, incidents, score, incidents_ever)| {
            let mut shown_above = 0;
            let mut own: HashSet<&str> = HashSet::new();
            let mut sentences = Vec::new();
            for s in incidents.iter().flat_map(|&i| &pms[i].details.learnings) {
                if !own.insert(s.as_str()) {
                    continue;
                }
                if seen.insert(s.as_str()) {
                    sentences.push(s.clone());
                } else {
                    shown_above += 1;
                }
            }
            Learning {
                shown_above,
                incident_ids: incidents.iter().map(|&i| pms[i].id.value.clone()).collect(),
                cause: cause.to_string(),
                score,
                incidents_ever,
                incidents,
                sentences,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters() {
        let q = Quarter::of(Date::constant(2025, 12, 31));
        assert_eq!(q, Quarter { year: 2025, q: 4 });
        assert_eq!(q.next(), Quarter { year: 2026, q: 1 });
        assert_eq!(q.next().previous(), q);
        assert_eq!(q.slug(), "2025-q4");
        assert_eq!(q.to_string(), "2025 Q4");
        for written in ["2025-Q4", "2025-q4", "2025 Q4", "2025Q4", " 2025-q4 "] {
            assert_eq!(written.parse::<Quarter>(), Ok(q), "{written}");
        }
        for bad in [
            "2025-Q5", "2025-Q0", "2025", "Q4", "25-Q", "2025-Q4x", "0-Q1",
        ] {
            assert!(bad.parse::<Quarter>().is_err(), "{bad}");
        }
        assert_eq!(
            Quarter::range(Quarter { year: 2025, q: 3 }, Quarter { year: 2026, q: 2 }).len(),
            4
        );
    }

    #[test]
    fn summaries() {
        let s = Summary::of([Some(10.0), None, Some(30.0), Some(20.0), Some(40.0)]);
        assert_eq!((s.count, s.missing), (4, 1));
        assert_eq!(s.median, Some(25.0));
        assert_eq!(s.mean, Some(25.0));
        assert_eq!(Summary::of([]).median, None);
        assert_eq!(Ratio::new(1, 4).rate, Some(0.25));
        assert_eq!(Ratio::new(0, 0).rate, None);
    }

    #[test]
    fn day_differences() {
        assert_eq!(
            days_between(Date::constant(2025, 1, 1), Date::constant(2025, 3, 1)),
            59
        );
        assert_eq!(
            days_between(Date::constant(2025, 3, 1), Date::constant(2025, 1, 1)),
            -59
        );
    }

    /// The dots of the dashboard's strip charts are the incidents whose
    /// summary the pages print: the same median, count and mean, per quarter.
    #[test]
    fn response_minutes_are_what_the_durations_summarise() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content-example");
        let kb = crate::content::load(&root).expect("the example loads").kb;
        let m = compute(&kb, Date::constant(2026, 11, 27), None);
        assert!(m.members.iter().any(|set| set.len() > 1));
        let mut drafts = false;
        for (set, (_, p)) in m.members.iter().zip(&m.quarters) {
            drafts |= p.drafts > 0;
            let [d, mt, r] = response_minutes(&kb, set);
            let d2 = &p.durations;
            for (values, summary) in [(d, &d2.detect), (mt, &d2.mitigate), (r, &d2.resolve)] {
                let of = Summary::of(values.iter().map(|v| Some(*v)));
                assert_eq!(
                    (of.count, of.median, of.mean),
                    (summary.count, summary.median, summary.mean)
                );
            }
        }
        assert!(drafts, "the example has a draft, counted in both");
    }
}
