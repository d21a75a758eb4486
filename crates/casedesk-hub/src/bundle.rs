//! USB bundles at the hub (`casedesk-hub bundle import`): a station's bundle is opened with the
//! hub's bundle key, its signature checked against the device's registered key (or, for a
//! station enrolling through its first bundle, the key its enrollment request registers), and
//! then everything in it goes through the device API's own handlers, in process: the
//! enrollment through `POST /v1/enroll`, each batch through `POST /v1/push`, then `GET
//! /v1/status` and the station's feed through `GET /v1/pull`. So a bundle meets exactly the
//! rules, limits, quarantine, ownership and signature checks of a push over the network, and is
//! as idempotent (a replayed batch gets its stored receipt back). The device is named to the
//! handlers by `api::InProcessDevice`, which no request from the network can carry.
//!
//! The answer is a `ReturnBundle` signed with the hub's key and encrypted to the station's
//! bundle key: the enrollment answer, the receipts, what was refused and why, the status and
//! the feed pages with their signed checkpoints.
//!
//! Files, after the pushes (so that the bundle's own events can name them): each file the
//! station bundle carries must be listed in its signed content and hash to its name
//! (`bundle::check_files`), be named by an accepted event this device pushed with the same size
//! (`HubStore::blob_named_by`, the network lane's ownership rule) and stay within
//! `limits::MAX_BLOB_BYTES`, and all of them within `limits::BUNDLE_FILES_BYTES` (the station's
//! budget, checked again here: a file past it is `blob_over_budget`); it is then stored by `BlobDir::put_whole` (temp file, fsync,
//! rename; content held already is kept once). A bad file is refused alone, with its code, in
//! the import's lines and the return bundle (`files_refused`); the events and the other files
//! are taken. The return bundle then carries `files_held` (the station's files the hub holds
//! now, carried or listed as waiting: the station marks them delivered) and the files the
//! station is owed: those named by the events of the feed pages in it (other devices' events)
//! and those the station lists as wanted (named by events it received earlier, when the hub did
//! not hold the file yet), each only if the unit's feed names it (`HubStore::blob_in_feed`, the
//! network lane's audience rule) and the hub holds it, oldest feed first, up to
//! `limits::BUNDLE_FILES_BYTES`; the rest are listed as waiting and the station asks again.
//! Using the station's own list of what it lacks (rather than the hub guessing from the feed
//! alone) is what lets a file that reached the hub after its event was delivered still arrive,
//! and lets a file cut off by the budget come with the next bundle.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use casedesk_proto::bundle::{
    self, FileBytes, FileEntry, FileRefused, Refused, ReturnBundle, Sealed, StationBundle,
};
use casedesk_proto::limits::BUNDLE_FILES_BYTES;
use casedesk_proto::sync::{
    DeviceStatus, EnrollResponse, ErrorBody, MAX_PULL_LIMIT, PROTOCOL_HEADER, PROTOCOL_VERSION,
    PullPage, PushReceipt, codes,
};
use serde::de::DeserializeOwned;
use tower::ServiceExt;
use uuid::Uuid;

use crate::api::{HubConfig, InProcessDevice, router};
use crate::blobs::{BlobDir, is_sha256};
use crate::error::{HubError, Result};
use crate::store::HubStore;

/// Most feed pages put in one return bundle (of `MAX_PULL_LIMIT` events each); the rest comes
/// with the next bundle.
pub const MAX_PAGES: usize = 200;

/// A return bundle to write.
#[derive(Debug)]
pub struct ReturnFile {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// What an import did, in lines for the administrator, and the return bundle when there is
/// one (a bundle that cannot be read or was not signed by its device gets none).
#[derive(Debug)]
pub struct Outcome {
    pub ok: bool,
    pub lines: Vec<String>,
    pub return_bundle: Option<ReturnFile>,
    pub bundle: Option<ReturnBundle>,
}

impl Outcome {
    fn refused(line: String) -> Outcome {
        Outcome { ok: false, lines: vec![line], return_bundle: None, bundle: None }
    }
}

struct Reply {
    status: StatusCode,
    body: Vec<u8>,
}

impl Reply {
    fn json<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body)
            .map_err(|e| HubError::Internal(format!("the hub's own answer: {e}")))
    }
    fn error(&self) -> Refused {
        let error = serde_json::from_slice::<ErrorBody>(&self.body).unwrap_or_else(|_| ErrorBody {
            code: "internal".into(),
            message: String::from_utf8_lossy(&self.body).chars().take(300).collect(),
        });
        Refused { first_seq: 0, last_seq: 0, status: self.status.as_u16(), error }
    }
}

