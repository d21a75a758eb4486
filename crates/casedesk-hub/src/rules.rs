//! What the hub decides without looking at storage, shared by every `HubStore` (a PostgreSQL
//! store decides alike by calling the same functions):
//! - `check_batch`: what a push batch must pass before anything is stored (the pushing device's
//!   own events of its own unit, valid hashes, one unbroken run of its chain);
//! - `admit`: whether each new event is accepted, against the stream registry entry the store
//!   holds for its stream (`StreamState`) and the hub's clock, and how it changes that entry
//!   (`StreamChange`), or why it is quarantined: `content_reason` (kind, payload, limits,
//!   clock, unit) then `stream_rule` (who may write which stream);
//! - `audience`: which units an accepted event makes its stream visible to;
//! - `assign_device_code`: the code a new device gets, unique within its unit;
//! - anonymisation (`case.anonymized`, `casedesk_proto::redact`): a batch may carry the
//!   redacted forms its own anonymisation lists; an accepted anonymisation must fit the events
//!   held (`anonymization_mismatch`), and what it lists is stored redacted (`stored_form`),
//!   whether it was held before or arrives after. Which fields are personal is the stations'
//!   to say: the hub only removes the listed keys and checks the digest.

use std::collections::{HashMap, HashSet};

use casedesk_proto::redact::{self, Redaction};
use casedesk_proto::sync::{PullPage, PushBatch, PushReceipt, Quarantined, batch_id, reasons};
use casedesk_proto::{Event, EventHash, limits, sign};
use serde_json::Value;
use uuid::Uuid;

use crate::error::{HubError, Result};

/// Prefixes of organisation events (the hub also knows `case.`; an event of any other kind is
/// quarantined): visible to the unit that wrote them (and its ancestors).
pub const ORG_KIND_PREFIXES: &[&str] =
    &["unit.", "staff.", "device.", "roving.", "consultation.", "audit.", "report."];

/// Transfer kinds that give the target unit sight of the case (not `to_department`).
const VISIBLE_TRANSFER_KINDS: &[&str] = &["down", "up", "co_handle"];

/// A push batch that passed every check that needs no storage: it is not empty, it belongs to
/// the pushing device and its unit, every hash is valid, and its events, sorted by `seq`, form
/// one unbroken run of the device's chain. Only `check_batch` makes one.
#[derive(Clone, Debug)]
pub struct CheckedBatch {
    device: Uuid,
    batch_id: String,
    events: Vec<Event>,
    signature: Option<String>,
}

impl CheckedBatch {
    pub fn device(&self) -> Uuid {
        self.device
    }
    /// `casedesk_proto::sync::batch_id` of the events in `seq` order.
    pub fn batch_id(&self) -> &str {
        &self.batch_id
    }
    /// The events, sorted by `seq`, contiguous and chained; never empty.
    pub fn events(&self) -> &[Event] {
        &self.events
    }
    pub fn first_seq(&self) -> u64 {
        self.events.first().map_or(0, |e| e.seq)
    }
    /// The device's signature of the batch (checked against its key when it has one).
    pub fn signature(&self) -> Option<&str> {
        self.signature.as_deref()
    }
}

