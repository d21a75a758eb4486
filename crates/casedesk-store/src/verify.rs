//! `verify`: proves that the log is intact and that the projections are what the log says.
//!
//! 1. Hash chains: every event's hash matches its content (a redacted event: what is left of
//!    its content is what the intact anonymisation of its case lists for its id and hash); where a device's consecutive events
//!    are both held, the later one links to the earlier; this device's own chain is complete
//!    from sequence 1 (a station holds only part of other devices' chains).
//! 2. Projections: the log is replayed into a fresh in-memory database and every projection
//!    table is compared row by row with the stored one (rows that refer to a case by its local
//!    rowid are compared by case id, since rowids depend on arrival order).

use casedesk_proto::ZERO_HASH;
use rusqlite::Connection;
use rusqlite::types::Value;
use serde::Serialize;
use uuid::Uuid;

use super::Store;
use super::project::{self, EVENT_COLUMNS};
use crate::error::Result;

#[derive(Clone, Debug, Default, Serialize)]
pub struct VerifyReport {
    pub events: u64,
    pub devices: u64,
    pub cases: u64,
    pub quarantined: u64,
    /// Broken hashes, broken links, gaps in this device's chain.
    pub chain_errors: Vec<String>,
    /// Projection rows that differ from a rebuild.
    pub projection_errors: Vec<String>,
    /// Other devices whose chains we hold only in part (normal: we receive only some cases).
    pub partial_devices: u64,
    /// The files beside the log (evidence, issued PDFs), each checked against its hash.
    pub blobs: crate::BlobReport,
}

impl VerifyReport {
    pub fn is_ok(&self) -> bool {
        self.chain_errors.is_empty()
            && self.projection_errors.is_empty()
            && self.blobs.errors.is_empty()
    }
}

const MAX_REPORTED: usize = 20;

pub(super) fn verify(store: &Store) -> Result<VerifyReport> {
    let conn = store.connection();
    let mut report = VerifyReport::default();
    let own_device = store.station().map(|s| s.device);
    check_chains(conn, own_device, &mut report)?;
    report.quarantined =
        conn.query_row("SELECT count(*) FROM quarantine", [], |r| r.get::<_, i64>(0))? as u64;
    report.cases = conn.query_row("SELECT count(*) FROM cases", [], |r| r.get::<_, i64>(0))? as u64;

    // Replay the log into a fresh database with the same calendar and settings.
    let mut fresh = Connection::open_in_memory()?;
    super::migrate::migrate(&mut fresh)?;
    {
        let tx = fresh.transaction()?;
        let mut ins = tx.prepare(&format!(
            "INSERT INTO events ({EVENT_COLUMNS}, origin) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
        ))?;
        let mut stmt =
            conn.prepare(&format!("SELECT {EVENT_COLUMNS}, origin FROM events ORDER BY rowid"))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let vals: Vec<Value> =
                (0..13).map(|i| row.get::<_, Value>(i)).collect::<rusqlite::Result<_>>()?;
            ins.execute(rusqlite::params_from_iter(vals))?;
        }
        drop(ins);
        project::rebuild_all(&tx, store.calendar(), store.own_rules())?;
        tx.commit()?;
    }
    for (table, sql) in COMPARISONS {
        compare(conn, &fresh, table, sql, &mut report)?;
    }
    report.blobs = store.verify_blobs()?;
    Ok(report)
}

