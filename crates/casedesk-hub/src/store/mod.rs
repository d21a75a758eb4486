//! Hub storage behind one trait, `HubStore`, with two implementations: `sqlite::SqliteStore`
//! (one file, the default) and `postgres::PgStore` (a province's hub); `any::AnyStore` is the
//! one a `--db` argument names. Both pass one conformance suite (`tests/it`, every test run on
//! each store).
//!
//! Everything that needs no storage is decided in `rules` (which events are accepted, how they
//! change the stream registry, whom they address, which device code a device gets), so that
//! every implementation decides alike. An implementation owns these rules:
//! - `push` is one transaction. It returns the stored receipt of a batch it has seen before
//!   (byte for byte), refuses a batch that starts beyond `acked_seq + 1` (`Gap`) or whose first
//!   new event does not link to the device's head (`Tampered`), freezes the device when it
//!   holds the same `(device, seq)` with another hash (`DeviceForked`), skips events it already
//!   holds, refuses an event id it holds for another event (`Tampered`), stores every new
//!   event, advances `acked_seq` and the head, and records the receipt under the batch id.
//! - The stream registry: for each new event, in `seq` order, it reads the registry entry of
//!   the event's stream (`rules::StreamState`; as changed by every earlier accepted event, those
//!   of the same batch too), asks `rules::admit`, and either applies the `rules::StreamChange`
//!   or stores the event as quarantined with the reason (listed in the receipt and by
//!   `list_quarantine`). A grant that was ended stays ended. Opening a database that holds
//!   events but no registry fills it from the accepted events in arrival order
//!   (`rules::stream_rule`; nothing is quarantined after the fact).
//! - Feeds: for every stream the hub keeps the units its accepted events address
//!   (`rules::audience`); a unit sees a stream when it or one of its descendants is addressed.
//!   Each unit has a feed of event references with positions that only grow, and a position is
//!   visible to readers only once every smaller position is (SQLite's single writer gives this
//!   for free; PostgreSQL takes positions from one counter row as the last step of a push, see
//!   `postgres`). When a stream becomes visible to a new unit, its earlier accepted events are
//!   appended to that unit's feed. Quarantined events are in no feed.
//! - Pull checkpoints: a page carries the id of the event at the unit's feed position `next`;
//!   a pull after position `after > 0` with a checkpoint that is not the event the unit's feed
//!   holds at `after` is refused (`CursorUnknown`).
//! - Devices: a device's code (`rules::assign_device_code`) is unique among its unit's devices
//!   and never changes once given. A code made for no device enrolls only a device the hub does
//!   not know (`DeviceEnrolled`); a code made for a device only that device, replacing its token
//!   and lifting its revocation (never a fork freeze). Nothing else lifts a revocation.

pub mod any;
pub mod postgres;
pub mod sqlite;

use std::future::Future;

use casedesk_proto::EventHash;
use casedesk_proto::sign::SecretKey;
use casedesk_proto::sync::{DeviceStatus, PullPage};
use serde::Serialize;
use uuid::Uuid;

use crate::error::{HubError, Result};
use crate::rules::CheckedBatch;
pub use crate::units::Unit;

/// Row counts, for administrators and tests.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub events: u64,
    pub quarantined: u64,
    pub feed: u64,
    pub receipts: u64,
    pub devices: u64,
    pub enroll_codes: u64,
}

/// What `import_units` did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct UnitImport {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// A one-time enrollment code as stored: only the hash of its secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEnrollCode {
    pub unit: String,
    pub secret_sha256: String,
    pub created_ms: i64,
    pub expires_ms: i64,
    /// Made for this enrolled device of `unit` only (a re-enrollment); `None` for a new device.
    pub device: Option<Uuid>,
}

/// A device's use of an enrollment code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrollment {
    pub secret_sha256: String,
    pub device: Uuid,
    pub unit: String,
    pub device_name: String,
    pub app_version: String,
    /// Hash of the fresh token the device will hold.
    pub token_sha256: String,
    /// The device code the station asked for.
    pub device_code: String,
    /// The device's Ed25519 public key (hex), if it sent one: it replaces any held before.
    pub sign_key: Option<String>,
    pub now_ms: i64,
}

/// What an enrollment did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrolled {
    pub unit: Unit,
    /// The device's code (given now, or kept from its first enrollment).
    pub device_code: String,
    /// The device was enrolled before: its token was replaced (and a revocation lifted).
    pub re_enrolled: bool,
}

