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
pub mod error;
#[cfg(test)]
mod golden;
#[cfg(test)]
mod scenario;
pub mod types;
pub mod ui_data;

pub use casedesk_store::QuarantineEntry;
pub use commands::COMMANDS;
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
