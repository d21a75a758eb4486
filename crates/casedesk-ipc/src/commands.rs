//! The IPC commands, declared once (Yaak's `with_commands!`): `with_commands!(callback)` calls
//! `callback!` with one line per command, `name(arg: Type, ...) -> Result;`, where the argument
//! names are the keys of the object the UI passes to `invoke` and `Result` is what the command
//! answers (every command may also reject with an `IpcError`). From that one list come:
//!
//! - `COMMANDS`, the names (here);
//! - the TypeScript command map `ui/src/bindings/commands.ts` (`typescript`), which types
//!   `ui/src/ipc/api.ts` and the browser-mode mock, so that a renamed command or argument is a
//!   TypeScript compile error;
//! - the Tauri commands and their handler list in `src-tauri/src/lib.rs`, whose callback makes
//!   one `#[tauri::command]` per line with exactly these argument names and types.
//!
//! `ui/IPC.md`'s command table is checked against `COMMANDS` (see the test in `lib.rs`).

use std::collections::BTreeSet;

use ts_rs::{Config, TS, TypeVisitor};

/// Calls `$callback!` with every command of the contract, one `name(arg: Type, ...) -> Result;`
/// each, in the order of `ui/IPC.md`. Types are paths through `$crate`, so the callback may be
/// anywhere.
#[macro_export]
macro_rules! with_commands {
    ($callback:ident) => {
        $callback! {
            db_lock() -> $crate::DbLock;
            db_unlock(req: $crate::DbUnlock) -> $crate::DbLock;
            station_info() -> Option<$crate::StationInfo>;
            setup_station(req: $crate::SetupStation) -> $crate::StationInfo;
            session_info() -> Option<$crate::SessionInfo>;
            sign_in_list() -> Vec<$crate::StaffLogin>;
            sign_in(req: $crate::SignIn) -> $crate::SessionInfo;
            lock_session() -> ();
            first_head(req: $crate::FirstHead) -> $crate::SessionInfo;
            key_options() -> $crate::KeyOptions;
            reference() -> $crate::Reference;
            dashboard() -> $crate::Dashboard;
            list_cases(q: $crate::ListQuery) -> $crate::Page;
            count_cases(q: $crate::ListQuery) -> u64;
            get_case(id: String) -> $crate::CaseDetail;
            register_case(req: $crate::RegisterCase) -> $crate::CaseRef;
            case_action(req: $crate::CaseAction) -> $crate::CaseDetail;
            reveal(req: $crate::RevealField) -> String;
            find_duplicates(req: $crate::DuplicateQuery) -> Vec<$crate::DuplicateHint>;
            lookup_respondents(prefix: String) -> Vec<$crate::RespondentHint>;
            transfer_targets(kind: $crate::TransferKind) -> $crate::TransferTargets;
            roving_start(req: $crate::RovingStart) -> $crate::RovingSummary;
            roving_end(req: $crate::RovingEnd) -> $crate::RovingSummary;
            roving_list() -> Vec<$crate::RovingSummary>;
            record_consultation(req: $crate::RecordConsultation) -> ();
            staff_list() -> Vec<$crate::StaffRow>;
            staff_add(req: $crate::StaffAdd) -> $crate::StaffRow;
            audit_log() -> Vec<$crate::AuditEntry>;
            idle_lock_get() -> $crate::IdleLock;
            idle_lock_set(req: $crate::IdleLockSet) -> $crate::IdleLock;
            retention_get() -> $crate::RetentionView;
            retention_set(req: $crate::RetentionSet) -> $crate::RetentionView;
            retention_apply(req: $crate::RetentionApply) -> $crate::RetentionApplied;
            settings_get() -> $crate::Settings;
            settings_set(req: $crate::Settings) -> $crate::Settings;
            sync_status() -> $crate::SyncStatus;
            sync_now() -> $crate::SyncStatus;
            sync_enroll(req: $crate::SyncEnroll) -> $crate::SyncStatus;
            sync_quarantine() -> Vec<$crate::QuarantineEntry>;
            bundle_export(req: $crate::BundleExport) -> $crate::BundleExported;
            bundle_import(req: $crate::BundleImport) -> $crate::BundleImported;
            backup_list() -> $crate::BackupOverview;
            backup_now() -> $crate::BackupMade;
            backup_set_folder(req: $crate::BackupFolder) -> $crate::BackupOverview;
            backup_check(path: String, passphrase: Option<String>) -> $crate::BackupChecked;
            backup_restore(req: $crate::BackupRestore) -> $crate::BackupRestored;
            pick_path(req: $crate::PickPath) -> Option<String>;
            encrypt_station(req: $crate::EncryptStation) -> $crate::StationEncrypted;
            reset_demo_station(req: $crate::ResetDemo) -> ();
            draft_save(key: String, json: String) -> ();
            draft_load(key: String) -> Option<String>;
            draft_clear(key: String) -> ();
            app_ready() -> ();
            report(q: $crate::ReportQuery) -> $crate::Report;
            report_submit(req: $crate::ReportSubmit) -> $crate::Report;
            report_export(req: $crate::ReportExport) -> String;
            hotspots(q: $crate::HotspotsQuery) -> $crate::HotSpots;
            supervision(q: $crate::ReportQuery) -> $crate::Supervision;
            doc_preview(req: $crate::DocPreview) -> $crate::DocPages;
            doc_pages(number: String) -> $crate::DocPages;
            doc_issue(req: $crate::DocIssue) -> $crate::DocFile;
            doc_file(req: $crate::DocFileReq) -> $crate::DocFile;
            doc_open(path: String) -> ();
            evidence_add(req: $crate::EvidenceAdd) -> $crate::CaseDetail;
            evidence_thumb(case: String, evidence: String) -> Option<String>;
            evidence_file(case: String, evidence: String) -> String;
            ledger_export(req: $crate::LedgerExport) -> String;
        }
    };
}

