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

pub mod bundle;
pub mod files;
#[cfg(feature = "http")]
pub mod http;
pub mod restore;
pub mod schedule;
pub mod worker;

use casedesk_proto::sync::{
    BlobUploadState, DeviceStatus, ErrorBody, MAX_PULL_LIMIT, PullPage, PushBatch, PushReceipt,
    codes,
};
use serde::Serialize;

use casedesk_domain::Lang;
use casedesk_proto::bundle::BundleError;
use casedesk_store::{HubQuarantined, Source, Store, StoreError};

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
    /// The id of the event at the pull cursor's position (`PullPage::checkpoint`).
    pub const CHECKPOINT: &str = "checkpoint";
    /// The hub's id, from enrollment and every status.
    pub const HUB_ID: &str = "hub_id";
    /// "1" when the station was enrolled with `--allow-plain-http` (development only).
    pub const ALLOW_PLAIN_HTTP: &str = "allow_plain_http";
    /// The seed (hex) of this device's Ed25519 signing key, made at enrollment; its batches are
    /// signed with it. (Kept here for now; encrypted storage of secrets comes later.)
    pub const DEVICE_KEY: &str = "device_key";
    /// The hub's Ed25519 public key (hex): from the enrollment code, or, for a station enrolled
    /// before hubs had keys, from the first status that carries one (over the pinned TLS link).
    pub const HUB_KEY: &str = "hub_key";
    /// The last receipt the hub gave (JSON, with the hub's signature): proof that the hub holds
    /// this device's chain up to its `acked_seq` and `head_hash`.
    pub const RECEIPT: &str = "receipt";
    /// The hub's signature of the pull checkpoint at `CURSOR`.
    pub const CHECKPOINT_SIGNATURE: &str = "checkpoint_signature";
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
    /// The station was restored from a backup and took a new device identity, which needs an
    /// enrollment code for a new device.
    #[error("restored from a backup: enroll the new device identity with a code for a new device")]
    RestoredNeedsEnrollment,
    /// The hub presented another certificate than the one pinned at enrollment.
    #[error("the hub's certificate is not the one pinned at enrollment")]
    PinMismatch,
    /// A plain `http://` hub address without the development flag, or after a certificate was
    /// pinned.
    #[error("plain http is refused: {0}")]
    PlainHttpRefused(String),
    /// One of this station's events is larger than the hub takes (written by an older version,
    /// before the limits were checked on writing): no retry can send it.
    #[error("event seq {seq} is too large for the hub")]
    EventTooLarge { seq: u64 },
    /// This station holds demonstration data: it does not enroll with a real hub.
    #[error("a station with demonstration data cannot enroll")]
    DemoStation,
    /// A receipt or checkpoint does not carry the hub's valid signature (changed on the way, or
    /// not from the hub this station enrolled with): refused, nothing recorded.
    #[error("not signed by the hub: {0}")]
    Unverified(String),
    /// A USB bundle that cannot be taken (not a bundle, for someone else, damaged, wrongly
    /// signed, or not for this station): nothing in it was used.
    #[error("bundle refused: {0}")]
    Bundle(casedesk_proto::bundle::BundleError),
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
            SyncError::RestoredNeedsEnrollment => client::RESTORED_ENROLL.into(),
            SyncError::PinMismatch => client::PIN_MISMATCH.into(),
            SyncError::PlainHttpRefused(_) => client::PLAIN_HTTP_REFUSED.into(),
            SyncError::EventTooLarge { .. } => client::EVENT_TOO_LARGE.into(),
            SyncError::DemoStation => client::DEMO_STATION.into(),
            SyncError::Unverified(_) => client::UNVERIFIED.into(),
            SyncError::Bundle(e) => match e {
                BundleError::NotABundle(_) => client::BUNDLE_NOT_A_BUNDLE,
                BundleError::NotForUs => client::BUNDLE_NOT_FOR_US,
                BundleError::Damaged(_) => client::BUNDLE_DAMAGED,
                BundleError::BadSignature(_) => client::BUNDLE_BAD_SIGNATURE,
                BundleError::Wrong(_) => client::BUNDLE_WRONG,
            }
            .into(),
            SyncError::Store(e) => e.code().into(),
        }
    }

    /// Whether the hub could not be reached at all (the only case `casedesk sync` exits 4).
    pub fn is_network(&self) -> bool {
        matches!(self, SyncError::Network(_))
    }

    /// Whether sync is stuck on something in this station's own data that no retry and no
    /// administrator at the hub can fix (exit 6).
    pub fn is_stuck(&self) -> bool {
        matches!(self, SyncError::EventTooLarge { .. })
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
                    | codes::DEVICE_ENROLLED
                    | codes::ENROLL_CODE_INVALID
                    | client::ENROLL_UNIT_MISMATCH
            ),
            SyncError::NotEnrolled
            | SyncError::RestoredNeedsEnrollment
            | SyncError::PinMismatch
            | SyncError::PlainHttpRefused(_)
            | SyncError::EventTooLarge { .. }
            | SyncError::DemoStation
            | SyncError::Unverified(_)
            | SyncError::Bundle(_) => true,
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
            client::RESTORED_ENROLL => "sync.restored_enroll",
            codes::TOO_LARGE => "sync.too_large",
            codes::ENROLL_CODE_INVALID => "sync.enroll_code_invalid",
            codes::DEVICE_ENROLLED => "sync.device_enrolled",
            codes::RATE_LIMITED | codes::BUSY => "sync.busy",
            codes::TIMEOUT => "sync.timeout",
            client::PIN_MISMATCH => "sync.pin_mismatch",
            client::PLAIN_HTTP_REFUSED => "sync.plain_http_refused",
            client::DEMO_STATION => "sync.demo_station",
            client::BUNDLE_NOT_A_BUNDLE => "bundle.not_a_bundle",
            client::BUNDLE_NOT_FOR_US => "bundle.not_for_us",
            client::BUNDLE_DAMAGED => "bundle.damaged",
            client::BUNDLE_BAD_SIGNATURE => "bundle.bad_signature",
            client::BUNDLE_WRONG => {
                let arg = match self {
                    SyncError::Bundle(BundleError::Wrong(m)) => m.clone(),
                    _ => String::new(),
                };
                return ("bundle.wrong", arg);
            }
            client::EVENT_TOO_LARGE => {
                let seq = match self {
                    SyncError::EventTooLarge { seq } => seq.to_string(),
                    _ => String::new(),
                };
                return ("sync.event_too_large", seq);
            }
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
    /// Restored from a backup: the new device identity is not enrolled yet.
    pub const RESTORED_ENROLL: &str = "restored_enroll";
    /// The enrollment code is for another unit.
    pub const ENROLL_UNIT_MISMATCH: &str = "enroll_unit_mismatch";
    pub const PIN_MISMATCH: &str = "pin_mismatch";
    pub const PLAIN_HTTP_REFUSED: &str = "plain_http_refused";
    pub const EVENT_TOO_LARGE: &str = "event_too_large";
    pub const DEMO_STATION: &str = "demo_station";
    /// A receipt or checkpoint without the hub's valid signature.
    pub const UNVERIFIED: &str = "unverified";
    /// USB bundles: not a bundle, for another station or hub, damaged (truncated or changed),
    /// signed by someone else, or not applicable here.
    pub const BUNDLE_NOT_A_BUNDLE: &str = "bundle_not_a_bundle";
    pub const BUNDLE_NOT_FOR_US: &str = "bundle_not_for_us";
    pub const BUNDLE_DAMAGED: &str = "bundle_damaged";
    pub const BUNDLE_BAD_SIGNATURE: &str = "bundle_bad_signature";
    pub const BUNDLE_WRONG: &str = "bundle_wrong";
}

