//! TypeScript bindings of every IPC type, for `ui/src/bindings/` (one file per type, and an
//! `index.ts` re-exporting them all), with the modules made from Rust data that sit beside them:
//! the command map (`commands.ts`), the message table (`messages.data.ts`) and the holiday
//! calendar (`calendar.data.ts`).
//!
//! `generate` renders them in memory; `golden` compares them, and the files made by running the
//! domain and the store (`scenario`), with what is on disk and fails when they differ
//! (rust-analyzer's `ensure_file_contents`); `UPDATE_GOLDEN=1 cargo test -p casedesk-ipc`
//! rewrites them.

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use ts_rs::{Config, TS, TypeVisitor};

/// The folder the UI imports the bindings from.
pub fn ui_bindings_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings")
}

/// How the types are rendered. Integers are numbers: every integer that crosses IPC (counts,
/// fen, milliseconds, days) fits in 2^53, and Tauri's JSON gives the webview numbers anyway.
fn config(dir: &Path) -> Config {
    Config::new().with_large_int("number").with_out_dir(dir)
}

struct Collect<'a> {
    cfg: &'a Config,
    seen: HashSet<TypeId>,
    files: BTreeMap<String, String>,
    errors: Vec<String>,
}

impl TypeVisitor for Collect<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        let Some(path) = T::output_path() else { return };
        if !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        let name = path.to_string_lossy().into_owned();
        match T::export_to_string(self.cfg) {
            Ok(text) => {
                if self.files.insert(name.clone(), text).is_some() {
                    self.errors.push(format!(
                        "two types are exported as {name}: give one a #[ts(rename)]"
                    ));
                }
            }
            Err(e) => self.errors.push(format!("{}: {e}", std::any::type_name::<T>())),
        }
        T::visit_dependencies(self);
    }
}

/// Lists every type of the IPC contract (the roots; their dependencies follow).
macro_rules! ipc_types {
    ($v:expr) => {{
        use crate::error::*;
        use crate::types::*;
        use crate::ui_data::*;
        use casedesk_domain::event::{CaseEvent, CaseRegistered};
        use casedesk_store::CaseRef;
        use casedesk_store::desk::{
            DuplicateHint, DuplicateQuery, Reference, RespondentHint, RovingSummary, StaffRow,
            TransferTargets,
        };
        use casedesk_store::query::{ListQuery, Page};
        let v = $v;
        // Commands' arguments and results, in the order of ui/IPC.md.
        v.visit::<StationInfo>();
        v.visit::<SetupStation>();
        v.visit::<SessionInfo>();
        v.visit::<casedesk_store::StaffLogin>();
        v.visit::<SignIn>();
        v.visit::<FirstHead>();
        v.visit::<KeyOptions>();
        v.visit::<Reference>();
        v.visit::<Dashboard>();
        v.visit::<ListQuery>();
        v.visit::<Page>();
        v.visit::<CaseDetail>();
        v.visit::<RegisterCase>();
        v.visit::<CaseRegistered>();
        v.visit::<CaseRef>();
        v.visit::<CaseAction>();
        v.visit::<CaseEvent>();
        v.visit::<RevealField>();
        v.visit::<DuplicateQuery>();
        v.visit::<DuplicateHint>();
        v.visit::<RespondentHint>();
        v.visit::<TransferTargets>();
        v.visit::<RovingStart>();
        v.visit::<RovingEnd>();
        v.visit::<RovingSummary>();
        v.visit::<RecordConsultation>();
        v.visit::<StaffRow>();
        v.visit::<StaffAdd>();
        v.visit::<casedesk_store::AuditEntry>();
        v.visit::<IdleLock>();
        v.visit::<IdleLockSet>();
        v.visit::<RetentionView>();
        v.visit::<RetentionSet>();
        v.visit::<RetentionApply>();
        v.visit::<RetentionApplied>();
        v.visit::<Settings>();
        v.visit::<SyncStatus>();
        v.visit::<SyncEnroll>();
        v.visit::<BundleExport>();
        v.visit::<BundleExported>();
        v.visit::<BundleImport>();
        v.visit::<BundleImported>();
        v.visit::<DbLock>();
        v.visit::<DbUnlock>();
        v.visit::<BackupRow>();
        v.visit::<BackupOverview>();
        v.visit::<BackupFolder>();
        v.visit::<BackupFailure>();
        v.visit::<BackupMade>();
        v.visit::<BackupChecked>();
        v.visit::<BackupRestore>();
        v.visit::<PickPath>();
        v.visit::<EncryptStation>();
        v.visit::<StationEncrypted>();
        v.visit::<BackupRestored>();
        v.visit::<casedesk_store::QuarantineEntry>();
        v.visit::<ResetDemo>();
        v.visit::<ReportQuery>();
        v.visit::<casedesk_report::Report>();
        v.visit::<ReportSubmit>();
        v.visit::<ReportExport>();
        v.visit::<HotspotsQuery>();
        v.visit::<casedesk_report::hotspots::HotSpots>();
        v.visit::<casedesk_report::supervision::Supervision>();
        v.visit::<crate::DocPreview>();
        v.visit::<crate::DocPages>();
        v.visit::<crate::DocIssue>();
        v.visit::<crate::DocFileReq>();
        v.visit::<crate::DocFile>();
        v.visit::<crate::DocFormat>();
        v.visit::<crate::EvidenceAdd>();
        v.visit::<crate::LedgerExport>();
        v.visit::<crate::LedgerFormat>();
        v.visit::<casedesk_domain::document::DocOffer>();
        // Events and errors.
        v.visit::<DbChanged>();
        v.visit::<IpcError>();
        v.visit::<IpcIssue>();
        // Data made from Rust for the mock and its tests.
        v.visit::<HolidayCalendar>();
        v.visit::<VerdictTable>();
        v.visit::<Transition>();
        v.visit::<DeskFixture>();
    }};
}

