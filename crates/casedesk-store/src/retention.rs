//! Retention: the cases whose period after closure has ended, their anonymisation
//! (`case.anonymized`), and the one sanctioned rewrite of the log, replacing the stored payloads
//! of a case's earlier events by their redacted form (`casedesk_proto::redact`).
//!
//! A redacted event keeps its envelope (`id`, `hash`, `prev`): the chain still links, and the
//! event is verified through the anonymisation event of its stream, which lists its id, hash
//! and the digest of what is left (`verify`). Projections and the search indexes are folded
//! again from the redacted events, so the names, numbers and texts are gone from them too; the
//! statistics read codes, dates, amounts and outcomes, which stay.

use std::collections::HashMap;

use casedesk_domain::case::{self, CaseState};
use casedesk_domain::event::CaseEvent;
use casedesk_domain::retention;
use casedesk_domain::types::Status;
use casedesk_proto::Event;
use casedesk_proto::redact::{self, ANONYMIZED_KIND, Redaction};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use uuid::Uuid;

use crate::error::{Result, StoreError};
use crate::people::Actor;
use crate::{Store, payload, project};

/// Default retention period after a case ends: 3 years. DOMAIN.md §7.1 (PIPL Art.19) asks for
/// the shortest necessary period and leaves longer periods to archive rules; the one period it
/// names is the ≥3 years for which the records of processing personal information are kept
/// (Arts.55–56). A unit whose archive rules ask for longer sets it (`set_retention_days`).
pub const DEFAULT_RETENTION_DAYS: u32 = 1_095;

/// A case whose retention period has ended (or ends), as the head's list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RetentionDue {
    pub id: Uuid,
    pub no: String,
    pub status: Status,
    /// When the case ended (closed, not accepted, voided).
    pub ended_at: DateTime<Utc>,
    /// When its period ends.
    pub due_at: DateTime<Utc>,
    /// How many of its events still hold personal fields.
    pub events: u32,
}

/// The redactions that `case.anonymized` events list, by the id of the event they redact.
pub(crate) type Redactions = HashMap<Uuid, Redaction>;

/// The redactions listed by the anonymisation events among `events`.
pub(crate) fn listed(events: &[Event]) -> Redactions {
    let mut out = HashMap::new();
    for e in events.iter().filter(|e| e.kind == ANONYMIZED_KIND) {
        for r in redact::redactions_of(&e.payload).unwrap_or_default() {
            out.entry(r.event).or_insert(r);
        }
    }
    out
}

/// The redactions listed by the anonymisation events `conn` holds on `stream`.
pub(crate) fn held_redactions(conn: &Connection, stream: Uuid) -> Result<Redactions> {
    let sql = format!(
        "SELECT {} FROM events WHERE stream = ?1 AND kind = ?2 ORDER BY rowid",
        project::EVENT_COLUMNS
    );
    let held: Vec<Event> = conn
        .prepare_cached(&sql)?
        .query_map(params![stream.as_bytes(), ANONYMIZED_KIND], project::event_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(listed(&held))
}

/// Replaces the stored payload of every event of `stream` that an anonymisation of the stream
/// lists by its redacted form (the one rewrite of the log). An event already redacted is left
/// as it is; one that the listing does not fit is an integrity error (callers check first).
/// Returns how many payloads were rewritten.
pub(crate) fn redact_stream(conn: &Connection, stream: Uuid) -> Result<usize> {
    let listed = held_redactions(conn, stream)?;
    if listed.is_empty() {
        return Ok(0);
    }
    let events = project::load_stream(conn, stream)?;
    // What is removed is overwritten in the file, not only unlinked (the setting lasts for the
    // connection).
    conn.pragma_update(None, "secure_delete", true)?;
    let mut n = 0;
    for e in &events {
        let Some(r) = listed.get(&e.id) else { continue };
        if redact::verify(e, r) {
            continue;
        }
        let out = redact::apply(e, r).map_err(|m| {
            StoreError::integrity(format!("anonymisation does not fit event {}: {m:?}", e.id))
        })?;
        conn.prepare_cached("UPDATE events SET payload = ?1 WHERE id = ?2")?
            .execute(params![payload::encode(&out)?, e.id.as_bytes()])?;
        // A copy kept aside for a person to look at must not keep what was removed either.
        conn.prepare_cached("DELETE FROM quarantine WHERE id = ?1")?.execute([e.id.as_bytes()])?;
        n += 1;
    }
    Ok(n)
}

/// After payloads were redacted (committed): the full-text indexes merged into fresh segments,
/// so that the removed words are no longer in the file (a contentless FTS5 table keeps deleted
/// tokens in its old segments until they merge), and the write-ahead log checkpointed into the
/// database, whose freed pages `secure_delete` has zeroed. A checkpoint that readers hold up
/// is left to SQLite's next automatic one.
pub(crate) fn scrub(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "INSERT INTO case_fts (case_fts) VALUES ('optimize');
         INSERT INTO case_chars (case_chars) VALUES ('optimize');",
    )?;
    let _busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
    Ok(())
}

/// Whether `e`, whose hash does not follow from its payload, is the redacted form of the event
/// an anonymisation listed.
pub(crate) fn is_redacted_form(e: &Event, listed: &Redactions) -> bool {
    listed.get(&e.id).is_some_and(|r| redact::verify(e, r))
}