/// One command as TypeScript sees it.
pub struct Signature {
    pub name: &'static str,
    /// (argument name, TypeScript type).
    pub args: Vec<(&'static str, String)>,
    pub result: String,
}

/// Collects the names of the exported types a TypeScript type expression refers to.
struct Names<'a> {
    cfg: &'a Config,
    names: BTreeSet<String>,
}

impl TypeVisitor for Names<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if T::output_path().is_some() {
            self.names.insert(T::ident(self.cfg));
        }
        T::visit_generics(self);
    }
}

macro_rules! command_table {
    ($($name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        /// Every command of `ui/IPC.md`, by name.
        pub const COMMANDS: &[&str] = &[$(stringify!($name)),*];

        /// Every command's TypeScript signature, and the exported types they name.
        fn signatures(cfg: &Config) -> (Vec<Signature>, BTreeSet<String>) {
            let mut names = Names { cfg, names: BTreeSet::new() };
            let sigs = vec![$({
                $(names.visit::<$ty>();)*
                names.visit::<$ret>();
                Signature {
                    name: stringify!($name),
                    args: vec![$((stringify!($arg), <$ty as TS>::name(cfg))),*],
                    result: <$ret as TS>::name(cfg),
                }
            }),*];
            (sigs, names.names)
        }
    };
}

crate::with_commands!(command_table);

/// `ui/src/bindings/commands.ts`: the command map (name → argument object and result) and the
/// list of names.
pub fn typescript(cfg: &Config) -> String {
    let (sigs, names) = signatures(cfg);
    let mut out = String::from(crate::bindings::GENERATED_NOTE);
    let names: Vec<String> = names.into_iter().collect();
    out.push_str(&format!("import type {{ {} }} from \"./index\";\n\n", names.join(", ")));
    out.push_str(
        "/** Every IPC command: the argument object `invoke` sends (no arguments: an empty\n \
         * object) and what the command answers. Rejections are `IpcError`s. */\n",
    );
    out.push_str("export interface Commands {\n");
    for s in &sigs {
        let args = if s.args.is_empty() {
            "Record<string, never>".to_owned()
        } else {
            let fields: Vec<String> = s.args.iter().map(|(n, t)| format!("{n}: {t}")).collect();
            format!("{{ {} }}", fields.join("; "))
        };
        out.push_str(&format!("  {}: {{ args: {args}; result: {} }};\n", s.name, s.result));
    }
    out.push_str("}\n\nexport type Command = keyof Commands;\n\n");
    out.push_str("/** Every command, in the order of ui/IPC.md. */\n");
    out.push_str("export const COMMANDS: readonly Command[] = [\n");
    for s in &sigs {
        out.push_str(&format!("  \"{}\",\n", s.name));
    }
    out.push_str("];\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_names_every_argument_and_result() {
        let cfg = Config::new().with_large_int("number");
        let ts = typescript(&cfg);
        assert!(
            ts.contains(
                "  station_info: { args: Record<string, never>; result: StationInfo | null };"
            ),
            "{ts}"
        );
        assert!(ts.contains("  list_cases: { args: { q: ListQuery }; result: Page };"), "{ts}");
        assert!(ts.contains("  count_cases: { args: { q: ListQuery }; result: number };"), "{ts}");
        assert!(
            ts.contains("  draft_save: { args: { key: string; json: string }; result: null };"),
            "{ts}"
        );
        assert!(
            ts.contains("  staff_list: { args: Record<string, never>; result: Array<Staff> };"),
            "{ts}"
        );
        assert!(
            ts.contains("import type { AuditEntry, BackupChecked, BackupFolder, BackupMade,"),
            "{ts}"
        );
        assert!(
            ts.contains(
                "  backup_restore: { args: { req: BackupRestore }; result: BackupRestored };"
            ),
            "{ts}"
        );
        assert_eq!(COMMANDS.len(), ts.matches(": { args: ").count());
    }
}
