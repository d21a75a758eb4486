//! Custody of the station database key.
//!
//! The station file is encrypted with a 32-byte key (`casedesk_store::DbKey`). Where it comes
//! from is written in a small key note beside the database, `<db>.key` (JSON, owner-only; it
//! holds no secret):
//!
//! - `keyring`: a random key kept by the operating system's secret store (the Secret Service
//!   of the desktop session on Linux, the Keychain on macOS, the Credential Manager on
//!   Windows), under the service `cn.casedesk.desk` and an account named in the note. Nothing
//!   to type; the key never touches the disk.
//! - `passphrase`: the key is derived from the station passphrase with argon2id (the note holds
//!   the salt and the cost parameters). Used where there is no secret store (a Debian station
//!   without a keyring daemon, a server, scripts: `CASEDESK_PASSPHRASE`).
//!
//! The note also travels beside every backup, so a backup can be opened on another machine with
//! the passphrase (a `keyring` backup only where that secret store holds the key).

use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use casedesk_domain::Lang;
use casedesk_store::DbKey;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// The secret-store service name of CaseDesk (the desktop's application id).
pub const SERVICE: &str = "cn.casedesk.desk";
/// The environment variable scripts set to give the station passphrase.
pub const PASSPHRASE_ENV: &str = "CASEDESK_PASSPHRASE";
/// The shortest passphrase accepted for a new station.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// argon2id cost of a new passphrase note: 19 MiB, 2 passes, 1 lane (OWASP's recommended
/// minimum for argon2id; tens of milliseconds on a station laptop, on every unlock).
pub const DEFAULT_M_KIB: u32 = 19 * 1024;
pub const DEFAULT_T: u32 = 2;
pub const DEFAULT_P: u32 = 1;

/// Where the key of a station file comes from (the key note, `<db>.key`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "custody", rename_all = "snake_case")]
pub enum KeyNote {
    Keyring { service: String, account: String },
    Passphrase { kdf: String, m_kib: u32, t: u32, p: u32, salt: String },
}

impl KeyNote {
    /// A new passphrase note with a random 16-byte salt.
    pub fn new_passphrase() -> KeyNote {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        KeyNote::Passphrase {
            kdf: "argon2id".into(),
            m_kib: DEFAULT_M_KIB,
            t: DEFAULT_T,
            p: DEFAULT_P,
            salt: hex::encode(salt),
        }
    }

    pub fn custody(&self) -> Custody {
        match self {
            KeyNote::Keyring { .. } => Custody::Keyring,
            KeyNote::Passphrase { .. } => Custody::Passphrase,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a note; anything that is not a well-formed note names what is wrong.
    pub fn parse(text: &str) -> Result<KeyNote, KeyError> {
        let note: KeyNote =
            serde_json::from_str(text).map_err(|e| KeyError::NoteInvalid(e.to_string()))?;
        match &note {
            KeyNote::Passphrase { kdf, m_kib, t, p, salt } => {
                if kdf != "argon2id" {
                    return Err(KeyError::NoteInvalid(format!("kdf: unknown {kdf}")));
                }
                if hex::decode(salt).map(|s| s.len()).unwrap_or(0) < 8 {
                    return Err(KeyError::NoteInvalid("salt: at least 8 bytes of hex".into()));
                }
                // Bounds that keep a hostile note from asking for gigabytes or hours.
                if !(8..=1024 * 1024).contains(m_kib)
                    || !(1..=16).contains(t)
                    || !(1..=8).contains(p)
                {
                    return Err(KeyError::NoteInvalid("argon2 parameters out of range".into()));
                }
            }
            KeyNote::Keyring { service, account } => {
                if service.is_empty() || account.is_empty() || account.len() > 200 {
                    return Err(KeyError::NoteInvalid("keyring: service and account".into()));
                }
            }
        }
        Ok(note)
    }
}

/// How a station's key is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Custody {
    Keyring,
    Passphrase,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The station's key comes from its passphrase and none was given.
    #[error("the database is encrypted: a passphrase is needed")]
    NeedPassphrase,
    #[error("the passphrase is shorter than {0} characters")]
    PassphraseShort(usize),
    #[error("the system keyring is not available: {0}")]
    KeyringUnavailable(String),
    #[error("the station key is not in the system keyring")]
    KeyringMissing,
    #[error("the key note is invalid: {0}")]
    NoteInvalid(String),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

impl KeyError {
    pub fn code(&self) -> &'static str {
        match self {
            KeyError::NeedPassphrase => "db.locked_no_key",
            KeyError::PassphraseShort(_) => "key.passphrase_short",
            KeyError::KeyringUnavailable(_) => "key.keyring_unavailable",
            KeyError::KeyringMissing => "key.keyring_missing",
            KeyError::NoteInvalid(_) => "key.file_invalid",
            KeyError::Io(_) => "io.error",
        }
    }

    pub fn arg(&self) -> String {
        match self {
            KeyError::PassphraseShort(n) => n.to_string(),
            KeyError::KeyringUnavailable(s) | KeyError::NoteInvalid(s) => s.clone(),
            KeyError::Io(e) => e.to_string(),
            KeyError::NeedPassphrase | KeyError::KeyringMissing => String::new(),
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        casedesk_domain::messages::text(self.code(), lang, &self.arg())
    }
}

/// The key note's path for the station file `db`: `<db>.key`.
pub fn note_path(db: &Path) -> PathBuf {
    casedesk_store::crypt::sibling(db, ".key")
}

/// The key note beside `db` (None when there is none: a plain file from before encryption, or
/// no station yet).
pub fn read_note(db: &Path) -> Result<Option<KeyNote>, KeyError> {
    read_note_file(&note_path(db))
}

/// A key note file (beside a station file or a backup).
pub fn read_note_file(path: &Path) -> Result<Option<KeyNote>, KeyError> {
    match std::fs::read_to_string(path) {
        Ok(text) => KeyNote::parse(&text).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Writes the key note beside `db` (owner-only, replaced atomically).
pub fn write_note(db: &Path, note: &KeyNote) -> Result<(), KeyError> {
    let path = note_path(db);
    let tmp = casedesk_store::crypt::sibling(&path, ".tmp");
    casedesk_store::crypt::create_private_file(&tmp)?;
    std::fs::write(&tmp, note.to_json())?;
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::rename(&tmp, &path)?;
    Ok(())
}

/// The key a passphrase note and `passphrase` give.
pub fn derive(note: &KeyNote, passphrase: &str) -> Result<DbKey, KeyError> {
    let KeyNote::Passphrase { m_kib, t, p, salt, .. } = note else {
        return Err(KeyError::NoteInvalid("not a passphrase note".into()));
    };
    let salt = hex::decode(salt).map_err(|e| KeyError::NoteInvalid(format!("salt: {e}")))?;
    let params = Params::new(*m_kib, *t, *p, Some(32))
        .map_err(|e| KeyError::NoteInvalid(format!("argon2: {e}")))?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), &salt, &mut *out)
        .map_err(|e| KeyError::NoteInvalid(format!("argon2: {e}")))?;
    Ok(DbKey::from_bytes(*out))
}

/// Checks a new passphrase (length, counted in characters).
pub fn check_new_passphrase(passphrase: &str) -> Result<(), KeyError> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(KeyError::PassphraseShort(MIN_PASSPHRASE_CHARS));
    }
    Ok(())
}

