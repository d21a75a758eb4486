//! Projections: the tables the UI reads, written from folded state. Pure functions of the log
//! (plus the station's calendar and deadline settings), so `rebuild_all` gives the same rows.

use casedesk_proto::{Event, EventHash, Hlc};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use crate::bench::phases;
use crate::error::Result;
use casedesk_domain::calendar::WorkCalendar;
use casedesk_domain::case::{self, CaseState};
use casedesk_domain::deadline::{self, OwnRules};
use casedesk_domain::event::{DomainEvent, OrgEvent};

pub(crate) const EVENT_COLUMNS: &str =
    "id, stream, device, seq, hlc, actor, unit, kind, v, payload, prev, hash";

/// Reads an event row selected with `EVENT_COLUMNS`.
pub(crate) fn event_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Event> {
    let uuid = |i: usize| -> rusqlite::Result<Uuid> {
        let b: Vec<u8> = r.get(i)?;
        Uuid::from_slice(&b).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Blob, Box::new(e))
        })
    };
    let hash = |i: usize| -> rusqlite::Result<EventHash> {
        let b: Vec<u8> = r.get(i)?;
        <[u8; 32]>::try_from(b.as_slice()).map(EventHash).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Blob, Box::new(e))
        })
    };
    let actor: Option<Vec<u8>> = r.get(5)?;
    let payload = super::payload::decode(r.get_ref(9)?).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(9, rusqlite::types::Type::Blob, Box::new(e))
    })?;
    Ok(Event {
        id: uuid(0)?,
        stream: uuid(1)?,
        device: uuid(2)?,
        seq: r.get::<_, i64>(3)? as u64,
        hlc: Hlc(r.get::<_, i64>(4)? as u64),
        actor: actor.and_then(|b| Uuid::from_slice(&b).ok()),
        unit: r.get(6)?,
        kind: r.get(7)?,
        v: r.get(8)?,
        payload,
        prev: hash(10)?,
        hash: hash(11)?,
    })
}

pub(crate) fn load_stream(conn: &Connection, stream: Uuid) -> Result<Vec<Event>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {EVENT_COLUMNS} FROM events WHERE stream = ?1 ORDER BY rowid"
    ))?;
    let rows = stmt.query_map([stream.as_bytes()], event_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn refresh_case(
    conn: &Connection,
    stream: Uuid,
    cal: &WorkCalendar,
    own: &OwnRules,
) -> Result<()> {
    let mut events = load_stream(conn, stream)?;
    // A stream is a case's or an organisation record's; what a database of an older version
    // may hold of the other kind is not folded into it.
    events.retain(|e| e.kind.starts_with("case."));
    match case::fold(&events)? {
        Some(state) => write_case(conn, &state, cal, own),
        // Events of a case whose registration has not arrived yet: nothing to show until it does.
        None => Ok(()),
    }
}

const FLAG_ANOMALY: i64 = 1;
const FLAG_CONFLICT: i64 = 2;

/// The text with a space between every two characters: each character is a token of the
/// `case_chars` index (words of one or two characters are found through it).
pub(crate) fn spaced(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for ch in text.chars().filter(|c| !c.is_whitespace()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(ch.to_lowercase());
    }
    out
}

/// The text a case is found by.
pub(crate) fn search_text(s: &CaseState) -> String {
    let r = &s.reg;
    let mut parts: Vec<&str> = vec![&r.case_no];
    // Complainants' ID numbers and phone numbers are not in the text: a search by some of
    // their digits would tell what a masked number hides. They are found whole (`case_ids`).
    for c in &r.complainants {
        parts.push(&c.name);
        parts.push(&c.contact_person);
        parts.push(&c.village);
        parts.push(&c.address);
    }
    for p in &r.respondents {
        parts.push(&p.name);
        if let Some(u) = &p.uscc {
            parts.push(u);
        }
        parts.push(&p.address);
        parts.push(&p.phone);
    }
    parts.push(&r.facts.place);
    parts.push(&r.facts.content);
    parts.push(&r.request_text);
    parts.retain(|p| !p.is_empty());
    let mut text = parts.join(" ");
    // A phone typed without its dash or with spaces (0977 8221234) is found by its digits.
    for phone in r.respondents.iter().map(|p| &p.phone) {
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        if !digits.is_empty() && digits != *phone {
            text.push(' ');
            text.push_str(&digits);
        }
    }
    text
}

/// The complainants' ID numbers and phone numbers (and the respondents' phones) of a case as
/// `case_ids` keeps them: digits
/// only (an ID number's check character upper-cased), each once.
pub(crate) fn identifiers(s: &CaseState) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in &s.reg.complainants {
        for v in c.id_number.iter().chain(c.phones.iter()) {
            let key = identifier_key(v);
            if key.len() >= 5 && !out.contains(&key) {
                out.push(key);
            }
        }
    }
    // Respondents' phones are public and in the text too; a whole one is looked up here.
    for p in &s.reg.respondents {
        let key = identifier_key(&p.phone);
        if key.len() >= 5 && !out.contains(&key) {
            out.push(key);
        }
    }
    out
}

