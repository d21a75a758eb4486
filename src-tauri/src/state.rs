//! `AppState`: what every command works on. The database is opened on a worker thread at
//! start (migrations can take a moment on an old file); commands that arrive earlier wait for
//! it. Writes go through one `Store` behind a mutex (SQLite allows one writer anyway); queries
//! go through a small pool of read-only connections, so that a slow count or dashboard never
//! holds up the list the clerk is waiting for, nor a write (WAL: readers and the writer do not
//! block each other). The sync worker and the demo-data writer use connections of their own.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, Weak};
use std::time::Duration;

use casedesk_domain::Lang;
use casedesk_ipc::{DbChanged, IpcError, SyncStatus, UiLang};
use casedesk_keys::KeyNote;
use casedesk_store::crypt::{FileKind, file_kind};
use casedesk_store::{BackupPolicy, DbKey, Store, StoreError};
use casedesk_sync::worker::SyncWorker;
use uuid::Uuid;

use crate::files::FileSettings;

/// `CASEDESK_IDLE_LOCK_SECS` overrides the head's idle lock (the station file's setting,
/// `Store::idle_lock_secs`) on this computer: for the tests, which need a lock within seconds.
/// At least 5 seconds.
pub const IDLE_LOCK_ENV: &str = "CASEDESK_IDLE_LOCK_SECS";

/// The idle lock `CASEDESK_IDLE_LOCK_SECS` sets, if it is set.
pub fn idle_lock_override() -> Option<u32> {
    std::env::var(IDLE_LOCK_ENV).ok().and_then(|v| v.trim().parse::<u32>().ok()).map(|v| v.max(5))
}

/// The environment variable that overrides the database path (tests, a second station).
pub const DB_ENV: &str = "CASEDESK_DB";

/// How long a command waits for the database to open before giving up.
const OPEN_WAIT: Duration = Duration::from_secs(60);

/// Read-only connections for queries: two, so the case list and its count (or the dashboard)
/// run side by side on a 2-core machine.
const READERS: usize = 2;

/// The open database: the writer and the read-only connections.
pub struct Db {
    writer: Mutex<Store>,
    readers: Vec<Mutex<Store>>,
    next: AtomicUsize,
}

impl Db {
    /// The store for writes (and for reads that must see the caller's own write).
    pub fn writer(&self) -> MutexGuard<'_, Store> {
        lock(&self.writer)
    }

    /// A read-only store with its cached settings up to date: an idle reader if there is one,
    /// else the next in turn (or the writer if no reader could be opened).
    pub fn reader(&self) -> Result<MutexGuard<'_, Store>, casedesk_store::StoreError> {
        if self.readers.is_empty() {
            return Ok(self.writer());
        }
        let idle = self.readers.iter().find_map(|m| match m.try_lock() {
            Ok(g) => Some(g),
            Err(std::sync::TryLockError::Poisoned(p)) => Some(p.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => None,
        });
        let mut guard = match idle {
            Some(g) => g,
            None => {
                lock(&self.readers[self.next.fetch_add(1, Ordering::Relaxed) % self.readers.len()])
            }
        };
        guard.refresh()?;
        Ok(guard)
    }
}

/// Where the station's files are.
#[derive(Clone, Debug)]
pub struct Paths {
    /// The station database.
    pub db: PathBuf,
    /// `settings.json` (and the draft files of versions before store migration 0012), backups,
    /// files: the OS data folder, or the database's folder when
    /// `CASEDESK_DB` names the database.
    pub data_dir: PathBuf,
}

impl Paths {
    /// `CASEDESK_DB` if set, else `station.db` in the app data folder (`app_data_dir`, e.g.
    /// `~/.local/share/cn.casedesk.desk/`).
    pub fn resolve(app_data_dir: impl FnOnce() -> Option<PathBuf>) -> Result<Paths, String> {
        if let Some(db) = std::env::var_os(DB_ENV).filter(|v| !v.is_empty()) {
            let db = PathBuf::from(db);
            let data_dir = db
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            return Ok(Paths { db, data_dir });
        }
        let dir = app_data_dir().ok_or("no application data folder")?;
        Ok(Paths { db: dir.join("station.db"), data_dir: dir })
    }
}

/// What Rust tells the UI (see `casedesk_ipc::events`).
pub enum UiEvent {
    DbChanged(DbChanged),
    /// Boxed: a status is far larger than a change notice.
    Sync(Box<SyncStatus>),
}

type Notify = Box<dyn Fn(UiEvent) + Send + Sync>;
type Show = Box<dyn Fn(&str) + Send + Sync>;
/// The system's file dialog: (title, where it opens, file extensions; none: a folder) → the
/// chosen path, None when it was closed. Blocks until then (never on the main thread).
type Pick = Box<dyn Fn(&str, &Path, &[String]) -> Option<PathBuf> + Send + Sync>;

