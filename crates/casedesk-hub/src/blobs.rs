//! The hub's files: content-addressed bytes outside the database.
//!
//! A file is kept as `<dir>/ab/ab12…` under its SHA-256 (lower-case hex), whatever store the
//! hub runs on (a folder beside the SQLite file, or `--blobs DIR`), so one file that many
//! events name is kept once. An upload in progress is `<dir>/partial/<sha256>`: every chunk
//! is appended at the offset the hub reports and fsynced before it is acknowledged, so an
//! upload cut at any point resumes from what the hub says it holds. When the partial file
//! reaches the size its event names, its bytes are hashed; if they match the name the file is
//! fsynced, renamed into place and its folder fsynced (a complete file is never half written);
//! otherwise the partial file is deleted and the upload refused.
//!
//! Who may upload or download a hash is decided by the store (`HubStore::blob_named_by`,
//! `HubStore::blob_in_feed`); this module only keeps bytes.

use std::fs;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use casedesk_proto::limits::{BLOB_CHUNK_BYTES, MAX_BLOB_BYTES};
use casedesk_proto::sync::BlobUploadState;
use sha2::{Digest, Sha256};

/// Why a file operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("the file name is not a SHA-256 in lower-case hex")]
    BadName,
    #[error("the file is {size} bytes; the hub takes at most {max}")]
    TooLarge { size: u64, max: u64 },
    #[error("a chunk of {len} bytes at {offset} goes past the limit or the file's size {size}")]
    ChunkTooLarge { len: usize, offset: u64, size: u64 },
    #[error("the chunk starts at byte {offset}; the hub holds {held}")]
    Offset { offset: u64, held: u64 },
    #[error("the uploaded bytes hash to {got}, not to the name {want}")]
    HashMismatch { got: String, want: String },
    #[error("the hub does not hold this file")]
    NotHere,
    #[error("the range is outside the file")]
    Range,
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

/// Whether `s` is a SHA-256 in lower-case hex (the only names the hub keeps files under).
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The folder of the hub's files.
#[derive(Debug)]
pub struct BlobDir {
    dir: PathBuf,
    /// Uploads change partial files one at a time (two devices may upload the same hash).
    lock: tokio::sync::Mutex<()>,
}

impl BlobDir {
    /// The folder at `dir` (created when missing).
    pub fn open(dir: impl Into<PathBuf>) -> std::io::Result<BlobDir> {
        let dir = dir.into();
        fs::create_dir_all(dir.join("partial"))?;
        Ok(BlobDir { dir, lock: tokio::sync::Mutex::new(()) })
    }