/// Where the hub is and how to trust it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HubEndpoint {
    /// Base URL, `https://host:port` (or `http://` for a hub started with --plain-http).
    pub url: String,
    /// SHA-256 of the hub certificate (hex). Required for https.
    pub fingerprint: Option<String>,
    /// Plain `http://` is accepted only with this development flag, and never once a
    /// certificate is pinned.
    pub allow_plain_http: bool,
}

impl HubEndpoint {
    /// Refuses an address this station must not use: plain http without the development flag
    /// or after a certificate was pinned, https without a pin, anything else.
    pub fn check(&self) -> Result<(), SyncError> {
        let url = self.url.trim();
        if url.starts_with("http://") {
            if self.fingerprint.is_some() {
                return Err(SyncError::PlainHttpRefused(
                    "a certificate is pinned for this hub; use its https:// address".into(),
                ));
            }
            if !self.allow_plain_http {
                return Err(SyncError::PlainHttpRefused(
                    "enroll with --allow-plain-http (development only) to use an http:// hub"
                        .into(),
                ));
            }
            return Ok(());
        }
        if !url.starts_with("https://") {
            return Err(SyncError::Protocol(format!("not a hub address: {url}")));
        }
        if self.fingerprint.is_none() {
            return Err(SyncError::Protocol(
                "an https hub needs the certificate fingerprint from the enrollment code".into(),
            ));
        }
        Ok(())
    }
}

