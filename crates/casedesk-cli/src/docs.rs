//! `casedesk doc ...` (the standard documents and the 受理台账) and `casedesk evidence ...`
//! (files attached to a case). Thin: the work is in casedesk-docs and the store.

use std::path::{Path, PathBuf};

use casedesk_docs::DocRequest;
use casedesk_domain::types::{Delivery, DocKind, Recipient};
use casedesk_store::NewEvidence;
use chrono::NaiveDate;
use clap::Subcommand;

use crate::cases::{bad, code, read_json};
use crate::output::{local_time, table};
use crate::{CmdResult, Ctx, Failure};

#[derive(Subcommand)]
pub enum DocCmd {
    /// The documents the case's state allows, and the ones issued with their numbers.
    List {
        /// Case number or id.
        no: String,
        #[arg(long)]
        json: bool,
    },
    /// Issue a document: give it the next number of this device, record it and write the PDF.
    Issue {
        no: String,
        #[command(flatten)]
        form: FormArgs,
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        /// Also write the editable copy beside it (FILE.docx).
        #[arg(long)]
        docx: bool,
    },
    /// Write an issued document again: the same number and the same bytes.
    Reprint {
        /// The document's number (文号).
        number: String,
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        /// Also write the editable copy beside it (FILE.docx).
        #[arg(long)]
        docx: bool,
    },
    /// Render a document without issuing it (the number it would get): FILE.pdf, FILE.docx,
    /// or FILE.png for page images (FILE-1.png, FILE-2.png, ...).
    Preview {
        no: String,
        #[command(flatten)]
        form: FormArgs,
        #[arg(long)]
        out: PathBuf,
    },
    /// The 受理台账 of the complaints received in a period, as PDF or .xlsx (by the file name).
    Ledger {
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: String,
        #[arg(long, value_name = "FILE.pdf|FILE.xlsx")]
        out: PathBuf,
    },
    /// Show the document settings (heading, abbreviations, number patterns), or set them
    /// from a JSON file.
    Settings {
        #[arg(long)]
        json: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
pub struct FormArgs {
    /// The document: registration, acceptance, non_acceptance, correction, mediation_notice,
    /// mediation_record, agreement, termination, transfer, follow_up.
    #[arg(long)]
    form: String,
    /// The session or transfer id it is about (the latest when omitted).
    #[arg(long)]
    subject: Option<uuid::Uuid>,
    /// complainant | respondent | parties | unit | archive (the kind's usual one if omitted).
    #[arg(long)]
    to: Option<String>,
    /// in_person | letter | sms | phone | email | online | filed
    #[arg(long, default_value = "in_person")]
    delivery: String,
    /// 限期补正: an item to ask for (repeat; what the registration lacks when omitted).
    #[arg(long = "item")]
    items: Vec<String>,
    /// 限期补正: the day to supply them by.
    #[arg(long)]
    due: Option<String>,
}

fn date(path: &str, s: &str) -> Result<NaiveDate, Failure> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad(path, "json.invalid", s))
}

impl FormArgs {
    fn request(&self) -> Result<DocRequest, Failure> {
        Ok(DocRequest {
            kind: code("form", &self.form, DocKind::from_code)?,
            subject: self.subject,
            recipient: self
                .to
                .as_deref()
                .map(|t| code("to", t, Recipient::from_code))
                .transpose()?,
            delivery: code("delivery", &self.delivery, Delivery::from_code)?,
            items: self.items.clone(),
            due: self.due.as_deref().map(|d| date("due", d)).transpose()?,
        })
    }
}

fn write(path: &Path, bytes: &[u8]) -> CmdResult {
    std::fs::write(path, bytes)?;
    Ok(())
}

