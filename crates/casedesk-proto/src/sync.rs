//! The sync protocol between a station's device and the prefecture hub (HTTP + JSON).
//!
//! Every request carries the header `x-casedesk-protocol: PROTOCOL_VERSION`; the hub refuses
//! other versions with 426 and `ErrorBody { code: "protocol_version" }`. Requests other than
//! `enroll` and `health` carry `authorization: Bearer <device token>`.
//!
//! | method | path          | body → answer                                   |
//! |--------|---------------|-------------------------------------------------|
//! | GET    | /v1/health    | → `Health`                                      |
//! | POST   | /v1/enroll    | `EnrollRequest` → `EnrollResponse`              |
//! | GET    | /v1/status    | → `DeviceStatus`                                |
//! | POST   | /v1/push      | `PushBatch` (zstd, `content-encoding: zstd`) → `PushReceipt` |
//! | GET    | /v1/pull?after=POS&limit=N | → `PullPage` (zstd when `accept-encoding: zstd`) |
//!
//! Push is idempotent: the hub stores each event once, and resending a batch returns the same
//! receipt. A batch must start at the hub's `acked_seq + 1` for the device (or earlier: events
//! already held are skipped) and be contiguous.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{Event, EventHash};

pub const PROTOCOL_VERSION: u32 = 1;
pub const PROTOCOL_HEADER: &str = "x-casedesk-protocol";
pub use crate::limits::{MAX_EVENT_BYTES, MAX_PULL_LIMIT, MAX_PUSH_BYTES};

/// The `code` of an `ErrorBody`: what the hub answers when it refuses a request. Stable; the
/// client decides on them (retry, shrink the batch, ask a person) and shows them in words.
/// A client must treat a code it does not know as an error a person has to look at.
pub mod codes {
    pub const PROTOCOL_VERSION: &str = "protocol_version";
    pub const UNAUTHORIZED: &str = "unauthorized";
    pub const TOKEN_REVOKED: &str = "token_revoked";
    pub const FORBIDDEN: &str = "forbidden";
    pub const BAD_REQUEST: &str = "bad_request";
    pub const TOO_LARGE: &str = "too_large";
    pub const TAMPERED: &str = "tampered";
    pub const GAP: &str = "gap";
    pub const DEVICE_FORKED: &str = "device_forked";
    pub const DEVICE_FROZEN: &str = "device_frozen";
    pub const ENROLL_CODE_INVALID: &str = "enroll_code_invalid";
    pub const NOT_FOUND: &str = "not_found";
    pub const INTERNAL: &str = "internal";
}

/// Why the hub quarantined an event (stored, acknowledged, never in a feed): the `reason` of a
/// `Quarantined` entry. Stable codes, stored at both ends.
pub mod reasons {
    pub const UNKNOWN_KIND: &str = "unknown_kind";
    pub const TOO_LARGE: &str = "too_large";
    pub const PAYLOAD_NOT_OBJECT: &str = "payload_not_object";
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub ok: bool,
    pub protocol: u32,
    pub version: String,
}

/// A one-time enrollment code, created at the hub for one unit. Its text form
/// (`EnrollCode::encode`) is what an administrator gives to a station's clerk to paste.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollCode {
    /// The hub's base URL, e.g. `https://10.20.1.5:8443`.
    pub hub: String,
    pub unit: String,
    pub secret: String,
    /// SHA-256 of the hub's TLS certificate (DER), hex; the client accepts no other certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

const CODE_PREFIX: &str = "CDE1-";

impl EnrollCode {
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        format!("{CODE_PREFIX}{}", hex::encode(json))
    }

    /// Parses a pasted code; whitespace and line breaks inside it are ignored.
    pub fn decode(text: &str) -> Option<EnrollCode> {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let body = compact.strip_prefix(CODE_PREFIX)?;
        let bytes = hex::decode(body).ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollRequest {
    pub secret: String,
    /// The device id of the station database (its events carry it).
    pub device: Uuid,
    /// The station database's unit code; must match the code's unit.
    pub unit: String,
    pub device_name: String,
    pub app_version: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollResponse {
    /// The device's bearer token. The hub keeps only its hash.
    pub token: String,
    pub unit: String,
    pub unit_name: String,
    pub hub_id: Uuid,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceStatus {
    pub device: Uuid,
    pub unit: String,
    /// The hub holds this device's events 1..=acked_seq.
    pub acked_seq: u64,
    pub head_hash: EventHash,
    pub hub_time_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushBatch {
    pub device: Uuid,
    pub events: Vec<Event>,
}

/// An event the hub stored but will not apply, with the reason. It is acknowledged like any
/// other, so it never blocks the events behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quarantined {
    pub id: Uuid,
    pub seq: u64,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushReceipt {
    pub batch_id: String,
    pub device: Uuid,
    pub acked_seq: u64,
    pub head_hash: EventHash,
    /// Events newly stored by this batch (0 when the batch was a resend).
    pub stored: u32,
    pub duplicates: u32,
    #[serde(default)]
    pub quarantined: Vec<Quarantined>,
}

/// One page of a unit's feed: events the unit may see, in the hub's order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullPage {
    pub events: Vec<Event>,
    /// The cursor to pass as `after` next time.
    pub next: u64,
    pub more: bool,
}

/// Every error answer of the hub.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Stable machine code: `protocol_version`, `unauthorized`, `token_revoked`, `forbidden`,
    /// `bad_request`, `too_large`, `gap`, `device_forked`, `device_frozen`, `enroll_code_invalid`,
    /// `internal`.
    pub code: String,
    pub message: String,
}

/// The deterministic id of a batch: a hash of the device and the ids and hashes of its events.
pub fn batch_id(device: Uuid, events: &[Event]) -> String {
    let mut h = Sha256::new();
    h.update(device.as_bytes());
    for e in events {
        h.update(e.seq.to_be_bytes());
        h.update(e.hash.0);
    }
    hex::encode(h.finalize())
}
