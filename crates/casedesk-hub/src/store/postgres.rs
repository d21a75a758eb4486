//! `PgStore`: the hub on PostgreSQL, for a province's hub (several hub processes may share
//! one database). Chosen by a `postgres://` or `postgresql://` database URL.
//!
//! Connections come from a deadpool pool; every method is one transaction. Schema:
//! `migrations/postgres/`, applied on open under an advisory lock (`schema_migrations` counts
//! them).
//!
//! Concurrency, and why feed positions become visible in order:
//! - A push runs at READ COMMITTED. It first locks its device's row (`FOR UPDATE`): pushes of
//!   one device are one at a time, whichever hub process they reach. It then takes a
//!   transaction advisory lock on every stream the batch writes (sorted, so two pushes never
//!   wait on each other crosswise; a deadlock PostgreSQL finds anyway is retried), so the
//!   registry entry it reads for a stream stays what it read until it commits, and the events
//!   of one stream get `events.pos` in arrival order.
//! - It decides every event with `rules::admit` against an in-memory copy of the registry
//!   entries of its streams, changed as it goes (as the SQLite store does row by row), writes
//!   the events, the registry and the feed rows in a few set-based statements, and records the
//!   receipt.
//! - Feed positions are taken last, from the one row of `feed_clock` (`UPDATE ... RETURNING`).
//!   Its row lock is held until commit, so a second push waits there until the first has
//!   committed (and is visible) and then gets larger positions: positions become visible in
//!   order, and a reader that has seen position n will never later find a smaller one. Only
//!   this tail (the position update, one insert of the feed rows, the commit) is serialised;
//!   decoding, checks and event inserts of concurrent pushes overlap. A sequence would not do:
//!   it hands out numbers when rows are inserted, and commits can overtake each other.
//! - A pull is one statement (one snapshot, one round trip): the checkpoint check, the page and
//!   the feed's end come from one snapshot.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::Duration;

use casedesk_proto::redact::{self, Redaction};
use casedesk_proto::sign::SecretKey;
use casedesk_proto::sync::{DeviceStatus, MAX_PULL_LIMIT, Quarantined};
use casedesk_proto::{Event, EventHash, ZERO_HASH};
use deadpool_postgres::GenericClient;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::error::SqlState;
use tokio_postgres::{NoTls, Row};
use uuid::Uuid;

use super::{
    AdminAction, AdminRecord, AdminWrite, BlobRef, Counts, DeviceRecord, EnrollCodeRecord,
    Enrolled, Enrollment, HubStore, NewEnrollCode, QuarantineRecord, RawPullPage, Refusal, Unit,
    UnitImport,
};
use crate::error::{HubError, Result};
use crate::rules::{self, CheckedBatch, StreamChange, StreamKind, StreamState, Writer};

/// The schema steps, in order (append-only).
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/postgres/0001_init.sql"),
    include_str!("../../migrations/postgres/0002_keys.sql"),
    include_str!("../../migrations/postgres/0003_console.sql"),
    include_str!("../../migrations/postgres/0004_feed_pages.sql"),
    include_str!("../../migrations/postgres/0005_blobs.sql"),
];

/// Advisory lock keys (two-int space, so they never meet the stream locks' one-bigint space).
const LOCK_CLASS: i32 = 0x0CDE_0001;
const LOCK_MIGRATE: i32 = 1;

/// Connections in the pool of one hub process.
const POOL_SIZE: usize = 16;
/// How often a push that lost a deadlock or serialisation race is tried again.
const PUSH_ATTEMPTS: usize = 5;

const PULL_BYTES_BUDGET: usize = casedesk_proto::limits::PULL_PAGE_BYTES;

/// Whether `db` names a PostgreSQL database (`postgres://...` or `postgresql://...`).
pub fn is_postgres_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// `db` with any password replaced by `***`, for messages.
pub fn redacted(db: &str) -> String {
    match (db.find("://"), db.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &db[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &db[..scheme + 3], &db[at..]),
                None => db.to_owned(),
            }
        }
        _ => db.to_owned(),
    }
}

#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    hub_id: Uuid,
    signing_key: SecretKey,
    bundle_identity: String,
}

impl PgStore {
    /// Connects to `url` (libpq-style URL: `postgres://user:password@host:port/db?options=...`),
    /// migrates, and returns the store.
    pub async fn open(url: &str) -> Result<PgStore> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| HubError::Invalid(format!("database URL {}: {e}", redacted(url))))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig { recycling_method: RecyclingMethod::Fast },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(Duration::from_secs(30)))
            .create_timeout(Some(Duration::from_secs(10)))
            .recycle_timeout(Some(Duration::from_secs(5)))
            .build()
            .map_err(|e| HubError::Internal(format!("database pool: {e}")))?;
        let placeholder = SecretKey::from_seed([0; 32]);
        let store = PgStore {
            pool,
            hub_id: Uuid::nil(),
            signing_key: placeholder,
            bundle_identity: String::new(),
        };
        let mut client = store.client().await?;
        migrate(&mut client).await?;
        client
            .execute(
                "INSERT INTO meta (key, value) VALUES ('hub_id', $1) ON CONFLICT DO NOTHING",
                &[&Uuid::new_v4().to_string()],
            )
            .await?;
        let hub_id: String =
            client.query_one("SELECT value FROM meta WHERE key = 'hub_id'", &[]).await?.get(0);
        let hub_id = Uuid::parse_str(&hub_id)
            .map_err(|e| HubError::Internal(format!("stored hub id: {e}")))?;
        client
            .execute(
                "INSERT INTO meta (key, value) VALUES ('signing_key', $1) ON CONFLICT DO NOTHING",
                &[&SecretKey::from_seed(crate::secret::random_seed()).seed_hex()],
            )
            .await?;
        let seed: String =
            client.query_one("SELECT value FROM meta WHERE key = 'signing_key'", &[]).await?.get(0);
        let signing_key = SecretKey::from_seed_hex(&seed)
            .ok_or_else(|| HubError::Internal("stored signing key".into()))?;
        client
            .execute(
                "INSERT INTO meta (key, value) VALUES ('bundle_key', $1) ON CONFLICT DO NOTHING",
                &[&casedesk_proto::bundle::new_bundle_key().0],
            )
            .await?;
        let bundle_identity: String =
            client.query_one("SELECT value FROM meta WHERE key = 'bundle_key'", &[]).await?.get(0);
        if casedesk_proto::bundle::recipient_of(&bundle_identity).is_none() {
            return Err(HubError::Internal("stored bundle key".into()));
        }
        drop(client);
        Ok(PgStore { hub_id, signing_key, bundle_identity, ..store })
    }

    async fn client(&self) -> Result<deadpool_postgres::Object> {
        self.pool.get().await.map_err(|e| {
            tracing::error!(error = %e, "no database connection");
            HubError::Unavailable(e.to_string())
        })
    }

    /// How many rows the main tables hold.
    pub async fn counts(&self) -> Result<Counts> {
        let client = self.client().await?;
        let row = client
            .query_one(
                "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM quarantine),
                        (SELECT count(*) FROM feed), (SELECT count(*) FROM receipts),
                        (SELECT count(*) FROM devices), (SELECT count(*) FROM enroll_codes)",
                &[],
            )
            .await?;
        let n = |i: usize| to_u64(row.get::<_, i64>(i));
        Ok(Counts {
            events: n(0),
            quarantined: n(1),
            feed: n(2),
            receipts: n(3),
            devices: n(4),
            enroll_codes: n(5),
        })
    }
}

