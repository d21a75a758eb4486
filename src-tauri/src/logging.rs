//! Logs go to `casedesk.<date>.log` in the app log folder (Linux:
//! `~/.local/share/cn.casedesk.desk/logs/`), one file a day, the last 14 kept. `RUST_LOG`
//! overrides the level (default `info`). Debug builds also log to stderr.

use std::path::Path;
use std::sync::OnceLock;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Keeps the log writer's thread alive (and flushing) for the life of the process.
static GUARD: OnceLock<WorkerGuard> = OnceLock::new();

pub fn init(dir: &Path) {
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("casedesk: no log folder {}: {e}", dir.display());
        return;
    }
    let appender = match Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix("casedesk")
        .filename_suffix("log")
        .max_log_files(14)
        .build(dir)
    {
        Ok(a) => a,
        Err(e) => {
            eprintln!("casedesk: no log file in {}: {e}", dir.display());
            return;
        }
    };
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let file = tracing_subscriber::fmt::layer().with_writer(writer).with_ansi(false);
    let stderr = cfg!(debug_assertions)
        .then(|| tracing_subscriber::fmt::layer().with_writer(std::io::stderr));
    if tracing_subscriber::registry().with(filter).with(file).with(stderr).try_init().is_ok() {
        let _ = GUARD.set(guard);
    }
}