/// A value that another thread fills in once; readers wait for it.
struct Slot<T> {
    value: Mutex<Option<Result<Arc<T>, String>>>,
    ready: Condvar,
}

impl<T> Slot<T> {
    fn new() -> Slot<T> {
        Slot { value: Mutex::new(None), ready: Condvar::new() }
    }
    /// Empties the slot: the next `wait` waits for the next `set`.
    fn clear(&self) {
        *lock(&self.value) = None;
    }
    fn set(&self, v: Result<T, String>) {
        *lock(&self.value) = Some(v.map(Arc::new));
        self.ready.notify_all();
    }
    fn wait(&self, timeout: Duration) -> Option<Result<Arc<T>, String>> {
        let guard = lock(&self.value);
        let (guard, _) = self
            .ready
            .wait_timeout_while(guard, timeout, |v| v.is_none())
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        guard.clone()
    }
}

/// Locks a mutex even if a panicking command poisoned it: an unfinished SQLite transaction
/// rolls back when dropped, so the store is consistent again.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub struct AppState {
    pub paths: Paths,
    store: Slot<Db>,
    settings: Mutex<FileSettings>,
    sync: Mutex<Option<SyncWorker>>,
    /// Enrollment codes used successfully in this run: a re-sent `sync_enroll` returns the
    /// status instead of spending the code again.
    pub enrolled_codes: Mutex<HashSet<String>>,
    last_success_ms: AtomicI64,
    pub demo_running: AtomicBool,
    /// Who is signed in, and when they last did something (the desktop locks after
    /// `IDLE_LOCK` without a command, or on demand).
    session: Mutex<Option<(casedesk_store::Actor, std::time::Instant)>>,
    shown: AtomicBool,
    notify: OnceLock<Notify>,
    show: OnceLock<Show>,
    pick: OnceLock<Pick>,
    /// The database key and its note, once found (None: a plain file, see `find_key`).
    key: Mutex<Option<(KeyNote, DbKey)>>,
    backup_ticker: AtomicBool,
    /// The unlock screen's state: a passphrase station opened without `CASEDESK_PASSPHRASE`
    /// waits for the passphrase (`unlock`).
    unlock: Mutex<Unlock>,
    /// The idle lock of the open station file, in seconds (`Store::idle_lock_secs`).
    idle_secs: AtomicU64,
    /// No station file yet, and no key: the database is a placeholder in memory until the
    /// wizard says how the key is kept (`choose_key`).
    awaiting_key: AtomicBool,
}

/// Whether the station file waits for its passphrase, and the back-off after wrong ones.
#[derive(Default)]
struct Unlock {
    locked: bool,
    /// The key the unlock screen's passphrase gave (used by the next open).
    given: Option<(KeyNote, DbKey)>,
    failures: u32,
    until: Option<std::time::Instant>,
}

/// Wrong passphrases allowed in a row before the unlock screen makes one wait (as sign-in).
pub const UNLOCK_TRIES: u32 = 5;

/// Why an unlock was refused.
pub enum UnlockError {
    /// Wrong; this many tries are left before a wait.
    Wrong(u32),
    /// Too many wrong tries: wait this many seconds.
    Wait(u64),
    Other(String),
}

/// `find_key`'s answer for a new station file whose key the wizard is to choose.
const AWAIT_KEY: &str = "await-key";

/// How often the running app checks whether today's backup is due.
const BACKUP_CHECK: Duration = Duration::from_secs(15 * 60);

impl AppState {
    pub fn new(paths: Paths) -> Arc<AppState> {
        let settings = FileSettings::load(&paths.data_dir);
        Arc::new(AppState {
            paths,
            store: Slot::new(),
            settings: Mutex::new(settings),
            sync: Mutex::new(None),
            enrolled_codes: Mutex::new(HashSet::new()),
            last_success_ms: AtomicI64::new(i64::MIN),
            demo_running: AtomicBool::new(false),
            session: Mutex::new(None),
            shown: AtomicBool::new(false),
            notify: OnceLock::new(),
            show: OnceLock::new(),
            pick: OnceLock::new(),
            key: Mutex::new(None),
            backup_ticker: AtomicBool::new(false),
            unlock: Mutex::new(Unlock::default()),
            idle_secs: AtomicU64::new(u64::from(casedesk_domain::access::IDLE_LOCK_DEFAULT_SECS)),
            awaiting_key: AtomicBool::new(false),
        })
    }