impl PgStore {
    /// The benchmark's bulk load: `n` accepted note events, spread over `units` (one writing
    /// device each, not enrolled), each in the feed of its unit and of `association`.
    /// Written with `COPY`, not through pushes.
    pub async fn bulk_fill(&self, n: u64, units: &[String], association: &str) -> Result<()> {
        use futures_util::SinkExt;
        let client = self.client().await?;
        let n_i = to_i64(n);
        let first_pos: i64 = client
            .query_one("SELECT setval('events_pos', nextval('events_pos') + $1) - $1 + 1", &[&n_i])
            .await?
            .get(0);
        let first_feed: i64 = client
            .query_one(
                "UPDATE feed_clock SET last = last + $1 WHERE id = 1 RETURNING last - $1 + 1",
                &[&(2 * n_i)],
            )
            .await?
            .get(0);
        let devices: Vec<Uuid> = units.iter().map(|_| Uuid::now_v7()).collect();
        let events = client
            .copy_in(
                "COPY events (pos, id, stream, device, seq, hash, kind, json, quarantined, received_ms)
                 FROM STDIN",
            )
            .await?;
        // A second connection: one connection runs one COPY at a time.
        let feed_client = self.client().await?;
        let feed = feed_client.copy_in("COPY feed (unit, pos, event_pos) FROM STDIN").await?;
        futures_util::pin_mut!(events);
        futures_util::pin_mut!(feed);
        let mut rows = String::new();
        let mut feed_rows = String::new();
        for i in 0..n_i {
            let u = (i as usize) % units.len().max(1);
            let e = super::bulk_event(devices[u], &units[u], i / units.len().max(1) as i64 + 1);
            let json = serde_json::to_string(&e)?.replace('\\', "\\\\");
            let pos = first_pos + i;
            rows.push_str(&format!(
                "{pos}\t{}\t{}\t{}\t{}\t{}\t{}\t{json}\tf\t0\n",
                e.id,
                e.stream,
                e.device,
                e.seq,
                e.hash.to_hex(),
                e.kind
            ));
            feed_rows.push_str(&format!("{}\t{}\t{pos}\n", units[u], first_feed + 2 * i));
            feed_rows.push_str(&format!("{association}\t{}\t{pos}\n", first_feed + 2 * i + 1));
            if rows.len() > 4 << 20 {
                events.send(bytes::Bytes::from(std::mem::take(&mut rows))).await?;
                feed.send(bytes::Bytes::from(std::mem::take(&mut feed_rows))).await?;
            }
        }
        events.send(bytes::Bytes::from(rows)).await?;
        feed.send(bytes::Bytes::from(feed_rows)).await?;
        events.finish().await?;
        feed.finish().await?;
        // What autovacuum does to freshly inserted tables (marks their pages all-visible, so
        // pages of `feed` are read by index-only scans), done now rather than at its leisure.
        // (One statement each: several in one string would be one transaction, and VACUUM
        // runs outside any.)
        client.batch_execute("VACUUM (ANALYZE) events").await?;
        client.batch_execute("VACUUM (ANALYZE) feed").await?;
        Ok(())
    }
}

async fn migrate(client: &mut deadpool_postgres::Object) -> Result<()> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1, $2)", &[&LOCK_CLASS, &LOCK_MIGRATE]).await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    integer PRIMARY KEY,
             applied_ms bigint NOT NULL
         )",
    )
    .await?;
    let current: i32 =
        tx.query_one("SELECT coalesce(max(version), 0) FROM schema_migrations", &[]).await?.get(0);
    let latest = i32::try_from(MIGRATIONS.len()).unwrap_or(i32::MAX);
    if current > latest {
        return Err(HubError::Internal(format!(
            "the hub database has schema version {current}; this hub knows up to {latest}"
        )));
    }
    for (i, script) in MIGRATIONS.iter().enumerate().skip(usize::try_from(current).unwrap_or(0)) {
        tx.batch_execute(script).await?;
        let version = i32::try_from(i + 1).unwrap_or(i32::MAX);
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_ms) VALUES ($1, $2)",
            &[&version, &crate::now_ms()],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

impl HubStore for PgStore {
    fn hub_id(&self) -> Uuid {
        self.hub_id
    }

    fn signing_key(&self) -> &SecretKey {
        &self.signing_key
    }

    async fn batch_signature(&self, batch_id: String) -> Result<Option<String>> {
        let client = self.client().await?;
        let row = client
            .query_opt("SELECT device_signature FROM receipts WHERE batch_id = $1", &[&batch_id])
            .await?;
        Ok(row.and_then(|r| r.get(0)))
    }

