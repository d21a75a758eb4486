//! The event envelope.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::canonical::canonical_with;

/// A SHA-256 hash, written as 64 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventHash(pub [u8; 32]);

/// The `prev` of a device's first event.
pub const ZERO_HASH: EventHash = EventHash([0; 32]);

impl EventHash {
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
    pub fn from_hex(s: &str) -> Option<EventHash> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).ok()?;
        Some(EventHash(out))
    }
}

impl fmt::Debug for EventHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", &self.to_hex()[..12])
    }
}

impl Serialize for EventHash {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for EventHash {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        EventHash::from_hex(&s).ok_or_else(|| serde::de::Error::custom("expected 64 hex digits"))
    }
}

/// A hybrid logical clock reading: wall-clock milliseconds since the Unix epoch in the high
/// 48 bits and a logical counter in the low 16 bits. Ordered as an integer. Written in JSON as
/// a decimal string, since JavaScript numbers cannot hold it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub struct Hlc(pub u64);

impl Hlc {
    /// The largest millisecond value an HLC can hold (48 bits: the year 10889).
    pub const MAX_MS: u64 = (1 << 48) - 1;

    /// A reading of `ms` (clamped to `MAX_MS`) and `counter`.
    pub fn new(ms: u64, counter: u16) -> Hlc {
        Hlc((ms.min(Hlc::MAX_MS) << 16) | u64::from(counter))
    }
    pub fn ms(self) -> u64 {
        self.0 >> 16
    }
    pub fn counter(self) -> u16 {
        (self.0 & 0xffff) as u16
    }
    /// The next reading after `self` given the local wall clock `now_ms`: never goes backwards,
    /// even when the wall clock does. At the very end of its range (`MAX_MS` with the counter
    /// full) it stays there instead of wrapping to zero.
    pub fn tick(self, now_ms: u64) -> Hlc {
        if now_ms > self.ms() && now_ms <= Hlc::MAX_MS {
            Hlc::new(now_ms, 0)
        } else if self.counter() < u16::MAX {
            Hlc(self.0 + 1)
        } else if self.ms() < Hlc::MAX_MS {
            Hlc::new(self.ms() + 1, 0)
        } else {
            self
        }
    }
    /// The reading after receiving `remote`: later than both.
    pub fn observe(self, remote: Hlc, now_ms: u64) -> Hlc {
        self.max(remote).tick(now_ms)
    }
    /// Whether this reading is more than `MAX_CLOCK_AHEAD_MS` ahead of the wall clock `now_ms`:
    /// such an event is quarantined, never adopted.
    pub fn is_ahead_of(self, now_ms: u64) -> bool {
        self.ms() > now_ms.saturating_add(crate::limits::MAX_CLOCK_AHEAD_MS)
    }
}

impl Serialize for Hlc {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Hlc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse::<u64>()
            .map(Hlc)
            .map_err(|_| serde::de::Error::custom("expected a decimal HLC string"))
    }
}

/// One immutable domain event, as stored and as sent.
///
/// `stream` is the aggregate the event belongs to: a case, a roving intake session, a unit, a
/// staff member or a device. `seq` is gapless per `device`, starting at 1, and `prev` is the
/// `hash` of the same device's event `seq - 1` (a per-device hash chain).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub id: Uuid,
    pub stream: Uuid,
    pub device: Uuid,
    pub seq: u64,
    pub hlc: Hlc,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<Uuid>,
    /// Code of the unit whose device wrote the event.
    pub unit: String,
    /// Event type, such as `case.registered`.
    pub kind: String,
    /// Version of the payload schema of this `kind`.
    pub v: u32,
    pub payload: Value,
    pub prev: EventHash,
    pub hash: EventHash,
}

impl Event {
    /// The hash this event must carry: SHA-256 over the canonical JSON of every field but `hash`.
    pub fn compute_hash(&self) -> EventHash {
        let head = json!({
            "env": crate::ENVELOPE_VERSION,
            "id": self.id,
            "stream": self.stream,
            "device": self.device,
            "seq": self.seq,
            "hlc": self.hlc,
            "actor": self.actor,
            "unit": self.unit,
            "kind": self.kind,
            "v": self.v,
            "prev": self.prev,
        });
        // The canonical form of `head` with `payload` added, written without copying the
        // payload into it (the copy and its drop were most of the cost of hashing).
        let digest = Sha256::digest(canonical_with(&head, "payload", &self.payload).as_bytes());
        EventHash(digest.into())
    }

    /// Sets `hash` from the other fields.
    pub fn seal(mut self) -> Event {
        self.hash = self.compute_hash();
        self
    }

    pub fn hash_is_valid(&self) -> bool {
        self.compute_hash() == self.hash
    }
}