async fn call(
    app: &Router,
    method: Method,
    path: &str,
    device: Option<Uuid>,
    body: Vec<u8>,
    zstd: bool,
) -> Result<Reply> {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
        .header("content-type", "application/json");
    if zstd {
        req = req.header("content-encoding", "zstd");
    }
    let mut req = req.body(Body::from(body)).map_err(|e| HubError::Internal(e.to_string()))?;
    if let Some(device) = device {
        req.extensions_mut().insert(InProcessDevice(device));
    }
    let resp = app.clone().oneshot(req).await.map_err(|e| HubError::Internal(e.to_string()))?;
    let status = resp.status();
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .map_err(|e| HubError::Internal(e.to_string()))?;
    Ok(Reply { status, body: body.to_vec() })
}

/// Most hashes of a station bundle's lists (waiting, wanted) looked at.
const MAX_FILES_LISTED: usize = 10_000;

/// Imports the station bundle `bytes` into `store` and makes the return bundle. `blobs` is the
/// folder of the hub's files (`None`: a hub that keeps none; files are refused with
/// `blob_unavailable` and none are returned).
pub async fn import<S: HubStore>(
    store: Arc<S>,
    blobs: Option<Arc<BlobDir>>,
    bytes: &[u8],
) -> Result<Outcome> {
    if bytes.len() as u64 > bundle::MAX_BUNDLE_BYTES {
        return Ok(Outcome::refused(format!(
            "refused: the file is larger than a bundle can be ({} bytes)",
            bytes.len()
        )));
    }
    let sealed = match bundle::open(bytes, store.bundle_identity()) {
        Ok(s) => s,
        Err(e) => return Ok(Outcome::refused(format!("refused: {e}"))),
    };
    let b = match sealed.station() {
        Ok(b) => b,
        Err(e) => return Ok(Outcome::refused(format!("refused: {e}"))),
    };
    if b.hub_id.is_some_and(|h| h != store.hub_id()) {
        return Ok(Outcome::refused(
            "refused: the bundle was written for another hub (its station enrolled elsewhere)"
                .into(),
        ));
    }
    if !bundle::is_recipient(&b.reply_key) {
        return Ok(Outcome::refused("refused: the bundle carries no valid reply key".into()));
    }
    let known = store.list_devices().await?.into_iter().find(|d| d.id == b.device);
    // Whose signature the bundle must carry: the device's registered key, or the key the
    // enrollment in it registers.
    let signer = match (&known, &b.enroll) {
        (Some(d), _) => d.sign_key.clone(),
        (None, Some(e)) => e.device_key.clone(),
        (None, None) => {
            return Ok(Outcome::refused(format!(
                "refused: device {} is not enrolled with this hub and the bundle carries no \
                 enrollment (paste the enrollment code at the station and export again)",
                b.device
            )));
        }
    };
    let Some(signer) = signer else {
        return Ok(Outcome::refused(format!(
            "refused: device {} has no signing key registered (it enrolled before keys): sync it \
             once over a link or enroll it again",
            b.device
        )));
    };
    if let Err(e) = sealed.verify(&signer) {
        return Ok(Outcome::refused(format!("refused: {e}")));
    }
    if let Some(d) = &known
        && d.unit != b.unit
    {
        return Ok(Outcome::refused(format!(
            "refused: the bundle names unit {}, device {} is enrolled for {}",
            b.unit, b.device, d.unit
        )));
    }

    let mut config = HubConfig::from_env(std::time::Duration::from_secs(600));
    config.blobs = blobs.clone();
    let app = router(Arc::clone(&store), config);
    let mut rb = ReturnBundle {
        format: bundle::RETURN_FORMAT.into(),
        answers: b.bundle_id,
        hub_id: store.hub_id(),
        device: b.device,
        unit: b.unit.clone(),
        created_ms: crate::now_ms(),
        enrolled: None,
        enrolled_before: false,
        refused_all: None,
        receipts: Vec::new(),
        refused: Vec::new(),
        status: None,
        pull_from: b.cursor,
        pull_restarted: false,
        pages: Vec::new(),
        files: Vec::new(),
        files_waiting: Vec::new(),
        files_held: Vec::new(),
        files_refused: Vec::new(),
    };
    let mut lines = vec![format!(
        "bundle {} of device {} (unit {}): {} batches, events {}..={}",
        b.bundle_id,
        b.device,
        b.unit,
        b.batches.len(),
        b.acked_known + 1,
        b.head
    )];

    if let Some(enroll) = &b.enroll {
        match &known {
            Some(d) if d.sign_key == enroll.device_key => {
                rb.enrolled_before = true;
                lines
                    .push("enrollment: taken by an earlier import of this station's bundle".into());
            }
            Some(_) => {
                let r = Refused {
                    first_seq: 0,
                    last_seq: 0,
                    status: 409,
                    error: ErrorBody {
                        code: codes::DEVICE_ENROLLED.into(),
                        message: "this device is enrolled already with another key".into(),
                    },
                };
                lines.push(format!("enrollment refused: {}", r.error.message));
                rb.refused_all = Some(r);
            }
            None => {
                let body =
                    serde_json::to_vec(enroll).map_err(|e| HubError::Internal(e.to_string()))?;
                let reply = call(&app, Method::POST, "/v1/enroll", None, body, false).await?;
                if reply.status == StatusCode::OK {
                    let resp: EnrollResponse = reply.json()?;
                    lines.push(format!(
                        "enrolled: device {} of {} ({}), device code {}",
                        b.device, resp.unit, resp.unit_name, resp.device_code
                    ));
                    rb.enrolled = Some(resp);
                } else {
                    let r = reply.error();
                    lines.push(format!(
                        "enrollment refused: {} ({})",
                        r.error.message, r.error.code
                    ));
                    rb.refused_all = Some(r);
                }
            }
        }
    }

    let mut carried = Vec::new();
    if rb.refused_all.is_none() {
        let acked_before = known.as_ref().map_or(0, |d| d.acked_seq);
        push_all(&app, &b, acked_before, &mut rb, &mut lines).await?;
    }
    if rb.refused_all.is_none() {
        take_files(&*store, blobs.as_ref(), &sealed, &b, &mut rb, &mut lines).await?;
        carried = owed_files(&*store, blobs.as_ref(), &b, &mut rb, &mut lines).await?;
    }
    let ok = rb.refused_all.is_none() && rb.refused.is_empty() && rb.files_refused.is_empty();
    let content = serde_json::to_string(&rb).map_err(|e| HubError::Internal(e.to_string()))?;
    let bytes = bundle::seal_with_files(&content, carried, store.signing_key(), &b.reply_key)
        .map_err(|e| HubError::Internal(e.to_string()))?;
    let file_name = format!(
        "casedesk-return-{}-{}-{}.{}",
        b.unit,
        &b.device.simple().to_string()[..8],
        &b.bundle_id.simple().to_string()[..12],
        bundle::EXTENSION
    );
    Ok(Outcome {
        ok,
        lines,
        return_bundle: Some(ReturnFile { file_name, bytes }),
        bundle: Some(rb),
    })
}

