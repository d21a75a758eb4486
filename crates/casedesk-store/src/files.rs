//! Documents issued and files attached: the write side (`issue_document`, `add_evidence`) and
//! the content-addressed blob store beside the database.
//!
//! A blob is a file named by its SHA-256 under `blobs/` beside the database
//! (`blobs/ab/ab12…`). It is written to a temporary file in `blobs/tmp/`, fsynced, renamed into
//! place and its folder fsynced **before** the event that names it is committed, so an event
//! never names a file that a crash lost; a crash after the rename and before the commit leaves
//! only an unreferenced file, which `verify` counts and a later write of the same content
//! reuses. The `blobs` table lists what this station holds: a hash that an event names and
//! the table lacks is a file still to come from another station (`missing_blobs`, for the blob
//! lane of sync).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use casedesk_domain::case::{self, CaseState};
use casedesk_domain::document::{self, DocSettings, NumberParts};
use casedesk_domain::event::{CaseEvent, DocumentIssued, EvidenceAdded};
use casedesk_domain::reference::RuleSet;
use casedesk_domain::types::DocKind;
use casedesk_domain::{Issue, deadline};
use casedesk_proto::limits;
use chrono::{DateTime, Datelike, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::blobcrypt::{self, BlobKey};
use crate::error::{Result, StoreError};
use crate::{Store, op_result};

/// The media types a station accepts as evidence, told from the file's first bytes.
pub const EVIDENCE_TYPES: &[&str] = &["image/jpeg", "image/png", "application/pdf"];

/// The media type of `bytes` from its signature, if it is one of `EVIDENCE_TYPES`.
pub fn sniff_media_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// SHA-256 of `bytes` in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A file to attach to a case.
#[derive(Clone, Debug)]
pub struct NewEvidence {
    pub name: String,
    pub description: String,
    pub original_returned: bool,
    /// The number of the issued document this file is the signed copy of.
    pub for_document: Option<String>,
    pub bytes: Vec<u8>,
}

/// A document to record as issued: what `casedesk-docs` rendered with the number
/// `Store::next_document_number` gave.
#[derive(Clone, Debug)]
pub struct NewDocument {
    pub kind: DocKind,
    pub subject: Option<Uuid>,
    pub recipient: casedesk_domain::types::Recipient,
    pub delivery: casedesk_domain::types::Delivery,
    pub items: Vec<String>,
    pub due: Option<chrono::NaiveDate>,
    pub template: String,
    pub number: String,
    pub issued_at: DateTime<Utc>,
    pub pdf: Vec<u8>,
}

/// An issued document, as the documents panel lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DocumentRow {
    pub event: Uuid,
    pub case_id: Uuid,
    pub case_no: String,
    #[serde(flatten)]
    pub doc: DocumentIssued,
    pub unit: String,
    /// Whether this station holds the PDF (a document issued elsewhere arrives without it
    /// until files travel with sync).
    pub pdf_here: bool,
    /// Another document has the same number (two devices that shared a code before
    /// enrollment).
    pub duplicate_number: bool,
}

/// A file attached to a case, as the evidence list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EvidenceRow {
    pub event: Uuid,
    #[serde(flatten)]
    pub item: EvidenceAdded,
    /// Whether this station holds the file.
    pub file_here: bool,
}

/// What `verify` found of the files.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BlobReport {
    /// Files this station holds and checked.
    pub checked: u64,
    /// Files listed as held whose content no longer matches their hash, or that are gone.
    pub errors: Vec<String>,
    /// Hashes events name that this station does not hold (files still to come).
    pub missing: u64,
    /// Files under `blobs/` that no record names (left by a crash before a commit).
    pub unreferenced: u64,
}

fn counter_key(rule_set: RuleSet, kind: DocKind, year: i32) -> String {
    let family = if rule_set == RuleSet::Own { "own" } else { "entrusted" };
    format!("doc.{family}.{}.{year}", kind.code())
}

