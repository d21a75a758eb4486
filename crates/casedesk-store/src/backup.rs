//! Backups of the station file, made with SQLite's online backup API (a consistent copy while
//! the station keeps working, never a file copy of a live database), encrypted with the
//! station's key exactly like the file itself, checked after writing, and rotated.
//!
//! A backup is `casedesk-<UTC time>-<reason>.cdkbak` in each folder of a [`BackupPolicy`] (the
//! data folder's `backups/`, and optionally a USB stick or another folder), written under a
//! temporary name and renamed once complete and checked, so a folder never holds half a backup
//! under a backup's name. Beside it, `<name>.key` holds the policy's key note (what the shell
//! needs to find the key again: which custody, the passphrase's salt; never the key).
//!
//! Restoring ([`stage_restore`], [`commit_restore`]) copies a backup, after checking it, into a
//! new file beside the station file and only then swaps it in. What a restored station must do
//! about its identity (it is an older copy of a device that kept working) is the sync engine's
//! business: `casedesk_sync::restore`.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

use crate::crypt::{self, DbKey};
use crate::error::{Result, StoreError};

/// The file name extension of a backup.
pub const EXTENSION: &str = "cdkbak";
/// How many backups a folder keeps when nothing else is set.
pub const DEFAULT_KEEP: usize = 10;

/// Why a backup was made (part of its file name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BackupReason {
    /// The first backup of the day (automatic).
    Daily,
    /// Asked for ("back up now", `casedesk backup now`).
    Manual,
    /// Made before a schema migration runs.
    PreMigration,
    /// The database a restore replaced.
    PreRestore,
}

impl BackupReason {
    pub fn code(self) -> &'static str {
        match self {
            BackupReason::Daily => "daily",
            BackupReason::Manual => "manual",
            BackupReason::PreMigration => "pre-migration",
            BackupReason::PreRestore => "pre-restore",
        }
    }

    pub fn from_code(code: &str) -> Option<BackupReason> {
        Some(match code {
            "daily" => BackupReason::Daily,
            "manual" => BackupReason::Manual,
            "pre-migration" => BackupReason::PreMigration,
            "pre-restore" => BackupReason::PreRestore,
            _ => return None,
        })
    }
}

/// Where backups go and how many each folder keeps.
#[derive(Clone, Debug)]
pub struct BackupPolicy {
    /// The folders, the data folder's first. A folder that cannot be written (a USB stick that
    /// is not plugged in) fails its own backup, not the others'.
    pub dirs: Vec<PathBuf>,
    /// How many backups each folder keeps (the newest; at least 1).
    pub keep: usize,
    /// Written beside each backup as `<name>.key` (the key's custody and salt; no secret).
    pub key_note: Option<String>,
}

impl BackupPolicy {
    pub fn new(dir: PathBuf) -> BackupPolicy {
        BackupPolicy { dirs: vec![dir], keep: DEFAULT_KEEP, key_note: None }
    }
}

/// One backup file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BackupInfo {
    pub path: PathBuf,
    pub created: DateTime<Utc>,
    pub reason: BackupReason,
    pub bytes: u64,
}

/// What a backup holds, read from it after checking it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BackupSummary {
    pub unit: String,
    pub unit_name: String,
    pub device: Uuid,
    pub events: u64,
    pub cases: u64,
    pub schema: i64,
}

/// The result of backing up to every folder of a policy: what was written, and the folders that
/// failed with their error (the data folder's failure is an error of the whole call).
#[derive(Debug, Default)]
pub struct BackupOutcome {
    pub written: Vec<BackupInfo>,
    pub failed: Vec<(PathBuf, StoreError)>,
}

impl crate::Store {
    /// Backs the station up into every folder of `policy` (see [`BackupOutcome`]) and rotates
    /// each folder to `policy.keep` backups.
    pub fn backup(&self, policy: &BackupPolicy, reason: BackupReason) -> Result<BackupOutcome> {
        backup_connection(&self.conn, self.key.as_ref(), policy, reason)
    }

    /// When the newest backup of the data folder is from an earlier day (Asia/Shanghai) than
    /// `now`, or there is none: a daily backup now. Returns what it wrote (nothing when today's
    /// exists).
    pub fn backup_if_due(&self, policy: &BackupPolicy) -> Result<Option<BackupOutcome>> {
        let Some(first) = policy.dirs.first() else { return Ok(None) };
        let today = local_day(self.now());
        let newest = list(first)?.into_iter().next();
        if newest.is_some_and(|b| local_day(b.created) >= today) {
            return Ok(None);
        }
        Ok(Some(self.backup(policy, BackupReason::Daily)?))
    }
}

fn local_day(t: DateTime<Utc>) -> chrono::NaiveDate {
    (t + chrono::Duration::hours(8)).date_naive()
}