/// The first line of every generated file.
pub const GENERATED_NOTE: &str =
    "// Generated by casedesk-ipc (`UPDATE_GOLDEN=1 cargo test -p casedesk-ipc`). Do not edit.\n";

/// Renders every binding: file name (`CaseRow.ts`, ..., `index.ts`, `commands.ts`,
/// `messages.data.ts`, `calendar.data.ts`, `limits.data.ts`) to contents.
pub fn generate() -> Result<BTreeMap<String, String>, String> {
    let cfg = config(&ui_bindings_dir());
    let mut c = Collect { cfg: &cfg, seen: HashSet::new(), files: BTreeMap::new(), errors: vec![] };
    ipc_types!(&mut c);
    if !c.errors.is_empty() {
        return Err(c.errors.join("\n"));
    }
    let mut index = String::from(GENERATED_NOTE);
    for name in c.files.keys() {
        let ty = name.trim_end_matches(".ts");
        index.push_str(&format!("export type {{ {ty} }} from \"./{ty}\";\n"));
    }
    let mut files = c.files;
    files.insert("index.ts".into(), index);
    files.insert("commands.ts".into(), crate::commands::typescript(&cfg));
    files.insert("messages.data.ts".into(), crate::ui_data::messages_ts());
    files.insert("calendar.data.ts".into(), crate::ui_data::calendar_ts());
    files.insert("limits.data.ts".into(), crate::ui_data::limits_ts());
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_contract_type_is_there() {
        let files = generate().unwrap();
        for ty in [
            "StationInfo",
            "SetupStation",
            "Staff",
            "Reference",
            "Dashboard",
            "ListQuery",
            "Page",
            "CaseRow",
            "DeadlineView",
            "CaseDetail",
            "CaseState",
            "CaseDeadline",
            "CaseEvent",
            "CaseRegistered",
            "CaseRef",
            "DuplicateQuery",
            "DuplicateHint",
            "RespondentHint",
            "RovingSummary",
            "Settings",
            "OwnRules",
            "SyncStatus",
            "IpcError",
            "IpcIssue",
            "UiLang",
            "Status",
            "Channel",
            "UnitKind",
            "StaffRole",
            "RuleSet",
            "DeadlineKind",
        ] {
            assert!(files.contains_key(&format!("{ty}.ts")), "{ty}.ts is not generated");
        }
        let sync = &files["SyncStatus.ts"];
        assert!(sync.contains("plain_error: string | null"), "{sync}");
        assert!(sync.contains("waiting: number"), "64-bit integers must be numbers: {sync}");
        let row = &files["CaseRow.ts"];
        assert!(row.contains("status: Status"), "{row}");
        let q = &files["ListQuery.ts"];
        assert!(q.contains("limit: number") && q.contains("text?: string | null"), "{q}");
    }
}