/// Checks a batch pushed by `device` of `unit`, whose public key is `device_key` (a device
/// enrolled without a key pushes unsigned batches). Ownership first (403 `forbidden`), then
/// integrity (422 `tampered`: hashes, chain, and the device's signature when it has a key);
/// nothing about what the hub already holds.
pub fn check_batch(
    device: Uuid,
    unit: &str,
    device_key: Option<&str>,
    batch: PushBatch,
) -> Result<CheckedBatch> {
    if batch.device != device {
        return Err(HubError::Forbidden("the batch is for another device".into()));
    }
    if batch.events.is_empty() {
        return Err(HubError::BadRequest("the batch has no events".into()));
    }
    for e in &batch.events {
        if e.device != device {
            return Err(HubError::Forbidden(format!(
                "event {} (seq {}) was written by another device",
                e.id, e.seq
            )));
        }
        if e.unit != unit {
            return Err(HubError::Forbidden(format!(
                "event {} (seq {}) is of another unit than the device's",
                e.id, e.seq
            )));
        }
    }
    let mut events = batch.events;
    // A station that anonymised a case before pushing it sends the redacted forms of the
    // case's earlier events, each verified through the anonymisation in the same batch.
    let listed = batch_redactions(&events);
    for e in &events {
        if !e.hash_is_valid()
            && !listed
                .get(&e.id)
                .is_some_and(|(stream, r)| *stream == e.stream && redact::verify(e, r))
        {
            return Err(HubError::Tampered(format!(
                "event {} (seq {}): hash does not match its content",
                e.id, e.seq
            )));
        }
    }
    events.sort_by_key(|e| e.seq);
    if events[0].seq == 0 {
        return Err(HubError::Tampered("sequence numbers start at 1".into()));
    }
    for pair in events.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if a.seq.checked_add(1) != Some(b.seq) {
            return Err(HubError::Tampered(format!(
                "sequence numbers are not contiguous: {} then {}",
                a.seq, b.seq
            )));
        }
        if b.prev != a.hash {
            return Err(HubError::Tampered(format!(
                "event seq {} does not link to event seq {}",
                b.seq, a.seq
            )));
        }
    }
    let mut ids: Vec<Uuid> = events.iter().map(|e| e.id).collect();
    ids.sort_unstable();
    if ids.windows(2).any(|w| w[0] == w[1]) {
        return Err(HubError::Tampered("an event id appears twice in the batch".into()));
    }
    let batch_id = batch_id(device, &events);
    let signature = batch.signature;
    if let Some(key) = device_key {
        let signed = signature
            .as_deref()
            .is_some_and(|sig| sign::verify(key, &sign::batch_message(&batch_id), sig));
        if !signed {
            return Err(HubError::Tampered(
                "the batch does not carry this device's signature".into(),
            ));
        }
    }
    Ok(CheckedBatch { device, batch_id, events, signature })
}

/// The redactions the sealed anonymisations among `events` list, by event id, with the
/// anonymisation's stream.
fn batch_redactions(events: &[Event]) -> HashMap<Uuid, (Uuid, Redaction)> {
    let mut out = HashMap::new();
    for a in events.iter().filter(|a| a.kind == redact::ANONYMIZED_KIND && a.hash_is_valid()) {
        for r in redact::redactions_of(&a.payload).unwrap_or_default() {
            out.entry(r.event).or_insert((a.stream, r));
        }
    }
    out
}

/// Why an accepted-looking anonymisation does not fit the events the hub holds (`held`: those
/// with an id it lists), if it does not: one of another stream, or whose hash or digest is not
/// the listed one. The hub does not judge who may anonymise (it does not know roles); the
/// stations do, and quarantine it when its actor may not.
pub fn anonymization_mismatch(anon: &Event, held: &[Event]) -> Option<&'static str> {
    let Some(list) = redact::redactions_of(&anon.payload) else {
        return Some(reasons::ANONYMIZE_MISMATCH);
    };
    for r in &list {
        let Some(t) = held.iter().find(|t| t.id == r.event) else { continue };
        if t.stream != anon.stream || (!redact::verify(t, r) && redact::apply(t, r).is_err()) {
            return Some(reasons::ANONYMIZE_MISMATCH);
        }
    }
    None
}

/// The event ids an anonymisation lists (none when its payload lists nothing readable).
pub fn listed_ids(anon: &Event) -> Vec<Uuid> {
    redact::redactions_of(&anon.payload).unwrap_or_default().into_iter().map(|r| r.event).collect()
}

/// How `e` is stored when the anonymisations the hub holds for its stream list it as `r`: as
/// it is (already the redacted form), redacted, or refused (`anonymize_mismatch`: another
/// event than the listed one).
pub fn stored_form(e: &Event, r: &Redaction) -> std::result::Result<Option<Event>, &'static str> {
    if redact::verify(e, r) {
        return Ok(None);
    }
    match redact::apply(e, r) {
        Ok(payload) => Ok(Some(Event { payload, ..e.clone() })),
        Err(_) => Err(reasons::ANONYMIZE_MISMATCH),
    }
}

/// The receipt of a batch whose first `duplicates` events the hub held already and whose other
/// events it stored now (`quarantined` among them), leaving the device at `acked_seq`/`head`.
pub fn receipt(
    batch: &CheckedBatch,
    acked_seq: u64,
    head_hash: EventHash,
    duplicates: usize,
    quarantined: Vec<Quarantined>,
) -> PushReceipt {
    let stored = batch.events.len() - duplicates.min(batch.events.len());
    PushReceipt {
        batch_id: batch.batch_id.clone(),
        device: batch.device,
        acked_seq,
        head_hash,
        stored: u32::try_from(stored).unwrap_or(u32::MAX),
        duplicates: u32::try_from(duplicates).unwrap_or(u32::MAX),
        quarantined,
        signature: None,
    }
}

