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
//! | GET    | /v1/status?head=SEQ | → `DeviceStatus` (`head`: the station's last own seq, optional) |
//! | POST   | /v1/push      | `PushBatch` (zstd, `content-encoding: zstd`) → `PushReceipt` |
//! | GET    | /v1/pull?after=POS&limit=N&checkpoint=ID | → `PullPage` (zstd when `accept-encoding: zstd`) |
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
    /// The device is enrolled already and the code was not made for it: ask for a code for
    /// this device (`casedesk-hub enroll-code --device ID`).
    pub const DEVICE_ENROLLED: &str = "device_enrolled";
    /// The pull cursor does not name what the hub holds at that position (the hub was restored
    /// from an older backup, or is another hub): pull again from the start.
    pub const CURSOR_UNKNOWN: &str = "cursor_unknown";
    /// Too many requests of this kind from this address or device: wait and retry.
    pub const RATE_LIMITED: &str = "rate_limited";
    /// The hub is handling as many pushes as it takes at once: retry soon.
    pub const BUSY: &str = "busy";
    /// The request took too long.
    pub const TIMEOUT: &str = "timeout";
    /// Files (`/v1/blobs/{sha256}`): no accepted event this device pushed names the hash, so
    /// it may not upload it.
    pub const BLOB_NOT_NAMED: &str = "blob_not_named";
    /// No event in this unit's feed names the hash: it may not download it.
    pub const BLOB_FORBIDDEN: &str = "blob_forbidden";
    /// The hub does not hold the file (yet): the station that attached it has not uploaded it.
    pub const BLOB_NOT_HERE: &str = "blob_not_here";
    /// The file the event names is larger than `limits::MAX_BLOB_BYTES`.
    pub const BLOB_TOO_LARGE: &str = "blob_too_large";
    /// One chunk is larger than `limits::BLOB_CHUNK_BYTES`, or goes past the named size.
    pub const BLOB_CHUNK_TOO_LARGE: &str = "blob_chunk_too_large";
    /// The chunk's offset is not the number of bytes the hub holds: ask for the upload state
    /// and go on from there.
    pub const BLOB_OFFSET: &str = "blob_offset";
    /// The finished bytes do not hash to the name: the partial upload was discarded.
    pub const BLOB_HASH_MISMATCH: &str = "blob_hash_mismatch";
    /// The hub keeps no files (a PostgreSQL hub started without a blob folder).
    pub const BLOB_UNAVAILABLE: &str = "blob_unavailable";
    /// USB bundles: file bytes whose hash the bundle's signed content does not list (so no
    /// signature covers them).
    pub const BLOB_NOT_LISTED: &str = "blob_not_listed";
    /// USB bundles: the signed content lists a file whose bytes are not in the bundle (or are
    /// not base64).
    pub const BLOB_ABSENT: &str = "blob_absent";
    /// USB bundles: the bytes are not the size the signed list or the naming event gives.
    pub const BLOB_SIZE_MISMATCH: &str = "blob_size_mismatch";
    /// USB bundles: taking the file would bring the bundle's files past
    /// `limits::BUNDLE_FILES_BYTES`; it is not stored (the sender sends it with a later bundle).
    pub const BLOB_OVER_BUDGET: &str = "blob_over_budget";
}

/// Where an upload of one file stands at the hub (`GET`/`PUT /v1/blobs/{sha256}/upload`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobUploadState {
    pub sha256: String,
    /// The size the event naming the file gives.
    pub size: u64,
    /// Bytes the hub holds: the next chunk starts here.
    pub held: u64,
    /// The whole file is held and its hash checked.
    pub complete: bool,
}

