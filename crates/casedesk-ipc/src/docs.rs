//! The documents panel of the case page and the 受理台账 of the case list: requests, answers and
//! the work behind each command (`casedesk-docs` renders; the store records). The desktop shell
//! only adapts these to Tauri and opens the files it is given back.
//!
//! Files the desktop writes go to folders under the station's data folder (`documents/`,
//! `evidence/`, `exports/`): a command answers with the path, and `doc_open` opens only files
//! inside that data folder.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use casedesk_docs::{DocRequest, DocsError, ledger};
use casedesk_domain::types::{Delivery, DocKind, Recipient};
use casedesk_domain::{Issue, Lang};
use casedesk_proto::limits;
use casedesk_store::{NewEvidence, Store, StoreError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::error::IpcError;

/// Resolution of the preview pages (A4 at 110 dpi is about 910 × 1290 pixels).
pub const PREVIEW_DPI: f32 = 110.0;

/// A document as it would be issued now (nothing is written or reserved).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocPreview {
    /// The case's id or number.
    pub case: String,
    pub kind: DocKind,
    /// The session or transfer it is about (调解通知书, 调解笔录, 转办单).
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub recipient: Option<Recipient>,
}

/// A preview: the number the document would get (or has) and its pages as PNG data URLs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocPages {
    pub number: String,
    pub pages: Vec<String>,
}

/// Issue a document: it gets its number, its PDF is kept and `case.document_issued` recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocIssue {
    pub op_id: String,
    pub case: String,
    pub kind: DocKind,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub recipient: Option<Recipient>,
    pub delivery: Delivery,
}

/// The format of a file of an issued document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DocFormat {
    /// The PDF as issued (a reprint: the stored bytes).
    Pdf,
    /// The editable copy for WPS/Word.
    Docx,
}

/// A file of an issued document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocFileReq {
    pub number: String,
    pub format: DocFormat,
}

/// A file written for the clerk: where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocFile {
    pub number: String,
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// Attach a file (photo, scan, PDF) to a case. `data` is the file in base64.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EvidenceAdd {
    pub op_id: String,
    pub case: String,
    pub name: String,
    pub data: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub original_returned: bool,
    /// The number of the issued document this file is the signed copy of.
    #[serde(default)]
    pub for_document: Option<String>,
}

/// The format of the 受理台账.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LedgerFormat {
    Pdf,
    Xlsx,
}

/// The 受理台账 of the cases received from `from` to `to` (dates, both included).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LedgerExport {
    pub from: String,
    pub to: String,
    pub format: LedgerFormat,
}

impl IpcError {
    /// A failure of the documents crate, with its message code.
    pub fn from_docs(e: &DocsError, lang: Lang) -> IpcError {
        match e {
            DocsError::Store(e) => IpcError::from_core(e, lang),
            other => IpcError {
                code: other.code().to_owned(),
                arg: String::new(),
                message: other.message(lang),
                issues: Vec::new(),
            },
        }
    }
}

/// Why a documents command failed: the store, the documents crate, or the request.
#[derive(Debug)]
pub enum DocsFail {
    Docs(DocsError),
    Ipc(IpcError),
}

impl From<DocsError> for DocsFail {
    fn from(e: DocsError) -> DocsFail {
        DocsFail::Docs(e)
    }
}
impl From<StoreError> for DocsFail {
    fn from(e: StoreError) -> DocsFail {
        DocsFail::Docs(DocsError::Store(e))
    }
}
impl From<IpcError> for DocsFail {
    fn from(e: IpcError) -> DocsFail {
        DocsFail::Ipc(e)
    }
}
impl From<std::io::Error> for DocsFail {
    fn from(e: std::io::Error) -> DocsFail {
        DocsFail::Docs(DocsError::Io(e.to_string()))
    }
}

impl DocsFail {
    pub fn into_ipc(self, lang: Lang) -> IpcError {
        match self {
            DocsFail::Docs(e) => IpcError::from_docs(&e, lang),
            DocsFail::Ipc(e) => e,
        }
    }
}

type Res<T> = Result<T, DocsFail>;

fn subject_of(subject: Option<&str>, lang: Lang) -> Result<Option<Uuid>, IpcError> {
    match subject.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => Uuid::parse_str(s)
            .map(Some)
            .map_err(|_| IpcError::invalid("subject", "uuid.invalid", s, lang)),
    }
}

