//! Applying events that another device wrote (pulled from the hub, imported from a file).
//!
//! Nothing from elsewhere can fail a whole page: each event is first checked on its own
//! (hash, fork, limits, clock, kind, the kind of its stream) and kept aside in the `quarantine`
//! table with the reason when it does not pass. The events that pass are inserted stream by
//! stream, each stream on a savepoint of its own with its projection rewritten; when a stream's
//! projection cannot be written, its events are tried one at a time, and the ones that fail are
//! quarantined with the error. Only failures of the file itself (disk full, I/O) abort the
//! whole page, since retrying later can succeed.

use casedesk_domain::access;
use casedesk_domain::calendar::WorkCalendar;
use casedesk_domain::deadline::OwnRules;
use casedesk_domain::event::{DomainEvent, OrgEvent};
use casedesk_domain::types::StaffRole;
use casedesk_proto::{Event, Hlc, limits};
use chrono::{DateTime, Utc};
use rusqlite::{ErrorCode, OptionalExtension, Transaction, params};
use serde_json::Value;
use uuid::Uuid;

use crate::error::{Result, StoreError};
use crate::{ApplyReport, Source, insert_event, observe_hlc, project, retention};

/// Quarantine reasons of the station (the hub's are in `casedesk_proto::sync::reasons`; the
/// limit and clock reasons are the same codes).
pub mod reasons {
    /// The event's hash does not match its content.
    pub const HASH: &str = "hash";
    /// Another event holds the same id, or the same device and sequence number.
    pub const FORK: &str = "fork";
    /// A case event on an organisation stream, or the other way round.
    pub const STREAM_KIND_MISMATCH: &str = "stream_kind_mismatch";
    /// A second `case.registered` on a stream.
    pub const STREAM_EXISTS: &str = "stream_exists";
    /// This station's own event, arriving from elsewhere with content it never wrote.
    pub const OWN_DEVICE: &str = "own_device";
    pub const CLOCK_AHEAD: &str = "clock_ahead";
    /// The event names an actor this station knows no staff registration of (at the event's
    /// time).
    pub const ACTOR_UNKNOWN: &str = "actor_unknown";
    /// The actor's roles at the event's time did not give the permission its kind needs
    /// (`actor_forbidden: mediate`), or the actor was inactive then.
    pub const ACTOR_FORBIDDEN: &str = "actor_forbidden";
}

pub(crate) struct Apply<'a, 't> {
    tx: &'a Transaction<'t>,
    cal: &'a WorkCalendar,
    own: &'a OwnRules,
    now: DateTime<Utc>,
    source: Source,
    own_device: Option<Uuid>,
    own_unit: Option<&'a str>,
    /// Admitted events, grouped by stream in the order the streams first appear.
    streams: Vec<(Uuid, bool, Vec<&'a Event>)>,
    /// Events whose hash does not follow from their payload: redacted forms, judged once the
    /// page's anonymisations are admitted (`finish`).
    deferred: Vec<&'a Event>,
    /// Payloads redacted by `project` (on savepoints that were kept).
    redacted: std::cell::Cell<usize>,
    report: ApplyReport,
}

impl<'a, 't> Apply<'a, 't> {
    pub(crate) fn new(
        tx: &'a Transaction<'t>,
        cal: &'a WorkCalendar,
        own: &'a OwnRules,
        now: DateTime<Utc>,
        source: Source,
        own_device: Option<Uuid>,
        own_unit: Option<&'a str>,
    ) -> Apply<'a, 't> {
        Apply {
            tx,
            cal,
            own,
            now,
            source,
            own_device,
            own_unit,
            streams: Vec::new(),
            deferred: Vec::new(),
            redacted: std::cell::Cell::new(0),
            report: ApplyReport::default(),
        }
    }

    /// Checks one event on its own; keeps it for `finish` or quarantines it.
    pub(crate) fn admit(&mut self, e: &'a Event) -> Result<()> {
        if !e.hash_is_valid() {
            // Perhaps the redacted form of an event an anonymisation lists: judged in `finish`,
            // when the page's anonymisations are known.
            self.deferred.push(e);
            return Ok(());
        }
        self.admit_sealed(e)
    }