/// The hub, as the engine sees it.
pub trait Transport {
    /// Does the hub answer at all (a cheap probe while it is unreachable)?
    fn health(&mut self) -> Result<(), SyncError>;
    /// The device's status at the hub; `head` (the station's last own seq) is reported with
    /// it, so the association's console shows how many events wait here.
    fn status(&mut self, head: u64) -> Result<DeviceStatus, SyncError>;
    fn push(&mut self, batch: &PushBatch) -> Result<PushReceipt, SyncError>;
    /// The unit's feed after position `after`; `checkpoint` is the event id the station holds
    /// for that position (`PullPage::checkpoint` of the page that ended there).
    fn pull(
        &mut self,
        after: u64,
        checkpoint: Option<uuid::Uuid>,
        limit: u32,
    ) -> Result<PullPage, SyncError>;

    /// Files: where the upload of `sha256` stands at the hub (how many bytes it holds).
    /// Transports that carry no files (test doubles) answer `blob_unavailable`.
    fn blob_state(&mut self, sha256: &str) -> Result<BlobUploadState, SyncError> {
        Err(no_files(sha256))
    }
    /// One chunk of `sha256` at `offset` (what the hub holds).
    fn blob_put(
        &mut self,
        sha256: &str,
        offset: u64,
        chunk: &[u8],
    ) -> Result<BlobUploadState, SyncError> {
        let _ = (offset, chunk);
        Err(no_files(sha256))
    }
    /// At most `len` bytes of `sha256` from `offset`.
    fn blob_get(&mut self, sha256: &str, offset: u64, len: u64) -> Result<Vec<u8>, SyncError> {
        let _ = (offset, len);
        Err(no_files(sha256))
    }
}

fn no_files(sha256: &str) -> SyncError {
    SyncError::Hub {
        status: 503,
        body: ErrorBody {
            code: codes::BLOB_UNAVAILABLE.into(),
            message: format!("this link carries no files ({sha256})"),
        },
    }
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
    /// Pulled events this station kept aside in its quarantine (see `casedesk sync --status`).
    pub quarantined_here: u64,
    /// The hub held fewer of our events than it once acknowledged (it was restored from an
    /// older backup); we sent them again.
    pub hub_regressed: bool,
    /// Files the hub now holds whole (uploaded this round).
    pub files_uploaded: u64,
    /// Files received from the hub, their hash checked.
    pub files_downloaded: u64,
    /// Files that failed this round (refused, cut, or bytes not matching their hash): retried
    /// next round, listed in sync status with the reason.
    pub files_failed: u64,
}

