//! Lists and search over the projections: filters, keyset pagination, two sort orders.
//!
//! - Without search text, rows are sorted by received time (newest first) or by next deadline
//!   (earliest first), and the cursor is the last row's (sort key, rowid).
//! - With search text of three or more characters the FTS5 trigram index finds the cases; with
//!   one or two characters (手机, 王) `case_text` is scanned with LIKE, newest first, stopping at
//!   the page size. Search results are ordered newest registration at this station first, and
//!   the cursor is the rowid.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::ToSql;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Store;
use casedesk_domain::Issue;
use casedesk_domain::deadline::{self, from_day_number};
use casedesk_domain::types::{CaseType, Channel, Outcome, Status, SubjectKind, TransferKind};

use crate::error::{Result, StoreError};
use crate::project::{self, spaced};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Sort {
    #[default]
    Received,
    Deadline,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct ListQuery {
    pub text: Option<String>,
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub status: Vec<Status>,
    pub case_type: Option<CaseType>,
    /// A category code; also matches its sub-categories.
    pub category: Option<String>,
    pub nature: Option<String>,
    /// Handling unit code.
    pub unit: Option<String>,
    pub channel: Option<Channel>,
    pub received_from: Option<NaiveDate>,
    pub received_to: Option<NaiveDate>,
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub overdue: bool,
    /// Only cases whose next deadline is today or within this many days (not overdue).
    pub due_within_days: Option<u32>,
    pub collective: Option<bool>,
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub sort: Sort,
    pub after: Option<String>,
    pub limit: u32,
    // The filters below let every figure of a report open as the list of its cases
    // (`casedesk-report` makes the query of each figure). Dates are station days, inclusive.
    pub accepted_from: Option<NaiveDate>,
    pub accepted_to: Option<NaiveDate>,
    pub closed_from: Option<NaiveDate>,
    pub closed_to: Option<NaiveDate>,
    /// Outcome of the closure (any of).
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub outcomes: Vec<Outcome>,
    /// Handling units (any of), beside `unit`.
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub units: Vec<String>,
    /// Receiving units (any of): the unit that registered the case.
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub receiving_units: Vec<String>,
    /// With (true) or without (false) punitive damages (加倍赔偿).
    pub doubled: Option<bool>,
    /// Closed within (true) or after (false) the mediation period.
    pub on_time: Option<bool>,
    /// 商品类 / 服务类 / 其他类 of the category.
    pub subject: Option<SubjectKind>,
    /// A respondent's name, exactly.
    pub respondent: Option<String>,
    /// The place of the dispute starts with this.
    pub place: Option<String>,
    /// Cases with a transfer of one of these kinds (with the three fields below, the same
    /// transfer).
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub transfer_kinds: Vec<TransferKind>,
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub transfer_from_units: Vec<String>,
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub transfer_to_units: Vec<String>,
    pub transferred_from: Option<NaiveDate>,
    pub transferred_to: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeadlineView {
    #[cfg_attr(feature = "ts", ts(as = "casedesk_domain::deadline::DeadlineKind"))]
    pub kind: String,
    pub date: NaiveDate,
    pub provisional: bool,
    pub overdue: bool,
    /// Calendar days left (negative when overdue).
    pub days_left: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseRow {
    pub id: Uuid,
    pub no: String,
    #[cfg_attr(feature = "ts", ts(as = "CaseType"))]
    pub case_type: String,
    #[cfg_attr(feature = "ts", ts(as = "casedesk_domain::types::Mode"))]
    pub mode: String,
    #[cfg_attr(feature = "ts", ts(as = "Status"))]
    pub status: String,
    #[cfg_attr(feature = "ts", ts(as = "Channel"))]
    pub channel: String,
    pub received_at: DateTime<Utc>,
    pub unit: String,
    pub category: Option<String>,
    pub nature: Option<String>,
    pub collective: bool,
    pub households: Option<u32>,
    /// The person the case is listed under: the first representative of a collective
    /// complaint, otherwise the first complainant ("" when there is none).
    pub complainant: String,
    /// How many complainants the case has.
    pub complainants: u32,
    /// The phone number of the person the case is listed under, masked (`138****2345`).
    pub phone: Option<String>,
    /// The respondents' names.
    pub respondents: Vec<String>,
    pub claim_fen: Option<i64>,
    pub recovered_fen: i64,
    #[cfg_attr(feature = "ts", ts(as = "Option<casedesk_domain::types::Outcome>"))]
    pub outcome: Option<String>,
    pub deadline: Option<DeadlineView>,
    /// 1: an event arrived that did not fit the case's state; 2: unresolved edit conflict.
    pub flags: i64,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Page {
    pub rows: Vec<CaseRow>,
    /// Pass as `after` to get the next page; None on the last page.
    pub next: Option<String>,
}

const ROW_COLUMNS: &str =
    "c.rowid, c.id, c.no, c.case_type, c.mode, c.status, c.channel, c.received_at,
    c.unit, c.category, c.nature, c.collective, c.households, c.complainant, c.respondents,
    c.claim_fen, c.recovered_fen, c.outcome, c.deadline_kind, c.deadline_day,
    c.deadline_provisional, c.flags, c.complainants, c.phone";

pub const MAX_LIMIT: u32 = 500;

fn day_start_ms(d: NaiveDate) -> i64 {
    let t = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    t.and_local_timezone(deadline::station_offset()).single().map_or(0, |t| t.timestamp_millis())
}

fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('%');
    for ch in s.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

/// The words of a search, in order: split at spaces, with runs of words made only of digits
/// joined (a phone number typed in groups, 138 9771 2345), lower-cased.
fn search_terms(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let digits = |w: &str| w.chars().all(|c| c.is_ascii_digit());
    let mut last_digits = false;
    for w in text.split_whitespace() {
        let w = w.to_lowercase();
        if digits(&w) && last_digits {
            if let Some(prev) = out.last_mut() {
                prev.push_str(&w);
            }
            continue;
        }
        last_digits = digits(&w);
        if !out.contains(&w) {
            out.push(w);
        } else {
            last_digits = false;
        }
    }
    out
}

/// A phrase query for FTS5: the text quoted, inner quotes doubled.
fn fts_phrase(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The parts of a list query: tables, conditions with their arguments, order.
pub(crate) struct Plan {
    pub(crate) from: &'static str,
    conds: Vec<String>,
    args: Vec<Box<dyn ToSql>>,
    pub(crate) order: &'static str,
    /// Search text present: the cursor is the rowid alone.
    text: bool,
}

impl Plan {
    pub(crate) fn where_(&self) -> String {
        if self.conds.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.conds.join(" AND "))
        }
    }
    pub(crate) fn params(&self) -> Vec<&dyn ToSql> {
        self.args.iter().map(|b| b.as_ref()).collect()
    }
}

impl Store {
    /// One page of cases matching `q`.
    pub fn list(&self, q: &ListQuery) -> Result<Page> {
        let today = deadline::local_date(self.now());
        let limit = q.limit.clamp(1, MAX_LIMIT);
        let plan = self.plan(q, today)?;
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM {} {} ORDER BY {} LIMIT {}",
            plan.from,
            plan.where_(),
            plan.order,
            limit + 1
        );
        let mut stmt = self.connection().prepare_cached(&sql)?;
        let mut rows = stmt.query(plan.params().as_slice())?;
        let mut out = Vec::new();
        let mut keys = Vec::new();
        while let Some(r) = rows.next()? {
            let rowid: i64 = r.get(0)?;
            let (row, received_ms, deadline_day) = case_row(r, today)?;
            let key = match q.sort {
                Sort::Received => received_ms,
                Sort::Deadline => deadline_day.unwrap_or(i64::MAX),
            };
            keys.push((key, rowid));
            out.push(row);
        }
        let next = if out.len() > limit as usize {
            out.truncate(limit as usize);
            let (key, rowid) = keys[limit as usize - 1];
            Some(if plan.text { rowid.to_string() } else { format!("{key}:{rowid}") })
        } else {
            None
        };
        Ok(Page { rows: out, next })
    }

    /// How many cases match `q` (its cursor and limit aside): one `count(*)` over the same
    /// tables and conditions as the pages.
    pub fn count(&self, q: &ListQuery) -> Result<u64> {
        let today = deadline::local_date(self.now());
        let q = ListQuery { after: None, ..q.clone() };
        let plan = self.plan(&q, today)?;
        let sql = format!("SELECT count(*) FROM {} {}", plan.from, plan.where_());
        let mut stmt = self.connection().prepare_cached(&sql)?;
        let n: i64 = stmt.query_row(plan.params().as_slice(), |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// The SQL plan of a list query (shared by `list` and `count`; tests read its query plan).
    pub(crate) fn plan(&self, q: &ListQuery, today: NaiveDate) -> Result<Plan> {
        let mut conds: Vec<String> = Vec::new();
        let mut args: Vec<Box<dyn ToSql>> = Vec::new();
        let arg = |args: &mut Vec<Box<dyn ToSql>>, v: Box<dyn ToSql>| {
            args.push(v);
            format!("?{}", args.len())
        };

        if !q.status.is_empty() {
            let ps: Vec<String> =
                q.status.iter().map(|s| arg(&mut args, Box::new(s.code().to_owned()))).collect();
            conds.push(format!("c.status IN ({})", ps.join(",")));
        }
        if let Some(t) = q.case_type {
            conds.push(format!("c.case_type = {}", arg(&mut args, Box::new(t.code().to_owned()))));
        }
        if let Some(cat) = q.category.as_deref().filter(|s| !s.is_empty()) {
            // The code and its sub-codes ("CCA-G01", "CCA-G01-01", ...) form one range; '~' sorts
            // after every character used in codes.
            let a = arg(&mut args, Box::new(cat.to_owned()));
            let b = arg(&mut args, Box::new(format!("{cat}-~")));
            conds.push(format!("c.category BETWEEN {a} AND {b}"));
        }
        if let Some(n) = q.nature.as_deref().filter(|s| !s.is_empty()) {
            conds.push(format!("c.nature = {}", arg(&mut args, Box::new(n.to_owned()))));
        }
        if let Some(u) = q.unit.as_deref().filter(|s| !s.is_empty()) {
            conds.push(format!("c.unit = {}", arg(&mut args, Box::new(u.to_owned()))));
        }
        if let Some(ch) = q.channel {
            conds.push(format!("c.channel = {}", arg(&mut args, Box::new(ch.code().to_owned()))));
        }
        if let Some(d) = q.received_from {
            conds.push(format!("c.received_at >= {}", arg(&mut args, Box::new(day_start_ms(d)))));
        }
        if let Some(d) = q.received_to {
            let end = day_start_ms(d.succ_opt().unwrap_or(d));
            conds.push(format!("c.received_at < {}", arg(&mut args, Box::new(end))));
        }
        if q.overdue {
            let t = deadline::day_number(today);
            conds.push(format!("c.deadline_day < {}", arg(&mut args, Box::new(t))));
        }
        if let Some(n) = q.due_within_days {
            let t = deadline::day_number(today);
            conds.push(format!("c.deadline_day >= {}", arg(&mut args, Box::new(t))));
            conds.push(format!("c.deadline_day <= {}", arg(&mut args, Box::new(t + i64::from(n)))));
        }
        let window = |conds: &mut Vec<String>,
                      args: &mut Vec<Box<dyn ToSql>>,
                      col: &str,
                      from: Option<NaiveDate>,
                      to: Option<NaiveDate>| {
            if let Some(d) = from {
                conds.push(format!("{col} >= {}", arg(args, Box::new(day_start_ms(d)))));
            }
            if let Some(d) = to {
                let end = day_start_ms(d.succ_opt().unwrap_or(d));
                conds.push(format!("{col} < {}", arg(args, Box::new(end))));
            }
        };
        window(&mut conds, &mut args, "c.accepted_at", q.accepted_from, q.accepted_to);
        window(&mut conds, &mut args, "c.closed_at", q.closed_from, q.closed_to);
        let any_of = |conds: &mut Vec<String>,
                      args: &mut Vec<Box<dyn ToSql>>,
                      col: &str,
                      values: Vec<String>| {
            if !values.is_empty() {
                let ps: Vec<String> = values.into_iter().map(|v| arg(args, Box::new(v))).collect();
                conds.push(format!("{col} IN ({})", ps.join(",")));
            }
        };
        let codes = |v: &[Outcome]| v.iter().map(|o| o.code().to_owned()).collect();
        any_of(&mut conds, &mut args, "c.outcome", codes(&q.outcomes));
        any_of(&mut conds, &mut args, "c.unit", q.units.clone());
        any_of(&mut conds, &mut args, "c.receiving_unit", q.receiving_units.clone());
        if let Some(d) = q.doubled {
            conds.push(if d { "c.doubled_fen > 0" } else { "c.doubled_fen = 0" }.into());
        }
        if let Some(t) = q.on_time {
            conds.push(format!("c.on_time = {}", i32::from(t)));
        }
        const GOODS: &str = "(c.category >= 'CCA-G' AND c.category < 'CCA-H')";
        const SERVICE: &str = "(c.category >= 'CCA-S' AND c.category < 'CCA-T')";
        match q.subject {
            Some(SubjectKind::Goods) => conds.push(GOODS.into()),
            Some(SubjectKind::Service) => conds.push(SERVICE.into()),
            Some(SubjectKind::Other) => {
                conds.push(format!("(c.category IS NULL OR NOT ({GOODS} OR {SERVICE}))"))
            }
            None => {}
        }
        if let Some(name) = q.respondent.as_deref().filter(|s| !s.is_empty()) {
            let a = arg(&mut args, Box::new(name.to_owned()));
            conds.push(format!(
                "EXISTS (SELECT 1 FROM parties p WHERE p.case_rowid = c.rowid AND p.role = 'r' AND p.name = {a})"
            ));
        }
        if let Some(place) = q.place.as_deref().filter(|s| !s.is_empty()) {
            let a = arg(&mut args, Box::new(place.to_owned()));
            conds.push(format!("substr(c.place, 1, length({a})) = {a}"));
        }
        let transfer = !q.transfer_kinds.is_empty()
            || !q.transfer_from_units.is_empty()
            || !q.transfer_to_units.is_empty()
            || q.transferred_from.is_some()
            || q.transferred_to.is_some();
        if transfer {
            let mut tc = vec!["t.case_rowid = c.rowid".to_owned()];
            let kinds = q.transfer_kinds.iter().map(|k| k.code().to_owned()).collect();
            any_of(&mut tc, &mut args, "t.kind", kinds);
            any_of(&mut tc, &mut args, "t.from_unit", q.transfer_from_units.clone());
            any_of(&mut tc, &mut args, "t.to_unit", q.transfer_to_units.clone());
            window(&mut tc, &mut args, "t.at", q.transferred_from, q.transferred_to);
            conds.push(format!("EXISTS (SELECT 1 FROM transfers t WHERE {})", tc.join(" AND ")));
        }
        if let Some(col) = q.collective {
            // A literal, so that the partial index on collective cases can serve the query.
            conds.push(format!("c.collective = {}", i32::from(col)));
        }

        let text = q.text.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let cursor_err = || StoreError::invalid(vec![Issue::new("after", "json.invalid")]);
        let (from, order) = match text {
            Some(t) => {
                // Words separated by spaces must all match, in any order. Words of three or more
                // characters use the trigram index; shorter ones the index of single characters
                // when no longer word drives the query, else a LIKE on the rows it finds.
                let mut terms = search_terms(t);
                // A whole ID number or phone number of a complainant is found through
                // `case_ids` (they are not in the text indexes, see `project::search_text`).
                let ids: Vec<String> = terms
                    .iter()
                    .filter(|w| looks_like_identifier(w))
                    .map(|w| project::identifier_key(w))
                    .collect();
                terms.retain(|w| !looks_like_identifier(w));
                for v in &ids {
                    let a = arg(&mut args, Box::new(v.clone()));
                    conds.push(format!(
                        "c.rowid IN (SELECT case_rowid FROM case_ids WHERE value = {a})"
                    ));
                }
                let (long, short): (Vec<&String>, Vec<&String>) =
                    terms.iter().partition(|w| w.chars().count() >= 3);
                // The search table drives the query; its rowid is the case's rowid. CROSS JOIN
                // keeps it outermost: SQLite 3.54's planner otherwise scans `cases` and sorts
                // everything (48 ms instead of 1.5 ms for a two-character term at 100,000 cases).
                if let Some(after) = &q.after {
                    let rowid: i64 = after.parse().map_err(|_| cursor_err())?;
                    let col = if terms.is_empty() { "c.rowid" } else { "f.rowid" };
                    conds.push(format!("{col} < {}", arg(&mut args, Box::new(rowid))));
                }
                if terms.is_empty() {
                    ("cases c", "c.rowid DESC")
                } else if long.is_empty() {
                    let phrases: Vec<String> =
                        short.iter().map(|w| fts_phrase(&spaced(w))).collect();
                    let m = arg(&mut args, Box::new(phrases.join(" AND ")));
                    conds.push(format!("f.case_chars MATCH {m}"));
                    ("case_chars f CROSS JOIN cases c ON c.rowid = f.rowid", "f.rowid DESC")
                } else {
                    let phrases: Vec<String> = long.iter().map(|w| fts_phrase(w)).collect();
                    let m = arg(&mut args, Box::new(phrases.join(" AND ")));
                    conds.push(format!("f.case_fts MATCH {m}"));
                    if short.is_empty() {
                        // Ordering by the FTS table's own rowid lets FTS5 hand matches over
                        // newest first and stop at the page size, however common the phrase.
                        ("case_fts f CROSS JOIN cases c ON c.rowid = f.rowid", "f.rowid DESC")
                    } else {
                        for w in &short {
                            let m = arg(&mut args, Box::new(escape_like(w)));
                            conds.push(format!("t.text LIKE {m} ESCAPE '\\'"));
                        }
                        (
                            "case_fts f CROSS JOIN case_text t ON t.rowid = f.rowid CROSS JOIN cases c ON c.rowid = f.rowid",
                            "f.rowid DESC",
                        )
                    }
                }
            }
            None => match q.sort {
                Sort::Received => {
                    if let Some(after) = &q.after {
                        let (k, r) = parse_cursor(after).ok_or_else(cursor_err)?;
                        let (a, b) = (arg(&mut args, Box::new(k)), arg(&mut args, Box::new(r)));
                        conds.push(format!("(c.received_at, c.rowid) < ({a}, {b})"));
                    }
                    ("cases c", "c.received_at DESC, c.rowid DESC")
                }
                Sort::Deadline => {
                    conds.push("c.deadline_day IS NOT NULL".into());
                    if let Some(after) = &q.after {
                        let (k, r) = parse_cursor(after).ok_or_else(cursor_err)?;
                        let (a, b) = (arg(&mut args, Box::new(k)), arg(&mut args, Box::new(r)));
                        conds.push(format!("(c.deadline_day, c.rowid) > ({a}, {b})"));
                    }
                    ("cases c", "c.deadline_day ASC, c.rowid ASC")
                }
            },
        };
        Ok(Plan { from, conds, args, order, text: text.is_some() })
    }
}

/// Whether a search word is a whole ID number (15 or 18 characters, digits and a check
/// character) or phone number (a mobile number, or a landline of 7 digits or more with its
/// dash): such words are looked up whole.
fn looks_like_identifier(w: &str) -> bool {
    let key = project::identifier_key(w);
    let digits = key.chars().filter(char::is_ascii_digit).count();
    let id = (key.len() == 18 || key.len() == 15)
        && digits + usize::from(key.ends_with('X')) == key.len();
    let phone = digits == key.len()
        && w.chars().all(|c| c.is_ascii_digit() || c == '-')
        && ((key.len() == 11 && key.starts_with('1'))
            || (key.starts_with('0') && (10..=12).contains(&key.len())));
    id || phone
}

fn parse_cursor(s: &str) -> Option<(i64, i64)> {
    let (a, b) = s.split_once(':')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// Reads a row selected with `ROW_COLUMNS`; returns it with its received time and deadline day
/// (the sort keys of the cursor).
fn case_row(r: &rusqlite::Row<'_>, today: NaiveDate) -> Result<(CaseRow, i64, Option<i64>)> {
    let id: Vec<u8> = r.get(1)?;
    let received: i64 = r.get(7)?;
    let kind: Option<String> = r.get(18)?;
    let day: Option<i64> = r.get(19)?;
    let deadline = match (kind, day) {
        (Some(kind), Some(day)) => {
            let date = from_day_number(day);
            Some(DeadlineView {
                kind,
                date,
                provisional: r.get(20)?,
                overdue: today > date,
                days_left: (date - today).num_days(),
            })
        }
        _ => None,
    };
    let row = CaseRow {
        id: Uuid::from_slice(&id).map_err(|e| StoreError::integrity(e.to_string()))?,
        no: r.get(2)?,
        case_type: r.get(3)?,
        mode: r.get(4)?,
        status: r.get(5)?,
        channel: r.get(6)?,
        received_at: DateTime::from_timestamp_millis(received).unwrap_or_default(),
        unit: r.get(8)?,
        category: r.get(9)?,
        nature: r.get(10)?,
        collective: r.get(11)?,
        households: r.get(12)?,
        complainant: r.get(13)?,
        complainants: r.get(22)?,
        phone: r.get(23)?,
        respondents: serde_json::from_str(&r.get::<_, String>(14)?).unwrap_or_default(),
        claim_fen: r.get(15)?,
        recovered_fen: r.get(16)?,
        outcome: r.get(17)?,
        deadline,
        flags: r.get(21)?,
    };
    Ok((row, received, day))
}
