//! What the hub decides about events without looking at storage, shared by every `HubStore`:
//! the checks a push batch must pass before anything is stored (`check_batch`), why an event is
//! quarantined (`quarantine_reason`), and which units an event makes its stream visible to
//! (`audience`).

use casedesk_proto::sync::{MAX_EVENT_BYTES, PushBatch, batch_id};
use casedesk_proto::{Event, canonical_json};
use serde_json::Value;
use uuid::Uuid;

use crate::error::{HubError, Result};

/// Kind prefixes the hub knows; an event of any other kind is quarantined.
pub const KNOWN_KIND_PREFIXES: &[&str] =
    &["case.", "unit.", "staff.", "device.", "roving.", "consultation."];

/// Prefixes of organisation events: visible to the unit that wrote them (and its ancestors).
const ORG_KIND_PREFIXES: &[&str] = &["unit.", "staff.", "device.", "roving.", "consultation."];

/// Transfer kinds that give the target unit sight of the case (not `to_department`).
const VISIBLE_TRANSFER_KINDS: &[&str] = &["down", "up", "co_handle"];

/// Quarantine reasons (stable codes, stored and sent in receipts).
pub use casedesk_proto::sync::reasons::{
    PAYLOAD_NOT_OBJECT as REASON_PAYLOAD_NOT_OBJECT, TOO_LARGE as REASON_TOO_LARGE,
    UNKNOWN_KIND as REASON_UNKNOWN_KIND,
};

/// A push batch that passed every check that needs no storage: it is not empty, it belongs to
/// the pushing device and its unit, every hash is valid, and its events, sorted by `seq`, form
/// one unbroken run of the device's chain. Only `check_batch` makes one.
#[derive(Clone, Debug)]
pub struct CheckedBatch {
    device: Uuid,
    batch_id: String,
    events: Vec<Event>,
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
}

/// Checks a batch pushed by `device` of `unit`. Ownership first (403 `forbidden`), then
/// integrity (422 `tampered`); nothing about what the hub already holds.
pub fn check_batch(device: Uuid, unit: &str, batch: PushBatch) -> Result<CheckedBatch> {
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
    for e in &events {
        if !e.hash_is_valid() {
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
    Ok(CheckedBatch { device, batch_id, events })
}

/// Why the hub stores `event` but does not apply it, if it does not.
pub fn quarantine_reason(event: &Event) -> Option<&'static str> {
    if !KNOWN_KIND_PREFIXES.iter().any(|p| event.kind.starts_with(p)) {
        return Some(REASON_UNKNOWN_KIND);
    }
    if event_size(event) > MAX_EVENT_BYTES {
        return Some(REASON_TOO_LARGE);
    }
    if !event.payload.is_object() {
        return Some(REASON_PAYLOAD_NOT_OBJECT);
    }
    None
}

/// Size of the event's canonical JSON, in bytes.
fn event_size(event: &Event) -> usize {
    serde_json::to_value(event).map_or(usize::MAX, |v| canonical_json(&v).len())
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
        let checked = check_batch(d, "A", PushBatch { device: d, events }).expect("valid");
        let seqs: Vec<u64> = checked.events().iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [1, 2, 3]);
    }

    #[test]
    fn ownership_is_checked_before_integrity() {
        let d = Uuid::now_v7();
        let mut events = chain(d, "A", &vec![("case.note_added", json!({})); 2]);
        events[1].payload = json!({"changed": true});
        let err = check_batch(d, "B", PushBatch { device: d, events: events.clone() });
        assert!(matches!(err, Err(HubError::Forbidden(_))));
        let err = check_batch(d, "A", PushBatch { device: d, events });
        assert!(matches!(err, Err(HubError::Tampered(_))));
    }

    #[test]
    fn holes_and_broken_links_are_tampering() {
        let d = Uuid::now_v7();
        let events = chain(d, "A", &vec![("case.note_added", json!({})); 3]);
        let hole = vec![events[0].clone(), events[2].clone()];
        assert!(matches!(
            check_batch(d, "A", PushBatch { device: d, events: hole }),
            Err(HubError::Tampered(_))
        ));
        let mut relinked = events.clone();
        relinked[2].prev = ZERO_HASH;
        relinked[2] = relinked[2].clone().seal();
        assert!(matches!(
            check_batch(d, "A", PushBatch { device: d, events: relinked }),
            Err(HubError::Tampered(_))
        ));
    }

    #[test]
    fn quarantine_reasons() {
        let d = Uuid::now_v7();
        let big = "x".repeat(MAX_EVENT_BYTES);
        let events = chain(
            d,
            "A",
            &[
                ("case.note_added", json!({"text": "ok"})),
                ("weather.reported", json!({})),
                ("case.note_added", json!({ "text": big })),
                ("case.note_added", json!(["not", "an", "object"])),
            ],
        );
        let reasons: Vec<Option<&str>> = events.iter().map(quarantine_reason).collect();
        assert_eq!(
            reasons,
            [
                None,
                Some(REASON_UNKNOWN_KIND),
                Some(REASON_TOO_LARGE),
                Some(REASON_PAYLOAD_NOT_OBJECT)
            ]
        );
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
