//! The desktop IPC contract (`ui/IPC.md`) in Rust: the request and response types that are not
//! core types (`types`), the structured error every command rejects with (`error::IpcError`),
//! the command list declared once (`commands::with_commands!`) and the events, and what the UI
//! takes from Rust instead of copying it: the TypeScript bindings of all of it (`bindings`), the
//! message table and holiday calendar (`ui_data`), and the reference data, fixtures and
//! state-machine verdicts made by running the real domain and store (`scenario`), all written to
//! `ui/src/bindings/` and `ui/fixtures/` and kept fresh by one test (`golden`).
//!
//! This crate knows nothing of Tauri: `src-tauri` (package casedesk-desktop) implements the
//! commands. Only this crate (and casedesk-domain and casedesk-store behind their `ts` features) knows TypeScript.

pub mod bindings;
pub mod commands;
pub mod docs;
pub mod error;
#[cfg(test)]
mod golden;
#[cfg(test)]
mod scenario;
pub mod types;
pub mod ui_data;

pub use casedesk_store::QuarantineEntry;
pub use commands::COMMANDS;
pub use docs::{
    DocFile, DocFileReq, DocFormat, DocIssue, DocPages, DocPreview, EvidenceAdd, LedgerExport,
    LedgerFormat,
};
pub use error::{IpcError, IpcIssue};
pub use types::*;

// The core types that cross IPC as they are, under the names the command list uses.
pub use casedesk_domain::types::TransferKind;
pub use casedesk_store::CaseRef;
pub use casedesk_store::desk::{
    DuplicateHint, DuplicateQuery, Reference, RespondentHint, RovingSummary, StaffRow,
    TransferTargets,
};
pub use casedesk_store::query::{ListQuery, Page};
pub use casedesk_store::{AuditEntry, StaffLogin};
// The statistics of casedesk-report, as they are.
pub use casedesk_report::Report;
pub use casedesk_report::hotspots::HotSpots;
pub use casedesk_report::supervision::Supervision;

/// Events Rust emits to the UI.
pub mod events {
    /// Payload `SyncStatus`, after every sync attempt.
    pub const SYNC_STATUS: &str = "sync-status";
    /// Payload `DbChanged`, after a local write, a pull, or a batch of demo data.
    pub const DB_CHANGED: &str = "db-changed";
}

/// The most rows a list page may ask for (`ListQuery.limit`).
pub const MAX_PAGE: u32 = casedesk_store::query::MAX_LIMIT;

#[cfg(test)]
mod tests {
    /// The exports the desktop writes: the report in the CCA layout, the remuneration table as
    /// xlsx and CSV, named by unit and period; a bad period is a validation error.
    #[test]
    fn exports_are_named_and_made() {
        use crate::{ExportKind, ReportExport, export_file};
        let store =
            casedesk_store::testutil::store_at(casedesk_store::testutil::at(2026, 11, 27, 6));
        for (kind, name, magic) in [
            (ExportKind::Report, "report-HX0201-2026-11.xlsx", &b"PK"[..]),
            (ExportKind::ReportPdf, "report-HX0201-2026-11.pdf", &b"%PDF"[..]),
            (ExportKind::RemunerationXlsx, "handled-HX0201-2026-11.xlsx", &b"PK"[..]),
            (
                ExportKind::RemunerationCsv,
                "handled-HX0201-2026-11.csv",
                "\u{feff}单位代码".as_bytes(),
            ),
        ] {
            let req = ReportExport { unit: None, period: "2026-11".into(), kind };
            let (file, bytes) = export_file(&store, &req, casedesk_domain::Lang::Zh).unwrap();
            assert_eq!(file, name);
            assert!(bytes.starts_with(magic), "{name}");
        }
        let bad = ReportExport { unit: None, period: "2026-13".into(), kind: ExportKind::Report };
        let err = export_file(&store, &bad, casedesk_domain::Lang::Zh).unwrap_err();
        assert_eq!(err.code(), "validation.failed");
    }

    #[test]
    fn ipc_md_lists_every_command() {
        let md = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/IPC.md"))
            .expect("ui/IPC.md");
        let in_md: Vec<&str> = md
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| l.split('`').next())
            .collect();
        let mut a: Vec<&str> = in_md.clone();
        let mut b: Vec<&str> = super::COMMANDS.to_vec();
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b, "the command table of ui/IPC.md and casedesk_ipc::COMMANDS differ");
    }
}
