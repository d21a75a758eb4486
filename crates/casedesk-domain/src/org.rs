//! Checks of organisation and intake events (units, staff, devices, roving sessions,
//! consultations) before they are written. Every writer (the desktop, the CLI, demonstration
//! data, imports of own work) calls `check_org`, so the rules live here once.
//!
//! What the domain cannot know by itself (whether a roving session exists, which unit the
//! station is) comes from the writer through `OrgFacts`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::{DomainError, Issue, Result};
use crate::event::OrgEvent;
use crate::reference;
use crate::validate::{self, ids};

/// Largest number of people one consultation entry may count (人次).
pub const MAX_CONSULTATION_PEOPLE: u32 = 1000;

/// A roving intake session as the station knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RovingFacts {
    pub ended: bool,
}

/// What the writer knows that an organisation event is checked against.
pub trait OrgFacts {
    /// The unit this station belongs to.
    fn own_unit(&self) -> &str;
    /// The roving session with this id, if the station knows it.
    fn roving_session(&self, id: Uuid) -> Result<Option<RovingFacts>>;
}

/// Trims the free-text fields of an organisation event and normalises phone numbers, as a
/// registration is normalised before it is written.
pub fn normalize_org(ev: &mut OrgEvent) {
    let trim = |s: &mut String| {
        let t = s.trim();
        if t.len() != s.len() {
            *s = t.to_owned();
        }
    };
    match ev {
        OrgEvent::UnitRegistered { code, name, parent, admin_code, .. } => {
            trim(code);
            trim(name);
            trim(admin_code);
            if let Some(p) = parent {
                trim(p);
            }
            if parent.as_deref().is_some_and(str::is_empty) {
                *parent = None;
            }
        }
        OrgEvent::StaffRegistered { name, phone, .. } => {
            trim(name);
            trim(phone);
            if let Ok(p) = ids::check_phone(phone) {
                *phone = p;
            }
        }
        OrgEvent::DeviceRegistered { code, name, .. } => {
            trim(code);
            trim(name);
        }
        OrgEvent::RovingStarted { place, team, note, .. } => {
            trim(place);
            trim(note);
            team.iter_mut().for_each(trim);
            team.retain(|t| !t.is_empty());
        }
        OrgEvent::RovingEnded { note, .. } => trim(note),
        OrgEvent::AuditRevealed { field, .. } => trim(field),
        OrgEvent::AuditExported { what, .. } => trim(what),
        OrgEvent::ConsultationRecorded { topic, category, .. } => {
            trim(topic);
            if let Some(c) = category {
                trim(c);
            }
            if category.as_deref().is_some_and(str::is_empty) {
                *category = None;
            }
        }
        OrgEvent::ReportSubmitted { period, note, .. } => {
            trim(period);
            trim(note);
        }
    }
}