    async fn import_units(&self, units: Vec<Unit>) -> Result<UnitImport> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // One import at a time; pushes keep reading the hierarchy meanwhile.
        tx.batch_execute("LOCK TABLE units IN SHARE ROW EXCLUSIVE MODE").await?;
        let mut report = UnitImport::default();
        for u in &units {
            match unit_by_code(&tx, &u.code).await? {
                Some(held) if held == *u => report.unchanged += 1,
                Some(_) => {
                    tx.execute(
                        "UPDATE units SET name = $2, kind = $3, parent = $4 WHERE code = $1",
                        &[&u.code, &u.name, &u.kind, &u.parent],
                    )
                    .await?;
                    report.updated += 1;
                }
                None => {
                    tx.execute(
                        "INSERT INTO units (code, name, kind, parent) VALUES ($1, $2, $3, $4)",
                        &[&u.code, &u.name, &u.kind, &u.parent],
                    )
                    .await?;
                    report.inserted += 1;
                }
            }
        }
        crate::units::check_hierarchy(&parents(&tx).await?)?;
        tx.commit().await?;
        Ok(report)
    }

    async fn list_units(&self) -> Result<Vec<Unit>> {
        let client = self.client().await?;
        let rows =
            client.query("SELECT code, name, kind, parent FROM units ORDER BY code", &[]).await?;
        Ok(rows.iter().map(unit_from_row).collect())
    }

    async fn create_enroll_code(&self, code: NewEnrollCode) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        if unit_by_code(&tx, &code.unit).await?.is_none() {
            return Err(HubError::NotFound(format!("unit {:?}", code.unit)));
        }
        if let Some(device) = code.device {
            match device_by_id(&tx, device, false).await? {
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
             VALUES ($1, $2, $3, $4, $5)",
            &[&code.secret_sha256, &code.unit, &code.created_ms, &code.expires_ms, &code.device],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn enroll(&self, e: Enrollment) -> Result<Enrolled> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let code = tx
            .query_opt(
                "SELECT unit, expires_ms, used_ms, device FROM enroll_codes
                 WHERE secret_sha256 = $1 FOR UPDATE",
                &[&e.secret_sha256],
            )
            .await?;
        let Some(code) = code else {
            return Err(HubError::EnrollCodeInvalid("unknown code".into()));
        };
        let unit: String = code.get(0);
        let expires_ms: i64 = code.get(1);
        let used_ms: Option<i64> = code.get(2);
        let for_device: Option<Uuid> = code.get(3);
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
        if for_device.is_some_and(|d| d != e.device) {
            return Err(HubError::EnrollCodeInvalid("the code was made for another device".into()));
        }
        // Enrollments of one unit one at a time: device codes are unique per unit.
        tx.query_opt("SELECT 1 FROM units WHERE code = $1 FOR UPDATE", &[&unit]).await?;
        let held = device_by_id(&tx, e.device, true).await?;
        let (device_code, re_enrolled) = match (for_device, held) {
            (Some(_), Some(held)) if held.unit == unit => {
                tx.execute(
                    "UPDATE devices SET name = $2, app_version = $3, token_sha256 = $4,
                        enrolled_ms = $5, revoked_ms = NULL, sign_key = $6 WHERE id = $1",
                    &[
                        &e.device,
                        &e.device_name,
                        &e.app_version,
                        &e.token_sha256,
                        &e.now_ms,
                        &e.sign_key,
                    ],
                )
                .await?;
                (held.device_code, true)
            }
            (Some(_), _) => {
                return Err(HubError::EnrollCodeInvalid(
                    "the code was made for a device this hub no longer holds for the unit".into(),
                ));
            }
            (None, Some(_)) => return Err(HubError::DeviceEnrolled(e.device)),
            (None, None) => {
                let rows =
                    tx.query("SELECT device_code FROM devices WHERE unit = $1", &[&unit]).await?;
                let taken: HashSet<String> = rows.iter().map(|r| r.get(0)).collect();
                let code = rules::assign_device_code(&e.device_code, &taken)
                    .ok_or_else(|| HubError::Internal(format!("no free device code in {unit}")))?;
                tx.execute(
                    "INSERT INTO devices (id, unit, name, app_version, token_sha256, enrolled_ms,
                        acked_seq, head_hash, device_code, sign_key)
                     VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9)",
                    &[
                        &e.device,
                        &unit,
                        &e.device_name,
                        &e.app_version,
                        &e.token_sha256,
                        &e.now_ms,
                        &ZERO_HASH.to_hex(),
                        &code,
                        &e.sign_key,
                    ],
                )
                .await?;
                (code, false)
            }
        };
        tx.execute(
            "UPDATE enroll_codes SET used_ms = $2, used_by = $3 WHERE secret_sha256 = $1",
            &[&e.secret_sha256, &e.now_ms, &e.device],
        )
        .await?;
        let unit = unit_by_code(&tx, &unit).await?.unwrap_or_else(|| Unit {
            code: unit.clone(),
            name: unit.clone(),
            kind: String::new(),
            parent: None,
        });
        tx.commit().await?;
        Ok(Enrolled { unit, device_code, re_enrolled })
    }

    async fn device_by_token(&self, token_sha256: String) -> Result<Option<DeviceRecord>> {
        let client = self.client().await?;
        let sql = format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE token_sha256 = $1");
        let row = client.query_opt(&sql, &[&token_sha256]).await?;
        row.as_ref().map(device_from_row).transpose()
    }

    async fn list_devices(&self) -> Result<Vec<DeviceRecord>> {
        let client = self.client().await?;
        let sql = format!("SELECT {DEVICE_COLUMNS} FROM devices ORDER BY unit, enrolled_ms");
        let rows = client.query(&sql, &[]).await?;
        rows.iter().map(device_from_row).collect()
    }

    async fn revoke_device(&self, device: Uuid, now_ms: i64) -> Result<()> {
        let client = self.client().await?;
        let n = client
            .execute(
                "UPDATE devices SET revoked_ms = coalesce(revoked_ms, $2) WHERE id = $1",
                &[&device, &now_ms],
            )
            .await?;
        if n == 0 {
            return Err(HubError::NotFound(format!("device {device}")));
        }
        Ok(())
    }

    async fn unfreeze_device(&self, device: Uuid) -> Result<()> {
        let client = self.client().await?;
        let n = client
            .execute(
                "UPDATE devices SET frozen_ms = NULL, frozen_reason = NULL WHERE id = $1",
                &[&device],
            )
            .await?;
        if n == 0 {
            return Err(HubError::NotFound(format!("device {device}")));
        }
        Ok(())
    }

    async fn status(&self, device: Uuid, now_ms: i64) -> Result<DeviceStatus> {
        let client = self.client().await?;
        let d = device_by_id(&client, device, false).await?.ok_or(HubError::Unauthorized)?;
        Ok(DeviceStatus {
            device: d.id,
            unit: d.unit,
            acked_seq: d.acked_seq,
            head_hash: d.head_hash,
            hub_time_ms: now_ms,
            hub_id: Some(self.hub_id),
            device_code: d.device_code,
            hub_key: Some(self.signing_key.public_hex()),
            device_key_known: d.sign_key.is_some(),
            bundle_key: casedesk_proto::bundle::recipient_of(&self.bundle_identity),
        })
    }

    async fn push(&self, batch: CheckedBatch, now_ms: i64) -> Result<String> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut client = self.client().await?;
            match push(&mut client, &batch, &self.signing_key, now_ms).await {
                Err(HubError::Postgres(e)) if attempt < PUSH_ATTEMPTS && is_retryable(&e) => {
                    tracing::info!(error = %e, attempt, "push lost a race; trying again");
                }
                result => return result,
            }
        }
    }

    async fn pull_raw(
        &self,
        device: Uuid,
        unit: String,
        after: u64,
        limit: u32,
        checkpoint: Option<Uuid>,
    ) -> Result<RawPullPage> {
        let client = self.client().await?;
        let limit = limit.clamp(1, MAX_PULL_LIMIT);
        // One statement, so one snapshot and one round trip: the page (tag 0), the feed's last
        // position with its event (tag 1) and the event at `after` for the checkpoint check
        // (tag 2). The page is a range scan of `feed`'s primary key (which carries the event's
        // position: index-only once autovacuum has marked the pages) joined to `events` by its
        // primary key.
        let stmt = client
            .prepare_cached(
                "SELECT 0::smallint, p.pos, p.json, p.id FROM (
                     SELECT f.pos, e.json, e.id FROM feed f JOIN events e ON e.pos = f.event_pos
                     WHERE f.unit = $1 AND f.pos > $2::bigint AND e.device <> $3
                     ORDER BY f.pos LIMIT $4) p
                 UNION ALL
                 SELECT 1::smallint, l.pos, NULL::text, l.id FROM (
                     SELECT f.pos, e.id FROM feed f JOIN events e ON e.pos = f.event_pos
                     WHERE f.unit = $1 ORDER BY f.pos DESC LIMIT 1) l
                 UNION ALL
                 SELECT 2::smallint, f.pos, NULL::text, e.id
                 FROM feed f JOIN events e ON e.pos = f.event_pos
                 WHERE f.unit = $1 AND f.pos = $2::bigint",
            )
            .await?;
        let rows =
            client.query(&stmt, &[&unit, &to_i64(after), &device, &(i64::from(limit) + 1)]).await?;
        let mut page: Vec<(i64, &str, Uuid)> = Vec::with_capacity(rows.len());
        let mut end: Option<(u64, Uuid)> = None;
        let mut at_after: Option<Uuid> = None;
        for row in &rows {
            match row.get::<_, i16>(0) {
                0 => page.push((row.get(1), row.get(2), row.get(3))),
                1 => end = Some((to_u64(row.get(1)), row.get(3))),
                _ => at_after = Some(row.get(3)),
            }
        }
        if let Some(checkpoint) = checkpoint
            && after > 0
            && at_after != Some(checkpoint)
        {
            return Err(HubError::CursorUnknown { after });
        }
        // UNION ALL keeps each part's order in practice; sorting makes it certain (cheap).
        page.sort_unstable_by_key(|r| r.0);
        let mut events = Vec::with_capacity(page.len().min(limit as usize));
        let mut next = after;
        let mut last_id = None;
        let mut more = false;
        let mut bytes = 0usize;
        for (pos, json, id) in page {
            if events.len() == limit as usize
                || (!events.is_empty() && bytes + json.len() > PULL_BYTES_BUDGET)
            {
                more = true;
                break;
            }
            bytes += json.len();
            events.push(json.to_owned());
            next = to_u64(pos);
            last_id = Some(id);
        }
        let checkpoint = if more {
            last_id
        } else {
            // Only the device's own events (if any) follow: skip past them. A feed that ends
            // before the cursor (a hub restored from an older backup) answers with its real
            // end. Either way `next` is the feed's end, whose event is the checkpoint.
            next = end.map_or(0, |e| e.0);
            end.map(|e| e.1)
        };
        let checkpoint = if next == 0 { None } else { checkpoint };
        Ok(RawPullPage { events, next, more, checkpoint })
    }

    async fn list_quarantine(&self) -> Result<Vec<QuarantineRecord>> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT e.id, e.device, e.seq, e.kind, q.reason, q.at_ms
                 FROM quarantine q JOIN events e ON e.pos = q.event_pos ORDER BY q.event_pos",
                &[],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| QuarantineRecord {
                event: r.get(0),
                device: r.get(1),
                seq: to_u64(r.get(2)),
                kind: r.get(3),
                reason: r.get(4),
                at_ms: r.get(5),
            })
            .collect())
    }

    fn bundle_identity(&self) -> &str {
        &self.bundle_identity
    }

    async fn record_contact(&self, device: Uuid, now_ms: i64, head: Option<u64>) -> Result<()> {
        let client = self.client().await?;
        let head = head.map(to_i64);
        client
            .execute(
                "UPDATE devices SET last_contact_ms = $2,
                     reported_head = coalesce($3, reported_head) WHERE id = $1",
                &[&device, &now_ms, &head],
            )
            .await?;
        Ok(())
    }

    async fn list_enroll_codes(&self) -> Result<Vec<EnrollCodeRecord>> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT substr(secret_sha256, 1, 12), unit, device, created_ms, expires_ms,
                        used_ms, used_by
                 FROM enroll_codes ORDER BY created_ms DESC, secret_sha256",
                &[],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| EnrollCodeRecord {
                id: r.get(0),
                unit: r.get(1),
                device: r.get(2),
                created_ms: r.get(3),
                expires_ms: r.get(4),
                used_ms: r.get(5),
                used_by: r.get(6),
            })
            .collect())
    }

    async fn write_admin(
        &self,
        name: String,
        password_hash: String,
        now_ms: i64,
        how: AdminWrite,
    ) -> Result<()> {
        let client = self.client().await?;
        match how {
            AdminWrite::Create => {
                let n = client
                    .execute(
                        "INSERT INTO admins (name, password_hash, created_ms, updated_ms)
                         VALUES ($1, $2, $3, $3) ON CONFLICT DO NOTHING",
                        &[&name, &password_hash, &now_ms],
                    )
                    .await?;
                if n == 0 {
                    return Err(HubError::Invalid(format!(
                        "administrator {name:?} exists already (passwd changes a password)"
                    )));
                }
            }
            AdminWrite::Update => {
                let n = client
                    .execute(
                        "UPDATE admins SET password_hash = $2, updated_ms = $3 WHERE name = $1",
                        &[&name, &password_hash, &now_ms],
                    )
                    .await?;
                if n == 0 {
                    return Err(HubError::NotFound(format!("administrator {name:?}")));
                }
            }
        }
        Ok(())
    }

    async fn admin_password_hash(&self, name: String) -> Result<Option<String>> {
        let client = self.client().await?;
        let row =
            client.query_opt("SELECT password_hash FROM admins WHERE name = $1", &[&name]).await?;
        Ok(row.map(|r| r.get(0)))
    }

    async fn list_admins(&self) -> Result<Vec<AdminRecord>> {
        let client = self.client().await?;
        let rows = client
            .query("SELECT name, created_ms, updated_ms FROM admins ORDER BY name", &[])
            .await?;
        Ok(rows
            .iter()
            .map(|r| AdminRecord { name: r.get(0), created_ms: r.get(1), updated_ms: r.get(2) })
            .collect())
    }

    async fn record_admin_action(&self, a: AdminAction) -> Result<()> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO admin_actions (at_ms, admin, action, target, detail)
                 VALUES ($1, $2, $3, $4, $5)",
                &[&a.at_ms, &a.admin, &a.action, &a.target, &a.detail],
            )
            .await?;
        Ok(())
    }

    async fn list_admin_actions(&self, limit: u32) -> Result<Vec<AdminAction>> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT at_ms, admin, action, target, detail FROM admin_actions
                 ORDER BY id DESC LIMIT $1",
                &[&i64::from(limit)],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| AdminAction {
                at_ms: r.get(0),
                admin: r.get(1),
                action: r.get(2),
                target: r.get(3),
                detail: r.get(4),
            })
            .collect())
    }

    async fn record_refusal(&self, f: Refusal) -> Result<()> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO refusals (at_ms, device, code, message) VALUES ($1, $2, $3, $4)",
                &[&f.at_ms, &f.device, &f.code, &f.message],
            )
            .await?;
        Ok(())
    }

    async fn list_refusals(&self, limit: u32) -> Result<Vec<Refusal>> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT at_ms, device, code, message FROM refusals ORDER BY id DESC LIMIT $1",
                &[&i64::from(limit)],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| Refusal {
                at_ms: r.get(0),
                device: r.get(1),
                code: r.get(2),
                message: r.get(3),
            })
            .collect())
    }

    async fn blob_named_by(&self, device: Uuid, sha256: String) -> Result<Option<BlobRef>> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT kind, ((json::jsonb) -> 'payload') ->> 'size',
                    ((json::jsonb) -> 'payload') ->> 'bytes'
                 FROM events
                 WHERE (((json::jsonb) -> 'payload') ->> 'sha256') = $1
                   AND kind IN ('case.evidence_added', 'case.document_issued')
                   AND device = $2 AND NOT quarantined
                 ORDER BY pos LIMIT 1",
                &[&sha256, &device],
            )
            .await?;
        Ok(row.map(|r| {
            let kind: String = r.get(0);
            let v: Option<String> = if kind == "case.evidence_added" { r.get(1) } else { r.get(2) };
            BlobRef { size: v.and_then(|v| v.parse().ok()) }
        }))
    }

    async fn blob_in_feed(&self, unit: String, sha256: String) -> Result<bool> {
        let client = self.client().await?;
        let row = client
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM events e JOIN feed f ON f.event_pos = e.pos
                 WHERE (((e.json::jsonb) -> 'payload') ->> 'sha256') = $1
                   AND e.kind IN ('case.evidence_added', 'case.document_issued')
                   AND f.unit = $2)",
                &[&sha256, &unit],
            )
            .await?;
        Ok(row.get(0))
    }
}

