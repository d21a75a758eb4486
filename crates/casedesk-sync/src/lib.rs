//! Store-and-forward sync with the prefecture hub.
//!
//! The engine (`sync_once`) is free of I/O: it talks to the hub through the `Transport` trait
//! and to the station database through `Store`. `http` is the real transport (ureq, zstd,
//! certificate pinning); `schedule` decides when to try (pure, tested with a simulated clock);
//! `worker` runs the schedule on a thread for the desktop app.
//!
//! One round: ask the hub how far it has this device's events (`status`), push the rest in
//! contiguous batches (never trusting local acknowledgements), then pull the unit's feed until
//! it is drained, applying each page and advancing the cursor in one transaction. Every step
//! is idempotent, so a round cut at any point is simply repeated.

#[cfg(feature = "http")]
pub mod http;
pub mod schedule;
pub mod worker;

use casedesk_proto::sync::{
    DeviceStatus, ErrorBody, MAX_PULL_LIMIT, PullPage, PushBatch, PushReceipt, codes,
};
use serde::Serialize;

use casedesk_domain::Lang;
use casedesk_store::{HubQuarantined, Store, StoreError};

/// Keys of the `sync_state` table.
pub mod keys {
    pub const HUB: &str = "hub";
    pub const TOKEN: &str = "token";
    pub const FINGERPRINT: &str = "fingerprint";
    pub const HUB_UNIT_NAME: &str = "hub_unit_name";
    pub const CURSOR: &str = "cursor";
    pub const ACKED: &str = "acked_seq";
    pub const LAST_ATTEMPT: &str = "last_attempt_ms";
    pub const LAST_SUCCESS: &str = "last_success_ms";
    pub const LAST_ERROR_CODE: &str = "last_error_code";
    pub const LAST_ERROR: &str = "last_error";
    pub const FAILURES: &str = "failures";
    pub const CLOCK_OFFSET: &str = "clock_offset_ms";
    pub const BATCH_BYTES: &str = "batch_bytes";
}

/// Why a sync attempt failed.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// No answer: unreachable, refused, timed out, cut in the middle. Retried with backoff.
    #[error("network: {0}")]
    Network(String),
    /// The hub answered with an error.
    #[error("hub answered {status}: {} ({})", .body.message, .body.code)]
    Hub { status: u16, body: ErrorBody },
    /// The hub's answer made no sense (not JSON, wrong device).
    #[error("protocol: {0}")]
    Protocol(String),
    #[error("this station is not enrolled with a hub")]
    NotEnrolled,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SyncError {
    /// A stable code for the UI and the log: the hub's `ErrorBody` code, or one of the
    /// client's own (`network`, `protocol`, `not_enrolled`), or the store's message code.
    pub fn code(&self) -> String {
        match self {
            SyncError::Network(_) => client::NETWORK.into(),
            SyncError::Hub { body, .. } => body.code.clone(),
            SyncError::Protocol(_) => client::PROTOCOL.into(),
            SyncError::NotEnrolled => client::NOT_ENROLLED.into(),
            SyncError::Store(e) => e.code().into(),
        }
    }

    /// Errors that retrying cannot fix: a person must act (re-enroll, upgrade, unfreeze).
    pub fn is_permanent(&self) -> bool {
        match self {
            SyncError::Hub { body, .. } => matches!(
                body.code.as_str(),
                codes::UNAUTHORIZED
                    | codes::TOKEN_REVOKED
                    | codes::DEVICE_FORKED
                    | codes::DEVICE_FROZEN
                    | codes::PROTOCOL_VERSION
                    | codes::FORBIDDEN
            ),
            SyncError::NotEnrolled => true,
            _ => false,
        }
    }

    /// The message code that explains this error to a clerk (`casedesk_domain::messages`),
    /// and its argument.
    pub fn message_code(&self) -> (&'static str, String) {
        let code = self.code();
        let known = match code.as_str() {
            client::NETWORK => "sync.network",
            codes::UNAUTHORIZED | codes::TOKEN_REVOKED => "sync.unauthorized",
            codes::DEVICE_FORKED | codes::DEVICE_FROZEN => "sync.device_forked",
            codes::PROTOCOL_VERSION => "sync.protocol_version",
            client::NOT_ENROLLED => "sync.not_enrolled",
            codes::TOO_LARGE => "sync.too_large",
            codes::ENROLL_CODE_INVALID => "sync.enroll_code_invalid",
            client::ENROLL_UNIT_MISMATCH => {
                let arg = match self {
                    SyncError::Hub { body, .. } => body.message.clone(),
                    _ => String::new(),
                };
                return ("sync.enroll_unit_mismatch", arg);
            }
            _ => return ("sync.failed", self.to_string()),
        };
        (known, String::new())
    }

    /// A plain-words explanation for the clerk, in `lang`.
    pub fn plain(&self, lang: Lang) -> String {
        let (code, arg) = self.message_code();
        casedesk_domain::messages::text(code, lang, &arg)
    }
}