/// A number as `case_ids` keeps it (and as a search term is compared with it).
pub(crate) fn identifier_key(v: &str) -> String {
    v.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

/// Changes to the full-text index held back until the end of a bulk transaction
/// (`Store::batch`): per case row, whether the index held it before and its final text.
#[derive(Default)]
pub(crate) struct FtsQueue {
    rows: std::collections::BTreeMap<i64, (bool, String)>,
}

impl FtsQueue {
    fn put(&mut self, rowid: i64, indexed_before: bool, text: String) {
        self.rows.entry(rowid).or_insert((indexed_before, String::new())).1 = text;
    }

    /// Writes the held-back changes (in rowid order, one statement each).
    pub(crate) fn flush(&mut self, conn: &Connection) -> Result<()> {
        for (rowid, (before, text)) in std::mem::take(&mut self.rows) {
            write_fts(conn, rowid, before, &text)?;
        }
        Ok(())
    }

    /// The held-back rows and whether the index held each before, without their texts (a bulk
    /// load reads them back from `case_text` at its end).
    pub(crate) fn take_rows(&mut self) -> impl Iterator<Item = (i64, bool)> + use<> {
        std::mem::take(&mut self.rows).into_iter().map(|(rowid, (before, _))| (rowid, before))
    }
}

/// Writes the search index of `rows` (rowid → whether the index held it before) from their
/// text in `case_text`, in rowid order: the end of a bulk load.
pub(crate) fn write_fts_from_text(
    conn: &Connection,
    rows: &std::collections::BTreeMap<i64, bool>,
) -> Result<()> {
    // FTS5 writes its pending terms out as a new segment whenever they pass `hashsize` (1 MB by
    // default), then merges segments: filled in one go, a larger buffer makes far fewer, larger
    // segments and far less merging. Back to the default after (a row equal to it stays in each
    // index's config table).
    for t in ["case_fts", "case_chars"] {
        conn.execute(
            &format!("INSERT INTO {t} ({t}, rank) VALUES ('hashsize', ?1)"),
            [BULK_HASHSIZE],
        )?;
    }
    let written = write_rows(conn, rows);
    for t in ["case_fts", "case_chars"] {
        conn.execute(
            &format!("INSERT INTO {t} ({t}, rank) VALUES ('hashsize', ?1)"),
            [FTS5_HASHSIZE],
        )?;
    }
    written
}

/// FTS5's default `hashsize` (`FTS5_DEFAULT_HASHSIZE`) and the one of a bulk fill.
const FTS5_HASHSIZE: i64 = 1024 * 1024;
const BULK_HASHSIZE: i64 = 128 * 1024 * 1024;

fn write_rows(conn: &Connection, rows: &std::collections::BTreeMap<i64, bool>) -> Result<()> {
    let mut text = conn.prepare_cached("SELECT text FROM case_text WHERE rowid = ?1")?;
    for (&rowid, &before) in rows {
        let t: Option<String> = text.query_row([rowid], |r| r.get(0)).optional()?;
        match t {
            Some(t) => write_fts(conn, rowid, before, &t)?,
            // A row written and then dropped again within the load (none today).
            None if before => {
                conn.prepare_cached("DELETE FROM case_fts WHERE rowid = ?1")?.execute([rowid])?;
                conn.prepare_cached("DELETE FROM case_chars WHERE rowid = ?1")?.execute([rowid])?;
            }
            None => {}
        }
    }
    Ok(())
}

/// Puts a case's search text into both full-text indexes: `case_fts` (words) and
/// `case_chars` (one token per character, for words of one or two characters).
fn write_fts(conn: &Connection, rowid: i64, indexed_before: bool, text: &str) -> Result<()> {
    if indexed_before {
        conn.prepare_cached("DELETE FROM case_fts WHERE rowid = ?1")?.execute([rowid])?;
        conn.prepare_cached("DELETE FROM case_chars WHERE rowid = ?1")?.execute([rowid])?;
    }
    conn.prepare_cached("INSERT INTO case_fts (rowid, text) VALUES (?1, ?2)")?
        .execute(params![rowid, text])?;
    phases::mark("search index (trigram)");
    conn.prepare_cached("INSERT INTO case_chars (rowid, text) VALUES (?1, ?2)")?
        .execute(params![rowid, spaced(text)])?;
    phases::mark("search index (chars)");
    Ok(())
}

pub(crate) fn write_case(
    conn: &Connection,
    s: &CaseState,
    cal: &WorkCalendar,
    own: &OwnRules,
) -> Result<()> {
    write_case_with(conn, s, cal, own, None)
}

/// `write_case`, with the search index's change held in `fts` when given.
pub(crate) fn write_case_with(
    conn: &Connection,
    s: &CaseState,
    cal: &WorkCalendar,
    own: &OwnRules,
    fts: Option<&mut FtsQueue>,
) -> Result<()> {
    write_case_at(conn, s, None, cal, own, fts)
}

/// Re-projects a case from its log, a new row taking `rowid` (a bulk load's reservation).
pub(crate) fn refresh_case_at(
    conn: &Connection,
    stream: Uuid,
    rowid: Option<i64>,
    cal: &WorkCalendar,
    own: &OwnRules,
    fts: &mut FtsQueue,
) -> Result<()> {
    let mut events = load_stream(conn, stream)?;
    events.retain(|e| e.kind.starts_with("case."));
    match case::fold(&events)? {
        Some(state) => write_case_at(conn, &state, rowid, cal, own, Some(fts)),
        None => Ok(()),
    }
}

/// `write_case_with`; a case without a row yet gets `rowid` when given and free (a bulk
/// load's reservation: the rowid the case would have had if projected at registration),
/// otherwise the next one.
pub(crate) fn write_case_at(
    conn: &Connection,
    s: &CaseState,
    rowid: Option<i64>,
    cal: &WorkCalendar,
    own: &OwnRules,
    fts: Option<&mut FtsQueue>,
) -> Result<()> {
    let rowid = match rowid {
        Some(want) => {
            let holder: Option<Vec<u8>> = conn
                .prepare_cached("SELECT id FROM cases WHERE rowid = ?1")?
                .query_row([want], |r| r.get(0))
                .optional()?;
            // Taken by another case (written by another connection meanwhile): the next one.
            match holder {
                Some(id) if id != s.id.as_bytes() => None,
                _ => Some(want),
            }
        }
        None => None,
    };
    let r = &s.reg;
    let next = deadline::next_deadline(s, cal, own);
    // The person a case is listed under: the first representative of a collective complaint,
    // otherwise the first complainant. The UI adds "等N户" / "and N others" in its language.
    let listed = r
        .complainants
        .iter()
        .find(|c| r.collective.is_some() && c.representative)
        .or(r.complainants.first());
    let complainant = listed.map(|c| c.name.clone()).unwrap_or_default();
    // Shown in lists, so kept masked (minimum necessary display).
    let phone = listed.and_then(|c| c.phones.first()).map(|p| casedesk_domain::mask::phone(p));
    let respondents =
        serde_json::to_string(&r.respondents.iter().map(|p| p.name.as_str()).collect::<Vec<_>>())?;
    let mut flags = 0;
    if s.timeline.iter().any(|t| t.anomaly) {
        flags |= FLAG_ANOMALY;
    }
    if !s.conflicts.is_empty() {
        flags |= FLAG_CONFLICT;
    }
    let closure = s.closure.as_ref();
    let shown_no = number_shown(conn, s)?;
    phases::mark("number shown");
    let mut stmt = conn.prepare_cached(
        "INSERT INTO cases (rowid, id, no, reg_no, case_type, mode, status, channel, received_at, receiving_unit, unit,
            category, nature, collective, households, complainant, respondents, claim_fen, recovered_fen,
            doubled_fen, outcome, closed_at, deadline_kind, deadline_day, deadline_provisional, roving,
            flags, updated_hlc, accepted_at, complainants, on_time, satisfaction, place, phone)
         VALUES (?34, ?1, ?2, ?29, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
            ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?30, ?31, ?32, ?33)
         ON CONFLICT (id) DO UPDATE SET no = excluded.no, reg_no = excluded.reg_no,
            case_type = excluded.case_type,
            mode = excluded.mode, status = excluded.status, channel = excluded.channel,
            received_at = excluded.received_at, receiving_unit = excluded.receiving_unit,
            unit = excluded.unit, category = excluded.category, nature = excluded.nature,
            collective = excluded.collective, households = excluded.households,
            complainant = excluded.complainant, respondents = excluded.respondents,
            complainants = excluded.complainants, phone = excluded.phone,
            claim_fen = excluded.claim_fen, recovered_fen = excluded.recovered_fen,
            doubled_fen = excluded.doubled_fen, outcome = excluded.outcome,
            closed_at = excluded.closed_at, deadline_kind = excluded.deadline_kind,
            deadline_day = excluded.deadline_day, deadline_provisional = excluded.deadline_provisional,
            roving = excluded.roving, flags = excluded.flags, updated_hlc = excluded.updated_hlc,
            accepted_at = excluded.accepted_at, on_time = excluded.on_time,
            satisfaction = excluded.satisfaction, place = excluded.place
         RETURNING rowid",
    )?;
    let rowid: i64 = stmt.query_row(
        params![
            s.id.as_bytes(),
            shown_no,
            r.case_type.code(),
            r.mode.code(),
            s.status.code(),
            r.channel.code(),
            r.received_at.timestamp_millis(),
            r.unit,
            s.home_unit,
            r.category,
            r.nature,
            r.collective.is_some(),
            r.collective.as_ref().map(|c| c.households),
            complainant,
            respondents,
            r.claim_fen,
            closure.map_or(0, |c| c.recovered_fen),
            closure.map_or(0, |c| c.doubled_fen),
            closure.map(|c| c.outcome.code()),
            closure.map(|c| c.at.timestamp_millis()),
            next.map(|d| d.kind.code()),
            next.map(|d| deadline::day_number(d.date)),
            next.is_some_and(|d| d.provisional),
            r.roving_session.map(|u| u.as_bytes().to_vec()),
            flags,
            s.last_hlc.0 as i64,
            s.accepted_at.map(|t| t.timestamp_millis()),
            r.complainants.len() as i64,
            r.case_no,
            deadline::closed_on_time(s, cal, own),
            s.follow_ups.last().map(|f| f.satisfaction.code()),
            r.facts.place,
            phone,
            rowid,
        ],
        |row| row.get(0),
    )?;
    phases::mark("cases row");

    conn.prepare_cached(
        "INSERT OR REPLACE INTO stat_cases (rowid, case_type, status, received_at, accepted_at,
            closed_at, receiving_unit, unit, outcome, on_time, recovered_fen, doubled_fen,
            category, nature, satisfaction)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
        rowid,
        r.case_type.code(),
        s.status.code(),
        r.received_at.timestamp_millis(),
        s.accepted_at.map(|t| t.timestamp_millis()),
        closure.map(|c| c.at.timestamp_millis()),
        r.unit,
        s.home_unit,
        closure.map(|c| c.outcome.code()),
        deadline::closed_on_time(s, cal, own),
        closure.map_or(0, |c| c.recovered_fen),
        closure.map_or(0, |c| c.doubled_fen),
        r.category,
        r.nature,
        s.follow_ups.last().map(|f| f.satisfaction.code()),
    ])?;
    phases::mark("stat row");

    conn.prepare_cached("DELETE FROM parties WHERE case_rowid = ?1")?.execute([rowid])?;
    let mut party = conn.prepare_cached(
        "INSERT INTO parties (case_rowid, role, idx, name, key, phone) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (i, c) in r.complainants.iter().enumerate() {
        party.execute(params![rowid, "c", i as i64, c.name, c.id_number, c.phones.first()])?;
    }
    for (i, p) in r.respondents.iter().enumerate() {
        let key = p.uscc.as_ref().or(p.legacy_reg_no.as_ref());
        let phone = (!p.phone.is_empty()).then_some(&p.phone);
        party.execute(params![rowid, "r", i as i64, p.name, key, phone])?;
    }
    phases::mark("parties");

    if !s.sessions.is_empty() || has_rows(conn, "sessions", rowid)? {
        conn.prepare_cached("DELETE FROM sessions WHERE case_rowid = ?1")?.execute([rowid])?;
        // Session ids are the case's own: another case (of another device) may reuse one.
        let mut ins = conn.prepare_cached(
            "INSERT OR IGNORE INTO sessions (id, case_rowid, scheduled_at, held_at, mode, place, mediator, result)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for v in &s.sessions {
            let (mode, place, mediator) = match (&v.recorded, &v.scheduled) {
                (Some(r), _) => (r.mode, r.place.as_str(), r.mediator.as_str()),
                (None, Some(sc)) => (sc.mode, sc.place.as_str(), sc.mediator.as_str()),
                (None, None) => continue,
            };
            ins.execute(params![
                v.id.as_bytes(),
                rowid,
                v.scheduled.as_ref().map(|x| x.at.timestamp_millis()),
                v.recorded.as_ref().map(|x| x.held_at.timestamp_millis()),
                mode.code(),
                place,
                mediator,
                v.recorded.as_ref().map(|x| x.result.code()),
            ])?;
        }
    }

    if !s.transfers.is_empty() || has_rows(conn, "transfers", rowid)? {
        conn.prepare_cached("DELETE FROM transfers WHERE case_rowid = ?1")?.execute([rowid])?;
        // Transfer ids are the case's own; a transfer id repeated within one case keeps the
        // first in fold order.
        let mut ins = conn.prepare_cached(
            "INSERT OR IGNORE INTO transfers (id, case_rowid, kind, from_unit, to_unit, due_day, feedback_at, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for t in &s.transfers {
            let to = if t.transfer.to_unit.is_empty() {
                &t.transfer.to_department
            } else {
                &t.transfer.to_unit
            };
            ins.execute(params![
                t.transfer.transfer.as_bytes(),
                rowid,
                t.transfer.kind.code(),
                t.from_unit,
                to,
                t.transfer.due.map(deadline::day_number),
                t.feedback.as_ref().map(|f| f.0.timestamp_millis()),
                t.at.timestamp_millis(),
            ])?;
        }
    }

    if !s.documents.is_empty() || has_rows(conn, "documents", rowid)? {
        conn.prepare_cached("DELETE FROM documents WHERE case_rowid = ?1")?.execute([rowid])?;
        let mut ins = conn.prepare_cached(
            "INSERT OR IGNORE INTO documents (event, case_rowid, kind, number, template, sha256, bytes,
                issued_at, recipient, delivery, subject, unit, device)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?;
        for d in &s.documents {
            let x = &d.doc;
            ins.execute(params![
                d.event.as_bytes(),
                rowid,
                x.kind.code(),
                x.number,
                x.template,
                x.sha256,
                x.bytes as i64,
                x.issued_at.timestamp_millis(),
                x.recipient.code(),
                x.delivery.code(),
                x.subject.map(|u| u.as_bytes().to_vec()),
                d.unit,
                d.device.as_bytes(),
            ])?;
        }
    }

    if !s.evidence.is_empty() || has_rows(conn, "evidence", rowid)? {
        conn.prepare_cached("DELETE FROM evidence WHERE case_rowid = ?1")?.execute([rowid])?;
        let mut ins = conn.prepare_cached(
            "INSERT OR IGNORE INTO evidence (event, case_rowid, id, sha256, size, media_type, name,
                description, original_returned, for_document, added_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        for v in &s.evidence {
            let x = &v.item;
            ins.execute(params![
                v.event.as_bytes(),
                rowid,
                x.evidence.as_bytes(),
                x.sha256,
                x.size as i64,
                x.media_type,
                x.name,
                x.description,
                x.original_returned,
                x.for_document,
                x.added_at.timestamp_millis(),
            ])?;
        }
    }

    phases::mark("sessions, transfers, documents, evidence");
    conn.prepare_cached("DELETE FROM case_ids WHERE case_rowid = ?1")?.execute([rowid])?;
    let mut ins =
        conn.prepare_cached("INSERT OR IGNORE INTO case_ids (value, case_rowid) VALUES (?1, ?2)")?;
    for v in identifiers(s) {
        ins.execute(params![v, rowid])?;
    }

    phases::mark("identifiers");
    let text = search_text(s);
    let old: Option<String> = conn
        .prepare_cached("SELECT text FROM case_text WHERE rowid = ?1")?
        .query_row([rowid], |r| r.get(0))
        .optional()?;
    if old.as_deref() != Some(text.as_str()) {
        conn.prepare_cached("INSERT OR REPLACE INTO case_text (rowid, text) VALUES (?1, ?2)")?
            .execute(params![rowid, text])?;
        phases::mark("search text");
        match fts {
            Some(q) => q.put(rowid, old.is_some(), text),
            None => write_fts(conn, rowid, old.is_some(), &text)?,
        }
    }
    Ok(())
}