/// Why the hub quarantined an event (stored, acknowledged, never in a feed): the `reason` of a
/// `Quarantined` entry. Stable codes, stored at both ends.
pub mod reasons {
    pub const UNKNOWN_KIND: &str = "unknown_kind";
    /// Larger than `limits::MAX_EVENT_BYTES`.
    pub const TOO_LARGE: &str = "too_large";
    /// A payload string longer than `limits::MAX_TEXT_CHARS`.
    pub const TEXT_TOO_LONG: &str = "text_too_long";
    /// A payload array longer than `limits::MAX_ARRAY_LEN`.
    pub const ARRAY_TOO_LONG: &str = "array_too_long";
    /// A payload nested deeper than `limits::MAX_DEPTH`.
    pub const TOO_DEEP: &str = "too_deep";
    pub const PAYLOAD_NOT_OBJECT: &str = "payload_not_object";
    /// The event's HLC is more than `limits::MAX_CLOCK_AHEAD_MS` ahead of the hub's clock.
    pub const CLOCK_AHEAD: &str = "clock_ahead";
    /// `case.registered` on a stream that exists already (a case starts its stream).
    pub const STREAM_EXISTS: &str = "stream_exists";
    /// An event of a case or organisation stream the hub has not seen start.
    pub const STREAM_UNKNOWN: &str = "stream_unknown";
    /// A case event on an organisation stream, or the other way round.
    pub const STREAM_KIND_MISMATCH: &str = "stream_kind_mismatch";
    /// The writing unit may not write this stream: it did not register the case, and no
    /// transfer or open co-handling names it (organisation streams: it did not start them).
    pub const STREAM_NOT_OWNED: &str = "stream_not_owned";
    /// The payload names another unit than the one whose device wrote the event (a
    /// registration's receiving unit, a unit record, staff, a roving session, a consultation).
    pub const UNIT_MISMATCH: &str = "unit_mismatch";
    /// A `case.anonymized` whose listing does not fit the events it names (another case, a
    /// hash or a digest that is not theirs), or an event an anonymisation lists with another
    /// hash (`casedesk_proto::redact`).
    pub const ANONYMIZE_MISMATCH: &str = "anonymize_mismatch";
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
    /// Made for one device that is enrolled already (a re-enrollment): only that device may use
    /// it, and using it lifts that device's revocation. Without it a code enrolls a new device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<Uuid>,
    /// The hub's Ed25519 public key (hex): receipts and checkpoints must carry its signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hub_key: Option<String>,
    /// The hub's bundle key (an age X25519 recipient, `age1...`): USB bundles for this hub are
    /// encrypted to it (`bundle`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle_key: Option<String>,
}

const CODE_PREFIX: &str = "CDE1-";

impl EnrollCode {
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        format!("{CODE_PREFIX}{}", hex::encode(json))
    }

    /// The code in capitals (`CDE1-7B22...`), as a QR code carries it: digits, capitals and
    /// `-` fit the QR alphanumeric mode, which makes the symbol smaller. `decode` reads both.
    pub fn encode_upper(&self) -> String {
        self.encode().to_ascii_uppercase()
    }

    /// Parses a pasted code; whitespace and line breaks inside it are ignored, and so is the
    /// case of its letters.
    pub fn decode(text: &str) -> Option<EnrollCode> {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let head = compact.get(..CODE_PREFIX.len())?;
        if !head.eq_ignore_ascii_case(CODE_PREFIX) {
            return None;
        }
        let body = &compact[CODE_PREFIX.len()..];
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
    /// The device code the station would like for its case numbers (`HX0201-2026-<code>-00001`).
    #[serde(default)]
    pub device_code: String,
    /// The device's Ed25519 public key (hex), made for this enrollment: from then on the hub
    /// takes only batches it signed. Without one (an older station) batches stay unsigned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_key: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollResponse {
    /// The device's bearer token. The hub keeps only its hash.
    pub token: String,
    pub unit: String,
    pub unit_name: String,
    pub hub_id: Uuid,
    /// The device code the hub assigned: unique among the unit's devices (the one asked for
    /// when it was free). The station numbers its cases with it from then on.
    #[serde(default)]
    pub device_code: String,
    /// The hub's Ed25519 public key (hex).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hub_key: Option<String>,
    /// The hub's bundle key (age X25519 recipient) for USB bundles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle_key: Option<String>,
}

/// The query of `GET /v1/status`. Every field is optional, so an older station that sends none
/// is answered alike.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusQuery {
    /// The station's last own sequence number: with `acked_seq`, how many of its events wait
    /// to be sent (shown in the association's console).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceStatus {
    pub device: Uuid,
    pub unit: String,
    /// The hub holds this device's events 1..=acked_seq.
    pub acked_seq: u64,
    pub head_hash: EventHash,
    pub hub_time_ms: i64,
    /// The hub's id: a station that finds another id than at enrollment talks to another hub.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hub_id: Option<Uuid>,
    /// The device code the hub assigned at enrollment.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub device_code: String,
    /// The hub's Ed25519 public key (hex).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hub_key: Option<String>,
    /// Whether the hub holds a signing key for this device (it then takes signed batches only).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub device_key_known: bool,
    /// The hub's bundle key (age X25519 recipient) for USB bundles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle_key: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushBatch {
    pub device: Uuid,
    pub events: Vec<Event>,
    /// The device's signature (hex) of `sign::batch_message(batch_id(device, events))`, the
    /// events in `seq` order. Required when the device enrolled with a key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
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
    /// The hub's signature (hex) of `sign::receipt_message(self)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

/// One page of a unit's feed: events the unit may see, in the hub's order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullPage {
    pub events: Vec<Event>,
    /// The cursor to pass as `after` next time.
    pub next: u64,
    pub more: bool,
    /// The id of the event at feed position `next` (None at position 0). Passed back as
    /// `checkpoint` with the next pull, it lets the hub tell that the cursor still names what
    /// it holds; a hub restored from an older backup answers `cursor_unknown` instead of
    /// handing out positions the station has already passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<Uuid>,
    /// The hub's signature (hex) of `sign::checkpoint_message(unit, next, checkpoint)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint_signature: Option<String>,
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
