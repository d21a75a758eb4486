//! The station's side of the blob lane of sync: which files wait to go to the hub, which are
//! owed from it, partial downloads kept across rounds, and what went wrong with each (the
//! `blob_sync` table).
//!
//! A file from elsewhere is never trusted: its bytes are gathered in `blobs/tmp/<sha>.part`,
//! and only once they hash to the name the event gives are they renamed into place (fsync of
//! the file and of its folder) and recorded in `blobs`; bytes that do not match are deleted and
//! the failure recorded (`blob.corrupt`).

use std::fs;
use std::io::Write;
use std::path::PathBuf;

use casedesk_domain::document;
use casedesk_proto::limits;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError};
use casedesk_domain::Issue;

use crate::Store;

/// Which way a file travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum BlobDirection {
    /// From this station to the hub.
    Up,
    /// From the hub to this station.
    Down,
}

impl BlobDirection {
    fn code(self) -> &'static str {
        match self {
            BlobDirection::Up => "up",
            BlobDirection::Down => "down",
        }
    }
}

/// A file waiting to travel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingBlob {
    pub sha256: String,
    /// The size its event gives.
    pub size: u64,
    pub media_type: String,
}

/// A file whose last attempt failed, with the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BlobProblem {
    pub sha256: String,
    pub direction: BlobDirection,
    /// The hub's refusal code (`blob_not_named`, `blob_hash_mismatch`, ...), `blob.corrupt`
    /// for bytes that did not match their hash, or `network`.
    pub code: String,
    pub message: String,
    /// The hub refused it (as opposed to a link that failed).
    pub refused: bool,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub attempts: u64,
}

/// Files waiting, as sync status shows them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BlobSyncSummary {
    /// Files of this station the hub does not hold yet.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub to_upload: u64,
    /// Files events name that this station has not received yet.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub to_download: u64,
    /// Files whose last attempt failed (still waiting: retried every round).
    pub problems: Vec<BlobProblem>,
}

