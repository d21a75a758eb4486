//! The rows the statistics are computed from. `casedesk-report` defines every figure (who counts
//! what, when, where); this module only hands it the projection rows of a time window, one at a
//! time and borrowed (a year of an association is a million rows), plus the small tables it
//! needs beside them (units, consultations, transfers, submitted reports).

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;
use serde::Serialize;
use uuid::Uuid;

use super::Store;
use super::desk::UnitRecord;
use crate::error::{Result, StoreError};
use casedesk_domain::deadline::day_number;
use casedesk_domain::types::{CaseType, Outcome, Satisfaction, Status, TransferKind, UnitKind};

/// One case as the statistics see it (a row of the `cases` projection). Voided cases are
/// included: the definitions decide that they count nowhere.
#[derive(Clone, Debug)]
pub struct StatCase<'a> {
    /// The case's local row id (stable for the life of the projection).
    pub rowid: i64,
    pub case_type: CaseType,
    pub status: Status,
    /// Milliseconds since the epoch (UTC), like every time below.
    pub received_at: i64,
    /// The unit that registered the case (接收).
    pub receiving_unit: &'a str,
    /// The unit handling the case now (after transfers down or up); the unit that accepted it
    /// when `accepted_at` is set (a transfer down or up clears the acceptance).
    pub unit: &'a str,
    pub accepted_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub outcome: Option<Outcome>,
    /// Closed within the mediation period (`deadline::closed_on_time`).
    pub on_time: Option<bool>,
    pub recovered_fen: i64,
    pub doubled_fen: i64,
    pub category: Option<&'a str>,
    pub nature: Option<&'a str>,
    /// The latest follow-up's satisfaction.
    pub satisfaction: Option<Satisfaction>,
    /// The next running deadline's day number (`deadline::day_number`), open cases only.
    pub deadline_day: Option<i64>,
    /// The place of the dispute as entered (`facts.place`).
    pub place: &'a str,
    respondents: &'a str,
}

impl StatCase<'_> {
    /// The first respondent's name ("" when there is none).
    pub fn first_respondent(&self) -> String {
        serde_json::from_str::<Vec<String>>(self.respondents)
            .ok()
            .and_then(|v| v.into_iter().next())
            .unwrap_or_default()
    }
}

/// A transfer of a case (转办), with what the statistics need of its case.
#[derive(Clone, Debug)]
pub struct StatTransfer<'a> {
    pub case_rowid: i64,
    pub case_type: CaseType,
    pub status: Status,
    pub kind: TransferKind,
    pub from_unit: &'a str,
    /// The unit (down, up, co-handling) or the department it went to.
    pub to_unit: &'a str,
    pub at: i64,
}

/// A `consultation.recorded` entry.
#[derive(Clone, Debug)]
pub struct StatConsultation<'a> {
    pub unit: &'a str,
    pub at: i64,
    pub people: u32,
    pub category: Option<&'a str>,
}

/// A report a unit submitted (报送), figures as frozen in its `report.submitted` event.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Submission {
    pub id: Uuid,
    pub unit: String,
    pub period: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub at: DateTime<Utc>,
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub figures: serde_json::Value,
    pub note: String,
}

/// Open cases of a unit now, and how many of them are past their deadline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenCount {
    pub unit: String,
    pub open: u64,
    pub overdue: u64,
}

fn bad(e: impl std::fmt::Display) -> StoreError {
    StoreError::integrity(e.to_string())
}

fn code<T>(s: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    parse(s).ok_or_else(|| bad(format!("unknown code {s} in a case row")))
}