/// Why an anonymisation from elsewhere cannot be applied to what is held (and to `pending`, the
/// events of the same page admitted before it), if it cannot: it lists an event of another
/// stream, or a hash or digest that does not fit the event.
pub(crate) fn mismatch(
    conn: &Connection,
    anonymization: &Event,
    pending: &[&Event],
) -> Result<Option<String>> {
    let Some(list) = redact::redactions_of(&anonymization.payload) else {
        return Ok(Some(format!("{}: redactions", reasons::MISMATCH)));
    };
    let sql = format!("SELECT {} FROM events WHERE id = ?1", project::EVENT_COLUMNS);
    for r in &list {
        let held = conn
            .prepare_cached(&sql)?
            .query_row([r.event.as_bytes()], project::event_from_row)
            .optional()?;
        let target =
            held.or_else(|| pending.iter().find(|p| p.id == r.event).map(|p| (*p).clone()));
        let Some(t) = target else { continue };
        if t.stream != anonymization.stream {
            return Ok(Some(format!("{}: {} is of another case", reasons::MISMATCH, r.event)));
        }
        if !redact::verify(&t, r) && redact::apply(&t, r).is_err() {
            return Ok(Some(format!("{}: {}", reasons::MISMATCH, r.event)));
        }
    }
    Ok(None)
}

/// The quarantine reasons of anonymisation.
pub mod reasons {
    /// A `case.anonymized` whose listing does not fit the events it names (hash, digest, or
    /// an event of another case); or an event that an anonymisation lists with another hash.
    pub const MISMATCH: &str = "anonymize_mismatch";
}

impl Store {
    /// The retention period after a case ends, in days (the head's setting).
    pub fn retention_days(&self) -> Result<u32> {
        let v: Option<String> = self
            .connection()
            .query_row("SELECT value FROM settings WHERE key = 'retention_days'", [], |r| r.get(0))
            .optional()?;
        Ok(v.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_RETENTION_DAYS))
    }

    /// Sets the retention period (needs the configure permission).
    pub fn set_retention_days(&mut self, actor: &Actor, days: u32) -> Result<()> {
        self.authorize(actor, casedesk_domain::types::Permission::Configure)?;
        if days > retention::MAX_RETENTION_DAYS {
            return Err(StoreError::invalid(vec![casedesk_domain::Issue::with_arg(
                "retention_days",
                "range",
                format!("0–{}", retention::MAX_RETENTION_DAYS),
            )]));
        }
        self.connection().execute(
            "INSERT INTO settings (key, value) VALUES ('retention_days', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [days.to_string()],
        )?;
        Ok(())
    }

    /// The cases whose retention period has ended by now and that still hold personal data,
    /// oldest first. `days` overrides the setting (to see what a longer period would keep).
    pub fn retention_due(&self, days: Option<u32>) -> Result<Vec<RetentionDue>> {
        let days = match days {
            Some(d) => d,
            None => self.retention_days()?,
        };
        let now = self.now();
        let conn = self.connection();
        let ids: Vec<(Vec<u8>, String)> = conn
            .prepare(
                "SELECT id, no FROM cases WHERE status IN ('closed', 'not_accepted', 'voided')
                 ORDER BY received_at, rowid",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for (id, no) in ids {
            let id = Uuid::from_slice(&id).map_err(|e| StoreError::integrity(e.to_string()))?;
            let events = case_events(conn, id)?;
            let Some(s) = case::fold(&events)? else { continue };
            let Some(a) = retention::plan(&s, &events, days, now) else { continue };
            let (Some(ended_at), Some(due_at)) =
                (retention::ended_at(&s), retention::due_at(&s, days))
            else {
                continue;
            };
            out.push(RetentionDue {
                id,
                no,
                status: s.status,
                ended_at,
                due_at,
                events: a.redactions.len() as u32,
            });
        }
        out.sort_by_key(|d| d.due_at);
        Ok(out)
    }

    /// Anonymises a case whose retention period has ended: writes `case.anonymized` listing
    /// every earlier event that holds personal fields, replaces their stored payloads by the
    /// redacted ones, and rewrites the case's projection and search entries, in one transaction.
    pub fn anonymize_op(
        &mut self,
        op: Option<&str>,
        case_id: Uuid,
        actor: &Actor,
    ) -> Result<Event> {
        if let Some(done) = crate::op_result(self.connection(), op)? {
            return self.event_by_id(&done);
        }
        let days = self.retention_days()?;
        let now = self.now();
        let event = self.act_checked(
            op,
            case_id,
            actor,
            |tx, state: &CaseState| {
                let events = case_events(tx, case_id)?;
                match retention::plan(state, &events, days, now) {
                    Some(a) => Ok(CaseEvent::Anonymized(a)),
                    None if retention::due_at(state, days).is_some_and(|d| d <= now) => {
                        Err(StoreError::invalid(vec![casedesk_domain::Issue::new(
                            "redactions",
                            "retention.nothing",
                        )]))
                    }
                    None => Err(StoreError::invalid(vec![casedesk_domain::Issue::new(
                        "at",
                        "retention.not_due",
                    )])),
                }
            },
            |e| e.id.to_string(),
        )?;
        scrub(self.connection())?;
        Ok(event)
    }

    /// `anonymize_op` for every case `retention_due` lists; the events written.
    pub fn anonymize_due(&mut self, actor: &Actor) -> Result<Vec<Event>> {
        let due = self.retention_due(None)?;
        let mut out = Vec::with_capacity(due.len());
        for d in due {
            out.push(self.anonymize_op(None, d.id, actor)?);
        }
        Ok(out)
    }
}

/// The case events of a stream (what `fold` takes).
fn case_events(conn: &Connection, id: Uuid) -> Result<Vec<Event>> {
    let mut events = project::load_stream(conn, id)?;
    events.retain(|e| e.kind.starts_with("case."));
    Ok(events)
}