fn data_url(png: &[u8]) -> String {
    format!("data:image/png;base64,{}", B64.encode(png))
}

/// A name safe for a file: the characters a document number or a case number holds, with
/// separators and anything a file system dislikes replaced.
pub fn file_name(name: &str) -> String {
    let out: String = name
        .chars()
        .map(|c| if c.is_control() || "/\\:*?\"<>| ".contains(c) { '_' } else { c })
        .collect();
    let out = out.trim_matches(['.', '_']).to_owned();
    if out.is_empty() { "document".to_owned() } else { out }
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}

/// The preview of a document: the number it would get and its pages.
pub fn preview(store: &Store, req: &DocPreview, lang: Lang) -> Res<DocPages> {
    let case = store.find_case(&req.case)?;
    let mut r = DocRequest::new(req.kind);
    r.subject = subject_of(req.subject.as_deref(), lang)?;
    r.recipient = req.recipient;
    let rendered = casedesk_docs::preview(store, case, &r)?;
    let pages = rendered.png_pages(PREVIEW_DPI)?.iter().map(|p| data_url(p)).collect();
    Ok(DocPages { number: rendered.model.number.clone(), pages })
}

/// The pages of an issued document, rendered from the case as it stood when it was issued.
pub fn issued_pages(store: &Store, number: &str) -> Res<DocPages> {
    let (row, rendered) = casedesk_docs::rerender(store, number)?;
    let pages = rendered.png_pages(PREVIEW_DPI)?.iter().map(|p| data_url(p)).collect();
    Ok(DocPages { number: row.doc.number, pages })
}

/// Issues a document and writes its PDF into `dir/<case number>/`.
pub fn issue(
    store: &mut Store,
    req: &DocIssue,
    actor: &casedesk_store::Actor,
    dir: &Path,
    lang: Lang,
) -> Res<DocFile> {
    let op = crate::check_op_id(&req.op_id, lang)?;
    let case = store.find_case(&req.case)?;
    let mut r = DocRequest::new(req.kind);
    r.subject = subject_of(req.subject.as_deref(), lang)?;
    r.recipient = req.recipient;
    r.delivery = req.delivery;
    let issued = casedesk_docs::issue(store, Some(&op), case, actor, &r)?;
    let no = store.case_state(case)?.reg.case_no.clone();
    let path = write_file(
        &dir.join(file_name(&no)),
        &format!("{}.pdf", file_name(&issued.doc.number)),
        &issued.pdf,
    )?;
    Ok(DocFile {
        number: issued.doc.number,
        path: path.display().to_string(),
        bytes: issued.pdf.len() as u64,
    })
}

/// A file of an issued document (the PDF as issued, or the editable copy), written into
/// `dir/<case number>/`.
pub fn file(store: &Store, req: &DocFileReq, dir: &Path) -> Res<DocFile> {
    let (row, bytes, ext) = match req.format {
        DocFormat::Pdf => {
            let (row, pdf) = casedesk_docs::reprint(store, &req.number)?;
            (row, pdf, "pdf")
        }
        DocFormat::Docx => {
            let (row, rendered) = casedesk_docs::rerender(store, &req.number)?;
            let docx = rendered.docx()?;
            (row, docx, "docx")
        }
    };
    let name = format!("{}.{ext}", file_name(&row.doc.number));
    let path = write_file(&dir.join(file_name(&row.case_no)), &name, &bytes)?;
    Ok(DocFile {
        number: row.doc.number,
        path: path.display().to_string(),
        bytes: bytes.len() as u64,
    })
}