/// Every problem of organisation event `ev`, written on `stream` at `now`, for a station that
/// knows `facts`. Call `normalize_org` first.
pub fn check_org(
    ev: &OrgEvent,
    stream: Uuid,
    now: DateTime<Utc>,
    facts: &dyn OrgFacts,
) -> Result<()> {
    let mut issues = Vec::new();
    let own = |issues: &mut Vec<Issue>, unit: &str| {
        if unit != facts.own_unit() {
            issues.push(Issue::with_arg("unit", "unit.not_own", unit));
        }
    };
    match ev {
        OrgEvent::UnitRegistered { code, name, parent, admin_code, .. } => {
            unit_code(&mut issues, "code", code);
            required(&mut issues, "name", name);
            validate::text_limit(&mut issues, "name", name, validate::MAX_NAME_CHARS);
            if let Some(p) = parent {
                unit_code(&mut issues, "parent", p);
                if p == code {
                    issues.push(Issue::new("parent", "unit.parent_self"));
                }
            }
            let six_digits =
                admin_code.len() == 6 && admin_code.bytes().all(|b| b.is_ascii_digit());
            if !admin_code.is_empty() && !six_digits {
                issues.push(Issue::new("admin_code", "admin_code.format"));
            }
        }
        OrgEvent::StaffRegistered { unit, name, roles, phone, .. } => {
            own(&mut issues, unit);
            required(&mut issues, "name", name);
            validate::text_limit(&mut issues, "name", name, validate::MAX_NAME_CHARS);
            if roles.is_empty() {
                issues.push(Issue::with_arg("roles", "count.min", 1));
            }
            if !phone.is_empty()
                && let Err(code) = ids::check_phone(phone)
            {
                issues.push(Issue::new("phone", code));
            }
        }
        OrgEvent::DeviceRegistered { unit, code, name } => {
            own(&mut issues, unit);
            device_code(&mut issues, "code", code);
            validate::text_limit(&mut issues, "name", name, validate::MAX_NAME_CHARS);
        }
        OrgEvent::RovingStarted { unit, place, team, note, .. } => {
            own(&mut issues, unit);
            required(&mut issues, "place", place);
            validate::text_limit(&mut issues, "place", place, validate::MAX_NAME_CHARS);
            for (i, t) in team.iter().enumerate() {
                validate::text_limit(
                    &mut issues,
                    &format!("team[{i}]"),
                    t,
                    validate::MAX_NAME_CHARS,
                );
            }
            validate::text_limit(&mut issues, "note", note, validate::MAX_TEXT_CHARS);
        }
        OrgEvent::RovingEnded { at, note } => {
            match facts.roving_session(stream)? {
                None => issues.push(Issue::with_arg("stream", "not_found", stream)),
                Some(r) if r.ended => issues.push(Issue::new("stream", "roving.ended")),
                Some(_) => {}
            }
            not_future(&mut issues, "at", *at, now);
            validate::text_limit(&mut issues, "note", note, validate::MAX_TEXT_CHARS);
        }
        OrgEvent::ConsultationRecorded {
            unit,
            at,
            topic,
            people,
            roving_session,
            category,
            ..
        } => {
            own(&mut issues, unit);
            required(&mut issues, "topic", topic);
            validate::text_limit(&mut issues, "topic", topic, validate::MAX_TEXT_CHARS);
            if !(1..=MAX_CONSULTATION_PEOPLE).contains(people) {
                issues.push(Issue::with_arg(
                    "people",
                    "range",
                    format!("1–{MAX_CONSULTATION_PEOPLE}"),
                ));
            }
            if let Some(c) = category
                && reference::category(c).is_none()
            {
                issues.push(Issue::with_arg("category", "unknown_code", c));
            }
            if let Some(r) = roving_session
                && facts.roving_session(*r)?.is_none()
            {
                issues.push(Issue::with_arg("roving_session", "not_found", r));
            }
            not_future(&mut issues, "at", *at, now);
        }
        OrgEvent::AuditRevealed { unit, field, at, .. } => {
            own(&mut issues, unit);
            if crate::mask::sensitive(field).is_none() {
                issues.push(Issue::with_arg("field", "reveal.not_masked", field));
            }
            not_future(&mut issues, "at", *at, now);
        }
        OrgEvent::AuditExported { unit, what, at, .. } => {
            own(&mut issues, unit);
            required(&mut issues, "what", what);
            validate::text_limit(&mut issues, "what", what, validate::MAX_NAME_CHARS);
            not_future(&mut issues, "at", *at, now);
        }
        OrgEvent::ReportSubmitted { unit, period, from, to, at, figures, note } => {
            own(&mut issues, unit);
            required(&mut issues, "period", period);
            validate::text_limit(&mut issues, "period", period, validate::MAX_NAME_CHARS);
            if from > to {
                issues.push(Issue::new("to", "date.before_start"));
            }
            if !figures.is_object() {
                issues.push(Issue::new("figures", "value.invalid"));
            }
            not_future(&mut issues, "at", *at, now);
            validate::text_limit(&mut issues, "note", note, validate::MAX_TEXT_CHARS);
        }
    }
    if issues.is_empty() { Ok(()) } else { Err(DomainError::Invalid(issues)) }
}

fn required(issues: &mut Vec<Issue>, path: &str, value: &str) {
    if value.trim().is_empty() {
        issues.push(Issue::new(path, "required"));
    }
}

fn not_future(issues: &mut Vec<Issue>, path: &str, at: DateTime<Utc>, now: DateTime<Utc>) {
    if at > now + validate::CLOCK_SKEW {
        issues.push(Issue::new(path, "date.future"));
    }
}

/// A unit code: letters, digits, `_`; at most 32 characters.
pub fn unit_code(issues: &mut Vec<Issue>, path: &str, code: &str) {
    if code.is_empty() {
        issues.push(Issue::new(path, "required"));
    } else if code.chars().count() > 32
        || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        issues.push(Issue::new(path, "unit.code_format"));
    }
}

/// A device code, the part of a case number between the year and the counter: letters and
/// digits only, at most 8.
pub fn device_code(issues: &mut Vec<Issue>, path: &str, code: &str) {
    if code.is_empty() {
        issues.push(Issue::new(path, "required"));
    } else if code.len() > 8 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        issues.push(Issue::new(path, "device.code_format"));
    }
}