    /// A hash-invalid event is taken only as the redacted form that an anonymisation of its
    /// stream (held, or admitted in this page) lists; otherwise it is quarantined (`hash`).
    fn admit_deferred(&mut self) -> Result<()> {
        for e in std::mem::take(&mut self.deferred) {
            let mut listed = retention::held_redactions(self.tx, e.stream)?;
            let pending: Vec<Event> = self
                .streams
                .iter()
                .filter(|(s, _, _)| *s == e.stream)
                .flat_map(|(_, _, l)| l.iter().map(|x| (*x).clone()))
                .collect();
            for (id, r) in retention::listed(&pending) {
                listed.entry(id).or_insert(r);
            }
            if retention::is_redacted_form(e, &listed) {
                self.admit_sealed(e)?;
            } else {
                self.quarantine(e, reasons::HASH.to_owned())?;
            }
        }
        Ok(())
    }

    /// `admit` for an event whose hash is valid or that is a verified redacted form.
    fn admit_sealed(&mut self, e: &'a Event) -> Result<()> {
        let held: Option<(Vec<u8>, Vec<u8>)> = self
            .tx
            .prepare_cached(
                "SELECT id, hash FROM events WHERE id = ?1 OR (device = ?2 AND seq = ?3) LIMIT 1",
            )?
            .query_row(params![e.id.as_bytes(), e.device.as_bytes(), e.seq as i64], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        if let Some((id, hash)) = held {
            if id == e.id.as_bytes() && hash == e.hash.0 {
                self.report.duplicates += 1;
                return Ok(());
            }
            return self.quarantine(e, reasons::FORK.to_owned());
        }
        match self.pending(e) {
            Some(true) => {
                self.report.duplicates += 1;
                return Ok(());
            }
            Some(false) => return self.quarantine(e, reasons::FORK.to_owned()),
            None => {}
        }
        if let Some(reason) = self.reason(e)? {
            return self.quarantine(e, reason);
        }
        let is_case = e.kind.starts_with("case.");
        match self.streams.iter_mut().find(|(s, _, _)| *s == e.stream) {
            Some((_, case_stream, list)) if *case_stream == is_case => list.push(e),
            Some(_) => return self.quarantine(e, reasons::STREAM_KIND_MISMATCH.to_owned()),
            None => self.streams.push((e.stream, is_case, vec![e])),
        }
        Ok(())
    }

    /// Why `e` cannot be applied, judged on the event itself and on what the stream holds.
    fn reason(&self, e: &Event) -> Result<Option<String>> {
        if self.own_device == Some(e.device) {
            // Our own chain is only ever written here; a copy of it from elsewhere that we do
            // not hold is not ours (duplicates were counted above).
            return Ok(Some(reasons::OWN_DEVICE.to_owned()));
        }
        if let Err(v) = limits::check_event(e) {
            let at = v.path();
            return Ok(Some(if at.is_empty() {
                v.code().to_owned()
            } else {
                format!("{}: {at}", v.code())
            }));
        }
        if e.hlc.is_ahead_of(self.now.timestamp_millis().max(0) as u64) {
            return Ok(Some(reasons::CLOCK_AHEAD.to_owned()));
        }
        if let Err(err) = DomainEvent::decode(&e.kind, e.v, &e.payload) {
            return Ok(Some(format!("{}: {err}", err_code(&err))));
        }
        if let Some(reason) = self.actor_reason(e)? {
            return Ok(Some(reason));
        }
        if let Some(reason) = self.anonymization_reason(e)? {
            return Ok(Some(reason));
        }
        let is_case = e.kind.starts_with("case.");
        let stream_kind: Option<String> = self
            .tx
            .prepare_cached("SELECT kind FROM events WHERE stream = ?1 LIMIT 1")?
            .query_row([e.stream.as_bytes()], |r| r.get(0))
            .optional()?;
        if let Some(k) = stream_kind {
            if k.starts_with("case.") != is_case {
                return Ok(Some(reasons::STREAM_KIND_MISMATCH.to_owned()));
            }
            if e.kind == "case.registered" && self.stream_has_registration(e.stream)? {
                return Ok(Some(reasons::STREAM_EXISTS.to_owned()));
            }
        }
        if e.kind == "case.registered"
            && self
                .streams
                .iter()
                .any(|(s, _, l)| *s == e.stream && l.iter().any(|x| x.kind == "case.registered"))
        {
            return Ok(Some(reasons::STREAM_EXISTS.to_owned()));
        }
        Ok(None)
    }

    /// Whether the event's actor could write it: their roles at the event's time (their latest
    /// `staff.registered` by HLC not after the event's, held or earlier in this page) must give
    /// the permission the kind needs. A staff member's very first registration may be their
    /// own (the founder of a station registers themselves). Events without an actor were
    /// written before sign-in existed and are taken as they are. A station sees the staff of
    /// its own unit (and, at the association, of the units below): an event of another unit
    /// whose actor it does not know (a case transferred down from the association) is taken
    /// as the hub admitted it, and judged by the stations that see that unit's staff.
    fn actor_reason(&self, e: &Event) -> Result<Option<String>> {
        let Some(actor) = e.actor else { return Ok(None) };
        let Some(perm) = access::for_kind(&e.kind) else { return Ok(None) };
        let at = self.staff_at(actor, e.hlc)?;
        let Some((roles, active)) = at else {
            if e.kind == "staff.registered" && e.stream == actor {
                return Ok(None);
            }
            if self.own_unit.is_some_and(|u| u != e.unit) {
                return Ok(None);
            }
            return Ok(Some(reasons::ACTOR_UNKNOWN.to_owned()));
        };
        if !active {
            return Ok(Some(format!("{}: inactive", reasons::ACTOR_FORBIDDEN)));
        }
        if !access::permits(&roles, perm) {
            return Ok(Some(format!("{}: {}", reasons::ACTOR_FORBIDDEN, perm.code())));
        }
        Ok(None)
    }

    /// An anonymisation must fit the events it lists (held or earlier in this page); an event
    /// an anonymisation lists must be the one it names (same hash).
    fn anonymization_reason(&self, e: &Event) -> Result<Option<String>> {
        if !e.kind.starts_with("case.") {
            return Ok(None);
        }
        let pending: Vec<&Event> = self
            .streams
            .iter()
            .filter(|(s, _, _)| *s == e.stream)
            .flat_map(|(_, _, l)| l.iter().copied())
            .collect();
        if e.kind == casedesk_proto::redact::ANONYMIZED_KIND {
            return retention::mismatch(self.tx, e, &pending);
        }
        let mut listed = retention::held_redactions(self.tx, e.stream)?;
        let owned: Vec<Event> = pending.iter().map(|x| (*x).clone()).collect();
        for (id, r) in retention::listed(&owned) {
            listed.entry(id).or_insert(r);
        }
        Ok(match listed.get(&e.id) {
            Some(r) if r.hash != e.hash => {
                Some(format!("{}: {}", retention::reasons::MISMATCH, e.id))
            }
            Some(r)
                if !casedesk_proto::redact::verify(e, r)
                    && casedesk_proto::redact::apply(e, r).is_err() =>
            {
                Some(format!("{}: {}", retention::reasons::MISMATCH, e.id))
            }
            _ => None,
        })
    }

    /// The roles and status of staff member `staff` at `hlc`.
    fn staff_at(&self, staff: Uuid, hlc: Hlc) -> Result<Option<(Vec<StaffRole>, bool)>> {
        let sql = format!(
            "SELECT {} FROM events WHERE stream = ?1 AND kind = 'staff.registered' AND hlc <= ?2
             ORDER BY hlc DESC, device DESC, seq DESC LIMIT 1",
            project::EVENT_COLUMNS
        );
        let held: Option<Event> = self
            .tx
            .prepare_cached(&sql)?
            .query_row(params![staff.as_bytes(), hlc.0 as i64], project::event_from_row)
            .optional()?;
        let mut best: Option<(Hlc, Uuid, u64, Value)> =
            held.map(|h| (h.hlc, h.device, h.seq, h.payload));
        for x in self.streams.iter().filter(|(s, _, _)| *s == staff).flat_map(|(_, _, l)| l) {
            if x.kind != "staff.registered" || x.hlc > hlc {
                continue;
            }
            let key = (x.hlc, x.device, x.seq);
            if best.as_ref().is_none_or(|(h, d, q, _)| key > (*h, *d, *q)) {
                best = Some((x.hlc, x.device, x.seq, x.payload.clone()));
            }
        }
        let Some((_, _, _, payload)) = best else { return Ok(None) };
        let v = casedesk_domain::event::PAYLOAD_VERSION;
        match DomainEvent::decode("staff.registered", v, &payload) {
            Ok(DomainEvent::Org(OrgEvent::StaffRegistered { roles, active, .. })) => {
                Ok(Some((roles, active)))
            }
            _ => Ok(None),
        }
    }

    fn stream_has_registration(&self, stream: Uuid) -> Result<bool> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM events WHERE stream = ?1 AND kind = 'case.registered')",
            )?
            .query_row([stream.as_bytes()], |r| r.get(0))?)
    }

    /// Whether an event admitted earlier in this page has `e`'s id or device and sequence:
    /// `Some(true)` when it is the very same event, `Some(false)` when it is another (a fork).
    fn pending(&self, e: &Event) -> Option<bool> {
        self.streams
            .iter()
            .flat_map(|(_, _, l)| l.iter())
            .find(|x| x.id == e.id || (x.device == e.device && x.seq == e.seq))
            .map(|x| x.id == e.id && x.hash == e.hash)
    }

    fn quarantine(&mut self, e: &Event, reason: String) -> Result<()> {
        let fresh = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO quarantine (id, event, reason, received, source)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                e.id.as_bytes(),
                serde_json::to_string(e)?,
                reason,
                self.now.timestamp_millis(),
                self.source.code()
            ])?;
        if fresh > 0 {
            self.report.quarantined.push((e.id, reason));
        } else {
            self.report.duplicates += 1;
        }
        Ok(())
    }

    /// Inserts the admitted events and rewrites the projections of their streams.
    pub(crate) fn finish(mut self) -> Result<ApplyReport> {
        self.admit_deferred()?;
        let streams = std::mem::take(&mut self.streams);
        let mut max_hlc = Hlc(0);
        for (stream, is_case, events) in streams {
            match self.stream_at_once(stream, is_case, &events) {
                Ok(()) => {
                    self.report.inserted += events.len();
                    max_hlc = max_hlc.max(events.iter().map(|e| e.hlc).max().unwrap_or_default());
                }
                Err(err) if is_fatal(&err) => return Err(err),
                Err(_) => {
                    // Find the events that break the projection: one at a time.
                    for e in events {
                        match self.one_event(stream, is_case, e) {
                            Ok(()) => {
                                self.report.inserted += 1;
                                max_hlc = max_hlc.max(e.hlc);
                            }
                            Err(err) if is_fatal(&err) => return Err(err),
                            Err(err) => {
                                self.quarantine(e, format!("projection: {}", err_text(&err)))?
                            }
                        }
                    }
                }
            }
        }
        if max_hlc > Hlc(0) {
            observe_hlc(self.tx, max_hlc)?;
        }
        self.report.redacted = self.redacted.get();
        Ok(self.report)
    }

    fn stream_at_once(&self, stream: Uuid, is_case: bool, events: &[&Event]) -> Result<()> {
        self.savepoint(|tx| {
            for e in events {
                insert_event(tx, e, 1)?;
            }
            self.project(tx, stream, is_case)
        })
    }

    fn one_event(&self, stream: Uuid, is_case: bool, e: &Event) -> Result<()> {
        self.savepoint(|tx| {
            insert_event(tx, e, 1)?;
            self.project(tx, stream, is_case)
        })
    }

    fn project(&self, tx: &Transaction<'_>, stream: Uuid, is_case: bool) -> Result<()> {
        if is_case {
            // An anonymisation that arrived, or an old event of an anonymised case: what is
            // stored is the redacted form.
            let n = retention::redact_stream(tx, stream)?;
            self.redacted.set(self.redacted.get() + n);
            project::refresh_case(tx, stream, self.cal, self.own)
        } else {
            project::refresh_org(tx, stream)
        }
    }

    /// Runs `f` on a savepoint: kept when it succeeds, rolled back when it fails.
    fn savepoint(&self, f: impl FnOnce(&Transaction<'_>) -> Result<()>) -> Result<()> {
        self.tx.execute_batch("SAVEPOINT apply_one")?;
        match f(self.tx) {
            Ok(()) => {
                self.tx.execute_batch("RELEASE apply_one")?;
                Ok(())
            }
            Err(e) => {
                self.tx.execute_batch("ROLLBACK TO apply_one; RELEASE apply_one")?;
                Err(e)
            }
        }
    }
}

/// Errors of the file itself: retrying later may succeed, so the page is not applied at all.
fn is_fatal(e: &StoreError) -> bool {
    match e {
        StoreError::Io(_) => true,
        StoreError::Db(rusqlite::Error::SqliteFailure(f, _)) => matches!(
            f.code,
            ErrorCode::DiskFull
                | ErrorCode::SystemIoFailure
                | ErrorCode::CannotOpen
                | ErrorCode::DatabaseBusy
                | ErrorCode::DatabaseLocked
                | ErrorCode::OutOfMemory
                | ErrorCode::ReadOnly
                | ErrorCode::DatabaseCorrupt
                | ErrorCode::NotADatabase
        ),
        _ => false,
    }
}

fn err_code(e: &casedesk_domain::DomainError) -> &'static str {
    e.code()
}

fn err_text(e: &StoreError) -> String {
    let s = e.to_string();
    s.chars().take(300).collect()
}
