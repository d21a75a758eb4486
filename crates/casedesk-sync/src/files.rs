//! The blob lane of sync: the files events name (evidence, the PDFs of issued documents).
//!
//! Files never block the event stream. After a round has pushed every event, `upload` sends
//! the files this station holds that the hub has not acknowledged whole, oldest first, in
//! chunks of `limits::BLOB_CHUNK_BYTES` from the offset the hub says it holds (so a cut upload
//! resumes where it stopped, in this round or a later one). After each pull page, `download`
//! fetches the files events name that this station lacks, in ranges of the same size appended
//! to a partial file that survives a cut; the finished bytes are hash-checked before they are
//! stored (`Store::blob_partial_finish`), and bytes that do not match are discarded.
//!
//! Every failure is recorded per file (`Store::blob_failed`: the code, the message, whether
//! the hub refused it) and shown in sync status; a file is tried again next round. A link that
//! fails stops the lane for this round (the next file would fail the same way); a refusal
//! moves on to the next file. Nothing here fails a round.

use casedesk_proto::limits::{BLOB_CHUNK_BYTES, MAX_BLOB_BYTES};
use casedesk_proto::sync::codes;
use casedesk_store::{BlobDirection, PendingBlob, Store};

use crate::{SyncError, SyncReport, Transport};

/// Files looked at per lane and round (the rest wait for the next round).
const FILES_PER_ROUND: usize = 200;

/// What happened to one file.
enum Outcome {
    Done,
    /// The link failed: stop the lane for this round.
    LinkDown,
    /// Refused or failed for this file only: go on with the next.
    Failed,
}

/// Uploads this station's files the hub does not hold yet. Never fails.
pub fn upload(store: &mut Store, t: &mut dyn Transport, report: &mut SyncReport) {
    let pending = match store.blobs_to_upload(FILES_PER_ROUND) {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, "cannot list the files to upload");
            return;
        }
    };
    for blob in pending {
        match upload_one(store, t, &blob) {
            Outcome::Done => report.files_uploaded += 1,
            Outcome::Failed => report.files_failed += 1,
            Outcome::LinkDown => {
                report.files_failed += 1;
                return;
            }
        }
    }
}

fn upload_one(store: &mut Store, t: &mut dyn Transport, blob: &PendingBlob) -> Outcome {
    let result = (|| -> Result<(), SyncError> {
        let mut state = t.blob_state(&blob.sha256)?;
        // A few offset conflicts (another device of the unit uploading the same file) are
        // settled by asking again; more means something is wrong.
        let mut conflicts = 0;
        while !state.complete {
            if state.held >= state.size {
                return Err(SyncError::Protocol(format!(
                    "the hub holds {} of {} bytes of {} but not the file",
                    state.held, state.size, blob.sha256
                )));
            }
            let len = BLOB_CHUNK_BYTES.min((state.size - state.held) as usize);
            let chunk = store.blob_chunk(&blob.sha256, state.held, len)?;
            if chunk.is_empty() {
                return Err(SyncError::Protocol(format!(
                    "the hub expects {} bytes of {}; this station holds {}",
                    state.size, blob.sha256, blob.size
                )));
            }
            match t.blob_put(&blob.sha256, state.held, &chunk) {
                Ok(next) => state = next,
                Err(SyncError::Hub { body, .. }) if body.code == codes::BLOB_OFFSET => {
                    conflicts += 1;
                    if conflicts > 3 {
                        return Err(SyncError::Protocol(format!(
                            "the hub's offset for {} keeps moving",
                            blob.sha256
                        )));
                    }
                    state = t.blob_state(&blob.sha256)?;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    })();
    match result {
        Ok(()) => match store.blob_uploaded(&blob.sha256) {
            Ok(()) => Outcome::Done,
            Err(e) => {
                tracing::warn!(error = %e, "cannot record an uploaded file");
                Outcome::Failed
            }
        },
        Err(e) => record_failure(store, &blob.sha256, BlobDirection::Up, &e),
    }
}

/// Fetches the files events name that this station does not hold. Never fails.
pub fn download(store: &mut Store, t: &mut dyn Transport, report: &mut SyncReport) {
    let pending = match store.blobs_to_download(FILES_PER_ROUND) {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, "cannot list the files to download");
            return;
        }
    };
    for blob in pending {
        match download_one(store, t, &blob) {
            Outcome::Done => report.files_downloaded += 1,
            Outcome::Failed => report.files_failed += 1,
            Outcome::LinkDown => {
                report.files_failed += 1;
                return;
            }
        }
    }
}

fn download_one(store: &mut Store, t: &mut dyn Transport, blob: &PendingBlob) -> Outcome {
    let result = (|| -> Result<(), SyncError> {
        if blob.size > MAX_BLOB_BYTES {
            return Err(SyncError::Hub {
                status: 413,
                body: casedesk_proto::sync::ErrorBody {
                    code: codes::BLOB_TOO_LARGE.into(),
                    message: format!(
                        "the event names a file of {} bytes; at most {MAX_BLOB_BYTES} are taken",
                        blob.size
                    ),
                },
            });
        }
        let mut held = store.blob_partial_len(&blob.sha256)?;
        while held < blob.size {
            let want = (BLOB_CHUNK_BYTES as u64).min(blob.size - held);
            let bytes = t.blob_get(&blob.sha256, held, want)?;
            if bytes.is_empty() || bytes.len() as u64 > want {
                return Err(SyncError::Protocol(format!(
                    "asked for {want} bytes of {} at {held}, got {}",
                    blob.sha256,
                    bytes.len()
                )));
            }
            held = store.blob_partial_append(&blob.sha256, blob.size, held, &bytes)?;
        }
        store.blob_partial_finish(&blob.sha256, &blob.media_type)?;
        Ok(())
    })();
    match result {
        Ok(()) => Outcome::Done,
        Err(e) => record_failure(store, &blob.sha256, BlobDirection::Down, &e),
    }
}

fn record_failure(
    store: &mut Store,
    sha256: &str,
    direction: BlobDirection,
    e: &SyncError,
) -> Outcome {
    let link_down = matches!(e, SyncError::Network(_) | SyncError::PinMismatch)
        || matches!(e, SyncError::Hub { body, .. }
            if body.code == codes::BUSY || body.code == codes::TIMEOUT
                || body.code == codes::RATE_LIMITED || body.code == codes::BLOB_UNAVAILABLE);
    // A file still on its way from the station that attached it is not a refusal.
    let refused = matches!(e, SyncError::Hub { body, .. } if body.code != codes::BLOB_NOT_HERE)
        && !link_down
        || matches!(e, SyncError::Store(casedesk_store::StoreError::Blob { .. }));
    tracing::info!(%sha256, ?direction, code = %e.code(), "file not synced: {e}");
    if let Err(record) = store.blob_failed(sha256, direction, &e.code(), &e.to_string(), refused) {
        tracing::warn!(error = %record, "cannot record a failed file");
    }
    if link_down { Outcome::LinkDown } else { Outcome::Failed }
}