impl Store {
    /// Calls `f` with every case that was received before `to` and was received, accepted or
    /// closed at or after `from`: every case a figure of the window `[from, to)` can count.
    /// `place`, the respondents and `deadline_day` are filled in only `with_parties`. Returns
    /// how many rows were read.
    pub fn scan_stat_cases(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        with_parties: bool,
        f: &mut dyn FnMut(&StatCase<'_>),
    ) -> Result<u64> {
        // The narrow copy of the rows (`stat_cases`), unless the caller needs what only the
        // case rows hold (place, respondents, deadline: the hot spots and supervision, which
        // read a few weeks or one period).
        let sql = if with_parties {
            "SELECT rowid, case_type, status, received_at, receiving_unit, unit, accepted_at,
                closed_at, outcome, on_time, recovered_fen, doubled_fen, category, nature,
                satisfaction, deadline_day, place, respondents
             FROM cases
             WHERE received_at < ?2
               AND (received_at >= ?1 OR accepted_at >= ?1 OR closed_at >= ?1)"
        } else {
            "SELECT rowid, case_type, status, received_at, receiving_unit, unit, accepted_at,
                closed_at, outcome, on_time, recovered_fen, doubled_fen, category, nature,
                satisfaction, NULL, '', '[]'
             FROM stat_cases
             WHERE received_at < ?2
               AND (received_at >= ?1 OR accepted_at >= ?1 OR closed_at >= ?1)"
        };
        let mut stmt = self.connection().prepare_cached(sql)?;
        let mut rows = stmt.query(params![from.timestamp_millis(), to.timestamp_millis()])?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            let text = |i: usize| -> Result<&str> { r.get_ref(i)?.as_str().map_err(bad) };
            let opt =
                |i: usize| -> Result<Option<&str>> { r.get_ref(i)?.as_str_or_null().map_err(bad) };
            let row = StatCase {
                rowid: r.get(0)?,
                case_type: code(text(1)?, CaseType::from_code)?,
                status: code(text(2)?, Status::from_code)?,
                received_at: r.get(3)?,
                receiving_unit: text(4)?,
                unit: text(5)?,
                accepted_at: r.get(6)?,
                closed_at: r.get(7)?,
                outcome: opt(8)?.map(|s| code(s, Outcome::from_code)).transpose()?,
                on_time: r.get(9)?,
                recovered_fen: r.get(10)?,
                doubled_fen: r.get(11)?,
                category: opt(12)?,
                nature: opt(13)?,
                satisfaction: opt(14)?.map(|s| code(s, Satisfaction::from_code)).transpose()?,
                deadline_day: r.get(15)?,
                place: text(16)?,
                respondents: text(17)?,
            };
            f(&row);
            n += 1;
        }
        Ok(n)
    }