    /// The signed-in staff member, for a command that acts or shows case data; refused with
    /// `auth.required` when no one is signed in or the desktop locked itself after
    /// `IDLE_LOCK` without a command. Each call counts as activity.
    pub fn actor(&self) -> Result<casedesk_store::Actor, casedesk_store::StoreError> {
        let idle = self.idle_lock();
        let mut session = lock(&self.session);
        match session.as_mut() {
            Some((actor, last)) if last.elapsed() < idle => {
                *last = std::time::Instant::now();
                Ok(*actor)
            }
            Some(_) => {
                *session = None;
                tracing::info!("locked after idle time");
                Err(casedesk_store::AuthError::Required.into())
            }
            None => Err(casedesk_store::AuthError::Required.into()),
        }
    }

    /// The signed-in staff member without counting it as activity (`session_info`).
    pub fn current_actor(&self) -> Option<casedesk_store::Actor> {
        let idle = self.idle_lock();
        let session = lock(&self.session);
        session.as_ref().filter(|(_, last)| last.elapsed() < idle).map(|(a, _)| *a)
    }

    /// After how long without a command the desktop locks: `CASEDESK_IDLE_LOCK_SECS` if set,
    /// else the head's setting in the station file.
    pub fn idle_lock(&self) -> Duration {
        let secs =
            idle_lock_override().map_or_else(|| self.idle_secs.load(Ordering::Relaxed), u64::from);
        Duration::from_secs(secs)
    }

    /// The station file's idle lock changed (or was read at open).
    pub fn set_idle_secs(&self, secs: u32) {
        self.idle_secs.store(u64::from(secs), Ordering::Relaxed);
    }

    /// Whether the wizard is to say how the key of the new station file is kept (no file, no
    /// key note, no `CASEDESK_PASSPHRASE`).
    pub fn awaiting_key(&self) -> bool {
        self.awaiting_key.load(Ordering::SeqCst)
    }

    /// `awaiting_key` once the opener thread has decided (what commands ask): right after the
    /// start it may not have looked for a key yet, and a wizard answered in that moment would
    /// skip the key choice and set up the in-memory placeholder.
    pub fn awaiting_key_settled(&self) -> bool {
        let _ = self.store.wait(OPEN_WAIT);
        self.awaiting_key()
    }

    /// The wizard's choice for a new station file: a key in the OS secret store (`passphrase`
    /// None) or derived from the station passphrase; the note is written and the file is
    /// created encrypted in place of the placeholder. Waits until it is open.
    pub fn choose_key(self: &Arc<Self>, passphrase: Option<&str>) -> Result<(), StoreError> {
        let lang = self.lang();
        let key_error = |e: casedesk_keys::KeyError| {
            StoreError::invalid(vec![casedesk_domain::Issue::with_arg(
                "passphrase",
                e.code(),
                e.arg(),
            )])
        };
        let how = match passphrase {
            Some(p) => casedesk_keys::NewKey::Passphrase(p),
            None => casedesk_keys::NewKey::Keyring,
        };
        if let Some(dir) = self.paths.db.parent().filter(|p| !p.as_os_str().is_empty()) {
            casedesk_store::crypt::create_private_dir(dir)?;
        }
        let made = casedesk_keys::create_key(&self.paths.db, how).map_err(key_error)?;
        tracing::info!(custody = ?made.0.custody(), "new database key (chosen in the wizard)");
        lock(&self.unlock).given = Some(made);
        self.awaiting_key.store(false, Ordering::SeqCst);
        // The placeholder has no file behind it: nothing to wait for.
        self.store.clear();
        self.open_store();
        match self.store.wait(OPEN_WAIT) {
            Some(Ok(_)) => Ok(()),
            Some(Err(e)) => Err(StoreError::Io(std::io::Error::other(e))),
            None => Err(StoreError::Io(std::io::Error::other(casedesk_domain::messages::text(
                "db.open_failed",
                lang,
                "timeout",
            )))),
        }
    }

    pub fn set_session(&self, actor: Option<casedesk_store::Actor>) {
        *lock(&self.session) = actor.map(|a| (a, std::time::Instant::now()));
    }

    /// How events reach the UI (set once, in `setup`).
    pub fn set_notify(&self, f: impl Fn(UiEvent) + Send + Sync + 'static) {
        let _ = self.notify.set(Box::new(f));
    }

    /// How the main window is shown (set once, in `setup`).
    pub fn set_show(&self, f: impl Fn(&str) + Send + Sync + 'static) {
        let _ = self.show.set(Box::new(f));
    }

    pub fn set_pick(
        &self,
        f: impl Fn(&str, &Path, &[String]) -> Option<PathBuf> + Send + Sync + 'static,
    ) {
        let _ = self.pick.set(Box::new(f));
    }