/// The passphrase scripts give in `CASEDESK_PASSPHRASE` (None when unset or empty).
pub fn passphrase_from_env() -> Option<Zeroizing<String>> {
    std::env::var(PASSPHRASE_ENV).ok().filter(|p| !p.is_empty()).map(Zeroizing::new)
}

/// Whether this session has a usable OS secret store. On Linux that needs a session bus with a
/// Secret Service on it; without `DBUS_SESSION_BUS_ADDRESS` nothing is tried (no bus is
/// started for us).
pub fn keyring_available() -> Result<(), KeyError> {
    #[cfg(target_os = "linux")]
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        return Err(KeyError::KeyringUnavailable("no desktop session bus".into()));
    }
    let probe = keyring::Entry::new(SERVICE, "casedesk-probe")
        .map_err(|e| KeyError::KeyringUnavailable(e.to_string()))?;
    match probe.get_password() {
        Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(KeyError::KeyringUnavailable(e.to_string())),
    }
}

/// A new random key for `db`, kept in the OS secret store; returns its note (not written yet).
pub fn new_keyring_key() -> Result<(KeyNote, DbKey), KeyError> {
    keyring_available()?;
    let account = format!("station-{}", uuid::Uuid::new_v4().simple());
    let mut bytes = Zeroizing::new([0u8; 32]);
    rand::rng().fill_bytes(&mut *bytes);
    let key = DbKey::from_bytes(*bytes);
    let entry = keyring::Entry::new(SERVICE, &account)
        .map_err(|e| KeyError::KeyringUnavailable(e.to_string()))?;
    entry.set_password(&key.to_hex()).map_err(|e| KeyError::KeyringUnavailable(e.to_string()))?;
    // Read it back: a store that takes a secret and cannot give it back is no store.
    let back = load_keyring(SERVICE, &account)?;
    if back.bytes() != key.bytes() {
        return Err(KeyError::KeyringUnavailable("the keyring gave back another key".into()));
    }
    Ok((KeyNote::Keyring { service: SERVICE.into(), account }, key))
}

fn load_keyring(service: &str, account: &str) -> Result<DbKey, KeyError> {
    let entry = keyring::Entry::new(service, account)
        .map_err(|e| KeyError::KeyringUnavailable(e.to_string()))?;
    match entry.get_password() {
        Ok(hex) => DbKey::from_hex(&hex).ok_or(KeyError::KeyringMissing),
        Err(keyring::Error::NoEntry) => Err(KeyError::KeyringMissing),
        Err(e) => Err(KeyError::KeyringUnavailable(e.to_string())),
    }
}