pub use casedesk_proto::limits::{MAX_BATCH_BYTES, MAX_BATCH_EVENTS, MIN_BATCH_BYTES};

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
    let station = store.require_station()?;
    let (device, station_unit) = (station.device, station.unit.clone());
    let mut report = SyncReport::default();
    let (head, _) = store.device_head()?;
    let status = t.status(head)?;
    if status.device != device {
        return Err(SyncError::Protocol(format!("hub answered for device {}", status.device)));
    }
    let offset = status.hub_time_ms - store.now().timestamp_millis();
    let known_acked: u64 = store.sync_get(keys::ACKED)?.and_then(|v| v.parse().ok()).unwrap_or(0);
    report.hub_regressed = status.acked_seq < known_acked;
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
    if let Some(hub_id) = status.hub_id {
        let known = store.sync_get(keys::HUB_ID)?;
        if known.as_deref().is_some_and(|k| k != hub_id.to_string()) {
            // Another hub than the one this station pulled from: its feed positions mean
            // something else.
            report.hub_regressed = true;
        }
        pairs.push((keys::HUB_ID, Some(hub_id.to_string())));
    }
    if report.hub_regressed {
        // The hub lost events it had acknowledged (restored from an older backup), or is
        // another hub: its feed positions after that point are being handed out again. Pull
        // from the start; applying what we hold already changes nothing.
        pairs.push((keys::CURSOR, Some("0".into())));
        pairs.push((keys::CHECKPOINT, None));
    }
    let hub_key = match (store.sync_get(keys::HUB_KEY)?, status.hub_key) {
        (Some(known), Some(told)) if known != told => {
            return Err(SyncError::Unverified(
                "the hub's status names another signing key than this station holds".into(),
            ));
        }
        (Some(known), _) => Some(known),
        (None, Some(told)) if casedesk_proto::sign::is_public_key(&told) => {
            // A station enrolled before hubs had keys learns it now, over the pinned link.
            pairs.push((keys::HUB_KEY, Some(told.clone())));
            Some(told)
        }
        (None, _) => None,
    };
    if let Some(k) =
        status.bundle_key.as_deref().filter(|k| casedesk_proto::bundle::is_recipient(k))
    {
        pairs.push((bundle::bundle_keys::HUB_BUNDLE_KEY, Some(k.to_owned())));
    }
    let device_key = store
        .sync_get(keys::DEVICE_KEY)?
        .and_then(|k| casedesk_proto::sign::SecretKey::from_seed_hex(&k));
    store.sync_set(&pairs)?;
    if !status.device_code.is_empty() {
        store.adopt_device_code(None, &status.device_code)?;
    }

    // Push.
    let mut acked = status.acked_seq;
    let mut batch_bytes: usize = store
        .sync_get(keys::BATCH_BYTES)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(64 * 1024)
        .clamp(MIN_BATCH_BYTES, MAX_BATCH_BYTES);
    let mut max_events = MAX_BATCH_EVENTS;
    loop {
        let events = store.own_events_after(acked, batch_bytes, max_events)?;
        if events.is_empty() {
            break;
        }
        let sent = events.len();
        let only = (sent == 1).then(|| events[0].seq);
        match t.push(&signed_batch(device_key.as_ref(), device, events)) {
            Ok(receipt) => {
                if let Some(key) = &hub_key {
                    verify_receipt(key, &receipt)?;
                }
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
                max_events = (max_events * 2).min(MAX_BATCH_EVENTS);
                record_receipt(store, &receipt, batch_bytes)?;
            }
            Err(SyncError::Hub { body, .. }) if body.code == codes::GAP => {
                acked = t.status(head)?.acked_seq;
            }
            Err(e) if too_large(&e) => {
                // The batch is more than the hub takes in one request: send less at a time.
                // One event alone that is too large can never be sent.
                if let Some(seq) = only {
                    return Err(SyncError::EventTooLarge { seq });
                }
                max_events = (sent / 2).max(1);
                batch_bytes = (batch_bytes / 4).max(MIN_BATCH_BYTES);
                store.sync_set(&[(keys::BATCH_BYTES, Some(batch_bytes.to_string()))])?;
            }
            Err(e @ (SyncError::Network(_) | SyncError::Hub { .. })) if slow_link(&e) => {
                // A slow or lossy link: send less at a time from now on.
                let smaller = (batch_bytes / 4).max(MIN_BATCH_BYTES);
                store.sync_set(&[(keys::BATCH_BYTES, Some(smaller.to_string()))])?;
                return Err(e);
            }
            Err(e) => return Err(e),
        }
    }

    // Files named by the events just pushed (never fails the round).
    files::upload(store, t, &mut report);

    // Pull.
    let number = |v: Option<String>| v.and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut cursor: u64 = number(store.sync_get(keys::CURSOR)?);
    let mut checkpoint =
        store.sync_get(keys::CHECKPOINT)?.and_then(|c| uuid::Uuid::parse_str(&c).ok());
    let mut restarted = false;
    loop {
        let page = match t.pull(cursor, checkpoint, MAX_PULL_LIMIT / 4) {
            Err(SyncError::Hub { body, .. })
                if body.code == codes::CURSOR_UNKNOWN && !restarted =>
            {
                // The hub does not hold at our cursor what we pulled there: it was restored
                // from an older backup. Start over; events we already hold are skipped.
                restarted = true;
                report.hub_regressed = true;
                store.sync_set(&[(keys::CURSOR, Some("0".into())), (keys::CHECKPOINT, None)])?;
                (cursor, checkpoint) = (0, None);
                continue;
            }
            other => other?,
        };
        if page.next < cursor && !restarted {
            // The hub's feed ends before our cursor (a hub without checkpoints, restored from
            // an older backup): start over.
            restarted = true;
            report.hub_regressed = true;
            store.sync_set(&[(keys::CURSOR, Some("0".into())), (keys::CHECKPOINT, None)])?;
            (cursor, checkpoint) = (0, None);
            continue;
        }
        if let Some(key) = &hub_key {
            verify_checkpoint(key, &station_unit, &page)?;
        }
        report.pulled += page.events.len() as u64;
        let next = page.next;
        let applied = store.apply_remote_and_set(
            &page.events,
            &[
                (keys::CURSOR, Some(next.to_string())),
                (keys::CHECKPOINT, page.checkpoint.map(|c| c.to_string())),
                (keys::CHECKPOINT_SIGNATURE, page.checkpoint_signature.clone()),
            ],
            Source::Pull,
        )?;
        report.applied += applied.inserted as u64;
        report.quarantined_here += applied.quarantined.len() as u64;
        (cursor, checkpoint) = (next, page.checkpoint);
        // Files the page's events name (never fails the round).
        files::download(store, t, &mut report);
        if !page.more || page.events.is_empty() {
            break;
        }
    }
    Ok(report)
}

