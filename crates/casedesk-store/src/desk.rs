//! Queries for the clerk's desk: the home screen, duplicate warnings at intake, respondent
//! look-up, roving intake sessions, staff and reference data. Read-only; all from projections.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use uuid::Uuid;

use super::Store;
use super::query::{CaseRow, ListQuery, Sort};
use crate::error::{Result, StoreError};
use casedesk_domain::deadline::{day_number, local_date, station_offset};
use casedesk_domain::reference::{self, RuleSet};
use casedesk_domain::types::*;

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SessionItem {
    pub case_id: Uuid,
    pub no: String,
    pub at: DateTime<Utc>,
    pub place: String,
    pub mediator: String,
    #[cfg_attr(feature = "ts", ts(as = "SessionMode"))]
    pub mode: String,
}

#[derive(Clone, Debug, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MonthCounts {
    pub received: u64,
    pub accepted: u64,
    pub closed: u64,
    pub resolved: u64,
    pub recovered_fen: i64,
    pub consultations_people: u64,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DayCount {
    pub date: NaiveDate,
    pub received: u64,
    pub closed: u64,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NatureCount {
    pub code: String,
    pub count: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Dashboard {
    pub today: NaiveDate,
    pub overdue: Vec<CaseRow>,
    pub due_soon: Vec<CaseRow>,
    pub awaiting_acceptance: Vec<CaseRow>,
    pub sessions: Vec<SessionItem>,
    pub month: MonthCounts,
    pub by_day: Vec<DayCount>,
    pub by_nature: Vec<NatureCount>,
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DuplicateQuery {
    pub complainant_names: Vec<String>,
    pub id_numbers: Vec<String>,
    pub phones: Vec<String>,
    pub respondent_names: Vec<String>,
    pub usccs: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DuplicateHint {
    pub case_id: Uuid,
    pub no: String,
    #[cfg_attr(feature = "ts", ts(as = "Status"))]
    pub status: String,
    pub received_at: DateTime<Utc>,
    #[cfg_attr(feature = "ts", ts(type = "\"complainant\" | \"respondent\""))]
    pub role: &'static str,
    pub matched: String,
    #[cfg_attr(feature = "ts", ts(type = "\"name\" | \"id_number\" | \"phone\" | \"uscc\""))]
    pub by: &'static str,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RespondentHint {
    pub name: String,
    pub kind: RespondentKind,
    pub uscc: Option<String>,
    pub address: String,
    pub contact: String,
    pub phone: String,
    pub cases: u64,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RovingSummary {
    pub id: Uuid,
    pub unit: String,
    pub date: String,
    pub place: String,
    pub team: Vec<String>,
    pub ended_at: Option<DateTime<Utc>>,
    pub complaints: u64,
    pub consultations: u64,
    pub people: u64,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "Staff"))]
pub struct StaffRow {
    pub id: Uuid,
    pub unit: String,
    pub name: String,
    #[cfg_attr(feature = "ts", ts(as = "Vec<StaffRole>"))]
    pub roles: Vec<String>,
    pub phone: String,
    #[cfg_attr(feature = "ts", ts(as = "Vec<Language>"))]
    pub languages: Vec<String>,
    pub active: bool,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CategoryItem {
    pub code: String,
    pub parent: Option<String>,
    pub name_zh: String,
    pub name_en: String,
    pub kind: String,
    /// Everyday words that find the category (家电, 暖气, 兽药), for the search of the picker.
    pub terms_zh: Vec<String>,
    pub terms_en: Vec<String>,
    /// A heading of the tree (商品类, 服务类): shown, never chosen.
    pub group: bool,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReasonItem {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UnitItem {
    pub code: String,
    pub name: String,
    #[cfg_attr(feature = "ts", ts(as = "UnitKind"))]
    pub kind: String,
    pub parent: Option<String>,
}

/// How a unit the station knows stands to the station's own unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum UnitRelation {
    /// The unit above the station's (上级单位).
    Parent,
    /// Above the parent.
    Ancestor,
    /// Below the station's unit (its branches and stations, at any depth).
    Below,
    /// Under the same parent.
    Sibling,
    Other,
}

/// A unit a case may be transferred to (转办, 协办, 上报).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TransferTarget {
    pub code: String,
    /// `None` when only the code is known: the parent named at setup whose record the hub has
    /// not sent yet.
    pub name: Option<String>,
    #[cfg_attr(feature = "ts", ts(as = "Option<UnitKind>"))]
    pub kind: Option<String>,
    pub relation: UnitRelation,
}

/// The units a transfer of one kind can go to, and when there are none, why (a message code).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TransferTargets {
    pub targets: Vec<TransferTarget>,
    pub none_reason: Option<String>,
}

/// Everything the station knows of a unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitRecord {
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub parent: Option<String>,
    pub admin_code: String,
    pub demonstration: bool,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Reference {
    pub categories: Vec<CategoryItem>,
    pub natures: Vec<CategoryItem>,
    #[cfg_attr(feature = "ts", ts(as = "std::collections::BTreeMap<RuleSet, Vec<ReasonItem>>"))]
    pub not_accept_reasons: std::collections::BTreeMap<&'static str, Vec<ReasonItem>>,
    #[cfg_attr(feature = "ts", ts(as = "std::collections::BTreeMap<RuleSet, Vec<ReasonItem>>"))]
    pub termination_reasons: std::collections::BTreeMap<&'static str, Vec<ReasonItem>>,
    pub units: Vec<UnitItem>,
}

const OPEN: &str = "('registered','accepted','mediating','agreed','transferred')";

fn ms_of(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(station_offset()).single())
        .map_or(0, |t| t.timestamp_millis())
}

fn uuid(b: Vec<u8>) -> Result<Uuid> {
    Uuid::from_slice(&b).map_err(|e| StoreError::integrity(e.to_string()))
}

impl Store {
    /// The home screen: what needs doing today and this month's figures. A voided case (a
    /// registration made by mistake) counts in none of the figures.
    pub fn dashboard(&self) -> Result<Dashboard> {
        let now = self.now();
        let today = local_date(now);
        let page = |q: ListQuery| -> Result<Vec<CaseRow>> { Ok(self.list(&q)?.rows) };
        let overdue = page(ListQuery {
            overdue: true,
            sort: Sort::Deadline,
            limit: 20,
            ..Default::default()
        })?;
        let due_soon = page(ListQuery {
            due_within_days: Some(3),
            sort: Sort::Deadline,
            limit: 20,
            ..Default::default()
        })?;
        let awaiting_acceptance = page(ListQuery {
            status: vec![Status::Registered],
            sort: Sort::Deadline,
            limit: 20,
            ..Default::default()
        })?;
        let conn = self.connection();
        let sessions = {
            let mut stmt = conn.prepare_cached(
                "SELECT c.id, c.no, s.scheduled_at, s.place, s.mediator, s.mode FROM sessions s
                 JOIN cases c ON c.rowid = s.case_rowid
                 WHERE s.held_at IS NULL AND s.scheduled_at >= ?1 AND s.scheduled_at < ?2
                   AND c.status IN ('accepted','mediating')
                 ORDER BY s.scheduled_at LIMIT 20",
            )?;
            let from = ms_of(today);
            let to = from + Duration::days(14).num_milliseconds();
            let rows = stmt.query_map(params![from, to], |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get(1)?,
                    r.get::<_, i64>(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (id, no, at, place, mediator, mode) = row?;
                out.push(SessionItem {
                    case_id: uuid(id)?,
                    no,
                    at: DateTime::from_timestamp_millis(at).unwrap_or_default(),
                    place,
                    mediator,
                    mode,
                });
            }
            out
        };
        let first = today.with_day(1).unwrap_or(today);
        let (m0, m1) = (ms_of(first), ms_of(today) + Duration::days(1).num_milliseconds());
        let count = |sql: &str| -> Result<i64> {
            Ok(conn.prepare_cached(sql)?.query_row(params![m0, m1], |r| r.get(0))?)
        };
        let resolved_codes: Vec<String> = Outcome::ALL
            .iter()
            .filter(|o| o.is_resolved())
            .map(|o| format!("'{}'", o.code()))
            .collect();
        let month = MonthCounts {
            received: count(
                "SELECT count(*) FROM cases WHERE received_at >= ?1 AND received_at < ?2 AND status != 'voided'",
            )? as u64,
            accepted: count(
                "SELECT count(*) FROM cases WHERE accepted_at >= ?1 AND accepted_at < ?2 AND status != 'voided'",
            )? as u64,
            closed: count(
                "SELECT count(*) FROM cases WHERE closed_at >= ?1 AND closed_at < ?2 AND status != 'voided'",
            )? as u64,
            resolved: count(&format!(
                "SELECT count(*) FROM cases WHERE closed_at >= ?1 AND closed_at < ?2 AND status != 'voided' AND outcome IN ({})",
                resolved_codes.join(",")
            ))? as u64,
            recovered_fen: count(
                "SELECT coalesce(sum(recovered_fen), 0) FROM cases WHERE closed_at >= ?1 AND closed_at < ?2 AND status != 'voided'",
            )?,
            consultations_people: count(
                "SELECT coalesce(sum(people), 0) FROM consultations WHERE at >= ?1 AND at < ?2",
            )? as u64,
        };
        let start = today - Duration::days(29);
        let mut by_day: Vec<DayCount> = (0..30)
            .map(|i| DayCount { date: start + Duration::days(i), received: 0, closed: 0 })
            .collect();
        let (d0, d1) = (ms_of(start), ms_of(today) + Duration::days(1).num_milliseconds());
        for (col, is_received) in [("received_at", true), ("closed_at", false)] {
            let sql = format!(
                "SELECT ({col} + 28800000) / 86400000 AS day, count(*) FROM cases WHERE {col} >= ?1 AND {col} < ?2 AND status != 'voided' GROUP BY day"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt
                .query_map(params![d0, d1], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
            for row in rows {
                let (day, n) = row?;
                let idx = day - day_number(start);
                if let Some(slot) = usize::try_from(idx).ok().and_then(|i| by_day.get_mut(i)) {
                    if is_received {
                        slot.received = n as u64;
                    } else {
                        slot.closed = n as u64;
                    }
                }
            }
        }
        let year_start = ms_of(NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today));
        let by_nature = {
            let mut stmt = conn.prepare_cached(
                "SELECT nature, count(*) FROM cases WHERE received_at >= ?1 AND nature IS NOT NULL
                   AND status != 'voided' GROUP BY nature ORDER BY 2 DESC, nature",
            )?;
            let rows = stmt.query_map([year_start], |r| {
                Ok(NatureCount { code: r.get(0)?, count: r.get::<_, i64>(1)? as u64 })
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        Ok(Dashboard {
            today,
            overdue,
            due_soon,
            awaiting_acceptance,
            sessions,
            month,
            by_day,
            by_nature,
        })
    }

    /// Open cases whose complainant or respondent matches what is being typed at intake.
    pub fn find_duplicates(&self, q: &DuplicateQuery) -> Result<Vec<DuplicateHint>> {
        let conn = self.connection();
        let mut out: Vec<DuplicateHint> = Vec::new();
        let checks: [(&str, &str, &'static str, &'static str, &Vec<String>); 5] = [
            ("c", "name", "complainant", "name", &q.complainant_names),
            ("c", "key", "complainant", "id_number", &q.id_numbers),
            ("c", "phone", "complainant", "phone", &q.phones),
            ("r", "name", "respondent", "name", &q.respondent_names),
            ("r", "key", "respondent", "uscc", &q.usccs),
        ];
        for (role_code, col, role, by, values) in checks {
            let sql = format!(
                "SELECT c.id, c.no, c.status, c.received_at FROM parties p JOIN cases c ON c.rowid = p.case_rowid
                 WHERE p.{col} = ?1 AND p.role = ?2 AND c.status IN {OPEN} ORDER BY c.received_at DESC LIMIT 5"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            for v in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
                let rows = stmt.query_map(params![v, role_code], |r| {
                    Ok((
                        r.get::<_, Vec<u8>>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i64>(3)?,
                    ))
                })?;
                for row in rows {
                    let (id, no, status, at) = row?;
                    let case_id = uuid(id)?;
                    if out.iter().any(|h| h.case_id == case_id && h.role == role) {
                        continue;
                    }
                    out.push(DuplicateHint {
                        case_id,
                        no,
                        status,
                        received_at: DateTime::from_timestamp_millis(at).unwrap_or_default(),
                        role,
                        matched: v.to_owned(),
                        by,
                    });
                }
            }
        }
        out.truncate(20);
        Ok(out)
    }

    /// Earlier respondents whose name starts with `prefix`, most frequent first, with the
    /// details from their latest case.
    pub fn lookup_respondents(&self, prefix: &str) -> Result<Vec<RespondentHint>> {
        let prefix = prefix.trim();
        if prefix.is_empty() {
            return Ok(Vec::new());
        }
        let conn = self.connection();
        let mut stmt = conn.prepare_cached(
            "SELECT p.name, count(*), max(p.case_rowid) FROM parties p
             WHERE p.role = 'r' AND p.name >= ?1 AND p.name < ?1 || char(1114111)
             GROUP BY p.name ORDER BY 2 DESC LIMIT 8",
        )?;
        let rows = stmt
            .query_map([prefix], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out = Vec::new();
        for (name, cases, rowid) in rows {
            let id: Option<Vec<u8>> = conn
                .query_row("SELECT id FROM cases WHERE rowid = ?1", [rowid], |r| r.get(0))
                .optional()?;
            let Some(id) = id else { continue };
            let state = self.case_state(uuid(id)?)?;
            if let Some(p) = state.reg.respondents.iter().find(|p| p.name == name) {
                out.push(RespondentHint {
                    name,
                    kind: p.kind,
                    uscc: p.uscc.clone(),
                    address: p.address.clone(),
                    contact: p.contact.clone(),
                    phone: p.phone.clone(),
                    cases: cases as u64,
                });
            }
        }
        Ok(out)
    }

    /// Roving intake sessions, newest first, with what each took in: cases (voided ones left
    /// out), consultations, and 接待人次 — every complainant of those cases (at least one each)
    /// and every person who asked.
    pub fn roving_sessions(&self, only: Option<Uuid>) -> Result<Vec<RovingSummary>> {
        let conn = self.connection();
        let mut stmt = conn.prepare_cached(
            "SELECT r.id, r.unit, r.date, r.place, r.team, r.ended_at,
                (SELECT count(*) FROM cases c WHERE c.roving = r.id AND c.status != 'voided'),
                (SELECT count(*) FROM consultations k WHERE k.roving = r.id),
                (SELECT coalesce(sum(people), 0) FROM consultations k WHERE k.roving = r.id)
                + (SELECT coalesce(sum(max(c.complainants, 1)), 0) FROM cases c
                   WHERE c.roving = r.id AND c.status != 'voided')
             FROM roving_sessions r WHERE ?1 IS NULL OR r.id = ?1 ORDER BY r.date DESC, r.id DESC LIMIT 100",
        )?;
        let rows = stmt.query_map([only.map(|u| u.as_bytes().to_vec())], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<i64>>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, i64>(7)?,
                r.get::<_, i64>(8)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, unit, date, place, team, ended, complaints, consultations, people) = row?;
            out.push(RovingSummary {
                id: uuid(id)?,
                unit,
                date,
                place,
                team: team.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
                ended_at: ended.and_then(DateTime::from_timestamp_millis),
                complaints: complaints as u64,
                consultations: consultations as u64,
                people: people as u64,
            });
        }
        Ok(out)
    }

    pub fn staff(&self) -> Result<Vec<StaffRow>> {
        let mut stmt = self.connection().prepare_cached(
            "SELECT id, unit, name, roles, phone, languages, active FROM staff ORDER BY name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, bool>(6)?,
            ))
        })?;
        let split = |s: String| s.split(',').filter(|x| !x.is_empty()).map(str::to_owned).collect();
        let mut out = Vec::new();
        for row in rows {
            let (id, unit, name, roles, phone, languages, active) = row?;
            out.push(StaffRow {
                id: uuid(id)?,
                unit,
                name,
                roles: split(roles),
                phone,
                languages: split(languages),
                active,
            });
        }
        Ok(out)
    }

    /// A unit this station knows (its own, its parents', those the hub sent down).
    pub fn unit(&self, code: &str) -> Result<Option<UnitRecord>> {
        let row: Option<(String, String, Option<String>, String, bool)> = self
            .connection()
            .prepare_cached(
                "SELECT name, kind, parent, admin_code, demonstration FROM units WHERE code = ?1",
            )?
            .query_row([code], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .optional()?;
        let Some((name, kind, parent, admin_code, demonstration)) = row else { return Ok(None) };
        let kind = UnitKind::from_code(&kind)
            .ok_or_else(|| StoreError::integrity(format!("unit {code} has kind {kind}")))?;
        Ok(Some(UnitRecord {
            code: code.to_owned(),
            name,
            kind,
            parent,
            admin_code,
            demonstration,
        }))
    }

    /// The units a transfer of `kind` can go to, from what the station knows: its own unit's
    /// parent chain (上报), the units below it (下转), any other unit (协办: siblings first, then
    /// the chain, the units below and the rest). The hub sends the units down at sync; before
    /// that, only the parent code named at setup may be known, without a name.
    pub fn transfer_targets(&self, kind: TransferKind) -> Result<TransferTargets> {
        let station = self.require_station()?;
        let own = station.unit.clone();
        let mut stmt = self.connection().prepare_cached(
            "SELECT code, name, kind, parent FROM units WHERE demonstration = 0 OR ?1 ORDER BY code",
        )?;
        let demo = self.is_demo()?;
        let units: Vec<(String, String, String, Option<String>)> = stmt
            .query_map([demo], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let find = |code: &str| units.iter().find(|u| u.0 == code);
        let target = |code: &str, relation| match find(code) {
            Some((c, n, k, _)) => TransferTarget {
                code: c.clone(),
                name: Some(n.clone()),
                kind: Some(k.clone()),
                relation,
            },
            None => TransferTarget { code: code.to_owned(), name: None, kind: None, relation },
        };
        // The parent chain, nearest first (a cycle in hostile data ends the walk).
        let mut chain: Vec<TransferTarget> = Vec::new();
        let mut next = find(&own).and_then(|u| u.3.clone());
        while let Some(p) = next {
            if p == own || chain.iter().any(|t| t.code == p) {
                break;
            }
            let relation =
                if chain.is_empty() { UnitRelation::Parent } else { UnitRelation::Ancestor };
            next = find(&p).and_then(|u| u.3.clone());
            chain.push(target(&p, relation));
        }
        // The units below, breadth first.
        let mut below: Vec<TransferTarget> = Vec::new();
        let mut frontier = vec![own.clone()];
        while let Some(code) = frontier.pop() {
            for u in units.iter().filter(|u| u.3.as_deref() == Some(code.as_str())) {
                if u.0 != own && !below.iter().any(|t| t.code == u.0) {
                    below.push(target(&u.0, UnitRelation::Below));
                    frontier.insert(0, u.0.clone());
                }
            }
        }
        let parent = chain.first().map(|t| t.code.clone());
        let (targets, none_reason) = match kind {
            TransferKind::ToDepartment => (Vec::new(), None),
            TransferKind::Up => (chain, Some("transfer.no_parent")),
            TransferKind::Down => (below, Some("transfer.no_units_below")),
            TransferKind::CoHandle => {
                let mut out: Vec<TransferTarget> = units
                    .iter()
                    .filter(|u| u.0 != own && parent.is_some() && u.3 == parent)
                    .map(|u| target(&u.0, UnitRelation::Sibling))
                    .collect();
                for t in chain.into_iter().chain(below) {
                    if !out.iter().any(|o| o.code == t.code) {
                        out.push(t);
                    }
                }
                for u in &units {
                    if u.0 != own && !out.iter().any(|o| o.code == u.0) {
                        out.push(target(&u.0, UnitRelation::Other));
                    }
                }
                (out, Some("transfer.no_units"))
            }
        };
        let none_reason = none_reason.filter(|_| targets.is_empty()).map(str::to_owned);
        Ok(TransferTargets { targets, none_reason })
    }

    /// Code tables the UI needs: categories, natures, reason codes of each rule set, units.
    pub fn reference(&self) -> Result<Reference> {
        let item = |c: &reference::Category| CategoryItem {
            code: c.code.clone(),
            parent: c.parent.clone(),
            name_zh: c.name_zh.clone(),
            name_en: c.name_en.clone(),
            kind: c.kind.clone(),
            terms_zh: c.terms_zh.clone(),
            terms_en: c.terms_en.clone(),
            group: c.group,
        };
        let reasons = |list: &'static [reference::Reason]| -> Vec<ReasonItem> {
            list.iter().map(|r| ReasonItem { code: r.code, zh: r.zh, en: r.en }).collect()
        };
        let mut not_accept = std::collections::BTreeMap::new();
        let mut terminate = std::collections::BTreeMap::new();
        for rs in [RuleSet::Order20, RuleSet::Order121, RuleSet::Own] {
            not_accept.insert(rs.code(), reasons(rs.not_accept_reasons()));
            terminate.insert(rs.code(), reasons(rs.termination_reasons()));
        }
        let mut stmt = self
            .connection()
            .prepare_cached("SELECT code, name, kind, parent FROM units ORDER BY code")?;
        let units = stmt
            .query_map([], |r| {
                Ok(UnitItem {
                    code: r.get(0)?,
                    name: r.get(1)?,
                    kind: r.get(2)?,
                    parent: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Reference {
            categories: reference::categories()
                .iter()
                .filter(|c| c.is_subject())
                .map(item)
                .collect(),
            natures: reference::categories().iter().filter(|c| c.is_nature()).map(item).collect(),
            not_accept_reasons: not_accept,
            termination_reasons: terminate,
            units,
        })
    }
}