/// The key `note` names: from the secret store, or derived from `passphrase`.
pub fn key_for(note: &KeyNote, passphrase: Option<&str>) -> Result<DbKey, KeyError> {
    match note {
        KeyNote::Keyring { service, account } => load_keyring(service, account),
        KeyNote::Passphrase { .. } => derive(note, passphrase.ok_or(KeyError::NeedPassphrase)?),
    }
}

/// How a new station's key is to be kept.
pub enum NewKey<'a> {
    /// In the OS secret store; fails when there is none.
    Keyring,
    /// Derived from this passphrase.
    Passphrase(&'a str),
}

/// Makes the key of a new (or not yet encrypted) station file `db` and writes its note.
pub fn create_key(db: &Path, how: NewKey<'_>) -> Result<(KeyNote, DbKey), KeyError> {
    let (note, key) = match how {
        NewKey::Keyring => new_keyring_key()?,
        NewKey::Passphrase(p) => {
            check_new_passphrase(p)?;
            let note = KeyNote::new_passphrase();
            let key = derive(&note, p)?;
            (note, key)
        }
    };
    write_note(db, &note)?;
    Ok((note, key))
}

/// Changes the passphrase of a passphrase station: returns the new note and key; the caller
/// re-keys the database (`Store::rekey`) and then writes the note.
pub fn new_passphrase_key(passphrase: &str) -> Result<(KeyNote, DbKey), KeyError> {
    check_new_passphrase(passphrase)?;
    let note = KeyNote::new_passphrase();
    let key = derive(&note, passphrase)?;
    Ok((note, key))
}

/// The data folder's backup folder of the station file `db`: `backups/<file stem>/` beside it
/// (`station.db` of the desktop → `backups/station/`), so two station files in one folder never
/// rotate each other's backups away.
pub fn backup_dir(db: &Path) -> PathBuf {
    let stem =
        db.file_stem().and_then(|s| s.to_str()).filter(|s| !s.is_empty()).unwrap_or("station");
    db.parent().unwrap_or(Path::new(".")).join("backups").join(stem)
}

/// The environment variable that names more backup folders (a USB stick, a shared folder),
/// separated like `PATH`: the CLI's automatic and manual backups go there too.
pub const BACKUP_TO_ENV: &str = "CASEDESK_BACKUP_TO";

/// The backup policy of the station file `db`: its data folder's backup folder, then `extra`
/// folders, each keeping `keep`; the key note (if any) travels beside every backup.
pub fn backup_policy(
    db: &Path,
    extra: &[PathBuf],
    keep: usize,
    note: Option<&KeyNote>,
) -> casedesk_store::BackupPolicy {
    let mut dirs = vec![backup_dir(db)];
    dirs.extend(extra.iter().filter(|d| !d.as_os_str().is_empty()).cloned());
    casedesk_store::BackupPolicy { dirs, keep: keep.max(1), key_note: note.map(KeyNote::to_json) }
}

/// The key note that travels beside the backup `backup` (`<backup>.key`).
pub fn backup_note(backup: &Path) -> Result<Option<KeyNote>, KeyError> {
    read_note_file(&casedesk_store::crypt::sibling(backup, ".key"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_passphrase_and_salt_give_the_same_key_and_another_passphrase_another() {
        let note = KeyNote::new_passphrase();
        let a = derive(&note, "草原上的联络站").unwrap();
        let b = derive(&note, "草原上的联络站").unwrap();
        let c = derive(&note, "草原上的联络站!").unwrap();
        assert_eq!(a.bytes(), b.bytes());
        assert_ne!(a.bytes(), c.bytes());
        let other = KeyNote::new_passphrase();
        assert_ne!(derive(&other, "草原上的联络站").unwrap().bytes(), a.bytes());
    }

    #[test]
    fn notes_round_trip_and_hostile_notes_are_refused() {
        let note = KeyNote::new_passphrase();
        assert_eq!(KeyNote::parse(&note.to_json()).unwrap(), note);
        let huge = r#"{"custody":"passphrase","kdf":"argon2id","m_kib":4194304,"t":2,"p":1,"salt":"00112233445566778899"}"#;
        assert!(matches!(KeyNote::parse(huge), Err(KeyError::NoteInvalid(_))));
        let short_salt =
            r#"{"custody":"passphrase","kdf":"argon2id","m_kib":19456,"t":2,"p":1,"salt":"00"}"#;
        assert!(matches!(KeyNote::parse(short_salt), Err(KeyError::NoteInvalid(_))));
        assert!(matches!(KeyNote::parse("{}"), Err(KeyError::NoteInvalid(_))));
    }

    #[test]
    fn a_short_passphrase_is_refused_and_a_passphrase_note_needs_one() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("st.db");
        assert!(matches!(
            create_key(&db, NewKey::Passphrase("short")),
            Err(KeyError::PassphraseShort(8))
        ));
        let (note, key) = create_key(&db, NewKey::Passphrase("a long passphrase")).unwrap();
        assert_eq!(read_note(&db).unwrap(), Some(note.clone()));
        assert!(matches!(key_for(&note, None), Err(KeyError::NeedPassphrase)));
        assert_eq!(key_for(&note, Some("a long passphrase")).unwrap().bytes(), key.bytes());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(note_path(&db)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
