//! The prefecture association's sync hub.
//!
//! Stations push their devices' hash-chained event logs here and pull the events of the cases
//! they may see. The wire format is `casedesk_proto::sync`; this crate is its server side.
//!
//! Code map:
//! - `api`: the axum router: protocol header check, bearer-token auth, body limit, timeouts,
//!   request logs, `ErrorBody` for every error, and the five endpoints.
//! - `rules`: what the hub decides without looking at storage: batch checks (ownership, hashes,
//!   chain), which events are accepted (content, limits, clock, unit, and the stream rules:
//!   who may write which case or organisation stream) and why the others are quarantined,
//!   which units an event addresses, and which device code a device gets.
//! - `store`: the `HubStore` trait (units, enrollment codes, devices and tokens, status, push
//!   with the stream registry, pull with checkpoints, quarantine) and `SqliteStore`, its SQLite
//!   implementation.
//! - `blobs`: the files events name, content-addressed outside the database (chunked,
//!   resumable uploads checked against their hash; ranged downloads).
//! - `body`: push bodies decoded within bounds (decoded size, zstd window).
//! - `throttle`: enrollment attempts per client address, pushes in progress.
//! - `units`: reading the unit hierarchy from CSV or JSON.
//! - `tls`: the self-signed certificate, its fingerprint, and the rustls server config (ring).
//! - `server`: binding, TLS or plain HTTP, graceful shutdown.
//! - `secret`: tokens and enrollment secrets (random, stored only as SHA-256).
//!
//! Invariants:
//! - A push is one storage transaction: either every event of the batch is stored (or found
//!   already stored) and the receipt is recorded, or nothing is.
//! - The hub never stores a token or an enrollment secret, only their SHA-256.
//! - What a device may pull is computed here from the unit hierarchy and the accepted events,
//!   never taken from the client; what a device may write, from the stream registry.
//! - Every input from a device is hostile until checked; one bad event is quarantined (stored,
//!   acknowledged with its reason, in no feed), never a failed batch.
//! - Logs carry method, path, status, latency and device id; never payloads or personal data.

pub mod api;
pub mod bench;
pub mod blobs;
pub mod body;
pub mod bundle;
pub mod codes;
pub mod console;
pub mod error;
pub mod rules;
pub mod secret;
pub mod server;
pub mod store;
pub mod throttle;
pub mod tls;
pub mod units;

pub use error::{HubError, Result};
pub use store::HubStore;
pub use store::any::AnyStore;
pub use store::postgres::PgStore;
pub use store::sqlite::SqliteStore;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    let since =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}