fn is_retryable(e: &tokio_postgres::Error) -> bool {
    matches!(
        e.code(),
        Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE || *c == SqlState::T_R_DEADLOCK_DETECTED
    )
}

const DEVICE_COLUMNS: &str = "id, unit, name, app_version, enrolled_ms, acked_seq, head_hash, \
                              revoked_ms, frozen_ms, frozen_reason, device_code, sign_key, \
                              last_contact_ms, reported_head";

fn device_from_row(r: &Row) -> Result<DeviceRecord> {
    let head: String = r.get(6);
    Ok(DeviceRecord {
        id: r.get(0),
        unit: r.get(1),
        name: r.get(2),
        app_version: r.get(3),
        enrolled_ms: r.get(4),
        acked_seq: to_u64(r.get(5)),
        head_hash: EventHash::from_hex(&head)
            .ok_or_else(|| HubError::Internal(format!("stored head hash {head:?}")))?,
        revoked_ms: r.get(7),
        frozen_ms: r.get(8),
        frozen_reason: r.get(9),
        device_code: r.get(10),
        sign_key: r.get(11),
        last_contact_ms: r.get(12),
        reported_head: r.get::<_, Option<i64>>(13).map(to_u64),
    })
}

async fn device_by_id<C: GenericClient + Sync>(
    c: &C,
    device: Uuid,
    for_update: bool,
) -> Result<Option<DeviceRecord>> {
    let lock = if for_update { " FOR UPDATE" } else { "" };
    let sql = format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE id = $1{lock}");
    let row = c.query_opt(&sql, &[&device]).await?;
    row.as_ref().map(device_from_row).transpose()
}