fn next_number(
    conn: &Connection,
    settings: &DocSettings,
    device_code: &str,
    rule_set: RuleSet,
    kind: DocKind,
    at: DateTime<Utc>,
) -> Result<(String, String, i64)> {
    let year = deadline::local_date(at).year();
    let key = counter_key(rule_set, kind, year);
    let n: i64 = conn
        .prepare_cached("SELECT value FROM counters WHERE name = ?1")?
        .query_row([&key], |r| r.get(0))
        .optional()?
        .unwrap_or(0)
        + 1;
    let parts = NumberParts { kind, rule_set, year, device: device_code, n: n as u64 };
    Ok((document::format_number(settings, &parts), key, n))
}

impl Store {
    /// Where blobs are kept: `blobs/` beside the database file (None for an in-memory
    /// database until `set_blob_dir`).
    pub fn blob_dir(&self) -> Option<&Path> {
        self.blob_dir.as_deref()
    }

    /// Keeps blobs in `dir` (tests, and in-memory databases).
    pub fn set_blob_dir(&mut self, dir: impl Into<PathBuf>) {
        self.blob_dir = Some(dir.into());
    }

    fn require_blob_dir(&self) -> Result<&Path> {
        self.blob_dir
            .as_deref()
            .ok_or_else(|| StoreError::Io(std::io::Error::other("no blob folder")))
    }

    /// The path of the blob `sha256` (whether or not it exists).
    pub fn blob_path(&self, sha256: &str) -> Result<PathBuf> {
        if !document::is_sha256(sha256) {
            return Err(StoreError::invalid(vec![Issue::new("sha256", "hash.invalid")]));
        }
        Ok(self.require_blob_dir()?.join(&sha256[..2]).join(sha256))
    }