    /// The system's dialog (see `Pick`): None when there is none (the window never ran, as in
    /// tests), else what was chosen (None: closed).
    pub fn pick(
        &self,
        title: &str,
        start: &Path,
        extensions: &[String],
    ) -> Option<Option<PathBuf>> {
        self.pick.get().map(|f| f(title, start, extensions))
    }

    /// Shows the main window once: after the UI's first paint (`app_ready`) or the fallback
    /// timer, whichever comes first.
    pub fn show_window(&self, why: &str) {
        if !self.shown.swap(true, Ordering::SeqCst)
            && let Some(show) = self.show.get()
        {
            tracing::info!("showing the window ({why})");
            show(why);
        }
    }

    pub fn emit(&self, ev: UiEvent) {
        if let Some(n) = self.notify.get() {
            n(ev);
        }
    }

    /// The UI language, for messages.
    pub fn lang(&self) -> Lang {
        lock(&self.settings).lang.lang()
    }

    pub fn file_settings(&self) -> FileSettings {
        lock(&self.settings).clone()
    }

    pub fn save_file_settings(&self, s: FileSettings) -> std::io::Result<()> {
        let mut cur = lock(&self.settings);
        if *cur != s {
            s.save(&self.paths.data_dir)?;
            *cur = s;
        }
        Ok(())
    }

    pub fn ui_lang(&self) -> UiLang {
        lock(&self.settings).lang
    }

    /// The key of the station file: named by its key note (the system keyring, or the station
    /// passphrase from `CASEDESK_PASSPHRASE`); for a new or plain file, a new key in the system
    /// keyring, or from `CASEDESK_PASSPHRASE`, and the plain file is encrypted on open. None
    /// (the file stays plain, with a warning in the log) when there is neither.
    fn find_key(&self) -> Result<Option<(KeyNote, DbKey)>, String> {
        let db = &self.paths.db;
        let lang = self.lang();
        if let Some(given) = lock(&self.unlock).given.clone() {
            return Ok(Some(given));
        }
        let passphrase = casedesk_keys::passphrase_from_env();
        if let Some(note) = casedesk_keys::read_note(db).map_err(|e| e.message(lang))? {
            let key = casedesk_keys::key_for(&note, passphrase.as_deref().map(String::as_str))
                .map_err(|e| e.message(lang))?;
            return Ok(Some((note, key)));
        }
        match file_kind(db).map_err(|e| e.message(lang))? {
            FileKind::Opaque => {
                return Err(casedesk_domain::messages::text(
                    "key.file_invalid",
                    lang,
                    &casedesk_keys::note_path(db).display().to_string(),
                ));
            }
            // A new station: the wizard says how its key is kept (`choose_key`), unless
            // `CASEDESK_PASSPHRASE` says it already.
            FileKind::Missing | FileKind::Empty => {
                if let Some(p) = passphrase.as_deref() {
                    let made = casedesk_keys::create_key(db, casedesk_keys::NewKey::Passphrase(p))
                        .map_err(|e| e.message(lang))?;
                    tracing::info!("new database key from CASEDESK_PASSPHRASE");
                    return Ok(Some(made));
                }
                return Err(AWAIT_KEY.to_owned());
            }
            FileKind::Plain => {}
        }
        // A plain file from before encryption: encrypted on open where a key can be kept.
        let how = if casedesk_keys::keyring_available().is_ok() {
            casedesk_keys::NewKey::Keyring
        } else if let Some(p) = passphrase.as_deref() {
            casedesk_keys::NewKey::Passphrase(p)
        } else {
            tracing::warn!(
                "no system keyring and no CASEDESK_PASSPHRASE: the database stays unencrypted"
            );
            return Ok(None);
        };
        let made = casedesk_keys::create_key(db, how).map_err(|e| e.message(lang))?;
        tracing::info!(custody = ?made.0.custody(), "new database key");
        Ok(Some(made))
    }

    /// The backup policy of the station file: the data folder's `backups/<name>/`, and the
    /// folder chosen in Settings (a USB stick) when there is one.
    pub fn backup_policy(&self) -> BackupPolicy {
        let note = lock(&self.key).as_ref().map(|(n, _)| n.clone());
        let extra: Vec<PathBuf> =
            self.file_settings().backup_folder.into_iter().map(PathBuf::from).collect();
        casedesk_keys::backup_policy(
            &self.paths.db,
            &extra,
            casedesk_store::backup::DEFAULT_KEEP,
            note.as_ref(),
        )
    }

