//! `SqliteStore`: the hub in one SQLite file (WAL, `synchronous=FULL`).
//!
//! One connection writes and a few read (WAL lets readers run beside the writer), each behind a
//! mutex, and every call runs on tokio's blocking pool (`spawn_blocking`), so the async server
//! never waits on SQLite. Writes are
//! IMMEDIATE transactions, so there is one writer at a time and feed positions become visible
//! in order. Schema: `migrations/`, applied on open.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, TryLockError};

use casedesk_proto::redact::{self, Redaction};
use casedesk_proto::sign::SecretKey;
use casedesk_proto::sync::{DeviceStatus, MAX_PULL_LIMIT, Quarantined};
use casedesk_proto::{Event, EventHash, ZERO_HASH};
use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, Row, Transaction, TransactionBehavior, params};
use uuid::Uuid;

pub use super::Counts;
use super::{
    AdminAction, AdminRecord, AdminWrite, BlobRef, DeviceRecord, EnrollCodeRecord, Enrolled,
    Enrollment, HubStore, NewEnrollCode, QuarantineRecord, RawPullPage, Refusal, Unit, UnitImport,
};
use crate::error::{HubError, Result};
use crate::rules::{self, CheckedBatch, StreamChange, StreamKind, StreamState, Writer};

/// One schema step: a script, then (in the same transaction) the Rust that fills what it
/// added from what the database held before.
struct Migration {
    script: &'static str,
    backfill: Option<fn(&Connection) -> Result<()>>,
}

const MIGRATIONS: &[Migration] = &[
    Migration { script: include_str!("../../migrations/0001_init.sql"), backfill: None },
    Migration {
        script: include_str!("../../migrations/0002_streams.sql"),
        backfill: Some(backfill_streams),
    },
    Migration {
        script: include_str!("../../migrations/0003_device_codes.sql"),
        backfill: Some(backfill_device_codes),
    },
    Migration { script: include_str!("../../migrations/0004_keys.sql"), backfill: None },
    Migration { script: include_str!("../../migrations/0005_console.sql"), backfill: None },
    Migration { script: include_str!("../../migrations/0006_feed_pages.sql"), backfill: None },
    Migration { script: include_str!("../../migrations/0007_blobs.sql"), backfill: None },
];

/// Read connections: token checks and status reads need not wait behind a long pull.
const READERS: usize = 4;

/// A pull page stops growing past this many bytes of event JSON (it always holds one event).
const PULL_BYTES_BUDGET: usize = casedesk_proto::limits::PULL_PAGE_BYTES;

pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
    hub_id: Uuid,
    signing_key: SecretKey,
    bundle_identity: String,
}

impl Inner {
    /// A free read connection if there is one, else the next in turn.
    fn reader(&self) -> MutexGuard<'_, Connection> {
        for reader in &self.readers {
            match reader.try_lock() {
                Ok(guard) => return guard,
                Err(TryLockError::Poisoned(poisoned)) => return poisoned.into_inner(),
                Err(TryLockError::WouldBlock) => {}
            }
        }
        let i = self.next_reader.fetch_add(1, Ordering::Relaxed) % self.readers.len();
        self.readers[i].lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[derive(Clone, Copy)]
enum Conn {
    Writer,
    Reader,
}

impl SqliteStore {
    /// Opens (creating and migrating if needed) the hub database at `path`. Blocking.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        let mut writer = Connection::open(path)?;
        configure(&writer)?;
        migrate(&mut writer)?;
        writer.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('hub_id', ?1)",
            [Uuid::new_v4().to_string()],
        )?;
        let hub_id: String =
            writer.query_row("SELECT value FROM meta WHERE key = 'hub_id'", [], |r| r.get(0))?;
        let hub_id = Uuid::parse_str(&hub_id)
            .map_err(|e| HubError::Internal(format!("stored hub id: {e}")))?;
        writer.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('signing_key', ?1)",
            [SecretKey::from_seed(crate::secret::random_seed()).seed_hex()],
        )?;
        let seed: String =
            writer
                .query_row("SELECT value FROM meta WHERE key = 'signing_key'", [], |r| r.get(0))?;
        let signing_key = SecretKey::from_seed_hex(&seed)
            .ok_or_else(|| HubError::Internal("stored signing key".into()))?;
        writer.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('bundle_key', ?1)",
            [casedesk_proto::bundle::new_bundle_key().0],
        )?;
        let bundle_identity: String =
            writer
                .query_row("SELECT value FROM meta WHERE key = 'bundle_key'", [], |r| r.get(0))?;
        if casedesk_proto::bundle::recipient_of(&bundle_identity).is_none() {
            return Err(HubError::Internal("stored bundle key".into()));
        }
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let reader = Connection::open(path)?;
            configure(&reader)?;
            reader.pragma_update(None, "query_only", true)?;
            readers.push(Mutex::new(reader));
        }
        Ok(SqliteStore {
            inner: Arc::new(Inner {
                writer: Mutex::new(writer),
                readers,
                next_reader: AtomicUsize::new(0),
                hub_id,
                signing_key,
                bundle_identity,
            }),
        })
    }

    /// How many rows the main tables hold.
    pub async fn counts(&self) -> Result<Counts> {
        self.run(Conn::Reader, |c| {
            let count = |table: &str| -> Result<u64> {
                let n: i64 =
                    c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
                Ok(to_u64(n))
            };
            Ok(Counts {
                events: count("events")?,
                quarantined: count("quarantine")?,
                feed: count("feed")?,
                receipts: count("receipts")?,
                devices: count("devices")?,
                enroll_codes: count("enroll_codes")?,
            })
        })
        .await
    }

    /// Runs `f` with one of the connections on the blocking pool.
    async fn run_writer<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        self.run(Conn::Writer, f).await
    }

    /// The benchmark's bulk load: `n` accepted note events, spread over `units` (one writing
    /// device each, not enrolled), each in the feed of its unit and of `association`.
    /// Written in one transaction of prepared inserts, not through pushes.
    pub async fn bulk_fill(&self, n: u64, units: &[String], association: &str) -> Result<()> {
        let units = units.to_vec();
        let association = association.to_owned();
        self.run_writer(move |c| {
            let devices: Vec<Uuid> = units.iter().map(|_| Uuid::now_v7()).collect();
            // Transactions of 100 000 events: one transaction of ten million would grow the
            // WAL to the size of the database before its checkpoint.
            let mut i = 0;
            while i < n {
                let upto = (i + 100_000).min(n);
                let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
                {
                    let mut ins = tx.prepare_cached(
                    "INSERT INTO events (id, stream, device, seq, hash, kind, json, quarantined,
                        received_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, 0)",
                )?;
                    let mut feed =
                        tx.prepare_cached("INSERT INTO feed (unit, event_pos) VALUES (?1, ?2)")?;
                    for i in i..upto {
                        let u = (i as usize) % units.len().max(1);
                        let seq = i / units.len().max(1) as u64 + 1;
                        let e = super::bulk_event(devices[u], &units[u], to_i64(seq));
                        ins.execute(params![
                            e.id.to_string(),
                            e.stream.to_string(),
                            e.device.to_string(),
                            to_i64(e.seq),
                            e.hash.to_hex(),
                            e.kind,
                            serde_json::to_string(&e)?
                        ])?;
                        let pos = tx.last_insert_rowid();
                        feed.execute(params![units[u], pos])?;
                        feed.execute(params![association, pos])?;
                    }
                }
                tx.commit()?;
                i = upto;
            }
            c.execute_batch("ANALYZE")?;
            Ok(())
        })
        .await
    }

    /// Runs `f` with one of the connections on the blocking pool.
    async fn run<T, F>(&self, which: Conn, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            // A panic inside a transaction rolled it back when the transaction was dropped,
            // so a poisoned connection is still consistent.
            let mut conn = match which {
                Conn::Writer => inner.writer.lock().unwrap_or_else(PoisonError::into_inner),
                Conn::Reader => inner.reader(),
            };
            f(&mut conn)
        })
        .await
        .map_err(|e| HubError::Internal(format!("storage task: {e}")))?
    }
}

