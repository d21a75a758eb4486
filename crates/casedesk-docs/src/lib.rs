//! CaseDesk's standard documents (文书): what a case's state allows, rendered offline.
//!
//! A document is a pure function of (case state, template version, unit settings, number,
//! date): `compose` turns them into a small content model, the typst template
//! (`templates/doc.typ`, compiled into the binary) lays it out as an A4 PDF with the fonts of
//! `fonts` embedded and subset, and `docx` writes the same model as an editable copy. The
//! document's date and metadata come from the data, never from the clock, so the same inputs
//! give the same bytes.
//!
//! Issuing (`issue`) renders the document with the number the store gives next, stores the
//! PDF as a blob and records `case.document_issued` with its SHA-256 in one step; a reprint
//! (`reprint`) returns the stored PDF, checked against that hash. The 受理台账 of a period is
//! in `ledger` (PDF and .xlsx); the statistics report (casedesk-report's) as a PDF in
//! `statistics`; thumbnails of evidence photos in `thumb`.
//!
//! Map: `compose` (the words of each document), `world` and `fonts` (typst's view of the
//! template, the data and the system fonts), `docx`, `ledger`, `thumb`, `api` (what the
//! desktop and the CLI call).

mod api;
pub mod compose;
pub mod docx;
pub mod fonts;
pub mod ledger;
pub mod sample;
pub mod statistics;
pub mod thumb;
mod world;

use std::sync::Arc;

use casedesk_domain::Lang;
use casedesk_store::StoreError;
use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;

pub use api::*;
pub use compose::{DocModel, DocRequest, TEMPLATE_VERSION};

/// The document template (version `TEMPLATE_VERSION`).
pub const DOC_TEMPLATE: &str = include_str!("../templates/doc.typ");
/// The 受理台账 template.
pub const LEDGER_TEMPLATE: &str = include_str!("../templates/ledger.typ");
/// The statistics report template (`statistics`).
pub const REPORT_TEMPLATE: &str = include_str!("../templates/report.typ");

/// Why a document could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DocsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("font {family} missing (Debian package {package})")]
    FontMissing { family: String, package: String },
    #[error("typesetting failed: {0}")]
    Render(String),
    #[error("editable copy failed: {0}")]
    Export(String),
    #[error("io: {0}")]
    Io(String),
    #[error("the document rendered again differs from the one issued: {0}")]
    ReprintMismatch(String),
    #[error("not available: {0}")]
    NotAvailable(String),
    #[error("say which session or transfer: {0}")]
    SubjectNeeded(String),
}

impl DocsError {
    /// The message code (see `casedesk_domain::messages`).
    pub fn code(&self) -> &'static str {
        match self {
            DocsError::Store(e) => e.code(),
            DocsError::FontMissing { .. } => "doc.font_missing",
            DocsError::Render(_) => "doc.render_failed",
            DocsError::Export(_) => "doc.export_failed",
            DocsError::Io(_) => "io.error",
            DocsError::ReprintMismatch(_) => "doc.reprint_mismatch",
            DocsError::NotAvailable(_) => "doc.not_available",
            DocsError::SubjectNeeded(_) => "doc.subject_needed",
        }
    }

    /// The problems with the input, each with its field path.
    pub fn issues(&self) -> &[casedesk_domain::Issue] {
        match self {
            DocsError::Store(e) => e.issues(),
            _ => &[],
        }
    }

    /// A message for a person, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let arg = match self {
            DocsError::Store(e) => return e.message(lang),
            DocsError::FontMissing { family, package } => format!("{family} — {package}"),
            DocsError::NotAvailable(s) | DocsError::SubjectNeeded(s) => {
                casedesk_domain::types::DocKind::from_code(s)
                    .map_or(s.clone(), |k| k.label(lang).to_owned())
            }
            DocsError::Render(s)
            | DocsError::Export(s)
            | DocsError::Io(s)
            | DocsError::ReprintMismatch(s) => s.clone(),
        };
        casedesk_domain::messages::text(self.code(), lang, &arg)
    }
}

