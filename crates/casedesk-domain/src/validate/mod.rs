//! Validation of input: every problem at once, each with a field path and a message code.

pub mod ids;

use chrono::{DateTime, NaiveDate, Utc};

use crate::error::Issue;
use crate::event::{CaseRegistered, Complainant, Respondent};
use crate::reference;
use crate::types::{CaseType, IdType, Mode};

pub use casedesk_proto::limits::{MAX_NAME_CHARS, MAX_SHORT_CHARS, MAX_TEXT_CHARS};
const MAX_NAME: usize = MAX_NAME_CHARS;
const MAX_TEXT: usize = MAX_TEXT_CHARS;
const MAX_SHORT: usize = MAX_SHORT_CHARS;
/// 100 million yuan, in fen: larger amounts are typing errors.
const MAX_FEN: i64 = 10_000_000_000;

/// How far a device clock may run ahead before a time counts as "in the future".
const CLOCK_SLACK_SECS: i64 = 600;
/// The same allowance, as a duration.
pub const CLOCK_SKEW: chrono::TimeDelta = chrono::TimeDelta::seconds(CLOCK_SLACK_SECS);

/// Checks a new case. `now` is the current time; dates after it are refused.
pub fn validate_registration(reg: &CaseRegistered, now: DateTime<Utc>) -> Vec<Issue> {
    let mut out = Vec::new();
    let today = crate::deadline::local_date(now);
    let complaint = reg.case_type == CaseType::Complaint;
    let entrusted = reg.mode == Mode::Entrusted;

    if reg.case_type == CaseType::Consultation {
        // Consultations are counted in 人次 (`consultation.recorded`), not registered as cases:
        // they get no case number and wait for no acceptance decision.
        out.push(Issue::new("case_type", "case_type.consultation"));
    }
    if reg.received_at.timestamp() > now.timestamp() + CLOCK_SLACK_SECS {
        out.push(Issue::new("received_at", "date.future"));
    }
    if let Some(d) = reg.facts.occurred_on {
        if d > today {
            out.push(Issue::new("facts.occurred_on", "date.future"));
        } else if d > crate::deadline::local_date(reg.received_at) {
            out.push(Issue::new("received_at", "date.before_occurrence"));
        }
    }

    // Complainants: a complaint needs someone to answer to (Order 20 Art.9(1)); a report may be
    // anonymous; a consultation or suggestion needs no party.
    if complaint && reg.complainants.is_empty() {
        out.push(Issue::with_arg("complainants", "count.min", 1));
    }
    for (i, c) in reg.complainants.iter().enumerate() {
        complainant(&mut out, &format!("complainants[{i}]"), c, complaint, entrusted, today);
    }
    if entrusted && complaint && !reg.complainants.iter().any(|c| c.consents.entrust_mediation) {
        out.push(Issue::new(
            "complainants[0].consents.entrust_mediation",
            "consent.entrust_required",
        ));
    }

    // Collective complaints: households and representatives (2–5 in association practice; at most
    // two under SAMR's 共同投诉 rule).
    if let Some(col) = &reg.collective {
        if col.households < 2 {
            out.push(Issue::new("collective.households", "households.min"));
        }
        let reps = reg.complainants.iter().filter(|c| c.representative).count();
        let (lo, hi) = if entrusted { (1, 2) } else { (2, 5) };
        if reps < lo || reps > hi {
            out.push(Issue::with_arg(
                "collective.representatives",
                "representatives.count",
                format!("{lo}–{hi}"),
            ));
        }
    }

    if reg.collective.is_none() {
        for (i, c) in reg.complainants.iter().enumerate() {
            if c.representative {
                out.push(Issue::new(
                    format!("complainants[{i}].representative"),
                    "representative.not_collective",
                ));
            }
        }
    }

    // Respondents: one or two (CRPL Art.42: the licence holder is liable too).
    let needs_respondent = matches!(reg.case_type, CaseType::Complaint | CaseType::Report);
    if needs_respondent && reg.respondents.is_empty() {
        out.push(Issue::with_arg("respondents", "count.min", 1));
    }
    if reg.respondents.len() > 2 {
        out.push(Issue::with_arg("respondents", "count.max", 2));
    }
    for (i, r) in reg.respondents.iter().enumerate() {
        respondent(&mut out, &format!("respondents[{i}]"), r);
    }

    // Classification.
    match reg.category.as_deref() {
        None if complaint => out.push(Issue::new("category", "required")),
        None => {}
        Some(code) => match reference::category(code) {
            None => out.push(Issue::with_arg("category", "unknown_code", code)),
            Some(c) if !c.is_subject() => {
                out.push(Issue::new("category", "not_a_subject_category"))
            }
            Some(c) if c.group => out.push(Issue::new("category", "category.group")),
            Some(_) => {}
        },
    }
    match reg.nature.as_deref() {
        None if complaint => out.push(Issue::new("nature", "required")),
        None => {}
        Some(code) => match reference::category(code) {
            None => out.push(Issue::with_arg("nature", "unknown_code", code)),
            Some(c) if !c.is_nature() => out.push(Issue::new("nature", "not_a_nature")),
            Some(_) => {}
        },
    }

    // Facts and requests (Order 20 Art.9(3): 具体的投诉请求以及消费者权益争议事实).
    if reg.facts.content.trim().is_empty() {
        out.push(Issue::new("facts.content", "required"));
    }
    text(&mut out, "facts.content", &reg.facts.content, MAX_TEXT);
    text(&mut out, "facts.place", &reg.facts.place, MAX_SHORT);
    text(&mut out, "request_text", &reg.request_text, MAX_TEXT);
    // A complaint states what the consumer asks for by ticking at least one request (其他
    // with a description when none fits): the statistics count requests by kind.
    if complaint && reg.requests.is_empty() {
        out.push(Issue::new("requests", "required"));
    }
    amount(&mut out, "facts.amount_fen", reg.facts.amount_fen);
    amount(&mut out, "claim_fen", reg.claim_fen);
    out
}

