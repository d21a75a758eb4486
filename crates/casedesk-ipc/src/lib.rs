//! The desktop IPC contract (`ui/IPC.md`) in Rust: the request and response types that are not
//! core types (`types`), the structured error every command rejects with (`error::IpcError`),
//! the list of commands and events, and the TypeScript bindings of all of it (`bindings`,
//! written to `ui/src/bindings/`).
//!
//! This crate knows nothing of Tauri: `src-tauri` (package casedesk-desktop) implements the
//! commands. Only this crate (and casedesk-domain and casedesk-store behind their `ts` features) knows TypeScript.

pub mod bindings;
pub mod error;
pub mod types;

pub use error::{IpcError, IpcIssue};
pub use types::*;

/// Every command of `ui/IPC.md`, by name. `src-tauri` registers exactly these (its tests check
/// it), and a test here checks the table in IPC.md.
pub const COMMANDS: &[&str] = &[
    "station_info",
    "setup_station",
    "reference",
    "dashboard",
    "list_cases",
    "count_cases",
    "get_case",
    "register_case",
    "case_action",
    "find_duplicates",
    "lookup_respondents",
    "roving_start",
    "roving_end",
    "roving_list",
    "record_consultation",
    "staff_list",
    "staff_add",
    "settings_get",
    "settings_set",
    "sync_status",
    "sync_now",
    "sync_enroll",
    "draft_save",
    "draft_load",
    "draft_clear",
    "app_ready",
];

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