    /// Whether the station file waits for its passphrase (the unlock screen), how many wrong
    /// tries are left and how long to wait before the next.
    pub fn unlock_state(&self) -> (bool, u32, u64) {
        let u = lock(&self.unlock);
        let wait =
            u.until.map_or(0, |t| t.saturating_duration_since(std::time::Instant::now()).as_secs());
        (u.locked, UNLOCK_TRIES.saturating_sub(u.failures % UNLOCK_TRIES.max(1)), wait)
    }

    /// The unlock screen's passphrase: checked against the file (a wrong one opens nothing and
    /// counts; after `UNLOCK_TRIES` wrong ones in a row each try waits 30 s, doubling up to
    /// 15 min), and the database opened with it.
    pub fn unlock(self: &Arc<Self>, passphrase: &str) -> Result<(), UnlockError> {
        let lang = self.lang();
        {
            let u = lock(&self.unlock);
            if !u.locked {
                return Ok(());
            }
            if let Some(t) = u.until {
                let left = t.saturating_duration_since(std::time::Instant::now());
                if !left.is_zero() {
                    return Err(UnlockError::Wait(left.as_secs().max(1)));
                }
            }
        }
        let note = casedesk_keys::read_note(&self.paths.db)
            .map_err(|e| UnlockError::Other(e.message(lang)))?
            .ok_or_else(|| UnlockError::Other(StoreError::WrongKey.message(lang)))?;
        let key = casedesk_keys::key_for(&note, Some(passphrase))
            .map_err(|e| UnlockError::Other(e.message(lang)))?;
        match Store::open_reader_encrypted(&self.paths.db, &key) {
            Ok(_) => {}
            Err(StoreError::WrongKey) => {
                let mut u = lock(&self.unlock);
                u.failures += 1;
                tracing::warn!(failures = u.failures, "wrong station passphrase");
                if u.failures >= UNLOCK_TRIES {
                    let extra = (u.failures - UNLOCK_TRIES).min(5);
                    let secs = (30u64 << extra).min(15 * 60);
                    u.until = Some(std::time::Instant::now() + Duration::from_secs(secs));
                    return Err(UnlockError::Wait(secs));
                }
                return Err(UnlockError::Wrong(UNLOCK_TRIES - u.failures));
            }
            Err(e) => return Err(UnlockError::Other(e.message(lang))),
        }
        {
            let mut u = lock(&self.unlock);
            u.locked = false;
            u.failures = 0;
            u.until = None;
            u.given = Some((note, key));
        }
        tracing::info!("unlocked with the station passphrase");
        // Commands from now on wait for this open, not answer the locked state it replaces.
        self.store.clear();
        self.open_store();
        Ok(())
    }

    /// The station file's key and its note (None: a plain file).
    pub fn key(&self) -> Option<(KeyNote, DbKey)> {
        lock(&self.key).clone()
    }