/// An enrolled device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeviceRecord {
    pub id: Uuid,
    pub unit: String,
    pub name: String,
    /// Unique among the unit's devices; case numbers carry it.
    pub device_code: String,
    pub app_version: String,
    pub enrolled_ms: i64,
    pub acked_seq: u64,
    pub head_hash: EventHash,
    pub revoked_ms: Option<i64>,
    pub frozen_ms: Option<i64>,
    pub frozen_reason: Option<String>,
    /// The device's Ed25519 public key (hex); `None` for a device enrolled without one.
    pub sign_key: Option<String>,
    /// When the device last asked for its status (every sync round and bundle import starts
    /// so); `None` before its first contact after enrollment.
    pub last_contact_ms: Option<i64>,
    /// The last own sequence number the station reported (`StatusQuery::head`).
    pub reported_head: Option<u64>,
}

impl DeviceRecord {
    /// Events waiting at the station as it last reported (its head beyond what the hub holds).
    pub fn waiting(&self) -> Option<u64> {
        self.reported_head.map(|h| h.saturating_sub(self.acked_seq))
    }
}

/// An enrollment code as listed (never its secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EnrollCodeRecord {
    /// The first 12 hex digits of its secret's hash: enough to tell codes apart.
    pub id: String,
    pub unit: String,
    pub device: Option<Uuid>,
    pub created_ms: i64,
    pub expires_ms: i64,
    pub used_ms: Option<i64>,
    pub used_by: Option<Uuid>,
}

/// An administrator account of the console (`casedesk-hub admin add`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AdminRecord {
    pub name: String,
    pub created_ms: i64,
    pub updated_ms: i64,
}

/// Something an administrator did (revoke, unfreeze, an enrollment code), recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AdminAction {
    pub at_ms: i64,
    pub admin: String,
    /// `revoke`, `unfreeze`, `enroll_code`.
    pub action: String,
    /// A device id or a unit code.
    pub target: String,
    pub detail: String,
}

/// A push the hub refused (tampered, gap, forked, too large, ...), with its error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Refusal {
    pub at_ms: i64,
    pub device: Uuid,
    pub code: String,
    pub message: String,
}

/// How an administrator's password hash is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdminWrite {
    /// A new account (`Invalid` when the name is taken).
    Create,
    /// A new password for an existing account (`NotFound` otherwise).
    Update,
}

/// A quarantined event: stored and acknowledged, in no feed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QuarantineRecord {
    pub event: Uuid,
    pub device: Uuid,
    pub seq: u64,
    pub kind: String,
    pub reason: String,
    pub at_ms: i64,
}

