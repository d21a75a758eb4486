//! Running the hub: open the store, bind, serve over TLS (axum-server with rustls) or, only when
//! asked, plain HTTP, and stop gracefully on SIGTERM or Ctrl-C.
//!
//! Standard output gets the lines scripts and tests read: `tls certificate ...`, `fingerprint
//! (SHA-256) HEX` and, once the socket is bound, `listening on ADDR`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum_server::Handle;
use axum_server::tls_rustls::RustlsConfig;

use crate::api::{HubConfig, router};
use crate::error::{HubError, Result};
use crate::store::any::{AnyStore, Backend};
use crate::tls::{self, TlsFiles};

/// How long open connections may finish after a shutdown signal.
const GRACE: Duration = Duration::from_secs(10);

#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// A SQLite file path or a `postgres://` URL.
    pub db: String,
    /// Where the hub keeps its files (certificate, keys); beside a SQLite file when `None`.
    pub state_dir: Option<PathBuf>,
    pub listen: String,
    pub plain_http: bool,
    /// Certificate and key to use instead of the self-signed pair beside the database.
    pub cert: Option<(PathBuf, PathBuf)>,
    /// Names for a generated certificate (`tls::DEFAULT_TLS_NAMES` when empty).
    pub tls_names: Vec<String>,
    pub request_timeout: Duration,
}

/// Serves until SIGTERM or Ctrl-C.
pub async fn serve(opts: ServeOptions) -> Result<()> {
    let base = files_base(&opts.db, opts.state_dir.as_deref())?;
    let store = AnyStore::open(&opts.db).await?;
    tracing::info!(backend = store.backend().name(), "hub database open");
    let app = router(Arc::new(store), HubConfig::from_env(opts.request_timeout));
    let listener = std::net::TcpListener::bind(&opts.listen)
        .map_err(|e| HubError::Invalid(format!("cannot listen on {}: {e}", opts.listen)))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;

    if opts.plain_http {
        tracing::warn!("serving plain HTTP: tokens and case data cross the network unencrypted");
        let listener = tokio::net::TcpListener::from_std(listener)?;
        announce(addr);
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown_signal())
            .await?;
        tracing::info!("stopped");
        return Ok(());
    }

    let files = match &opts.cert {
        Some((cert, key)) => TlsFiles { cert: cert.clone(), key: key.clone() },
        None => {
            let files = TlsFiles::beside(&base);
            if tls::ensure_self_signed(&files, &opts.tls_names)? {
                println!("tls certificate generated: {}", files.cert.display());
            }
            files
        }
    };
    let config = tls::server_config(&files)?;
    println!("tls certificate: {}", files.cert.display());
    println!("fingerprint (SHA-256) {}", tls::fingerprint_of_file(&files.cert)?);

    let handle: Handle<SocketAddr> = Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        stopper.graceful_shutdown(Some(GRACE));
    });
    let server = axum_server::from_tcp_rustls(listener, RustlsConfig::from_config(config))?;
    announce(addr);
    server.handle(handle).serve(app.into_make_service_with_connect_info::<SocketAddr>()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// The path the hub's own files are named after (`<base>.crt`, `<base>.key`, ...): the SQLite
/// file itself, or `hub` in `state_dir`, which a PostgreSQL hub needs (several hub processes
/// on one database share these files).
pub fn files_base(db: &str, state_dir: Option<&Path>) -> Result<PathBuf> {
    match (state_dir, Backend::of(db)) {
        (Some(dir), _) => {
            std::fs::create_dir_all(dir)?;
            Ok(dir.join("hub"))
        }
        (None, Backend::Sqlite) => Ok(PathBuf::from(db)),
        (None, Backend::Postgres) => Err(HubError::Invalid(
            "a hub on PostgreSQL keeps its certificate and keys in a folder: give --state-dir DIR"
                .into(),
        )),
    }
}

fn announce(addr: SocketAddr) {
    println!("listening on {addr}");
    tracing::info!(%addr, "listening");
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutdown signal received");
}
