//! `review-overdue`: a post-mortem still in `draft` or `review` more days
//! after its incident than `[template] review_within_days` gives its
//! severity. A review that stalls is how lessons get lost, so it shows on
//! the next pull request (`check`) and on the home page ([`overdue`]).

use jiff::civil::Date;

use crate::analysis::metrics::days_between;
use crate::config::TemplateConfig;
use crate::content::{PostMortem, Status};
use crate::diag::{Diagnostic, Rule};

/// How far past its review deadline a post-mortem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overdue {
    /// Days from the incident to `today`.
    pub days: i64,
    /// The severity's deadline, in days.
    pub deadline: u32,
}

impl Overdue {
    /// Days past the deadline (at least 1).
    pub fn days_over(self) -> i64 {
        self.days - i64::from(self.deadline)
    }
}

/// Whether `pm` is still open for review past its severity's deadline on
/// `today`. Severities without a deadline never are.
pub fn overdue(pm: &PostMortem, template: &TemplateConfig, today: Date) -> Option<Overdue> {
    if *pm.status == Status::Final {
        return None;
    }
    let deadline = *template.review_within_days.get(&pm.severity.name)?;
    let days = days_between(pm.date.value, today);
    (days > i64::from(deadline)).then_some(Overdue { days, deadline })
}

/// The warning for one post-mortem, dated by the same `today` as the site
/// (`SOURCE_DATE_EPOCH` pins it).
pub fn check(pm: &PostMortem, template: &TemplateConfig) -> Option<Diagnostic> {
    // A status, date or severity that is missing or invalid is already an
    // error, and its stand-in value says nothing about how long the review
    // has taken: a warning on it would only be noise.
    let stand_in = |key: &str, span: &crate::source::Span| {
        pm.is_invalid(key) || *span == pm.source.line_span(0)
    };
    if stand_in("status", &pm.status.span)
        || stand_in("date", &pm.date.span)
        || stand_in("severity", &pm.severity.span)
    {
        return None;
    }
    let late = overdue(pm, template, crate::analysis::today())?;
    let status = match *pm.status {
        Status::Draft => "a draft",
        _ => "in review",
    };
    Some(
        Diagnostic::warning(
            Rule::ReviewOverdue,
            format!(
                "this {} post-mortem is still {status} {} days after the incident; the team's deadline is {} day{}",
                pm.severity.name,
                late.days,
                late.deadline,
                if late.deadline == 1 { "" } else { "s" },
            ),
        )
        .at(&pm.source, pm.status.span.clone())
        .label(format!(
            "status is `{}`, {} day{} past the deadline",
            pm.status.as_str(),
            late.days_over(),
            if late.days_over() == 1 { "" } else { "s" },
        ))
        .help(format!(
            "finish the review and set `status = \"final\"`; the deadline is `[template] review_within_days` in hindsight.toml (\"{}\" = {})",
            pm.severity.name, late.deadline
        )),
    )
}