/// The hub refused the batch as too large for one request.
fn too_large(e: &SyncError) -> bool {
    matches!(e, SyncError::Hub { status, body } if *status == 413 || body.code == codes::TOO_LARGE)
}

fn slow_link(e: &SyncError) -> bool {
    match e {
        SyncError::Network(_) => true,
        SyncError::Hub { status, body } => *status == 408 || body.code == codes::TIMEOUT,
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
    let signed = if r.signature.is_some() { serde_json::to_string(r).ok() } else { None };
    let mut pairs = vec![
        (keys::ACKED, Some(r.acked_seq.to_string())),
        (keys::BATCH_BYTES, Some(batch_bytes.to_string())),
    ];
    if let Some(json) = signed {
        pairs.push((keys::RECEIPT, Some(json)));
    }
    store.record_hub_receipt(&pairs, &quarantined)
}

/// A batch of `device`'s `events` (in `seq` order), signed with `key` when there is one.
pub fn signed_batch(
    key: Option<&casedesk_proto::sign::SecretKey>,
    device: uuid::Uuid,
    events: Vec<casedesk_proto::Event>,
) -> PushBatch {
    let signature = key.map(|k| {
        let id = casedesk_proto::sync::batch_id(device, &events);
        k.sign(&casedesk_proto::sign::batch_message(&id))
    });
    PushBatch { device, events, signature }
}

/// Refuses a receipt that does not carry `hub_key`'s signature.
pub fn verify_receipt(hub_key: &str, r: &PushReceipt) -> Result<(), SyncError> {
    let message = casedesk_proto::sign::receipt_message(r);
    match &r.signature {
        Some(sig) if casedesk_proto::sign::verify(hub_key, &message, sig) => Ok(()),
        Some(_) => Err(SyncError::Unverified(format!(
            "the receipt for batch {} does not match the hub's signature",
            r.batch_id
        ))),
        None => {
            Err(SyncError::Unverified(format!("the receipt for batch {} is unsigned", r.batch_id)))
        }
    }
}

/// Refuses a pull page whose checkpoint does not carry `hub_key`'s signature for `unit`.
pub fn verify_checkpoint(hub_key: &str, unit: &str, page: &PullPage) -> Result<(), SyncError> {
    let message = casedesk_proto::sign::checkpoint_message(unit, page.next, page.checkpoint);
    match &page.checkpoint_signature {
        Some(sig) if casedesk_proto::sign::verify(hub_key, &message, sig) => Ok(()),
        _ => Err(SyncError::Unverified(format!(
            "the pull checkpoint at position {} is not signed by the hub",
            page.next
        ))),
    }
}

/// The last receipt this station keeps, verified again with nothing but the hub's public key
/// (also kept): proof that the hub acknowledged this device's chain up to `acked_seq`, ending
/// in `head_hash`. `Ok(None)` when there is no signed receipt yet.
pub fn verify_stored_receipt(store: &Store) -> Result<Option<PushReceipt>, SyncError> {
    let Some(json) = store.sync_get(keys::RECEIPT)? else {
        return Ok(None);
    };
    let key = store
        .sync_get(keys::HUB_KEY)?
        .ok_or_else(|| SyncError::Unverified("the hub's public key is not known".into()))?;
    let receipt: PushReceipt = serde_json::from_str(&json)
        .map_err(|e| SyncError::Unverified(format!("the stored receipt cannot be read: {e}")))?;
    verify_receipt(&key, &receipt)?;
    Ok(Some(receipt))
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
    /// Events from elsewhere this station kept aside (`casedesk sync --status` lists them).
    pub quarantined_here: u64,
    /// Case numbers more than one case holds (two devices numbered cases with the same device
    /// code before enrollment): shown with a suffix.
    pub duplicate_numbers: u64,
    /// Hub clock minus this device's clock, from the last contact.
    pub clock_offset_ms: Option<i64>,
    /// Files waiting to go to the hub or to arrive from it, and those that failed.
    pub files: casedesk_store::BlobSyncSummary,
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
        quarantined_here: store.quarantine_count()?,
        duplicate_numbers: store.duplicate_case_numbers()?.len() as u64,
        clock_offset_ms: num(keys::CLOCK_OFFSET)?,
        files: store.blob_sync_summary()?,
    })
}