/// `receipt` signed with the hub's key, as the JSON a store keeps and replays byte for byte.
pub fn signed_receipt(mut receipt: PushReceipt, key: &sign::SecretKey) -> Result<String> {
    receipt.signature = Some(key.sign(&sign::receipt_message(&receipt)));
    Ok(serde_json::to_string(&receipt)?)
}

/// Signs the checkpoint of `page`, a page of `unit`'s feed.
pub fn sign_checkpoint(page: &mut PullPage, unit: &str, key: &sign::SecretKey) {
    page.checkpoint_signature =
        Some(key.sign(&sign::checkpoint_message(unit, page.next, page.checkpoint)));
}

/// Why a device is frozen when it pushes `seq` with `pushed` while the hub holds `held`.
pub fn fork_reason(seq: u64, held: &str, pushed: &EventHash) -> String {
    format!("seq {seq} is held with hash {held} but was pushed with hash {}", pushed.to_hex())
}

/// What a stream is: a case (started by `case.registered`) or an organisation record (a unit,
/// a staff member, a device, a roving session, a consultation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamKind {
    Case,
    Org,
}

impl StreamKind {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            StreamKind::Case => "case",
            StreamKind::Org => "org",
        }
    }

    pub fn from_code(code: &str) -> Option<StreamKind> {
        match code {
            "case" => Some(StreamKind::Case),
            "org" => Some(StreamKind::Org),
            _ => None,
        }
    }

    /// The kind of stream an event of `kind` belongs to (`None` for an unknown kind).
    pub fn of_event(kind: &str) -> Option<StreamKind> {
        if kind.starts_with("case.") {
            Some(StreamKind::Case)
        } else if ORG_KIND_PREFIXES.iter().any(|p| kind.starts_with(p)) {
            Some(StreamKind::Org)
        } else {
            None
        }
    }
}

/// A unit that may write a case stream besides its owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Writer {
    pub unit: String,
    /// `Some(transfer)` for a co-handling unit: it may write until a `case.transfer_feedback`
    /// for that transfer is accepted. `None` for a unit named by a transfer down or up: it may
    /// write for good (a unit that once held the case may still append late events).
    pub co_handle: Option<Uuid>,
}

/// What the hub holds about a stream: the registry entry an implementation of `HubStore`
/// keeps, read before each event and changed by `StreamChange`s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamState {
    pub kind: StreamKind,
    /// The unit that started the stream (registered the case, wrote the first organisation
    /// event).
    pub owner: String,
    /// The open grants of a case stream (never of an organisation stream).
    pub writers: Vec<Writer>,
}

impl StreamState {
    /// Whether `unit` may append to this stream.
    pub fn may_write(&self, unit: &str) -> bool {
        self.owner == unit || self.writers.iter().any(|w| w.unit == unit)
    }

    /// Whether `unit` holds the case for good (its owner, or a unit a transfer down or up
    /// named): only such a unit may transfer it on. A co-handling unit helps; it cannot hand
    /// the case to itself or anyone else.
    pub fn may_transfer(&self, unit: &str) -> bool {
        self.owner == unit || self.writers.iter().any(|w| w.unit == unit && w.co_handle.is_none())
    }
}

/// How an accepted event changes the stream registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StreamChange {
    /// The event starts the stream, owned by the event's unit.
    Start { kind: StreamKind, owner: String },
    /// A transfer down, up or to co-handling names a unit that may write from now on.
    Grant(Writer),
    /// A transfer feedback ends the co-handling of `transfer`: its unit may no longer write
    /// (unless another grant names it).
    EndCoHandling { transfer: Uuid },
    /// Nothing changes.
    Keep,
}

/// Decides one new event of a pushed batch: `Ok` with the change it makes to the stream
/// registry, or `Err` with the quarantine reason (`casedesk_proto::sync::reasons`). `stream` is
/// what the registry holds for the event's stream at that moment, after every earlier accepted
/// event, those of the same batch included. `now_ms` is the hub's clock.
///
/// The content is checked first (`content_reason`), then the stream (`stream_rule`).
pub fn admit(
    event: &Event,
    stream: Option<&StreamState>,
    now_ms: i64,
) -> std::result::Result<StreamChange, &'static str> {
    if let Some(reason) = content_reason(event, now_ms) {
        return Err(reason);
    }
    stream_rule(event, stream)
}

