//! Minimum necessary display (PIPL Art.6, 51): ID numbers and phone numbers of complainants are
//! masked wherever they are shown or leave the station (lists, search results, the case page,
//! documents for the other party, exports, reports) unless a permitted person reveals one, which
//! is recorded (`audit.revealed`). Every output path masks through this module, so the rule
//! lives once.
//!
//! - ID numbers keep the first 6 characters (the region code) and the last 4:
//!   `632801********0019`.
//! - Mobile numbers keep 3 + 4: `138****2345`; a landline keeps its area code and its last 4
//!   digits: `0977-***1234`.
//!
//! Respondents are businesses: their phone numbers are their public contact and are shown.

use serde_json::Value;

use crate::case::CaseState;
use crate::event::CaseRegistered;

/// The mask character.
pub const STAR: char = '*';

/// An ID number with all but the first 6 and last 4 characters masked (short document numbers
/// keep their first and last two).
pub fn id_number(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    let n = chars.len();
    let (head, tail) = match n {
        0..=4 => (0, 0),
        5..=9 => (1, 2),
        _ => (6, 4),
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < head || i >= n - tail { *c } else { STAR })
        .collect()
}

/// A phone number with its middle digits masked.
pub fn phone(s: &str) -> String {
    let s = s.trim();
    let digits = s.chars().filter(|c| is_digit(*c)).count();
    // A landline with its area code: keep the code before the first dash, and the last four.
    if let Some((area, rest)) = s.split_once('-') {
        return format!("{area}-{}", keep_last_digits(rest, 4));
    }
    if digits == 11 && s.starts_with('1') {
        let mut seen = 0;
        return s
            .chars()
            .map(|c| {
                if !is_digit(c) {
                    return c;
                }
                seen += 1;
                if (4..=7).contains(&seen) { STAR } else { c }
            })
            .collect();
    }
    keep_last_digits(s, if digits >= 7 { 4 } else { 0 })
}

/// A digit, or a digit masked already (masking a masked number changes nothing).
fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || c == STAR
}

fn keep_last_digits(s: &str, keep: usize) -> String {
    let total = s.chars().filter(|c| is_digit(*c)).count();
    let mut seen = 0;
    s.chars()
        .map(|c| {
            if !is_digit(c) {
                return c;
            }
            seen += 1;
            if seen + keep > total { c } else { STAR }
        })
        .collect()
}

/// What a path into a registration (indices written `[i]`) holds, if it is masked there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sensitive {
    IdNumber,
    Phone,
}

/// Whether the value at `path` (e.g. `complainants[0].phones[1]`) is masked, and as what.
pub fn sensitive(path: &str) -> Option<Sensitive> {
    let general = generalize(path);
    match general.as_str() {
        "complainants[].id_number" => Some(Sensitive::IdNumber),
        "complainants[].phones[]" => Some(Sensitive::Phone),
        _ => None,
    }
}

/// The path with every index emptied: `complainants[0].phones[1]` → `complainants[].phones[]`.
fn generalize(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

/// The masked form of `value` found at `path`.
pub fn masked(kind: Sensitive, value: &str) -> String {
    match kind {
        Sensitive::IdNumber => id_number(value),
        Sensitive::Phone => phone(value),
    }
}

/// Masks, inside `value` found at `path` of a registration (`""` for the registration itself),
/// every ID number and phone number.
pub fn json_at(path: &str, value: &mut Value) {
    match value {
        Value::String(s) => {
            if let Some(kind) = sensitive(path) {
                *s = masked(kind, s);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                json_at(&format!("{path}[{i}]"), v);
            }
        }
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                let sub = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                json_at(&sub, v);
            }
        }
        _ => {}
    }
}

/// Masks a registration's ID numbers and phone numbers.
pub fn registration(reg: &mut CaseRegistered) {
    for c in &mut reg.complainants {
        if let Some(n) = c.id_number.as_mut() {
            *n = id_number(n);
        }
        for p in &mut c.phones {
            *p = phone(p);
        }
    }
}

