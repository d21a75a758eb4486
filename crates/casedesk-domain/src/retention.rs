//! Retention of personal data (PIPL Art.19, 47): a configurable number of days after a case
//! ends (closed, not accepted or voided), its personal fields are removed by a
//! `case.anonymized` event. Which fields are personal is decided here; how the removal keeps
//! the hash chain verifiable is `casedesk_proto::redact`.
//!
//! Removed: the complainants' names, ID documents, phones, contact persons, addresses and
//! villages; the respondents' contact persons and phones; and every free text (facts, requests,
//! notes, session records and attendees, agreement terms, feedback, reasons typed for a void),
//! where personal details end up. Kept: codes, dates, amounts, outcomes, units, the number of
//! complainants and households, languages and consents, so that every statistic counts the case
//! as before.

use casedesk_proto::Event;
use casedesk_proto::redact::{self, Redaction};
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use crate::case::CaseState;
use crate::error::Issue;
use crate::event::Anonymized;
use crate::types::Status;

/// Longest retention period that may be set (100 years).
pub const MAX_RETENTION_DAYS: u32 = 36_500;

const COMPLAINANT_FIELDS: &[&str] =
    &["name", "id_type", "id_number", "phones", "contact_person", "address", "village"];
const RESPONDENT_FIELDS: &[&str] = &["contact", "phone"];

/// The keys of `payload` (of an event of `kind`) that hold personal data, as paths.
pub fn personal_paths(kind: &str, payload: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut key = |path: String, v: &Value| {
        if crate::case::get_path(v, &path).is_some() {
            out.push(path);
        }
    };
    match kind {
        "case.registered" => {
            let count = |k: &str| payload.get(k).and_then(Value::as_array).map_or(0, Vec::len);
            for i in 0..count("complainants") {
                for f in COMPLAINANT_FIELDS {
                    key(format!("complainants[{i}].{f}"), payload);
                }
            }
            for i in 0..count("respondents") {
                for f in RESPONDENT_FIELDS {
                    key(format!("respondents[{i}].{f}"), payload);
                }
            }
            key("facts.content".into(), payload);
            key("request_text".into(), payload);
        }
        "case.edited" => {
            let edits = payload.get("edits").and_then(Value::as_array);
            for (i, e) in edits.into_iter().flatten().enumerate() {
                let field = e.get("field").and_then(Value::as_str).unwrap_or_default();
                if personal_field(field) {
                    key(format!("edits[{i}].value"), payload);
                }
            }
        }
        "case.session_scheduled" => key("note".into(), payload),
        "case.session_recorded" => {
            for f in ["attendees", "record", "interpreter"] {
                key(f.into(), payload);
            }
        }
        "case.agreement_recorded" => key("terms".into(), payload),
        "case.transfer_feedback" | "case.note_added" => key("text".into(), payload),
        "case.voided" => key("reason".into(), payload),
        "case.accepted"
        | "case.not_accepted"
        | "case.mediation_terminated"
        | "case.performance_confirmed"
        | "case.transferred"
        | "case.closed"
        | "case.followed_up" => key("note".into(), payload),
        _ => {}
    }
    out
}

/// Whether a corrected field (a path into the registration) holds personal data.
pub fn personal_field(field: &str) -> bool {
    let top = field.split(['.', '[']).next().unwrap_or("");
    match top {
        "complainants" | "request_text" => true,
        "facts" => field == "facts" || field.starts_with("facts.content"),
        "respondents" => {
            let leaf = field.rsplit('.').next().unwrap_or("");
            !field.contains('.') || RESPONDENT_FIELDS.contains(&leaf)
        }
        _ => false,
    }
}

/// The redaction of `event`, if it still holds personal data.
pub fn redaction(event: &Event) -> Option<Redaction> {
    let paths = personal_paths(&event.kind, &event.payload);
    if paths.is_empty() {
        return None;
    }
    let digest = redact::digest(&redact::redacted(&event.payload, &paths));
    Some(Redaction { event: event.id, hash: event.hash, paths, digest })
}

/// When the case ended, for its retention period: closed, not accepted, or voided.
pub fn ended_at(s: &CaseState) -> Option<DateTime<Utc>> {
    match s.status {
        Status::Closed => s.closure.as_ref().map(|c| c.at),
        Status::NotAccepted => s.not_accepted.as_ref().map(|d| d.at),
        Status::Voided => {
            s.timeline.iter().rev().find(|t| t.kind == "case.voided" && !t.anomaly).map(|t| t.at)
        }
        _ => None,
    }
}

/// When a case's retention period of `days` ends (`None` while the case is open).
pub fn due_at(s: &CaseState, days: u32) -> Option<DateTime<Utc>> {
    ended_at(s).map(|t| t + Duration::days(i64::from(days)))
}

/// The anonymisation of the case whose state is `s` and whose events are `events`, when its
/// retention period of `days` has ended by `now` and some event still holds personal data.
pub fn plan(s: &CaseState, events: &[Event], days: u32, now: DateTime<Utc>) -> Option<Anonymized> {
    if due_at(s, days)? > now {
        return None;
    }
    let redactions: Vec<Redaction> = events.iter().filter_map(redaction).collect();
    (!redactions.is_empty()).then_some(Anonymized { at: now, retention_days: days, redactions })
}

/// Problems of an anonymisation written here: before the case ended and its period ran out,
/// or naming nothing to remove.
pub fn check(s: &CaseState, a: &Anonymized) -> Vec<Issue> {
    let mut out = Vec::new();
    if a.retention_days > MAX_RETENTION_DAYS {
        out.push(Issue::with_arg("retention_days", "range", format!("0–{MAX_RETENTION_DAYS}")));
    }
    match due_at(s, a.retention_days) {
        Some(due) if due <= a.at => {}
        _ => out.push(Issue::new("at", "retention.not_due")),
    }
    if a.redactions.is_empty() {
        out.push(Issue::new("redactions", "retention.nothing"));
    }
    out
}
