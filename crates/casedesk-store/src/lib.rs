//! The station store: one SQLite file holding the event log and its projections.
//!
//! Every write is one IMMEDIATE transaction that appends the event (next gapless `seq` of this
//! device, HLC, hash chain) and updates the projections it touches, so a crash leaves either both
//! or neither. Events received from elsewhere (`apply_remote`) are inserted if absent and their
//! streams re-projected in the same transaction.

mod apply;
pub mod backup;
pub mod bench;
mod blob_sync;
mod blobcrypt;
pub mod crypt;
pub mod desk;
pub mod drafts;
pub mod error;
mod exchange;
mod files;
pub mod migrate;
mod payload;
pub mod people;
mod project;
pub mod query;
pub mod retention;
pub mod stats;
mod verify;

use std::path::Path;

use casedesk_proto::{Event, EventHash, Hlc, ZERO_HASH};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use serde::Serialize;
use uuid::Uuid;

pub use backup::{BackupInfo, BackupPolicy, BackupReason};
pub use blob_sync::{BlobDirection, BlobProblem, BlobSyncSummary, PendingBlob};
pub use crypt::DbKey;
pub use error::{AuthError, Result, StoreError};
pub use exchange::{ExportSummary, ImportSummary};
pub use files::{
    BlobReport, DocumentRow, EVIDENCE_TYPES, EvidenceRow, LedgerCase, NewDocument, NewEvidence,
    sha256_hex, sniff_media_type,
};
pub use people::{Actor, AuditEntry, NewStaff, SignedIn, StaffLogin, StaffUpdate};
pub use retention::{DEFAULT_RETENTION_DAYS, RetentionDue};
pub use verify::VerifyReport;

use bench::phases;
use casedesk_domain::access;
use casedesk_domain::calendar::{self, WorkCalendar};
use casedesk_domain::case::{self, CaseState};
use casedesk_domain::deadline::OwnRules;
use casedesk_domain::event::{CaseEvent, CaseRegistered, DomainEvent, OrgEvent, PAYLOAD_VERSION};
use casedesk_domain::types::{Permission, StaffRole, UnitKind};

/// Who this database belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Station {
    pub unit: String,
    pub unit_name: String,
    pub device: Uuid,
    pub device_code: String,
}

/// What `init_station` needs.
#[derive(Clone, Debug)]
pub struct StationInit {
    pub unit: String,
    pub unit_name: String,
    pub unit_kind: UnitKind,
    pub parent: Option<String>,
    pub admin_code: String,
    pub device_code: String,
    pub device_name: String,
    /// The first staff member, who sets the station up: head, mediator and clerk.
    pub founder: String,
    /// Their password or PIN on this device (`None`: no one can sign in as them here until
    /// one is set; fixtures and demonstration stations).
    pub founder_secret: Option<String>,
}

/// A station just set up, and its first staff member.
#[derive(Clone, Debug)]
pub struct Founded {
    pub station: Station,
    pub founder: Actor,
}

/// A registered case's identity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseRef {
    pub id: Uuid,
    pub no: String,
}

/// What `apply_remote` did with a batch of events.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ApplyReport {
    pub inserted: usize,
    pub duplicates: usize,
    /// Events kept aside in the station's quarantine with their reason (never applied, never
    /// dropped): a broken hash, a fork, a broken limit, a clock far ahead, an unknown kind, a
    /// case event on an organisation stream, a projection that could not be written.
    pub quarantined: Vec<(Uuid, String)>,
    /// Stored payloads replaced by their redacted form (an anonymisation arrived, or an old
    /// event of an anonymised case).
    pub redacted: usize,
}

/// Where events that a station did not write come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Pulled from the hub.
    Pull,
    /// Read from a file (`casedesk import`).
    Import,
}

impl Source {
    pub fn code(self) -> &'static str {
        match self {
            Source::Pull => "pull",
            Source::Import => "import",
        }
    }
}

/// An event kept in the station's quarantine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QuarantineEntry {
    pub id: Uuid,
    pub stream: Uuid,
    pub device: Uuid,
    pub seq: u64,
    pub unit: String,
    pub kind: String,
    pub reason: String,
    pub source: String,
    pub received_ms: i64,
}

type Clock = Box<dyn Fn() -> DateTime<Utc> + Send>;

/// Prepared statements kept per connection (see `Store::bare`).
const STATEMENT_CACHE: usize = 256;

pub struct Store {
    conn: Connection,
    station: Option<Station>,
    calendar: WorkCalendar,
    own_rules: OwnRules,
    clock: Clock,
    /// For read-only handles: SQLite's `data_version` when the cached settings were loaded.
    seen_version: Option<i64>,
    /// The key of an encrypted file (its backups are encrypted with it too).
    key: Option<DbKey>,
    /// `blobs/` beside the database file: evidence files and issued PDFs (see `files`).
    blob_dir: Option<std::path::PathBuf>,
    /// A bulk load under way (`Store::bulk`).
    bulk: Option<BulkLoad>,
    /// The last file an upload read (`blob_chunk`): its chunks come one after another, and a
    /// sealed file is opened and checked whole.
    chunk_source: std::cell::RefCell<Option<(String, std::sync::Arc<Vec<u8>>)>>,
}

/// What a bulk load (`Store::bulk`) holds back until its end.
#[derive(Default)]
struct BulkLoad {
    /// Case rows whose search text changed during the load, and whether the search index held
    /// them before it: the index is written once, at the end.
    fts: std::collections::BTreeMap<i64, bool>,
    /// The rowid of each case registered in the load and not projected yet: the one a
    /// projection written at registration would have had, so rows keep registration order
    /// however late a case is projected.
    reserved: std::collections::HashMap<Uuid, i64>,
    /// The next rowid to give.
    next_rowid: i64,
}

/// What runs before a file that needs migrations is migrated (a backup).
type BeforeMigration<'a> = dyn Fn(&Connection) -> Result<()> + 'a;

impl Store {
    /// Opens a plain (unencrypted) station file: for tests, benchmarks and tools. A station's
    /// own file is opened with [`Store::open_encrypted`].
    pub fn open(path: &Path) -> Result<Store> {
        let mut store = Store::from_conn(Connection::open(path)?, None)?;
        store.blob_dir = Some(blob_dir_beside(path));
        Ok(store)
    }