/// The pushes, the status and the pulls of an enrolled device.
async fn push_all(
    app: &Router,
    b: &StationBundle,
    acked_before: u64,
    rb: &mut ReturnBundle,
    lines: &mut Vec<String>,
) -> Result<()> {
    let device = Some(b.device);
    let (mut batches, mut quarantined) = (0u64, 0u64);
    for batch in &b.batches {
        let (first_seq, last_seq) = (
            batch.events.iter().map(|e| e.seq).min().unwrap_or(0),
            batch.events.iter().map(|e| e.seq).max().unwrap_or(0),
        );
        if batch.device != b.device {
            rb.refused.push(Refused {
                first_seq,
                last_seq,
                status: 400,
                error: ErrorBody {
                    code: codes::BAD_REQUEST.into(),
                    message: "a batch of another device".into(),
                },
            });
            break;
        }
        let json = serde_json::to_vec(batch).map_err(|e| HubError::Internal(e.to_string()))?;
        let body = zstd::encode_all(&json[..], 3).map_err(|e| HubError::Internal(e.to_string()))?;
        let reply = call(app, Method::POST, "/v1/push", device, body, true).await?;
        if reply.status == StatusCode::OK {
            let receipt: PushReceipt = reply.json()?;
            batches += 1;
            quarantined += receipt.quarantined.len() as u64;
            rb.receipts.push(receipt);
        } else {
            let mut r = reply.error();
            r.first_seq = first_seq;
            r.last_seq = last_seq;
            lines.push(format!(
                "batch {first_seq}..={last_seq} refused: {} ({}); the batches after it are not taken",
                r.error.message, r.error.code
            ));
            rb.refused.push(r);
            break;
        }
    }

    let reply =
        call(app, Method::GET, &format!("/v1/status?head={}", b.head), device, Vec::new(), false)
            .await?;
    if reply.status != StatusCode::OK {
        let r = reply.error();
        lines.push(format!("refused: {} ({})", r.error.message, r.error.code));
        rb.refused_all = Some(r);
        return Ok(());
    }
    let status: DeviceStatus = reply.json()?;
    // Receipts of batches taken before are the stored ones, replayed: count by the chain.
    lines.push(format!(
        "pushed: {batches} batches acknowledged, {} new events ({quarantined} quarantined); the \
         hub holds this device's events up to {}",
        status.acked_seq.saturating_sub(acked_before),
        status.acked_seq
    ));
    rb.status = Some(status);

    let (mut after, mut checkpoint) = (b.cursor, b.checkpoint);
    let mut events = 0usize;
    while rb.pages.len() < MAX_PAGES {
        let mut path = format!("/v1/pull?after={after}&limit={MAX_PULL_LIMIT}");
        if let Some(c) = checkpoint {
            path.push_str(&format!("&checkpoint={c}"));
        }
        let reply = call(app, Method::GET, &path, device, Vec::new(), false).await?;
        if reply.status != StatusCode::OK {
            let r = reply.error();
            if r.error.code == codes::CURSOR_UNKNOWN && !rb.pull_restarted {
                // The hub does not hold what the station pulled at its cursor (restored from
                // an older backup): the feed from the start; the station skips what it holds.
                rb.pull_restarted = true;
                rb.pull_from = 0;
                rb.pages.clear();
                (after, checkpoint) = (0, None);
                continue;
            }
            lines.push(format!("feed refused: {} ({})", r.error.message, r.error.code));
            rb.refused_all = Some(r);
            return Ok(());
        }
        let page: PullPage = reply.json()?;
        events += page.events.len();
        let (more, next) = (page.more, page.next);
        checkpoint = page.checkpoint;
        let empty = page.events.is_empty();
        rb.pages.push(page);
        after = next;
        if !more || empty {
            break;
        }
    }
    lines.push(format!(
        "feed: {events} events in {} pages, from position {} to {after}{}",
        rb.pages.len(),
        rb.pull_from,
        if rb.pages.last().is_some_and(|p| p.more) { " (more with the next bundle)" } else { "" }
    ));
    Ok(())
}

