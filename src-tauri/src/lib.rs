//! CaseDesk desktop shell: Tauri v2 around casedesk-domain, -store and -sync. The only crate that knows Tauri.
//!
//! - `commands`: one async adapter per command of `ui/IPC.md` (core work on blocking threads);
//!   `ipc`, the Tauri commands around them, is generated from casedesk-ipc's command list.
//! - `state`: `AppState` (database path, the store behind a mutex, the sync worker, settings).
//! - `files`: drafts and `settings.json`, written atomically.
//! - `platform`: WebKitGTK environment set before GTK starts.
//! - `logging`: a daily rolling log file in the app log folder.
//!
//! Start-up: the window is created hidden (tauri.conf.json); `setup` opens the database on a
//! worker thread and starts the sync worker if the station exists; the UI calls `app_ready`
//! after its first render and the window is shown then (or after `SHOW_FALLBACK` anyway).

pub mod commands;
pub mod files;
pub mod logging;
pub mod platform;
pub mod state;

use std::sync::Arc;
use std::time::Duration;

use casedesk_ipc::events;
use tauri::{Emitter, Manager, Runtime};

use crate::state::{AppState, Paths, UiEvent};

/// The window is shown after this long even if the UI never calls `app_ready`.
pub const SHOW_FALLBACK: Duration = Duration::from_secs(5);

/// The label of the main window (tauri.conf.json).
pub const MAIN_WINDOW: &str = "main";

/// From the command list of casedesk-ipc (`with_commands!`, one `name(arg: Type, ...) -> Result;`
/// per command): the module `ipc` with one `#[tauri::command]` per command, taking exactly the
/// declared arguments under the declared names (the keys the UI sends) and answering the declared
/// result, each calling the adapter of the same name in `commands`; and `handlers`, the handler
/// list of all of them. A command the list declares and `commands` lacks, or an adapter whose
/// arguments or result differ from the declaration, does not compile.
macro_rules! tauri_commands {
    ($($name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        /// The Tauri commands of the IPC contract (generated; see `tauri_commands!`).
        pub mod ipc {
            $(
                #[tauri::command(rename_all = "snake_case")]
                pub async fn $name(
                    state: $crate::commands::St<'_>,
                    $($arg: $ty),*
                ) -> $crate::commands::Res<$ret> {
                    $crate::commands::$name(state, $($arg),*).await
                }
            )*
        }

        /// The invoke handler of every command of the contract.
        fn handlers<R: Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$(ipc::$name),*]
        }
    };
}

casedesk_ipc::with_commands!(tauri_commands);

/// How the app is put together; `run` uses the defaults, tests pass their own paths.
pub struct Options {
    /// None: from `CASEDESK_DB` or the app data folder.
    pub paths: Option<Paths>,
    /// Log to a rolling file in the app log folder.
    pub log_to_file: bool,
}

/// Registers the commands, the state and the start-up work on `builder`.
pub fn configure<R: Runtime>(builder: tauri::Builder<R>, opts: Options) -> tauri::Builder<R> {
    // With known paths the state exists before the app does (tests drive commands without
    // running the event loop, so without `setup`); otherwise `setup` makes it.
    let early = opts.paths.map(|p| {
        let st = AppState::new(p);
        st.open_store();
        st
    });
    let builder = match &early {
        Some(st) => builder.manage(st.clone()),
        None => builder,
    };
    let log_to_file = opts.log_to_file;
    builder.plugin(tauri_plugin_dialog::init()).invoke_handler(handlers()).setup(move |app| {
        if log_to_file && let Ok(dir) = app.path().app_log_dir() {
            logging::init(&dir);
        }
        let state = match early {
            Some(st) => st,
            None => {
                let paths = Paths::resolve(|| app.path().app_data_dir().ok())?;
                let st = AppState::new(paths);
                app.manage(st.clone());
                st.open_store();
                st
            }
        };
        tracing::info!(
            version = env!("CARGO_PKG_VERSION"),
            db = %state.paths.db.display(),
            "CaseDesk starting"
        );
        let handle = app.handle().clone();
        state.set_notify(move |ev| {
            let sent = match ev {
                UiEvent::DbChanged(p) => handle.emit(events::DB_CHANGED, p),
                UiEvent::Sync(s) => handle.emit(events::SYNC_STATUS, *s),
            };
            if let Err(e) = sent {
                tracing::warn!("cannot emit an event: {e}");
            }
        });
        let handle = app.handle().clone();
        state.set_pick(move |title, start, extensions| {
            use tauri_plugin_dialog::DialogExt;
            let mut d = handle.dialog().file().set_title(title).set_directory(start);
            if let Some(w) = handle.get_webview_window(MAIN_WINDOW) {
                d = d.set_parent(&w);
            }
            let chosen = if extensions.is_empty() {
                d.blocking_pick_folder()
            } else {
                let exts: Vec<&str> = extensions.iter().map(String::as_str).collect();
                d.add_filter(title, &exts).blocking_pick_file()
            };
            chosen.and_then(|p| p.into_path().ok())
        });
        let handle = app.handle().clone();
        state.set_show(move |_why| {
            if let Some(w) = handle.get_webview_window(MAIN_WINDOW) {
                let _ = w.show();
                let _ = w.set_focus();
            }
        });
        let weak = Arc::downgrade(&state);
        std::thread::Builder::new().name("casedesk-show".into()).spawn(move || {
            std::thread::sleep(SHOW_FALLBACK);
            if let Some(st) = weak.upgrade() {
                st.show_window("fallback timer");
            }
        })?;
        Ok(())
    })
}

/// Focuses the running window when a second copy is started.
fn focus_main<R: Runtime>(app: &tauri::AppHandle<R>) {
    if let Some(w) = app.get_webview_window(MAIN_WINDOW) {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
}

/// The desktop app.
pub fn run() {
    let builder = tauri::Builder::default()
        // First, so a second copy hands over before doing anything else.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| focus_main(app)));
    let app = configure(builder, Options { paths: None, log_to_file: true })
        .build(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("casedesk: cannot start: {e}");
            std::process::exit(1);
        });
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event
            && let Some(st) = handle.try_state::<Arc<AppState>>()
        {
            st.stop_sync();
            tracing::info!("CaseDesk stopped");
        }
    });
}
