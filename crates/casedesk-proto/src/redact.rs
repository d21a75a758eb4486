//! Redaction of personal data in stored events, the same at every station and at the hub.
//!
//! The log is append-only and hash-chained, yet personal data must go when its retention period
//! ends (PIPL Art.19, 47). A `case.anonymized` event lists, for each earlier event of its case
//! that carries personal fields, the event's id and hash, the fields to remove (paths into its
//! payload, each naming an object key: `complainants[0].phones`), and the SHA-256 of the
//! payload's canonical JSON once those keys are removed (`digest`). Every holder of the event
//! replaces the stored payload by the redacted one and keeps the envelope, `hash` and `prev`
//! untouched, so the chain still links. A redacted event's hash no longer follows from its
//! payload; it is verified through the anonymisation event instead, which is itself intact and
//! chained: its listing of (id, hash) says which event it was, and `digest` authenticates what
//! is left of the payload (`verify`).
//!
//! This module knows nothing of the domain: which fields are personal is the domain's to say
//! (`casedesk_domain::retention`); here are only the path removal and the digest, so that the hub,
//! which does not depend on the domain, redacts exactly as the stations do.

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::{Event, EventHash, canonical_json};

/// The kind of the event that redacts its case's earlier events.
pub const ANONYMIZED_KIND: &str = "case.anonymized";

/// One event to redact, as a `case.anonymized` payload lists it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Redaction {
    pub event: uuid::Uuid,
    pub hash: EventHash,
    pub paths: Vec<String>,
    pub digest: EventHash,
}

/// The redactions an anonymisation payload lists (`None` when it has none that can be read).
pub fn redactions_of(payload: &Value) -> Option<Vec<Redaction>> {
    serde_json::from_value(payload.get("redactions")?.clone()).ok()
}

enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn parse(path: &str) -> Option<Vec<Seg<'_>>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if key.is_empty() {
            return None;
        }
        out.push(Seg::Key(key));
        while let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            out.push(Seg::Index(r[..end].parse().ok()?));
            rest = &r[end + 1..];
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(out)
}

/// Removes the object key `path` names (`a.b`, `list[2].c`); `false` when there is no such key
/// (nothing changes) or the path does not end in a key.
pub fn remove(payload: &mut Value, path: &str) -> bool {
    let Some(segs) = parse(path) else { return false };
    let Some((Seg::Key(last), init)) = segs.split_last() else { return false };
    let mut cur = payload;
    for seg in init {
        cur = match seg {
            Seg::Key(k) => match cur.get_mut(*k) {
                Some(v) => v,
                None => return false,
            },
            Seg::Index(i) => match cur.get_mut(*i) {
                Some(v) => v,
                None => return false,
            },
        };
    }
    cur.as_object_mut().is_some_and(|o| o.remove(*last).is_some())
}

/// `payload` with the keys `paths` name removed (paths that name nothing are skipped).
pub fn redacted(payload: &Value, paths: &[String]) -> Value {
    let mut out = payload.clone();
    for p in paths {
        remove(&mut out, p);
    }
    out
}

/// SHA-256 of a payload's canonical JSON.
pub fn digest(payload: &Value) -> EventHash {
    EventHash(Sha256::digest(canonical_json(payload).as_bytes()).into())
}

/// Why a redaction does not fit an event, if it does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mismatch {
    /// The listed hash is not the event's.
    Hash,
    /// Removing the listed keys does not give the listed digest.
    Digest,
}

/// Applies `r` to `event` as held (whole, or already redacted by `r`): the payload afterwards,
/// or why `r` is not about this event.
pub fn apply(event: &Event, r: &Redaction) -> Result<Value, Mismatch> {
    if event.hash != r.hash {
        return Err(Mismatch::Hash);
    }
    let out = redacted(&event.payload, &r.paths);
    if digest(&out) != r.digest {
        return Err(Mismatch::Digest);
    }
    Ok(out)
}

/// Whether `event`, whose hash no longer follows from its payload, is what `r` says is left of
/// the event it lists.
pub fn verify(event: &Event, r: &Redaction) -> bool {
    event.id == r.event && event.hash == r.hash && digest(&event.payload) == r.digest
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn removes_keys_and_keeps_the_rest() {
        let p = json!({"complainants": [{"name": "王", "phones": ["13800000000"], "language": "zh"}],
                       "category": "CCA-G01"});
        let out = redacted(
            &p,
            &["complainants[0].name".into(), "complainants[0].phones".into(), "nope".into()],
        );
        assert_eq!(out, json!({"complainants": [{"language": "zh"}], "category": "CCA-G01"}));
        let mut q = p.clone();
        assert!(!remove(&mut q, "complainants[0]"), "a path must end in a key");
        assert!(!remove(&mut q, "complainants[3].name"));
        assert!(!remove(&mut q, "category[0]"));
        assert!(!remove(&mut q, ""));
        assert_eq!(q, p);
    }

    #[test]
    fn a_redaction_fits_one_event() {
        let e = Event {
            id: uuid::Uuid::now_v7(),
            stream: uuid::Uuid::now_v7(),
            device: uuid::Uuid::now_v7(),
            seq: 1,
            hlc: crate::Hlc(1),
            actor: None,
            unit: "A".into(),
            kind: "case.note_added".into(),
            v: 1,
            payload: json!({"text": "王秀兰 13800000000"}),
            prev: crate::ZERO_HASH,
            hash: crate::ZERO_HASH,
        }
        .seal();
        let paths = vec!["text".to_owned()];
        let r = Redaction {
            event: e.id,
            hash: e.hash,
            digest: digest(&redacted(&e.payload, &paths)),
            paths,
        };
        let payload = apply(&e, &r).expect("fits");
        assert_eq!(payload, json!({}));
        let mut held = e.clone();
        held.payload = payload;
        assert!(!held.hash_is_valid(), "the hash is the original's");
        assert!(verify(&held, &r));
        assert_eq!(apply(&held, &r).as_ref(), Ok(&json!({})), "applying twice is a no-op");
        let other = Redaction { hash: crate::ZERO_HASH, ..r.clone() };
        assert_eq!(apply(&e, &other), Err(Mismatch::Hash));
        let wrong = Redaction { digest: crate::ZERO_HASH, ..r };
        assert_eq!(apply(&e, &wrong), Err(Mismatch::Digest));
    }
}
