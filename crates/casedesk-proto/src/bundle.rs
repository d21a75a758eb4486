//! USB bundles: sync for a station that never gets a link, carried on a stick.
//!
//! A station writes a `StationBundle` (its enrollment request when it has never reached the
//! hub, the signed batches of what the hub has not acknowledged, its pull cursor); the hub
//! imports it through the same handlers as `POST /v1/enroll`, `GET /v1/status`, `POST
//! /v1/push` and `GET /v1/pull`, and writes a `ReturnBundle` (the enrollment answer, the signed
//! receipts, the station's feed pages with their signed checkpoints, the status after the
//! import), which the station applies as a pull.
//!
//! A bundle file is an age file (X25519, <https://age-encryption.org/v1>), encrypted to the
//! reader's bundle key: a station bundle to the hub's (learnt from the enrollment code, the
//! enrollment answer or a status), a return bundle to the station's (sent in its bundle). Inside
//! is a `Sealed` JSON document: the content's JSON text, the writer's Ed25519 public key, and
//! its signature of `signed_message(content)`. So a bundle is read only by its addressee, and
//! a change to any byte, a truncated file, or a bundle written by someone else is refused
//! before anything in it is used. Replays are harmless because everything inside is idempotent
//! (pushes are, pulls apply events once).
//!
//! Files (evidence, the PDFs of issued documents) travel beside the content: the signed content
//! lists each carried file (`FileEntry`: SHA-256, size, type) and `Sealed::files` holds the
//! bytes (base64). Bytes count only when they hash to a listed name (`check_files`), so the
//! signature covers them as it covers the events, while one bad file is refused alone (the
//! events and the other files are still taken). Files past `limits::BUNDLE_FILES_BYTES` wait
//! for the next bundle.

use std::io::{Read, Write};
use std::str::FromStr;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::limits::{BUNDLE_FILES_BYTES, MAX_BLOB_BYTES};
use crate::sign::{self, SecretKey};
use crate::sync::{
    DeviceStatus, EnrollRequest, EnrollResponse, ErrorBody, PullPage, PushBatch, PushReceipt, codes,
};

/// `format` of a station bundle.
pub const STATION_FORMAT: &str = "casedesk-station-bundle-v1";
/// `format` of a return bundle.
pub const RETURN_FORMAT: &str = "casedesk-return-bundle-v1";
/// File name extension of both.
pub const EXTENSION: &str = "cdkb";
/// Largest bundle file read (a station bundle carries at most a few hundred MB of events).
pub const MAX_BUNDLE_BYTES: u64 = 1 << 30;

/// What a station hands to the hub.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationBundle {
    pub format: String,
    /// Unique per export; the return bundle names it.
    pub bundle_id: Uuid,
    pub device: Uuid,
    pub unit: String,
    /// The hub this station enrolled with (`None` before its first enrollment answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hub_id: Option<Uuid>,
    pub created_ms: i64,
    /// The station's last own sequence number.
    pub head: u64,
    /// How far the station knows the hub holds its chain (its last receipt or status).
    pub acked_known: u64,
    /// The enrollment request of a station that has no enrollment answer yet (the code was
    /// pasted at the station, as for an enrollment over a link).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enroll: Option<EnrollRequest>,
    /// Contiguous batches from `acked_known + 1` to `head`, each signed like a push.
    pub batches: Vec<PushBatch>,
    /// The station's pull cursor and the checkpoint it holds for it.
    pub cursor: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<Uuid>,
    /// The station's bundle key (age X25519 recipient): the return bundle is encrypted to it.
    pub reply_key: String,
    /// Files this bundle carries (their bytes in `Sealed::files`): files the station holds that
    /// the hub has not acknowledged and that its own events name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileEntry>,
    /// More such files, not carried (past `limits::BUNDLE_FILES_BYTES`): they come with a later
    /// bundle; the hub says which of them it holds already.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files_waiting: Vec<String>,
    /// Files the station's events name that it does not hold (owed from the hub).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files_wanted: Vec<String>,
}

/// A file a bundle carries, as its signed content lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// SHA-256 of the bytes (lower-case hex), the name events give the file.
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
}

/// A file's bytes, beside the signed content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileBytes {
    pub sha256: String,
    /// The bytes, base64 (standard alphabet, padded).
    pub data: String,
}

/// A file of a bundle that was not taken, and why (a code of `sync::codes`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRefused {
    pub sha256: String,
    pub code: String,
    pub message: String,
}

/// A batch of a station bundle the hub refused, and why (the error a push would have had).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    pub first_seq: u64,
    pub last_seq: u64,
    pub status: u16,
    pub error: ErrorBody,
}