fn unit_from_row(r: &Row) -> Unit {
    Unit { code: r.get(0), name: r.get(1), kind: r.get(2), parent: r.get(3) }
}

async fn unit_by_code<C: GenericClient + Sync>(c: &C, code: &str) -> Result<Option<Unit>> {
    let row =
        c.query_opt("SELECT code, name, kind, parent FROM units WHERE code = $1", &[&code]).await?;
    Ok(row.as_ref().map(unit_from_row))
}

/// Every unit's parent.
async fn parents<C: GenericClient + Sync>(c: &C) -> Result<HashMap<String, Option<String>>> {
    let rows = c.query("SELECT code, parent FROM units", &[]).await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// A stream's registry entry as the push sees it: every grant, ended or not (a grant once made
/// is never made again).
struct HeldStream {
    kind: StreamKind,
    owner: String,
    /// (unit, co_handle or "", ended)
    writers: Vec<(String, String, bool)>,
}

impl HeldStream {
    fn state(&self) -> StreamState {
        let writers = self
            .writers
            .iter()
            .filter(|(_, _, ended)| !ended)
            .map(|(unit, co, _)| Writer {
                unit: unit.clone(),
                co_handle: if co.is_empty() { None } else { Uuid::parse_str(co).ok() },
            })
            .collect();
        StreamState { kind: self.kind, owner: self.owner.clone(), writers }
    }
}

/// A registry change to write, with the position of the event that made it.
enum RegistryWrite {
    Grant { stream: Uuid, unit: String, co_handle: String, pos: i64 },
    End { stream: Uuid, co_handle: String, pos: i64 },
}

/// A 64-bit advisory lock key for a stream.
fn stream_lock_key(stream: Uuid) -> i64 {
    let (hi, lo) = stream.as_u64_pair();
    i64::from_ne_bytes((hi ^ lo).to_ne_bytes())
}

async fn push(
    client: &mut deadpool_postgres::Object,
    batch: &CheckedBatch,
    key: &SecretKey,
    now_ms: i64,
) -> Result<String> {
    let tx = client.transaction().await?;
    let device = batch.device();
    let dev = device_by_id(&tx, device, true).await?.ok_or(HubError::Unauthorized)?;
    if dev.revoked_ms.is_some() {
        return Err(HubError::TokenRevoked);
    }
    if let Some(reason) = dev.frozen_reason {
        return Err(HubError::DeviceFrozen(reason));
    }
    let stored = tx
        .query_opt(
            "SELECT json FROM receipts WHERE batch_id = $1 AND device = $2",
            &[&batch.batch_id(), &device],
        )
        .await?;
    if let Some(row) = stored {
        return Ok(row.get(0));
    }
    if batch.first_seq() > dev.acked_seq + 1 {
        return Err(HubError::Gap { acked_seq: dev.acked_seq, first_seq: batch.first_seq() });
    }

    // Events the hub already holds must be the very same events.
    let held: Vec<&Event> = batch.events().iter().take_while(|e| e.seq <= dev.acked_seq).collect();
    let duplicates = held.len();
    if !held.is_empty() {
        let seqs: Vec<i64> = held.iter().map(|e| to_i64(e.seq)).collect();
        let rows = tx
            .query(
                "SELECT seq, hash FROM events WHERE device = $1 AND seq = ANY($2)",
                &[&device, &seqs],
            )
            .await?;
        let hashes: HashMap<i64, String> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        for e in &held {
            let hash = hashes.get(&to_i64(e.seq)).cloned().unwrap_or_default();
            if hash != e.hash.to_hex() {
                let reason = rules::fork_reason(e.seq, &hash, &e.hash);
                tx.execute(
                    "UPDATE devices SET frozen_ms = $2, frozen_reason = $3 WHERE id = $1",
                    &[&device, &now_ms, &reason],
                )
                .await?;
                tx.commit().await?;
                return Err(HubError::DeviceForked(reason));
            }
        }
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
    if !new.is_empty() {
        quarantined = store_events(&tx, new, now_ms).await?;
        let last = &new[new.len() - 1];
        tx.execute(
            "UPDATE devices SET acked_seq = $2, head_hash = $3 WHERE id = $1",
            &[&device, &to_i64(last.seq), &last.hash.to_hex()],
        )
        .await?;
    }
    let (acked_seq, head_hash) = match new.last() {
        Some(last) => (last.seq, last.hash),
        None => (dev.acked_seq, dev.head_hash),
    };
    let receipt = rules::receipt(batch, acked_seq, head_hash, duplicates, quarantined);
    let json = rules::signed_receipt(receipt, key)?;
    tx.execute(
        "INSERT INTO receipts (batch_id, device, json, created_ms, device_signature)
         VALUES ($1, $2, $3, $4, $5)",
        &[&batch.batch_id(), &device, &json, &now_ms, &batch.signature()],
    )
    .await?;
    tx.commit().await?;
    Ok(json)
}

/// Stores the new events of a batch: each decided by `rules::admit` against the registry as
/// changed by the events before it, the registry changes written, and every accepted event
/// added to the feeds of the units that see its stream (back-filling units that start to see
/// it). Feed positions are taken last (see the module documentation). Returns the quarantined.
async fn store_events(
    tx: &deadpool_postgres::Transaction<'_>,
    new: &[Event],
    now_ms: i64,
) -> Result<Vec<Quarantined>> {
    let streams: Vec<Uuid> =
        new.iter().map(|e| e.stream).collect::<BTreeSet<_>>().into_iter().collect();
    let mut keys: Vec<i64> = streams.iter().map(|s| stream_lock_key(*s)).collect();
    keys.sort_unstable();
    keys.dedup();
    tx.execute("SELECT count(pg_advisory_xact_lock(k)) FROM unnest($1::bigint[]) AS k", &[&keys])
        .await?;

    let ids: Vec<Uuid> = new.iter().map(|e| e.id).collect();
    if let Some(row) =
        tx.query_opt("SELECT id FROM events WHERE id = ANY($1) LIMIT 1", &[&ids]).await?
    {
        let id: Uuid = row.get(0);
        return Err(HubError::Tampered(format!("event id {id} is already held for another event")));
    }

    // The registry entries, stream units and hierarchy the batch's events are decided against.
    let mut registry: HashMap<Uuid, HeldStream> = HashMap::new();
    for r in tx
        .query("SELECT stream, kind, owner FROM streams WHERE stream = ANY($1)", &[&streams])
        .await?
    {
        let kind: String = r.get(1);
        let kind = StreamKind::from_code(&kind)
            .ok_or_else(|| HubError::Internal(format!("stored stream kind {kind:?}")))?;
        registry.insert(r.get(0), HeldStream { kind, owner: r.get(2), writers: Vec::new() });
    }
    for r in tx
        .query(
            "SELECT stream, unit, co_handle, ended_at IS NOT NULL FROM stream_writers
             WHERE stream = ANY($1) ORDER BY stream, granted_at",
            &[&streams],
        )
        .await?
    {
        if let Some(s) = registry.get_mut(&r.get::<_, Uuid>(0)) {
            s.writers.push((r.get(1), r.get(2), r.get(3)));
        }
    }
    let mut addressed: HashMap<Uuid, BTreeSet<String>> = HashMap::new();
    for r in tx
        .query("SELECT stream, unit FROM stream_units WHERE stream = ANY($1)", &[&streams])
        .await?
    {
        addressed.entry(r.get(0)).or_default().insert(r.get(1));
    }
    let hierarchy = parents(tx).await?;

    // Positions for the events, in batch order (one stream's events are in order: locked).
    let mut positions: Vec<i64> = tx
        .query(
            "SELECT nextval('events_pos') FROM generate_series(1, $1::bigint)",
            &[&(new.len() as i64)],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    positions.sort_unstable();

    let mut quarantined = Vec::new();
    let mut quarantine_rows: Vec<(i64, &'static str)> = Vec::new();
    let mut starts: Vec<(Uuid, &'static str, String, i64)> = Vec::new();
    let mut writes: Vec<RegistryWrite> = Vec::new();
    let mut accepted: Vec<(usize, i64)> = Vec::new();
    // What is stored of each event (an event an anonymisation lists: its redacted form), and
    // the anonymisations of this batch accepted so far.
    let mut forms: Vec<Event> = new.to_vec();
    let listed = listings(tx, &streams).await?;
    let mut anonymizations: Vec<usize> = Vec::new();
    for (i, e) in new.iter().enumerate() {
        let pos = positions[i];
        let state = registry.get(&e.stream).map(HeldStream::state);
        let mut verdict = rules::admit(e, state.as_ref(), now_ms);
        if verdict.is_ok() && e.kind.starts_with("case.") {
            if e.kind == redact::ANONYMIZED_KIND {
                let ids = rules::listed_ids(e);
                let mut held = held_events(tx, &ids).await?;
                held.extend(forms[..i].iter().filter(|f| ids.contains(&f.id)).cloned());
                if let Some(reason) = rules::anonymization_mismatch(e, &held) {
                    verdict = Err(reason);
                } else {
                    anonymizations.push(i);
                }
            } else {
                let mut r =
                    listed.get(&e.id).filter(|(st, _)| *st == e.stream).map(|x| x.1.clone());
                for &a in &anonymizations {
                    if r.is_none() && new[a].stream == e.stream {
                        r = redact::redactions_of(&new[a].payload)
                            .unwrap_or_default()
                            .into_iter()
                            .find(|r| r.event == e.id);
                    }
                }
                if let Some(r) = r {
                    match rules::stored_form(e, &r) {
                        Ok(Some(form)) => forms[i] = form,
                        Ok(None) => {}
                        Err(reason) => verdict = Err(reason),
                    }
                }
            }
        }
        match verdict {
            Err(reason) => {
                quarantined.push(Quarantined { id: e.id, seq: e.seq, reason: reason.to_owned() });
                quarantine_rows.push((pos, reason));
            }
            Ok(change) => {
                match change {
                    StreamChange::Start { kind, owner } => {
                        starts.push((e.stream, kind.code(), owner.clone(), pos));
                        registry.insert(e.stream, HeldStream { kind, owner, writers: Vec::new() });
                    }
                    StreamChange::Grant(w) => {
                        let co = w.co_handle.map(|t| t.to_string()).unwrap_or_default();
                        if let Some(s) = registry.get_mut(&e.stream)
                            && !s.writers.iter().any(|(u, c, _)| *u == w.unit && *c == co)
                        {
                            s.writers.push((w.unit.clone(), co.clone(), false));
                            writes.push(RegistryWrite::Grant {
                                stream: e.stream,
                                unit: w.unit,
                                co_handle: co,
                                pos,
                            });
                        }
                    }
                    StreamChange::EndCoHandling { transfer } => {
                        let co = transfer.to_string();
                        if let Some(s) = registry.get_mut(&e.stream) {
                            for w in s.writers.iter_mut().filter(|(_, c, ended)| *c == co && !ended)
                            {
                                w.2 = true;
                            }
                        }
                        writes.push(RegistryWrite::End { stream: e.stream, co_handle: co, pos });
                    }
                    StreamChange::Keep => {}
                }
                accepted.push((i, pos));
            }
        }
    }

    // The events, then what refers to them.
    let cols = EventColumns::of(&forms, &positions, &quarantine_rows)?;
    let inserted = tx
        .execute(
            "INSERT INTO events (pos, id, stream, device, seq, hash, kind, json, quarantined, received_ms)
             SELECT t.pos, t.id, t.stream, t.device, t.seq, t.hash, t.kind, t.json, t.q, $10
             FROM unnest($1::bigint[], $2::uuid[], $3::uuid[], $4::uuid[], $5::bigint[],
                         $6::text[], $7::text[], $8::text[], $9::bool[])
                  AS t(pos, id, stream, device, seq, hash, kind, json, q)
             ON CONFLICT (id) DO NOTHING",
            &[
                &cols.pos, &cols.id, &cols.stream, &cols.device, &cols.seq, &cols.hash,
                &cols.kind, &cols.json, &cols.quarantined, &now_ms,
            ],
        )
        .await?;
    if inserted != new.len() as u64 {
        // Another push stored one of these ids meanwhile.
        return Err(HubError::Tampered(
            "an event id of the batch is already held for another event".into(),
        ));
    }
    // The hub's one rewrite of what it stores: what an accepted anonymisation lists, redacted.
    for &a in &anonymizations {
        redact_listed(tx, &new[a]).await?;
    }
    if !quarantine_rows.is_empty() {
        let pos: Vec<i64> = quarantine_rows.iter().map(|q| q.0).collect();
        let reason: Vec<&str> = quarantine_rows.iter().map(|q| q.1).collect();
        tx.execute(
            "INSERT INTO quarantine (event_pos, reason, at_ms)
             SELECT p, r, $3 FROM unnest($1::bigint[], $2::text[]) AS t(p, r)",
            &[&pos, &reason, &now_ms],
        )
        .await?;
    }
    if !starts.is_empty() {
        let stream: Vec<Uuid> = starts.iter().map(|s| s.0).collect();
        let kind: Vec<&str> = starts.iter().map(|s| s.1).collect();
        let owner: Vec<&str> = starts.iter().map(|s| s.2.as_str()).collect();
        let pos: Vec<i64> = starts.iter().map(|s| s.3).collect();
        tx.execute(
            "INSERT INTO streams (stream, kind, owner, started_at)
             SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[])",
            &[&stream, &kind, &owner, &pos],
        )
        .await?;
    }
    for w in &writes {
        match w {
            RegistryWrite::Grant { stream, unit, co_handle, pos } => {
                tx.execute(
                    "INSERT INTO stream_writers (stream, unit, co_handle, granted_at)
                     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                    &[stream, unit, co_handle, pos],
                )
                .await?;
            }
            RegistryWrite::End { stream, co_handle, pos } => {
                tx.execute(
                    "UPDATE stream_writers SET ended_at = $3
                     WHERE stream = $1 AND co_handle = $2 AND ended_at IS NULL",
                    &[stream, co_handle, pos],
                )
                .await?;
            }
        }
    }

    // Feeds: every accepted event to the units that see its stream; a unit that starts to see
    // a stream gets the stream's earlier accepted events first.
    let mut feed_rows: Vec<(String, i64)> = Vec::new();
    let mut in_feed: HashSet<(String, i64)> = HashSet::new();
    let mut new_addressed: Vec<(Uuid, String)> = Vec::new();
    for &(i, pos) in &accepted {
        let e = &new[i];
        let units = addressed.entry(e.stream).or_default();
        let before = viewers(units, &hierarchy);
        let mut grew = false;
        for unit in rules::audience(e) {
            if units.insert(unit.clone()) {
                new_addressed.push((e.stream, unit));
                grew = true;
            }
        }
        for unit in &before {
            if in_feed.insert((unit.clone(), pos)) {
                feed_rows.push((unit.clone(), pos));
            }
        }
        if grew {
            let after = viewers(units, &hierarchy);
            let newcomers: Vec<&String> = after.difference(&before).collect();
            if !newcomers.is_empty() {
                let earlier: Vec<i64> = tx
                    .query(
                        "SELECT pos FROM events WHERE stream = $1 AND NOT quarantined
                           AND pos <= $2 ORDER BY pos",
                        &[&e.stream, &pos],
                    )
                    .await?
                    .iter()
                    .map(|r| r.get(0))
                    .collect();
                for unit in newcomers {
                    for &p in &earlier {
                        if in_feed.insert((unit.clone(), p)) {
                            feed_rows.push((unit.clone(), p));
                        }
                    }
                }
            }
        }
    }
    if !new_addressed.is_empty() {
        let stream: Vec<Uuid> = new_addressed.iter().map(|a| a.0).collect();
        let unit: Vec<&str> = new_addressed.iter().map(|a| a.1.as_str()).collect();
        tx.execute(
            "INSERT INTO stream_units (stream, unit)
             SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT DO NOTHING",
            &[&stream, &unit],
        )
        .await?;
    }
    if !feed_rows.is_empty() {
        // The tail: from here to the commit, concurrent pushes take turns (see the module doc).
        let n = feed_rows.len() as i64;
        let last: i64 = tx
            .query_one("UPDATE feed_clock SET last = last + $1 WHERE id = 1 RETURNING last", &[&n])
            .await?
            .get(0);
        let first = last - n + 1;
        let unit: Vec<&str> = feed_rows.iter().map(|r| r.0.as_str()).collect();
        let feed_pos: Vec<i64> = (first..=last).collect();
        let event_pos: Vec<i64> = feed_rows.iter().map(|r| r.1).collect();
        tx.execute(
            "INSERT INTO feed (unit, pos, event_pos)
             SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[]) ON CONFLICT DO NOTHING",
            &[&unit, &feed_pos, &event_pos],
        )
        .await?;
    }
    Ok(quarantined)
}

/// The events the hub holds with these ids (accepted or quarantined).
async fn held_events<C: GenericClient + Sync>(c: &C, ids: &[Uuid]) -> Result<Vec<Event>> {
    let mut out = Vec::new();
    for r in c.query("SELECT json FROM events WHERE id = ANY($1)", &[&ids]).await? {
        out.push(serde_json::from_str(&r.get::<_, String>(0))?);
    }
    Ok(out)
}

/// What the accepted anonymisations of `streams` held before this batch list, by event id,
/// with the anonymisation's stream.
async fn listings<C: GenericClient + Sync>(
    c: &C,
    streams: &[Uuid],
) -> Result<HashMap<Uuid, (Uuid, Redaction)>> {
    let rows = c
        .query(
            "SELECT json FROM events WHERE stream = ANY($1) AND kind = $2 AND NOT quarantined
             ORDER BY pos",
            &[&streams, &redact::ANONYMIZED_KIND],
        )
        .await?;
    let mut out = HashMap::new();
    for row in rows {
        let anon: Event = serde_json::from_str(&row.get::<_, String>(0))?;
        for r in redact::redactions_of(&anon.payload).unwrap_or_default() {
            out.entry(r.event).or_insert((anon.stream, r));
        }
    }
    Ok(out)
}

/// Replaces the stored JSON of every held event of the anonymisation's stream that it lists by
/// the redacted form.
async fn redact_listed<C: GenericClient + Sync>(c: &C, anon: &Event) -> Result<()> {
    let list = redact::redactions_of(&anon.payload).unwrap_or_default();
    let ids: Vec<Uuid> = list.iter().map(|r| r.event).collect();
    for held in held_events(c, &ids).await? {
        let Some(r) = list.iter().find(|r| r.event == held.id) else { continue };
        if held.stream != anon.stream {
            continue;
        }
        if let Ok(Some(form)) = rules::stored_form(&held, r) {
            let json = serde_json::to_string(&form)?;
            c.execute("UPDATE events SET json = $2 WHERE id = $1", &[&held.id, &json]).await?;
        }
    }
    Ok(())
}

/// The units that see a stream addressed to `units`: those units and all their ancestors.
fn viewers(
    units: &BTreeSet<String>,
    hierarchy: &HashMap<String, Option<String>>,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for unit in units {
        let mut next = Some(unit.clone());
        while let Some(u) = next {
            if !out.insert(u.clone()) {
                break;
            }
            next = hierarchy.get(&u).cloned().flatten();
        }
    }
    out
}

/// The columns of a bulk event insert.
struct EventColumns {
    pos: Vec<i64>,
    id: Vec<Uuid>,
    stream: Vec<Uuid>,
    device: Vec<Uuid>,
    seq: Vec<i64>,
    hash: Vec<String>,
    kind: Vec<String>,
    json: Vec<String>,
    quarantined: Vec<bool>,
}

impl EventColumns {
    fn of(
        events: &[Event],
        positions: &[i64],
        quarantined: &[(i64, &str)],
    ) -> Result<EventColumns> {
        let q: HashSet<i64> = quarantined.iter().map(|q| q.0).collect();
        let json = events.iter().map(serde_json::to_string).collect::<serde_json::Result<_>>()?;
        Ok(EventColumns {
            pos: positions.to_vec(),
            id: events.iter().map(|e| e.id).collect(),
            stream: events.iter().map(|e| e.stream).collect(),
            device: events.iter().map(|e| e.device).collect(),
            seq: events.iter().map(|e| to_i64(e.seq)).collect(),
            hash: events.iter().map(|e| e.hash.to_hex()).collect(),
            kind: events.iter().map(|e| e.kind.clone()).collect(),
            json,
            quarantined: positions.iter().map(|p| q.contains(p)).collect(),
        })
    }
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