/// Why `event` cannot be accepted whatever the hub holds, if it cannot: an unknown kind, a
/// payload that is not an object, a broken limit (`limits::check_event`), a clock too far ahead
/// of the hub's, or a payload that names another unit than the one whose device wrote it.
pub fn content_reason(event: &Event, now_ms: i64) -> Option<&'static str> {
    if StreamKind::of_event(&event.kind).is_none() {
        return Some(reasons::UNKNOWN_KIND);
    }
    if !event.payload.is_object() {
        return Some(reasons::PAYLOAD_NOT_OBJECT);
    }
    if let Err(violation) = limits::check_event(event) {
        return Some(violation.code());
    }
    // A clock before 1970 is no clock at all: it is taken as 0 (never as a huge number).
    if event.hlc.is_ahead_of(u64::try_from(now_ms).unwrap_or(0)) {
        return Some(reasons::CLOCK_AHEAD);
    }
    let field = match event.kind.as_str() {
        // A unit may only register itself: a child cannot change its parent's record.
        "unit.registered" => Some("code"),
        "case.registered"
        | "staff.registered"
        | "device.registered"
        | "roving.started"
        | "consultation.recorded"
        | "report.submitted" => Some("unit"),
        _ => None,
    };
    if let Some(field) = field
        && event.payload.get(field).and_then(Value::as_str) != Some(event.unit.as_str())
    {
        return Some(reasons::UNIT_MISMATCH);
    }
    None
}

/// The stream rules alone (who may write what), for an event whose content is fine:
/// - `case.registered` starts a case stream owned by the event's unit (`stream_exists` on a
///   stream the hub holds already);
/// - any other case event needs a case stream (`stream_unknown`, `stream_kind_mismatch`) that
///   the event's unit may write (`stream_not_owned`): its owner, a unit named by a transfer
///   down or up, or a co-handling unit until the feedback for its transfer;
/// - the first organisation event on a stream starts an organisation stream owned by its unit;
///   later ones need the same unit (`stream_not_owned`) and an organisation stream
///   (`stream_kind_mismatch`).
pub fn stream_rule(
    event: &Event,
    stream: Option<&StreamState>,
) -> std::result::Result<StreamChange, &'static str> {
    let Some(kind) = StreamKind::of_event(&event.kind) else {
        return Err(reasons::UNKNOWN_KIND);
    };
    if event.kind == "case.registered" {
        return match stream {
            Some(_) => Err(reasons::STREAM_EXISTS),
            None => Ok(StreamChange::Start { kind, owner: event.unit.clone() }),
        };
    }
    // A device's record is its own stream: no unit can start another device's first.
    if event.kind == "device.registered" && event.stream != event.device {
        return Err(reasons::STREAM_NOT_OWNED);
    }
    let Some(held) = stream else {
        return match kind {
            StreamKind::Case => Err(reasons::STREAM_UNKNOWN),
            StreamKind::Org => Ok(StreamChange::Start { kind, owner: event.unit.clone() }),
        };
    };
    if held.kind != kind {
        return Err(reasons::STREAM_KIND_MISMATCH);
    }
    if !held.may_write(&event.unit) {
        return Err(reasons::STREAM_NOT_OWNED);
    }
    if event.kind == "case.transferred" && !held.may_transfer(&event.unit) {
        return Err(reasons::STREAM_NOT_OWNED);
    }
    Ok(match event.kind.as_str() {
        "case.transferred" => {
            grant_of(&event.payload).map_or(StreamChange::Keep, StreamChange::Grant)
        }
        "case.transfer_feedback" => match payload_uuid(&event.payload, "transfer") {
            Some(transfer) => StreamChange::EndCoHandling { transfer },
            None => StreamChange::Keep,
        },
        _ => StreamChange::Keep,
    })
}

/// The writer a `case.transferred` payload names: its `to_unit` for a transfer down or up (for
/// good) or to co-handling (until the feedback for its `transfer` id; without a readable id it
/// grants nothing). Transfers to a department name no unit.
fn grant_of(payload: &Value) -> Option<Writer> {
    let to_unit = payload_str(payload, "to_unit")?;
    match payload_str(payload, "kind")?.as_str() {
        "down" | "up" => Some(Writer { unit: to_unit, co_handle: None }),
        "co_handle" => {
            let transfer = payload_uuid(payload, "transfer")?;
            Some(Writer { unit: to_unit, co_handle: Some(transfer) })
        }
        _ => None,
    }
}