/// What the hub hands back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnBundle {
    pub format: String,
    /// The station bundle this answers.
    pub answers: Uuid,
    pub hub_id: Uuid,
    pub device: Uuid,
    pub unit: String,
    pub created_ms: i64,
    /// The enrollment answer, when the station bundle carried an enrollment that the hub took
    /// now (an enrollment already taken by an earlier import of the same request is
    /// `enrolled_before`: its answer, with the token, was in the first return bundle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enrolled: Option<EnrollResponse>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub enrolled_before: bool,
    /// The enrollment or the whole import was refused (no device, revoked, frozen, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused_all: Option<Refused>,
    /// Receipts of the batches the hub took (signed, as over a link).
    #[serde(default)]
    pub receipts: Vec<PushReceipt>,
    /// Batches the hub refused (the first refused one ends the pushes).
    #[serde(default)]
    pub refused: Vec<Refused>,
    /// The hub's answer to `status` after the pushes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DeviceStatus>,
    /// The station's feed pages in order, from `pull_from` (0 when the hub did not hold the
    /// station's checkpoint any more and started the feed over).
    pub pull_from: u64,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pull_restarted: bool,
    #[serde(default)]
    pub pages: Vec<PullPage>,
    /// Files this bundle carries to the station (bytes in `Sealed::files`): files the events of
    /// its feed name (in these pages, or listed as wanted by the station) that the hub holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileEntry>,
    /// Files the station is owed and the hub holds that did not fit this bundle.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files_waiting: Vec<String>,
    /// Receipts for files: the station's own files (carried, or listed as waiting) that the
    /// hub now holds whole. The station marks them delivered and does not send them again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files_held: Vec<String>,
    /// Files of the station bundle the hub refused, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files_refused: Vec<FileRefused>,
}

/// A bundle's plaintext: the content and its writer's signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    /// The content's JSON text, signed as is.
    pub content: String,
    /// The writer's Ed25519 public key (hex).
    pub key: String,
    /// The writer's signature (hex) of `signed_message(content)`.
    pub signature: String,
    /// The bytes of the files the content lists (`check_files` ties them to the list).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileBytes>,
}

