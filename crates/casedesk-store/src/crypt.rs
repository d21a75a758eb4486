//! Encryption at rest: the station file is a SQLCipher database (AES-256 pages with an HMAC,
//! SQLCipher 4 defaults) opened with a raw 32-byte key, so SQLCipher runs no key derivation of
//! its own (the passphrase KDF, argon2id, and the OS secret store are the shell's business:
//! `casedesk-keys`). The WAL is made of the same encrypted pages; temporary tables and sorts
//! stay in memory (`temp_store = MEMORY`), so nothing of the content reaches the disk in clear.
//!
//! Files the store creates (the database, its WAL and shared-memory index, backups) are the
//! owner's only: the database is created 0600 before SQLite opens it (SQLite gives its WAL and
//! `-shm` the database's mode), folders 0700.
//!
//! A station file written before encryption (plain SQLite, recognised by its header) is
//! encrypted on the first open with a key: `sqlcipher_export` into a new file beside it, which is
//! checked (integrity, schema version, the number of events) before it replaces the plain file;
//! until then the plain file stays where it was, and after it the plain copy is removed.

use std::fs::{self, OpenOptions};
use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use zeroize::Zeroizing;

use crate::error::{Result, StoreError};

/// The first 16 bytes of a plain SQLite file. An encrypted file starts with random salt.
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// A station database key (32 random or derived bytes). Wiped from memory when dropped; never
/// printed (`Debug` shows nothing of it).
#[derive(Clone)]
pub struct DbKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbKey(..)")
    }
}

impl DbKey {
    pub fn from_bytes(bytes: [u8; 32]) -> DbKey {
        DbKey(Zeroizing::new(bytes))
    }

    /// The key from 64 hex digits (as kept in an OS secret store).
    pub fn from_hex(hex: &str) -> Option<DbKey> {
        let bytes = hex::decode(hex.trim()).ok()?;
        let arr: [u8; 32] = bytes.try_into().ok()?;
        Some(DbKey::from_bytes(arr))
    }

    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(*self.0))
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// SQLCipher's raw-key literal, `x'<64 hex digits>'` (as a text value for `PRAGMA key` and
    /// `ATTACH ... KEY`).
    fn literal(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", hex::encode(*self.0)))
    }
}

/// What a file on disk is, judged from its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Missing,
    /// Empty (SQLite writes nothing until the first table).
    Empty,
    /// A plain SQLite file: readable by anyone who has it.
    Plain,
    /// Anything else: an encrypted database (or not a database at all; only a key tells).
    Opaque,
}

pub fn file_kind(path: &Path) -> Result<FileKind> {
    let mut f = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileKind::Missing),
        Err(e) => return Err(e.into()),
    };
    let mut head = [0u8; 16];
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(match n {
        0 => FileKind::Empty,
        16 if &head == PLAIN_HEADER => FileKind::Plain,
        _ => FileKind::Opaque,
    })
}

/// Creates `dir` (and its parents) when missing; a folder this creates is the owner's only.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// Creates an empty file readable and writable by its owner only, when it does not exist; makes
/// an existing one owner-only.
pub fn create_private_file(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        create_private_dir(dir)?;
    }
    let mut o = OpenOptions::new();
    o.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let f = o.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(fs::Permissions::from_mode(0o600))?;
    }
    drop(f);
    Ok(())
}

/// `path` with `suffix` appended to its file name (`station.db` → `station.db-wal`).
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// Sets the key on a fresh connection, before anything else touches the file, and checks that
/// it opens the file (a wrong key or a file that is no database fails here, with `WrongKey`).
pub(crate) fn apply_key(conn: &Connection, key: &DbKey) -> Result<()> {
    conn.pragma_update(None, "key", &*key.literal())?;
    // SQLCipher logs a failed page check (a wrong key) to stderr; the caller reports it in
    // words instead. (Set after the key: SQLCipher sets its default level when first used.)
    conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()))?;
    check_readable(conn)
}

/// Reads the schema: the first read of an encrypted file, where a wrong key shows.
pub(crate) fn check_readable(conn: &Connection) -> Result<()> {
    match conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0)) {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::NotADatabase =>
        {
            Err(StoreError::WrongKey)
        }
        Err(e) => Err(e.into()),
    }
}

/// Settings of every station connection that keep content off the disk in clear.
pub(crate) fn private_pragmas(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

/// Opens `path` as an encrypted database with `key`, creating it (owner-only) when missing and
/// encrypting it first when it is a plain SQLite file.
pub(crate) fn open_encrypted(path: &Path, key: &DbKey) -> Result<Connection> {
    match file_kind(path)? {
        FileKind::Missing | FileKind::Empty => create_private_file(path)?,
        FileKind::Plain => encrypt_plain_file(path, key)?,
        FileKind::Opaque => {}
    }
    let conn = Connection::open(path)?;
    apply_key(&conn, key)?;
    private_pragmas(&conn)?;
    Ok(conn)
}

/// Encrypts a plain station file in place (see the module documentation).
pub fn encrypt_plain_file(path: &Path, key: &DbKey) -> Result<()> {
    let staged = sibling(path, ".encrypting");
    let old = sibling(path, ".unencrypted");
    remove_db_files(&staged)?;
    let (version, events) = {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Everything committed is in the main file before it is copied.
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let events = count_events(&conn)?;
        create_private_file(&staged)?;
        let staged_text = staged.to_str().ok_or_else(|| {
            StoreError::Io(std::io::Error::other("the database path is not valid UTF-8"))
        })?;
        conn.execute("ATTACH DATABASE ?1 AS encrypted KEY ?2", [staged_text, &*key.literal()])?;
        conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
        conn.execute_batch(&format!("PRAGMA encrypted.user_version = {version};"))?;
        conn.execute_batch("DETACH DATABASE encrypted;")?;
        (version, events)
    };
    // Check the copy before the plain file goes.
    {
        let conn = Connection::open(&staged)?;
        apply_key(&conn, key)?;
        let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if ok != "ok" || v != version || count_events(&conn)? != events {
            drop(conn);
            remove_db_files(&staged)?;
            return Err(StoreError::integrity(format!(
                "encrypting {}: the encrypted copy does not match ({ok}, schema {v}/{version})",
                path.display()
            )));
        }
    }
    // The plain file is kept under another name until the encrypted one is in place.
    fs::rename(path, &old)?;
    remove_sidecars(path)?;
    fs::rename(&staged, path)?;
    sync_dir(path);
    remove_db_files(&old)?;
    Ok(())
}

fn count_events(conn: &Connection) -> Result<i64> {
    let has: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'events')",
        [],
        |r| r.get(0),
    )?;
    if !has {
        return Ok(0);
    }
    Ok(conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?)
}

/// Removes a database file and its WAL and shared-memory index, if present.
pub fn remove_db_files(path: &Path) -> Result<()> {
    remove_if_present(path)?;
    remove_sidecars(path)
}

fn remove_sidecars(path: &Path) -> Result<()> {
    for s in ["-wal", "-shm", "-journal"] {
        remove_if_present(&sibling(path, s))?;
    }
    Ok(())
}

fn remove_if_present(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

/// Makes a rename in `path`'s folder durable (best effort: not every platform can sync a folder).
pub(crate) fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent()
        && let Ok(d) = fs::File::open(if dir.as_os_str().is_empty() { Path::new(".") } else { dir })
    {
        let _ = d.sync_all();
    }
}
