//! The background sync thread of the desktop app: an explicit loop over `Schedule::decide`,
//! with its own database connection, woken early by a nudge (a local write) or "sync now".
//! No local write ever waits for it.

use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use rand::Rng;

use casedesk_store::{DbKey, Store};

use crate::schedule::{Action, MAX_BACKOFF_MS, Schedule};
use crate::{HubEndpoint, SyncError, SyncStatus, Transport, enrolled_endpoint, sync_with};

/// Opens a transport to a hub (`http::connect` in the app; a fake in tests).
pub type Connector =
    Box<dyn Fn(&HubEndpoint, &str) -> Result<Box<dyn Transport>, SyncError> + Send>;

pub enum Command {
    /// Something was written locally: sync soon.
    Nudge,
    /// A person pressed "sync now": ignore the backoff once.
    SyncNow,
    Stop,
}

pub struct SyncWorker {
    tx: mpsc::Sender<Command>,
    handle: Option<JoinHandle<()>>,
}

impl SyncWorker {
    /// Starts the worker on `db`, reaching the hub through `connect`. `on_change` receives the
    /// sync status after every attempt or probe (the desktop forwards it to the UI).
    pub fn spawn(
        db: PathBuf,
        key: Option<DbKey>,
        connect: Connector,
        on_change: impl Fn(&SyncStatus) + Send + 'static,
    ) -> SyncWorker {
        let (tx, rx) = mpsc::channel();
        let handle = std::thread::Builder::new()
            .name("casedesk-sync".into())
            .spawn(move || run(db, key, connect, rx, on_change))
            .ok();
        SyncWorker { tx, handle }
    }

    pub fn nudge(&self) {
        let _ = self.tx.send(Command::Nudge);
    }

    pub fn sync_now(&self) {
        let _ = self.tx.send(Command::SyncNow);
    }

    pub fn stop(mut self) {
        let _ = self.tx.send(Command::Stop);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn run(
    db: PathBuf,
    key: Option<DbKey>,
    connect: Connector,
    rx: mpsc::Receiver<Command>,
    on_change: impl Fn(&SyncStatus),
) {
    let mut schedule = Schedule::default();
    let mut nudged = false;
    let mut rng = rand::rng();
    let mut store: Option<Store> = None;
    loop {
        if store.is_none() {
            store = match &key {
                Some(k) => Store::open_encrypted(&db, k, None).ok(),
                None => Store::open(&db).ok(),
            };
        }
        let mut action = Action::Wait(Duration::from_secs(5));
        if let Some(s) = store.as_mut()
            && let Ok(Some((ep, token))) = enrolled_endpoint(s)
        {
            let now = s.now().timestamp_millis();
            let waiting = crate::sync_status(s).map(|st| st.waiting).unwrap_or(0);
            action = schedule.decide(now, waiting, nudged);
            match action {
                Action::Attempt => {
                    nudged = false;
                    let result = sync_with(s, &*connect);
                    let now = s.now().timestamp_millis();
                    match result {
                        Ok(_) => schedule.on_success(now),
                        Err(e) if e.is_permanent() => {
                            schedule.on_failure(now, 1.0);
                            schedule.next_attempt_ms = now + MAX_BACKOFF_MS;
                        }
                        Err(_) => schedule.on_failure(now, rng.random::<f64>()),
                    }
                }
                Action::Probe => {
                    let ok = connect(&ep, &token).and_then(|mut t| t.health()).is_ok();
                    schedule.on_probe(s.now().timestamp_millis(), ok);
                }
                Action::Wait(_) => {}
            }
            if !matches!(action, Action::Wait(_))
                && let Ok(st) = crate::sync_status(s)
            {
                on_change(&st);
            }
        }
        let wait = match action {
            Action::Wait(d) => d,
            _ => Duration::ZERO,
        };
        match rx.recv_timeout(wait) {
            Ok(Command::Nudge) => nudged = true,
            Ok(Command::SyncNow) => {
                nudged = true;
                schedule.next_attempt_ms = 0;
                schedule.failures = schedule.failures.min(1);
            }
            Ok(Command::Stop) | Err(RecvTimeoutError::Disconnected) => return,
            Err(RecvTimeoutError::Timeout) => {}
        }
    }
}