/// The bytes of `bytes` as a bundle carries them.
pub fn file_bytes(sha256: &str, bytes: &[u8]) -> FileBytes {
    FileBytes {
        sha256: sha256.to_owned(),
        data: base64::engine::general_purpose::STANDARD.encode(bytes),
    }
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn file_refused(sha256: &str, code: &str, message: String) -> FileRefused {
    FileRefused { sha256: sha256.chars().take(64).collect(), code: code.into(), message }
}

/// Ties the carried bytes to the signed list: each listed file whose bytes are there, decode,
/// are its size (at most `limits::MAX_BLOB_BYTES`) and hash to its name, with those bytes; and
/// every file that fails, with its reason: listed without bytes (`blob_absent`), bytes of
/// another size (`blob_size_mismatch`) or over the limit (`blob_too_large`), bytes that do not
/// hash to the name (`blob_hash_mismatch`), bytes the list does not name (`blob_not_listed`),
/// and, in the order listed, each good file that would bring the good ones past
/// `limits::BUNDLE_FILES_BYTES` (`blob_over_budget`): the budget an exporter keeps to is
/// checked again on import, so a crafted bundle cannot make the reader hold more.
pub fn check_files(
    listed: &[FileEntry],
    carried: &[FileBytes],
) -> (Vec<(FileEntry, Vec<u8>)>, Vec<FileRefused>) {
    check_files_within(listed, carried, BUNDLE_FILES_BYTES)
}

/// `check_files` with the file budget given (the tests use a small one).
fn check_files_within(
    listed: &[FileEntry],
    carried: &[FileBytes],
    budget: u64,
) -> (Vec<(FileEntry, Vec<u8>)>, Vec<FileRefused>) {
    let (mut good, mut bad) = (Vec::new(), Vec::new());
    let mut taken: u64 = 0;
    for entry in listed {
        if !is_sha256(&entry.sha256) {
            bad.push(file_refused(
                &entry.sha256,
                codes::BAD_REQUEST,
                "the file name is not a SHA-256 in lower-case hex".into(),
            ));
            continue;
        }
        if good.iter().any(|(e, _): &(FileEntry, Vec<u8>)| e.sha256 == entry.sha256) {
            continue;
        }
        if entry.size > MAX_BLOB_BYTES {
            bad.push(file_refused(
                &entry.sha256,
                codes::BLOB_TOO_LARGE,
                format!("the file is {} bytes; at most {MAX_BLOB_BYTES} are taken", entry.size),
            ));
            continue;
        }
        if taken.saturating_add(entry.size) > budget {
            bad.push(file_refused(
                &entry.sha256,
                codes::BLOB_OVER_BUDGET,
                format!(
                    "{} bytes with the files before it, past the {budget} a bundle may \
                     carry; send it with a later bundle",
                    taken.saturating_add(entry.size)
                ),
            ));
            continue;
        }
        let Some(carried) = carried.iter().find(|f| f.sha256 == entry.sha256) else {
            bad.push(file_refused(
                &entry.sha256,
                codes::BLOB_ABSENT,
                "listed in the bundle, but its bytes are not in it".into(),
            ));
            continue;
        };
        // Base64 of more than the limit is not decoded at all.
        if carried.data.len() as u64 > MAX_BLOB_BYTES / 3 * 4 + 8 {
            bad.push(file_refused(
                &entry.sha256,
                codes::BLOB_TOO_LARGE,
                format!("the bytes carried are more than {MAX_BLOB_BYTES}"),
            ));
            continue;
        }
        let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(&carried.data) else {
            bad.push(file_refused(
                &entry.sha256,
                codes::BLOB_ABSENT,
                "its bytes in the bundle are not base64".into(),
            ));
            continue;
        };
        if bytes.len() as u64 != entry.size {
            bad.push(file_refused(
                &entry.sha256,
                codes::BLOB_SIZE_MISMATCH,
                format!("{} bytes carried, the list gives {}", bytes.len(), entry.size),
            ));
            continue;
        }
        let got = hex::encode(Sha256::digest(&bytes));
        if got != entry.sha256 {
            bad.push(file_refused(
                &entry.sha256,
                codes::BLOB_HASH_MISMATCH,
                format!("the bytes hash to {got}, not to the name"),
            ));
            continue;
        }
        taken += entry.size;
        good.push((entry.clone(), bytes));
    }
    for f in carried {
        if !listed.iter().any(|e| e.sha256 == f.sha256) {
            bad.push(file_refused(
                &f.sha256,
                codes::BLOB_NOT_LISTED,
                "bytes the bundle's signed content does not list".into(),
            ));
        }
    }
    (good, bad)
}

/// Why a bundle file was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BundleError {
    /// Not an age file at all (another file, or its first bytes are damaged).
    NotABundle(String),
    /// Encrypted for another key (another hub or another station).
    NotForUs,
    /// The encrypted data do not decrypt: the file is cut short or was changed.
    Damaged(String),
    /// The content does not carry the signature it should.
    BadSignature(String),
    /// Decrypted and signed, but not what was expected (format, device, hub).
    Wrong(String),
}

impl std::fmt::Display for BundleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BundleError::NotABundle(e) => write!(f, "not a CaseDesk bundle ({e})"),
            BundleError::NotForUs => {
                write!(f, "the bundle is encrypted for another hub or station")
            }
            BundleError::Damaged(e) => {
                write!(f, "the bundle is damaged: cut short or changed after it was written ({e})")
            }
            BundleError::BadSignature(e) => write!(f, "the bundle's signature is wrong: {e}"),
            BundleError::Wrong(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for BundleError {}

/// What a bundle's writer signs: a tag and the SHA-256 of the content.
pub fn signed_message(content: &str) -> Vec<u8> {
    let digest = hex::encode(Sha256::digest(content.as_bytes()));
    format!("casedesk-bundle-v1\n{digest}").into_bytes()
}

/// A new bundle key: (the secret identity `AGE-SECRET-KEY-1...`, its recipient `age1...`).
pub fn new_bundle_key() -> (String, String) {
    use age::secrecy::ExposeSecret;
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    (identity.to_string().expose_secret().to_owned(), recipient)
}

/// The recipient (`age1...`) of a secret identity, `None` when it is not one.
pub fn recipient_of(identity: &str) -> Option<String> {
    age::x25519::Identity::from_str(identity.trim()).ok().map(|i| i.to_public().to_string())
}

/// Whether `key` is an age X25519 recipient.
pub fn is_recipient(key: &str) -> bool {
    age::x25519::Recipient::from_str(key.trim()).is_ok()
}

/// Signs `content` (JSON text) with `signer` and encrypts it to `recipient`.
pub fn seal(content: &str, signer: &SecretKey, recipient: &str) -> Result<Vec<u8>, BundleError> {
    seal_with_files(content, Vec::new(), signer, recipient)
}

/// `seal`, with the bytes of the files the content lists.
pub fn seal_with_files(
    content: &str,
    files: Vec<FileBytes>,
    signer: &SecretKey,
    recipient: &str,
) -> Result<Vec<u8>, BundleError> {
    let recipient = age::x25519::Recipient::from_str(recipient.trim())
        .map_err(|e| BundleError::Wrong(format!("not a bundle key: {e}")))?;
    let sealed = Sealed {
        content: content.to_owned(),
        key: signer.public_hex(),
        signature: signer.sign(&signed_message(content)),
        files,
    };
    let plain = serde_json::to_vec(&sealed).map_err(|e| BundleError::Wrong(e.to_string()))?;
    let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as _))
        .map_err(|e| BundleError::Wrong(format!("encryption: {e}")))?;
    let mut out = Vec::with_capacity(plain.len() + 512);
    let mut writer = encryptor
        .wrap_output(&mut out)
        .map_err(|e| BundleError::Wrong(format!("encryption: {e}")))?;
    writer.write_all(&plain).map_err(|e| BundleError::Wrong(format!("encryption: {e}")))?;
    writer.finish().map_err(|e| BundleError::Wrong(format!("encryption: {e}")))?;
    Ok(out)
}