/// The hub this station is enrolled with, and its device token.
pub fn enrolled_endpoint(store: &Store) -> Result<Option<(HubEndpoint, String)>, StoreError> {
    let (Some(url), Some(token)) = (store.sync_get(keys::HUB)?, store.sync_get(keys::TOKEN)?)
    else {
        return Ok(None);
    };
    let fingerprint = store.sync_get(keys::FINGERPRINT)?;
    let allow_plain_http = store.sync_get(keys::ALLOW_PLAIN_HTTP)?.as_deref() == Some("1");
    Ok(Some((HubEndpoint { url, fingerprint, allow_plain_http }, token)))
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

/// How to enroll: the code pasted by the clerk, and what may override it.
#[derive(Clone, Debug, Default)]
pub struct EnrollOptions<'a> {
    /// The hub's address as this station reaches it, when it differs from the code's (same
    /// scheme: an https code cannot be turned into http).
    pub hub_url: Option<&'a str>,
    pub device_name: &'a str,
    /// Accept a plain `http://` hub (development and tests only).
    pub allow_plain_http: bool,
    /// Enroll a station that holds demonstration data (a training hub, the tests).
    pub allow_demo: bool,
}

/// The enrollment code in `text`, checked against this station (its unit, and its device when
/// the code names one): the one check of a code, for enrolling over the network and by bundle.
pub(crate) fn read_enroll_code(
    text: &str,
    station: &casedesk_store::Station,
) -> Result<casedesk_proto::sync::EnrollCode, SyncError> {
    let invalid = |message: &str| SyncError::Hub {
        status: 400,
        body: ErrorBody { code: codes::ENROLL_CODE_INVALID.into(), message: message.into() },
    };
    let code = casedesk_proto::sync::EnrollCode::decode(text)
        .ok_or_else(|| invalid("the enrollment code cannot be read"))?;
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
    if code.device.is_some_and(|d| d != station.device) {
        return Err(invalid("the code was made for another device"));
    }
    Ok(code)
}

