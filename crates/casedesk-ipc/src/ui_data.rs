//! Data the UI takes from Rust rather than copying it: the message table, the holiday calendar,
//! and the shapes of the data files made by running the real domain and store code (the
//! reference data, the fixtures of `ui/fixtures/` and the table of state-machine verdicts, see
//! `scenario`), which the browser-mode mock uses and is tested against.
//!
//! Each becomes a TypeScript module of `ui/src/bindings/` (`messages.ts`, `calendar.ts`,
//! `reference.ts`, `verdicts.ts`) typed by the ts-rs bindings, or a JSON file of `ui/fixtures/`;
//! `golden` keeps them fresh like the bindings.

use std::collections::BTreeMap;

use casedesk_domain::calendar::{self, DayKind, FIXED_STATUTORY_DAYS, WorkCalendar};
use casedesk_domain::case::CaseState;
use casedesk_domain::deadline::{CaseDeadline, OwnRules};
use casedesk_domain::event::{CaseEvent, CaseEventKind};
use casedesk_domain::messages::MESSAGES;
use casedesk_domain::types::{CaseType, Status};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::Dashboard;
use crate::bindings::GENERATED_NOTE;
use crate::error::IPC_MESSAGES;

/// The official holiday table (`casedesk-domain/data/holidays.csv`) as the mock counts with it:
/// the rule is `casedesk_domain::calendar::WorkCalendar::is_workday`.
#[derive(Clone, Debug, Serialize, TS)]
pub struct HolidayCalendar {
    /// Official days off (放假).
    pub off: Vec<NaiveDate>,
    /// Official makeup workdays (调休上班).
    pub makeup: Vec<NaiveDate>,
    /// Years with official data; a deadline counted through any other year is provisional.
    pub data_years: Vec<i32>,
    /// `MM-DD` of the fixed-date statutory holidays, days off in years without data.
    pub fixed_statutory_days: Vec<String>,
}

impl HolidayCalendar {
    pub fn builtin() -> HolidayCalendar {
        let entries = calendar::builtin_entries();
        let cal = WorkCalendar::new(&entries);
        let of = |kind| -> Vec<NaiveDate> {
            entries.iter().filter(|e| e.kind == kind).map(|e| e.date).collect()
        };
        let mut data_years: Vec<i32> = entries.iter().map(|e| e.date.year()).collect();
        data_years.dedup();
        data_years.retain(|y| cal.has_year(*y));
        HolidayCalendar {
            off: of(DayKind::Off),
            makeup: of(DayKind::Makeup),
            data_years,
            fixed_statutory_days: FIXED_STATUTORY_DAYS
                .iter()
                .map(|(m, d)| format!("{m:02}-{d:02}"))
                .collect(),
        }
    }
}

/// One problem `check` found, as the UI receives it (without the message).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct CheckIssue {
    pub path: String,
    pub code: String,
    pub arg: String,
}

/// Why `check` refused a command: the error's message code and the problems.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct Refusal {
    pub code: String,
    pub issues: Vec<CheckIssue>,
}

/// A case in a representative state, with what the state machine says about it.
#[derive(Clone, Debug, Serialize, TS)]
pub struct StateVerdicts {
    pub name: String,
    pub state: CaseState,
    /// `casedesk_domain::case::allows(state, kind)` for every kind of case event.
    pub allows: BTreeMap<CaseEventKind, bool>,
    /// `allowed_actions(state)`: what `CaseDetail.allowed` holds, in its order.
    pub allowed: Vec<CaseEventKind>,
    /// `deadline::deadlines(state, builtin calendar, own_rules)`.
    pub deadlines: Vec<CaseDeadline>,
}

/// A command given on a case of `states` and what `casedesk_domain::case::check` answered.
#[derive(Clone, Debug, Serialize, TS)]
pub struct CheckVerdict {
    /// What the command shows.
    pub name: String,
    /// The `name` of the state it is given in.
    pub state: String,
    pub event: CaseEvent,
    /// None: accepted.
    pub refused: Option<Refusal>,
}

/// What `casedesk_domain::case::allows` looks at in a case, and what it then allows. The mock
/// takes a case's allowed actions from this table instead of deciding them itself.
#[derive(Clone, Debug, Serialize, TS)]
pub struct Transition {
    pub status: Status,
    pub case_type: CaseType,
    /// `performance_confirmed_at` is set.
    pub performance_confirmed: bool,
    /// Some transfer has no feedback yet.
    pub open_transfer: bool,
    /// `allowed_actions`, in its order.
    pub allowed: Vec<CaseEventKind>,
}