/// The number a case is shown with: its registered number, or, when another case was given
/// the same number (two devices that shared a device code before enrollment), the number with
/// a suffix from the case's id. Every case of such a group is suffixed, so the result does not
/// depend on the order the cases arrived in; the others are rewritten here.
fn number_shown(conn: &Connection, s: &CaseState) -> Result<String> {
    let no = &s.reg.case_no;
    let others: Vec<Vec<u8>> = conn
        .prepare_cached("SELECT id FROM cases WHERE reg_no = ?1 AND id != ?2")?
        .query_map(params![no, s.id.as_bytes()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if others.is_empty() {
        return Ok(no.clone());
    }
    for other in others {
        if let Ok(id) = Uuid::from_slice(&other) {
            conn.prepare_cached("UPDATE cases SET no = ?1 WHERE id = ?2")?
                .execute(params![suffixed(no, id), id.as_bytes()])?;
        }
    }
    Ok(suffixed(no, s.id))
}

/// A case number with the last six hex digits of the case's id (the random part of a UUIDv7).
pub(crate) fn suffixed(no: &str, id: Uuid) -> String {
    let hex = id.simple().to_string();
    format!("{no}~{}", &hex[hex.len() - 6..])
}

fn has_rows(conn: &Connection, table: &str, rowid: i64) -> Result<bool> {
    let sql = format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE case_rowid = ?1)");
    Ok(conn.prepare_cached(&sql)?.query_row([rowid], |r| r.get(0))?)
}

/// Re-projects an organisation stream: its events in HLC order (a roving session's start
/// before its end whatever the clocks said), each an upsert. A unit's record is not the
/// stream's: every device of a unit registers it on a stream of its own, so the record is
/// folded from all of them (`write_unit`).
pub(crate) fn refresh_org(conn: &Connection, stream: Uuid) -> Result<()> {
    let mut events = load_stream(conn, stream)?;
    events.retain(|e| !e.kind.starts_with("case."));
    events.sort_by_key(|e| (e.kind == "roving.ended", e.hlc, e.device, e.seq));
    let mut units = std::collections::BTreeSet::new();
    for e in &events {
        match DomainEvent::decode(&e.kind, e.v, &e.payload)? {
            DomainEvent::Org(OrgEvent::UnitRegistered { code, .. }) => {
                units.insert(code);
            }
            DomainEvent::Org(OrgEvent::AuditRevealed { unit, case, case_no, field, at }) => {
                write_audit(conn, e, &unit, at, "reveal", Some(case), &case_no, &field, 0)?
            }
            DomainEvent::Org(OrgEvent::AuditExported { unit, what, count, at }) => {
                write_audit(conn, e, &unit, at, "export", None, "", &what, count)?
            }
            DomainEvent::Org(ev) => write_org(conn, stream, &ev)?,
            DomainEvent::Case(_) => {}
        }
    }
    for code in units {
        write_unit(conn, &code)?;
    }
    Ok(())
}

/// One entry of the access log, from an `audit.*` event (the actor is the envelope's).
#[allow(clippy::too_many_arguments)]
fn write_audit(
    conn: &Connection,
    e: &Event,
    unit: &str,
    at: chrono::DateTime<chrono::Utc>,
    action: &str,
    case: Option<Uuid>,
    case_no: &str,
    detail: &str,
    count: u64,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO audit_log (id, at, unit, actor, action, case_id, case_no, detail, count)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        e.id.as_bytes(),
        at.timestamp_millis(),
        unit,
        e.actor.map(|a| a.as_bytes().to_vec()),
        action,
        case.map(|c| c.as_bytes().to_vec()),
        case_no,
        detail,
        i64::try_from(count).unwrap_or(i64::MAX),
    ])?;
    Ok(())
}