    /// The baseline of the report's figure in `casedesk bench`: the same rows as
    /// `scan_stat_cases`, read by SQLite alone (a count and a sum, no row leaves SQLite).
    pub fn baseline_stat_scan(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<(u64, i64)> {
        let (n, sum): (i64, i64) = self.connection().query_row(
            "SELECT count(*), coalesce(sum(recovered_fen + length(unit) + length(category)), 0) FROM stat_cases
             WHERE received_at < ?2
               AND (received_at >= ?1 OR accepted_at >= ?1 OR closed_at >= ?1)",
            params![from.timestamp_millis(), to.timestamp_millis()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((n as u64, sum))
    }

    /// Calls `f` with every transfer made in `[from, to)`.
    pub fn scan_stat_transfers(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        f: &mut dyn FnMut(&StatTransfer<'_>),
    ) -> Result<()> {
        let mut stmt = self.connection().prepare_cached(
            "SELECT t.case_rowid, c.case_type, c.status, t.kind, t.from_unit, t.to_unit, t.at
             FROM transfers t JOIN cases c ON c.rowid = t.case_rowid
             WHERE t.at >= ?1 AND t.at < ?2",
        )?;
        let mut rows = stmt.query(params![from.timestamp_millis(), to.timestamp_millis()])?;
        while let Some(r) = rows.next()? {
            let text = |i: usize| -> Result<&str> { r.get_ref(i)?.as_str().map_err(bad) };
            f(&StatTransfer {
                case_rowid: r.get(0)?,
                case_type: code(text(1)?, CaseType::from_code)?,
                status: code(text(2)?, Status::from_code)?,
                kind: code(text(3)?, TransferKind::from_code)?,
                from_unit: text(4)?,
                to_unit: text(5)?,
                at: r.get(6)?,
            });
        }
        Ok(())
    }

    /// Calls `f` with every consultation recorded in `[from, to)`.
    pub fn scan_consultations(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        f: &mut dyn FnMut(&StatConsultation<'_>),
    ) -> Result<()> {
        let mut stmt = self.connection().prepare_cached(
            "SELECT unit, at, people, category FROM consultations WHERE at >= ?1 AND at < ?2",
        )?;
        let mut rows = stmt.query(params![from.timestamp_millis(), to.timestamp_millis()])?;
        while let Some(r) = rows.next()? {
            f(&StatConsultation {
                unit: r.get_ref(0)?.as_str().map_err(bad)?,
                at: r.get(1)?,
                people: r.get(2)?,
                category: r.get_ref(3)?.as_str_or_null().map_err(bad)?,
            });
        }
        Ok(())
    }

    /// Every unit this station knows, by code: its own, its parents', and for an association or
    /// branch that syncs everything below it, every unit below (the hierarchy is `parent`).
    pub fn units(&self) -> Result<Vec<UnitRecord>> {
        let mut stmt = self.connection().prepare_cached(
            "SELECT code, name, kind, parent, admin_code, demonstration FROM units ORDER BY code",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, bool>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (code, name, kind, parent, admin_code, demonstration) = row?;
            let kind = UnitKind::from_code(&kind)
                .ok_or_else(|| bad(format!("unit {code} has kind {kind}")))?;
            out.push(UnitRecord { code, name, kind, parent, admin_code, demonstration });
        }
        Ok(out)
    }

    /// The reports units submitted, oldest first; only `unit`'s when given.
    pub fn report_submissions(&self, unit: Option<&str>) -> Result<Vec<Submission>> {
        let mut stmt = self.connection().prepare_cached(
            "SELECT id, unit, period, from_date, to_date, at, figures, note FROM report_submissions
             WHERE ?1 IS NULL OR unit = ?1 ORDER BY at, id",
        )?;
        let rows = stmt.query_map([unit], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, unit, period, from, to, at, figures, note) = row?;
            out.push(Submission {
                id: Uuid::from_slice(&id).map_err(bad)?,
                unit,
                period,
                from: from.parse().map_err(bad)?,
                to: to.parse().map_err(bad)?,
                at: DateTime::from_timestamp_millis(at).unwrap_or_default(),
                figures: serde_json::from_str(&figures)?,
                note,
            });
        }
        Ok(out)
    }

    /// Open cases per handling unit now, and how many are past their next deadline on `today`
    /// (the case list's `overdue` filter).
    pub fn open_by_unit(&self, today: NaiveDate) -> Result<Vec<OpenCount>> {
        let mut stmt = self.connection().prepare_cached(
            "SELECT unit, count(*), count(*) FILTER (WHERE deadline_day < ?1) FROM cases
             WHERE status IN ('registered','accepted','mediating','agreed','transferred')
             GROUP BY unit ORDER BY unit",
        )?;
        let rows = stmt.query_map([day_number(today)], |r| {
            Ok(OpenCount {
                unit: r.get(0)?,
                open: r.get::<_, i64>(1)? as u64,
                overdue: r.get::<_, i64>(2)? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The newest activity of each unit this station holds: the latest event time of its cases
    /// (as handling unit) and of its consultations. For an association's desktop this is the
    /// last work of the unit that reached it by sync.
    pub fn last_activity_by_unit(&self) -> Result<Vec<(String, DateTime<Utc>)>> {
        let mut stmt = self.connection().prepare_cached(
            "SELECT unit, max(t) FROM (
                SELECT unit, max(updated_hlc >> 16) AS t FROM cases GROUP BY unit
                UNION ALL SELECT unit, max(at) FROM consultations GROUP BY unit)
             GROUP BY unit ORDER BY unit",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (unit, ms) = row?;
            out.push((unit, DateTime::from_timestamp_millis(ms).unwrap_or_default()));
        }
        Ok(out)
    }
}

/// What the supervision per staff member needs of one case: the actors (envelope `actor`) of
/// the events that made the figures. Each is the actor of the *latest* event of that kind in
/// the case's log (a repeated event, say a second follow-up, replaces the first in the
/// projection too); `None` when no such event exists or it carries no actor (events written
/// before sign-in existed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffCase {
    pub case_type: CaseType,
    pub status: Status,
    pub received_at: i64,
    pub receiving_unit: String,
    pub unit: String,
    pub accepted_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub outcome: Option<Outcome>,
    pub on_time: Option<bool>,
    pub satisfaction: Option<Satisfaction>,
    /// `case.registered`.
    pub registered_by: Option<Uuid>,
    /// `case.accepted`.
    pub accepted_by: Option<Uuid>,
    /// `case.not_accepted`.
    pub not_accepted_by: Option<Uuid>,
    /// `case.closed`.
    pub closed_by: Option<Uuid>,
    /// `case.followed_up`.
    pub followed_up_by: Option<Uuid>,
}

/// A mediation session held (from the `sessions` projection), with its case's unit and state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffSession {
    pub case_type: CaseType,
    pub status: Status,
    /// The case's handling unit now.
    pub unit: String,
    pub held_at: i64,
    /// The mediator as recorded (a name, free text).
    pub mediator: String,
}

/// A consultation with the staff member who recorded it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffConsultation {
    pub unit: String,
    pub at: i64,
    pub people: u32,
    pub by: Option<Uuid>,
}

/// An open case past its next deadline, with the staff member who last acted on it (the actor
/// of its newest event).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffOverdue {
    pub unit: String,
    pub last_by: Option<Uuid>,
}

fn actor_of(b: Option<Vec<u8>>) -> Result<Option<Uuid>> {
    b.map(|b| Uuid::from_slice(&b).map_err(bad)).transpose()
}

impl Store {
    /// The cases of the window `[from, to)` (the rows `scan_stat_cases` reads) with the actors
    /// of the events behind the figures, for the supervision per staff member.
    pub fn staff_cases(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<StaffCase>> {
        let actor = |kind: &str| {
            format!(
                "(SELECT e.actor FROM events e WHERE e.stream = c.id AND e.kind = '{kind}'
                  ORDER BY e.hlc DESC LIMIT 1)"
            )
        };
        let sql = format!(
            "SELECT case_type, status, received_at, receiving_unit, unit, accepted_at, closed_at,
                outcome, on_time, satisfaction, {}, {}, {}, {}, {}
             FROM cases c
             WHERE received_at < ?2
               AND (received_at >= ?1 OR accepted_at >= ?1 OR closed_at >= ?1)",
            actor("case.registered"),
            actor("case.accepted"),
            actor("case.not_accepted"),
            actor("case.closed"),
            actor("case.followed_up"),
        );
        let mut stmt = self.connection().prepare_cached(&sql)?;
        let mut rows = stmt.query(params![from.timestamp_millis(), to.timestamp_millis()])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let text = |i: usize| -> Result<String> { Ok(r.get::<_, String>(i)?) };
            let opt = |i: usize| -> Result<Option<String>> { Ok(r.get::<_, Option<String>>(i)?) };
            out.push(StaffCase {
                case_type: code(&text(0)?, CaseType::from_code)?,
                status: code(&text(1)?, Status::from_code)?,
                received_at: r.get(2)?,
                receiving_unit: text(3)?,
                unit: text(4)?,
                accepted_at: r.get(5)?,
                closed_at: r.get(6)?,
                outcome: opt(7)?.map(|s| code(&s, Outcome::from_code)).transpose()?,
                on_time: r.get(8)?,
                satisfaction: opt(9)?.map(|s| code(&s, Satisfaction::from_code)).transpose()?,
                registered_by: actor_of(r.get(10)?)?,
                accepted_by: actor_of(r.get(11)?)?,
                not_accepted_by: actor_of(r.get(12)?)?,
                closed_by: actor_of(r.get(13)?)?,
                followed_up_by: actor_of(r.get(14)?)?,
            });
        }
        Ok(out)
    }

    /// Mediation sessions held in `[from, to)`.
    pub fn staff_sessions(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<StaffSession>> {
        let mut stmt = self.connection().prepare_cached(
            "SELECT c.case_type, c.status, c.unit, s.held_at, s.mediator
             FROM sessions s JOIN cases c ON c.rowid = s.case_rowid
             WHERE s.held_at >= ?1 AND s.held_at < ?2",
        )?;
        let mut rows = stmt.query(params![from.timestamp_millis(), to.timestamp_millis()])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(StaffSession {
                case_type: code(&r.get::<_, String>(0)?, CaseType::from_code)?,
                status: code(&r.get::<_, String>(1)?, Status::from_code)?,
                unit: r.get(2)?,
                held_at: r.get(3)?,
                mediator: r.get(4)?,
            });
        }
        Ok(out)
    }

    /// Consultations recorded in `[from, to)`, with the actor of their `consultation.recorded`.
    pub fn staff_consultations(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<StaffConsultation>> {
        let mut stmt = self.connection().prepare_cached(
            "SELECT k.unit, k.at, k.people,
                (SELECT e.actor FROM events e WHERE e.stream = k.id
                   AND e.kind = 'consultation.recorded' ORDER BY e.hlc DESC LIMIT 1)
             FROM consultations k WHERE k.at >= ?1 AND k.at < ?2",
        )?;
        let mut rows = stmt.query(params![from.timestamp_millis(), to.timestamp_millis()])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(StaffConsultation {
                unit: r.get(0)?,
                at: r.get(1)?,
                people: r.get(2)?,
                by: actor_of(r.get(3)?)?,
            });
        }
        Ok(out)
    }

    /// Open cases past their next deadline on `today` (the case list's `overdue` filter), each
    /// with the actor of its newest event.
    pub fn staff_overdue(&self, today: NaiveDate) -> Result<Vec<StaffOverdue>> {
        let mut stmt = self.connection().prepare_cached(
            "SELECT c.unit,
                (SELECT e.actor FROM events e WHERE e.stream = c.id AND e.actor IS NOT NULL
                   ORDER BY e.hlc DESC LIMIT 1)
             FROM cases c
             WHERE c.status IN ('registered','accepted','mediating','agreed','transferred')
               AND c.deadline_day < ?1",
        )?;
        let mut rows = stmt.query([day_number(today)])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(StaffOverdue { unit: r.get(0)?, last_by: actor_of(r.get(1)?)? });
        }
        Ok(out)
    }
}
