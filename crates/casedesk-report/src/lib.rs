//! CaseDesk statistics, defined once. Every output — the `casedesk report`, `hotspots` and
//! `supervision` commands, the desktop's 统计 screen, the xlsx and CSV exports, the dashboard's
//! month figures — calls these definitions; `docs/statistics.md` says the counting rules in
//! words, and the tests compute them by hand.
//!
//! - `period`: months, quarters, half-years, years and date ranges; 同比 and 环比 periods.
//! - `figures`: the counting rules (`Figures`, who counts what, when and where).
//! - `report`: the report of a unit and every unit below it, breakdowns, comparisons, the case
//!   list behind each figure, submissions (报送) and the adjustments since.
//! - `hotspots`: weekly series and alerts (EARS C1–C3; repeated complaints about a respondent),
//!   with a draft 消费提示.
//! - `supervision`: per unit workload, rates, follow-up satisfaction, overdue cases, last
//!   activity, the demonstration-station checklist, and the remuneration export.
//! - `xlsx`: the CCA table layout and the other exports.
//!
//! Reads through `casedesk-store`'s query methods (`Store::scan_stat_cases` and friends); no
//! SQL here. Integers only (`num`): checked sums, basis points, 万元 with two decimals.

pub mod figures;
pub mod hotspots;
pub mod num;
pub mod period;
pub mod report;
pub mod supervision;
pub mod table;
pub mod xlsx;

#[cfg(test)]
mod tests;

pub use figures::{Derived, Figures};
pub use period::{Period, PeriodKind};
pub use report::{Report, report, submit};

use casedesk_domain::{DomainError, Issue, Lang};
use casedesk_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("not a period: {0}")]
    Period(String),
    #[error("unknown unit: {0}")]
    UnknownUnit(String),
    #[error("a sum does not fit in 64 bits")]
    Overflow,
    #[error("the submitted figures cannot be read")]
    Figures,
    #[error("cannot write the export: {0}")]
    Export(String),
}

pub type Result<T, E = ReportError> = std::result::Result<T, E>;

impl ReportError {
    /// The error as the core's, with a message code of `casedesk_domain::messages` (the CLI and
    /// the IPC layer show it like every other error).
    pub fn into_store(self) -> StoreError {
        let invalid = |path: &str, code: &str, arg: String| {
            StoreError::Domain(DomainError::Invalid(vec![Issue::with_arg(path, code, arg)]))
        };
        match self {
            ReportError::Store(e) => e,
            ReportError::Period(p) => invalid("period", "report.period", p),
            ReportError::UnknownUnit(u) => invalid("unit", "report.unit_unknown", u),
            ReportError::Figures => invalid("figures", "report.figures", String::new()),
            ReportError::Overflow => StoreError::integrity("a report sum does not fit in 64 bits"),
            ReportError::Export(e) => StoreError::Io(std::io::Error::other(e)),
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            ReportError::Store(e) => e.message(lang),
            ReportError::Period(p) => casedesk_domain::messages::text("report.period", lang, p),
            ReportError::UnknownUnit(u) => {
                casedesk_domain::messages::text("report.unit_unknown", lang, u)
            }
            e => e.to_string(),
        }
    }
}
