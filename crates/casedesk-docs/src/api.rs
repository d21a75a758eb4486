//! What the desktop's documents panel and the CLI call: the documents a case allows, the ones
//! issued with their numbers, a preview (PDF bytes or PNG pages), issuing, reprinting and the
//! editable copy. Every function takes the station's `Store`; rendering needs the fonts of
//! `fonts` and nothing else.

use casedesk_domain::case::{self, CaseState};
use casedesk_domain::document::{self, DocOffer};
use casedesk_domain::event::DocumentIssued;
use casedesk_store::{DocumentRow, NewDocument, Store, sha256_hex};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::compose::{self, DocModel, DocRequest, Inputs};
use crate::{DOC_TEMPLATE, DocsError, Result, Typeset, typeset};

/// A document rendered for a case: its content, its pages and the number it carries.
#[derive(Clone)]
pub struct Rendered {
    pub model: DocModel,
    pub typeset: Typeset,
}

impl Rendered {
    pub fn pdf(&self) -> Result<Vec<u8>> {
        self.typeset.pdf()
    }
    pub fn png_pages(&self, dpi: f32) -> Result<Vec<Vec<u8>>> {
        (0..self.typeset.page_count()).map(|i| self.typeset.png(i, dpi)).collect()
    }
    pub fn docx(&self) -> Result<Vec<u8>> {
        crate::docx::write(&self.model)
    }
}

/// A document issued now (or before, for a repeated operation): its record and its PDF.
#[derive(Clone, Debug)]
pub struct Issued {
    pub doc: DocumentIssued,
    pub pdf: Vec<u8>,
}

/// The documents the case's state allows, with the numbers already issued for each.
pub fn available(store: &Store, case: Uuid) -> Result<Vec<DocOffer>> {
    Ok(document::available_documents(&store.case_state(case)?))
}

/// The documents issued on a case.
pub fn issued(store: &Store, case: Uuid) -> Result<Vec<DocumentRow>> {
    Ok(store.documents(case)?)
}

/// The items a 限期补正通知 would ask for now (codes of `document::MISSING_ITEMS`).
pub fn missing_items(store: &Store, case: Uuid) -> Result<Vec<&'static str>> {
    Ok(document::missing_items(&store.case_state(case)?))
}

fn render_with(
    store: &Store,
    state: &CaseState,
    req: &DocRequest,
    number: &str,
    at: DateTime<Utc>,
) -> Result<Rendered> {
    let station = store.require_station()?;
    let settings = store.doc_settings()?;
    let inputs =
        Inputs { state, settings: &settings, unit_name: &station.unit_name, number, issued_at: at };
    let model = compose::compose(&inputs, req)?;
    let day = casedesk_domain::deadline::local_date(at);
    let typeset = typeset(DOC_TEMPLATE, &model, number, day)?;
    Ok(Rendered { model, typeset })
}

/// The document as it would be issued now, with the number it would get (nothing is written
/// or reserved).
pub fn preview(store: &Store, case: Uuid, req: &DocRequest) -> Result<Rendered> {
    let state = store.case_state(case)?;
    let now = store.now();
    let number = store.next_document_number(state.rule_set, req.kind, now)?;
    render_with(store, &state, req, &number, now)
}

/// Issues the document: renders it with the next number of this device, stores the PDF and
/// records `case.document_issued`. At most once per operation id: a repeated call returns the
/// first call's document and PDF.
pub fn issue(
    store: &mut Store,
    op: Option<&str>,
    case: Uuid,
    actor: &casedesk_store::Actor,
    req: &DocRequest,
) -> Result<Issued> {
    if let Some(op) = op
        && let Some(doc) = store.issued_by_op(op)?
    {
        let pdf = store.blob(&doc.sha256)?;
        return Ok(Issued { doc, pdf });
    }
    let state = store.case_state(case)?;
    let subject = compose::subject_of(&state, req)?;
    let recipient = req.recipient.unwrap_or_else(|| compose::default_recipient(req.kind));
    let now = store.now();
    let number = store.next_document_number(state.rule_set, req.kind, now)?;
    let rendered = render_with(store, &state, req, &number, now)?;
    let pdf = rendered.pdf()?;
    let items = if req.kind == casedesk_domain::types::DocKind::Correction && req.items.is_empty() {
        document::missing_items(&state).iter().map(|s| (*s).to_owned()).collect()
    } else {
        req.items.clone()
    };
    let due = (req.kind == casedesk_domain::types::DocKind::Correction).then(|| {
        req.due.unwrap_or_else(|| {
            casedesk_domain::deadline::local_date(now)
                + chrono::Days::new(u64::from(
                    store.doc_settings().map_or(7, |s| s.correction_days),
                ))
        })
    });
    let doc = store.issue_document_op(
        op,
        case,
        actor,
        NewDocument {
            kind: req.kind,
            subject,
            recipient,
            delivery: req.delivery,
            items,
            due,
            template: rendered.model.template.clone(),
            number,
            issued_at: now,
            pdf: pdf.clone(),
        },
    )?;
    Ok(Issued { doc, pdf })
}

/// The request an issued document was made from.
fn request_of(doc: &DocumentIssued) -> DocRequest {
    DocRequest {
        kind: doc.kind,
        subject: doc.subject,
        recipient: Some(doc.recipient),
        delivery: doc.delivery,
        items: doc.items.clone(),
        due: doc.due,
    }
}

/// The case as it stood when the document was issued: its events before the issuing one.
fn state_at_issue(store: &Store, row: &DocumentRow) -> Result<CaseState> {
    let events = store.stream_events(row.case_id)?;
    let Some(hlc) = events.iter().find(|e| e.id == row.event).map(|e| e.hlc) else {
        return Err(casedesk_store::StoreError::not_found(row.doc.number.clone()).into());
    };
    let before: Vec<_> =
        events.into_iter().filter(|e| e.hlc < hlc || e.kind == "case.registered").collect();
    case::fold(&before)
        .map_err(casedesk_store::StoreError::from)?
        .ok_or_else(|| casedesk_store::StoreError::not_found(row.doc.number.clone()).into())
}

/// The issued document rendered again from the case as it stood then (for PNG pages and the
/// editable copy; a reprint is `reprint`).
pub fn rerender(store: &Store, number: &str) -> Result<(DocumentRow, Rendered)> {
    let (_, row) = store.document_by_number(number)?;
    let state = state_at_issue(store, &row)?;
    let rendered =
        render_with(store, &state, &request_of(&row.doc), &row.doc.number, row.doc.issued_at)?;
    Ok((row, rendered))
}

/// The PDF of an issued document, the same bytes as when it was issued: the stored copy,
/// checked against the hash in its event; where this station does not hold it (a document
/// issued on another station), rendered again and accepted only if the bytes are the same.
pub fn reprint(store: &Store, number: &str) -> Result<(DocumentRow, Vec<u8>)> {
    let (_, row) = store.document_by_number(number)?;
    if row.pdf_here {
        let pdf = store.blob(&row.doc.sha256)?;
        return Ok((row, pdf));
    }
    let (row, rendered) = rerender(store, number)?;
    let pdf = rendered.pdf()?;
    let sha = sha256_hex(&pdf);
    if sha != row.doc.sha256 {
        return Err(DocsError::ReprintMismatch(row.doc.number.clone()));
    }
    Ok((row, pdf))
}