fn refusal(sha256: &str, code: &str, message: String) -> FileRefused {
    FileRefused { sha256: sha256.to_owned(), code: code.to_owned(), message }
}

/// The station's files: checked one by one, the good ones stored; a bad one is refused alone.
async fn take_files<S: HubStore>(
    store: &S,
    blobs: Option<&Arc<BlobDir>>,
    sealed: &Sealed,
    b: &StationBundle,
    rb: &mut ReturnBundle,
    lines: &mut Vec<String>,
) -> Result<()> {
    if b.files.is_empty() && sealed.files.is_empty() && b.files_waiting.is_empty() {
        return Ok(());
    }
    let Some(blobs) = blobs else {
        for f in &b.files {
            rb.files_refused.push(refusal(
                &f.sha256,
                codes::BLOB_UNAVAILABLE,
                "this hub keeps no files".into(),
            ));
        }
        lines.push(format!("files: {} refused: this hub keeps no files", b.files.len()));
        return Ok(());
    };
    let (good, bad) = bundle::check_files(&b.files, &sealed.files);
    rb.files_refused.extend(bad);
    let (mut stored, mut held_before) = (0u64, 0u64);
    for (entry, bytes) in good {
        let named = store.blob_named_by(b.device, entry.sha256.clone()).await?;
        match named {
            None => {
                rb.files_refused.push(refusal(
                    &entry.sha256,
                    codes::BLOB_NOT_NAMED,
                    "no accepted event of this device names the file".into(),
                ));
                continue;
            }
            Some(r) if r.size != Some(entry.size) => {
                rb.files_refused.push(refusal(
                    &entry.sha256,
                    codes::BLOB_SIZE_MISMATCH,
                    format!("the file is {} bytes, its event gives {:?}", entry.size, r.size),
                ));
                continue;
            }
            Some(_) => {}
        }
        let dir = Arc::clone(blobs);
        let sha = entry.sha256.clone();
        let put = tokio::task::spawn_blocking(move || -> std::result::Result<bool, _> {
            let before = dir.complete_size(&sha)?.is_some();
            dir.put_whole(&sha, &bytes).map(|()| before)
        })
        .await
        .map_err(|e| HubError::Internal(e.to_string()))?;
        match put {
            Ok(before) => {
                if before {
                    held_before += 1;
                } else {
                    stored += 1;
                }
                rb.files_held.push(entry.sha256);
            }
            Err(e) => {
                let e = HubError::Blob(e);
                rb.files_refused.push(refusal(&entry.sha256, e.code(), e.to_string()));
            }
        }
    }
    // Files not carried (past the budget) that the hub holds already (another device of the
    // unit delivered them): the station need not send them.
    let mut waiting_held = 0u64;
    for sha in b.files_waiting.iter().take(MAX_FILES_LISTED) {
        if is_sha256(sha)
            && !rb.files_held.contains(sha)
            && blobs.complete_size(sha).ok().flatten().is_some()
        {
            rb.files_held.push(sha.clone());
            waiting_held += 1;
        }
    }
    lines.push(format!(
        "files from the station: {stored} stored, {held_before} held already, {} refused; {} \
         waiting at the station for a later bundle ({waiting_held} of them held here already)",
        rb.files_refused.len(),
        b.files_waiting.len()
    ));
    for r in &rb.files_refused {
        lines.push(format!("file {} refused: {} ({})", r.sha256, r.message, r.code));
    }
    Ok(())
}