fn complainant(
    out: &mut Vec<Issue>,
    path: &str,
    c: &Complainant,
    complaint: bool,
    entrusted: bool,
    today: NaiveDate,
) {
    if c.name.trim().is_empty() {
        out.push(Issue::new(format!("{path}.name"), "required"));
    }
    text(out, &format!("{path}.name"), &c.name, MAX_NAME);
    text(out, &format!("{path}.address"), &c.address, MAX_SHORT);
    text(out, &format!("{path}.village"), &c.village, MAX_SHORT);
    if complaint && c.phones.is_empty() && c.contact_person.trim().is_empty() {
        out.push(Issue::new(format!("{path}.phones"), "required"));
    }
    for (j, p) in c.phones.iter().enumerate() {
        if let Err(code) = ids::check_phone(p) {
            out.push(Issue::new(format!("{path}.phones[{j}]"), code));
        }
    }
    if complaint && c.address.trim().is_empty() && c.village.trim().is_empty() {
        out.push(Issue::new(format!("{path}.address"), "required"));
    }
    let number = c.id_number.as_deref().filter(|s| !s.trim().is_empty());
    // PIPL Art.29: the ID number is sensitive; without the complainant's consent to keep
    // personal information it is not stored (entrusted cases need both).
    if number.is_some() && !c.consents.personal_info {
        out.push(Issue::new(format!("{path}.id_number"), "consent.required_for_id"));
    }
    match (c.id_type, number) {
        (None, None) if entrusted && complaint => {
            out.push(Issue::new(format!("{path}.id_number"), "id.required"))
        }
        (_, None) if entrusted && complaint => {
            out.push(Issue::new(format!("{path}.id_number"), "id.required"))
        }
        (None, Some(_)) => out.push(Issue::new(format!("{path}.id_type"), "required")),
        (Some(t), Some(n)) => {
            if let Err(code) = check_id(t, n, today) {
                out.push(Issue::new(format!("{path}.id_number"), code));
            }
        }
        _ => {}
    }
}

/// Checks an identity document number of the given type.
pub fn check_id(t: IdType, n: &str, today: NaiveDate) -> Result<String, &'static str> {
    match t {
        IdType::ResidentId | IdType::HkMoTwResidence => ids::check_resident_id(n, today),
        IdType::ForeignPermanent => ids::check_foreign_permanent_id(n),
        IdType::Passport => ids::check_passport(n),
        IdType::Other => {
            let n = n.trim();
            if n.chars().count() > 40 { Err("id.length") } else { Ok(n.to_owned()) }
        }
    }
}