/// Decrypts a bundle file with `identity` (`AGE-SECRET-KEY-1...`). The signature is checked by
/// `Sealed::verify`, once the reader knows whose key it must be.
pub fn open(bytes: &[u8], identity: &str) -> Result<Sealed, BundleError> {
    let identity = age::x25519::Identity::from_str(identity.trim())
        .map_err(|e| BundleError::Wrong(format!("the bundle key held here is unreadable: {e}")))?;
    if !bytes.starts_with(b"age-encryption.org/") {
        return Err(BundleError::NotABundle("no age header".into()));
    }
    let decryptor = match age::Decryptor::new(bytes) {
        Ok(d) => d,
        Err(age::DecryptError::InvalidHeader | age::DecryptError::UnknownFormat) => {
            return Err(BundleError::NotABundle("no age header".into()));
        }
        Err(e) => return Err(BundleError::Damaged(e.to_string())),
    };
    let mut reader = match decryptor.decrypt(std::iter::once(&identity as _)) {
        Ok(r) => r,
        Err(age::DecryptError::NoMatchingKeys) => return Err(BundleError::NotForUs),
        Err(e) => return Err(BundleError::Damaged(e.to_string())),
    };
    let mut plain = Vec::new();
    reader
        .by_ref()
        .take(MAX_BUNDLE_BYTES)
        .read_to_end(&mut plain)
        .map_err(|e| BundleError::Damaged(e.to_string()))?;
    serde_json::from_slice(&plain)
        .map_err(|e| BundleError::Damaged(format!("the decrypted content is not a bundle: {e}")))
}

impl Sealed {
    /// Checks that `key` (hex) signed the content.
    pub fn verify(&self, key: &str) -> Result<(), BundleError> {
        if self.key.trim() != key.trim() {
            return Err(BundleError::BadSignature(
                "written with another key than the one this bundle must come from".into(),
            ));
        }
        if !sign::verify(key, &signed_message(&self.content), &self.signature) {
            return Err(BundleError::BadSignature("the content does not match it".into()));
        }
        Ok(())
    }

    pub fn station(&self) -> Result<StationBundle, BundleError> {
        let b: StationBundle = serde_json::from_str(&self.content).map_err(|e| {
            BundleError::Wrong(format!("not a station bundle (a return bundle?): {e}"))
        })?;
        if b.format != STATION_FORMAT {
            return Err(BundleError::Wrong(format!(
                "not a station bundle: its format is {:?}",
                b.format
            )));
        }
        Ok(b)
    }

