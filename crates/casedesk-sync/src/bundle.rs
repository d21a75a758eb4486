//! USB bundles at the station (`casedesk bundle export` / `casedesk bundle import`), for a
//! station that never gets a link (format: `casedesk_proto::bundle`).
//!
//! - Export: the signed batches of every own event the hub has not acknowledged (as far as this
//!   station knows), its pull cursor and checkpoint, and its reply key, signed with the device
//!   key and encrypted to the hub's bundle key. A station that has never reached the hub
//!   carries its enrollment request (made from the pasted code, kept in `PENDING_ENROLL` until
//!   the answer comes back), with the device key it makes then.
//! - Import: the return bundle is opened with the station's bundle key and its signature
//!   checked with the hub's key (from the code, or the enrollment); then the enrollment answer
//!   is kept as a network enrollment keeps it, each receipt is verified and recorded as after a
//!   push, and the feed pages go through the store's pull path (`apply_remote_and_set`, cursor
//!   and checkpoint in the same transaction), each checkpoint verified.
//!
//! Files: an export carries the files this station holds that the hub has not acknowledged and
//! that its own events name (`Store::own_blobs_to_upload`), oldest first, up to
//! `limits::BUNDLE_FILES_BYTES`; the rest are listed as waiting and go with a later bundle. It
//! also lists the files its events name that it lacks (`Store::missing_blobs`). An import marks
//! delivered the files the hub says it holds (`files_held`, so the network lane does not upload
//! them again), records the ones the hub refused, and takes the files carried to it only when
//! the signed list names them, their bytes hash to the name and an event here names them
//! (`Store::blob_receive_whole`); others are discarded and reported (`blob.corrupt`, ...).
//!
//! Replays and reordering are harmless: receipts that do not advance what the station knows
//! are skipped, pages that start after the station's cursor are not applied (they would skip
//! events), pages before it change nothing (applying held events is a no-op) and never move
//! the cursor back.

use casedesk_proto::bundle::{self, BundleError, FileEntry, STATION_FORMAT, StationBundle};
use casedesk_proto::limits::BUNDLE_FILES_BYTES;
use casedesk_proto::sign::SecretKey;
use casedesk_proto::sync::{EnrollRequest, ErrorBody, codes};
use casedesk_store::{BlobDirection, Source, Store, StoreError};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    MAX_BATCH_BYTES, MAX_BATCH_EVENTS, SyncError, keys, random_seed, record_receipt, signed_batch,
    verify_checkpoint, verify_receipt,
};

/// Keys of the `sync_state` table used by bundles.
pub mod bundle_keys {
    /// This station's bundle key (age X25519 identity): return bundles are encrypted to it.
    pub const BUNDLE_KEY: &str = "bundle_key";
    /// The hub's bundle key (age X25519 recipient).
    pub const HUB_BUNDLE_KEY: &str = "hub_bundle_key";
    /// The enrollment sent in bundles until its answer comes back (JSON `PendingEnroll`).
    pub const PENDING_ENROLL: &str = "pending_enroll";
}
use bundle_keys::*;

/// An enrollment travelling by bundle.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct PendingEnroll {
    request: EnrollRequest,
    hub: String,
    #[serde(default)]
    fingerprint: Option<String>,
    hub_key: String,
}

/// A bundle written by `export`.
#[derive(Debug)]
pub struct Exported {
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// Own events in it.
    pub events: u64,
    /// It carries this station's enrollment.
    pub enrolling: bool,
    /// Files in it, and their bytes.
    pub files: u64,
    pub file_bytes: u64,
    /// Files not yet acknowledged that did not fit (they go with a later bundle).
    pub files_waiting: u64,
}

/// Most files listed (waiting or wanted) in one bundle.
const MAX_FILES_LISTED: usize = 10_000;