pub fn doc(ctx: &Ctx, cmd: DocCmd) -> CmdResult {
    match cmd {
        DocCmd::List { no, json } => list(ctx, &no, json),
        DocCmd::Issue { no, form, out, docx } => {
            let (mut store, me) = ctx.signed_in()?;
            let id = store.find_case(&no)?;
            let req = form.request()?;
            let issued = casedesk_docs::issue(&mut store, None, id, &me, &req)?;
            write(&out, &issued.pdf)?;
            if docx {
                let (_, r) = casedesk_docs::rerender(&store, &issued.doc.number)?;
                write(&out.with_extension("docx"), &r.docx()?)?;
            }
            println!(
                "{} {}  {}  sha256 {}  → {}",
                ctx.t("已出具", "Issued"),
                issued.doc.number,
                issued.doc.kind.label(ctx.lang),
                issued.doc.sha256,
                out.display()
            );
            Ok(())
        }
        DocCmd::Reprint { number, out, docx } => {
            let (store, _) = ctx.signed_in()?;
            let (row, pdf) = casedesk_docs::reprint(&store, &number)?;
            write(&out, &pdf)?;
            if docx {
                let (_, r) = casedesk_docs::rerender(&store, &number)?;
                write(&out.with_extension("docx"), &r.docx()?)?;
            }
            println!(
                "{} {}  sha256 {}  → {}",
                ctx.t("已重印", "Reprinted"),
                row.doc.number,
                row.doc.sha256,
                out.display()
            );
            Ok(())
        }
        DocCmd::Preview { no, form, out } => {
            let (store, _) = ctx.signed_in()?;
            let id = store.find_case(&no)?;
            let r = casedesk_docs::preview(&store, id, &form.request()?)?;
            match out.extension().and_then(|e| e.to_str()) {
                Some("png") => {
                    let stem = out.with_extension("");
                    for (i, png) in r.png_pages(150.0)?.iter().enumerate() {
                        let path = PathBuf::from(format!("{}-{}.png", stem.display(), i + 1));
                        write(&path, png)?;
                        println!("{}", path.display());
                    }
                }
                Some("docx") => write(&out, &r.docx()?)?,
                _ => write(&out, &r.pdf()?)?,
            }
            Ok(())
        }
        DocCmd::Ledger { from, to, out } => {
            let (store, _) = ctx.signed_in()?;
            let ledger =
                casedesk_docs::ledger::ledger(&store, date("from", &from)?, date("to", &to)?)?;
            let bytes = match out.extension().and_then(|e| e.to_str()) {
                Some("xlsx") => ledger.xlsx()?,
                _ => ledger.pdf()?,
            };
            write(&out, &bytes)?;
            println!("{} {} → {}", ledger.rows.len(), ctx.t("件", "cases"), out.display());
            Ok(())
        }
        DocCmd::Settings { json } => {
            let (mut store, me) = ctx.signed_in()?;
            if let Some(path) = json {
                store.authorize(&me, casedesk_domain::types::Permission::Configure)?;
                let v = read_json(&path)?;
                let s = serde_json::from_value(v)
                    .map_err(|e| bad("json", "json.invalid", &e.to_string()))?;
                store.set_doc_settings(&s)?;
            }
            let s = store.doc_settings()?;
            println!(
                "{}",
                serde_json::to_string_pretty(&s).map_err(casedesk_store::StoreError::from)?
            );
            Ok(())
        }
    }
}

