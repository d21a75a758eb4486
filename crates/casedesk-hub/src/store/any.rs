//! `AnyStore`: the store a database argument names, chosen at run time. `--db` of every
//! `casedesk-hub` subcommand is a file path (SQLite, the default: nothing to install) or a
//! `postgres://` / `postgresql://` URL (PostgreSQL).

use std::path::Path;

use casedesk_proto::sign::SecretKey;
use casedesk_proto::sync::DeviceStatus;
use uuid::Uuid;

use super::postgres::{PgStore, is_postgres_url, redacted};
use super::sqlite::SqliteStore;
use super::{
    AdminAction, AdminRecord, AdminWrite, BlobRef, Counts, DeviceRecord, EnrollCodeRecord,
    Enrolled, Enrollment, HubStore, NewEnrollCode, QuarantineRecord, RawPullPage, Refusal, Unit,
    UnitImport,
};
use crate::error::Result;
use crate::rules::CheckedBatch;

pub enum AnyStore {
    Sqlite(SqliteStore),
    Postgres(Box<PgStore>),
}

/// Which kind of store a database argument names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(db: &str) -> Backend {
        if is_postgres_url(db) { Backend::Postgres } else { Backend::Sqlite }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

impl AnyStore {
    /// Opens (creating and migrating if needed) the store `db` names.
    pub async fn open(db: &str) -> Result<AnyStore> {
        match Backend::of(db) {
            Backend::Postgres => Ok(AnyStore::Postgres(Box::new(PgStore::open(db).await?))),
            Backend::Sqlite => {
                let path = Path::new(db).to_owned();
                let store =
                    tokio::task::spawn_blocking(move || SqliteStore::open(&path)).await.map_err(
                        |e| crate::HubError::Internal(format!("opening the database: {e}")),
                    )??;
                Ok(AnyStore::Sqlite(store))
            }
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            AnyStore::Sqlite(_) => Backend::Sqlite,
            AnyStore::Postgres(_) => Backend::Postgres,
        }
    }

    /// How many rows the main tables hold.
    pub async fn counts(&self) -> Result<Counts> {
        match self {
            AnyStore::Sqlite(s) => s.counts().await,
            AnyStore::Postgres(s) => s.counts().await,
        }
    }
}

/// A database argument fit for messages (no password).
pub fn describe(db: &str) -> String {
    redacted(db)
}

macro_rules! each {
    ($self:ident, $s:ident => $body:expr) => {
        match $self {
            AnyStore::Sqlite($s) => $body,
            AnyStore::Postgres($s) => $body,
        }
    };
}

impl HubStore for AnyStore {
    fn hub_id(&self) -> Uuid {
        each!(self, s => s.hub_id())
    }
    fn signing_key(&self) -> &SecretKey {
        each!(self, s => s.signing_key())
    }
    async fn batch_signature(&self, batch_id: String) -> Result<Option<String>> {
        each!(self, s => s.batch_signature(batch_id).await)
    }
    async fn import_units(&self, units: Vec<Unit>) -> Result<UnitImport> {
        each!(self, s => s.import_units(units).await)
    }
    async fn list_units(&self) -> Result<Vec<Unit>> {
        each!(self, s => s.list_units().await)
    }
    async fn create_enroll_code(&self, code: NewEnrollCode) -> Result<()> {
        each!(self, s => s.create_enroll_code(code).await)
    }
    async fn enroll(&self, enrollment: Enrollment) -> Result<Enrolled> {
        each!(self, s => s.enroll(enrollment).await)
    }
    async fn device_by_token(&self, token_sha256: String) -> Result<Option<DeviceRecord>> {
        each!(self, s => s.device_by_token(token_sha256).await)
    }
    async fn list_devices(&self) -> Result<Vec<DeviceRecord>> {
        each!(self, s => s.list_devices().await)
    }
    async fn revoke_device(&self, device: Uuid, now_ms: i64) -> Result<()> {
        each!(self, s => s.revoke_device(device, now_ms).await)
    }
    async fn unfreeze_device(&self, device: Uuid) -> Result<()> {
        each!(self, s => s.unfreeze_device(device).await)
    }
    async fn status(&self, device: Uuid, now_ms: i64) -> Result<DeviceStatus> {
        each!(self, s => s.status(device, now_ms).await)
    }
    async fn push(&self, batch: CheckedBatch, now_ms: i64) -> Result<String> {
        each!(self, s => s.push(batch, now_ms).await)
    }
    async fn pull_raw(
        &self,
        device: Uuid,
        unit: String,
        after: u64,
        limit: u32,
        checkpoint: Option<Uuid>,
    ) -> Result<RawPullPage> {
        each!(self, s => s.pull_raw(device, unit, after, limit, checkpoint).await)
    }
    async fn list_quarantine(&self) -> Result<Vec<QuarantineRecord>> {
        each!(self, s => s.list_quarantine().await)
    }
    fn bundle_identity(&self) -> &str {
        each!(self, s => s.bundle_identity())
    }
    async fn record_contact(&self, device: Uuid, now_ms: i64, head: Option<u64>) -> Result<()> {
        each!(self, s => s.record_contact(device, now_ms, head).await)
    }
    async fn list_enroll_codes(&self) -> Result<Vec<EnrollCodeRecord>> {
        each!(self, s => s.list_enroll_codes().await)
    }
    async fn write_admin(
        &self,
        name: String,
        password_hash: String,
        now_ms: i64,
        how: AdminWrite,
    ) -> Result<()> {
        each!(self, s => s.write_admin(name, password_hash, now_ms, how).await)
    }
    async fn admin_password_hash(&self, name: String) -> Result<Option<String>> {
        each!(self, s => s.admin_password_hash(name).await)
    }
    async fn list_admins(&self) -> Result<Vec<AdminRecord>> {
        each!(self, s => s.list_admins().await)
    }
    async fn record_admin_action(&self, action: AdminAction) -> Result<()> {
        each!(self, s => s.record_admin_action(action).await)
    }
    async fn list_admin_actions(&self, limit: u32) -> Result<Vec<AdminAction>> {
        each!(self, s => s.list_admin_actions(limit).await)
    }
    async fn record_refusal(&self, refusal: Refusal) -> Result<()> {
        each!(self, s => s.record_refusal(refusal).await)
    }
    async fn list_refusals(&self, limit: u32) -> Result<Vec<Refusal>> {
        each!(self, s => s.list_refusals(limit).await)
    }
    async fn blob_named_by(&self, device: Uuid, sha256: String) -> Result<Option<BlobRef>> {
        each!(self, s => s.blob_named_by(device, sha256).await)
    }
    async fn blob_in_feed(&self, unit: String, sha256: String) -> Result<bool> {
        each!(self, s => s.blob_in_feed(unit, sha256).await)
    }
}