fn respondent(out: &mut Vec<Issue>, path: &str, r: &Respondent) {
    if r.name.trim().is_empty() {
        out.push(Issue::new(format!("{path}.name"), "required"));
    }
    text(out, &format!("{path}.name"), &r.name, MAX_SHORT);
    text(out, &format!("{path}.address"), &r.address, MAX_SHORT);
    if let Some(u) = r.uscc.as_deref().filter(|s| !s.trim().is_empty())
        && let Err(code) = ids::check_uscc(u)
    {
        out.push(Issue::new(format!("{path}.uscc"), code));
    }
    if let Some(n) = r.legacy_reg_no.as_deref().filter(|s| !s.trim().is_empty())
        && let Err(code) = ids::check_legacy_reg_no(n)
    {
        out.push(Issue::new(format!("{path}.legacy_reg_no"), code));
    }
    if !r.phone.trim().is_empty()
        && let Err(code) = ids::check_phone(&r.phone)
    {
        out.push(Issue::new(format!("{path}.phone"), code));
    }
}

/// Adds a `too_long` issue when `s` has more than `max` characters.
pub fn text_limit(out: &mut Vec<Issue>, path: &str, s: &str, max: usize) {
    text(out, path, s, max);
}

fn text(out: &mut Vec<Issue>, path: &str, s: &str, max: usize) {
    if s.chars().count() > max {
        out.push(Issue::with_arg(path, "too_long", max));
    }
}

fn amount(out: &mut Vec<Issue>, path: &str, fen: Option<i64>) {
    match fen {
        Some(v) if v < 0 => out.push(Issue::new(path, "amount.negative")),
        Some(v) if v > MAX_FEN => out.push(Issue::new(path, "amount.too_large")),
        _ => {}
    }
}

/// Normalises what validation accepted (upper-case X, 15→18-digit IDs, phone formats), so that
/// the stored registration holds one spelling of each number.
pub fn normalize_registration(reg: &mut CaseRegistered, today: NaiveDate) {
    for c in &mut reg.complainants {
        if let (Some(t), Some(n)) = (c.id_type, c.id_number.as_mut())
            && let Ok(norm) = check_id(t, n, today)
        {
            *n = norm;
        }
        for p in &mut c.phones {
            if let Ok(norm) = ids::check_phone(p) {
                *p = norm;
            }
        }
        c.name = c.name.trim().to_owned();
    }
    for r in &mut reg.respondents {
        if let Some(u) = r.uscc.as_mut()
            && let Ok(norm) = ids::check_uscc(u)
        {
            *u = norm;
        }
        if let Ok(norm) = ids::check_phone(&r.phone) {
            r.phone = norm;
        }
        r.name = r.name.trim().to_owned();
    }
}

/// Parses an amount in yuan ("1234.5", "1,234.50", "￥88") into fen.
pub fn parse_yuan(s: &str) -> Result<i64, &'static str> {
    let t: String =
        s.trim().trim_start_matches(['¥', '￥']).chars().filter(|c| *c != ',').collect();
    if t.is_empty() {
        return Err("amount.format");
    }
    if t.starts_with('-') {
        return Err("amount.negative");
    }
    let (int, frac) = t.split_once('.').unwrap_or((&t, ""));
    if int.is_empty() && frac.is_empty() || frac.len() > 2 {
        return Err("amount.format");
    }
    if !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
        return Err("amount.format");
    }
    let yuan: i64 = if int.is_empty() { 0 } else { int.parse().map_err(|_| "amount.too_large")? };
    let frac_fen: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| "amount.format")? * 10,
        _ => frac.parse().map_err(|_| "amount.format")?,
    };
    let fen =
        yuan.checked_mul(100).and_then(|v| v.checked_add(frac_fen)).ok_or("amount.too_large")?;
    if fen > MAX_FEN { Err("amount.too_large") } else { Ok(fen) }
}

/// Formats fen as yuan with two decimals.
pub fn format_yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let a = fen.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

#[cfg(test)]
mod tests;