/// Codes of the client's own sync errors (the hub's are `casedesk_proto::sync::codes`).
pub mod client {
    /// No answer from the hub.
    pub const NETWORK: &str = "network";
    /// The hub's answer made no sense.
    pub const PROTOCOL: &str = "protocol";
    pub const NOT_ENROLLED: &str = "not_enrolled";
    /// The enrollment code is for another unit.
    pub const ENROLL_UNIT_MISMATCH: &str = "enroll_unit_mismatch";
}

/// Where the hub is and how to trust it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HubEndpoint {
    /// Base URL, `https://host:port` (or `http://` for a hub started with --plain-http).
    pub url: String,
    /// SHA-256 of the hub certificate (hex). Required for https.
    pub fingerprint: Option<String>,
}

/// The hub, as the engine sees it.
pub trait Transport {
    /// Does the hub answer at all (a cheap probe while it is unreachable)?
    fn health(&mut self) -> Result<(), SyncError>;
    fn status(&mut self) -> Result<DeviceStatus, SyncError>;
    fn push(&mut self, batch: &PushBatch) -> Result<PushReceipt, SyncError>;
    fn pull(&mut self, after: u64, limit: u32) -> Result<PullPage, SyncError>;
}

/// What one round did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub pushed: u64,
    pub push_duplicates: u64,
    pub quarantined: u64,
    pub batches: u64,
    pub pulled: u64,
    pub applied: u64,
    /// The hub held fewer of our events than it once acknowledged (it was restored from an
    /// older backup); we sent them again.
    pub hub_regressed: bool,
}

/// Smallest and largest push batch, in bytes of JSON before compression.
pub const MIN_BATCH_BYTES: usize = 8 * 1024;
pub const MAX_BATCH_BYTES: usize = 1024 * 1024;
const MAX_BATCH_EVENTS: usize = 2000;

/// One full round: push everything, then pull everything. Records the outcome (last contact,
/// last error, clock offset, adaptive batch size) in the sync state either way.
pub fn sync_once(store: &mut Store, t: &mut dyn Transport) -> Result<SyncReport, SyncError> {
    let now = store.now().timestamp_millis();
    store.sync_set(&[(keys::LAST_ATTEMPT, Some(now.to_string()))])?;
    let result = round(store, t);
    let failures: u32 = store.sync_get(keys::FAILURES)?.and_then(|v| v.parse().ok()).unwrap_or(0);
    match &result {
        Ok(_) => store.sync_set(&[
            (keys::LAST_SUCCESS, Some(store.now().timestamp_millis().to_string())),
            (keys::LAST_ERROR_CODE, None),
            (keys::LAST_ERROR, None),
            (keys::FAILURES, Some("0".into())),
        ])?,
        Err(e) => store.sync_set(&[
            (keys::LAST_ERROR_CODE, Some(e.code())),
            (keys::LAST_ERROR, Some(e.to_string())),
            (keys::FAILURES, Some((failures + 1).to_string())),
        ])?,
    }
    result
}