    /// Puts the backup `backup` in place of the station file and reopens it (see
    /// `casedesk_sync::restore::restore_backup`: the restored copy takes a new device identity,
    /// so nothing forks at the hub). The backup is checked first: a damaged or foreign backup,
    /// or one made with another key, changes nothing. Every connection to the file is closed
    /// first (the sync worker stopped, commands still running finish on the old file); nobody
    /// is signed in afterwards (the restored copy's staff sign in again).
    pub fn restore_from(
        self: &Arc<Self>,
        backup: &Path,
        backup_key: Option<&DbKey>,
        backup_note: Option<KeyNote>,
    ) -> Result<casedesk_sync::restore::Restored, StoreError> {
        casedesk_store::backup::inspect(backup, backup_key)?;
        let live_key = self.key().map(|(_, k)| k);
        let policy = self.backup_policy();
        self.close_store("backup.restoring");
        let restored = casedesk_sync::restore::restore_backup(
            backup,
            backup_key,
            &self.paths.db,
            live_key.as_ref(),
            &policy,
        );
        if restored.is_ok() {
            // The restored file is encrypted with the backup's key: its note goes beside it.
            let note_written = match (&backup_note, backup_key.is_some()) {
                (Some(n), true) => casedesk_keys::write_note(&self.paths.db, n)
                    .map_err(|e| StoreError::Io(std::io::Error::other(e.message(self.lang())))),
                // A plain backup (from before encryption): the replaced file's note would name
                // a key this file does not have (the open encrypts it again where it can).
                _ => match std::fs::remove_file(casedesk_keys::note_path(&self.paths.db)) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(StoreError::Io(e)),
                    _ => Ok(()),
                },
            };
            if let Err(e) = note_written {
                tracing::error!("restored, but the key note could not be written: {e}");
            }
            // The file opens with the backup's key from now on (a key given at unlock was the
            // replaced file's; a backup of another passphrase is opened with the one given).
            lock(&self.unlock).given = match (backup_note, backup_key) {
                (Some(n), Some(k)) => Some((n, k.clone())),
                _ => None,
            };
        }
        self.set_session(None);
        // Reopened whatever happened (a failed restore leaves the old file in place); until
        // the opener is done, commands wait for it rather than read "restoring".
        self.store.clear();
        self.open_store();
        restored
    }

    /// Closes every connection to the station file (the sync worker stopped, commands still
    /// running finish on the old file first); until it is opened again, commands answer the
    /// message `why`.
    fn close_store(&self, why: &str) {
        self.stop_sync();
        let old = self.store.wait(OPEN_WAIT).and_then(Result::ok);
        self.store.set(Err(casedesk_domain::messages::text(why, self.lang(), "")));
        if let Some(old) = old {
            // Connections close when the last command using them ends.
            let weak = Arc::downgrade(&old);
            drop(old);
            let until = std::time::Instant::now() + OPEN_WAIT;
            while weak.strong_count() > 0 && std::time::Instant::now() < until {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }

    /// A station file that stayed plain (made before encryption, opened where there was no
    /// keyring and no `CASEDESK_PASSPHRASE`): encrypted now with a key derived from
    /// `passphrase` (the head sets it in 备份). The note is written, the file reopened (which
    /// encrypts it in place, checked before the plain file goes: `crypt::encrypt_plain_file`),
    /// an encrypted backup made, and then the plain backups of the backup folders removed, since
    /// they would keep in clear what the file no longer does. Returns how many were removed.
    pub fn encrypt_plain(self: &Arc<Self>, passphrase: &str) -> Result<usize, StoreError> {
        let lang = self.lang();
        let field = |code: &str, arg: String| {
            StoreError::invalid(vec![casedesk_domain::Issue::with_arg("passphrase", code, arg)])
        };
        if self.key().is_some() || file_kind(&self.paths.db)? != FileKind::Plain {
            return Err(field("key.already_encrypted", String::new()));
        }
        casedesk_keys::check_new_passphrase(passphrase).map_err(|e| field(e.code(), e.arg()))?;
        self.close_store("db.encrypting");
        let made = casedesk_keys::create_key(
            &self.paths.db,
            casedesk_keys::NewKey::Passphrase(passphrase),
        );
        let made = match made {
            Ok(m) => m,
            Err(e) => {
                self.store.clear();
                self.open_store();
                return Err(StoreError::Io(std::io::Error::other(e.message(lang))));
            }
        };
        tracing::info!("encrypting the plain station file with a new station passphrase");
        lock(&self.unlock).given = Some(made);
        self.store.clear();
        self.open_store();
        let db = match self.store.wait(OPEN_WAIT) {
            Some(Ok(db)) => db,
            Some(Err(e)) => return Err(StoreError::Io(std::io::Error::other(e))),
            None => return Err(StoreError::Io(std::io::Error::other("timeout"))),
        };
        let policy = self.backup_policy();
        let out = db.writer().backup(&policy, casedesk_store::BackupReason::Manual)?;
        let mut removed = 0;
        if out.written.iter().any(|b| policy.dirs.first().is_some_and(|d| b.path.starts_with(d))) {
            for dir in &policy.dirs {
                for b in casedesk_store::backup::list(dir).unwrap_or_default() {
                    if file_kind(&b.path).is_ok_and(|k| k == FileKind::Plain) {
                        match std::fs::remove_file(&b.path) {
                            Ok(()) => removed += 1,
                            Err(e) => {
                                tracing::warn!(path = %b.path.display(), "plain backup not removed: {e}")
                            }
                        }
                    }
                }
            }
        }
        tracing::info!(removed, "station file encrypted; plain backups removed");
        Ok(removed)
    }

    /// Another writing connection to the station file (the demo writer, enrollment), with the
    /// key.
    pub fn open_db(&self) -> Result<Store, StoreError> {
        match lock(&self.key).as_ref() {
            Some((_, key)) => Store::open_encrypted(&self.paths.db, key, None),
            None => Store::open(&self.paths.db),
        }
    }

    /// Today's backup, if it is not there yet (at start and every quarter hour while running).
    fn backup_if_due(&self) {
        let Ok(db) = self.store() else { return };
        if lock(&self.key).is_none() {
            return;
        }
        let policy = self.backup_policy();
        let writer = db.writer();
        if writer.station().is_none() {
            return;
        }
        match writer.backup_if_due(&policy) {
            Ok(Some(out)) => {
                for b in &out.written {
                    tracing::info!(path = %b.path.display(), bytes = b.bytes, "daily backup");
                }
                for (dir, e) in &out.failed {
                    tracing::warn!(dir = %dir.display(), "backup failed: {e}");
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!("daily backup failed: {e}"),
        }
    }

    fn start_backup_ticker(self: &Arc<Self>) {
        if self.backup_ticker.swap(true, Ordering::SeqCst) {
            return;
        }
        let weak: Weak<AppState> = Arc::downgrade(self);
        let _ = std::thread::Builder::new().name("casedesk-backup".into()).spawn(move || {
            loop {
                match weak.upgrade() {
                    Some(me) => me.backup_if_due(),
                    None => return,
                }
                std::thread::sleep(BACKUP_CHECK);
            }
        });
    }

    /// Opens the database on a worker thread; starts the sync worker if the station exists.
    pub fn open_store(self: &Arc<Self>) {
        let me = self.clone();
        let spawned = std::thread::Builder::new().name("casedesk-open".into()).spawn(move || {
            let t = std::time::Instant::now();
            let opened = (|| {
                if let Some(dir) = me.paths.db.parent().filter(|p| !p.as_os_str().is_empty()) {
                    casedesk_store::crypt::create_private_dir(dir)
                        .map_err(|e| StoreError::Io(e).message(me.lang()))?;
                }
                let found = match me.find_key() {
                    Err(e) if e == AWAIT_KEY => {
                        // Nothing is written before the wizard chose the key: an empty
                        // station in memory answers until then.
                        me.awaiting_key.store(true, Ordering::SeqCst);
                        tracing::info!("no station file yet: the wizard chooses its key");
                        return Store::open_in_memory().map_err(|e| e.message(me.lang()));
                    }
                    Err(_) if me.waits_for_passphrase() => {
                        lock(&me.unlock).locked = true;
                        tracing::info!("the station file waits for its passphrase");
                        return Err(casedesk_domain::messages::text(
                            "db.locked_no_key",
                            me.lang(),
                            "",
                        ));
                    }
                    other => other?,
                };
                *lock(&me.key) = found.clone();
                match &found {
                    Some((_, key)) => {
                        let policy = me.backup_policy();
                        Store::open_encrypted(&me.paths.db, key, Some(&policy))
                    }
                    None => Store::open(&me.paths.db),
                }
                .map_err(|e| e.message(me.lang()))
            })();
            match opened {
                Ok(mut store) => {
                    let has_station = store.station().is_some();
                    if !me.awaiting_key() {
                        move_legacy_drafts(&me.paths.data_dir, &mut store);
                    }
                    match store.idle_lock_secs() {
                        Ok(secs) => me.set_idle_secs(secs),
                        Err(e) => tracing::warn!("idle lock setting unreadable: {e}"),
                    }
                    tracing::info!(
                        db = %me.paths.db.display(),
                        ms = t.elapsed().as_millis() as u64,
                        has_station,
                        "database open"
                    );
                    // Opened after the writer, which has migrated the file (none for the
                    // placeholder in memory).
                    let n = if me.awaiting_key() { 0 } else { READERS };
                    let readers = (0..n)
                        .map_while(|_| match me.open_reader() {
                            Ok(r) => Some(Mutex::new(r)),
                            Err(e) => {
                                tracing::warn!(
                                    "no read-only connection, queries use the writer: {e}"
                                );
                                None
                            }
                        })
                        .collect();
                    me.store.set(Ok(Db {
                        writer: Mutex::new(store),
                        readers,
                        next: AtomicUsize::new(0),
                    }));
                    if has_station {
                        me.start_sync();
                    }
                    me.start_backup_ticker();
                }
                Err(e) => {
                    tracing::error!(db = %me.paths.db.display(), "cannot open the database: {e}");
                    me.store.set(Err(e));
                }
            }
        });
        if let Err(e) = spawned {
            self.store.set(Err(e.to_string()));
        }
    }

    /// The station file's key comes from a passphrase that was not given (no
    /// `CASEDESK_PASSPHRASE`, no unlock yet): the unlock screen asks for it.
    fn waits_for_passphrase(&self) -> bool {
        matches!(casedesk_keys::read_note(&self.paths.db), Ok(Some(KeyNote::Passphrase { .. })))
            && casedesk_keys::passphrase_from_env().is_none()
            && lock(&self.unlock).given.is_none()
    }

    fn open_reader(&self) -> Result<Store, StoreError> {
        match lock(&self.key).as_ref() {
            Some((_, key)) => Store::open_reader_encrypted(&self.paths.db, key),
            None => Store::open_reader(&self.paths.db),
        }
    }

    /// The database, once open (waits for the opener thread).
    pub fn store(&self) -> Result<Arc<Db>, IpcError> {
        match self.store.wait(OPEN_WAIT) {
            Some(Ok(s)) => Ok(s),
            Some(Err(e)) => Err(IpcError::new("db.open_failed", &e, self.lang())),
            None => Err(IpcError::new("db.open_failed", "timeout", self.lang())),
        }
    }

    /// Starts the sync worker (once). It idles until the station is enrolled with a hub.
    pub fn start_sync(self: &Arc<Self>) {
        let mut slot = lock(&self.sync);
        if slot.is_some() {
            return;
        }
        let weak: Weak<AppState> = Arc::downgrade(self);
        let connect: casedesk_sync::worker::Connector = Box::new(casedesk_sync::http::connect);
        let key = lock(&self.key).as_ref().map(|(_, k)| k.clone());
        let worker = SyncWorker::spawn(self.paths.db.clone(), key, connect, move |st| {
            let Some(me) = weak.upgrade() else { return };
            let view = SyncStatus::from_core(st.clone(), me.lang());
            let success = st.last_success_ms.unwrap_or(i64::MIN);
            let before = me.last_success_ms.swap(success, Ordering::SeqCst);
            me.emit(UiEvent::Sync(Box::new(view)));
            if success != before && success != i64::MIN {
                // A successful round may have pulled cases: views refresh.
                me.emit(UiEvent::DbChanged(DbChanged::default()));
            }
        });
        *slot = Some(worker);
        tracing::info!("sync worker started");
    }

    /// A local write happened: tell the UI and nudge the sync worker.
    pub fn changed(&self, case_id: Option<Uuid>) {
        self.emit(UiEvent::DbChanged(DbChanged { case_id }));
        if let Some(w) = lock(&self.sync).as_ref() {
            w.nudge();
        }
    }

    /// "Sync now": skip the backoff once.
    pub fn sync_now(self: &Arc<Self>) {
        self.start_sync();
        if let Some(w) = lock(&self.sync).as_ref() {
            w.sync_now();
        }
    }

    /// Moves the database aside (to `<name>.removed-<time>`, with its `-wal` and `-shm`) and
    /// opens a new, empty one at its path: the wizard starts again. Only for a demonstration
    /// station (the caller checks). Commands still running finish on the old file.
    pub fn reset_store(self: &Arc<Self>) -> std::io::Result<std::path::PathBuf> {
        self.stop_sync();
        let stamp = chrono::Utc::now().format("%Y%m%d%H%M%S");
        let db = &self.paths.db;
        let aside = db.with_file_name(format!(
            "{}.removed-{stamp}",
            db.file_name().and_then(|n| n.to_str()).unwrap_or("station.db")
        ));
        {
            // No write is half-way while the files move.
            let current = self.store().ok();
            let _writer = current.as_ref().map(|d| d.writer());
            for suffix in ["", "-wal", "-shm"] {
                let from = std::path::PathBuf::from(format!("{}{suffix}", db.display()));
                if from.exists() {
                    std::fs::rename(&from, format!("{}{suffix}", aside.display()))?;
                }
            }
        }
        self.open_store();
        tracing::info!(aside = %aside.display(), "demonstration station removed");
        Ok(aside)
    }

    /// Stops the sync worker (at exit).
    pub fn stop_sync(&self) {
        if let Some(w) = lock(&self.sync).take() {
            w.stop();
        }
    }
}

/// Drafts that versions before store migration 0012 kept as files in clear (`drafts/`): into
/// the store (encrypted with the station file), then the files go. A draft the store has under
/// the same key already stays; a file that cannot be moved stays for the next start.
fn move_legacy_drafts(data_dir: &Path, store: &mut Store) {
    let found = crate::files::legacy_drafts(data_dir);
    if found.is_empty() {
        return;
    }
    let mut moved = 0;
    for (key, body, path) in found {
        let kept = match store.draft_load(&key) {
            Ok(Some(_)) => Ok(()),
            Ok(None) => store.draft_save(&key, &body),
            Err(e) => Err(e),
        };
        match kept {
            Ok(()) => match std::fs::remove_file(&path) {
                Ok(()) => moved += 1,
                Err(e) => {
                    tracing::warn!(file = %path.display(), "draft moved, file not removed: {e}")
                }
            },
            // A file the store refuses (too large, not JSON) would never load either.
            Err(e @ StoreError::Domain(_)) => {
                tracing::warn!(file = %path.display(), "draft file dropped: {e}");
                let _ = std::fs::remove_file(&path);
            }
            Err(e) => tracing::warn!(file = %path.display(), "draft not moved: {e}"),
        }
    }
    let _ = std::fs::remove_dir(data_dir.join("drafts"));
    tracing::info!(moved, "drafts moved from files into the station file");
}