#[cfg(feature = "http")]
/// Enrolls this station's device with the hub named in an enrollment code, and keeps the hub
/// address, the pinned certificate fingerprint and the device token in the sync state; adopts
/// the device code the hub assigned. `actor` (a head or an administrator) enrolls it; the
/// permission is checked before the hub is contacted.
pub fn enroll(
    store: &mut Store,
    actor: &casedesk_store::Actor,
    code_text: &str,
    opts: &EnrollOptions<'_>,
) -> Result<casedesk_proto::sync::EnrollResponse, SyncError> {
    let station = store.require_station()?.clone();
    store.authorize(actor, casedesk_domain::types::Permission::Enroll)?;
    if store.is_demo()? && !opts.allow_demo {
        return Err(SyncError::DemoStation);
    }
    let code = read_enroll_code(code_text, &station)?;
    let url = opts.hub_url.map_or(code.hub.clone(), |u| u.trim().trim_end_matches('/').to_owned());
    // Once a certificate is pinned, no plain http:// address is used, whatever the code says: a
    // code that carries no fingerprint (made for a plain-HTTP hub) does not drop the pin.
    if url.starts_with("http://") && store.sync_get(keys::FINGERPRINT)?.is_some() {
        return Err(SyncError::PlainHttpRefused(
            "a certificate is pinned for this hub; use its https:// address".into(),
        ));
    }
    let endpoint = HubEndpoint {
        url: url.clone(),
        fingerprint: code.fingerprint.clone(),
        allow_plain_http: opts.allow_plain_http,
    };
    endpoint.check()?;
    let device_key = casedesk_proto::sign::SecretKey::from_seed(random_seed());
    let resp = http::enroll(
        &endpoint,
        &casedesk_proto::sync::EnrollRequest {
            secret: code.secret,
            device: station.device,
            unit: station.unit,
            device_name: opts.device_name.to_owned(),
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            device_code: station.device_code.clone(),
            device_key: Some(device_key.public_hex()),
        },
    )?;
    let hub_key = match (code.hub_key, resp.hub_key.clone()) {
        (Some(a), Some(b)) if a != b => {
            return Err(SyncError::Unverified(
                "the hub answered with another signing key than the enrollment code names".into(),
            ));
        }
        (a, b) => a.or(b),
    };
    let same_hub = store.sync_get(keys::HUB_ID)?.as_deref() == Some(&resp.hub_id.to_string());
    let mut pairs = vec![
        (keys::HUB, Some(url)),
        (keys::TOKEN, Some(resp.token.clone())),
        (keys::FINGERPRINT, code.fingerprint),
        (keys::HUB_UNIT_NAME, Some(resp.unit_name.clone())),
        (keys::HUB_ID, Some(resp.hub_id.to_string())),
        (keys::ALLOW_PLAIN_HTTP, opts.allow_plain_http.then(|| "1".to_owned())),
        (keys::DEVICE_KEY, Some(device_key.seed_hex())),
        (keys::HUB_KEY, hub_key),
        (
            bundle::bundle_keys::HUB_BUNDLE_KEY,
            code.bundle_key
                .or(resp.bundle_key.clone())
                .filter(|k| casedesk_proto::bundle::is_recipient(k)),
        ),
        (bundle::bundle_keys::PENDING_ENROLL, None),
        (keys::LAST_ERROR_CODE, None),
        (keys::LAST_ERROR, None),
        (keys::FAILURES, Some("0".into())),
        (restore::restore_keys::RESTORED, None),
    ];
    if !same_hub {
        pairs.push((keys::CURSOR, None));
        pairs.push((keys::CHECKPOINT, None));
        pairs.push((keys::CHECKPOINT_SIGNATURE, None));
        pairs.push((keys::ACKED, None));
        pairs.push((keys::RECEIPT, None));
    }
    store.sync_set(&pairs)?;
    if !resp.device_code.is_empty() {
        store.adopt_device_code(Some(actor), &resp.device_code)?;
    }
    Ok(resp)
}