    /// Opens (or creates, owner-only) the encrypted station file at `path` with `key`; a plain
    /// file there is encrypted first (see [`crypt`]). A wrong key is `StoreError::WrongKey`.
    /// With a `backups` policy, a file that needs a migration is backed up before it runs.
    pub fn open_encrypted(
        path: &Path,
        key: &DbKey,
        backups: Option<&BackupPolicy>,
    ) -> Result<Store> {
        let conn = crypt::open_encrypted(path, key)?;
        let before = |conn: &Connection| -> Result<()> {
            if let Some(policy) = backups {
                backup::backup_connection(conn, Some(key), policy, BackupReason::PreMigration)?;
            }
            Ok(())
        };
        let mut store = Store::from_conn(conn, Some(&before))?;
        store.key = Some(key.clone());
        store.blob_dir = Some(blob_dir_beside(path));
        // Once per file: the files kept plain before (by a version that did not seal them, or
        // while the station file was plain) are sealed; a failure leaves the mark unset and the
        // next open tries again (plain files still read).
        let sealed_before: bool = store.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM settings WHERE key = 'blobs_sealed')",
            [],
            |r| r.get(0),
        )?;
        if !sealed_before && store.seal_plain_blobs().is_ok() {
            store.conn.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES ('blobs_sealed', '1')",
                [],
            )?;
        }
        Ok(store)
    }

    pub fn open_in_memory() -> Result<Store> {
        Store::from_conn(Connection::open_in_memory()?, None)
    }

    /// A store on `conn` with nothing loaded yet (the callers load the cached settings).
    fn bare(conn: Connection) -> Store {
        // rusqlite keeps 16 prepared statements by default; one registration runs more
        // different ones than that (authorisation, counters, chain head, the projections, the
        // search index), so the cache evicted them in turn and each was compiled again on
        // every write: SQL parsing and planning were a large part of a registration's cost
        // (issue 13 item 13). About a hundred statements in the store are cached: all fit.
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Store {
            conn,
            station: None,
            calendar: WorkCalendar::builtin(),
            own_rules: OwnRules::default(),
            clock: Box::new(Utc::now),
            seen_version: None,
            key: None,
            blob_dir: None,
            bulk: None,
            chunk_source: std::cell::RefCell::new(None),
        }
    }

    fn from_conn(
        mut conn: Connection,
        before_migration: Option<&BeforeMigration<'_>>,
    ) -> Result<Store> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "busy_timeout", 5000)?;
        if let Some(before) = before_migration
            && migrate::pending(&conn)?
        {
            before(&conn)?;
        }
        migrate::migrate(&mut conn)?;
        // Keep the query planner's statistics current (sampled, so it stays fast on large
        // files): without them SQLite cannot tell that, say, collective cases are rare.
        conn.pragma_update(None, "analysis_limit", 1000)?;
        let analyzed: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1')",
            [],
            |r| r.get(0),
        )?;
        // `optimize` re-analyzes tables whose size changed a lot, but never a database that
        // was not analyzed at all.
        conn.execute_batch(if analyzed { "PRAGMA optimize = 0x10002;" } else { "ANALYZE;" })?;
        let mut store = Store::bare(conn);
        store.reload_settings()?;
        let pending: Option<String> = store
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'rebuild_projections'", [], |r| r.get(0))
            .optional()?;
        if pending.is_some() {
            // A migration changed the projections' shape: rebuild them from the log once.
            store.rebuild()?;
            store.conn.execute("DELETE FROM meta WHERE key = 'rebuild_projections'", [])?;
        }
        Ok(store)
    }

    /// A read-only handle on a database that a `Store` opened with [`Store::open`] (and so
    /// migrated) is also using, for queries that should not wait behind writes: in WAL mode
    /// readers and the writer do not block each other. Writes through it fail
    /// (`PRAGMA query_only`). Call [`Store::refresh`] before each use so that the station,
    /// calendar and rules it caches follow what the writer committed.
    pub fn open_reader(path: &Path) -> Result<Store> {
        Store::reader_on(Connection::open(path)?, path)
    }

    /// [`Store::open_reader`] on an encrypted file.
    pub fn open_reader_encrypted(path: &Path, key: &DbKey) -> Result<Store> {
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        crypt::apply_key(&conn, key)?;
        crypt::private_pragmas(&conn)?;
        let mut store = Store::reader_on(conn, path)?;
        store.key = Some(key.clone());
        Ok(store)
    }

    fn reader_on(conn: Connection, path: &Path) -> Result<Store> {
        conn.pragma_update(None, "busy_timeout", 5000)?;
        conn.pragma_update(None, "query_only", true)?;
        let mut store = Store::bare(conn);
        store.blob_dir = Some(blob_dir_beside(path));
        store.refresh()?;
        Ok(store)
    }

    /// Reloads the cached station, calendar and rules when another connection has committed
    /// since they were loaded (SQLite's `data_version`; one cheap pragma otherwise).
    pub fn refresh(&mut self) -> Result<()> {
        let v: i64 = self.conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        if self.seen_version != Some(v) {
            self.reload_settings()?;
            self.seen_version = Some(v);
        }
        Ok(())
    }

    /// Replaces the clock (tests and demo data use a fixed or simulated time).
    pub fn set_clock(&mut self, clock: impl Fn() -> DateTime<Utc> + Send + 'static) {
        self.clock = Box::new(clock);
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Marks this station as holding demonstration data (set by `casedesk-demo` before it writes
    /// anything): such a station is refused enrollment, so its cases never reach a hub.
    pub fn mark_demo(&mut self) -> Result<()> {
        self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('demo', '1')", [])?;
        Ok(())
    }

    /// Whether this station holds demonstration data (see `mark_demo`).
    pub fn is_demo(&self) -> Result<bool> {
        let v: Option<String> = self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE key = 'demo'")?
            .query_row([], |r| r.get(0))
            .optional()?;
        Ok(v.is_some())
    }

    /// Records operation `op` (a UI op id) as done with `result`, for work not written through
    /// an `*_op` function (a station's set-up).
    pub fn record_op(&mut self, op: &str, result: &str) -> Result<()> {
        op_record(&self.conn, Some(op), result, self.now())
    }

    /// Whether operation `op` was applied already (see `register_case_op`).
    pub fn op_done(&self, op: &str) -> Result<bool> {
        Ok(op_result(&self.conn, Some(op))?.is_some())
    }

    pub fn station(&self) -> Option<&Station> {
        self.station.as_ref()
    }

    pub fn require_station(&self) -> Result<&Station> {
        self.station.as_ref().ok_or(StoreError::NotInitialized)
    }

    pub fn calendar(&self) -> &WorkCalendar {
        &self.calendar
    }

    pub fn own_rules(&self) -> &OwnRules {
        &self.own_rules
    }

    fn reload_settings(&mut self) -> Result<()> {
        let meta = |k: &str| -> Result<Option<String>> {
            Ok(self
                .conn
                .query_row("SELECT value FROM meta WHERE key = ?1", [k], |r| r.get(0))
                .optional()?)
        };
        self.station =
            match (meta("unit")?, meta("unit_name")?, meta("device")?, meta("device_code")?) {
                (Some(unit), Some(unit_name), Some(device), Some(device_code)) => Some(Station {
                    unit,
                    unit_name,
                    device: Uuid::parse_str(&device)
                        .map_err(|e| StoreError::integrity(format!("meta.device: {e}")))?,
                    device_code,
                }),
                _ => None,
            };
        let entries = {
            let mut stmt = self.conn.prepare("SELECT date, kind, name FROM calendar_days")?;
            let rows = stmt.query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (date, kind, name) = row?;
                if let (Ok(date), Some(kind)) = (date.parse(), calendar::DayKind::from_code(&kind))
                {
                    out.push(calendar::CalendarEntry { date, kind, name });
                }
            }
            out
        };
        if self.station.is_some() {
            self.calendar = WorkCalendar::new(&entries);
        }
        let own: Option<String> = self
            .conn
            .query_row("SELECT value FROM settings WHERE key = 'own_rules'", [], |r| r.get(0))
            .optional()?;
        self.own_rules = match own {
            Some(json) => serde_json::from_str(&json)?,
            None => OwnRules::default(),
        };
        Ok(())
    }

    /// Makes this database a station's: records the unit and this device, seeds the editable
    /// calendar with the shipped holiday data, and writes the unit and device events.
    pub fn init_station(&mut self, init: StationInit) -> Result<Founded> {
        if let Some(s) = &self.station {
            return Err(StoreError::AlreadyInitialized(s.unit.clone()));
        }
        let device = Uuid::now_v7();
        let device_code = match init.device_code.trim() {
            "" => default_device_code(device),
            code => code.to_ascii_uppercase(),
        };
        let mut issues = Vec::new();
        casedesk_domain::org::unit_code(&mut issues, "unit", init.unit.trim());
        if init.unit_name.trim().is_empty() {
            issues.push(casedesk_domain::Issue::new("unit_name", "required"));
        }
        casedesk_domain::org::device_code(&mut issues, "device_code", &device_code);
        if init.founder.trim().is_empty() {
            issues.push(casedesk_domain::Issue::new("founder", "required"));
        }
        if let Some(secret) = &init.founder_secret
            && let Err(e) = people::credential_kind(secret)
        {
            issues.push(casedesk_domain::Issue::new("founder_secret", e.code()));
        }
        if !issues.is_empty() {
            return Err(StoreError::invalid(issues));
        }
        let station = Station {
            unit: init.unit.trim().to_owned(),
            unit_name: init.unit_name.trim().to_owned(),
            device,
            device_code,
        };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (k, v) in [
            ("unit", station.unit.as_str()),
            ("unit_name", station.unit_name.as_str()),
            ("device", &station.device.to_string()),
            ("device_code", station.device_code.as_str()),
        ] {
            tx.execute("INSERT INTO meta (key, value) VALUES (?1, ?2)", params![k, v])?;
        }
        for e in calendar::builtin_entries() {
            tx.execute(
                "INSERT OR REPLACE INTO calendar_days (date, kind, name, source) VALUES (?1, ?2, ?3, 'builtin')",
                params![e.date.to_string(), e.kind.code(), e.name],
            )?;
        }
        tx.commit()?;
        self.reload_settings()?;
        // The founder registers themselves first, so that every event after carries an actor
        // whose roles are known (see `apply`: a device's first staff registration may name its
        // own staff member as actor).
        let founder = Actor::unchecked(Uuid::now_v7());
        let roles = vec![StaffRole::Head, StaffRole::Mediator, StaffRole::Clerk];
        self.write_org_unchecked(
            founder.staff(),
            Some(founder.staff()),
            OrgEvent::StaffRegistered {
                unit: station.unit.clone(),
                name: init.founder.trim().to_owned(),
                roles,
                phone: String::new(),
                languages: vec![casedesk_domain::types::Language::Zh],
                active: true,
            },
        )?;
        if let Some(secret) = &init.founder_secret {
            self.set_credential(&founder, founder.staff(), secret)?;
        }
        let unit_stream = Uuid::now_v7();
        self.record_org(
            unit_stream,
            &founder,
            OrgEvent::UnitRegistered {
                code: station.unit.clone(),
                name: station.unit_name.clone(),
                unit_kind: init.unit_kind,
                parent: init.parent,
                admin_code: init.admin_code,
                demonstration: false,
            },
        )?;
        self.record_org(
            station.device,
            &founder,
            OrgEvent::DeviceRegistered {
                unit: station.unit.clone(),
                code: station.device_code.clone(),
                name: match init.device_name.trim() {
                    "" => station.device_code.clone(),
                    name => name.to_owned(),
                },
            },
        )?;
        Ok(Founded { station, founder })
    }

    /// Writes an organisation event without asking for a permission: only the founder's own
    /// registration at set-up.
    fn write_org_unchecked(
        &mut self,
        stream: Uuid,
        actor: Option<Uuid>,
        ev: OrgEvent,
    ) -> Result<Event> {
        let station = self.require_station()?.clone();
        let now = self.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let ev = checked_org(&tx, &station, stream, now, ev)?;
        let event = append(&tx, &station, now, stream, actor, &DomainEvent::Org(ev))?;
        project::refresh_org(&tx, stream)?;
        tx.commit()?;
        Ok(event)
    }

    /// Takes the device code the hub assigned at enrollment (unique among the unit's devices)
    /// for the case numbers of this device from now on, and records it in a
    /// `device.registered` event. Cases numbered before keep their numbers. Nothing happens
    /// when the code is the one the station has. `actor` is the staff member who enrolled the
    /// device, or `None` when sync adopts a code the hub gave on its own (no person decided).
    pub fn adopt_device_code(&mut self, actor: Option<&Actor>, code: &str) -> Result<()> {
        let station = self.require_station()?.clone();
        if station.device_code == code {
            return Ok(());
        }
        let mut issues = Vec::new();
        casedesk_domain::org::device_code(&mut issues, "device_code", code);
        if !issues.is_empty() {
            return Err(StoreError::invalid(issues));
        }
        let name: Option<String> = self
            .conn
            .query_row("SELECT name FROM devices WHERE id = ?1", [station.device.as_bytes()], |r| {
                r.get(0)
            })
            .optional()?;
        let now = self.now();
        let ev = OrgEvent::DeviceRegistered {
            unit: station.unit.clone(),
            code: code.to_owned(),
            name: name.unwrap_or_else(|| code.to_owned()),
        };
        // The code and the event that records it commit together.
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(a) = actor {
            people::authorize(&tx, &station, a, Permission::Enroll)?;
        }
        tx.execute("UPDATE meta SET value = ?1 WHERE key = 'device_code'", [code])?;
        let ev = checked_org(&tx, &station, station.device, now, ev)?;
        append(&tx, &station, now, station.device, actor.map(Actor::staff), &DomainEvent::Org(ev))?;
        project::refresh_org(&tx, station.device)?;
        tx.commit()?;
        self.reload_settings()
    }

    /// Gives this database a new device identity (after a restore: the file is an older copy
    /// of a device that may have written on, so writing on as that device would fork its chain).
    /// A new device id and a device code made from it; the old device's events stay, as another
    /// device's; the new device's chain starts with its `device.registered` event. The sync
    /// state values `sync_pairs` are set in the same transaction. Returns the old device id.
    pub fn take_new_device_identity(
        &mut self,
        sync_pairs: &[(&str, Option<String>)],
    ) -> Result<Uuid> {
        let old = self.require_station()?.clone();
        let device = Uuid::now_v7();
        let station = Station { device, device_code: default_device_code(device), ..old.clone() };
        let name: Option<String> = self
            .conn
            .query_row("SELECT name FROM devices WHERE id = ?1", [old.device.as_bytes()], |r| {
                r.get(0)
            })
            .optional()?;
        let now = self.now();
        let ev = OrgEvent::DeviceRegistered {
            unit: station.unit.clone(),
            code: station.device_code.clone(),
            name: name.unwrap_or_else(|| station.device_code.clone()),
        };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("UPDATE meta SET value = ?1 WHERE key = 'device'", [device.to_string()])?;
        tx.execute("UPDATE meta SET value = ?1 WHERE key = 'device_code'", [&station.device_code])?;
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('previous_device', ?1)",
            [old.device.to_string()],
        )?;
        for (k, v) in sync_pairs {
            sync_set_tx(&tx, k, v.as_deref())?;
        }
        let ev = checked_org(&tx, &station, device, now, ev)?;
        append(&tx, &station, now, device, None, &DomainEvent::Org(ev))?;
        project::refresh_org(&tx, device)?;
        tx.commit()?;
        self.reload_settings()?;
        Ok(old.device)
    }

    /// The events of `device` after `seq` (in order, at most `max_bytes` of JSON and
    /// `max_events`): what a restored station still holds of its previous device's chain.
    pub fn device_events_after(
        &self,
        device: Uuid,
        after: u64,
        max_bytes: usize,
        max_count: usize,
    ) -> Result<Vec<Event>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {} FROM events WHERE device = ?1 AND seq > ?2 ORDER BY seq",
            project::EVENT_COLUMNS
        ))?;
        let mut rows = stmt.query(params![device.as_bytes(), after as i64])?;
        let mut out = Vec::new();
        let mut bytes = 0usize;
        // Redacted forms (this station anonymised a case before pushing it) are taken by the
        // hub only in the batch of the anonymisation that lists them: the batch goes on past
        // its size until those anonymisations are in it, up to the protocol's largest batch.
        let mut awaiting: std::collections::HashSet<Uuid> = Default::default();
        while let Some(row) = rows.next()? {
            let e = project::event_from_row(row)?;
            let size = serde_json::to_vec(&e)?.len();
            let full = out.len() >= max_count || bytes + size > max_bytes;
            let hard = bytes + size > casedesk_proto::limits::MAX_BATCH_BYTES
                || out.len() >= casedesk_proto::limits::MAX_BATCH_EVENTS;
            if !out.is_empty() && (hard || (full && awaiting.is_empty())) {
                break;
            }
            if !e.hash_is_valid() {
                awaiting.insert(e.id);
            }
            if e.kind == casedesk_proto::redact::ANONYMIZED_KIND {
                for r in casedesk_proto::redact::redactions_of(&e.payload).unwrap_or_default() {
                    awaiting.remove(&r.event);
                }
            }
            bytes += size;
            out.push(e);
        }
        Ok(out)
    }

    /// The last seq this database holds of `device`.
    pub fn head_of(&self, device: Uuid) -> Result<(u64, EventHash)> {
        device_head(&self.conn, device)
    }

    /// Registers a new case. The store fills in the case number and the receiving unit; the
    /// registration is validated first and refused with every problem listed.
    pub fn register_case(&mut self, actor: &Actor, reg: CaseRegistered) -> Result<CaseRef> {
        self.register_case_op(None, actor, reg)
    }

    /// `register_case`, at most once per operation id: a repeated call with the same `op`
    /// returns the first call's case and writes nothing.
    pub fn register_case_op(
        &mut self,
        op: Option<&str>,
        actor: &Actor,
        mut reg: CaseRegistered,
    ) -> Result<CaseRef> {
        phases::restart();
        if let Some(done) = op_result(&self.conn, op)? {
            return Ok(serde_json::from_str(&done)?);
        }
        let station = self.require_station()?.clone();
        let now = self.now();
        let issues = registration_issues(&self.conn, &reg, now)?;
        if !issues.is_empty() {
            return Err(StoreError::invalid(issues));
        }
        casedesk_domain::validate::normalize_registration(
            &mut reg,
            casedesk_domain::deadline::local_date(now),
        );
        reg.unit = station.unit.clone();
        let id = Uuid::now_v7();
        let (cal, own) = (self.calendar.clone(), self.own_rules.clone());
        let clock_now = now;
        phases::mark("validate");
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        phases::mark("begin");
        people::authorize(&tx, &station, actor, Permission::Register)?;
        phases::mark("authorize");
        reg.case_no = next_case_no(&tx, &station, reg.received_at)?;
        phases::mark("case number");
        let no = reg.case_no.clone();
        let event = append(
            &tx,
            &station,
            clock_now,
            id,
            Some(actor.staff()),
            &DomainEvent::Case(CaseEvent::Registered(Box::new(reg))),
        )?;
        let state = case::fold(std::slice::from_ref(&event))?
            .ok_or_else(|| StoreError::integrity("registration did not fold"))?;
        phases::mark("fold");
        project::write_case(&tx, &state, &cal, &own)?;
        let r = CaseRef { id, no };
        op_record(&tx, op, &serde_json::to_string(&r)?, clock_now)?;
        phases::mark("op record");
        tx.commit()?;
        phases::mark("commit");
        Ok(r)
    }

    /// Records an action on a case after checking it against the state machine.
    pub fn act(&mut self, case_id: Uuid, actor: &Actor, ev: CaseEvent) -> Result<Event> {
        self.act_op(None, case_id, actor, ev)
    }

    /// `act`, at most once per operation id (see `register_case_op`).
    pub fn act_op(
        &mut self,
        op: Option<&str>,
        case_id: Uuid,
        actor: &Actor,
        ev: CaseEvent,
    ) -> Result<Event> {
        if let Some(done) = op_result(&self.conn, op)? {
            return self.event_by_id(&done);
        }
        if matches!(ev, CaseEvent::DocumentIssued(_) | CaseEvent::EvidenceAdded(_)) {
            // They name files that must be written first: `issue_document_op`, `add_evidence_op`.
            return Err(StoreError::invalid(vec![casedesk_domain::Issue::new(
                "kind",
                "doc.issue_elsewhere",
            )]));
        }
        self.act_checked(op, case_id, actor, |_, _| Ok(ev), |event| event.id.to_string())
    }

    /// One case command in one transaction: folds the case, asks `make` for the event (it may
    /// write to the transaction first, e.g. a counter), checks the event against the state,
    /// appends it, rewrites the projection and records `op` with `result`'s text.
    pub(crate) fn act_checked(
        &mut self,
        op: Option<&str>,
        case_id: Uuid,
        actor: &Actor,
        make: impl FnOnce(&Connection, &CaseState) -> Result<CaseEvent>,
        result: impl FnOnce(&Event) -> String,
    ) -> Result<Event> {
        let station = self.require_station()?.clone();
        let now = self.now();
        let (cal, own) = (self.calendar.clone(), self.own_rules.clone());
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut events = project::load_stream(&tx, case_id)?;
        let state =
            case::fold(&events)?.ok_or_else(|| StoreError::not_found(case_id.to_string()))?;
        let ev = make(&tx, &state)?;
        people::authorize(&tx, &station, actor, access::for_case(ev.event_kind()))?;
        case::check(&state, &ev, now)?;
        let anonymizes = matches!(ev, CaseEvent::Anonymized(_));
        let event =
            append(&tx, &station, now, case_id, Some(actor.staff()), &DomainEvent::Case(ev))?;
        events.push(event.clone());
        if anonymizes {
            // The one rewrite of the log: the earlier events' payloads lose their personal
            // fields, and the projection below is folded from what is left.
            retention::redact_stream(&tx, case_id)?;
            events = project::load_stream(&tx, case_id)?;
            events.retain(|e| e.kind.starts_with("case."));
        }
        let state = case::fold(&events)?
            .ok_or_else(|| StoreError::integrity("case vanished while writing"))?;
        project::write_case(&tx, &state, &cal, &own)?;
        op_record(&tx, op, &result(&event), now)?;
        tx.commit()?;
        Ok(event)
    }

    /// Records an organisation or intake event (unit, staff, device, roving session,
    /// consultation) on `stream`.
    pub fn record_org(&mut self, stream: Uuid, actor: &Actor, ev: OrgEvent) -> Result<Event> {
        self.record_org_op(None, stream, actor, ev)
    }

    /// `record_org`, at most once per operation id (see `register_case_op`).
    pub fn record_org_op(
        &mut self,
        op: Option<&str>,
        stream: Uuid,
        actor: &Actor,
        ev: OrgEvent,
    ) -> Result<Event> {
        if let Some(done) = op_result(&self.conn, op)? {
            return self.event_by_id(&done);
        }
        let station = self.require_station()?.clone();
        let now = self.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        people::authorize(&tx, &station, actor, org_permission(&ev)?)?;
        let ev = checked_org(&tx, &station, stream, now, ev)?;
        let event = append(&tx, &station, now, stream, Some(actor.staff()), &DomainEvent::Org(ev))?;
        project::refresh_org(&tx, stream)?;
        op_record(&tx, op, &event.id.to_string(), now)?;
        tx.commit()?;
        Ok(event)
    }

    fn event_by_id(&self, id: &str) -> Result<Event> {
        let id =
            Uuid::parse_str(id).map_err(|e| StoreError::integrity(format!("applied_ops: {e}")))?;
        Ok(self.conn.query_row(
            &format!("SELECT {} FROM events WHERE id = ?1", project::EVENT_COLUMNS),
            [id.as_bytes()],
            project::event_from_row,
        )?)
    }

    /// Inserts events written elsewhere (pulled from the hub or imported from a file), each at
    /// most once, and re-projects the streams they touch, all in one transaction. One event
    /// never fails the others: an event that cannot be applied goes to the quarantine with its
    /// reason (see `ApplyReport::quarantined`).
    pub fn apply_remote(&mut self, events: &[Event], source: Source) -> Result<ApplyReport> {
        self.apply_remote_and_set(events, &[], source)
    }

    /// `apply_remote`, and the sync state values `pairs` set in the same transaction (the sync
    /// engine advances its pull cursor so, and events and cursor commit together).
    pub fn apply_remote_and_set(
        &mut self,
        events: &[Event],
        pairs: &[(&str, Option<String>)],
        source: Source,
    ) -> Result<ApplyReport> {
        let (cal, own) = (self.calendar.clone(), self.own_rules.clone());
        let now = self.now();
        let own_device = self.station.as_ref().map(|s| s.device);
        let own_unit = self.station.as_ref().map(|s| s.unit.clone());
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut apply =
            apply::Apply::new(&tx, &cal, &own, now, source, own_device, own_unit.as_deref());
        for e in events {
            apply.admit(e)?;
        }
        let report = apply.finish()?;
        for (k, v) in pairs {
            sync_set_tx(&tx, k, v.as_deref())?;
        }
        tx.commit()?;
        if report.redacted > 0 {
            retention::scrub(&self.conn)?;
        }
        Ok(report)
    }

    /// The events kept in the station's quarantine, newest first.
    pub fn quarantine(&self) -> Result<Vec<QuarantineEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT event, reason, source, received FROM quarantine ORDER BY received DESC, id",
        )?;
        let rows =
            stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (json, reason, source, received_ms) = row?;
            // The event as received; what cannot even be read is shown with its reason only.
            let e: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
            let text = |k: &str| e.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
            let id = |k: &str| Uuid::parse_str(&text(k)).unwrap_or_default();
            out.push(QuarantineEntry {
                id: id("id"),
                stream: id("stream"),
                device: id("device"),
                seq: e.get("seq").and_then(|v| v.as_u64()).unwrap_or(0),
                unit: text("unit"),
                kind: text("kind"),
                reason,
                source,
                received_ms,
            });
        }
        Ok(out)
    }

    /// How many events the station's quarantine holds.
    pub fn quarantine_count(&self) -> Result<u64> {
        let n: i64 = self.conn.query_row("SELECT count(*) FROM quarantine", [], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// This device's events after sequence `after`, in order: at least one (if any), then as many
    /// as fit in `max_bytes` of JSON and `max_count`.
    pub fn own_events_after(
        &self,
        after: u64,
        max_bytes: usize,
        max_count: usize,
    ) -> Result<Vec<Event>> {
        let device = self.require_station()?.device;
        self.device_events_after(device, after, max_bytes, max_count)
    }

    /// A value of the sync state (hub address, token, cursor, last contact, ...).
    pub fn sync_get(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM sync_state WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    /// Sets (or with None, removes) values of the sync state, in one transaction.
    pub fn sync_set(&mut self, pairs: &[(&str, Option<String>)]) -> Result<()> {
        let tx = self.conn.transaction()?;
        for (k, v) in pairs {
            sync_set_tx(&tx, k, v.as_deref())?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Records what a push receipt said: the sync state values `pairs`, and the events the hub
    /// quarantined, in one transaction.
    pub fn record_hub_receipt(
        &mut self,
        pairs: &[(&str, Option<String>)],
        quarantined: &[HubQuarantined],
    ) -> Result<()> {
        let now = self.now().timestamp_millis();
        let tx = self.conn.transaction()?;
        for (k, v) in pairs {
            sync_set_tx(&tx, k, v.as_deref())?;
        }
        for q in quarantined {
            tx.execute(
                "INSERT OR REPLACE INTO hub_quarantine (event_id, seq, reason, at) VALUES (?1, ?2, ?3, ?4)",
                params![q.id.as_bytes(), q.seq as i64, q.reason, now],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// How many of this station's events the hub quarantined.
    pub fn hub_quarantine_count(&self) -> Result<u64> {
        let n: i64 =
            self.conn.query_row("SELECT count(*) FROM hub_quarantine", [], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// How many events the log holds (this device's and everyone else's).
    pub fn event_count(&self) -> Result<u64> {
        let n: i64 = self.conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// All events of one stream, in log order.
    pub fn stream_events(&self, stream: Uuid) -> Result<Vec<Event>> {
        project::load_stream(&self.conn, stream)
    }

    /// The full state of a case, folded from its events.
    pub fn case_state(&self, id: Uuid) -> Result<CaseState> {
        let events = self.stream_events(id)?;
        case::fold(&events)?.ok_or_else(|| StoreError::not_found(id.to_string()))
    }

    /// Finds a case by its number (as shown, or as registered when only one case has it) or id.
    pub fn find_case(&self, key: &str) -> Result<Uuid> {
        let key = key.trim();
        if let Ok(id) = Uuid::parse_str(key) {
            return Ok(id);
        }
        let by = |col: &str| -> Result<Vec<(Vec<u8>, String)>> {
            let sql = format!("SELECT id, no FROM cases WHERE {col} = ?1 ORDER BY no");
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map([key], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        let mut found = by("no")?;
        if found.is_empty() {
            found = by("reg_no")?;
        }
        match found.as_slice() {
            [] => Err(StoreError::not_found(key)),
            [(id, _)] => Uuid::from_slice(id).map_err(|e| StoreError::integrity(e.to_string())),
            many => {
                let numbers: Vec<&str> = many.iter().map(|(_, no)| no.as_str()).collect();
                Err(StoreError::invalid(vec![casedesk_domain::Issue::with_arg(
                    "no",
                    "case.number_ambiguous",
                    numbers.join(", "),
                )]))
            }
        }
    }

    /// Case numbers that more than one case holds (shown with suffixes), with how many.
    pub fn duplicate_case_numbers(&self) -> Result<Vec<(String, u64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT reg_no, count(*) FROM cases GROUP BY reg_no HAVING count(*) > 1 ORDER BY reg_no",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Saves the association's own deadline rules and recomputes the deadlines of open cases.
    pub fn set_own_rules(&mut self, rules: OwnRules) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES ('own_rules', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [serde_json::to_string(&rules)?],
        )?;
        self.reload_settings()?;
        self.refresh_open_cases()
    }

    /// Adds or replaces a calendar day (a local day off, a new year's 调休) and recomputes the
    /// deadlines of open cases. `kind` None removes the day.
    pub fn set_calendar_day(
        &mut self,
        date: chrono::NaiveDate,
        kind: Option<calendar::DayKind>,
        name: &str,
    ) -> Result<()> {
        match kind {
            Some(k) => self.conn.execute(
                "INSERT OR REPLACE INTO calendar_days (date, kind, name, source) VALUES (?1, ?2, ?3, 'local')",
                params![date.to_string(), k.code(), name],
            )?,
            None => self.conn.execute("DELETE FROM calendar_days WHERE date = ?1", [date.to_string()])?,
        };
        self.reload_settings()?;
        self.refresh_open_cases()
    }

    /// The calendar days of `year` (statutory days off, make-up days, local days off), by
    /// date, with where each came from (`builtin` or `local`).
    pub fn calendar_days(&self, year: i32) -> Result<Vec<(calendar::CalendarEntry, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT date, kind, name, source FROM calendar_days WHERE date LIKE ?1 ORDER BY date",
        )?;
        let rows = stmt.query_map([format!("{year}-%")], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?, r.get(3)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (date, kind, name, source) = row?;
            if let (Ok(date), Some(kind)) = (date.parse(), calendar::DayKind::from_code(&kind)) {
                out.push((calendar::CalendarEntry { date, kind, name }, source));
            }
        }
        Ok(out)
    }

    fn refresh_open_cases(&mut self) -> Result<()> {
        let (cal, own) = (self.calendar.clone(), self.own_rules.clone());
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let ids: Vec<Vec<u8>> = {
            let mut stmt = tx.prepare(
                "SELECT id FROM cases WHERE status IN ('registered','accepted','mediating','agreed','transferred')",
            )?;
            stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?
        };
        for id in ids {
            if let Ok(id) = Uuid::from_slice(&id) {
                project::refresh_case(&tx, id, &cal, &own)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Drops every projection and rebuilds it from the event log.
    pub fn rebuild(&mut self) -> Result<()> {
        let (cal, own) = (self.calendar.clone(), self.own_rules.clone());
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        project::rebuild_all(&tx, &cal, &own)?;
        tx.commit()?;
        Ok(())
    }

    /// Checks hash chains and compares every projection with a rebuild from the log.
    pub fn verify(&self) -> Result<VerifyReport> {
        verify::verify(self)
    }

    /// This device's last (seq, hash), or (0, zero) before its first event.
    pub fn device_head(&self) -> Result<(u64, EventHash)> {
        let station = self.require_station()?;
        device_head(&self.conn, station.device)
    }

    /// Direct access for bulk writers (demo data): runs `f` in one transaction with helpers to
    /// append. Far faster than one transaction per event when loading many cases.
    pub fn batch<T>(&mut self, f: impl FnOnce(&mut Batch<'_>) -> Result<T>) -> Result<T> {
        let station = self.require_station()?.clone();
        let now = self.now();
        let (cal, own) = (self.calendar.clone(), self.own_rules.clone());
        if self.bulk.is_some() {
            // `bulk` has set the cache up for the whole load.
            return self.batch_in(station, now, cal, own, f);
        }
        // A bulk transaction touches far more pages than SQLite's default 2 MB cache holds:
        // without more room it spills to the WAL and reads them back (up to 256 MB, used only
        // as needed; back to the default after).
        self.conn.pragma_update(None, "cache_size", -262_144)?;
        let out = self.batch_in(station, now, cal, own, f);
        self.conn.pragma_update(None, "cache_size", -2000)?;
        out
    }

    fn batch_in<T>(
        &mut self,
        station: Station,
        now: DateTime<Utc>,
        cal: WorkCalendar,
        own: OwnRules,
        f: impl FnOnce(&mut Batch<'_>) -> Result<T>,
    ) -> Result<T> {
        let Store { conn, bulk, .. } = self;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut b = Batch {
            tx,
            station,
            now,
            cal,
            own,
            fts: project::FtsQueue::default(),
            head: None,
            bulk: bulk.as_mut(),
        };
        let out = f(&mut b)?;
        match b.bulk.as_deref_mut() {
            // The text is in `case_text`; the index is written at the end of the load.
            Some(load) => {
                for (rowid, before) in b.fts.take_rows() {
                    load.fts.entry(rowid).or_insert(before);
                }
            }
            None => b.fts.flush(&b.tx)?,
        }
        b.tx.commit()?;
        Ok(out)
    }

    /// Runs `f` as a bulk load of demonstration data: what it writes through `Store::batch` is
    /// the same log and, once `bulk` returns, the same projections, search index and figures
    /// as the same batches outside a bulk load, reached with less work:
    /// - a case registered in a batch is projected when the caller projects it (at its last
    ///   action, say), not at registration; its row keeps the rowid it would have had then;
    /// - the full-text index is written once, at the end, for every case row whose text
    ///   changed, rather than at the end of every batch (FTS5 then writes far fewer, larger
    ///   segments and merges them less);
    /// - on a station that holds no case yet (a new demonstration station: nothing in the file
    ///   that the wizard or `init` does not make again), commits do not wait for the disk
    ///   (`synchronous = OFF`); a station that already holds cases stays at `FULL` throughout,
    ///   so a power cut during the load cannot damage what it held (with OFF a checkpoint may
    ///   overwrite the file unsynced); the page cache is large either way; at the end the
    ///   connection is back at `synchronous = FULL` and the last commit and a checkpoint make
    ///   everything durable.
    ///
    /// Between batches the projections lag the log (cases not projected yet, search not
    /// indexed), and a load killed midway leaves it so, and a power cut during one on a new
    /// station can damage the file: a bulk load is for demonstration data, which is simply
    /// generated again. An
    /// error from `f` still ends the load properly (held cases projected from the log, the
    /// index written) before it is returned.
    pub fn bulk<T>(&mut self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        if self.bulk.is_some() {
            return f(self);
        }
        let next_rowid: i64 =
            self.conn
                .query_row("SELECT coalesce(max(rowid), 0) + 1 FROM cases", [], |r| r.get(0))?;
        if self.conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM cases)", [], |r| r.get(0))? {
            self.conn.pragma_update(None, "synchronous", "OFF")?;
        }
        // A million cases' indexes (parties by name, identifiers...) are written all over:
        // up to 1 GB of page cache (used only as needed) keeps them from being read back.
        self.conn.pragma_update(None, "cache_size", -1_048_576)?;
        self.bulk = Some(BulkLoad { next_rowid, ..BulkLoad::default() });
        let out = f(self);
        let load = self.bulk.take().unwrap_or_default();
        let ended = self.end_bulk(load);
        let restored = self
            .conn
            .pragma_update(None, "synchronous", "FULL")
            .and_then(|()| self.conn.pragma_update(None, "cache_size", -2000));
        let out = out?;
        ended?;
        restored?;
        Ok(out)
    }

    /// Projects the cases a bulk load registered and never projected (from the log), writes
    /// the search index of the rows it changed, and makes it all durable.
    fn end_bulk(&mut self, load: BulkLoad) -> Result<()> {
        let (cal, own) = (self.calendar.clone(), self.own_rules.clone());
        let mut held: Vec<(i64, Uuid)> = load.reserved.into_iter().map(|(id, r)| (r, id)).collect();
        held.sort_unstable();
        let mut fts = load.fts;
        // The last transaction is durable (FULL) and so is what came before it in the WAL.
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut queue = project::FtsQueue::default();
        for (rowid, id) in held {
            project::refresh_case_at(&tx, id, Some(rowid), &cal, &own, &mut queue)?;
        }
        for (rowid, before) in queue.take_rows() {
            fts.entry(rowid).or_insert(before);
        }
        project::write_fts_from_text(&tx, &fts)?;
        tx.commit()?;
        // The query planner's statistics were taken when the file was opened, maybe empty: a
        // million cases later they made SQLite look a case's events up through `events_kind`
        // (every event of that kind per case) instead of `events_stream`, and the supervision
        // per staff member ran for minutes. Sampled (`analysis_limit`), so quick.
        self.conn.execute_batch("ANALYZE;")?;
        self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }
}

/// A write transaction for bulk loading (see `Store::batch`). Case commands are checked exactly
/// as in `Store::act`.
pub struct Batch<'a> {
    tx: Transaction<'a>,
    station: Station,
    now: DateTime<Utc>,
    cal: WorkCalendar,
    own: OwnRules,
    /// The search index's changes, written at the end of the batch: in SQLite every statement
    /// that opens a statement journal makes FTS5 flush its pending terms as a new segment, so
    /// writing the index case by case in a big transaction made a segment per case and kept
    /// FTS5 merging (most of the time of demonstration data).
    fts: project::FtsQueue,
    /// This device's head after the batch's last event.
    head: Option<Head>,
    /// The bulk load this batch is part of (`Store::bulk`).
    bulk: Option<&'a mut BulkLoad>,
}

impl Batch<'_> {
    /// Sets the time the next events are written at.
    pub fn set_now(&mut self, now: DateTime<Utc>) {
        self.now = now;
    }

    pub fn register_case(&mut self, actor: &Actor, mut reg: CaseRegistered) -> Result<CaseState> {
        people::authorize(&self.tx, &self.station, actor, Permission::Register)?;
        let issues = registration_issues(&self.tx, &reg, self.now)?;
        if !issues.is_empty() {
            return Err(StoreError::invalid(issues));
        }
        reg.unit = self.station.unit.clone();
        reg.case_no = next_case_no(&self.tx, &self.station, reg.received_at)?;
        let id = Uuid::now_v7();
        let ev = DomainEvent::Case(CaseEvent::Registered(Box::new(reg)));
        let event = append_after(
            &self.tx,
            &self.station,
            self.now,
            id,
            Some(actor.staff()),
            &ev,
            &mut self.head,
        )?;
        let state = case::fold(&[event])?
            .ok_or_else(|| StoreError::integrity("registration did not fold"))?;
        if let Some(load) = self.bulk.as_deref_mut() {
            load.reserved.insert(state.id, load.next_rowid);
            load.next_rowid += 1;
        }
        Ok(state)
    }

    /// Applies `ev` to `events` (the case's events so far) after checking it; returns the new
    /// state. The caller keeps `events` to avoid re-reading them.
    pub fn act(
        &mut self,
        events: &mut Vec<Event>,
        actor: &Actor,
        ev: CaseEvent,
    ) -> Result<CaseState> {
        people::authorize(&self.tx, &self.station, actor, access::for_case(ev.event_kind()))?;
        let state = case::fold(events)?.ok_or_else(|| StoreError::not_found("case"))?;
        case::check(&state, &ev, self.now)?;
        let ev = DomainEvent::Case(ev);
        let event = append_after(
            &self.tx,
            &self.station,
            self.now,
            state.id,
            Some(actor.staff()),
            &ev,
            &mut self.head,
        )?;
        events.push(event);
        case::fold(events)?.ok_or_else(|| StoreError::integrity("case vanished"))
    }

    /// `act` on a case whose current state the caller holds (the state `register_case`, `act`
    /// or `act_on` returned, with nothing written to the case since): checked against it, and
    /// the new state folded on from it rather than from the case's whole log.
    pub fn act_on(&mut self, state: CaseState, actor: &Actor, ev: CaseEvent) -> Result<CaseState> {
        people::authorize(&self.tx, &self.station, actor, access::for_case(ev.event_kind()))?;
        case::check(&state, &ev, self.now)?;
        let id = state.id;
        let ev = DomainEvent::Case(ev);
        let event = append_after(
            &self.tx,
            &self.station,
            self.now,
            id,
            Some(actor.staff()),
            &ev,
            &mut self.head,
        )?;
        match case::fold_next(state, &event)? {
            Some(s) => Ok(s),
            None => case::fold(&project::load_stream(&self.tx, id)?)?
                .ok_or_else(|| StoreError::integrity("case vanished")),
        }
    }

    /// Loads a case's events (for `act`).
    pub fn stream_events(&self, id: Uuid) -> Result<Vec<Event>> {
        project::load_stream(&self.tx, id)
    }

    /// Writes the projection of a case state produced by `register_case` or `act`. In a bulk
    /// load (`Store::bulk`) a case need only be projected once, in its last state: until then
    /// its row is held back, and written with the rowid it was given at registration.
    pub fn project_case(&mut self, state: &CaseState) -> Result<()> {
        let rowid = self.bulk.as_deref_mut().and_then(|l| l.reserved.remove(&state.id));
        project::write_case_at(&self.tx, state, rowid, &self.cal, &self.own, Some(&mut self.fts))
    }

    /// Whether this batch is part of a bulk load (`Store::bulk`).
    pub fn is_bulk(&self) -> bool {
        self.bulk.is_some()
    }

    pub fn record_org(&mut self, stream: Uuid, actor: &Actor, ev: OrgEvent) -> Result<Event> {
        people::authorize(&self.tx, &self.station, actor, org_permission(&ev)?)?;
        let ev = checked_org(&self.tx, &self.station, stream, self.now, ev)?;
        let ev = DomainEvent::Org(ev);
        let event = append_after(
            &self.tx,
            &self.station,
            self.now,
            stream,
            Some(actor.staff()),
            &ev,
            &mut self.head,
        )?;
        project::refresh_org(&self.tx, stream)?;
        Ok(event)
    }
}

/// `blobs/` in the folder of the database file.
fn blob_dir_beside(db: &Path) -> std::path::PathBuf {
    db.parent().unwrap_or(Path::new(".")).join("blobs")
}

/// A device code made from the device's id: four characters of Crockford's base32 (no I, L,
/// O, U) from the random part of the UUIDv7, so that two devices set up with no code given are
/// unlikely to share one before the hub assigns unique codes at enrollment.
pub fn default_device_code(device: Uuid) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let bits = device.as_u128();
    let mut code = String::with_capacity(4);
    // A letter first, so the code never reads as part of the counter.
    code.push(ALPHABET[10 + (bits % 22) as usize] as char);
    for i in 1..4 {
        code.push(ALPHABET[((bits >> (5 * i + 8)) % 32) as usize] as char);
    }
    code
}

/// An event of this device that the hub stored but quarantined, with the hub's reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HubQuarantined {
    pub id: Uuid,
    pub seq: u64,
    pub reason: String,
}

/// What the domain checks an organisation event against, read from this database.
struct OrgFactsOf<'a> {
    conn: &'a Connection,
    station: &'a Station,
}

impl casedesk_domain::org::OrgFacts for OrgFactsOf<'_> {
    fn own_unit(&self) -> &str {
        &self.station.unit
    }
    fn roving_session(
        &self,
        id: Uuid,
    ) -> casedesk_domain::Result<Option<casedesk_domain::org::RovingFacts>> {
        let ended: Option<bool> = self
            .conn
            .prepare_cached("SELECT ended_at IS NOT NULL FROM roving_sessions WHERE id = ?1")
            .and_then(|mut s| s.query_row([id.as_bytes()], |r| r.get(0)).optional())
            .map_err(|e| casedesk_domain::DomainError::Integrity(e.to_string()))?;
        Ok(ended.map(|ended| casedesk_domain::org::RovingFacts { ended }))
    }
}

/// Every problem of a registration: the domain's validation, and a roving intake session it
/// names that this station does not know.
fn registration_issues(
    conn: &Connection,
    reg: &CaseRegistered,
    now: DateTime<Utc>,
) -> Result<Vec<casedesk_domain::Issue>> {
    let mut issues = casedesk_domain::validate::validate_registration(reg, now);
    if let Some(r) = reg.roving_session {
        let known: bool = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM roving_sessions WHERE id = ?1)")?
            .query_row([r.as_bytes()], |row| row.get(0))?;
        if !known {
            issues.push(casedesk_domain::Issue::with_arg("roving_session", "roving.unknown", r));
        }
    }
    Ok(issues)
}

/// The permission an organisation event needs.
fn org_permission(ev: &OrgEvent) -> Result<Permission> {
    let (kind, _) = DomainEvent::Org(ev.clone()).encode()?;
    access::for_kind(&kind)
        .ok_or_else(|| StoreError::integrity(format!("no permission for {kind}")))
}

/// `ev`, normalised, if the domain accepts it on this station.
fn checked_org(
    conn: &Connection,
    station: &Station,
    stream: Uuid,
    now: DateTime<Utc>,
    mut ev: OrgEvent,
) -> Result<OrgEvent> {
    casedesk_domain::org::normalize_org(&mut ev);
    casedesk_domain::org::check_org(&ev, stream, now, &OrgFactsOf { conn, station })?;
    Ok(ev)
}

/// The next case number of this device: unit code, year (station time), device code and a
/// per-device counter for the year. Unique without coordination, since no two devices share a
/// device code within a unit.
fn next_case_no(
    conn: &Connection,
    station: &Station,
    received_at: DateTime<Utc>,
) -> Result<String> {
    let year = casedesk_domain::deadline::local_date(received_at).format("%Y").to_string();
    let counter = format!("case_no.{year}");
    let n: i64 = conn
        .prepare_cached("SELECT value FROM counters WHERE name = ?1")?
        .query_row([&counter], |r| r.get(0))
        .optional()?
        .unwrap_or(0)
        + 1;
    conn.prepare_cached(
        "INSERT INTO counters (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![counter, n])?;
    Ok(format!("{}-{year}-{}-{n:05}", station.unit, station.device_code))
}

/// The recorded result of an operation already applied.
fn op_result(conn: &Connection, op: Option<&str>) -> Result<Option<String>> {
    let Some(op) = op else { return Ok(None) };
    Ok(conn
        .prepare_cached("SELECT result FROM applied_ops WHERE op_id = ?1")?
        .query_row([op], |r| r.get(0))
        .optional()?)
}

fn op_record(conn: &Connection, op: Option<&str>, result: &str, now: DateTime<Utc>) -> Result<()> {
    if let Some(op) = op {
        conn.prepare_cached("INSERT INTO applied_ops (op_id, result, at) VALUES (?1, ?2, ?3)")?
            .execute(params![op, result, now.timestamp_millis()])?;
    }
    Ok(())
}

fn sync_set_tx(conn: &Connection, key: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(v) => conn.execute(
            "INSERT INTO sync_state (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, v],
        )?,
        None => conn.execute("DELETE FROM sync_state WHERE key = ?1", [key])?,
    };
    Ok(())
}

fn device_head(conn: &Connection, device: Uuid) -> Result<(u64, EventHash)> {
    let head: Option<(i64, Vec<u8>)> = conn
        .prepare_cached("SELECT seq, hash FROM events WHERE device = ?1 ORDER BY seq DESC LIMIT 1")?
        .query_row([device.as_bytes()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(match head {
        Some((seq, hash)) => (seq as u64, blob_hash(&hash)?),
        None => (0, ZERO_HASH),
    })
}

fn blob_hash(b: &[u8]) -> Result<EventHash> {
    <[u8; 32]>::try_from(b)
        .map(EventHash)
        .map_err(|_| StoreError::integrity("stored hash is not 32 bytes"))
}

/// This device's head for the next local event, in one statement: its last (seq, hash), or
/// (0, zero) before its first event, and the HLC the next event must follow (after everything
/// this device wrote and everything it has received). It was three statements (head, own HLC,
/// HLC seen), a tenth of a registration's time before its commit (issue 13 item 13).
fn chain_head(conn: &Connection, device: Uuid) -> Result<(u64, EventHash, u64)> {
    // An aggregate gives one row even for a device with no events yet; `hash` and `hlc` are
    // the row of `max(seq)` (SQLite's bare columns of a min/max query), found by the
    // (device, seq) index.
    //
    // The device is written into the SQL as a literal, not bound: SQLite marked the statement
    // with a bound device as depending on the value and compiled it again before every run
    // (`sqlite3Reprepare` under `perf`). A station has one device, so one cached statement.
    let sql = format!(
        "SELECT max(seq), hash, hlc, (SELECT value FROM meta WHERE key = 'hlc_seen')
         FROM events WHERE device = x'{}'",
        device.simple()
    );
    let (seq, hash, own, seen): (Option<i64>, Option<Vec<u8>>, Option<i64>, Option<String>) = conn
        .prepare_cached(&sql)?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    let seen = seen.and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
    let last = (own.unwrap_or(0) as u64).max(seen);
    Ok(match (seq, hash) {
        (Some(seq), Some(hash)) => (seq as u64, blob_hash(&hash)?, last),
        _ => (0, ZERO_HASH, last),
    })
}

/// The newest HLC this station has received from elsewhere.
fn hlc_seen(conn: &Connection) -> Result<u64> {
    let seen: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = 'hlc_seen'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(seen.and_then(|s| s.parse::<u64>().ok()).unwrap_or(0))
}

pub(crate) fn observe_hlc(conn: &Connection, hlc: Hlc) -> Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('hlc_seen', ?1)
         ON CONFLICT (key) DO UPDATE SET value = CAST(max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER)) AS TEXT)",
        [hlc.0.to_string()],
    )?;
    Ok(())
}

/// Appends one local event: next sequence number, HLC and chain link of this device.
fn append(
    conn: &Connection,
    station: &Station,
    now: DateTime<Utc>,
    stream: Uuid,
    actor: Option<Uuid>,
    ev: &DomainEvent,
) -> Result<Event> {
    append_after(conn, station, now, stream, actor, ev, &mut None)
}

/// This device's last event as a bulk transaction knows it: (seq, hash, HLC).
type Head = (u64, EventHash, Hlc);

/// `append`, taking this device's head from `head` when it holds it (a bulk transaction, in
/// which nothing else writes: no event of this device, no event from elsewhere), and leaving
/// the new head there. Reading the head back for every event cost three queries that SQLite
/// re-prepares on every binding (its STAT4 statistics make the plan depend on the value).
fn append_after(
    conn: &Connection,
    station: &Station,
    now: DateTime<Utc>,
    stream: Uuid,
    actor: Option<Uuid>,
    ev: &DomainEvent,
    head: &mut Option<Head>,
) -> Result<Event> {
    let (kind, payload) = ev.encode()?;
    phases::mark("event encode");
    let (seq, prev, hlc) = match *head {
        Some((seq, prev, last)) => {
            let seen = hlc_seen(conn)?;
            (seq, prev, Hlc(last.0.max(seen)).tick(now.timestamp_millis().max(0) as u64))
        }
        None => {
            let (seq, prev, last) = chain_head(conn, station.device)?;
            (seq, prev, Hlc(last).tick(now.timestamp_millis().max(0) as u64))
        }
    };
    let event = Event {
        id: Uuid::now_v7(),
        stream,
        device: station.device,
        seq: seq + 1,
        hlc,
        actor,
        unit: station.unit.clone(),
        kind,
        v: PAYLOAD_VERSION,
        payload,
        prev,
        hash: ZERO_HASH,
    };
    phases::mark("chain head");
    let event = event.seal();
    phases::mark("hash");
    check_limits(&event)?;
    phases::mark("limits");
    insert_event(conn, &event, 0)?;
    *head = Some((event.seq, event.hash, event.hlc));
    Ok(event)
}

/// The limits of `casedesk_proto::limits`, as a field-level refusal of what a person entered:
/// an event that breaks one is never written (the hub would not take it either).
fn check_limits(e: &Event) -> Result<()> {
    use casedesk_proto::limits::{self, LimitViolation};
    let issue = match limits::check_event(e) {
        Ok(()) => return Ok(()),
        Err(LimitViolation::TextTooLong(path)) => {
            casedesk_domain::Issue::with_arg(path, "too_long", limits::MAX_TEXT_CHARS)
        }
        Err(LimitViolation::ArrayTooLong(path)) => {
            casedesk_domain::Issue::with_arg(path, "count.max", limits::MAX_ARRAY_LEN)
        }
        Err(LimitViolation::TooDeep) => casedesk_domain::Issue::new("event", "event.too_deep"),
        Err(LimitViolation::EventTooLarge(_)) => casedesk_domain::Issue::with_arg(
            "event",
            "event.too_large",
            limits::MAX_EVENT_BYTES / 1024,
        ),
    };
    Err(StoreError::invalid(vec![issue]))
}

pub(crate) fn insert_event(conn: &Connection, e: &Event, origin: i64) -> Result<()> {
    let stored = payload::encode(&e.payload)?;
    phases::mark("compress");
    let mut stmt = conn.prepare_cached(
        "INSERT INTO events (id, stream, device, seq, hlc, actor, unit, kind, v, payload, prev, hash, origin)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    stmt.execute(params![
        e.id.as_bytes(),
        e.stream.as_bytes(),
        e.device.as_bytes(),
        e.seq as i64,
        e.hlc.0 as i64,
        e.actor.as_ref().map(|a| a.as_bytes().to_vec()),
        e.unit,
        e.kind,
        e.v,
        stored,
        e.prev.0.as_slice(),
        e.hash.0.as_slice(),
        origin,
    ])?;
    phases::mark("event insert");
    Ok(())
}

#[cfg(any(test, feature = "testutil"))]
pub mod testutil;

#[cfg(test)]
mod apply_tests;
#[cfg(test)]
mod files_tests;
#[cfg(test)]
mod people_tests;
#[cfg(test)]
mod retention_tests;
#[cfg(test)]
mod tests;

#[cfg(test)]
mod crypt_tests;