/// A deadline counted by `WorkCalendar::add_working_days` (working) or `add_days`.
#[derive(Clone, Debug, Serialize, TS)]
pub struct DayRule {
    pub start: NaiveDate,
    pub days: u32,
    pub working: bool,
    pub date: NaiveDate,
    pub provisional: bool,
}

/// The state machine's verdicts, for the mock's `domain.ts` to be tested against.
#[derive(Clone, Debug, Serialize, TS)]
pub struct VerdictTable {
    /// The time `check` ran at.
    pub now: DateTime<Utc>,
    pub own_rules: OwnRules,
    pub states: Vec<StateVerdicts>,
    pub checks: Vec<CheckVerdict>,
    pub days: Vec<DayRule>,
}

/// `ui/fixtures/desk.json`: every case of the fixture station and its home screen at `now`.
#[derive(Clone, Debug, Serialize, TS)]
pub struct DeskFixture {
    pub now: DateTime<Utc>,
    pub unit: String,
    pub cases: Vec<CaseState>,
    pub dashboard: Dashboard,
}

/// A TypeScript module that exports `value` as `name: ty`, where `ty` is a type of `./index`
/// or an array of one (`Array<Transition>`).
pub fn data_module(doc: &str, name: &str, ty: &str, value: &impl Serialize) -> String {
    let json = serde_json::to_string_pretty(value).expect("data serializes");
    let import = ty.strip_prefix("Array<").and_then(|t| t.strip_suffix('>')).unwrap_or(ty);
    format!(
        "{GENERATED_NOTE}import type {{ {import} }} from \"./index\";\n\n/** {doc} */\nexport const {name}: {ty} = {json};\n"
    )
}

/// `ui/src/bindings/messages.ts`: every message code of the domain and of the shell, with its
/// texts. The UI translates every error and issue code from it.
pub fn messages_ts() -> String {
    let mut json = String::from("{\n");
    let all = MESSAGES.iter().chain(IPC_MESSAGES);
    let lines: Vec<String> = all
        .map(|(code, zh, en)| {
            let q = |s: &str| serde_json::to_string(s).expect("strings serialize");
            format!("  {}: {{ zh: {}, en: {} }}", q(code), q(zh), q(en))
        })
        .collect();
    json.push_str(&lines.join(",\n"));
    json.push_str(",\n}");
    format!(
        "{GENERATED_NOTE}\
         // From casedesk_domain::messages::MESSAGES and casedesk_ipc::error::IPC_MESSAGES.\n\n\
         /** Every message code with its Chinese and English text; `{{0}}` is the message's argument. */\n\
         export const MESSAGES = {json} as const satisfies Record<string, {{ readonly zh: string; readonly en: string }}>;\n\n\
         export type MessageCode = keyof typeof MESSAGES;\n"
    )
}

/// `ui/src/bindings/calendar.ts`.
pub fn calendar_ts() -> String {
    data_module(
        "The official holiday table of casedesk-domain (data/holidays.csv) and the fallback rule's days.",
        "CALENDAR",
        "HolidayCalendar",
        &HolidayCalendar::builtin(),
    )
}

/// `ui/src/bindings/limits.data.ts`: the limits the UI checks before it sends anything
/// (`casedesk_proto::limits`), so the UI's copy can never drift from the store's and the hub's.
pub fn limits_ts() -> String {
    use casedesk_proto::limits;
    format!(
        "{GENERATED_NOTE}// From casedesk_proto::limits.\n\n\
         /** Largest file (evidence, a scan, an issued document's PDF) a station takes, in bytes. */\n\
         export const MAX_BLOB_BYTES = {};\n\n\
         /** Most files attached to one case. */\n\
         export const MAX_EVIDENCE_PER_CASE = {};\n",
        limits::MAX_BLOB_BYTES,
        limits::MAX_EVIDENCE_PER_CASE,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_has_the_shipped_years() {
        let c = HolidayCalendar::builtin();
        assert_eq!(c.data_years, [2025, 2026]);
        assert!(c.off.contains(&NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()));
        assert!(c.makeup.contains(&NaiveDate::from_ymd_opt(2026, 10, 10).unwrap()));
        assert_eq!(c.fixed_statutory_days[0], "01-01");
    }

    #[test]
    fn every_message_is_exported() {
        let ts = messages_ts();
        for (code, zh, _) in MESSAGES.iter().chain(IPC_MESSAGES) {
            assert!(
                ts.contains(&format!("\"{code}\": {{ zh: {}", serde_json::json!(zh))),
                "{code}"
            );
        }
    }
}
