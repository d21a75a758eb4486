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

use futures_util::FutureExt;

use crate::api::{HubConfig, router};
use crate::console::{self, ConsoleOptions};
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
    /// Where the files events name are kept; `<base>.blobs` (`files_base`) when `None`.
    pub blobs: Option<PathBuf>,
    pub listen: String,
    pub plain_http: bool,
    /// Certificate and key to use instead of the self-signed pair beside the database.
    pub cert: Option<(PathBuf, PathBuf)>,
    /// Names for a generated certificate (`tls::DEFAULT_TLS_NAMES` when empty).
    pub tls_names: Vec<String>,
    pub request_timeout: Duration,
    /// Where the administrator's console listens (`None`: no console).
    pub console: Option<String>,
    /// The device API's URL as stations reach it, for the console's enrollment codes
    /// [default: the scheme and the address the API is bound to].
    pub hub_url: Option<String>,
    /// Days without contact after which the console flags a station.
    pub silent_days: u32,
}

/// Serves until SIGTERM or Ctrl-C.
pub async fn serve(opts: ServeOptions) -> Result<()> {
    let base = files_base(&opts.db, opts.state_dir.as_deref())?;
    let store = Arc::new(AnyStore::open(&opts.db).await?);
    tracing::info!(backend = store.backend().name(), "hub database open");
    let blob_dir = opts.blobs.clone().unwrap_or_else(|| crate::blobs::BlobDir::beside(&base));
    let blobs = crate::blobs::BlobDir::open(&blob_dir).map_err(|e| {
        HubError::Invalid(format!("cannot use the file folder {}: {e}", blob_dir.display()))
    })?;
    tracing::info!(folder = %blob_dir.display(), "files kept");
    let mut config = HubConfig::from_env(opts.request_timeout);
    config.blobs = Some(Arc::new(blobs));
    let app = router(Arc::clone(&store), config);
    let listener = std::net::TcpListener::bind(&opts.listen)
        .map_err(|e| HubError::Invalid(format!("cannot listen on {}: {e}", opts.listen)))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let console_listener = match &opts.console {
        Some(console) => {
            let l = std::net::TcpListener::bind(console).map_err(|e| {
                HubError::Invalid(format!("cannot listen on {console} for the console: {e}"))
            })?;
            l.set_nonblocking(true)?;
            Some(l)
        }
        None => None,
    };

    let tls = if opts.plain_http {
        tracing::warn!("serving plain HTTP: tokens and case data cross the network unencrypted");
        None
    } else {
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
        let fingerprint = tls::fingerprint_of_file(&files.cert)?;
        println!("tls certificate: {}", files.cert.display());
        println!("fingerprint (SHA-256) {fingerprint}");
        Some((config, fingerprint))
    };

    let handle: Handle<SocketAddr> = Handle::new();
    let console_handle: Handle<SocketAddr> = Handle::new();
    let stoppers = [handle.clone(), console_handle.clone()];
    tokio::spawn(async move {
        shutdown_signal().await;
        for stopper in stoppers {
            stopper.graceful_shutdown(Some(GRACE));
        }
    });

    let console = match console_listener {
        None => None,
        Some(l) => {
            let console_addr = l.local_addr()?;
            let scheme = if tls.is_some() { "https" } else { "http" };
            let console_opts = ConsoleOptions {
                silent_days: opts.silent_days,
                hub_url: opts.hub_url.clone().unwrap_or_else(|| format!("{scheme}://{addr}")),
                fingerprint: tls.as_ref().map(|(_, f)| f.clone()),
            };
            let app = console::router(Arc::clone(&store), console_opts)
                .into_make_service_with_connect_info::<SocketAddr>();
            let server = if console_addr.ip().is_loopback() {
                axum_server::from_tcp(l)?.handle(console_handle.clone()).serve(app).boxed()
            } else {
                let Some((config, _)) = &tls else {
                    return Err(HubError::Invalid(format!(
                        "the console serves plain HTTP only on a loopback address, not on \
                         {console_addr}: serve the device API with TLS (no --plain-http), or \
                         give the console a loopback address and reach it through a tunnel"
                    )));
                };
                axum_server::from_tcp_rustls(l, RustlsConfig::from_config(Arc::clone(config)))?
                    .handle(console_handle.clone())
                    .serve(app)
                    .boxed()
            };
            let scheme = if console_addr.ip().is_loopback() { "http" } else { "https" };
            println!("console on {scheme}://{console_addr}");
            tracing::info!(%console_addr, "console listening");
            Some(server)
        }
    };

    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    let api = match &tls {
        None => axum_server::from_tcp(listener)?.handle(handle.clone()).serve(app).boxed(),
        Some((config, _)) => {
            axum_server::from_tcp_rustls(listener, RustlsConfig::from_config(Arc::clone(config)))?
                .handle(handle.clone())
                .serve(app)
                .boxed()
        }
    };
    announce(addr);
    match console {
        None => api.await?,
        Some(console) => {
            let (a, c) = tokio::join!(api, console);
            a?;
            c?;
        }
    }
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
