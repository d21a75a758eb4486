//! Hub storage behind one trait, `HubStore`, so that PostgreSQL can follow SQLite.
//!
//! An implementation owns these rules (the `rules` module holds the parts that need no storage):
//! - `push` is one transaction. It returns the stored receipt of a batch it has seen before
//!   (byte for byte), refuses a batch that starts beyond `acked_seq + 1` (`Gap`) or whose first
//!   new event does not link to the device's head (`Tampered`), freezes the device when it
//!   holds the same `(device, seq)` with another hash (`DeviceForked`), skips events it already
//!   holds, stores new events (quarantined ones too, with their reason), advances `acked_seq`
//!   and the head, extends the unit feeds, and records the receipt under the batch id.
//! - Feeds: for every stream the hub keeps the units it addresses (`rules::audience`); a unit
//!   sees a stream when it or one of its descendants is addressed. Each unit has a feed of
//!   event references with positions that only grow, and a position is visible to readers only
//!   once every smaller position is (SQLite's single writer gives this for free). When a stream
//!   becomes visible to a new unit, its earlier events are appended to that unit's feed.
//!   Quarantined events are in no feed.

pub mod sqlite;

use std::future::Future;

use casedesk_proto::EventHash;
use casedesk_proto::sync::{DeviceStatus, PullPage};
use serde::Serialize;
use uuid::Uuid;

use crate::error::Result;
use crate::rules::CheckedBatch;
pub use crate::units::Unit;

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
    pub now_ms: i64,
}

/// An enrolled device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeviceRecord {
    pub id: Uuid,
    pub unit: String,
    pub name: String,
    pub app_version: String,
    pub enrolled_ms: i64,
    pub acked_seq: u64,
    pub head_hash: EventHash,
    pub revoked_ms: Option<i64>,
    pub frozen_ms: Option<i64>,
    pub frozen_reason: Option<String>,
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

    /// Inserts or updates units (idempotent); refuses the whole set if it would leave a parent
    /// loop or a parent the hub does not know.
    fn import_units(&self, units: Vec<Unit>) -> impl Future<Output = Result<UnitImport>> + Send;
    fn list_units(&self) -> impl Future<Output = Result<Vec<Unit>>> + Send;

    /// Stores an enrollment code for a known unit (`NotFound` otherwise).
    fn create_enroll_code(&self, code: NewEnrollCode) -> impl Future<Output = Result<()>> + Send;
    /// Uses an enrollment code: checks it exists, is unused, unexpired and for the same unit,
    /// creates or updates the device with the new token hash and marks the code used. Returns
    /// the device's unit.
    fn enroll(&self, enrollment: Enrollment) -> impl Future<Output = Result<Unit>> + Send;

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
    /// most `limit` events.
    fn pull(
        &self,
        device: Uuid,
        unit: String,
        after: u64,
        limit: u32,
    ) -> impl Future<Output = Result<PullPage>> + Send;
    fn list_quarantine(&self) -> impl Future<Output = Result<Vec<QuarantineRecord>>> + Send;
}