/// The hub's storage. Every method is one transaction.
pub trait HubStore: Send + Sync + 'static {
    /// This hub's id (created with the database).
    fn hub_id(&self) -> Uuid;
    /// This hub's signing key (created with the database, kept in it: every hub process on the
    /// database signs alike).
    fn signing_key(&self) -> &SecretKey;
    /// The device's signature of a stored batch (`None` for an unknown or unsigned batch).
    fn batch_signature(
        &self,
        batch_id: String,
    ) -> impl Future<Output = Result<Option<String>>> + Send;

    /// Inserts or updates units (idempotent); refuses the whole set if it would leave a parent
    /// loop or a parent the hub does not know.
    fn import_units(&self, units: Vec<Unit>) -> impl Future<Output = Result<UnitImport>> + Send;
    fn list_units(&self) -> impl Future<Output = Result<Vec<Unit>>> + Send;

    /// Stores an enrollment code for a known unit (`NotFound` otherwise), and, when it is made
    /// for a device, for a device of that unit (`NotFound` for an unknown device, `Invalid` for
    /// one of another unit).
    fn create_enroll_code(&self, code: NewEnrollCode) -> impl Future<Output = Result<()>> + Send;
    /// Uses an enrollment code: checks it exists, is unused, unexpired, for the same unit
    /// (`EnrollCodeInvalid`) and, when made for a device, for this device (`EnrollCodeInvalid`).
    /// A code for no device creates the device with a code of its own (`DeviceEnrolled` when
    /// the hub knows the device already); a code for the device replaces its token and lifts
    /// its revocation. Marks the code used.
    fn enroll(&self, enrollment: Enrollment) -> impl Future<Output = Result<Enrolled>> + Send;

    fn device_by_token(
        &self,
        token_sha256: String,
    ) -> impl Future<Output = Result<Option<DeviceRecord>>> + Send;
    fn list_devices(&self) -> impl Future<Output = Result<Vec<DeviceRecord>>> + Send;
    /// Revokes the device's token (`NotFound` for an unknown device).
    fn revoke_device(&self, device: Uuid, now_ms: i64) -> impl Future<Output = Result<()>> + Send;
    /// Lifts a fork freeze (`NotFound` for an unknown device).
    fn unfreeze_device(&self, device: Uuid) -> impl Future<Output = Result<()>> + Send;

    fn status(
        &self,
        device: Uuid,
        now_ms: i64,
    ) -> impl Future<Output = Result<DeviceStatus>> + Send;
    /// Applies a checked batch (see the module documentation) and returns the receipt's JSON.
    fn push(&self, batch: CheckedBatch, now_ms: i64)
    -> impl Future<Output = Result<String>> + Send;
    /// The feed of `device`'s unit after position `after`, without `device`'s own events, at
    /// most `limit` events, with the checkpoint of its `next` position. `CursorUnknown` when
    /// `after > 0` and `checkpoint` is given but is not the event at `after` in the unit's feed.
    ///
    /// The page as stored: each event the JSON the hub wrote when it accepted it (what
    /// `GET /v1/pull` sends as it is, without decoding and encoding every event again).
    fn pull_raw(
        &self,
        device: Uuid,
        unit: String,
        after: u64,
        limit: u32,
        checkpoint: Option<Uuid>,
    ) -> impl Future<Output = Result<RawPullPage>> + Send;
    /// `pull_raw`, every event decoded.
    fn pull(
        &self,
        device: Uuid,
        unit: String,
        after: u64,
        limit: u32,
        checkpoint: Option<Uuid>,
    ) -> impl Future<Output = Result<PullPage>> + Send {
        async move { self.pull_raw(device, unit, after, limit, checkpoint).await?.decode() }
    }
    fn list_quarantine(&self) -> impl Future<Output = Result<Vec<QuarantineRecord>>> + Send;

    /// This hub's bundle key: the age X25519 identity (`AGE-SECRET-KEY-1...`) USB bundles for
    /// it are encrypted to (created with the database, kept in it like the signing key).
    fn bundle_identity(&self) -> &str;
    /// Records a device's contact (its status request) and, when it sent one, its head.
    fn record_contact(
        &self,
        device: Uuid,
        now_ms: i64,
        head: Option<u64>,
    ) -> impl Future<Output = Result<()>> + Send;
    /// Every enrollment code, newest first.
    fn list_enroll_codes(&self) -> impl Future<Output = Result<Vec<EnrollCodeRecord>>> + Send;
    /// Creates an administrator or changes one's password (`password_hash`: argon2id PHC).
    fn write_admin(
        &self,
        name: String,
        password_hash: String,
        now_ms: i64,
        how: AdminWrite,
    ) -> impl Future<Output = Result<()>> + Send;
    /// The stored password hash of an administrator.
    fn admin_password_hash(
        &self,
        name: String,
    ) -> impl Future<Output = Result<Option<String>>> + Send;
    fn list_admins(&self) -> impl Future<Output = Result<Vec<AdminRecord>>> + Send;
    fn record_admin_action(&self, action: AdminAction) -> impl Future<Output = Result<()>> + Send;
    /// The latest `limit` administrator actions, newest first.
    fn list_admin_actions(
        &self,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<AdminAction>>> + Send;
    fn record_refusal(&self, refusal: Refusal) -> impl Future<Output = Result<()>> + Send;
    /// The latest `limit` refused pushes, newest first.
    fn list_refusals(&self, limit: u32) -> impl Future<Output = Result<Vec<Refusal>>> + Send;

    /// Files: the first accepted (not quarantined) event `device` pushed that names `sha256`
    /// (`case.evidence_added`, `case.document_issued`), with the size it gives; `None` when no
    /// such event exists, so the device may not upload the file.
    fn blob_named_by(
        &self,
        device: Uuid,
        sha256: String,
    ) -> impl Future<Output = Result<Option<BlobRef>>> + Send;
    /// Whether `unit`'s feed carries an event naming `sha256` (who may download the file: the
    /// audience of the case stream, units a transfer lets see it included).
    fn blob_in_feed(
        &self,
        unit: String,
        sha256: String,
    ) -> impl Future<Output = Result<bool>> + Send;
}

/// A file an event names, as the hub reads it from that event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobRef {
    /// The size the event gives (`None` when the payload holds no usable number).
    pub size: Option<u64>,
}

/// An accepted-looking note event for the benchmark's bulk load (its hash is not sealed: the
/// bulk load skips hashing, pulls do not check it).
pub(crate) fn bulk_event(device: Uuid, unit: &str, seq: i64) -> casedesk_proto::Event {
    casedesk_proto::Event {
        id: Uuid::now_v7(),
        stream: Uuid::now_v7(),
        device,
        seq: u64::try_from(seq).unwrap_or(0),
        hlc: casedesk_proto::Hlc::new(1_760_000_000_000, 0),
        actor: None,
        unit: unit.to_owned(),
        kind: "case.note_added".into(),
        v: 1,
        payload: serde_json::json!({"text": "第3次联系，商家答复将于三日内上门检修，消费者同意等待"}),
        prev: casedesk_proto::ZERO_HASH,
        hash: casedesk_proto::ZERO_HASH,
    }
}