/// Masks a case's ID numbers and phone numbers everywhere the case page shows them: the
/// registration, the registration and the corrections in the timeline, competing corrections.
pub fn case(s: &mut CaseState) {
    registration(&mut s.reg);
    for t in &mut s.timeline {
        match t.kind.as_str() {
            "case.registered" => json_at("", &mut t.payload),
            "case.edited" => edits(&mut t.payload),
            _ => {}
        }
    }
    for c in &mut s.conflicts {
        for (_, v) in &mut c.candidates {
            json_at(&c.field, v);
        }
    }
}

/// Masks the values of a `case.edited` payload.
pub fn edits(payload: &mut Value) {
    let Some(list) = payload.get_mut("edits").and_then(Value::as_array_mut) else { return };
    for e in list {
        let Some(field) = e.get("field").and_then(Value::as_str).map(str::to_owned) else {
            continue;
        };
        if let Some(v) = e.get_mut("value") {
            json_at(&field, v);
        }
    }
}

/// The fields of a registration a permitted person may reveal: every complainant's ID number
/// and phone numbers that are not empty.
pub fn revealable(reg: &CaseRegistered) -> Vec<String> {
    let mut out = Vec::new();
    for (i, c) in reg.complainants.iter().enumerate() {
        if c.id_number.as_deref().is_some_and(|n| !n.trim().is_empty()) {
            out.push(format!("complainants[{i}].id_number"));
        }
        for (j, p) in c.phones.iter().enumerate() {
            if !p.trim().is_empty() {
                out.push(format!("complainants[{i}].phones[{j}]"));
            }
        }
    }
    out
}

/// The full value of a revealable field (see `revealable`).
pub fn reveal(reg: &CaseRegistered, field: &str) -> Option<String> {
    sensitive(field)?;
    let doc = serde_json::to_value(reg).ok()?;
    let v = crate::case::get_path(&doc, field)?.as_str()?;
    (!v.trim().is_empty()).then(|| v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(id_number("632801199001010019"), "632801********0019");
        assert_eq!(id_number("63280119900101X"), "632801*****101X");
        assert_eq!(id_number("E12345678"), "E******78");
        assert_eq!(id_number("123"), "***");
        assert_eq!(id_number(""), "");
        assert_eq!(phone("13812342345"), "138****2345");
        assert_eq!(phone("138 1234 2345"), "138 **** 2345");
        assert_eq!(phone("0977-8221234"), "0977-***1234");
        assert_eq!(phone("8221234"), "***1234");
        assert_eq!(phone("12345"), "*****");
        // Masking is idempotent: a masked number masks to itself.
        for s in ["13812342345", "0977-8221234", "632801199001010019"] {
            let once = if s.len() == 18 { id_number(s) } else { phone(s) };
            let twice = if s.len() == 18 { id_number(&once) } else { phone(&once) };
            assert_eq!(once, twice);
        }
    }

    #[test]
    fn paths() {
        assert_eq!(sensitive("complainants[0].id_number"), Some(Sensitive::IdNumber));
        assert_eq!(sensitive("complainants[12].phones[3]"), Some(Sensitive::Phone));
        assert_eq!(sensitive("complainants[0].name"), None);
        assert_eq!(sensitive("respondents[0].phone"), None);
        let mut v = serde_json::json!([{"name": "王", "phones": ["13812342345"],
                                        "id_number": "632801199001010019"}]);
        json_at("complainants", &mut v);
        assert_eq!(
            v,
            serde_json::json!([{"name": "王", "phones": ["138****2345"],
                                "id_number": "632801********0019"}])
        );
        let mut one = serde_json::json!("13812342345");
        json_at("complainants[1].phones[0]", &mut one);
        assert_eq!(one, "138****2345");
    }
}