    /// The folder a hub whose files are named after `base` keeps its files in: `<base>.blobs`
    /// (`hub.db.blobs/` beside a SQLite file).
    pub fn beside(base: &Path) -> PathBuf {
        let mut name = base.as_os_str().to_owned();
        name.push(".blobs");
        PathBuf::from(name)
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    fn complete_path(&self, sha: &str) -> PathBuf {
        self.dir.join(&sha[..2]).join(sha)
    }

    fn partial_path(&self, sha: &str) -> PathBuf {
        self.dir.join("partial").join(sha)
    }

    /// The size of the complete file `sha`, if the hub holds it.
    pub fn complete_size(&self, sha: &str) -> Result<Option<u64>, BlobError> {
        if !is_sha256(sha) {
            return Err(BlobError::BadName);
        }
        match fs::metadata(self.complete_path(sha)) {
            Ok(m) => Ok(Some(m.len())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Where the upload of `sha` (of `size` bytes, as its event names) stands.
    pub async fn upload_state(&self, sha: &str, size: u64) -> Result<BlobUploadState, BlobError> {
        check_size(size)?;
        if self.complete_size(sha)?.is_some() {
            return Ok(BlobUploadState {
                sha256: sha.to_owned(),
                size,
                held: size,
                complete: true,
            });
        }
        let held = match fs::metadata(self.partial_path(sha)) {
            Ok(m) => m.len(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
            Err(e) => return Err(e.into()),
        };
        Ok(BlobUploadState { sha256: sha.to_owned(), size, held, complete: false })
    }

    /// Appends `chunk` at `offset` to the upload of `sha` (of `size` bytes, as its event names);
    /// finishes the file when it is whole. Blocking file work runs off the async threads.
    pub async fn put_chunk(
        &self,
        sha: &str,
        size: u64,
        offset: u64,
        chunk: Vec<u8>,
    ) -> Result<BlobUploadState, BlobError> {
        check_size(size)?;
        if chunk.len() > BLOB_CHUNK_BYTES || offset.saturating_add(chunk.len() as u64) > size {
            return Err(BlobError::ChunkTooLarge { len: chunk.len(), offset, size });
        }
        let _guard = self.lock.lock().await;
        let state = self.upload_state(sha, size).await?;
        if state.complete {
            // Held already (deduplicated): nothing to write.
            return Ok(state);
        }
        if offset != state.held {
            return Err(BlobError::Offset { offset, held: state.held });
        }
        let partial = self.partial_path(sha);
        let complete = self.complete_path(sha);
        let want = sha.to_owned();
        tokio::task::spawn_blocking(move || -> Result<BlobUploadState, BlobError> {
            let mut f = fs::OpenOptions::new().create(true).append(true).open(&partial)?;
            f.write_all(&chunk)?;
            f.sync_all()?;
            let held = offset + chunk.len() as u64;
            if held < size {
                return Ok(BlobUploadState { sha256: want, size, held, complete: false });
            }
            drop(f);
            let got = hash_file(&partial)?;
            if got != want {
                fs::remove_file(&partial)?;
                return Err(BlobError::HashMismatch { got, want });
            }
            let folder = complete.parent().ok_or(BlobError::BadName)?;
            fs::create_dir_all(folder)?;
            fs::rename(&partial, &complete)?;
            fs::File::open(folder)?.sync_all()?;
            Ok(BlobUploadState { sha256: want, size, held, complete: true })
        })
        .await
        .map_err(|e| BlobError::Io(std::io::Error::other(e.to_string())))?
    }

    /// Bytes `start..=end` (clamped to the file) of the complete file `sha`, and its size.
    pub async fn read_range(
        &self,
        sha: &str,
        start: u64,
        end: Option<u64>,
    ) -> Result<(Vec<u8>, u64, u64), BlobError> {
        let size = self.complete_size(sha)?.ok_or(BlobError::NotHere)?;
        if start >= size && !(start == 0 && size == 0) {
            return Err(BlobError::Range);
        }
        let last = end.unwrap_or(u64::MAX).min(size.saturating_sub(1));
        if last < start && size > 0 {
            return Err(BlobError::Range);
        }
        let len = if size == 0 { 0 } else { last - start + 1 };
        let path = self.complete_path(sha);
        let bytes = tokio::task::spawn_blocking(move || -> std::io::Result<Vec<u8>> {
            let mut f = fs::File::open(path)?;
            f.seek(SeekFrom::Start(start))?;
            let mut out = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
            f.take(len).read_to_end(&mut out)?;
            Ok(out)
        })
        .await
        .map_err(|e| BlobError::Io(std::io::Error::other(e.to_string())))??;
        Ok((bytes, start, size))
    }

    /// Stores a whole file whose hash was checked by the caller against `sha` (a USB bundle's
    /// file), temp file + fsync + rename. Content held already changes nothing.
    pub fn put_whole(&self, sha: &str, bytes: &[u8]) -> Result<(), BlobError> {
        if !is_sha256(sha) {
            return Err(BlobError::BadName);
        }
        let got = hex::encode(Sha256::digest(bytes));
        if got != sha {
            return Err(BlobError::HashMismatch { got, want: sha.to_owned() });
        }
        check_size(bytes.len() as u64)?;
        if self.complete_size(sha)?.is_some() {
            return Ok(());
        }
        let complete = self.complete_path(sha);
        let folder = complete.parent().ok_or(BlobError::BadName)?;
        fs::create_dir_all(folder)?;
        let tmp = self.dir.join("partial").join(format!("{sha}.whole"));
        {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
        }
        fs::rename(&tmp, &complete)?;
        fs::File::open(folder)?.sync_all()?;
        Ok(())
    }

    /// The bytes of the complete file `sha`, checked against its name.
    pub fn read_whole(&self, sha: &str) -> Result<Vec<u8>, BlobError> {
        if self.complete_size(sha)?.is_none() {
            return Err(BlobError::NotHere);
        }
        let bytes = fs::read(self.complete_path(sha))?;
        let got = hex::encode(Sha256::digest(&bytes));
        if got != sha {
            return Err(BlobError::HashMismatch { got, want: sha.to_owned() });
        }
        Ok(bytes)
    }
}

fn check_size(size: u64) -> Result<(), BlobError> {
    if size > MAX_BLOB_BYTES {
        return Err(BlobError::TooLarge { size, max: MAX_BLOB_BYTES });
    }
    Ok(())
}

fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut f = fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}