pub type Result<T, E = DocsError> = std::result::Result<T, E>;

/// A typeset document: its pages, for the PDF and for preview images.
#[derive(Clone)]
pub struct Typeset {
    doc: Arc<PagedDocument>,
    ident: String,
    date: chrono::NaiveDate,
    tagged: bool,
}

impl Typeset {
    /// Writes the PDF without the structure tree of tagged PDF (for the 受理台账: one tag per
    /// table cell doubles a long ledger's size and export time; it is a printout).
    pub fn untagged(mut self) -> Typeset {
        self.tagged = false;
        self
    }

    pub fn page_count(&self) -> usize {
        self.doc.pages().len()
    }

    /// The PDF: fonts embedded and subset; identifier and dates from the data.
    pub fn pdf(&self) -> Result<Vec<u8>> {
        use chrono::Datelike;
        let dt = Datetime::from_ymd_hms(
            self.date.year(),
            self.date.month() as u8,
            self.date.day() as u8,
            0,
            0,
            0,
        )
        .ok_or_else(|| DocsError::Render("date".into()))?;
        let options = typst_pdf::PdfOptions {
            ident: Smart::Custom(self.ident.clone()),
            creator: Smart::Custom(Some("CaseDesk".into())),
            timestamp: Some(typst_pdf::Timestamp::new_utc(dt)),
            tagged: self.tagged,
            ..Default::default()
        };
        typst_pdf::pdf(&self.doc, &options).map_err(|d| DocsError::Render(diagnostics(&d)))
    }

    /// The text runs that hold a glyph the font lacks (glyph 0, drawn as a box): none, when
    /// every character of the case is covered by the faces of `fonts`.
    pub fn missing_glyphs(&self) -> Vec<String> {
        fn walk(frame: &typst::layout::Frame, out: &mut Vec<String>) {
            for (_, item) in frame.items() {
                match item {
                    typst::layout::FrameItem::Group(g) => walk(&g.frame, out),
                    typst::layout::FrameItem::Text(t) if t.glyphs.iter().any(|g| g.id == 0) => {
                        out.push(t.text.to_string());
                    }
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        for page in self.doc.pages() {
            walk(&page.frame, &mut out);
        }
        out
    }

    /// Page `index` (from 0) as a PNG at `dpi` dots per inch.
    pub fn png(&self, index: usize, dpi: f32) -> Result<Vec<u8>> {
        let page = self
            .doc
            .pages()
            .get(index)
            .ok_or_else(|| DocsError::Render(format!("no page {}", index + 1)))?;
        let opts = typst_render::RenderOptions {
            pixel_per_pt: typst::utils::Scalar::new(f64::from(dpi) / 72.0),
            render_bleed: false,
        };
        let pixmap = typst_render::render(page, &opts);
        pixmap.encode_png().map_err(|e| DocsError::Render(e.to_string()))
    }
}

fn diagnostics(d: &[typst::diag::SourceDiagnostic]) -> String {
    d.iter().map(|x| x.message.to_string()).collect::<Vec<_>>().join("; ")
}

/// Typesets `template` with `data` as `/data.json`. `ident` names the document stably (its
/// number); `date` is the document's date, used for the PDF's metadata.
pub fn typeset(
    template: &'static str,
    data: &impl serde::Serialize,
    ident: &str,
    date: chrono::NaiveDate,
) -> Result<Typeset> {
    use chrono::Datelike;
    let fonts = fonts::fonts()?;
    let json = serde_json::to_vec(data).map_err(|e| DocsError::Render(e.to_string()))?;
    let today = Datetime::from_ymd(date.year(), date.month() as u8, date.day() as u8);
    let world = world::DocWorld::new(template, json, fonts, today);
    let result = typst::compile::<PagedDocument>(&world);
    let doc = result.output.map_err(|d| DocsError::Render(diagnostics(&d)))?;
    Ok(Typeset { doc: Arc::new(doc), ident: ident.to_owned(), date, tagged: true })
}