/// Attaches a file to a case.
pub fn add_evidence(
    store: &mut Store,
    req: &EvidenceAdd,
    actor: &casedesk_store::Actor,
    lang: Lang,
) -> Res<Uuid> {
    let op = crate::check_op_id(&req.op_id, lang)?;
    let case = store.find_case(&req.case)?;
    // Base64 takes 4 characters for 3 bytes: refuse what would decode to more than the limit
    // before decoding it.
    let max = limits::MAX_BLOB_BYTES / (1024 * 1024);
    if req.data.len() as u64 > limits::MAX_BLOB_BYTES.div_ceil(3) * 4 + 4 {
        return Err(
            StoreError::invalid(vec![Issue::with_arg("file", "evidence.too_large", max)]).into()
        );
    }
    let bytes = B64
        .decode(req.data.trim())
        .map_err(|_| IpcError::invalid("file", "evidence.unreadable", &req.name, lang))?;
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > limits::MAX_NAME_CHARS {
        return Err(StoreError::invalid(vec![Issue::with_arg(
            "name",
            "evidence.name",
            limits::MAX_NAME_CHARS,
        )])
        .into());
    }
    store.add_evidence_op(
        Some(&op),
        case,
        actor,
        NewEvidence {
            name: name.to_owned(),
            description: req.description.clone(),
            original_returned: req.original_returned,
            for_document: req.for_document.clone().filter(|s| !s.trim().is_empty()),
            bytes,
        },
    )?;
    Ok(case)
}

fn evidence_bytes(
    store: &Store,
    case: &str,
    evidence: &str,
    lang: Lang,
) -> Res<(casedesk_domain::case::EvidenceView, String, Vec<u8>)> {
    let id = store.find_case(case)?;
    let ev = Uuid::parse_str(evidence.trim())
        .map_err(|_| IpcError::invalid("evidence", "uuid.invalid", evidence, lang))?;
    let state = store.case_state(id)?;
    let Some(item) = state.evidence.iter().find(|e| e.item.evidence == ev).cloned() else {
        return Err(StoreError::not_found(evidence.to_owned()).into());
    };
    let bytes = store.blob(&item.item.sha256)?;
    Ok((item, state.reg.case_no, bytes))
}

/// The thumbnail of a photo attached to a case (a PNG data URL), or None for a scan or PDF.
pub fn evidence_thumb(
    store: &Store,
    case: &str,
    evidence: &str,
    lang: Lang,
) -> Res<Option<String>> {
    let (_, _, bytes) = evidence_bytes(store, case, evidence, lang)?;
    Ok(casedesk_docs::thumb::thumbnail(&bytes, casedesk_docs::thumb::THUMB_PX)?
        .map(|p| data_url(&p)))
}

/// Writes an attached file into `dir/<case number>/` (to open it) and answers its path.
pub fn evidence_file(
    store: &Store,
    case: &str,
    evidence: &str,
    dir: &Path,
    lang: Lang,
) -> Res<String> {
    let (item, no, bytes) = evidence_bytes(store, case, evidence, lang)?;
    let ext = match item.item.media_type.as_str() {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        _ => "pdf",
    };
    let stem = Path::new(&item.item.name).file_stem().and_then(|s| s.to_str()).unwrap_or("file");
    // The hash came with the event, perhaps from another device: never index into it.
    let short: String = item.item.sha256.chars().take(8).collect();
    let name = format!("{}-{}.{ext}", file_name(stem), file_name(&short));
    Ok(write_file(&dir.join(file_name(&no)), &name, &bytes)?.display().to_string())
}

fn date_of(field: &str, s: &str, lang: Lang) -> Result<NaiveDate, IpcError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| IpcError::invalid(field, "date.invalid", s, lang))
}

/// The 受理台账 of a period, written into `dir`; the answer is its path.
pub fn ledger_file(store: &Store, req: &LedgerExport, dir: &Path, lang: Lang) -> Res<String> {
    let from = date_of("from", &req.from, lang)?;
    let to = date_of("to", &req.to, lang)?;
    if to < from {
        return Err(IpcError::invalid("to", "date.before_start", "", lang).into());
    }
    let l = ledger::ledger(store, from, to)?;
    let (bytes, ext) = match req.format {
        LedgerFormat::Pdf => (l.typeset()?.pdf()?, "pdf"),
        LedgerFormat::Xlsx => (l.xlsx()?, "xlsx"),
    };
    let unit = store.station().map_or_else(String::new, |s| s.unit.clone());
    let name = format!("ledger-{unit}-{from}_{to}.{ext}");
    Ok(write_file(dir, &file_name(&name), &bytes)?.display().to_string())
}

/// Whether `path` is a file inside `root` (after resolving links and `..`): the only files
/// `doc_open` opens.
pub fn inside(root: &Path, path: &Path) -> bool {
    match (root.canonicalize(), path.canonicalize()) {
        (Ok(root), Ok(path)) => path.starts_with(root) && path.is_file(),
        _ => false,
    }
}