/// What `import` did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Imported {
    /// The enrollment answer was taken now.
    pub enrolled: bool,
    /// Receipts that advanced what the hub acknowledged.
    pub receipts: u64,
    /// Receipts of an older or repeated bundle, known already.
    pub receipts_known: u64,
    /// The hub holds this device's events up to here.
    pub acked_seq: u64,
    pub pulled: u64,
    pub applied: u64,
    pub quarantined_here: u64,
    /// The feed pages were not applied: they start after this station's position (a newer
    /// bundle was imported before an older one's pages were). Export again.
    pub pages_skipped: bool,
    /// Batches the hub refused, and why (`code: message`).
    pub refused: Vec<String>,
    /// Files the bundle brought that this station keeps now.
    pub files_received: u64,
    /// Files it brought that this station held already.
    pub files_known: u64,
    /// Files it brought that were discarded, and why (`sha256: code`).
    pub files_discarded: Vec<String>,
    /// This station's files the hub now holds (marked delivered: not sent again).
    pub files_delivered: u64,
    /// This station's files the hub refused, and why (`sha256: code: message`).
    pub files_refused: Vec<String>,
    /// Files owed to this station that the hub holds but did not fit this bundle.
    pub files_waiting: u64,
}

fn wrong(message: impl Into<String>) -> SyncError {
    SyncError::Bundle(BundleError::Wrong(message.into()))
}

fn code_invalid(message: &str) -> SyncError {
    SyncError::Hub {
        status: 400,
        body: ErrorBody { code: codes::ENROLL_CODE_INVALID.into(), message: message.into() },
    }
}