fn list(ctx: &Ctx, no: &str, json: bool) -> CmdResult {
    let (store, _) = ctx.signed_in()?;
    let id = store.find_case(no)?;
    let offers = casedesk_docs::available(&store, id)?;
    let issued = casedesk_docs::issued(&store, id)?;
    if json {
        let v = serde_json::json!({ "available": offers, "issued": issued });
        println!("{v}");
        return Ok(());
    }
    let mut rows = vec![vec![
        ctx.t("可出具", "Available").to_owned(),
        ctx.t("文书", "Document").to_owned(),
        ctx.t("对象", "For").to_owned(),
        ctx.t("关于", "About").to_owned(),
    ]];
    for o in &offers {
        rows.push(vec![
            o.kind.code().to_owned(),
            o.kind.label(ctx.lang).to_owned(),
            o.recipients.iter().map(|r| r.code()).collect::<Vec<_>>().join(","),
            o.subject.map(|s| s.to_string()).unwrap_or_default(),
        ]);
    }
    table(&rows);
    if !issued.is_empty() {
        println!();
        let mut rows = vec![vec![
            ctx.t("文号", "Number").to_owned(),
            ctx.t("文书", "Document").to_owned(),
            ctx.t("出具时间", "Issued").to_owned(),
            ctx.t("对象", "For").to_owned(),
            ctx.t("送达", "Delivery").to_owned(),
            "sha256".to_owned(),
        ]];
        for d in &issued {
            let mut number = d.doc.number.clone();
            if d.duplicate_number {
                number.push_str(" (!)");
            }
            rows.push(vec![
                number,
                d.doc.kind.label(ctx.lang).to_owned(),
                local_time(d.doc.issued_at),
                d.doc.recipient.label(ctx.lang).to_owned(),
                d.doc.delivery.label(ctx.lang).to_owned(),
                d.doc.sha256[..12].to_owned(),
            ]);
        }
        table(&rows);
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum EvidenceCmd {
    /// Attach a file (photo, scan, PDF) to a case, or a signed copy to an issued document.
    Add {
        no: String,
        file: PathBuf,
        /// 原件已退还: the original was handed back.
        #[arg(long)]
        original_returned: bool,
        /// The number of the issued document this is the signed copy of.
        #[arg(long, value_name = "NUMBER")]
        for_document: Option<String>,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// The files attached to a case.
    List {
        no: String,
        #[arg(long)]
        json: bool,
    },
}

pub fn evidence(ctx: &Ctx, cmd: EvidenceCmd) -> CmdResult {
    match cmd {
        EvidenceCmd::Add { no, file, original_returned, for_document, description } => {
            let (mut store, me) = ctx.signed_in()?;
            let id = store.find_case(&no)?;
            // Refuse a file over the limit before reading it all.
            let size = std::fs::metadata(&file)?.len();
            if size > casedesk_proto::limits::MAX_BLOB_BYTES {
                return Err(bad(
                    "file",
                    "evidence.too_large",
                    &(casedesk_proto::limits::MAX_BLOB_BYTES / (1024 * 1024)).to_string(),
                ));
            }
            let bytes = std::fs::read(&file)?;
            let name =
                file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let added = store.add_evidence_op(
                None,
                id,
                &me,
                NewEvidence { name, description, original_returned, for_document, bytes },
            )?;
            println!(
                "{} {}  {}  {} B  sha256 {}",
                ctx.t("已添加", "Attached"),
                added.name,
                added.media_type,
                added.size,
                added.sha256
            );
            Ok(())
        }
        EvidenceCmd::List { no, json } => {
            let (store, _) = ctx.signed_in()?;
            let id = store.find_case(&no)?;
            let items = store.evidence(id)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string(&items).map_err(casedesk_store::StoreError::from)?
                );
                return Ok(());
            }
            let mut rows = vec![vec![
                ctx.t("名称", "Name").to_owned(),
                ctx.t("类型", "Type").to_owned(),
                ctx.t("大小", "Size").to_owned(),
                ctx.t("原件已退还", "Original returned").to_owned(),
                ctx.t("签收件", "Signed copy of").to_owned(),
                ctx.t("本机有文件", "File here").to_owned(),
                "sha256".to_owned(),
            ]];
            let yes = |b: bool| if b { ctx.t("是", "yes") } else { ctx.t("否", "no") }.to_owned();
            for e in items {
                rows.push(vec![
                    e.item.name.clone(),
                    e.item.media_type.clone(),
                    e.item.size.to_string(),
                    yes(e.item.original_returned),
                    e.item.for_document.clone().unwrap_or_default(),
                    yes(e.file_here),
                    e.item.sha256[..12].to_owned(),
                ]);
            }
            table(&rows);
            Ok(())
        }
    }
}