impl Store {
    /// Files this station holds that the hub has not acknowledged whole, oldest first; files
    /// the hub refused last come after the others.
    pub fn blobs_to_upload(&self, limit: usize) -> Result<Vec<PendingBlob>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT b.sha256, b.size, b.media_type FROM blobs b
             LEFT JOIN blob_sync s ON s.sha256 = b.sha256
             WHERE s.done_at IS NULL
             ORDER BY coalesce(s.refused, 0), b.stored_at, b.sha256 LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], pending_blob)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Files events name that this station does not hold, with the size and type the event
    /// gives (the first naming event's), oldest event first; refused ones last.
    pub fn blobs_to_download(&self, limit: usize) -> Result<Vec<PendingBlob>> {
        let mut stmt = self.conn.prepare_cached(
            "WITH named (sha256, size, media_type, at) AS (
                 SELECT sha256, size, media_type, added_at FROM evidence
                 UNION ALL
                 SELECT sha256, bytes, 'application/pdf', issued_at FROM documents
             ), owed AS (
                 SELECT sha256, min(size) AS size, min(media_type) AS media_type, min(at) AS at
                 FROM named WHERE sha256 NOT IN (SELECT sha256 FROM blobs) GROUP BY sha256
             )
             SELECT o.sha256, o.size, o.media_type FROM owed o
             LEFT JOIN blob_sync s ON s.sha256 = o.sha256
             ORDER BY coalesce(s.refused, 0), o.at, o.sha256 LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], pending_blob)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Files this station holds that the hub has not acknowledged whole and that an event of
    /// this device names (what a USB bundle carries: the hub takes a file only from a device
    /// whose own event names it), oldest first, refused ones last.
    pub fn own_blobs_to_upload(&self, limit: usize) -> Result<Vec<PendingBlob>> {
        let device = self.require_station()?.device;
        let mut stmt = self.conn.prepare_cached(
            "SELECT b.sha256, b.size, b.media_type FROM blobs b
             LEFT JOIN blob_sync s ON s.sha256 = b.sha256
             WHERE s.done_at IS NULL AND (
               EXISTS (SELECT 1 FROM evidence v JOIN events e ON e.id = v.event
                       WHERE v.sha256 = b.sha256 AND e.device = ?1)
               OR EXISTS (SELECT 1 FROM documents d WHERE d.sha256 = b.sha256 AND d.device = ?1))
             ORDER BY coalesce(s.refused, 0), b.stored_at, b.sha256 LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![device.as_bytes(), limit as i64], pending_blob)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Takes a whole file received from elsewhere (a USB return bundle) for `sha256`, which an
    /// event here must name (`blob.not_named`; its type is the one that event gives): the bytes
    /// must hash to the name (`blob.corrupt` otherwise, nothing written) and be at most
    /// `limits::MAX_BLOB_BYTES` (`blob.too_large`); then they are written like every blob (temp
    /// file, fsync, rename, fsync of the folder) and recorded as held and received.
    /// `Ok(false)`: the station held the file already.
    pub fn blob_receive_whole(&mut self, sha256: &str, bytes: &[u8]) -> Result<bool> {
        if !document::is_sha256(sha256) {
            return Err(StoreError::invalid(vec![Issue::new("sha256", "hash.invalid")]));
        }
        if bytes.len() as u64 > limits::MAX_BLOB_BYTES {
            return Err(StoreError::Blob { code: "blob.too_large", hash: sha256.to_owned() });
        }
        if hex::encode(Sha256::digest(bytes)) != sha256 {
            return Err(StoreError::Blob { code: "blob.corrupt", hash: sha256.to_owned() });
        }
        if self.has_blob(sha256)? {
            return Ok(false);
        }
        let media_type: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT media_type FROM evidence WHERE sha256 = ?1
                 UNION ALL SELECT 'application/pdf' FROM documents WHERE sha256 = ?1 LIMIT 1",
            )?
            .query_row([sha256], |r| r.get(0))
            .optional()?;
        let Some(media_type) = media_type else {
            return Err(StoreError::Blob { code: "blob.not_named", hash: sha256.to_owned() });
        };
        self.keep_received(sha256, bytes, &media_type)?;
        Ok(true)
    }

    /// A received file checked against its name: kept as this station keeps its files (sealed
    /// on an encrypted one), recorded as held, and its download marked done.
    fn keep_received(&mut self, sha256: &str, bytes: &[u8], media_type: &str) -> Result<()> {
        self.write_blob(bytes)?;
        let now = self.now();
        let tx = self.conn.transaction()?;
        Store::record_blob(&tx, sha256, bytes.len(), media_type, now)?;
        upsert(&tx, sha256, BlobDirection::Down, None, now.timestamp_millis())?;
        tx.commit()?;
        Ok(())
    }

    /// At most `len` bytes of the held file `sha256` from `offset` (an upload's chunk). The
    /// whole file is read and checked (opened first when sealed; files are at most
    /// `limits::MAX_BLOB_BYTES`), so a damaged file is never uploaded.
    pub fn blob_chunk(&self, sha256: &str, offset: u64, len: usize) -> Result<Vec<u8>> {
        let cached = match &*self.chunk_source.borrow() {
            Some((sha, bytes)) if sha == sha256 => Some(bytes.clone()),
            _ => None,
        };
        let all = match cached {
            Some(b) => b,
            None => {
                let b = std::sync::Arc::new(self.blob(sha256)?);
                *self.chunk_source.borrow_mut() = Some((sha256.to_owned(), b.clone()));
                b
            }
        };
        let start = usize::try_from(offset).unwrap_or(usize::MAX).min(all.len());
        let end = start.saturating_add(len).min(all.len());
        Ok(all[start..end].to_vec())
    }

    fn partial_path(&self, sha256: &str) -> Result<PathBuf> {
        if !document::is_sha256(sha256) {
            return Err(StoreError::invalid(vec![Issue::new("sha256", "hash.invalid")]));
        }
        let dir = self
            .blob_dir()
            .ok_or_else(|| StoreError::Io(std::io::Error::other("no blob folder")))?
            .join("tmp");
        fs::create_dir_all(&dir)?;
        Ok(dir.join(format!("{sha256}.part")))
    }

    /// Bytes of `sha256` received so far (a download resumes from here).
    pub fn blob_partial_len(&self, sha256: &str) -> Result<u64> {
        match fs::metadata(self.partial_path(sha256)?) {
            Ok(m) => Ok(m.len()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
            Err(e) => Err(e.into()),
        }
    }

    /// Appends received bytes of `sha256` (of `size` bytes as its event gives); `offset` must
    /// be what `blob_partial_len` says. More bytes than the event names, or than
    /// `limits::MAX_BLOB_BYTES`, discard the partial file (`blob.too_large`).
    pub fn blob_partial_append(
        &self,
        sha256: &str,
        size: u64,
        offset: u64,
        bytes: &[u8],
    ) -> Result<u64> {
        let path = self.partial_path(sha256)?;
        let held = self.blob_partial_len(sha256)?;
        if held != offset {
            return Err(StoreError::integrity(format!(
                "partial download of {sha256} holds {held} bytes, not {offset}"
            )));
        }
        let total = offset.saturating_add(bytes.len() as u64);
        if total > size || total > limits::MAX_BLOB_BYTES {
            let _ = fs::remove_file(&path);
            return Err(StoreError::Blob { code: "blob.too_large", hash: sha256.to_owned() });
        }
        let mut f = fs::OpenOptions::new().create(true).append(true).open(&path)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        Ok(total)
    }

    /// Finishes the download of `sha256`: if the bytes received hash to the name, the file is
    /// moved into place (fsync of the file and its folder) and recorded as held and received;
    /// otherwise the bytes are deleted and the error is `blob.corrupt`.
    pub fn blob_partial_finish(&mut self, sha256: &str, media_type: &str) -> Result<()> {
        let path = self.partial_path(sha256)?;
        let bytes = fs::read(&path)?;
        let got = hex::encode(Sha256::digest(&bytes));
        if got != sha256 {
            fs::remove_file(&path)?;
            return Err(StoreError::Blob { code: "blob.corrupt", hash: sha256.to_owned() });
        }
        self.keep_received(sha256, &bytes, media_type)?;
        fs::remove_file(&path)?;
        Ok(())
    }

    /// Records that the hub holds `sha256` whole.
    pub fn blob_uploaded(&mut self, sha256: &str) -> Result<()> {
        let now = self.now().timestamp_millis();
        upsert(&self.conn, sha256, BlobDirection::Up, None, now)
    }

    /// Records a failed attempt at `sha256`: the code, the message, and whether the hub
    /// refused it (the file is tried again next round either way).
    pub fn blob_failed(
        &mut self,
        sha256: &str,
        direction: BlobDirection,
        code: &str,
        message: &str,
        refused: bool,
    ) -> Result<()> {
        let now = self.now().timestamp_millis();
        let message: String = message.chars().take(500).collect();
        upsert(&self.conn, sha256, direction, Some((code, &message, refused)), now)
    }

    /// Files waiting each way, and those whose last attempt failed.
    pub fn blob_sync_summary(&self) -> Result<BlobSyncSummary> {
        let to_upload: i64 = self.conn.query_row(
            "SELECT count(*) FROM blobs b LEFT JOIN blob_sync s ON s.sha256 = b.sha256
             WHERE s.done_at IS NULL",
            [],
            |r| r.get(0),
        )?;
        let to_download = self.missing_blobs()?.len() as u64;
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.sha256, s.direction, s.last_code, coalesce(s.last_error, ''), s.refused,
                s.attempts
             FROM blob_sync s
             WHERE s.done_at IS NULL AND s.last_code IS NOT NULL
               AND (s.direction = 'up' OR s.sha256 NOT IN (SELECT sha256 FROM blobs))
             ORDER BY s.refused DESC, s.updated_at DESC LIMIT 100",
        )?;
        let problems = stmt
            .query_map([], |r| {
                let direction: String = r.get(1)?;
                Ok(BlobProblem {
                    sha256: r.get(0)?,
                    direction: if direction == "up" {
                        BlobDirection::Up
                    } else {
                        BlobDirection::Down
                    },
                    code: r.get(2)?,
                    message: r.get(3)?,
                    refused: r.get::<_, i64>(4)? != 0,
                    attempts: r.get::<_, i64>(5)?.max(0) as u64,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(BlobSyncSummary { to_upload: to_upload.max(0) as u64, to_download, problems })
    }

    /// Whether the hub is known to hold `sha256` whole (or this station received it from it).
    pub fn blob_synced(&self, sha256: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT done_at IS NOT NULL FROM blob_sync WHERE sha256 = ?1")?
            .query_row([sha256], |r| r.get(0))
            .optional()?
            .unwrap_or(false))
    }
}

fn upsert(
    conn: &rusqlite::Connection,
    sha256: &str,
    direction: BlobDirection,
    failure: Option<(&str, &str, bool)>,
    now: i64,
) -> Result<()> {
    match failure {
        None => conn
            .prepare_cached(
                "INSERT INTO blob_sync (sha256, direction, done_at, attempts, updated_at)
                 VALUES (?1, ?2, ?3, 1, ?3)
                 ON CONFLICT (sha256) DO UPDATE SET direction = excluded.direction,
                   done_at = excluded.done_at, attempts = attempts + 1, refused = 0,
                   last_code = NULL, last_error = NULL, updated_at = excluded.updated_at",
            )?
            .execute(params![sha256, direction.code(), now])?,
        Some((code, message, refused)) => conn
            .prepare_cached(
                "INSERT INTO blob_sync (sha256, direction, attempts, refused, last_code,
                   last_error, updated_at)
                 VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6)
                 ON CONFLICT (sha256) DO UPDATE SET direction = excluded.direction,
                   done_at = NULL, attempts = attempts + 1, refused = excluded.refused,
                   last_code = excluded.last_code, last_error = excluded.last_error,
                   updated_at = excluded.updated_at",
            )?
            .execute(params![sha256, direction.code(), refused as i64, code, message, now])?,
    };
    Ok(())
}

/// A `PendingBlob` from a row of (sha256, size, media_type).
fn pending_blob(r: &rusqlite::Row<'_>) -> rusqlite::Result<PendingBlob> {
    Ok(PendingBlob {
        sha256: r.get(0)?,
        size: r.get::<_, i64>(1)?.max(0) as u64,
        media_type: r.get(2)?,
    })
}