/// Whether `e` names a file (`case.evidence_added`, `case.document_issued`): its hash and the
/// type its payload gives.
fn named_file(e: &casedesk_proto::Event) -> Option<(String, String)> {
    let media_type = match e.kind.as_str() {
        "case.evidence_added" => e
            .payload
            .get("media_type")
            .and_then(|v| v.as_str())
            .unwrap_or("application/octet-stream")
            .to_owned(),
        "case.document_issued" => "application/pdf".to_owned(),
        _ => return None,
    };
    let sha = e.payload.get("sha256")?.as_str()?;
    is_sha256(sha).then(|| (sha.to_owned(), media_type))
}

/// The files the station is owed that the hub holds, within the budget; the bytes to carry.
async fn owed_files<S: HubStore>(
    store: &S,
    blobs: Option<&Arc<BlobDir>>,
    b: &StationBundle,
    rb: &mut ReturnBundle,
    lines: &mut Vec<String>,
) -> Result<Vec<FileBytes>> {
    let Some(blobs) = blobs else { return Ok(Vec::new()) };
    // Named by the feed in this bundle (other devices' events), then what the station lacks.
    let mut candidates: Vec<(String, String)> = Vec::new();
    for page in &rb.pages {
        for e in page.events.iter().filter(|e| e.device != b.device) {
            if let Some(f) = named_file(e)
                && !candidates.iter().any(|(s, _)| *s == f.0)
            {
                candidates.push(f);
            }
        }
    }
    for sha in b.files_wanted.iter().take(MAX_FILES_LISTED) {
        if is_sha256(sha) && !candidates.iter().any(|(s, _)| s == sha) {
            candidates.push((sha.clone(), "application/octet-stream".into()));
        }
    }
    let (mut carried, mut bytes_total, mut not_here) = (Vec::new(), 0u64, 0u64);
    for (sha, media_type) in candidates {
        let Some(size) = blobs.complete_size(&sha)? else {
            not_here += 1;
            continue;
        };
        if !store.blob_in_feed(b.unit.clone(), sha.clone()).await? {
            continue;
        }
        if bytes_total + size > BUNDLE_FILES_BYTES {
            rb.files_waiting.push(sha);
            continue;
        }
        let dir = Arc::clone(blobs);
        let name = sha.clone();
        let read = tokio::task::spawn_blocking(move || dir.read_whole(&name))
            .await
            .map_err(|e| HubError::Internal(e.to_string()))?;
        match read {
            Ok(data) => {
                bytes_total += data.len() as u64;
                carried.push(bundle::file_bytes(&sha, &data));
                rb.files.push(FileEntry { sha256: sha, size: data.len() as u64, media_type });
            }
            Err(e) => {
                tracing::warn!(%sha, error = %e, "a file the hub holds cannot be read");
                lines.push(format!("file {sha} not sent: the hub's copy cannot be read ({e})"));
            }
        }
    }
    if !rb.files.is_empty() || !rb.files_waiting.is_empty() || not_here > 0 {
        lines.push(format!(
            "files to the station: {} ({bytes_total} bytes), {} waiting for a later bundle, {not_here} \
             not at the hub yet",
            rb.files.len(),
            rb.files_waiting.len()
        ));
    }
    Ok(carried)
}
