//! `AppState`: what every command works on. The database is opened on a worker thread at
//! start (migrations can take a moment on an old file); commands that arrive earlier wait for
//! it. Writes go through one `Store` behind a mutex (SQLite allows one writer anyway); queries
//! go through a small pool of read-only connections, so that a slow count or dashboard never
//! holds up the list the clerk is waiting for, nor a write (WAL: readers and the writer do not
//! block each other). The sync worker and the demo-data writer use connections of their own.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, Weak};
use std::time::Duration;

use casedesk_domain::Lang;
use casedesk_ipc::{DbChanged, IpcError, SyncStatus, UiLang};
use casedesk_store::Store;
use casedesk_sync::worker::SyncWorker;
use uuid::Uuid;

use crate::files::{Drafts, FileSettings};

/// The desktop locks itself after this long without a command (`CASEDESK_IDLE_LOCK_SECS`
/// overrides it, for the tests; at least 5 seconds).
pub const IDLE_LOCK_SECS: u64 = 10 * 60;

pub fn idle_lock() -> Duration {
    let secs = std::env::var("CASEDESK_IDLE_LOCK_SECS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map_or(IDLE_LOCK_SECS, |v| v.max(5));
    Duration::from_secs(secs)
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
    /// Drafts and `settings.json`: the OS data folder, or the database's folder when
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
    /// Boxed: a status is large beside a change notice.
    Sync(Box<SyncStatus>),
}

type Notify = Box<dyn Fn(UiEvent) + Send + Sync>;
type Show = Box<dyn Fn(&str) + Send + Sync>;

/// A value that another thread fills in once; readers wait for it.
struct Slot<T> {
    value: Mutex<Option<Result<Arc<T>, String>>>,
    ready: Condvar,
}

impl<T> Slot<T> {
    fn new() -> Slot<T> {
        Slot { value: Mutex::new(None), ready: Condvar::new() }
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
    pub drafts: Drafts,
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
}

impl AppState {
    pub fn new(paths: Paths) -> Arc<AppState> {
        let settings = FileSettings::load(&paths.data_dir);
        Arc::new(AppState {
            drafts: Drafts::new(&paths.data_dir),
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
        })
    }

    /// The signed-in staff member, for a command that acts or shows case data; refused with
    /// `auth.required` when no one is signed in or the desktop locked itself after
    /// `IDLE_LOCK` without a command. Each call counts as activity.
    pub fn actor(&self) -> Result<casedesk_store::Actor, casedesk_store::StoreError> {
        let mut session = lock(&self.session);
        match session.as_mut() {
            Some((actor, last)) if last.elapsed() < idle_lock() => {
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
        let session = lock(&self.session);
        session.as_ref().filter(|(_, last)| last.elapsed() < idle_lock()).map(|(a, _)| *a)
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

    /// Opens the database on a worker thread; starts the sync worker if the station exists.
    pub fn open_store(self: &Arc<Self>) {
        let me = self.clone();
        let spawned = std::thread::Builder::new().name("casedesk-open".into()).spawn(move || {
            let t = std::time::Instant::now();
            let opened = (|| {
                if let Some(dir) = me.paths.db.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)?;
                }
                Store::open(&me.paths.db)
            })();
            match opened {
                Ok(store) => {
                    let has_station = store.station().is_some();
                    tracing::info!(
                        db = %me.paths.db.display(),
                        ms = t.elapsed().as_millis() as u64,
                        has_station,
                        "database open"
                    );
                    // Opened after the writer, which has migrated the file.
                    let readers = (0..READERS)
                        .map_while(|_| match Store::open_reader(&me.paths.db) {
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
                }
                Err(e) => {
                    tracing::error!(db = %me.paths.db.display(), "cannot open the database: {e}");
                    me.store.set(Err(e.message(me.lang())));
                }
            }
        });
        if let Err(e) = spawned {
            self.store.set(Err(e.to_string()));
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
        let worker = SyncWorker::spawn(self.paths.db.clone(), connect, move |st| {
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