fn check_chains(conn: &Connection, own: Option<Uuid>, report: &mut VerifyReport) -> Result<()> {
    let mut stmt =
        conn.prepare(&format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY device, seq"))?;
    let mut rows = stmt.query([])?;
    // Redacted events are verified through the anonymisations that list them, which are
    // themselves intact and chained (their hashes are checked below like every event's).
    let anonymizations: Vec<casedesk_proto::Event> = conn
        .prepare(&format!("SELECT {EVENT_COLUMNS} FROM events WHERE kind = ?1"))?
        .query_map([casedesk_proto::redact::ANONYMIZED_KIND], project::event_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    let valid: Vec<casedesk_proto::Event> =
        anonymizations.into_iter().filter(|a| a.hash_is_valid()).collect();
    let redactions = crate::retention::listed(&valid);
    let streams: std::collections::HashMap<Uuid, Uuid> = valid
        .iter()
        .flat_map(|a| {
            casedesk_proto::redact::redactions_of(&a.payload)
                .unwrap_or_default()
                .into_iter()
                .map(move |r| (r.event, a.stream))
        })
        .collect();
    let mut last: Option<(Uuid, u64, casedesk_proto::EventHash)> = None;
    let mut partial = false;
    let push = |report: &mut VerifyReport, msg: String| {
        if report.chain_errors.len() < MAX_REPORTED {
            report.chain_errors.push(msg);
        }
    };
    while let Some(row) = rows.next()? {
        let e = project::event_from_row(row)?;
        report.events += 1;
        let redacted = || {
            streams.get(&e.id) == Some(&e.stream)
                && crate::retention::is_redacted_form(&e, &redactions)
        };
        if !e.hash_is_valid() && !redacted() {
            push(
                report,
                format!(
                    "event {} (device {} seq {}): hash does not match content",
                    e.id, e.device, e.seq
                ),
            );
        }
        let is_own = Some(e.device) == own;
        match last {
            Some((dev, seq, hash)) if dev == e.device => {
                if e.seq == seq + 1 {
                    if e.prev != hash {
                        push(
                            report,
                            format!(
                                "device {} seq {}: does not link to seq {}",
                                e.device, e.seq, seq
                            ),
                        );
                    }
                } else if is_own {
                    push(
                        report,
                        format!("device {} (this station): seq {} missing", e.device, seq + 1),
                    );
                } else {
                    partial = true;
                }
            }
            _ => {
                if let Some((dev, _, _)) = last {
                    report.partial_devices += u64::from(partial && Some(dev) != own);
                }
                partial = false;
                report.devices += 1;
                if e.seq == 1 {
                    if e.prev != ZERO_HASH {
                        push(report, format!("device {} seq 1: prev must be zero", e.device));
                    }
                } else if is_own {
                    push(
                        report,
                        format!(
                            "device {} (this station): chain starts at seq {}",
                            e.device, e.seq
                        ),
                    );
                } else {
                    partial = true;
                }
            }
        }
        last = Some((e.device, e.seq, e.hash));
    }
    if partial {
        report.partial_devices += 1;
    }
    Ok(())
}

/// Each projection as rows keyed by stable ids (case rowids mapped to case ids).
const COMPARISONS: &[(&str, &str)] = &[
    ("units", "SELECT code, stream, name, kind, parent, admin_code, demonstration FROM units ORDER BY code"),
    ("staff", "SELECT * FROM staff ORDER BY id"),
    ("devices", "SELECT * FROM devices ORDER BY id"),
    ("roving_sessions", "SELECT * FROM roving_sessions ORDER BY id"),
    ("consultations", "SELECT * FROM consultations ORDER BY id"),
    ("report_submissions", "SELECT * FROM report_submissions ORDER BY id"),
    (
        "cases",
        "SELECT id, no, case_type, mode, status, channel, received_at, receiving_unit, unit, category,
            nature, collective, households, complainant, complainants, respondents, claim_fen,
            recovered_fen, doubled_fen, outcome, closed_at, deadline_kind, deadline_day,
            deadline_provisional, roving, flags, updated_hlc, accepted_at, on_time, satisfaction,
            place FROM cases ORDER BY id",
    ),
    (
        "stat_cases",
        "SELECT c.id, s.case_type, s.status, s.received_at, s.accepted_at, s.closed_at,
            s.receiving_unit, s.unit, s.outcome, s.on_time, s.recovered_fen, s.doubled_fen,
            s.category, s.nature, s.satisfaction
         FROM stat_cases s JOIN cases c ON c.rowid = s.rowid ORDER BY c.id",
    ),
    (
        "parties",
        "SELECT c.id, p.role, p.idx, p.name, p.key, p.phone FROM parties p
         JOIN cases c ON c.rowid = p.case_rowid ORDER BY c.id, p.role, p.idx",
    ),
    (
        "sessions",
        "SELECT s.id, c.id, s.scheduled_at, s.held_at, s.mode, s.place, s.mediator, s.result
         FROM sessions s JOIN cases c ON c.rowid = s.case_rowid ORDER BY s.id",
    ),
    (
        "transfers",
        "SELECT t.id, c.id, t.kind, t.from_unit, t.to_unit, t.due_day, t.feedback_at, t.at
         FROM transfers t JOIN cases c ON c.rowid = t.case_rowid ORDER BY t.id",
    ),
    (
        "documents",
        "SELECT d.event, c.id, d.kind, d.number, d.template, d.sha256, d.bytes, d.issued_at,
            d.recipient, d.delivery, d.subject, d.unit, d.device
         FROM documents d JOIN cases c ON c.rowid = d.case_rowid ORDER BY d.event",
    ),
    (
        "evidence",
        "SELECT e.event, c.id, e.id, e.sha256, e.size, e.media_type, e.name, e.description,
            e.original_returned, e.for_document, e.added_at
         FROM evidence e JOIN cases c ON c.rowid = e.case_rowid ORDER BY e.event",
    ),
    ("case_text", "SELECT c.id, t.text FROM case_text t JOIN cases c ON c.rowid = t.rowid ORDER BY c.id"),
    (
        "case_fts",
        "SELECT c.id FROM case_fts f JOIN cases c ON c.rowid = f.rowid ORDER BY c.id",
    ),
    (
        "case_chars",
        "SELECT c.id FROM case_chars f JOIN cases c ON c.rowid = f.rowid ORDER BY c.id",
    ),
    ("orphans", "SELECT 'parties', case_rowid FROM parties WHERE case_rowid NOT IN (SELECT rowid FROM cases)
        UNION ALL SELECT 'documents', case_rowid FROM documents WHERE case_rowid NOT IN (SELECT rowid FROM cases)
        UNION ALL SELECT 'evidence', case_rowid FROM evidence WHERE case_rowid NOT IN (SELECT rowid FROM cases)
        UNION ALL SELECT 'case_text', rowid FROM case_text WHERE rowid NOT IN (SELECT rowid FROM cases)
        UNION ALL SELECT 'stat_cases', rowid FROM stat_cases WHERE rowid NOT IN (SELECT rowid FROM cases)
        UNION ALL SELECT 'case_fts', rowid FROM case_fts WHERE rowid NOT IN (SELECT rowid FROM cases)
        UNION ALL SELECT 'case_chars', rowid FROM case_chars WHERE rowid NOT IN (SELECT rowid FROM cases)"),
];

fn compare(
    a: &Connection,
    b: &Connection,
    table: &str,
    sql: &str,
    report: &mut VerifyReport,
) -> Result<()> {
    let mut sa = a.prepare(sql)?;
    let mut sb = b.prepare(sql)?;
    let n = sa.column_count();
    let mut ra = sa.query([])?;
    let mut rb = sb.query([])?;
    let row_vals = |r: &rusqlite::Row<'_>| -> rusqlite::Result<Vec<Value>> {
        (0..n).map(|i| r.get(i)).collect()
    };
    loop {
        let x = ra.next()?.map(row_vals).transpose()?;
        let y = rb.next()?.map(row_vals).transpose()?;
        match (x, y) {
            (None, None) => break,
            (x, y) if x == y => {}
            (x, y) => {
                if report.projection_errors.len() < MAX_REPORTED {
                    report.projection_errors.push(format!(
                        "{table}: stored {} / rebuilt {}",
                        describe(x.as_deref()),
                        describe(y.as_deref())
                    ));
                }
                // Rows are sorted by key: after one mismatch the streams may be out of step,
                // so stop comparing this table; one difference is enough to fail.
                break;
            }
        }
    }
    Ok(())
}

fn describe(row: Option<&[Value]>) -> String {
    match row {
        None => "(no row)".into(),
        Some(vals) => {
            let parts: Vec<String> = vals
                .iter()
                .take(6)
                .map(|v| match v {
                    Value::Null => "NULL".into(),
                    Value::Integer(i) => i.to_string(),
                    Value::Real(f) => f.to_string(),
                    Value::Text(t) => t.chars().take(40).collect(),
                    Value::Blob(b) => {
                        Uuid::from_slice(b).map_or_else(|_| hex::encode(b), |u| u.to_string())
                    }
                })
                .collect();
            format!("[{}]", parts.join(", "))
        }
    }
}