fn round(store: &mut Store, t: &mut dyn Transport) -> Result<SyncReport, SyncError> {
    let device = store.require_station()?.device;
    let mut report = SyncReport::default();
    let status = t.status()?;
    if status.device != device {
        return Err(SyncError::Protocol(format!("hub answered for device {}", status.device)));
    }
    let offset = status.hub_time_ms - store.now().timestamp_millis();
    let known_acked: u64 = store.sync_get(keys::ACKED)?.and_then(|v| v.parse().ok()).unwrap_or(0);
    report.hub_regressed = status.acked_seq < known_acked;
    let (head, _) = store.device_head()?;
    if status.acked_seq > head {
        // The hub holds more of this device's events than the database does: the database was
        // restored from an older copy. Writing on would fork the chain.
        return Err(SyncError::Hub {
            status: 409,
            body: ErrorBody {
                code: codes::DEVICE_FORKED.into(),
                message: format!(
                    "hub has seq {} but this database ends at {head}",
                    status.acked_seq
                ),
            },
        });
    }
    let mut pairs = vec![
        (keys::CLOCK_OFFSET, Some(offset.to_string())),
        (keys::ACKED, Some(status.acked_seq.to_string())),
    ];
    if report.hub_regressed {
        // The hub lost events it had acknowledged: it was restored from an older backup, and
        // its feed positions after that point are being handed out again. Pull from the start.
        pairs.push((keys::CURSOR, Some("0".into())));
    }
    store.sync_set(&pairs)?;

    // Push.
    let mut acked = status.acked_seq;
    let mut batch_bytes: usize = store
        .sync_get(keys::BATCH_BYTES)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(64 * 1024)
        .clamp(MIN_BATCH_BYTES, MAX_BATCH_BYTES);
    loop {
        let events = store.own_events_after(acked, batch_bytes, MAX_BATCH_EVENTS)?;
        if events.is_empty() {
            break;
        }
        match t.push(&PushBatch { device, events }) {
            Ok(receipt) => {
                if receipt.acked_seq <= acked {
                    return Err(SyncError::Protocol(format!(
                        "receipt did not advance past {acked}"
                    )));
                }
                acked = receipt.acked_seq;
                report.batches += 1;
                report.pushed += u64::from(receipt.stored);
                report.push_duplicates += u64::from(receipt.duplicates);
                report.quarantined += receipt.quarantined.len() as u64;
                batch_bytes = (batch_bytes * 2).min(MAX_BATCH_BYTES);
                record_receipt(store, &receipt, batch_bytes)?;
            }
            Err(SyncError::Hub { body, .. }) if body.code == codes::GAP => {
                acked = t.status()?.acked_seq;
            }
            Err(e @ (SyncError::Network(_) | SyncError::Hub { .. })) if shrinkable(&e) => {
                // A slow or lossy link: send less at a time from now on.
                let smaller = (batch_bytes / 4).max(MIN_BATCH_BYTES);
                store.sync_set(&[(keys::BATCH_BYTES, Some(smaller.to_string()))])?;
                return Err(e);
            }
            Err(e) => return Err(e),
        }
    }

    // Pull.
    let mut cursor: u64 = store.sync_get(keys::CURSOR)?.and_then(|v| v.parse().ok()).unwrap_or(0);
    loop {
        let page = t.pull(cursor, MAX_PULL_LIMIT / 4)?;
        if page.next < cursor {
            // The hub's feed ends before our cursor: it was restored from an older backup.
            // Start over from the beginning; events we already hold are skipped.
            report.hub_regressed = true;
            store.sync_set(&[(keys::CURSOR, Some("0".into()))])?;
            cursor = 0;
            continue;
        }
        report.pulled += page.events.len() as u64;
        let next = page.next;
        let applied =
            store.apply_remote_and_set(&page.events, &[(keys::CURSOR, Some(next.to_string()))])?;
        report.applied += applied.inserted as u64;
        cursor = next;
        if !page.more || page.events.is_empty() {
            break;
        }
    }
    Ok(report)
}

fn shrinkable(e: &SyncError) -> bool {
    match e {
        SyncError::Network(_) => true,
        SyncError::Hub { status, body } => {
            *status == 413 || *status == 408 || body.code == codes::TOO_LARGE
        }
        _ => false,
    }
}

fn record_receipt(
    store: &mut Store,
    r: &PushReceipt,
    batch_bytes: usize,
) -> Result<(), StoreError> {
    let quarantined: Vec<HubQuarantined> = r
        .quarantined
        .iter()
        .map(|q| HubQuarantined { id: q.id, seq: q.seq, reason: q.reason.clone() })
        .collect();
    store.record_hub_receipt(
        &[
            (keys::ACKED, Some(r.acked_seq.to_string())),
            (keys::BATCH_BYTES, Some(batch_bytes.to_string())),
        ],
        &quarantined,
    )
}

/// What the UI shows about sync.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SyncStatus {
    pub enrolled: bool,
    pub hub: Option<String>,
    /// Events of this device the hub has not acknowledged yet.
    pub waiting: u64,
    pub last_attempt_ms: Option<i64>,
    pub last_success_ms: Option<i64>,
    pub last_error_code: Option<String>,
    pub last_error: Option<String>,
    /// Events the hub quarantined (stored but not applied).
    pub hub_quarantined: u64,
    /// Hub clock minus this device's clock, from the last contact.
    pub clock_offset_ms: Option<i64>,
}

