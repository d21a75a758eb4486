//! Deadlines: which clock runs for a case, and when it ends.
//!
//! The rule set is chosen by the case's mode and received date (`reference::RuleSet`):
//! - acceptance decision: 7 working days from receipt (Order 20 Art.14; Regulation Art.46(2));
//!   the association's own cases use a configurable internal limit (default 7 working days);
//! - mediation: 45 working days from acceptance under Order 20, 60 days under Order 121 and the
//!   Regulation (Art.46(3)); own cases configurable (default 60 days);
//! - a transfer's due date for feedback, and an agreement's performance deadline.
//!
//! Dates are the station's calendar days (Asia/Shanghai, UTC+8 with no daylight saving). A
//! deadline computed through a year with no holiday data is provisional.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::WorkCalendar;
use crate::case::CaseState;
use crate::reference::RuleSet;
use crate::types::{CaseType, Status, TransferKind};

/// The station's time zone: China Standard Time.
pub fn station_offset() -> FixedOffset {
    // 8 hours is inside FixedOffset's range of ±24 hours, so this is never None.
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The station's calendar date of an instant.
pub fn local_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&station_offset()).date_naive()
}

/// Days since 1970-01-01, as stored in `cases.deadline_day`.
pub fn day_number(d: NaiveDate) -> i64 {
    (d - NaiveDate::default()).num_days()
}

pub fn from_day_number(n: i64) -> NaiveDate {
    chrono::TimeDelta::try_days(n)
        .and_then(|d| NaiveDate::default().checked_add_signed(d))
        .unwrap_or(if n < 0 { NaiveDate::MIN } else { NaiveDate::MAX })
}

/// The association's own deadlines, kept in the station's settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OwnRules {
    pub accept_working_days: u32,
    pub mediation_days: u32,
    /// Count the mediation period in working days instead of calendar days.
    pub mediation_in_working_days: bool,
}

impl Default for OwnRules {
    fn default() -> OwnRules {
        OwnRules { accept_working_days: 7, mediation_days: 60, mediation_in_working_days: false }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum DeadlineKind {
    /// Decide on acceptance and tell the complainant.
    Acceptance,
    /// Mediation period; after it the mediation is to be terminated.
    Mediation,
    /// Feedback on a transfer is due.
    TransferFeedback,
    /// The respondent must perform the agreement.
    Performance,
}

impl DeadlineKind {
    pub fn code(self) -> &'static str {
        match self {
            DeadlineKind::Acceptance => "acceptance",
            DeadlineKind::Mediation => "mediation",
            DeadlineKind::TransferFeedback => "transfer_feedback",
            DeadlineKind::Performance => "performance",
        }
    }
    pub fn label(self, lang: crate::Lang) -> &'static str {
        match (self, lang) {
            (DeadlineKind::Acceptance, crate::Lang::Zh) => "受理审查期限",
            (DeadlineKind::Acceptance, crate::Lang::En) => "Acceptance decision",
            (DeadlineKind::Mediation, crate::Lang::Zh) => "调解期限",
            (DeadlineKind::Mediation, crate::Lang::En) => "Mediation period",
            (DeadlineKind::TransferFeedback, crate::Lang::Zh) => "转办反馈期限",
            (DeadlineKind::TransferFeedback, crate::Lang::En) => "Transfer feedback",
            (DeadlineKind::Performance, crate::Lang::Zh) => "协议履行期限",
            (DeadlineKind::Performance, crate::Lang::En) => "Agreement performance",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseDeadline {
    pub kind: DeadlineKind,
    pub date: NaiveDate,
    pub provisional: bool,
}

impl CaseDeadline {
    /// Overdue once the deadline day has passed (the period ends at 24:00, Civil Code Art.203).
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        today > self.date
    }
}

/// Every running deadline of a case, earliest first.
pub fn deadlines(s: &CaseState, cal: &WorkCalendar, own: &OwnRules) -> Vec<CaseDeadline> {
    let mut out = Vec::new();
    if !s.status.is_open() {
        return out;
    }
    let push = |out: &mut Vec<CaseDeadline>, kind, d: crate::calendar::Deadline| {
        out.push(CaseDeadline { kind, date: d.date, provisional: d.provisional })
    };
    match s.status {
        // A suggestion (and a consultation registered by an older version) waits for no
        // acceptance decision.
        Status::Registered
            if matches!(s.reg.case_type, CaseType::Consultation | CaseType::Suggestion) => {}
        Status::Registered => {
            // A case transferred down or up starts its acceptance clock at the new unit.
            let since = s
                .transfers
                .iter()
                .rev()
                .find(|t| matches!(t.transfer.kind, TransferKind::Down | TransferKind::Up))
                .map_or(s.reg.received_at, |t| t.at);
            let days = match s.rule_set {
                RuleSet::Order20 | RuleSet::Order121 => 7,
                RuleSet::Own => own.accept_working_days,
            };
            push(&mut out, DeadlineKind::Acceptance, cal.add_working_days(local_date(since), days));
        }
        Status::Accepted | Status::Mediating => {
            if let Some(d) = mediation_deadline(s, cal, own) {
                push(&mut out, DeadlineKind::Mediation, d);
            }
        }
        Status::Agreed => {
            if s.performance_confirmed_at.is_none()
                && let Some(due) = s.agreement.as_ref().and_then(|a| a.performance_due)
            {
                out.push(CaseDeadline {
                    kind: DeadlineKind::Performance,
                    date: due,
                    provisional: false,
                });
            }
        }
        _ => {}
    }
    for t in &s.transfers {
        if t.feedback.is_none()
            && let Some(due) = t.transfer.due
        {
            out.push(CaseDeadline {
                kind: DeadlineKind::TransferFeedback,
                date: due,
                provisional: false,
            });
        }
    }
    out.sort_by_key(|d| d.date);
    out
}

/// The end of the mediation period of an accepted case under its rule set (Order 20: 45
/// working days; Order 121: 60 days; own cases: the association's rules), counted from the
/// day of acceptance. `None` before acceptance.
pub fn mediation_deadline(
    s: &CaseState,
    cal: &WorkCalendar,
    own: &OwnRules,
) -> Option<crate::calendar::Deadline> {
    let start = local_date(s.accepted_at?);
    Some(match s.rule_set {
        RuleSet::Order20 => cal.add_working_days(start, 45),
        RuleSet::Order121 => cal.add_days(start, 60),
        RuleSet::Own if own.mediation_in_working_days => {
            cal.add_working_days(start, own.mediation_days)
        }
        RuleSet::Own => cal.add_days(start, own.mediation_days),
    })
}

/// Whether an accepted case was closed within its mediation period (按期办结): the day of
/// closure (station time) on or before the period's last day. `None` for a case that is not
/// closed or was never accepted.
pub fn closed_on_time(s: &CaseState, cal: &WorkCalendar, own: &OwnRules) -> Option<bool> {
    let closed = local_date(s.closure.as_ref()?.at);
    Some(closed <= mediation_deadline(s, cal, own)?.date)
}

/// The deadline a clerk must watch: the earliest running one.
pub fn next_deadline(s: &CaseState, cal: &WorkCalendar, own: &OwnRules) -> Option<CaseDeadline> {
    deadlines(s, cal, own).into_iter().next()
}
