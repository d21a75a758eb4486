//! The unit hierarchy (一会两站: associations, branches, stations) as the hub knows it, read from
//! a CSV file (`code,name,kind,parent`) or a JSON array of objects with those fields. The whole
//! file is parsed and checked before anything is written.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::error::{HubError, Result};

/// Unit kinds, as `casedesk-domain` codes them (`UnitKind`).
pub const UNIT_KINDS: &[&str] = &["association", "branch", "liaison_station", "service_station"];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub code: String,
    pub name: String,
    pub kind: String,
    /// The unit above this one; `None` for the top of the hierarchy.
    #[serde(default)]
    pub parent: Option<String>,
}

/// Reads units from `text`: JSON when it starts with `[`, CSV with a header row otherwise.
/// Every unit is trimmed and checked; a parent must be in the file or, when `known` says so,
/// already held by the hub.
pub fn parse_units(text: &str, known: impl Fn(&str) -> bool) -> Result<Vec<Unit>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let raw: Vec<Unit> = if text.trim_start().starts_with('[') {
        serde_json::from_str(text).map_err(|e| HubError::Invalid(format!("units JSON: {e}")))?
    } else {
        parse_csv(text)?
    };
    let units: Vec<Unit> = raw.into_iter().map(normalize).collect();
    let mut codes = HashSet::new();
    for (i, u) in units.iter().enumerate() {
        let at = format!("unit {} ({:?})", i + 1, u.code);
        if u.code.is_empty() || u.code.len() > 64 || u.code.chars().any(char::is_whitespace) {
            return Err(HubError::Invalid(format!(
                "{at}: the code must be 1 to 64 characters without spaces"
            )));
        }
        if u.name.is_empty() {
            return Err(HubError::Invalid(format!("{at}: the name is empty")));
        }
        if !UNIT_KINDS.contains(&u.kind.as_str()) {
            return Err(HubError::Invalid(format!(
                "{at}: unknown kind {:?} (expected one of {})",
                u.kind,
                UNIT_KINDS.join(", ")
            )));
        }
        if u.parent.as_deref() == Some(u.code.as_str()) {
            return Err(HubError::Invalid(format!("{at}: a unit cannot be its own parent")));
        }
        if !codes.insert(u.code.as_str()) {
            return Err(HubError::Invalid(format!("{at}: the code appears twice")));
        }
    }
    for u in &units {
        if let Some(parent) = &u.parent
            && !codes.contains(parent.as_str())
            && !known(parent)
        {
            return Err(HubError::Invalid(format!(
                "unit {:?}: parent {parent:?} is neither in the file nor known to the hub",
                u.code
            )));
        }
    }
    Ok(units)
}

/// Every parent (of `parents`: unit code to parent code) is a known unit and no unit is its own
/// ancestor.
pub fn check_hierarchy(parents: &HashMap<String, Option<String>>) -> Result<()> {
    for (code, parent) in parents {
        let mut seen = BTreeSet::from([code.as_str()]);
        let mut next = parent.as_deref();
        while let Some(p) = next {
            if !seen.insert(p) {
                return Err(HubError::Invalid(format!("unit {code:?}: its parents form a loop")));
            }
            next = match parents.get(p) {
                Some(grand) => grand.as_deref(),
                None => {
                    return Err(HubError::Invalid(format!(
                        "unit {code:?}: parent {p:?} is not known to the hub"
                    )));
                }
            };
        }
    }
    Ok(())
}

fn parse_csv(text: &str) -> Result<Vec<Unit>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| HubError::Invalid(format!("units CSV: {e}")))?;
    let expected = ["code", "name", "kind", "parent"];
    let got: Vec<&str> = headers.iter().collect();
    if got.len() < 3 || got.iter().zip(expected).any(|(g, e)| !g.eq_ignore_ascii_case(e)) {
        return Err(HubError::Invalid(format!(
            "units CSV: the header must be code,name,kind,parent (got {})",
            got.join(",")
        )));
    }
    let mut units = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| HubError::Invalid(format!("units CSV: {e}")))?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        let field = |n: usize| record.get(n).unwrap_or("").to_owned();
        if record.len() > 4 {
            return Err(HubError::Invalid(format!("units CSV line {}: too many fields", i + 2)));
        }
        units.push(Unit { code: field(0), name: field(1), kind: field(2), parent: Some(field(3)) });
    }
    Ok(units)
}

fn normalize(u: Unit) -> Unit {
    Unit {
        code: u.code.trim().to_owned(),
        name: u.name.trim().to_owned(),
        kind: u.kind.trim().to_owned(),
        parent: u.parent.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_and_json_give_the_same_units() {
        let csv = "\u{feff}code,name,kind,parent\nHX,海西州消协,association,\n\
                   HX01, 德令哈站 ,liaison_station,HX\n\n";
        let json = r#"[{"code":"HX","name":"海西州消协","kind":"association","parent":null},
                       {"code":"HX01","name":"德令哈站","kind":"liaison_station","parent":"HX"}]"#;
        let a = parse_units(csv, |_| false).expect("csv");
        let b = parse_units(json, |_| false).expect("json");
        assert_eq!(a, b);
        assert_eq!(a[1].name, "德令哈站");
        assert_eq!(a[0].parent, None);
    }

    #[test]
    fn bad_files_are_refused_whole() {
        let unknown_parent = "code,name,kind,parent\nHX01,站,liaison_station,NOPE\n";
        assert!(parse_units(unknown_parent, |_| false).is_err());
        assert!(parse_units(unknown_parent, |c| c == "NOPE").is_ok());
        let bad_kind = "code,name,kind,parent\nHX,消协,club,\n";
        assert!(parse_units(bad_kind, |_| false).is_err());
        let twice = "code,name,kind,parent\nHX,a,association,\nHX,b,association,\n";
        assert!(parse_units(twice, |_| false).is_err());
        let bad_header = "id,name,kind,parent\nHX,a,association,\n";
        assert!(parse_units(bad_header, |_| false).is_err());
        let own_parent = "code,name,kind,parent\nHX,a,association,HX\n";
        assert!(parse_units(own_parent, |_| false).is_err());
    }
}