fn configure(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "busy_timeout", 5000)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // What an anonymisation removes is overwritten in the file, not only unlinked.
    conn.pragma_update(None, "secure_delete", true)?;
    Ok(())
}

/// Applies the migrations not yet applied; `PRAGMA user_version` counts them.
fn migrate(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let latest = MIGRATIONS.len() as i64;
    if current > latest {
        return Err(HubError::Internal(format!(
            "the hub database has schema version {current}; this hub knows up to {latest}"
        )));
    }
    for (i, migration) in MIGRATIONS.iter().enumerate().skip(to_usize(current)) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(migration.script)?;
        if let Some(backfill) = migration.backfill {
            backfill(&tx)?;
        }
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

impl HubStore for SqliteStore {
    fn hub_id(&self) -> Uuid {
        self.inner.hub_id
    }

    fn signing_key(&self) -> &SecretKey {
        &self.inner.signing_key
    }

    async fn batch_signature(&self, batch_id: String) -> Result<Option<String>> {
        self.run(Conn::Reader, move |c| {
            let sig: Option<Option<String>> = c
                .query_row(
                    "SELECT device_signature FROM receipts WHERE batch_id = ?1",
                    [&batch_id],
                    |r| r.get(0),
                )
                .optional()?;
            Ok(sig.flatten())
        })
        .await
    }

    async fn import_units(&self, units: Vec<Unit>) -> Result<UnitImport> {
        self.run(Conn::Writer, move |c| import_units(c, &units)).await
    }

    async fn list_units(&self) -> Result<Vec<Unit>> {
        self.run(Conn::Reader, |c| {
            let mut stmt = c.prepare("SELECT code, name, kind, parent FROM units ORDER BY code")?;
            let rows = stmt.query_map([], |r| {
                Ok(Unit { code: r.get(0)?, name: r.get(1)?, kind: r.get(2)?, parent: r.get(3)? })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .await
    }

    async fn create_enroll_code(&self, code: NewEnrollCode) -> Result<()> {
        self.run(Conn::Writer, move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if unit_by_code(&tx, &code.unit)?.is_none() {
                return Err(HubError::NotFound(format!("unit {:?}", code.unit)));
            }
            if let Some(device) = code.device {
                match device_by_id(&tx, device)? {
                    None => return Err(HubError::NotFound(format!("device {device}"))),
                    Some(held) if held.unit != code.unit => {
                        return Err(HubError::Invalid(format!(
                            "device {device} is enrolled for unit {:?}, not {:?}",
                            held.unit, code.unit
                        )));
                    }
                    Some(_) => {}
                }
            }
            tx.execute(
                "INSERT INTO enroll_codes (secret_sha256, unit, created_ms, expires_ms, device)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    code.secret_sha256,
                    code.unit,
                    code.created_ms,
                    code.expires_ms,
                    code.device.map(|d| d.to_string())
                ],
            )?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn enroll(&self, enrollment: Enrollment) -> Result<Enrolled> {
        self.run(Conn::Writer, move |c| enroll(c, &enrollment)).await
    }

    async fn device_by_token(&self, token_sha256: String) -> Result<Option<DeviceRecord>> {
        self.run(Conn::Reader, move |c| {
            let sql = format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE token_sha256 = ?1");
            Ok(c.query_row(&sql, [&token_sha256], device_from_row).optional()?)
        })
        .await
    }

    async fn list_devices(&self) -> Result<Vec<DeviceRecord>> {
        self.run(Conn::Reader, |c| {
            let sql = format!("SELECT {DEVICE_COLUMNS} FROM devices ORDER BY unit, enrolled_ms");
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map([], device_from_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .await
    }

    async fn revoke_device(&self, device: Uuid, now_ms: i64) -> Result<()> {
        self.run(Conn::Writer, move |c| {
            let n = c.execute(
                "UPDATE devices SET revoked_ms = coalesce(revoked_ms, ?2) WHERE id = ?1",
                params![device.to_string(), now_ms],
            )?;
            if n == 0 {
                return Err(HubError::NotFound(format!("device {device}")));
            }
            Ok(())
        })
        .await
    }

    async fn unfreeze_device(&self, device: Uuid) -> Result<()> {
        self.run(Conn::Writer, move |c| {
            let n = c.execute(
                "UPDATE devices SET frozen_ms = NULL, frozen_reason = NULL WHERE id = ?1",
                [device.to_string()],
            )?;
            if n == 0 {
                return Err(HubError::NotFound(format!("device {device}")));
            }
            Ok(())
        })
        .await
    }

    async fn status(&self, device: Uuid, now_ms: i64) -> Result<DeviceStatus> {
        let hub_id = self.inner.hub_id;
        let hub_key = self.inner.signing_key.public_hex();
        let bundle_key =
            casedesk_proto::bundle::recipient_of(&self.inner.bundle_identity).unwrap_or_default();
        self.run(Conn::Reader, move |c| {
            let d = device_by_id(c, device)?.ok_or(HubError::Unauthorized)?;
            Ok(DeviceStatus {
                device: d.id,
                unit: d.unit,
                acked_seq: d.acked_seq,
                head_hash: d.head_hash,
                hub_time_ms: now_ms,
                hub_id: Some(hub_id),
                device_code: d.device_code,
                hub_key: Some(hub_key),
                device_key_known: d.sign_key.is_some(),
                bundle_key: Some(bundle_key),
            })
        })
        .await
    }

    async fn push(&self, batch: CheckedBatch, now_ms: i64) -> Result<String> {
        let key = self.inner.signing_key.clone();
        self.run(Conn::Writer, move |c| push(c, &batch, &key, now_ms)).await
    }

    async fn pull_raw(
        &self,
        device: Uuid,
        unit: String,
        after: u64,
        limit: u32,
        checkpoint: Option<Uuid>,
    ) -> Result<RawPullPage> {
        self.run(Conn::Reader, move |c| pull(c, device, &unit, after, limit, checkpoint)).await
    }

    async fn list_quarantine(&self) -> Result<Vec<QuarantineRecord>> {
        self.run(Conn::Reader, |c| {
            let mut stmt = c.prepare(
                "SELECT e.id, e.device, e.seq, e.kind, q.reason, q.at_ms
                 FROM quarantine q JOIN events e ON e.pos = q.event_pos ORDER BY q.event_pos",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(QuarantineRecord {
                    event: uuid_at(r, 0)?,
                    device: uuid_at(r, 1)?,
                    seq: to_u64(r.get(2)?),
                    kind: r.get(3)?,
                    reason: r.get(4)?,
                    at_ms: r.get(5)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .await
    }

    fn bundle_identity(&self) -> &str {
        &self.inner.bundle_identity
    }

    async fn record_contact(&self, device: Uuid, now_ms: i64, head: Option<u64>) -> Result<()> {
        self.run(Conn::Writer, move |c| {
            c.execute(
                "UPDATE devices SET last_contact_ms = ?2,
                     reported_head = coalesce(?3, reported_head) WHERE id = ?1",
                params![device.to_string(), now_ms, head.map(to_i64)],
            )?;
            Ok(())
        })
        .await
    }

    async fn list_enroll_codes(&self) -> Result<Vec<EnrollCodeRecord>> {
        self.run(Conn::Reader, |c| {
            let mut stmt = c.prepare(
                "SELECT substr(secret_sha256, 1, 12), unit, device, created_ms, expires_ms,
                        used_ms, used_by
                 FROM enroll_codes ORDER BY created_ms DESC, secret_sha256",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(EnrollCodeRecord {
                    id: r.get(0)?,
                    unit: r.get(1)?,
                    device: opt_uuid_at(r, 2)?,
                    created_ms: r.get(3)?,
                    expires_ms: r.get(4)?,
                    used_ms: r.get(5)?,
                    used_by: opt_uuid_at(r, 6)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .await
    }

    async fn write_admin(
        &self,
        name: String,
        password_hash: String,
        now_ms: i64,
        how: AdminWrite,
    ) -> Result<()> {
        self.run(Conn::Writer, move |c| {
            match how {
                AdminWrite::Create => {
                    let n = c.execute(
                        "INSERT OR IGNORE INTO admins (name, password_hash, created_ms, updated_ms)
                         VALUES (?1, ?2, ?3, ?3)",
                        params![name, password_hash, now_ms],
                    )?;
                    if n == 0 {
                        return Err(HubError::Invalid(format!(
                            "administrator {name:?} exists already (passwd changes a password)"
                        )));
                    }
                }
                AdminWrite::Update => {
                    let n = c.execute(
                        "UPDATE admins SET password_hash = ?2, updated_ms = ?3 WHERE name = ?1",
                        params![name, password_hash, now_ms],
                    )?;
                    if n == 0 {
                        return Err(HubError::NotFound(format!("administrator {name:?}")));
                    }
                }
            }
            Ok(())
        })
        .await
    }

    async fn admin_password_hash(&self, name: String) -> Result<Option<String>> {
        self.run(Conn::Reader, move |c| {
            Ok(c.query_row("SELECT password_hash FROM admins WHERE name = ?1", [&name], |r| {
                r.get(0)
            })
            .optional()?)
        })
        .await
    }

    async fn list_admins(&self) -> Result<Vec<AdminRecord>> {
        self.run(Conn::Reader, |c| {
            let mut stmt =
                c.prepare("SELECT name, created_ms, updated_ms FROM admins ORDER BY name")?;
            let rows = stmt.query_map([], |r| {
                Ok(AdminRecord { name: r.get(0)?, created_ms: r.get(1)?, updated_ms: r.get(2)? })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .await
    }

    async fn record_admin_action(&self, a: AdminAction) -> Result<()> {
        self.run(Conn::Writer, move |c| {
            c.execute(
                "INSERT INTO admin_actions (at_ms, admin, action, target, detail)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![a.at_ms, a.admin, a.action, a.target, a.detail],
            )?;
            Ok(())
        })
        .await
    }

    async fn list_admin_actions(&self, limit: u32) -> Result<Vec<AdminAction>> {
        self.run(Conn::Reader, move |c| {
            let mut stmt = c.prepare(
                "SELECT at_ms, admin, action, target, detail FROM admin_actions
                 ORDER BY id DESC LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit], |r| {
                Ok(AdminAction {
                    at_ms: r.get(0)?,
                    admin: r.get(1)?,
                    action: r.get(2)?,
                    target: r.get(3)?,
                    detail: r.get(4)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .await
    }

    async fn record_refusal(&self, f: Refusal) -> Result<()> {
        self.run(Conn::Writer, move |c| {
            c.execute(
                "INSERT INTO refusals (at_ms, device, code, message) VALUES (?1, ?2, ?3, ?4)",
                params![f.at_ms, f.device.to_string(), f.code, f.message],
            )?;
            Ok(())
        })
        .await
    }

    async fn list_refusals(&self, limit: u32) -> Result<Vec<Refusal>> {
        self.run(Conn::Reader, move |c| {
            let mut stmt = c.prepare(
                "SELECT at_ms, device, code, message FROM refusals ORDER BY id DESC LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit], |r| {
                Ok(Refusal {
                    at_ms: r.get(0)?,
                    device: uuid_at(r, 1)?,
                    code: r.get(2)?,
                    message: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .await
    }

    async fn blob_named_by(&self, device: Uuid, sha256: String) -> Result<Option<BlobRef>> {
        self.run(Conn::Reader, move |c| {
            let row = c
                .prepare_cached(
                    "SELECT kind, json_extract(json, '$.payload.size'),
                        json_extract(json, '$.payload.bytes')
                     FROM events
                     WHERE json_extract(json, '$.payload.sha256') = ?1
                       AND kind IN ('case.evidence_added', 'case.document_issued')
                       AND device = ?2 AND quarantined = 0
                     ORDER BY pos LIMIT 1",
                )?
                .query_row(params![sha256, device.to_string()], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, rusqlite::types::Value>(1)?,
                        r.get::<_, rusqlite::types::Value>(2)?,
                    ))
                })
                .optional()?;
            Ok(row.map(|(kind, size, bytes)| {
                let v = if kind == "case.evidence_added" { size } else { bytes };
                let size = match v {
                    rusqlite::types::Value::Integer(n) => u64::try_from(n).ok(),
                    _ => None,
                };
                BlobRef { size }
            }))
        })
        .await
    }

    async fn blob_in_feed(&self, unit: String, sha256: String) -> Result<bool> {
        self.run(Conn::Reader, move |c| {
            Ok(c.prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM events e JOIN feed f ON f.event_pos = e.pos
                 WHERE json_extract(e.json, '$.payload.sha256') = ?1
                   AND e.kind IN ('case.evidence_added', 'case.document_issued')
                   AND f.unit = ?2)",
            )?
            .query_row(params![sha256, unit], |r| r.get(0))?)
        })
        .await
    }
}

fn opt_uuid_at(r: &Row<'_>, idx: usize) -> rusqlite::Result<Option<Uuid>> {
    let text: Option<String> = r.get(idx)?;
    text.map(|t| {
        Uuid::parse_str(&t)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e)))
    })
    .transpose()
}

fn import_units(c: &mut Connection, units: &[Unit]) -> Result<UnitImport> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut report = UnitImport::default();
    for u in units {
        match unit_by_code(&tx, &u.code)? {
            Some(held) if held == *u => report.unchanged += 1,
            Some(_) => {
                tx.execute(
                    "UPDATE units SET name = ?2, kind = ?3, parent = ?4 WHERE code = ?1",
                    params![u.code, u.name, u.kind, u.parent],
                )?;
                report.updated += 1;
            }
            None => {
                tx.execute(
                    "INSERT INTO units (code, name, kind, parent) VALUES (?1, ?2, ?3, ?4)",
                    params![u.code, u.name, u.kind, u.parent],
                )?;
                report.inserted += 1;
            }
        }
    }
    check_hierarchy(&tx)?;
    tx.commit()?;
    Ok(report)
}

/// Every parent is a known unit and no unit is its own ancestor.
fn check_hierarchy(tx: &Transaction<'_>) -> Result<()> {
    let mut stmt = tx.prepare("SELECT code, parent FROM units")?;
    let parents: HashMap<String, Option<String>> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    crate::units::check_hierarchy(&parents)
}

fn unit_by_code(c: &Connection, code: &str) -> Result<Option<Unit>> {
    Ok(c.query_row("SELECT code, name, kind, parent FROM units WHERE code = ?1", [code], |r| {
        Ok(Unit { code: r.get(0)?, name: r.get(1)?, kind: r.get(2)?, parent: r.get(3)? })
    })
    .optional()?)
}

fn enroll(c: &mut Connection, e: &Enrollment) -> Result<Enrolled> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let code: Option<(String, i64, Option<i64>, Option<String>)> = tx
        .query_row(
            "SELECT unit, expires_ms, used_ms, device FROM enroll_codes WHERE secret_sha256 = ?1",
            [&e.secret_sha256],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((unit, expires_ms, used_ms, for_device)) = code else {
        return Err(HubError::EnrollCodeInvalid("unknown code".into()));
    };
    if used_ms.is_some() {
        return Err(HubError::EnrollCodeInvalid("the code has already been used".into()));
    }
    if expires_ms <= e.now_ms {
        return Err(HubError::EnrollCodeInvalid("the code has expired".into()));
    }
    if unit != e.unit {
        return Err(HubError::EnrollCodeInvalid(
            "the code is for another unit than the station's".into(),
        ));
    }
    let device = e.device.to_string();
    if for_device.as_deref().is_some_and(|d| d != device) {
        return Err(HubError::EnrollCodeInvalid("the code was made for another device".into()));
    }
    let held = device_by_id(&tx, e.device)?;
    let (device_code, re_enrolled) = match (for_device, held) {
        // A code made for this device: a new token replaces the old one and lifts a
        // revocation. A fork freeze stays until an administrator lifts it; the code stays.
        (Some(_), Some(held)) if held.unit == unit => {
            tx.execute(
                "UPDATE devices SET name = ?2, app_version = ?3, token_sha256 = ?4,
                    enrolled_ms = ?5, revoked_ms = NULL, sign_key = ?6 WHERE id = ?1",
                params![device, e.device_name, e.app_version, e.token_sha256, e.now_ms, e.sign_key],
            )?;
            (held.device_code, true)
        }
        (Some(_), _) => {
            return Err(HubError::EnrollCodeInvalid(
                "the code was made for a device this hub no longer holds for the unit".into(),
            ));
        }
        (None, Some(_)) => return Err(HubError::DeviceEnrolled(e.device)),
        (None, None) => {
            let code =
                rules::assign_device_code(&e.device_code, &unit_device_codes(&tx, &unit)?)
                    .ok_or_else(|| HubError::Internal(format!("no free device code in {unit}")))?;
            tx.execute(
                "INSERT INTO devices (id, unit, name, app_version, token_sha256, enrolled_ms,
                    acked_seq, head_hash, device_code, sign_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8, ?9)",
                params![
                    device,
                    unit,
                    e.device_name,
                    e.app_version,
                    e.token_sha256,
                    e.now_ms,
                    ZERO_HASH.to_hex(),
                    code,
                    e.sign_key
                ],
            )?;
            (code, false)
        }
    };
    tx.execute(
        "UPDATE enroll_codes SET used_ms = ?2, used_by = ?3 WHERE secret_sha256 = ?1",
        params![e.secret_sha256, e.now_ms, device],
    )?;
    let unit = unit_by_code(&tx, &unit)?.unwrap_or_else(|| Unit {
        code: unit.clone(),
        name: unit.clone(),
        kind: String::new(),
        parent: None,
    });
    tx.commit()?;
    Ok(Enrolled { unit, device_code, re_enrolled })
}

/// The codes the devices of `unit` hold.
fn unit_device_codes(c: &Connection, unit: &str) -> Result<HashSet<String>> {
    let mut stmt = c.prepare_cached(
        "SELECT device_code FROM devices WHERE unit = ?1 AND device_code IS NOT NULL",
    )?;
    let rows = stmt.query_map([unit], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Migration 0003: a code for every device enrolled before, in enrollment order: the one of
/// its latest accepted `device.registered` event on its own stream, if free in its unit, else
/// the next free one (`rules::assign_device_code`).
fn backfill_device_codes(c: &Connection) -> Result<()> {
    let devices: Vec<(String, String)> = {
        let mut stmt = c.prepare("SELECT id, unit FROM devices ORDER BY enrolled_ms, id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut taken: HashMap<String, HashSet<String>> = HashMap::new();
    for (id, unit) in devices {
        let json: Option<String> = c
            .query_row(
                "SELECT json FROM events WHERE kind = 'device.registered' AND stream = ?1
                   AND device = ?1 AND quarantined = 0 ORDER BY pos DESC LIMIT 1",
                [&id],
                |r| r.get(0),
            )
            .optional()?;
        let asked = match json {
            Some(json) => serde_json::from_str::<Event>(&json)?
                .payload
                .get("code")
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            None => String::new(),
        };
        let codes = taken.entry(unit.clone()).or_default();
        let code = rules::assign_device_code(&asked, codes)
            .ok_or_else(|| HubError::Internal(format!("no free device code in {unit}")))?;
        c.execute("UPDATE devices SET device_code = ?2 WHERE id = ?1", params![id, code])?;
        codes.insert(code);
    }
    Ok(())
}

const DEVICE_COLUMNS: &str = "id, unit, name, app_version, enrolled_ms, acked_seq, head_hash, \
                              revoked_ms, frozen_ms, frozen_reason, coalesce(device_code, ''), \
                              sign_key, last_contact_ms, reported_head";

fn device_from_row(r: &Row<'_>) -> rusqlite::Result<DeviceRecord> {
    Ok(DeviceRecord {
        id: uuid_at(r, 0)?,
        unit: r.get(1)?,
        name: r.get(2)?,
        app_version: r.get(3)?,
        enrolled_ms: r.get(4)?,
        acked_seq: to_u64(r.get(5)?),
        head_hash: hash_at(r, 6)?,
        revoked_ms: r.get(7)?,
        frozen_ms: r.get(8)?,
        frozen_reason: r.get(9)?,
        device_code: r.get(10)?,
        sign_key: r.get(11)?,
        last_contact_ms: r.get(12)?,
        reported_head: r.get::<_, Option<i64>>(13)?.map(to_u64),
    })
}

fn device_by_id(c: &Connection, device: Uuid) -> Result<Option<DeviceRecord>> {
    let sql = format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE id = ?1");
    Ok(c.query_row(&sql, [device.to_string()], device_from_row).optional()?)
}

fn push(c: &mut Connection, batch: &CheckedBatch, key: &SecretKey, now_ms: i64) -> Result<String> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let device = batch.device();
    let dev = device_by_id(&tx, device)?.ok_or(HubError::Unauthorized)?;
    if dev.revoked_ms.is_some() {
        return Err(HubError::TokenRevoked);
    }
    if let Some(reason) = dev.frozen_reason {
        return Err(HubError::DeviceFrozen(reason));
    }
    let stored: Option<String> = tx
        .query_row(
            "SELECT json FROM receipts WHERE batch_id = ?1 AND device = ?2",
            params![batch.batch_id(), device.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(json) = stored {
        return Ok(json);
    }
    if batch.first_seq() > dev.acked_seq + 1 {
        return Err(HubError::Gap { acked_seq: dev.acked_seq, first_seq: batch.first_seq() });
    }

    // Events the hub already holds must be the very same events.
    let held = batch.events().iter().take_while(|e| e.seq <= dev.acked_seq);
    let mut duplicates = 0usize;
    for e in held {
        let hash: String = tx.query_row(
            "SELECT hash FROM events WHERE device = ?1 AND seq = ?2",
            params![device.to_string(), to_i64(e.seq)],
            |r| r.get(0),
        )?;
        if hash != e.hash.to_hex() {
            let reason = rules::fork_reason(e.seq, &hash, &e.hash);
            tx.execute(
                "UPDATE devices SET frozen_ms = ?2, frozen_reason = ?3 WHERE id = ?1",
                params![device.to_string(), now_ms, reason],
            )?;
            tx.commit()?;
            return Err(HubError::DeviceForked(reason));
        }
        duplicates += 1;
    }

    let new = &batch.events()[duplicates..];
    if let Some(first) = new.first()
        && first.prev != dev.head_hash
    {
        return Err(HubError::Tampered(format!(
            "event seq {} does not link to the hub's head for this device",
            first.seq
        )));
    }
    let mut quarantined = Vec::new();
    for e in new {
        if let Some(reason) = store_event(&tx, e, now_ms)? {
            quarantined.push(Quarantined { id: e.id, seq: e.seq, reason: reason.to_owned() });
        }
    }
    let (acked_seq, head_hash) = match new.last() {
        Some(last) => {
            tx.execute(
                "UPDATE devices SET acked_seq = ?2, head_hash = ?3 WHERE id = ?1",
                params![device.to_string(), to_i64(last.seq), last.hash.to_hex()],
            )?;
            (last.seq, last.hash)
        }
        None => (dev.acked_seq, dev.head_hash),
    };
    let receipt = rules::receipt(batch, acked_seq, head_hash, duplicates, quarantined);
    let json = rules::signed_receipt(receipt, key)?;
    tx.execute(
        "INSERT INTO receipts (batch_id, device, json, created_ms, device_signature)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![batch.batch_id(), device.to_string(), json, now_ms, batch.signature()],
    )?;
    tx.commit()?;
    if new.iter().any(|e| e.kind == redact::ANONYMIZED_KIND) {
        // The original payloads are still in the write-ahead log's older frames: copy the
        // redacted pages into the database and empty the log (readers holding it up leave this
        // to SQLite's next automatic checkpoint).
        let _busy: i64 = c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
    }
    Ok(json)
}

/// Stores one new event: quarantined with its reason, or accepted (`rules::admit` against the
/// stream registry as it is now), applied to the registry and added to the feeds of every unit
/// that may see its stream. Returns the quarantine reason.
fn store_event(tx: &Transaction<'_>, e: &Event, now_ms: i64) -> Result<Option<&'static str>> {
    let taken = tx
        .query_row("SELECT 1 FROM events WHERE id = ?1", [e.id.to_string()], |_| Ok(()))
        .optional()?;
    if taken.is_some() {
        return Err(HubError::Tampered(format!(
            "event id {} is already held for another event",
            e.id
        )));
    }
    let mut verdict = rules::admit(e, load_stream(tx, e.stream)?.as_ref(), now_ms);
    // Anonymisation: an accepted one must fit what is held; an event one lists is stored
    // redacted.
    let mut stored = None;
    if verdict.is_ok() && e.kind.starts_with("case.") {
        if e.kind == redact::ANONYMIZED_KIND {
            let held = held_events(tx, &rules::listed_ids(e))?;
            if let Some(reason) = rules::anonymization_mismatch(e, &held) {
                verdict = Err(reason);
            }
        } else if let Some(r) = listing(tx, e)? {
            match rules::stored_form(e, &r) {
                Ok(form) => stored = form,
                Err(reason) => verdict = Err(reason),
            }
        }
    }
    let e_stored = stored.as_ref().unwrap_or(e);
    tx.prepare_cached(
        "INSERT INTO events (id, stream, device, seq, hash, kind, json, quarantined, received_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        e.id.to_string(),
        e.stream.to_string(),
        e.device.to_string(),
        to_i64(e.seq),
        e.hash.to_hex(),
        e.kind,
        serde_json::to_string(e_stored)?,
        verdict.is_err(),
        now_ms
    ])?;
    let pos = tx.last_insert_rowid();
    if verdict.is_ok() && e.kind == redact::ANONYMIZED_KIND {
        redact_listed(tx, e)?;
    }
    match verdict {
        Err(reason) => {
            tx.execute(
                "INSERT INTO quarantine (event_pos, reason, at_ms) VALUES (?1, ?2, ?3)",
                params![pos, reason, now_ms],
            )?;
            Ok(Some(reason))
        }
        Ok(change) => {
            apply_change(tx, e, pos, &change)?;
            add_to_feeds(tx, e, pos)?;
            Ok(None)
        }
    }
}

/// The events the hub holds with these ids (accepted or quarantined).
fn held_events(c: &Connection, ids: &[Uuid]) -> Result<Vec<Event>> {
    let mut out = Vec::new();
    let mut stmt = c.prepare_cached("SELECT json FROM events WHERE id = ?1")?;
    for id in ids {
        let json: Option<String> = stmt.query_row([id.to_string()], |r| r.get(0)).optional()?;
        if let Some(j) = json {
            out.push(serde_json::from_str(&j)?);
        }
    }
    Ok(out)
}

/// What an accepted anonymisation of `e`'s stream lists for `e`, if one does.
fn listing(c: &Connection, e: &Event) -> Result<Option<Redaction>> {
    let mut stmt = c.prepare_cached(
        "SELECT json FROM events WHERE stream = ?1 AND kind = ?2 AND quarantined = 0 ORDER BY pos",
    )?;
    let rows = stmt.query_map(params![e.stream.to_string(), redact::ANONYMIZED_KIND], |r| {
        r.get::<_, String>(0)
    })?;
    for json in rows {
        let anon: Event = serde_json::from_str(&json?)?;
        let list = redact::redactions_of(&anon.payload).unwrap_or_default();
        if let Some(r) = list.into_iter().find(|r| r.event == e.id) {
            return Ok(Some(r));
        }
    }
    Ok(None)
}

/// Replaces the stored JSON of every held event of the anonymisation's stream that it lists by
/// the redacted form (the hub's one rewrite of what it stores).
fn redact_listed(c: &Connection, anon: &Event) -> Result<()> {
    for r in redact::redactions_of(&anon.payload).unwrap_or_default() {
        for held in held_events(c, &[r.event])? {
            if held.stream != anon.stream {
                continue;
            }
            if let Ok(Some(form)) = rules::stored_form(&held, &r) {
                c.prepare_cached("UPDATE events SET json = ?2 WHERE id = ?1")?
                    .execute(params![r.event.to_string(), serde_json::to_string(&form)?])?;
            }
        }
    }
    Ok(())
}

/// The registry entry of `stream`, with its open grants.
fn load_stream(c: &Connection, stream: Uuid) -> Result<Option<StreamState>> {
    let stream = stream.to_string();
    let head: Option<(String, String)> = c
        .prepare_cached("SELECT kind, owner FROM streams WHERE stream = ?1")?
        .query_row([&stream], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((kind, owner)) = head else {
        return Ok(None);
    };
    let kind = StreamKind::from_code(&kind)
        .ok_or_else(|| HubError::Internal(format!("stream {stream}: stored kind {kind:?}")))?;
    let mut stmt = c.prepare_cached(
        "SELECT unit, co_handle FROM stream_writers WHERE stream = ?1 AND ended_at IS NULL",
    )?;
    let writers = stmt
        .query_map([&stream], |r| {
            let unit: String = r.get(0)?;
            let co_handle: String = r.get(1)?;
            Ok((unit, co_handle))
        })?
        .map(|row| {
            let (unit, co_handle) = row?;
            let co_handle = match co_handle.as_str() {
                "" => None,
                t => Some(Uuid::parse_str(t).map_err(|e| {
                    HubError::Internal(format!("stream {stream}: stored transfer id: {e}"))
                })?),
            };
            Ok(Writer { unit, co_handle })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(StreamState { kind, owner, writers }))
}

/// Applies what the accepted event at `pos` changes in the stream registry.
fn apply_change(c: &Connection, e: &Event, pos: i64, change: &StreamChange) -> Result<()> {
    let stream = e.stream.to_string();
    match change {
        StreamChange::Start { kind, owner } => {
            c.prepare_cached(
                "INSERT INTO streams (stream, kind, owner, started_at) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![stream, kind.code(), owner, pos])?;
        }
        StreamChange::Grant(w) => {
            let co_handle = w.co_handle.map(|t| t.to_string()).unwrap_or_default();
            c.prepare_cached(
                "INSERT OR IGNORE INTO stream_writers (stream, unit, co_handle, granted_at)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![stream, w.unit, co_handle, pos])?;
        }
        StreamChange::EndCoHandling { transfer } => {
            c.prepare_cached(
                "UPDATE stream_writers SET ended_at = ?3
                 WHERE stream = ?1 AND co_handle = ?2 AND ended_at IS NULL",
            )?
            .execute(params![stream, transfer.to_string(), pos])?;
        }
        StreamChange::Keep => {}
    }
    Ok(())
}

/// Migration 0002: the registry of the accepted events held before it, in arrival order.
/// Only the stream rules apply (`rules::stream_rule`); an event they would refuse now changes
/// nothing, and stays where it is (it may have been pulled already).
fn backfill_streams(c: &Connection) -> Result<()> {
    let mut stmt = c.prepare("SELECT pos, json FROM events WHERE quarantined = 0 ORDER BY pos")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let pos: i64 = row.get(0)?;
        let json: String = row.get(1)?;
        let e: Event = serde_json::from_str(&json)?;
        if let Ok(change) = rules::stream_rule(&e, load_stream(c, e.stream)?.as_ref()) {
            apply_change(c, &e, pos, &change)?;
        }
    }
    Ok(())
}

/// The units that may see `stream`: those it addresses and all their ancestors.
fn viewers(tx: &Transaction<'_>, stream: &str) -> Result<BTreeSet<String>> {
    let mut stmt = tx.prepare_cached(
        "WITH RECURSIVE v(code) AS (
             SELECT unit FROM stream_units WHERE stream = ?1
             UNION
             SELECT u.parent FROM units u JOIN v ON u.code = v.code WHERE u.parent IS NOT NULL
         )
         SELECT code FROM v",
    )?;
    let rows = stmt.query_map([stream], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Appends the stored event at `pos` to the feed of every unit that sees its stream, and, when
/// the event makes the stream visible to new units, back-fills their feeds with the stream's
/// earlier events (the new event included).
fn add_to_feeds(tx: &Transaction<'_>, e: &Event, pos: i64) -> Result<()> {
    let stream = e.stream.to_string();
    let before = viewers(tx, &stream)?;
    let mut addressed = false;
    for unit in rules::audience(e) {
        addressed |= tx
            .prepare_cached("INSERT OR IGNORE INTO stream_units (stream, unit) VALUES (?1, ?2)")?
            .execute(params![stream, unit])?
            > 0;
    }
    for unit in &before {
        tx.prepare_cached("INSERT OR IGNORE INTO feed (unit, event_pos) VALUES (?1, ?2)")?
            .execute(params![unit, pos])?;
    }
    if addressed {
        let after = viewers(tx, &stream)?;
        for unit in after.difference(&before) {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO feed (unit, event_pos)
                 SELECT ?1, pos FROM events WHERE stream = ?2 AND quarantined = 0 ORDER BY pos",
            )?
            .execute(params![unit, stream])?;
        }
    }
    Ok(())
}

fn pull(
    c: &mut Connection,
    device: Uuid,
    unit: &str,
    after: u64,
    limit: u32,
    checkpoint: Option<Uuid>,
) -> Result<RawPullPage> {
    // One read transaction: the check, the page and the feed's end come from one snapshot.
    let tx = c.transaction()?;
    if let Some(checkpoint) = checkpoint
        && after > 0
        && feed_event_at(&tx, unit, after)? != Some(checkpoint)
    {
        return Err(HubError::CursorUnknown { after });
    }
    let limit = to_usize(i64::from(limit.clamp(1, MAX_PULL_LIMIT)));
    let mut events = Vec::new();
    let mut next = after;
    let mut more = false;
    {
        let mut stmt = tx.prepare_cached(
            "SELECT f.pos, e.json FROM feed f JOIN events e ON e.pos = f.event_pos
             WHERE f.unit = ?1 AND f.pos > ?2 AND e.device <> ?3
             ORDER BY f.pos LIMIT ?4",
        )?;
        let mut rows =
            stmt.query(params![unit, to_i64(after), device.to_string(), to_i64(limit as u64 + 1)])?;
        let mut bytes = 0usize;
        while let Some(row) = rows.next()? {
            let json: String = row.get(1)?;
            if events.len() == limit
                || (!events.is_empty() && bytes + json.len() > PULL_BYTES_BUDGET)
            {
                more = true;
                break;
            }
            bytes += json.len();
            events.push(json);
            next = to_u64(row.get(0)?);
        }
    }
    if !more {
        // Only the device's own events (if any) follow: skip past them.
        let end: Option<i64> =
            tx.query_row("SELECT max(pos) FROM feed WHERE unit = ?1", [unit], |r| r.get(0))?;
        let end = end.map_or(0, to_u64);
        // A feed that ends before the client's cursor was restored from an older backup: say
        // so by answering with its real end, so the client starts over (applying is
        // idempotent) instead of waiting forever for positions that were handed out again.
        next = if events.is_empty() && end < after { end } else { next.max(end) };
    }
    let checkpoint = if next == 0 { None } else { feed_event_at(&tx, unit, next)? };
    tx.finish()?;
    Ok(RawPullPage { events, next, more, checkpoint })
}

/// The id of the event at position `pos` of `unit`'s feed.
fn feed_event_at(c: &Connection, unit: &str, pos: u64) -> Result<Option<Uuid>> {
    let id: Option<String> = c
        .prepare_cached(
            "SELECT e.id FROM feed f JOIN events e ON e.pos = f.event_pos
             WHERE f.pos = ?1 AND f.unit = ?2",
        )?
        .query_row(params![to_i64(pos), unit], |r| r.get(0))
        .optional()?;
    id.map(|id| {
        Uuid::parse_str(&id).map_err(|e| HubError::Internal(format!("stored event id: {e}")))
    })
    .transpose()
}

fn uuid_at(r: &Row<'_>, idx: usize) -> rusqlite::Result<Uuid> {
    let s: String = r.get(idx)?;
    Uuid::parse_str(&s)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, e.into()))
}

fn hash_at(r: &Row<'_>, idx: usize) -> rusqlite::Result<EventHash> {
    let s: String = r.get(idx)?;
    EventHash::from_hex(&s).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, "expected 64 hex digits".into())
    })
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn to_usize(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}