/// The sync state of `store`, for the UI and `casedesk sync --status`.
pub fn sync_status(store: &Store) -> Result<SyncStatus, StoreError> {
    let num = |k: &str| -> Result<Option<i64>, StoreError> {
        Ok(store.sync_get(k)?.and_then(|v| v.parse().ok()))
    };
    let hub = store.sync_get(keys::HUB)?;
    let acked = num(keys::ACKED)?.unwrap_or(0) as u64;
    let head = if store.station().is_some() { store.device_head()?.0 } else { 0 };
    Ok(SyncStatus {
        enrolled: hub.is_some() && store.sync_get(keys::TOKEN)?.is_some(),
        hub,
        waiting: head.saturating_sub(acked),
        last_attempt_ms: num(keys::LAST_ATTEMPT)?,
        last_success_ms: num(keys::LAST_SUCCESS)?,
        last_error_code: store.sync_get(keys::LAST_ERROR_CODE)?,
        last_error: store.sync_get(keys::LAST_ERROR)?,
        hub_quarantined: store.hub_quarantine_count()?,
        clock_offset_ms: num(keys::CLOCK_OFFSET)?,
    })
}

/// The hub this station is enrolled with, and its device token.
pub fn enrolled_endpoint(store: &Store) -> Result<Option<(HubEndpoint, String)>, StoreError> {
    let (Some(url), Some(token)) = (store.sync_get(keys::HUB)?, store.sync_get(keys::TOKEN)?)
    else {
        return Ok(None);
    };
    let fingerprint = store.sync_get(keys::FINGERPRINT)?;
    Ok(Some((HubEndpoint { url, fingerprint }, token)))
}

/// Test hook for fault injection: when the environment variable `CASEDESK_FAILPOINT` names
/// this point, the process aborts here (as if killed). Only with the `failpoints` feature,
/// which only the workspace's end-to-end tests turn on.
#[cfg(feature = "failpoints")]
pub(crate) fn failpoint(name: &str) {
    if std::env::var("CASEDESK_FAILPOINT").is_ok_and(|v| v == name) {
        std::process::abort();
    }
}

#[cfg(not(feature = "failpoints"))]
#[cfg_attr(not(feature = "http"), allow(dead_code))]
#[inline(always)]
pub(crate) fn failpoint(_name: &str) {}

#[cfg(test)]
mod tests;

#[cfg(feature = "http")]
/// Enrolls this station's device with the hub named in an enrollment code, and keeps the
/// hub address, pinned certificate fingerprint and device token in the sync state. `hub_url`
/// overrides the address in the code (when the station reaches the hub by another address).
pub fn enroll(
    store: &mut Store,
    code_text: &str,
    hub_url: Option<&str>,
    device_name: &str,
) -> Result<casedesk_proto::sync::EnrollResponse, SyncError> {
    let station = store.require_station()?.clone();
    let code =
        casedesk_proto::sync::EnrollCode::decode(code_text).ok_or_else(|| SyncError::Hub {
            status: 400,
            body: ErrorBody {
                code: codes::ENROLL_CODE_INVALID.into(),
                message: "the enrollment code cannot be read".into(),
            },
        })?;
    if code.unit != station.unit {
        return Err(SyncError::Hub {
            status: 400,
            body: ErrorBody {
                code: client::ENROLL_UNIT_MISMATCH.into(),
                message: format!(
                    "the code is for unit {}, this station is {}",
                    code.unit, station.unit
                ),
            },
        });
    }
    let url = hub_url.map_or(code.hub.clone(), str::to_owned);
    let endpoint = HubEndpoint { url: url.clone(), fingerprint: code.fingerprint.clone() };
    let resp = http::enroll(
        &endpoint,
        &casedesk_proto::sync::EnrollRequest {
            secret: code.secret,
            device: station.device,
            unit: station.unit,
            device_name: device_name.to_owned(),
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            device_code: station.device_code.clone(),
        },
    )?;
    let same_hub = store.sync_get(keys::HUB)?.as_deref() == Some(url.as_str());
    let mut pairs = vec![
        (keys::HUB, Some(url)),
        (keys::TOKEN, Some(resp.token.clone())),
        (keys::FINGERPRINT, code.fingerprint),
        (keys::HUB_UNIT_NAME, Some(resp.unit_name.clone())),
        (keys::LAST_ERROR_CODE, None),
        (keys::LAST_ERROR, None),
        (keys::FAILURES, Some("0".into())),
    ];
    if !same_hub {
        pairs.push((keys::CURSOR, None));
        pairs.push((keys::ACKED, None));
    }
    store.sync_set(&pairs)?;
    Ok(resp)
}

/// One round with the hub this station is enrolled with.
#[cfg(feature = "http")]
pub fn sync_with_hub(store: &mut Store) -> Result<SyncReport, SyncError> {
    let (endpoint, token) = enrolled_endpoint(store)?.ok_or(SyncError::NotEnrolled)?;
    let mut t = http::HttpTransport::new(&endpoint, &token)?;
    sync_once(store, &mut t)
}