    pub fn return_bundle(&self) -> Result<ReturnBundle, BundleError> {
        let b: ReturnBundle = serde_json::from_str(&self.content).map_err(|e| {
            BundleError::Wrong(format!("not a return bundle (a station bundle?): {e}"))
        })?;
        if b.format != RETURN_FORMAT {
            return Err(BundleError::Wrong(format!(
                "not a return bundle: its format is {:?}",
                b.format
            )));
        }
        Ok(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_bundles_open_only_for_their_key_and_only_whole() {
        let (identity, recipient) = new_bundle_key();
        let (other, _) = new_bundle_key();
        assert_eq!(recipient_of(&identity).as_deref(), Some(recipient.as_str()));
        let signer = SecretKey::from_seed([7; 32]);
        let bytes = seal("{\"a\":1}", &signer, &recipient).unwrap();
        let sealed = open(&bytes, &identity).unwrap();
        sealed.verify(&signer.public_hex()).unwrap();
        assert_eq!(sealed.content, "{\"a\":1}");
        assert_eq!(open(&bytes, &other), Err(BundleError::NotForUs));
        let cut = &bytes[..bytes.len() - 5];
        assert!(matches!(open(cut, &identity), Err(BundleError::Damaged(_))), "truncated");
        let mut flipped = bytes.clone();
        let last = flipped.len() - 3;
        flipped[last] ^= 1;
        assert!(matches!(open(&flipped, &identity), Err(BundleError::Damaged(_))), "changed");
        assert!(matches!(open(b"hello", &identity), Err(BundleError::NotABundle(_))));
        let other_signer = SecretKey::from_seed([8; 32]);
        assert!(matches!(
            sealed.verify(&other_signer.public_hex()),
            Err(BundleError::BadSignature(_))
        ));
        let forged = Sealed { content: "{\"a\":2}".into(), ..sealed };
        assert!(matches!(forged.verify(&signer.public_hex()), Err(BundleError::BadSignature(_))));
    }

    #[test]
    fn carried_files_count_only_when_listed_whole_and_hashing_to_their_name() {
        let entry = |bytes: &[u8]| FileEntry {
            sha256: hex::encode(Sha256::digest(bytes)),
            size: bytes.len() as u64,
            media_type: "image/jpeg".into(),
        };
        let (a, b, c) = (b"photo a".to_vec(), b"photo b".to_vec(), b"photo c".to_vec());
        let (ea, eb, ec) = (entry(&a), entry(&b), entry(&c));
        let mut tampered = file_bytes(&eb.sha256, &b);
        tampered.data = file_bytes(&eb.sha256, b"photo B").data;
        let carried = vec![file_bytes(&ea.sha256, &a), tampered, file_bytes(&ec.sha256, &c)];
        let listed = vec![ea.clone(), eb.clone()];
        let (good, bad) = check_files(&listed, &carried);
        assert_eq!(good, vec![(ea.clone(), a.clone())]);
        let codes: Vec<(&str, &str)> =
            bad.iter().map(|r| (r.sha256.as_str(), r.code.as_str())).collect();
        assert_eq!(
            codes,
            vec![
                (eb.sha256.as_str(), codes::BLOB_HASH_MISMATCH),
                (ec.sha256.as_str(), codes::BLOB_NOT_LISTED)
            ]
        );
        let short = FileEntry { size: 3, ..ea.clone() };
        let (good, bad) = check_files(&[short, ec.clone()], &[file_bytes(&ea.sha256, &a)]);
        assert!(good.is_empty());
        assert_eq!(bad[0].code, codes::BLOB_SIZE_MISMATCH);
        assert_eq!(bad[1].code, codes::BLOB_ABSENT);
        let huge = FileEntry { size: MAX_BLOB_BYTES + 1, ..ea.clone() };
        assert_eq!(check_files(&[huge], &[]).1[0].code, codes::BLOB_TOO_LARGE);

        // The file budget: good files are taken in the order listed until the next would pass
        // it; that one is refused with its own code and the smaller one after it still fits.
        let d = b"photo dd".to_vec();
        let ed = entry(&d);
        let carried = vec![
            file_bytes(&ea.sha256, &a),
            file_bytes(&ed.sha256, &d),
            file_bytes(&eb.sha256, &b),
        ];
        let budget = (a.len() + b.len()) as u64;
        let (good, bad) =
            check_files_within(&[ea.clone(), ed.clone(), eb.clone()], &carried, budget);
        assert_eq!(good, vec![(ea.clone(), a.clone()), (eb.clone(), b.clone())]);
        assert_eq!(bad.len(), 1);
        assert_eq!(
            (bad[0].sha256.as_str(), bad[0].code.as_str()),
            (ed.sha256.as_str(), codes::BLOB_OVER_BUDGET)
        );
        // A lying size counts as given: a huge listed size cannot hide under the budget.
        let liar = FileEntry { size: u64::MAX, ..ec.clone() };
        let (_, bad) = check_files_within(&[liar], &[file_bytes(&ec.sha256, &c)], budget);
        assert_eq!(bad[0].code, codes::BLOB_TOO_LARGE);

        // Sealed and opened, the files come back as written; the signature covers the list.
        let (identity, recipient) = new_bundle_key();
        let signer = SecretKey::from_seed([9; 32]);
        let bytes =
            seal_with_files("{}", vec![file_bytes(&ea.sha256, &a)], &signer, &recipient).unwrap();
        let sealed = open(&bytes, &identity).unwrap();
        sealed.verify(&signer.public_hex()).unwrap();
        assert_eq!(check_files(std::slice::from_ref(&ea), &sealed.files).0, vec![(ea, a)]);
    }
}