/// The record of unit `code`: the latest `unit.registered` for it (by HLC, then device,
/// sequence and id), whichever stream and device wrote it. The same set of events gives the
/// same record in any order.
fn write_unit(conn: &Connection, code: &str) -> Result<()> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {EVENT_COLUMNS} FROM events WHERE kind = 'unit.registered'"
    ))?;
    let rows = stmt.query_map([], event_from_row)?;
    let mut best: Option<(Event, OrgEvent)> = None;
    for row in rows {
        let e = row?;
        let Ok(DomainEvent::Org(ev @ OrgEvent::UnitRegistered { .. })) =
            DomainEvent::decode(&e.kind, e.v, &e.payload)
        else {
            continue;
        };
        let OrgEvent::UnitRegistered { code: c, .. } = &ev else { continue };
        if c != code {
            continue;
        }
        let key = |x: &Event| (x.hlc, x.device, x.seq, x.id);
        if best.as_ref().is_none_or(|(b, _)| key(&e) > key(b)) {
            best = Some((e, ev));
        }
    }
    match best {
        Some((e, ev)) => write_org(conn, e.stream, &ev),
        None => {
            conn.execute("DELETE FROM units WHERE code = ?1", [code])?;
            Ok(())
        }
    }
}

fn write_org(conn: &Connection, stream: Uuid, ev: &OrgEvent) -> Result<()> {
    let codes = |v: &[String]| v.join(",");
    match ev {
        OrgEvent::UnitRegistered { code, name, unit_kind, parent, admin_code, demonstration } => {
            conn.execute(
                "INSERT OR REPLACE INTO units (code, stream, name, kind, parent, admin_code, demonstration)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![code, stream.as_bytes(), name, unit_kind.code(), parent, admin_code, demonstration],
            )?;
        }
        OrgEvent::StaffRegistered { unit, name, roles, phone, languages, active } => {
            let roles: Vec<String> = roles.iter().map(|r| r.code().to_owned()).collect();
            let langs: Vec<String> = languages.iter().map(|l| l.code().to_owned()).collect();
            conn.execute(
                "INSERT OR REPLACE INTO staff (id, unit, name, roles, phone, languages, active)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![stream.as_bytes(), unit, name, codes(&roles), phone, codes(&langs), active],
            )?;
        }
        OrgEvent::DeviceRegistered { unit, code, name } => {
            conn.execute(
                "INSERT OR REPLACE INTO devices (id, unit, code, name) VALUES (?1, ?2, ?3, ?4)",
                params![stream.as_bytes(), unit, code, name],
            )?;
        }
        OrgEvent::RovingStarted { unit, date, place, team, .. } => {
            conn.execute(
                "INSERT INTO roving_sessions (id, unit, date, place, team, ended_at) VALUES (?1, ?2, ?3, ?4, ?5, NULL)
                 ON CONFLICT (id) DO UPDATE SET unit = excluded.unit, date = excluded.date,
                   place = excluded.place, team = excluded.team",
                params![stream.as_bytes(), unit, date.to_string(), place, codes(team)],
            )?;
        }
        OrgEvent::RovingEnded { at, .. } => {
            conn.execute(
                "UPDATE roving_sessions SET ended_at = ?2 WHERE id = ?1",
                params![stream.as_bytes(), at.timestamp_millis()],
            )?;
        }
        // The access log needs the envelope: `refresh_org` writes it.
        OrgEvent::AuditRevealed { .. } | OrgEvent::AuditExported { .. } => {}
        OrgEvent::ConsultationRecorded {
            unit,
            at,
            channel,
            topic,
            people,
            roving_session,
            category,
        } => {
            conn.prepare_cached(
                "INSERT OR REPLACE INTO consultations (id, unit, at, channel, topic, people, roving, category)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                    stream.as_bytes(),
                    unit,
                    at.timestamp_millis(),
                    channel.code(),
                    topic,
                    people,
                    roving_session.map(|u| u.as_bytes().to_vec()),
                    category
                ],
            )?;
        }
        OrgEvent::ReportSubmitted { unit, period, from, to, at, figures, note } => {
            conn.execute(
                "INSERT OR REPLACE INTO report_submissions (id, unit, period, from_date, to_date, at, figures, note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    stream.as_bytes(),
                    unit,
                    period,
                    from.to_string(),
                    to.to_string(),
                    at.timestamp_millis(),
                    serde_json::to_string(figures)?,
                    note
                ],
            )?;
        }
    }
    Ok(())
}