/// Backs up what `conn` holds (a station connection, encrypted with `key` when given) into
/// every folder of `policy`.
pub(crate) fn backup_connection(
    conn: &Connection,
    key: Option<&DbKey>,
    policy: &BackupPolicy,
    reason: BackupReason,
) -> Result<BackupOutcome> {
    let now = Utc::now();
    let mut out = BackupOutcome::default();
    for (i, dir) in policy.dirs.iter().enumerate() {
        match backup_into(conn, key, dir, now, reason, policy) {
            Ok(info) => out.written.push(info),
            Err(e) if i == 0 => return Err(e),
            Err(e) => out.failed.push((dir.clone(), e)),
        }
    }
    Ok(out)
}

fn backup_into(
    conn: &Connection,
    key: Option<&DbKey>,
    dir: &Path,
    now: DateTime<Utc>,
    reason: BackupReason,
    policy: &BackupPolicy,
) -> Result<BackupInfo> {
    crypt::create_private_dir(dir)?;
    let stamp = now.format("%Y%m%dT%H%M%S%3fZ");
    let mut name = format!("casedesk-{stamp}-{}.{EXTENSION}", reason.code());
    let mut n = 2;
    while dir.join(&name).exists() {
        name = format!("casedesk-{stamp}-{}-{n}.{EXTENSION}", reason.code());
        n += 1;
    }
    let path = dir.join(&name);
    let partial = dir.join(format!(".{name}.partial"));
    crypt::remove_db_files(&partial)?;
    let result = (|| -> Result<()> {
        copy_database(conn, &partial, key)?;
        check_file(&partial, key)?;
        fs::File::open(&partial)?.sync_all()?;
        if let Some(note) = &policy.key_note {
            let note_path = crypt::sibling(&path, ".key");
            crypt::create_private_file(&note_path)?;
            fs::write(&note_path, note)?;
        }
        fs::rename(&partial, &path)?;
        crypt::sync_dir(&path);
        Ok(())
    })();
    if let Err(e) = result {
        let _ = crypt::remove_db_files(&partial);
        return Err(e);
    }
    rotate(dir, policy.keep)?;
    let bytes = fs::metadata(&path)?.len();
    Ok(BackupInfo { path, created: now, reason, bytes })
}

/// Copies the database `src` holds into a new file `dest` (owner-only), encrypted with `key`
/// when given, with the online backup API; the copy is in rollback-journal mode, so reading it
/// later leaves no WAL beside it.
fn copy_database(src: &Connection, dest: &Path, key: Option<&DbKey>) -> Result<()> {
    crypt::create_private_file(dest)?;
    let mut dst = Connection::open(dest)?;
    if let Some(key) = key {
        crypt::apply_key(&dst, key)?;
    }
    {
        let backup = Backup::new(src, &mut dst)?;
        let mut waits = 0;
        loop {
            // Everything in one step: one consistent snapshot of the source (in WAL mode the
            // writer goes on meanwhile).
            match backup.step(-1)? {
                StepResult::Done => break,
                StepResult::More => {}
                StepResult::Busy | StepResult::Locked => {
                    waits += 1;
                    if waits > 200 {
                        return Err(StoreError::Db(rusqlite::Error::SqliteFailure(
                            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                            Some("the database stayed busy during the backup".into()),
                        )));
                    }
                    std::thread::sleep(Duration::from_millis(25));
                }
                _ => {}
            }
        }
    }
    dst.pragma_update(None, "journal_mode", "DELETE")?;
    Ok(())
}

/// Opens a backup (or any station file) read-only with `key` and checks it whole.
fn open_checked(path: &Path, key: Option<&DbKey>) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    if let Some(key) = key {
        crypt::apply_key(&conn, key)?;
    } else {
        crypt::check_readable(&conn)?;
    }
    crypt::private_pragmas(&conn)?;
    let ok: String = conn.query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))?;
    if ok != "ok" {
        return Err(StoreError::integrity(format!("integrity check: {ok}")));
    }
    Ok(conn)
}

fn check_file(path: &Path, key: Option<&DbKey>) -> Result<()> {
    open_checked(path, key).map(drop)
}