    /// The content of blob `sha256`, checked against its hash (opened first when it is sealed:
    /// see `blobcrypt`).
    pub fn blob(&self, sha256: &str) -> Result<Vec<u8>> {
        let path = self.blob_path(sha256)?;
        let file = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::Blob { code: "blob.missing", hash: sha256.to_owned() });
            }
            Err(e) => return Err(e.into()),
        };
        self.file_content(sha256, file)
    }

    /// The content of `file`, the bytes on disk of blob `sha256`: opened when sealed, then
    /// checked against the hash.
    fn file_content(&self, sha256: &str, file: Vec<u8>) -> Result<Vec<u8>> {
        let corrupt = || StoreError::Blob { code: "blob.corrupt", hash: sha256.to_owned() };
        let bytes = if blobcrypt::is_sealed(&file) {
            self.blob_key().and_then(|k| k.open(sha256, &file)).ok_or_else(corrupt)?
        } else {
            file
        };
        if sha256_hex(&bytes) != sha256 {
            return Err(corrupt());
        }
        Ok(bytes)
    }

    /// The key files are sealed with (None on a plain station: they are kept as they are).
    fn blob_key(&self) -> Option<BlobKey> {
        self.key.as_ref().map(BlobKey::derive)
    }

    /// Seals the files of an encrypted station that were kept plain (by a version before files
    /// were sealed, or while the station file was plain) in place: each checked against its
    /// hash, written sealed under a temporary name and renamed over the plain one. Returns how
    /// many; nothing on a plain station.
    pub fn seal_plain_blobs(&self) -> Result<usize> {
        let Some(key) = self.blob_key() else { return Ok(0) };
        let names: Vec<String> = {
            let mut stmt = self.conn.prepare("SELECT sha256 FROM blobs ORDER BY sha256")?;
            stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?
        };
        let mut sealed = 0;
        for sha in names {
            let path = self.blob_path(&sha)?;
            let Ok(file) = fs::read(&path) else { continue };
            if blobcrypt::is_sealed(&file) || sha256_hex(&file) != sha {
                continue;
            }
            self.put_blob_file(&sha, &key.seal(&sha, &file)?)?;
            sealed += 1;
        }
        Ok(sealed)
    }

    /// Whether this station holds blob `sha256`.
    pub fn has_blob(&self, sha256: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM blobs WHERE sha256 = ?1)")?
            .query_row([sha256], |r| r.get(0))?)
    }

    /// Writes `bytes` as a blob (temp file, fsync, rename, fsync of the folder) and returns its
    /// hash. Writing content already held changes nothing.
    pub(crate) fn write_blob(&self, bytes: &[u8]) -> Result<String> {
        let sha = sha256_hex(bytes);
        let path = self.blob_path(&sha)?;
        let key = self.blob_key();
        // Kept as it should be already: sealed on an encrypted station, and whole.
        if let Ok(file) = fs::read(&path)
            && key.is_some() == blobcrypt::is_sealed(&file)
            && self.file_content(&sha, file).is_ok()
        {
            return Ok(sha);
        }
        match key {
            Some(k) => self.put_blob_file(&sha, &k.seal(&sha, bytes)?)?,
            None => self.put_blob_file(&sha, bytes)?,
        }
        Ok(sha)
    }

    /// Puts `file` (the bytes on disk: sealed or plain) in place as blob `sha`.
    fn put_blob_file(&self, sha: &str, file: &[u8]) -> Result<()> {
        let path = self.blob_path(sha)?;
        let dir = self.require_blob_dir()?;
        let tmp_dir = dir.join("tmp");
        fs::create_dir_all(&tmp_dir)?;
        let folder = path.parent().ok_or_else(|| StoreError::integrity("blob path"))?;
        fs::create_dir_all(folder)?;
        let tmp = tmp_dir.join(format!("{sha}.{}", Uuid::now_v7().simple()));
        {
            // Owner-only, as the station file.
            crate::crypt::create_private_file(&tmp)?;
            let mut f = fs::OpenOptions::new().write(true).truncate(true).open(&tmp)?;
            f.write_all(file)?;
            f.sync_all()?;
        }
        fs::rename(&tmp, &path)?;
        fs::File::open(folder)?.sync_all()?;
        Ok(())
    }

    pub(crate) fn record_blob(
        conn: &Connection,
        sha: &str,
        size: usize,
        media_type: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        conn.prepare_cached(
            "INSERT OR IGNORE INTO blobs (sha256, size, media_type, stored_at) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![sha, size as i64, media_type, now.timestamp_millis()])?;
        Ok(())
    }

    /// The document settings (heading, abbreviations, number patterns).
    pub fn doc_settings(&self) -> Result<DocSettings> {
        let json: Option<String> = self
            .conn
            .query_row("SELECT value FROM settings WHERE key = 'doc_settings'", [], |r| r.get(0))
            .optional()?;
        Ok(match json {
            Some(j) => serde_json::from_str(&j)?,
            None => DocSettings::default(),
        })
    }

    /// Saves the document settings after checking the number patterns.
    pub fn set_doc_settings(&mut self, settings: &DocSettings) -> Result<()> {
        let issues = document::check_patterns(settings);
        if !issues.is_empty() {
            return Err(StoreError::invalid(issues));
        }
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES ('doc_settings', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [serde_json::to_string(settings)?],
        )?;
        Ok(())
    }

    /// The number the next document of `kind` on a case under `rule_set` will get from this
    /// device if issued at `at` (nothing is reserved: `issue_document` checks it again).
    pub fn next_document_number(
        &self,
        rule_set: RuleSet,
        kind: DocKind,
        at: DateTime<Utc>,
    ) -> Result<String> {
        let station = self.require_station()?;
        let settings = self.doc_settings()?;
        Ok(next_number(&self.conn, &settings, &station.device_code, rule_set, kind, at)?.0)
    }

    /// The document that operation `op` issued, if it was applied already.
    pub fn issued_by_op(&self, op: &str) -> Result<Option<DocumentIssued>> {
        match op_result(&self.conn, Some(op))? {
            Some(json) => Ok(Some(serde_json::from_str(&json)?)),
            None => Ok(None),
        }
    }

    /// Records a rendered document as issued: its PDF as a blob, then the
    /// `case.document_issued` event (checked against the case's state) and the device's
    /// counter, in one transaction. `doc.number` must be the one `next_document_number` gives
    /// now; otherwise nothing is written and the error is `doc.number_taken`, so the caller
    /// renders again with the new number. At most once per operation id.
    pub fn issue_document_op(
        &mut self,
        op: Option<&str>,
        case_id: Uuid,
        actor: &crate::Actor,
        doc: NewDocument,
    ) -> Result<DocumentIssued> {
        if let Some(done) = op_result(&self.conn, op)? {
            return Ok(serde_json::from_str(&done)?);
        }
        if doc.pdf.len() as u64 > limits::MAX_BLOB_BYTES {
            return Err(StoreError::invalid(vec![Issue::with_arg(
                "pdf",
                "evidence.too_large",
                limits::MAX_BLOB_BYTES / (1024 * 1024),
            )]));
        }
        let device_code = self.require_station()?.device_code.clone();
        let settings = self.doc_settings()?;
        let now = self.now();
        let sha = self.write_blob(&doc.pdf)?;
        let size = doc.pdf.len();
        let payload = DocumentIssued {
            kind: doc.kind,
            number: doc.number,
            template: doc.template,
            sha256: sha,
            bytes: size as u64,
            issued_at: doc.issued_at,
            recipient: doc.recipient,
            delivery: doc.delivery,
            subject: doc.subject,
            items: doc.items,
            due: doc.due,
        };
        let make = |tx: &Connection, state: &CaseState| {
            let (expected, key, n) = next_number(
                tx,
                &settings,
                &device_code,
                state.rule_set,
                payload.kind,
                payload.issued_at,
            )?;
            if expected != payload.number {
                return Err(StoreError::invalid(vec![Issue::with_arg(
                    "number",
                    "doc.number_taken",
                    &payload.number,
                )]));
            }
            Store::record_blob(tx, &payload.sha256, size, "application/pdf", now)?;
            tx.execute(
                "INSERT INTO counters (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                params![key, n],
            )?;
            Ok(CaseEvent::DocumentIssued(payload.clone()))
        };
        let json = serde_json::to_string(&payload)?;
        self.act_checked(op, case_id, actor, make, |_| json)?;
        Ok(payload)
    }

    /// Attaches a file to a case: checks its size, its type (from its first bytes) and the
    /// case, writes the blob, then the `case.evidence_added` event. At most once per
    /// operation id.
    pub fn add_evidence_op(
        &mut self,
        op: Option<&str>,
        case_id: Uuid,
        actor: &crate::Actor,
        file: NewEvidence,
    ) -> Result<EvidenceAdded> {
        if let Some(done) = op_result(&self.conn, op)? {
            return Ok(serde_json::from_str(&done)?);
        }
        let mut issues = Vec::new();
        if file.bytes.len() as u64 > limits::MAX_BLOB_BYTES {
            issues.push(Issue::with_arg(
                "file",
                "evidence.too_large",
                limits::MAX_BLOB_BYTES / (1024 * 1024),
            ));
        }
        let media_type = sniff_media_type(&file.bytes);
        if file.bytes.is_empty() {
            issues.push(Issue::new("file", "evidence.empty"));
        } else if media_type.is_none() {
            issues.push(Issue::with_arg("file", "evidence.media_type", &file.name));
        }
        if !issues.is_empty() {
            return Err(StoreError::invalid(issues));
        }
        let state = self.case_state(case_id)?;
        if state.evidence.len() >= limits::MAX_EVIDENCE_PER_CASE {
            return Err(StoreError::invalid(vec![Issue::with_arg(
                "file",
                "evidence.too_many",
                limits::MAX_EVIDENCE_PER_CASE,
            )]));
        }
        let now = self.now();
        let payload = EvidenceAdded {
            evidence: Uuid::now_v7(),
            sha256: sha256_hex(&file.bytes),
            size: file.bytes.len() as u64,
            media_type: media_type.unwrap_or_default().to_owned(),
            name: file.name.trim().to_owned(),
            description: file.description.trim().to_owned(),
            original_returned: file.original_returned,
            for_document: file.for_document,
            added_at: now,
        };
        // Refuse before any file is written.
        case::check(&state, &CaseEvent::EvidenceAdded(payload.clone()), now)?;
        self.write_blob(&file.bytes)?;
        let size = file.bytes.len();
        let make = |tx: &Connection, _: &CaseState| {
            Store::record_blob(tx, &payload.sha256, size, &payload.media_type, now)?;
            Ok(CaseEvent::EvidenceAdded(payload.clone()))
        };
        let json = serde_json::to_string(&payload)?;
        self.act_checked(op, case_id, actor, make, |_| json)?;
        Ok(payload)
    }

    /// The documents issued on a case, in the order they were issued.
    pub fn documents(&self, case_id: Uuid) -> Result<Vec<DocumentRow>> {
        let state = self.case_state(case_id)?;
        let mut out = Vec::new();
        for d in &state.documents {
            out.push(self.document_row(&state, d)?);
        }
        Ok(out)
    }

    fn document_row(
        &self,
        state: &CaseState,
        d: &casedesk_domain::case::IssuedDocument,
    ) -> Result<DocumentRow> {
        let same: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM documents WHERE number = ?1")?
            .query_row([&d.doc.number], |r| r.get(0))?;
        Ok(DocumentRow {
            event: d.event,
            case_id: state.id,
            case_no: state.reg.case_no.clone(),
            doc: d.doc.clone(),
            unit: d.unit.clone(),
            pdf_here: self.has_blob(&d.doc.sha256)?,
            duplicate_number: same > 1,
        })
    }

    /// The document numbered `number`, with the case it belongs to. A number two devices gave
    /// out before enrollment is refused as ambiguous.
    pub fn document_by_number(&self, number: &str) -> Result<(CaseState, DocumentRow)> {
        let cases: Vec<Vec<u8>> = self
            .conn
            .prepare_cached(
                "SELECT c.id FROM documents d JOIN cases c ON c.rowid = d.case_rowid WHERE d.number = ?1",
            )?
            .query_map([number.trim()], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let id = match cases.as_slice() {
            [] => return Err(StoreError::not_found(number.trim())),
            [id] => Uuid::from_slice(id).map_err(|e| StoreError::integrity(e.to_string()))?,
            _ => {
                return Err(StoreError::invalid(vec![Issue::with_arg(
                    "number",
                    "case.number_ambiguous",
                    number.trim(),
                )]));
            }
        };
        let state = self.case_state(id)?;
        let d = state
            .documents
            .iter()
            .find(|d| d.doc.number == number.trim())
            .ok_or_else(|| StoreError::not_found(number.trim()))?;
        let row = self.document_row(&state, d)?;
        Ok((state, row))
    }

    /// The files attached to a case, in the order they were attached.
    pub fn evidence(&self, case_id: Uuid) -> Result<Vec<EvidenceRow>> {
        let state = self.case_state(case_id)?;
        let mut out = Vec::new();
        for v in state.evidence {
            out.push(EvidenceRow {
                event: v.event,
                file_here: self.has_blob(&v.item.sha256)?,
                item: v.item,
            });
        }
        Ok(out)
    }

    /// Hashes that events name (evidence, issued PDFs) and this station does not hold: what a
    /// blob lane of sync is to fetch.
    pub fn missing_blobs(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT sha256 FROM evidence WHERE sha256 NOT IN (SELECT sha256 FROM blobs)
             UNION SELECT sha256 FROM documents WHERE sha256 NOT IN (SELECT sha256 FROM blobs)
             ORDER BY 1",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Checks every blob this station holds against its hash, counts the hashes still to
    /// come and the files no record names.
    pub fn verify_blobs(&self) -> Result<BlobReport> {
        let mut report = BlobReport::default();
        let held: Vec<(String, i64)> = {
            let mut stmt = self.conn.prepare("SELECT sha256, size FROM blobs ORDER BY sha256")?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?
        };
        report.missing = self.missing_blobs()?.len() as u64;
        let Some(dir) = self.blob_dir.clone() else {
            if !held.is_empty() {
                report.errors.push("no blob folder for this database".into());
            }
            return Ok(report);
        };
        for (sha, size) in &held {
            report.checked += 1;
            match self.blob(sha) {
                Ok(b) if b.len() as i64 == *size => {}
                Ok(_) => report.errors.push(format!("{sha}: size differs from the record")),
                Err(e) => report.errors.push(format!("{sha}: {}", e.code())),
            }
        }
        let names: std::collections::HashSet<&str> = held.iter().map(|(s, _)| s.as_str()).collect();
        if let Ok(folders) = fs::read_dir(&dir) {
            for folder in folders.flatten() {
                if folder.file_name() == "tmp" || !folder.path().is_dir() {
                    continue;
                }
                for f in fs::read_dir(folder.path())?.flatten() {
                    let name = f.file_name();
                    if !names.contains(name.to_string_lossy().as_ref()) {
                        report.unreferenced += 1;
                    }
                }
            }
        }
        Ok(report)
    }
}

/// One row of the 受理台账: a complaint received in the period (from the `cases` projection).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LedgerCase {
    pub no: String,
    pub received_at: DateTime<Utc>,
    /// The listed complainant (a collective complaint's first representative).
    pub complainant: String,
    pub households: Option<u32>,
    pub respondents: Vec<String>,
    pub category: Option<String>,
    pub nature: Option<String>,
    pub status: String,
    pub outcome: Option<String>,
    pub recovered_fen: i64,
    pub closed_at: Option<DateTime<Utc>>,
}

impl Store {
    /// The complaints this station's unit handles that were received from `from` to `to`
    /// (station days, both included), oldest first, voided ones left out: the rows of the
    /// 受理台账.
    pub fn ledger_cases(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<Vec<LedgerCase>> {
        let offset = deadline::station_offset();
        let start = |d: chrono::NaiveDate| -> i64 {
            d.and_hms_opt(0, 0, 0)
                .and_then(|t| t.and_local_timezone(offset).single())
                .map_or(0, |t| t.timestamp_millis())
        };
        let (lo, hi) = (start(from), start(to + chrono::Days::new(1)));
        let mut stmt = self.conn.prepare_cached(
            "SELECT no, received_at, complainant, households, respondents, category, nature, status,
                outcome, recovered_fen, closed_at
             FROM cases
             WHERE received_at >= ?1 AND received_at < ?2 AND case_type = 'complaint'
               AND status != 'voided' AND unit = ?3
             ORDER BY received_at, no",
        )?;
        let unit = self.require_station()?.unit.clone();
        let rows = stmt.query_map(params![lo, hi, unit], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, Option<String>>(8)?,
                r.get::<_, i64>(9)?,
                r.get::<_, Option<i64>>(10)?,
            ))
        })?;
        let time = |ms: i64| DateTime::from_timestamp_millis(ms).unwrap_or_default();
        let mut out = Vec::new();
        for row in rows {
            let (
                no,
                received,
                complainant,
                households,
                respondents,
                category,
                nature,
                status,
                outcome,
                recovered,
                closed,
            ) = row?;
            out.push(LedgerCase {
                no,
                received_at: time(received),
                complainant,
                households: households.map(|h| h as u32),
                respondents: serde_json::from_str(&respondents).unwrap_or_default(),
                category,
                nature,
                status,
                outcome,
                recovered_fen: recovered,
                closed_at: closed.map(time),
            });
        }
        Ok(out)
    }
}