/// Projection tables, in the order they are cleared and compared.
pub(crate) const PROJECTION_TABLES: &[&str] = &[
    "units",
    "staff",
    "devices",
    "roving_sessions",
    "consultations",
    "report_submissions",
    "cases",
    "stat_cases",
    "parties",
    "sessions",
    "transfers",
    "documents",
    "evidence",
    "case_text",
    "case_ids",
    "audit_log",
];

/// Clears every projection and replays the whole log, stream by stream in log order.
pub(crate) fn rebuild_all(conn: &Connection, cal: &WorkCalendar, own: &OwnRules) -> Result<()> {
    for t in PROJECTION_TABLES {
        conn.execute(&format!("DELETE FROM {t}"), [])?;
    }
    conn.execute("DELETE FROM case_fts", [])?;
    conn.execute("DELETE FROM case_chars", [])?;
    let streams: Vec<(Vec<u8>, bool)> = {
        let mut stmt = conn.prepare(
            "SELECT stream, kind LIKE 'case.%' FROM events GROUP BY stream ORDER BY min(rowid)",
        )?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?
    };
    for (stream, is_case) in streams {
        let Ok(stream) = Uuid::from_slice(&stream) else { continue };
        if is_case {
            refresh_case(conn, stream, cal, own)?;
        } else {
            refresh_org(conn, stream)?;
        }
    }
    Ok(())
}