/// Checks the backup at `path` with `key` and says what it holds. A damaged file, a file that is
/// no station's, one from a newer version, or one the key does not open is refused, each with a
/// message that says which.
pub fn inspect(path: &Path, key: Option<&DbKey>) -> Result<BackupSummary> {
    let file = path.display().to_string();
    let bad = |why: String| StoreError::BadBackup { file: file.clone(), why };
    match crypt::file_kind(path)? {
        crypt::FileKind::Missing => return Err(StoreError::BackupNotFound(file.clone())),
        crypt::FileKind::Empty => return Err(bad("the file is empty".into())),
        crypt::FileKind::Plain if key.is_some() => {
            return Err(bad("the file is not encrypted (not a CaseDesk backup)".into()));
        }
        _ => {}
    }
    let conn = match open_checked(path, key) {
        Ok(c) => c,
        Err(StoreError::WrongKey) => return Err(StoreError::BackupWrongKey(file.clone())),
        Err(StoreError::Db(e)) => return Err(bad(e.to_string())),
        Err(StoreError::Domain(e)) => return Err(bad(e.to_string())),
        Err(e) => return Err(e),
    };
    let summary = (|| -> rusqlite::Result<Option<BackupSummary>> {
        let schema: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let meta = |k: &str| -> rusqlite::Result<Option<String>> {
            conn.query_row("SELECT value FROM meta WHERE key = ?1", [k], |r| r.get(0)).optional()
        };
        let (Some(unit), Some(unit_name), Some(device)) =
            (meta("unit")?, meta("unit_name")?, meta("device")?)
        else {
            return Ok(None);
        };
        let Ok(device) = Uuid::parse_str(&device) else { return Ok(None) };
        let events: i64 = conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
        let cases: i64 = conn.query_row("SELECT count(*) FROM cases", [], |r| r.get(0))?;
        Ok(Some(BackupSummary {
            unit,
            unit_name,
            device,
            events: events.max(0) as u64,
            cases: cases.max(0) as u64,
            schema,
        }))
    })()
    .map_err(|e| bad(format!("not a CaseDesk station database ({e})")))?;
    let summary = summary.ok_or_else(|| bad("no station in this database".into()))?;
    if summary.schema > crate::migrate::MIGRATIONS.len() as i64 {
        return Err(StoreError::NewerSchema(summary.schema));
    }
    Ok(summary)
}

/// The backups in `dir`, newest first (files named as this module names them; others are left
/// alone).
pub fn list(dir: &Path) -> Result<Vec<BackupInfo>> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some((created, reason)) = parse_name(name) else { continue };
        let meta = entry.metadata()?;
        if !meta.is_file() {
            continue;
        }
        out.push(BackupInfo { path: entry.path(), created, reason, bytes: meta.len() });
    }
    out.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| b.path.cmp(&a.path)));
    Ok(out)
}

/// `casedesk-20261201T083000123Z-daily.cdkbak` (or `...-daily-2.cdkbak`) → its time and reason.
fn parse_name(name: &str) -> Option<(DateTime<Utc>, BackupReason)> {
    let rest = name.strip_prefix("casedesk-")?.strip_suffix(&format!(".{EXTENSION}"))?;
    let (stamp, reason) = rest.split_once('-')?;
    let stamp = stamp.strip_suffix('Z')?;
    let created = NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%S%3f").ok()?.and_utc();
    let reason = match reason.rsplit_once('-') {
        Some((r, n))
            if n.chars().all(|c| c.is_ascii_digit()) && BackupReason::from_code(r).is_some() =>
        {
            r
        }
        _ => reason,
    };
    Some((created, BackupReason::from_code(reason)?))
}

/// Keeps the newest `keep` backups of `dir` (at least one) and removes the rest with their key
/// notes.
pub fn rotate(dir: &Path, keep: usize) -> Result<()> {
    for old in list(dir)?.into_iter().skip(keep.max(1)) {
        fs::remove_file(&old.path)?;
        let note = crypt::sibling(&old.path, ".key");
        if note.exists() {
            fs::remove_file(note)?;
        }
    }
    Ok(())
}

/// Checks the backup and copies it (online backup API, encrypted with `key`) into a new file
/// beside `live`, which [`commit_restore`] swaps in. Returns the staged file and what it holds.
pub fn stage_restore(
    backup: &Path,
    key: Option<&DbKey>,
    live: &Path,
) -> Result<(PathBuf, BackupSummary)> {
    let summary = inspect(backup, key)?;
    let staged = crypt::sibling(live, ".restoring");
    crypt::remove_db_files(&staged)?;
    let src = open_checked(backup, key)?;
    copy_database(&src, &staged, key)?;
    drop(src);
    check_file(&staged, key)?;
    // The station file runs in WAL mode, like every file the store opens.
    let conn = Connection::open(&staged)?;
    if let Some(key) = key {
        crypt::apply_key(&conn, key)?;
    }
    conn.pragma_update(None, "journal_mode", "WAL")?;
    drop(conn);
    Ok((staged, summary))
}

/// Replaces the station file `live` with the `staged` one. Every connection to `live` must be
/// closed: its WAL and shared-memory index go with it (a WAL left beside the new file would be
/// replayed into it).
pub fn commit_restore(staged: &Path, live: &Path) -> Result<()> {
    // (The staged file's WAL was checkpointed into it when its last connection closed.)
    crypt::remove_db_files(live)?;
    for s in ["-wal", "-shm"] {
        let p = crypt::sibling(staged, s);
        if p.exists() {
            fs::remove_file(p)?;
        }
    }
    fs::rename(staged, live)?;
    crypt::sync_dir(live);
    Ok(())
}