/// A non-blank string field of a payload, trimmed.
fn payload_str(payload: &Value, key: &str) -> Option<String> {
    match payload.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        _ => None,
    }
}

fn payload_uuid(payload: &Value, key: &str) -> Option<Uuid> {
    payload.get(key).and_then(Value::as_str).and_then(|s| Uuid::parse_str(s.trim()).ok())
}

/// Longest device code (letters and digits; case numbers carry it).
pub const MAX_DEVICE_CODE_CHARS: usize = 8;

/// What is left of an asked-for device code when only ASCII letters and digits are kept,
/// upper-cased, at most `MAX_DEVICE_CODE_CHARS` of them.
pub fn normalize_device_code(asked: &str) -> String {
    asked
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .take(MAX_DEVICE_CODE_CHARS)
        .collect()
}

/// The device code to give a device that asks for `asked`, when the unit's other devices hold
/// `taken` (normalized codes). The asked code (normalized) when it is free; otherwise the same
/// letters with the next free number after the asked one (`A1` taken: `A2`, `A3` ...; the
/// letters are shortened when the number needs the room). An empty ask starts at `D1`.
/// `None` only if no code is free in a very long search (a unit has far fewer devices).
pub fn assign_device_code(asked: &str, taken: &HashSet<String>) -> Option<String> {
    let wanted = normalize_device_code(asked);
    if !wanted.is_empty() && !taken.contains(&wanted) {
        return Some(wanted);
    }
    let letters =
        if wanted.is_empty() { "D" } else { wanted.trim_end_matches(|c: char| c.is_ascii_digit()) };
    let asked_number: u64 = wanted[letters.len().min(wanted.len())..].parse().unwrap_or(0);
    let largest = 10u64.pow(MAX_DEVICE_CODE_CHARS as u32) - 1;
    let tries = taken.len() as u64 + 10_000;
    (0..tries).find_map(|i| {
        // The numbers after the asked one, then from 1 again.
        let number = (asked_number + i) % largest + 1;
        let digits = number.to_string();
        let room = MAX_DEVICE_CODE_CHARS.saturating_sub(digits.len());
        let code = format!("{}{digits}", &letters[..letters.len().min(room)]);
        (!taken.contains(&code)).then_some(code)
    })
}