/// 32 random bytes from the operating system's generator (a signing key's seed).
pub fn random_seed() -> [u8; 32] {
    use rand::RngCore;
    let mut seed = [0u8; 32];
    rand::rng().fill_bytes(&mut seed);
    seed
}

/// A new address for the hub this station is enrolled with (the same hub reached another way):
/// refused when it would drop the pinned certificate or turn https into plain http.
pub fn set_hub_address(store: &mut Store, url: &str) -> Result<(), SyncError> {
    let (mut endpoint, _) = enrolled_endpoint(store)?.ok_or(SyncError::NotEnrolled)?;
    endpoint.url = url.trim().trim_end_matches('/').to_owned();
    endpoint.check()?;
    store.sync_set(&[(keys::HUB, Some(endpoint.url))])?;
    Ok(())
}

/// One round with the hub this station is enrolled with.
#[cfg(feature = "http")]
pub fn sync_with_hub(store: &mut Store) -> Result<SyncReport, SyncError> {
    sync_with(store, &|ep: &HubEndpoint, token: &str| {
        Ok(Box::new(http::HttpTransport::new(ep, token)?) as Box<dyn Transport>)
    })
}

/// Opens a transport to `endpoint` with a device token.
pub type Connect = dyn Fn(&HubEndpoint, &str) -> Result<Box<dyn Transport>, SyncError>;

/// One round through transports that `connect` opens: first, on a restored station, what it
/// still holds of its previous device's chain (see `restore`), then [`sync_once`] with the
/// enrolled device's token.
pub fn sync_with(store: &mut Store, connect: &Connect) -> Result<SyncReport, SyncError> {
    if let Some((device, token)) = restore::pending_predecessor(store)?
        && let Some(ep) = restore::hub_endpoint(store)?
    {
        let mut t = connect(&ep, &token)?;
        restore::flush_predecessor(store, device, t.as_mut())?;
    }
    let Some((endpoint, token)) = enrolled_endpoint(store)? else {
        return Err(if restore::needs_enrollment(store)? {
            SyncError::RestoredNeedsEnrollment
        } else {
            SyncError::NotEnrolled
        });
    };
    let mut t = connect(&endpoint, &token)?;
    sync_once(store, t.as_mut())
}