/// A pull page as the store holds it: the events' stored JSON, not decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawPullPage {
    /// Each event's JSON as the hub stored it when it accepted the event (`serde_json` of an
    /// `Event`), in feed order.
    pub events: Vec<String>,
    pub next: u64,
    pub more: bool,
    pub checkpoint: Option<Uuid>,
}

impl RawPullPage {
    /// The page with every event decoded.
    pub fn decode(self) -> Result<PullPage> {
        let events = self
            .events
            .iter()
            .map(|json| {
                serde_json::from_str(json)
                    .map_err(|e| HubError::Internal(format!("stored event JSON: {e}")))
            })
            .collect::<Result<Vec<casedesk_proto::Event>>>()?;
        Ok(PullPage {
            events,
            next: self.next,
            more: self.more,
            checkpoint: self.checkpoint,
            checkpoint_signature: None,
        })
    }

    /// The JSON of the page as `GET /v1/pull` answers it: its checkpoint signed by `key` for
    /// `unit` (as `rules::sign_checkpoint` signs a decoded page).
    pub fn signed_json(&self, unit: &str, key: &SecretKey) -> String {
        let message = casedesk_proto::sign::checkpoint_message(unit, self.next, self.checkpoint);
        self.to_json(Some(&key.sign(&message)))
    }

    /// The JSON of the `PullPage` this page is, with `signature` as its checkpoint signature:
    /// the same text `serde_json` writes for the decoded page, the events' stored JSON copied
    /// in as it is.
    pub fn to_json(&self, signature: Option<&str>) -> String {
        let bytes: usize = self.events.iter().map(|e| e.len() + 1).sum();
        let mut out = String::with_capacity(bytes + 256);
        out.push_str("{\"events\":[");
        for (i, e) in self.events.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(e);
        }
        out.push_str("],\"next\":");
        out.push_str(&self.next.to_string());
        out.push_str(",\"more\":");
        out.push_str(if self.more { "true" } else { "false" });
        if let Some(checkpoint) = self.checkpoint {
            out.push_str(",\"checkpoint\":\"");
            out.push_str(&checkpoint.to_string());
            out.push('"');
        }
        if let Some(signature) = signature {
            // Hex digits: nothing to escape.
            out.push_str(",\"checkpoint_signature\":\"");
            out.push_str(signature);
            out.push('"');
        }
        out.push('}');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use casedesk_proto::{Event, Hlc, ZERO_HASH};

    fn event(i: u64, text: &str) -> Event {
        Event {
            id: Uuid::now_v7(),
            stream: Uuid::now_v7(),
            device: Uuid::now_v7(),
            seq: i,
            hlc: Hlc::new(1_760_000_000_000 + i, 0),
            actor: None,
            unit: "HX0201".into(),
            kind: "case.note_added".into(),
            v: 1,
            payload: serde_json::json!({ "text": text }),
            prev: ZERO_HASH,
            hash: ZERO_HASH,
        }
        .seal()
    }

    /// The hand-written page JSON is what serde writes for the decoded page, in every shape.
    #[test]
    fn raw_page_json_is_the_decoded_page_json() {
        let events = [event(1, "第1次联系 \"引号\" \\ 换行\n"), event(2, "second")];
        let stored: Vec<String> =
            events.iter().map(|e| serde_json::to_string(e).expect("encode")).collect();
        for (n, more, checkpoint, signature) in [
            (0, false, None, None),
            (1, true, Some(events[0].id), Some("ab12")),
            (2, false, Some(events[1].id), Some("ff00")),
            (2, true, None, None),
        ] {
            let raw =
                RawPullPage { events: stored[..n].to_vec(), next: 42 + n as u64, more, checkpoint };
            let mut page = raw.clone().decode().expect("decode");
            assert_eq!(page.events, events[..n]);
            page.checkpoint_signature = signature.map(str::to_owned);
            let written = serde_json::to_string(&page).expect("encode page");
            assert_eq!(raw.to_json(signature), written);
            let back: PullPage = serde_json::from_str(&raw.to_json(signature)).expect("parse");
            assert_eq!(back, page);
        }
    }

    #[test]
    fn a_stored_event_that_is_not_json_is_an_internal_error() {
        let raw = RawPullPage { events: vec!["{".into()], next: 1, more: false, checkpoint: None };
        assert!(matches!(raw.decode(), Err(HubError::Internal(_))));
    }
}