/// The units an accepted event addresses directly: its stream becomes visible to each of them
/// (and to their ancestors). A registration addresses the receiving unit (and the writer's);
/// a transfer down, up or to co-handling addresses its target unit; an organisation event
/// addresses the unit that wrote it. Other events add no one.
pub fn audience(event: &Event) -> Vec<String> {
    let payload_str = |key: &str| match event.payload.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        _ => None,
    };
    let mut units = Vec::new();
    if event.kind == "case.registered" {
        units.extend(payload_str("unit"));
        units.push(event.unit.clone());
    } else if event.kind == "case.transferred" {
        let kind = payload_str("kind");
        if kind.as_deref().is_some_and(|k| VISIBLE_TRANSFER_KINDS.contains(&k)) {
            units.extend(payload_str("to_unit"));
        }
    } else if ORG_KIND_PREFIXES.iter().any(|p| event.kind.starts_with(p)) {
        units.push(event.unit.clone());
    }
    units.sort();
    units.dedup();
    units
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use casedesk_proto::{Hlc, ZERO_HASH};
    use serde_json::json;

    use super::*;

    fn chain(device: Uuid, unit: &str, kinds: &[(&str, Value)]) -> Vec<Event> {
        let mut prev = ZERO_HASH;
        let mut out = Vec::new();
        for (i, (kind, payload)) in kinds.iter().enumerate() {
            let seq = i as u64 + 1;
            let e = Event {
                id: Uuid::now_v7(),
                stream: Uuid::now_v7(),
                device,
                seq,
                hlc: Hlc::new(1_000 + seq, 0),
                actor: None,
                unit: unit.into(),
                kind: (*kind).into(),
                v: 1,
                payload: payload.clone(),
                prev,
                hash: ZERO_HASH,
            }
            .seal();
            prev = e.hash;
            out.push(e);
        }
        out
    }

    #[test]
    fn a_shuffled_batch_is_sorted_and_accepted() {
        let d = Uuid::now_v7();
        let mut events = chain(d, "A", &vec![("case.note_added", json!({})); 3]);
        events.reverse();
        let checked = check_batch(d, "A", None, PushBatch { device: d, events, signature: None })
            .expect("valid");
        let seqs: Vec<u64> = checked.events().iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [1, 2, 3]);
    }

    #[test]
    fn ownership_is_checked_before_integrity() {
        let d = Uuid::now_v7();
        let mut events = chain(d, "A", &vec![("case.note_added", json!({})); 2]);
        events[1].payload = json!({"changed": true});
        let err = check_batch(
            d,
            "B",
            None,
            PushBatch { device: d, events: events.clone(), signature: None },
        );
        assert!(matches!(err, Err(HubError::Forbidden(_))));
        let err = check_batch(d, "A", None, PushBatch { device: d, events, signature: None });
        assert!(matches!(err, Err(HubError::Tampered(_))));
    }

    #[test]
    fn holes_and_broken_links_are_tampering() {
        let d = Uuid::now_v7();
        let events = chain(d, "A", &vec![("case.note_added", json!({})); 3]);
        let hole = vec![events[0].clone(), events[2].clone()];
        assert!(matches!(
            check_batch(d, "A", None, PushBatch { device: d, events: hole, signature: None }),
            Err(HubError::Tampered(_))
        ));
        let mut relinked = events.clone();
        relinked[2].prev = ZERO_HASH;
        relinked[2] = relinked[2].clone().seal();
        assert!(matches!(
            check_batch(d, "A", None, PushBatch { device: d, events: relinked, signature: None }),
            Err(HubError::Tampered(_))
        ));
    }

    #[test]
    fn content_reasons() {
        let d = Uuid::now_v7();
        let long = "x".repeat(limits::MAX_TEXT_CHARS + 1);
        let wide: Vec<String> = vec!["y".repeat(limits::MAX_TEXT_CHARS - 1); 14];
        let mut deep = json!("bottom");
        for _ in 0..=limits::MAX_DEPTH {
            deep = json!({ "d": deep });
        }
        let events = chain(
            d,
            "A",
            &[
                ("case.note_added", json!({"text": "ok"})),
                ("weather.reported", json!({})),
                ("case.note_added", json!({ "text": long })),
                ("case.note_added", json!({ "parts": wide })),
                ("case.note_added", json!({ "items": vec![1; limits::MAX_ARRAY_LEN + 1] })),
                ("case.note_added", deep),
                ("case.note_added", json!(["not", "an", "object"])),
                ("case.registered", json!({"unit": "B"})),
                ("case.registered", json!({})),
                ("unit.registered", json!({"code": "PARENT"})),
                ("unit.registered", json!({"code": "A"})),
                ("staff.registered", json!({"unit": "B"})),
                ("device.registered", json!({"unit": "B"})),
                ("roving.started", json!({"unit": "B"})),
                ("consultation.recorded", json!({"unit": "B"})),
                ("consultation.recorded", json!({"unit": "A"})),
                ("roving.ended", json!({})),
            ],
        );
        let reasons: Vec<Option<&str>> = events.iter().map(|e| content_reason(e, 0)).collect();
        assert_eq!(
            reasons,
            [
                None,
                Some(reasons::UNKNOWN_KIND),
                Some(reasons::TEXT_TOO_LONG),
                Some(reasons::TOO_LARGE),
                Some(reasons::ARRAY_TOO_LONG),
                Some(reasons::TOO_DEEP),
                Some(reasons::PAYLOAD_NOT_OBJECT),
                Some(reasons::UNIT_MISMATCH),
                Some(reasons::UNIT_MISMATCH),
                Some(reasons::UNIT_MISMATCH),
                None,
                Some(reasons::UNIT_MISMATCH),
                Some(reasons::UNIT_MISMATCH),
                Some(reasons::UNIT_MISMATCH),
                Some(reasons::UNIT_MISMATCH),
                None,
                None,
            ]
        );
    }

    /// 报送: a unit's `report.submitted` starts an organisation stream of that unit; one that
    /// names another unit is quarantined like any organisation event that does.
    #[test]
    fn a_report_submission_is_an_organisation_event_of_its_unit() {
        assert_eq!(StreamKind::of_event("report.submitted"), Some(StreamKind::Org));
        let d = Uuid::from_u128(7);
        let events = chain(
            d,
            "A",
            &[
                ("report.submitted", json!({"unit": "A", "period": "2026-Q4", "figures": {}})),
                ("report.submitted", json!({"unit": "B", "period": "2026-Q4", "figures": {}})),
            ],
        );
        let reasons: Vec<Option<&str>> = events.iter().map(|e| content_reason(e, 0)).collect();
        assert_eq!(reasons, [None, Some(reasons::UNIT_MISMATCH)]);
        assert_eq!(
            stream_rule(&events[0], None),
            Ok(StreamChange::Start { kind: StreamKind::Org, owner: "A".into() })
        );
    }

    #[test]
    fn clocks_ahead_of_the_hub_never_overflow() {
        let d = Uuid::now_v7();
        let mut events = chain(d, "A", &vec![("case.note_added", json!({})); 4]);
        let now: i64 = 1_760_000_000_000;
        let ahead = now as u64 + limits::MAX_CLOCK_AHEAD_MS;
        events[0].hlc = Hlc::new(ahead, u16::MAX);
        events[1].hlc = Hlc::new(ahead + 1, 0);
        events[2].hlc = Hlc(u64::MAX);
        events[3].hlc = Hlc(0);
        let at = |e: &Event, now: i64| content_reason(e, now);
        assert_eq!(at(&events[0], now), None, "at the bound");
        assert_eq!(at(&events[1], now), Some(reasons::CLOCK_AHEAD));
        assert_eq!(at(&events[2], now), Some(reasons::CLOCK_AHEAD));
        assert_eq!(at(&events[2], i64::MAX), None, "a hub clock at the end of time");
        assert_eq!(at(&events[3], i64::MIN), None, "a hub clock before 1970 is 0");
        assert_eq!(at(&events[1], i64::MIN), Some(reasons::CLOCK_AHEAD));
    }

    /// Runs `events` through `admit` against an in-memory registry, as a store does.
    fn registry(events: &[Event]) -> (Vec<Option<&'static str>>, HashMap<Uuid, StreamState>) {
        let mut held: HashMap<Uuid, StreamState> = HashMap::new();
        let mut out = Vec::new();
        for e in events {
            match admit(e, held.get(&e.stream), 0) {
                Err(reason) => out.push(Some(reason)),
                Ok(change) => {
                    match change {
                        StreamChange::Start { kind, owner } => {
                            held.insert(e.stream, StreamState { kind, owner, writers: vec![] });
                        }
                        StreamChange::Grant(w) => {
                            held.get_mut(&e.stream).expect("held").writers.push(w);
                        }
                        StreamChange::EndCoHandling { transfer } => {
                            let s = held.get_mut(&e.stream).expect("held");
                            s.writers.retain(|w| w.co_handle != Some(transfer));
                        }
                        StreamChange::Keep => {}
                    }
                    out.push(None);
                }
            }
        }
        (out, held)
    }

    fn on(stream: Uuid, unit: &str, kind: &str, payload: Value) -> Event {
        let mut e = chain(Uuid::now_v7(), unit, &[(kind, payload)]).remove(0);
        e.stream = stream;
        e.seal()
    }

    #[test]
    fn who_may_write_a_case() {
        let (case, org) = (Uuid::now_v7(), Uuid::now_v7());
        let co = Uuid::now_v7();
        let note = || json!({"text": "n"});
        let events = vec![
            on(case, "A", "case.note_added", note()),
            on(case, "A", "case.registered", json!({"unit": "A"})),
            on(case, "B", "case.registered", json!({"unit": "B"})),
            on(case, "B", "case.note_added", note()),
            on(case, "B", "case.transferred", json!({"kind": "down", "to_unit": "B"})),
            on(case, "A", "case.transferred", json!({"kind": "to_department", "to_unit": "B"})),
            on(case, "B", "case.note_added", note()),
            on(
                case,
                "A",
                "case.transferred",
                json!({"kind": "co_handle", "to_unit": "C", "transfer": co}),
            ),
            on(case, "C", "case.session_recorded", note()),
            on(case, "C", "case.transfer_feedback", json!({"transfer": co})),
            on(case, "C", "case.note_added", note()),
            on(case, "A", "case.transferred", json!({"kind": "up", "to_unit": "P"})),
            on(case, "P", "case.note_added", note()),
            on(case, "A", "unit.registered", json!({"code": "A"})),
            on(org, "A", "unit.registered", json!({"code": "A"})),
            on(org, "A", "case.note_added", note()),
            on(org, "A", "case.registered", json!({"unit": "A"})),
            on(org, "B", "staff.registered", json!({"unit": "B"})),
            on(org, "A", "staff.registered", json!({"unit": "A"})),
        ];
        let (verdicts, held) = registry(&events);
        assert_eq!(
            verdicts,
            [
                Some(reasons::STREAM_UNKNOWN),
                None,
                Some(reasons::STREAM_EXISTS),
                Some(reasons::STREAM_NOT_OWNED),
                Some(reasons::STREAM_NOT_OWNED),
                None,
                Some(reasons::STREAM_NOT_OWNED),
                None,
                None,
                None,
                Some(reasons::STREAM_NOT_OWNED),
                None,
                None,
                Some(reasons::STREAM_KIND_MISMATCH),
                None,
                Some(reasons::STREAM_KIND_MISMATCH),
                Some(reasons::STREAM_EXISTS),
                Some(reasons::STREAM_NOT_OWNED),
                None,
            ]
        );
        assert_eq!(held[&case].owner, "A");
        assert_eq!(held[&case].writers, [Writer { unit: "P".into(), co_handle: None }]);
        assert_eq!(held[&org].kind, StreamKind::Org);
    }

    #[test]
    fn device_codes_are_unique_letters_and_digits() {
        let taken = |codes: &[&str]| codes.iter().map(|c| (*c).to_owned()).collect::<HashSet<_>>();
        assert_eq!(assign_device_code("A1", &taken(&[])).as_deref(), Some("A1"));
        assert_eq!(assign_device_code(" a-1 ", &taken(&[])).as_deref(), Some("A1"));
        assert_eq!(assign_device_code("A1", &taken(&["A1"])).as_deref(), Some("A2"));
        assert_eq!(assign_device_code("a1", &taken(&["A1", "A2"])).as_deref(), Some("A3"));
        assert_eq!(assign_device_code("A7", &taken(&["A7"])).as_deref(), Some("A8"));
        assert_eq!(assign_device_code("ZB", &taken(&["ZB"])).as_deref(), Some("ZB1"));
        assert_eq!(assign_device_code("", &taken(&[])).as_deref(), Some("D1"));
        assert_eq!(assign_device_code("前台", &taken(&["D1"])).as_deref(), Some("D2"));
        assert_eq!(assign_device_code("12", &taken(&["12"])).as_deref(), Some("13"));
        assert_eq!(
            assign_device_code("ABCDEFGHIJ", &taken(&["ABCDEFGH"])).as_deref(),
            Some("ABCDEFG1")
        );
        assert_eq!(
            assign_device_code("ABCDEFG9", &taken(&["ABCDEFG9"])).as_deref(),
            Some("ABCDEF10")
        );
        assert_eq!(
            assign_device_code("A9999999", &taken(&["A9999999"])).as_deref(),
            Some("10000000")
        );
        assert_eq!(assign_device_code("99999999", &taken(&["99999999"])).as_deref(), Some("1"));
        let many: HashSet<String> = (1..=300).map(|n| format!("A{n}")).collect();
        let code = assign_device_code("A1", &many).expect("a free code");
        assert_eq!(code, "A301");
        for code in ["A1", "ZB1", "ABCDEF10", "10000000"] {
            assert!(code.len() <= MAX_DEVICE_CODE_CHARS);
            assert!(code.chars().all(|c| c.is_ascii_alphanumeric()));
        }
    }

    #[test]
    fn audiences() {
        let d = Uuid::now_v7();
        let events = chain(
            d,
            "HX",
            &[
                ("case.registered", json!({"unit": "HX01"})),
                ("case.transferred", json!({"kind": "down", "to_unit": "HX02"})),
                ("case.transferred", json!({"kind": "to_department", "to_department": "SAMR"})),
                ("case.note_added", json!({"text": "n"})),
                ("staff.registered", json!({"unit": "HX"})),
            ],
        );
        let audiences: Vec<Vec<String>> = events.iter().map(audience).collect();
        assert_eq!(
            audiences,
            [
                vec!["HX".to_owned(), "HX01".to_owned()],
                vec!["HX02".to_owned()],
                vec![],
                vec![],
                vec!["HX".to_owned()],
            ]
        );
    }
}