/// Writes a bundle of what the hub has not acknowledged. `code` is the enrollment code of a
/// station that is not enrolled yet (once given, later exports carry the same enrollment until
/// its answer is imported).
pub fn export(
    store: &mut Store,
    code: Option<&str>,
    device_name: &str,
    allow_demo: bool,
) -> Result<Exported, SyncError> {
    let station = store.require_station()?.clone();
    let enrolled = store.sync_get(keys::TOKEN)?.is_some();
    let mut pending: Option<PendingEnroll> = match store.sync_get(PENDING_ENROLL)? {
        Some(json) => serde_json::from_str(&json).ok(),
        None => None,
    };
    if enrolled && code.is_some() {
        return Err(SyncError::Hub {
            status: 409,
            body: ErrorBody {
                code: codes::DEVICE_ENROLLED.into(),
                message: "this station is enrolled already; export without a code".into(),
            },
        });
    }
    if !enrolled && let Some(text) = code {
        if store.is_demo()? && !allow_demo {
            return Err(SyncError::DemoStation);
        }
        let code = crate::read_enroll_code(text, &station)?;
        let (Some(hub_key), Some(hub_bundle_key)) = (code.hub_key.clone(), code.bundle_key.clone())
        else {
            return Err(wrong(
                "the enrollment code names no bundle key: it was made by a hub that takes no \
                 bundles (upgrade the hub and make a new code)",
            ));
        };
        if !bundle::is_recipient(&hub_bundle_key) || !casedesk_proto::sign::is_public_key(&hub_key)
        {
            return Err(code_invalid("the code's keys cannot be read"));
        }
        // The device key is made now and registered by the enrollment the bundle carries.
        let device_key = SecretKey::from_seed(random_seed());
        let p = PendingEnroll {
            request: EnrollRequest {
                secret: code.secret,
                device: station.device,
                unit: station.unit.clone(),
                device_name: device_name.to_owned(),
                app_version: env!("CARGO_PKG_VERSION").to_owned(),
                device_code: station.device_code.clone(),
                device_key: Some(device_key.public_hex()),
            },
            hub: code.hub.trim_end_matches('/').to_owned(),
            fingerprint: code.fingerprint,
            hub_key: hub_key.clone(),
        };
        let json = serde_json::to_string(&p).map_err(|e| SyncError::Protocol(e.to_string()))?;
        store.sync_set(&[
            (PENDING_ENROLL, Some(json)),
            (keys::DEVICE_KEY, Some(device_key.seed_hex())),
            (keys::HUB_KEY, Some(hub_key)),
            (HUB_BUNDLE_KEY, Some(hub_bundle_key)),
            (keys::ACKED, None),
            (keys::CURSOR, None),
            (keys::CHECKPOINT, None),
            (keys::CHECKPOINT_SIGNATURE, None),
            (keys::RECEIPT, None),
        ])?;
        pending = Some(p);
    }
    if !enrolled && pending.is_none() {
        return Err(SyncError::NotEnrolled);
    }
    let device_key = store
        .sync_get(keys::DEVICE_KEY)?
        .and_then(|k| SecretKey::from_seed_hex(&k))
        .ok_or_else(|| {
        wrong("this station has no signing key (enrolled before keys): sync once over a link")
    })?;
    let hub_bundle_key = store.sync_get(HUB_BUNDLE_KEY)?.ok_or_else(|| {
        wrong(
            "the hub's bundle key is not known here: sync once over a link, or enroll with a \
             code from a hub that takes bundles",
        )
    })?;
    let reply_key = match store.sync_get(BUNDLE_KEY)?.and_then(|k| bundle::recipient_of(&k)) {
        Some(r) => r,
        None => {
            let (identity, recipient) = bundle::new_bundle_key();
            store.sync_set(&[(BUNDLE_KEY, Some(identity))])?;
            recipient
        }
    };

    let number = |v: Option<String>| v.and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    let acked_known = number(store.sync_get(keys::ACKED)?);
    let (head, _) = store.device_head()?;
    let mut batches = Vec::new();
    let mut acked = acked_known;
    let mut events = 0u64;
    loop {
        let chunk = store.own_events_after(acked, MAX_BATCH_BYTES, MAX_BATCH_EVENTS)?;
        let Some(last) = chunk.last() else { break };
        acked = last.seq;
        events += chunk.len() as u64;
        batches.push(signed_batch(Some(&device_key), station.device, chunk));
    }
    // The files the hub has not acknowledged, within the budget; the rest wait.
    let (mut files, mut carried, mut files_waiting) = (Vec::new(), Vec::new(), Vec::new());
    let mut file_bytes = 0u64;
    for blob in store.own_blobs_to_upload(MAX_FILES_LISTED)? {
        if file_bytes + blob.size > BUNDLE_FILES_BYTES {
            files_waiting.push(blob.sha256);
            continue;
        }
        match store.blob(&blob.sha256) {
            Ok(bytes) => {
                file_bytes += bytes.len() as u64;
                carried.push(bundle::file_bytes(&blob.sha256, &bytes));
                files.push(FileEntry {
                    sha256: blob.sha256,
                    size: bytes.len() as u64,
                    media_type: blob.media_type,
                });
            }
            Err(StoreError::Blob { code, .. }) => {
                // Missing or damaged here: reported in sync status, not carried.
                store.blob_failed(
                    &blob.sha256,
                    BlobDirection::Up,
                    code,
                    "not put in the bundle: the file here is missing or damaged",
                    false,
                )?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    let mut files_wanted = store.missing_blobs()?;
    files_wanted.truncate(MAX_FILES_LISTED);
    let hub_id = store.sync_get(keys::HUB_ID)?.and_then(|h| Uuid::parse_str(&h).ok());
    let created_ms = store.now().timestamp_millis();
    let b = StationBundle {
        format: STATION_FORMAT.into(),
        bundle_id: Uuid::now_v7(),
        device: station.device,
        unit: station.unit.clone(),
        hub_id,
        created_ms,
        head,
        acked_known,
        enroll: pending.as_ref().filter(|_| !enrolled).map(|p| p.request.clone()),
        batches,
        cursor: number(store.sync_get(keys::CURSOR)?),
        checkpoint: store.sync_get(keys::CHECKPOINT)?.and_then(|c| Uuid::parse_str(&c).ok()),
        reply_key,
        files,
        files_waiting,
        files_wanted,
    };
    let content = serde_json::to_string(&b).map_err(|e| SyncError::Protocol(e.to_string()))?;
    let bytes = bundle::seal_with_files(&content, carried, &device_key, &hub_bundle_key)
        .map_err(SyncError::Bundle)?;
    let stamp = store.now().format("%Y%m%d-%H%M%S");
    let file_name = format!(
        "casedesk-{}-{}-{stamp}.{}",
        station.unit,
        &station.device.simple().to_string()[..8],
        bundle::EXTENSION
    );
    Ok(Exported {
        file_name,
        bytes,
        events,
        enrolling: b.enroll.is_some(),
        files: b.files.len() as u64,
        file_bytes,
        files_waiting: b.files_waiting.len() as u64,
    })
}

/// Takes a return bundle from the hub.
pub fn import(store: &mut Store, bytes: &[u8]) -> Result<Imported, SyncError> {
    let station = store.require_station()?.clone();
    let identity = store.sync_get(BUNDLE_KEY)?.ok_or_else(|| {
        wrong("this station has written no bundle, so no return bundle can be for it")
    })?;
    if bytes.len() as u64 > bundle::MAX_BUNDLE_BYTES {
        return Err(wrong("the file is larger than a bundle can be"));
    }
    let sealed = bundle::open(bytes, &identity).map_err(SyncError::Bundle)?;
    let pending: Option<PendingEnroll> =
        store.sync_get(PENDING_ENROLL)?.and_then(|j| serde_json::from_str(&j).ok());
    let hub_key = store
        .sync_get(keys::HUB_KEY)?
        .or_else(|| pending.as_ref().map(|p| p.hub_key.clone()))
        .ok_or_else(|| wrong("the hub's signing key is not known here"))?;
    sealed.verify(&hub_key).map_err(SyncError::Bundle)?;
    let rb = sealed.return_bundle().map_err(SyncError::Bundle)?;
    if rb.device != station.device || rb.unit != station.unit {
        return Err(wrong(format!(
            "the return bundle is for device {} of unit {}, not this station",
            rb.device, rb.unit
        )));
    }
    let known_hub = store.sync_get(keys::HUB_ID)?;
    if known_hub.as_deref().is_some_and(|h| h != rb.hub_id.to_string()) {
        return Err(wrong("the return bundle comes from another hub than this station's"));
    }
    let mut report = Imported::default();

    // The enrollment answer, kept as a network enrollment keeps it.
    let enrolled = store.sync_get(keys::TOKEN)?.is_some();
    if let Some(resp) = &rb.enrolled
        && !enrolled
    {
        let p = pending.as_ref().ok_or_else(|| wrong("this station sent no enrollment"))?;
        if resp.hub_key.as_deref().is_some_and(|k| k != p.hub_key) {
            return Err(SyncError::Unverified(
                "the enrollment answer names another signing key than the code".into(),
            ));
        }
        store.sync_set(&[
            (keys::HUB, Some(p.hub.clone())),
            (keys::TOKEN, Some(resp.token.clone())),
            (keys::FINGERPRINT, p.fingerprint.clone()),
            (keys::HUB_UNIT_NAME, Some(resp.unit_name.clone())),
            (keys::HUB_ID, Some(resp.hub_id.to_string())),
            (keys::HUB_KEY, Some(p.hub_key.clone())),
            (PENDING_ENROLL, None),
        ])?;
        if let Some(k) = resp.bundle_key.as_deref().filter(|k| bundle::is_recipient(k)) {
            store.sync_set(&[(HUB_BUNDLE_KEY, Some(k.to_owned()))])?;
        }
        if !resp.device_code.is_empty() {
            store.adopt_device_code(None, &resp.device_code)?;
        }
        report.enrolled = true;
    }
    if let Some(r) = &rb.refused_all {
        return Err(SyncError::Hub { status: r.status, body: r.error.clone() });
    }
    if store.sync_get(keys::TOKEN)?.is_none() {
        return Err(wrong(
            "this station is not enrolled and the return bundle carries no enrollment answer \
             (its enrollment was taken by an earlier return bundle, which was not imported: ask \
             the association for a new code)",
        ));
    }
    for r in &rb.refused {
        report.refused.push(format!(
            "events {}..={}: {} ({})",
            r.first_seq, r.last_seq, r.error.message, r.error.code
        ));
    }

    // Receipts, in order, as after pushes.
    let number = |v: Option<String>| v.and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    let batch_bytes = number(store.sync_get(keys::BATCH_BYTES)?).max(64 * 1024) as usize;
    for receipt in &rb.receipts {
        verify_receipt(&hub_key, receipt)?;
        if receipt.device != station.device {
            return Err(wrong("a receipt for another device"));
        }
        if receipt.acked_seq > number(store.sync_get(keys::ACKED)?) {
            record_receipt(store, receipt, batch_bytes)?;
            report.receipts += 1;
        } else {
            report.receipts_known += 1;
        }
    }
    if let Some(status) = &rb.status {
        let (head, _) = store.device_head()?;
        if status.acked_seq > head {
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
        if status.acked_seq > number(store.sync_get(keys::ACKED)?) {
            store.sync_set(&[(keys::ACKED, Some(status.acked_seq.to_string()))])?;
        }
        if let Some(k) = status.bundle_key.as_deref().filter(|k| bundle::is_recipient(k)) {
            store.sync_set(&[(HUB_BUNDLE_KEY, Some(k.to_owned()))])?;
        }
        if !status.device_code.is_empty() {
            store.adopt_device_code(None, &status.device_code)?;
        }
    }
    report.acked_seq = number(store.sync_get(keys::ACKED)?);

    // The feed, through the pull path.
    let mut cursor = number(store.sync_get(keys::CURSOR)?);
    if rb.pull_from > cursor && !rb.pull_restarted {
        report.pages_skipped = !rb.pages.is_empty();
    } else {
        if rb.pull_restarted {
            // The hub started the feed over (restored from a backup): what this station holds
            // already is skipped as it is applied.
            cursor = 0;
        }
        for page in &rb.pages {
            verify_checkpoint(&hub_key, &station.unit, page)?;
            report.pulled += page.events.len() as u64;
            let mut pairs = Vec::new();
            if page.next > cursor {
                pairs.push((keys::CURSOR, Some(page.next.to_string())));
                pairs.push((keys::CHECKPOINT, page.checkpoint.map(|c| c.to_string())));
                pairs.push((keys::CHECKPOINT_SIGNATURE, page.checkpoint_signature.clone()));
                cursor = page.next;
            }
            let applied = store.apply_remote_and_set(&page.events, &pairs, Source::Pull)?;
            report.applied += applied.inserted as u64;
            report.quarantined_here += applied.quarantined.len() as u64;
        }
    }
    import_files(store, &sealed, &rb, &mut report)?;
    let now = store.now().timestamp_millis().to_string();
    store.sync_set(&[(keys::LAST_SUCCESS, Some(now))])?;
    Ok(report)
}

/// The files of a return bundle: receipts for this station's files, the hub's refusals, and the
/// files carried here (after the feed, so that the events naming them are here).
fn import_files(
    store: &mut Store,
    sealed: &bundle::Sealed,
    rb: &bundle::ReturnBundle,
    report: &mut Imported,
) -> Result<(), SyncError> {
    for sha in &rb.files_held {
        // Only files held here: a receipt for anything else means nothing to this station.
        if casedesk_domain::document::is_sha256(sha)
            && store.has_blob(sha)?
            && !store.blob_synced(sha)?
        {
            store.blob_uploaded(sha)?;
            report.files_delivered += 1;
        }
    }
    for r in &rb.files_refused {
        if casedesk_domain::document::is_sha256(&r.sha256) && store.has_blob(&r.sha256)? {
            store.blob_failed(&r.sha256, BlobDirection::Up, &r.code, &r.message, true)?;
        }
        report.files_refused.push(format!("{}: {}: {}", r.sha256, r.code, r.message));
    }
    report.files_waiting = rb.files_waiting.len() as u64;
    let (good, bad) = bundle::check_files(&rb.files, &sealed.files);
    for r in bad {
        // Bytes that are not what the signed list names: discarded, as `blob.corrupt` on the
        // network lane.
        let code = match r.code.as_str() {
            codes::BLOB_TOO_LARGE => "blob.too_large",
            _ => "blob.corrupt",
        };
        if casedesk_domain::document::is_sha256(&r.sha256) {
            store.blob_failed(&r.sha256, BlobDirection::Down, code, &r.message, true)?;
        }
        report.files_discarded.push(format!("{}: {code}", r.sha256));
    }
    for (entry, bytes) in good {
        match store.blob_receive_whole(&entry.sha256, &bytes) {
            Ok(true) => report.files_received += 1,
            Ok(false) => report.files_known += 1,
            Err(StoreError::Blob { code, hash }) => {
                store.blob_failed(
                    &hash,
                    BlobDirection::Down,
                    code,
                    "from a return bundle",
                    true,
                )?;
                report.files_discarded.push(format!("{hash}: {code}"));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}
